//! Checks → verdict, ranked reasons, the basis of the verdict and a one-sentence headline.
//!
//! The verdict follows from the grade of the evidence (`Grade`), not from a sum that one
//! heuristic can tip:
//! - **danger** needs proof, or a strong sign backed by evidence of another, independent
//!   kind (another family of checks: a claim in the sender's name backed by a link to a
//!   look-alike, a failed authentication, a request for money…);
//! - **caution** is a strong sign on its own, or hints that add up;
//! - hints alone never reach danger, however many there are.

use super::text::continue_sentence;
use super::types::{CheckResult, Family, Grade, Location, MessageKind, Outcome, Report, Verdict};

/// Score of hints at or above which the verdict is `caution`.
pub const CAUTION_SCORE: i32 = 4;
/// Least weight the hints of other families need together to back a strong sign (one of
/// the faintest hints, such as a missing signature, is common in genuine mail and backs
/// nothing on its own).
pub const BACKING_WEIGHT: i32 = 2;
/// How many reasons the verdict shows.
pub const TOP_REASONS: usize = 4;

/// The most the path family may add: clock skew, odd relays and missing details are common
/// in genuine mail, so together they can raise doubt but never make a verdict on their own.
pub const PATH_CAP: i32 = 2;

/// The most good news may take off: it explains odd-looking but normal mail, yet list and
/// newsletter headers are easy to add, so they can soften a verdict but not erase one.
pub const RELIEF_CAP: i32 = 4;

/// A check that flagged something in this message.
fn flagged(c: &CheckResult) -> bool {
    matches!(c.outcome, Outcome::Warn | Outcome::Fail) && c.weight > 0
}

/// Total weight of the checklist: warnings and failures add, good news subtracts. It ranks
/// reasons and decides whether hints add up to caution.
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

/// Why the verdict is what it is, in terms of grades.
#[derive(Debug, Clone, Copy)]
pub enum Basis<'a> {
    /// A finding that proves the message false.
    Proof(&'a CheckResult),
    /// A strong sign and the finding of another family that backs it.
    Backed(&'a CheckResult, &'a CheckResult),
    /// A strong sign that nothing else backs.
    Strong(&'a CheckResult),
    /// Hints that add up.
    Hints(i32),
    /// Nothing, or too little, points to an impostor.
    Nothing,
}

/// Finds what decides the verdict.
pub fn basis(checks: &[CheckResult]) -> Basis<'_> {
    let mut flags: Vec<&CheckResult> = checks.iter().filter(|c| flagged(c)).collect();
    flags.sort_by(|a, b| rank(a, b));
    if let Some(p) = flags.iter().find(|c| c.grade == Grade::Proof) {
        return Basis::Proof(p);
    }
    let strong: Vec<&CheckResult> = flags
        .iter()
        .copied()
        .filter(|c| c.grade == Grade::Strong)
        .collect();
    for s in &strong {
        // Path details are too common in genuine mail to back anything.
        let others: Vec<&CheckResult> = flags
            .iter()
            .copied()
            .filter(|c| c.id != s.id && c.family != s.family && c.family != Family::Path)
            .collect();
        let backing_weight: i32 = others.iter().map(|c| c.weight).sum();
        let backing = others
            .iter()
            .find(|c| c.grade == Grade::Strong)
            .or_else(|| {
                (backing_weight >= BACKING_WEIGHT)
                    .then(|| others.first())
                    .flatten()
            });
        if let Some(b) = backing {
            return Basis::Backed(s, b);
        }
    }
    if let Some(s) = strong.first() {
        return Basis::Strong(s);
    }
    let score = score(checks);
    if score >= CAUTION_SCORE {
        Basis::Hints(score)
    } else {
        Basis::Nothing
    }
}

/// Orders findings by grade (proof first), then weight, then outcome.
fn rank(a: &CheckResult, b: &CheckResult) -> std::cmp::Ordering {
    a.grade
        .cmp(&b.grade)
        .then(b.weight.cmp(&a.weight))
        .then(b.outcome.cmp(&a.outcome))
}

/// Decides the verdict, its reasons, its basis and its headline.
pub fn decide(report: &mut Report) {
    let basis = basis(&report.checks);
    report.verdict = match basis {
        Basis::Proof(_) | Basis::Backed(..) => Verdict::Danger,
        Basis::Strong(_) | Basis::Hints(_) => Verdict::Caution,
        Basis::Nothing => Verdict::Ok,
    };
    report.basis = basis_words(&basis);
    let mut flags: Vec<&CheckResult> = report.checks.iter().filter(|c| flagged(c)).collect();
    flags.sort_by(|a, b| rank(a, b));
    // The findings that decided come first, in the order the basis names them.
    let lead: Vec<&CheckResult> = match basis {
        Basis::Proof(p) | Basis::Strong(p) => vec![p],
        Basis::Backed(s, b) => vec![s, b],
        _ => Vec::new(),
    };
    // The clue a person can see for themselves leads: of the findings that decided, one
    // whose evidence shows in their own mail program, else one as strong that does.
    let seen = lead.iter().copied().find(|c| visible(c)).or_else(|| {
        let top = lead.first().or(flags.first())?.grade;
        flags.iter().copied().find(|c| c.grade == top && visible(c))
    });
    let mut ordered: Vec<&CheckResult> = seen.into_iter().collect();
    for c in lead.iter().chain(flags.iter()) {
        if !ordered.iter().any(|o| o.id == c.id) {
            ordered.push(c);
        }
    }
    report.reasons = ordered
        .iter()
        .take(TOP_REASONS)
        .map(|c| c.id.to_string())
        .collect();
    report.good_news = report
        .checks
        .iter()
        .filter(|c| c.reassuring)
        .map(|c| c.id.to_string())
        .collect();
    report.headline = headline(report, ordered.first().copied());
}

