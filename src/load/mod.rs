//! Bytes → a message ready for analysis, or a `LoadError` a person can read.
//!
//! A file can hold more than one message (an mbox) or hold one in a wrapper (Apple Mail's
//! `.emlx`, Outlook's `.msg`); [`open_path`] and [`open_bytes`] turn any of them into a
//! sequence of [`Found`] messages, read as they are needed.
//!
//! Modules:
//! - `mbox`: mbox files split into messages while reading
//! - `msg`: Outlook `.msg` files rebuilt as RFC 5322 messages
//! - `attached`: messages attached to a message (forwarded as attachment)
//! - `paste`: repairs text pasted from a mail program's "show original" view

pub mod attached;
pub mod mbox;
pub mod msg;
mod msg_rtf;
pub mod paste;

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use thiserror::Error;

/// Default largest message mailsleuth reads: 50 MB.
pub const DEFAULT_MAX_SIZE: usize = 50 * 1024 * 1024;

/// Why a file could not be read as an email.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum LoadError {
    #[error("This file is empty: there is no message in it.")]
    Empty,
    #[error("This is not an email: {0}. Save the message from your mail program as an .eml file (often \"Save as\" or \"Download message\") and try again.")]
    NotEmail(String),
    #[error("This file is {size}; mailsleuth reads messages up to {limit}. Save just the message, without attachments, and try again.")]
    TooLarge { size: String, limit: String },
    #[error("Could not read {path}: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("This mailbox holds more than {limit} messages; mailsleuth read the first {limit}. Split the mailbox and check the rest separately.")]
    TooManyMessages { limit: usize },
    #[error("This Outlook .msg file could not be read: {0}. Open it in Outlook and forward it as an attachment, or save it again, and try again.")]
    BadMsg(String),
    #[error("This Outlook .msg file holds no transport headers (it is a draft or a sent item, or Outlook did not keep them), so there is no record of who really sent it and mailsleuth gives no verdict. Check the message as it arrived in the mailbox that received it.")]
    NoTransportHeaders,
    #[error("This message is attached {depth} levels deep; mailsleuth opens attached messages up to {depth} levels and did not open this one.")]
    TooDeep { depth: usize },
}

impl LoadError {
    /// Short machine name, as in the JSON output's `error.kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            LoadError::Empty => "empty",
            LoadError::NotEmail(_) => "not-email",
            LoadError::TooLarge { .. } => "too-large",
            LoadError::Unreadable { .. } => "unreadable",
            LoadError::TooManyMessages { .. } => "too-many-messages",
            LoadError::BadMsg(_) => "bad-msg",
            LoadError::NoTransportHeaders => "no-transport-headers",
            LoadError::TooDeep { .. } => "too-deep",
        }
    }
}

/// Human size: "310 MB", "12 KB", "512 bytes".
pub fn human_size(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    if bytes >= MB {
        format!("{:.0} MB", bytes as f64 / MB as f64)
    } else if bytes >= KB {
        format!("{:.0} KB", bytes as f64 / KB as f64)
    } else {
        format!("{bytes} bytes")
    }
}

/// Reads a file from disk, refusing files over `max_size` before reading them. Only
/// regular files are read, and never more than `max_size` bytes of them, whatever size
/// the file claims (it may grow while it is read).
pub fn read_file(path: &Path, max_size: usize) -> Result<Vec<u8>, LoadError> {
    let unreadable = |e: std::io::Error| LoadError::Unreadable {
        path: path.display().to_string(),
        reason: io_reason(&e),
    };
    let meta = regular_file(path)?;
    if meta.len() > max_size as u64 {
        return Err(too_large(meta.len(), max_size));
    }
    let file = std::fs::File::open(path).map_err(unreadable)?;
    read_capped(file, max_size).map_err(|e| match e {
        Capped::Io(e) => unreadable(e),
        Capped::Over => LoadError::TooLarge {
            size: format!("more than {}", human_size(max_size as u64)),
            limit: human_size(max_size as u64),
        },
    })
}

/// Why a capped read stopped.
pub enum Capped {
    Io(std::io::Error),
    /// There is more than the cap.
    Over,
}

