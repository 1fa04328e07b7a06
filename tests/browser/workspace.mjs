// The editors' workspace at /edit in a real browser, with the network cut off. An editor signs
// in, creates a program with a fee and a citation to a new source, publishes them, and the
// public fact sheet shows them with the citation; an edit of the published program stays
// invisible to readers until it is published; two sessions edit the same program and the
// second save shows the conflict with its text kept; bad input is shown at its field; an
// editor cannot reach the admin pages, an admin can. Every page loads without a console error
// or a Content-Security-Policy violation, and axe-core finds no serious or critical
// violation. Screenshots are kept in the artefacts.
//
//   EDITOR=ed@example.org:password ADMIN=ada@example.org:password \
//     node tests/browser/workspace.mjs http://127.0.0.1:8080 target/browser
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const [base, out = 'target/browser'] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const origin = new URL(base).origin;
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const account = (name) => {
  const [email, ...rest] = (process.env[name] || '').split(':');
  return { email, password: rest.join(':') };
};
const editor = account('EDITOR');
const admin = account('ADMIN');
const slug = `test-visa-${Date.now().toString(36)}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
const problems = [];
const pages = [];
let step = 'starting';
const check = (ok, what) => { if (!ok) problems.push(`${step}: ${what}`); };

// A signed-in page whose console errors, failed requests and page errors are problems.
async function session(who, label, device = { viewport: { width: 1280, height: 900 } }) {
  const context = await browser.newContext(device);
  await context.route('**/*', (route) =>
    route.request().url().startsWith(origin) ? route.continue() : route.abort('internetdisconnected'));
  const page = await context.newPage();
  page.on('console', (m) => {
    // The browser itself reports a refused token's 401, which the disabled account is meant to get.
    const expected = label === 'disabled editor' && m.text().includes('status of 401');
    if (m.type() === 'error' && !expected) problems.push(`${label} console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${label} page error: ${e}`));
  page.on('requestfailed', (r) => problems.push(`${label} failed request: ${r.url()}`));
  page.on('dialog', (d) => d.accept());
  pages.push([label, page]);
  await page.goto(`${base}/edit`);
  await page.fill('#signin-email', who.email);
  await page.fill('#signin-password', who.password);
  // By keyboard: Enter in the password field signs in.
  await page.press('#signin-password', 'Enter');
  await page.waitForSelector('nav[aria-label=Workspace]');
  return page;
}

async function audit(page, name) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  for (const v of result.violations.filter((x) => ['serious', 'critical'].includes(x.impact))) {
    problems.push(`${name}: axe ${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`);
  }
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 1) problems.push(`${name}: ${overflow}px wider than the viewport`);
  await page.screenshot({ path: `${out}/edit-${name}.png`, fullPage: true });
}

const open = async (page, hash, ready) => {
  await page.goto(`${base}/edit${hash}`);
  // A fragment change on the same document does not reload it: the session stays.
  await page.waitForSelector(ready);
};

async function publicText(path) {
  const response = await fetch(`${base}${path}`, { headers: { accept: 'text/html' } });
  return { status: response.status, text: await response.text() };
}

try {
  step = 'sign in';
  const ed = await session(editor, 'editor');
  await ed.waitForSelector('table caption');
  await audit(ed, 'work-list');
  check(!(await ed.$('a[href="#/admin/users"]')), 'an editor is offered the accounts page');

  step = 'bad input';
  await ed.click('a[href="#/new"]');
  await ed.click('a[href="#/new/Program"]');
  await ed.waitForSelector('#f-slug');
  // The fields required on create are marked, the others are not.
  check(await ed.getAttribute('#f-slug', 'aria-required') === 'true', 'the slug is not marked required');
  check((await ed.textContent('#l-legalStatus')).includes('(required)'), 'the legal status is not marked required');
  check(!(await ed.textContent('#l-summary')).includes('(required)'), 'the summary is marked required');
  await ed.fill('#f-slug', slug);
  await ed.fill('#f-name', 'Test Talent Visa');
  await ed.fill('#f-country', 'XX');
  await ed.selectOption('#f-category', 'TALENT');
  await ed.selectOption('#f-legalStatus', 'ANNOUNCED');
  await ed.click('button[type=submit]');
  await ed.waitForFunction(() => document.getElementById('e-country')?.textContent.length > 0);
  check(/ISO 3166/.test(await ed.textContent('#e-country')), `country error: ${await ed.textContent('#e-country')}`);
  check(await ed.getAttribute('#f-country', 'aria-invalid') === 'true', 'the country field is not marked invalid');
  check(await ed.inputValue('#f-name') === 'Test Talent Visa', 'the name typed was lost');
  await audit(ed, 'bad-input');

  step = 'create the program';
  await ed.fill('#f-country', 'NZ');
  await ed.click('button[type=submit]');
  await ed.waitForSelector('h1 .badge.draft');
  const programUrl = ed.url();

  step = 'add a fee';
  await ed.click('text=Add a fee');
  await ed.waitForSelector('#f-label');
  await ed.fill('#f-label', 'Application fee');
  await ed.fill('#f-amount', '1234.5');
  await ed.fill('#f-currency', 'NZD');
  await ed.click('button[type=submit]');
  await ed.waitForSelector('h1 .badge.draft');
  await ed.click('button:has-text("Publish")');
  await ed.waitForSelector('h1 .badge.published');

  step = 'cite a new source';
  await ed.goto(programUrl);
  await ed.waitForSelector('#cite-find');
  await ed.click('summary:has-text("create a new source")');
  await ed.fill('#cite-new-title', 'Test ministry announcement');
  await ed.fill('#cite-new-url', `https://EXAMPLE.org/${slug}?utm_source=x`);
  await ed.selectOption('#cite-new-kind', 'OFFICIAL');
  await ed.click('button:has-text("Create the source")');
  await ed.waitForSelector('text=Source: Test ministry announcement');
  await ed.fill('#cite-excerpt', 'The Test Talent Visa is announced.');
  await ed.click('button:has-text("Add the citation")');
  await ed.waitForSelector('section[aria-label=Citations] li a');
  await audit(ed, 'program-draft');

  step = 'a source at the same URL is found, not duplicated';
  await ed.click('summary:has-text("create a new source")');
  await ed.fill('#cite-new-title', 'The same page again');
  await ed.fill('#cite-new-url', `https://example.org/${slug}`);
  await ed.selectOption('#cite-new-kind', 'NEWS');
  await ed.click('button:has-text("Create the source")');
  await ed.waitForSelector('text=A source with this URL exists already');
  check(await ed.isVisible('text=Use it'), 'the existing source is not offered');

  step = 'publish';
  await ed.click('section[aria-label=Citations] button:has-text("Publish")');
  await ed.waitForSelector('section[aria-label=Citations] .badge.published');
  await ed.click('.actions button:has-text("Publish")');
  await ed.waitForSelector('h1 .badge.published');
  await open(ed, '#/?type=Source&state=DRAFT', 'table caption, main p');
  await ed.click('text=Test ministry announcement');
  await ed.waitForSelector('h1 .badge.draft');
  await ed.click('.actions button:has-text("Publish")');
  await ed.waitForSelector('h1 .badge.published');

  step = 'the public sheet';
  let sheet = await publicText(`/programs/${slug}`);
  check(sheet.status === 200, `the sheet answered ${sheet.status}`);
  check(sheet.text.includes('Test Talent Visa'), 'the sheet lacks the name');
  check(/1,?234\.5/.test(sheet.text), 'the sheet lacks the fee');
  check(sheet.text.includes('Test ministry announcement'), 'the sheet lacks the citation');

  step = 'archive and restore';
  await ed.goto(programUrl);
  await ed.click('section[aria-label=Fees] a:has-text("Application fee")');
  await ed.waitForSelector('h1 .badge.published');
  await ed.click('.actions button:has-text("Archive")');
  await ed.waitForSelector('h1 .badge.archived');
  sheet = await publicText(`/programs/${slug}`);
  check(!/1,?234\.5/.test(sheet.text), 'readers see an archived fee');
  await ed.click('.actions button:has-text("Restore")');
  await ed.waitForSelector('h1 .badge.draft');
  await ed.click('.actions button:has-text("Publish")');
  await ed.waitForSelector('h1 .badge.published');
  sheet = await publicText(`/programs/${slug}`);
  check(/1,?234\.5/.test(sheet.text), 'the restored fee is not back on the sheet');

  step = 'an edit waits for publishing';
  await ed.goto(programUrl);
  await ed.waitForSelector('#f-name');
  await ed.fill('#f-name', 'Test Talent Visa (renamed)');
  await ed.click('form[aria-label^=Edit] button[type=submit]');
  await ed.waitForSelector('h1 .badge.pending');
  check(await ed.isVisible('text=Pending edit: what publishing will change'), 'no pending diff');
  sheet = await publicText(`/programs/${slug}`);
  check(!sheet.text.includes('(renamed)'), 'readers see an unpublished edit');
  await audit(ed, 'pending-edit');
  await ed.click('.actions button:has-text("Publish the pending edit")');
  await ed.waitForSelector('h1:not(:has(.badge.pending)) .badge.published');
  sheet = await publicText(`/programs/${slug}`);
  check(sheet.text.includes('(renamed)'), 'the published edit is not on the sheet');

  step = 'restore a revision';
  await ed.goto(programUrl);
  await ed.waitForSelector('summary:has-text("Version 1: create")');
  await ed.click('summary:has-text("Version 1: create")');
  await ed.click('button:has-text("Restore version 1")');
  await ed.waitForSelector('text=Version 1 restored.');
  await ed.waitForSelector('h1 .badge.pending');
  check((await ed.textContent('.panel.notice')).includes('Test Talent Visa (renamed)'), 'the restore does not show what it changes');
  check(await ed.inputValue('#f-name') === 'Test Talent Visa', 'the form does not show the restored name');
  await ed.click('.actions button:has-text("Publish the pending edit")');
  await ed.waitForSelector('h1:not(:has(.badge.pending)) .badge.published');

  step = 'a form for every content type';
  for (const type of ['Requirement', 'Fee', 'Source', 'Citation', 'Person', 'Commentary', 'PolicyEvent']) {
    await open(ed, `#/new/${type}`, 'form button[type=submit]');
    check((await ed.$$('form .field')).length >= 3, `${type}: the form has too few fields`);
    await audit(ed, `new-${type.toLowerCase()}`);
  }

  step = 'two sessions, one record';
  const other = await session(editor, 'second editor session');
  await other.goto(programUrl);
  await other.waitForSelector('#f-summary');
  await ed.goto(programUrl);
  await ed.waitForSelector('#f-summary');
  await ed.fill('#f-summary', 'Summary saved first.');
  await ed.click('form[aria-label^=Edit] button[type=submit]');
  await ed.waitForSelector('h1 .badge.pending');
  await other.fill('#f-summary', 'Summary typed second, not to be lost.');
  await other.click('form[aria-label^=Edit] button[type=submit]');
  await other.waitForSelector('.panel.conflict');
  check(await other.inputValue('#f-summary') === 'Summary typed second, not to be lost.', 'the second text was lost');
  check((await other.textContent('.panel.conflict')).includes('Summary saved first.'), 'the conflict does not show what changed');
  await audit(other, 'conflict');
  await other.click('text=Keep my text and save over theirs');
  await other.click('form[aria-label^=Edit] button[type=submit]');
  await other.waitForSelector('text=Saved as a pending edit');
  check(await other.inputValue('#f-summary') === 'Summary typed second, not to be lost.', 'the saved text is not shown');

  step = 'discard a pending edit';
  await other.click('.actions button:has-text("Discard the pending edit")');
  await other.waitForSelector('h1:not(:has(.badge.pending)) .badge.published');
  check(await other.inputValue('#f-summary') === '', 'the discarded summary is still in the form');

  step = 'phone';
  const phone = await session(editor, 'phone', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await phone.goto(programUrl);
  await phone.waitForSelector('#f-name');
  await audit(phone, 'record-phone');

  step = 'an editor and the admin pages';
  await open(ed, '#/admin/users', 'h1');
  await ed.waitForSelector('text=Only admins manage accounts.');
  check(!(await ed.$('table')), 'an editor sees the accounts');

  step = 'the admin';
  const boss = await session(admin, 'admin');
  const editorName = (await ed.textContent('.who')).split(' (')[0].trim();
  await boss.selectOption('select[name=author]', { label: editorName });
  const everyone = await boss.textContent('table caption');
  await boss.click('form.filters button[type=submit]');
  await boss.waitForFunction((before) => document.querySelector('table caption')?.textContent !== before, everyone);
  const authored = await boss.$$eval('tbody td:first-child', (cells) => cells.map((c) => c.textContent));
  check(authored.length > 0 && authored.every((t) => t.startsWith('Test Talent Visa')), `the editor's programs: ${authored.join('; ')}`);
  await boss.click('a[href="#/admin/users"]');
  await boss.waitForSelector(`text=${editor.email}`);
  await audit(boss, 'accounts');
  await boss.click('a[href="#/admin/audit"]');
  await boss.waitForSelector('h1:has-text("Audit log")');
  await boss.waitForSelector('table tbody tr');
  check((await boss.textContent('table')).includes('publish'), 'the audit log lacks the publishing');
  await audit(boss, 'audit-log');

  step = 'a disabled account is out at its next request';
  const temp = { email: `temp-${slug}@example.org`, password: 'temporary password 123' };
  await boss.click('a[href="#/admin/users"]');
  await boss.waitForSelector('#f-email');
  await boss.fill('#f-email', temp.email);
  await boss.fill('#f-displayName', 'Temporary Editor');
  await boss.selectOption('#f-role', 'EDITOR');
  await boss.fill('#f-password', temp.password);
  await boss.click('button:has-text("Create the account")');
  await boss.waitForSelector(`tr:has-text("${temp.email}")`);
  const leaving = await session(temp, 'disabled editor');
  await leaving.click('a[href="#/new"]');
  await leaving.click('a[href="#/new/Program"]');
  await leaving.waitForSelector('#f-name');
  await leaving.fill('#f-name', 'Typed before the account was disabled');
  await boss.click(`tr:has-text("${temp.email}") button:has-text("Disable")`);
  await boss.waitForSelector(`tr:has-text("${temp.email}") button:has-text("Enable")`);
  await leaving.click('button[type=submit]');
  await leaving.waitForSelector('dialog[open] h2:has-text("Sign in again")');
  await leaving.fill('dialog #signin-email', temp.email);
  await leaving.fill('dialog #signin-password', temp.password);
  await leaving.click('dialog button[type=submit]');
  await leaving.waitForFunction(() => document.querySelector('dialog #signin-error')?.textContent.length > 0);
  check(await leaving.isVisible('dialog[open]'), 'a disabled account signed in again');
  check(await leaving.inputValue('#f-name') === 'Typed before the account was disabled', 'the text typed was lost');
  await leaving.screenshot({ path: `${out}/edit-signed-out.png`, fullPage: true });
} catch (e) {
  problems.push(`${step}: ${e.message.split('\n')[0]}`);
  // What each session showed when it failed.
  for (const [label, page] of pages) {
    await page.screenshot({ path: `${out}/edit-failed-${label.replace(/ /g, '-')}.png`, fullPage: true }).catch(() => {});
  }
} finally {
  await browser.close();
}
for (const p of problems) console.error(`not ok - ${p}`);
if (problems.length === 0) console.log('ok - the editors\' workspace');
process.exit(problems.length ? 1 : 0);
