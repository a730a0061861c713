//! Domain knowledge shared by the checks: often-impersonated brands, look-alike domains,
//! free-mail providers, link shorteners, mailing services and free web hosts.
//!
//! Everything here is a pure function of its arguments and the compiled-in tables.
//! Domains are compared by their organisational domain (public suffix list), so
//! `mail.paypal.com` and `paypal.com` are the same owner.
//!
//! Tables are lists of domains. An entry `name.*` stands for a brand's national sites:
//! `name` under any country-code suffix (`paypal.de`, `amazon.co.uk`, `google.com.br`),
//! except the country codes most often used for typo-squatting `.com` (`.co`, `.cm`,
//! `.om`, `.ne`), which no brand in the table relies on.

use std::sync::OnceLock;

use serde::Serialize;
use unicode_security::{skeleton, MixedScript};

use super::identity::org_domain;

/// A well-known, often-impersonated organisation.
#[derive(Debug, Clone, Serialize)]
pub struct Brand {
    /// The name people know it by.
    pub name: &'static str,
    /// Domains it owns (organisational domains, or `name.*` for its national sites).
    pub domains: &'static [&'static str],
    /// Words that name it in text, lowercase. Keywords of three letters or fewer must be
    /// written in capitals to count ("UPS", not "follow-ups").
    pub keywords: &'static [&'static str],
}

/// The ways a domain can imitate another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LookalikeKind {
    /// One or two letters added, dropped, changed or swapped (`paypall.com`).
    EditDistance,
    /// Look-alike ASCII characters: digit for letter, `rn` for `m`, `vv` for `w` (`paypa1.com`).
    DigitSwap,
    /// The same name under another ending (`paypal.co` for `paypal.com`).
    TldSwap,
    /// Letters from another alphabet that look the same (Cyrillic `а` for Latin `a`).
    Homoglyph,
    /// One name mixing letters from several alphabets, a trick with no honest use.
    MixedScript,
    /// An international (punycode) name that resembles a known one.
    Punycode,
    /// A known name used as part of an unrelated domain (`paypal-login.example`).
    BrandInLabel,
}

impl LookalikeKind {
    /// Strength order: the first kinds are the most deliberate imitations.
    fn rank(self) -> u8 {
        match self {
            LookalikeKind::Homoglyph => 0,
            LookalikeKind::DigitSwap => 1,
            LookalikeKind::Punycode => 2,
            LookalikeKind::EditDistance => 3,
            LookalikeKind::TldSwap => 4,
            LookalikeKind::MixedScript => 5,
            LookalikeKind::BrandInLabel => 6,
        }
    }
}

/// A domain that imitates another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lookalike {
    /// The domain being imitated (for `MixedScript` with no known target: how the name reads).
    pub target: String,
    /// How it imitates the target.
    pub kind: LookalikeKind,
    /// One plain sentence saying what the imitation is.
    pub detail: String,
    /// The brand imitated, when the target belongs to one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brand: Option<&'static str>,
}

/// Country codes that are mostly typos of `.com`/`.net` when they carry a brand's name.
const TYPO_CCTLDS: &[&str] = &["co", "cm", "om", "ne"];

/// Brand names that are also everyday words, surnames or word stems: they only count as a
/// whole word or label, never inside a longer one, and never by edit distance ("officer"
/// is not "office", "amazonas" is not Amazon, "applebees" is not Apple, "telegraph" is not
/// Telegram's telegra.ph).
const COMMON_WORDS: &[&str] = &[
    "amazon",
    "apple",
    "office",
    "outlook",
    "windows",
    "live",
    "messenger",
    "android",
    "correios",
    "receita",
    "chase",
    "target",
    "orange",
    "delta",
    "prime",
    "inter",
    "azure",
    "meta",
    "steam",
    "youtu",
    "ledger",
    "caixa",
    "booking",
    "livelo",
    "telegra",
    "audible",
    "blogger",
    "acrobat",
    "norton",
    "disney",
    "fazenda",
    "ripple",
    "tether",
    "kraken",
    "blockchain",
    "crypto",
    "phantom",
    "exodus",
    "proton",
];

