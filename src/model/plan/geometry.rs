//! Plane geometry on room outlines, in millimetres. Pure functions, exact on the integer
//! coordinates authors write (areas use `i128` arithmetic).

/// A point in millimetres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Point {
    pub fn new(x: f64, y: f64) -> Point {
        Point { x, y }
    }

    pub(crate) fn from_mm(p: [i64; 2]) -> Point {
        Point {
            x: p[0] as f64,
            y: p[1] as f64,
        }
    }
}

/// Twice the signed area of a polygon, exactly, in mm².
pub(crate) fn doubled_signed_area(points: &[[i64; 2]]) -> i128 {
    let n = points.len();
    (0..n)
        .map(|i| {
            let [x1, y1] = points[i];
            let [x2, y2] = points[(i + 1) % n];
            x1 as i128 * y2 as i128 - x2 as i128 * y1 as i128
        })
        .sum()
}

/// Area of a simple polygon in m².
pub fn area_m2(points: &[[i64; 2]]) -> f64 {
    doubled_signed_area(points).unsigned_abs() as f64 / 2.0 / 1_000_000.0
}

/// The corners of an axis-aligned rectangle `[x, y, width, depth]`, clockwise on screen.
pub(crate) fn rect_points([x, y, w, h]: [i64; 4]) -> Vec<[i64; 2]> {
    vec![[x, y], [x + w, y], [x + w, y + h], [x, y + h]]
}

/// The edges of a polygon as point pairs.
pub fn edges(points: &[Point]) -> impl Iterator<Item = (Point, Point)> + '_ {
    (0..points.len()).map(move |i| (points[i], points[(i + 1) % points.len()]))
}

pub(crate) fn distance(a: Point, b: Point) -> f64 {
    ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt()
}

/// Length of the shortest edge, in mm.
pub fn shortest_side(points: &[Point]) -> f64 {
    edges(points).map(|(a, b)| distance(a, b)).fold(f64::INFINITY, f64::min)
}

/// Distance from `p` to the segment `a`–`b`.
pub(crate) fn distance_to_segment(p: Point, a: Point, b: Point) -> f64 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    if len2 == 0.0 {
        return distance(p, a);
    }
    let t = (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0);
    distance(p, Point::new(a.x + t * dx, a.y + t * dy))
}

/// Where a point lies with respect to a polygon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::enum_variant_names)] // `Inside::Inside` answers "where is the point?"
pub(crate) enum Inside {
    Inside,
    OnBoundary,
    Outside,
}

/// Point-in-polygon by ray casting, with the boundary (within 0.5 mm) reported apart.
pub(crate) fn locate(p: Point, polygon: &[Point]) -> Inside {
    if edges(polygon).any(|(a, b)| distance_to_segment(p, a, b) < 0.5) {
        return Inside::OnBoundary;
    }
    let mut inside = false;
    for (a, b) in edges(polygon) {
        if (a.y > p.y) != (b.y > p.y) {
            let x = a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y);
            if p.x < x {
                inside = !inside;
            }
        }
    }
    if inside { Inside::Inside } else { Inside::Outside }
}

fn cross(o: Point, a: Point, b: Point) -> f64 {
    (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)
}

/// True when the two segments cross at a single point inside both (touching or overlapping
/// collinear segments do not count: rooms may share walls).
pub fn segments_cross(a1: Point, a2: Point, b1: Point, b2: Point) -> bool {
    let d1 = cross(b1, b2, a1);
    let d2 = cross(b1, b2, a2);
    let d3 = cross(a1, a2, b1);
    let d4 = cross(a1, a2, b2);
    ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0)) && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0))
}

/// A point strictly inside a simple polygon (for labels and overlap tests): the centroid when
/// it is inside, otherwise the middle of the widest inside run of a horizontal scan line.
pub(crate) fn interior_point(polygon: &[Point]) -> Point {
    let c = centroid(polygon);
    if locate(c, polygon) == Inside::Inside {
        return c;
    }
    let (min_y, max_y) = polygon.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
        (lo.min(p.y), hi.max(p.y))
    });
    let mut best = (0.0, c);
    for step in 1..20 {
        let y = min_y + (max_y - min_y) * step as f64 / 20.0;
        let mut xs: Vec<f64> = edges(polygon)
            .filter(|(a, b)| (a.y > y) != (b.y > y))
            .map(|(a, b)| a.x + (y - a.y) * (b.x - a.x) / (b.y - a.y))
            .collect();
        xs.sort_by(f64::total_cmp);
        for pair in xs.chunks(2) {
            if let [x1, x2] = pair
                && x2 - x1 > best.0
            {
                best = (x2 - x1, Point::new((x1 + x2) / 2.0, y));
            }
        }
    }
    best.1
}

