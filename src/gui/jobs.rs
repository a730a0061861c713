//! Background work: reading, analysing and live re-checking messages off the UI thread.
//!
//! Two small pools of worker threads take jobs from shared queues and send results back
//! over a channel, asking egui for a repaint when they do. Analysis and live checks have
//! separate pools so slow DNS lookups never hold up the first verdict of a new message.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};

use super::settings::DnsServer;
use crate::analysis::{self, Options, Report};
use crate::intake;
use crate::live::{self, LiveOptions};
use crate::load::{self, LoadError};

/// At most this many messages of one mailbox file are opened in the app; a whole archive
/// would bury the list (`mailsleuth check` reads any number).
pub const MAX_MESSAGES_PER_FILE: usize = crate::limits::APP_MESSAGES_PER_FILE;

/// Threads reading and analysing messages: one per core, as in `mailsleuth check`, so a
/// dropped batch is analysed on every core; at least two, so one huge message never holds
/// up the rest, and at most eight.
pub fn analysis_workers() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(2, 8)
}
/// Threads running live checks (mostly waiting on DNS).
pub const LIVE_WORKERS: usize = 2;

/// Identifies one opened message for the lifetime of the app.
pub type EntryId = u64;

/// Where a message's bytes come from.
#[derive(Clone)]
pub enum Source {
    /// A file on disk, read by the worker (size-checked before reading).
    Path(PathBuf),
    /// A file dropped on the window: read through its handle when it has no usable path.
    Dropped(egui::DroppedFileHandle),
    /// Bytes already in memory (pasted text, the built-in sample).
    Bytes(Arc<[u8]>),
}

impl Source {
    /// How the source is named in messages.
    pub fn describe(&self) -> String {
        match self {
            Source::Path(p) => p.display().to_string(),
            Source::Dropped(h) => h.path().display().to_string(),
            Source::Bytes(_) => "the pasted message".into(),
        }
    }
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Path(p) => write!(f, "Path({})", p.display()),
            Source::Dropped(h) => write!(f, "Dropped({})", h.path().display()),
            Source::Bytes(b) => write!(f, "Bytes({} bytes)", b.len()),
        }
    }
}

/// Work for the pools.
enum Job {
    Analyse {
        id: EntryId,
        source: Source,
        opts: Options,
    },
    Live {
        id: EntryId,
        raw: Arc<[u8]>,
        report: Box<Report>,
        dns: DnsServer,
        opts: Options,
    },
}

/// What comes back from the pools.
#[derive(Debug)]
pub enum JobResult {
    /// The first analysis of a message (or why it could not be read).
    Analysed {
        id: EntryId,
        /// Added to the entry's name when its source holds more than one message (`#1`).
        suffix: String,
        raw: Option<Arc<[u8]>>,
        result: Result<Box<Report>, LoadError>,
    },
    /// Another message of the same source: the next message of an mbox, or a message
    /// attached to one already sent.
    Also {
        /// The entry whose source this came from.
        parent: EntryId,
        /// Added to the parent's name (`#3`, `#attached-1`).
        suffix: String,
        /// For an attached message, the index (in the order sent for this source, the
        /// parent being 0) of the message it was attached to.
        carrier: Option<usize>,
        /// Show this one first: the carrier is a short forward from the organisation itself.
        open_first: bool,
        raw: Option<Arc<[u8]>>,
        result: Result<Box<Report>, LoadError>,
    },
    /// Every message of the source has been sent; `note` says what was left out, if anything.
    Finished { id: EntryId, note: Option<String> },
    /// The report with live results merged and the verdict recomputed.
    Live { id: EntryId, report: Box<Report> },
    /// The live check could not start (e.g. the DNS server named in settings has no address).
    LiveFailed { id: EntryId, message: String },
}

/// A bounded pool fed from one queue.
struct Pool {
    tx: Sender<Job>,
}

impl Pool {
    fn start(name: &str, workers: usize, results: Sender<JobResult>, ctx: egui::Context) -> Pool {
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for n in 0..workers {
            let rx = Arc::clone(&rx);
            let results = results.clone();
            let ctx = ctx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("{name}-{n}"))
                .spawn(move || worker(&rx, &results, &ctx));
            if let Err(e) = spawned {
                // The other workers (or none) carry on; jobs wait until one is free.
                eprintln!("mailsleuth: could not start a background worker: {e}");
            }
        }
        Pool { tx }
    }
}

fn worker(rx: &Mutex<Receiver<Job>>, results: &Sender<JobResult>, ctx: &egui::Context) {
    loop {
        // Hold the lock only while taking a job, so the other worker can take the next one.
        let job = match rx.lock() {
            Ok(guard) => guard.recv(),
            Err(_) => return,
        };
        let Ok(job) = job else {
            // The app has gone away: no more jobs will come.
            return;
        };
        let mut gone = false;
        run_guarded(job, &mut |result| {
            gone |= results.send(result).is_err();
            ctx.request_repaint();
        });
        if gone {
            return;
        }
    }
}

/// The messages of a source, read as they are needed.
fn open_source(source: Source, max: usize) -> load::Messages {
    let failed = |e: LoadError| -> load::Messages {
        Box::new(std::iter::once(load::Found {
            suffix: String::new(),
            bytes: Err(e),
            notes: Vec::new(),
            limits: Vec::new(),
            origin: load::Origin::Original,
        }))
    };
    match source {
        Source::Path(path) => load::open_path(&path, max),
        Source::Dropped(handle) => {
            let path = handle.path();
            if path.is_file() {
                return load::open_path(path, max);
            }
            match handle.bytes() {
                Ok(bytes) => load::open_bytes(bytes.to_vec(), max),
                Err(reason) => failed(LoadError::Unreadable {
                    path: path.display().to_string(),
                    reason,
                }),
            }
        }
        Source::Bytes(bytes) => load::open_bytes(bytes.to_vec(), max),
    }
}

