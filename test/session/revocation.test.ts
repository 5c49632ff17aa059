import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { kvsKeyValueStore } from '../../src/deploy/kvs';
import type { KeyValueStore } from '../../src/deploy/kvs-store';
import { isRevokedByEntries } from '../../src/edge/decide-function';
import { fileKeyValueStore, readKvsFile } from '../../src/local/kvs-file';
import {
  deadRevocationKeys,
  fileRevocationStore,
  isRevokedBy,
  keyValueRevocationStore,
  pruneRevocations,
  RevocationError,
  revocationExpiresAt,
  revocationExpiry,
} from '../../src/session/revocation';
import { startKvsStandIn } from '../deploy/kvs-stand-in';

const claims = { sid: 'S1', sub: 'alice', auth_time: 1_000 };

describe.each([
  ['isRevokedBy (login, CLI)', isRevokedBy],
  ['isRevokedByEntries (the function-mode edge)', isRevokedByEntries],
])('%s: which stored entries revoke a session', (_name, revoked) => {
  test.each([
    [{}, false],
    [{ session: '5000' }, true],
    [{ user: '1001:50000' }, true], // signed in at 1000, before 1001
    [{ user: '1000:50000' }, false], // signed in at the very second of the revocation: after it
    [{ user: '999:50000' }, false],
    [{ user: 'garbage' }, true], // fail closed
    [{ user: '' }, true],
    // Values Number() would read but the writer never writes: fail closed, not "signed in after".
    [{ user: ' ' }, true],
    [{ user: '0x3E8:9' }, true],
    [{ user: '1e3:9' }, true],
    [{ user: '1001' }, true],
    [{ user: '1001:' }, true],
  ])('%j → %s', (entries, expected) => {
    expect(revoked(entries, claims)).toBe(expected);
  });
});

describe('isRevokedBy (the rule the function-mode edge mirrors)', () => {
  test('the function-mode edge decides every stored value as login and the CLI do', () => {
    fc.assert(
      fc.property(
        fc.option(fc.string(), { nil: undefined }),
        fc.oneof(fc.string(), fc.stringMatching(/^\d{1,4}:\d{1,4}$/)),
        fc.integer({ min: 0, max: 20_000 }),
        (session, user, authTime) => {
          const c = { auth_time: authTime };
          expect(isRevokedByEntries({ session, user }, c)).toBe(isRevokedBy({ session, user }, c));
        },
      ),
    );
  });

  test('never throws on arbitrary stored values', () => {
    fc.assert(
      fc.property(
        fc.option(fc.string(), { nil: undefined }),
        fc.option(fc.string(), { nil: undefined }),
        (session, user) => {
          expect(typeof isRevokedBy({ session, user }, claims)).toBe('boolean');
        },
      ),
    );
  });
});

test('dead entries: past expiresAt or unparseable; other keys (HMAC keys) are never touched', () => {
  const entries = [
    { key: 'rs:a', value: '100' },
    { key: 'rs:b', value: '300' },
    { key: 'ru:c', value: '50:100' },
    { key: 'ru:d', value: '50:300' },
    { key: 'ru:e', value: 'x' },
    { key: 'key:k1', value: 'c2VjcmV0' },
  ];
  expect(deadRevocationKeys(entries, 200)).toEqual(['rs:a', 'ru:c', 'ru:e']);
});

test('an entry is dead from the second of its expiresAt (the edge refuses the last token as expired by then), alive the second before', () => {
  const entries = [
    { key: 'rs:a', value: '200' },
    { key: 'ru:b', value: '50:200' },
  ];
  expect(deadRevocationKeys(entries, 199)).toEqual([]);
  expect(deadRevocationKeys(entries, 200)).toEqual(['rs:a', 'ru:b']);
});

test('a revocation is kept until the session ends plus the clock skew', () => {
  // A session that ends at 1000 has a last token with exp <= 1000, accepted until exp + 30 s.
  expect(revocationExpiresAt(1000, 30)).toBe(1030);
});

test('an entry whose value is not exactly the documented digits is dead, whatever digits it holds', () => {
  const entries = [
    { key: 'rs:a', value: '300x' },
    { key: 'rs:b', value: 'x300' },
    { key: 'rs:c', value: '300\n' }, // a hand-edited file
    { key: 'rs:d', value: '1234567890123' }, // 13 digits
    { key: 'ru:e', value: '50:300x' },
    { key: 'ru:f', value: 'x50:300' },
    { key: 'ru:g', value: '50:300\n' },
    { key: 'rs:live', value: '300' },
    { key: 'ru:live', value: '50:300' },
  ];
  expect(deadRevocationKeys(entries, 200)).toEqual(['rs:a', 'rs:b', 'rs:c', 'rs:d', 'ru:e', 'ru:f', 'ru:g']);
});