/// The bounding box of some points: `(min_x, max_x, min_y, max_y)`.
pub(crate) fn bounds(points: &[Point]) -> (f64, f64, f64, f64) {
    points.iter().fold(
        (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY),
        |b, p| (b.0.min(p.x), b.1.max(p.x), b.2.min(p.y), b.3.max(p.y)),
    )
}

/// Area centroid of a simple polygon.
pub(crate) fn centroid(polygon: &[Point]) -> Point {
    let (mut a, mut cx, mut cy) = (0.0, 0.0, 0.0);
    for (p, q) in edges(polygon) {
        let f = p.x * q.y - q.x * p.y;
        a += f;
        cx += (p.x + q.x) * f;
        cy += (p.y + q.y) * f;
    }
    if a.abs() < f64::EPSILON {
        let n = polygon.len().max(1) as f64;
        return Point::new(
            polygon.iter().map(|p| p.x).sum::<f64>() / n,
            polygon.iter().map(|p| p.y).sum::<f64>() / n,
        );
    }
    Point::new(cx / (3.0 * a), cy / (3.0 * a))
}

/// True when two simple polygons share interior area. Sharing edges or corners is fine.
///
/// Checks: an edge of one properly crosses an edge of the other; a vertex or interior point
/// of one lies strictly inside the other; or both have the same interior point (identical
/// outlines).
pub(crate) fn polygons_overlap(a: &[Point], b: &[Point]) -> bool {
    for (a1, a2) in edges(a) {
        for (b1, b2) in edges(b) {
            if segments_cross(a1, a2, b1, b2) {
                return true;
            }
        }
    }
    let strictly_inside = |p: Point, poly: &[Point]| locate(p, poly) == Inside::Inside;
    a.iter().any(|&p| strictly_inside(p, b))
        || b.iter().any(|&p| strictly_inside(p, a))
        || strictly_inside(interior_point(a), b)
        || strictly_inside(interior_point(b), a)
        || edge_midpoints_inside(a, b)
        || edge_midpoints_inside(b, a)
}

fn edge_midpoints_inside(a: &[Point], b: &[Point]) -> bool {
    edges(a).any(|(p, q)| locate(Point::new((p.x + q.x) / 2.0, (p.y + q.y) / 2.0), b) == Inside::Inside)
}

/// True when every point of `inner` lies inside or on the boundary of `outer` and no edges
/// cross.
pub(crate) fn polygon_within(inner: &[Point], outer: &[Point]) -> bool {
    inner.iter().all(|&p| locate(p, outer) != Inside::Outside)
        && edges(inner).all(|(p, q)| locate(Point::new((p.x + q.x) / 2.0, (p.y + q.y) / 2.0), outer) != Inside::Outside)
        && !edges(inner).any(|(a1, a2)| edges(outer).any(|(b1, b2)| segments_cross(a1, a2, b1, b2)))
}

/// The length along which two polygons share a wall (collinear, overlapping edges), in mm,
/// with the middle of the longest shared piece.
pub(crate) fn shared_wall(a: &[Point], b: &[Point]) -> Option<(f64, Point, Point)> {
    let mut best: Option<(f64, Point, Point)> = None;
    for (a1, a2) in edges(a) {
        for (b1, b2) in edges(b) {
            if cross(a1, a2, b1).abs() > 1.0 || cross(a1, a2, b2).abs() > 1.0 {
                continue;
            }
            let len = distance(a1, a2);
            if len == 0.0 {
                continue;
            }
            let (ux, uy) = ((a2.x - a1.x) / len, (a2.y - a1.y) / len);
            let t = |p: Point| (p.x - a1.x) * ux + (p.y - a1.y) * uy;
            let (tb1, tb2) = (t(b1), t(b2));
            let lo = tb1.min(tb2).max(0.0);
            let hi = tb1.max(tb2).min(len);
            if hi - lo > 1.0 && best.is_none_or(|(l, _, _)| hi - lo > l) {
                let start = Point::new(a1.x + ux * lo, a1.y + uy * lo);
                let end = Point::new(a1.x + ux * hi, a1.y + uy * hi);
                best = Some((hi - lo, start, end));
            }
        }
    }
    best
}

/// The edge of `polygon` that `p` lies on (within 1 mm), as its two end points.
pub(crate) fn edge_at(p: Point, polygon: &[Point]) -> Option<(Point, Point)> {
    edges(polygon).find(|&(a, b)| distance_to_segment(p, a, b) <= 1.0)
}

