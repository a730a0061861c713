//! Text, JSON and summary renderings of a `Report`.
//!
//! All three draw the same `Report`; none of them parses mail. Whatever comes from the
//! message is hostile until shown otherwise, so text output goes through [`clean`] first.

pub mod incident;
pub mod json;
pub mod summary;
pub mod text;

use std::borrow::Cow;

use crate::analysis::{Report, Verdict};
use crate::load::LoadError;

/// One input of a run and what became of it: a report, or the reason there is none.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The input as the person named it (a file path, or `-` for standard input).
    pub path: String,
    /// Index of the command-line argument the input came from (groups folders in summaries).
    pub group: usize,
    pub result: Result<Report, Failure>,
}

/// Why an input has no report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Short machine name: a `LoadError` kind, or `internal` when analysis itself broke.
    pub kind: String,
    /// A sentence a person can read.
    pub message: String,
}

impl Failure {
    /// A failure of mailsleuth itself (a caught panic), not of the input.
    pub fn internal(detail: &str) -> Failure {
        Failure {
            kind: "internal".into(),
            message: format!(
                "mailsleuth stopped on an internal error while analysing this message ({detail}). This is a bug in mailsleuth, not a sign about the message; please report it."
            ),
        }
    }
}

impl From<LoadError> for Failure {
    fn from(e: LoadError) -> Failure {
        Failure {
            kind: e.kind().into(),
            message: e.to_string(),
        }
    }
}

/// The heading over a verdict's reasons. On an `ok` verdict they did not tip the balance,
/// and calling them "why" under a green "looks fine" would contradict it.
pub fn reasons_heading(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Ok => "Also noticed (not enough to worry about on its own)",
        Verdict::Caution | Verdict::Danger => "Why",
    }
}

/// Makes message-derived text safe for a terminal: control characters (which could carry
/// terminal escape sequences), and invisible or direction-changing characters (which can
/// disguise a name such as `invoice\u{202E}fdp.exe`) become visible escapes.
pub fn clean(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\t' => out.push(' '),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x100 && c.is_control() => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if needs_escape(c) => out.push_str(&format!("<U+{:04X}>", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_escapes_terminal_sequences() {
        assert_eq!(clean("a\u{1b}[31mred"), "a\\x1b[31mred");
        assert_eq!(clean("bell\u{7}"), "bell\\x07");
        assert_eq!(clean("c1\u{9b}2J"), "c1\\x9b2J");
    }

    #[test]
    fn clean_shows_direction_overrides() {
        assert_eq!(clean("invoice\u{202E}fdp.exe"), "invoice<U+202E>fdp.exe");
        assert_eq!(clean("pay\u{200B}pal"), "pay<U+200B>pal");
    }

    #[test]
    fn clean_keeps_ordinary_text_borrowed() {
        assert!(matches!(clean("Grüße, 你好"), Cow::Borrowed(_)));
    }
}
