import type { CloudFrontRequest, CloudFrontRequestEvent, CloudFrontResultResponse } from 'aws-lambda';
import fc from 'fast-check';
import { createViewerRequestHandler } from '../../functions/viewer-request';
import { resolveSettings } from '../../src/config/settings';
import type { EdgeConfig } from '../../src/edge/config';
import { buildEdgeConfig } from '../../src/edge/config-build';
import { createEdgeRuntime, decide } from '../../src/edge/decide';
import { importSessionPrivateKey } from '../../src/session/keys';
import { issueSessionToken } from '../../src/session/token';
import { globMatches, loadEvent, sessionKey, writeTestKeyring } from '../session/fixtures';

const NOW = 1_800_000_000;
const GRANTS = ['/media/course-42/*', '/media/free/*.m3u8'];
const PLAYER = 'https://player.example.com';

let config: EdgeConfig;
let signing: Awaited<ReturnType<typeof importSessionPrivateKey>>['signing'];
const key = sessionKey('k1');

async function token(overrides: Partial<Parameters<typeof issueSessionToken>[0]> = {}): Promise<string> {
  const { token } = await issueSessionToken(
    {
      sub: 'alice',
      grants: GRANTS,
      sid: 's1',
      authTime: NOW,
      method: 'pwd',
      now: NOW,
      ttlSeconds: 3600,
      absoluteLifetimeSeconds: 43200,
      issuer: config.issuer,
      audience: config.audience,
      ...overrides,
    },
    signing,
  );
  return token;
}

function event(
  uri: string,
  cookie?: string | string[],
  extra: Record<string, string> = {},
  name = 'cloudfront/viewer-request',
): CloudFrontRequestEvent {
  const e = loadEvent<CloudFrontRequestEvent>(name);
  const request = e.Records[0]!.cf.request;
  request.uri = uri;
  if (cookie !== undefined) {
    request.headers.cookie = (Array.isArray(cookie) ? cookie : [cookie]).map((value) => ({
      key: 'Cookie',
      value,
    }));
  }
  for (const [k, v] of Object.entries(extra)) request.headers[k] = [{ key: k, value: v }];
  return e;
}

function handlerAt(clock: { now: number }, cfg: unknown = config) {
  return createViewerRequestHandler(cfg, { now: () => clock.now * 1000, log: () => {} });
}

const asResponse = (r: unknown) => r as CloudFrontResultResponse;
const errorCode = (r: unknown) => JSON.parse(asResponse(r).body!).error.code;

beforeAll(async () => {
  const dir = writeTestKeyring([key]);
  config = { ...buildEdgeConfig(resolveSettings('dev'), dir), allowedOrigins: [PLAYER] };
  signing = (await importSessionPrivateKey('k1', key.privateKeyPem)).signing;
});

