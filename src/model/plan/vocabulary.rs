//! A vocabulary, checked: the room kinds, groups, zones, flow kinds and counted quantities
//! one kind of sample room speaks of (`vocabularies/*.toml`). Plans and rules are checked
//! against the vocabulary their guide names, so an unknown word is an error with a "did you
//! mean" drawn from that vocabulary. No word of any permit lives in this crate.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use serde::Serialize;

use super::symbols::SymbolLibrary;
use crate::diagnostics::{Diagnostic, Diagnostics, nearest};
use crate::source::plan_format::{LineStyle, Pattern, VocabularyToml};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ZoneDef {
    pub id: String,
    pub label: String,
    pub pattern: Pattern,
    pub color: String,
    pub cleanliness: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlowDef {
    pub id: String,
    pub label: String,
    pub line: LineStyle,
    pub color: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuantityDef {
    pub id: String,
    pub label: String,
    pub unit: String,
    pub counts: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupDef {
    pub id: String,
    pub label: String,
    pub kinds: Vec<String>,
}

/// A checked vocabulary. Maps are keyed by id; order of declaration is kept in `*_order` for
/// legends and tables.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Vocabulary {
    pub id: String,
    pub title: String,
    pub file: String,
    /// Room kind id → label.
    pub kinds: BTreeMap<String, String>,
    pub groups: BTreeMap<String, GroupDef>,
    pub zones: BTreeMap<String, ZoneDef>,
    pub flows: BTreeMap<String, FlowDef>,
    /// Declaration order, so tables list quantities as the author wrote them.
    pub quantities: Vec<QuantityDef>,
}

/// A set of room kinds a rule speaks of: one kind, or a group, with the words to show.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct KindSet {
    /// The id as written (a kind or a group).
    pub name: String,
    pub kinds: BTreeSet<String>,
}

impl KindSet {
    pub fn contains(&self, kind: &str) -> bool {
        self.kinds.contains(kind)
    }
}

impl Vocabulary {
    pub(crate) fn kind_label<'a>(&'a self, kind: &'a str) -> &'a str {
        self.kinds.get(kind).map_or(kind, String::as_str)
    }

    pub fn quantity(&self, id: &str) -> Option<&QuantityDef> {
        self.quantities.iter().find(|q| q.id == id)
    }

    /// A kind or a group by id.
    pub(crate) fn kind_set(&self, name: &str) -> Option<KindSet> {
        if self.kinds.contains_key(name) {
            return Some(KindSet {
                name: name.to_owned(),
                kinds: [name.to_owned()].into(),
            });
        }
        self.groups.get(name).map(|g| KindSet {
            name: name.to_owned(),
            kinds: g.kinds.iter().cloned().collect(),
        })
    }

    /// The label of a kind or a group.
    pub(crate) fn set_label<'a>(&'a self, name: &'a str) -> &'a str {
        match self.groups.get(name) {
            Some(g) => &g.label,
            None => self.kind_label(name),
        }
    }

    /// Every id a rule may use where it takes a room kind.
    pub(crate) fn kind_set_names(&self) -> impl Iterator<Item = &str> + Clone {
        self.kinds.keys().chain(self.groups.keys()).map(String::as_str)
    }
}

/// The hint for an unknown word: the nearest valid one, or the list of valid ones.
pub(crate) fn unknown_hint<'a>(word: &str, valid: impl Iterator<Item = &'a str> + Clone, what: &str) -> String {
    match nearest(word, valid.clone()) {
        Some(best) => format!("did you mean `{best}`?"),
        None => {
            let list: Vec<&str> = valid.collect();
            if list.is_empty() {
                format!("the vocabulary defines no {what}")
            } else {
                format!("{what} of this vocabulary: {}", list.join(", "))
            }
        }
    }
}

fn is_colour(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].chars().all(|c| c.is_ascii_hexdigit())
}

/// Checks a parsed vocabulary file.
pub(crate) fn resolve_vocabulary(
    id: &str,
    file: &str,
    toml: &VocabularyToml,
    symbols: &SymbolLibrary,
    diagnostics: &mut Diagnostics,
) -> Vocabulary {
    let mut check = VocabularyCheck {
        file,
        taken: BTreeMap::new(),
        diagnostics,
        v: Vocabulary {
            id: id.to_owned(),
            title: toml.title.clone(),
            file: file.to_owned(),
            ..Vocabulary::default()
        },
    };
    check.room_kinds(toml);
    check.groups(toml);
    check.zones(toml);
    check.flows(toml);
    check.quantities(toml, symbols);
    check.v
}

/// A vocabulary as it is checked: the words defined so far and where problems go.
struct VocabularyCheck<'a> {
    file: &'a str,
    /// Room kinds, groups and quantities share one name space: what each name is and where it
    /// was first defined.
    taken: BTreeMap<String, (&'static str, Range<usize>)>,
    diagnostics: &'a mut Diagnostics,
    v: Vocabulary,
}

