import type { CloudFrontRequest } from 'aws-lambda';
import { denialResponse, fromCloudFront, toCloudFrontResult } from '../../src/edge/cloudfront';
import { type EdgeConfig, validateEdgeConfig } from '../../src/edge/config';
import { readCookie } from '../../src/edge/cookies';
import { createEdgeRuntime, DENY_MESSAGES, decide, type EdgeRequest } from '../../src/edge/decide';
import { SessionCache } from '../../src/edge/session-cache';
import type { SessionClaims } from '../../src/session/token';
import { sessionKey } from '../session/fixtures';

/**
 * What a viewer gets from the edge for the shapes real requests take: which cookie is the
 * session, where a page load is sent to sign in, what a player reads in a denial, and how the
 * per-container cache forgets.
 */
const PLAYER = 'https://player.example.com';
const config: EdgeConfig = validateEdgeConfig({
  version: 1,
  stage: 'test',
  issuer: 'edge-auth',
  audience: 'edge-auth-media',
  cookieName: 'edge_session',
  protectedPrefix: '/media/',
  signInPath: '/auth/sign-in',
  allowedOrigins: [PLAYER],
  clockSkewSeconds: 30,
  sessionCacheSize: 2,
  keys: [{ kid: 'k1', alg: 'ES256', spki: sessionKey('k1').publicKeyPem }],
});

describe('readCookie: the session cookie among others', () => {
  it.each([
    ['edge_session=abc', 'abc'],
    ['a=1; edge_session=abc; b=2', 'abc'],
    ['a=1;edge_session=abc', 'abc'],
    ['a=1;\tedge_session=abc', 'abc'],
    ['a=1;   edge_session= abc ', 'abc'],
    ['edge_session="abc"', 'abc'],
    ['edge_session=""', ''],
    ['edge_session="', '"'],
    ['edge_session=abc"', 'abc"'],
    ['edge_session="abc', '"abc'],
    ['edge_session=abc; edge_session=def', 'abc'],
    ['xedge_session=evil; edge_session=abc', 'abc'],
    ['edge_session_x=evil; edge_session=abc', 'abc'],
    ['edge_sessio=evil;edge_session=abc;', 'abc'],
  ])('%j → %j', (header, value) => {
    expect(readCookie(header, 'edge_session')).toBe(value);
  });

  it.each([
    [undefined],
    [''],
    ['a=1; b=2'],
    ['edge_session'],
    ['xedge_session=evil'],
    ['edge_session_x=1'],
    [';;;'],
  ])('%j has no session', (header) => {
    expect(readCookie(header, 'edge_session')).toBeUndefined();
  });
});

describe('sign-in redirects for page loads; JSON 401 for players', () => {
  const runtime = createEdgeRuntime(config);
  const base: EdgeRequest = {
    method: 'GET',
    uri: '/media/a/index.html',
    querystring: '',
    accept: 'text/html',
  };

  it('a page load keeps its query in next', () => {
    expect(decide({ ...base, querystring: 'x=1&y=2' }, runtime, 0)).toMatchObject({
      kind: 'redirect',
      location: '/auth/sign-in?next=%2Fmedia%2Fa%2Findex.html%3Fx%3D1%26y%3D2',
    });
  });

  it('a sign-in path that already has a query gets &next', () => {
    const withQuery = createEdgeRuntime({ ...config, signInPath: '/auth/sign-in?from=edge' });
    expect(decide(base, withQuery, 0)).toMatchObject({
      location: '/auth/sign-in?from=edge&next=%2Fmedia%2Fa%2Findex.html',
    });
  });

  it.each([
    ['HEAD', 'text/html'],
    ['GET', 'application/xhtml+xml,text/html;q=0.9'],
  ])('%s with Accept %j is a page load', (method, accept) => {
    expect(decide({ ...base, method, accept }, runtime, 0)).toMatchObject({ kind: 'redirect' });
  });

  it.each([
    ['POST', 'text/html'],
    ['OPTIONS', 'text/html'],
    ['GET', 'application/vnd.apple.mpegurl'],
    ['GET', undefined],
    ['GET', '*/*'],
  ])('%s with Accept %j gets the JSON 401', (method, accept) => {
    expect(decide({ ...base, method, accept }, runtime, 0)).toEqual({
      kind: 'deny',
      status: 401,
      code: 'ERR_NO_SESSION',
      reason: 'no-session',
    });
  });

  it('a hostile path is refused 403 before any session check, even for a page load', () => {
    expect(decide({ ...base, uri: '/media/../etc/passwd' }, runtime, 0)).toEqual({
      kind: 'deny',
      status: 403,
      code: 'ERR_PATH_REJECTED',
      reason: 'dot-segment',
    });
  });
});

