// "检查我的方案" (issue 14, part 1): the applicant's figures entered through the form, the
// verdicts for each bundled plan's guide (a passing set and a failing set with the right
// shortfall), reload keeps the figures, reset clears them, the print view, axe, without JS.
//   PERMITROOM_SITE=<dir> node --test
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { start, open, shots, axeSource } from './harness.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const dental = 'guides/dental-outpatient/selfcheck.html';
const food = 'guides/food-service-licence/selfcheck.html';

// Figures as the applicant types them: plan fields by id, rooms (kind label, sizes, equipment
// by symbol id), doors (room numbers from 0, null for outside).
const dentalPass = {
  plan: { 'sc-gross-area': '200', 'sc-q-chairs': '4' },
  rooms: [
    { kind: '诊室', length: '4', width: '3.5', eq: { 'dental-chair': '2', sink: '1' } },
    { kind: '诊室', length: '4', width: '3.2', eq: { 'dental-chair': '2', sink: '1' } },
    { kind: '器械清洗室', length: '2', width: '2' },
    { kind: '消毒灭菌室', length: '2.5', width: '2', eq: { autoclave: '1' } },
    { kind: '放射（X 线）室', length: '2.8', width: '2.5' },
  ],
  doors: [],
};
// The second treatment room 3.6 m × 3 m = 10.8 m² for two chairs: 1.2 m² short of 12 m².
const dentalFail = structuredClone(dentalPass);
dentalFail.rooms[1].length = '3.6';
dentalFail.rooms[1].width = '3';

const foodPass = {
  plan: {},
  rooms: [
    { kind: '库房', length: '3', width: '2' },
    { kind: '粗加工间', length: '3', width: '3', eq: { 'sink-meat': '1', 'sink-veg': '1', 'sink-seafood': '1', sink: '1' } },
    { kind: '切配烹饪间', length: '5', width: '4', eq: { 'clean-cabinet': '1' } },
    { kind: '专间（凉菜）', length: '3', width: '2', eq: { 'air-conditioner': '1', fridge: '1', 'uv-lamp': '1' } },
    { kind: '预进间', length: '1.5', width: '1.2' },
    { kind: '餐用具清洗消毒间', length: '3', width: '2.5', eq: { 'dish-sink': '3' } },
    { kind: '卫生间', length: '2', width: '1.5' },
    { kind: '就餐区', length: '8', width: '6' },
  ],
  doors: [[3, 4], [4, 2], [6, 7], [7, null]],
};
// Two dish sinks where three are needed.
const foodFail = structuredClone(foodPass);
foodFail.rooms[5].eq['dish-sink'] = '2';

async function fill(page, figures) {
  for (const [id, value] of Object.entries(figures.plan)) { await page.fill('#' + id, value); }
  for (const [i, r] of figures.rooms.entries()) {
    await page.click('#sc-add-room');
    await page.selectOption(`#sc-room-${i}-kind`, { label: r.kind });
    await page.fill(`#sc-room-${i}-length`, r.length);
    await page.fill(`#sc-room-${i}-width`, r.width);
    for (const [s, n] of Object.entries(r.eq || {})) { await page.fill(`#sc-room-${i}-eq-${s}`, n); }
  }
  for (const [i, [from, to]] of figures.doors.entries()) {
    await page.click('#sc-add-door');
    await page.selectOption(`#sc-door-${i}-from`, String(from));
    await page.selectOption(`#sc-door-${i}-to`, to === null ? 'outside' : String(to));
  }
}

async function statuses(page) {
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll('tr[data-rule]')]
    .map((tr) => [tr.getAttribute('data-rule'), tr.getAttribute('data-status')])));
}

function assertAllEnforceablePass(st) {
  const bad = Object.entries(st).filter(([, s]) => s === 'fail' || s === 'unknown' || s === null);
  assert.deepEqual(bad, [], JSON.stringify(st));
  assert.ok(Object.values(st).includes('pass'));
}

