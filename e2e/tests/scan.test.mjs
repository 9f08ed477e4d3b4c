// Browser test of searching files from an access request: a DPO uploads a mailbox and a
// case note, the search appears in the search log by itself, the review page shows
// where the person was found and proposes redacting the neighbour's details, the pack
// cannot be built until each proposal is decided, and then it is.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launchBrowser, newPage, signIn, seriousViolations } from './harness.mjs';

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

const MBOX = [
  'From lettings@example.org Wed Mar  4 11:00:00 2026',
  'From: Lettings <lettings@example.org>',
  'To: w.abernathy-oduya@example.org',
  'Subject: Noise complaint',
  'Message-ID: <noise-12@example.org>',
  '',
  'Dear Winifred Abernathy-Oduya,',
  'Your neighbour Thomas Kowalczyk at 9 Mill Row says the music was loud. Call him on 07700 900456.',
  '',
].join('\n');

test('a DPO searches files for a person, reviews the redactions and builds the pack', async () => {
  const page = await newPage(browser);
  await signIn(page, demo.base, demo.accounts.dpo);
  await page.waitForURL(`${demo.base}/`);

  await page.goto(`${demo.base}/subjects/new`);
  await page.getByLabel('Given name').fill('Winifred');
  await page.getByLabel('Family name').fill('Abernathy-Oduya');
  await page.getByLabel('Email addresses (optional)').fill('w.abernathy-oduya@example.org');
  await page.getByRole('button', { name: 'Add subject' }).click();
  await page.waitForURL(/\/subjects\/[0-9a-f-]{36}/);
  const subjectId = page.url().split('?')[0].split('/').pop();

  await page.goto(`${demo.base}/requests/new`);
  await page.getByLabel('Subject access', { exact: true }).check();
  const today = new Date();
  await page.locator('#received_on').fill(String(today.getDate()));
  await page.locator('#received_on-month').fill(String(today.getMonth() + 1));
  await page.locator('#received_on-year').fill(String(today.getFullYear()));
  await page.locator('#subject_id').fill(subjectId);
  await page.getByRole('button', { name: 'Log the request' }).click();
  await page.getByRole('heading', { name: /^Request REQ-/ }).waitFor();
  const requestUrl = page.url().split('?')[0];

  // Search two files; one is not readable and is reported.
  await page.locator('#scan-system').fill('Lettings shared mailbox');
  await page.locator('#scan-files').setInputFiles([
    { name: 'lettings.mbox', mimeType: 'application/mbox', buffer: Buffer.from(MBOX) },
    { name: 'scan.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7 not really a PDF') },
  ]);
  assert.deepEqual(await seriousViolations(page), []);
  await page.getByRole('button', { name: 'Search the files' }).click();
  await page.waitForURL(/\/scans\/[0-9a-f-]{36}\?done=searched/);
  await page.getByRole('heading', { name: /^Search of files for request REQ-/ }).waitFor();
  const main = await page.locator('main').textContent();
  assert.match(main, /scan\.pdf/, 'the unreadable file is listed');
  assert.match(main, /Thomas Kowalczyk/, 'the neighbour is proposed for redaction');
  assert.deepEqual(await seriousViolations(page), []);
  const scanUrl = page.url().split('?')[0];

  // The search log has the entry, written by the search itself.
  await page.goto(requestUrl);
  await page.getByRole('cell', { name: 'Lettings shared mailbox' }).waitFor();

  // Choose the message for the pack without deciding: the pack refuses to build.
  await page.goto(scanUrl);
  await page.getByLabel('Put this document in the response pack').check();
  await page.getByRole('button', { name: /^Save decisions/ }).click();
  await page.waitForURL(/done=saved/);
  await page.goto(`${requestUrl}/pack`);
  assert.match(await page.locator('main').textContent(), /to decide/);
  await page.getByRole('button', { name: 'Build response pack' }).click();
  assert.match(await page.locator('main').textContent(), /not yet reviewed/);

  // Redact everything proposed, then disclose nothing else; the preview shows the labels.
  await page.goto(scanUrl);
  await page.getByRole('button', { name: /^Redact all proposed/ }).click();
  await page.waitForURL(/done=saved/);
  await page.getByText('The document as it would be disclosed').click();
  const preview = await page.locator('.redacted-preview').first().textContent();
  assert.match(preview, /redacted — DPA 2018 Sch 2 Pt 3 para 16/);
  assert.ok(!preview.includes('Kowalczyk'), preview);
  assert.match(preview, /Winifred Abernathy-Oduya/, "the person's own data stays");
  assert.deepEqual(await seriousViolations(page), []);

  await page.goto(`${requestUrl}/pack`);
  await page.getByRole('button', { name: 'Build response pack' }).click();
  await page.getByRole('heading', { name: 'Response pack built' }).waitFor();
  await page.context().close();
});
