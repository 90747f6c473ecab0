// End-to-end test of the portal SPA in real Chromium against the real server.
//
//   npm run build && npm run test:e2e      (npm test does both)
//
// Needs: frontend/dist (built), the `ordinavo` binary (env ORDINAVO_BIN, default
// $CARGO_TARGET_DIR/debug/ordinavo or ../target/debug/ordinavo) and Debian's Chromium
// (/usr/bin/chromium, or env CHROMIUM_PATH). It starts `ordinavo serve` on a free port with a
// fresh SQLite data dir, prepares a customer, two locations and an invitation through the
// internal API, then walks the portal as a customer would, runs axe on every page at desktop
// width and at 360 px, and keeps screenshots in e2e/artifacts/. Prints `N passed, M failed`.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { deflateSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import AxeBuilder from '@axe-core/playwright';
import { chromium } from 'playwright-core';

const frontend = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repo = path.resolve(frontend, '..');
const dist = path.join(frontend, 'dist');
const artifacts = path.join(frontend, 'e2e', 'artifacts');
const targetDir = process.env.CARGO_TARGET_DIR ? path.resolve(repo, process.env.CARGO_TARGET_DIR) : path.join(repo, 'target');
const binary = process.env.ORDINAVO_BIN ? path.resolve(frontend, process.env.ORDINAVO_BIN) : path.join(targetDir, 'debug', 'ordinavo');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const WAIT = 15_000;
const DESKTOP = { width: 1280, height: 900 };
const MOBILE = { width: 360, height: 780 };

const STAFF = { email: 'e2e.admin@ordinavo.example', name: 'E2E Admin', password: 'copper meadow 41 falcon anthem' };
const CUSTOMER = 'Boulangeries Martin';
const LOCATIONS = [
  { name: 'Lyon Part-Dieu store', address: '17 rue du Docteur Bouchut', city: 'Lyon', postal_code: '69003', country: 'FR', timezone: 'Europe/Paris' },
  { name: 'Berlin Mitte bakery', address: 'Rosenthaler Straße 40', city: 'Berlin', postal_code: '10178', country: 'DE', timezone: 'Europe/Berlin' },
];
const USER = { email: 'claire.moreau@martin.example', invitedAs: 'Claire Moreau', name: 'Claire Moreau-Laurent' };
const PASSWORDS = { first: 'violet harbour 27 tandem lantern', second: 'quiet orchard 58 copper kite' };

// ---------------------------------------------------------------------------------------------
// A tiny runner: named steps, stop at the first failure (later steps depend on earlier ones).

const results = [];
let stopped = false;

async function step(name, fn) {
  if (stopped) {
    results.push({ name, status: 'skipped' });
    console.log(`  - ${name} (skipped)`);
    return;
  }
  const started = Date.now();
  try {
    await fn();
    results.push({ name, status: 'passed' });
    console.log(`  ✓ ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    results.push({ name, status: 'failed', error });
    stopped = true;
    console.log(`  ✗ ${name}\n    ${String(error?.stack ?? error).split('\n').slice(0, 6).join('\n    ')}`);
    await snapshotFailure(name);
  }
}

function assert(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

// ---------------------------------------------------------------------------------------------
// The server.

let server;
let dataDir;
let baseUrl;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function serverEnv(port) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ORDINAVO_')));
  return {
    ...env,
    ORDINAVO_DATA_DIR: dataDir,
    ORDINAVO_BIND: `127.0.0.1:${port}`,
    ORDINAVO_PUBLIC_URL: `http://127.0.0.1:${port}`,
    ORDINAVO_FRONTEND_DIR: dist,
    ORDINAVO_LOG: 'warn',
  };
}

function run(args, env, input) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`ordinavo ${args.join(' ')} exited ${code}: ${out}`))));
    child.stdin.end(input ?? '');
  });
}

