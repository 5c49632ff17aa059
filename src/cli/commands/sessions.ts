import { join } from 'node:path';
import { resolveSettings } from '../../config/settings';
import { stackOutput } from '../../deploy/aws';
import type { KeyValueStore } from '../../deploy/kvs-store';
import { fileKeyValueStore } from '../../local/kvs-file';
import { keyValueRevocationStore, pruneRevocations, revocationExpiresAt } from '../../session/revocation';
import { type CliIo, type Command, parseOptions, UsageError } from '../io';

/** The stack output that names the stage's KeyValueStore (serverless.yml). */
export const KVS_ARN_OUTPUT = 'SessionKeyValueStoreArn';

const STORE_OPTIONS = {
  stage: { type: 'string' },
  local: { type: 'boolean' },
  'kvs-arn': { type: 'string' },
  region: { type: 'string' },
  endpoint: { type: 'string' },
} as const;

type StoreValues = {
  stage?: string;
  local?: boolean;
  'kvs-arn'?: string;
  region?: string;
  endpoint?: string;
};

/** `--local`: `.local/kvs.json`; otherwise the deployed store (from the stack output, or `--kvs-arn`). */
async function openStore(
  values: StoreValues,
  io: CliIo,
): Promise<{ stage: string; store: KeyValueStore; where: string }> {
  if (values.local) {
    if (values.stage && values.stage !== 'local')
      throw new UsageError('--local goes with the local stage only');
    const file = join(io.cwd, '.local', 'kvs.json');
    return { stage: 'local', store: fileKeyValueStore(file), where: file };
  }
  if (!values.stage) throw new UsageError('--stage is required (or --local)');
  if (!/^[a-z0-9-]{1,32}$/.test(values.stage))
    throw new UsageError('--stage must be lower-case letters, digits or "-"');
  if (values.stage === 'local') throw new UsageError('use --local for the local stage');
  const arn =
    values['kvs-arn'] ?? (await stackOutput(values.stage, KVS_ARN_OUTPUT, { region: values.region }));
  const { kvsKeyValueStore } = await import('../../deploy/kvs');
  return {
    stage: values.stage,
    store: kvsKeyValueStore({ arn, region: values.region, endpoint: values.endpoint }),
    where: arn,
  };
}

const iso = (epoch: number) => new Date(epoch * 1000).toISOString();

export const revokeCommand: Command = {
  usage: [
    'usage: edge-auth sessions revoke (--stage STAGE | --local) (--user USER | --session SID)',
    '                                 [--kvs-arn ARN] [--region REGION] [--endpoint URL]',
    '',
    "Revokes sessions in the stage's KeyValueStore (--local: .local/kvs.json):",
    '  --user USER     every session of USER signed in up to now (entry ru:USER)',
    '  --session SID   one session, by its id (the `sid` claim; entry rs:SID)',
    'In `function` edge mode the edge refuses them within seconds; in `lambda` mode /auth/refresh',
    'refuses them, so they stop within session.tokenTtlSeconds. Entries expire with the longest',
    'session they can match (session.absoluteLifetimeSeconds) and are removed by the cleanup.',
    'The store comes from the stack output SessionKeyValueStoreArn unless --kvs-arn is given.',
  ].join('\n'),
  async run(args, io) {
    const { values } = parseOptions(args, {
      ...STORE_OPTIONS,
      user: { type: 'string' },
      session: { type: 'string' },
    });
    if (!values.user === !values.session)
      throw new UsageError('pass --user USER or --session SID (one of them)');
    if (values.session !== undefined && !/^[A-Za-z0-9_-]{1,128}$/.test(values.session))
      throw new UsageError('--session must be a session id (the sid claim: letters, digits, "-", "_")');
    if (values.user !== undefined && values.user.length === 0)
      throw new UsageError('--user must not be empty');
    const { stage, store, where } = await openStore(values, io);
    const { absoluteLifetimeSeconds: lifetime, clockSkewSeconds } = resolveSettings(stage).session;
    const revocations = keyValueRevocationStore(store);
    const now = Math.floor(Date.now() / 1000);
    if (values.user !== undefined) {
      // +1: a session signed in during this very second is revoked too (auth_time has whole seconds).
      const before = now + 1;
      const until = revocationExpiresAt(before + lifetime, clockSkewSeconds);
      await revocations.revokeUser(values.user, before, until);
      io.out(
        `sessions revoke: every session of "${values.user}" signed in before ${iso(before)} is revoked (until ${iso(until)}) in ${where}`,
      );
    } else {
      const until = revocationExpiresAt(now + lifetime, clockSkewSeconds);
      await revocations.revokeSession(values.session!, until);
      io.out(`sessions revoke: session ${values.session} is revoked (until ${iso(until)}) in ${where}`);
    }
    return 0;
  },
};

export const pruneCommand: Command = {
  usage: [
    'usage: edge-auth sessions prune (--stage STAGE | --local) [--kvs-arn ARN] [--region REGION] [--endpoint URL]',
    '',
    'Removes revocation entries past their end (the scheduled cleanup function does this every hour',
    'in a deployed stage; `npm start` does it locally). HMAC key entries are never touched.',
  ].join('\n'),
  async run(args, io) {
    const { values } = parseOptions(args, STORE_OPTIONS);
    const { store, where } = await openStore(values, io);
    const result = await pruneRevocations(store, Math.floor(Date.now() / 1000));
    io.out(`sessions prune: removed ${result.removed}, kept ${result.kept} revocation entries in ${where}`);
    return 0;
  },
};
