//! Stage 2, parse: TOML text into the typed source format of [`crate::source::format`], one file at a
//! time. A file that does not parse is reported (with line and column, and the nearest valid
//! name for a misspelt field) and left out; the other files go on to be checked, so an author
//! sees every broken file at once.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, Diagnostics, nearest};
use crate::source::edition::{self, Found, Reading};
use crate::source::format::{BundleToml, FormToml, GuideToml, MaterialsToml, PlanRef, SiteToml, Slug};
use crate::source::load::{SITE_CONFIG, SourceTree};
use crate::source::plan_format::{PlanToml, SymbolsToml, VocabularyToml};

/// Everything that parsed, with the file each part came from.
#[derive(Debug, Clone, Default)]
pub struct ParsedSite {
    pub config: Option<SiteToml>,
    /// `(file, materials of that file)`, in file order.
    pub materials: Vec<(String, MaterialsToml)>,
    pub symbols: Vec<(String, SymbolsToml)>,
    /// `vocabularies/<id>.toml`, by id.
    pub vocabularies: Vec<(Slug, String, VocabularyToml)>,
    pub guides: Vec<ParsedGuide>,
    /// False when some guide could not be parsed (so "unused" checks would mislead).
    pub all_guides_parsed: bool,
    /// Forms described as data, by site path.
    pub forms: BTreeMap<String, FormToml>,
    /// `(id, file, bundle)`, in file order.
    pub bundles: Vec<(Slug, String, BundleToml)>,
    pub finder: Option<crate::source::format::FinderToml>,
    /// Markdown files named by a `guide.toml` that did not parse: still checked, so that one
    /// broken file does not hide the problems of another.
    pub unparsed_prose: Vec<String>,
    /// The guides read for a translated edition whose top level has a translation table, with
    /// the field paths of their text left untranslated (`check` sums them up per guide).
    pub untranslated: Vec<(String, Vec<String>)>,
    /// Material ids written in a materials file that did not parse: a guide naming one is not
    /// told the material does not exist (the file's own error says what is wrong).
    pub unparsed_material_ids: std::collections::BTreeSet<String>,
}

#[derive(Debug, Clone)]
pub struct ParsedGuide {
    pub id: Slug,
    /// `guides/<id>`
    pub dir: String,
    /// `guides/<id>/guide.toml`
    pub file: String,
    pub toml: GuideToml,
    /// The plans named by `[[floor_plans]]` that parsed, in order.
    pub plans: Vec<ParsedPlan>,
}

#[derive(Debug, Clone)]
pub struct ParsedPlan {
    pub file: String,
    pub reference: PlanRef,
    pub toml: PlanToml,
}

/// Parses one TOML file into `T`, reporting a syntax or schema error at its place.
///
/// Every syntax error of the file is reported (a duplicate key or table with both of its
/// places). Schema errors name the field path (`materials[2].copies`); after one, the
/// offending entry is set aside and the file is checked again, so that the independent
/// mistakes of one file are reported together (at most [`MAX_ERRORS_PER_FILE`]).
pub fn parse_toml<T: DeserializeOwned>(
    tree: &SourceTree,
    file: &str,
    reading: Reading<'_>,
    diagnostics: &mut Diagnostics,
) -> Option<T> {
    parse_toml_found(tree, file, reading, diagnostics).0
}

