//! Spots: the parts of a message a learner can point at as suspicious ("from", a link, a phrase…).

use std::fmt;

use serde::{Deserialize, Serialize};

/// Which link or attachment a spot means.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ItemRef {
    /// By position, 0-based, in the order the message lists them.
    Index(usize),
    /// The first one whose target (link) or file name (attachment) contains this text,
    /// compared case-insensitively. Robust against the order links are extracted in.
    Contains(String),
}

/// A part of the message that gives it away.
///
/// Written in the gallery as `from`, `reply-to`, `to`, `subject`, `date`, `body:"phrase"`,
/// `link:"text"` / `link:N`, `attachment:"text"` / `attachment:N`, or `headers`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Spot {
    From,
    ReplyTo,
    To,
    Subject,
    Date,
    /// A phrase in the body text (matched case-insensitively).
    Body(String),
    Link(ItemRef),
    Attachment(ItemRef),
    /// Only visible in the full headers (authentication, path): not something a reader
    /// can click in a mail client, so the quiz reveals it instead of asking for it.
    Headers,
}

impl Spot {
    /// Parses the gallery notation; `None` when it is not one of the known forms.
    pub fn parse(s: &str) -> Option<Spot> {
        let s = s.trim();
        match s.to_ascii_lowercase().as_str() {
            "from" => return Some(Spot::From),
            "reply-to" => return Some(Spot::ReplyTo),
            "to" => return Some(Spot::To),
            "subject" => return Some(Spot::Subject),
            "date" => return Some(Spot::Date),
            "headers" => return Some(Spot::Headers),
            _ => {}
        }
        let (kind, arg) = s.split_once(':')?;
        let arg = arg.trim();
        let quoted = arg
            .strip_prefix('"')
            .and_then(|a| a.strip_suffix('"'))
            .filter(|a| !a.is_empty())
            .map(str::to_string);
        let item = || match &quoted {
            Some(q) => Some(ItemRef::Contains(q.clone())),
            None => arg.parse().ok().map(ItemRef::Index),
        };
        match kind.trim().to_ascii_lowercase().as_str() {
            "body" => quoted.map(Spot::Body),
            "link" => item().map(Spot::Link),
            "attachment" => item().map(Spot::Attachment),
            _ => None,
        }
    }

    /// Can a reader point at this in an ordinary mail client?
    pub fn is_visible(&self) -> bool {
        !matches!(self, Spot::Headers)
    }

    /// A few words naming the spot for the reveal ("the sender", "the link to …").
    pub fn describe(&self) -> String {
        match self {
            Spot::From => "the sender".into(),
            Spot::ReplyTo => "the reply address".into(),
            Spot::To => "the recipient".into(),
            Spot::Subject => "the subject".into(),
            Spot::Date => "the date".into(),
            Spot::Body(p) => format!("the words \"{p}\""),
            Spot::Link(ItemRef::Contains(t)) => format!("the link to {t}"),
            Spot::Link(ItemRef::Index(i)) => format!("link {}", i + 1),
            Spot::Attachment(ItemRef::Contains(t)) => format!("the attachment {t}"),
            Spot::Attachment(ItemRef::Index(i)) => format!("attachment {}", i + 1),
            Spot::Headers => "the hidden headers".into(),
        }
    }
}

impl fmt::Display for Spot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let item = |f: &mut fmt::Formatter<'_>, kind: &str, r: &ItemRef| match r {
            ItemRef::Index(i) => write!(f, "{kind}:{i}"),
            ItemRef::Contains(t) => write!(f, "{kind}:\"{t}\""),
        };
        match self {
            Spot::From => f.write_str("from"),
            Spot::ReplyTo => f.write_str("reply-to"),
            Spot::To => f.write_str("to"),
            Spot::Subject => f.write_str("subject"),
            Spot::Date => f.write_str("date"),
            Spot::Body(p) => write!(f, "body:\"{p}\""),
            Spot::Link(r) => item(f, "link", r),
            Spot::Attachment(r) => item(f, "attachment", r),
            Spot::Headers => f.write_str("headers"),
        }
    }
}

impl TryFrom<String> for Spot {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Spot::parse(&s).ok_or_else(|| {
            format!("\"{s}\" is not a spot; use from, reply-to, to, subject, date, headers, body:\"phrase\", link:\"text\", link:N, attachment:\"text\" or attachment:N")
        })
    }
}

impl From<Spot> for String {
    fn from(s: Spot) -> String {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form_and_round_trips() {
        for s in [
            "from",
            "reply-to",
            "to",
            "subject",
            "date",
            "headers",
            "body:\"within 24 hours\"",
            "link:\"fabrikarn.example\"",
            "link:0",
            "attachment:\"pdf.exe\"",
            "attachment:2",
        ] {
            let spot = Spot::parse(s).unwrap();
            assert_eq!(spot.to_string(), s);
        }
    }

    #[test]
    fn rejects_unknown_and_empty_forms() {
        for s in [
            "",
            "body:",
            "body:\"\"",
            "link:x",
            "cc",
            "link:-1",
            "attachment",
        ] {
            assert_eq!(Spot::parse(s), None, "{s}");
        }
    }
}
