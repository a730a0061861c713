//! The `Report`: plain data describing one analysed message, shared by every view.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;

use crate::load;

/// Settings for one analysis.
#[derive(Debug, Clone)]
pub struct Options {
    /// Largest message read, in bytes.
    pub max_size: usize,
    /// "Now" as Unix seconds, for future-date checks. None = do not judge dates against the clock.
    pub now: Option<i64>,
    /// The reader's own domains (for lookalike checks), lowercased.
    pub own_domains: Vec<String>,
    /// The organisation's profile, when one is in use: its people, vendors and gateways.
    pub profile: Option<std::sync::Arc<crate::profile::Profile>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_size: load::DEFAULT_MAX_SIZE,
            now: None,
            own_domains: Vec::new(),
            profile: None,
        }
    }
}

impl Options {
    /// These options with the organisation's profile in use: its own domains join
    /// `own_domains`.
    pub fn with_profile(mut self, profile: std::sync::Arc<crate::profile::Profile>) -> Self {
        for d in &profile.own_domains {
            if !self.own_domains.contains(d) {
                self.own_domains.push(d.clone());
            }
        }
        self.profile = Some(profile);
        self
    }

    /// Default options with `now` taken from the system clock.
    pub fn with_clock() -> Self {
        let now = unix_now();
        Options {
            now,
            ..Options::default()
        }
    }
}

/// The system clock as Unix seconds (None if it reads before 1970 or past `i64`).
pub fn unix_now() -> Option<i64> {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .and_then(|d| i64::try_from(d.as_secs()).ok())
}

/// The overall answer for one message.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Nothing points to an impostor.
    #[default]
    Ok,
    /// Something is off; verify before acting.
    Caution,
    /// Strong signs of an impostor or a malicious payload.
    Danger,
}

impl Verdict {
    /// The word shown next to the verdict's icon.
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Ok => "Looks fine",
            Verdict::Caution => "Be careful",
            Verdict::Danger => "Dangerous",
        }
    }
    /// Lowercase machine name, as in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Caution => "caution",
            Verdict::Danger => "danger",
        }
    }
}

/// Everything mailsleuth found out about one message.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Report {
    /// Size of the raw message in bytes.
    pub size_bytes: usize,
    /// Decoded subject line.
    pub subject: Option<String>,
    pub identity: Identity,
    pub path: HeaderPath,
    pub auth: AuthSummary,
    pub content: Content,
    pub attachments: Vec<Attachment>,
    pub filter: FilterVerdicts,
    /// Who is proven to have sent the message, and what kind of mail it is: worked out
    /// once from identity and authentication, before any check runs.
    #[serde(default)]
    pub sender: SenderFacts,
    #[serde(default)]
    pub kind: MessageKind,
    /// When the message is a machine report (`multipart/report`, RFC 6522): its
    /// report-type, such as `delivery-status` (a bounce), `disposition-notification` (a read
    /// receipt) or `feedback-report` (an abuse report); "unspecified" when none is named.
    #[serde(default)]
    pub report_type: Option<String>,
    /// The message says a machine wrote it: `Auto-Submitted` other than "no" (RFC 3834),
    /// or an auto-reply header.
    #[serde(default)]
    pub auto_submitted: bool,
    /// Every header field in the order it appears (top first).
    pub headers: Vec<RawHeader>,
    /// The red-flag checklist, in catalogue order.
    pub checks: Vec<CheckResult>,
    pub verdict: Verdict,
    /// One sentence a non-technical reader understands.
    pub headline: String,
    /// Ids of the checks that decided the verdict, most important first.
    pub reasons: Vec<String>,
    /// How the grades of the evidence add up to the verdict, in one plain sentence.
    #[serde(default)]
    pub basis: String,
    /// Ids of the checks that explain why something odd-looking is fine.
    pub good_news: Vec<String>,
    /// Notes about how the message was read (parts skipped, how it was found).
    pub notes: Vec<String>,
    /// Limits the message reached: what of it was not examined (see `limits`).
    #[serde(default)]
    pub limits: Vec<crate::limits::LimitHit>,
}

/// One header field as it appears in the message.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RawHeader {
    /// Position among all header fields, 0 = topmost.
    pub index: usize,
    pub name: String,
    /// The raw value, unfolded to one line, not decoded.
    pub value: String,
}

