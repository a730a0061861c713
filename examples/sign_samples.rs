//! Signs the training gallery for real: DKIM signatures and ARC seals with the keys in
//! `assets/samples/keys/`, then verifies every signed sample against those keys.
//!
//! Run from the repository root: `cargo run --example sign_samples`.
//!
//! Each sample that needs a signature carries a placeholder header (for example
//! `DKIM-Signature: v=1; d=tailspin.example; s=sw1; b=unsigned`); this tool replaces it
//! with a signature made by mail-auth's signer over the message as it stands. Signing
//! again is idempotent apart from the `t=` timestamp, which records when the tool ran
//! (mail-auth's signer always uses the current time).
//!
//! The public half of each key ships as `keys/<selector>._domainkey.<domain>.txt`, the
//! TXT value a DNS server would publish, so live checks can be demonstrated against a
//! loopback DNS server. The private half is `keys/<selector>._domainkey.<domain>.pem`.
//! These keys exist only to sign training samples on reserved domains.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{anyhow, bail, Context, Result};
use mail_auth::arc::ArcSealer;
use mail_auth::common::crypto::{RsaKey, Sha256};
use mail_auth::common::headers::HeaderWriter;
use mail_auth::common::parse::TxtRecordParser;
use mail_auth::common::verify::DomainKey;
use mail_auth::dkim::DkimSigner;
use mail_auth::{
    AuthenticatedMessage, AuthenticationResults, DkimResult, MessageAuthenticator, Parameters,
    ResolverCache, Txt,
};

/// A DKIM signature to (re)make in place.
struct Sign {
    file: &'static str,
    domain: &'static str,
    selector: &'static str,
    headers: &'static [&'static str],
}

/// An ARC set to (re)make in place, as a forwarder or mailing list would add it.
struct Seal {
    file: &'static str,
    domain: &'static str,
    selector: &'static str,
    /// The sealer's authserv-id in ARC-Authentication-Results.
    authserv: &'static str,
    /// The message as the sealer received it, when it differs from what it sent on
    /// (a mailing list rewrites the subject, sender and body; a plain forwarder does not).
    arrived: Option<&'static str>,
}

const HEADERS: &[&str] = &[
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "MIME-Version",
];
const LIST_HEADERS: &[&str] = &[
    "From",
    "Reply-To",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "List-Id",
    "List-Post",
    "List-Unsubscribe",
];

/// Order matters: a source is signed before the list sample that seals what it received.
const SIGN: &[Sign] = &[
    Sign {
        file: "sources/makers-post.eml",
        domain: "contoso.example",
        selector: "selector1",
        headers: HEADERS,
    },
    Sign {
        file: "vendor-bank-change.eml",
        domain: "contoso.example",
        selector: "selector1",
        headers: HEADERS,
    },
    Sign {
        file: "forwarded.eml",
        domain: "contoso.example",
        selector: "selector1",
        headers: HEADERS,
    },
    Sign {
        file: "lookalike-login.eml",
        domain: "fabrikarn.example",
        selector: "mail2026",
        headers: HEADERS,
    },
    Sign {
        file: "display-name-address.eml",
        domain: "postbox.example",
        selector: "pb",
        headers: HEADERS,
    },
    Sign {
        file: "gift-card.eml",
        domain: "postbox.example",
        selector: "pb",
        headers: HEADERS,
    },
    Sign {
        file: "callback-phish.eml",
        domain: "postbox.example",
        selector: "pb",
        headers: HEADERS,
    },
    Sign {
        file: "newsletter.eml",
        domain: "tailspin.example",
        selector: "sw1",
        headers: &[
            "From",
            "To",
            "Subject",
            "Date",
            "Message-ID",
            "List-Unsubscribe",
            "List-Unsubscribe-Post",
            "Feedback-ID",
        ],
    },
    Sign {
        file: "genuine-bank-statement.eml",
        domain: "northwindbank.example",
        selector: "nb1",
        headers: HEADERS,
    },
    Sign {
        file: "internal-lunch.eml",
        domain: "fabrikam.example",
        selector: "internal",
        headers: &["From", "To", "Cc", "Subject", "Date", "Message-ID"],
    },
    Sign {
        file: "mailing-list.eml",
        domain: "lists.tailspin.example",
        selector: "list",
        headers: LIST_HEADERS,
    },
];

const SEAL: &[Seal] = &[
    Seal {
        file: "forwarded.eml",
        domain: "litware.example",
        selector: "arc",
        authserv: "mx.litware.example",
        arrived: None,
    },
    Seal {
        file: "mailing-list.eml",
        domain: "lists.tailspin.example",
        selector: "list",
        authserv: "lists.tailspin.example",
        arrived: Some("sources/makers-post.eml"),
    },
];

