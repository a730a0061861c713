//! Every identity, authentication, path and filter check: one message that makes it fire,
//! one that keeps it quiet.

mod support;

use mailsleuth::analysis::{analyze, Grade, Options, Outcome, Report, Verdict};

/// A clean message: received by the recipient's own server, authenticated and aligned.
const BASE: &str = "Received: from mx2.corp.example (mx2.corp.example [10.0.0.5])\r
 by mail.corp.example with LMTP; Mon, 6 May 2024 10:00:07 +0000\r
Authentication-Results: mx2.corp.example; spf=pass smtp.mailfrom=alice@sender.example;\r
 dkim=pass header.d=sender.example; dmarc=pass (p=REJECT) header.from=sender.example\r
Received: from out.sender.example (out.sender.example [198.51.100.7])\r
 by mx2.corp.example with ESMTPS id 4Vabc; Mon, 6 May 2024 10:00:05 +0000\r
Received: from [192.0.2.10] (host.sender.example [203.0.113.50])\r
 by out.sender.example with ESMTPSA id 77; Mon, 6 May 2024 10:00:02 +0000\r
DKIM-Signature: v=1; a=rsa-sha256; d=sender.example; s=s1; h=from:to:subject; bh=x; b=y\r
Return-Path: <alice@sender.example>\r
From: Alice Example <alice@sender.example>\r
To: Bob <bob@corp.example>\r
Subject: Minutes from Monday\r
Date: Mon, 6 May 2024 10:00:00 +0000\r
Message-ID: <abc123@sender.example>\r
MIME-Version: 1.0\r
Content-Type: text/plain; charset=utf-8\r
\r
Hi Bob, the minutes are below. See you next week.\r
";

fn report(raw: &str) -> Report {
    analyze(raw.as_bytes(), &Options::default()).expect("test message parses")
}

/// BASE with header `name` replaced by `value` (or added at the top of the sender's part).
fn with_header(name: &str, value: &str) -> String {
    let prefix = format!("{name}:");
    let mut replaced = false;
    let mut out = String::new();
    let mut skipping = false;
    for line in BASE.split_inclusive("\r\n") {
        if skipping && line.starts_with(' ') {
            continue;
        }
        skipping = false;
        if line
            .to_ascii_lowercase()
            .starts_with(&prefix.to_ascii_lowercase())
            && !replaced
        {
            out.push_str(&format!("{name}: {value}\r\n"));
            replaced = true;
            skipping = true;
            continue;
        }
        if line.starts_with("From:") && !replaced {
            out.push_str(&format!("{name}: {value}\r\n"));
            replaced = true;
        }
        out.push_str(line);
    }
    out
}

fn outcome(r: &Report, id: &str) -> Outcome {
    r.checks
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no check {id}"))
        .outcome
}

fn fires(r: &Report, id: &str) -> bool {
    let c = r
        .checks
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no check {id}"));
    let flagged = matches!(c.outcome, Outcome::Warn | Outcome::Fail);
    if flagged {
        assert!(!c.evidence.is_empty(), "{id} fired without evidence");
    }
    flagged
}

fn reassures(r: &Report, id: &str) -> bool {
    r.checks.iter().any(|c| c.id == id && c.reassuring)
}

fn ar(value: &str) -> String {
    with_header("Authentication-Results", value)
}

#[test]
fn base_message_is_ok_and_quiet() {
    let r = report(BASE);
    let loud: Vec<_> = r
        .checks
        .iter()
        .filter(|c| c.weight > 0)
        .map(|c| c.id.clone())
        .collect();
    assert!(loud.is_empty(), "checks fired on a clean message: {loud:?}");
    assert_eq!(r.verdict, Verdict::Ok);
    assert_eq!(r.path.connecting_ip.as_deref(), Some("198.51.100.7"));
}

#[test]
fn spf_results() {
    let base = report(BASE);
    for id in ["spf-fail", "spf-softfail", "spf-none", "spf-error"] {
        assert!(!fires(&base, id), "{id} on a pass");
    }
    let cases = [
        ("fail", "spf-fail"),
        ("softfail", "spf-softfail"),
        ("none", "spf-none"),
        ("permerror", "spf-error"),
    ];
    for (value, id) in cases {
        let r = report(&ar(&format!("mx2.corp.example; spf={value} smtp.mailfrom=alice@sender.example; dkim=pass header.d=sender.example; dmarc=pass header.from=sender.example")));
        assert!(fires(&r, id), "{id} did not fire on spf={value}");
    }
}

#[test]
fn dkim_results() {
    let base = report(BASE);
    assert!(!fires(&base, "dkim-fail"));
    assert!(!fires(&base, "dkim-none"));
    assert!(!fires(&base, "dkim-unrelated-domain"));
    let r = report(&ar("mx2.corp.example; spf=pass smtp.mailfrom=alice@sender.example; dkim=fail header.d=sender.example; dmarc=pass header.from=sender.example"));
    assert!(fires(&r, "dkim-fail"));
    let unsigned = report(&BASE.replace("DKIM-Signature: v=1; a=rsa-sha256; d=sender.example; s=s1; h=from:to:subject; bh=x; b=y\r\n", "").replace("dkim=pass header.d=sender.example;", "dkim=none;"));
    assert!(fires(&unsigned, "dkim-none"));
    let other = report(&ar("mx2.corp.example; spf=pass smtp.mailfrom=alice@sender.example; dkim=pass header.d=bulkmailer.example; dmarc=pass header.from=sender.example"));
    assert!(fires(&other, "dkim-unrelated-domain"));
}

