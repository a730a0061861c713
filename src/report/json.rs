//! The JSON rendering: one object per input, printed as one line (JSON Lines).
//!
//! Field names here are a contract for scripts (see the README); add fields, never rename.

use serde::Serialize;
use std::sync::OnceLock;

use foldhash::HashMap;
use serde_json::value::RawValue;
use serde_json::Value;

use super::{Checked, Failure};
use crate::analysis::{
    Attachment, AuthOutcome, AuthResultsHeader, CheckResult, DkimSignatureInfo, Evidence,
    FilterVerdicts, Hop, Link, LiveAuth, Mailbox, Outcome, PathAnomaly, ReceivedSpf, Report,
    SenderFacts,
};
use crate::lessons;

fn doc(checked: &Checked) -> Doc<'_> {
    match &checked.result {
        Ok(report) => Doc::from_report(&checked.path, report),
        Err(failure) => Doc::from_failure(&checked.path, failure),
    }
}

/// Serialising plain data cannot fail in practice; if it ever does, still emit one
/// well-formed object so a consumer never loses track of an input.
fn fallback(checked: &Checked, e: &serde_json::Error) -> Value {
    serde_json::json!({
        "path": checked.path,
        "verdict": null,
        "error": { "kind": "internal", "message": format!("could not write JSON: {e}") },
    })
}

/// The JSON object for one input.
pub fn to_value(checked: &Checked) -> Value {
    serde_json::to_value(doc(checked)).unwrap_or_else(|e| fallback(checked, &e))
}

/// The JSON Lines line (no trailing newline) for one input; fields in a fixed, readable order.
pub fn to_line(checked: &Checked) -> String {
    // A line is tens of kilobytes (every check is listed); one allocation of about that
    // size saves growing the buffer a dozen times.
    let mut out = Vec::with_capacity(64 * 1024);
    match write_line(&mut out, checked) {
        // serde_json writes UTF-8 only; were it ever not, the text is kept, repaired.
        Ok(()) => String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        Err(e) => fallback(checked, &e).to_string(),
    }
}

/// The same object as `to_value`, written as one line: the fields before the checklist,
/// the checklist by `write_checks`, then the fields after it.
fn write_line(out: &mut Vec<u8>, checked: &Checked) -> serde_json::Result<()> {
    let (head, tail) = Doc::around(checked);
    let checks = checked
        .result
        .as_ref()
        .map_or(&[][..], |r| r.checks.as_slice());
    serde_json::to_writer(&mut *out, &head)?;
    // `{…}` of the head, reopened; the head always has its `path`.
    out.pop();
    out.extend_from_slice(b",\"checks\":");
    write_checks(out, checks)?;
    let tail = serde_json::to_vec(&tail)?;
    out.push(b',');
    out.extend_from_slice(tail.get(1..).unwrap_or_default());
    Ok(())
}

/// The checklist as `CheckJson` serialises it, byte for byte (a test compares the two),
/// without serde's per-field work: there are about ninety checks in every line, and their
/// keys and fixed words are written as they are instead of being escaped each time.
fn write_checks(out: &mut Vec<u8>, checks: &[CheckResult]) -> serde_json::Result<()> {
    out.push(b'[');
    for (i, c) in checks.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"id\":");
        serde_json::to_writer(&mut *out, &*c.id)?;
        // These are fixed lower-case words: nothing in them needs escaping.
        for (key, word) in [
            (&b",\"family\":\""[..], c.family.as_str()),
            (b"\",\"outcome\":\"", c.outcome.as_str()),
            (b"\",\"grade\":\"", c.grade.as_str()),
        ] {
            out.extend_from_slice(key);
            out.extend_from_slice(word.as_bytes());
        }
        out.extend_from_slice(b"\",\"title\":");
        serde_json::to_writer(&mut *out, &*c.title)?;
        out.extend_from_slice(b",\"summary\":");
        serde_json::to_writer(&mut *out, &c.summary)?;
        out.extend_from_slice(b",\"evidence\":");
        serde_json::to_writer(&mut *out, &c.evidence)?;
        out.extend_from_slice(if c.reassuring {
            b",\"reassuring\":true,\"weight\":"
        } else {
            b",\"reassuring\":false,\"weight\":"
        });
        serde_json::to_writer(&mut *out, &c.weight)?;
        out.extend_from_slice(b",\"lesson\":");
        match teaches(c).then(|| lesson_json(&c.id)).flatten() {
            Some(raw) => out.extend_from_slice(raw.get().as_bytes()),
            None => out.extend_from_slice(b"null"),
        }
        out.push(b'}');
    }
    out.push(b']');
    Ok(())
}

