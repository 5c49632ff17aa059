import { checkJwtPayload, splitCompactJwt } from './jwt-checks';
import type { VerifyOptions, VerifyOutcome } from './token';

/**
 * HS256 session tokens for the CloudFront Function (`function` edge mode). Why a JWT through
 * `crypto.createHmac` and not a CWT through the runtime's native `cf.cwt` module ("CWT support
 * for CloudFront Functions"): the same bytes are a JWT that jose signs in the login function and
 * that Node verifies in tests and in the local edge, so the one test-vector table runs against
 * both edge modes; `cf.cwt` exists only inside CloudFront (no Node implementation to emulate it
 * with), caps tokens at 1 KB (sessions with many grants pass that), and would need a CBOR encoder
 * in the login function. Runtime facts: "JavaScript runtime 2.0 features for CloudFront
 * Functions" (crypto module: createHmac with sha256, digest encodings hex/base64/base64url).
 */

/** HMAC-SHA256 of `input` under the base64url-encoded secret, as base64url: the runtime's crypto, injected. */
export type HmacSha256 = (secretB64url: string, input: string) => string;

/** The secret of a kid (KeyValueStore `key:<kid>`), or undefined when there is none. */
export type HmacKeyLookup = (kid: string) => Promise<string | undefined>;

/** Compares two strings in time independent of where they differ (the signature is attacker-chosen). */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

const KID = /^[a-z0-9-]{1,32}$/;

export async function verifyHs256SessionToken(
  token: string,
  lookup: HmacKeyLookup,
  hmac: HmacSha256,
  options: VerifyOptions,
): Promise<VerifyOutcome> {
  const parts = splitCompactJwt(token);
  if (!parts) return { ok: false, reason: 'malformed' };
  const header = parts.header;
  // Only HS256: `none`, ES256 or anything else named by the token is refused before any lookup.
  if (header.alg !== 'HS256') return { ok: false, reason: 'bad-algorithm' };
  // The kid is checked before it becomes a KeyValueStore key name.
  if (typeof header.kid !== 'string' || !KID.test(header.kid)) return { ok: false, reason: 'unknown-key' };
  const secret = await lookup(header.kid);
  if (!secret) return { ok: false, reason: 'unknown-key' };
  if (!sameText(hmac(secret, parts.signingInput), parts.signaturePart))
    return { ok: false, reason: 'bad-signature' };
  return checkJwtPayload(parts.payloadPart, options);
}
