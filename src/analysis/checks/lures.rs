//! Lures that need no sender disguise: crypto giveaways, prizes, extortion, advance-fee
//! fraud and fake delivery problems.

use super::content::{evidence, has_text, quoted};
use super::cues::{self, Cues, Doc};
use super::{CheckDef, Ctx, Finding};
use crate::analysis::Family;

pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "crypto-lure",
        family: Family::Content,
        run: crypto_lure,
    },
    CheckDef {
        id: "prize-lure",
        family: Family::Content,
        run: prize_lure,
    },
    CheckDef {
        id: "extortion-threat",
        family: Family::Content,
        run: extortion_threat,
    },
    CheckDef {
        id: "advance-fee-lure",
        family: Family::Content,
        run: advance_fee_lure,
    },
    CheckDef {
        id: "parcel-lure",
        family: Family::Content,
        run: parcel_lure,
    },
];

/// Giveaways, airdrops and "verify your wallet" lures.
static CRYPTO: Cues = Cues::new(&[
    "airdrop|airdrops",
    "seed|recovery|secret|mnemonic phrase|words",
    "claim ~3 tokens|token|airdrop|coins|crypto|nft|nfts|cashback|rewards|reward",
    "verify|connect|sync|synchronize|synchronise|validate|reactivate|restore ~2 wallet|wallets",
    "wallet ~2 suspended|locked|restricted|verification|synchronization|synchronisation|disconnected|compromised",
    "synchronization|synchronisation required",
    "free ~1 bitcoin|bitcoins|btc|eth|ethereum|crypto|usdt|xrp",
    "bitcoin|btc|eth|usdt|xrp ~3 transfer|balance|mining|received|payout|withdrawal|bonus",
    "transfer|transaction|balance|payout|withdrawal ~3 bitcoin|btc|eth|usdt|xrp|crypto|cryptocurrency",
    "win|won|winning|earn|earning|share ~4 bitcoin|bitcoins|btc|crypto|usdt|eth",
    "bitcoin|btc|crypto dice|casino|lottery|faucet",
    "wallet|wallets ~4 not ~2 verified",
    "unverified|inactive wallet|wallets",
    "kyc ~3 verification|verify|wallet|wallets",
    "mining balance",
    // Portuguese, Spanish, French, German, Italian
    "carteira|billetera|cartera|portefeuille|wallet|portafoglio ~2 bloqueada|suspensa|suspendida|bloquee|suspendu|gesperrt|bloccato",
    "frase de recuperacao|recuperacion",
    "resgate|reclame|reclamar|reclama ~2 tokens|bitcoin|cripto|criptomoedas|criptomonedas",
]);

/// Prizes, lotteries and windfalls.
static PRIZE: Cues = Cues::new(&[
    "you|you've|you+have ~2 won|been+selected|been+chosen",
    "congratulations|congrats ~3 won|winner|selected|prize|reward|gift",
    "win|won|winning ~3 prize|prizes|jackpot|iphone|gift+card|reward|cash",
    "could be yours",
    "jackpot|lottery|sweepstake|sweepstakes",
    "claim ~3 prize|reward|gift|bonus|winnings",
    "unclaimed ~2 funds|inheritance|prize",
    "inheritance ~3 fund|funds|million",
    "withdraw|withdrawal ~3 funds|balance|winnings|earnings",
    "funds|balance|payment|money ~3 pending|awaiting|waiting ~2 withdrawal|release|collection|you",
    "tax refund|rebate",
    // Portuguese, Spanish, French, German, Italian
    "parabens|felicidades|felicitations|gluckwunsch|complimenti ~4 ganhou|ganaste|gagne|gewonnen|vinto|premio|premiado|selecionado|seleccionado",
    "voce|usted ~2 ganhou|gano|foi+sorteado|fue+seleccionado",
    "sorteio|sorteo|loteria|lotteria|tirage",
    "premio|premios ~2 em+dinheiro|en+efectivo|acumulado",
    "valores|saldo|credito|creditos|dinheiro ~2 a+receber|pendente|pendentes",
    "pendente|pendentes de ~1 liberacao|saque|resgate",
    "liberacao|resgate|saque ~1 pendente|pendentes",
    "realize|efetue|efetuar|concluir ~3 resgate|saque|liberacao",
    "saldo|fondos|dinero ~3 pendiente|pendientes ~2 retiro|cobro|liberacion",
    "restituicao|reembolso|devolucion|remboursement ~3 imposto|impostos|irpf|impuestos|impots",
]);

