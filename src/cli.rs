//! Command line: no arguments or files → the desktop app; `check` → the scriptable checker.
//!
//! Arguments are parsed in two steps: clap turns words into `CheckArgs`, then `Plan::new`
//! turns those into options and a sorted list of inputs. Each input is analysed on a small
//! pool of threads and printed in input order as soon as its turn comes.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::Write;
use std::net::{SocketAddr, ToSocketAddrs};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex};

use clap::{Args, Parser, Subcommand};

use crate::analysis::{self, Options, Verdict};
use crate::intake;
use crate::live::{self, LiveOptions};
use crate::load::{self, Found, LoadError};
use crate::profile::Profile;
use crate::report::summary::Summary;
use crate::report::{json, text, Checked, Failure};

const ABOUT: &str = "Tells you whether an email is really from who it says, and teaches you how to tell.\n\
Run without arguments (or with .eml files) to open the desktop app; use `mailsleuth check` on the command line.";

const CHECK_HELP: &str = "\
PATH is a message file, a folder (searched recursively: every regular file, in sorted order, \
hidden files skipped; a Maildir's cur/ and new/ are plain message files), or - for standard input.

What is read:
  .eml files; Apple Mail .emlx files; Outlook .msg files (rebuilt from the headers, body and
  attachments Outlook kept: results are the ones recorded at delivery, and a .msg without
  transport headers, such as a draft or a sent item, gets an error instead of a verdict);
  mbox files, read as a stream: one row per message, named PATH#1, PATH#2, … (at most
  100,000 messages per file, each up to --max-size).
  A message carrying attached messages (forwarded \"as attachment\") gets a row for each of
  them as well, named PATH#attached-1 and so on, nested at most 3 levels deep.

Live checks and privacy:
  Unless --offline is given, mailsleuth re-checks SPF, DKIM, DMARC and ARC now, over DNS.
  Those lookups name the sender's domains, so whoever runs the sender's DNS could see that
  this message is being checked (and roughly when, and from which network).
  --offline makes no network traffic at all: the results are then what the receiving mail
  server recorded when the message was delivered.

Output:
  By default, a readable report per input: verdict, reasons, the route, proof of sender,
  the checklist, attachments and links.
  --json prints JSON Lines: one object per input, one per line, with path, verdict
  (ok|caution|danger, or null on error), headline, from, hops, auth, checks and error.
  --summary prints, instead of one report per input, a summary of the whole run: counts per
  verdict and per error kind, how many had hops and recorded SPF/DKIM/DMARC results, and how
  often each check warned or failed. Given several folders, it adds a table per folder.
  --summary --json prints that summary as a single JSON object on one line (and no
  per-input objects). With --summary, errors about single inputs go to standard error.

Exit status:
  0  every input was analysed and none is dangerous
  1  at least one input is dangerous
  2  at least one input could not be read or analysed (wins over 1)";

/// The command line as clap sees it.
#[derive(Debug, Parser)]
#[command(
    name = "mailsleuth",
    version,
    about = ABOUT,
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Messages to open in the desktop app.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check messages without opening a window, and print a verdict for each.
    #[command(after_long_help = CHECK_HELP)]
    Check(CheckArgs),
    /// Write an incident report for IT: an unsent draft .eml addressed to the profile's
    /// report address, with the verdict, what you already did and the original attached.
    #[command(after_long_help = REPORT_HELP)]
    Report(ReportArgs),
}

const REPORT_HELP: &str = "\
The draft carries X-Unsent: 1, so Outlook opens it ready to send; other mail programs open \
it as a message you can forward or send. The original is attached unchanged (message/rfc822), \
and nothing is sent by mailsleuth. The report is judged offline, on what the message recorded \
at delivery. OUT must not exist yet: mailsleuth never overwrites a file.

Tell it what you already did, so the report lists the right next steps:
  --clicked-link --typed-secret --opened-attachment --replied --paid";

