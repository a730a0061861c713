//! Live SPF/DKIM/DMARC/ARC re-verification against a real DNS server on loopback.

mod support;

use std::net::{IpAddr, Ipv4Addr, UdpSocket};
use std::time::{Duration, Instant};

use mailsleuth::analysis::{AuthSource, AuthValue, LiveAuth};
use mailsleuth::live::{verify_blocking, LiveOptions};
use support::dns::{DnsServer, Zone};
use support::{check, deliver, keys, message, now, sign_ed, sign_rsa};

const SENDER_IP: &str = "192.0.2.10";
const LIST_IP: &str = "198.51.100.7";

/// The world the tests live in: a sender with RSA and ed25519 keys, SPF and DMARC
/// p=reject; a domain with p=none; a mailing list that seals with ARC.
fn zone() -> Zone {
    let k = keys();
    let mut z = Zone::default();
    z.txt("rsa1._domainkey.sender.test", &k.rsa_record)
        .txt("ed1._domainkey.sender.test", &k.ed_record)
        .txt("sender.test", "v=spf1 ip4:192.0.2.10 mx -all")
        .mx("sender.test", 10, "mx1.sender.test")
        .a("mx1.sender.test", Ipv4Addr::new(192, 0, 2, 20))
        .txt(
            "_dmarc.sender.test",
            "v=DMARC1; p=reject; rua=mailto:d@sender.test",
        )
        .txt("soft.test", "v=spf1 ip4:192.0.2.0/28 ~all")
        .txt("neutral.test", "v=spf1 ?all")
        .txt("ptr.test", "v=spf1 ptr -all")
        .ptr(IpAddr::V4(Ipv4Addr::new(203, 0, 113, 5)), "out.ptr.test")
        .a("out.ptr.test", Ipv4Addr::new(203, 0, 113, 5))
        .txt("lax.test", "v=spf1 ip4:192.0.2.10 -all")
        .txt("_dmarc.lax.test", "v=DMARC1; p=none")
        .txt("rsa1._domainkey.lax.test", &k.rsa_record)
        .txt("strict.test", "v=spf1 ip4:192.0.2.10 -all")
        .txt("mail.strict.test", "v=spf1 ip4:192.0.2.10 -all")
        .txt("_dmarc.strict.test", "v=DMARC1; p=reject; aspf=s; adkim=s")
        .txt("rsa1._domainkey.mail.strict.test", &k.rsa_record)
        .txt("_dmarc.shop.co.uk", "v=DMARC1; p=reject; sp=quarantine")
        .txt("rsa1._domainkey.shop.co.uk", &k.rsa_record)
        .txt("arc._domainkey.lists.test", &k.rsa_record)
        .txt("lists.test", "v=spf1 ip4:198.51.100.7 -all")
        .txt("bad-helo.test", "v=spf1 -all")
        .txt("double.test", "v=spf1 ip4:192.0.2.10 -all")
        .txt("double.test", "v=spf1 ~all")
        .txt("double.test", "google-site-verification=abc");
    z
}

fn sender_message(body: &str) -> String {
    message(
        "Alice <alice@sender.test>",
        "bob@receiver.test",
        "Quarterly figures",
        body,
    )
}

fn assert_live(o: &mailsleuth::analysis::AuthOutcome) {
    assert_eq!(o.source, AuthSource::Live, "{o:?}");
    assert!(o.detail.as_deref().is_some_and(|d| !d.is_empty()), "{o:?}");
}

fn show(live: &LiveAuth) -> String {
    serde_json::to_string_pretty(live).unwrap_or_default()
}

#[test]
fn rsa_and_ed25519_signatures_pass_with_spf_and_dmarc() {
    let server = DnsServer::start(zone());
    let signed = sign_ed(
        &sign_rsa(&sender_message("Hello Bob"), "sender.test", "rsa1", None),
        "sender.test",
        "ed1",
    );
    let raw = deliver(
        &signed,
        "alice@sender.test",
        "mail.sender.test",
        SENDER_IP,
        now(),
        None,
    );
    let (_, live) = check(&raw, &server);
    let text = show(&live);
    assert_eq!(live.dkim_signatures.len(), 2, "{text}");
    for sig in &live.dkim_signatures {
        assert_eq!(sig.result, AuthValue::Pass, "{text}");
        assert_eq!(sig.domain, "sender.test");
    }
    // Header order: the ed25519 signature was added last, so it is on top.
    assert_eq!(live.dkim_signatures[0].selector, "ed1");
    assert_eq!(live.dkim_signatures[1].selector, "rsa1");
    assert_eq!(live.dkim.result, AuthValue::Pass, "{text}");
    assert_eq!(live.spf.result, AuthValue::Pass, "{text}");
    assert_eq!(live.spf.domain.as_deref(), Some("sender.test"));
    assert_eq!(live.dmarc.result, AuthValue::Pass, "{text}");
    assert_eq!(live.dmarc_policy.as_deref(), Some("reject"));
    let alignment = live.alignment.clone().unwrap_or_default();
    assert!(alignment.contains("DKIM aligned"), "{alignment}");
    assert!(alignment.contains("SPF aligned"), "{alignment}");
    assert!(alignment.contains("relaxed"), "{alignment}");
    assert_eq!(live.arc.result, AuthValue::None, "{text}");
    for o in [&live.spf, &live.dkim, &live.dmarc, &live.arc] {
        assert_live(o);
    }
    assert_eq!(live.resolver, server.addr().to_string());
    assert!(live.disagreements.is_empty(), "{text}");
    assert!(server.queries() >= 4, "queries: {:?}", server.log());
}

#[test]
fn altered_body_or_header_fails_the_signature() {
    let server = DnsServer::start(zone());
    let signed = sign_rsa(
        &sender_message("Pay invoice 1001"),
        "sender.test",
        "rsa1",
        None,
    );
    let body_changed = signed.replace("Pay invoice 1001", "Pay invoice 6666");
    let raw = deliver(
        &body_changed,
        "alice@sender.test",
        "mail.sender.test",
        SENDER_IP,
        now(),
        None,
    );
    let (_, live) = check(&raw, &server);
    assert_eq!(live.dkim.result, AuthValue::Fail, "{}", show(&live));
    assert!(
        live.dkim
            .detail
            .as_deref()
            .unwrap_or_default()
            .contains("body"),
        "{}",
        show(&live)
    );
    // SPF still passes and aligns, so DMARC passes on SPF alone.
    assert_eq!(live.dmarc.result, AuthValue::Pass, "{}", show(&live));
    assert!(live
        .alignment
        .as_deref()
        .unwrap_or_default()
        .contains("DKIM could not align"));

    let subject_changed = signed.replace("Subject: Quarterly figures", "Subject: Urgent figures");
    let raw = deliver(
        &subject_changed,
        "alice@sender.test",
        "mail.sender.test",
        SENDER_IP,
        now(),
        None,
    );
    let (_, live) = check(&raw, &server);
    assert_eq!(live.dkim.result, AuthValue::Fail, "{}", show(&live));
    assert!(live
        .dkim
        .detail
        .as_deref()
        .unwrap_or_default()
        .contains("headers were changed"));
}

#[test]
fn removed_key_is_a_permanent_error_and_a_disagreement() {
    let server = DnsServer::start(zone());
    let signed = sign_rsa(
        &sender_message("Minutes attached"),
        "sender.test",
        "rsa1",
        None,
    );
    let recorded = "dkim=pass header.d=sender.test; spf=pass smtp.mailfrom=sender.test; dmarc=pass header.from=sender.test";
    let raw = deliver(
        &signed,
        "alice@sender.test",
        "mail.sender.test",
        SENDER_IP,
        now(),
        Some(recorded),
    );
    let (report, live) = check(&raw, &server);
    assert_eq!(live.dkim.result, AuthValue::Pass, "{}", show(&live));
    assert_eq!(
        report.auth.recorded.dkim.as_ref().map(|d| d.result),
        Some(AuthValue::Pass)
    );

    server.edit(|z| {
        z.remove("rsa1._domainkey.sender.test");
    });
    let (_, live) = check(&raw, &server);
    let text = show(&live);
    assert_eq!(live.dkim.result, AuthValue::PermError, "{text}");
    assert!(
        live.dkim
            .detail
            .as_deref()
            .unwrap_or_default()
            .contains("No key is published"),
        "{text}"
    );
    assert!(
        live.disagreements
            .iter()
            .any(|d| d.contains("checked out when the message arrived")),
        "{text}"
    );
    // The key is gone but the sending server is still allowed, so DMARC passes on SPF.
    assert_eq!(live.dmarc.result, AuthValue::Pass, "{text}");
}

