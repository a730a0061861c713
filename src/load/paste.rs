//! Text pasted from a mail program's "show original" view, repaired into message bytes.
//!
//! Copying through a browser or a text view changes a message in small ways: line
//! endings mix, the final newline goes, indentation becomes non-breaking spaces, and some
//! views put a summary or a title line above the real headers.

/// Lines some programs put above the headers they show (Outlook 2007–2013's "Internet headers").
const TITLE_LINES: &[&str] = &["Microsoft Mail Internet Headers Version 2.0"];
/// Gmail's "Show original" page ends its summary table with these buttons.
const GMAIL_SUMMARY_END: &[&str] = &["Download original", "Copy to clipboard"];

/// Turns pasted text into message bytes: CRLF line endings, a final newline, ordinary
/// spaces for non-breaking ones in the headers, and no summary or title above them.
pub fn repair(text: &str) -> Vec<u8> {
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = split_lines(text);
    let mut start = lines.iter().position(|l| !l.trim().is_empty()).unwrap_or(0);
    if let Some(end) = lines.iter().position(|l| {
        GMAIL_SUMMARY_END.iter().any(|m| {
            l.trim().eq_ignore_ascii_case(m)
                || l.split('\t').any(|c| c.trim().eq_ignore_ascii_case(m))
        })
    }) {
        if let Some(first) = lines
            .iter()
            .skip(end + 1)
            .position(|l| !l.trim().is_empty())
        {
            start = end + 1 + first;
        }
    }
    if lines
        .get(start)
        .is_some_and(|l| TITLE_LINES.iter().any(|t| l.trim() == *t))
    {
        start += 1;
    }
    let mut out = String::with_capacity(text.len() + lines.len());
    let mut in_headers = true;
    for line in lines.drain(..).skip(start) {
        if in_headers && line.trim_matches(['\u{a0}', ' ', '\t']).is_empty() {
            in_headers = out.is_empty();
            if in_headers {
                continue;
            }
            out.push_str("\r\n");
            continue;
        }
        if in_headers {
            let fixed: String = line
                .chars()
                .map(|c| match c {
                    '\u{a0}' | '\u{2007}' | '\u{202f}' => ' ',
                    c => c,
                })
                .collect();
            out.push_str(fixed.trim_end());
        } else {
            out.push_str(&line);
        }
        out.push_str("\r\n");
    }
    if in_headers {
        // Headers alone (Outlook's "Message details"): end the header block.
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// Splits on LF, CRLF or a lone CR.
fn split_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                lines.push(std::mem::take(&mut cur));
            }
            '\n' => lines.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixed_line_endings_and_a_missing_final_newline_are_repaired() {
        let out = repair("From: a@example.com\r\nSubject: hi\n\nbody\rmore");
        assert_eq!(
            out,
            b"From: a@example.com\r\nSubject: hi\r\n\r\nbody\r\nmore\r\n"
        );
    }

    #[test]
    fn non_breaking_spaces_in_headers_become_spaces() {
        let out =
            repair("Received: from a\n\u{a0}\u{a0}by b\nFrom:\u{a0}a@example.com\n\nx\u{a0}y\n");
        let s = String::from_utf8(out).unwrap();
        assert!(
            s.starts_with("Received: from a\r\n  by b\r\nFrom: a@example.com\r\n\r\n"),
            "{s}"
        );
        assert!(s.contains("x\u{a0}y"), "the body is left alone: {s}");
    }

    #[test]
    fn the_gmail_summary_above_the_original_is_dropped() {
        let page = "Original message\nMessage ID\t<1@x>\nFrom:\tBank <a@bank.example>\nSPF:\tPASS with IP 1.2.3.4\nDownload original\tCopy to clipboard\n\nDelivered-To: me@example.com\nFrom: real@example.net\nSubject: s\n\nbody";
        let s = String::from_utf8(repair(page)).unwrap();
        assert!(s.starts_with("Delivered-To: me@example.com\r\n"), "{s}");
    }

    #[test]
    fn headers_alone_get_an_end_of_headers() {
        let s = String::from_utf8(repair("\n\nMicrosoft Mail Internet Headers Version 2.0\nReceived: from a\nFrom: a@example.com")).unwrap();
        assert_eq!(s, "Received: from a\r\nFrom: a@example.com\r\n\r\n");
    }
}
