//! Checks → verdict, ranked reasons and a one-sentence headline.

use super::types::{CheckResult, Family, Outcome, Report, Verdict};

/// Score at or above which the verdict is `danger`: two suspicious signs together, or one
/// strong sign with something else.
pub const DANGER_SCORE: i32 = 8;
/// Weight of a single failure that is decisive on its own, whatever good news says.
pub const DECISIVE_WEIGHT: i32 = 10;
/// Score at or above which the verdict is `caution`.
pub const CAUTION_SCORE: i32 = 4;
/// How many reasons the verdict shows.
pub const TOP_REASONS: usize = 4;

/// The most the path family may add: clock skew, odd relays and missing details are common
/// in genuine mail, so together they can raise doubt but never make a verdict on their own.
pub const PATH_CAP: i32 = 2;

/// The most good news may take off: it explains odd-looking but normal mail, yet list and
/// newsletter headers are easy to add, so they can soften a verdict but not erase one.
pub const RELIEF_CAP: i32 = 4;

/// Total weight of the checklist: warnings and failures add, good news subtracts.
pub fn score(checks: &[CheckResult]) -> i32 {
    let path: i32 = checks
        .iter()
        .filter(|c| c.family == Family::Path && c.weight > 0)
        .map(|c| c.weight)
        .sum();
    let rest: i32 = checks
        .iter()
        .filter(|c| c.family != Family::Path && c.weight > 0)
        .map(|c| c.weight)
        .sum();
    let relief: i32 = checks
        .iter()
        .filter(|c| c.weight < 0)
        .map(|c| c.weight)
        .sum();
    rest + path.min(PATH_CAP) + relief.max(-RELIEF_CAP)
}

/// Decides the verdict, its reasons and its headline.
pub fn decide(report: &mut Report) {
    let score = score(&report.checks);
    // Good news may soften an odd-looking message, but never hides a decisive failure:
    // one failure at danger weight stands on its own.
    let decisive = report
        .checks
        .iter()
        .any(|c| c.outcome == Outcome::Fail && c.weight >= DECISIVE_WEIGHT);
    report.verdict = if decisive || score >= DANGER_SCORE {
        Verdict::Danger
    } else if score >= CAUTION_SCORE {
        Verdict::Caution
    } else {
        Verdict::Ok
    };
    let mut flagged: Vec<&CheckResult> = report
        .checks
        .iter()
        .filter(|c| matches!(c.outcome, Outcome::Warn | Outcome::Fail) && c.weight > 0)
        .collect();
    flagged.sort_by(|a, b| b.weight.cmp(&a.weight).then(b.outcome.cmp(&a.outcome)));
    report.reasons = flagged
        .iter()
        .take(TOP_REASONS)
        .map(|c| c.id.clone())
        .collect();
    report.good_news = report
        .checks
        .iter()
        .filter(|c| c.reassuring)
        .map(|c| c.id.clone())
        .collect();
    report.headline = headline(report, flagged.first().copied());
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn headline(report: &Report, top: Option<&CheckResult>) -> String {
    let sender = report
        .identity
        .from
        .as_ref()
        .and_then(|f| f.display_name.clone().or_else(|| f.address.clone()))
        .unwrap_or_else(|| "an unknown sender".into());
    match (report.verdict, top) {
        (Verdict::Danger, Some(c)) => format!(
            "Do not trust this message from {sender}: {}",
            lower_first(c.summary.trim_end_matches('.'))
        ),
        (Verdict::Caution, Some(c)) => format!(
            "Check before you act on this message from {sender}: {}",
            lower_first(c.summary.trim_end_matches('.'))
        ),
        (Verdict::Danger | Verdict::Caution, None) => {
            format!("Check before you act on this message from {sender}")
        }
        (Verdict::Ok, _) => {
            let good = report
                .checks
                .iter()
                .find(|c| c.reassuring)
                .map(|c| format!(" {}", c.summary.trim()))
                .unwrap_or_default();
            format!("Nothing here points to an impostor: this looks like a genuine message from {sender}.{good}")
        }
    }
}
