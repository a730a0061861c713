//! Messages attached to a message: "forwarded as attachment" reports, whose carrier is
//! usually a colleague's genuine forward and whose attachment is the message that matters.

use mail_parser::{MessageParser, MimeHeaders, PartType};

use super::{check_bytes, msg, LoadError, Origin};

/// At most this many attached messages are taken from one message (see `limits`).
pub const MAX_ATTACHED: usize = crate::limits::ATTACHED_MESSAGES;

/// One message attached to another.
#[derive(Debug)]
pub struct Attached {
    /// The attachment's file name, or the attached message's subject.
    pub name: String,
    /// The attached message's bytes (an attached `.msg` is rebuilt), or why it cannot be read.
    pub bytes: Result<Vec<u8>, LoadError>,
    /// Whether the bytes are the attached message itself or rebuilt from a `.msg`.
    pub origin: Origin,
    /// Limits reached while rebuilding an attached `.msg`.
    pub limits: Vec<crate::limits::LimitHit>,
}

/// The messages attached directly to a message, and how many more there were beyond
/// `MAX_ATTACHED`.
#[derive(Debug, Default)]
pub struct AttachedMessages {
    pub messages: Vec<Attached>,
    pub beyond: usize,
}

/// The messages attached directly to `raw` (not those inside them: the caller recurses,
/// so it can bound the depth and link each to its own carrier).
pub fn find(raw: &[u8], max_size: usize) -> AttachedMessages {
    let Ok(body) = check_bytes(raw, max_size) else {
        return AttachedMessages::default();
    };
    let Some(message) = MessageParser::default().parse(body) else {
        return AttachedMessages::default();
    };
    // A delivery report (bounce) returns the reader's own message to them: that copy is
    // not a report of someone else's mail, and judging it as one only cries wolf.
    let is_report = message.content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("multipart")
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
    });
    if is_report {
        return AttachedMessages::default();
    }
    let mut out = Vec::new();
    let mut beyond = 0;
    for id in &message.attachments {
        let Some(part) = message.parts.get(*id as usize) else {
            continue;
        };
        if out.len() >= MAX_ATTACHED {
            beyond += usize::from(is_message(part));
            continue;
        }
        let file_name = part
            .attachment_name()
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty());
        let lower = file_name.as_deref().unwrap_or("").to_ascii_lowercase();
        let declared_message = declared_message(part);
        match &part.body {
            PartType::Message(inner) => {
                let name = file_name
                    .or_else(|| inner.subject().map(str::to_string))
                    .unwrap_or_else(|| "attached message".into());
                out.push(Attached {
                    name,
                    bytes: Ok(inner.raw_message().to_vec()),
                    origin: Origin::Original,
                    limits: Vec::new(),
                });
            }
            PartType::Binary(bytes) | PartType::InlineBinary(bytes) => {
                let bytes = bytes.as_ref();
                let name = file_name
                    .clone()
                    .unwrap_or_else(|| "attached message".into());
                if msg::is_msg(bytes) && (lower.ends_with(".msg") || lower.is_empty()) {
                    let (bytes, transport_headers, limits) = match msg::rebuild(bytes, 0) {
                        Ok(r) => (Ok(r.bytes), r.transport_headers, r.limits),
                        Err(e) => (Err(e), false, Vec::new()),
                    };
                    out.push(Attached {
                        name,
                        bytes,
                        origin: Origin::Outlook { transport_headers },
                        limits,
                    });
                } else if lower.ends_with(".eml") || declared_message {
                    out.push(Attached {
                        name,
                        bytes: Ok(bytes.to_vec()),
                        origin: Origin::Original,
                        limits: Vec::new(),
                    });
                }
            }
            PartType::Text(text) if lower.ends_with(".eml") || declared_message => {
                out.push(Attached {
                    name: file_name.unwrap_or_else(|| "attached message".into()),
                    bytes: Ok(text.as_bytes().to_vec()),
                    origin: Origin::Original,
                    limits: Vec::new(),
                });
            }
            _ => {}
        }
    }
    AttachedMessages {
        messages: out,
        beyond,
    }
}

/// Whether the part is declared `message/rfc822`.
fn declared_message(part: &mail_parser::MessagePart) -> bool {
    part.content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("message")
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("rfc822"))
    })
}

/// Whether `find` would take this part as an attached message.
fn is_message(part: &mail_parser::MessagePart) -> bool {
    let lower = part
        .attachment_name()
        .map(|n| n.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let declared_message = declared_message(part);
    match &part.body {
        PartType::Message(_) => true,
        PartType::Binary(bytes) | PartType::InlineBinary(bytes) => {
            (msg::is_msg(bytes) && (lower.ends_with(".msg") || lower.is_empty()))
                || lower.ends_with(".eml")
                || declared_message
        }
        PartType::Text(_) => lower.ends_with(".eml") || declared_message,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_attached_rfc822_message_and_an_attached_eml_file_are_both_found() {
        let raw = b"From: colleague@example.org\r\nSubject: Fwd: look\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nFrom: bad@example.net\r\nSubject: inner one\r\n\r\nhello\r\n--b\r\nContent-Type: application/octet-stream; name=\"two.eml\"\r\nContent-Disposition: attachment; filename=\"two.eml\"\r\nContent-Transfer-Encoding: base64\r\n\r\nRnJvbTogYkBleGFtcGxlLm5ldA0KU3ViamVjdDogdHdvDQoNCmhpDQo=\r\n--b--\r\n";
        let found = find(raw, 1_000_000).messages;
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].name, "inner one");
        assert!(found[0].bytes.as_ref().unwrap().starts_with(b"From: bad@"));
        assert_eq!(found[1].name, "two.eml");
        assert!(found[1].bytes.as_ref().unwrap().starts_with(b"From: b@"));
    }

    #[test]
    fn a_bounce_returning_the_original_is_not_a_forwarded_report() {
        let raw = b"From: MAILER-DAEMON@example.org\r\nSubject: Undelivered\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nStatus: 5.1.1\r\n\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nFrom: me@example.org\r\nSubject: mine\r\n\r\nhello\r\n--b--\r\n";
        assert!(find(raw, 1_000_000).messages.is_empty());
    }

    #[test]
    fn ordinary_attachments_are_not_messages() {
        let raw = b"From: a@example.org\r\nSubject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\nContent-Type: application/pdf; name=\"a.pdf\"\r\nContent-Disposition: attachment\r\n\r\n%PDF-1.4\r\n--b--\r\n";
        assert!(find(raw, 1_000_000).messages.is_empty());
    }
}
