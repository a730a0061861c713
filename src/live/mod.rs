//! Live re-verification of SPF, DKIM, DMARC and ARC over DNS.
//!
//! The message itself records what the receiving server concluded at delivery; this module
//! asks DNS again now, with mail-auth over hickory-resolver. Every lookup has a timeout and
//! the whole check has a bound, so a slow or absent network gives "could not check now"
//! answers instead of a hang. It reaches the network only through the resolver it builds.

mod arc;
mod cache;
mod dkim;
mod dmarc;
mod explain;
mod keys;
mod local;
pub mod reserved;
mod resolver;
mod spf;
mod tags;

use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::{Duration, Instant};

use mail_auth::common::verify::DomainKey;
use mail_auth::AuthenticatedMessage;
use tokio::task::JoinSet;

use crate::analysis::{
    AuthOutcome, AuthSource, AuthValue, Grounds, LiveAuth, LiveDkim, LiveGrounds, Report,
};
use cache::TxtCache;
use dkim::Clock;
use dmarc::Published;
pub use local::LocalZone;
use spf::SpfAnswer;

/// Most keys fetched in parallel up front for one message.
const MAX_PREFETCH: usize = 48;

/// How live verification reaches DNS.
#[derive(Debug, Clone)]
pub struct LiveOptions {
    /// A specific DNS server (HOST:PORT); None = the system's resolver configuration.
    pub dns: Option<SocketAddr>,
    /// Timeout for each lookup.
    pub lookup_timeout: Duration,
    /// Bound on the whole verification of one message.
    pub total_timeout: Duration,
    /// Answers mailsleuth gives itself for names it knows (the training samples' keys and
    /// policies); these names are never asked of DNS.
    pub local: LocalZone,
    /// Ask the DNS server about names reserved for examples and tests (`.example`,
    /// `.test`, `example.com` …) too. Off in the app: those names exist on no public DNS
    /// server, so they are not looked up and the results say so. A laboratory DNS server
    /// that serves such names on purpose needs it on.
    pub ask_reserved: bool,
}

impl Default for LiveOptions {
    fn default() -> Self {
        LiveOptions {
            dns: None,
            lookup_timeout: Duration::from_secs(3),
            total_timeout: Duration::from_secs(10),
            local: LocalZone::default(),
            ask_reserved: false,
        }
    }
}

/// Re-verifies one message. Blocking; run it off the UI thread. Safe to call from several
/// threads at once: each call builds its own runtime and resolver.
pub fn verify_blocking(raw: &[u8], report: &Report, opts: &LiveOptions) -> LiveAuth {
    let started = Instant::now();
    let run = || std::panic::catch_unwind(AssertUnwindSafe(|| run(raw, report, opts)));
    // A runtime cannot be started from inside another one (tokio panics), so a caller
    // that is itself async gets the work done on a helper thread.
    let outcome = if tokio::runtime::Handle::try_current().is_ok() {
        std::thread::scope(|s| s.spawn(run).join()).unwrap_or_else(|_| Ok(Err(internal())))
    } else {
        run()
    };
    let mut live = match outcome {
        Ok(Ok(live)) => live,
        Ok(Err(why)) => unavailable(report, &why),
        Err(_) => unavailable(report, &internal()),
    };
    live.disagreements = explain::disagreements(&report.auth.recorded, &live);
    live.resolver = resolver::describe(opts.dns);
    live.elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    live
}

fn internal() -> String {
    "Could not check now: an internal error stopped the check".to_string()
}

/// Starts a private runtime and runs the checks on it.
fn run(raw: &[u8], report: &Report, opts: &LiveOptions) -> Result<LiveAuth, String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("Could not check now: the network machinery could not start ({e})"))?;
    let result = rt.block_on(verify(raw, report, opts));
    // Do not wait for anything the resolver may still have in flight: the bound is ours.
    rt.shutdown_background();
    result
}

fn temp(domain: Option<String>, detail: &str) -> AuthOutcome {
    AuthOutcome {
        result: AuthValue::TempError,
        source: AuthSource::Live,
        domain,
        detail: Some(detail.to_string()),
        header_index: None,
    }
}