/// One input's JSON object: the fields before the checklist, the checklist, the fields
/// after it. `to_line` writes the checklist by hand between the other two (see
/// `write_checks`); `to_value` serialises the whole.
#[derive(Serialize)]
struct Doc<'a> {
    #[serde(flatten)]
    head: Head<'a>,
    checks: Vec<CheckJson<'a>>,
    #[serde(flatten)]
    tail: Tail<'a>,
}

#[derive(Serialize)]
struct Head<'a> {
    path: &'a str,
    verdict: Option<&'static str>,
    headline: Option<&'a str>,
    subject: Option<&'a str>,
    size_bytes: Option<usize>,
    from: Option<FromJson<'a>>,
    sender: Option<&'a Mailbox>,
    reply_to: &'a [Mailbox],
    return_path: Option<&'a Mailbox>,
    /// person | list | bulk | machine
    message_kind: Option<&'static str>,
    /// The report-type of a `multipart/report` message (a bounce, a read receipt…).
    report_type: Option<&'a str>,
    /// The message says a machine wrote it (Auto-Submitted, auto-reply headers).
    auto_submitted: Option<bool>,
    /// Who is proven to have sent the message (see `SenderFacts`).
    sender_facts: Option<&'a SenderFacts>,
    hops: Vec<HopJson<'a>>,
    boundary: Option<BoundaryJson<'a>>,
    connecting_ip: Option<&'a str>,
    anomalies: &'a [PathAnomaly],
    auth: Option<AuthJson<'a>>,
    reasons: &'a [String],
    /// How the grades of the evidence add up to the verdict.
    basis: Option<&'a str>,
    good_news: &'a [String],
}

#[derive(Serialize)]
struct Tail<'a> {
    links: &'a [Link],
    attachments: &'a [Attachment],
    filter: Option<&'a FilterVerdicts>,
    notes: Vec<NoteJson<'a>>,
    error: Option<ErrorJson<'a>>,
}

/// One note on how the message was read: a remark, or a limit it reached (what of it was
/// not examined).
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
enum NoteJson<'a> {
    Reading {
        text: &'a str,
    },
    Limit {
        what: &'static str,
        examined: u64,
        total: Option<u64>,
        text: String,
    },
}

fn notes(r: &Report) -> Vec<NoteJson<'_>> {
    let limits = r.limits.iter().map(|h| NoteJson::Limit {
        what: h.what.as_str(),
        examined: h.examined,
        total: h.total,
        text: h.text(),
    });
    let reading = r.notes.iter().map(|n| NoteJson::Reading { text: n });
    limits.chain(reading).collect()
}

