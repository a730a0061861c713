//! A safe view of the message: sender, subject, plain text, every link's real destination,
//! and attachments with their risks. Nothing is rendered as HTML, fetched, opened or run.

use egui::RichText;

use super::theme::{self, Palette};
use super::EntryUi;
use crate::analysis::{CheckResult, Content, Location, Mailbox, Outcome, Report};

/// Draws the message tab.
pub fn message_tab_ui(ui: &mut egui::Ui, report: &Report, state: &mut EntryUi) {
    let palette = Palette::of(ui.visuals());
    let lit = super::checklist::evidence_locations(report, state);
    let scroll_to = state.scroll_to.take();
    egui::ScrollArea::vertical()
        .id_salt("message")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.label(
                RichText::new(
                    "🛡 Safe view: only the text is shown. Images are not loaded, nothing runs, and \
                     links and attachments cannot be opened from here",
                )
                .color(palette.muted),
            );
            ui.add_space(4.0);
            egui::Grid::new("message-fields")
                .num_columns(2)
                .spacing([16.0, 4.0])
                .show(ui, |ui| {
                    let id = &report.identity;
                    ui.label(RichText::new("From").strong());
                    ui.label(mailbox_text(id.from.as_ref()));
                    ui.end_row();
                    if !id.reply_to.is_empty() {
                        ui.label(RichText::new("Replies go to").strong());
                        let list: Vec<String> =
                            id.reply_to.iter().map(|m| mailbox_text(Some(m))).collect();
                        ui.label(list.join(", "));
                        ui.end_row();
                    }
                    if let Some(rp) = &id.return_path {
                        ui.label(RichText::new("Bounces go to").strong())
                            .on_hover_text("The envelope sender (Return-Path): where undeliverable-mail notices go");
                        ui.label(mailbox_text(Some(rp)));
                        ui.end_row();
                    }
                    ui.label(RichText::new("Subject").strong());
                    ui.label(report.subject.as_deref().unwrap_or("(no subject)"));
                    ui.end_row();
                    if let Some(d) = &id.date_raw {
                        ui.label(RichText::new("Date").strong());
                        ui.label(d);
                        ui.end_row();
                    }
                    ui.label(RichText::new("Size").strong());
                    ui.label(crate::load::human_size(report.size_bytes as u64));
                    ui.end_row();
                    ui.label(RichText::new("What it is").strong()).on_hover_text(
                        "The kind of mail, from its structure and headers, and whether its \
                         authentication proves the sender's domain",
                    );
                    ui.label(crate::analysis::sender::describe(report));
                    ui.end_row();
                });
            ui.add_space(theme::SECTION_GAP);

            if bodyless(report) {
                // Three "has no…" lines would read like findings; the reason is one.
                ui.label(
                    RichText::new("Text, links and attachments")
                        .size(theme::HEADING_SIZE)
                        .strong(),
                );
                ui.label(
                    "There is nothing below the headers: only the headers were pasted or saved, \
                     or the message has no body. The sender, the path and the authentication \
                     are all judged from the headers; to check the text, links and attachments \
                     too, save the whole message (an .eml file) and open that",
                );
                return;
            }
            links_ui(ui, &palette, report, &lit, scroll_to.as_ref());
            ui.add_space(theme::SECTION_GAP);
            attachments_ui(ui, &palette, report, &lit, scroll_to.as_ref());
            ui.add_space(theme::SECTION_GAP);
            let body_lit = lit.iter().any(|l| matches!(l, Location::Body));
            ui.label(RichText::new("Text").size(theme::HEADING_SIZE).strong());
            let text = text_version_ui(ui, &palette, &report.content);
            let frame = egui::Frame::new()
                .fill(if body_lit {
                    palette.highlight_bg
                } else {
                    ui.visuals().extreme_bg_color
                })
                .corner_radius(6)
                .inner_margin(10);
            let body = frame.show(ui, |ui| {
                ui.set_width(ui.available_width());
                if text.trim().is_empty() {
                    ui.label(RichText::new("(this message has no text)").color(palette.muted));
                } else {
                    ui.add(
                        egui::Label::new(RichText::new(text).size(14.0))
                            .selectable(true)
                            .wrap(),
                    );
                }
            });
            if matches!(scroll_to, Some(Location::Body)) {
                body.response.scroll_to_me(Some(egui::Align::TOP));
            }
            ui.add_space(theme::SECTION_GAP);
        });
}

