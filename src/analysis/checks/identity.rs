//! Identity checks: who the message claims to be from, and whether the addresses agree.

use unicode_security::MixedScript;

use super::finding::{CheckDef, Ctx, Finding};
use super::util::squash;
use crate::analysis::domains::{self, LookalikeKind};
use crate::analysis::identity::{domain_of, org_domain};
use crate::analysis::knowledge;
use crate::analysis::types::{Family, Grade, Location, Mailbox, MessageKind, Report};

pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "reply-to-mismatch",
        family: Family::Identity,
        grade: Grade::Hint,
        run: reply_to_mismatch,
    },
    CheckDef {
        id: "return-path-mismatch",
        family: Family::Identity,
        grade: Grade::Hint,
        run: return_path_mismatch,
    },
    CheckDef {
        id: "display-name-address",
        family: Family::Identity,
        grade: Grade::Strong,
        run: display_name_address,
    },
    CheckDef {
        id: "display-name-brand",
        family: Family::Identity,
        grade: Grade::Strong,
        run: display_name_brand,
    },
    CheckDef {
        id: "copyright-brand-mismatch",
        family: Family::Identity,
        grade: Grade::Strong,
        run: copyright_brand_mismatch,
    },
    CheckDef {
        id: "brand-in-mailbox",
        family: Family::Identity,
        grade: Grade::Strong,
        run: brand_in_mailbox,
    },
    CheckDef {
        id: "own-name-outside",
        family: Family::Identity,
        grade: Grade::Strong,
        run: own_name_outside,
    },
    CheckDef {
        id: "organisation-name-mismatch",
        family: Family::Identity,
        grade: Grade::Strong,
        run: organisation_name_mismatch,
    },
    CheckDef {
        id: "lookalike-domain",
        family: Family::Identity,
        grade: Grade::Strong,
        run: lookalike_domain,
    },
    CheckDef {
        id: "punycode-domain",
        family: Family::Identity,
        grade: Grade::Hint,
        run: punycode_domain,
    },
    CheckDef {
        id: "mixed-script-name",
        family: Family::Identity,
        grade: Grade::Strong,
        run: mixed_script_name,
    },
    CheckDef {
        id: "encoded-from-tricks",
        family: Family::Identity,
        grade: Grade::Strong,
        run: encoded_from_tricks,
    },
    CheckDef {
        id: "multiple-from",
        family: Family::Identity,
        grade: Grade::Hint,
        run: multiple_from,
    },
    CheckDef {
        id: "message-id-domain",
        family: Family::Identity,
        grade: Grade::Hint,
        run: message_id_domain,
    },
    CheckDef {
        id: "missing-date",
        family: Family::Identity,
        grade: Grade::Hint,
        run: missing_date,
    },
    CheckDef {
        id: "missing-message-id",
        family: Family::Identity,
        grade: Grade::Hint,
        run: missing_message_id,
    },
    CheckDef {
        id: "not-addressed-to-you",
        family: Family::Identity,
        grade: Grade::Hint,
        run: not_addressed_to_you,
    },
    CheckDef {
        id: "sender-on-behalf",
        family: Family::Identity,
        grade: Grade::Hint,
        run: sender_on_behalf,
    },
    CheckDef {
        id: "mailing-list",
        family: Family::Identity,
        grade: Grade::Hint,
        run: mailing_list,
    },
    CheckDef {
        id: "bulk-sender",
        family: Family::Identity,
        grade: Grade::Hint,
        run: bulk_sender,
    },
    CheckDef {
        id: "forwarded",
        family: Family::Identity,
        grade: Grade::Hint,
        run: forwarded,
    },
    CheckDef {
        id: "inline-forward",
        family: Family::Identity,
        grade: Grade::Hint,
        run: inline_forward,
    },
];

fn from(r: &Report) -> Option<&Mailbox> {
    r.identity.from.as_ref()
}

fn header_index(r: &Report, name: &str) -> Option<usize> {
    r.headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.index)
}

fn with_named(f: Finding, r: &Report, name: &str) -> Finding {
    match header_index(r, name) {
        Some(i) => f.with_header(r, i),
        None => f,
    }
}

fn addr(m: &Mailbox) -> &str {
    m.address.as_deref().unwrap_or("(no address)")
}

fn reply_to_mismatch(c: &Ctx) -> Finding {
    let r = c.r;
    let Some(f) = from(r) else {
        return Finding::skip("No sender address");
    };
    if r.identity.reply_to.is_empty() {
        return Finding::skip("No Reply-To: replies go to the sender");
    }
    let from_org = f.org_domain.as_deref().unwrap_or_default();
    let from_addr = addr(f).to_ascii_lowercase();
    let odd: Vec<&Mailbox> = r
        .identity
        .reply_to
        .iter()
        .filter(|m| {
            let org = m.org_domain.as_deref().unwrap_or_default();
            // At a free-mail provider every account is someone else.
            org != from_org
                || (domains::is_free_mail(org) && addr(m).to_ascii_lowercase() != from_addr)
        })
        .collect();
    let Some(first) = odd.first() else {
        return Finding::pass("Replies go to the sender's own domain");
    };
    let list_orgs = &r.sender.list_org_domains;
    if r.sender.via_list
        || odd.iter().all(|m| {
            m.org_domain
                .as_ref()
                .is_some_and(|o| list_orgs.contains(o) && !domains::is_free_mail(o))
        })
    {
        return with_named(
            Finding::reassure(0, format!("Replies go to {} — normal for a mailing list, which sends replies to the author or the list", addr(first))),
            r, "Reply-To",
        );
    }
    let reply_org = first.org_domain.as_deref().unwrap_or_default();
    let free = domains::is_free_mail(reply_org) && !domains::is_free_mail(from_org);
    let weight = if free { 5 } else { 3 };
    // Replies to somebody's personal mailbox at a free provider reach a person the
    // sender's address does not prove anything about: the classic way to take a
    // conversation over. Another company's domain is often a helpdesk or an agency.
    let grade = if domains::is_free_mail(reply_org) {
        Grade::Strong
    } else {
        Grade::Hint
    };
    with_named(
        Finding::warn(
            weight,
            format!(
                "Your reply would go to {}, not to the sender {}",
                addr(first),
                addr(f)
            ),
        )
        .graded(grade),
        r,
        "Reply-To",
    )
}

