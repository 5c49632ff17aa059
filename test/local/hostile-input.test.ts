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