static BRANDS: &[Brand] = &[
    // Payment
    Brand {
        name: "PayPal",
        domains: &["paypal.com", "paypal.me", "paypalobjects.com", "paypal.*"],
        keywords: &["paypal"],
    },
    Brand {
        name: "Mercado Pago",
        domains: &[
            "mercadopago.com",
            "mercadopago.com.br",
            "mercadolivre.com.br",
            "mercadolibre.com",
            "mercadolibre.*",
            "mercadopago.*",
        ],
        keywords: &[
            "mercado pago",
            "mercadopago",
            "mercado livre",
            "mercado libre",
        ],
    },
    Brand {
        name: "PicPay",
        domains: &["picpay.com", "picpay.com.br"],
        keywords: &["picpay"],
    },
    Brand {
        name: "American Express",
        domains: &[
            "americanexpress.com",
            "aexp.com",
            "amex.com",
            "americanexpress.*",
        ],
        keywords: &["american express", "americanexpress", "amex"],
    },
    Brand {
        name: "Visa",
        domains: &["visa.com", "visa.*"],
        keywords: &["visa card", "verified by visa"],
    },
    Brand {
        name: "Mastercard",
        domains: &["mastercard.com", "mastercard.*"],
        keywords: &["mastercard"],
    },
    Brand {
        name: "Coinbase",
        domains: &["coinbase.com"],
        keywords: &["coinbase"],
    },
    Brand {
        name: "Binance",
        domains: &["binance.com"],
        keywords: &["binance"],
    },
    Brand {
        name: "Ledger",
        domains: &["ledger.com"],
        keywords: &["ledger live", "ledger wallet", "ledger nano"],
    },
    Brand {
        name: "Trust Wallet",
        domains: &["trustwallet.com"],
        keywords: &["trust wallet", "trustwallet"],
    },
    Brand {
        name: "MetaMask",
        domains: &["metamask.io"],
        keywords: &["metamask"],
    },
    Brand {
        name: "Venmo",
        domains: &["venmo.com"],
        keywords: &["venmo"],
    },
    Brand {
        name: "Cash App",
        domains: &["cash.app", "squareup.com"],
        keywords: &["cash app", "cashapp"],
    },
    Brand {
        name: "Zelle",
        domains: &["zellepay.com", "zelle.com"],
        keywords: &["zelle"],
    },
    // Banks
    Brand {
        name: "Chase",
        domains: &["chase.com", "jpmorgan.com", "jpmorganchase.com"],
        keywords: &["chase bank", "jpmorgan", "jp morgan"],
    },
    Brand {
        name: "Bank of America",
        domains: &["bankofamerica.com", "bofa.com"],
        keywords: &["bank of america", "bankofamerica"],
    },
    Brand {
        name: "Wells Fargo",
        domains: &["wellsfargo.com", "wf.com"],
        keywords: &["wells fargo", "wellsfargo"],
    },
    Brand {
        name: "Citibank",
        domains: &["citi.com", "citibank.com", "citigroup.com"],
        keywords: &["citibank"],
    },
    Brand {
        name: "Capital One",
        domains: &["capitalone.com"],
        keywords: &["capital one", "capitalone"],
    },
    Brand {
        name: "HSBC",
        domains: &["hsbc.com", "hsbc.*"],
        keywords: &["hsbc"],
    },
    Brand {
        name: "Barclays",
        domains: &["barclays.com", "barclays.co.uk", "barclaycard.co.uk"],
        keywords: &["barclays", "barclaycard"],
    },
    Brand {
        name: "Lloyds Bank",
        domains: &["lloydsbank.com", "lloydsbank.co.uk"],
        keywords: &["lloyds bank", "lloydsbank"],
    },
    Brand {
        name: "NatWest",
        domains: &["natwest.com"],
        keywords: &["natwest"],
    },
    Brand {
        name: "Santander",
        domains: &["santander.com", "santander.com.br", "santander.*"],
        keywords: &["santander"],
    },
    Brand {
        name: "Banco do Brasil",
        domains: &["bb.com.br", "bancodobrasil.com.br"],
        keywords: &["banco do brasil", "bancodobrasil"],
    },
    Brand {
        name: "Itaú",
        domains: &["itau.com.br", "itau.com", "xn--ita-boa.com.br"],
        keywords: &["itau", "itaucard"],
    },
    Brand {
        name: "Bradesco",
        domains: &["bradesco.com.br", "bradesco.com", "bradescard.com.br"],
        keywords: &["bradesco"],
    },
    Brand {
        name: "Caixa",
        domains: &["caixa.gov.br"],
        keywords: &["caixa economica", "caixa economica federal", "caixa tem"],
    },
    Brand {
        name: "Nubank",
        domains: &["nubank.com.br", "nu.com.br", "nubank.com"],
        keywords: &["nubank"],
    },
    Brand {
        name: "Banco Inter",
        domains: &["bancointer.com.br", "inter.co"],
        keywords: &["banco inter", "bancointer"],
    },
    Brand {
        name: "Sicoob",
        domains: &["sicoob.com.br"],
        keywords: &["sicoob"],
    },
    Brand {
        name: "Sicredi",
        domains: &["sicredi.com.br"],
        keywords: &["sicredi"],
    },
    Brand {
        name: "Serasa",
        domains: &["serasa.com.br", "serasaexperian.com.br"],
        keywords: &["serasa"],
    },
    Brand {
        name: "Livelo",
        domains: &["livelo.com.br", "pontolivelo.com.br"],
        keywords: &["livelo"],
    },
    // Delivery
    Brand {
        name: "DHL",
        domains: &["dhl.com", "dhl.*", "dhl.de", "dpdhl.com"],
        keywords: &["dhl"],
    },
    Brand {
        name: "FedEx",
        domains: &["fedex.com"],
        keywords: &["fedex"],
    },
    Brand {
        name: "UPS",
        domains: &["ups.com"],
        keywords: &["ups", "united parcel service"],
    },
    Brand {
        name: "USPS",
        domains: &["usps.com", "usps.gov"],
        keywords: &["usps", "postal service"],
    },
    Brand {
        name: "Correios",
        domains: &["correios.com.br"],
        keywords: &["correios"],
    },
    Brand {
        name: "Royal Mail",
        domains: &["royalmail.com", "royalmail.co.uk", "royalmailgroup.com"],
        keywords: &["royal mail", "royalmail"],
    },
    Brand {
        name: "Canada Post",
        domains: &[
            "canadapost.ca",
            "postescanada.ca",
            "canadapost-postescanada.ca",
        ],
        keywords: &["canada post", "canadapost"],
    },
    Brand {
        name: "Australia Post",
        domains: &["auspost.com.au"],
        keywords: &["australia post", "auspost"],
    },
    Brand {
        name: "PostNL",
        domains: &["postnl.nl", "postnl.com"],
        keywords: &["postnl"],
    },
    // Big tech
    Brand {
        name: "Microsoft",
        // Tenant domains (onmicrosoft.com, sharepoint.com) are deliberately absent:
        // anyone can get one, so they prove nothing about Microsoft.
        domains: &[
            "microsoft.com",
            "microsoftonline.com",
            "microsoft365.com",
            "office.com",
            "office365.com",
            "office.net",
            "live.com",
            "live.*",
            "outlook.com",
            "outlook.*",
            "hotmail.com",
            "hotmail.*",
            "msn.com",
            "bing.com",
            "onedrive.com",
            "1drv.ms",
            "aka.ms",
            "azure.com",
            "windows.com",
            "windows.net",
            "skype.com",
            "xbox.com",
            "microsoftstore.com",
        ],
        keywords: &[
            "microsoft",
            "office365",
            "office 365",
            "microsoft 365",
            "onedrive",
            "one drive",
            "sharepoint",
            "hotmail",
            "outlook web",
            "outlook team",
        ],
    },
    Brand {
        name: "Apple",
        domains: &[
            "apple.com",
            "icloud.com",
            "me.com",
            "mac.com",
            "itunes.com",
            "apple.co",
            "apple.news",
        ],
        keywords: &["apple", "icloud", "itunes", "apple id", "appleid"],
    },
    Brand {
        name: "Google",
        domains: &[
            "google.com",
            "google.*",
            "gmail.com",
            "googlemail.com",
            "youtube.com",
            "youtu.be",
            "gstatic.com",
            "googleusercontent.com",
            "googleapis.com",
            "googlegroups.com",
            "withgoogle.com",
            "goo.gl",
            "g.co",
            "android.com",
            "blogger.com",
            "google-analytics.com",
            "googleadservices.com",
            "googlesyndication.com",
            "googletagmanager.com",
            "googlevideo.com",
            "googlesource.com",
            "googlecode.com",
            "google.org",
            "ggpht.com",
            "abc.xyz",
        ],
        keywords: &["google", "gmail", "youtube", "google drive", "google docs"],
    },
    Brand {
        name: "Amazon",
        domains: &[
            "amazon.com",
            "amazon.*",
            "amazonaws.com",
            "amazonses.com",
            "media-amazon.com",
            "ssl-images-amazon.com",
            "primevideo.com",
            "audible.com",
            "amzn.com",
            "amzn.to",
            "a.co",
        ],
        keywords: &["amazon", "amazon prime", "prime video"],
    },
    Brand {
        name: "Meta (Facebook)",
        domains: &[
            "facebook.com",
            "facebookmail.com",
            "fb.com",
            "fb.me",
            "meta.com",
            "messenger.com",
        ],
        keywords: &["facebook", "meta platforms"],
    },
    Brand {
        name: "Instagram",
        domains: &["instagram.com", "cdninstagram.com"],
        keywords: &["instagram"],
    },
    Brand {
        name: "WhatsApp",
        domains: &["whatsapp.com", "whatsapp.net", "wa.me"],
        keywords: &["whatsapp"],
    },
    Brand {
        name: "LinkedIn",
        domains: &["linkedin.com", "lnkd.in", "licdn.com"],
        keywords: &["linkedin"],
    },
    Brand {
        name: "X (Twitter)",
        domains: &["twitter.com", "x.com", "t.co", "twimg.com"],
        keywords: &["twitter"],
    },
    Brand {
        name: "Adobe",
        domains: &[
            "adobe.com",
            "adobesign.com",
            "acrobat.com",
            "adobelogin.com",
        ],
        keywords: &["adobe", "adobe sign", "adobe acrobat"],
    },
    Brand {
        name: "DocuSign",
        domains: &["docusign.com", "docusign.net"],
        keywords: &["docusign"],
    },
    Brand {
        name: "Dropbox",
        domains: &["dropbox.com", "dropboxmail.com", "db.tt"],
        keywords: &["dropbox"],
    },
    Brand {
        name: "WeTransfer",
        domains: &["wetransfer.com", "we.tl"],
        keywords: &["wetransfer"],
    },
    Brand {
        name: "Zoom",
        domains: &["zoom.us", "zoom.com"],
        keywords: &["zoom meeting", "zoom video"],
    },
    Brand {
        name: "Yahoo",
        domains: &["yahoo.com", "yahoo.*", "ymail.com", "rocketmail.com"],
        keywords: &["yahoo"],
    },
    Brand {
        name: "eBay",
        domains: &["ebay.com", "ebay.*"],
        keywords: &["ebay"],
    },
    Brand {
        name: "Norton",
        domains: &["norton.com", "nortonlifelock.com", "gen.digital"],
        keywords: &[
            "norton antivirus",
            "norton 360",
            "norton security",
            "nortonlifelock",
        ],
    },
    Brand {
        name: "McAfee",
        domains: &["mcafee.com"],
        keywords: &["mcafee"],
    },
    Brand {
        name: "Geek Squad",
        domains: &["geeksquad.com", "bestbuy.com"],
        keywords: &["geek squad", "geeksquad"],
    },
    Brand {
        name: "Telegram",
        domains: &["telegram.org", "t.me", "telegra.ph"],
        keywords: &["telegram"],
    },
    Brand {
        name: "TikTok",
        domains: &["tiktok.com"],
        keywords: &["tiktok"],
    },
    // Shops and travel
    Brand {
        name: "Walmart",
        domains: &["walmart.com"],
        keywords: &["walmart"],
    },
    Brand {
        name: "Costco",
        domains: &["costco.com", "costcotravel.com"],
        keywords: &["costco"],
    },
    Brand {
        name: "Shopee",
        domains: &["shopee.com.br", "shopee.com", "shopee.*"],
        keywords: &["shopee"],
    },
    Brand {
        name: "Magazine Luiza",
        domains: &["magazineluiza.com.br", "magalu.com.br", "magalu.com"],
        keywords: &["magazine luiza", "magazineluiza", "magalu"],
    },
    Brand {
        name: "Booking.com",
        domains: &["booking.com"],
        keywords: &["booking.com"],
    },
    Brand {
        name: "Airbnb",
        domains: &["airbnb.com", "airbnb.*"],
        keywords: &["airbnb"],
    },
    // Streaming and games
    Brand {
        name: "Netflix",
        domains: &[
            "netflix.com",
            "netflix.net",
            "nflxext.com",
            "nflximg.net",
            "nflxso.net",
        ],
        keywords: &["netflix"],
    },
    Brand {
        name: "Spotify",
        domains: &["spotify.com", "scdn.co"],
        keywords: &["spotify"],
    },
    Brand {
        name: "Disney+",
        domains: &["disneyplus.com", "disney.com"],
        keywords: &["disney+", "disney plus", "disneyplus"],
    },
    Brand {
        name: "Steam",
        domains: &["steampowered.com", "steamcommunity.com"],
        keywords: &["steampowered", "steam community", "steam support"],
    },
    // Tax and government
    Brand {
        name: "Receita Federal",
        domains: &["gov.br", "fazenda.gov.br"],
        keywords: &["receita federal", "receitafederal"],
    },
    Brand {
        name: "Detran",
        domains: &["gov.br"],
        keywords: &["detran"],
    },
    Brand {
        name: "INSS",
        domains: &["gov.br"],
        keywords: &["inss"],
    },
    Brand {
        name: "IRS",
        domains: &["irs.gov"],
        keywords: &["irs", "internal revenue service"],
    },
    Brand {
        name: "HMRC",
        domains: &["hmrc.gov.uk", "gov.uk"],
        keywords: &["hmrc"],
    },
    // Crypto wallets, exchanges and projects: giveaway and "wallet suspended" lures.
    Brand {
        name: "Trezor",
        domains: &["trezor.io"],
        keywords: &["trezor"],
    },
    Brand {
        name: "OpenSea",
        domains: &["opensea.io"],
        keywords: &["opensea"],
    },
    Brand {
        name: "Uniswap",
        domains: &["uniswap.org"],
        keywords: &["uniswap"],
    },
    Brand {
        name: "PancakeSwap",
        domains: &["pancakeswap.finance"],
        keywords: &["pancakeswap"],
    },
    Brand {
        name: "zkSync",
        domains: &["zksync.io"],
        keywords: &["zksync"],
    },
    Brand {
        name: "Lido",
        domains: &["lido.fi"],
        keywords: &["lido-fi", "lido finance", "lido dao"],
    },
    Brand {
        name: "Tether",
        domains: &["tether.to"],
        keywords: &["tether"],
    },
    Brand {
        name: "Ripple",
        domains: &["ripple.com"],
        keywords: &["ripple"],
    },
    Brand {
        name: "Bitget",
        domains: &["bitget.com"],
        keywords: &["bitget"],
    },
    Brand {
        name: "Bybit",
        domains: &["bybit.com"],
        keywords: &["bybit"],
    },
    Brand {
        name: "OKX",
        domains: &["okx.com"],
        keywords: &["okx"],
    },
    Brand {
        name: "KuCoin",
        domains: &["kucoin.com"],
        keywords: &["kucoin"],
    },
    Brand {
        name: "Kraken",
        domains: &["kraken.com"],
        keywords: &["kraken"],
    },
    Brand {
        name: "Crypto.com",
        domains: &["crypto.com"],
        keywords: &["crypto.com"],
    },
    Brand {
        name: "Phantom",
        domains: &["phantom.app"],
        keywords: &["phantom wallet"],
    },
    Brand {
        name: "Exodus",
        domains: &["exodus.com"],
        keywords: &["exodus wallet"],
    },
    Brand {
        name: "Blockchain.com",
        domains: &["blockchain.com", "blockchain.info"],
        keywords: &["blockchain.com"],
    },
    Brand {
        name: "Proton",
        domains: &["proton.me", "protonmail.com", "protonmail.ch"],
        keywords: &["proton mail", "protonmail", "proton.me"],
    },
    // Health insurers and loyalty programmes whose names resellers and scammers borrow.
    Brand {
        name: "Amil",
        domains: &["amil.com.br"],
        keywords: &["amil"],
    },
    Brand {
        name: "NotreDame Intermédica",
        domains: &["gndi.com.br", "notredameintermedica.com.br"],
        keywords: &["notredame intermedica", "intermedica"],
    },
    Brand {
        name: "SulAmérica",
        domains: &["sulamerica.com.br"],
        keywords: &["sulamerica"],
    },
    Brand {
        name: "Unimed",
        domains: &["unimed.coop.br", "unimed.com.br"],
        keywords: &["unimed"],
    },
    Brand {
        name: "Hapvida",
        domains: &["hapvida.com.br"],
        keywords: &["hapvida"],
    },
    Brand {
        name: "Livelo",
        domains: &["livelo.com.br"],
        keywords: &["livelo"],
    },
    Brand {
        name: "Standard Chartered",
        domains: &["sc.com", "standardchartered.com"],
        keywords: &["standard chartered"],
    },
    Brand {
        name: "TotalEnergies",
        domains: &["totalenergies.com", "totalenergies.fr", "total.com"],
        keywords: &["totalenergies"],
    },
    Brand {
        name: "Celsius",
        domains: &["celsius.network"],
        keywords: &["celsius network", "celsius.network"],
    },
];

