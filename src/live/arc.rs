//! The ARC chain (seals added by forwarders and mailing lists) re-verified now.

use mail_auth::arc::ArcError;
use mail_auth::common::verify::VerifySignature;
use mail_auth::{
    AuthenticatedMessage, DkimResult, DnsError, Error, MessageAuthenticator, Parameters,
};

use super::cache::TxtCache;
use super::dkim::{error_words, Clock};
use super::explain::date_words;
use super::keys::KeyRecords;
use super::{reserved, tags};
use crate::analysis::{AuthOutcome, AuthValue, Grounds};

/// Every key name the ARC chain needs (message signatures and seals), for prefetching.
pub fn key_names(msg: &AuthenticatedMessage<'_>) -> Vec<String> {
    msg.ams_headers
        .iter()
        .map(|h| h.header.domain_key())
        .chain(msg.as_headers.iter().map(|h| h.header.domain_key()))
        .collect()
}

use super::live_outcome as outcome;

/// Verifies the ARC chain, and says what the result rests on.
pub async fn verify(
    auth: &MessageAuthenticator,
    cache: &TxtCache,
    records: &KeyRecords<'_>,
    msg: &AuthenticatedMessage<'_>,
    clock: Clock,
) -> (AuthOutcome, Grounds) {
    let (outcome, err) = judge(auth, cache, msg, clock).await;
    // An intact chain rests on every key it used; one read from a malformed record is no
    // key, so the chain cannot be trusted (and this says nothing about the message).
    if outcome.result == AuthValue::Pass {
        let mut names = key_names(msg);
        names.iter_mut().for_each(|n| n.make_ascii_lowercase());
        names.sort();
        names.dedup();
        for name in names {
            if let Some(why) = records.problem(&name).await {
                let detail = format!(
                    "The ARC chain cannot be checked: the key record at {name} is malformed ({why}), so there is no key to check against"
                );
                return (
                    super::live_outcome(AuthValue::Fail, outcome.domain, detail),
                    Grounds::NoAnswer,
                );
            }
        }
    }
    let grounds = err.as_ref().map_or(Grounds::Answered, grounds_of);
    // A chain can only be judged against its keys: a failure when DNS gave none of them
    // says nothing about the message.
    let judged = key_names(msg).iter().any(|k| cache.key_answered(k));
    let grounds = match outcome.result {
        AuthValue::Fail if grounds != Grounds::Reserved && !judged => Grounds::NoAnswer,
        _ => grounds,
    };
    (outcome, grounds)
}

fn grounds_of(err: &Error) -> Grounds {
    match err {
        Error::Arc(ArcError::FailedBodyHashMatch) => Grounds::Altered,
        e if reserved::is_not_looked_up(e) => Grounds::Reserved,
        Error::Dns(_) => Grounds::NoAnswer,
        _ => Grounds::Answered,
    }
}

