//! `permitroom new <guide-id>`: the files of a new guide that builds cleanly, every
//! placeholder marked TODO (which `check` lists as warnings). Pure: returns the files; the
//! command line writes them.

use crate::source::format::Slug;

const GUIDE: &str = include_str!("scaffold/guide.toml");
const OVERVIEW: &str = include_str!("scaffold/overview.md");
const PLAN: &str = include_str!("scaffold/plan.toml");
const MATERIALS: &str = include_str!("scaffold/materials.toml");
const VOCABULARY: &str = include_str!("scaffold/vocabulary.toml");
const SITE: &str = include_str!("scaffold/site.toml");

/// The files of a new guide, as `(path relative to the site root, contents)`.
pub fn new_guide_files(id: &Slug) -> Vec<(String, String)> {
    let fill = |text: &str| text.replace("{{id}}", id.as_str());
    vec![
        (format!("guides/{id}/guide.toml"), fill(GUIDE)),
        (format!("guides/{id}/overview.md"), fill(OVERVIEW)),
        (format!("guides/{id}/plans/example.toml"), fill(PLAN)),
        (format!("materials/{id}.toml"), fill(MATERIALS)),
        (format!("vocabularies/{id}.toml"), fill(VOCABULARY)),
    ]
}

/// The files of a new site (`permitroom init`): its `site.toml`, a first guide, and a
/// `.gitignore` that keeps the built output out of version control.
pub fn new_site_files(first_guide: &Slug) -> Vec<(String, String)> {
    let mut files = vec![
        ("site.toml".to_string(), SITE.to_string()),
        (".gitignore".to_string(), "/output/\n".to_string()),
    ];
    files.extend(new_guide_files(first_guide));
    files
}
