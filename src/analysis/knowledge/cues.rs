//! Words and phrases as data: the cue lists the content checks match, the words around a
//! password given in a message, and the role names impostors put in a display name.

use foldhash::HashSet;
use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use super::{first_duplicate, parse};

const CUES: &str = include_str!("../../../assets/knowledge/cues.toml");
const PASSWORD_WORDS: &str = include_str!("../../../assets/knowledge/password_words.toml");
const ROLES: &str = include_str!("../../../assets/knowledge/roles.toml");

/// Entries grouped by language, with what they catch.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ByLanguage {
    why: String,
    #[serde(default)]
    en: Vec<String>,
    #[serde(default)]
    pt: Vec<String>,
    #[serde(default)]
    es: Vec<String>,
    #[serde(default)]
    fr: Vec<String>,
    #[serde(default)]
    de: Vec<String>,
    #[serde(default)]
    it: Vec<String>,
    /// Entries that mix languages, or words several languages share.
    #[serde(default)]
    mixed: Vec<String>,
    /// Entries that are the same in every language (names).
    #[serde(default)]
    any: Vec<String>,
}

impl ByLanguage {
    /// Every entry, languages in a fixed order and each language as written: the order in
    /// which checks try patterns, and so which match a summary quotes first.
    pub(crate) fn entries(&self) -> impl Iterator<Item = &str> {
        [
            &self.en,
            &self.pt,
            &self.es,
            &self.fr,
            &self.de,
            &self.it,
            &self.mixed,
            &self.any,
        ]
        .into_iter()
        .flatten()
        .map(String::as_str)
    }

    /// Checks what parsing cannot: that the list says why it exists and writes no entry
    /// twice. Like a parse error, a failure is a defect of the build (see `parse`).
    fn checked(self, file: &str, name: &str) -> ByLanguage {
        if self.why.trim().is_empty() {
            panic!("assets/knowledge/{file}: {name} has no why");
        }
        if let Some(dup) = first_duplicate(self.entries()) {
            panic!("assets/knowledge/{file}: {name} lists {dup:?} twice");
        }
        self
    }
}

/// Parses and checks a file of cue lists.
fn load_lists(file: &str, text: &str) -> BTreeMap<String, ByLanguage> {
    let lists: BTreeMap<String, ByLanguage> = parse(file, text);
    lists
        .into_iter()
        .map(|(name, list)| {
            let list = list.checked(file, &name);
            (name, list)
        })
        .collect()
}

/// Cue lists by the name checks give them.
fn cue_lists() -> &'static BTreeMap<String, ByLanguage> {
    static LISTS: OnceLock<BTreeMap<String, ByLanguage>> = OnceLock::new();
    LISTS.get_or_init(|| load_lists("cues.toml", CUES))
}

/// The patterns of the cue list `name`, in matching order; None if there is no such list.
pub fn patterns(name: &str) -> Option<Vec<&'static str>> {
    cue_lists().get(name).map(|l| l.entries().collect())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PasswordFile {
    names: ByLanguage,
    filler: ByLanguage,
}

struct PasswordWords {
    names: HashSet<&'static str>,
    filler: HashSet<&'static str>,
}

fn load_password_words(text: &str) -> PasswordFile {
    const FILE: &str = "password_words.toml";
    let f: PasswordFile = parse(FILE, text);
    PasswordFile {
        names: f.names.checked(FILE, "names"),
        filler: f.filler.checked(FILE, "filler"),
    }
}

fn password_words() -> &'static PasswordWords {
    static FILE: OnceLock<PasswordFile> = OnceLock::new();
    static WORDS: OnceLock<PasswordWords> = OnceLock::new();
    WORDS.get_or_init(|| {
        let file = FILE.get_or_init(|| load_password_words(PASSWORD_WORDS));
        PasswordWords {
            names: file.names.entries().collect(),
            filler: file.filler.entries().collect(),
        }
    })
}

/// Whether a folded word names a password ("password", "senha", "kennwort").
pub fn is_password_name(word: &str) -> bool {
    password_words().names.contains(word)
}

