//! After a suspicious message: what the person already did, what to do now (in the order
//! that limits the damage), and the report that goes back to IT — an unsent draft `.eml`
//! with the original message attached unchanged, and a self-contained HTML page.
//!
//! Nothing here sends anything or touches the original file: the caller writes what these
//! functions return wherever the person chose.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use crate::analysis::received::{rfc3339, rfc5322};
use crate::analysis::{CheckResult, Outcome, Report, Verdict};
use crate::profile::Profile;

/// What the person says they already did with the message.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Answers {
    pub clicked_link: bool,
    pub typed_secret: bool,
    pub opened_attachment: bool,
    pub replied: bool,
    pub paid_or_sent: bool,
}

/// One question of the guided response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Question {
    ClickedLink,
    TypedSecret,
    OpenedAttachment,
    Replied,
    PaidOrSent,
}

impl Question {
    /// The questions, in the order they are asked.
    pub const ALL: [Question; 5] = [
        Question::ClickedLink,
        Question::TypedSecret,
        Question::OpenedAttachment,
        Question::Replied,
        Question::PaidOrSent,
    ];

    /// The question as the person reads it ("Did you already…").
    pub fn text(self) -> &'static str {
        match self {
            Question::ClickedLink => "click a link in it?",
            Question::TypedSecret => "type a password or a code after following it?",
            Question::OpenedAttachment => "open an attachment?",
            Question::Replied => "reply to it or forward it?",
            Question::PaidOrSent => "pay, or send money, data or files?",
        }
    }

    /// What a "yes" says, for the report.
    fn done(self) -> &'static str {
        match self {
            Question::ClickedLink => "clicked a link in the message",
            Question::TypedSecret => "typed a password or a code",
            Question::OpenedAttachment => "opened an attachment",
            Question::Replied => "replied to or forwarded the message",
            Question::PaidOrSent => "paid, or sent money, data or files",
        }
    }
}

impl Answers {
    /// The answer to `q`, to read or change.
    pub fn get_mut(&mut self, q: Question) -> &mut bool {
        match q {
            Question::ClickedLink => &mut self.clicked_link,
            Question::TypedSecret => &mut self.typed_secret,
            Question::OpenedAttachment => &mut self.opened_attachment,
            Question::Replied => &mut self.replied,
            Question::PaidOrSent => &mut self.paid_or_sent,
        }
    }

    pub fn get(&self, q: Question) -> bool {
        let mut copy = *self;
        *copy.get_mut(q)
    }

    /// What the person said they did, in words.
    pub fn said(&self) -> Vec<&'static str> {
        Question::ALL
            .iter()
            .filter(|q| self.get(**q))
            .map(|q| q.done())
            .collect()
    }
}

/// Where reports go, in words.
fn report_target(profile: Option<&Profile>) -> String {
    let to = profile.and_then(|p| p.report_to.as_deref());
    let form = profile.and_then(|p| p.report_form.as_deref());
    match (to, form) {
        (Some(to), Some(form)) => {
            format!("your IT or security team ({to}, or the form at {form})")
        }
        (Some(to), None) => format!("your IT or security team ({to})"),
        (None, Some(form)) => format!("your IT or security team (the form at {form})"),
        (None, None) => "your IT or security team".into(),
    }
}