/// Well-known, often-impersonated brands: banks, payment, delivery, big tech, streaming,
/// tax and government. Generic roles ("IT helpdesk", "webmail") are not brands.
pub fn brands() -> &'static [Brand] {
    BRANDS
}

/// Text folded for comparison: lowercase, accents dropped, look-alike characters mapped to
/// one prototype (UTS #39 skeleton), so "PаyPaI" (Cyrillic а, capital I) reads "paypal".
fn fold(s: &str) -> String {
    let lower = s.to_lowercase();
    let skel: String = skeleton(&lower).collect();
    skel.to_lowercase()
        .chars()
        // Combining marks left by the decomposition: "itaú" → "itau".
        .filter(|c| !matches!(*c as u32, 0x300..=0x36F))
        .collect()
}

/// `fold` plus the ASCII swaps typo-squatters use that the skeleton leaves apart.
fn fold_swaps(s: &str) -> String {
    fold(s).replace("vv", "w").replace('i', "l")
}

/// Collapses every run of non-alphanumeric characters to one space.
fn words(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push(' ');
    for c in s.chars() {
        if c.is_alphanumeric() || c == '+' || c == '&' || c == '.' {
            out.push(c);
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

/// Whether `needle` occurs in `hay` with no letter or digit right before or after it.
fn contains_word(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    hay.match_indices(needle).any(|(i, _)| {
        let before = hay.get(..i).and_then(|h| h.chars().next_back());
        let after = hay.get(i + needle.len()..).and_then(|h| h.chars().next());
        let edge = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        edge(before) && edge(after)
    })
}

/// The brand a piece of text names (display name, subject, link text), if any.
/// Word-boundary, case- and accent-insensitive, and blind to look-alike letters;
/// "Applebees" does not name Apple, "PаyPal" with a Cyrillic а names PayPal.
pub fn brand_named_in(text: &str) -> Option<&'static Brand> {
    let folded = words(&fold(text));
    BRANDS.iter().find(|b| {
        b.keywords.iter().any(|k| {
            if k.chars().count() <= 3 {
                // Short keywords ("UPS", "IRS", "DHL") are ordinary syllables in lowercase.
                let upper = k.to_uppercase();
                return contains_word(&words(text), &upper);
            }
            contains_word(&folded, words(&fold(k)).trim())
        })
    })
}

/// Normalises a host: lowercase, no trailing dot, punycode form of international names.
fn ascii_host(domain: &str) -> String {
    let d = domain.trim().trim_end_matches('.').to_lowercase();
    match url::Host::parse(&d) {
        Ok(url::Host::Domain(a)) => a,
        _ => d,
    }
}

/// Whether `d` is `label` under a country-code suffix (a `name.*` table entry).
fn national_site(org: &str, label: &str) -> bool {
    let Some(rest) = org.strip_prefix(label).and_then(|r| r.strip_prefix('.')) else {
        return false;
    };
    let parts: Vec<&str> = rest.split('.').collect();
    let cc = |s: &str| s.len() == 2 && s.chars().all(|c| c.is_ascii_lowercase());
    match parts.as_slice() {
        [one] => cc(one) && !TYPO_CCTLDS.contains(one),
        [second, one] => {
            matches!(*second, "co" | "com" | "ne" | "or" | "org" | "net" | "ac") && cc(one)
        }
        _ => false,
    }
}

/// A domain normalised once for table look-ups.
struct Norm {
    /// Lowercase, punycode, no trailing dot.
    host: String,
    org: String,
}

impl Norm {
    fn new(domain: &str) -> Norm {
        let host = ascii_host(domain);
        let org = org_domain(&host);
        Norm { host, org }
    }

    /// Whether the domain equals a table entry or lies under it. Entries are stored
    /// lowercase and in punycode (a test keeps them so).
    fn in_table(&self, table: &[&str]) -> bool {
        table.iter().any(|entry| match entry.strip_suffix(".*") {
            Some(label) => national_site(&self.org, label),
            None => {
                self.host == *entry
                    || self
                        .host
                        .strip_suffix(entry)
                        .is_some_and(|p| p.ends_with('.'))
            }
        })
    }
}

fn in_table(domain: &str, table: &[&str]) -> bool {
    Norm::new(domain).in_table(table)
}

/// Whether `domain` belongs to `brand` (it is, or lies under, one of the brand's domains).
pub fn brand_owns(brand: &Brand, domain: &str) -> bool {
    in_table(domain, brand.domains)
}

/// The brand that owns `domain`, if any.
pub fn owner_brand(domain: &str) -> Option<&'static Brand> {
    let n = Norm::new(domain);
    BRANDS.iter().find(|b| n.in_table(b.domains))
}

/// A domain split for comparison: `login.paypal.co.uk` → label `paypal`, suffix `co.uk`.
#[derive(Debug, Clone)]
struct Parts {
    org: String,
    /// The registrable label, punycode decoded.
    label: String,
    suffix: String,
    /// The suffix is a hosting service's (github.io, blogspot.com), not a registry's.
    private_suffix: bool,
    /// Every label left of the suffix, punycode decoded (subdomains included).
    labels: Vec<String>,
    /// Some label was written in punycode (`xn--`).
    punycode: bool,
}

fn parts(domain: &str) -> Option<Parts> {
    let ascii = ascii_host(domain);
    let org = org_domain(&ascii);
    let sfx = psl::suffix(org.as_bytes())?;
    let private_suffix = sfx.typ() == Some(psl::Type::Private);
    let suffix = std::str::from_utf8(sfx.trim().as_bytes()).ok()?.to_string();
    let label_ascii = org.strip_suffix(suffix.as_str())?.strip_suffix('.')?;
    if label_ascii.is_empty() || label_ascii.contains('.') {
        return None;
    }
    let host_left = ascii.strip_suffix(suffix.as_str())?.strip_suffix('.')?;
    let labels: Vec<String> = host_left.split('.').map(unicode_label).collect();
    Some(Parts {
        label: unicode_label(label_ascii),
        punycode: host_left.split('.').any(|l| l.starts_with("xn--")),
        org,
        suffix,
        private_suffix,
        labels,
    })
}

/// Decodes one `xn--` label to Unicode; other labels come back as they are.
fn unicode_label(label: &str) -> String {
    if !label.starts_with("xn--") {
        return label.to_string();
    }
    let u = url::quirks::domain_to_unicode(label);
    if u.is_empty() {
        label.to_string()
    } else {
        u
    }
}

/// One domain something may imitate.
#[derive(Debug, Clone)]
struct Target {
    domain: String,
    label: String,
    folded: String,
    suffix: String,
    brand: Option<&'static Brand>,
    /// Only exact (skeleton) matches count: short or everyday-word labels.
    exact_only: bool,
}

fn target(domain: &str, brand: Option<&'static Brand>) -> Option<Target> {
    let p = parts(domain)?;
    let folded = fold_swaps(&p.label);
    let exact_only = p.label.chars().count() <= 3 || COMMON_WORDS.contains(&p.label.as_str());
    Some(Target {
        domain: p.org,
        label: p.label,
        folded,
        suffix: p.suffix,
        brand,
        exact_only,
    })
}

fn brand_targets() -> &'static [Target] {
    static T: OnceLock<Vec<Target>> = OnceLock::new();
    T.get_or_init(|| {
        BRANDS
            .iter()
            .flat_map(|b| {
                b.domains
                    .iter()
                    .filter(|d| !d.ends_with(".*"))
                    .filter_map(move |d| target(d, Some(b)))
            })
            .collect()
    })
}

