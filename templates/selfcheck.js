// "检查我的方案": the applicant enters their own figures (counted quantities, rooms with kind,
// clear size and equipment, doors) and the page evaluates the guide's rules on them with
// selfcheck-eval.js. The figures stay in this browser (localStorage) and never leave it. Every
// text is set as DOM text, never as markup.
(function () {
  'use strict';
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
      box.appendChild(numberField('sc-gross-area', '建筑面积（m²，按外墙外皮）', fig.gross_area, false, function (v) { fig.gross_area = v; }));
    }
    data.quantities.forEach(function (q) {
      box.appendChild(numberField('sc-q-' + q.id, q.label + (q.unit ? '（' + q.unit + '）' : ''), fig.quantities[q.id], true, function (v) {
        if (v === null) { delete fig.quantities[q.id]; } else { fig.quantities[q.id] = v; }
      }));
    });
    if (!box.childNodes.length) { document.getElementById('sc-plan').hidden = true; }
  }

  function roomList(focusId) {
    var box = document.getElementById('sc-room-list');
    box.textContent = '';
    if (!fig.rooms.length) { box.appendChild(el('p', { 'class': 'muted' }, '还没有房间。请按“添加房间”逐间填写。')); }
    fig.rooms.forEach(function (r, i) {
      var fs = el('fieldset', { 'class': 'sc-room', id: 'sc-room-' + i });
      fs.appendChild(el('legend', {}, '房间 ' + (i + 1) + '：' + roomLabel(i)));
      var row = el('div', { 'class': 'sc-fields' });
      var kw = el('div', { 'class': 'sc-field' });
      kw.appendChild(el('label', { 'for': 'sc-room-' + i + '-kind' }, '房间类型'));
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
      nw.appendChild(el('label', { 'for': 'sc-room-' + i + '-name' }, '名称（可不填）'));
      var name = el('input', { id: 'sc-room-' + i + '-name', type: 'text', autocomplete: 'off' });
      name.value = r.name;
      name.addEventListener('input', function () { r.name = name.value; save(); fs.querySelector('legend').textContent = '房间 ' + (i + 1) + '：' + roomLabel(i); doorList(); update(); });
      nw.appendChild(name);
      row.appendChild(nw);
      row.appendChild(numberField('sc-room-' + i + '-length', '长（m）', r.length, false, function (v) { r.length = v; }));
      row.appendChild(numberField('sc-room-' + i + '-width', '宽（m）', r.width, false, function (v) { r.width = v; }));
      row.appendChild(numberField('sc-room-' + i + '-area', '使用面积（m²，可不填）', r.area, false, function (v) { r.area = v; }));
      data.symbols.forEach(function (s) {
        if (s.kinds.indexOf(r.kind) < 0) { return; }
        row.appendChild(numberField('sc-room-' + i + '-eq-' + s.id, s.label + '（个数）', r.equipment[s.id], true, function (v) {
          if (v === null) { delete r.equipment[s.id]; } else { r.equipment[s.id] = v; }
        }));
      });
      fs.appendChild(row);
      var rm = el('button', { type: 'button', 'class': 'sc-remove', id: 'sc-room-' + i + '-remove' }, '删除' + roomLabel(i));
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
    if (!fig.doors.length) { box.appendChild(el('p', { 'class': 'muted' }, fig.rooms.length ? '还没有门。' : '先添加房间，再填写门。')); }
    fig.doors.forEach(function (d, i) {
      var fs = el('fieldset', { 'class': 'sc-door', id: 'sc-door-' + i });
      fs.appendChild(el('legend', {}, '门 ' + (i + 1)));
      var row = el('div', { 'class': 'sc-fields' });
      [['from', '从'], ['to', '通向']].forEach(function (side) {
        var w = el('div', { 'class': 'sc-field' });
        var id = 'sc-door-' + i + '-' + side[0];
        w.appendChild(el('label', { 'for': id }, side[1]));
        var sel = el('select', { id: id });
        if (side[0] === 'to') { sel.appendChild(el('option', { value: 'outside' }, '室外')); }
        fig.rooms.forEach(function (r, j) { sel.appendChild(el('option', { value: String(j) }, roomLabel(j))); });
        var v = d[side[0]];
        sel.value = v === null ? 'outside' : String(v);
        sel.addEventListener('change', function () { d[side[0]] = sel.value === 'outside' ? null : parseInt(sel.value, 10); save(); update(); });
        w.appendChild(sel);
        row.appendChild(w);
      });
      fs.appendChild(row);
      var rm = el('button', { type: 'button', 'class': 'sc-remove', id: 'sc-door-' + i + '-remove' }, '删除门 ' + (i + 1));
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
      case '>=': return '还差 ' + fmtUp(q - m, d);
      case '>': return '须大于 ' + fmt(q, d) + '，还差 ' + fmtUp(q - m, d) + ' 以上';
      case '<=': return '多出 ' + fmtUp(m - q, d);
      case '<': return '须小于 ' + fmt(q, d);
      default: return '应为 ' + fmt(q, d) + '，现为 ' + fmt(m, d);
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
      if (e.q === 'gross_area' && fig.gross_area === null) { add('建筑面积'); }
      if (e.q === 'counted' && o.room === null && typeof fig.quantities[e.id] !== 'number') {
        var q = data.quantities.filter(function (x) { return x.id === e.id; })[0];
        add(q ? q.label + '数' : e.id);
      }
      if (e.q === 'shortest_side' && o.room !== null && engine.shortestSide(fig.rooms[o.room]) === null) { add(roomLabel(o.room) + '的长和宽'); }
      if (e.q === 'net_area' || e.q === 'area') {
        fig.rooms.forEach(function (r, i) {
          var relevant = e.q === 'area' ? e.kinds.indexOf(r.kind) >= 0 : (o.room === null || o.room === i);
          if (relevant && engine.roomArea(r) === null) { add(roomLabel(i) + '的面积'); }
        });
      }
    });
    return need;
  }
  var VERDICT = {
    pass: ['verdict-pass', '✓ 符合'],
    fail: ['verdict-fail', '✗ 不符合'],
    unknown: ['verdict-unknown', '无法判断'],
    drawing: ['verdict-drawing', '请在图纸上自查'],
    'not-applicable': ['verdict-reference', '不适用'],
    reference: ['verdict-reference', '参考值'],
    unconfirmed: ['verdict-reference', '要求待本地确认']
  };

  function figuresSummary() {
    var box = document.getElementById('sc-figures');
    box.textContent = '';
    box.appendChild(el('h3', {}, '我填写的数据'));
    var ul = el('ul', {});
    if (data.gross_area) { ul.appendChild(el('li', {}, '建筑面积：' + (fig.gross_area === null ? '未填写' : fmt(fig.gross_area, 2)))); }
    data.quantities.forEach(function (q) {
      var v = fig.quantities[q.id];
      ul.appendChild(el('li', {}, q.label + '：' + (typeof v === 'number' ? v + ' ' + q.unit : '未填写')));
    });
    fig.rooms.forEach(function (r, i) {
      var parts = [kindLabel[r.kind]];
      if (r.length !== null && r.width !== null) { parts.push(fmt(r.length, 1) + ' × ' + fmt(r.width, 1)); }
      var a = engine.roomArea(r);
      parts.push('使用面积 ' + (a === null ? '未填写' : fmt(a, 2)));
      data.symbols.forEach(function (s) { if (r.equipment[s.id]) { parts.push(s.label + ' × ' + r.equipment[s.id]); } });
      ul.appendChild(el('li', {}, roomLabel(i) + '：' + parts.join('，')));
    });
    fig.doors.forEach(function (d, i) {
      ul.appendChild(el('li', {}, '门 ' + (i + 1) + '：' + roomLabel(d.from) + ' → ' + (d.to === null ? '室外' : roomLabel(d.to))));
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
        cell.appendChild(el('span', { 'class': 'muted' }, '仅供参考，不作判定'));
      }
      if (res.status === 'drawing') {
        detail.appendChild(el('span', { 'class': 'muted' }, '需要流线、开敞处、窗或门的位置，本表不收集'));
      }
      if (res.status === 'not-applicable') {
        detail.appendChild(el('span', { 'class': 'muted' }, '您的方案中没有' + rule.each.label));
      }
      res.outcomes.forEach(function (o) {
        var line = el('span', { 'class': 'sc-outcome sc-outcome-' + (res.status === 'reference' ? 'reference' : o.status) });
        var who = o.room === null ? '' : roomLabel(o.room) + '：';
        if (o.status === 'unknown') {
          line.textContent = who + '无法判断，请填写' + missing(rule, o).join('、');
        } else {
          var text = who + '实际 ' + fmt(o.measured, rule.dim) + '，要求 ' + rule.symbol + ' ' + fmt(o.required, rule.dim);
          if (res.status === 'reference') { text += o.status === 'pass' ? '（已达到参考值）' : '（未达到参考值）'; }
          else if (o.status === 'fail') { text += '，' + change(rule, o); }
          line.textContent = text;
        }
        detail.appendChild(line);
      });
    });
    var parts = [];
    [['pass', '符合'], ['fail', '不符合'], ['unknown', '无法判断'], ['drawing', '请在图纸上自查'], ['not-applicable', '不适用'],
      ['reference', '参考值'], ['unconfirmed', '要求待本地确认']].forEach(function (p) {
      if (counts[p[0]]) { parts.push(p[1] + ' ' + counts[p[0]] + ' 条'); }
    });
    document.getElementById('sc-summary').textContent = '共 ' + results.length + ' 条规则：' + parts.join('，') + '。';
    figuresSummary();
  }

  document.getElementById('selfcheck-nojs').hidden = true;
  form.hidden = false;
  rebuild();
}());
