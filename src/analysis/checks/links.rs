//! Link checks: where each link really leads, compared with what it shows and with who
//! sent the message.
//!
//! Links are judged by their real destination. Link-protection wrappers added by the
//! reader's own mail filter (Microsoft Safe Links, Proofpoint URL Defense, …) are unwrapped
//! first: they are the recipient's infrastructure, not the sender's doing.

use url::{Host, Url};

use super::finding::{CheckDef, Ctx, Finding};
use super::util::squash;
use crate::analysis::domains::{self, LookalikeKind};
use crate::analysis::identity::org_domain;
use crate::analysis::knowledge::files::{self, Download};
use crate::analysis::types::{Family, Grade, Link, Location, MessageKind, Report, SenderFacts};

/// The links family, in checklist order: the strongest signs first.
pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "link-text-mismatch",
        family: Family::Links,
        grade: Grade::Strong,
        run: link_text_mismatch,
    },
    CheckDef {
        id: "ip-address-link",
        family: Family::Links,
        grade: Grade::Hint,
        run: ip_address_link,
    },
    CheckDef {
        id: "lookalike-link-domain",
        family: Family::Links,
        grade: Grade::Strong,
        run: lookalike_link_domain,
    },
    CheckDef {
        id: "brand-subdomain-link",
        family: Family::Links,
        grade: Grade::Strong,
        run: brand_subdomain_link,
    },
    CheckDef {
        id: "risky-download-link",
        family: Family::Links,
        grade: Grade::Strong,
        run: risky_download_link,
    },
    CheckDef {
        id: "script-or-file-link",
        family: Family::Links,
        grade: Grade::Strong,
        run: script_or_file_link,
    },
    CheckDef {
        id: "open-redirect-link",
        family: Family::Links,
        grade: Grade::Hint,
        run: open_redirect_link,
    },
    CheckDef {
        id: "link-to-free-host",
        family: Family::Links,
        grade: Grade::Hint,
        run: link_to_free_host,
    },
    CheckDef {
        id: "shortened-link",
        family: Family::Links,
        grade: Grade::Hint,
        run: shortened_link,
    },
    CheckDef {
        id: "link-to-risky-tld",
        family: Family::Links,
        grade: Grade::Hint,
        run: link_to_risky_tld,
    },
];

/// At most this many links are quoted as evidence for one check.
const MAX_EVIDENCE_LINKS: usize = 5;

/// One body link, with its real destination worked out.
pub(super) struct Target<'a> {
    index: usize,
    link: &'a Link,
    /// The destination after unwrapping link-protection wrappers (`Link::destination`).
    url: Option<Url>,
    /// `Link::destination_host`.
    host: Option<String>,
    /// The host the shown text names, if it names one.
    shown_host: Option<String>,
}

impl Target<'_> {
    fn host_org(&self) -> Option<String> {
        self.link.destination_org_domain.clone()
    }
    fn is_ip(&self) -> bool {
        matches!(
            self.url.as_ref().and_then(|u| u.host()),
            Some(Host::Ipv4(_) | Host::Ipv6(_))
        ) || self.host.as_deref().is_some_and(|h| {
            h.trim_matches(['[', ']'])
                .parse::<std::net::IpAddr>()
                .is_ok()
        })
    }
}

/// The links with their destination facts (worked out once, in `analysis::links`), and
/// the parsed destination for checks that look at its path or query; made on first use
/// and shared by every link check of the run.
fn targets<'c, 'a>(c: &'c Ctx<'a>) -> &'c [Target<'a>] {
    c.link_targets.get_or_init(|| {
        c.r.content
            .links
            .iter()
            .enumerate()
            .map(|(index, link)| Target {
                index,
                link,
                url: link.destination.as_deref().and_then(|d| Url::parse(d).ok()),
                host: link.destination_host.clone(),
                shown_host: link.shown_host.clone(),
            })
            .collect()
    })
}

/// The name of an organisational domain without its ending: `example.co.uk` → `example`.
fn org_label(org: &str) -> Option<&str> {
    let sfx = psl::suffix_str(org)?;
    org.strip_suffix(sfx)?
        .strip_suffix('.')
        .filter(|l| !l.is_empty())
}

/// Whether the sender controls `org`: one of its domains, or the same name under another
/// ending (organisations commonly hold example.com and example.net).
fn owns(s: &SenderFacts, org: &str) -> bool {
    let label = org_label(org).filter(|l| l.chars().count() >= 4);
    s.org_domains
        .iter()
        .any(|o| o == org || (label.is_some() && org_label(o) == label))
}

/// Adds a link's href and shown text as evidence.
fn with_link(f: Finding, t: &Target) -> Finding {
    let loc = Location::Link { index: t.index };
    let f = f.with(loc.clone(), t.link.href.clone());
    if let Some(file) = t.link.in_attachment.as_deref() {
        return f.with(loc, format!("inside the attachment {file}"));
    }
    let shown = t.link.shown_text.trim();
    if shown.is_empty() || shown == t.link.href.trim() {
        f
    } else {
        f.with(loc, format!("shown as: {shown}"))
    }
}

/// Adds up to `MAX_EVIDENCE_LINKS` links as evidence.
fn with_links(mut f: Finding, ts: &[&Target]) -> Finding {
    for t in ts.iter().take(MAX_EVIDENCE_LINKS) {
        f = with_link(f, t);
    }
    f
}

/// " (3 links like this)" when there is more than one.
fn more(n: usize) -> String {
    if n > 1 {
        format!(" ({n} links like this)")
    } else {
        String::new()
    }
}

fn no_links(r: &Report) -> Option<Finding> {
    r.content
        .links
        .is_empty()
        .then(|| Finding::skip("The message has no links"))
}

/// The real destination for words: host, or the href when there is no host.
fn dest(t: &Target) -> String {
    t.host.clone().unwrap_or_else(|| t.link.href.clone())
}

/// Bulk mail (an unsubscribe link, bulk precedence or a mailing service) from a proven
/// sender: a newsletter, whose links usually pass through some click counter, known to
/// mailsleuth or not.
fn proven_newsletter(r: &Report, s: &SenderFacts) -> bool {
    s.from_proven && r.kind == MessageKind::Bulk
}

/// A name people trust on sight: a well-known brand's or a government's.
fn trusted_name(host: &str) -> bool {
    domains::owner_brand(host).is_some() || domains::is_government(host)
}

