import { type KeyValueStore, kvsKeyValueStore } from '../src/deploy/kvs';
import { pruneRevocations } from '../src/session/revocation';

/**
 * Scheduled (serverless.yml: `schedule: rate(1 hour)`): deletes revocation entries past their end
 * from the stage's KeyValueStore, which never expires entries by itself. Logs counts, never keys.
 */
export function createCleanupHandler(
  env: Record<string, string | undefined> = process.env,
  options: { store?: KeyValueStore; now?: () => number } = {},
) {
  return async (): Promise<{ removed: number; kept: number }> => {
    const store =
      options.store ?? kvsKeyValueStore({ arn: env.EDGE_AUTH_KVS_ARN ?? '', region: env.AWS_REGION });
    const result = await pruneRevocations(store, Math.floor((options.now ?? Date.now)() / 1000));
    console.log(JSON.stringify({ sessionCleanup: result }));
    return result;
  };
}

export const handler = createCleanupHandler();
