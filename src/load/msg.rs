//! Outlook `.msg` files (OLE compound documents) rebuilt as RFC 5322 messages.
//!
//! Outlook keeps the headers the message arrived with in one property
//! (`PR_TRANSPORT_MESSAGE_HEADERS`) and the body and attachments as separate streams. The
//! rebuilt message is those headers, minus the old MIME structure, over a new MIME body
//! made of the plain, HTML (from the HTML stream, or unwrapped from Outlook's compressed
//! RTF) and attached parts. An attached `.msg` becomes a `message/rfc822` part, so it is
//! found as an attached message like any other.
//!
//! What a `.msg` cannot carry is said in the notes: the bytes are not the ones that were
//! signed, so DKIM cannot be re-verified, and every result is the one recorded at delivery.

use std::io::{Cursor, Read, Seek};

use super::{Found, LoadError, Origin};
use crate::limits::{self, Budget, Limit, LimitHit};

/// Magic number of an OLE compound file.
const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
/// More entries than this in one file is a bomb, not a message.
const MAX_ENTRIES: usize = 20_000;
/// More bytes than this read from all streams together (a file's streams can share sectors).
const MAX_TOTAL_BYTES: u64 = 200 * 1024 * 1024;
/// Attached `.msg` files inside attached `.msg` files: this deep and no deeper.
const MAX_DEPTH: usize = limits::MSG_NESTING;
/// At most this many attachments are carried over from one message.
const MAX_ATTACHMENTS: usize = limits::MSG_ATTACHMENTS;

/// What every rebuilt message is told about itself.
pub const REBUILT_NOTE: &str = "This is an Outlook .msg file: mailsleuth rebuilt the message from what Outlook kept. \
Outlook stores the original headers but not the original bytes, so DKIM signatures cannot be re-checked, \
and the authentication results shown are the ones recorded when the message was delivered";

/// Whether the bytes are an OLE compound file (an Outlook `.msg`, or an old Office document).
pub fn is_msg(bytes: &[u8]) -> bool {
    bytes.starts_with(OLE_MAGIC)
}

/// Rebuilds a `.msg` as one message, with the notes a person needs.
pub fn to_found(bytes: &[u8]) -> Found {
    let (bytes, transport_headers, limits) = match rebuild(bytes, 0) {
        Ok(r) => (Ok(r.bytes), r.transport_headers, r.limits),
        Err(e) => (Err(e), false, Vec::new()),
    };
    Found {
        suffix: String::new(),
        bytes,
        notes: Vec::new(),
        limits,
        origin: Origin::Outlook { transport_headers },
    }
}

/// A message rebuilt from a `.msg`.
#[derive(Debug)]
pub struct Rebuilt {
    /// RFC 5322 bytes.
    pub bytes: Vec<u8>,
    /// Whether Outlook kept the headers the message arrived with.
    pub transport_headers: bool,
    /// Limits the file reached: attachments or embedded messages not carried over.
    pub limits: Vec<LimitHit>,
}

/// Rebuilds the `.msg` in `bytes` as RFC 5322 bytes.
pub fn rebuild(bytes: &[u8], depth: usize) -> Result<Rebuilt, LoadError> {
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|e| LoadError::BadMsg(format!("it is not a readable compound file ({e})")))?;
    let entries = file.walk().take(MAX_ENTRIES + 1).count();
    if entries > MAX_ENTRIES {
        return Err(LoadError::BadMsg(format!(
            "it has more than {MAX_ENTRIES} parts, which no real message has"
        )));
    }
    let is_message = file.is_stream("/__properties_version1.0")
        || file.is_stream("/__substg1.0_0037001F")
        || file.is_stream("/__substg1.0_0037001E")
        || file.is_stream("/__substg1.0_007D001F")
        || file.is_stream("/__substg1.0_007D001E");
    if !is_message {
        return Err(LoadError::NotEmail(
            "it looks like an old Office document (Word, Excel), not an Outlook message".into(),
        ));
    }
    let mut budget = MAX_TOTAL_BYTES;
    let mut reader = Props {
        file: &mut file,
        budget: &mut budget,
        limits: Budget::new(),
    };
    let message = read_message(&mut reader, "/", depth)?;
    let transport_headers = message.transport_headers.is_some();
    Ok(Rebuilt {
        bytes: message.into_rfc5322(),
        transport_headers,
        limits: reader.limits.into_hits(),
    })
}

