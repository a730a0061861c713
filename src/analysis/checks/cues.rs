//! Multilingual keyword cues, matched on decoded text as whole words, ignoring case,
//! accents and common look-alike letters (Cyrillic "а", mathematical "𝕒", full-width "ａ").
//!
//! A pattern is a list of word slots separated by spaces:
//! - `verify|confirm` — any of these words;
//! - `did+not|didn't` — `+` joins words into one alternative (contractions are one word);
//! - `suspen*` — a word starting with `suspen`;
//! - `~` or `~3` — up to 2 (or 3) words of anything in between.
//!
//! Patterns never match across a sentence end (`.`, `!`, `?`, or a blank line).
//!
//! The lists themselves are data, in `assets/knowledge/cues.toml`; a check names the list
//! it matches.

use foldhash::{HashMap, HashMapExt};
use std::sync::OnceLock;

use crate::analysis::knowledge;
use crate::analysis::types::{Location, MessageKind, Report};

/// How much body text cue matching reads: all the text that was read (a lure placed after
/// pages of filler is still found; reading more than that is reported as a limit).
const MAX_SCAN_BYTES: usize = crate::limits::TEXT_BYTES;

/// Folds one character for matching: lowercase, no accent, look-alikes → ASCII.
/// Returns None for characters that should vanish inside a word (zero-width, soft hyphen,
/// combining accents).
pub fn fold_char(c: char) -> Option<char> {
    let c = match c {
        '\u{200B}'..='\u{200D}'
        | '\u{2060}'
        | '\u{FEFF}'
        | '\u{00AD}'
        | '\u{0300}'..='\u{036F}' => return None,
        'A'..='Z' => return Some(c.to_ascii_lowercase()),
        'a'..='z' | '0'..='9' => return Some(c),
        '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
            char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c)
        }
        '\u{1D400}'..='\u{1D6A3}' => {
            let idx = (u32::from(c) - 0x1D400) % 52 % 26;
            char::from_u32(u32::from('a') + idx).unwrap_or(c)
        }
        '\u{1D7CE}'..='\u{1D7FF}' => {
            let idx = (u32::from(c) - 0x1D7CE) % 10;
            char::from_u32(u32::from('0') + idx).unwrap_or(c)
        }
        _ => c,
    };
    let lower = c.to_lowercase().next().unwrap_or(c);
    Some(match lower {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'а' | 'α' => 'a',
        'ç' | 'ć' | 'č' | 'с' | 'ℂ' => 'c',
        'ď' | 'ԁ' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' | 'е' | 'ε' | 'ℯ' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' | 'і' | 'ι' => 'i',
        'ј' => 'j',
        'κ' => 'k',
        'ł' | 'ӏ' | 'ℓ' => 'l',
        'ñ' | 'ń' | 'ň' | 'ℕ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' | 'о' | 'ο' | 'ℴ' => 'o',
        'р' | 'ρ' | 'ℙ' => 'p',
        'ř' | 'ℝ' => 'r',
        'ś' | 'š' | 'ѕ' => 's',
        'ť' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => 'u',
        'ν' => 'v',
        'х' | 'χ' => 'x',
        'ý' | 'ÿ' | 'у' => 'y',
        'ź' | 'ż' | 'ž' | 'ℤ' => 'z',
        'һ' | 'ℍ' | 'ℎ' => 'h',
        other => other,
    })
}

/// Folds a whole string (used for patterns and short values).
pub fn fold(s: &str) -> String {
    s.chars().filter_map(fold_char).collect()
}

/// One word of the scanned text.
#[derive(Debug, Clone)]
pub struct Word {
    /// Byte range in the original text.
    pub start: usize,
    pub end: usize,
    /// A sentence ends between the previous word and this one.
    pub break_before: bool,
    /// Byte range of the folded word in `Words::folded`.
    fold_start: usize,
    fold_end: usize,
}

/// No further occurrence (see `Words::next`).
const NONE: u32 = u32::MAX;

