//! Helpers shared by the test suites: the loopback DNS server, generated signing keys,
//! message builders, the corpus location and a file dropped on the window.
#![allow(dead_code)]

pub mod dns;
pub mod vectors;

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use mail_auth::common::crypto::{Ed25519Key, RsaKey, Sha256};
use mail_auth::common::headers::HeaderWriter;
use mail_auth::dkim::DkimSigner;
use mailsleuth::analysis::{analyze, LiveAuth, Options, Report};
use mailsleuth::live::{verify_blocking, LiveOptions};
use rustls_pki_types::{PrivateKeyDer, PrivatePkcs1KeyDer};

use dns::DnsServer;

/// The shared corpus: `MAILSLEUTH_CORPUS`, else `../shared/corpus` beside the project.
pub fn corpus() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("MAILSLEUTH_CORPUS").map(PathBuf::from),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")),
    ];
    candidates.into_iter().flatten().find(|p| p.is_dir())
}

/// Every file below `dir`, in name order, subfolders included.
pub fn files_under(dir: &std::path::Path) -> Vec<PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<PathBuf> = rd.filter_map(Result::ok).map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p.is_file() {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out
}

/// Standard base64 with padding (for publishing public keys in TXT records).
pub fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ABC[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Key pairs generated once per test run.
pub struct Keys {
    rsa_pkcs1: Vec<u8>,
    ed_pkcs8: Vec<u8>,
    /// `v=DKIM1; k=rsa; p=…` for the RSA key.
    pub rsa_record: String,
    /// `v=DKIM1; k=ed25519; p=…` for the ed25519 key.
    pub ed_record: String,
}

impl Keys {
    pub fn rsa(&self) -> RsaKey<Sha256> {
        RsaKey::<Sha256>::from_key_der(PrivateKeyDer::Pkcs1(PrivatePkcs1KeyDer::from(
            self.rsa_pkcs1.clone(),
        )))
        .expect("rsa key")
    }
    pub fn ed(&self) -> Ed25519Key {
        Ed25519Key::from_pkcs8_der(&self.ed_pkcs8).expect("ed25519 key")
    }
}

/// The test run's keys (RSA 2048 and ed25519), generated on first use.
pub fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| {
        use rsa::pkcs1::EncodeRsaPrivateKey;
        let private =
            rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("generate rsa");
        let rsa_pkcs1 = private.to_pkcs1_der().expect("rsa der").as_bytes().to_vec();
        let ed_pkcs8 = Ed25519Key::generate_pkcs8().expect("generate ed25519");
        let mut keys = Keys {
            rsa_pkcs1,
            ed_pkcs8,
            rsa_record: String::new(),
            ed_record: String::new(),
        };
        keys.rsa_record = format!("v=DKIM1; k=rsa; p={}", base64(&keys.rsa().public_key()));
        keys.ed_record = format!("v=DKIM1; k=ed25519; p={}", base64(&keys.ed().public_key()));
        keys
    })
}

pub const SIGNED_HEADERS: [&str; 5] = ["From", "To", "Subject", "Date", "Message-ID"];

/// Prepends an RSA DKIM-Signature for `domain`/`selector`.
pub fn sign_rsa(message: &str, domain: &str, selector: &str, expire_in: Option<u64>) -> String {
    let mut signer = DkimSigner::from_key(keys().rsa())
        .domain(domain)
        .selector(selector)
        .headers(SIGNED_HEADERS);
    if let Some(x) = expire_in {
        signer = signer.expiration(x);
    }
    let sig = signer.sign(message.as_bytes()).expect("sign rsa");
    sig.to_header() + message
}

/// Prepends an ed25519 DKIM-Signature for `domain`/`selector`.
pub fn sign_ed(message: &str, domain: &str, selector: &str) -> String {
    let sig = DkimSigner::from_key(keys().ed())
        .domain(domain)
        .selector(selector)
        .headers(SIGNED_HEADERS)
        .sign(message.as_bytes())
        .expect("sign ed25519");
    sig.to_header() + message
}

/// A plain message as the sender wrote it (CRLF line ends).
pub fn message(from: &str, to: &str, subject: &str, body: &str) -> String {
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\nMessage-ID: <{}@test.invalid>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
        subject.len()
    )
}

/// The Unix time now.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// What the receiving side adds on delivery: Return-Path (envelope sender), optionally
/// its own Authentication-Results, and the Received line naming the connecting server.
pub fn deliver(
    signed: &str,
    envelope_from: &str,
    helo: &str,
    ip: &str,
    at: i64,
    auth_results: Option<&str>,
) -> String {
    let date = mail_parser::DateTime::from_timestamp(at).to_rfc822();
    let ar = auth_results
        .map(|r| format!("Authentication-Results: mx.receiver.test; {r}\r\n"))
        .unwrap_or_default();
    format!(
        "Return-Path: <{envelope_from}>\r\n{ar}Received: from {helo} ({helo} [{ip}])\r\n\tby mx.receiver.test with ESMTPS id 4Zq1; {date}\r\n{signed}"
    )
}

/// Live options pointing at `server`, a laboratory server: the test world lives under
/// `.test` (and the published test vectors under `example.com`/`.org`), names RFC 6761
/// reserves for exactly this, so they are asked about here. The app never asks about them.
pub fn options(server: &DnsServer) -> LiveOptions {
    LiveOptions {
        dns: Some(server.addr()),
        lookup_timeout: Duration::from_secs(2),
        total_timeout: Duration::from_secs(8),
        ask_reserved: true,
        ..LiveOptions::default()
    }
}

/// Analyses `raw` and re-verifies it against `server`.
pub fn check(raw: &str, server: &DnsServer) -> (Report, LiveAuth) {
    let report = analyze(raw.as_bytes(), &Options::default()).expect("analyse");
    let live = verify_blocking(raw.as_bytes(), &report, &options(server));
    (report, live)
}

/// A file dropped on the window in UI tests: a path (which may not exist) and, optionally,
/// its bytes.
#[derive(Debug)]
pub struct TestDrop {
    pub path: PathBuf,
    pub bytes: Option<Vec<u8>>,
}

impl egui::DroppedFile for TestDrop {
    fn path(&self) -> &std::path::Path {
        &self.path
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        match &self.bytes {
            Some(b) => Ok(b.clone()),
            None => std::fs::read(&self.path).map_err(|e| e.to_string()),
        }
    }
}

/// Steps the app until its background work is done (bounded at 30 s), then lets it settle.
pub fn wait_for_results(
    harness: &mut egui_kittest::Harness<'static, mailsleuth::gui::MailsleuthApp>,
) {
    let start = std::time::Instant::now();
    while harness.state().is_busy() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "background analysis did not finish in 30 s"
        );
        harness.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    harness.run_steps(4);
}
