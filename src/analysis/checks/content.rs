//! Content checks: what the message asks of the reader (urgency, passwords, payments, gift
//! cards, phone calls) and how its body is built (fake replies, image-only, hidden text, forms).
//!
//! Cue lists (`assets/knowledge/cues.toml`) cover English, Portuguese, Spanish, French,
//! German and Italian. A single weak word never makes a message scary; asks that come
//! with pressure do.

use super::cues::{self, Cues, Hit};
use super::finding::{CheckDef, Ctx, Finding};
use super::util::{evidence, has_text, quoted, report_without_ask};
use crate::analysis::identity::org_domain;
use crate::analysis::types::{Family, Grade, Location, MessageKind, Report};

/// The checks of this family, in checklist order.
pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "urgent-pressure",
        family: Family::Content,
        grade: Grade::Hint,
        run: urgent_pressure,
    },
    CheckDef {
        id: "credential-request",
        family: Family::Content,
        grade: Grade::Hint,
        run: credential_request,
    },
    CheckDef {
        id: "payment-request",
        family: Family::Content,
        grade: Grade::Hint,
        run: payment_request,
    },
    CheckDef {
        id: "bank-detail-change",
        family: Family::Content,
        grade: Grade::Strong,
        run: bank_detail_change,
    },
    CheckDef {
        id: "gift-card-request",
        family: Family::Content,
        grade: Grade::Hint,
        run: gift_card_request,
    },
    CheckDef {
        id: "callback-number",
        family: Family::Content,
        grade: Grade::Hint,
        run: callback_number,
    },
    CheckDef {
        id: "fake-reply-subject",
        family: Family::Content,
        grade: Grade::Hint,
        run: fake_reply_subject,
    },
    CheckDef {
        id: "image-only-body",
        family: Family::Content,
        grade: Grade::Hint,
        run: image_only_body,
    },
    CheckDef {
        id: "hidden-text",
        family: Family::Content,
        grade: Grade::Hint,
        run: hidden_text,
    },
    CheckDef {
        id: "html-form",
        family: Family::Content,
        grade: Grade::Hint,
        run: html_form,
    },
];

/// Urgency, deadlines and threats of losing something.
pub static URGENCY: Cues = Cues::named("urgency");

/// Asks for a password, a code or "account verification" (strong cues).
pub static CREDENTIAL_STRONG: Cues = Cues::named("credential_strong");

/// Mentions of passwords and sign-in (weak alone).
pub static CREDENTIAL_WEAK: Cues = Cues::named("credential_weak");

/// Asks to pay or move money (strong cues).
pub static PAYMENT_STRONG: Cues = Cues::named("payment_strong");

/// Mentions of invoices and payments (weak alone).
pub static PAYMENT_WEAK: Cues = Cues::named("payment_weak");

/// A changed or new bank account for payments.
pub static BANK_CHANGE: Cues = Cues::named("bank_change");

/// Gift cards by name.
pub static GIFT_CARDS: Cues = Cues::named("gift_cards");

/// Asking the reader to buy gift cards and pass on the codes.
pub static GIFT_ASK: Cues = Cues::named("gift_ask");

/// Asking the reader to phone.
pub static CALL: Cues = Cues::named("call");

/// Charges, orders, subscriptions and refunds: what callback scams are "about".
pub static MONEY_TOPIC: Cues = Cues::named("money_topic");

/// "If you did not make this purchase…": the hook of callback scams.
pub static DISPUTE: Cues = Cues::named("dispute");

fn urgent_pressure(c: &Ctx) -> Finding {
    if !has_text(c.r) {
        return Finding::skip("The message has no text to read");
    }
    let doc = c.doc();
    let hits = doc.find(&URGENCY);
    let n = cues::distinct(&hits);
    if n == 0 {
        return Finding::pass("No pressure or threats in the wording");
    }
    let weight = match n {
        1 => 1,
        2 => 2,
        _ => 3,
    };
    let f = Finding::warn(
        weight,
        format!(
            "The message pushes you to act fast or threatens a loss: {}",
            quoted(doc, &hits, 3)
        ),
    );
    evidence(f, c.r, doc, &hits, 3)
}

fn credential_request(c: &Ctx) -> Finding {
    if !has_text(c.r) {
        return Finding::skip("The message has no text to read");
    }
    if report_without_ask(c.r) {
        return Finding::pass(
            "An automatic delivery report with no link or form: it cannot ask for your password",
        );
    }
    let doc = c.doc();
    let strong = doc.find(&CREDENTIAL_STRONG);
    let urgent = cues::distinct(&doc.find(&URGENCY));
    if !strong.is_empty() {
        let asks = quoted(doc, &strong, 3);
        let f = if urgent > 0 {
            Finding::fail(
                7,
                format!("The message asks you to give or confirm your sign-in details, and rushes you: {asks}"),
            )
        } else {
            // Without pressure, one such phrase is common in genuine account mail (a
            // registration notice, a list's password reminder): it needs company to count.
            Finding::warn(
                3,
                format!("The message asks you to give or confirm your sign-in details: {asks}"),
            )
        };
        return evidence(f, c.r, doc, &strong, 3);
    }
    let weak = doc.find(&CREDENTIAL_WEAK);
    if cues::distinct(&weak) >= 2 && urgent > 0 {
        let f = Finding::warn(
            2,
            format!(
                "The message talks about signing in or passwords under time pressure: {}",
                quoted(doc, &weak, 3)
            ),
        );
        return evidence(f, c.r, doc, &weak, 2);
    }
    Finding::pass("The message does not ask for a password or a code")
}

