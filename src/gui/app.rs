//! The app's state: the persisted [`Settings`] kept apart from the session (opened
//! messages, background jobs, dialogs, training screens); restored in
//! [`MailsleuthApp::new`], saved in `save`.

use std::path::PathBuf;
use std::sync::mpsc::Receiver;
use std::sync::Arc;
use std::time::Instant;

use super::entry::{Entry, EntryState, LiveState};
use super::{
    folders, gallery, jobs, list, presenter, quiz, settings, theme, Command, EntryId, Settings,
    ICON_PNG,
};
use crate::analysis::Options;
use crate::profile::Profile;

/// Where a report was saved, or why not; `None` when no file was chosen.
pub(super) type ReportSaved = Receiver<Option<Result<PathBuf, String>>>;

/// Which main view is showing. Training views are added here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// The drop zone, open/paste buttons and the sample card.
    Welcome,
    /// The report of one opened message.
    Message(EntryId),
    /// The "Spot it first" quiz.
    Quiz,
    /// The full-screen presenter view for trainers.
    Presenter,
}

/// A dialog over the main view.
#[derive(Debug)]
pub(super) enum Dialog {
    Settings(Settings),
    Paste(String),
}

/// The mailsleuth app.
///
/// `settings` is the persisted state (restored before [`MailsleuthApp::new`], saved in
/// `save`); every other field is session state, gone when the window closes.
pub struct MailsleuthApp {
    /// Persisted: offline mode, DNS server, theme, text size.
    pub(super) settings: Settings,
    // Session state from here on.
    /// The opened messages, in list order.
    pub(super) entries: Vec<Entry>,
    /// The view showing now.
    pub(super) view: View,
    /// The id the next opened message gets.
    pub(super) next_id: EntryId,
    /// Worker threads for analysis and live re-checks.
    pub(super) jobs: jobs::Jobs,
    /// The dialog over the main view, if any.
    pub(super) dialog: Option<Dialog>,
    /// A one-line note shown at the top (e.g. no file dialog could be shown).
    pub(super) note: Option<String>,
    /// The native open dialog running on its own thread, and when it started.
    pub(super) open_dialog: Option<(Receiver<Option<Vec<PathBuf>>>, Instant)>,
    /// The zoom factor last applied for the text size.
    pub(super) applied_zoom: Option<f32>,
    /// The training scenarios (the built-in gallery).
    pub(super) gallery: Vec<crate::training::Scenario>,
    /// The quiz round, while the quiz is open.
    pub(super) quiz: Option<quiz::QuizScreen>,
    /// The presentation, while the presenter view is open.
    pub(super) presenter: Option<presenter::PresenterScreen>,
    /// The dialog for a trainer's own scenario folder.
    pub(super) folder_picker: gallery::FolderPicker,
    /// The app icon as a texture, for the welcome view.
    pub(super) logo: Option<egui::TextureHandle>,
    /// The window title last sent, so it is only sent when it changes.
    pub(super) title: String,
    /// Folders being listed on background threads.
    pub(super) folder_scans: Vec<Receiver<folders::FolderScan>>,
    /// The organisation profile in use (from Settings, else the system-wide one).
    pub(super) profile: Option<Arc<Profile>>,
    /// The file dialog choosing a profile, while it runs.
    pub(super) profile_dialog: Option<(Receiver<Option<PathBuf>>, Instant)>,
    /// Open messages being judged again (after the profile changed), as they arrive.
    pub(super) rejudged: Option<Receiver<(EntryId, crate::analysis::Report)>>,
    /// The file dialog saving a report (and whether it is the HTML page), while it runs.
    pub(super) report_dialog: Option<(ReportSaved, Instant, bool)>,
}

/// Reads the saved settings; if they cannot be read, says so and uses the defaults.
pub(super) fn restore_settings(storage: Option<&dyn eframe::Storage>) -> Settings {
    let Some(storage) = storage else {
        return Settings::default();
    };
    match storage.get_string(settings::STORAGE_KEY) {
        None => Settings::default(),
        Some(text) => match serde_json::from_str(&text) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("mailsleuth: saved settings could not be read ({e}); using defaults");
                Settings::default()
            }
        },
    }
}

/// Decodes the compiled-in icon into a texture (None if it cannot be decoded).
fn load_logo(ctx: &egui::Context) -> Option<egui::TextureHandle> {
    let icon = eframe::icon_data::from_png_bytes(ICON_PNG).ok()?;
    let (w, h) = (icon.width as usize, icon.height as usize);
    // from_rgba_unmultiplied insists on exactly w*h pixels.
    if icon.rgba.len() != w * h * 4 {
        return None;
    }
    let image = egui::ColorImage::from_rgba_unmultiplied([w, h], &icon.rgba);
    Some(ctx.load_texture("mailsleuth-logo", image, egui::TextureOptions::LINEAR))
}

