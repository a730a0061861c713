//! The message list on the left: one row per opened message, with its verdict icon and word.

use super::theme::{self, Palette};
use super::{Command, Entry, EntryState, View};

/// Draws the list of opened messages.
pub fn list_ui(ui: &mut egui::Ui, entries: &[Entry], view: View, commands: &mut Vec<Command>) {
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        ui.strong(format!("Messages ({})", entries.len()));
        if ui
            .small_button("➕ Add…")
            .on_hover_text("Open more messages (Ctrl+O), or drop them on the window")
            .clicked()
        {
            commands.push(Command::OpenFileDialog);
        }
    });
    ui.separator();
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for entry in entries {
                entry_row_ui(ui, entry, view == View::Message(entry.id), commands);
            }
        });
}

fn entry_row_ui(ui: &mut egui::Ui, entry: &Entry, selected: bool, commands: &mut Vec<Command>) {
    let palette = Palette::of(ui.visuals());
    let (icon, word, colour) = match &entry.state {
        EntryState::Loading => ("⏳", "Checking…", palette.neutral),
        EntryState::Failed(_) => ("❓", "Could not read", palette.neutral),
        EntryState::Ready(report) => (
            theme::verdict_icon(report.verdict),
            report.verdict.word(),
            palette.verdict(report.verdict),
        ),
    };
    let subject = entry
        .report()
        .and_then(|r| r.subject.clone())
        .filter(|s| !s.is_empty());
    // Close button first, from the right, so the row fills exactly what is left: a row
    // even a pixel wider than the panel would make the resizable panel grow every frame.
    let row = ui.with_layout(egui::Layout::right_to_left(egui::Align::Min), |ui| {
        let close = ui.small_button("✖").on_hover_text("Close this message");
        let close_label = format!("Close {}", entry.name);
        close.widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::Button, true, close_label.clone())
        });
        if close.clicked() {
            commands.push(Command::Close(entry.id));
        }
        if matches!(entry.state, EntryState::Loading) {
            ui.add(egui::Spinner::new().size(14.0));
        }
        let width = ui.available_width().max(80.0);
        let mut job = egui::text::LayoutJob::default();
        let body = egui::TextStyle::Body.resolve(ui.style());
        let small = egui::TextStyle::Small.resolve(ui.style());
        let text_colour = ui.visuals().text_color();
        job.append(
            &format!("{icon} {word}\n"),
            0.0,
            egui::TextFormat::simple(body.clone(), colour),
        );
        job.append(
            &shorten(subject.as_deref().unwrap_or(&entry.name), 60),
            0.0,
            egui::TextFormat::simple(body, text_colour),
        );
        if subject.is_some() {
            job.append(
                &format!("\n{}", shorten(&entry.name, 60)),
                0.0,
                egui::TextFormat::simple(small, palette.muted),
            );
        }
        // A layout job does not wrap unless told how wide it may be.
        job.wrap.max_width = (width - 2.0 * ui.spacing().button_padding.x).max(40.0);
        let button = egui::Button::selectable(selected, (job, egui::Atom::grow()))
            .min_size(egui::vec2(width, 0.0))
            .wrap_mode(egui::TextWrapMode::Wrap);
        let response = ui.add(button);
        let label = format!("{word}: {}", subject.as_deref().unwrap_or(&entry.name));
        response.widget_info(|| {
            egui::WidgetInfo::selected(egui::Role::Button, true, selected, label.clone())
        });
        // The arrow keys move through the list and show the message they land on, so the
        // list works without a mouse; Tab only passes through it (Enter or Space opens the
        // focused message), so moving on to the rest of the window never changes the message.
        if response.clicked() || (response.has_focus() && arrow_navigation(ui) && !selected) {
            commands.push(Command::Show(View::Message(entry.id)));
        }
    });
    if matches!(entry.state, EntryState::Loading) {
        row.response.ctx.request_repaint();
    }
    ui.add_space(2.0);
}

/// Whether keyboard focus last moved by an arrow key (not by Tab or a click). Focus lands
/// on the next widget a frame after the key, so the key is remembered until another moves
/// focus.
fn arrow_navigation(ui: &egui::Ui) -> bool {
    let id = egui::Id::unique("message-list-arrow-navigation");
    let (arrow, other) = ui.input(|i| {
        (
            i.key_pressed(egui::Key::ArrowDown) || i.key_pressed(egui::Key::ArrowUp),
            i.key_pressed(egui::Key::Tab) || i.pointer.any_pressed(),
        )
    });
    if arrow || other {
        ui.data_mut(|d| d.insert_temp(id, arrow));
    }
    ui.data(|d| d.get_temp::<bool>(id)).unwrap_or(false)
}

/// Cuts `s` to at most `max` characters, adding "…" when it was longer.
pub fn shorten(s: &str, max: usize) -> String {
    let mut chars = s.chars();
    let head: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() {
        format!("{}…", head.trim_end())
    } else {
        head
    }
}
