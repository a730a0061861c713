//! The training card on the welcome view: start the quiz, open the presenter view, and the
//! gallery of scenarios (open one as a message, or present it).

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use egui::{Button, RichText};

use crate::analysis::Verdict;
use crate::training::Scenario;

/// A folder dialog that returns this fast with nothing chosen was almost certainly never
/// shown (no file-chooser service answered); a person cancelling takes longer.
const DIALOG_NEVER_SHOWN: Duration = Duration::from_millis(1500);

/// What the trainer or learner picked on the training card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GalleryAction {
    /// Start a quiz round from the gallery.
    StartQuiz,
    /// Open the presenter view at this scenario (index into the gallery).
    Present(usize),
    /// Open this scenario as an ordinary message, with its full report.
    Open(usize),
    /// Ask for a folder of the trainer's own scenarios.
    UseFolder,
    /// Go back to the built-in gallery.
    UseBuiltIn,
}

/// What came of asking for a scenario folder.
#[derive(Debug)]
pub enum FolderOutcome {
    /// The scenarios were read; the folder they came from.
    Loaded(Vec<Scenario>, PathBuf),
    /// Something went wrong; a sentence to show.
    Problem(String),
}

/// The folder dialog for trainers' own scenarios, run off the UI thread.
#[derive(Debug, Default)]
pub struct FolderPicker {
    pending: Option<(Receiver<Option<PathBuf>>, Instant)>,
}

impl FolderPicker {
    /// Opens the native folder dialog, unless one is open already.
    pub fn start(&mut self, ctx: &egui::Context) {
        if self.pending.is_some() {
            return;
        }
        let (tx, rx) = mpsc::channel();
        let repaint = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("scenario-folder-dialog".into())
            .spawn(move || {
                let picked = rfd::FileDialog::new()
                    .set_title("Choose a folder of .eml scenarios")
                    .pick_folder();
                // The app may have closed meanwhile; nothing to tell then.
                let _ = tx.send(picked);
                repaint.request_repaint();
            });
        if spawned.is_ok() {
            self.pending = Some((rx, Instant::now()));
        }
    }

    /// Is the dialog open?
    pub fn is_open(&self) -> bool {
        self.pending.is_some()
    }

    /// Picks up the dialog's answer and reads the folder.
    pub fn poll(&mut self) -> Option<FolderOutcome> {
        let (rx, started) = self.pending.as_ref()?;
        let answer = match rx.try_recv() {
            Ok(a) => a,
            Err(mpsc::TryRecvError::Empty) => return None,
            Err(mpsc::TryRecvError::Disconnected) => None,
        };
        let quick = started.elapsed() < DIALOG_NEVER_SHOWN;
        self.pending = None;
        match answer {
            Some(dir) => Some(load(dir)),
            None if quick => Some(FolderOutcome::Problem(
                "No folder dialog could be shown on this desktop. Start mailsleuth from a \
                 desktop session with a file chooser to use your own scenarios"
                    .into(),
            )),
            None => None,
        }
    }
}

/// Reads a trainer's scenario folder.
pub fn load(dir: PathBuf) -> FolderOutcome {
    match crate::training::load_folder(&dir) {
        Ok(s) => FolderOutcome::Loaded(s, dir),
        Err(e) => FolderOutcome::Problem(e.to_string()),
    }
}

fn verdict_tag(v: Option<Verdict>) -> &'static str {
    match v {
        Some(Verdict::Ok) => "✔ genuine",
        Some(Verdict::Caution) => "⚠ be careful",
        Some(Verdict::Danger) => "⛔ fraud",
        None => "",
    }
}

/// Draws the training card. `gallery` is the list the indices refer to.
pub fn training_ui(ui: &mut egui::Ui, gallery: &[Scenario], actions: &mut Vec<GalleryAction>) {
    ui.label(RichText::new("Training").strong());
    ui.label(
        "Practise on realistic messages: spot the tells before mailsleuth shows them, or \
         present them step by step to a group. The built-in ones were sent to staff of \
         Fabrikam, a fictional company",
    );
    ui.horizontal_wrapped(|ui| {
        if ui
            .add(Button::new(RichText::new("🎓 Start quiz").size(16.0)))
            .on_hover_text("Five messages: mark what looks wrong, decide, see what you missed")
            .clicked()
        {
            actions.push(GalleryAction::StartQuiz);
        }
        if ui
            .add(Button::new(RichText::new("📽 Presenter view").size(16.0)))
            .on_hover_text("Full screen, large text; Space or arrow keys to step, Esc to leave")
            .clicked()
        {
            actions.push(GalleryAction::Present(0));
        }
    });
    ui.horizontal_wrapped(|ui| {
        if ui
            .button("Use a folder of my own…")
            .on_hover_text("A folder of .eml files, with an optional gallery.toml describing them")
            .clicked()
        {
            actions.push(GalleryAction::UseFolder);
        }
        if ui.button("Use the built-in gallery").clicked() {
            actions.push(GalleryAction::UseBuiltIn);
        }
    });
    ui.add_space(4.0);
    egui::CollapsingHeader::new(format!("Scenario gallery ({} messages)", gallery.len()))
        .id_salt("training-gallery")
        .show(ui, |ui| {
            // A projected gallery must not give the answers away: they show only on request.
            let answers_id = egui::Id::unique("training-gallery-show-answers");
            let mut answers = ui.data(|d| d.get_temp::<bool>(answers_id)).unwrap_or(false);
            if ui
                .checkbox(&mut answers, "Show answers (genuine or fraud)")
                .on_hover_text("Off while a group is watching: the verdict is what they practise")
                .changed()
            {
                ui.data_mut(|d| d.insert_temp(answers_id, answers));
            }
            egui::Grid::new("training-gallery-grid")
                .striped(true)
                .num_columns(3)
                .show(ui, |ui| {
                    for (i, s) in gallery.iter().enumerate() {
                        ui.label(&s.meta.title).on_hover_text(&s.meta.story);
                        let tag = if answers {
                            verdict_tag(s.meta.expected)
                        } else {
                            ""
                        };
                        ui.label(RichText::new(tag).small());
                        ui.horizontal(|ui| {
                            if ui
                                .small_button("Open")
                                .on_hover_text(format!("Open \"{}\" with its report", s.meta.title))
                                .clicked()
                            {
                                actions.push(GalleryAction::Open(i));
                            }
                            if ui
                                .small_button("Present")
                                .on_hover_text(format!("Present \"{}\"", s.meta.title))
                                .clicked()
                            {
                                actions.push(GalleryAction::Present(i));
                            }
                        });
                        ui.end_row();
                    }
                });
        });
}
