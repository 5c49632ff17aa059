import { existsSync } from 'node:fs';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (or CHROMIUM_PATH) under playwright-core, as test/e2e/player.test.ts runs it. */
const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
  Boolean,
) as string[];
export const chromiumPath = CANDIDATES.find((p) => existsSync(p));

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Chromium's command line for every browser test (headless, and quiet on a closed network). */
export const CHROMIUM_ARGS = ['--headless', ...FLAGS];

/**
 * `describe`, or a loud skip when no browser is installed; under CI=true a missing browser is a
 * failing test, never a silent green.
 */
export function describeWithBrowser(name: string, body: () => void): void {
  if (!chromiumPath) {
    const message = `\n*** BROWSER TESTS NOT RUN (${name}): no Chromium found (looked at ${CANDIDATES.join(', ')}). Install it: apt-get install chromium, or set CHROMIUM_PATH. ***\n`;
    console.warn(message);
    if (process.env.CI === 'true') {
      test('a browser is installed (required in CI)', () => {
        throw new Error(message);
      });
    }
    describe.skip(name, body);
    return;
  }
  describe(name, body);
}

export async function launchBrowser(profile: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1024, height: 720 },
  });
}

/** Waits until `selector`'s text contains `text`. */
export async function expectText(page: Page, selector: string, text: string): Promise<void> {
  await page.waitForFunction(
    ([sel, want]) => document.querySelector(sel!)?.textContent?.includes(want!) ?? false,
    [selector, text],
    { timeout: 15000 },
  );
}