/// [`parse_toml`], with what reading the file for its edition found (its text left without a
/// translation).
pub(crate) fn parse_toml_found<T: DeserializeOwned>(
    tree: &SourceTree,
    file: &str,
    reading: Reading<'_>,
    diagnostics: &mut Diagnostics,
) -> (Option<T>, Found) {
    let Some(text) = tree.text(file) else {
        return (None, Found::default());
    };
    let (mut root, syntax) = toml::de::DeTable::parse_recoverable(text);
    if !syntax.is_empty() {
        let mut places = None;
        // Tables defined twice: the keys of the second are not reported again one by one.
        let mut twice: Vec<Vec<crate::source::toml_places::Segment>> = Vec::new();
        for error in syntax.iter().take(MAX_ERRORS_PER_FILE) {
            let mut diagnostic = toml_error(file, error);
            if error.message().starts_with("duplicate key")
                && let Some(span) = error.span()
            {
                let places = places.get_or_insert_with(|| crate::source::toml_places::definitions(text));
                if let Some((_, second)) = crate::source::toml_places::first_definition(places, span.start) {
                    if twice.iter().any(|table| second.path.starts_with(table)) {
                        continue;
                    }
                    if second.header {
                        twice.push(second.path.clone());
                    }
                }
                diagnostic = duplicate_key(file, span, places, diagnostic);
            }
            diagnostics.push(diagnostic);
        }
        return (None, Found::default());
    }
    // The edition's text in place of the original's (`source::edition`).
    let translated = |written: &str| translated_file(tree, file, reading, written);
    let found = edition::apply(root.get_mut(), reading, file, &translated, diagnostics);
    // The usual case, a file without mistakes, parses once and copies nothing.
    let first = match T::deserialize(toml::de::Deserializer::from(root)) {
        Ok(value) => return (Some(value), found),
        Err(error) => error,
    };
    let (mut root, _) = toml::de::DeTable::parse_recoverable(text);
    edition::apply(root.get_mut(), reading, file, &translated, &mut Diagnostics::default());
    let mut next = Some(first);
    // (table path, key) of the entries set aside: a "missing field" in a table something was
    // taken from is most likely that entry (misspelt or of the wrong type), not a second mistake.
    let mut removed: Vec<(String, String)> = Vec::new();
    let mut reported = 0;
    loop {
        let outcome = match next.take() {
            Some(error) => Err(error),
            None => T::deserialize(toml::de::Deserializer::from(root.clone())),
        };
        match outcome {
            Ok(value) => return ((reported == 0).then_some(value), found),
            Err(error) => {
                let path = error
                    .span()
                    .map(|span| crate::source::toml_places::path_at(root.get_ref(), &span))
                    .unwrap_or_default();
                if error.message().starts_with("missing field")
                    && removed
                        .iter()
                        .any(|(table, _)| *table == crate::source::toml_places::display(&path))
                {
                    return (None, found);
                }
                diagnostics.push(with_path(toml_error(file, &error), error.message(), &path));
                reported += 1;
                if reported >= MAX_ERRORS_PER_FILE {
                    return (None, found);
                }
                match crate::source::toml_places::remove(root.get_mut(), &path) {
                    Some((table, key)) => removed.push((table, key)),
                    None => return (None, found),
                }
            }
        }
    }
}

/// The translation of the Markdown file `written` in `file` for the edition of `reading`, as
/// written (`steps/a.md` → `steps/a.en.md`), when the site has it.
fn translated_file(tree: &SourceTree, file: &str, reading: Reading<'_>, written: &str) -> Option<String> {
    let twin = edition::translated_path(written, reading.lang?)?;
    let path = tree.resolve(file, &twin).ok()?;
    tree.text(&path).map(|_| twin)
}

/// A file with more mistakes than this reports the first ones only.
pub(crate) const MAX_ERRORS_PER_FILE: usize = 20;

/// Puts the field path of a schema error into its message.
fn with_path(mut diagnostic: Diagnostic, message: &str, path: &[crate::source::toml_places::Segment]) -> Diagnostic {
    use crate::source::toml_places::{Segment, display};
    if path.is_empty() {
        return diagnostic;
    }
    let full = display(path);
    if message.starts_with("unknown field `") {
        // The path ends with the unknown key itself.
        let table = display(&path[..path.len() - 1]);
        if !table.is_empty() {
            diagnostic.message = format!("{} in `{table}`", diagnostic.message);
        }
    } else if message.starts_with("missing field") {
        diagnostic.message = format!("{} in `{full}`", diagnostic.message);
    } else if matches!(path.last(), Some(Segment::Key(_) | Segment::Index(_))) {
        diagnostic.message = format!("`{full}`: {}", diagnostic.message);
    }
    diagnostic
}

