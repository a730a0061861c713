//! Attachments: names, declared vs sniffed type, archive listings (never extracted), hashes.
//!
//! Nothing here writes to disk or runs anything: bytes are only looked at. ZIP archives are
//! listed from their central directory without decompressing a single entry.

use std::io::Cursor;

use html5gum::Token;
use mail_parser::{Message, MessagePart, MimeHeaders, PartType};
use sha2::{Digest, Sha256};

use super::types::{ArchiveMember, Attachment};
use crate::limits::{self, Budget, Limit};

/// Most attachments listed, attached messages included (see `limits`).
pub const MAX_ATTACHMENTS: usize = limits::ATTACHMENTS;
/// Most archive entries listed per archive (see `limits`).
pub const MAX_ARCHIVE_ENTRIES: usize = limits::ARCHIVE_ENTRIES;
/// How deep attached messages are opened to list their own attachments.
const MAX_MESSAGE_DEPTH: usize = limits::NESTING;
/// Most bytes of an HTML/SVG attachment read when looking for forms and scripts.
const MAX_HTML_SCAN: usize = limits::HTML_ATTACHMENT_BYTES;

/// Lists every attachment of the message, and those of attached messages (with `parent`
/// set). Limits reached are recorded in `budget`.
pub fn extract(msg: &Message, budget: &mut Budget) -> Vec<Attachment> {
    let mut walk = Walk {
        out: Vec::new(),
        budget,
        beyond: 0,
        opened: 0,
        unopened: 0,
        unlooked: 0,
    };
    walk.collect(msg, None, 0);
    let Walk {
        out,
        budget,
        beyond,
        opened,
        unopened,
        unlooked,
    } = walk;
    if beyond > 0 {
        budget.hit(Limit::Attachments, out.len(), Some(out.len() + beyond));
    }
    if unopened > 0 {
        budget.hit(Limit::Nesting, opened, Some(opened + unopened));
    }
    if unlooked > 0 {
        budget.hit(Limit::Time, out.len() - unlooked, Some(out.len()));
    }
    out
}

/// The attachments found so far and what was left out.
struct Walk<'b> {
    out: Vec<Attachment>,
    budget: &'b mut Budget,
    /// Attachments past the limit (counted, not looked at).
    beyond: usize,
    /// Attached messages opened, and those nested too deep to open.
    opened: usize,
    unopened: usize,
    /// Attachments listed by name only because the time for looking inside ran out.
    unlooked: usize,
}

impl Walk<'_> {
    fn collect(&mut self, msg: &Message, parent: Option<usize>, depth: usize) {
        for (n, id) in msg.attachments.iter().enumerate() {
            if self.out.len() >= MAX_ATTACHMENTS {
                self.beyond += msg.attachments.len() - n;
                return;
            }
            let Some(part) = msg.parts.get(*id as usize) else {
                continue;
            };
            let index = self.out.len();
            let att = if self.budget.out_of_time() {
                self.unlooked += 1;
                named_only(part, parent)
            } else {
                describe(part, parent, self.budget)
            };
            let is_message = att.is_message;
            self.out.push(att);
            let nested = match &part.body {
                PartType::Message(_) => true,
                // An .eml sent as a plain file is still a message whose attachments matter.
                PartType::Binary(_) | PartType::InlineBinary(_) => is_message,
                _ => false,
            };
            if !nested {
                continue;
            }
            if depth >= MAX_MESSAGE_DEPTH {
                self.unopened += 1;
                continue;
            }
            match &part.body {
                PartType::Message(inner) => {
                    self.opened += 1;
                    self.collect(inner, Some(index), depth + 1);
                }
                PartType::Binary(bytes) | PartType::InlineBinary(bytes) => {
                    if let Some(inner) = super::parser().parse(bytes.as_ref()) {
                        self.opened += 1;
                        self.collect(&inner, Some(index), depth + 1);
                    }
                }
                _ => {}
            }
        }
    }
}

/// An attachment listed by its name and declared type alone.
fn named_only(part: &MessagePart, parent: Option<usize>) -> Attachment {
    let (filename, declared_type) = names(part);
    Attachment {
        size: part.contents().len(),
        is_message: declared_type == "message/rfc822",
        filename,
        declared_type,
        parent,
        ..Attachment::default()
    }
}

