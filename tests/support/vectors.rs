//! Readers for standards test vectors that carry their own DNS records: "name record"
//! lines (mail-auth, Mail::DKIM) and the ARC test suite's YAML.

use std::path::Path;

use super::dns::Zone;

/// Reads lines of `name record` (whitespace between). Mail::DKIM's special values
/// `NXDOMAIN`, `~~Query timed out~~` and `~~SERVFAIL~~` become the matching behaviour,
/// and `""` an empty TXT record.
pub fn zone_from_lines(text: &str, zone: &mut Zone) -> usize {
    let mut n = 0;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((name, record)) = line.split_once(char::is_whitespace) else {
            continue;
        };
        let record = record.trim();
        match record {
            "NXDOMAIN" => {
                zone.remove(name);
            }
            "~~Query timed out~~" => {
                zone.silent(name);
            }
            "~~SERVFAIL~~" => {
                zone.servfail(name);
            }
            "\"\"" => {
                zone.txt(name, "");
            }
            r => {
                zone.txt(name, r);
            }
        }
        n += 1;
    }
    n
}

/// One ARC validation case.
#[derive(Debug, Clone)]
pub struct ArcCase {
    pub name: String,
    pub message: String,
    /// Expected chain validation: "pass", "fail", "none", or "" when the suite gives none.
    pub cv: String,
    /// The TXT records of the case's document.
    pub records: Vec<(String, String)>,
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Reads a YAML block scalar (`|` keeps lines, `>` folds them) starting at `lines[start]`,
/// more indented than `parent`. Returns the text and the index of the next line.
fn block(lines: &[&str], start: usize, parent: usize, folded: bool) -> (String, usize) {
    let mut i = start;
    let mut body: Vec<&str> = Vec::new();
    let mut width = None;
    while let Some(line) = lines.get(i) {
        if !line.trim().is_empty() && indent(line) <= parent {
            break;
        }
        if !line.trim().is_empty() && width.is_none() {
            width = Some(indent(line));
        }
        body.push(line);
        i += 1;
    }
    let w = width.unwrap_or(parent + 2);
    let mut out: Vec<String> = body
        .iter()
        .map(|l| l.get(w..).unwrap_or("").trim_end_matches('\r').to_string())
        .collect();
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    let text = if folded {
        out.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ")
    } else if out.is_empty() {
        String::new()
    } else {
        out.join("\n") + "\n"
    };
    (text, i)
}

/// Reads a `key: value` where the value may be a block scalar.
fn value(lines: &[&str], i: usize, key_indent: usize, rest: &str) -> (String, usize) {
    let rest = rest.trim();
    if rest.starts_with('|') {
        block(lines, i + 1, key_indent, false)
    } else if rest.starts_with('>') {
        block(lines, i + 1, key_indent, true)
    } else {
        (rest.trim_matches('"').to_string(), i + 1)
    }
}

/// Parses the ARC validation suite (several YAML documents, each with `tests:` and
/// `txt-records:`).
pub fn arc_suite(path: &Path) -> Vec<ArcCase> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let mut cases = Vec::new();
    for doc in text.split("\n---") {
        let lines: Vec<&str> = doc.lines().collect();
        let mut section = "";
        let mut current: Option<ArcCase> = None;
        let mut doc_cases: Vec<ArcCase> = Vec::new();
        let mut records = Vec::new();
        let mut i = 0;
        while let Some(line) = lines.get(i) {
            let ind = indent(line);
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                i += 1;
                continue;
            }
            if ind == 0 {
                let key = trimmed.split(':').next().unwrap_or("");
                section = if key == "tests" || key == "txt-records" {
                    if key == "tests" {
                        "tests"
                    } else {
                        "txt"
                    }
                } else {
                    ""
                };
                let rest = trimmed.split_once(':').map(|(_, r)| r).unwrap_or("");
                // Skip a top-level block value such as `description: >-`.
                let (_, next) = value(&lines, i, 0, rest);
                i = if section.is_empty() { next } else { i + 1 };
                continue;
            }
            let Some((key, rest)) = trimmed.split_once(':') else {
                i += 1;
                continue;
            };
            match (section, ind) {
                ("tests", 2) => {
                    doc_cases.extend(current.take());
                    current = Some(ArcCase {
                        name: key.to_string(),
                        message: String::new(),
                        cv: String::new(),
                        records: Vec::new(),
                    });
                    i += 1;
                }
                ("tests", _) => {
                    let (v, next) = value(&lines, i, ind, rest);
                    if let Some(c) = current.as_mut() {
                        match key {
                            "message" => c.message = v,
                            "cv" => c.cv = v.trim().to_ascii_lowercase(),
                            _ => {}
                        }
                    }
                    i = next;
                }
                ("txt", 2) => {
                    let (v, next) = value(&lines, i, ind, rest);
                    records.push((key.to_string(), v));
                    i = next;
                }
                _ => i += 1,
            }
        }
        doc_cases.extend(current.take());
        for mut c in doc_cases {
            c.records = records.clone();
            cases.push(c);
        }
    }
    cases
}