/// A mailbox from an address header.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mailbox {
    pub display_name: Option<String>,
    pub address: Option<String>,
    /// Lowercased domain part of the address.
    pub domain: Option<String>,
    /// Organisational (registrable) domain per the public suffix list.
    pub org_domain: Option<String>,
}

/// Who the message claims to come from, and the addresses around it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Identity {
    /// The first From mailbox.
    pub from: Option<Mailbox>,
    /// How many mailboxes the From header(s) hold.
    pub from_count: usize,
    /// How many From header fields there are.
    pub from_header_count: usize,
    /// The From header exactly as written (encoded words not decoded).
    pub from_raw: Option<String>,
    pub sender: Option<Mailbox>,
    pub reply_to: Vec<Mailbox>,
    /// The envelope sender recorded at delivery.
    pub return_path: Option<Mailbox>,
    pub message_id: Option<String>,
    pub message_id_domain: Option<String>,
    /// The Date header as written.
    pub date_raw: Option<String>,
    /// The Date header as Unix seconds, when it parses.
    pub date: Option<i64>,
    pub to_count: usize,
    pub cc_count: usize,
    pub list_id: Option<String>,
    pub list_unsubscribe: bool,
    pub in_reply_to: bool,
    pub references: bool,
    /// Names of the recipient domains seen in To/Cc/Delivered-To (lowercased).
    pub recipient_domains: Vec<String>,
    /// The addresses in To and Cc (lowercased).
    #[serde(default)]
    pub addressed_to: Vec<String>,
    /// Who the recipient's own servers delivered it to (Delivered-To, X-Original-To, or a
    /// trusted Received `for`), lowercased.
    #[serde(default)]
    pub envelope_recipient: Option<String>,
}

/// One `Received` hop, in travel order.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Hop {
    /// Position in travel order, 0 = first server the message passed.
    pub index: usize,
    /// Index of the `Received` field among all headers.
    pub header_index: usize,
    /// The sending server's name: the verified reverse-DNS name when recorded, else the
    /// name written after `from`.
    pub from_host: Option<String>,
    pub from_ip: Option<String>,
    /// Reverse-DNS name recorded by the receiving server.
    pub from_rdns: Option<String>,
    /// The name the sending server gave itself (HELO/EHLO); None when it sent none, as
    /// for webmail (HTTP) submissions and local pickups.
    pub helo: Option<String>,
    pub by_host: Option<String>,
    pub protocol: Option<String>,
    /// true when the hop says it used TLS, false when it says it did not, None when it does not say.
    pub tls: Option<bool>,
    pub tls_version: Option<String>,
    /// Timestamp as RFC 3339.
    pub time: Option<String>,
    pub timestamp: Option<i64>,
    /// Seconds since the previous hop (negative when the clocks disagree).
    pub delay_seconds: Option<i64>,
    /// The recipient this hop says it delivered to (`for <address>`), lowercased.
    #[serde(default)]
    pub for_addr: Option<String>,
    /// Written by the recipient's own infrastructure.
    pub trusted: bool,
    /// The raw header value, unfolded.
    pub raw: String,
    /// The receiving server's own id for the message (`id` clause).
    #[serde(default)]
    pub id: Option<String>,
    /// The `via` clause (link or transport, e.g. "Frontend Transport").
    #[serde(default)]
    pub via: Option<String>,
    /// The user an ident lookup or a `user@host` note names.
    #[serde(default)]
    pub ident: Option<String>,
    /// A login note the receiving server wrote (`Authenticated sender: x`), as written:
    /// the sender logged in; the name is the account it chose, not a checked server name.
    #[serde(default)]
    pub auth_note: Option<String>,
    /// Who runs the server that wrote this line (from its name), e.g. "Google".
    #[serde(default)]
    pub operator: Option<String>,
    /// Who runs the server it came from (from the verified name or the address, never
    /// from the HELO name the sender chose).
    #[serde(default)]
    pub from_operator: Option<String>,
    /// The line carries a date (read or not).
    #[serde(default)]
    pub has_date: bool,
    /// The date as written, when it could not be read.
    #[serde(default)]
    pub unread_date: Option<String>,
    /// The line holds no clause at all: nothing in it could be read.
    #[serde(default)]
    pub unparsed: bool,
}

