import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type LocalEdge, startLocalEdge } from '../../src/local/server';
import { CookieJar, get, signIn } from './helpers';

// The local edge under hostile input (issue 9, finding 7): request data used as object keys,
// foreign Host names, odd paths.
const ROOT = resolve(__dirname, '../..');
let edge: LocalEdge;
let stateDir: string;

beforeAll(async () => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  stateDir = mkdtempSync(join(tmpdir(), 'edge-auth-hostile-'));
  edge = await startLocalEdge({ port: 0, root: ROOT, stateDir, log: () => undefined });
}, 60000);

afterAll(async () => {
  await edge?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

/** A raw HTTP request (fetch refuses some header names and always sends its own Host). */
function raw(
  path: string,
  headers: Array<[string, string]>,
  method = 'GET',
  body?: string,
): Promise<{ status: number; statusText: string; headers: Record<string, unknown>; body: string }> {
  return new Promise((done, fail) => {
    const flat: string[] = [];
    for (const [k, v] of headers) flat.push(k, v);
    const req = request({ host: '127.0.0.1', port: edge.port, path, method, headers: flat, setHost: false });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        done({
          status: res.statusCode!,
          statusText: res.statusMessage ?? '',
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on('error', fail);
    req.end(body);
  });
}

const KEYS = ['__proto__', 'constructor', 'prototype'];

describe('prototype keys from the request', () => {
  it('__proto__, constructor and prototype as query, cookie and header names change nothing', async () => {
    const host = `127.0.0.1:${edge.port}`;
    const answers: Array<[string, number]> = [];
    for (const key of KEYS) {
      for (const path of ['/auth/session', '/auth/login', '/media/demo/index.m3u8', '/', '/player.html']) {
        const method = path === '/auth/login' ? 'POST' : 'GET';
        const body = method === 'POST' ? '{"username":"alice","password":"wrong"}' : undefined;
        const base: Array<[string, string]> = [
          ['host', host],
          ['content-type', 'application/json'],
          ['origin', `http://${host}`],
        ];
        for (const variant of [
          [...base, ['cookie', `${key}=1; ${key}=2`]],
          [...base, [key, '1'], [key, '2']],
        ] as Array<Array<[string, string]>>) {
          const res = await raw(path, variant, method, body);
          answers.push([`${method} ${path} ${variant.at(-1)![0]}`, res.status]);
        }
        const q = await raw(`${path}?${key}=1&${key}=2&${key}[x]=3`, base, method, body);
        answers.push([`${method} ${path}?${key}`, q.status]);
      }
    }
    expect(answers.filter(([, status]) => status >= 500)).toEqual([]);
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(({} as Record<string, unknown>).value).toBeUndefined();

    // And the server still works for everyone.
    const jar = new CookieJar();
    expect((await signIn(edge.url, 'alice', 'wonderland', jar)).status).toBe(200);
    expect((await get(edge.url, '/media/demo/index.m3u8', jar)).status).toBe(200);
    expect((await get(edge.url, '/auth/session', jar)).status).toBe(200);
  });
});

describe('the Host allow-list (DNS rebinding)', () => {
  it('answers only localhost, 127.0.0.1 and [::1], with or without the port', async () => {
    for (const host of [
      'localhost',
      `localhost:${edge.port}`,
      'LOCALHOST',
      '127.0.0.1',
      `127.0.0.1:${edge.port}`,
      '[::1]',
      `[::1]:${edge.port}`,
    ]) {
      const res = await raw('/', [['host', host]]);
      expect([host, res.status]).toEqual([host, 200]);
    }
  });

  it('refuses any other Host with 421 before signing anything or reading media', async () => {
    for (const host of [
      'evil.example',
      `evil.example:${edge.port}`,
      'localhost.evil.example',
      '127.0.0.2',
      '[::2]',
      '0.0.0.0',
      'localhost:x',
      '',
    ]) {
      for (const [path, method, body] of [
        ['/', 'GET', undefined],
        ['/media/demo/index.m3u8', 'GET', undefined],
        ['/auth/login', 'POST', '{"username":"alice","password":"wonderland"}'],
      ] as const) {
        const res = await raw(
          path,
          [
            ['host', host],
            ['content-type', 'application/json'],
          ],
          method,
          body,
        );
        expect([host, path, res.status, res.statusText]).toEqual([host, path, 421, 'Misdirected Request']);
        expect(res.headers['set-cookie']).toBeUndefined();
        expect(res.body).toContain('ERR_HOST_NOT_ALLOWED');
      }
    }
  });

  it('also answers the name given with --host', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-auth-hostname-'));
    // Any 127.x address is loopback on Linux: a second address stands for a LAN name or address.
    const named = await startLocalEdge({
      port: 0,
      host: '127.0.0.2',
      root: ROOT,
      stateDir: dir,
      log: () => undefined,
      handlers: { viewerRequest: () => undefined, login: () => ({ statusCode: 204 }) },
    });
    try {
      const ok = await fetch(`http://127.0.0.2:${named.port}/`);
      expect(ok.status).toBe(200);
    } finally {
      await named.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('failed responses', () => {
  it('a response header Node refuses becomes a 502 with its own reason phrase, not the original one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-auth-reason-'));
    const odd = await startLocalEdge({
      port: 0,
      root: ROOT,
      stateDir: dir,
      log: () => undefined,
      verify: () => ({ allow: true }) as never,
      handlers: {
        // A generated response whose header value cannot be sent (a character above U+00FF).
        viewerRequest: async () => ({
          status: '200',
          statusDescription: 'OK',
          headers: { 'x-title': [{ key: 'X-Title', value: 'caf\u0113' }] },
          body: 'x',
        }),
        login: () => ({ statusCode: 204 }),
      },
    });
    try {
      const res = await new Promise<{ status: number; text: string }>((done, fail) => {
        request(`http://127.0.0.1:${odd.port}/media/demo/index.m3u8`, (r) => {
          r.resume();
          r.on('end', () => done({ status: r.statusCode!, text: r.statusMessage ?? '' }));
        })
          .on('error', fail)
          .end();
      });
      expect(res).toEqual({ status: 502, text: 'Bad Gateway' });
    } finally {
      await odd.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
