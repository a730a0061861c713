//! Pure analysis: raw bytes → `Report`. Never touches the network or the GUI.
//!
//! `analyze` runs the stages in order: extractors read the message into facts, the facts
//! stage derives what several checks and views need (link destinations, sender facts,
//! message kind), then the checklist reads those facts and the verdict weighs the checks.
//!
//! Module map:
//! - `types`: the `Report` and every type it holds, plus `Options` (shared by all stages)
//! - `headers`: the raw header block, unfolded, in order
//! - `identity`: From / Sender / Reply-To / Return-Path and organisational domains
//! - `path`: the Received chain → hops, delays, trust boundary, anomalies
//! - `received`: one Received line → its clauses, HELO vs verified name, address, date
//! - `auth`: recorded SPF/DKIM/DMARC/ARC results, believed only inside the boundary
//! - `content`: bodies → safe text, links (href vs shown text), forms, hidden text
//! - `attachments`: names, declared vs sniffed types, archives listed, hashes
//! - `pdf`: links and active content inside PDF attachments, read as bytes
//! - `filter`: what the receiving mail filter already said
//! - `links`: link facts: destination behind protection wrappers, redirect target, where found
//! - `sender`: sender facts (who is proven, aligned, list, mailing service) and message kind
//! - `domains`: brand, look-alike and provider logic over the knowledge tables
//! - `knowledge`: the knowledge of the field, loaded from `assets/knowledge/*.toml`
//! - `checks`: the red-flag checklist, one small unit per check, read facts only
//! - `verdict`: checks → verdict, headline and ranked reasons
//! - `text`: small text helpers shared by extractors, checks and views

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
pub mod received;
pub mod sender;
pub mod text;
mod types;
pub mod verdict;

pub use types::*;

use crate::limits::{Budget, Limit};
use crate::load::{self, LoadError};

/// The message parser the analysis uses: it decodes only the headers whose parsed value
/// the extractors read (the addresses, Return-Path, date, subject and message ID of the identity, and
/// the MIME headers that shape the parts). Every other header is only located (name and
/// byte range), since `headers::collect` reads its value from the raw bytes; parsing
/// Received, List-* or References headers into values nobody reads was a good part of
/// the parse.
pub fn parser() -> &'static mail_parser::MessageParser {
    use mail_parser::HeaderName;
    static PARSER: std::sync::OnceLock<mail_parser::MessageParser> = std::sync::OnceLock::new();
    PARSER.get_or_init(|| {
        mail_parser::MessageParser::new()
            .with_mime_headers()
            .header_address(HeaderName::From)
            .header_address(HeaderName::Sender)
            .header_address(HeaderName::ReplyTo)
            .header_address(HeaderName::To)
            .header_address(HeaderName::Cc)
            .header_date(HeaderName::Date)
            .header_text(HeaderName::Subject)
            .header_id(HeaderName::MessageId)
            .header_id(HeaderName::ReturnPath)
            .default_header_ignore()
    })
}

/// Analyses one message. Same bytes and options → same report.
pub fn analyze(raw: &[u8], opts: &Options) -> Result<Report, LoadError> {
    let body = load::check_bytes(raw, opts.max_size)?;
    let Some(msg) = parser().parse(body) else {
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
    report.path = path::extract(&headers, &report.identity, opts);
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
    let mut budget = Budget::new();
    let received = path::received_lines(&headers);
    if received > crate::limits::HOPS {
        budget.hit(Limit::Hops, crate::limits::HOPS, Some(received));
    }
    report.content = content::extract(&msg, &mut budget);
    report.attachments = attachments::extract(&msg, &mut budget);
    links::add_attachment_links(&mut report.content.links, &report.attachments, &mut budget);
    report.limits = budget.into_hits();
    links::resolve(&mut report.content.links);
    report.filter = filter::extract(&headers);
    report.report_type = sender::report_type(&headers);
    report.auto_submitted = sender::auto_submitted(&headers);
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

/// Drops live results (offline mode was turned on) and recomputes the verdict from what
/// the message recorded, as an offline analysis of it would.
pub fn drop_live(report: &mut Report, opts: &Options) {
    if report.auth.live.is_none() {
        return;
    }
    auth::forget_live(&mut report.auth);
    finish(report, opts);
}
