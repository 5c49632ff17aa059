import type { UserRecord } from './users';

export type UsersByName = ReadonlyMap<string, UserRecord>;

/**
 * The users list with a time-to-live. A warm login container used to keep the list it loaded at
 * cold start for its whole life, so a removed user kept signing in and refreshing. Now the list
 * is re-read (file locally, SSM deployed) at the first request after `ttlSeconds`: a removal or a
 * grant change takes effect for sign-in and refresh at most `ttlSeconds` after it is written.
 * A re-read that fails rejects (the adapter answers 503): serving the stale list would break that
 * promise.
 */
export interface UsersSource {
  /** The list loaded with the context; a context whose `users` is another map (tests) ignores the source. */
  readonly initial: UsersByName;
  /** The list to use at `now` (epoch ms), re-read when older than the TTL. */
  current(now: number): Promise<UsersByName>;
}

export function createUsersSource(
  initial: UsersByName,
  loadedAt: number,
  ttlSeconds: number,
  reload: () => Promise<UsersByName>,
): UsersSource {
  let users = initial;
  let at = loadedAt;
  let pending: Promise<UsersByName> | undefined;
  return {
    initial,
    current(now) {
      if (now - at < ttlSeconds * 1000) return Promise.resolve(users);
      // Concurrent requests share one re-read.
      pending ??= reload()
        .then((fresh) => {
          users = fresh;
          at = now;
          return fresh;
        })
        .finally(() => {
          pending = undefined;
        });
      return pending;
    },
  };
}
