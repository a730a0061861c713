//! Domain knowledge shared by the checks: often-impersonated brands, look-alike domains,
//! free-mail providers, link shorteners, mailing services and free web hosts.
//!
//! Everything here is a pure function of its arguments and the tables in
//! `assets/knowledge/` (brands, mail providers, shorteners, mailing services, free hosts,
//! risky endings and naming rules; see `knowledge::domains`).
//! Domains are compared by their organisational domain (public suffix list), so
//! `mail.paypal.com` and `paypal.com` are the same owner.
//!
//! Tables are lists of domains. An entry `name.*` stands for a brand's national sites:
//! `name` under any country-code suffix (`paypal.de`, `amazon.co.uk`, `google.com.br`),
//! except the country codes most often used for typo-squatting `.com` (`typo_cctlds`
//! in `domain_rules.toml`), which no brand in the table relies on.

use foldhash::{HashMap, HashMapExt};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use unicode_security::{skeleton, MixedScript};

use super::identity::org_domain;
use super::knowledge::domains as tables;

/// Answers remembered per thread, for the last few questions. Many checks ask the same
/// things about the same few domains of a message (the sender's, each link's), and the
/// answers are pure functions of the question and the built-in tables, so a remembered
/// answer is always the answer: this saves time and never changes a result.
struct Memo<K, V> {
    entries: Vec<(K, Rc<V>)>,
    /// The slot the next new answer replaces once the memo is full.
    next: usize,
}

/// Questions remembered per kind of question; a message rarely names more domains.
const MEMO_SIZE: usize = 64;

impl<K: PartialEq, V> Memo<K, V> {
    const fn new() -> Memo<K, V> {
        Memo {
            entries: Vec::new(),
            next: 0,
        }
    }

    fn get<Q>(cell: &RefCell<Memo<K, V>>, key: &Q, answer: impl FnOnce() -> V) -> Rc<V>
    where
        K: std::borrow::Borrow<Q>,
        Q: PartialEq + ToOwned<Owned = K> + ?Sized,
    {
        if let Some((_, v)) = cell
            .borrow()
            .entries
            .iter()
            .find(|(k, _)| k.borrow() == key)
        {
            return Rc::clone(v);
        }
        let v = Rc::new(answer());
        let mut m = cell.borrow_mut();
        if m.entries.len() < MEMO_SIZE {
            m.entries.push((key.to_owned(), Rc::clone(&v)));
        } else {
            let slot = m.next;
            if let Some(e) = m.entries.get_mut(slot) {
                *e = (key.to_owned(), Rc::clone(&v));
            }
            m.next = (slot + 1) % MEMO_SIZE;
        }
        v
    }
}

/// A well-known, often-impersonated organisation (one `[[brand]]` of `brands.toml`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Brand {
    /// The name people know it by.
    pub name: String,
    /// Why scammers borrow the name, for the person reading the table.
    pub why: String,
    /// Domains it owns (organisational domains, or `name.*` for its national sites).
    pub domains: Vec<String>,
    /// Words that name it in text, lowercase. Keywords of three letters or fewer must be
    /// written in capitals to count ("UPS", not "follow-ups").
    pub keywords: Vec<String>,
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

/// Well-known, often-impersonated brands: banks, payment, delivery, big tech, streaming,
/// tax and government. Generic roles ("IT helpdesk", "webmail") are not brands.
pub fn brands() -> &'static [Brand] {
    tables::brands()
}

/// Whether a name is also an everyday word or word stem, so it only counts whole.
fn everyday_word(label: &str) -> bool {
    tables::rules().everyday_words.iter().any(|w| w == label)
}

/// Text folded for comparison: lowercase, accents dropped, look-alike characters mapped to
/// one prototype (UTS #39 skeleton), so "PаyPaI" (Cyrillic а, capital I) reads "paypal".
pub(crate) fn fold(s: &str) -> String {
    if s.is_ascii() {
        // ASCII (nearly every domain and most names) folds a character at a time, from
        // a table that the full fold below made once.
        let table = ascii_folds();
        let mut out = String::with_capacity(s.len() + 4);
        for b in s.bytes() {
            out.push_str(table.get(usize::from(b)).map_or("", String::as_str));
        }
        return out;
    }
    fold_any(s)
}

/// `fold` of each ASCII character alone. The skeleton maps characters one at a time
/// (ASCII has nothing to decompose or reorder), so an ASCII string folds to its
/// characters' folds, one after another (a test checks it).
fn ascii_folds() -> &'static [String; 128] {
    static T: OnceLock<[String; 128]> = OnceLock::new();
    T.get_or_init(|| {
        std::array::from_fn(|b| {
            let c = char::from(u8::try_from(b).unwrap_or(b'?'));
            fold_any(c.encode_utf8(&mut [0; 4]))
        })
    })
}

