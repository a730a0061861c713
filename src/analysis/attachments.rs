//! Attachments: names, declared vs sniffed type, archive listings (never extracted), hashes.
use super::Attachment;
use mail_parser::Message;
pub fn extract(_msg: &Message) -> Vec<Attachment> {
    Vec::new()
}
