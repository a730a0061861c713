//! The desktop app, driven through AccessKit with egui_kittest: dropping files, reading the
//! verdict, the path and the checklist, opening lessons, errors, and image snapshots.

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use mailsleuth::analysis::{self, Options, Outcome, Report};
use mailsleuth::gui::theme::{outcome_word, row_label, row_text};
use mailsleuth::gui::{MailsleuthApp, Settings};
use support::{wait_for_results, TestDrop};

fn sample_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/welcome.eml")
}

/// The report the app should be showing for the sample, computed the same way (offline).
fn sample_report() -> Report {
    let raw = std::fs::read(sample_path()).expect("sample is readable");
    analysis::analyze(&raw, &Options::with_clock()).expect("sample is an email")
}

fn app_harness(size: egui::Vec2) -> Harness<'static, MailsleuthApp> {
    Harness::builder()
        .with_size(size)
        .build_eframe(|cc| MailsleuthApp::new(cc, Settings::offline(), Vec::new()))
}

fn drop_file(harness: &mut Harness<'static, MailsleuthApp>, file: TestDrop) {
    harness
        .input_mut()
        .dropped_files
        .push(Arc::new(file) as egui::DroppedFileHandle);
    harness.step();
}

fn open_sample(harness: &mut Harness<'static, MailsleuthApp>) {
    drop_file(
        harness,
        TestDrop {
            path: sample_path(),
            bytes: None,
        },
    );
    wait_for_results(harness);
}

fn click_tab(harness: &mut Harness<'static, MailsleuthApp>, label: &str) {
    harness
        .get_by_role_and_label(egui::Role::Tab, label)
        .click();
    harness.run_steps(3);
}

fn click_check(harness: &mut Harness<'static, MailsleuthApp>, check: &analysis::CheckResult) {
    harness
        .get_by_role_and_label(egui::Role::Button, &row_label(check))
        .click();
}

#[test]
fn welcome_view_offers_drop_open_paste_and_sample() {
    let mut harness = app_harness(egui::vec2(1200.0, 800.0));
    harness.run_steps(2);
    harness.get_by_label("Drop an email here, or click to open a file");
    assert!(!harness
        .query_all_by_label("📂 Open file…")
        .collect::<Vec<_>>()
        .is_empty());
    assert!(!harness
        .query_all_by_label("📋 Paste message or headers…")
        .collect::<Vec<_>>()
        .is_empty());
    harness.get_by_label("Open the sample message");
}

#[test]
fn dropped_message_shows_verdict_path_boundary_and_checklist() {
    let expected = sample_report();
    let mut harness = app_harness(egui::vec2(1200.0, 800.0));
    open_sample(&mut harness);

    assert!(
        harness
            .query_all_by_label_contains(expected.verdict.word())
            .next()
            .is_some(),
        "verdict word {:?} is shown",
        expected.verdict.word()
    );
    harness.get_by_label_contains(&expected.headline);
    click_tab(&mut harness, "Checklist");
    // Each family lists what it found first; checks that did not apply are folded away.
    let first_check = expected
        .checks
        .iter()
        .find(|c| matches!(c.outcome, Outcome::Fail | Outcome::Warn))
        .or_else(|| expected.checks.iter().find(|c| c.outcome != Outcome::Skip))
        .expect("some checks apply to the sample");
    assert!(
        harness
            .query_all_by_label_contains(row_text(first_check))
            .next()
            .is_some(),
        "checklist entry {:?} is shown",
        row_text(first_check)
    );

    click_tab(&mut harness, "Path");
    let hop_count = expected.path.hops.len();
    assert!(hop_count > 1, "the sample travels through several servers");
    for n in 1..=hop_count {
        harness.get_by_label_contains(&format!("Step {n}: "));
    }
    harness.get_by_label_contains("Trust boundary: above this line");
    let boundary = expected
        .path
        .boundary
        .expect("the sample has a trust boundary");
    harness.get_by_label_contains(&format!(
        "Step {}: mx2.example.org received the message",
        boundary + 1
    ));
}

#[test]
fn selecting_a_check_opens_its_lesson_and_esc_closes_it() {
    let expected = sample_report();
    // Prefer a check that found something: it has evidence to show.
    let check = expected
        .checks
        .iter()
        .find(|c| matches!(c.outcome, Outcome::Warn | Outcome::Fail))
        .or_else(|| expected.checks.iter().find(|c| c.outcome != Outcome::Skip))
        .expect("the checklist has entries");
    let mut harness = app_harness(egui::vec2(1200.0, 800.0));
    open_sample(&mut harness);
    click_tab(&mut harness, "Checklist");

    click_check(&mut harness, check);
    harness.run_steps(3);

    harness.get_by_label("In this message");
    assert!(
        harness
            .query_all_by_label_contains(&check.summary)
            .next()
            .is_some(),
        "the lesson shows what the check found"
    );
    if let Some(lesson) = mailsleuth::lessons::lesson(&check.id) {
        harness.get_by_label_contains(&lesson.plain);
    }

    harness.key_press(egui::Key::Escape);
    harness.run_steps(3);
    assert!(harness.query_by_label("In this message").is_none());
}

#[test]
fn checklist_lines_never_pair_a_red_flag_title_with_fine() {
    let expected = sample_report();
    let mut harness = app_harness(egui::vec2(1200.0, 800.0));
    open_sample(&mut harness);
    click_tab(&mut harness, "Checklist");
    let passed: Vec<&analysis::CheckResult> = expected
        .checks
        .iter()
        .filter(|c| c.outcome == Outcome::Pass && !c.reassuring)
        .collect();
    assert!(passed.len() > 10, "the sample passes many checks");
    let fine = outcome_word(Outcome::Pass);
    for c in &passed {
        // "No message ID: Fine" would read as if the message had no ID.
        let wrong = format!("{}: {fine}", c.title);
        assert!(
            harness.query_all_by_label(&wrong).next().is_none(),
            "{wrong:?} is shown"
        );
        let right = format!("{}: {fine}", c.summary);
        assert!(
            harness.query_all_by_label(&right).next().is_some(),
            "{right:?} is not shown"
        );
    }
    // A passed check's lesson leads with what was found and names what it looks for.
    let c = passed.first().copied().expect("a passed check");
    click_check(&mut harness, c);
    harness.run_steps(3);
    harness.get_by_label(&format!("What this check looks for: {}", c.title));
    assert!(harness.query_by_label("In this message").is_none());
}

#[test]
fn an_ok_verdict_calls_its_minor_findings_also_noticed() {
    // A message judged ok that still has minor findings: under a green "looks fine" they
    // are not the reasons "why".
    let mut report = fixture_report();
    assert!(!report.reasons.is_empty(), "the fixture has reasons");
    report.verdict = analysis::Verdict::Ok;
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1200.0, 800.0))
        .build_eframe(move |cc| MailsleuthApp::new(cc, Settings::offline(), Vec::new()));
    harness.state_mut().open_report("minor.eml", report);
    harness.run_steps(3);
    harness.get_by_label("Also noticed (not enough to worry about on its own)");
    assert!(harness.query_by_label("Why").is_none());

    let harness = fixture_harness(Settings::offline());
    harness.get_by_label("Why");
}

#[test]
fn a_long_notice_wraps_inside_the_window_and_esc_dismisses_it() {
    // An empty folder with a long name: its notice is far wider than the window.
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = dir.path().join(format!(
        "Quarterly reports forwarded by the finance team for review {}",
        "and sign-off ".repeat(8)
    ));
    std::fs::create_dir(&folder).expect("folder");
    let size = egui::vec2(1024.0, 640.0);
    let mut harness = app_harness(size);
    harness.run_steps(2);
    drop_file(
        &mut harness,
        TestDrop {
            path: folder,
            bytes: None,
        },
    );
    wait_for_results(&mut harness);
    let note = harness
        .get_by_label_contains("has no files to check")
        .rect();
    let dismiss = harness.get_by_label("Dismiss").rect();
    for (what, rect) in [("the notice", note), ("its Dismiss button", dismiss)] {
        assert!(
            rect.right() <= size.x && rect.bottom() <= size.y,
            "{what} ends at {rect:?}, outside the {size:?} window"
        );
    }
    assert!(
        note.height() > 30.0,
        "the long notice wraps onto several lines"
    );
    // The start page beside it is still laid out inside the window.
    for open in harness.query_all_by_label("📂 Open file…") {
        assert!(
            open.rect().right() <= size.x,
            "the toolbar stays inside the window"
        );
    }

    harness.key_press(egui::Key::Escape);
    harness.run_steps(3);
    assert!(harness
        .query_all_by_label_contains("has no files to check")
        .next()
        .is_none());
}

