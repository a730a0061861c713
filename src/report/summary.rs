//! The summary of a whole run: verdict and error counts, how often each check fired, and —
//! when several folders were given — a folder-by-verdict table that shows false alarms and misses.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::{json, Value};

use super::{clean, Checked};
use crate::analysis::{Outcome, Report, Verdict};

/// How many example paths the summary names for a problem worth chasing.
const MAX_EXAMPLES: usize = 5;

/// Counts for one set of inputs (the whole run, or one input folder).
#[derive(Debug, Clone, Default)]
struct Tally {
    inputs: usize,
    bytes: u64,
    ok: usize,
    caution: usize,
    danger: usize,
    errors: BTreeMap<String, usize>,
    with_hops: usize,
    with_boundary: usize,
    recorded_spf: usize,
    recorded_dkim: usize,
    recorded_dmarc: usize,
    recorded_all: usize,
    /// Per check id: (warned, failed).
    fired: BTreeMap<String, (usize, usize)>,
    /// Non-`ok` verdicts that list no warn/fail check with evidence: a verdict nobody can explain.
    unexplained: usize,
    unexplained_examples: Vec<String>,
    internal_examples: Vec<String>,
    received_lines: usize,
    /// Received lines that carry a date, and how many of those dates were read.
    dated_lines: usize,
    dates_read: usize,
    unread_date_examples: Vec<String>,
    /// Received lines in which no clause could be read at all.
    unparsed_lines: usize,
    unparsed_examples: Vec<String>,
}

impl Tally {
    fn analysed(&self) -> usize {
        self.ok + self.caution + self.danger
    }

    fn error_count(&self) -> usize {
        self.errors.values().sum()
    }

    fn add(&mut self, c: &Checked) {
        self.inputs += 1;
        match &c.result {
            Ok(r) => self.add_report(&c.path, r),
            Err(f) => {
                *self.errors.entry(f.kind.clone()).or_default() += 1;
                if f.kind == "internal" && self.internal_examples.len() < MAX_EXAMPLES {
                    self.internal_examples.push(c.path.clone());
                }
            }
        }
    }

    fn add_report(&mut self, path: &str, r: &Report) {
        self.bytes += r.size_bytes as u64;
        match r.verdict {
            Verdict::Ok => self.ok += 1,
            Verdict::Caution => self.caution += 1,
            Verdict::Danger => self.danger += 1,
        }
        if !r.path.hops.is_empty() {
            self.with_hops += 1;
        }
        if r.path.boundary.is_some() {
            self.with_boundary += 1;
        }
        for h in &r.path.hops {
            self.received_lines += 1;
            if h.has_date {
                self.dated_lines += 1;
                if h.timestamp.is_some() {
                    self.dates_read += 1;
                } else if self.unread_date_examples.len() < MAX_EXAMPLES {
                    self.unread_date_examples
                        .push(h.unread_date.clone().unwrap_or_default());
                }
            }
            if h.unparsed {
                self.unparsed_lines += 1;
                if self.unparsed_examples.len() < MAX_EXAMPLES {
                    self.unparsed_examples
                        .push(crate::analysis::text::clip(&h.raw, 120));
                }
            }
        }
        let rec = &r.auth.recorded;
        self.recorded_spf += usize::from(rec.spf.is_some());
        self.recorded_dkim += usize::from(rec.dkim.is_some());
        self.recorded_dmarc += usize::from(rec.dmarc.is_some());
        self.recorded_all +=
            usize::from(rec.spf.is_some() && rec.dkim.is_some() && rec.dmarc.is_some());
        for c in &r.checks {
            let e = self.fired.entry(c.id.to_string()).or_default();
            match c.outcome {
                Outcome::Warn => e.0 += 1,
                Outcome::Fail => e.1 += 1,
                Outcome::Pass | Outcome::Skip => {}
            }
        }
        let explained = r
            .checks
            .iter()
            .any(|c| matches!(c.outcome, Outcome::Warn | Outcome::Fail) && !c.evidence.is_empty());
        if r.verdict != Verdict::Ok && !explained {
            self.unexplained += 1;
            if self.unexplained_examples.len() < MAX_EXAMPLES {
                self.unexplained_examples.push(path.to_string());
            }
        }
    }

