// permitroom search: substring search over a character-bigram index (see src/render/search.rs).
// Results are built from DOM nodes and text only; nothing from the index or the query is ever
// parsed as HTML.
(function () {
  'use strict';
  var root = document.documentElement.getAttribute('data-root') || '';
  var input = document.getElementById('search-q');
  var list = document.getElementById('search-results');
  var status = document.getElementById('search-status');
  if (!input || !list || !status) { return; }

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
  function bigrams(text) {
    var cs = normalise(text), seen = {}, out = [];
    for (var i = 0; i + 1 < cs.length; i++) {
      if (cs[i] !== ' ' && cs[i + 1] !== ' ') {
        var g = cs[i] + cs[i + 1];
        if (!seen[g]) { seen[g] = true; out.push(g); }
      }
    }
    return out;
  }
  var LIMIT = 30;
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

  function search(query) {
    var grams = bigrams(query);
    return load('search/meta.json').then(function (meta) {
      return Promise.all(grams.map(function (g) { return load('search/shards/' + (fnv1a(g) % meta.shards) + '.json'); }))
        .then(function (shards) {
          var candidates = null;
          grams.forEach(function (g, i) {
            var ids = shards[i][g] || [];
            candidates = candidates === null ? ids.slice() : candidates.filter(function (x) { return ids.indexOf(x) >= 0; });
          });
          candidates = candidates || [];
          // Fetch document chunks in order, a few at a time, until enough hits are verified:
          // a common query never downloads the whole site.
          var chunkIds = [];
          candidates.forEach(function (id) { var c = Math.floor(id / meta.chunk); if (chunkIds.indexOf(c) < 0) { chunkIds.push(c); } });
          var needle = query.toLowerCase(), results = [], next = 0;
          function more() {
            if (results.length >= LIMIT || next >= chunkIds.length) { return Promise.resolve(results); }
            var batch = chunkIds.slice(next, next + 4);
            next += batch.length;
            return Promise.all(batch.map(function (c) { return load('search/docs/' + c + '.json'); })).then(function (chunks) {
              candidates.forEach(function (id) {
                var at = batch.indexOf(Math.floor(id / meta.chunk));
                if (at < 0) { return; }
                var doc = chunks[at][id % meta.chunk];
                var hay = doc.title + ' ' + doc.text;
                var pos = hay.toLowerCase().indexOf(needle);
                if (pos >= 0) { results.push({ doc: doc, hay: hay, at: pos, inTitle: pos < doc.title.length }); }
              });
              return more();
            });
          }
          return more().then(function (found) {
            found.sort(function (a, b) { return (b.inTitle ? 1 : 0) - (a.inTitle ? 1 : 0); });
            return { results: found.slice(0, LIMIT), more: found.length >= LIMIT && next < chunkIds.length };
          });
        });
    });
  }

  function snippet(hay, at, length) {
    var start = Math.max(0, at - 24), end = Math.min(hay.length, at + length + 48);
    var p = document.createElement('p');
    p.className = 'snippet';
    p.appendChild(document.createTextNode((start > 0 ? '…' : '') + hay.slice(start, at)));
    var mark = document.createElement('mark');
    mark.textContent = hay.slice(at, at + length);
    p.appendChild(mark);
    p.appendChild(document.createTextNode(hay.slice(at + length, end) + (end < hay.length ? '…' : '')));
    return p;
  }

  function show(query, found) {
    var results = found.results;
    list.replaceChildren();
    results.forEach(function (r) {
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = root + r.doc.url;
      a.textContent = r.doc.title;
      var kind = document.createElement('span');
      kind.className = 'result-kind';
      kind.textContent = r.doc.kind + (r.doc.parent ? ' · ' + r.doc.parent : '');
      var h = document.createElement('h2');
      h.className = 'result-title';
      h.appendChild(a);
      li.appendChild(h);
      li.appendChild(kind);
      li.appendChild(snippet(r.hay, r.at, query.length));
      list.appendChild(li);
    });
    status.textContent = results.length
      ? '找到 ' + results.length + (found.more ? '+' : '') + ' 条与“' + query + '”相关的结果' + (found.more ? '（显示前 ' + LIMIT + ' 条，请输入更具体的词）' : '')
      : '没有找到与“' + query + '”相关的结果，请换个说法试试。';
  }

  var query = (new URLSearchParams(window.location.search).get('q') || '').trim();
  input.value = query;
  if (!query) { status.textContent = '请输入要查找的事项、材料或步骤。'; return; }
  if (bigrams(query).length === 0) { status.textContent = '请至少输入两个字。'; return; }
  status.textContent = '正在搜索…';
  search(query).then(function (results) { show(query, results); }, function () {
    status.textContent = '搜索索引加载失败，请浏览全部事项。';
  });
})();
