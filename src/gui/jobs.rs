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
use crate::live::{self, LiveOptions};
use crate::load::{self, LoadError};

/// Threads reading and analysing messages (the CPU has few cores; more would only queue).
pub const ANALYSIS_WORKERS: usize = 2;
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
        raw: Option<Arc<[u8]>>,
        result: Result<Box<Report>, LoadError>,
    },
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
        let result = run_guarded(job);
        if results.send(result).is_err() {
            return;
        }
        ctx.request_repaint();
    }
}

fn read_source(source: Source, max: usize) -> Result<Arc<[u8]>, LoadError> {
    match source {
        Source::Path(path) => load::read_file(&path, max).map(Arc::from),
        Source::Dropped(handle) => {
            let path = handle.path();
            if path.is_file() {
                return load::read_file(path, max).map(Arc::from);
            }
            handle
                .bytes()
                .map(Arc::from)
                .map_err(|reason| LoadError::Unreadable {
                    path: path.display().to_string(),
                    reason,
                })
        }
        Source::Bytes(bytes) => Ok(bytes),
    }
}

/// Runs a job; a panic inside the analysis becomes a readable error for that message, so
/// one hostile file cannot leave its entry spinning forever or take a worker down.
fn run_guarded(job: Job) -> JobResult {
    let (id, live, name) = match &job {
        Job::Analyse { id, source, .. } => (*id, false, source.describe()),
        Job::Live { id, .. } => (*id, true, String::new()),
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_job(job))) {
        Ok(result) => result,
        Err(_) if live => JobResult::LiveFailed {
            id,
            message: "mailsleuth hit an internal error while re-checking this message".into(),
        },
        Err(_) => JobResult::Analysed {
            id,
            raw: None,
            result: Err(LoadError::Unreadable {
                path: name,
                reason: "mailsleuth hit an internal error while reading it, so it cannot \
                         judge it; please report this file to your IT team"
                    .into(),
            }),
        },
    }
}

fn run_job(job: Job) -> JobResult {
    match job {
        Job::Analyse { id, source, opts } => match read_source(source, opts.max_size) {
            Ok(raw) => {
                let result = analysis::analyze(&raw, &opts).map(Box::new);
                JobResult::Analysed {
                    id,
                    raw: Some(raw),
                    result,
                }
            }
            Err(e) => JobResult::Analysed {
                id,
                raw: None,
                result: Err(e),
            },
        },
        Job::Live {
            id,
            raw,
            mut report,
            dns,
            opts,
        } => {
            let dns = match dns.resolve() {
                Ok(dns) => dns,
                Err(message) => return JobResult::LiveFailed { id, message },
            };
            let live = LiveOptions {
                dns,
                ..LiveOptions::default()
            };
            let checked = live::verify_blocking(&raw, &report, &live);
            analysis::apply_live(&mut report, checked, &opts);
            JobResult::Live { id, report }
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
            analysis: Pool::start("analyse", ANALYSIS_WORKERS, rtx.clone(), ctx.clone()),
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
