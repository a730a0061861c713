//! The teaching text for every check id, and a glossary of header names.
//! Text lives in `assets/lessons/en/*.toml` (one file per family) (compiled in) so it can be translated.

use foldhash::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

/// What a person should learn from one check.
#[derive(Debug, Clone, Deserialize)]
pub struct Lesson {
    /// Short title of the check, e.g. "Reply-To goes somewhere else".
    pub title: String,
    /// A plain explanation for someone who has never heard of SPF.
    pub plain: String,
    /// What the attacker gains.
    pub why: String,
    /// How to check it yourself in an ordinary mail client.
    pub how_to_check: String,
    /// What to do now.
    pub what_to_do: String,
    /// Detail for IT staff.
    pub expert: String,
    /// When the check passes or explains good news, a plain sentence about why that is fine.
    #[serde(default)]
    pub good_news: Option<String>,
}

/// One header-name explanation.
#[derive(Debug, Clone, Deserialize)]
pub struct GlossaryEntry {
    pub plain: String,
}

/// One lesson file per check family, so each can be edited (and translated) alone.
const LESSONS_EN: &[(&str, &str)] = &[
    (
        "identity",
        include_str!("../assets/lessons/en/identity.toml"),
    ),
    (
        "authentication",
        include_str!("../assets/lessons/en/authentication.toml"),
    ),
    ("path", include_str!("../assets/lessons/en/path.toml")),
    ("content", include_str!("../assets/lessons/en/content.toml")),
    ("links", include_str!("../assets/lessons/en/links.toml")),
    (
        "attachments",
        include_str!("../assets/lessons/en/attachments.toml"),
    ),
    ("filter", include_str!("../assets/lessons/en/filter.toml")),
    ("evasion", include_str!("../assets/lessons/en/evasion.toml")),
    (
        "organisation",
        include_str!("../assets/lessons/en/organisation.toml"),
    ),
];
const GLOSSARY_EN: &str = include_str!("../assets/lessons/glossary.en.toml");

fn lessons_map() -> &'static HashMap<String, Lesson> {
    static MAP: OnceLock<HashMap<String, Lesson>> = OnceLock::new();
    // The files are compiled in and covered by tests, so a parse error is a build defect;
    // still, an empty map keeps the app running rather than crashing a user.
    MAP.get_or_init(|| {
        LESSONS_EN
            .iter()
            .flat_map(|(_, text)| {
                toml::from_str::<HashMap<String, Lesson>>(text).unwrap_or_default()
            })
            .collect()
    })
}

fn glossary_map() -> &'static HashMap<String, GlossaryEntry> {
    static MAP: OnceLock<HashMap<String, GlossaryEntry>> = OnceLock::new();
    MAP.get_or_init(|| {
        let parsed: HashMap<String, GlossaryEntry> =
            toml::from_str(GLOSSARY_EN).unwrap_or_default();
        parsed
            .into_iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v))
            .collect()
    })
}

/// The lesson for a check id.
pub fn lesson(id: &str) -> Option<&'static Lesson> {
    lessons_map().get(id)
}

/// All lesson ids (sorted).
pub fn ids() -> Vec<&'static str> {
    let mut v: Vec<&str> = lessons_map().keys().map(String::as_str).collect();
    v.sort_unstable();
    v
}

/// Plain explanation of a header name (case-insensitive), if the glossary has one.
pub fn glossary(header_name: &str) -> Option<&'static str> {
    glossary_map()
        .get(&header_name.to_ascii_lowercase())
        .map(|e| e.plain.as_str())
}

/// Errors in the compiled-in lesson files (used by tests).
pub fn parse_errors() -> Vec<String> {
    let mut errs = Vec::new();
    for (family, text) in LESSONS_EN {
        if let Err(e) = toml::from_str::<HashMap<String, Lesson>>(text) {
            errs.push(format!("lessons/en/{family}.toml: {e}"));
        }
    }
    if let Err(e) = toml::from_str::<HashMap<String, GlossaryEntry>>(GLOSSARY_EN) {
        errs.push(format!("glossary: {e}"));
    }
    errs
}