/// What to do now, in the order that limits the damage: an opened attachment can spread
/// while you read on, money can still be recalled within hours, a password is in use by
/// someone else within minutes.
pub fn steps(a: &Answers, report: &Report, profile: Option<&Profile>) -> Vec<String> {
    let mut out = Vec::new();
    if a.opened_attachment {
        out.push(
            "Disconnect this computer from the network now (unplug the cable, turn off Wi-Fi) \
             and call IT. Do not turn it off and do not keep working on it: IT needs it as it is."
                .to_string(),
        );
    }
    if a.paid_or_sent {
        out.push(
            "Call your bank now, on the number on your card or statement, and ask them to stop \
             or recall the payment; then tell your finance team. If you sent data or files, tell \
             IT which and to whom: they decide who must be warned."
                .to_string(),
        );
    }
    if a.typed_secret {
        out.push(
            "Change that password now: open a fresh browser tab yourself and go to the real \
             site (never through the link in the message), then turn on two-step sign-in. If you \
             gave a code from your phone, or use the same password elsewhere, tell IT at once and \
             change it there too."
                .to_string(),
        );
    }
    if a.clicked_link && !a.typed_secret {
        out.push(
            "Close the page that opened without typing anything into it, and tell IT which link \
             you clicked and when (the report lists the links)."
                .to_string(),
        );
    }
    if a.replied {
        out.push(
            "Warn the people you replied to or forwarded it to, on a channel you trust (a phone \
             call, a new message to an address you know): the message was fake, and nothing in \
             your reply should be acted on."
                .to_string(),
        );
    }
    let danger = report.verdict != Verdict::Ok;
    if !a.clicked_link && !a.typed_secret && !a.opened_attachment && !a.replied && !a.paid_or_sent {
        out.push(if danger {
            "You have not clicked, opened, typed, replied or paid: good. Leave it that way.".into()
        } else {
            "Nothing in it needs you to act in a hurry; if in doubt, ask the sender on a number \
             you already have."
                .into()
        });
    }
    out.push(format!(
        "Report it to {}, with the original attached: use \"Report to IT\", which prepares the \
         message for you to send.",
        report_target(profile)
    ));
    if danger {
        out.push("Then delete the message.".into());
    }
    out
}

/// Writes `bytes` to `out`, which must not exist yet: mailsleuth never overwrites a file
/// (so never the original message either).
pub fn write_new(out: &std::path::Path, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(out)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => format!(
                "{} exists already; mailsleuth never overwrites a file: choose another name",
                out.display()
            ),
            _ => format!("{} cannot be written: {e}", out.display()),
        })?;
    f.write_all(bytes)
        .map_err(|e| format!("{} cannot be written: {e}", out.display()))
}

/// The times an incident report states, in Unix seconds.
#[derive(Debug, Clone, Copy)]
pub struct Times {
    /// When the message reached your servers, if recorded.
    pub received: Option<i64>,
    /// When mailsleuth checked it.
    pub checked: i64,
    /// When the report was made.
    pub reported: i64,
}

fn when(t: Option<i64>) -> String {
    t.map(|t| rfc3339(t, 0))
        .unwrap_or_else(|| "not recorded".into())
}

fn flagged(r: &Report) -> Vec<&CheckResult> {
    r.reasons
        .iter()
        .filter_map(|id| r.checks.iter().find(|c| c.id == *id))
        .filter(|c| matches!(c.outcome, Outcome::Warn | Outcome::Fail))
        .collect()
}

fn sender(r: &Report) -> String {
    match r.identity.from.as_ref() {
        Some(m) => match (&m.display_name, &m.address) {
            (Some(n), Some(a)) => format!("\"{n}\" <{a}>"),
            (None, Some(a)) => a.clone(),
            (Some(n), None) => n.clone(),
            (None, None) => "(empty)".into(),
        },
        None => "(no From line)".into(),
    }
}

