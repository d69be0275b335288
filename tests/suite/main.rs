//! The integration suite: one test binary (fewer binaries, faster CI links), one module per
//! capability. Fixtures live in `tests/fixtures/`; snapshots in `tests/suite/snapshots/`.

mod common;
mod invalid;
mod pdf;
mod plans;
mod site;