fn return_path_mismatch(c: &Ctx) -> Finding {
    let r = c.r;
    let (Some(f), Some(rp)) = (from(r), r.identity.return_path.as_ref()) else {
        return Finding::skip("No envelope sender recorded");
    };
    let (Some(fo), Some(ro)) = (f.org_domain.as_deref(), rp.org_domain.as_deref()) else {
        return Finding::skip("No envelope sender domain");
    };
    if fo == ro {
        return Finding::pass("Bounces go to the sender's own domain");
    }
    if r.sender.dkim_aligned {
        return with_named(
            Finding::reassure(0, format!("Sent through a mailing service ({ro}) but signed by the sender's own domain {fo}: that is normal for newsletters and notifications")),
            r, "Return-Path",
        );
    }
    if r.sender.via_list {
        return Finding::pass(format!(
            "Bounces go to the mailing list's server ({ro}), as lists do"
        ));
    }
    with_named(
        Finding::warn(
            1,
            format!(
                "Behind the scenes the message was sent by {}, not by {}",
                addr(rp),
                fo
            ),
        ),
        r,
        "Return-Path",
    )
}

/// Email addresses or domain names written inside a display name.
fn names_in_display(name: &str) -> Vec<String> {
    name.split(|c: char| c.is_whitespace() || "<>()[]\"',;|".contains(c))
        .map(|t| {
            t.trim_matches(|c: char| !c.is_alphanumeric())
                .to_ascii_lowercase()
        })
        .filter(|t| {
            let d = domain_of(t).unwrap_or_else(|| t.clone());
            let labels: Vec<&str> = d.split('.').collect();
            labels.len() >= 2
                && labels
                    .iter()
                    .all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'))
                && labels
                    .last()
                    .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(char::is_alphabetic))
                && psl::suffix_str(&d).is_some_and(|s| s != d)
                && (t.contains('@') || looks_like_web_domain(&labels))
        })
        .collect()
}

/// Without an @, "R.Hughes" or "Dr.Who" are names with initials, not domains: only the
/// endings people recognise as web addresses (country codes and the common generic ones)
/// count, and the name part must be more than an initial.
fn looks_like_web_domain(labels: &[&str]) -> bool {
    const GENERIC: &[&str] = &[
        "com", "net", "org", "info", "biz", "io", "app", "online", "site", "xyz", "top", "shop",
        "store", "email", "support", "services", "cloud", "live", "gov", "edu",
    ];
    let Some(tld) = labels.last() else {
        return false;
    };
    let name_ok = labels.first().is_some_and(|l| l.chars().count() >= 2) && labels.len() >= 2;
    name_ok && (tld.len() == 2 || GENERIC.contains(tld))
}

fn display_name_address(c: &Ctx) -> Finding {
    let r = c.r;
    let Some(f) = from(r) else {
        return Finding::skip("No sender");
    };
    let Some(name) = f.display_name.as_deref() else {
        return Finding::skip("The sender has no display name");
    };
    let from_org = f.org_domain.clone().unwrap_or_default();
    if r.sender.via_list {
        return Finding::pass(
            "A mailing list shows the author's address in the sender's name, as lists do",
        );
    }
    let foreign: Vec<String> = names_in_display(name)
        .into_iter()
        .filter(|t| org_domain(&domain_of(t).unwrap_or_else(|| t.clone())) != from_org)
        .collect();
    // A whole address in the name ("support@bank.example" <x@elsewhere>), a name that is
    // nothing but a web name ("Stellar.org"), or a government's web name is made to be read
    // as the sender: a strong sign. A web name inside a longer name is how many companies
    // call themselves ("CNET News.com Daily Dispatch"): a hint only, and a brand's name
    // there is judged by the brand check.
    let whole_name = name
        .trim()
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_ascii_lowercase();
    let presents_as =
        |t: &&String| t.contains('@') || **t == whole_name || domains::is_government(t);
    if let Some(token) = foreign.iter().find(presents_as) {
        return with_named(
            Finding::fail(
                8,
                format!(
                    "The name shown says \"{token}\", but the real address is {}",
                    addr(f)
                ),
            ),
            r,
            "From",
        );
    }
    if let Some(token) = foreign.first() {
        return with_named(
            Finding::warn(
                2,
                format!(
                    "The name shown mentions the web name \"{token}\", while the address is {}; companies are often called by their web name, so check that the two belong together",
                    addr(f)
                ),
            )
            .graded(Grade::Hint),
            r,
            "From",
        );
    }
    Finding::pass("The display name does not name another address")
}

/// The first role or department name (`assets/knowledge/roles.toml`) in a display name,
/// matched as whole words, case-insensitively.
fn role_in(name: &str) -> Option<&'static str> {
    let lower = format!(
        " {} ",
        name.to_lowercase()
            .replace(|c: char| !c.is_alphanumeric() && c != '-', " ")
    );
    knowledge::cues::roles().find(|r| lower.contains(&format!(" {r} ")))
}

