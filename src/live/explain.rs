//! Words for live results: dates, and where the live answer differs from the one recorded
//! at delivery.

use crate::analysis::auth::live_overrules;
use crate::analysis::{AuthOutcome, AuthValue, Grounds, LiveAuth, RecordedAuth};

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

/// The words every "changed since delivery" sentence ends with, when the recorded pass
/// stands; empty when the live result overrules it.
fn stands(rec: &AuthOutcome, live: &AuthOutcome, grounds: Grounds) -> &'static str {
    if good(rec.result) && !live_overrules(Some(rec), live, grounds) {
        ". The result recorded at delivery stands: this alone says nothing against the message"
    } else {
        ""
    }
}

/// A pass recorded at delivery that DNS cannot confirm today because it gave no answer.
fn unanswered(
    what: &str,
    rec: &AuthOutcome,
    live: &AuthOutcome,
    grounds: Grounds,
) -> Option<String> {
    if !good(rec.result) || grounds != Grounds::NoAnswer || good(live.result) {
        return None;
    }
    let why = if live.result == AuthValue::TempError {
        "re-checking it now got no answer from DNS (the lookup failed or took too long)".to_string()
    } else {
        let domain = live
            .domain
            .as_deref()
            .or(rec.domain.as_deref())
            .map(|d| format!(" for {d}"))
            .unwrap_or_default();
        format!("DNS today has nothing{domain} to check it against (\"no such domain\", or the record is gone): records are retired and domains lapse, and a DNS server that answers \"no such domain\" to everything gives the same")
    };
    Some(format!(
        "Changed since delivery: {what} when the message arrived, but {why}{}",
        stands(rec, live, grounds)
    ))
}