impl<'a> Doc<'a> {
    fn from_report(path: &'a str, r: &'a Report) -> Doc<'a> {
        let (head, tail) = Doc::around_report(path, r);
        Doc {
            head,
            checks: r.checks.iter().map(CheckJson::from).collect(),
            tail,
        }
    }

    fn from_failure(path: &'a str, f: &'a Failure) -> Doc<'a> {
        let (head, tail) = Doc::around_failure(path, f);
        Doc {
            head,
            checks: Vec::new(),
            tail,
        }
    }

    /// The fields before and after the checklist.
    fn around(checked: &'a Checked) -> (Head<'a>, Tail<'a>) {
        match &checked.result {
            Ok(report) => Doc::around_report(&checked.path, report),
            Err(failure) => Doc::around_failure(&checked.path, failure),
        }
    }

    fn around_report(path: &'a str, r: &'a Report) -> (Head<'a>, Tail<'a>) {
        let from = r.identity.from.as_ref();
        (
            Head {
                path,
                verdict: Some(r.verdict.as_str()),
                headline: Some(&r.headline),
                subject: r.subject.as_deref(),
                size_bytes: Some(r.size_bytes),
                from: Some(FromJson {
                    display_name: from.and_then(|m| m.display_name.as_deref()),
                    address: from.and_then(|m| m.address.as_deref()),
                    domain: from.and_then(|m| m.domain.as_deref()),
                    org_domain: from.and_then(|m| m.org_domain.as_deref()),
                }),
                sender: r.identity.sender.as_ref(),
                reply_to: &r.identity.reply_to,
                return_path: r.identity.return_path.as_ref(),
                message_kind: Some(r.kind.as_str()),
                report_type: r.report_type.as_deref(),
                auto_submitted: Some(r.auto_submitted),
                sender_facts: Some(&r.sender),
                hops: r.path.hops.iter().map(HopJson::from).collect(),
                boundary: r.path.boundary.map(|hop| BoundaryJson {
                    hop,
                    header_index: r.path.boundary_header_index,
                    connecting_ip: r.path.connecting_ip.as_deref(),
                    connecting_host: r.path.connecting_host.as_deref(),
                    connecting_helo: r.path.connecting_helo.as_deref(),
                    receiver_domains: &r.path.receiver_domains,
                }),
                connecting_ip: r.path.connecting_ip.as_deref(),
                anomalies: &r.path.anomalies,
                auth: Some(AuthJson::from(r)),
                reasons: &r.reasons,
                basis: Some(&r.basis),
                good_news: &r.good_news,
            },
            Tail {
                links: &r.content.links,
                attachments: &r.attachments,
                filter: Some(&r.filter),
                notes: notes(r),
                error: None,
            },
        )
    }

    fn around_failure(path: &'a str, f: &'a Failure) -> (Head<'a>, Tail<'a>) {
        (
            Head {
                path,
                verdict: None,
                headline: None,
                subject: None,
                size_bytes: None,
                from: None,
                sender: None,
                reply_to: &[],
                return_path: None,
                message_kind: None,
                report_type: None,
                auto_submitted: None,
                sender_facts: None,
                hops: Vec::new(),
                boundary: None,
                connecting_ip: None,
                anomalies: &[],
                auth: None,
                reasons: &[],
                basis: None,
                good_news: &[],
            },
            Tail {
                links: &[],
                attachments: &[],
                filter: None,
                notes: Vec::new(),
                error: Some(ErrorJson {
                    kind: &f.kind,
                    message: &f.message,
                }),
            },
        )
    }
}

#[derive(Serialize)]
struct FromJson<'a> {
    display_name: Option<&'a str>,
    address: Option<&'a str>,
    domain: Option<&'a str>,
    org_domain: Option<&'a str>,
}

#[derive(Serialize)]
struct HopJson<'a> {
    index: usize,
    from_host: Option<&'a str>,
    from_ip: Option<&'a str>,
    from_rdns: Option<&'a str>,
    helo: Option<&'a str>,
    by_host: Option<&'a str>,
    protocol: Option<&'a str>,
    tls: Option<bool>,
    tls_version: Option<&'a str>,
    time: Option<&'a str>,
    delay_seconds: Option<i64>,
    trusted: bool,
    header_index: usize,
    /// The verified reverse-DNS name (same as `from_rdns`; kept under both names).
    rdns: Option<&'a str>,
    id: Option<&'a str>,
    #[serde(rename = "for")]
    for_addr: Option<&'a str>,
    via: Option<&'a str>,
    ident: Option<&'a str>,
    /// A login note such as "Authenticated sender: x", as written.
    auth_note: Option<&'a str>,
    /// Who runs the server that wrote the line ("Google", "Microsoft 365 / Outlook.com").
    operator: Option<&'a str>,
    /// Who runs the server it came from (verified name or address).
    from_operator: Option<&'a str>,
    /// The date as written, when it could not be read.
    unread_date: Option<&'a str>,
}