/// Options of `mailsleuth report`.
#[derive(Debug, Args)]
struct ReportArgs {
    /// The suspicious message (.eml).
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Where to write the draft (.eml) — or the page, with --html.
    #[arg(short, long, value_name = "OUT")]
    output: PathBuf,
    /// Write a self-contained HTML page instead of a draft message.
    #[arg(long)]
    html: bool,
    /// In the HTML page, replace your own addresses by "[your address]".
    #[arg(long, requires = "html")]
    redact: bool,
    /// The organisation profile (for the report address and its checks).
    #[arg(long, value_name = "FILE")]
    profile: Option<PathBuf>,
    /// You clicked a link in the message.
    #[arg(long)]
    clicked_link: bool,
    /// You typed a password or a code after following it.
    #[arg(long)]
    typed_secret: bool,
    /// You opened an attachment.
    #[arg(long)]
    opened_attachment: bool,
    /// You replied to or forwarded it.
    #[arg(long)]
    replied: bool,
    /// You paid, or sent money, data or files.
    #[arg(long)]
    paid: bool,
}

/// Options of `mailsleuth check`.
#[derive(Debug, Args)]
struct CheckArgs {
    /// Print JSON Lines (one object per input) instead of text.
    #[arg(long)]
    json: bool,
    /// Make no network traffic at all: no live re-checks over DNS.
    #[arg(long)]
    offline: bool,
    /// Ask this DNS server for live checks instead of the system's resolver.
    #[arg(long, value_name = "HOST:PORT", value_parser = parse_dns, conflicts_with = "offline")]
    dns: Option<SocketAddr>,
    /// Print one summary of the whole run instead of a report per input.
    #[arg(long)]
    summary: bool,
    /// Largest message read, in megabytes.
    #[arg(long, value_name = "MB", default_value_t = 50, value_parser = clap::value_parser!(u64).range(1..=4096))]
    max_size: u64,
    /// Messages analysed at once (default: one per core, or 8 with live checks, which
    /// mostly wait on the network).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=256))]
    jobs: Option<u64>,
    /// Also save the report of the one message checked as a self-contained HTML page
    /// (printable, loads nothing). OUT must not exist yet.
    #[arg(long, value_name = "OUT")]
    html: Option<PathBuf>,
    /// Judge as the organisation in this profile.toml would (its people, vendors and
    /// gateways); without it, the system-wide profile of a managed install, if any.
    #[arg(long, value_name = "FILE")]
    profile: Option<PathBuf>,
    /// Message files, folders, or - for standard input.
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,
}

fn parse_dns(s: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = s.parse::<SocketAddr>() {
        return Ok(addr);
    }
    // A name such as `localhost:5353` is resolved once, here, with the system resolver.
    let mut addrs = s
        .to_socket_addrs()
        .map_err(|e| format!("expected HOST:PORT, such as 127.0.0.1:53 ({e})"))?;
    addrs
        .next()
        .ok_or_else(|| format!("{s} does not resolve to an address"))
}

/// How a run ended, in exit-code order: a later variant wins over an earlier one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Every input analysed, none dangerous.
    Clean,
    /// At least one input is dangerous.
    Danger,
    /// At least one input could not be read or analysed, or the command line was wrong.
    Failed,
}

impl Status {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Status::Clean => 0,
            Status::Danger => 1,
            Status::Failed => 2,
        }
    }
}

/// Parses `args` (the first being the program name) and runs the app or the `check` command.
pub fn run<I, T>(args: I) -> anyhow::Result<Status>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version arrive here too; clap knows which exit code each wants.
            let _ = e.print();
            return Ok(if e.exit_code() == 0 {
                Status::Clean
            } else {
                Status::Failed
            });
        }
    };
    match cli.command {
        Some(Command::Check(args)) => check(args),
        Some(Command::Report(args)) => report(args),
        None => {
            crate::gui::run(cli.files)?;
            Ok(Status::Clean)
        }
    }
}

