// Browser test of the retention pages: a DPO makes sure a retention schedule is in force
// (starting from the family-support charity's template if none is), adds a family file
// through the form, sees its destroy-by month, places a legal hold on it and sees it
// marked "Held" in the inventory. All data is fictional.
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

test('a DPO adds a record, sees its destroy-by month, and places a legal hold on it', async () => {
  const page = await newPage(browser);
  await signIn(page, demo.base, demo.accounts.dpo);
  await page.waitForURL(`${demo.base}/`);
  await page.getByRole('heading', { name: 'Retention', exact: true }).waitFor();

  // A schedule in force: the family-support charity's template if there is none yet.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Retention schedule' }).click();
  await page.getByRole('heading', { name: 'Retention schedule', level: 1 }).waitFor();
  if (await page.getByText('No retention schedule is in force yet').count()) {
    await page.getByLabel('Start from a template').selectOption('family-support-charity');
    await page.getByRole('button', { name: 'Put the template in the box' }).click();
    await page.getByRole('button', { name: 'Check' }).click();
    await page.getByText(/No problems found/).waitFor();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText(/is now in force/).waitFor();
  }
  assert.match(await page.locator('main').textContent(), /Family files/);
  assert.deepEqual(await seriousViolations(page), []);

  // A family file whose support ended on 14 March 2025: kept 12 months.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Records' }).click();
  await page.getByRole('link', { name: 'Add a record' }).click();
  await page.getByLabel('Record type').selectOption('family-file');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Reference', { exact: true }).fill('FS-2025-118');
  await page.getByLabel('Where it is kept (optional)').fill('Head office, cabinet 3, drawer 2');
  await page.locator('#event-support_ended').fill('14');
  await page.locator('#event-support_ended-month').fill('3');
  await page.locator('#event-support_ended-year').fill('2025');
  assert.deepEqual(await seriousViolations(page), []);
  await page.getByRole('button', { name: 'Add the record' }).click();
  await page.waitForURL(/\/records\/[0-9a-f-]{36}\?done=added/);
  const main = page.locator('main');
  assert.match(await main.textContent(), /Mar 2026/);
  assert.match(await main.textContent(), /14 March 2026/);
  assert.match(await main.textContent(), /12 months after/);

  // A legal hold on this record.
  await page.getByLabel('This record only').check();
  await page.getByLabel('Reason', { exact: true }).fill('County court claim 2026/114');
  await page.getByLabel('Approved by', { exact: true }).fill('Head of Legal');
  await page.getByRole('button', { name: 'Place the hold' }).click();
  await page.waitForURL(/done=held/);
  await page.locator('#held').getByText('Held').waitFor();
  assert.deepEqual(await seriousViolations(page), []);

  // The inventory marks it held.
  await page.goto(`${demo.base}/records?held=yes`);
  const row = page.getByRole('row').filter({ hasText: 'FS-2025-118' });
  await row.waitFor();
  assert.match(await row.textContent(), /Mar 2026/);
  assert.match(await row.textContent(), /Held/);
  assert.match(await row.textContent(), /cabinet 3/);

  // And the holds page lists it, with a form to lift it.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Holds' }).click();
  await page.getByRole('row').filter({ hasText: 'County court claim 2026/114' }).waitFor();
  assert.ok(await page.getByRole('button', { name: 'Lift the hold' }).count() >= 1);
  assert.deepEqual(await seriousViolations(page), []);
  await page.context().close();
});
