//! One `Received` header value → its clauses (from, by, via, with, id, for), the sending
//! side's HELO name, verified reverse-DNS name, address, ident user and login note, and
//! its date. Works on the raw value; comments are kept apart from clauses, so a word such
//! as "from" inside `(Postfix, from userid 1001)` is never read as a clause.
//!
//! Servers disagree on what the first name after `from` means: Postfix, Sendmail and
//! Gmail write the HELO name there and the verified name in the comment; qmail and
//! Cisco write the verified name first and the HELO in `(HELO …)`; Exim writes the
//! verified name first and `helo=` in the comment. The reading below follows the marks
//! each of them leaves, and when the marks do not say, it reports a HELO and no verified
//! name: a claim shown as a claim is the safe mistake.

use std::borrow::Cow;
use std::net::IpAddr;

/// What one Received line says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Received {
    /// The host named right after `from`, as written (lowercased, trailing dot dropped).
    pub from: Option<String>,
    /// The name the sending server gave in HELO/EHLO: its own claim.
    pub helo: Option<String>,
    /// The name the receiving server found for the address (reverse DNS): its lookup.
    pub rdns: Option<String>,
    /// The connecting address, normalised (IPv4-mapped IPv6 and `ip.port` forms → IPv4).
    pub ip: Option<IpAddr>,
    pub port: Option<u16>,
    /// The user named by an ident lookup or a qmail/Sendmail `user@host` note.
    pub ident: Option<String>,
    /// A login note such as `Authenticated sender: x`, as written. The name in it is the
    /// account the sender logged in with, chosen by the sender, not a checked server name.
    pub auth_note: Option<String>,
    pub by: Option<String>,
    pub via: Option<String>,
    /// The `with` clause as written ("ESMTPS", "Microsoft SMTP Server", "HTTP").
    pub with: Option<String>,
    /// The transmission type in a fixed spelling ("ESMTPS", "SMTP", "HTTPS", "LMTP").
    pub protocol: Option<String>,
    pub id: Option<String>,
    /// The recipient named in `for`, without angle brackets.
    pub for_addr: Option<String>,
    /// true when the line says the connection was encrypted, false when it names a plain
    /// SMTP/LMTP transmission type, None when it does not say.
    pub tls: Option<bool>,
    pub tls_version: Option<String>,
    pub date: ReceivedDate,
}

/// The date part of a Received line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ReceivedDate {
    /// The line carries no date.
    #[default]
    Missing,
    /// Read: Unix seconds and the writer's UTC offset in minutes.
    Read { timestamp: i64, offset_minutes: i32 },
    /// There is a date, but it could not be read; kept as written.
    Unreadable(String),
}

impl Received {
    /// The line holds none of the clauses and is not a comment-only
    /// note (qmail writes `(qmail 123 invoked from network)` by design).
    pub fn is_unparsed(&self, raw: &str) -> bool {
        self.from.is_none()
            && self.by.is_none()
            && self.via.is_none()
            && self.with.is_none()
            && self.id.is_none()
            && self.for_addr.is_none()
            && self.ip.is_none()
            && !raw.trim_start().starts_with('(')
    }

    /// The date as written, when there is one that could be read or not.
    pub fn timestamp(&self) -> Option<i64> {
        match self.date {
            ReceivedDate::Read { timestamp, .. } => Some(timestamp),
            _ => None,
        }
    }

    /// The date as RFC 3339 in the writer's own offset (`Z` for UTC).
    pub fn time_rfc3339(&self) -> Option<String> {
        match self.date {
            ReceivedDate::Read {
                timestamp,
                offset_minutes,
            } => Some(rfc3339(timestamp, offset_minutes)),
            _ => None,
        }
    }
}

