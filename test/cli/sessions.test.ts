import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { resolveSettings } from '../../src/config/settings';
import { readKvsFile } from '../../src/local/kvs-file';
import { type KvsStandIn, startKvsStandIn } from '../deploy/kvs-stand-in';
import { recordingIo } from '../infra/package-stack';

const { absoluteLifetimeSeconds: LIFETIME, clockSkewSeconds: SKEW } = resolveSettings('local').session;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sessions-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('edge-auth sessions revoke --local', () => {
  test('--user writes ru:<user> = "<now+1>:<now+1+absolute lifetime+clock skew>" into .local/kvs.json', async () => {
    const io = recordingIo(dir);
    const before = Math.floor(Date.now() / 1000);
    expect(await main(['sessions', 'revoke', '--local', '--user', 'alice'], io)).toBe(0);
    const after = Math.floor(Date.now() / 1000);
    const value = readKvsFile(join(dir, '.local', 'kvs.json'))['ru:alice']!;
    const [revokedBefore, expiresAt] = value.split(':').map(Number) as [number, number];
    expect(revokedBefore).toBeGreaterThanOrEqual(before + 1);
    expect(revokedBefore).toBeLessThanOrEqual(after + 1);
    // Kept past the last session's end by the skew the edge still accepts its token for.
    expect(expiresAt).toBe(revokedBefore + LIFETIME + SKEW);
    expect(io.lines.join('\n')).toMatch(/every session of "alice" signed in before/);
  });

  test('--session writes rs:<sid> and keeps other entries (HMAC keys) as they were', async () => {
    const file = join(dir, '.local', 'kvs.json');
    await main(['sessions', 'revoke', '--local', '--user', 'bob'], recordingIo(dir));
    writeFileSync(file, JSON.stringify({ ...readKvsFile(file), 'key:k1': 'A'.repeat(43) }));
    expect(await main(['sessions', 'revoke', '--local', '--session', 'Zm9vYmFy_-1'], recordingIo(dir))).toBe(
      0,
    );
    expect(Object.keys(readKvsFile(file)).sort()).toEqual(['key:k1', 'rs:Zm9vYmFy_-1', 'ru:bob']);
  });

  test.each([
    [['sessions', 'revoke', '--local'], /pass --user USER or --session SID/],
    [['sessions', 'revoke', '--local', '--user', 'a', '--session', 'b'], /one of them/],
    [['sessions', 'revoke', '--user', 'a'], /--stage is required/],
    [['sessions', 'revoke', '--local', '--session', 'a b'], /--session must be a session id/],
    [['sessions', 'revoke', '--stage', 'local', '--user', 'a'], /use --local/],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const io = recordingIo(dir);
    expect(await main(argv, io)).toBe(2);
    expect(io.lines.join('\n')).toMatch(message);
  });

  test('prune removes only dead revocation entries', async () => {
    const file = join(dir, '.local', 'kvs.json');
    await main(['sessions', 'revoke', '--local', '--user', 'bob'], recordingIo(dir));
    writeFileSync(file, JSON.stringify({ ...readKvsFile(file), 'rs:old': '1000', 'key:k1': 'x' }));
    const io = recordingIo(dir);
    expect(await main(['sessions', 'prune', '--local'], io)).toBe(0);
    expect(io.lines[0]).toMatch(/removed 1, kept 1/);
    expect(Object.keys(readKvsFile(file)).sort()).toEqual(['key:k1', 'ru:bob']);
  });
});

describe('edge-auth sessions revoke --stage (KeyValueStore through the SDK)', () => {
  let standIn: KvsStandIn;
  const saved = { ...process.env };
  beforeAll(async () => {
    standIn = await startKvsStandIn();
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDSTANDIN', AWS_SECRET_ACCESS_KEY: 'stand-in' });
  });
  afterAll(async () => {
    process.env = saved;
    await standIn.close();
  });

  test('--session and --user write the shared entries with a signed UpdateKeys', async () => {
    const base = ['--stage', 'prod', '--kvs-arn', standIn.arn, '--endpoint', standIn.endpoint];
    expect(await main(['sessions', 'revoke', ...base, '--session', 'S1'], recordingIo(dir))).toBe(0);
    expect(await main(['sessions', 'revoke', ...base, '--user', 'carol'], recordingIo(dir))).toBe(0);
    expect(standIn.entries.get('rs:S1')).toMatch(/^\d{10}$/);
    expect(standIn.entries.get('ru:carol')).toMatch(/^\d{10}:\d{10}$/);
    const posts = standIn.requests.filter((r) => r.method === 'POST');
    expect(posts.every((r) => String(r.headers.authorization).startsWith('AWS4-ECDSA-P256-SHA256'))).toBe(
      true,
    );
  });
});
