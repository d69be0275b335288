//! PDF handouts with Typst used as a library. The guide's data goes in as a virtual
//! `/data.json` that the (embedded, overridable) Typst templates read with `json()`; author
//! text is never spliced into Typst markup, so nothing an author writes can run as layout
//! code. Images (floor plans, the QR code) are virtual SVG files at fixed paths, so file ids,
//! which Typst interns for the life of the process, are reused from document to document.

use std::collections::BTreeMap;

use serde::Serialize;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use super::Output;
use super::png::{FONT_BOLD, FONT_REGULAR};
use crate::diagnostics::{Diagnostic, Diagnostics, line_col};
use crate::model::{Bundle, Guide, Sample, Site, SiteConfig};
use crate::source::load::SourceTree;

/// The embedded Typst templates, overridable by `templates/<name>` in a site.
pub const EMBEDDED: &[(&str, &str)] = &[
    ("handout.typ", include_str!("../../templates/handout.typ")),
    ("short.typ", include_str!("../../templates/short.typ")),
    ("common.typ", include_str!("../../templates/common.typ")),
    ("bundle.typ", include_str!("../../templates/bundle.typ")),
    ("bundle-short.typ", include_str!("../../templates/bundle-short.typ")),
    ("blank-form.typ", include_str!("../../templates/blank-form.typ")),
];

fn file_id(path: &str) -> FileId {
    // Fixed, valid paths only: a failure here is a bug in this file, not user input.
    let vpath = VirtualPath::new(path).unwrap_or_else(|_| panic!("invalid built-in virtual path {path}"));
    FileId::new(RootedPath::new(VirtualRoot::Project, vpath))
}

/// Typst's standard library, the fonts and the templates: set up once per build.
pub(crate) struct PdfEngine {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    templates: BTreeMap<String, String>,
    /// The templates the site wrote itself (`/handout.typ`), whose errors are placed in them.
    overridden: std::collections::BTreeSet<String>,
}

/// The bundled fonts, parsed.
pub(crate) fn bundled_fonts() -> Vec<Font> {
    [FONT_REGULAR, FONT_BOLD]
        .into_iter()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect()
}

/// True when one of `fonts` can draw `c`. A linear scan of each font's coverage: for many
/// look-ups build a [`Coverage`] once.
pub fn covers(fonts: &[Font], c: char) -> bool {
    fonts.iter().any(|f| f.info().coverage.contains(c as u32))
}

/// The characters some font of a set can draw, as a bitset over all of Unicode (136 KiB),
/// built once so that each look-up is one bit test.
pub(crate) struct Coverage {
    bits: Vec<u64>,
}

impl Coverage {
    pub(crate) fn of(fonts: &[Font]) -> Coverage {
        let mut bits = vec![0u64; (char::MAX as usize + 1).div_ceil(64)];
        for font in fonts {
            for c in font.info().coverage.iter() {
                if let Some(word) = bits.get_mut(c as usize / 64) {
                    *word |= 1 << (c % 64);
                }
            }
        }
        Coverage { bits }
    }

    pub(crate) fn covers(&self, c: char) -> bool {
        let c = c as usize;
        self.bits[c / 64] & (1 << (c % 64)) != 0
    }
}

impl PdfEngine {
    pub(crate) fn new(tree: &SourceTree) -> PdfEngine {
        let fonts = bundled_fonts();
        let mut overridden = std::collections::BTreeSet::new();
        let mut templates = BTreeMap::new();
        for (name, embedded) in EMBEDDED {
            let own = tree.text(&format!("templates/{name}"));
            if own.is_some() {
                overridden.insert(format!("/{name}"));
            }
            templates.insert(format!("/{name}"), own.unwrap_or(embedded).to_owned());
        }
        PdfEngine {
            library: LazyHash::new(Library::builder().build()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            templates,
            overridden,
        }
    }
}

/// The files of one document.
struct DocumentWorld<'a> {
    engine: &'a PdfEngine,
    main: FileId,
    files: BTreeMap<String, Bytes>,
}

