import { createHmac } from 'node:crypto';
import {
  decideFunctionMode,
  type FnRequest,
  fromFunctionRequest,
  functionDenial,
  type KeyValueReader,
  toFunctionResult,
} from '../../src/edge/decide-function';
import type { FunctionEdgeConfig } from '../../src/edge/function-config';
import type { EdgeRequest } from '../../src/edge/outcome';

/**
 * The `function` edge mode's decision and its CloudFront Functions result, called directly with
 * an in-memory KeyValueStore and Node's HMAC: the order of the store reads, how the session cookie
 * is found among the viewer's cookies, and every answer's status, code, headers and body. (The one
 * vector table in shared-vectors.test.ts holds this mode to the Lambda@Edge answers; this suite
 * states what that table cannot see.) Expected values are written from the contract: README
 * "Try it", docs/sessions.md and the CloudFront Functions event structure page.
 */
const NOW = 1_800_000_000;
const SECRET = Buffer.alloc(32, 7).toString('base64url');
const PLAYER = 'https://player.example.com';
const CONFIG: FunctionEdgeConfig = {
  version: 1,
  mode: 'function',
  stage: 'test',
  issuer: 'edge-auth',
  audience: 'edge-auth-media',
  cookieName: '__Host-edge-session',
  protectedPrefix: '/media/',
  signInPath: '/login',
  allowedOrigins: [PLAYER],
  clockSkewSeconds: 30,
};

const hmac = (secret: string, input: string): string =>
  createHmac('sha256', Buffer.from(secret, 'base64url')).update(input).digest('base64url');

