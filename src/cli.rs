//! Command line: no arguments or files → the desktop app; `check` → the scriptable checker.

use std::process::ExitCode;

/// Parses arguments and runs.
pub fn main() -> ExitCode {
    ExitCode::SUCCESS
}