impl<'a> From<&'a Hop> for HopJson<'a> {
    fn from(h: &'a Hop) -> HopJson<'a> {
        HopJson {
            index: h.index,
            from_host: h.from_host.as_deref(),
            from_ip: h.from_ip.as_deref(),
            from_rdns: h.from_rdns.as_deref(),
            helo: h.helo.as_deref(),
            by_host: h.by_host.as_deref(),
            protocol: h.protocol.as_deref(),
            tls: h.tls,
            tls_version: h.tls_version.as_deref(),
            time: h.time.as_deref(),
            delay_seconds: h.delay_seconds,
            trusted: h.trusted,
            header_index: h.header_index,
            rdns: h.from_rdns.as_deref(),
            id: h.id.as_deref(),
            for_addr: h.for_addr.as_deref(),
            via: h.via.as_deref(),
            ident: h.ident.as_deref(),
            auth_note: h.auth_note.as_deref(),
            operator: h.operator.as_deref(),
            from_operator: h.from_operator.as_deref(),
            unread_date: h.unread_date.as_deref(),
        }
    }
}

#[derive(Serialize)]
struct BoundaryJson<'a> {
    /// Travel-order index of the first hop written by the recipient's own servers.
    hop: usize,
    header_index: Option<usize>,
    connecting_ip: Option<&'a str>,
    connecting_host: Option<&'a str>,
    connecting_helo: Option<&'a str>,
    receiver_domains: &'a [String],
}

#[derive(Serialize)]
struct AuthJson<'a> {
    spf: &'a AuthOutcome,
    dkim: &'a AuthOutcome,
    dmarc: &'a AuthOutcome,
    arc: &'a AuthOutcome,
    compauth: Option<&'a AuthOutcome>,
    recorded: RecordedJson<'a>,
    live: Option<&'a LiveAuth>,
    /// Every Authentication-Results and ARC-Authentication-Results header, with whether it is believed.
    results_headers: &'a [AuthResultsHeader],
    received_spf: &'a [ReceivedSpf],
    dkim_signatures: &'a [DkimSignatureInfo],
    arc_sets: usize,
}

#[derive(Serialize)]
struct RecordedJson<'a> {
    spf: Option<&'a AuthOutcome>,
    dkim: Option<&'a AuthOutcome>,
    dmarc: Option<&'a AuthOutcome>,
    arc: Option<&'a AuthOutcome>,
    dmarc_policy: Option<&'a str>,
}

impl<'a> From<&'a Report> for AuthJson<'a> {
    fn from(r: &'a Report) -> AuthJson<'a> {
        let a = &r.auth;
        AuthJson {
            spf: &a.spf,
            dkim: &a.dkim,
            dmarc: &a.dmarc,
            arc: &a.arc,
            compauth: a.compauth.as_ref(),
            recorded: RecordedJson {
                spf: a.recorded.spf.as_ref(),
                dkim: a.recorded.dkim.as_ref(),
                dmarc: a.recorded.dmarc.as_ref(),
                arc: a.recorded.arc.as_ref(),
                dmarc_policy: a.recorded.dmarc_policy.as_deref(),
            },
            live: a.live.as_ref(),
            results_headers: &a.results_headers,
            received_spf: &a.received_spf,
            dkim_signatures: &a.dkim_signatures,
            arc_sets: a.arc_sets,
        }
    }
}

