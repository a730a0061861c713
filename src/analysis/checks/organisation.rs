//! Checks only an organisation's profile makes possible: its people and its vendors. Each
//! one skips without a profile (or with a profile that names nobody of that kind), so the
//! verdict of a message judged without one is what it always was.

use super::content::BANK_CHANGE;
use super::finding::{CheckDef, Ctx, Finding};
use super::util::{evidence, has_text, quoted};
use crate::analysis::domains::{self, LookalikeKind};
use crate::analysis::identity::org_domain;
use crate::analysis::types::{Family, Grade, Mailbox, Report};
use crate::profile::{Profile, Vendor};

pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "protected-person-impostor",
        family: Family::Identity,
        grade: Grade::Strong,
        run: protected_person_impostor,
    },
    CheckDef {
        id: "vendor-lookalike",
        family: Family::Identity,
        grade: Grade::Strong,
        run: vendor_lookalike,
    },
    CheckDef {
        id: "vendor-unknown-domain",
        family: Family::Identity,
        grade: Grade::Strong,
        run: vendor_unknown_domain,
    },
    CheckDef {
        id: "internal-from-outside",
        family: Family::Identity,
        grade: Grade::Strong,
        run: internal_from_outside,
    },
    CheckDef {
        id: "vendor-bank-change",
        family: Family::Content,
        grade: Grade::Strong,
        run: vendor_bank_change,
    },
];

fn profile<'a>(c: &Ctx<'a>) -> Option<&'a Profile> {
    c.opts.profile.as_deref()
}

fn from(r: &Report) -> Option<&Mailbox> {
    r.identity.from.as_ref()
}

/// The profile and the sender a check needs, or the skip that says which is missing:
/// no profile (or one without what `has` asks for) names `missing`; no From line skips too.
fn applies<'a>(
    c: &Ctx<'a>,
    has: impl Fn(&Profile) -> bool,
    missing: &str,
) -> Result<(&'a Profile, &'a Mailbox), Finding> {
    let p = profile(c)
        .filter(|p| has(p))
        .ok_or_else(|| Finding::skip(missing))?;
    let f = from(c.r).ok_or_else(|| Finding::skip("No sender"))?;
    Ok((p, f))
}

/// Evidence: the From header.
fn at_from(f: Finding, r: &Report) -> Finding {
    match r
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("From"))
    {
        Some(h) => f.with_header(r, h.index),
        None => f,
    }
}

/// The From domain is one of the organisation's and its proof holds: mail from inside.
fn proven_own(c: &Ctx, domain: &str) -> bool {
    let org = org_domain(domain);
    c.r.sender.from_proven && c.opts.own_domains.iter().any(|d| org_domain(d) == org)
}

fn protected_person_impostor(c: &Ctx) -> Finding {
    let (p, f) = match applies(
        c,
        |p| !p.people.is_empty(),
        "No organisation profile names people to protect",
    ) {
        Ok(both) => both,
        Err(skip) => return skip,
    };
    let Some(name) = f.display_name.as_deref() else {
        return Finding::pass("The sender's name is not one of your protected people's");
    };
    let Some(person) = p.person_named(name) else {
        return Finding::pass("The sender's name is not one of your protected people's");
    };
    let address = f.address.clone().unwrap_or_default().to_ascii_lowercase();
    let domain = f.domain.clone().unwrap_or_default();
    let theirs = person.addresses.contains(&address);
    if theirs || (person.addresses.is_empty() && proven_own(c, &domain)) {
        return Finding::pass(format!(
            "{} writes from an address your organisation lists for them",
            person.name
        ));
    }
    if c.r.sender.via_list {
        // A mailing list that rewrites the sender keeps the author's name beside its own
        // address ("Dana Whitfield via Board <board@lists.example>"). List headers are easy
        // to add, so it stays worth a look, as a hint.
        return at_from(
            Finding::warn(
                3,
                format!(
                    "A mailing list relays a message in the name of {} under its own address ({address}); if you do not know this list, treat it as the name used from outside",
                    person.name
                ),
            )
            .graded(Grade::Hint),
            c.r,
        );
    }
    if proven_own(c, &domain) {
        // Inside the organisation, another mailbox (an assistant, a shared account) can
        // carry the name honestly.
        return Finding::pass(format!(
            "The name {} comes from inside your organisation ({address})",
            person.name
        ));
    }
    let role = person
        .role
        .as_deref()
        .map(|r| format!(", {r},"))
        .unwrap_or_default();
    let kind = if domains::is_free_mail(&domain) {
        "a free personal mailbox"
    } else if !domains::lookalikes(&domain, &c.opts.own_domains).is_empty() {
        "a look-alike of your organisation's domain"
    } else {
        "an address outside your organisation"
    };
    let known = match person.addresses.first() {
        Some(a) => format!("; their address on file is {a}"),
        None => String::new(),
    };
    at_from(
        Finding::fail(
            8,
            format!(
                "The sender uses the name of {}{role} but writes from {kind} ({address}){known}",
                person.name
            ),
        ),
        c.r,
    )
}