/// `fold` for any text.
fn fold_any(s: &str) -> String {
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

/// A brand keyword prepared once for `brand_named_in`.
struct Keyword {
    /// Three letters or fewer: matched as written in capitals, on the unfolded text.
    short: bool,
    /// The keyword in capitals (short keywords).
    upper: String,
    /// The keyword folded and split into words like the text is (longer keywords).
    folded: String,
}

/// Every brand's keywords, prepared, in the order of `brands()`, with two automata that
/// find which brands' keywords occur in a text at all (short ones, long ones).
struct BrandKeywords {
    by_brand: Vec<Vec<Keyword>>,
    short: aho_corasick::AhoCorasick,
    short_brand: Vec<usize>,
    long: aho_corasick::AhoCorasick,
    long_brand: Vec<usize>,
}

/// One automaton over fixed words: brand names or keywords of the knowledge tables, or
/// marks written in the code.
pub(crate) fn automaton(patterns: &[&str]) -> aho_corasick::AhoCorasick {
    match aho_corasick::AhoCorasick::new(patterns) {
        Ok(a) => a,
        Err(e) => panic!("these words cannot be searched ({e}): {patterns:?}"),
    }
}

fn brand_keywords() -> &'static BrandKeywords {
    static T: OnceLock<BrandKeywords> = OnceLock::new();
    T.get_or_init(|| {
        let by_brand: Vec<Vec<Keyword>> = brands()
            .iter()
            .map(|b| {
                b.keywords
                    .iter()
                    .map(|k| Keyword {
                        short: k.chars().count() <= 3,
                        upper: k.to_uppercase(),
                        folded: words(&fold(k)).trim().to_string(),
                    })
                    .collect()
            })
            .collect();
        let (mut short, mut short_brand, mut long, mut long_brand) =
            (vec![], vec![], vec![], vec![]);
        for (i, ks) in by_brand.iter().enumerate() {
            for k in ks {
                // An empty keyword never matches (`contains_word`).
                if k.short && !k.upper.is_empty() {
                    short.push(k.upper.as_str());
                    short_brand.push(i);
                } else if !k.short && !k.folded.is_empty() {
                    long.push(k.folded.as_str());
                    long_brand.push(i);
                }
            }
        }
        BrandKeywords {
            short: automaton(&short),
            long: automaton(&long),
            by_brand,
            short_brand,
            long_brand,
        }
    })
}

/// The brand a piece of text names (display name, subject, link text), if any.
/// Word-boundary, case- and accent-insensitive, and blind to look-alike letters;
/// "Applebees" does not name Apple, "PаyPal" with a Cyrillic а names PayPal.
pub fn brand_named_in(text: &str) -> Option<&'static Brand> {
    brand_named_in_words(text).or_else(|| {
        // Letters written apart to slip past filters ("I T A Ú", "P.a.y.P.a.l") still name
        // the brand they spell.
        let joined = join_spaced_letters(text);
        (joined != text)
            .then(|| brand_named_in_words(&joined))
            .flatten()
    })
}

