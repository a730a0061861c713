//! Bodies → plain text, links (real target vs shown text), forms, hidden text.
//!
//! The HTML is read with a real tokenizer (html5gum), never rendered: no remote content is
//! fetched and nothing runs. Every loop is bounded so a hostile 20 MB body stays fast.

use std::convert::Infallible;

use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};
use html5gum::{DefaultEmitter, Emitter, ForwardingEmitter, Span, Token, Tokenizer};
use mail_parser::{Message, PartType};

use foldhash::HashSet;

use super::text::{clip, lossy};
use super::types::{Content, Link};
use crate::limits::{self, Budget, Limit};

/// Most bytes of plain-text rendering kept (see `limits`).
pub const MAX_TEXT_BYTES: usize = limits::TEXT_BYTES;
/// Most bytes of HTML read, over all HTML parts together (see `limits`).
pub const MAX_HTML_BYTES: usize = limits::HTML_BYTES;
/// Most different links listed (see `limits`).
pub const MAX_LINKS: usize = limits::LINKS;
/// Most hidden-text samples kept, and their length in characters.
const MAX_HIDDEN_SAMPLES: usize = 12;
const HIDDEN_SAMPLE_CHARS: usize = 160;
/// Deeper nesting than this is not tracked (the tokenizer still reads on).
const MAX_DEPTH: usize = 256;
const MAX_FORM_ACTIONS: usize = limits::FORMS;
const MAX_HREF_CHARS: usize = 2048;
const MAX_SHOWN_CHARS: usize = 300;

/// Reads the message's own body parts (not attachments) into a `Content`; limits reached
/// are recorded in `budget`.
pub fn extract(msg: &Message, budget: &mut Budget) -> Content {
    let mut content = Content::default();

    let mut plain = Capped::default();
    let mut plain_total = 0usize;
    for id in &msg.text_body {
        let Some(part) = msg.parts.get(*id as usize) else {
            continue;
        };
        if let PartType::Text(text) = &part.body {
            content.has_plain = true;
            plain_total += text.len();
            if !plain.text.is_empty() {
                plain.push_str("\n\n");
            }
            plain.push_str(text);
        }
    }

    let mut html = HtmlScan::default();
    let mut html_left = MAX_HTML_BYTES;
    let mut html_total = 0usize;
    for id in &msg.html_body {
        let Some(part) = msg.parts.get(*id as usize) else {
            continue;
        };
        if let PartType::Html(source) = &part.body {
            content.has_html = true;
            html_total += source.len();
            let slice = prefix(source, html_left);
            if slice.len() < source.len() {
                content.truncated = true;
            }
            html_left = html_left.saturating_sub(slice.len());
            html.scan(slice);
        }
    }
    if html_total > MAX_HTML_BYTES {
        budget.hit(Limit::Html, MAX_HTML_BYTES, Some(html_total));
    }
    let html_text = html.out.finish();
    content.truncated |= plain.truncated || html.out.truncated;
    if plain.truncated {
        budget.hit(Limit::Text, MAX_TEXT_BYTES, Some(plain_total));
    } else if html.out.truncated {
        budget.hit(Limit::Text, MAX_TEXT_BYTES, None);
    }

    // A plain part is the sender's own text version; but some senders ship an empty or
    // token plain part next to the real HTML, and the reader sees the HTML.
    let plain_chars = count_visible(&plain.text);
    let use_plain = content.has_plain && (!content.has_html || plain_chars * 3 >= html.visible);
    content.text = if use_plain {
        normalise_text(&decode_entities(&plain.text))
    } else {
        content.text_from_html = content.has_html;
        html_text.clone()
    };
    if content.has_plain && content.has_html {
        let plain_text = if use_plain {
            None
        } else {
            Some(normalise_text(&decode_entities(&plain.text)))
        };
        let (plain_side, html_side) = match &plain_text {
            Some(p) => (p.as_str(), content.text.as_str()),
            None => (content.text.as_str(), html_text.as_str()),
        };
        content.versions_differ = versions_differ(plain_side, html_side);
        content.other_text = match plain_text {
            Some(p) => p,
            None => html_text.clone(),
        };
    }

    let mut links = html.links;
    if content.has_plain {
        bare_urls(&plain.text, false, &mut links);
    }
    if content.has_html {
        bare_urls(&html_text, true, &mut links);
    }
    if links.beyond > 0 {
        budget.hit(Limit::Links, MAX_LINKS, Some(MAX_LINKS + links.beyond));
    }
    content.links = links.links;
    if html.form_actions_beyond > 0 {
        budget.hit(
            Limit::Forms,
            html.form_actions.len(),
            Some(html.form_actions.len() + html.form_actions_beyond),
        );
    }
    content.forms = html.forms;
    content.form_actions = html.form_actions;
    content.images = html.images;
    content.scripts = html.scripts;
    content.hidden_text = html.hidden_samples;
    content.hidden_chars = html.hidden;
    content.html_visible_chars = html.visible;
    content.form_inputs = html.inputs;
    content.password_inputs = html.passwords;
    content.pushed_out_of_view = html.pushed;
    content
}

/// Whether a message's plain-text and HTML versions say different things: most of the
/// words of one (four letters or more) are missing from the other. A plain version that
/// is a shortened copy of the HTML still shares its words; an unrelated footer does not.
fn versions_differ(plain: &str, html: &str) -> bool {
    use std::collections::HashSet;
    /// Words compared, at most, from each version.
    const MAX_WORDS: usize = 4000;
    fn words(s: &str) -> impl Iterator<Item = String> + '_ {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 4)
            .take(MAX_WORDS)
            .map(str::to_lowercase)
    }
    let plain_set: HashSet<String> = words(plain).collect();
    let html_set: HashSet<String> = words(html).collect();
    if plain_set.len() + html_set.len() < 8 {
        // Too few words to compare: a one-line version says little either way.
        return plain_set.is_empty() != html_set.is_empty();
    }
    let shared = html_set.intersection(&plain_set).count();
    let covered = |n: usize| n == 0 || shared * 2 >= n;
    !(covered(html_set.len()) && covered(plain_set.len()))
}