/// Kinds of oddity found on the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AnomalyKind {
    PrivateOrigin,
    TimeBackwards,
    LongDelay,
    MissingBy,
    FutureDate,
    DateFarFromFirstHop,
    UnparsedDate,
    TlsDropped,
    HeloIsIp,
    HeloMismatch,
    TooManyHops,
}

/// An oddity, pinned to the hop where it happens.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PathAnomaly {
    pub kind: AnomalyKind,
    /// Hop index (travel order) or None for the message as a whole.
    pub hop: Option<usize>,
    pub detail: String,
}

/// The route the message travelled.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct HeaderPath {
    /// Hops in travel order (oldest first).
    pub hops: Vec<Hop>,
    /// Index of the hop where the message entered the recipient's infrastructure.
    pub boundary: Option<usize>,
    /// The sending server's IP address as seen by the recipient's server: the only one known for sure.
    pub connecting_ip: Option<String>,
    pub connecting_host: Option<String>,
    pub connecting_helo: Option<String>,
    /// Organisational domains believed to belong to the recipient's infrastructure.
    pub receiver_domains: Vec<String>,
    /// Header index of the boundary `Received` field: headers above it were added by the recipient.
    pub boundary_header_index: Option<usize>,
    /// When the recipient's side accepted the message (Unix seconds).
    pub delivered_at: Option<i64>,
    pub anomalies: Vec<PathAnomaly>,
}

/// A result value from SPF, DKIM, DMARC, ARC or Microsoft's composite check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AuthValue {
    Pass,
    Fail,
    SoftFail,
    Neutral,
    #[default]
    None,
    TempError,
    PermError,
    Policy,
    BestGuessPass,
    /// Something the parser did not recognise.
    Other,
}

impl AuthValue {
    /// Parses the value as written in Authentication-Results / Received-SPF.
    pub fn parse(s: &str) -> AuthValue {
        match s.trim().to_ascii_lowercase().as_str() {
            "pass" => AuthValue::Pass,
            "fail" | "hardfail" => AuthValue::Fail,
            "softfail" => AuthValue::SoftFail,
            "neutral" => AuthValue::Neutral,
            "none" => AuthValue::None,
            "temperror" | "error" => AuthValue::TempError,
            "permerror" => AuthValue::PermError,
            "policy" => AuthValue::Policy,
            "bestguesspass" => AuthValue::BestGuessPass,
            _ => AuthValue::Other,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            AuthValue::Pass => "pass",
            AuthValue::Fail => "fail",
            AuthValue::SoftFail => "softfail",
            AuthValue::Neutral => "neutral",
            AuthValue::None => "none",
            AuthValue::TempError => "temperror",
            AuthValue::PermError => "permerror",
            AuthValue::Policy => "policy",
            AuthValue::BestGuessPass => "bestguesspass",
            AuthValue::Other => "other",
        }
    }
}

/// Where an authentication result comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AuthSource {
    /// Written into the message by the receiving server at delivery.
    #[default]
    Recorded,
    /// Re-checked now over DNS by mailsleuth.
    Live,
}

/// One method's result (spf, dkim, dmarc, arc, compauth).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AuthOutcome {
    pub result: AuthValue,
    pub source: AuthSource,
    /// The domain the result is about (smtp.mailfrom, header.d, header.from).
    pub domain: Option<String>,
    /// Free text: reason, comment, or what was checked.
    pub detail: Option<String>,
    /// Header index where it was read (recorded results).
    pub header_index: Option<usize>,
}

/// A single `method=result` entry of an Authentication-Results header.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct MethodResult {
    pub method: String,
    pub result: AuthValue,
    /// The value exactly as written (e.g. "bestguesspass", "hardfail").
    pub result_raw: String,
    pub reason: Option<String>,
    /// property=value pairs such as smtp.mailfrom, header.d, header.from.
    pub props: Vec<(String, String)>,
}

