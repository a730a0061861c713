//! A look inside PDF attachments without rendering them: the web links they carry and the
//! actions that run by themselves (JavaScript, launching a program, opening on load).
//!
//! PDFs keep most objects in compressed streams; those are inflated with hard limits on
//! their number and size, so a crafted file cannot make the scan slow or large. Names are
//! read with their `#xx` escapes decoded, so `/J#61vaScript` is still JavaScript.

use std::collections::HashSet;

use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;
use serde::{Deserialize, Serialize};

use crate::limits::{self, Budget, Limit};

/// Streams inflated per file, bytes per file, links kept per file (see `limits`).
const MAX_STREAMS: usize = limits::PDF_STREAMS;
const MAX_FILE_OUT: usize = limits::PDF_FILE_BYTES;
const MAX_LINKS: usize = limits::PDF_LINKS;
/// Characters kept of one link.
const MAX_LINK_CHARS: usize = 2048;

/// What a PDF holds that matters to the reader's safety.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PdfFindings {
    /// Web links (http, https, www.), in file order, without repeats.
    pub links: Vec<String>,
    /// JavaScript code (a /JavaScript or /JS entry).
    pub javascript: bool,
    /// An action that starts a program or opens a file (/Launch).
    pub launch: bool,
    /// Something runs as soon as the file opens (/OpenAction or /AA).
    pub open_action: bool,
    /// Files embedded in the PDF (/EmbeddedFile).
    pub embedded_files: bool,
    /// The file is encrypted: its strings (and so its links) cannot be read.
    pub encrypted: bool,
}

/// Scans the bytes of one PDF file. What it unpacks is taken from the message's `budget`,
/// and limits reached are recorded there.
pub fn scan(bytes: &[u8], budget: &mut Budget) -> PdfFindings {
    let mut found = PdfFindings::default();
    let mut more_links = HashSet::new();
    scan_chunk(bytes, &mut found, &mut more_links);
    let mut streams = 0;
    let mut skipped = 0;
    let mut total = 0usize;
    let mut cut = false;
    let mut at = 0;
    while let Some(pos) = find(bytes, b"stream", at) {
        at = pos + b"stream".len();
        // "endstream" also contains "stream"; only a stream keyword opens a stream.
        if bytes.get(pos.wrapping_sub(3)..pos) == Some(b"end") {
            continue;
        }
        let mut start = at;
        if bytes.get(start) == Some(&b'\r') {
            start += 1;
        }
        if bytes.get(start) != Some(&b'\n') {
            continue;
        }
        start += 1;
        let end = find(bytes, b"endstream", start).unwrap_or(bytes.len());
        at = end;
        let dict_start = pos.saturating_sub(512);
        let dict = bytes.get(dict_start..pos).unwrap_or_default();
        if !contains(dict, b"FlateDecode") && !contains(dict, b"/Fl") {
            continue;
        }
        if streams >= MAX_STREAMS {
            skipped += 1;
            continue;
        }
        if cut {
            continue;
        }
        let room = budget.take_unpacked(MAX_FILE_OUT - total);
        let data = bytes.get(start..end).unwrap_or_default();
        let (out, more) = inflate(data, room);
        budget.give_back(room - out.len());
        streams += 1;
        total += out.len();
        cut = more || room == 0;
        scan_chunk(&out, &mut found, &mut more_links);
    }
    if skipped > 0 {
        budget.hit(Limit::PdfStreams, streams, Some(streams + skipped));
    }
    if cut {
        budget.hit(Limit::Unpacked, total, None);
    }
    if !more_links.is_empty() {
        budget.hit(
            Limit::PdfLinks,
            found.links.len(),
            Some(found.links.len() + more_links.len()),
        );
    }
    if found.encrypted {
        // Strings of an encrypted file are ciphertext; what looked like a link is noise.
        found.links.retain(|l| l.is_ascii());
    }
    found
}

/// Inflates a zlib stream (or a raw deflate stream), stopping at `limit` bytes; true when
/// the stream holds more than that. A broken stream yields what could be read before the
/// break.
fn inflate(data: &[u8], limit: usize) -> (Vec<u8>, bool) {
    if limit == 0 {
        return (Vec::new(), !data.is_empty());
    }
    let zlib = data.len() >= 2
        && data[0] & 0x0F == 8
        && (u16::from(data[0]) << 8 | u16::from(data[1])) % 31 == 0;
    let mut flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF
        | inflate_flags::TINFL_FLAG_HAS_MORE_INPUT;
    if zlib {
        flags |= inflate_flags::TINFL_FLAG_PARSE_ZLIB_HEADER;
    }
    let mut state = DecompressorOxide::new();
    let mut out = vec![0u8; limit.min(64 * 1024)];
    let mut in_pos = 0;
    let mut out_pos = 0;
    let mut more = false;
    loop {
        let input = data.get(in_pos..).unwrap_or_default();
        let (status, read, written) = decompress(&mut state, input, &mut out, out_pos, flags);
        in_pos += read;
        out_pos += written;
        match status {
            TINFLStatus::HasMoreOutput => {
                if out.len() >= limit {
                    more = true;
                    break;
                }
                let grown = (out.len() * 2).min(limit);
                out.resize(grown, 0);
            }
            TINFLStatus::NeedsMoreInput if read == 0 && written == 0 => break,
            TINFLStatus::NeedsMoreInput => {
                if in_pos >= data.len() {
                    break;
                }
            }
            _ => break,
        }
    }
    out.truncate(out_pos);
    (out, more)
}

