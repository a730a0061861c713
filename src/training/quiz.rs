//! "Spot it first": a round of messages, the parts the learner marks, their decision, and the score.

use std::collections::BTreeSet;

use crate::analysis::{Outcome, Report, Verdict};
use crate::load::LoadError;

use super::view::{points_from_report, MailView, Part};
use super::{LearningPoint, Scenario, Spot};

/// Messages in a round unless the trainer chooses otherwise.
pub const DEFAULT_ROUND: usize = 5;
/// Points for the right decision (trust or don't trust).
pub const DECISION_POINTS: u32 = 2;

/// The learner's decision about a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Trust,
    DontTrust,
}

impl Decision {
    /// The right decision for a message with this verdict: anything short of "ok" means
    /// "don't act on it until you have checked".
    pub fn for_verdict(v: Verdict) -> Decision {
        match v {
            Verdict::Ok => Decision::Trust,
            Verdict::Caution | Verdict::Danger => Decision::DontTrust,
        }
    }

    /// The button label.
    pub fn label(self) -> &'static str {
        match self {
            Decision::Trust => "Trust",
            Decision::DontTrust => "Don't trust",
        }
    }
}

/// What became of one learning point after the reveal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PointStatus {
    /// The learner marked a part that shows it.
    Found,
    /// It was visible and the learner did not mark it.
    Missed,
    /// Only the full headers show it; the app reveals it, nobody is expected to click it.
    Hidden,
    /// Good news (why a genuine message is fine): told, never something to find.
    GoodNews,
}

/// One learning point, judged.
#[derive(Debug, Clone)]
pub struct PointResult {
    pub point: LearningPoint,
    pub status: PointStatus,
}

/// The outcome of one message.
#[derive(Debug, Clone)]
pub struct QuestionResult {
    pub decision: Decision,
    pub correct_decision: Decision,
    pub points: Vec<PointResult>,
    /// Parts the learner marked that show no tell.
    pub false_alarms: Vec<Part>,
    /// Parts the learner marked that the scenario does not list but mailsleuth flags (a
    /// warning or failure whose evidence is there): right to be wary of, no point off.
    pub also_flagged: Vec<Part>,
    pub score: u32,
    pub max_score: u32,
}

impl QuestionResult {
    /// Did the learner make the right call?
    pub fn decided_right(&self) -> bool {
        self.decision == self.correct_decision
    }
    /// How many visible tells were found, and how many there were.
    pub fn found(&self) -> (usize, usize) {
        let visible = self
            .points
            .iter()
            .filter(|p| matches!(p.status, PointStatus::Found | PointStatus::Missed));
        let found = visible
            .clone()
            .filter(|p| p.status == PointStatus::Found)
            .count();
        (found, visible.count())
    }
}

/// One message of the round.
#[derive(Debug, Clone)]
pub struct Question {
    pub scenario: Scenario,
    /// The engine's report, when the message could be read.
    pub report: Result<Report, LoadError>,
    pub view: MailView,
    /// The learning points this question teaches.
    pub points: Vec<LearningPoint>,
    /// The verdict the learner is judged against: the scenario's expected verdict, else the engine's.
    pub truth: Verdict,
    marked: BTreeSet<Part>,
    result: Option<QuestionResult>,
}

impl Question {
    /// Prepares a question: analyses the message and resolves its learning points.
    pub fn new(scenario: Scenario) -> Question {
        let report = scenario.analyze();
        let (view, derived, engine_verdict) = match &report {
            Ok(r) => (MailView::from_report(r), points_from_report(r), r.verdict),
            Err(_) => (MailView::default(), Vec::new(), Verdict::Caution),
        };
        let points = if scenario.meta.points.is_empty() && scenario.meta.expected.is_none() {
            // On a message mailsleuth judges fine, its minor findings are no tells to find.
            match &report {
                Ok(r) if r.verdict == Verdict::Ok => derived
                    .into_iter()
                    .filter(|p| good_news(r, &p.check))
                    .collect(),
                _ => derived,
            }
        } else {
            scenario.meta.points.clone()
        };
        let truth = scenario.meta.expected.unwrap_or(engine_verdict);
        Question {
            scenario,
            report,
            view,
            points,
            truth,
            marked: BTreeSet::new(),
            result: None,
        }
    }

