//! Design tokens: colours, spacing, icons and words for verdicts and outcomes, in one place.
//!
//! Every colour here comes with an icon and a word elsewhere in this module, so nothing on
//! screen relies on colour alone.

use egui::{Color32, Visuals};

use crate::analysis::{AuthValue, CheckResult, Grade, Outcome, Verdict};

/// Space between sections of a view.
pub const SECTION_GAP: f32 = 14.0;
/// Inner margin of cards and banners.
pub const CARD_MARGIN: i8 = 12;
/// Corner radius of cards and banners.
pub const CARD_RADIUS: u8 = 8;
/// Width of the message list on the left.
pub const LIST_WIDTH: f32 = 250.0;
/// Size of the big verdict icon and word.
pub const VERDICT_SIZE: f32 = 26.0;
/// Heading size inside views.
pub const HEADING_SIZE: f32 = 18.0;

/// Text and icons drawn on a filled accent- or verdict-coloured dot (path steps, hops).
pub const TEXT_ON_DOT: Color32 = Color32::WHITE;
/// What dims the window while files are dragged over it.
pub const DROP_DIM: Color32 = Color32::from_black_alpha(170);
/// The words on the drop overlay.
pub const DROP_TEXT: Color32 = Color32::WHITE;
/// No fill (a plain row among highlighted ones).
pub const NO_FILL: Color32 = Color32::TRANSPARENT;

/// Colours that depend on light or dark mode.
#[derive(Debug, Clone, Copy)]
pub struct Palette {
    /// Good news, passes, "looks fine".
    pub ok: Color32,
    /// Warnings, "be careful".
    pub caution: Color32,
    /// Failures, "dangerous".
    pub danger: Color32,
    /// Not applicable, unknown.
    pub neutral: Color32,
    /// Background tint of the verdict banner, per verdict.
    pub ok_bg: Color32,
    /// Banner background for "be careful" (also used for notes).
    pub caution_bg: Color32,
    /// Banner background for "dangerous".
    pub danger_bg: Color32,
    /// Background of a highlighted (evidence) row.
    pub highlight_bg: Color32,
    /// Fill of the path-diagram cards.
    pub card_bg: Color32,
    /// Fill of cards written by the recipient's own servers.
    pub trusted_bg: Color32,
    /// Muted text for secondary details.
    pub muted: Color32,
    /// The trust-boundary line.
    pub boundary: Color32,
    /// The drop-zone outline.
    pub accent: Color32,
    /// Fill of a quiz part the learner found (a real tell).
    pub found_bg: Color32,
    /// Fill of a tell the learner missed in the quiz.
    pub missed_bg: Color32,
    /// Background of a numbered tell in the presenter view.
    pub tell_bg: Color32,
    /// The "looks fine" verdict colour in the presenter view.
    pub presenter_ok: Color32,
}

impl Palette {
    /// The palette for the current visuals.
    pub fn of(visuals: &Visuals) -> Palette {
        if visuals.dark_mode {
            Palette {
                ok: Color32::from_rgb(110, 200, 120),
                caution: Color32::from_rgb(240, 185, 70),
                danger: Color32::from_rgb(245, 115, 110),
                neutral: Color32::from_rgb(150, 160, 175),
                ok_bg: Color32::from_rgb(28, 58, 36),
                caution_bg: Color32::from_rgb(66, 52, 20),
                danger_bg: Color32::from_rgb(78, 30, 30),
                highlight_bg: Color32::from_rgb(70, 62, 20),
                card_bg: Color32::from_rgb(38, 42, 50),
                trusted_bg: Color32::from_rgb(30, 50, 44),
                muted: Color32::from_rgb(165, 170, 180),
                boundary: Color32::from_rgb(120, 170, 255),
                accent: Color32::from_rgb(120, 170, 255),
                found_bg: Color32::from_rgb(40, 110, 60),
                missed_bg: Color32::from_rgb(130, 80, 20),
                tell_bg: Color32::from_rgb(120, 80, 20),
                presenter_ok: Color32::from_rgb(110, 200, 120),
            }
        } else {
            Palette {
                ok: Color32::from_rgb(25, 120, 45),
                caution: Color32::from_rgb(150, 95, 0),
                danger: Color32::from_rgb(180, 30, 30),
                neutral: Color32::from_rgb(90, 98, 110),
                ok_bg: Color32::from_rgb(225, 243, 228),
                caution_bg: Color32::from_rgb(253, 240, 205),
                danger_bg: Color32::from_rgb(252, 226, 224),
                highlight_bg: Color32::from_rgb(255, 240, 160),
                card_bg: Color32::from_rgb(242, 244, 248),
                trusted_bg: Color32::from_rgb(226, 242, 236),
                muted: Color32::from_rgb(85, 90, 100),
                boundary: Color32::from_rgb(30, 90, 200),
                accent: Color32::from_rgb(30, 90, 200),
                found_bg: Color32::from_rgb(200, 236, 205),
                missed_bg: Color32::from_rgb(255, 222, 170),
                tell_bg: Color32::from_rgb(255, 226, 160),
                presenter_ok: Color32::from_rgb(20, 120, 40),
            }
        }
    }

