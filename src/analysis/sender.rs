//! Sender facts and message kind: who is proven to have sent a message, what it claims,
//! and whether it is a person's mail, a list's, a newsletter or a machine's.
//!
//! Worked out once per analysis (and again after live results arrive, since they change
//! what is proven), before any check runs; checks and views read the results from the
//! `Report` instead of deriving them again.

use super::auth::aligned;
use super::domains;
use super::headers::first;
use super::identity::{domain_of, org_domain};
use super::types::{
    AuthOutcome, AuthSource, AuthValue, MessageKind, RawHeader, Report, SenderFacts,
};

/// Works out the sender facts and the message kind of `r` from what it holds now.
pub fn derive(r: &Report) -> (SenderFacts, MessageKind) {
    let facts = sender_facts(r);
    let kind = kind(r, &facts);
    (facts, kind)
}

/// The kind of mail and who is proven to have sent it, in one plain sentence for the reader
/// ("a newsletter or other bulk mail; the sender's domain shop.example is proven").
pub fn describe(r: &Report) -> String {
    let s = &r.sender;
    let proof = match (&s.from_org_domain, s.from_proven) {
        (Some(d), true) => format!("the sender's domain {d} is proven"),
        (Some(d), false) => format!("nothing proves it comes from {d}"),
        (None, _) => "no sender address to prove".to_string(),
    };
    let service = s
        .mailing_service
        .as_deref()
        .map(|m| format!("; sent through the mailing service {m}"))
        .unwrap_or_default();
    format!("{}; {proof}{service}", r.kind.describe())
}

/// Who is proven to have sent the message, in plain words for the verdict page: whether
/// the sender's own domain is proven, and if not, which domains are. The first value is
/// true when the From domain is proven.
pub fn proof_words(r: &Report) -> (bool, String) {
    let s = &r.sender;
    let Some(d) = &s.from_org_domain else {
        return (false, "No sender address, so nothing to prove".into());
    };
    if s.from_proven {
        return (true, format!("Proven: it really comes from the domain {d}"));
    }
    let others: Vec<&str> = s
        .authenticated_domains
        .iter()
        .filter(|a| *a != d)
        .map(String::as_str)
        .take(3)
        .collect();
    if others.is_empty() {
        (
            false,
            format!("Not proven: nothing shows it really comes from {d}"),
        )
    } else {
        (
            false,
            format!(
                "Not proven to come from {d}; what is proven is that {} sent it",
                others.join(" and ")
            ),
        )
    }
}

/// `proof_words` as one sentence for a report: beside a warning, a proven domain is said
/// to prove who sent it, not who they claim to be (an impostor can prove a look-alike).
pub fn proof_sentence(r: &Report) -> String {
    let (proven, mut words) = proof_words(r);
    if proven && r.verdict != crate::analysis::Verdict::Ok {
        words.push_str(": that proves who sent it, not that they are who they claim to be");
    }
    words
}

