//! The human-readable rendering of a `Report` for a terminal.
//!
//! Order follows what a person needs first: the verdict and why, then the evidence trail
//! (path, proof of sender, checklist), then attachments and links.

use std::fmt::Write as _;

use super::{clean, Checked, Failure};
use crate::analysis::{
    AuthOutcome, AuthSource, AuthValue, CheckResult, Family, Hop, Location, Outcome, Report,
    Verdict,
};
use crate::lessons;

/// Whether to colour the output with ANSI escapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Style {
    pub color: bool,
}

#[derive(Clone, Copy)]
enum Tone {
    Good,
    Warn,
    Bad,
    Dim,
    Bold,
}

impl Style {
    /// Colour only when writing to a terminal and the person has not opted out (`NO_COLOR`).
    pub fn detect() -> Style {
        use std::io::IsTerminal;
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style {
            color: std::io::stdout().is_terminal() && !no_color,
        }
    }

    fn paint(self, tone: Tone, s: &str) -> String {
        if !self.color {
            return s.to_string();
        }
        let code = match tone {
            Tone::Good => "32",
            Tone::Warn => "33",
            Tone::Bad => "31;1",
            Tone::Dim => "2",
            Tone::Bold => "1",
        };
        format!("\x1b[{code}m{s}\x1b[0m")
    }
}

/// How many pieces of evidence the text view shows per check; JSON carries them all.
const MAX_EVIDENCE_LINES: usize = 3;

/// Renders one input (report or error) as text, ending with a newline.
pub fn render(checked: &Checked, style: Style) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        style.paint(Tone::Bold, &format!("== {}", clean(&checked.path)))
    );
    match &checked.result {
        Ok(report) => report_text(&mut out, report, style),
        Err(f) => failure_text(&mut out, f, style),
    }
    out
}

fn failure_text(out: &mut String, f: &Failure, style: Style) {
    let _ = writeln!(
        out,
        "{} {}",
        style.paint(Tone::Bad, "ERROR"),
        clean(&f.message)
    );
    let _ = writeln!(
        out,
        "{}",
        style.paint(Tone::Dim, &format!("(kind: {})", f.kind))
    );
    out.push('\n');
}

fn verdict_tone(v: Verdict) -> Tone {
    match v {
        Verdict::Ok => Tone::Good,
        Verdict::Caution => Tone::Warn,
        Verdict::Danger => Tone::Bad,
    }
}

fn verdict_icon(v: Verdict) -> &'static str {
    match v {
        Verdict::Ok => "[ok]",
        Verdict::Caution => "[!]",
        Verdict::Danger => "[X]",
    }
}

fn outcome_mark(o: Outcome) -> &'static str {
    match o {
        Outcome::Pass => "ok  ",
        Outcome::Warn => "WARN",
        Outcome::Fail => "FAIL",
        Outcome::Skip => "--  ",
    }
}

fn outcome_tone(o: Outcome) -> Tone {
    match o {
        Outcome::Pass => Tone::Good,
        Outcome::Warn => Tone::Warn,
        Outcome::Fail => Tone::Bad,
        Outcome::Skip => Tone::Dim,
    }
}

fn report_text(out: &mut String, r: &Report, style: Style) {
    let verdict = format!(
        "{} {} ({})",
        verdict_icon(r.verdict),
        r.verdict.word(),
        r.verdict.as_str()
    );
    let _ = writeln!(out, "{}", style.paint(verdict_tone(r.verdict), &verdict));
    let _ = writeln!(out, "{}", clean(&r.headline));
    if let Some(s) = &r.subject {
        let _ = writeln!(out, "Subject: {}", clean(s));
    }
    let _ = writeln!(out, "From:    {}", from_line(r));
    let _ = writeln!(
        out,
        "Kind:    {}",
        clean(&crate::analysis::sender::describe(r))
    );
    out.push('\n');

    reasons_text(out, r, style);
    path_text(out, r, style);
    auth_text(out, r, style);
    checklist_text(out, r, style);
    attachments_text(out, r);
    links_text(out, r);
    if !r.notes.is_empty() || !r.limits.is_empty() {
        let _ = writeln!(out, "{}", style.paint(Tone::Bold, "Notes"));
        for h in &r.limits {
            let _ = writeln!(out, "  - {}", h.text());
        }
        for n in &r.notes {
            let _ = writeln!(out, "  - {}", clean(n));
        }
        out.push('\n');
    }
}