#[test]
fn dmarc_results() {
    let base = report(BASE);
    assert!(!fires(&base, "dmarc-fail"));
    assert!(!fires(&base, "dmarc-policy-none"));
    let r = report(&ar("mx2.corp.example; spf=fail smtp.mailfrom=x@other.example; dkim=none; dmarc=fail (p=REJECT) header.from=sender.example"));
    assert!(fires(&r, "dmarc-fail"));
    assert_eq!(r.verdict, Verdict::Danger, "{:?}", r.reasons);
    let none = report(&ar("mx2.corp.example; spf=pass smtp.mailfrom=alice@sender.example; dkim=pass header.d=sender.example; dmarc=pass (p=NONE sp=NONE) header.from=sender.example"));
    assert!(fires(&none, "dmarc-policy-none"));
}

#[test]
fn alignment_failure_without_dmarc() {
    let r = report(&ar("mx2.corp.example; spf=pass smtp.mailfrom=bounce@mailer.example; dkim=pass header.d=mailer.example"));
    assert!(fires(&r, "alignment-failure"));
    let aligned = report(&ar("mx2.corp.example; spf=pass smtp.mailfrom=alice@sender.example; dkim=pass header.d=sender.example"));
    assert!(!fires(&aligned, "alignment-failure"));
}

#[test]
fn microsoft_compauth() {
    let r = report(&ar("spf=fail (sender IP is 198.51.100.7) smtp.mailfrom=sender.example; dkim=none (message not signed) header.d=none;dmarc=fail action=oreject header.from=sender.example;compauth=fail reason=000"));
    assert!(fires(&r, "compauth-fail"));
    assert!(r
        .checks
        .iter()
        .any(|c| c.id == "compauth-fail" && c.summary.contains("DMARC")));
    let ok = report(&ar("spf=pass (sender IP is 198.51.100.7) smtp.mailfrom=sender.example; dkim=pass (signature was verified) header.d=sender.example;dmarc=pass action=none header.from=sender.example;compauth=pass reason=100"));
    assert!(!fires(&ok, "compauth-fail"));
    assert_eq!(outcome(&report(BASE), "compauth-fail"), Outcome::Skip);
}

#[test]
fn arc_broken_and_forwarded() {
    let sealed = BASE.replace(
        "DKIM-Signature:",
        "ARC-Seal: i=1; a=rsa-sha256; cv=none; d=fwd.example; s=a; b=x\r\nDKIM-Signature:",
    );
    let broken = report(&sealed.replace(
        "dmarc=pass (p=REJECT) header.from=sender.example",
        "dmarc=pass (p=REJECT) header.from=sender.example; arc=fail",
    ));
    assert!(fires(&broken, "arc-broken"));
    assert!(!reassures(&broken, "forwarded"));
    let intact = report(&sealed.replace(
        "dmarc=pass (p=REJECT) header.from=sender.example",
        "dmarc=pass (p=REJECT) header.from=sender.example; arc=pass",
    ));
    assert!(!fires(&intact, "arc-broken"));
    assert!(reassures(&intact, "forwarded"));
    assert!(!reassures(&report(BASE), "forwarded"));
}

#[test]
fn forged_results_below_the_boundary() {
    let forged = BASE.replace("Return-Path:", "Authentication-Results: mx2.corp.example; spf=pass; dkim=pass header.d=bank.example; dmarc=pass header.from=bank.example\r\nReturn-Path:");
    let r = report(&forged);
    assert!(fires(&r, "forged-auth-results"));
    assert_eq!(
        r.auth.dkim.domain.as_deref(),
        Some("sender.example"),
        "the forged result must not be used"
    );
    assert!(!fires(&report(BASE), "forged-auth-results"));

    // Written straight under the boundary line, as a sender talking directly to the MX
    // would place it: the receiver's own results above the line still win.
    let direct = BASE.replace(
        "Received: from [192.0.2.10]",
        "Authentication-Results: mx2.corp.example; dkim=pass header.d=bank.example; dmarc=pass header.from=bank.example\r\nReceived: from [192.0.2.10]",
    );
    let r = report(&direct);
    assert!(fires(&r, "forged-auth-results"));
    assert_eq!(r.auth.dkim.domain.as_deref(), Some("sender.example"));
}

#[test]
fn path_checks() {
    let base = report(BASE);
    for id in [
        "no-delivery-path",
        "private-origin",
        "time-backwards",
        "implausible-delay",
        "too-many-hops",
        "tls-dropped",
        "helo-bare-ip",
        "helo-mismatch",
        "date-far-from-delivery",
        "future-date",
        "malformed-received",
    ] {
        assert!(!fires(&base, id), "{id} fired on the clean message");
    }
    let no_path: String = BASE.split_inclusive("\r\n").skip(8).collect();
    assert!(fires(&report(&no_path), "no-delivery-path"));

    let private = BASE.replace(
        "(host.sender.example [203.0.113.50])",
        "(unknown [10.1.2.3])",
    );
    assert!(fires(&report(&private), "private-origin"));

    let backwards = BASE.replace(
        "Mon, 6 May 2024 10:00:02 +0000",
        "Mon, 6 May 2024 11:30:02 +0000",
    );
    let r = report(&backwards);
    assert!(fires(&r, "time-backwards"));
    assert!(r
        .path
        .hops
        .iter()
        .any(|h| h.delay_seconds.is_some_and(|d| d < 0)));

    let slow = BASE
        .replace(
            "Mon, 6 May 2024 10:00:02 +0000",
            "Fri, 3 May 2024 10:00:02 +0000",
        )
        .replace(
            "Date: Mon, 6 May 2024 10:00:00",
            "Date: Fri, 3 May 2024 10:00:00",
        );
    assert!(fires(&report(&slow), "implausible-delay"));

    let mut many = String::new();
    for i in 0..18 {
        many.push_str(&format!("Received: from r{i}.relay.example (r{i}.relay.example [198.51.100.{i}]) by r{}.relay.example with ESMTPS; Mon, 6 May 2024 09:59:{:02} +0000\r\n", i + 1, 59 - i));
    }
    assert!(fires(&report(&format!("{many}{BASE}")), "too-many-hops"));

    let plain = BASE.replace(
        "by mx2.corp.example with ESMTPS id 4Vabc",
        "by mx2.corp.example with ESMTP id 4Vabc",
    );
    assert!(fires(&report(&plain), "tls-dropped"));

    let bare = BASE.replace(
        "from out.sender.example (out.sender.example [198.51.100.7])",
        "from [198.51.100.7] (out.sender.example [198.51.100.7])",
    );
    assert!(fires(&report(&bare), "helo-bare-ip"));

    let mismatch = BASE.replace(
        "from out.sender.example (out.sender.example [198.51.100.7])",
        "from mail.bank.example (out.sender.example [198.51.100.7])",
    );
    assert!(fires(&report(&mismatch), "helo-mismatch"));

    let drift = BASE.replace(
        "Date: Mon, 6 May 2024 10:00:00",
        "Date: Mon, 29 Apr 2024 10:00:00",
    );
    assert!(fires(&report(&drift), "date-far-from-delivery"));

    let future = BASE.replace(
        "Date: Mon, 6 May 2024 10:00:00",
        "Date: Mon, 6 May 2024 23:00:00",
    );
    assert!(fires(&report(&future), "future-date"));

    let no_by = BASE.replace(" by out.sender.example with ESMTPSA id 77;", ";");
    assert!(fires(&report(&no_by), "malformed-received"));
}

