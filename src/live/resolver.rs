//! Builds the DNS resolver live verification talks to: the system's, or exactly one server.

use std::net::SocketAddr;
use std::time::Duration;

use hickory_resolver::config::{
    ConnectionConfig, NameServerConfig, ResolveHosts, ResolverConfig, ResolverOpts,
};
use mail_auth::MessageAuthenticator;

/// The resolver could not be set up; every live result becomes "could not check now".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolverError(pub String);

/// How `dns` is named in reports: "system" or HOST:PORT.
pub fn describe(dns: Option<SocketAddr>) -> String {
    dns.map_or_else(|| "system".to_string(), |d| d.to_string())
}

/// Options shared by both kinds of resolver.
fn options(lookup_timeout: Duration) -> ResolverOpts {
    let mut opts = ResolverOpts::default();
    // One attempt per lookup: the caller's `lookup_timeout` is then the real bound for a
    // lookup, instead of being multiplied by hickory's retry count. hickory counts
    // `attempts` as retries after the first try, so one attempt is 0.
    opts.timeout = lookup_timeout;
    opts.attempts = 0;
    // Every verification builds its own resolver, so a large cache would only cost memory.
    opts.cache_size = 256;
    opts
}

/// A resolver that asks `server` only, over UDP and TCP (TCP for truncated answers).
fn fixed(
    server: SocketAddr,
    lookup_timeout: Duration,
) -> Result<MessageAuthenticator, ResolverError> {
    let mut udp = ConnectionConfig::udp();
    udp.port = server.port();
    let mut tcp = ConnectionConfig::tcp();
    tcp.port = server.port();
    let config = ResolverConfig::from_name_servers(vec![NameServerConfig::new(
        server.ip(),
        true,
        vec![udp, tcp],
    )]);
    let mut opts = options(lookup_timeout);
    // "Use exactly that server": answers must not come from this computer's hosts file.
    opts.use_hosts_file = ResolveHosts::Never;
    MessageAuthenticator::new(config, opts).map_err(|e| {
        ResolverError(format!(
            "the DNS resolver for {server} could not be started ({e})"
        ))
    })
}

/// A resolver configured like the rest of this computer (resolv.conf or the OS settings).
fn system(lookup_timeout: Duration) -> Result<MessageAuthenticator, ResolverError> {
    let (config, sys_opts) = hickory_resolver::system_conf::read_system_conf().map_err(|e| {
        ResolverError(format!(
            "this computer has no usable DNS configuration ({e}), so nothing could be re-checked"
        ))
    })?;
    if config.name_servers().is_empty() {
        return Err(ResolverError(
            "this computer's DNS configuration lists no DNS server, so nothing could be re-checked"
                .to_string(),
        ));
    }
    let mut opts = options(lookup_timeout);
    opts.use_hosts_file = sys_opts.use_hosts_file;
    MessageAuthenticator::new(config, opts).map_err(|e| {
        ResolverError(format!(
            "the system DNS resolver could not be started ({e})"
        ))
    })
}

/// Builds the resolver for `dns` (None = the system configuration).
/// Must run inside a Tokio runtime.
pub fn build(
    dns: Option<SocketAddr>,
    lookup_timeout: Duration,
) -> Result<MessageAuthenticator, ResolverError> {
    match dns {
        Some(server) => fixed(server, lookup_timeout),
        None => system(lookup_timeout),
    }
}