/// One input of a run.
#[derive(Debug, Clone)]
struct Input {
    /// As shown to the person and in JSON `path`.
    shown: String,
    group: usize,
    source: Source,
}

#[derive(Debug, Clone)]
enum Source {
    File(PathBuf),
    Stdin,
    /// The input could not even be listed (an unreadable folder).
    Broken(Failure),
}

/// What the output should look like.
#[derive(Debug, Clone, Copy)]
enum Mode {
    Text(text::Style),
    Json,
    Summary { json: bool },
}

/// Validated options and the inputs to check.
struct Plan {
    opts: Options,
    live: Option<LiveOptions>,
    /// Messages analysed at once.
    workers: usize,
    mode: Mode,
    inputs: Vec<Input>,
    /// Folder name per argument (None for files and stdin), for the per-folder summary.
    labels: Vec<Option<String>>,
}

impl Plan {
    fn new(args: CheckArgs) -> Plan {
        let max_size = usize::try_from(args.max_size.saturating_mul(1024 * 1024))
            .unwrap_or(load::DEFAULT_MAX_SIZE);
        let opts = Options {
            max_size,
            ..Options::with_clock()
        };
        let live = (!args.offline).then(|| LiveOptions {
            dns: args.dns,
            // The training samples' names are reserved; mailsleuth answers them itself.
            local: crate::training::sample_zone(),
            ..LiveOptions::default()
        });
        let workers = match args.jobs {
            Some(n) => usize::try_from(n).unwrap_or(1),
            None if live.is_some() => LIVE_WORKERS,
            None => std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
                .min(LIVE_WORKERS),
        }
        .max(1);
        let mode = match (args.summary, args.json) {
            (true, json) => Mode::Summary { json },
            (false, true) => Mode::Json,
            (false, false) => Mode::Text(text::Style::detect()),
        };
        let mut inputs = Vec::new();
        let mut labels = Vec::new();
        for (group, p) in args.paths.iter().enumerate() {
            labels.push(expand(p, group, &mut inputs));
        }
        dedupe_labels(&mut labels, &args.paths);
        Plan {
            opts,
            live,
            workers,
            mode,
            inputs,
            labels,
        }
    }
}

/// Adds the inputs one argument stands for; returns its folder label, if it is a folder.
fn expand(arg: &Path, group: usize, inputs: &mut Vec<Input>) -> Option<String> {
    if arg.as_os_str() == "-" {
        inputs.push(Input {
            shown: "-".into(),
            group,
            source: Source::Stdin,
        });
        return None;
    }
    if !arg.is_dir() {
        // Missing and unreadable files are reported by the loader, with its wording.
        inputs.push(Input {
            shown: arg.display().to_string(),
            group,
            source: Source::File(arg.to_path_buf()),
        });
        return None;
    }
    let before = inputs.len();
    walk(arg, group, 0, inputs);
    if inputs.len() == before {
        // Not an error (nothing failed), but silence would look like a clean result.
        eprintln!(
            "mailsleuth: {}: no files in this folder (hidden files are skipped)",
            crate::report::clean(&arg.display().to_string())
        );
    }
    let label = arg
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| arg.display().to_string());
    Some(label)
}

/// Folders nest deeper than this only by accident (or by a symlink loop); stop there.
const MAX_DEPTH: usize = 64;

fn walk(dir: &Path, group: usize, depth: usize, inputs: &mut Vec<Input>) {
    let broken = |reason: String| Input {
        shown: dir.display().to_string(),
        group,
        source: Source::Broken(Failure::from(LoadError::Unreadable {
            path: dir.display().to_string(),
            reason,
        })),
    };
    if depth > MAX_DEPTH {
        inputs.push(broken(format!("folders nest more than {MAX_DEPTH} deep")));
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            inputs.push(broken(e.to_string()));
            return;
        }
    };
    let mut entries: Vec<std::fs::DirEntry> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        if e.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = e.path();
        let Ok(ft) = e.file_type() else {
            continue;
        };
        if ft.is_dir() {
            walk(&path, group, depth + 1, inputs);
        } else if ft.is_file() || (ft.is_symlink() && path.is_file()) {
            // Symlinks to files count; symlinks to folders are not followed, so a loop cannot trap the walk.
            inputs.push(Input {
                shown: path.display().to_string(),
                group,
                source: Source::File(path),
            });
        }
    }
}

