//! One frame of the window: reads input, lays out the top-level panels (toolbar, status
//! bar, message list, central view), dialogs and the drop overlay, then runs the commands.

use std::sync::Arc;
use std::time::Duration;

use super::entry::file_name;
use super::{
    gallery, list, presenter, quiz, report_view, theme, welcome, Command, MailsleuthApp, View,
};

impl MailsleuthApp {
    /// Draws the whole window for one frame, then runs what the person asked for.
    pub fn app_ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.apply_appearance(&ctx);
        let mut commands = Vec::new();
        self.poll_jobs();
        self.poll_folders();
        self.poll_open_dialog(&mut commands);
        self.poll_profile_dialog();
        self.poll_report_dialog();
        self.poll_rejudged();
        self.handle_input(&ctx, &mut commands);
        match self.folder_picker.poll() {
            Some(gallery::FolderOutcome::Loaded(scenarios, dir)) => {
                self.note = Some(format!(
                    "Using {} scenario{} from {}",
                    scenarios.len(),
                    if scenarios.len() == 1 { "" } else { "s" },
                    dir.display()
                ));
                self.gallery = scenarios;
            }
            Some(gallery::FolderOutcome::Problem(why)) => self.note = Some(why),
            None => {}
        }

        if self.view == View::Presenter {
            // Full screen for the projector: no toolbar, list or status bar.
            self.presenter_view_ui(ui);
            theme::focus_ring(&ctx);
            return;
        }
        egui::Panel::top("toolbar")
            .frame(
                egui::Frame::side_top_panel(ui.style())
                    .inner_margin(egui::Margin::symmetric(10, 6)),
            )
            .show(ui, |ui| {
                self.toolbar_ui(ui, &mut commands);
            });
        egui::Panel::bottom("status-bar")
            .frame(
                egui::Frame::side_top_panel(ui.style())
                    .inner_margin(egui::Margin::symmetric(10, 4)),
            )
            .show(ui, |ui| {
                self.status_bar_ui(ui);
            });
        if !self.entries.is_empty() {
            egui::Panel::left("message-list")
                .resizable(true)
                .default_size(theme::LIST_WIDTH)
                .size_range(180.0..=420.0)
                .show(ui, |ui| {
                    list::list_ui(ui, &self.entries, self.view, &mut commands);
                });
        }
        egui::CentralPanel::default().show(ui, |ui| {
            self.note_ui(ui, &mut commands);
            match self.view {
                View::Welcome | View::Presenter => {
                    welcome::welcome_ui(ui, self.logo.as_ref(), &self.gallery, &mut commands)
                }
                View::Message(id) => match self.entries.iter_mut().find(|e| e.id == id) {
                    Some(entry) => {
                        report_view::entry_ui(ui, entry, self.profile.as_deref(), &mut commands)
                    }
                    None => {
                        welcome::welcome_ui(ui, self.logo.as_ref(), &self.gallery, &mut commands)
                    }
                },
                View::Quiz => match self.quiz.as_mut() {
                    Some(screen) => {
                        if quiz::quiz_ui(ui, screen).is_some() {
                            commands.push(Command::Show(View::Welcome));
                        }
                    }
                    None => {
                        welcome::welcome_ui(ui, self.logo.as_ref(), &self.gallery, &mut commands)
                    }
                },
            }
        });
        self.dialogs_ui(&ctx, &mut commands);
        theme::focus_ring(&ctx);
        drop_overlay_ui(&ctx);

        for command in commands {
            self.run_command(&ctx, command);
        }
        self.update_title(&ctx);
        if self.is_busy() || self.open_dialog.is_some() || self.folder_picker.is_open() {
            // Spinners animate; workers also request a repaint when they finish.
            ctx.request_repaint_after(Duration::from_millis(100));
        }
    }

    /// The presenter view fills the window; leaving it returns to the start page.
    pub(super) fn presenter_view_ui(&mut self, ui: &mut egui::Ui) {
        let left = egui::CentralPanel::default()
            .show(ui, |ui| match self.presenter.as_mut() {
                Some(screen) => presenter::presenter_ui(ui, screen).is_some(),
                None => true,
            })
            .inner;
        if left {
            self.presenter = None;
            self.view = View::Welcome;
        }
    }

    /// Reads drops, pastes and shortcuts for this frame.
    pub(super) fn handle_input(&mut self, ctx: &egui::Context, commands: &mut Vec<Command>) {
        let dropped: Vec<egui::DroppedFileHandle> = ctx.input(|i| i.raw.dropped_files.clone());
        for handle in dropped {
            self.open_dropped(ctx, handle);
        }
        // A paste belongs to a text field when one has focus; elsewhere it is a message.
        let typing = ctx.text_edit_focused() || self.dialog.is_some();
        if !typing {
            let pasted: Vec<String> = ctx.input(|i| {
                i.events
                    .iter()
                    .filter_map(|e| match e {
                        egui::Event::Paste(text) => Some(text.clone()),
                        _ => None,
                    })
                    .collect()
            });
            for text in pasted {
                if text.trim().is_empty() {
                    self.note = Some("The clipboard holds no text to check".into());
                    continue;
                }
                commands.push(Command::OpenBytes {
                    name: "Pasted message".into(),
                    bytes: Arc::from(text.into_bytes()),
                });
            }
        }
        let open = ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::O));
        if open {
            commands.push(Command::OpenFileDialog);
        }
        if self.dialog.is_none()
            && self.view != View::Presenter
            && ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape))
        {
            // Esc closes the newest thing first: a note, then an open lesson.
            if self.note.is_some() {
                self.note = None;
            } else if let Some(entry) = self.selected_mut() {
                entry.ui.check = None;
            }
        }
    }
}

/// Dims the window and says what will happen while files are dragged over it.
fn drop_overlay_ui(ctx: &egui::Context) {
    let hovered: Vec<String> = ctx.input(|i| {
        i.raw
            .hovered_files
            .iter()
            .map(|f| f.path.as_deref().map(file_name).unwrap_or_default())
            .collect()
    });
    if hovered.is_empty() {
        return;
    }
    let text = match hovered.len() {
        1 => match hovered.first().filter(|n| !n.is_empty()) {
            Some(name) => format!("Drop to check {name}"),
            None => "Drop to check this message".into(),
        },
        n => format!("Drop to check these {n} messages"),
    };
    let palette = theme::Palette::of(&ctx.global_style().visuals);
    let layer = egui::LayerId::new(egui::Order::Foreground, egui::Id::unique("drop-overlay"));
    let painter = ctx.layer_painter(layer);
    let screen = ctx.content_rect();
    painter.rect_filled(screen, 0.0, theme::DROP_DIM);
    painter.rect_stroke(
        screen.shrink(16.0),
        12.0,
        egui::Stroke::new(3.0, palette.accent),
        egui::StrokeKind::Inside,
    );
    painter.text(
        screen.center(),
        egui::Align2::CENTER_CENTER,
        format!("📥 {text}"),
        egui::FontId::proportional(28.0),
        theme::DROP_TEXT,
    );
}