/// Names that identify a brand inside a longer domain label, folded; `true` when the
/// name may also match inside a longer word (long, distinctive names only).
fn brand_tokens() -> &'static [(String, bool, &'static Brand)] {
    static T: OnceLock<Vec<(String, bool, &'static Brand)>> = OnceLock::new();
    T.get_or_init(|| {
        let mut out: Vec<(String, bool, &'static Brand)> = Vec::new();
        for b in BRANDS {
            let from_keywords = b.keywords.iter().map(|k| {
                k.chars()
                    .filter(|c| c.is_alphanumeric())
                    .collect::<String>()
            });
            let from_domains = b
                .domains
                .iter()
                .filter_map(|d| parts(d.trim_end_matches(".*")).map(|p| p.label))
                .chain(
                    b.domains
                        .iter()
                        .filter_map(|d| d.strip_suffix(".*").map(str::to_string)),
                )
                .filter(|l| l.chars().count() >= 5 && !COMMON_WORDS.contains(&l.as_str()));
            for raw in from_keywords.chain(from_domains) {
                if raw.chars().count() < 3 {
                    continue;
                }
                let substring_ok =
                    raw.chars().count() >= 6 && !COMMON_WORDS.contains(&raw.as_str());
                let tok = fold_swaps(&raw);
                if !out
                    .iter()
                    .any(|(t, _, ob)| *t == tok && std::ptr::eq(*ob, b))
                {
                    out.push((tok, substring_ok, b));
                }
            }
        }
        out
    })
}

/// Whether a folded token appears in a folded domain label: as a whole hyphen-separated
/// word, or (long distinctive names) anywhere.
fn token_in_label(label: &str, token: &str, substring_ok: bool) -> bool {
    if label
        .split(|c: char| !c.is_alphabetic())
        .any(|w| w == token)
    {
        return true;
    }
    substring_ok && label.replace(['-', '_'], "").contains(token)
}

/// The brand whose name appears in a label of `host` although the brand does not own it
/// (`paypal.com.secure-login.example`, `apple-id-verify.example`).
pub fn brand_in_host(host: &str) -> Option<&'static Brand> {
    let p = parts(host)?;
    let tenant_of = tenant_namespace(host);
    if tenant_of.is_none() && owner_brand(host).is_some() {
        return None;
    }
    let labels: Vec<String> = p.labels.iter().map(|l| fold_swaps(l)).collect();
    brand_tokens()
        .iter()
        .filter(|(_, _, b)| Some(b.name) != tenant_of)
        .find(|(tok, sub, _)| labels.iter().any(|l| token_in_label(l, tok, *sub)))
        .map(|(_, _, b)| *b)
}

/// Namespaces where a company hands out names to its customers: the company runs the
/// servers, but anyone chooses the name (`yourname.onmicrosoft.com`,
/// `bucket.s3.amazonaws.com`). Such a host neither belongs to nor imitates the company;
/// the customer's part can still imitate someone else.
const TENANT_NAMESPACES: &[(&str, &str)] = &[
    ("onmicrosoft.com", "Microsoft"),
    ("sharepoint.com", "Microsoft"),
    ("windows.net", "Microsoft"),
    ("azurewebsites.net", "Microsoft"),
    ("awsapps.com", "Amazon"),
    ("amazonaws.com", "Amazon"),
    ("googleusercontent.com", "Google"),
];

/// The brand whose customer namespace `host` lies in, if any.
pub fn tenant_namespace(host: &str) -> Option<&'static str> {
    let h = ascii_host(host);
    TENANT_NAMESPACES
        .iter()
        .find(|(ns, _)| h.strip_suffix(ns).is_some_and(|p| p.ends_with('.')))
        .map(|(_, b)| *b)
}

