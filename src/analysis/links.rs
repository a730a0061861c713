//! Link facts: where each link really leads, worked out once for every check and view.
//!
//! A link's destination is its href with the reader's own link-protection wrappers removed
//! (Microsoft Safe Links, Proofpoint URL Defense, …): those are the recipient's
//! infrastructure, not the sender's doing. A redirect the sender chose (a click counter, an
//! open redirect) is not removed; the address it passes the reader on to is recorded beside
//! it as `redirects_to`, since only the redirecting site decides whether it goes there.

use url::Url;

use super::content;
use super::identity::org_domain;
use super::types::{Attachment, Link};
use crate::limits::{Budget, Limit};

/// Wrappers are unwrapped at most this many times (a wrapper inside a wrapper is common
/// when mail is forwarded between organisations; more is a loop or a trick).
const MAX_UNWRAP: usize = 3;

/// Fills in the destination facts of every link. Idempotent: links already resolved are
/// worked out again from their href, with the same answer.
pub fn resolve(links: &mut [Link]) {
    for link in links {
        resolve_one(link);
    }
}

fn resolve_one(link: &mut Link) {
    let mut url = parse_href(&link.href);
    let mut unwrapped_from = None;
    for _ in 0..MAX_UNWRAP {
        match url.as_ref().and_then(unwrap_protection) {
            Some((wrapper, inner)) => {
                unwrapped_from.get_or_insert(wrapper);
                url = Some(inner);
            }
            None => break,
        }
    }
    let host = url
        .as_ref()
        .and_then(|u| u.host_str())
        .map(|h| h.trim_matches(['[', ']']).to_ascii_lowercase())
        .or_else(|| {
            // An href that does not parse gets the extractor's reading of its host, but
            // only for web links: mailto:, tel: and friends have no site.
            link.host
                .as_ref()
                .filter(|_| url.is_none())
                .map(|h| h.to_ascii_lowercase())
        });
    if link.shown_host.is_none() {
        link.shown_host = host_in_text(&link.shown_text);
    }
    link.destination_org_domain = host.as_deref().map(org_domain);
    link.redirects_to = url
        .as_ref()
        .and_then(embedded_url)
        .map(|u| u.as_str().to_string());
    link.destination = url.map(|u| u.as_str().to_string());
    link.destination_host = host;
    link.unwrapped_from = unwrapped_from.map(str::to_string);
    link.found_in = match (&link.in_attachment, link.from_html) {
        (Some(file), _) => format!("the attachment {file}"),
        (None, true) => "the HTML body".to_string(),
        (None, false) => "the text body".to_string(),
    };
}

/// Puts the web links found inside PDF attachments among the message's links, marked with
/// the file they sit in, so every link check looks at them too.
pub fn add_attachment_links(
    links: &mut Vec<Link>,
    attachments: &[Attachment],
    budget: &mut Budget,
) {
    let mut beyond = 0;
    for a in attachments {
        let Some(pdf) = a.pdf.as_ref() else {
            continue;
        };
        let name = a
            .filename
            .clone()
            .unwrap_or_else(|| "an attached PDF".to_string());
        for href in &pdf.links {
            if links
                .iter()
                .any(|l| &l.href == href && l.in_attachment.is_some())
            {
                continue;
            }
            if links.len() >= content::MAX_LINKS {
                beyond += 1;
                continue;
            }
            links.push(Link {
                href: href.clone(),
                host: content::host_of(href),
                in_attachment: Some(name.clone()),
                ..Link::default()
            });
        }
    }
    if beyond > 0 {
        if budget.reached(Limit::Links) {
            budget.hit(Limit::Links, 0, Some(beyond));
        } else {
            budget.hit(
                Limit::Links,
                content::MAX_LINKS,
                Some(content::MAX_LINKS + beyond),
            );
        }
    }
}

/// Parses an href the way a mail client would, tolerating the line breaks and missing
/// schemes found in real mail.
pub fn parse_href(href: &str) -> Option<Url> {
    let compact: std::borrow::Cow<'_, str> = if href.chars().any(char::is_whitespace) {
        href.chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .into()
    } else {
        href.into()
    };
    if compact.is_empty() {
        return None;
    }
    match Url::parse(&compact) {
        Ok(u) => Some(u),
        Err(url::ParseError::RelativeUrlWithoutBase) if compact.starts_with("www.") => {
            Url::parse(&format!("http://{compact}")).ok()
        }
        Err(_) => None,
    }
}

