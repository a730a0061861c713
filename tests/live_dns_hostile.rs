//! Live verification against a hostile DNS server: huge answers, floods of lookups, loops,
//! absurd keys, malformed records, and servers that answer slowly, wrongly or not at all.
//! Every check must come back within its time bound, ask DNS a bounded number of questions,
//! and give the affected method a result that is not a pass and says why; never a panic.

mod support;

use std::time::{Duration, Instant};

use mailsleuth::analysis::{analyze, AuthOutcome, AuthSource, AuthValue, LiveAuth, Options};
use mailsleuth::live::{verify_blocking, LiveOptions};
use support::dns::{DnsServer, Zone};
use support::{base64, deliver, keys, message, now, sign_rsa};

const SENDER_IP: &str = "192.0.2.10";

/// Each lookup's timeout in these tests.
const LOOKUP: Duration = Duration::from_millis(500);
/// The bound on one message's verification.
const TOTAL: Duration = Duration::from_secs(2);
/// What a test accepts: the bound plus generous slack for a loaded machine.
const BOUND: Duration = Duration::from_secs(4);

/// RFC 7208 4.6.4: one SPF evaluation asks for its record, then at most 10 more names.
const SPF_EVALUATION: usize = 1 + 10;
/// The questions one message can cause when only its SPF record misbehaves: the HELO name
/// and the envelope sender are evaluated separately (each within the RFC 7208 limit), and
/// DMARC asks for the From domain's record and its organisational domain's.
const SPF_MESSAGE: usize = 2 * SPF_EVALUATION + 2;
/// The questions a signed message asks when its SPF record passes and only its key
/// misbehaves: the key, the HELO name, the sender's SPF record, the DMARC record.
const KEY_MESSAGE: usize = 4;
/// How many times the resolver sends one question over UDP within one lookup when no
/// answer comes: once, then up to 3 retransmissions (hickory's UDP client, at least
/// 333 ms apart).
const UDP_SENDS: usize = 4;

/// A domain that signs with the test RSA key (selector `rsa1`), lists the sending IP in
/// SPF and publishes DMARC p=reject: everything passes until a test breaks one record.
fn world(domain: &str) -> Zone {
    let mut z = Zone::default();
    z.txt(&format!("rsa1._domainkey.{domain}"), &keys().rsa_record)
        .txt(domain, &format!("v=spf1 ip4:{SENDER_IP} -all"))
        .txt(&format!("_dmarc.{domain}"), "v=DMARC1; p=reject");
    z
}

/// What one verification gave, how long it took and what the server was asked.
struct Checked {
    live: LiveAuth,
    took: Duration,
    queries: usize,
    tcp: usize,
    log: Vec<String>,
}

impl Checked {
    /// Everything, for assertion messages.
    fn text(&self) -> String {
        format!(
            "took {:?}, {} queries ({} over TCP): {:?}\n{}",
            self.took,
            self.queries,
            self.tcp,
            self.log,
            serde_json::to_string_pretty(&self.live).unwrap_or_default()
        )
    }

    /// Questions asked: every query, less the TCP retries of answers that came back
    /// truncated over UDP (the same question asked again).
    fn questions(&self) -> usize {
        self.queries - self.tcp
    }

    /// Asserts the time bound, that the server was asked at most `max` questions and that
    /// only truncated answers were asked again over TCP.
    fn bounded(&self, name: &str, max: usize) {
        println!(
            "{name}: {:?}, {} questions (+{} again over TCP), bound {max}",
            self.took,
            self.questions(),
            self.tcp
        );
        assert!(self.took < BOUND, "{name}: {}", self.text());
        assert!(self.questions() <= max, "{name}: {}", self.text());
        assert!(self.tcp <= self.questions(), "{name}: {}", self.text());
    }
}

/// A message from alice@`domain`, signed by `domain` when `signed`, delivered from
/// SENDER_IP with the HELO name mail.`domain` and the envelope sender `envelope`.
fn raw_message(domain: &str, envelope: &str, signed: bool) -> String {
    let body = message(
        &format!("Alice <alice@{domain}>"),
        "bob@receiver.test",
        "Invoice",
        "Please pay today",
    );
    let body = if signed {
        sign_rsa(&body, domain, "rsa1", None)
    } else {
        body
    };
    deliver(
        &body,
        envelope,
        &format!("mail.{domain}"),
        SENDER_IP,
        now(),
        None,
    )
}

