//! Blank forms as PDF: every sample drawn from data has an empty twin (drawn by
//! [`crate::model::samples::blank_form_svg`] at resolve time, published as SVG beside the material's
//! page); here each becomes a one-page PDF beside it, through the same Typst engine as the
//! handouts (`templates/blank-form.typ`), so its text is real, extractable text.

use std::collections::BTreeMap;

use serde::Serialize;
use typst::foundations::Bytes;

use super::Output;
use super::pdf::{PdfEngine, PdfOptions, compile, document_date};
use crate::diagnostics::Diagnostics;
use crate::model::{Material, Site, SiteConfig};

/// What `blank-form.typ` reads from `/data.json`.
#[derive(Serialize)]
struct BlankData<'a> {
    site: &'a SiteConfig,
    /// The edition's words (`templates/labels/<lang>.toml`).
    t: &'a crate::source::labels::Labels,
    title: &'a str,
}

/// Where the PDFs of `material`'s blank forms are written (also what the link check expects).
pub(crate) fn blank_pdf_paths(material: &Material) -> impl Iterator<Item = String> + '_ {
    material
        .blank_forms
        .iter()
        .filter(|blank| crate::model::Asset::find(&material.assets, &blank.svg).is_some())
        .map(|blank| blank_pdf_path(material, blank))
}

fn blank_pdf_path(material: &Material, blank: &crate::model::BlankForm) -> String {
    format!("materials/{}/{}", material.id, blank.pdf)
}

/// The PDF of each blank form of `material`.
pub(crate) fn material_blank_pdfs(
    site: &Site,
    material: &Material,
    engine: &PdfEngine,
    options: &PdfOptions,
) -> Result<Output, Diagnostics> {
    let fail = |problems: Vec<super::pdf::TypstProblem>| {
        super::pdf::typst_diagnostics(problems, &material.file, "the blank form PDF")
    };
    // A material is as new as the newest guide that asks for it.
    let updated = site
        .guides
        .iter()
        .filter(|g| material.used_by.iter().any(|u| u.guide == g.id))
        .map(|g| g.updated.as_str())
        .max()
        .unwrap_or("1970-01-01");
    let date = document_date(updated, options.source_date_epoch);
    let mut out = Output::default();
    for blank in &material.blank_forms {
        let Some(svg) = crate::model::Asset::find(&material.assets, &blank.svg).map(super::asset_bytes) else {
            continue;
        };
        let data = BlankData {
            site: &site.config,
            t: &site.edition.labels,
            title: &blank.title,
        };
        let json = serde_json::to_vec(&data).map_err(|e| fail(vec![e.to_string().into()]))?;
        let mut files = BTreeMap::new();
        files.insert("/data.json".to_owned(), Bytes::new(json));
        files.insert("/img/form.svg".to_owned(), Bytes::new(svg.clone()));
        let ident = format!("blank-{}-{}", material.id, blank.sample);
        let pdf = compile(engine, "/blank-form.typ", files, &ident, date).map_err(fail)?;
        out.insert(blank_pdf_path(material, blank), pdf);
    }
    Ok(out)
}

/// The blank form PDFs of every material.
pub(crate) fn blank_pdfs(site: &Site, engine: &PdfEngine, options: &PdfOptions) -> Result<Output, Diagnostics> {
    super::merge(
        site.materials
            .iter()
            .filter(|m| !m.blank_forms.is_empty())
            .map(|m| material_blank_pdfs(site, m, engine, options)),
    )
}
