//! The source stage: the site folder read into memory ([`load`]), its formats as types
//! ([`format`] for guides, materials, bundles, forms and the site; [`plan_format`] for plans,
//! vocabularies and symbols), and the parse from text to those types ([`parse`], with
//! [`toml_places`] locating what serde does not, [`markdown`] and [`prose`] for Markdown).
//! [`json_schema`] publishes the formats as JSON Schemas. Nothing here depends on a later stage.

pub mod edition;
pub mod format;
pub mod json_schema;
pub mod labels;
pub mod load;
pub mod markdown;
pub mod parse;
pub mod plan_format;
pub mod prose;
pub mod svg;
pub(crate) mod toml_places;
