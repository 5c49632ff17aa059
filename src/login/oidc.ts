import { createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { OidcSettings } from '../config/settings';
import { MAX_GRANTS, parseGrants } from '../session/grants';

export type OidcOutcome =
  | { ok: true; username: string; grants: string[] }
  | { ok: false; reason: 'invalid-token' | 'no-grants' };

export interface OidcVerifier {
  verify(idToken: string, now: number): Promise<OidcOutcome>;
}

/**
 * Verifies ID tokens from an identity provider against its JWKS (issuer, audience, expiry) and
 * maps one claim (e.g. `groups`) to grants. `keys` is for tests; by default the JWKS is fetched
 * from `jwksUrl` and cached by jose per container.
 */
export function createOidcVerifier(
  oidc: OidcSettings,
  protectedPrefix: string,
  keys: JWTVerifyGetKey = createRemoteJWKSet(new URL(oidc.jwksUrl)),
  clockSkewSeconds = 30,
): OidcVerifier {
  const grantMap = new Map<string, string[]>();
  for (const [value, grants] of Object.entries(oidc.grantMap))
    grantMap.set(value, parseGrants(grants, protectedPrefix));
  const usernameClaim = oidc.usernameClaim ?? 'sub';
  return {
    async verify(idToken, now) {
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(idToken, keys, {
          issuer: oidc.issuer,
          audience: oidc.audience,
          // Asymmetric algorithms only: an HMAC "ID token" would be keyed by a public value.
          algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'],
          currentDate: new Date(now),
          clockTolerance: clockSkewSeconds,
          requiredClaims: ['exp', 'iat', 'sub'],
        }));
      } catch {
        return { ok: false, reason: 'invalid-token' };
      }
      const username = payload[usernameClaim];
      if (typeof username !== 'string' || username.length === 0 || username.length > 256) {
        return { ok: false, reason: 'invalid-token' };
      }
      const claim = payload[oidc.grantsClaim];
      const values = typeof claim === 'string' ? [claim] : Array.isArray(claim) ? claim : [];
      const grants = new Set<string>();
      for (const value of values) {
        if (typeof value !== 'string') continue;
        for (const grant of grantMap.get(value) ?? []) grants.add(grant);
      }
      if (grants.size === 0) return { ok: false, reason: 'no-grants' };
      return { ok: true, username, grants: [...grants].slice(0, MAX_GRANTS) };
    },
  };
}
