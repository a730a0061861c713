//! Received chain → hops in travel order, delays, the trust boundary, and anomalies.

use std::net::IpAddr;

use super::headers::named;
use super::identity::org_domain;
use super::knowledge::operators;
use super::received::{self, ReceivedDate};
use super::types::{AnomalyKind, HeaderPath, Hop, Identity, Options, PathAnomaly, RawHeader};
use crate::profile::Profile;

/// Delays longer than this between two hops are called implausible.
pub const LONG_DELAY_SECS: i64 = 24 * 3600;
/// Clocks on different servers disagree a little; less than this going backwards is normal.
pub const CLOCK_TOLERANCE_SECS: i64 = 5 * 60;
/// A Date header this far from the first hop is odd.
pub const DATE_DRIFT_SECS: i64 = 24 * 3600;
/// More hops than this is unusual.
pub const MANY_HOPS: usize = 15;

/// Builds the header path of a message.
pub fn extract(headers: &[RawHeader], identity: &Identity, opts: &Options) -> HeaderPath {
    // Each line is read from its raw value by our own parser: mail-parser's reading takes
    // comments for clauses ("from userid") and login names for server names.
    // The newest lines first: they were written by the recipient's own servers, and the
    // trust line is drawn from them. Older lines past the limit are counted, not read.
    let mut top_down: Vec<Hop> = headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("Received"))
        .take(crate::limits::HOPS)
        .map(|h| hop_from(h.index, h.value.clone(), opts))
        .collect();
    top_down.reverse();
    let mut hops = top_down;
    for (i, hop) in hops.iter_mut().enumerate() {
        hop.index = i;
    }
    for i in 1..hops.len() {
        let prev = hops.get(i - 1).and_then(|h| h.timestamp);
        if let (Some(p), Some(hop)) = (prev, hops.get_mut(i)) {
            hop.delay_seconds = hop.timestamp.map(|t| t - p);
        }
    }
    let mut path = HeaderPath {
        hops,
        ..HeaderPath::default()
    };
    mark_boundary(&mut path, headers, opts.profile.as_deref());
    find_anomalies(&mut path, identity, opts);
    path
}

/// How many Received lines the message carries.
pub fn received_lines(headers: &[RawHeader]) -> usize {
    headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("Received"))
        .count()
}

/// A host name worth showing as the sending server: not an address, not "unknown".
fn is_name(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('[')
        && s.parse::<IpAddr>().is_err()
        && !s.eq_ignore_ascii_case("unknown")
}

fn hop_from(header_index: usize, raw: String, opts: &Options) -> Hop {
    let rec = received::parse(&raw);
    let unparsed = rec.is_unparsed(&raw);
    let (time, timestamp) = (rec.time_rfc3339(), rec.timestamp());
    let from_ip = rec.ip.map(|ip| ip.to_string());
    let operator = rec.by.as_deref().and_then(|b| {
        let own = b.contains('.') && opts.own_domains.contains(&org_domain(b));
        if own {
            return Some(OWN_SERVERS.to_string());
        }
        operators::by_host(b).map(|o| o.name.clone())
    });
    let from_operator = rec
        .rdns
        .as_deref()
        .and_then(operators::by_host)
        .or_else(|| rec.ip.as_ref().and_then(operators::by_ip))
        .map(|o| o.name.clone());
    // The parsed line is not needed past here: its fields move into the hop.
    let (has_date, unread_date) = match rec.date {
        ReceivedDate::Missing => (false, None),
        ReceivedDate::Read { .. } => (true, None),
        ReceivedDate::Unreadable(t) => (true, Some(t)),
    };
    Hop {
        header_index,
        from_host: rec.rdns.clone().or_else(|| rec.from.filter(|n| is_name(n))),
        from_ip,
        from_rdns: rec.rdns,
        helo: rec.helo,
        by_host: rec.by,
        protocol: rec.protocol,
        tls: rec.tls,
        tls_version: rec.tls_version,
        for_addr: rec
            .for_addr
            .as_deref()
            .map(|f| f.trim().to_ascii_lowercase())
            .filter(|f| f.contains('@')),
        time,
        timestamp,
        id: rec.id,
        via: rec.via,
        ident: rec.ident,
        auth_note: rec.auth_note,
        operator,
        from_operator,
        has_date,
        unread_date,
        unparsed,
        raw,
        ..Hop::default()
    }
}