#[test]
fn filter_checks() {
    let base = report(BASE);
    for id in [
        "ms-spam-verdict",
        "ms-phish-category",
        "ms-bulk-level",
        "spamassassin-verdict",
    ] {
        assert_eq!(outcome(&base, id), Outcome::Skip, "{id}");
    }
    let ms = |report_value: &str, scl: &str| {
        BASE.replace("Authentication-Results:", &format!("X-Forefront-Antispam-Report: {report_value}\r\nX-MS-Exchange-Organization-SCL: {scl}\r\nX-Microsoft-Antispam: BCL:8;\r\nAuthentication-Results:"))
    };
    let phish = report(&ms(
        "CIP:198.51.100.7;CTRY:US;LANG:en;SCL:9;SRV:;IPV:NLI;SFV:SPM;H:x;CAT:PHSH;SFS:(1)",
        "9",
    ));
    assert!(fires(&phish, "ms-spam-verdict"));
    assert!(fires(&phish, "ms-phish-category"));
    assert!(fires(&phish, "ms-bulk-level"));
    // The filter's verdict is a strong sign; with nothing of another kind behind it, it
    // asks the reader to check rather than condemning the message on the filter's word.
    let grade = |r: &mailsleuth::analysis::Report, id: &str| {
        r.checks.iter().find(|c| c.id == id).map(|c| c.grade)
    };
    assert_eq!(grade(&phish, "ms-spam-verdict"), Some(Grade::Strong));
    assert_eq!(phish.verdict, Verdict::Caution);
    let backed = report(
        &ms(
            "CIP:198.51.100.7;CTRY:US;LANG:en;SCL:9;SRV:;IPV:NLI;SFV:SPM;H:x;CAT:PHSH;SFS:(1)",
            "9",
        )
        .replace(
            "Subject: ",
            "Subject: Urgent: verify your password now or lose access - ",
        ),
    );
    assert!(fires(&backed, "credential-request"), "{:?}", backed.reasons);
    assert_eq!(backed.verdict, Verdict::Danger, "{}", backed.basis);
    let clean = report(
        &ms(
            "CIP:198.51.100.7;CTRY:US;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;H:x;CAT:NONE;SFS:(1)",
            "1",
        )
        .replace("BCL:8", "BCL:0"),
    );
    assert!(!fires(&clean, "ms-spam-verdict"));
    assert!(!fires(&clean, "ms-phish-category"));
    assert!(!fires(&clean, "ms-bulk-level"));
    let sa = report(&with_header(
        "X-Spam-Status",
        "Yes, score=9.1 required=5.0 tests=BAYES_99",
    ));
    assert!(fires(&sa, "spamassassin-verdict"));
    let sa_no = report(&with_header("X-Spam-Status", "No, score=0.1 required=5.0"));
    assert!(!fires(&sa_no, "spamassassin-verdict"));
}

#[test]
fn reply_to_checks() {
    assert_eq!(outcome(&report(BASE), "reply-to-mismatch"), Outcome::Skip);
    let hijack = report(&with_header("Reply-To", "<payments.desk@gmail.com>"));
    assert!(fires(&hijack, "reply-to-mismatch"));
    let same = report(&with_header("Reply-To", "<team@sender.example>"));
    assert!(!fires(&same, "reply-to-mismatch"));
}

#[test]
fn mailing_list_rewrite_is_good_news() {
    let list = BASE
        .replace("From: Alice Example <alice@sender.example>", "From: Alice Example via Users <users@lists.project.example>\r\nReply-To: Alice Example <alice@sender.example>\r\nList-Id: Project users <users.lists.project.example>")
        .replace("Return-Path: <alice@sender.example>", "Return-Path: <users-bounces@lists.project.example>");
    let r = report(&list);
    assert!(!fires(&r, "reply-to-mismatch"));
    assert!(reassures(&r, "mailing-list"));
    assert!(!fires(&r, "return-path-mismatch"));
    assert!(!reassures(&report(BASE), "mailing-list"));
}

