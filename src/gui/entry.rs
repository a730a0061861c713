//! One opened message: its analysis, its live re-check and what the person is looking at;
//! opening messages (files, folders, drops, bytes, prepared reports) and applying the
//! background work that fills them in.

use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::Arc;

use crate::analysis::{Location, Report};
use crate::load::LoadError;

use super::{folders, jobs, EntryId, MailsleuthApp, Source, View};

/// The sections of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    /// The verdict, its reasons and what to do now.
    #[default]
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

/// Per-message view state (tab, selected check, highlighted evidence); a new message opens
/// on the verdict with nothing selected.
#[derive(Debug, Clone, Default)]
pub struct EntryUi {
    /// The tab showing.
    pub tab: Tab,
    /// The check whose lesson is open.
    pub check: Option<String>,
    /// Evidence to scroll to once, after a jump.
    pub scroll_to: Option<Location>,
    /// What the person says they already did with the message (the guided response).
    pub answers: crate::report::incident::Answers,
    /// The saved HTML report hides the person's own address.
    pub redact: bool,
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
    pub(super) raw: Option<Arc<[u8]>>,
    /// What the person is looking at in this message.
    pub ui: EntryUi,
    /// For a message that came attached to another: the entry of that carrier.
    pub carrier: Option<EntryId>,
    /// More messages of this entry's source (an mbox, attached messages) are still coming.
    pub(super) more: bool,
    /// The entries that came from this entry's source, in the order they were sent (this
    /// entry first), so an attached message can find its carrier.
    pub(super) family: Vec<EntryId>,
    /// The name of the file or paste this entry came from, before any `#N` suffix.
    pub(super) source_name: String,
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

impl MailsleuthApp {
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
    pub(super) fn open_folder(&mut self, ctx: &egui::Context, folder: PathBuf) {
        match folders::scan(folder.clone(), ctx.clone()) {
            Ok(rx) => self.folder_scans.push(rx),
            Err(e) => {
                self.note = Some(format!("Could not look into {}: {e}", folder.display()));
            }
        }
    }

    /// Opens the files of folders whose listing has arrived.
    pub(super) fn poll_folders(&mut self) {
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
            ui: EntryUi::default(),
            carrier: None,
            more: false,
            family: vec![id],
            source_name: String::new(),
        });
        self.view = View::Message(id);
    }

    pub(super) fn add_entry(&mut self, name: String, source: Source) {
        let id = self.next_id;
        self.next_id += 1;
        let opts = self.analysis_options();
        let state = match self.jobs.analyse(id, source, opts) {
            Ok(()) => EntryState::Loading,
            Err(reason) => EntryState::Failed(LoadError::Unreadable {
                path: name.clone(),
                reason,
            }),
        };
        let more = matches!(state, EntryState::Loading);
        self.entries.push(Entry {
            id,
            source_name: name.clone(),
            name,
            state,
            live: LiveState::Pending,
            raw: None,
            ui: EntryUi::default(),
            carrier: None,
            more,
            family: vec![id],
        });
        self.view = View::Message(id);
    }

    /// Adds another message of an entry's source (an mbox's next message, an attached
    /// message) right after that source's last entry.
    fn add_also(&mut self, parent: EntryId, also: Also) {
        let Some(p) = self.entries.iter().position(|e| e.id == parent) else {
            return; // closed while it was being read
        };
        let id = self.next_id;
        self.next_id += 1;
        let (name, carrier, family_len) = {
            let Some(pe) = self.entries.get_mut(p) else {
                return;
            };
            let carrier = also.carrier.and_then(|c| pe.family.get(c).copied());
            pe.family.push(id);
            (
                format!("{}{}", pe.source_name, also.suffix),
                carrier,
                pe.family.len(),
            )
        };
        // After the parent and the entries already added from its source.
        let at = (p + family_len - 1).min(self.entries.len());
        let offline = self.settings.offline;
        let (state, live) = match also.result {
            Ok(report) => (
                EntryState::Ready(report),
                if offline || also.raw.is_none() {
                    LiveState::Off
                } else {
                    LiveState::Pending
                },
            ),
            Err(e) => (EntryState::Failed(e), LiveState::Off),
        };
        self.entries.insert(
            at,
            Entry {
                id,
                name,
                state,
                live,
                raw: also.raw,
                ui: EntryUi::default(),
                carrier,
                more: false,
                family: vec![id],
                source_name: String::new(),
            },
        );
        if also.open_first && self.view == View::Message(parent) {
            self.view = View::Message(id);
        }
        self.start_live(id);
    }

    pub(super) fn entry_mut(&mut self, id: EntryId) -> Option<&mut Entry> {
        self.entries.iter_mut().find(|e| e.id == id)
    }

    pub(super) fn selected_mut(&mut self) -> Option<&mut Entry> {
        match self.view {
            View::Message(id) => self.entry_mut(id),
            View::Welcome | View::Quiz | View::Presenter => None,
        }
    }

    /// Applies finished background work.
    pub(super) fn poll_jobs(&mut self) {
        for result in self.jobs.poll() {
            match result {
                jobs::JobResult::Analysed {
                    id,
                    suffix,
                    raw,
                    result,
                } => {
                    let offline = self.settings.offline;
                    let Some(entry) = self.entry_mut(id) else {
                        continue; // closed while it was being analysed
                    };
                    let live_possible = raw.is_some();
                    entry.raw = raw;
                    entry.name.push_str(&suffix);
                    match result {
                        Ok(report) => {
                            entry.state = EntryState::Ready(report);
                            // A message rebuilt from a .msg has no original bytes to re-check.
                            entry.live = if offline || !live_possible {
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
                jobs::JobResult::Also {
                    parent,
                    suffix,
                    carrier,
                    open_first,
                    raw,
                    result,
                } => self.add_also(
                    parent,
                    Also {
                        suffix,
                        carrier,
                        open_first,
                        raw,
                        result,
                    },
                ),
                jobs::JobResult::Finished { id, note } => {
                    if let Some(entry) = self.entry_mut(id) {
                        entry.more = false;
                    }
                    if note.is_some() {
                        self.note = note;
                    }
                }
                // A re-check that ends after offline mode was turned on is dropped.
                jobs::JobResult::Live { .. } | jobs::JobResult::LiveFailed { .. }
                    if self.settings.offline => {}
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
    pub(super) fn start_live(&mut self, id: EntryId) {
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
            self.analysis_options(),
        );
        if let Some(entry) = self.entry_mut(id) {
            entry.live = match queued {
                Ok(()) => LiveState::Running,
                Err(e) => LiveState::Failed(e),
            };
        }
    }
}

/// Another message of a source, as the background job sent it.
struct Also {
    suffix: String,
    carrier: Option<usize>,
    open_first: bool,
    raw: Option<Arc<[u8]>>,
    result: Result<Box<Report>, LoadError>,
}

/// The name shown for a file: its file name, or the whole path when it has none; control
/// characters (a hostile file name can carry them) are dropped.
pub(super) fn file_name(path: &std::path::Path) -> String {
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
