import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { main } from '../../src/cli/main';
import { signCookies } from '../../src/cloudfront/signer';
import { type LocalEdge, startLocalEdge } from '../../src/local/server';
import { CookieJar, get, playlistParts, signIn } from './helpers';

// Integration over real HTTP: the local edge with the real verifier, the real edge bundle and
// the real login function, on loopback.
const ROOT = resolve(__dirname, '../..');
const MEDIA = join(ROOT, 'media');
let edge: LocalEdge;
let stateDir: string;
const lines: string[] = [];

beforeAll(async () => {
  // The edge function logs each denial as Lambda would (to CloudWatch); keep test output readable.
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  stateDir = mkdtempSync(join(tmpdir(), 'edge-auth-local-'));
  edge = await startLocalEdge({ port: 0, root: ROOT, stateDir, log: (line) => lines.push(line) });
}, 60000);

afterAll(async () => {
  await edge?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

const EXPECTED_TYPES: Record<string, string> = {
  m3u8: 'application/vnd.apple.mpegurl',
  mp4: 'video/mp4',
  m4s: 'video/iso.segment',
};

describe('the local edge over HTTP', () => {
  it('first run made the local keys and the demo users', () => {
    expect(readdirSync(join(stateDir, 'keys')).sort()).toEqual(
      expect.arrayContaining([
        'keyring.json',
        'cloudfront-local-cf-1.key.pem',
        'session-local-session-1.key.pem',
      ]),
    );
    const users = JSON.parse(readFileSync(join(stateDir, 'users.json'), 'utf8')) as {
      users: Array<{ username: string; grants: string[] }>;
    };
    expect(users.users.map((u) => [u.username, u.grants])).toEqual([
      ['alice', ['/media/demo/*']],
      ['bob', ['/media/demo/*', '/media/premium/*']],
    ]);
    expect(edge.stage.keyPairId).toMatch(/^K[A-Z0-9]{13}$/);
  });

  it('sign-in → cookies → playlist, init segment and every media segment, 200 with the right types', async () => {
    const jar = new CookieJar();
    const login = await signIn(edge.url, 'alice', 'wonderland', jar);
    expect(login.status).toBe(200);
    expect(jar.get('CloudFront-Key-Pair-Id', '/media/demo/')).toBe(edge.stage.keyPairId);
    expect(jar.get('edge_session', '/')).toBeDefined();

    const playlist = await get(edge.url, '/media/demo/index.m3u8', jar);
    expect(playlist.status).toBe(200);
    expect(playlist.headers.get('content-type')).toBe(EXPECTED_TYPES.m3u8);
    const text = await playlist.text();
    expect(text).toBe(readFileSync(join(MEDIA, 'demo', 'index.m3u8'), 'utf8'));
    const { init, segments } = playlistParts(text);
    const onDisk = readdirSync(join(MEDIA, 'demo')).filter((f) => f.endsWith('.m4s'));
    expect(init).toBe('init.mp4');
    expect(segments.sort()).toEqual(onDisk.sort());
    for (const part of [init!, ...segments]) {
      const response = await get(edge.url, `/media/demo/${part}`, jar);
      expect([part, response.status]).toEqual([part, 200]);
      expect(response.headers.get('content-type')).toBe(EXPECTED_TYPES[part.split('.').pop()!]);
      expect(Buffer.from(await response.arrayBuffer())).toEqual(readFileSync(join(MEDIA, 'demo', part)));
    }
  });

  it('the origin honours Range (206), If-None-Match (304) and HEAD through the edge', async () => {
    const jar = new CookieJar();
    await signIn(edge.url, 'alice', 'wonderland', jar);
    const file = readFileSync(join(MEDIA, 'demo', 'seg-001.m4s'));
    const ranged = await get(edge.url, '/media/demo/seg-001.m4s', jar, { range: 'bytes=100-199' });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 100-199/${file.length}`);
    expect(Buffer.from(await ranged.arrayBuffer())).toEqual(file.subarray(100, 200));
    const etag = ranged.headers.get('etag')!;
    const again = await get(edge.url, '/media/demo/seg-001.m4s', jar, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    const head = await fetch(`${edge.url}/media/demo/seg-001.m4s`, {
      method: 'HEAD',
      headers: { cookie: jar.header('/media/demo/') },
    });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(file.length));
  });

  it('no cookies → 403 MissingKey XML from CloudFront, without CORS headers', async () => {
    const response = await get(edge.url, '/media/demo/index.m3u8', undefined, {
      origin: 'http://localhost:3000',
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe('text/xml');
    expect([...response.headers.keys()].filter((h) => h.startsWith('access-control-'))).toEqual([]);
    const body = await response.text();
    expect(body).toContain('<Code>MissingKey</Code>');
    expect(body).toContain('<Message>Missing Key-Pair-Id query parameter or cookie value</Message>');
  });

  it('premium as alice → 403 at the edge, whether or not her demo cookies are sent there', async () => {
    const jar = new CookieJar();
    await signIn(edge.url, 'alice', 'wonderland', jar);
    // A browser does not send /media/demo/ cookies to /media/premium/: CloudFront sees none.
    const browserLike = await get(edge.url, '/media/premium/index.m3u8', jar);
    expect(browserLike.status).toBe(403);
    expect(await browserLike.text()).toContain('<Code>MissingKey</Code>');
    // A client that sends them anyway: the policy's Resource does not cover premium.
    const forced = await get(edge.url, '/media/premium/index.m3u8', undefined, {
      cookie: jar.header('/media/demo/'),
    });
    expect(forced.status).toBe(403);
    expect(await forced.text()).toContain('<Code>AccessDenied</Code>');
    expect(
      lines.some((l) => /GET \/media\/premium\/index\.m3u8 403 cloudfront .*resource-mismatch/.test(l)),
    ).toBe(true);
  });

  it('bob may watch premium', async () => {
    const jar = new CookieJar();
    expect((await signIn(edge.url, 'bob', 'builder', jar)).status).toBe(200);
    const response = await get(edge.url, '/media/premium/index.m3u8', jar);
    expect(response.status).toBe(200);
  });

  it('a tampered CloudFront-Policy → 403 AccessDenied', async () => {
    const jar = new CookieJar();
    await signIn(edge.url, 'alice', 'wonderland', jar);
    const policy = jar.get('CloudFront-Policy', '/media/demo/')!;
    const json = Buffer.from(
      policy.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'),
      'base64',
    ).toString();
    const widened = json.replace('/media/demo/*', '/media/*');
    expect(widened).not.toBe(json);
    const forged = Buffer.from(widened)
      .toString('base64')
      .replace(/\+/g, '-')
      .replace(/=/g, '_')
      .replace(/\//g, '~');
    jar.set('CloudFront-Policy', forged, '/media/demo/');
    const response = await get(edge.url, '/media/demo/index.m3u8', jar);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('<Code>AccessDenied</Code>');
  });

  it('expired cookies → 403 AccessDenied', async () => {
    const jar = new CookieJar();
    await signIn(edge.url, 'alice', 'wonderland', jar);
    const now = Math.floor(Date.now() / 1000);
    const expired = signCookies({
      resource: `${edge.url}/media/demo/*`,
      expires: now - 60,
      keyPairId: edge.stage.keyPairId,
      privateKey: readFileSync(edge.stage.cloudFrontPrivateKeyFile, 'utf8'),
      hashAlgorithm: 'SHA256',
    });
    for (const [name, value] of Object.entries(expired)) jar.set(name, value, '/media/demo/');
    const response = await get(edge.url, '/media/demo/index.m3u8', jar);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('<Code>AccessDenied</Code>');
    expect(lines.some((l) => /403 cloudfront .*expired/.test(l))).toBe(true);
  });

  it('valid signed cookies without a session → refused by the viewer-request function', async () => {
    const jar = new CookieJar();
    await signIn(edge.url, 'alice', 'wonderland', jar);
    jar.delete('edge_session');
    const response = await get(edge.url, '/media/demo/index.m3u8', jar);
    expect([401, 403]).toContain(response.status);
    expect(response.headers.get('x-cache')).toBe('LambdaGeneratedResponse from cloudfront');
    expect(lines.some((l) => / edge /.test(l))).toBe(true);
  });

  it('sign-out → 403', async () => {
    const jar = new CookieJar();
    await signIn(edge.url, 'alice', 'wonderland', jar);
    expect((await get(edge.url, '/media/demo/index.m3u8', jar)).status).toBe(200);
    const logout = await fetch(`${edge.url}/auth/logout`, {
      method: 'POST',
      headers: { cookie: jar.header('/auth/logout'), origin: edge.url },
    });
    expect(logout.status).toBe(200);
    jar.take(logout);
    expect(jar.size).toBe(0);
    const after = await get(edge.url, '/media/demo/index.m3u8', jar);
    expect(after.status).toBe(403);
    expect(await after.text()).toContain('<Code>MissingKey</Code>');
  });

  it('serves the pages and hls.js on the default behavior; a missing page is S3’s 403', async () => {
    const index = await get(edge.url, '/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await index.text()).toContain('action="/auth/login"');
    expect((await get(edge.url, '/player.html')).status).toBe(200);
    const hls = await get(edge.url, '/vendor/hls.min.js');
    expect(hls.status).toBe(200);
    expect(hls.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const missing = await get(edge.url, '/nope.html');
    expect(missing.status).toBe(403);
    expect(await missing.text()).toContain('<Code>AccessDenied</Code>');
  });

  it('the form post signs in without JavaScript and redirects to next', async () => {
    const response = await fetch(`${edge.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: edge.url },
      body: 'username=alice&password=wonderland&next=%2Fplayer.html%3Ftitle%3Ddemo',
      redirect: 'manual',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/player.html?title=demo');
    expect(response.headers.getSetCookie().length).toBeGreaterThan(1);
  });

  it("the private bucket's own endpoint answers 403 AccessDenied", async () => {
    const response = await fetch(`${edge.bucketUrl}/media/demo/index.m3u8`);
    expect(response.status).toBe(403);
    expect(response.headers.get('server')).toBe('AmazonS3');
    expect(await response.text()).toContain('<Code>AccessDenied</Code>');
  });

  it('`edge-auth smoke` passes against it', async () => {
    const output: string[] = [];
    const io = {
      out: (t: string) => output.push(t),
      err: (t: string) => output.push(t),
      readStdin: async () => undefined,
      env: {},
      cwd: ROOT,
    };
    const code = await main(
      [
        'smoke',
        '--url',
        edge.url,
        '--user',
        'alice',
        '--password',
        'wonderland',
        '--outside',
        '/media/premium/index.m3u8',
        '--bucket-url',
        edge.bucketUrl,
      ],
      io,
    );
    expect(output.join('\n')).not.toContain('FAIL');
    expect(output.filter((l) => l.startsWith('PASS')).length).toBeGreaterThanOrEqual(5);
    expect(code).toBe(0);
  });

  it('arbitrary paths, queries and cookies never break it, and never open /media/ without a signature', async () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9._~%!$&'()*+,;=:@-]{0,12}$/);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/media/', '/auth/', '/', '/vendor/', '/media/demo/', '//media/'),
        fc.array(segment, { maxLength: 4 }),
        fc.option(fc.stringMatching(/^[A-Za-z0-9=&%._~-]{0,30}$/)),
        fc.stringMatching(/^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e; =]{0,80}$/),
        async (prefix, parts, query, cookie) => {
          const path = `${prefix}${parts.join('/')}${query === null ? '' : `?${query}`}`;
          const response = await get(edge.url, path, undefined, cookie.trim() ? { cookie } : {});
          await response.arrayBuffer();
          expect(response.status).not.toBe(500);
          if (path.split('?')[0]!.startsWith('/media/')) expect(response.status).toBe(403);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('logs one line per request with the layer that answered', () => {
    expect(lines.some((l) => /^POST \/auth\/login 200 login \d+\.\dms$/.test(l))).toBe(true);
    expect(lines.some((l) => /^GET \/media\/demo\/index\.m3u8 200 origin \d+\.\dms$/.test(l))).toBe(true);
    expect(
      lines.some((l) => /^GET \/media\/demo\/index\.m3u8 403 cloudfront \d+\.\dms \(MissingKey/.test(l)),
    ).toBe(true);
    expect(lines.some((l) => /^GET \/player\.html 200 web /.test(l))).toBe(true);
    expect(lines.some((l) => /^GET \/media\/demo\/index\.m3u8 403 bucket /.test(l))).toBe(true);
    expect(lines.join('\n')).not.toMatch(/wonderland|CloudFront-Signature=|eyJ/);
  });
});
