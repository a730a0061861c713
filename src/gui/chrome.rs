//! The window's frame around the views: toolbar, status bar, note bar and dialogs.

use std::sync::Arc;

use super::app::Dialog;
use super::{report_view, settings, theme, Command, EntryState, MailsleuthApp, View};

/// Room kept beside a note for its Dismiss button.
const NOTE_BUTTON_WIDTH: f32 = 96.0;

/// Width of `text` on one line in `style`.
fn text_width(ui: &egui::Ui, text: &str, style: egui::TextStyle) -> f32 {
    let font = style.resolve(ui.style());
    ui.painter()
        .layout_no_wrap(text.to_string(), font, egui::Color32::PLACEHOLDER)
        .size()
        .x
}

impl MailsleuthApp {
    pub(super) fn dialogs_ui(&mut self, ctx: &egui::Context, commands: &mut Vec<Command>) {
        let Some(dialog) = &mut self.dialog else {
            return;
        };
        match dialog {
            Dialog::Settings(draft) => {
                let modal = egui::Modal::new(egui::Id::unique("settings-dialog")).show(ctx, |ui| {
                    ui.set_width(520.0);
                    ui.heading("Settings");
                    ui.add_space(4.0);
                    settings::settings_ui(ui, draft, commands);
                });
                if modal.should_close() {
                    commands.push(Command::CloseDialog);
                }
            }
            Dialog::Paste(text) => {
                let modal = egui::Modal::new(egui::Id::unique("paste-dialog")).show(ctx, |ui| {
                    ui.set_width(620.0);
                    ui.heading("Paste message or headers");
                    ui.label(
                        "In your mail program, open the message source (often \"Show original\" \
                         or \"View source\"), copy all of it, and paste it here",
                    );
                    egui::ScrollArea::vertical()
                        .max_height(320.0)
                        .show(ui, |ui| {
                            let edit = egui::TextEdit::multiline(text)
                                .code_editor()
                                .desired_rows(14)
                                .desired_width(f32::INFINITY)
                                .hint_text("Received: from …\nFrom: …\nSubject: …");
                            let r = ui.add(edit);
                            r.widget_info(|| {
                                egui::WidgetInfo::labeled(
                                    egui::Role::MultilineTextInput,
                                    true,
                                    "Message source",
                                )
                            });
                        });
                    ui.horizontal(|ui| {
                        let has_text = !text.trim().is_empty();
                        if ui
                            .add_enabled(has_text, egui::Button::new("Check this message"))
                            .clicked()
                        {
                            commands.push(Command::OpenBytes {
                                name: "Pasted message".into(),
                                bytes: Arc::from(text.clone().into_bytes()),
                            });
                            commands.push(Command::CloseDialog);
                        }
                        if ui.button("Cancel").clicked() {
                            commands.push(Command::CloseDialog);
                        }
                    });
                });
                if modal.should_close() {
                    commands.push(Command::CloseDialog);
                }
            }
        }
    }

    pub(super) fn toolbar_ui(&self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        let (status, short_status, tip) = if self.settings.offline {
            (
                "✈ Offline: live checks off",
                "✈ Offline",
                "Only what the message itself records is judged. Change this in Settings",
            )
        } else {
            (
                "🌐 Live checks on",
                "🌐 Live",
                "Authentication is re-checked now over DNS. Turn on offline mode in Settings",
            )
        };
        let title = egui::RichText::new("🔍 mailsleuth").strong().size(17.0);
        let (paste, short_paste) = ("📋 Paste message or headers…", "📋 Paste…");
        // With larger text or a narrow window the full labels would run into each other:
        // shorter ones are used where they do not fit (their hover text says the rest).
        let button = |t: &str| {
            text_width(ui, t, egui::TextStyle::Button) + 2.0 * ui.spacing().button_padding.x
        };
        let gap = ui.spacing().item_spacing.x;
        let fixed = text_width(ui, "🔍 mailsleuth", egui::TextStyle::Heading)
            + button("📂 Open file…")
            + button("⚙ Settings…")
            + 5.0 * gap
            + 12.0;
        let room = ui.available_width() - fixed;
        let small = |t: &str| text_width(ui, t, egui::TextStyle::Small);
        let (paste, status) = if button(paste) + small(status) <= room {
            (paste, status)
        } else if button(short_paste) + small(status) <= room {
            (short_paste, status)
        } else {
            (short_paste, short_status)
        };
        ui.horizontal(|ui| {
            if ui
                .add(egui::Button::new(title).frame(false))
                .on_hover_text("Back to the start page")
                .clicked()
            {
                commands.push(Command::Show(View::Welcome));
            }
            ui.separator();
            let busy = self.open_dialog.is_some();
            if ui
                .add_enabled(!busy, egui::Button::new("📂 Open file…"))
                .on_hover_text("Ctrl+O")
                .clicked()
            {
                commands.push(Command::OpenFileDialog);
            }
            let paste_button = ui.button(paste).on_hover_text(
                "Paste a whole message or just its headers. Or press Ctrl+V anywhere in the window",
            );
            paste_button.widget_info(|| {
                egui::WidgetInfo::labeled(egui::Role::Button, true, "📋 Paste message or headers…")
            });
            if paste_button.clicked() {
                commands.push(Command::ShowPaste);
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button("⚙ Settings…").clicked() {
                    commands.push(Command::ShowSettings);
                }
                ui.add(
                    egui::Label::new(egui::RichText::new(status).small())
                        .wrap_mode(egui::TextWrapMode::Extend),
                )
                .on_hover_text(tip);
            });
        });
    }

    pub(super) fn status_bar_ui(&self, ui: &mut egui::Ui) {
        let selected = match self.view {
            View::Message(id) => self.entries.iter().find(|e| e.id == id),
            View::Welcome | View::Quiz | View::Presenter => None,
        };
        match selected {
            Some(entry) if entry.report().is_some() => {
                report_view::live_status_ui(ui, &entry.live, &self.settings);
            }
            _ => {
                let busy = self
                    .entries
                    .iter()
                    .filter(|e| matches!(e.state, EntryState::Loading))
                    .count();
                ui.horizontal(|ui| {
                    if busy > 0 {
                        ui.add(egui::Spinner::new().size(14.0));
                        ui.label(format!(
                            "Checking {busy} message{}…",
                            if busy == 1 { "" } else { "s" }
                        ));
                    } else {
                        ui.label(
                            "mailsleuth never opens links or attachments, never loads remote \
                             images and never changes your files",
                        );
                    }
                });
            }
        }
    }

    pub(super) fn note_ui(&self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        let Some(note) = &self.note else {
            return;
        };
        let palette = theme::Palette::of(ui.visuals());
        egui::Frame::new()
            .fill(palette.caution_bg)
            .inner_margin(8)
            .corner_radius(6)
            .show(ui, |ui| {
                // However long the note, it wraps inside the window and its Dismiss button
                // stays beside it (Esc dismisses it too).
                ui.set_max_width(ui.available_width());
                ui.horizontal_top(|ui| {
                    ui.label(egui::RichText::new("ℹ").color(palette.caution));
                    let text_width = (ui.available_width() - NOTE_BUTTON_WIDTH).max(120.0);
                    ui.vertical(|ui| {
                        ui.set_max_width(text_width);
                        ui.add(egui::Label::new(note.as_str()).wrap());
                    });
                    if ui
                        .button("Dismiss")
                        .on_hover_text("Dismiss this note (Esc)")
                        .clicked()
                    {
                        commands.push(Command::DismissNote);
                    }
                });
            });
    }
}