/// A text's words with, for each distinct word, where it occurs: a cue list then looks up
/// its few first words instead of looking up every word of the text. The folded words
/// sit back to back in one string and the index holds positions only, so splitting a
/// text costs a few allocations, not a few per word.
pub struct Words {
    /// Every word folded, back to back (`Word::fold_start..fold_end`).
    folded: String,
    words: Vec<Word>,
    /// Each distinct word, as the positions of its first and (so far) last occurrence.
    first: hashbrown::HashTable<(u32, u32)>,
    /// For each word, the position of the next occurrence of the same word, or `NONE`.
    next: Vec<u32>,
    /// The distinct words (as the position of their first occurrence), sorted, so the
    /// words starting with a prefix are found at once; each with its `sort_key`.
    sorted: Vec<(u64, u32)>,
}

/// The first eight bytes of a word, big-endian, zero-padded: comparing two keys orders
/// two words as comparing the words does, unless the keys are equal (words hold no zero
/// byte, so a shorter word sorts first, as it should).
fn sort_key(w: &str) -> u64 {
    let mut k = [0u8; 8];
    for (d, b) in k.iter_mut().zip(w.bytes()) {
        *d = b;
    }
    u64::from_be_bytes(k)
}

/// `a.cmp(b)` for words, with their keys compared first.
fn word_order(a: (u64, &str), b: (u64, &str)) -> std::cmp::Ordering {
    a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1))
}

fn hash_word(w: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::default().hash_one(w)
}

impl Words {
    pub fn of(text: &str) -> Words {
        let (folded, words) = tokenize(text);
        let mut words = Words {
            folded,
            first: hashbrown::HashTable::with_capacity(words.len() / 2),
            next: vec![NONE; words.len()],
            words,
            sorted: Vec::new(),
        };
        for i in 0..words.words.len() {
            let pos = u32::try_from(i).unwrap_or(NONE);
            let (texts, all) = (&words.folded, &words.words);
            let text_of = |p: u32| {
                all.get(p as usize)
                    .and_then(|w| texts.get(w.fold_start..w.fold_end))
                    .unwrap_or("")
            };
            let w = text_of(pos);
            let h = hash_word(w);
            match words.first.find_mut(h, |&(f, _)| text_of(f) == w) {
                // Chained after the word's last occurrence so far.
                Some((_, last)) => {
                    if let Some(n) = words.next.get_mut(*last as usize) {
                        *n = pos;
                    }
                    *last = pos;
                }
                None => {
                    words
                        .first
                        .insert_unique(h, (pos, pos), |&(f, _)| hash_word(text_of(f)));
                }
            }
        }
        let mut sorted: Vec<(u64, u32)> = words
            .first
            .iter()
            .map(|&(f, _)| (sort_key(words.text(f as usize)), f))
            .collect();
        sorted.sort_unstable_by(|&(ka, a), &(kb, b)| {
            word_order((ka, words.text(a as usize)), (kb, words.text(b as usize)))
        });
        words.sorted = sorted;
        words
    }

