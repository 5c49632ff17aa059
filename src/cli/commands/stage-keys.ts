import { relative } from 'node:path';
import { rotateOriginSecret } from '../../deploy/origin-secret';
import { ssmParameterStore } from '../../deploy/ssm';
import {
  initStageKeys,
  type KeyChange,
  newKeyId,
  pushStageKeys,
  rotateStageKeys,
} from '../../deploy/stage-keys';
import { keyringDir } from '../../keys/keyring';
import type { KeyType } from '../../keys/pem';
import { type Command, parseOptions, UsageError } from '../io';

function stageOf(values: { stage?: string }): string {
  if (!values.stage) throw new UsageError('--stage is required');
  if (!/^[a-z0-9-]{1,32}$/.test(values.stage))
    throw new UsageError('--stage must be lower-case letters, digits or "-"');
  return values.stage;
}

function typeOf(value: string | undefined): KeyType {
  if (value === undefined || value === 'ecdsa') return 'ecdsa';
  if (value === 'rsa') return 'rsa';
  throw new UsageError('--type must be ecdsa or rsa');
}

function describe(change: KeyChange, cwd: string): string[] {
  const where = relative(cwd, change.dir) || '.';
  return [
    ...change.written.map(
      (f) =>
        `  wrote   ${where}/${f}${f.endsWith('.key.pem') || f.endsWith('.secret') ? '   (private: git-ignored, push it, then delete it)' : ''}`,
    ),
    ...change.removed.map((f) => `  removed ${where}/${f}`),
    `  signing: cloudfront ${change.keyring.signing.cloudFront}, session ${change.keyring.signing.session}`,
    `  trusted: cloudfront ${change.keyring.cloudFront.map((e) => e.id).join(', ')}; session ${change.keyring.session.map((e) => e.id).join(', ')}`,
  ];
}

export const initCommand: Command = {
  usage: [
    'usage: edge-auth keys init --stage STAGE [--type ecdsa|rsa]',
    '',
    "Creates the stage's first CloudFront key pair (ECDSA P-256 by default) and session key pair",
    'in keys/STAGE/ (.local/keys/ for the local stage), and for a deployed stage its random /auth/*',
    'origin secret (256 bits). Commit the public halves and origin-secret.json (ids only); push the',
    'private halves and the secret with `edge-auth keys push --stage STAGE`.',
  ].join('\n'),
  async run(args, io) {
    const { values } = parseOptions(args, { stage: { type: 'string' }, type: { type: 'string' } });
    const stage = stageOf(values);
    const change = initStageKeys({ stage, root: io.cwd, type: typeOf(values.type), now: new Date() });
    io.out([`keys init: stage ${stage}`, ...describe(change, io.cwd)].join('\n'));
    if (stage !== 'local') io.out(`next: git add keys/${stage} && edge-auth keys push --stage ${stage}`);
    return 0;
  },
};

export const pushCommand: Command = {
  usage: [
    'usage: edge-auth keys push --stage STAGE [--users FILE] [--overwrite] [--remove-local]',
    '                           [--region REGION] [--endpoint URL]',
    '',
    "Stores the stage's private keys (keys/STAGE/*.key.pem) in SSM Parameter Store as SecureString",
    'parameters /edge-auth/STAGE/cloudfront/<id> and /edge-auth/STAGE/session/<id>. A parameter that',
    'already exists is kept unless --overwrite. The origin secret (keys/STAGE/origin-secret-<id>.secret)',
    'goes to /edge-auth/STAGE/origin-secret/<id> as a String parameter (CloudFormation resolves it into',
    'the /auth/* origin header; ssm-secure is not accepted there). --users FILE stores FILE as',
    '/edge-auth/STAGE/users',
    '(always replaced). --remove-local deletes the local private key and secret files after a successful push.',
    'Uses the standard AWS credentials chain; region defaults to us-east-1.',
  ].join('\n'),
  async run(args, io) {
    const { values } = parseOptions(args, {
      stage: { type: 'string' },
      users: { type: 'string' },
      overwrite: { type: 'boolean' },
      'remove-local': { type: 'boolean' },
      region: { type: 'string' },
      endpoint: { type: 'string' },
    });
    const stage = stageOf(values);
    if (stage === 'local')
      throw new UsageError('the local stage keeps its private keys in .local/keys/: nothing to push');
    const results = await pushStageKeys({
      stage,
      root: io.cwd,
      store: ssmParameterStore({ region: values.region, endpoint: values.endpoint }),
      overwrite: values.overwrite ?? false,
      usersFile: values.users,
      removeLocal: values['remove-local'] ?? false,
    });
    const words = { stored: 'stored ', exists: 'exists ', 'missing-local': 'no file' } as const;
    io.out(
      [`keys push: stage ${stage}`, ...results.map((r) => `  ${words[r.outcome]} ${r.name}`)].join('\n'),
    );
    if (results.some((r) => r.outcome === 'exists'))
      io.out('  (existing parameters were kept; pass --overwrite to replace them)');
    return 0;
  },
};

