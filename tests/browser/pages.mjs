// The web pages in a real browser with the network cut off: each renders with no console error,
// failed request or Content-Security-Policy violation, fits a phone's width, and axe-core finds
// no serious or critical accessibility violation. The K visa's sheet shows its facts with their
// citations and work authorization as unconfirmed; compare shows the K visa's sponsorship NO
// against the H-1B's YES, both with footnotes; what changed links its feed; search marks what
// matches; a fee's permalink shows its amount. Screenshots are kept in the artefacts.
//
//   node tests/browser/pages.mjs http://127.0.0.1:8080 target/browser
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const [base, out = 'target/browser'] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const origin = new URL(base).origin;
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// The permalink of a program's first fee, asked of the API.
async function firstFee(slug) {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: `{ program(slug: "${slug}") { fees { id } } }` }),
  });
  const { data } = await response.json();
  return `/records/${data.program.fees[0].id}`;
}

// What each page must show, besides loading cleanly.
const pages = [
  {
    name: 'sheet-cn-k-visa',
    path: '/programs/cn-k-visa',
    status: 200,
    check: async (page) => {
      const problems = [];
      const work = await page.textContent('tr#work_authorization');
      if (!/unconfirmed/i.test(work)) problems.push(`work authorization: ${work}`);
      const sponsorship = await page.textContent('tr#employer_sponsorship');
      if (!/\bno\b/.test(sponsorship) || !/known/i.test(sponsorship)) problems.push(`sponsorship: ${sponsorship}`);
      // Every footnote mark of the facts leads to a note with a source.
      const marks = await page.$$eval('tr sup a', (as) => as.map((a) => a.getAttribute('href')));
      if (marks.length === 0) problems.push('no footnote marks');
      for (const href of new Set(marks)) {
        const text = await page.textContent(href).catch(() => null);
        if (!text || text.trim().length === 0) problems.push(`footnote ${href} leads nowhere`);
      }
      return problems;
    },
  },
  {
    name: 'sheet-us-h1b',
    path: '/programs/us-h1b',
    status: 200,
    check: async (page) => ((await page.$('figure svg[role=img]')) ? [] : ['no fee chart']),
  },
  {
    name: 'compare',
    path: '/compare?programs=cn-k-visa,us-h1b',
    status: 200,
    check: async (page) => {
      const row = await page.$$eval('table.compare tr', (trs) => {
        const tr = trs.find((t) => t.querySelector('th')?.textContent === 'Employer sponsorship');
        return tr ? [...tr.querySelectorAll('td')].map((td) => td.textContent) : null;
      });
      if (!row || !/\bno\b/.test(row[0]) || !/\byes\b/.test(row[1])) return [`sponsorship row: ${row}`];
      if (!row.every((cell) => /\[\d+\]/.test(cell))) return [`sponsorship without footnotes: ${row}`];
      return [];
    },
  },
  {
    name: 'programs',
    path: '/programs?country=CN',
    status: 200,
    check: async (page) => {
      const names = await page.$$eval('tbody tr td:first-child a', (as) => as.map((a) => a.textContent));
      return names.includes('K visa') ? [] : [`programs listed: ${names}`];
    },
  },
  {
    name: 'timeline',
    path: '/timeline?country=CN',
    status: 200,
    check: async (page) => ((await page.textContent('ol.events')).includes('K visa') ? [] : ['no K visa event']),
  },
  {
    name: 'changes',
    path: '/changes?type=program',
    status: 200,
    check: async (page) => {
      const problems = [];
      if (!(await page.$('link[rel=alternate][type="application/atom+xml"]'))) problems.push('no feed link');
      if ((await page.$$('ol.changes > li')).length === 0) problems.push('no change listed');
      return problems;
    },
  },
  {
    name: 'search',
    path: '/search?q=k+visa',
    status: 200,
    check: async (page) => {
      const first = await page.textContent('ol.hits > li');
      return /K visa/.test(first) && (await page.$('ol.hits mark')) ? [] : [`first hit: ${first}`];
    },
  },
  {
    name: 'record-fee',
    path: await firstFee('us-h1b'),
    status: 200,
    check: async (page) => ((await page.textContent('table.values')).includes('Amount') ? [] : ['no amount']),
  },
  {
    name: 'not-found',
    path: '/programs/no-such-program',
    status: 404,
    check: async (page) => ((await page.textContent('h1')).includes('Nothing published') ? [] : ['no 404 heading']),
  },
];

const viewports = [
  { label: 'desktop', viewport: { width: 1280, height: 800 } },
  { label: 'phone', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
let failed = false;
try {
  for (const { label, ...device } of viewports) {
    const context = await browser.newContext(device);
    await context.route('**/*', (route) =>
      route.request().url().startsWith(origin) ? route.continue() : route.abort('internetdisconnected'));
    for (const spec of pages) {
      const page = await context.newPage();
      const problems = [];
      page.on('console', (m) => {
        // A 404 page is announced by the browser itself as a failed load: expected there.
        const expected = spec.status === 404 && m.text().includes('404');
        if (m.type() === 'error' && !expected) problems.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e}`));
      page.on('requestfailed', (r) => problems.push(`failed request: ${r.url()}`));
      const response = await page.goto(`${base}${spec.path}`, { waitUntil: 'load' });
      if (response.status() !== spec.status) problems.push(`status ${response.status()}`);
      problems.push(...(await spec.check(page)));
      // Nothing wider than the screen: no sideways scrolling on a phone.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (overflow > 1) problems.push(`${overflow}px wider than the viewport`);
      // axe-core, evaluated by the driver (the page's policy allows no foreign script).
      await page.evaluate(axeSource);
      const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
      for (const v of result.violations.filter((v) => ['serious', 'critical'].includes(v.impact))) {
        problems.push(`axe ${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`);
      }
      await page.screenshot({ path: `${out}/${spec.name}-${label}.png`, fullPage: true });
      if (problems.length > 0) {
        failed = true;
        console.error(`not ok - ${spec.path} (${label}):\n  ${problems.join('\n  ')}`);
      } else {
        console.log(`ok - ${spec.path} (${label})`);
      }
      await page.close();
    }
    await context.close();
  }
} catch (e) {
  failed = true;
  console.error(`not ok - the pages: ${e}`);
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
