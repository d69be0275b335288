//! Checks a parsed floor plan and measures it: room areas inside the walls, the gross area,
//! shortest sides, equipment counts, where doors and windows sit on the walls. Every geometric
//! mistake (overlapping rooms, equipment outside its room, a door off the wall) is a
//! diagnostic at the line and column of the offending entry.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Serialize;
use toml::Spanned;

use super::geometry::{self, Inside, Point};
use super::symbols::SymbolLibrary;
use super::vocabulary::{Vocabulary, unknown_hint};
use crate::diagnostics::{Diagnostic, Diagnostics, nearest};
use crate::source::format::{ExampleKind, Slug};
use crate::source::plan_format::{OUTSIDE, PlanToml, RoomToml, Swing};

#[derive(Debug, Clone, Serialize)]
pub struct MeasuredRoom {
    pub id: String,
    /// A room kind of the plan's vocabulary.
    pub kind: String,
    pub label: String,
    pub zone: Option<String>,
    /// The room's outline on the wall axes (and the outer walls' outer face).
    #[serde(skip)]
    pub points: Vec<Point>,
    /// The clear inside: the outline less the walls.
    #[serde(skip)]
    pub inner: Vec<Point>,
    /// Net (usable) area: the clear inside, m².
    pub area_m2: f64,
    /// The shortest side of the clear inside, m.
    pub shortest_side_m: f64,
    /// Counted quantities of the vocabulary (e.g. seats), by id.
    pub counts: BTreeMap<String, u32>,
    pub equipment: BTreeMap<String, u32>,
    #[serde(skip)]
    pub label_at: Point,
}

#[derive(Debug, Clone)]
pub struct PlacedEquipment {
    pub symbol: String,
    pub room: String,
    pub center: Point,
    pub rotate: i32,
}

/// A door or window in a wall: `a`–`b` is the wall edge it sits on, `at` its middle.
#[derive(Debug, Clone)]
pub struct Opening {
    pub room: String,
    /// The room on the other side; `None` is outside the building.
    pub other: Option<String>,
    pub at: Point,
    pub width: f64,
    pub a: Point,
    pub b: Point,
    /// Unit normal pointing into the room.
    pub inward: Point,
    /// Thickness of the wall it sits in, mm.
    pub wall: f64,
    /// Where the wall's faces are, as offsets along `inward` from the edge (outer, inner).
    pub faces: (f64, f64),
    pub swing: Option<Swing>,
    pub label: Option<String>,
}

impl Opening {
    /// Whether it joins rooms `a` and `b` (either way round; `None` is outside).
    pub fn joins(&self, a: Option<&str>, b: Option<&str>) -> bool {
        let (x, y) = (Some(self.room.as_str()), self.other.as_deref());
        (x == a && y == b) || (x == b && y == a)
    }
}

/// How a flow passes from one room to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Passage {
    Door(usize),
    Window(usize),
    Open(usize),
}

#[derive(Debug, Clone)]
pub struct Flow {
    /// A flow kind of the plan's vocabulary.
    pub kind: String,
    /// Indices into the plan's rooms, in order; `None` is outside.
    pub rooms: Vec<Option<usize>>,
    /// The passage used between each pair of consecutive rooms.
    pub passages: Vec<Passage>,
    /// The drawn route: through each room and each passage, in millimetres.
    pub route: Vec<Point>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MeasuredPlan {
    /// The file stem, used in output names (`compliant` for `plans/compliant.toml`).
    pub id: String,
    pub file: String,
    pub title: String,
    pub description: String,
    pub example: ExampleKind,
    /// The vocabulary the plan is written in.
    pub vocabulary: String,
    #[serde(skip)]
    pub outline: Vec<Point>,
    /// Interior and outer wall thickness, mm.
    pub wall_mm: u32,
    pub outer_wall_mm: u32,
    #[serde(skip)]
    pub north: i32,
    /// The outline's area (to the outer face of the outer walls), m².
    pub gross_area_m2: f64,
    /// The sum of the rooms' clear insides, m².
    pub net_area_m2: f64,
    /// Counted quantities of the vocabulary, over the whole plan.
    pub counts: BTreeMap<String, u32>,
    pub equipment: BTreeMap<String, u32>,
    pub rooms: Vec<MeasuredRoom>,
    #[serde(skip)]
    pub placed: Vec<PlacedEquipment>,
    #[serde(skip)]
    pub doors: Vec<Opening>,
    #[serde(skip)]
    pub windows: Vec<Opening>,
    /// Open connections (no wall): the two room indices and the open piece of wall.
    #[serde(skip)]
    pub open_walls: Vec<(usize, usize, Point, Point)>,
    #[serde(skip)]
    pub flows: Vec<Flow>,
    #[serde(skip)]
    pub annotations: Vec<(Point, String)>,
}

impl MeasuredPlan {
    pub fn room(&self, id: &str) -> Option<&MeasuredRoom> {
        self.rooms.iter().find(|r| r.id == id)
    }