impl MethodResult {
    /// Value of a property such as `header.d` (case-insensitive name).
    pub fn prop(&self, name: &str) -> Option<&str> {
        self.props
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A parsed Authentication-Results or ARC-Authentication-Results header.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AuthResultsHeader {
    pub header_index: usize,
    /// `Authentication-Results` or `ARC-Authentication-Results`.
    pub header_name: String,
    /// ARC instance (i=) for ARC-Authentication-Results.
    pub arc_instance: Option<u32>,
    pub authserv_id: Option<String>,
    /// Added inside the trust boundary, so it can be believed.
    pub trusted: bool,
    pub methods: Vec<MethodResult>,
    pub raw: String,
}

/// A parsed Received-SPF header.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ReceivedSpf {
    pub header_index: usize,
    pub result: AuthValue,
    pub client_ip: Option<String>,
    pub helo: Option<String>,
    pub envelope_from: Option<String>,
    pub trusted: bool,
    pub raw: String,
}

/// What a DKIM-Signature header claims (not whether it verifies).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DkimSignatureInfo {
    pub header_index: usize,
    pub domain: Option<String>,
    pub selector: Option<String>,
    pub algorithm: Option<String>,
    pub signed_headers: Vec<String>,
    /// t= (Unix seconds)
    pub timestamp: Option<i64>,
    /// x= (Unix seconds)
    pub expiration: Option<i64>,
}

/// Authentication as recorded in the message, and as re-checked live.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AuthSummary {
    /// The results mailsleuth relies on: live where checked, else recorded and trusted.
    pub spf: AuthOutcome,
    pub dkim: AuthOutcome,
    pub dmarc: AuthOutcome,
    pub arc: AuthOutcome,
    /// Microsoft's composite authentication (compauth), when recorded.
    pub compauth: Option<AuthOutcome>,
    /// The recorded results from trusted headers only.
    pub recorded: RecordedAuth,
    /// The results of re-checking now, once live verification has run.
    pub live: Option<LiveAuth>,
    pub results_headers: Vec<AuthResultsHeader>,
    pub received_spf: Vec<ReceivedSpf>,
    pub dkim_signatures: Vec<DkimSignatureInfo>,
    /// Number of ARC sets (ARC-Seal headers).
    pub arc_sets: usize,
}

/// Recorded results, one per method, from the trusted headers.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RecordedAuth {
    pub spf: Option<AuthOutcome>,
    pub dkim: Option<AuthOutcome>,
    pub dmarc: Option<AuthOutcome>,
    pub arc: Option<AuthOutcome>,
    pub compauth: Option<AuthOutcome>,
    /// DMARC policy recorded by the receiver (p=), if any.
    pub dmarc_policy: Option<String>,
}

/// Results of re-verifying the message over DNS now.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LiveAuth {
    pub spf: AuthOutcome,
    /// One entry per DKIM signature, in header order.
    pub dkim_signatures: Vec<LiveDkim>,
    /// The best DKIM result (pass wins).
    pub dkim: AuthOutcome,
    pub dmarc: AuthOutcome,
    pub arc: AuthOutcome,
    /// The DMARC policy published by the From domain (none/quarantine/reject).
    pub dmarc_policy: Option<String>,
    /// Which identity aligned with the From domain, in words.
    pub alignment: Option<String>,
    /// Plain sentences explaining differences from the recorded results.
    pub disagreements: Vec<String>,
    /// The resolver used ("system" or HOST:PORT).
    pub resolver: String,
    pub elapsed_ms: u64,
    /// What each live result rests on, which decides whether it may overrule the result
    /// recorded at delivery.
    #[serde(default)]
    pub grounds: LiveGrounds,
}

/// What a live result rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Grounds {
    /// DNS answered with a record, and the result follows from it and the message.
    #[default]
    Answered,
    /// DNS gave no usable answer: a lookup failed or timed out, the name does not exist
    /// (NXDOMAIN), or the record is not published (any more). Says nothing about the message.
    NoAnswer,
    /// The name is reserved for examples and tests (RFC 2606, RFC 6761) and was not looked up.
    Reserved,
    /// The message itself no longer matches its signature (its body was changed): proof
    /// whatever DNS says.
    Altered,
}

impl Grounds {
    /// True when the result says nothing about the message, only about DNS today.
    pub fn says_nothing(self) -> bool {
        matches!(self, Grounds::NoAnswer | Grounds::Reserved)
    }
}

