// The explorer at `/` in a real browser with the network cut off (only the server under test
// answers): it loads, runs a query and shows the answer, with no console error, no failed
// request and no Content-Security-Policy violation. A screenshot is kept in the artefacts.
//
//   node tests/browser/explorer.mjs http://127.0.0.1:8080 target/browser
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

const [base, out = 'target/browser'] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const origin = new URL(base).origin;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
let failed = false;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // Offline: every request to another origin fails, as it would without internet.
  await context.route('**/*', (route) =>
    route.request().url().startsWith(origin) ? route.continue() : route.abort('internetdisconnected'));
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e}`));
  page.on('requestfailed', (r) => problems.push(`failed request: ${r.url()}`));

  await page.goto(`${base}/`, { waitUntil: 'load' });
  await page.waitForSelector('.graphiql-container', { timeout: 15000 });
  // The query editor is CodeMirror 5: set its text directly (typing would auto-close braces).
  await page.evaluate(() => {
    const editor = document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror;
    editor.setValue('{ program(slug: "cn-k-visa") { name employerSponsorship workAuthorization } }');
  });
  await page.click('.graphiql-execute-button');
  await page.waitForFunction(
    () => document.querySelector('.graphiql-response')?.textContent.includes('K visa'),
    null,
    { timeout: 15000 },
  );
  const answer = await page.textContent('.graphiql-response');
  await page.screenshot({ path: `${out}/explorer.png`, fullPage: true });
  if (!answer.includes('UNCONFIRMED')) {
    problems.push(`the K visa's work authorization is not shown as unconfirmed: ${answer}`);
  }
  if (problems.length > 0) {
    failed = true;
    console.error(`not ok - the explorer offline:\n  ${problems.join('\n  ')}`);
  } else {
    console.log('ok - the explorer loads offline, runs a query and shows its answer');
  }
} catch (e) {
  failed = true;
  console.error(`not ok - the explorer offline: ${e}`);
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
