//! The welcome view: a big drop zone, open and paste buttons, and the built-in sample.

use egui::{RichText, Sense};

use super::theme::{self, Palette};
use super::Command;

/// Draws the welcome view.
pub fn welcome_ui(
    ui: &mut egui::Ui,
    logo: Option<&egui::TextureHandle>,
    gallery: &[crate::training::Scenario],
    commands: &mut Vec<Command>,
) {
    let palette = Palette::of(ui.visuals());
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let width = ui.available_width().min(760.0);
            let margin = ((ui.available_width() - width) / 2.0).max(0.0);
            ui.horizontal(|ui| {
                ui.add_space(margin);
                ui.vertical(|ui| {
                    ui.set_width(width);
                    ui.add_space(24.0);
                    ui.horizontal(|ui| {
                        if let Some(logo) = logo {
                            ui.add(
                                egui::Image::new((logo.id(), egui::vec2(72.0, 72.0)))
                                    .alt_text("mailsleuth logo"),
                            );
                            ui.add_space(8.0);
                        }
                        ui.vertical(|ui| {
                            ui.add_space(6.0);
                            ui.label(
                                RichText::new("Is this email really from who it says?").heading(),
                            );
                            ui.label(
                                "mailsleuth looks at where a message really came from, checks \
                                 the sender's proof of identity, and explains what it finds in \
                                 plain words",
                            );
                        });
                    });
                    ui.add_space(theme::SECTION_GAP);
                    drop_zone_ui(ui, &palette, commands);
                    ui.add_space(theme::SECTION_GAP);
                    ui.horizontal_wrapped(|ui| {
                        if ui
                            .add(egui::Button::new(RichText::new("📂 Open file…").size(16.0)))
                            .on_hover_text("Ctrl+O")
                            .clicked()
                        {
                            commands.push(Command::OpenFileDialog);
                        }
                        if ui
                            .add(egui::Button::new(
                                RichText::new("📋 Paste message or headers…").size(16.0),
                            ))
                            .on_hover_text("Or copy the message source and press Ctrl+V anywhere")
                            .clicked()
                        {
                            commands.push(Command::ShowPaste);
                        }
                    });
                    ui.add_space(theme::SECTION_GAP);
                    ui.label(RichText::new("Not sure where to start?").strong());
                    sample_card_ui(ui, &palette, commands);
                    ui.add_space(theme::SECTION_GAP);
                    training_card_ui(ui, &palette, gallery, commands);
                    ui.add_space(theme::SECTION_GAP);
                    how_to_save_ui(ui);
                });
            });
        });
}

fn drop_zone_ui(ui: &mut egui::Ui, palette: &Palette, commands: &mut Vec<Command>) {
    let size = egui::vec2(ui.available_width(), 190.0);
    let (rect, response) = ui.allocate_exact_size(size, Sense::click());
    let hovered = response.hovered() || ui.ctx().input(|i| !i.raw.hovered_files.is_empty());
    let stroke_colour = if hovered {
        palette.accent
    } else {
        palette.muted
    };
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 12.0, ui.visuals().faint_bg_color);
    dashed_rect(
        &painter,
        rect.shrink(2.0),
        egui::Stroke::new(2.0, stroke_colour),
    );
    painter.text(
        rect.center() - egui::vec2(0.0, 36.0),
        egui::Align2::CENTER_CENTER,
        "📥",
        egui::FontId::proportional(42.0),
        stroke_colour,
    );
    painter.text(
        rect.center() + egui::vec2(0.0, 16.0),
        egui::Align2::CENTER_CENTER,
        "Drop an email here",
        egui::FontId::proportional(24.0),
        ui.visuals().strong_text_color(),
    );
    painter.text(
        rect.center() + egui::vec2(0.0, 48.0),
        egui::Align2::CENTER_CENTER,
        "an .eml file saved from your mail program — or several at once",
        egui::FontId::proportional(14.0),
        palette.muted,
    );
    response.widget_info(|| {
        egui::WidgetInfo::labeled(
            egui::Role::Button,
            true,
            "Drop an email here, or click to open a file",
        )
    });
    if response.clicked() {
        commands.push(Command::OpenFileDialog);
    }
    response
        .on_hover_cursor(egui::CursorIcon::PointingHand)
        .on_hover_text("Click to choose a file, or drag one here from your file manager");
}

