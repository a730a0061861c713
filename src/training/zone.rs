//! The training world's DNS: the public keys the samples were signed with and the SPF and
//! DMARC records their stories need, answered in-process so the built-in samples re-check
//! live with no network (their names are reserved and exist on no real DNS server).

use std::sync::OnceLock;

use serde::Deserialize;

use crate::live::LocalZone;

/// The samples' public keys, as `selector._domainkey.domain` and TXT text.
const KEYS: &[(&str, &str)] = &[
    (
        "arc._domainkey.litware.example",
        include_str!("../../assets/samples/keys/arc._domainkey.litware.example.txt"),
    ),
    (
        "internal._domainkey.fabrikam.example",
        include_str!("../../assets/samples/keys/internal._domainkey.fabrikam.example.txt"),
    ),
    (
        "list._domainkey.lists.tailspin.example",
        include_str!("../../assets/samples/keys/list._domainkey.lists.tailspin.example.txt"),
    ),
    (
        "mail2026._domainkey.fabrikarn.example",
        include_str!("../../assets/samples/keys/mail2026._domainkey.fabrikarn.example.txt"),
    ),
    (
        "nb1._domainkey.northwindbank.example",
        include_str!("../../assets/samples/keys/nb1._domainkey.northwindbank.example.txt"),
    ),
    (
        "pb._domainkey.postbox.example",
        include_str!("../../assets/samples/keys/pb._domainkey.postbox.example.txt"),
    ),
    (
        "selector1._domainkey.contoso.example",
        include_str!("../../assets/samples/keys/selector1._domainkey.contoso.example.txt"),
    ),
    (
        "sw1._domainkey.tailspin.example",
        include_str!("../../assets/samples/keys/sw1._domainkey.tailspin.example.txt"),
    ),
];

const RECORDS_TOML: &str = include_str!("../../assets/samples/dns.toml");

#[derive(Debug, Deserialize)]
struct RecordsFile {
    txt: Vec<Record>,
}

#[derive(Debug, Deserialize)]
struct Record {
    name: String,
    text: String,
    // Read so the file is checked; it documents the record for people.
    #[allow(dead_code)]
    why: String,
}

fn records() -> Result<Vec<Record>, String> {
    toml::from_str::<RecordsFile>(RECORDS_TOML)
        .map(|f| f.txt)
        .map_err(|e| format!("assets/samples/dns.toml: {e}"))
}

/// The names of the shipped keys (for the test that every key file is listed).
pub fn key_names() -> Vec<&'static str> {
    KEYS.iter().map(|(n, _)| *n).collect()
}

/// The training world's records, for `LiveOptions::local`.
pub fn sample_zone() -> LocalZone {
    static ZONE: OnceLock<LocalZone> = OnceLock::new();
    ZONE.get_or_init(|| {
        // The file is compiled in and checked by a test, so it always reads; should it
        // ever not, the samples are simply not looked up, which the results say.
        let records = records().unwrap_or_default();
        LocalZone::new(
            KEYS.iter()
                .copied()
                .chain(records.iter().map(|r| (r.name.as_str(), r.text.as_str()))),
        )
    })
    .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_records_file_reads_and_names_only_reserved_names() {
        let records = records().unwrap();
        assert!(!records.is_empty());
        for r in &records {
            assert!(crate::live::reserved::is_reserved(&r.name), "{}", r.name);
            assert!(!r.why.trim().is_empty(), "{}", r.name);
        }
        let zone = sample_zone();
        assert!(zone
            .get("sw1._domainkey.tailspin.example")
            .is_some_and(|k| k.starts_with("v=DKIM1;")));
        assert_eq!(
            zone.get("_dmarc.tailspin.example"),
            Some("v=DMARC1; p=reject")
        );
    }
}
