//! The header path: a drawn diagram of the servers the message passed, newest on top (as
//! in the raw headers), with delays on a log scale and the trust-boundary line.

use egui::{pos2, vec2, Align2, Color32, FontId, Rect, RichText, Sense, Stroke};

use super::theme::{self, Palette};
use super::EntryUi;
use crate::analysis::{Hop, Location, PathAnomaly, Report};

/// Width of the column holding the spine, nodes and delay bars.
const GUTTER: f32 = 230.0;
/// x offset of the spine inside the gutter.
const SPINE_X: f32 = 28.0;
/// Longest delay bar.
const BAR_MAX: f32 = 120.0;
/// Delays are drawn on a log scale up to this many seconds (two days).
const SCALE_MAX_SECS: f64 = 2.0 * 86400.0;
/// Height of the row between two hops.
const EDGE_HEIGHT: f32 = 40.0;
/// On very long routes, this many of the newest steps are drawn…
const DRAWN_NEWEST: usize = 40;
/// …and this many of the oldest.
const DRAWN_OLDEST: usize = 20;

/// Draws the path tab.
pub fn path_tab_ui(ui: &mut egui::Ui, report: &Report, state: &mut EntryUi) {
    let palette = Palette::of(ui.visuals());
    let path = &report.path;
    ui.label(
        RichText::new(format!(
            "The route it took: {} {}",
            path.hops.len(),
            if path.hops.len() == 1 {
                "step"
            } else {
                "steps"
            }
        ))
        .size(theme::HEADING_SIZE)
        .strong(),
    );
    ui.label(
        "Each mail server that handles a message adds a \"Received\" line on top. Read from the \
         bottom (where it claims to start) up to your mailbox. Hover a step to see what it means; \
         click it for its details further down",
    );
    if let Some(ip) = &path.connecting_ip {
        let host = path
            .connecting_host
            .as_deref()
            .map(|h| format!(" ({h})"))
            .unwrap_or_default();
        ui.label(
            RichText::new(format!(
                "The only sender address known for sure: {ip}{host}, the server that handed it to your organisation"
            ))
            .strong(),
        );
    }
    for anomaly in path.anomalies.iter().filter(|a| a.hop.is_none()) {
        ui.label(RichText::new(format!("⚠ {}", anomaly.detail)).color(palette.caution));
    }
    ui.add_space(4.0);

    let highlighted: Vec<usize> = super::checklist::evidence_locations(report, state)
        .into_iter()
        .filter_map(|l| match l {
            Location::Hop { index } => Some(*index),
            _ => None,
        })
        .collect();
    let mut scroll_to = match state.scroll_to {
        Some(Location::Hop { index }) => Some(index),
        _ => None,
    };

    egui::ScrollArea::vertical()
        .id_salt("path")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            if path.hops.is_empty() {
                ui.add_space(10.0);
                ui.label(
                    "This message has no \"Received\" lines, so there is no record of the \
                     route it took. Messages that really travelled between mail servers always \
                     have them; a message without any was never sent normally (a draft, or \
                     something made up to look like an email)",
                );
                return;
            }
            if let Some(index) = overview_ui(ui, &palette, report, &highlighted) {
                scroll_to = Some(index);
            }
            ui.add_space(theme::SECTION_GAP);
            ui.label(
                RichText::new("Each step in detail")
                    .size(theme::HEADING_SIZE)
                    .strong(),
            );
            scale_legend_ui(ui, &palette);
            end_node_ui(ui, &palette, "📥", "Your mailbox", delivered_text(report));
            // Newest first, like the raw headers.
            let hops: Vec<&Hop> = path.hops.iter().rev().collect();
            // A looping or forged route can have thousands of steps; drawing them all would
            // stall every frame. The newest steps (your side) and the oldest are drawn.
            let total = hops.len();
            let hidden = total.saturating_sub(DRAWN_NEWEST + DRAWN_OLDEST);
            for (pos, hop) in hops.iter().enumerate() {
                if hidden > 0 && pos >= DRAWN_NEWEST && pos < total - DRAWN_OLDEST {
                    if pos == DRAWN_NEWEST {
                        let skipped = hops.get(DRAWN_NEWEST..total - DRAWN_OLDEST).unwrap_or(&[]);
                        gap_ui(ui, &palette, hidden, report, skipped);
                    }
                    continue;
                }
                let newer = pos.checked_sub(1).and_then(|p| hops.get(p));
                if let Some(newer) = newer.filter(|_| !(hidden > 0 && pos == total - DRAWN_OLDEST))
                {
                    if path.boundary == Some(newer.index) {
                        boundary_ui(ui, &palette);
                    }
                    edge_ui(ui, &palette, newer.delay_seconds, Some(newer.index));
                } else {
                    edge_ui(ui, &palette, None, None);
                }
                let anomalies: Vec<&PathAnomaly> = path
                    .anomalies
                    .iter()
                    .filter(|a| a.hop == Some(hop.index))
                    .collect();
                let lit = highlighted.contains(&hop.index);
                let response = hop_ui(ui, &palette, report, hop, &anomalies, lit);
                if scroll_to == Some(hop.index) {
                    response.scroll_to_me(Some(egui::Align::Center));
                    scroll_to = None;
                    state.scroll_to = None;
                }
            }
            edge_ui(ui, &palette, None, None);
            end_node_ui(
                ui,
                &palette,
                "✉",
                "Where it claims to start",
                start_text(report),
            );
        });
}

