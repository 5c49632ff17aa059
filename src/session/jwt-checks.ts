import { checkSessionClaims, MAX_TOKEN_LENGTH } from './claims';
import type { VerifyOptions, VerifyOutcome } from './token';

/**
 * The parts of compact-JWT verification that do not depend on the signature algorithm, shared by
 * the Lambda@Edge verifier (ES256/EdDSA through node:crypto) and the CloudFront Function verifier
 * (HS256 through the runtime's `crypto.createHmac`), so both modes accept exactly the same tokens.
 * No Node built-ins (`Buffer` is a global in Node and in cloudfront-js-2.0 alike), and only the
 * syntax that runtime lists (no destructuring, for-of, spread or classes): the build refuses more.
 */
export interface JwtParts {
  header: Record<string, unknown>;
  /** `<header>.<payload>`: the signing input. */
  signingInput: string;
  payloadPart: string;
  signaturePart: string;
}

/** Three non-empty parts of unpadded base64url (RFC 7515 §7.1): no other character, no fourth part. */
const COMPACT_JWS = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;

export function decodeJsonPart(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Splits and decodes the header of a compact JWS; undefined for anything malformed. */
export function splitCompactJwt(token: string): JwtParts | undefined {
  if (token.length > MAX_TOKEN_LENGTH) return undefined;
  const m = COMPACT_JWS.exec(token);
  if (!m) return undefined;
  const h = m[1]!;
  const p = m[2]!;
  const header = decodeJsonPart(h);
  // No extension is understood, so any `crit` header must be refused (RFC 7515 §4.1.11).
  if (!header || header.crit !== undefined) return undefined;
  return { header, signingInput: `${h}.${p}`, payloadPart: p, signaturePart: m[3]! };
}

/** The registered-claim checks (exp, iat, nbf, iss, aud) and then the session claims. */
export function checkJwtPayload(payloadPart: string, options: VerifyOptions): VerifyOutcome {
  const payload = decodeJsonPart(payloadPart);
  if (!payload) return { ok: false, reason: 'malformed' };
  const nowSec = Math.floor(options.now / 1000);
  const skew = options.clockSkewSeconds;
  const exp = payload.exp;
  const nbf = payload.nbf;
  const iss = payload.iss;
  const aud = payload.aud;
  const times: Array<[unknown, boolean]> = [
    [exp, true],
    [payload.iat, true],
    [nbf, false],
  ];
  for (let i = 0; i < times.length; i++) {
    const value = times[i]![0];
    // Number.isFinite is false for anything but a finite number (JSON.parse('1e999') is Infinity).
    if (value === undefined ? times[i]![1] : !Number.isFinite(value)) {
      return { ok: false, reason: 'bad-claims' };
    }
  }
  if (iss !== options.issuer) return { ok: false, reason: 'wrong-issuer' };
  if (!(aud === options.audience || (Array.isArray(aud) && aud.indexOf(options.audience) !== -1))) {
    return { ok: false, reason: 'wrong-audience' };
  }
  // nbf is now a finite number or absent, and `undefined > n` is false.
  if ((nbf as number) > nowSec + skew) return { ok: false, reason: 'not-yet-valid' };
  if ((exp as number) <= nowSec - skew) return { ok: false, reason: 'expired' };
  if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string')
    return { ok: false, reason: 'bad-claims' };
  return checkSessionClaims(payload, options);
}