test('a key outside rs: and ru: has no revocation expiry, even with a value shaped like one', () => {
  expect(revocationExpiry('key:k1', '50:300')).toBeUndefined();
  expect(revocationExpiry('key:k1', '300')).toBeUndefined();
  expect(revocationExpiry('ru:bob', '50:300')).toBe(300);
  expect(revocationExpiry('rs:s1', '300')).toBe(300);
});

/** An in-memory KeyValueStore that records each update. */
function recordingStore(initial: Record<string, string> = {}) {
  const entries = new Map(Object.entries(initial));
  const updates: { puts?: { key: string; value: string }[]; deletes?: string[] }[] = [];
  const store: KeyValueStore = {
    get: async (key) => entries.get(key),
    list: async () => [...entries].map(([key, value]) => ({ key, value })),
    update: async (change) => {
      updates.push(change);
      for (const key of change.deletes ?? []) entries.delete(key);
      for (const { key, value } of change.puts ?? []) entries.set(key, value);
    },
  };
  return { store, entries, updates };
}

test('prune deletes in batches of batchSize, and writes nothing when nothing is dead', async () => {
  const dead = { 'rs:a': '1', 'rs:b': '2', 'ru:c': '1:3', 'rs:d': 'x', 'rs:e': '5' };
  const { store, entries, updates } = recordingStore({ ...dead, 'rs:live': '900', 'key:k1': 'x' });
  expect(await pruneRevocations(store, 100, 2)).toEqual({ removed: 5, kept: 1 });
  expect(updates).toEqual([
    { deletes: ['rs:a', 'rs:b'] },
    { deletes: ['ru:c', 'rs:d'] },
    { deletes: ['rs:e'] },
  ]);
  expect([...entries.keys()]).toEqual(['rs:live', 'key:k1']);

  // An exact multiple of the batch size: no empty update after the last batch.
  const even = recordingStore({ 'rs:a': '1', 'rs:b': '2' });
  await pruneRevocations(even.store, 100, 2);
  expect(even.updates).toEqual([{ deletes: ['rs:a', 'rs:b'] }]);

  const clean = recordingStore({ 'rs:live': '900', 'key:k1': 'x' });
  expect(await pruneRevocations(clean.store, 100)).toEqual({ removed: 0, kept: 1 });
  expect(clean.updates).toEqual([]);
});

describe('revoking refuses what the store could not read back, before writing anything', () => {
  // Values are stored as 1-12 decimal digits: anything else would parse as "dead" and be pruned,
  // silently ending the revocation.
  test('a session: a session id and expiresAt in epoch seconds (0 to 999999999999)', async () => {
    const { store, entries, updates } = recordingStore();
    const revocations = keyValueRevocationStore(store);
    await expect(revocations.revokeSession('', 5_000)).rejects.toThrow(
      new RevocationError('a session id is required'),
    );
    for (const expiresAt of [-1, 1.5, Number.NaN, 1_000_000_000_000]) {
      await expect(revocations.revokeSession('S1', expiresAt)).rejects.toThrow(
        new RevocationError('expiresAt must be epoch seconds'),
      );
    }
    expect(updates).toEqual([]);
    await revocations.revokeSession('S0', 0);
    await revocations.revokeSession('S1', 999_999_999_999);
    expect(Object.fromEntries(entries)).toEqual({ 'rs:S0': '0', 'rs:S1': '999999999999' });
    expect(deadRevocationKeys([{ key: 'rs:S1', value: entries.get('rs:S1')! }], 999_999_999_998)).toEqual([]);
  });

  test('a user: a user, revokedBefore and expiresAt in epoch seconds', async () => {
    const { store, entries, updates } = recordingStore();
    const revocations = keyValueRevocationStore(store);
    await expect(revocations.revokeUser('', 1_000, 5_000)).rejects.toThrow(
      new RevocationError('a user is required'),
    );
    await expect(revocations.revokeUser('bob', -1, 5_000)).rejects.toThrow(
      new RevocationError('revokedBefore must be epoch seconds'),
    );
    await expect(revocations.revokeUser('bob', 1_000, 1_000_000_000_000)).rejects.toThrow(
      new RevocationError('expiresAt must be epoch seconds'),
    );
    expect(updates).toEqual([]);
    await revocations.revokeUser('bob', 0, 999_999_999_999);
    expect(Object.fromEntries(entries)).toEqual({ 'ru:bob': '0:999999999999' });
  });

  test('the refusal is a RevocationError with the code ERR_REVOCATION', async () => {
    const revocations = keyValueRevocationStore(recordingStore().store);
    await expect(revocations.revokeSession('', 5_000)).rejects.toMatchObject({
      name: 'RevocationError',
      code: 'ERR_REVOCATION',
    });
  });
});