/// Re-verifies `raw` against `server` with short timeouts, timing it.
fn verify_raw(server: &DnsServer, raw: &str) -> Checked {
    let report = analyze(raw.as_bytes(), &Options::default()).expect("analyse");
    let opts = LiveOptions {
        dns: Some(server.addr()),
        lookup_timeout: LOOKUP,
        total_timeout: TOTAL,
        ask_reserved: true,
        ..LiveOptions::default()
    };
    let started = Instant::now();
    let live = verify_blocking(raw.as_bytes(), &report, &opts);
    let took = started.elapsed();
    Checked {
        live,
        took,
        queries: server.queries(),
        tcp: server.tcp_queries(),
        log: server.log(),
    }
}

/// Serves `zone` and re-verifies a message from `domain` (signed when `signed`).
fn verify(zone: Zone, domain: &str, signed: bool) -> Checked {
    let server = DnsServer::start(zone);
    verify_raw(
        &server,
        &raw_message(domain, &format!("alice@{domain}"), signed),
    )
}

/// Asserts `o` is a live result other than a pass whose words contain one of `words`.
fn refused(o: &AuthOutcome, allowed: &[AuthValue], words: &[&str], c: &Checked) {
    assert_eq!(o.source, AuthSource::Live, "{}", c.text());
    assert!(allowed.contains(&o.result), "{:?}: {}", o.result, c.text());
    assert!(
        !matches!(o.result, AuthValue::Pass | AuthValue::BestGuessPass),
        "{}",
        c.text()
    );
    let detail = o.detail.as_deref().unwrap_or_default();
    assert!(
        words.iter().any(|w| detail.contains(w)),
        "{detail:?} says none of {words:?}: {}",
        c.text()
    );
}

/// The one signature's result, which the message-level DKIM result must not better.
fn only_signature(c: &Checked) -> AuthOutcome {
    assert_eq!(c.live.dkim_signatures.len(), 1, "{}", c.text());
    let sig = &c.live.dkim_signatures[0];
    assert_eq!(sig.result, c.live.dkim.result, "{}", c.text());
    AuthOutcome {
        result: sig.result,
        source: AuthSource::Live,
        domain: Some(sig.domain.clone()),
        detail: sig.detail.clone(),
        header_index: None,
    }
}

