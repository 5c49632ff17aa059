import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createLoginHandler } from '../../functions/login';
import { resolveSettings, type Settings } from '../../src/config/settings';
import { type LambdaHandler, type LocalEdge, startLocalEdge } from '../../src/local/server';
import { loginEnvironment } from '../../src/local/setup';
import { CookieJar, playlistParts, signIn } from './helpers';

// An IP-bound stage (cloudFront.bindIp: true) end to end on the local edge, over real sockets:
// the viewer address reaches the login function only through x-auth-viewer-ip (its sourceIp is
// CloudFront's), the cookies are bound to it, and the same cookies from another address are refused.
// "Another address" is a second loopback address: Linux routes all of 127.0.0.0/8 to lo.
const ROOT = resolve(__dirname, '../..');
const base = resolveSettings('local');
const BOUND: Settings = { ...base, cloudFront: { ...base.cloudFront, bindIp: true } };
let edge: LocalEdge;
let stateDir: string;

/** GET from a chosen local address (fetch cannot pick one). */
function getFrom(
  localAddress: string,
  path: string,
  cookie: string,
): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = request(`${edge.url}${path}`, { localAddress, headers: { cookie } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', fail);
    req.end();
  });
}

beforeAll(async () => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  stateDir = mkdtempSync(join(tmpdir(), 'edge-auth-ipbound-'));
  edge = await startLocalEdge({
    port: 0,
    root: ROOT,
    stateDir,
    settings: BOUND,
    log: () => undefined,
  });
}, 60000);

afterAll(async () => {
  await edge?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('an IP-bound local stage', () => {
  it('sign in, play (playlist and every segment 200); the same cookies from another address are refused', async () => {
    const jar = new CookieJar();
    expect((await signIn(edge.url, 'alice', 'wonderland', jar)).status).toBe(200);
    const policy = JSON.parse(
      Buffer.from(
        jar
          .get('CloudFront-Policy', '/media/demo/')!
          .replace(/-/g, '+')
          .replace(/_/g, '=')
          .replace(/~/g, '/'),
        'base64',
      ).toString(),
    );
    // Bound to the viewer (this test's socket), not to CloudFront's address the function URL reports.
    expect(policy.Statement[0].Condition.IpAddress).toEqual({ 'AWS:SourceIp': '127.0.0.1/32' });

    const playlist = await getFrom(
      '127.0.0.1',
      '/media/demo/index.m3u8',
      jar.header('/media/demo/index.m3u8'),
    );
    expect(playlist.status).toBe(200);
    const { init, segments } = playlistParts(playlist.body);
    expect(segments.length).toBeGreaterThan(0);
    for (const part of [init!, ...segments]) {
      const path = `/media/demo/${part}`;
      expect([part, (await getFrom('127.0.0.1', path, jar.header(path))).status]).toEqual([part, 200]);
    }

    const elsewhere = await getFrom(
      '127.0.0.2',
      '/media/demo/index.m3u8',
      jar.header('/media/demo/index.m3u8'),
    );
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body).toContain('<Code>AccessDenied</Code>');
  });
});

describe('the bug the local edge now shows', () => {
  it('a login function that binds cookies to its sourceIp (CloudFront) locks the viewer out', async () => {
    // The real login function, minus the viewer address header: what binding to sourceIp did.
    let real: LambdaHandler | undefined;
    const dir = mkdtempSync(join(tmpdir(), 'edge-auth-ipbound-bug-'));
    const other = await startLocalEdge({
      port: 0,
      root: ROOT,
      stateDir: dir,
      settings: BOUND,
      log: () => undefined,
      handlers: {
        login: (event: { headers: Record<string, string> }, context, callback) => {
          real ??= createLoginHandler(loginEnvironment(other.stage), { settings: BOUND }) as LambdaHandler;
          const { 'x-auth-viewer-ip': _dropped, ...headers } = event.headers;
          return real({ ...event, headers }, context, callback);
        },
      },
    });
    try {
      const jar = new CookieJar();
      expect((await signIn(other.url, 'alice', 'wonderland', jar)).status).toBe(200);
      const response = await fetch(`${other.url}/media/demo/index.m3u8`, {
        headers: { cookie: jar.header('/media/demo/index.m3u8') },
      });
      expect(response.status).toBe(403);
    } finally {
      await other.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60000);
});