/// Reads the names and link strings of one piece of PDF syntax.
fn scan_chunk(bytes: &[u8], found: &mut PdfFindings, more_links: &mut HashSet<String>) {
    let mut i = 0;
    let mut name = Vec::with_capacity(72);
    while i < bytes.len() {
        // Names start with a slash; what lies between them is skipped at once.
        match memchr::memchr(b'/', bytes.get(i..).unwrap_or_default()) {
            Some(at) => i += at,
            None => break,
        }
        i = read_name(bytes, i + 1, &mut name);
        match name.as_slice() {
            b"JavaScript" | b"JS" => found.javascript = true,
            b"Launch" => found.launch = true,
            b"OpenAction" | b"AA" => found.open_action = true,
            b"EmbeddedFile" | b"EmbeddedFiles" => found.embedded_files = true,
            b"Encrypt" => found.encrypted = true,
            b"URI" => {
                let (value, next) = read_string(bytes, i);
                i = next;
                if let Some(link) = value.and_then(|v| web_link(&v)) {
                    if found.links.len() < MAX_LINKS && !found.links.contains(&link) {
                        found.links.push(link);
                    } else if !found.links.contains(&link) {
                        more_links.insert(link);
                    }
                }
            }
            _ => {}
        }
    }
}

fn is_delimiter(b: u8) -> bool {
    b.is_ascii_whitespace()
        || matches!(
            b,
            b'/' | b'[' | b']' | b'<' | b'>' | b'(' | b')' | b'{' | b'}' | b'%' | 0
        )
}

/// A name's characters after the slash, `#xx` escapes decoded, into `name`; returns
/// where it ends.
fn read_name(bytes: &[u8], mut i: usize, name: &mut Vec<u8>) -> usize {
    name.clear();
    while let Some(&b) = bytes.get(i) {
        if is_delimiter(b) || name.len() > 64 {
            break;
        }
        if b == b'#' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                name.push(v);
                i += 3;
                continue;
            }
        }
        name.push(b);
        i += 1;
    }
    i
}

/// A string object starting at or after `i` (after white space): `(literal)` or `<hex>`.
fn read_string(bytes: &[u8], mut i: usize) -> (Option<Vec<u8>>, usize) {
    while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    match bytes.get(i) {
        Some(b'(') => read_literal(bytes, i + 1),
        Some(b'<') if bytes.get(i + 1) != Some(&b'<') => read_hex(bytes, i + 1),
        _ => (None, i),
    }
}

fn read_literal(bytes: &[u8], mut i: usize) -> (Option<Vec<u8>>, usize) {
    let mut out = Vec::new();
    let mut depth = 0usize;
    while let Some(&b) = bytes.get(i) {
        i += 1;
        match b {
            b'\\' => {
                let Some(&e) = bytes.get(i) else { break };
                i += 1;
                match e {
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'b' | b'f' => {}
                    b'\r' | b'\n' => {}
                    b'0'..=b'7' => {
                        let mut v = u32::from(e - b'0');
                        for _ in 0..2 {
                            match bytes.get(i) {
                                Some(&d @ b'0'..=b'7') => {
                                    v = v * 8 + u32::from(d - b'0');
                                    i += 1;
                                }
                                _ => break,
                            }
                        }
                        out.push((v & 0xFF) as u8);
                    }
                    other => out.push(other),
                }
            }
            b'(' => {
                depth += 1;
                out.push(b);
            }
            b')' if depth == 0 => return (Some(out), i),
            b')' => {
                depth -= 1;
                out.push(b);
            }
            _ => out.push(b),
        }
        if out.len() > MAX_LINK_CHARS {
            break;
        }
    }
    (Some(out), i)
}

fn read_hex(bytes: &[u8], mut i: usize) -> (Option<Vec<u8>>, usize) {
    let mut digits = Vec::new();
    while let Some(&b) = bytes.get(i) {
        i += 1;
        if b == b'>' {
            break;
        }
        if b.is_ascii_hexdigit() && digits.len() < MAX_LINK_CHARS * 2 {
            digits.push(b);
        }
    }
    if digits.len() % 2 == 1 {
        digits.push(b'0');
    }
    let out = digits
        .chunks(2)
        .filter_map(|p| std::str::from_utf8(p).ok())
        .filter_map(|h| u8::from_str_radix(h, 16).ok())
        .collect();
    (Some(out), i)
}

