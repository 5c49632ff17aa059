import type { Settings } from '../config/settings';

/**
 * The largest cookie every browser keeps: RFC 6265 section 6.1 ("Limits") asks user agents to
 * support "at least 4096 bytes per cookie (as measured by the sum of the length of the cookie's
 * name, value, and attributes)". Browsers drop a larger cookie silently (Chromium and Firefox
 * count name and value against 4,096 bytes), so a sign-in that set one would answer 200 and the
 * very next request would have no session. The whole `Set-Cookie` value is counted here.
 */
export const MAX_COOKIE_BYTES = 4096;

export class SessionTooLargeError extends Error {
  readonly code = 'ERR_SESSION_TOO_LARGE';
  constructor(
    readonly bytes: number,
    what: string,
  ) {
    super(
      `${what} needs a ${bytes}-byte session cookie; browsers keep at most ${MAX_COOKIE_BYTES.toLocaleString('en-US')} bytes (RFC 6265 section 6.1): use fewer or shorter grants (a wildcard such as /media/course-*/ covers many)`,
    );
    this.name = 'SessionTooLargeError';
  }
}

/** The byte length of URL-safe base64 without padding for `bytes` bytes of input. */
const base64urlLength = (bytes: number) => Math.ceil((bytes * 4) / 3);

/** Key ids are at most 32 characters (src/login/context.ts); a session id is 16 random bytes. */
const MAX_KID = 'k'.repeat(32);
const SID = 's'.repeat(22);
/** Ten digits cover every epoch second until the year 2286. */
const EPOCH = 9_999_999_999;
/** An ES256 or EdDSA signature is 64 bytes. */
const SIGNATURE_CHARS = base64urlLength(64);

/**
 * The size of the session `Set-Cookie` a sign-in with these claims would produce, at its largest
 * (longest key id, ten-digit times, `__Host-` name and `Secure`). The token's length does not
 * depend on claim order, so it is computed from the JSON rather than signed.
 */
export function sessionCookieBytes(
  settings: Pick<Settings, 'session'>,
  claims: { sub: string; grants: readonly string[]; amr: 'pwd' | 'oidc' },
): number {
  const header = JSON.stringify({ alg: 'ES256', kid: MAX_KID, typ: 'JWT' });
  const payload = JSON.stringify({
    sub: claims.sub,
    grants: claims.grants,
    sid: SID,
    iat: EPOCH,
    exp: EPOCH,
    iss: settings.session.issuer,
    aud: settings.session.audience,
    auth_time: EPOCH,
    amr: claims.amr,
  });
  const tokenLength =
    base64urlLength(Buffer.byteLength(header)) +
    1 +
    base64urlLength(Buffer.byteLength(payload)) +
    1 +
    SIGNATURE_CHARS;
  // The attributes the login service sets on the session cookie (renderSetCookie's order). Written
  // out rather than rendered: this module is reached from settings validation, which the edge
  // bundle includes, and the renderer's module pulls in the AWS SDK signer.
  const line = `__Host-${settings.session.cookieName}=${'x'.repeat(tokenLength)}; Path=/; Max-Age=${settings.session.absoluteLifetimeSeconds}; Secure; HttpOnly; SameSite=Lax`;
  return Buffer.byteLength(line);
}

/** Throws a SessionTooLargeError when the session cookie for these claims would not be kept. */
export function assertSessionCookieFits(
  settings: Pick<Settings, 'session'>,
  claims: { sub: string; grants: readonly string[]; amr: 'pwd' | 'oidc' },
  what: string,
): void {
  const bytes = sessionCookieBytes(settings, claims);
  if (bytes > MAX_COOKIE_BYTES) throw new SessionTooLargeError(bytes, what);
}
