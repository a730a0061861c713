//! Mail the way people have it: mbox files, Maildir folders, Apple Mail `.emlx`, Outlook
//! `.msg`, messages forwarded as attachments, and text pasted from "show original" views.

use std::path::{Path, PathBuf};
use std::process::Command;

use mailsleuth::analysis::{self, Options};
use mailsleuth::intake;
use mailsleuth::load;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mailsleuth"))
}

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Runs `check --json --offline` and returns the JSON rows and the exit code.
fn check_json(paths: &[&Path]) -> (Vec<serde_json::Value>, i32) {
    let out = bin()
        .args(["check", "--json", "--offline"])
        .args(paths)
        .output()
        .expect("run mailsleuth");
    let rows = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    (rows, out.status.code().unwrap_or(-1))
}

fn message(n: usize) -> String {
    format!(
        "From: Person {n} <p{n}@example.org>\nTo: me@example.net\nSubject: Message number {n}\nDate: Mon, 1 Jan 2024 00:00:0{n} +0000\nMessage-ID: <{n}@example.org>\n\nHello {n}.\n>From the archive\n"
    )
}

#[test]
fn an_mbox_of_three_messages_gives_three_rows_named_by_number_with_their_subjects() {
    let dir = tempfile::tempdir().unwrap();
    let mbox = dir.path().join("inbox.mbox");
    let text: String = (1..=3)
        .map(|n| {
            format!(
                "From p{n}@example.org Mon Jan  1 00:00:00 2024\n{}\n",
                message(n)
            )
        })
        .collect();
    std::fs::write(&mbox, text).unwrap();
    let (rows, code) = check_json(&[&mbox]);
    assert_eq!(rows.len(), 3, "{rows:?}");
    for (i, row) in rows.iter().enumerate() {
        let n = i + 1;
        assert_eq!(row["path"], format!("{}#{n}", mbox.display()));
        assert_eq!(row["subject"], format!("Message number {n}"));
        assert!(row["error"].is_null(), "{row}");
    }
    assert_eq!(code, 0);
    // The text report names each message by number too.
    let out = bin()
        .args(["check", "--offline"])
        .arg(&mbox)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("inbox.mbox#3"), "{text}");
}

#[test]
fn an_mbox_holding_one_message_keeps_the_plain_file_name() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("one.eml");
    std::fs::write(
        &f,
        format!(
            "From p1@example.org Mon Jan  1 00:00:00 2024\n{}",
            message(1)
        ),
    )
    .unwrap();
    let (rows, _) = check_json(&[&f]);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["path"], f.display().to_string());
}

#[test]
fn a_maildir_gives_one_row_per_message_and_an_emlx_reads_as_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("Maildir");
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(md.join(sub)).unwrap();
    }
    std::fs::write(md.join("cur/1700000000.M1P1.host:2,S"), message(1)).unwrap();
    std::fs::write(md.join("cur/1700000001.M2P1.host:2,RS"), message(2)).unwrap();
    std::fs::write(md.join("new/1700000002.M3P1.host"), message(3)).unwrap();
    let (rows, code) = check_json(&[&md]);
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows.iter().all(|r| r["error"].is_null()));
    assert_eq!(code, 0);

    let msg = message(4);
    let emlx = dir.path().join("12345.emlx");
    std::fs::write(
        &emlx,
        format!("{}\n{msg}<?xml version=\"1.0\"?>\n<plist><dict><key>flags</key><integer>8590195713</integer></dict></plist>\n", msg.len()),
    )
    .unwrap();
    let (rows, _) = check_json(&[&emlx]);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["subject"], "Message number 4");
    assert!(rows[0]["error"].is_null(), "{}", rows[0]);
}

/// A colleague's genuine internal forward carrying a phishing message as an attachment.
fn colleague_forward(attached: &[u8]) -> Vec<u8> {
    let mut m = b"Delivered-To: it-security@fabrikam.example\r\n\
Received: from mx1.fabrikam.example (mx1.fabrikam.example [192.0.2.10])\r\n\
\tby mbx.fabrikam.example with ESMTPS id 1; Thu, 26 Nov 2026 09:00:01 +0000\r\n\
From: Sam Colleague <sam@fabrikam.example>\r\n\
To: it-security@fabrikam.example\r\n\
Subject: Fwd: is this real?\r\n\
Date: Thu, 26 Nov 2026 09:00:00 +0000\r\n\
Message-ID: <fwd-1@fabrikam.example>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"fwd\"\r\n\r\n\
--fwd\r\nContent-Type: text/plain\r\n\r\nGot this, looks odd. Sam\r\n\
--fwd\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment; filename=\"suspicious.eml\"\r\n\r\n"
        .to_vec();
    m.extend_from_slice(attached);
    m.extend_from_slice(b"\r\n--fwd--\r\n");
    m
}

