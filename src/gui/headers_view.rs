//! The raw headers, top first, with a glossary on hover, the trust boundary marked, and
//! the selected check's evidence highlighted.

use egui::RichText;

use super::theme::{self, Palette};
use super::EntryUi;
use crate::analysis::{Location, Report};
use crate::lessons;

/// More rows than this are not drawn (a hostile message can carry thousands of headers).
const MAX_ROWS: usize = 1000;
/// Longer values are cut in the view.
const MAX_VALUE_CHARS: usize = 4000;
/// Memory key of the filter text.
const FILTER_ID: &str = "headers-filter";

/// Draws the raw headers tab.
pub fn headers_tab_ui(ui: &mut egui::Ui, report: &Report, state: &mut EntryUi) {
    let palette = Palette::of(ui.visuals());
    let lit: Vec<usize> = super::checklist::evidence_locations(report, state)
        .into_iter()
        .filter_map(|l| match l {
            Location::Header { index, .. } => Some(*index),
            _ => None,
        })
        .collect();
    let scroll_to = match state.scroll_to {
        Some(Location::Header { index, .. }) => Some(index),
        _ => None,
    };
    let filter_id = egui::Id::unique(FILTER_ID);
    let mut filter: String = ui.data(|d| d.get_temp(filter_id)).unwrap_or_default();
    ui.horizontal(|ui| {
        ui.label(
            RichText::new(format!("Raw headers ({})", report.headers.len()))
                .size(theme::HEADING_SIZE)
                .strong(),
        );
        ui.add_space(12.0);
        ui.label("Find");
        let r = ui.add(
            egui::TextEdit::singleline(&mut filter)
                .hint_text("header name or text")
                .desired_width(220.0),
        );
        r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Find in headers"));
    });
    ui.data_mut(|d| d.insert_temp(filter_id, filter.clone()));
    ui.label(
        RichText::new(
            "Newest first: the shaded lines above the trust boundary were added by your own \
             servers; everything below it came with the message and could be made up. Hover a \
             header name to see what it is for",
        )
        .small()
        .color(palette.muted),
    );
    ui.add_space(4.0);
    let needle = filter.trim().to_lowercase();
    let boundary = report.path.boundary_header_index;
    egui::ScrollArea::both()
        .id_salt("headers")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let mut shown = 0usize;
            // Drawn once, before the first row written before your servers had the
            // message, whichever rows Find leaves: forged and real results stay apart.
            let mut marker_drawn = boundary.is_none();
            for h in &report.headers {
                if !needle.is_empty()
                    && !h.name.to_lowercase().contains(&needle)
                    && !h.value.to_lowercase().contains(&needle)
                {
                    continue;
                }
                if shown >= MAX_ROWS {
                    ui.label(format!(
                        "… {} more headers not shown; use Find to narrow them down",
                        report.headers.len().saturating_sub(MAX_ROWS)
                    ));
                    break;
                }
                shown += 1;
                let ours = boundary.is_some_and(|b| h.index <= b);
                if !marker_drawn && !ours {
                    boundary_marker_ui(ui, &palette);
                    marker_drawn = true;
                }
                let highlighted = lit.contains(&h.index);
                let fill = if highlighted {
                    palette.highlight_bg
                } else if ours {
                    palette.trusted_bg
                } else {
                    theme::NO_FILL
                };
                let row = egui::Frame::new()
                    .fill(fill)
                    .inner_margin(egui::Margin::symmetric(6, 2))
                    .corner_radius(3)
                    .show(ui, |ui| {
                        ui.set_width(ui.available_width());
                        ui.horizontal_wrapped(|ui| {
                            let name = ui.add(
                                egui::Label::new(
                                    RichText::new(format!("{}:", h.name))
                                        .monospace()
                                        .strong(),
                                )
                                .sense(egui::Sense::hover()),
                            );
                            let explain = lessons::glossary(&h.name)
                                .map(str::to_string)
                                .or_else(|| {
                                    h.name.to_ascii_lowercase().starts_with("x-").then(|| {
                                        "A custom header added by some program or server on the way; not part of the email standard".to_string()
                                    })
                                });
                            if let Some(explain) = explain {
                                name.on_hover_text(explain);
                            }
                            let value = super::list::shorten(&h.value, MAX_VALUE_CHARS);
                            ui.add(
                                egui::Label::new(RichText::new(value).monospace())
                                    .selectable(true)
                                    .wrap(),
                            );
                        });
                        if highlighted {
                            ui.label(
                                RichText::new("⏶ the selected check points here")
                                    .small()
                                    .color(palette.caution),
                            );
                        }
                    });
                if scroll_to == Some(h.index) {
                    row.response.scroll_to_me(Some(egui::Align::Center));
                    state.scroll_to = None;
                }
            }
            if !marker_drawn && shown > 0 {
                boundary_marker_ui(ui, &palette);
            }
        });
}

fn boundary_marker_ui(ui: &mut egui::Ui, palette: &Palette) {
    let (rect, response) =
        ui.allocate_exact_size(egui::vec2(ui.available_width(), 22.0), egui::Sense::hover());
    let y = rect.center().y;
    ui.painter().extend(egui::Shape::dashed_line(
        &[egui::pos2(rect.left(), y), egui::pos2(rect.right(), y)],
        egui::Stroke::new(2.0, palette.boundary),
        10.0,
        5.0,
    ));
    let text = "Trust boundary: above, written by your own mail servers; below, written before they received it";
    let galley = ui.painter().layout_no_wrap(
        text.to_string(),
        egui::FontId::proportional(12.0),
        palette.boundary,
    );
    let bg = egui::Rect::from_min_size(
        egui::pos2(rect.left() + 20.0, y - galley.size().y / 2.0),
        galley.size(),
    )
    .expand(3.0);
    ui.painter().rect_filled(bg, 3.0, ui.visuals().panel_fill);
    ui.painter()
        .galley(bg.min + egui::vec2(3.0, 3.0), galley, palette.boundary);
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, text));
}
