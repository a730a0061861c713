//! Persisted settings (offline mode, DNS server, theme, text size) and the settings dialog.

use std::net::{SocketAddr, ToSocketAddrs};

use serde::{Deserialize, Serialize};

use super::Command;

/// Key under which settings are stored by eframe.
pub const STORAGE_KEY: &str = "mailsleuth-settings";

/// Light, dark, or whatever the desktop uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum ThemeChoice {
    /// Follow the desktop's setting.
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl ThemeChoice {
    fn label(self) -> &'static str {
        match self {
            ThemeChoice::System => "Follow system",
            ThemeChoice::Light => "Light",
            ThemeChoice::Dark => "Dark",
        }
    }

    /// The egui preference for this choice.
    pub fn preference(self) -> egui::ThemePreference {
        match self {
            ThemeChoice::System => egui::ThemePreference::System,
            ThemeChoice::Light => egui::ThemePreference::Light,
            ThemeChoice::Dark => egui::ThemePreference::Dark,
        }
    }
}

/// Text size, applied as a zoom of the whole window so layouts stay in proportion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum TextSize {
    /// 90 %.
    Small,
    /// 100 %.
    #[default]
    Normal,
    /// 120 %.
    Large,
    /// 145 %, for presenting or reading at a distance.
    Larger,
}

impl TextSize {
    const ALL: [TextSize; 4] = [
        TextSize::Small,
        TextSize::Normal,
        TextSize::Large,
        TextSize::Larger,
    ];

    fn label(self) -> &'static str {
        match self {
            TextSize::Small => "Small",
            TextSize::Normal => "Normal",
            TextSize::Large => "Large",
            TextSize::Larger => "Larger",
        }
    }

    /// The zoom factor for this size.
    pub fn zoom(self) -> f32 {
        match self {
            TextSize::Small => 0.9,
            TextSize::Normal => 1.0,
            TextSize::Large => 1.2,
            TextSize::Larger => 1.45,
        }
    }
}

/// What the person chose in the settings dialog; saved between runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Never look anything up on the network.
    pub offline: bool,
    /// DNS server for live checks as HOST:PORT; empty = the system's resolver.
    pub dns: String,
    /// Light, dark, or follow the desktop.
    pub theme: ThemeChoice,
    /// How large everything is drawn.
    pub text_size: TextSize,
    /// The organisation profile (profile.toml) to judge with; empty = the system-wide
    /// one of a managed install, if any.
    pub profile_path: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            offline: false,
            dns: String::new(),
            theme: ThemeChoice::System,
            text_size: TextSize::Normal,
            profile_path: String::new(),
        }
    }
}

impl Settings {
    /// Settings for a run that must not touch the network (tests, presentations).
    pub fn offline() -> Settings {
        Settings {
            offline: true,
            ..Settings::default()
        }
    }

    /// The DNS server to use, or a readable problem with what was written.
    pub fn dns_server(&self) -> Result<DnsServer, String> {
        parse_dns(&self.dns)
    }
}

/// A DNS server as the person wrote it, checked for shape only (no lookup happens here:
/// this runs every frame while the dialog is open).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DnsServer {
    /// Use the system's resolver configuration.
    System,
    /// A literal address.
    Addr(SocketAddr),
    /// A host name and port, resolved when a live check starts.
    Named(String, u16),
}

impl DnsServer {
    /// Resolves to a socket address (Ok(None) = system). May block on a lookup: call it off
    /// the UI thread.
    pub fn resolve(&self) -> Result<Option<SocketAddr>, String> {
        match self {
            DnsServer::System => Ok(None),
            DnsServer::Addr(a) => Ok(Some(*a)),
            DnsServer::Named(host, port) => (host.as_str(), *port)
                .to_socket_addrs()
                .map_err(|e| format!("could not find the DNS server {host}: {e}"))?
                .next()
                .map(Some)
                .ok_or_else(|| format!("the DNS server {host} has no address")),
        }
    }
}

/// Parses "HOST:PORT", "IP" or "IP:PORT"; empty or "system" means the system resolver.
pub fn parse_dns(text: &str) -> Result<DnsServer, String> {
    let t = text.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("system") {
        return Ok(DnsServer::System);
    }
    if let Ok(addr) = t.parse::<SocketAddr>() {
        return Ok(DnsServer::Addr(addr));
    }
    if let Ok(ip) = t.parse::<std::net::IpAddr>() {
        return Ok(DnsServer::Addr(SocketAddr::new(ip, 53)));
    }
    let bad = || format!("\"{t}\" is not a server address; write HOST:PORT, e.g. 192.0.2.53:53");
    let Some((host, port)) = t.rsplit_once(':') else {
        return Err(format!(
            "\"{t}\" needs a port, like {t}:53 (or leave it empty for the system's DNS)"
        ));
    };
    let port: u16 = port.parse().map_err(|_| bad())?;
    let host_ok = !host.is_empty()
        && host.len() <= 253
        && host
            .split('.')
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    if !host_ok {
        return Err(bad());
    }
    Ok(DnsServer::Named(host.to_ascii_lowercase(), port))
}

