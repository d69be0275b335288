// "Which permits do I need": answers select guides and bundles (finder.json); the result is
// built from DOM nodes. Without JavaScript the page lists every item with its conditions.
(function () {
  'use strict';
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
      status.textContent = chosen.length === 0 ? '回答上面的问题后，这里列出需要办理的事项。'
        : '已回答 ' + answered + '/' + finder.questions.length + ' 个问题，需要办理 ' + permits + ' 个事项'
          + (others > 0 ? '（另列 ' + others + ' 份一件事或合集指南，讲的是同样的事项，不另算）' : '') + '。';
    }
    form.addEventListener('change', update);
    form.hidden = false;
    box.hidden = false;
    update();
  });
})();