#[test]
fn a_forwarded_phishing_attachment_gets_a_danger_row_of_its_own_beside_the_carrier() {
    let phish = std::fs::read(fixture("assets/samples/lookalike-login.eml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("report.eml");
    std::fs::write(&f, colleague_forward(&phish)).unwrap();
    let (rows, code) = check_json(&[&f]);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0]["path"], f.display().to_string());
    assert_ne!(
        rows[0]["verdict"], "danger",
        "the carrier is a genuine forward"
    );
    assert_eq!(rows[1]["path"], format!("{}#attached-1", f.display()));
    assert_eq!(rows[1]["verdict"], "danger");
    let notes = rows[1]["notes"].to_string();
    assert!(
        notes.contains("Reported by sam@fabrikam.example as an attachment"),
        "{notes}"
    );
    assert_eq!(code, 1);
}

#[test]
fn attached_messages_are_opened_three_levels_deep_and_no_deeper() {
    let mut m = message(1).into_bytes();
    for _ in 0..4 {
        m = colleague_forward(&m);
    }
    let found = load::open_bytes(m, load::DEFAULT_MAX_SIZE).next().unwrap();
    let list = intake::analyse(found, &Options::default());
    let suffixes: Vec<&str> = list.iter().map(|a| a.suffix.as_str()).collect();
    assert_eq!(
        suffixes,
        [
            "",
            "#attached-1",
            "#attached-1/attached-1",
            "#attached-1/attached-1/attached-1",
            "#attached-1/attached-1/attached-1/attached-1"
        ]
    );
    let last = list.last().unwrap();
    assert_eq!(last.result.as_ref().unwrap_err().kind(), "too-deep");
    // The attachment of a short internal forward is what the person wants to see first.
    assert!(list[1].opens_first(&list, &[]));
    assert!(!list[0].opens_first(&list, &[]));
}

/// The transport headers stream of a `.msg`, read directly (not through mailsleuth's rebuild).
fn transport_headers(path: &Path) -> String {
    let mut file = cfb::open(path).unwrap();
    let mut s = file.open_stream("/__substg1.0_007D001F").unwrap();
    let mut buf = Vec::new();
    std::io::Read::read_to_end(&mut s, &mut buf).unwrap();
    let units: Vec<u16> = buf
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    String::from_utf16_lossy(&units)
        .trim_end_matches('\0')
        .to_string()
}

#[test]
fn an_outlook_msg_gives_the_hops_and_recorded_authentication_of_the_equivalent_eml() {
    let path = fixture("tests/fixtures/outlook/newsletter-outlook.msg");
    let opts = Options::default();
    let found = load::open_path(&path, load::DEFAULT_MAX_SIZE)
        .next()
        .unwrap();
    assert_eq!(
        found.origin,
        load::Origin::Outlook {
            transport_headers: true
        }
    );
    let list = intake::analyse(found, &opts);
    let from_msg = list[0].result.as_ref().unwrap();
    assert!(
        list[0].raw.is_none(),
        "a rebuilt message is not re-checked live"
    );

    let headers = transport_headers(&path);
    let eml = format!("{}\r\n\r\nbody\r\n", headers.trim_end());
    let from_eml = analysis::analyze(eml.as_bytes(), &opts).unwrap();

    assert!(from_msg.path.hops.len() >= 5, "{:?}", from_msg.path.hops);
    assert_eq!(
        serde_json::to_value(&from_msg.path.hops).unwrap(),
        serde_json::to_value(&from_eml.path.hops).unwrap()
    );
    assert_eq!(
        serde_json::to_value(&from_msg.auth).unwrap(),
        serde_json::to_value(&from_eml.auth).unwrap()
    );
    assert_eq!(from_msg.identity.from, from_eml.identity.from);
    assert_eq!(from_msg.subject, from_eml.subject);
    assert!(from_msg
        .notes
        .iter()
        .any(|n| n.contains("DKIM signatures cannot be re-checked")));
    // Its HTML body and pictures came through as well.
    assert!(!from_msg.content.links.is_empty());
    assert!(from_msg.attachments.len() >= 3);
}

