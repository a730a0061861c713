//! The domain tables behind `analysis::domains`: brands, mail providers, shorteners,
//! mailing services, free hosts, risky endings and naming rules, read from
//! `assets/knowledge/*.toml` once, on first use.
//!
//! The files group entries for people (one `why` per company or reason); this module
//! flattens them into the lists the look-ups need, keeping the order of the files.

use std::sync::OnceLock;

use serde::Deserialize;

use super::{first_duplicate, parse};
use crate::analysis::domains::{Brand, FreeHost};

/// `brands.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BrandsFile {
    brand: Vec<Brand>,
}

/// A named group of domains with one reason, the shape of most files. `name` and `why`
/// are written for the person reading the file; the look-ups never show them, hence the
/// `allow(dead_code)` on such fields here and below (the tests still require them).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DomainGroup {
    #[allow(dead_code)]
    name: String,
    #[allow(dead_code)]
    why: String,
    domains: Vec<String>,
}

/// `mail_providers.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProvidersFile {
    provider: Vec<Provider>,
}

/// One mail provider: a group of domains, and whether it signs every message it sends.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Provider {
    #[allow(dead_code)]
    name: String,
    #[allow(dead_code)]
    why: String,
    domains: Vec<String>,
    #[serde(default)]
    signs_all: bool,
}

/// `shorteners.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ShortenersFile {
    shortener: Vec<DomainGroup>,
}

/// `mailing_services.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ServicesFile {
    service: Vec<DomainGroup>,
}

/// `free_hosts.toml`: one service and the suffixes its pages live under.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HostEntry {
    name: String,
    #[allow(dead_code)]
    why: String,
    abused: bool,
    domains: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HostsFile {
    host: Vec<HostEntry>,
}

/// `risky_tlds.toml`: endings grouped by the reason they are risky.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TldGroup {
    #[allow(dead_code)]
    name: String,
    #[allow(dead_code)]
    why: String,
    tlds: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TldsFile {
    group: Vec<TldGroup>,
}

/// Country codes that read as typos of `.com`/`.net` (`domain_rules.toml`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TypoCctlds {
    #[allow(dead_code)]
    why: String,
    codes: Vec<String>,
}

/// Second-level labels of country codes (`domain_rules.toml`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SecondLevels {
    #[allow(dead_code)]
    why: String,
    labels: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Government {
    #[allow(dead_code)]
    why: String,
    tlds: Vec<String>,
    labels: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TenantGroup {
    brand: String,
    #[allow(dead_code)]
    why: String,
    domains: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WordGroup {
    #[allow(dead_code)]
    why: String,
    words: Vec<String>,
}

/// `domain_rules.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    typo_cctlds: TypoCctlds,
    national_second_levels: SecondLevels,
    government: Government,
    tenant_namespace: Vec<TenantGroup>,
    everyday_words: Vec<WordGroup>,
}

/// The small rules about how domain names are built, flattened for look-ups.
#[derive(Debug)]
pub(crate) struct DomainRules {
    /// Country codes a `name.*` entry never covers (typos of `.com`/`.net`).
    pub typo_cctlds: Vec<String>,
    /// Second-level labels national sites live under (`co` in `amazon.co.uk`).
    pub national_second_levels: Vec<String>,
    /// Top-level domains only governments use.
    pub government_tlds: Vec<String>,
    /// Labels that mark a government namespace inside a country code (`gov.br`).
    pub government_labels: Vec<String>,
    /// (namespace, brand name) where the brand's customers choose the name.
    pub tenant_namespaces: Vec<(String, String)>,
    /// Names that only count as a whole word or label.
    pub everyday_words: Vec<String>,
}

const BRANDS: &str = include_str!("../../../assets/knowledge/brands.toml");
const MAIL_PROVIDERS: &str = include_str!("../../../assets/knowledge/mail_providers.toml");
const SHORTENERS: &str = include_str!("../../../assets/knowledge/shorteners.toml");
const MAILING_SERVICES: &str = include_str!("../../../assets/knowledge/mailing_services.toml");
const FREE_HOSTS: &str = include_str!("../../../assets/knowledge/free_hosts.toml");
const RISKY_TLDS: &str = include_str!("../../../assets/knowledge/risky_tlds.toml");
const DOMAIN_RULES: &str = include_str!("../../../assets/knowledge/domain_rules.toml");

fn flatten(groups: Vec<DomainGroup>) -> Vec<String> {
    groups.into_iter().flat_map(|g| g.domains).collect()
}

/// Rejects a table that lists an entry twice. Like a parse error this is a defect of the
/// build (the tests load every file), so it is reported loudly: a second copy would
/// usually mean two entries disagree about the same thing.
fn unique<'a>(file: &str, items: impl IntoIterator<Item = &'a str>) {
    if let Some(d) = first_duplicate(items) {
        panic!("the built-in knowledge file assets/knowledge/{file} lists {d} twice");
    }
}