    pub(crate) fn room_index(&self, id: &str) -> Option<usize> {
        self.rooms.iter().position(|r| r.id == id)
    }

    /// The point a passage is drawn through.
    pub(crate) fn passage_point(&self, passage: Passage) -> Point {
        match passage {
            Passage::Door(i) => self.doors[i].at,
            Passage::Window(i) => self.windows[i].at,
            Passage::Open(i) => {
                let (_, _, p, q) = self.open_walls[i];
                Point::new((p.x + q.x) / 2.0, (p.y + q.y) / 2.0)
            }
        }
    }
}

struct Ctx<'a> {
    file: &'a str,
    diagnostics: &'a mut Diagnostics,
}

impl Ctx<'_> {
    fn error(&mut self, span: Range<usize>, message: impl Into<String>) -> &mut Diagnostic {
        self.diagnostics.push(Diagnostic::error(self.file, Some(span), message));
        self.diagnostics.last_mut()
    }
}

/// Footprint corners of a symbol of `width` × `depth` centred on `c`, rotated by a multiple of
/// 90°.
pub(crate) fn footprint(c: Point, width: f64, depth: f64, rotate: i32) -> Vec<Point> {
    let (w, d) = if rotate.rem_euclid(180) == 90 {
        (depth, width)
    } else {
        (width, depth)
    };
    let (hw, hd) = (w / 2.0, d / 2.0);
    vec![
        Point::new(c.x - hw, c.y - hd),
        Point::new(c.x + hw, c.y - hd),
        Point::new(c.x + hw, c.y + hd),
        Point::new(c.x - hw, c.y + hd),
    ]
}

/// Checks and measures a plan against its vocabulary. Returns `None` only when the plan is too
/// broken to draw.
pub fn measure_plan(
    file: &str,
    id: &str,
    example: ExampleKind,
    plan: &PlanToml,
    vocabulary: &Vocabulary,
    symbols: &SymbolLibrary,
    diagnostics: &mut Diagnostics,
) -> Option<MeasuredPlan> {
    let mut ctx = Ctx { file, diagnostics };
    let errors_before = ctx.diagnostics.error_count();

    let outline = checked_outline(&mut ctx, plan)?;
    let (rooms, room_spans) = rooms(&mut ctx, plan, vocabulary, &outline);
    let walls = walls(&mut ctx, plan, &rooms, &outline);
    let mut building = Building { outline, walls, rooms };
    building.clear_insides(&mut ctx, plan, &room_spans);
    if ctx.diagnostics.error_count() > errors_before {
        return None;
    }
    let placed = place_equipment(&mut ctx, plan, &mut building.rooms, vocabulary, symbols);
    let passages = Passages {
        doors: building.doors(&mut ctx, plan),
        windows: building.windows(&mut ctx, plan),
        open_walls: building.open_walls(&mut ctx, plan),
    };
    let flows = flows(&mut ctx, plan, vocabulary, &building.rooms, &passages);
    let annotations = plan
        .annotations
        .iter()
        .map(|a| (Point::from_mm(*a.at.get_ref()), a.text.clone()))
        .collect();

    if ctx.diagnostics.error_count() > errors_before {
        return None;
    }
    let Building { outline, rooms, .. } = building;
    let (equipment, counts) = totals(&placed, &rooms, vocabulary);
    let mut measured = MeasuredPlan {
        id: id.to_owned(),
        file: file.to_owned(),
        title: plan.title.clone(),
        description: plan.description.clone(),
        example,
        vocabulary: vocabulary.id.clone(),
        gross_area_m2: geometry::area_m2(plan.outline.get_ref()),
        net_area_m2: (rooms.iter().map(|r| r.area_m2).sum::<f64>() * 1e6).round() / 1e6,
        counts,
        outline,
        wall_mm: *plan.wall.get_ref(),
        outer_wall_mm: plan.outer_wall.as_ref().map_or(*plan.wall.get_ref(), |w| *w.get_ref()),
        north: plan.north,
        equipment,
        rooms,
        placed,
        doors: passages.doors,
        windows: passages.windows,
        open_walls: passages.open_walls,
        flows,
        annotations,
    };
    route_flows(&mut measured);
    Some(measured)
}

/// The outline, the outer face of the outer walls: a simple polygon with some area.
fn checked_outline(ctx: &mut Ctx, plan: &PlanToml) -> Option<Vec<Point>> {
    let outline: Vec<Point> = plan.outline.get_ref().iter().map(|&p| Point::from_mm(p)).collect();
    if outline.len() < 3 || !geometry::is_simple(&outline) || geometry::doubled_signed_area(plan.outline.get_ref()) == 0
    {
        ctx.error(
            plan.outline.span(),
            "the outline must be a simple polygon with at least 3 corners",
        )
        .hints
        .push(
            "list the corners of the outer wall line in order, e.g. [[0, 0], [18000, 0], [18000, 11000], [0, 11000]]"
                .into(),
        );
        return None;
    }
    Some(outline)
}

