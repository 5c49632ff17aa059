import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addUser, parseUsersFile, UsersError } from '../../src/login/users';
import { FAST } from './helpers';

// What an operator reads when a users file or a `users add` is refused: the entry and the rule it
// breaks, never a password hash.
const HASH = '$scrypt$ln=10,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$S0VZS0VZS0VZS0VZS0VZS0VZS0VZS0VZS0VZS0VZS0U';
const ALLOWED = '(allowed: ^[A-Za-z0-9._@+-]{1,64}$)';

const file = (users: unknown) => JSON.stringify({ users });
const user = (fields: Record<string, unknown>) => ({
  username: 'alice',
  passwordHash: HASH,
  grants: ['/media/free/*'],
  ...fields,
});
function refusal(text: string): UsersError {
  try {
    parseUsersFile(text, 'users.json');
  } catch (error) {
    return error as UsersError;
  }
  throw new Error('the users file was accepted');
}

describe('users file refusals', () => {
  it('a file without a "users" array says what shape is expected', () => {
    for (const text of ['{}', 'null', '[]', '{"users":{}}', '{"users":"alice"}']) {
      expect([text, refusal(text).message]).toEqual([
        text,
        'users.json must be an object with a "users" array',
      ]);
    }
  });

  it('a bad username names the entry by its position (from 1) and the allowed characters', () => {
    const second = file([user({}), user({ username: 'bad name' })]);
    expect(refusal(second).message).toBe(`users.json: user #2 has a bad username ${ALLOWED}`);
    for (const bad of [42, null, ['alice'], '', 'a'.repeat(65)]) {
      expect(refusal(file([user({ username: bad })])).message).toBe(
        `users.json: user #1 has a bad username ${ALLOWED}`,
      );
    }
    expect(refusal(file([null])).message).toBe(`users.json: user #1 has a bad username ${ALLOWED}`);
    expect(parseUsersFile(file([user({ username: 'a'.repeat(64) })]), 'users.json').users).toHaveLength(1);
  });

  it('a passwordHash that is not exactly one scrypt hash string names the user, not the hash', () => {
    const bad = [[HASH], { hash: HASH }, `x${HASH}`, `${HASH}A`, `${HASH}\n`, HASH.replace('r=8', 'r=888')];
    for (const passwordHash of bad) {
      const error = refusal(file([user({ username: 'carol', passwordHash })]));
      expect(error.message).toBe('users.json: user "carol" has no valid scrypt passwordHash');
    }
    const grants = refusal(file([user({ grants: ['/etc/*'] })]));
    expect(grants.message).toMatch(/^users\.json: user "alice": .*protected prefix/);
    expect(grants.message).not.toContain('c2FsdHNhbHRzYWx0c2FsdA');
  });

  it('refusals are UsersErrors with code ERR_USERS', () => {
    expect(refusal('{')).toMatchObject({
      name: 'UsersError',
      code: 'ERR_USERS',
      message: 'users.json is not valid JSON',
    });
    expect(refusal('{')).toBeInstanceOf(UsersError);
  });
});

describe('users add refusals', () => {
  const target = () => join(mkdtempSync(join(tmpdir(), 'edge-auth-users-')), 'users.json');

  it('a bad username shows the allowed characters', async () => {
    await expect(addUser(target(), 'bad name', 'long-password', ['/media/a/*'], FAST)).rejects.toThrow(
      new UsersError(`bad username ${ALLOWED}`),
    );
  });

  it('a password of 1,024 characters is kept; 1,025 or none is refused with the limits', async () => {
    const path = target();
    const max = 'p'.repeat(1024);
    await expect(addUser(path, 'carol', max, ['/media/a/*'], FAST)).resolves.toMatchObject({
      username: 'carol',
    });
    for (const password of ['', 'p'.repeat(1025)]) {
      await expect(addUser(path, 'dave', password, ['/media/a/*'], FAST)).rejects.toThrow(
        new UsersError('the password must be 1 to 1024 characters'),
      );
    }
  });

  it('a user without grants is refused', async () => {
    await expect(addUser(target(), 'carol', 'long-password', [], FAST)).rejects.toThrow(
      new UsersError('a user needs at least one grant'),
    );
  });

  // 60 grants of 45 characters and one of /media/<x…>/*: the largest session cookie for user
  // "dave" (prod settings, amr "pwd", longest key id, ten-digit times) is 4,096 bytes with
  // "/media/xx/*" and 4,097 with "/media/xxx/*" (one more payload byte, one more base64url
  // character). RFC 6265 section 6.1: browsers keep 4,096 bytes, name and attributes included.
  const COURSES = Array.from(
    { length: 60 },
    (_, i) => `/media/course-${String(i).padStart(3, '0')}-advanced-module-part-a/*`,
  );

  it('keeps a user whose session cookie is exactly 4,096 bytes and refuses 4,097, naming the user', async () => {
    const path = target();
    await expect(addUser(path, 'dave', 'long-password', [...COURSES, '/media/xxx/*'], FAST)).rejects.toThrow(
      /^user "dave" needs a 4097-byte session cookie; browsers keep at most 4,096 bytes/,
    );
    const kept = await addUser(path, 'dave', 'long-password', [...COURSES, '/media/xx/*'], FAST);
    expect(kept.grants).toHaveLength(61);
    expect(JSON.parse(readFileSync(path, 'utf8')).users[0].grants).toHaveLength(61);
  });
});
