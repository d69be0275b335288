//! The width a line of text takes, shared by the layouts of plans and forms (an estimate for
//! the bundled CJK font: CJK characters are one em, others about half).

/// Estimated width of a line of text at `size`.
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars().map(|c| if c.is_ascii() { 0.56 } else { 1.0 }).sum::<f64>() * size
}