/// The file name and declared type of a MIME part.
fn names(part: &MessagePart) -> (Option<String>, String) {
    let filename = part
        .attachment_name()
        .map(|n| n.trim_matches(['"', '\'']).to_string())
        .filter(|n| !n.trim().is_empty());
    let declared_type = part
        .content_type()
        .map(|ct| match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub),
            None => ct.ctype().to_string(),
        })
        .unwrap_or_else(|| "text/plain".to_string())
        .to_ascii_lowercase();
    (filename, declared_type)
}

/// Describes one MIME part (see `describe_bytes` for the bytes themselves).
fn describe(part: &MessagePart, parent: Option<usize>, budget: &mut Budget) -> Attachment {
    let recovered = recover_base64(part).or_else(|| uudecode_part(part));
    let bytes = recovered.as_deref().unwrap_or_else(|| part.contents());
    let (filename, declared_type) = names(part);
    let mut att = describe_bytes(bytes, filename, declared_type, budget);
    att.parent = parent;
    if matches!(part.body, PartType::Message(_)) {
        att.is_message = true;
    }
    att
}

/// When a base64 part is cut short (a missing boundary), the parser keeps it as raw
/// text; decode it so the real file is sniffed and hashed, not its base64 spelling.
fn recover_base64(part: &MessagePart) -> Option<Vec<u8>> {
    let base64 = part
        .content_transfer_encoding()
        .is_some_and(|e| e.trim().eq_ignore_ascii_case("base64"));
    if !(part.is_encoding_problem && base64) {
        return None;
    }
    let mut clean = Vec::with_capacity(part.contents().len());
    for line in part.contents().split(|b| *b == b'\n') {
        if line.starts_with(b"--") {
            break;
        }
        clean.extend(
            line.iter()
                .copied()
                .filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')),
        );
    }
    mail_parser::decoders::base64::base64_decode(&clean).filter(|d| !d.is_empty())
}

/// Old mail programs (and malware senders) still use uuencoding, which the parser leaves as text.
fn uudecode_part(part: &MessagePart) -> Option<Vec<u8>> {
    let uu = part.content_transfer_encoding().is_some_and(|e| {
        matches!(
            e.trim().to_ascii_lowercase().as_str(),
            "x-uuencode" | "uuencode" | "x-uue"
        )
    });
    if !uu {
        return None;
    }
    uudecode(part.contents())
}

/// Decodes a uuencoded block ("begin 644 name" … "end").
pub fn uudecode(data: &[u8]) -> Option<Vec<u8>> {
    let mut lines = data
        .split(|b| *b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    lines.by_ref().find(|l| l.starts_with(b"begin "))?;
    let mut out = Vec::new();
    for line in lines {
        if line.starts_with(b"end") {
            break;
        }
        let Some((&len_char, body)) = line.split_first() else {
            continue;
        };
        let len = usize::from(len_char.wrapping_sub(b' ') & 0x3f);
        if len == 0 {
            continue;
        }
        let mut decoded = Vec::with_capacity(len + 2);
        for group in body.chunks(4) {
            let v: Vec<u32> = group
                .iter()
                .map(|c| u32::from(c.wrapping_sub(b' ') & 0x3f))
                .chain(std::iter::repeat(0))
                .take(4)
                .collect();
            let n = v.iter().fold(0u32, |acc, x| (acc << 6) | x);
            decoded.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8, n as u8]);
        }
        decoded.truncate(len);
        out.extend_from_slice(&decoded);
    }
    (!out.is_empty()).then_some(out)
}