/// What changed between two similar strings: "\"1\" instead of \"l\"".
fn swap_words(got: &str, want: &str) -> String {
    let g: Vec<char> = got.chars().collect();
    let w: Vec<char> = want.chars().collect();
    let pre = g.iter().zip(&w).take_while(|(a, b)| a == b).count();
    let post = g
        .iter()
        .rev()
        .zip(w.iter().rev())
        .take_while(|(a, b)| a == b)
        .count()
        .min(g.len().saturating_sub(pre))
        .min(w.len().saturating_sub(pre));
    let gm: String = g
        .iter()
        .skip(pre)
        .take(g.len().saturating_sub(pre + post))
        .collect();
    let wm: String = w
        .iter()
        .skip(pre)
        .take(w.len().saturating_sub(pre + post))
        .collect();
    match (gm.is_empty(), wm.is_empty()) {
        (false, false) => format!("\"{gm}\" instead of \"{wm}\""),
        (false, true) => format!("an extra \"{gm}\""),
        (true, false) => format!("\"{wm}\" left out"),
        (true, true) => "a small change".to_string(),
    }
}

/// How `p` imitates `t`, if it does.
fn compare(domain: &str, p: &Parts, t: &Target) -> Option<Lookalike> {
    if p.org == t.domain {
        return None;
    }
    let brand = t.brand.map(|b| b.name);
    let make = |kind, detail: String| Lookalike {
        target: t.domain.clone(),
        kind,
        detail,
        brand,
    };
    let non_ascii = !p.label.is_ascii();
    let folded = fold_swaps(&p.label);
    if p.label == t.label {
        if p.private_suffix {
            return Some(make(
                LookalikeKind::BrandInLabel,
                format!(
                    "{domain} is a site anyone can create on {}, named after {}",
                    p.suffix, t.domain
                ),
            ));
        }
        if p.label.chars().count() < 4 || p.suffix == t.suffix {
            return None;
        }
        return Some(make(
            LookalikeKind::TldSwap,
            format!(
                "{domain} has the same name as {} but ends in .{} instead of .{}",
                t.domain, p.suffix, t.suffix
            ),
        ));
    }
    if folded == t.folded {
        if non_ascii {
            return Some(make(
                LookalikeKind::Homoglyph,
                format!(
                    "{domain} is written \"{}\" with letters from another alphabet that look like {}",
                    p.label, t.domain
                ),
            ));
        }
        return Some(make(
            LookalikeKind::DigitSwap,
            format!(
                "{domain} uses {} to look like {}",
                swap_words(&p.label, &t.label),
                t.domain
            ),
        ));
    }
    if t.exact_only || p.label.chars().count() < 4 {
        return None;
    }
    // Lengths of the written name: the skeleton spells "m" as "rn", which would make
    // "mail" look long enough to compare with "gmail".
    let want = t.label.chars().count();
    let max = match want {
        0..=5 => return None,
        6..=9 => 1,
        _ => 2,
    };
    let dist = strsim::damerau_levenshtein(&folded, &t.folded);
    if dist == 0 || dist > max {
        return None;
    }
    if p.punycode {
        return Some(make(
            LookalikeKind::Punycode,
            format!(
                "{domain} is an international name, \"{}\", made to resemble {}",
                p.label, t.domain
            ),
        ));
    }
    Some(make(
        LookalikeKind::EditDistance,
        format!(
            "{domain} differs from {} by {}",
            t.domain,
            swap_words(&p.label, &t.label)
        ),
    ))
}

/// Every way `domain` imitates one of `protected` or a brand domain, strongest first.
/// A domain never imitates itself, a domain with the same organisational domain, or
/// anything when a brand in the table owns it.
pub fn lookalikes(domain: &str, protected: &[String]) -> Vec<Lookalike> {
    let Some(p) = parts(domain) else {
        return Vec::new();
    };
    let tenant_of = tenant_namespace(domain);
    if tenant_of.is_none() && owner_brand(domain).is_some() {
        return Vec::new();
    }
    let prot: Vec<Target> = protected.iter().filter_map(|d| target(d, None)).collect();
    if prot.iter().any(|t| t.domain == p.org) {
        // The reader's own (or the sender's own) organisation is not an imitation of itself.
        return Vec::new();
    }
    let mut found: Vec<Lookalike> = prot
        .iter()
        .chain(brand_targets())
        .filter_map(|t| compare(domain, &p, t))
        .collect();
    if let Some(b) = brand_in_host(domain) {
        found.push(Lookalike {
            target: b.domains.first().map(|d| d.to_string()).unwrap_or_default(),
            kind: LookalikeKind::BrandInLabel,
            detail: format!(
                "{domain} uses the name {} but does not belong to {}",
                b.name, b.name
            ),
            brand: Some(b.name),
        });
    }
    for t in &prot {
        // The protected name as a whole word inside another domain ("northwind-bank.example.evil").
        if t.label.chars().count() >= 4
            && p.labels.iter().any(|l| {
                token_in_label(
                    &fold_swaps(l),
                    &t.folded.replace('-', ""),
                    t.label.chars().count() >= 6,
                )
            })
        {
            found.push(Lookalike {
                target: t.domain.clone(),
                kind: LookalikeKind::BrandInLabel,
                detail: format!(
                    "{domain} contains the name {} but is a different domain",
                    t.label
                ),
                brand: None,
            });
        }
    }
    if found.is_empty() {
        if let Some(l) = p
            .labels
            .iter()
            .find(|l| !l.is_ascii() && !l.as_str().is_single_script())
        {
            let reads: String = fold(l);
            found.push(Lookalike {
                target: reads.clone(),
                kind: LookalikeKind::MixedScript,
                detail: format!(
                    "{domain} mixes letters from different alphabets in one name (\"{l}\"), which reads like \"{reads}\""
                ),
                brand: None,
            });
        }
    }
    if tenant_of.is_some() {
        found.retain(|l| l.brand != tenant_of);
    }
    found.sort_by_key(|l| l.kind.rank());
    found
}

/// `domain` imitates one of `protected` (or a brand domain) without being it.
pub fn lookalike(domain: &str, protected: &[String]) -> Option<Lookalike> {
    lookalikes(domain, protected).into_iter().next()
}

const FREE_MAIL: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "outlook.*",
    "hotmail.com",
    "hotmail.*",
    "live.com",
    "live.*",
    "msn.com",
    "yahoo.com",
    "yahoo.*",
    "ymail.com",
    "rocketmail.com",
    "aol.com",
    "aim.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "proton.me",
    "protonmail.com",
    "protonmail.ch",
    "pm.me",
    "gmx.com",
    "gmx.net",
    "gmx.*",
    "web.de",
    "mail.com",
    "email.com",
    "mail.ru",
    "inbox.ru",
    "list.ru",
    "bk.ru",
    "yandex.ru",
    "yandex.com",
    "ya.ru",
    "zoho.com",
    "zohomail.com",
    "tutanota.com",
    "tuta.io",
    "fastmail.com",
    "hushmail.com",
    "qq.com",
    "163.com",
    "126.com",
    "sina.com",
    "naver.com",
    "daum.net",
    "hanmail.net",
    "uol.com.br",
    "bol.com.br",
    "terra.com.br",
    "ig.com.br",
    "r7.com",
    "globo.com",
    "globomail.com",
    "zipmail.com.br",
    "rediffmail.com",
    "libero.it",
    "virgilio.it",
    "orange.fr",
    "wanadoo.fr",
    "laposte.net",
    "free.fr",
    "sfr.fr",
    "t-online.de",
    "freenet.de",
    "seznam.cz",
    "wp.pl",
    "o2.pl",
    "interia.pl",
    "onet.pl",
    "btinternet.com",
    "sky.com",
    "comcast.net",
    "verizon.net",
    "att.net",
    "sbcglobal.net",
    "cox.net",
    "earthlink.net",
    "juno.com",
    "mailinator.com",
    "guerrillamail.com",
];

