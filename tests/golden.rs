//! Golden files: each `tests/fixtures/*.eml` is analysed and a stable subset of its JSON
//! rendering is compared with the sibling `*.expected.json`.
//!
//! On a mismatch the actual subset is written to `*.failed` beside it, to diff and inspect.
//! Set `MAILSLEUTH_BLESS=1` to (re)write the expected files after checking the change is right.

use std::path::{Path, PathBuf};

use std::sync::Arc;

use mailsleuth::analysis::{self, Options};
use mailsleuth::profile::Profile;
use mailsleuth::report::{json, Checked};
use serde_json::{json, Value};

/// A fixed "now" (2025-06-01T00:00:00Z) so date checks give the same answer every day.
const NOW: i64 = 1_748_736_000;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn emls() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .expect("tests/fixtures is readable")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    v.sort();
    v
}

/// Options for a fixture: a fixed clock, and the organisation profile beside it
/// (`NAME.profile.toml`) when there is one.
fn options_for(path: &Path) -> Options {
    let opts = Options {
        now: Some(NOW),
        ..Options::default()
    };
    let profile = path.with_extension("profile.toml");
    if !profile.exists() {
        return opts;
    }
    match Profile::load(&profile) {
        Ok(p) => opts.with_profile(Arc::new(p)),
        Err(e) => panic!("{e}"),
    }
}

fn analyse(path: &Path) -> Value {
    let raw = std::fs::read(path).expect("fixture is readable");
    let opts = options_for(path);
    let checked = Checked {
        path: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        group: 0,
        result: analysis::analyze(&raw, &opts).map_err(Into::into),
    };
    json::to_value(&checked)
}