/// Deterministic filler bytes (xorshift), so big records need no randomness.
fn filler(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x.to_be_bytes()[0]
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// 1. Huge answers

/// An SPF record of about 61 KB (240 strings of 255 bytes: the most a DNS message can
/// carry) arrives truncated over UDP, is fetched again over TCP and is judged on what it
/// says: it does not list the sending IP, so SPF fails. Bound: the SPF message bound.
#[test]
fn a_sixty_kilobyte_spf_record_is_fetched_over_tcp_and_judged() {
    let mut record = String::from("v=spf1");
    let mut i = 0u32;
    while record.len() < 61_000 {
        record.push_str(&format!(" ip4:198.18.{}.{}/32", (i / 250) % 250, i % 250));
        i += 1;
    }
    record.push_str(" -all");
    let mut z = world("huge-spf.test");
    z.set_txt("huge-spf.test", &record);
    let c = verify(z, "huge-spf.test", false);
    c.bounded("sixty-kilobyte SPF record", SPF_MESSAGE);
    assert!(c.tcp >= 1, "{}", c.text());
    refused(
        &c.live.spf,
        &[AuthValue::Fail],
        &["is not allowed to send"],
        &c,
    );
    assert_eq!(c.live.dmarc.result, AuthValue::Fail, "{}", c.text());
}

/// 402 TXT records at the SPF name (about 35 KB, over TCP), two of them SPF
/// records, one of which would pass: RFC 7208 4.5 makes that a permanent error, never a
/// pass. Bound: the SPF message bound.
#[test]
fn hundreds_of_txt_records_with_two_spf_records_are_a_permanent_error() {
    let mut z = world("crowd.test");
    z.set_txt("crowd.test", "v=spf1 +all");
    for n in 0..400 {
        z.txt(
            "crowd.test",
            &format!("site-verification-{n}={}", base64(&filler(48, n))),
        );
    }
    z.txt("crowd.test", "v=spf1 -all");
    let c = verify(z, "crowd.test", false);
    c.bounded("hundreds of TXT records", SPF_MESSAGE);
    assert!(c.tcp >= 1, "{}", c.text());
    refused(
        &c.live.spf,
        &[AuthValue::PermError],
        &["publishes 2 SPF records"],
        &c,
    );
    assert_ne!(c.live.dmarc.result, AuthValue::Pass, "{}", c.text());
}

/// A DKIM key record of about 61 KB (a `p=` of 45 KB of bytes that are no key) arrives
/// over TCP; the signature cannot be judged against it and is not a pass. Bound: the
/// questions of a signed message whose key misbehaves.
#[test]
fn a_sixty_kilobyte_dkim_key_record_is_not_a_pass() {
    let mut z = world("huge-key.test");
    let record = format!("v=DKIM1; k=rsa; p={}", base64(&filler(45_500, 7)));
    assert!(record.len() > 60_000);
    z.set_txt("rsa1._domainkey.huge-key.test", &record);
    let c = verify(z, "huge-key.test", true);
    c.bounded("sixty-kilobyte DKIM key", KEY_MESSAGE);
    assert!(c.tcp >= 1, "{}", c.text());
    refused(
        &only_signature(&c),
        &[AuthValue::PermError, AuthValue::Fail],
        &["cannot be used", "does not match"],
        &c,
    );
    assert_eq!(c.live.spf.result, AuthValue::Pass, "{}", c.text());
}

/// 250 DKIM key records at one name (about 57 KB, over TCP), none of them the signer's
/// key: the signature does not pass. Bound: as for one huge key record.
#[test]
fn hundreds_of_dkim_key_records_are_not_a_pass() {
    let mut z = world("keys.test");
    z.remove("rsa1._domainkey.keys.test");
    for n in 0..250 {
        z.txt(
            "rsa1._domainkey.keys.test",
            &format!("v=DKIM1; k=rsa; p={}", base64(&filler(120, n + 1))),
        );
    }
    let c = verify(z, "keys.test", true);
    c.bounded("hundreds of DKIM key records", KEY_MESSAGE);
    assert!(c.tcp >= 1, "{}", c.text());
    refused(
        &only_signature(&c),
        &[AuthValue::PermError, AuthValue::Fail],
        &["cannot be used", "does not match", "No key is published"],
        &c,
    );
}

// ---------------------------------------------------------------------------------------
// 2. Floods of lookups

/// One SPF record naming as many distinct includes as a DNS message can carry (about
/// 3,100, 61 KB), each of which exists and matches nothing: RFC 7208's 10-lookup limit
/// stops the evaluation with a permanent error. Bound: the SPF message bound.
#[test]
fn thousands_of_includes_in_one_record_stop_at_ten_lookups() {
    let mut z = world("wide.test");
    let mut record = String::from("v=spf1");
    let mut n = 0;
    while record.len() < 61_000 {
        record.push_str(&format!(" include:{n}.w.test"));
        z.txt(&format!("{n}.w.test"), "v=spf1 ?all");
        n += 1;
    }
    record.push_str(" -all");
    z.set_txt("wide.test", &record);
    let c = verify(z, "wide.test", false);
    c.bounded(&format!("{n} includes in one record"), SPF_MESSAGE);
    refused(
        &c.live.spf,
        &[AuthValue::PermError],
        &["more than 10 lookups"],
        &c,
    );
}

/// 10,000 include mechanisms spread over 101 records (a record including 100 records
/// that include 100 each, 10,100 names): the evaluation stops after 10 lookups.
/// Bound: the SPF message bound.
#[test]
fn a_tree_of_ten_thousand_includes_stops_at_ten_lookups() {
    let mut z = world("tree.test");
    let top: Vec<String> = (0..100)
        .map(|i| format!("include:t{i}.tree.test"))
        .collect();
    z.set_txt("tree.test", &format!("v=spf1 {} -all", top.join(" ")));
    for i in 0..100 {
        let leaves: Vec<String> = (0..100)
            .map(|j| format!("include:l{j}.t{i}.tree.test"))
            .collect();
        z.txt(
            &format!("t{i}.tree.test"),
            &format!("v=spf1 {} ?all", leaves.join(" ")),
        );
        for j in 0..100 {
            z.txt(&format!("l{j}.t{i}.tree.test"), "v=spf1 ?all");
        }
    }
    let c = verify(z, "tree.test", false);
    c.bounded("tree of 10,000 includes", SPF_MESSAGE);
    refused(
        &c.live.spf,
        &[AuthValue::PermError],
        &["more than 10 lookups"],
        &c,
    );
}

/// A chain of includes 10,000 deep (each record includes the next): the evaluation stops
/// after 10 lookups, so the server sees a handful of questions, not 10,000.
/// Bound: the SPF message bound.
#[test]
fn a_chain_of_ten_thousand_includes_stops_at_ten_lookups() {
    let mut z = world("deep.test");
    z.set_txt("deep.test", "v=spf1 include:c0.deep.test -all");
    for i in 0..10_000 {
        z.txt(
            &format!("c{i}.deep.test"),
            &format!("v=spf1 include:c{}.deep.test -all", i + 1),
        );
    }
    let c = verify(z, "deep.test", false);
    c.bounded("chain of 10,000 includes", SPF_MESSAGE);
    refused(
        &c.live.spf,
        &[AuthValue::PermError],
        &["more than 10 lookups"],
        &c,
    );
}

// ---------------------------------------------------------------------------------------
// 3. Loops

/// Two records that include each other: RFC 7208's lookup limit ends the loop with a
/// permanent error, and each record is asked for once (the answers are kept for the
/// length of the check). Bound: the SPF message bound.
#[test]
fn an_spf_include_loop_is_a_permanent_error() {
    let mut z = world("ping.test");
    z.set_txt("ping.test", "v=spf1 include:pong.test -all")
        .txt("pong.test", "v=spf1 include:ping.test -all");
    let c = verify(z, "ping.test", false);
    c.bounded("include loop", SPF_MESSAGE);
    refused(
        &c.live.spf,
        &[AuthValue::PermError],
        &["more than 10 lookups"],
        &c,
    );
    for name in ["ping.test. TXT", "pong.test. TXT"] {
        let asked = c.log.iter().filter(|q| *q == name).count();
        assert_eq!(asked, 1, "{name}: {}", c.text());
    }
}

/// Two records that redirect to each other: a permanent error, as for an include loop.
/// Bound: the SPF message bound.
#[test]
fn an_spf_redirect_loop_is_a_permanent_error() {
    let mut z = world("there.test");
    z.set_txt("there.test", "v=spf1 redirect=back.test")
        .txt("back.test", "v=spf1 redirect=there.test");
    let c = verify(z, "there.test", false);
    c.bounded("redirect loop", SPF_MESSAGE);
    refused(
        &c.live.spf,
        &[AuthValue::PermError],
        &["more than 10 lookups"],
        &c,
    );
}

/// The resolver follows a CNAME chain at most 8 questions deep (hickory's limit), so a
/// loop costs a bounded number of questions.
const CNAME_CHAIN: usize = 8;

/// The DKIM key name is an alias of an alias of itself: the key is never found, so the
/// signature is not a pass and says no key could be had. Bound: a signed message's
/// questions, the key's being a CNAME chain.
#[test]
fn a_cname_loop_at_the_dkim_key_is_not_a_pass() {
    let mut z = world("alias-key.test");
    z.remove("rsa1._domainkey.alias-key.test")
        .cname("rsa1._domainkey.alias-key.test", "k.alias-key.test")
        .cname("k.alias-key.test", "rsa1._domainkey.alias-key.test");
    let c = verify(z, "alias-key.test", true);
    c.bounded("CNAME loop at the DKIM key", KEY_MESSAGE - 1 + CNAME_CHAIN);
    refused(
        &only_signature(&c),
        &[AuthValue::PermError, AuthValue::TempError],
        &["No key is published", "Could not check now"],
        &c,
    );
    assert_eq!(c.live.grounds.dkim, mailsleuth::analysis::Grounds::NoAnswer);
}

/// `_dmarc` is an alias of an alias of itself, and the message has no aligned pass: no
/// policy is found and DMARC is not a pass. Bound: the unsigned message's questions, the
/// DMARC record's being a CNAME chain.
#[test]
fn a_cname_loop_at_dmarc_is_not_a_pass() {
    let mut z = world("alias-dmarc.test");
    z.remove("_dmarc.alias-dmarc.test")
        .cname("_dmarc.alias-dmarc.test", "p.alias-dmarc.test")
        .cname("p.alias-dmarc.test", "_dmarc.alias-dmarc.test")
        .set_txt("alias-dmarc.test", "v=spf1 -all");
    let c = verify(z, "alias-dmarc.test", false);
    c.bounded("CNAME loop at _dmarc", 2 + CNAME_CHAIN);
    refused(
        &c.live.dmarc,
        &[AuthValue::None, AuthValue::TempError],
        &["publishes no DMARC policy", "Could not check now"],
        &c,
    );
}

// ---------------------------------------------------------------------------------------
// 4. Absurd keys

/// DER: `tag`, its length, `content`.
fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(u8::try_from(len).unwrap_or(0));
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | u8::try_from(bytes.len()).unwrap_or(0));
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

