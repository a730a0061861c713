//! Presenter view: full screen, large text, one step at a time, for a trainer at a projector.
//!
//! Steps (see `training::presenter`): the message with the verdict hidden, then each tell,
//! then the path with the trust boundary, then the verdict and the lesson. Space or →
//! goes forward, ← goes back, Esc leaves. ↓/↑ scroll a slide taller than the screen;
//! PageDown/PageUp (what a presentation clicker sends) scroll a page while there is more of
//! the slide to see, and only then go to the next or previous step.

use egui::{Color32, Frame, Key, Margin, RichText, Stroke, ViewportCommand};

use crate::analysis::{Report, Verdict};
use crate::training::presenter::{Presentation, Step};
use crate::training::quiz::Question;
use crate::training::view::{MailView, Part};
use crate::training::Scenario;

use super::theme::Palette;

/// Text sizes of the presenter view on a 1200×800 screen, in points; they grow with the
/// screen (see `scale`), so a projected slide reads the same from the back of the room.
const BODY_SIZE: f32 = 24.0;
const HEADING_SIZE: f32 = 38.0;
const SMALL_SIZE: f32 = 18.0;

/// How much larger than on a 1200×800 screen the slide's text is drawn: up to twice, never
/// smaller (a small window still gets text a room can read, and scrolls).
pub fn scale(ctx: &egui::Context) -> f32 {
    let screen = ctx.content_rect();
    (screen.width() / 1200.0)
        .min(screen.height() / 800.0)
        .clamp(1.0, 2.0)
}

fn body(ui: &egui::Ui) -> f32 {
    BODY_SIZE * scale(ui.ctx())
}

fn heading(ui: &egui::Ui) -> f32 {
    HEADING_SIZE * scale(ui.ctx())
}

fn small(ui: &egui::Ui) -> f32 {
    SMALL_SIZE * scale(ui.ctx())
}

/// What the presenter asks of the app around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PresenterExit {
    /// Leave the presenter view (full screen has been switched off).
    Leave,
}

/// The presenter screen.
#[derive(Debug)]
pub struct PresenterScreen {
    pub presentation: Presentation,
    /// Ask for full screen once, on the first frame.
    entered: bool,
    /// Switch the window to full screen (off in tests).
    pub fullscreen: bool,
    /// The slide's scroll position, how far it can scroll and its visible height (from the
    /// last frame), and the step it belongs to: a new step starts at the top.
    scroll: f32,
    max_scroll: f32,
    page: f32,
    scrolled_step: Option<(usize, usize)>,
}

