//! DKIM signatures re-verified now, with expiry (`x=`) judged at the time of delivery.

use mail_auth::common::crypto::CryptoError;
use mail_auth::common::verify::VerifySignature;
use mail_auth::dkim::DkimError;
use mail_auth::{
    AuthenticatedMessage, DkimResult, DnsError, Error, MessageAuthenticator, Parameters,
};

use super::cache::TxtCache;
use super::explain::{date_words, offset_in};
use super::keys::{self, KeyRecords};
use super::{reserved, tags};
use crate::analysis::auth::tag_list;
use crate::analysis::{AuthOutcome, AuthSource, AuthValue, Grounds, LiveDkim};

/// Most DKIM signatures checked in one message.
pub const MAX_SIGNATURES: usize = 20;

/// The instants signature expiry can be judged against.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    /// When the recipient's side accepted the message (Unix seconds), if known.
    pub delivered_at: Option<i64>,
    /// Now (Unix seconds).
    pub now: i64,
}

impl Clock {
    /// The instant expiry is judged against, and words saying which one it is.
    fn judge(&self) -> (i64, String) {
        match self.delivered_at {
            Some(at) => (at, format!("judged at delivery time ({})", date_words(at))),
            None => (
                self.now,
                "judged against today's date, because the delivery time is not known".to_string(),
            ),
        }
    }
}

/// Every `selector._domainkey.domain` name the DKIM signatures need, for prefetching.
pub fn key_names(msg: &AuthenticatedMessage<'_>) -> Vec<String> {
    msg.dkim_headers
        .iter()
        .take(MAX_SIGNATURES)
        .map(|h| h.header.domain_key())
        .collect()
}