fn sender_facts(r: &Report) -> SenderFacts {
    let id = &r.identity;
    let from_org_domain = id.from.as_ref().and_then(|m| m.org_domain.clone());
    let mut org_domains: Vec<String> = [
        id.from.as_ref(),
        id.sender.as_ref(),
        id.return_path.as_ref(),
    ]
    .into_iter()
    .flatten()
    .filter_map(|m| m.org_domain.clone())
    .chain(
        r.auth
            .dkim_signatures
            .iter()
            .filter_map(|s| s.domain.as_deref().map(org_domain)),
    )
    .collect();
    org_domains.sort();
    org_domains.dedup();

    let passes = |o: &AuthOutcome| o.result == AuthValue::Pass;
    let mut authenticated_domains: Vec<String> = [&r.auth.dkim, &r.auth.spf]
        .into_iter()
        .filter(|o| passes(o))
        .filter_map(|o| o.domain.as_deref().map(org_domain))
        .chain(r.auth.live.iter().flat_map(|l| {
            l.dkim_signatures
                .iter()
                .filter(|s| s.result == AuthValue::Pass)
                .map(|s| org_domain(&s.domain))
        }))
        .collect();
    authenticated_domains.sort();
    authenticated_domains.dedup();

    let passes_for_from = |o: &AuthOutcome| {
        passes(o) && o.domain.as_deref().map(org_domain).as_ref() == from_org_domain.as_ref()
    };
    let from_proven = from_org_domain.is_some()
        && (r.auth.dmarc.result == AuthValue::Pass
            || passes_for_from(&r.auth.dkim)
            || passes_for_from(&r.auth.spf));

    let from_domain = id.from.as_ref().and_then(|f| f.domain.as_deref());
    let dkim_aligned = match (from_domain, r.auth.dkim.domain.as_deref()) {
        (Some(f), Some(d)) => passes(&r.auth.dkim) && aligned(d, f),
        _ => false,
    };

    let arc = &r.auth.arc;
    let arc_vouched = r.auth.arc_sets > 0 && passes(arc) && arc.header_index.is_some()
        || arc.source == AuthSource::Live && passes(arc);

    let list_org_domains = list_orgs(r);
    let via_list = !list_org_domains.is_empty() && {
        let via = id
            .from
            .as_ref()
            .and_then(|f| f.display_name.as_deref())
            .is_some_and(|n| n.to_lowercase().contains(" via "));
        let envelope_is_list = [id.return_path.as_ref(), id.sender.as_ref()]
            .into_iter()
            .flatten()
            .filter_map(|m| m.org_domain.as_ref())
            .any(|o| list_org_domains.contains(o));
        via || envelope_is_list || arc_vouched
    };

    let mailing_service = id
        .return_path
        .as_ref()
        .and_then(|m| m.domain.clone())
        .into_iter()
        .chain(
            r.auth
                .dkim_signatures
                .iter()
                .filter_map(|s| s.domain.clone()),
        )
        .chain(id.message_id_domain.clone())
        .find(|d| domains::is_bulk_sender(d))
        .map(|d| org_domain(&d));

    SenderFacts {
        from_org_domain,
        org_domains,
        authenticated_domains,
        from_proven,
        dkim_aligned,
        arc_vouched,
        list_org_domains,
        via_list,
        mailing_service,
    }
}

/// Organisational domains of the mailing list the message says it came through
/// (List-Id, List-Post, List-Help, Mailing-List).
fn list_orgs(r: &Report) -> Vec<String> {
    let mut orgs = Vec::new();
    for h in &r.headers {
        let name = h.name.to_ascii_lowercase();
        // List-Unsubscribe is left out: every newsletter has one; it does not make a list.
        if !matches!(
            name.as_str(),
            "list-id" | "list-post" | "mailing-list" | "list-help"
        ) {
            continue;
        }
        for token in h
            .value
            .split(|c: char| c.is_whitespace() || "<>,;\"".contains(c))
        {
            let token = token.trim_start_matches("mailto:");
            let host = if let Some(d) = domain_of(token) {
                Some(d)
            } else if let Some(rest) = token.split_once("://").map(|(_, rest)| rest) {
                rest.split(['/', '?', ':'])
                    .next()
                    .map(str::to_ascii_lowercase)
            } else {
                token
                    .contains('.')
                    .then(|| token.trim_matches('.').to_ascii_lowercase())
            };
            if let Some(host) = host.filter(|h| h.contains('.')) {
                let org = org_domain(&host);
                if !orgs.contains(&org) {
                    orgs.push(org);
                }
            }
        }
    }
    orgs
}

/// The report-type of a `multipart/report` message (RFC 6522), if the message is one:
/// delivery-status notifications, read receipts, abuse and DMARC/TLS reports.
pub fn report_type(headers: &[RawHeader]) -> Option<String> {
    headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("content-type"))
        .find_map(|h| {
            let v = h.value.trim_start().to_ascii_lowercase();
            if !v.starts_with("multipart/report") {
                return None;
            }
            let kind = v
                .split(';')
                .filter_map(|p| p.trim().strip_prefix("report-type="))
                .map(|t| {
                    t.trim_matches(|c: char| c == '"' || c.is_whitespace())
                        .to_string()
                })
                .find(|t| !t.is_empty());
            Some(kind.unwrap_or_else(|| "unspecified".to_string()))
        })
}

/// Whether the message says a machine wrote it: `Auto-Submitted` with a value other than
/// "no" (RFC 3834), or one of the auto-reply headers mail systems add.
pub fn auto_submitted(headers: &[RawHeader]) -> bool {
    let auto = first(headers, "Auto-Submitted").is_some_and(|h| {
        let v = h.value.trim().to_ascii_lowercase();
        !v.is_empty() && !v.starts_with("no")
    });
    auto || ["X-Autoreply", "X-Autorespond"]
        .iter()
        .any(|n| first(headers, n).is_some())
}