/// Two folders with the same name (`a/mail`, `b/mail`) are labelled by their full path instead.
fn dedupe_labels(labels: &mut [Option<String>], paths: &[PathBuf]) {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for l in labels.iter().flatten() {
        *seen.entry(l.clone()).or_default() += 1;
    }
    for (l, p) in labels.iter_mut().zip(paths) {
        if let Some(name) = l {
            if seen.get(name.as_str()).copied().unwrap_or(0) > 1 {
                *name = p.display().to_string();
            }
        }
    }
}

/// Standard input, read once and shared by every `-` argument.
fn read_stdin(max_size: usize) -> Result<Vec<u8>, Failure> {
    load::read_capped(std::io::stdin().lock(), max_size).map_err(|e| {
        Failure::from(match e {
            load::Capped::Io(e) => LoadError::Unreadable {
                path: "standard input".into(),
                reason: e.to_string(),
            },
            load::Capped::Over => LoadError::TooLarge {
                size: format!("more than {}", load::human_size(max_size as u64)),
                limit: load::human_size(max_size as u64),
            },
        })
    })
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".into()
    }
}

/// One message to analyse: an input, or one message of an mbox input.
struct Unit {
    /// As shown to the person and in JSON `path` (`box.mbox#3` for an mbox's third message).
    shown: String,
    group: usize,
    found: Result<Found, Failure>,
}

/// The messages of every input, in order, read only as the workers ask for them (so an
/// mbox of any size is never held in memory).
fn units<'a>(
    inputs: &'a [Input],
    stdin: Option<&'a Result<Vec<u8>, Failure>>,
    max_size: usize,
) -> impl Iterator<Item = Unit> + Send + 'a {
    inputs.iter().flat_map(move |input| {
        let messages: Box<dyn Iterator<Item = Result<Found, Failure>> + Send> = match &input.source
        {
            Source::Broken(f) => Box::new(std::iter::once(Err(f.clone()))),
            Source::File(p) => Box::new(load::open_path(p, max_size).map(Ok)),
            Source::Stdin => match stdin {
                Some(Ok(bytes)) => Box::new(load::open_bytes(bytes.clone(), max_size).map(Ok)),
                Some(Err(f)) => Box::new(std::iter::once(Err(f.clone()))),
                None => Box::new(std::iter::once(Err(Failure::internal(
                    "standard input was not read",
                )))),
            },
        };
        let (shown, group) = (input.shown.clone(), input.group);
        messages.map(move |found| Unit {
            shown: match &found {
                Ok(f) => format!("{shown}{}", f.suffix),
                Err(_) => shown.clone(),
            },
            group,
            found,
        })
    })
}

/// Analyses and (unless offline) re-checks one message and the messages attached to it.
/// Never panics: a panic inside becomes a `Failure` of kind `internal` for this input alone.
fn check_one(unit: Unit, opts: &Options, live_opts: Option<&LiveOptions>) -> Vec<Checked> {
    let Unit {
        shown,
        group,
        found,
    } = unit;
    let found = match found {
        Ok(f) => f,
        Err(f) => {
            return vec![Checked {
                path: shown,
                group,
                result: Err(f),
            }]
        }
    };
    let base = shown
        .strip_suffix(found.suffix.as_str())
        .unwrap_or(&shown)
        .to_string();
    let analysed = guarded(|| Ok(intake::analyse(found, opts)));
    let analysed = match analysed {
        Ok(a) => a,
        Err(f) => {
            return vec![Checked {
                path: shown,
                group,
                result: Err(f),
            }]
        }
    };
    analysed
        .into_iter()
        .map(|a| {
            let result = guarded(|| {
                let mut report = a.result.map_err(Failure::from)?;
                if let (Some(lo), Some(raw)) = (live_opts, &a.raw) {
                    let live = live::verify_blocking(raw, &report, lo);
                    analysis::apply_live(&mut report, live, opts);
                }
                Ok(report)
            });
            Checked {
                path: format!("{base}{}", a.suffix),
                group,
                result,
            }
        })
        .collect()
}

