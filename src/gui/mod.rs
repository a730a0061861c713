//! The egui desktop app: draws a `Report`, never parses.

pub mod gallery;
pub mod presenter;
pub mod quiz;

use std::path::PathBuf;

/// Opens the desktop window, with `files` already loaded (none: the built-in sample).
pub fn run(files: Vec<PathBuf>) -> anyhow::Result<()> {
    let _ = files;
    anyhow::bail!(
        "the desktop window is not available in this build; use `mailsleuth check FILE` to check a message from the command line"
    )
}