/// Sniffs, hashes and (for ZIP) lists the bytes of one attachment; what it unpacks is taken
/// from `budget`, and limits reached are recorded there.
pub fn describe_bytes(
    bytes: &[u8],
    filename: Option<String>,
    declared_type: String,
    budget: &mut Budget,
) -> Attachment {
    let mut sniffed = sniff(bytes);
    let mut att = Attachment {
        size: bytes.len(),
        sha256: hex(&Sha256::digest(bytes)),
        ..Attachment::default()
    };

    if sniffed == Some("zip") {
        list_zip(bytes, &mut att, budget);
        let has = |name: &str| {
            att.archive_members
                .iter()
                .any(|m| m.name.eq_ignore_ascii_case(name))
        };
        sniffed = if has("[Content_Types].xml") {
            Some("ooxml")
        } else if has("AppxManifest.xml") || has("AppxMetadata/AppxBundleManifest.xml") {
            Some("msix")
        } else if has("META-INF/MANIFEST.MF") {
            Some("jar")
        } else if has("AndroidManifest.xml") {
            Some("apk")
        } else if has("mimetype") {
            Some("odf")
        } else {
            sniffed
        };
        att.has_macros = att
            .archive_members
            .iter()
            .any(|m| m.name.to_ascii_lowercase().ends_with("vbaproject.bin"));
    } else if sniffed == Some("ole2") {
        att.has_macros = ole2_has_vba(bytes);
        // Password-protected .docx/.xlsx files are wrapped in an OLE2 container.
        const ENCRYPTED: &[u8] = b"E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0";
        if contains(bytes, ENCRYPTED) {
            sniffed = Some("office-encrypted");
        }
    }

    if sniffed == Some("pdf") {
        att.pdf = Some(crate::analysis::pdf::scan(bytes, budget));
    }

    let lower_name = filename.as_deref().unwrap_or("").to_ascii_lowercase();
    att.is_message = declared_type == "message/rfc822"
        || sniffed == Some("email")
        || lower_name.ends_with(".eml")
        || (lower_name.ends_with(".msg") && sniffed == Some("ole2"));

    let markup = matches!(sniffed, Some("html" | "svg"))
        || declared_type == "text/html"
        || declared_type == "image/svg+xml"
        || [
            ".htm", ".html", ".shtml", ".xhtml", ".svg", ".mht", ".mhtml",
        ]
        .iter()
        .any(|e| lower_name.ends_with(e));
    if markup {
        if bytes.len() > MAX_HTML_SCAN {
            budget.hit(Limit::HtmlAttachment, MAX_HTML_SCAN, Some(bytes.len()));
        }
        let (form, active) = scan_markup(bytes);
        att.html_has_form = form;
        att.html_has_script = active;
    }

    att.filename = filename;
    att.declared_type = declared_type;
    att.sniffed_type = sniffed.map(str::to_string);
    att
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn starts(bytes: &[u8], magic: &[u8]) -> bool {
    bytes.starts_with(magic)
}

fn at(bytes: &[u8], offset: usize, magic: &[u8]) -> bool {
    bytes
        .get(offset..offset.saturating_add(magic.len()))
        .is_some_and(|s| s == magic)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// Recognises a file type from its first bytes, whatever its name or declared type says.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if starts(bytes, b"MZ") {
        let pe_offset = bytes
            .get(0x3c..0x40)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map(u32::from_le_bytes)
            .and_then(|o| usize::try_from(o).ok());
        // A bare "MZ" is also how some text begins; the PE header makes it certain, but
        // an MZ header with a sane DOS stub is still a program.
        if pe_offset.is_some_and(|o| at(bytes, o, b"PE\0\0")) || bytes.len() >= 64 {
            return Some("pe-executable");
        }
    }
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x7fELF", "elf"),
        (b"\xfe\xed\xfa\xce", "mach-o"),
        (b"\xfe\xed\xfa\xcf", "mach-o"),
        (b"\xce\xfa\xed\xfe", "mach-o"),
        (b"\xcf\xfa\xed\xfe", "mach-o"),
        (b"PK\x03\x04", "zip"),
        (b"PK\x05\x06", "zip"),
        (b"PK\x07\x08", "zip"),
        (b"Rar!\x1a\x07", "rar"),
        (b"7z\xbc\xaf\x27\x1c", "7z"),
        (b"\x1f\x8b", "gzip"),
        (b"BZh", "bzip2"),
        (b"\xfd7zXZ\x00", "xz"),
        (b"MSCF", "cab"),
        (b"ITSF", "chm"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole2"),
        (
            b"\x4c\x00\x00\x00\x01\x14\x02\x00\x00\x00\x00\x00\xc0\x00\x00\x00\x00\x00\x00\x46",
            "lnk",
        ),
        (b"vhdxfile", "vhdx"),
        (b"conectix", "vhd"),
        (b"{\\rtf", "rtf"),
        (b"\x89PNG\r\n\x1a\n", "png"),
        (b"\xff\xd8\xff", "jpeg"),
        (b"GIF87a", "gif"),
        (b"GIF89a", "gif"),
        (b"II*\x00", "tiff"),
        (b"MM\x00*", "tiff"),
        (b"\x00\x00\x01\x00", "ico"),
        (b"OggS", "ogg"),
        (b"ID3", "mp3"),
    ];
    for (magic, kind) in MAGIC {
        if starts(bytes, magic) {
            return Some(kind);
        }
    }
    if starts(bytes, b"RIFF") && at(bytes, 8, b"WEBP") {
        return Some("webp");
    }
    if at(bytes, 4, b"ftyp") {
        return Some("mp4");
    }
    if starts(bytes, b"BM") && bytes.len() > 26 && at(bytes, 6, b"\0\0\0\0") {
        return Some("bmp");
    }
    // ISO 9660 and UDF volume descriptors sit at 32 KiB.
    for off in [0x8001usize, 0x8801, 0x9001] {
        if at(bytes, off, b"CD001") {
            return Some("iso9660");
        }
        if at(bytes, off, b"BEA01") || at(bytes, off, b"NSR02") || at(bytes, off, b"NSR03") {
            return Some("udf");
        }
    }
    // A fixed VHD keeps its footer in the last 512 bytes.
    if bytes.len() >= 512 && at(bytes, bytes.len() - 512, b"conectix") {
        return Some("vhd");
    }
    if bytes.get(..1024).is_some_and(|h| contains(h, b"%PDF-")) || starts(bytes, b"%PDF-") {
        return Some("pdf");
    }
    sniff_text(bytes)
}

