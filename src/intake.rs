//! Found messages → analysed entries: each message analysed, and every message attached to
//! it analysed as an entry of its own, linked to its carrier. Shared by `check` and the GUI.

use std::sync::Arc;

use crate::analysis::{self, Options, Report};
use crate::limits::{Limit, LimitHit};
use crate::load::{attached, msg, Found, LoadError, Origin};

/// Messages attached to attached messages are opened this many levels deep, no deeper
/// (see `limits`).
pub const MAX_ATTACHED_DEPTH: usize = crate::limits::NESTING;

/// A carrier whose own text is at most this long is "a short forward" (the attachment is
/// the point of it).
const SHORT_FORWARD_CHARS: usize = 1_500;

/// One analysed message of an input.
#[derive(Debug)]
pub struct Analysed {
    /// Added to the input's name: `#2` for an mbox's second message, `#attached-1` for the
    /// first message attached to it.
    pub suffix: String,
    /// For an attached message: its file name or subject.
    pub attached_name: Option<String>,
    /// The bytes analysed, for live re-checks; None when live checks would mislead (a
    /// message rebuilt from a `.msg` is not the signed original).
    pub raw: Option<Arc<[u8]>>,
    pub result: Result<Report, LoadError>,
    /// Index (in the same list) of the message this one was attached to.
    pub carrier: Option<usize>,
}

impl Analysed {
    /// Whether this attached message should open before its carrier: the carrier is a short
    /// forward from the recipient's own organisation, so the attachment is what was reported.
    pub fn opens_first(&self, list: &[Analysed], own_domains: &[String]) -> bool {
        let Some(carrier) = self.carrier.and_then(|i| list.get(i)) else {
            return false;
        };
        let Ok(c) = &carrier.result else {
            // A carrier that could not be read (a draft .msg) has nothing to show first.
            return true;
        };
        c.content.text.trim().chars().count() <= SHORT_FORWARD_CHARS
            && from_own_side(c, own_domains)
    }
}

/// Whether the carrier's sender is in the recipient's own organisation (or one of the
/// organisation's declared domains), judged from the report's facts.
fn from_own_side(r: &Report, own_domains: &[String]) -> bool {
    let Some(from) = r
        .identity
        .from
        .as_ref()
        .and_then(|f| f.org_domain.as_deref())
    else {
        return false;
    };
    let recipient_domain = r
        .identity
        .envelope_recipient
        .as_deref()
        .and_then(|a| a.rsplit_once('@'))
        .map(|(_, d)| d.to_ascii_lowercase());
    let same = |d: &str| d == from || d.ends_with(&format!(".{from}"));
    recipient_domain.as_deref().is_some_and(same) || own_domains.iter().any(|d| same(d))
}

/// Analyses one found message and the messages attached to it.
pub fn analyse(found: Found, opts: &Options) -> Vec<Analysed> {
    let mut out = Vec::new();
    let bytes = match found.bytes {
        Ok(b) => b,
        Err(e) => {
            out.push(Analysed {
                suffix: found.suffix,
                attached_name: None,
                raw: None,
                result: Err(e),
                carrier: None,
            });
            return out;
        }
    };
    add(
        &mut out,
        Item {
            suffix: found.suffix,
            attached_name: None,
            bytes,
            origin: found.origin,
            notes: found.notes,
            limits: found.limits,
            carrier: None,
            depth: 0,
        },
        opts,
    );
    out
}

struct Item {
    suffix: String,
    attached_name: Option<String>,
    bytes: Vec<u8>,
    origin: Origin,
    notes: Vec<String>,
    limits: Vec<LimitHit>,
    carrier: Option<usize>,
    depth: usize,
}

fn add(out: &mut Vec<Analysed>, item: Item, opts: &Options) {
    let index = out.len();
    let mut result = match item.origin {
        Origin::Outlook {
            transport_headers: false,
        } => Err(LoadError::NoTransportHeaders),
        _ => analysis::analyze(&item.bytes, opts),
    };
    let rebuilt = matches!(item.origin, Origin::Outlook { .. });
    if let Ok(report) = &mut result {
        if rebuilt {
            report.notes.push(msg::REBUILT_NOTE.into());
        }
        report.notes.extend(item.notes);
        if let Some(carrier) = item.carrier.and_then(|i| out.get(i)) {
            report.notes.push(carried_note(carrier));
        }
    }
    let attached::AttachedMessages {
        messages: found,
        beyond,
    } = attached::find(&item.bytes, opts.max_size);
    let too_deep = !found.is_empty() && item.depth + 1 > MAX_ATTACHED_DEPTH;
    if let Ok(report) = &mut result {
        // Attached messages that will not be checked as entries of their own are a part of
        // this message nobody examines: its report says so, and its verdict weighs it.
        let mut reached = !item.limits.is_empty();
        report.limits.extend(item.limits);
        if beyond > 0 {
            report.limits.push(LimitHit::new(
                Limit::AttachedMessages,
                found.len(),
                Some(found.len() + beyond),
            ));
            reached = true;
        }
        if too_deep && !report.limits.iter().any(|h| h.what == Limit::Nesting) {
            report
                .limits
                .push(LimitHit::new(Limit::Nesting, 0, Some(found.len() + beyond)));
            reached = true;
        }
        if reached {
            analysis::finish(report, opts);
        }
    }
    let raw = (!rebuilt).then(|| Arc::<[u8]>::from(item.bytes));
    out.push(Analysed {
        suffix: item.suffix.clone(),
        attached_name: item.attached_name,
        raw,
        result,
        carrier: item.carrier,
    });
    if found.is_empty() {
        return;
    }
    if let Some(Ok(report)) = out.get_mut(index).map(|a| &mut a.result) {
        if !too_deep {
            report.notes.push(format!(
                "It carries {} attached message(s), each checked as an entry of its own",
                found.len()
            ));
        }
    }
    for (n, a) in found.into_iter().enumerate() {
        let suffix = if item.suffix.is_empty() {
            format!("#attached-{}", n + 1)
        } else {
            format!("{}/attached-{}", item.suffix, n + 1)
        };
        if item.depth + 1 > MAX_ATTACHED_DEPTH {
            out.push(Analysed {
                suffix,
                attached_name: Some(a.name),
                raw: None,
                result: Err(LoadError::TooDeep {
                    depth: MAX_ATTACHED_DEPTH,
                }),
                carrier: Some(index),
            });
            continue;
        }
        match a.bytes {
            Ok(bytes) => add(
                out,
                Item {
                    suffix,
                    attached_name: Some(a.name),
                    bytes,
                    origin: a.origin,
                    notes: Vec::new(),
                    limits: a.limits,
                    carrier: Some(index),
                    depth: item.depth + 1,
                },
                opts,
            ),
            Err(e) => out.push(Analysed {
                suffix,
                attached_name: Some(a.name),
                raw: None,
                result: Err(e),
                carrier: Some(index),
            }),
        }
    }
}

/// "Reported by colleague@example.org as an attachment to "Fwd: …"".
fn carried_note(carrier: &Analysed) -> String {
    let Ok(c) = &carrier.result else {
        return "This message was attached to another message, which could not be read".into();
    };
    let who = c
        .identity
        .from
        .as_ref()
        .and_then(|f| f.address.clone())
        .unwrap_or_else(|| "an unknown sender".into());
    match c.subject.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => format!(
            "Reported by {who} as an attachment to \"{s}\": this is the attached message, checked on its own"
        ),
        None => format!(
            "Reported by {who} as an attachment: this is the attached message, checked on its own"
        ),
    }
}
