//! Lures that need no sender disguise: crypto giveaways, prizes, extortion, advance-fee
//! fraud and fake delivery problems.

use super::cues::{self, Cues, Doc, Source};
use super::finding::{CheckDef, Ctx, Finding};
use super::util::{evidence, has_text, header_evidence, quoted, report_without_ask};
use crate::analysis::domains;
use crate::analysis::types::{Family, Grade, Location};

pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "crypto-lure",
        family: Family::Content,
        grade: Grade::Hint,
        run: crypto_lure,
    },
    CheckDef {
        id: "prize-lure",
        family: Family::Content,
        grade: Grade::Hint,
        run: prize_lure,
    },
    CheckDef {
        id: "extortion-threat",
        family: Family::Content,
        grade: Grade::Hint,
        run: extortion_threat,
    },
    CheckDef {
        id: "advance-fee-lure",
        family: Family::Content,
        grade: Grade::Hint,
        run: advance_fee_lure,
    },
    CheckDef {
        id: "parcel-lure",
        family: Family::Content,
        grade: Grade::Hint,
        run: parcel_lure,
    },
    CheckDef {
        id: "romance-lure",
        family: Family::Content,
        grade: Grade::Hint,
        run: romance_lure,
    },
    CheckDef {
        id: "easy-money-lure",
        family: Family::Content,
        grade: Grade::Hint,
        run: easy_money_lure,
    },
    CheckDef {
        id: "celebrity-bait",
        family: Family::Content,
        grade: Grade::Hint,
        run: celebrity_bait,
    },
    CheckDef {
        id: "contact-elsewhere",
        family: Family::Content,
        grade: Grade::Hint,
        run: contact_elsewhere,
    },
];

/// Giveaways, airdrops and "verify your wallet" lures.
static CRYPTO: Cues = Cues::named("crypto");

/// Prizes, lotteries and windfalls.
static PRIZE: Cues = Cues::named("prize");

/// Sextortion and "I hacked you" threats.
static EXTORTION_HACK: Cues = Cues::named("extortion_hack");
static EXTORTION_PAY: Cues = Cues::named("extortion_pay");

/// "Dear friend, I am a widow with 10 million dollars": advance-fee fraud.
static ADVANCE_FEE: Cues = Cues::named("advance_fee");

/// "Your parcel is on hold, pay the fee": fake delivery notices.
static PARCEL: Cues = Cues::named("parcel");

/// A stranger looking for love or company: the opening of romance and dating scams.
static ROMANCE: Cues = Cues::named("romance");

/// Easy money: trading and investment profits, guaranteed returns, paid "online work",
/// casino and betting offers.
static EASY_MONEY: Cues = Cues::named("easy_money");

/// Famous people whose names are borrowed to sell investment and crypto scams.
static CELEBRITY: Cues = Cues::named("celebrity");

/// Words that ask the reader to write or get in touch.
static CONTACT: Cues = Cues::named("contact");

fn lure(c: &Ctx, cues: &Cues, weights: (i32, i32), fine: &str, what: &str) -> Finding {
    if !has_text(c.r) {
        return Finding::skip("The message has no text to read");
    }
    let doc = c.doc();
    let hits = doc.find(cues);
    let n = cues::distinct(&hits);
    if n == 0 {
        return Finding::pass(fine.to_string());
    }
    let weight = if n >= 2 { weights.1 } else { weights.0 };
    let f = Finding::warn(weight, format!("{what}: {}", quoted(doc, &hits, 3)));
    evidence(f, c.r, doc, &hits, 3)
}

fn advance_fee_lure(c: &Ctx) -> Finding {
    lure(
        c,
        &ADVANCE_FEE,
        (2, 5),
        "No stranger offering a fortune",
        "A stranger writes about a fortune, a donation or an inheritance that needs your help",
    )
}

fn parcel_lure(c: &Ctx) -> Finding {
    if report_without_ask(c.r) {
        return Finding::pass(
            "An automatic report about your own mail's delivery, with nothing to click or pay",
        );
    }
    lure(
        c,
        &PARCEL,
        (2, 4),
        "No delivery problem to fix",
        "The message says a delivery is stuck and needs you to act or pay",
    )
}

