//! DMARC for the From domain, evaluated from the live SPF and DKIM results, with the
//! organisational domain taken from the public suffix list.

use std::sync::Arc;

use mail_auth::dmarc::{Alignment, Dmarc, Policy};
use mail_auth::{DnsError, Error, MessageAuthenticator};

use super::cache::{timed_out, TxtCache};
use super::dkim::error_words;
use super::reserved::{self, Gate};
use super::spf::SpfAnswer;
use crate::analysis::identity::org_domain;
use crate::analysis::{AuthOutcome, AuthValue, Grounds, LiveDkim};

/// What DNS says about the From domain's DMARC policy.
#[derive(Debug, Clone)]
pub enum Published {
    /// A record, and the domain it was found at.
    Record { record: Arc<Dmarc>, at: String },
    /// No record at the From domain nor at its organisational domain.
    Absent,
    /// The lookup failed or timed out; the reason in words.
    Unknown(String),
    /// The domain is reserved for examples and tests, so it was not looked up.
    Reserved(String),
    /// Several DMARC records at one name (RFC 7489 6.6.3: DMARC does not apply then).
    Several { at: String, count: usize },
}

enum Step {
    Found(Arc<Dmarc>),
    Several(usize),
    Missing,
    Failed(String),
    NotAsked,
}

async fn lookup(
    auth: &MessageAuthenticator,
    cache: &TxtCache,
    gate: &Gate,
    domain: &str,
    timeout: std::time::Duration,
) -> Step {
    let name = format!("_dmarc.{domain}.");
    if !gate.may_ask(&name) && !cache.has(&name) {
        return Step::NotAsked;
    }
    match tokio::time::timeout(
        timeout,
        auth.txt_lookup::<Dmarc>(name.as_str(), Some(cache)),
    )
    .await
    {
        Ok(Ok(record)) => match record_count(auth, gate, &name).await {
            Some(count) if count > 1 => Step::Several(count),
            _ => Step::Found(record),
        },
        // RFC 7489 6.6.3: a TXT record that is not a DMARC record counts as no record.
        Ok(Err(Error::Dns(DnsError::RecordNotFound(_))))
        | Ok(Err(Error::Dns(DnsError::InvalidRecordType)))
        | Ok(Err(Error::ParseError)) => Step::Missing,
        Ok(Err(err)) => Step::Failed(error_words(&err)),
        Err(_) => Step::Failed(error_words(&timed_out())),
    }
}

/// How many DMARC records (TXT records starting with `v=DMARC1`) `name` publishes; more
/// than one means none applies (RFC 7489 6.6.3), which mail-auth does not notice: it uses
/// the first.
async fn record_count(auth: &MessageAuthenticator, gate: &Gate, name: &str) -> Option<usize> {
    use mail_auth::common::parse::TxtRecordParser;
    super::cache::records_of_kind(auth, gate, name, |text| {
        // mail-auth says "not a DMARC record" exactly when `v=DMARC1` does not lead.
        !matches!(
            Dmarc::parse(text),
            Err(Error::Dns(DnsError::InvalidRecordType))
        )
    })
    .await
}

/// Finds the DMARC record for `from_domain`: its own, else its organisational domain's.
pub async fn fetch(
    auth: &MessageAuthenticator,
    cache: &TxtCache,
    gate: &Gate,
    from_domain: &str,
    timeout: std::time::Duration,
) -> Published {
    let own = lookup(auth, cache, gate, from_domain, timeout).await;
    let own_asked = !matches!(own, Step::NotAsked);
    match own {
        Step::Found(record) => {
            return Published::Record {
                record,
                at: from_domain.to_string(),
            };
        }
        Step::Failed(why) => return Published::Unknown(why),
        // Discovery ends at the first name with records, however many (RFC 7489 6.6.3).
        Step::Several(count) => {
            return Published::Several {
                at: from_domain.to_string(),
                count,
            };
        }
        Step::Missing | Step::NotAsked => {}
    }
    let org = org_domain(from_domain);
    let not_asked = || {
        if own_asked {
            Published::Absent
        } else {
            Published::Reserved(from_domain.to_string())
        }
    };
    if org == from_domain {
        return not_asked();
    }
    match lookup(auth, cache, gate, &org, timeout).await {
        Step::Found(record) => Published::Record { record, at: org },
        Step::Several(count) => Published::Several { at: org, count },
        Step::Failed(why) => Published::Unknown(why),
        Step::Missing => Published::Absent,
        Step::NotAsked => not_asked(),
    }
}