function token(claims: Record<string, unknown> = {}): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${b64({ alg: 'HS256', kid: 'h1', typ: 'JWT' })}.${b64({
    sub: 'alice',
    sid: 's1',
    grants: ['/media/course-42/*'],
    iat: NOW,
    exp: NOW + 3600,
    iss: CONFIG.issuer,
    aud: CONFIG.audience,
    auth_time: NOW,
    amr: 'pwd',
    ...claims,
  })}`;
  return `${input}.${hmac(SECRET, input)}`;
}

/** A KeyValueStore that records every key read, in order. */
function store(entries: Record<string, string> = {}): KeyValueReader & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    get: async (key) => {
      reads.push(key);
      return Object.hasOwn(entries, key) ? entries[key] : undefined;
    },
  };
}

function request(over: Partial<EdgeRequest> = {}): EdgeRequest {
  return {
    method: 'GET',
    uri: '/media/course-42/seg001.m4s',
    querystring: '',
    cookie: `${CONFIG.cookieName}=${token()}`,
    ...over,
  };
}

const decide = (req: EdgeRequest, kv = store({ 'key:h1': SECRET })) =>
  decideFunctionMode(req, CONFIG, NOW * 1000, kv, hmac);

describe('decideFunctionMode: each outcome in full', () => {
  it('allows a granted path and names the user', async () => {
    expect(await decide(request())).toEqual({ kind: 'allow', sub: 'alice' });
  });

  it('refuses a rejected path with 403 ERR_PATH_REJECTED and the path problem, before reading the store', async () => {
    const kv = store({ 'key:h1': SECRET });
    const decision = await decide(request({ uri: '/media//course-42/seg.ts' }), kv);
    expect(decision).toEqual({
      kind: 'deny',
      status: 403,
      code: 'ERR_PATH_REJECTED',
      reason: expect.any(String),
    });
    expect((decision as { reason: string }).reason).not.toBe('');
    expect(kv.reads).toEqual([]);
  });

  it('answers no cookie at all with 401 ERR_NO_SESSION (reason no-session)', async () => {
    const kv = store({ 'key:h1': SECRET });
    expect(await decide(request({ cookie: undefined }), kv)).toEqual({
      kind: 'deny',
      status: 401,
      code: 'ERR_NO_SESSION',
      reason: 'no-session',
    });
    expect(kv.reads).toEqual([]);
  });

  it('sends a page load without a session to sign-in, keeping the query in next', async () => {
    expect(await decide(request({ cookie: undefined, accept: 'text/html', querystring: 'a=1' }))).toEqual({
      kind: 'redirect',
      location: '/login?next=%2Fmedia%2Fcourse-42%2Fseg001.m4s%3Fa%3D1',
      code: 'ERR_NO_SESSION',
      reason: 'no-session',
    });
  });

  it('refuses an expired session with 401 ERR_SESSION_EXPIRED', async () => {
    expect(await decide(request({ cookie: `${CONFIG.cookieName}=${token({ exp: NOW - 31 })}` }))).toEqual({
      kind: 'deny',
      status: 401,
      code: 'ERR_SESSION_EXPIRED',
      reason: 'expired',
    });
  });

  it('refuses a token signed with another secret with 401 ERR_SESSION_INVALID (bad-signature)', async () => {
    const other = store({ 'key:h1': Buffer.alloc(32, 8).toString('base64url') });
    expect(await decide(request(), other)).toEqual({
      kind: 'deny',
      status: 401,
      code: 'ERR_SESSION_INVALID',
      reason: 'bad-signature',
    });
  });

  it('looks the key up as key:<kid>, then the session, then the user', async () => {
    const kv = store({ 'key:h1': SECRET });
    await decide(request(), kv);
    expect(kv.reads).toEqual(['key:h1', 'rs:s1', 'ru:alice']);
  });

  it('refuses a revoked session (rs:<sid>) with 401 ERR_SESSION_REVOKED and does not read ru:<sub>', async () => {
    const kv = store({ 'key:h1': SECRET, 'rs:s1': String(NOW + 3600) });
    expect(await decide(request(), kv)).toEqual({
      kind: 'deny',
      status: 401,
      code: 'ERR_SESSION_REVOKED',
      reason: 'revoked',
    });
    expect(kv.reads).toEqual(['key:h1', 'rs:s1']);
  });

  it.each([
    ['signed in before the revocation', `${NOW + 1}:${NOW + 9000}`, 'revoked'],
    ['signed in the same second as the revocation', `${NOW}:${NOW + 9000}`, 'allowed'],
    ['signed in after the revocation', `${NOW - 1}:${NOW + 9000}`, 'allowed'],
    ['a value that does not parse', 'soon', 'revoked'],
    ['a value with text after it', `${NOW + 1}:${NOW + 9000}x`, 'revoked'],
    ['a value with text before it', `x${NOW - 1}:${NOW + 9000}`, 'revoked'],
    ['a 13-digit time', `${'1'.repeat(13)}:${NOW + 9000}`, 'revoked'],
    ['a 13-digit expiry', `${NOW - 1}:${'1'.repeat(13)}`, 'revoked'],
    ['a one-digit time', `1:${NOW + 9000}`, 'allowed'],
    ['a one-digit expiry', `${NOW - 1}:9`, 'allowed'],
  ])('a user revocation (ru:<sub>) %s: %s', async (_name, value, expected) => {
    const decision = await decide(request(), store({ 'key:h1': SECRET, 'ru:alice': value }));
    expect(decision.kind === 'allow' ? 'allowed' : (decision as { reason: string }).reason).toBe(expected);
  });

  it('refuses a path outside the grants with 403 ERR_NOT_GRANTED (outside-grants)', async () => {
    expect(await decide(request({ uri: '/media/course-43/seg001.m4s' }))).toEqual({
      kind: 'deny',
      status: 403,
      code: 'ERR_NOT_GRANTED',
      reason: 'outside-grants',
    });
  });
});

describe('decideFunctionMode: finding the session cookie', () => {
  const name = CONFIG.cookieName;
  const good = token();

  it.each([
    ['alone', `${name}=${good}`],
    ['after other cookies', `CloudFront-Policy=abc; CloudFront-Key-Pair-Id=K1; ${name}=${good}`],
    ['before other cookies', `${name}=${good}; other=1`],
    ['with spaces around the name and value', `a=1;  ${name} =  ${good} ; b=2`],
    ['in double quotes', `${name}="${good}"`],
    ['after a pair without a name', `=junk; ${name}=${good}`],
    ['after a cookie whose name ends with ours', `x${name}=junk; ${name}=${good}`],
  ])('finds it %s', async (_name, cookie) => {
    expect(await decide(request({ cookie }))).toEqual({ kind: 'allow', sub: 'alice' });
  });

  it('takes the first of two session cookies', async () => {
    const cookie = `${name}=${good}; ${name}=junk`;
    expect(await decide(request({ cookie }))).toEqual({ kind: 'allow', sub: 'alice' });
    const second = `${name}=junk; ${name}=${good}`;
    expect(await decide(request({ cookie: second }))).toMatchObject({ code: 'ERR_SESSION_INVALID' });
  });

  it.each([
    ['only other cookies', 'a=1; b=2'],
    ['an empty header', ''],
    ['a pair without a name holding our cookie', `=${name}=${good}`],
    ['an empty value', `${name}=`],
    ['an empty quoted value', `${name}=""`],
    ['a pair without "=" that starts with our name', `${name}1; a=1`],
  ])('answers %s as no session (401 ERR_NO_SESSION)', async (_name, cookie) => {
    expect(await decide(request({ cookie }))).toEqual({
      kind: 'deny',
      status: 401,
      code: 'ERR_NO_SESSION',
      reason: 'no-session',
    });
  });

  it.each([
    ['a lone quote', `${name}="`],
    ['an unclosed quote', `${name}="${good}`],
    ['a closing quote only', `${name}=${good}"`],
    ['text, the token and a closing quote', `${name}=x${good}"`],
  ])('keeps %s as the value, which is no token (ERR_SESSION_INVALID, malformed)', async (_name, cookie) => {
    expect(await decide(request({ cookie }))).toEqual({
      kind: 'deny',
      status: 401,
      code: 'ERR_SESSION_INVALID',
      reason: 'malformed',
    });
  });
});