impl DocumentWorld<'_> {
    fn path_of(id: FileId) -> String {
        id.vpath().get_with_slash().to_owned()
    }
}

impl World for DocumentWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.engine.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.engine.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        let path = Self::path_of(id);
        match self.engine.templates.get(&path) {
            Some(text) => Ok(Source::new(id, text.clone())),
            None => Err(FileError::NotFound(path.into())),
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        let path = Self::path_of(id);
        if let Some(bytes) = self.files.get(&path) {
            return Ok(bytes.clone());
        }
        match self.engine.templates.get(&path) {
            Some(text) => Ok(Bytes::from_string(text.clone())),
            None => Err(FileError::NotFound(path.into())),
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.engine.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        // No clock: documents carry the date of their data.
        None
    }
}

/// What a handout template reads from `/data.json`.
#[derive(Serialize)]
struct HandoutData<'a> {
    site: &'a SiteConfig,
    /// The edition's words (`templates/labels/<lang>.toml`).
    t: &'a crate::source::labels::Labels,
    guide: &'a Guide,
    page_url: String,
    qr: &'static str,
    plan_images: Vec<String>,
    samples: Vec<SampleData<'a>>,
    /// QR codes to the web page of each step that has a video, by step id.
    video_qrs: BTreeMap<String, String>,
}

/// A sample of one of the guide's materials, with the virtual path of its image.
#[derive(Serialize)]
struct SampleData<'a> {
    material: &'a str,
    sample: &'a Sample,
    image: String,
}

/// What the bundle template reads from `/data.json`.
#[derive(Serialize)]
struct BundleData<'a> {
    site: &'a SiteConfig,
    /// The edition's words (`templates/labels/<lang>.toml`).
    t: &'a crate::source::labels::Labels,
    bundle: &'a Bundle,
    page_url: String,
    qr: &'static str,
}

/// A QR code for `url` as SVG.
pub(crate) fn qr_svg(url: &str) -> Result<String, String> {
    let code =
        qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M).map_err(|e| e.to_string())?;
    Ok(code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build())
}

/// The web address of a guide's page.
pub(crate) fn guide_url(site: &Site, guide: &Guide) -> String {
    format!("{}guides/{}/", site.config.base_url, guide.id)
}

/// Compiles one document with Typst and exports it as PDF.
/// A problem Typst reported: placed in the site's own template when it comes from one.
#[derive(Debug, Clone)]
pub(crate) struct TypstProblem {
    /// `templates/handout.typ` and the byte range, for a template the site wrote.
    pub at: Option<(String, std::ops::Range<usize>)>,
    pub message: String,
}

impl From<String> for TypstProblem {
    fn from(message: String) -> Self {
        TypstProblem { at: None, message }
    }
}

/// Typst's problems with one document of `owner` (the source file it is made from) as
/// diagnostics: in the site's template at the place when the problem is there, else on
/// `owner`, saying `what` could not be made.
pub(super) fn typst_diagnostics(problems: Vec<TypstProblem>, owner: &str, what: &str) -> Diagnostics {
    problems
        .into_iter()
        .map(|p| match p.at {
            Some((file, range)) => Diagnostic::error(file, Some(range), format!("in the site's PDF template: {}", p.message))
                .with_hint(format!("met while making {what} of `{owner}`; compare the template with the built-in one of the same name (docs/en/reference.md#templates)")),
            None => Diagnostic::error(owner, None, format!("cannot make {what}: {}", p.message)),
        })
        .collect()
}

pub(super) fn compile(
    engine: &PdfEngine,
    main: &str,
    files: BTreeMap<String, Bytes>,
    ident: &str,
    date: (i32, u8, u8),
) -> Result<Vec<u8>, Vec<TypstProblem>> {
    let world = DocumentWorld {
        engine,
        main: file_id(main),
        files,
    };
    let warned = typst::compile::<PagedDocument>(&world);
    let document = warned
        .output
        .map_err(|errors| errors.iter().map(|e| describe(&world, e)).collect::<Vec<_>>())?;
    let timestamp = Datetime::from_ymd(date.0, date.1, date.2).map(typst_pdf::Timestamp::new_utc);
    let options = typst_pdf::PdfOptions {
        ident: Smart::Custom(ident.to_owned()),
        creator: Smart::Custom(Some("permitroom".into())),
        timestamp,
        ..typst_pdf::PdfOptions::default()
    };
    let pdf = typst_pdf::pdf(&document, &options)
        .map_err(|errors| errors.iter().map(|e| describe(&world, e)).collect::<Vec<_>>());
    // Keep memory flat over many documents: drop cached results not used recently.
    typst::comemo::evict(10);
    pdf
}