#[test]
fn return_path_and_bulk_sender() {
    let bulk = BASE.replace("Return-Path: <alice@sender.example>", "Return-Path: <bounce-123@mailer.example>\r\nList-Unsubscribe: <https://sender.example/unsub>");
    let r = report(&bulk);
    assert!(
        !fires(&r, "return-path-mismatch"),
        "aligned DKIM explains the envelope"
    );
    assert!(reassures(&r, "bulk-sender"));
    let unsigned = bulk.replace("dkim=pass header.d=sender.example", "dkim=none");
    let r = report(&unsigned);
    assert!(fires(&r, "return-path-mismatch"));
    assert!(!reassures(&r, "bulk-sender"));
}

#[test]
fn display_name_tricks() {
    let addr = report(&BASE.replace(
        "From: Alice Example <alice@sender.example>",
        "From: \"security@northwind-bank.example\" <alerts@bulk-notice.example>",
    ));
    assert!(fires(&addr, "display-name-address"));
    assert!(!fires(&report(BASE), "display-name-address"));

    let brand = report(&BASE.replace(
        "From: Alice Example <alice@sender.example>",
        "From: \"PayPal Service\" <service.notice@gmail.com>",
    ));
    assert!(fires(&brand, "display-name-brand"));
    let role = report(&BASE.replace(
        "From: Alice Example <alice@sender.example>",
        "From: \"IT Helpdesk\" <it.helpdesk.desk@gmail.com>",
    ));
    assert!(fires(&role, "display-name-brand"));
    let own_role = report(&BASE.replace(
        "From: Alice Example <alice@sender.example>",
        "From: \"IT Helpdesk\" <helpdesk@sender.example>",
    ));
    assert!(!fires(&own_role, "display-name-brand"));
}

#[test]
fn lookalike_and_punycode_senders() {
    let look = report(&BASE.replace("alice@sender.example>", "alice@paypa1.com>"));
    assert!(fires(&look, "lookalike-domain"));
    let own = report(&BASE.replace("alice@sender.example>", "alice@c0rp.example>"));
    assert!(
        fires(&own, "lookalike-domain"),
        "lookalike of the recipient's own domain"
    );
    assert!(!fires(&report(BASE), "lookalike-domain"));

    let puny = report(&BASE.replace("alice@sender.example>", "alice@xn--pypal-4ve.com>"));
    assert!(fires(&puny, "punycode-domain"));
    assert!(!fires(&report(BASE), "punycode-domain"));
}

#[test]
fn mixed_scripts_and_encoded_tricks() {
    // "Pаypal" with a Cyrillic а.
    let mixed = report(&BASE.replace(
        "From: Alice Example <alice@sender.example>",
        "From: =?utf-8?B?UNCweXBhbA==?= <alice@sender.example>",
    ));
    assert!(
        fires(&mixed, "mixed-script-name"),
        "{:?}",
        mixed.identity.from
    );
    assert!(!fires(&report(BASE), "mixed-script-name"));

    let hidden = report(&BASE.replace(
        "From: Alice Example <alice@sender.example>",
        "From: =?utf-8?B?Y2VvQGNvcnAuZXhhbXBsZQ==?= <x@sender.example>",
    ));
    assert!(
        fires(&hidden, "encoded-from-tricks"),
        "{:?}",
        hidden.identity.from
    );
    let rtl = report(&BASE.replace(
        "From: Alice Example <alice@sender.example>",
        "From: =?utf-8?B?QWxpY2Ug4oCuZXhhbXBsZQ==?= <alice@sender.example>",
    ));
    assert!(fires(&rtl, "encoded-from-tricks"));
    assert!(!fires(&report(BASE), "encoded-from-tricks"));
}

#[test]
fn from_count_date_and_message_id() {
    let two = report(&BASE.replace(
        "From: Alice Example <alice@sender.example>",
        "From: Alice Example <alice@sender.example>\r\nFrom: CEO <ceo@corp.example>",
    ));
    assert!(fires(&two, "multiple-from"));
    assert!(!fires(&report(BASE), "multiple-from"));

    let no_date = report(&BASE.replace("Date: Mon, 6 May 2024 10:00:00 +0000\r\n", ""));
    assert!(fires(&no_date, "missing-date"));
    assert!(!fires(&report(BASE), "missing-date"));

    let no_id = report(&BASE.replace("Message-ID: <abc123@sender.example>\r\n", ""));
    assert!(fires(&no_id, "missing-message-id"));
    assert!(!fires(&report(BASE), "missing-message-id"));

    let foreign = report(&BASE.replace(
        "<abc123@sender.example>",
        "<abc123@vps-4411.hosting.example>",
    ));
    assert!(fires(&foreign, "message-id-domain"));
    assert!(!fires(&report(BASE), "message-id-domain"));
}

#[test]
fn sender_on_behalf_of() {
    let r = report(&with_header("Sender", "<assistant@agency.example>"));
    assert!(fires(&r, "sender-on-behalf"));
    let same = report(&with_header("Sender", "<assistant@sender.example>"));
    assert!(!fires(&same, "sender-on-behalf"));
}

#[test]
fn own_organisation_name_from_outside() {
    let to_fabrikam = BASE.replace("bob@corp.example", "bob@fabrikam.example");
    let outside = report(&to_fabrikam.replace(
        "From: Alice Example <alice@sender.example>",
        "From: Morgan Blake <morgan.blake.fabrikam@postbox.example>",
    ));
    assert!(fires(&outside, "own-name-outside"));
    let inside = report(&to_fabrikam.replace(
        "From: Alice Example <alice@sender.example>",
        "From: Morgan Blake <morgan.blake@fabrikam.example>",
    ));
    assert!(!fires(&inside, "own-name-outside"));
    assert!(!fires(&report(&to_fabrikam), "own-name-outside"));
}

