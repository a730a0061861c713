//! Words for live results: dates, and where the live answer differs from the one recorded
//! at delivery.

use crate::analysis::{AuthOutcome, AuthValue, LiveAuth, RecordedAuth};

/// A Unix time as an RFC 3339 date a person can read.
pub fn date_words(ts: i64) -> String {
    mail_parser::DateTime::from_timestamp(ts).to_rfc3339()
}

/// Position of `part` inside `whole` when it is a sub-slice of it (for ordering headers
/// the way they appear); `usize::MAX` otherwise.
pub fn offset_in(whole: &[u8], part: &[u8]) -> usize {
    let start = whole.as_ptr() as usize;
    let at = part.as_ptr() as usize;
    if at >= start && at <= start.saturating_add(whole.len()) {
        at - start
    } else {
        usize::MAX
    }
}

fn good(v: AuthValue) -> bool {
    matches!(v, AuthValue::Pass | AuthValue::BestGuessPass)
}

fn bad(v: AuthValue) -> bool {
    matches!(
        v,
        AuthValue::Fail | AuthValue::SoftFail | AuthValue::PermError | AuthValue::Policy
    )
}

fn dkim_sentence(rec: &AuthOutcome, live: &AuthOutcome) -> Option<String> {
    if good(rec.result) && bad(live.result) {
        let key_gone = live.result == AuthValue::PermError
            && live
                .detail
                .as_deref()
                .is_some_and(|d| d.contains("No key is published") || d.contains("revoked"));
        return Some(if key_gone {
            "The signature checked out when the message arrived, but the key it was made with is no longer published: the sender has most likely retired that key since, which is normal for older messages".to_string()
        } else {
            "The signature checked out when the message arrived but does not now: the sender may have changed their key since, or the message was altered after it was delivered".to_string()
        });
    }
    if bad(rec.result) && good(live.result) {
        return Some(format!(
            "Your mail server recorded the signature as {} when the message arrived, but it checks out now: the sender's key may have been published or fixed since, or the receiving server had a problem at the time",
            rec.result.as_str()
        ));
    }
    if rec.result == AuthValue::None && good(live.result) {
        return Some(
            "Your mail server recorded no signature result, but a valid signature checks out now"
                .to_string(),
        );
    }
    None
}

fn spf_sentence(rec: &AuthOutcome, live: &AuthOutcome) -> Option<String> {
    if rec.result == live.result || live.result == AuthValue::TempError {
        return None;
    }
    if live.result == AuthValue::None && live.domain.is_none() {
        // Nothing was re-checked (no sending IP): not a disagreement.
        return None;
    }
    let domain = live
        .domain
        .as_deref()
        .or(rec.domain.as_deref())
        .map(|d| format!(" of {d}"))
        .unwrap_or_default();
    Some(format!(
        "When the message arrived, the SPF check gave \"{}\"; today it gives \"{}\": the SPF record{domain} (its list of allowed sending servers) has probably changed since, so today's answer says less about the day it was sent",
        rec.result.as_str(),
        live.result.as_str()
    ))
}

fn dmarc_sentence(rec: &AuthOutcome, live: &AuthOutcome, follows: bool) -> Option<String> {
    if rec.result == live.result || live.result == AuthValue::TempError {
        return None;
    }
    if rec.result == AuthValue::BestGuessPass && live.result == AuthValue::Pass {
        return None;
    }
    let why = if follows {
        "this follows from the difference above, since DMARC builds on the signature and the list of sending servers"
    } else {
        "the domain's DMARC policy, its keys or its list of sending servers have changed since"
    };
    Some(format!(
        "Your mail server recorded DMARC as \"{}\" at delivery; re-checked now it is \"{}\": {why}",
        rec.result.as_str(),
        live.result.as_str()
    ))
}

fn arc_sentence(rec: &AuthOutcome, live: &AuthOutcome) -> Option<String> {
    if rec.result == live.result || live.result == AuthValue::TempError {
        return None;
    }
    Some(format!(
        "Your mail server recorded the forwarding seals (ARC) as \"{}\"; re-checked now they are \"{}\": a sealing key may have changed since, or the message was altered after delivery",
        rec.result.as_str(),
        live.result.as_str()
    ))
}

/// Plain sentences for every method where the live result differs from the recorded one.
pub fn disagreements(recorded: &RecordedAuth, live: &LiveAuth) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    out.extend(
        recorded
            .dkim
            .as_ref()
            .and_then(|r| dkim_sentence(r, &live.dkim)),
    );
    out.extend(
        recorded
            .spf
            .as_ref()
            .and_then(|r| spf_sentence(r, &live.spf)),
    );
    // A DMARC difference usually just echoes a DKIM or SPF difference; say so.
    let follows = !out.is_empty();
    out.extend(
        recorded
            .dmarc
            .as_ref()
            .and_then(|r| dmarc_sentence(r, &live.dmarc, follows)),
    );
    out.extend(
        recorded
            .arc
            .as_ref()
            .and_then(|r| arc_sentence(r, &live.arc)),
    );
    let policies = (
        recorded.dmarc_policy.as_deref(),
        live.dmarc_policy.as_deref(),
    );
    if let (Some(rec), Some(now)) = policies {
        if !rec.eq_ignore_ascii_case(now) {
            out.push(format!(
            "The sender's domain asked receivers to \"{rec}\" fakes when the message arrived; today its DMARC policy says \"{now}\""
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::AuthSource;

    fn o(result: AuthValue, detail: &str) -> AuthOutcome {
        AuthOutcome {
            result,
            source: AuthSource::Live,
            domain: Some("example.com".to_string()),
            detail: Some(detail.to_string()),
            header_index: None,
        }
    }

    #[test]
    fn a_removed_key_and_a_changed_spf_record_are_explained() {
        let recorded = RecordedAuth {
            dkim: Some(o(AuthValue::Pass, "")),
            spf: Some(o(AuthValue::Pass, "")),
            dmarc: Some(o(AuthValue::Pass, "")),
            dmarc_policy: Some("reject".to_string()),
            ..RecordedAuth::default()
        };
        let live = LiveAuth {
            dkim: o(
                AuthValue::PermError,
                "No key is published at s._domainkey.example.com",
            ),
            spf: o(AuthValue::Fail, ""),
            dmarc: o(AuthValue::Fail, ""),
            dmarc_policy: Some("none".to_string()),
            ..LiveAuth::default()
        };
        let d = disagreements(&recorded, &live);
        assert_eq!(d.len(), 4, "{d:?}");
        assert!(d[0].contains("no longer published"));
        assert!(d[1].contains("SPF") && d[1].contains("\"pass\"") && d[1].contains("\"fail\""));
        assert!(d[2].contains("follows from the difference above"));
        assert!(d[3].contains("\"reject\"") && d[3].contains("\"none\""));
    }

    #[test]
    fn temporary_errors_and_agreement_say_nothing() {
        let recorded = RecordedAuth {
            dkim: Some(o(AuthValue::Pass, "")),
            spf: Some(o(AuthValue::Pass, "")),
            ..RecordedAuth::default()
        };
        let live = LiveAuth {
            dkim: o(AuthValue::Pass, ""),
            spf: o(AuthValue::TempError, ""),
            ..LiveAuth::default()
        };
        assert!(disagreements(&recorded, &live).is_empty());
    }
}