fn describe(world: &DocumentWorld<'_>, error: &SourceDiagnostic) -> TypstProblem {
    use typst::WorldExt;
    let hints: String = error.hints.iter().map(|h| format!(" (hint: {})", h.v)).collect();
    let message = format!("{}{hints}", error.message);
    let Some((path, range, text)) = error.span.id().and_then(|id| {
        let source = world.source(id).ok()?;
        let range = world.range(error.span)?;
        Some((DocumentWorld::path_of(id), range, source.text().to_owned()))
    }) else {
        return message.into();
    };
    if world.engine.overridden.contains(&path) {
        TypstProblem {
            at: Some((format!("templates{path}"), range)),
            message,
        }
    } else {
        // A built-in template: its place is in permitroom's source, not the site's.
        let (line, col) = line_col(&text, range.start);
        format!("templates{path}:{line}:{col}: {message}").into()
    }
}

/// The date of a document: `SOURCE_DATE_EPOCH` when set (reproducible builds), otherwise the
/// date the guide's data last changed.
pub(crate) fn document_date(updated: &str, source_date_epoch: Option<i64>) -> (i32, u8, u8) {
    if let Some(secs) = source_date_epoch {
        return civil_from_days(secs.div_euclid(86_400));
    }
    let mut it = updated.split('-').map(|p| p.parse::<i64>().unwrap_or(1));
    let (y, m, d) = (
        it.next().unwrap_or(1970),
        it.next().unwrap_or(1),
        it.next().unwrap_or(1),
    );
    (y as i32, m as u8, d as u8)
}

/// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i32, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    ((if m <= 2 { y + 1 } else { y }) as i32, m as u8, d as u8)
}

/// Options that change PDFs.
#[derive(Debug, Clone, Default)]
pub struct PdfOptions {
    pub source_date_epoch: Option<i64>,
}

/// The PDFs of the guides for which `wanted` is true, and every bundle's.
pub(crate) fn render_pdfs_except(
    site: &Site,
    engine: &PdfEngine,
    options: &PdfOptions,
    wanted: &dyn Fn(&str) -> bool,
) -> Result<Output, Diagnostics> {
    // Sequential on purpose: Typst parallelises layout itself, and one document at a time
    // keeps peak memory low.
    let guides = site
        .guides
        .iter()
        .filter(|g| wanted(&g.id))
        .map(|guide| guide_pdfs(site, guide, engine, options));
    let bundles = site
        .bundles
        .iter()
        .map(|bundle| bundle_pdf(site, bundle, engine, options));
    let blanks = std::iter::once_with(|| super::blank::blank_pdfs(site, engine, options));
    super::merge(guides.chain(bundles).chain(blanks))
}