/// The longest prefix of `s` no longer than `max` bytes, cut on a character boundary.
fn prefix(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

fn count_visible(s: &str) -> usize {
    if s.is_ascii() {
        // The same count, a byte at a time: ASCII's white space is tab to CR and space.
        return s
            .bytes()
            .filter(|b| !matches!(b, b'\t'..=b'\r' | b' '))
            .count();
    }
    s.chars().filter(|c| !c.is_whitespace()).count()
}

/// The links of a message, each different one (destination and shown text) once, with a
/// count of the different ones beyond the limit. Repeats cost nothing: a list of 100,000
/// copies of one link is one link, examined.
/// Links are compared whole, not by a hash of them: a crafted link must not be able to pass
/// for another one.
#[derive(Default)]
struct LinkSet {
    links: Vec<Link>,
    seen: HashSet<(String, String)>,
    beyond: usize,
}

impl LinkSet {
    fn push(&mut self, link: Link) {
        if !self
            .seen
            .insert((link.href.clone(), link.shown_text.clone()))
        {
            return;
        }
        if self.links.len() >= MAX_LINKS {
            self.beyond += 1;
            return;
        }
        self.links.push(link);
    }
}

/// Text with a size cap that records when it was hit.
#[derive(Default)]
struct Capped {
    text: String,
    truncated: bool,
}

impl Capped {
    fn push_str(&mut self, s: &str) {
        let room = MAX_TEXT_BYTES.saturating_sub(self.text.len());
        let piece = prefix(s, room);
        if piece.len() < s.len() {
            self.truncated = true;
        }
        self.text.push_str(piece);
    }
}

/// Decodes HTML character references that some senders leave in plain-text parts
/// ("Voc&ecirc; possui"), so cue matching and the reader see real letters.
fn decode_entities(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('&') {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or(""));
        let after = rest.get(amp + 1..).unwrap_or("");
        let end = after
            .char_indices()
            .take(12)
            .find(|(_, c)| *c == ';')
            .map(|(i, _)| i);
        let decoded = end.and_then(|e| after.get(..e)).and_then(entity);
        match (decoded, end) {
            (Some(ch), Some(e)) => {
                out.push(ch);
                rest = after.get(e + 1..).unwrap_or("");
            }
            _ => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// One character reference (without `&` and `;`): numeric, or a common named one.
fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse::<u32>().ok()?,
        };
        return char::from_u32(code).filter(|c| !c.is_control() || c.is_whitespace());
    }
    let simple = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        "ordm" => Some('º'),
        "ordf" => Some('ª'),
        "euro" => Some('€'),
        "szlig" => Some('ß'),
        "copy" => Some('©'),
        _ => None,
    };
    if simple.is_some() {
        return simple;
    }
    // Letter + accent: eacute, Ccedil, atilde, ouml…
    let mut chars = name.chars();
    let letter = chars.next()?;
    let accent = chars.as_str();
    let table: &[(&str, &str, &str)] = &[
        ("acute", "aeiouyAEIOUY", "áéíóúýÁÉÍÓÚÝ"),
        ("grave", "aeiouAEIOU", "àèìòùÀÈÌÒÙ"),
        ("circ", "aeiouAEIOU", "âêîôûÂÊÎÔÛ"),
        ("tilde", "aonAON", "ãõñÃÕÑ"),
        ("uml", "aeiouyAEIOU", "äëïöüÿÄËÏÖÜ"),
        ("cedil", "cC", "çÇ"),
        ("ring", "aA", "åÅ"),
    ];
    let (_, from, to) = table.iter().find(|(a, _, _)| *a == accent)?;
    let pos = from.chars().position(|c| c == letter)?;
    to.chars().nth(pos)
}

/// Plain text as the reader sees it: no trailing spaces, no runs of blank lines.
fn normalise_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(MAX_TEXT_BYTES));
    let mut blank = 0usize;
    for line in s.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out
}

/// Builds rendered text: whitespace collapsed as a browser would, explicit line breaks.
#[derive(Default)]
struct TextOut {
    text: String,
    pending_space: bool,
    truncated: bool,
}

impl TextOut {
    fn push_text(&mut self, s: &str) {
        for ch in s.chars() {
            if self.text.len() >= MAX_TEXT_BYTES {
                self.truncated = true;
                return;
            }
            if ch.is_whitespace() {
                self.pending_space = true;
                continue;
            }
            if self.pending_space && !self.text.is_empty() && !self.text.ends_with('\n') {
                self.text.push(' ');
            }
            self.pending_space = false;
            self.text.push(ch);
        }
    }

    /// Ends the line; `lines` = 2 leaves a blank line (a paragraph break).
    fn push_break(&mut self, lines: usize) {
        self.pending_space = false;
        if self.text.is_empty() || self.text.len() >= MAX_TEXT_BYTES {
            return;
        }
        let have = self.text.chars().rev().take_while(|c| *c == '\n').count();
        for _ in have..lines {
            self.text.push('\n');
        }
    }

    fn finish(&self) -> String {
        self.text.trim_end().to_string()
    }
}

/// An RGB colour from CSS or an HTML attribute.
type Rgb = (u8, u8, u8);

/// What is behind the text: the page default (white), a known colour, or something we
/// cannot judge (an image, a gradient, an unknown name).
#[derive(Clone, Copy, PartialEq)]
enum Background {
    Default,
    Known(Rgb),
    Unknown,
}

/// Longest element name kept; longer (custom) names are compared on this prefix.
const NAME_BYTES: usize = 16;

/// One open element. Plain data (`Copy`) so reading the current state costs nothing.
#[derive(Clone, Copy)]
struct Frame {
    name: [u8; NAME_BYTES],
    name_len: usize,
    /// Hidden by CSS on this element or an ancestor.
    hidden: bool,
    /// Font too small to read; unlike `hidden`, a child can set a readable size again.
    tiny: bool,
    /// visibility:hidden, which a child can undo with visibility:visible.
    invisible: bool,
    /// Inside script, style, title, head…: not shown as text at all.
    skip: bool,
    pre: bool,
    color: Option<Rgb>,
    background: Background,
}

