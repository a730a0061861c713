//! Authentication checks: SPF, DKIM, DMARC, ARC, Microsoft's composite result, and
//! authentication claims written where the sender could forge them.

use super::finding::{CheckDef, Ctx, Finding};
use crate::analysis::auth::aligned;
use crate::analysis::domains;
use crate::analysis::identity::org_domain;
use crate::analysis::types::{
    AuthOutcome, AuthSource, AuthValue, Family, Grade, Location, MessageKind, Report,
};

pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "spf-fail",
        family: Family::Authentication,
        grade: Grade::Strong,
        run: spf_fail,
    },
    CheckDef {
        id: "spf-softfail",
        family: Family::Authentication,
        grade: Grade::Hint,
        run: spf_softfail,
    },
    CheckDef {
        id: "spf-none",
        family: Family::Authentication,
        grade: Grade::Hint,
        run: spf_none,
    },
    CheckDef {
        id: "spf-error",
        family: Family::Authentication,
        grade: Grade::Hint,
        run: spf_error,
    },
    CheckDef {
        id: "dkim-fail",
        family: Family::Authentication,
        grade: Grade::Hint,
        run: dkim_fail,
    },
    CheckDef {
        id: "dkim-none",
        family: Family::Authentication,
        grade: Grade::Hint,
        run: dkim_none,
    },
    CheckDef {
        id: "dkim-unrelated-domain",
        family: Family::Authentication,
        grade: Grade::Hint,
        run: dkim_unrelated,
    },
    CheckDef {
        id: "dmarc-fail",
        family: Family::Authentication,
        grade: Grade::Proof,
        run: dmarc_fail,
    },
    CheckDef {
        id: "dmarc-policy-none",
        family: Family::Authentication,
        grade: Grade::Hint,
        run: dmarc_policy_none,
    },
    CheckDef {
        id: "alignment-failure",
        family: Family::Authentication,
        grade: Grade::Hint,
        run: alignment_failure,
    },
    CheckDef {
        id: "no-sender-proven",
        family: Family::Authentication,
        grade: Grade::Strong,
        run: no_sender_proven,
    },
    CheckDef {
        id: "compauth-fail",
        family: Family::Authentication,
        grade: Grade::Strong,
        run: compauth_fail,
    },
    CheckDef {
        id: "arc-broken",
        family: Family::Authentication,
        grade: Grade::Hint,
        run: arc_broken,
    },
    CheckDef {
        id: "forged-auth-results",
        family: Family::Authentication,
        grade: Grade::Proof,
        run: forged_auth_results,
    },
];

/// "recorded at delivery" or "re-checked now": lessons and summaries say which was used.
fn source_words(o: &AuthOutcome) -> &'static str {
    match o.source {
        AuthSource::Recorded => "as recorded by your mail server at delivery",
        AuthSource::Live => "re-checked now",
    }
}

/// Evidence for an auth outcome: the header it was read from, or the live result.
fn evidence(f: Finding, r: &Report, o: &AuthOutcome, what: &str) -> Finding {
    match (o.source, o.header_index) {
        (AuthSource::Recorded, Some(i)) => f.with_header(r, i),
        _ => {
            let text = format!(
                "{what}={} ({}){}",
                o.result.as_str(),
                source_words(o),
                o.detail
                    .as_deref()
                    .map(|d| format!(": {d}"))
                    .unwrap_or_default()
            );
            f.with(Location::Message, text)
        }
    }
}

fn from_domain(r: &Report) -> Option<&str> {
    r.identity.from.as_ref().and_then(|f| f.domain.as_deref())
}

fn domain_words(o: &AuthOutcome) -> String {
    o.domain
        .as_deref()
        .map(|d| format!(" for {d}"))
        .unwrap_or_default()
}

/// True when a mailing list or a forwarder explains broken authentication. Only signs the
/// sender cannot simply write into the message count (see `SenderFacts::via_list`).
fn relayed(r: &Report) -> bool {
    r.sender.via_list || r.sender.arc_vouched
}

/// A bounce or another notification: its envelope sender is empty, so SPF could only check
/// the sending server's own name (its HELO).
fn null_envelope(r: &Report) -> bool {
    crate::analysis::sender::null_envelope(&r.headers)
}

