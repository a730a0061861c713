//! DKIM key records read as strictly as signatures (RFC 6376 3.2): mail-auth takes the
//! last of two `p=` tags and skips tags whose names are malformed, so a broken record can
//! still give it a key. A tag list with a tag given twice or a malformed tag name is
//! invalid as a whole, so such a record is no key at all.

use mail_auth::common::parse::TxtRecordParser;
use mail_auth::common::verify::DomainKey;
use mail_auth::hickory_resolver::proto::rr::{Name, RData};
use mail_auth::MessageAuthenticator;

use super::local::LocalZone;
use super::reserved::Gate;
use super::tags;

/// Where key records are read from: the local zone, else DNS when the gate allows it.
pub struct KeyRecords<'a> {
    pub auth: &'a MessageAuthenticator,
    pub gate: &'a Gate,
    pub local: &'a LocalZone,
}

impl KeyRecords<'_> {
    /// Why the key record at `name` that mail-auth used is not a valid tag list, when it
    /// is not. The record was just fetched, so the resolver's cache normally answers.
    /// None when it is valid or cannot be read again (the key check then stands).
    pub async fn problem(&self, name: &str) -> Option<String> {
        let records = match self.local.get(name) {
            Some(text) => vec![text.as_bytes().to_vec()],
            None if self.gate.may_ask(name) => self.fetch(name).await?,
            None => return None,
        };
        // mail-auth uses the first record that gives it a key.
        let used = records.iter().find(|r| DomainKey::parse(r).is_ok())?;
        tags::problem(used, &["p"])
    }

    /// Every TXT record at `name`, each one's strings joined.
    async fn fetch(&self, name: &str) -> Option<Vec<Vec<u8>>> {
        let name = Name::from_str_relaxed(format!("{}.", name.trim_end_matches('.'))).ok()?;
        let lookup = self.auth.resolver().txt_lookup(name).await.ok()?;
        let records = lookup
            .answers()
            .iter()
            .filter_map(|r| match &r.data {
                RData::TXT(txt) => Some(
                    txt.txt_data
                        .iter()
                        .flat_map(|p| p.iter().copied())
                        .collect(),
                ),
                _ => None,
            })
            .collect();
        Some(records)
    }
}

/// The words for a signature or seal whose key record is malformed.
pub fn words(who: &str, why: &str) -> String {
    format!("The key record at {who} is malformed ({why}), so there is no key to check against")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_local_zone_is_read_without_dns_and_judged_strictly() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            // A server nobody listens on: any DNS question would fail, not answer.
            let auth = super::super::resolver::build(
                Some("127.0.0.1:9".parse().unwrap()),
                std::time::Duration::from_millis(200),
            )
            .unwrap();
            let cache = std::sync::Arc::new(super::super::cache::TxtCache::default());
            let gate = Gate::new(false, cache);
            // The ed25519 key of RFC 8463 appendix A.
            let key = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
            let local = LocalZone::new([
                (
                    "ok._domainkey.shop.example",
                    format!("v=DKIM1; k=ed25519; p={key}").as_str(),
                ),
                (
                    "twice._domainkey.shop.example",
                    format!("v=DKIM1; k=ed25519; p={key}; p={key}").as_str(),
                ),
                (
                    "name._domainkey.shop.example",
                    format!("v=DKIM1; k=ed25519; x\u{0}=1; p={key}").as_str(),
                ),
            ]);
            let records = KeyRecords {
                auth: &auth,
                gate: &gate,
                local: &local,
            };
            assert_eq!(records.problem("ok._domainkey.shop.example").await, None);
            assert!(records
                .problem("twice._domainkey.shop.example")
                .await
                .unwrap()
                .contains("p= appears twice"));
            assert!(records
                .problem("name._domainkey.shop.example")
                .await
                .unwrap()
                .contains("not a valid tag name"));
            // Reserved and not in the local zone: not asked, nothing to judge.
            assert_eq!(records.problem("other._domainkey.shop.example").await, None);
        });
    }
}