#[test]
fn spf_pass_fail_softfail_neutral_and_mechanisms() {
    let server = DnsServer::start(zone());
    let cases = [
        ("alice@sender.test", SENDER_IP, AuthValue::Pass),
        // `mx` mechanism: the domain's MX host address.
        ("alice@sender.test", "192.0.2.20", AuthValue::Pass),
        ("alice@sender.test", "203.0.113.99", AuthValue::Fail),
        ("news@soft.test", "192.0.2.3", AuthValue::Pass),
        ("news@soft.test", "192.0.2.200", AuthValue::SoftFail),
        ("x@neutral.test", "192.0.2.200", AuthValue::Neutral),
        // `ptr` mechanism: reverse name under ptr.test that resolves back to the IP.
        ("x@ptr.test", "203.0.113.5", AuthValue::Pass),
        ("x@ptr.test", "203.0.113.6", AuthValue::Fail),
        ("x@nothing.test", SENDER_IP, AuthValue::None),
        // Two SPF records (other TXT records do not count): a broken setup.
        ("x@double.test", SENDER_IP, AuthValue::PermError),
    ];
    for (sender, ip, want) in cases {
        let body = message(&format!("<{sender}>"), "bob@receiver.test", "SPF", "text");
        let raw = deliver(&body, sender, "relay.example.test", ip, now(), None);
        let (_, live) = check(&raw, &server);
        assert_eq!(live.spf.result, want, "{sender} from {ip}: {}", show(&live));
        assert_live(&live.spf);
        assert!(
            live.spf.detail.as_deref().unwrap_or_default().contains(ip) || want == AuthValue::None
        );
    }
}

#[test]
fn spf_fail_is_a_disagreement_when_pass_was_recorded() {
    let server = DnsServer::start(zone());
    let body = message("<alice@sender.test>", "bob@receiver.test", "SPF", "text");
    let raw = deliver(
        &body,
        "alice@sender.test",
        "relay.test",
        "203.0.113.99",
        now(),
        Some("spf=pass smtp.mailfrom=sender.test"),
    );
    let (_, live) = check(&raw, &server);
    assert_eq!(live.spf.result, AuthValue::Fail);
    assert!(
        live.disagreements
            .iter()
            .any(|d| d.contains("SPF") && d.contains("changed")),
        "{}",
        show(&live)
    );
}

#[test]
fn no_received_chain_means_no_sending_ip_for_spf() {
    let server = DnsServer::start(zone());
    let signed = sign_rsa(&sender_message("no path"), "sender.test", "rsa1", None);
    let (_, live) = check(&signed, &server);
    assert_eq!(live.spf.result, AuthValue::None);
    assert!(live
        .spf
        .detail
        .as_deref()
        .unwrap_or_default()
        .contains("no known sending IP"));
    assert_eq!(live.dkim.result, AuthValue::Pass);
    assert_eq!(live.dmarc.result, AuthValue::Pass, "{}", show(&live));
}

#[test]
fn dmarc_fails_for_unaligned_identities_under_reject_and_none() {
    let server = DnsServer::start(zone());
    // From sender.test, but signed by lax.test and sent from a server sender.test does not list.
    let body = sender_message("Please update your bank details");
    let signed = sign_rsa(&body, "lax.test", "rsa1", None);
    let raw = deliver(
        &signed,
        "bounce@lax.test",
        "mail.lax.test",
        SENDER_IP,
        now(),
        None,
    );
    let (_, live) = check(&raw, &server);
    let text = show(&live);
    assert_eq!(live.dkim.result, AuthValue::Pass, "{text}");
    assert_eq!(live.spf.result, AuthValue::Pass, "{text}");
    assert_eq!(live.dmarc.result, AuthValue::Fail, "{text}");
    assert_eq!(live.dmarc_policy.as_deref(), Some("reject"));
    let alignment = live.alignment.clone().unwrap_or_default();
    assert!(
        alignment.contains("DKIM did not align") && alignment.contains("lax.test"),
        "{alignment}"
    );
    assert!(alignment.contains("SPF did not align"), "{alignment}");

    // p=none domain, unaligned: DMARC fails, and the published policy is "none".
    let body = message("<ceo@lax.test>", "bob@receiver.test", "Wire", "now");
    let signed = sign_rsa(&body, "sender.test", "rsa1", None);
    let raw = deliver(
        &signed,
        "alice@sender.test",
        "mail.sender.test",
        SENDER_IP,
        now(),
        None,
    );
    let (_, live) = check(&raw, &server);
    assert_eq!(live.dmarc.result, AuthValue::Fail, "{}", show(&live));
    assert_eq!(live.dmarc_policy.as_deref(), Some("none"));

    // p=none domain, aligned DKIM: passes.
    let signed = sign_rsa(&body, "lax.test", "rsa1", None);
    let raw = deliver(
        &signed,
        "x@elsewhere.test",
        "mail.elsewhere.test",
        "203.0.113.1",
        now(),
        None,
    );
    let (_, live) = check(&raw, &server);
    assert_eq!(live.dmarc.result, AuthValue::Pass, "{}", show(&live));
}

#[test]
fn dmarc_strict_alignment_and_organisational_domain() {
    let server = DnsServer::start(zone());
    // strict.test demands exact matches; mail.strict.test only matches relaxed.
    let body = message("<ops@strict.test>", "bob@receiver.test", "Strict", "text");
    let signed = sign_rsa(&body, "mail.strict.test", "rsa1", None);
    let raw = deliver(
        &signed,
        "bounce@mail.strict.test",
        "mail.strict.test",
        SENDER_IP,
        now(),
        None,
    );
    let (_, live) = check(&raw, &server);
    let text = show(&live);
    assert_eq!(live.dkim.result, AuthValue::Pass, "{text}");
    assert_eq!(live.spf.result, AuthValue::Pass, "{text}");
    assert_eq!(live.dmarc.result, AuthValue::Fail, "{text}");
    assert!(
        live.alignment
            .as_deref()
            .unwrap_or_default()
            .contains("strict alignment"),
        "{text}"
    );

    // news.shop.co.uk has no record; its organisational domain (public suffix list:
    // co.uk is a suffix) publishes sp=quarantine, which applies to subdomains.
    let body = message(
        "<offers@news.shop.co.uk>",
        "bob@receiver.test",
        "Sale",
        "text",
    );
    let signed = sign_rsa(&body, "shop.co.uk", "rsa1", None);
    let raw = deliver(
        &signed,
        "b@elsewhere.test",
        "x.elsewhere.test",
        "203.0.113.1",
        now(),
        None,
    );
    let (_, live) = check(&raw, &server);
    let text = show(&live);
    assert_eq!(live.dmarc.result, AuthValue::Pass, "{text}");
    assert_eq!(live.dmarc_policy.as_deref(), Some("quarantine"), "{text}");
    assert!(server
        .log()
        .iter()
        .any(|q| q.starts_with("_dmarc.news.shop.co.uk.")));
    assert!(server
        .log()
        .iter()
        .any(|q| q.starts_with("_dmarc.shop.co.uk.")));
    assert!(!server.log().iter().any(|q| q.starts_with("_dmarc.co.uk.")));
}

/// What a mailing list does: change the message (footer), then seal it with ARC.
fn list_forward(original: &str, tamper_after_seal: bool) -> String {
    seal_forward(original, true, tamper_after_seal)
}

/// Seals `original` as lists.test would, optionally after adding a footer.
fn seal_forward(original: &str, footer: bool, tamper_after_seal: bool) -> String {
    seal_forward_by("lists.test", original, footer, tamper_after_seal)
}