export const rotateCommand: Command = {
  usage: [
    'usage: edge-auth keys rotate --stage STAGE [--activate | --retire] [--type ecdsa|rsa]',
    '',
    'Rotates the stage keys without downtime, one step per deploy:',
    '  (no flag)   add a new CloudFront and session key pair; the old pair still signs.',
    '              Then: keys push, deploy (CloudFront and the edge now trust both).',
    '  --activate  the new pair signs. Then: deploy.',
    '  --retire    remove the old pair, once every cookie and session it signed has expired',
    '              (session.absoluteLifetimeSeconds after the activate deploy). Then: deploy.',
  ].join('\n'),
  async run(args, io) {
    const { values } = parseOptions(args, {
      stage: { type: 'string' },
      activate: { type: 'boolean' },
      retire: { type: 'boolean' },
      type: { type: 'string' },
    });
    const stage = stageOf(values);
    if (values.activate && values.retire) throw new UsageError('pass --activate or --retire, not both');
    const step = values.activate ? 'activate' : values.retire ? 'retire' : 'add';
    const change = rotateStageKeys({ stage, root: io.cwd, step, type: typeOf(values.type), now: new Date() });
    io.out([`keys rotate (${step}): stage ${stage}`, ...describe(change, io.cwd)].join('\n'));
    const next = {
      add: `next: git add keys/${stage} && edge-auth keys push --stage ${stage} && npx serverless deploy --stage ${stage}`,
      activate: `next: npx serverless deploy --stage ${stage}; after the old cookies expire: edge-auth keys rotate --stage ${stage} --retire`,
      retire: `next: npx serverless deploy --stage ${stage}; then delete the old SSM parameters (docs/deploy.md)`,
    } as const;
    io.out(next[step]);
    return 0;
  },
};

export const rotateOriginSecretCommand: Command = {
  usage: [
    'usage: edge-auth keys rotate-origin-secret --stage STAGE [--retire]',
    '',
    'Rotates the random value CloudFront adds to /auth/* requests, with no refused sign-in:',
    '  (no flag)   make a new secret (current); the old one becomes previous. Then: keys push,',
    '              deploy. The login function accepts both; CloudFront switches to the new one.',
    '  --retire    drop the previous secret once that deploy has finished. Then: deploy, and',
    '              delete the old SSM parameter (docs/deploy.md).',
    'A stage without an origin secret gets its first one from the first step.',
  ].join('\n'),
  async run(args, io) {
    const { values } = parseOptions(args, { stage: { type: 'string' }, retire: { type: 'boolean' } });
    const stage = stageOf(values);
    if (stage === 'local')
      throw new UsageError('the local stage makes its origin secret itself (.local/origin-secret)');
    const dir = keyringDir(stage, io.cwd);
    const step = values.retire ? 'retire' : 'add';
    const now = new Date();
    const change = rotateOriginSecret({ dir, step, newId: () => newKeyId(now) });
    const where = relative(io.cwd, dir) || '.';
    io.out(
      [
        `keys rotate-origin-secret (${step}): stage ${stage}`,
        ...change.written.map(
          (f) =>
            `  wrote   ${where}/${f}${f.endsWith('.secret') ? '   (private: git-ignored, push it, then delete it)' : ''}`,
        ),
        ...change.removed.map((f) => `  removed ${where}/${f}`),
        `  current: ${change.ids.current}${change.ids.previous ? `; previous (still accepted): ${change.ids.previous}` : ''}`,
      ].join('\n'),
    );
    io.out(
      step === 'add'
        ? `next: git add keys/${stage} && edge-auth keys push --stage ${stage} && npx serverless deploy --stage ${stage}; then edge-auth keys rotate-origin-secret --stage ${stage} --retire`
        : `next: npx serverless deploy --stage ${stage}; then delete the old SSM parameter (docs/deploy.md)`,
    );
    return 0;
  },
};
