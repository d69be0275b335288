//! Part of the resolve stage: a material's filled-in samples (staff images checked and sized,
//! forms laid out from data), their callouts placed, and the blank forms to publish.

use toml::Spanned;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::form_layout as samples;
use crate::model::*;
use crate::source::format::{MaterialToml, SampleToml};
use crate::source::labels::Labels;
use crate::source::load::SourceTree;
use crate::source::parse::{ParsedSite, resolve_path};
use crate::source::svg::{self as staff_svg, ImageKind};

/// A material's samples, the blank form's file name, the forms laid out empty, and the files
/// to publish.
type MaterialSamples = (Vec<Sample>, Option<String>, Vec<BlankForm>, Vec<Asset>);

/// `file:line:col` of a byte offset, for naming a place in another diagnostic.
fn place(tree: &SourceTree, file: &str, offset: usize) -> String {
    match tree.text(file) {
        Some(text) => {
            let (line, col) = crate::diagnostics::line_col(text, offset);
            format!("{file}:{line}:{col}")
        }
        None => file.to_owned(),
    }
}

/// What a material's samples are resolved with: the sources, the materials file, the edition's
/// words and where problems go.
struct SampleContext<'a> {
    tree: &'a SourceTree,
    parsed: &'a ParsedSite,
    /// The materials file the material is described in.
    file: &'a str,
    labels: &'a Labels,
    diagnostics: &'a mut Diagnostics,
}

/// What a sample shows: the file published beside the material's page, its size in callout
/// units (pixels of an image, millimetres of a drawn form), its kind and its alt text.
struct Picture {
    name: String,
    content: AssetContent,
    width: f64,
    height: f64,
    /// "image" or "form".
    kind: &'static str,
    alt: String,
}

/// The samples and blank form of one material: the views, the blank's file name, the forms
/// laid out empty, and the files to publish beside the material's page.
pub fn resolve_samples(
    tree: &SourceTree,
    parsed: &ParsedSite,
    file: &str,
    material: &MaterialToml,
    labels: &Labels,
    diagnostics: &mut Diagnostics,
) -> MaterialSamples {
    let mut ctx = SampleContext {
        tree,
        parsed,
        file,
        labels,
        diagnostics,
    };
    let mut views = Vec::new();
    let mut files = Vec::new();
    let mut blank_forms = Vec::new();
    for (i, sample) in material.samples.iter().enumerate() {
        let number = i + 1;
        let picture = match (&sample.image, &sample.form) {
            (Some(image), None) => image_picture(&mut ctx, sample, image, number),
            (None, Some(form)) => form_picture(&mut ctx, sample, form, number).map(|(picture, blank, empty)| {
                files.push(empty);
                blank_forms.push(blank);
                picture
            }),
            (Some(image), Some(_)) => {
                ctx.diagnostics.push(Diagnostic::error(
                    file,
                    Some(image.span()),
                    "a sample has `image` or `form`, not both",
                ));
                None
            }
            (None, None) => {
                ctx.diagnostics.push(
                    Diagnostic::error(
                        file,
                        Some(material.id.span()),
                        format!("a sample of `{}` has neither `image` nor `form`", material.id.get_ref()),
                    )
                    .with_hint("add `form = \"../forms/….toml\"` or `image = \"….png\"`"),
                );
                None
            }
        };
        let Some(picture) = picture else { continue };
        let callouts = callouts(&mut ctx, sample, &picture);
        if sample.callouts.is_empty() {
            ctx.diagnostics.push(
                Diagnostic::warning(
                    file,
                    Some(material.id.span()),
                    format!("sample {number} of `{}` has no callouts", material.id.get_ref()),
                )
                .with_hint("point out where applicants go wrong with [[material.samples.callouts]]"),
            );
        }
        let Picture {
            name,
            content,
            width,
            height,
            kind,
            alt,
        } = picture;
        // Display at most 720 px wide, keeping the aspect ratio.
        let scale = (720.0 / width).min(if kind == "form" { 720.0 / width } else { 1.0 });
        views.push(Sample {
            number,
            title: sample.title.clone(),
            file: name.clone(),
            kind,
            alt,
            width,
            height,
            width_px: (width * scale).round() as u32,
            height_px: (height * scale).round() as u32,
            callouts,
        });
        files.push(Asset { name, content });
    }
    let blank = material.blank.as_ref().and_then(|b| {
        let path = resolve_path(tree, file, b, ctx.diagnostics)?;
        let name = path.rsplit('/').next().unwrap_or("blank").to_owned();
        let bytes = tree.shared_bytes(&path)?;
        files.push(Asset {
            name: format!("blank-{name}"),
            content: AssetContent::Source(bytes),
        });
        Some(format!("blank-{name}"))
    });
    (views, blank, blank_forms, files)
}