/// Whether the SPF result speaks for the organisation in the From address.
fn spf_for_from(r: &Report, o: &AuthOutcome) -> bool {
    match (o.domain.as_deref(), r.sender.from_org_domain.as_deref()) {
        (Some(d), Some(from)) => org_domain(d) == from,
        _ => false,
    }
}

fn spf_fail(c: &Ctx) -> Finding {
    let o = &c.r.auth.spf;
    match o.result {
        AuthValue::Fail => {
            // A forwarder or list that keeps the original envelope breaks SPF honestly, and
            // a bounce's SPF result is only about the sending server's name.
            let weight = if relayed(c.r) || null_envelope(c.r) {
                2
            } else {
                5
            };
            let summary = format!(
                "The server that sent this message is not allowed to send mail{} ({})",
                domain_words(o),
                source_words(o)
            );
            // The domain in the From address disowning the server is a strong sign; another
            // domain (a mailing service's envelope, a server's own name) disowns only the
            // relay, not the author the message names.
            let grade = if spf_for_from(c.r, o) && !relayed(c.r) && !null_envelope(c.r) {
                Grade::Strong
            } else {
                Grade::Hint
            };
            evidence(Finding::fail(weight, summary), c.r, o, "spf").graded(grade)
        }
        _ if no_spf_result(o) => Finding::skip("No SPF result is available for this message"),
        v => Finding::pass(format!("SPF did not fail (result: {})", v.as_str())),
    }
}

fn spf_softfail(c: &Ctx) -> Finding {
    let o = &c.r.auth.spf;
    if o.result == AuthValue::SoftFail {
        let weight = if relayed(c.r) { 1 } else { 3 };
        return evidence(
            Finding::warn(
                weight,
                format!(
                    "The sending server is probably not one the domain uses{} ({})",
                    domain_words(o),
                    source_words(o)
                ),
            ),
            c.r,
            o,
            "spf",
        );
    }
    Finding::pass(format!("SPF result: {}", o.result.as_str()))
}

fn spf_none(c: &Ctx) -> Finding {
    let o = &c.r.auth.spf;
    if o.result == AuthValue::None && null_envelope(c.r) {
        return Finding::pass(
            "A bounce or automatic reply carries no envelope sender, so SPF could only check the sending server's own name, which few servers publish a record for",
        );
    }
    if o.result == AuthValue::None && (o.header_index.is_some() || o.source == AuthSource::Live) {
        return evidence(
            Finding::warn(
                2,
                format!(
                    "The sender's domain{} does not say which servers may send its mail",
                    domain_words(o)
                ),
            ),
            c.r,
            o,
            "spf",
        );
    }
    if o.header_index.is_none() && o.source == AuthSource::Recorded {
        return Finding::skip("No SPF result is available for this message");
    }
    Finding::pass(format!("SPF result: {}", o.result.as_str()))
}

fn spf_error(c: &Ctx) -> Finding {
    let o = &c.r.auth.spf;
    if matches!(o.result, AuthValue::TempError | AuthValue::PermError) {
        let words = if o.result == AuthValue::PermError {
            "The sender's domain publishes a broken SPF record, so its servers cannot be checked"
        } else {
            "The SPF check could not be completed (a temporary DNS problem)"
        };
        return evidence(Finding::warn(1, words), c.r, o, "spf");
    }
    if no_spf_result(o) {
        return Finding::skip("No SPF result is available for this message");
    }
    Finding::pass(format!("SPF result: {}", o.result.as_str()))
}

/// No SPF result at all: nothing recorded in a trusted header and nothing checked live.
fn no_spf_result(o: &AuthOutcome) -> bool {
    o.header_index.is_none() && o.source == AuthSource::Recorded
}

