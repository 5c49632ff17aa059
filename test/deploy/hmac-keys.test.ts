import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { kvsKeyValueStore } from '../../src/deploy/kvs';
import {
  initStageKeys,
  type ParameterStore,
  pushHmacKeys,
  rotateStageKeys,
} from '../../src/deploy/stage-keys';
import { parseHmacKeyring } from '../../src/keys/hmac-keyring';
import { readKvsFile } from '../../src/local/kvs-file';
import { recordingIo } from '../infra/package-stack';
import { type KvsStandIn, startKvsStandIn } from './kvs-stand-in';

let root: string;
let standIn: KvsStandIn;
let counter = 0;
const suffix = () => (++counter).toString(16).padStart(4, '0');

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'hmac-keys-'));
  standIn = await startKvsStandIn();
});
afterEach(async () => {
  rmSync(root, { recursive: true, force: true });
  await standIn.close();
});

/** SSM stand-in at the interface level, recording the keyring after each put. */
function parameterStore(onPut: (value: string) => void): ParameterStore & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return {
    values,
    async putParameter({ name, value }) {
      values.set(name, value);
      onPut(value);
      return 'stored';
    },
  };
}

test('rotation keeps the signing kid in the KeyValueStore at every step, old and new both valid in between', async () => {
  const kvs = kvsKeyValueStore({
    arn: standIn.arn,
    endpoint: standIn.endpoint,
    credentials: { accessKeyId: 'AKIDSTANDIN', secretAccessKey: 'x' },
  });
  // The invariant a request needs: whatever kid the login function signs with is in the store.
  const violations: string[] = [];
  const ssm = parameterStore((value) => {
    const active = JSON.parse(value).active as string;
    if (!standIn.entries.has(`key:${active}`))
      violations.push(`SSM switched to ${active} before the edge knew it`);
  });
  const base = { stage: 'prod', root, now: new Date('2026-11-29T00:00:00Z'), suffix };
  const init = initStageKeys(base);
  const first = init.hmac!.active;
  expect(statSync(join(init.dir, 'session-hmac.json')).mode & 0o777).toBe(0o600);
  await pushHmacKeys({ stage: 'prod', root, kvs, store: ssm });
  expect([...standIn.entries.keys()]).toEqual([`key:${first}`]);
  expect(standIn.entries.get(`key:${first}`)).toBe(init.hmac!.keys[first]);

  const added = rotateStageKeys({ ...base, step: 'add' });
  const second = Object.keys(added.hmac!.keys).find((k) => k !== first)!;
  expect(added.hmac!.active).toBe(first);
  await pushHmacKeys({ stage: 'prod', root, kvs, store: ssm });
  expect([...standIn.entries.keys()].sort()).toEqual([`key:${first}`, `key:${second}`].sort());

  rotateStageKeys({ ...base, step: 'activate' });
  await pushHmacKeys({ stage: 'prod', root, kvs, store: ssm });
  expect(JSON.parse(ssm.values.get('/edge-auth/prod/session-hmac-keys')!).active).toBe(second);
  // Both kids stay in the store: sessions signed with the old one keep working until retire.
  expect(standIn.entries.size).toBe(2);

  rotateStageKeys({ ...base, step: 'retire' });
  const results = await pushHmacKeys({ stage: 'prod', root, kvs, store: ssm });
  expect([...standIn.entries.keys()]).toEqual([`key:${second}`]);
  expect(results.map((r) => `${r.outcome} ${r.name}`)).toEqual([
    `stored kvs key:${second}`,
    'stored /edge-auth/prod/session-hmac-keys',
    `deleted kvs key:${first}`,
  ]);
  expect(violations).toEqual([]);
  // The SSM value is exactly the keyring file, which parses.
  const file = readFileSync(join(root, 'keys', 'prod', 'session-hmac.json'), 'utf8');
  expect(parseHmacKeyring(ssm.values.get('/edge-auth/prod/session-hmac-keys')!, 'ssm')).toEqual(
    parseHmacKeyring(file, 'file'),
  );
});

test('keys push --stage local writes key:<kid> entries into .local/kvs.json and leaves revocations alone', async () => {
  initStageKeys({ stage: 'local', root, now: new Date(), suffix });
  const io = recordingIo(root);
  expect(await main(['keys', 'push', '--stage', 'local'], io)).toBe(0);
  const ring = parseHmacKeyring(readFileSync(join(root, '.local', 'keys', 'session-hmac.json'), 'utf8'), 'f');
  const entries = readKvsFile(join(root, '.local', 'kvs.json'));
  expect(entries).toEqual({ [`key:${ring.active}`]: ring.keys[ring.active] });
  // No secret reaches the output.
  expect(io.lines.join('\n')).not.toContain(ring.keys[ring.active]!);
});
