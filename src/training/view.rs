//! The message as a mail client would show it, split into the parts a learner can point at.

use crate::analysis::{Location, Outcome, Report};

use super::{ItemRef, LearningPoint, Spot};

/// Most paragraphs shown; a hostile message can have thousands.
const MAX_PARAGRAPHS: usize = 80;
/// Longest paragraph shown, in characters.
const MAX_PARAGRAPH_CHARS: usize = 2_000;
/// Most links and attachments listed.
const MAX_ITEMS: usize = 50;

/// A clickable part of the message view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Part {
    From,
    ReplyTo,
    To,
    Subject,
    Date,
    /// A paragraph of the body (index into `MailView::paragraphs`).
    Paragraph(usize),
    /// A link (index into `Content::links`).
    Link(usize),
    /// An attachment (index into `Report::attachments`).
    Attachment(usize),
}

/// A link as the reader sees it, with where it really goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownLink {
    /// Index into `Content::links`.
    pub index: usize,
    /// The words the reader sees.
    pub text: String,
    /// Where it really goes (shown on hover).
    pub href: String,
}

/// An attachment as a mail client lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownAttachment {
    /// Index into `Report::attachments`.
    pub index: usize,
    pub name: String,
    /// "12 KB".
    pub size: String,
}

/// What a mail client shows of a message, never including mailsleuth's verdict.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailView {
    /// "Display Name <address>" or the address alone.
    pub from: String,
    pub reply_to: Option<String>,
    pub to: String,
    pub subject: String,
    pub date: String,
    pub paragraphs: Vec<String>,
    pub links: Vec<ShownLink>,
    pub attachments: Vec<ShownAttachment>,
}

fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or_default()),
        None => s.to_string(),
    }
}

/// Joins a paragraph that was hard-wrapped for plain-text mail (every line but the last
/// long), so it wraps to the window instead; short lines (addresses, signatures, lists)
/// keep their breaks.
fn reflow(p: &str) -> String {
    let lines: Vec<&str> = p.lines().collect();
    let wrapped = lines.len() > 1
        && lines
            .iter()
            .take(lines.len() - 1)
            .all(|l| l.trim().chars().count() >= 50 && !l.starts_with("  "));
    if wrapped {
        lines.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ")
    } else {
        p.to_string()
    }
}

/// Collapses runs of whitespace, so a phrase matches across line breaks.
pub fn normalise(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn mailbox_line(name: Option<&str>, address: Option<&str>) -> String {
    let address = address.map(as_shown);
    match (name, address.as_deref()) {
        (Some(n), Some(a)) => format!("{n} <{a}>"),
        (Some(n), None) => n.to_string(),
        (None, Some(a)) => a.to_string(),
        (None, None) => String::new(),
    }
}

/// An address as a mail program shows it: an international domain written in punycode
/// (`xn--…`) appears in its own letters, look-alikes included, so the learner sees what a
/// real reader would.
fn as_shown(address: &str) -> String {
    match address.rsplit_once('@') {
        Some((local, domain))
            if domain
                .split('.')
                .any(|l| l.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("xn--"))) =>
        {
            let unicode = url::quirks::domain_to_unicode(domain);
            if unicode.is_empty() {
                address.to_string()
            } else {
                format!("{local}@{unicode}")
            }
        }
        _ => address.to_string(),
    }
}

