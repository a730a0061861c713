//! Every limit on how much of one message mailsleuth examines, in one place, and the
//! record of a message reaching one.
//!
//! Hostile mail is sometimes built to be too big to check: a deceptive link after a thousand
//! harmless ones, a program as the 201st attachment, a payload nested deeper than anyone
//! opens, PDFs that unpack to gigabytes. Limits are needed so that one message cannot take
//! minutes or gigabytes, but a limit must never hide anything silently: when a message
//! reaches one, the report says what was not examined (`Report::limits`, shown in every
//! output and in JSON `notes` as `{kind: "limit", what, examined, total}`), and the check
//! `too-big-to-check` keeps the verdict at caution or above.
//!
//! Where examining everything is cheap it is done instead: repeated links are examined once
//! (a list of 100,000 copies of one link is one link), and a host name label longer than
//! DNS allows is judged invalid instead of being compared letter by letter.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// Different links (destination and shown text) examined per message.
pub const LINKS: usize = 1000;
/// Received lines read (the newest ones). RFC 5321 §6.3 has servers treat more than 100
/// as a mail loop and refuse the message, so a delivered message carrying more was made so.
pub const HOPS: usize = 100;
/// Bytes of plain text read from the message's own text parts.
pub const TEXT_BYTES: usize = 200 * 1024;
/// Bytes of HTML read from the message's own HTML parts.
pub const HTML_BYTES: usize = 2 * 1024 * 1024;
/// Different form destinations (where typed-in data is sent) checked per message.
pub const FORMS: usize = 20;
/// Attachments examined per message (those of attached messages included).
pub const ATTACHMENTS: usize = 200;
/// Entries listed per archive.
pub const ARCHIVE_ENTRIES: usize = 500;
/// Attached messages are opened this many levels deep (a message attached to a message
/// attached to a message), no deeper.
pub const NESTING: usize = 3;
/// Attached messages taken from one message to be checked as entries of their own.
pub const ATTACHED_MESSAGES: usize = 20;
/// Bytes of an HTML or SVG attachment read when looking for forms and scripts.
pub const HTML_ATTACHMENT_BYTES: usize = 1024 * 1024;
/// Compressed streams unpacked per PDF file.
pub const PDF_STREAMS: usize = 512;
/// Bytes all streams of one PDF file may unpack to together.
pub const PDF_FILE_BYTES: usize = 16 * 1024 * 1024;
/// Web links kept per PDF file: as many as the message may have, since a brochure or a
/// catalogue can carry hundreds and each is cheap to check.
pub const PDF_LINKS: usize = LINKS;
/// Bytes all the PDF attachments of one message may unpack to together.
pub const UNPACKED_BYTES: usize = 64 * 1024 * 1024;
/// Time spent looking inside attachments of one message; what is left when it runs out is
/// named, not examined. A backstop: the byte limits above keep real and crafted mail far
/// below it.
pub const ATTACHMENT_TIME: Duration = Duration::from_millis(1500);
/// Files the app opens from one folder, and messages it lists from one mailbox file; each
/// says so when there were more, and points to `mailsleuth check` for the rest.
pub const APP_FOLDER_FILES: usize = 200;
pub const APP_MESSAGES_PER_FILE: usize = 200;
/// Messages read from one mbox file.
pub const MBOX_MESSAGES: usize = 100_000;
/// Attachments carried over from one Outlook `.msg` file.
pub const MSG_ATTACHMENTS: usize = 200;
/// Attached `.msg` files inside attached `.msg` files: this deep and no deeper.
pub const MSG_NESTING: usize = 3;

/// Which limit a message reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Limit {
    Hops,
    Links,
    Forms,
    Text,
    Html,
    Attachments,
    ArchiveEntries,
    Nesting,
    AttachedMessages,
    HtmlAttachment,
    PdfStreams,
    PdfLinks,
    Unpacked,
    Time,
}

impl Limit {
    pub fn as_str(self) -> &'static str {
        match self {
            Limit::Hops => "hops",
            Limit::Links => "links",
            Limit::Forms => "forms",
            Limit::Text => "text",
            Limit::Html => "html",
            Limit::Attachments => "attachments",
            Limit::ArchiveEntries => "archive-entries",
            Limit::Nesting => "nesting",
            Limit::AttachedMessages => "attached-messages",
            Limit::HtmlAttachment => "html-attachment",
            Limit::PdfStreams => "pdf-streams",
            Limit::PdfLinks => "pdf-links",
            Limit::Unpacked => "unpacked",
            Limit::Time => "time",
        }
    }
}

/// A limit one message reached: how much of what was examined, out of how much (None when
/// the whole is not known, as for PDFs that would unpack to more than was read).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitHit {
    pub what: Limit,
    pub examined: u64,
    pub total: Option<u64>,
}

impl LimitHit {
    pub fn new(what: Limit, examined: usize, total: Option<usize>) -> LimitHit {
        let n = |v: usize| u64::try_from(v).unwrap_or(u64::MAX);
        LimitHit {
            what,
            examined: n(examined),
            total: total.map(n),
        }
    }

