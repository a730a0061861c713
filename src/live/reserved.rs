//! Names reserved for examples and tests (RFC 2606, RFC 6761): they exist on no public DNS
//! server, so asking about them could only ever get "no such domain" (or a wrong answer
//! from a resolver that makes things up), and would tell someone which names we hold.

use std::sync::Arc;

use super::cache::TxtCache;

/// Decides which names may be asked of DNS during one verification.
pub struct Gate {
    ask_reserved: bool,
    /// Holds the local zone's answers (and, later, what DNS said).
    cache: Arc<TxtCache>,
}

impl Gate {
    pub fn new(ask_reserved: bool, cache: Arc<TxtCache>) -> Gate {
        Gate {
            ask_reserved,
            cache,
        }
    }

    /// DNS may be asked about `name`.
    pub fn may_ask(&self, name: &str) -> bool {
        self.ask_reserved || !is_reserved(name)
    }

    /// Nothing will answer `name`: it may not be asked and the local zone does not hold it.
    pub fn refuses(&self, name: &str) -> bool {
        !self.may_ask(name) && !self.cache.has(name)
    }
}

/// Top-level labels reserved by RFC 2606 and RFC 6761.
const RESERVED_TLDS: &[&str] = &["example", "test", "invalid", "localhost"];

/// Second-level names reserved by RFC 2606 section 3, with everything below them.
const RESERVED_DOMAINS: &[&str] = &["example.com", "example.net", "example.org"];

/// True when `name` (a domain or a DNS name, trailing dot or not) is reserved.
pub fn is_reserved(name: &str) -> bool {
    let name = name.trim().trim_end_matches('.').to_ascii_lowercase();
    if name.is_empty() {
        return false;
    }
    let tld = name.rsplit('.').next().unwrap_or_default();
    RESERVED_TLDS.contains(&tld)
        || RESERVED_DOMAINS
            .iter()
            .any(|d| name == *d || name.ends_with(&format!(".{d}")))
}

/// The reason stored for a name that was not looked up because it is reserved.
const NOT_LOOKED_UP: &str = "a reserved name, not looked up";

/// The answer recorded for a reserved name instead of asking DNS.
pub fn not_looked_up() -> mail_auth::Error {
    mail_auth::Error::Dns(mail_auth::DnsError::Resolver(NOT_LOOKED_UP.to_string()))
}

/// True when `err` is the answer [`not_looked_up`] recorded.
pub fn is_not_looked_up(err: &mail_auth::Error) -> bool {
    matches!(err, mail_auth::Error::Dns(mail_auth::DnsError::Resolver(why)) if why == NOT_LOOKED_UP)
}

/// The plain words for a result that was not looked up because `domain` is reserved.
pub fn words(domain: &str) -> String {
    format!(
        "Not looked up: {domain} is a name reserved for examples and tests (RFC 2606, RFC 6761), which exists on no public DNS server, so there is nothing to re-check; the result recorded at delivery stands"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_names_and_their_subdomains_are_recognised() {
        for name in [
            "example",
            "contoso.example",
            "MAIL.Sender.TEST.",
            "x.invalid",
            "localhost",
            "a.b.localhost",
            "example.com",
            "selector1._domainkey.example.org",
            "_dmarc.mail.example.net.",
        ] {
            assert!(is_reserved(name), "{name}");
        }
    }

    #[test]
    fn ordinary_names_and_look_alikes_are_not_reserved() {
        for name in [
            "",
            "example.co.uk",
            "myexample.com",
            "example.com.au",
            "testing.com",
            "contest",
            "sender.internal",
            "gmail.com",
        ] {
            assert!(!is_reserved(name), "{name}");
        }
    }
}