/// Runs a job; a panic inside the analysis becomes a readable error for that message, so
/// one hostile file cannot leave its entry spinning forever or take a worker down.
fn run_guarded(job: Job, emit: &mut dyn FnMut(JobResult)) {
    let (id, live, name) = match &job {
        Job::Analyse { id, source, .. } => (*id, false, source.describe()),
        Job::Live { id, .. } => (*id, true, String::new()),
    };
    let mut sent = 0usize;
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        run_job(job, &mut |r| {
            sent += 1;
            emit(r);
        })
    }));
    if outcome.is_ok() {
        return;
    }
    let internal = LoadError::Unreadable {
        path: name,
        reason: "mailsleuth hit an internal error while reading it, so it cannot \
                 judge it; please report this file to your IT team"
            .into(),
    };
    if live {
        emit(JobResult::LiveFailed {
            id,
            message: "mailsleuth hit an internal error while re-checking this message".into(),
        });
    } else if sent == 0 {
        emit(JobResult::Analysed {
            id,
            suffix: String::new(),
            raw: None,
            result: Err(internal),
        });
        emit(JobResult::Finished { id, note: None });
    } else {
        emit(JobResult::Also {
            parent: id,
            suffix: " (the rest)".into(),
            carrier: None,
            open_first: false,
            raw: None,
            result: Err(internal),
        });
        emit(JobResult::Finished { id, note: None });
    }
}

fn run_job(job: Job, emit: &mut dyn FnMut(JobResult)) {
    match job {
        Job::Analyse { id, source, opts } => {
            let mut sent = 0usize;
            let mut note = None;
            for (messages, found) in open_source(source, opts.max_size).enumerate() {
                if messages >= MAX_MESSAGES_PER_FILE {
                    note = Some(format!(
                        "Opened the first {MAX_MESSAGES_PER_FILE} messages of this mailbox. To \
                         check all of it, use \"mailsleuth check\" on the file"
                    ));
                    break;
                }
                let analysed = intake::analyse(found, &opts);
                let first: Vec<bool> = analysed
                    .iter()
                    .map(|a| a.opens_first(&analysed, &opts.own_domains))
                    .collect();
                let base = sent;
                for (a, open_first) in analysed.into_iter().zip(first) {
                    let result = a.result.map(Box::new);
                    if sent == 0 {
                        emit(JobResult::Analysed {
                            id,
                            suffix: a.suffix,
                            raw: a.raw,
                            result,
                        });
                    } else {
                        emit(JobResult::Also {
                            parent: id,
                            suffix: a.suffix,
                            carrier: a.carrier.map(|c| c + base),
                            open_first,
                            raw: a.raw,
                            result,
                        });
                    }
                    sent += 1;
                }
            }
            if sent == 0 {
                emit(JobResult::Analysed {
                    id,
                    suffix: String::new(),
                    raw: None,
                    result: Err(LoadError::Empty),
                });
            }
            emit(JobResult::Finished { id, note });
        }
        Job::Live {
            id,
            raw,
            mut report,
            dns,
            opts,
        } => {
            let dns = match dns.resolve() {
                Ok(dns) => dns,
                Err(message) => return emit(JobResult::LiveFailed { id, message }),
            };
            let live = LiveOptions {
                dns,
                // The training samples' names are reserved; mailsleuth answers them itself.
                local: crate::training::sample_zone(),
                ..LiveOptions::default()
            };
            let checked = live::verify_blocking(&raw, &report, &live);
            analysis::apply_live(&mut report, checked, &opts);
            emit(JobResult::Live { id, report });
        }
    }
}

/// The app's handle on the background pools.
pub struct Jobs {
    analysis: Pool,
    live: Pool,
    results: Receiver<JobResult>,
}

impl Jobs {
    /// Starts the worker threads; they end when `Jobs` is dropped.
    pub fn start(ctx: &egui::Context) -> Jobs {
        let (rtx, rrx) = mpsc::channel();
        Jobs {
            analysis: Pool::start("analyse", analysis_workers(), rtx.clone(), ctx.clone()),
            live: Pool::start("live-check", LIVE_WORKERS, rtx, ctx.clone()),
            results: rrx,
        }
    }

    /// Queues reading and analysing one message.
    pub fn analyse(&self, id: EntryId, source: Source, opts: Options) -> Result<(), String> {
        self.analysis
            .tx
            .send(Job::Analyse { id, source, opts })
            .map_err(|_| "the background workers have stopped".to_string())
    }

    /// Queues a live re-check of an analysed message.
    pub fn live_check(
        &self,
        id: EntryId,
        raw: Arc<[u8]>,
        report: Report,
        dns: DnsServer,
        opts: Options,
    ) -> Result<(), String> {
        self.live
            .tx
            .send(Job::Live {
                id,
                raw,
                report: Box::new(report),
                dns,
                opts,
            })
            .map_err(|_| "the background workers have stopped".to_string())
    }

    /// Results that arrived since the last call.
    pub fn poll(&self) -> Vec<JobResult> {
        self.results.try_iter().collect()
    }
}
