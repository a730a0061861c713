//! Checks.
use super::CheckDef;
pub const CHECKS: &[CheckDef] = &[];
