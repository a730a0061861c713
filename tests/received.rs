//! The Received parser against a table of real lines whose every field was read by hand
//! (`tests/received/lines.toml`). Prints how many lines agree on each field, and fails on
//! any disagreement, naming the line and the field.

use std::collections::BTreeMap;

use mailsleuth::analysis::knowledge::operators;
use mailsleuth::analysis::received::{parse, ReceivedDate};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    line: Vec<Line>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    source: String,
    #[serde(default)]
    synthetic: bool,
    raw: String,
    from: Option<String>,
    helo: Option<String>,
    rdns: Option<String>,
    ip: Option<String>,
    port: Option<u16>,
    ident: Option<String>,
    auth_note: Option<String>,
    by: Option<String>,
    via: Option<String>,
    with: Option<String>,
    id: Option<String>,
    #[serde(rename = "for")]
    for_addr: Option<String>,
    tls: Option<bool>,
    time: Option<String>,
    date_unread: Option<String>,
    operator: Option<String>,
}

fn table() -> Table {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/received/lines.toml");
    let text = std::fs::read_to_string(path).expect("read tests/received/lines.toml");
    toml::from_str(&text).expect("tests/received/lines.toml is valid")
}

/// (field, expected, actual) for every field of one line.
fn compare(l: &Line) -> Vec<(&'static str, Option<String>, Option<String>)> {
    let r = parse(&l.raw);
    let date_unread = match &r.date {
        ReceivedDate::Unreadable(t) => Some(t.clone()),
        _ => None,
    };
    let operator =
        r.by.as_deref()
            .and_then(operators::by_host)
            .map(|o| o.name.clone());
    vec![
        ("from", l.from.clone(), r.from.clone()),
        ("helo", l.helo.clone(), r.helo.clone()),
        ("rdns", l.rdns.clone(), r.rdns.clone()),
        ("ip", l.ip.clone(), r.ip.map(|i| i.to_string())),
        (
            "port",
            l.port.map(|p| p.to_string()),
            r.port.map(|p| p.to_string()),
        ),
        ("ident", l.ident.clone(), r.ident.clone()),
        ("auth_note", l.auth_note.clone(), r.auth_note.clone()),
        ("by", l.by.clone(), r.by.clone()),
        ("via", l.via.clone(), r.via.clone()),
        ("with", l.with.clone(), r.with.clone()),
        ("id", l.id.clone(), r.id.clone()),
        ("for", l.for_addr.clone(), r.for_addr.clone()),
        (
            "tls",
            l.tls.map(|t| t.to_string()),
            r.tls.map(|t| t.to_string()),
        ),
        ("time", l.time.clone(), r.time_rfc3339()),
        ("date_unread", l.date_unread.clone(), date_unread),
        ("operator", l.operator.clone(), operator),
    ]
}

#[test]
fn every_field_of_every_line_in_the_table_is_read_right() {
    let t = table();
    assert!(t.line.len() >= 200, "the table has {} lines", t.line.len());
    let mut agree: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut all_right = 0;
    for l in &t.line {
        let mut line_ok = true;
        for (field, want, got) in compare(l) {
            let e = agree.entry(field).or_default();
            e.1 += 1;
            if want == got {
                e.0 += 1;
            } else {
                line_ok = false;
                failures.push(format!(
                    "{} ({}): {field}: expected {want:?}, read {got:?}\n    {}",
                    l.source,
                    if l.synthetic { "synthetic" } else { "real" },
                    l.raw
                ));
            }
        }
        all_right += usize::from(line_ok);
    }
    println!("{} lines, {all_right} with every field right", t.line.len());
    for (field, (ok, n)) in &agree {
        println!("  {field:<12} {ok:>4}/{n}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_table_covers_every_class_of_line_the_parser_must_handle() {
    let t = table();
    let raws: Vec<String> = t.line.iter().map(|l| l.raw.to_ascii_lowercase()).collect();
    let has = |needle: &str| raws.iter().any(|r| r.contains(needle));
    for needle in [
        "from userid",
        "invoked from network",
        "(from ",
        "authenticated sender:",
        "with http",
        "with lmtp",
        "fetchmail",
        "getmail",
        "ipv6:",
        "::ffff:",
        "helo=",
        "(helo ",
        "ident=",
        "may be forged",
        "microsoft smtp server",
        "microsoft smtpsvc",
        "with mapi",
        "exim",
        "postfix",
        "qmail",
    ] {
        assert!(has(needle), "no line with {needle:?}");
    }
    let operators_seen: Vec<&str> = t
        .line
        .iter()
        .filter_map(|l| l.operator.as_deref())
        .collect();
    for op in [
        "Microsoft 365 / Outlook.com",
        "Google",
        "Yahoo / AOL",
        "iCloud Mail",
        "Proton Mail",
        "Zoho Mail",
        "Fastmail",
        "Amazon SES",
        "Mailgun",
        "Mimecast",
        "Proofpoint",
        "Barracuda",
        "Cisco Secure Email",
    ] {
        assert!(operators_seen.contains(&op), "no line run by {op}");
    }
    assert!(t.line.iter().any(|l| l.date_unread.is_some()));
    let real = t.line.iter().filter(|l| !l.synthetic).count();
    assert!(real >= 150, "only {real} real lines");
}