/// DNS TXT answers for the sample keys, so verification never leaves this process.
struct KeyCache(HashMap<Box<str>, Txt>);

impl ResolverCache<Box<str>, Txt> for KeyCache {
    fn get<Q>(&self, name: &Q) -> Option<Txt>
    where
        Box<str>: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.0.get(name).cloned()
    }

    fn remove<Q>(&self, _name: &Q) -> Option<Txt>
    where
        Box<str>: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        None
    }

    fn insert(&self, _key: Box<str>, _value: Txt, _valid_until: Instant) {}
}

fn samples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/samples")
}

fn load_cache(keys: &Path) -> Result<KeyCache> {
    let mut map = HashMap::new();
    for entry in std::fs::read_dir(keys).with_context(|| format!("reading {}", keys.display()))? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(owner) = name.strip_suffix(".txt") else {
            continue;
        };
        let value = std::fs::read_to_string(&path)?;
        let key = DomainKey::parse(value.trim().as_bytes())
            .map_err(|e| anyhow!("{name}: not a DKIM key record: {e}"))?;
        map.insert(format!("{owner}.").into_boxed_str(), Txt::from(key));
    }
    Ok(KeyCache(map))
}

fn private_key(keys: &Path, selector: &str, domain: &str) -> Result<RsaKey<Sha256>> {
    let path = keys.join(format!("{selector}._domainkey.{domain}.pem"));
    let pem = std::fs::read_to_string(&path).with_context(|| format!("{}", path.display()))?;
    let b64: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .concat();
    let der = mail_parser::decoders::base64::base64_decode(b64.as_bytes())
        .ok_or_else(|| anyhow!("{}: not a PEM file", path.display()))?;
    let der_ref: &[u8] = &der;
    RsaKey::<Sha256>::from_key_der(
        der_ref
            .try_into()
            .map_err(|e| anyhow!("{}: {e}", path.display()))?,
    )
    .map_err(|e| anyhow!("{}: {e}", path.display()))
}

/// One header field of the header block: its lines, start to end (exclusive).
struct Field {
    name: String,
    start: usize,
    end: usize,
}

/// Splits the header block into fields (a field is a line plus its folded continuations).
fn fields(lines: &[String]) -> Vec<Field> {
    let mut out: Vec<Field> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some(last) = out.last_mut() {
                last.end = i + 1;
            }
            continue;
        }
        let name = line
            .split(':')
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();
        out.push(Field {
            name,
            start: i,
            end: i + 1,
        });
    }
    out
}

fn tag<'a>(value: &'a str, name: &str) -> Option<&'a str> {
    value.split(';').find_map(|part| {
        let (k, v) = part.split_once('=')?;
        (k.trim() == name).then_some(v.trim())
    })
}

/// Removes the fields `matches` selects and returns the text plus the line where the
/// first one stood (where the new headers go).
fn remove_fields(text: &str, matches: impl Fn(&str, &str) -> bool) -> Result<(Vec<String>, usize)> {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut at = None;
    for f in fields(&lines).iter().rev() {
        let value = lines
            .get(f.start..f.end)
            .map(|l| l.join(" "))
            .unwrap_or_default();
        let value = value.split_once(':').map(|(_, v)| v).unwrap_or_default();
        if matches(&f.name, value) {
            lines.drain(f.start..f.end);
            at = Some(f.start);
        }
    }
    let at = at.ok_or_else(|| anyhow!("no placeholder header to replace"))?;
    Ok((lines, at))
}

fn join(lines: &[String]) -> String {
    let mut s = lines.join("\n");
    s.push('\n');
    s
}

/// Inserts generated header text (CRLF-folded) at line `at`, keeping the file's LF endings.
fn insert(mut lines: Vec<String>, at: usize, header: &str) -> String {
    let new: Vec<String> = header
        .replace("\r\n", "\n")
        .lines()
        .map(str::to_string)
        .collect();
    lines.splice(at..at, new);
    join(&lines)
}

fn sign(dir: &Path, keys: &Path, s: &Sign) -> Result<()> {
    let path = dir.join(s.file);
    let text = std::fs::read_to_string(&path).with_context(|| format!("{}", path.display()))?;
    let (lines, at) = remove_fields(&text, |name, value| {
        name.eq_ignore_ascii_case("DKIM-Signature")
            && tag(value, "d") == Some(s.domain)
            && tag(value, "s") == Some(s.selector)
    })
    .with_context(|| s.file)?;
    let unsigned = join(&lines);
    let signature = DkimSigner::from_key(private_key(keys, s.selector, s.domain)?)
        .domain(s.domain)
        .selector(s.selector)
        .headers(s.headers.iter().copied())
        .sign(unsigned.as_bytes())
        .map_err(|e| anyhow!("{}: signing failed: {e}", s.file))?;
    std::fs::write(&path, insert(lines, at, &signature.to_header()))?;
    println!("signed  {} (d={} s={})", s.file, s.domain, s.selector);
    Ok(())
}