/// A well-formed SubjectPublicKeyInfo for an RSA key with a `bits`-bit modulus (odd,
/// top bit set, otherwise filler) and exponent 65537: no real key, but parses as one.
fn rsa_spki(bits: usize) -> Vec<u8> {
    let mut modulus = filler(bits / 8, 99);
    modulus[0] |= 0x80;
    if let Some(last) = modulus.last_mut() {
        *last |= 1;
    }
    let mut n = vec![0u8];
    n.extend(modulus);
    let key = der(0x30, &[der(0x02, &n), der(0x02, &[1, 0, 1])].concat());
    let rsa_encryption = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    let algorithm = der(
        0x30,
        &[der(0x06, &rsa_encryption), vec![0x05, 0x00]].concat(),
    );
    let mut bit_string = vec![0u8];
    bit_string.extend(key);
    der(0x30, &[algorithm, der(0x03, &bit_string)].concat())
}

/// A key of 16,384 bits, larger than any verifier accepts, is refused at once with a
/// reason: not a pass. The same construction at 2,048 bits is accepted as a key, and the
/// signature then does not match it, so the refusal is about the size.
/// Bound: a signed message's questions.
#[test]
fn a_sixteen_thousand_bit_key_is_refused_quickly() {
    for (bits, words) in [(16_384, "modulus too large"), (2_048, "does not match")] {
        let mut z = world("big-key.test");
        z.set_txt(
            "rsa1._domainkey.big-key.test",
            &format!("v=DKIM1; k=rsa; p={}", base64(&rsa_spki(bits))),
        );
        let c = verify(z, "big-key.test", true);
        c.bounded(&format!("{bits}-bit key"), KEY_MESSAGE);
        refused(
            &only_signature(&c),
            &[AuthValue::PermError, AuthValue::Fail],
            &[words],
            &c,
        );
    }
}