/// An absolute web address carried inside a parameter value, if there is one.
fn absolute_url(value: &str) -> Option<Url> {
    let v = value.trim();
    let lower = v.get(..8).unwrap_or(v).to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return Url::parse(v).ok().filter(|u| u.host_str().is_some());
    }
    // Encoded twice: "https%3A%2F%2F…".
    if lower.starts_with("http%3a") || lower.starts_with("https%3a") {
        let decoded: String = url::form_urlencoded::parse(format!("x={v}").as_bytes())
            .map(|(_, val)| val.into_owned())
            .next()?;
        return Url::parse(&decoded).ok().filter(|u| u.host_str().is_some());
    }
    // Base64 of "http…" (Bing's click links add an "a1" in front).
    let b64 = v
        .strip_prefix("a1")
        .filter(|r| r.starts_with("aHR0c"))
        .unwrap_or(v);
    if b64.starts_with("aHR0c") {
        let text = String::from_utf8(base64_decode(b64)?).ok()?;
        let lower = text.get(..8).unwrap_or(&text).to_ascii_lowercase();
        if lower.starts_with("http") && !text.starts_with("aHR0c") {
            return absolute_url(&text);
        }
    }
    None
}

/// Decodes standard or URL-safe base64, padded or not; None on any other character.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in s.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// Query parameters that name where a redirect goes.
const REDIRECT_PARAMS: &[&str] = &[
    "u",
    "url",
    "q",
    "redirect",
    "redirect_url",
    "redirect_uri",
    "redirecturl",
    "redir",
    "target",
    "dest",
    "destination",
    "continue",
    "next",
    "goto",
    "link",
    "to",
    "out",
    "r",
    "rurl",
    "return",
    "returnurl",
    "return_to",
];

/// A destination written without its scheme ("evil.example/login.php") in a redirect
/// parameter, as Google Translate's proxy and many redirectors accept.
fn bare_url(value: &str) -> Option<Url> {
    let v = value.trim();
    let (host, _) = v.split_once('/')?;
    if host.contains(['@', ':', ' ']) || !host.contains('.') {
        return None;
    }
    psl::suffix(host.as_bytes()).filter(|s| s.is_known())?;
    Url::parse(&format!("http://{v}"))
        .ok()
        .filter(|u| u.host_str().is_some())
}

/// The first absolute URL found in the query of `u`, or base64-encoded in a segment of its
/// path (".../click/aHR0cHM6Ly9…/").
fn embedded_url(u: &Url) -> Option<Url> {
    u.query_pairs()
        .find_map(|(k, v)| {
            absolute_url(&v).or_else(|| {
                REDIRECT_PARAMS
                    .iter()
                    .any(|p| k.eq_ignore_ascii_case(p))
                    .then(|| bare_url(&v))
                    .flatten()
            })
        })
        .or_else(|| {
            u.path_segments()?
                .filter(|seg| seg.starts_with("aHR0c") || seg.starts_with("a1aHR0c"))
                .find_map(absolute_url)
        })
}

/// The destination inside a link-protection wrapper added by the reader's mail filter,
/// with the wrapper's name.
fn unwrap_protection(u: &Url) -> Option<(&'static str, Url)> {
    let host = u.host_str()?.to_ascii_lowercase();
    let param = |name: &str| {
        u.query_pairs()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.into_owned())
    };
    let named = |name: &'static str, inner: Option<Url>| inner.map(|i| (name, i));
    if host.ends_with("safelinks.protection.outlook.com") {
        return named(
            "Microsoft Safe Links",
            param("url").and_then(|v| absolute_url(&v)),
        );
    }
    if host == "urldefense.com" || host == "urldefense.proofpoint.com" {
        let path = u.path();
        if let Some(rest) = path.strip_prefix("/v3/__") {
            let inner = rest.split("__;").next().unwrap_or(rest);
            let inner = inner.strip_suffix("__").unwrap_or(inner);
            return named("Proofpoint URL Defense", Url::parse(inner).ok());
        }
        // v2 encodes "%" as "-" and "/" as "_" in the u= parameter.
        let v = param("u")?.replace('-', "%").replace('_', "/");
        let decoded: String = url::form_urlencoded::parse(format!("x={v}").as_bytes())
            .map(|(_, val)| val.into_owned())
            .next()?;
        return named("Proofpoint URL Defense", absolute_url(&decoded));
    }
    if host == "linkprotect.cudasvc.com" {
        return named(
            "Barracuda Link Protection",
            param("a").and_then(|v| absolute_url(&v)),
        );
    }
    if host.ends_with("protect2.fireeye.com") {
        return named(
            "Trellix (FireEye) link protection",
            param("u").and_then(|v| absolute_url(&v)),
        );
    }
    if host == "clicktime.symantec.com" {
        return named(
            "Symantec Click-time protection",
            param("u").and_then(|v| absolute_url(&v)),
        );
    }
    if host.ends_with(".trendmicro.com") && u.path().contains("clicktime") {
        return named(
            "Trend Micro Click-time protection",
            param("url").and_then(|v| absolute_url(&v)),
        );
    }
    if host == "url.avanan.click" {
        // /v2/___https://example.com/___.<signature>
        let rest = u.path().strip_prefix("/v2/___")?;
        let inner = rest.split("___").next()?;
        return named("Check Point Avanan link protection", absolute_url(inner));
    }
    if host == "secure-web.cisco.com" {
        // The destination is the last path segment, percent-encoded.
        let last = u.path_segments()?.next_back()?;
        let decoded: String = url::form_urlencoded::parse(format!("x={last}").as_bytes())
            .map(|(_, val)| val.into_owned())
            .next()?;
        return named("Cisco Secure Email link protection", absolute_url(&decoded));
    }
    None
}