impl MailView {
    /// Builds the view from a report (the report's verdict is not used).
    pub fn from_report(r: &Report) -> MailView {
        let header = |name: &str| {
            r.headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case(name))
                .map(|h| h.value.trim().to_string())
                .unwrap_or_default()
        };
        let from = r
            .identity
            .from
            .as_ref()
            .map(|m| mailbox_line(m.display_name.as_deref(), m.address.as_deref()))
            .unwrap_or_else(|| header("From"));
        let reply_to = (!r.identity.reply_to.is_empty()).then(|| {
            r.identity
                .reply_to
                .iter()
                .map(|m| mailbox_line(m.display_name.as_deref(), m.address.as_deref()))
                .collect::<Vec<_>>()
                .join(", ")
        });
        // A mail program shows the HTML version when there is one: its text, not the
        // plain-text copy (which spells each link's address out in brackets).
        let c = &r.content;
        let shown = if c.has_html && !c.text_from_html && !c.other_text.is_empty() {
            &c.other_text
        } else {
            &c.text
        };
        let paragraphs = shown
            .replace("\r\n", "\n")
            .split("\n\n")
            .map(|p| p.trim_matches(|c: char| c == '\n' || c == '\r').trim_end())
            .filter(|p| !p.trim().is_empty())
            .take(MAX_PARAGRAPHS)
            .map(|p| clip(&reflow(p), MAX_PARAGRAPH_CHARS))
            .collect();
        // A mail client shows the HTML part when there is one; its links are the ones
        // the reader can click. Plain-text links count only when there is no HTML.
        let any_html = r.content.links.iter().any(|l| l.from_html);
        let links = r
            .content
            .links
            .iter()
            .enumerate()
            // Links found inside attached PDFs are not part of the text the trainee reads.
            .filter(|(_, l)| l.from_html == any_html && l.in_attachment.is_none())
            .take(MAX_ITEMS)
            .map(|(index, l)| ShownLink {
                index,
                text: if l.shown_text.trim().is_empty() {
                    clip(&l.href, 200)
                } else {
                    clip(l.shown_text.trim(), 200)
                },
                href: clip(&l.href, 400),
            })
            .collect();
        let attachments = r
            .attachments
            .iter()
            .enumerate()
            .take(MAX_ITEMS)
            .map(|(index, a)| ShownAttachment {
                index,
                name: a
                    .filename
                    .clone()
                    .unwrap_or_else(|| format!("(unnamed {})", a.declared_type)),
                size: crate::load::human_size(a.size as u64),
            })
            .collect();
        MailView {
            from,
            reply_to,
            to: header("To"),
            subject: r.subject.clone().unwrap_or_default(),
            date: header("Date"),
            paragraphs,
            links,
            attachments,
        }
    }

    /// Every clickable part, in reading order.
    pub fn parts(&self) -> Vec<Part> {
        let mut v = vec![Part::From];
        if self.reply_to.is_some() {
            v.push(Part::ReplyTo);
        }
        v.extend([Part::To, Part::Subject, Part::Date]);
        v.extend((0..self.paragraphs.len()).map(Part::Paragraph));
        v.extend(self.links.iter().map(|l| Part::Link(l.index)));
        v.extend(self.attachments.iter().map(|a| Part::Attachment(a.index)));
        v
    }

    /// The parts of this view that show `spot` (empty when the reader cannot see it).
    pub fn parts_for(&self, spot: &Spot) -> Vec<Part> {
        let has = |hay: &str, needle: &str| hay.to_lowercase().contains(&needle.to_lowercase());
        match spot {
            Spot::From => vec![Part::From],
            Spot::ReplyTo => self.reply_to.iter().map(|_| Part::ReplyTo).collect(),
            Spot::To => vec![Part::To],
            Spot::Subject => vec![Part::Subject],
            Spot::Date => vec![Part::Date],
            Spot::Body(phrase) => {
                let phrase = normalise(phrase);
                self.paragraphs
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| has(&normalise(p), &phrase))
                    .map(|(i, _)| Part::Paragraph(i))
                    .collect()
            }
            Spot::Link(r) => self
                .links
                .iter()
                .filter(|l| match r {
                    ItemRef::Index(i) => l.index == *i,
                    ItemRef::Contains(t) => has(&l.href, t),
                })
                .map(|l| Part::Link(l.index))
                .collect(),
            Spot::Attachment(r) => self
                .attachments
                .iter()
                .filter(|a| match r {
                    ItemRef::Index(i) => a.index == *i,
                    ItemRef::Contains(t) => has(&a.name, t),
                })
                .map(|a| Part::Attachment(a.index))
                .collect(),
            Spot::Headers => Vec::new(),
        }
    }

    /// Words naming a part, for the reveal ("the sender", "paragraph 3", "the link Sign in").
    pub fn describe(&self, part: Part) -> String {
        match part {
            Part::From => "the sender".into(),
            Part::ReplyTo => "the reply address".into(),
            Part::To => "the recipient".into(),
            Part::Subject => "the subject".into(),
            Part::Date => "the date".into(),
            Part::Paragraph(i) => {
                let text = self
                    .paragraphs
                    .get(i)
                    .map(|p| normalise(p))
                    .unwrap_or_default();
                format!("the paragraph \"{}\"", clip(&text, 40))
            }
            Part::Link(i) => self
                .links
                .iter()
                .find(|l| l.index == i)
                .map(|l| format!("the link \"{}\"", clip(&l.text, 40)))
                .unwrap_or_else(|| "a link".into()),
            Part::Attachment(i) => self
                .attachments
                .iter()
                .find(|a| a.index == i)
                .map(|a| format!("the attachment {}", a.name))
                .unwrap_or_else(|| "an attachment".into()),
        }
    }
}

/// Where a check's evidence shows, as a spot (for messages that have no metadata).
pub fn spot_of(location: &Location, text: &str) -> Spot {
    match location {
        Location::Header { name, .. } => match name.to_ascii_lowercase().as_str() {
            "from" | "sender" => Spot::From,
            "reply-to" => Spot::ReplyTo,
            "to" | "cc" => Spot::To,
            "subject" => Spot::Subject,
            "date" => Spot::Date,
            _ => Spot::Headers,
        },
        Location::Link { index } => Spot::Link(ItemRef::Index(*index)),
        Location::Attachment { index } => Spot::Attachment(ItemRef::Index(*index)),
        Location::Body => {
            let phrase = normalise(text);
            if phrase.is_empty() || phrase.chars().count() > 120 {
                Spot::Headers
            } else {
                Spot::Body(phrase)
            }
        }
        Location::Hop { .. } | Location::Message => Spot::Headers,
    }
}

/// Learning points read from what the engine found, for a message without metadata:
/// every warning or failure, plus the good news that explains an odd-looking message.
pub fn points_from_report(r: &Report) -> Vec<LearningPoint> {
    let mut flagged: Vec<_> = r
        .checks
        .iter()
        .filter(|c| {
            (matches!(c.outcome, Outcome::Warn | Outcome::Fail) && c.weight > 0)
                || (c.reassuring && c.outcome == Outcome::Pass)
        })
        .collect();
    flagged.sort_by_key(|c| std::cmp::Reverse(c.weight));
    flagged
        .into_iter()
        .map(|c| LearningPoint {
            check: c.id.to_string(),
            spot: Some(
                c.evidence
                    .first()
                    .map(|e| spot_of(&e.location, &e.text))
                    .unwrap_or(Spot::Headers),
            ),
            note: c.summary.clone(),
            gap: None,
        })
        .collect()
}
