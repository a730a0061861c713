//! From / Sender / Reply-To / Return-Path, display names, and organisational domains (PSL).

use mail_parser::{Address, HeaderValue, Message};

use super::headers::{first, named};
use super::types::{Identity, Mailbox, RawHeader};

/// The registrable ("organisational") domain of `domain`, per the public suffix list.
/// `mail.example.co.uk` → `example.co.uk`. Falls back to the domain itself.
pub fn org_domain(domain: &str) -> String {
    let d = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    match psl::domain_str(&d) {
        Some(reg) => reg.to_string(),
        None => d,
    }
}

/// Lowercased domain part of an address, without brackets or trailing dots.
pub fn domain_of(address: &str) -> Option<String> {
    let at = address.rfind('@')?;
    let d = address
        .get(at + 1..)?
        .trim()
        .trim_matches(|c| c == '>' || c == '<' || c == '.' || c == ']' || c == '[')
        .to_ascii_lowercase();
    (!d.is_empty()).then_some(d)
}

/// Builds a `Mailbox` from a display name and an address.
pub fn mailbox(name: Option<&str>, address: Option<&str>) -> Mailbox {
    let address = address
        .map(|a| a.trim().trim_matches(|c| c == '<' || c == '>').to_string())
        .filter(|a| !a.is_empty());
    let domain = address.as_deref().and_then(domain_of);
    let org = domain.as_deref().map(org_domain);
    Mailbox {
        display_name: name
            .map(|n| n.trim().trim_matches('"').trim().to_string())
            .filter(|n| !n.is_empty()),
        address,
        domain,
        org_domain: org,
    }
}

fn mailboxes(addr: Option<&Address>) -> Vec<Mailbox> {
    addr.map(|a| a.iter().map(|m| mailbox(m.name(), m.address())).collect())
        .unwrap_or_default()
}

fn count(addr: Option<&Address>) -> usize {
    addr.map(|a| a.iter().count()).unwrap_or(0)
}

/// Extracts the sender identity.
pub fn extract(msg: &Message, headers: &[RawHeader]) -> Identity {
    let from_all = join_split_names(
        msg.header_values("From")
            .filter_map(HeaderValue::as_address)
            .flat_map(|a| mailboxes(Some(a)))
            .collect(),
    );
    let return_path = return_path(msg, headers);
    let message_id = msg.message_id().map(|s| s.trim().to_string());
    let message_id_domain = message_id.as_deref().and_then(domain_of);
    let date_raw = first(headers, "Date").map(|h| h.value.clone());
    let date = msg
        .date()
        .filter(|d| d.is_valid())
        .map(|d| d.to_timestamp());
    let list_id = first(headers, "List-Id").map(|h| h.value.clone());
    let mut recipient_domains: Vec<String> = mailboxes(msg.to())
        .into_iter()
        .chain(mailboxes(msg.cc()))
        .filter_map(|m| m.domain)
        .chain(
            named(headers, "Delivered-To")
                .chain(named(headers, "X-Original-To"))
                .filter_map(|h| domain_of(&h.value)),
        )
        .collect();
    recipient_domains.sort();
    recipient_domains.dedup();
    Identity {
        from: from_all.first().cloned(),
        from_count: from_all.len(),
        from_header_count: named(headers, "From").count(),
        from_raw: first(headers, "From").map(|h| h.value.clone()),
        sender: mailboxes(msg.sender()).into_iter().next(),
        reply_to: mailboxes(msg.reply_to()),
        return_path,
        message_id,
        message_id_domain,
        date_raw,
        date,
        to_count: count(msg.to()),
        cc_count: count(msg.cc()),
        list_id,
        list_unsubscribe: first(headers, "List-Unsubscribe").is_some(),
        in_reply_to: first(headers, "In-Reply-To").is_some(),
        references: first(headers, "References").is_some(),
        recipient_domains,
        addressed_to: mailboxes(msg.to())
            .into_iter()
            .chain(mailboxes(msg.cc()))
            .filter_map(|m| m.address.map(|a| a.to_ascii_lowercase()))
            .collect(),
        envelope_recipient: named(headers, "Delivered-To")
            .chain(named(headers, "X-Original-To"))
            .map(|h| {
                h.value
                    .trim()
                    .trim_matches(|c| c == '<' || c == '>')
                    .to_ascii_lowercase()
            })
            .find(|v| v.contains('@') && !v.contains(' ')),
    }
}

