//! mailsleuth never writes into the user's files: a `check` run and a real desktop session
//! over a folder of messages are traced with `strace`, and no file outside the app's own
//! configuration, cache and data folders (and the system's device and temporary files) is
//! opened for writing, created, renamed or removed; the messages are byte-for-byte as
//! before. Needs `strace` (installed by `.ci/run`); the session part needs a display
//! (`xvfb-run`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Whether `strace` is here; CI must have it (`.ci/run` installs it), elsewhere the test
/// says it was skipped.
fn can_trace() -> bool {
    let here = Command::new("strace")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !here {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI installs strace for this test"
        );
        eprintln!("strace is not installed: skipped");
    }
    here
}

/// A home of its own for the traced run, with the app's folders inside it.
struct Home {
    _dir: tempfile::TempDir,
    root: PathBuf,
    mail: PathBuf,
}

fn home() -> Home {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let mail = root.join("Documents/suspicious mail");
    std::fs::create_dir_all(&mail).unwrap();
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/samples");
    for name in [
        "ceo-fraud.eml",
        "newsletter.eml",
        "macro-invoice.eml",
        "lookalike-login.eml",
    ] {
        std::fs::copy(samples.join(name), mail.join(name)).unwrap();
    }
    Home {
        _dir: dir,
        root,
        mail,
    }
}

fn traced(home: &Home, log: &Path, args: &[&std::ffi::OsStr]) -> Command {
    let mut c = Command::new("strace");
    c.args(["-f", "-qq", "-s", "4096", "-o"])
        .arg(log)
        .args([
            "-e",
            "trace=open,openat,openat2,creat,rename,renameat,renameat2,unlink,unlinkat,truncate,ftruncate,mkdir,mkdirat,rmdir",
        ])
        .arg(env!("CARGO_BIN_EXE_mailsleuth"))
        .args(args)
        .env("HOME", &home.root)
        .env("XDG_CONFIG_HOME", home.root.join(".config"))
        .env("XDG_CACHE_HOME", home.root.join(".cache"))
        .env("XDG_DATA_HOME", home.root.join(".local/share"))
        .env("MAILSLEUTH_OFFLINE", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

/// Every path the traced process wrote, created, renamed or removed.
fn written(log: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let mut out = Vec::new();
    for line in text.lines() {
        let Some(call_at) = line.find(|c: char| c.is_ascii_alphabetic()) else {
            continue;
        };
        let call = &line[call_at..];
        let name = call.split('(').next().unwrap_or("");
        let writes = match name {
            "open" | "openat" | "openat2" => {
                call.contains("O_WRONLY") || call.contains("O_RDWR") || call.contains("O_CREAT")
            }
            "" => false,
            _ => true,
        };
        if !writes || call.ends_with("= -1 ENOENT (No such file or directory)") {
            continue;
        }
        // Every quoted path of the call.
        let mut rest = call;
        while let Some(start) = rest.find('"') {
            let after = &rest[start + 1..];
            let Some(end) = after.find('"') else {
                break;
            };
            out.push(after[..end].to_string());
            rest = &after[end + 1..];
        }
    }
    out
}

fn assert_only_own_files(home: &Home, log: &Path) {
    let allowed = [
        home.root.join(".config"),
        home.root.join(".cache"),
        home.root.join(".local/share"),
    ];
    let system = ["/dev/", "/proc/", "/sys/", "/tmp/", "/run/user/"];
    let paths = written(log);
    println!("{} paths written: {paths:?}", paths.len());
    for p in &paths {
        let path = Path::new(p);
        assert!(
            !path.starts_with(&home.mail),
            "the user's mail folder was written: {p}"
        );
        let own = allowed.iter().any(|a| path.starts_with(a));
        // Making the app's folders makes their parents (`~/.local`) too.
        let parent_of_own =
            path.starts_with(&home.root) && allowed.iter().any(|a| a.starts_with(path));
        // The home of this test lives in the system's temporary folder itself.
        let sys = !path.starts_with(&home.root) && system.iter().any(|s| p.starts_with(s));
        assert!(
            own || parent_of_own || sys,
            "a file outside the app's own folders was written: {p}"
        );
    }
}

fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    files.sort();
    files
}

#[test]
fn check_over_a_folder_writes_nothing() {
    if !can_trace() {
        return;
    }
    let home = home();
    let before = snapshot(&home.mail);
    let log = home.root.join("check.trace");
    let status = traced(
        &home,
        &log,
        &[
            "check".as_ref(),
            "--offline".as_ref(),
            "--json".as_ref(),
            home.mail.as_os_str(),
        ],
    )
    .status()
    .expect("strace runs");
    assert_eq!(status.code(), Some(1), "the folder holds dangerous samples");
    assert!(std::fs::read_to_string(&log)
        .unwrap()
        .contains("ceo-fraud.eml"));
    assert_only_own_files(&home, &log);
    assert_eq!(snapshot(&home.mail), before);
}

#[test]
fn a_desktop_session_over_a_folder_writes_only_its_own_files() {
    if !can_trace() {
        return;
    }
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs the tests under xvfb-run"
        );
        eprintln!("no display: skipped");
        return;
    }
    let home = home();
    let before = snapshot(&home.mail);
    let log = home.root.join("session.trace");
    let mut child = traced(&home, &log, &[home.mail.as_os_str()])
        .spawn()
        .expect("strace runs");
    // Long enough to open the window, read and analyse every message, and save settings.
    let started = Instant::now();
    let mut opened = false;
    while started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(500));
        let trace = std::fs::read_to_string(&log).unwrap_or_default();
        if trace.contains("lookalike-login.eml") && started.elapsed() > Duration::from_secs(6) {
            opened = true;
            break;
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
    }
    // Stop the app itself (the first process in the trace), then strace ends with it.
    let trace = std::fs::read_to_string(&log).unwrap_or_default();
    if let Some(pid) = trace.split_whitespace().next() {
        let _ = Command::new("kill").args(["-TERM", pid]).status();
        let waited = Instant::now();
        while waited.elapsed() < Duration::from_secs(5) && child.try_wait().unwrap().is_none() {
            std::thread::sleep(Duration::from_millis(100));
        }
        if child.try_wait().unwrap().is_none() {
            let _ = Command::new("kill").args(["-KILL", pid]).status();
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(opened, "the session did not read the folder");
    assert_only_own_files(&home, &log);
    assert_eq!(snapshot(&home.mail), before);
}