impl Frame {
    /// Whether this element has the given name (compared on the kept prefix).
    fn is(&self, name: &[u8]) -> bool {
        let kept = self.name.get(..self.name_len).unwrap_or(&[]);
        kept == name.get(..name.len().min(NAME_BYTES)).unwrap_or(&[])
    }

    fn root() -> Frame {
        Frame {
            name: [0; NAME_BYTES],
            name_len: 0,
            hidden: false,
            tiny: false,
            invisible: false,
            skip: false,
            pre: false,
            color: None,
            background: Background::Default,
        }
    }
}

struct Anchor {
    href: String,
    text: String,
}

/// State of one walk over HTML parts.
#[derive(Default)]
struct HtmlScan {
    out: TextOut,
    stack: Vec<Frame>,
    anchor: Option<Anchor>,
    links: LinkSet,
    forms: usize,
    form_actions: Vec<String>,
    /// Different form destinations past the limit.
    form_actions_beyond: usize,
    inputs: usize,
    passwords: usize,
    images: usize,
    scripts: usize,
    hidden_samples: Vec<String>,
    /// Hidden text being gathered into one sample.
    hidden_run: String,
    hidden: usize,
    visible: usize,
    /// The first style seen that pushes content far out of view.
    pushed: Option<String>,
}

const VOID: &[&[u8]] = &[
    b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta", b"param",
    b"source", b"track", b"wbr",
];
const SKIP: &[&[u8]] = &[
    b"script",
    b"style",
    b"title",
    b"head",
    b"noscript",
    b"iframe",
    b"template",
    b"object",
    b"select",
];
const PARAGRAPH: &[&[u8]] = &[
    b"p",
    b"h1",
    b"h2",
    b"h3",
    b"h4",
    b"h5",
    b"h6",
    b"table",
    b"blockquote",
    b"ul",
    b"ol",
    b"pre",
    b"hr",
    b"dl",
    b"form",
];
const LINE: &[&[u8]] = &[
    b"div", b"tr", b"li", b"dt", b"dd", b"section", b"article", b"header", b"footer", b"center",
    b"address", b"caption", b"figure", b"main", b"nav", b"aside",
];
/// Elements a new sibling of the same name closes implicitly.
const SELF_CLOSING_SIBLINGS: &[&[u8]] =
    &[b"p", b"li", b"td", b"th", b"tr", b"option", b"dt", b"dd"];

impl HtmlScan {
    fn top(&self) -> Frame {
        self.stack.last().copied().unwrap_or_else(Frame::root)
    }