/// Every result "could not check now", with `why`; SPF stays "none" when there is no
/// sending IP, since that does not depend on the network.
fn unavailable(report: &Report, why: &str) -> LiveAuth {
    let from = from_domain(report);
    let spf = match spf::question(report) {
        Err(none) => none,
        Ok(_) => temp(None, why),
    };
    let dkim_signatures: Vec<LiveDkim> = report
        .auth
        .dkim_signatures
        .iter()
        .map(|s| LiveDkim {
            domain: s.domain.clone().unwrap_or_default(),
            selector: s.selector.clone().unwrap_or_default(),
            result: AuthValue::TempError,
            detail: Some(why.to_string()),
            grounds: Grounds::NoAnswer,
        })
        .collect();
    LiveAuth {
        spf,
        dkim_signatures,
        dkim: temp(None, why),
        dmarc: temp(from, why),
        arc: temp(None, why),
        grounds: LiveGrounds {
            spf: Grounds::NoAnswer,
            dkim: Grounds::NoAnswer,
            dmarc: Grounds::NoAnswer,
            arc: Grounds::NoAnswer,
        },
        ..LiveAuth::default()
    }
}

fn from_domain(report: &Report) -> Option<String> {
    report
        .identity
        .from
        .as_ref()
        .and_then(|m| m.domain.clone())
        .filter(|d| !d.is_empty())
}

/// The checks themselves: key, SPF and DMARC lookups run in parallel; signatures are then
/// verified from the fetched keys; DMARC is judged from the SPF and DKIM results.
async fn verify(raw: &[u8], report: &Report, opts: &LiveOptions) -> Result<LiveAuth, String> {
    let deadline = tokio::time::Instant::now() + opts.total_timeout;
    let too_long = format!(
        "Could not check now: DNS did not answer within {} seconds",
        opts.total_timeout.as_secs_f32()
    );
    let auth = resolver::build(opts.dns, opts.lookup_timeout)
        .map_err(|e| format!("Could not check now: {}", e.0))?;
    let cache = Arc::new(TxtCache::default());
    opts.local.seed(&cache);
    // A reserved name is answered from the local zone or not at all; what is not there is
    // never asked of DNS.
    let gate = reserved::Gate::new(opts.ask_reserved, Arc::clone(&cache));
    let msg = AuthenticatedMessage::parse(raw);
    let clock = Clock {
        delivered_at: report.path.delivered_at,
        now: crate::analysis::unix_now().unwrap_or(0),
    };
    let from = from_domain(report);

    let mut keys: Vec<String> = msg
        .as_ref()
        .map(|m| {
            dkim::key_names(m)
                .into_iter()
                .chain(arc::key_names(m))
                .collect()
        })
        .unwrap_or_default();
    // Keys under reserved names get "not looked up" as their answer, written as the
    // signature spells the name (that is how mail-auth asks) and in lowercase.
    for key in &keys {
        if gate.refuses(key) {
            cache.remember_error(key, reserved::not_looked_up());
            cache.remember_error(&key.to_ascii_lowercase(), reserved::not_looked_up());
        }
    }
    keys.iter_mut().for_each(|k| k.make_ascii_lowercase());
    keys.sort();
    keys.dedup();
    keys.retain(|k| !cache.has(k));
    // Bounded like the signatures themselves: a hostile message must not turn into a
    // flood of lookups. Anything beyond is looked up, if time allows, when needed.
    keys.truncate(MAX_PREFETCH);
    let mut prefetches = JoinSet::new();
    for key in keys {
        let (auth, cache, timeout) = (auth.clone(), Arc::clone(&cache), opts.lookup_timeout);
        prefetches.spawn(async move {
            cache::prefetch::<DomainKey>(&auth, &cache, key, timeout).await;
        });
    }

    let spf_check = async {
        match spf::question(report) {
            Err(none) => SpfAnswer {
                dmarc_result: none.result,
                outcome: none,
                dmarc_domain: None,
                grounds: Grounds::NoAnswer,
            },
            Ok(q) => tokio::time::timeout_at(deadline, spf::verify(&auth, &cache, &gate, &q))
                .await
                .unwrap_or_else(|_| spf::temp_error(&too_long)),
        }
    };
    let dmarc_record = async {
        let from = from.as_deref()?;
        Some(
            tokio::time::timeout_at(
                deadline,
                dmarc::fetch(&auth, &cache, &gate, from, opts.lookup_timeout),
            )
            .await
            .unwrap_or_else(|_| Published::Unknown("no answer in time".to_string())),
        )
    };
    let records = keys::KeyRecords {
        auth: &auth,
        gate: &gate,
        local: &opts.local,
    };
    let signatures = async {
        let _ = tokio::time::timeout_at(deadline, async {
            while prefetches.join_next().await.is_some() {}
        })
        .await;
        let Some(msg) = msg.as_ref() else {
            return (Vec::new(), None);
        };
        let (dkim, arc) = tokio::join!(
            tokio::time::timeout_at(
                deadline,
                dkim::verify(&auth, &cache, &records, msg, raw, clock)
            ),
            tokio::time::timeout_at(deadline, arc::verify(&auth, &cache, &records, msg, clock)),
        );
        (dkim.ok().unwrap_or_default(), arc.ok())
    };
    let (spf, published, (dkim_signatures, arc)) =
        tokio::join!(spf_check, dmarc_record, signatures);

    // A signature with no answer in time still deserves a line saying so.
    let dkim_signatures =
        if dkim_signatures.is_empty() && !report.auth.dkim_signatures.is_empty() && msg.is_some() {
            unavailable(report, &too_long).dkim_signatures
        } else {
            dkim_signatures
        };
    let from_org = from.as_deref().map(crate::analysis::identity::org_domain);
    let dkim = dkim::best(&dkim_signatures, from_org.as_deref());
    let dkim_grounds = dkim::best_grounds(&dkim_signatures, from_org.as_deref());
    let (arc, arc_grounds) = arc.unwrap_or_else(|| (temp(None, &too_long), Grounds::NoAnswer));

    let several_from = msg.as_ref().is_some_and(|m| {
        let mut domains: Vec<&str> = m
            .from
            .iter()
            .filter_map(|a| a.rsplit_once('@').map(|(_, d)| d))
            .collect();
        domains.sort_unstable();
        domains.dedup();
        domains.len() > 1
    });
    let dmarc_grounds = match (&published, from.as_deref()) {
        (Some(p), Some(from)) if !several_from => dmarc::grounds(p, from, &spf, &dkim_signatures),
        _ => Grounds::Answered,
    };
    let (dmarc, dmarc_policy, alignment) = match (from.as_deref(), published) {
        (Some(from), _) if several_from => (
            AuthOutcome {
                result: AuthValue::None,
                source: AuthSource::Live,
                domain: Some(from.to_string()),
                detail: Some(
                    "The From header names senders at several domains, so DMARC does not apply"
                        .to_string(),
                ),
                header_index: None,
            },
            None,
            None,
        ),
        (Some(from), Some(published)) => {
            let answer = dmarc::evaluate(from, &published, &spf, &dkim_signatures);
            (answer.outcome, answer.policy, answer.alignment)
        }
        _ => (
            AuthOutcome {
                result: AuthValue::None,
                source: AuthSource::Live,
                domain: None,
                detail: Some(
                    "The message has no From address, so there is no domain to check DMARC for"
                        .to_string(),
                ),
                header_index: None,
            },
            None,
            None,
        ),
    };

    let grounds = LiveGrounds {
        spf: spf.grounds,
        dkim: dkim_grounds,
        dmarc: dmarc_grounds,
        arc: arc_grounds,
    };
    Ok(LiveAuth {
        spf: spf.outcome,
        dkim_signatures,
        dkim,
        dmarc,
        arc,
        dmarc_policy,
        alignment,
        grounds,
        ..LiveAuth::default()
    })
}