/// `text` with every run of three or more single letters, set apart by spaces, dots,
/// dashes or underscores, joined into one word ("I T A Ú - Feito" → "ITAÚ - Feito"); the
/// rest of the text is left as it is.
fn join_spaced_letters(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let is_sep = |c: char| c.is_whitespace() || matches!(c, '.' | '-' | '_');
    let letter_at = |i: usize| chars.get(i).is_some_and(|c| c.is_alphabetic());
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c.is_alphabetic() && (i == 0 || !letter_at(i - 1)) {
            // Letters standing alone, each followed by separators and the next one.
            let mut letters = vec![c];
            let mut end = i + 1;
            while !letter_at(end) {
                let mut next = end;
                while chars.get(next).is_some_and(|&c| is_sep(c)) {
                    next += 1;
                }
                if next == end || !letter_at(next) || letter_at(next + 1) {
                    break;
                }
                letters.extend(chars.get(next));
                end = next + 1;
            }
            if letters.len() >= 3 {
                out.extend(letters);
                i = end;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

fn brand_named_in_words(text: &str) -> Option<&'static Brand> {
    let folded = words(&fold(text));
    let plain = words(text);
    let kw = brand_keywords();
    // Only brands with a keyword somewhere in the text can name it; the automata find them
    // in one pass each, and those brands are then tried in table order.
    let mut candidates: Vec<usize> = kw
        .long
        .find_overlapping_iter(&folded)
        .filter_map(|m| kw.long_brand.get(m.pattern().as_usize()).copied())
        .chain(
            kw.short
                .find_overlapping_iter(&plain)
                .filter_map(|m| kw.short_brand.get(m.pattern().as_usize()).copied()),
        )
        .collect();
    candidates.sort_unstable();
    candidates.dedup();
    candidates
        .into_iter()
        .find(|&i| {
            kw.by_brand.get(i).is_some_and(|keywords| {
                keywords.iter().any(|k| {
                    if k.short {
                        // Short keywords ("UPS", "IRS", "DHL") are ordinary syllables in lowercase.
                        return contains_word(&plain, &k.upper);
                    }
                    contains_word(&folded, &k.folded)
                })
            })
        })
        .and_then(|i| brands().get(i))
}

/// Normalises a host: lowercase, no trailing dot, punycode form of international names.
fn ascii_host(domain: &str) -> String {
    let d = domain.trim().trim_end_matches('.').to_lowercase();
    match url::Host::parse(&d) {
        Ok(url::Host::Domain(a)) => a,
        _ => d,
    }
}

/// Whether an ASCII (punycode) host name is one DNS can hold: labels of 1 to 63 bytes,
/// 253 bytes in all (RFC 1035 §2.3.4).
pub fn is_dns_name(ascii: &str) -> bool {
    ascii.len() <= 253 && ascii.split('.').all(|l| !l.is_empty() && l.len() <= 63)
}

/// Whether `d` is `label` under a country-code suffix (a `name.*` table entry).
fn national_site(org: &str, label: &str) -> bool {
    let Some(rest) = org.strip_prefix(label).and_then(|r| r.strip_prefix('.')) else {
        return false;
    };
    let parts: Vec<&str> = rest.split('.').collect();
    let rules = tables::rules();
    let cc = |s: &str| s.len() == 2 && s.chars().all(|c| c.is_ascii_lowercase());
    match parts.as_slice() {
        [one] => cc(one) && !rules.typo_cctlds.iter().any(|t| t == one),
        [second, one] => rules.national_second_levels.iter().any(|l| l == second) && cc(one),
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
    fn new(domain: &str) -> Rc<Norm> {
        thread_local! {
            static MEMO: RefCell<Memo<String, Norm>> = const { RefCell::new(Memo::new()) };
        }
        MEMO.with(|m| {
            Memo::get(m, domain, || {
                let host = ascii_host(domain);
                let org = org_domain(&host);
                Norm { host, org }
            })
        })
    }

    /// Whether the domain equals a table entry or lies under it. Entries are stored
    /// lowercase and in punycode (a test keeps them so).
    fn in_table(&self, table: &[String]) -> bool {
        table.iter().any(|entry| match entry.strip_suffix(".*") {
            Some(label) => national_site(&self.org, label),
            None => {
                self.host == *entry
                    || self
                        .host
                        .strip_suffix(entry.as_str())
                        .is_some_and(|p| p.ends_with('.'))
            }
        })
    }
}

fn in_table(domain: &str, table: &[String]) -> bool {
    Norm::new(domain).in_table(table)
}

/// Tables of domains indexed for look-ups, so a domain is looked up by its own suffixes
/// instead of being compared with every entry. Each entry maps to the first table (of
/// several, such as one per brand) that lists it.
struct TableIndex {
    /// Plain entries: the domain and everything under it.
    exact: HashMap<&'static str, usize>,
    /// `name.*` entries, by `name`.
    national: HashMap<&'static str, usize>,
    /// The longest entry of each kind: longer tails and labels cannot match, so a crafted
    /// host of a million dots costs a million skips, not a million hashes of long strings.
    longest_exact: usize,
    longest_national: usize,
}

impl TableIndex {
    fn new(tables: impl IntoIterator<Item = &'static [String]>) -> TableIndex {
        let mut exact = HashMap::new();
        let mut national = HashMap::new();
        for (i, table) in tables.into_iter().enumerate() {
            for entry in table {
                match entry.strip_suffix(".*") {
                    Some(label) => national.entry(label).or_insert(i),
                    None => exact.entry(entry.as_str()).or_insert(i),
                };
            }
        }
        let longest_exact = exact.keys().map(|k| k.len()).max().unwrap_or(0);
        let longest_national = national.keys().map(|k| k.len()).max().unwrap_or(0);
        TableIndex {
            exact,
            national,
            longest_exact,
            longest_national,
        }
    }

    /// The first table that `Norm::in_table` would find the domain in.
    fn first(&self, n: &Norm) -> Option<usize> {
        let mut best: Option<usize> = None;
        let mut consider = |i: usize| best = Some(best.map_or(i, |b| b.min(i)));
        // Equal to an entry, or under it: the host itself or what follows one of its dots.
        let host = n.host.as_str();
        let tails = std::iter::once(host).chain(
            host.match_indices('.')
                .filter_map(|(dot, _)| host.get(dot + 1..)),
        );
        for tail in tails.filter(|t| t.len() <= self.longest_exact) {
            if let Some(&i) = self.exact.get(tail) {
                consider(i);
            }
        }
        // A national site: the organisational domain starts with the name and a dot.
        let org = n.org.as_str();
        for (dot, _) in org.match_indices('.') {
            if dot > self.longest_national {
                break;
            }
            let Some(label) = org.get(..dot) else {
                continue;
            };
            if let Some(&i) = self.national.get(label) {
                if national_site(org, label) {
                    consider(i);
                }
            }
        }
        best
    }
}

/// The brands' domain families, indexed.
fn brand_index() -> &'static TableIndex {
    static T: OnceLock<TableIndex> = OnceLock::new();
    T.get_or_init(|| TableIndex::new(brands().iter().map(|b| b.domains.as_slice())))
}

/// Whether `domain` belongs to `brand` (it is, or lies under, one of the brand's domains).
pub fn brand_owns(brand: &Brand, domain: &str) -> bool {
    in_table(domain, &brand.domains)
}

fn owner_of(n: &Norm) -> Option<&'static Brand> {
    brand_index().first(n).and_then(|i| brands().get(i))
}

/// The brand that owns `domain`, if any.
pub fn owner_brand(domain: &str) -> Option<&'static Brand> {
    owner_of(&Norm::new(domain))
}

/// A domain split for comparison: `login.paypal.co.uk` → label `paypal`, suffix `co.uk`.
/// Everything the comparisons need is worked out here, once per domain.
#[derive(Debug, Clone)]
struct Parts {
    org: String,
    /// The registrable label, punycode decoded.
    label: String,
    /// `label` folded with `fold_swaps`.
    folded: String,
    suffix: String,
    /// The suffix is a hosting service's (github.io, blogspot.com), not a registry's.
    private_suffix: bool,
    /// Every label left of the suffix, punycode decoded (subdomains included).
    labels: Vec<String>,
    /// `labels` folded with `fold_swaps`.
    folded_labels: Vec<String>,
    /// Some label was written in punycode (`xn--`).
    punycode: bool,
    /// How often each ASCII character occurs in `folded` (None when it is not ASCII).
    letters: Option<Letters>,
}

