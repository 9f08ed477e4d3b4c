// Browser tests of the DPO's main work: find and create a subject, view them (and see
// that the view is audited), erase them, find the audit entries, verify the chain —
// with accessibility checks and the screenshots kept in docs/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startDemo, launchBrowser, newPage, signIn, seriousViolations, root } from './harness.mjs';

let demo;
let browser;

before(async () => {
  demo = await startDemo();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

const shot = (name) => join(root, 'docs', 'screenshots', name);

test('a DPO creates, finds, views and erases a subject, and the audit log proves it', async () => {
  const page = await newPage(browser);
  await signIn(page, demo.base, demo.accounts.dpo);
  await page.waitForURL(`${demo.base}/`);
  assert.equal(await page.getByRole('heading', { level: 1 }).count(), 1);
  await page.screenshot({ path: shot('dashboard.png'), fullPage: true });
  assert.deepEqual(await seriousViolations(page), []);

  // Create.
  await page.goto(`${demo.base}/subjects/new`);
  assert.deepEqual(await seriousViolations(page), []);
  await page.getByLabel('Given name').fill('Siobhán');
  await page.getByLabel('Family name').fill("O'Brien-Nguyễn");
  await page.getByLabel('Email addresses (optional)').fill('siobhan.obrien@example.org');
  await page.getByLabel('Phone numbers (optional)').fill('07700 900461');
  await page.getByLabel('NHS number (optional)').fill('943 476 5919');
  await page.getByLabel('Day').fill('14');
  await page.getByLabel('Month').fill('2');
  await page.getByLabel('Year').fill('1987');
  await page.getByLabel('Tenant', { exact: true }).check();
  await page.getByRole('button', { name: 'Add subject' }).click();
  await page.waitForURL(/\/subjects\/[0-9a-f-]{36}/);
  const subjectUrl = page.url().split('?')[0];
  const id = subjectUrl.split('/').pop();
  assert.match(await page.locator('h1').textContent(), /Siobhán O'Brien-Nguyễn/);
  assert.match(await page.locator('main').textContent(), /recorded in the audit log/);
  await page.screenshot({ path: shot('subject.png'), fullPage: true });
  assert.deepEqual(await seriousViolations(page), []);

  // Find by name without accents, then by email; the terms never reach the URL.
  await page.goto(`${demo.base}/subjects`);
  assert.deepEqual(await seriousViolations(page), []);
  for (const term of ['siobhan obrien', 'SIOBHAN.OBRIEN@example.org', '9434765919']) {
    await page.getByLabel('Name, email, phone, NI or NHS number, or reference').fill(term);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: /Siobhán O'Brien-Nguyễn/ }).first().waitFor();
    assert.ok(!page.url().includes('siobhan') && !page.url().includes('9434765919'), `no search terms in ${page.url()}`);
  }
  assert.deepEqual(await seriousViolations(page), []);

  // A bad form shows an error summary that links to the field.
  await page.goto(`${demo.base}/subjects/new`);
  await page.getByLabel('Family name').fill('Evans');
  await page.getByLabel('NHS number (optional)').fill('943 476 5918');
  await page.getByRole('button', { name: 'Add subject' }).click();
  const summary = page.locator('.error-summary');
  await summary.waitFor();
  assert.equal(await summary.locator('a[href="#nhs_number"]').count(), 1);
  assert.deepEqual(await seriousViolations(page), []);

  // Erase, with a confirmation that says what will be destroyed.
  await page.goto(`${subjectUrl}/erase`);
  assert.match(await page.locator('main').textContent(), /look-up entr|encrypted/i);
  assert.deepEqual(await seriousViolations(page), []);
  await page.getByLabel('Request reference (optional)').fill('SAR-2026-0117');
  await page.getByLabel(/Right to erasure request/).check();
  await page.getByRole('button', { name: 'Erase permanently' }).click();
  await page.getByRole('heading', { name: 'Personal data erased' }).waitFor();
  const gone = await page.goto(subjectUrl);
  assert.equal(gone.status(), 410);

  // The audit log shows the view and the erasure, by id, and the chain verifies.
  await page.goto(`${demo.base}/audit?object_id=${id}`);
  const log = await page.locator('main').textContent();
  assert.match(log, /Viewed a subject/i);
  assert.match(log, /Erased a subject/i);
  assert.ok(!log.includes('Siobhán'), 'no personal data in the audit log');
  assert.deepEqual(await seriousViolations(page), []);
  await page.getByRole('button', { name: 'Verify integrity' }).click();
  await page.getByText(/intact/i).first().waitFor();
  assert.match(await page.locator('main').textContent(), /[0-9a-f]{64}/);
  await page.context().close();
});

test('the main pages pass the accessibility check and work on a phone-width screen', async () => {
  const page = await newPage(browser, { viewport: { width: 320, height: 640 } });
  await signIn(page, demo.base, demo.accounts.dpo);
  await page.waitForURL(`${demo.base}/`);
  for (const path of ['/', '/subjects', '/subjects/new', '/requests', '/requests/new', '/systems', '/audit', '/settings', '/settings/email', '/settings/checklists', '/inbox', '/users', '/tokens', '/account', '/account/calendar', '/statistics', '/letters', '/letters/refusal', '/retention/schedule', '/records', '/records/new', '/records/new?record_type=family-file', '/holds', '/disposals', '/disposals/certificate']) {
    const resp = await page.goto(`${demo.base}${path}`);
    assert.equal(resp.status(), 200, path);
    assert.deepEqual(await seriousViolations(page), [], path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `${path} scrolls sideways by ${overflow}px at 320px`);
  }
  await page.context().close();
  const anon = await newPage(browser);
  const resp = await anon.goto(`${demo.base}/request`);
  assert.equal(resp.status(), 200);
  assert.deepEqual(await seriousViolations(anon), []);
  await anon.context().close();
});

test('a DPO logs a subject access request and sees its deadlines and timeline', async () => {
  const page = await newPage(browser);
  await signIn(page, demo.base, demo.accounts.dpo);
  await page.waitForURL(`${demo.base}/`);
  await page.goto(`${demo.base}/requests/new`);
  await page.getByLabel('Subject access', { exact: true }).check();
  const today = new Date();
  await page.locator('#received_on').fill(String(today.getDate()));
  await page.locator('#received_on-month').fill(String(today.getMonth() + 1));
  await page.locator('#received_on-year').fill(String(today.getFullYear()));
  await page.getByRole('button', { name: 'Log the request' }).click();
  await page.getByRole('heading', { name: /^Request REQ-/ }).waitFor();
  const text = await page.locator('main').textContent();
  assert.match(text, /statutory/i);
  assert.deepEqual(await seriousViolations(page), []);
  await page.goto(`${demo.base}/requests`);
  assert.match(await page.locator('main').textContent(), /REQ-\d{4}-\d{6}/);
  assert.deepEqual(await seriousViolations(page), []);
  await page.context().close();
});

test('a DPO drafts a letter for a request and reads the statistics', async () => {
  const page = await newPage(browser);
  await signIn(page, demo.base, demo.accounts.dpo);
  await page.waitForURL(`${demo.base}/`);
  await page.goto(`${demo.base}/requests?status=all`);
  await page.getByRole('link', { name: /REQ-\d{4}-\d{6}/ }).first().click();
  await page.getByRole('heading', { name: 'Letters' }).waitFor();
  await page.getByRole('link', { name: 'Acknowledgement' }).click();
  await page.getByRole('heading', { name: /^Acknowledgement for request REQ-/ }).waitFor();
  const letter = await page.locator('pre.letter').textContent();
  assert.match(letter, /Dear /);
  assert.match(letter, /\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}/);
  assert.deepEqual(await seriousViolations(page), []);
  await page.screenshot({ path: shot('letter.png'), fullPage: true });
  await page.goto(`${demo.base}/statistics`);
  assert.equal(await page.locator('svg.chart title').count(), 1);
  assert.match(await page.locator('main').textContent(), /Month by month/);
  assert.deepEqual(await seriousViolations(page), []);
  await page.screenshot({ path: shot('statistics.png'), fullPage: true });
  await page.context().close();
});

test('a DPO restricts and holds a subject, then approves erasure and prints the certificate', async () => {
  const page = await newPage(browser);
  await signIn(page, demo.base, demo.accounts.dpo);
  await page.waitForURL(`${demo.base}/`);
  await page.goto(`${demo.base}/subjects/new`);
  await page.getByLabel('Given name').fill('Perpetua');
  await page.getByLabel('Family name').fill('Quennell-Ashdown');
  await page.getByLabel('Email addresses (optional)').fill('perpetua.qa@example.org');
  await page.getByRole('button', { name: 'Add subject' }).click();
  await page.waitForURL(/\/subjects\/[0-9a-f-]{36}/);
  const subjectUrl = page.url().split('?')[0];
  const id = subjectUrl.split('/').pop();

  // Restrict processing: the banner says so, and a change is refused with the reason.
  await page.getByLabel('Why', { exact: true }).selectOption('accuracy_contested');
  await page.getByRole('button', { name: 'Restrict processing' }).click();
  await page.getByRole('heading', { name: 'Processing is restricted' }).waitFor();
  assert.deepEqual(await seriousViolations(page), []);
  await page.goto(`${subjectUrl}/edit`);
  await page.getByLabel('Family name').fill('Quennell');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.locator('.error-summary').waitFor();
  assert.match(await page.locator('.error-summary').textContent(), /restricted/);
  assert.deepEqual(await seriousViolations(page), []);

  // Lift it (the DPO records the day the person was told), then place and lift a hold.
  await page.goto(subjectUrl);
  await page.getByRole('button', { name: 'Lift the restriction' }).click();
  await page.getByText('Restriction lifted').waitFor();
  await page.getByLabel('Reason', { exact: true }).fill('County court claim 2026/114');
  await page.getByLabel('Approved by').fill('Head of Legal');
  await page.getByRole('button', { name: 'Place the hold' }).click();
  await page.getByText('Legal hold placed').waitFor();
  assert.deepEqual(await seriousViolations(page), []);
  await page.getByLabel('Why lift it?').fill('Claim settled');
  await page.getByRole('button', { name: 'Lift the hold' }).click();
  await page.getByText('Legal hold lifted').waitFor();

  // An erasure request about them, approved by the DPO: erasure tasks and a certificate.
  await page.goto(`${demo.base}/requests/new?subject=${id}`);
  await page.getByLabel('Erasure', { exact: true }).check();
  const today = new Date();
  await page.locator('#received_on').fill(String(today.getDate()));
  await page.locator('#received_on-month').fill(String(today.getMonth() + 1));
  await page.locator('#received_on-year').fill(String(today.getFullYear()));
  await page.getByRole('button', { name: 'Log the request' }).click();
  await page.getByRole('heading', { name: /^Request REQ-/ }).waitFor();
  const requestUrl = page.url().split('?')[0];
  await page.getByLabel('Granted in full').check();
  await page.getByRole('button', { name: 'Record the decision' }).click();
  await page.getByRole('heading', { name: 'Erasure tasks' }).waitFor();
  assert.deepEqual(await seriousViolations(page), []);
  const task = page.locator('form[action*="/tasks/"]').first();
  await task.getByLabel('Erased', { exact: true }).check();
  await task.getByLabel('Note').fill('Confirmed by the housing systems team, ticket 4411');
  await task.getByRole('button', { name: /Record the answer/ }).click();
  await page.getByText('Erasure task confirmed').waitFor();
  assert.equal((await page.goto(subjectUrl)).status(), 410);

  await page.goto(`${requestUrl}/certificate`);
  await page.getByRole('heading', { name: 'Erasure certificate' }).waitFor();
  const cert = await page.locator('main').textContent();
  assert.match(cert, /Housing management system/);
  assert.match(cert, /[0-9a-f]{64}/);
  assert.ok(!cert.includes('Perpetua') && !cert.includes('perpetua.qa'), 'no personal data on the certificate');
  assert.deepEqual(await seriousViolations(page), []);
  await page.screenshot({ path: shot('erasure-certificate.png'), fullPage: true });
  await page.context().close();
});
