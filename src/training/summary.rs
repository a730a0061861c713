//! The end-of-round summary as text or HTML, and saving it without ever overwriting silently.

use std::io::Write;
use std::path::{Path, PathBuf};

use thiserror::Error;

use super::quiz::{PointStatus, Quiz};

/// How a summary is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Html,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Text => "txt",
            Format::Html => "html",
        }
    }
    /// Picks the format from a file name's extension (HTML for .html/.htm, else text).
    pub fn from_path(path: &Path) -> Format {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("html" | "htm") => Format::Html,
            _ => Format::Text,
        }
    }
}

/// Why a summary was not saved.
#[derive(Debug, Error)]
pub enum SaveError {
    #[error("{0} already exists. Choose another name, or confirm that it may be replaced.")]
    Exists(PathBuf),
    #[error("Could not save {path}: {reason}")]
    Io { path: PathBuf, reason: String },
}

/// The title of a check's lesson, or its id when there is no lesson.
fn check_title(id: &str) -> String {
    crate::lessons::lesson(id)
        .map(|l| l.title.clone())
        .unwrap_or_else(|| id.replace('-', " "))
}

/// One finished question, as the summary lists it.
struct Line {
    title: String,
    right: bool,
    decision: &'static str,
    correct: &'static str,
    score: u32,
    max: u32,
    found: usize,
    visible: usize,
    missed: Vec<String>,
}

fn lines(quiz: &Quiz) -> Vec<Line> {
    quiz.questions()
        .iter()
        .filter_map(|q| {
            let r = q.result()?;
            let (found, visible) = r.found();
            Some(Line {
                title: q.scenario.meta.title.clone(),
                right: r.decided_right(),
                decision: r.decision.label(),
                correct: r.correct_decision.label(),
                score: r.score,
                max: r.max_score,
                found,
                visible,
                missed: r
                    .points
                    .iter()
                    .filter(|p| p.status == PointStatus::Missed)
                    .map(|p| check_title(&p.point.check))
                    .collect(),
            })
        })
        .collect()
}

/// The summary as plain text.
pub fn text(quiz: &Quiz) -> String {
    let (score, max) = quiz.score();
    let mut out = format!("mailsleuth quiz: \"Spot it first\"\nScore: {score} of {max}\n\n");
    for (i, l) in lines(quiz).iter().enumerate() {
        out.push_str(&format!(
            "{}. {}\n   You said: {} ({}). Tells found: {} of {}. Points: {} of {}.\n",
            i + 1,
            l.title,
            l.decision,
            if l.right {
                "right".to_string()
            } else {
                format!("the safe answer was {}", l.correct)
            },
            l.found,
            l.visible,
            l.score,
            l.max
        ));
        if !l.missed.is_empty() {
            out.push_str(&format!(
                "   To look at next time: {}\n",
                l.missed.join("; ")
            ));
        }
    }
    out
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The summary as a self-contained HTML page (no scripts, no remote content).
pub fn html(quiz: &Quiz) -> String {
    let (score, max) = quiz.score();
    let mut rows = String::new();
    for (i, l) in lines(quiz).iter().enumerate() {
        let missed = if l.missed.is_empty() {
            "—".to_string()
        } else {
            l.missed
                .iter()
                .map(|m| esc(m))
                .collect::<Vec<_>>()
                .join("<br>")
        };
        rows.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{} {}</td><td>{} of {}</td><td>{} of {}</td><td>{}</td></tr>\n",
            i + 1,
            esc(&l.title),
            if l.right { "✔" } else { "✘" },
            esc(&if l.right {
                l.decision.to_string()
            } else {
                format!("{} (safe answer: {})", l.decision, l.correct)
            }),
            l.found,
            l.visible,
            l.score,
            l.max,
            missed
        ));
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>mailsleuth quiz summary</title>\
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto;}}\
table{{border-collapse:collapse;width:100%;}}td,th{{border:1px solid #999;padding:.4em;text-align:left;vertical-align:top;}}</style>\
</head><body>\n<h1>mailsleuth quiz: “Spot it first”</h1>\n<p><strong>Score: {score} of {max}</strong></p>\n\
<table><thead><tr><th>#</th><th>Message</th><th>Your answer</th><th>Tells found</th><th>Points</th><th>To look at next time</th></tr></thead>\n<tbody>\n{rows}</tbody></table>\n</body></html>\n"
    )
}

/// The summary in the given format.
pub fn render(quiz: &Quiz, format: Format) -> String {
    match format {
        Format::Text => text(quiz),
        Format::Html => html(quiz),
    }
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let m = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// A file name such as `mailsleuth-quiz-2026-11-29-0815.html` for a time in Unix seconds (UTC).
pub fn file_name(format: Format, now: i64) -> String {
    let (y, m, d) = civil_from_days(now.div_euclid(86_400));
    let secs = now.rem_euclid(86_400);
    format!(
        "mailsleuth-quiz-{y:04}-{m:02}-{d:02}-{:02}{:02}.{}",
        secs / 3600,
        (secs % 3600) / 60,
        format.extension()
    )
}

/// The user's documents folder, else their home folder, from the environment.
pub fn documents_dir() -> Option<PathBuf> {
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .map(PathBuf::from)
        .filter(|p| p.is_dir())?;
    if let Some(xdg) = std::env::var_os("XDG_DOCUMENTS_DIR")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute() && p.is_dir())
    {
        return Some(xdg);
    }
    let docs = home.join("Documents");
    Some(if docs.is_dir() { docs } else { home })
}

/// Where the summary goes when no file dialog is available: the documents folder, with a
/// dated name. Offered only when the learner asks for it.
pub fn default_path(format: Format, now: i64) -> Option<PathBuf> {
    documents_dir().map(|d| d.join(file_name(format, now)))
}

/// Writes `contents` to `path`. Refuses to replace an existing file unless `overwrite`.
pub fn save(path: &Path, contents: &str, overwrite: bool) -> Result<(), SaveError> {
    let io = |e: std::io::Error| SaveError::Io {
        path: path.to_path_buf(),
        reason: e.to_string(),
    };
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true);
    if overwrite {
        opts.create(true).truncate(true);
    } else {
        // create_new makes "does it exist?" and "create it" one step, so nothing in
        // between can be overwritten.
        opts.create_new(true);
    }
    let mut file = opts.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            SaveError::Exists(path.to_path_buf())
        } else {
            io(e)
        }
    })?;
    file.write_all(contents.as_bytes()).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_carry_the_date_and_time() {
        assert_eq!(
            file_name(Format::Html, 1_795_925_700),
            "mailsleuth-quiz-2026-11-29-0415.html"
        );
        assert_eq!(
            file_name(Format::Text, 0),
            "mailsleuth-quiz-1970-01-01-0000.txt"
        );
    }

    #[test]
    fn format_follows_the_extension() {
        assert_eq!(Format::from_path(Path::new("a/b.HTML")), Format::Html);
        assert_eq!(Format::from_path(Path::new("a/b.txt")), Format::Text);
        assert_eq!(Format::from_path(Path::new("a/b")), Format::Text);
    }

    #[test]
    fn html_escapes_text() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