/// Whether a folded word may stand between a password's name and the password ("is",
/// "the", "archive", "du", "fichier").
pub fn is_password_filler(word: &str) -> bool {
    password_words().filler.contains(word)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Words {
    why: String,
    words: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RolesFile {
    roles: Words,
    announcements: Words,
}

fn load_roles(text: &str) -> RolesFile {
    const FILE: &str = "roles.toml";
    let f: RolesFile = parse(FILE, text);
    for (name, list) in [("roles", &f.roles), ("announcements", &f.announcements)] {
        if list.why.trim().is_empty() {
            panic!("assets/knowledge/{FILE}: {name} has no why");
        }
    }
    let all = f.roles.words.iter().chain(&f.announcements.words);
    if let Some(dup) = first_duplicate(all.map(String::as_str)) {
        panic!("assets/knowledge/{FILE}: {dup:?} is listed twice");
    }
    f
}

fn roles_file() -> &'static RolesFile {
    static FILE: OnceLock<RolesFile> = OnceLock::new();
    FILE.get_or_init(|| load_roles(ROLES))
}

/// Role, department and announcement names ("helpdesk", "suporte", "notification"),
/// lowercase, in the order they are looked for.
pub fn roles() -> impl Iterator<Item = &'static str> {
    let f = roles_file();
    f.roles
        .words
        .iter()
        .chain(&f.announcements.words)
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::checks::cues::{fold, invalid_pattern};

    /// Every `Cues::named("…")` in the checks' source.
    fn names_used_by_checks() -> Vec<String> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/analysis/checks");
        let mut names = Vec::new();
        let entries = std::fs::read_dir(dir).expect("the checks' source folder");
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("a readable source file");
            let code = text.lines().filter(|l| !l.trim_start().starts_with("//"));
            for line in code {
                for piece in line.split("Cues::named(\"").skip(1) {
                    if let Some((name, _)) = piece.split_once('"') {
                        names.push(name.to_string());
                    }
                }
            }
        }
        names
    }

    #[test]
    fn every_cue_list_loads_and_holds_patterns() {
        let lists = cue_lists();
        assert!(lists.len() >= 20, "{} cue lists", lists.len());
        for (name, list) in lists {
            assert!(list.entries().next().is_some(), "cue list {name} is empty");
        }
    }

    #[test]
    #[should_panic(expected = "twice")]
    fn a_pattern_written_twice_is_rejected_even_across_languages() {
        load_lists(
            "test.toml",
            "[x]\nwhy = \"y\"\nen = [\"wire transfer\"]\nmixed = [\"wire transfer\"]\n",
        );
    }

    #[test]
    #[should_panic(expected = "no why")]
    fn a_cue_list_without_a_why_is_rejected() {
        load_lists("test.toml", "[x]\nwhy = \" \"\nen = [\"wire transfer\"]\n");
    }

    #[test]
    fn every_pattern_compiles() {
        for (name, list) in cue_lists() {
            for p in list.entries() {
                if let Some(why) = invalid_pattern(p) {
                    panic!("cue list {name}: the pattern {p:?} {why}");
                }
            }
        }
    }

    #[test]
    fn checks_and_data_name_the_same_cue_lists() {
        let used = names_used_by_checks();
        assert!(used.len() >= 20, "found only {used:?}");
        for name in &used {
            assert!(
                patterns(name).is_some(),
                "a check uses the cue list {name}, which assets/knowledge/cues.toml lacks"
            );
        }
        for name in cue_lists().keys() {
            assert!(
                used.contains(name),
                "no check uses the cue list {name} of assets/knowledge/cues.toml"
            );
        }
    }

    #[test]
    fn cue_files_reject_unknown_keys_and_duplicate_lists() {
        let unknown = "[urgency]\nwhy = \"x\"\nen = [\"urgent\"]\nnl = [\"dringend\"]\n";
        assert!(toml::from_str::<BTreeMap<String, ByLanguage>>(unknown).is_err());
        let twice = "[urgency]\nwhy = \"x\"\nen = [\"urgent\"]\n[urgency]\nwhy = \"y\"\n";
        assert!(toml::from_str::<BTreeMap<String, ByLanguage>>(twice).is_err());
        let extra = "[names]\nwhy = \"x\"\n[filler]\nwhy = \"y\"\n[other]\nwhy = \"z\"\n";
        assert!(toml::from_str::<PasswordFile>(extra).is_err());
    }

    #[test]
    fn password_words_are_single_folded_words() {
        let file = load_password_words(PASSWORD_WORDS);
        for (what, list) in [("names", &file.names), ("filler", &file.filler)] {
            for w in list.entries() {
                assert!(
                    !w.is_empty() && fold(w) == w && w.chars().all(char::is_alphanumeric),
                    "{what}: {w:?} is not one plain, accent-free lowercase word"
                );
            }
        }
        assert_eq!(
            first_duplicate(file.names.entries().chain(file.filler.entries())),
            None,
            "a word is both a password's name and filler"
        );
        assert!(is_password_name("senha") && is_password_filler("arquivo"));
    }

    #[test]
    fn roles_reject_unknown_keys() {
        let extra = "[roles]\nwhy = \"x\"\nwords = []\nlang = \"en\"\n[announcements]\nwhy = \"y\"\nwords = []\n";
        assert!(toml::from_str::<RolesFile>(extra).is_err());
    }

    #[test]
    #[should_panic(expected = "twice")]
    fn a_role_listed_twice_is_rejected() {
        let text = "[roles]\nwhy = \"x\"\nwords = [\"admin\"]\n[announcements]\nwhy = \"y\"\nwords = [\"admin\"]\n";
        load_roles(text);
    }

    #[test]
    fn role_words_can_match_a_display_name() {
        let all: Vec<&str> = roles().collect();
        assert!(all.len() > 30);
        for r in all {
            // Display names are lowercased and everything but letters, digits and "-"
            // becomes a single-space word break before roles are looked for.
            let ok = r == r.to_lowercase()
                && r.split(' ').all(|w| !w.is_empty())
                && r.chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == ' ');
            assert!(ok, "the role {r:?} could never match a display name");
        }
    }
}