/// One token, borrowed from the line (a comment with backslash escapes is copied, resolved).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok<'a> {
    Word(&'a str),
    Comment(Cow<'a, str>),
    Literal(&'a str),
    Angle(&'a str),
    Semi,
}

/// Splits text into words, `(comments)`, `[literals]`, `<angles>` and semicolons, each with
/// its byte offset.
fn tokenize(s: &str) -> Vec<(usize, Tok<'_>)> {
    let mut out = Vec::new();
    let mut at = 0usize;
    while let Some(c) = s.get(at..).and_then(|r| r.chars().next()) {
        let start = at;
        let rest = s.get(at + c.len_utf8()..).unwrap_or("");
        match c {
            c if c.is_whitespace() => at += c.len_utf8(),
            '(' => {
                // Nested parentheses stay in the text; a backslash keeps the next character.
                let mut depth = 1usize;
                let mut escaped = false;
                // Where the closing parenthesis is; an unclosed comment runs to the end.
                let mut end = rest.len();
                let mut chars = rest.char_indices();
                while let Some((i, c)) = chars.next() {
                    match c {
                        '\\' => {
                            escaped = true;
                            chars.next();
                        }
                        '(' => depth += 1,
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                end = i;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                let inner = rest.get(..end).unwrap_or("");
                let text = if escaped {
                    Cow::Owned(unescape_comment(inner).trim().to_string())
                } else {
                    Cow::Borrowed(inner.trim())
                };
                // Past the closing parenthesis (one byte), if there is one.
                at = start + 1 + (end + 1).min(rest.len());
                out.push((start, Tok::Comment(text)));
            }
            '[' => {
                let (inner, after) = match rest.find(']') {
                    Some(i) => (rest.get(..i).unwrap_or(""), i + 1),
                    None => (rest, rest.len()),
                };
                at = start + 1 + after;
                out.push((start, Tok::Literal(inner.trim())));
            }
            '<' => {
                let (inner, mut after) = match rest.find('>') {
                    Some(i) => (rest.get(..i).unwrap_or(""), i + 1),
                    None => (rest, rest.len()),
                };
                // `<"name" <x@example.org>>`: the innermost address is the one.
                let inner = inner.rsplit('<').next().unwrap_or(inner);
                // `<<x@example.org>>`: swallow the extra closing brackets too.
                while rest.as_bytes().get(after) == Some(&b'>') {
                    after += 1;
                }
                at = start + 1 + after;
                out.push((start, Tok::Angle(inner.trim())));
            }
            ';' => {
                at += 1;
                out.push((start, Tok::Semi));
            }
            _ => {
                let word = s.get(start..).unwrap_or("");
                let mut quoted = false;
                let mut end = word.len();
                for (i, c) in word.char_indices() {
                    if c == '"' {
                        quoted = !quoted;
                    } else if !quoted && (c.is_whitespace() || matches!(c, '(' | '[' | ';' | '<')) {
                        end = i;
                        break;
                    }
                }
                at = start + end;
                out.push((start, Tok::Word(word.get(..end).unwrap_or(""))));
            }
        }
    }
    out
}

/// A comment's text with its backslash escapes resolved (`\(` is a parenthesis).
fn unescape_comment(inner: &str) -> String {
    let mut text = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                text.push(n);
            }
        } else {
            text.push(c);
        }
    }
    text
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Clause {
    From,
    By,
    Via,
    With,
    Id,
    For,
}

fn clause_of(word: &str) -> Option<Clause> {
    [
        ("from", Clause::From),
        ("by", Clause::By),
        ("via", Clause::Via),
        ("with", Clause::With),
        ("id", Clause::Id),
        ("for", Clause::For),
    ]
    .into_iter()
    .find(|(name, _)| word.eq_ignore_ascii_case(name))
    .map(|(_, c)| c)
}

/// The tokens of one clause: its value words and the comments and literals after it.
#[derive(Default)]
struct Part<'a> {
    seen: bool,
    words: Vec<Tok<'a>>,
    comments: Vec<Cow<'a, str>>,
    literals: Vec<&'a str>,
}

/// Parses one Received header value (unfolded or not).
pub fn parse(raw: &str) -> Received {
    // Some gateways wrap the whole value in brackets: `[from a (a [ip]) by b …; date]`.
    let inner = raw.trim();
    let raw = match inner.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
        Some(s) if s.trim_start().to_ascii_lowercase().starts_with("from ") => s,
        _ => raw,
    };
    let toks = tokenize(raw);
    let (clause_toks, date) = split_date(raw, &toks);

    let mut parts: [Part; 6] = Default::default();
    let mut leading: Vec<Cow<'_, str>> = Vec::new();
    let mut current: Option<Clause> = None;
    for tok in clause_toks {
        if let Tok::Word(w) = tok {
            if let Some(c) = clause_of(w) {
                let Some(part) = parts.get_mut(c as usize) else {
                    continue;
                };
                // A clause keyword seen twice ("by uid 502") keeps the first value.
                if !part.seen {
                    part.seen = true;
                    current = Some(c);
                } else {
                    current = None;
                }
                continue;
            }
        }
        let Some(c) = current else {
            if let Tok::Comment(t) = tok {
                leading.push(t.clone());
            }
            continue;
        };
        let Some(part) = parts.get_mut(c as usize) else {
            continue;
        };
        match tok {
            Tok::Comment(t) => part.comments.push(t.clone()),
            Tok::Literal(l) if !part.words.is_empty() => part.literals.push(l),
            Tok::Semi => {}
            other => {
                let multi = matches!(c, Clause::From | Clause::With | Clause::Via);
                // Words after a comment belong to the TCP-info, not to the name.
                if part.words.is_empty() || (multi && part.comments.is_empty()) {
                    part.words.push(other.clone());
                }
            }
        }
    }
    let [from, by, via, with, id, for_] = parts;

    let mut r = Received {
        date,
        ..Received::default()
    };
    r.by = first_host(&by.words);
    r.via = joined(&via.words);
    r.with = joined(&with.words);
    r.id = id.words.first().map(tok_text).filter(|s| !s.is_empty());
    r.for_addr = for_
        .words
        .first()
        .map(tok_text)
        .map(|s| s.trim_end_matches([',', ';']).to_string())
        .filter(|s| !s.is_empty());
    r.protocol = r.with.as_deref().and_then(protocol_of);

    let all_comments: Vec<&str> = leading
        .iter()
        .chain(&from.comments)
        .chain(&by.comments)
        .chain(&with.comments)
        .chain(&via.comments)
        .chain(&id.comments)
        .chain(&for_.comments)
        .map(|c| c.as_ref())
        .collect();
    let software: Vec<&str> = by
        .comments
        .iter()
        .chain(&with.comments)
        .map(|c| c.as_ref())
        .collect();
    read_from(&mut r, &from, &software);
    if r.auth_note.is_none() {
        r.auth_note = all_comments.iter().find_map(|c| auth_note_of(c));
    }
    let (tls, version) = tls_of(raw, r.protocol.as_deref(), r.with.as_deref());
    r.tls = tls;
    r.tls_version = version;
    r
}

fn tok_text(t: &Tok) -> String {
    match t {
        Tok::Word(w) => w.to_string(),
        Tok::Literal(l) => format!("[{l}]"),
        Tok::Angle(a) => a.to_string(),
        Tok::Comment(c) => c.to_string(),
        Tok::Semi => String::new(),
    }
}

fn joined(words: &[Tok]) -> Option<String> {
    let s = words.iter().map(tok_text).collect::<Vec<_>>().join(" ");
    let s = s.trim().to_string();
    (!s.is_empty()).then_some(s)
}

fn clean_host(s: &str) -> String {
    s.trim()
        .trim_end_matches([',', ';'])
        .trim_end_matches('.')
        .to_ascii_lowercase()
}

fn first_host(words: &[Tok]) -> Option<String> {
    let h = match words.first()? {
        Tok::Literal(l) => format!("[{}]", l.to_ascii_lowercase()),
        other => clean_host(&tok_text(other)),
    };
    (!h.is_empty()).then_some(h)
}

/// Splits off the date: the text after the last top-level `;`, or, for the servers that
/// write no `;`, the longest tail of the line that reads as a date.
fn split_date<'a, 't>(raw: &str, toks: &'a [(usize, Tok<'t>)]) -> (Vec<&'a Tok<'t>>, ReceivedDate) {
    let semis: Vec<usize> = toks
        .iter()
        .enumerate()
        .filter(|(_, (_, t))| *t == Tok::Semi)
        .map(|(i, _)| i)
        .collect();
    // Text after a `;` that is only comments (or nothing) is no date: look further back.
    for &si in semis.iter().rev() {
        let rest = toks.get(si + 1..).unwrap_or_default();
        if rest
            .iter()
            .all(|(_, t)| matches!(t, Tok::Comment(_) | Tok::Semi))
        {
            continue;
        }
        // `…; id X`: a `;` between clauses, not before the date.
        if let Some((_, Tok::Word(w))) = rest.first() {
            if clause_of(w).is_some() {
                continue;
            }
        }
        let Some(&(start, _)) = toks.get(si) else {
            continue;
        };
        let end = semis
            .iter()
            .find(|&&s| s > si)
            .and_then(|&s| toks.get(s))
            .map(|(o, _)| *o)
            .unwrap_or(raw.len());
        let text = raw.get(start + 1..end).unwrap_or_default().trim();
        let clauses = toks
            .get(..si)
            .unwrap_or_default()
            .iter()
            .map(|(_, t)| t)
            .collect();
        let date = match parse_date(text) {
            Some((timestamp, offset_minutes)) => ReceivedDate::Read {
                timestamp,
                offset_minutes,
            },
            None => ReceivedDate::Unreadable(text.to_string()),
        };
        return (clauses, date);
    }
    let all: Vec<&Tok> = toks.iter().map(|(_, t)| t).collect();
    for (i, (start, tok)) in toks.iter().enumerate() {
        let Tok::Word(w) = tok else { continue };
        if !could_start_date(w) {
            continue;
        }
        let text = raw.get(*start..).unwrap_or_default();
        // Dates are short; trying every word of a long line would cost quadratic time.
        if text.len() > MAX_DATE_LEN {
            continue;
        }
        if let Some((timestamp, offset_minutes)) = parse_date(text) {
            let clauses = all.get(..i).unwrap_or_default().to_vec();
            return (
                clauses,
                ReceivedDate::Read {
                    timestamp,
                    offset_minutes,
                },
            );
        }
    }
    (all, ReceivedDate::Missing)
}

