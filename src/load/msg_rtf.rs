//! Outlook's compressed RTF (MS-OXRTFCP) and the HTML an RTF body wraps (MS-OXRTFEX).
//!
//! Outlook often keeps an HTML message only as RTF with the HTML encapsulated in it
//! (`\fromhtml1`); the HTML is what the links and text checks need.

/// The dictionary every compressed RTF stream starts with (MS-OXRTFCP 2.1.2.1).
const PREBUF: &[u8] = b"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern \\fscript \\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx";
/// Decompressed RTF is not allowed to grow past this (the header's size is only a claim).
const MAX_RTF: usize = 32 * 1024 * 1024;

/// Decompresses a `PR_RTF_COMPRESSED` stream; None when it is not one.
pub fn decompress(data: &[u8]) -> Option<Vec<u8>> {
    let word = |at: usize| -> Option<u32> {
        Some(u32::from_le_bytes(data.get(at..at + 4)?.try_into().ok()?))
    };
    let comp_size = word(0)? as usize;
    let raw_size = (word(4)? as usize).min(MAX_RTF);
    let kind = word(8)?;
    let body = data.get(16..(comp_size + 4).min(data.len()).max(16))?;
    match kind {
        0x414C_454D => return Some(body.get(..raw_size.min(body.len()))?.to_vec()), // "MELA": stored
        0x7546_5A4C => {}                                                           // "LZFu"
        _ => return None,
    }
    let mut dict = [0u8; 4096];
    dict.get_mut(..PREBUF.len())?.copy_from_slice(PREBUF);
    let mut write = PREBUF.len();
    let mut out = Vec::with_capacity(raw_size.min(1024 * 1024));
    let mut i = 0;
    'outer: while i < body.len() {
        let control = *body.get(i)?;
        i += 1;
        for bit in 0..8 {
            if i >= body.len() || out.len() >= MAX_RTF {
                break 'outer;
            }
            if control & (1 << bit) == 0 {
                let b = *body.get(i)?;
                i += 1;
                out.push(b);
                *dict.get_mut(write)? = b;
                write = (write + 1) % 4096;
            } else {
                let hi = usize::from(*body.get(i)?);
                let lo = usize::from(*body.get(i + 1)?);
                i += 2;
                let offset = (hi << 4) | (lo >> 4);
                let len = (lo & 0x0F) + 2;
                if offset == write {
                    break 'outer;
                }
                for k in 0..len {
                    let b = *dict.get((offset + k) % 4096)?;
                    out.push(b);
                    *dict.get_mut(write)? = b;
                    write = (write + 1) % 4096;
                }
            }
        }
    }
    Some(out)
}