/// Area of a simple polygon given in floating-point millimetres, in m².
pub(crate) fn area_m2_of(points: &[Point]) -> f64 {
    let n = points.len();
    let doubled: f64 = (0..n)
        .map(|i| {
            let (a, b) = (points[i], points[(i + 1) % n]);
            a.x * b.y - b.x * a.y
        })
        .sum();
    // Coordinates are whole or half millimetres, so this is exact to far below 0.01 mm².
    ((doubled.abs() / 2.0).round()) / 1_000_000.0
}

/// The length of the collinear overlap of two segments, mm (0 when they are not collinear).
pub(crate) fn collinear_overlap(a1: Point, a2: Point, b1: Point, b2: Point) -> f64 {
    if cross(a1, a2, b1).abs() > 1.0 || cross(a1, a2, b2).abs() > 1.0 {
        return 0.0;
    }
    let len = distance(a1, a2);
    if len == 0.0 {
        return 0.0;
    }
    let (ux, uy) = ((a2.x - a1.x) / len, (a2.y - a1.y) / len);
    let t = |p: Point| (p.x - a1.x) * ux + (p.y - a1.y) * uy;
    let (tb1, tb2) = (t(b1), t(b2));
    (tb1.max(tb2).min(len) - tb1.min(tb2).max(0.0)).max(0.0)
}

/// The polygon moved inwards edge by edge: edge `i` (from corner `i` to `i + 1`) by
/// `depth[i]` mm. This is a room's clear inside when its edges lie on wall axes and faces.
/// `None` when the walls leave no inside: an edge turned round or vanished, or the result
/// is not a simple polygon.
pub(crate) fn inset(polygon: &[Point], depth: &[f64]) -> Option<Vec<Point>> {
    let n = polygon.len();
    if n < 3 || depth.len() != n {
        return None;
    }
    let doubled: f64 = (0..n)
        .map(|i| {
            let (a, b) = (polygon[i], polygon[(i + 1) % n]);
            a.x * b.y - b.x * a.y
        })
        .sum();
    // Inward normal of an edge: to the left of its direction when the polygon turns left.
    let sign = if doubled > 0.0 { 1.0 } else { -1.0 };
    let line = |i: usize| {
        let (a, b) = (polygon[i], polygon[(i + 1) % n]);
        let len = distance(a, b);
        let (ux, uy) = ((b.x - a.x) / len, (b.y - a.y) / len);
        let (nx, ny) = (-uy * sign, ux * sign);
        (Point::new(a.x + nx * depth[i], a.y + ny * depth[i]), Point::new(ux, uy))
    };
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let prev = (i + n - 1) % n;
        let (p0, d0) = line(prev);
        let (p1, d1) = line(i);
        let det = d0.x * d1.y - d0.y * d1.x;
        if det.abs() < 1e-12 {
            // Collinear edges: the corner just moves with its edge.
            out.push(p1);
            continue;
        }
        let t = ((p1.x - p0.x) * d1.y - (p1.y - p0.y) * d1.x) / det;
        out.push(Point::new(p0.x + d0.x * t, p0.y + d0.y * t));
    }
    // Every edge keeps its direction and some length, and the result stays simple.
    for i in 0..n {
        let (a, b) = (polygon[i], polygon[(i + 1) % n]);
        let (c, d) = (out[i], out[(i + 1) % n]);
        let along = (d.x - c.x) * (b.x - a.x) + (d.y - c.y) * (b.y - a.y);
        if along <= 0.0 {
            return None;
        }
    }
    if !is_simple(&out) || area_m2_of(&out) <= 0.0 {
        return None;
    }
    Some(out)
}

