import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { addUser, hashPassword, parseUsersFile, UsersError, verifyPassword } from '../../src/login/users';
import { FAST } from './helpers';

describe('password hashes', () => {
  it('verifies the right password only', async () => {
    const hash = await hashPassword('correct horse', FAST);
    expect(hash).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPassword('correct horse', hash)).toBe(true);
    expect(await verifyPassword('correct horsE', hash)).toBe(false);
    expect(await hashPassword('correct horse', FAST)).not.toBe(hash);
  });

  it('answers false, never throws, for malformed or hostile hashes', async () => {
    expect(
      await verifyPassword(
        'x',
        '$scrypt$ln=30,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      ),
    ).toBe(false);
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), async (password, hash) => {
        expect(await verifyPassword(password, hash)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});

describe('users file', () => {
  it('addUser creates the file, then replaces an entry of the same name', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'users-')), 'sub', 'users.json');
    await addUser(file, 'alice', 'first-pass', ['/media/a/*'], FAST);
    await addUser(file, 'bob', 'bob-pass', ['/media/b/*'], FAST);
    await addUser(file, 'alice', 'second-pass', ['/media/c/*'], FAST);
    const parsed = parseUsersFile(readFileSync(file, 'utf8'), file);
    expect(parsed.users.map((u) => [u.username, u.grants])).toEqual([
      ['bob', ['/media/b/*']],
      ['alice', ['/media/c/*']],
    ]);
    const alice = parsed.users.find((u) => u.username === 'alice')!;
    expect(await verifyPassword('second-pass', alice.passwordHash)).toBe(true);
    expect(statSync(file).mode & 0o077).toBe(0);
  });

  it('addUser refuses bad names, empty passwords and bad grants', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'users-')), 'users.json');
    await expect(addUser(file, 'bad name', 'pw', ['/media/a/*'], FAST)).rejects.toThrow(UsersError);
    await expect(addUser(file, 'carol', '', ['/media/a/*'], FAST)).rejects.toThrow(UsersError);
    await expect(addUser(file, 'carol', 'pw', [], FAST)).rejects.toThrow(UsersError);
    await expect(addUser(file, 'carol', 'pw', ['/etc/*'], FAST)).rejects.toThrow(/protected prefix/);
  });

  it('parseUsersFile names the entry and never leaks a hash', () => {
    const hash = '$scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    expect(() => parseUsersFile('{', 'u.json')).toThrow('u.json is not valid JSON');
    expect(() =>
      parseUsersFile('{"users":[{"username":"a","passwordHash":"x","grants":[]}]}', 'u.json'),
    ).toThrow(/user "a" has no valid scrypt passwordHash/);
    const dup = JSON.stringify({
      users: [1, 2].map(() => ({ username: 'a', passwordHash: hash, grants: ['/media/*'] })),
    });
    expect(() => parseUsersFile(dup, 'u.json')).toThrow(/listed twice/);
  });

  it('parseUsersFile returns a value or a UsersError for any input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.anything().map((v) => JSON.stringify({ users: [v] }) ?? ''),
        ),
        (text) => {
          try {
            parseUsersFile(text, 'u.json');
          } catch (error) {
            expect(error).toBeInstanceOf(UsersError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
