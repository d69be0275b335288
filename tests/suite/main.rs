//! The integration suite: one test binary (fewer binaries, faster CI links), one module per
//! capability. Fixtures live in `tests/fixtures/`; snapshots in `tests/suite/snapshots/`.

#![allow(clippy::disallowed_methods)] // Tests set up and inspect real folders.

mod architecture;
mod common;
mod docs;
mod editions;
mod hostile;
mod invalid;
mod links;
mod meaning;
mod open_data;
mod output;
mod pdf;
mod plans;
mod samples;
mod schema;
mod selfcheck;
mod serve;
mod site;
mod templates;
mod words;
