// Browser tests of the menu: grouped sections with the current one marked, every link
// reachable at a phone's width without sideways scrolling, and no element of a page
// wider than the screen (tables scroll inside their own box).
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

/** Elements whose right edge is past the screen's, outside boxes that scroll or clip. */
async function tooWide(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const clipped = (el) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        if (getComputedStyle(p).overflowX !== 'visible') return true;
      }
      return false;
    };
    return [...document.body.querySelectorAll('*')]
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.right > width + 1 && !clipped(el);
      })
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${[...el.classList].join('.')}`);
  });
}

test('the menu groups the pages, marks where you are, and fits a 320px screen', async () => {
  const page = await newPage(browser, { viewport: { width: 320, height: 640 } });
  await signIn(page, demo.base, demo.accounts.dpo);
  await page.waitForURL(`${demo.base}/`);
  const menu = page.getByRole('navigation', { name: 'Main' });
  for (const section of ['Casework', 'Records & retention', 'Registers', 'Incidents', 'Reports', 'Administration']) {
    assert.equal(await menu.getByRole('list', { name: section }).count(), 1, section);
  }

  for (const path of ['/', '/requests', '/subjects', '/records', '/holds', '/statistics', '/letters', '/audit',
    '/breaches', '/disclosures', '/dpias']) {
    await page.goto(`${demo.base}${path}`);
    assert.deepEqual(await tooWide(page), [], `${path} has no element wider than the screen`);
    assert.deepEqual(await seriousViolations(page), [], path);
  }

  // Every link can be reached and followed at this width; the page it opens is marked.
  await page.goto(`${demo.base}/`);
  await menu.getByRole('link', { name: 'Retention schedule' }).click();
  await page.waitForURL(`${demo.base}/retention/schedule`);
  const current = menu.locator('[aria-current="page"]');
  assert.equal(await current.count(), 1);
  assert.equal((await current.textContent()).trim(), 'Retention schedule');
  const section = menu.locator('.nav__section--current .nav__title');
  assert.equal((await section.textContent()).trim(), 'Records & retention');
  const links = await menu.getByRole('link').all();
  for (const link of links) {
    const box = await link.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 321, `${await link.textContent()} is on the screen`);
  }
  await page.context().close();
});
