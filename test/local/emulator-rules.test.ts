import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { VerifyInput } from '../../src/cloudfront/types';
import { type CloudFrontFunction, loadCloudFrontFunction } from '../../src/local/cloudfront-function';
import {
  CLOUDFRONT_ORIGIN_FACING_IP,
  type LambdaHandler,
  type LocalEdge,
  refusedOriginHeaders,
  startLocalEdge,
} from '../../src/local/server';

// CloudFront's rules for a viewer-request function's result and the function URL payload,
// exercised over HTTP with stand-in functions (the real ones are in local-edge.test.ts).
const ROOT = resolve(__dirname, '../..');
let edge: LocalEdge;
let stateDir: string;
let viewerRequest: LambdaHandler;
let login: LambdaHandler;
const deployedViewerHost = loadCloudFrontFunction(join(ROOT, 'functions', 'cloudfront', 'viewer-host.js'));
let viewerHost: CloudFrontFunction = deployedViewerHost;
const events: unknown[] = [];
const lines: string[] = [];

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'edge-auth-rules-'));
  edge = await startLocalEdge({
    port: 0,
    root: ROOT,
    stateDir,
    log: (line) => lines.push(line),
    // Every request passes the key-group check here: these tests are about what runs after it.
    verify: (_input: VerifyInput) => ({ allow: true, via: 'cookies', keyPairId: 'K', policy: '' }),
    handlers: {
      viewerRequest: (event, context, callback) => viewerRequest(event, context, callback),
      login: (event, context, callback) => login(event, context, callback),
      viewerHost: (event) => viewerHost(event),
    },
  });
}, 60000);

