//! The organisation profile: what only the organisation knows, handed out by IT as a
//! `profile.toml` — its own domains, the people an impostor would pretend to be and the
//! addresses they really use, the vendors it pays and the domains they write from, the
//! gateways in front of its mailboxes, and where reports go.
//!
//! A profile is read once and shared (`Arc`) by every analysis; mistakes in it are
//! reported with the line they are on, and nothing in it is ever looked up on the network.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::analysis::identity::org_domain;

/// Largest profile read, in bytes: a profile lists people and vendors, not a directory.
const MAX_PROFILE_BYTES: u64 = 4 * 1024 * 1024;

/// An organisation profile, checked and ready to use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    /// The organisation's name ("Northwind Traders").
    pub name: String,
    /// Its own mail domains, lowercased.
    pub own_domains: Vec<String>,
    /// Where incident reports go.
    pub report_to: Option<String>,
    /// A ticket web form for reports, shown as text (never opened by mailsleuth).
    pub report_form: Option<String>,
    /// Whether live DNS checks are off by policy (`None`: the person decides).
    pub offline: Option<bool>,
    /// People an impostor would pretend to be.
    pub people: Vec<Person>,
    /// Vendors and partners the organisation pays or deals with.
    pub vendors: Vec<Vendor>,
    /// Trusted inbound gateways and relays in front of the mailboxes.
    pub gateways: Vec<Gateway>,
}

/// A person to protect: an executive, a finance officer, anyone whose name opens doors.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub role: Option<String>,
    /// The addresses they really send from, lowercased.
    pub addresses: Vec<String>,
}

/// A vendor or partner and the domains it writes from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vendor {
    pub name: String,
    /// Its mail domains, lowercased.
    pub domains: Vec<String>,
    /// The organisation holds this vendor's payment details: any change must be confirmed
    /// by phone on the number on file.
    pub payment_details_on_file: bool,
}

/// A gateway or relay the organisation runs or pays for (a security gateway in front of
/// Microsoft 365, a filtering service): lines it wrote can be believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gateway {
    /// Host names, lowercased; `*.example.net` matches every name under example.net.
    pub hosts: Vec<String>,
    /// Address ranges.
    pub ips: Vec<ipnet::IpNet>,
}

/// A profile that could not be used, with where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message)]
pub struct ProfileError {
    /// The whole explanation, with the file and the line when known.
    pub message: String,
    /// 1-based line of the mistake, when it is on one.
    pub line: Option<usize>,
}

impl Profile {
    /// Reads and checks the profile at `path`.
    pub fn load(path: &Path) -> Result<Profile, ProfileError> {
        let name = path.display().to_string();
        let fail = |why: String| ProfileError {
            message: format!("{name}: {why}"),
            line: None,
        };
        let meta = std::fs::metadata(path).map_err(|e| fail(format!("cannot be read ({e})")))?;
        if meta.len() > MAX_PROFILE_BYTES {
            return Err(fail(format!(
                "is {} bytes; a profile is at most {MAX_PROFILE_BYTES}",
                meta.len()
            )));
        }
        let bytes = std::fs::read(path).map_err(|e| fail(format!("cannot be read ({e})")))?;
        let text = String::from_utf8(bytes).map_err(|_| fail("is not UTF-8 text".into()))?;
        Profile::parse(&text).map_err(|e| ProfileError {
            message: format!("{name}: {}", e.message),
            line: e.line,
        })
    }