    /// How many words the text has.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<&Word> {
        self.words.get(i)
    }

    /// The folded text of word `i` ("" past the end).
    pub fn text(&self, i: usize) -> &str {
        self.words
            .get(i)
            .and_then(|w| self.folded.get(w.fold_start..w.fold_end))
            .unwrap_or("")
    }

    /// The first occurrence of the distinct word `w`.
    fn first_of(&self, w: &str) -> Option<usize> {
        self.first
            .find(hash_word(w), |&(f, _)| self.text(f as usize) == w)
            .map(|&(f, _)| f as usize)
    }

    /// Every occurrence of the word first seen at `first`, in text order.
    fn occurrences(&self, first: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(Some(first), |&i| {
            self.next
                .get(i)
                .copied()
                .filter(|&n| n != NONE)
                .map(|n| n as usize)
        })
    }

    /// How many distinct words the text has.
    fn distinct(&self) -> usize {
        self.first.len()
    }

    /// Positions of the words that `wp` matches, in no particular order.
    fn matching(&self, wp: &WordPat, out: &mut Vec<usize>) {
        let (text, prefix) = wp;
        if !*prefix {
            if let Some(f) = self.first_of(text) {
                out.extend(self.occurrences(f));
            }
            return;
        }
        let key = sort_key(text);
        let from = self.sorted.partition_point(|&(k, i)| {
            word_order((k, self.text(i as usize)), (key, text.as_str())).is_lt()
        });
        for &(_, f) in self.sorted.iter().skip(from) {
            if !self.text(f as usize).starts_with(text.as_str()) {
                break;
            }
            out.extend(self.occurrences(f as usize));
        }
    }

    /// Positions where a match of `slots` may start (where `match_at` can succeed).
    fn starts(&self, slots: &[Slot]) -> Vec<usize> {
        let mut out = Vec::new();
        let alts = match slots.first() {
            Some(Slot::Any(alts)) if alts.iter().all(|a| !a.is_empty()) => alts,
            // A first slot that may match any word (never written so; see invalid_pattern).
            _ => return (0..self.words.len()).collect(),
        };
        for wp in alts.iter().filter_map(|a| a.first()) {
            self.matching(wp, &mut out);
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Splits text into words and records sentence breaks on the word that follows them;
/// returns the folded words back to back and each word's place in both texts.
fn tokenize(text: &str) -> (String, Vec<Word>) {
    let mut folded = String::with_capacity(text.len());
    // About one word in every six bytes of ordinary text.
    let mut out: Vec<Word> = Vec::with_capacity(text.len() / 6);
    // The word being read is `folded[cur..]`.
    let mut cur = 0usize;
    let mut start = 0usize;
    let mut end = 0usize;
    let mut pending_break = false;
    let mut newlines = 0usize;
    for (i, ch) in text.char_indices() {
        // Most of any text: an ASCII letter or digit, which only adds to the word.
        if ch.is_ascii_alphanumeric() {
            if folded.len() == cur {
                start = i;
            }
            folded.push(ch.to_ascii_lowercase());
            end = i + 1;
            continue;
        }
        // Other ASCII folds to its lower case; the rest goes through the table.
        let f = if ch.is_ascii() {
            ch.to_ascii_lowercase()
        } else {
            match fold_char(ch) {
                Some(f) => f,
                None => continue,
            }
        };
        let word = folded.get(cur..).unwrap_or("");
        if f.is_alphanumeric() {
            if word.is_empty() {
                start = i;
            }
            folded.push(f);
            end = i + ch.len_utf8();
            continue;
        }
        // English contractions stay one word: "won't" is "wont", never "won".
        if matches!(f, '\'' | '’')
            && word.ends_with(|c: char| c.is_alphabetic())
            && is_contraction_tail(text.get(i + ch.len_utf8()..).unwrap_or(""))
        {
            continue;
        }
        // A decimal point or thousands separator inside a number ("0.7495", "4.593,21")
        // belongs to the number; it does not end a sentence.
        if matches!(f, '.' | ',')
            && word.ends_with(|c: char| c.is_ascii_digit())
            && text
                .get(i + ch.len_utf8()..)
                .and_then(|t| t.chars().next())
                .is_some_and(|n| n.is_ascii_digit())
        {
            folded.push(f);
            continue;
        }
        if !word.is_empty() {
            out.push(Word {
                start,
                end,
                break_before: pending_break,
                fold_start: cur,
                fold_end: folded.len(),
            });
            cur = folded.len();
            pending_break = false;
            newlines = 0;
        }
        match f {
            '.' | '!' | '?' | '。' | '¡' | '¿' => pending_break = true,
            '\n' => {
                newlines += 1;
                if newlines >= 2 {
                    pending_break = true;
                }
            }
            _ => {}
        }
    }
    if folded.len() > cur {
        out.push(Word {
            start,
            end,
            break_before: pending_break,
            fold_start: cur,
            fold_end: folded.len(),
        });
    }
    (folded, out)
}

/// Whether `rest` (the text after an apostrophe) is the tail of an English contraction:
/// n't, 've, 're, 'll, 's, 'd, 'm followed by the end of the word.
fn is_contraction_tail(rest: &str) -> bool {
    ["t", "ve", "re", "ll", "s", "d", "m"].iter().any(|tail| {
        rest.get(..tail.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(tail))
            && rest
                .get(tail.len()..)
                .and_then(|r| r.chars().next())
                .is_none_or(|c| !c.is_alphanumeric())
    })
}

/// One word of an alternative: `(text, is_prefix)`.
type WordPat = (String, bool);

#[derive(Debug)]
enum Slot {
    /// Alternatives, each one or more consecutive words (`did+not`).
    Any(Vec<Vec<WordPat>>),
    /// Up to n words of anything.
    Gap(usize),
}

fn word_matches((text, prefix): &WordPat, word: &str) -> bool {
    if *prefix {
        word.starts_with(text.as_str())
    } else {
        word == text
    }
}

/// Words an alternative consumes when it matches at `words[i..]`.
fn alt_len(alt: &[WordPat], words: &Words, i: usize) -> Option<usize> {
    for (k, wp) in alt.iter().enumerate() {
        let w = words.get(i + k)?;
        if k > 0 && w.break_before {
            return None;
        }
        if !word_matches(wp, words.text(i + k)) {
            return None;
        }
    }
    Some(alt.len())
}

#[derive(Debug)]
struct Pattern {
    source: &'static str,
    slots: Vec<Slot>,
}

fn compile(source: &'static str) -> Pattern {
    let slots = source
        .split_whitespace()
        .map(|slot| {
            if let Some(n) = slot.strip_prefix('~') {
                Slot::Gap(n.parse().unwrap_or(2))
            } else {
                Slot::Any(
                    slot.split('|')
                        .map(|alt| {
                            alt.split('+')
                                .map(|w| {
                                    let w = w.replace(['\'', '’'], "");
                                    match w.strip_suffix('*') {
                                        Some(p) => (fold(p), true),
                                        None => (fold(&w), false),
                                    }
                                })
                                .collect()
                        })
                        .collect(),
                )
            }
        })
        .collect();
    Pattern { source, slots }
}

/// Why a pattern of the mini-language above cannot work as written, if it cannot: an
/// empty slot or word, a gap at either end or next to another, a bad gap length, a `*`
/// inside a word, or a word that the text is never split into (with a hyphen, an accent
/// or a capital letter: text is folded and split at every other character).
#[cfg(test)]
pub(crate) fn invalid_pattern(source: &str) -> Option<String> {
    let slots: Vec<&str> = source.split_whitespace().collect();
    let is_gap = |s: &&str| s.starts_with('~');
    if slots.is_empty() {
        return Some("is empty".into());
    }
    if slots.first().is_some_and(is_gap) || slots.last().is_some_and(is_gap) {
        return Some("starts or ends with a gap".into());
    }
    for pair in slots.windows(2) {
        if pair.iter().all(is_gap) {
            return Some("has two gaps in a row".into());
        }
    }
    for slot in slots {
        if let Some(n) = slot.strip_prefix('~') {
            if !n.is_empty() && !n.parse::<usize>().is_ok_and(|n| (1..=9).contains(&n)) {
                return Some(format!("has the gap {slot:?}: write ~ or ~1 to ~9"));
            }
            continue;
        }
        for alt in slot.split('|') {
            for w in alt.split('+') {
                let w = w.replace(['\'', '’'], "");
                let (stem, _) = w
                    .strip_suffix('*')
                    .map_or((w.as_str(), false), |p| (p, true));
                if stem.is_empty() {
                    return Some(format!("has an empty word in {slot:?}"));
                }
                if fold(stem) != stem || !stem.chars().all(char::is_alphanumeric) {
                    return Some(format!(
                        "has the word {stem:?}, which text is never split into: write it lowercase, without accents, hyphens or other marks"
                    ));
                }
            }
        }
    }
    None
}

/// Tries to match `slots` at `words[i..]`; returns the index one past the last word used.
fn match_at(slots: &[Slot], words: &Words, i: usize, first: bool) -> Option<usize> {
    let Some((slot, rest)) = slots.split_first() else {
        return Some(i);
    };
    match slot {
        Slot::Gap(n) => {
            for skip in 0..=*n {
                let j = i + skip;
                // Skipped words must stay inside the sentence.
                if skip > 0 && words.get(j - 1).is_some_and(|w| w.break_before) {
                    break;
                }
                if let Some(end) = match_at(rest, words, j, false) {
                    return Some(end);
                }
                if j >= words.len() {
                    break;
                }
            }
            None
        }
        Slot::Any(alts) => {
            let w = words.get(i)?;
            if !first && w.break_before {
                return None;
            }
            alts.iter()
                .filter_map(|alt| alt_len(alt, words, i))
                .find_map(|n| match_at(rest, words, i + n, false))
        }
    }
}

/// A named list of patterns, compiled once.
pub struct Cues {
    patterns: Patterns,
    compiled: OnceLock<Compiled>,
}

/// Where a cue list's patterns come from.
enum Patterns {
    /// A list of `assets/knowledge/cues.toml`, by name.
    Named(&'static str),
    /// Patterns written in place, for tests of the matcher itself.
    #[cfg(test)]
    Literal(&'static [&'static str]),
}

struct Compiled {
    patterns: Vec<Pattern>,
    /// Patterns whose first slot is an exact word, by that word.
    by_first: HashMap<String, Vec<usize>>,
    /// Patterns whose first slot holds a prefix.
    by_prefix: Vec<usize>,
}

/// One place a cue matched.
#[derive(Debug, Clone)]
pub struct Hit {
    /// The pattern, as written in the cue list.
    pub pattern: &'static str,
    pub source: Source,
    /// Byte range of the matched words in the source text.
    pub start: usize,
    pub end: usize,
}

/// Which text a hit was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Subject,
    Body,
}

impl Cues {
    /// The cue list `name` of the knowledge file; loaded and compiled on first use.
    pub const fn named(name: &'static str) -> Cues {
        Cues {
            patterns: Patterns::Named(name),
            compiled: OnceLock::new(),
        }
    }

    /// A cue list written in place (tests of the matcher).
    #[cfg(test)]
    pub const fn new(patterns: &'static [&'static str]) -> Cues {
        Cues {
            patterns: Patterns::Literal(patterns),
            compiled: OnceLock::new(),
        }
    }

    /// The patterns, in the order they are tried.
    fn sources(&self) -> Vec<&'static str> {
        match self.patterns {
            // Every name a check uses is checked against the data by the knowledge tests,
            // so a missing list is a defect of the build, reported as loudly as a broken file.
            Patterns::Named(name) => knowledge::cues::patterns(name).unwrap_or_else(|| {
                panic!("the cue list {name} is missing from assets/knowledge/cues.toml")
            }),
            #[cfg(test)]
            Patterns::Literal(patterns) => patterns.to_vec(),
        }
    }

    fn compiled(&self) -> &Compiled {
        self.compiled.get_or_init(|| {
            let patterns: Vec<Pattern> = self.sources().into_iter().map(compile).collect();
            let mut by_first: HashMap<String, Vec<usize>> = HashMap::new();
            let mut by_prefix = Vec::new();
            for (idx, p) in patterns.iter().enumerate() {
                match p.slots.first() {
                    Some(Slot::Any(alts)) => {
                        let firsts: Vec<&WordPat> = alts.iter().filter_map(|a| a.first()).collect();
                        if firsts.len() < alts.len() || firsts.iter().any(|(_, prefix)| *prefix) {
                            by_prefix.push(idx);
                        } else {
                            for (t, _) in firsts {
                                let list = by_first.entry(t.clone()).or_default();
                                if !list.contains(&idx) {
                                    list.push(idx);
                                }
                            }
                        }
                    }
                    _ => by_prefix.push(idx),
                }
            }
            Compiled {
                patterns,
                by_first,
                by_prefix,
            }
        })
    }

    /// Every match in `words`, at most one per pattern (the first), in text order.
    fn find_in(&self, text: &Words, source: Source, out: &mut Vec<Hit>) {
        let c = self.compiled();
        let words = text;
        // Where each pattern may start, ordered as a walk through the text would try them:
        // by word, then patterns keyed by that word in their order, then prefix patterns.
        let mut starts: Vec<(usize, usize, usize)> = Vec::new();
        let mut add = |first: usize, list: &[usize]| {
            for i in text.occurrences(first) {
                starts.extend(list.iter().enumerate().map(|(rank, &idx)| (i, rank, idx)));
            }
        };
        // Whichever side has fewer distinct words is walked, the other looked up.
        if text.distinct() < c.by_first.len() {
            for &(first, _) in text.first.iter() {
                if let Some(list) = c.by_first.get(text.text(first as usize)) {
                    add(first as usize, list);
                }
            }
        } else {
            for (word, list) in &c.by_first {
                if let Some(first) = text.first_of(word) {
                    add(first, list);
                }
            }
        }
        let after_exact = usize::MAX / 2;
        for (rank, &idx) in c.by_prefix.iter().enumerate() {
            let Some(p) = c.patterns.get(idx) else {
                continue;
            };
            starts.extend(
                text.starts(&p.slots)
                    .into_iter()
                    .map(|i| (i, after_exact + rank, idx)),
            );
        }
        starts.sort_unstable();
        let mut seen = vec![false; c.patterns.len()];
        for (i, _, idx) in starts {
            if seen.get(idx).copied().unwrap_or(true) {
                continue;
            }
            let (Some(w), Some(p)) = (words.get(i), c.patterns.get(idx)) else {
                continue;
            };
            if let Some(end) = match_at(&p.slots, words, i, true) {
                if let Some(flag) = seen.get_mut(idx) {
                    *flag = true;
                }
                let last = end.saturating_sub(1).max(i);
                out.push(Hit {
                    pattern: p.source,
                    source,
                    start: w.start,
                    end: words.get(last).map_or(w.end, |l| l.end),
                });
            }
        }
    }
}

