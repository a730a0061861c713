//! The egui desktop app: draws a `Report`, never parses; background jobs via channels.
//!
//! Structure: [`MailsleuthApp`] keeps persisted [`Settings`] apart from the session (open
//! messages, background jobs, dialogs). Drawing code lives in `*_ui` functions that read
//! the state and push [`Command`]s; the commands run after the frame is drawn, so no
//! nested closure mutates the app while it is being drawn. New views (training, quiz,
//! presenter) add a [`View`] variant and the commands they need.

mod auth_view;
mod checklist;
mod chrome;
mod folders;
mod headers_view;
mod jobs;
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
use std::sync::mpsc::{self, Receiver};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::analysis::{Location, Options, Report};
use crate::load::LoadError;

pub use jobs::{EntryId, Source};
pub use settings::Settings;

/// The built-in sample message shown on the welcome view.
pub const SAMPLE_EML: &[u8] = include_bytes!("../../assets/welcome.eml");
/// Name shown for the built-in sample in the message list.
pub const SAMPLE_NAME: &str = "Sample: a message from \"Northwind Bank\"";
/// The app icon (256×256 PNG).
const ICON_PNG: &[u8] = include_bytes!("../../assets/icon-256.png");

/// A dialog that returns this fast with nothing chosen was almost certainly never shown
/// (no file-chooser service answered); a person cancelling takes longer.
const DIALOG_NEVER_SHOWN: Duration = Duration::from_millis(1500);

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
            let mut settings = restore_settings(cc.storage);
            if std::env::var_os(OFFLINE_ENV).is_some_and(|v| !v.is_empty() && v != "0") {
                settings.offline = true;
            }
            Ok(Box::new(MailsleuthApp::new(cc, settings, files)))
        }),
    )
    .map_err(|e| anyhow::anyhow!("could not open the mailsleuth window: {e}"))
}

fn restore_settings(storage: Option<&dyn eframe::Storage>) -> Settings {
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

/// The sections of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// The verdict, its reasons and what to do now.
    Verdict,
    /// The red-flag checklist and lessons.
    Checklist,
    /// The drawn header path.
    Path,
    /// SPF, DKIM, DMARC and ARC, recorded and re-checked.
    Authentication,
    /// The safe view of sender, links, attachments and text.
    Message,
    /// Every header, with the glossary.
    Headers,
}

impl Tab {
    /// All tabs, in the order shown.
    pub const ALL: [Tab; 6] = [
        Tab::Verdict,
        Tab::Checklist,
        Tab::Path,
        Tab::Authentication,
        Tab::Message,
        Tab::Headers,
    ];

    /// The tab's label.
    pub fn label(self) -> &'static str {
        match self {
            Tab::Verdict => "Verdict",
            Tab::Checklist => "Checklist",
            Tab::Path => "Path",
            Tab::Authentication => "Authentication",
            Tab::Message => "Message",
            Tab::Headers => "Raw headers",
        }
    }
}

/// Things the UI asks for; run after the frame is drawn.
#[derive(Debug, Clone)]
pub enum Command {
    /// Show the native open-file dialog (off the UI thread).
    OpenFileDialog,
    /// Open files from disk.
    OpenPaths(Vec<PathBuf>),
    /// Open in-memory bytes under a name (pasted text, the sample).
    OpenBytes { name: String, bytes: Arc<[u8]> },
    /// Open the built-in sample.
    OpenSample,
    /// Show a view.
    Show(View),
    /// Close one opened message.
    Close(EntryId),
    /// Switch the report tab of the selected message.
    SelectTab(Tab),
    /// Select a check (its lesson opens) or clear the selection.
    SelectCheck(Option<String>),
    /// Jump to a piece of evidence (switches tab and highlights it).
    ShowEvidence(Location),
    /// Open the paste dialog.
    ShowPaste,
    /// Open the settings dialog.
    ShowSettings,
    /// Save and apply settings.
    ApplySettings(Settings),
    /// Close whatever dialog is open.
    CloseDialog,
    /// Hide the note bar.
    DismissNote,
    /// Start the quiz, present or open a training scenario.
    Training(gallery::GalleryAction),
    /// Run the live re-check of the selected message again (e.g. after changing DNS server).
    RecheckSelected,
    /// Put the selected message's report on the clipboard, as text or as JSON.
    CopyReport { json: bool },
}

