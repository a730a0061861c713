//! What the receiving mail filter already said: Microsoft SCL/SFV/CAT/BCL, SpamAssassin.

use super::headers::first;
use super::types::{FilterVerdicts, RawHeader};

fn field<'a>(value: &'a str, key: &str) -> Option<&'a str> {
    value.split(';').find_map(|p| {
        let (k, v) = p.split_once(':')?;
        k.trim().eq_ignore_ascii_case(key).then(|| v.trim())
    })
}

/// Reads the filter verdicts recorded in the headers.
pub fn extract(headers: &[RawHeader]) -> FilterVerdicts {
    let mut f = FilterVerdicts::default();
    if let Some(h) = first(headers, "X-Forefront-Antispam-Report") {
        f.ms_header_index = Some(h.index);
        f.ms_sfv = field(&h.value, "SFV").map(str::to_string);
        f.ms_cat = field(&h.value, "CAT").map(str::to_string);
        f.ms_scl = field(&h.value, "SCL").and_then(|s| s.parse().ok());
    }
    if let Some(h) = first(headers, "X-MS-Exchange-Organization-SCL") {
        if let Ok(scl) = h.value.trim().parse() {
            f.ms_scl = Some(scl);
            f.ms_header_index.get_or_insert(h.index);
        }
    }
    if let Some(h) = first(headers, "X-Microsoft-Antispam") {
        if let Some(bcl) = field(&h.value, "BCL").and_then(|s| s.parse().ok()) {
            f.ms_bcl = Some(bcl);
        }
    }
    if let Some(h) = first(headers, "X-Spam-Status") {
        let v = h.value.trim();
        let lower = v.to_ascii_lowercase();
        f.spamassassin_header_index = Some(h.index);
        if lower.starts_with("yes") {
            f.spamassassin_spam = Some(true);
        } else if lower.starts_with("no") {
            f.spamassassin_spam = Some(false);
        }
        f.spamassassin_score = lower
            .split(|c: char| c == ',' || c.is_whitespace())
            .find_map(|p| p.strip_prefix("score=").or_else(|| p.strip_prefix("hits=")))
            .and_then(|s| s.parse().ok());
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(name: &str, value: &str, index: usize) -> RawHeader {
        RawHeader {
            index,
            name: name.into(),
            value: value.into(),
        }
    }

    #[test]
    fn reads_microsoft_and_spamassassin() {
        let hs = vec![
            h("X-Forefront-Antispam-Report", "CIP:1.2.3.4;CTRY:BR;LANG:pt;SCL:5;SRV:;IPV:NLI;SFV:SPM;H:x;PTR:y;CAT:PHSH;SFS:(13230028)", 0),
            h("X-Microsoft-Antispam", "BCL:0;", 1),
            h("X-Spam-Status", "Yes, score=7.3 required=5.0 tests=BAYES_99", 2),
        ];
        let f = extract(&hs);
        assert_eq!(f.ms_scl, Some(5));
        assert_eq!(f.ms_sfv.as_deref(), Some("SPM"));
        assert_eq!(f.ms_cat.as_deref(), Some("PHSH"));
        assert_eq!(f.ms_bcl, Some(0));
        assert_eq!(f.spamassassin_spam, Some(true));
        assert_eq!(f.spamassassin_score, Some(7.3));
    }
}
