//! Pure analysis: raw bytes → `Report`. Never touches the network or the GUI.

pub mod attachments;
pub mod auth;
pub mod checks;
pub mod content;
pub mod domains;
pub mod filter;
pub mod headers;
pub mod identity;
pub mod knowledge;
pub mod links;
pub mod path;
pub mod pdf;
pub mod sender;
mod types;
pub mod verdict;

pub use types::*;

use crate::load::{self, LoadError};

/// Settings for one analysis.
#[derive(Debug, Clone)]
pub struct Options {
    /// Largest message read, in bytes.
    pub max_size: usize,
    /// "Now" as Unix seconds, for future-date checks. None = do not judge dates against the clock.
    pub now: Option<i64>,
    /// The reader's own domains (for lookalike checks), lowercased.
    pub own_domains: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_size: load::DEFAULT_MAX_SIZE,
            now: None,
            own_domains: Vec::new(),
        }
    }
}

impl Options {
    /// Default options with `now` taken from the system clock.
    pub fn with_clock() -> Self {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
            .and_then(|d| i64::try_from(d.as_secs()).ok());
        Options {
            now,
            ..Options::default()
        }
    }
}

/// Analyses one message. Same bytes and options → same report.
pub fn analyze(raw: &[u8], opts: &Options) -> Result<Report, LoadError> {
    let body = load::check_bytes(raw, opts.max_size)?;
    let Some(msg) = mail_parser::MessageParser::default().parse(body) else {
        return Err(LoadError::NotEmail(
            "no header block could be read from it".into(),
        ));
    };
    let headers = headers::collect(&msg, body);
    if headers.is_empty() {
        return Err(LoadError::NotEmail(
            "no header block could be read from it".into(),
        ));
    }
    let mut report = Report {
        size_bytes: raw.len(),
        subject: msg.subject().map(|s| s.trim().to_string()),
        ..Report::default()
    };
    report.identity = identity::extract(&msg, &headers);
    report.path = path::extract(&msg, &headers, &report.identity, opts);
    if report.identity.envelope_recipient.is_none() {
        // The topmost trusted hop that names a recipient is the recipient's own server speaking.
        report.identity.envelope_recipient = report
            .path
            .hops
            .iter()
            .rev()
            .filter(|h| h.trusted)
            .find_map(|h| h.for_addr.clone());
    }
    let from_domain = report.identity.from.as_ref().and_then(|f| f.domain.clone());
    report.auth = auth::extract(&headers, &report.path, from_domain.as_deref());
    report.content = content::extract(&msg);
    if report.content.truncated {
        report.notes.push(format!(
            "The body is very large: only its first {} KB of HTML and {} KB of text were read",
            content::MAX_HTML_BYTES / 1024,
            content::MAX_TEXT_BYTES / 1024
        ));
    }
    report.attachments = attachments::extract(&msg);
    add_pdf_links(&mut report);
    links::resolve(&mut report.content.links);
    report.filter = filter::extract(&headers);
    report.headers = headers;
    finish(&mut report, opts);
    Ok(report)
}

/// Works out the sender facts, runs the checklist and decides the verdict from what the
/// report holds now.
pub fn finish(report: &mut Report, opts: &Options) {
    (report.sender, report.kind) = sender::derive(report);
    report.checks = checks::run(report, opts);
    verdict::decide(report);
}

/// Merges live (re-checked now) authentication results and recomputes the verdict.
pub fn apply_live(report: &mut Report, live: LiveAuth, opts: &Options) {
    auth::merge_live(&mut report.auth, live);
    finish(report, opts);
}

/// Puts the web links found inside PDF attachments among the message's links, marked with
/// the file they sit in, so every link check looks at them too.
fn add_pdf_links(report: &mut Report) {
    for a in &report.attachments {
        let Some(pdf) = a.pdf.as_ref() else {
            continue;
        };
        let name = a
            .filename
            .clone()
            .unwrap_or_else(|| "an attached PDF".to_string());
        for href in &pdf.links {
            if report.content.links.len() >= content::MAX_LINKS {
                return;
            }
            report.content.links.push(Link {
                href: href.clone(),
                shown_text: String::new(),
                host: content::host_of(href),
                shown_host: None,
                from_html: false,
                in_attachment: Some(name.clone()),
                ..Link::default()
            });
        }
    }
}
