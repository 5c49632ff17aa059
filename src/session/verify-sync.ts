import { createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import type { SessionAlg } from './keys';
import { checkSessionClaims, MAX_TOKEN_LENGTH, type VerifyOptions, type VerifyOutcome } from './token';

/**
 * A synchronous, node:crypto-only verifier for session tokens, for the edge. jose 6 verifies
 * through WebCrypto, whose first use in a fresh Node process loads enough internals to cost
 * 10-30 ms of cold start and keeps each verification asynchronous; Lambda@Edge pays cold starts
 * often (many regions, small concurrency each). This verifier accepts exactly what
 * `verifySessionToken` (jose) accepts; a differential property test holds them together.
 */
export interface EdgeVerifyKey {
  kid: string;
  alg: SessionAlg;
  key: KeyObject;
}

export function importEdgeVerifyKey(kid: string, alg: SessionAlg, spki: string): EdgeVerifyKey {
  const key = createPublicKey({ key: spki, format: 'pem' });
  const expected = alg === 'ES256' ? 'ec' : 'ed25519';
  if (key.asymmetricKeyType !== expected) throw new Error(`key ${kid} is not a ${alg} key`);
  return { kid, alg, key };
}

const B64URL = /^[A-Za-z0-9_-]+$/;

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export function verifySessionTokenSync(
  token: string,
  keys: ReadonlyMap<string, EdgeVerifyKey>,
  options: VerifyOptions,
): VerifyOutcome {
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (
    first <= 0 ||
    second <= first + 1 ||
    second === token.length - 1 ||
    token.indexOf('.', second + 1) !== -1
  ) {
    return { ok: false, reason: 'malformed' };
  }
  const h = token.slice(0, first);
  const p = token.slice(first + 1, second);
  const s = token.slice(second + 1);
  if (!B64URL.test(h) || !B64URL.test(p) || !B64URL.test(s)) return { ok: false, reason: 'malformed' };

  const header = decodeJson(h);
  if (!header) return { ok: false, reason: 'malformed' };
  // No extension is understood, so any `crit` header must be refused (RFC 7515 §4.1.11).
  if (header.crit !== undefined) return { ok: false, reason: 'malformed' };
  const known = typeof header.kid === 'string' ? keys.get(header.kid) : undefined;
  if (header.alg !== 'ES256' && header.alg !== 'EdDSA') return { ok: false, reason: 'bad-algorithm' };
  if (!known) return { ok: false, reason: 'unknown-key' };
  // The algorithm is the key's, never the token's: `none` or HS256-with-the-public-key cannot pass.
  if (header.alg !== known.alg) return { ok: false, reason: 'bad-algorithm' };

  const signature = Buffer.from(s, 'base64url');
  if (signature.length !== 64) return { ok: false, reason: 'bad-signature' };
  const input = Buffer.from(`${h}.${p}`);
  const valid =
    known.alg === 'ES256'
      ? cryptoVerify('sha256', input, { key: known.key, dsaEncoding: 'ieee-p1363' }, signature)
      : cryptoVerify(null, input, known.key, signature);
  if (!valid) return { ok: false, reason: 'bad-signature' };

  const payload = decodeJson(p);
  if (!payload) return { ok: false, reason: 'malformed' };
  const nowSec = Math.floor(options.now / 1000);
  const skew = options.clockSkewSeconds;
  const { exp, iat, nbf, iss, aud } = payload;
  for (const [value, required] of [
    [exp, true],
    [iat, true],
    [nbf, false],
  ] as const) {
    if (value === undefined ? required : typeof value !== 'number' || !Number.isFinite(value)) {
      return { ok: false, reason: 'bad-claims' };
    }
  }
  if (iss !== options.issuer) return { ok: false, reason: 'wrong-issuer' };
  if (!(aud === options.audience || (Array.isArray(aud) && aud.includes(options.audience)))) {
    return { ok: false, reason: 'wrong-audience' };
  }
  if (typeof nbf === 'number' && nbf > nowSec + skew) return { ok: false, reason: 'not-yet-valid' };
  if ((exp as number) <= nowSec - skew) return { ok: false, reason: 'expired' };
  if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string')
    return { ok: false, reason: 'bad-claims' };
  return checkSessionClaims(payload, options);
}