/// The rooms that can be measured, on their wall axes (not yet inset), and where each shape is
/// written. A room with no shape, an unknown kind or zone, or a shape that is no polygon is
/// left out; one outside the outline or overlapping another is kept (and reported).
fn rooms(
    ctx: &mut Ctx,
    plan: &PlanToml,
    vocabulary: &Vocabulary,
    outline: &[Point],
) -> (Vec<MeasuredRoom>, Vec<Range<usize>>) {
    let mut rooms: Vec<MeasuredRoom> = Vec::new();
    let mut room_spans: Vec<Range<usize>> = Vec::new();
    for room in &plan.rooms {
        let Some((points_mm, span)) = room_shape(ctx, room) else {
            continue;
        };
        if !room_words_known(ctx, room, vocabulary) {
            continue;
        }
        let points: Vec<Point> = points_mm.iter().map(|&p| Point::from_mm(p)).collect();
        if points.len() < 3 || !geometry::is_simple(&points) || geometry::doubled_signed_area(&points_mm) == 0 {
            ctx.error(
                span,
                "a room must be a simple polygon with at least 3 corners and some area",
            );
            continue;
        }
        if rooms.iter().any(|r| r.id == room.id.get_ref().as_str()) {
            let first = plan
                .rooms
                .iter()
                .find(|r| r.id.get_ref() == room.id.get_ref())
                .map(|r| r.id.span());
            let file = ctx.file;
            let d = ctx.error(room.id.span(), format!("duplicate room id `{}`", room.id.get_ref()));
            d.label = Some("defined again here".into());
            d.notes.push(crate::diagnostics::Note {
                file: file.to_owned(),
                span: first,
                message: "first defined here".into(),
            });
            continue;
        }
        if !geometry::polygon_within(&points, outline) {
            ctx.error(
                span.clone(),
                format!("room `{}` reaches outside the outline", room.id.get_ref()),
            )
            .label = Some("outside the outer walls".into());
        }
        if let Some(other) = rooms.iter().find(|r| geometry::polygons_overlap(&r.points, &points)) {
            let other_id = other.id.clone();
            let d = ctx.error(
                span.clone(),
                format!("room `{}` overlaps room `{other_id}`", room.id.get_ref()),
            );
            d.label = Some("overlapping shape".into());
            d.hints
                .push("rooms may share walls but not floor area: check the coordinates of both rooms".into());
        }
        rooms.push(MeasuredRoom {
            id: room.id.get_ref().to_string(),
            kind: room.kind.get_ref().as_str().to_owned(),
            label: room.label.clone(),
            zone: room.zone.as_ref().map(|z| z.get_ref().to_string()),
            label_at: geometry::interior_point(&points),
            area_m2: 0.0,
            shortest_side_m: 0.0,
            inner: Vec::new(),
            points,
            counts: BTreeMap::new(),
            equipment: BTreeMap::new(),
        });
        room_spans.push(span);
    }
    (rooms, room_spans)
}

/// A room's corners as written (`rect` or `polygon`, one of the two) and where they are written.
fn room_shape(ctx: &mut Ctx, room: &RoomToml) -> Option<(Vec<[i64; 2]>, Range<usize>)> {
    match (&room.rect, &room.polygon) {
        (Some(rect), None) => {
            let [_, _, w, h] = *rect.get_ref();
            if w <= 0 || h <= 0 {
                ctx.error(rect.span(), "a room's width and depth must be positive");
                return None;
            }
            Some((geometry::rect_points(*rect.get_ref()), rect.span()))
        }
        (None, Some(polygon)) => Some((polygon.get_ref().clone(), polygon.span())),
        (Some(rect), Some(_)) => {
            ctx.error(rect.span(), "a room has either `rect` or `polygon`, not both");
            None
        }
        (None, None) => {
            ctx.error(room.id.span(), format!("room `{}` has no shape", room.id.get_ref()))
                .hints
                .push("add `rect = [x, y, width, depth]` or `polygon = [[x, y], ...]`".into());
            None
        }
    }
}

