import { SignJWT } from 'jose';
import { renderSetCookie } from '../../src/cloudfront/signer';
import type { Settings } from '../../src/config/settings';
import {
  assertSessionCookieFits,
  MAX_COOKIE_BYTES,
  SessionTooLargeError,
  sessionCookieBytes,
} from '../../src/session/cookie-size';
import { importSessionPrivateKey, type SessionSigningKey } from '../../src/session/keys';
import { sessionKey } from './fixtures';

/**
 * The session cookie must be one every browser keeps: RFC 6265 section 6.1 asks for at least
 * 4096 bytes per cookie (name, value and attributes), and a larger one is dropped silently, so
 * a sign-in would answer 200 and the next request would have no session. `users add`, the OIDC
 * grant map and sign-in judge grants by this size, computed without signing.
 */
const SESSION: Settings['session'] = {
  cookieName: 'edge_session',
  issuer: 'edge-auth',
  audience: 'edge-auth-media',
  ttlSeconds: 3600,
  tokenTtlSeconds: 300,
  absoluteLifetimeSeconds: 43200,
  clockSkewSeconds: 30,
};

// The largest session cookie a sign-in really sends for these claims: the longest key id (32
// characters), ten-digit times, a 16-byte session id (22 base64url characters), an ES256
// signature, and the cookie rendered as the login service renders it (`__Host-`, Path=/, Secure).
const LONGEST_KID = 'k'.repeat(32);
let signing: SessionSigningKey;
beforeAll(async () => {
  signing = (await importSessionPrivateKey(LONGEST_KID, sessionKey(LONGEST_KID).privateKeyPem)).signing;
});

type Claims = { sub: string; grants: string[]; amr: 'pwd' | 'oidc' };

async function realCookieBytes(session: Settings['session'], claims: Claims): Promise<number> {
  const at = 9_999_999_999;
  const token = await new SignJWT({
    ...claims,
    sid: 'AAAAAAAAAAAAAAAAAAAAAA',
    iat: at,
    exp: at,
    iss: session.issuer,
    aud: session.audience,
    auth_time: at,
  })
    .setProtectedHeader({ alg: 'ES256', kid: signing.kid, typ: 'JWT' })
    .sign(signing.key);
  const line = renderSetCookie(`__Host-${session.cookieName}`, token, {
    path: '/',
    secure: true,
    httpOnly: true,
    sameSite: 'Lax',
    maxAge: session.absoluteLifetimeSeconds,
  });
  return Buffer.byteLength(line);
}

const grants = (n: number) =>
  Array.from({ length: n }, (_, i) => `/media/course-${i}-lectures-and-exercises/*`);

describe('session cookie size', () => {
  it('the limit is the 4096 bytes of RFC 6265 section 6.1', () => {
    expect(MAX_COOKIE_BYTES).toBe(4096);
  });

  it.each<[string, Claims, Settings['session']]>([
    ['one grant', { sub: 'alice', grants: ['/media/course-42/*'], amr: 'pwd' }, SESSION],
    ['many grants, an OIDC sign-in', { sub: 'a'.repeat(200), grants: grants(40), amr: 'oidc' }, SESSION],
    [
      'another cookie name, issuer, audience and lifetime',
      { sub: 'bob', grants: grants(3), amr: 'pwd' },
      {
        ...SESSION,
        cookieName: 's',
        issuer: 'https://id.example',
        audience: 'x',
        absoluteLifetimeSeconds: 7,
      },
    ],
  ])(
    'is the exact size of the largest session cookie a sign-in sends (%s)',
    async (_name, claims, session) => {
      expect(sessionCookieBytes({ session }, claims)).toBe(await realCookieBytes(session, claims));
    },
  );

  it(`a session cookie of exactly ${MAX_COOKIE_BYTES} bytes fits; one byte more is refused, naming who and how many bytes`, async () => {
    // Grow the subject until the cookie is within 63 bytes of the limit, then let the cookie
    // name (1 to 64 characters, one byte each) take it to exactly 4096.
    // (n more payload bytes are at most 4n/3 + 1 more characters, so the last step overshoots by 1 at most.)
    const claims: Claims = { sub: 'a', grants: grants(60), amr: 'pwd' };
    let base = await realCookieBytes({ ...SESSION, cookieName: 'n' }, claims);
    while (base < MAX_COOKIE_BYTES - 63) {
      claims.sub += 'a'.repeat(Math.max(1, Math.floor(((MAX_COOKIE_BYTES - 63 - base) * 3) / 4)));
      base = await realCookieBytes({ ...SESSION, cookieName: 'n' }, claims);
    }
    const fits = { ...SESSION, cookieName: 'n'.repeat(1 + MAX_COOKIE_BYTES - base) };
    expect(claims.sub.length).toBeLessThanOrEqual(256);
    expect(await realCookieBytes(fits, claims)).toBe(4096);
    expect(() => assertSessionCookieFits({ session: fits }, claims, 'user "dave"')).not.toThrow();

    const over = { ...SESSION, cookieName: `${fits.cookieName}n` };
    let error: unknown;
    try {
      assertSessionCookieFits({ session: over }, claims, 'user "dave"');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SessionTooLargeError);
    expect(error).toMatchObject({ code: 'ERR_SESSION_TOO_LARGE', name: 'SessionTooLargeError', bytes: 4097 });
    const message = (error as Error).message;
    expect(message).toMatch(
      /^user "dave" needs a 4097-byte session cookie; browsers keep at most 4,096 bytes/,
    );
    expect(message).toContain('(RFC 6265 section 6.1)');
    expect(message).toContain('use fewer or shorter grants');
  });
});
