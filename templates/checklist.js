// "My checklist": tick materials and steps on a guide or bundle page; ticks stay in this
// browser (localStorage) and never leave it.
//
// Progress follows the guide's stage logic, read from the page's data attributes:
// a step carries data-stage (its stage number), data-logic ("and": every step is needed,
// "or": one of them is) and data-optional ("true": never needed). A stage is done when all
// its needed "and" steps, or one of its needed "or" steps, are ticked; optional steps never
// hold a stage back.
(function () {
  'use strict';
  // The page's words (templates/labels/<lang>.toml, section `checklist`), from the page itself.
  var labelsEl = document.getElementById('page-labels');
  var T = labelsEl ? JSON.parse(labelsEl.textContent).checklist : {};
  function fill(text, values) {
    return String(text || '').replace(/\{(\w+)\}/g, function (all, name) { return name in values ? String(values[name]) : all; });
  }
  var box = document.getElementById('my-checklist');
  if (!box) { return; }
  var key = 'permitroom:' + box.getAttribute('data-page');
  var items = Array.prototype.slice.call(document.querySelectorAll('[data-check]'));
  if (!items.length) { return; }
  var stored = {};
  try { stored = JSON.parse(window.localStorage.getItem(key) || '{}') || {}; } catch (e) { stored = {}; }
  function save() { try { window.localStorage.setItem(key, JSON.stringify(stored)); } catch (e) { /* private mode */ } }
  function ticked(el) { return !!stored[el.getAttribute('data-check')]; }

  // Stages in page order, each with its steps, logic and the heading that shows its state.
  var stages = [];
  var byNumber = {};
  items.filter(function (el) { return el.getAttribute('data-kind') === 'step'; }).forEach(function (el) {
    var n = el.getAttribute('data-stage');
    if (!byNumber[n]) {
      var container = el.closest('.stage') || el;
      byNumber[n] = { number: n, logic: 'and', steps: [], heading: container.querySelector('h3') };
      stages.push(byNumber[n]);
    }
    if (el.getAttribute('data-logic') === 'or') { byNumber[n].logic = 'or'; }
    byNumber[n].steps.push(el);
  });
  function stageState(stage) {
    var needed = stage.steps.filter(function (el) { return el.getAttribute('data-optional') !== 'true'; });
    var done = needed.filter(ticked).length;
    var complete = needed.length === 0 || (stage.logic === 'or' ? done > 0 : done === needed.length);
    return { complete: complete, done: done, needed: needed.length };
  }
  // One status line per stage (when the page has stages of several steps), shown on screen
  // and in print.
  stages.forEach(function (stage) {
    if (!stage.heading || stage.steps.length < 2) { return; }
    var status = document.createElement('span');
    status.className = 'stage-status';
    // Inside the stage's collapse button when there is one, so its name carries the state.
    var host = stage.heading.querySelector('.collapse-button') || stage.heading;
    host.insertBefore(status, host.querySelector('.collapse-icon'));
    stage.status = status;
  });

  var progress = document.getElementById('checklist-progress');
  function update() {
    var materials = items.filter(function (el) { return el.getAttribute('data-kind') === 'material'; });
    var done = materials.filter(ticked).length;
    var current = null;
    stages.forEach(function (stage) {
      var state = stageState(stage);
      if (!state.complete && current === null) { current = stage.number; }
      if (stage.status) {
        stage.status.textContent = state.complete ? T.stage_done
          : stage.logic === 'or' ? T.stage_open_one_of : fill(T.stage_steps, { done: state.done, needed: state.needed });
        stage.status.classList.toggle('stage-status-done', state.complete);
      }
    });
    var parts = [];
    if (stages.length) {
      parts.push(current !== null ? fill(T.at_stage, { n: current, stages: stages.length }) : fill(T.all_stages, { stages: stages.length }));
    }
    if (materials.length) { parts.push(fill(T.materials_ready, { done: done, total: materials.length })); }
    progress.textContent = parts.join(T.separator);
  }

  function checkbox(el) {
    var id = el.getAttribute('data-check');
    var input = document.createElement('input');
    input.type = 'checkbox';
    input.className = 'tick';
    input.id = 'tick-' + id;
    input.checked = !!stored[id];
    input.setAttribute('aria-label', (el.getAttribute('data-kind') === 'material' ? T.ready : T.done) + el.getAttribute('data-label'));
    input.addEventListener('change', function () {
      if (input.checked) { stored[id] = true; } else { delete stored[id]; }
      el.classList.toggle('ticked', input.checked);
      save();
      update();
    });
    el.classList.toggle('ticked', input.checked);
    return input;
  }

  // Table rows get their box in a cell of a new first column, with its own header cell, so
  // every other header stays over its column.
  var tables = [];
  items.forEach(function (el) {
    var input = checkbox(el);
    if (el.tagName === 'TR') {
      var cell = document.createElement('td');
      cell.className = 'tick-cell';
      cell.appendChild(input);
      el.insertBefore(cell, el.firstChild);
      var table = el.closest('table');
      if (tables.indexOf(table) < 0) { tables.push(table); }
    } else {
      el.insertBefore(input, el.firstChild);
    }
  });
  tables.forEach(function (table) {
    Array.prototype.slice.call(table.rows).forEach(function (row) {
      if (row.querySelector(':scope > .tick-cell')) { return; }
      var head = row.parentNode.tagName === 'THEAD';
      var cell = document.createElement(head ? 'th' : 'td');
      cell.className = 'tick-cell';
      if (head) { cell.scope = 'col'; cell.textContent = T.ready_column; }
      row.insertBefore(cell, row.firstChild);
    });
  });

  document.getElementById('checklist-reset').addEventListener('click', function () {
    if (!window.confirm(T.confirm_reset)) { return; }
    stored = {};
    save();
    items.forEach(function (el) { var i = el.querySelector('input.tick'); if (i) { i.checked = false; } el.classList.remove('ticked'); });
    update();
  });
  document.getElementById('checklist-print').addEventListener('click', function () {
    document.body.classList.add('print-checklist');
    window.print();
  });
  window.addEventListener('afterprint', function () { document.body.classList.remove('print-checklist'); });
  box.hidden = false;
  update();
})();