fn internal_from_outside(c: &Ctx) -> Finding {
    let (p, f) = match applies(
        c,
        |p| !p.own_domains.is_empty(),
        "No organisation profile names your own domains",
    ) {
        Ok(both) => both,
        Err(skip) => return skip,
    };
    let Some(org) = f.org_domain.as_deref() else {
        return Finding::skip("No sender address");
    };
    if !p.own_domains.iter().any(|d| org_domain(d) == org) {
        return Finding::pass("The sender does not write from your own domain");
    }
    let path = &c.r.path;
    let Some(ip) = path.connecting_ip.as_deref() else {
        return Finding::skip("The route does not show where the message entered");
    };
    let public = ip
        .parse::<std::net::IpAddr>()
        .is_ok_and(|ip| !crate::analysis::path::is_non_public(&ip));
    let inside_name = path
        .connecting_host
        .as_deref()
        .is_some_and(|h| p.own_domains.iter().any(|d| org_domain(d) == org_domain(h)));
    if !public || inside_name {
        return Finding::pass("Mail from your own domain that came from your own servers");
    }
    if c.r.sender.from_proven {
        return Finding::pass(format!(
            "Mail from your own domain {org} that entered from the internet, and its authentication proves the domain (a service sending for you)"
        ));
    }
    let host = path
        .connecting_host
        .as_deref()
        .map(|h| format!(" ({h})"))
        .unwrap_or_default();
    at_from(
        Finding::warn(
            6,
            format!(
                "The message claims to come from inside your organisation ({org}) but entered from the internet, from {ip}{host}, and nothing proves the domain"
            ),
        ),
        c.r,
    )
}

/// The vendor a sender's domain imitates, with how.
fn imitated_vendor<'a>(p: &'a Profile, domain: &str) -> Option<(&'a Vendor, String)> {
    p.vendors.iter().find_map(|v| {
        let found = domains::lookalikes(domain, &v.domains);
        found
            .into_iter()
            .find(|l| {
                l.kind != LookalikeKind::BrandInLabel
                    && v.domains
                        .iter()
                        .any(|d| org_domain(d) == org_domain(&l.target))
            })
            .map(|l| (v, l.detail))
    })
}

fn vendor_lookalike(c: &Ctx) -> Finding {
    let Some(p) = profile(c).filter(|p| p.vendors.iter().any(|v| !v.domains.is_empty())) else {
        return Finding::skip("No organisation profile lists vendors' domains");
    };
    let Some(domain) = from(c.r).and_then(|f| f.domain.clone()) else {
        return Finding::skip("No sender address");
    };
    if p.vendor_of_domain(&domain).is_some() {
        return Finding::pass(format!("{domain} is a vendor domain on file"));
    }
    match imitated_vendor(p, &domain) {
        Some((v, how)) => at_from(
            Finding::fail(
                9,
                format!(
                    "The sender's domain {domain} imitates {} of your vendor {}: {how}",
                    v.domains.first().map(String::as_str).unwrap_or_default(),
                    v.name
                ),
            ),
            c.r,
        ),
        None => Finding::pass("The sender's domain does not imitate a vendor's"),
    }
}

