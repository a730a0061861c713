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