/// The subject and body of a message, split into words once for all cue lists.
pub struct Doc<'a> {
    pub subject: &'a str,
    pub body: &'a str,
    subject_words: Words,
    body_words: Words,
}

impl<'a> Doc<'a> {
    /// Prepares the report's subject and (the first 64 KB of) its body text; for a
    /// delivery report, only the report's own words, not its copy of the returned message.
    /// Checks get it from `Ctx::doc`, which splits a message once for all of them.
    pub fn of(r: &'a Report) -> Doc<'a> {
        let subject = r.subject.as_deref().unwrap_or("");
        let text = r.content.text.as_str();
        let mut cut = text.len().min(MAX_SCAN_BYTES);
        while cut > 0 && !text.is_char_boundary(cut) {
            cut -= 1;
        }
        if r.kind == MessageKind::Machine {
            // A bounce's own words end where its copy of the returned message starts:
            // what follows was written by whoever wrote the original, not by the report.
            cut = cut.min(crate::analysis::sender::original_copy_at(text).unwrap_or(cut));
        }
        let body = text.get(..cut).unwrap_or("");
        Doc::new(subject, body)
    }

    /// Prepares any subject and body (used by tests).
    pub fn new(subject: &'a str, body: &'a str) -> Doc<'a> {
        Doc {
            subject,
            body,
            subject_words: Words::of(subject),
            body_words: Words::of(body),
        }
    }

