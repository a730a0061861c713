//! Live re-verification of SPF, DKIM, DMARC and ARC over DNS.
use crate::analysis::{LiveAuth, Report};
use std::net::SocketAddr;
use std::time::Duration;

/// How live verification reaches DNS.
#[derive(Debug, Clone)]
pub struct LiveOptions {
    /// A specific DNS server (HOST:PORT); None = the system's resolver configuration.
    pub dns: Option<SocketAddr>,
    /// Timeout for each lookup.
    pub lookup_timeout: Duration,
    /// Bound on the whole verification of one message.
    pub total_timeout: Duration,
}

impl Default for LiveOptions {
    fn default() -> Self {
        LiveOptions {
            dns: None,
            lookup_timeout: Duration::from_secs(3),
            total_timeout: Duration::from_secs(10),
        }
    }
}

/// Re-verifies one message. Blocking; run it off the UI thread.
pub fn verify_blocking(_raw: &[u8], _report: &Report, opts: &LiveOptions) -> LiveAuth {
    LiveAuth {
        resolver: opts
            .dns
            .map(|d| d.to_string())
            .unwrap_or_else(|| "system".into()),
        ..LiveAuth::default()
    }
}
