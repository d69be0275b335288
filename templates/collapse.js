// Collapsing sections and stages, as GOV.UK's step-by-step navigation does: each element
// marked data-collapsible keeps its heading and hides the rest behind a button in that
// heading (aria-expanded tells screen readers the state; the heading text, with its stage
// number, is the button's name). Without JavaScript nothing is collapsed.
//
// Hidden parts use hidden="until-found", so the browser's find-in-page and links to an
// anchor inside still reach them; printing shows everything.
(function () {
  'use strict';
  // The page's words (templates/labels/<lang>.toml, section `collapse`), from the page itself.
  var labelsEl = document.getElementById('page-labels');
  var T = labelsEl ? JSON.parse(labelsEl.textContent).collapse : {};
  function fill(text, values) {
    return String(text || '').replace(/\{(\w+)\}/g, function (all, name) { return name in values ? String(values[name]) : all; });
  }
  var units = Array.prototype.slice.call(document.querySelectorAll('[data-collapsible]'));
  if (!units.length) { return; }
  var hideValue = 'onbeforematch' in document.body ? 'until-found' : '';

  function setOpen(unit, open) {
    unit.button.setAttribute('aria-expanded', open ? 'true' : 'false');
    unit.icon.textContent = open ? T.hide : T.show;
    if (open) { unit.body.removeAttribute('hidden'); } else if (hideValue) { unit.body.setAttribute('hidden', hideValue); } else { unit.body.hidden = true; }
    unit.el.classList.toggle('is-open', open);
    syncAll();
  }

  var made = units.map(function (el, i) {
    var heading = el.querySelector(':scope > h2, :scope > h3');
    if (!heading) { return null; }
    var body = document.createElement('div');
    body.className = 'collapsible-body';
    body.id = 'collapsible-' + (i + 1);
    while (heading.nextSibling) { body.appendChild(heading.nextSibling); }
    el.appendChild(body);
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'collapse-button';
    button.setAttribute('aria-controls', body.id);
    var label = document.createElement('span');
    label.className = 'collapse-label';
    while (heading.firstChild) { label.appendChild(heading.firstChild); }
    button.appendChild(label);
    var icon = document.createElement('span');
    icon.className = 'collapse-icon';
    icon.setAttribute('aria-hidden', 'true');
    button.appendChild(icon);
    heading.appendChild(button);
    el.classList.add('collapsible');
    var unit = { el: el, body: body, button: button, icon: icon, kind: el.getAttribute('data-collapsible') };
    button.addEventListener('click', function () { setOpen(unit, button.getAttribute('aria-expanded') !== 'true'); });
    body.addEventListener('beforematch', function () { setOpen(unit, true); });
    return unit;
  }).filter(Boolean);

  // "Show all" buttons: one before the first section of the page (opens everything) and one
  // before the first stage (opens the stages).
  var showAll = [];
  function addShowAll(labels, members) {
    if (members.length < 2) { return; }
    var p = document.createElement('p');
    p.className = 'show-all';
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'show-all-button';
    button.setAttribute('aria-controls', members.map(function (u) { return u.body.id; }).join(' '));
    p.appendChild(button);
    // Before the first member, outside any list it is an item of.
    var anchor = members[0].el;
    while (anchor.parentNode.tagName === 'OL' || anchor.parentNode.tagName === 'UL') { anchor = anchor.parentNode; }
    if (showAll.some(function (s) { return s.anchor === anchor; })) { return; }
    anchor.parentNode.insertBefore(p, anchor);
    var entry = { button: button, members: members, labels: labels, anchor: anchor };
    button.addEventListener('click', function () {
      var open = button.getAttribute('aria-expanded') !== 'true';
      members.forEach(function (u) { setOpen(u, open); });
    });
    showAll.push(entry);
  }
  function syncAll() {
    showAll.forEach(function (s) {
      var open = s.members.every(function (u) { return u.button.getAttribute('aria-expanded') === 'true'; });
      s.button.setAttribute('aria-expanded', open ? 'true' : 'false');
      s.button.textContent = s.labels[open ? 1 : 0];
    });
  }

  made.forEach(function (u) { setOpen(u, false); });
  addShowAll([T.show_all, T.hide_all], made);
  addShowAll([T.show_stages, T.hide_stages], made.filter(function (u) { return u.kind === 'stage'; }));
  syncAll();

  // A link to something inside a collapsed part opens it (and the parts around it).
  function reveal() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) { return; }
    made.forEach(function (u) {
      if (u.el.contains(target) && (u.body.contains(target) || u.el.querySelector(':scope > h2, :scope > h3') === target)) { setOpen(u, true); }
    });
    target.scrollIntoView();
  }
  window.addEventListener('hashchange', reveal);
  if (window.location.hash) { reveal(); }

  // Print everything; restore what was open afterwards.
  var before = null;
  window.addEventListener('beforeprint', function () {
    before = made.map(function (u) { return u.button.getAttribute('aria-expanded') === 'true'; });
    made.forEach(function (u) { setOpen(u, true); });
  });
  window.addEventListener('afterprint', function () {
    if (!before) { return; }
    made.forEach(function (u, i) { setOpen(u, before[i]); });
    before = null;
  });
})();