/// Text formats: web pages, SVG, shortcuts, scripts, emails.
fn sniff_text(bytes: &[u8]) -> Option<&'static str> {
    let head = bytes.get(..4096).unwrap_or(bytes);
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    // Binary data has NULs or many control bytes; such data is not text.
    let controls = head
        .iter()
        .filter(|b| **b < 0x09 || (**b > 0x0d && **b < 0x20))
        .count();
    if head.is_empty() || controls * 20 > head.len() {
        return None;
    }
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let t = text.trim_start();
    if t.starts_with("[internetshortcut]") {
        return Some("url-shortcut");
    }
    if t.starts_with("[shell]") {
        return Some("scf");
    }
    if t.contains("<librarydescription") || t.contains("<searchconnectordescription") {
        return Some("library-ms");
    }
    if t.starts_with("<svg")
        || ((t.starts_with("<?xml") || t.starts_with("<!doctype svg")) && t.contains("<svg"))
    {
        return Some("svg");
    }
    const HTML_STARTS: &[&str] = &[
        "<!doctype html",
        "<html",
        "<head",
        "<body",
        "<script",
        "<meta",
        "<iframe",
        "<form",
        "<div",
        "<title",
        "<table",
        "<p>",
        "<!--",
        "<style",
        "<link",
        "<a ",
    ];
    if HTML_STARTS.iter().any(|p| t.starts_with(p)) {
        return Some("html");
    }
    if t.starts_with("<?xml") {
        return Some("xml");
    }
    if t.starts_with("#!") {
        return Some("script");
    }
    const MAIL_STARTS: &[&str] = &[
        "return-path:",
        "received:",
        "from:",
        "message-id:",
        "mime-version:",
        "delivered-to:",
        "date:",
        "x-",
    ];
    if (t.starts_with("from ") && t.contains("\nsubject:"))
        || (MAIL_STARTS.iter().any(|p| t.starts_with(p))
            && t.contains("\nsubject:")
            && (t.contains("\nfrom:") || t.starts_with("from:")))
    {
        return Some("email");
    }
    const SCRIPT_CUES: &[&str] = &[
        "wscript.",
        "createobject(",
        "activexobject",
        "@echo off",
        "powershell",
        "invoke-expression",
        "new-object ",
        "fromcharcode",
        "shell.application",
        "-encodedcommand",
        "cmd.exe",
        "mshta",
    ];
    if SCRIPT_CUES.iter().any(|c| t.contains(c)) {
        return Some("script");
    }
    Some("text")
}

/// Lists a ZIP archive's entries from its central directory (nothing is decompressed).
fn list_zip(bytes: &[u8], att: &mut Attachment, budget: &mut Budget) {
    let mut archive = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(a) => a,
        Err(e) => {
            att.archive_error = Some(format!("the archive could not be read ({e})"));
            return;
        }
    };
    let total = archive.len();
    for i in 0..total.min(MAX_ARCHIVE_ENTRIES) {
        match archive.by_index_raw(i) {
            Ok(entry) => {
                let encrypted = entry.encrypted();
                att.archive_encrypted |= encrypted;
                att.archive_members.push(ArchiveMember {
                    name: entry.name().to_string(),
                    size: entry.size(),
                    encrypted,
                });
            }
            Err(e) => {
                att.archive_error = Some(format!("entry {} could not be read ({e})", i + 1));
            }
        }
    }
    if total > MAX_ARCHIVE_ENTRIES {
        budget.hit(Limit::ArchiveEntries, MAX_ARCHIVE_ENTRIES, Some(total));
        att.archive_error = Some(format!(
            "only the first {MAX_ARCHIVE_ENTRIES} of {total} entries are listed"
        ));
    }
}

