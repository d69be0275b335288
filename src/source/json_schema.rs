//! `permitroom schema`: JSON Schemas of every source file kind, generated from the same Rust
//! types that parse them (so they cannot drift), and a schema of floor plans per vocabulary
//! of the site whose enums are that vocabulary's words (room kinds, zones, flow kinds) and the
//! site's equipment symbols, so an editor offers the right words. Editors read `.taplo.toml`
//! (VS Code with Even Better TOML), which maps each guide's plans to its vocabulary's schema.
//! Pure: returns the files.

use std::collections::BTreeMap;

use schemars::{JsonSchema, Schema};
use serde_json::{Value, json};

use crate::source::format::{BundleToml, FinderToml, FormToml, GuideToml, MaterialsToml, SiteToml};
use crate::source::parse::ParsedSite;
use crate::source::plan_format::{PlanToml, SymbolsToml, VocabularyToml};

/// The file kinds: `(schema file name, glob of the files it describes, title)`.
pub const KINDS: &[(&str, &str, &str)] = &[
    ("site.schema.json", "site.toml", "permitroom site.toml"),
    (
        "materials.schema.json",
        "materials/**/*.toml",
        "permitroom material library",
    ),
    ("guide.schema.json", "guides/*/guide.toml", "permitroom guide"),
    ("plan.schema.json", "guides/*/plans/*.toml", "permitroom floor plan"),
    ("form.schema.json", "forms/**/*.toml", "permitroom sample form"),
    ("bundle.schema.json", "bundles/*.toml", "permitroom bundle"),
    ("finder.schema.json", "finder.toml", "permitroom finder questionnaire"),
    ("symbols.schema.json", "symbols/*.toml", "permitroom equipment symbols"),
    (
        "vocabulary.schema.json",
        "vocabularies/*.toml",
        "permitroom plan vocabulary",
    ),
];

/// The words of a site that its schemas offer: each vocabulary's, the symbols', and which
/// guides use which vocabulary.
#[derive(Debug, Clone, Default)]
pub struct SiteWords {
    /// Vocabulary id → (room kinds, zones, flow kinds).
    pub vocabularies: BTreeMap<String, [Vec<String>; 3]>,
    pub symbols: Vec<String>,
    /// Guide id → vocabulary id.
    pub guides: BTreeMap<String, String>,
}

/// Reads the words from a parsed site (broken files are simply not offered).
pub(crate) fn site_words(parsed: &ParsedSite) -> SiteWords {
    let ids = |terms: &mut dyn Iterator<Item = String>| {
        let mut v: Vec<String> = terms.collect();
        v.sort();
        v.dedup();
        v
    };
    let vocabularies = parsed
        .vocabularies
        .iter()
        .map(|(id, _, v): &(crate::source::format::Slug, String, VocabularyToml)| {
            (
                id.to_string(),
                [
                    ids(&mut v.room_kinds.iter().map(|k| k.id.get_ref().to_string())),
                    ids(&mut v.zones.iter().map(|z| z.id.get_ref().to_string())),
                    ids(&mut v.flows.iter().map(|f| f.id.get_ref().to_string())),
                ],
            )
        })
        .collect();
    let symbols = ids(&mut parsed
        .symbols
        .iter()
        .flat_map(|(_, s)| s.symbol.iter().map(|s| s.id.get_ref().to_string())));
    let guides = parsed
        .guides
        .iter()
        .filter_map(|g| Some((g.id.to_string(), g.toml.vocabulary.as_ref()?.get_ref().to_string())))
        .collect();
    SiteWords {
        vocabularies,
        symbols,
        guides,
    }
}

fn schema_value<T: JsonSchema>(title: &str) -> Schema {
    let mut schema = schemars::schema_for!(T);
    schema.insert("title".into(), title.into());
    let mut value = schema.to_value();
    with_translations(&mut value);
    Schema::try_from(value).expect("a schema stays a schema object")
}

/// Every table of the format may hold its `en` translation (docs/en/reference.md#editions):
/// a table of some of its own text fields (strings and arrays of strings).
fn with_translations(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for v in map.values_mut() {
                with_translations(v);
            }
            let closed = map.get("additionalProperties") == Some(&Value::Bool(false));
            let Some(Value::Object(properties)) = map.get_mut("properties") else {
                return;
            };
            let text: serde_json::Map<String, Value> = properties
                .iter()
                .filter(|(_, p)| is_text_schema(p))
                .map(|(k, p)| (k.clone(), p.clone()))
                .collect();
            if closed && !text.is_empty() {
                properties.insert(
                    "en".into(),
                    json!({
                        "type": "object",
                        "description": "The English text of some of this table's text fields (the `en` edition).",
                        "properties": text,
                        "additionalProperties": false
                    }),
                );
            }
        }
        Value::Array(items) => items.iter_mut().for_each(with_translations),
        _ => {}
    }
}