    /// The parts the learner has marked as suspicious.
    pub fn marked(&self) -> &BTreeSet<Part> {
        &self.marked
    }

    /// Marks or unmarks a part; ignored after the answer is in.
    pub fn toggle(&mut self, part: Part) {
        if self.result.is_some() {
            return;
        }
        if !self.marked.remove(&part) {
            self.marked.insert(part);
        }
    }

    /// Is this point something the reader could have clicked in this view?
    fn visible_parts(&self, spot: Option<&Spot>) -> Vec<Part> {
        spot.map(|s| self.view.parts_for(s)).unwrap_or_default()
    }

    /// Records the decision and scores the question. Answering twice keeps the first answer.
    pub fn answer(&mut self, decision: Decision) -> &QuestionResult {
        let result = match self.result.take() {
            Some(first) => first,
            None => self.score(decision),
        };
        self.result.insert(result)
    }

    /// Whether mailsleuth flags `check` (a warning or failure) in this message.
    pub fn engine_flags(&self, check: &str) -> bool {
        self.report.as_ref().is_ok_and(|r| {
            r.checks
                .iter()
                .any(|c| c.id == check && matches!(c.outcome, Outcome::Warn | Outcome::Fail))
        })
    }

    fn score(&self, decision: Decision) -> QuestionResult {
        let mut tell_parts: BTreeSet<Part> = BTreeSet::new();
        let mut points = Vec::new();
        let mut counted_spots: Vec<&Spot> = Vec::new();
        let mut found = 0u32;
        let mut visible = 0u32;
        for p in &self.points {
            let parts = self.visible_parts(p.spot.as_ref());
            let is_good_news = self.report.as_ref().is_ok_and(|r| good_news(r, &p.check));
            if !is_good_news {
                tell_parts.extend(parts.iter().copied());
            }
            let status = if is_good_news {
                PointStatus::GoodNews
            } else if parts.is_empty() {
                PointStatus::Hidden
            } else if parts.iter().any(|x| self.marked.contains(x)) {
                PointStatus::Found
            } else {
                PointStatus::Missed
            };
            // Two points shown by the same spot (a link that is both mismatched and a
            // lookalike) are one thing to find: they score once.
            if matches!(status, PointStatus::Found | PointStatus::Missed) {
                if let Some(s) = p.spot.as_ref().filter(|s| !counted_spots.contains(s)) {
                    counted_spots.push(s);
                    visible += 1;
                    if status == PointStatus::Found {
                        found += 1;
                    }
                }
            }
            points.push(PointResult {
                point: p.clone(),
                status,
            });
        }
        // Every part that shows a finding mailsleuth flags counts as rightly suspicious, in
        // every scenario alike, whether or not the trainer listed it.
        let flagged_parts: BTreeSet<Part> = match &self.report {
            Ok(r) if self.truth != Verdict::Ok => points_from_report(r)
                .iter()
                .filter(|p| self.engine_flags(&p.check))
                .flat_map(|p| self.visible_parts(p.spot.as_ref()))
                .collect(),
            _ => BTreeSet::new(),
        };
        let (also_flagged, false_alarms): (Vec<Part>, Vec<Part>) = self
            .marked
            .iter()
            .filter(|p| !tell_parts.contains(p))
            .copied()
            .partition(|p| flagged_parts.contains(p));
        let correct_decision = Decision::for_verdict(self.truth);
        let decision_points = if decision == correct_decision {
            DECISION_POINTS
        } else {
            0
        };
        let penalty = u32::try_from(false_alarms.len()).unwrap_or(u32::MAX);
        QuestionResult {
            decision,
            correct_decision,
            points,
            false_alarms,
            also_flagged,
            score: (found + decision_points).saturating_sub(penalty),
            max_score: visible + DECISION_POINTS,
        }
    }

