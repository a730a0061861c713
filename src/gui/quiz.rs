//! The "Spot it first" quiz screen: draws a `training::quiz::Quiz`; the scoring lives in `training`.
//!
//! The learner sees each message as a mail client shows it, without the verdict, marks
//! the parts they find suspicious and decides whether to trust it. The reveal shows what
//! they found and missed with the lesson for each; the round ends with a summary they
//! can save.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use egui::{Button, Frame, Margin, RichText, Stroke, TextWrapMode};

use crate::analysis::Verdict;
use crate::training::quiz::{Decision, PointStatus, Question, QuestionResult, Quiz, DEFAULT_ROUND};
use crate::training::summary::{self, Format, SaveError};
use crate::training::view::{MailView, Part};
use crate::training::Scenario;

use super::theme::Palette;

/// A save dialog that returns this fast with nothing chosen was almost certainly never
/// shown (no file-chooser service answered); a person cancelling takes longer.
const DIALOG_NEVER_SHOWN: Duration = Duration::from_millis(1500);

/// Where saving the summary stands.
#[derive(Debug)]
enum SaveFlow {
    Idle,
    /// The native dialog is open on another thread.
    Dialog {
        rx: Receiver<Option<PathBuf>>,
        format: Format,
        since: Instant,
    },
    /// No dialog appeared: offer the documents folder, only if the learner asks.
    NoDialog(Format),
    /// The file exists: ask before replacing it.
    Confirm(PathBuf, Format),
    Saved(PathBuf),
    Failed(String),
}

/// What the learner did this frame; applied after drawing.
#[derive(Debug, Clone, PartialEq)]
enum Action {
    Toggle(Part),
    Answer(Decision),
    Next,
    Save(Format),
    SaveToDefault(Format),
    Replace,
    CancelSave,
    NewRound,
    Leave,
}

/// What the quiz asks of the app around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuizExit {
    /// Leave the quiz and go back to the start.
    Leave,
}

/// The quiz screen: the round and the summary's save state.
#[derive(Debug)]
pub struct QuizScreen {
    pub quiz: Quiz,
    pool: Vec<Scenario>,
    round: usize,
    seed: u64,
    save: SaveFlow,
    /// Folder for "save to my documents"; the user's documents folder when `None`.
    pub save_dir: Option<PathBuf>,
    /// Use the native save dialog (off in tests, where no dialog service exists).
    pub use_dialog: bool,
}

impl QuizScreen {
    /// A round of `round` messages from `pool`, in an order set by `seed`.
    pub fn new(pool: Vec<Scenario>, round: usize, seed: u64) -> QuizScreen {
        QuizScreen {
            quiz: Quiz::new(pool.clone(), round, seed),
            pool,
            round,
            seed,
            save: SaveFlow::Idle,
            save_dir: None,
            use_dialog: true,
        }
    }

