//! Text, JSON and summary renderings of a `Report`.