/// Seals `original` as the list server of `lists` would (selector `arc`).
fn seal_forward_by(lists: &str, original: &str, footer: bool, tamper_after_seal: bool) -> String {
    use mail_auth::arc::ArcSealer;
    use mail_auth::common::headers::HeaderWriter;
    use mail_auth::{ArcOutput, AuthenticatedMessage, AuthenticationResults};
    let mut forwarded = original.replacen(
        "\r\n\r\n",
        &format!("\r\nList-Id: <team.{lists}>\r\n\r\n"),
        1,
    );
    if footer {
        forwarded.push_str("-- \r\nteam mailing list\r\n");
    }
    let msg = AuthenticatedMessage::parse(forwarded.as_bytes()).expect("parse");
    let results = AuthenticationResults::new(lists);
    let set = ArcSealer::from_key(keys().rsa())
        .domain(lists)
        .selector("arc")
        .headers(["From", "To", "Subject", "DKIM-Signature"])
        .seal(&msg, &results, &ArcOutput::default())
        .expect("seal");
    let sealed = set.to_header() + &forwarded;
    if tamper_after_seal {
        sealed.replace("team mailing list", "team mailing list (edited)")
    } else {
        sealed
    }
}

#[test]
fn arc_sealed_forward_passes_and_tampering_breaks_it() {
    let server = DnsServer::start(zone());
    let signed = sign_rsa(
        &sender_message("Agenda for Monday"),
        "sender.test",
        "rsa1",
        None,
    );
    let raw = deliver(
        &list_forward(&signed, false),
        "team-bounces@lists.test",
        "mail.lists.test",
        LIST_IP,
        now(),
        None,
    );
    let (_, live) = check(&raw, &server);
    let text = show(&live);
    assert_eq!(live.arc.result, AuthValue::Pass, "{text}");
    assert_eq!(live.arc.domain.as_deref(), Some("lists.test"));
    assert_live(&live.arc);
    // The footer broke the author's signature: that is why ARC matters for lists.
    assert_eq!(live.dkim.result, AuthValue::Fail, "{text}");

    let raw = deliver(
        &list_forward(&signed, true),
        "team-bounces@lists.test",
        "mail.lists.test",
        LIST_IP,
        now(),
        None,
    );
    let (_, live) = check(&raw, &server);
    assert_eq!(live.arc.result, AuthValue::Fail, "{}", show(&live));
}

#[test]
fn expiry_is_judged_at_delivery_time() {
    let server = DnsServer::start(zone());
    let signed_at = now();
    let signed = sign_rsa(&sender_message("expiring"), "sender.test", "rsa1", Some(1));
    // Wait until the signature has expired by today's clock.
    std::thread::sleep(Duration::from_millis(2100));
    let raw = deliver(
        &signed,
        "alice@sender.test",
        "mail.sender.test",
        SENDER_IP,
        signed_at,
        None,
    );
    let (_, live) = check(&raw, &server);
    let text = show(&live);
    assert_eq!(live.dkim.result, AuthValue::Pass, "{text}");
    let detail = live.dkim.detail.clone().unwrap_or_default();
    assert!(
        detail.contains("delivery time") && detail.contains("expired since"),
        "{detail}"
    );

    // Delivered an hour after the signature expired: not acceptable.
    let raw = deliver(
        &signed,
        "alice@sender.test",
        "mail.sender.test",
        SENDER_IP,
        signed_at + 3600,
        None,
    );
    let (_, live) = check(&raw, &server);
    assert_eq!(live.dkim.result, AuthValue::Policy, "{}", show(&live));
    assert!(live
        .dkim
        .detail
        .as_deref()
        .unwrap_or_default()
        .contains("already expired"));
}

#[test]
fn server_that_never_answers_gives_temp_errors_within_the_bound() {
    // A bound socket that never replies: every query times out.
    let hole = UdpSocket::bind("127.0.0.1:0").expect("bind");
    let addr = hole.local_addr().expect("addr");
    let signed = sign_rsa(&sender_message("slow network"), "sender.test", "rsa1", None);
    let raw = deliver(
        &signed,
        "alice@sender.test",
        "mail.sender.test",
        SENDER_IP,
        now(),
        None,
    );
    let report =
        mailsleuth::analysis::analyze(raw.as_bytes(), &Default::default()).expect("analyse");
    let opts = LiveOptions {
        dns: Some(addr),
        lookup_timeout: Duration::from_millis(500),
        total_timeout: Duration::from_millis(1500),
        ask_reserved: true,
        ..LiveOptions::default()
    };
    let started = Instant::now();
    let live = verify_blocking(raw.as_bytes(), &report, &opts);
    let took = started.elapsed();
    assert!(took < Duration::from_millis(1500 + 2000), "took {took:?}");
    let text = show(&live);
    for o in [&live.spf, &live.dkim, &live.dmarc] {
        assert_eq!(o.result, AuthValue::TempError, "{text}");
        assert!(
            o.detail
                .as_deref()
                .unwrap_or_default()
                .contains("Could not check now"),
            "{text}"
        );
    }
    assert_eq!(live.dkim_signatures.len(), 1);
    assert_eq!(live.dkim_signatures[0].result, AuthValue::TempError);
    assert!(live.disagreements.is_empty());
    assert_eq!(live.resolver, addr.to_string());
    drop(hole);
}

#[test]
fn servfail_and_silent_names_are_temporary_errors() {
    let mut z = zone();
    z.servfail("rsa1._domainkey.sender.test")
        .silent("sender.test");
    let server = DnsServer::start(z);
    let signed = sign_rsa(&sender_message("flaky"), "sender.test", "rsa1", None);
    let raw = deliver(
        &signed,
        "alice@sender.test",
        "mail.sender.test",
        SENDER_IP,
        now(),
        None,
    );
    let started = Instant::now();
    let (_, live) = check(&raw, &server);
    assert!(started.elapsed() < Duration::from_secs(9));
    assert_eq!(live.dkim.result, AuthValue::TempError, "{}", show(&live));
    assert_eq!(live.spf.result, AuthValue::TempError, "{}", show(&live));
    assert_eq!(live.dmarc.result, AuthValue::TempError, "{}", show(&live));
}

#[test]
fn several_threads_verify_at_once() {
    let server = DnsServer::start(zone());
    let signed = sign_rsa(&sender_message("parallel"), "sender.test", "rsa1", None);
    let raw = deliver(
        &signed,
        "alice@sender.test",
        "mail.sender.test",
        SENDER_IP,
        now(),
        None,
    );
    let report =
        mailsleuth::analysis::analyze(raw.as_bytes(), &Default::default()).expect("analyse");
    let opts = support::options(&server);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| s.spawn(|| verify_blocking(raw.as_bytes(), &report, &opts)))
            .collect();
        for h in handles {
            let live = h.join().expect("thread");
            assert_eq!(live.dkim.result, AuthValue::Pass);
            assert_eq!(live.dmarc.result, AuthValue::Pass);
        }
    });
}

#[test]
fn called_from_inside_an_async_runtime_does_not_panic() {
    let server = DnsServer::start(zone());
    let signed = sign_rsa(&sender_message("async caller"), "sender.test", "rsa1", None);
    let raw = deliver(
        &signed,
        "alice@sender.test",
        "mail.sender.test",
        SENDER_IP,
        now(),
        None,
    );
    let report =
        mailsleuth::analysis::analyze(raw.as_bytes(), &Default::default()).expect("analyse");
    let opts = support::options(&server);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt");
    let live = rt.block_on(async { verify_blocking(raw.as_bytes(), &report, &opts) });
    assert_eq!(live.dkim.result, AuthValue::Pass, "{}", show(&live));
}

#[test]
fn apply_live_merges_results_marked_live() {
    let server = DnsServer::start(zone());
    let signed = sign_rsa(&sender_message("merge"), "sender.test", "rsa1", None);
    let raw = deliver(
        &signed,
        "alice@sender.test",
        "mail.sender.test",
        SENDER_IP,
        now(),
        None,
    );
    let (mut report, live) = check(&raw, &server);
    mailsleuth::analysis::apply_live(&mut report, live, &Default::default());
    assert_eq!(report.auth.dkim.source, AuthSource::Live);
    assert_eq!(report.auth.dkim.result, AuthValue::Pass);
    assert_eq!(report.auth.dmarc.result, AuthValue::Pass);
}

// ---------------------------------------------------------------------------------------
// Standards vectors that carry their own DNS records, served by the loopback server.

use std::path::Path;