/// Says which version of the text is shown and, when the plain-text and HTML versions
/// say different things, lets the reader switch between them (the HTML one first: it is
/// what mail programs show). Returns the text to show.
fn text_version_ui<'a>(ui: &mut egui::Ui, palette: &Palette, content: &'a Content) -> &'a str {
    if !content.versions_differ {
        if content.text_from_html {
            ui.label(
                RichText::new("Taken from the HTML version, with all formatting removed")
                    .small()
                    .color(palette.muted),
            );
        }
        return &content.text;
    }
    let (html, plain) = if content.text_from_html {
        (content.text.as_str(), content.other_text.as_str())
    } else {
        (content.other_text.as_str(), content.text.as_str())
    };
    ui.label(
        RichText::new(
            "⚠ This message has two versions that do not say the same thing: an HTML version, \
             which mail programs show, and a plain-text version. Senders sometimes ship a \
             short or outdated plain-text copy; a lure can also sit in the HTML next to an \
             unrelated plain text, so read the one your mail program shows",
        )
        .color(palette.caution),
    );
    let id = ui.scope_id().with("text-version");
    let mut show_plain: bool = ui.data(|d| d.get_temp(id)).unwrap_or(false);
    ui.horizontal(|ui| {
        ui.selectable_value(
            &mut show_plain,
            false,
            "HTML version (what your mail program shows, formatting removed)",
        );
        ui.selectable_value(&mut show_plain, true, "Plain-text version");
    });
    ui.data_mut(|d| d.insert_temp(id, show_plain));
    if show_plain {
        plain
    } else {
        html
    }
}

/// Nothing below the headers: no text, no HTML, no link, no picture, no attachment.
fn bodyless(report: &Report) -> bool {
    let c = &report.content;
    c.text.trim().is_empty()
        && !c.has_html
        && c.links.is_empty()
        && c.images == 0
        && c.forms == 0
        && report.attachments.is_empty()
}

fn mailbox_text(m: Option<&Mailbox>) -> String {
    let Some(m) = m else {
        return "(none)".into();
    };
    match (&m.display_name, &m.address) {
        (Some(n), Some(a)) => format!("\"{n}\" <{a}>"),
        (None, Some(a)) => a.clone(),
        (Some(n), None) => format!("\"{n}\" (no address)"),
        (None, None) => "(empty)".into(),
    }
}

/// The warn/fail checks whose evidence points at `location`.
fn flags_for<'a>(report: &'a Report, location: &Location) -> Vec<&'a CheckResult> {
    report
        .checks
        .iter()
        .filter(|c| matches!(c.outcome, Outcome::Warn | Outcome::Fail))
        .filter(|c| c.evidence.iter().any(|e| &e.location == location))
        .collect()
}

/// A card for one link or attachment: highlighted when a selected check points at it,
/// and scrolled into view when the reader jumps to it.
fn evidence_card_ui(
    ui: &mut egui::Ui,
    palette: &Palette,
    here: &Location,
    lit: &[&Location],
    scroll_to: Option<&Location>,
    body: impl FnOnce(&mut egui::Ui),
) {
    let fill = if lit.contains(&here) {
        palette.highlight_bg
    } else {
        palette.card_bg
    };
    let card = egui::Frame::new()
        .fill(fill)
        .corner_radius(6)
        .inner_margin(8)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            body(ui);
        });
    if scroll_to == Some(here) {
        card.response.scroll_to_me(Some(egui::Align::Center));
    }
    ui.add_space(4.0);
}

fn links_ui(
    ui: &mut egui::Ui,
    palette: &Palette,
    report: &Report,
    lit: &[&Location],
    scroll_to: Option<&Location>,
) {
    let links = &report.content.links;
    ui.label(
        RichText::new(format!("Links ({})", links.len()))
            .size(theme::HEADING_SIZE)
            .strong(),
    );
    if links.is_empty() {
        ui.label("This message has no links");
        return;
    }
    ui.label("What each link says, and where it really goes. Links cannot be opened from here");
    for (i, link) in links.iter().enumerate() {
        let here = Location::Link { index: i };
        let flags = flags_for(report, &here);
        evidence_card_ui(ui, palette, &here, lit, scroll_to, |ui| {
            let shown = if let Some(file) = link.in_attachment.as_deref() {
                format!("(a link inside the attachment {file})")
            } else if link.shown_text.is_empty() {
                "(no visible text: an image or an empty link)".to_string()
            } else {
                super::list::shorten(&link.shown_text, 200)
            };
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(format!("{}.", i + 1)).strong());
                ui.label("Says:");
                ui.label(RichText::new(shown).italics());
            });
            ui.horizontal_wrapped(|ui| {
                ui.label("Really goes to:");
                ui.label(
                    RichText::new(
                        link.destination_host
                            .as_deref()
                            .unwrap_or("(no web address)"),
                    )
                    .strong()
                    .monospace(),
                );
                if let Some(wrapper) = link.unwrapped_from.as_deref() {
                    ui.label(
                        RichText::new(format!("(behind your mail filter's {wrapper})"))
                            .color(palette.muted),
                    );
                }
            });
            if let Some(next) = link.redirects_to.as_deref() {
                ui.horizontal_wrapped(|ui| {
                    ui.label("Says it passes you on to:");
                    ui.label(
                        RichText::new(super::list::shorten(next, 200))
                            .monospace()
                            .color(palette.muted),
                    );
                });
            }
            ui.add(
                egui::Label::new(
                    RichText::new(super::list::shorten(&link.href, 400))
                        .small()
                        .monospace()
                        .color(palette.muted),
                )
                .selectable(true)
                .wrap(),
            );
            for c in flags {
                ui.label(
                    RichText::new(format!("{} {}", theme::outcome_icon(c.outcome), c.title))
                        .color(palette.outcome(c.outcome)),
                );
            }
        });
    }
}