/// Often-impersonated brands, in file order (the first match wins).
pub(crate) fn brands() -> &'static [Brand] {
    static T: OnceLock<Vec<Brand>> = OnceLock::new();
    T.get_or_init(|| {
        let brands = parse::<BrandsFile>("brands.toml", BRANDS).brand;
        unique("brands.toml", brands.iter().map(|b| b.name.as_str()));
        brands
    })
}

/// Domains where anyone can get a mailbox.
pub(crate) fn free_mail() -> &'static [String] {
    static T: OnceLock<Vec<String>> = OnceLock::new();
    T.get_or_init(|| {
        let providers = parse::<ProvidersFile>("mail_providers.toml", MAIL_PROVIDERS).provider;
        let t: Vec<String> = providers.into_iter().flat_map(|p| p.domains).collect();
        unique("mail_providers.toml", t.iter().map(String::as_str));
        t
    })
}

/// Domains of the mail providers that sign every message they send with their own DKIM
/// key (`signs_all` in mail_providers.toml).
pub(crate) fn signing_mail() -> &'static [String] {
    static T: OnceLock<Vec<String>> = OnceLock::new();
    T.get_or_init(|| {
        parse::<ProvidersFile>("mail_providers.toml", MAIL_PROVIDERS)
            .provider
            .into_iter()
            .filter(|p| p.signs_all)
            .flat_map(|p| p.domains)
            .collect()
    })
}

/// Host names of link shorteners.
pub(crate) fn shorteners() -> &'static [String] {
    static T: OnceLock<Vec<String>> = OnceLock::new();
    T.get_or_init(|| {
        let t = flatten(parse::<ShortenersFile>("shorteners.toml", SHORTENERS).shortener);
        unique("shorteners.toml", t.iter().map(String::as_str));
        t
    })
}

/// Sending and tracking domains of mailing services.
pub(crate) fn mailing_services() -> &'static [String] {
    static T: OnceLock<Vec<String>> = OnceLock::new();
    T.get_or_init(|| {
        let t = flatten(parse::<ServicesFile>("mailing_services.toml", MAILING_SERVICES).service);
        unique("mailing_services.toml", t.iter().map(String::as_str));
        t
    })
}

/// Free web hosts, one entry per suffix, in file order.
pub(crate) fn free_hosts() -> &'static [FreeHost] {
    static T: OnceLock<Vec<FreeHost>> = OnceLock::new();
    T.get_or_init(|| {
        let t: Vec<FreeHost> = parse::<HostsFile>("free_hosts.toml", FREE_HOSTS)
            .host
            .into_iter()
            .flat_map(|h| {
                let (name, abused) = (h.name, h.abused);
                h.domains.into_iter().map(move |suffix| FreeHost {
                    suffix,
                    name: name.clone(),
                    abused,
                })
            })
            .collect();
        unique("free_hosts.toml", t.iter().map(|h| h.suffix.as_str()));
        t
    })
}

/// Top-level domains often used for throwaway scam sites.
pub(crate) fn risky_tlds() -> &'static [String] {
    static T: OnceLock<Vec<String>> = OnceLock::new();
    T.get_or_init(|| {
        let t: Vec<String> = parse::<TldsFile>("risky_tlds.toml", RISKY_TLDS)
            .group
            .into_iter()
            .flat_map(|g| g.tlds)
            .collect();
        unique("risky_tlds.toml", t.iter().map(String::as_str));
        t
    })
}

