//! Bytes → a message ready for analysis, or a `LoadError` a person can read.

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
}

impl LoadError {
    /// Short machine name, as in the JSON output's `error.kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            LoadError::Empty => "empty",
            LoadError::NotEmail(_) => "not-email",
            LoadError::TooLarge { .. } => "too-large",
            LoadError::Unreadable { .. } => "unreadable",
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

/// Reads a file from disk, refusing files over `max_size` before reading them.
pub fn read_file(path: &Path, max_size: usize) -> Result<Vec<u8>, LoadError> {
    let unreadable = |e: std::io::Error| LoadError::Unreadable {
        path: path.display().to_string(),
        reason: io_reason(&e),
    };
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    if meta.is_dir() {
        return Err(LoadError::Unreadable {
            path: path.display().to_string(),
            reason: "it is a folder, not a file".into(),
        });
    }
    if meta.len() > max_size as u64 {
        return Err(too_large(meta.len(), max_size));
    }
    std::fs::read(path).map_err(unreadable)
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
            "an Outlook .msg or old Office file (save the message as .eml instead)",
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

/// The first line must be a header field (`Name: value`) with a printable name.
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