fn dkim_fail(c: &Ctx) -> Finding {
    let o = &c.r.auth.dkim;
    if !matches!(
        o.result,
        AuthValue::Fail | AuthValue::PermError | AuthValue::Policy
    ) {
        return Finding::pass(format!("No failed signature (DKIM: {})", o.result.as_str()));
    }
    // A signature that verified at delivery but not now is more often a rotated key or a
    // message edited after delivery than forgery.
    let recorded_pass =
        c.r.auth
            .recorded
            .dkim
            .as_ref()
            .is_some_and(|d| d.result == AuthValue::Pass);
    if o.source == AuthSource::Live && recorded_pass {
        return evidence(
            Finding::warn(1, "The signature checked out when the message arrived but not now: the key may have changed, or the message was edited after delivery"),
            c.r, o, "dkim",
        );
    }
    // A malformed signature or a missing key is far more often a sender's slip than a
    // forgery: a forger simply leaves the signature out.
    let weight = match o.result {
        _ if relayed(c.r) => 1,
        AuthValue::PermError => 2,
        _ => 4,
    };
    let what = match o.result {
        AuthValue::Fail => "does not match the message's content",
        AuthValue::PermError => "cannot be checked: it is malformed or its key is missing",
        _ => "was rejected by the receiving server's rules",
    };
    let summary = format!(
        "The message's digital signature{} {what} ({})",
        domain_words(o),
        source_words(o)
    );
    evidence(Finding::warn(weight, summary), c.r, o, "dkim")
}

/// When DKIM signatures came into use (DomainKeys, its predecessor, from 2004; DKIM itself
/// from 2007): mail delivered before this carries none, whoever sent it.
const SIGNATURES_IN_USE_FROM: i64 = 1_104_537_600; // 2005-01-01T00:00:00Z

fn dkim_none(c: &Ctx) -> Finding {
    let o = &c.r.auth.dkim;
    if c.r.auth.dkim_signatures.is_empty()
        && c.r
            .path
            .delivered_at
            .is_some_and(|t| t < SIGNATURES_IN_USE_FROM)
    {
        return Finding::pass("No digital signature, as for all mail of its time: it was delivered before senders signed their mail (DKIM came into use from 2005)");
    }
    if c.r.auth.dkim_signatures.is_empty() && matches!(o.result, AuthValue::None) {
        return Finding::warn(1, "The message carries no digital signature (DKIM)")
            .with(Location::Message, "no DKIM-Signature header");
    }
    Finding::pass(format!(
        "{} signature(s) present",
        c.r.auth.dkim_signatures.len()
    ))
}

fn dkim_unrelated(c: &Ctx) -> Finding {
    let o = &c.r.auth.dkim;
    let (Some(from), Some(d)) = (from_domain(c.r), o.domain.as_deref()) else {
        return Finding::skip("No passing signature domain to compare with the sender");
    };
    if o.result != AuthValue::Pass {
        return Finding::skip("No passing signature");
    }
    if aligned(d, from) {
        return Finding::pass(format!(
            "The signature belongs to the sender's own domain ({d})"
        ));
    }
    evidence(
        Finding::warn(
            2,
            format!("The only valid signature is from {d}, not from the sender's domain {from}"),
        ),
        c.r,
        o,
        "dkim",
    )
}

fn dmarc_fail(c: &Ctx) -> Finding {
    let o = &c.r.auth.dmarc;
    match o.result {
        AuthValue::Fail => {
            let relayed = relayed(c.r);
            let weight = if relayed { 3 } else { 8 };
            // The domain disowns the message outright only when it asks receivers to
            // refuse or quarantine such mail; under "none" it is still gathering reports,
            // and a list or forwarder in the path may be what broke the checks.
            // A large webmail provider signs everything its users send: an address there
            // failing DMARC was written on someone else's server, whatever its policy says.
            let provider = o
                .domain
                .as_deref()
                .or(from_domain(c.r))
                .is_some_and(domains::is_signing_mail_provider);
            let grade = match dmarc_policy(c.r).as_deref() {
                _ if relayed => Grade::Hint,
                Some("reject" | "quarantine") => Grade::Proof,
                _ if provider => Grade::Proof,
                _ => Grade::Strong,
            };
            evidence(
                Finding::fail(weight, format!("The sender's domain{} says it did not send this message (DMARC failed, {})", domain_words(o), source_words(o))),
                c.r, o, "dmarc",
            )
            .graded(grade)
        }
        AuthValue::None if o.header_index.is_none() && o.source == AuthSource::Recorded => {
            Finding::skip("No DMARC result is available for this message")
        }
        v => Finding::pass(format!("DMARC result: {}", v.as_str())),
    }
}