/// Whether the room's kind and zone are words of the vocabulary and its id is not the outside's.
fn room_words_known(ctx: &mut Ctx, room: &RoomToml, vocabulary: &Vocabulary) -> bool {
    let kind = room.kind.get_ref().as_str();
    if !vocabulary.kinds.contains_key(kind) {
        let hint = match vocabulary.groups.get(kind) {
            Some(g) => format!(
                "`{kind}` is a group of room kinds ({}); a room has one kind",
                g.kinds.join(", ")
            ),
            None => unknown_hint(kind, vocabulary.kinds.keys().map(String::as_str), "room kinds"),
        };
        ctx.error(
            room.kind.span(),
            format!("unknown room kind `{kind}` in vocabulary `{}`", vocabulary.id),
        )
        .hints
        .push(hint);
        return false;
    }
    if let Some(zone) = &room.zone
        && !vocabulary.zones.contains_key(zone.get_ref().as_str())
    {
        let z = zone.get_ref().as_str();
        ctx.error(
            zone.span(),
            format!("unknown zone `{z}` in vocabulary `{}`", vocabulary.id),
        )
        .hints
        .push(unknown_hint(z, vocabulary.zones.keys().map(String::as_str), "zones"));
        return false;
    }
    if room.id.get_ref().as_str() == OUTSIDE {
        ctx.error(
            room.id.span(),
            format!("`{OUTSIDE}` stands for the outside of the building"),
        )
        .hints
        .push("give the room another id".into());
        return false;
    }
    true
}

fn room_index(rooms: &[MeasuredRoom], id: &str) -> Option<usize> {
    rooms.iter().position(|r| r.id == id)
}

fn unknown_room(ctx: &mut Ctx, span: Range<usize>, id: &str, rooms: &[MeasuredRoom]) {
    let d = ctx.error(span, format!("no room `{id}` in this plan"));
    if let Some(best) = nearest(id, rooms.iter().map(|r| r.id.as_str())) {
        d.hints.push(format!("did you mean `{best}`?"));
    }
}

/// How thick each wall is: the plan's interior and outer walls, and walls of their own
/// thickness (`[[walls]]`) by the pair of sides (room indices, `None` is outside).
struct Walls {
    wall: f64,
    outer_wall: f64,
    special: BTreeMap<(Option<usize>, Option<usize>), f64>,
}

impl Walls {
    /// The wall between room `a` and room `b` (`None`: the outside).
    fn between(&self, a: usize, b: Option<usize>) -> f64 {
        let key = (Some(a).min(b), Some(a).max(b));
        self.special
            .get(&key)
            .copied()
            .unwrap_or(if b.is_none() { self.outer_wall } else { self.wall })
    }
}

/// The plan's wall thicknesses; a `[[walls]]` entry between sides that share no wall, or of no
/// thickness, is an error.
fn walls(ctx: &mut Ctx, plan: &PlanToml, rooms: &[MeasuredRoom], outline: &[Point]) -> Walls {
    let wall = *plan.wall.get_ref() as f64;
    let outer_wall = plan.outer_wall.as_ref().map_or(wall, |w| *w.get_ref() as f64);
    let mut special = BTreeMap::new();
    for w in &plan.walls {
        let [a, b] = w.between.get_ref();
        let side = |id: &str| {
            if id == OUTSIDE {
                Some(None)
            } else {
                room_index(rooms, id).map(Some)
            }
        };
        let (Some(sa), Some(sb)) = (side(a.as_str()), side(b.as_str())) else {
            let missing = if side(a.as_str()).is_none() { a } else { b };
            unknown_room(ctx, w.between.span(), missing.as_str(), rooms);
            continue;
        };
        let shares = match (sa, sb) {
            (Some(x), Some(y)) => x != y && geometry::shared_wall(&rooms[x].points, &rooms[y].points).is_some(),
            (Some(x), None) | (None, Some(x)) => geometry::shared_wall(&rooms[x].points, outline).is_some(),
            (None, None) => false,
        };
        if !shares {
            ctx.error(w.between.span(), format!("`{a}` and `{b}` share no wall"));
            continue;
        }
        if *w.thickness.get_ref() == 0 {
            ctx.error(w.thickness.span(), "a wall's thickness must be more than 0 mm")
                .hints
                .push("for an opening without a wall, use [[openings]]".into());
            continue;
        }
        special.insert((sa.min(sb), sa.max(sb)), *w.thickness.get_ref() as f64);
    }
    Walls {
        wall,
        outer_wall,
        special,
    }
}

/// The rooms within the outline and the walls between them: what doors, windows and open
/// connections are placed on.
struct Building {
    outline: Vec<Point>,
    walls: Walls,
    rooms: Vec<MeasuredRoom>,
}