/// The label for servers under the reader's own domains (from their profile).
pub const OWN_SERVERS: &str = "Your organisation";

/// Private, loopback, link-local, CGNAT or otherwise non-routable. Documentation ranges
/// (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) count as public: they
/// stand in for public addresses in examples and training material.
pub fn is_non_public(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || (o[0] == 100 && (64..128).contains(&o[1]))
                || o[0] >= 240
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || v6
                    .to_ipv4_mapped()
                    .is_some_and(|m| is_non_public(&IpAddr::V4(m)))
        }
    }
}

fn ip_non_public(ip: Option<&str>) -> bool {
    ip.and_then(|s| s.parse::<IpAddr>().ok())
        .is_some_and(|ip| is_non_public(&ip))
}

/// Is the server a hop was received from part of the recipient's infrastructure?
fn from_is_internal(hop: &Hop, receiver: &[String]) -> bool {
    if ip_non_public(hop.from_ip.as_deref()) {
        return true;
    }
    // A bare or local receiving host name means a fetch or local delivery: the server it
    // got the message from is the recipient's own mailbox provider.
    if hop
        .by_host
        .as_deref()
        .is_some_and(|b| !b.contains('.') || b.starts_with("localhost"))
    {
        return true;
    }
    if hop.from_ip.is_none() && hop.from_host.is_none() {
        // "Received: by host with …": a step inside one server.
        return true;
    }
    // The reverse-DNS name is looked up by the receiving server; the HELO name is the
    // sender's own claim, so it only counts when there is no reverse name.
    let name = hop.from_rdns.as_deref().or(hop.from_host.as_deref());
    name.is_some_and(|n| n.contains('.') && receiver.contains(&org_domain(n)))
}

/// Client IPs the recipient's own authentication headers name (Received-SPF client-ip=,
/// Microsoft's "sender IP is …"), from the headers above `limit`.
fn recorded_client_ips(headers: &[RawHeader], limit: usize) -> Vec<String> {
    let mut ips = Vec::new();
    let spf = named(headers, "Received-SPF").filter(|h| h.index < limit);
    for h in spf {
        if let Some(ip) = after_marker(&h.value, "client-ip=") {
            ips.push(ip);
        }
    }
    for h in named(headers, "Authentication-Results").filter(|h| h.index < limit) {
        if let Some(ip) = after_marker(&h.value, "sender IP is ") {
            ips.push(ip);
        }
    }
    ips
}

fn after_marker(value: &str, marker: &str) -> Option<String> {
    let lower = value.to_ascii_lowercase();
    let pos = lower.find(&marker.to_ascii_lowercase())? + marker.len();
    let rest = value.get(pos..)?;
    let ip: String = rest
        .chars()
        .take_while(|c| c.is_ascii_hexdigit() || *c == '.' || *c == ':')
        .collect();
    ip.parse::<IpAddr>().ok().map(|ip| ip.to_string())
}

/// Adds an organisational domain (and the rest of its provider family) to the receiver set:
/// large providers run one infrastructure under several registered names, so a hop
/// between two of them is a step inside the provider, not an arrival from outside.
fn add_receiver_org(receiver: &mut Vec<String>, org: String) {
    match operators::family_of(&org) {
        Some(family) => {
            for d in family {
                if !receiver.contains(d) {
                    receiver.push(d.clone());
                }
            }
        }
        None => {
            if !receiver.contains(&org) {
                receiver.push(org);
            }
        }
    }
}

