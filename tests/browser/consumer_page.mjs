// Loads consumer pages in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core) and reports what each page concluded about its own verification.
//
//   node consumer_page.mjs '<json list of {name, url, expect, javascript?, viewport?, first?, above?}>'
//
// viewport: {width, height} (default 400×900); first: selectors each of which must lie
// wholly on the first screen, without scrolling; above: [a, b], a must start above b;
// order: selectors whose tops must come in this order down the page.
// expect: "verified" or "failed". Checks of what a reader sees (the rendered text,
// innerText, so a <noscript> counts only when it is shown), for any case:
//   text: {selector: [strings]}: every element matching (at least one) shows each string;
//   notext: {selector: [strings]}: no element matching shows any of them;
//   attrs: {selector: {name: value}}: the first element matching has these attributes;
//   count: {selector: n}: exactly n elements match;
//   apart: [[a, b], …]: neither element contains the other and their boxes do not overlap;
//   nowrap: [selector]: every element matching is drawn on one line, within the screen;
//   fonts: {selector: family}: the text of the first element matching is drawn with
//     that platform font (Chromium's own answer, over CDP), and with no other CJK face.
// For every page it also records every state the status
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

// The reader-facing checks above; returns [ok, what failed].
async function readerChecks(page, c) {
  const bad = [];
  for (const [sel, strings] of Object.entries(c.text || {})) {
    const texts = await page.$$eval(sel, (els) => els.map((e) => e.innerText));
    if (texts.length === 0) bad.push(`text: no ${sel}`);
    for (const s of strings) if (!texts.every((t) => t.includes(s))) bad.push(`text: ${sel} lacks ${s}`);
  }
  for (const [sel, strings] of Object.entries(c.notext || {})) {
    const texts = await page.$$eval(sel, (els) => els.map((e) => e.innerText));
    for (const s of strings) if (texts.some((t) => t.includes(s))) bad.push(`notext: ${sel} shows ${s}`);
  }
  for (const [sel, attrs] of Object.entries(c.attrs || {})) {
    for (const [name, want] of Object.entries(attrs)) {
      const got = await page.getAttribute(sel, name).catch(() => null);
      if (got !== want) bad.push(`attrs: ${sel} ${name}=${got}, not ${want}`);
    }
  }
  for (const [sel, n] of Object.entries(c.count || {})) {
    const got = (await page.$$(sel)).length;
    if (got !== n) bad.push(`count: ${got} ${sel}, not ${n}`);
  }
  for (const [a, b] of c.apart || []) {
    const apart = await page.evaluate(([a, b]) => {
      const x = document.querySelector(a), y = document.querySelector(b);
      if (!x || !y || x.contains(y) || y.contains(x)) return false;
      const r = x.getBoundingClientRect(), q = y.getBoundingClientRect();
      return r.bottom <= q.top || q.bottom <= r.top || r.right <= q.left || q.right <= r.left;
    }, [a, b]);
    if (!apart) bad.push(`apart: ${a} and ${b} overlap`);
  }
  for (const sel of c.nowrap || []) {
    const lines = await page.$$eval(sel, (els) => els.map((el) => {
      const r = document.createRange();
      r.selectNodeContents(el);
      const tops = new Set([...r.getClientRects()].map((x) => Math.round(x.top)));
      return { text: el.textContent, lines: tops.size, right: el.getBoundingClientRect().right };
    }));
    if (lines.length === 0) bad.push(`nowrap: no ${sel}`);
    for (const l of lines) {
      if (l.lines !== 1 || l.right > page.viewportSize().width) bad.push(`nowrap: "${l.text}" on ${l.lines} lines, right edge ${l.right}`);
    }
  }
  if (c.fonts) {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
    for (const [sel, want] of Object.entries(c.fonts)) {
      const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: sel });
      const { fonts } = nodeId ? await cdp.send('CSS.getPlatformFontsForNode', { nodeId }) : { fonts: [] };
      const names = fonts.map((f) => f.familyName);
      if (!names.includes(want) || names.some((n) => /CJK/.test(n) && n !== want)) bad.push(`fonts: ${sel} drawn with ${names.join(', ')}, not ${want}`);
    }
    await cdp.detach();
  }
  return [bad.length === 0, bad];
}
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
      const [seen, unseen] = await readerChecks(page, c);
      const ok = resp.status() === 200 && state === 'unverified' && (c.contains || []).every((s) => text.includes(s)) && seen;
      if (screenshots) await page.screenshot({ path: path.join(screenshots, c.name + '.png'), fullPage: true });
      console.log(JSON.stringify({ name: c.name, state, unseen, ok }));
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
    for (const sel of [...(c.first || []), ...(c.above || []), ...(c.order || [])]) {
      placed[sel] = await page.$eval(sel, (el) => { const r = el.getBoundingClientRect(); return { top: r.top, bottom: r.bottom }; }).catch(() => null);
    }
    for (const sel of c.first || []) ok = ok && placed[sel] !== null && placed[sel].top >= 0 && placed[sel].bottom <= height;
    if (c.above) ok = ok && placed[c.above[0]] && placed[c.above[1]] && placed[c.above[0]].top < placed[c.above[1]].top;
    const order = c.order || [];
    for (let i = 1; i < order.length; i++) ok = ok && placed[order[i - 1]] && placed[order[i]] && placed[order[i - 1]].top < placed[order[i]].top;
    const [seen, unseen] = await readerChecks(page, c);
    ok = ok && seen;
    if (screenshots) await page.screenshot({ path: path.join(screenshots, c.name + '.png'), fullPage: true });
    console.log(JSON.stringify({ name: c.name, status: resp.status(), final, states, problems: problems.slice(0, 5), foreign, placed, unseen, ok }));
    if (!ok) failures++;
    await context.close();
  }
} finally {
  await browser.close();
}
process.exit(failures ? 1 : 0);