/// How often each ASCII character occurs in a label (a label has at most 63).
type Letters = [u8; 128];

fn letters(folded: &str) -> Option<Letters> {
    if !folded.is_ascii() {
        return None;
    }
    let mut count = [0u8; 128];
    for b in folded.bytes() {
        if let Some(c) = count.get_mut(usize::from(b)) {
            *c = c.saturating_add(1);
        }
    }
    Some(count)
}

fn parts(domain: &str) -> Option<Parts> {
    let ascii = ascii_host(domain);
    if !is_dns_name(&ascii) {
        // No such name can exist, so it imitates nothing, and comparing it letter by
        // letter would only cost time (a crafted host can be megabytes long).
        return None;
    }
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
    let label = unicode_label(label_ascii);
    let folded = fold_swaps(&label);
    Some(Parts {
        letters: letters(&folded),
        folded,
        folded_labels: labels.iter().map(|l| fold_swaps(l)).collect(),
        label,
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
    /// Characters in `folded`.
    folded_len: usize,
    suffix: String,
    brand: Option<&'static Brand>,
    /// Only exact (skeleton) matches count: short or everyday-word labels.
    exact_only: bool,
    /// Edits a near miss may differ by (0: only exact matches count).
    max_edits: usize,
    letters: Option<Letters>,
}

fn target(domain: &str, brand: Option<&'static Brand>) -> Option<Target> {
    let p = parts(domain)?;
    let exact_only = p.label.chars().count() <= 3 || everyday_word(&p.label);
    // Lengths of the written name: the skeleton spells "m" as "rn", which would make
    // "mail" look long enough to compare with "gmail".
    let max_edits = match p.label.chars().count() {
        _ if exact_only => 0,
        0..=5 => 0,
        6..=9 => 1,
        _ => 2,
    };
    Some(Target {
        domain: p.org,
        label: p.label,
        folded_len: p.folded.chars().count(),
        letters: p.letters,
        folded: p.folded,
        suffix: p.suffix,
        brand,
        exact_only,
        max_edits,
    })
}

/// The brand domains, with indexes that find the few a domain may imitate.
struct BrandTargets {
    all: Vec<Target>,
    /// By label, then by folded label: positions in `all`.
    by_label: HashMap<String, Vec<usize>>,
    by_folded: HashMap<String, Vec<usize>>,
    /// Targets that near misses count for, by the length of their folded label.
    by_len: Vec<Vec<usize>>,
}

/// The most edits any target allows (`Target::max_edits`).
const MOST_EDITS: usize = 2;

impl BrandTargets {
    /// Positions (in order) of the targets `compare` can find `p` imitating: the same
    /// label, the same folded label, or a folded label close enough in length for an
    /// edit-distance match. `compare` says no to every other target.
    fn candidates(&self, p: &Parts) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        if let Some(v) = self.by_label.get(&p.label) {
            out.extend(v);
        }
        if let Some(v) = self.by_folded.get(&p.folded) {
            out.extend(v);
        }
        if p.label.chars().count() >= 4 {
            let len = p.folded.chars().count();
            let lo = len.saturating_sub(MOST_EDITS);
            for bucket in self.by_len.iter().skip(lo).take(len + MOST_EDITS + 1 - lo) {
                out.extend(bucket);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

fn brand_targets() -> &'static BrandTargets {
    static T: OnceLock<BrandTargets> = OnceLock::new();
    T.get_or_init(|| {
        let all: Vec<Target> = brands()
            .iter()
            .flat_map(|b| {
                b.domains
                    .iter()
                    .filter(|d| !d.ends_with(".*"))
                    .filter_map(move |d| target(d, Some(b)))
            })
            .collect();
        let mut by_label: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_folded: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_len: Vec<Vec<usize>> = Vec::new();
        for (i, t) in all.iter().enumerate() {
            by_label.entry(t.label.clone()).or_default().push(i);
            by_folded.entry(t.folded.clone()).or_default().push(i);
            if t.max_edits > 0 {
                if by_len.len() <= t.folded_len {
                    by_len.resize_with(t.folded_len + 1, Vec::new);
                }
                if let Some(bucket) = by_len.get_mut(t.folded_len) {
                    bucket.push(i);
                }
            }
        }
        BrandTargets {
            all,
            by_label,
            by_folded,
            by_len,
        }
    })
}

/// A name that identifies a brand inside a longer domain label, folded; `substring_ok`
/// when the name may also match inside a longer word (long, distinctive names only).
struct Token {
    text: String,
    substring_ok: bool,
    brand: &'static Brand,
}

/// The brand tokens, and one automaton that finds every one of them in a label at once.
struct Tokens {
    all: Vec<Token>,
    /// Over the distinct token texts; a match of text `i` stands for `by_text[i]`.
    automaton: aho_corasick::AhoCorasick,
    by_text: Vec<Vec<usize>>,
    /// Tokens with no text, which `token_in_label` may find in any label.
    empty: Vec<usize>,
}

fn brand_tokens() -> &'static Tokens {
    static T: OnceLock<Tokens> = OnceLock::new();
    T.get_or_init(|| {
        let mut out: Vec<Token> = Vec::new();
        for b in brands() {
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
                .filter(|l| l.chars().count() >= 5 && !everyday_word(l));
            for raw in from_keywords.chain(from_domains) {
                if raw.chars().count() < 3 {
                    continue;
                }
                let substring_ok = raw.chars().count() >= 6 && !everyday_word(&raw);
                let tok = fold_swaps(&raw);
                if !out
                    .iter()
                    .any(|t| t.text == tok && std::ptr::eq(t.brand, b))
                {
                    out.push(Token {
                        text: tok,
                        substring_ok,
                        brand: b,
                    });
                }
            }
        }
        let mut texts: Vec<&str> = Vec::new();
        let mut by_text: Vec<Vec<usize>> = Vec::new();
        let mut empty = Vec::new();
        for (i, t) in out.iter().enumerate() {
            if t.text.is_empty() {
                empty.push(i);
                continue;
            }
            match texts.iter().position(|x| *x == t.text) {
                Some(k) => {
                    if let Some(v) = by_text.get_mut(k) {
                        v.push(i);
                    }
                }
                None => {
                    texts.push(&t.text);
                    by_text.push(vec![i]);
                }
            }
        }
        let automaton = automaton(&texts);
        Tokens {
            all: out,
            automaton,
            by_text,
            empty,
        }
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
    thread_local! {
        static MEMO: RefCell<Memo<String, Option<&'static Brand>>> =
            const { RefCell::new(Memo::new()) };
    }
    *MEMO.with(|m| Memo::get(m, host, || find_brand_in_host(host)))
}

fn find_brand_in_host(host: &str) -> Option<&'static Brand> {
    let p = parts(host)?;
    let tenant_of = tenant_namespace(host);
    if tenant_of.is_none() && owner_brand(host).is_some() {
        return None;
    }
    brand_in_parts(&p, tenant_of)
}

/// `brand_in_host` once the host is known not to belong to a brand (or to be a tenant's).
fn brand_in_parts(p: &Parts, tenant_of: Option<&str>) -> Option<&'static Brand> {
    let tokens = brand_tokens();
    // A token that `token_in_label` finds, whole or inside a word, is a substring of the
    // label without its hyphens and underscores: the automaton finds those candidates in
    // one pass, and only they are tested, in table order (the first one wins).
    let mut candidates: Vec<usize> = tokens.empty.clone();
    for label in &p.folded_labels {
        let squashed = label.replace(['-', '_'], "");
        for m in tokens.automaton.find_overlapping_iter(&squashed) {
            if let Some(v) = tokens.by_text.get(m.pattern().as_usize()) {
                candidates.extend(v);
            }
        }
    }
    candidates.sort_unstable();
    candidates.dedup();
    candidates
        .into_iter()
        .filter_map(|i| tokens.all.get(i))
        .filter(|t| Some(t.brand.name.as_str()) != tenant_of)
        .find(|t| {
            p.folded_labels
                .iter()
                .any(|l| token_in_label(l, &t.text, t.substring_ok))
        })
        .map(|t| t.brand)
}

/// The brand whose customer namespace `host` lies in, if any: the company runs the
/// servers, but anyone chooses the name (`yourname.onmicrosoft.com`,
/// `bucket.s3.amazonaws.com`). Such a host neither belongs to nor imitates the company;
/// the customer's part can still imitate someone else.
pub fn tenant_namespace(host: &str) -> Option<&'static str> {
    let h = ascii_host(host);
    tables::rules()
        .tenant_namespaces
        .iter()
        .find(|(ns, _)| {
            h.strip_suffix(ns.as_str())
                .is_some_and(|p| p.ends_with('.'))
        })
        .map(|(_, b)| b.as_str())
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

/// Whether `folded` may be within `max` edits (Damerau–Levenshtein) of the target, from
/// two lower bounds of the distance that cost far less than the distance itself: the
/// difference in length, and the letters one has more of than the other (an insertion,
/// deletion or substitution changes that count by at most one on each side; swapping
/// neighbours leaves it alone).
fn may_be_within(p: &Parts, t: &Target, max: usize) -> bool {
    if p.folded.chars().count().abs_diff(t.folded_len) > max {
        return false;
    }
    let (Some(a), Some(b)) = (&p.letters, &t.letters) else {
        return true;
    };
    // Both counts were made once (per domain, per target); this loop vectorises.
    let (mut extra, mut missing) = (0u32, 0u32);
    for (x, y) in a.iter().zip(b.iter()) {
        extra += u32::from(x.saturating_sub(*y));
        missing += u32::from(y.saturating_sub(*x));
    }
    usize::try_from(extra.max(missing)).unwrap_or(usize::MAX) <= max
}

/// How `p` imitates `t`, if it does.
fn compare(domain: &str, p: &Parts, t: &Target) -> Option<Lookalike> {
    if p.org == t.domain {
        return None;
    }
    let brand = t.brand.map(|b| b.name.as_str());
    let make = |kind, detail: String| Lookalike {
        target: t.domain.clone(),
        kind,
        detail,
        brand,
    };
    let non_ascii = !p.label.is_ascii();
    let folded = p.folded.as_str();
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
    let max = t.max_edits;
    if max == 0 || !may_be_within(p, t, max) {
        return None;
    }
    let dist = strsim::damerau_levenshtein(folded, &t.folded);
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
    type Question = (String, Vec<String>);
    thread_local! {
        static MEMO: RefCell<Memo<Question, Vec<Lookalike>>> = const { RefCell::new(Memo::new()) };
    }
    let question: Question = (domain.to_string(), protected.to_vec());
    MEMO.with(|m| Memo::get(m, &question, || find_lookalikes(domain, protected)))
        .as_ref()
        .clone()
}

fn find_lookalikes(domain: &str, protected: &[String]) -> Vec<Lookalike> {
    let Some(p) = parts(domain) else {
        return Vec::new();
    };
    let tenant_of = tenant_namespace(domain);
    if tenant_of.is_none() && owner_brand(domain).is_some() {
        return Vec::new();
    }
    thread_local! {
        static TARGETS: RefCell<Memo<String, Option<Target>>> = const { RefCell::new(Memo::new()) };
    }
    let prot: Vec<Rc<Option<Target>>> = protected
        .iter()
        .map(|d| TARGETS.with(|m| Memo::get(m, d.as_str(), || target(d, None))))
        .collect();
    let prot: Vec<&Target> = prot.iter().filter_map(|t| t.as_ref().as_ref()).collect();
    if prot.iter().any(|t| t.domain == p.org) {
        // The reader's own (or the sender's own) organisation is not an imitation of itself.
        return Vec::new();
    }
    let brand_targets = brand_targets();
    let candidates = brand_targets
        .candidates(&p)
        .into_iter()
        .filter_map(|i| brand_targets.all.get(i));
    let mut found: Vec<Lookalike> = prot
        .iter()
        .copied()
        .chain(candidates)
        .filter_map(|t| compare(domain, &p, t))
        .collect();
    // The same test as `brand_in_host`, whose ownership test was passed above.
    if let Some(b) = brand_in_parts(&p, tenant_of) {
        found.push(Lookalike {
            target: b.domains.first().map(|d| d.to_string()).unwrap_or_default(),
            kind: LookalikeKind::BrandInLabel,
            detail: format!(
                "{domain} uses the name {} but does not belong to {}",
                b.name, b.name
            ),
            brand: Some(b.name.as_str()),
        });
    }
    for t in &prot {
        // The protected name as a whole word inside another domain ("northwind-bank.example.evil").
        if t.label.chars().count() >= 4
            && p.folded_labels.iter().any(|l| {
                token_in_label(l, &t.folded.replace('-', ""), t.label.chars().count() >= 6)
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

/// Whether `domain` sits in a government namespace (tax offices, traffic departments,
/// courts): names people trust and scammers borrow.
pub fn is_government(domain: &str) -> bool {
    let d = ascii_host(domain);
    let Some(sfx) = psl::suffix_str(&d) else {
        return false;
    };
    let labels: Vec<&str> = sfx.split('.').collect();
    let rules = tables::rules();
    match labels.split_last() {
        Some((tld, [])) => rules.government_tlds.iter().any(|t| t == tld),
        // "gov.br", and state namespaces below it such as "sp.gov.br".
        Some((_cc, rest)) => rest
            .iter()
            .any(|l| rules.government_labels.iter().any(|g| g == l)),
        None => false,
    }
}

/// Whether `domain` is the stand-in name "example" under some ending: `example.com`,
/// `example.net` and `example.org` (reserved by RFC 2606), and the national registries' own
/// reservations such as `example.jp`. Documentation and anonymised mail use it for "some
/// domain"; two such names share a stand-in, not an identity.
pub fn is_example_name(domain: &str) -> bool {
    let d = ascii_host(domain);
    let org = crate::analysis::identity::org_domain(d.trim_end_matches('.'));
    org.split('.').next() == Some("example") && org.contains('.')
}

/// Whether anyone can get an address at `domain` for free (webmail providers).
pub fn is_free_mail(domain: &str) -> bool {
    static T: OnceLock<TableIndex> = OnceLock::new();
    let index = T.get_or_init(|| TableIndex::new([tables::free_mail()]));
    index.first(&Norm::new(domain)).is_some()
}

/// Whether `domain` belongs to a large mail provider that signs every message it sends
/// (Gmail, Outlook.com, Yahoo…): mail from an address there that fails DMARC was not sent
/// by the provider.
pub fn is_signing_mail_provider(domain: &str) -> bool {
    static T: OnceLock<TableIndex> = OnceLock::new();
    let index = T.get_or_init(|| TableIndex::new([tables::signing_mail()]));
    index.first(&Norm::new(domain)).is_some()
}

/// Whether `host` is a link shortener: a short address that hides where it leads.
pub fn is_shortener(host: &str) -> bool {
    let h = ascii_host(host);
    let h = h.strip_prefix("www.").unwrap_or(&h);
    tables::shorteners().iter().any(|s| s == h)
}

/// Whether `domain` belongs to a mailing service that sends (and tracks clicks in) bulk
/// mail on behalf of its customers.
pub fn is_bulk_sender(domain: &str) -> bool {
    static T: OnceLock<TableIndex> = OnceLock::new();
    let index = T.get_or_init(|| TableIndex::new([tables::mailing_services()]));
    index.first(&Norm::new(domain)).is_some()
}

/// A service where anyone can publish a web page under the service's name.
#[derive(Debug, Clone, Serialize)]
pub struct FreeHost {
    /// The domain the service publishes under.
    pub suffix: String,
    /// The service's name.
    pub name: String,
    /// Often used for fake login pages (not just blogs and project pages).
    pub abused: bool,
}

/// The free web host `host` lives on, if any.
pub fn free_host(host: &str) -> Option<&'static FreeHost> {
    let h = ascii_host(host);
    let hosts = tables::free_hosts();
    let found = hosts.iter().find(|f| {
        h == f.suffix
            || h.strip_suffix(f.suffix.as_str())
                .is_some_and(|p| p.ends_with('.'))
    });
    if found.is_some() {
        return found;
    }
    // Amazon S3 buckets also live under many regional names
    // (`bucket.s3.us-east-1.amazonaws.com`, `bucket.s3-website-eu-west-1.amazonaws.com`),
    // which count as the table's S3 entry.
    let s3 = h
        .strip_suffix(".amazonaws.com")
        .is_some_and(|rest| rest.split('.').any(|l| l == "s3" || l.starts_with("s3-")));
    if !s3 {
        return None;
    }
    hosts.iter().find(|f| f.suffix == "s3.amazonaws.com")
}

/// The top-level domain of `host` when it is one often used for throwaway scam sites
/// (cheap endings that abuse reports rank highest, and `.zip`/`.mov`, which read as file
/// names; see `risky_tlds.toml`).
pub fn risky_tld(host: &str) -> Option<&'static str> {
    let h = ascii_host(host);
    let tld = h.rsplit('.').next()?;
    tables::risky_tlds()
        .iter()
        .find(|t| *t == tld)
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_folds_a_character_at_a_time() {
        let mut samples: Vec<String> = (0u8..128)
            .flat_map(|a| {
                (0u8..128).map(move |b| String::from_utf8(vec![a, b]).unwrap_or_default())
            })
            .collect();
        samples.extend(
            [
                "PayPal-Secure.COM",
                "rnicrosoft",
                "vvellsfargo",
                "amaz0n-1ogin",
                "I1l|0O",
                "",
            ]
            .map(String::from),
        );
        for s in &samples {
            assert_eq!(fold(s), fold_any(s), "{s:?}");
        }
    }

    #[test]
    fn a_brand_spelt_with_its_letters_apart_is_still_named() {
        assert_eq!(
            join_spaced_letters("I T A Ú - FEITO COM VOCÊ."),
            "ITAÚ - FEITO COM VOCÊ."
        );
        assert_eq!(join_spaced_letters("mail.lido.fi"), "mail.lido.fi");
        assert_eq!(
            join_spaced_letters("J. R. R. Tolkien Society"),
            "JRR. Tolkien Society"
        );
        assert_eq!(join_spaced_letters("P.a.y.P.a.l Service"), "PayPal Service");
        assert_eq!(join_spaced_letters("A B Smith"), "A B Smith");
        assert_eq!(
            brand_named_in("I T A Ú - FEITO COM VOCÊ.").map(|b| b.name.as_str()),
            Some("Itaú")
        );
        assert!(brand_named_in("J. R. R. Tolkien Society").is_none());
    }

    #[test]
    fn the_stand_in_name_example_imitates_nothing() {
        for d in [
            "example.com",
            "mail1.example.org",
            "example.jp",
            "nyaan.example.co.uk",
        ] {
            assert!(is_example_name(d), "{d}");
        }
        for d in [
            "corp.example",
            "examples.com",
            "example-bank.com",
            "paypal.com",
        ] {
            assert!(!is_example_name(d), "{d}");
        }
    }

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
            brand_in_host("paypal-login.blob.core.windows.net").map(|b| b.name.as_str()),
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
        // Real brand domains, national sites and unrelated names.
        let real = [
            "paypal.com",
            "www.paypal.com",
            "github.com",
            "ibm.com",
            "abc.com",
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
            "mail.com",
            "email.com",
        ];
        // Everyday words and names that brand names share or start.
        let words = [
            "applebees.com",
            "officedepot.com",
            "officer.com",
            "amazonas.am.gov.br",
            "windowscentral.com",
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
        ];
        // Customer names in a company's own namespace, imitating no one.
        let tenants = [
            "contoso.onmicrosoft.com",
            "tenant.mail.onmicrosoft.com",
            "contoso.sharepoint.com",
            "my-bucket.s3.amazonaws.com",
            "login.windows.net",
        ];
        for d in real.into_iter().chain(words).chain(tenants) {
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
            brand_named_in("PayPal Service").map(|b| b.name.as_str()),
            Some("PayPal")
        );
        assert_eq!(
            brand_named_in("Pаypal Support").map(|b| b.name.as_str()),
            Some("PayPal")
        );
        assert_eq!(
            brand_named_in("Banco Itaú").map(|b| b.name.as_str()),
            Some("Itaú")
        );
        assert_eq!(
            brand_named_in("Caixa Econômica Federal").map(|b| b.name.as_str()),
            Some("Caixa")
        );
        assert_eq!(
            brand_named_in("UPS delivery notice").map(|b| b.name.as_str()),
            Some("UPS")
        );
        assert_eq!(
            brand_named_in("Your Microsoft 365 password").map(|b| b.name.as_str()),
            Some("Microsoft")
        );
        assert_eq!(
            brand_named_in("DETRAN-SP").map(|b| b.name.as_str()),
            Some("Detran")
        );
        assert_eq!(
            brand_named_in("Booking.com").map(|b| b.name.as_str()),
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
        let all = brands()
            .iter()
            .flat_map(|b| b.domains.iter())
            .chain(tables::free_mail())
            .chain(tables::shorteners())
            .chain(tables::mailing_services())
            .chain(tables::free_hosts().iter().map(|f| &f.suffix));
        for d in all {
            assert!(
                d.is_ascii() && *d == d.to_ascii_lowercase() && !d.ends_with('.'),
                "{d}"
            );
        }
        for b in brands() {
            assert!(
                !b.domains.is_empty() && !b.keywords.is_empty(),
                "{}",
                b.name
            );
        }
    }

    /// Brand and table domains, near misses of them (a letter dropped, doubled, swapped,
    /// changed), the same names under other endings and inside other domains.
    fn variations() -> Vec<String> {
        let mut out = Vec::new();
        let tables = brands()
            .iter()
            .flat_map(|b| b.domains.iter())
            .chain(tables::free_mail().iter().take(40))
            .chain(tables::mailing_services().iter().take(20));
        for d in tables {
            let d = d.trim_end_matches(".*");
            let (label, rest) = d.split_once('.').unwrap_or((d, "com"));
            let chars: Vec<char> = label.chars().collect();
            let mut labels = vec![label.to_string()];
            for i in 0..chars.len() {
                let mut dropped = chars.clone();
                dropped.remove(i);
                labels.push(dropped.iter().collect());
                let mut changed = chars.clone();
                changed[i] = if chars[i] == 'l' { '1' } else { 'x' };
                labels.push(changed.iter().collect());
                if i + 1 < chars.len() {
                    let mut swapped = chars.clone();
                    swapped.swap(i, i + 1);
                    labels.push(swapped.iter().collect());
                }
            }
            for l in labels {
                for ending in [rest, "co.uk", "github.io"] {
                    out.push(format!("{l}.{ending}"));
                }
                out.push(format!("mail.{l}.{rest}"));
                out.push(format!("{l}-login.example"));
                out.push(format!("{l}.{rest}.secure-verify.example"));
            }
        }
        out
    }

    /// `brand_named_in` as a plain scan of every keyword of every brand.
    fn brand_named_by_scan(text: &str) -> Option<&'static str> {
        let folded = words(&fold(text));
        brands()
            .iter()
            .find(|b| {
                b.keywords.iter().any(|k| {
                    if k.chars().count() <= 3 {
                        return contains_word(&words(text), &k.to_uppercase());
                    }
                    contains_word(&folded, words(&fold(k)).trim())
                })
            })
            .map(|b| b.name.as_str())
    }

    #[test]
    fn brand_names_found_by_the_automata_agree_with_a_scan_of_every_keyword() {
        let mut texts: Vec<String> = brands()
            .iter()
            .flat_map(|b| b.keywords.iter().chain([&b.name]))
            .flat_map(|k| {
                [
                    k.clone(),
                    k.to_uppercase(),
                    format!("Your {k} account"),
                    format!("{k}s and more"),
                    format!("the-{k}-team"),
                ]
            })
            .collect();
        texts.extend(variations().into_iter().step_by(7));
        for t in texts {
            assert_eq!(
                brand_named_in(&t).map(|b| b.name.as_str()),
                brand_named_by_scan(&t),
                "{t}"
            );
        }
    }

    #[test]
    fn indexed_lookups_agree_with_a_scan_of_every_entry() {
        let free_mail = TableIndex::new([tables::free_mail()]);
        let targets = brand_targets();
        let tokens = brand_tokens();
        for name in variations() {
            let n = Norm::new(&name);
            let scan = brands().iter().position(|b| n.in_table(&b.domains));
            assert_eq!(brand_index().first(&n), scan, "owner of {name}");
            assert_eq!(
                free_mail.first(&n).is_some(),
                n.in_table(tables::free_mail()),
                "free mail {name}"
            );
            let Some(p) = parts(&name) else {
                continue;
            };
            let every: Vec<Lookalike> = targets
                .all
                .iter()
                .filter_map(|t| compare(&name, &p, t))
                .collect();
            let indexed: Vec<Lookalike> = targets
                .candidates(&p)
                .into_iter()
                .filter_map(|i| compare(&name, &p, &targets.all[i]))
                .collect();
            assert_eq!(indexed, every, "look-alikes of {name}");
            let len = p.folded.chars().count();
            for t in &targets.all {
                if t.max_edits > 0 && t.folded_len.abs_diff(len) <= t.max_edits {
                    let d = strsim::damerau_levenshtein(&p.folded, &t.folded);
                    assert!(
                        d > t.max_edits || may_be_within(&p, t, t.max_edits),
                        "{name} is {d} edits from {}, but was ruled out",
                        t.domain
                    );
                }
            }
            let first_token = tokens
                .all
                .iter()
                .find(|t| {
                    p.folded_labels
                        .iter()
                        .any(|l| token_in_label(l, &t.text, t.substring_ok))
                })
                .map(|t| t.brand.name.as_str());
            assert_eq!(
                brand_in_parts(&p, None).map(|b| b.name.as_str()),
                first_token,
                "brand named in {name}"
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