/// Longest tail of a `;`-less line tried as a date.
const MAX_DATE_LEN: usize = 160;

fn could_start_date(w: &str) -> bool {
    let l = w.to_ascii_lowercase();
    l.starts_with(|c: char| c.is_ascii_digit()) || weekday(&l) || month_of(&l).is_some()
}

/// Reads the `from` clause and its TCP-info into HELO, reverse DNS, address and ident.
fn read_from(r: &mut Received, from: &Part, software: &[&str]) {
    if !from.seen {
        return;
    }
    // The first value is the host; `from mail pickup service` is a phrase, not a host.
    let name_tok = from.words.first();
    // `from [ip]:port (HELO x)`: the port belongs to the address, it is no second word.
    let port_word = match from.words.get(1) {
        Some(Tok::Word(w)) if from.words.len() == 2 => {
            w.strip_prefix(':').and_then(|p| p.parse::<u16>().ok())
        }
        _ => None,
    };
    let phrase = from.words.len() > 1 && port_word.is_none();
    let from_text = match name_tok {
        Some(Tok::Literal(l)) => Some(format!("[{}]", l.to_ascii_lowercase())),
        Some(Tok::Angle(a)) => Some(clean_host(a)),
        Some(_) if phrase => joined(&from.words).map(|s| s.to_ascii_lowercase()),
        Some(t) => Some(clean_host(&tok_text(t))),
        None => None,
    }
    .filter(|s| !s.is_empty());
    r.from = from_text.clone();
    let from_ip = match name_tok {
        Some(Tok::Literal(l)) => ip_and_port(l),
        Some(Tok::Word(w)) if !phrase => ip_and_port(w),
        _ => None,
    };

    let mut kv_helo: Option<String> = None;
    let mut kv_ident: Option<String> = None;
    let mut kv_port: Option<u16> = None;
    let mut exim = false;
    let mut helo_note: Option<String> = None;
    let mut info: Option<TcpInfo> = None;
    let mut name_only: Option<String> = None;
    let mut verified = false;
    for c in &from.comments {
        if let Some(note) = auth_note_of(c) {
            r.auth_note.get_or_insert(note);
            // Communigate writes `(account x HELO y)`: the HELO after it still counts.
        }
        let sub = tokenize(c);
        let words: Vec<&str> = sub
            .iter()
            .filter_map(|(_, t)| match t {
                Tok::Word(w) => Some(*w),
                _ => None,
            })
            .collect();
        for w in &words {
            let lw = w.to_ascii_lowercase();
            if let Some(v) = lw.strip_prefix("helo=").filter(|v| !v.is_empty()) {
                kv_helo = Some(clean_host(v));
                exim = true;
            } else if let Some(v) = w.strip_prefix("ident=").or(w.strip_prefix("IDENT=")) {
                kv_ident = Some(v.to_string());
                exim = true;
            } else if let Some(v) = lw.strip_prefix("port=") {
                kv_port = v.parse().ok();
                exim = true;
            }
        }
        for pair in words.windows(2) {
            if let [k, v] = pair {
                if k.eq_ignore_ascii_case("helo") || k.eq_ignore_ascii_case("ehlo") {
                    helo_note = Some(clean_host(v));
                }
            }
        }
        // `(HELO [10.0.0.1])` and Exim's `(helo=[10.0.0.1])`: the HELO was an address literal.
        let mut prev: Option<&str> = None;
        for (_, t) in &sub {
            match t {
                Tok::Word(w) => prev = Some(*w),
                Tok::Literal(l) => {
                    let lit = format!("[{}]", l.to_ascii_lowercase());
                    match prev.map(str::to_ascii_lowercase).as_deref() {
                        Some("helo" | "ehlo") if helo_note.is_none() => helo_note = Some(lit),
                        Some("helo=") => {
                            kv_helo = Some(lit);
                            exim = true;
                        }
                        _ => {}
                    }
                    prev = None;
                }
                _ => prev = None,
            }
        }
        let lc = c.to_ascii_lowercase();
        if lc.split_whitespace().any(|w| w == "verified") {
            verified = true;
        }
        if info.is_none() && !is_note(&lc) {
            match tcp_info(&sub) {
                Some(i) => info = Some(i),
                None => {
                    if name_only.is_none() && words.len() == 1 {
                        name_only = words
                            .first()
                            .filter(|w| looks_like_host(w))
                            .map(|w| clean_host(w));
                    }
                }
            }
        }
    }
    // Exim 3 and others put the literal after the comment: `from a (b) [ip.port]`.
    let outer_ip = from.literals.iter().find_map(|l| ip_and_port(l));
    // Exim 4 writes `[ip]:port`; an `ip.port` inside the brackets is no such mark.
    let exim = exim
        || info.as_ref().is_some_and(|i| i.colon_port)
        || software
            .iter()
            .any(|c| c.to_ascii_lowercase().contains("exim"));

    let with_lower = r.with.as_deref().unwrap_or_default().to_ascii_lowercase();
    let microsoft = with_lower.starts_with("microsoft") || with_lower == "mapi";
    // Web, mailbox-fetch and local submissions have no SMTP greeting, so no HELO.
    let sends_helo =
        !r.protocol.as_deref().is_some_and(|p| {
            p.starts_with("HTTP") || matches!(p, "IMAP" | "POP3" | "Local" | "MAPI")
        }) && !phrase;
    let from_is_ip = from_ip.is_some();
    let name = from_text.clone().filter(|n| !n.is_empty());
    let unknownish = |n: &str| {
        matches!(
            n,
            "unknown" | "softdnserr" | "unverified" | "may" | "no-reverse-dns" | "unavailable"
        )
    };

    let mut helo: Option<String> = None;
    let mut rdns: Option<String> = None;
    if let Some(h) = kv_helo.clone() {
        // Exim: the first item is the verified name (or the address), helo= the claim.
        helo = Some(h);
        if !from_is_ip {
            rdns = name.clone();
        }
    } else if let Some(h) = helo_note.clone() {
        // qmail, Cisco and Communigate: the verified name (or "unknown") first.
        helo = Some(h);
        if !from_is_ip {
            rdns = name.clone();
        }
    } else if let (Some(n), Some(_), None) = (&name_only, &outer_ip, &info) {
        // Exim 3: `from rdns (helo) [ip.port]`.
        rdns = name.clone();
        helo = Some(n.clone());
    } else if exim {
        if !from_is_ip {
            rdns = name.clone();
            helo = name.clone();
        }
    } else if let Some(i) = &info {
        if let Some(n) = &i.name {
            // Postfix, Sendmail, Gmail: `helo (rdns [ip])`.
            helo = name.clone();
            rdns = Some(n.clone());
        } else if !i.bracketed && !microsoft && !from_is_ip && qmail_like(r, i) {
            // qmail: `rdns (ip)` or `rdns (user@ip)`, HELO left out because it matched.
            rdns = name.clone();
            helo = name.clone();
        } else {
            helo = name.clone();
            if verified && !from_is_ip {
                rdns = name.clone();
            }
        }
    } else {
        helo = name.clone();
        if let Some(n) = &name_only {
            rdns = Some(n.clone());
        }
    }
    if !sends_helo {
        helo = None;
    }
    // A bare address after `from` (webmail, Yahoo, Hotmail) is the client, not a HELO
    // unless it was written as a literal.
    if matches!(name_tok, Some(Tok::Word(_)))
        && from_is_ip
        && info.is_none()
        && kv_helo.is_none()
        && helo.as_deref() == from_text.as_deref()
    {
        helo = None;
    }
    // A spool path ("EMS-SRV0/SpoolDir") or a phrase is no greeting name.
    r.helo = helo.filter(|h| !h.is_empty() && !unknownish(h) && !h.contains(['/', ' ']));
    r.rdns = rdns.filter(|h| {
        !h.is_empty() && !unknownish(h) && h.parse::<IpAddr>().is_err() && !h.starts_with('[')
    });
    let (ip, port, ident) = match (&info, outer_ip, from_ip) {
        (Some(i), _, _) if i.ip.is_some() => (i.ip, i.port, i.ident.clone()),
        (_, Some((ip, port)), _) => (Some(ip), port, None),
        (_, _, Some((ip, port))) => (Some(ip), port, None),
        (Some(i), _, _) => (None, None, i.ident.clone()),
        _ => (None, None, None),
    };
    r.ip = ip;
    r.port = kv_port.or(port).or(port_word);
    r.ident = kv_ident.or(ident);
}

