//! The equipment symbol library: the site's symbols (`symbols/*.toml`), with the size each
//! one occupies on a plan and the generic shape it is drawn with. The crate ships none: what
//! equipment a kind of permit needs is the site's knowledge.

use std::collections::BTreeMap;

use crate::source::plan_format::Shape;

/// One kind of equipment that can be placed in a room.
#[derive(Debug, Clone, PartialEq)]
pub struct Symbol {
    pub id: String,
    pub label: String,
    /// Extent along x before rotation, mm.
    pub width: u32,
    /// Extent along y before rotation, mm.
    pub depth: u32,
    pub shape: Shape,
    /// The file that defines it.
    pub file: String,
}

/// All symbols a site may use, by id.
#[derive(Debug, Clone, Default)]
pub struct SymbolLibrary {
    pub symbols: BTreeMap<String, Symbol>,
}

impl SymbolLibrary {
    pub fn get(&self, id: &str) -> Option<&Symbol> {
        self.symbols.get(id)
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> + Clone {
        self.symbols.keys().map(String::as_str)
    }
}
