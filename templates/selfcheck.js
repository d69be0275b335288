// "检查我的方案": the applicant enters their own figures (counted quantities, rooms with kind,
// clear size and equipment, doors) and the page evaluates the guide's rules on them with
// selfcheck-eval.js. The figures stay in this browser (localStorage) and never leave it. Every
// text is set as DOM text, never as markup.
(function () {
  'use strict';
  // The page's words (templates/labels/<lang>.toml, section `selfcheck_js`), from the page.
  var labelsEl = document.getElementById('page-labels');
  var T = labelsEl ? JSON.parse(labelsEl.textContent).selfcheck_js : {};
  function fill(text, values) {
    return String(text || '').replace(/\{(\w+)\}/g, function (all, name) { return name in values ? String(values[name]) : all; });
  }
  var page = document.getElementById('selfcheck');
  var dataEl = document.getElementById('selfcheck-data');
  var form = document.getElementById('selfcheck-form');
  var engine = window.PermitroomSelfcheck;
  if (!page || !dataEl || !form || !engine) { return; }
  var data;
  try { data = JSON.parse(dataEl.textContent); } catch (e) { return; }
  var key = 'permitroom:selfcheck:' + page.getAttribute('data-guide');
  var kindLabel = {};
  data.kinds.forEach(function (k) { kindLabel[k.id] = k.label; });

  function empty() { return { gross_area: null, quantities: {}, rooms: [], doors: [] }; }
  function clean(f) {
    var out = empty();
    if (!f || typeof f !== 'object') { return out; }
    out.gross_area = typeof f.gross_area === 'number' ? f.gross_area : null;
    Object.keys(f.quantities || {}).forEach(function (k) { if (typeof f.quantities[k] === 'number') { out.quantities[k] = f.quantities[k]; } });
    (Array.isArray(f.rooms) ? f.rooms : []).forEach(function (r) {
      if (!r || !kindLabel[r.kind]) { return; }
      var eq = {};
      Object.keys(r.equipment || {}).forEach(function (s) { if (typeof r.equipment[s] === 'number') { eq[s] = r.equipment[s]; } });
      out.rooms.push({ kind: r.kind, name: typeof r.name === 'string' ? r.name : '',
        length: typeof r.length === 'number' ? r.length : null, width: typeof r.width === 'number' ? r.width : null,
        area: typeof r.area === 'number' ? r.area : null, equipment: eq });
    });
    (Array.isArray(f.doors) ? f.doors : []).forEach(function (d) {
      if (d && typeof d.from === 'number' && d.from < out.rooms.length && (d.to === null || (typeof d.to === 'number' && d.to < out.rooms.length))) {
        out.doors.push({ from: d.from, to: d.to });
      }
    });
    return out;
  }
  var fig;
  try { fig = clean(JSON.parse(window.localStorage.getItem(key) || 'null')); } catch (e) { fig = empty(); }
  function save() { try { window.localStorage.setItem(key, JSON.stringify(fig)); } catch (e) { /* private mode */ } }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (a) { e.setAttribute(a, attrs[a]); });
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function parseNum(v, integer) {
    if (v === '' || v === null) { return null; }
    var n = integer ? parseInt(v, 10) : parseFloat(v);
    return isFinite(n) && n >= 0 ? n : null;
  }
  // A number input with its label; `onset` receives the parsed value.
  function numberField(id, label, value, integer, onset) {
    var wrap = el('div', { 'class': 'sc-field' });
    var l = el('label', { 'for': id }, label);
    var input = el('input', { id: id, type: 'number', min: '0', step: integer ? '1' : 'any', inputmode: integer ? 'numeric' : 'decimal' });
    if (value !== null && value !== undefined) { input.value = String(value); }
    input.addEventListener('input', function () { onset(parseNum(input.value, integer)); save(); update(); });
    wrap.appendChild(l);
    wrap.appendChild(input);
    return wrap;
  }

  function roomLabel(i) {
    var r = fig.rooms[i];
    if (r.name) { return r.name; }
    var n = 0;
    for (var j = 0; j <= i; j++) { if (fig.rooms[j].kind === r.kind) { n += 1; } }
    return kindLabel[r.kind] + ' ' + n;
  }

  // ---- the form ----
  function planFields() {
    var box = document.getElementById('sc-plan-fields');
    box.textContent = '';
    if (data.gross_area) {
      box.appendChild(numberField('sc-gross-area', T.gross_area_field, fig.gross_area, false, function (v) { fig.gross_area = v; }));
    }
    data.quantities.forEach(function (q) {
      box.appendChild(numberField('sc-q-' + q.id, q.label + (q.unit ? fill(T.unit, { unit: q.unit }) : ''), fig.quantities[q.id], true, function (v) {
        if (v === null) { delete fig.quantities[q.id]; } else { fig.quantities[q.id] = v; }
      }));
    });
    if (!box.childNodes.length) { document.getElementById('sc-plan').hidden = true; }
  }

  function roomList(focusId) {
    var box = document.getElementById('sc-room-list');
    box.textContent = '';
    if (!fig.rooms.length) { box.appendChild(el('p', { 'class': 'muted' }, T.no_rooms)); }
    fig.rooms.forEach(function (r, i) {
      var fs = el('fieldset', { 'class': 'sc-room', id: 'sc-room-' + i });
      fs.appendChild(el('legend', {}, fill(T.room_legend, { n: i + 1, room: roomLabel(i) })));
      var row = el('div', { 'class': 'sc-fields' });
      var kw = el('div', { 'class': 'sc-field' });
      kw.appendChild(el('label', { 'for': 'sc-room-' + i + '-kind' }, T.room_kind));
      var sel = el('select', { id: 'sc-room-' + i + '-kind' });
      data.kinds.forEach(function (k) {
        var o = el('option', { value: k.id }, k.label);
        if (k.id === r.kind) { o.selected = true; }
        sel.appendChild(o);
      });
      sel.addEventListener('change', function () { r.kind = sel.value; save(); rebuild(sel.id); });
      kw.appendChild(sel);
      row.appendChild(kw);
      var nw = el('div', { 'class': 'sc-field' });
      nw.appendChild(el('label', { 'for': 'sc-room-' + i + '-name' }, T.room_name));
      var name = el('input', { id: 'sc-room-' + i + '-name', type: 'text', autocomplete: 'off' });
      name.value = r.name;
      name.addEventListener('input', function () { r.name = name.value; save(); fs.querySelector('legend').textContent = fill(T.room_legend, { n: i + 1, room: roomLabel(i) }); doorList(); update(); });
      nw.appendChild(name);
      row.appendChild(nw);
      row.appendChild(numberField('sc-room-' + i + '-length', T.length, r.length, false, function (v) { r.length = v; }));
      row.appendChild(numberField('sc-room-' + i + '-width', T.width, r.width, false, function (v) { r.width = v; }));
      row.appendChild(numberField('sc-room-' + i + '-area', T.area_field, r.area, false, function (v) { r.area = v; }));
      data.symbols.forEach(function (s) {
        if (s.kinds.indexOf(r.kind) < 0) { return; }
        row.appendChild(numberField('sc-room-' + i + '-eq-' + s.id, fill(T.count_field, { label: s.label }), r.equipment[s.id], true, function (v) {
          if (v === null) { delete r.equipment[s.id]; } else { r.equipment[s.id] = v; }
        }));
      });
      fs.appendChild(row);
      var rm = el('button', { type: 'button', 'class': 'sc-remove', id: 'sc-room-' + i + '-remove' }, fill(T.remove_room, { room: roomLabel(i) }));
      rm.addEventListener('click', function () {
        fig.rooms.splice(i, 1);
        fig.doors = fig.doors.filter(function (d) { return d.from !== i && d.to !== i; }).map(function (d) {
          return { from: d.from > i ? d.from - 1 : d.from, to: d.to !== null && d.to > i ? d.to - 1 : d.to };
        });
        save();
        rebuild('sc-add-room');
      });
      fs.appendChild(rm);
      box.appendChild(fs);
    });
    if (focusId) { var f = document.getElementById(focusId); if (f) { f.focus(); } }
  }

  function doorList(focusId) {
    var box = document.getElementById('sc-door-list');
    box.textContent = '';
    document.getElementById('sc-add-door').disabled = !fig.rooms.length;
    if (!fig.doors.length) { box.appendChild(el('p', { 'class': 'muted' }, fig.rooms.length ? T.no_doors : T.rooms_first)); }
    fig.doors.forEach(function (d, i) {
      var fs = el('fieldset', { 'class': 'sc-door', id: 'sc-door-' + i });
      fs.appendChild(el('legend', {}, fill(T.door, { n: i + 1 })));
      var row = el('div', { 'class': 'sc-fields' });
      [['from', T.from], ['to', T.to]].forEach(function (side) {
        var w = el('div', { 'class': 'sc-field' });
        var id = 'sc-door-' + i + '-' + side[0];
        w.appendChild(el('label', { 'for': id }, side[1]));
        var sel = el('select', { id: id });
        if (side[0] === 'to') { sel.appendChild(el('option', { value: 'outside' }, T.outside)); }
        fig.rooms.forEach(function (r, j) { sel.appendChild(el('option', { value: String(j) }, roomLabel(j))); });
        var v = d[side[0]];
        sel.value = v === null ? 'outside' : String(v);
        sel.addEventListener('change', function () { d[side[0]] = sel.value === 'outside' ? null : parseInt(sel.value, 10); save(); update(); });
        w.appendChild(sel);
        row.appendChild(w);
      });
      fs.appendChild(row);
      var rm = el('button', { type: 'button', 'class': 'sc-remove', id: 'sc-door-' + i + '-remove' }, fill(T.remove_door, { n: i + 1 }));
      rm.addEventListener('click', function () { fig.doors.splice(i, 1); save(); rebuild('sc-add-door'); });
      fs.appendChild(rm);
      box.appendChild(fs);
    });
    if (focusId) { var f = document.getElementById(focusId); if (f) { f.focus(); } }
  }

  function rebuild(focusId) { planFields(); roomList(focusId); doorList(focusId); update(); }

  document.getElementById('sc-add-room').addEventListener('click', function () {
    fig.rooms.push({ kind: data.kinds[0].id, name: '', length: null, width: null, area: null, equipment: {} });
    save();
    rebuild('sc-room-' + (fig.rooms.length - 1) + '-kind');
  });
  document.getElementById('sc-add-door').addEventListener('click', function () {
    if (!fig.rooms.length) { return; }
    fig.doors.push({ from: 0, to: null });
    save();
    rebuild('sc-door-' + (fig.doors.length - 1) + '-from');
  });
  document.getElementById('sc-reset').addEventListener('click', function () {
    fig = empty();
    try { window.localStorage.removeItem(key); } catch (e) { /* private mode */ }
    rebuild('sc-add-room');
  });
  document.getElementById('sc-print').addEventListener('click', function () { window.print(); });

  // ---- the results ----
  function round(x) { return x < 0 ? -Math.round(-x) : Math.round(x); }
  function fmt(v, dim) {
    if (v === Infinity || v === -Infinity) { return '∞'; }
    if (dim === 2) { return (round(v * 10) / 10).toFixed(1) + ' m²'; }
    if (dim === 1) { return (round(v * 100) / 100).toFixed(2) + ' m'; }
    return Math.abs(v - round(v)) < 1e-9 ? String(round(v)) : (round(v * 100) / 100).toFixed(2);
  }
  // A shortfall, rounded up so that adding it is enough.
  function fmtUp(v, dim) {
    var step = dim === 2 ? 10 : dim === 1 ? 100 : 1;
    var up = Math.ceil(round(v * 1e6) / 1e6 * step) / step;
    return fmt(up, dim);
  }
  // What to change for a failing outcome, in the applicant's words.
  function change(rule, o) {
    var m = o.measured, q = o.required, d = rule.dim;
    if (m === Infinity || q === Infinity) { return ''; }
    switch (rule.cmp) {
      case '>=': return fill(T.short_by, { v: fmtUp(q - m, d) });
      case '>': return fill(T.above, { q: fmt(q, d), v: fmtUp(q - m, d) });
      case '<=': return fill(T.over_by, { v: fmtUp(m - q, d) });
      case '<': return fill(T.below, { q: fmt(q, d) });
      default: return fill(T.should_be, { q: fmt(q, d), m: fmt(m, d) });
    }
  }
  function uses(e, out) {
    if (!e) { return out; }
    if (e.q) { out.push(e); }
    (e.args || []).forEach(function (a) { uses(a, out); });
    if (e.a) { uses(e.a, out); uses(e.b, out); }
    return out;
  }
  // The blank figures an outcome needs.
  function missing(rule, o) {
    var need = [];
    uses(rule.left, []).concat(uses(rule.right, [])).forEach(function (e) {
      var add = function (t) { if (need.indexOf(t) < 0) { need.push(t); } };
      if (e.q === 'gross_area' && fig.gross_area === null) { add(T.gross_area); }
      if (e.q === 'counted' && o.room === null && typeof fig.quantities[e.id] !== 'number') {
        var q = data.quantities.filter(function (x) { return x.id === e.id; })[0];
        add(q ? fill(T.count_of, { label: q.label }) : e.id);
      }
      if (e.q === 'shortest_side' && o.room !== null && engine.shortestSide(fig.rooms[o.room]) === null) { add(fill(T.sides_of, { room: roomLabel(o.room) })); }
      if (e.q === 'net_area' || e.q === 'area') {
        fig.rooms.forEach(function (r, i) {
          var relevant = e.q === 'area' ? e.kinds.indexOf(r.kind) >= 0 : (o.room === null || o.room === i);
          if (relevant && engine.roomArea(r) === null) { add(fill(T.area_of, { room: roomLabel(i) })); }
        });
      }
    });
    return need;
  }
  var VERDICT = {
    pass: ['verdict-pass', T.pass],
    fail: ['verdict-fail', T.fail],
    unknown: ['verdict-unknown', T.unknown],
    drawing: ['verdict-drawing', T.drawing],
    'not-applicable': ['verdict-reference', T.not_applicable],
    reference: ['verdict-reference', T.reference],
    unconfirmed: ['verdict-reference', T.unconfirmed]
  };

  function figuresSummary() {
    var box = document.getElementById('sc-figures');
    box.textContent = '';
    box.appendChild(el('h3', {}, T.my_figures));
    var ul = el('ul', {});
    if (data.gross_area) { ul.appendChild(el('li', {}, T.gross_area_line + (fig.gross_area === null ? T.blank : fmt(fig.gross_area, 2)))); }
    data.quantities.forEach(function (q) {
      var v = fig.quantities[q.id];
      ul.appendChild(el('li', {}, q.label + T.colon + (typeof v === 'number' ? v + ' ' + q.unit : T.blank)));
    });
    fig.rooms.forEach(function (r, i) {
      var parts = [kindLabel[r.kind]];
      if (r.length !== null && r.width !== null) { parts.push(fmt(r.length, 1) + ' × ' + fmt(r.width, 1)); }
      var a = engine.roomArea(r);
      parts.push(T.usable_area + (a === null ? T.blank : fmt(a, 2)));
      data.symbols.forEach(function (s) { if (r.equipment[s.id]) { parts.push(s.label + ' × ' + r.equipment[s.id]); } });
      ul.appendChild(el('li', {}, roomLabel(i) + T.colon + parts.join(T.comma)));
    });
    fig.doors.forEach(function (d, i) {
      ul.appendChild(el('li', {}, fill(T.door, { n: i + 1 }) + T.colon + roomLabel(d.from) + ' → ' + (d.to === null ? T.outside : roomLabel(d.to))));
    });
    box.appendChild(ul);
  }

  function update() {
    var results = engine.evaluateAll(data, fig);
    var counts = {};
    results.forEach(function (res, k) {
      var rule = data.rules[k];
      counts[res.status] = (counts[res.status] || 0) + 1;
      var row = document.querySelector('tr[data-rule="' + rule.id + '"]');
      if (!row) { return; }
      row.className = (rule.reference ? 'reference ' : '') + 'sc-' + res.status;
      row.setAttribute('data-status', res.status);
      var cell = row.querySelector('.sc-verdict');
      var detail = row.querySelector('.sc-detail');
      cell.textContent = '';
      detail.textContent = '';
      var v = VERDICT[res.status];
      cell.appendChild(el('span', { 'class': 'verdict ' + v[0] }, v[1]));
      if (res.status === 'reference' || res.status === 'unconfirmed') {
        cell.appendChild(el('br'));
        cell.appendChild(el('span', { 'class': 'muted' }, T.reference_only));
      }
      if (res.status === 'drawing') {
        detail.appendChild(el('span', { 'class': 'muted' }, T.needs_drawing));
      }
      if (res.status === 'not-applicable') {
        detail.appendChild(el('span', { 'class': 'muted' }, fill(T.none_in_design, { label: rule.each.label })));
      }
      res.outcomes.forEach(function (o) {
        var line = el('span', { 'class': 'sc-outcome sc-outcome-' + (res.status === 'reference' ? 'reference' : o.status) });
        var who = o.room === null ? '' : roomLabel(o.room) + T.colon;
        if (o.status === 'unknown') {
          line.textContent = who + fill(T.fill_in, { items: missing(rule, o).join(T.list_separator) });
        } else {
          var text = who + fill(T.measured_required, { measured: fmt(o.measured, rule.dim), required: rule.symbol + ' ' + fmt(o.required, rule.dim) });
          if (res.status === 'reference') { text += o.status === 'pass' ? T.reached : T.not_reached; }
          else if (o.status === 'fail') { text += T.comma + change(rule, o); }
          line.textContent = text;
        }
        detail.appendChild(line);
      });
    });
    var parts = [];
    [['pass', T.count_pass], ['fail', T.count_fail], ['unknown', T.unknown], ['drawing', T.drawing], ['not-applicable', T.not_applicable],
      ['reference', T.reference], ['unconfirmed', T.unconfirmed]].forEach(function (p) {
      if (counts[p[0]]) { parts.push(fill(T.count, { what: p[1], n: counts[p[0]] })); }
    });
    document.getElementById('sc-summary').textContent = fill(T.summary, { n: results.length, parts: parts.join(T.comma) });
    // Entered totals the rooms' equipment does not add up to: the rules would read two figures.
    var list = document.getElementById('sc-mismatches');
    list.textContent = '';
    engine.countMismatches(data, fig).forEach(function (m) {
      var q = data.quantities.filter(function (x) { return x.id === m.quantity; })[0];
      list.appendChild(el('p', {}, fill(T.count_mismatch, { label: q ? q.label : m.quantity, entered: m.entered, in_rooms: m.in_rooms })));
    });
    list.hidden = !list.firstChild;
    figuresSummary();
  }

  document.getElementById('selfcheck-nojs').hidden = true;
  form.hidden = false;
  rebuild();
}());
