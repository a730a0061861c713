//! The desktop app with mail as people have it: a dropped Outlook `.msg`, a dropped mbox,
//! and a colleague's forward whose attached message is the one that matters.

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use mailsleuth::analysis::Verdict;
use mailsleuth::gui::{MailsleuthApp, Settings, View};
use support::{wait_for_results, TestDrop};

fn app_harness() -> Harness<'static, MailsleuthApp> {
    Harness::builder()
        .with_size(egui::vec2(1000.0, 700.0))
        .build_eframe(|cc| MailsleuthApp::new(cc, Settings::offline(), Vec::new()))
}

fn drop_and_wait(
    harness: &mut Harness<'static, MailsleuthApp>,
    path: PathBuf,
    bytes: Option<Vec<u8>>,
) {
    harness
        .input_mut()
        .dropped_files
        .push(Arc::new(TestDrop { path, bytes }) as egui::DroppedFileHandle);
    harness.step();
    wait_for_results(harness);
}

/// At least one node's label contains `text` (a subject shows in the list and the report).
fn shown(harness: &Harness<'static, MailsleuthApp>, text: &str) {
    assert!(
        harness.query_all_by_label_contains(text).next().is_some(),
        "nothing on screen says {text:?}"
    );
}

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

#[test]
fn a_dropped_outlook_msg_and_a_dropped_mbox_fill_the_list() {
    let mut harness = app_harness();
    drop_and_wait(
        &mut harness,
        fixture("tests/fixtures/outlook/fake-email-attachment.msg"),
        None,
    );
    shown(&harness, "Fake email with attachment");
    shown(&harness, "rebuilt the message from what Outlook kept");

    let mbox: String = (1..=3)
        .map(|n| {
            format!(
                "From p{n}@example.org Mon Jan  1 00:00:00 2024\nFrom: p{n}@example.org\nTo: me@example.net\nSubject: Mailbox message {n}\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n\nHello\n\n"
            )
        })
        .collect();
    drop_and_wait(
        &mut harness,
        PathBuf::from("archive.mbox"),
        Some(mbox.into_bytes()),
    );
    let names: Vec<&str> = harness
        .state()
        .entries()
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "fake-email-attachment.msg",
            "archive.mbox#1",
            "archive.mbox#2",
            "archive.mbox#3"
        ]
    );
    for n in 1..=3 {
        shown(&harness, &format!("Mailbox message {n}"));
    }
}

#[test]
fn the_attached_message_of_a_short_internal_forward_opens_first() {
    let phish = std::fs::read(fixture("assets/samples/lookalike-login.eml")).unwrap();
    let mut m = b"Delivered-To: it-security@fabrikam.example\r\n\
From: Sam Colleague <sam@fabrikam.example>\r\n\
To: it-security@fabrikam.example\r\n\
Subject: Fwd: is this real?\r\n\
Date: Thu, 26 Nov 2026 09:00:00 +0000\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"fwd\"\r\n\r\n\
--fwd\r\nContent-Type: text/plain\r\n\r\nGot this, looks odd. Sam\r\n\
--fwd\r\nContent-Type: message/rfc822\r\n\r\n"
        .to_vec();
    m.extend_from_slice(&phish);
    m.extend_from_slice(b"\r\n--fwd--\r\n");
    let mut harness = app_harness();
    drop_and_wait(&mut harness, PathBuf::from("report.eml"), Some(m));
    let entries = harness.state().entries();
    assert_eq!(entries.len(), 2);
    let (carrier, attached) = (&entries[0], &entries[1]);
    assert_eq!(attached.carrier, Some(carrier.id));
    assert_eq!(harness.state().view(), View::Message(attached.id));
    assert_eq!(attached.report().map(|r| r.verdict), Some(Verdict::Danger));
    shown(
        &harness,
        "Reported by sam@fabrikam.example as an attachment",
    );
    // The carrier stays in the list, one click away.
    shown(&harness, "Fwd: is this real?");
}
