//! The checklist grouped by family, and the lesson of the selected check with its evidence.

use egui::RichText;

use super::theme::{self, Palette};
use super::{Command, EntryUi};
use crate::analysis::{CheckResult, Evidence, Family, Location, Outcome, Report};
use crate::lessons;

/// Draws the checklist (left) and the selected check's lesson (right).
pub fn checklist_tab_ui(
    ui: &mut egui::Ui,
    report: &Report,
    state: &EntryUi,
    commands: &mut Vec<Command>,
) {
    let selected = state
        .check
        .as_deref()
        .and_then(|id| report.checks.iter().find(|c| c.id == id));
    let wide = ui.available_width() > 760.0;
    if wide {
        ui.columns(2, |cols| {
            if let [left, right] = cols {
                egui::ScrollArea::vertical()
                    .id_salt("checklist")
                    .auto_shrink([false, false])
                    .show(left, |ui| {
                        ui.with_layout(egui::Layout::top_down(egui::Align::Min), |ui| {
                            list_ui(ui, report, selected, commands);
                        });
                    });
                egui::ScrollArea::vertical()
                    .id_salt("lesson")
                    .auto_shrink([false, false])
                    .show(right, |ui| {
                        // Columns stretch text to both edges; lessons read better ragged.
                        ui.with_layout(
                            egui::Layout::top_down(egui::Align::Min),
                            |ui| match selected {
                                Some(check) => lesson_ui(ui, report, check, commands),
                                None => hint_ui(ui),
                            },
                        );
                    });
            }
        });
    } else {
        egui::ScrollArea::vertical()
            .id_salt("checklist-narrow")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                if let Some(check) = selected {
                    lesson_ui(ui, report, check, commands);
                    ui.separator();
                }
                list_ui(ui, report, selected, commands);
            });
    }
}

fn hint_ui(ui: &mut egui::Ui) {
    ui.add_space(20.0);
    ui.label(
        RichText::new("Select a line on the left to see what it means, why it matters and how to check it yourself")
            .color(Palette::of(ui.visuals()).muted),
    );
}

fn list_ui(
    ui: &mut egui::Ui,
    report: &Report,
    selected: Option<&CheckResult>,
    commands: &mut Vec<Command>,
) {
    let palette = Palette::of(ui.visuals());
    for family in Family::ALL {
        let checks: Vec<&CheckResult> = report
            .checks
            .iter()
            .filter(|c| c.family == family)
            .collect();
        if checks.is_empty() {
            continue;
        }
        let flagged = checks
            .iter()
            .filter(|c| matches!(c.outcome, Outcome::Warn | Outcome::Fail))
            .count();
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            ui.label(
                RichText::new(family.title())
                    .size(theme::HEADING_SIZE)
                    .strong(),
            );
            if flagged > 0 {
                ui.label(
                    RichText::new(format!("⚠ {flagged} to look at"))
                        .small()
                        .color(palette.caution),
                );
            }
        });
        // Checks that found something come first; "not applicable" lines go last.
        let mut ordered = checks;
        ordered.sort_by_key(|c| match c.outcome {
            Outcome::Fail => 0,
            Outcome::Warn => 1,
            Outcome::Pass => 2,
            Outcome::Skip => 3,
        });
        let (skipped, applied): (Vec<&CheckResult>, Vec<&CheckResult>) = ordered
            .into_iter()
            .partition(|c| c.outcome == Outcome::Skip);
        for check in applied {
            let is_selected = selected.is_some_and(|s| s.id == check.id);
            check_row_ui(ui, check, is_selected, commands);
        }
        if !skipped.is_empty() {
            // Lines that did not apply would bury the ones that did; fold them away unless
            // one of them is selected.
            let open = selected.is_some_and(|s| skipped.iter().any(|c| c.id == s.id));
            egui::CollapsingHeader::new(
                RichText::new(format!("{} checks did not apply", skipped.len()))
                    .color(palette.muted),
            )
            .id_salt(("skipped", family.as_str()))
            .open(open.then_some(true))
            .show(ui, |ui| {
                for check in skipped {
                    let is_selected = selected.is_some_and(|s| s.id == check.id);
                    check_row_ui(ui, check, is_selected, commands);
                }
            });
        }
    }
}

