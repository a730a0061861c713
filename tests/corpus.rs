//! The whole development corpus through `analyze` and both renderers, in-process: no input
//! may panic, each gets a report or a typed error, and the phishing folder (real mail
//! delivered by a large provider) must yield a path and recorded authentication results.
//!
//! The corpus lives outside the repository: `$MAILSLEUTH_CORPUS`, else `../shared/corpus`
//! beside the project. Without one the test prints a note and passes.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use mailsleuth::analysis::{self, Options, Outcome, Report, Verdict};
use mailsleuth::report::{json, text, Checked};

fn corpus_root() -> Option<PathBuf> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::env::var_os("MAILSLEUTH_CORPUS")
        .map(PathBuf::from)
        .into_iter()
        .chain([manifest.join("../shared/corpus")])
        .find(|p| p.is_dir())
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if p.is_file() {
            out.push(p);
        }
    }
}

#[derive(Default)]
struct Folder {
    files: usize,
    reports: usize,
    errors: BTreeMap<&'static str, usize>,
    with_hops: usize,
    spf: usize,
    dkim: usize,
    dmarc: usize,
    ok: usize,
    danger: usize,
    /// Non-ok verdicts that name no flagged check with evidence.
    unexplained: Vec<String>,
}

impl Folder {
    fn add(&mut self, r: &Result<Report, mailsleuth::load::LoadError>) {
        self.files += 1;
        match r {
            Ok(r) => {
                self.reports += 1;
                self.with_hops += usize::from(!r.path.hops.is_empty());
                self.spf += usize::from(r.auth.recorded.spf.is_some());
                self.dkim += usize::from(r.auth.recorded.dkim.is_some());
                self.dmarc += usize::from(r.auth.recorded.dmarc.is_some());
                self.ok += usize::from(r.verdict == Verdict::Ok);
                self.danger += usize::from(r.verdict == Verdict::Danger);
                let explained = r.checks.iter().any(|c| {
                    c.weight > 0
                        && matches!(c.outcome, Outcome::Warn | Outcome::Fail)
                        && !c.evidence.is_empty()
                });
                if r.verdict != Verdict::Ok && !explained {
                    self.unexplained.push(r.subject.clone().unwrap_or_default());
                }
            }
            Err(e) => *self.errors.entry(e.kind()).or_default() += 1,
        }
    }
}

fn pct(n: usize, of: usize) -> f64 {
    if of == 0 {
        0.0
    } else {
        n as f64 * 100.0 / of as f64
    }
}

fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}

/// What one pass over the corpus found; computed once and shared by the tests below.
struct Run {
    root: PathBuf,
    files: usize,
    folders: BTreeMap<String, Folder>,
    /// Inputs on which analysis or rendering panicked, or whose output broke a rule.
    broken: Vec<String>,
}

fn corpus_run() -> Option<&'static Run> {
    static RUN: OnceLock<Option<Run>> = OnceLock::new();
    RUN.get_or_init(|| {
        let root = corpus_root()?;
        // Analyse on a thread with the stack the `check` command gives its workers, so
        // these tests see what a user running mailsleuth would.
        let worker = std::thread::Builder::new()
            .stack_size(mailsleuth::cli::WORKER_STACK_BYTES)
            .spawn(move || run_corpus(root))
            .expect("start the corpus thread");
        Some(
            worker
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p)),
        )
    })
    .as_ref()
}

