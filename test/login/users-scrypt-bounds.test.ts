import { scrypt } from 'node:crypto';
import {
  hashPassword,
  parseUsersFile,
  scryptCostProblem,
  UsersError,
  verifyPassword,
} from '../../src/login/users';

// scrypt's cost parameters travel in every hash (`$scrypt$ln=<log2 N>,r=<r>,p=<p>$salt$key`), so
// whoever can write the users file chooses how much memory and CPU a sign-in spends: at ln=22,
// r=32 one attempt would ask for 16 GiB. The bounds (ln 10-20, r 1-32, p 1-16) hold for hashes
// written by `users add` and for hashes read back at sign-in. scrypt is observed, not replaced
// (unless a test says so), so "never ran scrypt" is the resource guarantee itself.
jest.mock('node:crypto', () => {
  const actual = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  return { ...actual, scrypt: jest.fn(actual.scrypt) };
});
const scryptSpy = jest.mocked(scrypt);
const realScrypt = jest.requireActual<typeof import('node:crypto')>('node:crypto').scrypt;

type Callback = (error: Error | null, key: Buffer) => void;
/** scrypt answering at once with 32 zero bytes: the key `A`×43 below, whatever the cost asked. */
function answerZeroKey() {
  scryptSpy.mockImplementation(((...args: unknown[]) => {
    (args[args.length - 1] as Callback)(null, Buffer.alloc(32));
  }) as typeof scrypt);
}

const SALT = 'A'.repeat(22);
const ZERO_KEY = 'A'.repeat(43);
const hashWith = (params: string) => `$scrypt$${params}$${SALT}$${ZERO_KEY}`;

afterEach(() => {
  scryptSpy.mockReset();
  scryptSpy.mockImplementation(realScrypt);
});