fn from_line(r: &Report) -> String {
    let Some(m) = &r.identity.from else {
        return "(no From address)".into();
    };
    match (&m.display_name, &m.address) {
        (Some(n), Some(a)) => format!("\"{}\" <{}>", clean(n), clean(a)),
        (None, Some(a)) => format!("<{}>", clean(a)),
        (Some(n), None) => format!("\"{}\" (no address)", clean(n)),
        (None, None) => "(no From address)".into(),
    }
}

fn find_check<'a>(r: &'a Report, id: &str) -> Option<&'a CheckResult> {
    r.checks.iter().find(|c| c.id == id)
}

fn reasons_text(out: &mut String, r: &Report, style: Style) {
    if !r.reasons.is_empty() {
        let heading = super::reasons_heading(r.verdict);
        let _ = writeln!(out, "{}", style.paint(Tone::Bold, heading));
        for c in r.reasons.iter().filter_map(|id| find_check(r, id)) {
            flagged_line(out, c, "  ", style);
        }
        if !r.basis.is_empty() && r.verdict != Verdict::Ok {
            let _ = writeln!(out, "  {}", clean(&r.basis));
        }
        out.push('\n');
    }
    let good: Vec<&CheckResult> = r
        .good_news
        .iter()
        .filter_map(|id| find_check(r, id))
        .collect();
    if !good.is_empty() {
        let _ = writeln!(out, "{}", style.paint(Tone::Bold, "Good news"));
        for c in good {
            let _ = writeln!(
                out,
                "  {} {}: {}",
                style.paint(Tone::Good, "ok  "),
                clean(&c.title),
                clean(&c.summary)
            );
        }
        out.push('\n');
    }
}

fn evidence_lines(out: &mut String, c: &CheckResult, indent: &str, style: Style) {
    for e in c.evidence.iter().take(MAX_EVIDENCE_LINES) {
        let place = match &e.location {
            Location::Header { .. } | Location::Message => String::new(),
            Location::Body => "body: ".into(),
            Location::Link { index } => format!("link {}: ", index + 1),
            Location::Attachment { index } => format!("attachment {}: ", index + 1),
            Location::Hop { index } => format!("hop {}: ", index + 1),
        };
        let _ = writeln!(
            out,
            "{indent}{}",
            style.paint(Tone::Dim, &format!("> {place}{}", clean(&e.text)))
        );
    }
    if c.evidence.len() > MAX_EVIDENCE_LINES {
        let _ = writeln!(
            out,
            "{indent}{}",
            style.paint(
                Tone::Dim,
                &format!("> … and {} more", c.evidence.len() - MAX_EVIDENCE_LINES)
            )
        );
    }
}

/// "+3 s", "-2 min 5 s": the sign is kept because a negative delay is itself a finding.
fn delay_text(secs: i64) -> String {
    let d = crate::analysis::path::human_duration(secs);
    if secs >= 0 {
        format!("+{d}")
    } else {
        d
    }
}