/// Adds the first definition to a "duplicate key" error at `span`.
fn duplicate_key(
    file: &str,
    span: std::ops::Range<usize>,
    places: &[crate::source::toml_places::Definition],
    mut diagnostic: Diagnostic,
) -> Diagnostic {
    let Some((first, second)) = crate::source::toml_places::first_definition(places, span.start) else {
        return diagnostic;
    };
    let name = crate::source::toml_places::display(&second.path);
    diagnostic.message = if second.header {
        format!("table `[{name}]` is defined twice")
    } else {
        format!("duplicate key `{name}`")
    };
    diagnostic.label = Some("defined again here".into());
    diagnostic
        .with_note(file, Some(first.key_span.clone()), "first defined here")
        .with_hint("a key or table is written once per table; merge the two or remove one")
}

/// Turns a TOML/serde error into a diagnostic with a helpful hint.
pub(crate) fn toml_error(file: &str, error: &toml::de::Error) -> Diagnostic {
    let message = error.message().trim().to_owned();
    let mut diagnostic = Diagnostic::error(file, error.span(), first_line(&message));
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (name, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let valid: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        diagnostic.message = format!("unknown field `{name}`");
        diagnostic.label = Some("not a field here".into());
        // A translation table is taken out before this for every edition site.toml declares.
        let edition = crate::source::labels::EMBEDDED.iter().any(|(lang, _)| *lang == name);
        diagnostic = match nearest(name, valid.iter().copied()) {
            _ if edition => diagnostic.with_hint(format!(
                "`{name}` tables translate for the `{name}` edition, which site.toml does not declare: add `[[editions]]` with `lang = \"{name}\"` and its `name` to site.toml (docs/en/reference.md#editions), or remove the table"
            )),
            Some(best) => diagnostic.with_hint(format!("did you mean `{best}`?")),
            None => diagnostic.with_hint(format!("valid fields here: {}", valid.join(", "))),
        };
    } else if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (name, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let valid: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        diagnostic.message = format!("unknown value `{name}`");
        diagnostic = match nearest(name, valid.iter().copied()) {
            Some(best) => diagnostic.with_hint(format!("did you mean `{best}`? valid values: {}", valid.join(", "))),
            None => diagnostic.with_hint(format!("valid values: {}", valid.join(", "))),
        };
    } else if message.starts_with("missing field") {
        diagnostic.label = Some("in this table".into());
        diagnostic = diagnostic.with_hint("see docs/en/reference.md for the fields each table needs");
    } else if message.starts_with("invalid type") {
        diagnostic.label = Some("wrong type".into());
    }
    diagnostic
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or(message).to_owned()
}

/// Parses the whole tree for its primary edition.
pub fn parse_site(tree: &SourceTree) -> (ParsedSite, Diagnostics) {
    let translations = edition_langs(tree);
    parse_site_for(
        tree,
        Reading {
            lang: None,
            translations: &translations,
        },
    )
}

/// The languages of the editions `site.toml` lists besides the primary one, as far as it can
/// be read (its own errors are reported when it is parsed).
pub(crate) fn edition_langs(tree: &SourceTree) -> Vec<String> {
    tree.text(SITE_CONFIG)
        .map(crate::source::load::edition_langs)
        .unwrap_or_default()
}