impl PresenterScreen {
    /// Presents `scenarios`, starting with the one at `start`.
    pub fn new(scenarios: Vec<Scenario>, start: usize) -> PresenterScreen {
        PresenterScreen {
            presentation: Presentation::new(scenarios, start),
            entered: false,
            fullscreen: true,
            scroll: 0.0,
            max_scroll: 0.0,
            page: 0.0,
            scrolled_step: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Action {
    Next,
    Back,
    Leave,
    /// Scroll the slide by this many points (down is positive).
    Scroll(f32),
}

/// How far ↓ and ↑ scroll the slide, in points.
const LINE_SCROLL: f32 = 60.0;

/// Draws the presenter view and handles its keys. Returns `Some` when the app should
/// leave it.
pub fn presenter_ui(ui: &mut egui::Ui, screen: &mut PresenterScreen) -> Option<PresenterExit> {
    if !screen.entered {
        screen.entered = true;
        if screen.fullscreen {
            ui.ctx()
                .send_viewport_cmd(ViewportCommand::Fullscreen(true));
        }
    }
    let position = (
        screen.presentation.scenario_position().0,
        screen.presentation.step_position().0,
    );
    if screen.scrolled_step != Some(position) {
        screen.scrolled_step = Some(position);
        screen.scroll = 0.0;
    }
    // A page is most of the visible height, so a line of context stays in view.
    let page = (screen.page * 0.85).max(LINE_SCROLL);
    let more_below = screen.scroll < screen.max_scroll - 1.0;
    let more_above = screen.scroll > 1.0;
    let mut actions: Vec<Action> = ui.input(|i| {
        let mut v = Vec::new();
        if i.key_pressed(Key::Space) || i.key_pressed(Key::ArrowRight) {
            v.push(Action::Next);
        }
        if i.key_pressed(Key::PageDown) {
            v.push(if more_below {
                Action::Scroll(page)
            } else {
                Action::Next
            });
        }
        if i.key_pressed(Key::ArrowLeft) {
            v.push(Action::Back);
        }
        if i.key_pressed(Key::PageUp) {
            v.push(if more_above {
                Action::Scroll(-page)
            } else {
                Action::Back
            });
        }
        if i.key_pressed(Key::ArrowDown) {
            v.push(Action::Scroll(LINE_SCROLL));
        }
        if i.key_pressed(Key::ArrowUp) {
            v.push(Action::Scroll(-LINE_SCROLL));
        }
        if i.key_pressed(Key::Escape) {
            v.push(Action::Leave);
        }
        v
    });
    for a in &actions {
        if let Action::Scroll(dy) = a {
            screen.scroll = (screen.scroll + dy).clamp(0.0, screen.max_scroll.max(0.0));
        }
    }
    // A projector washes out grey text: everything is drawn in the strongest colour.
    let strong = ui.visuals().strong_text_color();
    ui.visuals_mut().override_text_color = Some(strong);
    Frame::new().inner_margin(Margin::same(28)).show(ui, |ui| {
        ui.set_width(ui.available_width());
        match screen.presentation.question() {
            Some(q) => {
                let view = slide_ui(ui, &screen.presentation, q, screen.scroll, &mut actions);
                // Scrolled by hand (wheel, touch, scroll bar) too: remember where it is.
                screen.scroll = view.offset;
                screen.max_scroll = view.max_offset;
                screen.page = view.page;
            }
            None => {
                ui.label(RichText::new("There is nothing to present.").size(body(ui)));
                controls_ui(ui, &screen.presentation, &mut actions);
            }
        }
    });
    let mut exit = None;
    for a in actions {
        match a {
            Action::Next => {
                screen.presentation.forward();
            }
            Action::Back => {
                screen.presentation.back();
            }
            Action::Scroll(_) => {}
            Action::Leave => {
                if screen.fullscreen {
                    ui.ctx()
                        .send_viewport_cmd(ViewportCommand::Fullscreen(false));
                }
                exit = Some(PresenterExit::Leave);
            }
        }
    }
    exit
}

fn controls_ui(ui: &mut egui::Ui, p: &Presentation, actions: &mut Vec<Action>) {
    let (s, n) = p.scenario_position();
    let (step, steps) = p.step_position();
    let hint = format!(
        "Scenario {} of {n} · step {} of {steps} · Space or ➡ next · ⬅ back · ⬇⬆ scroll · Esc leave",
        s + 1,
        step + 1
    );
    // The buttons keep their room; the hint wraps beside them on a narrow screen.
    egui::Sides::new().shrink_left().wrap().show(
        ui,
        |ui| {
            ui.label(RichText::new(hint).size(small(ui)).italics());
        },
        |ui| {
            if ui
                .button(RichText::new("Leave presenter view").size(small(ui)))
                .clicked()
            {
                actions.push(Action::Leave);
            }
            if ui.button(RichText::new("Next ➡").size(small(ui))).clicked() {
                actions.push(Action::Next);
            }
            if ui.button(RichText::new("⬅ Back").size(small(ui))).clicked() {
                actions.push(Action::Back);
            }
        },
    );
}

/// Where the slide's scrolling body stands after a frame.
struct SlideView {
    offset: f32,
    max_offset: f32,
    page: f32,
}

fn slide_ui(
    ui: &mut egui::Ui,
    p: &Presentation,
    q: &Question,
    scroll: f32,
    actions: &mut Vec<Action>,
) -> SlideView {
    controls_ui(ui, p, actions);
    ui.add_space(10.0);
    let step = p.step();
    let title = match step {
        Step::Lesson => q.scenario.meta.title.clone(),
        Step::Path => "The route it took".to_string(),
        _ => "Would you trust this message?".to_string(),
    };
    ui.label(RichText::new(title).size(heading(ui)).strong());
    ui.add_space(12.0);
    // A line stays free under the slide for "more below", so a slide taller than the
    // screen never just ends mid-sentence at the bottom edge.
    let more_line = small(ui) * 1.8;
    let out = egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .max_height((ui.available_height() - more_line).max(more_line))
        .vertical_scroll_offset(scroll)
        .show(ui, |ui| body_ui(ui, p, q, step));
    let view = SlideView {
        offset: out.state.clamped_offset().y,
        max_offset: (out.content_size.y - out.inner_rect.height()).max(0.0),
        page: out.inner_rect.height(),
    };
    if view.offset < view.max_offset - 1.0 {
        ui.label(
            RichText::new("⬇ more below: press ⬇ or PageDown")
                .size(small(ui))
                .italics(),
        );
    }
    view
}

fn body_ui(ui: &mut egui::Ui, p: &Presentation, q: &Question, step: Step) {
    match (step, &q.report) {
        (Step::Path, Ok(r)) => path_ui(ui, r),
        (Step::Lesson, Ok(r)) => lesson_ui(ui, q, r),
        (_, Err(e)) => {
            ui.label(RichText::new(e.to_string()).size(body(ui)));
        }
        _ => {
            let shown = p.tells_shown();
            // Columns lay out justified; text reads better ragged-right.
            let ragged = egui::Layout::top_down(egui::Align::Min);
            ui.columns(2, |cols| {
                if let [left, right] = cols {
                    left.with_layout(ragged, |ui| mail_ui(ui, q, shown));
                    right.with_layout(ragged, |ui| tells_ui(ui, q, shown));
                }
            });
        }
    }
}

/// Parts shown by the first `shown` tells.
fn lit_parts(q: &Question, shown: usize) -> Vec<(Part, usize)> {
    q.points
        .iter()
        .take(shown)
        .enumerate()
        .flat_map(|(n, pt)| {
            pt.spot
                .as_ref()
                .map(|s| q.view.parts_for(s))
                .unwrap_or_default()
                .into_iter()
                .map(move |part| (part, n + 1))
        })
        .collect()
}

fn line_ui(ui: &mut egui::Ui, lit: &[(Part, usize)], part: Part, text: &str) {
    let numbers: Vec<String> = lit
        .iter()
        .filter(|(p, _)| *p == part)
        .map(|(_, n)| n.to_string())
        .collect();
    let mut rich = RichText::new(text).size(body(ui));
    if numbers.is_empty() {
        ui.label(rich);
        return;
    }
    rich = rich
        .background_color(Palette::of(ui.visuals()).tell_bg)
        .strong();
    ui.horizontal_wrapped(|ui| {
        ui.label(
            RichText::new(format!("[{}]", numbers.join(",")))
                .size(body(ui))
                .strong(),
        );
        ui.label(rich);
    });
}

fn mail_ui(ui: &mut egui::Ui, q: &Question, shown: usize) {
    let v: &MailView = &q.view;
    let lit = lit_parts(q, shown);
    Frame::group(ui.style())
        .inner_margin(Margin::same(16))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            line_ui(ui, &lit, Part::From, &format!("From: {}", v.from));
            if let Some(rt) = &v.reply_to {
                line_ui(ui, &lit, Part::ReplyTo, &format!("Reply-To: {rt}"));
            }
            line_ui(ui, &lit, Part::To, &format!("To: {}", v.to));
            line_ui(ui, &lit, Part::Subject, &format!("Subject: {}", v.subject));
            ui.separator();
            for (i, para) in v.paragraphs.iter().enumerate().take(12) {
                line_ui(ui, &lit, Part::Paragraph(i), para);
            }
            for l in &v.links {
                // A mail program shows only the link's text; where it really goes is
                // revealed with the tell that points at it.
                let part = Part::Link(l.index);
                let text = if lit.iter().any(|(p, _)| *p == part) && l.href != l.text {
                    format!("Link: {}  ▶  really goes to {}", l.text, l.href)
                } else {
                    format!("Link: {}", l.text)
                };
                line_ui(ui, &lit, part, &text);
            }
            for a in &v.attachments {
                line_ui(
                    ui,
                    &lit,
                    Part::Attachment(a.index),
                    &format!("📎 {} ({})", a.name, a.size),
                );
            }
        });
}

fn tells_ui(ui: &mut egui::Ui, q: &Question, shown: usize) {
    if shown == 0 {
        ui.label(
            RichText::new("Look closely. What gives it away, if anything?")
                .size(body(ui))
                .italics(),
        );
        return;
    }
    for (n, pt) in q.points.iter().take(shown).enumerate() {
        let title = crate::lessons::lesson(&pt.check)
            .map(|l| l.title.clone())
            .unwrap_or_else(|| pt.check.replace('-', " "));
        let newest = n + 1 == shown;
        let frame = if newest {
            Frame::group(ui.style()).stroke(Stroke::new(3.0, ui.visuals().selection.bg_fill))
        } else {
            Frame::group(ui.style())
        };
        frame.inner_margin(Margin::same(10)).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(
                RichText::new(format!("[{}] {title}", n + 1))
                    .size(body(ui))
                    .strong(),
            );
            if !pt.note.is_empty() {
                ui.label(RichText::new(&pt.note).size(body(ui)));
            }
            if pt.gap.is_some() {
                ui.label(
                    RichText::new("mailsleuth does not flag this one yet: a careful reader does.")
                        .size(small(ui))
                        .italics(),
                );
            }
            if pt.spot.as_ref().is_some_and(|s| !s.is_visible()) {
                ui.label(
                    RichText::new("Hidden in the headers: mailsleuth shows it for you.")
                        .size(small(ui))
                        .italics(),
                );
            }
        });
        ui.add_space(6.0);
    }
}