/// A string, an optional string or an array of strings.
fn is_text_schema(p: &Value) -> bool {
    let types: Vec<&str> = match p.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => return false,
    };
    let string = types.contains(&"string") && types.iter().all(|t| *t == "string" || *t == "null");
    let strings = types.contains(&"array") && p.pointer("/items/type") == Some(&json!("string"));
    (string && p.get("enum").is_none() && p.get("pattern").is_none()) || strings
}

fn text(value: &Schema) -> String {
    // A `Value` always serialises; a failure here would be a bug in serde_json.
    let mut text = serde_json::to_string_pretty(value).expect("a JSON value serialises");
    text.push('\n');
    text
}

/// Replaces the schema of `property` in definition `def` by an enum of `words`.
fn restrict(schema: &mut Schema, def: &str, property: &str, words: &[String]) {
    let Some(target) = schema.pointer_mut(&format!("/$defs/{def}/properties/{property}")) else {
        return;
    };
    let description = target.get("description").cloned();
    let nullable = target
        .get("type")
        .and_then(Value::as_array)
        .is_some_and(|t| t.contains(&json!("null")))
        || target.get("anyOf").is_some();
    let mut replacement = json!({ "type": "string", "enum": words });
    if nullable {
        replacement = json!({ "anyOf": [replacement, { "type": "null" }] });
    }
    if let Some(d) = description {
        replacement["description"] = d;
    }
    *target = replacement;
}

/// The plan schema of one vocabulary: its words as enums.
fn plan_schema_for(id: &str, words: &[Vec<String>; 3], symbols: &[String]) -> Schema {
    let mut schema = schema_value::<PlanToml>(&format!("permitroom floor plan (vocabulary `{id}`)"));
    restrict(&mut schema, "RoomToml", "kind", &words[0]);
    restrict(&mut schema, "RoomToml", "zone", &words[1]);
    restrict(&mut schema, "FlowToml", "kind", &words[2]);
    restrict(&mut schema, "EquipmentToml", "symbol", symbols);
    schema
}

/// Every schema, as `(file name, JSON text)`: one per file kind, then one plan schema per
/// vocabulary (`plan.<vocabulary>.schema.json`), then the open data's (`api-v1-<kind>.schema.json`).
pub fn schemas(words: &SiteWords) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = KINDS
        .iter()
        .map(|&(name, _, title)| {
            let value = match name {
                "site.schema.json" => schema_value::<SiteToml>(title),
                "materials.schema.json" => schema_value::<MaterialsToml>(title),
                "guide.schema.json" => {
                    let mut v = schema_value::<GuideToml>(title);
                    if !words.vocabularies.is_empty() {
                        let ids: Vec<String> = words.vocabularies.keys().cloned().collect();
                        if let Some(target) = v.pointer_mut("/properties/vocabulary") {
                            *target = json!({
                                "description": target["description"],
                                "anyOf": [{ "type": "string", "enum": ids }, { "type": "null" }],
                            });
                        }
                    }
                    v
                }
                "plan.schema.json" => schema_value::<PlanToml>(title),
                "form.schema.json" => schema_value::<FormToml>(title),
                "bundle.schema.json" => schema_value::<BundleToml>(title),
                "finder.schema.json" => schema_value::<FinderToml>(title),
                "symbols.schema.json" => schema_value::<SymbolsToml>(title),
                _ => schema_value::<VocabularyToml>(title),
            };
            (name.to_owned(), text(&value))
        })
        .collect();
    for (id, terms) in &words.vocabularies {
        out.push((
            format!("plan.{id}.schema.json"),
            text(&plan_schema_for(id, terms, &words.symbols)),
        ));
    }
    out
}

/// The `.taplo.toml` that maps each kind of file to its schema; a guide's plans to the plan
/// schema of the guide's vocabulary (taplo uses the first rule that matches).
pub(crate) fn taplo_config(schema_dir: &str, words: &SiteWords) -> String {
    let mut out = String::from(
        "# Editor completion for permitroom sources (Even Better TOML / taplo).\n# Generated by `permitroom schema`.\n",
    );
    for (guide, vocabulary) in &words.guides {
        if words.vocabularies.contains_key(vocabulary) {
            out.push_str(&format!(
                "\n[[rule]]\ninclude = [\"guides/{guide}/plans/*.toml\"]\n[rule.schema]\npath = \"./{schema_dir}/plan.{vocabulary}.schema.json\"\n"
            ));
        }
    }
    for (name, glob, _) in KINDS {
        out.push_str(&format!(
            "\n[[rule]]\ninclude = [\"{glob}\"]\n[rule.schema]\npath = \"./{schema_dir}/{name}\"\n"
        ));
    }
    out
}
