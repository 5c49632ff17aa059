import { randomBytes } from 'node:crypto';
import type { CloudFrontRequestEvent, CloudFrontResultResponse } from 'aws-lambda';
import { importPKCS8, SignJWT } from 'jose';
import { createViewerRequestHandler } from '../../functions/viewer-request';
import { buildFunctionCode } from '../../scripts/build-function';
import { resolveSettings, sessionCookieName } from '../../src/config/settings';
import { buildEdgeConfig } from '../../src/edge/config-build';
import { buildFunctionEdgeConfig } from '../../src/edge/function-config';
import {
  type CloudFrontFunction,
  functionCloudFrontModule,
  functionCrypto,
  loadCloudFrontFunctionSource,
  toFunctionEvent,
} from '../../src/local/cloudfront-function';
import { loadEvent, sessionKey, writeTestKeyring } from '../session/fixtures';
import { GRANTS, NOW, PLAYER, VECTORS, type Vector } from './vectors';

// The one vector table against both edge modes, so they cannot drift.

// Under mutation testing (scripts/mutate.ts sets EDGE_AUTH_MUTATE_AREA) the function's source is
// instrumented by Stryker, whose switches live in this process's globals: the bundled code run in
// the emulator's sandbox could neither pass the runtime checks nor see the active mutant. There the
// handler is loaded in process instead, with the runtime's `cloudfront` module stood in and Node's
// own `crypto`; everywhere else the built, checked bundle runs in the sandbox.
const IN_PROCESS = process.env.EDGE_AUTH_MUTATE_AREA !== undefined;
const mockKvs: { entries: Record<string, string> } = { entries: {} };
jest.mock(
  'cloudfront',
  () => ({
    __esModule: true,
    default: {
      kvs: () => ({
        get: async (key: string) => {
          const value = mockKvs.entries[key];
          if (value === undefined) throw new Error(`key not found: ${key}`);
          return value;
        },
      }),
    },
  }),
  { virtual: true },
);
const settings = resolveSettings('dev');
const COOKIE = sessionCookieName(settings);
type Answer = { allow: true } | { status: number; code?: string; location?: string; cors?: string };

const es256 = sessionKey('k1');
const hmacSecret = randomBytes(32).toString('base64url');
let lambda: ReturnType<typeof createViewerRequestHandler>;
let fn: CloudFrontFunction;
let kvs: Record<string, string> = {};

function payload(claims: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sub: 'alice',
    grants: GRANTS,
    sid: 's1',
    iat: NOW,
    exp: NOW + 3600,
    iss: settings.session.issuer,
    aud: settings.session.audience,
    auth_time: NOW,
    amr: 'pwd',
    ...claims,
  };
}

async function tokenFor(mode: 'lambda' | 'function', vector: Vector): Promise<string | undefined> {
  if (!vector.session) return undefined;
  const alg = mode === 'lambda' ? 'ES256' : 'HS256';
  const key =
    mode === 'lambda'
      ? await importPKCS8(es256.privateKeyPem, 'ES256')
      : Buffer.from(hmacSecret, 'base64url');
  const kid = vector.session.spoil === 'unknown-kid' ? 'not-a-key' : mode === 'lambda' ? 'k1' : 'h1';
  const token = await new SignJWT(payload(vector.session.claims))
    .setProtectedHeader({ alg, kid, typ: 'JWT' })
    .sign(key);
  const [h, p, s] = token.split('.') as [string, string, string];
  switch (vector.session.spoil) {
    case 'signature':
      return `${h}.${p}.${s[0] === 'A' ? 'B' : 'A'}${s.slice(1)}`;
    case 'truncated':
      return token.slice(0, -10);
    case 'alg-none':
      return `${Buffer.from(JSON.stringify({ alg: 'none', kid })).toString('base64url')}.${p}.`;
    default:
      return token;
  }
}

function cookieHeader(token: string | undefined, vector: Vector): string | undefined {
  const parts = [vector.otherCookies, token === undefined ? undefined : `${COOKIE}=${token}`].filter(Boolean);
  return parts.length ? parts.join('; ') : undefined;
}