/// The handout and the short version of one guide.
pub(crate) fn guide_pdfs(
    site: &Site,
    guide: &Guide,
    engine: &PdfEngine,
    options: &PdfOptions,
) -> Result<Output, Diagnostics> {
    let fail = |problems: Vec<TypstProblem>| typst_diagnostics(problems, &guide.file, "the PDF handout");
    let page_url = guide_url(site, guide);
    let qr = qr_svg(&page_url).map_err(|e| fail(vec![e.into()]))?;
    let mut files = BTreeMap::new();
    files.insert("/img/qr.svg".to_owned(), Bytes::from_string(qr));
    let mut plan_images = Vec::new();
    for (i, plan) in guide.plans.iter().enumerate() {
        let path = format!("/img/plan-{i}.svg");
        files.insert(path.clone(), Bytes::from_string(super::plan_drawing(site, plan).svg));
        plan_images.push(path);
    }
    let mut samples = Vec::new();
    for usage in guide.materials.iter().filter(|m| m.sample_count > 0) {
        let Some(material) = site.materials.iter().find(|m| m.id == usage.id) else {
            continue;
        };
        for sample in &material.samples {
            let Some(bytes) = crate::model::Asset::find(&material.assets, &sample.file).map(super::asset_bytes) else {
                continue;
            };
            let ext = sample.file.rsplit('.').next().unwrap_or("svg");
            let path = format!("/img/sample-{}.{ext}", samples.len());
            files.insert(path.clone(), Bytes::new(bytes.clone()));
            samples.push(SampleData {
                material: &material.name,
                sample,
                image: path,
            });
        }
    }
    let mut video_qrs = BTreeMap::new();
    for step in guide.stages.iter().flat_map(|s| &s.steps).filter(|s| s.video.is_some()) {
        let path = format!("/img/qr-video-{}.svg", video_qrs.len());
        let svg = qr_svg(&format!("{page_url}#step-{}", step.id)).map_err(|e| fail(vec![e.into()]))?;
        files.insert(path.clone(), Bytes::from_string(svg));
        video_qrs.insert(step.id.clone(), path);
    }
    let data = HandoutData {
        site: &site.config,
        t: &site.edition.labels,
        guide,
        page_url,
        qr: "/img/qr.svg",
        plan_images,
        samples,
        video_qrs,
    };
    let json = serde_json::to_vec(&data).map_err(|e| fail(vec![e.to_string().into()]))?;
    files.insert("/data.json".to_owned(), Bytes::new(json));
    let date = document_date(&guide.updated, options.source_date_epoch);
    let mut out = Output::default();
    for ((template, suffix), path) in GUIDE_PDFS.into_iter().zip(guide_pdf_paths(guide)) {
        let pdf = compile(engine, template, files.clone(), &format!("{}-{suffix}", guide.id), date).map_err(fail)?;
        out.insert(path, pdf);
    }
    Ok(out)
}

/// A guide's PDFs: (Typst template, name suffix).
const GUIDE_PDFS: [(&str, &str); 2] = [("/handout.typ", "handout"), ("/short.typ", "short")];
/// A bundle's PDFs: (Typst template, name suffix).
const BUNDLE_PDFS: [(&str, &str); 2] = [("/bundle.typ", ""), ("/bundle-short.typ", "-short")];

/// Where a guide's PDFs go in the output (also what the link check expects without making them).
pub(crate) fn guide_pdf_paths(guide: &Guide) -> Vec<String> {
    GUIDE_PDFS
        .iter()
        .map(|(_, suffix)| format!("guides/{}/{}-{suffix}.pdf", guide.id, guide.id))
        .collect()
}

/// Where a bundle's PDFs go in the output.
pub(crate) fn bundle_pdf_paths(bundle: &Bundle) -> Vec<String> {
    BUNDLE_PDFS
        .iter()
        .map(|(_, suffix)| format!("bundles/{}/{}{suffix}.pdf", bundle.id, bundle.id))
        .collect()
}

/// The PDFs of one bundle: its checklist and its one-page short version.
pub(crate) fn bundle_pdf(
    site: &Site,
    bundle: &Bundle,
    engine: &PdfEngine,
    options: &PdfOptions,
) -> Result<Output, Diagnostics> {
    let fail = |problems: Vec<TypstProblem>| typst_diagnostics(problems, &bundle.file, "the bundle PDF");
    let page_url = format!("{}bundles/{}/", site.config.base_url, bundle.id);
    let mut files = BTreeMap::new();
    files.insert(
        "/img/qr.svg".to_owned(),
        Bytes::from_string(qr_svg(&page_url).map_err(|e| fail(vec![e.into()]))?),
    );
    let data = BundleData {
        site: &site.config,
        t: &site.edition.labels,
        bundle,
        page_url,
        qr: "/img/qr.svg",
    };
    let json = serde_json::to_vec(&data).map_err(|e| fail(vec![e.to_string().into()]))?;
    files.insert("/data.json".to_owned(), Bytes::new(json));
    // A bundle is as new as its newest guide.
    let updated = site
        .guides
        .iter()
        .filter(|g| bundle.steps.iter().any(|s| s.id == g.id))
        .map(|g| g.updated.as_str())
        .max()
        .unwrap_or("1970-01-01");
    let date = document_date(updated, options.source_date_epoch);
    let mut out = Output::default();
    for ((template, suffix), path) in BUNDLE_PDFS.into_iter().zip(bundle_pdf_paths(bundle)) {
        let ident = format!("bundle-{}{suffix}", bundle.id);
        let pdf = compile(engine, template, files.clone(), &ident, date).map_err(fail)?;
        out.insert(path, pdf);
    }
    Ok(out)
}

