//! What the UI asks for: the [`Command`] enum, and running commands after the frame is
//! drawn (opening files, switching views, applying settings, training).

use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::analysis::Location;

use super::app::Dialog;
use super::entry::file_name;
use super::{
    gallery, presenter, quiz, EntryId, EntryState, LiveState, MailsleuthApp, Settings, Source, Tab,
    View, SAMPLE_EML, SAMPLE_NAME,
};

/// A dialog that returns this fast with nothing chosen was almost certainly never shown
/// (no file-chooser service answered); a person cancelling takes longer.
const DIALOG_NEVER_SHOWN: Duration = Duration::from_millis(1500);

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
    /// Choose an organisation profile file for the settings being edited.
    ChooseProfile,
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
    /// Save the selected message's incident report: a draft .eml for IT, or an HTML page.
    SaveReport { html: bool },
}

/// Runs a native file dialog (which blocks) on its own thread; its answer arrives on the
/// returned channel and wakes the window.
fn spawn_dialog<T: Send + 'static>(
    ctx: &egui::Context,
    name: &str,
    dialog: impl FnOnce() -> T + Send + 'static,
) -> Result<mpsc::Receiver<T>, String> {
    let (tx, rx) = mpsc::channel();
    let repaint = ctx.clone();
    std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            // The app may have closed meanwhile; nothing to tell then.
            let _ = tx.send(dialog());
            repaint.request_repaint();
        })
        .map(|_| rx)
        .map_err(|e| format!("The file dialog could not start: {e}"))
}

/// The times of a report made now.
fn report_times(report: &crate::analysis::Report) -> crate::report::incident::Times {
    let now = crate::analysis::unix_now().unwrap_or(0);
    crate::report::incident::Times {
        received: report.path.delivered_at,
        checked: now,
        reported: now,
    }
}

impl MailsleuthApp {
    /// Builds the selected message's incident report and asks where to save it, on a
    /// thread (the file dialog blocks); the answer comes back through `report_dialog`.
    fn save_report(&mut self, ctx: &egui::Context, html: bool) {
        if self.report_dialog.is_some() {
            return;
        }
        let profile = self.profile.clone();
        let Some(entry) = self.selected_mut() else {
            return;
        };
        let Some(report) = entry.report() else {
            return;
        };
        let times = report_times(report);
        let answers = entry.ui.answers;
        let redact = entry.ui.redact;
        let (bytes, name, filter) = if html {
            (
                crate::report::incident::html(report, &answers, profile.as_deref(), times, redact)
                    .into_bytes(),
                "mailsleuth-report.html",
                ("Web page", "html"),
            )
        } else {
            let Some(raw) = entry.raw.clone() else {
                self.note = Some(
                    "This message was rebuilt from an Outlook file, so there is no original to \
                     attach: use \"Save report…\" or \"Copy report for IT\" instead"
                        .into(),
                );
                return;
            };
            (
                crate::report::incident::draft_eml(
                    &raw,
                    report,
                    &answers,
                    profile.as_deref(),
                    times,
                ),
                "mailsleuth-report.eml",
                ("Email message", "eml"),
            )
        };
        let spawned = spawn_dialog(ctx, "report-dialog", move || {
            rfd::FileDialog::new()
                .set_title("Save the report")
                .set_file_name(name)
                .add_filter(filter.0, &[filter.1])
                .save_file()
                .map(|path| crate::report::incident::write_new(&path, &bytes).map(|()| path))
        });
        match spawned {
            Ok(rx) => self.report_dialog = Some((rx, Instant::now(), html)),
            Err(why) => self.note = Some(why),
        }
    }