    /// Foreground colour of a verdict.
    pub fn verdict(&self, v: Verdict) -> Color32 {
        match v {
            Verdict::Ok => self.ok,
            Verdict::Caution => self.caution,
            Verdict::Danger => self.danger,
        }
    }

    /// Banner background of a verdict.
    pub fn verdict_bg(&self, v: Verdict) -> Color32 {
        match v {
            Verdict::Ok => self.ok_bg,
            Verdict::Caution => self.caution_bg,
            Verdict::Danger => self.danger_bg,
        }
    }

    /// Colour of a check outcome.
    pub fn outcome(&self, o: Outcome) -> Color32 {
        match o {
            Outcome::Pass => self.ok,
            Outcome::Warn => self.caution,
            Outcome::Fail => self.danger,
            Outcome::Skip => self.neutral,
        }
    }

    /// Colour of an authentication result.
    pub fn auth(&self, v: AuthValue) -> Color32 {
        match auth_tone(v) {
            Tone::Good => self.ok,
            Tone::Bad => self.danger,
            Tone::Odd => self.caution,
            Tone::Neutral => self.neutral,
        }
    }
}

/// Icon shown with a verdict.
pub fn verdict_icon(v: Verdict) -> &'static str {
    match v {
        Verdict::Ok => "✔",
        Verdict::Caution => "⚠",
        Verdict::Danger => "⛔",
    }
}

/// Icon shown with a check outcome.
pub fn outcome_icon(o: Outcome) -> &'static str {
    match o {
        Outcome::Pass => "✔",
        Outcome::Warn => "⚠",
        Outcome::Fail => "✖",
        Outcome::Skip => "–",
    }
}

/// A small framed label naming the grade of a finding (proof, strong sign, hint); hover
/// says what the grade means.
pub fn grade_chip(ui: &mut egui::Ui, grade: Grade) -> egui::Response {
    let text = egui::RichText::new(grade.label()).small().strong();
    let frame = egui::Frame::new()
        .stroke(egui::Stroke::new(1.0, ui.visuals().weak_text_color()))
        .corner_radius(4.0)
        .inner_margin(egui::Margin::symmetric(4, 0));
    frame
        .show(ui, |ui| ui.label(text))
        .response
        .on_hover_text(grade.meaning())
}

/// What a checklist line says: the title when it describes the outcome (see
/// `CheckResult::title_fits`), else what the check found ("The message has an ID" rather
/// than "No message ID"), so "Fine" beside it never contradicts it.
pub fn row_text(check: &CheckResult) -> &str {
    if check.title_fits() {
        &check.title
    } else {
        &check.summary
    }
}

/// The accessible name of a checklist line: its text, outcome and (when flagged) grade.
pub fn row_label(check: &CheckResult) -> String {
    match check.outcome {
        Outcome::Warn | Outcome::Fail => format!(
            "{}: {}, {}",
            row_text(check),
            outcome_word(check.outcome),
            check.grade.label()
        ),
        Outcome::Pass | Outcome::Skip => {
            format!("{}: {}", row_text(check), outcome_word(check.outcome))
        }
    }
}

/// Word shown with a check outcome (never colour alone).
pub fn outcome_word(o: Outcome) -> &'static str {
    match o {
        Outcome::Pass => "Fine",
        Outcome::Warn => "Warning",
        Outcome::Fail => "Problem",
        Outcome::Skip => "Not applicable",
    }
}

/// How an authentication result reads to a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Passed: the sender proved who it is.
    Good,
    /// Failed or broken.
    Bad,
    /// Weak or unsure: worth a look.
    Odd,
    /// Nothing checked, or no opinion.
    Neutral,
}

