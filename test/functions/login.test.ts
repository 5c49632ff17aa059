import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createLoginHandler } from '../../functions/login';
import { type LoginFixture, loginFixture, parseSetCookie } from '../login/helpers';
import { loadEvent } from '../session/fixtures';

const NOW = 1_800_000_000_000;
let fx: LoginFixture;

beforeAll(async () => {
  fx = await loginFixture('dev');
});

const event = (name: string) => loadEvent<APIGatewayProxyEventV2>(`http-api/${name}`);
const run = (handler: ReturnType<typeof createLoginHandler>, e: APIGatewayProxyEventV2) =>
  handler(e) as Promise<APIGatewayProxyStructuredResultV2 & { cookies?: string[]; body: string }>;

describe('login handler (HTTP API v2 / function URL payload)', () => {
  it('signs in from a JSON body and answers with cookies in the payload-v2 `cookies` field', async () => {
    const handler = createLoginHandler(fx.env, { dummyHash: fx.dummyHash, now: () => NOW });
    const res = await run(handler, event('login-json'));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body).user).toBe('alice');
    expect(res.headers).toMatchObject({ 'content-type': 'application/json', 'cache-control': 'no-store' });
    const session = res.cookies!.map(parseSetCookie).find((c) => c.name === '__Host-edge_session')!;
    expect(session.attrs).toMatchObject({ secure: true, httponly: true, samesite: 'Lax', path: '/' });
  });

  it('decodes a base64 form post and redirects to its next', async () => {
    const handler = createLoginHandler(fx.env, { dummyHash: fx.dummyHash, now: () => NOW });
    const res = await run(handler, event('login-form'));
    expect([res.statusCode, res.headers!.location]).toEqual([303, '/player.html?v=demo']);
  });

  it('serves session, refresh and logout with the cookie from the login', async () => {
    const handler = createLoginHandler(fx.env, { dummyHash: fx.dummyHash, now: () => NOW });
    const login = await run(handler, event('login-json'));
    const token = login.cookies!.map(parseSetCookie).find((c) => c.name === '__Host-edge_session')!.value;
    for (const [name, status] of [
      ['session', 200],
      ['refresh', 200],
      ['logout', 200],
    ] as const) {
      const e = event(name);
      e.cookies = [`__Host-edge_session=${token}`];
      const res = await run(handler, e);
      expect([name, res.statusCode]).toEqual([name, status]);
    }
  });

  it('reads keys and users through ssm: references, once per container', async () => {
    const names: string[] = [];
    const env = {
      ...fx.env,
      EDGE_AUTH_CLOUDFRONT_PRIVATE_KEY: 'ssm:/edge-auth/local/cloudfront/cf1',
      EDGE_AUTH_USERS: 'ssm:/edge-auth/local/users',
    };
    const files: Record<string, string> = {
      '/edge-auth/local/cloudfront/cf1': join(fx.dir, 'cloudfront.key.pem'),
      '/edge-auth/local/users': join(fx.dir, 'users.json'),
    };
    const handler = createLoginHandler(env, {
      dummyHash: fx.dummyHash,
      now: () => NOW,
      readSsm: async (name) => {
        names.push(name);
        return readFileSync(files[name]!, 'utf8');
      },
    });
    expect((await run(handler, event('login-json'))).statusCode).toBe(200);
    expect((await run(handler, event('login-json'))).statusCode).toBe(200);
    expect(names.sort()).toEqual(['/edge-auth/local/cloudfront/cf1', '/edge-auth/local/users']);
  });

  it('answers 503 without detail when its keys cannot load, and retries on the next request', async () => {
    const env: Record<string, string | undefined> = {
      ...fx.env,
      EDGE_AUTH_SESSION_PRIVATE_KEY: 'file:/nonexistent/key.pem',
    };
    const errors: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((line: string) => {
      errors.push(line);
    });
    try {
      const handler = createLoginHandler(env, { dummyHash: fx.dummyHash, now: () => NOW });
      const res = await run(handler, event('login-json'));
      expect([res.statusCode, JSON.parse(res.body).error.code]).toEqual([503, 'ERR_LOGIN_UNAVAILABLE']);
      expect(errors.join('\n')).toContain('ERR_SECRET');
      env.EDGE_AUTH_SESSION_PRIVATE_KEY = fx.env.EDGE_AUTH_SESSION_PRIVATE_KEY;
      expect((await run(handler, event('login-json'))).statusCode).toBe(200);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('login handler on the local stage (plain-HTTP localhost)', () => {
  it('sets cookies without Secure and without the __Host- prefix', async () => {
    const local = await loginFixture('local');
    const handler = createLoginHandler(local.env, { dummyHash: local.dummyHash, now: () => NOW });
    const e = event('login-json');
    e.headers.origin = 'http://localhost:3000';
    e.headers['x-auth-viewer-host'] = 'localhost:3000';
    const res = await run(handler, e);
    expect(res.statusCode).toBe(200);
    const cookies = res.cookies!.map(parseSetCookie);
    expect(cookies.find((c) => c.name === 'edge_session')!.attrs.secure).toBeUndefined();
    expect(cookies.every((c) => c.attrs.secure === undefined)).toBe(true);
    const policy = cookies.find((c) => c.name === 'CloudFront-Policy')!.value;
    const json = Buffer.from(
      policy.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'),
      'base64',
    ).toString();
    expect(JSON.parse(json).Statement[0].Resource).toBe('http://localhost:3000/media/course-42/*');
  });
});