/// The From domain's DMARC policy, live when it was looked up, else as recorded.
fn dmarc_policy(r: &Report) -> Option<String> {
    r.auth
        .live
        .as_ref()
        .and_then(|l| l.dmarc_policy.clone())
        .or_else(|| r.auth.recorded.dmarc_policy.clone())
        .map(|p| p.to_ascii_lowercase())
}

fn dmarc_policy_none(c: &Ctx) -> Finding {
    match dmarc_policy(c.r).as_deref() {
        Some("none") => {
            let f = Finding::warn(1, "The sender's domain does not ask receivers to block fakes (DMARC policy: none), so impostors are not stopped");
            match c.r.auth.dmarc.header_index {
                Some(i) => f.with_header(c.r, i),
                None => f.with(Location::Message, "p=none"),
            }
        }
        Some(p) => Finding::pass(format!("The sender's domain asks receivers to {p} fakes")),
        None => Finding::skip("The DMARC policy is not known"),
    }
}

fn no_sender_proven(c: &Ctx) -> Finding {
    let r = c.r;
    let Some(from) = from_domain(r) else {
        return Finding::skip("No sender domain");
    };
    if r.kind == MessageKind::Machine {
        return Finding::skip("An automatic message from a mail system, judged by its structure");
    }
    if relayed(r) {
        return Finding::skip(
            "Relayed by a mailing list or a forwarder, which changes what the checks can prove",
        );
    }
    let rec = &r.auth.recorded;
    let Some(index) = [&rec.spf, &rec.dkim, &rec.dmarc]
        .into_iter()
        .flatten()
        .find_map(|o| o.header_index)
    else {
        return Finding::skip("Your mail server recorded no sender checks for this message");
    };
    if let Some(d) = r.sender.authenticated_domains.first() {
        return Finding::pass(format!("A sender check vouches for {d}"));
    }
    Finding::warn(
        3,
        format!("Your mail server checked, and nothing vouches for any sender: no allowed server (SPF) and no valid signature (DKIM), neither for {from} nor for anyone else"),
    )
    .with_header(r, index)
}

fn alignment_failure(c: &Ctx) -> Finding {
    let Some(from) = from_domain(c.r) else {
        return Finding::skip("No sender domain");
    };
    let a = &c.r.auth;
    if a.dmarc.result != AuthValue::None || a.dmarc.header_index.is_some() {
        return Finding::skip("DMARC already judged alignment");
    }
    let spf_ok = a.spf.result == AuthValue::Pass;
    let dkim_ok = a.dkim.result == AuthValue::Pass;
    if !spf_ok && !dkim_ok {
        return Finding::skip("Neither SPF nor DKIM passed");
    }
    // A result that does not say which domain it checked says nothing about alignment.
    let passed = [(spf_ok, &a.spf), (dkim_ok, &a.dkim)];
    if passed.iter().all(|(ok, o)| !ok || o.domain.is_none()) {
        return Finding::skip("The passing check does not say which domain it checked");
    }
    let spf_aligned = spf_ok && a.spf.domain.as_deref().is_some_and(|d| aligned(d, from));
    let dkim_aligned = dkim_ok && a.dkim.domain.as_deref().is_some_and(|d| aligned(d, from));
    if spf_aligned || dkim_aligned {
        return Finding::pass(format!(
            "A passing check belongs to the sender's domain {from}"
        ));
    }
    let f = Finding::warn(
        2,
        format!("Checks passed, but for other domains, not for the sender's domain {from}"),
    );
    evidence(
        f,
        c.r,
        if dkim_ok { &a.dkim } else { &a.spf },
        if dkim_ok { "dkim" } else { "spf" },
    )
}

