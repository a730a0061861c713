//! The egui desktop app: draws a `Report`, never parses; background jobs via channels.
//!
//! Structure: [`MailsleuthApp`] keeps persisted [`Settings`] apart from the session (open
//! messages, background jobs, dialogs). Drawing code lives in `*_ui` functions that read
//! the state and push [`Command`]s; the commands run after the frame is drawn, so no
//! nested closure mutates the app while it is being drawn. New views (training, quiz,
//! presenter) add a [`View`] variant and the commands they need.
//!
//! Module map:
//! - `app`: [`MailsleuthApp`]: persisted settings vs session state, `new`, `save`
//! - `entry`: one opened message ([`Entry`]), opening messages, applying background results
//! - `command`: the [`Command`] enum and running commands after the frame
//! - `layout`: one frame: input, top-level panels, dialogs, drop overlay
//! - `chrome`: the toolbar, status bar, note bar and dialogs
//! - `jobs`: background analysis and live re-checks on worker threads
//! - `folders`: listing dropped or opened folders in the background
//! - `list`: the message list on the left
//! - `welcome`: the start page (drop zone, open/paste buttons, sample, training)
//! - `report_view`: one message's report and its tabs
//! - `checklist`: the red-flag checklist and lessons
//! - `path_view`: the drawn header path
//! - `auth_view`: SPF, DKIM, DMARC and ARC, recorded and re-checked
//! - `message_view`: the safe view of sender, links, attachments and text
//! - `headers_view`: every header, with the glossary
//! - `settings`: the persisted [`Settings`] and the settings dialog
//! - `theme`: design tokens: colours, spacing, icons and words
//! - `gallery`: the training gallery on the start page
//! - `quiz`: the "Spot it first" quiz
//! - `presenter`: the full-screen presenter view for trainers

mod app;
mod auth_view;
mod checklist;
mod chrome;
mod command;
mod entry;
mod folders;
mod headers_view;
mod jobs;
mod layout;
mod list;
mod message_view;
mod path_view;
mod report_view;
pub mod settings;
pub mod theme;
mod welcome;

pub mod gallery;
pub mod presenter;
pub mod quiz;

use std::path::PathBuf;
use std::sync::Arc;

pub use app::{MailsleuthApp, View};
pub use command::Command;
pub use entry::{Entry, EntryState, EntryUi, LiveState, Tab};
pub use jobs::{EntryId, Source};
pub use settings::Settings;

/// The built-in sample message shown on the welcome view.
pub const SAMPLE_EML: &[u8] = include_bytes!("../../assets/welcome.eml");
/// Name shown for the built-in sample in the message list.
pub const SAMPLE_NAME: &str = "Sample: a message from \"Northwind Bank\"";
/// The app icon (256×256 PNG).
const ICON_PNG: &[u8] = include_bytes!("../../assets/icon-256.png");

/// Environment variable that forces offline mode at start, whatever was saved (training
/// rooms, kiosks, tests): set it to anything but empty or `0`.
pub const OFFLINE_ENV: &str = "MAILSLEUTH_OFFLINE";

/// Opens the mailsleuth window with `files` opened (or the welcome view when empty).
pub fn run(files: Vec<PathBuf>) -> anyhow::Result<()> {
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("mailsleuth")
        .with_app_id("mailsleuth")
        .with_inner_size([1200.0, 800.0])
        .with_min_inner_size([860.0, 560.0])
        .with_drag_and_drop(true);
    match eframe::icon_data::from_png_bytes(ICON_PNG) {
        Ok(icon) => viewport = viewport.with_icon(Arc::new(icon)),
        Err(e) => eprintln!("mailsleuth: the app icon could not be decoded: {e}"),
    }
    let options = eframe::NativeOptions {
        viewport,
        ..eframe::NativeOptions::default()
    };
    eframe::run_native(
        "mailsleuth",
        options,
        Box::new(move |cc| {
            let mut settings = app::restore_settings(cc.storage);
            if std::env::var_os(OFFLINE_ENV).is_some_and(|v| !v.is_empty() && v != "0") {
                settings.offline = true;
            }
            Ok(Box::new(MailsleuthApp::new(cc, settings, files)))
        }),
    )
    .map_err(|e| anyhow::anyhow!("could not open the mailsleuth window: {e}"))
}