test('dental: a passing set passes every rule it can check; flows and openings go to the drawing', async () => {
  const { page, ctx, errors } = await open(env, dental);
  assert.equal(await page.isVisible('#selfcheck-nojs'), false);
  await fill(page, dentalPass);
  const st = await statuses(page);
  assertAllEnforceablePass(st);
  for (const id of ['min-chairs', 'gross-area', 'treatment-room-area', 'separate-sterilising-room', 'separate-cleaning-room', 'hand-sinks', 'autoclave']) {
    assert.equal(st[id], 'pass', id);
  }
  assert.equal(st['waiting-separated'], 'drawing');
  assert.match(await page.textContent('#rule-waiting-separated'), /请在图纸上自查/);
  assert.equal(st['xray-shortest-side'], 'reference');
  assert.match(await page.textContent('#rule-xray-shortest-side .sc-verdict'), /参考值.*仅供参考，不作判定/);
  assert.match(await page.textContent('#rule-xray-shortest-side .sc-detail'), /放射（X 线）室 1：实际 2\.50 m，要求 ≥ 2\.20 m（已达到参考值）/);
  assert.match(await page.textContent('#sc-summary'), /^共 \d+ 条规则：符合 \d+ 条/);
  assert.doesNotMatch(await page.textContent('#sc-summary'), /不符合/);
  assert.deepEqual(errors, []);
  if (shots) { await page.screenshot({ path: path.join(shots, 'selfcheck-dental-pass-1280.png'), fullPage: true }); }
  await ctx.close();
});

test('dental: an entered chair total the rooms do not add up to is pointed out, and goes when they agree', async () => {
  const { page, ctx, errors } = await open(env, dental);
  const figures = structuredClone(dentalPass);
  figures.plan['sc-q-chairs'] = '3'; // the two treatment rooms list 2 + 2 chairs
  await fill(page, figures);
  assert.equal(await page.isVisible('#sc-mismatches'), true);
  assert.match(await page.textContent('#sc-mismatches'), /您填写的牙椅数为 3，而各房间填写的设备合计为 4：请核对/);
  assert.equal(await page.getAttribute('#sc-mismatches', 'role'), 'status');
  if (shots) { await page.locator('.sc-results').screenshot({ path: path.join(shots, 'selfcheck-dental-mismatch-1280.png') }); }
  await page.fill('#sc-q-chairs', '4');
  assert.equal(await page.isVisible('#sc-mismatches'), false);
  assert.equal(await page.textContent('#sc-mismatches'), '');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('dental: a room too small for its chairs fails with the shortfall; reload keeps the figures; reset clears them', async () => {
  const { page, ctx, errors } = await open(env, dental);
  await fill(page, dentalFail);
  const st = await statuses(page);
  assert.equal(st['treatment-room-area'], 'fail');
  assert.equal(Object.values(st).filter((s) => s === 'fail').length, 1, JSON.stringify(st));
  const detail = await page.textContent('#rule-treatment-room-area .sc-detail');
  assert.match(detail, /诊室 2：实际 10\.8 m²，要求 ≥ 12\.0 m²，还差 1\.2 m²/);
  assert.match(detail, /诊室 1：实际 14\.0 m²，要求 ≥ 12\.0 m²/);
  assert.match(await page.textContent('#rule-treatment-room-area .sc-verdict'), /不符合/);
  assert.match(await page.textContent('#sc-summary'), /不符合 1 条/);
  // The summary is a live region, so a screen reader hears the new verdicts.
  assert.equal(await page.getAttribute('#sc-summary', 'aria-live'), 'polite');

  await page.reload({ waitUntil: 'networkidle' });
  assert.equal(await page.inputValue('#sc-room-1-length'), '3.6');
  assert.equal(await page.inputValue('#sc-q-chairs'), '4');
  assert.equal((await statuses(page))['treatment-room-area'], 'fail');
  assert.match(await page.textContent('#rule-treatment-room-area .sc-detail'), /还差 1\.2 m²/);

  // Keyboard: reset is a button reached by focus and pressed with Enter.
  await page.focus('#sc-reset');
  await page.keyboard.press('Enter');
  assert.equal(await page.locator('.sc-room').count(), 0);
  assert.equal(await page.inputValue('#sc-q-chairs'), '');
  assert.equal(await page.evaluate(() => window.localStorage.getItem('permitroom:selfcheck:dental-outpatient')), null);
  assert.equal((await statuses(page))['min-chairs'], 'unknown');
  assert.match(await page.textContent('#rule-min-chairs .sc-detail'), /无法判断，请填写牙椅数/);
  assert.match(await page.textContent('#rule-gross-area .sc-detail'), /无法判断，请填写建筑面积、牙椅数/);
  // Each rule without a room of its kind does not apply.
  assert.equal((await statuses(page))['treatment-room-area'], 'not-applicable');
  await page.reload({ waitUntil: 'networkidle' });
  assert.equal(await page.locator('.sc-room').count(), 0);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('food service: a passing set passes; two dish sinks are one short', async () => {
  const { page, ctx, errors } = await open(env, food);
  await fill(page, foodPass);
  const st = await statuses(page);
  assertAllEnforceablePass(st);
  for (const id of ['cold-room-one-door', 'cold-room-via-anteroom', 'cold-room-equipment', 'rough-prep-sinks', 'dish-sinks', 'clean-cabinet', 'toilet-door', 'hand-washing']) {
    assert.equal(st[id], 'pass', id);
  }
  for (const id of ['raw-to-cooked', 'no-way-back', 'separate-doors', 'cold-room-hatch']) { assert.equal(st[id], 'drawing', id); }
  for (const id of ['cold-room-area', 'ratio-dining', 'ratio-cooking', 'ratio-cold-room']) { assert.equal(st[id], 'reference', id); }
  await ctx.close();

  const second = await open(env, food);
  await fill(second.page, foodFail);
  const st2 = await statuses(second.page);
  assert.equal(st2['dish-sinks'], 'fail');
  assert.equal(Object.values(st2).filter((s) => s === 'fail').length, 1, JSON.stringify(st2));
  assert.match(await second.page.textContent('#rule-dish-sinks .sc-detail'), /餐用具清洗消毒间 1：实际 2，要求 ≥ 3，还差 1/);
  assert.deepEqual([...errors, ...second.errors], []);
  await second.ctx.close();
});

test('a room is added, typed and removed with the keyboard alone, focus kept where the reader is', async () => {
  const { page, ctx } = await open(env, dental);
  await page.focus('#sc-add-room');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'sc-room-0-kind', 'focus moves to the new room');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'sc-room-0-length');
  await page.keyboard.type('2');
  assert.equal(await page.inputValue('#sc-room-0-length'), '2');
  // The fields are labelled and grouped: a screen reader announces the room and the field.
  assert.equal(await page.textContent('label[for="sc-room-0-length"]'), '长（m）');
  assert.match(await page.textContent('#sc-room-0 > legend'), /^房间 1：/);
  await page.focus('#sc-room-0-remove');
  await page.keyboard.press('Enter');
  assert.equal(await page.locator('.sc-room').count(), 0);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'sc-add-room');
  await ctx.close();
});

test('the print view shows the figures and the results, not the form', async () => {
  const { page, ctx } = await open(env, dental);
  await fill(page, dentalFail);
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.isVisible('#selfcheck-form'), false);
  assert.equal(await page.isVisible('#sc-figures'), true);
  assert.match(await page.textContent('#sc-figures'), /诊室 2：诊室，3\.60 m × 3\.00 m，使用面积 10\.8 m²，牙科治疗椅 × 2，洗手池 × 1/);
  assert.equal(await page.isVisible('#rule-treatment-room-area'), true);
  assert.equal(await page.isVisible('#sc-print'), false);
  if (shots) { await page.screenshot({ path: path.join(shots, 'selfcheck-print-1280.png'), fullPage: true }); }
  await page.emulateMedia({ media: 'screen' });
  assert.equal(await page.isVisible('#sc-figures'), false);
  await ctx.close();
});