    /// A round of the default length from `pool`, seeded from the clock.
    pub fn from_gallery(pool: Vec<Scenario>) -> QuizScreen {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1);
        QuizScreen::new(pool, DEFAULT_ROUND, seed)
    }

    fn now() -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
            .and_then(|d| i64::try_from(d.as_secs()).ok())
            .unwrap_or(0)
    }

    fn default_path(&self, format: Format) -> Option<PathBuf> {
        match &self.save_dir {
            Some(d) => Some(d.join(summary::file_name(format, Self::now()))),
            None => summary::default_path(format, Self::now()),
        }
    }

    fn write(&mut self, path: PathBuf, format: Format, overwrite: bool) {
        let text = summary::render(&self.quiz, format);
        self.save = match summary::save(&path, &text, overwrite) {
            Ok(()) => SaveFlow::Saved(path),
            Err(SaveError::Exists(p)) => SaveFlow::Confirm(p, format),
            Err(e) => SaveFlow::Failed(e.to_string()),
        };
    }

    fn apply(&mut self, action: Action) -> Option<QuizExit> {
        match action {
            Action::Toggle(part) => {
                if let Some(q) = self.quiz.current_mut() {
                    q.toggle(part);
                }
            }
            Action::Answer(d) => {
                if let Some(q) = self.quiz.current_mut() {
                    q.answer(d);
                }
            }
            Action::Next => self.quiz.next(),
            Action::Save(format) => {
                if self.use_dialog {
                    let (tx, rx) = mpsc::channel();
                    let name = summary::file_name(format, Self::now());
                    // The native dialog blocks; it runs on its own thread so frames go on.
                    std::thread::spawn(move || {
                        let (label, ext) = match format {
                            Format::Html => ("Web page", "html"),
                            Format::Text => ("Text", "txt"),
                        };
                        let chosen = rfd::FileDialog::new()
                            .set_file_name(name)
                            .add_filter(label, &[ext])
                            .save_file();
                        let _ = tx.send(chosen);
                    });
                    self.save = SaveFlow::Dialog {
                        rx,
                        format,
                        since: Instant::now(),
                    };
                } else {
                    self.save = SaveFlow::NoDialog(format);
                }
            }
            Action::SaveToDefault(format) => match self.default_path(format) {
                Some(path) => self.write(path, format, false),
                None => {
                    self.save = SaveFlow::Failed(
                        "No home or documents folder was found to save into.".into(),
                    )
                }
            },
            Action::Replace => {
                if let SaveFlow::Confirm(path, format) =
                    std::mem::replace(&mut self.save, SaveFlow::Idle)
                {
                    self.write(path, format, true);
                }
            }
            Action::CancelSave => self.save = SaveFlow::Idle,
            Action::NewRound => {
                self.seed = self
                    .seed
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                self.quiz = Quiz::new(self.pool.clone(), self.round, self.seed);
                self.save = SaveFlow::Idle;
            }
            Action::Leave => return Some(QuizExit::Leave),
        }
        None
    }

    fn poll_dialog(&mut self, ctx: &egui::Context) {
        let SaveFlow::Dialog { rx, format, since } = &self.save else {
            return;
        };
        let (format, since) = (*format, *since);
        match rx.try_recv() {
            Ok(Some(path)) => self.write(path, format, false),
            Ok(None) | Err(mpsc::TryRecvError::Disconnected) => {
                self.save = if since.elapsed() < DIALOG_NEVER_SHOWN {
                    SaveFlow::NoDialog(format)
                } else {
                    SaveFlow::Idle
                };
            }
            Err(mpsc::TryRecvError::Empty) => ctx.request_repaint_after(Duration::from_millis(100)),
        }
    }
}

/// Draws the quiz and applies what the learner did. Returns `Some` when the app should
/// leave the quiz.
pub fn quiz_ui(ui: &mut egui::Ui, screen: &mut QuizScreen) -> Option<QuizExit> {
    screen.poll_dialog(ui.ctx());
    let mut actions = Vec::new();
    top_bar_ui(ui, screen, &mut actions);
    ui.separator();
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            if screen.quiz.is_empty() {
                ui.label("There are no messages to quiz on.");
            } else if let Some(q) = screen.quiz.current() {
                let last = screen.quiz.position() + 1 == screen.quiz.len();
                question_ui(ui, q, last, &mut actions);
            } else {
                summary_ui(ui, screen, &mut actions);
            }
        });
    let mut exit = None;
    for a in actions {
        if let Some(e) = screen.apply(a) {
            exit = Some(e);
        }
    }
    exit
}

fn top_bar_ui(ui: &mut egui::Ui, screen: &QuizScreen, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        ui.heading("Spot it first");
        let quiz = &screen.quiz;
        if !quiz.finished() {
            ui.label(format!("Message {} of {}", quiz.position() + 1, quiz.len()));
        }
        let (score, max) = quiz.score();
        ui.label(format!("Score: {score} of {max}"));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button("Leave quiz").clicked() {
                actions.push(Action::Leave);
            }
        });
    });
}