/// Marks which hops the recipient's own servers wrote, and where the message entered.
///
/// A gateway the organisation's profile lists (a security gateway in front of its mailbox
/// provider) is one of its own servers: the walk goes on below it, and the provider's own
/// record of the gateway's address does not stop it there.
fn mark_boundary(path: &mut HeaderPath, headers: &[RawHeader], profile: Option<&Profile>) {
    // Only what the receiving server checked: the reverse-DNS name it looked up and the
    // address it saw, never the name the sender gave itself.
    let gateway = |hop: &Hop| {
        profile.is_some_and(|p| p.is_gateway(hop.from_rdns.as_deref(), hop.from_ip.as_deref()))
    };
    let n = path.hops.len();
    let Some(top) = path.hops.last() else {
        return;
    };
    let mut receiver: Vec<String> = Vec::new();
    if let Some(by) = top
        .by_host
        .as_deref()
        .filter(|b| b.contains('.') && b.parse::<IpAddr>().is_err())
    {
        add_receiver_org(&mut receiver, org_domain(by));
    }
    let mut boundary = 0;
    for i in (0..n).rev() {
        let Some(hop) = path.hops.get(i) else { break };
        if let Some(by) = hop
            .by_host
            .as_deref()
            .filter(|b| b.contains('.') && b.parse::<IpAddr>().is_err())
        {
            add_receiver_org(&mut receiver, org_domain(by));
        }
        boundary = i;
        if !from_is_internal(hop, &receiver) && !gateway(hop) {
            break;
        }
        // Everything internal: keep walking; the oldest hop becomes the boundary.
        if let Some(name) = hop.from_rdns.as_deref().or(hop.from_host.as_deref()) {
            if name.contains('.') && !ip_non_public(hop.from_ip.as_deref()) {
                add_receiver_org(&mut receiver, org_domain(name));
            }
        }
    }
    // The recipient's own authentication headers may name the connecting IP outright;
    // when a hop at or above the walk's boundary matches it, that hop is the boundary
    // (this handles mail between two tenants of one large provider).
    let limit = path.hops.get(boundary).map(|h| h.header_index).unwrap_or(0);
    let named_ips = recorded_client_ips(headers, limit.max(1) + 1);
    let gateway_ip = |ip: &str| profile.is_some_and(|p| p.is_gateway(None, Some(ip)));
    if let Some(ip) = named_ips.iter().find(|ip| !gateway_ip(ip)) {
        if let Some(found) = path
            .hops
            .iter()
            .rposition(|h| h.from_ip.as_deref() == Some(ip.as_str()))
        {
            boundary = found;
        }
    }
    for hop in path.hops.iter_mut() {
        hop.trusted = hop.index >= boundary;
    }
    if let Some(b) = path.hops.get(boundary) {
        path.boundary = Some(boundary);
        path.connecting_ip = b.from_ip.clone();
        path.connecting_host = b.from_rdns.clone().or_else(|| b.from_host.clone());
        path.connecting_helo = b.helo.clone();
        path.boundary_header_index = Some(b.header_index);
        path.delivered_at = b.timestamp;
    }
    path.receiver_domains = receiver;
}

fn push(path: &mut HeaderPath, kind: AnomalyKind, hop: Option<usize>, detail: String) {
    path.anomalies.push(PathAnomaly { kind, hop, detail });
}

/// "2 h 5 min", "45 s", "3 days".
pub fn human_duration(secs: i64) -> String {
    let s = secs.unsigned_abs();
    let text = if s < 60 {
        format!("{s} s")
    } else if s < 3600 {
        format!("{} min {} s", s / 60, s % 60)
    } else if s < 86400 {
        format!("{} h {} min", s / 3600, (s % 3600) / 60)
    } else {
        format!("{} days {} h", s / 86400, (s % 86400) / 3600)
    };
    if secs < 0 {
        format!("-{text}")
    } else {
        text
    }
}

/// A step back in time by whole hours, up to the widest zone offset, is the mark of a
/// server that wrote its local time with the wrong zone ("12:04 +0000" from a machine on
/// summer time), not of a forged line.
fn zone_slip(back: i64) -> bool {
    const HOUR: i64 = 3600;
    let off = back % HOUR;
    back <= 14 * HOUR + CLOCK_TOLERANCE_SECS
        && (off <= CLOCK_TOLERANCE_SECS || HOUR - off <= CLOCK_TOLERANCE_SECS)
}

