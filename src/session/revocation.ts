import type { KeyValueStore } from '../deploy/kvs-store';
import { fileKeyValueStore } from '../local/kvs-file';

/**
 * Server-side revocation, kept in the stage's KeyValueStore next to the HMAC keys so that the
 * `function` edge mode can refuse a revoked session on the next request (KeyValueStore changes
 * reach the edge locations in seconds), and `/auth/refresh` can refuse it in both modes.
 *
 * Entries (values are decimal epoch seconds):
 *   rs:<sid>  → "<expiresAt>"                  one session, revoked until its absolute end
 *   ru:<sub>  → "<revokedBefore>:<expiresAt>"  every session of <sub> signed in before revokedBefore
 * An entry past `expiresAt` can no longer match a live session (every session it could match has
 * reached its absolute lifetime) and is removed by `pruneRevocations`.
 */
export interface RevocationClaims {
  sid: string;
  sub: string;
  auth_time: number;
}

export interface RevocationStore {
  revokeSession(sid: string, expiresAt: number): Promise<void>;
  revokeUser(sub: string, revokedBefore: number, expiresAt: number): Promise<void>;
  isRevoked(claims: RevocationClaims, now: number): Promise<boolean>;
}

export const sessionRevocationKey = (sid: string) => `rs:${sid}`;
export const userRevocationKey = (sub: string) => `ru:${sub}`;

const EPOCH = /^\d{1,12}$/;
const USER_VALUE = /^(\d{1,12}):(\d{1,12})$/;

export class RevocationError extends Error {
  readonly code = 'ERR_REVOCATION';
  constructor(message: string) {
    super(message);
    this.name = 'RevocationError';
  }
}

/**
 * The pure decision, mirrored by the function-mode edge code: given the values stored under
 * `rs:<sid>` and `ru:<sub>` (undefined when absent), is this session revoked? A present session
 * entry revokes; a user entry revokes sessions whose `auth_time` is before `revokedBefore`. An
 * entry that does not parse revokes too (fail closed: the cleanup removes such entries).
 */
export function isRevokedBy(
  entries: { session?: string; user?: string },
  claims: Pick<RevocationClaims, 'auth_time'>,
): boolean {
  if (entries.session !== undefined) return true;
  if (entries.user === undefined) return false;
  const m = USER_VALUE.exec(entries.user);
  if (!m) return true;
  return claims.auth_time < Number(m[1]);
}

/** The `expiresAt` of an entry, or undefined when the entry is not one of ours or does not parse. */
export function revocationExpiry(key: string, value: string): number | undefined {
  if (key.startsWith('rs:')) return EPOCH.test(value) ? Number(value) : undefined;
  if (key.startsWith('ru:')) {
    const m = USER_VALUE.exec(value);
    return m ? Number(m[2]) : undefined;
  }
  return undefined;
}

/**
 * When a revocation of a session that ends at `sessionEndsAt` may be deleted. The edge accepts a
 * token until `exp + clockSkewSeconds` (and `exp` never passes the session's absolute end), so an
 * entry pruned at the session's end would let a copied token back in for up to the skew.
 */
export function revocationExpiresAt(sessionEndsAt: number, clockSkewSeconds: number): number {
  return sessionEndsAt + clockSkewSeconds;
}

/** Keys of revocation entries that are dead at `now` (expired, or unparseable); other keys are left alone. */
export function deadRevocationKeys(entries: { key: string; value: string }[], now: number): string[] {
  const dead: string[] = [];
  for (const { key, value } of entries) {
    if (!key.startsWith('rs:') && !key.startsWith('ru:')) continue;
    const expiresAt = revocationExpiry(key, value);
    if (expiresAt === undefined || expiresAt <= now) dead.push(key);
  }
  return dead;
}

/** Deletes dead revocation entries in batches; returns how many were removed. */
export async function pruneRevocations(
  store: KeyValueStore,
  now: number,
  batchSize = 50,
): Promise<{ removed: number; kept: number }> {
  const entries = await store.list();
  const dead = deadRevocationKeys(entries, now);
  // UpdateKeys documents no item limit per call; batches keep each request small.
  for (let i = 0; i < dead.length; i += batchSize) {
    await store.update({ deletes: dead.slice(i, i + batchSize) });
  }
  const ours = entries.filter((e) => e.key.startsWith('rs:') || e.key.startsWith('ru:')).length;
  return { removed: dead.length, kept: ours - dead.length };
}

function checkEpoch(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 999_999_999_999)
    throw new RevocationError(`${name} must be epoch seconds`);
}

/** A RevocationStore on any KeyValueStore: the deployed store (SDK) or `.local/kvs.json`. */
export function keyValueRevocationStore(store: KeyValueStore): RevocationStore {
  return {
    async revokeSession(sid, expiresAt) {
      if (!sid) throw new RevocationError('a session id is required');
      checkEpoch('expiresAt', expiresAt);
      await store.update({ puts: [{ key: sessionRevocationKey(sid), value: String(expiresAt) }] });
    },
    async revokeUser(sub, revokedBefore, expiresAt) {
      if (!sub) throw new RevocationError('a user is required');
      checkEpoch('revokedBefore', revokedBefore);
      checkEpoch('expiresAt', expiresAt);
      const key = userRevocationKey(sub);
      // A second revocation must not shorten an earlier one's reach.
      const previous = await store.get(key);
      const m = previous ? USER_VALUE.exec(previous) : null;
      const before = m ? Math.max(Number(m[1]), revokedBefore) : revokedBefore;
      const until = m ? Math.max(Number(m[2]), expiresAt) : expiresAt;
      await store.update({ puts: [{ key, value: `${before}:${until}` }] });
    },
    async isRevoked(claims) {
      const [session, user] = await Promise.all([
        store.get(sessionRevocationKey(claims.sid)),
        store.get(userRevocationKey(claims.sub)),
      ]);
      return isRevokedBy({ session, user }, claims);
    },
  };
}

/** Revocations in `.local/kvs.json` (the local stage; `edge-auth sessions revoke --local`). */
export function fileRevocationStore(file: string): RevocationStore {
  return keyValueRevocationStore(fileKeyValueStore(file));
}