/// What a DMARC result rests on. A failure counts as an answer only when every identity
/// that could have aligned was answered: a signature whose key DNS did not give (or a
/// sender domain it says does not exist) might have passed, so its failure is unknown.
pub fn grounds(published: &Published, from: &str, spf: &SpfAnswer, dkim: &[LiveDkim]) -> Grounds {
    let record = match published {
        Published::Record { record, .. } => record,
        Published::Reserved(_) => return Grounds::Reserved,
        Published::Unknown(_) | Published::Absent | Published::Several { .. } => {
            return Grounds::NoAnswer
        }
    };
    let aligned_sigs: Vec<&LiveDkim> = dkim
        .iter()
        .filter(|d| aligns(&d.domain, from, record.adkim))
        .collect();
    if aligned_sigs.iter().any(|d| d.grounds == Grounds::Altered) {
        return Grounds::Altered;
    }
    let spf_unanswered = spf.grounds.says_nothing()
        && spf
            .dmarc_domain
            .as_deref()
            .is_none_or(|d| aligns(d, from, record.aspf));
    if aligned_sigs.iter().any(|d| d.grounds.says_nothing()) || spf_unanswered {
        // Only a failure is in doubt; a pass stands on the identity that passed.
        let passed = aligned_sigs.iter().any(|d| d.result == AuthValue::Pass)
            || (spf.dmarc_result == AuthValue::Pass && !spf.grounds.says_nothing());
        if !passed {
            return Grounds::NoAnswer;
        }
    }
    Grounds::Answered
}

/// The DMARC verdict, the published policy and the alignment in words.
#[derive(Debug, Clone)]
pub struct DmarcAnswer {
    pub outcome: AuthOutcome,
    pub policy: Option<String>,
    pub alignment: Option<String>,
}

fn policy_word(p: Policy) -> Option<&'static str> {
    match p {
        Policy::None => Some("none"),
        Policy::Quarantine => Some("quarantine"),
        Policy::Reject => Some("reject"),
        Policy::Unspecified => None,
    }
}

fn aligns(domain: &str, from: &str, mode: Alignment) -> bool {
    let (d, f) = (
        domain.trim_end_matches('.').to_ascii_lowercase(),
        from.trim_end_matches('.').to_ascii_lowercase(),
    );
    match mode {
        Alignment::Strict => d == f,
        Alignment::Relaxed => org_domain(&d) == org_domain(&f),
    }
}

fn mode_words(mode: Alignment, from: &str) -> String {
    match mode {
        Alignment::Strict => format!("strict alignment: it must be exactly {from}"),
        Alignment::Relaxed => format!(
            "relaxed alignment: it must belong to the same organisation, {}",
            org_domain(from)
        ),
    }
}

fn outcome(result: AuthValue, domain: &str, detail: String) -> AuthOutcome {
    super::live_outcome(result, Some(domain.to_string()), detail)
}

