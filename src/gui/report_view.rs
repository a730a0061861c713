//! The report of one message: verdict banner, live-check status, and the tabbed sections.

use egui::RichText;

use super::theme::{self, Palette};
use super::{
    auth_view, checklist, headers_view, message_view, path_view, Command, Entry, EntryState,
    LiveState, Settings, Tab,
};
use crate::analysis::{Report, Verdict};

/// Draws one opened message: a spinner while it loads, its error, or its report.
pub fn entry_ui(
    ui: &mut egui::Ui,
    entry: &mut Entry,
    profile: Option<&crate::profile::Profile>,
    commands: &mut Vec<Command>,
) {
    match &entry.state {
        EntryState::Loading => {
            ui.add_space(40.0);
            ui.vertical_centered(|ui| {
                ui.add(egui::Spinner::new().size(36.0));
                ui.label(RichText::new(format!("Checking {}…", entry.name)).size(18.0));
            });
        }
        EntryState::Failed(err) => error_ui(ui, &entry.name, &err.to_string(), commands),
        EntryState::Ready(report) => {
            let report: &Report = report;
            strip_ui(ui, report, entry.ui.tab, commands);
            ui.add_space(4.0);
            tabs_ui(ui, entry.ui.tab, commands);
            ui.separator();
            // Each message keeps its own scroll positions (and other view state): the next
            // message opens at its top, not where the last one was left.
            let id = entry.id;
            ui.push_id(id, |ui| match entry.ui.tab {
                Tab::Verdict => {
                    egui::ScrollArea::vertical()
                        .id_salt("verdict")
                        .auto_shrink([false, false])
                        .show(ui, |ui| {
                            banner_ui(ui, report, commands);
                            ui.add_space(theme::SECTION_GAP);
                            if report.verdict != Verdict::Ok {
                                response_ui(ui, report, &mut entry.ui, profile, commands);
                                ui.add_space(theme::SECTION_GAP);
                            }
                            glance_ui(ui, report, commands);
                        });
                }
                Tab::Checklist => checklist::checklist_tab_ui(ui, report, &entry.ui, commands),
                Tab::Path => path_view::path_tab_ui(ui, report, &mut entry.ui),
                Tab::Authentication => auth_view::auth_tab_ui(ui, report, &entry.live, commands),
                Tab::Message => message_view::message_tab_ui(ui, report, &mut entry.ui),
                Tab::Headers => headers_view::headers_tab_ui(ui, report, &mut entry.ui),
            });
        }
    }
}

fn error_ui(ui: &mut egui::Ui, name: &str, message: &str, commands: &mut Vec<Command>) {
    let palette = Palette::of(ui.visuals());
    ui.add_space(20.0);
    egui::Frame::new()
        .fill(palette.caution_bg)
        .corner_radius(theme::CARD_RADIUS)
        .inner_margin(16)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(
                RichText::new(format!("❓ mailsleuth could not check {name}"))
                    .size(theme::HEADING_SIZE)
                    .strong(),
            );
            ui.add_space(4.0);
            ui.label(RichText::new(message).size(16.0));
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button("📂 Open another file…").clicked() {
                    commands.push(Command::OpenFileDialog);
                }
                if ui.button("📋 Paste message or headers…").clicked() {
                    commands.push(Command::ShowPaste);
                }
            });
        });
}

/// One line that keeps the verdict in sight on every tab.
fn strip_ui(ui: &mut egui::Ui, report: &Report, tab: Tab, commands: &mut Vec<Command>) {
    let palette = Palette::of(ui.visuals());
    let colour = palette.verdict(report.verdict);
    egui::Frame::new()
        .fill(palette.verdict_bg(report.verdict))
        .stroke(egui::Stroke::new(1.0, colour))
        .corner_radius(theme::CARD_RADIUS)
        .inner_margin(egui::Margin::symmetric(12, 8))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                ui.label(
                    RichText::new(format!(
                        "{} {}",
                        theme::verdict_icon(report.verdict),
                        report.verdict.word()
                    ))
                    .size(22.0)
                    .strong()
                    .color(colour),
                );
                ui.add_space(6.0);
                let subject = report
                    .subject
                    .as_deref()
                    .filter(|s| !s.is_empty())
                    .unwrap_or("(no subject)");
                ui.add(egui::Label::new(RichText::new(subject).size(16.0).strong()).truncate());
            });
            if tab != Tab::Verdict {
                ui.horizontal(|ui| {
                    let why = if report.verdict == Verdict::Ok {
                        "Why it looks fine:"
                    } else {
                        "Why, and what to do now:"
                    };
                    if ui.link(why).clicked() {
                        commands.push(Command::SelectTab(Tab::Verdict));
                    }
                    ui.add(egui::Label::new(report.headline.as_str()).truncate())
                        .on_hover_text(&report.headline);
                });
            }
        });
}