/// The string as a web link, if it is one.
fn web_link(raw: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(raw);
    let text = text.trim_matches(|c: char| c.is_whitespace() || c == '\0');
    let lower = text.to_ascii_lowercase();
    let web =
        lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("www.");
    if !web || text.chars().any(char::is_control) {
        return None;
    }
    Some(text.chars().take(MAX_LINK_CHARS).collect())
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    find(hay, needle, 0).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use miniz_oxide::deflate::compress_to_vec_zlib;

    #[test]
    fn plain_link_annotation_is_read() {
        let pdf = b"%PDF-1.4\n1 0 obj << /Type /Annot /Subtype /Link /A << /S /URI /URI (https://evil.example/login\\051) >> >> endobj\n%%EOF";
        let f = scan(pdf, &mut Budget::new());
        assert_eq!(f.links, vec!["https://evil.example/login)".to_string()]);
        assert!(!f.javascript && !f.launch);
    }

    #[test]
    fn links_and_actions_inside_compressed_streams_are_read() {
        let inner = b"<< /OpenAction << /S /J#61vaScript /JS (app.alert(1)) >> /A << /S /URI /URI <68747470733a2f2f782e6578616d706c652f> >> >>";
        let packed = compress_to_vec_zlib(inner, 6);
        let mut pdf = b"%PDF-1.7\n2 0 obj << /Length 99 /Filter /FlateDecode >>\nstream\n".to_vec();
        pdf.extend_from_slice(&packed);
        pdf.extend_from_slice(b"\nendstream\nendobj\n%%EOF");
        let f = scan(&pdf, &mut Budget::new());
        assert_eq!(f.links, vec!["https://x.example/".to_string()]);
        assert!(f.javascript && f.open_action);
    }

    #[test]
    fn launch_and_embedded_files_are_noticed() {
        let f = scan(
            b"%PDF-1.4 << /S /Launch /F (cmd.exe) >> << /Type /EmbeddedFile >>",
            &mut Budget::new(),
        );
        assert!(f.launch && f.embedded_files);
    }

    #[test]
    fn mail_and_phone_links_are_not_web_links() {
        let f = scan(
            b"%PDF-1.4 << /URI (mailto:a@b.example) >> << /URI (tel:123) >>",
            &mut Budget::new(),
        );
        assert!(f.links.is_empty());
    }

    #[test]
    fn a_compression_bomb_stays_bounded() {
        let zeros = vec![0u8; 40 * 1024 * 1024];
        let packed = compress_to_vec_zlib(&zeros, 9);
        let mut pdf = b"%PDF-1.4\n<< /Filter /FlateDecode >>\nstream\n".to_vec();
        pdf.extend_from_slice(&packed);
        pdf.extend_from_slice(b"\nendstream\n");
        let mut budget = Budget::new();
        let f = scan(&pdf, &mut budget);
        assert!(f.links.is_empty());
        let hits = budget.into_hits();
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].what, Limit::Unpacked);
        assert_eq!(hits[0].examined, MAX_FILE_OUT as u64);
    }

    #[test]
    fn many_pdfs_share_one_unpacking_budget() {
        let zeros = vec![0u8; MAX_FILE_OUT];
        let packed = compress_to_vec_zlib(&zeros, 9);
        let mut pdf = b"%PDF-1.4\n<< /Filter /FlateDecode >>\nstream\n".to_vec();
        pdf.extend_from_slice(&packed);
        pdf.extend_from_slice(b"\nendstream\n");
        let mut budget = Budget::new();
        let files = limits::UNPACKED_BYTES / MAX_FILE_OUT + 3;
        for _ in 0..files {
            scan(&pdf, &mut budget);
        }
        assert_eq!(budget.take_unpacked(1), 0, "the message's budget is spent");
        let hits = budget.into_hits();
        assert_eq!(hits[0].what, Limit::Unpacked);
        assert_eq!(hits[0].examined, 0, "files past the budget unpack nothing");
    }

    #[test]
    fn links_beyond_the_kept_ones_are_counted() {
        let mut pdf = b"%PDF-1.4\n".to_vec();
        for i in 0..MAX_LINKS + 5 {
            pdf.extend_from_slice(format!("<< /URI (https://site{i}.example/) >>\n").as_bytes());
        }
        let mut budget = Budget::new();
        let f = scan(&pdf, &mut budget);
        assert_eq!(f.links.len(), MAX_LINKS);
        let hits = budget.into_hits();
        assert_eq!(hits[0].what, Limit::PdfLinks);
        assert_eq!(hits[0].total, Some((MAX_LINKS + 5) as u64));
    }

    #[test]
    fn garbage_never_panics() {
        for junk in [
            &b"%PDF-1.4 /URI ("[..],
            b"%PDF /URI <4",
            b"stream\nendstream",
            b"%PDF << /Filter /FlateDecode >>\nstream\n\x78\x9c\xff\xff",
            b"/#zz/#4",
        ] {
            let _ = scan(junk, &mut Budget::new());
        }
    }
}