/// A display name that is nothing but a brand's name ("LEDGER", "MetaMask Inc."), even
/// where the brand's name is also an ordinary word that free text may use.
fn brand_named_exactly(name: &str) -> Option<&'static domains::Brand> {
    fn norm(s: &str) -> String {
        s.to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| {
                !w.is_empty()
                    && !matches!(
                        *w,
                        "inc" | "ltd" | "llc" | "team" | "official" | "app" | "support"
                    )
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
    // Every brand's name normalised, in the order of `domains::brands()`, worked out once.
    static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let names = NAMES.get_or_init(|| domains::brands().iter().map(|b| norm(&b.name)).collect());
    let wanted = norm(name);
    if wanted.is_empty() {
        return None;
    }
    domains::brands()
        .iter()
        .zip(names)
        .find(|(_, n)| **n == wanted)
        .map(|(b, _)| b)
}

/// Every brand's keywords through `squash`, in the order of `domains::brands()`, worked
/// out once.
fn squashed_keywords() -> &'static [Vec<String>] {
    static T: std::sync::OnceLock<Vec<Vec<String>>> = std::sync::OnceLock::new();
    T.get_or_init(|| {
        domains::brands()
            .iter()
            .map(|b| b.keywords.iter().map(|k| squash(k)).collect())
            .collect()
    })
}

/// A keyword long enough to count inside a mailbox name: short ones ("ups", "visa")
/// hide inside ordinary names.
fn long_keyword(k: &str) -> bool {
    k.len() >= 5 && k.chars().count() >= 5
}

/// The long squashed keywords in one automaton, with the brands (positions in the
/// table) that use each: a mailbox name is searched once, not once per keyword.
struct MailboxKeywords {
    automaton: aho_corasick::AhoCorasick,
    brands_of: Vec<Vec<usize>>,
}

fn mailbox_keywords() -> &'static MailboxKeywords {
    static T: std::sync::OnceLock<MailboxKeywords> = std::sync::OnceLock::new();
    T.get_or_init(|| {
        let mut texts: Vec<&str> = Vec::new();
        let mut brands_of: Vec<Vec<usize>> = Vec::new();
        for (b, keywords) in squashed_keywords().iter().enumerate() {
            for k in keywords.iter().filter(|k| long_keyword(k)) {
                match texts.iter().position(|t| t == k) {
                    Some(i) => brands_of.get_mut(i).into_iter().for_each(|v| v.push(b)),
                    None => {
                        texts.push(k);
                        brands_of.push(vec![b]);
                    }
                }
            }
        }
        MailboxKeywords {
            automaton: domains::automaton(&texts),
            brands_of,
        }
    })
}

fn brand_in_mailbox(c: &Ctx) -> Finding {
    let r = c.r;
    let Some(f) = from(r) else {
        return Finding::skip("No sender");
    };
    let (Some(address), Some(domain)) = (f.address.as_deref(), f.domain.as_deref()) else {
        return Finding::skip("No sender address");
    };
    let local = squash(address.split('@').next().unwrap_or_default());
    let domain_text = squash(domain);
    // The brands with a long keyword somewhere in the mailbox name, in table order.
    let index = mailbox_keywords();
    let mut candidates: Vec<usize> = index
        .automaton
        .find_overlapping_iter(local.as_str())
        .filter_map(|m| index.brands_of.get(m.pattern().as_usize()))
        .flatten()
        .copied()
        .collect();
    candidates.sort_unstable();
    candidates.dedup();
    let brands = domains::brands();
    let keywords = squashed_keywords();
    for i in candidates {
        let (Some(brand), Some(keywords)) = (brands.get(i), keywords.get(i)) else {
            continue;
        };
        let hit = keywords.iter().any(|k| {
            long_keyword(k) && local.contains(k.as_str()) && !domain_text.contains(k.as_str())
        });
        if hit && !domains::brand_owns(brand, domain) {
            return with_named(
                Finding::warn(5, format!("The address {address} borrows the name {} in front of the @, but the domain {domain} is not theirs", brand.name)),
                r, "From",
            );
        }
    }
    Finding::pass("The sender's mailbox name does not borrow a brand")
}

/// The message is a mail system's own report (a bounce or a read receipt) from a reserved
/// system mailbox (RFC 5321's postmaster, the conventional mailer-daemon), and either its
/// structure says so or the sender's domain is proven. At a webmail provider such a
/// mailbox is the provider's machinery, not a personal account: nobody can sign up as
/// mailer-daemon@gmail.com. The message must also say it is machine-made (a report
/// structure, or Auto-Submitted) or prove its domain; a fake bounce with neither stays
/// suspicious, and its links and wording are judged as in any other message.
fn provider_system_mail(r: &Report) -> bool {
    let system = from(r)
        .and_then(|f| f.address.as_deref())
        .and_then(|a| a.rsplit_once('@'))
        .is_some_and(|(local, _)| {
            matches!(
                local.to_ascii_lowercase().as_str(),
                "mailer-daemon" | "postmaster"
            )
        });
    system && (r.report_type.is_some() || r.auto_submitted || r.sender.from_proven)
}