/// A comment that carries a note, never the TCP-info.
fn is_note(lc: &str) -> bool {
    const NOTES: &[&str] = &[
        "authenticated",
        "auth:",
        "account ",
        "using tls",
        "using ssl",
        "no client certificate",
        "client did not present",
        "client certificate",
        "envelope-from",
        "envelope-sender",
        "helo=",
        "ident=",
        "port=",
        "sasl",
        "not verified",
    ];
    NOTES.iter().any(|n| lc.starts_with(n)) || lc.starts_with("helo ") || lc.starts_with("ehlo ")
}

/// qmail's `(ip)` with no brackets: told apart from Microsoft's identical-looking form by
/// qmail's habits (an ident user, a `-0000` date without weekday, or "unknown").
fn qmail_like(r: &Received, i: &TcpInfo) -> bool {
    if i.ident.is_some() || r.from.as_deref() == Some("unknown") {
        return true;
    }
    let with = r.with.as_deref().unwrap_or_default().to_ascii_uppercase();
    let plain = matches!(
        with.as_str(),
        "SMTP" | "ESMTP" | "QMQP" | "ESMTPA" | "SMTPA"
    ) || with.ends_with(" SMTP");
    plain && r.by.is_some()
}

/// The address part of a from-clause comment.
struct TcpInfo {
    /// The reverse-DNS name written beside the address ("unknown" kept as written).
    name: Option<String>,
    ip: Option<IpAddr>,
    port: Option<u16>,
    ident: Option<String>,
    /// The address was written in brackets (Postfix, Sendmail, Exim), not bare (qmail, Microsoft).
    bracketed: bool,
    /// The port followed the brackets as `[ip]:port`, as Exim 4 writes it.
    colon_port: bool,
}

