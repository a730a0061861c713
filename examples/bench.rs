//! Throughput of the offline analysis: every message in a folder is analysed and rendered
//! as a JSON line, on one thread, several times over.
//!
//! `cargo run --release --example bench [FOLDER] [ROUNDS]`
//!
//! FOLDER defaults to `phishing/` of the development corpus (`$MAILSLEUTH_CORPUS`, else
//! `../shared/corpus`); ROUNDS defaults to 3. Files are read into memory first, so the
//! figures are analysis time, not disk time.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

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

fn main() {
    let mut args = std::env::args().skip(1);
    let folder = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(default_folder);
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(3).max(1);
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
    let bytes: usize = inputs.iter().map(|(_, b)| b.len()).sum();
    let opts = Options::default();
    println!(
        "bench: {} messages, {:.1} MB, from {}; {rounds} round(s), one thread",
        inputs.len(),
        bytes as f64 / 1e6,
        folder.display()
    );
    let mut per_message: Vec<Duration> = Vec::with_capacity(inputs.len() * rounds);
    let mut best = Duration::MAX;
    for round in 1..=rounds {
        let start = Instant::now();
        let mut output = 0usize;
        for (path, raw) in &inputs {
            let one = Instant::now();
            let result = analysis::analyze(raw, &opts);
            let checked = Checked {
                path: path.clone(),
                group: 0,
                result: result.map_err(Into::into),
            };
            output += json::to_line(&checked).len();
            per_message.push(one.elapsed());
        }
        let took = start.elapsed();
        best = best.min(took);
        let secs = took.as_secs_f64();
        println!(
            "round {round}: {:.2} s, {:.0} messages/s, {:.1} MB/s ({:.1} MB of JSON)",
            secs,
            inputs.len() as f64 / secs,
            bytes as f64 / 1e6 / secs,
            output as f64 / 1e6
        );
    }
    per_message.sort();
    let at = |q: f64| {
        let i = ((per_message.len() as f64 - 1.0) * q).round() as usize;
        per_message.get(i).copied().unwrap_or_default()
    };
    let secs = best.as_secs_f64();
    println!(
        "best round: {:.0} messages/s, {:.1} MB/s; per message p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        inputs.len() as f64 / secs,
        bytes as f64 / 1e6 / secs,
        at(0.5).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        at(1.0).as_secs_f64() * 1e3
    );
}