/// Whether a person can see this finding in their own mail program: the sender, the reply
/// address, the recipients, the subject, the text, a link or an attachment — not a header
/// line only IT reads, nor the route.
fn visible(c: &CheckResult) -> bool {
    const SHOWN: [&str; 6] = ["from", "reply-to", "to", "cc", "subject", "sender"];
    c.evidence.iter().any(|e| match &e.location {
        Location::Header { name, .. } => SHOWN.iter().any(|s| name.eq_ignore_ascii_case(s)),
        Location::Body | Location::Link { .. } | Location::Attachment { .. } => true,
        Location::Hop { .. } | Location::Message => false,
    })
}

/// One plain sentence on how the evidence adds up to the verdict.
fn basis_words(b: &Basis) -> String {
    match b {
        Basis::Proof(p) => format!("Proof: {} — that alone makes the message dangerous.", p.title),
        Basis::Backed(s, b) => format!(
            "A strong sign ({}) backed by evidence of another kind ({}): together they make the message dangerous.",
            s.title, b.title
        ),
        Basis::Strong(s) => format!(
            "A strong sign ({}), but nothing of another kind backs it: check before you act.",
            s.title
        ),
        Basis::Hints(_) => "Only hints, which add up to a reason to check; hints alone never make a message dangerous.".to_string(),
        Basis::Nothing => "Nothing proves it false and no strong sign points to an impostor.".to_string(),
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
            continue_sentence(c.summary.trim_end_matches('.'))
        ),
        (Verdict::Caution, Some(c)) => format!(
            "Check before you act on this message from {sender}: {}",
            continue_sentence(c.summary.trim_end_matches('.'))
        ),
        (Verdict::Danger | Verdict::Caution, None) => {
            format!("Check before you act on this message from {sender}")
        }
        (Verdict::Ok, _) if report.kind == MessageKind::Machine => {
            let named = report
                .identity
                .from
                .as_ref()
                .is_some_and(|f| f.display_name.is_some() || f.address.is_some());
            let by = if named {
                format!(" ({sender})")
            } else {
                String::new()
            };
            format!("An automatic message from a mail system{by} — a delivery report, a receipt or an automatic reply: nothing in it points to an impostor.")
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::types::Evidence;
    use std::borrow::Cow;

    fn finding(
        id: &'static str,
        family: Family,
        grade: Grade,
        weight: i32,
        at: Location,
    ) -> CheckResult {
        CheckResult {
            id: Cow::Borrowed(id),
            family,
            outcome: Outcome::Warn,
            grade,
            title: Cow::Borrowed(id),
            summary: format!("{id} found"),
            evidence: vec![Evidence {
                location: at,
                text: String::new(),
            }],
            reassuring: false,
            weight,
        }
    }

    fn header(name: &str) -> Location {
        Location::Header {
            name: name.into(),
            index: 0,
        }
    }

    #[test]
    fn the_headline_leads_with_the_clue_a_reader_can_see() {
        // A filter's verdict (a header only IT reads) outweighs the reply address, but the
        // reply address is what the person can check in their own mail program.
        let mut r = Report {
            checks: vec![
                finding(
                    "filter-spam",
                    Family::Filter,
                    Grade::Strong,
                    6,
                    header("X-MS-Exchange-Organization-SCL"),
                ),
                finding(
                    "reply-to-freemail",
                    Family::Identity,
                    Grade::Strong,
                    5,
                    header("Reply-To"),
                ),
            ],
            ..Report::default()
        };
        decide(&mut r);
        assert_eq!(r.verdict, Verdict::Danger);
        assert!(
            r.headline.contains("reply-to-freemail found"),
            "{}",
            r.headline
        );
        assert_eq!(
            r.reasons.first().map(String::as_str),
            Some("reply-to-freemail")
        );
        assert!(r.reasons.iter().any(|id| id == "filter-spam"));
    }

    #[test]
    fn a_hidden_finding_still_leads_when_nothing_visible_is_as_strong() {
        let mut r = Report {
            checks: vec![
                finding(
                    "dmarc-reject",
                    Family::Authentication,
                    Grade::Proof,
                    9,
                    header("Authentication-Results"),
                ),
                finding(
                    "urgent-words",
                    Family::Content,
                    Grade::Hint,
                    2,
                    Location::Body,
                ),
            ],
            ..Report::default()
        };
        decide(&mut r);
        assert!(r.headline.contains("dmarc-reject found"), "{}", r.headline);
    }
}