#[test]
fn dropping_a_png_shows_a_readable_error_and_the_app_keeps_working() {
    let mut harness = app_harness(egui::vec2(1000.0, 700.0));
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0".to_vec();
    drop_file(
        &mut harness,
        TestDrop {
            path: PathBuf::from("holiday-photo.eml"),
            bytes: Some(png),
        },
    );
    wait_for_results(&mut harness);
    harness.get_by_label_contains("mailsleuth could not check holiday-photo.eml");
    harness.get_by_label_contains("This is not an email: it looks like a PNG image");

    // The next message still opens.
    open_sample(&mut harness);
    assert_eq!(harness.state().entries().len(), 2);
    assert!(harness
        .state()
        .entries()
        .iter()
        .any(|e| e.report().is_some()));
}

#[test]
fn pasting_headers_opens_them_as_a_message() {
    let mut harness = app_harness(egui::vec2(1000.0, 700.0));
    harness.run_steps(1);
    let headers = "Received: from mail.example.net (mail.example.net [198.51.100.7])\n\
                   \tby mx.example.org with ESMTPS id 1; Mon, 6 Oct 2025 10:00:00 +0000\n\
                   From: Pat <pat@example.net>\nTo: sam@example.org\nSubject: Lunch\n\
                   Date: Mon, 6 Oct 2025 09:59:58 +0000\nMessage-ID: <1@example.net>\n";
    harness.event(egui::Event::Paste(headers.into()));
    harness.step();
    wait_for_results(&mut harness);
    let entries = harness.state().entries();
    assert_eq!(entries.len(), 1);
    let report = entries
        .first()
        .and_then(|e| e.report())
        .expect("pasted headers are analysed");
    assert_eq!(report.subject.as_deref(), Some("Lunch"));
    assert!(
        harness
            .query_all_by_label_contains(report.verdict.word())
            .next()
            .is_some(),
        "the pasted message's verdict is shown"
    );
    // The safe view says why there is no text, rather than listing three absences.
    click_tab(&mut harness, "Message");
    harness.get_by_label_contains("only the headers were pasted or saved");
    assert!(harness
        .query_by_label("This message has no links")
        .is_none());
    assert!(harness
        .query_by_label("(this message has no text)")
        .is_none());
}

#[test]
fn several_dropped_files_each_get_an_entry() {
    let mut harness = app_harness(egui::vec2(1000.0, 700.0));
    for n in 0..5 {
        harness.input_mut().dropped_files.push(Arc::new(TestDrop {
            path: if n % 2 == 0 {
                sample_path()
            } else {
                PathBuf::from(format!("empty-{n}.eml"))
            },
            bytes: if n % 2 == 0 { None } else { Some(Vec::new()) },
        }) as egui::DroppedFileHandle);
    }
    harness.step();
    assert_eq!(harness.state().entries().len(), 5);
    wait_for_results(&mut harness);
    let ready = harness
        .state()
        .entries()
        .iter()
        .filter(|e| e.report().is_some())
        .count();
    assert_eq!(ready, 3, "the three copies of the sample are analysed");
    assert_eq!(
        harness
            .query_all_by_label_contains("Could not read")
            .count(),
        2,
        "the two empty files say they could not be read"
    );
}

#[test]
fn evidence_jump_highlights_the_header() {
    let expected = sample_report();
    // A flagged check whose evidence is a header (the sample's Reply-To, Authentication-Results…).
    let (check, n, header) = expected
        .checks
        .iter()
        .filter(|c| matches!(c.outcome, Outcome::Warn | Outcome::Fail))
        .find_map(|c| {
            c.evidence
                .iter()
                .enumerate()
                .find_map(|(n, e)| match &e.location {
                    analysis::Location::Header { name, .. } => Some((c, n, name.clone())),
                    _ => None,
                })
        })
        .expect("the sample has a flagged check pointing at a header");
    let mut harness = app_harness(egui::vec2(1200.0, 800.0));
    open_sample(&mut harness);
    click_tab(&mut harness, "Checklist");
    click_check(&mut harness, check);
    harness.run_steps(3);
    let jump = format!("Show in raw headers ({})", n + 1);
    harness.get_by_label(&jump).scroll_to_me();
    harness.run_steps(10);
    harness.get_by_label(&jump).click();
    // Let the scroll to the header finish.
    harness.run_steps(30);

    assert!(
        harness
            .query_all_by_label_contains(&format!("{header}:"))
            .next()
            .is_some(),
        "the raw headers show {header}"
    );
    harness.get_by_label("⏶ the selected check points here");
}

#[test]
fn snapshots_of_the_welcome_view_and_drop_overlay() {
    let mut harness = app_harness(egui::vec2(1200.0, 800.0));
    harness.run_steps(2);
    harness.snapshot("welcome");

    // Files dragged over the window: the overlay says what dropping will do.
    harness.input_mut().hovered_files.push(egui::HoveredFile {
        path: Some(sample_path()),
        mime: String::new(),
    });
    harness.run_steps(2);
    harness.snapshot("drop_overlay");
}

