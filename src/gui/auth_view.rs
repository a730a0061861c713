//! Authentication: SPF, DKIM, DMARC and ARC as recorded at delivery and as re-checked now.

use egui::RichText;

use super::theme::{self, Palette};
use super::{Command, LiveState};
use crate::analysis::{AuthOutcome, AuthValue, Report};

/// Draws the authentication tab.
pub fn auth_tab_ui(
    ui: &mut egui::Ui,
    report: &Report,
    live_state: &LiveState,
    commands: &mut Vec<Command>,
) {
    let palette = Palette::of(ui.visuals());
    egui::ScrollArea::vertical()
        .id_salt("auth")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.label(
                RichText::new("Proof of sender")
                    .size(theme::HEADING_SIZE)
                    .strong(),
            );
            ui.label(
                "Three checks let a receiving server tell whether a message really comes from \
                 the domain in its From line: SPF (was it sent from a server the domain allows?), \
                 DKIM (does it carry the domain's digital signature?) and DMARC (do those match \
                 the From line, and what does the domain want done if not?). ARC carries results \
                 across forwarding",
            );
            ui.add_space(8.0);
            let auth = &report.auth;
            let live = auth.live.as_ref();
            egui::Grid::new("auth-grid")
                .num_columns(3)
                .striped(true)
                .spacing([24.0, 8.0])
                .min_col_width(200.0)
                .show(ui, |ui| {
                    ui.label(RichText::new("Check").strong());
                    ui.label(RichText::new("Recorded at delivery").strong())
                        .on_hover_text(
                            "What your mail server wrote into the message when it arrived",
                        );
                    ui.label(RichText::new("Re-checked now").strong())
                        .on_hover_text("What mailsleuth finds when it checks again now, over DNS");
                    ui.end_row();
                    let rows: [(&str, &str, Option<&AuthOutcome>, Option<&AuthOutcome>); 4] = [
                        (
                            "SPF",
                            "Sent from an allowed server?",
                            auth.recorded.spf.as_ref(),
                            live.map(|l| &l.spf),
                        ),
                        (
                            "DKIM",
                            "Signed by the domain?",
                            auth.recorded.dkim.as_ref(),
                            live.map(|l| &l.dkim),
                        ),
                        (
                            "DMARC",
                            "Matches the From line?",
                            auth.recorded.dmarc.as_ref(),
                            live.map(|l| &l.dmarc),
                        ),
                        (
                            "ARC",
                            "Results kept through forwarding?",
                            auth.recorded.arc.as_ref(),
                            live.map(|l| &l.arc),
                        ),
                    ];
                    for (name, question, recorded, now) in rows {
                        ui.vertical(|ui| {
                            ui.label(RichText::new(name).strong());
                            ui.label(RichText::new(question).small().color(palette.muted));
                        });
                        outcome_cell_ui(ui, &palette, recorded, "not recorded");
                        let missing = match live_state {
                            LiveState::Off => "offline mode",
                            LiveState::Pending | LiveState::Running => "checking…",
                            LiveState::Failed(_) => "could not check",
                            LiveState::Done => "not checked",
                        };
                        outcome_cell_ui(ui, &palette, now, missing);
                        ui.end_row();
                    }
                    if let Some(comp) = auth.recorded.compauth.as_ref() {
                        ui.vertical(|ui| {
                            ui.label(RichText::new("Microsoft compauth").strong());
                            ui.label(
                                RichText::new("Microsoft's combined verdict")
                                    .small()
                                    .color(palette.muted),
                            );
                        });
                        outcome_cell_ui(ui, &palette, Some(comp), "not recorded");
                        ui.label(RichText::new("–").color(palette.muted));
                        ui.end_row();
                    }
                });
            ui.add_space(8.0);
            recheck_ui(ui, &palette, live_state, commands);
            if let Some(p) = auth.recorded.dmarc_policy.as_deref() {
                ui.label(format!(
                    "DMARC policy recorded at delivery: {}",
                    policy_words(p)
                ));
            }
            if let Some(live) = live {
                if let Some(p) = live.dmarc_policy.as_deref() {
                    ui.label(format!(
                        "DMARC policy the From domain publishes now: {}",
                        policy_words(p)
                    ));
                }
                if let Some(a) = &live.alignment {
                    ui.label(format!("Alignment: {a}"));
                }
                if !live.disagreements.is_empty() {
                    ui.add_space(6.0);
                    ui.label(
                        RichText::new("⚠ Recorded and re-checked results differ")
                            .strong()
                            .color(palette.caution),
                    );
                    ui.label(
                        "That is not always bad: domains rotate their signing keys and change \
                         their lists of allowed servers, so an old message can fail today. But a \
                         message that passed nothing at delivery and passes now deserves a look",
                    );
                    for d in &live.disagreements {
                        ui.label(format!("• {d}"));
                    }
                }
                ui.label(
                    RichText::new(format!(
                        "Re-checked with the {} DNS resolver in {} ms",
                        if live.resolver == "system" {
                            "system's".to_string()
                        } else {
                            live.resolver.clone()
                        },
                        live.elapsed_ms
                    ))
                    .small()
                    .color(palette.muted),
                );
            }
            ui.add_space(theme::SECTION_GAP);
            details_ui(ui, &palette, report);
        });
}