/// `p=` that is not base64 at all: no usable key, so no pass, and the words say no key
/// could be had. Bound: a signed message's questions.
#[test]
fn a_key_that_is_not_base64_is_not_a_pass() {
    let mut z = world("junk-key.test");
    z.set_txt(
        "rsa1._domainkey.junk-key.test",
        "v=DKIM1; k=rsa; p=!!!this*is(not)base64~~~",
    );
    let c = verify(z, "junk-key.test", true);
    c.bounded("key not in base64", KEY_MESSAGE);
    refused(
        &only_signature(&c),
        &[AuthValue::PermError, AuthValue::Fail],
        &["No key is published", "cannot be used", "malformed"],
        &c,
    );
}

/// A TXT record holding `text` at `owner`, cut into 255-byte strings (any bytes).
fn raw_txt(z: &mut Zone, owner: &str, text: &[u8]) {
    let strings: Vec<Vec<u8>> = text.chunks(255).map(<[u8]>::to_vec).collect();
    z.txt_strings(owner, &strings);
}

/// The signer's real public key, as published after `p=`.
fn real_p() -> String {
    let record = &keys().rsa_record;
    record
        .split_once("p=")
        .map(|(_, p)| p.to_string())
        .unwrap_or_default()
}

/// About 60 KB of well-formed tags no verifier knows (RFC 6376 3.6.1 says to ignore
/// them).
fn padding_tags() -> String {
    let mut tags = String::new();
    let mut i = 0;
    while tags.len() < 60_000 {
        tags.push_str(&format!("x{i}=filler{i}; "));
        i += 1;
    }
    tags
}

/// A key record carrying the signer's real key among 60 KB of tags (about the most one
/// DNS message can carry; 100 KB cannot be served at all): unknown tags are
/// ignored, so the signature passes (over TCP) and the record's size is not what makes
/// the next test fail. With `p=` given twice (another key first, the real key last, where
/// a lenient reader takes the last), the tag list is invalid (RFC 6376 3.2: a tag given
/// twice invalidates the whole list), so there is no key and no pass.
/// Bound: a signed message's questions.
#[test]
fn sixty_kilobytes_of_tags_pass_only_when_the_tag_list_is_valid() {
    let tags = padding_tags();
    let other = base64(&rsa_spki(2048));
    let cases = [
        (format!("v=DKIM1; k=rsa; {tags}p={}", real_p()), true),
        (
            format!("v=DKIM1; k=rsa; p={other}; {tags}p={}", real_p()),
            false,
        ),
    ];
    for (record, valid) in cases {
        let mut z = world("tags.test");
        z.remove("rsa1._domainkey.tags.test");
        raw_txt(&mut z, "rsa1._domainkey.tags.test", record.as_bytes());
        let c = verify(z, "tags.test", true);
        c.bounded(&format!("60 KB of tags, valid={valid}"), KEY_MESSAGE);
        assert!(c.tcp >= 1, "{}", c.text());
        let sig = only_signature(&c);
        if valid {
            assert_eq!(sig.result, AuthValue::Pass, "{}", c.text());
        } else {
            refused(
                &sig,
                &[AuthValue::PermError],
                &["the tag p= appears twice"],
                &c,
            );
        }
    }
}

