import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { main } from '../../src/cli/main';
import { type LocalEdge, startLocalEdge } from '../../src/local/server';
import { recordingIo } from '../infra/package-stack';
import { CHROMIUM_ARGS, chromiumPath, describeWithBrowser } from './browser';

// The `function` edge mode reads revocations from the KeyValueStore (.local/kvs.json locally) on
// every request: after sign-out, or `edge-auth sessions revoke --local`, a copied cookie jar is
// refused on its very next request. (test/e2e/session-refresh.test.ts shows the `lambda` mode.)
const ROOT = resolve(__dirname, '../..');

async function signIn(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/?next=${encodeURIComponent('/player.html?title=demo')}`);
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password').fill('wonderland');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/player\.html\?title=demo$/);
}

const segment = (page: Page) =>
  page.evaluate(async () => {
    const r = await fetch('/media/demo/seg-001.m4s', { cache: 'no-store' });
    return { status: r.status, body: r.status === 200 ? '' : await r.text() };
  });

describeWithBrowser('function edge mode: a revoked session is refused on its next request', () => {
  let edge: LocalEdge;
  let root: string;
  let browser: Browser;

  beforeAll(async () => {
    // The CLI's --local works on <cwd>/.local: the edge keeps its state there too.
    root = mkdtempSync(join(tmpdir(), 'edge-auth-e2e-fn-revoke-'));
    edge = await startLocalEdge({
      port: 0,
      root: ROOT,
      stateDir: join(root, '.local'),
      edgeMode: 'function',
      log: () => undefined,
    });
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS });
  }, 60000);

  afterAll(async () => {
    await browser?.close();
    await edge?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('after sign-out, a copied cookie jar is refused at once', async () => {
    const original = await browser.newContext();
    const page = await original.newPage();
    await signIn(page, edge.url);
    await page.waitForFunction(() => document.body.dataset.player === 'playing', undefined, {
      timeout: 30000,
    });
    const copy = await browser.newContext();
    await copy.addCookies(await original.cookies());
    const thief = await copy.newPage();
    await thief.goto(`${edge.url}/titles.json`);
    expect((await segment(thief)).status).toBe(200);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForFunction(() =>
      document.getElementById('message')?.textContent?.includes('You have signed out.'),
    );

    // No waiting for a token to end: the edge read rs:<sid> from the store on this request.
    const refused = await segment(thief);
    expect(refused.status).toBe(401);
    expect(refused.body).toContain('ERR_SESSION_REVOKED');
    await Promise.all([original.close(), copy.close()]);
  }, 60000);

  it('edge-auth sessions revoke --local --user stops every session of that user on its next request', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, edge.url);
    expect((await segment(page)).status).toBe(200);
    // auth_time has whole seconds; the revocation covers sessions signed in up to this second.
    const io = recordingIo(root);
    expect(await main(['sessions', 'revoke', '--local', '--user', 'alice'], io)).toBe(0);
    const refused = await segment(page);
    expect([refused.status, refused.body.includes('ERR_SESSION_REVOKED')]).toEqual([401, true]);
    // A new sign-in after the revocation plays again.
    await page.waitForTimeout(1100);
    const again = await browser.newContext();
    const fresh = await again.newPage();
    await signIn(fresh, edge.url);
    expect((await segment(fresh)).status).toBe(200);
    await Promise.all([context.close(), again.close()]);
  }, 60000);
});