/// Runs `f`, turning a panic inside it into a `Failure` of kind `internal`, so one
/// message that trips a bug cannot take the rest of the run down with it.
fn guarded<T>(f: impl FnOnce() -> Result<T, Failure>) -> Result<T, Failure> {
    catch_unwind(AssertUnwindSafe(f))
        .unwrap_or_else(|p| Err(Failure::internal(&panic_text(p.as_ref()))))
}

/// How far workers may run ahead of the printer, so a slow input does not pile up reports in memory.
const WINDOW: usize = 64;
/// Live checks wait on the network, not the CPU: this many run at once.
const LIVE_WORKERS: usize = 8;

/// Stack for each analysis thread. Parsing hostile HTML can recurse deeply (a tag with
/// a thousand attributes needs several megabytes in a debug build), and running out of
/// stack aborts the whole process instead of failing one input. The memory is reserved,
/// not used, until a message needs it.
pub const WORKER_STACK_BYTES: usize = 64 * 1024 * 1024;

/// Runs `work` over `items` on `workers` threads and hands results to `emit` in item order.
/// Items are taken from the iterator only as workers become free, at most `WINDOW` ahead
/// of the printer. Stops early (returning the error) when `emit` fails, e.g. on a closed pipe.
fn for_each_ordered<T, R>(
    items: impl Iterator<Item = T> + Send,
    workers: usize,
    work: impl Fn(T) -> R + Sync,
    mut emit: impl FnMut(R) -> std::io::Result<()>,
) -> std::io::Result<()>
where
    T: Send,
    R: Send,
{
    let source = Mutex::new((0usize, items));
    let stop = AtomicBool::new(false);
    let printed = Mutex::new(0usize);
    let turn = Condvar::new();
    std::thread::scope(|s| {
        let (tx, rx) = mpsc::channel::<(usize, R)>();
        let mut started = 0;
        for _ in 0..workers.max(1) {
            let tx = tx.clone();
            let (source, stop, printed, turn, work) = (&source, &stop, &printed, &turn, &work);
            let spawned = std::thread::Builder::new()
                .name("mailsleuth-check".into())
                .stack_size(WORKER_STACK_BYTES)
                .spawn_scoped(s, move || loop {
                    // Reading the next item (part of an mbox, say) happens under the lock, in order.
                    let next = {
                        let mut src = source.lock().unwrap_or_else(|e| e.into_inner());
                        let i = src.0;
                        src.0 += 1;
                        src.1.next().map(|item| (i, item))
                    };
                    let Some((i, item)) = next else { break };
                    {
                        let mut p = printed.lock().unwrap_or_else(|e| e.into_inner());
                        while i >= *p + WINDOW && !stop.load(Ordering::SeqCst) {
                            p = turn.wait(p).unwrap_or_else(|e| e.into_inner());
                        }
                    }
                    if stop.load(Ordering::SeqCst) || tx.send((i, work(item))).is_err() {
                        break;
                    }
                });
            started += usize::from(spawned.is_ok());
        }
        drop(tx);
        if started == 0 {
            return Err(std::io::Error::other("could not start any worker thread"));
        }
        let mut pending = BTreeMap::new();
        let mut want = 0usize;
        let mut result = Ok(());
        'recv: for (i, r) in rx {
            pending.insert(i, r);
            while let Some(r) = pending.remove(&want) {
                if let Err(e) = emit(r) {
                    result = Err(e);
                    break 'recv;
                }
                want += 1;
                *printed.lock().unwrap_or_else(|e| e.into_inner()) = want;
                turn.notify_all();
            }
        }
        if result.is_err() {
            // Set under the lock so a worker cannot miss the wake-up between its check and its wait.
            {
                let _p = printed.lock().unwrap_or_else(|e| e.into_inner());
                stop.store(true, Ordering::SeqCst);
            }
            turn.notify_all();
        }
        result
    })
}

