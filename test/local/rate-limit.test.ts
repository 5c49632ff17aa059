import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveSettings } from '../../src/config/settings';
import { RATE_LIMITED_BODY } from '../../src/config/waf';
import { wafResponseBodies, wafRules } from '../../src/deploy/waf';
import { createRateLimiter } from '../../src/local/rate-limit';
import { type LocalEdge, startLocalEdge } from '../../src/local/server';

// The local edge applies the web ACL's sign-in rate rule from the same settings (issue 9, finding 3).
const ROOT = resolve(__dirname, '../..');
const local = resolveSettings('local');

describe('the sign-in rate limit (local stand-in for the web ACL rule)', () => {
  it('is on for local and prod, off for dev', () => {
    expect(['local', 'dev', 'prod'].map((s) => resolveSettings(s).waf.enabled)).toEqual([true, false, true]);
  });

  it('counts sign-in and refresh POSTs per IP over the trailing window, as the deployed rule', () => {
    const { signInRateLimit: limit, evaluationWindowSeconds: window } = local.waf;
    const limiter = createRateLimiter(local.waf, '/auth/');
    const t0 = 1_800_000_000_000;
    for (let i = 0; i < limit; i++) {
      const path = i % 2 ? '/auth/login' : '/auth/refresh';
      expect([i, limiter.check('POST', path, '192.0.2.1', t0 + i)]).toEqual([i, undefined]);
    }
    const refused = limiter.check('POST', '/auth/login', '192.0.2.1', t0 + limit);
    expect(refused?.status).toBe(429);
    expect(Object.fromEntries(refused!.headers)['retry-after']).toBe(String(window));
    // Other addresses, other methods and other paths are not counted.
    expect(limiter.check('POST', '/auth/login', '192.0.2.2', t0 + limit)).toBeUndefined();
    expect(limiter.check('GET', '/auth/session', '192.0.2.1', t0 + limit)).toBeUndefined();
    expect(limiter.check('POST', '/auth/logout', '192.0.2.1', t0 + limit)).toBeUndefined();
    // Once the window has passed for the earlier requests, the address may sign in again.
    expect(limiter.check('POST', '/auth/login', '192.0.2.1', t0 + limit + window * 1000)).toBeUndefined();
  });

  it("answers with the deployed rule's status, body and Retry-After", () => {
    const rule = wafRules(local)[0] as {
      Statement: { RateBasedStatement: { Limit: number; EvaluationWindowSec: number } };
      Action: {
        Block: {
          CustomResponse: {
            ResponseCode: number;
            CustomResponseBodyKey: string;
            ResponseHeaders: Array<{ Name: string; Value: string }>;
          };
        };
      };
    };
    const limiter = createRateLimiter(local.waf, '/auth/');
    let refused: ReturnType<typeof limiter.check>;
    for (let i = 0; i <= rule.Statement.RateBasedStatement.Limit; i++)
      refused = limiter.check('POST', '/auth/login', '192.0.2.9', i);
    const custom = rule.Action.Block.CustomResponse;
    expect(refused!.status).toBe(custom.ResponseCode);
    expect(refused!.body.toString()).toBe(wafResponseBodies()[custom.CustomResponseBodyKey]!.Content);
    expect(Object.fromEntries(refused!.headers)['retry-after']).toBe(custom.ResponseHeaders[0]!.Value);
  });
});

describe('over HTTP', () => {
  let edge: LocalEdge;
  let stateDir: string;
  beforeAll(async () => {
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    stateDir = mkdtempSync(join(tmpdir(), 'edge-auth-rate-'));
    edge = await startLocalEdge({ port: 0, root: ROOT, stateDir, log: () => undefined });
  }, 60000);
  afterAll(async () => {
    await edge?.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('the request after the limit is 429 from the edge, before the login function runs', async () => {
    const post = () =>
      fetch(`${edge.url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: edge.url },
        body: JSON.stringify({ username: 'alice', password: 'not-her-password' }),
      });
    for (let i = 0; i < local.waf.signInRateLimit; i++) expect((await post()).status).toBe(401);
    const limited = await post();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe(String(local.waf.evaluationWindowSeconds));
    expect(await limited.text()).toBe(RATE_LIMITED_BODY);
    expect(limited.headers.get('set-cookie')).toBeNull();
    // Pages and media are not rate limited.
    expect((await fetch(`${edge.url}/`)).status).toBe(200);
  }, 120000);
});