/// One step of an SPF vector document, in order: records are added as they appear, and
/// each `expect:` runs a check with the HELO name, sender and IP given so far.
#[derive(Debug, Clone)]
pub enum SpfStep {
    /// `kind: name value` with kind spf, exp, a, aaaa, mx or ptr.
    Record {
        kind: String,
        name: String,
        value: String,
    },
    Check {
        title: String,
        helo: String,
        sender: String,
        ip: String,
        /// The result word, and the explanation expected with it (may be empty).
        result: String,
        explanation: String,
    },
}

/// Reads mail-auth's SPF vectors (YAML-like documents separated by `---`).
pub fn spf_documents(text: &str) -> Vec<Vec<SpfStep>> {
    let mut docs = Vec::new();
    for doc in text.split("---\n") {
        let mut steps = Vec::new();
        let (mut title, mut helo, mut sender, mut ip) = (
            String::new(),
            String::new(),
            String::new(),
            "127.0.0.1".to_string(),
        );
        for line in doc.lines() {
            let line = line.trim();
            let line = line.strip_prefix('-').map_or(line, str::trim);
            let Some((key, rest)) = line.split_once(':') else {
                continue;
            };
            let rest = rest.trim();
            match key {
                "name" => title = rest.to_string(),
                "spf" | "exp" | "a" | "aaaa" | "mx" | "ptr" => {
                    if let Some((name, value)) = rest.split_once(' ') {
                        steps.push(SpfStep::Record {
                            kind: key.to_string(),
                            name: name.trim().to_string(),
                            value: value.trim().to_string(),
                        });
                    }
                }
                "domain" => helo = rest.to_string(),
                "sender" => sender = rest.to_string(),
                "ip" => ip = rest.to_string(),
                "expect" => {
                    let (result, explanation) = rest.split_once(' ').unwrap_or((rest, ""));
                    steps.push(SpfStep::Check {
                        title: title.clone(),
                        helo: helo.clone(),
                        sender: sender.clone(),
                        ip: ip.clone(),
                        result: result.trim().to_ascii_lowercase(),
                        explanation: explanation.trim().to_string(),
                    });
                }
                _ => {}
            }
        }
        docs.push(steps);
    }
    docs
}

/// One case of the OpenSPF test suite.
#[derive(Debug, Clone)]
pub struct OpenSpfCase {
    pub name: String,
    pub helo: String,
    pub host: String,
    pub mailfrom: String,
    /// Acceptable results (the suite sometimes allows two).
    pub results: Vec<String>,
}

/// One record of an OpenSPF zone: its type and its value(s) as raw bytes.
#[derive(Debug, Clone)]
pub struct OpenSpfRecord {
    pub owner: String,
    pub rtype: String,
    pub values: Vec<Vec<u8>>,
}

/// One document of the OpenSPF suite: its cases and its zone.
#[derive(Debug, Clone, Default)]
pub struct OpenSpfDoc {
    pub cases: Vec<OpenSpfCase>,
    pub zone: Vec<OpenSpfRecord>,
}