fn report(args: ReportArgs) -> anyhow::Result<Status> {
    let fail = |why: String| {
        eprintln!("mailsleuth: {why}");
        Ok(Status::Failed)
    };
    let profile = match profile_for(args.profile.as_deref()) {
        Ok(p) => p,
        Err(e) => return fail(format!("the organisation profile cannot be used: {e}")),
    };
    let raw = match load::read_file(&args.file, load::DEFAULT_MAX_SIZE) {
        Ok(raw) => raw,
        Err(e) => return fail(e.to_string()),
    };
    let mut opts = Options::with_clock();
    if let Some(p) = &profile {
        opts = opts.with_profile(Arc::clone(p));
    }
    let report = match analysis::analyze(&raw, &opts) {
        Ok(r) => r,
        Err(e) => return fail(e.to_string()),
    };
    let answers = crate::report::incident::Answers {
        clicked_link: args.clicked_link,
        typed_secret: args.typed_secret,
        opened_attachment: args.opened_attachment,
        replied: args.replied,
        paid_or_sent: args.paid,
    };
    let now = analysis::unix_now().unwrap_or(0);
    let times = crate::report::incident::Times {
        received: report.path.delivered_at,
        checked: now,
        reported: now,
    };
    let p = profile.as_deref();
    let bytes = if args.html {
        crate::report::incident::html(&report, &answers, p, times, args.redact).into_bytes()
    } else {
        crate::report::incident::draft_eml(&raw, &report, &answers, p, times)
    };
    if let Err(why) = crate::report::incident::write_new(&args.output, &bytes) {
        return fail(why);
    }
    println!(
        "Wrote {} ({}: {})",
        args.output.display(),
        report.verdict.word(),
        report.headline
    );
    Ok(if report.verdict == Verdict::Danger {
        Status::Danger
    } else {
        Status::Clean
    })
}

/// The profile named on the command line, else the system-wide one; an error says what
/// is wrong with it and on which line.
pub fn profile_for(
    named: Option<&Path>,
) -> Result<Option<Arc<Profile>>, crate::profile::ProfileError> {
    match named.map(Path::to_path_buf).or_else(Profile::system_path) {
        Some(path) => Profile::load(&path).map(|p| Some(Arc::new(p))),
        None => Ok(None),
    }
}