/// Where the analysis of one message stands.
#[derive(Debug)]
pub enum EntryState {
    /// Reading and analysing on a background thread.
    Loading,
    /// Analysed.
    Ready(Box<Report>),
    /// Could not be read as an email.
    Failed(LoadError),
}

/// Where the live re-check of one message stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveState {
    /// Not started (waiting for the first report).
    Pending,
    /// Offline mode: live checks are off.
    Off,
    /// Re-checking now.
    Running,
    /// Results merged into the report.
    Done,
    /// The live check could not run.
    Failed(String),
}

/// Per-message view state (tab, selected check, highlighted evidence).
#[derive(Debug, Clone)]
pub struct EntryUi {
    /// The tab showing.
    pub tab: Tab,
    /// The check whose lesson is open.
    pub check: Option<String>,
    /// Evidence to scroll to once, after a jump.
    pub scroll_to: Option<Location>,
}

/// One opened message.
#[derive(Debug)]
pub struct Entry {
    /// Identifies the entry while the app runs.
    pub id: EntryId,
    /// File name or a description ("Pasted message").
    pub name: String,
    /// Loading, analysed or unreadable.
    pub state: EntryState,
    /// Where the live re-check stands.
    pub live: LiveState,
    raw: Option<Arc<[u8]>>,
    /// What the person is looking at in this message.
    pub ui: EntryUi,
}

impl Entry {
    /// The report, once analysed.
    pub fn report(&self) -> Option<&Report> {
        match &self.state {
            EntryState::Ready(r) => Some(r),
            _ => None,
        }
    }
}

/// A dialog over the main view.
#[derive(Debug)]
enum Dialog {
    Settings(Settings),
    Paste(String),
}