/// Reads at most `max_size` bytes; more than that is `Capped::Over`, found by reading
/// one byte past the cap and no further.
pub fn read_capped(reader: impl Read, max_size: usize) -> Result<Vec<u8>, Capped> {
    let mut buf = Vec::new();
    let limit = u64::try_from(max_size)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    reader
        .take(limit)
        .read_to_end(&mut buf)
        .map_err(Capped::Io)?;
    if buf.len() > max_size {
        return Err(Capped::Over);
    }
    Ok(buf)
}

/// The metadata of `path` when it is a regular file (symbolic links followed); a folder,
/// a device, a pipe or a socket is refused before it is opened: reading `/dev/zero` would
/// never end, and opening a pipe nobody writes to would wait forever.
pub fn regular_file(path: &Path) -> Result<std::fs::Metadata, LoadError> {
    let refuse = |reason: &str| LoadError::Unreadable {
        path: path.display().to_string(),
        reason: reason.into(),
    };
    let meta = std::fs::metadata(path).map_err(|e| LoadError::Unreadable {
        path: path.display().to_string(),
        reason: io_reason(&e),
    })?;
    let kind = meta.file_type();
    if kind.is_dir() {
        return Err(refuse("it is a folder, not a file"));
    }
    if !kind.is_file() {
        return Err(refuse(
            "it is not an ordinary file but a device, a pipe or a socket; save the message as a file and try again",
        ));
    }
    Ok(meta)
}

/// One message found in an input.
#[derive(Debug)]
pub struct Found {
    /// Added to the input's name to name this message: empty for a file that is one
    /// message, `#3` for the third message of an mbox.
    pub suffix: String,
    /// The message as RFC 5322 bytes, or why it could not be taken.
    pub bytes: Result<Vec<u8>, LoadError>,
    /// What the person should know about where the message came from (added to its report).
    pub notes: Vec<String>,
    /// Limits reached while taking the message out of its file (added to its report).
    pub limits: Vec<crate::limits::LimitHit>,
    /// Where the bytes come from: the message itself, or a copy rebuilt from a `.msg`.
    pub origin: Origin,
}

/// Whether a message's bytes are the ones that were delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The message as delivered (an `.eml`, an mbox entry, an attached message).
    Original,
    /// Rebuilt from an Outlook `.msg`; `transport_headers` says whether Outlook kept the
    /// headers the message arrived with (a draft or a sent item has none).
    Outlook { transport_headers: bool },
}

impl Found {
    fn whole(bytes: Result<Vec<u8>, LoadError>) -> Found {
        Found {
            suffix: String::new(),
            bytes,
            notes: Vec::new(),
            limits: Vec::new(),
            origin: Origin::Original,
        }
    }
}

/// The messages of one input, read as they are needed.
pub type Messages = Box<dyn Iterator<Item = Found> + Send>;

/// How many bytes of a file are looked at to tell its format.
const SNIFF_BYTES: usize = 8 * 1024;

/// Opens a file and yields its messages: one for an `.eml`, `.emlx` or `.msg`, one per
/// message for an mbox (streamed, so a mailbox of any size is never held in memory; each
/// message is limited to `max_size`).
pub fn open_path(path: &Path, max_size: usize) -> Messages {
    let unreadable = |e: std::io::Error| LoadError::Unreadable {
        path: path.display().to_string(),
        reason: io_reason(&e),
    };
    let file = regular_file(path).and_then(|_| std::fs::File::open(path).map_err(unreadable));
    let file = match file {
        Ok(f) => f,
        Err(e) => return Box::new(std::iter::once(Found::whole(Err(e)))),
    };
    let mut reader = BufReader::with_capacity(256 * 1024, file);
    let head = match reader.fill_buf() {
        Ok(h) => h
            .get(..SNIFF_BYTES.min(h.len()))
            .unwrap_or_default()
            .to_vec(),
        Err(e) => return Box::new(std::iter::once(Found::whole(Err(unreadable(e))))),
    };
    if mbox::looks_like_mbox(&head) {
        return mailbox(reader, max_size);
    }
    let bytes = read_file(path, max_size);
    Box::new(std::iter::once(unwrap_single(bytes, path_is_emlx(path))))
}

/// Yields the messages of bytes already in memory (standard input, a paste, a drop).
pub fn open_bytes(bytes: Vec<u8>, max_size: usize) -> Messages {
    let head = bytes
        .get(..SNIFF_BYTES.min(bytes.len()))
        .unwrap_or_default();
    if mbox::looks_like_mbox(head) {
        return mailbox(std::io::Cursor::new(bytes), max_size);
    }
    Box::new(std::iter::once(unwrap_single(Ok(bytes), false)))
}