fn vendor_unknown_domain(c: &Ctx) -> Finding {
    let (p, f) = match applies(
        c,
        |p| !p.vendors.is_empty(),
        "No organisation profile lists vendors",
    ) {
        Ok(both) => both,
        Err(skip) => return skip,
    };
    let domain = f.domain.clone().unwrap_or_default();
    let named = f.display_name.as_deref().and_then(|n| p.vendor_named(n));
    let Some(v) = named else {
        // No vendor's name, but perhaps a vendor's domain name inside another domain
        // ("contoso-supplies-payments.example"): the vendor's family, borrowed.
        if p.vendor_of_domain(&domain).is_none() {
            let family = p.vendors.iter().find(|v| {
                domains::lookalikes(&domain, &v.domains)
                    .iter()
                    .any(|l| l.kind == LookalikeKind::BrandInLabel)
            });
            if let Some(v) = family {
                return at_from(
                    Finding::warn(
                        6,
                        format!(
                            "The sender's domain {domain} borrows the name of your vendor {}'s domain ({}) but is not on file for them",
                            v.name,
                            v.domains.join(", ")
                        ),
                    ),
                    c.r,
                );
            }
        }
        return Finding::pass("The sender's name is not a vendor's");
    };
    if v.domains.is_empty()
        || p.vendor_of_domain(&domain)
            .is_some_and(|w| w.name == v.name)
    {
        return Finding::pass(format!("{} writes from a domain on file", v.name));
    }
    if imitated_vendor(p, &domain).is_some() {
        // The look-alike check says it better.
        return Finding::pass(format!(
            "{domain} imitates {}'s domain: see the look-alike check",
            v.name
        ));
    }
    at_from(
        Finding::warn(
            6,
            format!(
                "The sender calls itself {} but writes from {domain}, which is not among the domains on file for them ({})",
                v.name,
                v.domains.join(", ")
            ),
        ),
        c.r,
    )
}