    fn scan(&mut self, html: &str) {
        self.stack.clear();
        let html = tame_tags(html);
        // The tokenizer's events are handled as they come, with the tag being read kept in
        // reused buffers: no token is built for the thousands of tags of a mail page.
        let mut tag_name: Vec<u8> = Vec::new();
        let mut attrs = Attrs::default();
        let mut emitter = CallbackEmitter::new(
            |event: CallbackEvent<'_>, _span: Span<()>| -> Option<Infallible> {
                match event {
                    CallbackEvent::OpenStartTag { name } => {
                        tag_name.clear();
                        tag_name.extend_from_slice(name);
                    }
                    CallbackEvent::AttributeName { name } => attrs.name(name),
                    CallbackEvent::AttributeValue { value } => attrs.value(value),
                    CallbackEvent::CloseStartTag { self_closing } => {
                        self.start(&tag_name, &attrs, self_closing);
                        attrs.clear();
                    }
                    CallbackEvent::EndTag { name } => {
                        // Attributes written on an end tag belong to nothing.
                        attrs.clear();
                        self.end(name);
                    }
                    CallbackEvent::String { value } => self.text(&lossy(value)),
                    _ => {}
                }
                None
            },
        );
        emitter.naively_switch_states(true);
        for _ in Tokenizer::new_with_emitter(html.as_ref(), QuietEmitter(emitter)) {}
        self.close_anchor();
        self.flush_hidden();
        self.out.push_break(2);
    }

    fn start(&mut self, name: &[u8], attrs: &Attrs, self_closing: bool) {
        let attr = |key: &[u8]| attrs.get(key).map(lossy);
        if SELF_CLOSING_SIBLINGS.contains(&name) && self.stack.last().is_some_and(|f| f.is(name)) {
            self.stack.pop();
        }
        if name == b"body" {
            // Text after <body> is shown even when the sender never closed <head>.
            if let Some(pos) = self.stack.iter().position(|f| f.is(b"head")) {
                self.stack.truncate(pos);
            }
        }

        match name {
            b"a" | b"area" => {
                self.close_anchor();
                if let Some(href) = attr(b"href") {
                    self.anchor = Some(Anchor {
                        href: href.into_owned(),
                        text: String::new(),
                    });
                }
            }
            b"img" => self.images += 1,
            b"script" => self.scripts += 1,
            b"form" => {
                self.forms += 1;
                if let Some(action) = attr(b"action") {
                    let action = clip(action.trim(), MAX_HREF_CHARS);
                    if !self.form_actions.contains(&action) {
                        if self.form_actions.len() < MAX_FORM_ACTIONS {
                            self.form_actions.push(action);
                        } else {
                            self.form_actions_beyond += 1;
                        }
                    }
                }
            }
            b"input" => {
                let kind = attr(b"type").unwrap_or_default().to_ascii_lowercase();
                match kind.trim() {
                    "password" => {
                        self.passwords += 1;
                        self.inputs += 1;
                    }
                    "" | "text" | "email" | "tel" | "number" | "search" => self.inputs += 1,
                    _ => {}
                }
            }
            b"textarea" => self.inputs += 1,
            _ => {}
        }

        if name == b"br" {
            self.out.push_break(1);
        } else if PARAGRAPH.contains(&name) {
            self.out.push_break(2);
        } else if LINE.contains(&name) {
            self.out.push_break(1);
        } else if name == b"td" || name == b"th" {
            self.out.pending_space = true;
        }

        if VOID.contains(&name) || self_closing {
            return;
        }
        let parent = self.top();
        let inline = attr(b"style");
        if self.pushed.is_none() {
            self.pushed = inline.as_deref().and_then(far_push);
        }
        let style = inline.map(|s| Style::parse(&s)).unwrap_or_default();
        let mut color = style.color.or(parent.color);
        if name == b"font" {
            if let Some(c) = attr(b"color").and_then(|c| parse_color(&c)) {
                color = Some(c);
            }
        }
        let background = match style.background {
            Some(b) => b,
            None => match attr(b"bgcolor") {
                Some(c) => parse_color(&c)
                    .map(Background::Known)
                    .unwrap_or(Background::Unknown),
                None if attr(b"background").is_some() => Background::Unknown,
                // A class may give the element a background from a style sheet, which is
                // not read here: the colour behind the text is then unknown.
                None if parent.background == Background::Default
                    && attrs.get(b"class").is_some() =>
                {
                    Background::Unknown
                }
                None => parent.background,
            },
        };
        let mut short = [0u8; NAME_BYTES];
        let name_len = name.len().min(NAME_BYTES);
        for (dst, src) in short.iter_mut().zip(name.iter()) {
            *dst = *src;
        }
        let frame = Frame {
            name: short,
            name_len,
            hidden: parent.hidden || style.hidden || attrs.get(b"hidden").is_some(),
            // Layout templates set font-size:0 on containers (to remove gaps between
            // columns) and a real size on the text inside, so size is inherited, not sticky.
            tiny: style.tiny.unwrap_or(parent.tiny),
            invisible: style.invisible.unwrap_or(parent.invisible),
            skip: parent.skip || SKIP.contains(&name),
            pre: parent.pre || name == b"pre",
            color,
            background,
        };
        if self.stack.len() < MAX_DEPTH {
            self.stack.push(frame);
        }
    }

    fn end(&mut self, name: &[u8]) {
        if name == b"a" {
            self.close_anchor();
        }
        // Only a recent match is closed: a stray end tag must not unwind the whole page.
        let recent = self.stack.len().saturating_sub(32);
        if let Some(pos) = self.stack.iter().rposition(|f| f.is(name)) {
            if pos >= recent {
                self.stack.truncate(pos);
            }
        }
        if PARAGRAPH.contains(&name) {
            self.out.push_break(2);
        } else if LINE.contains(&name) {
            self.out.push_break(1);
        }
    }

    fn text(&mut self, s: &str) {
        let frame = self.top();
        if frame.skip {
            if frame.is(b"style") && self.pushed.is_none() {
                self.pushed = far_push(s);
            }
            return;
        }
        let chars = count_visible(s);
        if frame.hidden
            || frame.tiny
            || frame.invisible
            || same_colour(frame.color, frame.background)
        {
            if chars > 0 {
                self.hidden += chars;
                if self.hidden_samples.len() < MAX_HIDDEN_SAMPLES
                    && self.hidden_run.len() < HIDDEN_SAMPLE_CHARS * 4
                {
                    self.hidden_run.push_str(s);
                    self.hidden_run.push(' ');
                }
            }
            return;
        }
        if chars > 0 {
            self.flush_hidden();
        }
        self.visible += chars;
        if let Some(a) = self.anchor.as_mut() {
            if a.text.len() < MAX_SHOWN_CHARS * 4 {
                a.text.push_str(s);
            }
        }
        if frame.pre {
            let mut lines = s.split('\n').peekable();
            while let Some(line) = lines.next() {
                self.out.push_text(line);
                if lines.peek().is_some() {
                    self.out.push_break(1);
                }
            }
        } else {
            self.out.push_text(s);
        }
    }

    fn flush_hidden(&mut self) {
        let run = collapse(&self.hidden_run);
        self.hidden_run.clear();
        if !run.is_empty() && self.hidden_samples.len() < MAX_HIDDEN_SAMPLES {
            self.hidden_samples.push(clip(&run, HIDDEN_SAMPLE_CHARS));
        }
    }

    fn close_anchor(&mut self) {
        let Some(a) = self.anchor.take() else {
            return;
        };
        let shown = clip(&collapse(&a.text), MAX_SHOWN_CHARS);
        let href = a.href.trim();
        self.links.push(Link {
            host: host_of(href),
            shown_host: shown_host(&shown),
            href: clip(href, MAX_HREF_CHARS),
            shown_text: shown,
            from_html: true,
            in_attachment: None,
            ..Link::default()
        });
    }
}

/// What an element's `style` attribute says about visibility and colour.
#[derive(Default)]
struct Style {
    hidden: bool,
    /// Some(true) for an unreadably small font-size, Some(false) for a readable one.
    tiny: Option<bool>,
    /// Some(true) for visibility:hidden, Some(false) for visibility:visible.
    invisible: Option<bool>,
    color: Option<Rgb>,
    background: Option<Background>,
}

impl Style {
    fn parse(style: &str) -> Style {
        let mut out = Style::default();
        let mut overflow_hidden = false;
        let mut zero_height = false;
        for decl in ascii_lower(style).split(';').take(64) {
            let Some((prop, value)) = decl.split_once(':') else {
                continue;
            };
            let prop = prop.trim();
            // Only these properties are read; the others' values are not even trimmed.
            if !matches!(
                prop,
                "display"
                    | "visibility"
                    | "mso-hide"
                    | "opacity"
                    | "font-size"
                    | "max-height"
                    | "height"
                    | "overflow"
                    | "color"
                    | "background-color"
                    | "background"
            ) {
                continue;
            }
            let value = without_important(value);
            let value = value.trim();
            match prop {
                "display" if value == "none" => out.hidden = true,
                "visibility" => out.invisible = Some(value == "hidden" || value == "collapse"),
                "mso-hide" if value == "all" => out.hidden = true,
                "opacity" if value.parse::<f32>().is_ok_and(|v| v <= 0.05) => out.hidden = true,
                "font-size" => out.tiny = Some(tiny_length(value)),
                "max-height" | "height" if zero_length(value) => zero_height = true,
                "overflow" if value == "hidden" => overflow_hidden = true,
                "color" => out.color = parse_color(value),
                "background-color" => {
                    out.background =
                        Some(parse_color(value).map_or(Background::Unknown, Background::Known))
                }
                "background" => {
                    let first = value.split_whitespace().next().unwrap_or("");
                    out.background = Some(if value.contains("url(") {
                        Background::Unknown
                    } else {
                        parse_color(first).map_or(Background::Unknown, Background::Known)
                    });
                }
                _ => {}
            }
        }
        out.hidden |= zero_height && overflow_hidden;
        out
    }
}

