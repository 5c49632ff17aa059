import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { main } from '../../src/cli/main';
import { CookieJar, parseSetCookie } from '../../src/deploy/cookie-jar';
import { recordingIo } from '../infra/package-stack';

/**
 * A tiny fake of the deployed site: CloudFront's signed-cookie answers on /media/*, the login
 * function on /auth/*, and the bucket's own endpoint on /bucket/*. `leaky` serves media to anyone.
 */
function fakeSite(options: { leaky?: boolean; brokenLogout?: boolean } = {}) {
  const files: Record<string, [string, string]> = {
    '/media/demo/index.m3u8': [
      'application/vnd.apple.mpegurl',
      '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:2.0,\nseg-000.m4s\n#EXT-X-ENDLIST\n',
    ],
    '/media/demo/init.mp4': ['video/mp4', 'init'],
    '/media/demo/seg-000.m4s': ['video/iso.segment', 'segment-bytes'],
    '/media/premium/index.m3u8': ['application/vnd.apple.mpegurl', '#EXTM3U\n'],
  };
  const deny = (res: ServerResponse, code: string) => {
    res.writeHead(403, { 'content-type': 'text/xml' });
    res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>x</Message></Error>`);
  };
  const seen: string[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const path = new URL(req.url!, 'http://x').pathname;
      const cookies = Object.fromEntries(
        (req.headers.cookie ?? '')
          .split(/;\s*/)
          .filter(Boolean)
          .map((c) => [c.slice(0, c.indexOf('=')), c.slice(c.indexOf('=') + 1)]),
      );
      seen.push(`${req.method} ${path} ${Object.keys(cookies).sort().join(',')}`);
      if (path.startsWith('/bucket/')) return deny(res, 'AccessDenied');
      if (path.startsWith('/media/')) {
        const file = files[path];
        if (!options.leaky) {
          if (!cookies['CloudFront-Key-Pair-Id']) return deny(res, 'MissingKey');
          if (cookies['CloudFront-Policy'] !== 'grant-demo' || !path.startsWith('/media/demo/'))
            return deny(res, 'AccessDenied');
        }
        if (!file) return deny(res, 'AccessDenied');
        res.writeHead(200, { 'content-type': file[0] });
        return res.end(file[1]);
      }
      if (path === '/auth/login' && req.method === 'POST') {
        const creds = JSON.parse(body || '{}');
        if (creds.username !== 'alice' || creds.password !== 'correct horse') {
          res.writeHead(401, { 'content-type': 'application/json' });
          return res.end('{"error":"ERR_LOGIN_FAILED"}');
        }
        res.writeHead(200, {
          'content-type': 'application/json',
          'set-cookie': [
            'CloudFront-Policy=grant-demo; Path=/media/demo/; Secure; HttpOnly',
            'CloudFront-Signature=sig; Path=/media/demo/; Secure; HttpOnly',
            'CloudFront-Key-Pair-Id=K2JCJMDEHXQW5F; Path=/media/demo/; Secure; HttpOnly',
            '__Host-edge_session=token; Path=/; Secure; HttpOnly; Max-Age=3600',
          ],
        });
        return res.end('{"signedIn":true}');
      }
      if (path === '/auth/logout' && req.method === 'POST') {
        const expire = options.brokenLogout
          ? []
          : [
              'CloudFront-Policy=; Path=/media/demo/; Max-Age=0',
              'CloudFront-Signature=; Path=/media/demo/; Max-Age=0',
              'CloudFront-Key-Pair-Id=; Path=/media/demo/; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
              '__Host-edge_session=; Path=/; Max-Age=0',
            ];
        res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': expire });
        return res.end('{"signedOut":true}');
      }
      res.writeHead(404);
      res.end();
    });
  };
  return { server: createServer(handler), seen };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function smoke(url: string, ...extra: string[]) {
  const io = recordingIo('/');
  const code = await main(['smoke', '--url', url, '--user', 'alice', ...extra], io);
  return { code, text: io.lines.join('\n') };
}

describe('edge-auth smoke against a fake site', () => {
  it('passes every check on a locked site and names each one', async () => {
    const { server, seen } = fakeSite();
    const url = await listen(server);
    try {
      const { code, text } = await smoke(
        url,
        '--password',
        'correct horse',
        '--outside',
        '/media/premium/index.m3u8',
        '--bucket-url',
        `${url}/bucket`,
      );
      expect(text).toContain('PASS  unsigned media is refused  (/media/demo/index.m3u8 → 403 MissingKey)');
      expect(text).toContain('PASS  bucket is not public');
      expect(text).toContain('PASS  sign-in sets cookies');
      expect(text).toContain('PASS  playlist with cookies');
      expect(text).toContain('PASS  segment with cookies  (/media/demo/seg-000.m4s → 200 video/iso.segment)');
      expect(text).toContain('PASS  outside the grants is refused');
      expect(text).toContain('PASS  sign-out');
      expect(text).toContain('PASS  media refused after sign-out');
      expect(text).toContain('smoke: all 8 checks passed');
      expect(code).toBe(0);
      // The password and cookie values never reach the output.
      expect(text).not.toMatch(/correct horse|grant-demo|token/);
      // Cookies went only where their Path allows.
      expect(seen).toContain('GET /media/premium/index.m3u8 __Host-edge_session');
    } finally {
      server.close();
    }
  });

  it('fails (exit 1) when media is served without cookies', async () => {
    const { server } = fakeSite({ leaky: true });
    const url = await listen(server);
    try {
      const { code, text } = await smoke(url, '--password', 'correct horse');
      expect(text).toContain('FAIL  unsigned media is refused  (/media/demo/index.m3u8 → 200)');
      expect(text).toContain('FAIL  media refused after sign-out');
      expect(code).toBe(1);
    } finally {
      server.close();
    }
  });

  it('fails when sign-out leaves the cookies in place, and when the password is wrong', async () => {
    const { server } = fakeSite({ brokenLogout: true });
    const url = await listen(server);
    try {
      const stale = await smoke(url, '--password', 'correct horse');
      expect(stale.text).toContain('FAIL  media refused after sign-out');
      expect(stale.code).toBe(1);
      const wrong = await smoke(url, '--password', 'wrong', '--segment', '/media/demo/seg-000.m4s');
      expect(wrong.text).toContain('FAIL  sign-in sets cookies  (POST /auth/login → 401; cookies: none)');
      expect(wrong.text).toContain('FAIL  segment with cookies  (not signed in)');
      expect(wrong.code).toBe(1);
    } finally {
      server.close();
    }
  });

  it('reports an unreachable site as failed checks, not a crash', async () => {
    const { server } = fakeSite();
    const url = await listen(server);
    server.close();
    await new Promise((r) => setTimeout(r, 10));
    const { code, text } = await smoke(url, '--password', 'x');
    expect(text).toContain('FAIL  unsigned media is refused  (request failed: ECONNREFUSED)');
    expect(code).toBe(1);
  });

  it('refuses bad calls with a usage error', async () => {
    expect((await smoke('ftp://x', '--password', 'p')).code).toBe(2);
    expect((await smoke('http://127.0.0.1:9', '--password', 'p', '--media', 'media/x')).code).toBe(2);
  });
});

describe('cookie jar', () => {
  it('parses any Set-Cookie text into a cookie or nothing, never throws', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 0, max: 2 ** 40 }), (header, now) => {
        const c = parseSetCookie(header, now);
        if (c) {
          expect(c.name).not.toMatch(/[\s;,=]/);
          expect(c.path.startsWith('/')).toBe(true);
        }
      }),
    );
  });

  it('sends the most specific path first and forgets expired cookies', () => {
    let now = 1_000_000;
    const jar = new CookieJar(() => now);
    jar.store(['a=root; Path=/', 'a=deep; Path=/media/demo/', 'b=1; Max-Age=10', 'c=2; Path=/media/demox']);
    expect(jar.header('/media/demo/x.m4s')).toBe('a=deep; a=root; b=1');
    expect(jar.header('/media/other')).toBe('a=root; b=1');
    now += 11_000;
    expect(jar.header('/')).toBe('a=root');
    jar.store(['a=; Path=/; Max-Age=0']);
    expect(jar.header('/')).toBe('');
  });
});