/// A sample the staff provide as an image: a PNG, JPEG or SVG (checked like every staff SVG)
/// of a size that can be read, with its alt text.
fn image_picture(
    ctx: &mut SampleContext,
    sample: &SampleToml,
    image: &Spanned<String>,
    number: usize,
) -> Option<Picture> {
    let (tree, file) = (ctx.tree, ctx.file);
    let path = resolve_path(tree, file, image, ctx.diagnostics)?;
    let Some(kind) = ImageKind::from_path(&path) else {
        ctx.diagnostics.push(
            Diagnostic::error(file, Some(image.span()), "a sample image is a PNG, JPEG or SVG file")
                .with_hint("convert scans to PNG or JPEG"),
        );
        return None;
    };
    let bytes = tree.bytes(&path)?;
    let size = match kind {
        ImageKind::Svg => {
            let text = String::from_utf8_lossy(bytes);
            let problems = staff_svg::svg_diagnostics(&path, &text);
            if !problems.is_empty() {
                // Each problem is located in the SVG; each also names the line that uses the
                // file as a sample.
                let used_at = place(tree, file, image.span().start);
                for d in problems {
                    ctx.diagnostics
                        .push(d.with_hint(format!("used as a sample image at {used_at}")));
                }
                return None;
            }
            staff_svg::svg_size(&text)
        }
        _ => imagesize::blob_size(bytes)
            .ok()
            .map(|s| (s.width as f64, s.height as f64)),
    };
    let Some((w, h)) = size.filter(|(w, h)| *w > 0.0 && *h > 0.0) else {
        ctx.diagnostics.push(
            Diagnostic::error(
                file,
                Some(image.span()),
                format!("cannot read the size of the image `{path}`: it is not a complete {} file", kind.name()),
            )
            .with_label("this image")
            .with_hint("open the image to see that it is whole and of the kind its name says; save it again as PNG, JPEG or SVG"),
        );
        return None;
    };
    let Some(alt) = sample.alt.clone() else {
        ctx.diagnostics.push(
            Diagnostic::error(
                file,
                Some(image.span()),
                "a sample image needs `alt`: what it shows, for readers who cannot see it",
            )
            .with_hint("e.g. alt = \"填写完整的申请书第一页，已加盖公章\""),
        );
        return None;
    };
    Some(Picture {
        name: format!("sample-{number}.{}", kind.extension()),
        content: AssetContent::Source(tree.shared_bytes(&path).unwrap_or_else(|| bytes.into())),
        width: w,
        height: h,
        kind: "image",
        alt,
    })
}

/// A sample drawn from a form described as data: the form laid out filled in (it must end
/// above the signatures), and the same form empty, as a blank form and its file.
fn form_picture(
    ctx: &mut SampleContext,
    sample: &SampleToml,
    form: &Spanned<String>,
    number: usize,
) -> Option<(Picture, BlankForm, Asset)> {
    let path = ctx.tree.resolve(ctx.file, form.get_ref()).ok()?;
    let parsed_form = ctx.parsed.forms.get(&path)?;
    let drawn = samples::lay_out(parsed_form);
    if drawn.content_bottom > samples::CONTENT_BOTTOM {
        ctx.diagnostics.push(
            Diagnostic::error(
                &path,
                Some(0..0),
                format!(
                    "the form does not fit on one page: its content ends at {:.0} mm, the signatures start at {:.0} mm",
                    drawn.content_bottom,
                    samples::CONTENT_BOTTOM
                ),
            )
            .with_hint("shorten tables or pair short fields (fields without `wide` share a row)"),
        );
        return None;
    }
    let labels = ctx.labels;
    let alt = sample
        .alt
        .clone()
        .unwrap_or_else(|| labels.fill("sample.alt", &[("title", &parsed_form.title)]));
    // The same form empty; its PDF is made with the other PDFs (render::blank).
    let blank = BlankForm {
        sample: number,
        title: parsed_form.title.clone(),
        svg: format!("blank-form-{number}.svg"),
        pdf: format!("blank-form-{number}.pdf"),
    };
    let empty = Asset {
        name: blank.svg.clone(),
        content: AssetContent::Form(std::sync::Arc::new(samples::lay_out_blank(
            parsed_form,
            samples::BlankWords::of(labels),
        ))),
    };
    let picture = Picture {
        name: format!("sample-{number}.svg"),
        content: AssetContent::Form(std::sync::Arc::new(drawn)),
        width: samples::PAGE_W,
        height: samples::PAGE_H,
        kind: "form",
        alt,
    };
    Some((picture, blank, empty))
}

/// The sample's callouts, numbered, each on the page; on a drawn form a marker goes beside the
/// value its callout points at, not over it.
fn callouts(ctx: &mut SampleContext, sample: &SampleToml, picture: &Picture) -> Vec<Callout> {
    let Picture {
        width, height, kind, ..
    } = *picture;
    let layout = match &picture.content {
        AssetContent::Form(page) => Some(&page.layout),
        AssetContent::Source(_) => None,
    };
    let mut placed = Vec::new();
    let mut callouts = Vec::new();
    for (j, callout) in sample.callouts.iter().enumerate() {
        let [x, y] = *callout.at.get_ref();
        if !(0.0..=width).contains(&x) || !(0.0..=height).contains(&y) {
            let unit = if kind == "form" { "mm" } else { "px" };
            ctx.diagnostics.push(
                Diagnostic::error(
                    ctx.file,
                    Some(callout.at.span()),
                    format!("this callout is off the page ({} × {} {unit})", width, height),
                )
                .with_label("outside the sample")
                .with_hint(if kind == "form" {
                    "forms are A4 pages: x from 0 to 210, y from 0 to 297 millimetres, from the top left"
                } else {
                    "image callouts are in pixels of the image, from the top left"
                }),
            );
            continue;
        }
        let [x, y] = layout.as_ref().map_or([x, y], |l| l.marker_beside([x, y], &placed));
        placed.push([x, y]);
        callouts.push(Callout {
            number: j + 1,
            text: callout.text.clone(),
            mistake: callout.mistake,
            left: format!("{:.2}%", x / width * 100.0),
            top: format!("{:.2}%", y / height * 100.0),
            x_ratio: (x / width * 10_000.0).round() / 10_000.0,
            y_ratio: (y / height * 10_000.0).round() / 10_000.0,
        });
    }
    callouts
}
