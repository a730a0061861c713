//! mailsleuth: run the desktop app, or the `check` command; map errors to exit codes.

use std::process::ExitCode;

fn main() -> ExitCode {
    match mailsleuth::cli::run(std::env::args_os()) {
        Ok(status) => ExitCode::from(status.code()),
        Err(e) => {
            eprintln!("mailsleuth: {e:#}");
            ExitCode::from(mailsleuth::cli::Status::Failed.code())
        }
    }
}