async function startServer() {
  const port = await freePort();
  const env = serverEnv(port);
  baseUrl = `http://127.0.0.1:${port}`;
  await run(['staff', 'create', '--email', STAFF.email, '--name', STAFF.name, '--role', 'admin'], env, `${STAFF.password}\n`);
  const log = createWriteStream(path.join(artifacts, 'server.log'));
  server = spawn(binary, ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout.pipe(log);
  server.stderr.pipe(log);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) {
      throw new Error(`ordinavo serve exited with ${server.exitCode}; see e2e/artifacts/server.log`);
    }
    try {
      const res = await fetch(`${baseUrl}/readyz`);
      if (res.ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error('ordinavo serve did not become ready within 30 s');
}

async function stopServer() {
  if (!server || server.exitCode !== null) {
    return;
  }
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  const timer = setTimeout(() => server.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

// ---------------------------------------------------------------------------------------------
// The internal (staff) API and the mail folder.

let staffToken;

async function internal(method, route, body) {
  const res = await fetch(`${baseUrl}/api/internal/v1${route}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(staffToken ? { Authorization: `Bearer ${staffToken}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) {
    throw new Error(`${method} ${route} answered ${res.status}: ${text}`);
  }
  return text ? JSON.parse(text) : undefined;
}

/** `POST /attachments` of the internal API: one file as multipart/form-data. */
async function internalUpload(query, name, type, bytes) {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), name);
  const res = await fetch(`${baseUrl}/api/internal/v1/attachments?${new URLSearchParams(query)}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${staffToken}` },
    body: form,
  });
  const text = await res.text();
  if (!res.ok) {
    throw new Error(`POST /attachments answered ${res.status}: ${text}`);
  }
  return JSON.parse(text);
}

/** The decoded text of every MIME part of an .eml file (quoted-printable and base64 undone). */
function mailText(raw) {
  const chunks = [];
  const parts = raw.split(/\r?\n--[^\r\n]+\r?\n/);
  for (const part of parts) {
    const split = part.search(/\r?\n\r?\n/);
    if (split < 0) {
      chunks.push(part);
      continue;
    }
    const headers = part.slice(0, split);
    const body = part.slice(split).trim();
    if (/content-transfer-encoding:\s*base64/i.test(headers)) {
      chunks.push(Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8'));
    } else if (/content-transfer-encoding:\s*quoted-printable/i.test(headers)) {
      const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16)));
      chunks.push(Buffer.from(bytes, 'latin1').toString('utf8'));
    } else {
      chunks.push(body);
    }
  }
  return chunks.join('\n');
}

/** Polls <data dir>/mail for a mail to `to` holding a `{public_url}/{kind}/<token>` link. */
async function mailLink(to, kind, seen = new Set()) {
  const dir = path.join(dataDir, 'mail');
  const pattern = new RegExp(`${baseUrl.replace(/[.]/g, '\\.')}/${kind}/([A-Za-z0-9_-]+)`);
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (existsSync(dir)) {
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.eml'))) {
        const raw = readFileSync(path.join(dir, file), 'utf8');
        if (!raw.toLowerCase().includes(to.toLowerCase())) {
          continue;
        }
        const match = mailText(raw).match(pattern);
        if (match && !seen.has(match[0])) {
          seen.add(match[0]);
          return match[0];
        }
      }
    }
    await sleep(250);
  }
  throw new Error(`no mail to ${to} with a /${kind}/ link arrived within 20 s`);
}

// ---------------------------------------------------------------------------------------------
// The browser, axe and screenshots.

let browser;
let context;
let page;
const violations = [];
const consoleErrors = [];

async function newPage(locale = 'en-US') {
  if (context) {
    await context.close();
  }
  context = await browser.newContext({ viewport: DESKTOP, locale, baseURL: baseUrl });
  page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      consoleErrors.push(`${page.url()}: ${msg.text()}`);
    }
  });
  page.on('pageerror', (error) => consoleErrors.push(`${page.url()}: ${error.message}`));
}

