//! Live results never condemn on their own. Every message of the development corpus is
//! re-checked live against two real DNS servers on loopback, one that answers "no such
//! domain" (NXDOMAIN) to every question and one that never answers, and none may get a
//! worse verdict than offline. The built-in genuine samples are `ok` with live checks on.
//!
//! The corpus lives outside the repository (`$MAILSLEUTH_CORPUS`, else `../shared/corpus`);
//! without it the corpus test prints a note and passes.

mod support;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use mailsleuth::analysis::{self, Options, Report, Verdict};
use mailsleuth::live::{verify_blocking, LiveOptions};
use mailsleuth::training;
use support::dns::{DnsServer, Zone};

const FOLDERS: &[&str] = &[
    "phishing",
    "ham-list",
    "ham-2002",
    "ham-commercial-2002",
    "ham-bounces",
    "spam-2002",
];

/// Verifications run at once: most of the time is spent waiting for the silent server,
/// not computing, so this is more than the cores.
const WORKERS: usize = 12;

fn rank(v: Verdict) -> u8 {
    match v {
        Verdict::Ok => 0,
        Verdict::Caution => 1,
        Verdict::Danger => 2,
    }
}

/// Short timeouts: the servers are on loopback, so an answer that does not come in a
/// fraction of a second never will.
fn options(server: &DnsServer) -> LiveOptions {
    LiveOptions {
        dns: Some(server.addr()),
        lookup_timeout: Duration::from_millis(150),
        total_timeout: Duration::from_millis(500),
        local: training::sample_zone(),
        ..LiveOptions::default()
    }
}

/// The top reason of a verdict, for the failure message.
fn top_reason(r: &Report) -> String {
    r.checks
        .iter()
        .filter(|c| c.outcome != analysis::Outcome::Pass && c.outcome != analysis::Outcome::Skip)
        .map(|c| c.id.clone())
        .take(4)
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
fn no_corpus_message_gets_a_worse_verdict_from_a_dns_server_that_says_no_or_nothing() {
    let Some(root) = support::corpus() else {
        eprintln!("no corpus at ../shared/corpus (or $MAILSLEUTH_CORPUS): skipped");
        return;
    };
    let files: Vec<PathBuf> = FOLDERS
        .iter()
        .flat_map(|folder| support::files_under(&root.join(folder)))
        .collect();
    assert!(
        !files.is_empty(),
        "the corpus at {} is empty",
        root.display()
    );
    let nxdomain = DnsServer::start(Zone::default());
    let mut mute = Zone::default();
    mute.never_answer();
    let silent = DnsServer::start(mute);
    let servers = [
        ("answers NXDOMAIN", options(&nxdomain)),
        ("never answers", options(&silent)),
    ];
    let opts = Options::default();
    let started = Instant::now();
    let next = AtomicUsize::new(0);
    let checked = AtomicUsize::new(0);
    let worse = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..WORKERS {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(path) = files.get(i) else {
                    return;
                };
                let Ok(raw) = std::fs::read(path) else {
                    continue;
                };
                let Ok(offline) = analysis::analyze(&raw, &opts) else {
                    continue;
                };
                for (name, live_opts) in &servers {
                    let live = verify_blocking(&raw, &offline, live_opts);
                    let mut report = offline.clone();
                    analysis::apply_live(&mut report, live, &opts);
                    if rank(report.verdict) > rank(offline.verdict) {
                        let shown = path.strip_prefix(&root).unwrap_or(path).display();
                        worse.lock().unwrap_or_else(|p| p.into_inner()).push(format!(
                            "{shown}: {:?} offline, {:?} with a server that {name} ({}); disagreements: {:?}",
                            offline.verdict,
                            report.verdict,
                            top_reason(&report),
                            report.auth.live.as_ref().map(|l| &l.disagreements),
                        ));
                    }
                }
                checked.fetch_add(1, Ordering::SeqCst);
            });
        }
    });
    let worse = worse.into_inner().unwrap_or_else(|p| p.into_inner());
    let checked = checked.into_inner();
    eprintln!(
        "{checked} messages re-checked against both servers in {:.1} s",
        started.elapsed().as_secs_f32()
    );
    assert!(
        worse.is_empty(),
        "{} of {checked} messages got a worse verdict live:\n{}",
        worse.len(),
        worse.join("\n")
    );
    assert!(
        checked > files.len() / 2,
        "only {checked} of {} analysed",
        files.len()
    );
    // Both servers were really asked: the verdicts above held against their answers.
    assert!(
        nxdomain.queries() > checked,
        "{} queries",
        nxdomain.queries()
    );
    assert!(silent.queries() > checked, "{} queries", silent.queries());
}

#[test]
fn built_in_samples_keep_their_verdict_and_genuine_ones_are_ok_with_live_checks_on() {
    // No DNS server is reachable: the samples' names are answered in-process, and no
    // question may leave for the network (a silent server would notice one).
    let mut mute = Zone::default();
    mute.never_answer();
    let silent = DnsServer::start(mute);
    let live_opts = LiveOptions {
        dns: Some(silent.addr()),
        lookup_timeout: Duration::from_millis(300),
        total_timeout: Duration::from_secs(2),
        local: training::sample_zone(),
        ..LiveOptions::default()
    };
    let mut genuine = 0;
    let mut wrong = Vec::new();
    for s in training::gallery() {
        let offline = s.analyze().expect("a sample analyses");
        let live = verify_blocking(&s.raw, &offline, &live_opts);
        let mut report = offline.clone();
        analysis::apply_live(&mut report, live, &s.options());
        // A documented engine gap is held to the verdict the engine reaches offline.
        let expected = s.meta.engine_verdict.or(s.meta.expected);
        if expected == Some(Verdict::Ok) {
            genuine += 1;
            let a = &report.auth;
            let signed = !a.dkim_signatures.is_empty();
            if signed && a.live.as_ref().map(|l| l.dkim.result) != Some(analysis::AuthValue::Pass) {
                wrong.push(format!(
                    "{}: live DKIM {:?}",
                    s.meta.id,
                    a.live.as_ref().map(|l| &l.dkim)
                ));
            }
        }
        if expected.is_some_and(|e| e != report.verdict) {
            wrong.push(format!(
                "{}: expected {expected:?}, live {:?} (offline {:?}; {})",
                s.meta.id,
                report.verdict,
                offline.verdict,
                top_reason(&report)
            ));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert!(genuine >= 5, "only {genuine} genuine samples");
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(silent.queries(), 0, "{:?}", silent.log());
}