/// The plain-text body of an incident report.
pub fn summary_text(r: &Report, a: &Answers, profile: Option<&Profile>, t: Times) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "A suspicious email, reported with mailsleuth.\n");
    let _ = writeln!(out, "Verdict: {} — {}", r.verdict.word(), r.headline);
    let _ = writeln!(out, "From: {}", sender(r));
    let _ = writeln!(
        out,
        "Subject: {}",
        r.subject.as_deref().unwrap_or("(no subject)")
    );
    let _ = writeln!(
        out,
        "Proof of sender: {}",
        crate::analysis::sender::proof_sentence(r)
    );
    if let Some(ip) = &r.path.connecting_ip {
        let host = r
            .path
            .connecting_host
            .as_deref()
            .map(|h| format!(" ({h})"))
            .unwrap_or_default();
        let _ = writeln!(out, "Reached us from: {ip}{host}");
    }
    let _ = writeln!(out, "\nWhy:");
    for c in flagged(r) {
        let _ = writeln!(out, "- [{}] {}: {}", c.grade.label(), c.title, c.summary);
    }
    let _ = writeln!(out, "\nTimes (UTC):");
    let _ = writeln!(out, "- received: {}", when(t.received));
    let _ = writeln!(out, "- checked: {}", when(Some(t.checked)));
    let _ = writeln!(out, "- reported: {}", when(Some(t.reported)));
    let _ = writeln!(out, "\nWhat I already did:");
    let said = a.said();
    if said.is_empty() {
        let _ = writeln!(out, "- nothing: I did not click, open, type, reply or pay");
    }
    for s in said {
        let _ = writeln!(out, "- I {s}");
    }
    let _ = writeln!(out, "\nWhat mailsleuth told me to do:");
    for (i, s) in steps(a, r, profile).iter().enumerate() {
        let _ = writeln!(out, "{}. {s}", i + 1);
    }
    let _ = writeln!(
        out,
        "\nThe original message is attached unchanged (original.eml)."
    );
    out
}

/// A header value, RFC 2047-encoded when it is not plain ASCII.
fn header_text(s: &str) -> String {
    let one_line: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if one_line.is_ascii() {
        one_line
    } else {
        format!(
            "=?utf-8?B?{}?=",
            crate::load::msg::base64(one_line.as_bytes()).replace("\r\n", "")
        )
    }
}

