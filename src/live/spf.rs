//! SPF re-checked for the connecting IP at the trust boundary, its HELO name and the
//! envelope sender.

use std::net::IpAddr;

use mail_auth::spf::verify::SpfParameters;
use mail_auth::spf::Spf;
use mail_auth::{MessageAuthenticator, Parameters, RecordSet, SpfOutput, SpfResult};

use super::cache::{MapCache, TxtCache};
use super::reserved::{self, Gate};

use crate::analysis::{AuthOutcome, AuthValue, Grounds, Report};

/// What SPF is asked about, taken from the report.
#[derive(Debug, Clone)]
pub struct SpfQuestion {
    pub ip: IpAddr,
    /// HELO/EHLO name the sending server gave (may be empty).
    pub helo: String,
    /// The envelope sender address (empty for a bounce or when unknown).
    pub sender: String,
    /// The receiving server's name (for the `%{r}` macro).
    pub receiver: String,
}

/// The result of the SPF check, and the one DMARC builds on.
#[derive(Debug, Clone)]
pub struct SpfAnswer {
    /// What the receiving server would conclude: a failing HELO name decides it.
    pub outcome: AuthOutcome,
    /// The result for the envelope sender (the HELO name for bounces), which DMARC uses.
    pub dmarc_result: AuthValue,
    /// The domain of that result; None when no check could be made.
    pub dmarc_domain: Option<String>,
    /// What the outcome rests on.
    pub grounds: Grounds,
}

/// Builds the question from the report, or explains why there is none to ask.
pub fn question(report: &Report) -> Result<SpfQuestion, AuthOutcome> {
    let Some(ip_text) = report.path.connecting_ip.as_deref() else {
        return Err(outcome(
            AuthValue::None,
            None,
            "There is no known sending IP to check: the message has no Received chain that shows which server handed it to your mail system".to_string(),
        ));
    };
    let Ok(ip) = ip_text
        .trim()
        .trim_matches(|c| c == '[' || c == ']')
        .parse::<IpAddr>()
    else {
        return Err(outcome(
            AuthValue::None,
            None,
            format!("The sending server's address ({ip_text}) is not a valid IP address, so SPF cannot be checked"),
        ));
    };
    let helo = report
        .path
        .connecting_helo
        .clone()
        .unwrap_or_default()
        .trim()
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let sender = report
        .identity
        .return_path
        .as_ref()
        .and_then(|m| m.address.clone())
        .unwrap_or_default();
    let receiver = report
        .path
        .boundary
        .and_then(|b| report.path.hops.get(b))
        .and_then(|h| h.by_host.clone())
        .unwrap_or_else(|| "unknown".to_string());
    Ok(SpfQuestion {
        ip,
        helo,
        sender,
        receiver,
    })
}

use super::live_outcome as outcome;

/// One run of mail-auth's SPF check: both identities (HELO first, as receivers do), or
/// the envelope sender alone.
async fn check(
    auth: &MessageAuthenticator,
    cache: &TxtCache,
    q: &SpfQuestion,
    sender_only: bool,
) -> SpfOutput {
    let params = || {
        if sender_only {
            SpfParameters::verify_mail_from(q.ip, &q.helo, &q.receiver, &q.sender)
        } else {
            SpfParameters::verify(q.ip, &q.helo, &q.receiver, &q.sender)
        }
    };
    let ptr_cache: MapCache<IpAddr, RecordSet<Box<str>>> = MapCache::default();
    let out = auth
        .verify_spf(
            Parameters::new(params())
                .with_txt_cache(cache)
                .with_ptr_cache(&ptr_cache),
        )
        .await;
    // mail-auth compares the names of a `ptr` mechanism with their trailing dot still on,
    // so `ptr:example.com` never matches a host named exactly example.com. When the record
    // used `ptr`, the reverse names are in the cache: strip the dots and judge again (every
    // other answer comes from the resolver's cache, so this costs no new lookup).
    let stripped = ptr_cache.update(&q.ip, |set| RecordSet {
        rrset: set
            .rrset
            .iter()
            .map(|n| Box::from(n.trim_end_matches('.')))
            .collect(),
        dnssec_status: set.dnssec_status,
    });
    if !stripped {
        return out;
    }
    auth.verify_spf(
        Parameters::new(params())
            .with_txt_cache(cache)
            .with_ptr_cache(&ptr_cache),
    )
    .await
}

fn value_of(r: SpfResult) -> AuthValue {
    match r {
        SpfResult::Pass => AuthValue::Pass,
        SpfResult::Fail => AuthValue::Fail,
        SpfResult::SoftFail => AuthValue::SoftFail,
        SpfResult::Neutral => AuthValue::Neutral,
        SpfResult::None => AuthValue::None,
        SpfResult::TempError => AuthValue::TempError,
        SpfResult::PermError => AuthValue::PermError,
    }
}

/// How many SPF records `domain` publishes (RFC 7208 4.5: more than one is an error,
/// which mail-auth does not notice: it uses the first).
async fn spf_record_count(auth: &MessageAuthenticator, gate: &Gate, domain: &str) -> Option<usize> {
    super::cache::records_of_kind(auth, gate, domain, |text| {
        let head = text.get(..6).unwrap_or(text);
        head.eq_ignore_ascii_case(b"v=spf1") && text.get(6).is_none_or(|c| c.is_ascii_whitespace())
    })
    .await
}

