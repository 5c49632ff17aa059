import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { type LocalEdge, startLocalEdge } from '../../src/local/server';
import { CHROMIUM_ARGS, chromiumPath, describeWithBrowser } from './browser';

// The demo title in a real browser with the `function` edge mode: the CloudFront Function (built
// as for deploy, run in the emulator's sandbox with .local/kvs.json as its KeyValueStore) checks
// every media request. test/e2e/player.test.ts plays the same title in the `lambda` mode.
const ROOT = resolve(__dirname, '../..');

describeWithBrowser('the player in a real browser, function edge mode', () => {
  let edge: LocalEdge;
  let stateDir: string;
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  const media: Array<{ path: string; status: number; cookie: string }> = [];
  const log: string[] = [];

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'edge-auth-e2e-fn-'));
    profile = mkdtempSync(join(tmpdir(), 'edge-auth-chromium-fn-'));
    edge = await startLocalEdge({
      port: 0,
      root: ROOT,
      stateDir,
      edgeMode: 'function',
      log: (l) => log.push(l),
    });
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1024, height: 720 },
    });
    page = context.pages()[0] ?? (await context.newPage());
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

  it('alice signs in, gets an HS256 session, and the demo title plays through the CloudFront Function', async () => {
    expect(edge.edgeMode).toBe('function');
    await page.goto(`${edge.url}/?next=${encodeURIComponent('/player.html?title=demo')}`);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('wonderland');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/player\.html\?title=demo$/);
    const session = (await context.cookies()).find((c) => c.name === 'edge_session')!;
    const header = JSON.parse(Buffer.from(session.value.split('.')[0]!, 'base64url').toString());
    expect(header).toEqual({ alg: 'HS256', kid: 'local-hmac-1', typ: 'JWT' });

    await page.waitForFunction(
      () => (document.getElementById('video') as HTMLVideoElement).currentTime > 2,
      undefined,
      { timeout: 30000 },
    );
    const segments = media.filter((m) => m.path.endsWith('.m4s'));
    expect(segments.length).toBeGreaterThanOrEqual(2);
    for (const hit of media) {
      expect([hit.path, hit.status]).toEqual([hit.path, 200]);
      expect(hit.cookie).toContain('edge_session=');
    }
    // Every media request went through the function to the origin (layer "origin" in the log).
    expect(log.filter((l) => l.startsWith('GET /media/demo/') && l.includes(' 200 origin ')).length).toBe(
      media.length,
    );
  }, 60000);

  it('after sign-out, playback is refused', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForFunction(
      () => document.body.textContent?.includes('You have signed out.') ?? false,
      undefined,
      {
        timeout: 15000,
      },
    );
    const status = await page.evaluate(
      async () => (await fetch('/media/demo/index.m3u8', { cache: 'no-store' })).status,
    );
    expect(status).toBe(403);
  });
});