#[test]
fn department_voice_from_an_unrelated_domain() {
    let scam = report(&BASE.replace(
        "From: Alice Example <alice@sender.example>",
        "From: Tailspin Toys Billing <tailspin.billing@postbox.example>",
    ));
    assert!(fires(&scam, "organisation-name-mismatch"));
    let genuine = report(&BASE.replace(
        "From: Alice Example <alice@sender.example>",
        "From: Sender Billing <billing@sender.example>",
    ));
    assert!(!fires(&genuine, "organisation-name-mismatch"));
    assert!(!fires(&report(BASE), "organisation-name-mismatch"));
}

#[test]
fn hidden_copy() {
    let bcc = report(&BASE.replace(
        "To: Bob <bob@corp.example>",
        "To: Undisclosed <list@elsewhere.example>\r\nDelivered-To: bob@corp.example",
    ));
    assert!(fires(&bcc, "not-addressed-to-you"));
    let direct = report(&BASE.replace(
        "To: Bob <bob@corp.example>",
        "To: Bob <bob@corp.example>\r\nDelivered-To: bob@corp.example",
    ));
    assert!(!fires(&direct, "not-addressed-to-you"));
}

#[test]
fn random_filler_in_the_subject() {
    let junk = report(&BASE.replace(
        "Subject: Minutes from Monday",
        "Subject: Notificacao de Credito-HDvRHTDRqwS7abE",
    ));
    assert!(fires(&junk, "random-junk-text"));
    assert!(!fires(&report(BASE), "random-junk-text"));
}

#[test]
fn brand_name_in_the_mailbox() {
    let borrowed = report(&BASE.replace(
        "alice@sender.example>",
        "paypal.service.center@sender.example>",
    ));
    assert!(fires(&borrowed, "brand-in-mailbox"));
    assert!(!fires(&report(BASE), "brand-in-mailbox"));
}

fn with_body(body: &str) -> String {
    BASE.replace("Hi Bob, the minutes are below. See you next week.", body)
}

#[test]
fn easy_money_offers() {
    let offer = report(&with_body(
        "Join our crypto trading platform. Guaranteed daily profits, first payment within 60 minutes!",
    ));
    assert!(fires(&offer, "easy-money-lure"));
    let pt = report(&with_body(
        "Operar online é a maneira mais fácil. É possível lucrar todos os dias.",
    ));
    assert!(fires(&pt, "easy-money-lure"));
    let quiet = report(&with_body(
        "The trading hours of the canteen change next week; payment by card only.",
    ));
    assert!(!fires(&quiet, "easy-money-lure"));
    let home = report(&with_body(
        "I am working from home tomorrow; call me if the payment run needs me.",
    ));
    assert!(!fires(&home, "easy-money-lure"));
}

#[test]
fn famous_names_as_bait() {
    let named = report(&BASE.replace(
        "From: Alice Example <alice@sender.example>",
        "From: \"Eco Savings by Elon Musk\" <promo@sender.example>",
    ));
    assert!(fires(&named, "celebrity-bait"));
    let own = report(&BASE.replace(
        "From: Alice Example <alice@sender.example>",
        "From: Tony Robbins <news@tonyrobbins.example>",
    ));
    assert!(!fires(&own, "celebrity-bait"));
    let pitch = report(&with_body(
        "Bill Gates backs this new platform: guaranteed daily profits for everyone.",
    ));
    assert!(fires(&pitch, "celebrity-bait"));
    let news = report(&with_body(
        "Did you see the interview with Bill Gates about malaria nets?",
    ));
    assert!(!fires(&news, "celebrity-bait"));
}

#[test]
fn answers_sent_to_a_personal_address() {
    let elsewhere = report(&with_body(
        "A donation awaits you. For more information contact: claims.desk77@gmail.com",
    ));
    assert!(fires(&elsewhere, "contact-elsewhere"));
    let own = report(&with_body(
        "Questions? Contact me at alice@sender.example or call the desk.",
    ));
    assert!(!fires(&own, "contact-elsewhere"));
    let label = report(&with_body(
        "Kind regards,\r\nDan Smith\r\nEmail: dan.smith.home@gmail.com",
    ));
    assert!(!fires(&label, "contact-elsewhere"));
    let mentioned = report(&with_body(
        "Carol (carol.smith@gmail.com) joined the project today.",
    ));
    assert!(!fires(&mentioned, "contact-elsewhere"));
}

#[test]
fn footer_signed_by_another_company() {
    let footer = "Your account is ready.\r\n\r\n© 2024 PayPal, Inc. All rights reserved.";
    let copied = report(&with_body(footer));
    assert!(fires(&copied, "copyright-brand-mismatch"));
    let linked = report(&with_body(&format!(
        "{footer}\r\nhttps://www.paypal.com/myaccount"
    )));
    assert!(!fires(&linked, "copyright-brand-mismatch"));
    let own = report(&with_body("© 2024 Alice Example Ltd. All rights reserved."));
    assert!(!fires(&own, "copyright-brand-mismatch"));
    let socials = report(&with_body("(c) 2024 // Twitter // Discord"));
    assert!(!fires(&socials, "copyright-brand-mismatch"));
}

#[test]
fn random_filler_in_an_attachment_name() {
    let multipart = |name: &str| {
        BASE.replace(
            "Content-Type: text/plain; charset=utf-8\r\n\r\nHi Bob, the minutes are below. See you next week.\r\n",
            &format!("Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nSee the file.\r\n--b1\r\nContent-Type: application/pdf; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b1--\r\n"),
        )
    };
    let junk = report(&multipart("Statement.UlcxS1fOWbE7h9.pdf"));
    assert!(fires(&junk, "random-junk-text"));
    let plain = report(&multipart("Minutes-2024-05-06.pdf"));
    assert!(!fires(&plain, "random-junk-text"));
}