    /// All hits of a cue list, subject first.
    pub fn find(&self, cues: &Cues) -> Vec<Hit> {
        let mut out = Vec::new();
        cues.find_in(&self.subject_words, Source::Subject, &mut out);
        cues.find_in(&self.body_words, Source::Body, &mut out);
        out
    }

    /// The body's words (for checks that look for numbers or passwords).
    pub fn body_words(&self) -> &Words {
        &self.body_words
    }

    /// The sentence around a hit, for evidence.
    pub fn excerpt(&self, hit: &Hit) -> String {
        let text = match hit.source {
            Source::Subject => return self.subject.trim().to_string(),
            Source::Body => self.body,
        };
        sentence_around(text, hit.start, hit.end)
    }
}

/// The sentence around `start..end`, at most ~120 bytes either side, on one line.
pub fn sentence_around(text: &str, start: usize, end: usize) -> String {
    const ENDS: [char; 4] = ['.', '!', '?', '\n'];
    let before = text.get(..start).unwrap_or("");
    let sentence_start = before.rfind(ENDS).map_or(0, |p| p + 1);
    let mut from = sentence_start.max(start.saturating_sub(120));
    while from > 0 && !text.is_char_boundary(from) {
        from += 1;
    }
    let after = text.get(end..).unwrap_or("");
    let sentence_end = after.find(ENDS).map_or(text.len(), |p| end + p + 1);
    let mut to = sentence_end.min(end.saturating_add(120)).min(text.len());
    while to < text.len() && !text.is_char_boundary(to) {
        to += 1;
    }
    let mut s = text
        .get(from..to)
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if from > sentence_start {
        s.insert(0, '…');
    }
    if to < sentence_end {
        s.push('…');
    }
    s
}