/// Whether the receiving server checked the message and nothing proves its From domain,
/// or the proof belongs only to unrelated domains: who wrote it cannot be named. Mail
/// relayed by a list or a vouching forwarder, and mail whose checks were not recorded at
/// all (old mail, servers that do not check), are not judged this way.
pub fn proof_missing_or_elsewhere(r: &Report) -> bool {
    let s = &r.sender;
    if s.from_proven || s.via_list || s.arc_vouched || r.kind == MessageKind::Machine {
        return false;
    }
    // A known mailing service that authenticated the message answers for an account
    // holder it knows: newsletters of small senders often go out under its name only.
    if s.mailing_service
        .as_ref()
        .is_some_and(|m| s.authenticated_domains.contains(m))
    {
        return false;
    }
    // What the receiving server recorded at delivery, only: a live re-check that finds
    // nothing today (a domain gone, a server that does not answer) proves nothing about
    // the day the message arrived.
    let rec = &r.auth.recorded;
    let checked = rec.spf.is_some() || rec.dkim.is_some() || rec.dmarc.is_some();
    checked
        && r.identity
            .from
            .as_ref()
            .and_then(|f| f.domain.as_ref())
            .is_some()
}

/// Whether the envelope sender is empty (`Return-Path: <>`): the mark of a bounce or
/// another automatic notification (RFC 5321 §4.5.5).
pub fn null_envelope(headers: &[RawHeader]) -> bool {
    first(headers, "Return-Path").is_some_and(|h| h.value.trim() == "<>")
}

/// Lines with which mail servers introduce the copy of a returned message inside a
/// plain-text bounce (Exim, qmail and Yahoo, Sendmail and others).
const ORIGINAL_COPY_MARKERS: &[&str] = &[
    "this is a copy of the message",
    "below this line is a copy of the message",
    "original message follows",
    "original message",
    "returned message",
    "undelivered message",
    "message headers follow",
];

/// Where a plain-text bounce's copy of the returned message begins (a byte offset into
/// `text`): a line of dashes naming the original, as mail servers write it.
pub fn original_copy_at(text: &str) -> Option<usize> {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if t.starts_with("--") {
            let words = t
                .trim_matches(|c: char| c == '-' || c.is_whitespace())
                .to_lowercase();
            if ORIGINAL_COPY_MARKERS.iter().any(|m| words.starts_with(m)) {
                return Some(at);
            }
        }
        at += line.len();
    }
    None
}