fn payment_request(c: &Ctx) -> Finding {
    if !has_text(c.r) {
        return Finding::skip("The message has no text to read");
    }
    let doc = c.doc();
    let strong = doc.find(&PAYMENT_STRONG);
    let n = cues::distinct(&strong);
    if n > 0 {
        let urgent = cues::distinct(&doc.find(&URGENCY)) > 0;
        let weight = match (n, urgent) {
            (1, false) => 2,
            (1, true) | (_, false) => 3,
            (_, true) => 5,
        };
        let f = Finding::warn(
            weight,
            format!(
                "The message asks you to pay or move money: {}",
                quoted(doc, &strong, 3)
            ),
        );
        return evidence(f, c.r, doc, &strong, 3);
    }
    let weak = doc.find(&PAYMENT_WEAK);
    if !weak.is_empty() {
        return Finding::pass(
            "The message mentions an invoice or a payment but does not press you to pay",
        );
    }
    Finding::pass("The message does not ask for money")
}

fn bank_detail_change(c: &Ctx) -> Finding {
    if !has_text(c.r) {
        return Finding::skip("The message has no text to read");
    }
    let doc = c.doc();
    let hits = doc.find(&BANK_CHANGE);
    if hits.is_empty() {
        return Finding::pass("The message does not announce new bank details");
    }
    let pay = !doc.find(&PAYMENT_STRONG).is_empty();
    let summary = format!(
        "The message says the bank account for payments has changed: {}",
        quoted(doc, &hits, 2)
    );
    let f = if pay {
        Finding::fail(8, summary)
    } else {
        Finding::warn(5, summary)
    };
    evidence(f, c.r, doc, &hits, 2)
}

fn gift_card_request(c: &Ctx) -> Finding {
    if !has_text(c.r) {
        return Finding::skip("The message has no text to read");
    }
    let doc = c.doc();
    let cards = doc.find(&GIFT_CARDS);
    if cards.is_empty() {
        return Finding::pass("No gift cards are mentioned");
    }
    let ask = doc.find(&GIFT_ASK);
    // Shops advertise gift cards in newsletters and lists pass such offers on; the scam is a
    // personal message asking you to buy cards and send the codes.
    let mass_mail = matches!(c.r.kind, MessageKind::Bulk | MessageKind::List);
    if ask.is_empty() || mass_mail {
        let f = Finding::warn(
            1,
            format!(
                "The message mentions gift cards: {}",
                quoted(doc, &cards, 2)
            ),
        );
        return evidence(f, c.r, doc, &cards, 1);
    }
    let mut all = cards.clone();
    all.extend(ask.iter().cloned());
    let f = Finding::warn(
        7,
        format!(
            "The message asks you to buy gift cards and pass on their codes: {}",
            quoted(doc, &all, 3)
        ),
    );
    evidence(f, c.r, doc, &all, 3)
}