    /// Picks up where the report was saved, or why not.
    pub(super) fn poll_report_dialog(&mut self) {
        let Some((rx, started, html)) = &self.report_dialog else {
            return;
        };
        let html = *html;
        match rx.try_recv() {
            Ok(Some(Ok(path))) => {
                self.note = Some(if html {
                    format!("The report is saved as {}", path.display())
                } else {
                    format!(
                        "The report is saved as {}: open it with your mail program, check it and send it",
                        path.display()
                    )
                });
                self.report_dialog = None;
            }
            Ok(Some(Err(why))) => {
                self.note = Some(why);
                self.report_dialog = None;
            }
            Ok(None) | Err(mpsc::TryRecvError::Disconnected) => {
                if started.elapsed() < DIALOG_NEVER_SHOWN {
                    self.note = Some(
                        "No report was saved. If no file dialog appeared, this desktop has no \
                         file-chooser service: use \"Copy report for IT\" and paste it into a \
                         message, or run mailsleuth report FILE -o report.eml"
                            .into(),
                    );
                }
                self.report_dialog = None;
            }
            Err(mpsc::TryRecvError::Empty) => {}
        }
    }

    /// Picks up the profile chosen in its file dialog, into the settings being edited.
    pub(super) fn poll_profile_dialog(&mut self) {
        let Some((rx, started)) = &self.profile_dialog else {
            return;
        };
        match rx.try_recv() {
            Ok(Some(path)) => {
                if let Some(Dialog::Settings(draft)) = &mut self.dialog {
                    draft.profile_path = path.display().to_string();
                }
                self.profile_dialog = None;
            }
            Ok(None) | Err(mpsc::TryRecvError::Disconnected) => {
                if started.elapsed() < DIALOG_NEVER_SHOWN {
                    self.note = Some(
                        "No file was chosen. If no file dialog appeared, this desktop has no \
                         file-chooser service: type the profile's path in the field instead"
                            .into(),
                    );
                }
                self.profile_dialog = None;
            }
            Err(mpsc::TryRecvError::Empty) => {}
        }
    }

    /// Judges every open message again with the options in use now (after the profile
    /// changed), on a background thread so a large mailbox never freezes the window;
    /// `poll_rejudged` puts each new report in place as it arrives.
    pub(super) fn rejudge_all(&mut self, ctx: &egui::Context) {
        let opts = self.analysis_options();
        let work: Vec<(EntryId, Arc<[u8]>)> = self
            .entries
            .iter()
            .filter(|e| matches!(e.state, EntryState::Ready(_)))
            .filter_map(|e| e.raw.clone().map(|raw| (e.id, raw)))
            .collect();
        let (tx, rx) = mpsc::channel();
        let repaint = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("rejudge".into())
            .spawn(move || {
                for (id, raw) in work {
                    if let Ok(report) = crate::analysis::analyze(&raw, &opts) {
                        if tx.send((id, report)).is_err() {
                            return;
                        }
                        repaint.request_repaint();
                    }
                }
            });
        match spawned {
            Ok(_) => self.rejudged = Some(rx),
            Err(e) => self.note = Some(format!("Open messages could not be judged again: {e}")),
        }
    }

    /// Puts the reports judged again in place, and re-checks them live when that is on.
    pub(super) fn poll_rejudged(&mut self) {
        let Some(rx) = &self.rejudged else {
            return;
        };
        let mut arrived = Vec::new();
        let finished = loop {
            match rx.try_recv() {
                Ok(item) => arrived.push(item),
                Err(mpsc::TryRecvError::Empty) => break false,
                Err(mpsc::TryRecvError::Disconnected) => break true,
            }
        };
        if finished {
            self.rejudged = None;
        }
        let online = !self.settings.offline;
        for (id, mut fresh) in arrived {
            let Some(entry) = self.entry_mut(id) else {
                continue;
            };
            let EntryState::Ready(report) = &mut entry.state else {
                continue;
            };
            // What opening the file added (where it came from, limits reached on the way)
            // stays; the profile changes none of it.
            fresh.notes = std::mem::take(&mut report.notes);
            fresh.limits = std::mem::take(&mut report.limits);
            **report = fresh;
            entry.live = if online {
                LiveState::Pending
            } else {
                LiveState::Off
            };
            if online {
                self.start_live(id);
            }
        }
    }

