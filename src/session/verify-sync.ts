import { createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { checkJwtPayload, splitCompactJwt } from './jwt-checks';
import type { SessionAlg } from './keys';
import type { VerifyOptions, VerifyOutcome } from './token';

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

export function verifySessionTokenSync(
  token: string,
  keys: ReadonlyMap<string, EdgeVerifyKey>,
  options: VerifyOptions,
): VerifyOutcome {
  const parts = splitCompactJwt(token);
  if (!parts) return { ok: false, reason: 'malformed' };
  const { header } = parts;
  const known = typeof header.kid === 'string' ? keys.get(header.kid) : undefined;
  if (header.alg !== 'ES256' && header.alg !== 'EdDSA') return { ok: false, reason: 'bad-algorithm' };
  if (!known) return { ok: false, reason: 'unknown-key' };
  // The algorithm is the key's, never the token's: `none` or HS256-with-the-public-key cannot pass.
  if (header.alg !== known.alg) return { ok: false, reason: 'bad-algorithm' };

  const signature = Buffer.from(parts.signaturePart, 'base64url');
  if (signature.length !== 64) return { ok: false, reason: 'bad-signature' };
  const input = Buffer.from(parts.signingInput);
  const valid =
    known.alg === 'ES256'
      ? cryptoVerify('sha256', input, { key: known.key, dsaEncoding: 'ieee-p1363' }, signature)
      : cryptoVerify(null, input, known.key, signature);
  if (!valid) return { ok: false, reason: 'bad-signature' };
  return checkJwtPayload(parts.payloadPart, options);
}