/// Key records with NUL bytes or bytes that are not UTF-8, in the key itself or in tag
/// names around the real key: none of them is a valid tag list, so none gives a pass,
/// and each says why. Bound: a signed message's questions.
#[test]
fn key_records_with_nul_bytes_or_invalid_utf8_are_not_a_pass() {
    let p = real_p();
    let (head, tail) = p.split_at(100);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "NUL inside p=",
            format!("v=DKIM1; k=rsa; p={head}\0{tail}").into_bytes(),
        ),
        (
            "NUL before a tag",
            format!("v=DKIM1;\0\0 k=rsa; p={p}").into_bytes(),
        ),
        (
            "invalid UTF-8 tag",
            [b"v=DKIM1; \xff\xfe=\xc3; k=rsa; p=", p.as_bytes()].concat(),
        ),
        (
            "invalid UTF-8 in a name",
            [b"v=DKIM1; k\xff=rsa; p=", p.as_bytes()].concat(),
        ),
    ];
    for (name, record) in cases {
        let mut z = world("bytes.test");
        z.remove("rsa1._domainkey.bytes.test");
        raw_txt(&mut z, "rsa1._domainkey.bytes.test", &record);
        let c = verify(z, "bytes.test", true);
        c.bounded(name, KEY_MESSAGE);
        refused(
            &only_signature(&c),
            &[AuthValue::PermError],
            &[
                "No key is published",
                "is not a valid tag name",
                "malformed",
            ],
            &c,
        );
    }
}

/// A message as the list server of `lists` forwards it: sealed with ARC (selector `arc`).
fn sealed_by(lists: &str, original: &str) -> String {
    use mail_auth::arc::ArcSealer;
    use mail_auth::common::headers::HeaderWriter;
    use mail_auth::{ArcOutput, AuthenticatedMessage, AuthenticationResults};
    let msg = AuthenticatedMessage::parse(original.as_bytes()).expect("parse");
    let results = AuthenticationResults::new(lists);
    let set = ArcSealer::from_key(keys().rsa())
        .domain(lists)
        .selector("arc")
        .headers(["From", "To", "Subject"])
        .seal(&msg, &results, &ArcOutput::default())
        .expect("seal");
    set.to_header() + original
}

/// The ARC chain's sealing key is published with `p=` twice (another key first, the real
/// one last, where a lenient reader takes the last): there is no valid key, so the chain
/// is not a pass; with the record written once, the same chain passes.
/// Bound: a signed message's questions and the sealing key's.
#[test]
fn an_arc_sealing_key_with_a_tag_given_twice_is_not_a_pass() {
    let other = base64(&rsa_spki(2048));
    for (record, valid) in [
        (format!("v=DKIM1; k=rsa; p={}", real_p()), true),
        (format!("v=DKIM1; k=rsa; p={other}; p={}", real_p()), false),
    ] {
        let mut z = world("seal.test");
        raw_txt(&mut z, "arc._domainkey.lists.seal.test", record.as_bytes());
        let server = DnsServer::start(z);
        let body = message(
            "Alice <alice@seal.test>",
            "team@lists.seal.test",
            "Agenda",
            "Monday",
        );
        let sealed = sealed_by(
            "lists.seal.test",
            &sign_rsa(&body, "seal.test", "rsa1", None),
        );
        let raw = deliver(
            &sealed,
            "alice@seal.test",
            "mail.seal.test",
            SENDER_IP,
            now(),
            None,
        );
        let c = verify_raw(&server, &raw);
        c.bounded(&format!("ARC key, valid={valid}"), KEY_MESSAGE + 1);
        if valid {
            assert_eq!(c.live.arc.result, AuthValue::Pass, "{}", c.text());
        } else {
            refused(
                &c.live.arc,
                &[AuthValue::Fail],
                &["the tag p= appears twice"],
                &c,
            );
            assert_eq!(c.live.grounds.arc, mailsleuth::analysis::Grounds::NoAnswer);
        }
    }
}

// ---------------------------------------------------------------------------------------
// 5. Malformed records

