//! Messages built to be too big to check. Every limit in `src/limits.rs` is reached here by
//! a message made for it, and each time the report names what was not examined (a limit
//! note in the report and in JSON `notes`) and the verdict is caution or danger. Messages
//! made to be slow (megabyte-long host names, PDFs that unpack to gigabytes) stay within
//! the time bound, and inputs that are not files are refused at once.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use mailsleuth::analysis::{self, Options, Outcome, Report, Verdict};
use mailsleuth::intake;
use mailsleuth::limits::{self, Limit};
use mailsleuth::load;
use mailsleuth::report::text::Style;
use mailsleuth::report::Checked;

const HEAD: &str = "From: Alice Example <alice@example.org>\r\nTo: bob@example.net\r\nSubject: The files you asked for\r\nDate: Mon, 1 Jun 2026 10:00:00 +0000\r\nMessage-ID: <hostile@example.org>\r\nMIME-Version: 1.0\r\n";

/// The time one message may take to analyse: 2 s in a release build (the product's bound,
/// on one core); debug builds, which the test suite runs in, are several times slower.
fn time_bound() -> Duration {
    if cfg!(debug_assertions) {
        Duration::from_secs(12)
    } else {
        Duration::from_secs(2)
    }
}

fn analyse(raw: &[u8]) -> Report {
    analysis::analyze(raw, &Options::default()).expect("the message is read")
}