describe('fromFunctionRequest: the function event as the request both decisions read', () => {
  const event = (over: Partial<FnRequest> = {}): FnRequest => ({
    method: 'GET',
    uri: '/media/a.m3u8',
    querystring: {},
    headers: {},
    cookies: {},
    ...over,
  });

  it('writes the query back in order, encoded, with a bare name for an empty value', () => {
    const req = fromFunctionRequest(
      event({
        querystring: {
          a: { value: '1' },
          flag: { value: '' },
          'x y': { value: 'a&b=c' },
          m: { value: '1', multiValue: [{ value: '1' }, { value: '2' }] },
        },
      }),
    );
    expect(req.querystring).toBe('a=1&flag&x%20y=a%26b%3Dc&m=1&m=2');
  });

  it('joins the cookies with "; ", every value of a repeated cookie included', () => {
    const req = fromFunctionRequest(
      event({
        cookies: {
          a: { value: '1' },
          b: { value: 'x', multiValue: [{ value: 'x' }, { value: 'y' }] },
        },
      }),
    );
    expect(req.cookie).toBe('a=1; b=x; b=y');
  });

  it('uses the single value when multiValue is empty', () => {
    const req = fromFunctionRequest(event({ cookies: { a: { value: '1', multiValue: [] } } }));
    expect(req.cookie).toBe('a=1');
  });

  it('has no cookie, no query, no accept and no origin when the event has none', () => {
    expect(fromFunctionRequest(event())).toEqual({
      method: 'GET',
      uri: '/media/a.m3u8',
      querystring: '',
      cookie: undefined,
      accept: undefined,
      origin: undefined,
    });
  });

  it('reads the method, the URI and the accept and origin headers', () => {
    const req = fromFunctionRequest(
      event({
        method: 'HEAD',
        uri: '/media/b.ts',
        headers: { accept: { value: 'text/html' }, origin: { value: PLAYER }, host: { value: 'h' } },
      }),
    );
    expect(req).toEqual({
      method: 'HEAD',
      uri: '/media/b.ts',
      querystring: '',
      cookie: undefined,
      accept: 'text/html',
      origin: PLAYER,
    });
  });
});

