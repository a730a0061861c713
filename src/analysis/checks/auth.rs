//! Authentication checks: SPF, DKIM, DMARC, ARC, Microsoft's composite result, and
//! authentication claims written where the sender could forge them.

use super::finding::{CheckDef, Ctx, Finding};
use crate::analysis::auth::aligned;
use crate::analysis::types::{AuthOutcome, AuthSource, AuthValue, Family, Location, Report};

pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "spf-fail",
        family: Family::Authentication,
        run: spf_fail,
    },
    CheckDef {
        id: "spf-softfail",
        family: Family::Authentication,
        run: spf_softfail,
    },
    CheckDef {
        id: "spf-none",
        family: Family::Authentication,
        run: spf_none,
    },
    CheckDef {
        id: "spf-error",
        family: Family::Authentication,
        run: spf_error,
    },
    CheckDef {
        id: "dkim-fail",
        family: Family::Authentication,
        run: dkim_fail,
    },
    CheckDef {
        id: "dkim-none",
        family: Family::Authentication,
        run: dkim_none,
    },
    CheckDef {
        id: "dkim-unrelated-domain",
        family: Family::Authentication,
        run: dkim_unrelated,
    },
    CheckDef {
        id: "dmarc-fail",
        family: Family::Authentication,
        run: dmarc_fail,
    },
    CheckDef {
        id: "dmarc-policy-none",
        family: Family::Authentication,
        run: dmarc_policy_none,
    },
    CheckDef {
        id: "alignment-failure",
        family: Family::Authentication,
        run: alignment_failure,
    },
    CheckDef {
        id: "compauth-fail",
        family: Family::Authentication,
        run: compauth_fail,
    },
    CheckDef {
        id: "arc-broken",
        family: Family::Authentication,
        run: arc_broken,
    },
    CheckDef {
        id: "forged-auth-results",
        family: Family::Authentication,
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

fn spf_fail(c: &Ctx) -> Finding {
    let o = &c.r.auth.spf;
    match o.result {
        AuthValue::Fail => {
            // A forwarder or list that keeps the original envelope breaks SPF honestly.
            let weight = if relayed(c.r) { 2 } else { 5 };
            let summary = format!(
                "The server that sent this message is not allowed to send mail{} ({})",
                domain_words(o),
                source_words(o)
            );
            evidence(Finding::fail(weight, summary), c.r, o, "spf")
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
    let weight = if relayed(c.r) { 1 } else { 4 };
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

fn dkim_none(c: &Ctx) -> Finding {
    let o = &c.r.auth.dkim;
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
            let weight = if relayed(c.r) { 3 } else { 8 };
            evidence(
                Finding::fail(weight, format!("The sender's domain{} says it did not send this message (DMARC failed, {})", domain_words(o), source_words(o))),
                c.r, o, "dmarc",
            )
        }
        AuthValue::None if o.header_index.is_none() && o.source == AuthSource::Recorded => {
            Finding::skip("No DMARC result is available for this message")
        }
        v => Finding::pass(format!("DMARC result: {}", v.as_str())),
    }
}

fn dmarc_policy_none(c: &Ctx) -> Finding {
    let policy =
        c.r.auth
            .live
            .as_ref()
            .and_then(|l| l.dmarc_policy.clone())
            .or_else(|| c.r.auth.recorded.dmarc_policy.clone());
    match policy.as_deref() {
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