fn check_row_ui(
    ui: &mut egui::Ui,
    check: &CheckResult,
    selected: bool,
    commands: &mut Vec<Command>,
) {
    let palette = Palette::of(ui.visuals());
    let colour = palette.outcome(check.outcome);
    let mut job = egui::text::LayoutJob::default();
    let body = egui::TextStyle::Body.resolve(ui.style());
    let small = egui::TextStyle::Small.resolve(ui.style());
    job.append(
        &format!("{} ", theme::outcome_icon(check.outcome)),
        0.0,
        egui::TextFormat::simple(body.clone(), colour),
    );
    let title_colour = if check.outcome == Outcome::Skip {
        palette.muted
    } else {
        ui.visuals().strong_text_color()
    };
    job.append(
        theme::row_text(check),
        0.0,
        egui::TextFormat::simple(body, title_colour),
    );
    let flagged = matches!(check.outcome, Outcome::Warn | Outcome::Fail);
    let word = if flagged {
        format!(
            "  {} · {}",
            theme::outcome_word(check.outcome),
            check.grade.label()
        )
    } else {
        format!("  {}", theme::outcome_word(check.outcome))
    };
    job.append(
        &word,
        0.0,
        egui::TextFormat::simple(egui::FontId::proportional(small.size.max(12.0)), colour),
    );
    job.wrap.max_width = (ui.available_width() - 16.0).max(80.0);
    let button = egui::Button::selectable(selected, (job, egui::Atom::grow()))
        .min_size(egui::vec2(ui.available_width(), 0.0))
        .wrap_mode(egui::TextWrapMode::Wrap);
    let response = ui.add(button);
    let label = theme::row_label(check);
    response.widget_info(|| {
        egui::WidgetInfo::selected(egui::Role::Button, true, selected, label.clone())
    });
    let response = response.on_hover_text(&check.summary);
    // Clicking, Tab or the arrow keys select; the lesson closes with its Close button or
    // Esc. A click that toggled it off would fight the focus, which keeps the row selected.
    if (response.clicked() || response.has_focus()) && !selected {
        commands.push(Command::SelectCheck(Some(check.id.to_string())));
    }
}

/// The lesson for one check: plain first, then why, how to check, what to do; expert
/// detail folded away; then the evidence this message showed.
fn lesson_ui(ui: &mut egui::Ui, report: &Report, check: &CheckResult, commands: &mut Vec<Command>) {
    let palette = Palette::of(ui.visuals());
    let colour = palette.outcome(check.outcome);
    ui.horizontal(|ui| {
        ui.label(
            RichText::new(format!(
                "{} {}",
                theme::outcome_icon(check.outcome),
                theme::outcome_word(check.outcome)
            ))
            .color(colour)
            .strong(),
        );
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .small_button("✖ Close")
                .on_hover_text("Close this explanation (Esc)")
                .clicked()
            {
                commands.push(Command::SelectCheck(None));
            }
        });
    });
    ui.label(RichText::new(theme::row_text(check)).size(20.0).strong());
    if check.title_fits() {
        ui.add_space(4.0);
        section(ui, "In this message", &check.summary);
    } else {
        // The line said what was found; the red flag this check looks for is named here.
        ui.label(format!("What this check looks for: {}", check.title));
        ui.add_space(4.0);
    }
    if matches!(check.outcome, Outcome::Warn | Outcome::Fail) {
        section(
            ui,
            &format!("Kind of evidence: {}", check.grade.label()),
            check.grade.meaning(),
        );
    }
    if !check.evidence.is_empty() {
        ui.add_space(6.0);
        ui.label(RichText::new("Where mailsleuth saw it").strong());
        for (i, ev) in check.evidence.iter().enumerate() {
            evidence_ui(ui, report, ev, i, commands);
        }
    }
    let lesson = lessons::lesson(&check.id);
    if let Some(lesson) = lesson {
        if check.reassuring || check.outcome == Outcome::Pass {
            if let Some(good) = lesson.good_news.as_deref() {
                section(ui, "Why this is fine", good);
            }
        }
        section(ui, "What it means", &lesson.plain);
        section(ui, "Why it matters", &lesson.why);
        section(ui, "How to check it yourself", &lesson.how_to_check);
        section(ui, "What to do", &lesson.what_to_do);
    }
    if let Some(lesson) = lesson {
        ui.add_space(6.0);
        egui::CollapsingHeader::new("For IT staff")
            .id_salt(("expert", &check.id))
            .show(ui, |ui| {
                ui.label(&lesson.expert);
                ui.label(
                    RichText::new(format!("Check id: {}", check.id))
                        .monospace()
                        .color(palette.muted),
                );
            });
    } else {
        ui.add_space(6.0);
        ui.label(
            RichText::new(format!("Check id: {}", check.id))
                .monospace()
                .color(palette.muted),
        );
    }
}

