// Browser tests of signing in: two-factor enrolment with a QR code, signing in with a
// code, wrong passwords, signing out, and forbidden pages for each role.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startDemo, launchBrowser, newPage, signIn, totp, seriousViolations, root } from './harness.mjs';

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

test('the sign-in page is accessible and a wrong password gets one generic message', async () => {
  const page = await newPage(browser);
  await page.goto(`${demo.base}/sign-in`);
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Sign in to Steward');
  await page.screenshot({ path: join(root, 'docs', 'screenshots', 'sign-in.png'), fullPage: true });
  assert.deepEqual(await seriousViolations(page), []);
  await page.getByLabel('Email address').fill(demo.accounts.dpo.email);
  await page.getByLabel('Password').fill('not the right password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const summary = page.locator('.error-summary');
  await summary.waitFor();
  assert.match(await summary.textContent(), /not right/);
  // An unknown account gets exactly the same words.
  const known = await summary.textContent();
  await page.getByLabel('Email address').fill('nobody@demo.example.org');
  await page.getByLabel('Password').fill('not the right password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  assert.equal(await page.locator('.error-summary').textContent(), known);
  assert.deepEqual(await seriousViolations(page), []);
  await page.context().close();
});

test('a user sets up two-factor sign-in by QR code and then signs in with a code', async () => {
  const page = await newPage(browser);
  const account = demo.accounts.caseworker;
  await signIn(page, demo.base, account);
  await page.goto(`${demo.base}/sign-in/two-factor`);
  assert.ok(await page.locator('.qr svg').count() === 1, 'the QR code is drawn on the server as SVG');
  await page.getByText('I cannot scan the QR code').click();
  const secret = (await page.locator('code.secret').textContent()).trim();
  assert.match(secret, /^[A-Z2-7]+=*$/);
  assert.deepEqual(await seriousViolations(page), []);
  await page.getByLabel('Code from the app').fill('000000' === totp(secret) ? '111111' : '000000');
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  await page.locator('.error-summary').waitFor();
  const enrolmentCode = totp(secret);
  await page.getByLabel('Code from the app').fill(enrolmentCode);
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  await page.getByRole('heading', { name: 'Save your recovery codes' }).waitFor();
  const codes = await page.locator('ul.codes code').allTextContents();
  assert.equal(codes.length, 10);
  await page.getByRole('link', { name: /continue/ }).click();

  // Sign out, then in again: the code is now asked for, and the one that switched
  // two-factor on is spent (a code works once); the next step's code signs in.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/sign-in$/);
  await signIn(page, demo.base, account);
  await page.getByLabel('Security code').fill(enrolmentCode);
  await page.getByRole('button', { name: 'Continue' }).click();
  assert.match(await page.locator('.error-summary').textContent(), /already been used/);
  await page.getByLabel('Security code').fill(totp(secret, Date.now() + 30_000));
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(`${demo.base}/`);
  assert.match(await page.locator('.header__user').textContent(), /Callum Reid/);

  // A recovery code works once.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, demo.base, account);
  await page.getByLabel('Security code').fill(codes[0]);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(`${demo.base}/`);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, demo.base, account);
  await page.getByLabel('Security code').fill(codes[0]);
  await page.getByRole('button', { name: 'Continue' }).click();
  assert.match(await page.locator('.error-summary').textContent(), /not right/);
  await page.context().close();
});

test('each role is refused the pages it must not see', async () => {
  const forbidden = {
    auditor: ['/subjects', '/users', '/tokens', '/settings', '/letters'],
    staff: ['/subjects', '/audit', '/users', '/tokens', '/settings', '/statistics', '/letters/refusal'],
    caseworker: ['/users', '/tokens', '/settings', '/audit', '/letters'],
    admin: ['/subjects', '/inbox', '/letters'],
  };
  for (const [role, paths] of Object.entries(forbidden)) {
    if (role === 'caseworker') continue; // has two-factor sign-in from the test above
    const page = await newPage(browser);
    await signIn(page, demo.base, demo.accounts[role]);
    await page.waitForURL(`${demo.base}/`);
    for (const path of paths) {
      const resp = await page.goto(`${demo.base}${path}`);
      assert.equal(resp.status(), 403, `${role} must not open ${path}`);
      assert.match(await page.locator('h1').textContent(), /cannot|not allowed|permission/i);
    }
    await page.context().close();
  }
});

test('the users and tokens pages work for the DPO and pass the accessibility check', async () => {
  const page = await newPage(browser);
  await signIn(page, demo.base, demo.accounts.dpo);
  await page.goto(`${demo.base}/users`);
  assert.ok(await page.getByRole('link', { name: 'Callum Reid' }).count() === 1);
  assert.deepEqual(await seriousViolations(page), []);
  await page.goto(`${demo.base}/users/new`);
  assert.deepEqual(await seriousViolations(page), []);
  await page.getByLabel('Name').fill('Priya Shah');
  await page.getByLabel('Email address').fill('priya.shah@demo.example.org');
  await page.getByLabel('Caseworker').check();
  await page.getByRole('button', { name: 'Create invitation' }).click();
  const link = (await page.locator('code.secret').textContent()).trim();
  assert.match(link, /\/invitation\?token=/);
  await page.goto(`${demo.base}/tokens`);
  assert.deepEqual(await seriousViolations(page), []);
  await page.getByLabel('What is it for?').fill('Housing CRM suppression check');
  await page.getByRole('button', { name: 'Create token' }).click();
  assert.match(await page.locator('.notice code.secret').textContent(), /^stw_/);
  await page.context().close();
});

test('the API documentation works under its content security policy and cannot be framed', async () => {
  // No bypassCSP here: the page must work under the policy it is served with.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP: ${e.violatedDirective}`));
  });
  const resp = await page.goto(`${demo.base}/api/v1/docs/`);
  assert.equal(resp.status(), 200);
  assert.equal(resp.headers()['x-frame-options'], 'DENY');
  assert.match(resp.headers()['content-security-policy'], /frame-ancestors 'none'/);
  // Swagger UI loads the document and lists every operation.
  await page.locator('.opblock').first().waitFor({ timeout: 30_000 });
  assert.ok(await page.locator('.opblock').count() > 50);
  // Trying an operation with the demo's token works (the call goes to this server only).
  await page.getByRole('button', { name: 'Authorize' }).first().click();
  await page.locator('.modal-ux input[type=text]').fill(demo.token);
  await page.locator('.modal-ux button.authorize').click();
  await page.locator('.modal-ux button.btn-done').click();
  const head = page.locator('#operations-audit-audit_head');
  await head.locator('.opblock-summary').click();
  await head.getByRole('button', { name: 'Try it out' }).click();
  await head.getByRole('button', { name: 'Execute' }).click();
  const status = head.locator('.live-responses-table .response .response-col_status').first();
  await status.waitFor();
  assert.match(await status.textContent(), /200/);
  assert.deepEqual(problems, []);

  // Another site cannot show it in a frame.
  const framed = await context.newPage();
  await framed.route('http://framer.invalid/', (route) =>
    route.fulfill({ contentType: 'text/html', body: `<iframe src="${demo.base}/api/v1/docs/"></iframe>` }));
  await framed.goto('http://framer.invalid/');
  const frame = framed.frames().find((f) => f.url().includes('/api/v1/docs'));
  const shown = frame ? await frame.locator('#swagger-ui').count().catch(() => 0) : 0;
  assert.equal(shown, 0, 'the documentation must not load inside another site');
  await context.close();
});