/// A YAML double-quoted string's escapes (\xNN, \\, \", \n, \t, \r, \0) as bytes.
fn unescape_double(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b != b'\\' {
            out.push(b);
            i += 1;
            continue;
        }
        match bytes.get(i + 1) {
            Some(b'x') => {
                let hex = s.get(i + 2..i + 4).unwrap_or("");
                out.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
                i += 4;
            }
            Some(b'n') => {
                out.push(b'\n');
                i += 2;
            }
            Some(b't') => {
                out.push(b'\t');
                i += 2;
            }
            Some(b'r') => {
                out.push(b'\r');
                i += 2;
            }
            Some(b'0') => {
                out.push(0);
                i += 2;
            }
            Some(&c) => {
                out.push(c);
                i += 2;
            }
            None => i += 1,
        }
    }
    out
}

/// A scalar: quoted (either kind) or plain.
fn scalar(s: &str) -> Vec<u8> {
    let t = s.trim();
    if let Some(inner) = t.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        unescape_double(inner)
    } else if let Some(inner) = t.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
        inner.replace("''", "'").into_bytes()
    } else {
        t.as_bytes().to_vec()
    }
}

/// A value that may be a flow list `[a, b]`; items split outside quotes.
fn values(s: &str) -> Vec<Vec<u8>> {
    let t = s.trim();
    let Some(inner) = t.strip_prefix('[').and_then(|r| r.strip_suffix(']')) else {
        return vec![scalar(t)];
    };
    let mut items = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for c in inner.chars() {
        match quote {
            Some(q) if c == q && prev != '\\' => quote = None,
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == ',' => {
                items.push(std::mem::take(&mut cur));
                prev = c;
                continue;
            }
            _ => {}
        }
        cur.push(c);
        prev = c;
    }
    items.push(cur);
    items
        .iter()
        .filter(|i| !i.trim().is_empty())
        .map(|i| scalar(i))
        .collect()
}

/// Parses the OpenSPF YAML suite (rfc7208-tests.yml and friends).
pub fn openspf_suite(text: &str) -> Vec<OpenSpfDoc> {
    let mut docs = Vec::new();
    for chunk in text.split("\n---") {
        let mut doc = OpenSpfDoc::default();
        let mut section = "";
        let mut current: Option<OpenSpfCase> = None;
        let mut owner = String::new();
        for line in chunk.lines() {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let ind = indent(line);
            if ind == 0 {
                section = match trimmed.split(':').next().unwrap_or("") {
                    "tests" => "tests",
                    "zonedata" => "zone",
                    _ => "",
                };
                continue;
            }
            match (section, ind) {
                ("tests", 2) => {
                    doc.cases.extend(current.take());
                    current = Some(OpenSpfCase {
                        name: trimmed.trim_end_matches(':').to_string(),
                        helo: String::new(),
                        host: String::new(),
                        mailfrom: String::new(),
                        results: Vec::new(),
                    });
                }
                ("tests", 4) => {
                    let (Some(c), Some((key, rest))) = (current.as_mut(), trimmed.split_once(':'))
                    else {
                        continue;
                    };
                    let text = |v: &str| String::from_utf8_lossy(&scalar(v)).to_string();
                    match key {
                        "helo" => c.helo = text(rest),
                        "host" => c.host = text(rest),
                        "mailfrom" => c.mailfrom = text(rest),
                        "result" => {
                            c.results = values(rest)
                                .iter()
                                .map(|v| String::from_utf8_lossy(v).trim().to_ascii_lowercase())
                                .collect();
                        }
                        _ => {}
                    }
                }
                ("zone", 2) => {
                    owner =
                        String::from_utf8_lossy(&scalar(trimmed.trim_end_matches(':'))).to_string()
                }
                ("zone", _) => {
                    let item = trimmed.trim_start_matches('-').trim();
                    let Some((rtype, rest)) = item.split_once(':') else {
                        // A bare `- TIMEOUT` style flag.
                        doc.zone.push(OpenSpfRecord {
                            owner: owner.clone(),
                            rtype: item.to_string(),
                            values: Vec::new(),
                        });
                        continue;
                    };
                    doc.zone.push(OpenSpfRecord {
                        owner: owner.clone(),
                        rtype: rtype.trim().to_string(),
                        values: values(rest),
                    });
                }
                _ => {}
            }
        }
        doc.cases.extend(current.take());
        if !doc.cases.is_empty() {
            docs.push(doc);
        }
    }
    docs
}
