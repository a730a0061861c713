//! The raw header block: every field with its position, unfolded but not decoded.

use mail_parser::Message;

use super::types::RawHeader;

/// Largest header value kept verbatim; longer ones are cut (and marked).
const MAX_VALUE: usize = 16 * 1024;

/// Lists the top-level header fields in order, with raw values.
pub fn collect(msg: &Message, raw: &[u8]) -> Vec<RawHeader> {
    msg.headers()
        .iter()
        .enumerate()
        .map(|(index, h)| {
            let start = h.offset_start as usize;
            let end = (h.offset_end as usize).min(raw.len());
            let bytes = raw.get(start.min(end)..end).unwrap_or_default();
            RawHeader {
                index,
                name: h.name.as_str().to_string(),
                value: unfold(bytes),
            }
        })
        .collect()
}

/// Joins folded lines and trims; invalid UTF-8 is replaced, so 8-bit headers stay readable.
/// Runs of CR, LF, tab and space become one space; past `MAX_VALUE` bytes the value ends
/// in " […]".
pub fn unfold(bytes: &[u8]) -> String {
    let text = super::text::lossy(bytes);
    let mut rest: &str = &text;
    let mut out = String::with_capacity(rest.len().min(MAX_VALUE + 8));
    let mut last_space = false;
    let is_fold = |b: u8| matches!(b, b'\r' | b'\n' | b'\t' | b' ');
    while let Some(&first) = rest.as_bytes().first() {
        if out.len() >= MAX_VALUE {
            out.push_str(" […]");
            break;
        }
        if is_fold(first) {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
            rest = rest.get(1..).unwrap_or("");
            continue;
        }
        // A run of other characters is copied whole, up to the first character that
        // reaches the cap.
        let run = rest.bytes().position(is_fold).unwrap_or(rest.len());
        let room = MAX_VALUE - out.len();
        let mut take = run.min(room);
        while !rest.is_char_boundary(take) {
            take += 1;
        }
        out.push_str(rest.get(..take).unwrap_or(""));
        rest = rest.get(take..).unwrap_or("");
        last_space = false;
    }
    let trimmed = out.trim();
    if trimmed.len() == out.len() {
        out
    } else {
        trimmed.to_string()
    }
}

/// Header fields named `name` (case-insensitive), top first.
pub fn named<'a>(
    headers: &'a [RawHeader],
    name: &'a str,
) -> impl Iterator<Item = &'a RawHeader> + 'a {
    headers
        .iter()
        .filter(move |h| h.name.eq_ignore_ascii_case(name))
}

/// The first header field named `name`.
pub fn first<'a>(headers: &'a [RawHeader], name: &str) -> Option<&'a RawHeader> {
    headers.iter().find(|h| h.name.eq_ignore_ascii_case(name))
}
