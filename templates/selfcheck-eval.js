// The self-check's rule evaluator: a guide's plan rules, emitted by the build as a JSON syntax
// tree (src/model/plan/selfcheck.rs), evaluated over an applicant's figures. It mirrors the
// Rust evaluator step for step (the same sums in the same order, the same rounding, the same
// tolerance), and tests/suite/selfcheck.rs requires both to give identical results.
// Loaded by the page (window.PermitroomSelfcheck) and by Node in that test (module.exports).
(function (root) {
  'use strict';

  // Quantities the figures cannot give: they need the drawing.
  var DRAWING = ['openings', 'windows_to', 'backflows', 'order_breaks', 'crossings', 'shared_passages'];
  var EPS = 1e-9;

  function isNum(v) { return typeof v === 'number'; }
  // Rust's f64::round: halves away from zero.
  function round(x) { return x < 0 ? -Math.round(-x) : Math.round(x); }
  function round6(x) { return round(x * 1e6) / 1e6; }
  function fmin(a, b) { if (a !== a) { return b; } if (b !== b) { return a; } return Math.min(a, b); }
  function fmax(a, b) { if (a !== a) { return b; } if (b !== b) { return a; } return Math.max(a, b); }

  function roomArea(r) {
    if (isNum(r.area)) { return r.area; }
    if (isNum(r.length) && isNum(r.width)) { return r.length * r.width; }
    return null;
  }
  function shortestSide(r) {
    return isNum(r.length) && isNum(r.width) ? fmin(r.length, r.width) : null;
  }
  function has(list, kind) { return list.indexOf(kind) >= 0; }
  function equipment(r, symbol) { var n = (r.equipment || {})[symbol]; return isNum(n) ? n : 0; }

  // Doors that name rooms the figures have, as the Rust side keeps them.
  function validDoors(fig) {
    var n = (fig.rooms || []).length;
    return (fig.doors || []).filter(function (d) {
      return d.from < n && (d.to === null || d.to === undefined || d.to < n);
    });
  }

  function uses(e, out) {
    if (!e) { return out; }
    if (e.q) { out.push(e.q); }
    if (e.args) { e.args.forEach(function (a) { uses(a, out); }); }
    if (e.a) { uses(e.a, out); uses(e.b, out); }
    return out;
  }
  function needsDrawing(rule) {
    return uses(rule.left, []).concat(uses(rule.right, [])).some(function (q) { return has(DRAWING, q); });
  }

  // The value of an expression, or null when it needs a blank figure. `ri` is the room's
  // index in `each` rules, else null.
  function evaluate(e, data, fig, ri) {
    var rooms = fig.rooms || [];
    var room = ri === null ? null : rooms[ri];
    if (isNum(e.n)) { return e.n; }
    if (e.op) {
      var a = evaluate(e.a, data, fig, ri);
      var b = evaluate(e.b, data, fig, ri);
      if (a === null || b === null) { return null; }
      switch (e.op) {
        case '+': return a + b;
        case '-': return a - b;
        case '*': return a * b;
        default: return b === 0 ? Infinity : a / b;
      }
    }
    if (e.f) {
      var v = e.args.map(function (x) { return evaluate(x, data, fig, ri); });
      if (v.some(function (x) { return x === null; })) { return null; }
      switch (e.f) {
        case 'ceil': return Math.ceil(round(v[0] * 1e9) / 1e9);
        case 'floor': return Math.floor(round(v[0] * 1e9) / 1e9);
        case 'min': return fmin(v[0], v[1]);
        default: return fmax(v[0], v[1]);
      }
    }
    var i, sum, n;
    switch (e.q) {
      case 'counted':
        if (room) {
          sum = 0;
          (data.counted[e.id] || []).forEach(function (s) { sum += equipment(room, s); });
          return sum;
        }
        n = (fig.quantities || {})[e.id];
        return isNum(n) ? n : null;
      case 'gross_area':
        return isNum(fig.gross_area) ? fig.gross_area : null;
      case 'net_area':
        if (room) { return roomArea(room); }
        sum = -0;
        for (i = 0; i < rooms.length; i++) {
          if (roomArea(rooms[i]) === null) { return null; }
          sum += roomArea(rooms[i]);
        }
        return round6(sum);
      case 'shortest_side':
        return room ? shortestSide(room) : 0;
      case 'count':
        if (room) { return equipment(room, e.symbol); }
        sum = -0;
        rooms.forEach(function (r) { if (e.in === null || e.in === undefined || has(e.in, r.kind)) { sum += equipment(r, e.symbol); } });
        return sum;
      case 'rooms':
        return rooms.filter(function (r) { return has(e.kinds, r.kind); }).length;
      case 'area':
        sum = -0;
        for (i = 0; i < rooms.length; i++) {
          if (!has(e.kinds, rooms[i].kind)) { continue; }
          if (roomArea(rooms[i]) === null) { return null; }
          sum += roomArea(rooms[i]);
        }
        return round6(sum);
      case 'doors':
        if (!room) { return 0; }
        return validDoors(fig).filter(function (d) { return d.from === ri || d.to === ri; }).length;
      case 'doors_to':
        if (!room) { return 0; }
        n = 0;
        validDoors(fig).forEach(function (d) {
          var other;
          if (d.from === ri) { other = d.to; } else if (d.to === ri) { other = d.from; } else { return; }
          var kind = other === null || other === undefined ? 'outside' : rooms[other].kind;
          if (has(e.kinds, kind)) { n += 1; }
        });
        return n;
      case 'doors_between':
        // Doors of the whole plan joining a room of one set and a room (or the outside) of the other.
        n = 0;
        validDoors(fig).forEach(function (d) {
          var x = rooms[d.from].kind;
          var y = d.to === null || d.to === undefined ? 'outside' : rooms[d.to].kind;
          if ((has(e.a, x) && has(e.b, y)) || (has(e.a, y) && has(e.b, x))) { n += 1; }
        });
        return n;
      default:
        throw new Error('quantity ' + e.q + ' cannot be evaluated from figures');
    }
  }

  function holds(cmp, a, b) {
    switch (cmp) {
      case '>=': return a >= b - EPS;
      case '<=': return a <= b + EPS;
      case '>': return a > b + EPS;
      case '<': return a < b - EPS;
      default: return Math.abs(a - b) <= EPS;
    }
  }

  // One rule over the figures: { id, status, outcomes: [{ room, status, measured, required }] }.
  // Statuses: pass, fail, unknown (a needed figure is blank), drawing (check it on the drawing),
  // not-applicable (no room of the kind), reference (shown, never decides), unconfirmed (U).
  function evaluateRule(rule, data, fig) {
    if (rule.confidence === 'U' || !rule.left) { return { id: rule.id, status: 'unconfirmed', outcomes: [] }; }
    if (needsDrawing(rule)) { return { id: rule.id, status: 'drawing', outcomes: [] }; }
    var targets = [];
    if (rule.each) {
      (fig.rooms || []).forEach(function (r, i) { if (has(rule.each.kinds, r.kind)) { targets.push(i); } });
    } else {
      targets.push(null);
    }
    var outcomes = targets.map(function (ri) {
      var m = evaluate(rule.left, data, fig, ri);
      var q = evaluate(rule.right, data, fig, ri);
      var status = m === null || q === null ? 'unknown' : (holds(rule.cmp, m, q) ? 'pass' : 'fail');
      return { room: ri, status: status, measured: m, required: q };
    });
    var status;
    if (rule.reference) { status = 'reference'; }
    else if (!outcomes.length) { status = 'not-applicable'; }
    else if (outcomes.some(function (o) { return o.status === 'fail'; })) { status = 'fail'; }
    else if (outcomes.some(function (o) { return o.status === 'unknown'; })) { status = 'unknown'; }
    else { status = 'pass'; }
    return { id: rule.id, status: status, outcomes: outcomes };
  }

  function evaluateAll(data, fig) {
    return data.rules.map(function (rule) { return evaluateRule(rule, data, fig); });
  }

  // Entered whole-plan quantities that differ from the sum of the rooms' equipment they count
  // (whole-plan rules read the one, room rules the other): [{ quantity, entered, in_rooms }],
  // by id; a quantity no room lists equipment for is not compared. Rust: count_mismatches.
  function countMismatches(data, fig) {
    var out = [];
    Object.keys(fig.quantities || {}).sort().forEach(function (id) {
      var entered = fig.quantities[id];
      if (!isNum(entered) || !data.counted[id]) { return; }
      var inRooms = 0;
      (fig.rooms || []).forEach(function (r) {
        data.counted[id].forEach(function (s) { inRooms += equipment(r, s); });
      });
      if (inRooms > 0 && inRooms !== entered) { out.push({ quantity: id, entered: entered, in_rooms: inRooms }); }
    });
    return out;
  }

  var api = { evaluateRule: evaluateRule, evaluateAll: evaluateAll, countMismatches: countMismatches, roomArea: roomArea, shortestSide: shortestSide, needsDrawing: needsDrawing };
  if (typeof module !== 'undefined' && module.exports) { module.exports = api; } else { root.PermitroomSelfcheck = api; }
}(this));