impl Building {
    /// Each room's clear inside, net area and shortest side: every edge moved in by all of an
    /// outer wall (the outline is its outer face), half of an interior wall (room edges lie on
    /// its axis), nothing where it is open. A room the walls leave no inside is an error.
    fn clear_insides(&mut self, ctx: &mut Ctx, plan: &PlanToml, room_spans: &[Range<usize>]) {
        let (wall, outer_wall) = (self.walls.wall, self.walls.outer_wall);
        let edge_depths = self.edge_depths(plan);
        for (i, room) in self.rooms.iter_mut().enumerate() {
            match geometry::inset(&room.points, &edge_depths[i]) {
                Some(inner) => {
                    room.area_m2 = geometry::area_m2_of(&inner);
                    room.shortest_side_m = geometry::shortest_side(&inner) / 1000.0;
                    room.label_at = geometry::interior_point(&inner);
                    room.inner = inner;
                }
                None => {
                    let thickest = edge_depths[i].iter().copied().fold(0.0, f64::max);
                    ctx.error(
                        room_spans[i].clone(),
                        format!("the walls leave room `{}` no inside", room.id),
                    )
                    .hints
                    .push(format!(
                        "its edges move in by up to {thickest} mm (all of an outer wall of {outer_wall} mm, half of an interior wall of {wall} mm or of a [[walls]] entry): make the room larger or the walls thinner"
                    ));
                }
            }
        }
    }

    /// How far each edge of each room moves in.
    fn edge_depths(&self, plan: &PlanToml) -> Vec<Vec<f64>> {
        let rooms = &self.rooms;
        // Pairs of rooms joined by an open connection: no wall between them.
        let open_pairs: Vec<(usize, usize)> = plan
            .openings
            .iter()
            .filter_map(|o| {
                let [a, b] = o.rooms.get_ref();
                let (x, y) = (room_index(rooms, a.as_str())?, room_index(rooms, b.as_str())?);
                Some((x.min(y), x.max(y)))
            })
            .collect();
        (0..rooms.len())
            .map(|i| {
                geometry::edges(&rooms[i].points)
                    .map(|(p, q)| {
                        let mut depth: f64 = 0.0;
                        let mut touched = false;
                        if geometry::edges(&self.outline).any(|(a, b)| geometry::collinear_overlap(p, q, a, b) > 1.0) {
                            depth = depth.max(self.walls.between(i, None));
                            touched = true;
                        }
                        for (j, other) in rooms.iter().enumerate() {
                            if j != i
                                && geometry::edges(&other.points)
                                    .any(|(a, b)| geometry::collinear_overlap(p, q, a, b) > 1.0)
                            {
                                if !open_pairs.contains(&(i.min(j), i.max(j))) {
                                    depth = depth.max(self.walls.between(i, Some(j)) / 2.0);
                                }
                                touched = true;
                            }
                        }
                        if touched { depth } else { self.walls.wall / 2.0 }
                    })
                    .collect()
            })
            .collect()
    }

    fn doors(&self, ctx: &mut Ctx, plan: &PlanToml) -> Vec<Opening> {
        let mut doors = Vec::new();
        for door in &plan.doors {
            if let Some(mut o) = self.place_opening(ctx, &door.room, &door.at, door.width, "door") {
                o.swing = Some(door.swing);
                doors.push(o);
            }
        }
        doors
    }

    fn windows(&self, ctx: &mut Ctx, plan: &PlanToml) -> Vec<Opening> {
        let mut windows = Vec::new();
        for window in &plan.windows {
            if let Some(mut o) = self.place_opening(ctx, &window.room, &window.at, window.width, "window") {
                o.label = window.label.clone();
                windows.push(o);
            }
        }
        windows
    }

    /// A door or window of `room` at `at` (its middle, on one of the room's edges): the wall it
    /// sits in, its faces, which way is in, and what lies on the other side.
    fn place_opening(
        &self,
        ctx: &mut Ctx,
        room: &Spanned<Slug>,
        at: &Spanned<[i64; 2]>,
        width: u32,
        what: &str,
    ) -> Option<Opening> {
        let rooms = &self.rooms;
        let Some(ri) = room_index(rooms, room.get_ref().as_str()) else {
            unknown_room(ctx, room.span(), room.get_ref().as_str(), rooms);
            return None;
        };
        let p = Point::from_mm(*at.get_ref());
        let Some((a, b)) = geometry::edge_at(p, &rooms[ri].points) else {
            let d = ctx.error(
                at.span(),
                format!("this {what} is not on a wall of room `{}`", rooms[ri].id),
            );
            d.label = Some("not on the room's outline".into());
            d.hints.push(format!(
                "put `at` exactly on one of the room's edges (the middle of the {what})"
            ));
            return None;
        };
        let half = width as f64 / 2.0;
        if geometry::distance(p, a) + 0.5 < half || geometry::distance(p, b) + 0.5 < half {
            ctx.error(
                at.span(),
                format!("this {what} ({width} mm wide) does not fit on its wall"),
            )
            .hints
            .push("move it away from the corner or make it narrower".into());
            return None;
        }
        let len = geometry::distance(a, b);
        let (ux, uy) = ((b.x - a.x) / len, (b.y - a.y) / len);
        let mut inward = Point::new(-uy, ux);
        let probe = Point::new(p.x + inward.x * 50.0, p.y + inward.y * 50.0);
        if geometry::locate(probe, &rooms[ri].points) != Inside::Inside {
            inward = Point::new(uy, -ux);
        }
        let on_outline = geometry::locate(p, &self.outline) == Inside::OnBoundary;
        let other = rooms
            .iter()
            .enumerate()
            .find(|(j, r)| *j != ri && geometry::edge_at(p, &r.points).is_some())
            .map(|(j, _)| j);
        let (thickness, faces) = match other {
            Some(j) => {
                let t = self.walls.between(ri, Some(j));
                (t, (-t / 2.0, t / 2.0))
            }
            None if on_outline => {
                let t = self.walls.between(ri, None);
                (t, (0.0, t))
            }
            None => {
                ctx.error(
                    at.span(),
                    format!("this {what} of room `{}` leads nowhere", rooms[ri].id),
                )
                .hints
                .push("a door or window joins two rooms, or a room and the outside: no room lies on the other side of this wall and it is not an outer wall".into());
                return None;
            }
        };
        Some(Opening {
            room: rooms[ri].id.clone(),
            other: other.map(|j| rooms[j].id.clone()),
            at: p,
            width: width as f64,
            a,
            b,
            inward,
            wall: thickness,
            faces,
            swing: None,
            label: None,
        })
    }