fn start_text(report: &Report) -> String {
    let sender = report
        .identity
        .from
        .as_ref()
        .and_then(|f| f.address.clone())
        .unwrap_or_else(|| "unknown sender".into());
    format!("Written by {sender} (as the From line says)")
}

/// Height of one row of the route overview: ten steps, both ends and the trust line fit
/// in about 300 points, so the whole route is in view even in a small window.
const ROW_HEIGHT: f32 = 22.0;
/// Height of the trust line across the overview.
const LINE_HEIGHT: f32 = 22.0;
/// The overview lists this many of the newest steps and this many of the oldest.
const OVERVIEW_NEWEST: usize = 12;
const OVERVIEW_OLDEST: usize = 3;
/// Width of the delay column at the right of the overview.
const DELAY_COLUMN: f32 = 150.0;
/// Widest the overview grows on a large screen (long server names get the room).
const OVERVIEW_MAX_WIDTH: f32 = 1200.0;
/// Longest delay bar in the overview.
const OVERVIEW_BAR: f32 = 60.0;

/// The whole route at a glance: one row per step, newest on top, with who runs each
/// server, its name and address, the delay, and the trust line across. Returns the step
/// whose row was clicked, so its detailed card can be brought into view.
fn overview_ui(
    ui: &mut egui::Ui,
    palette: &Palette,
    report: &Report,
    highlighted: &[usize],
) -> Option<usize> {
    let path = &report.path;
    let mut clicked = None;
    let frame = egui::Frame::new()
        .fill(ui.visuals().extreme_bg_color)
        .corner_radius(theme::CARD_RADIUS)
        .inner_margin(egui::Margin::symmetric(8, 6));
    frame.show(ui, |ui| {
        ui.set_width(ui.available_width().min(OVERVIEW_MAX_WIDTH));
        ui.spacing_mut().item_spacing.y = 0.0;
        overview_end_ui(ui, palette, "📥", "Your mailbox", &delivered_text(report));
        let hops: Vec<&Hop> = path.hops.iter().rev().collect();
        let total = hops.len();
        let hidden = total.saturating_sub(OVERVIEW_NEWEST + OVERVIEW_OLDEST);
        for (pos, hop) in hops.iter().enumerate() {
            if hidden > 0 && pos >= OVERVIEW_NEWEST && pos < total - OVERVIEW_OLDEST {
                if pos == OVERVIEW_NEWEST {
                    let inside = hops
                        .get(OVERVIEW_NEWEST..total - OVERVIEW_OLDEST)
                        .unwrap_or(&[])
                        .iter()
                        .any(|h| path.boundary == Some(h.index));
                    let mut text = format!("… {hidden} more steps (each has its card below)");
                    if inside {
                        text.push_str("; the trust line falls among them");
                    }
                    overview_note_ui(ui, palette, &text, palette.caution);
                }
                continue;
            }
            if overview_row_ui(ui, palette, report, hop, highlighted.contains(&hop.index)) {
                clicked = Some(hop.index);
            }
            if path.boundary == Some(hop.index) {
                if hop.index == 0 {
                    overview_note_ui(
                        ui,
                        palette,
                        "No line here was written before your servers had the message: every \
                         step is your own servers' record (step 1 notes who handed it over)",
                        palette.boundary,
                    );
                } else {
                    overview_trust_line_ui(ui, palette);
                }
            }
        }
        overview_end_ui(
            ui,
            palette,
            "✉",
            "Where it claims to start",
            &start_text(report),
        );
    });
    clicked
}

/// Lays out `text` on one line, cut with "…" where it would pass `width`.
fn one_line(ui: &egui::Ui, job: egui::text::LayoutJob, width: f32) -> std::sync::Arc<egui::Galley> {
    let mut job = job;
    job.wrap = egui::text::TextWrapping::truncate_at_width(width.max(20.0));
    ui.painter().layout_job(job)
}