fn romance_lure(c: &Ctx) -> Finding {
    if !has_text(c.r) {
        return Finding::skip("The message has no text to read");
    }
    let doc = c.doc();
    let hits = doc.find(&ROMANCE);
    // One cue alone ("my photos", "single women") is ordinary talk; the scam's opening
    // line puts several together.
    if cues::distinct(&hits) < 2 {
        return Finding::pass("No stranger looking for love or company");
    }
    let f = Finding::warn(
        4,
        format!(
            "A stranger writes about being lonely or looking for a partner: {}",
            quoted(doc, &hits, 3)
        ),
    );
    evidence(f, c.r, doc, &hits, 3)
}

fn easy_money_lure(c: &Ctx) -> Finding {
    lure(
        c,
        &EASY_MONEY,
        (2, 4),
        "No promise of easy money",
        "The message promises easy money: trading or investment profits, paid online work or casino bonuses",
    )
}

/// The surname (or only name) of the celebrity a hit names, squashed: "Elon Musk" → "musk".
fn celebrity_key(text: &str) -> String {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(cues::fold)
        .collect();
    words.last().cloned().unwrap_or_default()
}

fn celebrity_bait(c: &Ctx) -> Finding {
    let r = c.r;
    let from = r.identity.from.as_ref();
    let name = from.and_then(|f| f.display_name.as_deref()).unwrap_or("");
    let domain = from
        .and_then(|f| f.domain.as_deref())
        .unwrap_or("")
        .to_lowercase();
    let in_name = Doc::new(name, "").find(&CELEBRITY);
    if let Some(h) = in_name.iter().max_by_key(|h| h.end - h.start) {
        let who = name.get(h.start..h.end).unwrap_or(name).to_string();
        // A famous person's own newsletter comes from a domain that carries the name.
        let key = celebrity_key(&who);
        if key.len() >= 3 && cues::fold(&domain).replace(['-', '.'], "").contains(&key) {
            return Finding::pass(format!("The name {who} matches the sender's domain"));
        }
        let f = Finding::warn(
            3,
            format!("The sender's name borrows a famous person ({who}), but celebrities do not write to strangers from {domain}; their names are used to sell scams"),
        );
        return header_evidence(f, r, "From");
    }
    if !has_text(r) {
        return Finding::skip("The message has no text to read");
    }
    let doc = c.doc();
    let named = doc.find(&CELEBRITY);
    if named.is_empty() {
        return Finding::pass("No famous name used as bait");
    }
    let mut money = doc.find(&EASY_MONEY);
    money.extend(doc.find(&CRYPTO));
    if money.is_empty() {
        return Finding::pass(
            "A famous person is mentioned, but nothing is being sold with the name",
        );
    }
    let mut all = named;
    all.extend(money);
    let f = Finding::warn(
        2,
        format!(
            "The message uses a famous name to sell money-making: {}",
            quoted(doc, &all, 3)
        ),
    );
    evidence(f, r, doc, &all, 3)
}

/// Email addresses written in `text`, with their byte ranges.
fn addresses_in(text: &str) -> Vec<(usize, usize, String)> {
    let local = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '-');
    let host = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-');
    let mut out = Vec::new();
    for (at, _) in text.match_indices('@') {
        let before = text.get(..at).unwrap_or("");
        let start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| local(*c))
            .last()
            .map_or(at, |(i, _)| i);
        let after = text.get(at + 1..).unwrap_or("");
        let len = after.find(|c: char| !host(c)).unwrap_or(after.len());
        let domain = after.get(..len).unwrap_or("").trim_end_matches(['.', '-']);
        let user = text.get(start..at).unwrap_or("").trim_start_matches('.');
        if user.is_empty() || !domain.contains('.') {
            continue;
        }
        let end = at + 1 + domain.len();
        out.push((start, end, format!("{user}@{domain}").to_lowercase()));
    }
    out
}

