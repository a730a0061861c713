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
        .txt("lists.test", "v=spf1 ip4:198.51.100.7 -all");
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
    use mail_auth::arc::ArcSealer;
    use mail_auth::common::headers::HeaderWriter;
    use mail_auth::{ArcOutput, AuthenticatedMessage, AuthenticationResults};
    let forwarded = original.replacen("\r\n\r\n", "\r\nList-Id: <team.lists.test>\r\n\r\n", 1)
        + "-- \r\nteam mailing list\r\n";
    let msg = AuthenticatedMessage::parse(forwarded.as_bytes()).expect("parse");
    let results = AuthenticationResults::new("lists.test");
    let set = ArcSealer::from_key(keys().rsa())
        .domain("lists.test")
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
    };
    let started = Instant::now();
    let live = verify_blocking(raw.as_bytes(), &report, &opts);
    let took = started.elapsed();
    assert!(took < Duration::from_millis(1500 + 1000), "took {took:?}");
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
