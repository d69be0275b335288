//! SVG to PNG with resvg, using only the bundled font so a PNG is the same on every machine.

use std::sync::Arc;

use resvg::{tiny_skia, usvg};

/// The bundled CJK font (a GB2312 subset of Noto Sans CJK SC, renamed; see assets/fonts).
pub const FONT_REGULAR: &[u8] = include_bytes!("../../assets/fonts/PermitroomSansSC-Regular.otf");
pub const FONT_BOLD: &[u8] = include_bytes!("../../assets/fonts/PermitroomSansSC-Bold.otf");
pub const FONT_FAMILY: &str = "Permitroom Sans SC";

/// The font database, loaded once.
pub struct Fonts {
    pub database: Arc<usvg::fontdb::Database>,
}

impl Fonts {
    pub fn bundled() -> Fonts {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(FONT_REGULAR.to_vec());
        db.load_font_data(FONT_BOLD.to_vec());
        db.set_sans_serif_family(FONT_FAMILY);
        db.set_serif_family(FONT_FAMILY);
        db.set_monospace_family(FONT_FAMILY);
        Fonts { database: Arc::new(db) }
    }

    /// usvg options that know only the bundled fonts and never read files named in an SVG.
    pub fn options(&self) -> usvg::Options<'static> {
        let mut options = usvg::Options {
            font_family: FONT_FAMILY.into(),
            fontdb: self.database.clone(),
            ..usvg::Options::default()
        };
        options.image_href_resolver = usvg::ImageHrefResolver {
            resolve_data: usvg::ImageHrefResolver::default_data_resolver(),
            resolve_string: Box::new(|_, _| None),
        };
        options
    }
}

/// Renders an SVG document to PNG bytes at `scale` × its size.
pub fn svg_to_png(svg: &str, fonts: &Fonts, scale: f32) -> Result<Vec<u8>, String> {
    let tree = usvg::Tree::from_str(svg, &fonts.options()).map_err(|e| e.to_string())?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(scale)
        .ok_or("the drawing has no size")?;
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).ok_or("the drawing is too large")?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().map_err(|e| e.to_string())
}