/// The settings dialog. Returns commands (close, apply) to run after the frame.
pub fn settings_ui(ui: &mut egui::Ui, draft: &mut Settings, commands: &mut Vec<Command>) {
    ui.heading("Live checks");
    ui.checkbox(
        &mut draft.offline,
        "Offline mode: never look anything up on the network",
    );
    ui.label(
        egui::RichText::new(
            "Live checks look up the sender's domains in DNS, so a sender watching their DNS \
             could see that the message is being checked. Offline mode turns them off; \
             mailsleuth then judges only what the message itself records",
        )
        .weak(),
    );
    ui.add_space(6.0);
    ui.add_enabled_ui(!draft.offline, |ui| {
        ui.horizontal(|ui| {
            ui.label("DNS server");
            let edit = egui::TextEdit::singleline(&mut draft.dns)
                .hint_text("system")
                .desired_width(220.0);
            ui.add(edit).on_hover_text(
                "HOST:PORT, e.g. 192.0.2.53:53; leave empty to use the system's DNS",
            );
        });
        match parse_dns(&draft.dns) {
            Ok(DnsServer::System) => {
                ui.label(egui::RichText::new("Using the system's DNS settings").small());
            }
            Ok(DnsServer::Addr(addr)) => {
                ui.label(egui::RichText::new(format!("Asking {addr}")).small());
            }
            Ok(DnsServer::Named(host, port)) => {
                ui.label(egui::RichText::new(format!("Asking {host} on port {port}")).small());
            }
            Err(e) => {
                ui.label(egui::RichText::new(format!("⚠ {e}")).small());
            }
        }
    });
    ui.separator();
    ui.heading("Your organisation");
    ui.label(
        egui::RichText::new(
            "A profile from your IT team (profile.toml) names your organisation's people, \
             vendors and mail gateways, so mailsleuth can spot someone pretending to be them",
        )
        .weak(),
    );
    ui.horizontal(|ui| {
        ui.label("Profile");
        let edit = egui::TextEdit::singleline(&mut draft.profile_path)
            .hint_text("path to profile.toml")
            .desired_width(300.0);
        let field = ui.add(edit);
        field.widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Organisation profile file")
        });
        field.on_hover_text(
            "Leave empty to use the system-wide profile of a managed install, if any",
        );
        if ui.button("Choose…").clicked() {
            commands.push(Command::ChooseProfile);
        }
    });
    ui.label(egui::RichText::new(profile_status(ui, &draft.profile_path)).small());
    ui.separator();
    ui.heading("Appearance");
    ui.horizontal(|ui| {
        ui.label("Theme");
        for choice in [ThemeChoice::System, ThemeChoice::Light, ThemeChoice::Dark] {
            ui.selectable_value(&mut draft.theme, choice, choice.label());
        }
    });
    ui.horizontal(|ui| {
        ui.label("Text size");
        for size in TextSize::ALL {
            ui.selectable_value(&mut draft.text_size, size, size.label());
        }
    });
    ui.separator();
    ui.horizontal(|ui| {
        let valid = draft.offline || parse_dns(&draft.dns).is_ok();
        if ui.add_enabled(valid, egui::Button::new("Save")).clicked() {
            commands.push(Command::ApplySettings(draft.clone()));
            commands.push(Command::CloseDialog);
        }
        if ui.button("Cancel").clicked() {
            commands.push(Command::CloseDialog);
        }
    });
}

/// What the profile at `path` (or the system-wide one, when empty) would give, in words.
/// Read once per path while the dialog is open, not every frame.
fn profile_status(ui: &egui::Ui, path: &str) -> String {
    let id = egui::Id::unique("profile-status").with(path);
    if let Some(known) = ui.data(|d| d.get_temp::<String>(id)) {
        return known;
    }
    let path = path.trim();
    let (target, system) = if path.is_empty() {
        (crate::profile::Profile::system_path(), true)
    } else {
        (Some(std::path::PathBuf::from(path)), false)
    };
    let text = match target {
        None => "No profile: mailsleuth judges without knowing your organisation's people, \
                 vendors and gateways"
            .to_string(),
        Some(file) => match crate::profile::Profile::load(&file) {
            Ok(p) if system => format!(
                "✔ {} (the system-wide profile, {})",
                p.describe(),
                file.display()
            ),
            Ok(p) => format!("✔ {}", p.describe()),
            Err(e) => format!("⚠ {e}"),
        },
    };
    ui.data_mut(|d| d.insert_temp(id, text.clone()));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_accepts_ip_port_and_system() {
        assert_eq!(parse_dns(""), Ok(DnsServer::System));
        assert_eq!(parse_dns("System"), Ok(DnsServer::System));
        assert_eq!(
            parse_dns("127.0.0.1:5353"),
            Ok(DnsServer::Addr("127.0.0.1:5353".parse().unwrap()))
        );
        assert_eq!(
            parse_dns("192.0.2.1"),
            Ok(DnsServer::Addr("192.0.2.1:53".parse().unwrap()))
        );
        assert_eq!(
            parse_dns("dns.example.net:5353"),
            Ok(DnsServer::Named("dns.example.net".into(), 5353))
        );
        assert!(parse_dns("not a server").is_err());
        assert!(parse_dns("host:99999").is_err());
    }
}