impl VocabularyCheck<'_> {
    /// Takes `name` as a `what`; `false` (and an error) when it is taken already.
    fn claim(&mut self, name: &str, what: &'static str, span: Range<usize>) -> bool {
        let file = self.file;
        if let Some((first, first_span)) = self.taken.get(name) {
            self.diagnostics.push(
                Diagnostic::error(
                    file,
                    Some(span),
                    format!("`{name}` is already defined in this vocabulary as a {first}"),
                )
                .with_label("defined again here")
                .with_note(file, Some(first_span.clone()), "first defined here"),
            );
            false
        } else {
            self.taken.insert(name.to_owned(), (what, span));
            true
        }
    }

    fn room_kinds(&mut self, toml: &VocabularyToml) {
        let file = self.file;
        for k in &toml.room_kinds {
            let name = k.id.get_ref().as_str();
            if name == crate::source::plan_format::OUTSIDE {
                self.diagnostics.push(
                    Diagnostic::error(
                        file,
                        Some(k.id.span()),
                        "`outside` stands for the outside of the building",
                    )
                    .with_hint("give the room kind another id"),
                );
                continue;
            }
            if self.claim(name, "room kind", k.id.span()) {
                self.v.kinds.insert(name.to_owned(), k.label.clone());
            }
        }
    }

    /// Groups of room kinds, each of kinds defined before it.
    fn groups(&mut self, toml: &VocabularyToml) {
        let file = self.file;
        for g in &toml.groups {
            let name = g.id.get_ref().as_str();
            let mut kinds = Vec::new();
            for k in &g.kinds {
                let kind = k.get_ref().as_str();
                if self.v.kinds.contains_key(kind) {
                    kinds.push(kind.to_owned());
                } else {
                    self.diagnostics.push(
                        Diagnostic::error(
                            file,
                            Some(k.span()),
                            format!("no room kind `{kind}` in this vocabulary"),
                        )
                        .with_hint(unknown_hint(
                            kind,
                            self.v.kinds.keys().map(String::as_str),
                            "room kinds",
                        )),
                    );
                }
            }
            if self.claim(name, "group", g.id.span()) {
                self.v.groups.insert(
                    name.to_owned(),
                    GroupDef {
                        id: name.to_owned(),
                        label: g.label.clone(),
                        kinds,
                    },
                );
            }
        }
    }

    /// Zones with their pattern, colour and cleanliness rank.
    fn zones(&mut self, toml: &VocabularyToml) {
        let file = self.file;
        let mut zone_ids = BTreeMap::new();
        for z in &toml.zones {
            let name = z.id.get_ref().as_str();
            if let Some(first) = zone_ids.get(name) {
                self.diagnostics.push(
                    Diagnostic::error(file, Some(z.id.span()), format!("zone `{name}` is already defined"))
                        .with_label("defined again here")
                        .with_note(file, Some(Range::clone(first)), "first defined here"),
                );
                continue;
            }
            zone_ids.insert(name, z.id.span());
            if !is_colour(z.color.get_ref()) {
                self.diagnostics.push(
                    Diagnostic::error(file, Some(z.color.span()), "a colour is written `#rrggbb`")
                        .with_hint("e.g. color = \"#8fb4da\""),
                );
            }
            self.v.zones.insert(
                name.to_owned(),
                ZoneDef {
                    id: name.to_owned(),
                    label: z.label.clone(),
                    pattern: z.pattern,
                    color: z.color.get_ref().clone(),
                    cleanliness: z.cleanliness,
                },
            );
        }
    }

    /// Flow kinds with their line style and colour.
    fn flows(&mut self, toml: &VocabularyToml) {
        let file = self.file;
        for f in &toml.flows {
            let name = f.id.get_ref().as_str();
            if self.v.flows.contains_key(name) {
                let first = toml
                    .flows
                    .iter()
                    .find(|g| g.id.get_ref() == f.id.get_ref())
                    .map(|g| g.id.span());
                self.diagnostics.push(
                    Diagnostic::error(
                        file,
                        Some(f.id.span()),
                        format!("flow kind `{name}` is already defined"),
                    )
                    .with_label("defined again here")
                    .with_note(file, first, "first defined here"),
                );
                continue;
            }
            if !is_colour(f.color.get_ref()) {
                self.diagnostics.push(
                    Diagnostic::error(file, Some(f.color.span()), "a colour is written `#rrggbb`")
                        .with_hint("e.g. color = \"#1f5fbf\""),
                );
            }
            self.v.flows.insert(
                name.to_owned(),
                FlowDef {
                    id: name.to_owned(),
                    label: f.label.clone(),
                    line: f.line,
                    color: f.color.get_ref().clone(),
                },
            );
        }
    }

    /// Counted quantities: ids that are no word of the rule language, counting known symbols.
    fn quantities(&mut self, toml: &VocabularyToml, symbols: &SymbolLibrary) {
        let file = self.file;
        for q in &toml.quantities {
            let name = q.id.get_ref().as_str();
            let rules = super::rules::PLAN_QUANTITIES
                .iter()
                .chain(super::rules::ROOM_QUANTITIES)
                .chain(super::rules::RESERVED);
            if rules.clone().any(|r| *r == name) {
                self.diagnostics.push(
                    Diagnostic::error(
                        file,
                        Some(q.id.span()),
                        format!("`{name}` is a word of the rule language and cannot name a quantity"),
                    )
                    .with_hint("choose another id, e.g. one that says what is counted"),
                );
                continue;
            }
            if !self.claim(name, "quantity", q.id.span()) {
                continue;
            }
            let mut counts = Vec::new();
            for s in &q.counts {
                if symbols.get(s.get_ref()).is_some() {
                    counts.push(s.get_ref().clone());
                } else {
                    self.diagnostics.push(
                        Diagnostic::error(
                            file,
                            Some(s.span()),
                            format!("unknown equipment symbol `{}`", s.get_ref()),
                        )
                        .with_hint(unknown_hint(s.get_ref(), symbols.ids(), "symbols")),
                    );
                }
            }
            self.v.quantities.push(QuantityDef {
                id: name.to_owned(),
                label: q.label.clone(),
                unit: q.unit.clone(),
                counts,
            });
        }
    }
}