    /// Open connections (`[[openings]]`): the piece of wall two rooms share, left open.
    fn open_walls(&self, ctx: &mut Ctx, plan: &PlanToml) -> Vec<(usize, usize, Point, Point)> {
        let rooms = &self.rooms;
        let mut open_walls = Vec::new();
        for opening in &plan.openings {
            let [a, b] = opening.rooms.get_ref();
            let (Some(ia), Some(ib)) = (room_index(rooms, a.as_str()), room_index(rooms, b.as_str())) else {
                let missing = if room_index(rooms, a.as_str()).is_none() { a } else { b };
                unknown_room(ctx, opening.rooms.span(), missing.as_str(), rooms);
                continue;
            };
            match geometry::shared_wall(&rooms[ia].points, &rooms[ib].points) {
                Some((_, p, q)) => open_walls.push((ia, ib, p, q)),
                None => {
                    ctx.error(
                        opening.rooms.span(),
                        format!("rooms `{a}` and `{b}` do not share a wall"),
                    );
                }
            }
        }
        open_walls
    }
}

/// Each piece of equipment in its room: a known symbol, turned by a right angle, standing
/// inside the walls. Counts it in its room's equipment and quantities.
fn place_equipment(
    ctx: &mut Ctx,
    plan: &PlanToml,
    rooms: &mut [MeasuredRoom],
    vocabulary: &Vocabulary,
    symbols: &SymbolLibrary,
) -> Vec<PlacedEquipment> {
    let mut placed = Vec::new();
    for item in &plan.equipment {
        let symbol_id = item.symbol.get_ref();
        let Some(symbol) = symbols.get(symbol_id) else {
            let d = ctx.error(item.symbol.span(), format!("unknown equipment symbol `{symbol_id}`"));
            d.hints.push(match nearest(symbol_id, symbols.ids()) {
                Some(best) => format!("did you mean `{best}`?"),
                None => "add it to a file in symbols/ (see docs/en/reference.md)".into(),
            });
            continue;
        };
        let rotate = item.rotate.as_ref().map_or(0, |r| *r.get_ref());
        if let Some(r) = &item.rotate
            && rotate.rem_euclid(90) != 0
        {
            ctx.error(r.span(), "`rotate` must be 0, 90, 180 or 270");
            continue;
        }
        let Some(ri) = room_index(rooms, item.room.get_ref().as_str()) else {
            unknown_room(ctx, item.room.span(), item.room.get_ref().as_str(), rooms);
            continue;
        };
        let center = Point::from_mm(*item.at.get_ref());
        let corners = footprint(center, symbol.width as f64, symbol.depth as f64, rotate);
        if !geometry::polygon_within(&corners, &rooms[ri].inner) {
            let d = ctx.error(
                item.at.span(),
                format!(
                    "{} `{symbol_id}` does not fit inside room `{}`",
                    symbol.label, rooms[ri].id
                ),
            );
            d.label = Some("centre of the symbol".into());
            d.hints.push(format!(
                "the symbol is {} × {} mm (turned by `rotate`), is placed by its centre and must stand inside the walls; move it further into the room",
                symbol.width, symbol.depth
            ));
            continue;
        }
        let room = &mut rooms[ri];
        *room.equipment.entry(symbol_id.clone()).or_default() += 1;
        for q in vocabulary.quantities.iter().filter(|q| q.counts.contains(symbol_id)) {
            *room.counts.entry(q.id.clone()).or_default() += 1;
        }
        placed.push(PlacedEquipment {
            symbol: symbol_id.clone(),
            room: room.id.clone(),
            center,
            rotate,
        });
    }
    placed
}