/// BASE with one PDF attachment holding `pdf` (its bytes, before base64).
fn with_pdf(pdf: &[u8]) -> String {
    let b64 = support::base64(pdf);
    BASE.replace(
        "Content-Type: text/plain; charset=utf-8\r\n\r\nHi Bob, the minutes are below. See you next week.\r\n",
        &format!("Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nThe statement is attached.\r\n--b1\r\nContent-Type: application/pdf; name=\"Statement.pdf\"\r\nContent-Disposition: attachment; filename=\"Statement.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{b64}\r\n--b1--\r\n"),
    )
}

#[test]
fn links_inside_a_pdf_are_checked_like_the_message_links() {
    let lure = report(&with_pdf(
        b"%PDF-1.4\n1 0 obj << /Type /Annot /Subtype /Link /A << /S /URI /URI (https://bit.ly/3abcDEF) >> >> endobj\n%%EOF",
    ));
    assert!(fires(&lure, "shortened-link"));
    let c = lure
        .checks
        .iter()
        .find(|c| c.id == "shortened-link")
        .unwrap();
    assert!(c
        .evidence
        .iter()
        .any(|e| e.text.contains("inside the attachment Statement.pdf")));
    let plain = report(&with_pdf(
        b"%PDF-1.4\n1 0 obj << /Type /Page >> endobj\n%%EOF",
    ));
    assert!(!fires(&plain, "shortened-link"));
}

#[test]
fn a_pdf_that_runs_something() {
    let launch = report(&with_pdf(
        b"%PDF-1.4\n<< /OpenAction << /S /Launch /F (cmd.exe) >> >>\n%%EOF",
    ));
    assert!(fires(&launch, "pdf-active-content"));
    let script = report(&with_pdf(b"%PDF-1.4\n<< /OpenAction << /S /JavaScript /JS (app.launchURL('https://x.example')) >> >>\n%%EOF"));
    assert!(fires(&script, "pdf-active-content"));
    let plain = report(&with_pdf(
        b"%PDF-1.4\n1 0 obj << /Type /Page >> endobj\n%%EOF",
    ));
    assert!(!fires(&plain, "pdf-active-content"));
    assert_eq!(outcome(&report(BASE), "pdf-active-content"), Outcome::Skip);
}

#[test]
fn a_forwarded_original_is_judged_by_its_own_sender_line() {
    let forward = |from_line: &str| {
        report(&BASE.replace("Subject: Minutes from Monday", "Subject: Fwd: Account notice").replace(
            "Hi Bob, the minutes are below. See you next week.",
            &format!("Is this real?\r\n\r\n---------- Forwarded message ---------\r\nFrom: {from_line}\r\nDate: Mon, 6 May 2024\r\nSubject: Account notice\r\nTo: alice@sender.example\r\n\r\nPlease review your account."),
        ))
    };
    let fake = forward("PayPal Service <service@account-review.example>");
    assert!(fires(&fake, "inline-forward"));
    let colleague = forward("Carol Jones <carol@partner.example>");
    assert!(!fires(&colleague, "inline-forward"));
    assert_eq!(outcome(&colleague, "inline-forward"), Outcome::Pass);
    assert_eq!(outcome(&report(BASE), "inline-forward"), Outcome::Skip);
}

#[test]
fn a_webmail_providers_own_bounce_is_not_a_personal_address_but_a_fake_one_is() {
    let bounce = |extra: &str| {
        format!(
            "From: Mail Delivery Subsystem <mailer-daemon@gmail.com>\r\nTo: bob@corp.example\r\nSubject: Delivery Status Notification (Failure)\r\nDate: Mon, 6 May 2024 10:00:00 +0000\r\nMessage-ID: <b1@mx.google.com>\r\n{extra}\r\nYour message wasn't delivered to someone@example.org because the address couldn't be found.\r\n"
        )
    };
    // Marked as machine-made (RFC 3834): the provider's own system mailbox.
    let real = report(&bounce("Auto-Submitted: auto-replied\r\n"));
    assert!(!fires(&real, "display-name-brand"));
    // The same role name with nothing that says a machine wrote it, and no proof.
    let fake = report(&bounce(""));
    assert!(fires(&fake, "display-name-brand"));
    // An ordinary free-mail account presenting as a mail system is flagged even when it
    // claims to be automatic.
    let account = report(
        &bounce("Auto-Submitted: auto-replied\r\n")
            .replace("mailer-daemon@gmail.com", "mail.delivery.team@gmail.com"),
    );
    assert!(fires(&account, "display-name-brand"));
}

#[test]
fn a_web_name_inside_a_company_name_is_a_hint_and_a_name_that_is_a_web_name_is_strong() {
    let with_from =
        |from: &str| report(&BASE.replace("From: Alice Example <alice@sender.example>", from));
    let check = |r: &Report| {
        r.checks
            .iter()
            .find(|c| c.id == "display-name-address")
            .cloned()
            .expect("check present")
    };
    // A newsletter called by its web name, sent from its mailing host.
    let newsletter = check(&with_from(
        "From: \"CNET News.com Daily Dispatch\" <dispatch@newsletter.mailhost.example>",
    ));
    assert_eq!(newsletter.outcome, Outcome::Warn);
    assert!(newsletter.weight <= 2, "{newsletter:?}");
    // A name that is nothing but another site's web name presents itself as that site.
    let whole = check(&with_from(
        "From: \"Stellar.org\" <no-reply@shop-mailer.example>",
    ));
    assert_eq!(whole.outcome, Outcome::Fail);
    // A government's web name, even inside a longer name, is a strong sign.
    let gov = check(&with_from(
        "From: \"Refunds IRS.GOV\" <x1@shop-mailer.example>",
    ));
    assert_eq!(gov.outcome, Outcome::Fail);
}

