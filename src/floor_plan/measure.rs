//! Checks a parsed floor plan and measures it: room areas, the gross area, chairs per room,
//! shortest sides, equipment counts, where doors and windows sit on the walls. Every geometric
//! mistake (overlapping rooms, equipment outside its room, a door off the wall) is a
//! diagnostic at the line and column of the offending entry.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Serialize;

use super::geometry::{self, Inside, Point};
use super::schema::{FlowKind, PlanToml, RoomKind, Swing, Zone};
use super::symbols::SymbolLibrary;
use crate::diagnostics::{Diagnostic, Diagnostics, nearest};
use crate::schema::ExampleKind;

#[derive(Debug, Clone, Serialize)]
pub struct MeasuredRoom {
    pub id: String,
    pub kind: RoomKind,
    pub kind_label: &'static str,
    pub label: String,
    pub zone: Option<Zone>,
    #[serde(skip)]
    pub points: Vec<Point>,
    pub area_m2: f64,
    pub shortest_side_m: f64,
    pub chairs: u32,
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
    pub at: Point,
    pub width: f64,
    pub a: Point,
    pub b: Point,
    /// Unit normal pointing into the room.
    pub inward: Point,
    pub swing: Option<Swing>,
}

#[derive(Debug, Clone)]
pub struct Flow {
    pub kind: FlowKind,
    /// Indices into the plan's rooms, in order.
    pub rooms: Vec<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MeasuredPlan {
    /// The file stem, used in output names (`compliant` for `plans/compliant.toml`).
    pub id: String,
    pub file: String,
    pub title: String,
    pub description: String,
    pub example: ExampleKind,
    #[serde(skip)]
    pub outline: Vec<Point>,
    #[serde(skip)]
    pub wall: f64,
    #[serde(skip)]
    pub north: i32,
    pub gross_area_m2: f64,
    pub net_area_m2: f64,
    pub chairs: u32,
    pub equipment: BTreeMap<String, u32>,
    pub rooms: Vec<MeasuredRoom>,
    #[serde(skip)]
    pub placed: Vec<PlacedEquipment>,
    #[serde(skip)]
    pub doors: Vec<Opening>,
    #[serde(skip)]
    pub windows: Vec<Opening>,
    /// Kinds of the rooms each open connection joins.
    #[serde(skip)]
    pub openings: Vec<(RoomKind, RoomKind)>,
    /// The shared wall pieces left open, with the two room ids.
    #[serde(skip)]
    pub open_walls: Vec<(Point, Point, String, String)>,
    #[serde(skip)]
    pub flows: Vec<Flow>,
    #[serde(skip)]
    pub annotations: Vec<(Point, String)>,
}

impl MeasuredPlan {
    pub fn room(&self, id: &str) -> Option<&MeasuredRoom> {
        self.rooms.iter().find(|r| r.id == id)
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
pub fn footprint(c: Point, width: f64, depth: f64, rotate: i32) -> Vec<Point> {
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

/// Checks and measures a plan. Returns `None` only when the plan is too broken to draw.
pub fn measure_plan(
    file: &str,
    id: &str,
    example: ExampleKind,
    plan: &PlanToml,
    symbols: &SymbolLibrary,
    diagnostics: &mut Diagnostics,
) -> Option<MeasuredPlan> {
    let mut ctx = Ctx { file, diagnostics };
    let errors_before = ctx.diagnostics.error_count();

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

    // Rooms.
    let mut rooms: Vec<MeasuredRoom> = Vec::new();
    let mut room_spans: Vec<Range<usize>> = Vec::new();
    for room in &plan.rooms {
        let (points_mm, span) = match (&room.rect, &room.polygon) {
            (Some(rect), None) => {
                let [_, _, w, h] = *rect.get_ref();
                if w <= 0 || h <= 0 {
                    ctx.error(rect.span(), "a room's width and depth must be positive");
                    continue;
                }
                (geometry::rect_points(*rect.get_ref()), rect.span())
            }
            (None, Some(polygon)) => (polygon.get_ref().clone(), polygon.span()),
            (Some(rect), Some(_)) => {
                ctx.error(rect.span(), "a room has either `rect` or `polygon`, not both");
                continue;
            }
            (None, None) => {
                ctx.error(room.id.span(), format!("room `{}` has no shape", room.id.get_ref()))
                    .hints
                    .push("add `rect = [x, y, width, depth]` or `polygon = [[x, y], ...]`".into());
                continue;
            }
        };
        let points: Vec<Point> = points_mm.iter().map(|&p| Point::from_mm(p)).collect();
        if points.len() < 3 || !geometry::is_simple(&points) || geometry::doubled_signed_area(&points_mm) == 0 {
            ctx.error(
                span,
                "a room must be a simple polygon with at least 3 corners and some area",
            );
            continue;
        }
        if rooms.iter().any(|r| r.id == room.id.get_ref().as_str()) {
            ctx.error(room.id.span(), format!("duplicate room id `{}`", room.id.get_ref()));
            continue;
        }
        if !geometry::polygon_within(&points, &outline) {
            ctx.error(
                span.clone(),
                format!("room `{}` reaches outside the outline", room.id.get_ref()),
            )
            .label = Some("outside the outer walls".into());
        }
        if let Some((other, _)) = rooms
            .iter()
            .zip(&room_spans)
            .find(|(r, _)| geometry::polygons_overlap(&r.points, &points))
        {
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
            kind: room.kind,
            kind_label: room.kind.label(),
            label: room.label.clone(),
            zone: room.zone,
            label_at: geometry::interior_point(&points),
            area_m2: geometry::area_m2(&points_mm),
            shortest_side_m: geometry::shortest_side(&points) / 1000.0,
            points,
            chairs: 0,
            equipment: BTreeMap::new(),
        });
        room_spans.push(span);
    }
    fn room_index(rooms: &[MeasuredRoom], id: &str) -> Option<usize> {
        rooms.iter().position(|r| r.id == id)
    }
    let unknown_room = |ctx: &mut Ctx, span: Range<usize>, id: &str, rooms: &[MeasuredRoom]| {
        let d = ctx.error(span, format!("no room `{id}` in this plan"));
        if let Some(best) = nearest(id, rooms.iter().map(|r| r.id.as_str())) {
            d.hints.push(format!("did you mean `{best}`?"));
        }
    };

    // Equipment.
    let mut placed = Vec::new();
    for item in &plan.equipment {
        let symbol_id = item.symbol.get_ref();
        let Some(symbol) = symbols.get(symbol_id) else {
            let d = ctx.error(item.symbol.span(), format!("unknown equipment symbol `{symbol_id}`"));
            match nearest(symbol_id, symbols.ids()) {
                Some(best) => d.hints.push(format!("did you mean `{best}`?")),
                None => d
                    .hints
                    .push("see the symbol table in docs/en/reference.md, or add one in symbols/".into()),
            }
            continue;
        };
        let rotate = item.rotate.as_ref().map_or(0, |r| *r.get_ref());
        if let Some(r) = &item.rotate
            && rotate.rem_euclid(90) != 0
        {
            ctx.error(r.span(), "`rotate` must be 0, 90, 180 or 270");
            continue;
        }
        let Some(ri) = room_index(&rooms, item.room.get_ref().as_str()) else {
            unknown_room(&mut ctx, item.room.span(), item.room.get_ref().as_str(), &rooms);
            continue;
        };
        let center = Point::from_mm(*item.at.get_ref());
        let corners = footprint(center, symbol.width as f64, symbol.depth as f64, rotate);
        if !geometry::polygon_within(&corners, &rooms[ri].points) {
            let d = ctx.error(
                item.at.span(),
                format!(
                    "{} `{symbol_id}` does not fit inside room `{}`",
                    symbol.label, rooms[ri].id
                ),
            );
            d.label = Some("centre of the symbol".into());
            d.hints.push(format!(
                "the symbol is {} × {} mm (turned by `rotate`) and is placed by its centre; move it further into the room",
                symbol.width, symbol.depth
            ));
            continue;
        }
        let room = &mut rooms[ri];
        *room.equipment.entry(symbol_id.clone()).or_default() += 1;
        if symbol_id == "dental-chair" {
            room.chairs += 1;
        }
        placed.push(PlacedEquipment {
            symbol: symbol_id.clone(),
            room: room.id.clone(),
            center,
            rotate,
        });
    }

    // Doors and windows.
    let place_opening = |ctx: &mut Ctx,
                         room: &toml::Spanned<crate::schema::Slug>,
                         at: &toml::Spanned<[i64; 2]>,
                         width: u32,
                         what: &str| {
        let Some(ri) = room_index(&rooms, room.get_ref().as_str()) else {
            unknown_room(ctx, room.span(), room.get_ref().as_str(), &rooms);
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
        Some(Opening {
            room: rooms[ri].id.clone(),
            at: p,
            width: width as f64,
            a,
            b,
            inward,
            swing: None,
        })
    };
    let mut doors = Vec::new();
    for door in &plan.doors {
        if let Some(mut o) = place_opening(&mut ctx, &door.room, &door.at, door.width, "door") {
            o.swing = Some(door.swing);
            doors.push(o);
        }
    }
    let mut windows = Vec::new();
    for window in &plan.windows {
        if let Some(o) = place_opening(&mut ctx, &window.room, &window.at, window.width, "window") {
            windows.push(o);
        }
    }

    // Open connections.
    let mut openings = Vec::new();
    let mut open_walls = Vec::new();
    for opening in &plan.openings {
        let [a, b] = opening.rooms.get_ref();
        let (Some(ia), Some(ib)) = (room_index(&rooms, a.as_str()), room_index(&rooms, b.as_str())) else {
            let missing = if room_index(&rooms, a.as_str()).is_none() { a } else { b };
            unknown_room(&mut ctx, opening.rooms.span(), missing.as_str(), &rooms);
            continue;
        };
        match geometry::shared_wall(&rooms[ia].points, &rooms[ib].points) {
            Some((_, p, q)) => {
                openings.push((rooms[ia].kind, rooms[ib].kind));
                open_walls.push((p, q, rooms[ia].id.clone(), rooms[ib].id.clone()));
            }
            None => {
                ctx.error(
                    opening.rooms.span(),
                    format!("rooms `{a}` and `{b}` do not share a wall"),
                );
            }
        }
    }

    // Flows.
    let mut flows = Vec::new();
    for flow in &plan.flows {
        let mut points = Vec::new();
        for room in flow.through.get_ref() {
            match room_index(&rooms, room.get_ref().as_str()) {
                Some(i) => points.push(i),
                None => unknown_room(&mut ctx, room.span(), room.get_ref().as_str(), &rooms),
            }
        }
        if flow.through.get_ref().len() < 2 {
            ctx.error(flow.through.span(), "a flow goes through at least two rooms");
        } else if points.len() == flow.through.get_ref().len() {
            flows.push(Flow {
                kind: flow.kind,
                rooms: points,
            });
        }
    }

    let annotations = plan
        .annotations
        .iter()
        .map(|a| (Point::from_mm(*a.at.get_ref()), a.text.clone()))
        .collect();

    if ctx.diagnostics.error_count() > errors_before {
        return None;
    }
    let mut equipment: BTreeMap<String, u32> = BTreeMap::new();
    for p in &placed {
        *equipment.entry(p.symbol.clone()).or_default() += 1;
    }
    Some(MeasuredPlan {
        id: id.to_owned(),
        file: file.to_owned(),
        title: plan.title.clone(),
        description: plan.description.clone(),
        example,
        gross_area_m2: geometry::area_m2(plan.outline.get_ref()),
        net_area_m2: rooms.iter().map(|r| r.area_m2).sum(),
        chairs: rooms.iter().map(|r| r.chairs).sum(),
        outline,
        wall: plan.wall as f64,
        north: plan.north,
        equipment,
        rooms,
        placed,
        doors,
        windows,
        openings,
        open_walls,
        flows,
        annotations,
    })
}