/// The incident report as an unsent draft message: addressed to the profile's report
/// address, the summary and the person's answers in its text, the original attached as
/// `message/rfc822` byte for byte. `X-Unsent: 1` makes Outlook open it ready to send;
/// other mail programs open it as a message to forward or send.
pub fn draft_eml(
    raw: &[u8],
    r: &Report,
    a: &Answers,
    profile: Option<&Profile>,
    t: Times,
) -> Vec<u8> {
    let digest = Sha256::digest(raw);
    let hex: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    let mut boundary = format!("mailsleuth-report-{hex}");
    while memchr::memmem::find(raw, boundary.as_bytes()).is_some() {
        boundary.push('x');
    }
    let subject = format!(
        "Suspicious email reported: {} ({})",
        r.subject.as_deref().unwrap_or("(no subject)"),
        r.verdict.word()
    );
    // 8bit allows any line but no NUL or bare CR and lines up to 998; otherwise binary.
    let eight_bit = !raw.contains(&0)
        && raw.split(|b| *b == b'\n').all(|l| l.len() <= 998)
        && !raw
            .windows(2)
            .any(|w| w.first() == Some(&b'\r') && w.get(1) != Some(&b'\n'));
    let mut out = String::new();
    if let Some(to) = profile.and_then(|p| p.report_to.as_deref()) {
        let _ = write!(out, "To: {to}\r\n");
    }
    let _ = write!(out, "Subject: {}\r\n", header_text(&subject));
    let _ = write!(out, "Date: {}\r\n", rfc5322(t.reported));
    let _ = write!(
        out,
        "Message-ID: <report-{}-{hex}@mailsleuth.invalid>\r\n",
        t.reported
    );
    out.push_str("X-Unsent: 1\r\n");
    out.push_str("X-Mailsleuth-Verdict: ");
    out.push_str(r.verdict.as_str());
    out.push_str("\r\nMIME-Version: 1.0\r\n");
    let _ = write!(
        out,
        "Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n"
    );
    out.push_str("This is a report in MIME format; the original message is attached.\r\n");
    let _ = write!(out, "--{boundary}\r\n");
    out.push_str(
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
    );
    out.push_str(&summary_text(r, a, profile, t).replace('\n', "\r\n"));
    let _ = write!(out, "\r\n--{boundary}\r\n");
    let _ = write!(
        out,
        "Content-Type: message/rfc822; name=\"original.eml\"\r\n\
         Content-Disposition: attachment; filename=\"original.eml\"\r\n\
         Content-Transfer-Encoding: {}\r\n\r\n",
        if eight_bit { "8bit" } else { "binary" }
    );
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(raw);
    bytes.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    bytes
}

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The report as one self-contained HTML page to save or print: no script, no image, no
/// style sheet or font from anywhere, no link (addresses are text). With `redact`, the
/// recipient's own addresses are replaced by "[your address]".
pub fn html(r: &Report, a: &Answers, profile: Option<&Profile>, t: Times, redact: bool) -> String {
    let mine: Vec<String> = if redact { recipients(r) } else { Vec::new() };
    let clean = |s: &str| -> String {
        let mut s = s.to_string();
        for m in &mine {
            s = replace_ci(&s, m, "[your address]");
        }
        esc(&s)
    };
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    h.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
    let _ = writeln!(
        h,
        "<title>mailsleuth report: {}</title>",
        clean(r.subject.as_deref().unwrap_or("(no subject)"))
    );
    h.push_str(
        "<style>body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#1a1a1a}\
         h1{font-size:1.5em}.danger{color:#a40000}.caution{color:#7a4b00}.ok{color:#1d6b1d}\
         table{border-collapse:collapse;width:100%}td,th{border:1px solid #bbb;padding:.3em .5em;text-align:left;vertical-align:top}\
         th{background:#eee}.mono{font-family:monospace;word-break:break-all}.line td{border-top:3px dashed #1f5fbf}\
         .trusted{background:#eef6ee}@media print{body{margin:0}}</style>\n</head><body>\n",
    );
    let class = r.verdict.as_str();
    let _ = writeln!(
        h,
        "<h1 class=\"{class}\">{}: {}</h1>",
        esc(r.verdict.word()),
        clean(r.subject.as_deref().unwrap_or("(no subject)"))
    );
    let _ = writeln!(h, "<p><strong>{}</strong></p>", clean(&r.headline));
    let _ = writeln!(h, "<p>{}</p>", clean(&r.basis));
    h.push_str("<h2>Who sent it</h2>\n<table>\n");
    let row = |h: &mut String, k: &str, v: &str| {
        let _ = writeln!(h, "<tr><th>{}</th><td>{v}</td></tr>", esc(k));
    };
    // Addresses in a typewriter font: in most others a capital I and a small l look alike.
    row(
        &mut h,
        "From",
        &format!("<span class=\"mono\">{}</span>", clean(&sender(r))),
    );
    row(
        &mut h,
        "Proof of sender",
        &clean(&crate::analysis::sender::proof_sentence(r)),
    );
    if let Some(ip) = &r.path.connecting_ip {
        row(&mut h, "Reached your organisation from", &clean(ip));
    }
    row(&mut h, "Received", &esc(&when(t.received)));
    row(&mut h, "Checked", &esc(&when(Some(t.checked))));
    row(&mut h, "Reported", &esc(&when(Some(t.reported))));
    h.push_str("</table>\n<h2>Why</h2>\n<ul>\n");
    for c in flagged(r) {
        let _ = writeln!(
            h,
            "<li><strong>{}</strong> ({}) — {}</li>",
            esc(&c.title),
            esc(c.grade.label()),
            clean(&c.summary)
        );
    }
    h.push_str("</ul>\n<h2>What I already did</h2>\n<ul>\n");
    let said = a.said();
    if said.is_empty() {
        h.push_str("<li>Nothing: I did not click, open, type, reply or pay.</li>\n");
    }
    for s in said {
        let _ = writeln!(h, "<li>I {}</li>", esc(s));
    }
    h.push_str("</ul>\n<h2>What to do now</h2>\n<ol>\n");
    for s in steps(a, r, profile) {
        let _ = writeln!(h, "<li>{}</li>", esc(&s));
    }
    h.push_str("</ol>\n<h2>The route it took</h2>\n<p>Newest first. Lines above the dashed line were written by your own mail servers; below it, the sender could have written anything.</p>\n<table>\n<tr><th>#</th><th>Received by</th><th>from</th><th>address</th><th>time</th></tr>\n");
    for hop in r.path.hops.iter().rev() {
        let line = r.path.boundary.is_some_and(|b| b > 0 && hop.index + 1 == b);
        let class = match (line, hop.trusted) {
            (true, _) => " class=\"line\"",
            (false, true) => " class=\"trusted\"",
            (false, false) => "",
        };
        let _ = writeln!(
            h,
            "<tr{class}><td>{}</td><td class=\"mono\">{}</td><td class=\"mono\">{}</td><td class=\"mono\">{}</td><td>{}</td></tr>",
            hop.index + 1,
            clean(hop.by_host.as_deref().unwrap_or("")),
            clean(hop.from_host.as_deref().or(hop.helo.as_deref()).unwrap_or("")),
            clean(hop.from_ip.as_deref().unwrap_or("")),
            esc(hop.time.as_deref().unwrap_or(""))
        );
    }
    h.push_str("</table>\n<h2>Links</h2>\n<ul>\n");
    if r.content.links.is_empty() {
        h.push_str("<li>None.</li>\n");
    }
    for l in &r.content.links {
        let _ = writeln!(
            h,
            "<li><span class=\"mono\">{}</span> — shown as “{}”</li>",
            clean(&l.href),
            clean(l.shown_text.trim())
        );
    }
    h.push_str("</ul>\n<h2>Headers</h2>\n<table>\n");
    for hd in &r.headers {
        let _ = writeln!(
            h,
            "<tr><th class=\"mono\">{}</th><td class=\"mono\">{}</td></tr>",
            esc(&hd.name),
            clean(&hd.value)
        );
    }
    h.push_str("</table>\n<p>Made by mailsleuth. Nothing in this page loads anything from the network.</p>\n</body></html>\n");
    h
}

