import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { resolveSettings, type Settings } from '../../src/config/settings';
import { type LocalEdge, startLocalEdge } from '../../src/local/server';
import { CHROMIUM_ARGS, chromiumPath, describeWithBrowser } from './browser';

// Short session tokens on the local stage (lambda edge mode): the player renews them silently
// while it plays, and a copied cookie jar stops at its next refresh once the session is signed out.
const ROOT = resolve(__dirname, '../..');
const TOKEN_TTL = 10;

type PlayerState = {
  edgeAuthPlayer: { errors: unknown[]; refreshes: number; session?: { expiresAt: string } };
};

async function signIn(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/?next=${encodeURIComponent('/player.html?title=demo')}`);
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password').fill('wonderland');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/player\.html\?title=demo$/);
}

const segmentStatus = (page: Page) =>
  page.evaluate(async () => (await fetch('/media/demo/seg-001.m4s', { cache: 'no-store' })).status);

describeWithBrowser(`short session tokens (tokenTtlSeconds ${TOKEN_TTL})`, () => {
  let edge: LocalEdge;
  let stateDir: string;
  let browser: Browser;

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'edge-auth-e2e-refresh-'));
    const local = resolveSettings('local');
    const settings: Settings = { ...local, session: { ...local.session, tokenTtlSeconds: TOKEN_TTL } };
    edge = await startLocalEdge({ port: 0, root: ROOT, stateDir, settings, log: () => undefined });
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS });
  }, 60000);

  afterAll(async () => {
    await browser?.close();
    await edge?.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('the player renews the session before it expires and keeps playing past the refresh', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, edge.url);
    // The player page asks /auth/session after it loads: wait for its answer before reading it.
    await page.waitForFunction(
      () => (window as unknown as Partial<PlayerState>).edgeAuthPlayer?.session !== undefined,
      undefined,
      { timeout: 15000 },
    );
    const firstExpiry = await page.evaluate(() =>
      Date.parse((window as unknown as PlayerState).edgeAuthPlayer.session!.expiresAt),
    );
    await page.waitForFunction(
      () => (window as unknown as PlayerState).edgeAuthPlayer.refreshes >= 1,
      undefined,
      {
        timeout: 20000,
      },
    );
    const atRefresh = await page.evaluate(
      () => (document.getElementById('video') as HTMLVideoElement).currentTime,
    );
    await page.waitForFunction(
      (t) => (document.getElementById('video') as HTMLVideoElement).currentTime > t + 1,
      atRefresh,
      { timeout: 20000 },
    );
    // Past the first token's end, the renewed cookies still open a segment CloudFront and the edge check.
    const wait = firstExpiry + 1500 - Date.now();
    if (wait > 0) await page.waitForTimeout(wait);
    expect(await segmentStatus(page)).toBe(200);
    const state = await page.evaluate(() => (window as unknown as PlayerState).edgeAuthPlayer);
    expect(state.errors).toEqual([]);
    expect(Date.parse(state.session!.expiresAt)).toBeGreaterThan(firstExpiry);
    await context.close();
  }, 60000);

  it('lambda mode: after sign-out, a copied cookie jar is refused at its next refresh', async () => {
    const original = await browser.newContext();
    const page = await original.newPage();
    await signIn(page, edge.url);
    await page.waitForFunction(() => document.body.dataset.player === 'playing', undefined, {
      timeout: 30000,
    });
    // Someone copies the cookies before the sign-out, into two other browsers.
    const jar = await original.cookies();
    const tokenEnds = await page.evaluate(() =>
      Date.parse((window as unknown as PlayerState).edgeAuthPlayer.session!.expiresAt),
    );
    const watching = await browser.newContext();
    await watching.addCookies(jar);
    const copyPlayer = await watching.newPage();
    await copyPlayer.goto(`${edge.url}/player.html?title=demo`);
    await copyPlayer.waitForFunction(
      () => document.getElementById('who')?.textContent === 'Signed in as alice',
    );
    const idle = await browser.newContext();
    await idle.addCookies(jar);
    const copyIdle = await idle.newPage();
    await copyIdle.goto(`${edge.url}/titles.json`);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForFunction(() =>
      document.getElementById('message')?.textContent?.includes('You have signed out.'),
    );

    // The Lambda@Edge check cannot see revocations: until its token ends, the copy still opens media…
    if (Date.now() < tokenEnds - 1000) expect(await segmentStatus(copyIdle)).toBe(200);
    // …and the playing copy is stopped at its next refresh, with the reason.
    await copyPlayer.waitForFunction(
      () =>
        document
          .getElementById('message')
          ?.textContent?.includes('This session was signed out. Sign in again.'),
      undefined,
      { timeout: (TOKEN_TTL + 10) * 1000 },
    );
    expect(await copyPlayer.evaluate(() => document.body.dataset.player)).toBe('signed-out');
    // Once the token (and the CloudFront policy issued with it) has ended, the idle copy is refused too,
    // and it cannot renew itself.
    const wait = tokenEnds + 1500 - Date.now();
    if (wait > 0) await copyIdle.waitForTimeout(wait);
    expect(await segmentStatus(copyIdle)).toBe(403);
    const refresh = await copyIdle.evaluate(async () => {
      const r = await fetch('/auth/refresh', { method: 'POST' });
      return { status: r.status, body: await r.json() };
    });
    expect(refresh).toEqual({
      status: 401,
      body: {
        error: { code: 'ERR_SESSION_REVOKED', message: 'This session was signed out. Sign in again.' },
      },
    });
    await Promise.all([original.close(), watching.close(), idle.close()]);
  }, 60000);
});