/// Warnings for characters the bundled font cannot draw: Typst would print them as blank
/// space without a word. Each names the character and where it was first written.
pub(crate) fn glyph_warnings(site: &Site, tree: &SourceTree, fonts: &[Font]) -> Diagnostics {
    use rayon::prelude::*;
    let coverage = Coverage::of(fonts);
    // Per guide, in parallel; the results are concatenated in guide order.
    let per_guide: Vec<Vec<Diagnostic>> = site
        .guides
        .par_iter()
        .map(|guide| {
            let missing = printed_chars::missing(guide, &coverage);
            let dir = guide.file.trim_end_matches("guide.toml").trim_end_matches('/');
            missing
                .into_iter()
                .map(|c| {
                    let place = tree
                        .files_under(dir)
                        .chain(tree.files_under("materials"))
                        .find_map(|p| {
                            tree.text(p)
                                .and_then(|t| t.find(c))
                                .map(|offset| (p.to_owned(), offset))
                        });
                    let (file, span) = match place {
                        Some((p, offset)) => (p, Some(offset..offset + c.len_utf8())),
                        None => (guide.file.clone(), None),
                    };
                    Diagnostic::warning(
                        file,
                        span,
                        format!(
                            "the bundled font has no glyph for `{c}` (U+{:04X}); it would print as a blank",
                            c as u32
                        ),
                    )
                    .with_label("this character")
                    .with_hint("use a common character instead, or extend the font subset (scripts/subset-fonts.sh)")
                })
                .collect()
        })
        .collect();
    per_guide.into_iter().flatten().collect()
}

/// The distinct characters a PDF template could print from a serialisable value: those of
/// every string value (and unit variant name) it holds, as the JSON the templates read would
/// hold them, but without building that JSON. Map keys and field names are not printed; nor
/// are strings starting with `<`: HTML renderings repeat the plain text with markup.
mod printed_chars {
    use std::collections::BTreeSet;
    use std::fmt;

    use serde::ser::{self, Serialize};

    use super::Coverage;

    /// The printed characters of `value` that `coverage` lacks (whitespace and control
    /// characters aside: they print as space or not at all). Each character costs one bit
    /// test; only the missing ones are collected.
    pub(super) fn missing<T: Serialize>(value: &T, coverage: &Coverage) -> BTreeSet<char> {
        let mut collector = Collector {
            coverage,
            missing: BTreeSet::new(),
        };
        // The collector itself never fails; a value's own `Serialize` could, and then what was
        // seen so far is still worth reporting.
        let _ = value.serialize(&mut collector);
        collector.missing
    }