/// A declaration in `css` (a style attribute or a style sheet) that opens a blank space
/// of thousands of pixels or many screen heights, or pushes an element that far down:
/// whatever follows is out of the reader's sight. Negative offsets ("left: -9999px", the
/// usual way to hide a label for screen readers) are not counted.
fn far_push(css: &str) -> Option<String> {
    let lower = ascii_lower(css);
    let bytes = lower.as_bytes();
    // Every property looked at below ends in "height" or "top".
    if memchr::memmem::find(bytes, b"height").is_none()
        && memchr::memmem::find(bytes, b"top").is_none()
    {
        return None;
    }
    // The declarations between `{`, `}` and `;` (the first 4096 of a style sheet).
    let ends = memchr::memchr3_iter(b'{', b'}', b';', bytes).chain(std::iter::once(bytes.len()));
    let mut start = 0;
    for end in ends.take(4096) {
        let decl = lower.get(start..end).unwrap_or("");
        start = end + 1;
        let Some((prop, value)) = decl.split_once(':') else {
            continue;
        };
        let prop = prop.trim();
        if !matches!(
            prop,
            "height" | "min-height" | "margin-top" | "padding-top" | "top" | "line-height"
        ) {
            continue;
        }
        let value = without_important(value);
        let value = value.trim();
        let digits = value
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        let num = value.get(..digits).unwrap_or("");
        let Ok(n) = num.parse::<f64>() else {
            continue;
        };
        let unit = value
            .get(num.len()..)
            .unwrap_or("")
            .trim()
            .split(|c: char| !c.is_ascii_alphabetic() && c != '%')
            .next()
            .unwrap_or("");
        let far = match unit {
            "px" | "" => n >= 8000.0,
            "pt" => n >= 6000.0,
            "vh" | "%" => n >= 500.0,
            "em" | "rem" => n >= 300.0,
            "cm" => n >= 210.0,
            "mm" => n >= 2100.0,
            "in" => n >= 83.0,
            _ => false,
        };
        if far {
            return Some(format!("{prop}: {}", clip(value, 40)));
        }
    }
    None
}

/// `s` in ASCII lower case, copied only when it has an upper-case letter.
fn ascii_lower(s: &str) -> std::borrow::Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(s.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// A CSS value without its `!important` markers.
fn without_important(value: &str) -> std::borrow::Cow<'_, str> {
    if value.contains("!important") {
        std::borrow::Cow::Owned(value.replace("!important", ""))
    } else {
        std::borrow::Cow::Borrowed(value)
    }
}

/// A CSS length of zero.
fn zero_length(v: &str) -> bool {
    let num: String = v
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    !num.is_empty() && num.parse::<f32>().is_ok_and(|n| n == 0.0)
}

/// A font size too small to read: 0, 1px, 1pt, 0.1em…
fn tiny_length(v: &str) -> bool {
    let num: String = v
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let Ok(n) = num.parse::<f32>() else {
        return false;
    };
    let unit = v.get(num.len()..).unwrap_or("").trim();
    match unit {
        "" | "px" | "pt" => n <= 1.0,
        "em" | "rem" => n <= 0.1,
        "%" => n <= 10.0,
        _ => false,
    }
}

fn parse_color(v: &str) -> Option<Rgb> {
    let v = v.trim().to_ascii_lowercase();
    let v = v.trim_end_matches("!important").trim();
    match v {
        "white" => return Some((255, 255, 255)),
        "black" => return Some((0, 0, 0)),
        "transparent" => return None,
        _ => {}
    }
    if let Some(hex) = v.strip_prefix('#') {
        let digits: Vec<u8> = hex
            .chars()
            .map_while(|c| c.to_digit(16).and_then(|d| u8::try_from(d).ok()))
            .collect();
        return match digits.as_slice() {
            [r, g, b] => Some((r * 17, g * 17, b * 17)),
            [r1, r2, g1, g2, b1, b2] => Some((r1 * 16 + r2, g1 * 16 + g2, b1 * 16 + b2)),
            _ => None,
        };
    }
    if let Some(inner) = v
        .strip_prefix("rgb(")
        .or_else(|| v.strip_prefix("rgba("))
        .and_then(|s| s.strip_suffix(')'))
    {
        let parts: Vec<u8> = inner
            .split(',')
            .take(3)
            .filter_map(|p| p.trim().parse::<u8>().ok())
            .collect();
        if let [r, g, b] = parts.as_slice() {
            return Some((*r, *g, *b));
        }
    }
    None
}

/// Text in (nearly) the colour of what is behind it cannot be read.
fn same_colour(text: Option<Rgb>, background: Background) -> bool {
    let Some((r, g, b)) = text else {
        return false;
    };
    let (br, bg, bb) = match background {
        Background::Default => (255, 255, 255),
        Background::Known(c) => c,
        Background::Unknown => return false,
    };
    let d = i32::from(r).abs_diff(i32::from(br))
        + i32::from(g).abs_diff(i32::from(bg))
        + i32::from(b).abs_diff(i32::from(bb));
    d <= 24
}

/// Whitespace runs → one space, trimmed.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Attributes kept per tag before only the ones that matter are kept.
const MAX_ATTRIBUTES: usize = 32;
/// Attributes that matter to mailsleuth, kept (once each) even in an overlong tag.
const KEY_ATTRIBUTES: &[&[u8]] = &[
    b"href",
    b"style",
    b"action",
    b"type",
    b"color",
    b"bgcolor",
    b"background",
    b"hidden",
    b"src",
    b"http-equiv",
    b"content",
    b"name",
];