#[derive(Serialize)]
struct CheckJson<'a> {
    id: &'a str,
    family: &'static str,
    outcome: &'static str,
    grade: &'static str,
    title: &'a str,
    summary: &'a str,
    evidence: &'a [Evidence],
    reassuring: bool,
    weight: i32,
    lesson: Option<&'static RawValue>,
}

#[derive(Serialize)]
struct LessonJson {
    plain: &'static str,
    why: &'static str,
    how_to_check: &'static str,
    what_to_do: &'static str,
    expert: &'static str,
    good_news: Option<&'static str>,
}

impl<'a> From<&'a CheckResult> for CheckJson<'a> {
    fn from(c: &'a CheckResult) -> CheckJson<'a> {
        CheckJson {
            id: &c.id,
            family: c.family.as_str(),
            outcome: c.outcome.as_str(),
            grade: c.grade.as_str(),
            title: &c.title,
            summary: &c.summary,
            evidence: &c.evidence,
            reassuring: c.reassuring,
            weight: c.weight,
            // Lessons are long; they go with the checks that say something about this
            // message (a warning, a failure, good news), which keeps a line readable.
            lesson: teaches(c).then(|| lesson_json(&c.id)).flatten(),
        }
    }
}

/// A check's lesson as JSON text. Lessons are the same for every message and the longest
/// part of a line, so each is written once per process and then copied as it is.
fn lesson_json(id: &str) -> Option<&'static RawValue> {
    static RENDERED: OnceLock<HashMap<&'static str, Box<RawValue>>> = OnceLock::new();
    RENDERED
        .get_or_init(|| {
            lessons::ids()
                .into_iter()
                .filter_map(|id| {
                    let l = lessons::lesson(id)?;
                    let json = serde_json::to_string(&LessonJson {
                        plain: &l.plain,
                        why: &l.why,
                        how_to_check: &l.how_to_check,
                        what_to_do: &l.what_to_do,
                        expert: &l.expert,
                        good_news: l.good_news.as_deref(),
                    })
                    .ok()?;
                    Some((id, RawValue::from_string(json).ok()?))
                })
                .collect()
        })
        .get(id)
        .map(|raw| &**raw)
}

fn teaches(c: &CheckResult) -> bool {
    matches!(c.outcome, Outcome::Warn | Outcome::Fail) || c.reassuring
}

#[derive(Serialize)]
struct ErrorJson<'a> {
    kind: &'a str,
    message: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{analyze, Options};
    use crate::report::Failure;

    /// `to_line` writes the checklist by hand; it must be what serde writes for `Doc`.
    #[test]
    fn the_line_is_the_serialised_object() {
        let samples: &[&[u8]] = &[
            include_bytes!("../../assets/samples/lookalike-login.eml"),
            include_bytes!("../../assets/samples/newsletter.eml"),
            include_bytes!("../../assets/samples/macro-invoice.eml"),
            include_bytes!("../../assets/samples/forged-auth-results.eml"),
            b"Subject: \"quoted\" \\ and \x01 control\r\nFrom: A <a@example.org>\r\n\r\nBody\tline \"x\"\r\n",
        ];
        for raw in samples {
            let checked = Checked {
                path: "dir/\"name\".eml".into(),
                group: 0,
                result: analyze(raw, &Options::default()).map_err(Into::into),
            };
            let line = to_line(&checked);
            let whole = serde_json::to_string(&doc(&checked)).expect("serialises");
            assert_eq!(line, whole);
            assert!(line.contains("\"checks\":[{\"id\":"), "{line}");
        }
        let failed = Checked {
            path: "x.eml".into(),
            group: 0,
            result: Err(Failure {
                kind: "not-email".into(),
                message: "no header block".into(),
            }),
        };
        assert_eq!(
            to_line(&failed),
            serde_json::to_string(&doc(&failed)).expect("serialises")
        );
    }
}