#[test]
fn an_outlook_msg_with_an_attachment_keeps_its_sender_subject_body_and_attachment() {
    let (rows, code) = check_json(&[&fixture("tests/fixtures/outlook/fake-email-attachment.msg")]);
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert!(r["error"].is_null(), "{r}");
    assert_eq!(r["subject"], "Fake email with attachment");
    assert_eq!(r["from"]["address"], "mallori@unstructured.io");
    assert_eq!(r["attachments"][0]["filename"], "fake-attachment.txt");
    assert_eq!(code, 0);
}

#[test]
fn a_corrupt_or_oversized_msg_is_a_readable_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    // A real .msg cut in half.
    let whole = std::fs::read(fixture("tests/fixtures/outlook/fake-email.msg")).unwrap();
    let cut = dir.path().join("cut.msg");
    std::fs::write(&cut, &whole[..whole.len() / 2]).unwrap();
    // A compound file with far more streams than a message has.
    let bomb = dir.path().join("bomb.msg");
    {
        let mut cf = cfb::create(&bomb).unwrap();
        cf.create_stream("/__substg1.0_0037001F").unwrap();
        for i in 0..20_100 {
            cf.create_stream(format!("/s{i}")).unwrap();
        }
        cf.flush().unwrap();
    }
    let (rows, code) = check_json(&[&cut, &bomb]);
    assert_eq!(rows.len(), 2);
    for r in &rows {
        assert!(r["verdict"].is_null(), "{r}");
        assert_eq!(r["error"]["kind"], "bad-msg", "{r}");
    }
    assert_eq!(code, 2);
}

#[test]
fn a_msg_without_transport_headers_gets_a_note_instead_of_a_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let draft = dir.path().join("draft.msg");
    {
        let mut cf = cfb::create(&draft).unwrap();
        let utf16 = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(u16::to_le_bytes).collect() };
        for (name, value) in [
            ("/__substg1.0_0037001F", "Invoice overdue"),
            ("/__substg1.0_0C1F001F", "boss@example.org"),
            ("/__substg1.0_1000001F", "Please pay today."),
        ] {
            let mut s = cf.create_stream(name).unwrap();
            std::io::Write::write_all(&mut s, &utf16(value)).unwrap();
        }
        cf.flush().unwrap();
    }
    let (rows, code) = check_json(&[&draft]);
    assert_eq!(rows.len(), 1);
    assert!(rows[0]["verdict"].is_null());
    assert_eq!(rows[0]["error"]["kind"], "no-transport-headers");
    assert_eq!(code, 2);
}

#[test]
fn a_truncated_mbox_gives_the_messages_that_are_there() {
    let dir = tempfile::tempdir().unwrap();
    let mbox = dir.path().join("cut.mbox");
    let text = format!(
        "From a Mon Jan  1 00:00:00 2024\n{}\nFrom b Mon Jan  1 00:00:00 2024\nFrom: b@example.org\nSubject: cut he",
        message(1)
    );
    std::fs::write(&mbox, text).unwrap();
    let (rows, _) = check_json(&[&mbox]);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0]["subject"], "Message number 1");
    assert_eq!(rows[1]["path"], format!("{}#2", mbox.display()));
    assert_eq!(rows[1]["from"]["address"], "b@example.org", "{}", rows[1]);
}

#[test]
fn text_pasted_from_show_original_views_reads_as_the_message() {
    let raw = std::fs::read_to_string(fixture("assets/samples/lookalike-login.eml")).unwrap();
    let expected = analysis::analyze(raw.as_bytes(), &Options::default()).unwrap();
    // Browser copy: LF only, no final newline, folded lines indented with non-breaking spaces.
    let browser = raw
        .replace("\r\n", "\n")
        .replace("\n\t", "\n\u{a0}\u{a0}")
        .trim_end()
        .to_string();
    // A CRLF/LF mix, as a copy through a Windows tool leaves it.
    let mixed: String = raw
        .replace("\r\n", "\n")
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i % 2 == 0 {
                format!("{l}\r\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    for pasted in [browser, mixed] {
        let repaired = load::paste::repair(&pasted);
        let got = analysis::analyze(&repaired, &Options::default()).unwrap();
        assert_eq!(got.verdict, expected.verdict);
        assert_eq!(got.identity.from, expected.identity.from);
        assert_eq!(got.path.hops.len(), expected.path.hops.len());
        assert_eq!(
            serde_json::to_value(&got.auth).unwrap(),
            serde_json::to_value(&expected.auth).unwrap()
        );
    }
}