/// Why a link whose text names another site is still honest, if it is.
fn mismatch_excused(c: &Ctx, s: &SenderFacts, t: &Target, shown_org: &str, host_org: &str) -> bool {
    // A redirect that lands exactly where the text says.
    if t.link
        .redirects_to
        .as_deref()
        .and_then(|u| Url::parse(u).ok())
        .and_then(|u| u.host_str().map(org_domain))
        .is_some_and(|o| o == shown_org)
    {
        return true;
    }
    // A click counter never imitates the site it names: a destination spelled like the
    // named site with letters swapped or changed is the look-alike trick itself, however
    // well the sender's own domain is proven (the impostor owns the look-alike).
    let imitates = domains::lookalikes(host_org, &[shown_org.to_string()])
        .iter()
        .any(|l| {
            !matches!(
                l.kind,
                domains::LookalikeKind::TldSwap | domains::LookalikeKind::BrandInLabel
            )
        });
    if imitates {
        return false;
    }
    // Newsletters route every link through a click counter run by the sender or by its
    // mailing service. That is only honest when the text does not borrow a name the
    // sender cannot prove it owns.
    let tracker = owns(s, host_org) || t.host.as_deref().is_some_and(domains::is_bulk_sender);
    if !tracker {
        return false;
    }
    let shown_known = t.shown_host.as_deref().is_some_and(trusted_name)
        || c.opts
            .own_domains
            .iter()
            .any(|d| org_domain(d) == shown_org);
    if s.from_org_domain.as_deref() == Some(shown_org) {
        return !shown_known || s.from_proven;
    }
    !shown_known
}

fn link_text_mismatch(c: &Ctx) -> Finding {
    if let Some(f) = no_links(c.r) {
        return f;
    }
    let s = &c.r.sender;
    let ts = targets(c);
    let mut bad: Vec<(&Target, bool)> = Vec::new();
    let mut excused: Vec<&Target> = Vec::new();
    let mut compared = 0;
    let borrowed_name = |shown: &str, shown_org: &str| {
        trusted_name(shown)
            || c.opts
                .own_domains
                .iter()
                .any(|d| org_domain(d) == shown_org)
            || s.from_org_domain.as_deref() == Some(shown_org)
    };
    for t in ts {
        if let Some((shown, real)) = mail_pair(t) {
            compared += 1;
            let (shown_d, real_d) = (domain_of(&shown), domain_of(&real));
            let shown_org = org_domain(shown_d);
            // At a free-mail provider, another mailbox is another person.
            let other_person = domains::is_free_mail(real_d) && shown != real;
            if shown_org != org_domain(real_d) || other_person {
                // A free-mail address borrows no one's name, even at a brand's webmail.
                let borrowed =
                    !domains::is_free_mail(shown_d) && borrowed_name(shown_d, &shown_org);
                bad.push((t, borrowed));
            }
            continue;
        }
        let (Some(shown), Some(host_org)) = (t.shown_host.as_deref(), t.host_org()) else {
            continue;
        };
        compared += 1;
        let shown_org = org_domain(shown);
        if shown_org == host_org {
            continue;
        }
        if mismatch_excused(c, s, t, &shown_org, &host_org) {
            excused.push(t);
            continue;
        }
        bad.push((t, borrowed_name(shown, &shown_org)));
    }
    if compared == 0 {
        return Finding::skip("No link shows a web or e-mail address as its text");
    }
    let Some(&(first, _)) = bad.iter().find(|(_, b)| *b).or(bad.first()) else {
        if let Some(t) = excused.first() {
            // Worth teaching: the address differs, and here that is normal.
            let f = Finding::reassure(
                0,
                format!(
                    "Links pass through a click counter ({}) before reaching the site they name; newsletters do that to count clicks{}",
                    dest(t),
                    more(excused.len())
                ),
            );
            return with_link(f, t);
        }
        return Finding::pass(format!(
            "Every link that shows a web address goes to that site ({compared} checked)"
        ));
    };
    let borrowed = bad.iter().any(|(_, b)| *b);
    let summary = match mail_pair(first) {
        Some((shown, real)) => format!(
            "The link shows the address {shown}, but a message written through it goes to {real}{}",
            more(bad.len())
        ),
        None => format!(
            "The link says {} but really goes to {}{}",
            first.shown_host.as_deref().unwrap_or_default(),
            dest(first),
            more(bad.len())
        ),
    };
    // Text that borrows a known name (a brand, your organisation, the sender's own
    // domain) for a link that goes elsewhere is a disguise; text naming some other site is
    // often only a newsletter's tracker or a partner's page.
    let f = if borrowed {
        Finding::fail(8, summary)
    } else if proven_newsletter(c.r, s) {
        Finding::warn(2, summary).graded(Grade::Hint)
    } else {
        Finding::warn(4, summary).graded(Grade::Hint)
    };
    let mut ordered: Vec<&Target> = vec![first];
    ordered.extend(
        bad.iter()
            .map(|(t, _)| *t)
            .filter(|t| t.index != first.index),
    );
    with_links(f, &ordered)
}

/// An address without the brackets, quotes and punctuation written around it.
fn edge_trim(s: &str) -> &str {
    s.trim_matches(|c: char| !c.is_alphanumeric())
}

/// The domain part of an e-mail address, lowercased.
fn domain_of(addr: &str) -> &str {
    addr.rsplit_once('@').map(|(_, d)| d).unwrap_or(addr)
}

/// For a `mailto:` link whose text is an e-mail address: (shown address, real address).
fn mail_pair(t: &Target) -> Option<(String, String)> {
    let href = t.link.href.trim();
    let rest = href
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("mailto:"))?;
    let body = href.get(rest.len()..)?;
    let first = body.split(['?', ',', ';']).next()?;
    let real: String =
        url::form_urlencoded::parse(format!("x={}", first.replace('+', "%2B")).as_bytes())
            .map(|(_, v)| edge_trim(&v).to_ascii_lowercase())
            .next()?;
    let shown = edge_trim(&t.link.shown_text).to_ascii_lowercase();
    let is_addr = |a: &str| {
        a.split_once('@').is_some_and(|(l, d)| {
            !l.is_empty() && d.contains('.') && !a.contains(char::is_whitespace)
        })
    };
    (is_addr(&shown) && is_addr(&real)).then_some((shown, real))
}

/// Private, loopback and link-local addresses: an office printer or router, not a web site.
fn is_internal_ip(t: &Target) -> bool {
    match t.url.as_ref().and_then(|u| u.host()) {
        Some(Host::Ipv4(ip)) => {
            ip.is_private() || ip.is_loopback() || ip.is_link_local() || ip.is_unspecified()
        }
        Some(Host::Ipv6(ip)) => {
            ip.is_loopback()
                || ip.is_unspecified()
                || ip
                    .segments()
                    .first()
                    .is_some_and(|s| (s & 0xfe00) == 0xfc00)
        }
        _ => false,
    }
}

fn ip_address_link(c: &Ctx) -> Finding {
    if let Some(f) = no_links(c.r) {
        return f;
    }
    let ts = targets(c);
    // Addresses inside a private network (a printer, a router, a lab device) cannot host
    // an attacker's page for a stranger, so only public addresses count.
    let ips: Vec<&Target> = ts
        .iter()
        .filter(|t| t.is_ip() && !is_internal_ip(t))
        .collect();
    let Some(first) = ips.first() else {
        return Finding::pass(
            "Every link goes to a named web site, not a bare number address on the internet",
        );
    };
    let shown = first.link.shown_text.trim();
    let summary = if !shown.is_empty()
        && first.shown_host.as_deref() != first.host.as_deref()
        && shown != first.link.href.trim()
    {
        format!(
            "The link \"{}\" goes to a bare number address ({}) instead of a named web site{}",
            crate::analysis::checks::util::clip(shown, 60),
            dest(first),
            more(ips.len())
        )
    } else {
        format!(
            "A link goes to a bare number address ({}) instead of a named web site{}",
            dest(first),
            more(ips.len())
        )
    };
    with_links(Finding::warn(5, summary), &ips)
}