fn tcp_info(sub: &[(usize, Tok)]) -> Option<TcpInfo> {
    let mut name: Option<String> = None;
    let mut ident: Option<String> = None;
    let mut iter = sub.iter().map(|(_, t)| t).peekable();
    while let Some(t) = iter.next() {
        match t {
            Tok::Literal(l) => {
                let (ip, mut port) = match ip_and_port(l) {
                    Some((ip, port)) => (Some(ip), port),
                    None => (None, None),
                };
                ip?;
                // `[ip]:port`
                let mut colon_port = false;
                if let Some(Tok::Word(w)) = iter.peek() {
                    if let Some(p) = w.strip_prefix(':').and_then(|p| p.parse().ok()) {
                        port = Some(p);
                        colon_port = true;
                    }
                }
                return Some(TcpInfo {
                    name,
                    ip,
                    port,
                    ident,
                    bracketed: true,
                    colon_port,
                });
            }
            // Sendmail: `(IDENT:user@[ip])`, an ident user and no verified name.
            Tok::Word(w) if w.ends_with('@') && name.is_none() => {
                ident = Some(strip_ident_tag(w.trim_end_matches('@')).to_string());
            }
            Tok::Word(w) => {
                let (user, host) = match w.rsplit_once('@') {
                    Some((u, h)) => (Some(strip_ident_tag(u).to_string()), h),
                    None => (None, *w),
                };
                if let Some((ip, port)) = ip_and_port(host) {
                    return Some(TcpInfo {
                        name,
                        ip: Some(ip),
                        port,
                        ident: user.or(ident),
                        bracketed: false,
                        colon_port: false,
                    });
                }
                if name.is_none() && looks_like_host(host) {
                    name = Some(clean_host(host));
                    ident = user;
                } else if name.is_some() {
                    // "may be forged", "unverified" and such after the name.
                    continue;
                } else {
                    return None;
                }
            }
            _ => {}
        }
    }
    None
}

/// Sendmail writes ident users as `IDENT:user`.
fn strip_ident_tag(u: &str) -> &str {
    u.strip_prefix("IDENT:")
        .or_else(|| u.strip_prefix("ident:"))
        .unwrap_or(u)
}

fn looks_like_host(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// An address written as `1.2.3.4`, `IPv6:…`, `::ffff:1.2.3.4`, `1.2.3.4.port`,
/// `1.2.3.4:port`, `fe80::1%4`; IPv4-mapped IPv6 becomes IPv4.
pub fn ip_and_port(s: &str) -> Option<(IpAddr, Option<u16>)> {
    let s = s.trim().trim_matches(|c| c == '[' || c == ']');
    let s = s
        .strip_prefix("IPv6:")
        .or_else(|| s.strip_prefix("ipv6:"))
        .or_else(|| s.strip_prefix("IPV6:"))
        .unwrap_or(s);
    let s = s.split('%').next().unwrap_or(s);
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some((mapped(ip), None));
    }
    // 1.2.3.4.port (Exim 3, some appliances) and 1.2.3.4:port.
    if let Some((a, p)) = s.rsplit_once(['.', ':']) {
        if let (Ok(ip), Ok(port)) = (a.parse::<std::net::Ipv4Addr>(), p.parse::<u16>()) {
            return Some((IpAddr::V4(ip), Some(port)));
        }
    }
    None
}

fn mapped(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    }
}

/// A login note: the sender logged in to this server before handing the message over.
fn auth_note_of(c: &str) -> Option<String> {
    let lc = c.to_ascii_lowercase();
    const MARKS: &[&str] = &[
        "authenticated sender:",
        "authenticated as ",
        "authenticated user",
        "authenticated-user",
        "authenticated bits=",
        "authenticated id ",
        "auth: ",
        "account ",
        "sasl_username",
        "authenticated sender ",
    ];
    if MARKS.iter().any(|m| lc.starts_with(m)) || lc == "authenticated" {
        // Communigate: `account user HELO name` — the HELO part is not the note.
        let note = match lc.find(" helo ") {
            Some(i) => c.get(..i).unwrap_or(c),
            None => c,
        };
        return Some(note.trim().to_string());
    }
    None
}