/// Reads streams within a byte budget shared by the whole file.
struct Props<'a, F> {
    file: &'a mut cfb::CompoundFile<F>,
    budget: &'a mut u64,
    /// Limits reached while reading.
    limits: Budget,
}

impl<F: Read + Seek> Props<'_, F> {
    fn stream(&mut self, path: &str) -> Option<Vec<u8>> {
        if !self.file.is_stream(path) {
            return None;
        }
        let mut s = self.file.open_stream(path).ok()?;
        let mut buf = Vec::new();
        let n = (&mut s).take(*self.budget).read_to_end(&mut buf).ok()?;
        *self.budget = self.budget.saturating_sub(n as u64);
        Some(buf)
    }

    /// A string property: Unicode (`001F`) or 8-bit (`001E`).
    fn string(&mut self, storage: &str, id: u16) -> Option<String> {
        if let Some(b) = self.stream(&format!("{storage}__substg1.0_{id:04X}001F")) {
            let units: Vec<u16> = b
                .chunks_exact(2)
                .map(|c| {
                    u16::from_le_bytes([
                        c.first().copied().unwrap_or(0),
                        c.get(1).copied().unwrap_or(0),
                    ])
                })
                .collect();
            let s = String::from_utf16_lossy(&units);
            return Some(s.trim_end_matches('\0').to_string()).filter(|s| !s.is_empty());
        }
        let b = self.stream(&format!("{storage}__substg1.0_{id:04X}001E"))?;
        let s = String::from_utf8(b.clone())
            .unwrap_or_else(|_| b.iter().map(|&c| char::from(c)).collect());
        Some(s.trim_end_matches('\0').to_string()).filter(|s| !s.is_empty())
    }

    fn binary(&mut self, storage: &str, id: u16) -> Option<Vec<u8>> {
        self.stream(&format!("{storage}__substg1.0_{id:04X}0102"))
    }

    /// A fixed-size property from the storage's property stream.
    fn fixed(&mut self, storage: &str, id: u16, header: usize) -> Option<u64> {
        let props = self.stream(&format!("{storage}__properties_version1.0"))?;
        props.get(header..)?.chunks_exact(16).find_map(|p| {
            let pid = u16::from_le_bytes([*p.get(2)?, *p.get(3)?]);
            (pid == id).then(|| {
                let v: [u8; 8] = p.get(8..16)?.try_into().ok()?;
                Some(u64::from_le_bytes(v))
            })?
        })
    }

    fn children(&self, storage: &str, prefix: &str) -> Vec<String> {
        let Ok(entries) = self.file.read_storage(storage) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .filter(|e| e.is_storage() && e.name().starts_with(prefix))
            .map(|e| e.path().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

/// What one message (the file itself, or an attached one) holds.
#[derive(Default)]
struct MsgMessage {
    transport_headers: Option<String>,
    subject: Option<String>,
    from_name: Option<String>,
    from_addr: Option<String>,
    to: Vec<String>,
    cc: Vec<String>,
    date: Option<String>,
    message_id: Option<String>,
    plain: Option<String>,
    html: Option<Vec<u8>>,
    attachments: Vec<MsgAttachment>,
}

struct MsgAttachment {
    name: String,
    mime: String,
    body: Vec<u8>,
}

fn read_message<F: Read + Seek>(
    p: &mut Props<'_, F>,
    storage: &str,
    depth: usize,
) -> Result<MsgMessage, LoadError> {
    let s = storage;
    let mut m = MsgMessage {
        transport_headers: p.string(s, 0x007D),
        subject: p.string(s, 0x0037),
        from_name: p.string(s, 0x0042).or_else(|| p.string(s, 0x0C1A)),
        message_id: p.string(s, 0x1035),
        plain: p.string(s, 0x1000),
        ..MsgMessage::default()
    };
    m.from_addr = [0x5D02, 0x5D01, 0x0065, 0x0C1F]
        .into_iter()
        .filter_map(|id| p.string(s, id))
        .find(|a| a.contains('@'));
    let header = if storage == "/" { 32 } else { 24 };
    m.date = p
        .fixed(s, 0x0039, header)
        .or_else(|| p.fixed(s, 0x0E06, header))
        .and_then(filetime_to_rfc2822);
    m.html = p
        .binary(s, 0x1013)
        .or_else(|| p.string(s, 0x1013).map(String::into_bytes))
        .or_else(|| {
            p.binary(s, 0x1009)
                .and_then(|c| super::msg_rtf::decompress(&c))
                .and_then(|rtf| super::msg_rtf::html_from_rtf(&rtf))
                .map(String::into_bytes)
        });
    for r in p.children(s, "__recip_version1.0_") {
        let r = format!("{r}/");
        let name = p.string(&r, 0x3001);
        let addr = [0x39FE, 0x3003]
            .into_iter()
            .filter_map(|id| p.string(&r, id))
            .find(|a| a.contains('@'));
        let shown = match (name, addr) {
            (Some(n), Some(a)) if n != a => format!("{} <{a}>", encode_word(&n)),
            (_, Some(a)) => a,
            (Some(n), None) => encode_word(&n),
            (None, None) => continue,
        };
        match p.fixed(&r, 0x0C15, 8) {
            Some(2) => m.cc.push(shown),
            Some(3) => {} // Bcc recipients were never in the headers others saw.
            _ => m.to.push(shown),
        }
    }
    let attachments = p.children(s, "__attach_version1.0_");
    if attachments.len() > MAX_ATTACHMENTS {
        p.limits
            .hit(Limit::Attachments, MAX_ATTACHMENTS, Some(attachments.len()));
    }
    for a in attachments.into_iter().take(MAX_ATTACHMENTS) {
        let a = format!("{a}/");
        let name = p
            .string(&a, 0x3707)
            .or_else(|| p.string(&a, 0x3704))
            .or_else(|| p.string(&a, 0x3001))
            .unwrap_or_else(|| "attachment".into());
        let embedded = format!("{a}__substg1.0_3701000D");
        if p.file.is_storage(&embedded) {
            if depth + 1 >= MAX_DEPTH {
                p.limits.hit(Limit::Nesting, 0, Some(1));
                continue;
            }
            let inner = read_message(p, &format!("{embedded}/"), depth + 1)?;
            m.attachments.push(MsgAttachment {
                name,
                mime: "message/rfc822".into(),
                body: inner.into_rfc5322(),
            });
            continue;
        }
        let Some(body) = p.binary(&a, 0x3701) else {
            continue;
        };
        let mime = p
            .string(&a, 0x370E)
            .filter(|t| t.contains('/') && t.is_ascii())
            .unwrap_or_else(|| "application/octet-stream".into());
        m.attachments.push(MsgAttachment { name, mime, body });
    }
    Ok(m)
}

impl MsgMessage {
    fn into_rfc5322(self) -> Vec<u8> {
        let mut out = String::new();
        match &self.transport_headers {
            Some(h) => {
                for line in original_headers(h) {
                    out.push_str(line);
                    out.push_str("\r\n");
                }
            }
            None => {
                // Only what Outlook kept: the analysis then finds no Received path and says so.
                if let Some(a) = &self.from_addr {
                    match &self.from_name {
                        Some(n) if n != a => {
                            out.push_str(&format!("From: {} <{a}>\r\n", encode_word(n)));
                        }
                        _ => out.push_str(&format!("From: {a}\r\n")),
                    }
                }
                if !self.to.is_empty() {
                    out.push_str(&format!("To: {}\r\n", self.to.join(", ")));
                }
                if !self.cc.is_empty() {
                    out.push_str(&format!("Cc: {}\r\n", self.cc.join(", ")));
                }
                if let Some(d) = &self.date {
                    out.push_str(&format!("Date: {d}\r\n"));
                }
                if let Some(id) = &self.message_id {
                    out.push_str(&format!("Message-ID: {}\r\n", one_line(id)));
                }
            }
        }
        if self.transport_headers.is_none()
            || !out
                .lines()
                .any(|l| l.to_ascii_lowercase().starts_with("subject:"))
        {
            if let Some(s) = &self.subject {
                out.push_str(&format!("Subject: {}\r\n", encode_word(s)));
            }
        }
        let boundary = "mailsleuth-rebuilt-msg-7d1c2f";
        out.push_str("MIME-Version: 1.0\r\n");
        out.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n"
        ));
        let mut bytes = out.into_bytes();
        let mut part = |headers: String, body: &[u8]| {
            bytes.extend_from_slice(format!("--{boundary}\r\n{headers}\r\n").as_bytes());
            bytes.extend_from_slice(body);
            bytes.extend_from_slice(b"\r\n");
        };
        if self.plain.is_some() || self.html.is_some() {
            let alt = "mailsleuth-rebuilt-alt-7d1c2f";
            let mut body = Vec::new();
            if let Some(t) = &self.plain {
                body.extend_from_slice(format!("--{alt}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n", base64(t.as_bytes())).as_bytes());
            }
            if let Some(h) = &self.html {
                body.extend_from_slice(format!("--{alt}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n", base64(h)).as_bytes());
            }
            body.extend_from_slice(format!("--{alt}--").as_bytes());
            part(
                format!("Content-Type: multipart/alternative; boundary=\"{alt}\"\r\n"),
                &body,
            );
        }
        for a in &self.attachments {
            let name = encode_word(&a.name).replace('"', "'");
            if a.mime == "message/rfc822" {
                part(
                    format!("Content-Type: message/rfc822; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\n"),
                    &a.body,
                );
            } else {
                part(
                    format!("Content-Type: {}; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n", one_line(&a.mime)),
                    base64(&a.body).as_bytes(),
                );
            }
        }
        bytes.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        bytes
    }
}