describe('CloudFront shapes in and out', () => {
  const cfRequest = (headers: CloudFrontRequest['headers'], querystring?: string): CloudFrontRequest =>
    ({
      clientIp: '192.0.2.1',
      method: 'GET',
      uri: '/media/a/x.ts',
      querystring,
      headers,
    }) as CloudFrontRequest;

  it('reads method, uri, query, Accept, Origin and joins several Cookie headers', () => {
    const request = cfRequest(
      {
        cookie: [
          { key: 'Cookie', value: 'a=1' },
          { key: 'Cookie', value: 'edge_session=t' },
        ],
        accept: [{ key: 'Accept', value: 'text/html' }],
        origin: [{ key: 'Origin', value: PLAYER }],
      },
      'x=1',
    );
    expect(fromCloudFront(request)).toEqual({
      method: 'GET',
      uri: '/media/a/x.ts',
      querystring: 'x=1',
      cookie: 'a=1; edge_session=t',
      accept: 'text/html',
      origin: PLAYER,
    });
  });

  it('one Cookie header is taken as is; none, and no query, are empty', () => {
    expect(fromCloudFront(cfRequest({ cookie: [{ key: 'Cookie', value: 'edge_session=t' }] }))).toMatchObject(
      {
        cookie: 'edge_session=t',
        querystring: '',
      },
    );
    expect(fromCloudFront(cfRequest({}))).toEqual({
      method: 'GET',
      uri: '/media/a/x.ts',
      querystring: '',
      cookie: undefined,
      accept: undefined,
      origin: undefined,
    });
  });

  it('empty header lists read as absent, never as a crash', () => {
    expect(fromCloudFront(cfRequest({ cookie: [], accept: [], origin: [] }))).toMatchObject({
      cookie: undefined,
      accept: undefined,
      origin: undefined,
    });
  });

  it('a denial is JSON, not cached, with the public message, and CORS only for the player', () => {
    const forPlayer = denialResponse(403, 'ERR_NOT_GRANTED', PLAYER, config);
    expect(forPlayer).toEqual({
      status: '403',
      statusDescription: 'Forbidden',
      headers: {
        'content-type': [{ key: 'Content-Type', value: 'application/json' }],
        'cache-control': [{ key: 'Cache-Control', value: 'no-store' }],
        'access-control-allow-origin': [{ key: 'Access-Control-Allow-Origin', value: PLAYER }],
        'access-control-allow-credentials': [{ key: 'Access-Control-Allow-Credentials', value: 'true' }],
        vary: [{ key: 'Vary', value: 'Origin' }],
      },
      body: JSON.stringify({
        error: { code: 'ERR_NOT_GRANTED', message: 'Your account has no access to this content.' },
      }),
    });
    for (const origin of ['https://evil.example', undefined]) {
      expect(Object.keys(denialResponse(401, 'ERR_NO_SESSION', origin, config).headers!)).toEqual([
        'content-type',
        'cache-control',
      ]);
    }
    expect(denialResponse(401, 'ERR_NO_SESSION', PLAYER, undefined).statusDescription).toBe('Unauthorized');
    expect(Object.keys(denialResponse(401, 'ERR_NO_SESSION', PLAYER, undefined).headers!)).toHaveLength(2);
  });

  it('every denial code has its own readable message', () => {
    expect(DENY_MESSAGES).toEqual({
      ERR_NO_SESSION: 'Sign in to access this content.',
      ERR_SESSION_INVALID: 'Your session is not valid. Sign in again.',
      ERR_SESSION_EXPIRED: 'Your session has expired. Sign in again.',
      ERR_PATH_REJECTED: 'This path is not allowed.',
      ERR_NOT_GRANTED: 'Your account has no access to this content.',
      ERR_EDGE_INTERNAL: 'Access could not be checked.',
      ERR_SESSION_REVOKED: 'This session was signed out. Sign in again.',
    });
  });

  it('an allow returns the request itself; a redirect is a 302 without a body, not cached', () => {
    const request = cfRequest({});
    const edge = fromCloudFront(request);
    expect(toCloudFrontResult({ kind: 'allow', sub: 'alice' }, request, edge, config)).toBe(request);
    expect(
      toCloudFrontResult(
        {
          kind: 'redirect',
          location: '/auth/sign-in?next=%2F',
          code: 'ERR_NO_SESSION',
          reason: 'no-session',
        },
        request,
        edge,
        config,
      ),
    ).toEqual({
      status: '302',
      statusDescription: 'Found',
      headers: {
        location: [{ key: 'Location', value: '/auth/sign-in?next=%2F' }],
        'cache-control': [{ key: 'Cache-Control', value: 'no-store' }],
      },
    });
    expect(
      toCloudFrontResult(
        { kind: 'deny', status: 403, code: 'ERR_PATH_REJECTED', reason: 'dot-segment' },
        request,
        { ...edge, origin: PLAYER },
        config,
      ),
    ).toEqual(denialResponse(403, 'ERR_PATH_REJECTED', PLAYER, config));
  });
});

describe('session cache: bounded, oldest out first, each entry dies with its token', () => {
  const claims = (sub: string, exp: number): SessionClaims => ({
    sub,
    grants: ['/media/a/*'],
    sid: 's',
    iat: 0,
    exp,
    iss: 'i',
    aud: 'a',
    auth_time: 0,
    amr: 'pwd',
  });

  it('keeps at most its size, dropping the oldest', () => {
    const cache = new SessionCache(2);
    cache.set('t1', claims('a', 100), 0);
    cache.set('t2', claims('b', 100), 0);
    expect(cache.size).toBe(2);
    cache.set('t3', claims('c', 100), 0);
    expect(cache.size).toBe(2);
    expect(cache.get('t1', 0)).toBeUndefined();
    expect(cache.get('t2', 0)).toMatchObject({ sub: 'b' });
    expect(cache.get('t3', 0)).toMatchObject({ sub: 'c' });
  });

  it('an entry holds the compiled grants and expires at (exp + skew) seconds', () => {
    const cache = new SessionCache(5);
    const entry = cache.set('t', claims('alice', 100), 7);
    expect(entry.expiresAt).toBe(107_000);
    expect(entry.grants.test('/media/a/x.ts')).toBe(true);
    expect(entry.grants.test('/media/b/x.ts')).toBe(false);
    expect(cache.get('t', 106_999)).toBe(entry);
    expect(cache.get('t', 107_000)).toBe('expired');
    expect(cache.size).toBe(0);
    expect(cache.get('t', 107_000)).toBeUndefined();
  });
});