/// Parses the whole tree for one edition (`reading`).
pub(crate) fn parse_site_for(tree: &SourceTree, reading: Reading<'_>) -> (ParsedSite, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    // Forms are the Chinese documents an applicant hands in: every edition shows them as written.
    let forms = Reading { lang: None, ..reading };
    let mut site = ParsedSite {
        config: parse_toml(tree, SITE_CONFIG, reading, &mut diagnostics),
        all_guides_parsed: true,
        ..Default::default()
    };

    for file in tree.files_under("materials").filter(|f| f.ends_with(".toml")) {
        match parse_toml(tree, file, reading, &mut diagnostics) {
            Some(materials) => site.materials.push((file.to_owned(), materials)),
            None => {
                let text = tree.text(file).unwrap_or_default();
                let (root, _) = toml::de::DeTable::parse_recoverable(text);
                site.unparsed_material_ids.extend(
                    crate::source::toml_places::strings_at(root.get_ref(), &["material", "*", "id"])
                        .into_iter()
                        .map(toml::Spanned::into_inner),
                );
                // Its forms are still checked.
                for form in
                    crate::source::toml_places::strings_at(root.get_ref(), &["material", "*", "samples", "*", "form"])
                {
                    if let Some(path) = resolve_path(tree, file, &form, &mut diagnostics)
                        && path.ends_with(".toml")
                    {
                        let _ = parse_toml::<FormToml>(tree, &path, forms, &mut diagnostics);
                    }
                }
            }
        }
    }
    for (file, materials) in &site.materials {
        for sample in materials.material.iter().flat_map(|m| &m.samples) {
            let Some(form) = &sample.form else { continue };
            let Some(path) = resolve_path(tree, file, form, &mut diagnostics) else {
                continue;
            };
            if site.forms.contains_key(&path) {
                continue;
            }
            if !path.ends_with(".toml") {
                diagnostics.push(Diagnostic::error(
                    file,
                    Some(form.span()),
                    "a form is a .toml file (see docs/en/reference.md)",
                ));
                continue;
            }
            if let Some(parsed) = parse_toml::<FormToml>(tree, &path, forms, &mut diagnostics) {
                site.forms.insert(path, parsed);
            }
        }
    }
    site.finder = parse_toml(tree, crate::source::load::FINDER, reading, &mut diagnostics);
    for file in tree.files_under("bundles").filter(|f| f.ends_with(".toml")) {
        let stem = file.trim_start_matches("bundles/").trim_end_matches(".toml");
        match Slug::parse(stem) {
            Ok(id) => {
                if let Some(bundle) = parse_toml::<BundleToml>(tree, file, reading, &mut diagnostics) {
                    site.bundles.push((id, file.to_owned(), bundle));
                }
            }
            Err(message) => diagnostics.push(Diagnostic::error(
                file,
                None,
                format!("the bundle's file name is its id: {message}"),
            )),
        }
    }
    for file in tree.files_under("symbols").filter(|f| f.ends_with(".toml")) {
        if let Some(symbols) = parse_toml(tree, file, reading, &mut diagnostics) {
            site.symbols.push((file.to_owned(), symbols));
        }
    }
    for file in tree.files_under("vocabularies").filter(|f| f.ends_with(".toml")) {
        let stem = file.trim_start_matches("vocabularies/").trim_end_matches(".toml");
        match Slug::parse(stem) {
            Ok(id) => {
                if let Some(vocabulary) = parse_toml(tree, file, reading, &mut diagnostics) {
                    site.vocabularies.push((id, file.to_owned(), vocabulary));
                }
            }
            Err(message) => diagnostics.push(Diagnostic::error(
                file,
                None,
                format!("the vocabulary's file name is its id: {message}"),
            )),
        }
    }

    let mut guide_dirs: Vec<&str> = tree
        .files_under("guides")
        .filter_map(|f| {
            let rest = f.strip_prefix("guides/")?;
            let (dir, _) = rest.split_once('/')?;
            Some(&f[..("guides/".len() + dir.len())])
        })
        .collect();
    guide_dirs.dedup();
    // Guides and bundles share one set of ids (the finder names both).
    for (id, bundle_file, _) in &site.bundles {
        let dir = format!("guides/{id}");
        if guide_dirs.contains(&dir.as_str()) {
            diagnostics.push(
                Diagnostic::error(bundle_file, None, format!("the bundle `{id}` has the id of a guide"))
                    .with_note(format!("{dir}/guide.toml"), None, "the guide with that id")
                    .with_hint(
                        "guides and bundles share one set of ids (the finder names both): rename the bundle's file",
                    ),
            );
        }
    }
    for dir in guide_dirs {
        let file = format!("{dir}/guide.toml");
        let name = &dir["guides/".len()..];
        if tree.text(&file).is_none() {
            diagnostics.push(
                Diagnostic::error(dir, None, "a guide folder needs a guide.toml")
                    .with_hint(format!("create {file}, or run `permitroom new {name}`")),
            );
            continue;
        }
        let id = match Slug::parse(name) {
            Ok(id) => id,
            Err(message) => {
                diagnostics.push(Diagnostic::error(
                    &file,
                    None,
                    format!("the guide folder name is the guide's id: {message}"),
                ));
                continue;
            }
        };
        let (toml, found) = parse_toml_found::<GuideToml>(tree, &file, reading, &mut diagnostics);
        if reading.lang.is_some() && found.top_level_translated && !found.untranslated.is_empty() {
            site.untranslated.push((file.clone(), found.untranslated));
        }
        let Some(toml) = toml else {
            site.all_guides_parsed = false;
            check_files_of_unparsed_guide(tree, &file, &mut site, reading, &mut diagnostics);
            continue;
        };
        let mut plans = Vec::new();
        for reference in &toml.floor_plans {
            let Some(plan_file) = resolve_path(tree, &file, &reference.file, &mut diagnostics) else {
                continue;
            };
            if !plan_file.ends_with(".toml") {
                diagnostics.push(Diagnostic::error(
                    &file,
                    Some(reference.file.span()),
                    "a floor plan is a .toml file",
                ));
                continue;
            }
            if let Some(plan) = parse_toml::<PlanToml>(tree, &plan_file, reading, &mut diagnostics) {
                plans.push(ParsedPlan {
                    file: plan_file,
                    reference: reference.clone(),
                    toml: plan,
                });
            }
        }
        site.guides.push(ParsedGuide {
            id,
            dir: dir.to_owned(),
            file,
            toml,
            plans,
        });
    }
    (site, diagnostics)
}