/// Starts the real binary in a virtual X display with the sample and checks it stays up.
#[test]
fn real_window_stays_up_under_xvfb() {
    let has_xvfb = std::process::Command::new("sh")
        .args(["-c", "command -v xvfb-run"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !has_xvfb {
        println!("skipped: xvfb-run is not installed (CI installs it)");
        return;
    }
    use std::os::unix::process::CommandExt;
    // Offline, and with its own settings folder: the smoke test looks nothing up and
    // leaves the developer's saved settings alone.
    let data = tempfile::tempdir().expect("a temporary settings folder");
    let mut child = std::process::Command::new("xvfb-run")
        .process_group(0)
        .env(mailsleuth::gui::OFFLINE_ENV, "1")
        .env("XDG_DATA_HOME", data.path())
        .env("XDG_CONFIG_HOME", data.path())
        .args(["-a", "-s", "-screen 0 1280x800x24"])
        .arg(env!("CARGO_BIN_EXE_mailsleuth"))
        .arg(sample_path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("xvfb-run starts");
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(6) {
        if let Some(status) = child.try_wait().expect("can wait on the child") {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                use std::io::Read;
                let _ = e.read_to_string(&mut err);
            }
            panic!(
                "mailsleuth exited after {:?} with {status}: {err}",
                start.elapsed()
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    // xvfb-run runs the app as its child; ending xvfb-run's process group ends both.
    let _ = std::process::Command::new("kill")
        .args(["-TERM", "--", &format!("-{}", child.id())])
        .status();
    let _ = child.kill();
    let _ = child.wait();
}

/// A message that passed through `hops` servers, the last two on the recipient's side.
fn message_with_hops(hops: usize) -> Vec<u8> {
    let mut m = String::new();
    for i in (0..hops).rev() {
        let secs = 10 + i * 7;
        if i + 1 >= hops.saturating_sub(1) {
            m.push_str(&format!(
                "Received: from relay{i}.example.net (relay{i}.example.net [198.51.100.{n}])\r\n\
                 \tby mx{i}.example.org with ESMTPS id A{i}; Mon, 6 Oct 2025 10:{m:02}:{s:02} +0000\r\n",
                n = i + 1,
                m = secs / 60,
                s = secs % 60
            ));
        } else {
            m.push_str(&format!(
                "Received: from relay{i}.example.net (relay{i}.example.net [198.51.100.{n}])\r\n\
                 \tby relay{j}.example.net with ESMTP id B{i}; Mon, 6 Oct 2025 10:{m:02}:{s:02} +0000\r\n",
                n = i + 1,
                j = i + 1,
                m = secs / 60,
                s = secs % 60
            ));
        }
    }
    m.push_str(
        "From: Pat <pat@example.net>\r\nTo: sam@example.org\r\nSubject: Route test\r\n\
         Date: Mon, 6 Oct 2025 10:00:00 +0000\r\nMessage-ID: <route@example.net>\r\n\r\nHello\r\n",
    );
    m.into_bytes()
}

#[test]
fn path_view_reads_with_one_hop_and_with_twenty() {
    for hops in [1usize, 20] {
        let raw = message_with_hops(hops);
        let report = analysis::analyze(&raw, &Options::with_clock()).expect("an email");
        assert_eq!(report.path.hops.len(), hops);
        let mut harness = app_harness(egui::vec2(1100.0, 750.0));
        drop_file(
            &mut harness,
            TestDrop {
                path: PathBuf::from(format!("route-{hops}.eml")),
                bytes: Some(raw),
            },
        );
        wait_for_results(&mut harness);
        click_tab(&mut harness, "Path");
        for n in 1..=hops {
            harness.get_by_label_contains(&format!("Step {n}: "));
        }
        assert!(harness
            .query_all_by_label_contains(&format!("The route it took: {hops} step"))
            .next()
            .is_some());
    }
}

#[test]
fn a_twenty_megabyte_message_never_freezes_a_frame() {
    let mut raw = message_with_hops(3);
    // Twenty megabytes of body text, in lines, like a large attachment pasted inline.
    let line = b"The quick brown fox jumps over the lazy dog, again and again and again.\r\n";
    while raw.len() < 20 * 1024 * 1024 {
        raw.extend_from_slice(line);
    }
    let mut harness = app_harness(egui::vec2(1000.0, 700.0));
    harness.run_steps(1);
    harness.input_mut().dropped_files.push(Arc::new(TestDrop {
        path: PathBuf::from("big.eml"),
        bytes: Some(raw),
    }) as egui::DroppedFileHandle);
    let start = Instant::now();
    let mut slowest = Duration::ZERO;
    while harness.state().is_busy() || start.elapsed() < Duration::from_millis(200) {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "analysis finished"
        );
        let frame = Instant::now();
        harness.step();
        slowest = slowest.max(frame.elapsed());
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(
        slowest < Duration::from_secs(1),
        "the slowest frame took {slowest:?} while a 20 MB message was analysed"
    );
    let entry = harness.state().entries().first().expect("one entry");
    assert!(entry.report().is_some(), "the big message was analysed");
    harness.run_steps(2);
    click_tab(&mut harness, "Message");
    let frame = Instant::now();
    harness.step();
    assert!(
        frame.elapsed() < Duration::from_secs(1),
        "drawing the message view of a 20 MB message took {:?}",
        frame.elapsed()
    );
}

#[test]
fn settings_dialog_switches_to_light_theme() {
    let mut harness = app_harness(egui::vec2(1200.0, 800.0));
    open_sample(&mut harness);
    harness.get_by_label("⚙ Settings…").click();
    harness.run_steps(3);
    harness.get_by_label_contains("a sender watching their DNS could see");
    harness.get_by_label("Light").click();
    harness.run_steps(2);
    harness.get_by_label("Save").click();
    harness.run_steps(3);
    assert_eq!(
        harness.state().settings().theme,
        mailsleuth::gui::settings::ThemeChoice::Light
    );
    assert!(
        harness.query_by_label("Save").is_none(),
        "the dialog closed"
    );
}

#[test]
fn escape_closes_the_settings_dialog_without_saving() {
    let mut harness = app_harness(egui::vec2(1000.0, 700.0));
    harness.run_steps(2);
    harness.get_by_label("⚙ Settings…").click();
    harness.run_steps(3);
    harness.get_by_label("Dark").click();
    harness.run_steps(1);
    harness.key_press(egui::Key::Escape);
    harness.run_steps(3);
    assert!(
        harness.query_by_label("Save").is_none(),
        "the dialog closed"
    );
    assert_eq!(
        harness.state().settings().theme,
        mailsleuth::gui::settings::ThemeChoice::System,
        "Esc does not save"
    );
}

#[test]
fn closing_a_message_returns_to_the_welcome_view() {
    let mut harness = app_harness(egui::vec2(1000.0, 700.0));
    open_sample(&mut harness);
    harness.get_by_label("Close welcome.eml").click();
    harness.run_steps(3);
    assert!(harness.state().entries().is_empty());
    harness.get_by_label("Drop an email here, or click to open a file");
}

/// Pastes a short second message ("Second one") beside the open one and waits for it.
fn paste_second_message(harness: &mut Harness<'static, MailsleuthApp>) {
    let pasted = "From: Pat <pat@example.net>\nTo: sam@example.org\nSubject: Second one\n\
                  Date: Mon, 6 Oct 2025 09:59:58 +0000\nMessage-ID: <2@example.net>\n\nHi\n";
    harness.event(egui::Event::Paste(pasted.into()));
    harness.step();
    wait_for_results(harness);
}

/// The accessible name of the sample's row in the message list.
fn sample_row() -> String {
    let sample = sample_report();
    format!(
        "{}: {}",
        sample.verdict.word(),
        sample.subject.as_deref().unwrap_or_default()
    )
}

#[test]
fn arrow_keys_move_through_the_message_list_and_tab_only_passes_through() {
    let mut harness = app_harness(egui::vec2(1000.0, 700.0));
    open_sample(&mut harness);
    paste_second_message(&mut harness);
    let ids: Vec<_> = harness.state().entries().iter().map(|e| e.id).collect();
    let [first, second] = ids.as_slice() else {
        panic!("two messages are open");
    };
    assert_eq!(
        harness.state().view(),
        mailsleuth::gui::View::Message(*second)
    );
    let row = sample_row();
    let first_row = harness.get_by_role_and_label(egui::Role::Button, &row);
    first_row.focus();
    harness.run_steps(2);
    // Focus passing over a row (as Tab does) does not change the message shown.
    assert_eq!(
        harness.state().view(),
        mailsleuth::gui::View::Message(*second)
    );
    harness.key_press(egui::Key::Enter);
    harness.run_steps(2);
    assert_eq!(
        harness.state().view(),
        mailsleuth::gui::View::Message(*first),
        "Enter opens the focused message"
    );
    harness.key_press(egui::Key::ArrowDown);
    harness.run_steps(3);
    assert_eq!(
        harness.state().view(),
        mailsleuth::gui::View::Message(*second),
        "the down arrow moves to the next message"
    );
    // Tab moves on through the window from here; the message shown stays the same.
    harness.key_press(egui::Key::ArrowUp);
    harness.run_steps(3);
    assert_eq!(
        harness.state().view(),
        mailsleuth::gui::View::Message(*first)
    );
    for _ in 0..4 {
        harness.key_press(egui::Key::Tab);
        harness.run_steps(2);
        assert_eq!(
            harness.state().view(),
            mailsleuth::gui::View::Message(*first),
            "Tab passes through the list without switching messages"
        );
    }
}

/// Each message keeps its own scroll position: the next one opens at its top.
#[test]
fn a_message_opens_at_its_top_whatever_the_last_one_was_scrolled_to() {
    let mut harness = app_harness(egui::vec2(1000.0, 560.0));
    open_sample(&mut harness);
    paste_second_message(&mut harness);
    let entries: Vec<_> = harness
        .state()
        .entries()
        .iter()
        .map(|e| {
            (
                e.id,
                e.report().map(|r| (r.headline.clone(), r.verdict.word())),
            )
        })
        .collect();
    let [(first, Some((first_headline, _))), (_, Some((second_headline, second_word)))] =
        entries.as_slice()
    else {
        panic!("two analysed messages");
    };
    let row = sample_row();
    harness
        .get_by_role_and_label(egui::Role::Button, &row)
        .click();
    harness.run_steps(3);
    assert_eq!(
        harness.state().view(),
        mailsleuth::gui::View::Message(*first)
    );
    let top = |h: &Harness<'static, MailsleuthApp>, headline: &str| {
        h.query_all_by_label(headline)
            .map(|n| n.rect().top())
            .fold(f32::MAX, f32::min)
    };
    let unscrolled = top(&harness, first_headline);
    let over = harness.get_by_label(first_headline).rect().center();
    harness.event(egui::Event::PointerMoved(over));
    for _ in 0..5 {
        harness.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, -200.0),
            modifiers: egui::Modifiers::NONE,
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
        });
        harness.run_steps(2);
    }
    harness.run_steps(5);
    assert!(
        top(&harness, first_headline) < unscrolled - 50.0,
        "the first message scrolled"
    );
    harness
        .get_by_role_and_label(egui::Role::Button, &format!("{second_word}: Second one"))
        .click();
    harness.run_steps(5);
    let second = top(&harness, second_headline);
    assert!(
        (second - unscrolled).abs() < 2.0,
        "the second message opens at its top ({second} vs {unscrolled})"
    );
}

/// Where no file-chooser service answers (CI, bare X servers), "Open file…" must not fail
/// silently: the app points to drag-and-drop and paste instead.
#[test]
fn open_file_without_a_file_chooser_service_explains_what_to_do() {
    let has_service = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
        || std::process::Command::new("sh")
            .args(["-c", "command -v zenity"])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
    if has_service {
        println!("skipped: a file-chooser service may answer here and open a real dialog");
        return;
    }
    let mut harness = app_harness(egui::vec2(1000.0, 700.0));
    harness.run_steps(2);
    harness
        .query_all_by_label("📂 Open file…")
        .next()
        .expect("an open button")
        .click();
    let start = Instant::now();
    loop {
        harness.step();
        if harness
            .query_all_by_label_contains("If no file dialog appeared")
            .next()
            .is_some()
        {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "a note about the missing file dialog appears"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The app with live checks on, asking a DNS server that is not there (a closed port on
/// loopback), with the sample given at start; stepped once.
fn live_harness() -> Harness<'static, MailsleuthApp> {
    let settings = Settings {
        offline: false,
        dns: "127.0.0.1:9".into(),
        ..Settings::default()
    };
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1200.0, 800.0))
        .build_eframe(move |cc| MailsleuthApp::new(cc, settings, vec![sample_path()]));
    harness.step();
    harness
}

/// Live checks run after the first report shows, off the UI thread, and their results land
/// in the report. A DNS server that is not there (a closed port on loopback) answers
/// nothing, so the test needs no network; the re-check still completes and says so.
#[test]
fn live_recheck_runs_in_the_background_and_merges_its_results() {
    let mut harness = live_harness();
    assert_eq!(
        harness.state().entries().len(),
        1,
        "the file given at start opens"
    );
    wait_for_results(&mut harness);
    let entry = harness.state().entries().first().expect("one entry");
    assert_eq!(entry.live, mailsleuth::gui::LiveState::Done);
    let report = entry.report().expect("analysed");
    let live = report.auth.live.as_ref().expect("live results were merged");
    assert_eq!(live.resolver, "127.0.0.1:9");
    harness.get_by_label_contains("re-checked now over DNS");
    click_tab(&mut harness, "Authentication");
    harness.get_by_label("🔄 Re-check now").click();
    harness.run_steps(2);
    wait_for_results(&mut harness);
    assert_eq!(
        harness.state().entries().first().map(|e| e.live.clone()),
        Some(mailsleuth::gui::LiveState::Done)
    );
}

/// Turning offline mode on judges open messages again on what they recorded: the live
/// results leave the report, the verdict is the offline one, and the status line says so.
#[test]
fn turning_on_offline_mode_judges_open_messages_again_without_live_results() {
    let mut harness = live_harness();
    wait_for_results(&mut harness);
    let entry = harness.state().entries().first().expect("one entry");
    assert_eq!(entry.live, mailsleuth::gui::LiveState::Done);
    assert!(entry.report().is_some_and(|r| r.auth.live.is_some()));
    harness.get_by_label_contains("re-checked now over DNS");

    harness.get_by_label("⚙ Settings…").click();
    harness.run_steps(3);
    harness
        .get_by_label("Offline mode: never look anything up on the network")
        .click();
    harness.run_steps(2);
    harness.get_by_label("Save").click();
    harness.run_steps(3);

    assert!(harness.state().settings().offline);
    let entry = harness.state().entries().first().expect("one entry");
    assert_eq!(entry.live, mailsleuth::gui::LiveState::Off);
    let report = entry.report().expect("still analysed");
    assert!(report.auth.live.is_none(), "the live results are gone");
    let offline = sample_report();
    assert_eq!(report.verdict, offline.verdict);
    assert_eq!(report.headline, offline.headline);
    assert_eq!(report.auth.dkim.result, offline.auth.dkim.result);
    assert!(harness
        .query_all_by_label_contains("re-checked now over DNS")
        .next()
        .is_none());
    harness.get_by_label_contains("Offline mode: judged only on what the message recorded");
}

// ---------------------------------------------------------------------------------------
// Image snapshots draw a fixed report, built here, so they pin how the app draws and do
// not change when the analysis or its wording improves (the tests above use the real
// analysis and find their labels from its output).

fn mailbox(name: Option<&str>, address: &str) -> analysis::Mailbox {
    let domain = address.rsplit_once('@').map(|(_, d)| d.to_string());
    analysis::Mailbox {
        display_name: name.map(str::to_string),
        address: Some(address.to_string()),
        org_domain: domain.clone(),
        domain,
    }
}

fn header(index: usize, name: &str, value: &str) -> analysis::RawHeader {
    analysis::RawHeader {
        index,
        name: name.into(),
        value: value.into(),
    }
}

fn fixture_check(
    id: &str,
    family: analysis::Family,
    outcome: Outcome,
    title: &str,
    summary: &str,
    evidence: Vec<analysis::Evidence>,
) -> analysis::CheckResult {
    analysis::CheckResult {
        id: id.to_string().into(),
        family,
        outcome,
        grade: match outcome {
            Outcome::Fail => analysis::Grade::Strong,
            _ => analysis::Grade::Hint,
        },
        title: title.to_string().into(),
        summary: summary.into(),
        evidence,
        reassuring: false,
        weight: match outcome {
            Outcome::Fail => 8,
            Outcome::Warn => 3,
            _ => 0,
        },
    }
}

fn recorded(result: analysis::AuthValue, domain: &str, index: usize) -> analysis::AuthOutcome {
    analysis::AuthOutcome {
        result,
        source: analysis::AuthSource::Recorded,
        domain: Some(domain.into()),
        detail: None,
        header_index: Some(index),
    }
}

/// A report of a look-alike invoice message: three hops, one clock going backwards, a
/// failed DMARC, a link that lies about its destination and an archive hiding a program.
fn fixture_report() -> Report {
    use analysis::{AnomalyKind, AuthValue, Evidence, Family, Hop, Link, Location, PathAnomaly};
    let headers = vec![
        header(0, "Received", "from mx1.example.org (mx1.example.org [192.0.2.10]) by store.example.org with LMTP; Thu, 2 Oct 2025 08:15:09 +0000"),
        header(1, "Authentication-Results", "mx1.example.org; spf=softfail smtp.mailfrom=billing@contoso-invoices.test; dkim=pass header.d=contoso-invoices.test; dmarc=fail header.from=contoso.example.com"),
        header(2, "Received", "from mail.contoso-invoices.test (mail.contoso-invoices.test [203.0.113.80]) by mx1.example.org with ESMTPS; Thu, 2 Oct 2025 08:15:07 +0000"),
        header(3, "Received", "from [10.1.2.3] by mail.contoso-invoices.test with ESMTPSA; Thu, 2 Oct 2025 08:17:40 +0000"),
        header(4, "From", "\"Contoso Accounts\" <accounts@contoso.example.com>"),
        header(5, "Reply-To", "<contoso.accounts@example.net>"),
        header(6, "To", "<robin@example.org>"),
        header(7, "Subject", "Overdue invoice 4471 - payment details changed"),
        header(8, "Date", "Thu, 2 Oct 2025 08:17:35 +0000"),
        header(9, "Message-ID", "<4471.20251002@mail.contoso-invoices.test>"),
        header(10, "X-Spam-Status", "No, score=2.9 required=5.0"),
    ];
    let hops = vec![
        Hop {
            index: 0,
            header_index: 3,
            from_ip: Some("10.1.2.3".into()),
            by_host: Some("mail.contoso-invoices.test".into()),
            protocol: Some("ESMTPSA".into()),
            tls: Some(true),
            time: Some("2025-10-02T08:17:40+00:00".into()),
            timestamp: Some(1_759_393_060),
            raw: headers[3].value.clone(),
            ..Hop::default()
        },
        Hop {
            index: 1,
            header_index: 2,
            from_host: Some("mail.contoso-invoices.test".into()),
            from_ip: Some("203.0.113.80".into()),
            from_rdns: Some("mail.contoso-invoices.test".into()),
            helo: Some("mail.contoso-invoices.test".into()),
            by_host: Some("mx1.example.org".into()),
            protocol: Some("ESMTPS".into()),
            tls: Some(true),
            time: Some("2025-10-02T08:15:07+00:00".into()),
            timestamp: Some(1_759_392_907),
            delay_seconds: Some(-153),
            trusted: true,
            raw: headers[2].value.clone(),
            ..Hop::default()
        },
        Hop {
            index: 2,
            header_index: 0,
            from_host: Some("mx1.example.org".into()),
            from_ip: Some("192.0.2.10".into()),
            by_host: Some("store.example.org".into()),
            protocol: Some("LMTP".into()),
            tls: None,
            time: Some("2025-10-02T08:15:09+00:00".into()),
            timestamp: Some(1_759_392_909),
            delay_seconds: Some(2),
            trusted: true,
            raw: headers[0].value.clone(),
            ..Hop::default()
        },
    ];
    let mut report = Report {
        size_bytes: 48_213,
        subject: Some("Overdue invoice 4471 - payment details changed".into()),
        headers,
        verdict: analysis::Verdict::Danger,
        headline: "Do not trust this message from Contoso Accounts: the sender's domain says it did not send it".into(),
        ..Report::default()
    };
    report.identity.from = Some(mailbox(
        Some("Contoso Accounts"),
        "accounts@contoso.example.com",
    ));
    report.identity.reply_to = vec![mailbox(None, "contoso.accounts@example.net")];
    report.identity.return_path = Some(mailbox(None, "billing@contoso-invoices.test"));
    report.identity.date_raw = Some("Thu, 2 Oct 2025 08:17:35 +0000".into());
    report.path = analysis::HeaderPath {
        hops,
        boundary: Some(1),
        connecting_ip: Some("203.0.113.80".into()),
        connecting_host: Some("mail.contoso-invoices.test".into()),
        boundary_header_index: Some(2),
        anomalies: vec![
            PathAnomaly {
                kind: AnomalyKind::PrivateOrigin,
                hop: Some(0),
                detail: "Starts at a private network address (10.1.2.3)".into(),
            },
            PathAnomaly {
                kind: AnomalyKind::TimeBackwards,
                hop: Some(1),
                detail: "This server's clock says it got the message 2 min 33 s before it was sent"
                    .into(),
            },
        ],
        ..analysis::HeaderPath::default()
    };
    report.auth.recorded.spf = Some(recorded(AuthValue::SoftFail, "contoso-invoices.test", 1));
    report.auth.recorded.dkim = Some(recorded(AuthValue::Pass, "contoso-invoices.test", 1));
    report.auth.recorded.dmarc = Some(recorded(AuthValue::Fail, "contoso.example.com", 1));
    report.auth.recorded.dmarc_policy = Some("reject".into());
    report.auth.spf = recorded(AuthValue::SoftFail, "contoso-invoices.test", 1);
    report.auth.dkim = recorded(AuthValue::Pass, "contoso-invoices.test", 1);
    report.auth.dmarc = recorded(AuthValue::Fail, "contoso.example.com", 1);
    let now = |result: AuthValue, domain: &str, detail: &str| analysis::AuthOutcome {
        result,
        source: analysis::AuthSource::Live,
        domain: Some(domain.into()),
        detail: Some(detail.into()),
        header_index: None,
    };
    report.auth.live = Some(analysis::LiveAuth {
        spf: now(AuthValue::Fail, "contoso-invoices.test", "203.0.113.80 is not in the SPF record"),
        dkim: now(AuthValue::Fail, "contoso-invoices.test", "the key s1._domainkey.contoso-invoices.test no longer exists"),
        dmarc: now(AuthValue::Fail, "contoso.example.com", "neither SPF nor DKIM aligns with contoso.example.com"),
        arc: now(AuthValue::None, "contoso.example.com", "no ARC sets"),
        dmarc_policy: Some("reject".into()),
        alignment: Some("Nothing aligned with contoso.example.com".into()),
        disagreements: vec![
            "DKIM passed at delivery but fails now: the signing key was removed since. Keys are rotated, so this alone is not suspicious".into(),
        ],
        resolver: "192.0.2.53:53".into(),
        elapsed_ms: 412,
        ..analysis::LiveAuth::default()
    });
    report.content.text = "Dear Robin,\n\nOur bank details have changed. Please pay the overdue invoice 4471 today to the new account in the attached file.\n\nKind regards,\nContoso Accounts".into();
    report.content.has_plain = true;
    report.content.links = vec![Link {
        href: "http://contoso-payments.test/pay?inv=4471".into(),
        shown_text: "https://pay.contoso.example.com/4471".into(),
        host: Some("contoso-payments.test".into()),
        shown_host: Some("pay.contoso.example.com".into()),
        from_html: true,
        ..Link::default()
    }];
    report.attachments = vec![analysis::Attachment {
        filename: Some("invoice-4471.zip".into()),
        declared_type: "application/zip".into(),
        sniffed_type: Some("zip".into()),
        size: 40_120,
        sha256: "9f2c4e1a7b3d5f60718293a4b5c6d7e8f90123456789abcdef0123456789abcd".into(),
        archive_members: vec![analysis::ArchiveMember {
            name: "invoice-4471.pdf.exe".into(),
            size: 88_064,
            encrypted: false,
        }],
        ..analysis::Attachment::default()
    }];
    let ev = |location: Location, text: &str| Evidence {
        location,
        text: text.into(),
    };
    report.checks = vec![
        fixture_check(
            "fixture-reply-to",
            Family::Identity,
            Outcome::Warn,
            "Replies go somewhere else",
            "Your reply would go to contoso.accounts@example.net, not to the sender",
            vec![ev(
                Location::Header {
                    name: "Reply-To".into(),
                    index: 5,
                },
                "Reply-To: <contoso.accounts@example.net>",
            )],
        ),
        fixture_check(
            "fixture-display-name",
            Family::Identity,
            Outcome::Pass,
            "The name shows a different address",
            "The display name does not name another address",
            vec![],
        ),
        fixture_check(
            "fixture-dmarc",
            Family::Authentication,
            Outcome::Fail,
            "Sender's domain says it did not send this",
            "contoso.example.com publishes a DMARC policy and this message failed it",
            vec![ev(
                Location::Header {
                    name: "Authentication-Results".into(),
                    index: 1,
                },
                "dmarc=fail header.from=contoso.example.com",
            )],
        ),
        fixture_check(
            "fixture-arc",
            Family::Authentication,
            Outcome::Skip,
            "Forwarding seal is broken",
            "The message was not sealed by a forwarder",
            vec![],
        ),
        fixture_check(
            "fixture-clock",
            Family::Path,
            Outcome::Warn,
            "Time runs backwards on the route",
            "A server says it received the message before it was sent",
            vec![ev(
                Location::Hop { index: 1 },
                "Thu, 2 Oct 2025 08:15:07 +0000",
            )],
        ),
        fixture_check(
            "fixture-link",
            Family::Links,
            Outcome::Fail,
            "Link text names a different site",
            "The link says pay.contoso.example.com but really goes to contoso-payments.test",
            vec![ev(
                Location::Link { index: 0 },
                "http://contoso-payments.test/pay?inv=4471",
            )],
        ),
        fixture_check(
            "fixture-archive",
            Family::Attachments,
            Outcome::Fail,
            "A program hides in an archive",
            "invoice-4471.zip holds invoice-4471.pdf.exe, a program named like a PDF",
            vec![ev(
                Location::Attachment { index: 0 },
                "invoice-4471.pdf.exe",
            )],
        ),
        fixture_check(
            "fixture-spamassassin",
            Family::Filter,
            Outcome::Pass,
            "The spam filter flagged it",
            "SpamAssassin did not flag this message (score 2.9 of 5.0)",
            vec![],
        ),
    ];
    // The facts stage, as `analyze` runs it before the checks.
    analysis::links::resolve(&mut report.content.links);
    (report.sender, report.kind) = analysis::sender::derive(&report);
    // The verdict stage, as `analyze` ends: verdict, reasons, basis and headline.
    analysis::verdict::decide(&mut report);
    report
}

fn fixture_harness(settings: Settings) -> Harness<'static, MailsleuthApp> {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1200.0, 800.0))
        .build_eframe(move |cc| MailsleuthApp::new(cc, settings, Vec::new()));
    harness
        .state_mut()
        .open_report("invoice-4471.eml", fixture_report());
    harness.run_steps(3);
    harness
}

#[test]
fn snapshots_of_the_report_views() {
    let mut harness = fixture_harness(Settings::offline());
    harness.snapshot("verdict");
    click_tab(&mut harness, "Checklist");
    harness.snapshot("checklist");
    harness
        .get_by_role_and_label(
            egui::Role::Button,
            "A program hides in an archive: Problem, Strong sign",
        )
        .click();
    harness.run_steps(3);
    harness.snapshot("checklist_lesson");
    for (tab, name) in [
        ("Path", "path"),
        ("Authentication", "authentication"),
        ("Message", "message"),
        ("Raw headers", "raw_headers"),
    ] {
        click_tab(&mut harness, tab);
        harness.snapshot(name);
    }
}

#[test]
fn snapshot_of_settings_and_light_theme() {
    let mut harness = fixture_harness(Settings::offline());
    harness.get_by_label("⚙ Settings…").click();
    harness.run_steps(3);
    harness.get_by_label("Light").click();
    harness.run_steps(2);
    harness.snapshot("settings");
    harness.get_by_label("Save").click();
    harness.run_steps(3);
    harness.snapshot("verdict_light");
}

#[test]
fn fixture_report_shows_negative_delay_anomalies_and_link_destination() {
    let mut harness = fixture_harness(Settings::offline());
    click_tab(&mut harness, "Path");
    harness.get_by_label("Delay: -2 min 33 s (clocks disagree)");
    harness.get_by_label_contains("This server's clock says it got the message 2 min 33 s");
    click_tab(&mut harness, "Message");
    // The card shows the link's destination fact and the check that flagged it, never a
    // judgement of its own.
    harness.get_by_label("contoso-payments.test");
    assert!(harness
        .query_all_by_label("✖ Link text names a different site")
        .next()
        .is_some());
    harness.get_by_label("📎 invoice-4471.zip");
}

#[test]
fn a_safe_links_wrapped_look_alike_shows_its_real_destination_and_the_flag() {
    let raw = "From: \"Microsoft account team\" <account-security@alerts-mail.example>\r\nTo: robin@northwind.example\r\nSubject: Unusual sign-in activity\r\nDate: Mon, 2 Jun 2025 09:00:00 +0000\r\nMessage-ID: <1@alerts-mail.example>\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>We detected an unusual sign-in. <a href=\"https://eur02.safelinks.protection.outlook.com/?url=https%3A%2F%2Flogin.microsofft.com%2Fverify&amp;data=05%7C01&amp;reserved=0\">Review your account</a></p>\r\n";
    let mut harness = app_harness(egui::vec2(1100.0, 800.0));
    drop_file(
        &mut harness,
        TestDrop {
            path: PathBuf::from("sign-in.eml"),
            bytes: Some(raw.as_bytes().to_vec()),
        },
    );
    wait_for_results(&mut harness);
    click_tab(&mut harness, "Message");
    harness.get_by_label("login.microsofft.com");
    harness.get_by_label("(behind your mail filter's Microsoft Safe Links)");
    let report = harness
        .state()
        .entries()
        .first()
        .and_then(|e| e.report())
        .expect("the message is analysed");
    let link = report.content.links.first().expect("the link is listed");
    assert_eq!(
        link.destination_host.as_deref(),
        Some("login.microsofft.com")
    );
    let check = report
        .checks
        .iter()
        .find(|c| c.id == "lookalike-link-domain")
        .expect("the look-alike link check ran");
    assert!(matches!(check.outcome, Outcome::Warn | Outcome::Fail));
    let flag = format!(
        "{} {}",
        mailsleuth::gui::theme::outcome_icon(check.outcome),
        check.title
    );
    assert!(
        harness.query_all_by_label(&flag).next().is_some(),
        "no flag {flag}"
    );
}

#[test]
fn glossary_explains_the_common_headers() {
    assert!(mailsleuth::lessons::parse_errors().is_empty());
    for name in [
        "Received",
        "From",
        "To",
        "Reply-To",
        "Return-Path",
        "Sender",
        "Date",
        "Subject",
        "Message-ID",
        "DKIM-Signature",
        "Authentication-Results",
        "ARC-Seal",
        "ARC-Message-Signature",
        "ARC-Authentication-Results",
        "Received-SPF",
        "List-Id",
        "List-Unsubscribe",
        "MIME-Version",
        "Content-Type",
        "X-Forefront-Antispam-Report",
        "X-MS-Exchange-Organization-SCL",
        "X-Spam-Status",
        "Delivered-To",
        "In-Reply-To",
        "References",
    ] {
        let plain = mailsleuth::lessons::glossary(name);
        assert!(
            plain.is_some_and(|p| p.len() > 20),
            "the glossary explains {name}"
        );
    }
    assert_eq!(
        mailsleuth::lessons::glossary("received"),
        mailsleuth::lessons::glossary("RECEIVED"),
        "header names match in any case"
    );
}

#[test]
fn hovering_a_header_name_shows_its_glossary_entry() {
    let mut harness = app_harness(egui::vec2(1200.0, 800.0));
    open_sample(&mut harness);
    click_tab(&mut harness, "Raw headers");
    harness
        .query_all_by_label("Delivered-To:")
        .next()
        .expect("the sample has a Delivered-To header")
        .hover();
    harness.run_steps(20);
    let explanation = mailsleuth::lessons::glossary("Delivered-To").expect("in the glossary");
    harness.get_by_label(explanation);
}

#[test]
fn a_dropped_folder_opens_each_of_its_files() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let sample = std::fs::read(sample_path()).expect("sample is readable");
    std::fs::write(dir.path().join("one.eml"), &sample).expect("write");
    std::fs::create_dir(dir.path().join("week-2")).expect("mkdir");
    std::fs::write(dir.path().join("week-2/two.eml"), &sample).expect("write");
    std::fs::write(dir.path().join(".hidden.eml"), &sample).expect("write");
    let mut harness = app_harness(egui::vec2(1000.0, 700.0));
    drop_file(
        &mut harness,
        TestDrop {
            path: dir.path().to_path_buf(),
            bytes: None,
        },
    );
    wait_for_results(&mut harness);
    let names: Vec<&str> = harness
        .state()
        .entries()
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    assert_eq!(names, ["one.eml", "two.eml"]);
    assert!(harness
        .state()
        .entries()
        .iter()
        .all(|e| e.report().is_some()));
}