fn crlf(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\n', "\r\n")
}

fn vectors_dir(sub: &str) -> Option<std::path::PathBuf> {
    let dir = support::corpus()?.join("vectors").join(sub);
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("note: corpus folder vectors/{sub} not found; skipping");
        None
    }
}

fn sorted_files(dir: &Path, suffix: &str) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.to_string_lossy().ends_with(suffix));
    files.sort();
    files
}

/// Analyses a vector, optionally fills in a delivery time the vector's authors pinned
/// their clock to, and re-verifies it.
fn verify_vector_at(
    raw: &[u8],
    server: &DnsServer,
    lookup: Duration,
    pinned_clock: Option<i64>,
) -> Option<LiveAuth> {
    let mut report = mailsleuth::analysis::analyze(raw, &Default::default()).ok()?;
    if report.path.delivered_at.is_none() {
        report.path.delivered_at = pinned_clock;
    }
    let opts = LiveOptions {
        dns: Some(server.addr()),
        lookup_timeout: lookup,
        total_timeout: lookup * 4,
        ask_reserved: true,
        ..LiveOptions::default()
    };
    Some(verify_blocking(raw, &report, &opts))
}

/// mail-auth's own DKIM and ARC vectors (`.eml` plus `.dns.txt`): the bottom signature
/// of the DKIM vectors must pass; the ARC vectors' chain and some signature must pass. mail-auth verifies them with its clock pinned to
/// 1667843664, so that stands in for the delivery time where the message has none.
#[test]
fn stalwart_mail_auth_vectors() {
    const PINNED: i64 = 1_667_843_664;
    let mut ran = 0;
    for kind in ["dkim", "arc"] {
        let Some(dir) = vectors_dir(&format!("stalwart_mail_auth/_split/{kind}")) else {
            return;
        };
        for eml in sorted_files(&dir, ".eml") {
            let dns = std::fs::read_to_string(eml.with_extension("dns.txt")).unwrap_or_default();
            let mut z = Zone::default();
            assert!(
                support::vectors::zone_from_lines(&dns, &mut z) > 0,
                "{}",
                eml.display()
            );
            let server = DnsServer::start(z);
            let raw = crlf(&std::fs::read_to_string(&eml).unwrap_or_default());
            let live = verify_vector_at(
                raw.as_bytes(),
                &server,
                Duration::from_secs(2),
                Some(PINNED),
            )
            .unwrap_or_else(|| panic!("{} is not an email", eml.display()));
            let name = eml.display();
            if kind == "dkim" {
                let bottom = live.dkim_signatures.last().map(|d| d.result);
                assert_eq!(bottom, Some(AuthValue::Pass), "{name}: {}", show(&live));
            } else {
                // Forwarded list mail: the chain passes and some signature still does.
                assert_eq!(live.arc.result, AuthValue::Pass, "{name}: {}", show(&live));
                assert_eq!(live.dkim.result, AuthValue::Pass, "{name}: {}", show(&live));
            }
            assert!(server.queries() > 0, "{name}");
            ran += 1;
        }
    }
    println!("stalwart_mail_auth: {ran} vectors ran");
    assert!(ran >= 8);
}

/// The hash of a signature in a Mail::DKIM vector was made by a pre-RFC draft (v=0.x, or
/// draft-00 without a body hash): RFC 6376 verifiers, mail-auth included, reject those.
fn is_draft_signature(raw: &str) -> bool {
    let lower = format!("\r\n{}", raw.to_ascii_lowercase());
    lower.split("\r\ndkim-signature:").skip(1).any(|sig| {
        let head: String = sig.chars().take(600).collect();
        head.trim_start().starts_with("v=0.") || head.contains(" v=0.") || !head.contains("bh=")
    })
}

/// Mail::DKIM's vectors: the expected result is in the file name (good/bad/badkey/
/// ignore/multiple), DNS in FAKE_DNS.dat (including a timeout and a SERVFAIL).
#[test]
fn mail_dkim_perl_vectors() {
    let Some(dir) = vectors_dir("mail_dkim_perl") else {
        return;
    };
    let fake_dns = std::fs::read_to_string(dir.join("FAKE_DNS.dat")).unwrap_or_default();
    let mut z = Zone::default();
    assert!(support::vectors::zone_from_lines(&fake_dns, &mut z) > 20);
    let server = DnsServer::start(z);
    let record_of = |sel: &str, dom: &str| -> String {
        let name = format!("{sel}._domainkey.{dom}");
        fake_dns
            .lines()
            .find(|l| {
                l.split_whitespace()
                    .next()
                    .is_some_and(|n| n.eq_ignore_ascii_case(&name))
            })
            .unwrap_or_default()
            .to_string()
    };
    let (mut ran, mut skipped) = (0, Vec::new());
    for f in sorted_files(&dir.join("corpus"), ".txt") {
        let file = f
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let raw = crlf(&String::from_utf8_lossy(
            &std::fs::read(&f).unwrap_or_default(),
        ));
        let Some(live) =
            verify_vector_at(raw.as_bytes(), &server, Duration::from_millis(700), None)
        else {
            skipped.push(format!("{file} (not an email)"));
            continue;
        };
        let text = format!("{file}: {}", show(&live));
        let results: Vec<AuthValue> = live.dkim_signatures.iter().map(|d| d.result).collect();
        // DomainKeys (the pre-DKIM scheme) vectors carry no DKIM-Signature at all.
        if file.contains("_dk_") || file.starts_with("dk_") {
            assert!(results.is_empty(), "{text}");
            assert_eq!(live.dkim.result, AuthValue::None, "{text}");
            ran += 1;
            continue;
        }
        let expect_pass = ["good", "mine", "multiple", "no_body"]
            .iter()
            .any(|p| file.starts_with(p));
        if expect_pass && is_draft_signature(&raw) && live.dkim.result != AuthValue::Pass {
            skipped.push(format!("{file} (pre-RFC draft signature)"));
            continue;
        }
        if expect_pass {
            assert_eq!(live.dkim.result, AuthValue::Pass, "{text}");
        } else if file.starts_with("bad_") {
            assert!(results.iter().all(|r| *r == AuthValue::Fail), "{text}");
            assert!(!results.is_empty(), "{text}");
        } else if file.starts_with("badkey") {
            // RFC 4871's g= (granularity) was dropped by RFC 6376, and mail-auth does not
            // enforce a key's h= (hash) list: keys relying on those are not judged here.
            let sig = live.dkim_signatures.first();
            let record = sig
                .map(|s| record_of(&s.selector, &s.domain))
                .unwrap_or_default();
            let lenient_key =
                record.contains(" g=") || record.contains("; g=") || record.contains(" h=");
            if lenient_key && results.contains(&AuthValue::Pass) {
                skipped.push(format!("{file} (key uses g= or h=)"));
                continue;
            }
            assert!(
                !results.is_empty() && !results.contains(&AuthValue::Pass),
                "{text}"
            );
        } else if file.starts_with("ignore") {
            // Mail::DKIM judges expiry against today; mailsleuth against the delivery time,
            // so an expired-since signature that was valid on delivery passes and says so.
            let valid_at_delivery = live.dkim_signatures.iter().all(|d| {
                d.result == AuthValue::Pass
                    && d.detail
                        .as_deref()
                        .is_some_and(|t| t.contains("expired since"))
            });
            if !valid_at_delivery {
                assert!(!results.contains(&AuthValue::Pass), "{text}");
            }
        } else {
            skipped.push(format!("{file} (no expectation in its name)"));
            continue;
        }
        ran += 1;
    }
    println!(
        "mail_dkim_perl: {ran} vectors ran; skipped {}: {skipped:?}",
        skipped.len()
    );
    assert!(ran >= 50, "only {ran} ran");
    // The timeout and SERVFAIL entries of FAKE_DNS.dat are temporary errors.
    let blackhole = "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed; d=blackhole.messiah.edu; s=test3; h=from; bh=AAAA; b=AAAA\r\nFrom: a@messiah.edu\r\n\r\nx\r\n";
    for dom in ["blackhole.messiah.edu", "blackhole2.messiah.edu"] {
        let raw = blackhole.replace("blackhole.messiah.edu", dom);
        let live = verify_vector_at(raw.as_bytes(), &server, Duration::from_millis(500), None)
            .expect("analyse");
        assert!(
            matches!(live.dkim.result, AuthValue::TempError | AuthValue::Fail),
            "{dom}: {}",
            show(&live)
        );
    }
}

