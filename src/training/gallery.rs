//! Scenario metadata, the compiled-in gallery, and trainers' own scenario folders.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::Spot;
use crate::analysis::{Options, Report, Verdict};
use crate::load::LoadError;
use crate::profile::Profile;

/// Name of the optional metadata file in a scenario folder (same format as the gallery's).
pub const METADATA_FILE: &str = "gallery.toml";

const GALLERY_TOML: &str = include_str!("../../assets/samples/gallery.toml");

/// The gallery's messages, compiled in so the app needs no files next to it.
const SAMPLES: &[(&str, &[u8])] = &[
    (
        "callback-phish.eml",
        include_bytes!("../../assets/samples/callback-phish.eml"),
    ),
    (
        "ceo-fraud.eml",
        include_bytes!("../../assets/samples/ceo-fraud.eml"),
    ),
    (
        "display-name-address.eml",
        include_bytes!("../../assets/samples/display-name-address.eml"),
    ),
    (
        "double-extension.eml",
        include_bytes!("../../assets/samples/double-extension.eml"),
    ),
    (
        "fake-reply.eml",
        include_bytes!("../../assets/samples/fake-reply.eml"),
    ),
    (
        "forged-auth-results.eml",
        include_bytes!("../../assets/samples/forged-auth-results.eml"),
    ),
    (
        "forwarded.eml",
        include_bytes!("../../assets/samples/forwarded.eml"),
    ),
    (
        "genuine-bank-statement.eml",
        include_bytes!("../../assets/samples/genuine-bank-statement.eml"),
    ),
    (
        "gift-card.eml",
        include_bytes!("../../assets/samples/gift-card.eml"),
    ),
    (
        "html-attachment.eml",
        include_bytes!("../../assets/samples/html-attachment.eml"),
    ),
    (
        "internal-lunch.eml",
        include_bytes!("../../assets/samples/internal-lunch.eml"),
    ),
    (
        "lookalike-login.eml",
        include_bytes!("../../assets/samples/lookalike-login.eml"),
    ),
    (
        "macro-invoice.eml",
        include_bytes!("../../assets/samples/macro-invoice.eml"),
    ),
    (
        "mailing-list.eml",
        include_bytes!("../../assets/samples/mailing-list.eml"),
    ),
    (
        "newsletter.eml",
        include_bytes!("../../assets/samples/newsletter.eml"),
    ),
    (
        "punycode-bank.eml",
        include_bytes!("../../assets/samples/punycode-bank.eml"),
    ),
    (
        "reply-to-hijack.eml",
        include_bytes!("../../assets/samples/reply-to-hijack.eml"),
    ),
    (
        "vendor-bank-change.eml",
        include_bytes!("../../assets/samples/vendor-bank-change.eml"),
    ),
];

/// What one learning point teaches: the check that should fire and where it shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearningPoint {
    /// Check id (keys `lessons::lesson`).
    pub check: String,
    /// Where the reader can see it, if anywhere.
    #[serde(default)]
    pub spot: Option<Spot>,
    /// What this message shows about the check, in one or two plain sentences.
    #[serde(default)]
    pub note: String,
    /// Set when mailsleuth does not flag this tell (yet): why not. A person can still see
    /// it, so the quiz and the presenter still teach it.
    #[serde(default)]
    pub gap: Option<String>,
}

/// Everything known about a scenario apart from the message itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioMeta {
    /// Stable kebab-case name.
    pub id: String,
    /// The `.eml` file, relative to the metadata file's folder.
    pub file: String,
    /// One line shown in the gallery.
    pub title: String,
    /// One paragraph: who sent it, what they want, what to notice.
    #[serde(default)]
    pub story: String,
    /// Who the scenario is for.
    #[serde(default)]
    pub audience: String,
    /// The right verdict, which the quiz judges answers by; `None` for a trainer's
    /// message without metadata (the quiz then uses mailsleuth's own verdict).
    #[serde(default)]
    pub expected: Option<Verdict>,
    /// What mailsleuth reaches today when that differs from `expected`, with `engine_gap`
    /// saying which check is missing or wrong.
    #[serde(default)]
    pub engine_verdict: Option<Verdict>,
    #[serde(default)]
    pub engine_gap: Option<String>,
    /// The learning points, most important first.
    #[serde(default)]
    pub points: Vec<LearningPoint>,
    /// The reader's own domains (the organisation the scenario happens in), so lookalikes
    /// of them are recognised. Set for a whole file with a top-level `own_domains` key.
    #[serde(default)]
    pub own_domains: Vec<String>,
    /// The organisation's profile (its people and vendors), from the file a top-level
    /// `profile` key names beside the metadata.
    #[serde(skip)]
    pub profile: Option<Arc<Profile>>,
}