/// DMARC records with junk between tags, duplicated tags, or a reporting list of 1,500
/// addresses (about 38 KB, over TCP), for a message nothing aligns for (SPF fails, no
/// signature): DMARC fails or does not apply, and never passes. Bound: the unsigned
/// message's questions (HELO name, SPF record, DMARC record).
#[test]
fn malformed_dmarc_records_never_pass() {
    let mut rua = String::from("mailto:r0@reports.test");
    for i in 1..1500 {
        rua.push_str(&format!(",mailto:r{i}@reports.test"));
    }
    let cases = [
        (
            "junk",
            "v=DMARC1; \u{1}junk junk ;;; = ; p=quarantine; rua".to_string(),
        ),
        (
            "duplicated tags",
            "v=DMARC1; p=none; p=reject; adkim=s; adkim=r; pct=50; pct=abc".to_string(),
        ),
        ("huge rua", format!("v=DMARC1; p=reject; rua={rua}")),
        ("no valid p=", "v=DMARC1; p=bogus".to_string()),
    ];
    for (name, record) in cases {
        let mut z = world("dm.test");
        z.set_txt("_dmarc.dm.test", &record)
            .set_txt("dm.test", "v=spf1 -all");
        let c = verify(z, "dm.test", false);
        c.bounded(name, 3);
        refused(
            &c.live.dmarc,
            &[AuthValue::Fail, AuthValue::None],
            &[
                "says the message is not from it",
                "publishes no DMARC policy",
            ],
            &c,
        );
    }
}

/// Two DMARC records at one name: RFC 7489 6.6.3 says DMARC does not apply then, so even
/// a message that aligns by DKIM and SPF gets no DMARC pass, and the words say why.
/// Bound: a signed message's questions.
#[test]
fn two_dmarc_records_mean_dmarc_does_not_apply() {
    let mut z = world("twice.test");
    z.txt("_dmarc.twice.test", "v=DMARC1; p=none");
    let c = verify(z, "twice.test", true);
    c.bounded("two DMARC records", KEY_MESSAGE);
    assert_eq!(c.live.dkim.result, AuthValue::Pass, "{}", c.text());
    refused(
        &c.live.dmarc,
        &[AuthValue::None],
        &["publishes 2 DMARC records"],
        &c,
    );
    assert_eq!(c.live.dmarc_policy, None, "{}", c.text());
}

/// SPF records whose macros are malformed (`%{` never closed, an unknown letter, a bare
/// `%`) are permanent errors; ones whose expansion blows up (`%{l}` 2,000 times with a
/// 64-character local part: 128 KB) are refused without being asked of DNS (mail-auth
/// reports an unusable name as a temporary error). None passes, though each record lists
/// the sending IP. Bound: the HELO name, the SPF record and the DMARC record.
#[test]
fn spf_macros_that_are_malformed_or_blow_up_never_pass() {
    let long = "a".repeat(64);
    let ip4 = format!("ip4:{SENDER_IP}");
    let cases = [
        (
            format!("v=spf1 exists:%{{l -all {ip4}"),
            AuthValue::PermError,
        ),
        (
            format!("v=spf1 exists:%{{q}}.mac.test {ip4} -all"),
            AuthValue::PermError,
        ),
        (
            format!("v=spf1 a:%z.mac.test {ip4} -all"),
            AuthValue::PermError,
        ),
        (
            format!("v=spf1 exists:{}.%{{d}} {ip4} -all", "%{l}".repeat(20)),
            AuthValue::TempError,
        ),
        (
            format!("v=spf1 exists:{} {ip4} -all", "%{l}".repeat(2000)),
            AuthValue::TempError,
        ),
        (
            format!("v=spf1 include:{}%{{d}} {ip4} -all", "%{l}.".repeat(60)),
            AuthValue::PermError,
        ),
    ];
    for (record, expected) in cases {
        let mut z = world("mac.test");
        z.set_txt("mac.test", &record);
        let server = DnsServer::start(z);
        let c = verify_raw(
            &server,
            &raw_message("mac.test", &format!("{long}@mac.test"), false),
        );
        c.bounded(&record.chars().take(40).collect::<String>(), 3);
        refused(
            &c.live.spf,
            &[expected],
            &["is broken", "Could not check now"],
            &c,
        );
        assert_ne!(c.live.dmarc.result, AuthValue::Pass, "{}", c.text());
    }
}

// ---------------------------------------------------------------------------------------
// 6. Servers that answer slowly, wrongly or never
//
// tests/live_dns.rs covers a server that never answers, single names that never answer
// or get SERVFAIL, and a closed port. These add what a hostile server can do besides.