/// The recipient's own addresses: To, Cc and the `for` of the Received lines.
fn recipients(r: &Report) -> Vec<String> {
    let mut out: Vec<String> = r
        .path
        .hops
        .iter()
        .filter_map(|h| h.for_addr.clone())
        .collect();
    for h in &r.headers {
        if h.name.eq_ignore_ascii_case("To") || h.name.eq_ignore_ascii_case("Cc") {
            for part in h.value.split([',', ';', '<', '>', ' ']) {
                let p = part.trim().trim_matches('"');
                if p.contains('@') {
                    out.push(p.to_ascii_lowercase());
                }
            }
        }
    }
    out.sort();
    out.dedup();
    // Longest first, so a longer address is replaced before one it contains.
    out.sort_by_key(|a| std::cmp::Reverse(a.len()));
    out
}

/// Replaces every ASCII-case-insensitive occurrence of `needle` in `s`.
fn replace_ci(s: &str, needle: &str, with: &str) -> String {
    if needle.is_empty() {
        return s.to_string();
    }
    let lower = s.to_ascii_lowercase();
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for (i, _) in lower.match_indices(needle) {
        out.push_str(s.get(last..i).unwrap_or(""));
        out.push_str(with);
        last = i + needle.len();
    }
    out.push_str(s.get(last..).unwrap_or(""));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{analyze, Options};

    const RAW: &[u8] = b"Received: from mail.attacker.example (mail.attacker.example [203.0.113.9]) by mx.northwind.example with ESMTPS; Mon, 6 Oct 2025 10:00:05 +0000\r\n\
From: Dana Whitfield <dana.whitfield.office@gmail.com>\r\nTo: sam@northwind.example\r\nSubject: Urgent transfer \xc3\xa9\r\n\
Date: Mon, 6 Oct 2025 10:00:00 +0000\r\nMessage-ID: <x@gmail.com>\r\n\r\nPlease wire EUR 48,500 today. Link: https://pay.attacker.example/x\r\n";

    /// The message as Northwind (whose CEO is Dana Whitfield) judges it: danger.
    fn judged() -> Report {
        let profile = Profile::parse(
            "name = \"Northwind\"\nown_domains = [\"northwind.example\"]\n[[people]]\nname = \"Dana Whitfield\"\naddresses = [\"dana@northwind.example\"]\n",
        )
        .expect("profile");
        let r = analyze(
            RAW,
            &Options::default().with_profile(std::sync::Arc::new(profile)),
        )
        .expect("an email");
        assert_ne!(r.verdict, Verdict::Ok, "{}", r.headline);
        r
    }

    fn times() -> Times {
        Times {
            received: Some(1_759_744_805),
            checked: 1_759_750_000,
            reported: 1_759_750_060,
        }
    }

    #[test]
    fn answers_change_the_steps_in_the_order_that_limits_the_damage() {
        let r = judged();
        let none = steps(&Answers::default(), &r, None);
        assert!(
            none.first().is_some_and(|s| s.contains("not clicked")),
            "{none:?}"
        );
        let all = Answers {
            clicked_link: true,
            typed_secret: true,
            opened_attachment: true,
            replied: true,
            paid_or_sent: true,
        };
        let s = steps(&all, &r, None);
        let at = |word: &str| {
            s.iter()
                .position(|x| x.contains(word))
                .unwrap_or(usize::MAX)
        };
        assert!(at("Disconnect") < at("Call your bank"));
        assert!(at("Call your bank") < at("Change that password"));
        assert!(at("Change that password") < at("Warn the people"));
        assert!(at("Report it") < usize::MAX);
        assert!(!s.iter().any(|x| x.contains("not clicked")));
    }

    #[test]
    fn the_draft_carries_the_original_byte_for_byte_and_the_answers() {
        let r = judged();
        let a = Answers {
            typed_secret: true,
            ..Answers::default()
        };
        let profile = Profile::parse("name = \"N\"\nreport_to = \"security@northwind.example\"\n")
            .expect("profile");
        let eml = draft_eml(RAW, &r, &a, Some(&profile), times());
        let text = String::from_utf8_lossy(&eml);
        assert!(
            text.starts_with("To: security@northwind.example\r\n"),
            "{text}"
        );
        assert!(text.contains("X-Unsent: 1\r\n"));
        let msg = mail_parser::MessageParser::default()
            .parse(&eml)
            .expect("the draft parses");
        let body = msg.body_text(0).unwrap_or_default();
        assert!(body.contains("I typed a password or a code"), "{body}");
        assert!(body.contains("Change that password now"), "{body}");
        let reported = format!("reported: {}", rfc3339(times().reported, 0));
        assert!(body.contains(&reported), "{body}");
        let attached = msg
            .attachments()
            .find_map(|p| match &p.body {
                mail_parser::PartType::Message(m) => Some(m.raw_message().to_vec()),
                _ => None,
            })
            .expect("the original is attached as a message");
        assert_eq!(Sha256::digest(&attached), Sha256::digest(RAW));
        assert!(msg
            .subject()
            .unwrap_or_default()
            .contains("Urgent transfer é"));
    }

    #[test]
    fn the_html_report_loads_nothing_and_can_hide_the_recipient() {
        let r = analyze(RAW, &Options::default()).expect("an email");
        let page = html(&r, &Answers::default(), None, times(), true);
        for bad in [
            "<script", "src=", "href=", "url(", "@import", "<img", "<link",
        ] {
            assert!(!page.contains(bad), "{bad} in the page");
        }
        assert!(!page.contains("sam@northwind.example"), "redacted");
        assert!(page.contains("[your address]"));
        assert!(
            page.contains("pay.attacker.example"),
            "links are shown as text"
        );
        let shown = html(&r, &Answers::default(), None, times(), false);
        assert!(shown.contains("sam@northwind.example"));
    }
}
