//! Text helpers shared by the extractors, the checks and the views.

/// Cuts `s` to at most `max` characters, marking the cut.
pub fn clip(s: &str, max: usize) -> String {
    if s.len() <= max || s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max).collect();
    out.push('…');
    out
}

/// `bytes` as text, invalid UTF-8 replaced; valid text (nearly all of it) is not copied.
pub fn lossy(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// A sentence continued after a colon ("Do not trust this message from X: the sender's
/// domain…"): its first letter goes to lower case only when its first word is an ordinary
/// word that opens sentences; a name keeps its capital ("Microsoft's filter…", "Elon:").
pub fn continue_sentence(s: &str) -> String {
    const ORDINARY: &[&str] = &[
        "a",
        "all",
        "an",
        "another",
        "any",
        "each",
        "every",
        "it",
        "its",
        "no",
        "nobody",
        "none",
        "nothing",
        "one",
        "several",
        "some",
        "someone",
        "something",
        "that",
        "the",
        "their",
        "there",
        "these",
        "this",
        "those",
        "two",
        "you",
        "your",
    ];
    let first = s
        .split(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or_default();
    if ORDINARY.iter().any(|w| w.eq_ignore_ascii_case(first)) {
        lower_first(s)
    } else {
        s.to_string()
    }
}

/// The text with its first letter in lower case, to continue a sentence with it.
pub fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_continued_sentence_keeps_a_name_capital() {
        assert_eq!(
            continue_sentence("The sender's domain says no"),
            "the sender's domain says no"
        );
        assert_eq!(
            continue_sentence("Your reply goes elsewhere"),
            "your reply goes elsewhere"
        );
        assert_eq!(
            continue_sentence("Microsoft's filter rated this as spam"),
            "Microsoft's filter rated this as spam"
        );
        assert_eq!(continue_sentence("SPF failed"), "SPF failed");
        assert_eq!(continue_sentence(""), "");
    }
}
