//! The `check` command, run as a real process: JSON Lines, exit codes, bad inputs, stdin,
//! folders, summaries, and safe text output. Every run is `--offline`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_mailsleuth"));
    c.env_remove("NO_COLOR");
    c
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn check(args: &[&str]) -> Output {
    bin()
        .arg("check")
        .arg("--offline")
        .args(args)
        .output()
        .expect("run mailsleuth")
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json_lines(o: &Output) -> Vec<Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

fn s(p: &Path) -> &str {
    p.to_str().expect("test paths are UTF-8")
}

#[test]
fn json_lines_carry_every_contract_field() {
    let files = [
        fixture("m365-newsletter.eml"),
        fixture("forged-dkim-below-boundary.eml"),
    ];
    let o = check(&["--json", s(&files[0]), s(&files[1])]);
    let lines = json_lines(&o);
    assert_eq!(lines.len(), 2, "{}", stdout(&o));
    for (v, f) in lines.iter().zip(&files) {
        assert_eq!(v["path"], s(f));
        assert!(
            matches!(v["verdict"].as_str(), Some("ok" | "caution" | "danger")),
            "{v}"
        );
        assert!(v["headline"].as_str().is_some_and(|h| !h.is_empty()));
        for k in ["display_name", "address", "domain"] {
            assert!(v["from"].get(k).is_some(), "from.{k} missing");
        }
        let hops = v["hops"].as_array().expect("hops is an array");
        assert!(!hops.is_empty());
        for h in hops {
            for k in [
                "from_host",
                "from_ip",
                "by_host",
                "protocol",
                "tls",
                "time",
                "delay_seconds",
                "trusted",
            ] {
                assert!(h.get(k).is_some(), "hop.{k} missing: {h}");
            }
        }
        for m in ["spf", "dkim", "dmarc", "arc"] {
            assert!(v["auth"][m]["result"].is_string(), "auth.{m}.result: {v}");
            assert!(
                matches!(v["auth"][m]["source"].as_str(), Some("recorded" | "live")),
                "auth.{m}.source"
            );
        }
        let checks = v["checks"].as_array().expect("checks is an array");
        assert!(!checks.is_empty());
        for c in checks {
            for k in [
                "id", "family", "outcome", "title", "evidence", "summary", "lesson",
            ] {
                assert!(c.get(k).is_some(), "check.{k} missing: {c}");
            }
            assert!(matches!(
                c["outcome"].as_str(),
                Some("pass" | "warn" | "fail" | "skip")
            ));
        }
        assert!(v["error"].is_null());
    }
    assert_eq!(lines[0]["from"]["address"], "weekly@example.com");
    assert_eq!(lines[1]["verdict"], "danger");
    // A check that fired carries its lesson, so a script can explain it without mailsleuth.
    let fired: Vec<&Value> = lines[1]["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| matches!(c["outcome"].as_str(), Some("warn" | "fail")))
        .collect();
    assert!(!fired.is_empty());
    for c in fired {
        for k in ["plain", "why", "how_to_check", "what_to_do", "expert"] {
            assert!(c["lesson"][k].is_string(), "{}: lesson.{k}", c["id"]);
        }
        assert!(
            c["evidence"].as_array().is_some_and(|e| !e.is_empty()),
            "{}: a warning or failure shows its evidence",
            c["id"]
        );
    }
}

#[test]
fn bad_inputs_exit_2_and_the_other_inputs_are_still_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let empty = dir.path().join("empty.eml");
    let png = dir.path().join("picture.eml");
    std::fs::write(&empty, b"").expect("write");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").expect("write");
    let good = fixture("postfix-exim.eml");
    let missing = dir.path().join("not-there.eml");

    let o = check(&["--json", s(&empty), s(&good), s(&png), s(&missing)]);
    assert_eq!(code(&o), 2);
    let lines = json_lines(&o);
    assert_eq!(lines.len(), 4, "{}", stdout(&o));
    assert_eq!(lines[0]["error"]["kind"], "empty");
    assert!(lines[0]["verdict"].is_null());
    assert!(lines[0]["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("empty")));
    assert_eq!(lines[1]["verdict"], "ok", "{}", lines[1]);
    assert!(lines[1]["error"].is_null());
    assert_eq!(lines[2]["error"]["kind"], "not-email");
    assert!(lines[2]["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("PNG")));
    assert_eq!(lines[3]["error"]["kind"], "unreadable");

    // The same run as text: each error in plain words, the good message still analysed.
    let o = check(&[s(&empty), s(&good), s(&png)]);
    assert_eq!(code(&o), 2);
    let out = stdout(&o);
    assert!(out.contains("This file is empty"), "{out}");
    assert!(out.contains("looks like a PNG image"), "{out}");
    assert!(out.contains("Carol Example"), "{out}");
}

#[test]
fn a_dangerous_message_exits_1_and_errors_win_over_danger() {
    let danger = fixture("forged-dkim-below-boundary.eml");
    let o = check(&["--json", s(&danger)]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));

    let dir = tempfile::tempdir().expect("temp dir");
    let empty = dir.path().join("empty.eml");
    std::fs::write(&empty, b"\n\n").expect("write");
    let o = check(&["--json", s(&danger), s(&empty)]);
    assert_eq!(code(&o), 2);
}

#[test]
fn a_clean_message_exits_0() {
    let o = check(&[s(&fixture("postfix-exim.eml"))]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
}

#[test]
fn dash_reads_the_message_from_stdin() {
    let raw = std::fs::read(fixture("mailing-list.eml")).expect("read fixture");
    let mut child = bin()
        .args(["check", "--offline", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&raw)
        .expect("write stdin");
    let o = child.wait_with_output().expect("wait");
    let lines = json_lines(&o);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["path"], "-");
    assert_eq!(lines[0]["from"]["domain"], "lists.example.org");
}

#[test]
fn a_folder_is_searched_recursively_in_sorted_order_without_hidden_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).expect("mkdir");
    let raw = std::fs::read(fixture("postfix-exim.eml")).expect("read fixture");
    for p in [
        dir.path().join("b.eml"),
        sub.join("a.eml"),
        dir.path().join(".hidden.eml"),
        dir.path().join("a.eml"),
    ] {
        std::fs::write(p, &raw).expect("write");
    }
    let o = check(&["--json", s(dir.path())]);
    assert_eq!(code(&o), 0);
    let paths: Vec<String> = json_lines(&o)
        .iter()
        .map(|v| v["path"].as_str().unwrap_or_default().to_string())
        .collect();
    let expected: Vec<String> = [
        dir.path().join("a.eml"),
        dir.path().join("b.eml"),
        sub.join("a.eml"),
    ]
    .iter()
    .map(|p| s(p).to_string())
    .collect();
    assert_eq!(paths, expected);
}

#[test]
fn text_output_never_passes_on_control_characters_from_the_message() {
    let o = check(&[s(&fixture("hostile-escapes.eml"))]);
    let out = stdout(&o);
    assert!(!out.contains('\u{1b}'), "raw ESC in output:\n{out}");
    assert!(!out.contains('\u{7}'), "raw BEL in output");
    assert!(
        !out.contains('\u{202E}'),
        "raw direction override in output"
    );
    assert!(out.contains("\\x1b[1;31mURGENT"), "{out}");
    assert!(out.contains("invoice<U+202E>fdp.exe"), "{out}");
    assert!(out.contains("Attachments (listed, never opened)"), "{out}");
}

#[test]
fn text_output_shows_where_a_link_really_goes() {
    let o = check(&[s(&fixture("forged-dkim-below-boundary.eml"))]);
    let out = stdout(&o);
    assert!(
        out.contains(
            "\"https://www.lumenbank.test/login\" -> http://lumenbank-secure.test/login.php?id=dan"
        ),
        "{out}"
    );
    assert!(
        out.contains("What to do:"),
        "lessons for what fired:\n{out}"
    );
}

/// A sign-in lure whose link the reader's own filter wrapped in Microsoft Safe Links.
const SAFE_LINKS_LURE: &str = "From: \"Microsoft account team\" <account-security@alerts-mail.example>\r\nTo: robin@northwind.example\r\nSubject: Unusual sign-in activity\r\nDate: Mon, 2 Jun 2025 09:00:00 +0000\r\nMessage-ID: <1@alerts-mail.example>\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>We detected an unusual sign-in. <a href=\"https://eur02.safelinks.protection.outlook.com/?url=https%3A%2F%2Flogin.microsofft.com%2Fverify&amp;data=05%7C01&amp;reserved=0\">Review your account</a></p>\r\n";

#[test]
fn json_and_text_show_the_destination_behind_a_safe_links_wrapper() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("sign-in.eml");
    std::fs::write(&path, SAFE_LINKS_LURE).expect("write the message");

    let o = check(&["--json", s(&path)]);
    let docs = json_lines(&o);
    let doc = docs.first().expect("one JSON line");
    let link = &doc["links"][0];
    assert_eq!(link["destination"], "https://login.microsofft.com/verify");
    assert_eq!(link["destination_host"], "login.microsofft.com");
    assert_eq!(link["destination_org_domain"], "microsofft.com");
    assert_eq!(link["unwrapped_from"], "Microsoft Safe Links");
    assert_eq!(link["found_in"], "the HTML body");
    assert_eq!(doc["message_kind"], "person");
    assert_eq!(doc["sender_facts"]["from_proven"], false);
    let lookalike = doc["checks"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["id"] == "lookalike-link-domain"))
        .expect("the look-alike link check ran");
    assert!(
        matches!(lookalike["outcome"].as_str(), Some("warn" | "fail")),
        "{lookalike}"
    );
    assert!(lookalike["evidence"].to_string().contains("safelinks"));
    assert!(lookalike["title"].is_string());
    assert!(lookalike["evidence"][0]["text"].is_string());
    assert!(doc["checks"].to_string().contains("login.microsofft.com"));

    let text = stdout(&check(&[s(&path)]));
    assert!(
        text.contains("really goes to login.microsofft.com (Microsoft Safe Links removed)"),
        "{text}"
    );
    assert!(
        text.contains(
            "Kind:    a personal message; nothing proves it comes from alerts-mail.example"
        ),
        "{text}"
    );
}

#[test]
fn text_output_shows_verdict_path_boundary_and_auth() {
    let o = check(&[s(&fixture("clock-skew.eml"))]);
    let out = stdout(&o);
    assert!(out.contains("trust boundary"), "{out}");
    assert!(out.contains("Proof of sender"), "{out}");
    assert!(
        out.contains("-1 min 35 s"),
        "negative delay shown as negative:\n{out}"
    );
    assert!(out.contains("not re-checked now (offline)"), "{out}");
}

#[test]
fn summary_over_two_folders_has_a_row_per_folder() {
    let root = tempfile::tempdir().expect("temp dir");
    let bad = root.path().join("bad");
    let good = root.path().join("good");
    std::fs::create_dir(&bad).expect("mkdir");
    std::fs::create_dir(&good).expect("mkdir");
    std::fs::copy(fixture("forged-dkim-below-boundary.eml"), bad.join("1.eml")).expect("copy");
    std::fs::copy(fixture("postfix-exim.eml"), good.join("1.eml")).expect("copy");
    std::fs::write(good.join("2.eml"), b"").expect("write");

    let o = check(&["--summary", s(&bad), s(&good)]);
    assert_eq!(code(&o), 2);
    let out = stdout(&o);
    assert!(out.contains("By folder"), "{out}");
    assert!(out.contains("internal errors: 0"), "{out}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("This file is empty"));

    let o = check(&["--summary", "--json", s(&bad), s(&good)]);
    let lines = json_lines(&o);
    assert_eq!(lines.len(), 1, "one summary object");
    let v = &lines[0];
    assert_eq!(v["inputs"], 3);
    assert_eq!(v["verdicts"]["danger"], 1);
    assert_eq!(v["errors"]["empty"], 1);
    assert_eq!(v["folders"][0]["label"], "bad");
    assert_eq!(v["folders"][1]["verdicts"]["ok"], 1);
    assert_eq!(v["unexplained_verdicts"], 0);
}

#[test]
fn a_message_over_the_size_limit_is_refused_with_both_sizes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let big = dir.path().join("big.eml");
    let mut raw = std::fs::read(fixture("postfix-exim.eml")).expect("read fixture");
    raw.resize(1024 * 1024 + 4096, b'a');
    std::fs::write(&big, raw).expect("write");
    let o = check(&["--json", "--max-size", "1", s(&big)]);
    assert_eq!(code(&o), 2);
    let v = &json_lines(&o)[0];
    assert_eq!(v["error"]["kind"], "too-large");
    assert!(v["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("1 MB")));
}

#[test]
fn help_says_what_a_live_check_reveals() {
    let o = bin().args(["check", "--help"]).output().expect("run");
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    assert!(out.contains("--offline"));
    assert!(out.contains("sender's domains"), "{out}");
    assert!(out.contains("no network traffic"), "{out}");
}

#[test]
fn usage_errors_exit_2() {
    let o = bin().args(["check"]).output().expect("run");
    assert_eq!(code(&o), 2, "missing PATH");
    let o = bin()
        .args(["check", "--offline", "--dns", "127.0.0.1:53", "x.eml"])
        .output()
        .expect("run");
    assert_eq!(code(&o), 2, "--dns contradicts --offline");
}

#[test]
fn any_number_of_jobs_prints_the_same_output_in_input_order() {
    let folder = fixture("");
    let folder = s(&folder);
    let one = check(&["--json", "--jobs", "1", folder]);
    let many = check(&["--json", "--jobs", "5", folder]);
    let default = check(&["--json", folder]);
    assert!(json_lines(&one).len() > 5, "{}", stdout(&one));
    assert_eq!(stdout(&one), stdout(&many));
    assert_eq!(stdout(&one), stdout(&default));
    assert_eq!(code(&one), code(&many));
    let o = check(&["--jobs", "0", folder]);
    assert_eq!(code(&o), 2, "--jobs 0 is a usage error");
}

#[test]
fn live_checks_of_several_inputs_run_side_by_side_and_never_hang() {
    // A DNS server that never answers: every lookup runs into its timeout. Nothing leaves
    // the loopback interface.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind loopback UDP");
    let dns = silent.local_addr().expect("local addr").to_string();
    let files: Vec<PathBuf> = [
        "gmail-received.eml",
        "postfix-exim.eml",
        "mailing-list.eml",
        "m365-newsletter.eml",
    ]
    .iter()
    .map(|f| fixture(f))
    .collect();
    let bound = mailsleuth::live::LiveOptions::default().total_timeout;
    let started = std::time::Instant::now();
    let o = bin()
        .args(["check", "--json", "--dns", &dns])
        .args(files.iter().map(|f| s(f)))
        .output()
        .expect("run mailsleuth");
    let elapsed = started.elapsed();
    let lines = json_lines(&o);
    assert_eq!(lines.len(), files.len(), "{}", stdout(&o));
    for v in &lines {
        assert!(v["error"].is_null(), "{v}");
        assert!(
            v["auth"]["live"].is_object(),
            "live results are reported: {v}"
        );
        assert_eq!(v["auth"]["live"]["resolver"], dns.as_str());
    }
    // One after the other this would take files × bound; side by side, about one bound.
    assert!(
        elapsed < bound * 2 + std::time::Duration::from_secs(5),
        "took {elapsed:?} for {} inputs",
        files.len()
    );
    drop(silent);
}

fn organisation(name: &str) -> PathBuf {
    fixture("organisation").join(name)
}

fn first_reason(v: &Value) -> String {
    v["reasons"][0].as_str().unwrap_or_default().to_string()
}

/// The profile's executive and vendor: the impostors are dangerous and the check that
/// knows them leads; without the profile the same messages get their ordinary verdicts.
#[test]
fn a_profile_names_the_executive_and_the_vendor_an_impostor_pretends_to_be() {
    let profile = organisation("northwind.profile.toml");
    for (file, id) in [
        ("ceo-transfer.eml", "protected-person-impostor"),
        ("vendor-bank.eml", "vendor-lookalike"),
    ] {
        let msg = organisation(file);
        let o = check(&["--json", "--profile", s(&profile), s(&msg)]);
        let v = &json_lines(&o)[0];
        assert_eq!(v["verdict"], "danger", "{file}: {}", stdout(&o));
        assert_eq!(first_reason(v), id, "{file}");
        assert_eq!(code(&o), 1);
        let o = check(&["--json", s(&msg)]);
        let v = &json_lines(&o)[0];
        assert!(
            v["reasons"]
                .as_array()
                .is_some_and(|r| !r.iter().any(|c| c == id)),
            "{file}: no profile, no {id}"
        );
        let c = v["checks"]
            .as_array()
            .and_then(|cs| cs.iter().find(|c| c["id"] == id).cloned())
            .expect("the check is listed");
        assert_eq!(c["outcome"], "skip", "{file}");
    }
}

#[test]
fn a_broken_profile_is_refused_with_its_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = dir.path().join("profile.toml");
    std::fs::write(
        &bad,
        "name = \"Northwind\"\n[[people]]\nname = \"Dana Whitfield\"\naddresses = [\"dana\"]\n",
    )
    .expect("write");
    let o = check(&["--profile", s(&bad), s(&fixture("m365-newsletter.eml"))]);
    assert_eq!(code(&o), 2);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("line 4") && err.contains("not an e-mail address"),
        "{err}"
    );
}

fn report_cmd(args: &[&str]) -> Output {
    bin()
        .arg("report")
        .args(args)
        .output()
        .expect("run mailsleuth")
}

/// `mailsleuth report` writes an unsent draft to the profile's report address with the
/// original attached byte for byte, and never overwrites a file.
#[test]
fn report_writes_a_draft_with_the_original_attached_unchanged() {
    use sha2::{Digest, Sha256};
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("report.eml");
    let msg = organisation("ceo-transfer.eml");
    let profile = organisation("northwind.profile.toml");
    let o = report_cmd(&[
        s(&msg),
        "--profile",
        s(&profile),
        "-o",
        s(&out),
        "--replied",
    ]);
    assert_eq!(
        code(&o),
        1,
        "danger: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let draft = std::fs::read(&out).expect("the draft is written");
    let parsed = mail_parser::MessageParser::default()
        .parse(&draft)
        .expect("mail-parser reads the draft");
    assert_eq!(
        parsed
            .to()
            .and_then(|t| t.first())
            .and_then(|a| a.address()),
        Some("security@northwind.example")
    );
    assert_eq!(parsed.header_raw("X-Unsent").map(str::trim), Some("1"));
    let body = parsed.body_text(0).unwrap_or_default();
    assert!(
        body.contains("I replied to or forwarded the message"),
        "{body}"
    );
    assert!(body.contains("Warn the people you replied to"), "{body}");
    let original = std::fs::read(&msg).expect("fixture");
    let attached = parsed
        .attachments()
        .find_map(|p| match &p.body {
            mail_parser::PartType::Message(m) => Some(m.raw_message().to_vec()),
            _ => None,
        })
        .expect("the original is attached");
    assert_eq!(Sha256::digest(&attached), Sha256::digest(&original));
    // The same name again: refused, and the first report is left alone.
    let again = report_cmd(&[s(&msg), "-o", s(&out)]);
    assert_eq!(code(&again), 2);
    assert!(String::from_utf8_lossy(&again.stderr).contains("never overwrites"));
    assert_eq!(std::fs::read(&out).expect("still there"), draft);
}

/// The HTML report is one self-contained page: no script and nothing fetched from anywhere.
#[test]
fn the_html_report_requests_nothing_from_the_network() {
    let dir = tempfile::tempdir().expect("temp dir");
    let msg = organisation("vendor-bank.eml");
    let page_path = dir.path().join("report.html");
    let profile = organisation("northwind.profile.toml");
    let o = check(&["--html", s(&page_path), "--profile", s(&profile), s(&msg)]);
    assert_eq!(code(&o), 1, "{}", String::from_utf8_lossy(&o.stderr));
    let page = std::fs::read_to_string(&page_path).expect("the page is written");
    let lower = page.to_ascii_lowercase();
    for attr in [
        "src=", "href=", "url(", "@import", "<script", "<link", "<img", "<iframe",
    ] {
        assert!(!lower.contains(attr), "{attr} in the page");
    }
    assert!(page.contains("Updated bank details for future payments"));
    assert!(page.contains("The route it took"));
    let redacted = dir.path().join("redacted.html");
    let o = report_cmd(&[
        s(&msg),
        "--html",
        "--redact",
        "--profile",
        s(&profile),
        "-o",
        s(&redacted),
    ]);
    assert_eq!(code(&o), 1);
    let page = std::fs::read_to_string(&redacted).expect("written");
    assert!(!page.contains("ap@northwind.example") && page.contains("[your address]"));
    // --html wants one message.
    let o = check(&["--html", s(&dir.path().join("x.html")), s(&msg), s(&msg)]);
    assert_eq!(code(&o), 2);
}