/// A short summary for each part of the report, with a way into it.
fn glance_ui(ui: &mut egui::Ui, report: &Report, commands: &mut Vec<Command>) {
    let palette = Palette::of(ui.visuals());
    ui.label(
        RichText::new("At a glance")
            .size(theme::HEADING_SIZE)
            .strong(),
    );
    egui::Grid::new("glance")
        .num_columns(2)
        .spacing([16.0, 8.0])
        .show(ui, |ui| {
            let from = report
                .identity
                .from
                .as_ref()
                .map(|m| match (&m.display_name, &m.address) {
                    (Some(n), Some(a)) => format!("\"{n}\" <{a}>"),
                    (None, Some(a)) => a.clone(),
                    (Some(n), None) => n.clone(),
                    (None, None) => "(empty)".into(),
                })
                .unwrap_or_else(|| "(no From line)".into());
            ui.label(RichText::new("Claims to be from").strong());
            // The value and its way in wrap together, so a long value never pushes the
            // link out of the window.
            ui.horizontal_wrapped(|ui| {
                ui.label(from);
                if ui.link("See the sender").clicked() {
                    commands.push(Command::SelectTab(Tab::Message));
                }
            });
            ui.end_row();

            let path = &report.path;
            ui.label(RichText::new("Route").strong());
            let route = match (&path.connecting_ip, path.hops.len()) {
                (_, 0) => "No record of the route (no Received lines)".to_string(),
                (Some(ip), n) => format!(
                    "{n} {}; reached your organisation from {ip}",
                    if n == 1 { "step" } else { "steps" }
                ),
                (None, n) => format!("{n} {}", if n == 1 { "step" } else { "steps" }),
            };
            ui.horizontal_wrapped(|ui| {
                ui.label(route);
                if ui.link("See the path").clicked() {
                    commands.push(Command::SelectTab(Tab::Path));
                }
            });
            ui.end_row();

            ui.label(RichText::new("Proof of sender").strong());
            ui.vertical(|ui| {
                let (proven, _) = crate::analysis::sender::proof_words(report);
                let words = crate::analysis::sender::proof_sentence(report);
                let (icon, colour) = match (proven, report.verdict) {
                    (true, crate::analysis::Verdict::Ok) => ("✔", palette.ok),
                    // Proof of a domain is not proof of an identity: an impostor can prove
                    // its own look-alike domain. Beside a warning it is said, not praised.
                    (true, _) => ("✔", ui.visuals().text_color()),
                    (false, _) => ("⚠", palette.caution),
                };
                ui.label(RichText::new(format!("{icon} {words}")).color(colour));
                // The three results behind it, for IT: each stays on one line.
                ui.horizontal_wrapped(|ui| {
                    for (name, o) in [
                        ("SPF", &report.auth.spf),
                        ("DKIM", &report.auth.dkim),
                        ("DMARC", &report.auth.dmarc),
                    ] {
                        ui.add(
                            egui::Label::new(
                                RichText::new(format!(
                                    "{} {name}: {}",
                                    theme::auth_icon(o.result),
                                    theme::auth_word(o.result)
                                ))
                                .small()
                                .color(palette.auth(o.result)),
                            )
                            .wrap_mode(egui::TextWrapMode::Extend),
                        );
                    }
                    if ui.link("See the details").clicked() {
                        commands.push(Command::SelectTab(Tab::Authentication));
                    }
                });
            });
            ui.end_row();

            let flagged = report
                .checks
                .iter()
                .filter(|c| {
                    matches!(
                        c.outcome,
                        crate::analysis::Outcome::Warn | crate::analysis::Outcome::Fail
                    )
                })
                .count();
            let passed = report
                .checks
                .iter()
                .filter(|c| c.outcome == crate::analysis::Outcome::Pass)
                .count();
            ui.label(RichText::new("Checklist").strong());
            ui.horizontal_wrapped(|ui| {
                ui.label(format!("{flagged} to look at, {passed} fine"));
                if ui.link("See the checklist").clicked() {
                    commands.push(Command::SelectTab(Tab::Checklist));
                }
            });
            ui.end_row();

            ui.label(RichText::new("Links and attachments").strong());
            ui.horizontal_wrapped(|ui| {
                ui.label(format!(
                    "{} {}, {} {}",
                    report.content.links.len(),
                    if report.content.links.len() == 1 {
                        "link"
                    } else {
                        "links"
                    },
                    report.attachments.len(),
                    if report.attachments.len() == 1 {
                        "attachment"
                    } else {
                        "attachments"
                    }
                ));
                if ui.link("See links and attachments").clicked() {
                    commands.push(Command::SelectTab(Tab::Message));
                }
            });
            ui.end_row();
        });
    for hit in &report.limits {
        ui.label(RichText::new(format!("⚠ {}", hit.text())).color(palette.caution));
    }
    for note in &report.notes {
        ui.label(RichText::new(format!("ℹ {note}")).color(palette.muted));
    }
    ui.add_space(theme::SECTION_GAP);
    ui.horizontal_wrapped(|ui| {
        if ui
            .button("📋 Copy report for IT")
            .on_hover_text(
                "Puts this report on the clipboard as plain text, to paste into an email or ticket",
            )
            .clicked()
        {
            commands.push(Command::CopyReport { json: false });
        }
        if ui
            .button("📋 Copy as JSON")
            .on_hover_text("The same report as JSON, for scripts and ticket systems")
            .clicked()
        {
            commands.push(Command::CopyReport { json: true });
        }
    });
}