fn section(ui: &mut egui::Ui, heading: &str, text: &str) {
    if text.trim().is_empty() {
        return;
    }
    ui.add_space(4.0);
    ui.label(RichText::new(heading).strong());
    ui.label(text);
}

/// Where a piece of evidence sits, in words, and the button that jumps there.
fn location_words(report: &Report, location: &Location) -> (String, Option<&'static str>) {
    match location {
        Location::Header { name, index } => (
            format!("Header {name} (line {} of the headers)", index + 1),
            Some("Show in raw headers"),
        ),
        Location::Body => ("The message text".into(), Some("Show in message")),
        Location::Link { index } => {
            let host = report
                .content
                .links
                .get(*index)
                .and_then(|l| l.destination_host.clone())
                .unwrap_or_else(|| "?".into());
            (
                format!("Link {} (goes to {host})", index + 1),
                Some("Show in message"),
            )
        }
        Location::Attachment { index } => {
            let name = report
                .attachments
                .get(*index)
                .and_then(|a| a.filename.clone())
                .unwrap_or_else(|| "unnamed".into());
            (format!("Attachment \"{name}\""), Some("Show in message"))
        }
        Location::Hop { index } => (
            format!("Step {} of the path", index + 1),
            Some("Show on path"),
        ),
        Location::Message => ("The message as a whole".into(), None),
    }
}

fn evidence_ui(
    ui: &mut egui::Ui,
    report: &Report,
    evidence: &Evidence,
    n: usize,
    commands: &mut Vec<Command>,
) {
    let palette = Palette::of(ui.visuals());
    let (place, jump) = location_words(report, &evidence.location);
    egui::Frame::new()
        .fill(palette.highlight_bg)
        .corner_radius(4)
        .inner_margin(6)
        .show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(place).small().strong());
                if let Some(jump) = jump {
                    let r = ui.small_button(format!("{jump} ➡"));
                    r.widget_info(|| {
                        egui::WidgetInfo::labeled(
                            egui::Role::Button,
                            true,
                            format!("{jump} ({})", n + 1),
                        )
                    });
                    if r.clicked() {
                        commands.push(Command::ShowEvidence(evidence.location.clone()));
                    }
                }
            });
            if !evidence.text.is_empty() {
                ui.label(
                    RichText::new(super::list::shorten(&evidence.text, 600))
                        .monospace()
                        .color(ui.visuals().strong_text_color()),
                );
            }
        });
}

/// Locations of the selected check's evidence (for highlighting in other tabs).
pub fn evidence_locations<'a>(report: &'a Report, state: &EntryUi) -> Vec<&'a Location> {
    state
        .check
        .as_deref()
        .and_then(|id| report.checks.iter().find(|c| c.id == id))
        .map(|c| c.evidence.iter().map(|e| &e.location).collect())
        .unwrap_or_default()
}
