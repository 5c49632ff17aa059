import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { type LocalEdge, startLocalEdge } from '../../src/local/server';

// A real browser against the local edge: Debian's Chromium driven by playwright-core, hls.js
// playing the demo title through CloudFront's cookie check, the edge function and the origin.
const ROOT = resolve(__dirname, '../..');
const OUTPUT = join(ROOT, 'test-output', 'e2e');
const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
  Boolean,
) as string[];
const executablePath = CANDIDATES.find((p) => existsSync(p));
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

if (!executablePath) {
  const message = `\n*** BROWSER TESTS NOT RUN: no Chromium found (looked at ${CANDIDATES.join(', ')}). Install it: apt-get install chromium, or set CHROMIUM_PATH. ***\n`;
  console.warn(message);
  if (process.env.CI === 'true') {
    test('a browser is installed (required in CI)', () => {
      throw new Error(message);
    });
  }
}

interface MediaHit {
  path: string;
  status: number;
  cookie: string;
}

(executablePath ? describe : describe.skip)('the player in a real browser', () => {
  let edge: LocalEdge;
  let stateDir: string;
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  const media: MediaHit[] = [];
  // Every Content-Security-Policy violation and uncaught error any page of the context reports.
  const violations: { page: Page; text: string }[] = [];
  const controlPages = new Set<Page>();
  const watch = (p: Page) => {
    p.on('console', (message) => {
      if (/Content Security Policy|CSP violation/i.test(message.text()))
        violations.push({ page: p, text: message.text() });
    });
    p.on('pageerror', (error) => violations.push({ page: p, text: `uncaught: ${error.message}` }));
  };

  beforeAll(async () => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    stateDir = mkdtempSync(join(tmpdir(), 'edge-auth-e2e-'));
    profile = mkdtempSync(join(tmpdir(), 'edge-auth-chromium-'));
    mkdirSync(OUTPUT, { recursive: true });
    edge = await startLocalEdge({ port: 0, root: ROOT, stateDir, log: () => undefined });
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: ['--headless', ...FLAGS],
      viewport: { width: 1024, height: 720 },
    });
    // Injected by the browser, not by the page, so the page's own CSP does not block it.
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
      });
    });
    context.on('page', watch);
    page = context.pages()[0] ?? (await context.newPage());
    if (!violations.some((v) => v.page === page)) watch(page);
    page.on('response', async (response) => {
      const url = new URL(response.url());
      if (!url.pathname.startsWith('/media/')) return;
      const headers = await response.request().allHeaders();
      media.push({ path: url.pathname, status: response.status(), cookie: headers.cookie ?? '' });
    });
  }, 60000);

  afterAll(async () => {
    await context?.close();
    await edge?.close();
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  });

  it('alice signs in through the form and the demo title plays', async () => {
    await page.goto(`${edge.url}/?next=${encodeURIComponent('/player.html?title=demo')}`);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('not-her-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(page, '#message', 'That username and password do not match.');
    await page.getByLabel('Password').fill('wonderland');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/player\.html\?title=demo$/);
    await expectText(page, '#who', 'Signed in as alice');

    await page.waitForFunction(
      () => (document.getElementById('video') as HTMLVideoElement).currentTime > 2,
      undefined,
      {
        timeout: 30000,
      },
    );
    const errors = await page.evaluate(
      () => (window as unknown as { edgeAuthPlayer: { errors: unknown[] } }).edgeAuthPlayer.errors,
    );
    expect(errors).toEqual([]);
    await page.locator('#stage').screenshot({ path: join(OUTPUT, 'player-playing.png') });

    const segments = media.filter((m) => m.path.endsWith('.m4s'));
    expect(media.some((m) => m.path === '/media/demo/init.mp4')).toBe(true);
    expect(segments.length).toBeGreaterThanOrEqual(2);
    for (const hit of media) {
      expect([hit.path, hit.status]).toEqual([hit.path, 200]);
      expect(hit.cookie).toContain('CloudFront-Signature=');
      expect(hit.cookie).toContain('CloudFront-Key-Pair-Id=');
      expect(hit.cookie).toContain('edge_session=');
    }
  }, 60000);

  it('premium fails with a message a person understands', async () => {
    await page.getByRole('button', { name: 'Play Premium' }).click();
    await expectText(page, '#message', 'Your account does not include “Premium — colour bars”');
    expect(await page.evaluate(() => document.body.dataset.player)).toBe('error');
    const premium = media.filter((m) => m.path.startsWith('/media/premium/'));
    expect(premium.map((m) => m.status)).toEqual([403]);
  });

  it('after sign-out, playback is refused', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expectText(page, '#message', 'You have signed out.');
    // no-store: the browser's own cache may still hold the playlist; the question is what the edge answers.
    const statuses = await page.evaluate(async () =>
      Promise.all(
        ['/media/demo/index.m3u8', '/media/demo/seg-005.m4s'].map(
          async (u) => (await fetch(u, { cache: 'no-store' })).status,
        ),
      ),
    );
    expect(statuses).toEqual([403, 403]);
    await page.goto(`${edge.url}/player.html?title=demo`);
    await expectText(page, '#message', 'You are not signed in.');
    expect(await page.evaluate(() => document.body.dataset.player)).toBe('signed-out');
    expect((await context.cookies()).map((c) => c.name)).toEqual([]);
  });

  it('is readable on a phone: no sideways scrolling, the player fits the screen', async () => {
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 360, height: 740 });
    await phone.goto(`${edge.url}/`);
    expect(await noSidewaysScroll(phone)).toBe(true);
    await phone.getByLabel('Username').fill('alice');
    await phone.getByLabel('Password').fill('wonderland');
    await phone.getByRole('button', { name: 'Sign in' }).click();
    await phone.waitForURL(/\/player\.html$/);
    await phone.getByRole('button', { name: 'Play Demo' }).click();
    await phone.waitForFunction(() => document.body.dataset.player === 'playing', undefined, {
      timeout: 30000,
    });
    expect(await noSidewaysScroll(phone)).toBe(true);
    const box = await phone.locator('#video').boundingBox();
    expect(box!.width).toBeLessThanOrEqual(360);
    await phone.screenshot({ path: join(OUTPUT, 'player-phone.png') });
    await phone.getByRole('button', { name: 'Sign out' }).click();
    await expectText(phone, '#message', 'You have signed out.');
    await phone.close();
  }, 60000);

  it('signing in and out works without JavaScript too', async () => {
    // A persistent context cannot turn JavaScript off, so this page refuses every script instead.
    const p = await context.newPage();
    await p.route('**/*.js', (route) => route.abort());
    await p.goto(`${edge.url}/`);
    await p.getByLabel('Username').fill('bob');
    await p.getByLabel('Password').fill('not-his-password');
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.waitForURL(/reason=failed/);
    expect(await p.locator('#failed').isVisible()).toBe(true);
    expect(await p.locator('#failed').textContent()).toContain('do not match');
    await p.getByLabel('Username').fill('bob');
    await p.getByLabel('Password').fill('builder');
    const posted = p.waitForResponse((r) => r.url().endsWith('/auth/login'));
    await p.getByRole('button', { name: 'Sign in' }).click();
    // 303 is the form post's answer (the fetch path gets 200 and navigates by itself).
    expect((await posted).status()).toBe(303);
    await p.waitForURL(/\/player\.html$/);
    const names = (await p.context().cookies()).map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining(['CloudFront-Policy', 'CloudFront-Signature', 'edge_session']),
    );
    await p.close();
  });

  it('the pages get the Content-Security-Policy of the settings, and a violation would be caught', async () => {
    const p = await context.newPage();
    controlPages.add(p);
    const response = await p.goto(`${edge.url}/player.html`);
    const headers = response!.headers();
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['content-security-policy']).toContain('worker-src blob:');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-frame-options']).toBe('DENY');
    // The browser hides HSTS received over plain HTTP (it must ignore it there); ask the edge directly.
    const direct = await fetch(`${edge.url}/player.html`);
    expect(direct.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
    // The control: an inline script is what this CSP forbids; the watcher must see it refused.
    await p.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.injected = true';
      document.body.append(script);
    });
    for (let i = 0; i < 50 && !violations.some((v) => v.page === p); i++) await p.waitForTimeout(100);
    const seen = violations.filter((v) => v.page === p).map((v) => v.text);
    expect(seen).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/CSP violation: script-src|Content Security Policy directive 'script-src/),
      ]),
    );
    expect(await p.evaluate(() => (window as unknown as { injected?: boolean }).injected)).toBeUndefined();
    await p.close();
  });

  it('no page broke the Content-Security-Policy or threw (sign-in, playback, phone, no-JavaScript)', () => {
    const others = violations.filter((v) => !controlPages.has(v.page));
    expect(others.map((v) => v.text)).toEqual([]);
  });
});

async function noSidewaysScroll(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

async function expectText(page: Page, selector: string, text: string): Promise<void> {
  await page.waitForFunction(
    ([sel, want]) => document.querySelector(sel!)?.textContent?.includes(want!) ?? false,
    [selector, text],
    { timeout: 15000 },
  );
}
