// "My checklist": tick materials and steps on a guide or bundle page; ticks stay in this
// browser (localStorage) and never leave it.
(function () {
  'use strict';
  var box = document.getElementById('my-checklist');
  if (!box) { return; }
  var key = 'permitroom:' + box.getAttribute('data-page');
  var items = Array.prototype.slice.call(document.querySelectorAll('[data-check]'));
  if (!items.length) { return; }
  var stored = {};
  try { stored = JSON.parse(window.localStorage.getItem(key) || '{}') || {}; } catch (e) { stored = {}; }
  function save() { try { window.localStorage.setItem(key, JSON.stringify(stored)); } catch (e) { /* private mode */ } }

  var progress = document.getElementById('checklist-progress');
  function update() {
    var materials = items.filter(function (el) { return el.getAttribute('data-kind') === 'material'; });
    var done = materials.filter(function (el) { return stored[el.getAttribute('data-check')]; }).length;
    var stages = {};
    items.filter(function (el) { return el.getAttribute('data-kind') === 'step'; }).forEach(function (el) {
      var s = el.getAttribute('data-stage');
      stages[s] = stages[s] || { total: 0, done: 0, optional: 0 };
      stages[s].total += 1;
      if (stored[el.getAttribute('data-check')]) { stages[s].done += 1; }
    });
    var names = Object.keys(stages).sort(function (a, b) { return a - b; });
    var current = names.filter(function (s) { return stages[s].done < stages[s].total; })[0];
    var parts = [];
    if (names.length) {
      parts.push(current ? '进行到第 ' + current + ' 阶段，共 ' + names.length + ' 阶段' : '全部 ' + names.length + ' 个阶段已完成');
    }
    if (materials.length) { parts.push('已备齐 ' + done + '/' + materials.length + ' 份材料'); }
    progress.textContent = parts.join('；');
  }

  items.forEach(function (el) {
    var id = el.getAttribute('data-check');
    var input = document.createElement('input');
    input.type = 'checkbox';
    input.className = 'tick';
    input.id = 'tick-' + id;
    input.checked = !!stored[id];
    input.setAttribute('aria-label', (el.getAttribute('data-kind') === 'material' ? '已备齐：' : '已完成：') + el.getAttribute('data-label'));
    input.addEventListener('change', function () {
      if (input.checked) { stored[id] = true; } else { delete stored[id]; }
      el.classList.toggle('ticked', input.checked);
      save();
      update();
    });
    el.classList.toggle('ticked', input.checked);
    el.insertBefore(input, el.firstChild);
  });

  document.getElementById('checklist-reset').addEventListener('click', function () {
    if (!window.confirm('清除本页所有勾选？')) { return; }
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