fn display_name_brand(c: &Ctx) -> Finding {
    let r = c.r;
    let Some(f) = from(r) else {
        return Finding::skip("No sender");
    };
    let Some(name) = f.display_name.as_deref() else {
        return Finding::skip("The sender has no display name");
    };
    let domain = f.domain.clone().unwrap_or_default();
    let free = domains::is_free_mail(&domain);
    if let Some(brand) = domains::brand_named_in(name).or_else(|| brand_named_exactly(name)) {
        if domains::brand_owns(brand, &domain) {
            return Finding::pass(format!(
                "The name {} matches the sender's domain",
                brand.name
            ));
        }
        let weight = if free { 8 } else { 7 };
        let words = if free {
            format!(
                "The sender calls itself {} but writes from a personal {} address",
                brand.name, domain
            )
        } else {
            format!("The sender calls itself {} but writes from {}, a domain that does not belong to {}", brand.name, domain, brand.name)
        };
        return with_named(Finding::fail(weight, words), r, "From");
    }
    if let Some(role) = role_in(name) {
        if free && provider_system_mail(r) {
            return Finding::pass(format!(
                "A role name (\"{role}\") on a delivery report from the mail provider's own system mailbox at {domain}"
            ));
        }
        if free {
            return with_named(
                Finding::warn(5, format!("The sender presents as \"{role}\" but writes from a personal {domain} address")),
                r, "From",
            );
        }
        return Finding::pass(format!(
            "A role name (\"{role}\") from the organisation's own domain"
        ));
    }
    Finding::pass("The display name does not claim a brand or an official role")
}

/// The brand a copyright line in `text` names ("© 2024 Itaú Personnalité"), with the line.
fn copyright_brand(text: &str) -> Option<(&'static domains::Brand, String)> {
    // ASCII lowering keeps every byte offset, so a match in `lower` is one in `text`.
    let lower = text.to_ascii_lowercase();
    for marker in ["©", "(c)", "copyright", "&copy;"] {
        for (i, _) in lower.match_indices(marker).take(20) {
            let Some(rest) = text.get(i..) else {
                continue;
            };
            let line: String = rest.chars().take_while(|c| *c != '\n').take(80).collect();
            // The name right after the marker and the year: "© 2003-2024 Northwind Bank".
            // A list of links ("© 2024 | Twitter | Discord") names no owner.
            let after: String = line
                .chars()
                .skip(marker.chars().count())
                .skip_while(|c| {
                    c.is_whitespace() || c.is_ascii_digit() || matches!(c, '-' | '–' | ',' | '.')
                })
                .take_while(|c| !matches!(c, '|' | '/' | '•' | '·'))
                .take(40)
                .collect();
            if !after.starts_with(char::is_alphabetic) {
                continue;
            }
            if let Some(brand) = domains::brand_named_in(&after) {
                return Some((brand, line.trim().to_string()));
            }
        }
    }
    None
}

fn copyright_brand_mismatch(c: &Ctx) -> Finding {
    let r = c.r;
    let Some((brand, line)) = copyright_brand(&r.content.text) else {
        return Finding::skip("The text names no well-known company as its owner");
    };
    let domain = from(r).and_then(|f| f.domain.clone()).unwrap_or_default();
    let related = [Some(domain.as_str()), r.auth.dkim.domain.as_deref()]
        .into_iter()
        .flatten()
        .chain(
            r.identity
                .return_path
                .iter()
                .filter_map(|m| m.domain.as_deref()),
        )
        .any(|d| domains::brand_owns(brand, d));
    if related {
        return Finding::pass(format!(
            "The text signs as {} and the sender is {}",
            brand.name, brand.name
        ));
    }
    if r.sender.via_list {
        return Finding::pass(format!(
            "A mailing list passes on text signed by {}",
            brand.name
        ));
    }
    let links_to_brand = r
        .content
        .links
        .iter()
        .filter_map(|l| l.host.as_deref())
        .any(|h| domains::brand_owns(brand, h));
    if links_to_brand {
        return Finding::pass(format!(
            "The text signs as {} and its links lead to {}",
            brand.name, brand.name
        ));
    }
    Finding::warn(
        4,
        format!(
            "The text signs off as {} (\u{201c}{}\u{201d}), but it was sent from {} and none of its links lead to {}",
            brand.name,
            super::util::clip(&line, 60),
            if domain.is_empty() { "an unknown domain" } else { &domain },
            brand.name
        ),
    )
    .with(Location::Body, line)
}

/// The name part of a registrable domain: `fabrikam.example` → `fabrikam`.
fn org_label(domain: &str) -> Option<String> {
    let org = org_domain(domain);
    let suffix = psl::suffix_str(&org).unwrap_or_default();
    let label = org.strip_suffix(suffix)?.trim_end_matches('.');
    (!label.is_empty()).then(|| label.to_string())
}

fn own_name_outside(c: &Ctx) -> Finding {
    let r = c.r;
    let Some(f) = from(r) else {
        return Finding::skip("No sender");
    };
    let (Some(address), Some(from_org)) = (f.address.as_deref(), f.org_domain.as_deref()) else {
        return Finding::skip("No sender address");
    };
    let mut own: Vec<String> = r.identity.recipient_domains.clone();
    own.extend(c.opts.own_domains.iter().cloned());
    let own_orgs: Vec<String> = own.iter().map(|d| org_domain(d)).collect();
    if own_orgs.iter().any(|o| o == from_org) {
        return Finding::pass("The sender writes from your own organisation's domain");
    }
    if r.sender.via_list {
        return Finding::pass("A mailing list relays it");
    }
    let local = squash(address.split('@').next().unwrap_or_default());
    let name = squash(f.display_name.as_deref().unwrap_or_default());
    // The organisation's own name, from its profile ("Northwind Traders"), counts too.
    let profile_name = c
        .opts
        .profile
        .as_deref()
        .map(|p| p.name.clone())
        .filter(|n| !n.trim().is_empty());
    let labels = own_orgs
        .iter()
        .filter_map(|o| org_label(o))
        .chain(profile_name);
    for label in labels {
        let label = squash(&label);
        // Short names ("abc") match inside too many ordinary words.
        if label.chars().count() < 5 || domains::is_free_mail(&format!("{label}.com")) {
            continue;
        }
        if local.contains(&label) || name.contains(&label) {
            return with_named(
                Finding::warn(5, format!("The sender uses your organisation's name ({label}) but writes from outside it ({from_org})")),
                r, "From",
            );
        }
    }
    Finding::pass("The sender does not borrow your organisation's name")
}