impl MailsleuthApp {
    /// Creates the app with `settings`, opening `files` (if any) at once.
    pub fn new(cc: &eframe::CreationContext<'_>, settings: Settings, files: Vec<PathBuf>) -> Self {
        theme::apply_style(&cc.egui_ctx);
        cc.egui_ctx.set_theme(settings.theme.preference());
        let mut app = MailsleuthApp {
            settings,
            entries: Vec::new(),
            view: View::Welcome,
            next_id: 1,
            jobs: jobs::Jobs::start(&cc.egui_ctx),
            dialog: None,
            note: None,
            open_dialog: None,
            applied_zoom: None,
            gallery: crate::training::gallery(),
            quiz: None,
            presenter: None,
            folder_picker: gallery::FolderPicker::default(),
            logo: load_logo(&cc.egui_ctx),
            title: "mailsleuth".into(),
            folder_scans: Vec::new(),
            profile: None,
            profile_dialog: None,
            report_dialog: None,
            rejudged: None,
        };
        if let Err(why) = app.load_profile() {
            app.note = Some(why);
        }
        if app.offline_by_policy() {
            app.settings.offline = true;
        }
        if !files.is_empty() {
            app.run_command(&cc.egui_ctx, Command::OpenPaths(files));
        }
        app
    }

    /// Loads the profile the settings name, else the system-wide one, else none. On a
    /// problem no profile is used and the reason (with the file's line) is returned.
    pub(super) fn load_profile(&mut self) -> Result<(), String> {
        let named = self.settings.profile_path.trim();
        let named = (!named.is_empty()).then(|| PathBuf::from(named));
        match crate::cli::profile_for(named.as_deref()) {
            Ok(p) => {
                self.profile = p;
                Ok(())
            }
            Err(e) => {
                self.profile = None;
                Err(format!("The organisation profile is not used: {e}"))
            }
        }
    }

    /// Options for analysing a message now: the clock, and the profile in use.
    pub(super) fn analysis_options(&self) -> Options {
        let opts = Options::with_clock();
        match &self.profile {
            Some(p) => opts.with_profile(Arc::clone(p)),
            None => opts,
        }
    }

    /// The profile in use turns live checks off.
    pub(super) fn offline_by_policy(&self) -> bool {
        self.profile
            .as_ref()
            .is_some_and(|p| p.offline == Some(true))
    }

    /// The organisation profile in use, if any.
    pub fn profile(&self) -> Option<&Profile> {
        self.profile.as_deref()
    }

    /// The current settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The opened messages, in list order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The view showing now.
    pub fn view(&self) -> View {
        self.view
    }

    /// True while any message is still being read, analysed or re-checked.
    pub fn is_busy(&self) -> bool {
        !self.folder_scans.is_empty()
            || self.rejudged.is_some()
            || self.entries.iter().any(|e| {
                matches!(e.state, EntryState::Loading)
                    || e.more
                    || matches!(e.live, LiveState::Running | LiveState::Pending)
            })
    }

    /// Names the selected message in the window title (task bars, window switchers).
    pub(super) fn update_title(&mut self, ctx: &egui::Context) {
        let subject = match self.view {
            View::Message(id) => self.entries.iter().find(|e| e.id == id).map(|e| {
                e.report()
                    .and_then(|r| r.subject.clone())
                    .unwrap_or_else(|| e.name.clone())
            }),
            View::Welcome | View::Quiz | View::Presenter => None,
        };
        let title = match subject {
            // The subject is the sender's text: no control characters, and not too long.
            Some(s) => {
                let clean: String = s.chars().filter(|c| !c.is_control()).collect();
                format!("{} — mailsleuth", list::shorten(clean.trim(), 80))
            }
            None => "mailsleuth".into(),
        };
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }

    /// Keeps the theme and text size as the settings say. The theme is compared every
    /// frame because restored egui memory may bring back an older preference.
    pub(super) fn apply_appearance(&mut self, ctx: &egui::Context) {
        let zoom = self.settings.text_size.zoom();
        if self.applied_zoom != Some(zoom) {
            ctx.set_zoom_factor(zoom);
            self.applied_zoom = Some(zoom);
        }
        let theme = self.settings.theme.preference();
        if ctx.options(|o| o.theme_preference) != theme {
            ctx.set_theme(theme);
        }
    }
}

impl eframe::App for MailsleuthApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.app_ui(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        match serde_json::to_string(&self.settings) {
            Ok(text) => storage.set_string(settings::STORAGE_KEY, text),
            Err(e) => eprintln!("mailsleuth: settings could not be saved: {e}"),
        }
    }
}