fn from_domain(raw: &str) -> Option<String> {
    let msg = mail_parser::MessageParser::default().parse(raw.as_bytes())?;
    let addr = msg.from()?.first()?.address()?;
    Some(addr.rsplit('@').next()?.to_ascii_lowercase())
}

async fn seal(
    dir: &Path,
    keys: &Path,
    cache: &KeyCache,
    auth: &MessageAuthenticator,
    s: &Seal,
) -> Result<()> {
    let path = dir.join(s.file);
    let text = std::fs::read_to_string(&path).with_context(|| format!("{}", path.display()))?;
    let (lines, at) = remove_fields(&text, |name, _| {
        name.eq_ignore_ascii_case("ARC-Seal")
            || name.eq_ignore_ascii_case("ARC-Message-Signature")
            || name.eq_ignore_ascii_case("ARC-Authentication-Results")
    })
    .with_context(|| s.file)?;
    let unsealed = join(&lines);
    let arrived_text = match s.arrived {
        Some(f) => std::fs::read_to_string(dir.join(f)).with_context(|| f)?,
        None => unsealed.clone(),
    };
    let arrived = AuthenticatedMessage::parse(arrived_text.as_bytes())
        .ok_or_else(|| anyhow!("{}: the arriving message does not parse", s.file))?;
    let dkim = auth
        .verify_dkim(Parameters::new(&arrived).with_txt_cache(cache))
        .await;
    if !dkim.iter().any(|d| d.result() == &DkimResult::Pass) {
        bail!(
            "{}: the message the sealer received has no valid DKIM signature",
            s.file
        );
    }
    let header_from = from_domain(&arrived_text).unwrap_or_default();
    let results = AuthenticationResults::new(s.authserv).with_dkim_results(&dkim, &header_from);
    let outgoing = AuthenticatedMessage::parse(unsealed.as_bytes())
        .ok_or_else(|| anyhow!("{}: does not parse", s.file))?;
    let arc = auth
        .verify_arc(Parameters::new(&outgoing).with_txt_cache(cache))
        .await;
    let set = ArcSealer::from_key(private_key(keys, s.selector, s.domain)?)
        .domain(s.domain)
        .selector(s.selector)
        .headers([
            "From",
            "To",
            "Subject",
            "Date",
            "Message-ID",
            "DKIM-Signature",
        ])
        .seal(&outgoing, &results, &arc)
        .map_err(|e| anyhow!("{}: sealing failed: {e}", s.file))?;
    let header = set.to_header();
    std::fs::write(&path, insert(lines, at, &header))?;
    println!("sealed  {} (d={} s={})", s.file, s.domain, s.selector);
    Ok(())
}

/// Verifies every signature and seal in the signed samples; all must pass.
async fn verify_all(dir: &Path, cache: &KeyCache, auth: &MessageAuthenticator) -> Result<()> {
    let mut files: Vec<&str> = SIGN.iter().map(|s| s.file).collect();
    files.dedup();
    let mut failed = 0;
    for f in files {
        let raw = std::fs::read(dir.join(f))?;
        let Some(msg) = AuthenticatedMessage::parse(&raw) else {
            bail!("{f}: does not parse");
        };
        let dkim = auth
            .verify_dkim(Parameters::new(&msg).with_txt_cache(cache))
            .await;
        let dkim_ok = !dkim.is_empty() && dkim.iter().all(|d| d.result() == &DkimResult::Pass);
        let arc = auth
            .verify_arc(Parameters::new(&msg).with_txt_cache(cache))
            .await;
        let arc_ok = matches!(arc.result(), DkimResult::Pass | DkimResult::None);
        println!(
            "verify  {f}: dkim {} ({} signature(s)), arc {:?}",
            if dkim_ok { "pass" } else { "FAIL" },
            dkim.len(),
            arc.result()
        );
        if !dkim_ok || !arc_ok {
            failed += 1;
        }
    }
    if failed > 0 {
        bail!("{failed} sample(s) did not verify");
    }
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let dir = samples_dir();
    let keys = dir.join("keys");
    let cache = load_cache(&keys)?;
    // Every lookup is answered from the key cache above; the resolver is only a carrier.
    let auth = MessageAuthenticator::new_system_conf()
        .or_else(|_| MessageAuthenticator::new_cloudflare())
        .map_err(|e| anyhow!("cannot create a resolver: {e}"))?;
    for s in SIGN {
        sign(&dir, &keys, s)?;
    }
    for s in SEAL {
        seal(&dir, &keys, &cache, &auth, s).await?;
    }
    verify_all(&dir, &cache, &auth).await
}
