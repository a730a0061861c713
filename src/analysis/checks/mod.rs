//! The red-flag checklist: one small unit per check, grouped by family.
//!
//! A check reads the `Report` (never the raw message) and returns a `Finding`. Its id keys
//! the lesson in `assets/lessons/en.toml`; its title comes from there too.

mod attachments;
mod auth;
mod content;
pub mod cues;
mod evasion;
mod filter;
mod identity;
mod links;
mod lures;
mod path;
pub mod util;

use super::{CheckResult, Evidence, Family, Location, Options, Outcome, Report};

/// What a check sees.
pub struct Ctx<'a> {
    pub r: &'a Report,
    pub opts: &'a Options,
}

/// What one check found in one message.
#[derive(Debug, Clone)]
pub struct Finding {
    pub outcome: Outcome,
    pub summary: String,
    pub evidence: Vec<Evidence>,
    pub reassuring: bool,
    pub weight: i32,
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
        }
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
    pub run: fn(&Ctx) -> Finding,
}

/// Every check, in the order the checklist shows them.
pub fn catalogue() -> Vec<&'static CheckDef> {
    identity::CHECKS
        .iter()
        .chain(auth::CHECKS)
        .chain(path::CHECKS)
        .chain(content::CHECKS)
        .chain(evasion::CHECKS)
        .chain(lures::CHECKS)
        .chain(links::CHECKS)
        .chain(attachments::CHECKS)
        .chain(filter::CHECKS)
        .collect()
}

/// Runs the whole checklist over a report.
pub fn run(report: &Report, opts: &Options) -> Vec<CheckResult> {
    let ctx = Ctx { r: report, opts };
    catalogue()
        .into_iter()
        .map(|def| {
            let f = (def.run)(&ctx);
            let title = crate::lessons::lesson(def.id)
                .map(|l| l.title.clone())
                .unwrap_or_else(|| def.id.replace('-', " "));
            let weight = match f.outcome {
                Outcome::Warn | Outcome::Fail => f.weight.max(0),
                Outcome::Pass if f.reassuring => f.weight.min(0),
                _ => 0,
            };
            CheckResult {
                id: def.id.to_string(),
                family: def.family,
                outcome: f.outcome,
                title,
                summary: f.summary,
                evidence: f.evidence,
                reassuring: f.reassuring,
                weight,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_kebab_case() {
        let mut ids: Vec<&str> = catalogue().iter().map(|d| d.id).collect();
        for id in &ids {
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{id} is not kebab-case"
            );
        }
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate check ids");
    }

    #[test]
    fn every_check_has_a_lesson_and_every_lesson_a_check() {
        assert_eq!(crate::lessons::parse_errors(), Vec::<String>::new());
        let checks: Vec<&str> = catalogue().iter().map(|d| d.id).collect();
        let lessons = crate::lessons::ids();
        let missing: Vec<&&str> = checks
            .iter()
            .filter(|id| crate::lessons::lesson(id).is_none())
            .collect();
        let orphans: Vec<&&str> = lessons.iter().filter(|id| !checks.contains(id)).collect();
        assert!(missing.is_empty(), "checks without a lesson: {missing:?}");
        assert!(orphans.is_empty(), "lessons without a check: {orphans:?}");
        for id in checks {
            let Some(l) = crate::lessons::lesson(id) else {
                continue;
            };
            for (field, text) in [
                ("title", &l.title),
                ("plain", &l.plain),
                ("why", &l.why),
                ("how_to_check", &l.how_to_check),
                ("what_to_do", &l.what_to_do),
                ("expert", &l.expert),
            ] {
                assert!(!text.trim().is_empty(), "{id}: empty {field}");
            }
        }
    }

    #[test]
    fn there_are_at_least_forty_checks() {
        assert!(catalogue().len() >= 40, "only {} checks", catalogue().len());
    }
}