/// Domains the sender and the reader own, to compare link domains against.
/// Domains the sender, the reader and the message's recipients own, to compare link
/// domains against. Free-mail domains are left out: they are nobody's own name.
fn protected(c: &Ctx, s: &SenderFacts) -> Vec<String> {
    let mut p: Vec<String> = c.opts.own_domains.iter().map(|d| org_domain(d)).collect();
    p.extend(
        s.from_org_domain
            .iter()
            .chain(&c.r.identity.recipient_domains)
            .filter(|d| !domains::is_free_mail(d))
            .map(|d| org_domain(d)),
    );
    p.sort();
    p.dedup();
    p
}

fn lookalike_weight(kind: LookalikeKind) -> i32 {
    match kind {
        LookalikeKind::Homoglyph => 10,
        LookalikeKind::DigitSwap | LookalikeKind::Punycode => 8,
        LookalikeKind::EditDistance | LookalikeKind::MixedScript => 6,
        LookalikeKind::TldSwap | LookalikeKind::BrandInLabel => 5,
    }
}

fn lookalike_link_domain(c: &Ctx) -> Finding {
    if let Some(f) = no_links(c.r) {
        return f;
    }
    let s = &c.r.sender;
    let prot = protected(c, s);
    let own: Vec<String> = c.opts.own_domains.iter().map(|d| org_domain(d)).collect();
    let ts = targets(c);
    let mut hits: Vec<(&Target, domains::Lookalike)> = Vec::new();
    for t in ts {
        let Some(host) = t.host.as_deref().filter(|_| !t.is_ip()) else {
            continue;
        };
        let found = domains::lookalikes(host, &prot).into_iter().find(|l| {
            let of_sender = l.brand.is_none() && !own.contains(&l.target);
            match l.kind {
                // Brand names inside other domains are brand-subdomain-link's job.
                LookalikeKind::BrandInLabel => l.brand.is_none() && !of_sender,
                // Organisations often own the same name under several endings
                // (example.com, example.de); only the reader's own name counts here.
                LookalikeKind::TldSwap => !of_sender,
                _ => true,
            }
        });
        if let Some(l) = found {
            hits.push((t, l));
        }
    }
    hits.sort_by_key(|(_, l)| -lookalike_weight(l.kind));
    let Some((first, l)) = hits.first() else {
        return Finding::pass("No link goes to a domain made to look like a known one");
    };
    let summary = format!(
        "A link goes to {}, made to look like {}: {}{}",
        dest(first),
        l.target,
        l.detail,
        more(hits.len())
    );
    let w = lookalike_weight(l.kind);
    let f = if w >= 8 {
        Finding::fail(w, summary)
    } else {
        Finding::warn(w, summary)
    };
    let ts: Vec<&Target> = hits.iter().map(|(t, _)| *t).collect();
    with_links(f, &ts)
}

