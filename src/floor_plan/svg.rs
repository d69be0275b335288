//! Draws a measured floor plan as SVG: to scale, with walls, doors and windows, equipment
//! symbols, room labels with areas, zones as hatch patterns (readable in black and white),
//! flows as arrows with distinct line styles, dimension lines, a scale bar, a north arrow and
//! a legend. Pure: a plan in, a string out; same plan, same bytes.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::geometry::{self, Point};
use super::measure::{MeasuredPlan, footprint};
use super::schema::{FlowKind, Swing, Zone};
use super::symbols::SymbolLibrary;

/// The font family the drawings ask for: the bundled font first, then common system fonts.
pub const FONT_FAMILY: &str =
    "'Permitroom Sans SC', 'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";

/// A room to outline as failing, with the number of its explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct Highlight {
    pub room: String,
    pub number: usize,
}

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

/// Estimated width of a line of text at `size` (CJK characters are one em, others about half).
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars().map(|c| if c.is_ascii() { 0.56 } else { 1.0 }).sum::<f64>() * size
}

fn zone_fill(zone: Option<Zone>) -> String {
    match zone {
        Some(z) => format!("url(#zone-{})", z.id()),
        None => "#ffffff".into(),
    }
}

fn flow_style(kind: FlowKind) -> (&'static str, &'static str) {
    match kind {
        FlowKind::Patient => ("#1f5fbf", "none"),
        FlowKind::Instrument => ("#b3261e", "320 110 60 110"),
        FlowKind::Staff => ("#2e7d32", "60 110"),
    }
}

const DEFS: &str = r##"<defs>
<pattern id="zone-public" patternUnits="userSpaceOnUse" width="600" height="600"><rect width="600" height="600" fill="#fafafa"/><circle cx="150" cy="150" r="28" fill="#9e9e9e"/><circle cx="450" cy="450" r="28" fill="#9e9e9e"/></pattern>
<pattern id="zone-clean" patternUnits="userSpaceOnUse" width="400" height="400" patternTransform="rotate(45)"><rect width="400" height="400" fill="#f1f7fd"/><line x1="0" y1="0" x2="0" y2="400" stroke="#8fb4da" stroke-width="30"/></pattern>
<pattern id="zone-dirty" patternUnits="userSpaceOnUse" width="400" height="400" patternTransform="rotate(45)"><rect width="400" height="400" fill="#fdf3ec"/><line x1="0" y1="0" x2="0" y2="400" stroke="#d39b72" stroke-width="30"/><line x1="0" y1="0" x2="400" y2="0" stroke="#d39b72" stroke-width="30"/></pattern>
<pattern id="zone-sterile" patternUnits="userSpaceOnUse" width="300" height="300"><rect width="300" height="300" fill="#f0f9f1"/><circle cx="150" cy="150" r="40" fill="#7cb987"/></pattern>
<pattern id="zone-radiation" patternUnits="userSpaceOnUse" width="300" height="300"><rect width="300" height="300" fill="#fdfbe8"/><line x1="0" y1="150" x2="300" y2="150" stroke="#c9b43c" stroke-width="40"/></pattern>
<pattern id="zone-staff" patternUnits="userSpaceOnUse" width="400" height="400"><rect width="400" height="400" fill="#f6f4fa"/><line x1="200" y1="0" x2="200" y2="400" stroke="#b3a6cf" stroke-width="30"/></pattern>
<marker id="arrow-patient" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#1f5fbf"/></marker>
<marker id="arrow-instrument" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#b3261e"/></marker>
<marker id="arrow-staff" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#2e7d32"/></marker>
</defs>
"##;