/// The HTML inside an RTF body written by Outlook from HTML (`\fromhtml1`); None for RTF
/// that did not start as HTML.
pub fn html_from_rtf(rtf: &[u8]) -> Option<String> {
    let head = rtf.get(..rtf.len().min(1024))?;
    if !head.windows(10).any(|w| w == b"\\fromhtml1") {
        return None;
    }
    let mut out: Vec<u8> = Vec::new();
    // Per group: whether its text is HTML (inside \*\htmltag), skipped, or RTF-only (\htmlrtf).
    let mut stack: Vec<(bool, bool)> = vec![(false, false)];
    let mut htmlrtf = false;
    let mut i = 0;
    while let Some(&c) = rtf.get(i) {
        let (in_tag, skip) = stack.last().copied().unwrap_or((false, false));
        match c {
            b'{' => {
                stack.push((in_tag, skip));
                i += 1;
                if stack.len() > 256 {
                    return None;
                }
            }
            b'}' => {
                if stack.len() > 1 {
                    stack.pop();
                }
                i += 1;
            }
            b'\\' => {
                let Some(&n) = rtf.get(i + 1) else { break };
                if n == b'\'' {
                    let hex = rtf
                        .get(i + 2..i + 4)
                        .and_then(|h| std::str::from_utf8(h).ok());
                    if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                        if !skip && (in_tag || !htmlrtf) {
                            out.push(b);
                        }
                    }
                    i += 4;
                    continue;
                }
                if !n.is_ascii_alphabetic() {
                    // \{ \} \\ are literal; \* marks a destination to skip unless it is htmltag.
                    if n == b'*' {
                        let rest = rtf.get(i + 2..).unwrap_or_default();
                        let rest = rest.strip_prefix(b" ").unwrap_or(rest);
                        let tag = rest.starts_with(b"\\htmltag");
                        if let Some(top) = stack.last_mut() {
                            *top = if tag { (true, false) } else { (false, true) };
                        }
                    } else if !skip && (in_tag || !htmlrtf) {
                        out.push(n);
                    }
                    i += 2;
                    continue;
                }
                let start = i + 1;
                let mut j = start;
                while rtf.get(j).is_some_and(u8::is_ascii_alphabetic) {
                    j += 1;
                }
                let word = rtf.get(start..j).unwrap_or_default();
                let num_start = j;
                if rtf.get(j) == Some(&b'-') {
                    j += 1;
                }
                while rtf.get(j).is_some_and(u8::is_ascii_digit) {
                    j += 1;
                }
                let num = std::str::from_utf8(rtf.get(num_start..j).unwrap_or_default())
                    .ok()
                    .and_then(|n| n.parse::<i64>().ok());
                if rtf.get(j) == Some(&b' ') {
                    j += 1;
                }
                i = j;
                match word {
                    b"htmlrtf" => htmlrtf = num != Some(0),
                    b"fonttbl" | b"colortbl" | b"stylesheet" | b"pntext" => {
                        if let Some(top) = stack.last_mut() {
                            top.1 = true;
                        }
                    }
                    _ if skip || (htmlrtf && !in_tag) => {}
                    b"par" | b"line" => out.extend_from_slice(b"\r\n"),
                    b"tab" => out.push(b'\t'),
                    b"u" => {
                        if let Some(ch) = num
                            .and_then(|n| u32::try_from(if n < 0 { n + 65_536 } else { n }).ok())
                            .and_then(char::from_u32)
                        {
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                        }
                        // The fallback character that follows \uN is not wanted.
                        if rtf
                            .get(i)
                            .is_some_and(|&b| b != b'\\' && b != b'{' && b != b'}')
                        {
                            i += 1;
                        }
                    }
                    _ => {}
                }
            }
            b'\r' | b'\n' => i += 1,
            _ => {
                if !skip && (in_tag || !htmlrtf) {
                    out.push(c);
                }
                i += 1;
            }
        }
    }
    // RTF carries the HTML in its code page; windows-1252 covers what Outlook writes
    // for Western mail, and UTF-8 survives it where \u was used.
    Some(match String::from_utf8(out) {
        Ok(s) => s,
        Err(e) => e.into_bytes().iter().map(|&b| char::from(b)).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dictionary_has_the_length_the_format_specifies() {
        assert_eq!(PREBUF.len(), 207);
    }

    #[test]
    fn the_specification_example_decompresses() {
        // MS-OXRTFCP 3.1.1: "{\rtf1\ansi\ansicpg1252\pard hello world}\r\n"
        let data: &[u8] = &[
            0x2d, 0x00, 0x00, 0x00, 0x2b, 0x00, 0x00, 0x00, 0x4c, 0x5a, 0x46, 0x75, 0xf1, 0xc5,
            0xc7, 0xa7, 0x03, 0x00, 0x0a, 0x00, 0x72, 0x63, 0x70, 0x67, 0x31, 0x32, 0x35, 0x42,
            0x32, 0x0a, 0xf3, 0x20, 0x68, 0x65, 0x6c, 0x09, 0x00, 0x20, 0x62, 0x77, 0x05, 0xb0,
            0x6c, 0x64, 0x7d, 0x0a, 0x80, 0x0f, 0xa0,
        ];
        assert_eq!(
            decompress(data).unwrap(),
            b"{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n"
        );
    }

    #[test]
    fn html_is_taken_out_of_encapsulating_rtf() {
        let rtf = b"{\\rtf1\\ansi\\fromhtml1 {\\*\\htmltag19 <html>}{\\*\\htmltag64 <a href=\"http://x.example/\">}\\htmlrtf {\\htmlrtf0 click\\htmlrtf }\\htmlrtf0 {\\*\\htmltag64 </a>}{\\*\\htmltag27 </html>}}";
        let html = html_from_rtf(rtf).unwrap();
        assert!(
            html.contains("<a href=\"http://x.example/\">click</a>"),
            "{html}"
        );
    }
}