fn brand_subdomain_link(c: &Ctx) -> Finding {
    if let Some(f) = no_links(c.r) {
        return f;
    }
    let s = &c.r.sender;
    let ts = targets(c);
    let mut hits: Vec<(&Target, &'static domains::Brand)> = Vec::new();
    for t in ts {
        let Some(host) = t.host.as_deref().filter(|_| !t.is_ip()) else {
            continue;
        };
        let Some(b) = domains::brand_in_host(host) else {
            continue;
        };
        // A brand linking to a partner site that carries its name, proven to be the brand.
        if s.from_proven
            && s.from_org_domain
                .as_deref()
                .is_some_and(|f| domains::brand_owns(b, f))
        {
            continue;
        }
        hits.push((t, b));
    }
    let Some((first, b)) = hits.first() else {
        return Finding::pass("No link borrows a well-known name for a site that is not theirs");
    };
    let host = dest(first);
    let real = first.host_org().unwrap_or_default();
    let f = Finding::warn(
        6,
        format!(
            "A link goes to {host}, which uses the name {} but belongs to {real}, not to {}{}",
            b.name,
            b.name,
            more(hits.len())
        ),
    );
    let ts: Vec<&Target> = hits.iter().map(|(t, _)| *t).collect();
    with_links(f, &ts)
}

/// The file name at the end of a link's path, decoded, and its lowercased extension.
fn file_of(u: &Url) -> Option<(String, String)> {
    let last = u.path_segments()?.next_back()?;
    let name: String =
        url::form_urlencoded::parse(format!("x={}", last.replace('+', "%2B")).as_bytes())
            .map(|(_, v)| v.into_owned())
            .next()?;
    let (_, ext) = name.rsplit_once('.')?;
    let ext = ext.trim().to_ascii_lowercase();
    (!ext.is_empty()).then_some((name, ext))
}

fn risky_download_link(c: &Ctx) -> Finding {
    if let Some(f) = no_links(c.r) {
        return f;
    }
    let s = &c.r.sender;
    let ts = targets(c);
    let mut runnable: Vec<(&Target, String)> = Vec::new();
    let mut containers: Vec<(&Target, String)> = Vec::new();
    for t in ts {
        let Some((name, ext)) = t
            .url
            .as_ref()
            .filter(|u| matches!(u.scheme(), "http" | "https" | "ftp"))
            .and_then(file_of)
        else {
            continue;
        };
        // Which downloads are risky is file-type knowledge: server programs in a path
        // (.dll, .cgi, .php) run on the web server, not on the reader's computer.
        match files::lookup(&ext).and_then(|f| f.risky_download) {
            Some(Download::Runnable) => runnable.push((t, name)),
            Some(Download::Container) => containers.push((t, name)),
            None => {}
        }
    }
    let (list, is_runnable) = if runnable.is_empty() {
        (&containers, false)
    } else {
        (&runnable, true)
    };
    let Some((first, name)) = list.first() else {
        return Finding::pass("No link downloads a program or an archive directly");
    };
    // A proven sender offering a download from its own site is an ordinary software
    // announcement; the same file from anyone else is how malware is spread.
    let own_site = s.from_proven
        && list
            .iter()
            .all(|(t, _)| t.host_org().is_some_and(|o| owns(s, &o)));
    let host = dest(first);
    let f = match (is_runnable, own_site) {
        (true, false) => Finding::fail(
            7,
            format!(
                "A link downloads a program ({name}) from {host}; opening it could install malware{}",
                more(list.len())
            ),
        ),
        (true, true) => Finding::warn(
            2,
            format!(
                "A link downloads a program ({name}) from the sender's own site {host}{}",
                more(list.len())
            ),
        ),
        (false, false) => Finding::warn(
            2,
            format!(
                "A link downloads an archive or macro document ({name}) from {host}, which can hide a program{}",
                more(list.len())
            ),
        ),
        (false, true) => Finding::warn(
            1,
            format!(
                "A link downloads an archive ({name}) from the sender's own site {host}{}",
                more(list.len())
            ),
        ),
    };
    // A program from a stranger's site is a strong sign; an archive or document only
    // might hide one, and software projects link their own downloads all the time.
    let f = if is_runnable && !own_site {
        f
    } else {
        f.graded(Grade::Hint)
    };
    let ts: Vec<&Target> = list.iter().map(|(t, _)| *t).collect();
    with_links(f, &ts)
}

fn script_or_file_link(c: &Ctx) -> Finding {
    if let Some(f) = no_links(c.r) {
        return f;
    }
    let ts = targets(c);
    let hits: Vec<(&Target, String)> = ts
        .iter()
        .filter_map(|t| {
            let scheme = t
                .link
                .href
                .trim()
                .split_once(':')
                .map(|(s, _)| s.trim().to_ascii_lowercase())?;
            matches!(scheme.as_str(), "javascript" | "vbscript" | "data" | "file")
                .then_some((t, scheme))
        })
        .collect();
    let Some((first, scheme)) = hits.first() else {
        return Finding::pass("No link runs a script or opens a file on your network");
    };
    let local = first
        .link
        .href
        .trim()
        .to_ascii_lowercase()
        .starts_with("file:///");
    let f = if scheme == "file" && local {
        Finding::warn(
            3,
            format!(
                "A link opens a file on a computer ({}) instead of a web page{}",
                crate::analysis::checks::util::clip(first.link.href.trim(), 60),
                more(hits.len())
            ),
        )
    } else if scheme == "file" {
        Finding::warn(
            5,
            format!(
                "A link opens a file on a network share ({}); just opening it can hand your sign-in details to a stranger's server{}",
                crate::analysis::checks::util::clip(first.link.href.trim(), 60),
                more(hits.len())
            ),
        )
    } else {
        Finding::fail(
            7,
            format!(
                "A link carries a hidden page or script ({scheme}:) instead of a web address{}",
                more(hits.len())
            ),
        )
    };
    let ts: Vec<&Target> = hits.iter().map(|(t, _)| *t).collect();
    with_links(f, &ts)
}

/// Paths of social "share this" buttons: they carry a URL to share, not to visit.
fn is_share_button(u: &Url) -> bool {
    let p = u.path().to_ascii_lowercase();
    [
        "share",
        "intent/tweet",
        "intent/post",
        "pin/create",
        "/submit",
        "addtoany",
        "sendto",
    ]
    .iter()
    .any(|k| p.contains(k))
}

fn open_redirect_link(c: &Ctx) -> Finding {
    if let Some(f) = no_links(c.r) {
        return f;
    }
    let s = &c.r.sender;
    let ts = targets(c);
    let mut hits: Vec<(&Target, Url)> = Vec::new();
    for t in ts {
        let (Some(u), Some(host), Some(host_org)) =
            (t.url.as_ref(), t.host.as_deref(), t.host_org())
        else {
            continue;
        };
        let Some(inner) = t
            .link
            .redirects_to
            .as_deref()
            .and_then(|d| Url::parse(d).ok())
        else {
            continue;
        };
        let Some(inner_host) = inner.host_str().map(str::to_ascii_lowercase) else {
            continue;
        };
        let inner_org = org_domain(&inner_host);
        let same_owner = inner_org == host_org
            || domains::owner_brand(host)
                .zip(domains::owner_brand(&inner_host))
                .is_some_and(|(a, b)| std::ptr::eq(a, b));
        // Click counters of the sender or its mailing service, and links that come back to
        // the sender's own site, are how newsletters work.
        // A redirect whose text names where it goes ("ZDNet: this week's story") hides
        // nothing: the reader knows the destination before clicking.
        let label = inner_org.split('.').next().unwrap_or_default();
        let named_in_text =
            label.chars().count() >= 4 && squash(&t.link.shown_text).contains(label);
        if same_owner
            || owns(s, &host_org)
            || owns(s, &inner_org)
            || domains::is_bulk_sender(host)
            || is_share_button(u)
            || named_in_text
        {
            continue;
        }
        hits.push((t, inner));
    }
    let Some((first, inner)) = hits.first() else {
        return Finding::pass("No link bounces through another site to hide where it leads");
    };
    let weight = if proven_newsletter(c.r, s) { 2 } else { 4 };
    let f = Finding::warn(
        weight,
        format!(
            "A link starts at {} but is passed on to {}, a trick to hide where it really leads{}",
            dest(first),
            inner.host_str().unwrap_or_default(),
            more(hits.len())
        ),
    );
    let ts: Vec<&Target> = hits.iter().map(|(t, _)| *t).collect();
    with_links(f, &ts)
}

fn link_to_free_host(c: &Ctx) -> Finding {
    if let Some(f) = no_links(c.r) {
        return f;
    }
    let ts = targets(c);
    let mut hits: Vec<(&Target, &'static domains::FreeHost)> = ts
        .iter()
        .filter_map(|t| Some((t, domains::free_host(t.host.as_deref()?)?)))
        .collect();
    hits.sort_by_key(|(_, h)| !h.abused);
    let Some((first, h)) = hits.first() else {
        return Finding::pass("No link goes to a free do-it-yourself web site");
    };
    let summary = format!(
        "A link goes to {}, a site anyone can set up for free on {}{}",
        dest(first),
        h.name,
        more(hits.len())
    );
    let f = if h.abused {
        Finding::warn(3, summary)
    } else {
        Finding::warn(1, summary)
    };
    let ts: Vec<&Target> = hits.iter().map(|(t, _)| *t).collect();
    with_links(f, &ts)
}

/// Company shorteners that only ever lead to the company's own sites.
const CLOSED_SHORTENERS: &[&str] = &["aka.ms", "amzn.to", "a.co", "fb.me", "g.co", "youtu.be"];

fn shortened_link(c: &Ctx) -> Finding {
    if let Some(f) = no_links(c.r) {
        return f;
    }
    let s = &c.r.sender;
    let sender_brand = s.from_org_domain.as_deref().and_then(domains::owner_brand);
    let ts = targets(c);
    let hits: Vec<&Target> = ts
        .iter()
        .filter(|t| {
            t.host
                .as_deref()
                .is_some_and(|h| domains::is_shortener(h) && !CLOSED_SHORTENERS.contains(&h))
        })
        // A company's own shortener (lnkd.in in mail from LinkedIn) hides nothing new.
        .filter(|t| {
            !(s.from_proven
                && sender_brand
                    .is_some_and(|b| t.host.as_deref().is_some_and(|h| domains::brand_owns(b, h))))
        })
        .collect();
    let Some(first) = hits.first() else {
        return Finding::pass("No link uses a link shortener");
    };
    with_links(
        Finding::warn(
            2,
            format!(
                "A link uses a link shortener ({}), which hides where it really leads{}",
                dest(first),
                more(hits.len())
            ),
        ),
        &hits,
    )
}

fn link_to_risky_tld(c: &Ctx) -> Finding {
    if let Some(f) = no_links(c.r) {
        return f;
    }
    let ts = targets(c);
    let hits: Vec<(&Target, &'static str)> = ts
        .iter()
        .filter(|t| !t.is_ip())
        .filter_map(|t| Some((t, domains::risky_tld(t.host.as_deref()?)?)))
        .collect();
    let Some((first, tld)) = hits.first() else {
        return Finding::pass("No link goes to an address ending often used for throwaway sites");
    };
    let targets: Vec<&Target> = hits.iter().map(|(t, _)| *t).collect();
    with_links(
        Finding::warn(
            1,
            format!(
                "A link goes to {}, whose ending (.{tld}) is cheap and often used for throwaway scam sites{}",
                dest(first),
                more(hits.len())
            ),
        ),
        &targets,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::identity::mailbox;
    use crate::analysis::{AuthOutcome, AuthValue, Options, Outcome};

    /// A report from `from` with links given as (href, shown text).
    fn report(from: &str, links: &[(&str, &str)]) -> Report {
        let mut r = Report::default();
        r.identity.from = Some(mailbox(Some("Sender"), Some(from)));
        r.content.links = links
            .iter()
            .map(|(href, shown)| Link {
                href: href.to_string(),
                shown_text: shown.to_string(),
                host: Url::parse(href)
                    .ok()
                    .and_then(|u| u.host_str().map(str::to_string)),
                from_html: true,
                ..Link::default()
            })
            .collect();
        r
    }

    fn verified(mut r: Report) -> Report {
        let d = r.identity.from.as_ref().and_then(|m| m.domain.clone());
        r.auth.dmarc = AuthOutcome {
            result: AuthValue::Pass,
            domain: d,
            ..AuthOutcome::default()
        };
        r
    }

    /// The facts stage, as `analyze` runs it before the checks.
    fn with_facts(r: &Report) -> Report {
        let mut r = r.clone();
        crate::analysis::links::resolve(&mut r.content.links);
        (r.sender, r.kind) = crate::analysis::sender::derive(&r);
        r
    }

    fn run_opts(id: &str, r: &Report, opts: &Options) -> Finding {
        let Some(def) = CHECKS.iter().find(|d| d.id == id) else {
            panic!("no check {id}");
        };
        let r = with_facts(r);
        (def.run)(&Ctx::new(&r, opts))
    }

    fn run(id: &str, r: &Report) -> Finding {
        run_opts(id, r, &Options::default())
    }

    fn flagged(f: &Finding) -> bool {
        matches!(f.outcome, Outcome::Warn | Outcome::Fail) && f.weight > 0
    }

    #[test]
    fn every_check_has_a_lesson() {
        for def in CHECKS {
            assert!(
                crate::lessons::lesson(def.id).is_some(),
                "no lesson for {}",
                def.id
            );
        }
        assert!(crate::lessons::parse_errors().is_empty());
    }

    #[test]
    fn no_links_means_skip() {
        let r = report("a@example.com", &[]);
        for def in CHECKS {
            assert_eq!(
                (def.run)(&Ctx::new(&r, &Options::default())).outcome,
                Outcome::Skip
            );
        }
    }

    #[test]
    fn mismatch_fires_when_text_names_another_site() {
        let r = report(
            "alerts@northwind.example",
            &[("http://203.0.113.5/login", "www.northwind-bank.example")],
        );
        let f = run("link-text-mismatch", &r);
        assert!(flagged(&f), "{f:?}");
        assert_eq!(
            f.summary,
            "The link says www.northwind-bank.example but really goes to 203.0.113.5"
        );
        assert_eq!(
            f.evidence.first().map(|e| e.location.clone()),
            Some(Location::Link { index: 0 })
        );
        assert!(f
            .evidence
            .iter()
            .any(|e| e.text.contains("www.northwind-bank.example")));
        // Borrowing a brand's address is the strong form.
        let r = report(
            "x@evil.example",
            &[("https://evil.example/pp", "https://www.paypal.com/signin")],
        );
        let f = run("link-text-mismatch", &r);
        assert_eq!(f.outcome, Outcome::Fail);
        assert!(f.weight >= 8);
    }

    #[test]
    fn a_proven_look_alike_sender_is_no_click_counter_for_the_site_it_imitates() {
        // The impostor proves its own look-alike domain and links to it, while the link's
        // text names the real site: that is the trick, not a newsletter's click counter.
        let r = verified(report(
            "servicedesk@fabrikarn.example",
            &[(
                "https://portal.fabrikarn.example/account/verify",
                "https://portal.fabrikam.example/account",
            )],
        ));
        let f = run("link-text-mismatch", &r);
        assert!(matches!(f.outcome, Outcome::Warn | Outcome::Fail), "{f:?}");
        // The sender's own click counter on an unrelated name still passes (below).
    }

    #[test]
    fn mismatch_quiet_for_honest_and_tracked_links() {
        // Same organisation.
        let r = report(
            "a@shop.example",
            &[("https://www.shop.example/x", "https://shop.example/x")],
        );
        assert_eq!(run("link-text-mismatch", &r).outcome, Outcome::Pass);
        // The sender's own click counter, showing a partner's address: good news to teach.
        let r = report(
            "news@shop.example",
            &[("https://click.shop.example/t/abc", "www.partner.example")],
        );
        let f = run("link-text-mismatch", &r);
        assert!(
            f.outcome == Outcome::Pass && f.reassuring && f.weight == 0,
            "{f:?}"
        );
        assert!(f.summary.contains("click.shop.example"));
        // A mailing service's click counter showing the proven sender's own site.
        let r = verified(report(
            "news@shop.example",
            &[(
                "https://u123.ct.sendgrid.net/ls/click?upn=xyz",
                "https://www.shop.example",
            )],
        ));
        assert_eq!(run("link-text-mismatch", &r).outcome, Outcome::Pass);
        // A redirect that lands where the text says.
        let r = report(
            "news@shop.example",
            &[(
                "https://t.tracker.example/r?url=https%3A%2F%2Fwww.partner.example%2F",
                "www.partner.example",
            )],
        );
        assert_eq!(run("link-text-mismatch", &r).outcome, Outcome::Pass);
        // Text that is not an address is not compared.
        let r = report(
            "a@shop.example",
            &[("https://elsewhere.example/", "Click here")],
        );
        assert_eq!(run("link-text-mismatch", &r).outcome, Outcome::Skip);
        // The reader's mail filter wrapped the link; the real destination matches.
        let r = report(
            "a@shop.example",
            &[("https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.partner.example%2F&data=x", "www.partner.example")],
        );
        assert_eq!(run("link-text-mismatch", &r).outcome, Outcome::Pass);
    }

    #[test]
    fn proven_newsletters_weigh_less() {
        let mut r = verified(report(
            "news@shop.example",
            &[
                (
                    "https://t.unknown-tracker.example/c?id=1",
                    "www.partner.example",
                ),
                (
                    "https://t.unknown-tracker.example/r?url=https://partner.example/",
                    "story",
                ),
            ],
        ));
        assert_eq!(run("link-text-mismatch", &r).weight, 4);
        assert_eq!(run("open-redirect-link", &r).weight, 4);
        r.identity.list_unsubscribe = true;
        assert_eq!(run("link-text-mismatch", &r).weight, 2);
        assert_eq!(run("open-redirect-link", &r).weight, 2);
    }

    #[test]
    fn mail_links_that_write_to_someone_else() {
        let r = report(
            "support@shop.example",
            &[(
                "mailto:refunds.desk@freemail.example?subject=Refund",
                "support@paypal.com",
            )],
        );
        let f = run("link-text-mismatch", &r);
        assert_eq!(f.outcome, Outcome::Fail, "{f:?}");
        assert!(f.summary.contains("refunds.desk@freemail.example"), "{f:?}");
        let r = report(
            "jane.doe@gmail.com",
            &[("mailto:claims.office.2291@gmail.com", "jane.doe@gmail.com")],
        );
        let f = run("link-text-mismatch", &r);
        assert!(f.outcome == Outcome::Warn && f.weight == 4, "{f:?}");
        // The same address, or another address at the same organisation, is fine.
        for (href, shown) in [
            ("mailto:help@shop.example", "help@shop.example"),
            ("mailto:Help@Mail.Shop.example", "help@shop.example"),
            ("mailto:help@shop.example", "Write to us"),
            ("mailto:%3Chelp@shop.example%3E", "help@shop.example."),
            ("mailto:help@shop.example", "<help@shop.example>,"),
            ("mailto:jane.doe@gmail.com", "Jane.Doe@gmail.com"),
        ] {
            let r = report("support@shop.example", &[(href, shown)]);
            assert!(!flagged(&run("link-text-mismatch", &r)), "{href}");
        }
    }

    #[test]
    fn mismatch_not_excused_for_a_tracker_showing_a_brand() {
        // A mailing service's click counter showing PayPal, from someone who is not PayPal.
        let r = report(
            "service@paypal-help.example",
            &[(
                "https://u123.ct.sendgrid.net/ls/click?upn=xyz",
                "www.paypal.com",
            )],
        );
        let f = run("link-text-mismatch", &r);
        assert_eq!(f.outcome, Outcome::Fail, "{f:?}");
        // Nor showing a tax office's address.
        let r = report(
            "avisos@notificaciones.example",
            &[(
                "https://x1.r.us-east-1.awstrack.me/L0/abc",
                "https://www.sat.gob.mx/buzon",
            )],
        );
        assert_eq!(run("link-text-mismatch", &r).outcome, Outcome::Fail);
        // A spoofed From claiming PayPal is not enough either.
        let r = report(
            "service@paypal.com",
            &[(
                "https://u123.ct.sendgrid.net/ls/click?upn=xyz",
                "www.paypal.com",
            )],
        );
        assert!(flagged(&run("link-text-mismatch", &r)));
    }

    #[test]
    fn ip_links() {
        let r = report("a@shop.example", &[("http://198.51.100.7/pay", "Pay now")]);
        let f = run("ip-address-link", &r);
        assert!(flagged(&f) && f.weight >= 5, "{f:?}");
        assert!(f.summary.contains("198.51.100.7"));
        // Decimal-encoded addresses are addresses too.
        let r = report("a@shop.example", &[("http://3325256711/pay", "Pay now")]);
        assert!(flagged(&run("ip-address-link", &r)));
        for href in [
            "http://192.168.1.20/scan",
            "http://0.0.0.0:8080/",
            "http://[::1]/",
        ] {
            let r = report("a@shop.example", &[(href, "Scanned document")]);
            assert_eq!(run("ip-address-link", &r).outcome, Outcome::Pass, "{href}");
        }
        let r = report("a@shop.example", &[("https://www.shop.example/", "Shop")]);
        assert_eq!(run("ip-address-link", &r).outcome, Outcome::Pass);
    }

    #[test]
    fn shortened_links() {
        let r = report(
            "a@shop.example",
            &[("https://bit.ly/3xYz", "Track your parcel")],
        );
        let f = run("shortened-link", &r);
        assert!(flagged(&f), "{f:?}");
        assert!(f.summary.contains("bit.ly"));
        let r = report(
            "a@shop.example",
            &[("https://www.shop.example/track", "Track")],
        );
        assert_eq!(run("shortened-link", &r).outcome, Outcome::Pass);
        // Microsoft's shortener only leads to Microsoft.
        let r = report("a@shop.example", &[("https://aka.ms/uhd-windows", "docs")]);
        assert_eq!(run("shortened-link", &r).outcome, Outcome::Pass);
        // LinkedIn's own shortener in proven LinkedIn mail.
        let r = verified(report(
            "messages@linkedin.com",
            &[("https://lnkd.in/abc", "See post")],
        ));
        assert_eq!(run("shortened-link", &r).outcome, Outcome::Pass);
    }

    #[test]
    fn open_redirects() {
        // A destination hidden in base64, as Bing's click links do.
        let r = report(
            "a@shop.example",
            &[(
                "https://www.bing.com/ck/a?!&&p=abc&u=a1aHR0cHM6Ly9ldmlsLmV4YW1wbGUvbG9naW4&ntb=1",
                "Verify",
            )],
        );
        let f = run("open-redirect-link", &r);
        assert!(f.summary.contains("evil.example"), "{f:?}");
        // Google Translate's proxy with a destination written without its scheme.
        let r = report(
            "a@shop.example",
            &[(
                "https://translate.google.com/translate?sl=auto&tl=en&u=evil.com.br/login.php?x=1",
                "Open",
            )],
        );
        let f = run("open-redirect-link", &r);
        assert!(f.summary.contains("evil.com.br"), "{f:?}");
        let r = report(
            "a@shop.example",
            &[(
                "https://www.google.com/url?q=https://evil.example/login&sa=D",
                "Open document",
            )],
        );
        let f = run("open-redirect-link", &r);
        assert!(flagged(&f), "{f:?}");
        assert!(f.summary.contains("evil.example"));
        // Back to the sender's own site, a share button, or a login hop inside one company.
        for href in [
            "https://tracker.example/r?u=https%3A%2F%2Fwww.shop.example%2Fsale",
            "https://www.facebook.com/sharer/sharer.php?u=https://news.example/article",
            "https://accounts.google.com/ServiceLogin?continue=https://mail.google.com/mail",
            "https://www.shop.example/page?ref=home",
        ] {
            let r = report("a@shop.example", &[(href, "link")]);
            assert_eq!(
                run("open-redirect-link", &r).outcome,
                Outcome::Pass,
                "{href}"
            );
        }
    }

    #[test]
    fn brand_subdomains() {
        let r = report(
            "a@shop.example",
            &[("https://paypal.com.account-check.example/login", "Log in")],
        );
        let f = run("brand-subdomain-link", &r);
        assert!(flagged(&f), "{f:?}");
        assert!(f.summary.contains("PayPal"));
        let r = report(
            "a@shop.example",
            &[("https://paypal-secure-login.example/", "Log in")],
        );
        assert!(flagged(&run("brand-subdomain-link", &r)));
        let r = report(
            "a@shop.example",
            &[("https://www.paypal.com/signin", "Log in")],
        );
        assert_eq!(run("brand-subdomain-link", &r).outcome, Outcome::Pass);
        let r = report(
            "a@shop.example",
            &[("https://www.applebees.example/menu", "Menu")],
        );
        assert_eq!(run("brand-subdomain-link", &r).outcome, Outcome::Pass);
    }

    #[test]
    fn lookalike_links() {
        let r = report(
            "a@shop.example",
            &[("https://www.paypa1.com/signin", "Log in")],
        );
        let f = run("lookalike-link-domain", &r);
        assert_eq!(f.outcome, Outcome::Fail, "{f:?}");
        assert!(f.summary.contains("paypal.com"));
        let r = report(
            "a@shop.example",
            &[("https://xn--pypal-4ve.com/", "Log in")],
        );
        let f = run("lookalike-link-domain", &r);
        assert!(f.weight >= 10, "{f:?}");
        // Imitating the sender's own domain.
        let r = report(
            "billing@northwind-traders.example",
            &[("https://northwind-tradres.example/inv", "Invoice")],
        );
        assert!(flagged(&run("lookalike-link-domain", &r)));
        // Imitating a recipient's domain; a partner site carrying its name is not flagged.
        let mut r = report(
            "a@shop.example",
            &[
                ("https://harbourworks-portal.example/sso", "Sign in"),
                ("https://harbourwork.example/sso", "Sign in"),
            ],
        );
        r.identity.recipient_domains = vec!["harbourworks.example".into()];
        let f = run("lookalike-link-domain", &r);
        assert!(
            flagged(&f)
                && f.evidence
                    .iter()
                    .all(|e| e.location == Location::Link { index: 1 }),
            "{f:?}"
        );
        // Imitating the reader's own domain, under another ending.
        let opts = Options {
            own_domains: vec!["contoso.example".into()],
            ..Options::default()
        };
        let r = report("a@shop.example", &[("https://contoso.help/reset", "Reset")]);
        assert!(flagged(&run_opts("lookalike-link-domain", &r, &opts)));
        // Quiet: real domains, and the sender's sister site under another ending.
        for href in [
            "https://www.paypal.com/",
            "https://github.com/x/y",
            "https://shop.de/",
        ] {
            let r = report("a@shop.example", &[(href, "link")]);
            assert_eq!(
                run("lookalike-link-domain", &r).outcome,
                Outcome::Pass,
                "{href}"
            );
        }
    }

    #[test]
    fn risky_downloads() {
        let r = report(
            "a@shop.example",
            &[(
                "https://files.evil.example/Invoice_2291.pdf.exe",
                "Invoice.pdf",
            )],
        );
        let f = run("risky-download-link", &r);
        assert_eq!(f.outcome, Outcome::Fail, "{f:?}");
        assert!(f.summary.contains("Invoice_2291.pdf.exe"));
        let r = report(
            "a@shop.example",
            &[("https://files.evil.example/docs.zip?dl=1", "Documents")],
        );
        let f = run("risky-download-link", &r);
        assert!(flagged(&f) && f.outcome == Outcome::Warn, "{f:?}");
        let r = report(
            "a@shop.example",
            &[(
                "https://it-support.example/mail-setup.mobileconfig",
                "Install",
            )],
        );
        assert_eq!(run("risky-download-link", &r).outcome, Outcome::Fail);
        // A proven sender's own download, and ordinary pages.
        let r = verified(report(
            "release@tools.example",
            &[("https://dl.tools.example/setup.exe", "Download")],
        ));
        assert!(run("risky-download-link", &r).weight <= 2);
        let r = report(
            "a@shop.example",
            &[
                ("https://www.shop.example/index.html", "Home"),
                ("https://www.shop.example/report.pdf", "Report"),
            ],
        );
        assert_eq!(run("risky-download-link", &r).outcome, Outcome::Pass);
    }

    #[test]
    fn script_and_file_links() {
        let r = report("a@shop.example", &[("javascript:alert(1)", "View")]);
        assert_eq!(run("script-or-file-link", &r).outcome, Outcome::Fail);
        let r = report(
            "a@shop.example",
            &[("data:text/html;base64,PGh0bWw+", "View")],
        );
        assert_eq!(run("script-or-file-link", &r).outcome, Outcome::Fail);
        let r = report(
            "a@shop.example",
            &[("file://203.0.113.9/share/doc.lnk", "Doc")],
        );
        assert!(flagged(&run("script-or-file-link", &r)));
        let r = report(
            "a@shop.example",
            &[
                ("mailto:help@shop.example", "help@shop.example"),
                ("https://www.shop.example/", "Shop"),
            ],
        );
        assert_eq!(run("script-or-file-link", &r).outcome, Outcome::Pass);
    }

    #[test]
    fn free_hosts() {
        let r = report(
            "a@shop.example",
            &[("https://secure-docs-7731.web.app/", "View document")],
        );
        let f = run("link-to-free-host", &r);
        assert!(flagged(&f) && f.weight >= 3, "{f:?}");
        let r = report(
            "a@shop.example",
            &[("https://someone.github.io/project", "Docs")],
        );
        assert_eq!(run("link-to-free-host", &r).weight, 1);
        let r = report(
            "a@shop.example",
            &[("https://fonts.googleapis.com/css", "x")],
        );
        assert_eq!(run("link-to-free-host", &r).outcome, Outcome::Pass);
    }

    #[test]
    fn risky_tlds() {
        let r = report(
            "a@shop.example",
            &[("https://secure-update.icu/login", "Update")],
        );
        let f = run("link-to-risky-tld", &r);
        assert!(flagged(&f) && f.weight == 1, "{f:?}");
        let r = report("a@shop.example", &[("https://www.shop.com/", "Shop")]);
        assert_eq!(run("link-to-risky-tld", &r).outcome, Outcome::Pass);
    }

    #[test]
    fn filter_wrappers_are_unwrapped() {
        // Symantec's click-time protection wrapping a link to the sender's own site.
        let r = report(
            "a@shop.example",
            &[(
                "https://clicktime.symantec.com/3abc?u=http%3A%2F%2Fwww.shop.example%2F",
                "Shop",
            )],
        );
        assert_eq!(run("open-redirect-link", &r).outcome, Outcome::Pass);
        let r = with_facts(&r);
        let opts = Options::default();
        let ctx = Ctx::new(&r, &opts);
        let ts = targets(&ctx);
        assert_eq!(
            ts.first().and_then(|t| t.host.clone()).as_deref(),
            Some("www.shop.example")
        );
        // Proofpoint v3 wrapping an IP link: the IP is what counts.
        let r = report(
            "a@shop.example",
            &[(
                "https://urldefense.com/v3/__http://198.51.100.7/pay__;!!abc$",
                "Pay",
            )],
        );
        assert!(flagged(&run("ip-address-link", &r)));
    }

    #[test]
    fn the_sender_owns_its_name_under_other_endings() {
        let r = report(
            "news@medialetter.example.net",
            &[(
                "https://www.medialetter.com/t?url=https://partner.example.org/a",
                "story",
            )],
        );
        assert_eq!(run("open-redirect-link", &r).outcome, Outcome::Pass);
    }

    #[test]
    fn whole_message_through_analyze() {
        let raw = concat!(
            "From: Northwind Bank <alerts@northwind-alerts.example>\r\n",
            "To: you@harbourworks.example\r\n",
            "Subject: Verify your account\r\n",
            "Date: Tue, 18 Mar 2025 07:00:00 +0000\r\n",
            "Message-ID: <1@northwind-alerts.example>\r\n",
            "MIME-Version: 1.0\r\n",
            "Content-Type: text/html; charset=utf-8\r\n",
            "\r\n",
            "<p>Please <a href=\"http://203.0.113.5/login\">www.northwind-bank.example</a>",
            " or <a href=\"https://bit.ly/3xYz\">track it</a>.</p>\r\n",
        );
        let Ok(r) = crate::analysis::analyze(raw.as_bytes(), &Options::default()) else {
            panic!("the message parses");
        };
        let outcome = |id: &str| r.checks.iter().find(|c| c.id == id).map(|c| c.outcome);
        assert!(
            matches!(
                outcome("link-text-mismatch"),
                Some(Outcome::Warn | Outcome::Fail)
            ),
            "{:?}",
            r.checks.iter().find(|c| c.id == "link-text-mismatch")
        );
        assert_eq!(outcome("ip-address-link"), Some(Outcome::Warn));
        assert_eq!(outcome("shortened-link"), Some(Outcome::Warn));
        assert_eq!(outcome("risky-download-link"), Some(Outcome::Pass));
        let mismatch = r.checks.iter().find(|c| c.id == "link-text-mismatch");
        assert!(mismatch.is_some_and(|c| c.title == "Link text names a different site"));
    }

    #[test]
    fn hostile_links_do_not_panic() {
        let r = report(
            "a@shop.example",
            &[
                ("", ""),
                ("http://", "http://"),
                ("https://[::1", "[::1]"),
                ("https://xn--.com/", "xn--.com"),
                ("https://ex ample.com/a b", "ex ample.com"),
                ("https://a.example/%ZZ.exe", "%%%"),
                ("https://urldefense.com/v3/__", "x"),
                ("https://urldefense.proofpoint.com/v2/url?u=----", "x"),
                ("https://nam.safelinks.protection.outlook.com/?url=", "x"),
                ("javascript", ":"),
                ("https://a.example/?u=https://", "https://"),
            ],
        );
        let r = with_facts(&r);
        for def in CHECKS {
            let _ = (def.run)(&Ctx::new(&r, &Options::default()));
        }
    }

    /// The development corpus: `MAILSLEUTH_CORPUS`, else `../shared/corpus`.
    fn corpus() -> Option<std::path::PathBuf> {
        std::env::var_os("MAILSLEUTH_CORPUS")
            .map(std::path::PathBuf::from)
            .into_iter()
            .chain([std::path::PathBuf::from("../shared/corpus")])
            .find(|p| p.is_dir())
    }

    /// How often each link check fires per corpus folder. Run with
    /// `cargo test --lib measure_links_on_corpus -- --ignored --nocapture`.
    #[test]
    #[ignore = "measurement over the whole corpus; slow"]
    fn measure_links_on_corpus() {
        // Deeply nested MIME recurses deeply in unoptimised builds.
        let run = std::thread::Builder::new()
            .stack_size(512 * 1024 * 1024)
            .spawn(measure);
        assert!(run.is_ok_and(|h| h.join().is_ok()));
    }

    fn measure() {
        let Some(root) = corpus() else {
            println!("corpus not found (set MAILSLEUTH_CORPUS); skipping");
            return;
        };
        let show = std::env::var("MAILSLEUTH_SHOW").unwrap_or_default();
        for folder in ["phishing", "ham-list", "ham-2002", "spam-2002"] {
            let Ok(dir) = std::fs::read_dir(root.join(folder)) else {
                println!("{folder}: not found");
                continue;
            };
            let mut files: Vec<_> = dir.filter_map(|e| e.ok().map(|e| e.path())).collect();
            files.sort();
            let mut with_links = 0;
            // Messages whose links family adds up to ≥1, ≥4 (caution alone), ≥10 (danger alone).
            let mut totals = [0usize; 3];
            let mut verdicts = [0usize; 3];
            let mut raised = 0;
            let mut other: std::collections::BTreeMap<String, usize> = Default::default();
            let mut counts: Vec<(usize, usize)> = vec![(0, 0); CHECKS.len()];
            for path in &files {
                let Ok(raw) = std::fs::read(path) else {
                    continue;
                };
                let Ok(r) = crate::analysis::analyze(&raw, &Options::default()) else {
                    continue;
                };
                if !r.content.links.is_empty() {
                    with_links += 1;
                }
                if let Some(v) = verdicts.get_mut(r.verdict as usize) {
                    *v += 1;
                }
                // What the verdict would be without this family.
                let mut without = r.clone();
                without.checks.retain(|c| c.family != Family::Links);
                crate::analysis::verdict::decide(&mut without);
                if without.verdict < r.verdict {
                    raised += 1;
                    if show.split(',').any(|s| s == "raised") {
                        println!("  [{folder}] raised {}: {}", path.display(), r.headline);
                    }
                }
                let mut total = 0;
                for (i, def) in CHECKS.iter().enumerate() {
                    let f = (def.run)(&Ctx::new(&r, &Options::default()));
                    if flagged(&f) {
                        total += f.weight;
                    }
                    if let Some(c) = counts.get_mut(i) {
                        match f.outcome {
                            Outcome::Warn => c.0 += 1,
                            Outcome::Fail => c.1 += 1,
                            _ => {}
                        }
                    }
                    if flagged(&f) && show.split(',').any(|s| s == def.id || s == folder) {
                        println!("  [{folder}] {} {}: {}", def.id, path.display(), f.summary);
                    }
                }
                // Checks of other families that lean on `domains` (identity).
                for c in r.checks.iter().filter(|c| {
                    matches!(&*c.id, "display-name-brand" | "lookalike-domain")
                        && matches!(c.outcome, Outcome::Warn | Outcome::Fail)
                }) {
                    *other.entry(c.id.to_string()).or_insert(0) += 1;
                    if show.split(',').any(|s| s == &*c.id) {
                        println!("  [{folder}] {} {}: {}", c.id, path.display(), c.summary);
                    }
                }
                for (slot, min) in totals.iter_mut().zip([1, 4, 10]) {
                    if total >= min {
                        *slot += 1;
                    }
                }
            }
            println!("{folder}: {} files, {with_links} with links", files.len());
            println!(
                "  links family total >=1 / >=4 / >=10: {totals:?}   verdict ok/caution/danger: {verdicts:?}"
            );
            for (def, (w, f)) in CHECKS.iter().zip(&counts) {
                println!("  {:24} warn {w:4}  fail {f:4}", def.id);
            }
            println!("  identity checks using domains: {other:?}");
            println!("  verdicts raised by the links family: {raised}");
        }
    }
}