/// The parts of the JSON output that are settled: the verdict, who it is from, the path
/// and its boundary, the authentication used and where each recorded result came from.
/// Check ids and wording are still growing, so they stay out.
fn subset(v: &Value) -> Value {
    let pick = |obj: &Value, keys: &[&str]| -> Value {
        let mut out = serde_json::Map::new();
        for k in keys {
            out.insert(
                (*k).to_string(),
                obj.get(*k).cloned().unwrap_or(Value::Null),
            );
        }
        Value::Object(out)
    };
    let hops: Vec<Value> = v["hops"]
        .as_array()
        .map(|hs| {
            hs.iter()
                .map(|h| {
                    pick(
                        h,
                        &[
                            "from_host",
                            "from_ip",
                            "by_host",
                            "protocol",
                            "tls",
                            "time",
                            "delay_seconds",
                            "trusted",
                        ],
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let auth = &v["auth"];
    let method = |m: &str| pick(&auth[m], &["result", "source", "domain"]);
    let results_headers: Vec<Value> = auth["results_headers"]
        .as_array()
        .map(|hs| {
            hs.iter()
                .map(|h| {
                    let methods: Vec<String> = h["methods"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|m| {
                            format!(
                                "{}={}",
                                m["method"].as_str().unwrap_or(""),
                                m["result"].as_str().unwrap_or("")
                            )
                        })
                        .collect();
                    json!({
                        "header": h["header_name"],
                        "authserv_id": h["authserv_id"],
                        "trusted": h["trusted"],
                        "methods": methods,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    json!({
        "verdict": v["verdict"],
        "error": v["error"],
        "from": pick(&v["from"], &["display_name", "address", "domain"]),
        "hops": hops,
        "boundary": pick(&v["boundary"], &["hop", "connecting_ip", "connecting_host"]),
        "auth": {
            "spf": method("spf"),
            "dkim": method("dkim"),
            "dmarc": method("dmarc"),
            "arc": method("arc"),
        },
        "auth_headers": results_headers,
    })
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default() + "\n"
}

#[test]
fn fixtures_match_their_expected_json() {
    let bless = std::env::var_os("MAILSLEUTH_BLESS").is_some_and(|v| v == "1");
    let files = emls();
    assert!(
        files.len() >= 6,
        "expected at least 6 fixtures, found {}",
        files.len()
    );
    let mut failed = Vec::new();
    for eml in &files {
        let actual = subset(&analyse(eml));
        let expected_path = eml.with_extension("expected.json");
        let failed_path = eml.with_extension("failed");
        if bless {
            std::fs::write(&expected_path, pretty(&actual)).expect("write expected file");
            let _ = std::fs::remove_file(&failed_path);
            continue;
        }
        let expected: Option<Value> = std::fs::read_to_string(&expected_path)
            .ok()
            .and_then(|s| serde_json::from_str(&s).ok());
        if expected.as_ref() == Some(&actual) {
            let _ = std::fs::remove_file(&failed_path);
        } else {
            std::fs::write(&failed_path, pretty(&actual)).expect("write .failed file");
            failed.push(format!(
                "{} (actual written to {})",
                eml.display(),
                failed_path.display()
            ));
        }
    }
    assert!(
        failed.is_empty(),
        "golden mismatch; diff each .failed with its .expected.json, and if the change is right run with MAILSLEUTH_BLESS=1:\n  {}",
        failed.join("\n  ")
    );
}

fn fixture(name: &str) -> Value {
    analyse(&fixtures().join(name))
}

#[test]
fn forged_dkim_pass_below_the_boundary_is_not_believed() {
    forged_results_are_not_believed("forged-dkim-below-boundary.eml");
}

/// The forgery sits at the top of what the sender sent, so it lands right under the
/// receiver's own Received line, where some receivers (Gmail) write their real results.
#[test]
fn forged_results_right_under_the_receivers_line_are_not_believed() {
    forged_results_are_not_believed("forged-results-just-below-receiver.eml");
}

fn forged_results_are_not_believed(name: &str) {
    let v = fixture(name);
    let forged: Vec<&Value> = v["auth"]["results_headers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|h| h["raw"].as_str().is_some_and(|r| r.contains("dkim=pass")))
        .collect();
    assert_eq!(forged.len(), 1, "{v:#}");
    assert_eq!(forged[0]["trusted"], false, "{v:#}");
    assert_ne!(v["auth"]["dkim"]["result"], "pass", "{v:#}");
    assert_eq!(v["auth"]["dmarc"]["result"], "fail", "{v:#}");
    assert_eq!(v["verdict"], "danger", "{v:#}");
    let forged_check = v["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["id"] == "forged-auth-results");
    assert!(
        forged_check.is_some_and(|c| c["outcome"] == "fail"),
        "the forgery is called out: {forged_check:?}"
    );
}

#[test]
fn gmail_results_written_below_its_received_line_are_believed() {
    let v = fixture("gmail-received.eml");
    for m in ["spf", "dkim", "dmarc"] {
        assert_eq!(v["auth"][m]["result"], "pass", "{m}: {v:#}");
        assert_eq!(v["auth"][m]["source"], "recorded", "{m}");
    }
    assert_eq!(v["boundary"]["connecting_ip"], "198.18.20.5");
}

#[test]
fn a_clock_running_behind_shows_as_a_negative_delay() {
    let v = fixture("clock-skew.eml");
    let delays: Vec<i64> = v["hops"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|h| h["delay_seconds"].as_i64())
        .collect();
    assert!(delays.iter().any(|d| *d < 0), "{delays:?}");
}

#[test]
fn microsoft_365_hops_inside_the_tenant_are_trusted() {
    let v = fixture("m365-newsletter.eml");
    assert_eq!(v["boundary"]["connecting_ip"], "198.18.10.25", "{v:#}");
    assert_eq!(v["auth"]["spf"]["result"], "pass");
    assert_eq!(v["auth"]["spf"]["source"], "recorded");
    let hops = v["hops"].as_array().cloned().unwrap_or_default();
    assert!(hops.last().is_some_and(|h| h["trusted"] == true));
    assert!(hops.first().is_some_and(|h| h["trusted"] == false));
}

#[test]
fn a_mailing_list_message_is_not_called_dangerous() {
    let v = fixture("mailing-list.eml");
    assert_ne!(v["verdict"], "danger", "{v:#}");
    assert_eq!(v["auth"]["arc"]["result"], "pass", "{v:#}");
}

/// The gateway the profile lists is one of the organisation's own servers: the trust
/// boundary moves below it, to the hop where the gateway received the message from the
/// sender; without the profile it stays at the gateway.
#[test]
fn a_gateway_in_the_profile_moves_the_trust_boundary_below_it() {
    let path = fixtures().join("gateway-in-front.eml");
    let raw = std::fs::read(&path).expect("fixture is readable");
    let with = analysis::analyze(&raw, &options_for(&path)).expect("an email");
    let without = analysis::analyze(
        &raw,
        &Options {
            now: Some(NOW),
            ..Options::default()
        },
    )
    .expect("an email");
    let entry = |r: &analysis::Report| r.path.connecting_ip.clone().unwrap_or_default();
    assert_eq!(
        entry(&without),
        "192.0.2.25",
        "without the profile: the gateway"
    );
    assert_eq!(
        entry(&with),
        "198.51.100.40",
        "with it: the sender's server"
    );
    assert!(with.path.boundary < without.path.boundary);
}