#[test]
fn thousands_of_headers_keep_the_raw_headers_view_responsive() {
    let mut raw = String::new();
    for i in 0..5000 {
        raw.push_str(&format!("X-Filler-{i}: {}\r\n", "value ".repeat(12)));
    }
    raw.push_str("From: a@example.net\r\nSubject: Many headers\r\n\r\nHello\r\n");
    let mut harness = app_harness(egui::vec2(1000.0, 700.0));
    drop_file(
        &mut harness,
        TestDrop {
            path: PathBuf::from("many-headers.eml"),
            bytes: Some(raw.into_bytes()),
        },
    );
    wait_for_results(&mut harness);
    click_tab(&mut harness, "Raw headers");
    let mut slowest = Duration::ZERO;
    for _ in 0..5 {
        let frame = Instant::now();
        harness.step();
        slowest = slowest.max(frame.elapsed());
    }
    assert!(
        slowest < Duration::from_millis(500),
        "a frame of the raw headers view took {slowest:?}"
    );
    harness.get_by_label_contains("more headers not shown");
}

#[test]
fn a_message_with_thousands_of_hops_keeps_the_path_view_responsive() {
    let raw = message_with_hops(2000);
    let mut harness = app_harness(egui::vec2(1000.0, 700.0));
    drop_file(
        &mut harness,
        TestDrop {
            path: PathBuf::from("loop.eml"),
            bytes: Some(raw),
        },
    );
    wait_for_results(&mut harness);
    click_tab(&mut harness, "Path");
    let mut slowest = Duration::ZERO;
    for _ in 0..5 {
        let frame = Instant::now();
        harness.step();
        slowest = slowest.max(frame.elapsed());
    }
    assert!(
        slowest < Duration::from_millis(500),
        "a frame of the path view took {slowest:?}"
    );
    // Only the newest 100 Received lines are read (servers refuse more as a loop), and the
    // path view draws the newest and the oldest of those.
    harness.get_by_label_contains("more steps are not drawn here");
    harness.get_by_label_contains("Step 100: ");
    harness.get_by_label_contains("Step 1: ");
    click_tab(&mut harness, "Verdict");
    harness.get_by_label_contains("Only the newest 100 of its 2,000 Received lines were read");
}