fn check(args: CheckArgs) -> anyhow::Result<Status> {
    let profile = match profile_for(args.profile.as_deref()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("mailsleuth: the organisation profile cannot be used: {e}");
            return Ok(Status::Failed);
        }
    };
    let html = args.html.clone();
    let html_input = args.paths.first().cloned();
    let inputs = args.paths.len();
    let mut plan = Plan::new(args);
    if let Some(out) = html {
        let Some(input) = html_input.filter(|p| inputs == 1 && p.is_file()) else {
            eprintln!(
                "mailsleuth: --html saves the report of one message: give exactly one message file"
            );
            return Ok(Status::Failed);
        };
        let mut opts = plan.opts.clone();
        if let Some(p) = &profile {
            opts = opts.with_profile(Arc::clone(p));
        }
        let page = load::read_file(&input, opts.max_size)
            .map_err(|e| e.to_string())
            .and_then(|raw| analysis::analyze(&raw, &opts).map_err(|e| e.to_string()))
            .map(|r| {
                let now = analysis::unix_now().unwrap_or(0);
                let times = crate::report::incident::Times {
                    received: r.path.delivered_at,
                    checked: now,
                    reported: now,
                };
                crate::report::incident::html(
                    &r,
                    &crate::report::incident::Answers::default(),
                    profile.as_deref(),
                    times,
                    false,
                )
            })
            .and_then(|page| crate::report::incident::write_new(&out, page.as_bytes()));
        if let Err(why) = page {
            eprintln!("mailsleuth: {why}");
            return Ok(Status::Failed);
        }
    }
    if let Some(p) = profile {
        if p.offline == Some(true) {
            // The organisation's policy: no lookups, whatever the command line says.
            plan.live = None;
        }
        plan.opts = plan.opts.with_profile(p);
    }
    let stdin = plan
        .inputs
        .iter()
        .any(|i| matches!(i.source, Source::Stdin))
        .then(|| read_stdin(plan.opts.max_size));
    let mut status = Status::Clean;
    let mut summary = Summary::new(plan.labels.clone());
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let emitted = for_each_ordered(
        units(&plan.inputs, stdin.as_ref(), plan.opts.max_size),
        plan.workers,
        |unit| check_one(unit, &plan.opts, plan.live.as_ref()),
        |batch| {
            for checked in batch {
                emit_one(&checked, &plan, &mut status, &mut summary, &mut out)?;
            }
            // Flushing per input keeps a pipe reader in step with the run.
            out.flush()
        },
    );
    let finished = emitted.and_then(|()| {
        match plan.mode {
            Mode::Summary { json: true } => {
                writeln!(out, "{}", summary.to_json())?;
            }
            Mode::Summary { json: false } => {
                out.write_all(summary.render_text().as_bytes())?;
            }
            Mode::Text(_) | Mode::Json => {}
        }
        out.flush()
    });
    match finished {
        Ok(()) => Ok(status),
        // A reader that stopped early (`| head`) is not an error of the run.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(status),
        Err(e) => Err(anyhow::Error::new(e).context("could not write the output")),
    }
}

/// Prints (or, for a summary, counts) one checked message.
fn emit_one(
    checked: &Checked,
    plan: &Plan,
    status: &mut Status,
    summary: &mut Summary,
    out: &mut impl Write,
) -> std::io::Result<()> {
    {
        {
            *status = (*status).max(match &checked.result {
                Ok(r) if r.verdict == Verdict::Danger => Status::Danger,
                Ok(_) => Status::Clean,
                Err(_) => Status::Failed,
            });
            match plan.mode {
                Mode::Text(style) => {
                    out.write_all(text::render(checked, style).as_bytes())?;
                }
                Mode::Json => {
                    out.write_all(json::to_line(checked).as_bytes())?;
                    out.write_all(b"\n")?;
                }
                Mode::Summary { .. } => {
                    if let Err(f) = &checked.result {
                        eprintln!(
                            "mailsleuth: {}: {}",
                            crate::report::clean(&checked.path),
                            crate::report::clean(&f.message)
                        );
                    }
                    summary.add(checked);
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_internal_failure() {
        let r: Result<(), Failure> = guarded(|| panic!("boom"));
        let f = r.unwrap_err();
        assert_eq!(f.kind, "internal");
        assert!(f.message.contains("boom"), "{}", f.message);
    }

    #[test]
    fn results_are_printed_in_input_order_whatever_order_they_finish_in() {
        let items: Vec<u64> = (0..200).collect();
        let mut seen = Vec::new();
        for_each_ordered(
            items.iter().copied(),
            4,
            |i| {
                // Later items finish first, so the printer must reorder.
                std::thread::sleep(std::time::Duration::from_micros((200 - i) * 20));
                i
            },
            |i| {
                seen.push(i);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(seen, items);
    }

    #[test]
    fn a_failing_writer_stops_the_run_without_hanging() {
        let items: Vec<u32> = (0..1000).collect();
        let mut n = 0;
        let r = for_each_ordered(
            items.iter().copied(),
            3,
            |i| i,
            |_| {
                n += 1;
                if n == 5 {
                    Err(std::io::Error::from(std::io::ErrorKind::BrokenPipe))
                } else {
                    Ok(())
                }
            },
        );
        assert!(r.is_err());
        assert_eq!(n, 5);
    }
}
