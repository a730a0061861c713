//! mbox files (mboxo and mboxrd): split into messages while reading, never holding the file.
//!
//! A message starts at a `From ` line that opens the file or follows a blank line, and is
//! followed by a header line. Requiring the header line keeps an unquoted "From here on…"
//! sentence in a body from splitting a message in two. Lines quoted as `>From ` (or
//! `>>From ` in mboxrd) lose one `>`.

use std::io::BufRead;

use super::{human_size, starts_with_header, LoadError};

/// At most this many messages are read from one mbox file; the rest are reported, not read.
pub const MAX_MESSAGES: usize = crate::limits::MBOX_MESSAGES;
/// A line longer than this is read in pieces (a file without newlines must not fill memory).
const LINE_PIECE: u64 = 64 * 1024;

/// One message read from an mbox: its bytes, or why it could not be taken.
pub type Item = Result<Vec<u8>, LoadError>;

/// Reads messages one by one from an mbox stream.
pub struct Reader<R> {
    input: R,
    max_size: usize,
    /// Messages handed out so far.
    count: usize,
    /// A `From ` line seen but not yet handled (the start of the next message).
    pending_from: bool,
    /// The line read ahead while deciding whether a `From ` line starts a message.
    lookahead: Option<Vec<u8>>,
    finished: bool,
}

impl<R: BufRead> Reader<R> {
    /// Starts reading; the stream must begin at the first `From ` line (leading blank lines are fine).
    pub fn new(input: R, max_size: usize) -> Reader<R> {
        Reader {
            input,
            max_size,
            count: 0,
            pending_from: false,
            lookahead: None,
            finished: false,
        }
    }

    /// Messages handed out so far.
    pub fn read_count(&self) -> usize {
        self.count
    }

    fn next_line(&mut self) -> Result<Option<Vec<u8>>, std::io::Error> {
        if let Some(l) = self.lookahead.take() {
            return Ok(Some(l));
        }
        let mut line = Vec::new();
        let n = std::io::Read::take(&mut self.input, LINE_PIECE).read_until(b'\n', &mut line)?;
        Ok((n > 0).then_some(line))
    }

    /// Reads one message body up to the next separator or the end of the stream.
    fn read_message(&mut self) -> Result<Option<Item>, std::io::Error> {
        // Skip to (and over) the first `From ` line.
        if !self.pending_from {
            loop {
                let Some(line) = self.next_line()? else {
                    return Ok(None);
                };
                if is_blank(&line) {
                    continue;
                }
                if line.starts_with(b"From ") {
                    break;
                }
                // Not an mbox after all at this point: treat the rest as one message.
                self.lookahead = Some(line);
                break;
            }
        }
        self.pending_from = false;
        let mut msg = Vec::new();
        let mut oversize = 0u64;
        let mut prev_blank = false;
        let mut prev_ended = true;
        while let Some(line) = self.next_line()? {
            let whole_line_start = prev_ended;
            prev_ended = line.ends_with(b"\n");
            if whole_line_start && prev_blank && line.starts_with(b"From ") {
                // A separator only when a header line follows.
                let next = self.next_line()?;
                let starts_message = next.as_deref().is_some_and(starts_with_header);
                self.lookahead = next;
                if starts_message {
                    self.pending_from = true;
                    break;
                }
            }
            prev_blank = whole_line_start && is_blank(&line);
            let line = if whole_line_start {
                unquote(&line)
            } else {
                &line[..]
            };
            if oversize > 0 || msg.len() + line.len() > self.max_size {
                oversize += (msg.len() + line.len()) as u64;
                msg = Vec::new();
                continue;
            }
            msg.extend_from_slice(line);
        }
        // The blank line before a separator belongs to the mbox, not the message.
        if self.pending_from {
            strip_final_newline(&mut msg);
        }
        if oversize > 0 {
            return Ok(Some(Err(LoadError::TooLarge {
                size: format!("over {}", human_size(oversize)),
                limit: human_size(self.max_size as u64),
            })));
        }
        Ok(Some(Ok(msg)))
    }

    /// Whether another message follows the ones handed out (a separator was seen).
    pub fn has_more(&self) -> bool {
        self.pending_from && !self.finished
    }
}

impl<R: BufRead> Iterator for Reader<R> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        if self.finished {
            return None;
        }
        if self.count >= MAX_MESSAGES {
            self.finished = true;
            if self.pending_from {
                return Some(Err(LoadError::TooManyMessages {
                    limit: MAX_MESSAGES,
                }));
            }
            return None;
        }
        match self.read_message() {
            Ok(Some(item)) => {
                self.count += 1;
                if !self.pending_from {
                    self.finished = true;
                }
                Some(item)
            }
            Ok(None) => {
                self.finished = true;
                None
            }
            Err(e) => {
                self.finished = true;
                Some(Err(LoadError::Unreadable {
                    path: "the mailbox".into(),
                    reason: format!("reading stopped part way through ({e})"),
                }))
            }
        }
    }
}

