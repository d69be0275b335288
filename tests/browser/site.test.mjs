// Browser tests of the generated site in Debian's chromium (playwright-core, no browser
// download): search, my checklist, the finder, an XSS probe, and axe-core's WCAG 2.1 A/AA
// rules on every page type. Run by .ci/run after `permitroom build --out <dir>`:
//   PERMITROOM_SITE=<dir> node --test
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const site = path.resolve(process.env.PERMITROOM_SITE || '../../output');
const shots = process.env.SCREENSHOTS ? path.resolve(process.env.SCREENSHOTS) : null;
const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.json': 'application/json',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.pdf': 'application/pdf', '.webm': 'video/webm', '.vtt': 'text/vtt' };

let server, base, browser;
const requests = [];

before(async () => {
  assert.ok(fs.existsSync(path.join(site, 'index.html')), `no built site at ${site}`);
  server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let file = path.join(site, decodeURIComponent(url.pathname));
    if (!file.startsWith(site)) { res.writeHead(403).end(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) { file = path.join(file, 'index.html'); }
    if (!fs.existsSync(file)) { res.writeHead(404, { 'content-type': types['.html'] }).end(fs.readFileSync(path.join(site, '404.html'))); return; }
    res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' }).end(fs.readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}/`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function open(url, { width = 1280, context } = {}) {
  const ctx = context || await browser.newContext({ viewport: { width, height: 900 } });
  const page = await ctx.newPage();
  page.on('request', (r) => requests.push(r.url()));
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') { errors.push(m.text()); } });
  await page.goto(base + url, { waitUntil: 'networkidle' });
  return { page, ctx, errors };
}

test('search finds a Chinese substring inside a word and highlights it', async () => {
  const { page, ctx, errors } = await open('search.html?q=' + encodeURIComponent('菌室要'));
  await page.waitForSelector('#search-results li');
  const titles = await page.locator('#search-results .result-title').allTextContents();
  assert.ok(titles.some((t) => t.includes('为什么器械清洗室和消毒灭菌室要分开')), titles.join('\n'));
  assert.equal(await page.locator('#search-results mark').first().textContent(), '菌室要');
  // Keyboard: the first result is a link reachable with Tab.
  const first = page.locator('#search-results a').first();
  await first.focus();
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'A');
  const status = await page.locator('#search-status').textContent();
  assert.match(status, /找到 \d+ 条/);
  assert.deepEqual(errors, []);
  if (shots) { await page.screenshot({ path: path.join(shots, 'search-1280.png'), fullPage: true }); }
  await ctx.close();
});

test('search also finds English words and catalogue codes', async () => {
  const { page, ctx } = await open('search.html?q=' + encodeURIComponent('WS 506'));
  await page.waitForSelector('#search-results li');
  assert.ok((await page.locator('#search-results li').count()) > 0);
  await ctx.close();
});

test('a query that looks like HTML is shown as text and runs nothing', async () => {
  const { page, ctx } = await open('search.html');
  let dialogs = 0;
  page.on('dialog', async (d) => { dialogs += 1; await d.dismiss(); });
  await page.goto(base + 'search.html?q=' + encodeURIComponent('<img src=x onerror=alert(1)>'), { waitUntil: 'networkidle' });
  await page.waitForTimeout(300);
  assert.equal(dialogs, 0);
  assert.equal(await page.locator('main img').count(), 0);
  assert.equal(await page.inputValue('#search-q'), '<img src=x onerror=alert(1)>');
  await ctx.close();
});

test('my checklist keeps ticks across a reload and shows progress', async () => {
  const { page, ctx } = await open('guides/dental-outpatient/index.html');
  const showAll = () => page.locator('.show-all-button').first().click();
  await showAll();
  const boxes = page.locator('tr[data-kind="material"] input.tick');
  const total = await boxes.count();
  assert.ok(total >= 5);
  await boxes.nth(0).check();
  await boxes.nth(2).check();
  const steps = page.locator('li[data-kind="step"] input.tick');
  await steps.nth(0).check();
  assert.match(await page.locator('#checklist-progress').textContent(), new RegExp(`已备齐 2/${total} 份材料`));
  await page.reload({ waitUntil: 'networkidle' });
  await showAll();
  assert.ok(await page.locator('tr[data-kind="material"] input.tick').nth(0).isChecked());
  assert.ok(await page.locator('tr[data-kind="material"] input.tick').nth(2).isChecked());
  assert.ok(!(await page.locator('tr[data-kind="material"] input.tick').nth(1).isChecked()));
  const progress = await page.locator('#checklist-progress').textContent();
  assert.match(progress, /进行到第 1 阶段，共 5 阶段/);
  assert.match(progress, new RegExp(`已备齐 2/${total} 份材料`));
  if (shots) { await page.screenshot({ path: path.join(shots, 'checklist-1280.png') }); }
  page.once('dialog', (d) => d.accept());
  await page.click('#checklist-reset');
  assert.match(await page.locator('#checklist-progress').textContent(), new RegExp(`已备齐 0/${total} 份材料`));
  await ctx.close();
});

test('the finder lists what to apply for, in order', async () => {
  const { page, ctx } = await open('finder.html');
  await page.check('#kind-1');
  await page.check('#xray-1');
  const items = await page.locator('#finder-result li a').allTextContents();
  const want = ['医疗机构设置审批', '辐射安全许可证', '放射诊疗许可', '医疗机构执业登记'];
  for (const w of want) { assert.ok(items.some((t) => t.includes(w)), `${w} in ${items}`); }
  const index = (w) => items.findIndex((t) => t.includes(w));
  assert.ok(index('医疗机构设置审批') < index('辐射安全许可证') && index('辐射安全许可证') < index('医疗机构执业登记'), items.join(' | '));
  // Procedures only: the bundle and the all-in-one guide are listed but not counted.
  assert.equal(items.length, 7, items.join(' | '));
  assert.match(await page.locator('#finder-status').textContent(), /需要办理 5 个事项（另列 2 份一件事或合集指南/);
  await page.check('#xray-2');
  const without = await page.locator('#finder-result li a').allTextContents();
  assert.ok(!without.some((t) => t.includes('辐射安全许可')), without.join(' | '));
  if (shots) { await page.screenshot({ path: path.join(shots, 'finder-1280.png'), fullPage: true }); }
  await ctx.close();
});

test('the finder sends a restaurant to its licences, not to the dental ones', async () => {
  const { page, ctx } = await open('finder.html');
  // The first question is what is being opened; a restaurant is the third answer.
  assert.match(await page.locator('label[for="kind-3"]').textContent(), /餐馆/);
  await page.check('#kind-3');
  await page.check('#xray-2');
  const items = await page.locator('#finder-result li a').allTextContents();
  assert.ok(!items.some((t) => /口腔|医疗机构|放射/.test(t)), items.join(' | '));
  const index = (w) => items.findIndex((t) => t.includes(w));
  assert.ok(index('营业执照') >= 0 && index('食品经营许可') > index('营业执照'), items.join(' | '));
  assert.ok(index('开办小餐馆') >= 0, items.join(' | '));
  assert.match(await page.locator('#finder-status').textContent(), /需要办理 2 个事项/);
  await ctx.close();
});

const pageTypes = {
  index: 'index.html',
  guide: 'guides/dental-outpatient/index.html',
  'guide-registration': 'guides/dental-practice-registration/index.html',
  bundle: 'bundles/open-dental-clinic/index.html',
  material: 'materials/setup-application/index.html',
  'all-guides': 'guides/index.html',
  search: 'search.html?q=' + encodeURIComponent('消毒'),
  finder: 'finder.html',
  404: 'no-such-page.html',
};

for (const [name, url] of Object.entries(pageTypes)) {
  for (const width of [375, 768, 1280]) {
    test(`axe finds no WCAG 2.1 A/AA violation: ${name} at ${width}px`, async () => {
      const { page, ctx, errors } = await open(url, { width });
      if (name === 'finder') { await page.check('#kind-1'); }
      await page.evaluate(axeSource);
      const result = await page.evaluate(() => window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      }));
      const report = result.violations.map((v) => `${v.id}: ${v.help}\n  ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n  ')}`);
      assert.deepEqual(report, []);
      assert.deepEqual(errors.filter((e) => !e.includes('404')), [], 'no script errors');
      // No horizontal scrolling at phone width.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `page is ${overflow}px wider than the ${width}px viewport`);
      if (shots) { await page.screenshot({ path: path.join(shots, `${name}-${width}.png`), fullPage: true }); }
      await ctx.close();
    });
  }
}

for (const [name, url] of Object.entries(pageTypes)) {
  test(`headings never skip a level and text resizes to 200% without loss: ${name}`, async () => {
    const { page, ctx } = await open(url, { width: 1280 });
    const levels = await page.evaluate(() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
      .filter((h) => h.offsetParent !== null || h.closest('[hidden]') === null)
      .map((h) => Number(h.tagName[1])));
    assert.equal(levels[0], 1, 'the page starts with an h1');
    for (let i = 1; i < levels.length; i++) {
      assert.ok(levels[i] <= levels[i - 1] + 1, `h${levels[i - 1]} is followed by h${levels[i]} in ${url}`);
    }
    // 200 % text (WCAG 1.4.4): set through the CSSOM, which the CSP allows.
    await page.evaluate(() => { document.documentElement.style.fontSize = '200%'; });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `at 200 % text the page is ${overflow}px wider than the window`);
    if (shots) { await page.screenshot({ path: path.join(shots, `${name}-text200.png`) }); }
    await ctx.close();
  });
}

test('no request leaves the site', () => {
  assert.ok(requests.length > 0);
  const foreign = requests.filter((u) => !u.startsWith(base) && !u.startsWith('data:'));
  assert.deepEqual(foreign, []);
});