/// Colour + icon + word, the headline, the top reasons, good news and what to do now.
fn banner_ui(ui: &mut egui::Ui, report: &Report, commands: &mut Vec<Command>) {
    let palette = Palette::of(ui.visuals());
    let colour = palette.verdict(report.verdict);
    egui::Frame::new()
        .fill(palette.verdict_bg(report.verdict))
        .stroke(egui::Stroke::new(1.5, colour))
        .corner_radius(theme::CARD_RADIUS)
        .inner_margin(theme::CARD_MARGIN)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            // The verdict word and icon sit in the strip above; the banner leads with why.
            ui.label(
                RichText::new(&report.headline)
                    .size(theme::HEADING_SIZE)
                    .strong()
                    .color(ui.visuals().strong_text_color()),
            );
            let reasons: Vec<_> = report
                .reasons
                .iter()
                .filter_map(|id| report.checks.iter().find(|c| &c.id == id))
                .collect();
            if !reasons.is_empty() {
                ui.add_space(4.0);
                ui.label(RichText::new(crate::report::reasons_heading(report.verdict)).strong());
                for check in reasons {
                    ui.horizontal_wrapped(|ui| {
                        ui.label(
                            RichText::new(theme::outcome_icon(check.outcome))
                                .color(palette.outcome(check.outcome)),
                        );
                        let r = ui
                            .link(RichText::new(check.title.as_ref()).strong())
                            .on_hover_text("Open the explanation in the checklist");
                        if r.clicked() {
                            commands.push(Command::SelectTab(Tab::Checklist));
                            commands.push(Command::SelectCheck(Some(check.id.to_string())));
                        }
                        theme::grade_chip(ui, check.grade);
                        ui.label(&check.summary);
                    });
                }
                if report.verdict != Verdict::Ok && !report.basis.is_empty() {
                    ui.add_space(2.0);
                    ui.label(RichText::new(&report.basis).italics());
                }
            }
            let good: Vec<_> = report
                .good_news
                .iter()
                .filter_map(|id| report.checks.iter().find(|c| &c.id == id))
                .collect();
            if !good.is_empty() {
                ui.add_space(4.0);
                ui.label(RichText::new("Good news").strong());
                for check in good {
                    ui.horizontal_wrapped(|ui| {
                        ui.label(RichText::new("✔").color(palette.ok));
                        ui.label(RichText::new(check.title.as_ref()).strong());
                        ui.label(&check.summary);
                    });
                }
            }
            if report.verdict != Verdict::Ok {
                ui.add_space(6.0);
                what_to_do_ui(ui, report.verdict);
            }
        });
}