/// Classifies an authentication result.
pub fn auth_tone(v: AuthValue) -> Tone {
    match v {
        AuthValue::Pass | AuthValue::BestGuessPass => Tone::Good,
        AuthValue::Fail | AuthValue::PermError => Tone::Bad,
        AuthValue::SoftFail | AuthValue::Policy | AuthValue::TempError => Tone::Odd,
        AuthValue::Neutral | AuthValue::None | AuthValue::Other => Tone::Neutral,
    }
}

/// Icon for an authentication result.
pub fn auth_icon(v: AuthValue) -> &'static str {
    match auth_tone(v) {
        Tone::Good => "✔",
        Tone::Bad => "✖",
        Tone::Odd => "⚠",
        Tone::Neutral => "–",
    }
}

/// Plain words for an authentication result.
pub fn auth_word(v: AuthValue) -> &'static str {
    match v {
        AuthValue::Pass => "Passed",
        AuthValue::BestGuessPass => "Probably passed",
        AuthValue::Fail => "Failed",
        AuthValue::SoftFail => "Weak fail",
        AuthValue::Neutral => "No opinion",
        AuthValue::None => "None found",
        AuthValue::TempError => "Could not check (temporary error)",
        AuthValue::PermError => "Broken record",
        AuthValue::Policy => "Blocked by policy",
        AuthValue::Other => "Unknown result",
    }
}

/// Whether the person is moving through the window with the keyboard: set by Tab and
/// the arrow keys, cleared by a click, so the focus ring shows for keyboard use only.
fn keyboard_navigating(ctx: &egui::Context) -> bool {
    let id = egui::Id::unique("keyboard-navigating");
    let (keys, pointer) = ctx.input(|i| {
        (
            i.events.iter().any(|e| {
                matches!(
                    e,
                    egui::Event::Key {
                        key: egui::Key::Tab
                            | egui::Key::ArrowDown
                            | egui::Key::ArrowUp
                            | egui::Key::ArrowLeft
                            | egui::Key::ArrowRight,
                        pressed: true,
                        ..
                    }
                )
            }),
            i.pointer.any_pressed(),
        )
    });
    ctx.data_mut(|d| {
        let on = d.get_temp_mut_or(id, false);
        if keys {
            *on = true;
        } else if pointer {
            *on = false;
        }
        *on
    })
}

/// Draws a ring around the widget that has keyboard focus, so a person moving with Tab
/// always sees where they are (egui marks a focused link only by underlining it, and a
/// focused row of the message list not at all).
pub fn focus_ring(ctx: &egui::Context) {
    if !keyboard_navigating(ctx) {
        return;
    }
    let Some(id) = ctx.memory(|m| m.focused()) else {
        return;
    };
    let Some(response) = ctx.read_response(id) else {
        return;
    };
    // Only the part in view: a widget scrolled half out of a list keeps its ring inside.
    let rect = response.interact_rect;
    if rect.width() < 1.0 || rect.height() < 1.0 {
        return;
    }
    let colour = ctx.global_style().visuals.selection.stroke.color;
    ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        egui::Id::unique("focus-ring"),
    ))
    .rect_stroke(
        rect.expand(2.0),
        4.0,
        egui::Stroke::new(2.0, colour),
        egui::StrokeKind::Outside,
    );
}