/// The ways through walls a flow can take.
struct Passages {
    doors: Vec<Opening>,
    windows: Vec<Opening>,
    open_walls: Vec<(usize, usize, Point, Point)>,
}

impl Passages {
    /// The first passage from `x` to `y` (room indices, `None` is outside): a door, else a
    /// window, else an open connection. `rooms` names the indices.
    fn between(&self, rooms: &[MeasuredRoom], x: Option<usize>, y: Option<usize>) -> Option<Passage> {
        let (a, b) = (x.map(|i| rooms[i].id.as_str()), y.map(|i| rooms[i].id.as_str()));
        self.doors
            .iter()
            .position(|d| d.joins(a, b))
            .map(Passage::Door)
            .or_else(|| self.windows.iter().position(|w| w.joins(a, b)).map(Passage::Window))
            .or_else(|| {
                self.open_walls
                    .iter()
                    .position(|&(p, q, _, _)| (x, y) == (Some(p), Some(q)) || (x, y) == (Some(q), Some(p)))
                    .map(Passage::Open)
            })
    }
}

/// Flows: room to room through a door, a window or an open connection, never a wall. A flow
/// of an unknown kind, through an unknown room or between rooms with no way through is left
/// out (and reported). Routes are laid later ([`route_flows`]).
fn flows(
    ctx: &mut Ctx,
    plan: &PlanToml,
    vocabulary: &Vocabulary,
    rooms: &[MeasuredRoom],
    passages: &Passages,
) -> Vec<Flow> {
    let mut flows = Vec::new();
    for flow in &plan.flows {
        let kind = flow.kind.get_ref().as_str();
        if !vocabulary.flows.contains_key(kind) {
            ctx.error(
                flow.kind.span(),
                format!("unknown flow kind `{kind}` in vocabulary `{}`", vocabulary.id),
            )
            .hints
            .push(unknown_hint(
                kind,
                vocabulary.flows.keys().map(String::as_str),
                "flow kinds",
            ));
            continue;
        };
        let through = flow.through.get_ref();
        if through.len() < 2 {
            ctx.error(flow.through.span(), "a flow goes through at least two rooms");
            continue;
        }
        let Some(steps) = flow_rooms(ctx, through, rooms) else {
            continue;
        };
        let Some(passages) = flow_passages(ctx, through, &steps, rooms, passages) else {
            continue;
        };
        flows.push(Flow {
            kind: kind.to_owned(),
            route: Vec::new(),
            rooms: steps,
            passages,
        });
    }
    flows
}

/// The rooms a flow goes through, as indices (`None`: outside, only at either end); `None`
/// when one is unknown or the flow passes the outside.
fn flow_rooms(ctx: &mut Ctx, through: &[Spanned<Slug>], rooms: &[MeasuredRoom]) -> Option<Vec<Option<usize>>> {
    let mut steps: Vec<Option<usize>> = Vec::new();
    let mut ok = true;
    for (n, room) in through.iter().enumerate() {
        let id = room.get_ref().as_str();
        if id == OUTSIDE {
            if n != 0 && n != through.len() - 1 {
                ctx.error(room.span(), "a flow can start or end outside, not pass it");
                ok = false;
            }
            steps.push(None);
            continue;
        }
        match room_index(rooms, id) {
            Some(i) => steps.push(Some(i)),
            None => {
                unknown_room(ctx, room.span(), id, rooms);
                ok = false;
            }
        }
    }
    ok.then_some(steps)
}

/// The passage between each pair of consecutive rooms of a flow; `None` when a pair has no way
/// through (each such pair reported).
fn flow_passages(
    ctx: &mut Ctx,
    through: &[Spanned<Slug>],
    steps: &[Option<usize>],
    rooms: &[MeasuredRoom],
    passages: &Passages,
) -> Option<Vec<Passage>> {
    let mut found = Vec::new();
    let mut ok = true;
    for (n, pair) in steps.windows(2).enumerate() {
        match passages.between(rooms, pair[0], pair[1]) {
            Some(p) => found.push(p),
            None => {
                let name = |s: Option<usize>| s.map_or(OUTSIDE, |i| rooms[i].id.as_str()).to_owned();
                ctx.error(
                    through[n + 1].span(),
                    format!(
                        "the flow cannot go from `{}` to `{}`: no door, window or open connection joins them",
                        name(pair[0]),
                        name(pair[1])
                    ),
                )
                .hints
                .push("a flow passes through walls only where there is a way through: add a door, a window (e.g. a pass hatch) or an [[openings]] entry, or list the rooms in between".into());
                ok = false;
            }
        }
    }
    ok.then_some(found)
}