/// What each live result rests on, per method.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct LiveGrounds {
    pub spf: Grounds,
    pub dkim: Grounds,
    pub dmarc: Grounds,
    pub arc: Grounds,
}

/// One DKIM signature re-verified.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LiveDkim {
    pub domain: String,
    pub selector: String,
    pub result: AuthValue,
    pub detail: Option<String>,
    /// What the result rests on.
    #[serde(default)]
    pub grounds: Grounds,
}

/// The decoded, safe-to-show content of the message.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Content {
    /// Plain-text rendering of the body (from text/plain, else from HTML), size-limited.
    pub text: String,
    /// The text came from an HTML part.
    pub text_from_html: bool,
    /// The other version of the text when the message has both a plain-text and an HTML
    /// version (the HTML one when `text` is the plain one, and the other way round); empty
    /// when there is only one. For the safe view and the quiz, which show what a mail
    /// program shows.
    #[serde(skip)]
    pub other_text: String,
    /// The plain-text and HTML versions do not say the same thing (a lure in the HTML
    /// next to an unrelated plain-text footer).
    #[serde(skip)]
    pub versions_differ: bool,
    pub has_html: bool,
    pub has_plain: bool,
    pub links: Vec<Link>,
    /// Number of <form> elements in HTML parts.
    pub forms: usize,
    /// Form targets (action URLs).
    pub form_actions: Vec<String>,
    pub images: usize,
    /// Text hidden with CSS (display:none, tiny font, same colour), sample.
    pub hidden_text: Vec<String>,
    pub scripts: usize,
    /// Characters of visible text in the HTML body.
    pub html_visible_chars: usize,
    /// Characters of text hidden with CSS, in all (the samples above are capped).
    #[serde(default)]
    pub hidden_chars: usize,
    /// Fields a reader can type into inside forms (text, email, password…).
    #[serde(default)]
    pub form_inputs: usize,
    /// Password fields inside the message's HTML.
    #[serde(default)]
    pub password_inputs: usize,
    /// A style that opens a giant blank space or pushes content far down ("margin-top:
    /// 470500px"), so that what follows is out of the reader's sight; the declaration seen.
    #[serde(default)]
    pub pushed_out_of_view: Option<String>,
    /// The body was larger than mailsleuth reads; only the start was looked at.
    #[serde(default)]
    pub truncated: bool,
}

/// A link in the body: where it really goes, and what it says it is.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Link {
    pub href: String,
    /// The text the reader sees (anchor text), trimmed.
    pub shown_text: String,
    /// Lowercased host of href.
    pub host: Option<String>,
    /// A host named in the shown text, if the shown text looks like a URL or domain.
    pub shown_host: Option<String>,
    /// Found in the HTML (true) or in plain text (false).
    pub from_html: bool,
    /// The attachment (file name) the link sits inside, for links found in a PDF.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_attachment: Option<String>,
    /// Where the link was found, in words: "the HTML body", "the text body", "the
    /// attachment invoice.pdf".
    #[serde(default)]
    pub found_in: String,
    /// Where the link really leads: the href with the reader's link-protection wrappers
    /// removed (None when the href is not a valid address).
    #[serde(default)]
    pub destination: Option<String>,
    /// Lowercased host of `destination` (punycode form).
    #[serde(default)]
    pub destination_host: Option<String>,
    /// Organisational domain of `destination_host` (public suffix list).
    #[serde(default)]
    pub destination_org_domain: Option<String>,
    /// The link-protection wrapper that was removed to find the destination, if any
    /// ("Microsoft Safe Links").
    #[serde(default)]
    pub unwrapped_from: Option<String>,
    /// The address a redirect at the destination says it passes the reader on to (a click
    /// counter's or an open redirect's target), if it names one.
    #[serde(default)]
    pub redirects_to: Option<String>,
}