    /// Reads and checks a profile's text.
    pub fn parse(text: &str) -> Result<Profile, ProfileError> {
        let raw: RawProfile = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start));
            ProfileError {
                message: match line {
                    Some(l) => format!("line {l}: {}", e.message()),
                    None => e.message().to_string(),
                },
                line,
            }
        })?;
        raw.check(text)
    }

    /// The profile a managed install provides for every user, if the system has one:
    /// `/etc/mailsleuth/profile.toml`, `%ProgramData%\mailsleuth\profile.toml`, or
    /// `/Library/Application Support/mailsleuth/profile.toml`.
    pub fn system_path() -> Option<PathBuf> {
        let path = if cfg!(windows) {
            PathBuf::from(std::env::var_os("ProgramData")?)
                .join("mailsleuth")
                .join("profile.toml")
        } else if cfg!(target_os = "macos") {
            PathBuf::from("/Library/Application Support/mailsleuth/profile.toml")
        } else {
            PathBuf::from("/etc/mailsleuth/profile.toml")
        };
        path.is_file().then_some(path)
    }

    /// What the profile holds, in words: "Northwind Traders: 1 own domain, 1 protected
    /// person, 1 vendor, 1 gateway".
    pub fn describe(&self) -> String {
        let count =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        format!(
            "{}: {}, {}, {}, {}",
            self.name,
            count(self.own_domains.len(), "own domain", "own domains"),
            count(self.people.len(), "protected person", "protected people"),
            count(self.vendors.len(), "vendor", "vendors"),
            count(self.gateways.len(), "gateway", "gateways"),
        )
    }

    /// The protected person whose name is `display_name`, if any: the same words in any
    /// order, case or accents ("Dana Whitfield", "WHITFIELD, Dana", "Dana Whitfield (CEO)").
    pub fn person_named(&self, display_name: &str) -> Option<&Person> {
        let words = name_words(display_name);
        self.people.iter().find(|p| {
            let mine = name_words(&p.name);
            mine.len() >= 2 && mine.iter().all(|w| words.contains(w))
        })
    }

    /// The vendor whose name is in `text` (a display name), if any.
    pub fn vendor_named(&self, text: &str) -> Option<&Vendor> {
        let words = name_words(text);
        self.vendors.iter().find(|v| {
            let mine = name_words(&v.name);
            !mine.is_empty()
                && mine.iter().map(|w| w.chars().count()).sum::<usize>() >= 5
                && words.windows(mine.len()).any(|w| w == mine.as_slice())
        })
    }

    /// The vendor one of whose domains `domain` belongs to (same organisational domain).
    pub fn vendor_of_domain(&self, domain: &str) -> Option<&Vendor> {
        let org = org_domain(domain);
        self.vendors
            .iter()
            .find(|v| v.domains.iter().any(|d| org_domain(d) == org))
    }

    /// Whether a Received line's sending side is one of the organisation's gateways.
    pub fn is_gateway(&self, host: Option<&str>, ip: Option<&str>) -> bool {
        let ip: Option<IpAddr> = ip.and_then(|i| i.parse().ok());
        let host = host.map(|h| h.trim_end_matches('.').to_ascii_lowercase());
        self.gateways.iter().any(|g| {
            ip.is_some_and(|ip| g.ips.iter().any(|net| net.contains(&ip)))
                || host
                    .as_deref()
                    .is_some_and(|h| g.hosts.iter().any(|pattern| host_matches(pattern, h)))
        })
    }
}

/// `*.example.net` matches names under example.net; anything else matches itself.
fn host_matches(pattern: &str, host: &str) -> bool {
    match pattern.strip_prefix("*.") {
        Some(base) => host
            .strip_suffix(base)
            .is_some_and(|rest| rest.ends_with('.') && rest.len() > 1),
        None => pattern == host,
    }
}

/// The words of a name, folded: lower case, accents and punctuation dropped, look-alike
/// letters from other alphabets read as the ones they imitate.
fn name_words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(crate::analysis::domains::fold)
        .collect()
}

/// 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()
        .get(..end)
        .map(|b| memchr::memchr_iter(b'\n', b).count() + 1)
        .unwrap_or(1)
}