/** axe at desktop width and at 360 px (serious and critical violations fail), with screenshots. */
async function audit(name) {
  for (const [label, size] of [
    ['desktop', DESKTOP],
    ['360', MOBILE],
  ]) {
    await page.setViewportSize(size);
    await page.waitForTimeout(150);
    const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    for (const v of bad) {
      violations.push(`${name} @ ${label}: [${v.impact}] ${v.id} — ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
    }
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert(overflow <= 0, `${name} @ ${label}: the page scrolls sideways by ${overflow}px`);
    // Start at the top, so the sticky header is not painted into the middle of the page.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(artifacts, `${name}-${label}.png`), fullPage: true });
    assert(bad.length === 0, `axe found serious/critical violations on ${name} @ ${label}:\n${violations.join('\n')}`);
  }
  await page.setViewportSize(DESKTOP);
}

async function snapshotFailure(name) {
  try {
    if (page) {
      await page.screenshot({ path: path.join(artifacts, `failure-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`), fullPage: true });
    }
  } catch {
    // the page itself may be gone
  }
}

const h1 = (name) => page.getByRole('heading', { level: 1, name });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function signIn(email, password, submit = 'Sign in') {
  await page.getByLabel(/^(Email|Adresse e-mail|E-Mail-Adresse)$/).fill(email);
  await page.getByLabel(/^(Password|Mot de passe|Passwort)$/, { exact: true }).fill(password);
  await page.getByRole('button', { name: submit }).click();
}


/** A small valid PNG (a 24×16 blue-grey gradient), made here so the test ships no binary file. */
function pngImage() {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const [w, h] = [24, 16];
  const header = Buffer.alloc(13);
  header.writeUInt32BE(w, 0);
  header.writeUInt32BE(h, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = [];
  for (let y = 0; y < h; y++) {
    rows.push(0);
    for (let x = 0; x < w; x++) rows.push(30 + x * 4, 80 + y * 6, 120);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** `YYYY-MM-DD` of the day `days` from now (a date well inside the allowed window). */
function dayFromNow(days) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// The walk.

async function main() {
  if (!existsSync(path.join(dist, 'index.html'))) {
    throw new Error('frontend/dist/index.html is missing: run `npm run build` first');
  }
  if (!existsSync(binary)) {
    throw new Error(`the ordinavo binary is missing at ${binary}: run \`cargo build -p ordinavo-api\` or set ORDINAVO_BIN`);
  }
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium is missing at ${chromiumPath}: apt-get install -y chromium`);
  }
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });
  dataDir = mkdtempSync(path.join(tmpdir(), 'ordinavo-e2e-'));

  console.log(`e2e: ${binary}\n     ${chromiumPath}`);
  let invite;
  let customerId;
  const seenLinks = new Set();

  await step('server starts on a fresh SQLite data dir', startServer);

  await step('staff prepare a customer, two locations and an invitation (internal API)', async () => {
    staffToken = (await internal('POST', '/auth/login', { email: STAFF.email, password: STAFF.password })).access_token;
    customerId = (await internal('POST', '/customers', { name: CUSTOMER, kind: 'customer' })).id;
    for (const l of LOCATIONS) {
      await internal('POST', '/locations', { customer_id: customerId, ...l });
    }
    await internal('POST', '/portal-invitations', {
      email: USER.email,
      display_name: USER.invitedAs,
      locale: 'en',
      grants: [{ customer_id: customerId, all_locations: true, can_submit_requests: true, can_view_reports: true, can_download_attachments: true }],
    });
    invite = await mailLink(USER.email, 'invite', seenLinks);
  });

  browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS, headless: true });

  await step('the invitation link shows who is invited and to which company', async () => {
    await newPage('en-US');
    await page.goto(invite);
    await h1('Welcome to the customer portal').waitFor();
    await page.getByText(USER.email, { exact: true }).waitFor();
    await page.getByText(CUSTOMER).first().waitFor();
    await audit('invite');
  });

  await step('a too-short password is refused next to the field, with live hints', async () => {
    await page.getByLabel('Choose a password', { exact: true }).fill('short');
    await page.getByText('5 characters').waitFor();
    await page.getByLabel('Repeat the password', { exact: true }).fill('short');
    await page.getByRole('button', { name: 'Activate my account' }).click();
    await page.getByText('Use at least 12 characters.').waitFor();
    const invalid = await page.getByLabel('Choose a password', { exact: true }).getAttribute('aria-invalid');
    assert(invalid === 'true', 'the password field is not marked aria-invalid');
  });

  await step('accepting the invitation signs in and the dashboard shows the locations', async () => {
    await page.getByLabel('Your name').fill(USER.invitedAs);
    await page.getByLabel('Portal language').selectOption('en');
    await page.getByLabel('Choose a password', { exact: true }).fill(PASSWORDS.first);
    await page.getByLabel('Repeat the password', { exact: true }).fill(PASSWORDS.first);
    await page.getByRole('button', { name: 'Activate my account' }).click();
    await page.waitForURL(`${baseUrl}/`);
    await h1(new RegExp(`^Good (morning|afternoon|evening), ${USER.invitedAs}$`)).waitFor();
    for (const l of LOCATIONS) {
      await page.getByRole('heading', { name: l.name }).waitFor();
    }
    await page.getByText(CUSTOMER).first().waitFor();
    await page.getByText('Submit requests').waitFor();
    await audit('dashboard');
  });

  await step('at 360 px the navigation folds behind a Menu button that opens it', async () => {
    await page.setViewportSize(MOBILE);
    const toggle = page.getByRole('button', { name: 'Menu' });
    assert((await toggle.getAttribute('aria-expanded')) === 'false', 'the menu starts open');
    assert(!(await page.getByRole('navigation').isVisible()), 'the navigation is visible while folded');
    await toggle.click();
    assert((await toggle.getAttribute('aria-expanded')) === 'true', 'the menu did not open');
    await page.getByRole('navigation').getByRole('link', { name: 'Locations' }).waitFor();
    await page.screenshot({ path: path.join(artifacts, 'menu-open-360.png') });
    const result = await new AxeBuilder({ page }).analyze();
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert(bad.length === 0, `axe with the menu open: ${bad.map((v) => v.id).join(', ')}`);
    await toggle.click();
    await page.setViewportSize(DESKTOP);
  });

  await step('keyboard: the skip link comes first and moves focus to the main content', async () => {
    await page.reload();
    await h1(/^Good /).waitFor();
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => document.activeElement?.textContent);
    assert(first === 'Skip to main content', `the first Tab stop is "${first}"`);
    await page.keyboard.press('Enter');
    const focused = await page.evaluate(() => document.activeElement?.id);
    assert(focused === 'main', `the skip link focused "${focused}"`);
  });

  await step('the locations page lists both sites with their local time', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Locations' }).click();
    await h1('Locations').waitFor();
    for (const l of LOCATIONS) {
      await page.getByRole('heading', { name: l.name }).waitFor();
    }
    await page.getByText('2 locations').waitFor();
    await page.getByText(/Local time/).first().waitFor();
    await audit('locations');
  });

  let requestUrl;
  await step('a request is submitted with a preferred window and a photo', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Requests' }).click();
    await h1('Your requests').waitFor();
    await page.getByText('You have no open requests.').waitFor();
    await audit('requests-empty');
    await page.getByRole('link', { name: 'New request' }).click();
    await h1('New service request').waitFor();
    await page.getByLabel('Location', { exact: true }).selectOption({ label: `${LOCATIONS[0].name} · ${CUSTOMER}` });
    await page.getByText('There are no open requests at this location.').waitFor();
    await page.getByLabel('Maintenance').check();
    await page.getByLabel('Title').fill('The cold room does not cool');
    await page.getByLabel('Description').fill('Since this morning the cold room shows 9 °C.\nThe alarm beeps every ten minutes.');
    await page.getByRole('button', { name: 'Add a time window' }).click();
    const day = dayFromNow(3);
    await page.getByLabel('From').fill(`${day}T09:00`);
    await page.getByLabel('Until').fill(`${day}T11:30`);
    await page.getByLabel('Site access notes').fill('Ring at the back door; code 4711.');
    await page.getByLabel('Phone number on site').fill('+33 4 72 00 00 00');
    await page.getByLabel('Photos or documents').setInputFiles({ name: 'cold-room.png', mimeType: 'image/png', buffer: pngImage() });
    await page.getByRole('button', { name: 'Remove cold-room.png' }).waitFor();
    await audit('new-request');
    await page.getByRole('button', { name: 'Submit the request' }).click();
    await page.waitForURL(/\/requests\/[0-9a-f-]{36}$/);
    requestUrl = page.url();
    await page.getByText('Your request was submitted.').waitFor();
    await h1('The cold room does not cool').waitFor();
    await page.locator('.progress [aria-current="step"]').getByText('Submitted').waitFor();
    await page.locator('.file-list').getByText('cold-room.png').waitFor();
    await page.locator('.window-list').getByText(/9:00/).waitFor();
    await audit('request');
  });

  let targetId;
  await step('staff accept the request and the portal shows the new status', async () => {
    const id = requestUrl.split('/').pop();
    await internal('POST', `/requests/${id}/review`);
    targetId = (await internal('POST', `/requests/${id}/accept`, { priority: 'normal' })).target.id;
    await page.reload();
    await h1('The cold room does not cool').waitFor();
    await page.locator('.progress [aria-current="step"]').getByText('Accepted').waitFor();
    assert(!(await page.getByRole('button', { name: 'Cancel this request' }).isVisible()), 'an accepted request still offers to cancel');
  });

  await step('a second request is cancelled with a reason and shows under Closed', async () => {
    await page.goto('/requests/new');
    await h1('New service request').waitFor();
    await page.getByLabel('Location', { exact: true }).selectOption({ label: `${LOCATIONS[1].name} · ${CUSTOMER}` });
    await page.getByLabel('Title').fill('Yearly oven check');
    await page.getByLabel('Description').fill('Please plan the yearly check of oven 2.');
    await page.getByRole('button', { name: 'Submit the request' }).click();
    await page.waitForURL(/\/requests\/[0-9a-f-]{36}$/);
    await page.getByRole('button', { name: 'Cancel this request' }).click();
    await page.getByLabel(/^Reason/).fill('Done by our own technician.');
    await audit('request-cancel');
    await page.getByRole('button', { name: 'Yes, cancel it' }).click();
    await page.getByText('The request was cancelled.', { exact: true }).waitFor();
    await page.getByText('Reason given: Done by our own technician.').waitFor();
    await page.getByRole('link', { name: 'All requests' }).click();
    await h1('Your requests').waitFor();
    await page.getByRole('link', { name: 'The cold room does not cool' }).waitFor();
    await page.getByRole('button', { name: 'Closed' }).click();
    await page.getByRole('link', { name: 'Yearly oven check' }).waitFor();
    await audit('requests');
  });

  await step('the dashboard lists the open requests', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Overview' }).click();
    await page.locator('#open-requests').getByRole('link', { name: 'The cold room does not cool' }).waitFor();
    assert(!(await page.locator('#open-requests').getByText('Yearly oven check').isVisible()), 'a cancelled request is listed as open');
    await audit('dashboard-requests');
  });

  await step('appointments, work, reports and timeline show their empty states', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Appointments' }).click();
    await h1('Upcoming appointments').waitFor();
    await page.getByText('No visit is planned at the moment.').waitFor();
    await audit('appointments-empty');
    await page.getByRole('navigation').getByRole('link', { name: 'Reports' }).click();
    await h1('Visit reports').waitFor();
    await page.getByText('No report has been shared with you yet.').waitFor();
    await audit('reports-empty');
  });

  const VISIT = { title: 'The cold room does not cool', report: 'Cold room repaired', file: 'cold-room-after.png' };
  let appointmentId;
  await step('staff schedule a visit and /appointments shows it with its public label', async () => {
    // 08:00–10:00 UTC two days from now: 09:00–11:00 in Lyon (winter time) or 10:00–12:00 (summer).
    const day = dayFromNow(2);
    appointmentId = (
      await internal('POST', '/appointments', { target_id: targetId, starts_at: `${day}T08:00:00Z`, ends_at: `${day}T10:00:00Z`, status: 'scheduled' })
    ).id;
    // A fresh load: the list seen a moment ago is still cached in the open page.
    await page.goto('/appointments');
    await h1('Upcoming appointments').waitFor();
    const row = page.locator('.visit-row', { hasText: VISIT.title });
    await row.waitFor();
    await row.locator('.badge').getByText('Scheduled', { exact: true }).waitFor();
    await row.getByText(LOCATIONS[0].name).waitFor();
    const when = await row.locator('.visit-row__when').innerText();
    const offset = new Date(`${day}T08:00:00Z`).toLocaleString('en-US', { timeZone: 'Europe/Paris', hour: 'numeric', hour12: false });
    assert(when.includes(`${Number(offset)}:00`), `the window "${when}" is not on Lyon's clock (${offset}:00)`);
    await audit('appointments');
  });

  await step('/work shows the open work with its next visit and originating request', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Work' }).click();
    await h1('Open work').waitFor();
    const row = page.locator('.request-row', { hasText: 'Next visit' }).first();
    await row.getByRole('link', { name: VISIT.title }).waitFor();
    await row.locator('time').waitFor();
    await audit('work');
  });

  let attachmentBytes;
  let reportId;
  await step('staff write, approve and publish a report and release a file with it', async () => {
    const report = await internal('POST', '/reports', { target_id: targetId, appointment_id: appointmentId, body: 'Replaced the evaporator fan; internal note only.' });
    reportId = report.id;
    await internal('POST', `/reports/${report.id}/submit`);
    await internal('POST', `/reports/${report.id}/approve`);
    await internal('POST', `/reports/${report.id}/publish`, {
      portal_title: VISIT.report,
      portal_summary: 'The evaporator fan was replaced; the cold room holds 3 °C again.',
      portal_message: 'Please keep the door closed for an hour while it cools down.',
    });
    attachmentBytes = pngImage();
    const file = await internalUpload({ owner_kind: 'report', owner_id: report.id }, VISIT.file, 'image/png', attachmentBytes);
    await internal('POST', `/attachments/${file.id}/release`);
  });

  await step('the report opens in the portal and its released file downloads with the same bytes', async () => {
    await page.goto('/reports');
    await h1('Visit reports').waitFor();
    await audit('reports');
    await page.getByRole('link', { name: VISIT.report }).click();
    await h1(VISIT.report).waitFor();
    await page.getByText('The evaporator fan was replaced; the cold room holds 3 °C again.').waitFor();
    await page.getByText('Please keep the door closed for an hour while it cools down.').waitFor();
    await page.locator('#report-details').getByText(LOCATIONS[0].name).waitFor();
    assert(!(await page.getByText('internal note only').isVisible()), 'the internal report body is shown in the portal');
    await page.getByText(VISIT.file).waitFor();
    await audit('report');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: `Download ${VISIT.file}` }).click()]);
    assert(download.suggestedFilename() === VISIT.file, `the download is named "${download.suggestedFilename()}"`);
    const saved = readFileSync(await download.path());
    assert(Buffer.compare(saved, attachmentBytes) === 0, `the downloaded file differs (${saved.length} bytes, expected ${attachmentBytes.length})`);
  });

  await step('the timeline lists the milestones, newest first', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Timeline' }).click();
    await h1('Timeline').waitFor();
    await page.locator('.timeline__label').first().waitFor();
    const labels = await page.locator('.timeline__label').allInnerTexts();
    assert(labels.length >= 3, `only ${labels.length} milestones: ${labels.join(', ')}`);
    assert(labels[0] === 'Report shared', `the newest milestone is "${labels[0]}"`);
    for (const expected of ['Appointment scheduled', 'Request accepted']) {
      assert(labels.includes(expected), `no "${expected}" milestone in ${labels.join(', ')}`);
    }
    await audit('timeline');
  });

  await step('the dashboard shows the upcoming visit, follow-ups and the latest activity', async () => {
    await page.goto('/');
    await page.locator('#upcoming-appointments').getByText(VISIT.title).waitFor();
    await page.locator('#follow-ups').getByText('There are no follow-ups.').waitFor();
    await page.locator('#latest-timeline').getByText('Report shared').first().waitFor();
    await audit('dashboard-activity');
    await page.locator('#follow-ups').getByRole('link', { name: 'All follow-ups' }).click();
    await h1('Follow-ups').waitFor();
    await page.getByText('There are no follow-ups.').waitFor();
    await audit('follow-ups-empty');
  });

  await step('staff record a follow-up from the report and the portal lists it', async () => {
    await internal('POST', '/follow-ups', {
      target_id: targetId,
      report_id: reportId,
      public_note: 'The door seal is worn; we will replace it within a month.',
      internal_notes: 'Order seal ref. 4471 — internal only.',
    });
    await page.goto('/follow-ups');
    await h1('Follow-ups').waitFor();
    const row = page.locator('.request-row', { hasText: 'The door seal is worn' });
    await row.getByText(VISIT.title).waitFor();
    await row.getByRole('link', { name: 'View the report' }).waitFor();
    assert(!(await page.getByText('internal only').isVisible()), 'internal notes are shown in the portal');
    await audit('follow-ups');
    await page.goto('/');
    await page.locator('#follow-ups').getByText('The door seal is worn; we will replace it within a month.').waitFor();
  });

  await step('account: the name change is saved and shown in the header', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Account' }).click();
    await h1('Your account').waitFor();
    const profile = page.locator('#profile');
    await profile.getByLabel('Name').fill(USER.name);
    await profile.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Your profile was saved.').waitFor();
    await page.getByRole('banner').getByText(`Signed in as ${USER.name}`).waitFor();
    await page.locator('#sessions').getByText('This device', { exact: true }).waitFor();
    await audit('account');
  });

  await step('account: a calendar feed link is shown once, works, and can be turned off', async () => {
    const feed = page.locator('#calendar-feed');
    await feed.getByRole('button', { name: 'Create a feed link' }).click();
    const input = feed.getByLabel('Your calendar feed link');
    await input.waitFor();
    const url = await input.inputValue();
    assert(/\/calendar\/[^/]+\.ics$/.test(url), `the feed URL is "${url}"`);
    const ics = await fetch(new URL(url, baseUrl));
    const body = await ics.text();
    assert(ics.ok && body.includes('BEGIN:VCALENDAR'), `the feed answered ${ics.status}`);
    assert(body.includes(VISIT.title), 'the feed does not list the scheduled visit');
    await audit('account-calendar');
    await feed.getByRole('button', { name: 'Turn off the feed' }).click();
    await feed.getByText('The calendar feed is turned off. Its link no longer works.').waitFor();
    assert(!(await input.isVisible()), 'the feed URL is still shown after turning it off');
    const gone = await fetch(new URL(url, baseUrl));
    assert(gone.status === 404, `a revoked feed answered ${gone.status}`);
  });

  await step('account: a wrong current password is shown next to its field', async () => {
    const form = page.locator('#password');
    await form.getByLabel('Current password', { exact: true }).fill('not my password at all');
    await form.getByLabel('New password', { exact: true }).fill(PASSWORDS.second);
    await form.getByLabel('Repeat the new password', { exact: true }).fill(PASSWORDS.second);
    await form.getByRole('button', { name: 'Change password' }).click();
    await form.getByText('The current password is incorrect.').waitFor();
    await form.getByLabel('Current password', { exact: true }).fill('');
    await form.getByLabel('New password', { exact: true }).fill('');
    await form.getByLabel('Repeat the new password', { exact: true }).fill('');
  });

  await step('switching the language to French shows French labels and is saved', async () => {
    await page.getByRole('banner').getByLabel('Language').selectOption('fr');
    await h1('Mon compte').waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Compte' }).waitFor();
    await page.locator('#profile').getByLabel('Nom').waitFor();
    await page.locator('#password').getByLabel('Mot de passe actuel', { exact: true }).waitFor();
    const lang = await page.evaluate(() => document.documentElement.lang);
    assert(lang === 'fr', `<html lang> is "${lang}"`);
    await audit('account-fr');
  });

  await step('in French the new pages show French labels', async () => {
    const nav = page.getByRole('navigation');
    await nav.getByRole('link', { name: 'Rendez-vous' }).click();
    await h1('Prochains rendez-vous').waitFor();
    await page.locator('.visit-row', { hasText: VISIT.title }).locator('.badge').getByText('Programmé', { exact: true }).waitFor();
    await audit('appointments-fr');
    await nav.getByRole('link', { name: 'Travaux' }).click();
    await h1('Travaux en cours').waitFor();
    await page.getByText('Prochaine intervention').first().waitFor();
    await audit('work-fr');
    await nav.getByRole('link', { name: 'Rapports' }).click();
    await h1('Rapports d’intervention').waitFor();
    await page.getByRole('link', { name: VISIT.report }).click();
    await h1(VISIT.report).waitFor();
    await page.getByRole('button', { name: `Télécharger ${VISIT.file}` }).waitFor();
    await page.getByRole('heading', { name: 'Détails de l’intervention' }).waitFor();
    await audit('report-fr');
    await nav.getByRole('link', { name: 'Historique' }).click();
    await h1('Historique').waitFor();
    await page.locator('.timeline__label').getByText('Rapport partagé', { exact: true }).waitFor();
    await page.locator('.timeline__label').getByText('Suivi requis', { exact: true }).waitFor();
    await audit('timeline-fr');
    await nav.getByRole('link', { name: 'Compte' }).click();
    await h1('Mon compte').waitFor();
  });

  await step('sessions: another device is listed and can be signed out', async () => {
    const other = await fetch(`${baseUrl}/api/portal/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/128.0' },
      body: JSON.stringify({ email: USER.email, password: PASSWORDS.first }),
    });
    assert(other.ok, `the second sign-in answered ${other.status}`);
    await page.reload();
    await h1('Mon compte').waitFor();
    const sessions = page.locator('#sessions');
    await sessions.getByText('Firefox sur Windows').waitFor();
    await sessions.getByText('Cet appareil', { exact: true }).waitFor();
    assert((await sessions.locator('li.session').count()) === 2, 'expected two signed-in devices');
    await sessions.locator('li.session', { hasText: 'Firefox sur Windows' }).getByRole('button', { name: 'Déconnecter cet appareil' }).click();
    await sessions.getByText('Firefox sur Windows a été déconnecté.').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('#sessions li.session').length === 1);
  });

  await step('signing out ends the session and lands on the sign-in page', async () => {
    await page.getByRole('banner').getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL(`${baseUrl}/login`);
    await page.getByText('Vous êtes déconnecté·e.').waitFor();
    await page.goto('/account');
    await page.waitForURL(/\/login\?next=%2Faccount$/);
    await audit('login-fr');
  });

  await step('signing in again (new browser) returns to the page asked for, in the saved language', async () => {
    await newPage('en-US');
    await page.goto('/account');
    await page.waitForURL(/\/login\?next=%2Faccount$/);
    await h1('Sign in to your portal').waitFor();
    await audit('login');
    await signIn(USER.email, 'wrong password entirely');
    await page.getByText('The email or password is incorrect.').waitFor();
    await signIn(USER.email, PASSWORDS.first);
    await page.waitForURL(`${baseUrl}/account`);
    await h1('Mon compte').waitFor();
    await page.locator('#profile').getByLabel('Nom').waitFor();
    const name = await page.locator('#profile').getByLabel('Nom').inputValue();
    assert(name === USER.name, `the saved name is "${name}"`);
  });

  await step('a reload keeps the session (silent refresh through the cookie)', async () => {
    await page.reload();
    await h1('Mon compte').waitFor();
    assert(page.url() === `${baseUrl}/account`, `after reload the page is ${page.url()}`);
  });

  await step('the reset-password request page gives the same neutral confirmation', async () => {
    await page.getByRole('banner').getByLabel('Langue').selectOption('en');
    await h1('Your account').waitFor();
    await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${baseUrl}/login`);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await h1('Reset your password').waitFor();
    await audit('reset-request');
    await page.getByLabel('Email').fill('nobody@nowhere.example');
    await page.getByRole('button', { name: 'Send the link' }).click();
    const neutral = await page.getByRole('status').filter({ hasText: 'If an account exists for' }).innerText();
    await page.getByRole('button', { name: 'Use another email' }).click();
    await page.getByLabel('Email').fill(USER.email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    const real = await page.getByRole('status').filter({ hasText: 'If an account exists for' }).innerText();
    assert(neutral.replace('nobody@nowhere.example', 'X') === real.replace(USER.email, 'X'), 'the two confirmations differ');
    await audit('reset-sent');
  });

  await step('the reset link sets a new password, then sign-in works with it', async () => {
    const link = await mailLink(USER.email, 'reset', seenLinks);
    await page.goto(link);
    await h1('Choose a new password').waitFor();
    await audit('reset-password');
    await page.getByLabel('New password', { exact: true }).fill(PASSWORDS.second);
    await page.getByLabel('Repeat the new password', { exact: true }).fill(PASSWORDS.second);
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.waitForURL(`${baseUrl}/login`);
    await page.getByText('Your password was changed. Sign in with your new password.').waitFor();
    await signIn(USER.email, PASSWORDS.second);
    await page.waitForURL(`${baseUrl}/`);
    await h1(new RegExp(`${USER.name}$`)).waitFor();
  });

  await step('a used invitation link explains itself', async () => {
    await page.goto(invite);
    await h1('This invitation cannot be used').waitFor();
    await page.getByText('This invitation has already been accepted. Sign in instead.').waitFor();
    await audit('invite-used');
  });

  await step('an unknown page says so', async () => {
    await page.goto('/no-such-page');
    await h1('Page not found').waitFor();
    await audit('not-found');
  });

  await step('no script errors or CSP violations in the browser console', async () => {
    // 4xx answers (a wrong password, a used invitation, the start-up refresh while signed out)
    // are expected network answers that Chromium also logs; anything else is a failure.
    const unexpected = consoleErrors.filter((e) => !/Failed to load resource: the server responded with a status of 4\d\d/.test(e));
    assert(unexpected.length === 0, `console errors:\n${unexpected.join('\n')}`);
  });
}

let fatal;
try {
  await main();
} catch (error) {
  fatal = error;
  console.error(`e2e: ${error?.message ?? error}`);
} finally {
  await browser?.close().catch(() => {});
  await stopServer();
  if (dataDir) {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const passed = results.filter((r) => r.status === 'passed').length;
const failed = results.filter((r) => r.status === 'failed').length + (fatal ? 1 : 0);
const skipped = results.filter((r) => r.status === 'skipped').length;
console.log(`\nscreenshots: ${path.relative(process.cwd(), artifacts) || artifacts}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