fn path_ui(ui: &mut egui::Ui, r: &Report) {
    let boundary = r.path.boundary;
    // Newest on top, as in the raw headers and the Path tab: each server wrote the line
    // "I received it from the one below".
    let hop_line = |h: &crate::analysis::Hop| {
        let from = h
            .from_host
            .clone()
            .or_else(|| h.helo.clone())
            .unwrap_or_else(|| "an unnamed server".into());
        let ip = h
            .from_ip
            .as_deref()
            .map(|ip| format!(" [{ip}]"))
            .unwrap_or_default();
        let by = h.by_host.clone().unwrap_or_else(|| "?".into());
        format!("{}. {by}  ◀  {from}{ip}", h.index + 1)
    };
    ui.label(
        RichText::new("Newest on top, as in the Path tab: read from your mailbox (top) down to where it claims to start.")
            .size(small(ui))
            .italics(),
    );
    ui.label(RichText::new("📥 Your mailbox").size(body(ui)).strong());
    for h in r.path.hops.iter().rev() {
        let text = RichText::new(hop_line(h)).size(body(ui));
        ui.label(if h.trusted {
            text.strong()
        } else {
            text.weak()
        });
        if Some(h.index) == boundary {
            if h.index == 0 {
                ui.label(
                    RichText::new("(no lines from before your servers: every step is your own servers' record)")
                        .size(small(ui))
                        .italics(),
                );
                continue;
            }
            ui.add_space(6.0);
            let colour = ui.visuals().warn_fg_color;
            ui.separator();
            ui.label(
                RichText::new("⬆ written by your own servers: these can be believed")
                    .size(small(ui))
                    .color(colour),
            );
            ui.label(
                RichText::new("⬇ written before your servers got it: the sender could have forged these lines")
                    .size(small(ui))
                    .color(colour),
            );
            ui.separator();
            ui.add_space(6.0);
        }
    }
    ui.label(
        RichText::new("✉ Where it claims to start")
            .size(body(ui))
            .strong(),
    );
    if let Some(ip) = &r.path.connecting_ip {
        ui.add_space(12.0);
        ui.label(
            RichText::new(format!(
                "The only sender address known for sure: {ip}{}",
                r.path
                    .connecting_host
                    .as_deref()
                    .map(|h| format!(" ({h})"))
                    .unwrap_or_default()
            ))
            .size(body(ui)),
        );
    }
}