/// The mailsleuth app.
pub struct MailsleuthApp {
    settings: Settings,
    entries: Vec<Entry>,
    view: View,
    next_id: EntryId,
    jobs: jobs::Jobs,
    dialog: Option<Dialog>,
    /// A one-line note shown at the top (e.g. no file dialog could be shown).
    note: Option<String>,
    /// The native open dialog running on its own thread, and when it started.
    open_dialog: Option<(Receiver<Option<Vec<PathBuf>>>, Instant)>,
    applied_zoom: Option<f32>,
    /// The training scenarios (the built-in gallery).
    gallery: Vec<crate::training::Scenario>,
    /// The quiz round, while the quiz is open.
    quiz: Option<quiz::QuizScreen>,
    /// The presentation, while the presenter view is open.
    presenter: Option<presenter::PresenterScreen>,
    /// The dialog for a trainer's own scenario folder.
    folder_picker: gallery::FolderPicker,
    /// The app icon as a texture, for the welcome view.
    logo: Option<egui::TextureHandle>,
    /// The window title last sent, so it is only sent when it changes.
    title: String,
    /// Folders being listed on background threads.
    folder_scans: Vec<Receiver<folders::FolderScan>>,
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
        };
        if !files.is_empty() {
            app.run_command(&cc.egui_ctx, Command::OpenPaths(files));
        }
        app
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
            || self.entries.iter().any(|e| {
                matches!(e.state, EntryState::Loading)
                    || matches!(e.live, LiveState::Running | LiveState::Pending)
            })
    }

    /// Opens a dropped file or folder (tests and the drop handler use this).
    pub fn open_dropped(&mut self, ctx: &egui::Context, handle: egui::DroppedFileHandle) {
        let path = handle.path();
        if path.is_dir() {
            self.open_folder(ctx, path.to_path_buf());
            return;
        }
        let name = file_name(path);
        self.add_entry(name, Source::Dropped(handle));
    }

    /// Lists a folder in the background; its files open when the list arrives.
    fn open_folder(&mut self, ctx: &egui::Context, folder: PathBuf) {
        match folders::scan(folder.clone(), ctx.clone()) {
            Ok(rx) => self.folder_scans.push(rx),
            Err(e) => {
                self.note = Some(format!("Could not look into {}: {e}", folder.display()));
            }
        }
    }

    /// Opens the files of folders whose listing has arrived.
    fn poll_folders(&mut self) {
        let mut done = Vec::new();
        let mut pending = Vec::new();
        for rx in std::mem::take(&mut self.folder_scans) {
            match rx.try_recv() {
                Ok(scan) => done.push(scan),
                Err(mpsc::TryRecvError::Empty) => pending.push(rx),
                Err(mpsc::TryRecvError::Disconnected) => {}
            }
        }
        self.folder_scans = pending;
        for scan in done {
            let folder = file_name(&scan.folder);
            if scan.files.is_empty() {
                self.note = Some(match scan.error {
                    Some(e) => format!("Could not look into {folder}: {e}"),
                    None => format!(
                        "The folder {folder} has no files to check (hidden files are skipped)"
                    ),
                });
                continue;
            }
            if scan.truncated {
                self.note = Some(format!(
                    "Opened the first {} files of {folder}. To check a whole mail archive, use \
                     \"mailsleuth check\" on the folder",
                    folders::MAX_FOLDER_FILES
                ));
            } else if let Some(e) = scan.error {
                self.note = Some(format!("Some of {folder} could not be read: {e}"));
            }
            for path in scan.files {
                let name = file_name(&path);
                self.add_entry(name, Source::Path(path));
            }
        }
    }

    /// Opens an already analysed report (a prepared training scenario, or a fixed report in
    /// tests). It has no message bytes, so it cannot be re-checked live.
    pub fn open_report(&mut self, name: impl Into<String>, report: Report) {
        let id = self.next_id;
        self.next_id += 1;
        let live = if report.auth.live.is_some() {
            LiveState::Done
        } else {
            LiveState::Off
        };
        self.entries.push(Entry {
            id,
            name: name.into(),
            state: EntryState::Ready(Box::new(report)),
            live,
            raw: None,
            ui: EntryUi {
                tab: Tab::Verdict,
                check: None,
                scroll_to: None,
            },
        });
        self.view = View::Message(id);
    }

    fn add_entry(&mut self, name: String, source: Source) {
        let id = self.next_id;
        self.next_id += 1;
        let state = match self.jobs.analyse(id, source, Options::with_clock()) {
            Ok(()) => EntryState::Loading,
            Err(reason) => EntryState::Failed(LoadError::Unreadable {
                path: name.clone(),
                reason,
            }),
        };
        self.entries.push(Entry {
            id,
            name,
            state,
            live: LiveState::Pending,
            raw: None,
            ui: EntryUi {
                tab: Tab::Verdict,
                check: None,
                scroll_to: None,
            },
        });
        self.view = View::Message(id);
    }

    fn entry_mut(&mut self, id: EntryId) -> Option<&mut Entry> {
        self.entries.iter_mut().find(|e| e.id == id)
    }

    fn selected_mut(&mut self) -> Option<&mut Entry> {
        match self.view {
            View::Message(id) => self.entry_mut(id),
            View::Welcome | View::Quiz | View::Presenter => None,
        }
    }

    /// Applies finished background work.
    fn poll_jobs(&mut self) {
        for result in self.jobs.poll() {
            match result {
                jobs::JobResult::Analysed { id, raw, result } => {
                    let offline = self.settings.offline;
                    let Some(entry) = self.entry_mut(id) else {
                        continue; // closed while it was being analysed
                    };
                    entry.raw = raw;
                    match result {
                        Ok(report) => {
                            entry.state = EntryState::Ready(report);
                            entry.live = if offline {
                                LiveState::Off
                            } else {
                                LiveState::Pending
                            };
                        }
                        Err(e) => {
                            entry.state = EntryState::Failed(e);
                            entry.live = LiveState::Off;
                        }
                    }
                    self.start_live(id);
                }
                jobs::JobResult::Live { id, report } => {
                    if let Some(entry) = self.entry_mut(id) {
                        entry.state = EntryState::Ready(report);
                        entry.live = LiveState::Done;
                    }
                }
                jobs::JobResult::LiveFailed { id, message } => {
                    if let Some(entry) = self.entry_mut(id) {
                        entry.live = LiveState::Failed(message);
                    }
                }
            }
        }
    }

    /// Starts the live re-check of an analysed message, unless offline.
    fn start_live(&mut self, id: EntryId) {
        if self.settings.offline {
            return;
        }
        let dns = match self.settings.dns_server() {
            Ok(d) => d,
            Err(e) => {
                if let Some(entry) = self.entry_mut(id) {
                    entry.live = LiveState::Failed(format!("the DNS server setting is wrong: {e}"));
                }
                return;
            }
        };
        let Some(entry) = self.entries.iter().find(|e| e.id == id) else {
            return;
        };
        let (Some(report), Some(raw), LiveState::Pending) =
            (entry.report(), &entry.raw, &entry.live)
        else {
            return;
        };
        let queued = self.jobs.live_check(
            id,
            Arc::clone(raw),
            report.clone(),
            dns,
            Options::with_clock(),
        );
        if let Some(entry) = self.entry_mut(id) {
            entry.live = match queued {
                Ok(()) => LiveState::Running,
                Err(e) => LiveState::Failed(e),
            };
        }
    }

    /// Reads drops, pastes and shortcuts for this frame.
    fn handle_input(&mut self, ctx: &egui::Context, commands: &mut Vec<Command>) {
        let dropped: Vec<egui::DroppedFileHandle> = ctx.input(|i| i.raw.dropped_files.clone());
        for handle in dropped {
            self.open_dropped(ctx, handle);
        }
        // A paste belongs to a text field when one has focus; elsewhere it is a message.
        let typing = ctx.text_edit_focused() || self.dialog.is_some();
        if !typing {
            let pasted: Vec<String> = ctx.input(|i| {
                i.events
                    .iter()
                    .filter_map(|e| match e {
                        egui::Event::Paste(text) => Some(text.clone()),
                        _ => None,
                    })
                    .collect()
            });
            for text in pasted {
                if text.trim().is_empty() {
                    self.note = Some("The clipboard holds no text to check".into());
                    continue;
                }
                commands.push(Command::OpenBytes {
                    name: "Pasted message".into(),
                    bytes: Arc::from(text.into_bytes()),
                });
            }
        }
        let open = ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::O));
        if open {
            commands.push(Command::OpenFileDialog);
        }
        if self.dialog.is_none()
            && self.view != View::Presenter
            && ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape))
        {
            if let Some(entry) = self.selected_mut() {
                entry.ui.check = None;
            }
        }
    }

    /// Picks up the result of the native open dialog.
    fn poll_open_dialog(&mut self, commands: &mut Vec<Command>) {
        let Some((rx, started)) = &self.open_dialog else {
            return;
        };
        match rx.try_recv() {
            Ok(Some(paths)) if !paths.is_empty() => {
                commands.push(Command::OpenPaths(paths));
                self.open_dialog = None;
            }
            Ok(_) => {
                if started.elapsed() < DIALOG_NEVER_SHOWN {
                    // Too fast for a person to have cancelled: most likely no file-chooser
                    // service answered. Say so without claiming it for certain.
                    self.note = Some(
                        "No file was opened. If no file dialog appeared, this desktop has no \
                         file-chooser service: drag the message file onto this window, or copy \
                         the message and press Ctrl+V"
                            .into(),
                    );
                }
                self.open_dialog = None;
            }
            Err(mpsc::TryRecvError::Empty) => {}
            Err(mpsc::TryRecvError::Disconnected) => {
                self.note = Some(
                    "The file dialog stopped unexpectedly. Drag the message file onto this \
                     window instead"
                        .into(),
                );
                self.open_dialog = None;
            }
        }
    }

    fn run_command(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::OpenFileDialog => {
                if self.open_dialog.is_some() {
                    return;
                }
                let (tx, rx) = mpsc::channel();
                let repaint = ctx.clone();
                let spawned = std::thread::Builder::new()
                    .name("open-dialog".into())
                    .spawn(move || {
                        let picked = rfd::FileDialog::new()
                            .set_title("Open an email")
                            .add_filter("Email messages", &["eml", "msg", "txt", "mbox"])
                            .add_filter("All files", &["*"])
                            .pick_files();
                        // The app may have closed meanwhile; nothing to tell then.
                        let _ = tx.send(picked);
                        repaint.request_repaint();
                    });
                match spawned {
                    Ok(_) => self.open_dialog = Some((rx, Instant::now())),
                    Err(e) => self.note = Some(format!("The file dialog could not start: {e}")),
                }
            }
            Command::OpenPaths(paths) => {
                for path in paths {
                    if path.is_dir() {
                        self.open_folder(ctx, path);
                        continue;
                    }
                    let name = file_name(&path);
                    self.add_entry(name, Source::Path(path));
                }
            }
            Command::OpenBytes { name, bytes } => self.add_entry(name, Source::Bytes(bytes)),
            Command::OpenSample => {
                self.add_entry(SAMPLE_NAME.into(), Source::Bytes(Arc::from(SAMPLE_EML)));
            }
            Command::Show(view) => self.view = view,
            Command::Close(id) => {
                let pos = self.entries.iter().position(|e| e.id == id);
                self.entries.retain(|e| e.id != id);
                if self.view == View::Message(id) {
                    let next = pos
                        .and_then(|p| self.entries.get(p).or_else(|| self.entries.last()))
                        .map(|e| e.id);
                    self.view = next.map(View::Message).unwrap_or(View::Welcome);
                }
            }
            Command::SelectTab(tab) => {
                if let Some(entry) = self.selected_mut() {
                    entry.ui.tab = tab;
                }
            }
            Command::SelectCheck(check) => {
                if let Some(entry) = self.selected_mut() {
                    entry.ui.check = check;
                }
            }
            Command::ShowEvidence(location) => {
                if let Some(entry) = self.selected_mut() {
                    entry.ui.tab = match location {
                        Location::Header { .. } => Tab::Headers,
                        Location::Hop { .. } => Tab::Path,
                        Location::Body
                        | Location::Link { .. }
                        | Location::Attachment { .. }
                        | Location::Message => Tab::Message,
                    };
                    entry.ui.scroll_to = Some(location);
                }
            }
            Command::ShowPaste => self.dialog = Some(Dialog::Paste(String::new())),
            Command::ShowSettings => self.dialog = Some(Dialog::Settings(self.settings.clone())),
            Command::ApplySettings(new) => {
                let went_online = self.settings.offline && !new.offline;
                ctx.set_theme(new.theme.preference());
                self.settings = new;
                if went_online {
                    let ready: Vec<EntryId> = self
                        .entries
                        .iter()
                        .filter(|e| e.live == LiveState::Off && e.report().is_some())
                        .map(|e| e.id)
                        .collect();
                    for id in ready {
                        if let Some(entry) = self.entry_mut(id) {
                            entry.live = LiveState::Pending;
                        }
                        self.start_live(id);
                    }
                }
            }
            Command::CloseDialog => self.dialog = None,
            Command::DismissNote => self.note = None,
            Command::CopyReport { json } => {
                let Some(entry) = self.selected_mut() else {
                    return;
                };
                let Some(report) = entry.report() else {
                    return;
                };
                let checked = crate::report::Checked {
                    path: entry.name.clone(),
                    group: 0,
                    result: Ok(report.clone()),
                };
                let text = if json {
                    crate::report::json::to_line(&checked)
                } else {
                    crate::report::text::render(&checked, crate::report::text::Style::default())
                };
                ctx.copy_text(text);
                self.note = Some(if json {
                    "The report is on the clipboard as JSON".into()
                } else {
                    "The report is on the clipboard: paste it into your message to IT".into()
                });
            }
            Command::Training(action) => self.run_training(ctx, action),
            Command::RecheckSelected => {
                let View::Message(id) = self.view else {
                    return;
                };
                if self.settings.offline {
                    self.note = Some(
                        "Offline mode is on, so nothing is looked up. Turn it off in Settings to \
                         re-check now"
                            .into(),
                    );
                    return;
                }
                let Some(entry) = self.entry_mut(id) else {
                    return;
                };
                if entry.raw.is_none() {
                    self.note = Some(
                        "This report was prepared in advance without the message itself, so it \
                         cannot be re-checked"
                            .into(),
                    );
                    return;
                }
                if entry.report().is_some() && entry.live != LiveState::Running {
                    entry.live = LiveState::Pending;
                }
                self.start_live(id);
            }
        }
    }

    /// Names the selected message in the window title (task bars, window switchers).
    fn update_title(&mut self, ctx: &egui::Context) {
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
    fn apply_appearance(&mut self, ctx: &egui::Context) {
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

    fn run_training(&mut self, ctx: &egui::Context, action: gallery::GalleryAction) {
        match action {
            gallery::GalleryAction::UseFolder => self.folder_picker.start(ctx),
            gallery::GalleryAction::UseBuiltIn => {
                self.gallery = crate::training::gallery();
                self.note = Some(format!(
                    "Using the built-in gallery ({} scenarios)",
                    self.gallery.len()
                ));
            }
            gallery::GalleryAction::StartQuiz => {
                self.quiz = Some(quiz::QuizScreen::from_gallery(self.gallery.clone()));
                self.view = View::Quiz;
            }
            gallery::GalleryAction::Present(start) => {
                self.presenter = Some(presenter::PresenterScreen::new(self.gallery.clone(), start));
                self.view = View::Presenter;
            }
            gallery::GalleryAction::Open(i) => {
                if let Some(s) = self.gallery.get(i) {
                    let name = format!("Training: {}", s.meta.title);
                    self.add_entry(name, Source::Bytes(Arc::from(s.raw.as_slice())));
                }
            }
        }
    }

    /// The presenter view fills the window; leaving it returns to the start page.
    fn presenter_view_ui(&mut self, ui: &mut egui::Ui) {
        let left = egui::CentralPanel::default()
            .show(ui, |ui| match self.presenter.as_mut() {
                Some(screen) => presenter::presenter_ui(ui, screen).is_some(),
                None => true,
            })
            .inner;
        if left {
            self.presenter = None;
            self.view = View::Welcome;
        }
    }

    /// Draws the whole window for one frame, then runs what the person asked for.
    pub fn app_ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.apply_appearance(&ctx);
        let mut commands = Vec::new();
        self.poll_jobs();
        self.poll_folders();
        self.poll_open_dialog(&mut commands);
        self.handle_input(&ctx, &mut commands);
        match self.folder_picker.poll() {
            Some(gallery::FolderOutcome::Loaded(scenarios, dir)) => {
                self.note = Some(format!(
                    "Using {} scenario{} from {}",
                    scenarios.len(),
                    if scenarios.len() == 1 { "" } else { "s" },
                    dir.display()
                ));
                self.gallery = scenarios;
            }
            Some(gallery::FolderOutcome::Problem(why)) => self.note = Some(why),
            None => {}
        }

        if self.view == View::Presenter {
            // Full screen for the projector: no toolbar, list or status bar.
            self.presenter_view_ui(ui);
            return;
        }
        egui::Panel::top("toolbar")
            .frame(
                egui::Frame::side_top_panel(ui.style())
                    .inner_margin(egui::Margin::symmetric(10, 6)),
            )
            .show(ui, |ui| {
                self.toolbar_ui(ui, &mut commands);
            });
        egui::Panel::bottom("status-bar")
            .frame(
                egui::Frame::side_top_panel(ui.style())
                    .inner_margin(egui::Margin::symmetric(10, 4)),
            )
            .show(ui, |ui| {
                self.status_bar_ui(ui);
            });
        if !self.entries.is_empty() {
            egui::Panel::left("message-list")
                .resizable(true)
                .default_size(theme::LIST_WIDTH)
                .size_range(180.0..=420.0)
                .show(ui, |ui| {
                    list::list_ui(ui, &self.entries, self.view, &mut commands);
                });
        }
        egui::CentralPanel::default().show(ui, |ui| {
            self.note_ui(ui, &mut commands);
            match self.view {
                View::Welcome | View::Presenter => {
                    welcome::welcome_ui(ui, self.logo.as_ref(), &self.gallery, &mut commands)
                }
                View::Message(id) => match self.entries.iter_mut().find(|e| e.id == id) {
                    Some(entry) => report_view::entry_ui(ui, entry, &mut commands),
                    None => {
                        welcome::welcome_ui(ui, self.logo.as_ref(), &self.gallery, &mut commands)
                    }
                },
                View::Quiz => match self.quiz.as_mut() {
                    Some(screen) => {
                        if quiz::quiz_ui(ui, screen).is_some() {
                            commands.push(Command::Show(View::Welcome));
                        }
                    }
                    None => {
                        welcome::welcome_ui(ui, self.logo.as_ref(), &self.gallery, &mut commands)
                    }
                },
            }
        });
        self.dialogs_ui(&ctx, &mut commands);
        chrome::drop_overlay_ui(&ctx);

        for command in commands {
            self.run_command(&ctx, command);
        }
        self.update_title(&ctx);
        if self.is_busy() || self.open_dialog.is_some() || self.folder_picker.is_open() {
            // Spinners animate; workers also request a repaint when they finish.
            ctx.request_repaint_after(Duration::from_millis(100));
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

/// The name shown for a file: its file name, or the whole path when it has none; control
/// characters (a hostile file name can carry them) are dropped.
fn file_name(path: &std::path::Path) -> String {
    let raw = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| path.display().to_string());
    let clean: String = raw.chars().filter(|c| !c.is_control()).collect();
    let clean = clean.trim();
    if clean.is_empty() {
        "Dropped message".into()
    } else {
        clean.to_string()
    }
}
