//! Small helpers shared by checks: clipping, evidence from cue hits and headers.

use super::cues::{self, Doc, Hit};
use super::finding::Finding;
pub use crate::analysis::text::clip;
use crate::analysis::types::{Location, MessageKind, Report};

/// Adds up to `max` distinct excerpts around cue hits as evidence.
pub fn evidence(mut f: Finding, r: &Report, doc: &Doc, hits: &[Hit], max: usize) -> Finding {
    let mut shown: Vec<String> = Vec::new();
    for h in hits {
        if shown.len() >= max {
            break;
        }
        let text = doc.excerpt(h);
        if text.is_empty() || shown.contains(&text) {
            continue;
        }
        f = f.with(cues::location(r, h), text.clone());
        shown.push(text);
    }
    f
}

/// The matched words themselves, quoted, for summaries.
pub fn quoted(doc: &Doc, hits: &[Hit], max: usize) -> String {
    let mut words: Vec<String> = Vec::new();
    for h in hits {
        let src = match h.source {
            cues::Source::Subject => doc.subject,
            cues::Source::Body => doc.body,
        };
        let w = src
            .get(h.start..h.end)
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let w = format!("\u{201c}{}\u{201d}", clip(&w, 60));
        if !words.contains(&w) {
            words.push(w);
        }
        if words.len() >= max {
            break;
        }
    }
    words.join(", ")
}

/// Whether the message has any text (body or subject) to read.
pub fn has_text(r: &Report) -> bool {
    !r.content.text.trim().is_empty() || r.subject.as_deref().is_some_and(|s| !s.trim().is_empty())
}

/// Letters and digits only, lowercased: "Tailspin Toys" → "tailspintoys".
pub fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// An automatic delivery report with nothing to click or fill in: its words about full
/// mailboxes or failed deliveries describe another server's answer, and ask nothing of the
/// reader. A fake bounce comes with the button or link it wants pressed.
pub fn report_without_ask(r: &Report) -> bool {
    r.kind == MessageKind::Machine && r.content.links.is_empty() && r.content.forms == 0
}

/// Evidence from the first header called `name`, or a note naming it when it is absent.
pub fn header_evidence(f: Finding, r: &Report, name: &str) -> Finding {
    match r.headers.iter().find(|h| h.name.eq_ignore_ascii_case(name)) {
        Some(h) => f.with_header(r, h.index),
        None => f.with(Location::Message, name.to_string()),
    }
}
