import { compileGrants, type GrantMatcher } from '../session/grants';
import type { SessionClaims } from '../session/token';

export interface CachedSession {
  sub: string;
  grants: GrantMatcher;
  /** Epoch ms after which the token is expired, skew included. */
  expiresAt: number;
}

/**
 * Verified tokens, per container. A player fetching hundreds of segments pays for one
 * signature check. Bounded (oldest entry out first) and each entry dies with its token.
 */
export class SessionCache {
  private readonly entries = new Map<string, CachedSession>();
  constructor(private readonly maxEntries: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** The cached session, `'expired'` (and dropped) past its expiry, or undefined. */
  get(token: string, now: number): CachedSession | 'expired' | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    if (now >= entry.expiresAt) {
      this.entries.delete(token);
      return 'expired';
    }
    return entry;
  }

  set(token: string, claims: SessionClaims, clockSkewSeconds: number): CachedSession {
    const entry: CachedSession = {
      sub: claims.sub,
      grants: compileGrants(claims.grants),
      expiresAt: (claims.exp + clockSkewSeconds) * 1000,
    };
    if (this.entries.size >= this.maxEntries) {
      // Map keeps insertion order: the first key is the oldest.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(token, entry);
    return entry;
  }
}
