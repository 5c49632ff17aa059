import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { type LocalEdge, startLocalEdge } from '../../src/local/server';
import { HOSTILE_NEXT } from '../fixtures/hostile-next';
import { describeWithBrowser, expectText, launchBrowser } from './browser';

// The sign-in page under attack, in a real browser against the local edge: `next` values that
// try to leave the site after a successful sign-in (issue 9, finding 1).
const ROOT = resolve(__dirname, '../..');

describeWithBrowser('the sign-in page in a real browser, attacked', () => {
  let edge: LocalEdge;
  let stateDir: string;
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  let origin: string;
  const foreign: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    stateDir = mkdtempSync(join(tmpdir(), 'edge-auth-abuse-'));
    profile = mkdtempSync(join(tmpdir(), 'edge-auth-chromium-'));
    // Dozens of sign-ins from one address: the rate limit (tested below on its own edge) stays out.
    edge = await startLocalEdge({
      port: 0,
      root: ROOT,
      stateDir,
      log: () => undefined,
      waf: { enabled: false },
    });
    origin = new URL(edge.url).origin;
    context = await launchBrowser(profile);
    // Nothing may leave our origin: record and refuse any request elsewhere.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      const target = new URL(url);
      if (target.origin !== origin) {
        foreign.push(url);
        return route.abort();
      }
      // Where a sign-in lands only matters by its address: answer it with an empty page rather
      // than load the player (and its media) sixty times.
      if (route.request().isNavigationRequest() && target.pathname !== '/') {
        return route.fulfill({
          status: 200,
          contentType: 'text/html',
          body: '<!doctype html><title>landed</title>',
        });
      }
      return route.continue();
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  }, 60000);

  afterAll(async () => {
    await context?.close();
    await edge?.close();
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  });

  /** Signs in on the page that is open and returns where the browser went (or tried to go). */
  async function signInAndLand(password = 'wonderland'): Promise<string> {
    const before = foreign.length;
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill(password);
    const left = page
      .waitForURL((u) => u.origin !== origin || u.pathname !== '/', { waitUntil: 'commit', timeout: 15000 })
      .then(() => page.url());
    const escaped = new Promise<string>((done) => {
      const timer = setInterval(() => {
        if (foreign.length > before) {
          clearInterval(timer);
          done(foreign[foreign.length - 1]!);
        }
      }, 20);
      void left.finally(() => clearInterval(timer));
    });
    await page.getByRole('button', { name: 'Sign in' }).click();
    return Promise.race([left, escaped]);
  }

  it('every hostile next ends on our own origin after a sign-in, and after a failed attempt first', async () => {
    for (const [i, next] of HOSTILE_NEXT.entries()) {
      await page.goto(`${edge.url}/?next=${encodeURIComponent(next)}`);
      expect([next, new URL(await signInAndLand()).origin]).toEqual([next, origin]);

      // A failed attempt keeps the page (and its next): the issue's tab/LF/CR cases (CPU is scarce).
      if (i < 3) {
        await page.goto(`${edge.url}/?next=${encodeURIComponent(next)}`);
        await page.getByLabel('Username').fill('alice');
        await page.getByLabel('Password').fill('wrong');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await expectText(page, '#message', 'do not match');
        expect([next, new URL(await signInAndLand()).origin]).toEqual([next, origin]);
      }

      // The no-JavaScript bounce lands here (/?reason=failed&next=…#failed); an attacker can link it too.
      await page.goto(`${edge.url}/?reason=failed&next=${encodeURIComponent(next)}#failed`);
      expect([next, new URL(await signInAndLand()).origin]).toEqual([next, origin]);
    }
    expect(foreign).toEqual([]);
    expect(dialogs).toEqual([]);
  }, 180000);

  it('a same-site next with non-ASCII characters is kept', async () => {
    await page.goto(`${edge.url}/?next=${encodeURIComponent('/player.html?title=démo')}`);
    const landed = new URL(await signInAndLand());
    expect([landed.origin, landed.pathname, landed.searchParams.get('title')]).toEqual([
      origin,
      '/player.html',
      'démo',
    ]);
  }, 30000);
});

describeWithBrowser(
  'the sign-in page when AWS WAF rate-limits sign-in (local stand-in, default settings)',
  () => {
    let edge: LocalEdge;
    let stateDir: string;
    let profile: string;
    let context: BrowserContext;

    beforeAll(async () => {
      jest.spyOn(console, 'log').mockImplementation(() => undefined);
      stateDir = mkdtempSync(join(tmpdir(), 'edge-auth-waf-'));
      profile = mkdtempSync(join(tmpdir(), 'edge-auth-chromium-'));
      edge = await startLocalEdge({ port: 0, root: ROOT, stateDir, log: () => undefined });
      context = await launchBrowser(profile);
    }, 60000);

    afterAll(async () => {
      await context?.close();
      await edge?.close();
      rmSync(stateDir, { recursive: true, force: true });
      rmSync(profile, { recursive: true, force: true });
    });

    it('shows how long to wait, and does not sign in, once the limit is reached', async () => {
      const { signInRateLimit, evaluationWindowSeconds } = edge.settings.waf;
      // Use up the limit from this address cheaply: WAF counts every POST to the path, and a body
      // the login function refuses at once (415) costs no password hashing.
      for (let i = 0; i < signInRateLimit; i++) {
        const r = await fetch(`${edge.url}/auth/login`, { method: 'POST', body: 'x' });
        expect(r.status).toBe(415);
      }
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(`${edge.url}/`);
      await page.getByLabel('Username').fill('alice');
      await page.getByLabel('Password').fill('wonderland');
      const answer = page.waitForResponse((r) => r.url().endsWith('/auth/login'));
      await page.getByRole('button', { name: 'Sign in' }).click();
      expect((await answer).status()).toBe(429);
      const minutes = Math.ceil(evaluationWindowSeconds / 60);
      await expectText(
        page,
        '#message',
        `Too many sign-in attempts. Wait ${minutes === 1 ? 'a minute' : `${minutes} minutes`}, then try again.`,
      );
      expect(new URL(page.url()).pathname).toBe('/');
      expect((await context.cookies()).map((c) => c.name)).toEqual([]);
    }, 60000);
  },
);