impl ScenarioMeta {
    /// The distinct spots of this scenario's learning points, in order.
    pub fn spots(&self) -> Vec<Spot> {
        let mut out: Vec<Spot> = Vec::new();
        for s in self.points.iter().filter_map(|p| p.spot.clone()) {
            if !out.contains(&s) {
                out.push(s);
            }
        }
        out
    }
}

/// A training scenario: its metadata and the raw message.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub meta: ScenarioMeta,
    pub raw: Vec<u8>,
}

impl Scenario {
    /// Analysis options for this scenario: read as someone in its organisation would.
    pub fn options(&self) -> Options {
        let opts = Options {
            own_domains: self
                .meta
                .own_domains
                .iter()
                .map(|d| d.trim().to_ascii_lowercase())
                .filter(|d| !d.is_empty())
                .collect(),
            ..Options::default()
        };
        match &self.meta.profile {
            Some(p) => opts.with_profile(Arc::clone(p)),
            None => opts,
        }
    }

    /// Analyses the message with this scenario's options.
    pub fn analyze(&self) -> Result<Report, LoadError> {
        crate::analysis::analyze(&self.raw, &self.options())
    }
}

#[derive(Debug, Deserialize)]
struct MetadataFile {
    /// The organisation's domains, for every scenario that does not set its own.
    #[serde(default)]
    own_domains: Vec<String>,
    /// An organisation profile file beside the metadata, for every scenario.
    #[serde(default)]
    profile: Option<String>,
    #[serde(default)]
    scenario: Vec<ScenarioMeta>,
}

/// Why a scenario folder could not be loaded.
#[derive(Debug, Error)]
pub enum FolderError {
    #[error("Could not read the folder {path}: {reason}")]
    Unreadable { path: PathBuf, reason: String },
    #[error("{path} has a mistake: {message}")]
    Metadata { path: PathBuf, message: String },
    #[error("{metadata} lists \"{file}\" for scenario \"{id}\", but that file could not be read: {reason}")]
    MissingMessage {
        metadata: PathBuf,
        id: String,
        file: String,
        reason: String,
    },
    /// The message text says which file and why.
    #[error("{0}")]
    UnreadableMessage(String),
    #[error("There are no .eml files in {0}. Save the messages from your mail program as .eml files into this folder and try again.")]
    Empty(PathBuf),
}

/// The scenarios of a metadata file, each given the organisation profile that
/// `read_profile` makes of the file's `profile` key.
fn parse_metadata(
    text: &str,
    read_profile: impl Fn(&str) -> Result<Profile, String>,
) -> Result<Vec<ScenarioMeta>, String> {
    let parsed: MetadataFile = toml::from_str(text).map_err(|e| e.to_string())?;
    let profile = match parsed.profile.as_deref() {
        Some(name) => Some(Arc::new(read_profile(name)?)),
        None => None,
    };
    let mut seen: Vec<&str> = Vec::new();
    for m in &parsed.scenario {
        if seen.contains(&m.id.as_str()) {
            return Err(format!("the id \"{}\" is used twice", m.id));
        }
        seen.push(&m.id);
    }
    let own = parsed.own_domains;
    Ok(parsed
        .scenario
        .into_iter()
        .map(|mut m| {
            if m.own_domains.is_empty() {
                m.own_domains = own.clone();
            }
            m.profile = profile.clone();
            m
        })
        .collect())
}

/// The profile of Fabrikam, the built-in gallery's organisation.
const PROFILE_TOML: &str = include_str!("../../assets/samples/profile.toml");

/// The built-in gallery's `profile` key names the compiled-in profile.
fn builtin_profile(name: &str) -> Result<Profile, String> {
    if name != "profile.toml" {
        return Err(format!("the built-in gallery has no profile {name}"));
    }
    Profile::parse(PROFILE_TOML).map_err(|e| format!("profile.toml: {e}"))
}

