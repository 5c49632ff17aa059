import { createCleanupHandler } from '../../functions/session-cleanup';
import { type KvsStandIn, startKvsStandIn } from '../deploy/kvs-stand-in';

let standIn: KvsStandIn;
const saved = { ...process.env };
beforeAll(async () => {
  standIn = await startKvsStandIn({ pageSize: 2 });
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDSTANDIN', AWS_SECRET_ACCESS_KEY: 'stand-in' });
});
afterAll(async () => {
  process.env = saved;
  await standIn.close();
});

test('the scheduled cleanup deletes expired revocations through the KeyValueStore API and keeps the rest', async () => {
  const now = 2_000_000_000;
  standIn.entries.set('rs:gone', String(now - 1));
  standIn.entries.set('rs:live', String(now + 60));
  standIn.entries.set('ru:alice', `${now - 100}:${now - 10}`);
  standIn.entries.set('ru:bob', `${now - 100}:${now + 10}`);
  standIn.entries.set('key:k1', 'A'.repeat(43));
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  const handler = createCleanupHandler(
    { EDGE_AUTH_KVS_ARN: standIn.arn },
    // The deployed handler builds this client from EDGE_AUTH_KVS_ARN; the stand-in needs its endpoint.
    {
      now: () => now * 1000,
      store: (await import('../../src/deploy/kvs')).kvsKeyValueStore({
        arn: standIn.arn,
        endpoint: standIn.endpoint,
      }),
    },
  );
  expect(await handler()).toEqual({ removed: 2, kept: 2 });
  expect([...standIn.entries.keys()].sort()).toEqual(['key:k1', 'rs:live', 'ru:bob']);
  // Counts only: no key (a user name or session id) in the log.
  expect(log.mock.calls.flat().join(' ')).toBe(JSON.stringify({ sessionCleanup: { removed: 2, kept: 2 } }));
  log.mockRestore();
});