    fn fires(&self, id: &str) -> usize {
        self.fired.get(id).map(|(w, f)| w + f).unwrap_or(0)
    }

    fn to_json(&self) -> Value {
        let checks: BTreeMap<&str, Value> = self
            .fired
            .iter()
            .filter(|(_, (w, f))| w + f > 0)
            .map(|(id, (w, f))| (id.as_str(), json!({ "warn": w, "fail": f })))
            .collect();
        json!({
            "inputs": self.inputs,
            "analysed": self.analysed(),
            "bytes": self.bytes,
            "verdicts": { "ok": self.ok, "caution": self.caution, "danger": self.danger },
            "errors": self.errors,
            "internal_errors": self.errors.get("internal").copied().unwrap_or(0),
            "with_hops": self.with_hops,
            "with_boundary": self.with_boundary,
            "recorded": {
                "spf": self.recorded_spf,
                "dkim": self.recorded_dkim,
                "dmarc": self.recorded_dmarc,
                "all_three": self.recorded_all,
            },
            "received": {
                "lines": self.received_lines,
                "with_date": self.dated_lines,
                "dates_read": self.dates_read,
                "unread_date_examples": self.unread_date_examples,
                "unparsed": self.unparsed_lines,
                "unparsed_examples": self.unparsed_examples,
            },
            "checks": checks,
            "unexplained_verdicts": self.unexplained,
            "unexplained_examples": self.unexplained_examples,
            "internal_examples": self.internal_examples,
        })
    }
}

/// Accumulates a run, one input at a time, so a large folder is never held in memory.
#[derive(Debug, Clone)]
pub struct Summary {
    total: Tally,
    /// One label per command-line argument; `None` for arguments that are not folders.
    labels: Vec<Option<String>>,
    groups: Vec<Tally>,
}

impl Summary {
    /// `labels` has one entry per command-line argument: the folder name for a folder,
    /// `None` for a file or standard input.
    pub fn new(labels: Vec<Option<String>>) -> Summary {
        let groups = vec![Tally::default(); labels.len()];
        Summary {
            total: Tally::default(),
            labels,
            groups,
        }
    }

    /// Counts one input.
    pub fn add(&mut self, c: &Checked) {
        self.total.add(c);
        if let Some(g) = self.groups.get_mut(c.group) {
            g.add(c);
        }
    }

    /// Inputs that failed with an internal error (a caught panic).
    pub fn internal_errors(&self) -> usize {
        self.total.errors.get("internal").copied().unwrap_or(0)
    }

    /// The labelled folders, in argument order, when there are at least two of them.
    fn folders(&self) -> Vec<(&str, &Tally)> {
        let folders: Vec<(&str, &Tally)> = self
            .labels
            .iter()
            .zip(&self.groups)
            .filter_map(|(l, t)| l.as_deref().map(|l| (l, t)))
            .collect();
        if folders.len() >= 2 {
            folders
        } else {
            Vec::new()
        }
    }

    /// The summary as one JSON object.
    pub fn to_json(&self) -> Value {
        let folders: Vec<Value> = self
            .folders()
            .into_iter()
            .map(|(label, t)| {
                let mut v = t.to_json();
                if let Some(obj) = v.as_object_mut() {
                    obj.insert("label".into(), json!(label));
                }
                v
            })
            .collect();
        let mut v = self.total.to_json();
        if let Some(obj) = v.as_object_mut() {
            obj.insert("summary".into(), json!(true));
            obj.insert("folders".into(), json!(folders));
        }
        v
    }