describe('functionDenial and toFunctionResult: the generated answers', () => {
  it('writes a 403 as JSON, not cached, with its code and message', () => {
    expect(functionDenial(403, 'ERR_NOT_GRANTED', undefined, CONFIG)).toEqual({
      statusCode: 403,
      statusDescription: 'Forbidden',
      headers: { 'content-type': { value: 'application/json' }, 'cache-control': { value: 'no-store' } },
      body: {
        encoding: 'text',
        data: '{"error":{"code":"ERR_NOT_GRANTED","message":"Your account has no access to this content."}}',
      },
    });
  });

  it('writes a 401 with its own status text and message', () => {
    const answer = functionDenial(401, 'ERR_SESSION_REVOKED', undefined, CONFIG);
    expect(answer.statusCode).toBe(401);
    expect(answer.statusDescription).toBe('Unauthorized');
    expect(JSON.parse(answer.body!.data)).toEqual({
      error: { code: 'ERR_SESSION_REVOKED', message: 'This session was signed out. Sign in again.' },
    });
  });

  it('names an allowed origin with credentials and Vary: Origin', () => {
    expect(functionDenial(401, 'ERR_NO_SESSION', PLAYER, CONFIG).headers).toEqual({
      'content-type': { value: 'application/json' },
      'cache-control': { value: 'no-store' },
      'access-control-allow-origin': { value: PLAYER },
      'access-control-allow-credentials': { value: 'true' },
      vary: { value: 'Origin' },
    });
  });

  it.each([
    ['another origin', 'https://evil.example.com', CONFIG],
    ['an origin that only starts like an allowed one', `${PLAYER}.evil.com`, CONFIG],
    ['no origin', undefined, CONFIG],
    ['no config (the function failed before reading it)', PLAYER, undefined],
  ])('gives no CORS headers for %s', (_name, origin, config) => {
    expect(Object.keys(functionDenial(403, 'ERR_EDGE_INTERNAL', origin, config).headers)).toEqual([
      'content-type',
      'cache-control',
    ]);
  });

  const fn: FnRequest = { method: 'GET', uri: '/media/a.ts', querystring: {}, headers: {}, cookies: {} };

  it('lets an allowed request go on as the same object, untouched', () => {
    const copy = structuredClone(fn);
    const result = toFunctionResult({ kind: 'allow', sub: 'alice' }, fn, fromFunctionRequest(fn), CONFIG);
    expect(result).toBe(fn);
    expect(fn).toEqual(copy);
  });

  it('writes a redirect as a 302 Found with Location, not cached, and no body', () => {
    expect(
      toFunctionResult(
        {
          kind: 'redirect',
          location: '/login?next=%2Fmedia%2Fa.ts',
          code: 'ERR_NO_SESSION',
          reason: 'no-session',
        },
        fn,
        fromFunctionRequest(fn),
        CONFIG,
      ),
    ).toEqual({
      statusCode: 302,
      statusDescription: 'Found',
      headers: { location: { value: '/login?next=%2Fmedia%2Fa.ts' }, 'cache-control': { value: 'no-store' } },
    });
  });

  it("writes a denial with the viewer's origin taken from the request", () => {
    const edge = { ...fromFunctionRequest(fn), origin: PLAYER };
    const result = toFunctionResult(
      { kind: 'deny', status: 403, code: 'ERR_NOT_GRANTED', reason: 'outside-grants' },
      fn,
      edge,
      CONFIG,
    );
    expect(result).toEqual(functionDenial(403, 'ERR_NOT_GRANTED', PLAYER, CONFIG));
    expect((result as { headers: Record<string, unknown> }).headers['access-control-allow-origin']).toEqual({
      value: PLAYER,
    });
  });
});