/// Labels that mark a government's own namespace in a public suffix (`gov.br`, `gob.mx`,
/// `gouv.fr`, `go.jp`, `gv.at`, `govt.nz`) or a government top-level domain.
const GOVERNMENT_LABELS: &[&str] = &["gov", "gob", "gouv", "go", "gv", "govt", "mil"];

/// Whether `domain` sits in a government namespace (tax offices, traffic departments,
/// courts): names people trust and scammers borrow.
pub fn is_government(domain: &str) -> bool {
    let d = ascii_host(domain);
    let Some(sfx) = psl::suffix_str(&d) else {
        return false;
    };
    let labels: Vec<&str> = sfx.split('.').collect();
    match labels.split_last() {
        Some((tld, [])) => matches!(*tld, "gov" | "mil"),
        // "gov.br", and state namespaces below it such as "sp.gov.br".
        Some((_cc, rest)) => rest.iter().any(|l| GOVERNMENT_LABELS.contains(l)),
        None => false,
    }
}

/// Whether anyone can get an address at `domain` for free (webmail providers).
pub fn is_free_mail(domain: &str) -> bool {
    in_table(domain, FREE_MAIL)
}

const SHORTENERS: &[&str] = &[
    "bit.ly",
    "bitly.com",
    "j.mp",
    "tinyurl.com",
    "t.co",
    "goo.gl",
    "ow.ly",
    "is.gd",
    "v.gd",
    "cutt.ly",
    "rebrand.ly",
    "buff.ly",
    "t.ly",
    "tiny.cc",
    "tiny.one",
    "rb.gy",
    "shorturl.at",
    "s.id",
    "bl.ink",
    "lnkd.in",
    "fb.me",
    "amzn.to",
    "aka.ms",
    "shorte.st",
    "adf.ly",
    "bc.vc",
    "soo.gd",
    "qr.ae",
    "x.gd",
    "tr.im",
    "u.to",
    "clck.ru",
    "gg.gg",
    "surl.li",
    "urlz.fr",
    "trib.al",
    "dlvr.it",
    "ift.tt",
    "snip.ly",
    "po.st",
    "bit.do",
    "qrco.de",
    "urlr.me",
    "shor.by",
    "tny.im",
    "1url.com",
    "shorturl.com",
    "2no.co",
    "hyperurl.co",
    "cli.re",
    "short.gy",
    "lnk.bio",
];

/// Whether `host` is a link shortener: a short address that hides where it leads.
pub fn is_shortener(host: &str) -> bool {
    let h = ascii_host(host);
    let h = h.strip_prefix("www.").unwrap_or(&h);
    SHORTENERS.contains(&h)
}

const BULK_SENDERS: &[&str] = &[
    // SendGrid (Twilio)
    "sendgrid.net",
    "sendgrid.com",
    // Mailchimp / Mandrill
    "mailchimp.com",
    "mcsv.net",
    "mcdlv.net",
    "rsgsv.net",
    "list-manage.com",
    "mailchimpapp.net",
    "mailchi.mp",
    "mcusercontent.com",
    "mandrillapp.com",
    // Amazon SES
    "amazonses.com",
    "awstrack.me",
    // Mailgun, SparkPost, Postmark
    "mailgun.org",
    "mailgun.net",
    "mailgun.com",
    "sparkpostmail.com",
    "sparkpost.com",
    "postmarkapp.com",
    "mtasv.net",
    "pstmrk.it",
    // Constant Contact
    "constantcontact.com",
    "rs6.net",
    "ccsend.com",
    // HubSpot
    "hubspot.com",
    "hubspotemail.net",
    "hubspotlinks.com",
    "hs-sites.com",
    // Salesforce Marketing Cloud, Pardot
    "exacttarget.com",
    "exct.net",
    "marketingcloudapps.com",
    "sfmc-content.com",
    "pardot.com",
    "salesforce.com",
    // Marketo, Eloqua, Responsys
    "mktomail.com",
    "marketo.com",
    "mktoweb.com",
    "eloqua.com",
    "en25.com",
    "responsys.net",
    "rsys1.net",
    "rsys2.net",
    "rsys3.net",
    "rsys4.net",
    "rsys5.net",
    // Mailjet, Brevo (Sendinblue)
    "mailjet.com",
    "mjt.lu",
    "sendinblue.com",
    "brevo.com",
    "sendibt2.com",
    "sendibt3.com",
    "sendibm1.com",
    "sendibm2.com",
    // Campaign Monitor
    "createsend.com",
    "createsend1.com",
    "cmail1.com",
    "cmail2.com",
    "cmail19.com",
    "cmail20.com",
    // Klaviyo, Customer.io, Iterable, Braze
    "klaviyo.com",
    "klaviyomail.com",
    "klclick.com",
    "klclick1.com",
    "klclick2.com",
    "klclick3.com",
    "customeriomail.com",
    "customer.io",
    "iterable.com",
    "braze.com",
    // ActiveCampaign
    "activecampaign.com",
    "activehosted.com",
    "acemlna.com",
    "acemlnb.com",
    "acemlnc.com",
    "acemlnd.com",
    // Others
    "mailerlite.com",
    "mlsend.com",
    "aweber.com",
    "getresponse.com",
    "icontact.com",
    "icptrack.com",
    "emarsys.net",
    "emarsys.com",
    "sendpulse.com",
    "mailersend.net",
    "zcsend.net",
    "maillist-manage.com",
    "bmetrack.com",
    "benchmarkemail.com",
    "convertkit.com",
    "convertkit-mail.com",
    "convertkit-mail2.com",
    "ck.page",
    "beehiiv.com",
    "substack.com",
    "moosend.com",
    "omnisend.com",
    "getdrip.com",
    "vresp.com",
    "ymlp.com",
    "e2ma.net",
    "myemma.com",
    "sailthru.com",
    "cheetahmail.com",
    "bronto.com",
    "dmtrk.net",
    "trackedlink.net",
    "dotdigital.com",
    "emlnk.com",
    "returnpath.net",
];

/// Whether `domain` belongs to a mailing service that sends (and tracks clicks in) bulk
/// mail on behalf of its customers.
pub fn is_bulk_sender(domain: &str) -> bool {
    in_table(domain, BULK_SENDERS)
}

/// A service where anyone can publish a web page under the service's name.
#[derive(Debug, Clone, Serialize)]
pub struct FreeHost {
    /// The domain the service publishes under.
    pub suffix: &'static str,
    /// The service's name.
    pub name: &'static str,
    /// Often used for fake login pages (not just blogs and project pages).
    pub abused: bool,
}

const fn fh(suffix: &'static str, name: &'static str, abused: bool) -> FreeHost {
    FreeHost {
        suffix,
        name,
        abused,
    }
}