fn section(job: &mut egui::text::LayoutJob, text: &str, font: FontId, colour: Color32) {
    job.append(
        text,
        0.0,
        egui::TextFormat {
            font_id: font,
            color: colour,
            ..Default::default()
        },
    );
}

fn overview_end_ui(ui: &mut egui::Ui, palette: &Palette, icon: &str, title: &str, detail: &str) {
    let (rect, response) =
        ui.allocate_exact_size(vec2(ui.available_width(), ROW_HEIGHT), Sense::hover());
    let painter = ui.painter_at(rect);
    let c = pos2(rect.left() + 12.0, rect.center().y);
    painter.circle_filled(c, 9.0, palette.accent);
    painter.text(
        c,
        Align2::CENTER_CENTER,
        icon,
        FontId::proportional(11.0),
        theme::TEXT_ON_DOT,
    );
    let mut job = egui::text::LayoutJob::default();
    section(
        &mut job,
        title,
        FontId::proportional(13.0),
        ui.visuals().strong_text_color(),
    );
    section(
        &mut job,
        &format!("   {detail}"),
        FontId::proportional(12.0),
        palette.muted,
    );
    let galley = one_line(ui, job, rect.width() - 30.0);
    painter.galley(
        pos2(rect.left() + 30.0, rect.center().y - galley.size().y / 2.0),
        galley,
        palette.muted,
    );
    let label = format!("{title}: {detail}");
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, label.clone()));
}

/// One step of the overview; returns whether it was clicked (or chosen with the keyboard).
fn overview_row_ui(
    ui: &mut egui::Ui,
    palette: &Palette,
    report: &Report,
    hop: &Hop,
    highlighted: bool,
) -> bool {
    let (rect, response) =
        ui.allocate_exact_size(vec2(ui.available_width(), ROW_HEIGHT), Sense::click());
    let painter = ui.painter_at(rect);
    let fill = if highlighted {
        palette.highlight_bg
    } else if response.hovered() || response.has_focus() {
        ui.visuals().widgets.hovered.weak_bg_fill
    } else if hop.trusted {
        palette.trusted_bg
    } else {
        theme::NO_FILL
    };
    painter.rect_filled(rect.shrink2(vec2(0.0, 1.0)), 3.0, fill);
    if response.has_focus() {
        painter.rect_stroke(
            rect.shrink(1.0),
            3.0,
            ui.visuals().selection.stroke,
            egui::StrokeKind::Inside,
        );
    }
    // The spine links the rows; each step's dot carries its number.
    let x = rect.left() + 12.0;
    painter.line_segment(
        [pos2(x, rect.top()), pos2(x, rect.bottom())],
        Stroke::new(2.0, palette.neutral),
    );
    let c = pos2(x, rect.center().y);
    painter.circle_filled(
        c,
        9.0,
        if hop.trusted {
            palette.ok
        } else {
            palette.neutral
        },
    );
    painter.text(
        c,
        Align2::CENTER_CENTER,
        format!("{}", hop.index + 1),
        FontId::proportional(10.0),
        theme::TEXT_ON_DOT,
    );
    let anomalous = report
        .path
        .anomalies
        .iter()
        .any(|a| a.hop == Some(hop.index));
    let (side, side_colour) = if hop.trusted {
        ("🏢", palette.ok)
    } else {
        ("❔", palette.muted)
    };
    let mut job = egui::text::LayoutJob::default();
    let small = FontId::proportional(12.0);
    let mono = FontId::monospace(12.0);
    let text = ui.visuals().text_color();
    section(&mut job, &format!("{side} "), small.clone(), side_colour);
    if anomalous {
        section(&mut job, "⚠ ", small.clone(), palette.caution);
    }
    let org = hop.operator.as_deref().or(hop.from_operator.as_deref());
    if let Some(org) = org {
        section(
            &mut job,
            &format!("{org}  "),
            FontId::proportional(12.5),
            palette.accent,
        );
    }
    let by = hop.by_host.as_deref().unwrap_or("(not named)");
    section(&mut job, by, mono.clone(), text);
    let from =
        hop.from_host
            .as_deref()
            .or(hop.helo.as_deref())
            .unwrap_or(if hop.from_ip.is_some() {
                ""
            } else {
                "(not named)"
            });
    // The address comes before the name: it is what a long name must not push out of
    // view at the trust line.
    section(&mut job, "  ◀ from ", small, palette.muted);
    if let Some(ip) = &hop.from_ip {
        section(&mut job, &format!("[{ip}] "), mono.clone(), palette.muted);
    }
    section(&mut job, from, mono, palette.muted);
    let text_left = rect.left() + 28.0;
    let delay_left = (rect.right() - DELAY_COLUMN).max(text_left + 120.0);
    let galley = one_line(ui, job, delay_left - text_left - 8.0);
    painter.galley(
        pos2(text_left, rect.center().y - galley.size().y / 2.0),
        galley,
        text,
    );
    let delay = match hop.delay_seconds {
        Some(secs) => {
            let len = bar_len(secs.unsigned_abs()) / BAR_MAX * OVERVIEW_BAR;
            let colour = if !(0..=crate::analysis::path::LONG_DELAY_SECS).contains(&secs) {
                palette.caution
            } else {
                palette.accent
            };
            let y = rect.center().y;
            painter.rect_filled(
                Rect::from_min_max(
                    pos2(delay_left, y - 3.0),
                    pos2(delay_left + len.max(3.0), y + 3.0),
                ),
                1.5,
                colour,
            );
            let label = signed_duration(secs);
            painter.text(
                pos2(delay_left + OVERVIEW_BAR + 6.0, y),
                Align2::LEFT_CENTER,
                &label,
                FontId::proportional(11.0),
                if secs < 0 {
                    palette.caution
                } else {
                    palette.muted
                },
            );
            format!(" Delay from the step before: {label}.")
        }
        None if hop.index > 0 => {
            painter.text(
                pos2(delay_left + OVERVIEW_BAR + 6.0, rect.center().y),
                Align2::LEFT_CENTER,
                "?",
                FontId::proportional(11.0),
                palette.muted,
            );
            " Delay not recorded.".to_string()
        }
        None => String::new(),
    };
    let label = format!(
        "Route overview, step {}: {}{delay} Select to see its details",
        hop.index + 1,
        explain_hop(report, hop)
            .split_once(": ")
            .map(|(_, rest)| rest.to_string())
            .unwrap_or_default()
    );
    let response = response.on_hover_text(explain_hop(report, hop));
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, label.clone()));
    response.clicked()
}

