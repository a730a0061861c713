//! mailsleuth: run the desktop app, or the `check` command; map errors to exit codes.

fn main() -> std::process::ExitCode {
    mailsleuth::cli::main()
}
