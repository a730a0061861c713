//! The red-flag checklist: one small unit per check, grouped by family.
//!
//! A check reads the `Report`'s facts (never the raw message) and returns a `Finding`. Its
//! id keys the lesson in `assets/lessons/en/*.toml`; its title comes from there too.
//!
//! Module map:
//! - `finding`: what a check sees (`Ctx`) and returns (`Finding`), and its catalogue entry
//! - `identity`, `auth`, `path`, `content`, `evasion`, `lures`, `links`, `attachments`,
//!   `filter`: the checks of each family, in checklist order
//! - `organisation`: the checks an organisation profile makes possible (people, vendors)
//! - `cues`: the phrase-matching engine for language cues (phrases in `assets/knowledge`)
//! - `util`: helpers shared by checks (clipping, evidence from cue hits and headers)

mod attachments;
mod auth;
mod content;
pub mod cues;
mod evasion;
mod filter;
pub mod finding;
mod identity;
mod links;
mod lures;
mod organisation;
mod path;
pub mod util;

pub use finding::{CheckDef, Ctx, Finding};

use std::borrow::Cow;
use std::sync::OnceLock;

use crate::analysis::{CheckResult, Grade, Options, Outcome, Report};

/// Every check, in the order the checklist shows them.
pub fn catalogue() -> Vec<&'static CheckDef> {
    identity::CHECKS
        .iter()
        .chain(organisation::CHECKS)
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

/// Checks of what a message asks the reader to do: sign in, pay, call, claim a prize. From
/// a sender whose domain proves itself these are often genuine (a real password-reset
/// notice, a real invoice), so they are hints; when the receiving server checked and
/// nothing proves the From domain, or the proof belongs to an unrelated domain, the ask
/// comes from someone the message cannot name, and it is a strong sign.
const ASKS: &[&str] = &[
    "credential-request",
    "payment-request",
    "bank-detail-change",
    "gift-card-request",
    "callback-number",
    "advance-fee-lure",
    "prize-lure",
    "crypto-lure",
    "easy-money-lure",
    "extortion-threat",
    "parcel-lure",
    "romance-lure",
    "celebrity-bait",
];

/// The grade of one finding: its own, else its check's, raised for an ask from a sender
/// nothing proves (see `ASKS`).
fn grade_of(def: &CheckDef, f: &Finding, r: &Report) -> Grade {
    let grade = f.grade.unwrap_or(def.grade);
    if grade == Grade::Hint
        && ASKS.contains(&def.id)
        && crate::analysis::sender::proof_missing_or_elsewhere(r)
    {
        Grade::Strong
    } else {
        grade
    }
}

/// Runs the whole checklist over a report.
pub fn run(report: &Report, opts: &Options) -> Vec<CheckResult> {
    let ctx = Ctx::new(report, opts);
    titled()
        .iter()
        .map(|(def, title)| {
            let f = (def.run)(&ctx);
            let weight = match f.outcome {
                Outcome::Warn | Outcome::Fail => f.weight.max(0),
                Outcome::Pass if f.reassuring => f.weight.min(0),
                _ => 0,
            };
            CheckResult {
                id: Cow::Borrowed(def.id),
                family: def.family,
                outcome: f.outcome,
                grade: grade_of(def, &f, report),
                title: Cow::Borrowed(title),
                summary: f.summary,
                evidence: f.evidence,
                reassuring: f.reassuring,
                weight,
            }
        })
        .collect()
}

/// The catalogue with each check's title (from its lesson), looked up once.
fn titled() -> &'static [(&'static CheckDef, String)] {
    static T: OnceLock<Vec<(&'static CheckDef, String)>> = OnceLock::new();
    T.get_or_init(|| {
        catalogue()
            .into_iter()
            .map(|def| {
                let title = crate::lessons::lesson(def.id)
                    .map_or_else(|| def.id.replace('-', " "), |l| l.title.clone());
                (def, title)
            })
            .collect()
    })
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