fn overview_note_ui(ui: &mut egui::Ui, palette: &Palette, text: &str, colour: Color32) {
    let (rect, response) =
        ui.allocate_exact_size(vec2(ui.available_width(), LINE_HEIGHT), Sense::hover());
    let painter = ui.painter_at(rect);
    let mut job = egui::text::LayoutJob::default();
    section(&mut job, text, FontId::proportional(12.0), colour);
    let galley = one_line(ui, job, rect.width() - 30.0);
    painter.galley(
        pos2(rect.left() + 28.0, rect.center().y - galley.size().y / 2.0),
        galley,
        colour,
    );
    painter.extend(egui::Shape::dashed_line(
        &[
            pos2(rect.left() + 12.0, rect.top()),
            pos2(rect.left() + 12.0, rect.bottom()),
        ],
        Stroke::new(2.0, palette.neutral),
        3.0,
        3.0,
    ));
    let text = text.to_string();
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, text.clone()));
}

/// The trust line across the overview, under the step where the message entered.
fn overview_trust_line_ui(ui: &mut egui::Ui, palette: &Palette) {
    let (rect, response) =
        ui.allocate_exact_size(vec2(ui.available_width(), LINE_HEIGHT), Sense::hover());
    let painter = ui.painter_at(rect);
    let y = rect.center().y;
    painter.extend(egui::Shape::dashed_line(
        &[pos2(rect.left(), y), pos2(rect.right(), y)],
        Stroke::new(2.5, palette.boundary),
        10.0,
        5.0,
    ));
    let text = "⏶ your own servers wrote these: believable   ⏷ written before: the sender could have forged them";
    let mut job = egui::text::LayoutJob::default();
    section(&mut job, text, FontId::proportional(12.0), palette.boundary);
    let galley = one_line(ui, job, rect.width() - 40.0);
    let bg = Rect::from_min_size(
        pos2(rect.left() + 28.0, y - galley.size().y / 2.0),
        galley.size(),
    )
    .expand2(vec2(4.0, 1.0));
    painter.rect_filled(bg, 3.0, ui.visuals().extreme_bg_color);
    painter.galley(bg.min + vec2(4.0, 1.0), galley, palette.boundary);
    response
        .on_hover_text(
            "The trust line: where the message entered your organisation. Steps above it were \
             recorded by servers you trust; steps below only say what the sending side claims",
        )
        .widget_info(|| {
            egui::WidgetInfo::labeled(
                egui::Role::Label,
                true,
                "Trust line (overview): above, written by your own mail servers; below, the \
                 sender could have forged it",
            )
        });
}