/// True when an old-style (OLE2) Office file holds a VBA macro project.
fn ole2_has_vba(bytes: &[u8]) -> bool {
    // Directory entries name their streams in UTF-16LE; every VBA project has these.
    const VBA_PROJECT: &[u8] = b"_\0V\0B\0A\0_\0P\0R\0O\0J\0E\0C\0T\0";
    const MACROS: &[u8] = b"M\0a\0c\0r\0o\0s\0";
    contains(bytes, VBA_PROJECT) || contains(bytes, MACROS)
}

/// Looks through an HTML/SVG attachment for a form and for active content: a script, an
/// event handler, a `javascript:` link, or an automatic redirect (meta refresh).
fn scan_markup(bytes: &[u8]) -> (bool, bool) {
    let head = bytes.get(..MAX_HTML_SCAN).unwrap_or(bytes);
    let text = String::from_utf8_lossy(head);
    let text = super::content::tame_tags(&text);
    let mut form = false;
    let mut active = false;
    for token in super::content::tokens(text.as_ref()) {
        let Token::StartTag(tag) = token else {
            continue;
        };
        match tag.name.as_slice() {
            b"form" => form = true,
            b"input" => {
                let kind = tag
                    .attributes
                    .get(&b"type"[..])
                    .map(|v| v.value.to_ascii_lowercase());
                if kind.as_deref() == Some(b"password".as_slice()) {
                    form = true;
                }
            }
            b"script" => active = true,
            b"meta" => {
                let refresh = tag
                    .attributes
                    .get(&b"http-equiv"[..])
                    .is_some_and(|v| v.value.eq_ignore_ascii_case(b"refresh"));
                let target = tag
                    .attributes
                    .get(&b"content"[..])
                    .is_some_and(|v| contains(&v.value.to_ascii_lowercase(), b"url="));
                active |= refresh && target;
            }
            _ => {}
        }
        for (name, value) in &tag.attributes {
            if name.len() > 2 && name.starts_with(b"on") {
                active = true;
            }
            let v: Vec<u8> = value
                .value
                .iter()
                .filter(|b| !b.is_ascii_whitespace())
                .take(16)
                .map(u8::to_ascii_lowercase)
                .collect();
            if v.starts_with(b"javascript:") {
                active = true;
            }
        }
        if form && active {
            break;
        }
    }
    (form, active)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut buf = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            for (name, data) in entries {
                w.start_file(*name, opts).expect("zip entry");
                w.write_all(data).expect("zip write");
            }
            w.finish().expect("zip finish");
        }
        buf.into_inner()
    }

    fn pe() -> Vec<u8> {
        let mut b = vec![0u8; 256];
        b[0] = b'M';
        b[1] = b'Z';
        b[0x3c] = 0x80;
        b[0x80..0x84].copy_from_slice(b"PE\0\0");
        b
    }

    #[test]
    fn sniffs_common_types() {
        assert_eq!(sniff(&pe()), Some("pe-executable"));
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some("pdf"));
        assert_eq!(sniff(b"\x7fELF\x02\x01"), Some("elf"));
        assert_eq!(sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"), Some("ole2"));
        assert_eq!(sniff(b"  <!DOCTYPE html><html>"), Some("html"));
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\">"),
            Some("svg")
        );
        assert_eq!(
            sniff(b"[InternetShortcut]\r\nURL=http://x"),
            Some("url-shortcut")
        );
        assert_eq!(
            sniff(b"Set o = CreateObject(\"WScript.Shell\")"),
            Some("script")
        );
        assert_eq!(sniff(b"Hello, just text."), Some("text"));
        let mut iso = vec![0u8; 0x8010];
        iso[0x8001..0x8006].copy_from_slice(b"CD001");
        assert_eq!(sniff(&iso), Some("iso9660"));
        assert_eq!(sniff(&[0u8, 1, 2, 3, 0, 0, 0, 5]), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn zip_is_listed_without_extracting() {
        let z = zip_with(&[("docs/invoice.pdf.exe", &pe()), ("readme.txt", b"hi")]);
        let a = describe_bytes(
            &z,
            Some("files.zip".into()),
            "application/zip".into(),
            &mut Budget::new(),
        );
        assert_eq!(a.sniffed_type.as_deref(), Some("zip"));
        assert_eq!(a.archive_members.len(), 2);
        assert_eq!(a.archive_members[0].name, "docs/invoice.pdf.exe");
        assert_eq!(a.archive_members[0].size, 256);
        assert!(!a.archive_encrypted);
        assert_eq!(a.sha256.len(), 64);
    }

    #[test]
    fn ooxml_with_macros_is_recognised() {
        let z = zip_with(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("word/vbaProject.bin", b"\0\0"),
        ]);
        let a = describe_bytes(
            &z,
            Some("report.docm".into()),
            "application/octet-stream".into(),
            &mut Budget::new(),
        );
        assert_eq!(a.sniffed_type.as_deref(), Some("ooxml"));
        assert!(a.has_macros);
    }

    #[test]
    fn old_office_files_with_vba_are_recognised() {
        let mut doc = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1".to_vec();
        doc.extend_from_slice(&[0u8; 200]);
        let plain = describe_bytes(
            &doc,
            Some("a.doc".into()),
            "application/msword".into(),
            &mut Budget::new(),
        );
        assert_eq!(plain.sniffed_type.as_deref(), Some("ole2"));
        assert!(!plain.has_macros);
        doc.extend("_VBA_PROJECT".encode_utf16().flat_map(u16::to_le_bytes));
        let with_vba = describe_bytes(
            &doc,
            Some("a.doc".into()),
            "application/msword".into(),
            &mut Budget::new(),
        );
        assert!(with_vba.has_macros);
    }

    #[test]
    fn broken_zip_reports_an_error_instead_of_panicking() {
        let a = describe_bytes(
            b"PK\x03\x04garbage",
            Some("x.zip".into()),
            "application/zip".into(),
            &mut Budget::new(),
        );
        assert!(a.archive_error.is_some());
        assert!(a.archive_members.is_empty());
    }

    #[test]
    fn html_attachment_form_and_script() {
        let page = b"<html><body><form action=x><input type=password></form>\
                     <img src=x onerror=\"go()\"></body></html>";
        let a = describe_bytes(
            page,
            Some("scan.htm".into()),
            "text/html".into(),
            &mut Budget::new(),
        );
        assert!(a.html_has_form);
        assert!(a.html_has_script);
        let plain = describe_bytes(
            b"<html><p>Receipt</p></html>",
            Some("r.html".into()),
            "text/html".into(),
            &mut Budget::new(),
        );
        assert!(!plain.html_has_form && !plain.html_has_script);
        let redirect = describe_bytes(
            b"<meta http-equiv=\"refresh\" content=\"0; url=https://x.example\">",
            Some("doc.html".into()),
            "text/html".into(),
            &mut Budget::new(),
        );
        assert!(redirect.html_has_script);
    }

    #[test]
    fn a_cut_off_base64_attachment_is_still_decoded() {
        // The outer boundary never closes, so the parser flags an encoding problem.
        let raw = "From: a@example.com\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary=o\r\n\r\n\
                   --o\r\nContent-Type: text/plain\r\n\r\nhi\r\n\
                   --o\r\nContent-Type: application/pdf; name=\"a.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n\
                   JVBERi0xLjQNCiWhs8XXDQoxIDAgb2Jq\r\nDQo8PC9UeXBlL0NhdGFsb2c+Pg0K\r\n!!";
        let msg = mail_parser::MessageParser::default()
            .parse(raw.as_bytes())
            .expect("parses");
        let atts = extract(&msg, &mut Budget::new());
        let pdf = atts.iter().find(|a| a.filename.as_deref() == Some("a.pdf"));
        assert!(pdf.is_some(), "{atts:#?}");
        let kind = pdf.and_then(|a| a.sniffed_type.as_deref());
        assert!(matches!(kind, Some("pdf")), "{atts:#?}");
    }

    #[test]
    fn uuencoded_data_is_decoded() {
        // "Cat" uuencoded.
        assert_eq!(
            uudecode(b"begin 644 cat.txt\n#0V%T\n`\nend\n").as_deref(),
            Some(&b"Cat"[..])
        );
        assert_eq!(uudecode(b"no header here"), None);
    }

    #[test]
    fn an_eml_sent_as_a_plain_file_is_opened_too() {
        let inner = "From: b@example.org\r\nSubject: inner\r\nContent-Type: multipart/mixed; boundary=i\r\n\r\n\
                     --i\r\nContent-Type: text/plain\r\n\r\nhello\r\n\
                     --i\r\nContent-Type: application/octet-stream; name=\"a.js\"\r\n\r\nWScript.Echo(1)\r\n--i--\r\n";
        let b64 = {
            // Minimal base64 so the test needs no extra crate.
            const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            let mut out = String::new();
            for chunk in inner.as_bytes().chunks(3) {
                let b = [
                    chunk[0],
                    *chunk.get(1).unwrap_or(&0),
                    *chunk.get(2).unwrap_or(&0),
                ];
                let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
                for k in 0..4 {
                    if k <= chunk.len() {
                        out.push(char::from(T[((n >> (18 - 6 * k)) & 63) as usize]));
                    } else {
                        out.push('=');
                    }
                }
            }
            out
        };
        let raw = format!(
            "From: a@example.com\r\nSubject: fw\r\nContent-Type: multipart/mixed; boundary=o\r\n\r\n\
             --o\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n\
             --o\r\nContent-Type: application/octet-stream; name=\"fw.eml\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{b64}\r\n--o--\r\n"
        );
        let msg = mail_parser::MessageParser::default()
            .parse(raw.as_bytes())
            .expect("parses");
        let atts = extract(&msg, &mut Budget::new());
        assert!(atts.first().is_some_and(|a| a.is_message), "{atts:#?}");
        assert!(
            atts.iter()
                .any(|a| a.filename.as_deref() == Some("a.js") && a.parent == Some(0)),
            "{atts:#?}"
        );
    }

    #[test]
    fn attachments_left_when_time_runs_out_are_named_and_counted() {
        let raw = "From: a@example.com\r\nSubject: t\r\nContent-Type: multipart/mixed; boundary=o\r\n\r\n\
                   --o\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n\
                   --o\r\nContent-Type: application/pdf; name=\"a.pdf\"\r\n\r\n%PDF-1.4 /URI (https://x.example/)\r\n\
                   --o\r\nContent-Type: application/zip; name=\"b.zip\"\r\n\r\nPK\x03\x04\r\n\
                   --o--\r\n";
        let msg = mail_parser::MessageParser::default()
            .parse(raw.as_bytes())
            .expect("parses");
        let mut budget = Budget::with_attachment_time(std::time::Duration::ZERO);
        std::thread::sleep(std::time::Duration::from_millis(2));
        let atts = extract(&msg, &mut budget);
        assert_eq!(atts.len(), 2);
        assert_eq!(atts[0].filename.as_deref(), Some("a.pdf"));
        assert!(atts
            .iter()
            .all(|a| a.pdf.is_none() && a.sniffed_type.is_none()));
        let hits = budget.into_hits();
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].what, Limit::Time);
        assert_eq!((hits[0].examined, hits[0].total), (0, Some(2)));
        assert!(
            hits[0].text().contains("only 0 of 2 attachments"),
            "{}",
            hits[0].text()
        );
    }

    #[test]
    fn attached_messages_are_opened_one_level() {
        let raw = "From: a@example.com\r\nSubject: fw\r\nContent-Type: multipart/mixed; boundary=o\r\n\r\n\
                   --o\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n\
                   --o\r\nContent-Type: message/rfc822\r\n\r\n\
                   From: b@example.org\r\nSubject: inner\r\nContent-Type: multipart/mixed; boundary=i\r\n\r\n\
                   --i\r\nContent-Type: text/plain\r\n\r\nhello\r\n\
                   --i\r\nContent-Type: application/octet-stream; name=\"run.exe\"\r\nContent-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAAAAA==\r\n\
                   --i--\r\n\
                   --o--\r\n";
        let msg = mail_parser::MessageParser::default()
            .parse(raw.as_bytes())
            .expect("parses");
        let atts = extract(&msg, &mut Budget::new());
        assert_eq!(atts.len(), 2, "{atts:#?}");
        assert!(atts[0].is_message);
        assert_eq!(atts[1].filename.as_deref(), Some("run.exe"));
        assert_eq!(atts[1].parent, Some(0));
        assert_eq!(atts[1].sniffed_type.as_deref(), Some("pe-executable"));
    }
}