/// The transmission type in one spelling; unknown words are kept, uppercased.
fn protocol_of(with: &str) -> Option<String> {
    // MessageLabs and qmail's TLS patch: `with ECDHE-RSA-AES256-GCM-SHA384 encrypted SMTP`.
    let with = match with.to_ascii_lowercase().find("encrypted ") {
        Some(i) => with.get(i + "encrypted ".len()..).unwrap_or(with),
        None => with,
    };
    let first = with.split([' ', '/']).next().unwrap_or_default();
    let lower = with.to_ascii_lowercase();
    if lower.starts_with("microsoft smtp") || lower.starts_with("microsoft smtpsvc") {
        return Some("SMTP".into());
    }
    let up = first.trim_end_matches([',', ';']).to_ascii_uppercase();
    let known = match up.as_str() {
        "SMTP" | "ESMTP" | "ESMTPA" | "ESMTPS" | "ESMTPSA" | "LMTP" | "LMTPA" | "LMTPS"
        | "LMTPSA" | "MMS" | "HTTP" | "HTTPS" | "IMAP" | "POP3" | "MAPI" => up.clone(),
        "UTF8SMTP" | "UTF8ESMTP" => "UTF8-SMTP".into(),
        "UTF8SMTPA" | "UTF8ESMTPA" => "UTF8-SMTPA".into(),
        "UTF8SMTPS" | "UTF8ESMTPS" => "UTF8-SMTPS".into(),
        "UTF8SMTPSA" | "UTF8ESMTPSA" => "UTF8-SMTPSA".into(),
        "LOCAL" => "Local".into(),
        "IMAPS" => "IMAP".into(),
        "POP3S" | "POP" => "POP3".into(),
        "" => return None,
        _ => up.clone(),
    };
    Some(known)
}

fn tls_of(raw: &str, protocol: Option<&str>, with: Option<&str>) -> (Option<bool>, Option<String>) {
    let lower = raw.to_ascii_lowercase();
    let version = tls_version_of(&lower);
    // Host names may contain "tls"; look for the ways servers actually record encryption.
    const MARKERS: &[&str] = &[
        "version=tls",
        "(using tls",
        "tlsv1",
        "tls1_",
        "tls1.",
        "version=ssl",
        "with https",
        "cipher=",
        "esmtp/tls",
        " encrypted)",
        " encrypted smtp",
    ];
    let with_upper = with.unwrap_or_default().to_ascii_uppercase();
    // Only the registered names with an S for "secure" count: "ECARTIS" ends in S too.
    let secure_proto = matches!(
        protocol,
        Some(
            "ESMTPS"
                | "ESMTPSA"
                | "LMTPS"
                | "LMTPSA"
                | "SMTPS"
                | "HTTPS"
                | "UTF8-SMTPS"
                | "UTF8-SMTPSA"
        )
    ) || with_upper.contains("/TLS");
    // One pass over the line for all the markers.
    static MARKED: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    let marked = MARKED.get_or_init(|| crate::analysis::domains::automaton(MARKERS));
    if version.is_some() || marked.is_match(lower.as_str()) || secure_proto {
        return (Some(true), version);
    }
    match protocol {
        Some("SMTP" | "ESMTP" | "ESMTPA" | "LMTP" | "LMTPA" | "UTF8-SMTP" | "UTF8-SMTPA") => {
            (Some(false), None)
        }
        _ => (None, None),
    }
}

/// "TLSv1.2" from `TLSv1.2`, `TLS1_2`, `version=TLS1_3`, `TLSv1/SSLv3`.
fn tls_version_of(lower: &str) -> Option<String> {
    for (i, _) in lower.match_indices("tls") {
        let rest = lower.get(i + 3..).unwrap_or_default();
        let rest = rest.strip_prefix('v').unwrap_or(rest);
        let digits: String = rest
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '_')
            .collect();
        let digits = digits.replace('_', ".");
        let digits = digits.trim_end_matches('.');
        if digits.starts_with('1') && digits.len() <= 3 {
            let v = if digits == "1" { "1.0" } else { digits };
            return Some(format!("TLSv{v}"));
        }
    }
    None
}

// ---- dates -------------------------------------------------------------------------

fn weekday(l: &str) -> bool {
    const DAYS: &[&str] = &[
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "tues",
        "thur",
        "thurs",
    ];
    DAYS.contains(&l.trim_end_matches([',', '.']))
}

fn month_of(l: &str) -> Option<u32> {
    const MONTHS: &[&str] = &[
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    const FULL: &[&str] = &[
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let l = l.trim_end_matches([',', '.']);
    let pos = MONTHS.iter().position(|m| *m == l).or_else(|| {
        FULL.iter()
            .position(|m| *m == l)
            .or((l == "sept").then_some(8))
    })?;
    u32::try_from(pos + 1).ok()
}

/// Offsets of zone names servers write (RFC 5322's obsolete names and common others).
/// Ambiguous names (IST: India, Ireland or Israel) are left out: a date with only such a
/// zone stays unread rather than guessed.
fn zone_of(l: &str) -> Option<i32> {
    let h = |n: i32| Some(n * 60);
    match l {
        "ut" | "utc" | "gmt" | "z" | "wet" | "uct" => h(0),
        "edt" => h(-4),
        "est" | "cdt" => h(-5),
        "cst" | "mdt" => h(-6),
        "mst" | "pdt" => h(-7),
        "pst" | "akdt" => h(-8),
        "akst" => h(-9),
        "hst" => h(-10),
        "bst" | "cet" | "met" | "west" | "mez" => h(1),
        "cest" | "mest" | "eet" | "mesz" | "sast" => h(2),
        "eest" | "msk" => h(3),
        "hkt" | "sgt" | "awst" => h(8),
        "jst" | "kst" => h(9),
        "aest" => h(10),
        "aedt" => h(11),
        "nzst" => h(12),
        "nzdt" => h(13),
        _ => None,
    }
}

/// `+0100`, `-04:00`, `+01`, `GMT+0100`, `UTC+1`.
fn numeric_zone(s: &str) -> Option<i32> {
    let l = s.to_ascii_lowercase();
    let s = l
        .strip_prefix("gmt")
        .or_else(|| l.strip_prefix("utc"))
        .unwrap_or(&l);
    let (sign, digits) = match s.chars().next()? {
        '+' => (1, s.get(1..)?),
        '-' => (-1, s.get(1..)?),
        _ => return None,
    };
    let digits: String = digits.chars().filter(|c| *c != ':').collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (hh, mm) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0),
        3 => (
            digits.get(..1)?.parse().ok()?,
            digits.get(1..)?.parse().ok()?,
        ),
        4 => (
            digits.get(..2)?.parse().ok()?,
            digits.get(2..)?.parse().ok()?,
        ),
        _ => return None,
    };
    if hh > 18 || mm > 59 {
        return None;
    }
    Some(sign * (hh * 60 + mm))
}