fn base64(data: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len() * 4 / 3 + data.len() / 57 * 2 + 4);
    for (i, chunk) in data.chunks(3).enumerate() {
        if i > 0 && i % 19 == 0 {
            out.push_str("\r\n");
        }
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for (j, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if j <= chunk.len() {
                out.push(ABC[(n >> shift & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn attachment(name: &str, ctype: &str, data: &[u8]) -> String {
    format!(
        "Content-Type: {ctype}; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
        base64(data)
    )
}

fn multipart(parts: &[String]) -> String {
    let mut s = format!(
        "{HEAD}Content-Type: multipart/mixed; boundary=\"b0undary\"\r\n\r\n--b0undary\r\nContent-Type: text/plain\r\n\r\nPlease see the attached files.\r\n"
    );
    for p in parts {
        s.push_str("--b0undary\r\n");
        s.push_str(p);
    }
    s.push_str("--b0undary--\r\n");
    s
}

fn html(body: &str) -> String {
    format!(
        "{HEAD}Content-Type: text/html; charset=utf-8\r\n\r\n<html><body>{body}</body></html>\r\n"
    )
}

/// A Windows program's first bytes: enough for it to be recognised as one.
fn program() -> Vec<u8> {
    let mut pe = b"MZ".to_vec();
    pe.resize(0x3c, 0);
    pe.extend_from_slice(&0x80u32.to_le_bytes());
    pe.resize(0x80, 0);
    pe.extend_from_slice(b"PE\0\0");
    pe.resize(0x200, 0);
    pe
}

/// A PDF of `streams` compressed streams, each unpacking to `each` zero bytes.
fn pdf_of_streams(streams: usize, each: usize) -> Vec<u8> {
    let packed = miniz_oxide::deflate::compress_to_vec_zlib(&vec![0u8; each], 9);
    let mut pdf = b"%PDF-1.4\n".to_vec();
    for i in 0..streams {
        pdf.extend_from_slice(
            format!(
                "{} 0 obj\n<< /Length {} /Filter /FlateDecode >>\nstream\n",
                i + 1,
                packed.len()
            )
            .as_bytes(),
        );
        pdf.extend_from_slice(&packed);
        pdf.extend_from_slice(b"\nendstream\nendobj\n");
    }
    pdf.extend_from_slice(b"%%EOF\n");
    pdf
}

fn checked(r: &Report) -> Checked {
    Checked {
        path: "msg.eml".into(),
        group: 0,
        result: Ok(r.clone()),
    }
}

/// The limit notes of a report, as the JSON output carries them.
fn limit_notes(r: &Report) -> Vec<serde_json::Value> {
    let line = mailsleuth::report::json::to_line(&checked(r));
    let doc: serde_json::Value = serde_json::from_str(&line).expect("the JSON parses");
    doc["notes"]
        .as_array()
        .expect("notes is a list")
        .iter()
        .filter(|n| n["kind"] == "limit")
        .cloned()
        .collect()
}

/// The message reached `what`, says so in every output, and is not called fine.
fn assert_reached(r: &Report, what: Limit, examined: u64, total: Option<u64>) {
    let hit = r
        .limits
        .iter()
        .find(|h| h.what == what)
        .unwrap_or_else(|| panic!("no {what:?} limit in {:?}", r.limits));
    assert_eq!((hit.examined, hit.total), (examined, total), "{hit:?}");
    assert_ne!(r.verdict, Verdict::Ok, "{}: {:?}", r.headline, r.reasons);
    let check = r
        .checks
        .iter()
        .find(|c| c.id == "too-big-to-check")
        .expect("the check runs");
    assert_eq!(check.outcome, Outcome::Warn);
    assert!(
        check.evidence.iter().any(|e| e.text == hit.text()),
        "{:?}",
        check.evidence
    );
    let notes = limit_notes(r);
    let note = notes
        .iter()
        .find(|n| n["what"] == what.as_str())
        .unwrap_or_else(|| panic!("no JSON note for {what:?}: {notes:?}"));
    assert_eq!(note["examined"], examined);
    assert_eq!(note["total"], serde_json::json!(total));
    assert_eq!(note["text"], hit.text());
    let text = mailsleuth::report::text::render(&checked(r), Style::default());
    assert!(text.contains(&hit.text()), "{text}");
}

#[test]
fn a_deceptive_link_after_a_thousand_others_is_not_hidden() {
    let mut body: String = (0..limits::LINKS)
        .map(|i| format!("<a href=\"https://shop.example.org/item/{i}\">item {i}</a><br>\n"))
        .collect();
    body.push_str("<a href=\"https://paypa1-login.com/verify\">Verify your account</a>\n");
    let r = analyse(html(&body).as_bytes());
    assert_reached(&r, Limit::Links, 1000, Some(1001));
    assert!(
        r.headline.contains("not examined") || r.reasons.iter().any(|x| x == "too-big-to-check")
    );
}

#[test]
fn thirty_thousand_copies_of_one_link_are_one_link_and_the_odd_one_is_seen() {
    // As many copies as fit in the HTML that is read.
    let mut body = "<a href=\"https://shop.example.org/\">Shop</a> ".repeat(30_000);
    body.push_str(
        "<a href=\"https://paypa1-login.com/verify\">https://www.paypal.com/signin</a>\n",
    );
    let started = Instant::now();
    let r = analyse(html(&body).as_bytes());
    assert!(started.elapsed() < time_bound(), "{:?}", started.elapsed());
    assert!(r.limits.is_empty(), "{:?}", r.limits);
    assert_eq!(r.content.links.len(), 2, "{:?}", r.content.links);
    let mismatch = r
        .checks
        .iter()
        .find(|c| c.id == "link-text-mismatch")
        .unwrap();
    assert_eq!(mismatch.outcome, Outcome::Fail, "{mismatch:?}");
}

#[test]
fn a_program_as_the_201st_attachment_is_not_hidden() {
    let mut parts: Vec<String> = (0..limits::ATTACHMENTS)
        .map(|i| {
            attachment(
                &format!("note{i}.txt"),
                "text/plain",
                format!("note {i}\n").as_bytes(),
            )
        })
        .collect();
    parts.push(attachment(
        "invoice.exe",
        "application/octet-stream",
        &program(),
    ));
    let r = analyse(multipart(&parts).as_bytes());
    assert_reached(&r, Limit::Attachments, 200, Some(201));
}

/// `inner` attached inside `levels` messages, each forwarding the one below.
fn nested(inner: String, levels: usize) -> String {
    let mut m = inner;
    for level in 0..levels {
        m = multipart(&[format!(
            "Content-Type: message/rfc822\r\nContent-Disposition: attachment; filename=\"forward{level}.eml\"\r\n\r\n{m}"
        )]);
    }
    m
}

#[test]
fn a_program_four_messages_deep_is_not_hidden() {
    let payload = multipart(&[attachment(
        "invoice.exe",
        "application/octet-stream",
        &program(),
    )]);
    // Three levels deep the program is seen: it is listed among the attachments.
    let three = analyse(nested(payload.clone(), 3).as_bytes());
    assert_eq!(three.verdict, Verdict::Danger, "{:?}", three.reasons);
    assert!(three.limits.is_empty(), "{:?}", three.limits);
    // One level deeper it is not, and the report says so.
    let raw = nested(payload, 4);
    let four = analyse(raw.as_bytes());
    assert_reached(&four, Limit::Nesting, 3, Some(4));
    // Checked as `check` does, every entry down to the deepest one opened is not fine, and
    // the deepest carrier says what it did not open.
    let found = load::open_bytes(raw.into_bytes(), load::DEFAULT_MAX_SIZE)
        .next()
        .unwrap();
    let list = intake::analyse(found, &Options::default());
    assert_eq!(
        list.len(),
        5,
        "{:?}",
        list.iter().map(|a| &a.suffix).collect::<Vec<_>>()
    );
    for entry in &list[..4] {
        let r = entry.result.as_ref().expect("opened");
        assert_ne!(r.verdict, Verdict::Ok, "{}: {:?}", entry.suffix, r.reasons);
    }
    let deepest = list[3].result.as_ref().unwrap();
    assert_reached(deepest, Limit::Nesting, 0, Some(1));
    assert_eq!(list[4].result.as_ref().unwrap_err().kind(), "too-deep");
}

#[test]
fn more_attached_messages_than_are_checked_on_their_own_are_named() {
    let inner = "From: someone@example.net\r\nSubject: inner\r\n\r\nhello\r\n";
    let parts: Vec<String> = (0..limits::ATTACHED_MESSAGES + 2)
        .map(|i| format!("Content-Type: message/rfc822\r\nContent-Disposition: attachment; filename=\"m{i}.eml\"\r\n\r\n{inner}"))
        .collect();
    let found = load::open_bytes(multipart(&parts).into_bytes(), load::DEFAULT_MAX_SIZE)
        .next()
        .unwrap();
    let list = intake::analyse(found, &Options::default());
    assert_eq!(list.len(), 1 + limits::ATTACHED_MESSAGES);
    let carrier = list[0].result.as_ref().unwrap();
    assert_reached(carrier, Limit::AttachedMessages, 20, Some(22));
}

#[test]
fn text_and_html_past_what_is_read_are_named() {
    let words = "All is well here, nothing to see. ".repeat(limits::TEXT_BYTES / 30);
    let plain =
        format!("{HEAD}Content-Type: text/plain\r\n\r\n{words}\r\nNow send your password.\r\n");
    let r = analyse(plain.as_bytes());
    let total = r
        .limits
        .iter()
        .find(|h| h.what == Limit::Text)
        .and_then(|h| h.total);
    assert!(
        total.is_some_and(|t| t > words.len() as u64),
        "{:?}",
        r.limits
    );
    assert_reached(&r, Limit::Text, limits::TEXT_BYTES as u64, total);

    let padding = "<!-- filler -->".repeat(limits::HTML_BYTES / 15 + 10);
    let r = analyse(html(&padding).as_bytes());
    let total = r
        .limits
        .iter()
        .find(|h| h.what == Limit::Html)
        .and_then(|h| h.total);
    assert!(
        total.is_some_and(|t| t > limits::HTML_BYTES as u64),
        "{:?}",
        r.limits
    );
    assert_reached(&r, Limit::Html, limits::HTML_BYTES as u64, total);
}

#[test]
fn archive_entries_past_the_listed_ones_are_named() {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..limits::ARCHIVE_ENTRIES + 1 {
        let name = if i == limits::ARCHIVE_ENTRIES {
            "setup.exe".to_string()
        } else {
            format!("photo{i}.jpg")
        };
        zip.start_file(name, stored).unwrap();
        zip.write_all(b"x").unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    let r = analyse(multipart(&[attachment("photos.zip", "application/zip", &bytes)]).as_bytes());
    assert_reached(&r, Limit::ArchiveEntries, 500, Some(501));
}

#[test]
fn form_destinations_past_the_checked_ones_are_named() {
    let body: String = (0..limits::FORMS + 1)
        .map(|i| {
            format!("<form action=\"https://forms{i}.example.net/send\"><input name=q></form>")
        })
        .collect();
    let r = analyse(html(&body).as_bytes());
    assert_reached(&r, Limit::Forms, 20, Some(21));
}

#[test]
fn a_lure_after_pages_of_filler_is_still_read() {
    let filler = "Our quarterly newsletter, nothing to act on. ".repeat(2_000);
    assert!(filler.len() > 64 * 1024 && filler.len() < limits::TEXT_BYTES);
    let raw = format!(
        "{HEAD}Content-Type: text/plain\r\n\r\n{filler}\r\nYour mailbox will be suspended. Verify your password here today.\r\n"
    );
    let r = analyse(raw.as_bytes());
    assert!(r.limits.is_empty(), "{:?}", r.limits);
    let asks = r
        .checks
        .iter()
        .find(|c| c.id == "credential-request")
        .unwrap();
    assert_ne!(asks.outcome, Outcome::Pass, "{asks:?}");
}

#[test]
fn a_big_html_attachment_is_searched_as_far_as_the_limit_and_says_so() {
    let mut page = "<p>Statement</p>"
        .repeat(limits::HTML_ATTACHMENT_BYTES / 16 + 1)
        .into_bytes();
    page.extend_from_slice(
        b"<form action=\"https://collect.example.net/\"><input type=password></form>",
    );
    let r = analyse(multipart(&[attachment("statement.html", "text/html", &page)]).as_bytes());
    assert_reached(
        &r,
        Limit::HtmlAttachment,
        limits::HTML_ATTACHMENT_BYTES as u64,
        Some(page.len() as u64),
    );
}

#[test]
fn pdf_streams_past_the_unpacked_ones_are_named() {
    let pdf = pdf_of_streams(limits::PDF_STREAMS + 3, 10);
    let r = analyse(multipart(&[attachment("scan.pdf", "application/pdf", &pdf)]).as_bytes());
    assert_reached(&r, Limit::PdfStreams, 512, Some(515));
}

#[test]
fn pdf_links_past_the_kept_ones_are_named() {
    let mut pdf = b"%PDF-1.4\n".to_vec();
    for i in 0..limits::PDF_LINKS + 4 {
        pdf.extend_from_slice(format!("<< /URI (https://site{i}.example.org/) >>\n").as_bytes());
    }
    let r = analyse(multipart(&[attachment("catalogue.pdf", "application/pdf", &pdf)]).as_bytes());
    assert_reached(&r, Limit::PdfLinks, 1000, Some(1004));
    // The links kept are the message's links too, so every link check covers them.
    assert_eq!(r.content.links.len(), 1000);
    assert!(r
        .content
        .links
        .iter()
        .all(|l| l.in_attachment.as_deref() == Some("catalogue.pdf")));
}

#[test]
fn many_pdf_bombs_share_one_budget_and_stay_within_the_time_bound() {
    // 200 PDFs, each of 8 streams unpacking to 16 MB: 25 GB if all were unpacked.
    let pdf = pdf_of_streams(8, 16 * 1024 * 1024);
    let parts: Vec<String> = (0..200)
        .map(|i| attachment(&format!("report{i}.pdf"), "application/pdf", &pdf))
        .collect();
    let raw = multipart(&parts);
    assert!(raw.len() < load::DEFAULT_MAX_SIZE, "{}", raw.len());
    let started = Instant::now();
    let r = analyse(raw.as_bytes());
    let took = started.elapsed();
    let mb = raw.len() as f64 / 1_048_576.0;
    println!("{mb:.1} MB with 200 PDF bombs: analysed in {took:?}");
    assert!(took < time_bound(), "{} MB took {took:?}", raw.len() >> 20);
    let hit = r.limits.iter().find(|h| h.what == Limit::Unpacked).cloned();
    let hit = hit.unwrap_or_else(|| panic!("{:?}", r.limits));
    assert_reached(&r, Limit::Unpacked, hit.examined, None);
    assert!(hit.examined <= limits::UNPACKED_BYTES as u64);
}

#[test]
fn links_to_impossibly_long_host_names_stay_within_the_time_bound() {
    // 1,000 links whose host names have 2,000-letter labels: no such name can exist.
    let body: String = (0..1000)
        .map(|i| {
            let label = char::from(b'a' + (i % 26) as u8).to_string().repeat(2000);
            format!("<a href=\"https://{label}{i}.com/login\">Sign in</a>\n")
        })
        .collect();
    let raw = html(&body);
    let started = Instant::now();
    let r = analyse(raw.as_bytes());
    let took = started.elapsed();
    let mb = raw.len() as f64 / 1_048_576.0;
    println!("{mb:.1} MB of links to 2,000-letter host names: analysed in {took:?}");
    assert!(took < time_bound(), "took {took:?}");
    assert_eq!(r.content.links.len(), 1000);
    // Both bombs in one message.
    let pdf = pdf_of_streams(8, 16 * 1024 * 1024);
    let mut parts: Vec<String> = (0..100)
        .map(|i| attachment(&format!("r{i}.pdf"), "application/pdf", &pdf))
        .collect();
    parts.push(format!("Content-Type: text/html\r\n\r\n{body}\r\n"));
    let both = multipart(&parts);
    let started = Instant::now();
    let r = analyse(both.as_bytes());
    let took = started.elapsed();
    let mb = both.len() as f64 / 1_048_576.0;
    println!("{mb:.1} MB with both: analysed in {took:?}");
    assert!(took < time_bound(), "took {took:?}");
    assert!(
        r.limits.iter().any(|h| h.what == Limit::Unpacked),
        "{:?}",
        r.limits
    );
}

#[test]
fn more_received_lines_than_servers_accept_are_named_and_stay_fast() {
    let mut raw = String::new();
    for i in 0..50_000 {
        raw.push_str(&format!(
            "Received: from relay{i}.example.net ([192.0.2.{}]) by mx{i}.example.org with ESMTP; Mon, 1 Jun 2026 10:00:00 +0000\r\n",
            i % 250
        ));
    }
    raw.push_str(HEAD);
    raw.push_str("Content-Type: text/plain\r\n\r\nhello\r\n");
    let started = Instant::now();
    let r = analyse(raw.as_bytes());
    let took = started.elapsed();
    assert!(took < time_bound(), "took {took:?}");
    assert_eq!(r.path.hops.len(), limits::HOPS);
    assert_reached(&r, Limit::Hops, 100, Some(50_000));
}

#[test]
fn floods_of_any_header_stay_within_the_time_bound() {
    let values = [
        ("Authentication-Results", "mx.example.net; spf=pass smtp.mailfrom=example.org; dkim=pass header.d=example.org; dmarc=pass header.from=example.org"),
        ("ARC-Authentication-Results", "i=1; mx.example.net; spf=pass smtp.mailfrom=example.org"),
        ("ARC-Seal", "i=1; a=rsa-sha256; cv=none; d=example.org; s=arc; b=AAAA"),
        ("DKIM-Signature", "v=1; a=rsa-sha256; d=example.org; s=s1; h=from:to; bh=AAAA; b=AAAA"),
        ("Received-SPF", "pass (mx.example.net: domain of a@example.org designates 192.0.2.1 as permitted sender)"),
        ("From", "Alice <alice@example.org>"),
        ("Reply-To", "Payments <pay@example.net>"),
        ("To", "bob@example.net"),
        ("Return-Path", "<bounce@example.org>"),
        ("List-Id", "<list.example.org>"),
        ("X-MS-Exchange-Organization-SCL", "1"),
        ("X-Forefront-Antispam-Report", "CIP:192.0.2.1;CTRY:US;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;"),
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Subject", "=?utf-8?B?SGVsbG8=?="),
    ];
    for (name, value) in values {
        let mut raw = String::new();
        for _ in 0..20_000 {
            raw.push_str(&format!("{name}: {value}\r\n"));
        }
        raw.push_str(HEAD);
        raw.push_str("Content-Type: text/plain\r\n\r\nhello\r\n");
        let started = Instant::now();
        let r = analysis::analyze(raw.as_bytes(), &Options::default());
        let took = started.elapsed();
        assert!(r.is_ok(), "{name}");
        assert!(took < time_bound(), "20,000 {name} headers took {took:?}");
    }
}

#[test]
fn megabyte_header_lines_stay_within_the_time_bound() {
    for name in [
        "Return-Path",
        "From",
        "Reply-To",
        "Received",
        "Authentication-Results",
        "Subject",
    ] {
        for filler in [".", "a.", "@", " "] {
            let raw = format!(
                "{name}: {}\r\n{HEAD}Content-Type: text/plain\r\n\r\nhello\r\n",
                filler.repeat(1_600_000 / filler.len())
            );
            let started = Instant::now();
            let r = analysis::analyze(raw.as_bytes(), &Options::default());
            let took = started.elapsed();
            assert!(r.is_ok(), "{name}");
            assert!(
                took < time_bound(),
                "a 1.6 MB {name} of {filler:?} took {took:?}"
            );
        }
    }
}

#[test]
fn a_mail_that_reaches_no_limit_has_no_limit_note() {
    let r = analyse(
        html("<p>Lunch at noon? <a href=\"https://example.org/menu\">menu</a></p>").as_bytes(),
    );
    assert!(r.limits.is_empty());
    let check = r
        .checks
        .iter()
        .find(|c| c.id == "too-big-to-check")
        .unwrap();
    assert_eq!(check.outcome, Outcome::Pass);
    assert!(limit_notes(&r).is_empty());
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mailsleuth"))
}

#[cfg(unix)]
#[test]
fn a_device_or_a_pipe_named_as_a_path_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.eml");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    for path in [Path::new("/dev/zero"), fifo.as_path()] {
        let started = Instant::now();
        let out = bin()
            .args(["check", "--offline", "--json"])
            .arg(path)
            .output()
            .expect("run mailsleuth");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{path:?} took {:?}",
            started.elapsed()
        );
        assert_eq!(out.status.code(), Some(2), "{path:?}");
        let row: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON line");
        assert_eq!(row["error"]["kind"], "unreadable");
        let message = row["error"]["message"].as_str().unwrap();
        assert!(message.contains("not an ordinary file"), "{message}");
    }
}

#[test]
fn standard_input_over_the_size_limit_says_more_than_the_limit() {
    let mut child = bin()
        .args(["check", "--offline", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run mailsleuth");
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let chunk = vec![b'a'; 1 << 20];
        for _ in 0..60 {
            if stdin.write_all(&chunk).is_err() {
                break;
            }
        }
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("more than 50 MB"), "{text}");
}

/// A UTF-16LE `.msg` string property stream.
fn msg_string(cf: &mut cfb::CompoundFile<std::fs::File>, path: &str, value: &str) {
    let bytes: Vec<u8> = value.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let mut s = cf.create_stream(path).unwrap();
    s.write_all(&bytes).unwrap();
}

#[test]
fn an_outlook_msg_with_more_attachments_than_are_carried_over_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.msg");
    {
        let mut cf = cfb::create(&path).unwrap();
        msg_string(
            &mut cf,
            "/__substg1.0_007D001F",
            "Received: from mx.example.org by mail.example.net; Mon, 1 Jun 2026 10:00:00 +0000\r\nFrom: Alice <alice@example.org>\r\nSubject: many\r\n",
        );
        msg_string(&mut cf, "/__substg1.0_0037001F", "many");
        msg_string(&mut cf, "/__substg1.0_1000001F", "See the files.");
        for i in 0..limits::MSG_ATTACHMENTS + 1 {
            let storage = format!("/__attach_version1.0_#{i:08X}");
            cf.create_storage(&storage).unwrap();
            msg_string(
                &mut cf,
                &format!("{storage}/__substg1.0_3707001F"),
                &format!("f{i:03}.txt"),
            );
            let mut s = cf
                .create_stream(format!("{storage}/__substg1.0_37010102"))
                .unwrap();
            s.write_all(b"hello").unwrap();
        }
        cf.flush().unwrap();
    }
    let found = load::open_path(&path, load::DEFAULT_MAX_SIZE)
        .next()
        .unwrap();
    let list = intake::analyse(found, &Options::default());
    let r = list[0].result.as_ref().expect("rebuilt");
    assert_eq!(r.attachments.len(), limits::MSG_ATTACHMENTS);
    assert_reached(r, Limit::Attachments, 200, Some(201));
}

#[test]
fn an_outlook_msg_nested_deeper_than_is_read_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested.msg");
    {
        let mut cf = cfb::create(&path).unwrap();
        msg_string(
            &mut cf,
            "/__substg1.0_007D001F",
            "Received: from mx.example.org by mail.example.net; Mon, 1 Jun 2026 10:00:00 +0000\r\nFrom: Alice <alice@example.org>\r\nSubject: nested\r\n",
        );
        msg_string(&mut cf, "/__substg1.0_0037001F", "nested");
        // Each level attaches the next as an embedded message, one level more than is read.
        let mut storage = String::new();
        for level in 0..=limits::MSG_NESTING {
            let attach = format!("{storage}/__attach_version1.0_#00000000");
            cf.create_storage(&attach).unwrap();
            msg_string(
                &mut cf,
                &format!("{attach}/__substg1.0_3707001F"),
                &format!("level{level}.msg"),
            );
            storage = format!("{attach}/__substg1.0_3701000D");
            cf.create_storage(&storage).unwrap();
            msg_string(
                &mut cf,
                &format!("{storage}/__substg1.0_0037001F"),
                &format!("level {level}"),
            );
            msg_string(
                &mut cf,
                &format!("{storage}/__substg1.0_1000001F"),
                "Forwarded.",
            );
        }
        cf.flush().unwrap();
    }
    let found = load::open_path(&path, load::DEFAULT_MAX_SIZE)
        .next()
        .unwrap();
    assert_eq!(found.limits.len(), 1, "{:?}", found.limits);
    let list = intake::analyse(found, &Options::default());
    let r = list[0].result.as_ref().expect("rebuilt");
    assert_reached(r, Limit::Nesting, 0, Some(1));
}
