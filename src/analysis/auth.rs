//! Recorded authentication: Authentication-Results (RFC 8601 and Microsoft's forms),
//! ARC-Authentication-Results, Received-SPF and DKIM-Signature, with trust decided by
//! where each header sits relative to the trust boundary.

use super::headers::named;
use super::identity::org_domain;
use super::types::{
    AuthOutcome, AuthResultsHeader, AuthSource, AuthSummary, AuthValue, DkimSignatureInfo, Grounds,
    HeaderPath, LiveAuth, MethodResult, RawHeader, ReceivedSpf, RecordedAuth,
};

/// Method names that start a new result inside an Authentication-Results segment.
const METHODS: &[&str] = &[
    "spf",
    "dkim",
    "dmarc",
    "arc",
    "compauth",
    "iprev",
    "auth",
    "dkim-atps",
    "bimi",
    "smime",
    "vbr",
    "dnswl",
    "sender-id",
    "domainkeys",
    "rrvs",
];

fn is_method(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    METHODS.contains(&n.as_str()) || n.starts_with("x-")
}

/// Splits on `sep` outside quotes and (nested) comments.
fn split_top(s: &str, sep: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0usize;
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' if depth == 0 => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth = depth.saturating_sub(1),
            _ => {}
        }
        if c == sep && depth == 0 && !quoted {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    out.push(cur);
    out
}