/// The naming rules of `domain_rules.toml`.
pub(crate) fn rules() -> &'static DomainRules {
    static T: OnceLock<DomainRules> = OnceLock::new();
    T.get_or_init(|| {
        let f: RulesFile = parse("domain_rules.toml", DOMAIN_RULES);
        let rules = DomainRules {
            typo_cctlds: f.typo_cctlds.codes,
            national_second_levels: f.national_second_levels.labels,
            government_tlds: f.government.tlds,
            government_labels: f.government.labels,
            tenant_namespaces: f
                .tenant_namespace
                .into_iter()
                .flat_map(|g| {
                    let brand = g.brand;
                    g.domains.into_iter().map(move |d| (d, brand.clone()))
                })
                .collect(),
            everyday_words: f.everyday_words.into_iter().flat_map(|g| g.words).collect(),
        };
        let file = "domain_rules.toml";
        unique(file, rules.typo_cctlds.iter().map(String::as_str));
        unique(
            file,
            rules.national_second_levels.iter().map(String::as_str),
        );
        unique(file, rules.government_tlds.iter().map(String::as_str));
        unique(file, rules.government_labels.iter().map(String::as_str));
        unique(
            file,
            rules.tenant_namespaces.iter().map(|(ns, _)| ns.as_str()),
        );
        unique(file, rules.everyday_words.iter().map(String::as_str));
        rules
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file this module owns, by name, with its text.
    const FILES: &[(&str, &str)] = &[
        ("brands.toml", BRANDS),
        ("mail_providers.toml", MAIL_PROVIDERS),
        ("shorteners.toml", SHORTENERS),
        ("mailing_services.toml", MAILING_SERVICES),
        ("free_hosts.toml", FREE_HOSTS),
        ("risky_tlds.toml", RISKY_TLDS),
        ("domain_rules.toml", DOMAIN_RULES),
    ];

    /// Parses `text` as the file `name` is, without panicking.
    fn try_parse(name: &str, text: &str) -> Result<(), toml::de::Error> {
        match name {
            "brands.toml" => toml::from_str::<BrandsFile>(text).map(drop),
            "mail_providers.toml" => toml::from_str::<ProvidersFile>(text).map(drop),
            "shorteners.toml" => toml::from_str::<ShortenersFile>(text).map(drop),
            "mailing_services.toml" => toml::from_str::<ServicesFile>(text).map(drop),
            "free_hosts.toml" => toml::from_str::<HostsFile>(text).map(drop),
            "risky_tlds.toml" => toml::from_str::<TldsFile>(text).map(drop),
            "domain_rules.toml" => toml::from_str::<RulesFile>(text).map(drop),
            other => panic!("no parser for {other}"),
        }
    }

    #[test]
    fn every_domain_file_loads_without_duplicates() {
        // Each loader panics on a parse error, an unknown key or a repeated entry.
        assert!(!brands().is_empty());
        assert!(!free_mail().is_empty());
        assert!(!shorteners().is_empty());
        assert!(!mailing_services().is_empty());
        assert!(!free_hosts().is_empty());
        assert!(!risky_tlds().is_empty());
        assert!(!rules().everyday_words.is_empty());
        for (name, text) in FILES {
            assert!(try_parse(name, text).is_ok(), "{name}");
        }
    }

    #[test]
    fn unknown_keys_are_rejected() {
        for (name, text) in FILES {
            // A misspelt key right after the first table header, where every file has
            // an entry whose keys are fixed.
            let Some(header_end) = text.find("]\n") else {
                panic!("{name} has no table");
            };
            let (head, rest) = text.split_at(header_end + 2);
            let spoiled = format!("{head}colour = \"blue\"\n{rest}");
            assert!(
                try_parse(name, &spoiled).is_err(),
                "{name} accepted an unknown key"
            );
        }
        // The typo of a real key is caught the same way.
        let typo =
            "[[brand]]\nname = \"X\"\nwhy = \"y\"\ndomain = [\"x.example\"]\nkeywords = [\"x\"]\n";
        assert!(toml::from_str::<BrandsFile>(typo).is_err());
    }

    #[test]
    fn no_brand_or_domain_is_listed_twice() {
        let b = brands();
        assert_eq!(first_duplicate(b.iter().map(|b| b.name.as_str())), None);
        for brand in b {
            assert_eq!(
                first_duplicate(brand.domains.iter().map(String::as_str)),
                None,
                "{}",
                brand.name
            );
            assert_eq!(
                first_duplicate(brand.keywords.iter().map(String::as_str)),
                None,
                "{}",
                brand.name
            );
        }
        // One owner per domain. A public suffix (gov.br) names a whole government
        // namespace that several offices write from, so it may be shared.
        let owned = b
            .iter()
            .flat_map(|brand| brand.domains.iter().map(String::as_str))
            .filter(|d| psl::suffix_str(d) != Some(*d));
        assert_eq!(first_duplicate(owned), None, "a domain owned by two brands");
        for (what, list) in [
            ("free mail", free_mail()),
            ("shorteners", shorteners()),
            ("mailing services", mailing_services()),
            ("risky tlds", risky_tlds()),
        ] {
            assert_eq!(
                first_duplicate(list.iter().map(String::as_str)),
                None,
                "{what}"
            );
        }
        let hosts = free_hosts().iter().map(|h| h.suffix.as_str());
        assert_eq!(first_duplicate(hosts), None);
        let r = rules();
        let tenants = r.tenant_namespaces.iter().map(|(ns, _)| ns.as_str());
        assert_eq!(first_duplicate(tenants), None);
        assert_eq!(
            first_duplicate(r.everyday_words.iter().map(String::as_str)),
            None
        );
    }

    /// Whether `d` is written the way look-ups compare: lowercase ASCII, punycode for
    /// international names, no trailing dot, and unchanged by IDNA normalisation.
    fn canonical(d: &str) -> bool {
        let name = d.strip_suffix(".*").unwrap_or(d);
        let ascii = name.is_ascii() && name == name.to_ascii_lowercase();
        let idna = matches!(url::Host::parse(name), Ok(url::Host::Domain(n)) if n == name);
        ascii && idna && !name.ends_with('.') && !name.contains('*')
    }

    #[test]
    fn entries_are_lowercase_punycode() {
        let domains = brands()
            .iter()
            .flat_map(|b| b.domains.iter())
            .chain(free_mail())
            .chain(shorteners())
            .chain(mailing_services())
            .chain(free_hosts().iter().map(|h| &h.suffix))
            .chain(rules().tenant_namespaces.iter().map(|(ns, _)| ns));
        for d in domains {
            assert!(canonical(d), "{d} is not lowercase punycode");
        }
        let r = rules();
        let labels = risky_tlds()
            .iter()
            .chain(&r.typo_cctlds)
            .chain(&r.national_second_levels)
            .chain(&r.government_tlds)
            .chain(&r.government_labels);
        for l in labels {
            assert!(
                !l.is_empty() && l.chars().all(|c| c.is_ascii_lowercase()),
                "{l}"
            );
        }
        for w in &r.everyday_words {
            assert!(*w == w.to_lowercase() && !w.contains(' '), "{w}");
        }
        for b in brands() {
            for k in &b.keywords {
                assert!(*k == k.to_lowercase() && k.trim() == k, "{}: {k}", b.name);
            }
        }
    }

    #[test]
    fn every_entry_says_why() {
        let one_line = |w: &str| !w.trim().is_empty() && !w.contains('\n');
        for b in brands() {
            assert!(one_line(&b.why), "{}", b.name);
            assert!(
                !b.domains.is_empty() && !b.keywords.is_empty(),
                "{}",
                b.name
            );
        }
        for p in parse::<ProvidersFile>("mail_providers.toml", MAIL_PROVIDERS).provider {
            assert!(one_line(&p.why) && !p.name.is_empty(), "{}", p.name);
            assert!(!p.domains.is_empty(), "{}", p.name);
        }
        let groups = [
            parse::<ShortenersFile>("shorteners.toml", SHORTENERS).shortener,
            parse::<ServicesFile>("mailing_services.toml", MAILING_SERVICES).service,
        ];
        for g in groups.iter().flatten() {
            assert!(one_line(&g.why) && !g.name.is_empty(), "{}", g.name);
            assert!(!g.domains.is_empty(), "{}", g.name);
        }
        for h in parse::<HostsFile>("free_hosts.toml", FREE_HOSTS).host {
            assert!(one_line(&h.why) && !h.domains.is_empty(), "{}", h.name);
        }
        for g in parse::<TldsFile>("risky_tlds.toml", RISKY_TLDS).group {
            assert!(one_line(&g.why) && !g.tlds.is_empty(), "{}", g.name);
        }
        let f: RulesFile = parse("domain_rules.toml", DOMAIN_RULES);
        assert!(one_line(&f.typo_cctlds.why) && one_line(&f.national_second_levels.why));
        assert!(one_line(&f.government.why));
        for t in &f.tenant_namespace {
            assert!(one_line(&t.why), "{}", t.brand);
        }
        for w in &f.everyday_words {
            assert!(one_line(&w.why), "{:?}", w.words);
        }
    }

    #[test]
    fn rules_name_real_brands_and_hosts() {
        for (ns, brand) in &rules().tenant_namespaces {
            assert!(
                brands().iter().any(|b| b.name == *brand),
                "{ns} names {brand}, which brands.toml lacks"
            );
        }
        // `free_host` maps regional S3 names to this entry.
        assert!(free_hosts().iter().any(|h| h.suffix == "s3.amazonaws.com"));
    }
}