    /// What was not examined, in plain words.
    pub fn text(&self) -> String {
        let e = count(self.examined);
        let t = self.total.map(count).unwrap_or_else(|| "more".into());
        let total_bytes = self.total.map(bytes).unwrap_or_else(|| "more".into());
        let unseen = self
            .total
            .map(|t| count(t.saturating_sub(self.examined)))
            .unwrap_or_else(|| "some".into());
        match self.what {
            Limit::Hops => format!(
                "Only the newest {e} of its {t} Received lines were read (mail servers refuse a message with more than 100)"
            ),
            Limit::Links => format!("Only the first {e} of {t} different links were checked"),
            Limit::Forms => format!(
                "Only the first {e} of {t} places its forms send what you type were checked"
            ),
            Limit::Text => format!(
                "Only the first {} of {} of its text were read",
                bytes(self.examined),
                total_bytes
            ),
            Limit::Html => format!(
                "Only the first {} of {} of its HTML were read",
                bytes(self.examined),
                total_bytes
            ),
            Limit::Attachments => {
                format!("Only the first {e} of {t} attachments were looked at")
            }
            Limit::ArchiveEntries => {
                format!("Only {e} of the {t} files inside its archives were listed")
            }
            Limit::Nesting => format!(
                "{unseen} message(s) attached more than {NESTING} levels deep were not opened"
            ),
            Limit::AttachedMessages => format!(
                "Only the first {e} of {t} attached messages were checked as entries of their own"
            ),
            Limit::HtmlAttachment => format!(
                "Only the first {} of its HTML attachments were searched for forms and scripts ({} in all)",
                bytes(self.examined),
                total_bytes
            ),
            Limit::PdfStreams => {
                format!("Only {e} of the {t} compressed parts of its PDF files were unpacked")
            }
            Limit::PdfLinks => {
                format!("Only {e} of the {t} links inside its PDF files were kept and checked")
            }
            Limit::Unpacked => format!(
                "Its PDF files unpack to more than mailsleuth reads ({} per file, {} per message); the rest was not examined",
                bytes(PDF_FILE_BYTES as u64),
                bytes(UNPACKED_BYTES as u64)
            ),
            Limit::Time => format!(
                "Looking inside its attachments took too long: only {e} of {t} attachments were looked inside"
            ),
        }
    }
}

/// 1234567 → "1,234,567".
fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A byte count in the unit a person reads: "200 KB", "64 MB".
fn bytes(n: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    if n >= MB {
        format!("{} MB", count(n.div_ceil(MB)))
    } else if n >= KB {
        format!("{} KB", count(n.div_ceil(KB)))
    } else {
        format!("{} bytes", count(n))
    }
}

/// What one message may still spend while it is read, and the limits it reached so far.
#[derive(Debug)]
pub struct Budget {
    started: Instant,
    attachment_time: Duration,
    unpack_left: usize,
    hits: Vec<LimitHit>,
}

impl Default for Budget {
    fn default() -> Self {
        Budget::new()
    }
}

impl Budget {
    pub fn new() -> Budget {
        Budget::with_attachment_time(ATTACHMENT_TIME)
    }

    /// A budget whose time for looking inside attachments is `time` instead of
    /// `ATTACHMENT_TIME`, for a caller that must answer sooner.
    pub fn with_attachment_time(time: Duration) -> Budget {
        Budget {
            started: Instant::now(),
            attachment_time: time,
            unpack_left: UNPACKED_BYTES,
            hits: Vec::new(),
        }
    }

    /// Records that a limit was reached. The same limit reached again (a second archive,
    /// another PDF) adds to the first record.
    pub fn hit(&mut self, what: Limit, examined: usize, total: Option<usize>) {
        let new = LimitHit::new(what, examined, total);
        match self.hits.iter_mut().find(|h| h.what == what) {
            Some(h) => {
                h.examined = h.examined.saturating_add(new.examined);
                h.total = match (h.total, new.total) {
                    (Some(a), Some(b)) => Some(a.saturating_add(b)),
                    _ => None,
                };
            }
            None => self.hits.push(new),
        }
    }

    /// Bytes that may still be unpacked, at most `want`; what is granted is spent.
    pub fn take_unpacked(&mut self, want: usize) -> usize {
        let granted = want.min(self.unpack_left);
        self.unpack_left -= granted;
        granted
    }

    /// Returns bytes granted by `take_unpacked` that were not used.
    pub fn give_back(&mut self, unused: usize) {
        self.unpack_left = (self.unpack_left + unused).min(UNPACKED_BYTES);
    }

    /// Whether the time for looking inside attachments has run out.
    pub fn out_of_time(&self) -> bool {
        self.started.elapsed() > self.attachment_time
    }

    pub fn reached(&self, what: Limit) -> bool {
        self.hits.iter().any(|h| h.what == what)
    }

    pub fn into_hits(self) -> Vec<LimitHit> {
        self.hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_words_say_what_was_not_examined() {
        let links = LimitHit::new(Limit::Links, 1000, Some(4210));
        assert_eq!(
            links.text(),
            "Only the first 1,000 of 4,210 different links were checked"
        );
        let unpacked = LimitHit::new(Limit::Unpacked, UNPACKED_BYTES, None);
        assert_eq!(
            unpacked.text(),
            "Its PDF files unpack to more than mailsleuth reads (16 MB per file, 64 MB per message); the rest was not examined"
        );
        let nested = LimitHit::new(Limit::Nesting, 3, Some(4));
        assert!(nested
            .text()
            .starts_with("1 message(s) attached more than 3 levels"));
    }

    #[test]
    fn a_limit_reached_twice_adds_up() {
        let mut b = Budget::new();
        b.hit(Limit::ArchiveEntries, 500, Some(800));
        b.hit(Limit::ArchiveEntries, 500, Some(501));
        let hits = b.into_hits();
        assert_eq!(hits.len(), 1);
        assert_eq!((hits[0].examined, hits[0].total), (1000, Some(1301)));
    }

    #[test]
    fn the_unpacking_budget_is_shared_and_spent() {
        let mut b = Budget::new();
        assert_eq!(b.take_unpacked(UNPACKED_BYTES - 10), UNPACKED_BYTES - 10);
        assert_eq!(b.take_unpacked(100), 10);
        assert_eq!(b.take_unpacked(100), 0);
    }
}
