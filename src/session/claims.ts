import { grantListProblem, uniqueGrants } from './grant-match';
import type { SessionClaims, VerifyOptions, VerifyOutcome } from './token';

/** Longest session token accepted (a cookie value; the edge refuses longer ones before parsing). */
export const MAX_TOKEN_LENGTH = 4096;

/**
 * The claim checks beyond the JWT registered ones: shared by the jose verifier (login) and the
 * edge's synchronous verifier so both accept exactly the same tokens.
 */
export function checkSessionClaims(payload: Record<string, unknown>, options: VerifyOptions): VerifyOutcome {
  if (typeof payload.iat === 'number' && payload.iat > options.now / 1000 + options.clockSkewSeconds) {
    return { ok: false, reason: 'not-yet-valid' };
  }
  const claims = Object.assign({}, payload) as Partial<SessionClaims>;
  if (typeof claims.sub !== 'string' || claims.sub.length === 0 || claims.sub.length > 256) {
    return { ok: false, reason: 'bad-claims' };
  }
  if (typeof claims.sid !== 'string' || claims.sid.length > 128) return { ok: false, reason: 'bad-claims' };
  if (typeof claims.auth_time !== 'number' || (claims.amr !== 'pwd' && claims.amr !== 'oidc')) {
    return { ok: false, reason: 'bad-claims' };
  }
  if (grantListProblem(claims.grants, options.protectedPrefix) !== undefined)
    return { ok: false, reason: 'bad-claims' };
  claims.grants = uniqueGrants(claims.grants as string[]);
  return { ok: true, claims: claims as SessionClaims };
}
