//! File types as data: what each file name ending is, whether opening it runs code, and
//! whether a link to it is a risky download. One table, `assets/knowledge/file_types.toml`,
//! for the attachment and the link checks, so the two cannot drift apart by accident.

use foldhash::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use super::{first_duplicate, parse};

const FILE_TYPES: &str = include_str!("../../../assets/knowledge/file_types.toml");

/// What a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Program,
    /// Code that programs load (.dll, .xll).
    Library,
    Script,
    Installer,
    /// Installs settings, accounts or certificates (.mobileconfig, .reg).
    SettingsInstaller,
    HelpFile,
    /// A document format that can start commands without macros (.iqy, .slk).
    CommandDocument,
    /// Points somewhere else or starts something (.lnk, .url).
    Shortcut,
    /// Opens like a drive, and hides its contents from scanners (.iso, .vhd).
    DiskImage,
    /// A web page, or an image that is one (.html, .svg).
    WebPage,
    /// An Office document that carries macros (.docm, .xlsm).
    MacroDocument,
    Archive,
    Document,
    Picture,
    Audio,
    Video,
    Email,
}

/// What a link to a file downloads, when that is risky.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Download {
    /// Runs code on the reader's computer, or carries files that do (a disk image).
    Runnable,
    /// An archive or macro document that can carry something runnable.
    Container,
}

/// One file name ending.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileType {
    /// The extension, lowercase, without the dot.
    pub ext: String,
    pub kind: Kind,
    /// Opening the attachment runs it as a program or script.
    #[serde(default)]
    pub runs_on_open: bool,
    /// What people expect to receive: the harmless-looking half of "invoice.pdf.exe".
    #[serde(default)]
    pub decoy: bool,
    /// What a link to such a file downloads, if that is risky.
    #[serde(default)]
    pub risky_download: Option<Download>,
    pub why: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileTypes {
    file: Vec<FileType>,
}

/// Parses the table and checks what parsing cannot: one entry per extension, each with a
/// why. Like a parse error, a failure is a defect of the build (see `parse`).
fn load(text: &str) -> FileTypes {
    const FILE: &str = "file_types.toml";
    let t: FileTypes = parse(FILE, text);
    if let Some(dup) = first_duplicate(t.file.iter().map(|f| f.ext.as_str())) {
        panic!("assets/knowledge/{FILE}: .{dup} is listed twice");
    }
    if let Some(f) = t.file.iter().find(|f| f.why.trim().is_empty()) {
        panic!("assets/knowledge/{FILE}: .{} has no why", f.ext);
    }
    t
}

fn table() -> &'static FileTypes {
    static TABLE: OnceLock<FileTypes> = OnceLock::new();
    TABLE.get_or_init(|| load(FILE_TYPES))
}

fn by_ext() -> &'static HashMap<&'static str, &'static FileType> {
    static INDEX: OnceLock<HashMap<&'static str, &'static FileType>> = OnceLock::new();
    INDEX.get_or_init(|| table().file.iter().map(|t| (t.ext.as_str(), t)).collect())
}

/// The file type of a lowercase extension (without the dot), if the table knows it.
pub fn lookup(ext: &str) -> Option<&'static FileType> {
    by_ext().get(ext).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exts(pred: impl Fn(&FileType) -> bool) -> Vec<&'static str> {
        let mut v: Vec<&str> = table()
            .file
            .iter()
            .filter(|t| pred(t))
            .map(|t| t.ext.as_str())
            .collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn the_table_loads_with_one_entry_per_extension() {
        let t = table();
        assert!(t.file.len() > 100, "{} file types", t.file.len());
        for f in &t.file {
            let plain = f
                .ext
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            assert!(
                plain && !f.ext.is_empty(),
                "{:?} is not a lowercase extension without the dot",
                f.ext
            );
        }
    }

    #[test]
    #[should_panic(expected = "listed twice")]
    fn an_extension_listed_twice_is_rejected() {
        let entry = "[[file]]\next = \"exe\"\nkind = \"program\"\nwhy = \"x\"\n";
        load(&format!("{entry}{entry}"));
    }

    #[test]
    fn the_table_rejects_unknown_keys_and_kinds() {
        let extra = "[[file]]\next = \"exe\"\nkind = \"program\"\nwhy = \"x\"\nruns = true\n";
        assert!(toml::from_str::<FileTypes>(extra).is_err());
        let kind = "[[file]]\next = \"exe\"\nkind = \"programme\"\nwhy = \"x\"\n";
        assert!(toml::from_str::<FileTypes>(kind).is_err());
        let download =
            "[[file]]\next = \"exe\"\nkind = \"program\"\nwhy = \"x\"\nrisky_download = \"yes\"\n";
        assert!(toml::from_str::<FileTypes>(download).is_err());
    }

    #[test]
    fn attachments_and_links_differ_where_they_should() {
        // A program library or a ".com" in a link's path runs on the web server.
        for ext in ["dll", "com"] {
            let t = lookup(ext).expect("a known type");
            assert!(t.runs_on_open && t.risky_download.is_none(), ".{ext}");
        }
        assert_eq!(
            lookup("exe").and_then(|t| t.risky_download),
            Some(Download::Runnable)
        );
        // A disk image does not run on opening, but a link to one brings its programs along.
        let iso = lookup("iso").expect("a known type");
        assert!(!iso.runs_on_open && iso.kind == Kind::DiskImage);
        assert_eq!(iso.risky_download, Some(Download::Runnable));
        // Unix compression is how source code is shared, not how malware reaches people.
        assert_eq!(
            lookup("zip").and_then(|t| t.risky_download),
            Some(Download::Container)
        );
        assert_eq!(
            lookup("gz").map(|t| (t.kind, t.risky_download)),
            Some((Kind::Archive, None))
        );
        assert!(lookup("pdf").is_some_and(|t| t.decoy && !t.runs_on_open));
        assert!(lookup("PDF").is_none(), "lookups take lowercase extensions");
    }

    #[test]
    fn programs_are_never_decoys_and_downloads_are_known_kinds() {
        assert_eq!(exts(|t| t.runs_on_open && t.decoy), Vec::<&str>::new());
        // Everything a link may call a program runs on opening, is a shortcut or a disk image.
        let odd = exts(|t| {
            t.risky_download == Some(Download::Runnable)
                && !t.runs_on_open
                && !matches!(t.kind, Kind::Shortcut | Kind::DiskImage)
        });
        assert_eq!(odd, Vec::<&str>::new());
        let odd = exts(|t| {
            t.risky_download == Some(Download::Container)
                && !matches!(t.kind, Kind::Archive | Kind::MacroDocument)
        });
        assert_eq!(odd, Vec::<&str>::new());
    }
}
