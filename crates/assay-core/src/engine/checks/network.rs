//! Checks: placeholder until this family is written.

use super::CheckDef;

pub const CHECKS: &[CheckDef] = &[];