/// Sextortion and "I hacked you" threats.
static EXTORTION_HACK: Cues = Cues::new(&[
    "hacked|infected|compromised|accessed ~4 your ~1 device|devices|computer|phone|account|email|system",
    "i+have access to your",
    "malware|trojan|spyware ~4 your ~1 device|computer|phone",
    "recorded|recording ~4 you|video|webcam|camera",
    "intimate|explicit|adult ~2 video|videos|content|websites",
    "hackeei|invadi|hackee ~3 seu|su|tu",
]);
static EXTORTION_PAY: Cues = Cues::new(&[
    "bitcoin|btc ~3 address|wallet|payment",
    "send|pay|transfer ~3 bitcoin|btc|usd|dollars|euros",
    "pague|envie|pagar ~3 bitcoin|btc",
]);

/// "Dear friend, I am a widow with 10 million dollars": advance-fee fraud.
static ADVANCE_FEE: Cues = Cues::new(&[
    "dear|beloved ~1 friend",
    "my dear beloved",
    "next of kin",
    "beneficiary ~3 fund|funds|inheritance|estate|account",
    "inheritance|donation|compensation|consignment ~3 fund|funds|million|usd|dollars|euros",
    "million ~1 usd|dollars|euros|us+dollars|pounds",
    "late ~2 husband|father|client",
    "widow|orphan|dying|terminally+ill",
    "charity|charitable ~3 donate|donation|fund",
    // Portuguese, Spanish, French, German, Italian
    "doacao|donacion|don|spende|donazione ~3 fundos|fondos|fonds|milhoes|millones|millions",
    "querido|querida|caro|cher|chere|lieber|liebe ~1 amigo|amiga|ami|amie|freund|freundin",
    "heranca|herencia|heritage|erbschaft|eredita",
]);

/// "Your parcel is on hold, pay the fee": fake delivery notices.
static PARCEL: Cues = Cues::new(&[
    "package|parcel|shipment|delivery|paquete|envio|entrega|pacote|encomenda|paket|sendung|zustellung|colis|livraison|pacco|spedizione|consegna ~4 pending|failed|suspended|held|hold|delayed|unsuccessful|returned|pendiente|fallida|retenido|retrasado|suspendido|pendente|retido|falhou|suspensa|zuruckgehalten|fehlgeschlagen|ausstehend|suspendu|echec|attente|sospeso|fallita",
    "delivery|redelivery|customs|shipping|envio|frete|taxa|tasa|zoll|douane|dogana ~3 fee|fees|charge|charges|tasa|taxa|gebuhr|frais|costo",
    "we|nous|wir|nosotros ~3 tried|attempted|intentamos|tentamos|versucht|essaye ~4 deliver|entregar|zustellen|livrer|erreichen",
    "schedule|reschedule|confirm ~2 delivery|redelivery|address",
]);

fn lure(c: &Ctx, cues: &Cues, weights: (i32, i32), fine: &str, what: &str) -> Finding {
    if !has_text(c.r) {
        return Finding::skip("The message has no text to read");
    }
    let doc = Doc::of(c.r);
    let hits = doc.find(cues);
    let n = cues::distinct(&hits);
    if n == 0 {
        return Finding::pass(fine.to_string());
    }
    let weight = if n >= 2 { weights.1 } else { weights.0 };
    let f = Finding::warn(weight, format!("{what}: {}", quoted(&doc, &hits, 3)));
    evidence(f, c.r, &doc, &hits, 3)
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
    lure(
        c,
        &PARCEL,
        (2, 4),
        "No delivery problem to fix",
        "The message says a delivery is stuck and needs you to act or pay",
    )
}

fn crypto_lure(c: &Ctx) -> Finding {
    if !has_text(c.r) {
        return Finding::skip("The message has no text to read");
    }
    let doc = Doc::of(c.r);
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
            quoted(&doc, &hits, 3)
        ),
    );
    evidence(f, c.r, &doc, &hits, 3)
}

fn prize_lure(c: &Ctx) -> Finding {
    if !has_text(c.r) {
        return Finding::skip("The message has no text to read");
    }
    let doc = Doc::of(c.r);
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
            quoted(&doc, &hits, 3)
        ),
    );
    evidence(f, c.r, &doc, &hits, 3)
}

fn extortion_threat(c: &Ctx) -> Finding {
    if !has_text(c.r) {
        return Finding::skip("The message has no text to read");
    }
    let doc = Doc::of(c.r);
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
                quoted(&doc, &hack, 2)
            ),
        );
        return evidence(f, c.r, &doc, &hack, 2);
    }
    let mut all = hack.clone();
    all.extend(pay);
    let f = Finding::fail(10, format!("The message threatens you and demands payment in cryptocurrency — a blackmail scam: {}", quoted(&doc, &all, 3)));
    evidence(f, c.r, &doc, &all, 3)
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
        let quiet = report(
            "Budget",
            "The wallet-sized cards are printed; see the attached budget.",
        );
        assert_eq!(outcome(&quiet, "crypto-lure"), Outcome::Pass);
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