/// The tokenizer's default emitter with its parse-error reporting turned off: mail HTML is
/// full of errors nobody reads, and checking every character for them is a good part of
/// what tokenizing costs. The tokens themselves are the same.
struct QuietEmitter<E>(E);

impl<E: Emitter> ForwardingEmitter for QuietEmitter<E> {
    type Token = E::Token;

    fn inner(&mut self) -> &mut impl Emitter<Token = E::Token> {
        &mut self.0
    }

    fn should_emit_errors(&mut self) -> bool {
        false
    }

    fn emit_error(&mut self, _error: html5gum::Error) {}
}

/// The attributes of the start tag being read, as the tokenizer's default emitter keeps
/// them: the first of each name wins, a value may come in pieces. The buffers are reused
/// from tag to tag.
#[derive(Default)]
struct Attrs {
    slots: Vec<(Vec<u8>, Vec<u8>)>,
    used: usize,
    /// The slot the next value piece belongs to; none after a repeated name.
    current: Option<usize>,
}

impl Attrs {
    fn clear(&mut self) {
        self.used = 0;
        self.current = None;
    }

    fn name(&mut self, name: &[u8]) {
        if self.get(name).is_some() {
            self.current = None;
            return;
        }
        if self.used == self.slots.len() {
            self.slots.push((Vec::new(), Vec::new()));
        }
        if let Some((n, v)) = self.slots.get_mut(self.used) {
            n.clear();
            n.extend_from_slice(name);
            v.clear();
        }
        self.current = Some(self.used);
        self.used += 1;
    }

    fn value(&mut self, piece: &[u8]) {
        if let Some((_, v)) = self.current.and_then(|i| self.slots.get_mut(i)) {
            v.extend_from_slice(piece);
        }
    }

    fn get(&self, name: &[u8]) -> Option<&[u8]> {
        self.slots
            .get(..self.used)
            .unwrap_or_default()
            .iter()
            .find(|(n, _)| n.as_slice() == name)
            .map(|(_, v)| v.as_slice())
    }
}

/// The tags, text and comments of `html` (already passed through `tame_tags`), with the
/// tokenizer switched into raw-text mode after `<script>`, `<style>`, `<title>`… so their
/// contents never read as markup or visible text.
pub(crate) fn tokens(html: &str) -> impl Iterator<Item = Token> + '_ {
    let mut emitter = DefaultEmitter::default();
    emitter.naively_switch_states(true);
    Tokenizer::new_with_emitter(html, QuietEmitter(emitter)).flatten()
}

/// Drops surplus attributes from tags that carry hundreds of them.
///
/// The tokenizer walks attribute states recursively, so one tag with a few hundred
/// attributes (senders pad tags with random ones to defeat filters) can exhaust the stack.
/// Past `MAX_ATTRIBUTES`, only the first of each key attribute and event handlers survive.
pub(crate) fn tame_tags(html: &str) -> std::borrow::Cow<'_, str> {
    let b = html.as_bytes();
    let len = b.len();
    let mut out = String::new();
    let mut last = 0usize;
    let mut i = 0usize;
    while i < len {
        // Text between tags is skipped at once.
        match memchr::memchr(b'<', b.get(i..).unwrap_or_default()) {
            Some(at) => i += at,
            None => break,
        }
        let is_tag = b.get(i + 1).is_some_and(u8::is_ascii_alphabetic);
        if !is_tag {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while b
            .get(j)
            .is_some_and(|c| !c.is_ascii_whitespace() && *c != b'>' && *c != b'/')
        {
            j += 1;
        }
        let mut attrs = 0usize;
        let mut kept: Vec<Vec<u8>> = Vec::new();
        loop {
            while b
                .get(j)
                .is_some_and(|c| c.is_ascii_whitespace() || *c == b'/')
            {
                j += 1;
            }
            if j >= len || b.get(j) == Some(&b'>') {
                break;
            }
            let start = j;
            while b
                .get(j)
                .is_some_and(|c| !c.is_ascii_whitespace() && !matches!(c, b'=' | b'>' | b'/'))
            {
                j += 1;
            }
            let name_end = j;
            let mut k = j;
            while b.get(k).is_some_and(u8::is_ascii_whitespace) {
                k += 1;
            }
            if b.get(k) == Some(&b'=') {
                k += 1;
                while b.get(k).is_some_and(u8::is_ascii_whitespace) {
                    k += 1;
                }
                match b.get(k) {
                    Some(&q) if q == b'"' || q == b'\'' => {
                        k = b
                            .get(k + 1..)
                            .and_then(|rest| rest.iter().position(|c| *c == q))
                            .map_or(len, |p| k + 1 + p + 1);
                    }
                    _ => {
                        while b
                            .get(k)
                            .is_some_and(|c| !c.is_ascii_whitespace() && *c != b'>')
                        {
                            k += 1;
                        }
                    }
                }
                j = k;
            }
            attrs += 1;
            if attrs <= MAX_ATTRIBUTES {
                continue;
            }
            let name = b.get(start..name_end).unwrap_or(b"").to_ascii_lowercase();
            let key = KEY_ATTRIBUTES.contains(&name.as_slice()) || name.starts_with(b"on");
            if key && !kept.contains(&name) && kept.len() < KEY_ATTRIBUTES.len() + 4 {
                kept.push(name);
                continue;
            }
            out.push_str(html.get(last..start).unwrap_or(""));
            last = j;
        }
        i = j.max(i + 1);
    }
    if last == 0 {
        return std::borrow::Cow::Borrowed(html);
    }
    out.push_str(html.get(last..).unwrap_or(""));
    std::borrow::Cow::Owned(out)
}