fn contact_elsewhere(c: &Ctx) -> Finding {
    let r = c.r;
    if r.content.text.trim().is_empty() {
        return Finding::skip("The message has no text to read");
    }
    let sender = r
        .identity
        .from
        .as_ref()
        .and_then(|f| f.address.as_deref())
        .unwrap_or("")
        .to_lowercase();
    let mine: Vec<String> = r
        .identity
        .addressed_to
        .iter()
        .map(|a| a.to_lowercase())
        .collect();
    let doc = c.doc();
    let verbs: Vec<cues::Hit> = doc
        .find(&CONTACT)
        .into_iter()
        .filter(|h| h.source == Source::Body)
        .collect();
    if verbs.is_empty() {
        return Finding::pass("The message does not ask you to write to another address");
    }
    for (start, end, addr) in addresses_in(doc.body) {
        let domain = addr.rsplit('@').next().unwrap_or("");
        if addr == sender || mine.contains(&addr) || !domains::is_free_mail(domain) {
            continue;
        }
        // A contact word shortly before the address, in the same sentence.
        let asked = verbs.iter().find(|h| {
            h.end <= start
                && start - h.end <= 80
                && doc
                    .body
                    .get(h.end..start)
                    .is_some_and(|gap| !gap.contains(". ") && !gap.contains("\n\n"))
        });
        let Some(h) = asked else {
            continue;
        };
        let excerpt = doc.body.get(h.start..end).unwrap_or(&addr).to_string();
        let f = Finding::warn(
            2,
            format!(
                "The message asks you to write to {addr}, a personal address that is not the sender's{}",
                if sender.is_empty() {
                    String::new()
                } else {
                    format!(" ({sender})")
                }
            ),
        );
        return f.with(Location::Body, excerpt);
    }
    Finding::pass("The message does not ask you to write to another address")
}

fn crypto_lure(c: &Ctx) -> Finding {
    if !has_text(c.r) {
        return Finding::skip("The message has no text to read");
    }
    let doc = c.doc();
    let hits = doc.find(&CRYPTO);
    let n = cues::distinct(&hits);
    if n == 0 {
        return Finding::pass("No crypto giveaway or wallet lure in the wording");
    }
    let weight = if n >= 2 { 5 } else { 3 };
    let f = Finding::warn(
        weight,
        format!(
            "The message dangles crypto money or says your wallet needs attention: {}",
            quoted(doc, &hits, 3)
        ),
    );
    evidence(f, c.r, doc, &hits, 3)
}

fn prize_lure(c: &Ctx) -> Finding {
    if !has_text(c.r) {
        return Finding::skip("The message has no text to read");
    }
    let doc = c.doc();
    let hits = doc.find(&PRIZE);
    let n = cues::distinct(&hits);
    if n == 0 {
        return Finding::pass("No prize or windfall in the wording");
    }
    let weight = if n >= 2 { 4 } else { 2 };
    let f = Finding::warn(
        weight,
        format!(
            "The message promises a prize or money out of the blue: {}",
            quoted(doc, &hits, 3)
        ),
    );
    evidence(f, c.r, doc, &hits, 3)
}

fn extortion_threat(c: &Ctx) -> Finding {
    if !has_text(c.r) {
        return Finding::skip("The message has no text to read");
    }
    let doc = c.doc();
    let hack = doc.find(&EXTORTION_HACK);
    if hack.is_empty() {
        return Finding::pass("No threat to expose you");
    }
    let pay = doc.find(&EXTORTION_PAY);
    if pay.is_empty() {
        let f = Finding::warn(
            2,
            format!(
                "The message claims someone broke into your device or recorded you: {}",
                quoted(doc, &hack, 2)
            ),
        );
        return evidence(f, c.r, doc, &hack, 2);
    }
    let mut all = hack.clone();
    all.extend(pay);
    let f = Finding::fail(10, format!("The message threatens you and demands payment in cryptocurrency — a blackmail scam: {}", quoted(doc, &all, 3)));
    evidence(f, c.r, doc, &all, 3)
}

#[cfg(test)]
mod tests {
    use crate::analysis::{Options, Outcome, Report};

    fn report(subject: &str, body: &str) -> Report {
        let raw = format!("From: a@example.com\r\nTo: b@example.org\r\nSubject: {subject}\r\nDate: Mon, 6 May 2024 10:00:00 +0000\r\nMessage-ID: <1@example.com>\r\n\r\n{body}\r\n");
        crate::analysis::analyze(raw.as_bytes(), &Options::default()).unwrap()
    }