    /// The summary as text for a person, ending with a newline.
    pub fn render_text(&self) -> String {
        let t = &self.total;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "mailsleuth summary: {} inputs, {} analysed ({}), {} could not be analysed",
            t.inputs,
            t.analysed(),
            crate::load::human_size(t.bytes),
            t.error_count()
        );
        out.push('\n');
        let _ = writeln!(out, "Verdicts");
        for (word, n) in [("ok", t.ok), ("caution", t.caution), ("danger", t.danger)] {
            let _ = writeln!(out, "  {word:<8} {n:>7}  {}", pct(n, t.analysed()));
        }
        out.push('\n');
        let _ = writeln!(out, "Errors by kind");
        if t.errors.is_empty() {
            let _ = writeln!(out, "  none");
        }
        for (kind, n) in &t.errors {
            let _ = writeln!(out, "  {:<12} {n:>7}", clean(kind));
        }
        let _ = writeln!(out, "internal errors: {}", self.internal_errors());
        for p in &t.internal_examples {
            let _ = writeln!(out, "  e.g. {}", clean(p));
        }
        out.push('\n');
        let _ = writeln!(
            out,
            "Path and recorded authentication (of {} analysed)",
            t.analysed()
        );
        for (what, n) in [
            ("with Received hops", t.with_hops),
            ("with a trust boundary", t.with_boundary),
            ("with a trusted recorded SPF result", t.recorded_spf),
            ("with a trusted recorded DKIM result", t.recorded_dkim),
            ("with a trusted recorded DMARC result", t.recorded_dmarc),
            ("with all three", t.recorded_all),
        ] {
            let _ = writeln!(out, "  {what:<38} {n:>7}  {}", pct(n, t.analysed()));
        }
        out.push('\n');
        let _ = writeln!(out, "Received lines: {}", t.received_lines);
        let _ = writeln!(
            out,
            "  with a date {:>7}, of which read {:>7}  {}",
            t.dated_lines,
            t.dates_read,
            pct(t.dates_read, t.dated_lines)
        );
        for d in &t.unread_date_examples {
            let _ = writeln!(out, "  date not read: {}", clean(d));
        }
        let _ = writeln!(
            out,
            "  that could not be parsed at all {:>7}",
            t.unparsed_lines
        );
        for l in &t.unparsed_examples {
            let _ = writeln!(out, "  not parsed: {}", clean(l));
        }
        out.push('\n');
        let _ = writeln!(
            out,
            "Non-ok verdicts with no check showing evidence: {}",
            t.unexplained
        );
        for p in &t.unexplained_examples {
            let _ = writeln!(out, "  e.g. {}", clean(p));
        }
        out.push('\n');
        self.checks_text(&mut out);
        self.folders_text(&mut out);
        out
    }

    fn checks_text(&self, out: &mut String) {
        let t = &self.total;
        let fired: Vec<(&String, &(usize, usize))> =
            t.fired.iter().filter(|(_, (w, f))| w + f > 0).collect();
        let _ = writeln!(
            out,
            "Checks that warned or failed (of {} analysed)",
            t.analysed()
        );
        if fired.is_empty() {
            let _ = writeln!(out, "  none");
        }
        let width = fired
            .iter()
            .map(|(id, _)| id.len())
            .max()
            .unwrap_or(0)
            .max(8);
        if !fired.is_empty() {
            let _ = writeln!(out, "  {:<width$} {:>7} {:>7}", "check", "warn", "fail");
        }
        for (id, (w, f)) in fired {
            let _ = writeln!(out, "  {:<width$} {w:>7} {f:>7}", clean(id));
        }
        out.push('\n');
    }

    fn folders_text(&self, out: &mut String) {
        let folders = self.folders();
        if folders.is_empty() {
            return;
        }
        let lw = folders
            .iter()
            .map(|(l, _)| l.chars().count())
            .max()
            .unwrap_or(0)
            .max(6);
        let _ = writeln!(out, "By folder (rows: input folder; columns: verdict)");
        let _ = writeln!(
            out,
            "  {:<lw$} {:>7} {:>16} {:>16} {:>16} {:>7}",
            "folder", "inputs", "ok", "caution", "danger", "errors"
        );
        for (label, g) in &folders {
            let cell = |n: usize| format!("{n} ({})", pct(n, g.analysed()));
            let _ = writeln!(
                out,
                "  {:<lw$} {:>7} {:>16} {:>16} {:>16} {:>7}",
                clean(label),
                g.inputs,
                cell(g.ok),
                cell(g.caution),
                cell(g.danger),
                g.error_count()
            );
        }
        out.push('\n');

        let ids: BTreeSet<&str> = folders
            .iter()
            .flat_map(|(_, g)| {
                g.fired
                    .iter()
                    .filter(|(_, (w, f))| w + f > 0)
                    .map(|(id, _)| id.as_str())
            })
            .collect();
        if ids.is_empty() {
            return;
        }
        let _ = writeln!(
            out,
            "Checks firing (warn or fail) per folder: a check that fires on legitimate mail is a false alarm"
        );
        let iw = ids.iter().map(|id| id.len()).max().unwrap_or(0).max(5);
        let cw = folders
            .iter()
            .map(|(l, _)| l.chars().count())
            .max()
            .unwrap_or(0)
            .max(16);
        let mut head = format!("  {:<iw$}", "check");
        for (label, _) in &folders {
            let _ = write!(head, " {:>cw$}", clean(label));
        }
        let _ = writeln!(out, "{head}");
        for id in ids {
            let mut line = format!("  {:<iw$}", clean(id));
            for (_, g) in &folders {
                let n = g.fires(id);
                let _ = write!(line, " {:>cw$}", format!("{n} ({})", pct(n, g.analysed())));
            }
            let _ = writeln!(out, "{line}");
        }
        out.push('\n');
    }
}