/// A result of re-checking now, with what was checked in words.
pub(crate) fn live_outcome(
    result: AuthValue,
    domain: Option<String>,
    detail: String,
) -> AuthOutcome {
    AuthOutcome {
        result,
        source: AuthSource::Live,
        domain,
        detail: Some(detail),
        header_index: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::DkimSignatureInfo;

    #[test]
    fn without_a_resolver_everything_is_a_temporary_error_except_spf_without_an_ip() {
        let mut report = Report::default();
        report.auth.dkim_signatures.push(DkimSignatureInfo {
            domain: Some("example.com".to_string()),
            selector: Some("s1".to_string()),
            ..DkimSignatureInfo::default()
        });
        let live = unavailable(&report, "Could not check now: no DNS configuration");
        assert_eq!(live.spf.result, AuthValue::None);
        assert!(live.spf.detail.unwrap().contains("no known sending IP"));
        for o in [&live.dkim, &live.dmarc, &live.arc] {
            assert_eq!(o.result, AuthValue::TempError);
            assert_eq!(o.source, AuthSource::Live);
        }
        assert_eq!(live.dkim_signatures.len(), 1);
        assert_eq!(live.dkim_signatures[0].selector, "s1");

        report.path.connecting_ip = Some("192.0.2.1".to_string());
        let live = unavailable(&report, "Could not check now: no DNS configuration");
        assert_eq!(live.spf.result, AuthValue::TempError);
    }
}
