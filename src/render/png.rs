//! SVG to PNG with resvg, using only the bundled font so a PNG is the same on every machine.

use std::sync::Arc;

use resvg::{tiny_skia, usvg};

use crate::source::svg::options_reading_nothing;

/// The bundled CJK font (a GB2312 subset of Noto Sans CJK SC, renamed; see assets/fonts).
pub(crate) const FONT_REGULAR: &[u8] = include_bytes!("../../assets/fonts/PermitroomSansSC-Regular.otf");
pub(crate) const FONT_BOLD: &[u8] = include_bytes!("../../assets/fonts/PermitroomSansSC-Bold.otf");
pub(crate) const FONT_FAMILY: &str = "Permitroom Sans SC";

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

    /// usvg options that know only the bundled fonts and never read files named in an SVG
    /// (images embedded as `data:` URLs are drawn).
    pub fn options(&self) -> usvg::Options<'static> {
        let mut options = usvg::Options {
            font_family: FONT_FAMILY.into(),
            fontdb: self.database.clone(),
            ..options_reading_nothing()
        };
        options.image_href_resolver.resolve_data = usvg::ImageHrefResolver::default_data_resolver();
        options
    }
}

/// Parses SVG text with the bundled fonts, or with none; through [`crate::source::svg::parse_svg`],
/// so the image resolver reads nothing.
pub fn parse_svg(text: &str, fonts: Option<&Fonts>) -> Result<usvg::Tree, usvg::Error> {
    let options = match fonts {
        Some(fonts) => fonts.options(),
        None => options_reading_nothing(),
    };
    crate::source::svg::parse_svg(text, &options)
}

/// Renders an SVG document to PNG bytes at `scale` × its size.
pub(crate) fn svg_to_png(svg: &str, fonts: &Fonts, scale: f32) -> Result<Vec<u8>, String> {
    let tree = parse_svg(svg, Some(fonts)).map_err(|e| e.to_string())?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn has_image(group: &usvg::Group) -> bool {
        group.children().iter().any(|node| match node {
            usvg::Node::Image(_) => true,
            usvg::Node::Group(g) => has_image(g),
            _ => false,
        })
    }

    /// An `<image>` naming a file that exists on this machine, by absolute path.
    fn svg_naming_a_file() -> String {
        let png = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/base/media/submit-poster.png"
        );
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="{png}" width="10" height="10"/></svg>"#
        )
    }

    #[test]
    #[allow(clippy::disallowed_methods)] // usvg's default options, to show what they would read
    fn default_usvg_options_would_read_the_file() {
        let tree = usvg::Tree::from_str(&svg_naming_a_file(), &usvg::Options::default()).unwrap();
        assert!(
            has_image(tree.root()),
            "the default resolver reads the file: the contrast below means something"
        );
    }

    #[test]
    fn parses_read_no_file_an_svg_names() {
        let fonts = Fonts::bundled();
        for tree in [
            parse_svg(&svg_naming_a_file(), None),
            parse_svg(&svg_naming_a_file(), Some(&fonts)),
        ] {
            assert!(!has_image(tree.unwrap().root()), "an image was read from the disk");
        }
    }
}