#[test]
fn copy_report_puts_the_text_report_on_the_clipboard() {
    let expected = sample_report();
    let mut harness = app_harness(egui::vec2(1200.0, 900.0));
    open_sample(&mut harness);
    let button = harness.get_by_label("📋 Copy report for IT");
    button.scroll_to_me();
    harness.run_steps(3);
    harness.get_by_label("📋 Copy report for IT").click();
    harness.step();
    let copied: Vec<String> = harness
        .output()
        .platform_output
        .commands
        .iter()
        .filter_map(|c| match c {
            egui::OutputCommand::CopyText(t) => Some(t.clone()),
            _ => None,
        })
        .collect();
    let text = copied.first().expect("something was copied");
    assert!(text.contains(expected.verdict.word()) || text.contains(expected.verdict.as_str()));
    assert!(text.contains("welcome.eml"));
    harness.run_steps(2);
    harness.get_by_label_contains("The report is on the clipboard");
}

#[test]
fn the_paste_dialog_checks_what_was_typed_into_it() {
    let mut harness = app_harness(egui::vec2(1000.0, 700.0));
    harness.run_steps(2);
    harness
        .query_all_by_label("📋 Paste message or headers…")
        .next()
        .expect("a paste button")
        .click();
    harness.run_steps(3);
    let source = harness.get_by_label("Message source");
    source.focus();
    harness.run_steps(1);
    harness.get_by_label("Message source").type_text(
        "From: Pat <pat@example.net>\nTo: sam@example.org\nSubject: Typed in\n\nHello\n",
    );
    harness.run_steps(2);
    harness.get_by_label("Check this message").click();
    harness.run_steps(2);
    wait_for_results(&mut harness);
    let entries = harness.state().entries();
    assert_eq!(entries.len(), 1);
    assert_eq!(
        entries
            .first()
            .and_then(|e| e.report())
            .and_then(|r| r.subject.as_deref()),
        Some("Typed in")
    );
    assert!(
        harness.query_by_label("Check this message").is_none(),
        "the dialog closed"
    );
}