fn grade_of(r: &Report, id: &str) -> Grade {
    r.checks
        .iter()
        .find(|c| c.id == id)
        .map(|c| c.grade)
        .expect("check present")
}

#[test]
fn a_domain_that_disowns_the_message_is_proof_and_a_watching_one_is_a_strong_sign() {
    let reject = report(&ar("mx2.corp.example; spf=fail smtp.mailfrom=x@other.example; dkim=none; dmarc=fail (p=REJECT) header.from=sender.example"));
    assert!(fires(&reject, "dmarc-fail"));
    assert_eq!(grade_of(&reject, "dmarc-fail"), Grade::Proof);
    assert_eq!(reject.verdict, Verdict::Danger, "{}", reject.basis);
    assert!(reject.basis.starts_with("Proof"), "{}", reject.basis);
    // Microsoft writes the policy as the action it calls for.
    let action = report(&ar("mx2.corp.example; spf=fail smtp.mailfrom=x@other.example; dkim=none; dmarc=fail action=oreject header.from=sender.example"));
    assert_eq!(grade_of(&action, "dmarc-fail"), Grade::Proof);
    let watching = report(&ar("mx2.corp.example; spf=fail smtp.mailfrom=x@other.example; dkim=none; dmarc=fail (p=NONE) header.from=sender.example"));
    assert!(fires(&watching, "dmarc-fail"));
    assert_eq!(grade_of(&watching, "dmarc-fail"), Grade::Strong);
}

#[test]
fn a_strong_sign_needs_another_kind_of_evidence_for_danger() {
    // A brand's name from an unrelated (but proven) domain: a strong sign, alone.
    let claim = BASE.replace(
        "From: Alice Example <alice@sender.example>",
        "From: \"PayPal Service\" <alice@sender.example>",
    );
    let alone = report(&claim);
    assert!(fires(&alone, "display-name-brand"));
    assert_eq!(grade_of(&alone, "display-name-brand"), Grade::Strong);
    assert_eq!(alone.verdict, Verdict::Caution, "{:?}", alone.reasons);
    assert!(
        alone.basis.contains("nothing of another kind"),
        "{}",
        alone.basis
    );
    // The same claim with a request of another family behind it.
    let backed = report(&claim.replace(
        "Hi Bob, the minutes are below. See you next week.",
        "Your account is limited. Verify your account and confirm your password within 24 hours or it will be closed.",
    ));
    assert_eq!(backed.verdict, Verdict::Danger, "{:?}", backed.reasons);
    assert_eq!(
        backed.reasons.first().map(String::as_str),
        Some("display-name-brand")
    );
    assert!(backed.basis.contains("backed by"), "{}", backed.basis);
}

#[test]
fn hints_alone_ask_for_care_but_never_condemn() {
    // Unsigned, unauthenticated, rushed, with a shortened link and a far-off date: many
    // hints, no claim to be anyone in particular.
    let raw = BASE
        // No checks recorded by the receiving server, so nothing proves or disproves the
        // sender; replies go to another company.
        .replace("Authentication-Results: mx2.corp.example; spf=pass smtp.mailfrom=alice@sender.example;\r\n dkim=pass header.d=sender.example; dmarc=pass (p=REJECT) header.from=sender.example\r\n", "")
        .replace("DKIM-Signature: v=1; a=rsa-sha256; d=sender.example; s=s1; h=from:to:subject; bh=x; b=y\r\n", "")
        .replace("To: Bob <bob@corp.example>\r\n", "To: Bob <bob@corp.example>\r\nReply-To: sales@partner.example\r\n")
        .replace(
            "Hi Bob, the minutes are below. See you next week.",
            "Act now, last chance, offer expires today! https://bit.ly/3xYz https://tinyurl.com/abcd",
        );
    let r = report(&raw);
    let flagged: Vec<_> = r
        .checks
        .iter()
        .filter(|c| c.weight > 0 && matches!(c.outcome, Outcome::Warn | Outcome::Fail))
        .collect();
    assert!(flagged.len() >= 3, "{:?}", r.reasons);
    assert!(
        flagged.iter().all(|c| c.grade == Grade::Hint),
        "{:?}",
        r.reasons
    );
    assert_eq!(r.verdict, Verdict::Caution, "{:?}", r.reasons);
}

const DRAGONFLY_BOUNCE: &str = "Return-Path: <>\r
Received: from df.corp.example (df.corp.example [203.0.113.25])\r
 by mx2.corp.example (Postfix) with ESMTP id 4VzR; Wed, 12 Jun 2024 09:50:01 +0900\r
Received: from MAILER-DAEMON id e071e by df.corp.example (DragonFly Mail Agent v0.13); Wed, 12 Jun 2024 09:39:51 +0900\r
From: MAILER-DAEMON <>\r
To: bob@corp.example\r
Subject: Mail delivery failed\r
Message-Id: <e071e@df.corp.example>\r
Date: Wed, 12 Jun 2024 09:39:51 +0900\r
\r
This is the DragonFly Mail Agent v0.13 at df.corp.example.\r
\r
There was an error delivering your mail to <ann@example.org>.\r
\r
mail.example.org did not like our RCPT TO: 552 Mailbox full\r
\r
Original message follows.\r
------ Original message follows ------\r
From: bob@corp.example\r
Subject: Your parcel could not be delivered, verify your account now\r
\r
Please verify your account password within 24 hours.\r
";