/// Stands in for the steps of a very long route that are not drawn.
fn gap_ui(ui: &mut egui::Ui, palette: &Palette, hidden: usize, report: &Report, skipped: &[&Hop]) {
    edge_ui(ui, palette, None, None);
    let boundary_inside = skipped
        .iter()
        .any(|h| report.path.boundary == Some(h.index));
    let mut text =
        format!("… {hidden} more steps are not drawn here; every one is listed in Raw headers");
    if boundary_inside {
        text.push_str(". The trust boundary is among them");
    }
    let left = ui.available_rect_before_wrap().left();
    let row = card_scope(ui, |ui| {
        ui.label(RichText::new(text).strong().color(palette.caution));
    });
    ui.painter().extend(egui::Shape::dashed_line(
        &[
            pos2(left + SPINE_X, row.top()),
            pos2(left + SPINE_X, row.bottom()),
        ],
        Stroke::new(2.0, palette.neutral),
        3.0,
        3.0,
    ));
}

fn delivered_text(report: &Report) -> String {
    match report.path.hops.last().and_then(|h| h.time.as_deref()) {
        Some(t) => format!("Delivered {}", pretty_time(t)),
        None => "Delivered (time not recorded)".into(),
    }
}

/// "2025-10-14T07:42:15+00:00" ➡ "2025-10-14 07:42:15 +00:00"; a trailing Z reads "UTC".
fn pretty_time(rfc3339: &str) -> String {
    let s = rfc3339.replacen('T', " ", 1);
    if let Some(utc) = s.strip_suffix('Z') {
        return format!("{utc} UTC");
    }
    match s.rfind(['+', '-']) {
        Some(i) if i > 11 => {
            let (a, b) = s.split_at(i);
            format!("{a} {b}")
        }
        _ => s,
    }
}

/// Length of the delay bar for `secs` on the log scale.
fn bar_len(secs: u64) -> f32 {
    let v = ((secs as f64) + 1.0).log10() / (SCALE_MAX_SECS + 1.0).log10();
    (v.clamp(0.0, 1.0) as f32) * BAR_MAX
}

fn scale_legend_ui(ui: &mut egui::Ui, palette: &Palette) {
    let width = ui.available_width().min(GUTTER + 520.0);
    let (rect, response) = ui.allocate_exact_size(vec2(width, 34.0), Sense::hover());
    let painter = ui.painter_at(rect);
    let x0 = rect.left() + SPINE_X + 14.0;
    let y = rect.top() + 10.0;
    painter.text(
        pos2(rect.left(), y),
        Align2::LEFT_CENTER,
        "Delay",
        FontId::proportional(11.0),
        palette.muted,
    );
    painter.line_segment(
        [pos2(x0, y), pos2(x0 + BAR_MAX, y)],
        Stroke::new(1.0, palette.muted),
    );
    for (secs, label) in [(1, "1 s"), (60, "1 min"), (3600, "1 h"), (86400, "1 day")] {
        let x = x0 + bar_len(secs);
        painter.line_segment(
            [pos2(x, y - 4.0), pos2(x, y + 4.0)],
            Stroke::new(1.0, palette.muted),
        );
        painter.text(
            pos2(x, y + 6.0),
            Align2::CENTER_TOP,
            label,
            FontId::proportional(10.0),
            palette.muted,
        );
    }
    painter.text(
        pos2(x0 + BAR_MAX + 20.0, y),
        Align2::LEFT_CENTER,
        "time between two steps (log scale); ? = not recorded",
        FontId::proportional(11.0),
        palette.muted,
    );
    response.widget_info(|| {
        egui::WidgetInfo::labeled(
            egui::Role::Image,
            true,
            "Delay scale: 1 second, 1 minute, 1 hour, 1 day",
        )
    });
}

fn end_node_ui(ui: &mut egui::Ui, palette: &Palette, icon: &str, title: &str, detail: String) {
    let left = ui.available_rect_before_wrap().left();
    let row = card_scope(ui, |ui| {
        ui.label(RichText::new(title).strong());
        ui.label(RichText::new(detail).color(palette.muted));
    });
    let c = pos2(left + SPINE_X, row.center().y);
    ui.painter().circle_filled(c, 14.0, palette.accent);
    ui.painter().text(
        c,
        Align2::CENTER_CENTER,
        icon,
        FontId::proportional(15.0),
        theme::TEXT_ON_DOT,
    );
}