/// The file as written, with where each value is, before it is checked.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    name: Spanned<String>,
    #[serde(default)]
    own_domains: Vec<Spanned<String>>,
    #[serde(default)]
    report_to: Option<Spanned<String>>,
    #[serde(default)]
    report_form: Option<String>,
    #[serde(default)]
    offline: Option<bool>,
    #[serde(default)]
    people: Vec<RawPerson>,
    #[serde(default)]
    vendors: Vec<RawVendor>,
    #[serde(default)]
    gateways: Vec<RawGateway>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPerson {
    name: Spanned<String>,
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    addresses: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVendor {
    name: Spanned<String>,
    #[serde(default)]
    domains: Vec<Spanned<String>>,
    #[serde(default)]
    payment_details_on_file: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGateway {
    #[serde(default)]
    hosts: Vec<Spanned<String>>,
    #[serde(default)]
    ips: Vec<Spanned<String>>,
}

impl RawProfile {
    fn check(self, text: &str) -> Result<Profile, ProfileError> {
        let at = |s: &Spanned<String>, why: String| {
            let line = line_of(text, s.span().start);
            ProfileError {
                message: format!("line {line}: {why}"),
                line: Some(line),
            }
        };
        let name_of = |s: &Spanned<String>, what: &str| -> Result<String, ProfileError> {
            let v = s.get_ref().trim();
            if v.is_empty() {
                Err(at(s, format!("{what} is empty")))
            } else {
                Ok(v.to_string())
            }
        };
        let domain = |s: &Spanned<String>| -> Result<String, ProfileError> {
            let d = s
                .get_ref()
                .trim()
                .trim_end_matches('.')
                .to_ascii_lowercase();
            let ok = d.contains('.')
                && !d.starts_with('.')
                && d.split('.').all(|l| {
                    !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                });
            if ok {
                Ok(d)
            } else {
                Err(at(
                    s,
                    format!(
                        "\"{}\" is not a domain name (like northwind.example)",
                        s.get_ref()
                    ),
                ))
            }
        };
        let address = |s: &Spanned<String>| -> Result<String, ProfileError> {
            let a = s.get_ref().trim().to_ascii_lowercase();
            match a.rsplit_once('@') {
                Some((local, d)) if !local.is_empty() && !d.is_empty() => {
                    domain(&Spanned::new(s.span(), d.to_string()))?;
                    Ok(a)
                }
                _ => Err(at(
                    s,
                    format!(
                        "\"{}\" is not an e-mail address (like dana@northwind.example)",
                        s.get_ref()
                    ),
                )),
            }
        };
        let mut profile = Profile {
            name: name_of(&self.name, "name")?,
            report_form: self.report_form.filter(|f| !f.trim().is_empty()),
            offline: self.offline,
            ..Profile::default()
        };
        for d in &self.own_domains {
            profile.own_domains.push(domain(d)?);
        }
        if let Some(r) = &self.report_to {
            profile.report_to = Some(address(r)?);
        }
        for p in &self.people {
            let mut person = Person {
                name: name_of(&p.name, "a person's name")?,
                role: p.role.clone().filter(|r| !r.trim().is_empty()),
                addresses: Vec::new(),
            };
            if name_words(&person.name).len() < 2 {
                return Err(at(
                    &p.name,
                    format!(
                        "\"{}\": give the first and last name, so one common word does not match everyone",
                        person.name
                    ),
                ));
            }
            for a in &p.addresses {
                person.addresses.push(address(a)?);
            }
            profile.people.push(person);
        }
        for v in &self.vendors {
            let mut vendor = Vendor {
                name: name_of(&v.name, "a vendor's name")?,
                domains: Vec::new(),
                payment_details_on_file: v.payment_details_on_file,
            };
            for d in &v.domains {
                vendor.domains.push(domain(d)?);
            }
            profile.vendors.push(vendor);
        }
        for g in &self.gateways {
            let mut gateway = Gateway::default();
            for h in &g.hosts {
                let bare = h.get_ref().trim().to_ascii_lowercase();
                let checked = match bare.strip_prefix("*.") {
                    Some(rest) => {
                        format!("*.{}", domain(&Spanned::new(h.span(), rest.to_string()))?)
                    }
                    None => domain(h)?,
                };
                gateway.hosts.push(checked);
            }
            for i in &g.ips {
                let v = i.get_ref().trim();
                let net = v
                    .parse::<ipnet::IpNet>()
                    .or_else(|_| v.parse::<IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| {
                        at(
                            i,
                            format!(
                                "\"{v}\" is not an address or range (like 192.0.2.0/24 or 2001:db8::/32)"
                            ),
                        )
                    })?;
                gateway.ips.push(net);
            }
            profile.gateways.push(gateway);
        }
        Ok(profile)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example profile of the README, also used by the command-line tests.
    const EXAMPLE: &str = include_str!("../tests/fixtures/organisation/northwind.profile.toml");

    #[test]
    fn the_documented_example_reads() {
        let p = Profile::parse(EXAMPLE).expect("reads");
        assert_eq!(p.name, "Northwind Traders");
        assert_eq!(p.own_domains, ["northwind.example"]);
        assert_eq!(p.people[0].addresses, ["dana@northwind.example"]);
        assert!(p.vendors[0].payment_details_on_file);
        assert!(p.is_gateway(Some("eu-smtp-1.mimecast.example"), None));
        assert!(p.is_gateway(None, Some("192.0.2.77")));
        assert!(!p.is_gateway(Some("mimecast.example.evil.test"), Some("198.51.100.1")));
        assert!(
            !p.is_gateway(Some("mimecast.example"), None),
            "*. wants a name below"
        );
    }

    #[test]
    fn names_match_in_any_order_case_or_accents() {
        let p = Profile::parse(EXAMPLE).expect("reads");
        for n in [
            "Dana Whitfield",
            "WHITFIELD, Dana",
            "Dana Whitfield (CEO)",
            "Dána Whitfield",
        ] {
            assert!(p.person_named(n).is_some(), "{n}");
        }
        assert!(p.person_named("Dana Scully").is_none());
        assert!(p.vendor_named("Contoso Supplies Billing").is_some());
        assert!(p.vendor_named("Contoso").is_none());
        assert!(p
            .vendor_of_domain("mail.contoso-supplies.example")
            .is_some());
    }

    #[test]
    fn mistakes_are_reported_with_their_line() {
        let e = Profile::parse(
            "name = \"X\"\n[[people]]\nname = \"Dana Whitfield\"\naddresses = [\"dana\"]\n",
        )
        .expect_err("a bad address");
        assert_eq!(e.line, Some(4), "{e}");
        assert!(e.message.contains("not an e-mail address"), "{e}");
        let e = Profile::parse("name = \"X\"\n\n[[gateways]]\nips = [\"300.1.2.3/8\"]\n")
            .expect_err("a bad range");
        assert_eq!(e.line, Some(4), "{e}");
        let e =
            Profile::parse("name = \"X\"\nowne_domains = [\"a.example\"]\n").expect_err("a typo");
        assert_eq!(e.line, Some(2), "{e}");
        assert!(e.message.contains("owne_domains"), "{e}");
        let e =
            Profile::parse("name = \"X\"\n[[people]]\nname = \"Dana\"\n").expect_err("one word");
        assert_eq!(e.line, Some(3), "{e}");
        let e = Profile::parse("name = \n").expect_err("bad TOML");
        assert_eq!(e.line, Some(1), "{e}");
    }
}