async function runLambda(vector: Vector): Promise<Answer> {
  const event = loadEvent<CloudFrontRequestEvent>('cloudfront/viewer-request');
  const request = event.Records[0]!.cf.request;
  request.uri = vector.uri;
  request.querystring = vector.querystring ?? '';
  const cookie = cookieHeader(await tokenFor('lambda', vector), vector);
  if (cookie) request.headers.cookie = [{ key: 'Cookie', value: cookie }];
  for (const [k, v] of Object.entries(vector.headers ?? {})) request.headers[k] = [{ key: k, value: v }];
  const result = await lambda(event);
  if (!('status' in result)) return { allow: true };
  const r = result as CloudFrontResultResponse;
  const h = r.headers ?? {};
  return {
    status: Number(r.status),
    ...(r.body ? { code: JSON.parse(r.body).error.code } : {}),
    ...(h.location ? { location: h.location[0]!.value } : {}),
    ...(h['access-control-allow-origin'] ? { cors: h['access-control-allow-origin'][0]!.value } : {}),
  };
}

async function runFunction(vector: Vector): Promise<Answer> {
  kvs = { 'key:h1': hmacSecret, ...(vector.kvs ?? {}) };
  mockKvs.entries = kvs;
  const rawHeaders = ['Host', 'd111111abcdef8.cloudfront.net'];
  for (const [k, v] of Object.entries(vector.headers ?? {})) rawHeaders.push(k, v);
  const cookie = cookieHeader(await tokenFor('function', vector), vector);
  if (cookie) rawHeaders.push('Cookie', cookie);
  const event = toFunctionEvent({
    method: 'GET',
    target: vector.querystring ? `${vector.uri}?${vector.querystring}` : vector.uri,
    rawHeaders,
    clientIp: '203.0.113.7',
    distributionDomainName: 'd111111abcdef8.cloudfront.net',
    distributionId: 'EDFDVBD6EXAMPLE',
    requestId: 'vector',
  });
  const before = structuredClone(event.request);
  const result = (await fn(event)) as {
    statusCode?: number;
    headers?: Record<string, { value: string }>;
    body?: { data: string };
  };
  if (result.statusCode === undefined) {
    // Allowed: the request goes on exactly as it came (no header added, nothing removed).
    expect(result).toEqual(before);
    return { allow: true };
  }
  const h = result.headers ?? {};
  return {
    status: result.statusCode,
    ...(result.body ? { code: JSON.parse(result.body.data).error.code } : {}),
    ...(h.location ? { location: h.location.value } : {}),
    ...(h['access-control-allow-origin'] ? { cors: h['access-control-allow-origin'].value } : {}),
  };
}

beforeAll(() => {
  const dir = writeTestKeyring([es256]);
  const config = { ...buildEdgeConfig(settings, dir), allowedOrigins: [PLAYER] };
  lambda = createViewerRequestHandler(config, { now: () => NOW * 1000, log: () => {} });
  if (IN_PROCESS) {
    (globalThis as Record<string, unknown>).__EDGE_AUTH_FUNCTION_CONFIG__ = {
      ...buildFunctionEdgeConfig(settings),
      allowedOrigins: [PLAYER],
    };
    // The sandbox's clock is NOW; in process the handler reads Date.now() itself.
    jest.spyOn(Date, 'now').mockReturnValue(NOW * 1000);
    fn = require('../../functions/cloudfront/media-session').handler as CloudFrontFunction;
    return;
  }
  const { code } = buildFunctionCode({ stage: 'dev', configOverrides: { allowedOrigins: [PLAYER] } });
  fn = loadCloudFrontFunctionSource(
    code,
    'media-session.js',
    {
      crypto: functionCrypto,
      cloudfront: functionCloudFrontModule({ get: (key) => kvs[key] }),
    },
    () => NOW * 1000,
  );
});

describe.each(['lambda', 'function'] as const)('edge test vectors: %s mode', (mode) => {
  const vectors = VECTORS.filter((v) => !v.modes || v.modes.includes(mode));
  it.each(vectors.map((v) => [v.name, v] as const))('%s', async (_name, vector) => {
    const answer = mode === 'lambda' ? await runLambda(vector) : await runFunction(vector);
    expect(answer).toEqual(vector.expect);
  });
});

test('every vector runs in at least the function mode, and most in both', () => {
  const both = VECTORS.filter((v) => !v.modes).length;
  expect(both).toBeGreaterThanOrEqual(18);
});
