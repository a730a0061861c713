//! The whole development corpus through `analyze` and both renderers, in-process: no input
//! may panic, each gets a report or a typed error, and the phishing folder (real mail
//! delivered by a large provider) must yield a path and recorded authentication results.
//!
//! The corpus lives outside the repository: `$MAILSLEUTH_CORPUS`, else `../shared/corpus`
//! beside the project, else `/work/shared/corpus`. Without one the test prints a note and passes.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use mailsleuth::analysis::{self, Options, Report};
use mailsleuth::report::{json, text, Checked};

fn corpus_root() -> Option<PathBuf> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::env::var_os("MAILSLEUTH_CORPUS")
        .map(PathBuf::from)
        .into_iter()
        .chain([
            manifest.join("../shared/corpus"),
            PathBuf::from("/work/shared/corpus"),
        ])
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

#[test]
fn every_corpus_file_gets_a_report_or_a_typed_error_and_phishing_has_paths_and_auth() {
    let Some(root) = corpus_root() else {
        println!("note: no corpus found (set MAILSLEUTH_CORPUS or place shared/corpus beside the project); skipping");
        return;
    };
    let mut files = Vec::new();
    walk(&root, &mut files);
    assert!(!files.is_empty(), "corpus at {} is empty", root.display());

    let opts = Options::default();
    let mut folders: BTreeMap<String, Folder> = BTreeMap::new();
    let mut panics = Vec::new();
    for path in &files {
        let Ok(raw) = std::fs::read(path) else {
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
                assert!(
                    serde_json::from_str::<serde_json::Value>(&line).is_ok(),
                    "{shown}: JSON line does not parse"
                );
                assert!(
                    !page.contains('\u{1b}'),
                    "{shown}: text output carries a raw escape character"
                );
                folders.entry(folder).or_default().add(&result);
            }
            Err(p) => panics.push(format!("{shown}: {}", panic_text(p.as_ref()))),
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
    assert!(
        panics.is_empty(),
        "{} inputs panicked:\n  {}",
        panics.len(),
        panics.join("\n  ")
    );

    let Some(ph) = folders.get("phishing") else {
        println!("note: the corpus has no phishing/ folder; skipping the path and auth figures");
        return;
    };
    let hops = pct(ph.with_hops, ph.files);
    assert!(hops >= 99.0, "phishing/: only {hops:.1} % have hops");
    for (what, n) in [("SPF", ph.spf), ("DKIM", ph.dkim), ("DMARC", ph.dmarc)] {
        let share = pct(n, ph.files);
        assert!(
            share >= 95.0,
            "phishing/: only {share:.1} % have a trusted recorded {what} result"
        );
    }
}
