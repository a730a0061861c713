//! Knowledge of the field as data: brands and their domain families, mail providers,
//! mailing services, hosts, file types and cue phrases. The tables live in
//! `assets/knowledge/*.toml`, are compiled into the binary and parsed once, on first use.
//! Adding a brand, a provider or a phrase is a data change; each module's tests load its
//! files and reject unknown keys and duplicate entries.
//!
//! Module map:
//! - `domains`: brands and their domain families, mail providers, shorteners, mailing
//!   services, free hosts, risky endings and the rules around them
//! - `cues`: cue phrases per check and language, and the password words
//! - `files`: one table of file types (what runs on opening, decoys, risky downloads)
//! - `operators`: who runs a mail server (Microsoft 365, Google, mailing services…), by
//!   host name and address range

pub mod cues;
pub mod domains;
pub mod files;
pub mod operators;

use serde::de::DeserializeOwned;

/// Parses one embedded knowledge file. The files ship inside the binary and every one is
/// loaded by the tests, so a parse error is a defect of the build, never of a user's input:
/// it is reported loudly instead of letting checks run on half their knowledge.
pub(crate) fn parse<T: DeserializeOwned>(name: &str, text: &str) -> T {
    match toml::from_str(text) {
        Ok(v) => v,
        Err(e) => panic!("the built-in knowledge file assets/knowledge/{name} is broken: {e}"),
    }
}

/// Reports the first value that occurs twice, if any (entries are compared as written).
pub(crate) fn first_duplicate<'a, I: IntoIterator<Item = &'a str>>(items: I) -> Option<&'a str> {
    let mut seen = std::collections::HashSet::new();
    items.into_iter().find(|item| !seen.insert(*item))
}
