//! Speed of the offline analysis, side by side with the floor: a bare mail-parser parse of
//! the same files (headers, every Received header, every text and HTML body), measured in
//! the same run, so the ratio between the two holds however busy the machine is.
//!
//! `cargo run --release --example bench -- [--jobs N] [FOLDER] [ROUNDS]`
//!
//! FOLDER defaults to `phishing/` of the development corpus (`$MAILSLEUTH_CORPUS`, else
//! `../shared/corpus`); ROUNDS defaults to 5. Files are read into memory first, so the
//! figures are analysis time, not disk time. Each round runs the floor and the analysis
//! (`analyze` plus the JSON line `check --json` prints) on one thread, taking turns over
//! slices of 20 messages so that both see the same machine; the figures quoted are medians over the rounds, the per-message percentiles are over every
//! message of every round. With `--jobs N` (N > 1), the analysis then runs once more on N
//! threads, to show how the work spreads over cores.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use mail_parser::{HeaderName, MessageParser};
use mailsleuth::analysis::{self, Options};
use mailsleuth::report::{json, Checked};

fn default_folder() -> PathBuf {
    let root = std::env::var_os("MAILSLEUTH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/corpus"));
    root.join("phishing")
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            files(&p, out);
        } else if p.is_file() {
            out.push(p);
        }
    }
}

/// CPU time used so far by the calling thread.
fn thread_cpu() -> Duration {
    cpu_clock(libc::CLOCK_THREAD_CPUTIME_ID)
}

/// CPU time used so far by the whole process (every thread).
fn process_cpu() -> Duration {
    cpu_clock(libc::CLOCK_PROCESS_CPUTIME_ID)
}

fn cpu_clock(clock: libc::clockid_t) -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock ids are Linux/POSIX constants.
    let rc = unsafe { libc::clock_gettime(clock, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(
        u64::try_from(ts.tv_sec).unwrap_or(0),
        u32::try_from(ts.tv_nsec).unwrap_or(0),
    )
}

/// Peak resident memory of the process so far, in bytes.
fn peak_rss() -> u64 {
    // SAFETY: an all-zero rusage is a valid value for getrusage to overwrite.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `ru` is a valid, writable rusage.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
    if rc != 0 {
        return 0;
    }
    // Linux reports ru_maxrss in kilobytes.
    u64::try_from(ru.ru_maxrss).unwrap_or(0) * 1024
}

/// The floor: what any tool reading these messages must at least do with mail-parser —
/// parse, walk every header (the Received ones parsed into fields) and decode every text
/// and HTML body. Returns a number derived from the work, so none of it can be skipped.
fn floor(raw: &[u8]) -> usize {
    let Some(msg) = MessageParser::default().parse(raw) else {
        return 0;
    };
    let mut n = 0usize;
    for h in msg.headers() {
        n += 1;
        if h.name == HeaderName::Received {
            if let Some(r) = h.value().as_received() {
                n += r.from().map_or(0, |f| f.to_string().len());
                n += usize::from(r.date().is_some());
            }
        }
    }
    for i in 0..msg.text_body_count() {
        n += msg.body_text(i).map_or(0, |t| t.len());
    }
    for i in 0..msg.html_body_count() {
        n += msg.body_html(i).map_or(0, |t| t.len());
    }
    n
}

/// Analyses one message the way `check --json --offline` does and returns its JSON line's length.
fn analyse(path: &str, raw: &[u8], opts: &Options) -> usize {
    let result = analysis::analyze(raw, opts);
    let checked = Checked {
        path: path.to_string(),
        group: 0,
        result: result.map_err(Into::into),
    };
    json::to_line(&checked).len()
}

/// Messages per turn of the floor and the analysis (see the round loop).
const SLICE: usize = 20;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

struct Args {
    folder: PathBuf,
    rounds: usize,
    jobs: usize,
}

fn parse_args() -> Args {
    let mut folder = None;
    let mut rounds = None;
    let mut jobs = 1;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--jobs" {
            jobs = args.next().and_then(|n| n.parse().ok()).unwrap_or(1);
        } else if let Some(n) = a.strip_prefix("--jobs=") {
            jobs = n.parse().unwrap_or(1);
        } else if folder.is_none() {
            folder = Some(PathBuf::from(a));
        } else {
            rounds = a.parse().ok();
        }
    }
    Args {
        folder: folder.unwrap_or_else(default_folder),
        rounds: rounds.unwrap_or(5).max(1),
        jobs: jobs.max(1),
    }
}