/// A host named by the shown text of a link, when the extractor did not record one:
/// only text that is itself a web address or a bare domain counts.
pub fn host_in_text(text: &str) -> Option<String> {
    let t = text
        .trim()
        .trim_matches(|c: char| matches!(c, '<' | '>' | '"' | '\'' | '(' | ')' | '[' | ']'));
    if t.is_empty() || t.contains(char::is_whitespace) || t.contains('@') {
        return None;
    }
    let u = if t.contains("://") {
        Url::parse(t).ok()?
    } else {
        let u = Url::parse(&format!("http://{t}")).ok()?;
        // A bare word is not a domain; a bare domain needs a known ending.
        let h = u.host_str()?.to_string();
        let sfx = psl::suffix(h.as_bytes())?;
        if !(sfx.is_known() || h.starts_with("www.")) || !h.contains('.') {
            return None;
        }
        u
    };
    u.host_str()
        .map(|h| h.trim_matches(['[', ']']).to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(href: &str, shown: &str) -> Link {
        let mut l = Link {
            href: href.into(),
            shown_text: shown.into(),
            from_html: true,
            ..Link::default()
        };
        resolve_one(&mut l);
        l
    }

    #[test]
    fn safe_links_are_unwrapped_to_the_real_destination() {
        let l = link(
            "https://eur02.safelinks.protection.outlook.com/?url=https%3A%2F%2Flogin.micros0ft-support.example%2Fverify&data=05",
            "Sign in",
        );
        assert_eq!(
            l.destination.as_deref(),
            Some("https://login.micros0ft-support.example/verify")
        );
        assert_eq!(
            l.destination_host.as_deref(),
            Some("login.micros0ft-support.example")
        );
        assert_eq!(
            l.destination_org_domain.as_deref(),
            Some("micros0ft-support.example")
        );
        assert_eq!(l.unwrapped_from.as_deref(), Some("Microsoft Safe Links"));
        assert_eq!(l.found_in, "the HTML body");
    }

    #[test]
    fn plain_links_keep_their_host_and_name_no_wrapper() {
        let l = link("https://www.example.org/page", "www.example.org");
        assert_eq!(l.destination_host.as_deref(), Some("www.example.org"));
        assert_eq!(l.destination_org_domain.as_deref(), Some("example.org"));
        assert_eq!(l.unwrapped_from, None);
        assert_eq!(l.redirects_to, None);
        assert_eq!(l.shown_host.as_deref(), Some("www.example.org"));
    }

    #[test]
    fn nested_wrappers_and_redirect_targets() {
        // Safe Links around Proofpoint URL Defense (v2) around a redirector.
        let proofpoint = "https://urldefense.proofpoint.com/v2/url?u=https-3A__redirect.example.net_go-3Furl-3Dhttps-253A-252F-252Fshop.example.com-252F&d=DwMF";
        let encoded: String = url::form_urlencoded::byte_serialize(proofpoint.as_bytes()).collect();
        let l = link(
            &format!("https://nam10.safelinks.protection.outlook.com/?url={encoded}&data=1"),
            "",
        );
        assert_eq!(l.unwrapped_from.as_deref(), Some("Microsoft Safe Links"));
        assert_eq!(l.destination_host.as_deref(), Some("redirect.example.net"));
        assert_eq!(l.redirects_to.as_deref(), Some("https://shop.example.com/"));
    }

    #[test]
    fn links_in_attachments_and_text_say_where_they_were_found() {
        let mut l = Link {
            href: "https://example.com/a".into(),
            in_attachment: Some("invoice.pdf".into()),
            ..Link::default()
        };
        resolve_one(&mut l);
        assert_eq!(l.found_in, "the attachment invoice.pdf");
        let mut t = Link {
            href: "https://example.com/a".into(),
            ..Link::default()
        };
        resolve_one(&mut t);
        assert_eq!(t.found_in, "the text body");
    }

    #[test]
    fn hostile_hrefs_resolve_without_panic() {
        for href in [
            "",
            "javascript:alert(1)",
            "mailto:a@b.example",
            "https://safelinks.protection.outlook.com/?url=",
            "https://urldefense.com/v3/__",
            "https://url.avanan.click/v2/___",
            "https://secure-web.cisco.com/",
            "http://[::1",
            "https://x.example/?u=aHR0c%%%",
        ] {
            let l = link(href, href);
            assert!(l.destination_host.is_none() || !href.is_empty());
        }
    }
}
