//! Dropped or opened folders: their files are listed on a background thread, then opened.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};

/// At most this many files are opened from one folder; a whole mail archive would bury
/// the list (use `mailsleuth check FOLDER` for those).
pub const MAX_FOLDER_FILES: usize = crate::limits::APP_FOLDER_FILES;
/// Folders nest deeper than this only by accident.
const MAX_DEPTH: usize = 16;

/// What listing one folder found.
#[derive(Debug)]
pub struct FolderScan {
    /// The folder that was listed.
    pub folder: PathBuf,
    /// Its files (hidden ones skipped), sorted, at most `MAX_FOLDER_FILES`.
    pub files: Vec<PathBuf>,
    /// More files were there than were taken.
    pub truncated: bool,
    /// Why (part of) the folder could not be read, if it could not.
    pub error: Option<String>,
}

/// Lists `folder` on its own thread; the receiver yields one `FolderScan`.
pub fn scan(folder: PathBuf, ctx: egui::Context) -> Result<Receiver<FolderScan>, String> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("folder-scan".into())
        .spawn(move || {
            let mut scan = FolderScan {
                folder: folder.clone(),
                files: Vec::new(),
                truncated: false,
                error: None,
            };
            walk(&folder, 0, &mut scan);
            // The app may have closed meanwhile; nobody to tell then.
            let _ = tx.send(scan);
            ctx.request_repaint();
        })
        .map_err(|e| e.to_string())?;
    Ok(rx)
}

fn walk(dir: &Path, depth: usize, scan: &mut FolderScan) {
    if depth > MAX_DEPTH || scan.truncated {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            scan.error = Some(format!("{}: {e}", dir.display()));
            return;
        }
    };
    let mut entries: Vec<std::fs::DirEntry> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        if e.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let Ok(kind) = e.file_type() else {
            continue;
        };
        // Symlinked folders are not followed, so a link loop cannot trap the walk.
        if kind.is_dir() {
            walk(&e.path(), depth + 1, scan);
        } else if kind.is_file() || (kind.is_symlink() && e.path().is_file()) {
            if scan.files.len() >= MAX_FOLDER_FILES {
                scan.truncated = true;
                return;
            }
            scan.files.push(e.path());
        }
        if scan.truncated {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_files_recursively_skipping_hidden_ones() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.eml"), b"From: a@example.com\n\nhi").unwrap();
        std::fs::write(dir.path().join(".hidden.eml"), b"x").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/b.eml"), b"From: b@example.com\n\nhi").unwrap();
        let mut scan = FolderScan {
            folder: dir.path().to_path_buf(),
            files: Vec::new(),
            truncated: false,
            error: None,
        };
        walk(dir.path(), 0, &mut scan);
        let names: Vec<String> = scan
            .files
            .iter()
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        assert_eq!(names, ["a.eml", "b.eml"]);
        assert!(!scan.truncated);
    }
}