/// True when the polygon's edges do not cross each other (a simple polygon).
pub(crate) fn is_simple(polygon: &[Point]) -> bool {
    let n = polygon.len();
    let e: Vec<(Point, Point)> = edges(polygon).collect();
    for i in 0..n {
        for j in i + 1..n {
            if j == i + 1 || (i == 0 && j == n - 1) {
                continue;
            }
            if segments_cross(e[i].0, e[i].1, e[j].0, e[j].1) {
                return false;
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inset_of_a_rectangle_is_its_clear_inside() {
        // 3 m × 4 m on wall axes, 200 mm walls all round: 2.8 m × 3.8 m clear.
        let room = pts(&[[0, 0], [3000, 0], [3000, 4000], [0, 4000]]);
        let inner = inset(&room, &[100.0; 4]).unwrap();
        assert!((area_m2_of(&inner) - 2.8 * 3.8).abs() < 1e-9, "{}", area_m2_of(&inner));
        assert!((shortest_side(&inner) - 2800.0).abs() < 1e-9);
        // An outer wall of 300 mm on the top edge only.
        let inner = inset(&room, &[300.0, 100.0, 100.0, 100.0]).unwrap();
        assert!((area_m2_of(&inner) - 2.8 * 3.6).abs() < 1e-9);
    }

    #[test]
    fn inset_of_an_l_shape_keeps_its_corners() {
        // 4 × 4 with a 2 × 2 bite out of the top right, counter-clockwise on screen.
        let room = pts(&[[0, 0], [0, 4000], [4000, 4000], [4000, 2000], [2000, 2000], [2000, 0]]);
        let inner = inset(&room, &[100.0; 6]).unwrap();
        // 3.8 × 3.8 minus the bite grown by the walls (2.0 × 2.0 after both offsets).
        assert!(
            (area_m2_of(&inner) - (3.8 * 3.8 - 2.0 * 2.0)).abs() < 1e-9,
            "{}",
            area_m2_of(&inner)
        );
    }

    #[test]
    fn walls_thicker_than_the_room_leave_no_inside() {
        let room = pts(&[[0, 0], [1000, 0], [1000, 3000], [0, 3000]]);
        assert!(inset(&room, &[600.0; 4]).is_none());
        assert!(inset(&room, &[500.0; 4]).is_none(), "a zero-width inside is no inside");
        assert!(inset(&room, &[499.0; 4]).is_some());
    }

    fn pts(p: &[[i64; 2]]) -> Vec<Point> {
        p.iter().map(|&q| Point::from_mm(q)).collect()
    }

    #[test]
    fn rectangle_and_l_shape_areas() {
        assert_eq!(area_m2(&rect_points([0, 0, 3000, 2000])), 6.0);
        let l = [[0, 0], [4000, 0], [4000, 2000], [2000, 2000], [2000, 4000], [0, 4000]];
        assert_eq!(area_m2(&l), 12.0);
        // Orientation does not matter.
        let mut r = l.to_vec();
        r.reverse();
        assert_eq!(area_m2(&r), 12.0);
    }

    #[test]
    fn shortest_side_of_a_room() {
        assert_eq!(shortest_side(&pts(&rect_points([0, 0, 3000, 2200]))), 2200.0);
    }

    #[test]
    fn point_in_l_shaped_room() {
        let l = pts(&[[0, 0], [4000, 0], [4000, 2000], [2000, 2000], [2000, 4000], [0, 4000]]);
        assert_eq!(locate(Point::new(1000.0, 3000.0), &l), Inside::Inside);
        assert_eq!(locate(Point::new(3000.0, 3000.0), &l), Inside::Outside);
        assert_eq!(locate(Point::new(3000.0, 2000.0), &l), Inside::OnBoundary);
        assert_eq!(locate(interior_point(&l), &l), Inside::Inside);
    }

    #[test]
    fn rooms_sharing_a_wall_do_not_overlap() {
        let a = pts(&rect_points([0, 0, 3000, 3000]));
        let b = pts(&rect_points([3000, 0, 3000, 3000]));
        assert!(!polygons_overlap(&a, &b));
        let (len, _, _) = shared_wall(&a, &b).unwrap();
        assert_eq!(len, 3000.0);
    }

    #[test]
    fn overlapping_identical_and_nested_rooms_are_found() {
        let a = pts(&rect_points([0, 0, 3000, 3000]));
        assert!(polygons_overlap(&a, &pts(&rect_points([2000, 1000, 3000, 3000]))));
        assert!(polygons_overlap(&a, &a.clone()));
        assert!(polygons_overlap(&a, &pts(&rect_points([1000, 1000, 500, 500]))));
        // A cross shape: no vertex of either inside the other.
        assert!(polygons_overlap(
            &pts(&rect_points([0, 1000, 3000, 1000])),
            &pts(&rect_points([1000, 0, 1000, 3000]))
        ));
    }

    #[test]
    fn within_outline() {
        let outer = pts(&rect_points([0, 0, 10000, 8000]));
        assert!(polygon_within(&pts(&rect_points([0, 0, 3000, 3000])), &outer));
        assert!(!polygon_within(&pts(&rect_points([9000, 0, 3000, 3000])), &outer));
    }

    #[test]
    fn self_crossing_polygon_is_not_simple() {
        assert!(!is_simple(&pts(&[[0, 0], [1000, 1000], [1000, 0], [0, 1000]])));
        assert!(is_simple(&pts(&rect_points([0, 0, 10, 10]))));
    }
}