/// `10:00`, `10:00:05`, `10:00:05.123456` → (h, m, s).
fn time_of(s: &str) -> Option<(u32, u32, u32)> {
    let mut it = s.split(':');
    let h: u32 = it.next()?.parse().ok()?;
    let m: u32 = it.next()?.parse().ok()?;
    let sec = match it.next() {
        Some(x) => {
            let whole = x.split([',', '.']).next()?;
            let frac = x.get(whole.len()..).unwrap_or_default();
            if !frac.is_empty()
                && !frac
                    .get(1..)
                    .unwrap_or_default()
                    .chars()
                    .all(|c| c.is_ascii_digit())
            {
                return None;
            }
            whole.parse().ok()?
        }
        None => 0,
    };
    if it.next().is_some() || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    Some((h, m, sec.min(59)))
}

/// Reads the dates real servers write: RFC 5322 (with fractional seconds, obsolete zones,
/// two-digit years), asctime, and ISO 8601 with or without `T`. Every word must be a
/// part of the date; anything else makes the text unreadable. Returns Unix seconds and
/// the UTC offset in minutes.
pub fn parse_date(text: &str) -> Option<(i64, i32)> {
    // Comments such as "(PDT)" or "(envelope-from <x>)" are no part of the date.
    let mut plain = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let plain = plain.replace(',', " ");
    let mut words: Vec<String> = Vec::new();
    for w in plain.split_whitespace() {
        // ISO 8601: 2019-04-29T10:00:00Z or 2019-04-29T10:00:00+02:00.
        if let Some((d, t)) = w.split_once(['T', 't']).filter(|(d, _)| d.contains('-')) {
            words.push(d.to_string());
            let split = t.find(['Z', 'z', '+', '-']).unwrap_or(t.len());
            words.push(t.get(..split).unwrap_or_default().to_string());
            let zone = t.get(split..).unwrap_or_default();
            if !zone.is_empty() {
                words.push(zone.to_string());
            }
        } else if w.matches('-').count() == 2 && w.chars().any(|c| c.is_ascii_alphabetic()) {
            // 21-Sep-2002
            words.extend(w.split('-').map(str::to_string));
        } else if w.matches('/').count() == 2 {
            // 22/08/2002: day first or month first, told apart only when one is above 12.
            let p: Vec<u32> = w.split('/').filter_map(|x| x.parse().ok()).collect();
            let [a, b, y] = p.as_slice() else {
                return None;
            };
            let (d, m) = match (*a > 12, *b > 12) {
                (true, false) => (*a, *b),
                (false, true) => (*b, *a),
                _ => return None,
            };
            words.push(format!("{y:04}-{m:02}-{d:02}"));
        } else if w.starts_with("m=") {
            // Go's time.String() appends the monotonic clock ("m=+4217718.23"): no date part.
            continue;
        } else {
            words.push(w.to_string());
        }
    }
    let (mut year, mut month, mut day) = (None::<i64>, None::<u32>, None::<u32>);
    let mut time: Option<(u32, u32, u32)> = None;
    let mut zone: Option<i32> = None;
    let mut unknown_zone = false;
    for (i, w) in words.iter().enumerate() {
        let l = w.to_ascii_lowercase();
        if i == 0 && weekday(&l) {
            continue;
        }
        if let Some(m) = month_of(&l) {
            if month.is_some() {
                return None;
            }
            month = Some(m);
            continue;
        }
        let iso: Vec<&str> = l.split('-').collect();
        if let [y, m, d] = iso.as_slice() {
            if y.len() == 4 && year.is_none() {
                year = Some(y.parse().ok()?);
                month = Some(m.parse().ok()?);
                day = Some(d.parse().ok()?);
                continue;
            }
        }
        if l.contains(':') && l.starts_with(|c: char| c.is_ascii_digit()) && time.is_none() {
            time = Some(time_of(&l)?);
            continue;
        }
        if let Some(z) = numeric_zone(&l) {
            if zone.is_none() {
                zone = Some(z);
            }
            continue;
        }
        if !l.is_empty() && l.chars().all(|c| c.is_ascii_digit()) {
            let n: i64 = l.parse().ok()?;
            // "029 Apr": a zero-padded day before the month.
            let is_day = day.is_none() && (l.len() <= 2 || (month.is_none() && n <= 31));
            if !is_day {
                if year.is_some() {
                    return None;
                }
                // RFC 5322 4.3: two-digit years below 50 are 20xx, others 19xx; three-digit
                // years (and the "0102" of old Y2K bugs) count from 1900.
                year = Some(match n {
                    0..=49 if l.len() <= 2 => 2000 + n,
                    0..=999 => 1900 + n,
                    _ => n,
                });
            } else {
                day = Some(u32::try_from(n).ok()?);
            }
            continue;
        }
        if let Some(z) = zone_of(&l) {
            if zone.is_none() {
                zone = Some(z);
            }
            continue;
        }
        // RFC 5322 obsolete military zones mean "unknown offset"; so does -0000.
        if l.len() == 1 && l.chars().all(|c| c.is_ascii_alphabetic()) && l != "j" {
            zone.get_or_insert(0);
            continue;
        }
        if time.is_some() && l.len() <= 5 && l.chars().all(|c| c.is_ascii_alphabetic()) {
            unknown_zone = true;
            continue;
        }
        return None;
    }
    let (y, m, d, (hh, mm, ss)) = (year?, month?, day?, time?);
    let zone = match zone {
        Some(z) => z,
        // A zone name we do not know and no number: the instant is not known.
        None if unknown_zone => return None,
        // No zone at all: RFC 5322 reads a missing zone as "local time unknown"; UTC is
        // the reading that keeps the clock as written.
        None => 0,
    };
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || d == 0 || d > days_in(y, m) {
        return None;
    }
    let days = days_from_civil(y, m, d);
    let ts = days * 86400 + i64::from(hh) * 3600 + i64::from(mm) * 60 + i64::from(ss)
        - i64::from(zone) * 60;
    Some((ts, zone))
}

