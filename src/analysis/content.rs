//! Bodies → plain text, links (real target vs shown text), forms, hidden text.
use mail_parser::Message;
use super::Content;
pub fn extract(_msg: &Message) -> Content { Content::default() }