fn vendor_bank_change(c: &Ctx) -> Finding {
    let (p, f) = match applies(
        c,
        |p| !p.vendors.is_empty(),
        "No organisation profile lists vendors",
    ) {
        Ok(both) => both,
        Err(skip) => return skip,
    };
    let domain = f.domain.clone().unwrap_or_default();
    let named = f.display_name.as_deref().and_then(|n| p.vendor_named(n));
    let vendor = p
        .vendor_of_domain(&domain)
        .or(named)
        .or_else(|| imitated_vendor(p, &domain).map(|(v, _)| v));
    let Some(v) = vendor else {
        return Finding::skip("The sender does not claim to be one of your vendors");
    };
    if !has_text(c.r) {
        return Finding::skip("The message has no text to read");
    }
    let doc = c.doc();
    let hits = doc.find(&BANK_CHANGE);
    if hits.is_empty() {
        return Finding::pass(format!("{} does not announce new bank details", v.name));
    }
    let on_file = if v.payment_details_on_file {
        " Your organisation holds their payment details on file"
    } else {
        ""
    };
    let f = Finding::warn(
        7,
        format!(
            "A message claiming to be your vendor {} announces new bank details: {}.{on_file}",
            v.name,
            quoted(doc, &hits, 2)
        ),
    );
    evidence(f, c.r, doc, &hits, 2)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::analysis::{analyze, Options, Outcome, Verdict};
    use crate::profile::Profile;

    /// Northwind Traders: its CEO Dana Whitfield and its vendor Contoso Supplies.
    const PROFILE: &str =
        include_str!("../../../tests/fixtures/organisation/northwind.profile.toml");

    fn opts() -> Options {
        Options::default().with_profile(Arc::new(Profile::parse(PROFILE).expect("profile")))
    }

    fn message(from: &str, subject: &str, body: &str) -> Vec<u8> {
        format!(
            "Received: from mail.sender.example (mail.sender.example [198.51.100.9]) by mx.northwind.example with ESMTPS; Mon, 6 Oct 2025 10:00:05 +0000\r\n\
             From: {from}\r\nTo: sam@northwind.example\r\nSubject: {subject}\r\nDate: Mon, 6 Oct 2025 10:00:00 +0000\r\n\
             Message-ID: <m1@sender.example>\r\n\r\n{body}\r\n"
        )
        .into_bytes()
    }

    fn outcome(raw: &[u8], opts: &Options, id: &str) -> Outcome {
        let r = analyze(raw, opts).expect("an email");
        r.checks
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.outcome)
            .expect("the check ran")
    }

    #[test]
    fn the_executive_from_a_free_mailbox_is_flagged_and_from_their_own_address_is_not() {
        let fake = message(
            "Dana Whitfield <dana.whitfield.office@gmail.com>",
            "Urgent transfer",
            "I need you to make an urgent wire transfer of $48,500 to a new supplier today. Keep this confidential.",
        );
        assert_eq!(
            outcome(&fake, &opts(), "protected-person-impostor"),
            Outcome::Fail
        );
        let r = analyze(&fake, &opts()).expect("an email");
        assert_eq!(r.verdict, Verdict::Danger, "{}", r.basis);
        assert_eq!(
            r.reasons.first().map(String::as_str),
            Some("protected-person-impostor")
        );
        // Without the profile the check has nothing to compare with.
        assert_eq!(
            outcome(&fake, &Options::default(), "protected-person-impostor"),
            Outcome::Skip
        );
        // Another Dana writes: not the protected person.
        let other = message("Dana Scully <dana@fbi.example>", "Hello", "Hi there.");
        assert_eq!(
            outcome(&other, &opts(), "protected-person-impostor"),
            Outcome::Pass
        );
    }

    #[test]
    fn internal_looking_mail_from_the_internet_is_flagged_unless_proven() {
        let m = "Received: from vps-9.hosting.example (vps-9.hosting.example [203.0.113.77]) by mx.northwind.example with ESMTP; Mon, 6 Oct 2025 10:00:05 +0000\r\n\
             Authentication-Results: mx.northwind.example; spf=none smtp.mailfrom=northwind.example; dkim=none; dmarc=none header.from=northwind.example\r\n\
             From: IT Service Desk <it@northwind.example>\r\nTo: sam@northwind.example\r\nSubject: Mailbox\r\n\
             Date: Mon, 6 Oct 2025 10:00:00 +0000\r\nMessage-ID: <i1@northwind.example>\r\n\r\nYour mailbox is full.\r\n"
            .as_bytes()
            .to_vec();
        assert_eq!(outcome(&m, &opts(), "internal-from-outside"), Outcome::Warn);
        assert_eq!(
            outcome(&m, &Options::default(), "internal-from-outside"),
            Outcome::Skip
        );
        // The same from the organisation's own server: inside.
        let inside = String::from_utf8_lossy(&m)
            .replace(
                "vps-9.hosting.example (vps-9.hosting.example [203.0.113.77])",
                "mail.northwind.example (mail.northwind.example [198.51.100.3])",
            )
            .into_bytes();
        assert_eq!(
            outcome(&inside, &opts(), "internal-from-outside"),
            Outcome::Pass
        );
    }

    #[test]
    fn a_mailing_list_relaying_the_executive_is_only_a_hint() {
        let m = "Received: from lists.example (lists.example [198.51.100.20]) by mx.northwind.example with ESMTPS; Mon, 6 Oct 2025 10:00:05 +0000\r\n\
             From: Dana Whitfield via Board <board@lists.example>\r\nReply-To: board@lists.example\r\n\
             List-Id: Board of trustees <board.lists.example>\r\nSender: board-bounces@lists.example\r\n\
             To: board@lists.example\r\nSubject: Minutes\r\nDate: Mon, 6 Oct 2025 10:00:00 +0000\r\n\
             Message-ID: <m2@lists.example>\r\n\r\nThe minutes of Monday's meeting are below.\r\n"
            .as_bytes()
            .to_vec();
        let r = analyze(&m, &opts()).expect("an email");
        let c = r
            .checks
            .iter()
            .find(|c| c.id == "protected-person-impostor")
            .expect("ran");
        assert_eq!(c.outcome, Outcome::Warn, "{c:?}");
        assert_eq!(c.grade, crate::analysis::Grade::Hint);
        assert_ne!(r.verdict, Verdict::Danger);
    }

    #[test]
    fn a_look_alike_of_a_vendor_domain_announcing_new_bank_details_is_danger() {
        let fake = message(
            "Contoso Supplies <billing@contoso-suppIies.example>",
            "Updated bank details",
            "Please note our bank details have changed. Kindly pay the outstanding invoice to the new account below.",
        );
        assert_eq!(outcome(&fake, &opts(), "vendor-lookalike"), Outcome::Fail);
        assert_eq!(outcome(&fake, &opts(), "vendor-bank-change"), Outcome::Warn);
        let r = analyze(&fake, &opts()).expect("an email");
        assert_eq!(r.verdict, Verdict::Danger, "{}", r.basis);
        assert_eq!(
            r.reasons.first().map(String::as_str),
            Some("vendor-lookalike")
        );
        assert_eq!(
            outcome(&fake, &Options::default(), "vendor-lookalike"),
            Outcome::Skip
        );
        // The vendor's real domain, the same words: checked, not called a look-alike.
        let real = message(
            "Contoso Supplies <billing@contoso-supplies.example>",
            "Updated bank details",
            "Please note our bank details have changed. Kindly pay the outstanding invoice to the new account below.",
        );
        assert_eq!(outcome(&real, &opts(), "vendor-lookalike"), Outcome::Pass);
        assert_eq!(outcome(&real, &opts(), "vendor-bank-change"), Outcome::Warn);
    }

    #[test]
    fn the_organisations_name_from_its_profile_is_caught_from_outside() {
        let short =
            Profile::parse("name = \"Northwind Traders\"\nown_domains = [\"nwt.example\"]\n")
                .expect("profile");
        let opts = Options::default().with_profile(Arc::new(short));
        let m = "Received: from mail.payroll-portal.example (mail.payroll-portal.example [198.51.100.9]) by mx.nwt.example with ESMTPS; Mon, 6 Oct 2025 10:00:05 +0000\r\n\
             From: Northwind Traders Payroll <payroll@payroll-portal.example>\r\nTo: sam@nwt.example\r\nSubject: Payslip\r\n\
             Date: Mon, 6 Oct 2025 10:00:00 +0000\r\nMessage-ID: <p1@payroll-portal.example>\r\n\r\nYour payslip is ready.\r\n"
        .to_string()
        .into_bytes();
        assert_eq!(outcome(&m, &opts, "own-name-outside"), Outcome::Warn);
        // Without the profile, "nwt" is too short a name to look for.
        assert_eq!(
            outcome(&m, &Options::default(), "own-name-outside"),
            Outcome::Pass
        );
    }

    #[test]
    fn a_vendor_name_from_a_domain_not_on_file_is_flagged() {
        let m = message(
            "Contoso Supplies <accounts@contoso-billing.example>",
            "Invoice",
            "Your invoice is attached.",
        );
        assert_eq!(outcome(&m, &opts(), "vendor-unknown-domain"), Outcome::Warn);
        let m = message(
            "Contoso Supplies <accounts@contoso-supplies.example>",
            "Invoice",
            "Your invoice is attached.",
        );
        assert_eq!(outcome(&m, &opts(), "vendor-unknown-domain"), Outcome::Pass);
        // The vendor's domain name inside another domain, under any display name.
        let m = message(
            "Accounts <accounts@contoso-supplies-payments.example>",
            "Invoice",
            "Your invoice is attached.",
        );
        assert_eq!(outcome(&m, &opts(), "vendor-unknown-domain"), Outcome::Warn);
    }
}
