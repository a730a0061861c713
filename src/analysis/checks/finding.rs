//! What a check sees (`Ctx`), what it returns (`Finding`) and its entry in the catalogue.

use super::cues::Doc;
use super::util;
use crate::analysis::types::{Evidence, Family, Grade, Location, Options, Outcome, Report};

/// What a check sees.
pub struct Ctx<'a> {
    pub r: &'a Report,
    pub opts: &'a Options,
    /// The subject and body split into words, on first use, once for all checks.
    doc: std::cell::OnceCell<Doc<'a>>,
    /// The links with their parsed destinations, on first use (see `links::targets`).
    pub(super) link_targets: std::cell::OnceCell<Vec<super::links::Target<'a>>>,
}

impl<'a> Ctx<'a> {
    pub fn new(r: &'a Report, opts: &'a Options) -> Ctx<'a> {
        Ctx {
            r,
            opts,
            doc: std::cell::OnceCell::new(),
            link_targets: std::cell::OnceCell::new(),
        }
    }

    /// The message's words for cue lists (see `Doc::of`); split on first use.
    pub fn doc(&self) -> &Doc<'a> {
        self.doc.get_or_init(|| Doc::of(self.r))
    }
}

/// What one check found in one message.
#[derive(Debug, Clone)]
pub struct Finding {
    pub outcome: Outcome,
    pub summary: String,
    pub evidence: Vec<Evidence>,
    pub reassuring: bool,
    pub weight: i32,
    /// The grade of this finding when it differs from the check's usual one (a DMARC
    /// failure is proof under a reject policy and only a strong sign under none).
    pub grade: Option<Grade>,
}

impl Finding {
    /// Not applicable to this message.
    pub fn skip(summary: impl Into<String>) -> Finding {
        Finding {
            outcome: Outcome::Skip,
            summary: summary.into(),
            evidence: Vec::new(),
            reassuring: false,
            weight: 0,
            grade: None,
        }
    }
    /// Checked, nothing wrong.
    pub fn pass(summary: impl Into<String>) -> Finding {
        Finding {
            outcome: Outcome::Pass,
            summary: summary.into(),
            evidence: Vec::new(),
            reassuring: false,
            weight: 0,
            grade: None,
        }
    }
    /// Something is off (weight: how much it counts towards the verdict).
    pub fn warn(weight: i32, summary: impl Into<String>) -> Finding {
        Finding {
            outcome: Outcome::Warn,
            summary: summary.into(),
            evidence: Vec::new(),
            reassuring: false,
            weight,
            grade: None,
        }
    }
    /// A strong sign of an impostor or a malicious payload.
    pub fn fail(weight: i32, summary: impl Into<String>) -> Finding {
        Finding {
            outcome: Outcome::Fail,
            summary: summary.into(),
            evidence: Vec::new(),
            reassuring: false,
            weight,
            grade: None,
        }
    }
    /// Good news that explains why something odd-looking is fine; `relief` lowers the score.
    pub fn reassure(relief: i32, summary: impl Into<String>) -> Finding {
        Finding {
            outcome: Outcome::Pass,
            summary: summary.into(),
            evidence: Vec::new(),
            reassuring: true,
            weight: -relief.abs(),
            grade: None,
        }
    }
    /// Sets the grade of this finding, overriding the check's usual one.
    pub fn graded(mut self, grade: Grade) -> Finding {
        self.grade = Some(grade);
        self
    }
    /// Adds a piece of evidence.
    pub fn with(mut self, location: Location, text: impl Into<String>) -> Finding {
        let text: String = text.into();
        self.evidence.push(Evidence {
            location,
            text: util::clip(&text, 400),
        });
        self
    }
    /// Adds evidence from a header by index.
    pub fn with_header(self, r: &Report, index: usize) -> Finding {
        match r.headers.get(index) {
            Some(h) => {
                let name = h.name.clone();
                let text = format!("{}: {}", h.name, h.value);
                self.with(Location::Header { name, index }, text)
            }
            None => self,
        }
    }
}

/// One check in the catalogue.
pub struct CheckDef {
    pub id: &'static str,
    pub family: Family,
    /// The kind of evidence this check usually gives when it flags something.
    pub grade: Grade,
    pub run: fn(&Ctx) -> Finding,
}
