//! The organisations that run mail servers (mailbox providers, mailing services, filtering
//! gateways), from `assets/knowledge/operators.toml`, and the lookups that name the one
//! behind a host name or an address.

use std::net::IpAddr;
use std::sync::OnceLock;

use serde::Deserialize;

const FILE: &str = "operators.toml";
const TEXT: &str = include_str!("../../../assets/knowledge/operators.toml");

/// What kind of organisation runs the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OperatorKind {
    /// Hosts people's mailboxes (Microsoft 365, Gmail, iCloud…).
    Provider,
    /// Sends mail on behalf of its customers (newsletters, notifications).
    MailingService,
    /// Filters mail in front of an organisation's mailboxes.
    SecurityGateway,
}

/// One organisation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Operator {
    pub name: String,
    pub kind: OperatorKind,
    pub domains: Vec<String>,
    #[serde(default)]
    pub ip_ranges: Vec<String>,
    pub why: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    operator: Vec<Operator>,
}

struct Table {
    operators: Vec<Operator>,
    /// (operator index, network, prefix length), parsed once.
    ranges: Vec<(usize, IpAddr, u8)>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| from_text(TEXT))
}

fn from_text(text: &str) -> Table {
    let file: File = super::parse(FILE, text);
    // One domain under two operators would make the label depend on file order.
    let domains = file
        .operator
        .iter()
        .flat_map(|o| o.domains.iter().map(String::as_str));
    if let Some(d) = super::first_duplicate(domains) {
        panic!("the built-in knowledge file assets/knowledge/{FILE} lists {d:?} twice");
    }
    let mut ranges = Vec::new();
    for (i, op) in file.operator.iter().enumerate() {
        for r in &op.ip_ranges {
            match cidr(r) {
                Some((net, len)) => ranges.push((i, net, len)),
                // Shipped data, checked by the tests below: a bad range is a build defect.
                None => panic!("the built-in knowledge file assets/knowledge/{FILE} has a bad range {r:?} for {}", op.name),
            }
        }
    }
    Table {
        operators: file.operator,
        ranges,
    }
}

fn cidr(s: &str) -> Option<(IpAddr, u8)> {
    let (net, len) = s.split_once('/')?;
    let net: IpAddr = net.parse().ok()?;
    let len: u8 = len.parse().ok()?;
    let max = if net.is_ipv4() { 32 } else { 128 };
    (len <= max).then_some((net, len))
}

fn in_range(ip: &IpAddr, net: &IpAddr, len: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
            u32::from(*a) & mask == u32::from(*n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
            u128::from(*a) & mask == u128::from(*n) & mask
        }
        _ => false,
    }
}

/// Every operator, in file order.
pub fn all() -> &'static [Operator] {
    &table().operators
}

/// The operator whose domain the host is, or is under (`mx.google.com` → Google).
pub fn by_host(host: &str) -> Option<&'static Operator> {
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    all().iter().find(|op| {
        op.domains.iter().any(|d| {
            host == *d
                || host
                    .strip_suffix(d.as_str())
                    .is_some_and(|rest| rest.ends_with('.'))
        })
    })
}

/// The operator that publishes the range the address is in.
pub fn by_ip(ip: &IpAddr) -> Option<&'static Operator> {
    let t = table();
    t.ranges
        .iter()
        .find(|(_, net, len)| in_range(ip, net, *len))
        .and_then(|(i, _, _)| t.operators.get(*i))
}

/// The registered domains of the provider or gateway that owns `domain`: large providers
/// run one infrastructure under several names. Mailing services are left out: their
/// customers' mail is not the receiver's own.
pub fn family_of(domain: &str) -> Option<&'static [String]> {
    all()
        .iter()
        .filter(|op| op.kind != OperatorKind::MailingService)
        .find(|op| op.domains.iter().any(|d| d == domain))
        .map(|op| op.domains.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::knowledge::first_duplicate;

    #[test]
    fn the_operator_table_loads_and_every_entry_says_why() {
        let t = from_text(TEXT);
        assert!(t.operators.len() >= 15);
        for op in &t.operators {
            assert!(!op.why.trim().is_empty(), "{} has no why", op.name);
            assert!(!op.domains.is_empty(), "{} has no domains", op.name);
        }
        assert!(t.ranges.len() >= 20);
    }

    #[test]
    fn no_name_or_domain_is_listed_twice() {
        let t = from_text(TEXT);
        assert_eq!(
            first_duplicate(t.operators.iter().map(|o| o.name.as_str())),
            None
        );
        assert_eq!(
            first_duplicate(
                t.operators
                    .iter()
                    .flat_map(|o| o.domains.iter().map(String::as_str))
            ),
            None
        );
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let bad = "[[operator]]\nname = \"x\"\nkind = \"provider\"\ndomains = [\"x.test\"]\nwhy = \"w\"\ncolour = \"red\"\n";
        assert!(toml::from_str::<File>(bad).is_err());
        let bad_kind =
            "[[operator]]\nname = \"x\"\nkind = \"isp\"\ndomains = [\"x.test\"]\nwhy = \"w\"\n";
        assert!(toml::from_str::<File>(bad_kind).is_err());
    }

    #[test]
    fn hosts_and_addresses_name_their_operator() {
        assert_eq!(
            by_host("mail-qv1-f43.google.com").map(|o| o.name.as_str()),
            Some("Google")
        );
        assert_eq!(
            by_host("MW2NAM12FT041.mail.protection.outlook.com").map(|o| o.name.as_str()),
            Some("Microsoft 365 / Outlook.com")
        );
        // A look-alike suffix is not the domain.
        assert!(by_host("evilgoogle.com").is_none());
        assert!(by_host("34.101.78.183.bc.googleusercontent.com").is_none());
        let ip: IpAddr = "209.85.219.43".parse().unwrap();
        assert_eq!(by_ip(&ip).map(|o| o.name.as_str()), Some("Google"));
        let v6: IpAddr = "2a01:111:f400:fe5b::830".parse().unwrap();
        assert_eq!(
            by_ip(&v6).map(|o| o.name.as_str()),
            Some("Microsoft 365 / Outlook.com")
        );
        assert!(by_ip(&"198.51.100.4".parse().unwrap()).is_none());
    }
}
