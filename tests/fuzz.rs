//! A structure-aware mutation fuzzer that runs on stable Rust: real messages (the fixtures,
//! the training samples and, when present, the development corpus) are mutated byte by
//! byte and MIME-aware (boundaries broken, parts nested a thousand deep, encoded words and
//! base64 cut, NULs and invalid UTF-8, thousands of headers, megabyte header lines) and fed
//! to everything that reads untrusted bytes: the loaders (mbox, `.msg`, `.emlx`, pasted
//! text), the analysis of every message found, the JSON and text output, and the parsers
//! of the DNS records that live verification reads. Each input must not panic, must take
//! less than the time bound, and its JSON must parse and its report round-trip.
//!
//! Deterministic: execution `n` of a run is always the same input. The short run is part of
//! `cargo test`; the long run is
//! `cargo test --release --test fuzz -- --ignored --nocapture` (`MAILSLEUTH_FUZZ_EXECS`
//! executions, 2,000,000 by default, on every core) and prints what it did.

mod support;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use mail_auth::common::parse::TxtRecordParser;
use mailsleuth::analysis::{Options, Report};
use mailsleuth::intake;
use mailsleuth::load;
use mailsleuth::report::{json, text, Checked};

/// Largest input the fuzzer builds; the loaders' own limit is the app's default.
const MAX_INPUT: usize = 12 * 1024 * 1024;

/// How long one input may take: 2 s in a release build; debug builds are slower.
fn time_bound() -> Duration {
    if cfg!(debug_assertions) {
        Duration::from_secs(15)
    } else {
        Duration::from_secs(2)
    }
}

/// xorshift64*: small, fast, and the same sequence everywhere.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The seeds: every message file in the repository's fixtures and samples, and the
/// corpus when it is there. Sorted, so a run is the same on every machine with the same
/// files.
fn seeds() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in ["tests/fixtures", "assets/samples", "assets"] {
        files.extend(
            support::files_under(&root.join(dir))
                .into_iter()
                .filter(|p| {
                    let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
                    matches!(ext, "eml" | "msg" | "mbox" | "emlx" | "txt")
                }),
        );
    }
    if let Some(corpus) = support::corpus() {
        files.extend(
            support::files_under(&corpus)
                .into_iter()
                .filter(|p| !p.to_string_lossy().contains("LICENCES"))
                .filter(|p| p.extension().and_then(|e| e.to_str()) != Some("md")),
        );
    }
    files.sort();
    files.dedup();
    files
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        // Big messages are read whole by the corpus test; mutating them here would spend
        // the run on a few inputs.
        .filter(|b| !b.is_empty() && b.len() <= 512 * 1024)
        .collect()
}

/// Where the header block ends (after the blank line), or the end.
fn header_end(b: &[u8]) -> usize {
    b.windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| p + 4)
        .or_else(|| b.windows(2).position(|w| w == b"\n\n").map(|p| p + 2))
        .unwrap_or(b.len())
}

/// Positions of `needle` in `hay` (at most `max`).
fn find_all(hay: &[u8], needle: &[u8], max: usize) -> Vec<usize> {
    let mut out = Vec::new();
    if needle.is_empty() {
        return out;
    }
    let mut i = 0;
    while i + needle.len() <= hay.len() && out.len() < max {
        if &hay[i..i + needle.len()] == needle {
            out.push(i);
            i += needle.len();
        } else {
            i += 1;
        }
    }
    out
}

/// The boundary a message's top Content-Type names, if any.
fn boundary(b: &[u8]) -> Option<Vec<u8>> {
    let head = &b[..header_end(b)];
    let lower = head.to_ascii_lowercase();
    let at = find_all(&lower, b"boundary=", 1).first().copied()? + 9;
    let rest = &head[at..];
    let rest = rest.strip_prefix(b"\"").unwrap_or(rest);
    let end = rest
        .iter()
        .position(|c| matches!(c, b'"' | b';' | b'\r' | b'\n' | b' '))
        .unwrap_or(rest.len());
    (end > 0).then(|| rest[..end].to_vec())
}