/// An unquoted comma in a display name (`From: Account team, Support <a@example.com>`)
/// splits it into an address-less name and the real mailbox; put them back together so
/// the checks see the name the reader sees next to the real address.
fn join_split_names(list: Vec<Mailbox>) -> Vec<Mailbox> {
    let mut out: Vec<Mailbox> = Vec::new();
    let mut pending: Vec<String> = Vec::new();
    for mut m in list {
        if m.address.is_none() {
            if let Some(n) = m.display_name.take() {
                pending.push(n);
            }
            continue;
        }
        if !pending.is_empty() {
            let mut parts = std::mem::take(&mut pending);
            parts.extend(m.display_name.take());
            m.display_name = Some(parts.join(", ")).filter(|n| !n.trim().is_empty());
        }
        out.push(m);
    }
    out
}

/// The topmost Return-Path: the envelope sender, added by the final delivery server.
fn return_path(msg: &Message, headers: &[RawHeader]) -> Option<Mailbox> {
    if let Some(addr) = msg.return_address() {
        return Some(mailbox(None, Some(addr)));
    }
    let raw = first(headers, "Return-Path")?;
    let v = raw
        .value
        .trim()
        .trim_matches(|c| c == '<' || c == '>')
        .trim();
    (!v.is_empty() && v.contains('@')).then(|| mailbox(None, Some(v)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_domain_uses_the_public_suffix_list() {
        assert_eq!(org_domain("mail.example.co.uk"), "example.co.uk");
        assert_eq!(org_domain("a.b.example.com."), "example.com");
        assert_eq!(
            org_domain("MW2NAM12FT041.eop-nam12.prod.protection.outlook.com"),
            "outlook.com"
        );
    }

    #[test]
    fn domain_of_handles_brackets() {
        assert_eq!(
            domain_of("<Bob@Example.COM>").as_deref(),
            Some("example.com")
        );
        assert_eq!(domain_of("nobody"), None);
    }

    fn ident(raw: &str) -> Identity {
        let msg = mail_parser::MessageParser::default()
            .parse(raw.as_bytes())
            .unwrap();
        let headers = super::super::headers::collect(&msg, raw.as_bytes());
        extract(&msg, &headers)
    }

    #[test]
    fn reads_from_reply_to_and_return_path() {
        let id = ident(
            "Return-Path: <bounce@mailer.example.net>\r\nFrom: \"Northwind Bank\" <alerts@northwind-bank.example>\r\nReply-To: <payme@example.org>\r\nTo: a@example.com, b@example.com\r\nMessage-ID: <abc@mailer.example.net>\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\nhi",
        );
        let from = id.from.unwrap();
        assert_eq!(from.display_name.as_deref(), Some("Northwind Bank"));
        assert_eq!(from.domain.as_deref(), Some("northwind-bank.example"));
        assert_eq!(id.reply_to[0].domain.as_deref(), Some("example.org"));
        assert_eq!(
            id.return_path.unwrap().domain.as_deref(),
            Some("mailer.example.net")
        );
        assert_eq!(id.to_count, 2);
        assert_eq!(id.message_id_domain.as_deref(), Some("mailer.example.net"));
        assert_eq!(id.date, Some(1704103200));
    }

    #[test]
    fn an_unquoted_comma_does_not_split_the_sender() {
        let id = ident("From: Account team ,_<no-reply@example.net>\r\nSubject: x\r\n\r\nbody");
        assert_eq!(id.from_count, 1);
        let from = id.from.unwrap();
        assert_eq!(from.domain.as_deref(), Some("example.net"));
        assert!(from.display_name.unwrap().contains("Account team"));
    }

    #[test]
    fn counts_multiple_from_addresses() {
        let id = ident("From: a@example.com, b@example.org\r\nSubject: x\r\n\r\nbody");
        assert_eq!(id.from_count, 2);
    }
}