/// Lowercased host of a link target, when it is an absolute URL (or starts with `www.`).
pub fn host_of(href: &str) -> Option<String> {
    // Browsers drop tabs and newlines inside URLs; senders use that to split words.
    let head = prefix(href.trim(), 8192);
    let cleaned: std::borrow::Cow<'_, str> =
        if memchr::memchr3(b'\t', b'\n', b'\r', head.as_bytes()).is_some() {
            head.chars()
                .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                .collect::<String>()
                .into()
        } else {
            head.into()
        };
    let parsed = url::Url::parse(&cleaned).ok().or_else(|| {
        cleaned
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("www."))
            .then(|| url::Url::parse(&format!("http://{cleaned}")).ok())
            .flatten()
    })?;
    parsed
        .host_str()
        .map(|h| h.trim_end_matches('.').to_ascii_lowercase())
        .filter(|h| !h.is_empty())
}

/// File extensions that look like a top-level domain in "invoice.pdf" but are not meant as one.
const FILE_LIKE: &[&str] = &[
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "zip", "exe", "jpg", "jpeg", "png", "gif",
    "txt", "htm", "html", "csv", "rar", "js", "py", "rs", "c", "h", "sh", "md",
];

/// The host the shown text names, when the whole text is a URL or a domain name.
pub fn shown_host(text: &str) -> Option<String> {
    let t = text
        .trim()
        .trim_matches(|c: char| matches!(c, '<' | '>' | '(' | ')' | '[' | ']' | '"' | '\''))
        .trim_end_matches(['.', ',', ';', ':', '!', '?']);
    if t.is_empty() || t.chars().any(char::is_whitespace) || t.len() > 2048 {
        return None;
    }
    if t.contains("://") {
        return host_of(t);
    }
    if t.contains('@') || !t.contains('.') {
        return None;
    }
    let host = host_of(&format!("http://{t}"))?;
    if host.parse::<std::net::IpAddr>().is_ok() {
        return Some(host);
    }
    let last = host.rsplit('.').next().unwrap_or("");
    if FILE_LIKE.contains(&last) || !host.contains('.') {
        return None;
    }
    let suffix = psl::suffix(host.as_bytes())?;
    (suffix.is_known() && suffix.as_bytes().len() < host.len()).then_some(host)
}