/// Department words that turn a display name into an organisation's voice.
const DEPARTMENTS: &[&str] = &[
    "billing",
    "support",
    "security",
    "accounts",
    "accounting",
    "payroll",
    "invoices",
    "invoice",
    "helpdesk",
    "service",
    "services",
    "team",
    "department",
    "dept",
    "customer",
    "care",
    "notifications",
    "alerts",
];

fn organisation_name_mismatch(c: &Ctx) -> Finding {
    let r = c.r;
    let Some(f) = from(r) else {
        return Finding::skip("No sender");
    };
    let (Some(name), Some(domain)) = (f.display_name.as_deref(), f.domain.as_deref()) else {
        return Finding::skip("No display name to compare");
    };
    let words: Vec<String> = name
        .split(|ch: char| !ch.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if !words.iter().any(|w| DEPARTMENTS.contains(&w.as_str())) {
        return Finding::skip("The name does not speak for an organisation's department");
    }
    let org_words: Vec<&String> = words
        .iter()
        .filter(|w| {
            !DEPARTMENTS.contains(&w.as_str())
                && w.chars().count() >= 4
                && !matches!(w.as_str(), "your" | "from" | "with" | "online")
        })
        .collect();
    let Some(first) = org_words.first() else {
        return Finding::skip("The name names no organisation");
    };
    let domain_text = squash(domain);
    let local = squash(
        f.address
            .as_deref()
            .unwrap_or_default()
            .split('@')
            .next()
            .unwrap_or_default(),
    );
    if org_words.iter().any(|w| domain_text.contains(w.as_str())) {
        return Finding::pass("The organisation named matches the sender's domain");
    }
    // Lists rewrite senders; brands have their own, stronger check.
    if r.sender.via_list || domains::brand_named_in(name).is_some() {
        return Finding::skip("Relayed by a mailing list, or judged by the brand check");
    }
    let weight = if local.contains(first.as_str()) { 4 } else { 3 };
    // Companies send from domains named otherwise (a parent company, a newsletter
    // domain), so a company domain of another name is only a hint. An organisation's
    // department writing from a personal mailbox at a free provider is not how
    // organisations write: the name is a claim no domain backs.
    let grade = if domains::is_free_mail(f.org_domain.as_deref().unwrap_or_default()) {
        Grade::Strong
    } else {
        Grade::Hint
    };
    with_named(
        Finding::warn(weight, format!("The name speaks for \"{name}\", but the address is at {domain}, which has nothing of that name")).graded(grade),
        r, "From",
    )
}

fn lookalike_domain(c: &Ctx) -> Finding {
    let r = c.r;
    let Some(f) = from(r) else {
        return Finding::skip("No sender");
    };
    let Some(domain) = f.domain.as_deref() else {
        return Finding::skip("No sender domain");
    };
    if domains::is_example_name(domain) {
        return Finding::skip(format!(
            "{domain} is the stand-in name reserved for examples, which imitates nothing"
        ));
    }
    let mut protected: Vec<String> = r.identity.recipient_domains.clone();
    protected.extend(c.opts.own_domains.iter().cloned());
    protected.retain(|d| !domains::is_example_name(d));
    match domains::lookalike(domain, &protected) {
        Some(l) => {
            let summary = format!(
                "The sender's domain {domain} imitates {}: {}",
                l.target, l.detail
            );
            // Organisations often own the same name under several endings; against your own
            // domain a changed ending is worth a question, not a conviction.
            let own_target = domains::owner_brand(&l.target).is_none();
            let finding = match l.kind {
                LookalikeKind::TldSwap if own_target => {
                    Finding::warn(4, summary).graded(Grade::Hint)
                }
                LookalikeKind::BrandInLabel => Finding::fail(6, summary),
                _ => Finding::fail(10, summary),
            };
            with_named(finding, r, "From")
        }
        None => Finding::pass(format!(
            "{domain} does not imitate a well-known or your own domain"
        )),
    }
}

fn punycode_domain(c: &Ctx) -> Finding {
    let r = c.r;
    let Some(domain) = from(r).and_then(|f| f.domain.as_deref()) else {
        return Finding::skip("No sender domain");
    };
    if domain.split('.').any(|l| l.starts_with("xn--")) {
        let (shown, _) = idna::domain_to_unicode(domain);
        return with_named(
            Finding::warn(3, format!("The sender's domain is written in special characters: {domain} is shown as {shown}")),
            r, "From",
        );
    }
    if !domain.is_ascii() {
        return with_named(
            Finding::warn(
                3,
                format!("The sender's domain uses non-Latin characters: {domain}"),
            ),
            r,
            "From",
        );
    }
    Finding::pass("The sender's domain uses plain letters")
}

fn mixed_script_name(c: &Ctx) -> Finding {
    let r = c.r;
    let Some(f) = from(r) else {
        return Finding::skip("No sender");
    };
    let fields = [f.display_name.as_deref(), f.address.as_deref()];
    for field in fields.into_iter().flatten() {
        for word in field.split(|ch: char| ch.is_whitespace() || ch == '@' || ch == '.') {
            if !word.is_empty()
                && !word.is_single_script()
                && word
                    .chars()
                    .any(unicode_security::is_potential_mixed_script_confusable_char)
            {
                return with_named(
                    Finding::warn(5, format!("\"{word}\" mixes letters from different alphabets that look alike — a trick to imitate a name")),
                    r, "From",
                );
            }
        }
    }
    Finding::pass("The sender's name and address each use one alphabet")
}

/// Invisible or direction-changing characters that make text read differently than it is.
pub fn deceptive_char(ch: char) -> bool {
    matches!(
        ch,
        '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{FEFF}'
            | '\u{00AD}'
            | '\u{034F}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{3164}'
            | '\u{180E}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{E0000}'..='\u{E007F}'
            | '\u{E0100}'..='\u{E01EF}'
    ) || (ch.is_control() && ch != '\t')
}

fn encoded_from_tricks(c: &Ctx) -> Finding {
    let r = c.r;
    let Some(raw) = r.identity.from_raw.as_deref() else {
        return Finding::skip("No From header");
    };
    let Some(f) = from(r) else {
        return Finding::skip("No sender");
    };
    let name = f.display_name.as_deref().unwrap_or_default();
    let encoded = raw.contains("=?");
    if name.chars().any(deceptive_char)
        || f.address
            .as_deref()
            .is_some_and(|a| a.chars().any(deceptive_char))
    {
        return with_named(
            Finding::fail(6, "The sender's name hides invisible or direction-reversing characters, so it reads differently than it really is"),
            r, "From",
        );
    }
    if encoded && name.contains('@') {
        return with_named(
            Finding::warn(
                5,
                format!("The sender's name was encoded to hide an address inside it: \"{name}\""),
            ),
            r,
            "From",
        );
    }
    // An encoded word inside the angle brackets tries to smuggle an address past filters.
    if let (Some(lt), Some(gt)) = (raw.rfind('<'), raw.rfind('>')) {
        if raw.get(lt..gt).is_some_and(|inner| inner.contains("=?")) {
            return with_named(
                Finding::warn(
                    5,
                    "The sender's address itself is encoded, which mail programs should never need",
                ),
                r,
                "From",
            );
        }
    }
    Finding::pass(if encoded {
        "The sender's name is encoded in the normal way"
    } else {
        "No encoding tricks in the sender"
    })
}

fn multiple_from(c: &Ctx) -> Finding {
    let r = c.r;
    if r.identity.from_header_count > 1 {
        return with_named(
            Finding::fail(
                6,
                format!(
                    "The message has {} From lines: different programs may show different senders",
                    r.identity.from_header_count
                ),
            ),
            r,
            "From",
        );
    }
    if r.identity.from_count > 1 {
        return with_named(
            Finding::warn(
                3,
                format!("The From line lists {} senders", r.identity.from_count),
            ),
            r,
            "From",
        );
    }
    if r.identity.from_count == 0 && r.kind == MessageKind::Machine {
        return Finding::pass("An automatic delivery report from a mail server, which by custom names no person as its sender (\"MAILER-DAEMON <>\")");
    }
    if r.identity.from_count == 0 {
        return Finding::warn(3, "The message does not say who sent it (no From address)")
            .with(Location::Message, "no From address");
    }
    Finding::pass("One sender")
}

/// Well-known mailbox providers generate Message-IDs on their own hosts for their users.
fn message_id_explained(r: &Report, mid_org: &str) -> bool {
    // The sender's own domains (From, Sender, envelope, signers) and where replies go.
    let mut orgs: Vec<String> = r.sender.org_domains.clone();
    orgs.extend(
        r.identity
            .reply_to
            .iter()
            .filter_map(|m| m.org_domain.clone()),
    );
    orgs.extend(r.path.receiver_domains.iter().cloned());
    orgs.extend(
        r.path
            .hops
            .iter()
            .filter_map(|h| h.by_host.as_deref())
            .filter(|b| b.contains('.'))
            .map(org_domain),
    );
    orgs.iter().any(|o| o == mid_org)
        || domains::is_free_mail(mid_org)
        || domains::is_bulk_sender(mid_org)
}

fn message_id_domain(c: &Ctx) -> Finding {
    let r = c.r;
    let Some(mid) = r.identity.message_id_domain.as_deref() else {
        return Finding::skip("No Message-ID domain");
    };
    if !mid.contains('.') {
        return Finding::pass("The Message-ID names a local machine");
    }
    let mid_org = org_domain(mid);
    if message_id_explained(r, &mid_org) {
        return Finding::pass("The Message-ID was made by the sender's own or a known mail system");
    }
    with_named(
        Finding::warn(
            1,
            format!("The message's ID was made by {mid}, which is unrelated to the sender"),
        ),
        r,
        "Message-ID",
    )
}

fn missing_date(c: &Ctx) -> Finding {
    match (&c.r.identity.date_raw, c.r.identity.date) {
        (None, _) => {
            Finding::warn(1, "The message has no date").with(Location::Message, "no Date header")
        }
        (Some(raw), None) => with_named(
            Finding::warn(1, format!("The message's date cannot be read: \"{raw}\"")),
            c.r,
            "Date",
        ),
        _ => Finding::pass("The message has a valid date"),
    }
}

fn missing_message_id(c: &Ctx) -> Finding {
    if c.r
        .identity
        .message_id
        .as_deref()
        .is_some_and(|m| !m.is_empty())
    {
        return Finding::pass("The message has an ID");
    }
    Finding::warn(
        2,
        "The message has no Message-ID, which every normal mail program adds",
    )
    .with(Location::Message, "no Message-ID header")
}

fn sender_on_behalf(c: &Ctx) -> Finding {
    let r = c.r;
    let (Some(f), Some(s)) = (from(r), r.identity.sender.as_ref()) else {
        return Finding::skip("No separate Sender");
    };
    if f.org_domain == s.org_domain {
        return Finding::pass("The Sender is in the same organisation as From");
    }
    if r.sender.via_list {
        return Finding::pass("The Sender is the mailing list, as usual");
    }
    with_named(
        Finding::warn(1, format!("Sent by {} on behalf of {}", addr(s), addr(f))),
        r,
        "Sender",
    )
}

fn not_addressed_to_you(c: &Ctx) -> Finding {
    let r = c.r;
    let Some(envelope) = r.identity.envelope_recipient.as_deref() else {
        return Finding::skip("It is not recorded who the message was delivered to");
    };
    let local = |a: &str| a.split('@').next().unwrap_or_default().to_string();
    let envelope_domain = domain_of(envelope).unwrap_or_default();
    if !envelope_domain.contains('.') || envelope_domain.starts_with("localhost") {
        return Finding::skip("The message was delivered to a local mailbox, so who it was addressed to cannot be compared");
    }
    // Forwarding and aliases keep the mailbox name but change the domain.
    if r.identity
        .addressed_to
        .iter()
        .any(|a| a == envelope || local(a) == local(envelope))
    {
        return Finding::pass("The message is addressed to you");
    }
    if r.sender.via_list || !r.sender.list_org_domains.is_empty() {
        return Finding::pass(
            "It came through a mailing list, which is addressed to the list, not to you",
        );
    }
    if r.kind == MessageKind::Bulk {
        return Finding::pass("A newsletter or mass mailing: these are addressed to a list or to nobody in particular, and you get a copy");
    }
    let to = if r.identity.addressed_to.is_empty() {
        "nobody (the To line is empty or hidden)".to_string()
    } else {
        r.identity.addressed_to.join(", ")
    };
    with_named(
        Finding::warn(1, format!("You got a hidden copy: the message is addressed to {to}, not to you ({envelope}) — mass mailings are sent this way")),
        r, "To",
    )
}

fn mailing_list(c: &Ctx) -> Finding {
    let r = c.r;
    if r.sender.list_org_domains.is_empty() {
        return Finding::skip("Not a mailing-list message");
    }
    if r.sender.via_list {
        let name = ["List-Id", "Mailing-List", "List-Post"]
            .into_iter()
            .find(|n| header_index(r, n).is_some())
            .unwrap_or("List-Id");
        return with_named(
            Finding::reassure(4, "This came through a mailing list, which explains a rewritten sender, an extra footer and changed signatures"),
            r, name,
        );
    }
    Finding::pass(
        "It names a list, but the list did not relay it (no list envelope, rewrite or seal)",
    )
}

fn bulk_sender(c: &Ctx) -> Finding {
    let r = c.r;
    if !r.identity.list_unsubscribe {
        return Finding::skip("Not a bulk mailing (no unsubscribe header)");
    }
    if r.sender.dkim_aligned {
        return with_named(
            Finding::reassure(
                2,
                "This is a newsletter or notification, properly signed by the sender's own domain",
            ),
            r,
            "List-Unsubscribe",
        );
    }
    Finding::pass("It has an unsubscribe link but no signature from the sender's own domain, so it earns no trust from that")
}

fn forwarded(c: &Ctx) -> Finding {
    let r = c.r;
    let resent = r
        .headers
        .iter()
        .find(|h| h.name.to_ascii_lowercase().starts_with("resent-"));
    if r.sender.arc_vouched {
        let f = Finding::reassure(
            2,
            "Forwarding servers sealed the message on its way (ARC), and the seals are intact",
        );
        return with_named(f, r, "ARC-Seal");
    }
    if let Some(h) = resent {
        // Resent-* headers are the sender's own words: they explain, but earn no relief.
        return Finding::pass(
            "This message says it was forwarded (resent), which can explain changed addresses",
        )
        .with_header(r, h.index);
    }
    Finding::skip("Not a forwarded message")
}

/// The sender of a message forwarded inline, as its header block in the body shows it.
#[derive(Debug, PartialEq)]
struct ForwardedFrom {
    name: Option<String>,
    address: String,
    /// The header line, as written.
    line: String,
}

/// Labels mail programs put before the original sender in a forwarded message's text.
const FROM_LABELS: &[&str] = &["from", "de", "von", "da", "van", "från", "fra", "od"];
/// Labels of the lines that follow it.
const NEXT_LABELS: &[&str] = &[
    "sent",
    "date",
    "to",
    "cc",
    "subject",
    "enviado",
    "enviada",
    "data",
    "fecha",
    "para",
    "assunto",
    "asunto",
    "gesendet",
    "datum",
    "an",
    "betreff",
    "envoyé",
    "à",
    "objet",
    "a",
    "inviato",
    "oggetto",
    "verzonden",
    "aan",
    "onderwerp",
];
/// Lines that open a forwarded message. ("Original message" lines and plain separators
/// also open the quoted message in a reply, so they count only under a forward subject.)
const FORWARD_MARKERS: &[&str] = &[
    "forwarded message",
    "begin forwarded message",
    "mensagem encaminhada",
    "mensaje reenviado",
    "message transféré",
    "weitergeleitete nachricht",
    "messaggio inoltrato",
    "doorgestuurd bericht",
];

/// `label: value` of a header-like line, with quoting marks and bold stars removed.
fn label_line(line: &str) -> Option<(String, &str)> {
    let t = line.trim_start_matches(['>', ' ', '\t', '*']);
    let (label, value) = t.split_once(':')?;
    let label = label.trim_end_matches('*').trim().to_lowercase();
    if label.is_empty() || label.chars().count() > 12 {
        return None;
    }
    Some((label, value.trim_start_matches('*').trim()))
}

fn subject_says_forward(subject: &str) -> bool {
    let lower = subject.trim_start().to_lowercase();
    [
        "fw:", "fwd:", "enc:", "rv:", "wg:", "tr:", "i:", "doorst:", "vs:",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
}

/// The original sender of a message forwarded inline, if the text shows one.
fn forwarded_from(subject: &str, text: &str) -> Option<ForwardedFrom> {
    let head = text
        .get(..text.floor_char_boundary(16 * 1024))
        .unwrap_or("");
    let lines: Vec<&str> = head.lines().take(400).collect();
    let mut marked = subject_says_forward(subject);
    for (i, line) in lines.iter().enumerate() {
        let lower = line.to_lowercase();
        if FORWARD_MARKERS.iter().any(|m| lower.contains(m)) {
            marked = true;
            continue;
        }
        if !marked {
            continue;
        }
        let Some((label, value)) = label_line(line) else {
            continue;
        };
        if !FROM_LABELS.contains(&label.as_str()) || !value.contains('@') {
            continue;
        }
        let follows = lines
            .iter()
            .skip(i + 1)
            .take(6)
            .filter_map(|l| label_line(l))
            .any(|(l, _)| NEXT_LABELS.contains(&l.as_str()));
        if !follows {
            continue;
        }
        let (name, address) = match (value.find(['<', '[']), value.rfind(['>', ']'])) {
            (Some(a), Some(b)) if a < b => {
                let inner = value.get(a + 1..b).unwrap_or("");
                let inner = inner.trim().trim_start_matches("mailto:");
                let name = value
                    .get(..a)
                    .unwrap_or("")
                    .trim()
                    .trim_matches(['"', '\'', ' '])
                    .to_string();
                (Some(name).filter(|n| !n.is_empty()), inner.to_string())
            }
            _ => (
                None,
                value
                    .split_whitespace()
                    .find(|w| w.contains('@'))?
                    .to_string(),
            ),
        };
        let address = address
            .trim_matches(['<', '>', '(', ')', ',', ';', '"'])
            .to_string();
        let domain = address.rsplit_once('@').map(|(_, d)| d).unwrap_or("");
        if !domain.contains('.') || address.contains(' ') {
            continue;
        }
        return Some(ForwardedFrom {
            name,
            address,
            line: line.trim().to_string(),
        });
    }
    None
}

fn inline_forward(c: &Ctx) -> Finding {
    let r = c.r;
    let subject = r.subject.as_deref().unwrap_or("");
    let Some(orig) = forwarded_from(subject, &r.content.text) else {
        return Finding::skip("The text does not hold a forwarded message");
    };
    let domain = orig
        .address
        .rsplit_once('@')
        .map(|(_, d)| d.to_lowercase())
        .unwrap_or_default();
    let who = match &orig.name {
        Some(n) => format!("{n} <{}>", orig.address),
        None => orig.address.clone(),
    };
    if let Some(name) = orig.name.as_deref() {
        if let Some(brand) = domains::brand_named_in(name).or_else(|| brand_named_exactly(name)) {
            if !domains::brand_owns(brand, &domain) {
                return Finding::warn(
                    4,
                    format!("The forwarded message came from {who}: it uses the name {} but its address does not belong to {}", brand.name, brand.name),
                )
                .with(Location::Body, orig.line);
            }
        }
        if let Some(role) = role_in(name) {
            if domains::is_free_mail(&domain) {
                return Finding::warn(
                    3,
                    format!("The forwarded message came from {who}: it presents as \"{role}\" but wrote from a personal {domain} address"),
                )
                .with(Location::Body, orig.line);
            }
        }
    }
    Finding::pass(format!(
        "This forwards a message from {who}: mailsleuth reads its text, but its own route and signatures are not part of the copy"
    ))
    .with(Location::Body, orig.line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_sender_is_read_from_the_text() {
        let outlook = "FYI\n\n________________________________\nFrom: Tax Refund Mail <refund@mailer.example>\nSent: Tuesday, November 21, 2023 7:20 PM\nTo: me@corp.example\nSubject: Confirm\n\nBody";
        let f = forwarded_from("Fwd: Confirm", outlook).unwrap();
        assert_eq!(f.address, "refund@mailer.example");
        assert_eq!(f.name.as_deref(), Some("Tax Refund Mail"));
        let gmail = "---------- Forwarded message ---------\nDe: *Banco* <avisos@banco.example>\nDate: seg., 1 de jan.\nSubject: Aviso\n";
        assert_eq!(
            forwarded_from("", gmail).unwrap().address,
            "avisos@banco.example"
        );
        let old = "-----Original Message-----\nFrom: Ana [mailto:ana@corp.example]\nSent: Monday\nTo: Bob\n";
        assert_eq!(
            forwarded_from("FW: x", old).unwrap().address,
            "ana@corp.example"
        );
        // The same block under a reply quotes the message being answered.
        assert_eq!(forwarded_from("RE: x", old), None);
        // A signature line with an address is not a forwarded header block.
        assert_eq!(
            forwarded_from("Lunch", "Thanks!\nFrom: ana@corp.example\n"),
            None
        );
        assert_eq!(forwarded_from("Fwd: x", "Hello\nsee below\n"), None);
    }

    #[test]
    fn names_in_display_finds_domains_and_addresses() {
        assert_eq!(
            names_in_display("PayPal (service@paypal.com)"),
            ["service@paypal.com"]
        );
        assert_eq!(
            names_in_display("support.northwind-bank.com Team"),
            ["support.northwind-bank.com"]
        );
        assert!(names_in_display("Dr. J. Smith").is_empty());
        assert!(names_in_display("Craig R.Hughes").is_empty());
        assert!(names_in_display("John Smith").is_empty());
    }

    #[test]
    fn roles_match_whole_words() {
        assert_eq!(role_in("IT Helpdesk"), Some("helpdesk"));
        assert_eq!(role_in("Suporte Técnico"), Some("suporte"));
        assert_eq!(role_in("Adminton Smith"), None);
    }
}