/// The transport header lines, without the old MIME structure (the rebuilt body has its own).
fn original_headers(h: &str) -> Vec<&str> {
    const DROP: &[&str] = &["content-type", "content-transfer-encoding", "mime-version"];
    let mut out = Vec::new();
    let mut dropping = false;
    for line in h.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            // The headers end at the first blank line; Outlook sometimes leaves a body after it.
            if out.is_empty() {
                continue;
            }
            break;
        }
        if line.starts_with([' ', '\t']) {
            if !dropping && !out.is_empty() {
                out.push(line);
            }
            continue;
        }
        let name = line
            .split(':')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        dropping = DROP.contains(&name.as_str());
        if !dropping {
            out.push(line);
        }
    }
    out
}

fn one_line(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

/// RFC 2047 encoded word for non-ASCII header text.
fn encode_word(s: &str) -> String {
    let s = one_line(s);
    if s.is_ascii() {
        s
    } else {
        format!("=?UTF-8?B?{}?=", base64(s.as_bytes()).replace("\r\n", ""))
    }
}

/// FILETIME (100 ns ticks since 1601) → an RFC 2822 date in UTC.
fn filetime_to_rfc2822(ft: u64) -> Option<String> {
    let secs = i64::try_from(ft / 10_000_000).ok()? - 11_644_473_600;
    if secs <= 0 {
        return None;
    }
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, mo, d) = civil_from_days(days);
    const WD: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MON: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let wd = WD.get(usize::try_from(days.rem_euclid(7)).ok()?)?;
    let mon = MON.get(usize::try_from(mo - 1).ok()?)?;
    Some(format!(
        "{wd}, {d} {mon} {y} {:02}:{:02}:{:02} +0000",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    ))
}