/// dkimpy's keys and records: verify its signed messages, and sign its unsigned ones with
/// its private keys, publishing its `.dns` / `.txt` records.
#[test]
fn dkimpy_vectors() {
    use mail_auth::common::crypto::{Ed25519Key, RsaKey, Sha256};
    use mail_auth::common::headers::HeaderWriter;
    use mail_auth::dkim::DkimSigner;
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{PrivateKeyDer, PrivatePkcs1KeyDer};

    let Some(dir) = vectors_dir("dkimpy_testdata") else {
        return;
    };
    let read = |n: &str| std::fs::read_to_string(dir.join(n)).unwrap_or_default();
    let b64 = |t: &str| -> Vec<u8> {
        let clean: Vec<u8> = t.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
        decode_b64(&clean)
    };
    // RFC 8032 section 7.1 test 1 seed → its public key, via a PKCS#8 wrapper.
    let seed = b64(&read("rfc8032_7_1.key"));
    let mut pkcs8 = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    pkcs8.extend_from_slice(&seed);
    let brisbane = Ed25519Key::from_pkcs8_der(&pkcs8).expect("rfc8032 key");
    let mut z = Zone::default();
    z.txt(
        "test._domainkey.football.example.com",
        read("test.txt").trim(),
    )
    .txt(
        "brisbane._domainkey.football.example.com",
        &format!(
            "v=DKIM1; k=ed25519; p={}",
            support::base64(&brisbane.public_key())
        ),
    )
    .txt("sed._domainkey.test.ex", read("eximtest.dns").trim())
    .txt("ed._domainkey.example.com", read("ed25519test.dns").trim())
    .txt("test._domainkey.example.com", read("test.txt").trim())
    .txt("bad._domainkey.example.com", read("test_bad.txt").trim());
    let server = DnsServer::start(z);
    let ran = std::cell::Cell::new(0);
    let expect = |raw: &str, want: AuthValue, what: &str| {
        let live = verify_vector_at(crlf(raw).as_bytes(), &server, Duration::from_secs(2), None)
            .unwrap_or_else(|| panic!("{what}: not an email"));
        assert_eq!(live.dkim.result, want, "{what}: {}", show(&live));
        if want == AuthValue::Pass {
            assert!(
                live.dkim_signatures
                    .iter()
                    .all(|d| d.result == AuthValue::Pass),
                "{what}: {}",
                show(&live)
            );
        }
        ran.set(ran.get() + 1);
    };
    expect(
        &read("rfc6376.signed.msg"),
        AuthValue::Pass,
        "rfc6376.signed.msg (RSA + ed25519)",
    );
    expect(
        &read("rfc6376.signed.rsa.msg"),
        AuthValue::Pass,
        "rfc6376.signed.rsa.msg",
    );
    expect(
        &read("ed25519test2.msg"),
        AuthValue::Pass,
        "ed25519test2.msg (Exim)",
    );
    let bad = read("test.message.baddomain");
    let live = verify_vector_at(crlf(&bad).as_bytes(), &server, Duration::from_secs(2), None)
        .expect("analyse");
    assert_ne!(
        live.dkim.result,
        AuthValue::Pass,
        "baddomain: {}",
        show(&live)
    );
    ran.set(ran.get() + 1);

    // Sign with dkimpy's own private keys, verify against its published records.
    let ed_seed = b64(&read("ed25519test.key"));
    let ed_pub = b64(read("ed25519test.dns")
        .rsplit_once("p=")
        .map(|(_, p)| p)
        .unwrap_or_default());
    let ed = Ed25519Key::from_seed_and_public_key(&ed_seed, &ed_pub).expect("dkimpy ed25519 pair");
    let msg = crlf(&read("ed25519test.msg"));
    let signed = DkimSigner::from_key(ed)
        .domain("example.com")
        .selector("ed")
        .headers(["From", "To", "Subject"])
        .sign(msg.as_bytes())
        .expect("sign")
        .to_header()
        + &msg;
    expect(
        &signed,
        AuthValue::Pass,
        "ed25519test.msg signed with ed25519test.key",
    );

    let pem = read("test.private");
    let rsa = |pem: &str| {
        RsaKey::<Sha256>::from_key_der(PrivateKeyDer::Pkcs1(
            PrivatePkcs1KeyDer::from_pem_slice(pem.as_bytes()).expect("pem"),
        ))
        .expect("rsa")
    };
    let msg = crlf(&read("test.message"));
    let signed = DkimSigner::from_key(rsa(&pem))
        .domain("example.com")
        .selector("test")
        .headers(["From", "To", "Subject"])
        .sign(msg.as_bytes())
        .expect("sign")
        .to_header()
        + &msg;
    expect(
        &signed,
        AuthValue::Pass,
        "test.message signed with test.private",
    );
    // The same signature against test_bad.txt, a damaged key: unusable, a permanent error.
    let wrong = signed.replacen("s=test;", "s=bad;", 1);
    expect(
        &wrong,
        AuthValue::PermError,
        "test.message checked against test_bad.txt",
    );
    println!("dkimpy_testdata: {} vectors ran", ran.get());
}

fn decode_b64(input: &[u8]) -> Vec<u8> {
    let val = |c: u8| -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    };
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for v in input.iter().filter_map(|c| val(*c)) {
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    out
}

/// The ARC test suite's validation cases (YAML with the DNS records inline).
#[test]
fn arc_test_suite_vectors() {
    let Some(dir) = vectors_dir("arc_test_suite") else {
        return;
    };
    let cases = support::vectors::arc_suite(&dir.join("arc-draft-validation-tests.yml"));
    assert!(cases.len() > 150, "parsed {} cases", cases.len());
    // Known gaps in mail-auth 0.13.3, so not asserted: a missing c= is not treated as
    // simple/simple, an empty AMS h= is refused, and 512-bit seal keys are accepted.
    const MAIL_AUTH_GAPS: [&str; 3] = ["ams_fields_c_na", "ams_fields_h_empty", "as_fields_b_512"];
    let server = DnsServer::start(Zone::default());
    let (mut ran, mut skipped) = (0, 0);
    for case in &cases {
        if case.cv.is_empty() || MAIL_AUTH_GAPS.contains(&case.name.as_str()) {
            skipped += 1;
            continue;
        }
        server.edit(|z| {
            *z = Zone::default();
            for (name, record) in &case.records {
                z.txt(name, record);
            }
        });
        let raw = crlf(&case.message);
        let got = verify_vector_at(raw.as_bytes(), &server, Duration::from_millis(700), None)
            .map(|l| l.arc)
            .map_or(AuthValue::None, |a| a.result);
        let want = AuthValue::parse(&case.cv);
        assert_eq!(got, want, "{}: expected {}", case.name, case.cv);
        ran += 1;
    }
    println!("arc_test_suite: {ran} vectors ran, {skipped} skipped");
    assert!(ran > 150);
}

// ---------------------------------------------------------------------------------------
// The `check` command, end to end.