    /// The scored result, once answered.
    pub fn result(&self) -> Option<&QuestionResult> {
        self.result.as_ref()
    }
}

/// Whether `check` is good news in this report: a reassuring pass (a properly signed
/// newsletter, a list that rewrote the sender).
fn good_news(r: &Report, check: &str) -> bool {
    r.checks
        .iter()
        .any(|c| c.id == check && c.reassuring && c.outcome == Outcome::Pass)
}

/// A small deterministic shuffle (xorshift), so a round can be replayed from its seed.
fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut x = seed | 1;
    for i in (1..items.len()).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let j = usize::try_from(x % (i as u64 + 1)).unwrap_or(0);
        items.swap(i, j);
    }
}

/// A round of questions.
#[derive(Debug, Clone)]
pub struct Quiz {
    questions: Vec<Question>,
    current: usize,
}

impl Quiz {
    /// A round of `n` messages picked from `pool` in an order set by `seed`. When the pool
    /// holds a genuine message, the round includes at least one: learning to trust the
    /// right messages is half the skill.
    pub fn new(pool: Vec<Scenario>, n: usize, seed: u64) -> Quiz {
        let mut pool = pool;
        shuffle(&mut pool, seed);
        let n = n.max(1).min(pool.len());
        let genuine = |s: &Scenario| s.meta.expected == Some(Verdict::Ok);
        if !pool.iter().take(n).any(genuine) {
            if let Some(pos) = pool.iter().position(genuine) {
                if n > 0 {
                    pool.swap(n - 1, pos);
                }
            }
        }
        pool.truncate(n);
        // Keep the genuine message from always coming last.
        shuffle(&mut pool, seed.rotate_left(17));
        Quiz::from_scenarios(pool)
    }

    /// A round of exactly these scenarios, in this order.
    pub fn from_scenarios(scenarios: Vec<Scenario>) -> Quiz {
        Quiz {
            questions: scenarios.into_iter().map(Question::new).collect(),
            current: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.questions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.questions.is_empty()
    }

    /// 0-based position of the current question.
    pub fn position(&self) -> usize {
        self.current
    }

    pub fn questions(&self) -> &[Question] {
        &self.questions
    }

    /// The question on screen; `None` once the round is over (or empty).
    pub fn current(&self) -> Option<&Question> {
        self.questions.get(self.current)
    }

    pub fn current_mut(&mut self) -> Option<&mut Question> {
        self.questions.get_mut(self.current)
    }

    /// Moves on after the reveal; does nothing while the current question is unanswered.
    pub fn next(&mut self) {
        if self.current().is_some_and(|q| q.result().is_some()) {
            self.current += 1;
        }
    }

    /// Every question answered and the summary is due.
    pub fn finished(&self) -> bool {
        self.current >= self.questions.len()
    }

    /// Total score and the most that could be scored, over the answered questions.
    pub fn score(&self) -> (u32, u32) {
        self.questions
            .iter()
            .filter_map(Question::result)
            .fold((0, 0), |(s, m), r| (s + r.score, m + r.max_score))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shuffle_is_a_permutation_and_depends_on_the_seed() {
        let mut a: Vec<u32> = (0..20).collect();
        let mut b = a.clone();
        shuffle(&mut a, 7);
        shuffle(&mut b, 8);
        assert_ne!(a, b);
        let mut sorted = a.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..20).collect::<Vec<_>>());
    }

    #[test]
    fn decisions_follow_the_verdict() {
        assert_eq!(Decision::for_verdict(Verdict::Ok), Decision::Trust);
        assert_eq!(Decision::for_verdict(Verdict::Caution), Decision::DontTrust);
        assert_eq!(Decision::for_verdict(Verdict::Danger), Decision::DontTrust);
    }
}