/// The plan's equipment by symbol and its counted quantities (every quantity of the
/// vocabulary, 0 when none).
fn totals(
    placed: &[PlacedEquipment],
    rooms: &[MeasuredRoom],
    vocabulary: &Vocabulary,
) -> (BTreeMap<String, u32>, BTreeMap<String, u32>) {
    let mut equipment: BTreeMap<String, u32> = BTreeMap::new();
    for p in placed {
        *equipment.entry(p.symbol.clone()).or_default() += 1;
    }
    let mut counts: BTreeMap<String, u32> = vocabulary.quantities.iter().map(|q| (q.id.clone(), 0)).collect();
    for room in rooms {
        for (q, n) in &room.counts {
            *counts.entry(q.clone()).or_default() += n;
        }
    }
    (equipment, counts)
}

/// Lays each flow's route: through a point in each room (set apart per flow kind, so two
/// kinds crossing one room stay two lines) and the middle of each passage. Outside, the route
/// starts or ends a little beyond the door.
fn route_flows(plan: &mut MeasuredPlan) {
    let kind_order: Vec<String> = {
        let mut k: Vec<String> = plan.flows.iter().map(|f| f.kind.clone()).collect();
        k.sort();
        k.dedup();
        k
    };
    let mut routes = Vec::new();
    for flow in &plan.flows {
        let slot = kind_order.iter().position(|k| *k == flow.kind).unwrap_or(0) as f64;
        let spread = (slot - (kind_order.len() as f64 - 1.0) / 2.0) * 350.0;
        // Each stop with the room it lies in: (point, room the leg towards the next stop runs in).
        let mut stops: Vec<(Point, Option<usize>)> = Vec::new();
        for (n, step) in flow.rooms.iter().enumerate() {
            match step {
                Some(i) => {
                    let room = &plan.rooms[*i];
                    let c = room.label_at;
                    let moved = Point::new(c.x + spread, c.y + spread);
                    let inside = geometry::locate(moved, &room.inner) == Inside::Inside;
                    stops.push((if inside { moved } else { c }, Some(*i)));
                }
                None => {
                    // Outside: beyond the passage next to it, away from the room.
                    let passage = if n == 0 { flow.passages[0] } else { flow.passages[n - 1] };
                    if let Passage::Door(d) | Passage::Window(d) = passage {
                        let o = if matches!(passage, Passage::Door(_)) {
                            &plan.doors[d]
                        } else {
                            &plan.windows[d]
                        };
                        stops.push((
                            Point::new(o.at.x - o.inward.x * 900.0, o.at.y - o.inward.y * 900.0),
                            None,
                        ));
                    }
                }
            }
            if n < flow.passages.len() {
                stops.push((plan.passage_point(flow.passages[n]), flow.rooms[n + 1]));
            }
        }
        // The leg into a room from its passage runs in that room; the leg out of a room's point
        // too. Bend a leg that would leave its room (an L-shaped room) round the corner.
        let mut route = Vec::new();
        for (k, &(p, _)) in stops.iter().enumerate() {
            if k > 0 {
                let prev = stops[k - 1].0;
                // A room point is followed by its passage (same room); a passage by the next
                // room's point (the passage's room).
                let room = if stops[k - 1].1 == stops[k].1 {
                    stops[k].1
                } else {
                    stops[k - 1].1
                };
                if let Some(r) = room
                    && let Some(bend) = bend_within(&plan.rooms[r], prev, p)
                {
                    route.push(bend);
                }
            }
            route.push(p);
        }
        routes.push(route);
    }
    for (flow, route) in plan.flows.iter_mut().zip(routes) {
        flow.route = route;
    }
}

/// Whether the segment stays inside the room (the ends may lie on its walls).
fn leg_inside(room: &MeasuredRoom, a: Point, b: Point) -> bool {
    (1..24).all(|k| {
        let t = k as f64 / 24.0;
        geometry::locate(Point::new(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t), &room.points) == Inside::Inside
    })
}

/// A point to bend a leg at when the straight leg would leave the room: the shortest detour
/// through a point of the room's inside that sees both ends. `None` when the leg is straight.
fn bend_within(room: &MeasuredRoom, a: Point, b: Point) -> Option<Point> {
    if leg_inside(room, a, b) {
        return None;
    }
    let (min_x, max_x, min_y, max_y) = geometry::bounds(&room.inner);
    let mut best: Option<(f64, Point)> = None;
    const STEPS: usize = 16;
    for i in 1..STEPS {
        for j in 1..STEPS {
            let c = Point::new(
                min_x + (max_x - min_x) * i as f64 / STEPS as f64,
                min_y + (max_y - min_y) * j as f64 / STEPS as f64,
            );
            if geometry::locate(c, &room.inner) != Inside::Inside || !leg_inside(room, a, c) || !leg_inside(room, c, b)
            {
                continue;
            }
            let length = geometry::distance(a, c) + geometry::distance(c, b);
            if best.is_none_or(|(l, _)| length < l - 0.5) {
                best = Some((length, c));
            }
        }
    }
    best.map(|(_, c)| c)
}
