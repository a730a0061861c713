//! Answers mailsleuth gives itself, without asking DNS: the TXT records of names it knows
//! (the training samples' keys and policies), so messages naming them can be re-checked
//! with no network at all.

use std::sync::Arc;

use mail_auth::common::parse::TxtRecordParser;
use mail_auth::common::verify::DomainKey;
use mail_auth::dmarc::Dmarc;
use mail_auth::spf::Spf;
use mail_auth::{ResolverCache, Txt};

use super::cache::TxtCache;

/// TXT records answered in-process, by name.
#[derive(Debug, Clone, Default)]
pub struct LocalZone {
    /// (lowercase name with a trailing dot, record text)
    records: Arc<Vec<(String, String)>>,
}

fn fqdn(name: &str) -> String {
    let mut n = name.trim().trim_end_matches('.').to_ascii_lowercase();
    n.push('.');
    n
}

impl LocalZone {
    /// A zone with the given (name, TXT text) records. A name holds one record.
    pub fn new<'a>(records: impl IntoIterator<Item = (&'a str, &'a str)>) -> LocalZone {
        let mut list: Vec<(String, String)> = records
            .into_iter()
            .map(|(n, t)| (fqdn(n), t.trim().to_string()))
            .collect();
        list.sort();
        list.dedup_by(|a, b| a.0 == b.0);
        LocalZone {
            records: Arc::new(list),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The record text at `name`, if the zone has one.
    pub fn get(&self, name: &str) -> Option<&str> {
        let key = fqdn(name);
        self.records
            .iter()
            .find(|(n, _)| *n == key)
            .map(|(_, t)| t.as_str())
    }

    /// Puts every record into `cache`, parsed as what its name and text say it is (a DKIM
    /// key under `_domainkey`, a DMARC policy under `_dmarc`, else an SPF record), so the
    /// checks find them there and never ask DNS for these names.
    pub(super) fn seed(&self, cache: &TxtCache) {
        let far = std::time::Instant::now() + std::time::Duration::from_secs(24 * 3600);
        for (name, text) in self.records.iter() {
            let bytes = text.as_bytes();
            let txt: Txt = if name.contains("._domainkey.") {
                DomainKey::parse(bytes).into()
            } else if name.starts_with("_dmarc.") {
                Dmarc::parse(bytes).into()
            } else {
                Spf::parse(bytes).into()
            };
            cache.insert(name.clone().into_boxed_str(), txt, far);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_matched_without_case_or_trailing_dot() {
        let z = LocalZone::new([("Sel._domainkey.Shop.Example.", "v=DKIM1; p=")]);
        assert_eq!(z.get("sel._domainkey.shop.example"), Some("v=DKIM1; p="));
        assert_eq!(z.get("other.example"), None);
        assert!(!z.is_empty());
        assert!(LocalZone::default().is_empty());
    }

    #[test]
    fn seeded_records_are_parsed_by_kind() {
        let z = LocalZone::new([
            ("_dmarc.shop.example", "v=DMARC1; p=reject"),
            ("shop.example", "v=spf1 ip4:192.0.2.1 -all"),
        ]);
        let cache = TxtCache::default();
        z.seed(&cache);
        assert!(matches!(
            cache.get("_dmarc.shop.example."),
            Some(Txt::Dmarc(_))
        ));
        assert!(matches!(cache.get("shop.example."), Some(Txt::Spf(_))));
    }
}