/// The built-in gallery, in the order of its metadata file.
pub fn gallery() -> Vec<Scenario> {
    // The metadata is compiled in and checked by tests, so a parse error is a build
    // defect; an empty gallery keeps the app usable rather than crashing.
    let metas = parse_metadata(GALLERY_TOML, builtin_profile).unwrap_or_default();
    metas
        .into_iter()
        .filter_map(|meta| {
            let raw = SAMPLES.iter().find(|(f, _)| *f == meta.file)?.1.to_vec();
            Some(Scenario { meta, raw })
        })
        .collect()
}

/// Problems in the compiled-in gallery (used by tests): metadata errors, listed files that
/// are not compiled in, and compiled-in files no scenario uses.
pub fn gallery_errors() -> Vec<String> {
    let metas = match parse_metadata(GALLERY_TOML, builtin_profile) {
        Ok(m) => m,
        Err(e) => return vec![format!("gallery.toml: {e}")],
    };
    let mut errs = Vec::new();
    for m in &metas {
        if !SAMPLES.iter().any(|(f, _)| *f == m.file) {
            errs.push(format!("{}: {} is not compiled in", m.id, m.file));
        }
    }
    for (f, _) in SAMPLES {
        if !metas.iter().any(|m| m.file == *f) {
            errs.push(format!("{f} is compiled in but no scenario uses it"));
        }
    }
    errs
}

/// A scenario for a message that has no metadata: named after its file and subject.
fn bare(file: &str, raw: Vec<u8>) -> Scenario {
    let stem = Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(file)
        .to_string();
    let title = mail_parser::MessageParser::default()
        .parse_headers(&raw)
        .and_then(|m| m.subject().map(|s| s.trim().to_string()))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| stem.clone());
    Scenario {
        meta: ScenarioMeta {
            id: stem,
            file: file.to_string(),
            title,
            story: String::new(),
            audience: String::new(),
            expected: None,
            engine_verdict: None,
            engine_gap: None,
            points: Vec::new(),
            own_domains: Vec::new(),
            profile: None,
        },
        raw,
    }
}

fn is_eml(path: &Path) -> bool {
    path.is_file()
        && path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("eml"))
}

/// Loads a trainer's own scenarios from a folder of `.eml` files.
///
/// When the folder holds a `gallery.toml` (same format as the built-in gallery), its
/// scenarios come first, in its order; `.eml` files it does not mention follow in name
/// order, titled by their subject, with no expected verdict. Sub-folders are not searched.
pub fn load_folder(path: impl AsRef<Path>) -> Result<Vec<Scenario>, FolderError> {
    let dir = path.as_ref();
    let unreadable = |e: std::io::Error| FolderError::Unreadable {
        path: dir.to_path_buf(),
        reason: e.to_string(),
    };
    let mut emls: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(unreadable)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| is_eml(p))
        .collect();
    emls.sort();
    let meta_path = dir.join(METADATA_FILE);
    let metas = if meta_path.is_file() {
        let text = std::fs::read_to_string(&meta_path).map_err(|e| FolderError::Metadata {
            path: meta_path.clone(),
            message: e.to_string(),
        })?;
        let beside =
            |name: &str| Profile::load(&dir.join(name)).map_err(|e| format!("its profile: {e}"));
        parse_metadata(&text, beside).map_err(|message| FolderError::Metadata {
            path: meta_path.clone(),
            message,
        })?
    } else {
        Vec::new()
    };
    let mut out = Vec::new();
    let mut used: Vec<PathBuf> = Vec::new();
    for meta in metas {
        let file = dir.join(&meta.file);
        let raw = crate::load::read_file(&file, crate::load::DEFAULT_MAX_SIZE).map_err(|e| {
            FolderError::MissingMessage {
                metadata: meta_path.clone(),
                id: meta.id.clone(),
                file: meta.file.clone(),
                reason: e.to_string(),
            }
        })?;
        used.push(file);
        out.push(Scenario { meta, raw });
    }
    for path in emls {
        if used.contains(&path) {
            continue;
        }
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let raw = crate::load::read_file(&path, crate::load::DEFAULT_MAX_SIZE)
            .map_err(|e| FolderError::UnreadableMessage(e.to_string()))?;
        out.push(bare(&name, raw));
    }
    if out.is_empty() {
        return Err(FolderError::Empty(dir.to_path_buf()));
    }
    Ok(out)
}