/// Every answer comes 300 ms late, within each lookup's 500 ms timeout, while the SPF
/// record chains 10 includes that must be asked one after another: the whole check hits
/// its 2-second bound and says it could not check, instead of taking 10 × 300 ms or
/// more. Bound: the SPF message bound (fewer get asked in the time).
#[test]
fn slow_answers_within_each_timeout_are_cut_by_the_total_bound() {
    let mut z = world("drip.test");
    z.set_txt("drip.test", "v=spf1 include:d0.drip.test -all");
    for i in 0..10 {
        z.txt(
            &format!("d{i}.drip.test"),
            &format!("v=spf1 include:d{}.drip.test -all", i + 1),
        );
    }
    z.delay_answers(Duration::from_millis(300));
    let c = verify(z, "drip.test", false);
    c.bounded("slow drip", SPF_MESSAGE);
    assert!(c.took >= TOTAL, "{}", c.text());
    refused(
        &c.live.spf,
        &[AuthValue::TempError],
        &["Could not check now"],
        &c,
    );
}

/// Every answer comes later than the lookup timeout: each lookup gives up on its own, the
/// late answers are ignored, and every method says it could not check.
/// Bound: a signed message's questions, each sent at most `UDP_SENDS` times.
#[test]
fn answers_later_than_the_lookup_timeout_are_not_waited_for() {
    let mut z = world("late.test");
    z.delay_answers(LOOKUP + Duration::from_millis(300));
    let c = verify(z, "late.test", true);
    c.bounded("answers too late", KEY_MESSAGE * UDP_SENDS);
    for o in [&c.live.spf, &c.live.dmarc, &only_signature(&c)] {
        refused(o, &[AuthValue::TempError], &["Could not check now"], &c);
    }
}

/// Every answer carries another transaction ID than its question, as a spoofer's would:
/// none is accepted, and every method says it could not check.
/// Bound: a signed message's questions, each sent at most `UDP_SENDS` times.
#[test]
fn answers_with_the_wrong_transaction_id_are_ignored() {
    let mut z = world("spoof.test");
    z.wrong_id();
    let c = verify(z, "spoof.test", true);
    c.bounded("wrong transaction ID", KEY_MESSAGE * UDP_SENDS);
    for o in [&c.live.spf, &c.live.dmarc, &only_signature(&c)] {
        refused(o, &[AuthValue::TempError], &["Could not check now"], &c);
    }
}

/// A lookup that gets no answer gives up after one lookup timeout, not after one per
/// retry: SPF asks for the HELO name's record, then the sender's, one after the other, so
/// with a 1-second lookup timeout and no answers it is done in about 2 seconds, well
/// before the 10-second total bound, and says its lookup failed (not that the total bound
/// ran out). Bound: a signed message's questions, each sent at most `UDP_SENDS` times.
#[test]
fn a_lookup_without_an_answer_takes_one_lookup_timeout() {
    let mut z = world("hush.test");
    z.wrong_id();
    let server = DnsServer::start(z);
    let raw = raw_message("hush.test", "alice@hush.test", true);
    let report = analyze(raw.as_bytes(), &Options::default()).expect("analyse");
    let opts = LiveOptions {
        dns: Some(server.addr()),
        lookup_timeout: Duration::from_secs(1),
        total_timeout: Duration::from_secs(10),
        ask_reserved: true,
        ..LiveOptions::default()
    };
    let started = Instant::now();
    let live = verify_blocking(raw.as_bytes(), &report, &opts);
    let c = Checked {
        live,
        took: started.elapsed(),
        queries: server.queries(),
        tcp: server.tcp_queries(),
        log: server.log(),
    };
    println!(
        "one lookup timeout: {:?}, {} questions",
        c.took,
        c.questions()
    );
    assert!(c.took >= Duration::from_secs(2), "{}", c.text());
    assert!(c.took < Duration::from_secs(3), "{}", c.text());
    assert!(c.questions() <= KEY_MESSAGE * UDP_SENDS, "{}", c.text());
    refused(
        &c.live.spf,
        &[AuthValue::TempError],
        &["looking up the SPF record of hush.test failed"],
        &c,
    );
}

/// Every answer is empty and truncated, over TCP too: each question is asked once over
/// UDP and once over TCP, then given up, and every method says it could not check.
/// Bound: a signed message's questions, each retried once over TCP.
#[test]
fn answers_truncated_forever_are_given_up_after_one_tcp_retry() {
    let mut z = world("cut.test");
    z.always_truncated();
    let c = verify(z, "cut.test", true);
    c.bounded("truncated forever", KEY_MESSAGE);
    assert_eq!(c.tcp, c.questions(), "{}", c.text());
    for o in [&c.live.spf, &c.live.dmarc, &only_signature(&c)] {
        refused(o, &[AuthValue::TempError], &["Could not check now"], &c);
    }
}
