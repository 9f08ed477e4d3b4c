// Test harness: starts the real `steward demo` binary on 127.0.0.1, launches Debian's
// headless Chromium through playwright-core, computes TOTP codes (RFC 6238) and runs
// axe-core accessibility checks.
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, '..', '..');
const require = createRequire(import.meta.url);
export const axePath = require.resolve('axe-core/axe.min.js');

export const binary = process.env.STEWARD_BIN || join(root, 'target', 'debug', 'steward');
export const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** Start `steward demo` in a fresh data directory; resolves once it prints its token. */
export async function startDemo() {
  const dir = mkdtempSync(join(tmpdir(), 'steward-e2e-'));
  const port = await freePort();
  const env = { ...process.env, STEWARD_LOG: 'warn' };
  delete env.STEWARD_DATA_DIR;
  const child = spawn(binary, ['demo', '--data-dir', join(dir, 'demo'), '--listen', `127.0.0.1:${port}`], { env });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`steward demo did not start in time:\n${out}\n${err}`)), 120_000);
    child.stdout.on('data', (d) => {
      out += d;
      const token = out.match(/^(stw_[A-Za-z0-9_-]+)$/m);
      if (token) {
        clearTimeout(timer);
        resolve(token[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`steward demo exited with ${code}:\n${out}\n${err}`)));
  });
  const token = await ready;
  const accounts = {};
  for (const m of out.matchAll(/^\s+(\S+@demo\.example\.org)\s+(\S+)\s+\((.+)\)$/gm)) {
    accounts[m[1].split('@')[0]] = { email: m[1], password: m[2] };
  }
  return {
    base: `http://127.0.0.1:${port}`,
    token,
    accounts,
    dataDir: join(dir, 'demo'),
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => { if (child.exitCode !== null) r(); else child.on('exit', r); });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A headless Chromium: no network beyond the loopback server, no background traffic. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** A new browser context (its own cookies), able to inject axe despite the site's CSP. */
export async function newPage(browser, opts = {}) {
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 }, ...opts });
  return context.newPage();
}

function base32Decode(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of s.replace(/=+$/, '').toUpperCase()) {
    const v = alphabet.indexOf(c);
    if (v < 0) continue;
    bits += v.toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** The RFC 6238 code (SHA-1, 6 digits, 30 s) for a base32 secret at `time` ms. */
export function totp(secretBase32, time = Date.now()) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(time / 1000 / 30)));
  const mac = createHmac('sha1', base32Decode(secretBase32)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(code).padStart(6, '0');
}

/**
 * Sign in with email and password (and a TOTP secret when two-factor is on; `time` picks
 * the code's moment, since each code signs in only once).
 */
export async function signIn(page, base, account, secret, time = Date.now()) {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('Email address').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (secret) {
    await page.getByLabel('Security code').fill(totp(secret, time));
    await page.getByRole('button', { name: 'Continue' }).click();
  }
}

/** Run axe-core on the current page; returns violations of serious or critical impact. */
export async function seriousViolations(page) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
  });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')}`);
}