fn dashed_rect(painter: &egui::Painter, rect: egui::Rect, stroke: egui::Stroke) {
    let corners = [
        rect.left_top(),
        rect.right_top(),
        rect.right_bottom(),
        rect.left_bottom(),
        rect.left_top(),
    ];
    painter.extend(egui::Shape::dashed_line(&corners, stroke, 10.0, 6.0));
}

fn sample_card_ui(ui: &mut egui::Ui, palette: &Palette, commands: &mut Vec<Command>) {
    let frame = egui::Frame::new()
        .fill(palette.card_bg)
        .stroke(egui::Stroke::new(
            1.0,
            ui.visuals().widgets.noninteractive.bg_stroke.color,
        ))
        .corner_radius(theme::CARD_RADIUS)
        .inner_margin(theme::CARD_MARGIN);
    let inner = frame.show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.horizontal(|ui| {
            ui.label(RichText::new("✉").size(34.0).color(palette.accent));
            ui.vertical(|ui| {
                ui.label(
                    RichText::new("Try the sample: \"Action required\" from Northwind Bank")
                        .strong(),
                );
                ui.label(
                    "A realistic message that claims to come from a bank. See how mailsleuth \
                     follows its path, checks its proof of sender and spots the tricks",
                );
            });
        });
    });
    let response = ui
        .interact(
            inner.response.rect,
            ui.scope_id().with("sample-card"),
            Sense::click(),
        )
        .on_hover_cursor(egui::CursorIcon::PointingHand);
    response.widget_info(|| {
        egui::WidgetInfo::labeled(egui::Role::Button, true, "Open the sample message")
    });
    if response.hovered() {
        ui.painter().rect_stroke(
            inner.response.rect,
            theme::CARD_RADIUS,
            egui::Stroke::new(2.0, palette.accent),
            egui::StrokeKind::Inside,
        );
    }
    if response.clicked() {
        commands.push(Command::OpenSample);
    }
}

fn training_card_ui(
    ui: &mut egui::Ui,
    palette: &Palette,
    gallery: &[crate::training::Scenario],
    commands: &mut Vec<Command>,
) {
    let mut actions = Vec::new();
    egui::Frame::new()
        .fill(palette.card_bg)
        .stroke(egui::Stroke::new(
            1.0,
            ui.visuals().widgets.noninteractive.bg_stroke.color,
        ))
        .corner_radius(theme::CARD_RADIUS)
        .inner_margin(theme::CARD_MARGIN)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            super::gallery::training_ui(ui, gallery, &mut actions);
        });
    commands.extend(actions.into_iter().map(Command::Training));
}

fn how_to_save_ui(ui: &mut egui::Ui) {
    egui::CollapsingHeader::new("How do I get the message out of my mail program?")
        .default_open(false)
        .show(ui, |ui| {
            ui.label("mailsleuth reads .eml and Outlook .msg files, whole mailboxes (mbox files, Maildir folders, Apple Mail .emlx) and messages pasted as text. A message your colleague forwarded to you \"as attachment\" is checked too: the attached message opens as its own entry.");
            for line in HOW_TO_SAVE {
                ui.label(format!("• {line}"));
            }
        });
}

/// One line per mail program: how to save a message, or copy its source, as that program
/// works today.
const HOW_TO_SAVE: &[&str] = &[
    "Outlook for Windows (classic): drag the message from the list to your desktop (that makes a .msg file mailsleuth reads), or File ➡ \"Save As\". Outlook keeps the original headers in a .msg but not the original bytes, so signatures are shown as recorded, not re-checked",
    "New Outlook for Windows and Outlook on the web: open the message, the \"…\" menu ➡ \"Save as\" (an .eml file); or \"…\" ➡ \"View\" ➡ \"View message source\", copy all of it and paste it here",
    "Gmail: open the message, the ⋮ menu ➡ \"Download message\" (an .eml file); or ⋮ ➡ \"Show original\" ➡ \"Copy to clipboard\" and paste it here",
    "Apple Mail: select the message, File ➡ \"Save As…\" with the format \"Raw Message Source\", or drag it to the Finder; or View ➡ Message ➡ \"Raw Source\", copy and paste",
    "Thunderbird: File ➡ \"Save As\" ➡ \"File…\" (an .eml file), or drag the message to your desktop; or View ➡ \"Message Source\" (Ctrl+U), copy and paste",
    "A whole mailbox: drop the mbox file (Thunderbird's folder files, Google Takeout) or the Maildir folder; each message becomes an entry",
    "Only have the headers? Copy them (Outlook: File ➡ Properties ➡ \"Internet headers\") and press Ctrl+V here: mailsleuth can check headers alone",
];