/// Draws one symbol centred on (0, 0), unrotated, `w` wide and `d` deep.
fn symbol_shapes(id: &str, w: f64, d: f64) -> String {
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
    let extra = match id {
        "dental-chair" => format!(
            r#"<circle cx="0" cy="{}" r="{}"/><line x1="{}" y1="{}" x2="{}" y2="{}"/><line x1="{}" y1="{}" x2="{}" y2="{}"/>"#,
            n(-hd + r * 0.25),
            n(r * 0.17),
            n(-hw + r * 0.12),
            n(-hd * 0.3),
            n(hw - r * 0.12),
            n(-hd * 0.3),
            n(-hw + r * 0.12),
            n(hd * 0.35),
            n(hw - r * 0.12),
            n(hd * 0.35)
        ),
        "sink" => format!(
            r#"<ellipse cx="0" cy="{}" rx="{}" ry="{}"/><circle cx="0" cy="{}" r="{}"/>"#,
            n(hd * 0.1),
            n(hw * 0.7),
            n(hd * 0.6),
            n(hd * 0.1),
            n(r * 0.06)
        ),
        "toilet" => format!(
            r#"<rect x="{}" y="{}" width="{}" height="{}"/><ellipse cx="0" cy="{}" rx="{}" ry="{}"/>"#,
            n(-hw),
            n(-hd),
            n(w),
            n(d * 0.25),
            n(hd * 0.25),
            n(hw * 0.85),
            n(hd * 0.6)
        ),
        "cabinet" => format!(
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}"/><line x1="{}" y1="{}" x2="{}" y2="{}"/>"#,
            n(-hw),
            n(-hd),
            n(hw),
            n(hd),
            n(-hw),
            n(hd),
            n(hw),
            n(-hd)
        ),
        "bench" => format!(
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}"/><line x1="{}" y1="{}" x2="{}" y2="{}"/>"#,
            n(-w / 6.0),
            n(-hd),
            n(-w / 6.0),
            n(hd),
            n(w / 6.0),
            n(-hd),
            n(w / 6.0),
            n(hd)
        ),
        "reception-desk" | "desk" => format!(
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}"/>"#,
            n(-hw),
            n(hd * 0.4),
            n(hw),
            n(hd * 0.4)
        ),
        "autoclave" | "compressor" | "suction" => format!(r#"<circle cx="0" cy="0" r="{}"/>"#, n(r * 0.32)),
        "ultrasonic-cleaner" | "washer-disinfector" | "sealer" => format!(
            r#"<rect x="{}" y="{}" width="{}" height="{}"/>"#,
            n(-hw * 0.6),
            n(-hd * 0.6),
            n(w * 0.6),
            n(d * 0.6)
        ),
        "xray-intraoral" | "panoramic" | "cbct" => format!(
            r#"<circle cx="0" cy="0" r="{}"/><line x1="{}" y1="0" x2="{}" y2="0"/><line x1="0" y1="{}" x2="0" y2="{}"/>"#,
            n(r * 0.3),
            n(-r * 0.45),
            n(r * 0.45),
            n(-r * 0.45),
            n(r * 0.45)
        ),
        "waste-bin" => format!(
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}"/>"#,
            n(-hw),
            n(-hd),
            n(hw),
            n(hd)
        ),
        "warning-light" => format!(r#"<circle cx="0" cy="0" r="{}"/>"#, n(r * 0.25)),
        _ => format!(
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}"/>"#,
            n(-hw),
            n(hd),
            n(hw),
            n(-hd)
        ),
    };
    format!("{frame}{extra}")
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
    let (min_x, max_x, min_y, max_y) = geometry::bounds(&room.points);
    // Score a candidate: overlap with obstacles (mm²), then distance from the centre.
    let overlap = |c: Point| -> Option<f64> {
        let a = footprint(c, box_w, box_h, 0);
        if !geometry::polygon_within(&a, &room.points) {
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

/// The drawing.
pub fn plan_svg(plan: &MeasuredPlan, symbols: &SymbolLibrary, highlights: &[Highlight]) -> Drawing {
    let (min_x, max_x, min_y, max_y) = geometry::bounds(&plan.outline);
    let (plan_w, plan_h) = (max_x - min_x, max_y - min_y);
    let unit = base_unit(plan);
    let margin = unit * 6.0;

    // Legend entries, decided first so the canvas can be sized.
    let zones: BTreeSet<Zone> = plan.rooms.iter().filter_map(|r| r.zone).collect();
    let flows: BTreeSet<FlowKind> = plan.flows.iter().map(|f| f.kind).collect();
    let used_symbols: BTreeSet<&str> = plan.placed.iter().map(|p| p.symbol.as_str()).collect();
    let mut legend: Vec<(String, String)> = Vec::new(); // (swatch svg at 0,0 in a unit*2 box, label)
    let sw = unit * 2.2;
    for z in &zones {
        legend.push((
            format!(
                r##"<rect x="0" y="{}" width="{}" height="{}" fill="url(#zone-{})" stroke="#444" stroke-width="{}"/>"##,
                n(-unit * 0.8),
                n(sw),
                n(unit * 1.6),
                z.id(),
                n(unit * 0.08)
            ),
            z.label().into(),
        ));
    }
    for f in &flows {
        let (color, dash) = flow_style(*f);
        legend.push((format!(r#"<line x1="0" y1="0" x2="{}" y2="0" stroke="{color}" stroke-width="{}" stroke-dasharray="{dash}" marker-end="url(#arrow-{})"/>"#, n(sw), n(unit * 0.22), f.id()), f.label().into()));
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
                symbol_shapes(s, sym.width as f64, sym.depth as f64)
            ),
            sym.label.clone(),
        ));
    }
    if !plan.doors.is_empty() {
        legend.push((format!(r##"<path d="M0,{y} L{w},{y} M0,{y} L0,{t} A{r},{r} 0 0 1 {w},{y}" fill="none" stroke="#222" stroke-width="{s}"/>"##, y = n(unit * 0.8), w = n(unit * 1.6), t = n(-unit * 0.8), r = n(unit * 1.6), s = n(unit * 0.08)), "门（弧线为开启方向）".into()));
    }
    if !plan.windows.is_empty() {
        legend.push((format!(r##"<rect x="0" y="{}" width="{}" height="{}" fill="#fff" stroke="#222" stroke-width="{}"/><line x1="0" y1="0" x2="{}" y2="0" stroke="#222" stroke-width="{}"/>"##, n(-unit * 0.3), n(sw), n(unit * 0.6), n(unit * 0.08), n(sw), n(unit * 0.06)), "窗".into()));
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
            "无墙开敞连通".into(),
        ));
    }
    if !highlights.is_empty() {
        legend.push((format!(r##"<rect x="0" y="{}" width="{}" height="{}" fill="none" stroke="#b3261e" stroke-width="{}" stroke-dasharray="{} {}"/>"##, n(-unit * 0.8), n(sw), n(unit * 1.6), n(unit * 0.25), n(unit * 0.5), n(unit * 0.25)), "不符合要求的房间（编号见下表）".into()));
    }
    let col_w = unit * 13.0;
    let cols = ((plan_w + margin) / col_w).floor().max(1.0) as usize;
    let rows = legend.len().div_ceil(cols);
    let row_h = unit * 2.4;
    let scale_bar_h = unit * 4.0;
    let legend_h = if legend.is_empty() {
        0.0
    } else {
        unit * 2.0 + rows as f64 * row_h
    };

    let vb_x = min_x - margin;
    let vb_y = min_y - margin;
    let vb_w = plan_w + 2.0 * margin;
    let vb_h = plan_h + margin + unit * 1.5 + scale_bar_h + legend_h;
    let mut s = String::new();
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
    let _ = writeln!(
        s,
        r#"<desc id="plan-desc">{} 建筑面积 {} m²，使用面积合计 {} m²，牙椅 {} 台，房间 {} 间。</desc>"#,
        escape(&plan.description),
        format_area(plan.gross_area_m2),
        format_area(plan.net_area_m2),
        plan.chairs,
        plan.rooms.len()
    );
    s.push_str(DEFS);
    let _ = writeln!(
        s,
        r##"<rect x="{}" y="{}" width="{}" height="{}" fill="#ffffff"/>"##,
        n(vb_x),
        n(vb_y),
        n(vb_w),
        n(vb_h)
    );

    // Zones: room floors filled with the zone's pattern.
    s.push_str("<g id=\"zones\">\n");
    for room in &plan.rooms {
        let _ = writeln!(
            s,
            r#"<polygon points="{}" fill="{}"/>"#,
            points_attr(&room.points),
            zone_fill(room.zone)
        );
    }
    s.push_str("</g>\n");

    // Walls: inner walls thin, the outline thick.
    let wall = plan.wall.max(60.0);
    s.push_str("<g id=\"walls\" fill=\"none\" stroke=\"#1a1a1a\" stroke-linejoin=\"miter\">\n");
    for room in &plan.rooms {
        let _ = writeln!(
            s,
            r#"<polygon points="{}" stroke-width="{}"/>"#,
            points_attr(&room.points),
            n(wall * 0.6)
        );
    }
    let _ = writeln!(
        s,
        r#"<polygon points="{}" stroke-width="{}"/>"#,
        points_attr(&plan.outline),
        n(wall * 1.2)
    );
    s.push_str("</g>\n");

    // Openings in walls: open connections, doors, windows.
    s.push_str("<g id=\"openings\">\n");
    for (p, q, _, _) in &plan.open_walls {
        let _ = writeln!(
            s,
            r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#ffffff" stroke-width="{}"/>"##,
            n(p.x),
            n(p.y),
            n(q.x),
            n(q.y),
            n(wall * 0.8)
        );
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
    for o in plan.doors.iter().chain(&plan.windows) {
        let len = geometry::distance(o.a, o.b);
        let (ux, uy) = ((o.b.x - o.a.x) / len, (o.b.y - o.a.y) / len);
        let h = o.width / 2.0;
        let (p, q) = (
            Point::new(o.at.x - ux * h, o.at.y - uy * h),
            Point::new(o.at.x + ux * h, o.at.y + uy * h),
        );
        let _ = writeln!(
            s,
            r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#ffffff" stroke-width="{}"/>"##,
            n(p.x),
            n(p.y),
            n(q.x),
            n(q.y),
            n(wall * 1.3)
        );
        match o.swing {
            None => {
                // Window: the wall's two faces and the glass line between.
                for off in [-wall * 0.45, 0.0, wall * 0.45] {
                    let (dx, dy) = (o.inward.x * off, o.inward.y * off);
                    let _ = writeln!(
                        s,
                        r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#1a1a1a" stroke-width="{}"/>"##,
                        n(p.x + dx),
                        n(p.y + dy),
                        n(q.x + dx),
                        n(q.y + dy),
                        n(unit * 0.06)
                    );
                }
            }
            Some(Swing::Sliding) => {
                let (dx, dy) = (o.inward.x * wall * 0.5, o.inward.y * wall * 0.5);
                let _ = writeln!(
                    s,
                    r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#1a1a1a" stroke-width="{}"/>"##,
                    n(p.x + dx),
                    n(p.y + dy),
                    n(q.x * 0.8 + p.x * 0.2 + dx),
                    n(q.y * 0.8 + p.y * 0.2 + dy),
                    n(unit * 0.1)
                );
            }
            Some(swing) => {
                // Hinge at p; the leaf stands perpendicular to the wall, the arc shows the swing.
                let dir = if swing == Swing::In { 1.0 } else { -1.0 };
                let (nx, ny) = (o.inward.x * dir, o.inward.y * dir);
                let tip = Point::new(p.x + nx * o.width, p.y + ny * o.width);
                // Sweep direction: from the leaf tip to q around p.
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
    s.push_str("</g>\n");

    // Equipment.
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
            symbol_shapes(&p.symbol, sym.width as f64, sym.depth as f64)
        );
    }
    s.push_str("</g>\n");

    // Failure markers sit in the top-left corner of a failing room.
    let marker_at = |room: &super::measure::MeasuredRoom| {
        let corner = room.points.iter().fold(room.points[0], |a, p| {
            if p.y < a.y || (p.y == a.y && p.x < a.x) { *p } else { a }
        });
        Point::new(corner.x + unit * 1.1, corner.y + unit * 1.1)
    };
    let markers: Vec<Vec<Point>> = highlights
        .iter()
        .filter_map(|h| plan.room(&h.room))
        .map(|room| footprint(marker_at(room), unit * 1.8, unit * 1.8, 0))
        .collect();

    // Where each room's label goes: inside the room, off equipment and door swings.
    let label_places: Vec<(Point, f64, String, String)> = plan
        .rooms
        .iter()
        .enumerate()
        .map(|(i, room)| {
            let area = format!("{} m²", format_area(room.area_m2));
            let largest = unit.min(room.shortest_side_m * 1000.0 / 5.5);
            // The largest size that fits without covering equipment, down to 60 %.
            let mut place = None;
            for scale in [1.0, 0.85, 0.7, 0.6] {
                let size = largest * scale;
                let box_w = text_width(&room.label, size).max(text_width(&area, size * 0.85)) + size * 0.3;
                let box_h = size * 2.3;
                let (at, clear) = label_position(plan, symbols, &markers, i, box_w, box_h);
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
        .collect();

    // Flows: from the foot of one room's label to the next.
    s.push_str("<g id=\"flows\" fill=\"none\">\n");
    for flow in &plan.flows {
        let (color, dash) = flow_style(flow.kind);
        let points: Vec<Point> = flow
            .rooms
            .iter()
            .map(|&i| {
                let (at, size, _, _) = &label_places[i];
                Point::new(at.x, at.y + size * 1.6)
            })
            .collect();
        for pair in points.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            // Stop short of the label so the arrowhead stays visible.
            let len = geometry::distance(a, b).max(1.0);
            let cut = (unit * 0.6).min(len / 3.0);
            let (ux, uy) = ((b.x - a.x) / len, (b.y - a.y) / len);
            let _ = writeln!(
                s,
                r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{color}" stroke-width="{}" stroke-dasharray="{dash}" marker-end="url(#arrow-{})"/>"#,
                n(a.x + ux * cut),
                n(a.y + uy * cut),
                n(b.x - ux * cut),
                n(b.y - uy * cut),
                n(unit * 0.22),
                flow.kind.id()
            );
        }
    }
    s.push_str("</g>\n");

    // Labels (placed before flows, which point at them).
    s.push_str("<g id=\"labels\" text-anchor=\"middle\" fill=\"#111111\">\n");
    for (at, size, label, area) in &label_places {
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

    // Failing rooms.
    if !highlights.is_empty() {
        s.push_str("<g id=\"failures\">\n");
        for h in highlights {
            let Some(room) = plan.room(&h.room) else { continue };
            let _ = writeln!(
                s,
                r##"<polygon points="{}" fill="none" stroke="#b3261e" stroke-width="{}" stroke-dasharray="{} {}"/>"##,
                points_attr(&room.points),
                n(unit * 0.25),
                n(unit * 0.5),
                n(unit * 0.25)
            );
            let corner = room.points.iter().fold(room.points[0], |a, p| {
                if p.y < a.y || (p.y == a.y && p.x < a.x) { *p } else { a }
            });
            let (cx, cy) = (corner.x + unit * 1.1, corner.y + unit * 1.1);
            let _ = writeln!(
                s,
                r##"<circle cx="{}" cy="{}" r="{}" fill="#b3261e"/><text x="{}" y="{}" font-size="{}" font-weight="bold" fill="#ffffff" text-anchor="middle">{}</text>"##,
                n(cx),
                n(cy),
                n(unit * 0.8),
                n(cx),
                n(cy + unit * 0.38),
                n(unit * 1.05),
                h.number
            );
        }
        s.push_str("</g>\n");
    }

    // Dimension lines on the outer walls: a chain of the room edges, and the overall size.
    s.push_str(&dimensions(plan, min_x, max_x, min_y, max_y, unit));

    // North arrow (top right, in the margin).
    let (nx, ny) = (max_x + margin * 0.5, min_y - margin * 0.55);
    let r = unit * 1.3;
    let _ = writeln!(
        s,
        r##"<g id="north" transform="translate({} {}) rotate({})"><circle r="{}" fill="#ffffff" stroke="#222" stroke-width="{}"/><path d="M0,{} L{},{} L0,{} L{},{} z" fill="#222"/><text y="{}" font-size="{}" text-anchor="middle" font-weight="bold" fill="#222">北</text></g>"##,
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
        n(unit * 0.9)
    );

    // Scale bar.
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
        r#"<text x="{}" y="{}" text-anchor="start">比例尺</text></g>"#,
        n(bx + bar_m as f64 * 1000.0 + unit * 1.8),
        n(by + unit * 0.5)
    );

    // Legend.
    if !legend.is_empty() {
        let ly = max_y + margin * 0.55 + scale_bar_h;
        let _ = writeln!(
            s,
            r##"<g id="legend" font-size="{}" fill="#222"><text x="{}" y="{}" font-weight="bold">图例</text>"##,
            n(unit * 0.85),
            n(min_x),
            n(ly)
        );
        for (i, (swatch, label)) in legend.iter().enumerate() {
            let (col, row) = (i % cols, i / cols);
            let x = min_x - margin * 0.5 + margin * 0.5 + col as f64 * col_w;
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
    s.push_str("</svg>\n");
    Drawing {
        svg: s,
        width: (vb_w / 20.0).round() as u32,
        height: (vb_h / 20.0).round() as u32,
    }
}

fn points_attr(points: &[Point]) -> String {
    points
        .iter()
        .map(|p| format!("{},{}", n(p.x), n(p.y)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Areas as applicants see them: m² with one decimal.
pub fn format_area(m2: f64) -> String {
    format!("{:.1}", (m2 * 10.0).round() / 10.0)
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