    /// Picks up the result of the native open dialog.
    pub(super) fn poll_open_dialog(&mut self, commands: &mut Vec<Command>) {
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

    pub(super) fn run_command(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::OpenFileDialog => {
                if self.open_dialog.is_some() {
                    return;
                }
                let spawned = spawn_dialog(ctx, "open-dialog", || {
                    rfd::FileDialog::new()
                        .set_title("Open an email")
                        .add_filter("Email messages", &["eml", "msg", "txt", "mbox"])
                        .add_filter("All files", &["*"])
                        .pick_files()
                });
                match spawned {
                    Ok(rx) => self.open_dialog = Some((rx, Instant::now())),
                    Err(why) => self.note = Some(why),
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
            Command::OpenBytes { name, bytes } => {
                // Text copied out of a mail program's source view loses line endings and
                // gains non-breaking spaces on the way; put them back before reading it.
                let bytes = match std::str::from_utf8(&bytes) {
                    Ok(text) => Arc::from(crate::load::paste::repair(text)),
                    Err(_) => bytes,
                };
                self.add_entry(name, Source::Bytes(bytes));
            }
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
            Command::ApplySettings(mut new) => {
                let new_profile = self.settings.profile_path.trim() != new.profile_path.trim();
                if new_profile {
                    self.settings.profile_path = new.profile_path.clone();
                    self.note = Some(match self.load_profile() {
                        Ok(()) => match self.profile() {
                            Some(p) => format!("Judging as {}", p.describe()),
                            None => "No organisation profile is used".into(),
                        },
                        Err(why) => why,
                    });
                }
                if self.offline_by_policy() && !new.offline {
                    new.offline = true;
                    self.note = Some(
                        "Your organisation's profile keeps live checks off: messages are judged \
                         on what they recorded at delivery"
                            .into(),
                    );
                }
                let went_online = self.settings.offline && !new.offline;
                let went_offline = !self.settings.offline && new.offline;
                ctx.set_theme(new.theme.preference());
                self.settings = new;
                if new_profile {
                    self.rejudge_all(ctx);
                }
                if went_offline {
                    // Open messages are judged again on what they recorded, as if they had
                    // been opened offline; a re-check still running is ignored when it ends.
                    let opts = self.analysis_options();
                    for entry in &mut self.entries {
                        if let EntryState::Ready(report) = &mut entry.state {
                            crate::analysis::drop_live(report, &opts);
                        }
                        entry.live = LiveState::Off;
                    }
                }
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
            Command::ChooseProfile => {
                if self.profile_dialog.is_some() {
                    return;
                }
                let spawned = spawn_dialog(ctx, "profile-dialog", || {
                    rfd::FileDialog::new()
                        .set_title("Choose your organisation's profile")
                        .add_filter("Organisation profile", &["toml"])
                        .add_filter("All files", &["*"])
                        .pick_file()
                });
                match spawned {
                    Ok(rx) => self.profile_dialog = Some((rx, Instant::now())),
                    Err(why) => self.note = Some(why),
                }
            }
            Command::CloseDialog => self.dialog = None,
            Command::DismissNote => self.note = None,
            Command::CopyReport { json } => {
                let profile = self.profile.clone();
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
                    // What the person did and the steps come first: IT acts on them.
                    let summary = crate::report::incident::summary_text(
                        report,
                        &entry.ui.answers,
                        profile.as_deref(),
                        report_times(report),
                    );
                    let detail = crate::report::text::render(
                        &checked,
                        crate::report::text::Style::default(),
                    );
                    format!("{summary}\n{detail}")
                };
                ctx.copy_text(text);
                self.note = Some(if json {
                    "The report is on the clipboard as JSON".into()
                } else {
                    "The report is on the clipboard: paste it into your message to IT".into()
                });
            }
            Command::SaveReport { html } => self.save_report(ctx, html),
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

    pub(super) fn run_training(&mut self, ctx: &egui::Context, action: gallery::GalleryAction) {
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
}
