//! A TXT answer store shared by the lookups of one verification, so keys fetched in
//! parallel up front are not fetched again while signatures are checked one by one.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

use mail_auth::common::parse::TxtRecordParser;
use mail_auth::common::resolver::{ToFqdn, UnwrapTxtRecord};
use mail_auth::{DnsError, Error, MessageAuthenticator, ResolverCache, Txt};

/// Answers by name (or address), kept for the length of one verification.
pub struct MapCache<K, V> {
    entries: Mutex<HashMap<K, V>>,
}

impl<K, V> Default for MapCache<K, V> {
    fn default() -> Self {
        MapCache {
            entries: Mutex::new(HashMap::new()),
        }
    }
}

/// TXT records (parsed, or the error met) by fully qualified name.
pub type TxtCache = MapCache<Box<str>, Txt>;

impl<K: Hash + Eq, V: Clone> ResolverCache<K, V> for MapCache<K, V> {
    fn get<Q>(&self, name: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        // A poisoned lock only means another lookup panicked; the map itself is intact.
        let map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        map.get(name).cloned()
    }

    fn remove<Q>(&self, name: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(name)
    }

    fn insert(&self, key: K, value: V, _valid_until: std::time::Instant) {
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        map.insert(key, value);
    }
}

impl<K: Hash + Eq, V: Clone> MapCache<K, V> {
    /// Changes the stored value of `key`, if there is one.
    pub fn update(&self, key: &K, f: impl FnOnce(&V) -> V) -> bool {
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        match map.get_mut(key) {
            Some(v) => {
                *v = f(v);
                true
            }
            None => false,
        }
    }
}

impl TxtCache {
    /// Records the outcome of a lookup that failed before mail-auth could store it
    /// (DNS error or timeout), so later checks see the same answer instead of asking again.
    pub fn remember_error(&self, name: &str, err: Error) {
        let key: Box<str> = name.to_fqdn().into_owned().into_boxed_str();
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(key).or_insert(Txt::Error(err));
    }
}

impl TxtCache {
    /// True when an answer for `name` is stored (any case, trailing dot or not).
    pub fn has(&self, name: &str) -> bool {
        let key = name.to_fqdn().to_ascii_lowercase();
        let map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        map.contains_key(key.as_str())
    }

    /// True when DNS (or the local zone) gave a DKIM key at `name`, or said it was revoked:
    /// a signature can only be judged against an answered key.
    pub fn key_answered(&self, name: &str) -> bool {
        use mail_auth::dkim::DkimError;
        let key = name.to_fqdn().to_ascii_lowercase();
        let map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        matches!(
            map.get(key.as_str()),
            Some(Txt::DomainKey(_)) | Some(Txt::Error(Error::Dkim(DkimError::RevokedPublicKey)))
        )
    }
}

/// Looks up a TXT record of type `T` into `cache`, bounded by `timeout`.
/// Errors and timeouts are stored too, so the record is asked for at most once.
pub async fn prefetch<T>(
    auth: &MessageAuthenticator,
    cache: &TxtCache,
    name: String,
    timeout: std::time::Duration,
) where
    T: TxtRecordParser + Into<Txt> + UnwrapTxtRecord,
{
    match tokio::time::timeout(timeout, auth.txt_lookup::<T>(name.as_str(), Some(cache))).await {
        Ok(Ok(_)) => {}
        Ok(Err(err)) => cache.remember_error(&name, err),
        Err(_) => cache.remember_error(&name, timed_out()),
    }
}

/// The error recorded for a lookup that took longer than allowed.
pub fn timed_out() -> Error {
    Error::Dns(DnsError::Resolver("the DNS lookup timed out".to_string()))
}

/// How many of the TXT records at `name` are of one kind (`is_kind` sees each record's
/// strings joined), asked of the resolver, whose cache normally holds the answer already.
/// Names the gate does not let out are answered from the local zone, which holds one
/// record per name. mail-auth reads the first matching record and does not notice more;
/// SPF (RFC 7208 4.5) and DMARC (RFC 7489 6.6.3) both say several mean none applies.
pub async fn records_of_kind(
    auth: &MessageAuthenticator,
    gate: &super::reserved::Gate,
    name: &str,
    is_kind: impl Fn(&[u8]) -> bool,
) -> Option<usize> {
    use mail_auth::hickory_resolver::proto::rr::{Name, RData};
    if !gate.may_ask(name) {
        return Some(1);
    }
    let name = Name::from_str_relaxed(format!("{}.", name.trim_end_matches('.'))).ok()?;
    let lookup = auth.resolver().txt_lookup(name).await.ok()?;
    let count = lookup
        .answers()
        .iter()
        .filter(|r| {
            let RData::TXT(txt) = &r.data else {
                return false;
            };
            let text: Vec<u8> = txt
                .txt_data
                .iter()
                .flat_map(|p| p.iter().copied())
                .collect();
            is_kind(&text)
        })
        .count();
    Some(count)
}