/// Evidence for a hit: the subject header, or the body sentence.
pub fn location(r: &Report, hit: &Hit) -> Location {
    match hit.source {
        Source::Subject => r
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case("subject"))
            .map_or(Location::Message, |h| Location::Header {
                name: h.name.clone(),
                index: h.index,
            }),
        Source::Body => Location::Body,
    }
}

/// Distinct patterns among hits, in first-seen order.
pub fn distinct(hits: &[Hit]) -> usize {
    let mut seen: Vec<&str> = Vec::new();
    for h in hits {
        if !seen.contains(&h.pattern) {
            seen.push(h.pattern);
        }
    }
    seen.len()
}

/// Words that give a password for something (an archive), with what follows:
/// "Password: 1234", "senha é 4455", "Kennwort – abc".
pub fn password_given(doc: &Doc) -> Option<(usize, usize)> {
    let words = doc.body_words();
    for (i, w) in words.words.iter().enumerate() {
        if !knowledge::cues::is_password_name(words.text(i)) {
            continue;
        }
        // "mot de passe": the cue is the last word of the phrase.
        let mut j = i + 1;
        while let Some(next) = words.get(j) {
            if j > i + 6 || next.break_before {
                break;
            }
            if knowledge::cues::is_password_filler(words.text(j)) {
                j += 1;
                continue;
            }
            let between = doc.body.get(w.end..next.start).unwrap_or("");
            let tok = words.text(j);
            let looks_like_secret = tok.chars().any(|c| c.is_ascii_digit())
                || between.contains(':')
                || between.contains('"')
                || between.contains('=');
            if looks_like_secret && (3..=24).contains(&tok.len()) {
                return Some((w.start, next.end));
            }
            break;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    static T: Cues = Cues::new(&[
        "verif*|confirm* ~2 account|conta",
        "wire transfer",
        "sua conta ~2 bloquead*",
    ]);

    #[test]
    fn sort_keys_order_words_as_the_words_do() {
        let words = [
            "",
            "a",
            "ab",
            "abc",
            "abcdefgh",
            "abcdefghi",
            "abcdefgi",
            "b",
            "z9",
            "é",
            "éa",
            "verif",
            "verify",
            "verification",
            "ve",
        ];
        for a in words {
            for b in words {
                assert_eq!(
                    word_order((sort_key(a), a), (sort_key(b), b)),
                    a.cmp(b),
                    "{a:?} {b:?}"
                );
            }
        }
    }

    #[test]
    fn ascii_folds_to_its_lower_case() {
        // `tokenize` folds ASCII without the table; the table must agree.
        for b in 0u8..128 {
            let c = char::from(b);
            assert_eq!(fold_char(c), Some(c.to_ascii_lowercase()), "{c:?}");
        }
    }

    #[test]
    fn folding_handles_accents_case_and_lookalikes() {
        assert_eq!(fold("ÉLÉVE Ação"), "eleve acao");
        // Cyrillic е and а inside a Latin word
        assert_eq!(fold("Wallеt Suspеnded"), "wallet suspended");
        assert_eq!(fold("𝕀𝕙𝕣 𝕚ℂ𝕝𝕠𝕦𝕕"), "ihr icloud");
        assert_eq!(fold("pass\u{200B}word"), "password");
    }

    #[test]
    fn patterns_match_whole_words_with_gaps() {
        let d = Doc::new(
            "",
            "Please VERIFY your account today. Confirmation of account: no.",
        );
        let hits = d.find(&T);
        assert_eq!(hits.len(), 1);
        assert_eq!(
            d.body.get(hits[0].start..hits[0].end),
            Some("VERIFY your account")
        );
        let d = Doc::new("Sua conta será bloqueada", "");
        assert_eq!(d.find(&T).first().map(|h| h.source), Some(Source::Subject));
    }

    #[test]
    fn patterns_do_not_cross_sentences_or_match_inside_words() {
        let d = Doc::new(
            "",
            "We verify. Account numbers are fine. Hardwire transfer-case.",
        );
        assert!(d.find(&T).is_empty(), "{:?}", d.find(&T));
    }

    #[test]
    fn a_decimal_point_is_not_a_sentence_end() {
        static BTC: Cues = Cues::new(&["transfer ~3 btc"]);
        let d = Doc::new("Your_transfer_0.7495_BTC", "");
        assert_eq!(d.find(&BTC).len(), 1);
        let words = Words::of("R$4.593,21 pendentes. Fim");
        assert_eq!(words.text(1), "4.593,21");
        assert!(words.get(3).is_some_and(|w| w.break_before));
    }

    #[test]
    fn contractions_are_one_word() {
        static WON: Cues = Cues::new(&["you ~2 won", "you've been"]);
        assert!(Doc::new("", "If you do that, you won't lose data.")
            .find(&WON)
            .is_empty());
        assert_eq!(Doc::new("", "You've been chosen").find(&WON).len(), 1);
        assert_eq!(Doc::new("", "You won the draw").find(&WON).len(), 1);
        // French elision is not a contraction.
        assert_eq!(Words::of("l'argent").text(1), "argent");
    }

    #[test]
    fn excerpt_is_the_sentence() {
        let d = Doc::new("", "Hello there. Please confirm your account now! Thanks.");
        let hits = d.find(&T);
        assert_eq!(d.excerpt(&hits[0]), "Please confirm your account now!");
    }

    #[test]
    fn patterns_that_cannot_match_are_invalid() {
        for ok in [
            "verif*|confirm* ~2 account|conta",
            "did+not|didn't ~3 order",
            "within 24h",
        ] {
            assert_eq!(invalid_pattern(ok), None, "{ok}");
        }
        for bad in [
            "",
            "~ account",
            "account ~",
            "a ~ ~ b",
            "a ~x b",
            "toll free|toll-free",
            "Account",
            "ação",
            "a||b",
            "su*pend",
            "did+",
        ] {
            assert!(invalid_pattern(bad).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn password_given_finds_the_secret() {
        let d = Doc::new("", "Find the invoice attached.\nPassword: 4471\nRegards");
        assert!(password_given(&d).is_some());
        let d = Doc::new("", "A senha do arquivo é 2024abc.");
        assert!(password_given(&d).is_some());
        let d = Doc::new("", "Never share your password with anyone.");
        assert!(password_given(&d).is_none());
    }
}