describe('file store on .local/kvs.json', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kvs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('revoke a session and a user; entries use the shared key names and value formats', async () => {
    const file = join(dir, 'kvs.json');
    const store = fileRevocationStore(file);
    await store.revokeSession('S1', 5_000);
    await store.revokeUser('bob', 2_000, 9_000);
    expect(readKvsFile(file)).toEqual({ 'rs:S1': '5000', 'ru:bob': '2000:9000' });
    expect(await store.isRevoked(claims, 1_500)).toBe(true);
    expect(await store.isRevoked({ sid: 'S2', sub: 'bob', auth_time: 1_999 }, 1_500)).toBe(true);
    expect(await store.isRevoked({ sid: 'S3', sub: 'bob', auth_time: 2_000 }, 2_100)).toBe(false);
    expect(await store.isRevoked({ sid: 'S4', sub: 'carol', auth_time: 1 }, 2_100)).toBe(false);
  });

  test('a later user revocation never narrows an earlier one', async () => {
    const file = join(dir, 'kvs.json');
    const store = fileRevocationStore(file);
    await store.revokeUser('bob', 2_000, 9_000);
    await store.revokeUser('bob', 1_000, 8_000);
    expect(readKvsFile(file)['ru:bob']).toBe('2000:9000');
  });

  test('writes are atomic (no temporary file left) and a reader sees another writer at once', async () => {
    const file = join(dir, 'kvs.json');
    const reader = fileRevocationStore(file);
    expect(await reader.isRevoked(claims, 0)).toBe(false);
    await fileRevocationStore(file).revokeSession('S1', 5_000);
    expect(await reader.isRevoked(claims, 0)).toBe(true);
    expect(readdirSync(dir)).toEqual(['kvs.json']);
  });

  test('a broken file is a clear error, not a crash', async () => {
    const file = join(dir, 'kvs.json');
    writeFileSync(file, '{nope');
    await expect(fileRevocationStore(file).isRevoked(claims, 0)).rejects.toThrow(/kvs.json is not JSON/);
  });

  test('prune removes dead entries and keeps live ones and the HMAC keys', async () => {
    const file = join(dir, 'kvs.json');
    writeFileSync(file, JSON.stringify({ 'rs:a': '100', 'rs:b': '300', 'ru:c': '1:100', 'key:k1': 'x' }));
    const result = await pruneRevocations(fileKeyValueStore(file), 200);
    expect(result).toEqual({ removed: 2, kept: 1 });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ 'rs:b': '300', 'key:k1': 'x' });
  });
});

test('KeyValueStore-backed store through the SDK: revoke, check, prune in batches', async () => {
  const standIn = await startKvsStandIn();
  try {
    const kvs = kvsKeyValueStore({
      arn: standIn.arn,
      endpoint: standIn.endpoint,
      credentials: { accessKeyId: 'AKIDSTANDIN', secretAccessKey: 'x' },
    });
    const store = keyValueRevocationStore(kvs);
    await store.revokeSession('S1', 150);
    await store.revokeUser('alice', 1_001, 400);
    expect(Object.fromEntries(standIn.entries)).toEqual({ 'rs:S1': '150', 'ru:alice': '1001:400' });
    expect(await store.isRevoked({ sid: 'S9', sub: 'alice', auth_time: 1_000 }, 200)).toBe(true);
    expect(await store.isRevoked({ sid: 'S9', sub: 'bob', auth_time: 1_000 }, 200)).toBe(false);
    for (let i = 0; i < 5; i++) standIn.entries.set(`rs:old${i}`, '10');
    const result = await pruneRevocations(kvs, 200, 2);
    expect(result).toEqual({ removed: 6, kept: 1 });
    expect([...standIn.entries.keys()]).toEqual(['ru:alice']);
    expect(standIn.requests.filter((r) => r.method === 'POST').length).toBeGreaterThanOrEqual(3 + 2);
  } finally {
    await standIn.close();
  }
});
