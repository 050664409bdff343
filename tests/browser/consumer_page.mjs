// Loads consumer pages in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core) and reports what each page concluded about its own verification.
//
//   node consumer_page.mjs '<json list of {name, url, expect, javascript?, viewport?, first?, above?}>'
//
// viewport: {width, height} (default 400×900); first: selectors each of which must lie
// wholly on the first screen, without scrolling; above: [a, b], a must start above b.
// expect: "verified" or "failed". For every page it also records every state the status
// element ever took (a MutationObserver installed before any page script runs), so a
// tampered page that showed "verified" even for a moment fails the check. It checks that
// the page loads nothing from any other origin. Prints one JSON line per case; exits 1 if
// any case is not as expected.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const cases = JSON.parse(process.argv[2] || '[]');
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const screenshots = process.env.SCREENSHOT_DIR || '';

// Playwright's launch() starts Chromium with a fresh, empty user-data-dir of its own.
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failures = 0;
try {
  for (const c of cases) {
    const context = await browser.newContext({
      viewport: c.viewport || { width: 400, height: 900 }, locale: 'zh-CN', javaScriptEnabled: c.javascript !== false,
    });
    const page = await context.newPage();
    const origin = new URL(c.url).origin;
    const foreign = [];
    page.on('request', (r) => { if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) foreign.push(r.url()); });
    await page.addInitScript(() => {
      window.__states = [];
      const watch = () => {
        const el = document.getElementById('sy-status');
        if (!el) return false;
        window.__states.push(el.getAttribute('data-state'));
        new MutationObserver(() => window.__states.push(el.getAttribute('data-state')))
          .observe(el, { attributes: true, attributeFilter: ['data-state'] });
        return true;
      };
      if (!watch()) document.addEventListener('DOMContentLoaded', watch);
    });
    if (c.javascript === false) {
      // Readable with JavaScript off: the story is there, and nothing claims "verified".
      const resp = await page.goto(c.url);
      const state = await page.getAttribute('#sy-status', 'data-state');
      const text = await page.textContent('main');
      const ok = resp.status() === 200 && state === 'unverified' && (c.contains || []).every((s) => text.includes(s));
      if (screenshots) await page.screenshot({ path: path.join(screenshots, c.name + '.png'), fullPage: true });
      console.log(JSON.stringify({ name: c.name, state, ok }));
      if (!ok) failures++;
      await context.close();
      continue;
    }
    const resp = await page.goto(c.url);
    let final;
    try {
      await page.waitForFunction(() => {
        const s = document.getElementById('sy-status')?.getAttribute('data-state');
        return s === 'verified' || s === 'failed' || s === 'unsupported';
      }, null, { timeout: 60000 });
    } catch (e) { /* reported below */ }
    final = await page.getAttribute('#sy-status', 'data-state');
    const states = await page.evaluate(() => window.__states);
    const problems = await page.$$eval('#sy-problems li', (lis) => lis.map((li) => li.textContent));
    const badges = await page.$$eval('[data-vb]', (els) => els.map((e) => e.textContent));
    const text = await page.textContent('main');
    let ok = resp.status() === 200 && final === c.expect && foreign.length === 0;
    if (c.expect === 'failed') ok = ok && !states.includes('verified') && problems.length > 0;
    if (c.expect === 'verified') ok = ok && problems.length === 0 && badges.length > 0 && badges.every((b) => b.startsWith('✔'));
    ok = ok && (c.contains || []).every((s) => text.includes(s));
    ok = ok && (c.problem ? problems.some((p) => p.includes(c.problem)) : true);
    const height = (c.viewport || { height: 900 }).height;
    const placed = {};
    for (const sel of [...(c.first || []), ...(c.above || [])]) {
      placed[sel] = await page.$eval(sel, (el) => { const r = el.getBoundingClientRect(); return { top: r.top, bottom: r.bottom }; }).catch(() => null);
    }
    for (const sel of c.first || []) ok = ok && placed[sel] !== null && placed[sel].top >= 0 && placed[sel].bottom <= height;
    if (c.above) ok = ok && placed[c.above[0]] && placed[c.above[1]] && placed[c.above[0]].top < placed[c.above[1]].top;
    if (screenshots) await page.screenshot({ path: path.join(screenshots, c.name + '.png'), fullPage: true });
    console.log(JSON.stringify({ name: c.name, status: resp.status(), final, states, problems: problems.slice(0, 5), foreign, placed, ok }));
    if (!ok) failures++;
    await context.close();
  }
} finally {
  await browser.close();
}
process.exit(failures ? 1 : 0);