/// Re-verifies every DKIM signature, in header order. Keys come from `cache` when
/// prefetched; anything missing there is looked up through `auth`.
pub async fn verify(
    auth: &MessageAuthenticator,
    cache: &TxtCache,
    records: &KeyRecords<'_>,
    msg: &AuthenticatedMessage<'_>,
    raw: &[u8],
    clock: Clock,
) -> Vec<LiveDkim> {
    // mail-auth judges `x=` against today and then skips the cryptographic check. We want
    // the signature checked and its expiry judged against the delivery time, so hide `x=`
    // from mail-auth (the signed bytes are the raw header, not this parsed copy) and judge
    // it ourselves below.
    let mut msg = msg.clone();
    let expiries: Vec<(u64, u64)> = msg
        .dkim_headers
        .iter()
        .map(|h| (h.header.x, h.header.t))
        .collect();
    for h in &mut msg.dkim_headers {
        h.header.x = 0;
    }
    // A hostile message can carry thousands of signatures; each costs a lookup. Real mail
    // has a handful, so check the first ones and say the rest were not checked.
    let unchecked = msg
        .dkim_headers
        .split_off(msg.dkim_headers.len().min(MAX_SIGNATURES));
    let outputs = auth
        .verify_dkim(Parameters::new(&msg).with_txt_cache(cache))
        .await;

    let mut found: Vec<(usize, LiveDkim)> = Vec::new();
    for out in &outputs {
        let Some(sig) = out.signature() else {
            continue;
        };
        let Some((index, header)) = msg
            .dkim_headers
            .iter()
            .enumerate()
            .find(|(_, h)| std::ptr::eq(&h.header, sig))
        else {
            continue;
        };
        let (x, t) = expiries.get(index).copied().unwrap_or((0, 0));
        let (result, detail, grounds) = match strict_problem(header.value) {
            Some(why) => (AuthValue::PermError, why, Grounds::Answered),
            None => judge(out.result(), sig, x, t, clock),
        };
        // A key mail-auth could read from a malformed record is no key: the result says
        // nothing about the message, as when no key is published.
        let who = format!("{}._domainkey.{}", sig.s, sig.d);
        let malformed = if cache.key_answered(&who) {
            records.problem(&who).await
        } else {
            None
        };
        let (result, detail, grounds) = match malformed {
            Some(why) => (
                AuthValue::PermError,
                keys::words(&who, &why),
                Grounds::NoAnswer,
            ),
            None => (result, detail, grounds),
        };
        found.push((
            offset_in(raw, header.value),
            LiveDkim {
                domain: sig.d.to_ascii_lowercase(),
                selector: sig.s.clone(),
                result,
                detail: Some(detail),
                grounds,
            },
        ));
    }
    for h in &unchecked {
        found.push((
            offset_in(raw, h.value),
            LiveDkim {
                domain: h.header.d.to_ascii_lowercase(),
                selector: h.header.s.clone(),
                result: AuthValue::None,
                detail: Some(format!(
                    "Not checked: the message carries more than {MAX_SIGNATURES} signatures, and mailsleuth checks the first {MAX_SIGNATURES}"
                )),
                grounds: Grounds::NoAnswer,
            },
        ));
    }
    // Signatures mail-auth could not parse never reach its verifier; report them here.
    for h in &msg.errors {
        if !h.name.eq_ignore_ascii_case(b"DKIM-Signature") {
            continue;
        }
        let tags = tag_list(&String::from_utf8_lossy(h.value));
        let tag = |n: &str| {
            tags.iter()
                .find(|(k, _)| k == n)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        found.push((
            offset_in(raw, h.value),
            LiveDkim {
                domain: tag("d").to_ascii_lowercase(),
                selector: tag("s"),
                result: AuthValue::PermError,
                detail: Some(match &h.header {
                    Error::Dkim(DkimError::SignatureLength) => "The signature covers only the first part of the body (l=), so anything could have been added after it; such signatures are not trusted".to_string(),
                    other => format!(
                        "The signature header is malformed and cannot be checked ({})",
                        error_words(other)
                    ),
                }),
                grounds: Grounds::Answered,
            },
        ));
    }
    // A signature can only be judged against its key: a failure without an answered key
    // (the lookup failed, or the body check failed before the key was even asked for)
    // says nothing about the message.
    for (_, d) in &mut found {
        let unjudged = d.result != AuthValue::Pass
            && d.grounds != Grounds::Reserved
            && !cache.key_answered(&format!("{}._domainkey.{}", d.selector, d.domain));
        if unjudged {
            d.grounds = Grounds::NoAnswer;
        }
    }
    found.sort_by_key(|(pos, _)| *pos);
    found.into_iter().map(|(_, d)| d).collect()
}

/// RFC 6376 rules mail-auth is lenient about: tag syntax, required tags, and the key
/// query method (only `dns/txt` exists; other methods must make verifiers ignore it).
fn strict_problem(value: &[u8]) -> Option<String> {
    // v= is left out on purpose: early signatures omit it, and mail-auth already rejects
    // versions other than 1 when it is present.
    if let Some(why) = tags::problem(value, &["a", "b", "bh", "d", "h", "s"]) {
        return Some(format!(
            "The signature header is malformed and cannot be checked ({why})"
        ));
    }
    let list = tags::parse(value).unwrap_or_default();
    let query = tags::get(&list, "q")?;
    let dns = query
        .split(':')
        .any(|m| m.trim().eq_ignore_ascii_case("dns/txt") || m.trim().eq_ignore_ascii_case("dns"));
    (!dns).then(|| {
        format!("The signature asks for its key through \"{query}\", a method no verifier supports, so it cannot be checked")
    })
}

/// What a mail-auth result rests on: the message itself, an answered key, or no answer.
fn grounds_of(result: &DkimResult) -> Grounds {
    match result {
        DkimResult::Fail(Error::Dkim(DkimError::FailedBodyHashMatch)) => Grounds::Altered,
        DkimResult::TempError(err) if reserved::is_not_looked_up(err) => Grounds::Reserved,
        DkimResult::TempError(_)
        | DkimResult::PermError(Error::Dns(DnsError::RecordNotFound(_)))
        | DkimResult::PermError(Error::Dns(DnsError::InvalidRecordType)) => Grounds::NoAnswer,
        _ => Grounds::Answered,
    }
}

/// Maps one mail-auth result to ours, applying our own expiry judgement.
fn judge(
    result: &DkimResult,
    sig: &mail_auth::dkim::Signature,
    x: u64,
    t: u64,
    clock: Clock,
) -> (AuthValue, String, Grounds) {
    let (value, detail) = judge_value(result, sig, x, t, clock);
    (value, detail, grounds_of(result))
}

fn judge_value(
    result: &DkimResult,
    sig: &mail_auth::dkim::Signature,
    x: u64,
    t: u64,
    clock: Clock,
) -> (AuthValue, String) {
    let who = format!("{}._domainkey.{}", sig.s, sig.d);
    let (value, mut detail) = match result {
        DkimResult::Pass => (
            AuthValue::Pass,
            format!(
                "The signature of {} matches the message and the key published at {who}",
                sig.d
            ),
        ),
        DkimResult::Fail(err) | DkimResult::Neutral(err) => fail_words(err, &who),
        DkimResult::PermError(err) => perm_words(err, &who),
        DkimResult::TempError(err) if reserved::is_not_looked_up(err) => {
            (AuthValue::TempError, reserved::words(&sig.d))
        }
        DkimResult::TempError(err) => (
            AuthValue::TempError,
            format!(
                "Could not check now: the key at {who} could not be fetched ({})",
                error_words(err)
            ),
        ),
        DkimResult::None => (AuthValue::None, "No signature to check".to_string()),
    };
    if x == 0 || value != AuthValue::Pass {
        return (value, detail);
    }
    if x <= t {
        return (
            AuthValue::PermError,
            format!(
                "The signature is malformed: it says it expires ({}) before it was made ({})",
                date_words(to_i64(x)),
                date_words(to_i64(t))
            ),
        );
    }
    let (at, how) = clock.judge();
    if to_i64(x) < at {
        return (
            AuthValue::Policy,
            format!(
                "The signature matches, but it had already expired ({}) when the message was delivered; {how}",
                date_words(to_i64(x))
            ),
        );
    }
    if to_i64(x) < clock.now {
        detail.push_str(&format!(
            "; it has expired since ({}), but it was still valid then: {how}",
            date_words(to_i64(x))
        ));
    } else {
        detail.push_str(&format!("; valid until {} ({how})", date_words(to_i64(x))));
    }
    (value, detail)
}

fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn fail_words(err: &Error, who: &str) -> (AuthValue, String) {
    let words = match err {
        Error::Dkim(DkimError::FailedBodyHashMatch) => {
            "The body of the message was changed after it was signed (its fingerprint no longer matches)".to_string()
        }
        Error::Crypto(CryptoError::FailedVerification) => format!(
            "The signature does not match: the signed headers were changed after signing, or it was made with another key than the one published at {who}"
        ),
        Error::Dkim(DkimError::FailedAuidMatch) => {
            "The signer's identity (i=) does not belong to the signing domain (d=)".to_string()
        }
        other => format!("The signature does not verify ({})", error_words(other)),
    };
    (AuthValue::Fail, words)
}

fn perm_words(err: &Error, who: &str) -> (AuthValue, String) {
    let words = match err {
        Error::Dns(DnsError::RecordNotFound(_)) | Error::Dns(DnsError::InvalidRecordType) => format!(
            "No key is published at {who}: the key was removed (senders retire old keys), or never existed"
        ),
        Error::Dkim(DkimError::RevokedPublicKey) => {
            format!("The key at {who} has been revoked by the sender's domain")
        }
        other => format!("The key or signature cannot be used ({})", error_words(other)),
    };
    (AuthValue::PermError, words)
}

/// mail-auth's error in a few words.
pub fn error_words(err: &Error) -> String {
    match err {
        Error::Dns(DnsError::Resolver(e)) if e.is_empty() => "DNS error".to_string(),
        other => other.to_string(),
    }
}

/// What the result [`best`] picks rests on.
pub fn best_grounds(signatures: &[LiveDkim], from_org: Option<&str>) -> Grounds {
    pick(signatures, from_org).map_or(Grounds::Answered, |d| d.grounds)
}

fn pick<'a>(signatures: &'a [LiveDkim], from_org: Option<&str>) -> Option<&'a LiveDkim> {
    let rank = |v: AuthValue| match v {
        AuthValue::Pass => 0,
        AuthValue::Fail | AuthValue::Policy => 1,
        AuthValue::PermError => 2,
        AuthValue::TempError => 3,
        _ => 4,
    };
    let aligned = |d: &LiveDkim| {
        from_org.is_some_and(|o| crate::analysis::identity::org_domain(&d.domain) == o)
    };
    signatures
        .iter()
        .min_by_key(|d| (rank(d.result), !aligned(d)))
}

/// The DKIM result the rest of mailsleuth relies on: a pass wins (one aligned with the
/// From domain first); else the most telling failure; else none.
pub fn best(signatures: &[LiveDkim], from_org: Option<&str>) -> AuthOutcome {
    let Some(pick) = pick(signatures, from_org) else {
        return AuthOutcome {
            result: AuthValue::None,
            source: AuthSource::Live,
            domain: None,
            detail: Some("The message carries no DKIM signature".to_string()),
            header_index: None,
        };
    };
    let detail = match signatures.len() {
        1 => pick.detail.clone(),
        n => Some(format!(
            "{} (best of {n} signatures)",
            pick.detail.clone().unwrap_or_default()
        )),
    };
    AuthOutcome {
        result: pick.result,
        source: AuthSource::Live,
        domain: (!pick.domain.is_empty()).then(|| pick.domain.clone()),
        detail,
        header_index: None,
    }
}