fn days_in(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's civil-from-days, inverted).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// Unix seconds in the given offset as RFC 3339; UTC is written `Z`.
pub fn rfc3339(ts: i64, offset_minutes: i32) -> String {
    let local = ts + i64::from(offset_minutes) * 60;
    let days = local.div_euclid(86400);
    let secs = local.rem_euclid(86400);
    let (y, m, d) = civil_from_days(days);
    let zone = if offset_minutes == 0 {
        "Z".to_string()
    } else {
        let sign = if offset_minutes < 0 { '-' } else { '+' };
        let a = offset_minutes.unsigned_abs();
        format!("{sign}{:02}:{:02}", a / 60, a % 60)
    };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}{zone}",
        secs / 3600,
        (secs % 3600) / 60,
        secs % 60
    )
}

/// Unix seconds as an RFC 5322 date in UTC: "Mon, 06 Oct 2025 10:00:00 +0000".
pub fn rfc5322(ts: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = ts.div_euclid(86400);
    let secs = ts.rem_euclid(86400);
    let (y, m, d) = civil_from_days(days);
    let weekday = DAYS
        .get(usize::try_from(days.rem_euclid(7)).unwrap_or(0))
        .unwrap_or(&"Thu");
    let month = MONTHS
        .get(usize::try_from(m).unwrap_or(1).saturating_sub(1))
        .unwrap_or(&"Jan");
    format!(
        "{weekday}, {d:02} {month} {y:04} {:02}:{:02}:{:02} +0000",
        secs / 3600,
        (secs % 3600) / 60,
        secs % 60
    )
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    (y, m as u32, d as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comment_with_from_is_not_the_from_clause() {
        let r = parse("by mx.example.com (Postfix, from userid 1001) id 1234ABCD; Tue, 11 Mar 2025 09:30:11 +0000 (UTC)");
        assert_eq!(r.from, None);
        assert_eq!(r.by.as_deref(), Some("mx.example.com"));
        assert_eq!(r.id.as_deref(), Some("1234ABCD"));
        let q = parse("(qmail 10876 invoked from network); 2 Feb 2023 01:42:45 -0000");
        assert_eq!(q.from, None);
        assert!(q.timestamp().is_some());
        assert!(!q.is_unparsed("(qmail 10876 invoked from network)"));
    }

    #[test]
    fn authenticated_sender_is_a_note_not_a_reverse_name() {
        let r = parse("from [192.0.2.1] (unknown [198.51.100.4]) (Authenticated sender: paypal.com) by mail.example.net (Postfix) with ESMTPA id 4B2C; Mon, 1 Jan 2024 10:00:00 +0000");
        assert_eq!(r.rdns, None);
        assert_eq!(
            r.auth_note.as_deref(),
            Some("Authenticated sender: paypal.com")
        );
        assert_eq!(r.ip, "198.51.100.4".parse().ok());
    }

    #[test]
    fn webmail_submission_has_no_helo() {
        let r = parse(
            "from 203.0.113.7 by web01.example.net with HTTP; Mon, 1 Jan 2024 10:00:00 +0000",
        );
        assert_eq!(r.helo, None);
        assert_eq!(r.ip, "203.0.113.7".parse().ok());
    }

    #[test]
    fn a_port_after_the_address_literal_keeps_the_helo() {
        let r = parse("from [192.0.2.81]:50999 (HELO gw.example.org) by av.example.net with SMTP; Tue, 5 Mar 2002 14:11:53 -0000");
        assert_eq!(r.helo.as_deref(), Some("gw.example.org"));
        assert_eq!(r.port, Some(50999));
        assert_eq!(r.ip, "192.0.2.81".parse().ok());
    }

    #[test]
    fn address_forms_are_normalised() {
        assert_eq!(
            ip_and_port("198.51.100.4.63559"),
            Some(("198.51.100.4".parse().unwrap(), Some(63559)))
        );
        assert_eq!(
            ip_and_port("::ffff:198.51.100.4"),
            Some(("198.51.100.4".parse().unwrap(), None))
        );
        assert_eq!(
            ip_and_port("IPv6:2001:db8::1"),
            Some(("2001:db8::1".parse().unwrap(), None))
        );
    }

    #[test]
    fn fractional_seconds_keep_the_seconds() {
        let (ts, off) = parse_date("Mon, 09 Sep 2024 13:35:10.102 +0000").unwrap();
        assert_eq!(rfc3339(ts, off), "2024-09-09T13:35:10Z");
    }

    #[test]
    fn iso_and_semicolon_less_dates_are_read() {
        let (ts, _) = parse_date("2018-04-22 02:54:17.028704749 +0000 UTC").unwrap();
        assert_eq!(rfc3339(ts, 0), "2018-04-22T02:54:17Z");
        let r =
            parse("from LOCALHOST by LOCALHOST with ESMTP id EF01 Mon, 11 Sep 2006 11:41:10 -0500");
        assert_eq!(
            r.time_rfc3339().as_deref(),
            Some("2006-09-11T11:41:10-05:00")
        );
        assert_eq!(r.id.as_deref(), Some("EF01"));
    }

    #[test]
    fn unreadable_dates_are_kept_as_text() {
        let r = parse("from a.example.net by mx.example.com; yesterday-ish");
        assert_eq!(r.date, ReceivedDate::Unreadable("yesterday-ish".into()));
    }
}