/// "Did you already…": what the person did decides what they must do next, in which order;
/// the answers go into the report to IT.
fn response_ui(
    ui: &mut egui::Ui,
    report: &Report,
    view: &mut super::EntryUi,
    profile: Option<&crate::profile::Profile>,
    commands: &mut Vec<Command>,
) {
    use crate::report::incident::{steps, Question};
    egui::Frame::group(ui.style())
        .corner_radius(theme::CARD_RADIUS)
        .inner_margin(theme::CARD_MARGIN)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(
                RichText::new("Did you already…")
                    .size(theme::HEADING_SIZE)
                    .strong(),
            );
            let answers = &mut view.answers;
            ui.horizontal_wrapped(|ui| {
                for q in Question::ALL {
                    ui.checkbox(answers.get_mut(q), q.text());
                }
            });
            ui.add_space(6.0);
            ui.label(RichText::new("Your next steps, in this order").strong());
            for (i, step) in steps(answers, report, profile).iter().enumerate() {
                ui.label(format!("{}. {step}", i + 1));
            }
            ui.add_space(6.0);
            ui.horizontal_wrapped(|ui| {
                if ui
                    .button("📨 Report to IT…")
                    .on_hover_text(
                        "Saves a message for you to send to IT: your answers, the verdict and the \
                         original attached unchanged. Nothing is sent by mailsleuth",
                    )
                    .clicked()
                {
                    commands.push(Command::SaveReport { html: false });
                }
                if ui
                    .button("💾 Save report…")
                    .on_hover_text(
                        "Saves the report as one web page you can print or attach: it loads nothing",
                    )
                    .clicked()
                {
                    commands.push(Command::SaveReport { html: true });
                }
                ui.checkbox(&mut view.redact, "hide my own address in the page");
            });
        });
}

fn what_to_do_ui(ui: &mut egui::Ui, verdict: Verdict) {
    ui.label(RichText::new("What to do now").strong());
    let steps: &[&str] = match verdict {
        Verdict::Danger => &[
            "Don't click links, open attachments or reply",
            "If it asks for money, passwords or codes, check with the sender on a phone number you already have — not one from this message",
            "Report it to your IT or security team, then delete it",
        ],
        Verdict::Caution | Verdict::Ok => &[
            "Don't act on it yet: don't click links or open attachments until you are sure",
            "Check with the sender on a phone number or address you already have",
            "If in doubt, ask your IT or security team",
        ],
    };
    for step in steps {
        ui.label(format!("• {step}"));
    }
}

/// Where the live re-check of the selected message stands (shown in the status bar).
pub fn live_status_ui(ui: &mut egui::Ui, live: &LiveState, settings: &Settings) {
    let palette = Palette::of(ui.visuals());
    ui.horizontal(|ui| match live {
        LiveState::Pending | LiveState::Running => {
            ui.add(egui::Spinner::new().size(14.0));
            ui.label(RichText::new(
                "Re-checking now… until the live check answers, the verdict comes from what the message recorded at delivery",
            ));
        }
        LiveState::Off => {
            let text = if settings.offline {
                "Offline mode: judged only on what the message recorded at delivery"
            } else {
                "Live checks did not run for this message"
            };
            ui.label(RichText::new(format!("✈ {text}")).color(palette.muted));
        }
        LiveState::Done => {
            ui.label(
                RichText::new("🌐 Authentication re-checked now over DNS; see Authentication for what changed")
                    .color(palette.muted),
            );
        }
        LiveState::Failed(reason) => {
            ui.label(
                RichText::new(format!("⚠ Live check could not run: {reason}"))
                    .color(palette.caution),
            );
        }
    });
}

fn tabs_ui(ui: &mut egui::Ui, current: Tab, commands: &mut Vec<Command>) {
    ui.horizontal_wrapped(|ui| {
        for tab in Tab::ALL {
            let text = RichText::new(tab.label()).size(15.0);
            let r = ui.add(egui::Button::selectable(current == tab, text));
            r.widget_info(|| {
                egui::WidgetInfo::selected(egui::Role::Tab, true, current == tab, tab.label())
            });
            if r.clicked() {
                commands.push(Command::SelectTab(tab));
            }
        }
    });
}