fn attachments_ui(
    ui: &mut egui::Ui,
    palette: &Palette,
    report: &Report,
    lit: &[&Location],
    scroll_to: Option<&Location>,
) {
    let atts = &report.attachments;
    ui.label(
        RichText::new(format!("Attachments ({})", atts.len()))
            .size(theme::HEADING_SIZE)
            .strong(),
    );
    if atts.is_empty() {
        ui.label("This message has no attachments");
        return;
    }
    ui.label("Listed only: mailsleuth never opens or saves attachments");
    for (i, a) in atts.iter().enumerate() {
        let here = Location::Attachment { index: i };
        let flags = flags_for(report, &here);
        evidence_card_ui(ui, palette, &here, lit, scroll_to, |ui| {
            ui.horizontal_wrapped(|ui| {
                ui.label(
                    RichText::new(format!(
                        "📎 {}",
                        a.filename.as_deref().unwrap_or("(no name)")
                    ))
                    .strong(),
                );
                ui.label(
                    RichText::new(format!(
                        "{} · {}",
                        a.declared_type,
                        crate::load::human_size(a.size as u64)
                    ))
                    .small(),
                );
            });
            if let Some(sniffed) = &a.sniffed_type {
                ui.label(RichText::new(format!("Its first bytes look like: {sniffed}")).small());
            }
            if !a.archive_members.is_empty() {
                ui.label(RichText::new("Inside the archive:").small());
                for m in a.archive_members.iter().take(50) {
                    ui.label(
                        RichText::new(format!(
                            "  {}{}",
                            m.name,
                            if m.encrypted {
                                " (locked with a password)"
                            } else {
                                ""
                            }
                        ))
                        .monospace()
                        .small(),
                    );
                }
                if a.archive_members.len() > 50 {
                    ui.label(
                        RichText::new(format!("  … and {} more", a.archive_members.len() - 50))
                            .small(),
                    );
                }
            }
            if a.archive_encrypted {
                ui.label(
                        RichText::new("⚠ The archive is locked with a password, so virus scanners cannot look inside")
                            .color(palette.caution),
                    );
            }
            if let Some(e) = &a.archive_error {
                ui.label(RichText::new(format!("The archive could not be listed: {e}")).small());
            }
            if let Some(pdf) = &a.pdf {
                ui.label(RichText::new(pdf_summary(pdf)).small());
            }
            if flags.is_empty() {
                ui.label(
                        RichText::new("✔ No red flags found for this attachment; still, only open what you expected")
                            .small()
                            .color(palette.ok),
                    );
            }
            for c in flags {
                ui.label(
                    RichText::new(format!(
                        "{} {}: {}",
                        theme::outcome_icon(c.outcome),
                        c.title,
                        c.summary
                    ))
                    .color(palette.outcome(c.outcome)),
                );
            }
            ui.label(
                RichText::new(format!("SHA-256 {}", a.sha256))
                    .small()
                    .monospace()
                    .color(palette.muted),
            );
        });
    }
}

/// One line on what a look inside a PDF attachment found.
fn pdf_summary(pdf: &crate::analysis::pdf::PdfFindings) -> String {
    let mut parts: Vec<String> = Vec::new();
    match pdf.links.len() {
        0 => {}
        1 => parts.push("1 web link (listed with the links above)".into()),
        n => parts.push(format!("{n} web links (listed with the links above)")),
    }
    if pdf.javascript {
        parts.push("a script (JavaScript)".into());
    }
    if pdf.launch {
        parts.push("an action that starts a program".into());
    }
    if pdf.embedded_files {
        parts.push("files packed inside".into());
    }
    if parts.is_empty() {
        return if pdf.encrypted {
            "Inside the PDF: it is encrypted, so its links cannot be read".into()
        } else {
            "Inside the PDF: no web links, scripts or packed files".into()
        };
    }
    format!("Inside the PDF: {}", parts.join(", "))
}