/// Judges DMARC for `from` from what DNS published and the live SPF/DKIM results.
pub fn evaluate(
    from: &str,
    published: &Published,
    spf: &SpfAnswer,
    dkim: &[LiveDkim],
) -> DmarcAnswer {
    let (aspf, adkim) = match published {
        Published::Record { record, .. } => (record.aspf, record.adkim),
        _ => (Alignment::Relaxed, Alignment::Relaxed),
    };
    let dkim_pass: Vec<&LiveDkim> = dkim
        .iter()
        .filter(|d| d.result == AuthValue::Pass)
        .collect();
    let dkim_aligned = dkim_pass.iter().find(|d| aligns(&d.domain, from, adkim));
    let dkim_temp_aligned = dkim
        .iter()
        .any(|d| d.result == AuthValue::TempError && aligns(&d.domain, from, adkim));
    let spf_domain = spf.dmarc_domain.as_deref();
    let spf_aligned_domain = spf_domain.filter(|d| aligns(d, from, aspf));
    let spf_pass_aligned = spf.dmarc_result == AuthValue::Pass && spf_aligned_domain.is_some();
    let spf_temp = spf.dmarc_result == AuthValue::TempError;

    let dkim_words = match (dkim_aligned, dkim_pass.first()) {
        (Some(d), _) => format!(
            "DKIM aligned: the valid signature of {} matches the From domain {from} ({})",
            d.domain,
            mode_words(adkim, from)
        ),
        (None, Some(d)) => format!(
            "DKIM did not align: the valid signature is from {}, not from {from} ({})",
            d.domain,
            mode_words(adkim, from)
        ),
        (None, None) => "DKIM could not align: no signature verified".to_string(),
    };
    let spf_words = match (spf.dmarc_result, spf_domain) {
        (AuthValue::Pass, Some(d)) if spf_aligned_domain.is_some() => format!(
            "SPF aligned: the sending server is allowed by {d}, which matches the From domain {from} ({})",
            mode_words(aspf, from)
        ),
        (AuthValue::Pass, Some(d)) => format!(
            "SPF did not align: the sending server is allowed by {d}, not by {from} ({})",
            mode_words(aspf, from)
        ),
        (v, _) => format!("SPF could not align: its result was {}", v.as_str()),
    };
    let alignment = Some(format!("{dkim_words}. {spf_words}."));

    let Published::Record { record, at } = published else {
        let outcome = match published {
            Published::Reserved(domain) => {
                outcome(AuthValue::TempError, from, reserved::words(domain))
            }
            Published::Several { at, count } => outcome(
                AuthValue::None,
                from,
                format!("_dmarc.{at} publishes {count} DMARC records instead of one, which the standard treats as publishing none, so DMARC does not apply"),
            ),
            Published::Unknown(why) => outcome(
                AuthValue::TempError,
                from,
                format!(
                    "Could not check now: the DMARC record of {from} could not be fetched ({why})"
                ),
            ),
            _ => outcome(
                AuthValue::None,
                from,
                if org_domain(from) == from {
                    format!("{from} publishes no DMARC policy")
                } else {
                    format!(
                        "Neither {from} nor {} publishes a DMARC policy",
                        org_domain(from)
                    )
                },
            ),
        };
        return DmarcAnswer {
            outcome,
            policy: None,
            alignment,
        };
    };
    // A record found at the organisational domain speaks for subdomains through sp=
    // (which the parser fills from p= when absent).
    let stated = if at == from { record.p } else { record.sp };
    let Some(policy) = policy_word(stated).or_else(|| (!record.rua.is_empty()).then_some("none"))
    else {
        return DmarcAnswer {
            outcome: outcome(
                AuthValue::None,
                from,
                format!("The DMARC record at _dmarc.{at} states no policy (p=), so DMARC does not apply"),
            ),
            policy: None,
            alignment,
        };
    };
    let testing = if record.t {
        " (in testing mode, t=y)"
    } else {
        ""
    };
    let (value, words) = if dkim_aligned.is_some() || spf_pass_aligned {
        let how = match (dkim_aligned.is_some(), spf_pass_aligned) {
            (true, true) => "both DKIM and SPF",
            (true, false) => "DKIM",
            _ => "SPF",
        };
        (
            AuthValue::Pass,
            format!("{from} is confirmed by {how}, as its DMARC policy (p={policy}{testing}, published at _dmarc.{at}) requires"),
        )
    } else if dkim_temp_aligned || (spf_temp && spf_domain.is_none_or(|d| aligns(d, from, aspf))) {
        (
            AuthValue::TempError,
            format!("Could not check now: a DNS lookup that DMARC depends on failed (policy p={policy}{testing} at _dmarc.{at})"),
        )
    } else {
        (
            AuthValue::Fail,
            format!("Neither a signature nor the sending server is confirmed for {from}, so its DMARC policy (p={policy}{testing}, published at _dmarc.{at}) says the message is not from it"),
        )
    };
    DmarcAnswer {
        outcome: outcome(value, from, words),
        policy: Some(policy.to_string()),
        alignment,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mail_auth::common::parse::TxtRecordParser;

    fn record(text: &str) -> Arc<Dmarc> {
        Arc::new(Dmarc::parse(text.as_bytes()).unwrap())
    }

    fn spf(result: AuthValue, domain: Option<&str>) -> SpfAnswer {
        SpfAnswer {
            outcome: AuthOutcome {
                result,
                ..AuthOutcome::default()
            },
            dmarc_result: result,
            dmarc_domain: domain.map(str::to_string),
            grounds: Grounds::Answered,
        }
    }

    fn sig(domain: &str, result: AuthValue) -> LiveDkim {
        LiveDkim {
            domain: domain.to_string(),
            selector: "s".to_string(),
            result,
            detail: None,
            grounds: Grounds::Answered,
        }
    }

    #[test]
    fn relaxed_alignment_accepts_a_subdomain_signature() {
        let published = Published::Record {
            record: record("v=DMARC1; p=reject"),
            at: "example.com".to_string(),
        };
        let a = evaluate(
            "example.com",
            &published,
            &spf(AuthValue::Fail, Some("example.com")),
            &[sig("mail.example.com", AuthValue::Pass)],
        );
        assert_eq!(a.outcome.result, AuthValue::Pass);
        assert_eq!(a.policy.as_deref(), Some("reject"));
        assert!(a.alignment.unwrap().contains("DKIM aligned"));
    }

    #[test]
    fn strict_alignment_refuses_a_subdomain_and_sp_applies_below_the_org_domain() {
        let published = Published::Record {
            record: record("v=DMARC1; p=reject; sp=none; adkim=s; aspf=s"),
            at: "example.com".to_string(),
        };
        let a = evaluate(
            "news.example.com",
            &published,
            &spf(AuthValue::Pass, Some("bounce.example.com")),
            &[sig("example.com", AuthValue::Pass)],
        );
        assert_eq!(a.outcome.result, AuthValue::Fail);
        assert_eq!(a.policy.as_deref(), Some("none"));
        assert!(a.alignment.unwrap().contains("strict alignment"));
    }

    #[test]
    fn a_temporary_dkim_error_on_an_aligned_domain_is_not_a_failure() {
        let published = Published::Record {
            record: record("v=DMARC1; p=quarantine"),
            at: "example.com".to_string(),
        };
        let a = evaluate(
            "example.com",
            &published,
            &spf(AuthValue::Fail, Some("example.com")),
            &[sig("example.com", AuthValue::TempError)],
        );
        assert_eq!(a.outcome.result, AuthValue::TempError);
    }

    #[test]
    fn no_record_is_none_and_unknown_is_a_temporary_error() {
        let s = spf(AuthValue::Pass, Some("example.com"));
        let a = evaluate("mail.example.com", &Published::Absent, &s, &[]);
        assert_eq!(a.outcome.result, AuthValue::None);
        assert!(a
            .outcome
            .detail
            .unwrap()
            .contains("Neither mail.example.com nor example.com"));
        let a = evaluate(
            "example.com",
            &Published::Unknown("timeout".into()),
            &s,
            &[],
        );
        assert_eq!(a.outcome.result, AuthValue::TempError);
        assert_eq!(a.policy, None);
    }
}