#[test]
fn a_plain_bounce_is_judged_by_its_own_words_not_the_returned_copy() {
    let r = report(DRAGONFLY_BOUNCE);
    assert_eq!(r.kind, mailsleuth::analysis::MessageKind::Machine);
    for id in [
        "credential-request",
        "parcel-lure",
        "multiple-from",
        "urgent-pressure",
    ] {
        assert!(!fires(&r, id), "{id} fired on a bounce: {:?}", r.reasons);
    }
    assert_eq!(r.verdict, Verdict::Ok, "{:?}", r.reasons);
}

#[test]
fn a_fake_bounce_with_a_login_button_is_still_caught() {
    let fake = DRAGONFLY_BOUNCE.replace(
        "mail.example.org did not like our RCPT TO: 552 Mailbox full\r\n",
        "Your mailbox is full. Verify your account and password within 24 hours to release your messages: https://mail-release.example.net/login\r\n",
    );
    let r = report(&fake);
    assert!(fires(&r, "credential-request"), "{:?}", r.reasons);
    assert_ne!(r.verdict, Verdict::Ok, "{:?}", r.reasons);
}

#[test]
fn a_redirect_that_names_its_destination_hides_nothing() {
    let html = |text: &str| {
        BASE.replace(
            "Content-Type: text/plain; charset=utf-8\r\n\r\nHi Bob, the minutes are below. See you next week.\r\n",
            &format!("Content-Type: text/html; charset=utf-8\r\n\r\n<p>Read: <a href=\"https://news.portal.example/go?to=https://www.zdnet.com/story/1\">{text}</a></p>\r\n"),
        )
    };
    let named = report(&html("ZDNet: this week's story"));
    assert!(!fires(&named, "open-redirect-link"), "{:?}", named.reasons);
    let hidden = report(&html("Read the full story"));
    assert!(fires(&hidden, "open-redirect-link"), "{:?}", hidden.reasons);
}

#[test]
fn nothing_vouching_for_any_sender_is_a_strong_sign_when_the_server_checked() {
    let unsigned = |ar_value: &str| {
        ar(ar_value).replace(
            "DKIM-Signature: v=1; a=rsa-sha256; d=sender.example; s=s1; h=from:to:subject; bh=x; b=y\r\n",
            "",
        )
    };
    let nobody = report(&unsigned("mx2.corp.example; spf=softfail smtp.mailfrom=alice@sender.example; dkim=none; dmarc=none header.from=sender.example"));
    assert!(fires(&nobody, "no-sender-proven"), "{:?}", nobody.reasons);
    assert_eq!(grade_of(&nobody, "no-sender-proven"), Grade::Strong);
    // SPF passing for the envelope's own domain vouches for someone.
    let someone = report(&unsigned("mx2.corp.example; spf=pass smtp.mailfrom=bounce@mailer.example; dkim=none; dmarc=none header.from=sender.example"));
    assert_eq!(outcome(&someone, "no-sender-proven"), Outcome::Pass);
    // Mail whose checks were never recorded is not judged by their absence.
    let old = BASE
        .replace("Authentication-Results: mx2.corp.example; spf=pass smtp.mailfrom=alice@sender.example;\r\n dkim=pass header.d=sender.example; dmarc=pass (p=REJECT) header.from=sender.example\r\n", "")
        .replace("DKIM-Signature: v=1; a=rsa-sha256; d=sender.example; s=s1; h=from:to:subject; bh=x; b=y\r\n", "");
    assert_eq!(outcome(&report(&old), "no-sender-proven"), Outcome::Skip);
    assert!(!fires(&report(BASE), "no-sender-proven"));
}

#[test]
fn a_webmail_address_failing_dmarc_was_not_sent_by_its_provider() {
    let raw = ar("mx2.corp.example; spf=softfail smtp.mailfrom=friend@gmail.com; dkim=none; dmarc=fail (p=NONE) header.from=gmail.com")
        .replace("From: Alice Example <alice@sender.example>", "From: Alice Example <alice.example@gmail.com>");
    let r = report(&raw);
    assert!(fires(&r, "dmarc-fail"), "{:?}", r.reasons);
    assert_eq!(grade_of(&r, "dmarc-fail"), Grade::Proof);
    assert_eq!(r.verdict, Verdict::Danger, "{}", r.basis);
}

#[test]
fn an_ask_in_a_newsletter_sent_under_a_known_mailing_services_name_stays_a_hint() {
    let raw = ar("mx2.corp.example; spf=pass smtp.mailfrom=bounces@sendgrid.net; dkim=pass header.d=sendgrid.net; dmarc=none header.from=sender.example")
        .replace("Return-Path: <alice@sender.example>", "Return-Path: <bounces@sendgrid.net>")
        .replace(
            "DKIM-Signature: v=1; a=rsa-sha256; d=sender.example;",
            "DKIM-Signature: v=1; a=rsa-sha256; d=sendgrid.net;",
        )
        .replace(
            "Hi Bob, the minutes are below. See you next week.",
            "Congratulations, you have won a prize in our summer draw!",
        );
    let r = report(&raw);
    assert!(fires(&r, "prize-lure"), "{:?}", r.reasons);
    assert_eq!(grade_of(&r, "prize-lure"), Grade::Hint);
    // The same ask with nothing vouching for anyone is a strong sign.
    let unproven = ar("mx2.corp.example; spf=softfail smtp.mailfrom=alice@sender.example; dkim=none; dmarc=none header.from=sender.example")
        .replace("DKIM-Signature: v=1; a=rsa-sha256; d=sender.example; s=s1; h=from:to:subject; bh=x; b=y\r\n", "")
        .replace(
            "Hi Bob, the minutes are below. See you next week.",
            "Congratulations, you have won a prize in our summer draw!",
        );
    let r = report(&unproven);
    assert!(fires(&r, "prize-lure"), "{:?}", r.reasons);
    assert_eq!(grade_of(&r, "prize-lure"), Grade::Strong);
}