fn pct(n: usize, of: usize) -> String {
    if of == 0 {
        return "-".into();
    }
    format!("{:.1} %", n as f64 * 100.0 / of as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{CheckResult, Evidence, Family, Grade, Location};
    use crate::report::Failure;

    fn report(verdict: Verdict, evidence: bool) -> Report {
        let check = CheckResult {
            id: "reply-to-mismatch".into(),
            family: Family::Identity,
            outcome: Outcome::Warn,
            grade: Grade::Hint,
            title: "t".into(),
            summary: "s".into(),
            evidence: if evidence {
                vec![Evidence {
                    location: Location::Message,
                    text: "x".into(),
                }]
            } else {
                Vec::new()
            },
            reassuring: false,
            weight: 5,
        };
        Report {
            verdict,
            checks: vec![check],
            ..Report::default()
        }
    }

    #[test]
    fn folders_table_counts_each_folder_apart() {
        let mut s = Summary::new(vec![Some("bad".into()), Some("good".into())]);
        s.add(&Checked {
            path: "bad/1".into(),
            group: 0,
            result: Ok(report(Verdict::Danger, true)),
        });
        s.add(&Checked {
            path: "good/1".into(),
            group: 1,
            result: Ok(report(Verdict::Ok, true)),
        });
        s.add(&Checked {
            path: "good/2".into(),
            group: 1,
            result: Err(Failure {
                kind: "empty".into(),
                message: "m".into(),
            }),
        });
        let v = s.to_json();
        assert_eq!(v["verdicts"]["danger"], 1);
        assert_eq!(v["errors"]["empty"], 1);
        assert_eq!(v["folders"][0]["label"], "bad");
        assert_eq!(v["folders"][1]["checks"]["reply-to-mismatch"]["warn"], 1);
        assert_eq!(v["folders"][1]["errors"]["empty"], 1);
        let text = s.render_text();
        assert!(text.contains("By folder"), "{text}");
        assert!(text.contains("internal errors: 0"), "{text}");
    }

    #[test]
    fn received_dates_read_and_unparsed_lines_are_counted() {
        use crate::analysis::Hop;
        let mut r = report(Verdict::Ok, true);
        r.path.hops = vec![
            Hop {
                has_date: true,
                timestamp: Some(1),
                ..Hop::default()
            },
            Hop {
                has_date: true,
                unread_date: Some("yesterday-ish".into()),
                ..Hop::default()
            },
            Hop {
                unparsed: true,
                raw: "garbage".into(),
                ..Hop::default()
            },
        ];
        let mut s = Summary::new(vec![None]);
        s.add(&Checked {
            path: "x".into(),
            group: 0,
            result: Ok(r),
        });
        let v = s.to_json();
        assert_eq!(v["received"]["lines"], 3);
        assert_eq!(v["received"]["with_date"], 2);
        assert_eq!(v["received"]["dates_read"], 1);
        assert_eq!(v["received"]["unparsed"], 1);
        let text = s.render_text();
        assert!(text.contains("date not read: yesterday-ish"), "{text}");
        assert!(text.contains("not parsed: garbage"), "{text}");
    }

    #[test]
    fn a_warning_verdict_without_evidence_is_counted() {
        let mut s = Summary::new(vec![None]);
        s.add(&Checked {
            path: "x".into(),
            group: 0,
            result: Ok(report(Verdict::Caution, false)),
        });
        assert_eq!(s.to_json()["unexplained_verdicts"], 1);
        assert!(!s.render_text().contains("By folder"));
    }
}