fn recheck_ui(
    ui: &mut egui::Ui,
    palette: &Palette,
    live_state: &LiveState,
    commands: &mut Vec<Command>,
) {
    ui.horizontal_wrapped(|ui| match live_state {
        LiveState::Pending | LiveState::Running => {
            ui.add(egui::Spinner::new().size(14.0));
            ui.label("Re-checking now…");
        }
        LiveState::Off => {
            ui.label(
                RichText::new(
                    "Offline mode is on: nothing was re-checked. Turn it off in Settings to \
                     compare with what the domains publish today",
                )
                .color(palette.muted),
            );
        }
        LiveState::Done | LiveState::Failed(_) => {
            if let LiveState::Failed(reason) = live_state {
                ui.label(
                    RichText::new(format!("⚠ The live check could not run: {reason}"))
                        .color(palette.caution),
                );
            }
            if ui
                .button("🔄 Re-check now")
                .on_hover_text("Look up the sender's SPF, DKIM and DMARC records again")
                .clicked()
            {
                commands.push(Command::RecheckSelected);
            }
        }
    });
}

fn policy_words(p: &str) -> String {
    match p.to_ascii_lowercase().as_str() {
        "reject" => "reject (refuse messages that fail)".into(),
        "quarantine" => "quarantine (put failing messages in spam)".into(),
        "none" => "none (only watch; failing messages are still delivered)".into(),
        other => other.to_string(),
    }
}

fn outcome_cell_ui(
    ui: &mut egui::Ui,
    palette: &Palette,
    outcome: Option<&AuthOutcome>,
    missing: &str,
) {
    let Some(o) = outcome.filter(|o| o.result != AuthValue::None || o.domain.is_some()) else {
        ui.label(RichText::new(format!("– {missing}")).color(palette.muted));
        return;
    };
    ui.vertical(|ui| {
        ui.set_max_width(340.0);
        ui.label(
            RichText::new(format!(
                "{} {}",
                theme::auth_icon(o.result),
                theme::auth_word(o.result)
            ))
            .strong()
            .color(palette.auth(o.result)),
        );
        let mut bits = Vec::new();
        if let Some(d) = &o.domain {
            bits.push(d.clone());
        }
        bits.push(format!("result: {}", o.result.as_str()));
        ui.label(RichText::new(bits.join(" · ")).size(12.0).monospace());
        if let Some(detail) = o.detail.as_deref().filter(|d| !d.is_empty()) {
            ui.label(
                RichText::new(super::list::shorten(detail, 160))
                    .small()
                    .color(palette.muted),
            )
            .on_hover_text(detail);
        }
    });
}

fn details_ui(ui: &mut egui::Ui, palette: &Palette, report: &Report) {
    let auth = &report.auth;
    egui::CollapsingHeader::new(format!(
        "Authentication headers in the message ({})",
        auth.results_headers.len() + auth.received_spf.len()
    ))
    .id_salt("auth-headers")
    .show(ui, |ui| {
        if auth.results_headers.is_empty() && auth.received_spf.is_empty() {
            ui.label("None: no server recorded any authentication results in this message");
        }
        for h in &auth.results_headers {
            ui.horizontal_wrapped(|ui| {
                trust_badge(ui, palette, h.trusted);
                ui.label(RichText::new(&h.header_name).strong());
                if let Some(id) = &h.authserv_id {
                    ui.label(RichText::new(format!("by {id}")).small());
                }
            });
            for m in &h.methods {
                ui.label(
                    RichText::new(format!(
                        "  {} {}={} {}",
                        theme::auth_icon(m.result),
                        m.method,
                        m.result_raw,
                        m.props
                            .iter()
                            .map(|(k, v)| format!("{k}={v}"))
                            .collect::<Vec<_>>()
                            .join(" ")
                    ))
                    .monospace()
                    .small(),
                );
            }
        }
        for s in &auth.received_spf {
            ui.horizontal_wrapped(|ui| {
                trust_badge(ui, palette, s.trusted);
                ui.label(RichText::new("Received-SPF").strong());
                ui.label(
                    RichText::new(format!(
                        "{} {}{}",
                        theme::auth_icon(s.result),
                        s.result.as_str(),
                        s.client_ip
                            .as_deref()
                            .map(|ip| format!(" for {ip}"))
                            .unwrap_or_default()
                    ))
                    .monospace()
                    .small(),
                );
            });
        }
    });
    egui::CollapsingHeader::new(format!("DKIM signatures ({})", auth.dkim_signatures.len()))
        .id_salt("dkim-sigs")
        .show(ui, |ui| {
            if auth.dkim_signatures.is_empty() {
                ui.label("The message carries no DKIM signature");
            }
            let live = auth.live.as_ref().map(|l| &l.dkim_signatures);
            for (i, sig) in auth.dkim_signatures.iter().enumerate() {
                let now = live
                    .and_then(|l| l.get(i))
                    .map(|d| {
                        format!(
                            "{} {}",
                            theme::auth_icon(d.result),
                            theme::auth_word(d.result)
                        )
                    })
                    .unwrap_or_else(|| "not re-checked".into());
                ui.label(
                    RichText::new(format!(
                        "d={} s={} a={}  — now: {now}",
                        sig.domain.as_deref().unwrap_or("?"),
                        sig.selector.as_deref().unwrap_or("?"),
                        sig.algorithm.as_deref().unwrap_or("?"),
                    ))
                    .monospace()
                    .small(),
                );
                if !sig.signed_headers.is_empty() {
                    ui.label(
                        RichText::new(format!("  signs: {}", sig.signed_headers.join(", ")))
                            .small()
                            .color(palette.muted),
                    );
                }
            }
        });
    if auth.arc_sets > 0 {
        ui.label(format!(
            "ARC: {} set{} of forwarding seals",
            auth.arc_sets,
            if auth.arc_sets == 1 { "" } else { "s" }
        ));
    }
}

fn trust_badge(ui: &mut egui::Ui, palette: &Palette, trusted: bool) {
    if trusted {
        ui.label(
            RichText::new("🏢 added by your servers")
                .small()
                .color(palette.ok),
        );
    } else {
        ui.label(
            RichText::new("❔ added before your servers — ignored, could be forged")
                .small()
                .color(palette.caution),
        );
    }
}
