//! Bodies → plain text, links (real target vs shown text), forms, hidden text.
use super::Content;
use mail_parser::Message;
pub fn extract(_msg: &Message) -> Content {
    Content::default()
}
