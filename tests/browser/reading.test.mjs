// What the applicant reads and reaches (issue 11): checklist progress by stage logic, table
// headers over their columns, honest and ranked search, PDF links, sample markers beside the
// values they explain, the plan at phone width, print contrast, and collapsed stages.
//   PERMITROOM_SITE=<dir> node --test
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { start, open, site, shots, axeSource } from './harness.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const guide = 'guides/dental-outpatient/index.html';
const bundle = 'bundles/open-dental-clinic/index.html';

/// Opens every collapsed section and stage (a no-op on pages that collapse nothing).
async function expandAll(page) {
  await page.evaluate(() => {
    document.querySelectorAll('.collapse-button[aria-expanded="false"]').forEach((b) => b.click());
  });
}

// ---------------------------------------------------------------------------------------
// 2. "My checklist" progress follows and / or / optional.

test('a stage is done when its needed steps are: optional steps never block, one "or" step is enough', async () => {
  const { page, ctx, errors } = await open(env, guide);
  await expandAll(page);
  const tick = (id) => page.locator(`[data-check="s-${id}"] input.tick`).check();
  const progress = () => page.locator('#checklist-progress').textContent();
  // Stage 1 (选址): 参观样板间 is optional; the two other steps are needed.
  await tick('check-site');
  assert.match(await progress(), /进行到第 1 阶段，共 5 阶段/);
  await tick('write-reports');
  assert.match(await progress(), /进行到第 2 阶段，共 5 阶段/, 'the optional step 1.1 does not hold stage 1 back');
  for (const id of ['floor-plan', 'setup-approval', 'business-licence', 'radiation-pre-assessment', 'eia-filing']) { await tick(id); }
  assert.match(await progress(), /进行到第 3 阶段，共 5 阶段/);
  // Stage 3 (装修): the two fire procedures exclude each other; one of them completes it.
  await tick('fire-filing');
  assert.match(await progress(), /进行到第 4 阶段，共 5 阶段/, 'one of the "or" steps completes the fit-out stage');
  const status = (n) => page.locator(`#stage-${n} .stage-status`).textContent();
  assert.equal(await status('site-selection'), '已完成');
  assert.equal(await status('fit-out'), '已完成');
  assert.equal(await status('equipment'), '已完成 0/4 步');
  // The print view says the same.
  await page.evaluate(() => { window.print = () => {}; });
  await page.click('#checklist-print');
  await page.emulateMedia({ media: 'print' });
  assert.ok(await page.locator('#checklist-progress').isVisible());
  assert.match(await progress(), /进行到第 4 阶段，共 5 阶段/);
  assert.ok(await page.locator('#stage-fit-out .stage-status').isVisible(), 'stage state is printed');
  assert.equal(await status('fit-out'), '已完成');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('an "or" stage is not done while none of its steps is ticked, and unticking undoes progress', async () => {
  const { page, ctx } = await open(env, guide);
  await expandAll(page);
  const tick = (id, on = true) => page.locator(`[data-check="s-${id}"] input.tick`).setChecked(on);
  for (const id of ['check-site', 'write-reports', 'floor-plan', 'setup-approval', 'business-licence',
    'radiation-pre-assessment', 'eia-filing']) { await tick(id); }
  assert.match(await page.locator('#checklist-progress').textContent(), /进行到第 3 阶段/);
  assert.equal(await page.locator('#stage-fit-out .stage-status').textContent(), '未完成（任选其一）');
  await tick('fire-special');
  await tick('fire-filing');
  assert.match(await page.locator('#checklist-progress').textContent(), /进行到第 4 阶段/);
  await tick('fire-special', false);
  await tick('fire-filing', false);
  assert.match(await page.locator('#checklist-progress').textContent(), /进行到第 3 阶段/);
  await ctx.close();
});

// ---------------------------------------------------------------------------------------
// 7. Every table's header cells sit over their columns, with and without JavaScript.

/// Pages of every type: every guide, bundle and material page, and the site-wide pages.
function allPages() {
  const pages = ['index.html', 'guides/index.html', 'finder.html', 'search.html?q=' + encodeURIComponent('消毒'), 'no-such-page.html'];
  for (const dir of ['guides', 'bundles', 'materials']) {
    for (const id of fs.readdirSync(path.join(site, dir))) {
      if (fs.existsSync(path.join(site, dir, id, 'index.html'))) { pages.push(`${dir}/${id}/index.html`); }
    }
  }
  return pages;
}

/// For each table, header cells whose x-range differs from a cell below in the same column.
async function misalignedHeaders(page) {
  return page.evaluate(() => {
    const problems = [];
    let tables = 0;
    document.querySelectorAll('table').forEach((table, t) => {
      if (!table.getClientRects().length) { return; }
      tables += 1;
      // Column index of every cell, with colspan and rowspan.
      const taken = [];
      const cells = [];
      [...table.rows].forEach((row, r) => {
        taken[r] = taken[r] || [];
        let c = 0;
        for (const cell of row.cells) {
          while (taken[r][c]) { c += 1; }
          for (let dr = 0; dr < cell.rowSpan; dr++) {
            taken[r + dr] = taken[r + dr] || [];
            for (let dc = 0; dc < cell.colSpan; dc++) { taken[r + dr][c + dc] = true; }
          }
          cells.push({ r, c, span: cell.colSpan, head: row.parentElement.tagName === 'THEAD', rect: cell.getBoundingClientRect(), text: cell.textContent.trim().slice(0, 12) });
          c += cell.colSpan;
        }
        // Anything in a row that is not a cell becomes an anonymous cell and shifts the others.
        for (const child of row.children) {
          if (child.tagName !== 'TD' && child.tagName !== 'TH') { problems.push(`table ${t}: a <${child.tagName.toLowerCase()}> sits in a row outside any cell`); }
        }
      });
      const heads = cells.filter((x) => x.head);
      for (const h of heads) {
        for (const b of cells.filter((x) => !x.head && x.c === h.c && x.span === h.span)) {
          if (Math.abs(b.rect.left - h.rect.left) > 1 || Math.abs(b.rect.right - h.rect.right) > 1) {
            problems.push(`table ${t}: header “${h.text}” spans ${Math.round(h.rect.left)}–${Math.round(h.rect.right)} px, the cell “${b.text}” below it ${Math.round(b.rect.left)}–${Math.round(b.rect.right)} px`);
            break;
          }
        }
      }
      // Every column has a header cell above it.
      const headCols = heads.reduce((n, h) => Math.max(n, h.c + h.span), 0);
      const bodyCols = cells.filter((x) => !x.head).reduce((n, b) => Math.max(n, b.c + b.span), 0);
      if (heads.length && bodyCols > 0 && headCols !== bodyCols) { problems.push(`table ${t}: ${headCols} header columns over ${bodyCols} columns`); }
    });
    return { tables, problems };
  });
}

test('every table header lines up with its column, with and without JavaScript, on screen and in print', async () => {
  let checked = 0;
  const problems = [];
  for (const url of allPages()) {
    for (const js of [true, false]) {
      const { page, ctx } = await open(env, url, { js });
      await expandAll(page);
      for (const media of ['screen', 'print']) {
        await page.emulateMedia({ media });
        const found = await misalignedHeaders(page);
        checked += found.tables;
        problems.push(...found.problems.map((p) => `${url} (${js ? 'JS' : 'no JS'}, ${media}): ${p}`));
      }
      await ctx.close();
    }
  }
  assert.ok(checked > 40, `only ${checked} tables checked`);
  assert.deepEqual(problems, []);
});

// ---------------------------------------------------------------------------------------
// 8. Search: honest counts, all results reachable, title > heading > body, single characters.

/// The built search documents, read straight from the output (not through the index).
function documents() {
  const meta = JSON.parse(fs.readFileSync(path.join(site, 'search/meta.json'), 'utf8'));
  const read = (dir, size) => {
    const all = [];
    for (let n = 0; n * size < meta.docs; n++) { all.push(...JSON.parse(fs.readFileSync(path.join(site, `search/${dir}/${n}.json`), 'utf8'))); }
    return all;
  };
  const heads = read('heads', meta.head_chunk);
  const texts = read('docs', meta.text_chunk);
  assert.equal(heads.length, meta.docs);
  assert.equal(texts.length, meta.docs);
  return heads.map((h, i) => ({ ...h, text: texts[i] }));
}

/// Where `query` occurs in a document: [0 title | 1 a heading | 2 the text, position in
/// that title or heading], or null.
function hit(doc, query) {
  const q = query.toLowerCase();
  const inTitle = doc.title.toLowerCase().indexOf(q);
  if (inTitle >= 0) { return [0, inTitle]; }
  for (const h of doc.headings) { const at = h.toLowerCase().indexOf(q); if (at >= 0) { return [1, at]; } }
  if (doc.text.toLowerCase().includes(q)) { return [2, 0]; }
  return null;
}

async function allResults(page) {
  for (;;) {
    const more = page.locator('#search-more');
    if (!(await more.isVisible())) { break; }
    const before = await page.locator('#search-results li').count();
    await more.click();
    // The next page arrives asynchronously: wait for it before looking at the button again,
    // or a click lands on a button that the arriving page is about to hide.
    await page.waitForFunction((n) => document.querySelectorAll('#search-results li').length > n, before);
  }
  return page.locator('#search-results .result-title a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
}

for (const query of ['口腔', '牙', '材料', '消毒', '菌室要', 'WS 506', 'X 线', '许可', 'ws']) {
  test(`search for “${query}” counts every match and lists them all, title hits first`, async () => {
    const docs = documents();
    // Title hits, then heading hits, then text hits; within each procedures and bundles,
    // materials, steps, questions; an earlier match first; then index order.
    const kinds = ['事项', '一件事', '材料', '步骤', '常见问题'];
    const expected = docs.map((d, i) => ({ d, i, h: hit(d, query) })).filter((x) => x.h)
      .sort((a, b) => a.h[0] - b.h[0] || kinds.indexOf(a.d.kind) - kinds.indexOf(b.d.kind) || a.h[1] - b.h[1] || a.i - b.i)
      .map((x) => x.d.url);
    assert.ok(docs.every((d) => kinds.includes(d.kind)));
    assert.ok(expected.length > 0, `${query} occurs somewhere`);
    const { page, ctx, errors, responses } = await open(env, 'search.html?q=' + encodeURIComponent(query));
    await page.waitForSelector('#search-results li');
    const status = await page.locator('#search-status').textContent();
    assert.match(status, new RegExp(`找到 ${expected.length} 条`), status);
    assert.doesNotMatch(status, /\+/);
    const fetched = async () => { let n = 0; for (const r of responses.filter((r) => r.url().includes('/search/'))) { n += (await r.body()).length; } return n; };
    const firstPage = await fetched();
    const urls = await allResults(page);
    assert.deepEqual(urls.map((u) => u.replace(/^\.?\//, '')), expected);
    assert.match(await page.locator('#search-status').textContent(), new RegExp(`找到 ${expected.length} 条`));
    console.log(`search “${query}”: ${expected.length} results; ${firstPage} bytes of index fetched for the first page, ${await fetched()} after showing all`);
    assert.deepEqual(errors, []);
    if (shots && query === '口腔') { await page.screenshot({ path: path.join(shots, 'search-all-1280.png'), fullPage: true }); }
    await ctx.close();
  });
}

test('for 口腔 a title that starts with it ranks first, not the first document in the index', async () => {
  const { page, ctx } = await open(env, 'search.html?q=' + encodeURIComponent('口腔'));
  await page.waitForSelector('#search-results li');
  const first = await page.locator('#search-results .result-title').first().textContent();
  assert.ok(first.startsWith('口腔'), `first result “${first}” is a title that starts with 口腔`);
  await ctx.close();
});

test('tapping 再显示 twice while a page loads shows each result once', async () => {
  const { page, ctx } = await open(env, 'search.html?q=' + encodeURIComponent('牙'));
  await page.waitForSelector('#search-results li');
  const more = page.locator('#search-more');
  assert.ok(await more.isVisible(), 'more than one page of results for 牙');
  await more.evaluate((b) => { b.click(); b.click(); });
  await page.waitForFunction(() => !document.getElementById('search-more').disabled);
  const urls = await page.locator('#search-results .result-title a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.equal(new Set(urls).size, urls.length, `duplicates in ${urls.join(' ')}`);
  await ctx.close();
});

test('a single character is searched, not refused', async () => {
  const { page, ctx } = await open(env, 'search.html?q=' + encodeURIComponent('牙'));
  await page.waitForSelector('#search-results li');
  assert.doesNotMatch(await page.locator('#search-status').textContent(), /至少/);
  await ctx.close();
});

// ---------------------------------------------------------------------------------------
// 6. Every guide and bundle page links its handout and its 简版, and the files exist.

test('every guide and bundle page links its PDF handout and its one-page 简版', async () => {
  const pages = allPages().filter((u) => u.startsWith('guides/') && u !== 'guides/index.html' || u.startsWith('bundles/'));
  assert.ok(pages.length >= 2);
  for (const url of pages) {
    const { page, ctx } = await open(env, url);
    const links = await page.locator('main a[href$=".pdf"]').evaluateAll((as) => as.map((a) => ({ href: a.href, text: a.textContent })));
    const handout = links.find((l) => l.text.includes('PDF') && !l.text.includes('简版'));
    const short = links.find((l) => l.text.includes('简版'));
    assert.ok(handout, `${url} links its handout: ${JSON.stringify(links)}`);
    assert.ok(short, `${url} links its 简版: ${JSON.stringify(links)}`);
    for (const l of [handout, short]) {
      const res = await page.request.get(l.href);
      assert.equal(res.status(), 200, l.href);
      assert.equal((await res.body()).subarray(0, 5).toString(), '%PDF-', l.href);
    }
    assert.notEqual(handout.href, short.href);
    await ctx.close();
  }
});

// ---------------------------------------------------------------------------------------
// 9. Sample markers beside the values; the plan at phone width; print contrast.

test('no callout marker covers the value of a drawn form', async () => {
  let samples = 0;
  const problems = [];
  for (const url of allPages().filter((u) => u.startsWith('materials/'))) {
    const { page, ctx } = await open(env, url);
    const figures = await page.evaluate(() => [...document.querySelectorAll('.sample-page')].map((p) => ({
      src: p.querySelector('img').getAttribute('src'),
      markers: [...p.querySelectorAll('.sample-overlay circle')].map((c) => ({ x: +c.getAttribute('cx'), y: +c.getAttribute('cy'), r: +c.getAttribute('r') })),
    })));
    for (const fig of figures.filter((f) => f.src.endsWith('.svg'))) {
      // The drawn form itself, opened as a document: the boxes of its value texts, in mm.
      const svg = await ctx.newPage();
      await svg.goto(new URL(fig.src, env.base + url).href);
      const values = await svg.evaluate(() => [...document.querySelectorAll('text.value')].map((t) => {
        const b = t.getBBox();
        return { x: b.x, y: b.y, w: b.width, h: b.height, text: t.textContent };
      }));
      await svg.close();
      if (!values.length) { continue; }
      samples += 1;
      for (const [i, m] of fig.markers.entries()) {
        for (const v of values) {
          if (m.x + m.r > v.x && m.x - m.r < v.x + v.w && m.y + m.r > v.y && m.y - m.r < v.y + v.h) {
            problems.push(`${url} ${fig.src}: marker ${i + 1} covers “${v.text}”`);
          }
        }
        for (const [j, o] of fig.markers.entries()) {
          if (j > i && Math.hypot(m.x - o.x, m.y - o.y) < m.r + o.r) { problems.push(`${url}: markers ${i + 1} and ${j + 1} overlap`); }
        }
      }
    }
    await ctx.close();
  }
  assert.ok(samples >= 3, `${samples} drawn forms checked`);
  assert.deepEqual(problems, []);
});

test('at 375 px the floor plan is shown full width, with a link to the full-size drawing', async () => {
  const { page, ctx } = await open(env, guide, { width: 375 });
  await expandAll(page);
  const plans = await page.evaluate(() => [...document.querySelectorAll('.plan')].map((p) => ({
    width: p.querySelector('figure img').getBoundingClientRect().width,
    zoom: [...p.querySelectorAll('a')].filter((a) => a.getAttribute('href').endsWith('.svg') && a.textContent.includes('放大')).length,
  })));
  assert.ok(plans.length >= 2);
  for (const p of plans) {
    assert.ok(p.width >= 374, `plan image is ${p.width}px wide on a 375px screen`);
    assert.ok(p.zoom >= 1, 'a visible link opens the drawing at full size');
  }
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page is ${overflow}px wider than the screen`);
  if (shots) { await page.locator('.plan').first().screenshot({ path: path.join(shots, 'plan-375.png') }); }
  await ctx.close();
});

/// Text whose colour is too close to what it is printed on: its own background when
/// backgrounds are printed, white paper when they are not.
async function lowContrastInPrint(page) {
  return page.evaluate(() => {
    const rgb = (s) => { const m = s.match(/[\d.]+/g).map(Number); return { r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1 }; };
    const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
    const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
    const bg = (el) => { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.a > 0.5) { return c; } } return { r: 255, g: 255, b: 255, a: 1 }; };
    const white = { r: 255, g: 255, b: 255, a: 1 };
    const out = [];
    for (const el of document.querySelectorAll('main *, header *')) {
      if (el.closest('svg') || !el.getClientRects().length) { continue; }
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      if (!own) { continue; }
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'none') { continue; }
      const fg = rgb(style.color);
      const withBg = ratio(fg, bg(el));
      const onPaper = ratio(fg, white);
      if (withBg < 4.5 || onPaper < 4.5) {
        out.push(`${el.tagName.toLowerCase()}.${el.className}: “${el.textContent.trim().slice(0, 10)}” ${style.color} on ${getComputedStyle(el).backgroundColor}: ${withBg.toFixed(1)} with backgrounds, ${onPaper.toFixed(1)} on paper`);
      }
    }
    return [...new Set(out)];
  });
}

for (const url of [guide, bundle, 'materials/setup-application/index.html']) {
  test(`printed, every text keeps its contrast with and without backgrounds: ${url}`, async () => {
    const { page, ctx } = await open(env, url);
    await expandAll(page);
    await page.emulateMedia({ media: 'print' });
    assert.deepEqual(await lowContrastInPrint(page), []);
    await page.evaluate(() => document.body.classList.add('print-checklist'));
    assert.deepEqual(await lowContrastInPrint(page), []);
    await ctx.close();
  });
}

// ---------------------------------------------------------------------------------------
// 10. Stages and sections collapse; each opens on its own; without JavaScript all is there.

test('collapsed, the dental guide is a small fraction of its length at 375 px, and every stage opens on its own', async () => {
  const { page, ctx, errors } = await open(env, guide, { width: 375, height: 800 });
  const height = () => page.evaluate(() => document.documentElement.scrollHeight);
  const collapsed = await height();
  if (shots) { await page.screenshot({ path: path.join(shots, 'guide-collapsed-375.png'), fullPage: true }); }
  const stages = page.locator('.stage .collapse-button');
  const n = await stages.count();
  assert.equal(n, 5);
  for (let i = 0; i < n; i++) {
    const button = stages.nth(i);
    const name = await button.evaluate((b) => b.textContent);
    assert.match(name, new RegExp(`第 ${i + 1} 阶段`), 'the stage number is in the button name');
    assert.equal(await button.getAttribute('aria-expanded'), 'false');
    await button.click();
    assert.equal(await button.getAttribute('aria-expanded'), 'true');
    const open = await page.evaluate(() => [...document.querySelectorAll('.stage')].map((s) => s.querySelector('.steps').checkVisibility()));
    assert.deepEqual(open, open.map((_, j) => j === i), `only stage ${i + 1} is open`);
    await button.click();
    assert.equal(await button.getAttribute('aria-expanded'), 'false');
  }
  // Show all, then axe on the open page.
  await page.locator('.show-all-button').first().click();
  const expanded = await height();
  console.log(`dental guide at 375 px: ${collapsed} px collapsed, ${expanded} px expanded (${(collapsed / expanded * 100).toFixed(1)} %)`);
  assert.ok(collapsed < expanded * 0.2, `collapsed ${collapsed} px is not a small fraction of ${expanded} px`);
  assert.equal(await page.locator('.collapsible-body[hidden]').count(), 0, 'show all opens everything');
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.nodes.map((x) => x.target.join(' ')).slice(0, 3).join(', ')}`), []);
  if (shots) { await page.screenshot({ path: path.join(shots, 'guide-expanded-375.png'), fullPage: true }); }
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('without JavaScript every stage and section is open and the page is as long as fully expanded', async () => {
  const withJs = await open(env, guide, { width: 375, height: 800 });
  await withJs.page.locator('.show-all-button').first().click();
  const expanded = await withJs.page.evaluate(() => document.documentElement.scrollHeight);
  await withJs.ctx.close();
  const { page, ctx } = await open(env, guide, { width: 375, height: 800, js: false });
  const hidden = await page.evaluate(() => [...document.querySelectorAll('main .step, main table, main .prose, main .plan')].filter((e) => !e.checkVisibility()).length);
  assert.equal(hidden, 0);
  const plain = await page.evaluate(() => document.documentElement.scrollHeight);
  // The open page with JavaScript adds only buttons and checkboxes.
  assert.equal(await page.locator('main [hidden]:not(#my-checklist)').count(), 0, 'nothing but the checklist box (which needs JavaScript) is hidden');
  // Open with JavaScript, the page only adds buttons and checkboxes to this.
  assert.ok(plain > expanded * 0.9 && plain <= expanded, `${plain} px without JS, ${expanded} px expanded`);
  await ctx.close();
});

test('a link to a step inside a collapsed stage opens that stage', async () => {
  const { page, ctx } = await open(env, guide + '#step-expert-review');
  assert.ok(await page.locator('#step-expert-review').isVisible());
  assert.equal(await page.locator('#stage-review-and-licence .collapse-button').getAttribute('aria-expanded'), 'true');
  assert.equal(await page.locator('#stage-site-selection .collapse-button').getAttribute('aria-expanded'), 'false');
  await page.evaluate(() => { window.location.hash = 'materials'; });
  await page.waitForFunction(() => document.querySelector('#materials .collapse-button').getAttribute('aria-expanded') === 'true');
  assert.ok(await page.locator('table.materials').isVisible());
  await ctx.close();
});

test('screenshots of the guide, the bundle and a sample form at 375 and 1280 px', { skip: !shots }, async () => {
  for (const [name, url] of [['guide', guide], ['bundle', bundle], ['sample', 'materials/setup-application/index.html']]) {
    for (const width of [375, 1280]) {
      const { page, ctx } = await open(env, url, { width });
      await page.screenshot({ path: path.join(shots, `read-${name}-${width}.png`), fullPage: true });
      await ctx.close();
    }
  }
});
