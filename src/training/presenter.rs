//! Presenter view steps: a trainer reveals one scenario at a time, verdict hidden first,
//! then each tell, then the path, then the lesson.

use super::quiz::Question;
use super::Scenario;

/// One screen of the presentation of a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The message as a mail client shows it; the verdict is hidden.
    Message,
    /// The n-th learning point (0-based).
    Tell(usize),
    /// The route the message travelled, with the trust boundary.
    Path,
    /// The verdict and what to take away.
    Lesson,
}

/// The steps for one scenario, in order.
pub fn steps(q: &Question) -> Vec<Step> {
    let mut v = vec![Step::Message];
    v.extend((0..q.points.len()).map(Step::Tell));
    if q.report.as_ref().is_ok_and(|r| !r.path.hops.is_empty()) {
        v.push(Step::Path);
    }
    v.push(Step::Lesson);
    v
}

/// A presentation: scenarios in order, and where the trainer is.
#[derive(Debug, Clone)]
pub struct Presentation {
    questions: Vec<Question>,
    scenario: usize,
    step: usize,
}

impl Presentation {
    /// Starts at the first step of `start` (clamped to the list).
    pub fn new(scenarios: Vec<Scenario>, start: usize) -> Presentation {
        let questions: Vec<Question> = scenarios.into_iter().map(Question::new).collect();
        let scenario = start.min(questions.len().saturating_sub(1));
        Presentation {
            questions,
            scenario,
            step: 0,
        }
    }

    /// The scenario on screen.
    pub fn question(&self) -> Option<&Question> {
        self.questions.get(self.scenario)
    }

    /// 0-based index of the scenario on screen, and how many there are.
    pub fn scenario_position(&self) -> (usize, usize) {
        (self.scenario, self.questions.len())
    }

    /// The step on screen.
    pub fn step(&self) -> Step {
        self.question()
            .and_then(|q| steps(q).get(self.step).copied())
            .unwrap_or(Step::Message)
    }

    /// 0-based index of the step on screen, and how many steps this scenario has.
    pub fn step_position(&self) -> (usize, usize) {
        (
            self.step,
            self.question().map(|q| steps(q).len()).unwrap_or(0),
        )
    }

    /// Which tells are on screen by now (all tells up to the current one stay visible).
    pub fn tells_shown(&self) -> usize {
        let Some(q) = self.question() else { return 0 };
        match self.step() {
            Step::Message => 0,
            Step::Tell(i) => i + 1,
            Step::Path | Step::Lesson => q.points.len(),
        }
    }

    /// Has the verdict been revealed?
    pub fn verdict_shown(&self) -> bool {
        self.step() == Step::Lesson
    }

    /// Next step; after a scenario's last step, the next scenario. Returns false at the very end.
    pub fn forward(&mut self) -> bool {
        let (step, count) = self.step_position();
        if step + 1 < count {
            self.step += 1;
            true
        } else if self.scenario + 1 < self.questions.len() {
            self.scenario += 1;
            self.step = 0;
            true
        } else {
            false
        }
    }

    /// Previous step; before a scenario's first step, the previous scenario's last step.
    pub fn back(&mut self) -> bool {
        if self.step > 0 {
            self.step -= 1;
            true
        } else if self.scenario > 0 {
            self.scenario -= 1;
            self.step = self.step_position().1.saturating_sub(1);
            true
        } else {
            false
        }
    }
}