fn mailbox<R: BufRead + Send + 'static>(reader: R, max_size: usize) -> Messages {
    let mut messages = mbox::Reader::new(reader, max_size);
    Box::new(std::iter::from_fn(move || {
        let bytes = messages.next()?;
        let n = messages.read_count();
        // A file holding one message keeps its plain name, as a single .eml would.
        let suffix = if n == 1 && !messages.has_more() {
            String::new()
        } else if matches!(bytes, Err(LoadError::TooManyMessages { .. })) {
            "#more".to_string()
        } else {
            format!("#{n}")
        };
        Some(Found {
            suffix,
            ..Found::whole(bytes)
        })
    }))
}

/// A single-message file: an Outlook `.msg` is rebuilt, an `.emlx` unwrapped, anything
/// else passed on as it is.
fn unwrap_single(bytes: Result<Vec<u8>, LoadError>, emlx: bool) -> Found {
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => return Found::whole(Err(e)),
    };
    if msg::is_msg(&bytes) {
        return msg::to_found(&bytes);
    }
    if emlx || looks_like_emlx(&bytes) {
        if let Some(inner) = unwrap_emlx(&bytes) {
            return Found::whole(Ok(inner.to_vec()));
        }
    }
    Found::whole(Ok(bytes))
}

fn path_is_emlx(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("emlx"))
}

/// Apple Mail's `.emlx`: a line with the message's length in bytes, the message, then a
/// property list Mail keeps its flags in.
fn looks_like_emlx(bytes: &[u8]) -> bool {
    let Some(nl) = bytes.iter().take(24).position(|&b| b == b'\n') else {
        return false;
    };
    let first = bytes.get(..nl).unwrap_or_default();
    let digits = first.strip_suffix(b"\r").unwrap_or(first);
    !digits.is_empty()
        && digits.iter().all(u8::is_ascii_digit)
        && bytes.get(nl + 1..).is_some_and(starts_with_header)
}

fn unwrap_emlx(bytes: &[u8]) -> Option<&[u8]> {
    let nl = bytes.iter().take(24).position(|&b| b == b'\n')?;
    let first = bytes.get(..nl)?;
    let first = first.strip_suffix(b"\r").unwrap_or(first);
    let len: usize = std::str::from_utf8(first).ok()?.trim().parse().ok()?;
    let rest = bytes.get(nl + 1..)?;
    // A wrong length (an edited file) still leaves a message: take what is there.
    Some(rest.get(..len).unwrap_or(rest))
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "there is no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

fn too_large(size: u64, limit: usize) -> LoadError {
    LoadError::TooLarge {
        size: human_size(size),
        limit: human_size(limit as u64),
    }
}

/// Checks that `raw` plausibly is an email and returns the part to parse
/// (an mbox `From ` line is skipped).
pub fn check_bytes(raw: &[u8], max_size: usize) -> Result<&[u8], LoadError> {
    if raw.len() > max_size {
        return Err(too_large(raw.len() as u64, max_size));
    }
    let trimmed = trim_leading_blank(raw);
    if trimmed.is_empty() {
        return Err(LoadError::Empty);
    }
    if let Some(kind) = sniff_non_email(trimmed) {
        return Err(LoadError::NotEmail(format!("it looks like {kind}")));
    }
    let body = skip_mbox_line(trimmed);
    if !starts_with_header(body) {
        return Err(LoadError::NotEmail(
            "it does not start with email headers (lines like \"From: …\" and \"Subject: …\")"
                .into(),
        ));
    }
    if !has_mail_header(body) {
        return Err(LoadError::NotEmail(
            "its header lines name none of the fields every email has (From, To, Subject, Date, Received, Content-Type…)"
                .into(),
        ));
    }
    Ok(body)
}

/// Whether the header block names at least one field that email carries. A Debian
/// copyright file or an HTTP dump also starts with `Name: value` lines.
fn has_mail_header(raw: &[u8]) -> bool {
    const NAMES: &[&str] = &[
        "from",
        "to",
        "cc",
        "bcc",
        "subject",
        "date",
        "message-id",
        "received",
        "return-path",
        "mime-version",
        "reply-to",
        "sender",
        "delivered-to",
        "in-reply-to",
        "references",
        "dkim-signature",
        "arc-seal",
        "authentication-results",
        "list-id",
        "x-mailer",
        "x-original-to",
        "envelope-to",
        "thread-topic",
        "content-type",
    ];
    // Up to the blank line that ends the headers, however many there are.
    for line in raw.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let name = String::from_utf8_lossy(line.get(..colon).unwrap_or_default())
            .trim()
            .to_ascii_lowercase();
        if NAMES.contains(&name.as_str()) {
            return true;
        }
    }
    false
}