fn dkim_sentence(rec: &AuthOutcome, live: &AuthOutcome, grounds: Grounds) -> Option<String> {
    let key_gone = live.result == AuthValue::PermError
        && live
            .detail
            .as_deref()
            .is_some_and(|d| d.contains("No key is published") || d.contains("revoked"));
    if good(rec.result) && key_gone {
        return Some(format!(
            "Changed since delivery: the signature checked out when the message arrived, but the key it was made with is no longer published: the sender has most likely retired that key since, which is normal for older messages{}",
            stands(rec, live, grounds)
        ));
    }
    if let Some(s) = unanswered("the signature (DKIM) checked out", rec, live, grounds) {
        return Some(s);
    }
    if good(rec.result) && bad(live.result) {
        return Some(if grounds == Grounds::Altered {
            "The message was changed after it was delivered: the signature checked out when it arrived, but its body no longer matches it".to_string()
        } else {
            format!(
                "Changed since delivery: the signature checked out when the message arrived but does not now: the sender may have changed their key since, or the message was altered after it was delivered{}",
                stands(rec, live, grounds)
            )
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

fn spf_sentence(rec: &AuthOutcome, live: &AuthOutcome, grounds: Grounds) -> Option<String> {
    if rec.result == live.result || grounds == Grounds::Reserved {
        return None;
    }
    if let Some(s) = unanswered("SPF allowed the sending server", rec, live, grounds) {
        return Some(s);
    }
    if live.result == AuthValue::TempError {
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
    let changed = if good(rec.result) {
        "Changed since delivery: "
    } else {
        ""
    };
    Some(format!(
        "{changed}When the message arrived, the SPF check gave \"{}\"; today it gives \"{}\": the SPF record{domain} (its list of allowed sending servers) has probably changed since, so today's answer says less about the day it was sent{}",
        rec.result.as_str(),
        live.result.as_str(),
        stands(rec, live, grounds)
    ))
}

fn dmarc_sentence(
    rec: &AuthOutcome,
    live: &AuthOutcome,
    grounds: Grounds,
    follows: bool,
) -> Option<String> {
    if rec.result == live.result || grounds == Grounds::Reserved {
        return None;
    }
    if rec.result == AuthValue::BestGuessPass && live.result == AuthValue::Pass {
        return None;
    }
    if let Some(s) = unanswered(
        "the sender's domain confirmed the message (DMARC)",
        rec,
        live,
        grounds,
    ) {
        return Some(s);
    }
    if live.result == AuthValue::TempError {
        return None;
    }
    let why = if follows {
        "this follows from the difference above, since DMARC builds on the signature and the list of sending servers"
    } else {
        "the domain's DMARC policy, its keys or its list of sending servers have changed since"
    };
    Some(format!(
        "Your mail server recorded DMARC as \"{}\" at delivery; re-checked now it is \"{}\": {why}{}",
        rec.result.as_str(),
        live.result.as_str(),
        stands(rec, live, grounds)
    ))
}

fn arc_sentence(rec: &AuthOutcome, live: &AuthOutcome, grounds: Grounds) -> Option<String> {
    if rec.result == live.result || grounds == Grounds::Reserved {
        return None;
    }
    if let Some(s) = unanswered("the forwarding seals (ARC) checked out", rec, live, grounds) {
        return Some(s);
    }
    if live.result == AuthValue::TempError {
        return None;
    }
    Some(format!(
        "Your mail server recorded the forwarding seals (ARC) as \"{}\"; re-checked now they are \"{}\": a sealing key may have changed since, or the message was altered after delivery{}",
        rec.result.as_str(),
        live.result.as_str(),
        stands(rec, live, grounds)
    ))
}

/// Plain sentences for every method where the live result differs from the recorded one.
pub fn disagreements(recorded: &RecordedAuth, live: &LiveAuth) -> Vec<String> {
    let g = live.grounds;
    let mut out: Vec<String> = Vec::new();
    out.extend(
        recorded
            .dkim
            .as_ref()
            .and_then(|r| dkim_sentence(r, &live.dkim, g.dkim)),
    );
    out.extend(
        recorded
            .spf
            .as_ref()
            .and_then(|r| spf_sentence(r, &live.spf, g.spf)),
    );
    // A DMARC difference usually just echoes a DKIM or SPF difference; say so.
    let follows = !out.is_empty();
    out.extend(
        recorded
            .dmarc
            .as_ref()
            .and_then(|r| dmarc_sentence(r, &live.dmarc, g.dmarc, follows)),
    );
    out.extend(
        recorded
            .arc
            .as_ref()
            .and_then(|r| arc_sentence(r, &live.arc, g.arc)),
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
    fn agreement_and_a_timeout_with_nothing_recorded_say_nothing() {
        let recorded = RecordedAuth {
            dkim: Some(o(AuthValue::Pass, "")),
            ..RecordedAuth::default()
        };
        let live = LiveAuth {
            dkim: o(AuthValue::Pass, ""),
            spf: o(AuthValue::TempError, ""),
            ..LiveAuth::default()
        };
        assert!(disagreements(&recorded, &live).is_empty());
    }

    #[test]
    fn a_recorded_pass_without_an_answer_now_is_changed_since_delivery_and_stands() {
        let recorded = RecordedAuth {
            spf: Some(o(AuthValue::Pass, "")),
            dmarc: Some(o(AuthValue::Pass, "")),
            ..RecordedAuth::default()
        };
        let live = LiveAuth {
            spf: o(AuthValue::TempError, ""),
            dmarc: o(AuthValue::None, ""),
            grounds: crate::analysis::LiveGrounds {
                spf: Grounds::NoAnswer,
                dmarc: Grounds::NoAnswer,
                ..Default::default()
            },
            ..LiveAuth::default()
        };
        let d = disagreements(&recorded, &live);
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[0].starts_with("Changed since delivery") && d[0].contains("no answer"));
        assert!(d[1].contains("no such domain"));
        assert!(d.iter().all(|s| s.contains("recorded at delivery stands")));
    }

    #[test]
    fn a_body_changed_after_delivery_is_said_plainly_and_does_not_stand() {
        let recorded = RecordedAuth {
            dkim: Some(o(AuthValue::Pass, "")),
            ..RecordedAuth::default()
        };
        let live = LiveAuth {
            dkim: o(AuthValue::Fail, "body changed"),
            grounds: crate::analysis::LiveGrounds {
                dkim: Grounds::Altered,
                ..Default::default()
            },
            ..LiveAuth::default()
        };
        let d = disagreements(&recorded, &live);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].contains("changed after it was delivered"), "{d:?}");
        assert!(!d[0].contains("stands"));
    }
}