#[test]
fn links_inside_an_attached_pdf_are_listed_with_the_message_links() {
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Annot /Subtype /Link /A << /S /URI /URI (https://statement.z13.web.core.windows.net/) >> >> endobj\n%%EOF";
    let b64 = support::base64(pdf);
    let raw = format!("From: Billing <billing@shop.example>\r\nTo: robin@corp.example\r\nSubject: Your statement\r\nDate: Mon, 6 May 2024 10:00:00 +0000\r\nMessage-ID: <s1@shop.example>\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nYour statement is attached.\r\n--b1\r\nContent-Type: application/pdf; name=\"statement.pdf\"\r\nContent-Disposition: attachment; filename=\"statement.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{b64}\r\n--b1--\r\n");
    let mut harness = app_harness(egui::vec2(1100.0, 800.0));
    drop_file(
        &mut harness,
        TestDrop {
            path: PathBuf::from("statement.eml"),
            bytes: Some(raw.into_bytes()),
        },
    );
    wait_for_results(&mut harness);
    click_tab(&mut harness, "Message");
    harness.get_by_label_contains("(a link inside the attachment statement.pdf)");
    harness.get_by_label("statement.z13.web.core.windows.net");
    harness.get_by_label_contains("Inside the PDF: 1 web link");
}

/// Opens `raw` as a dropped file named `name` and waits for its report.
fn open_bytes(harness: &mut Harness<'static, MailsleuthApp>, name: &str, raw: Vec<u8>) {
    drop_file(
        harness,
        TestDrop {
            path: PathBuf::from(name),
            bytes: Some(raw),
        },
    );
    wait_for_results(harness);
}

#[test]
fn the_route_overview_fits_ten_steps_and_the_trust_line_in_a_small_window() {
    let mut harness = app_harness(egui::vec2(1024.0, 640.0));
    open_bytes(&mut harness, "route-10.eml", message_with_hops(10));
    click_tab(&mut harness, "Path");
    for n in 1..=10 {
        harness.get_by_label_contains(&format!("Route overview, step {n}: "));
    }
    // Both ends and the trust line are in view without scrolling.
    let line = harness
        .get_by_label_contains("Trust line (overview)")
        .rect();
    let start = harness
        .get_by_label_contains("Where it claims to start: ")
        .rect();
    assert!(line.bottom() <= 640.0, "trust line at {line:?}");
    assert!(start.bottom() <= 640.0, "the claimed start at {start:?}");
    let newest = harness
        .get_by_label_contains("Route overview, step 10: ")
        .rect();
    let oldest = harness
        .get_by_label_contains("Route overview, step 1: ")
        .rect();
    assert!(newest.top() < line.top() && line.top() < oldest.top());
    // Choosing a step brings its detailed card into view.
    let card = |h: &Harness<'static, MailsleuthApp>| h.get_by_label_contains("Step 1: ").rect();
    assert!(
        card(&harness).top() > 640.0,
        "the first card starts out of view"
    );
    harness
        .get_by_label_contains("Route overview, step 1: ")
        .click();
    harness.run_steps(4);
    let shown = card(&harness);
    assert!(
        shown.top() >= 0.0 && shown.top() < 640.0,
        "card scrolled into view: {shown:?}"
    );
}

#[test]
fn a_route_written_wholly_by_your_servers_says_so_instead_of_a_line() {
    let mut harness = app_harness(egui::vec2(1100.0, 750.0));
    open_bytes(&mut harness, "route-1.eml", message_with_hops(1));
    click_tab(&mut harness, "Path");
    harness.get_by_label_contains("No line here was written before your servers had the message");
    assert!(harness
        .query_by_label_contains("Trust line (overview)")
        .is_none());
}

/// A lure in the HTML version next to an unrelated plain-text footer.
fn two_versions_message() -> Vec<u8> {
    b"From: Help Desk <help@desk.example>\r\nTo: sam@example.org\r\nSubject: Mailbox quota\r\n\
      Date: Mon, 6 Oct 2025 10:00:00 +0000\r\nMessage-ID: <two@desk.example>\r\nMIME-Version: 1.0\r\n\
      Content-Type: multipart/alternative; boundary=\"b\"\r\n\r\n--b\r\n\
      Content-Type: text/plain; charset=utf-8\r\n\r\n\
      You are receiving this because you subscribed to our service updates. Manage preferences \
      or unsubscribe at any time. Copyright Desk Services, all rights reserved worldwide.\r\n\
      --b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
      <p>Your mailbox is over its quota and incoming messages are being held. Restore delivery \
      before midnight by confirming your password.</p><p><a href=\"https://quota.desk.example/\">Restore</a></p>\r\n\
      --b--\r\n"
        .to_vec()
}

#[test]
fn the_safe_view_says_when_the_two_versions_differ_and_shows_both() {
    let mut harness = app_harness(egui::vec2(1100.0, 900.0));
    open_bytes(&mut harness, "two-versions.eml", two_versions_message());
    click_tab(&mut harness, "Message");
    harness.get_by_label_contains("two versions that do not say the same thing");
    // The HTML version, which mail programs show, comes first.
    harness.get_by_label_contains("Your mailbox is over its quota");
    assert!(harness
        .query_by_label_contains("Manage preferences")
        .is_none());
    harness.get_by_label("Plain-text version").click();
    harness.run_steps(3);
    harness.get_by_label_contains("Manage preferences");
    assert!(harness
        .query_by_label_contains("Your mailbox is over its quota")
        .is_none());
}

#[test]
fn finding_in_the_raw_headers_keeps_the_trust_line_between_real_and_forged_results() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/samples/forged-auth-results.eml");
    let mut harness = app_harness(egui::vec2(1100.0, 900.0));
    open_bytes(
        &mut harness,
        "forged-auth-results.eml",
        std::fs::read(path).expect("sample"),
    );
    click_tab(&mut harness, "Raw headers");
    harness.get_by_label("Find in headers").click();
    harness.run_steps(2);
    harness
        .get_by_label("Find in headers")
        .type_text("Authentication-Results");
    harness.run_steps(3);
    let results: Vec<f32> = harness
        .get_all_by_label("Authentication-Results:")
        .map(|n| n.rect().top())
        .collect();
    assert_eq!(
        results.len(),
        2,
        "the real and the forged result are both found"
    );
    let line = harness
        .get_by_label_contains("Trust boundary: above, written by your own mail servers")
        .rect()
        .top();
    assert!(
        results[0] < line && line < results[1],
        "the line {line} falls between {results:?}"
    );
}

