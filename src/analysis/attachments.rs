//! Attachments: names, declared vs sniffed type, archive listings (never extracted), hashes.
use mail_parser::Message;
use super::Attachment;
pub fn extract(_msg: &Message) -> Vec<Attachment> { Vec::new() }
