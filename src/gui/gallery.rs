//! The training card on the welcome view: start the quiz, open the presenter view, and the
//! gallery of scenarios (open one as a message, or present it).

use egui::{Button, RichText};

use crate::analysis::Verdict;
use crate::training::Scenario;

/// What the trainer or learner picked on the training card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GalleryAction {
    /// Start a quiz round from the gallery.
    StartQuiz,
    /// Open the presenter view at this scenario (index into the gallery).
    Present(usize),
    /// Open this scenario as an ordinary message, with its full report.
    Open(usize),
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
        "Practise on realistic messages sent to the fictional company Fabrikam: spot the tells \
         before mailsleuth shows them, or present them step by step to a group",
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
    ui.add_space(4.0);
    egui::CollapsingHeader::new(format!("Scenario gallery ({} messages)", gallery.len()))
        .id_salt("training-gallery")
        .show(ui, |ui| {
            egui::Grid::new("training-gallery-grid")
                .striped(true)
                .num_columns(3)
                .show(ui, |ui| {
                    for (i, s) in gallery.iter().enumerate() {
                        ui.label(&s.meta.title).on_hover_text(&s.meta.story);
                        ui.label(RichText::new(verdict_tag(s.meta.expected)).small());
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