/// Lays out `add` in a top-down column right of the gutter (at most 720 points wide) and
/// returns the rectangle it used.
fn card_scope(ui: &mut egui::Ui, add: impl FnOnce(&mut egui::Ui)) -> Rect {
    let avail = ui.available_rect_before_wrap();
    let x0 = avail.left() + GUTTER;
    let x1 = avail.right().min(x0 + 720.0).max(x0 + 200.0);
    let max = Rect::from_min_max(
        pos2(x0, avail.top()),
        pos2(x1, avail.bottom().max(avail.top() + 1.0)),
    );
    ui.scope_builder(
        egui::UiBuilder::new()
            .max_rect(max)
            .layout(egui::Layout::top_down(egui::Align::Min)),
        add,
    )
    .response
    .rect
}

/// The spine between two steps, with an upward arrow and the delay.
fn edge_ui(ui: &mut egui::Ui, palette: &Palette, delay: Option<i64>, newer: Option<usize>) {
    let (rect, response) =
        ui.allocate_exact_size(vec2(ui.available_width(), EDGE_HEIGHT), Sense::hover());
    let painter = ui.painter_at(rect);
    let x = rect.left() + SPINE_X;
    let stroke = Stroke::new(2.0, palette.neutral);
    painter.line_segment([pos2(x, rect.bottom()), pos2(x, rect.top() + 6.0)], stroke);
    // The arrow points up: the message travels from the sender (bottom) to you (top).
    painter.line_segment(
        [pos2(x, rect.top() + 4.0), pos2(x - 5.0, rect.top() + 11.0)],
        stroke,
    );
    painter.line_segment(
        [pos2(x, rect.top() + 4.0), pos2(x + 5.0, rect.top() + 11.0)],
        stroke,
    );
    if newer.is_none() {
        return;
    }
    let y = rect.center().y;
    let bx = x + 14.0;
    let font = FontId::proportional(12.0);
    let (label, colour, len) = match delay {
        None => {
            painter.extend(egui::Shape::dashed_line(
                &[pos2(bx, y), pos2(bx + 24.0, y)],
                Stroke::new(3.0, palette.neutral),
                4.0,
                3.0,
            ));
            ("? delay not recorded".to_string(), palette.muted, 24.0)
        }
        Some(secs) if secs < 0 => {
            let len = bar_len(secs.unsigned_abs());
            painter.rect_filled(
                Rect::from_min_max(pos2(bx, y - 4.0), pos2(bx + len.max(3.0), y + 4.0)),
                2.0,
                palette.caution,
            );
            (
                format!("{} (clocks disagree)", signed_duration(secs)),
                palette.caution,
                len,
            )
        }
        Some(secs) => {
            let len = bar_len(secs.unsigned_abs());
            let colour = if secs > crate::analysis::path::LONG_DELAY_SECS {
                palette.caution
            } else {
                palette.accent
            };
            painter.rect_filled(
                Rect::from_min_max(pos2(bx, y - 4.0), pos2(bx + len.max(3.0), y + 4.0)),
                2.0,
                colour,
            );
            (signed_duration(secs), palette.muted, len)
        }
    };
    painter.text(
        pos2(bx + len.max(3.0) + 8.0, y),
        Align2::LEFT_CENTER,
        &label,
        font,
        colour,
    );
    response.widget_info(|| {
        egui::WidgetInfo::labeled(egui::Role::Label, true, format!("Delay: {label}"))
    });
}

/// "+23 s", "-5 min 0 s".
fn signed_duration(secs: i64) -> String {
    let text = crate::analysis::path::human_duration(secs);
    if secs >= 0 {
        format!("+{text}")
    } else {
        text
    }
}

fn boundary_ui(ui: &mut egui::Ui, palette: &Palette) {
    let width = ui.available_width();
    let (rect, response) = ui.allocate_exact_size(vec2(width, 58.0), Sense::hover());
    let painter = ui.painter_at(rect);
    let y = rect.center().y;
    painter.extend(egui::Shape::dashed_line(
        &[pos2(rect.left(), y), pos2(rect.right(), y)],
        Stroke::new(3.0, palette.boundary),
        12.0,
        6.0,
    ));
    let font = FontId::proportional(13.0);
    painter.text(
        pos2(rect.left() + SPINE_X + 18.0, y - 6.0),
        Align2::LEFT_BOTTOM,
        "⏶ Above this line: written by your own mail servers — can be believed",
        font.clone(),
        palette.boundary,
    );
    painter.text(
        pos2(rect.left() + SPINE_X + 18.0, y + 6.0),
        Align2::LEFT_TOP,
        "⏷ Below: written before your servers received it — the sender could have forged it",
        font,
        palette.boundary,
    );
    response
        .on_hover_text(
            "This is where the message entered your organisation. Lines above were added by \
             servers you trust; lines below only say what the sending side claims",
        )
        .widget_info(|| {
            egui::WidgetInfo::labeled(
                egui::Role::Label,
                true,
                "Trust boundary: above this line, written by your own mail servers; below, \
                 the sender could have forged it",
            )
        });
}

