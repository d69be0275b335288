// "Which permits do I need": answers select guides and bundles (finder.json); the result is
// built from DOM nodes. Without JavaScript the page lists every item with its conditions.
(function () {
  'use strict';
  // The page's words (templates/labels/<lang>.toml, section `finder`), from the page itself.
  var labelsEl = document.getElementById('page-labels');
  var T = labelsEl ? JSON.parse(labelsEl.textContent).finder : {};
  function fill(text, values) {
    return String(text || '').replace(/\{(\w+)\}/g, function (all, name) { return name in values ? String(values[name]) : all; });
  }
  var form = document.getElementById('finder-form');
  var box = document.getElementById('finder-result-box');
  if (!form || !box) { return; }
  fetch('finder.json').then(function (r) { return r.json(); }).then(function (finder) {
    var list = document.getElementById('finder-result');
    var notes = document.getElementById('finder-notes');
    var status = document.getElementById('finder-status');
    var answers = {};
    finder.questions.forEach(function (q) { q.answers.forEach(function (a) { answers[a.id] = a; }); });
    function update() {
      var chosen = Array.prototype.slice.call(form.querySelectorAll('input:checked')).map(function (i) { return answers[i.value]; });
      var wanted = {};
      chosen.forEach(function (a) { a.adds.forEach(function (id) { wanted[id] = true; }); });
      list.replaceChildren();
      notes.replaceChildren();
      var items = finder.items.filter(function (item) { return wanted[item.id]; });
      items.forEach(function (item) {
        var li = document.createElement('li');
        var a = document.createElement('a');
        a.href = item.url;
        a.textContent = item.title;
        var meta = document.createElement('span');
        meta.className = 'muted';
        meta.textContent = ' ' + item.kind + (item.department ? ' · ' + item.department : '');
        var p = document.createElement('p');
        p.textContent = item.summary;
        li.appendChild(a);
        li.appendChild(meta);
        li.appendChild(p);
        list.appendChild(li);
      });
      chosen.forEach(function (a) {
        if (a.note) { var li = document.createElement('li'); li.textContent = a.note; notes.appendChild(li); }
      });
      var answered = finder.questions.filter(function (q) { return form.querySelector('input[name="' + q.id + '"]:checked'); }).length;
      // Only procedures count: a bundle (一件事) or a guide that covers several procedures is
      // another way to read the same procedures, not one more to apply for.
      var permits = items.filter(function (item) { return item.permit; }).length;
      var others = items.length - permits;
      status.textContent = chosen.length === 0 ? T.none
        : fill(T.answered, { answered: answered, questions: finder.questions.length, permits: permits })
          + (others > 0 ? fill(T.others, { others: others }) : '') + T.end;
    }
    form.addEventListener('change', update);
    form.hidden = false;
    box.hidden = false;
    update();
  });
})();