/// How a part looks: plain, marked by the learner, or judged after the reveal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Look {
    Plain,
    Marked,
    Found,
    Missed,
    FalseAlarm,
}

fn look_of(q: &Question, part: Part) -> Look {
    let marked = q.marked().contains(&part);
    let Some(r) = q.result() else {
        return if marked { Look::Marked } else { Look::Plain };
    };
    let tell = q
        .points
        .iter()
        .filter_map(|p| p.spot.as_ref())
        .any(|s| q.view.parts_for(s).contains(&part));
    match (marked, tell) {
        (true, true) => Look::Found,
        (false, true) => Look::Missed,
        (true, false) if r.false_alarms.contains(&part) => Look::FalseAlarm,
        _ => Look::Plain,
    }
}

/// One clickable part of the message. The label starts with a word a screen reader (and
/// a test) can find it by; the flag shows it is marked, never colour alone.
fn part_ui(ui: &mut egui::Ui, q: &Question, part: Part, text: &str, actions: &mut Vec<Action>) {
    let look = look_of(q, part);
    let prefix = match look {
        Look::Plain => "",
        Look::Marked => "⚑ ",
        Look::Found => "✔ ",
        Look::Missed => "⚠ ",
        Look::FalseAlarm => "✖ ",
    };
    let mut button = Button::selectable(
        look == Look::Marked,
        RichText::new(format!("{prefix}{text}")),
    )
    .wrap_mode(TextWrapMode::Wrap);
    let palette = Palette::of(ui.visuals());
    match look {
        Look::Found => button = button.fill(palette.found_bg),
        Look::Missed => {
            button = button
                .fill(palette.missed_bg)
                .stroke(Stroke::new(1.5, ui.visuals().warn_fg_color))
        }
        _ => {}
    }
    let answered = q.result().is_some();
    let mut response = ui.add(button);
    if let Part::Link(i) = part {
        if let Some(l) = q.view.links.iter().find(|l| l.index == i) {
            response = response.on_hover_text(format!("Goes to: {}", l.href));
        }
    }
    if answered {
        let tip = match look {
            Look::Found => "You spotted this",
            Look::Missed => "A tell you missed",
            Look::FalseAlarm => "Nothing wrong here",
            _ => "",
        };
        if !tip.is_empty() {
            response.on_hover_text(tip);
        }
    } else if response.clicked() {
        actions.push(Action::Toggle(part));
    }
}

fn mail_ui(ui: &mut egui::Ui, q: &Question, actions: &mut Vec<Action>) {
    let v: &MailView = &q.view;
    Frame::group(ui.style())
        .inner_margin(Margin::same(12))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            part_ui(ui, q, Part::From, &format!("From: {}", v.from), actions);
            if let Some(rt) = &v.reply_to {
                part_ui(ui, q, Part::ReplyTo, &format!("Reply-To: {rt}"), actions);
            }
            part_ui(ui, q, Part::To, &format!("To: {}", v.to), actions);
            part_ui(ui, q, Part::Date, &format!("Date: {}", v.date), actions);
            part_ui(
                ui,
                q,
                Part::Subject,
                &format!("Subject: {}", v.subject),
                actions,
            );
            ui.separator();
            if v.paragraphs.is_empty() {
                ui.weak("(This message has no text.)");
            }
            for (i, p) in v.paragraphs.iter().enumerate() {
                part_ui(ui, q, Part::Paragraph(i), p, actions);
            }
            if !v.links.is_empty() {
                ui.separator();
                ui.label(
                    RichText::new("Links (point at one to see where it really goes)").strong(),
                );
                for l in &v.links {
                    part_ui(
                        ui,
                        q,
                        Part::Link(l.index),
                        &format!("Link: {}", l.text),
                        actions,
                    );
                }
            }
            if !v.attachments.is_empty() {
                ui.separator();
                ui.label(RichText::new("Attachments").strong());
                for a in &v.attachments {
                    part_ui(
                        ui,
                        q,
                        Part::Attachment(a.index),
                        &format!("Attachment: {} ({})", a.name, a.size),
                        actions,
                    );
                }
            }
        });
}