/// A phone number: 9–15 digits in groups, or starting with "+".
fn phone_numbers(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0usize;
    while i < bytes.len() && out.len() < 20 {
        let b = bytes.get(i).copied().unwrap_or(0);
        let starts = b == b'+' || b == b'(' || b.is_ascii_digit();
        // Numbers inside URLs, versions and identifiers are not phone numbers.
        let prev_ok = i == 0
            || bytes.get(i - 1).is_some_and(|p| {
                matches!(
                    p,
                    b' ' | b'\t' | b'\n' | b'\r' | b'(' | b':' | b',' | b';' | b'>'
                )
            });
        if !(starts && prev_ok) {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut digits = 0usize;
        let mut groups = 0usize;
        let mut in_digits = false;
        let mut run = 0usize;
        let mut longest = 0usize;
        while let Some(&c) = bytes.get(j) {
            if c.is_ascii_digit() {
                digits += 1;
                if !in_digits {
                    groups += 1;
                    run = 0;
                }
                run += 1;
                longest = longest.max(run);
                in_digits = true;
            } else if matches!(c, b' ' | b'-' | b'.' | b'(' | b')' | b'+') && j - i < 24 {
                in_digits = false;
                // Separators only count between digits.
                if !bytes
                    .get(j + 1)
                    .is_some_and(|n| n.is_ascii_digit() || matches!(n, b' ' | b'(' | b'-'))
                {
                    break;
                }
            } else {
                break;
            }
            j += 1;
            if j - i > 24 {
                break;
            }
        }
        let next_alnum = bytes.get(j).is_some_and(|n| n.is_ascii_alphanumeric());
        let grouped = groups >= 2 && longest <= 6;
        if (9..=15).contains(&digits) && (grouped || b == b'+') && !next_alnum {
            let end = text.get(i..j).map_or(j, |s| i + s.trim_end().len());
            out.push((i, end));
        }
        i = j.max(i + 1);
    }
    out
}

fn callback_number(c: &Ctx) -> Finding {
    if !has_text(c.r) {
        return Finding::skip("The message has no text to read");
    }
    let doc = c.doc();
    let phones = phone_numbers(doc.body);
    if phones.is_empty() {
        return Finding::pass("No phone number to call");
    }
    let calls: Vec<Hit> = doc
        .find(&CALL)
        .into_iter()
        .filter(|h| h.source == cues::Source::Body)
        .collect();
    // The call-to-action must sit near the number, as in "call us at +1 …".
    let near = phones.iter().find(|(s, e)| {
        calls
            .iter()
            .any(|h| h.end + 160 >= *s && h.start <= e + 160)
    });
    let Some(&(ps, pe)) = near else {
        return Finding::pass("Phone numbers appear, but you are not asked to call about money");
    };
    let money = doc.find(&MONEY_TOPIC);
    if money.is_empty() {
        return Finding::pass("A phone number appears, but not about a charge or an order");
    }
    let dispute = doc.find(&DISPUTE);
    let number = doc.body.get(ps..pe).unwrap_or("").trim().to_string();
    let (weight, summary) = if dispute.is_empty() {
        (
            3,
            format!("The message asks you to phone {number} about a charge, order or subscription"),
        )
    } else {
        (
            6,
            format!("The message asks you to phone {number} to cancel or dispute a charge: this is how callback scams start"),
        )
    };
    let f = Finding::warn(weight, summary)
        .with(Location::Body, cues::sentence_around(doc.body, ps, pe));
    evidence(f, c.r, doc, &dispute, 1)
}

/// Reply and forward prefixes in many languages ("Re:", "AW:", "RES:", "Fwd:", "ENC:", "WG:"…).
fn subject_prefix(subject: &str) -> Option<(bool, String)> {
    let mut s = subject.trim_start();
    // A list tag such as "[team]" may come first.
    if s.starts_with('[') {
        if let Some(end) = s.find(']') {
            s = s.get(end + 1..).unwrap_or("").trim_start();
        }
    }
    let colon = s.find([':', '：'])?;
    let head = s.get(..colon)?.trim();
    let word: String = head
        .chars()
        .take_while(|c| c.is_alphabetic())
        .collect::<String>()
        .to_lowercase();
    // "Re[2]" / "Re(2)" / "RE -" variants keep their counter.
    let rest = head.get(word.len()..).unwrap_or("").trim();
    if !(rest.is_empty() || rest.starts_with(['[', '('])) {
        return None;
    }
    const REPLY: &[&str] = &[
        "re", "aw", "sv", "vs", "antw", "res", "odp", "ynt", "r", "rif", "atb",
    ];
    const FORWARD: &[&str] = &[
        "fw", "fwd", "wg", "enc", "tr", "rv", "i", "doorst", "vb", "fs", "pd",
    ];
    let prefix = s.get(..colon + 1).unwrap_or("").to_string();
    if REPLY.contains(&word.as_str()) {
        Some((true, prefix))
    } else if FORWARD.contains(&word.as_str()) {
        Some((false, prefix))
    } else {
        None
    }
}

fn fake_reply_subject(c: &Ctx) -> Finding {
    let Some(subject) = c.r.subject.as_deref() else {
        return Finding::skip("The message has no subject");
    };
    let Some((reply, prefix)) = subject_prefix(subject) else {
        return Finding::skip("The subject does not claim to be a reply or a forward");
    };
    let id = &c.r.identity;
    if id.in_reply_to || id.references {
        return Finding::pass("The message is a genuine reply: it names the message it answers");
    }
    // Outlook threads conversations with Thread-Index and may leave out In-Reply-To.
    if c.r
        .headers
        .iter()
        .any(|h| h.name.eq_ignore_ascii_case("thread-index"))
    {
        return Finding::pass("The message carries Outlook's conversation marker (Thread-Index)");
    }
    // Mailing lists carry replies from every kind of mail program, some of which do not
    // link their replies.
    let on_list = id.list_id.is_some();
    let subject_loc =
        c.r.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case("subject"))
            .map(|h| h.index);
    let f = if reply {
        Finding::warn(
            if on_list { 1 } else { 2 },
            format!("The subject starts with \u{201c}{prefix}\u{201d} as if you had written first, but the message does not answer any earlier message"),
        )
    } else {
        Finding::warn(
            1,
            format!("The subject starts with \u{201c}{prefix}\u{201d} but the message is not linked to an earlier one"),
        )
    };
    match subject_loc {
        Some(i) => f.with_header(c.r, i),
        None => f.with(Location::Message, subject.to_string()),
    }
}

