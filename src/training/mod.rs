//! The training gallery, quiz state and scoring.
