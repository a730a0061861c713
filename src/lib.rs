//! mailsleuth: tells a person whether an email is really from who it says, and teaches them how to tell.
//!
//! Module map:
//! - `load`: files and bytes → messages (mbox, .emlx, Outlook .msg, attached messages), or a readable `LoadError`
//! - `intake`: found messages → analysed entries, attached messages as entries of their own
//! - `analysis`: PURE analysis of one message into a `Report` (path, identity, auth, content, checks, verdict)
//! - `limits`: every limit on how much of a message is examined, and the record of reaching one
//! - `lessons`: the teaching text for every check id and the header glossary (data in `assets/lessons`)
//! - `live`: re-verification of SPF/DKIM/DMARC/ARC over DNS (mail-auth + hickory-resolver)
//! - `report`: text, JSON and summary renderings of a `Report`
//! - `cli`: the `check` command
//! - `gui`: the egui desktop app; draws a `Report`, never parses
//! - `training`: the scenario gallery, quiz state and scoring

pub mod analysis;
pub mod cli;
pub mod gui;
pub mod intake;
pub mod lessons;
pub mod limits;
pub mod live;
pub mod load;
pub mod profile;
pub mod report;
pub mod training;