/// Days since 1970-01-01 → (year, month, day), Howard Hinnant's algorithm.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Base64 with CRLF every 76 characters, as MIME wants it.
pub(crate) fn base64(data: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len() * 4 / 3 + data.len() / 57 * 2 + 4);
    for (i, chunk) in data.chunks(3).enumerate() {
        if i > 0 && i % 19 == 0 {
            out.push_str("\r\n");
        }
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (k, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if k <= chunk.len() {
                out.push(char::from(ABC[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_alphabet() {
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"Ma"), "TWE=");
        assert_eq!(base64(b"M"), "TQ==");
    }

    #[test]
    fn filetimes_become_utc_dates() {
        // 2021-03-04 05:06:07 UTC
        let ft = (1_614_834_367u64 + 11_644_473_600) * 10_000_000;
        assert_eq!(
            filetime_to_rfc2822(ft).unwrap(),
            "Thu, 4 Mar 2021 05:06:07 +0000"
        );
    }

    #[test]
    fn transport_headers_lose_their_old_mime_structure() {
        let h = "Received: from a\r\n\tby b\r\nContent-Type: multipart/mixed;\r\n\tboundary=x\r\nSubject: hi\r\n\r\n";
        assert_eq!(
            original_headers(h),
            vec!["Received: from a", "\tby b", "Subject: hi"]
        );
    }

    #[test]
    fn garbage_with_the_ole_magic_is_a_readable_error() {
        let mut raw = OLE_MAGIC.to_vec();
        raw.extend(std::iter::repeat_n(0xFFu8, 2000));
        let found = to_found(&raw);
        assert_eq!(found.bytes.unwrap_err().kind(), "bad-msg");
    }
}