    fn outcome(r: &Report, id: &str) -> Outcome {
        r.checks
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.outcome)
            .unwrap()
    }

    #[test]
    fn crypto_lures() {
        let r = report(
            "Claim your BWB airdrop",
            "Connect your wallet before the airdrop ends.",
        );
        assert_eq!(outcome(&r, "crypto-lure"), Outcome::Warn);
        let btc = report(
            "Your transfer of 2 BTC is waiting",
            "See the attached statement.",
        );
        assert_eq!(outcome(&btc, "crypto-lure"), Outcome::Warn);
        let mint = report(
            "Own a CyberLama",
            "The first 500 are a free mint: mint your NFT today.",
        );
        assert_eq!(outcome(&mint, "crypto-lure"), Outcome::Warn);
        let quiet = report(
            "Budget",
            "The wallet-sized cards are printed; see the attached budget.",
        );
        assert_eq!(outcome(&quiet, "crypto-lure"), Outcome::Pass);
        let herbs = report(
            "Garden",
            "We planted mint and basil; withdraw the old pots.",
        );
        assert_eq!(outcome(&herbs, "crypto-lure"), Outcome::Pass);
    }

    #[test]
    fn prize_lures() {
        let r = report(
            "This Sunday, you could win",
            "Congratulations, you have won a prize! Claim your prize today.",
        );
        assert_eq!(outcome(&r, "prize-lure"), Outcome::Warn);
        let pt = report("Parabéns!", "Parabéns, você ganhou um prêmio no sorteio.");
        assert_eq!(outcome(&pt, "prize-lure"), Outcome::Warn);
        let pending = report(
            "Notificação de Crédito",
            "Você possui R$4.593,21 pendentes de saque. Siga as instruções para concluir a liberação do saque.",
        );
        assert_eq!(outcome(&pending, "prize-lure"), Outcome::Warn);
        let refund = report("IRS", "Your tax refund is waiting for you.");
        assert_eq!(outcome(&refund, "prize-lure"), Outcome::Warn);
        let wont = report(
            "Backups",
            "If you skip this step, you won't be able to restore.",
        );
        assert_eq!(outcome(&wont, "prize-lure"), Outcome::Pass);
        let quiet = report(
            "Team lunch",
            "Congratulations to Ana on the new role. Lunch is at noon.",
        );
        assert_eq!(outcome(&quiet, "prize-lure"), Outcome::Pass);
    }

    #[test]
    fn advance_fee_and_parcel_lures() {
        let r = report("Dear friend", "My dear beloved friend, I am a widow and I want you to be the beneficiary of a fund of 10 million dollars.");
        assert_eq!(outcome(&r, "advance-fee-lure"), Outcome::Warn);
        let quiet = report("Lunch", "Dear Ana, lunch is at noon on Friday.");
        assert_eq!(outcome(&quiet, "advance-fee-lure"), Outcome::Pass);
        let p = report(
            "Tienes (1) paquete pendiente de entrega",
            "Su paquete está retenido. Pague la tasa de envío para reprogramar la entrega.",
        );
        assert_eq!(outcome(&p, "parcel-lure"), Outcome::Warn);
        let quiet = report(
            "Minutes",
            "The delivery of the new laptops went fine; thanks to everyone.",
        );
        assert_eq!(outcome(&quiet, "parcel-lure"), Outcome::Pass);
    }

    #[test]
    fn romance_lures() {
        let r = report(
            "Salutations",
            "I'm a lonely young woman. Where are you from and how old are you? I'll send my photo.",
        );
        let c = r.checks.iter().find(|c| c.id == "romance-lure").unwrap();
        assert_eq!(c.outcome, Outcome::Warn);
        assert_eq!(c.weight, 4);
        let quiet = report("Trip", "The photos from the trip are on the shared drive.");
        let c = quiet
            .checks
            .iter()
            .find(|c| c.id == "romance-lure")
            .unwrap();
        assert!(c.weight <= 1);
        let none = report("Budget", "The budget is attached.");
        assert_eq!(outcome(&none, "romance-lure"), Outcome::Pass);
    }

    #[test]
    fn extortion() {
        let r = report("ALARM", "I hacked your device and recorded you. Send 1000 USD in bitcoin to this bitcoin address within 48 hours.");
        assert_eq!(outcome(&r, "extortion-threat"), Outcome::Fail);
        let quiet = report(
            "Security update",
            "We patched the servers this weekend. No action is needed.",
        );
        assert_eq!(outcome(&quiet, "extortion-threat"), Outcome::Pass);
    }
}