/// An attachment, listed but never opened.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Attachment {
    pub filename: Option<String>,
    pub declared_type: String,
    /// Type recognised from the first bytes (e.g. "zip", "pdf", "pe-executable").
    pub sniffed_type: Option<String>,
    pub size: usize,
    pub sha256: String,
    /// Files inside an archive, listed without extracting.
    pub archive_members: Vec<ArchiveMember>,
    pub archive_encrypted: bool,
    /// Why the archive could not be listed, if it could not.
    pub archive_error: Option<String>,
    pub is_message: bool,
    pub html_has_form: bool,
    /// The HTML/SVG holds active content: a script, an event handler or an automatic redirect.
    pub html_has_script: bool,
    /// An Office document that holds macros (a VBA project).
    #[serde(default)]
    pub has_macros: bool,
    /// Index of the attachment this one sits inside (an attached message), if any.
    #[serde(default)]
    pub parent: Option<usize>,
    /// What a look inside a PDF attachment found (never rendered or run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pdf: Option<crate::analysis::pdf::PdfFindings>,
}

/// One entry of an archive attachment.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ArchiveMember {
    pub name: String,
    pub size: u64,
    pub encrypted: bool,
}

/// What the receiving mail filter already said.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FilterVerdicts {
    /// Microsoft spam confidence level (-1..9).
    pub ms_scl: Option<i32>,
    pub ms_sfv: Option<String>,
    pub ms_cat: Option<String>,
    pub ms_bcl: Option<i32>,
    /// Header index of the Microsoft report, if present.
    pub ms_header_index: Option<usize>,
    /// SpamAssassin X-Spam-Status: flagged as spam?
    pub spamassassin_spam: Option<bool>,
    pub spamassassin_score: Option<f32>,
    pub spamassassin_header_index: Option<usize>,
}

/// The family a check belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Identity,
    Authentication,
    Path,
    Content,
    Links,
    Attachments,
    Filter,
}

impl Family {
    pub const ALL: [Family; 7] = [
        Family::Identity,
        Family::Authentication,
        Family::Path,
        Family::Content,
        Family::Links,
        Family::Attachments,
        Family::Filter,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Identity => "identity",
            Family::Authentication => "authentication",
            Family::Path => "path",
            Family::Content => "content",
            Family::Links => "links",
            Family::Attachments => "attachments",
            Family::Filter => "filter",
        }
    }
    /// Heading shown in the checklist.
    pub fn title(self) -> &'static str {
        match self {
            Family::Identity => "Who it claims to be",
            Family::Authentication => "Proof of sender",
            Family::Path => "The route it took",
            Family::Content => "What it asks of you",
            Family::Links => "Links",
            Family::Attachments => "Attachments",
            Family::Filter => "What the mail filter said",
        }
    }
}

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    Warn,
    Fail,
    Skip,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Warn => "warn",
            Outcome::Fail => "fail",
            Outcome::Skip => "skip",
        }
    }
}

/// What kind of evidence a check gives, and so how much it can decide on its own.
///
/// - `Proof`: the message disproves itself: its own domain disowns it (DMARC fails under a
///   reject or quarantine policy), its authentication records are forged, or it carries a
///   program that runs when opened.
/// - `Strong`: a claimed identity that the proven sender is not (a brand or your own
///   organisation's name from an unrelated or look-alike domain), a form or link that asks
///   for a password on someone else's site.
/// - `Hint`: something that is more common in fraud than in genuine mail but normal in some
///   genuine mail too: pressure in the wording, an odd path detail, bulk-mail structure.
///
/// The verdict follows from grades: danger needs proof, or strong evidence with support from
/// another, independent kind of evidence; hints alone reach caution at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Grade {
    Proof,
    Strong,
    Hint,
}

impl Grade {
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::Proof => "proof",
            Grade::Strong => "strong",
            Grade::Hint => "hint",
        }
    }
    /// The grade as a reader sees it beside a reason.
    pub fn label(self) -> &'static str {
        match self {
            Grade::Proof => "Proof",
            Grade::Strong => "Strong sign",
            Grade::Hint => "Hint",
        }
    }
    /// One plain sentence on what this grade of evidence means.
    pub fn meaning(self) -> &'static str {
        match self {
            Grade::Proof => "The message disproves itself (its own domain disowns it, its records are forged, or it carries a program that runs when opened): this alone makes it dangerous.",
            Grade::Strong => "A strong sign of an impostor or a harmful payload: dangerous when evidence of another kind agrees; alone, a reason to check.",
            Grade::Hint => "Common in fraud, but normal in some genuine mail too: hints alone only ever ask you to check.",
        }
    }
}