static FREE_HOSTS: &[FreeHost] = &[
    fh("firebaseapp.com", "Firebase", true),
    fh("web.app", "Firebase", true),
    fh("firebasestorage.googleapis.com", "Firebase storage", true),
    fh("storage.googleapis.com", "Google Cloud storage", true),
    fh("appspot.com", "Google App Engine", true),
    fh("translate.goog", "Google Translate proxy", true),
    fh("sites.google.com", "Google Sites", true),
    fh("weebly.com", "Weebly", true),
    fh("weeblysite.com", "Weebly", true),
    fh("wixsite.com", "Wix", true),
    fh("wixstudio.io", "Wix", true),
    fh("filesusr.com", "Wix", true),
    fh("000webhostapp.com", "000webhost", true),
    fh("ipfs.io", "IPFS gateway", true),
    fh("dweb.link", "IPFS gateway", true),
    fh("cloudflare-ipfs.com", "IPFS gateway", true),
    fh("gateway.pinata.cloud", "IPFS gateway", true),
    fh("nftstorage.link", "IPFS gateway", true),
    fh("w3s.link", "IPFS gateway", true),
    fh("ngrok.io", "ngrok tunnel", true),
    fh("ngrok-free.app", "ngrok tunnel", true),
    fh("ngrok.app", "ngrok tunnel", true),
    fh("trycloudflare.com", "Cloudflare tunnel", true),
    fh("loca.lt", "localtunnel", true),
    fh("r2.dev", "Cloudflare R2 storage", true),
    fh("pages.dev", "Cloudflare Pages", true),
    fh("workers.dev", "Cloudflare Workers", true),
    fh("azurewebsites.net", "Azure web apps", true),
    fh("web.core.windows.net", "Azure storage", true),
    fh("blob.core.windows.net", "Azure storage", true),
    fh("s3.amazonaws.com", "Amazon S3 storage", true),
    fh("amplifyapp.com", "AWS Amplify", true),
    fh("herokuapp.com", "Heroku", true),
    fh("netlify.app", "Netlify", true),
    fh("vercel.app", "Vercel", true),
    fh("glitch.me", "Glitch", true),
    fh("repl.co", "Replit", true),
    fh("replit.app", "Replit", true),
    fh("surge.sh", "Surge", true),
    fh("onrender.com", "Render", true),
    fh("fly.dev", "Fly.io", true),
    fh("godaddysites.com", "GoDaddy sites", true),
    fh("square.site", "Square sites", true),
    fh("webflow.io", "Webflow", true),
    fh("mystrikingly.com", "Strikingly", true),
    fh("yolasite.com", "Yola", true),
    fh("jimdosite.com", "Jimdo", true),
    fh("digitaloceanspaces.com", "DigitalOcean storage", true),
    fh("backblazeb2.com", "Backblaze storage", true),
    fh("linodeobjects.com", "Linode storage", true),
    fh("arweave.net", "Arweave", true),
    fh("ddns.net", "dynamic DNS", true),
    fh("duckdns.org", "dynamic DNS", true),
    fh("hopto.org", "dynamic DNS", true),
    fh("zapto.org", "dynamic DNS", true),
    fh("sytes.net", "dynamic DNS", true),
    fh("notion.site", "Notion pages", true),
    fh("forms.yandex.com", "Yandex Forms", true),
    fh("forms.yandex.ru", "Yandex Forms", true),
    fh("run.app", "Google Cloud Run", true),
    fh("cloudfunctions.net", "Google Cloud Functions", true),
    fh("compute.amazonaws.com", "a rented Amazon server", true),
    fh("compute-1.amazonaws.com", "a rented Amazon server", true),
    fh("host.secureserver.net", "a rented GoDaddy server", true),
    fh("cloudfront.net", "Amazon CloudFront", false),
    fh("github.io", "GitHub Pages", false),
    fh("gitlab.io", "GitLab Pages", false),
    fh("blogspot.com", "Blogger", false),
    fh("wordpress.com", "WordPress.com", false),
    fh("readthedocs.io", "Read the Docs", false),
];

/// Amazon S3 buckets live under many regional names (`bucket.s3.us-east-1.amazonaws.com`,
/// `bucket.s3-website-eu-west-1.amazonaws.com`).
static S3: FreeHost = fh("s3.amazonaws.com", "Amazon S3 storage", true);

/// The free web host `host` lives on, if any.
pub fn free_host(host: &str) -> Option<&'static FreeHost> {
    let h = ascii_host(host);
    let found = FREE_HOSTS
        .iter()
        .find(|f| h == f.suffix || h.strip_suffix(f.suffix).is_some_and(|p| p.ends_with('.')));
    if found.is_some() {
        return found;
    }
    let s3 = h
        .strip_suffix(".amazonaws.com")
        .is_some_and(|rest| rest.split('.').any(|l| l == "s3" || l.starts_with("s3-")));
    s3.then_some(&S3)
}

/// Top-level domains that registries sell for next to nothing and that abuse reports
/// rank highest for phishing and malware, plus `.zip` and `.mov`, which read as file names.
/// Endings with a large honest following (.info, .live, .life, .work, .link) are left out:
/// on their own they say too little.
const RISKY_TLDS: &[&str] = &[
    "top",
    "xyz",
    "icu",
    "shop",
    "online",
    "site",
    "club",
    "buzz",
    "cyou",
    "sbs",
    "cfd",
    "quest",
    "rest",
    "bond",
    "click",
    "monster",
    "lat",
    "fun",
    "space",
    "tk",
    "ml",
    "ga",
    "cf",
    "gq",
    "zip",
    "mov",
    "best",
    "beauty",
    "hair",
    "skin",
    "makeup",
    "boats",
    "autos",
    "yachts",
    "mom",
    "lol",
    "pics",
    "uno",
    "win",
    "bid",
    "loan",
    "date",
    "racing",
    "review",
    "stream",
    "download",
    "men",
    "party",
    "trade",
    "accountant",
    "science",
    "cricket",
    "faith",
    "country",
    "gdn",
    "webcam",
];

