import { execFileSync } from 'node:child_process';
import {
  createPublicKey,
  sign as cryptoSign,
  verify as cryptoVerify,
  generateKeyPairSync,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { CloudFrontRequestEvent } from 'aws-lambda';
import { Bench } from 'tinybench';
import { createViewerRequestHandler } from '../functions/viewer-request';
import { buildEdgeBundle } from '../scripts/build-edge';
import { buildFunctionCode } from '../scripts/build-function';
import { CLOUDFRONT_FUNCTION_MAX_CODE_BYTES } from '../src/cloudfront/aws-rules';
import { resolveSettings } from '../src/config/settings';
import { buildEdgeConfig } from '../src/edge/config-build';
import { readCookie } from '../src/edge/cookies';
import {
  functionCloudFrontModule,
  functionCrypto,
  loadCloudFrontFunctionSource,
} from '../src/local/cloudfront-function';
import { importSessionHmacKey, importSessionPrivateKey } from '../src/session/keys';
import { issueSessionToken } from '../src/session/token';
import { sessionKey, writeTestKeyring } from '../test/session/fixtures';

/**
 * The edge handler per request (cached session, first-seen session, denial) against a baseline
 * that verifies an RS256 JWT on every request, as common Lambda@Edge authorizers do; then the
 * built bundle's size and its cold start in a fresh process.
 */
const ROOT = join(__dirname, '..');
const COOKIE = '__Host-edge_session';
const GRANTS = ['/media/course-42/*', '/media/free/*'];
const POLICY_COOKIES =
  'CloudFront-Policy=eyJTdGF0ZW1lbnQiOlt7IlJlc291cmNlIjoiaHR0cHM6Ly9kMTExMTExYWJjZGVmOC5jbG91ZGZyb250Lm5ldC9tZWRpYS9jb3Vyc2UtNDIvKiIsIkNvbmRpdGlvbiI6eyJEYXRlTGVzc1RoYW4iOnsiQVdTOkVwb2NoVGltZSI6MTgwMDAwMzYwMH19fV19; CloudFront-Signature=abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz012345; CloudFront-Key-Pair-Id=K2JCJMDEHXQW5F; CloudFront-Hash-Algorithm=SHA256';

// The shape of test/fixtures/events/cloudfront/viewer-request.json, written out: built per
// iteration (the handler removes the cookie header on allow), and a literal of fixed shape keeps
// the builder's own cost out of the microseconds measured (a fixture clone or spread tripled it).
function event(uri: string, cookie: string | undefined): CloudFrontRequestEvent {
  return {
    Records: [
      {
        cf: {
          config: {
            distributionDomainName: 'd111111abcdef8.cloudfront.net',
            distributionId: 'EDFDVBD6EXAMPLE',
            eventType: 'viewer-request',
            requestId: 'bench',
          },
          request: {
            clientIp: '203.0.113.178',
            method: 'GET',
            uri,
            querystring: '',
            headers: {
              host: [{ key: 'Host', value: 'd111111abcdef8.cloudfront.net' }],
              accept: [{ key: 'Accept', value: '*/*' }],
              ...(cookie ? { cookie: [{ key: 'Cookie', value: cookie }] } : {}),
            },
          },
        },
      },
    ],
  } as CloudFrontRequestEvent;
}

/** A cloudfront-js-2.0 viewer-request event ("CloudFront Functions event structure"), a literal as above. */
function functionEvent(uri: string, token: string | undefined) {
  return {
    version: '1.0',
    context: {
      distributionDomainName: 'd111111abcdef8.cloudfront.net',
      distributionId: 'EDFDVBD6EXAMPLE',
      eventType: 'viewer-request',
      requestId: 'bench',
    },
    viewer: { ip: '203.0.113.178' },
    request: {
      method: 'GET',
      uri,
      querystring: {},
      headers: { host: { value: 'd111111abcdef8.cloudfront.net' }, accept: { value: '*/*' } },
      cookies: {
        'CloudFront-Policy': {
          value:
            'eyJTdGF0ZW1lbnQiOlt7IlJlc291cmNlIjoiaHR0cHM6Ly9kMTExMTExYWJjZGVmOC5jbG91ZGZyb250Lm5ldC9tZWRpYS9jb3Vyc2UtNDIvKiJ9XX0_',
        },
        'CloudFront-Signature': {
          value: 'abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789',
        },
        'CloudFront-Key-Pair-Id': { value: 'K2JCJMDEHXQW5F' },
        ...(token ? { [COOKIE]: { value: token } } : {}),
      },
    },
  };
}

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** What a typical authorizer does per request: parse the cookie, verify RS256, check claims and path. */
function baselineAuthorizer(publicKey: ReturnType<typeof createPublicKey>) {
  return (ev: CloudFrontRequestEvent) => {
    const request = ev.Records[0]!.cf.request;
    const token = readCookie(request.headers.cookie?.[0]?.value, 'id_token');
    if (!token) return { status: '401' };
    const [h, p, s] = token.split('.');
    const header = JSON.parse(Buffer.from(h!, 'base64url').toString());
    if (header.alg !== 'RS256') return { status: '401' };
    const ok = cryptoVerify('RSA-SHA256', Buffer.from(`${h}.${p}`), publicKey, Buffer.from(s!, 'base64url'));
    if (!ok) return { status: '401' };
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    if (claims.exp * 1000 < Date.now() || claims.iss !== 'edge-auth' || claims.aud !== 'edge-auth-media') {
      return { status: '401' };
    }
    if (!request.uri.startsWith('/media/course-42/')) return { status: '403' };
    delete request.headers.cookie;
    return request;
  };
}

interface Stats {
  latency: { mean: number; p99: number };
  throughput: { mean: number };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function run(): Promise<void> {
  const key = sessionKey('k1');
  const keyringDir = writeTestKeyring([key]);
  const config = buildEdgeConfig(resolveSettings('dev'), keyringDir);
  const { signing } = await importSessionPrivateKey('k1', key.privateKeyPem);
  const now = Math.floor(Date.now() / 1000);
  const issue = async (sid: string) =>
    (
      await issueSessionToken(
        {
          sub: 'alice',
          grants: GRANTS,
          sid,
          authTime: now,
          method: 'pwd',
          now,
          ttlSeconds: 3600,
          absoluteLifetimeSeconds: 43200,
          issuer: config.issuer,
          audience: config.audience,
        },
        signing,
      )
    ).token;

  const handler = createViewerRequestHandler(config, { log: () => {} });

  // The `function` edge mode: the built CloudFront Function in the emulator's sandbox, its
  // KeyValueStore in memory (the HMAC key, and one unrelated revocation so lookups are real).
  const hmacSecret = Buffer.alloc(32, 7).toString('base64url');
  const hmacKey = importSessionHmacKey('h1', hmacSecret);
  const kvs: Record<string, string> = { 'key:h1': hmacSecret, 'rs:someone-else': String(now + 3600) };
  const { code: functionCode, bytes: functionBytes } = buildFunctionCode({ stage: 'dev', root: ROOT });
  const fn = loadCloudFrontFunctionSource(functionCode, 'media-session.js', {
    crypto: functionCrypto,
    cloudfront: functionCloudFrontModule({ get: (k) => kvs[k] }),
  });
  const issueHs = async (sid: string) =>
    (
      await issueSessionToken(
        {
          sub: 'alice',
          grants: GRANTS,
          sid,
          authTime: now,
          method: 'pwd',
          now,
          ttlSeconds: 3600,
          absoluteLifetimeSeconds: 43200,
          issuer: config.issuer,
          audience: config.audience,
        },
        hmacKey,
      )
    ).token;
  const hsSame = await issueHs('same');
  const hsPool: string[] = [];
  for (let i = 0; i < 100; i++) hsPool.push(await issueHs(`f${i}`));
  let nextHs = 0;
  const cachedCookie = `${POLICY_COOKIES}; ${COOKIE}=${await issue('cached')}`;
  // A pool larger than the cache (FIFO eviction): every pick is a miss, as for a new viewer.
  const pool: string[] = [];
  for (let i = 0; i < config.sessionCacheSize * 3; i++)
    pool.push(`${POLICY_COOKIES}; ${COOKIE}=${await issue(`s${i}`)}`);
  let next = 0;

  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rsHeader = b64url({ alg: 'RS256', typ: 'JWT', kid: 'idp' });
  const rsPayload = b64url({
    sub: 'alice',
    iss: 'edge-auth',
    aud: 'edge-auth-media',
    exp: now + 3600,
    iat: now,
    grants: GRANTS,
  });
  const rsSig = cryptoSign('RSA-SHA256', Buffer.from(`${rsHeader}.${rsPayload}`), rsa.privateKey).toString(
    'base64url',
  );
  const baseline = baselineAuthorizer(createPublicKey(rsa.publicKey.export({ type: 'spki', format: 'pem' })));
  const baselineCookie = `${POLICY_COOKIES}; id_token=${rsHeader}.${rsPayload}.${rsSig}`;

  const check = (result: unknown, want: string) => {
    const status = (result as { status?: string }).status ?? 'allow';
    if (status !== want) throw new Error(`bench setup: expected ${want}, got ${status}`);
  };
  check(await handler(event('/media/course-42/seg.m4s', cachedCookie)), 'allow');
  check(await handler(event('/media/course-42/seg.m4s', undefined)), '401');
  check(baseline(event('/media/course-42/seg.m4s', baselineCookie)), 'allow');
  const fnCheck = async (token: string | undefined, want: number | 'allow') => {
    const r = (await fn(functionEvent('/media/course-42/seg.m4s', token) as never)) as {
      statusCode?: number;
    };
    if ((r.statusCode ?? 'allow') !== want) throw new Error(`bench setup: function gave ${r.statusCode}`);
  };
  await fnCheck(hsSame, 'allow');
  await fnCheck(undefined, 401);

  const bench = new Bench({ time: 1500, warmupTime: 200 });
  bench
    .add('edge: cached session (allow)', async () => {
      await handler(event('/media/course-42/seg001.m4s', cachedCookie));
    })
    .add('edge: first-seen session (verify ES256, allow)', async () => {
      await handler(event('/media/course-42/seg001.m4s', pool[next++ % pool.length]));
    })
    .add('edge: denial (no session, 401)', async () => {
      await handler(event('/media/course-42/seg001.m4s', POLICY_COOKIES));
    })
    // CloudFront Functions keep nothing between requests: every request verifies, so the same
    // token and a new token cost the same work (listed both, for the side-by-side table).
    .add('function: same session again (HS256 + KVS reads, allow)', async () => {
      await fn(functionEvent('/media/course-42/seg001.m4s', hsSame) as never);
    })
    .add('function: first-seen session (HS256 + KVS reads, allow)', async () => {
      await fn(functionEvent('/media/course-42/seg001.m4s', hsPool[nextHs++ % hsPool.length]) as never);
    })
    .add('function: denial (no session, 401)', async () => {
      await fn(functionEvent('/media/course-42/seg001.m4s', undefined) as never);
    })
    .add('baseline: RS256 verify every request', () => {
      baseline(event('/media/course-42/seg001.m4s', baselineCookie));
    });
  await bench.run();

  const meanUs = (name: string) => (bench.getTask(name)!.result as unknown as Stats).latency.mean * 1000;
  const baseUs = meanUs('baseline: RS256 verify every request');
  console.table(
    bench.tasks.map((task) => {
      const r = task.result as unknown as Stats;
      const mean = r.latency.mean * 1000;
      return {
        task: task.name,
        'mean µs': mean.toFixed(2),
        'p99 µs': (r.latency.p99 * 1000).toFixed(2),
        'ops/s': Math.round(r.throughput.mean),
        'vs baseline':
          baseUs >= mean ? `${(baseUs / mean).toFixed(1)}× faster` : `${(mean / baseUs).toFixed(1)}× slower`,
      };
    }),
  );

  const outfile = join(ROOT, '.build', 'bench', 'viewer-request.js');
  const { bytes } = await buildEdgeBundle({ stage: 'dev', root: ROOT, outfile, keyringDir });
  const gzip = gzipSync(readFileSync(outfile)).length;
  const token = await issue('cold');
  const script = `
    const t0 = process.hrtime.bigint();
    const { handler } = require(${JSON.stringify(outfile)});
    handler({ Records: [{ cf: { config: {}, request: { clientIp: '203.0.113.1', method: 'GET', uri: '/media/course-42/a.ts',
      querystring: '', headers: { cookie: [{ key: 'Cookie', value: '${COOKIE}=' + process.env.TOKEN }] } } } }] })
      .then((r) => { if (r.status) throw new Error('denied ' + r.status); console.log(Number(process.hrtime.bigint() - t0) / 1e6); });`;
  const cold: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < 7; i++) {
    const start = process.hrtime.bigint();
    cold.push(
      Number(
        execFileSync(process.execPath, ['-e', script], { env: { TOKEN: token }, encoding: 'utf8' }).trim(),
      ),
    );
    wall.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const cached = meanUs('edge: cached session (allow)');
  const coldMs = median(cold);
  console.table([
    { figure: 'cached request', value: `${cached.toFixed(2)} µs`, target: '≤ 10 µs', ok: cached <= 10 },
    {
      figure: 'cached vs baseline',
      value: `${(baseUs / cached).toFixed(1)}×`,
      target: '≥ 10×',
      ok: baseUs / cached >= 10,
    },
    { figure: 'bundle (minified)', value: `${bytes} B`, target: '≤ 51200 B', ok: bytes <= 51200 },
    { figure: 'bundle (gzip)', value: `${gzip} B`, target: '', ok: '' },
    {
      figure: 'CloudFront Function code (function mode)',
      value: `${functionBytes} B`,
      target: `≤ ${CLOUDFRONT_FUNCTION_MAX_CODE_BYTES.value} B (10 KB quota)`,
      ok: functionBytes <= CLOUDFRONT_FUNCTION_MAX_CODE_BYTES.value,
    },
    {
      figure: 'cold start: require + 1 request (median of 7)',
      value: `${coldMs.toFixed(1)} ms`,
      target: '≤ 25 ms',
      ok: coldMs <= 25,
    },
    {
      figure: 'whole `node` process incl. start-up (median)',
      value: `${median(wall).toFixed(0)} ms`,
      target: '',
      ok: '',
    },
  ]);
}