/// The kind of mail, from structure first: a report or an automatic reply says so in its
/// MIME type or its Auto-Submitted header (RFC 3464, 8098, 5965, 3834).
fn kind(r: &Report, facts: &SenderFacts) -> MessageKind {
    let header = |name: &str| first(&r.headers, name).map(|h| h.value.to_ascii_lowercase());
    let report_type = r.report_type.is_some();
    let auto_submitted = r.auto_submitted;
    let system_sender = r
        .identity
        .from
        .as_ref()
        .and_then(|m| m.address.as_deref())
        .and_then(|a| a.split_once('@'))
        .is_some_and(|(local, _)| {
            matches!(
                local.to_ascii_lowercase().as_str(),
                "mailer-daemon" | "postmaster"
            )
        });
    // A bounce without report structure (Exim, DragonFly and others write plain text)
    // still has the two marks of one: the empty envelope sender RFC 5321 requires for
    // notifications, and a From naming the mail system with no address ("MAILER-DAEMON <>").
    // Either alone is easy to find in spam; the pair is how mail servers write.
    let no_address = r.identity.from.as_ref().is_none_or(|m| m.address.is_none());
    let nameless_system = no_address
        && first(&r.headers, "From").is_some_and(|h| {
            let v = h.value.trim().to_ascii_lowercase();
            v.starts_with("mailer-daemon") || v.starts_with("mail delivery")
        });
    let bare_bounce = null_envelope(&r.headers) && nameless_system;
    if report_type || auto_submitted || system_sender || bare_bounce {
        return MessageKind::Machine;
    }
    if facts.via_list {
        return MessageKind::List;
    }
    let bulk_precedence =
        header("Precedence").is_some_and(|v| matches!(v.trim(), "bulk" | "list" | "junk"));
    if r.identity.list_unsubscribe || bulk_precedence || facts.mailing_service.is_some() {
        return MessageKind::Bulk;
    }
    MessageKind::Person
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{analyze, Options};

    #[test]
    fn the_returned_copy_in_a_plain_bounce_is_found_by_the_servers_own_markers() {
        for marker in [
            "------ This is a copy of the message, including all the headers. ------",
            "--- Below this line is a copy of the message.",
            "----- Original message -----",
        ] {
            let text = format!("Delivery failed.\n\n{marker}\nFrom: someone\n");
            assert_eq!(
                original_copy_at(&text),
                Some("Delivery failed.\n\n".len()),
                "{marker}"
            );
        }
        assert_eq!(
            original_copy_at("We moved the original message to the archive.\n"),
            None
        );
        assert_eq!(original_copy_at("-- \nsignature\n"), None);
    }

    fn analysed(raw: &str) -> Report {
        match analyze(raw.as_bytes(), &Options::default()) {
            Ok(r) => r,
            Err(e) => panic!("not analysed: {e}"),
        }
    }

    #[test]
    fn a_bounce_is_machine_mail_by_its_structure() {
        let r = analysed(
            "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\r\nTo: a@example.org\r\nSubject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nThis is the mail system.\r\n--b--\r\n",
        );
        assert_eq!(r.kind, MessageKind::Machine);
        assert_eq!(r.report_type.as_deref(), Some("delivery-status"));
    }

    #[test]
    fn an_auto_reply_is_machine_mail_and_auto_submitted_no_is_not() {
        let reply = analysed(
            "From: Ann <ann@example.org>\r\nTo: b@example.net\r\nSubject: Out of office\r\nAuto-Submitted: auto-replied\r\n\r\nI am away.\r\n",
        );
        assert_eq!(reply.kind, MessageKind::Machine);
        let person = analysed(
            "From: Ann <ann@example.org>\r\nTo: b@example.net\r\nSubject: Lunch\r\nAuto-Submitted: no\r\n\r\nNoon?\r\n",
        );
        assert_eq!(person.kind, MessageKind::Person);
    }

    #[test]
    fn newsletters_are_bulk_and_a_list_header_alone_is_not_a_list() {
        let news = analysed(
            "From: Shop <news@shop.example>\r\nReturn-Path: <bounce-77@mailer.esp-example.net>\r\nTo: b@example.net\r\nSubject: Sale\r\nList-Unsubscribe: <https://shop.example/u>\r\nList-Id: <news.shop.example>\r\n\r\nSale!\r\n",
        );
        assert_eq!(news.kind, MessageKind::Bulk);
        assert_eq!(news.sender.list_org_domains, ["shop.example"]);
        assert!(!news.sender.via_list);
    }

    #[test]
    fn a_list_that_relays_under_its_own_envelope_is_a_list() {
        let r = analysed(
            "From: Ann via Users <users@lists.example.org>\r\nReturn-Path: <users-bounces@lists.example.org>\r\nTo: users@lists.example.org\r\nSubject: Question\r\nList-Id: Users <users.lists.example.org>\r\n\r\nHello\r\n",
        );
        assert!(r.sender.via_list);
        assert_eq!(r.kind, MessageKind::List);
    }

    #[test]
    fn proof_comes_only_from_passing_authentication() {
        let mut r = analysed(
            "From: Bank <alerts@bank.example>\r\nReturn-Path: <bounce@mailer.example.net>\r\nTo: b@example.net\r\nSubject: Notice\r\n\r\nHello\r\n",
        );
        assert!(!r.sender.from_proven);
        assert_eq!(r.sender.from_org_domain.as_deref(), Some("bank.example"));
        assert_eq!(r.sender.org_domains, ["bank.example", "example.net"]);
        r.auth.dkim = AuthOutcome {
            result: AuthValue::Pass,
            domain: Some("mail.bank.example".into()),
            ..AuthOutcome::default()
        };
        let (facts, _) = derive(&r);
        assert!(facts.from_proven);
        assert!(facts.dkim_aligned);
        assert_eq!(facts.authenticated_domains, ["bank.example"]);
    }
}