fn compauth_fail(c: &Ctx) -> Finding {
    let Some(o) = &c.r.auth.compauth else {
        return Finding::skip("No Microsoft composite authentication result");
    };
    let reason = o.detail.clone().unwrap_or_default();
    let code: String = reason
        .chars()
        .filter(|c| c.is_ascii_digit())
        .take(3)
        .collect();
    let f = match o.result {
        // Reason 000: the From domain's own DMARC policy (quarantine or reject) failed: the
        // domain disowns the message, which is proof. Other reasons are Microsoft's own
        // inference where the domain published no such policy.
        AuthValue::Fail if code == "000" => Finding::fail(
            6,
            format!(
                "Microsoft's combined sender check failed{}",
                code_words(&code)
            ),
        )
        .graded(Grade::Proof),
        AuthValue::Fail => Finding::fail(
            6,
            format!(
                "Microsoft's combined sender check failed{}",
                code_words(&code)
            ),
        ),
        AuthValue::SoftFail => Finding::warn(
            3,
            format!(
                "Microsoft's combined sender check was doubtful{}",
                code_words(&code)
            ),
        ),
        // 3xx: not checked; 4xx/9xx: an organisation rule let it through unchecked.
        AuthValue::None
            if code.starts_with('3') || code.starts_with('4') || code.starts_with('9') =>
        {
            return Finding::pass(format!(
                "Microsoft did not judge the sender{}",
                code_words(&code)
            ));
        }
        AuthValue::None => Finding::warn(1, "Microsoft could not confirm who sent this message"),
        // "softpass" and "pass" both mean Microsoft was satisfied.
        _ => return Finding::pass("Microsoft's combined sender check passed"),
    };
    evidence(f, c.r, o, "compauth")
}

/// Microsoft compauth reason codes, in words.
fn code_words(code: &str) -> String {
    let words = match code {
        "000" => "the sender's domain publishes a DMARC policy and the message failed it",
        "001" => "the message failed the sender checks and the domain publishes no DMARC policy",
        "002" => "your organisation blocks this sender and domain pair",
        "010" => "the message failed DMARC and claims to come from your own organisation's domain",
        c if c.starts_with('6') => {
            "the message claims to come from your own organisation's domain but could not prove it"
        }
        c if c.starts_with('3') => "the check was not run",
        c if c.starts_with('4') || c.starts_with('9') => {
            "an organisation rule let it through without the check"
        }
        _ => "",
    };
    if words.is_empty() {
        String::new()
    } else {
        format!(" ({words})")
    }
}

fn arc_broken(c: &Ctx) -> Finding {
    let o = &c.r.auth.arc;
    if c.r.auth.arc_sets == 0 && o.header_index.is_none() && o.source == AuthSource::Recorded {
        return Finding::skip("The message was not sealed by a forwarder (no ARC)");
    }
    match o.result {
        AuthValue::Fail => evidence(
            Finding::warn(
                2,
                "The chain of seals added by forwarders is broken (ARC failed)",
            ),
            c.r,
            o,
            "arc",
        ),
        AuthValue::Pass => Finding::pass("The forwarders' seals are intact (ARC passed)"),
        v => Finding::pass(format!("ARC result: {}", v.as_str())),
    }
}

fn forged_auth_results(c: &Ctx) -> Finding {
    let r = c.r;
    if r.path.boundary_header_index.is_none() {
        return Finding::skip("No trust boundary: the message has no delivery path to judge");
    }
    let receiver = &r.path.receiver_domains;
    let untrusted_pass = r.auth.results_headers.iter().filter(|h| {
        !h.trusted
            && h.header_name.eq_ignore_ascii_case("Authentication-Results")
            && h.methods.iter().any(|m| m.result == AuthValue::Pass)
    });
    let mut worst: Option<(bool, usize)> = None;
    for h in untrusted_pass {
        // Claiming to be the recipient's own server from below the boundary is a forgery;
        // other earlier servers' results are just not ours to believe.
        let claims_receiver = h.authserv_id.as_deref().is_some_and(|id| {
            let org = crate::analysis::identity::org_domain(id);
            receiver.contains(&org)
        });
        if worst.is_none_or(|(c, _)| claims_receiver && !c) {
            worst = Some((claims_receiver, h.header_index));
        }
    }
    match worst {
        Some((true, i)) => Finding::fail(8, "A header claims your own mail server approved this message, but it was written before your server received it: it is forged")
            .with_header(r, i),
        Some((false, i)) => Finding::warn(0, "An earlier server's authentication claims are in the message; mailsleuth ignores them because they were written before your server received it")
            .with_header(r, i),
        None => Finding::pass("No authentication claims below the trust boundary"),
    }
}