const ODD_CHARSETS: &[&str] = &[
    "utf-7",
    "iso-2022-jp",
    "gb18030",
    "koi8-r",
    "x-unknown",
    "utf-16",
    "windows-1255",
    "big5",
    "",
];

const HEADER_NAMES: &[&str] = &[
    "From",
    "Reply-To",
    "Return-Path",
    "Sender",
    "Received",
    "Authentication-Results",
    "ARC-Authentication-Results",
    "DKIM-Signature",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Subject",
    "List-Id",
    "X-MS-Exchange-Organization-SCL",
    "X-Forefront-Antispam-Report",
];

/// One mutation of `input`, chosen by `rng`; `other` is a second seed for splicing.
fn mutate(rng: &mut Rng, input: &mut Vec<u8>, other: &[u8]) {
    let len = input.len();
    let mut kind = rng.below(24);
    // The mutations that make an input huge (deep nesting, floods of headers, lines or
    // links) are one in eight of their share, so a run covers many inputs.
    if matches!(kind, 8 | 10 | 11 | 15 | 17) && rng.below(8) != 0 {
        kind = rng.below(7);
    }
    match kind {
        // Byte-level.
        0 => {
            for _ in 0..=rng.below(16) {
                let i = rng.below(input.len());
                if let Some(b) = input.get_mut(i) {
                    *b ^= 1 << rng.below(8);
                }
            }
        }
        1 => {
            let i = rng.below(len + 1);
            let junk: Vec<u8> = (0..=rng.below(64)).map(|_| rng.next() as u8).collect();
            input.splice(i..i, junk);
        }
        2 => {
            let a = rng.below(len + 1);
            let b = (a + rng.below(4096)).min(len);
            input.drain(a..b);
        }
        3 => input.truncate(rng.below(len + 1)),
        4 => {
            let a = rng.below(len + 1);
            let b = (a + rng.below(2048)).min(len);
            let piece = input[a..b].to_vec();
            let at = rng.below(input.len() + 1);
            for _ in 0..=rng.below(8) {
                input.splice(at..at, piece.iter().copied());
            }
        }
        5 => {
            let a = rng.below(other.len() + 1);
            let b = (a + rng.below(8192)).min(other.len());
            let at = rng.below(len + 1);
            input.splice(at..at, other[a..b].iter().copied());
        }
        6 => {
            for _ in 0..=rng.below(32) {
                let i = rng.below(input.len() + 1);
                input.insert(i, *rng.pick(&[0u8, 0xff, 0xc3, 0xe2, 0x80, 0x1b, b'\r']));
            }
        }
        // MIME-aware.
        7 => {
            // Cut a part boundary, or every one of them.
            if let Some(bd) = boundary(input) {
                let mut all = find_all(input, &bd, 10_000);
                if rng.below(2) == 0 {
                    all.truncate(1);
                    if let Some(&p) = all.first() {
                        let skip = rng.below(all.len().max(1));
                        let _ = skip;
                        input.drain(p..p + bd.len() / 2);
                    }
                } else {
                    for p in all.into_iter().rev() {
                        if let Some(b) = input.get_mut(p) {
                            *b = b'#';
                        }
                    }
                }
            }
        }
        8 => {
            // Nest the body inside hundreds of multiparts.
            let depth = 1 + rng.below(1200);
            let cut = header_end(input);
            let body = input.split_off(cut);
            let mut nested = Vec::with_capacity(body.len() + depth * 80);
            nested.extend_from_slice(b"Content-Type: multipart/mixed; boundary=\"d0\"\r\n\r\n");
            for d in 0..depth {
                nested.extend_from_slice(
                    format!(
                        "--d{d}\r\nContent-Type: multipart/mixed; boundary=\"d{}\"\r\n\r\n",
                        d + 1
                    )
                    .as_bytes(),
                );
            }
            nested.extend_from_slice(
                format!("--d{depth}\r\nContent-Type: text/html\r\n\r\n").as_bytes(),
            );
            nested.extend_from_slice(&body);
            if rng.below(2) == 0 {
                for d in (0..=depth).rev() {
                    nested.extend_from_slice(format!("\r\n--d{d}--\r\n").as_bytes());
                }
            }
            input.extend_from_slice(&nested);
        }
        9 => {
            // Broken encoded words in a header.
            let words = [
                "=?utf-8?B?",
                "=?utf-8?Q?=E2=80=",
                "=?x-unknown?B?////?=",
                "=?iso-8859-1?Q?caf=E9?= =?",
                "=?utf-8*en?B?AAAA?=",
                "=?utf-16?B?//79/w==?=",
            ];
            let name = rng.pick(HEADER_NAMES);
            let line = format!("{name}: {} <a@b.example>\r\n", rng.pick(&words));
            let at = rng.below(header_end(input) + 1);
            input.splice(at..at, line.into_bytes());
        }
        10 => {
            // Thousands of headers.
            let n = 1 + rng.below(100_000);
            let name = rng.pick(HEADER_NAMES);
            let mut block = Vec::with_capacity(n * 24);
            for i in 0..n {
                block.extend_from_slice(format!("{name}: v{i}\r\n").as_bytes());
            }
            input.splice(0..0, block);
        }
        11 => {
            // One enormous header line.
            let n = 1 + rng.below(2 * 1024 * 1024);
            let mut line = format!("{}: ", rng.pick(HEADER_NAMES)).into_bytes();
            line.extend(std::iter::repeat_n(*rng.pick(b"a .@="), n));
            line.extend_from_slice(b"\r\n");
            input.splice(0..0, line);
        }
        12 => {
            // Truncate inside a base64 or quoted-printable body.
            let lower = input.to_ascii_lowercase();
            let spots = find_all(&lower, b"content-transfer-encoding", 64);
            if !spots.is_empty() {
                let p = *rng.pick(&spots);
                let cut = (p + 80 + rng.below(4096)).min(input.len());
                input.truncate(cut);
            }
        }
        13 => {
            // An odd charset everywhere one is named.
            let cs = rng.pick(ODD_CHARSETS).as_bytes().to_vec();
            let lower = input.to_ascii_lowercase();
            for p in find_all(&lower, b"charset=", 64).into_iter().rev() {
                let start = p + 8;
                let end = input[start..]
                    .iter()
                    .position(|c| matches!(c, b';' | b'\r' | b'\n' | b' '))
                    .map_or(input.len(), |e| start + e);
                input.splice(start..end, cs.iter().copied());
            }
        }
        14 => {
            // Invalid UTF-8 in the headers.
            let end = header_end(input);
            for _ in 0..=rng.below(64) {
                let i = rng.below(end.max(1));
                if let Some(b) = input.get_mut(i) {
                    *b = 0x80 | (rng.next() as u8 & 0x3f);
                }
            }
        }
        15 => {
            // A Received chain that lies: many hops, odd dates, IPv6, brackets.
            let n = 1 + rng.below(300);
            let mut block = Vec::new();
            for i in 0..n {
                block.extend_from_slice(
                    format!(
                        "Received: from h{i} ([{}]) by mx{i}.example.net (helo=[::1]) with {}; {}\r\n",
                        rng.pick(&["10.0.0.1", "::ffff:1.2.3.4", "999.1.1.1", "fe80::1%eth0", ""]),
                        rng.pick(&["ESMTPS", "LMTP", "HTTP", "((("]),
                        rng.pick(&["Mon, 1 Jan 2024 00:00:00 +0000", "Thu, 31 Feb 99999 25:61:61 +9999", "", "yesterday"])
                    )
                    .as_bytes(),
                );
            }
            input.splice(0..0, block);
        }
        16 => {
            // Forged or broken authentication results.
            let line = format!(
                "Authentication-Results: {}; spf={} smtp.mailfrom={}; dkim={} header.d={}; dmarc={} header.from={}\r\n",
                rng.pick(&["mx.example.net", "", ";;;", "a".repeat(5000).as_str()]),
                rng.pick(&["pass", "fail", "((", "softfail"]),
                rng.pick(&["", "@", "x@xn--", "a@b.example"]),
                rng.pick(&["pass", "permerror", "="]),
                rng.pick(&["example.org", "", "..", "xn--zz"]),
                rng.pick(&["pass", "fail (p=reject)", ""]),
                rng.pick(&["example.org", "\u{0}"]),
            );
            input.splice(0..0, line.into_bytes());
        }
        17 => {
            // Many links, some long, some broken.
            let n = 1 + rng.below(3000);
            let mut html = b"Content-Type: text/html\r\n\r\n".to_vec();
            for i in 0..n {
                let long = "a".repeat(rng.below(300));
                html.extend_from_slice(
                    format!(
                        "<a href=\"{}\">{}</a>",
                        rng.pick(&[
                            "https://xn--80ak6aa92e.com/".to_string(),
                            format!("http://{long}.example/{i}"),
                            "javascript:alert(1)".to_string(),
                            "https://[::1".to_string(),
                            format!("https://www.google.com/url?q=https://evil{i}.example"),
                        ]),
                        rng.pick(&["https://www.paypal.com", "click", "", "<<<"])
                    )
                    .as_bytes(),
                );
            }
            let at = header_end(input);
            input.splice(at..at, html);
        }
        18 => {
            // Attachments of every kind, broken.
            let kinds: &[(&str, &[u8])] = &[
                ("a.pdf", b"%PDF-1.4\n<< /Filter /FlateDecode >>\nstream\nx\x9c\xff\nendstream /URI (http"),
                ("a.zip", b"PK\x03\x04\x14\x00\x00\x00PK\x05\x06\x00\x00\x00\x00\xff\xff\xff\xff"),
                ("a.msg", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00"),
                ("a.eml", b"From: x\r\nContent-Type: message/rfc822\r\n\r\nFrom: y\r\n"),
                ("a.html", b"<form><input type=password><script>atob('"),
                ("a.exe", b"MZ\x90\x00"),
            ];
            let (name, data) = *rng.pick(kinds);
            let part = format!(
                "Content-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Type: application/octet-stream; name=\"{name}\"\r\nContent-Transfer-Encoding: {}\r\n\r\n",
                rng.pick(&["base64", "binary", "x-uuencode", "quoted-printable"])
            );
            let mut bytes = part.into_bytes();
            bytes.extend_from_slice(data);
            bytes.extend_from_slice(b"\r\n--zz");
            let at = header_end(input);
            input.splice(at.saturating_sub(2)..at, bytes);
        }
        19 => {
            // Make it an mbox, or an .emlx, or pasted text.
            let mut wrapped = match rng.below(3) {
                0 => b"From someone@example.org Mon Jan  1 00:00:00 2024\n".to_vec(),
                1 => format!("{}\n", input.len()).into_bytes(),
                _ => b"\xc2\xa0Original Message\r\n".to_vec(),
            };
            wrapped.append(input);
            if rng.below(2) == 0 {
                let copy = wrapped.clone();
                wrapped.extend_from_slice(b"\nFrom other@example.org Mon Jan  1 00:00:00 2024\n");
                wrapped.extend_from_slice(&copy);
            }
            *input = wrapped;
        }
        20 => {
            // Line endings mixed or removed.
            let choice = rng.below(3);
            let mut out = Vec::with_capacity(input.len());
            for &b in input.iter() {
                match (choice, b) {
                    (0, b'\n') => out.extend_from_slice(b"\r\r\n"),
                    (1, b'\r') => {}
                    (2, b'\n') => out.push(b'\r'),
                    _ => out.push(b),
                }
            }
            *input = out;
        }
        21 => {
            // Content types swapped for unusual ones.
            let lower = input.to_ascii_lowercase();
            let spots = find_all(&lower, b"content-type:", 32);
            if !spots.is_empty() {
                let p = *rng.pick(&spots) + 13;
                let ct = rng.pick(&[
                    " message/rfc822",
                    " multipart/report; report-type=delivery-status",
                    " text/calendar",
                    " application/ms-tnef",
                    " multipart/alternative; boundary=\"\"",
                    " image/svg+xml",
                ]);
                input.splice(p..p, ct.bytes());
            }
        }
        22 => {
            // Spaces and folding where parsers do not expect them.
            let end = header_end(input);
            for _ in 0..=rng.below(32) {
                let i = rng.below(end.max(1));
                const FOLDS: &[&[u8]] = &[b"\r\n ", b"\r\n\t", b"\r\n", b":"];
                input.splice(i..i, rng.pick(FOLDS).iter().copied());
            }
        }
        _ => {
            // Headers only, or body only.
            if rng.below(2) == 0 {
                input.truncate(header_end(input));
            } else {
                input.drain(..header_end(input).min(input.len()));
            }
        }
    }
    input.truncate(MAX_INPUT);
}

/// DNS record text as live verification reads it, mutated from real-looking records.
fn record(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let bases: &[&[u8]] = &[
        b"v=spf1 ip4:192.0.2.0/24 include:_spf.example.org redirect=example.net -all",
        b"v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC",
        b"v=DMARC1; p=reject; sp=none; pct=50; rua=mailto:d@example.org; adkim=s",
        b"v=spf1 exists:%{l1r-}.%{d}._spf.example -all",
        b"v=DKIM1; k=ed25519; t=s:y; h=sha256; p=",
    ];
    let mut r = rng.pick(bases).to_vec();
    for _ in 0..=rng.below(4) {
        mutate_small(rng, &mut r, input);
    }
    r
}

fn mutate_small(rng: &mut Rng, r: &mut Vec<u8>, other: &[u8]) {
    let len = r.len();
    match rng.below(5) {
        0 => {
            let i = rng.below(len.max(1));
            if let Some(b) = r.get_mut(i) {
                *b = rng.next() as u8;
            }
        }
        1 => {
            let a = rng.below(other.len() + 1);
            let b = (a + rng.below(200)).min(other.len());
            let at = rng.below(len + 1);
            r.splice(at..at, other[a..b].iter().copied());
        }
        2 => r.truncate(rng.below(len + 1)),
        3 => {
            const PIECES: &[&[u8]] = &[b"; ", b"=", b"include:", b"%{", b"p=", b"\0", b"v=spf1 "];
            let piece = *rng.pick(PIECES);
            for _ in 0..=rng.below(200) {
                let at = rng.below(r.len() + 1);
                r.splice(at..at, piece.iter().copied());
            }
        }
        _ => {
            let copy = r.clone();
            for _ in 0..rng.below(50) {
                r.extend_from_slice(&copy);
            }
        }
    }
}

/// What went wrong with one input.
#[derive(Debug)]
struct Problem {
    execution: u64,
    what: String,
}

/// Feeds one input to every reader of untrusted bytes; Err on a panic, a JSON problem or
/// a report that does not round-trip. Returns how many messages were analysed.
fn feed(input: &[u8], record_text: &[u8], opts: &Options, thorough: bool) -> Result<usize, String> {
    let outcome = catch_unwind(AssertUnwindSafe(|| -> Result<usize, String> {
        let mut analysed = 0;
        for found in load::open_bytes(input.to_vec(), load::DEFAULT_MAX_SIZE).take(20) {
            for entry in intake::analyse(found, opts) {
                let checked = Checked {
                    path: format!("fuzz{}", entry.suffix),
                    group: 0,
                    result: entry.result.map_err(Into::into),
                };
                let line = json::to_line(&checked);
                let _: serde::de::IgnoredAny =
                    serde_json::from_str(&line).map_err(|e| format!("bad JSON: {e}"))?;
                if checked.result.is_ok() {
                    analysed += 1;
                }
                if !thorough {
                    continue;
                }
                let value: serde_json::Value =
                    serde_json::from_str(&line).map_err(|e| format!("bad JSON: {e}"))?;
                if value["path"] != checked.path.as_str() {
                    return Err("the JSON lost the path".into());
                }
                let _ = text::render(&checked, text::Style::default());
                if let Ok(report) = &checked.result {
                    let once = serde_json::to_string(report).map_err(|e| e.to_string())?;
                    let back: Report = serde_json::from_str(&once)
                        .map_err(|e| format!("the report does not read back: {e}"))?;
                    let twice = serde_json::to_string(&back).map_err(|e| e.to_string())?;
                    if once != twice {
                        return Err("the report changes when read back".into());
                    }
                }
            }
        }
        if !thorough {
            return Ok(analysed);
        }
        let pasted = load::paste::repair(&String::from_utf8_lossy(input));
        let _ = mailsleuth::analysis::analyze(&pasted, opts);
        let _ = mail_auth::spf::Spf::parse(record_text);
        let _ = mail_auth::dmarc::Dmarc::parse(record_text);
        let _ = mail_auth::common::verify::DomainKey::parse(record_text);
        // What live verification parses from the message itself: signatures and seals.
        if let Some(m) = mail_auth::AuthenticatedMessage::parse(input) {
            let _ = (
                m.dkim_headers.len(),
                m.ams_headers.len(),
                m.as_headers.len(),
            );
        }
        Ok(analysed)
    }));
    match outcome {
        Ok(r) => r,
        Err(p) => Err(format!(
            "panic: {}",
            p.downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default()
        )),
    }
}

/// The input of execution `n`: a seed mutated one to eight times.
fn input_for(n: u64, seeds: &[Vec<u8>]) -> (Vec<u8>, Vec<u8>) {
    let mut rng = Rng::new(n);
    let mut input = rng.pick(seeds).clone();
    let other = rng.pick(seeds).clone();
    for _ in 0..1 + rng.below(8) {
        mutate(&mut rng, &mut input, &other);
    }
    let rec = record(&mut rng, &input);
    (input, rec)
}

/// What a run did.
struct Run {
    executions: u64,
    analysed: u64,
    slowest: Duration,
    slowest_execution: u64,
    problems: Vec<Problem>,
    elapsed: Duration,
}

fn run(first: u64, executions: u64, threads: usize) -> Run {
    let seeds = seeds();
    assert!(seeds.len() >= 20, "too few seeds: {}", seeds.len());
    let opts = Options::default();
    let next = AtomicU64::new(first);
    let end = first + executions;
    let analysed = AtomicUsize::new(0);
    let slowest = Mutex::new((Duration::ZERO, 0u64));
    let problems = Mutex::new(Vec::new());
    let started = Instant::now();
    // Panics are caught and counted; their default message would flood the output.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= end {
                    break;
                }
                let (input, rec) = input_for(n, &seeds);
                let t = Instant::now();
                // Every eighth input also goes through the text report, a JSON round trip
                // of the whole report, and the paste repair.
                let result = feed(&input, &rec, &opts, n.is_multiple_of(8));
                let took = t.elapsed();
                {
                    let mut s = slowest.lock().unwrap();
                    if took > s.0 {
                        *s = (took, n);
                    }
                }
                let problem = match result {
                    Ok(k) => {
                        analysed.fetch_add(k, Ordering::Relaxed);
                        (took > time_bound()).then(|| format!("took {took:?}"))
                    }
                    Err(e) => Some(e),
                };
                if let Some(what) = problem {
                    problems
                        .lock()
                        .unwrap()
                        .push(Problem { execution: n, what });
                }
            });
        }
    });
    std::panic::set_hook(hook);
    let (slowest, slowest_execution) = *slowest.lock().unwrap();
    Run {
        executions,
        analysed: analysed.into_inner() as u64,
        slowest,
        slowest_execution,
        problems: problems.into_inner().unwrap(),
        elapsed: started.elapsed(),
    }
}