fn question_ui(ui: &mut egui::Ui, q: &Question, last: bool, actions: &mut Vec<Action>) {
    match q.result() {
        None => {
            if let Err(e) = &q.report {
                ui.colored_label(ui.visuals().warn_fg_color, e.to_string());
            }
            ui.label("Click every part of this message that looks suspicious to you, then decide: would you act on it?");
            ui.add_space(6.0);
            mail_ui(ui, q, actions);
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                ui.label(format!("Marked: {}", q.marked().len()));
                for d in [Decision::Trust, Decision::DontTrust] {
                    if ui
                        .add(
                            Button::new(RichText::new(d.label()).size(16.0))
                                .min_size(egui::vec2(120.0, 32.0)),
                        )
                        .clicked()
                    {
                        actions.push(Action::Answer(d));
                    }
                }
            });
        }
        Some(r) => {
            reveal_ui(ui, q, r, last, actions);
            ui.add_space(8.0);
            mail_ui(ui, q, actions);
        }
    }
}

fn verdict_words(v: Verdict) -> (&'static str, &'static str) {
    let icon = match v {
        Verdict::Ok => "✔",
        Verdict::Caution => "⚠",
        Verdict::Danger => "⛔",
    };
    (icon, v.word())
}

fn reveal_ui(
    ui: &mut egui::Ui,
    q: &Question,
    r: &QuestionResult,
    last: bool,
    actions: &mut Vec<Action>,
) {
    let (icon, word) = verdict_words(q.truth);
    let right = r.decided_right();
    ui.heading(if right {
        format!("Right: {}", r.correct_decision.label())
    } else {
        format!(
            "Not quite: the safe answer is {}",
            r.correct_decision.label()
        )
    });
    ui.label(
        RichText::new(format!("{icon} {word}: {}", q.scenario.meta.title))
            .size(16.0)
            .strong(),
    );
    if !q.scenario.meta.story.is_empty() {
        ui.label(&q.scenario.meta.story);
    }
    if let Ok(report) = &q.report {
        if report.verdict != q.truth {
            // Honest about the tool's limits: the learner's eyes beat it here.
            ui.label(
                RichText::new(format!(
                    "mailsleuth on its own says \"{}\" here: {}",
                    report.verdict.word(),
                    q.scenario
                        .meta
                        .engine_gap
                        .as_deref()
                        .unwrap_or("it weighs this message differently")
                ))
                .italics(),
            );
        }
    }
    let (found, visible) = r.found();
    ui.label(format!(
        "You found {found} of {visible} tells you could see. Points: {} of {}.",
        r.score, r.max_score
    ));
    ui.add_space(6.0);
    for p in &r.points {
        let (mark, status) = match p.status {
            PointStatus::Found => ("✔", "Found"),
            PointStatus::Missed => ("⚠", "Missed"),
            PointStatus::Hidden => ("🔍", "Only mailsleuth could see this"),
            PointStatus::GoodNews => ("✔", "Why it is fine"),
        };
        let lesson = crate::lessons::lesson(&p.point.check);
        let title = lesson
            .map(|l| l.title.clone())
            .unwrap_or_else(|| p.point.check.replace('-', " "));
        Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(RichText::new(format!("{mark} {status}: {title}")).strong());
            if !p.point.note.is_empty() {
                ui.label(&p.point.note);
            }
            // Only while it is true: once mailsleuth flags the check, the note would mislead.
            if p.point.gap.is_some() && !q.engine_flags(&p.point.check) {
                ui.label(
                    RichText::new(
                        "mailsleuth does not flag this one yet: only a careful reader catches it",
                    )
                    .italics(),
                );
            }
            if let Some(l) = lesson {
                ui.collapsing(format!("Lesson: {title}"), |ui| {
                    ui.label(&l.plain);
                    ui.label(RichText::new("Why it matters").strong());
                    ui.label(&l.why);
                    ui.label(RichText::new("How to check it yourself").strong());
                    ui.label(&l.how_to_check);
                    ui.label(RichText::new("What to do").strong());
                    ui.label(&l.what_to_do);
                });
            }
        });
    }
    if !r.also_flagged.is_empty() {
        let parts: Vec<String> = r.also_flagged.iter().map(|p| q.view.describe(*p)).collect();
        ui.label(format!(
            "✔ You also marked {}: mailsleuth flags it too, so no point off.",
            parts.join(", ")
        ));
    }
    if !r.false_alarms.is_empty() {
        let parts: Vec<String> = r.false_alarms.iter().map(|p| q.view.describe(*p)).collect();
        ui.label(format!(
            "✖ You also marked {}: nothing wrong there (one point off each).",
            parts.join(", ")
        ));
    }
    ui.add_space(6.0);
    let label = if last {
        "See the summary"
    } else {
        "Next message"
    };
    if ui
        .add(Button::new(RichText::new(label).size(16.0)))
        .clicked()
    {
        actions.push(Action::Next);
    }
}

