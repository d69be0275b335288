//! The link check over a real build: every internal link and anchor that the templates and the
//! bundled guides write resolves, and what `check` assumes of the files it does not make (plan
//! images, PDFs) is what `build` makes.

use std::collections::BTreeSet;

use permitroom::render::Output;
use permitroom::render::links::LinkIndex;

use crate::common::*;

#[test]
fn every_internal_link_and_anchor_of_the_built_bundled_site_resolves() {
    // The whole build, PDFs included: every link, also to a handout, has its file.
    let mut index = LinkIndex::default();
    index.add(&Output {
        files: read_tree(bundled_site()),
    });
    let broken = index.check(&[]);
    let shown: Vec<String> = broken.iter().map(|d| format!("{}: {}", d.file, d.message)).collect();
    assert!(shown.is_empty(), "{shown:#?}");
    // The check saw the links: every page's own links, anchors on guide pages, links between
    // pages, and the handouts.
    let pages = index.pages();
    let internal: Vec<&String> = pages
        .values()
        .flat_map(|p| &p.links)
        .filter(|l| permitroom::source::markdown::url_scheme(l).is_none())
        .collect();
    assert!(internal.len() > 300, "only {} internal links seen", internal.len());
    let guide = &pages["guides/dental-outpatient/index.html"];
    for needed in ["#materials", "dental-outpatient-handout.pdf", "../../index.html"] {
        assert!(
            guide.links.iter().any(|l| l == needed),
            "{needed} not seen on the guide page"
        );
    }
    assert!(
        guide.ids.contains("materials") && guide.ids.contains("faq"),
        "{:?}",
        guide.ids
    );
}

#[test]
fn planned_files_are_the_images_and_pdfs_the_build_makes() {
    let out = temp_dir("links-planned").join("out");
    build(&fixtures().join("base"), &out);
    let made: BTreeSet<String> = read_tree(&out)
        .into_keys()
        // The drawings and PDFs, which the link check does not render (the open data JSON
        // under api/ is rendered with the pages).
        .filter(|p| !p.starts_with("api/") && (p.ends_with(".pdf") || p.contains("/plans/")))
        .collect();
    let checked = permitroom::check(&fixtures().join("base")).unwrap();
    let planned: BTreeSet<String> = permitroom::render::planned_files(checked.site.as_ref().unwrap())
        .into_iter()
        .collect();
    assert!(made.iter().any(|p| p.ends_with(".png")) && made.iter().any(|p| p.ends_with(".pdf")));
    assert_eq!(planned, made);

    // Every edition's, at the path it is served at: the English ones under en/.
    let made: BTreeSet<String> = read_tree(bundled_site())
        .into_keys()
        .filter(|p| !p.contains("api/") && (p.ends_with(".pdf") || p.contains("/plans/")))
        .collect();
    let planned: BTreeSet<String> = bundled_checked()
        .sites()
        .flat_map(permitroom::render::planned_files)
        .collect();
    assert!(
        made.iter().any(|p| p.starts_with("en/") && p.ends_with(".png")),
        "English drawings are built"
    );
    assert_eq!(planned, made);
}

#[test]
fn a_broken_link_fails_the_build_and_leaves_the_output_as_it_was() {
    let site = base_site("links-build");
    let out = site.join("out");
    build(&site, &out);
    let before = read_tree(&out);
    edit(
        &site,
        "guides/alpha/overview.md",
        "- 第二点",
        "- 第二点，见[乙](../beta/#materialz)",
    );
    let run = permitroom(&[
        "build",
        "--root",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("guides/alpha/overview.md:6:12: error: link `../beta/#materialz`: the page `guides/beta/index.html` has no anchor `#materialz`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `../beta/#materials`?"),
        "{}",
        run.stderr
    );
    assert_eq!(read_tree(&out), before);
}