fn image_only_body(c: &Ctx) -> Finding {
    let content = &c.r.content;
    let inline_images =
        c.r.attachments
            .iter()
            .filter(|a| a.parent.is_none() && a.declared_type.starts_with("image/"))
            .count();
    // Pictures in the HTML, or pictures attached to a message with next to no text.
    let images = content.images.max(inline_images);
    if images == 0 {
        return Finding::pass("The message is not just a picture");
    }
    let text_chars = if content.has_html {
        content.html_visible_chars
    } else {
        content.text.chars().filter(|c| !c.is_whitespace()).count()
    };
    // A few words ("View online", a name) still leave the message a picture.
    if text_chars >= 60 {
        return Finding::pass("The message has real text besides its pictures");
    }
    let linked = !content.links.is_empty();
    let weight = if linked { 4 } else { 3 };
    Finding::warn(
        weight,
        format!(
            "The message is a picture with almost no text ({text_chars} characters){}: pictures hide words from filters and from you",
            if linked { " and a link" } else { "" }
        ),
    )
    .with(
        Location::Body,
        format!("{images} image(s), {text_chars} characters of text"),
    )
}

fn hidden_text(c: &Ctx) -> Finding {
    let content = &c.r.content;
    if !content.has_html {
        return Finding::skip("The message has no HTML part, so nothing can be hidden with styles");
    }
    let hidden = content.hidden_chars;
    if let Some(push) = content.pushed_out_of_view.as_deref() {
        let f = Finding::warn(
            3,
            format!("The message's layout opens a giant blank space ({push}), so part of its content sits far out of your sight, where only spam filters read it"),
        );
        let f = f.with(Location::Body, format!("style: {push}"));
        return content
            .hidden_text
            .iter()
            .take(2)
            .fold(f, |f, sample| f.with(Location::Body, sample.clone()));
    }
    if hidden == 0 {
        return Finding::pass("No hidden text");
    }
    // Newsletters hide a one-line preview that mail apps show next to the subject.
    if hidden <= 200 && content.hidden_text.len() <= 2 {
        return Finding::pass(format!(
            "Only a short hidden preview line ({hidden} characters), as newsletters use"
        ));
    }
    let visible = content.html_visible_chars;
    let weight = if hidden > visible.max(200) { 5 } else { 3 };
    let mut f = Finding::warn(
        weight,
        format!(
            "The message hides {hidden} characters of text from you (you see {visible}); hidden words are used to fool spam filters"
        ),
    );
    for sample in content.hidden_text.iter().take(3) {
        f = f.with(Location::Body, sample.clone());
    }
    f
}

/// Whether a form's target is on a domain the sender names itself by (From, envelope, a
/// signature: `SenderFacts::org_domains`).
fn goes_to_sender(r: &Report, action: &str) -> bool {
    url::Url::parse(action)
        .ok()
        .and_then(|u| u.host_str().map(org_domain))
        .is_some_and(|o| r.sender.org_domains.contains(&o))
}

