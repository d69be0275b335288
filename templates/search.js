// permitroom search: substring search over a character-bigram index and a single-character
// index (see src/render/search.rs). Every match is counted; results rank title hits, then
// heading hits, then text hits (each: procedures and bundles, materials, steps, questions;
// an earlier match first), and are shown a page at a time. Results are built from DOM
// nodes and text only; nothing from the index or the query is ever parsed as HTML.
(function () {
  'use strict';
  var root = document.documentElement.getAttribute('data-root') || '';
  var input = document.getElementById('search-q');
  var list = document.getElementById('search-results');
  var status = document.getElementById('search-status');
  var more = document.getElementById('search-more');
  if (!input || !list || !status) { return; }
  var PAGE = 20;
  // The page's words (templates/labels/<lang>.toml, section `search`), from the page itself.
  var labels = document.getElementById('page-labels');
  var T = labels ? JSON.parse(labels.textContent).search : {};
  function fill(text, values) {
    return String(text || '').replace(/\{(\w+)\}/g, function (all, name) { return name in values ? String(values[name]) : all; });
  }
  
  function fnv1a(text) {
    var bytes = new TextEncoder().encode(text);
    var hash = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      hash ^= bytes[i];
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash >>> 0;
  }
  function normalise(text) {
    return Array.from(text.toLowerCase()).map(function (c) { return /[\p{L}\p{N}]/u.test(c) ? c : ' '; });
  }
  function distinct(xs) { var seen = {}; return xs.filter(function (x) { if (seen[x]) { return false; } seen[x] = true; return true; }); }
  function bigrams(text) {
    var cs = normalise(text), out = [];
    for (var i = 0; i + 1 < cs.length; i++) {
      if (cs[i] !== ' ' && cs[i + 1] !== ' ') { out.push(cs[i] + cs[i + 1]); }
    }
    return distinct(out);
  }
  function unigrams(text) { return distinct(normalise(text).filter(function (c) { return c !== ' '; })); }

  var cache = {};
  function load(path) {
    if (!cache[path]) {
      cache[path] = fetch(root + path).then(function (r) {
        if (!r.ok) { throw new Error(path + ': ' + r.status); }
        return r.json();
      });
    }
    return cache[path];
  }
  // The chunk files holding `ids`, as one map id -> entry.
  function byId(dir, size, ids) {
    var chunks = distinct(ids.map(function (id) { return Math.floor(id / size); }));
    return Promise.all(chunks.map(function (c) { return load('search/' + dir + '/' + c + '.json'); })).then(function (files) {
      var map = {};
      chunks.forEach(function (c, i) { files[i].forEach(function (entry, j) { map[c * size + j] = entry; }); });
      return map;
    });
  }

  // Every document containing `query`, ranked, or null when the query has nothing to look up.
  // A gram's postings are three lists: title hits and heading hits as `id, place` pairs,
  // then text hits as ids. Ids run by kind (meta.kind_starts), so a kind is known from an id.
  function search(query) {
    var needle = query.toLowerCase();
    var grams = bigrams(query);
    var useChars = grams.length === 0;
    var keys = useChars ? unigrams(query) : grams;
    if (!keys.length) { return Promise.resolve(null); }
    // A query that is exactly one bigram or one character: its postings are the answer.
    var exact = keys.length === 1 && needle === keys[0];
    return load('search/meta.json').then(function (meta) {
      var kindOf = function (id) { var k = 0; while (k + 1 < meta.kind_starts.length && meta.kind_starts[k + 1] <= id) { k += 1; } return k; };
      var dir = useChars ? 'chars' : 'shards';
      var shards = useChars ? meta.char_shards : meta.shards;
      return Promise.all(keys.map(function (k) {
        return load('search/' + dir + '/' + (fnv1a(k) % shards) + '.json').then(function (s) { return s[k] || [[], [], []]; });
      })).then(function (lists) {
        var found = [];
        function rank() {
          found.sort(function (a, b) {
            return a.tier - b.tier || (a.tier < 2 ? kindOf(a.id) - kindOf(b.id) || a.at - b.at : 0) || a.id - b.id;
          });
          return { found: found, meta: meta };
        }
        var pairs = function (l) { var ids = []; for (var i = 0; i < l.length; i += 2) { ids.push(l[i]); } return ids; };
        if (exact) {
          var t = lists[0];
          [0, 1].forEach(function (tier) {
            for (var i = 0; i < t[tier].length; i += 2) { found.push({ id: t[tier][i], tier: tier, at: t[tier][i + 1] }); }
          });
          t[2].forEach(function (id) { found.push({ id: id, tier: 2, at: 0 }); });
          return rank();
        }
        // Candidates hold every gram; their heads, then their text, tell where the query is.
        var all = lists.map(function (l) { return pairs(l[0]).concat(pairs(l[1]), l[2]); });
        var ids = all.reduce(function (acc, l) { var set = new Set(l); return acc.filter(function (x) { return set.has(x); }); });
        return byId('heads', meta.head_chunk, ids).then(function (heads) {
          var unsure = [];
          ids.forEach(function (id) {
            var h = heads[id];
            var at = h.title.toLowerCase().indexOf(needle);
            if (at >= 0) { found.push({ id: id, head: h, tier: 0, at: at }); return; }
            for (var i = 0; i < h.headings.length; i++) {
              at = h.headings[i].toLowerCase().indexOf(needle);
              if (at >= 0) { found.push({ id: id, head: h, tier: 1, at: at }); return; }
            }
            unsure.push(id);
          });
          return byId('docs', meta.text_chunk, unsure).then(function (texts) {
            unsure.forEach(function (id) {
              if (texts[id].toLowerCase().indexOf(needle) >= 0) { found.push({ id: id, head: heads[id], tier: 2, at: 0 }); }
            });
            return rank();
          });
        });
      });
    });
  }

  // `text` with the first `needle` in it marked, cut to about `width` characters around it.
  function marked(el, text, needle, width) {
    var at = text.toLowerCase().indexOf(needle);
    if (at < 0) {
      el.appendChild(document.createTextNode(text.slice(0, width) + (text.length > width ? '…' : '')));
      return;
    }
    var start = width ? Math.max(0, at - 24) : 0;
    var end = width ? Math.min(text.length, at + needle.length + width - 24) : text.length;
    el.appendChild(document.createTextNode((start > 0 ? '…' : '') + text.slice(start, at)));
    var mark = document.createElement('mark');
    mark.textContent = text.slice(at, at + needle.length);
    el.appendChild(mark);
    el.appendChild(document.createTextNode(text.slice(at + needle.length, end) + (end < text.length ? '…' : '')));
  }

  function item(r, text, needle) {
    var li = document.createElement('li');
    var h = document.createElement('h2');
    h.className = 'result-title';
    var a = document.createElement('a');
    a.href = root + r.head.url;
    if (r.tier === 0) { marked(a, r.head.title, needle, 0); } else { a.textContent = r.head.title; }
    h.appendChild(a);
    li.appendChild(h);
    var kind = document.createElement('span');
    kind.className = 'result-kind';
    kind.textContent = r.head.kind + (r.head.parent ? ' · ' + r.head.parent : '');
    li.appendChild(kind);
    var p = document.createElement('p');
    p.className = 'snippet';
    var heading = r.head.headings.find(function (x) { return x.toLowerCase().indexOf(needle) >= 0; });
    if (r.tier === 1 && heading !== undefined && text.toLowerCase().indexOf(needle) < 0) {
      marked(p, heading, needle, 0);
    } else {
      marked(p, text, needle, 96);
    }
    li.appendChild(p);
    return li;
  }

  function run(query) {
    var needle = query.toLowerCase();
    status.textContent = T.searching;
    search(query).then(function (result) {
      if (!result) { status.textContent = T.empty_query; return; }
      var found = result.found, shown = 0;
      function say() {
        status.textContent = found.length
          ? fill(T.found, { n: found.length, query: query }) + (shown < found.length ? fill(T.found_first, { shown: shown }) : '')
          : fill(T.none, { query: query });
        if (more) {
          more.hidden = shown >= found.length;
          more.textContent = fill(T.more, { next: Math.min(PAGE, found.length - shown), rest: found.length - shown });
        }
      }
      function page() {
        var next = found.slice(shown, shown + PAGE);
        var ids = next.map(function (r) { return r.id; });
        return Promise.all([
          byId('docs', result.meta.text_chunk, ids),
          byId('heads', result.meta.head_chunk, ids.filter(function (id, i) { return !next[i].head; })),
        ]).then(function (files) {
          next.forEach(function (r) {
            r.head = r.head || files[1][r.id];
            list.appendChild(item(r, files[0][r.id], needle));
          });
          shown += next.length;
          say();
        });
      }
      list.replaceChildren();
      if (more) {
        more.onclick = function () {
          // A second tap while a page is loading must not load the same page twice.
          if (more.disabled) { return; }
          more.disabled = true;
          var first = shown;
          page().finally(function () { more.disabled = false; }).then(function () { var a = list.children[first] && list.children[first].querySelector('a'); if (a) { a.focus(); } });
        };
      }
      return page();
    }).catch(function () {
      status.textContent = T.failed;
    });
  }

  var query = (new URLSearchParams(window.location.search).get('q') || '').trim();
  input.value = query;
  if (!query) { status.textContent = T.prompt; return; }
  run(query);
})();