/// Whether `head` (the first bytes of a file) looks like an mbox: a `From ` line, then a header.
pub fn looks_like_mbox(head: &[u8]) -> bool {
    let start = head
        .iter()
        .position(|b| !matches!(b, b'\r' | b'\n'))
        .unwrap_or(head.len());
    let Some(rest) = head.get(start..) else {
        return false;
    };
    if !rest.starts_with(b"From ") {
        return false;
    }
    let Some(nl) = rest.iter().position(|&b| b == b'\n') else {
        return false;
    };
    rest.get(nl + 1..).is_some_and(starts_with_header)
}

fn is_blank(line: &[u8]) -> bool {
    matches!(line, b"\n" | b"\r\n" | b"")
}

/// `>From ` → `From `, `>>From ` → `>From ` (mboxrd; mboxo quoted only one level, which this also undoes).
fn unquote(line: &[u8]) -> &[u8] {
    let quotes = line.iter().take_while(|&&b| b == b'>').count();
    if quotes > 0 && line.get(quotes..).is_some_and(|r| r.starts_with(b"From ")) {
        return line.get(1..).unwrap_or(line);
    }
    line
}

fn strip_final_newline(msg: &mut Vec<u8>) {
    if msg.ends_with(b"\r\n") {
        msg.truncate(msg.len() - 2);
    } else if msg.ends_with(b"\n") {
        msg.truncate(msg.len() - 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(raw: &[u8]) -> Vec<Item> {
        Reader::new(raw, 10_000).collect()
    }

    #[test]
    fn three_messages_give_three_items_with_quoting_undone() {
        let raw = b"From a@example.com Mon Jan  1 00:00:00 2024\nFrom: a@example.com\nSubject: one\n\nhi\n>From here on\n\nFrom b@example.com Mon Jan  1 00:00:00 2024\nSubject: two\n\nbody\n\nFrom c@example.com Mon Jan  1 00:00:00 2024\nSubject: three\n\n>>From x\n";
        let items = split(raw);
        assert_eq!(items.len(), 3);
        let first = items[0].as_ref().unwrap();
        assert_eq!(
            first,
            b"From: a@example.com\nSubject: one\n\nhi\nFrom here on\n"
        );
        assert!(items[1].as_ref().unwrap().starts_with(b"Subject: two"));
        assert!(items[2].as_ref().unwrap().ends_with(b"\n>From x\n"));
    }

    #[test]
    fn an_unquoted_from_sentence_in_a_body_does_not_split_the_message() {
        let raw = b"From a@example.com Mon Jan  1 00:00:00 2024\nSubject: one\n\nhi\n\nFrom the desk of the CEO\nthanks\n";
        let items = split(raw);
        assert_eq!(items.len(), 1);
        assert!(items[0].as_ref().unwrap().ends_with(b"thanks\n"));
    }

    #[test]
    fn an_oversized_message_is_reported_and_the_next_one_still_read() {
        let mut raw = b"From a Mon Jan  1 00:00:00 2024\nSubject: big\n\n".to_vec();
        raw.extend(std::iter::repeat_n(b'x', 20_000));
        raw.extend_from_slice(b"\n\nFrom b Mon Jan  1 00:00:00 2024\nSubject: small\n\nhi\n");
        let items = split(&raw);
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].as_ref().unwrap_err().kind(), "too-large");
        assert!(items[1].as_ref().unwrap().starts_with(b"Subject: small"));
    }

    #[test]
    fn a_truncated_mbox_gives_what_is_there() {
        let raw = b"From a Mon Jan  1 00:00:00 2024\nSubject: one\n\nhi\n\nFrom b Mon Jan  1 00:00:00 2024\nSubject: tw";
        let items = split(raw);
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].as_ref().unwrap(), b"Subject: tw");
    }

    #[test]
    fn a_mailbox_over_the_message_limit_stops_with_a_readable_row() {
        let one = "From a Mon Jan  1 00:00:00 2024\nSubject: s\n\nx\n\n";
        let raw = one.repeat(MAX_MESSAGES + 5);
        let mut reader = Reader::new(raw.as_bytes(), 1000);
        let mut ok = 0;
        let mut last = None;
        for item in reader.by_ref() {
            match item {
                Ok(_) => ok += 1,
                Err(e) => last = Some(e),
            }
        }
        assert_eq!(ok, MAX_MESSAGES);
        assert_eq!(last.map(|e| e.kind()), Some("too-many-messages"));
    }

    #[test]
    fn mbox_is_recognised_by_its_first_lines() {
        assert!(looks_like_mbox(
            b"From a Mon Jan  1 2024\nFrom: x@example.com\n"
        ));
        assert!(!looks_like_mbox(b"From: x@example.com\n"));
        assert!(!looks_like_mbox(b"From here to there\nno header\n"));
    }
}