fn run_corpus(root: PathBuf) -> Run {
    let mut files = Vec::new();
    walk(&root, &mut files);
    let opts = Options::default();
    let mut folders: BTreeMap<String, Folder> = BTreeMap::new();
    let mut broken = Vec::new();
    for path in &files {
        let Ok(raw) = std::fs::read(path) else {
            broken.push(format!("{}: could not be read", path.display()));
            continue;
        };
        let rel = path.strip_prefix(&root).unwrap_or(path);
        let folder = rel
            .components()
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .unwrap_or_default();
        let shown = rel.display().to_string();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let result = analysis::analyze(&raw, &opts);
            let checked = Checked {
                path: shown.clone(),
                group: 0,
                result: result.clone().map_err(Into::into),
            };
            // The renderers face the same hostile input, so they are held to the same rule.
            let line = json::to_line(&checked);
            let page = text::render(&checked, text::Style::default());
            (result, line, page)
        }));
        match outcome {
            Ok((result, line, page)) => {
                if serde_json::from_str::<serde_json::Value>(&line).is_err() {
                    broken.push(format!("{shown}: its JSON line does not parse"));
                }
                if page.contains('\u{1b}') {
                    broken.push(format!(
                        "{shown}: text output carries a raw escape character"
                    ));
                }
                folders.entry(folder).or_default().add(&result);
            }
            Err(p) => broken.push(format!("{shown}: panicked: {}", panic_text(p.as_ref()))),
        }
    }
    println!("corpus: {} files under {}", files.len(), root.display());
    for (name, f) in &folders {
        println!(
            "  {name:<10} files {:>5}  reports {:>5}  errors {:?}  hops {:.1} %  recorded spf {:.1} %  dkim {:.1} %  dmarc {:.1} %",
            f.files,
            f.reports,
            f.errors,
            pct(f.with_hops, f.reports),
            pct(f.spf, f.reports),
            pct(f.dkim, f.reports),
            pct(f.dmarc, f.reports),
        );
    }
    Run {
        root,
        files: files.len(),
        folders,
        broken,
    }
}

const NO_CORPUS: &str =
    "note: no corpus found (set MAILSLEUTH_CORPUS or place shared/corpus beside the project); skipping";

#[test]
fn every_corpus_file_gets_a_report_or_a_typed_error_without_panicking() {
    let Some(run) = corpus_run() else {
        println!("{NO_CORPUS}");
        return;
    };
    assert!(run.files > 0, "corpus at {} is empty", run.root.display());
    assert!(
        run.broken.is_empty(),
        "{} inputs broke a rule:\n  {}",
        run.broken.len(),
        run.broken.join("\n  ")
    );
}

#[test]
fn phishing_mail_has_a_path_and_trusted_recorded_authentication() {
    let Some(run) = corpus_run() else {
        println!("{NO_CORPUS}");
        return;
    };
    let Some(ph) = run.folders.get("phishing") else {
        println!("note: the corpus has no phishing/ folder; skipping the path and auth figures");
        return;
    };
    let hops = pct(ph.with_hops, ph.files);
    println!("phishing/: {hops:.1} % have hops");
    let shares: Vec<(&str, f64)> = [("SPF", ph.spf), ("DKIM", ph.dkim), ("DMARC", ph.dmarc)]
        .into_iter()
        .map(|(what, n)| (what, pct(n, ph.files)))
        .collect();
    for (what, share) in &shares {
        println!("phishing/: {share:.1} % have a trusted recorded {what} result");
    }
    assert!(hops >= 99.0, "phishing/: only {hops:.1} % have hops");
    for (what, share) in shares {
        assert!(
            share >= 95.0,
            "phishing/: only {share:.1} % have a trusted recorded {what} result"
        );
    }
}

#[test]
fn verdicts_on_labelled_mail() {
    let Some(run) = corpus_run() else {
        println!("{NO_CORPUS}");
        return;
    };
    for (name, f) in &run.folders {
        println!(
            "  {name:<10} ok {:.1} %  danger {:.1} %",
            pct(f.ok, f.reports),
            pct(f.danger, f.reports)
        );
        assert!(
            f.unexplained.is_empty(),
            "{name}/: {} non-ok verdicts without a flagged check and its evidence: {:?}",
            f.unexplained.len(),
            f.unexplained
        );
    }
    if let Some(ph) = run.folders.get("phishing") {
        let (ok, danger) = (pct(ph.ok, ph.reports), pct(ph.danger, ph.reports));
        assert!(danger >= 90.0, "phishing/: only {danger:.1} % danger");
        assert!(ok <= 1.0, "phishing/: {ok:.1} % ok");
    }
    if let Some(ham) = run.folders.get("ham-list") {
        let danger = pct(ham.danger, ham.reports);
        assert!(danger <= 2.0, "ham-list/: {danger:.1} % danger");
    }
}