/// The top-level domain of `host` when it is one often used for throwaway scam sites.
pub fn risky_tld(host: &str) -> Option<&'static str> {
    let h = ascii_host(host);
    let tld = h.rsplit('.').next()?;
    RISKY_TLDS.iter().find(|t| **t == tld).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(domain: &str) -> Option<LookalikeKind> {
        lookalike(domain, &[]).map(|l| l.kind)
    }

    #[test]
    fn digit_swaps_are_lookalikes() {
        let l = lookalike("paypa1.com", &[]).expect("paypa1.com imitates paypal.com");
        assert_eq!(l.kind, LookalikeKind::DigitSwap);
        assert_eq!(l.target, "paypal.com");
        assert!(l.detail.contains("\"1\" instead of \"l\""), "{}", l.detail);
        let m = lookalike("rnicrosoft.com", &[]).expect("rnicrosoft imitates microsoft");
        assert_eq!(m.kind, LookalikeKind::DigitSwap);
        assert_eq!(m.target, "microsoft.com");
    }

    #[test]
    fn cyrillic_letters_are_homoglyphs() {
        // "pаypal" with a Cyrillic а (U+0430).
        let l = lookalike("xn--pypal-4ve.com", &[]).expect("homoglyph of paypal.com");
        assert_eq!(l.kind, LookalikeKind::Homoglyph);
        assert_eq!(l.target, "paypal.com");
        assert_eq!(l.brand, Some("PayPal"));
        // The same domain given in Unicode form.
        assert_eq!(kind("p\u{0430}ypal.com"), Some(LookalikeKind::Homoglyph));
    }

    #[test]
    fn other_endings_are_tld_swaps() {
        let l = lookalike("paypal.co", &[]).expect("paypal.co imitates paypal.com");
        assert_eq!(l.kind, LookalikeKind::TldSwap);
        assert_eq!(kind("netflix.xyz"), Some(LookalikeKind::TldSwap));
        // National sites of a brand are its own.
        assert_eq!(kind("paypal.de"), None);
        assert_eq!(kind("amazon.co.uk"), None);
        assert_eq!(kind("google.com.br"), None);
    }

    #[test]
    fn brand_names_inside_other_domains() {
        let l = lookalike("paypal-login.example", &[]).expect("brand in label");
        assert_eq!(l.kind, LookalikeKind::BrandInLabel);
        assert_eq!(l.brand, Some("PayPal"));
        assert_eq!(
            kind("paypal.com.account-verify.example"),
            Some(LookalikeKind::BrandInLabel)
        );
        assert_eq!(
            kind("apple-id-support.example"),
            Some(LookalikeKind::BrandInLabel)
        );
        assert_eq!(
            kind("secure-netflixbilling.example"),
            Some(LookalikeKind::BrandInLabel)
        );
        // A customer name in a company's namespace, imitating someone else.
        assert_eq!(
            lookalike("paypal-billing.onmicrosoft.com", &[]).map(|l| l.brand),
            Some(Some("PayPal"))
        );
        assert_eq!(
            brand_in_host("paypal-login.blob.core.windows.net").map(|b| b.name),
            Some("PayPal")
        );
        // A site on a free host named after a brand.
        assert_eq!(kind("paypal.github.io"), Some(LookalikeKind::BrandInLabel));
    }

    #[test]
    fn edit_distance_on_long_names() {
        assert_eq!(kind("paypall.com"), Some(LookalikeKind::EditDistance));
        assert_eq!(kind("microsfot.com"), Some(LookalikeKind::EditDistance));
        assert_eq!(kind("bankofamerca.com"), Some(LookalikeKind::EditDistance));
    }

    #[test]
    fn real_and_unrelated_domains_are_not_lookalikes() {
        for d in [
            "paypal.com",
            "www.paypal.com",
            "github.com",
            "ibm.com",
            "abc.com",
            "applebees.com",
            "officedepot.com",
            "officer.com",
            "amazonas.am.gov.br",
            "mail.google.com",
            "hotmail.co.uk",
            "outlook.fr",
            "example.com",
            "arduino.cc",
            "python.org",
            "münchen.de",
            "xn--mnchen-3ya.de",
            "cnn.com",
            "bbc.co.uk",
            "windowscentral.com",
            "mail.com",
            "email.com",
            "lively.com",
            "telegraph.co.uk",
            "bookings.example",
            "costa.com",
            "nortonrosefulbright.com",
            "acrobatics.example",
            "fazendafeliz.com.br",
            "nipple.example",
            "rippleshot.example",
            "krakenbeer.example",
            "blockchain-news.example",
            "cryptonews.example",
            "protonstorage.example",
            "contoso.onmicrosoft.com",
            "tenant.mail.onmicrosoft.com",
            "contoso.sharepoint.com",
            "my-bucket.s3.amazonaws.com",
            "login.windows.net",
        ] {
            assert_eq!(lookalike(d, &[]), None, "{d} should not be a lookalike");
        }
    }

    #[test]
    fn protected_domains_are_compared_and_never_imitate_themselves() {
        let prot = vec!["northwind-bank.example".to_string()];
        assert_eq!(lookalike("northwind-bank.example", &prot), None);
        assert_eq!(lookalike("mail.northwind-bank.example", &prot), None);
        let l = lookalike("northwlnd-bank.example", &prot).expect("digit swap of protected");
        assert_eq!(l.target, "northwind-bank.example");
        assert_eq!(l.brand, None);
        let l = lookalike("northwind-bank.example.evil.test", &prot).expect("protected in label");
        assert_eq!(l.kind, LookalikeKind::BrandInLabel);
        // Short protected names need an exact skeleton match.
        let short = vec!["abc.test".to_string()];
        assert_eq!(lookalike("abd.test", &short), None);
        assert_eq!(lookalike("abc.example", &short).map(|l| l.kind), None);
    }

    #[test]
    fn mixed_scripts_without_a_target() {
        // Latin "bank" with a Cyrillic "а": no known target, still a trick.
        let l = lookalike("b\u{0430}nkofnowhere.example", &[]).expect("mixed script");
        assert_eq!(l.kind, LookalikeKind::MixedScript);
        assert_eq!(l.target, "bankofnowhere");
    }

    #[test]
    fn brands_named_in_text() {
        assert_eq!(
            brand_named_in("PayPal Service").map(|b| b.name),
            Some("PayPal")
        );
        assert_eq!(
            brand_named_in("Pаypal Support").map(|b| b.name),
            Some("PayPal")
        );
        assert_eq!(brand_named_in("Banco Itaú").map(|b| b.name), Some("Itaú"));
        assert_eq!(
            brand_named_in("Caixa Econômica Federal").map(|b| b.name),
            Some("Caixa")
        );
        assert_eq!(
            brand_named_in("UPS delivery notice").map(|b| b.name),
            Some("UPS")
        );
        assert_eq!(
            brand_named_in("Your Microsoft 365 password").map(|b| b.name),
            Some("Microsoft")
        );
        assert_eq!(brand_named_in("DETRAN-SP").map(|b| b.name), Some("Detran"));
        assert_eq!(
            brand_named_in("Booking.com").map(|b| b.name),
            Some("Booking.com")
        );
        assert!(brand_named_in("Booking your next trip").is_none());
        assert!(brand_named_in("follow-ups on the meeting").is_none());
        assert!(brand_named_in("Applebees rewards").is_none());
        assert!(brand_named_in("Economic outlook for 2025").is_none());
        assert!(brand_named_in("IT helpdesk").is_none());
        assert!(brand_named_in("").is_none());
    }

    #[test]
    fn brand_ownership() {
        let Some(paypal) = brands().iter().find(|b| b.name == "PayPal") else {
            panic!("PayPal is in the table");
        };
        assert!(brand_owns(paypal, "paypal.com"));
        assert!(brand_owns(paypal, "www.paypal.com"));
        assert!(brand_owns(paypal, "PayPal.COM."));
        assert!(brand_owns(paypal, "paypal.co.uk"));
        assert!(!brand_owns(paypal, "paypal.co"));
        assert!(!brand_owns(paypal, "paypal.com.evil.example"));
        assert!(!brand_owns(paypal, "notpaypal.com"));
        let Some(ms) = brands().iter().find(|b| b.name == "Microsoft") else {
            panic!("Microsoft is in the table");
        };
        assert!(!brand_owns(ms, "evil.onmicrosoft.com"));
        assert!(brand_owns(ms, "login.microsoftonline.com"));
    }

    #[test]
    fn service_tables() {
        assert!(is_free_mail("gmail.com"));
        assert!(is_free_mail("hotmail.co.uk"));
        assert!(is_free_mail("uol.com.br"));
        assert!(!is_free_mail("paypal.com"));
        assert!(!is_free_mail("notgmail.com"));
        assert!(is_shortener("bit.ly"));
        assert!(is_shortener("www.tinyurl.com"));
        assert!(!is_shortener("bit.ly.example"));
        assert!(!is_shortener("example.com"));
        assert!(is_bulk_sender("o1.ptr1234.sendgrid.net"));
        assert!(is_bulk_sender("mail123.atl21.mcsv.net"));
        assert!(is_bulk_sender("us5.list-manage.com"));
        assert!(!is_bulk_sender("example.com"));
        assert!(!is_bulk_sender("notsendgrid.net"));
        assert!(free_host("evil-login.web.app").is_some_and(|f| f.abused));
        assert!(free_host("someone.github.io").is_some_and(|f| !f.abused));
        assert!(free_host("fonts.googleapis.com").is_none());
        assert!(free_host("my-bucket.s3.us-east-1.amazonaws.com").is_some_and(|f| f.abused));
        assert!(free_host("function-1.us-central1.run.app").is_some());
        assert!(free_host("ses.amazonaws.com").is_none());
        assert_eq!(risky_tld("login.example.icu"), Some("icu"));
        assert_eq!(risky_tld("example.com"), None);
        assert!(is_government("www.sat.gob.mx"));
        assert!(is_government("detran.sp.gov.br"));
        assert!(is_government("www.irs.gov"));
        assert!(is_government("impots.gouv.fr"));
        assert!(!is_government("example.com"));
        assert!(!is_government("gov.example.com"));
        assert!(free_host("example.com").is_none());
    }

    #[test]
    fn tables_are_lowercase_punycode() {
        let all = BRANDS
            .iter()
            .flat_map(|b| b.domains.iter())
            .chain(FREE_MAIL)
            .chain(SHORTENERS)
            .chain(BULK_SENDERS)
            .chain(FREE_HOSTS.iter().map(|f| &f.suffix));
        for d in all {
            assert!(
                d.is_ascii() && *d == d.to_ascii_lowercase() && !d.ends_with('.'),
                "{d}"
            );
        }
        for b in BRANDS {
            assert!(
                !b.domains.is_empty() && !b.keywords.is_empty(),
                "{}",
                b.name
            );
        }
    }

    #[test]
    fn hostile_input_does_not_panic() {
        for d in [
            "",
            ".",
            "..",
            "xn--",
            "xn--zzzz.com",
            "a..b",
            "256.1.1.1",
            "[::1]",
            "é",
            "-.-",
            "com",
        ] {
            let _ = lookalike(d, &[d.to_string()]);
            let _ = brand_named_in(d);
            let _ = brand_in_host(d);
            let _ = is_free_mail(d);
            let _ = free_host(d);
        }
    }
}