/// Applies the style touches shared by every view (spacing, text sizes, contrast).
pub fn apply_style(ctx: &egui::Context) {
    // egui's default dark-mode text is a mid grey; lessons are long reads, so lift it.
    // Links and secondary text keep 4.5:1 against every background they are drawn on (a
    // test measures it): egui's light-theme link blue and its faded grey do not.
    ctx.style_mut_of(egui::Theme::Dark, |style| {
        style.visuals.widgets.noninteractive.fg_stroke.color = Color32::from_gray(212);
        style.visuals.hyperlink_color = Color32::from_rgb(130, 185, 255);
        style.visuals.weak_text_color = Some(Color32::from_gray(170));
    });
    ctx.style_mut_of(egui::Theme::Light, |style| {
        style.visuals.widgets.noninteractive.fg_stroke.color = Color32::from_gray(40);
        style.visuals.hyperlink_color = Color32::from_rgb(0, 85, 180);
        style.visuals.weak_text_color = Some(Color32::from_gray(95));
    });
    ctx.all_styles_mut(|style| {
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
        style.spacing.button_padding = egui::vec2(10.0, 5.0);
        style.spacing.interact_size.y = 24.0;
        style.interaction.tooltip_delay = 0.2;
        if let Some(body) = style.text_styles.get_mut(&egui::TextStyle::Body) {
            body.size = 14.5;
        }
        if let Some(button) = style.text_styles.get_mut(&egui::TextStyle::Button) {
            button.size = 14.5;
        }
        if let Some(heading) = style.text_styles.get_mut(&egui::TextStyle::Heading) {
            heading.size = 22.0;
        }
        // egui's small text is too small to read comfortably for details people need.
        if let Some(small) = style.text_styles.get_mut(&egui::TextStyle::Small) {
            small.size = 12.0;
        }
        if let Some(mono) = style.text_styles.get_mut(&egui::TextStyle::Monospace) {
            mono.size = 13.0;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG 2 relative luminance of an sRGB colour (alpha ignored: colours here are opaque).
    fn luminance(c: Color32) -> f64 {
        let channel = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.039_28 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(c.r()) + 0.7152 * channel(c.g()) + 0.0722 * channel(c.b())
    }

    /// The WCAG contrast ratio of text `fg` over `bg`, from 1 to 21.
    fn contrast(fg: Color32, bg: Color32) -> f64 {
        let (a, b) = (luminance(fg), luminance(bg));
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    /// `fg` drawn over `bg` as egui blends it (text colours may carry alpha).
    fn over(fg: Color32, bg: Color32) -> Color32 {
        let a = f32::from(fg.a()) / 255.0;
        let mix = |f: u8, b: u8| (f32::from(f) * a + f32::from(b) * (1.0 - a)).round() as u8;
        let fg = fg.to_srgba_unmultiplied();
        let fg = Color32::from_rgb(fg[0], fg[1], fg[2]);
        Color32::from_rgb(
            mix(fg.r(), bg.r()),
            mix(fg.g(), bg.g()),
            mix(fg.b(), bg.b()),
        )
    }

    /// Every text colour the app uses, on every background it is drawn on, reads at
    /// 4.5:1 or better (WCAG AA for body text) in both themes.
    #[test]
    fn text_contrast_is_at_least_four_and_a_half_to_one() {
        let ctx = egui::Context::default();
        apply_style(&ctx);
        let mut failures = Vec::new();
        for theme in [egui::Theme::Dark, egui::Theme::Light] {
            let visuals = ctx.style_of(theme).visuals.clone();
            let p = Palette::of(&visuals);
            let text = visuals.text_color();
            let strong = visuals.strong_text_color();
            let weak = visuals.weak_text_color();
            let link = visuals.hyperlink_color;
            let plain_text = [
                ("text", text),
                ("strong text", strong),
                ("weak text", weak),
                ("link", link),
                ("muted", p.muted),
                ("ok", p.ok),
                ("caution", p.caution),
                ("danger", p.danger),
                ("neutral", p.neutral),
            ];
            let surfaces = [
                ("panel", visuals.panel_fill),
                ("window", visuals.window_fill),
                ("card", p.card_bg),
            ];
            let mut pairs: Vec<(String, Color32, Color32)> = Vec::new();
            for (f, fg) in plain_text {
                for (b, bg) in surfaces {
                    pairs.push((format!("{f} on {b}"), fg, bg));
                }
            }
            for (name, bg) in [
                ("ok banner", p.ok_bg),
                ("caution banner", p.caution_bg),
                ("danger banner", p.danger_bg),
                ("trusted card", p.trusted_bg),
                ("highlight", p.highlight_bg),
            ] {
                pairs.push((format!("text on {name}"), text, bg));
                pairs.push((format!("strong text on {name}"), strong, bg));
                pairs.push((format!("link on {name}"), link, bg));
            }
            pairs.push(("ok word on its banner".into(), p.ok, p.ok_bg));
            pairs.push(("caution word on its banner".into(), p.caution, p.caution_bg));
            pairs.push(("danger word on its banner".into(), p.danger, p.danger_bg));
            for (what, fg, bg) in pairs {
                let ratio = contrast(over(fg, bg), bg);
                if ratio < 4.5 {
                    failures.push(format!("{theme:?}: {what} is {ratio:.2}:1"));
                }
            }
        }
        assert!(
            failures.is_empty(),
            "too little contrast:\n{}",
            failures.join("\n")
        );
    }
}