/// The name the sending server gave itself, told apart from the name its address really
/// has: when the two differ, or, at the trust boundary, when only the claim is known.
fn helo_note(hop: &Hop, at_boundary: bool) -> Option<String> {
    let helo = hop.helo.as_deref()?;
    match hop.from_rdns.as_deref() {
        Some(rdns) if rdns != helo => Some(format!(
            "It introduced itself as \"{helo}\" (its own claim); its address belongs to \"{rdns}\" (looked up by the receiving server)"
        )),
        Some(_) => None,
        None if at_boundary && hop.from_ip.is_some() => Some(format!(
            "It introduced itself as \"{helo}\"; that name is its own claim, and no checked name was recorded"
        )),
        None => None,
    }
}

/// A login note in plain words: the sender logged in, and the name is one it chose.
fn auth_text(note: &str) -> String {
    format!(
        "The sender logged in to this server with a password (\"{note}\"). The name there is the \
         account it logged in with: whoever sends can choose it, so it does not prove who they are."
    )
}

/// A plain-words explanation of one step, for hovering and screen readers.
fn explain_hop(report: &Report, hop: &Hop) -> String {
    let by = hop.by_host.as_deref().unwrap_or("an unnamed server");
    let from = hop
        .from_host
        .as_deref()
        .or(hop.helo.as_deref())
        .unwrap_or("a server that did not give its name");
    let ip = hop
        .from_ip
        .as_deref()
        .map(|ip| format!(" at address {ip}"))
        .unwrap_or_default();
    let run_by = hop
        .operator
        .as_deref()
        .map(|o| format!(" (run by {o})"))
        .unwrap_or_default();
    let mut text = format!(
        "Step {}: {by}{run_by} received the message from {from}{ip}.",
        hop.index + 1
    );
    if let Some(note) = helo_note(hop, report.path.boundary == Some(hop.index)) {
        text.push(' ');
        text.push_str(&note);
        text.push('.');
    }
    if let Some(note) = &hop.auth_note {
        text.push(' ');
        text.push_str(&auth_text(note));
    }
    if report.path.boundary == Some(hop.index) {
        text.push_str(
            " This is where your organisation's servers first received it: this address is the \
             only sender address known for sure.",
        );
    } else if hop.trusted {
        text.push_str(" Written by your own mail servers, so it can be believed.");
    } else {
        text.push_str(
            " Written before your servers received the message, so the sender could have made \
             this line up.",
        );
    }
    match hop.tls {
        Some(true) => text.push_str(" The connection was encrypted."),
        Some(false) => text.push_str(" The connection was not encrypted."),
        None => {}
    }
    text
}

fn hop_ui(
    ui: &mut egui::Ui,
    palette: &Palette,
    report: &Report,
    hop: &Hop,
    anomalies: &[&PathAnomaly],
    highlighted: bool,
) -> egui::Response {
    let fill = if highlighted {
        palette.highlight_bg
    } else if hop.trusted {
        palette.trusted_bg
    } else {
        palette.card_bg
    };
    let stroke_colour = if highlighted || !anomalies.is_empty() {
        palette.caution
    } else {
        ui.visuals().widgets.noninteractive.bg_stroke.color
    };
    let left = ui.available_rect_before_wrap().left();
    let row = card_scope(ui, |ui| {
        egui::Frame::new()
            .fill(fill)
            .stroke(Stroke::new(
                if highlighted { 2.5 } else { 1.0 },
                stroke_colour,
            ))
            .corner_radius(theme::CARD_RADIUS)
            .inner_margin(10)
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                let at_boundary = report.path.boundary == Some(hop.index);
                hop_card_ui(ui, palette, hop, anomalies, at_boundary);
            });
    });
    let rect = Rect::from_min_max(pos2(left, row.top()), row.max);
    let node = pos2(left + SPINE_X, rect.center().y);
    let painter = ui.painter();
    let node_colour = if hop.trusted {
        palette.ok
    } else {
        palette.neutral
    };
    painter.line_segment(
        [pos2(node.x, rect.top()), pos2(node.x, rect.bottom())],
        Stroke::new(2.0, palette.neutral),
    );
    painter.circle_filled(node, 13.0, node_colour);
    painter.text(
        node,
        Align2::CENTER_CENTER,
        format!("{}", hop.index + 1),
        FontId::proportional(13.0),
        theme::TEXT_ON_DOT,
    );
    let side = if hop.trusted {
        "🏢 Your servers"
    } else {
        "❔ Sender's side"
    };
    painter.text(
        pos2(node.x + 20.0, node.y),
        Align2::LEFT_CENTER,
        side,
        FontId::proportional(12.0),
        if hop.trusted {
            palette.ok
        } else {
            palette.muted
        },
    );
    let explanation = explain_hop(report, hop);
    let response = ui.interact(rect, ui.scope_id().with(("hop", hop.index)), Sense::hover());
    response
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Group, true, explanation.clone()));
    response.on_hover_text(explanation)
}