fn main() {
    let Args {
        folder,
        rounds,
        jobs,
    } = parse_args();
    let mut paths = Vec::new();
    files(&folder, &mut paths);
    let inputs: Vec<(String, Vec<u8>)> = paths
        .iter()
        .filter_map(|p| Some((p.display().to_string(), std::fs::read(p).ok()?)))
        .collect();
    if inputs.is_empty() {
        eprintln!("bench: no files under {}", folder.display());
        std::process::exit(2);
    }
    let n = inputs.len() as f64;
    let mb = inputs.iter().map(|(_, b)| b.len()).sum::<usize>() as f64 / 1e6;
    let opts = Options::default();
    println!(
        "bench: {} messages, {mb:.1} MB, from {}; {rounds} round(s) on one thread",
        inputs.len(),
        folder.display()
    );

    let mut floor_wall = Vec::new();
    let mut floor_cpu = Vec::new();
    let mut wall = Vec::new();
    let mut cpu = Vec::new();
    // Per message, every round: (time, index) for the percentiles and the slowest message.
    let mut per_message: Vec<(Duration, usize)> = Vec::with_capacity(inputs.len() * rounds);
    let mut per_input: Vec<Vec<Duration>> = vec![Vec::new(); inputs.len()];
    let mut json_bytes = 0usize;
    for round in 1..=rounds {
        // The floor and the analysis take turns over small slices of the folder, each
        // going first in every other slice, so a machine whose speed drifts (other work,
        // frequency changes) slows both alike and their ratio stays put.
        let (mut fw, mut fc, mut aw, mut ac) = Default::default();
        let mut sink = 0usize;
        json_bytes = 0;
        for (slice, chunk) in inputs.chunks(SLICE).enumerate() {
            let first = slice * SLICE;
            let run_floor = |sink: &mut usize| {
                let (start, start_cpu) = (Instant::now(), thread_cpu());
                for (_, raw) in chunk {
                    *sink = sink.wrapping_add(floor(std::hint::black_box(raw)));
                }
                (start.elapsed(), thread_cpu().saturating_sub(start_cpu))
            };
            let mut run_analysis = |json_bytes: &mut usize| {
                let (start, start_cpu) = (Instant::now(), thread_cpu());
                for (k, (path, raw)) in chunk.iter().enumerate() {
                    let i = first + k;
                    let one = Instant::now();
                    *json_bytes += analyse(path, raw, &opts);
                    let took = one.elapsed();
                    per_message.push((took, i));
                    if let Some(v) = per_input.get_mut(i) {
                        v.push(took);
                    }
                }
                (start.elapsed(), thread_cpu().saturating_sub(start_cpu))
            };
            let ((w1, c1), (w2, c2)) = if slice % 2 == 0 {
                let f = run_floor(&mut sink);
                (f, run_analysis(&mut json_bytes))
            } else {
                let a = run_analysis(&mut json_bytes);
                (run_floor(&mut sink), a)
            };
            fw += w1;
            fc += c1;
            aw += w2;
            ac += c2;
        }
        std::hint::black_box(sink);
        let (fw, fc, aw, ac): (Duration, Duration, Duration, Duration) = (fw, fc, aw, ac);
        println!(
            "round {round}: floor {:.3} s wall, {:.3} s CPU; mailsleuth {:.3} s wall, {:.3} s CPU \
             ({:.0} messages/s, {:.1} MB/s); CPU {:.1}x the floor",
            fw.as_secs_f64(),
            fc.as_secs_f64(),
            aw.as_secs_f64(),
            ac.as_secs_f64(),
            n / aw.as_secs_f64(),
            mb / aw.as_secs_f64(),
            ac.as_secs_f64() / fc.as_secs_f64().max(1e-9),
        );
        floor_wall.push(fw);
        floor_cpu.push(fc);
        wall.push(aw);
        cpu.push(ac);
    }

    let ratios: Vec<Duration> = cpu
        .iter()
        .zip(&floor_cpu)
        .map(|(a, f)| Duration::from_secs_f64(a.as_secs_f64() / f.as_secs_f64().max(1e-9)))
        .collect();
    let (fw, fc, aw, ac) = (
        median(floor_wall),
        median(floor_cpu),
        median(wall),
        median(cpu),
    );
    per_message.sort();
    let at = |q: f64| {
        let i = ((per_message.len() as f64 - 1.0) * q).round() as usize;
        per_message.get(i).map(|p| p.0).unwrap_or_default()
    };
    println!("median of {rounds} round(s):");
    println!(
        "  floor (mail-parser parse, headers, Received, bodies): {:.3} s wall, {:.3} s CPU, \
         {:.0} messages/s, {:.1} MB/s",
        fw.as_secs_f64(),
        fc.as_secs_f64(),
        n / fw.as_secs_f64(),
        mb / fw.as_secs_f64()
    );
    println!(
        "  mailsleuth (analyse + JSON line, {:.1} MB of JSON): {:.3} s wall, {:.3} s CPU, \
         {:.0} messages/s, {:.1} MB/s",
        json_bytes as f64 / 1e6,
        aw.as_secs_f64(),
        ac.as_secs_f64(),
        n / aw.as_secs_f64(),
        mb / aw.as_secs_f64()
    );
    println!(
        "  ratio to the floor: CPU {:.1}x (median of the per-round ratios {:.1}x), wall {:.1}x",
        ac.as_secs_f64() / fc.as_secs_f64().max(1e-9),
        median(ratios).as_secs_f64(),
        aw.as_secs_f64() / fw.as_secs_f64().max(1e-9)
    );
    println!(
        "  per message: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        ms(at(0.5)),
        ms(at(0.99)),
        ms(at(1.0))
    );
    // The slowest messages by their median over the rounds (one slow round is load, not the message).
    let mut slowest: Vec<(Duration, usize)> = per_input
        .into_iter()
        .enumerate()
        .map(|(i, v)| (median(v), i))
        .collect();
    slowest.sort_by(|a, b| b.cmp(a));
    for (d, i) in slowest.iter().take(3) {
        if let Some((path, raw)) = inputs.get(*i) {
            println!(
                "  slow: {:.2} ms (median) for {} ({:.0} KB)",
                ms(*d),
                path,
                raw.len() as f64 / 1e3
            );
        }
    }

    if jobs > 1 {
        let next = AtomicUsize::new(0);
        let (start, start_cpu) = (Instant::now(), process_cpu());
        std::thread::scope(|s| {
            for _ in 0..jobs {
                s.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((path, raw)) = inputs.get(i) else {
                        break;
                    };
                    std::hint::black_box(analyse(path, raw, &opts));
                });
            }
        });
        let (w, c) = (start.elapsed(), process_cpu().saturating_sub(start_cpu));
        println!(
            "on {jobs} threads: {:.3} s wall, {:.3} s CPU, {:.0} messages/s, {:.1} MB/s; \
             wall {:.2}x the CPU time",
            w.as_secs_f64(),
            c.as_secs_f64(),
            n / w.as_secs_f64(),
            mb / w.as_secs_f64(),
            w.as_secs_f64() / c.as_secs_f64().max(1e-9)
        );
    }
    println!(
        "peak memory: {:.0} MB resident (the inputs held in memory: {mb:.0} MB)",
        peak_rss() as f64 / 1e6
    );
}