/// A name the receiving server found for a loopback or private address says nothing
/// about the sender: it is local configuration, not public DNS.
fn local_name(hop: &Hop, rdns: &str) -> bool {
    ip_non_public(hop.from_ip.as_deref()) || !rdns.contains('.') || rdns.starts_with("localhost")
}

fn find_anomalies(path: &mut HeaderPath, identity: &Identity, opts: &Options) {
    let hops = path.hops.clone();
    if hops.len() > MANY_HOPS {
        push(
            path,
            AnomalyKind::TooManyHops,
            None,
            format!(
                "{} hops; most messages take fewer than {MANY_HOPS}",
                hops.len()
            ),
        );
    }
    if let Some(origin) = hops.first() {
        if ip_non_public(origin.from_ip.as_deref()) && !origin.trusted {
            push(
                path,
                AnomalyKind::PrivateOrigin,
                Some(0),
                format!("the first server says it got the message from {}, a private or reserved address", origin.from_ip.as_deref().unwrap_or("?")),
            );
        }
    }
    let mut seen_tls = false;
    for hop in &hops {
        let i = hop.index;
        // qmail writes comment-only lines ("(qmail 123 invoked from network)") by design.
        let comment_only = hop.raw.starts_with('(');
        if hop.by_host.is_none() && !hop.raw.is_empty() && !comment_only {
            push(
                path,
                AnomalyKind::MissingBy,
                Some(i),
                "this hop does not say which server wrote it".into(),
            );
        }
        if hop.timestamp.is_none() {
            let detail = match &hop.unread_date {
                Some(t) => format!(
                    "this hop's time (\"{}\") could not be read, so no delay is shown",
                    super::text::clip(t, 60)
                ),
                None => "this hop's time could not be read, so no delay is shown".into(),
            };
            push(path, AnomalyKind::UnparsedDate, Some(i), detail);
        }
        if let Some(d) = hop.delay_seconds {
            if d < -CLOCK_TOLERANCE_SECS && !zone_slip(-d) {
                push(path, AnomalyKind::TimeBackwards, Some(i), format!("time goes backwards by {} from the previous hop (a wrong clock, or a forged line)", human_duration(-d)));
            } else if d > LONG_DELAY_SECS {
                push(
                    path,
                    AnomalyKind::LongDelay,
                    Some(i),
                    format!("{} passed since the previous hop", human_duration(d)),
                );
            }
        }
        if let (Some(now), Some(t)) = (opts.now, hop.timestamp) {
            if t > now + 3600 {
                push(
                    path,
                    AnomalyKind::FutureDate,
                    Some(i),
                    format!(
                        "this hop is dated {} in the future",
                        human_duration(t - now)
                    ),
                );
            }
        }
        let local = ip_non_public(hop.from_ip.as_deref()) || hop.from_ip.is_none();
        match hop.tls {
            Some(true) => seen_tls = true,
            Some(false) if seen_tls && !local => {
                push(
                    path,
                    AnomalyKind::TlsDropped,
                    Some(i),
                    "earlier hops were encrypted, this one was not".into(),
                );
            }
            _ => {}
        }
    }
    if let Some(b) = path.boundary.and_then(|b| hops.get(b)) {
        let bi = b.index;
        if let Some(helo) = b.helo.as_deref() {
            let bare = helo.trim_matches(|c| c == '[' || c == ']');
            if bare.parse::<IpAddr>().is_ok() {
                push(path, AnomalyKind::HeloIsIp, Some(bi), format!("the sending server introduced itself as a bare address ({helo}) instead of a name"));
            } else if let Some(rdns) = b.from_rdns.as_deref().filter(|r| !local_name(b, r)) {
                if helo.contains('.') && org_domain(helo) != org_domain(rdns) {
                    push(path, AnomalyKind::HeloMismatch, Some(bi), format!("the sending server called itself {helo}, but its address belongs to {rdns}"));
                }
            }
        }
    }
    if let Some(date) = identity.date {
        let first_time = hops.iter().find_map(|h| h.timestamp);
        // The recipient's own server's time can be believed; the oldest hop may be forged.
        let delivered = path.delivered_at.or(first_time);
        if let Some(t) = delivered {
            let drift = t - date;
            if drift.abs() > DATE_DRIFT_SECS {
                push(
                    path,
                    AnomalyKind::DateFarFromFirstHop,
                    None,
                    format!(
                        "the Date header is {} {} the time your server received it",
                        human_duration(drift.abs()),
                        if drift > 0 { "before" } else { "after" }
                    ),
                );
            }
        }
        let future_ref = opts.now.or(delivered);
        if let Some(now) = future_ref {
            if date > now + 3600 {
                push(
                    path,
                    AnomalyKind::FutureDate,
                    None,
                    format!(
                        "the Date header is {} in the future",
                        human_duration(date - now)
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_of(raw: &str) -> HeaderPath {
        let msg = mail_parser::MessageParser::default()
            .parse(raw.as_bytes())
            .unwrap();
        let headers = super::super::headers::collect(&msg, raw.as_bytes());
        let id = super::super::identity::extract(&msg, &headers);
        extract(&headers, &id, &Options::default())
    }

    const MICROSOFT: &str = "Received: from BY5PR19MB4036.namprd19.prod.outlook.com (2603:10b6:a03:228::10)\n by MN0PR19MB6312.namprd19.prod.outlook.com with HTTPS; Sat, 29 Jul 2023\n 15:02:20 +0000\nReceived: from MW2NAM12FT041.eop-nam12.prod.protection.outlook.com\n (2603:10b6:303:81:cafe::7a) by BY5PR19MB4036.namprd19.prod.outlook.com\n (2603:10b6:303:81::8) with Microsoft SMTP Server (version=TLS1_2,\n cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.6631.29 via Frontend\n Transport; Sat, 29 Jul 2023 15:02:18 +0000\nAuthentication-Results: spf=pass (sender IP is 209.85.219.43)\n smtp.mailfrom=gmail.com; dkim=pass (signature was verified)\n header.d=gmail.com;dmarc=pass action=none header.from=gmail.com;compauth=pass\n reason=100\nReceived: from mail-qv1-f43.google.com (209.85.219.43) by\n MW2NAM12FT041.mail.protection.outlook.com (10.13.181.1) with Microsoft SMTP\n Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id\n 15.20.6631.39 via Frontend Transport; Sat, 29 Jul 2023 15:02:17 +0000\nReceived: by mail-qv1-f43.google.com with SMTP id 6a1803df08f44-63cf6b21035so20607906d6.1\n        for <someone@example.com>; Sat, 29 Jul 2023 08:02:17 -0700 (PDT)\nReceived: from c4.domain ([20.161.9.51])\n        by smtp.gmail.com with ESMTPSA id b8-20020a0cb3c8000000b0063d60fac482sm133943qvf.97.2023.07.29.08.02.16\n        for <someone@example.com>\n        (version=TLS1_2 cipher=ECDHE-ECDSA-AES128-GCM-SHA256 bits=128/128);\n        Sat, 29 Jul 2023 08:02:16 -0700 (PDT)\nFrom: a@gmail.com\nDate: Sat, 29 Jul 2023 15:02:16 +0000\n\nhi\n";

    #[test]
    fn microsoft_chain_has_its_boundary_at_the_google_hop() {
        let p = path_of(MICROSOFT);
        assert_eq!(p.hops.len(), 5);
        assert_eq!(p.connecting_ip.as_deref(), Some("209.85.219.43"));
        let b = p.boundary.unwrap();
        assert_eq!(
            p.hops[b].by_host.as_deref(),
            Some("mw2nam12ft041.mail.protection.outlook.com")
        );
        assert!(!p.hops[0].trusted);
        assert!(p.hops[4].trusted);
        assert_eq!(p.hops[0].from_ip.as_deref(), Some("20.161.9.51"));
    }

    #[test]
    fn delays_are_honest_and_can_be_negative() {
        let p = path_of(MICROSOFT);
        // 08:02:16 PDT → 08:02:17 PDT: one second.
        assert_eq!(p.hops[1].delay_seconds, Some(1));
        let skew = "Received: from a.example.net (a.example.net [198.51.100.7]) by mx.example.com; Mon, 1 Jan 2024 10:00:00 +0000\nReceived: from b.example.org (b.example.org [203.0.113.9]) by a.example.net; Mon, 1 Jan 2024 10:40:00 +0000\nFrom: x@example.org\n\nhi\n";
        let p = path_of(skew);
        assert_eq!(p.hops[1].delay_seconds, Some(-2400));
        assert!(p
            .anomalies
            .iter()
            .any(|a| a.kind == AnomalyKind::TimeBackwards));
    }

    #[test]
    fn a_step_back_by_whole_hours_is_a_zone_written_wrong_not_time_going_backwards() {
        let slip = "Received: from a.example.net (a.example.net [198.51.100.7]) by mx.example.com; Mon, 1 Jan 2024 10:00:01 +0000\nReceived: from b.example.org (b.example.org [203.0.113.9]) by a.example.net; Mon, 1 Jan 2024 11:00:00 +0000\nFrom: x@example.org\n\nhi\n";
        let p = path_of(slip);
        assert_eq!(p.hops[1].delay_seconds, Some(-3599));
        assert!(!p
            .anomalies
            .iter()
            .any(|a| a.kind == AnomalyKind::TimeBackwards));
    }

    #[test]
    fn unparseable_dates_give_no_delay() {
        let raw = "Received: from a.example.net (a.example.net [198.51.100.7]) by mx.example.com; yesterday-ish\nReceived: from b.example.org ([203.0.113.9]) by a.example.net; Mon, 1 Jan 2024 11:00:00 +0000\nFrom: x@example.org\n\nhi\n";
        let p = path_of(raw);
        assert_eq!(p.hops[1].delay_seconds, None);
    }

    #[test]
    fn postfix_exim_list_chain() {
        let raw = "Received: from mm2.example.net (mm2.example.net [172.104.30.75])\n\tby mail.example.de (Postfix) with ESMTPS id 229FFFBE2\n\tfor <lists@example.de>; Tue, 30 Apr 2019 16:49:42 +0200 (CEST)\nReceived: from [::1] (port=39836 helo=mm2.example.net)\n\tby mm2.example.net with esmtp (Exim 4.91)\n\tid 1hLU4i-0003u2-Vi; Tue, 30 Apr 2019 10:49:40 -0400\nReceived: from mail-pf1-f180.google.com ([209.85.210.180]:41443)\n by mm2.example.net with esmtps (TLSv1.2:ECDHE-RSA-AES128-GCM-SHA256:128)\n (Exim 4.91) id 1hLU4A-0003kk-Qz\n for list@example.net; Tue, 30 Apr 2019 10:49:36 -0400\nFrom: a@example.org\n\nhi\n";
        let p = path_of(raw);
        assert_eq!(p.hops.len(), 3);
        assert_eq!(p.connecting_ip.as_deref(), Some("172.104.30.75"));
        assert_eq!(p.boundary, Some(2));
        assert_eq!(p.hops[0].tls, Some(true));
    }

    #[test]
    fn no_received_headers_means_no_boundary() {
        let p = path_of("From: a@example.org\nSubject: x\n\nhi\n");
        assert!(p.hops.is_empty());
        assert_eq!(p.boundary, None);
    }

    #[test]
    fn private_ip_detection() {
        assert!(is_non_public(&"10.1.2.3".parse().unwrap()));
        assert!(is_non_public(&"::1".parse().unwrap()));
        assert!(is_non_public(&"fd00::1".parse().unwrap()));
        assert!(!is_non_public(&"209.85.219.43".parse().unwrap()));
    }
}