#[test]
fn the_verdict_says_in_plain_words_who_is_proven_to_have_sent_it() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/samples");
    let mut harness = app_harness(egui::vec2(1100.0, 900.0));
    open_bytes(
        &mut harness,
        "genuine-bank-statement.eml",
        std::fs::read(dir.join("genuine-bank-statement.eml")).expect("sample"),
    );
    harness.get_by_label_contains("✔ Proven: it really comes from the domain");
    open_bytes(
        &mut harness,
        "ceo-fraud.eml",
        std::fs::read(dir.join("ceo-fraud.eml")).expect("sample"),
    );
    harness
        .get_by_label_contains("⚠ Not proven: nothing shows it really comes from fabrikam.example");
}

/// The widget with keyboard focus: its rectangle, or None.
fn focused_rect(harness: &Harness<'static, MailsleuthApp>) -> Option<(egui::Id, egui::Rect)> {
    let id = harness.ctx.memory(|m| m.focused())?;
    Some((id, harness.ctx.read_response(id)?.rect))
}

#[test]
fn tab_reaches_every_control_in_reading_order() {
    let mut harness = app_harness(egui::vec2(1200.0, 800.0));
    open_sample(&mut harness);
    harness.run_steps(2);
    let mut seen: Vec<(egui::Id, egui::Rect)> = Vec::new();
    for _ in 0..120 {
        harness.key_press(egui::Key::Tab);
        harness.run_steps(1);
        let Some(now) = focused_rect(&harness) else {
            continue;
        };
        if seen.first().is_some_and(|f| f.0 == now.0) {
            break; // around once
        }
        if !seen.iter().any(|s| s.0 == now.0) {
            seen.push(now);
        }
    }
    assert!(
        seen.len() > 8,
        "Tab moves through the window: {}",
        seen.len()
    );
    // Every tab of the message view is reached.
    for tab in [
        "Verdict",
        "Checklist",
        "Path",
        "Authentication",
        "Message",
        "Raw headers",
    ] {
        let rect = harness.get_by_role_and_label(egui::Role::Tab, tab).rect();
        assert!(
            seen.iter().any(|s| s.1.intersects(rect)),
            "Tab reaches the {tab} tab"
        );
    }
    // Reading order: the toolbar, then the message list, then the message itself, and
    // inside each, top to bottom and left to right.
    let list_right = harness
        .get_by_role_and_label(egui::Role::Tab, "Verdict")
        .rect()
        .left();
    let region = |r: &egui::Rect| {
        if r.top() < 40.0 {
            0
        } else if r.right() <= list_right {
            1
        } else {
            2
        }
    };
    for pair in seen.windows(2) {
        let (a, b) = (pair[0].1, pair[1].1);
        assert!(
            region(&a) <= region(&b),
            "{a:?} then {b:?}: regions in order"
        );
        if region(&a) == region(&b) {
            let same_row = (a.center().y - b.center().y).abs() < a.height().max(b.height()) / 2.0;
            assert!(
                b.top() >= a.top() - 1.0 || (same_row && b.left() >= a.left()),
                "{a:?} then {b:?}: top to bottom, left to right"
            );
        }
    }
}