/// The outcome, with the mail-auth error it came from when there was one.
async fn judge(
    auth: &MessageAuthenticator,
    cache: &TxtCache,
    msg: &AuthenticatedMessage<'_>,
    clock: Clock,
) -> (AuthOutcome, Option<Error>) {
    let plain = |o: AuthOutcome| (o, None);
    if msg.ams_headers.is_empty() && msg.as_headers.is_empty() && !msg.has_arc_errors {
        return plain(outcome(
            AuthValue::None,
            None,
            "The message carries no ARC seals (no forwarder or mailing list sealed it)".to_string(),
        ));
    }
    let last = msg
        .as_headers
        .iter()
        .max_by_key(|h| h.header.i)
        .map(|h| h.header.d.to_ascii_lowercase());
    if let Some(why) = structure_problem(msg) {
        return plain(outcome(
            AuthValue::Fail,
            last,
            format!("The ARC chain is broken: {why}"),
        ));
    }
    let sets = msg.as_headers.len();
    // As for DKIM: mail-auth judges the last message signature's x= against today; we
    // judge it against the delivery time, so hide it from mail-auth and check it below.
    let mut msg = msg.clone();
    let expiry = msg
        .ams_headers
        .iter()
        .max_by_key(|h| h.header.i)
        .map(|h| h.header.x)
        .unwrap_or(0);
    for h in &mut msg.ams_headers {
        h.header.x = 0;
    }
    let out = auth
        .verify_arc(Parameters::new(&msg).with_txt_cache(cache))
        .await;
    let expired_at_judgement = i64::try_from(expiry)
        .ok()
        .filter(|x| *x > 0 && *x < clock.delivered_at.unwrap_or(clock.now));
    let by = last
        .as_deref()
        .map(|d| format!(", last sealed by {d}"))
        .unwrap_or_default();
    match (out.result(), expired_at_judgement) {
        (DkimResult::Pass, Some(expired)) => plain(outcome(
            AuthValue::Fail,
            last,
            format!(
                "The ARC chain matches, but its last signature had expired ({}) by the time it was judged{by}",
                date_words(expired)
            ),
        )),
        (DkimResult::Pass, None) => plain(outcome(
            AuthValue::Pass,
            last,
            format!("The chain of {sets} ARC seal(s) is intact{by}: each forwarder's record of what it received can be trusted as far as you trust that forwarder"),
        )),
        // ARC headers are present (checked above) yet mail-auth found no complete set.
        (DkimResult::None, _) => plain(outcome(
            AuthValue::Fail,
            last,
            "The ARC chain is broken: seals are missing or out of order".to_string(),
        )),
        (DkimResult::TempError(err), _) if reserved::is_not_looked_up(err) => {
            let domain = last.clone().unwrap_or_default();
            (
                outcome(AuthValue::TempError, last, reserved::words(&domain)),
                Some(err.clone()),
            )
        }
        (DkimResult::TempError(err), _) => (
            outcome(
                AuthValue::TempError,
                last,
                format!("Could not check now: a key of the ARC chain could not be fetched ({})", error_words(err)),
            ),
            Some(err.clone()),
        ),
        (DkimResult::Fail(err) | DkimResult::Neutral(err) | DkimResult::PermError(err), _) => {
            (
                outcome(AuthValue::Fail, last, format!("The ARC chain is broken{by}: {}", arc_words(err))),
                Some(err.clone()),
            )
        }
    }
}

fn arc_words(err: &Error) -> String {
    match err {
        Error::Arc(ArcError::FailedBodyHashMatch) => {
            "the body was changed after the last seal".to_string()
        }
        Error::Arc(ArcError::BrokenChain) | Error::Arc(ArcError::InvalidInstance(_)) => {
            "seals are missing or out of order".to_string()
        }
        Error::Arc(ArcError::InvalidCV) => {
            "a forwarder recorded that the chain was already broken when it arrived".to_string()
        }
        Error::Arc(ArcError::SignatureExpired) => "a seal has expired".to_string(),
        Error::Dns(DnsError::RecordNotFound(_)) | Error::Dns(DnsError::InvalidRecordType) => {
            "a sealing key is no longer published".to_string()
        }
        Error::Crypto(_) => {
            "a seal or signature does not match (the message or its seals were changed)".to_string()
        }
        other => error_words(other),
    }
}

/// RFC 8617 rules mail-auth does not enforce: strict tag syntax, required tags, no SHA-1,
/// and a message signature that must not cover the seals.
fn structure_problem(msg: &AuthenticatedMessage<'_>) -> Option<String> {
    for (name, value) in &msg.headers {
        let (what, required): (&str, &[&str]) = if name.eq_ignore_ascii_case(b"ARC-Seal") {
            ("a seal (ARC-Seal)", &["i", "a", "b", "cv", "d", "s"])
        } else if name.eq_ignore_ascii_case(b"ARC-Message-Signature") {
            (
                "a message signature (ARC-Message-Signature)",
                &["i", "a", "b", "bh", "d", "h", "s"],
            )
        } else {
            continue;
        };
        if let Some(why) = tags::problem(value, required) {
            return Some(format!("{what} is malformed: {why}"));
        }
        let list = tags::parse(value).unwrap_or_default();
        if tags::get(&list, "a").is_some_and(|a| a.eq_ignore_ascii_case("rsa-sha1")) {
            return Some(format!("{what} uses SHA-1, which ARC does not allow"));
        }
        let covers_seal = tags::get(&list, "h").is_some_and(|h| {
            h.split(':')
                .any(|n| n.trim().eq_ignore_ascii_case("arc-seal"))
        });
        if covers_seal {
            return Some(format!(
                "{what} covers the ARC-Seal header, which ARC forbids"
            ));
        }
    }
    None
}