for (const [name, url, figures] of [['dental', dental, dentalFail], ['food', food, foodFail]]) {
  for (const width of [375, 1280]) {
    test(`self-check ${name}: axe finds no WCAG 2.1 A/AA violation at ${width}px, no horizontal scroll`, async () => {
      const { page, ctx, errors } = await open(env, url, { width });
      await fill(page, figures);
      await page.evaluate(axeSource);
      const result = await page.evaluate(() => window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      }));
      const report = result.violations.map((v) => `${v.id}: ${v.help}\n  ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n  ')}`);
      assert.deepEqual(report, []);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `page is ${overflow}px wider than the ${width}px viewport`);
      assert.deepEqual(errors, []);
      if (shots) { await page.screenshot({ path: path.join(shots, `selfcheck-${name}-${width}.png`), fullPage: true }); }
      await ctx.close();
    });
  }
}

test('without JavaScript the form is absent, a note says why and the rules are listed', async () => {
  const { page, ctx } = await open(env, dental, { js: false });
  assert.equal(await page.isVisible('#selfcheck-form'), false);
  assert.match(await page.textContent('#selfcheck-nojs'), /需要浏览器启用 JavaScript/);
  assert.equal(await page.getAttribute('#selfcheck-nojs a', 'href'), 'index.html#plans');
  assert.match(await page.textContent('#rule-treatment-room-area'), /每间诊室的使用面积每台牙椅不少于 6 平方米/);
  assert.match(await page.textContent('#rule-waiting-separated'), /请在图纸上自查/);
  await ctx.close();
  const guide = await open(env, 'guides/dental-outpatient/index.html', { js: false });
  assert.equal(await guide.page.getAttribute('.selfcheck-link a', 'href'), 'selfcheck.html');
  await guide.ctx.close();
});
