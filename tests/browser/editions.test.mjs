// The English edition in a browser: the English guide, self-check and search pages are
// axe-clean (WCAG 2.1 A/AA, as the Chinese ones), and the language switch goes to the same
// page in Chinese and back.
//   PERMITROOM_SITE=<dir> node --test
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, open, axeSource } from './harness.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const english = {
  guide: 'en/guides/dental-outpatient/index.html',
  selfcheck: 'en/guides/dental-outpatient/selfcheck.html',
  search: 'en/search.html?q=' + encodeURIComponent('sterilis'),
};

for (const [name, url] of Object.entries(english)) {
  for (const width of [375, 1280]) {
    test(`axe finds no WCAG 2.1 A/AA violation: English ${name} at ${width}px`, async () => {
      const { page, ctx, errors } = await open(env, url, { width });
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      await page.evaluate(axeSource);
      const result = await page.evaluate(() => window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      }));
      const report = result.violations.map((v) => `${v.id}: ${v.help}\n  ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n  ')}`);
      assert.deepEqual(report, []);
      assert.deepEqual(errors, [], 'no script errors');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `page is ${overflow}px wider than the ${width}px viewport`);
      await ctx.close();
    });
  }
}

for (const [name, url] of Object.entries(english)) {
  test(`the language switch goes from the English ${name} page to the Chinese one and back`, async () => {
    const { page, ctx } = await open(env, url);
    const english = new URL(page.url());
    const h1 = await page.locator('h1').first().textContent();
    await page.click('a[hreflang="zh-CN"]');
    await page.waitForLoadState('networkidle');
    const chinese = new URL(page.url());
    assert.equal(chinese.pathname, english.pathname.replace(/^\/en\//, '/'));
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    const zhH1 = await page.locator('h1').first().textContent();
    assert.ok(/[\u4e00-\u9fff]/.test(zhH1), `the Chinese page's heading: ${zhH1}`);
    assert.notEqual(zhH1, h1);
    await page.click('a[hreflang="en"]');
    await page.waitForLoadState('networkidle');
    assert.equal(new URL(page.url()).pathname, english.pathname);
    assert.equal(await page.locator('h1').first().textContent(), h1);
    await ctx.close();
  });
}

test('the English self-check gives its verdicts, shortfall and count check in English', async () => {
  const { page, ctx, errors } = await open(env, english.selfcheck);
  await page.fill('#sc-q-chairs', '3');
  await page.click('#sc-add-room');
  await page.selectOption('#sc-room-0-kind', 'treatment');
  await page.fill('#sc-room-0-length', '3.6');
  await page.fill('#sc-room-0-width', '3');
  await page.fill('#sc-room-0-eq-dental-chair', '2');
  const verdict = await page.textContent('#rule-treatment-room-area .sc-verdict');
  assert.match(verdict, /Does not comply/);
  const detail = await page.textContent('#rule-treatment-room-area .sc-detail');
  assert.match(detail, /measured 10\.8 m², required ≥ 12\.0 m²/);
  assert.match(detail, /1\.2 m² short/);
  assert.match(await page.textContent('#sc-mismatches'), /You entered 3 for “Dental chairs”, but the rooms list 2 in all/);
  assert.doesNotMatch(await page.textContent('#sc-summary'), /[\u4e00-\u9fff]/, 'the summary is in English');
  assert.deepEqual(errors, []);
  await ctx.close();
});
