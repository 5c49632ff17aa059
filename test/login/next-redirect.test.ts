import { safeNextPath } from '../../src/login/body';
import { loadLoginContext } from '../../src/login/context';
import type { AuthRequest } from '../../src/login/http';
import { handleAuthRequest, type LoginContext } from '../../src/login/service';
import { HOSTILE_NEXT } from '../fixtures/hostile-next';
import { type LoginFixture, loginFixture } from './helpers';

// Where a form sign-in sends the browser: `next` ends on our own origin, and the Location header
// carries it percent-encoded (a raw byte above 0x7F is not a valid header value).
const HOST = 'd111111abcdef8.cloudfront.net';
const ORIGIN = `https://${HOST}`;
const NOW = 1_800_000_000_000;

let fx: LoginFixture;
let ctx: LoginContext;

beforeAll(async () => {
  fx = await loginFixture('dev');
  ctx = await loadLoginContext(fx.env, { dummyHash: fx.dummyHash });
});

function form(password: string, next: string): AuthRequest {
  return {
    method: 'POST',
    path: '/auth/login',
    cookies: [],
    body: new URLSearchParams({ username: 'alice', password, next }).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-auth-viewer-host': HOST,
      origin: ORIGIN,
    },
  };
}

/** What the browser does with a Location header: resolve it against the page it posted from. */
const follow = (location: string) => new URL(location, `${ORIGIN}/auth/login`);

describe('next after a form sign-in', () => {
  it('percent-encodes non-ASCII next values in Location (only visible ASCII in the header)', async () => {
    for (const [next, expected] of [
      ['/player.html?title=café', '/player.html?title=caf%C3%A9'],
      ['/player.html?title=電影', '/player.html?title=%E9%9B%BB%E5%BD%B1'],
      ['/vidéo/😀.html#à', '/vid%C3%A9o/%F0%9F%98%80.html#%C3%A0'],
      ['/a b', '/a%20b'],
      ['/already%20encoded', '/already%20encoded'],
    ] as const) {
      const res = await handleAuthRequest(form('alice-secret', next), ctx, NOW);
      expect([next, res.statusCode, res.headers.location]).toEqual([next, 303, expected]);
      expect(res.headers.location).toMatch(/^[\x21-\x7e]+$/);
      expect(res.cookies.length).toBeGreaterThan(0);
    }
  });

  it('a lone surrogate (it cannot be percent-encoded) falls back instead of throwing', () => {
    expect(safeNextPath('/x\ud800y', '/player.html')).toBe('/player.html');
  });

  it('every hostile next ends on our own origin, after a sign-in and after the failed bounce', async () => {
    for (const next of HOSTILE_NEXT) {
      const ok = await handleAuthRequest(form('alice-secret', next), ctx, NOW);
      expect([next, ok.statusCode, follow(ok.headers.location!).origin]).toEqual([next, 303, ORIGIN]);
      const failed = await handleAuthRequest(form('wrong', next), ctx, NOW);
      const bounce = follow(failed.headers.location!);
      expect([next, bounce.origin]).toEqual([next, ORIGIN]);
      const kept = bounce.searchParams.get('next')!;
      expect([next, follow(kept).origin]).toEqual([next, ORIGIN]);
    }
  });

  it('safeNextPath keeps same-site paths and refuses the family', () => {
    expect(safeNextPath('/player.html?title=demo#t=3', '/f')).toBe('/player.html?title=demo#t=3');
    for (const next of HOSTILE_NEXT) {
      const kept = safeNextPath(next, '/f');
      expect([next, new URL(kept, 'https://site.example/').origin]).toEqual([next, 'https://site.example']);
    }
  });
});