fn hop_line(h: &Hop) -> String {
    let from = match (&h.from_host, &h.from_ip) {
        (Some(host), Some(ip)) => format!("{} [{}]", clean(host), clean(ip)),
        (Some(host), None) => clean(host).into_owned(),
        (None, Some(ip)) => format!("[{}]", clean(ip)),
        (None, None) => "(sender not recorded)".into(),
    };
    let by = h
        .by_host
        .as_deref()
        .map(|b| clean(b).into_owned())
        .unwrap_or_else(|| "(receiver not recorded)".into());
    let mut extra = Vec::new();
    if let Some(p) = &h.protocol {
        extra.push(clean(p).into_owned());
    }
    match h.tls {
        Some(true) => extra.push(match &h.tls_version {
            Some(v) => format!("encrypted ({})", clean(v)),
            None => "encrypted".into(),
        }),
        Some(false) => extra.push("not encrypted".into()),
        None => {}
    }
    if let Some(t) = &h.time {
        extra.push(clean(t).into_owned());
    }
    if let Some(d) = h.delay_seconds {
        extra.push(delay_text(d));
    }
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!("  ({})", extra.join(", "))
    };
    format!("{:>3}. {from} -> {by}{extra}", h.index + 1)
}

fn path_text(out: &mut String, r: &Report, style: Style) {
    let _ = writeln!(
        out,
        "{}",
        style.paint(Tone::Bold, "The route it took (first server first)")
    );
    if r.path.hops.is_empty() {
        let _ = writeln!(out, "  No Received headers: the route is not recorded.\n");
        return;
    }
    let boundary = r.path.boundary;
    if boundary.is_none() {
        let _ = writeln!(
            out,
            "  {}",
            style.paint(
                Tone::Warn,
                "No hop could be tied to the recipient's own servers: every line below could be forged."
            )
        );
    }
    // Anomalies grouped by hop once: a message can carry tens of thousands of both.
    let mut by_hop: std::collections::HashMap<usize, Vec<&str>> = std::collections::HashMap::new();
    for a in &r.path.anomalies {
        if let Some(hop) = a.hop {
            by_hop.entry(hop).or_default().push(&a.detail);
        }
    }
    for h in &r.path.hops {
        if boundary == Some(h.index) {
            let _ = writeln!(
                out,
                "  {}",
                style.paint(
                    Tone::Warn,
                    "----- trust boundary: above, written by the sender's side (could be forged); below, by the recipient's servers -----"
                )
            );
        }
        let line = hop_line(h);
        let tone = if h.trusted { Tone::Good } else { Tone::Dim };
        let _ = writeln!(out, "  {}", style.paint(tone, &line));
        for detail in by_hop.get(&h.index).into_iter().flatten() {
            let _ = writeln!(
                out,
                "       {}",
                style.paint(Tone::Warn, &format!("! {}", clean(detail)))
            );
        }
    }
    for a in r.path.anomalies.iter().filter(|a| a.hop.is_none()) {
        let _ = writeln!(
            out,
            "  {}",
            style.paint(Tone::Warn, &format!("! {}", clean(&a.detail)))
        );
    }
    if let Some(ip) = &r.path.connecting_ip {
        let host = r
            .path
            .connecting_host
            .as_deref()
            .map(|h| format!(" ({})", clean(h)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  The sending server, as the recipient's server saw it: {}{host}",
            clean(ip)
        );
    }
    out.push('\n');
}

fn auth_value_tone(v: AuthValue) -> Tone {
    match v {
        AuthValue::Pass | AuthValue::BestGuessPass => Tone::Good,
        AuthValue::Fail | AuthValue::SoftFail | AuthValue::PermError => Tone::Bad,
        AuthValue::None => Tone::Dim,
        _ => Tone::Warn,
    }
}

fn outcome_cell(o: Option<&AuthOutcome>) -> String {
    match o {
        None => "-".into(),
        Some(o) => match &o.domain {
            Some(d) => format!("{} ({})", o.result.as_str(), clean(d)),
            None => o.result.as_str().to_string(),
        },
    }
}

fn auth_text(out: &mut String, r: &Report, style: Style) {
    let a = &r.auth;
    let _ = writeln!(out, "{}", style.paint(Tone::Bold, "Proof of sender"));
    let _ = writeln!(
        out,
        "  {:<6} {:<10} {:<30} re-checked now",
        "", "used", "recorded at delivery"
    );
    let live = a.live.as_ref();
    let rows: [(
        &str,
        &AuthOutcome,
        Option<&AuthOutcome>,
        Option<&AuthOutcome>,
    ); 4] = [
        ("SPF", &a.spf, a.recorded.spf.as_ref(), live.map(|l| &l.spf)),
        (
            "DKIM",
            &a.dkim,
            a.recorded.dkim.as_ref(),
            live.map(|l| &l.dkim),
        ),
        (
            "DMARC",
            &a.dmarc,
            a.recorded.dmarc.as_ref(),
            live.map(|l| &l.dmarc),
        ),
        ("ARC", &a.arc, a.recorded.arc.as_ref(), live.map(|l| &l.arc)),
    ];
    for (name, used, recorded, now) in rows {
        let source = match used.source {
            AuthSource::Recorded => "recorded",
            AuthSource::Live => "live",
        };
        let used_cell = format!("{:<10}", used.result.as_str());
        let live_cell = if live.is_some() {
            outcome_cell(now)
        } else {
            "not checked".into()
        };
        let _ = writeln!(
            out,
            "  {:<6} {} {:<30} {}  {}",
            name,
            style.paint(auth_value_tone(used.result), &used_cell),
            outcome_cell(recorded),
            live_cell,
            style.paint(Tone::Dim, &format!("[{source}]"))
        );
    }
    if let Some(c) = &a.compauth {
        let _ = writeln!(
            out,
            "  Microsoft's combined check (compauth): {}",
            outcome_cell(Some(c))
        );
    }
    if let Some(l) = live {
        for d in &l.disagreements {
            let _ = writeln!(
                out,
                "  {}",
                style.paint(Tone::Warn, &format!("! {}", clean(d)))
            );
        }
        let _ = writeln!(
            out,
            "  {}",
            style.paint(
                Tone::Dim,
                &format!(
                    "re-checked with DNS resolver {} in {} ms",
                    clean(&l.resolver),
                    l.elapsed_ms
                )
            )
        );
    } else {
        let _ = writeln!(
            out,
            "  {}",
            style.paint(
                Tone::Dim,
                "not re-checked now (offline): results are what the receiving server recorded"
            )
        );
    }
    out.push('\n');
}

/// A warning or failure: mark, title and summary, then its evidence indented under it.
fn flagged_line(out: &mut String, c: &CheckResult, indent: &str, style: Style) {
    let _ = writeln!(
        out,
        "{indent}{} [{}] {}: {}",
        style.paint(outcome_tone(c.outcome), outcome_mark(c.outcome)),
        c.grade.label().to_lowercase(),
        clean(&c.title),
        clean(&c.summary)
    );
    evidence_lines(out, c, &format!("{indent}       "), style);
}

fn checklist_text(out: &mut String, r: &Report, style: Style) {
    let _ = writeln!(out, "{}", style.paint(Tone::Bold, "Checklist"));
    for family in Family::ALL {
        let mut in_family: Vec<&CheckResult> =
            r.checks.iter().filter(|c| c.family == family).collect();
        if in_family.is_empty() {
            continue;
        }
        // Problems first, the worst at the top; the sort is stable so catalogue order stays within a rank.
        in_family.sort_by_key(|c| match c.outcome {
            Outcome::Fail => 0,
            Outcome::Warn => 1,
            Outcome::Pass => 2,
            Outcome::Skip => 3,
        });
        let _ = writeln!(out, "  {}", family.title());
        let mut skipped = 0;
        for c in in_family {
            match c.outcome {
                Outcome::Fail | Outcome::Warn => {
                    flagged_line(out, c, "    ", style);
                    if let Some(l) = lessons::lesson(&c.id) {
                        let _ =
                            writeln!(out, "           What it means: {}", clean(l.plain.trim()));
                        let _ =
                            writeln!(out, "           What to do: {}", clean(l.what_to_do.trim()));
                    }
                }
                Outcome::Pass => {
                    // A title names the red flag ("Replies go somewhere else"); next to "ok"
                    // it would read as if the flag were raised, so say what was found instead.
                    let text = if c.title_fits() {
                        format!("{}: {}", clean(&c.title), clean(&c.summary))
                    } else {
                        clean(&c.summary).to_string()
                    };
                    let _ = writeln!(
                        out,
                        "    {} {}",
                        style.paint(Tone::Good, outcome_mark(c.outcome)),
                        text
                    );
                }
                Outcome::Skip => skipped += 1,
            }
        }
        if skipped > 0 {
            let _ = writeln!(
                out,
                "    {}",
                style.paint(
                    Tone::Dim,
                    &format!("{skipped} not applicable to this message",)
                )
            );
        }
    }
    out.push('\n');
}

fn attachments_text(out: &mut String, r: &Report) {
    if r.attachments.is_empty() {
        return;
    }
    let _ = writeln!(out, "Attachments (listed, never opened)");
    for (i, a) in r.attachments.iter().enumerate() {
        let name = a
            .filename
            .as_deref()
            .map(|n| clean(n).into_owned())
            .unwrap_or_else(|| "(no name)".into());
        let sniffed = match &a.sniffed_type {
            Some(s) => format!(", looks like {}", clean(s)),
            None => String::new(),
        };
        let _ = writeln!(
            out,
            "  {}. {name}  ({}, {}{sniffed})",
            i + 1,
            clean(&a.declared_type),
            crate::load::human_size(a.size as u64)
        );
        for m in a.archive_members.iter().take(10) {
            let _ = writeln!(
                out,
                "       contains {}{}",
                clean(&m.name),
                if m.encrypted { " (encrypted)" } else { "" }
            );
        }
        if a.archive_members.len() > 10 {
            let _ = writeln!(out, "       … and {} more", a.archive_members.len() - 10);
        }
        if a.archive_encrypted {
            let _ = writeln!(out, "       the archive is password-protected");
        }
        if let Some(e) = &a.archive_error {
            let _ = writeln!(out, "       could not list its contents: {}", clean(e));
        }
        let _ = writeln!(out, "       sha256 {}", clean(&a.sha256));
    }
    out.push('\n');
}

/// How many links the text view lists; JSON carries them all.
const MAX_LINKS: usize = 20;

fn links_text(out: &mut String, r: &Report) {
    let links = &r.content.links;
    if links.is_empty() {
        return;
    }
    let _ = writeln!(out, "Links (where they really go)");
    for (i, l) in links.iter().take(MAX_LINKS).enumerate() {
        let shown = l.shown_text.trim();
        if let Some(file) = l.in_attachment.as_deref() {
            let _ = writeln!(
                out,
                "  {}. {} (inside the attachment {})",
                i + 1,
                clean(&l.href),
                clean(file)
            );
        } else if shown.is_empty() || shown == l.href {
            let _ = writeln!(out, "  {}. {}", i + 1, clean(&l.href));
        } else {
            let _ = writeln!(
                out,
                "  {}. \"{}\" -> {}",
                i + 1,
                clean(&crate::analysis::text::clip(shown, 80)),
                clean(&l.href)
            );
        }
        if let (Some(wrapper), Some(dest)) = (&l.unwrapped_from, &l.destination_host) {
            let _ = writeln!(
                out,
                "     really goes to {} ({} removed)",
                clean(dest),
                clean(wrapper)
            );
        }
        if let Some(next) = &l.redirects_to {
            let _ = writeln!(
                out,
                "     which says it passes you on to {}",
                clean(&crate::analysis::text::clip(next, 120))
            );
        }
    }
    if links.len() > MAX_LINKS {
        let _ = writeln!(out, "  … and {} more", links.len() - MAX_LINKS);
    }
    out.push('\n');
}