describe('viewer-request handler', () => {
  it('lets a granted request through with its Cookie header untouched', async () => {
    const handler = handlerAt({ now: NOW + 10 });
    const cookie = `CloudFront-Policy=abc; __Host-edge_session=${await token()}; other=1`;
    const result = (await handler(event('/media/course-42/seg001.m4s', cookie))) as CloudFrontRequest;
    expect(result.uri).toBe('/media/course-42/seg001.m4s');
    // Kept: CloudFront may check the signed cookies after the function (no AWS page says which comes first).
    expect(result.headers.cookie).toEqual([{ key: 'Cookie', value: cookie }]);
    expect(result.headers.host![0]!.value).toBe('d111111abcdef8.cloudfront.net');
  });

  it('reads the session from any of several Cookie headers', async () => {
    const handler = handlerAt({ now: NOW });
    const result = await handler(
      event('/media/free/index.m3u8', ['CloudFront-Policy=abc', `__Host-edge_session=${await token()}`]),
    );
    expect((result as CloudFrontRequest).uri).toBe('/media/free/index.m3u8');
  });

  it('answers 401 JSON, not cached, for a request without a session', async () => {
    const result = asResponse(await handlerAt({ now: NOW })(event('/media/course-42/seg001.m4s')));
    expect(result.status).toBe('401');
    expect(result.headers!['cache-control']![0]!.value).toBe('no-store');
    expect(result.headers!['content-type']![0]!.value).toBe('application/json');
    expect(JSON.parse(result.body!)).toEqual({
      error: { code: 'ERR_NO_SESSION', message: expect.any(String) },
    });
    expect(result.headers!['access-control-allow-origin']).toBeUndefined();
  });

  it('redirects page navigations to sign-in with a local next', async () => {
    const e = loadEvent<CloudFrontRequestEvent>('cloudfront/viewer-request-navigation');
    const result = asResponse(await handlerAt({ now: NOW })(e));
    expect(result.status).toBe('302');
    expect(result.headers!.location![0]!.value).toBe('/?next=%2Fmedia%2Fcourse-42%2Findex.m3u8%3Fstart%3D10');
  });

  it('adds CORS headers to denials for configured player origins only', async () => {
    const handler = handlerAt({ now: NOW });
    const allowed = asResponse(await handler(event('/media/x/a.ts', undefined, { origin: PLAYER })));
    expect(allowed.headers!['access-control-allow-origin']![0]!.value).toBe(PLAYER);
    expect(allowed.headers!['access-control-allow-credentials']![0]!.value).toBe('true');
    const other = asResponse(
      await handler(event('/media/x/a.ts', undefined, { origin: 'https://evil.example' })),
    );
    expect(other.headers!['access-control-allow-origin']).toBeUndefined();
  });

  it('answers 403 ERR_NOT_GRANTED outside the grants, including prefix look-alikes', async () => {
    const handler = handlerAt({ now: NOW });
    const cookie = `__Host-edge_session=${await token()}`;
    for (const uri of [
      '/media/course-7/seg.ts',
      '/media/course-420/seg.ts',
      '/media/free/seg.ts',
      '/other/x',
    ]) {
      const result = asResponse(await handler(event(uri, cookie)));
      expect([uri, result.status, errorCode(result)]).toEqual([uri, '403', 'ERR_NOT_GRANTED']);
    }
  });

  it('refuses path tricks against the grants', async () => {
    const handler = handlerAt({ now: NOW });
    const cookie = `__Host-edge_session=${await token()}`;
    for (const uri of [
      '/media/course-42/../course-7/seg.ts',
      '/media/course-42/%2e%2e/course-7/seg.ts',
      '/media/course-42%2f..%2fcourse-7/seg.ts',
      '/media/course-42/..%5ccourse-7/seg.ts',
      '/media/course-42\\..\\course-7\\seg.ts',
      '/media/course-42//seg.ts',
      '/media/course-42/seg.ts%00.m3u8',
    ]) {
      const result = asResponse(await handler(event(uri, cookie)));
      expect([uri, result.status, errorCode(result)]).toEqual([uri, '403', 'ERR_PATH_REJECTED']);
    }
  });

  it('answers 401 for expired, tampered, wrong-audience and future tokens', async () => {
    const handler = handlerAt({ now: NOW });
    const good = await token();
    const [h, p, s] = good.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, grants: ['/media/*'] })).toString('base64url')}.${s}`;
    const cases: [string, string][] = [
      [await token({ now: NOW - 7200, authTime: NOW - 7200 }), 'ERR_SESSION_EXPIRED'],
      [tampered, 'ERR_SESSION_INVALID'],
      [await token({ audience: 'someone-else' }), 'ERR_SESSION_INVALID'],
      [await token({ now: NOW + 600 }), 'ERR_SESSION_INVALID'],
      ['not-a-token', 'ERR_SESSION_INVALID'],
    ];
    for (const [value, code] of cases) {
      const result = asResponse(
        await handler(event('/media/course-42/a.ts', `__Host-edge_session=${value}`)),
      );
      expect([result.status, errorCode(result)]).toEqual(['401', code]);
    }
  });

  it('drops a cached session at its expiry', async () => {
    const clock = { now: NOW };
    const handler = handlerAt(clock);
    const cookie = `__Host-edge_session=${await token()}`;
    expect((await handler(event('/media/course-42/a.ts', cookie))) as CloudFrontRequest).toHaveProperty(
      'uri',
    );
    clock.now = NOW + 3600 + config.clockSkewSeconds;
    const result = asResponse(await handler(event('/media/course-42/a.ts', cookie)));
    expect([result.status, errorCode(result)]).toEqual(['401', 'ERR_SESSION_EXPIRED']);
  });

  it('never throws: a bad baked config or a broken event is a 403', async () => {
    const bad = asResponse(
      await createViewerRequestHandler({ nope: 1 }, { log: () => {} })(event('/media/a')),
    );
    expect([bad.status, errorCode(bad)]).toEqual(['403', 'ERR_EDGE_INTERNAL']);
    const broken = asResponse(await handlerAt({ now: NOW })({} as CloudFrontRequestEvent));
    expect([broken.status, errorCode(broken)]).toEqual(['403', 'ERR_EDGE_INTERNAL']);
  });

  it('never allows a URI outside the grants and never throws, for arbitrary URIs and cookies', async () => {
    const handler = handlerAt({ now: NOW });
    const valid = await token();
    const piece = fc.constantFrom(
      '/',
      '.',
      '..',
      '%2e',
      '%2f',
      '%5c',
      '\\',
      '%00',
      'course-42',
      'media',
      'free',
      'a.m3u8',
      '*',
      '%25',
      '%',
      '//',
      'é',
    );
    const uri = fc.oneof(
      fc.string(),
      fc.array(piece, { maxLength: 10 }).map((p) => `/${p.join('')}`),
      fc.array(piece, { maxLength: 6 }).map((p) => `/media/course-42/${p.join('')}`),
    );
    const cookie = fc.oneof(
      fc.constant(`__Host-edge_session=${valid}`),
      fc.string().map((s) => `__Host-edge_session=${s}`),
      fc.string(),
      fc.constant(`a=b; __Host-edge_session=${valid.slice(0, -3)}abc`),
    );
    await fc.assert(
      fc.asyncProperty(uri, cookie, async (u, c) => {
        const result = await handler(event(u, c));
        if ('status' in result) {
          expect(['302', '401', '403']).toContain(result.status);
        } else {
          let decoded: string;
          expect(() => {
            decoded = decodeURIComponent(u);
          }).not.toThrow();
          expect(GRANTS.some((g) => globMatches(g, decoded!))).toBe(true);
          expect(decoded!.split('/')).not.toContain('..');
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('edge decision cache', () => {
  it('verifies a token once: later requests are answered from the cache', async () => {
    const runtime = await createEdgeRuntime(config);
    const cookie = `__Host-edge_session=${await token()}`;
    const req = { method: 'GET', uri: '/media/course-42/a.ts', querystring: '', cookie };
    expect(await decide(req, runtime, NOW * 1000)).toEqual({ kind: 'allow', sub: 'alice' });
    // Without keys, a fresh verification would fail: an allow now can only come from the cache.
    (runtime as unknown as { keys: Map<string, unknown> }).keys = new Map();
    expect(await decide({ ...req, uri: '/media/course-42/b.ts' }, runtime, NOW * 1000 + 5000)).toEqual({
      kind: 'allow',
      sub: 'alice',
    });
  });

  it('stays within its size bound', async () => {
    const runtime = await createEdgeRuntime({ ...config, sessionCacheSize: 2 });
    for (const sid of ['a', 'b', 'c']) {
      const cookie = `__Host-edge_session=${await token({ sid })}`;
      await decide(
        { method: 'GET', uri: '/media/course-42/a.ts', querystring: '', cookie },
        runtime,
        NOW * 1000,
      );
    }
    expect(runtime.cache.size).toBe(2);
  });
});