fn run_check(args: &[&str]) -> (std::process::ExitStatus, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mailsleuth"))
        .arg("check")
        .args(args)
        .output()
        .expect("run mailsleuth");
    (
        out.status,
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn first_json_line(stdout: &str) -> serde_json::Value {
    let line = stdout
        .lines()
        .find(|l| l.trim_start().starts_with('{'))
        .unwrap_or("");
    serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

/// The world of the end-to-end tests, under `.internal` (private use: not a name reserved
/// for examples, so the app asks the DNS server about it like any company's own names).
fn internal_zone() -> Zone {
    let k = keys();
    let mut z = Zone::default();
    z.txt("rsa1._domainkey.sender.internal", &k.rsa_record)
        .txt("sender.internal", "v=spf1 ip4:192.0.2.10 -all")
        .txt("_dmarc.sender.internal", "v=DMARC1; p=reject")
        .txt("arc._domainkey.lists.internal", &k.rsa_record);
    z
}

/// An end-to-end message: signed by sender.internal, sealed by lists.internal, delivered.
fn internal_message(body: &str) -> String {
    let signed = sign_rsa(
        &message(
            "Alice <alice@sender.internal>",
            "bob@receiver.internal",
            "Agenda for Monday",
            body,
        ),
        "sender.internal",
        "rsa1",
        None,
    );
    deliver(
        &seal_forward_by("lists.internal", &signed, false, false),
        "alice@sender.internal",
        "mail.sender.internal",
        SENDER_IP,
        now(),
        None,
    )
}

#[test]
fn cli_check_json_reports_live_results_from_the_given_dns_server() {
    // The world is under `.internal`: the app never asks about reserved names such as
    // `.test` (see `cli_check_never_looks_up_reserved_names`).
    let server = DnsServer::start(internal_zone());
    let raw = internal_message("Agenda for Monday");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("sealed.eml");
    std::fs::write(&file, &raw).expect("write");
    let addr = server.addr().to_string();
    let path = file.to_string_lossy().to_string();
    let (status, stdout, stderr) = run_check(&["--json", "--dns", &addr, &path]);
    assert!(
        status.code().is_some_and(|c| c == 0 || c == 1),
        "{status:?} {stderr}"
    );
    let v = first_json_line(&stdout);
    for method in ["spf", "dkim", "dmarc", "arc"] {
        let o = &v["auth"][method];
        assert_eq!(o["source"], "live", "{method}: {o}");
        assert_eq!(o["result"], "pass", "{method}: {o}");
    }
    assert_eq!(v["auth"]["live"]["resolver"], addr.as_str());
    assert!(server.queries() >= 4, "{:?}", server.log());
}

#[test]
fn cli_check_never_looks_up_reserved_names() {
    // The same message as above but under `.test`: the app asks nothing about it, says so
    // in each result, and keeps what was recorded at delivery.
    let server = DnsServer::start(zone());
    let signed = sign_rsa(&sender_message("Agenda"), "sender.test", "rsa1", None);
    let recorded = "dkim=pass header.d=sender.test; spf=pass smtp.mailfrom=sender.test; dmarc=pass header.from=sender.test";
    let raw = deliver(
        &seal_forward(&signed, false, false),
        "alice@sender.test",
        "mail.sender.test",
        SENDER_IP,
        now(),
        Some(recorded),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("reserved.eml");
    std::fs::write(&file, &raw).expect("write");
    let addr = server.addr().to_string();
    let path = file.to_string_lossy().to_string();
    let (status, stdout, stderr) = run_check(&["--json", "--dns", &addr, &path]);
    assert_eq!(status.code(), Some(0), "{stderr}");
    let v = first_json_line(&stdout);
    for method in ["spf", "dkim", "dmarc"] {
        assert_eq!(v["auth"][method]["source"], "recorded", "{method}: {v}");
        assert_eq!(v["auth"][method]["result"], "pass", "{method}: {v}");
    }
    for method in ["spf", "dkim", "dmarc", "arc"] {
        let detail = v["auth"]["live"][method]["detail"]
            .as_str()
            .unwrap_or_default();
        assert!(
            detail.starts_with("Not looked up:") && detail.contains("reserved"),
            "{method}: {detail}"
        );
    }
    let (_, offline, _) = run_check(&["--json", "--offline", &path]);
    assert_eq!(v["verdict"], first_json_line(&offline)["verdict"], "{v}");
    let asked: Vec<String> = server
        .log()
        .into_iter()
        .filter(|q| q.contains(".test."))
        .collect();
    assert!(asked.is_empty(), "{asked:?}");
}

#[test]
fn cli_offline_makes_no_dns_query() {
    let server = DnsServer::start(zone());
    let signed = sign_rsa(&sender_message("offline"), "sender.test", "rsa1", None);
    let recorded = "dkim=pass header.d=sender.test; spf=pass smtp.mailfrom=sender.test; dmarc=pass header.from=sender.test";
    let raw = deliver(
        &signed,
        "alice@sender.test",
        "mail.sender.test",
        SENDER_IP,
        now(),
        Some(recorded),
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("offline.eml");
    std::fs::write(&file, &raw).expect("write");
    let addr = server.addr().to_string();
    let path = file.to_string_lossy().to_string();

    // Offline with a DNS server named: either refused as contradictory, or accepted and
    // then ignored. In both cases the server must hear nothing.
    let (status, stdout, stderr) = run_check(&["--json", "--offline", "--dns", &addr, &path]);
    if status.code() == Some(2) && stdout.trim().is_empty() {
        assert!(
            stderr.contains("--offline") || stderr.contains("--dns"),
            "{stderr}"
        );
    } else {
        let v = first_json_line(&stdout);
        assert_eq!(v["auth"]["dkim"]["source"], "recorded", "{v}");
    }
    let (status, stdout, stderr) = run_check(&["--json", "--offline", &path]);
    assert!(
        status.code().is_some_and(|c| c == 0 || c == 1),
        "{status:?} {stderr}"
    );
    let v = first_json_line(&stdout);
    for method in ["spf", "dkim", "dmarc"] {
        assert_eq!(v["auth"][method]["source"], "recorded", "{method}: {v}");
        assert_eq!(v["auth"][method]["result"], "pass", "{method}: {v}");
    }
    assert!(v["auth"]["live"].is_null(), "{v}");
    // Give a stray packet time to arrive before counting.
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(server.queries(), 0, "{:?}", server.log());
}

/// mail-auth's SPF vectors (RFC 7208 examples, macros, includes, redirects, mx, ptr…):
/// each check becomes a delivered message whose Received line names the HELO and IP and
/// whose Return-Path is the sender, verified through the loopback server.
#[test]
fn stalwart_spf_vectors() {
    use support::vectors::SpfStep;
    let Some(dir) = vectors_dir("stalwart_mail_auth/spf") else {
        return;
    };
    let (mut ran, mut skipped) = (0, Vec::new());
    for file in sorted_files(&dir, ".yml") {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for steps in support::vectors::spf_documents(&text) {
            // mail-auth's vectors mark names that must fail with a DNS error this way.
            let mut zone = Zone::default();
            zone.servfail_containing("_dns_error.");
            let server = DnsServer::start(zone);
            for step in steps {
                match step {
                    SpfStep::Record { kind, name, value } => server.edit(|z| {
                        let list = || {
                            value
                                .split(',')
                                .map(|v| v.trim().to_string())
                                .filter(|v| !v.is_empty())
                        };
                        match kind.as_str() {
                            "spf" | "exp" => {
                                z.set_txt(&name, &value);
                            }
                            "a" | "aaaa" => {
                                let ips: Vec<IpAddr> =
                                    list().filter_map(|v| v.parse().ok()).collect();
                                z.set_addrs(&name, &ips);
                            }
                            "mx" => {
                                let mut exchanges = Vec::new();
                                for (pos, v) in list().enumerate() {
                                    let Ok(ip) = v.parse::<IpAddr>() else {
                                        continue;
                                    };
                                    let host = format!("mx{pos}.{}", name.trim_end_matches('.'));
                                    z.set_addrs(&host, &[ip]);
                                    exchanges.push((u16::try_from(pos + 1).unwrap_or(1), host));
                                }
                                z.set_mx(&name, &exchanges);
                            }
                            "ptr" => {
                                if let Ok(ip) = name.parse::<IpAddr>() {
                                    z.set_ptr(ip, &list().collect::<Vec<_>>());
                                }
                            }
                            _ => {}
                        }
                    }),
                    SpfStep::Check {
                        title,
                        helo,
                        sender,
                        ip,
                        result,
                        explanation,
                    } => {
                        let Ok(addr) = ip.parse::<IpAddr>() else {
                            skipped.push(format!("{title}: bad ip {ip}"));
                            continue;
                        };
                        let bracket = match addr {
                            IpAddr::V4(_) => format!("[{addr}]"),
                            IpAddr::V6(_) => format!("[IPv6:{addr}]"),
                        };
                        let date = mail_parser::DateTime::from_timestamp(now()).to_rfc822();
                        let raw = format!(
                            "Return-Path: <{sender}>\r\nReceived: from {helo} ({helo} {bracket})\r\n\tby localdomain.org with ESMTP id 1; {date}\r\nFrom: <{sender}>\r\nSubject: spf\r\n\r\nbody\r\n"
                        );
                        let report =
                            mailsleuth::analysis::analyze(raw.as_bytes(), &Default::default())
                                .expect("analyse");
                        if report.path.connecting_ip.as_deref() != Some(addr.to_string().as_str())
                            || report.path.connecting_helo.as_deref().unwrap_or("")
                                != helo.to_ascii_lowercase()
                        {
                            skipped.push(format!(
                                "{title}: HELO {helo:?} cannot be written in a Received line"
                            ));
                            continue;
                        }
                        let opts = LiveOptions {
                            dns: Some(server.addr()),
                            lookup_timeout: Duration::from_millis(700),
                            total_timeout: Duration::from_secs(5),
                            ask_reserved: true,
                            ..LiveOptions::default()
                        };
                        let live = verify_blocking(raw.as_bytes(), &report, &opts);
                        let want = AuthValue::parse(&result);
                        if live.spf.result != want {
                            println!("LOG {:?}", server.log());
                        }
                        assert_eq!(
                            live.spf.result,
                            want,
                            "{}: {title}: helo {helo} sender {sender} ip {ip}: {:?}",
                            file.display(),
                            live.spf
                        );
                        if !explanation.is_empty() {
                            assert!(
                                live.spf
                                    .detail
                                    .as_deref()
                                    .unwrap_or_default()
                                    .contains(&explanation),
                                "{title}: {:?}",
                                live.spf
                            );
                        }
                        ran += 1;
                    }
                }
            }
        }
    }
    println!(
        "stalwart_mail_auth spf: {ran} vectors ran; skipped {}: {skipped:?}",
        skipped.len()
    );
    assert!(ran >= 140, "only {ran} ran");
}

/// Real mail of every kind (phishing, list mail, 2002 mail, malformed MIME), a sample of
/// each corpus folder, re-verified against a server that knows no names: every result
/// must come back, marked live, without a panic and within the bound.
#[test]
fn corpus_sample_never_panics_and_stays_within_the_bound() {
    let Some(corpus) = support::corpus() else {
        println!("note: corpus not found; skipping");
        return;
    };
    let mut files = Vec::new();
    for folder in [
        "phishing",
        "ham-list",
        "ham-2002",
        "spam-2002",
        "vectors/spamscope_mailparser",
        "vectors/eml_analyzer_fixtures",
        "vectors/stalwart_mail_parser",
    ] {
        let mut stack = vec![corpus.join(folder)];
        let mut found = Vec::new();
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let p = entry.path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    found.push(p);
                }
            }
        }
        found.sort();
        // Every seventh file keeps the run short while covering each folder.
        files.extend(found.into_iter().step_by(7));
    }
    let server = DnsServer::start(Zone::default());
    let opts = LiveOptions {
        dns: Some(server.addr()),
        lookup_timeout: Duration::from_millis(800),
        total_timeout: Duration::from_secs(3),
        ..LiveOptions::default()
    };
    let checked = std::sync::atomic::AtomicUsize::new(0);
    let chunks: Vec<&[std::path::PathBuf]> = files.chunks(files.len().div_ceil(2).max(1)).collect();
    std::thread::scope(|s| {
        for chunk in chunks {
            let (opts, checked) = (&opts, &checked);
            s.spawn(move || {
                for f in chunk {
                    let raw = std::fs::read(f).unwrap_or_default();
                    let Ok(report) = mailsleuth::analysis::analyze(&raw, &Default::default())
                    else {
                        continue;
                    };
                    let started = Instant::now();
                    let live = verify_blocking(&raw, &report, opts);
                    assert!(
                        started.elapsed() < Duration::from_secs(5),
                        "{}",
                        f.display()
                    );
                    for o in [&live.spf, &live.dkim, &live.dmarc, &live.arc] {
                        assert_eq!(o.source, AuthSource::Live, "{}", f.display());
                    }
                    // One live line per DKIM-Signature header, malformed ones included.
                    assert_eq!(
                        live.dkim_signatures.len(),
                        report.auth.dkim_signatures.len(),
                        "{}",
                        f.display()
                    );
                    checked.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                }
            });
        }
    });
    let n = checked.load(std::sync::atomic::Ordering::SeqCst);
    println!(
        "corpus sample: {n} messages re-verified, {} DNS queries",
        server.queries()
    );
    assert!(n > 100);
}

#[test]
fn closed_port_gives_temp_errors_quickly() {
    // Bind, note the port, close it: nothing listens there any more.
    let addr = UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .expect("port");
    let signed = sign_rsa(&sender_message("nobody home"), "sender.test", "rsa1", None);
    let raw = deliver(
        &signed,
        "alice@sender.test",
        "mail.sender.test",
        SENDER_IP,
        now(),
        None,
    );
    let report =
        mailsleuth::analysis::analyze(raw.as_bytes(), &Default::default()).expect("analyse");
    let opts = LiveOptions {
        dns: Some(addr),
        lookup_timeout: Duration::from_secs(1),
        total_timeout: Duration::from_secs(3),
        ask_reserved: true,
        ..LiveOptions::default()
    };
    let started = Instant::now();
    let live = verify_blocking(raw.as_bytes(), &report, &opts);
    assert!(started.elapsed() < Duration::from_secs(3 + 2));
    for o in [&live.spf, &live.dkim, &live.dmarc] {
        assert_eq!(o.result, AuthValue::TempError, "{}", show(&live));
        assert!(o
            .detail
            .as_deref()
            .unwrap_or_default()
            .starts_with("Could not check now"));
    }
}

#[test]
fn many_signatures_are_capped_and_partial_body_signatures_are_not_trusted() {
    let server = DnsServer::start(zone());
    let mut signed = sender_message("flood");
    for _ in 0..23 {
        signed = sign_rsa(&signed, "sender.test", "rsa1", None);
    }
    let raw = deliver(
        &signed,
        "alice@sender.test",
        "mail.sender.test",
        SENDER_IP,
        now(),
        None,
    );
    let (_, live) = check(&raw, &server);
    assert_eq!(live.dkim_signatures.len(), 23);
    let unchecked = live
        .dkim_signatures
        .iter()
        .filter(|d| d.result == AuthValue::None)
        .count();
    assert_eq!(unchecked, 3, "{}", show(&live));
    assert_eq!(live.dkim.result, AuthValue::Pass);

    let partial = mail_auth::dkim::DkimSigner::from_key(keys().rsa())
        .domain("sender.test")
        .selector("rsa1")
        .headers(support::SIGNED_HEADERS)
        .body_length(true)
        .sign(sender_message("partial").as_bytes())
        .expect("sign");
    let signed = {
        use mail_auth::common::headers::HeaderWriter;
        partial.to_header() + &sender_message("partial")
    };
    let raw = deliver(
        &signed,
        "alice@sender.test",
        "mail.sender.test",
        SENDER_IP,
        now(),
        None,
    );
    let (_, live) = check(&raw, &server);
    assert_eq!(live.dkim.result, AuthValue::PermError, "{}", show(&live));
    assert!(live
        .dkim
        .detail
        .as_deref()
        .unwrap_or_default()
        .contains("l="));
}

#[test]
fn failing_helo_decides_spf_but_dmarc_uses_the_envelope_sender() {
    let server = DnsServer::start(zone());
    let body = message("<alice@sender.test>", "bob@receiver.test", "HELO", "text");
    let raw = deliver(
        &body,
        "alice@sender.test",
        "bad-helo.test",
        SENDER_IP,
        now(),
        None,
    );
    let (_, live) = check(&raw, &server);
    let text = show(&live);
    assert_eq!(live.spf.result, AuthValue::Fail, "{text}");
    assert!(
        live.spf
            .detail
            .as_deref()
            .unwrap_or_default()
            .contains("bad-helo.test"),
        "{text}"
    );
    assert_eq!(live.dmarc.result, AuthValue::Pass, "{text}");
    assert!(
        live.alignment
            .as_deref()
            .unwrap_or_default()
            .contains("SPF aligned"),
        "{text}"
    );
}

#[test]
fn large_answers_are_fetched_over_tcp() {
    // An SPF record long enough that its answer does not fit a UDP reply: the server
    // truncates it and the resolver must ask again over TCP.
    let mut record = String::from("v=spf1");
    for i in 0..120 {
        record.push_str(&format!(" ip4:198.18.{}.{}/32", i / 250, i % 250));
    }
    record.push_str(" ip4:192.0.2.10 -all");
    assert!(record.len() > 2000);
    let mut z = zone();
    z.set_txt("big.test", &record);
    let server = DnsServer::start(z);
    let body = message("<ops@big.test>", "bob@receiver.test", "big", "text");
    let raw = deliver(
        &body,
        "ops@big.test",
        "mail.big.test",
        SENDER_IP,
        now(),
        None,
    );
    let (_, live) = check(&raw, &server);
    assert_eq!(live.spf.result, AuthValue::Pass, "{}", show(&live));
    assert!(server.tcp_queries() > 0, "{:?}", server.log());
}

/// The OpenSPF suite for RFC 7208 (zone data and expected results inline), each case
/// delivered as a message and checked through the loopback server.
#[test]
fn openspf_rfc7208_vectors() {
    let Some(dir) = vectors_dir("openspf_testsuite") else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("rfc7208-tests.yml")).unwrap_or_default();
    let docs = support::vectors::openspf_suite(&text);
    let (mut ran, mut skipped, mut wrong) = (0, Vec::new(), Vec::new());
    for doc in &docs {
        let mut z = Zone::default();
        let mut owners: Vec<&str> = doc.zone.iter().map(|r| r.owner.as_str()).collect();
        owners.sort_unstable();
        owners.dedup();
        for owner in owners {
            let records: Vec<_> = doc.zone.iter().filter(|r| r.owner == owner).collect();
            let has_txt = records.iter().any(|r| r.rtype == "TXT");
            let real_txt = records.iter().any(|r| {
                r.rtype == "TXT" && r.values.first().is_none_or(|v| v.as_slice() != b"NONE")
            });
            // TIMEOUT stands for the whole name, unless it publishes TXT: then only the
            // obsolete SPF type (which RFC 7208 checkers no longer ask for) times out.
            if records.iter().any(|r| r.rtype == "TIMEOUT") && !real_txt {
                z.silent(owner);
                continue;
            }
            z.empty(owner);
            for r in records {
                let first = r
                    .values
                    .first()
                    .map(|v| String::from_utf8_lossy(v).trim().to_string())
                    .unwrap_or_default();
                match r.rtype.as_str() {
                    "TXT" if first == "NONE" => {}
                    "TXT" => {
                        z.txt_strings(owner, &r.values);
                    }
                    // RFC 7208 dropped the SPF type: its records are published as TXT.
                    "SPF" if !has_txt && !r.values.is_empty() => {
                        z.txt_strings(owner, &r.values);
                    }
                    "A" => {
                        if let Ok(ip) = first.parse::<Ipv4Addr>() {
                            z.a(owner, ip);
                        }
                    }
                    "AAAA" => {
                        if let Ok(ip) = first.parse::<std::net::Ipv6Addr>() {
                            z.aaaa(owner, ip);
                        }
                    }
                    "MX" => {
                        let pref = first.parse::<u16>().unwrap_or(0);
                        let host = r
                            .values
                            .get(1)
                            .map(|v| String::from_utf8_lossy(v).trim().to_string())
                            .unwrap_or_default();
                        z.try_mx(owner, pref, &host);
                    }
                    "PTR" => {
                        z.ptr_at(owner, &first);
                    }
                    "CNAME" => {
                        z.cname(owner, &first);
                    }
                    _ => {}
                }
            }
        }
        let server = DnsServer::start(z);
        for case in &doc.cases {
            let Ok(addr) = case.host.parse::<IpAddr>() else {
                skipped.push(format!("{}: host {}", case.name, case.host));
                continue;
            };
            let bracket = match addr {
                IpAddr::V4(_) => format!("[{addr}]"),
                IpAddr::V6(_) => format!("[IPv6:{addr}]"),
            };
            let date = mail_parser::DateTime::from_timestamp(now()).to_rfc822();
            let raw = format!(
                "Return-Path: <{}>\r\nReceived: from {} ({} {bracket})\r\n\tby receiver.test with ESMTP id 1; {date}\r\nFrom: <x@example.org>\r\nSubject: spf\r\n\r\nbody\r\n",
                case.mailfrom, case.helo, case.helo
            );
            let Ok(report) = mailsleuth::analysis::analyze(raw.as_bytes(), &Default::default())
            else {
                skipped.push(format!("{}: not analysable", case.name));
                continue;
            };
            let helo_ok = report.path.connecting_helo.as_deref().unwrap_or("")
                == case.helo.to_ascii_lowercase();
            let sender_ok = report
                .identity
                .return_path
                .as_ref()
                .and_then(|m| m.address.as_deref())
                .unwrap_or("")
                .eq_ignore_ascii_case(&case.mailfrom);
            if report.path.connecting_ip.as_deref() != Some(addr.to_string().as_str())
                || !helo_ok
                || !sender_ok
            {
                skipped.push(format!(
                    "{}: HELO or sender cannot be carried by a message",
                    case.name
                ));
                continue;
            }
            let opts = LiveOptions {
                dns: Some(server.addr()),
                lookup_timeout: Duration::from_millis(500),
                total_timeout: Duration::from_secs(3),
                ask_reserved: true,
                ..LiveOptions::default()
            };
            let live = verify_blocking(raw.as_bytes(), &report, &opts);
            let ok = case
                .results
                .iter()
                .any(|r| AuthValue::parse(r) == live.spf.result);
            if !ok {
                wrong.push((
                    case.name.clone(),
                    format!("want {:?} got {}", case.results, live.spf.result.as_str()),
                ));
            }
            ran += 1;
        }
    }
    println!(
        "openspf rfc7208: {ran} vectors ran, {} differ (known mail-auth 0.13.3 deviations), {} skipped: {skipped:?}",
        wrong.len(),
        skipped.len()
    );
    let unexpected: Vec<_> = wrong
        .iter()
        .filter(|(name, _)| !MAIL_AUTH_SPF_DEVIATIONS.contains(&name.as_str()))
        .collect();
    assert!(unexpected.is_empty(), "{unexpected:?}");
    assert!(ran >= 190, "only {ran} ran");
}

/// Where mail-auth 0.13.3's SPF evaluation departs from the RFC 7208 suite: it parses
/// records leniently (bad CIDR lengths, non-ASCII, numeric top labels, unknown
/// modifiers), treats IPv4-mapped IPv6 clients
/// as IPv4, refuses a few valid forms (colons in domain names, some modifiers), and
/// reports unusable names as temporary DNS errors instead of permanent ones.
const MAIL_AUTH_SPF_DEVIATIONS: &[&str] = &[
    "emptylabel",
    "domain-literal",
    "non-ascii-policy",
    "non-ascii-mech",
    "control-char-policy",
    "badip4",
    "modifier-charset-good",
    "redirect-after-mechanisms2",
    "invalid-domain",
    "invalid-domain-empty-label",
    "invalid-domain-long",
    "invalid-domain-long-via-macro",
    // A HELO written as an address literal expands %{h} to an unusable name: temperror
    // instead of fail. The Received parser keeps the literal HELO as written, so this
    // vector runs instead of being skipped.
    "hello-domain-literal",
    "a-bad-cidr4",
    "a-bad-cidr6",
    "a-dual-cidr-ip4-err",
    "a-bad-domain",
    "a-cidr6-0-ip4mapped",
    "a-null",
    "a-numeric",
    "a-numeric-toplabel",
    "a-bad-toplabel",
    "a-only-toplabel",
    "a-only-toplabel-trailing-dot",
    "a-colon-domain",
    "a-colon-domain-ip4mapped",
    "mx-bad-cidr4",
    "mx-bad-cidr6",
    "mx-bad-domain",
    "mx-cidr6-0-ip4mapped",
    "mx-null",
    "mx-numeric-top-label",
    "mx-colon-domain",
    "mx-colon-domain-ip4mapped",
    "mx-bad-toplab",
    "exists-ip6only",
    "cidr4-33",
    "cidr4-032",
    "cidr6-0-ip4",
    "cidr6-ip4",
    "cidr6-129",
    "redirect-syntax-error",
    "invalid-modifier",
    "empty-modifier-name",
    "exp-syntax-error",
    "macro-mania-in-domain",
    "void-over-limit",
];