/// The plans and Markdown files a `guide.toml` that did not parse names, as far as it can be
/// read: plans are parsed (and their errors reported), Markdown files kept to be checked.
fn check_files_of_unparsed_guide(
    tree: &SourceTree,
    file: &str,
    site: &mut ParsedSite,
    reading: Reading<'_>,
    diagnostics: &mut Diagnostics,
) {
    use crate::source::toml_places::strings_at;
    let text = tree.text(file).unwrap_or_default();
    let (root, _) = toml::de::DeTable::parse_recoverable(text);
    let root = root.get_ref();
    for written in strings_at(root, &["floor_plans", "*", "file"]) {
        if let Some(plan_file) = resolve_path(tree, file, &written, diagnostics)
            && plan_file.ends_with(".toml")
        {
            let _ = parse_toml::<PlanToml>(tree, &plan_file, reading, diagnostics);
        }
    }
    let prose = strings_at(root, &["overview"])
        .into_iter()
        .chain(strings_at(root, &["stages", "*", "steps", "*", "file"]))
        .chain(strings_at(root, &["stages", "*", "steps", "*", "video", "transcript"]));
    for written in prose {
        if let Some(path) = resolve_path(tree, file, &written, diagnostics)
            && path.ends_with(".md")
            && !site.unparsed_prose.contains(&path)
        {
            site.unparsed_prose.push(path);
        }
    }
}

/// Resolves a path written in `from` (at the span of `written`), reporting why it cannot be
/// used.
pub(crate) fn resolve_path(
    tree: &SourceTree,
    from: &str,
    written: &toml::Spanned<String>,
    diagnostics: &mut Diagnostics,
) -> Option<String> {
    match tree.resolve(from, written.get_ref()) {
        Ok(path) => Some(path),
        Err(error) => {
            diagnostics.push(Diagnostic::error(from, Some(written.span()), error.to_string()).with_hint(error.hint()));
            None
        }
    }
}