fn summary_ui(ui: &mut egui::Ui, screen: &QuizScreen, actions: &mut Vec<Action>) {
    let (score, max) = screen.quiz.score();
    ui.heading(format!("Round over: {score} of {max} points"));
    ui.add_space(6.0);
    egui::Grid::new("quiz-summary")
        .striped(true)
        .num_columns(4)
        .show(ui, |ui| {
            ui.strong("Message");
            ui.strong("Your answer");
            ui.strong("Tells found");
            ui.strong("Points");
            ui.end_row();
            for q in screen.quiz.questions() {
                let Some(r) = q.result() else { continue };
                let (found, visible) = r.found();
                ui.label(&q.scenario.meta.title);
                ui.label(format!(
                    "{} {}",
                    if r.decided_right() { "✔" } else { "✖" },
                    r.decision.label()
                ));
                ui.label(format!("{found} of {visible}"));
                ui.label(format!("{} of {}", r.score, r.max_score));
                ui.end_row();
            }
        });
    ui.add_space(10.0);
    ui.horizontal(|ui| {
        if ui.button("Save summary…").clicked() {
            actions.push(Action::Save(Format::Html));
        }
        if ui.button("Save as text…").clicked() {
            actions.push(Action::Save(Format::Text));
        }
        if ui.button("Start a new round").clicked() {
            actions.push(Action::NewRound);
        }
        if ui.button("Back to start").clicked() {
            actions.push(Action::Leave);
        }
    });
    ui.add_space(6.0);
    save_state_ui(ui, screen, actions);
}

fn save_state_ui(ui: &mut egui::Ui, screen: &QuizScreen, actions: &mut Vec<Action>) {
    match &screen.save {
        SaveFlow::Idle => {}
        SaveFlow::Dialog { .. } => {
            ui.label("Choose where to save the summary in the dialog…");
        }
        SaveFlow::NoDialog(format) => {
            let place = screen
                .default_path(*format)
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "your documents folder".into());
            ui.label(format!(
                "No save dialog appeared. Save the summary as {place}?"
            ));
            ui.horizontal(|ui| {
                if ui.button("Save to my documents").clicked() {
                    actions.push(Action::SaveToDefault(*format));
                }
                if ui.button("Cancel").clicked() {
                    actions.push(Action::CancelSave);
                }
            });
        }
        SaveFlow::Confirm(path, _) => {
            ui.label(format!("{} already exists. Replace it?", path.display()));
            ui.horizontal(|ui| {
                if ui.button("Replace").clicked() {
                    actions.push(Action::Replace);
                }
                if ui.button("Keep the old file").clicked() {
                    actions.push(Action::CancelSave);
                }
            });
        }
        SaveFlow::Saved(path) => {
            ui.label(format!("✔ Saved to {}", path.display()));
        }
        SaveFlow::Failed(why) => {
            ui.colored_label(ui.visuals().error_fg_color, format!("✖ {why}"));
        }
    }
}