/// Splits a segment into whitespace tokens, keeping comments attached as their own tokens.
fn tokens(seg: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0usize;
    let mut quoted = false;
    for c in seg.chars() {
        match c {
            '(' if !quoted => {
                if depth == 0 && !cur.trim().is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                depth += 1;
                cur.push(c);
            }
            ')' if !quoted && depth > 0 => {
                depth -= 1;
                cur.push(c);
                if depth == 0 {
                    out.push(std::mem::take(&mut cur));
                }
            }
            '"' if depth == 0 => {
                quoted = !quoted;
                cur.push(c);
            }
            c if c.is_whitespace() && depth == 0 && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            _ => cur.push(c),
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur);
    }
    out.into_iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

/// Parses the body of an Authentication-Results header (after any ARC `i=N;`).
/// Returns (authserv-id, methods).
pub fn parse_results(value: &str) -> (Option<String>, Vec<MethodResult>) {
    let segments = split_top(value, ';');
    let mut authserv = None;
    let mut methods: Vec<MethodResult> = Vec::new();
    for (i, seg) in segments.iter().enumerate() {
        let toks = tokens(seg);
        let Some(first) = toks.first() else { continue };
        let first_is_method = first
            .split_once('=')
            .is_some_and(|(k, _)| is_method(k.trim()));
        if i == 0 && !first_is_method {
            // RFC 8601: authserv-id [version]. Microsoft omits it.
            if !first.starts_with('(') {
                authserv = Some(first.trim_matches('"').to_ascii_lowercase());
            }
            continue;
        }
        for tok in toks {
            if tok.starts_with('(') {
                if let Some(m) = methods.last_mut() {
                    let comment = tok
                        .trim_start_matches('(')
                        .trim_end_matches(')')
                        .trim()
                        .to_string();
                    if m.reason.is_none() {
                        m.reason = Some(comment);
                    } else {
                        m.props.push(("comment".into(), comment));
                    }
                }
                continue;
            }
            let Some((k, v)) = tok.split_once('=') else {
                continue;
            };
            let (k, v) = (k.trim(), v.trim().trim_matches('"'));
            if is_method(k) {
                methods.push(MethodResult {
                    method: k.to_ascii_lowercase(),
                    result: AuthValue::parse(v),
                    result_raw: v.to_ascii_lowercase(),
                    reason: None,
                    props: Vec::new(),
                });
            } else if let Some(m) = methods.last_mut() {
                if k.eq_ignore_ascii_case("reason") && m.reason.is_none() {
                    m.reason = Some(v.to_string());
                } else {
                    m.props.push((k.to_ascii_lowercase(), v.to_string()));
                }
            }
        }
    }
    (authserv, methods)
}

/// Parses `tag=value; tag=value` lists (DKIM-Signature, ARC-Seal).
pub fn tag_list(value: &str) -> Vec<(String, String)> {
    value
        .split(';')
        .filter_map(|p| {
            let (k, v) = p.split_once('=')?;
            let v: String = v.chars().filter(|c| !c.is_whitespace()).collect();
            Some((k.trim().to_ascii_lowercase(), v))
        })
        .collect()
}

fn tag<'a>(tags: &'a [(String, String)], name: &str) -> Option<&'a str> {
    tags.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn dkim_signature(h: &RawHeader) -> DkimSignatureInfo {
    let tags = tag_list(&h.value);
    DkimSignatureInfo {
        header_index: h.index,
        domain: tag(&tags, "d").map(|d| d.to_ascii_lowercase()),
        selector: tag(&tags, "s").map(str::to_string),
        algorithm: tag(&tags, "a").map(str::to_string),
        signed_headers: tag(&tags, "h")
            .map(|h| {
                h.split(':')
                    .map(|s| s.trim().to_ascii_lowercase())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
        timestamp: tag(&tags, "t").and_then(|t| t.parse().ok()),
        expiration: tag(&tags, "x").and_then(|t| t.parse().ok()),
    }
}

fn received_spf(h: &RawHeader, trusted: bool) -> ReceivedSpf {
    let v = h.value.trim();
    let word: String = v.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    let tags = tag_list(v.split_once(')').map(|(_, rest)| rest).unwrap_or(v));
    let find = |name: &str| {
        tags.iter()
            .find(|(k, _)| k.ends_with(name))
            .map(|(_, v)| v.trim_matches(|c| c == '<' || c == '>').to_string())
            .filter(|v| !v.is_empty())
    };
    ReceivedSpf {
        header_index: h.index,
        result: AuthValue::parse(&word),
        client_ip: find("client-ip"),
        helo: find("helo"),
        envelope_from: find("envelope-from"),
        trusted,
        raw: h.value.clone(),
    }
}

/// Headers above the boundary `Received` field were added by the recipient's side.
fn is_trusted(index: usize, path: &HeaderPath) -> bool {
    path.boundary_header_index.is_some_and(|b| index < b)
}

/// Some receivers (Gmail among them) write their results just *below* their own
/// `Received` line. Such a header is believed only when no other `Received` line stands
/// between it and the boundary and it names one of the recipient's own servers; a
/// sender's forgery further down, or one naming another server, stays untrusted.
fn attached_to_boundary(index: usize, authority: Option<&str>, path: &HeaderPath) -> bool {
    let Some(b) = path.boundary_header_index else {
        return false;
    };
    let next_received = path
        .hops
        .iter()
        .map(|h| h.header_index)
        .filter(|&i| i > b)
        .min()
        .unwrap_or(usize::MAX);
    index > b
        && index < next_received
        && authority.is_some_and(|a| path.receiver_domains.contains(&org_domain(a)))
}

/// Some receivers (Proton among them) file their results after the whole Received block.
/// When none of the receiver's results sit in the usual places, the *first* run of
/// results naming the receiver is believed: the receiver adds its own before anything the
/// sender wrote further down, and later claims in its name stay untrusted (and flagged).
fn trust_first_receiver_run(results: &mut [AuthResultsHeader], path: &HeaderPath) {
    let is_ar =
        |h: &AuthResultsHeader| h.header_name.eq_ignore_ascii_case("Authentication-Results");
    if results.iter().any(|h| h.trusted) {
        return;
    }
    let Some(b) = path.boundary_header_index else {
        return;
    };
    let names_receiver = |h: &AuthResultsHeader| {
        h.authserv_id
            .as_deref()
            .is_some_and(|a| path.receiver_domains.contains(&org_domain(a)))
    };
    let Some(start) = results
        .iter()
        .position(|h| is_ar(h) && h.header_index > b && names_receiver(h))
    else {
        return;
    };
    let id = results.get(start).and_then(|h| h.authserv_id.clone());
    let mut last_index = None;
    for h in results.iter_mut().skip(start) {
        let contiguous = last_index.is_none_or(|l: usize| h.header_index == l + 1);
        if !is_ar(h) || h.authserv_id != id || !contiguous {
            break;
        }
        h.trusted = true;
        last_index = Some(h.header_index);
    }
}

/// The server named in a Received-SPF comment: "pass (mx.example.com: domain of …".
fn spf_authority(value: &str) -> Option<String> {
    let start = value.find('(')? + 1;
    let rest = value.get(start..)?;
    let end = rest.find(':')?;
    let name = rest.get(..end)?.trim();
    (name.contains('.') && !name.contains(' ')).then(|| name.to_ascii_lowercase())
}

/// Extracts the recorded authentication results.
pub fn extract(headers: &[RawHeader], path: &HeaderPath, from_domain: Option<&str>) -> AuthSummary {
    // When a receiving server wrote its results above its own Received line, anything in
    // its name below that line is not its own: the Gmail-style exception does not apply to
    // that name. (Another of the recipient's servers, one hop further in, may well write
    // below its own line.)
    let names_above: std::collections::HashSet<String> = named(headers, "Authentication-Results")
        .filter(|h| is_trusted(h.index, path))
        .filter_map(|h| parse_results(&h.value).0)
        .map(|id| id.to_ascii_lowercase())
        .collect();
    let written_above =
        |id: Option<&str>| id.is_some_and(|id| names_above.contains(&id.to_ascii_lowercase()));
    let mut results: Vec<AuthResultsHeader> = Vec::new();
    for h in headers {
        let is_ar = h.name.eq_ignore_ascii_case("Authentication-Results")
            || h.name
                .eq_ignore_ascii_case("X-Original-Authentication-Results");
        let is_arc = h.name.eq_ignore_ascii_case("ARC-Authentication-Results");
        if !is_ar && !is_arc {
            continue;
        }
        let (instance, body) = if is_arc {
            let (first, rest) = h.value.split_once(';').unwrap_or(("", &h.value));
            let i = first
                .trim()
                .strip_prefix("i=")
                .and_then(|n| n.trim().parse().ok());
            (i, rest.to_string())
        } else {
            (None, h.value.clone())
        };
        let (authserv_id, methods) = parse_results(&body);
        let authserv_ref = authserv_id.clone();
        results.push(AuthResultsHeader {
            header_index: h.index,
            header_name: h.name.clone(),
            arc_instance: instance,
            authserv_id,
            trusted: h.name.eq_ignore_ascii_case("Authentication-Results")
                && (is_trusted(h.index, path)
                    || (!written_above(authserv_ref.as_deref())
                        && attached_to_boundary(h.index, authserv_ref.as_deref(), path))),
            methods,
            raw: h.value.clone(),
        });
    }
    trust_first_receiver_run(&mut results, path);
    let received_spf: Vec<ReceivedSpf> = named(headers, "Received-SPF")
        .map(|h| {
            let trusted = is_trusted(h.index, path)
                || attached_to_boundary(h.index, spf_authority(&h.value).as_deref(), path);
            received_spf(h, trusted)
        })
        .collect();
    let dkim_signatures: Vec<DkimSignatureInfo> = named(headers, "DKIM-Signature")
        .map(dkim_signature)
        .collect();
    let arc_sets = named(headers, "ARC-Seal").count();
    let recorded = recorded(&results, &received_spf, from_domain);
    let mut summary = AuthSummary {
        results_headers: results,
        received_spf,
        dkim_signatures,
        arc_sets,
        ..AuthSummary::default()
    };
    summary.recorded = recorded;
    set_effective(&mut summary);
    summary
}

fn outcome_of(m: &MethodResult, header_index: usize, domain_props: &[&str]) -> AuthOutcome {
    let domain = domain_props.iter().find_map(|p| m.prop(p)).map(|d| {
        d.trim_start_matches('@')
            .rsplit('@')
            .next()
            .unwrap_or(d)
            .to_ascii_lowercase()
    });
    let detail = match (&m.reason, m.result_raw.as_str()) {
        (Some(r), raw) if raw != m.result.as_str() => Some(format!("{raw}: {r}")),
        (Some(r), _) => Some(r.clone()),
        (None, raw) if raw != m.result.as_str() => Some(raw.to_string()),
        _ => None,
    };
    AuthOutcome {
        result: m.result,
        source: AuthSource::Recorded,
        domain,
        detail,
        header_index: Some(header_index),
    }
}

/// Is this DKIM result about a domain aligned with the From domain?
fn signs_for(m: &MethodResult, from_domain: Option<&str>) -> bool {
    let d = m
        .prop("header.d")
        .or_else(|| m.prop("header.i"))
        .unwrap_or_default();
    let d = d.rsplit('@').next().unwrap_or(d);
    from_domain.is_some_and(|f| !d.is_empty() && aligned(d, f))
}

/// Ranks DKIM results: a pass beats anything; then fail/policy; then the rest.
fn dkim_rank(v: AuthValue) -> u8 {
    match v {
        AuthValue::Pass => 0,
        AuthValue::Fail | AuthValue::Policy | AuthValue::PermError => 1,
        AuthValue::TempError | AuthValue::Neutral => 2,
        _ => 3,
    }
}

fn recorded(
    results: &[AuthResultsHeader],
    spf_headers: &[ReceivedSpf],
    from_domain: Option<&str>,
) -> RecordedAuth {
    let mut rec = RecordedAuth::default();
    // Topmost trusted header that speaks of a method wins: it is the last word of the
    // recipient's own servers.
    let trusted: Vec<&AuthResultsHeader> = results
        .iter()
        .filter(|h| h.trusted && h.header_name.eq_ignore_ascii_case("Authentication-Results"))
        .collect();
    let find = |method: &str| -> Option<(usize, &MethodResult)> {
        trusted.iter().find_map(|h| {
            h.methods
                .iter()
                .find(|m| m.method == method)
                .map(|m| (h.header_index, m))
        })
    };
    rec.spf = find("spf").map(|(i, m)| outcome_of(m, i, &["smtp.mailfrom", "smtp.helo"]));
    if rec.spf.is_none() {
        rec.spf = spf_headers.iter().find(|s| s.trusted).map(|s| AuthOutcome {
            result: s.result,
            source: AuthSource::Recorded,
            domain: s
                .envelope_from
                .as_deref()
                .and_then(|e| e.rsplit('@').next())
                .map(str::to_ascii_lowercase),
            detail: s.client_ip.as_ref().map(|ip| format!("client IP {ip}")),
            header_index: Some(s.header_index),
        });
    }
    // DKIM: all results of the topmost trusted header that has any; best one wins.
    if let Some(h) = trusted
        .iter()
        .find(|h| h.methods.iter().any(|m| m.method == "dkim"))
    {
        let best = h
            .methods
            .iter()
            .filter(|m| m.method == "dkim")
            // Among passes, the sender's own domain wins over a mailing service's signature.
            .min_by_key(|m| (dkim_rank(m.result), !signs_for(m, from_domain)));
        rec.dkim = best.map(|m| outcome_of(m, h.header_index, &["header.d", "header.i"]));
    }
    if let Some((i, m)) = find("dmarc") {
        rec.dmarc_policy = m
            .prop("policy.dmarc")
            .map(str::to_string)
            .or_else(|| {
                let text = m.reason.clone().unwrap_or_default().to_ascii_lowercase();
                let pos = text.find("p=")? + 2;
                Some(
                    text.get(pos..)?
                        .chars()
                        .take_while(|c| c.is_ascii_alphabetic())
                        .collect(),
                )
            })
            .filter(|p: &String| !p.is_empty())
            // Microsoft writes the policy as the action it calls for: "action=quarantine",
            // "action=oreject" (reject, overridden by the tenant: the domain still asked).
            // "action=none" is also what it writes when the domain has no policy at all;
            // only beside a failure, which needs a published policy, does it mean p=none.
            .or_else(|| {
                m.prop("action")
                    .and_then(|a| match a.to_ascii_lowercase().as_str() {
                        "reject" | "oreject" => Some("reject".to_string()),
                        "quarantine" | "pct.quarantine" => Some("quarantine".to_string()),
                        "none" if m.result == AuthValue::Fail => Some("none".to_string()),
                        _ => None,
                    })
            })
            .map(|p| p.to_ascii_lowercase());
        rec.dmarc = Some(outcome_of(m, i, &["header.from"]));
    }
    rec.arc = find("arc").map(|(i, m)| outcome_of(m, i, &[]));
    rec.compauth = find("compauth").map(|(i, m)| outcome_of(m, i, &[]));
    rec
}

fn no_result(what: &str) -> AuthOutcome {
    AuthOutcome {
        result: AuthValue::None,
        source: AuthSource::Recorded,
        domain: None,
        detail: Some(format!("no trusted {what} result was recorded")),
        header_index: None,
    }
}

fn good(v: AuthValue) -> bool {
    matches!(v, AuthValue::Pass | AuthValue::BestGuessPass)
}

/// Does a live result take the place of the one recorded at delivery? Live results never
/// condemn on their own: one that rests on no answer (a lookup that failed or timed out, a
/// name DNS says does not exist, a key no longer published, a reserved name not looked up)
/// never does, and one that is worse than a pass recorded at delivery only does when the
/// message itself proves it was changed since (its body no longer matches its signature).
/// Otherwise the difference is "changed since delivery": shown, not judged.
pub fn live_overrules(
    recorded: Option<&AuthOutcome>,
    live: &AuthOutcome,
    grounds: Grounds,
) -> bool {
    if live.result == AuthValue::TempError || grounds.says_nothing() {
        return false;
    }
    let recorded_pass = recorded.is_some_and(|r| good(r.result));
    !recorded_pass || good(live.result) || grounds == Grounds::Altered
}

/// Chooses, per method, the result the checks rely on: live where it overrules the
/// recorded one (see [`live_overrules`]), else the trusted recorded one.
fn set_effective(a: &mut AuthSummary) {
    let rec = a.recorded.clone();
    let pick = |live: Option<(&AuthOutcome, Grounds)>,
                recorded: Option<AuthOutcome>,
                what: &str|
     -> AuthOutcome {
        match live {
            Some((l, grounds)) if live_overrules(recorded.as_ref(), l, grounds) => l.clone(),
            _ => recorded.unwrap_or_else(|| no_result(what)),
        }
    };
    let live = a.live.clone();
    let live = live.as_ref();
    a.spf = pick(live.map(|l| (&l.spf, l.grounds.spf)), rec.spf, "SPF");
    a.dkim = pick(live.map(|l| (&l.dkim, l.grounds.dkim)), rec.dkim, "DKIM");
    a.dmarc = pick(
        live.map(|l| (&l.dmarc, l.grounds.dmarc)),
        rec.dmarc,
        "DMARC",
    );
    a.arc = pick(live.map(|l| (&l.arc, l.grounds.arc)), rec.arc, "ARC");
    a.compauth = rec.compauth;
}

/// Adds live results and recomputes the effective ones.
pub fn merge_live(a: &mut AuthSummary, live: LiveAuth) {
    a.live = Some(live);
    set_effective(a);
}

/// Forgets live results: the effective ones are the recorded ones again.
pub fn forget_live(a: &mut AuthSummary) {
    a.live = None;
    set_effective(a);
}

/// Does `domain` align with `from_domain` under relaxed (organisational) alignment?
pub fn aligned(domain: &str, from_domain: &str) -> bool {
    org_domain(domain) == org_domain(from_domain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn microsoft_form_without_authserv_id() {
        let (id, m) = parse_results("spf=pass (sender IP is 209.85.219.43) smtp.mailfrom=gmail.com; dkim=pass (signature was verified) header.d=gmail.com;dmarc=pass action=none header.from=gmail.com;compauth=pass reason=100");
        assert_eq!(id, None);
        let names: Vec<&str> = m.iter().map(|x| x.method.as_str()).collect();
        assert_eq!(names, ["spf", "dkim", "dmarc", "compauth"]);
        assert_eq!(m[0].prop("smtp.mailfrom"), Some("gmail.com"));
        assert_eq!(m[0].reason.as_deref(), Some("sender IP is 209.85.219.43"));
        assert_eq!(m[3].reason.as_deref(), Some("100"));
    }

    #[test]
    fn microsoft_bestguesspass_and_compauth_fail() {
        let (_, m) = parse_results("spf=none (sender IP is 40.107.1.2) smtp.mailfrom=example.net; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=example.net;compauth=fail reason=601");
        assert_eq!(m[0].result, AuthValue::None);
        assert_eq!(m[3].result, AuthValue::Fail);
        let (_, m) = parse_results("spf=pass smtp.mailfrom=x.example; dmarc=bestguesspass action=none header.from=x.example");
        assert_eq!(m[1].result, AuthValue::BestGuessPass);
    }

    #[test]
    fn google_form_with_authserv_id() {
        let (id, m) = parse_results("mx.google.com;\n dkim=pass header.i=@example.com header.s=s1 header.b=abc;\n spf=pass (google.com: domain of bounce@example.com designates 192.0.2.1 as permitted sender) smtp.mailfrom=bounce@example.com;\n dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.com");
        assert_eq!(id.as_deref(), Some("mx.google.com"));
        assert_eq!(m.len(), 3);
        assert_eq!(m[2].reason.as_deref(), Some("p=REJECT sp=REJECT dis=NONE"));
    }

    #[test]
    fn postfix_opendkim_form_with_version_and_none() {
        let (id, m) = parse_results("mail.example.org; none");
        assert_eq!(id.as_deref(), Some("mail.example.org"));
        assert!(m.is_empty());
        let (id, m) = parse_results("mail.example.org 1; dkim=fail reason=\"signature verification failed\" (2048-bit key) header.d=example.com header.i=@example.com");
        assert_eq!(id.as_deref(), Some("mail.example.org"));
        assert_eq!(m[0].result, AuthValue::Fail);
        assert_eq!(
            m[0].reason.as_deref(),
            Some("signature verification failed")
        );
    }

    #[test]
    fn received_spf_fields() {
        let h = RawHeader { index: 3, name: "Received-SPF".into(), value: "Pass (protection.outlook.com: domain of gmail.com designates 209.85.219.43 as permitted sender) receiver=protection.outlook.com; client-ip=209.85.219.43; helo=mail-qv1-f43.google.com; pr=C".into() };
        let s = received_spf(&h, true);
        assert_eq!(s.result, AuthValue::Pass);
        assert_eq!(s.client_ip.as_deref(), Some("209.85.219.43"));
        assert_eq!(s.helo.as_deref(), Some("mail-qv1-f43.google.com"));
        let h = RawHeader { index: 3, name: "Received-SPF".into(), value: "softfail (example.net: transitioning domain of a.example does not designate 198.51.100.1 as permitted sender) client-ip=198.51.100.1; envelope-from=<x@a.example>; helo=[198.51.100.1];".into() };
        let s = received_spf(&h, true);
        assert_eq!(s.result, AuthValue::SoftFail);
        assert_eq!(s.envelope_from.as_deref(), Some("x@a.example"));
    }

    fn analysed(raw: &str) -> crate::analysis::Report {
        crate::analysis::analyze(raw.as_bytes(), &crate::analysis::Options::default()).unwrap()
    }

    const GMAIL_STYLE: &str = "Delivered-To: bob@example.com\nReceived: by 2002:a05:6a10:1 with SMTP id x; Mon, 6 May 2024 03:00:06 -0700 (PDT)\nReceived: from mail.shop.example (mail.shop.example. [198.51.100.7])\n        by mx.example.com with ESMTPS id y for <bob@example.com>; Mon, 6 May 2024 03:00:05 -0700 (PDT)\nReceived-SPF: pass (example.com: domain of news@shop.example designates 198.51.100.7 as permitted sender) client-ip=198.51.100.7;\nAuthentication-Results: mx.example.com;\n       dkim=pass header.i=@shop.example header.s=s1;\n       spf=pass (example.com: domain of news@shop.example designates 198.51.100.7 as permitted sender) smtp.mailfrom=news@shop.example;\n       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=shop.example\nAuthentication-Results: mx.example.com; dkim=pass header.i=@forged.example\nReceived: from [192.0.2.4] by mail.shop.example with ESMTPSA; Mon, 6 May 2024 10:00:01 +0000\nAuthentication-Results: mx.example.com; dmarc=pass header.from=bank.example\nFrom: Shop <news@shop.example>\nDate: Mon, 6 May 2024 10:00:00 +0000\nMessage-ID: <1@shop.example>\n\nhi\n";

    #[test]
    fn results_written_just_below_the_receivers_own_line_are_trusted() {
        let r = analysed(GMAIL_STYLE);
        assert_eq!(r.path.connecting_ip.as_deref(), Some("198.51.100.7"));
        assert_eq!(r.auth.dmarc.result, AuthValue::Pass);
        assert_eq!(r.auth.dmarc.domain.as_deref(), Some("shop.example"));
        assert_eq!(r.auth.recorded.dmarc_policy.as_deref(), Some("reject"));
        assert_eq!(r.auth.dkim.domain.as_deref(), Some("shop.example"));
        assert!(r.auth.received_spf.first().is_some_and(|s| s.trusted));
        // The claim below the sender's own Received line stays untrusted.
        let forged = r
            .auth
            .results_headers
            .iter()
            .find(|h| h.raw.contains("bank.example"))
            .unwrap();
        assert!(!forged.trusted);
    }

    fn outcome(result: AuthValue, source: AuthSource) -> AuthOutcome {
        AuthOutcome {
            result,
            source,
            ..AuthOutcome::default()
        }
    }

    #[test]
    fn a_live_result_without_an_answer_never_replaces_anything() {
        let pass = outcome(AuthValue::Pass, AuthSource::Recorded);
        for grounds in [Grounds::NoAnswer, Grounds::Reserved] {
            for v in [AuthValue::None, AuthValue::PermError, AuthValue::Fail] {
                let live = outcome(v, AuthSource::Live);
                assert!(
                    !live_overrules(Some(&pass), &live, grounds),
                    "{v:?} {grounds:?}"
                );
                assert!(!live_overrules(None, &live, grounds), "{v:?} {grounds:?}");
            }
        }
        let temp = outcome(AuthValue::TempError, AuthSource::Live);
        assert!(!live_overrules(None, &temp, Grounds::Answered));
    }

    #[test]
    fn a_live_failure_replaces_a_recorded_pass_only_when_the_message_was_altered() {
        let pass = outcome(AuthValue::Pass, AuthSource::Recorded);
        let fail = outcome(AuthValue::Fail, AuthSource::Live);
        assert!(!live_overrules(Some(&pass), &fail, Grounds::Answered));
        assert!(live_overrules(Some(&pass), &fail, Grounds::Altered));
        // With nothing passing recorded, an answered live result is the best there is.
        assert!(live_overrules(None, &fail, Grounds::Answered));
        let none = outcome(AuthValue::None, AuthSource::Recorded);
        assert!(live_overrules(Some(&none), &fail, Grounds::Answered));
        let live_pass = outcome(AuthValue::Pass, AuthSource::Live);
        assert!(live_overrules(Some(&pass), &live_pass, Grounds::Answered));
    }

    #[test]
    fn dkim_signature_tags() {
        let h = RawHeader { index: 0, name: "DKIM-Signature".into(), value: "v=1; a=rsa-sha256; c=relaxed/relaxed; d=Example.com; s=sel1; t=1690642937; x=1691247737; h=from:to :subject; bh=abc; b=def".into() };
        let d = dkim_signature(&h);
        assert_eq!(d.domain.as_deref(), Some("example.com"));
        assert_eq!(d.selector.as_deref(), Some("sel1"));
        assert_eq!(d.signed_headers, ["from", "to", "subject"]);
        assert_eq!(d.expiration, Some(1691247737));
    }
}
