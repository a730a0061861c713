//! The egui desktop app: draws a `Report`, never parses.