fn html_form(c: &Ctx) -> Finding {
    let content = &c.r.content;
    if !content.has_html {
        return Finding::skip("The message has no HTML part");
    }
    if content.forms == 0 && content.password_inputs == 0 {
        return Finding::pass("No form to fill in inside the message");
    }
    let target = content
        .form_actions
        .first()
        .map(|a| format!(" It sends what you type to {a}."))
        .unwrap_or_default();
    let f = if content.password_inputs > 0 {
        Finding::fail(
            10,
            format!("The message itself contains a password box: real services never ask for it inside an email.{target}"),
        )
        .graded(Grade::Strong)
    } else if content.form_inputs > 0 {
        // One field is usually a newsletter's search or sign-up box; several ask for details.
        // A form that goes back to the sender's own site (its search, its subscription
        // settings) gives nothing to a stranger.
        let own_site = !content.form_actions.is_empty()
            && content.form_actions.iter().all(|a| goes_to_sender(c.r, a));
        // Several one-box forms (a search box, a sign-up box) are not a form asking for
        // details: only more fields than forms means some form asks for several things.
        let asks_details = content.form_inputs >= 2 && content.form_inputs > content.forms;
        Finding::warn(
            if asks_details && !own_site { 3 } else { 1 },
            format!("The message contains a form to type information into.{target}"),
        )
    } else {
        Finding::warn(
            2,
            format!("The message contains a form with buttons.{target}"),
        )
    };
    let mut f = f.with(
        Location::Body,
        format!(
            "{} form(s), {} field(s), {} password field(s)",
            content.forms, content.form_inputs, content.password_inputs
        ),
    );
    for a in content.form_actions.iter().take(2) {
        f = f.with(Location::Body, format!("form action: {a}"));
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{analyze, CheckResult, Options, Outcome};

    fn run(raw: &str, id: &str) -> CheckResult {
        let report = analyze(raw.as_bytes(), &Options::default()).expect("analyses");
        report
            .checks
            .into_iter()
            .find(|c| c.id == id)
            .expect("check present")
    }

    fn plain(subject: &str, body: &str) -> String {
        format!(
            "From: Someone <someone@example.com>\r\nTo: you@example.org\r\nSubject: {subject}\r\nMessage-ID: <1@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
        )
    }

    fn html(subject: &str, body: &str) -> String {
        format!(
            "From: Someone <someone@example.com>\r\nTo: you@example.org\r\nSubject: {subject}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{body}\r\n"
        )
    }

    fn fires(c: &CheckResult) -> bool {
        matches!(c.outcome, Outcome::Warn | Outcome::Fail) && c.weight > 0
    }

    #[test]
    fn urgency_fires_on_threats_and_stays_quiet_on_chat() {
        let c = run(
            &plain(
                "Final notice",
                "Your account will be suspended within 24 hours. Act now.",
            ),
            "urgent-pressure",
        );
        assert!(fires(&c) && c.weight == 3, "{c:?}");
        assert!(!c.evidence.is_empty());
        let c = run(
            &plain(
                "Lunch",
                "The board immediately crashed when I ran the transfer test.",
            ),
            "urgent-pressure",
        );
        assert_eq!(c.outcome, Outcome::Pass, "{c:?}");
        let c = run(
            &plain("Aviso", "Sua conta será bloqueada hoje."),
            "urgent-pressure",
        );
        assert!(fires(&c), "{c:?}");
    }

    #[test]
    fn credential_request_is_strong_with_urgency() {
        let c = run(
            &plain("Security alert", "Unusual sign-in activity. Please verify your account immediately or it will be closed."),
            "credential-request",
        );
        assert_eq!(c.outcome, Outcome::Fail, "{c:?}");
        assert_eq!(c.weight, 7);
        let c = run(
            &plain(
                "Atualização",
                "Prezado cliente, atualize seus dados cadastrais.",
            ),
            "credential-request",
        );
        assert!(fires(&c), "{c:?}");
        let c = run(
            &plain(
                "Re: build",
                "I set the root password in the image and rebuilt it.",
            ),
            "credential-request",
        );
        assert_eq!(c.outcome, Outcome::Pass, "{c:?}");
    }

    #[test]
    fn cues_work_in_other_languages() {
        let cases = [
            ("urgent-pressure", "Su cuenta será bloqueada en 24 horas."),
            (
                "urgent-pressure",
                "Votre compte sera suspendu sous 48 heures.",
            ),
            ("urgent-pressure", "Il tuo account è stato sospeso."),
            (
                "urgent-pressure",
                "All inactive wallets will be closed after 48hour of receiving this email.",
            ),
            (
                "urgent-pressure",
                "Seu nome foi citado no processo abaixo, em seu nome.",
            ),
            (
                "credential-request",
                "Veuillez vérifier votre compte et saisir votre mot de passe.",
            ),
            ("credential-request", "Bitte bestätigen Sie Ihr Konto."),
            (
                "credential-request",
                "Inserisci la password per verificare il tuo account.",
            ),
            ("payment-request", "Efetue o pagamento do boleto vencido."),
            (
                "payment-request",
                "Bitte begleichen Sie die offene Rechnung per Überweisung.",
            ),
        ];
        for (id, body) in cases {
            let c = run(&plain("Aviso", body), id);
            assert!(fires(&c), "{id} did not fire on {body:?}: {c:?}");
        }
    }

    #[test]
    fn a_disclaimer_about_bank_data_is_not_a_change() {
        let c = run(
            &plain("Aviso", "O banco não solicita atualização de cadastro, dados bancários ou pessoais por e-mail."),
            "bank-detail-change",
        );
        assert_eq!(c.outcome, Outcome::Pass, "{c:?}");
    }

    #[test]
    fn payment_request_fires_on_wire_transfer_only() {
        let c = run(
            &plain(
                "Invoice",
                "Please process a wire transfer today for the overdue invoice.",
            ),
            "payment-request",
        );
        assert!(fires(&c), "{c:?}");
        let c = run(
            &plain(
                "DMA",
                "The DMA transfer of the buffer finished; see the attached log.",
            ),
            "payment-request",
        );
        assert_eq!(c.outcome, Outcome::Pass, "{c:?}");
    }

    #[test]
    fn bank_detail_change_fires() {
        let c = run(
            &plain("Update", "Please note our bank details have changed. Kindly pay the outstanding invoice to the new account."),
            "bank-detail-change",
        );
        assert_eq!(c.outcome, Outcome::Fail, "{c:?}");
        let c = run(
            &plain(
                "Geänderte Bankverbindung",
                "Bitte nutzen Sie ab sofort die neue Bankverbindung.",
            ),
            "bank-detail-change",
        );
        assert!(fires(&c), "{c:?}");
        let c = run(
            &plain("Hi", "Create a new account on the wiki to edit pages."),
            "bank-detail-change",
        );
        assert_eq!(c.outcome, Outcome::Pass, "{c:?}");
    }

    #[test]
    fn gift_card_request_needs_an_ask() {
        let c = run(
            &plain("Quick favor", "Are you free? I need you to buy 5 Google Play gift cards and send me pictures of the codes on the back."),
            "gift-card-request",
        );
        assert!(fires(&c) && c.weight >= 6, "{c:?}");
        let c = run(
            &plain("Hello", "Nothing about cards here."),
            "gift-card-request",
        );
        assert_eq!(c.outcome, Outcome::Pass);
        // The same words in bulk mail (an unsubscribe link: a shop's or a club's mailing)
        // are judged as an offer, not as the personal request the scam is.
        let newsletter = plain(
            "Quick favor",
            "Are you free? I need you to buy 5 Google Play gift cards and send me pictures of the codes on the back.",
        )
        .replace(
            "Message-ID:",
            "List-Unsubscribe: <https://example.com/unsubscribe>\r\nMessage-ID:",
        );
        let c = run(&newsletter, "gift-card-request");
        assert!(c.weight <= 1, "{c:?}");
    }

    #[test]
    fn callback_number_needs_call_and_charge() {
        let c = run(
            &plain("Your order", "Your subscription was renewed and $399.99 charged. If you did not authorize this charge, call our billing desk at +1 (808) 555-0142 within 24 hours."),
            "callback-number",
        );
        assert!(fires(&c) && c.weight >= 6, "{c:?}");
        let c = run(
            &plain(
                "Meeting",
                "Thanks for the patch.\n--\nJane Doe, Lab manager\nPhone: +49 30 1234 5678",
            ),
            "callback-number",
        );
        assert_eq!(c.outcome, Outcome::Pass, "{c:?}");
    }

    #[test]
    fn fake_reply_subject_needs_missing_thread_headers() {
        let c = run(
            &plain("RE: Payment status", "See below"),
            "fake-reply-subject",
        );
        assert!(fires(&c), "{c:?}");
        let raw = "From: a@example.com\r\nSubject: Re: Payment status\r\nIn-Reply-To: <x@example.com>\r\n\r\nok\r\n";
        assert_eq!(run(raw, "fake-reply-subject").outcome, Outcome::Pass);
        assert_eq!(
            run(&plain("Report", "x"), "fake-reply-subject").outcome,
            Outcome::Skip
        );
        assert_eq!(subject_prefix("AW: Rechnung").map(|p| p.0), Some(true));
        assert_eq!(subject_prefix("ENC: doc").map(|p| p.0), Some(false));
        assert_eq!(subject_prefix("Reunion: agenda"), None);
    }

    #[test]
    fn image_only_body_fires_on_a_linked_picture() {
        let c = run(
            &html(
                "Offer",
                "<a href=\"https://x.example/\"><img src=\"https://x.example/a.png\"></a>",
            ),
            "image-only-body",
        );
        assert!(fires(&c), "{c:?}");
        let c = run(
            &html("News", "<p>Here is a long paragraph of ordinary text about our project and the plans for next month.</p><img src=cid:logo>"),
            "image-only-body",
        );
        assert_eq!(c.outcome, Outcome::Pass, "{c:?}");
    }

    #[test]
    fn hidden_text_ignores_a_preview_line() {
        let filler = "lorem ipsum dolor sit amet ".repeat(20);
        let c = run(
            &html("Hi", &format!("<p>Short visible text.</p><div style=\"display:none\">{filler}</div><span style=\"font-size:0\">{filler}</span><font color=white>{filler}</font>")),
            "hidden-text",
        );
        assert!(fires(&c), "{c:?}");
        let c = run(
            &html("News", "<div style=\"display:none\">This week: new releases</div><p>Visible newsletter text.</p>"),
            "hidden-text",
        );
        assert_eq!(c.outcome, Outcome::Pass, "{c:?}");
    }

    #[test]
    fn hidden_text_fires_on_content_pushed_out_of_view() {
        let c = run(
            &html("Offer", "<a href=\"https://x.example/\"><img src=\"https://x.example/a.png\"></a><div style=\"height: 2000vh\"></div><p>Welcome to our newsletter, here is this week's news about gardening and the weather.</p>"),
            "hidden-text",
        );
        assert!(fires(&c), "{c:?}");
        assert!(c.evidence.iter().any(|e| e.text.contains("2000vh")));
        let c = run(
            &html("News", "<table><tr><td style=\"height: 600px\">Welcome to our newsletter, here is this week's news.</td></tr></table>"),
            "hidden-text",
        );
        assert!(!fires(&c), "{c:?}");
    }

    #[test]
    fn image_only_body_counts_an_attached_picture() {
        let with_picture = |text: &str| {
            format!("From: Someone <someone@example.com>\r\nTo: you@example.org\r\nSubject: Hi\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>{text}</p>\r\n--b\r\nContent-Type: image/png; name=\"a.png\"\r\nContent-Disposition: attachment; filename=\"a.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--b--\r\n")
        };
        let c = run(&with_picture("#A0SC480A4S__"), "image-only-body");
        assert!(fires(&c), "{c:?}");
        let c = run(
            &with_picture("Here are the photos from Saturday's match; the team played very well and we won the cup."),
            "image-only-body",
        );
        assert!(!fires(&c), "{c:?}");
    }

    #[test]
    fn html_form_with_password_is_decisive() {
        let c = run(
            &html("Login", "<form action=\"https://collect.example/x\"><input name=email><input type=password name=p><button>Sign in</button></form>"),
            "html-form",
        );
        assert_eq!(c.outcome, Outcome::Fail);
        assert!(c.weight >= 10);
        let c = run(&html("Hi", "<p>No form here</p>"), "html-form");
        assert_eq!(c.outcome, Outcome::Pass);
        let c = run(&plain("Hi", "text"), "html-form");
        assert_eq!(c.outcome, Outcome::Skip);
    }

    #[test]
    fn a_20_mb_message_stays_fast() {
        let mut raw = String::from(
            "From: a@example.com\r\nSubject: big\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n",
        );
        let line =
            "urgent verify your account password now https://x.example/a call +1 555 010 0199\r\n";
        while raw.len() < 8 * 1024 * 1024 {
            raw.push_str(line);
        }
        raw.push_str("--b\r\nContent-Type: text/html\r\n\r\n");
        let html = "<div style=\"display:none\">hidden</div><p>text <a href=\"https://y.example/\">y.example</a><img src=x></p>\r\n";
        while raw.len() < 16 * 1024 * 1024 {
            raw.push_str(html);
        }
        raw.push_str("--b\r\nContent-Type: application/zip; name=\"a.zip\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
        while raw.len() < 20 * 1024 * 1024 {
            raw.push_str(
                "UEsDBAoAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\n",
            );
        }
        raw.push_str("--b--\r\n");
        let start = std::time::Instant::now();
        let report = analyze(raw.as_bytes(), &Options::default()).expect("analyses");
        let took = start.elapsed();
        assert!(report.content.truncated);
        assert!(report.content.text.len() <= crate::analysis::content::MAX_TEXT_BYTES);
        assert!(report.content.links.len() <= crate::analysis::content::MAX_LINKS);
        // Debug builds are slow; the bound is generous but still catches quadratic work.
        assert!(took.as_secs() < 60, "took {took:?}");
        println!("20 MB message analysed in {took:?}");
    }

    #[test]
    fn everyday_legitimate_mail_stays_below_caution() {
        let mails = [
            ("Your verification code", "Your verification code is 482913. Enter this code to finish signing in. If you didn't request it, you can ignore this email."),
            ("Password reset", "Someone asked to reset the password for your account. If this was you, use the link below. If not, ignore this message and your password will stay the same."),
            ("Your invoice is ready", "Thanks for your business. Invoice 2024-118 for March is attached. The amount will be charged to your card on file; no action is needed."),
            ("Last chance: 20% off ends tonight", "Our spring sale ends tonight. Browse new arrivals and gift cards in our shop."),
            ("Re: lab meeting", "Sounds good, see you at 3. I'll bring the measurements from the transfer test."),
            ("Nova fatura disponível", "Olá! Sua fatura de março já está disponível no aplicativo. O pagamento será debitado automaticamente."),
            ("Ihre Bestellung", "Vielen Dank für Ihre Bestellung. Die Rechnung finden Sie im Anhang. Bei Fragen erreichen Sie uns unter +49 30 1234 5678."),
        ];
        for (subject, body) in mails {
            let raw = plain(subject, body);
            let report = analyze(raw.as_bytes(), &Options::default()).expect("analyses");
            let weight: i32 = report
                .checks
                .iter()
                .filter(|c| c.family == crate::analysis::Family::Content)
                .map(|c| c.weight)
                .sum();
            assert!(
                weight < 4,
                "{subject}: content weight {weight}: {:?}",
                report
                    .checks
                    .iter()
                    .filter(|c| c.weight > 0)
                    .map(|c| (&c.id, c.weight))
                    .collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn every_content_check_has_a_lesson() {
        assert!(crate::lessons::parse_errors()
            .iter()
            .all(|e| !e.contains("content.toml")));
        for def in CHECKS {
            let lesson = crate::lessons::lesson(def.id);
            assert!(lesson.is_some(), "no lesson for {}", def.id);
            assert!(lesson.is_some_and(|l| !l.title.ends_with('.')));
        }
    }

    #[test]
    fn phone_numbers_are_found_but_not_dates() {
        assert_eq!(phone_numbers("call +1 (888) 555-0199 now").len(), 1);
        assert_eq!(phone_numbers("ligue 0800 724 0800").len(), 1);
        assert!(phone_numbers("on 2024-01-15 at noon").is_empty());
        assert!(phone_numbers("order 123456789012").is_empty());
        assert!(phone_numbers("GNU C++ version 5.4.0 20160609; Boost").is_empty());
        assert!(phone_numbers("see example.com/2100-1105-954903 now").is_empty());
    }
}

/// Firing rates on the development corpus (run with `--ignored --nocapture`; set
/// `MAILSLEUTH_SHOW=<check-id>` to list each hit, `MAILSLEUTH_TRACE=1` to name each file read).
#[cfg(test)]
mod corpus {
    use crate::analysis::{analyze, Family, Options, Outcome};
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    fn corpus_root() -> Option<PathBuf> {
        let candidates = [
            std::env::var_os("MAILSLEUTH_CORPUS").map(PathBuf::from),
            Some(PathBuf::from("../shared/corpus")),
        ];
        candidates.into_iter().flatten().find(|p| p.is_dir())
    }

    fn files(dir: &Path) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|rd| {
                rd.flatten()
                    .map(|e| e.path())
                    .filter(|p| p.is_file())
                    .collect()
            })
            .unwrap_or_default();
        out.sort();
        out
    }

    /// For each folder: how many messages each content/attachment check flags.
    fn rates(dir: &Path) -> (usize, BTreeMap<String, usize>) {
        let mut counts = BTreeMap::new();
        let mut n = 0;
        for path in files(dir) {
            if std::env::var_os("MAILSLEUTH_TRACE").is_some() {
                eprintln!("{}", path.display());
            }
            let Ok(raw) = std::fs::read(&path) else {
                continue;
            };
            let Ok(report) = analyze(&raw, &Options::default()) else {
                continue;
            };
            n += 1;
            let family_weight: i32 = report
                .checks
                .iter()
                .filter(|c| matches!(c.family, Family::Content | Family::Attachments))
                .map(|c| c.weight)
                .sum();
            if family_weight >= 4 {
                *counts
                    .entry("(content+attachments weight >= 4)".to_string())
                    .or_insert(0) += 1;
            }
            for c in report.checks.iter().filter(|c| {
                matches!(c.family, Family::Content | Family::Attachments)
                    && matches!(c.outcome, Outcome::Warn | Outcome::Fail)
                    && c.weight > 0
            }) {
                *counts.entry(c.id.to_string()).or_insert(0) += 1;
                if c.weight >= 3 {
                    *counts.entry(format!("{} (weight >= 3)", c.id)).or_insert(0) += 1;
                }
                if std::env::var_os("MAILSLEUTH_SHOW").is_some_and(|v| *v == *c.id) {
                    println!("  {} {}: {}", path.display(), c.id, c.summary);
                    for e in &c.evidence {
                        println!("      {}", e.text);
                    }
                }
            }
        }
        (n, counts)
    }

    #[test]
    #[ignore = "reads the development corpus; prints firing rates"]
    fn firing_rates_on_corpus() {
        let Some(root) = corpus_root() else {
            println!("corpus not found (set MAILSLEUTH_CORPUS); skipping");
            return;
        };
        let mut table: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let folders = ["phishing", "ham-list", "ham-2002", "spam-2002"];
        let mut alarm_share: BTreeMap<&str, f64> = BTreeMap::new();
        for (col, folder) in folders.iter().enumerate() {
            let (n, counts) = rates(&root.join(folder));
            println!("{folder}: {n} messages");
            let alarms = counts
                .get("(content+attachments weight >= 4)")
                .copied()
                .unwrap_or(0);
            alarm_share.insert(folder, 100.0 * alarms as f64 / n.max(1) as f64);
            for (id, k) in counts {
                let row = table
                    .entry(id)
                    .or_insert_with(|| vec!["-".to_string(); folders.len()]);
                if let Some(cell) = row.get_mut(col) {
                    *cell = format!("{k} ({:.1}%)", 100.0 * k as f64 / n.max(1) as f64);
                }
            }
        }
        println!("{:<40} {}", "check", folders.join(" | "));
        for (id, row) in table {
            println!("{id:<40} {}", row.join(" | "));
        }
        // On their own, these two families must keep legitimate mail out of "caution".
        for ham in ["ham-list", "ham-2002"] {
            let share = alarm_share.get(ham).copied().unwrap_or(0.0);
            assert!(
                share <= 1.0,
                "{ham}: {share:.1} % of messages reach caution on content and attachments alone"
            );
        }
    }
}
