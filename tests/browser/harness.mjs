// Shared set-up of the browser suites: a static server over the built site and Debian's
// chromium driven by playwright-core.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

export const site = path.resolve(process.env.PERMITROOM_SITE || '../../output');
export const shots = process.env.SCREENSHOTS ? path.resolve(process.env.SCREENSHOTS) : null;
export const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.json': 'application/json',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.pdf': 'application/pdf', '.webm': 'video/webm', '.vtt': 'text/vtt' };

/// Starts the server and the browser; returns { base, browser, close }.
export async function start() {
  if (!fs.existsSync(path.join(site, 'index.html'))) { throw new Error(`no built site at ${site}`); }
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let file = path.join(site, decodeURIComponent(url.pathname));
    if (!file.startsWith(site)) { res.writeHead(403).end(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) { file = path.join(file, 'index.html'); }
    if (!fs.existsSync(file)) { res.writeHead(404, { 'content-type': types['.html'] }).end(fs.readFileSync(path.join(site, '404.html'))); return; }
    res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' }).end(fs.readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  return {
    base,
    browser,
    async close() { await browser.close(); server.close(); },
  };
}

/// Opens `url` (relative to the site) in a fresh context; `js: false` reads it as a browser
/// without JavaScript does.
export async function open(env, url, { width = 1280, height = 900, js = true } = {}) {
  const ctx = await env.browser.newContext({ viewport: { width, height }, javaScriptEnabled: js });
  const page = await ctx.newPage();
  const errors = [];
  const responses = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') { errors.push(m.text()); } });
  page.on('response', (r) => responses.push(r));
  await page.goto(env.base + url, { waitUntil: 'networkidle' });
  return { page, ctx, errors, responses };
}