fn report(run: &Run) {
    println!(
        "fuzz: {} executions, {} messages analysed, {} problems, slowest input {:?} (execution {}), {:.1} s, {:.0} executions/s",
        run.executions,
        run.analysed,
        run.problems.len(),
        run.slowest,
        run.slowest_execution,
        run.elapsed.as_secs_f64(),
        run.executions as f64 / run.elapsed.as_secs_f64().max(1e-9)
    );
    for p in run.problems.iter().take(20) {
        println!("  execution {}: {}", p.execution, p.what);
    }
}

/// Reproduces one execution: `MAILSLEUTH_FUZZ_SHOW=N` writes its input to the target
/// directory (never anywhere else) so it can be opened with `mailsleuth check`.
#[test]
#[ignore = "a tool: set MAILSLEUTH_FUZZ_SHOW=N to write execution N's input"]
fn fuzz_show() {
    let n: u64 = std::env::var("MAILSLEUTH_FUZZ_SHOW")
        .ok()
        .and_then(|v| v.parse().ok())
        .expect("MAILSLEUTH_FUZZ_SHOW=N");
    let (input, rec) = input_for(n, &seeds());
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fuzz-{n}.eml"));
    std::fs::write(&out, &input).unwrap();
    println!("{}", out.display());
    let opts = Options::default();
    let t = Instant::now();
    let found: Vec<_> = load::open_bytes(input.clone(), load::DEFAULT_MAX_SIZE).collect();
    println!("load: {:?}", t.elapsed());
    let t = Instant::now();
    let mut entries = Vec::new();
    for f in found {
        entries.extend(intake::analyse(f, &opts));
    }
    println!("analyse: {:?}", t.elapsed());
    for e in entries {
        let checked = Checked {
            path: "fuzz".into(),
            group: 0,
            result: e.result.map_err(Into::into),
        };
        let t = Instant::now();
        let line = json::to_line(&checked);
        println!("json: {:?} ({} bytes)", t.elapsed(), line.len());
        let t = Instant::now();
        let _ = text::render(&checked, text::Style::default());
        println!("text: {:?}", t.elapsed());
        if let Ok(r) = &checked.result {
            let t = Instant::now();
            let once = serde_json::to_string(r).unwrap();
            let _back: Report = serde_json::from_str(&once).unwrap();
            println!("round trip: {:?}", t.elapsed());
        }
    }
    let t = Instant::now();
    let pasted = load::paste::repair(&String::from_utf8_lossy(&input));
    println!("paste repair: {:?}", t.elapsed());
    let t = Instant::now();
    let _ = mailsleuth::analysis::analyze(&pasted, &opts);
    println!("analyse pasted: {:?}", t.elapsed());
    let t = Instant::now();
    let _ = mail_auth::AuthenticatedMessage::parse(&input);
    println!("mail-auth message: {:?}", t.elapsed());
    let t = Instant::now();
    let _ = mail_auth::spf::Spf::parse(&rec);
    let _ = mail_auth::dmarc::Dmarc::parse(&rec);
    let _ = mail_auth::common::verify::DomainKey::parse(&rec);
    println!("mail-auth records: {:?}", t.elapsed());
}

/// The short run, part of every `cargo test`: a few hundred deterministic executions.
#[test]
fn fuzz_short() {
    let executions = std::env::var("MAILSLEUTH_FUZZ_SHORT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if cfg!(debug_assertions) { 500 } else { 5_000 });
    let run = run(0, executions, 2);
    report(&run);
    assert!(
        run.analysed > executions / 4,
        "most inputs should still be mail"
    );
    assert!(run.problems.is_empty(), "{:?}", run.problems);
}

/// The long run: `MAILSLEUTH_FUZZ_EXECS` executions (2,000,000 by default) on every core,
/// starting after the short run's inputs.
#[test]
#[ignore = "long: cargo test --release --test fuzz -- --ignored --nocapture fuzz_long"]
fn fuzz_long() {
    let executions = std::env::var("MAILSLEUTH_FUZZ_EXECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000_000);
    let threads = std::thread::available_parallelism().map_or(2, usize::from);
    let run = run(1_000_000_000, executions, threads);
    report(&run);
    assert!(run.problems.is_empty(), "{:?}", run.problems);
}
