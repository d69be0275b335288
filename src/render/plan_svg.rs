//! Draws a checked floor plan as SVG: to scale, walls as thick as the plan says (so the clear
//! inside that net areas are measured on is what the reader sees), doors and windows cut
//! through them, equipment symbols, room labels with net areas, zones as hatch patterns
//! (readable in black and white), flows routed through doors with distinct line styles,
//! numbered failure markers, dimension lines, a scale bar, a north arrow and a legend. Every
//! word on it comes from the plan or its vocabulary. Pure: a plan in, a string out; same plan,
//! same bytes. Called by the render stage.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::model::plan::geometry::{self, Point};
use crate::model::plan::measure::{MeasuredPlan, Opening, footprint};
use crate::model::plan::symbols::SymbolLibrary;
use crate::model::plan::vocabulary::Vocabulary;
use crate::model::plan::{Highlight, Marker, PlanReport, format_area};
pub use crate::model::text::text_width;
use crate::source::labels::Labels;
use crate::source::plan_format::{LineStyle, Pattern, Shape, Swing};

/// The font family the drawings ask for: the bundled font first, then common system fonts.
pub(crate) const FONT_FAMILY: &str =
    "'Permitroom Sans SC', 'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";

const WALL_FILL: &str = "#3d3d3d";

/// Fixed formatting for coordinates: at most one decimal, no `-0`.
fn n(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == 0.0 {
        return "0".into();
    }
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A light tint of a `#rrggbb` colour, for the ground of a hatch.
fn tint(color: &str) -> String {
    let channel = |i: usize| u8::from_str_radix(color.get(i..i + 2).unwrap_or("80"), 16).unwrap_or(128) as u32;
    let mix = |c: u32| 255 - (255 - c) * 12 / 100;
    format!("#{:02x}{:02x}{:02x}", mix(channel(1)), mix(channel(3)), mix(channel(5)))
}

/// The SVG pattern a zone is filled with.
fn zone_pattern(id: &str, pattern: Pattern, color: &str) -> String {
    let ground = tint(color);
    let (size, transform, body) = match pattern {
        Pattern::Dots => (
            600,
            "",
            format!(
                r#"<circle cx="150" cy="150" r="28" fill="{color}"/><circle cx="450" cy="450" r="28" fill="{color}"/>"#
            ),
        ),
        Pattern::LargeDots => (300, "", format!(r#"<circle cx="150" cy="150" r="40" fill="{color}"/>"#)),
        Pattern::Diagonal => (
            400,
            r#" patternTransform="rotate(45)""#,
            format!(r#"<line x1="0" y1="0" x2="0" y2="400" stroke="{color}" stroke-width="30"/>"#),
        ),
        Pattern::Crosshatch => (
            400,
            r#" patternTransform="rotate(45)""#,
            format!(
                r#"<line x1="0" y1="0" x2="0" y2="400" stroke="{color}" stroke-width="30"/><line x1="0" y1="0" x2="400" y2="0" stroke="{color}" stroke-width="30"/>"#
            ),
        ),
        Pattern::Horizontal => (
            300,
            "",
            format!(r#"<line x1="0" y1="150" x2="300" y2="150" stroke="{color}" stroke-width="40"/>"#),
        ),
        Pattern::Vertical => (
            400,
            "",
            format!(r#"<line x1="200" y1="0" x2="200" y2="400" stroke="{color}" stroke-width="30"/>"#),
        ),
        Pattern::Grid => (
            500,
            "",
            format!(
                r#"<line x1="0" y1="0" x2="0" y2="500" stroke="{color}" stroke-width="24"/><line x1="0" y1="0" x2="500" y2="0" stroke="{color}" stroke-width="24"/>"#
            ),
        ),
        Pattern::Plain => (400, "", String::new()),
    };
    format!(
        r#"<pattern id="zone-{id}" patternUnits="userSpaceOnUse" width="{size}" height="{size}"{transform}><rect width="{size}" height="{size}" fill="{ground}"/>{body}</pattern>"#
    )
}

fn dash(line: LineStyle) -> &'static str {
    match line {
        LineStyle::Solid => "none",
        LineStyle::Dashed => "240 120",
        LineStyle::Dotted => "60 110",
        LineStyle::DashDot => "320 110 60 110",
        LineStyle::LongDash => "520 160",
    }
}

/// Draws one symbol centred on (0, 0), unrotated, `w` wide and `d` deep.
fn symbol_shapes(shape: Shape, w: f64, d: f64) -> String {
    let (hw, hd) = (w / 2.0, d / 2.0);
    let frame = format!(
        r#"<rect x="{}" y="{}" width="{}" height="{}" rx="{}"/>"#,
        n(-hw),
        n(-hd),
        n(w),
        n(d),
        n(w.min(d) * 0.08)
    );
    let r = w.min(d);
    let line = |x1: f64, y1: f64, x2: f64, y2: f64| {
        format!(r#"<line x1="{}" y1="{}" x2="{}" y2="{}"/>"#, n(x1), n(y1), n(x2), n(y2))
    };
    let extra = match shape {
        Shape::Seat => format!(
            r#"<circle cx="0" cy="{}" r="{}"/>{}{}"#,
            n(-hd + r * 0.25),
            n(r * 0.17),
            line(-hw + r * 0.12, -hd * 0.3, hw - r * 0.12, -hd * 0.3),
            line(-hw + r * 0.12, hd * 0.35, hw - r * 0.12, hd * 0.35)
        ),
        Shape::Basin => format!(
            r#"<ellipse cx="0" cy="{}" rx="{}" ry="{}"/><circle cx="0" cy="{}" r="{}"/>"#,
            n(hd * 0.1),
            n(hw * 0.7),
            n(hd * 0.6),
            n(hd * 0.1),
            n(r * 0.06)
        ),
        Shape::Bowl => format!(
            r#"<rect x="{}" y="{}" width="{}" height="{}"/><ellipse cx="0" cy="{}" rx="{}" ry="{}"/>"#,
            n(-hw),
            n(-hd),
            n(w),
            n(d * 0.25),
            n(hd * 0.25),
            n(hw * 0.85),
            n(hd * 0.6)
        ),
        Shape::Crossed => line(-hw, -hd, hw, hd) + &line(-hw, hd, hw, -hd),
        Shape::Slats => line(-w / 6.0, -hd, -w / 6.0, hd) + &line(w / 6.0, -hd, w / 6.0, hd),
        Shape::Counter => line(-hw, hd * 0.4, hw, hd * 0.4),
        Shape::Round => format!(r#"<circle cx="0" cy="0" r="{}"/>"#, n(r * 0.32)),
        Shape::Inset => format!(
            r#"<rect x="{}" y="{}" width="{}" height="{}"/>"#,
            n(-hw * 0.6),
            n(-hd * 0.6),
            n(w * 0.6),
            n(d * 0.6)
        ),
        Shape::Target => format!(
            r#"<circle cx="0" cy="0" r="{}"/>{}{}"#,
            n(r * 0.3),
            line(-r * 0.45, 0.0, r * 0.45, 0.0),
            line(0.0, -r * 0.45, 0.0, r * 0.45)
        ),
        Shape::Dot => format!(r#"<circle cx="0" cy="0" r="{}"/>"#, n(r * 0.25)),
        Shape::Burners => [(-1.0, -1.0), (1.0, -1.0), (-1.0, 1.0), (1.0, 1.0)]
            .iter()
            .map(|(sx, sy)| {
                format!(
                    r#"<circle cx="{}" cy="{}" r="{}"/>"#,
                    n(sx * hw * 0.5),
                    n(sy * hd * 0.5),
                    n(r * 0.16)
                )
            })
            .collect(),
        Shape::Box => line(-hw, hd, hw, -hd),
    };
    format!("{frame}{extra}")
}

/// Small boxes along a route, so labels keep off the lines that point through rooms.
fn route_obstacles(route: &[Point], size: f64) -> Vec<Vec<Point>> {
    let mut out = Vec::new();
    for pair in route.windows(2) {
        let len = geometry::distance(pair[0], pair[1]);
        let steps = (len / (size * 0.8)).ceil().max(1.0) as usize;
        for i in 0..=steps {
            let t = i as f64 / steps as f64;
            let c = Point::new(
                pair[0].x + (pair[1].x - pair[0].x) * t,
                pair[0].y + (pair[1].y - pair[0].y) * t,
            );
            out.push(footprint(c, size, size, 0));
        }
    }
    out
}

/// Picks a place for a room's label that stays inside the room and off the equipment.
fn label_position(
    plan: &MeasuredPlan,
    symbols: &SymbolLibrary,
    extra_obstacles: &[Vec<Point>],
    room_index: usize,
    box_w: f64,
    box_h: f64,
) -> (Point, bool) {
    let room = &plan.rooms[room_index];
    let obstacles: Vec<Vec<Point>> = plan
        .placed
        .iter()
        .filter(|p| p.room == room.id)
        .filter_map(|p| {
            let sym = symbols.get(&p.symbol)?;
            Some(footprint(p.center, sym.width as f64, sym.depth as f64, p.rotate))
        })
        .chain(extra_obstacles.iter().cloned())
        .chain(plan.annotations.iter().map(|(p, text)| {
            // Annotations are drawn centred on their point (same size as in `plan_svg`).
            let size = annotation_size(plan);
            footprint(
                Point::new(p.x, p.y - size * 0.35),
                text_width(text, size),
                size * 1.2,
                0,
            )
        }))
        .chain(plan.doors.iter().filter(|d| d.room == room.id).map(|d| {
            // The square the door leaf sweeps, on the room's side.
            let c = Point::new(d.at.x + d.inward.x * d.width / 2.0, d.at.y + d.inward.y * d.width / 2.0);
            footprint(c, d.width, d.width, 0)
        }))
        .collect();
    let (min_x, max_x, min_y, max_y) = geometry::bounds(&room.inner);
    // Score a candidate: overlap with obstacles (mm²), then distance from the centre.
    let overlap = |c: Point| -> Option<f64> {
        let a = footprint(c, box_w, box_h, 0);
        if !geometry::polygon_within(&a, &room.inner) {
            return None;
        }
        Some(
            obstacles
                .iter()
                .map(|b| {
                    let w = (a[2].x.min(b[2].x) - a[0].x.max(b[0].x)).max(0.0);
                    let h = (a[2].y.min(b[2].y) - a[0].y.max(b[0].y)).max(0.0);
                    w * h
                })
                .sum(),
        )
    };
    let centre = room.label_at;
    if overlap(centre) == Some(0.0) {
        return (centre, true);
    }
    let mut best: Option<(f64, f64, Point)> = None;
    const STEPS: usize = 24;
    for i in 0..=STEPS {
        for j in 0..=STEPS {
            let c = Point::new(
                min_x + (max_x - min_x) * i as f64 / STEPS as f64,
                min_y + (max_y - min_y) * j as f64 / STEPS as f64,
            );
            if let Some(area) = overlap(c) {
                let dist = geometry::distance(c, centre);
                if best.is_none_or(|(ba, bd, _)| area < ba - 1.0 || (area <= ba + 1.0 && dist < bd)) {
                    best = Some((area, dist, c));
                }
            }
        }
    }
    best.map_or((centre, false), |(area, _, c)| (c, area == 0.0))
}

/// The base text size of a plan, mm.
fn base_unit(plan: &MeasuredPlan) -> f64 {
    let (min_x, max_x, min_y, max_y) = geometry::bounds(&plan.outline);
    ((max_x - min_x).max(max_y - min_y) / 60.0).clamp(120.0, 400.0)
}

fn annotation_size(plan: &MeasuredPlan) -> f64 {
    base_unit(plan) * 0.8
}

/// A finished drawing and its size in CSS pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawing {
    pub svg: String,
    pub width: u32,
    pub height: u32,
}

/// The drawing of a checked plan in its vocabulary, in layers: walls and zones, openings,
/// equipment, flows, labels, failures, then dimensions, the north arrow, the scale bar and the
/// legend round the plan.
pub fn plan_svg(report: &PlanReport, vocabulary: &Vocabulary, symbols: &SymbolLibrary, t: &Labels) -> Drawing {
    let plan = &report.plan;
    let frame = Frame::of(plan);
    // Legend entries, decided first so the canvas can be sized.
    let mut entries = word_swatches(plan, vocabulary, symbols, frame.unit);
    entries.extend(drawing_swatches(report, t, frame.unit));
    let legend = legend_layout(&frame, entries);
    let view = ViewBox::of(&frame, &legend);
    let mut s = String::new();
    header(&mut s, report, vocabulary, t, &view);
    walls_and_zones(&mut s, plan);
    s.push_str("<g id=\"openings\">\n");
    open_connections(&mut s, plan, frame.unit);
    for o in plan.doors.iter().chain(&plan.windows) {
        door_or_window(&mut s, o, frame.unit);
    }
    s.push_str("</g>\n");
    equipment(&mut s, plan, symbols, frame.unit);
    let markers = failure_markers(plan, &report.highlights, &frame);
    let label_places = room_label_places(plan, symbols, &markers, frame.unit);
    flows(&mut s, plan, vocabulary, frame.unit);
    labels(&mut s, plan, &label_places, frame.unit);
    failures(&mut s, plan, &report.highlights, &markers, &frame, t);
    // Dimension lines on the outer walls: a chain of the room edges, and the overall size.
    s.push_str(&dimensions(
        plan,
        frame.min_x,
        frame.max_x,
        frame.min_y,
        frame.max_y,
        frame.unit,
    ));
    north_arrow(&mut s, plan, &frame, t);
    scale_bar(&mut s, &frame, t);
    draw_legend(&mut s, &legend, &frame, t);
    s.push_str("</svg>\n");
    Drawing {
        svg: s,
        width: (view.w / 20.0).round() as u32,
        height: (view.h / 20.0).round() as u32,
    }
}

/// The plan's extent and the sizes everything on the drawing is scaled from.
struct Frame {
    min_x: f64,
    max_x: f64,
    min_y: f64,
    max_y: f64,
    plan_w: f64,
    plan_h: f64,
    /// The base text size, mm ([`base_unit`]).
    unit: f64,
    /// Room round the plan for dimension lines, the north arrow and the markers below it.
    margin: f64,
}

impl Frame {
    fn of(plan: &MeasuredPlan) -> Frame {
        let (min_x, max_x, min_y, max_y) = geometry::bounds(&plan.outline);
        let (plan_w, plan_h) = (max_x - min_x, max_y - min_y);
        let unit = base_unit(plan);
        Frame {
            min_x,
            max_x,
            min_y,
            max_y,
            plan_w,
            plan_h,
            unit,
            margin: unit * 6.0,
        }
    }

    /// The height of the scale bar's band under the plan.
    fn scale_bar_h(&self) -> f64 {
        self.unit * 4.0
    }
}

/// The canvas: the plan, its margins, the scale bar and the legend.
struct ViewBox {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

impl ViewBox {
    fn of(frame: &Frame, legend: &Legend) -> ViewBox {
        let Frame {
            min_x,
            min_y,
            plan_w,
            plan_h,
            unit,
            margin,
            ..
        } = *frame;
        ViewBox {
            x: min_x - margin,
            y: min_y - margin,
            w: plan_w + 2.0 * margin,
            h: plan_h + margin + unit * 1.5 + frame.scale_bar_h() + legend.height,
        }
    }
}

/// The zones of the plan's rooms, the kinds of its flows: what gets a pattern or an arrowhead
/// and a legend entry.
fn zones_and_flows(plan: &MeasuredPlan) -> (BTreeSet<&str>, BTreeSet<&str>) {
    let zones: BTreeSet<&str> = plan.rooms.iter().filter_map(|r| r.zone.as_deref()).collect();
    let flows: BTreeSet<&str> = plan.flows.iter().map(|f| f.kind.as_str()).collect();
    (zones, flows)
}

/// The width of a legend swatch.
fn swatch_width(unit: f64) -> f64 {
    unit * 2.2
}

/// Legend entries for the vocabulary's words on the plan: its zones, flow kinds and symbols.
/// Each is a swatch (SVG at 0,0 in a unit*2 box) and a label.
fn word_swatches(
    plan: &MeasuredPlan,
    vocabulary: &Vocabulary,
    symbols: &SymbolLibrary,
    unit: f64,
) -> Vec<(String, String)> {
    let (zones, flows) = zones_and_flows(plan);
    let used_symbols: BTreeSet<&str> = plan.placed.iter().map(|p| p.symbol.as_str()).collect();
    let mut legend: Vec<(String, String)> = Vec::new();
    let sw = swatch_width(unit);
    for z in &zones {
        let label = vocabulary.zones.get(*z).map_or(*z, |d| d.label.as_str());
        legend.push((
            format!(
                r##"<rect x="0" y="{}" width="{}" height="{}" fill="url(#zone-{z})" stroke="#444" stroke-width="{}"/>"##,
                n(-unit * 0.8),
                n(sw),
                n(unit * 1.6),
                n(unit * 0.08)
            ),
            label.to_owned(),
        ));
    }
    for f in &flows {
        let Some(def) = vocabulary.flows.get(*f) else { continue };
        legend.push((
            format!(
                r#"<line x1="0" y1="0" x2="{}" y2="0" stroke="{}" stroke-width="{}" stroke-dasharray="{}" marker-end="url(#arrow-{f})"/>"#,
                n(sw),
                def.color,
                n(unit * 0.22),
                dash(def.line)
            ),
            def.label.clone(),
        ));
    }
    for s in &used_symbols {
        let Some(sym) = symbols.get(s) else { continue };
        let scale = (unit * 1.8) / (sym.width.max(sym.depth) as f64);
        legend.push((
            format!(
                r##"<g transform="translate({} 0) scale({})" fill="#fff" stroke="#222" stroke-width="{}">{}</g>"##,
                n(sw / 2.0),
                (scale * 1000.0).round() / 1000.0,
                n(unit * 0.08 / scale),
                symbol_shapes(sym.shape, sym.width as f64, sym.depth as f64)
            ),
            sym.label.clone(),
        ));
    }
    legend
}

/// Legend entries for what every plan draws alike: walls, and doors, windows, open connections
/// and failures when the plan has them.
fn drawing_swatches(report: &PlanReport, t: &Labels, unit: f64) -> Vec<(String, String)> {
    let (plan, highlights) = (&report.plan, &report.highlights);
    let mut legend: Vec<(String, String)> = Vec::new();
    let sw = swatch_width(unit);
    legend.push((
        format!(
            r##"<rect x="0" y="{}" width="{}" height="{}" fill="{WALL_FILL}"/>"##,
            n(-unit * 0.25),
            n(sw),
            n(unit * 0.5)
        ),
        t.fill(
            "plan.walls",
            &[
                ("inner", &plan.wall_mm.to_string()),
                ("outer", &plan.outer_wall_mm.to_string()),
            ],
        ),
    ));
    if !plan.doors.is_empty() {
        legend.push((format!(r##"<path d="M0,{y} L{w},{y} M0,{y} L0,{t} A{r},{r} 0 0 1 {w},{y}" fill="none" stroke="#222" stroke-width="{s}"/>"##, y = n(unit * 0.8), w = n(unit * 1.6), t = n(-unit * 0.8), r = n(unit * 1.6), s = n(unit * 0.08)), t.get("plan.door").into()));
    }
    if !plan.windows.is_empty() {
        legend.push((format!(r##"<rect x="0" y="{}" width="{}" height="{}" fill="#fff" stroke="#222" stroke-width="{}"/><line x1="0" y1="0" x2="{}" y2="0" stroke="#222" stroke-width="{}"/>"##, n(-unit * 0.3), n(sw), n(unit * 0.6), n(unit * 0.08), n(sw), n(unit * 0.06)), t.get("plan.window").into()));
    }
    if !plan.open_walls.is_empty() {
        legend.push((
            format!(
                r##"<line x1="0" y1="0" x2="{}" y2="0" stroke="#222" stroke-width="{}" stroke-dasharray="{} {}"/>"##,
                n(sw),
                n(unit * 0.08),
                n(unit * 0.3),
                n(unit * 0.2)
            ),
            t.get("plan.open_wall").into(),
        ));
    }
    if !highlights.is_empty() {
        legend.push((format!(r##"<rect x="0" y="{}" width="{}" height="{}" fill="none" stroke="#b3261e" stroke-width="{}" stroke-dasharray="{} {}"/>"##, n(-unit * 0.8), n(sw), n(unit * 1.6), n(unit * 0.25), n(unit * 0.5), n(unit * 0.25)), t.get("plan.highlight").into()));
    }
    legend
}

/// The legend's entries, each at its (column, row) under the plan.
struct Legend {
    entries: Vec<(String, String)>,
    places: Vec<(usize, usize)>,
    sw: f64,
    col_w: f64,
    row_h: f64,
    /// Its height on the canvas, 0 when it has no entries.
    height: f64,
}

/// Places the legend's entries in columns as wide as the plan and its margin.
fn legend_layout(frame: &Frame, legend: Vec<(String, String)>) -> Legend {
    let Frame {
        plan_w, unit, margin, ..
    } = *frame;
    let sw = swatch_width(unit);
    let col_w = unit * 13.0;
    let cols = ((plan_w + margin) / col_w).floor().max(1.0) as usize;
    // Where each legend entry goes, (column, row): a long entry takes the columns it needs.
    let legend_places: Vec<(usize, usize)> = {
        let (mut col, mut row) = (0, 0);
        legend
            .iter()
            .map(|(_, label)| {
                let span = ((text_width(label, unit * 0.85) + sw + unit * 1.2) / col_w)
                    .ceil()
                    .max(1.0) as usize;
                let span = span.min(cols);
                if col + span > cols {
                    row += 1;
                    col = 0;
                }
                let place = (col, row);
                col += span;
                place
            })
            .collect()
    };
    let legend_rows = legend_places.last().map_or(0, |&(_, row)| row + 1);
    let row_h = unit * 2.4;
    let legend_h = if legend.is_empty() {
        0.0
    } else {
        unit * 2.0 + legend_rows as f64 * row_h
    };
    Legend {
        entries: legend,
        places: legend_places,
        sw,
        col_w,
        row_h,
        height: legend_h,
    }
}

/// The opening tag, title and description, the patterns and arrowheads, the white background.
fn header(s: &mut String, report: &PlanReport, vocabulary: &Vocabulary, t: &Labels, view: &ViewBox) {
    let plan = &report.plan;
    let (zones, flows) = zones_and_flows(plan);
    let ViewBox {
        x: vb_x,
        y: vb_y,
        w: vb_w,
        h: vb_h,
    } = *view;
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="{} {} {} {}" width="{}" height="{}" role="img" aria-labelledby="plan-title plan-desc" font-family="{}">"#,
        n(vb_x),
        n(vb_y),
        n(vb_w),
        n(vb_h),
        (vb_w / 20.0).round(),
        (vb_h / 20.0).round(),
        FONT_FAMILY.replace('\'', "&#39;")
    );
    let _ = writeln!(s, r#"<title id="plan-title">{}</title>"#, escape(&plan.title));
    let comma = t.get("short.comma");
    let counts: Vec<String> = report
        .quantities
        .iter()
        .map(|q| format!("{} {} {}", q.label, q.value, q.unit))
        .collect();
    let counts = if counts.is_empty() {
        String::new()
    } else {
        escape(counts.join(comma).trim_end()).replace("  ", " ") + comma
    };
    let desc = t.fill(
        "plan.desc",
        &[
            ("description", &escape(&plan.description)),
            ("gross", &format_area(plan.gross_area_m2)),
            ("net", &format_area(plan.net_area_m2)),
            ("counts", &counts),
            ("rooms", &plan.rooms.len().to_string()),
        ],
    );
    let _ = writeln!(s, r#"<desc id="plan-desc">{desc}</desc>"#);
    s.push_str("<defs>\n");
    for z in &zones {
        if let Some(def) = vocabulary.zones.get(*z) {
            let _ = writeln!(s, "{}", zone_pattern(z, def.pattern, &def.color));
        }
    }
    for f in &flows {
        if let Some(def) = vocabulary.flows.get(*f) {
            let _ = writeln!(
                s,
                r#"<marker id="arrow-{f}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{}"/></marker>"#,
                def.color
            );
        }
    }
    s.push_str("</defs>\n");
    let _ = writeln!(
        s,
        r##"<rect x="{}" y="{}" width="{}" height="{}" fill="#ffffff"/>"##,
        n(vb_x),
        n(vb_y),
        n(vb_w),
        n(vb_h)
    );
}

/// Walls: the whole outline in wall colour, then each room's clear inside on top (in its
/// zone's pattern), so every wall shows at its real thickness.
fn walls_and_zones(s: &mut String, plan: &MeasuredPlan) {
    let _ = writeln!(
        s,
        r#"<g id="walls"><polygon points="{}" fill="{WALL_FILL}"/></g>"#,
        points_attr(&plan.outline)
    );
    s.push_str("<g id=\"zones\">\n");
    for room in &plan.rooms {
        let fill = match &room.zone {
            Some(z) => format!("url(#zone-{z})"),
            None => "#ffffff".into(),
        };
        let _ = writeln!(s, r#"<polygon points="{}" fill="{fill}"/>"#, points_attr(&room.inner));
    }
    s.push_str("</g>\n");
}

/// Open connections: the wall left out, a dashed line where it would be.
fn open_connections(s: &mut String, plan: &MeasuredPlan, unit: f64) {
    for (_, _, p, q) in &plan.open_walls {
        let len = geometry::distance(*p, *q).max(1.0);
        let (nx, ny) = (-(q.y - p.y) / len, (q.x - p.x) / len);
        let t = plan.wall_mm as f64 / 2.0 + 1.0;
        let corners = [
            Point::new(p.x + nx * t, p.y + ny * t),
            Point::new(q.x + nx * t, q.y + ny * t),
            Point::new(q.x - nx * t, q.y - ny * t),
            Point::new(p.x - nx * t, p.y - ny * t),
        ];
        let _ = writeln!(s, r##"<polygon points="{}" fill="#ffffff"/>"##, points_attr(&corners));
        let _ = writeln!(
            s,
            r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#1a1a1a" stroke-width="{}" stroke-dasharray="{} {}"/>"##,
            n(p.x),
            n(p.y),
            n(q.x),
            n(q.y),
            n(unit * 0.08),
            n(unit * 0.3),
            n(unit * 0.2)
        );
    }
}

/// A door or window cut through its wall: the gap, then the window's faces and glass, a
/// sliding door's leaf, or a swinging door's leaf and arc.
fn door_or_window(s: &mut String, o: &Opening, unit: f64) {
    let len = geometry::distance(o.a, o.b);
    let (ux, uy) = ((o.b.x - o.a.x) / len, (o.b.y - o.a.y) / len);
    let h = o.width / 2.0;
    let (f0, f1) = o.faces;
    let at = |along: f64, off: f64| {
        Point::new(
            o.at.x + ux * along + o.inward.x * off,
            o.at.y + uy * along + o.inward.y * off,
        )
    };
    // The gap through the wall, a hair wider than the wall so no sliver stays.
    let gap = [at(-h, f0 - 1.0), at(h, f0 - 1.0), at(h, f1 + 1.0), at(-h, f1 + 1.0)];
    let _ = writeln!(s, r##"<polygon points="{}" fill="#ffffff"/>"##, points_attr(&gap));
    let seg = |s: &mut String, p: Point, q: Point, width: f64| {
        let _ = writeln!(
            s,
            r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#1a1a1a" stroke-width="{}"/>"##,
            n(p.x),
            n(p.y),
            n(q.x),
            n(q.y),
            n(width)
        );
    };
    match o.swing {
        None => {
            // Window: the wall's two faces and the glass line between.
            for off in [f0, (f0 + f1) / 2.0, f1] {
                seg(s, at(-h, off), at(h, off), unit * 0.06);
            }
        }
        Some(Swing::Sliding) => {
            seg(s, at(-h, f1), at(h * 0.6, f1), unit * 0.1);
        }
        Some(swing) => {
            // Hinge on the face it opens from; the leaf stands square to the wall, the arc
            // shows the swing.
            let (face, dir) = if swing == Swing::In { (f1, 1.0) } else { (f0, -1.0) };
            let p = at(-h, face);
            let q = at(h, face);
            let tip = Point::new(p.x + o.inward.x * dir * o.width, p.y + o.inward.y * dir * o.width);
            let cross = (tip.x - p.x) * (q.y - p.y) - (tip.y - p.y) * (q.x - p.x);
            let sweep = if cross > 0.0 { 1 } else { 0 };
            let _ = writeln!(
                s,
                r##"<path d="M{},{} L{},{} A{},{} 0 0 {} {},{}" fill="none" stroke="#1a1a1a" stroke-width="{}"/>"##,
                n(p.x),
                n(p.y),
                n(tip.x),
                n(tip.y),
                n(o.width),
                n(o.width),
                sweep,
                n(q.x),
                n(q.y),
                n(unit * 0.07)
            );
        }
    }
}

/// The equipment symbols, each turned and placed by its centre.
fn equipment(s: &mut String, plan: &MeasuredPlan, symbols: &SymbolLibrary, unit: f64) {
    let _ = writeln!(
        s,
        r##"<g id="equipment" fill="#ffffff" stroke="#222222" stroke-width="{}">"##,
        n(unit * 0.07)
    );
    for p in &plan.placed {
        let Some(sym) = symbols.get(&p.symbol) else { continue };
        let _ = writeln!(
            s,
            r#"<g transform="translate({} {}) rotate({})">{}</g>"#,
            n(p.center.x),
            n(p.center.y),
            p.rotate,
            symbol_shapes(sym.shape, sym.width as f64, sym.depth as f64)
        );
    }
    s.push_str("</g>\n");
}

/// The numbered failure markers and how many stand in the row for the whole plan.
struct Markers {
    points: Vec<(Point, usize)>,
    plan_wide: usize,
    /// Their radius.
    r: f64,
}

/// Failure markers: in the top-left corner of a failing room's inside, at a point (where flows
/// cross), or in a row under the plan for rules about the whole plan.
fn failure_markers(plan: &MeasuredPlan, highlights: &[Highlight], frame: &Frame) -> Markers {
    let Frame {
        max_x,
        max_y,
        unit,
        margin,
        ..
    } = *frame;
    let marker_r = unit * 0.8;
    let mut marker_points: Vec<(Point, usize)> = Vec::new();
    let mut per_room: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    let mut plan_wide = 0;
    for h in highlights {
        let at = match &h.at {
            Marker::Room(id) => {
                let Some(room) = plan.room(id) else { continue };
                let k = per_room.entry(room.id.as_str()).or_default();
                // The top-left corner of the inside (topmost, then leftmost), which lies in the
                // room even when the room is not a rectangle.
                let corner = room.inner.iter().fold(room.inner[0], |a, p| {
                    if p.y < a.y - 0.5 || ((p.y - a.y).abs() <= 0.5 && p.x < a.x) {
                        *p
                    } else {
                        a
                    }
                });
                let mut p = Point::new(corner.x + unit * 1.1 + *k as f64 * unit * 1.9, corner.y + unit * 1.1);
                if geometry::locate(p, &room.inner) != geometry::Inside::Inside {
                    p = Point::new(room.label_at.x + *k as f64 * unit * 1.9, room.label_at.y - unit * 2.0);
                }
                *k += 1;
                p
            }
            Marker::Point(p) => *p,
            Marker::Plan => {
                let p = Point::new(
                    max_x - unit * 1.1 - plan_wide as f64 * unit * 1.9,
                    max_y + margin * 0.55 + unit * 0.3,
                );
                plan_wide += 1;
                p
            }
        };
        marker_points.push((at, h.number));
    }
    Markers {
        points: marker_points,
        plan_wide,
        r: marker_r,
    }
}

/// Where each room's label goes, and at what size: inside the walls, off equipment, door
/// swings, markers and the routes of flows.
fn room_label_places(
    plan: &MeasuredPlan,
    symbols: &SymbolLibrary,
    markers: &Markers,
    unit: f64,
) -> Vec<(Point, f64, String, String)> {
    let mut obstacles: Vec<Vec<Point>> = markers
        .points
        .iter()
        .map(|(p, _)| footprint(*p, markers.r * 2.3, markers.r * 2.3, 0))
        .collect();
    for flow in &plan.flows {
        obstacles.extend(route_obstacles(&flow.route, unit * 1.4));
    }
    plan.rooms
        .iter()
        .enumerate()
        .map(|(i, room)| {
            let area = format!("{} m²", format_area(room.area_m2));
            let largest = unit.min(room.shortest_side_m * 1000.0 / 5.5);
            // The largest size that fits without covering anything, down to 60 %.
            let mut place = None;
            for scale in [1.0, 0.85, 0.7, 0.6] {
                let size = largest * scale;
                let box_w = text_width(&room.label, size).max(text_width(&area, size * 0.85)) + size * 0.3;
                let box_h = size * 2.3;
                let (at, clear) = label_position(plan, symbols, &obstacles, i, box_w, box_h);
                if clear || scale == 0.6 {
                    place = Some((at, size));
                    if clear {
                        break;
                    }
                }
            }
            let (at, size) = place.unwrap_or((room.label_at, largest));
            (at, size, room.label.clone(), area)
        })
        .collect()
}

/// Flows: along their routes, through doors, with an arrowhead at every turn.
fn flows(s: &mut String, plan: &MeasuredPlan, vocabulary: &Vocabulary, unit: f64) {
    s.push_str("<g id=\"flows\" fill=\"none\">\n");
    for flow in &plan.flows {
        let Some(def) = vocabulary.flows.get(&flow.kind) else {
            continue;
        };
        let d: String = flow
            .route
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{}{},{}", if i == 0 { "M" } else { " L" }, n(p.x), n(p.y)))
            .collect();
        let _ = writeln!(
            s,
            r#"<path d="{d}" stroke="{}" stroke-width="{}" stroke-dasharray="{}" stroke-linejoin="round" marker-mid="url(#arrow-{})" marker-end="url(#arrow-{})"/>"#,
            def.color,
            n(unit * 0.22),
            dash(def.line),
            flow.kind,
            flow.kind
        );
    }
    s.push_str("</g>\n");
}

/// The rooms' names and net areas, the windows' labels, the annotations.
fn labels(s: &mut String, plan: &MeasuredPlan, label_places: &[(Point, f64, String, String)], unit: f64) {
    s.push_str("<g id=\"labels\" text-anchor=\"middle\" fill=\"#111111\">\n");
    for (at, size, label, area) in label_places {
        let _ = writeln!(
            s,
            r##"<text x="{}" y="{}" font-size="{}" font-weight="bold" stroke="#ffffff" stroke-width="{}" paint-order="stroke">{}</text>"##,
            n(at.x),
            n(at.y - size * 0.1),
            n(*size),
            n(size * 0.25),
            escape(label)
        );
        let _ = writeln!(
            s,
            r##"<text x="{}" y="{}" font-size="{}" stroke="#ffffff" stroke-width="{}" paint-order="stroke">{}</text>"##,
            n(at.x),
            n(at.y + size * 1.0),
            n(size * 0.85),
            n(size * 0.2),
            area
        );
    }
    for o in plan.windows.iter().filter(|w| w.label.is_some()) {
        let size = unit * 0.6;
        let off = o.faces.1 + size * 0.9;
        let _ = writeln!(
            s,
            r##"<text x="{}" y="{}" font-size="{}" fill="#333333" stroke="#ffffff" stroke-width="{}" paint-order="stroke">{}</text>"##,
            n(o.at.x + o.inward.x * off),
            n(o.at.y + o.inward.y * off + size * 0.35),
            n(size),
            n(size * 0.2),
            escape(o.label.as_deref().unwrap_or_default())
        );
    }
    for (p, text) in &plan.annotations {
        let _ = writeln!(
            s,
            r##"<text x="{}" y="{}" font-size="{}" font-style="italic" fill="#333333" stroke="#ffffff" stroke-width="{}" paint-order="stroke">{}</text>"##,
            n(p.x),
            n(p.y),
            n(unit * 0.8),
            n(unit * 0.2),
            escape(text)
        );
    }
    s.push_str("</g>\n");
}

/// Failing rooms outlined, the numbered markers, and the words beside the row of markers for
/// the whole plan.
fn failures(
    s: &mut String,
    plan: &MeasuredPlan,
    highlights: &[Highlight],
    markers: &Markers,
    frame: &Frame,
    t: &Labels,
) {
    let Frame {
        max_x,
        max_y,
        unit,
        margin,
        ..
    } = *frame;
    let (marker_points, marker_r, plan_wide) = (&markers.points, markers.r, markers.plan_wide);
    if !highlights.is_empty() {
        s.push_str("<g id=\"failures\">\n");
        let mut outlined = BTreeSet::new();
        for h in highlights {
            let Marker::Room(id) = &h.at else { continue };
            let Some(room) = plan.room(id) else { continue };
            if outlined.insert(id.as_str()) {
                let _ = writeln!(
                    s,
                    r##"<polygon points="{}" fill="none" stroke="#b3261e" stroke-width="{}" stroke-dasharray="{} {}"/>"##,
                    points_attr(&room.inner),
                    n(unit * 0.25),
                    n(unit * 0.5),
                    n(unit * 0.25)
                );
            }
        }
        for (p, number) in marker_points {
            let _ = writeln!(
                s,
                r##"<circle cx="{}" cy="{}" r="{}" fill="#b3261e" stroke="#ffffff" stroke-width="{}"/><text x="{}" y="{}" font-size="{}" font-weight="bold" fill="#ffffff" text-anchor="middle">{}</text>"##,
                n(p.x),
                n(p.y),
                n(marker_r),
                n(unit * 0.12),
                n(p.x),
                n(p.y + unit * 0.38),
                n(unit * 1.05),
                number
            );
        }
        if plan_wide > 0 {
            let _ = writeln!(
                s,
                r##"<text x="{}" y="{}" font-size="{}" fill="#b3261e" text-anchor="end">{}</text>"##,
                n(max_x - unit * 1.1 - plan_wide as f64 * unit * 1.9 + unit * 0.6),
                n(max_y + margin * 0.55 + unit * 0.6),
                n(unit * 0.85),
                escape(t.get("plan.whole"))
            );
        }
        s.push_str("</g>\n");
    }
}

/// North arrow (top right, in the margin).
fn north_arrow(s: &mut String, plan: &MeasuredPlan, frame: &Frame, t: &Labels) {
    let Frame {
        max_x,
        min_y,
        unit,
        margin,
        ..
    } = *frame;
    let (nx, ny) = (max_x + margin * 0.5, min_y - margin * 0.55);
    let r = unit * 1.3;
    let _ = writeln!(
        s,
        r##"<g id="north" transform="translate({} {}) rotate({})"><circle r="{}" fill="#ffffff" stroke="#222" stroke-width="{}"/><path d="M0,{} L{},{} L0,{} L{},{} z" fill="#222"/><text y="{}" font-size="{}" text-anchor="middle" font-weight="bold" fill="#222">{north}</text></g>"##,
        n(nx),
        n(ny),
        plan.north,
        n(r),
        n(unit * 0.07),
        n(-r * 0.85),
        n(r * 0.45),
        n(r * 0.6),
        n(r * 0.25),
        n(-r * 0.45),
        n(r * 0.6),
        n(-r * 1.15),
        n(unit * 0.9),
        north = escape(t.get("plan.north"))
    );
}

/// The scale bar (under the plan, on the left): metres in alternating blocks.
fn scale_bar(s: &mut String, frame: &Frame, t: &Labels) {
    let Frame {
        min_x,
        max_y,
        plan_w,
        unit,
        margin,
        ..
    } = *frame;
    let bar_m = if plan_w >= 10_000.0 { 5 } else { 2 };
    let (bx, by) = (min_x, max_y + margin * 0.55);
    let _ = write!(
        s,
        r##"<g id="scale-bar" font-size="{}" fill="#222" text-anchor="middle">"##,
        n(unit * 0.8)
    );
    for i in 0..bar_m {
        let fill = if i % 2 == 0 { "#222222" } else { "#ffffff" };
        let _ = write!(
            s,
            r##"<rect x="{}" y="{}" width="1000" height="{}" fill="{fill}" stroke="#222" stroke-width="{}"/>"##,
            n(bx + i as f64 * 1000.0),
            n(by),
            n(unit * 0.45),
            n(unit * 0.05)
        );
    }
    for i in [0, 1, bar_m] {
        let label = if i == bar_m { format!("{i} m") } else { i.to_string() };
        let _ = write!(
            s,
            r#"<text x="{}" y="{}">{label}</text>"#,
            n(bx + i as f64 * 1000.0),
            n(by + unit * 1.5)
        );
    }
    let _ = writeln!(
        s,
        r#"<text x="{}" y="{}" text-anchor="start">{}</text></g>"#,
        n(bx + bar_m as f64 * 1000.0 + unit * 1.8),
        n(by + unit * 0.5),
        escape(t.get("plan.scale"))
    );
}

/// The legend under the scale bar.
fn draw_legend(s: &mut String, legend: &Legend, frame: &Frame, t: &Labels) {
    let Frame {
        min_x,
        max_y,
        unit,
        margin,
        ..
    } = *frame;
    let scale_bar_h = frame.scale_bar_h();
    let Legend {
        entries: legend,
        places: legend_places,
        sw,
        col_w,
        row_h,
        ..
    } = legend;
    let (sw, col_w, row_h) = (*sw, *col_w, *row_h);
    if !legend.is_empty() {
        let ly = max_y + margin * 0.55 + scale_bar_h;
        let _ = writeln!(
            s,
            r##"<g id="legend" font-size="{}" fill="#222"><text x="{}" y="{}" font-weight="bold">{}</text>"##,
            n(unit * 0.85),
            n(min_x),
            n(ly),
            escape(t.get("plan.legend"))
        );
        for ((swatch, label), &(col, row)) in legend.iter().zip(legend_places) {
            let x = min_x + col as f64 * col_w;
            let y = ly + unit * 1.6 + row as f64 * row_h;
            let _ = writeln!(
                s,
                r#"<g transform="translate({} {})">{swatch}</g><text x="{}" y="{}">{}</text>"#,
                n(x),
                n(y),
                n(x + sw + unit * 0.6),
                n(y + unit * 0.3),
                escape(label)
            );
        }
        s.push_str("</g>\n");
    }
}

fn points_attr(points: &[Point]) -> String {
    points
        .iter()
        .map(|p| format!("{},{}", n(p.x), n(p.y)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn dimensions(plan: &MeasuredPlan, min_x: f64, max_x: f64, min_y: f64, max_y: f64, unit: f64) -> String {
    let mut s = String::from("<g id=\"dimensions\" stroke=\"#333333\" fill=\"#333333\">\n");
    let stroke = n(unit * 0.05);
    let size = unit * 0.75;
    // Breakpoints along the top and left walls: corners of the outline and of rooms on them.
    let mut xs: BTreeSet<i64> = [min_x as i64, max_x as i64].into();
    let mut ys: BTreeSet<i64> = [min_y as i64, max_y as i64].into();
    for room in &plan.rooms {
        for p in &room.points {
            if (p.y - min_y).abs() < 1.0 {
                xs.insert(p.x as i64);
            }
            if (p.x - min_x).abs() < 1.0 {
                ys.insert(p.y as i64);
            }
        }
    }
    let tick = unit * 0.35;
    let horizontal = |s: &mut String, stops: &[i64], y: f64| {
        let _ = writeln!(
            s,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke-width="{stroke}"/>"#,
            stops[0],
            n(y),
            stops[stops.len() - 1],
            n(y)
        );
        for &x in stops {
            let _ = writeln!(
                s,
                r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke-width="{}"/>"#,
                n(x as f64 - tick),
                n(y + tick),
                n(x as f64 + tick),
                n(y - tick),
                n(unit * 0.09)
            );
        }
        for pair in stops.windows(2) {
            let len = pair[1] - pair[0];
            if (len as f64) < text_width(&len.to_string(), size) * 1.1 {
                continue;
            }
            let _ = writeln!(
                s,
                r#"<text x="{}" y="{}" font-size="{}" text-anchor="middle" stroke="none">{len}</text>"#,
                n((pair[0] + pair[1]) as f64 / 2.0),
                n(y - unit * 0.3),
                n(size)
            );
        }
    };
    let xs: Vec<i64> = xs.into_iter().collect();
    horizontal(&mut s, &xs, min_y - unit * 2.0);
    horizontal(&mut s, &[xs[0], xs[xs.len() - 1]], min_y - unit * 4.0);
    let ys: Vec<i64> = ys.into_iter().collect();
    let vertical = |s: &mut String, stops: &[i64], x: f64| {
        let _ = writeln!(
            s,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke-width="{stroke}"/>"#,
            n(x),
            stops[0],
            n(x),
            stops[stops.len() - 1]
        );
        for &y in stops {
            let _ = writeln!(
                s,
                r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke-width="{}"/>"#,
                n(x - tick),
                n(y as f64 + tick),
                n(x + tick),
                n(y as f64 - tick),
                n(unit * 0.09)
            );
        }
        for pair in stops.windows(2) {
            let len = pair[1] - pair[0];
            if (len as f64) < text_width(&len.to_string(), size) * 1.1 {
                continue;
            }
            let (tx, ty) = (x - unit * 0.3, (pair[0] + pair[1]) as f64 / 2.0);
            let _ = writeln!(
                s,
                r#"<text x="{}" y="{}" font-size="{}" text-anchor="middle" stroke="none" transform="rotate(-90 {} {})">{len}</text>"#,
                n(tx),
                n(ty),
                n(size),
                n(tx),
                n(ty)
            );
        }
    };
    vertical(&mut s, &ys, min_x - unit * 2.0);
    vertical(&mut s, &[ys[0], ys[ys.len() - 1]], min_x - unit * 4.0);
    s.push_str("</g>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_a_fixed_format() {
        assert_eq!(n(1200.0), "1200");
        assert_eq!(n(-0.01), "0");
        assert_eq!(n(12.345), "12.3");
        assert_eq!(format_area(9.0), "9.0");
        assert_eq!(format_area(12.25), "12.3");
    }
}