/// What the SPF result for `domain` rests on. "No SPF record" is an answer when the
/// domain exists; when DNS says the domain does not exist (NXDOMAIN) or does not answer,
/// it says nothing about the message. The question was just asked, so the resolver's
/// cache normally answers it again.
async fn grounds_of(
    auth: &MessageAuthenticator,
    cache: &TxtCache,
    result: SpfResult,
    domain: &str,
) -> Grounds {
    use mail_auth::hickory_resolver::proto::op::ResponseCode;
    use mail_auth::{DnsError, Error};
    match result {
        SpfResult::TempError => Grounds::NoAnswer,
        SpfResult::None if !domain.is_empty() => {
            let name = format!("{}.", domain.trim_end_matches('.'));
            match auth.txt_lookup::<Spf>(name.as_str(), Some(cache)).await {
                Err(Error::Dns(DnsError::RecordNotFound(ResponseCode::NXDomain)))
                | Err(Error::Dns(DnsError::Resolver(_))) => Grounds::NoAnswer,
                _ => Grounds::Answered,
            }
        }
        _ => Grounds::Answered,
    }
}

/// Runs the SPF check for `q`. Names the gate refuses are not asked of DNS.
pub async fn verify(
    auth: &MessageAuthenticator,
    cache: &TxtCache,
    gate: &Gate,
    q: &SpfQuestion,
) -> SpfAnswer {
    let identity_domain = domain_of(&q.sender)
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| q.helo.clone());
    if !identity_domain.is_empty() && gate.refuses(&identity_domain) {
        return SpfAnswer {
            outcome: outcome(
                AuthValue::TempError,
                Some(identity_domain.clone()),
                reserved::words(&identity_domain),
            ),
            dmarc_result: AuthValue::TempError,
            dmarc_domain: None,
            grounds: Grounds::Reserved,
        };
    }
    // A reserved HELO name is not asked about; the envelope sender alone is judged then.
    let helo_refused = !q.helo.is_empty() && gate.refuses(&q.helo);
    let out = check(auth, cache, q, helo_refused).await;
    let sender_domain = domain_of(&q.sender);
    // A failing HELO name settles the SMTP-level answer, but DMARC is about the envelope
    // sender (RFC 7489 3.1.2), so that identity is judged on its own when it was skipped.
    let (dmarc_result, dmarc_domain) = match sender_domain.as_deref() {
        Some(sd) if !out.domain().eq_ignore_ascii_case(sd) => {
            let mf = check(auth, cache, q, true).await;
            (
                value_of(mf.result()),
                Some(mf.domain().to_ascii_lowercase()),
            )
        }
        _ => (
            value_of(out.result()),
            Some(out.domain().to_ascii_lowercase()).filter(|d| !d.is_empty()),
        ),
    };
    let domain = out.domain().to_ascii_lowercase();
    let identity =
        if !q.sender.is_empty() && domain_of(&q.sender).as_deref() == Some(domain.as_str()) {
            format!("the envelope sender {}", q.sender)
        } else if !q.helo.is_empty() {
            format!("the name the server introduced itself with ({})", q.helo)
        } else {
            "the envelope sender".to_string()
        };
    let ip = q.ip;
    let (value, words) = match out.result() {
        SpfResult::Pass => (
            AuthValue::Pass,
            format!("{domain} lists {ip} as one of its sending servers (checked for {identity})"),
        ),
        SpfResult::Fail => (
            AuthValue::Fail,
            format!("{domain} says {ip} is not allowed to send its mail (checked for {identity})"),
        ),
        SpfResult::SoftFail => (
            AuthValue::SoftFail,
            format!("{domain} says {ip} is probably not one of its servers (soft fail, checked for {identity})"),
        ),
        SpfResult::Neutral => (
            AuthValue::Neutral,
            format!("{domain} makes no statement about {ip} (neutral, checked for {identity})"),
        ),
        SpfResult::None => (
            AuthValue::None,
            if domain.is_empty() {
                "There is no sender domain to check SPF for".to_string()
            } else {
                format!("{domain} publishes no SPF record (checked for {identity})")
            },
        ),
        SpfResult::TempError => (
            AuthValue::TempError,
            format!("Could not check now: looking up the SPF record of {domain} failed or took too long"),
        ),
        SpfResult::PermError => (
            AuthValue::PermError,
            format!("The SPF record of {domain} is broken (a syntax error, or more than 10 lookups), so {ip} cannot be judged"),
        ),
    };
    let decided = !matches!(out.result(), SpfResult::None | SpfResult::TempError);
    let records = if decided && !domain.is_empty() {
        spf_record_count(auth, gate, &domain).await.unwrap_or(1)
    } else {
        1
    };
    let (value, words) = if records > 1 {
        (
            AuthValue::PermError,
            format!("{domain} publishes {records} SPF records instead of one, which the standard treats as a broken setup, so {ip} cannot be judged"),
        )
    } else {
        (value, words)
    };
    let dmarc_result = if records > 1 && dmarc_domain.as_deref() == Some(domain.as_str()) {
        AuthValue::PermError
    } else {
        dmarc_result
    };
    let words = match out.explanation() {
        Some(exp) if !exp.trim().is_empty() => {
            format!("{words}; the domain explains: \"{}\"", exp.trim())
        }
        _ => words,
    };
    let grounds = if records > 1 {
        Grounds::Answered
    } else {
        grounds_of(auth, cache, out.result(), &domain).await
    };
    SpfAnswer {
        outcome: outcome(value, (!domain.is_empty()).then(|| domain.clone()), words),
        dmarc_result,
        dmarc_domain,
        grounds,
    }
}

fn domain_of(address: &str) -> Option<String> {
    address
        .rsplit_once('@')
        .map(|(_, d)| d.trim_end_matches('.').to_ascii_lowercase())
}

/// The outcome used when SPF could not be asked in time.
pub fn temp_error(detail: &str) -> SpfAnswer {
    SpfAnswer {
        outcome: outcome(AuthValue::TempError, None, detail.to_string()),
        dmarc_result: AuthValue::TempError,
        dmarc_domain: None,
        grounds: Grounds::NoAnswer,
    }
}