/// Where a piece of evidence sits in the message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Location {
    /// A header field (index among all headers).
    Header { name: String, index: usize },
    /// The body text.
    Body,
    /// A link (index into `Content::links`).
    Link { index: usize },
    /// An attachment (index into `Report::attachments`).
    Attachment { index: usize },
    /// A hop on the path (travel-order index).
    Hop { index: usize },
    /// The message as a whole.
    Message,
}

/// What a check saw, exactly.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Evidence {
    pub location: Location,
    /// The exact text seen (header value, body excerpt, URL…).
    pub text: String,
}

/// One line of the checklist.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckResult {
    /// Stable kebab-case id; keys the lesson. Borrowed from the catalogue (a report read
    /// back from JSON owns its copy).
    pub id: Cow<'static, str>,
    pub family: Family,
    pub outcome: Outcome,
    /// What kind of evidence this outcome is (see `Grade`).
    pub grade: Grade,
    /// Short title of the check (from its lesson).
    pub title: Cow<'static, str>,
    /// What this check found in this message, in one plain sentence.
    pub summary: String,
    pub evidence: Vec<Evidence>,
    /// This outcome is good news that explains why something odd is fine.
    pub reassuring: bool,
    /// How strongly this outcome weighs on the verdict (0 for pass/skip).
    pub weight: i32,
}

impl CheckResult {
    /// Whether the title describes this outcome: a raised flag (warn, fail) or good news
    /// (a reassuring pass). Otherwise the title names a red flag this message does not
    /// raise ("Replies go somewhere else"), and a line about it should say what the check
    /// found (`summary`) instead, or it reads as if the flag were raised.
    pub fn title_fits(&self) -> bool {
        matches!(self.outcome, Outcome::Warn | Outcome::Fail)
            || (self.outcome == Outcome::Pass && self.reassuring)
            || self.summary.trim().is_empty()
    }
}

/// What the message's own records prove about who sent it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SenderFacts {
    /// Organisational domain of the From address: who the message claims to be from.
    pub from_org_domain: Option<String>,
    /// Organisational domains the sender controls on its own say-so: From, Sender, the
    /// envelope (Return-Path) and every DKIM signer.
    pub org_domains: Vec<String>,
    /// Domains a passing DKIM signature or SPF check vouches for (organisational domains).
    pub authenticated_domains: Vec<String>,
    /// The From domain is proven: DMARC passed, or SPF or DKIM passed for the From
    /// organisation.
    pub from_proven: bool,
    /// A DKIM signature passed for a domain aligned with the From domain.
    pub dkim_aligned: bool,
    /// The receiving side (or a live check) found the forwarders' ARC seals intact.
    pub arc_vouched: bool,
    /// Organisational domains of the mailing list the message says it came through
    /// (List-Id, List-Post, List-Help, Mailing-List).
    pub list_org_domains: Vec<String>,
    /// A mailing list rewrote or relayed the message: a list header plus a sign of the
    /// list's own handling that the sender cannot simply write.
    pub via_list: bool,
    /// A known mailing service (bulk e-mail platform) that carried the message, by the
    /// domain seen in the envelope, a DKIM signature or the Message-ID.
    pub mailing_service: Option<String>,
}

/// What kind of mail a message is, from its structure and headers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageKind {
    /// Written by a person to one or a few people.
    #[default]
    Person,
    /// Relayed by a mailing list to its members.
    List,
    /// A newsletter or other bulk mail: an unsubscribe link, bulk precedence or a
    /// mailing service.
    Bulk,
    /// Written by a machine: a delivery report (bounce), read receipt, feedback or
    /// DMARC/TLS report, or an automatic reply.
    Machine,
}

impl MessageKind {
    /// Lowercase machine name, as in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Person => "person",
            MessageKind::List => "list",
            MessageKind::Bulk => "bulk",
            MessageKind::Machine => "machine",
        }
    }
    /// The kind in plain words, for the reader.
    pub fn describe(self) -> &'static str {
        match self {
            MessageKind::Person => "a personal message",
            MessageKind::List => "a mailing-list message",
            MessageKind::Bulk => "a newsletter or other bulk mail",
            MessageKind::Machine => "an automatic message from a mail system",
        }
    }
}