/// URLs written out in text (not behind a link), added unless already listed.
fn bare_urls(text: &str, from_html: bool, links: &mut LinkSet) {
    let lower = text.to_ascii_lowercase();
    let mut pos = 0usize;
    loop {
        let rest = lower.get(pos..).unwrap_or("");
        let next = ["http://", "https://", "www."]
            .iter()
            .filter_map(|p| rest.find(p))
            .min();
        let Some(off) = next else {
            break;
        };
        let start = pos + off;
        let boundary_ok = lower
            .get(..start)
            .and_then(|s| s.chars().next_back())
            .is_none_or(|c| !c.is_alphanumeric() && c != '.' && c != '/');
        let tail = text.get(start..).unwrap_or("");
        let len = tail
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\'' | '`'))
            .unwrap_or(tail.len());
        let url = tail
            .get(..len)
            .unwrap_or("")
            .trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']', '}', '*']);
        pos = start + len.max(4);
        if !boundary_ok || url.len() < 8 {
            continue;
        }
        if links
            .links
            .iter()
            .any(|l| l.href == url || l.shown_text == url)
        {
            continue;
        }
        let host = host_of(url);
        if host.is_none() {
            continue;
        }
        links.push(Link {
            href: clip(url, MAX_HREF_CHARS),
            shown_text: clip(url, MAX_SHOWN_CHARS),
            shown_host: host.clone(),
            host,
            from_html,
            in_attachment: None,
            ..Link::default()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_copy_of_the_html_agrees_and_an_unrelated_footer_differs() {
        let html = "Your order 4471 has shipped. Track the parcel with the courier using the \
                    tracking number below. Thank you for shopping with Contoso Outdoor.";
        let copy = "Your order 4471 has shipped. Track the parcel with the courier using the \
                    tracking number below [https://track.contoso.example/4471]. Thank you.";
        assert!(!versions_differ(copy, html));
        let footer = "You are receiving this because you subscribed to updates. Manage your \
                      preferences or unsubscribe at any time. Copyright, all rights reserved.";
        assert!(versions_differ(footer, html));
    }

    fn parse(raw: &str) -> Content {
        let msg = mail_parser::MessageParser::default()
            .parse(raw.as_bytes())
            .expect("test message parses");
        extract(&msg, &mut Budget::new())
    }

    fn html_mail(body: &str) -> Content {
        parse(&format!(
            "From: a@example.com\r\nSubject: t\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{body}"
        ))
    }

    #[test]
    fn html_text_skips_script_and_style_and_decodes_entities() {
        let c = html_mail(
            "<html><head><title>T</title><style>p{color:red}</style></head><body>\
             <p>Caf&eacute; &amp; tea</p><script>var x='<p>no</p>';</script><p>Second</p></body></html>",
        );
        assert!(c.text_from_html);
        assert_eq!(c.text, "Café & tea\n\nSecond");
        assert_eq!(c.scripts, 1);
        assert!(!c.text.contains("color"));
    }

    #[test]
    fn links_keep_target_and_shown_host() {
        let c = html_mail(
            "<p>Log in at <a href=\"https://evil.example.net/x\">www.PayPal.com</a> or \
             <a href='https://ok.example.org'>click here</a></p>",
        );
        assert_eq!(c.links.len(), 2);
        let first = &c.links[0];
        assert_eq!(first.host.as_deref(), Some("evil.example.net"));
        assert_eq!(first.shown_host.as_deref(), Some("www.paypal.com"));
        assert_eq!(first.shown_text, "www.PayPal.com");
        assert!(first.from_html);
        assert_eq!(c.links[1].shown_host, None);
    }

    #[test]
    fn shown_host_ignores_file_names_and_sentences() {
        assert_eq!(shown_host("invoice.pdf"), None);
        assert_eq!(shown_host("Click here"), None);
        assert_eq!(shown_host("see example.com now"), None);
        assert_eq!(
            shown_host("https://Example.com/login"),
            Some("example.com".into())
        );
        assert_eq!(shown_host("bank.co.uk"), Some("bank.co.uk".into()));
        assert_eq!(shown_host("v1.2"), None);
    }

    #[test]
    fn hidden_text_is_kept_apart() {
        let c = html_mail(
            "<div style=\"display:none;max-height:0\">preview words</div>\
             <p>Hello <span style='font-size:0px'>zzqx</span>there</p>\
             <p><font color=\"#ffffff\">white words</font></p>\
             <table bgcolor=\"#000000\"><tr><td style=\"color:#fff\">dark theme</td></tr></table>",
        );
        assert!(c.text.contains("Hello there"), "{}", c.text);
        assert!(c.text.contains("dark theme"));
        assert!(!c.text.contains("zzqx"));
        assert!(!c.text.contains("white words"));
        assert_eq!(c.hidden_chars, "previewwordszzqxwhitewords".len());
        assert!(c.hidden_text.iter().any(|s| s.contains("preview words")));
    }

    #[test]
    fn zero_font_layout_containers_do_not_hide_their_text() {
        let c = html_mail(
            "<td style=\"font-size:0px\"><div style=\"font-size:16px\">Readable column text\
             <span style=\"visibility:hidden\"><b style=\"visibility:visible\">shown again</b></span></div></td>",
        );
        assert_eq!(c.hidden_chars, 0, "{:?}", c.hidden_text);
        assert!(c.text.contains("Readable column text"));
        assert!(c.text.contains("shown again"));
    }

    #[test]
    fn white_text_under_a_styled_class_is_not_called_hidden() {
        let c = html_mail(
            "<style>.dark{background:#111}</style><table class=\"dark\"><tr><td>\
             <span style=\"color:#ffffff\">White on a dark theme</span></td></tr></table>",
        );
        assert_eq!(c.hidden_chars, 0);
        assert!(c.text.contains("White on a dark theme"));
    }

    #[test]
    fn content_pushed_out_of_view_is_noticed() {
        let c = html_mail("<a href=\"https://x.example/\"><img src=a.png></a><style>.below { margin-top: 470500px; /* far */ }</style><div class=below>Welcome to our newsletter</div>");
        assert_eq!(
            c.pushed_out_of_view.as_deref(),
            Some("margin-top: 470500px")
        );
        let c = html_mail("<div style=\"height: 2000vh\"></div><p>Text</p>");
        assert_eq!(c.pushed_out_of_view.as_deref(), Some("height: 2000vh"));
        let c = html_mail("<style>.sr { position:absolute; left:-9999px } td { height: 600px; line-height: 24px }</style><p>Hello</p><div style=\"top:-5000px\">x</div>");
        assert_eq!(c.pushed_out_of_view, None);
    }

    #[test]
    fn forms_inputs_and_images_are_counted() {
        let c = html_mail(
            "<form action=\"https://harvest.example/p\"><input name=u><input type=password>\
             <input type=submit></form><img src=cid:x><img src=\"https://t.example/p.gif\">",
        );
        assert_eq!(c.forms, 1);
        assert_eq!(
            c.form_actions,
            vec!["https://harvest.example/p".to_string()]
        );
        assert_eq!(c.form_inputs, 2);
        assert_eq!(c.password_inputs, 1);
        assert_eq!(c.images, 2);
    }

    #[test]
    fn plain_text_wins_and_bare_urls_are_links() {
        let c = parse(
            "From: a@example.com\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n\
             --b\r\nContent-Type: text/plain\r\n\r\nVisit https://shop.example.com/deal, today.\r\n\
             --b\r\nContent-Type: text/html\r\n\r\n<p>Visit <a href=\"https://shop.example.com/deal\">our shop</a> today.</p>\r\n--b--\r\n",
        );
        assert!(c.has_plain && c.has_html);
        assert!(!c.text_from_html);
        assert!(c.text.starts_with("Visit https://shop.example.com/deal"));
        // The HTML anchor and the written-out URL are the same link, listed once.
        assert_eq!(c.links.len(), 1);
        assert_eq!(c.links[0].host.as_deref(), Some("shop.example.com"));
    }

    #[test]
    fn entities_in_plain_text_are_decoded() {
        assert_eq!(
            decode_entities("Voc&ecirc; possui &#82;$ 10 &amp; mais &bogus; &"),
            "Você possui R$ 10 & mais &bogus; &"
        );
        assert_eq!(decode_entities("libera&ccedil;&atilde;o"), "liberação");
    }

    #[test]
    fn token_plain_part_loses_to_real_html() {
        let c = parse(
            "From: a@example.com\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n\
             --b\r\nContent-Type: text/plain\r\n\r\n.\r\n\
             --b\r\nContent-Type: text/html\r\n\r\n<p>Your account is suspended, verify your password now</p>\r\n--b--\r\n",
        );
        assert!(c.text_from_html);
        assert!(c.text.contains("verify your password"));
    }

    #[test]
    fn tags_padded_with_attributes_do_not_exhaust_the_stack() {
        let junk: String = (0..5000).map(|i| format!("x{i}=\"\" ")).collect();
        let body = format!("<p><a {junk} href=\"https://far.example/\" {junk}>Open</a></p>");
        // Runs on a small stack on purpose: the GUI analyses on worker threads.
        let c = std::thread::Builder::new()
            .stack_size(1024 * 1024)
            .spawn(move || html_mail(&body))
            .expect("thread")
            .join()
            .expect("no stack overflow");
        assert_eq!(c.links.len(), 1);
        assert_eq!(c.links[0].host.as_deref(), Some("far.example"));
        assert_eq!(c.text, "Open");
        let tamed = tame_tags("<a b=\"1\" c='2' d=3>x</a>");
        assert_eq!(tamed, "<a b=\"1\" c='2' d=3>x</a>");
    }

    #[test]
    fn malformed_and_huge_html_stays_bounded() {
        let mut body = String::from("<div><p><a href=\"http://x.example/\">");
        for _ in 0..200_000 {
            body.push_str("<span>word &amp; <b>more</span></i>");
        }
        body.push_str("<<<>>></a href=<\"\0");
        let start = std::time::Instant::now();
        let c = html_mail(&body);
        assert!(c.truncated);
        assert!(c.text.len() <= MAX_TEXT_BYTES + 4);
        assert!(start.elapsed().as_secs() < 30);
    }
}
