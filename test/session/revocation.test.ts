import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { kvsKeyValueStore } from '../../src/deploy/kvs';
import { fileKeyValueStore, readKvsFile } from '../../src/local/kvs-file';
import {
  deadRevocationKeys,
  fileRevocationStore,
  isRevokedBy,
  keyValueRevocationStore,
  pruneRevocations,
} from '../../src/session/revocation';
import { startKvsStandIn } from '../deploy/kvs-stand-in';

const claims = { sid: 'S1', sub: 'alice', auth_time: 1_000 };

describe('isRevokedBy (the rule the function-mode edge mirrors)', () => {
  test.each([
    [{}, false],
    [{ session: '5000' }, true],
    [{ user: '1001:50000' }, true], // signed in at 1000, before 1001
    [{ user: '1000:50000' }, false], // signed in at the very second of the revocation: after it
    [{ user: '999:50000' }, false],
    [{ user: 'garbage' }, true], // fail closed
    [{ user: '' }, true],
  ])('%j → %s', (entries, expected) => {
    expect(isRevokedBy(entries, claims)).toBe(expected);
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