describe('hashPassword cost bounds (users add)', () => {
  it('refuses logN outside 10-20 or not an integer, naming logN before any other parameter', async () => {
    // p: 17 is out of bounds too: logN is judged first, so the refusal says which bound logN broke.
    for (const logN of [9, 21, 10.5, Number.NaN]) {
      await expect(hashPassword('pw', { logN, p: 17 })).rejects.toThrow(
        new UsersError('scrypt logN must be from 10 to 20'),
      );
    }
    expect(scryptSpy).not.toHaveBeenCalled();
  });

  it('accepts logN 20: with a bad r the refusal is about r and p, not logN', async () => {
    // r: 0 rather than a large r or p, so that no mistake in the bounds can start a 1 GiB scrypt.
    await expect(hashPassword('pw', { logN: 20, r: 0 })).rejects.toThrow(
      new UsersError('scrypt r must be 1-32 and p 1-16'),
    );
  });

  it('refuses r outside 1-32 and p outside 1-16, or not integers, with one message', async () => {
    const bad = [{ r: 0 }, { r: 33 }, { r: 1.5 }, { p: 0 }, { p: 17 }, { p: 1.5 }];
    for (const params of bad) {
      await expect(hashPassword('pw', { logN: 10, ...params })).rejects.toThrow(
        new UsersError('scrypt r must be 1-32 and p 1-16'),
      );
    }
    expect(scryptSpy).not.toHaveBeenCalled();
  });

  it('writes and verifies hashes at the edges: r 32, and r 1 with p 16', async () => {
    const wide = await hashPassword('edge pw', { logN: 10, r: 32 });
    expect(wide).toMatch(/^\$scrypt\$ln=10,r=32,p=1\$/);
    const parallel = await hashPassword('edge pw', { logN: 10, r: 1, p: 16 });
    expect(parallel).toMatch(/^\$scrypt\$ln=10,r=1,p=16\$/);
    expect([await verifyPassword('edge pw', wide), await verifyPassword('edge pw', parallel)]).toEqual([
      true,
      true,
    ]);
    expect(await verifyPassword('edge pX', parallel)).toBe(false);
  });

  it('refusals are UsersErrors with code ERR_USERS', async () => {
    const error = await hashPassword('pw', { logN: 9 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsersError);
    expect(error).toMatchObject({ name: 'UsersError', code: 'ERR_USERS' });
  });
});

describe('verifyPassword cost bounds (a tampered users file)', () => {
  it('answers false without running scrypt for a hash outside ln 10-20, r 1-32, p 1-16', async () => {
    answerZeroKey();
    const outside = ['ln=9,r=8,p=1', 'ln=21,r=8,p=1', 'ln=99,r=8,p=1', 'ln=15,r=0,p=1', 'ln=15,r=33,p=1'];
    outside.push('ln=15,r=8,p=0', 'ln=15,r=8,p=17');
    for (const params of outside) {
      expect([params, await verifyPassword('pw', hashWith(params))]).toEqual([params, false]);
    }
    expect(scryptSpy).not.toHaveBeenCalled();
  });

  it('checks a hash at each edge of the bounds with the cost it names', async () => {
    answerZeroKey();
    const edges: Array<[string, { N: number; r: number; p: number }]> = [
      ['ln=10,r=8,p=1', { N: 1024, r: 8, p: 1 }],
      ['ln=20,r=8,p=1', { N: 1_048_576, r: 8, p: 1 }],
      ['ln=15,r=1,p=1', { N: 32_768, r: 1, p: 1 }],
      ['ln=15,r=32,p=1', { N: 32_768, r: 32, p: 1 }],
      ['ln=15,r=8,p=16', { N: 32_768, r: 8, p: 16 }],
    ];
    for (const [params, cost] of edges) {
      scryptSpy.mockClear();
      expect([params, await verifyPassword('pw', hashWith(params))]).toEqual([params, true]);
      expect(scryptSpy).toHaveBeenCalledTimes(1);
      expect(scryptSpy.mock.calls[0]![3]).toMatchObject(cost);
    }
  });

  it('answers false, never throws, when scrypt itself fails', async () => {
    scryptSpy.mockImplementation(((...args: unknown[]) => {
      (args[args.length - 1] as Callback)(new Error('memory limit exceeded'), Buffer.alloc(0));
    }) as typeof scrypt);
    await expect(verifyPassword('pw', hashWith('ln=15,r=8,p=1'))).resolves.toBe(false);
    scryptSpy.mockImplementation((() => {
      throw new Error('Invalid scrypt params');
    }) as typeof scrypt);
    await expect(verifyPassword('pw', hashWith('ln=15,r=8,p=1'))).resolves.toBe(false);
  });

  it('reads only a whole hash: text before or after it makes the hash invalid', async () => {
    const hash = await hashPassword('pw', { logN: 10 });
    expect(await verifyPassword('pw', hash)).toBe(true);
    expect(await verifyPassword('pw', `x${hash}`)).toBe(false);
    expect(await verifyPassword('pw', `${hash}A`)).toBe(false);
    expect(await verifyPassword('pw', `${hash}\n`)).toBe(false);
  });
});

describe("OpenSSL's own scrypt rule: N below 2^(16r)", () => {
  it('refuses to write a hash OpenSSL could never compute (r 1 takes logN up to 15)', async () => {
    await expect(hashPassword('pw', { logN: 16, r: 1 })).rejects.toThrow(
      new UsersError('scrypt logN 16 needs r of at least 2'),
    );
    expect(scryptSpy).not.toHaveBeenCalled();
    expect(await hashPassword('pw', { logN: 15, r: 1 })).toMatch(/^\$scrypt\$ln=15,r=1,p=1\$/);
  });

  it('names the parameters that break it and accepts the rest of the bounds', () => {
    expect(scryptCostProblem(16, 1, 1)).toBe('scrypt logN 16 needs r of at least 2');
    expect(scryptCostProblem(20, 1, 1)).toBe('scrypt logN 20 needs r of at least 2');
    expect(scryptCostProblem(15, 1, 1)).toBeUndefined();
    expect(scryptCostProblem(20, 2, 16)).toBeUndefined();
    expect(scryptCostProblem(10, 32, 1)).toBeUndefined();
  });

  it('answers false at sign-in without running scrypt for such a hash', async () => {
    answerZeroKey();
    expect(await verifyPassword('pw', hashWith('ln=16,r=1,p=1'))).toBe(false);
    expect(scryptSpy).not.toHaveBeenCalled();
  });
});

describe('parseUsersFile judges each hash by the same cost rules', () => {
  const file = (params: string) =>
    JSON.stringify({ users: [{ username: 'ann', passwordHash: hashWith(params), grants: ['/media/a/*'] }] });

  it.each([
    ['ln=30,r=8,p=1', 'scrypt logN must be from 10 to 20'],
    ['ln=9,r=8,p=1', 'scrypt logN must be from 10 to 20'],
    ['ln=15,r=33,p=1', 'scrypt r must be 1-32 and p 1-16'],
    ['ln=15,r=8,p=0', 'scrypt r must be 1-32 and p 1-16'],
    ['ln=16,r=1,p=1', 'scrypt logN 16 needs r of at least 2'],
  ])('refuses a user whose hash says %s, naming the user', (params, why) => {
    expect(() => parseUsersFile(file(params), 'users.json', '/media/')).toThrow(
      new UsersError(`users.json: user "ann": ${why}`),
    );
  });

  it('loads a user whose hash is inside every bound', () => {
    expect(
      parseUsersFile(file('ln=15,r=1,p=16'), 'users.json', '/media/').users.map((u) => u.username),
    ).toEqual(['ann']);
  });
});