afterAll(async () => {
  await edge?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

type CfEvent = { Records: [{ cf: { config: Record<string, string>; request: Record<string, unknown> } }] };
const requestOf = (event: unknown) => (event as CfEvent).Records[0].cf.request;

describe('the viewer-request function as CloudFront runs it', () => {
  it('gets a faithful event', async () => {
    viewerRequest = async (event) => {
      events.push(event);
      return requestOf(event);
    };
    const response = await fetch(`${edge.url}/media/demo/index.m3u8?a=1&b=2`, {
      headers: { cookie: 'x=1', 'X-Custom': 'v' },
    });
    expect(response.status).toBe(200);
    const { config, request } = (events.pop() as CfEvent).Records[0].cf;
    expect(config.eventType).toBe('viewer-request');
    expect(config.requestId).toMatch(/^[A-Za-z0-9_=-]{40,}$/);
    expect(request).toMatchObject({
      clientIp: '127.0.0.1',
      method: 'GET',
      uri: '/media/demo/index.m3u8',
      querystring: 'a=1&b=2',
    });
    const headers = request.headers as Record<string, Array<{ key: string; value: string }>>;
    expect(headers.cookie).toEqual([{ key: 'cookie', value: 'x=1' }]);
    // The key keeps the case the viewer sent; the map key is lower-case.
    expect(headers['x-custom']).toEqual([{ key: 'X-Custom', value: 'v' }]);
    expect(headers.host![0]!.value).toBe(`127.0.0.1:${edge.port}`);
    expect(headers.connection).toBeUndefined();
  });

  it('a modified request goes on to the origin', async () => {
    viewerRequest = async (event) => ({ ...requestOf(event), uri: '/media/premium/index.m3u8' });
    const response = await fetch(`${edge.url}/media/demo/index.m3u8`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('#EXTM3U');
    expect(lines.at(-1)).toMatch(/^GET \/media\/demo\/index\.m3u8 200 origin /);
  });

  it('a generated response (string status) is sent as is, with its headers', async () => {
    viewerRequest = async () => ({
      status: '401',
      statusDescription: 'Unauthorized',
      headers: {
        'content-type': [{ key: 'Content-Type', value: 'application/json' }],
        'x-why': [{ key: 'X-Why', value: 'test' }],
      },
      body: '{"error":"nope"}',
    });
    const response = await fetch(`${edge.url}/media/demo/index.m3u8`);
    expect(response.status).toBe(401);
    expect(response.headers.get('x-why')).toBe('test');
    expect(response.headers.get('x-cache')).toBe('LambdaGeneratedResponse from cloudfront');
    expect(await response.json()).toEqual({ error: 'nope' });
    expect(lines.at(-1)).toMatch(/^GET \/media\/demo\/index\.m3u8 401 edge /);
  });

  it.each([
    [
      'changes a read-only header',
      (e: unknown) => ({
        ...requestOf(e),
        headers: { ...(requestOf(e).headers as object), host: [{ key: 'Host', value: 'x' }] },
      }),
    ],
    [
      'adds a disallowed header',
      (e: unknown) => ({
        ...requestOf(e),
        headers: { ...(requestOf(e).headers as object), 'x-amz-cf-id': [{ key: 'X-Amz-Cf-Id', value: 'x' }] },
      }),
    ],
    ['generates a body over 40 KB', () => ({ status: '200', body: 'x'.repeat(41 * 1024) })],
    ['returns a status above 599', () => ({ status: '600', body: 'x' })],
    ['returns a 204 with a body', () => ({ status: '204', body: 'x' })],
    ['returns nothing', () => undefined],
  ])('a function that %s gets a 502 from CloudFront', async (_name, make) => {
    viewerRequest = async (event) => make(event);
    const response = await fetch(`${edge.url}/media/demo/index.m3u8`);
    expect(response.status).toBe(502);
    expect(response.headers.get('x-cache')).toBe('Error from cloudfront');
    expect(await response.text()).toContain('The Lambda function result failed validation');
    expect(lines.at(-1)).toMatch(/^GET \/media\/demo\/index\.m3u8 502 cloudfront .*failed validation/);
  });

  it('a function that throws is a Lambda execution error: 503', async () => {
    viewerRequest = async () => {
      throw new Error('boom');
    };
    const response = await fetch(`${edge.url}/media/demo/index.m3u8`);
    expect(response.status).toBe(503);
    expect(lines.at(-1)).toMatch(/^GET \/media\/demo\/index\.m3u8 503 cloudfront .*boom/);
  });

  it('a callback-style function works too', async () => {
    viewerRequest = (event, _context, callback) => {
      callback!(null, requestOf(event));
      return undefined;
    };
    expect((await fetch(`${edge.url}/media/demo/init.mp4`)).status).toBe(200);
  });

  it('POST is not an allowed method on the media behavior', async () => {
    const response = await fetch(`${edge.url}/media/demo/index.m3u8`, { method: 'POST', body: 'x' });
    expect(response.status).toBe(403);
  });
});

describe('the login function behind its function URL', () => {
  it('gets a faithful HTTP API v2 payload and its result is applied', async () => {
    login = async (event) => {
      events.push(event);
      return {
        statusCode: 201,
        headers: { 'X-Done': 'yes' },
        cookies: ['a=1; Path=/', 'b=2; Path=/media/'],
        body: 'ok',
      };
    };
    const response = await fetch(`${edge.url}/auth/login?next=%2Fplayer.html`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: 'c=3; d=4',
        // A forged copy: the CloudFront Function on /auth/* overwrites it with the real Host.
        'x-auth-viewer-host': 'evil.example',
      },
      body: 'username=alice&password=x',
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-done')).toBe('yes');
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/media/']);
    const event = events.pop() as {
      rawPath: string;
      rawQueryString: string;
      cookies: string[];
      headers: Record<string, string>;
      isBase64Encoded: boolean;
      body: string;
      requestContext: { http: { method: string; sourceIp: string } };
    };
    expect(event.rawPath).toBe('/auth/login');
    expect(event.rawQueryString).toBe('next=%2Fplayer.html');
    expect(event.cookies).toEqual(['c=3', 'd=4']);
    expect(event.headers['x-auth-viewer-host']).toBe(`127.0.0.1:${edge.port}`);
    expect(event.headers.host).toMatch(/\.lambda-url\.us-east-1\.on\.aws$/);
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body, 'base64').toString()).toBe('username=alice&password=x');
    // Behind CloudFront the function URL's peer is CloudFront, not the viewer; the viewer's address
    // arrives in the header the /auth/* CloudFront Function writes from event.viewer.ip.
    expect(event.requestContext.http).toMatchObject({
      method: 'POST',
      sourceIp: CLOUDFRONT_ORIGIN_FACING_IP,
    });
    expect(event.headers['x-auth-viewer-ip']).toBe('127.0.0.1');
  });

  it('a login function that throws is a 502 from the function URL', async () => {
    login = async () => {
      throw new Error('down');
    };
    const response = await fetch(`${edge.url}/auth/session`);
    expect(response.status).toBe(502);
  });
});

describe('the CloudFront Function on /auth/* as CloudFront runs it', () => {
  afterEach(() => {
    viewerHost = deployedViewerHost;
  });

  it.each([
    ['adds x-edge-foo', { 'x-edge-foo': { value: '1' } }],
    ['adds X-Amz-Cf-Pop', { 'x-amz-cf-pop': { value: '1' } }],
    ['writes the read-only Host', { host: { value: 'evil.example' } }],
  ])('a function that %s gets a 502 from CloudFront', async (_name, extra) => {
    let called = false;
    login = async () => {
      called = true;
      return { statusCode: 200, body: 'reached' };
    };
    viewerHost = (event) => ({ ...event.request, headers: { ...event.request.headers, ...extra } });
    const response = await fetch(`${edge.url}/auth/session`);
    expect(response.status).toBe(502);
    expect(response.headers.get('x-cache')).toBe('Error from cloudfront');
    expect(called).toBe(false);
    expect(lines.at(-1)).toMatch(/^GET \/auth\/session 502 cloudfront .*failed validation/);
  });

  it('sees a viewer-sent CloudFront-Viewer-Country and never the headers CloudFront hides', async () => {
    let seen: Record<string, unknown> = {};
    viewerHost = (event) => {
      seen = event.request.headers;
      return event.request;
    };
    login = async () => ({ statusCode: 204 });
    await fetch(`${edge.url}/auth/session`, {
      headers: { 'CloudFront-Viewer-Country': 'NZ', 'X-Edge-Foo': '1', 'X-Amz-Cf-Id': 'forged' },
    });
    expect(seen['cloudfront-viewer-country']).toEqual({ value: 'NZ' });
    expect(seen['x-edge-foo']).toBeUndefined();
    expect(seen['x-amz-cf-id']).toBeUndefined();
  });
});

describe('Lambda@Edge and CloudFront headers', () => {
  it('a viewer-request function sees a viewer-sent CloudFront-Viewer-Country', async () => {
    viewerRequest = async (event) => {
      events.push(event);
      return requestOf(event);
    };
    await fetch(`${edge.url}/media/demo/index.m3u8`, { headers: { 'CloudFront-Viewer-Country': 'NZ' } });
    const headers = requestOf(events.pop()).headers as Record<string, Array<{ value: string }>>;
    expect(headers['cloudfront-viewer-country']).toEqual([{ key: 'CloudFront-Viewer-Country', value: 'NZ' }]);
  });

  it('a viewer-request function that adds CloudFront-Viewer-Country gets a 502', async () => {
    viewerRequest = async (event) => ({
      ...requestOf(event),
      headers: {
        ...(requestOf(event).headers as object),
        'cloudfront-viewer-country': [{ key: 'CloudFront-Viewer-Country', value: 'US' }],
      },
    });
    expect((await fetch(`${edge.url}/media/demo/index.m3u8`)).status).toBe(502);
  });

  it('a numeric generated status is not refused (no AWS page says it is)', async () => {
    viewerRequest = async () => ({ status: 401, body: 'no' });
    expect((await fetch(`${edge.url}/media/demo/index.m3u8`)).status).toBe(401);
  });
});

describe('origin requests the local edge builds', () => {
  it('refuses the origin custom header names CloudFront refuses, and adds none of them itself', () => {
    expect(
      refusedOriginHeaders(['x-edge-auth-origin-secret', 'X-Amz-Foo', 'Via', 'x-auth-origin-secret']),
    ).toEqual(['x-edge-auth-origin-secret', 'X-Amz-Foo', 'Via']);
  });

  it('answers 413 for a sign-in request over the 6 MB function URL payload', async () => {
    let called = false;
    login = async () => {
      called = true;
      return { statusCode: 200 };
    };
    const response = await fetch(`${edge.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: Buffer.alloc(5 * 1024 * 1024, 1),
    });
    // 5 MB of binary is over 6 MB once base64-encoded into the event.
    expect(response.status).toBe(413);
    expect(called).toBe(false);
  });
});
