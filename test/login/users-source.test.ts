import type { UserRecord } from '../../src/login/users';
import { createUsersSource, type UsersByName } from '../../src/login/users-source';

// The users list a warm login container serves: the one it loaded, until `ttlSeconds` have passed
// since it was (re-)read; then the file or SSM parameter is read again (issue 9, finding 2). Time
// is a parameter, so no test sleeps.
const LOADED_AT = 1_800_000_000_000;
const TTL_SECONDS = 60;

function list(...names: string[]): UsersByName {
  return new Map(
    names.map((username): [string, UserRecord] => [
      username,
      { username, passwordHash: '$scrypt$unused', grants: ['/media/free/*'] },
    ]),
  );
}

/** A re-read that answers the given lists (or failures) in turn and counts how often it ran. */
function reads(...answers: Array<UsersByName | Error>) {
  const state = { count: 0 };
  const reload = () => {
    const answer = answers[state.count++];
    if (!answer) throw new Error('no more re-reads expected');
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  };
  return { state, reload };
}

describe('users source time-to-live', () => {
  it('serves the loaded list without reading it again until exactly ttlSeconds have passed', async () => {
    const initial = list('alice', 'bob');
    const fresh = list('bob');
    const { state, reload } = reads(fresh);
    const source = createUsersSource(initial, LOADED_AT, TTL_SECONDS, reload);

    expect(await source.current(LOADED_AT)).toBe(initial);
    expect(await source.current(LOADED_AT + 59_999)).toBe(initial);
    expect(state.count).toBe(0);
    // 60 s after the load: the removal of alice takes effect.
    expect(await source.current(LOADED_AT + 60_000)).toBe(fresh);
    expect(state.count).toBe(1);
  });

  it('counts the next TTL from the re-read, and re-reads again when that one has passed', async () => {
    const second = list('bob');
    const third = list('bob', 'carol');
    const { state, reload } = reads(second, third);
    const source = createUsersSource(list('alice'), LOADED_AT, TTL_SECONDS, reload);

    expect(await source.current(LOADED_AT + 61_000)).toBe(second);
    expect(await source.current(LOADED_AT + 61_000 + 59_999)).toBe(second);
    expect(state.count).toBe(1);
    expect(await source.current(LOADED_AT + 61_000 + 60_000)).toBe(third);
    expect(state.count).toBe(2);
  });

  it('a failed re-read fails that request and is tried again at the next one, never cached', async () => {
    const fresh = list('bob');
    const { state, reload } = reads(new Error('SSM throttled'), fresh);
    const source = createUsersSource(list('alice'), LOADED_AT, TTL_SECONDS, reload);

    await expect(source.current(LOADED_AT + 60_000)).rejects.toThrow('SSM throttled');
    expect(await source.current(LOADED_AT + 60_001)).toBe(fresh);
    expect(state.count).toBe(2);
  });

  it('concurrent requests after the TTL share one re-read', async () => {
    const fresh = list('bob');
    const { state, reload } = reads(fresh);
    const source = createUsersSource(list('alice'), LOADED_AT, TTL_SECONDS, reload);

    const answers = await Promise.all([
      source.current(LOADED_AT + 60_000),
      source.current(LOADED_AT + 60_001),
    ]);
    expect(answers).toEqual([fresh, fresh]);
    expect(state.count).toBe(1);
  });
});