fn hop_card_ui(
    ui: &mut egui::Ui,
    palette: &Palette,
    hop: &Hop,
    anomalies: &[&PathAnomaly],
    at_boundary: bool,
) {
    let by = hop
        .by_host
        .as_deref()
        .unwrap_or("(receiving server not named)");
    let from = hop
        .from_host
        .as_deref()
        .or(hop.helo.as_deref())
        .unwrap_or("(sending server not named)");
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(by).strong().monospace());
        if let Some(op) = &hop.operator {
            badge(ui, &format!("🏷 {op}"), palette.accent);
        }
        ui.label("received it from");
        ui.label(RichText::new(from).strong().monospace());
        if let Some(ip) = &hop.from_ip {
            ui.label(RichText::new(format!("[{ip}]")).monospace());
        }
        if let Some(op) = hop
            .from_operator
            .as_deref()
            .filter(|o| hop.operator.as_deref() != Some(*o))
        {
            badge(ui, &format!("🏷 {op}"), palette.neutral);
        }
    });
    if let Some(note) = helo_note(hop, at_boundary) {
        ui.label(RichText::new(note).small().color(palette.muted));
    }
    if let Some(note) = &hop.auth_note {
        ui.label(RichText::new(format!("🔑 {}", auth_text(note))).small());
    }
    ui.horizontal_wrapped(|ui| {
        if let Some(p) = &hop.protocol {
            badge(ui, p, palette.neutral);
        }
        match hop.tls {
            Some(true) => {
                let v = hop
                    .tls_version
                    .as_deref()
                    .map(|v| format!(" ({})", v.replace("TLSv", "TLS ").replace('_', ".")))
                    .unwrap_or_default();
                badge(ui, &format!("🔒 Encrypted{v}"), palette.ok);
            }
            Some(false) => badge(ui, "🔓 Not encrypted", palette.caution),
            None => badge(ui, "Encryption not stated", palette.neutral),
        }
        match &hop.time {
            Some(t) => {
                ui.label(RichText::new(format!("🕑 {}", pretty_time(t))).size(12.0));
            }
            None => {
                ui.label(
                    RichText::new("🕑 time not recorded")
                        .small()
                        .color(palette.muted),
                );
            }
        }
    });
    for a in anomalies {
        ui.label(
            RichText::new(format!("⚠ {}", a.detail))
                .color(palette.caution)
                .strong(),
        );
    }
}

fn badge(ui: &mut egui::Ui, text: &str, colour: Color32) {
    egui::Frame::new()
        .stroke(Stroke::new(1.0, colour))
        .corner_radius(4)
        .inner_margin(egui::Margin::symmetric(6, 1))
        .show(ui, |ui| {
            ui.label(RichText::new(text).size(12.0).color(colour));
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hop() -> Hop {
        Hop {
            from_ip: Some("198.51.100.4".into()),
            helo: Some("mail.bank.example".into()),
            ..Hop::default()
        }
    }

    #[test]
    fn a_helo_that_differs_from_the_verified_name_is_shown_as_a_claim() {
        let h = Hop {
            from_rdns: Some("dsl-4.isp.example".into()),
            ..hop()
        };
        let note = helo_note(&h, false).unwrap_or_default();
        assert!(note.contains("its own claim"), "{note}");
        assert!(note.contains("dsl-4.isp.example"), "{note}");
    }

    #[test]
    fn a_bare_claim_is_pointed_out_only_at_the_boundary() {
        assert!(helo_note(&hop(), true).is_some());
        assert!(helo_note(&hop(), false).is_none());
    }

    #[test]
    fn a_login_note_is_explained_as_a_name_the_sender_chose() {
        let text = auth_text("Authenticated sender: paypal.com");
        assert!(text.contains("paypal.com"));
        assert!(text.contains("does not prove"));
    }
}