#[test]
fn the_headline_leads_with_the_clue_a_person_can_see() {
    // Microsoft's filter rated it spam (a header only IT reads) and the reply address goes
    // to a free mailbox (what the person can see): the headline names the reply address.
    let raw = b"X-MS-Exchange-Organization-SCL: 5\r\n\
        Received: from mail.examplemail.net (198.51.100.7) by AM0PR01MB1234.eurprd01.prod.outlook.com \
        (2603:10a6:208:1::1) with Microsoft SMTP Server; Mon, 6 Oct 2025 10:00:05 +0000\r\n\
        From: \"Morgan Blake\" <morgan.blake@examplemail.net>\r\nReply-To: morgan.blake.ceo@gmail.com\r\n\
        To: sam@fabrikam.example\r\nSubject: Quick favour\r\nDate: Mon, 6 Oct 2025 10:00:00 +0000\r\n\
        Message-ID: <favour@examplemail.net>\r\n\r\n\
        Sam, are you at your desk? I need you to handle an urgent payment today.\r\n"
        .to_vec();
    let mut harness = app_harness(egui::vec2(1200.0, 800.0));
    open_bytes(&mut harness, "favour.eml", raw);
    harness.get_by_label_contains(
        "Do not trust this message from Morgan Blake: your reply would go to",
    );
    let top = |label: &str| {
        harness
            .get_all_by_label_contains(label)
            .map(|n| n.rect().top())
            .fold(f32::MAX, f32::min)
    };
    let reply = top("Replies go somewhere else");
    let filter = top("Microsoft's filter rated this as spam");
    assert!(filter < f32::MAX, "the filter's verdict is a reason too");
    assert!(reply < filter, "the visible clue is the first reason");
}

#[test]
fn the_keyboard_focus_has_a_visible_ring_that_a_click_puts_away() {
    let mut harness = app_harness(egui::vec2(1200.0, 800.0));
    harness.run_steps(2);
    for _ in 0..2 {
        harness.key_press(egui::Key::Tab);
        harness.run_steps(1);
    }
    let (_, rect) = focused_rect(&harness).expect("Tab focuses a control");
    let ring = harness.ctx.global_style().visuals.selection.stroke.color;
    let near = |a: egui::Color32| {
        (a.r() as i32 - ring.r() as i32).abs() < 40
            && (a.g() as i32 - ring.g() as i32).abs() < 40
            && (a.b() as i32 - ring.b() as i32).abs() < 40
    };
    // Pixels just above the control's top edge, across its width.
    let ringed = |harness: &mut Harness<'static, MailsleuthApp>| -> usize {
        let image = harness.render().expect("rendered");
        let y = (rect.top() - 3.0).max(0.0) as u32;
        (rect.left() as u32..rect.right() as u32)
            .filter(|x| {
                let p = image.get_pixel(*x, y).0;
                near(egui::Color32::from_rgb(p[0], p[1], p[2]))
            })
            .count()
    };
    let with_ring = ringed(&mut harness);
    assert!(
        with_ring as f32 > rect.width() * 0.8,
        "a ring is drawn around {rect:?}: {with_ring} pixels"
    );
    harness.snapshot("focus_ring");
    // A click elsewhere: the person uses the mouse, so the ring goes.
    harness
        .get_by_label_contains("Is this email really from who it says?")
        .click();
    harness.run_steps(2);
    assert!(
        ringed(&mut harness) < with_ring / 4,
        "the ring is gone after a click"
    );
}

/// The app with the Northwind example profile chosen in its settings.
fn northwind_harness(size: egui::Vec2) -> Harness<'static, MailsleuthApp> {
    let settings = Settings {
        profile_path: organisation_fixture("northwind.profile.toml")
            .display()
            .to_string(),
        ..Settings::offline()
    };
    Harness::builder()
        .with_size(size)
        .build_eframe(move |cc| MailsleuthApp::new(cc, settings, Vec::new()))
}

fn organisation_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/organisation")
        .join(name)
}

#[test]
fn with_the_organisation_profile_the_ceo_impostor_is_named_and_without_it_not() {
    let raw = std::fs::read(organisation_fixture("ceo-transfer.eml")).expect("fixture");
    let mut harness = northwind_harness(egui::vec2(1200.0, 800.0));
    assert_eq!(
        harness.state().profile().map(|p| p.name.as_str()),
        Some("Northwind Traders")
    );
    open_bytes(&mut harness, "ceo-transfer.eml", raw.clone());
    harness.get_by_label_contains("Do not trust this message from Dana Whitfield");
    harness.get_by_label_contains("The sender uses the name of Dana Whitfield");
    let mut plain = app_harness(egui::vec2(1200.0, 800.0));
    open_bytes(&mut plain, "ceo-transfer.eml", raw);
    assert!(plain
        .query_by_label_contains("The sender uses the name of Dana Whitfield")
        .is_none());
}

#[test]
fn choosing_a_profile_in_settings_judges_open_messages_again() {
    let raw = std::fs::read(organisation_fixture("vendor-bank.eml")).expect("fixture");
    let mut harness = app_harness(egui::vec2(1200.0, 900.0));
    open_bytes(&mut harness, "vendor-bank.eml", raw);
    assert!(harness
        .query_by_label_contains("imitates contoso-supplies.example of your vendor")
        .is_none());
    harness.get_by_label("⚙ Settings…").click();
    harness.run_steps(3);
    harness.get_by_label("Organisation profile file").click();
    harness.run_steps(1);
    harness.get_by_label("Organisation profile file").type_text(
        &organisation_fixture("northwind.profile.toml")
            .display()
            .to_string(),
    );
    harness.run_steps(2);
    harness.get_by_label_contains("✔ Northwind Traders");
    harness.get_by_label("Save").click();
    harness.run_steps(3);
    wait_for_results(&mut harness);
    harness.get_by_label_contains("Judging as Northwind Traders");
    assert!(harness
        .query_all_by_label_contains(
            "imitates contoso-supplies.example of your vendor Contoso Supplies"
        )
        .next()
        .is_some());
}

/// With the largest text in a small window, the toolbar's controls do not overlap, and
/// the verdict page's links stay inside the window (they wrap under their values).
#[test]
fn larger_text_in_a_small_window_overlaps_nothing_and_cuts_nothing_off() {
    let settings = Settings {
        text_size: mailsleuth::gui::settings::TextSize::Larger,
        ..Settings::offline()
    };
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1024.0, 640.0))
        .build_eframe(move |cc| MailsleuthApp::new(cc, settings, Vec::new()));
    harness.run_steps(3);
    open_sample(&mut harness);
    harness.run_steps(3);
    // The window's width in points: the text size zooms everything.
    let width = harness.ctx.content_rect().right();
    assert!(width < 800.0, "the zoom applies: {width}");
    let toolbar: Vec<egui::Rect> = [
        "📂 Open file…",
        "📋 Paste message or headers…",
        "⚙ Settings…",
    ]
    .iter()
    .map(|l| harness.get_by_label(l).rect())
    .chain(
        harness
            .get_all_by_label_contains("Offline")
            .map(|n| n.rect())
            .filter(|r| r.top() < 60.0),
    )
    .collect();
    assert_eq!(toolbar.len(), 4, "{toolbar:?}");
    for (i, a) in toolbar.iter().enumerate() {
        assert!(a.right() <= width + 0.5, "{a:?} inside the window");
        for b in toolbar.iter().skip(i + 1) {
            assert!(
                !a.shrink(0.5).intersects(b.shrink(0.5)),
                "{a:?} overlaps {b:?}"
            );
        }
    }
    for link in [
        "See the sender",
        "See the path",
        "See the details",
        "See the checklist",
        "See links and attachments",
    ] {
        let r = harness.get_by_label(link).rect();
        assert!(r.right() <= width + 0.5, "{link} at {r:?} is cut off");
    }
}

/// The text the last frame put on the clipboard, if any.
fn copied(harness: &Harness<'static, MailsleuthApp>) -> Option<String> {
    harness
        .output()
        .platform_output
        .commands
        .iter()
        .find_map(|c| match c {
            egui::OutputCommand::CopyText(t) => Some(t.clone()),
            _ => None,
        })
}

#[test]
fn what_the_person_already_did_changes_the_steps_and_goes_into_the_report() {
    let raw = std::fs::read(organisation_fixture("ceo-transfer.eml")).expect("fixture");
    let mut harness = northwind_harness(egui::vec2(1200.0, 1400.0));
    open_bytes(&mut harness, "ceo-transfer.eml", raw);
    harness.get_by_label("Did you already…");
    harness.get_by_label_contains("You have not clicked, opened, typed, replied or paid");
    harness.get_by_label_contains(
        "Report it to your IT or security team (security@northwind.example)",
    );
    assert!(harness
        .query_by_label_contains("Change that password now")
        .is_none());
    harness
        .get_by_label("type a password or a code after following it?")
        .click();
    harness.run_steps(2);
    harness.get_by_label_contains("Change that password now");
    assert!(harness
        .query_by_label_contains("You have not clicked, opened, typed, replied or paid")
        .is_none());
    harness
        .get_by_label("pay, or send money, data or files?")
        .click();
    harness.run_steps(2);
    let bank = harness
        .get_by_label_contains("Call your bank now")
        .rect()
        .top();
    let password = harness
        .get_by_label_contains("Change that password now")
        .rect()
        .top();
    assert!(bank < password, "money first: it can still be recalled");
    harness.get_by_label("📋 Copy report for IT").click();
    harness.step();
    let text = copied(&harness).expect("the report is on the clipboard");
    assert!(text.contains("- I typed a password or a code"), "{text}");
    assert!(
        text.contains("- I paid, or sent money, data or files"),
        "{text}"
    );
    assert!(text.contains("Change that password now"), "{text}");
}