fn verdict_look(ui: &egui::Ui, v: Verdict) -> (&'static str, Color32) {
    match v {
        Verdict::Ok => ("✔", Palette::of(ui.visuals()).presenter_ok),
        Verdict::Caution => ("⚠", ui.visuals().warn_fg_color),
        Verdict::Danger => ("⛔", ui.visuals().error_fg_color),
    }
}

fn lesson_ui(ui: &mut egui::Ui, q: &Question, r: &Report) {
    let (icon, colour) = verdict_look(ui, q.truth);
    ui.label(
        RichText::new(format!("{icon} {}", q.truth.word()))
            .size(heading(ui) * 1.3)
            .strong()
            .color(colour),
    );
    ui.label(RichText::new(&r.headline).size(body(ui)));
    ui.add_space(12.0);
    if !q.scenario.meta.story.is_empty() {
        ui.label(RichText::new(&q.scenario.meta.story).size(body(ui)));
    }
    let todo = q
        .points
        .iter()
        .find_map(|p| crate::lessons::lesson(&p.check))
        .map(|l| l.what_to_do.clone());
    if let Some(todo) = todo {
        ui.add_space(12.0);
        ui.label(RichText::new("What to do").size(body(ui)).strong());
        ui.label(RichText::new(todo).size(body(ui)));
    }
}