    struct Collector<'c> {
        coverage: &'c Coverage,
        missing: BTreeSet<char>,
    }

    impl Collector<'_> {
        fn check(&mut self, c: char) {
            if !self.coverage.covers(c) && !c.is_whitespace() && !c.is_control() {
                self.missing.insert(c);
            }
        }
    }

    #[derive(Debug)]
    pub struct Error(String);

    impl fmt::Display for Error {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(&self.0)
        }
    }

    impl std::error::Error for Error {}

    impl ser::Error for Error {
        fn custom<M: fmt::Display>(message: M) -> Self {
            Error(message.to_string())
        }
    }

    type Done = Result<(), Error>;

    impl<'a, 'c> ser::Serializer for &'a mut Collector<'c> {
        type Ok = ();
        type Error = Error;
        type SerializeSeq = Self;
        type SerializeTuple = Self;
        type SerializeTupleStruct = Self;
        type SerializeTupleVariant = Self;
        type SerializeMap = Self;
        type SerializeStruct = Self;
        type SerializeStructVariant = Self;

        fn serialize_str(self, v: &str) -> Done {
            if !v.starts_with('<') {
                v.chars().for_each(|c| self.check(c));
            }
            Ok(())
        }
        fn serialize_char(self, v: char) -> Done {
            self.check(v);
            Ok(())
        }
        fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Done {
            self.serialize_str(variant)
        }
        fn serialize_bool(self, _: bool) -> Done {
            Ok(())
        }
        fn serialize_i8(self, _: i8) -> Done {
            Ok(())
        }
        fn serialize_i16(self, _: i16) -> Done {
            Ok(())
        }
        fn serialize_i32(self, _: i32) -> Done {
            Ok(())
        }
        fn serialize_i64(self, _: i64) -> Done {
            Ok(())
        }
        fn serialize_i128(self, _: i128) -> Done {
            Ok(())
        }
        fn serialize_u8(self, _: u8) -> Done {
            Ok(())
        }
        fn serialize_u16(self, _: u16) -> Done {
            Ok(())
        }
        fn serialize_u32(self, _: u32) -> Done {
            Ok(())
        }
        fn serialize_u64(self, _: u64) -> Done {
            Ok(())
        }
        fn serialize_u128(self, _: u128) -> Done {
            Ok(())
        }
        fn serialize_f32(self, _: f32) -> Done {
            Ok(())
        }
        fn serialize_f64(self, _: f64) -> Done {
            Ok(())
        }
        fn serialize_bytes(self, _: &[u8]) -> Done {
            Ok(())
        }
        fn serialize_none(self) -> Done {
            Ok(())
        }
        fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Done {
            value.serialize(self)
        }
        fn serialize_unit(self) -> Done {
            Ok(())
        }
        fn serialize_unit_struct(self, _: &'static str) -> Done {
            Ok(())
        }
        fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, value: &T) -> Done {
            value.serialize(self)
        }
        fn serialize_newtype_variant<T: ?Sized + Serialize>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            value: &T,
        ) -> Done {
            value.serialize(self)
        }
        fn serialize_seq(self, _: Option<usize>) -> Result<Self, Error> {
            Ok(self)
        }
        fn serialize_tuple(self, _: usize) -> Result<Self, Error> {
            Ok(self)
        }
        fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, Error> {
            Ok(self)
        }
        fn serialize_tuple_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> Result<Self, Error> {
            Ok(self)
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Self, Error> {
            Ok(self)
        }
        fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Error> {
            Ok(self)
        }
        fn serialize_struct_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> Result<Self, Error> {
            Ok(self)
        }
    }

    impl ser::SerializeSeq for &mut Collector<'_> {
        type Ok = ();
        type Error = Error;
        fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Done {
            value.serialize(&mut **self)
        }
        fn end(self) -> Done {
            Ok(())
        }
    }

    impl ser::SerializeTuple for &mut Collector<'_> {
        type Ok = ();
        type Error = Error;
        fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Done {
            value.serialize(&mut **self)
        }
        fn end(self) -> Done {
            Ok(())
        }
    }

    impl ser::SerializeTupleStruct for &mut Collector<'_> {
        type Ok = ();
        type Error = Error;
        fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Done {
            value.serialize(&mut **self)
        }
        fn end(self) -> Done {
            Ok(())
        }
    }

    impl ser::SerializeTupleVariant for &mut Collector<'_> {
        type Ok = ();
        type Error = Error;
        fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Done {
            value.serialize(&mut **self)
        }
        fn end(self) -> Done {
            Ok(())
        }
    }

    impl ser::SerializeMap for &mut Collector<'_> {
        type Ok = ();
        type Error = Error;
        fn serialize_key<T: ?Sized + Serialize>(&mut self, _: &T) -> Done {
            Ok(())
        }
        fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Done {
            value.serialize(&mut **self)
        }
        fn end(self) -> Done {
            Ok(())
        }
    }

    impl ser::SerializeStruct for &mut Collector<'_> {
        type Ok = ();
        type Error = Error;
        fn serialize_field<T: ?Sized + Serialize>(&mut self, _: &'static str, value: &T) -> Done {
            value.serialize(&mut **self)
        }
        fn end(self) -> Done {
            Ok(())
        }
    }

    impl ser::SerializeStructVariant for &mut Collector<'_> {
        type Ok = ();
        type Error = Error;
        fn serialize_field<T: ?Sized + Serialize>(&mut self, _: &'static str, value: &T) -> Done {
            value.serialize(&mut **self)
        }
        fn end(self) -> Done {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The characters the pass checks are those of the JSON the templates read: every string
    /// value, not keys, not HTML.
    #[test]
    fn missing_chars_are_those_of_the_string_values_of_the_json() {
        fn from_json(value: &serde_json::Value, seen: &mut BTreeSet<char>) {
            match value {
                serde_json::Value::String(s) if !s.starts_with('<') => seen.extend(s.chars()),
                serde_json::Value::Array(items) => items.iter().for_each(|v| from_json(v, seen)),
                serde_json::Value::Object(map) => map.values().for_each(|v| from_json(v, seen)),
                _ => {}
            }
        }
        #[derive(Serialize)]
        enum Kind {
            Unit,
            Wrapped(String),
        }
        #[derive(Serialize)]
        struct Sample {
            名字: String,
            html: String,
            n: Vec<u8>,
            map: BTreeMap<String, Option<String>>,
            kinds: Vec<Kind>,
            c: char,
        }
        // Characters the bundled font lacks (CJK Extension B), in every kind of place.
        let sample = Sample {
            名字: "甲𠀀乙".into(),
            html: "<p>𠀁</p>".into(),
            n: vec![1, 2],
            map: [("𠀂".to_owned(), Some("值𠀃 x".to_owned())), ("空".to_owned(), None)]
                .into_iter()
                .collect(),
            kinds: vec![Kind::Unit, Kind::Wrapped("𠀄".into())],
            c: '𠀅',
        };
        let coverage = Coverage::of(&bundled_fonts());
        let mut expected = BTreeSet::new();
        from_json(&serde_json::to_value(&sample).unwrap(), &mut expected);
        expected.retain(|&c| !coverage.covers(c) && !c.is_whitespace());
        assert_eq!(printed_chars::missing(&sample, &coverage), expected);
        assert_eq!(expected, ['𠀀', '𠀃', '𠀄', '𠀅'].into_iter().collect());
    }

    #[test]
    fn the_coverage_set_agrees_with_the_fonts() {
        let fonts = bundled_fonts();
        let coverage = Coverage::of(&fonts);
        for c in ['a', '口', '腔', '𠀾', '\u{10FFFF}', '€', '①', '㎡'] {
            assert_eq!(coverage.covers(c), covers(&fonts, c), "{c}");
        }
        assert!(coverage.covers('口') && !coverage.covers('𠀾'));
        let drawn = fonts[0].info().coverage.iter().count();
        let set = (0..=char::MAX as u32)
            .filter_map(char::from_u32)
            .filter(|&c| coverage.covers(c))
            .count();
        assert!(set >= drawn && drawn > 7000, "{set} {drawn}");
    }

    #[test]
    fn dates_from_source_date_epoch() {
        assert_eq!(document_date("2026-11-20", None), (2026, 11, 20));
        assert_eq!(document_date("2026-11-20", Some(0)), (1970, 1, 1));
        assert_eq!(document_date("2026-11-20", Some(1_700_000_000)), (2023, 11, 14));
    }

    #[test]
    fn qr_code_encodes_the_url() {
        let svg = qr_svg("https://example.cn/guides/a/").unwrap();
        assert!(svg.starts_with("<?xml") || svg.starts_with("<svg"), "{svg}");
        let code =
            qrcode::QrCode::with_error_correction_level(b"https://example.cn/guides/a/", qrcode::EcLevel::M).unwrap();
        assert!(code.width() >= 21);
    }
}
