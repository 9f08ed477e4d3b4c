// Browser test of a whole subject access request: a DPO records a person with a case
// note and a document, logs the request, works the checklist and the search log,
// withholds an item under an exemption, builds the response pack and downloads it; the
// file's size and SHA-256 match what the page shows (opening the zip with its passphrase
// is checked by the Rust API tests, crates/steward-web/tests/pack_api.rs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
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

test('a DPO runs an access request from intake to a downloaded response pack', async () => {
  const page = await newPage(browser);
  await signIn(page, demo.base, demo.accounts.dpo);
  await page.waitForURL(`${demo.base}/`);

  // The person, with a case note and a document.
  await page.goto(`${demo.base}/subjects/new`);
  await page.getByLabel('Given name').fill('Marguerite');
  await page.getByLabel('Family name').fill('Okonkwo-Hale');
  await page.getByLabel('Email addresses (optional)').fill('m.okonkwo-hale@example.org');
  await page.getByRole('button', { name: 'Add subject' }).click();
  await page.waitForURL(/\/subjects\/[0-9a-f-]{36}/);
  const subjectId = page.url().split('?')[0].split('/').pop();
  await page.getByLabel('Note', { exact: true }).fill('Asked for a copy of her tenancy file by phone.');
  await page.getByLabel('Kind of note').selectOption('phone_call');
  await page.getByRole('button', { name: 'Add note' }).click();
  await page.waitForURL(/done=noted/);
  assert.match(await page.locator('#notes ~ ul').first().textContent(), /tenancy file/);
  await page.getByLabel('Note', { exact: true }).fill('Her neighbour Ottoline Brackenbury reported a leak.');
  await page.getByRole('button', { name: 'Add note' }).click();
  await page.waitForURL(/done=noted/);
  await page.locator('#file').setInputFiles({
    name: '../tenancy agreement.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.4 fictional tenancy agreement'),
  });
  await page.getByRole('button', { name: 'Upload' }).click();
  await page.waitForURL(/done=uploaded/);
  assert.match(await page.locator('main').textContent(), /tenancy agreement\.pdf/);
  assert.deepEqual(await seriousViolations(page), []);

  // Intake.
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

  // Checklist steps and the search log.
  for (const step of ['A', 'B', 'C']) {
    await page.getByRole('button', { name: `Mark done step ${step}`, exact: true }).click();
    await page.locator(`#step-${step}`).getByText(/^Done by/).waitFor();
  }
  await page.locator('#search-system').fill('Housing management system');
  await page.locator('#search-on').fill(String(today.getDate()));
  await page.locator('#search-on-month').fill(String(today.getMonth() + 1));
  await page.locator('#search-on-year').fill(String(today.getFullYear()));
  await page.locator('#search-terms').fill('Okonkwo-Hale, tenancy');
  await page.locator('#search-hits').fill('3');
  await page.getByRole('button', { name: 'Record the search' }).click();
  await page.getByRole('cell', { name: 'Housing management system' }).waitFor();
  assert.deepEqual(await seriousViolations(page), []);

  // Review: withhold the note that names the neighbour.
  await page.getByRole('link', { name: 'Review and build the response pack' }).click();
  await page.getByRole('heading', { name: /^Response pack for request REQ-/ }).waitFor();
  const rows = page.locator('#items-caption ~ tbody tr');
  assert.equal(await rows.count(), 1 + 2 + 1 + 1, 'record, two notes, one document, one request');
  assert.deepEqual(await seriousViolations(page), []);
  const options = await page.locator('#item option').evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
  const notes = options.filter(([value]) => value.startsWith('note:'));
  assert.equal(notes.length, 2);
  await page.locator('#item').selectOption(notes[notes.length - 1][0]);
  await page.getByLabel('The whole item').check();
  await page.locator('#exemption').selectOption('third_party');
  await page.getByLabel(/Why \(for your records/).fill('Names the neighbour.');
  await page.getByRole('button', { name: 'Record the decision' }).click();
  await page.waitForURL(/done=decided/);
  assert.match(await page.locator('main').textContent(), /Withheld under Another person's information \(DPA 2018 Sch 2 Pt 3 para 16\)/);

  // Build: the passphrase is shown once; the download matches the page's figures.
  await page.getByRole('button', { name: 'Build response pack' }).click();
  await page.getByRole('heading', { name: 'Response pack built' }).waitFor();
  const passphrase = (await page.locator('#passphrase').textContent()).trim();
  assert.match(passphrase, /^[2-9a-z]{4}(-[2-9a-z]{4}){5}$/);
  const sha256 = (await page.locator('#sha256').textContent()).trim();
  const bytes = Number((await page.locator('#bytes').textContent()).trim());
  assert.deepEqual(await seriousViolations(page), []);
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download').click()]);
  const file = readFileSync(await download.path());
  assert.equal(file.length, bytes);
  assert.equal(createHash('sha256').update(file).digest('hex'), sha256);
  assert.equal(file.subarray(0, 4).toString('latin1'), 'PK\u0003\u0004', 'a zip file');
  assert.ok(!file.includes(Buffer.from('Okonkwo')), 'nothing readable without the passphrase');

  // The passphrase is not shown again, and the pack is listed for download.
  await page.goto(`${requestUrl}/pack`);
  const text = await page.locator('main').textContent();
  assert.ok(!text.includes(passphrase), 'the passphrase is shown only once');
  assert.match(text, new RegExp(sha256));
  await page.context().close();
});