fn trim_leading_blank(raw: &[u8]) -> &[u8] {
    let start = raw
        .iter()
        .position(|b| !matches!(b, b'\r' | b'\n' | b' ' | b'\t'))
        .unwrap_or(raw.len());
    raw.get(start..).unwrap_or_default()
}

fn skip_mbox_line(raw: &[u8]) -> &[u8] {
    if raw.starts_with(b"From ") {
        if let Some(nl) = raw.iter().position(|&b| b == b'\n') {
            return raw.get(nl + 1..).unwrap_or_default();
        }
    }
    raw
}

/// Well-known binary formats that are sometimes renamed `.eml` by mistake.
fn sniff_non_email(raw: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"%PDF", "a PDF document"),
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"PK\x03\x04", "a ZIP archive or Office document"),
        (
            b"\xD0\xCF\x11\xE0",
            "an old Office document (Word, Excel) rather than an Outlook message",
        ),
        (b"MZ", "a Windows program"),
        (b"\x7FELF", "a program"),
        (b"\x1F\x8B", "a gzip archive"),
        (b"Rar!", "a RAR archive"),
        (b"7z\xBC\xAF", "a 7-Zip archive"),
    ];
    MAGIC
        .iter()
        .find(|(m, _)| raw.starts_with(m))
        .map(|(_, k)| *k)
}

/// The first line must be a header field (`Name: value`) with a printable name: a folded
/// continuation is not enough. Also how the mbox reader tells a message start.
fn starts_with_header(raw: &[u8]) -> bool {
    let line_end = raw.iter().position(|&b| b == b'\n').unwrap_or(raw.len());
    let line = raw.get(..line_end).unwrap_or_default();
    let Some(colon) = line.iter().position(|&b| b == b':') else {
        return false;
    };
    let name = line.get(..colon).unwrap_or_default();
    !name.is_empty()
        && name.len() <= 76
        && name.iter().all(|&b| (33..=126).contains(&b) && b != b':')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_shaped_files_without_mail_fields_are_not_email() {
        let copyright = b"Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nUpstream-Name: spf\n\nFiles: *\nLicense: Expat\n";
        assert!(matches!(
            check_bytes(copyright, 10_000),
            Err(LoadError::NotEmail(_))
        ));
        let minimal = b"X-Test: 1\nSubject: hello\n\nbody\n";
        assert!(check_bytes(minimal, 10_000).is_ok());
        let mut padded = "X-Filler: 0123456789012345678901234567890123456789\n".repeat(20_000);
        padded.push_str("From: a@example.net\n\nHello\n");
        assert!(check_bytes(padded.as_bytes(), 10_000_000).is_ok());
    }

    #[test]
    fn empty_and_whitespace_are_empty() {
        assert_eq!(check_bytes(b"", 100), Err(LoadError::Empty));
        assert_eq!(check_bytes(b"\r\n \n", 100), Err(LoadError::Empty));
    }

    #[test]
    fn png_is_not_an_email() {
        let err = check_bytes(b"\x89PNG\r\n\x1a\nrest", 100).unwrap_err();
        assert_eq!(err.kind(), "not-email");
        assert!(err.to_string().contains("PNG image"));
    }

    #[test]
    fn mbox_from_line_is_skipped() {
        let raw = b"From someone@example.com Mon Jan  1 00:00:00 2024\nFrom: a@example.com\n\nhi";
        assert!(check_bytes(raw, 1000).unwrap().starts_with(b"From: a@"));
    }

    #[test]
    fn too_large_names_both_sizes() {
        let err = check_bytes(&[b'a'; 2048], 1024).unwrap_err();
        assert!(err.to_string().contains("2 KB") && err.to_string().contains("1 KB"));
    }

    #[test]
    fn prose_is_not_an_email() {
        assert_eq!(
            check_bytes(b"Hello there, how are you\n", 100)
                .unwrap_err()
                .kind(),
            "not-email"
        );
    }
}
