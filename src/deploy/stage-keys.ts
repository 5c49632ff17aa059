import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Keyring,
  type KeyringEntry,
  KeyringError,
  keyringDir,
  loadKeyring,
  privateKeyFile,
  publicKeyFile,
  saveKeyring,
  ssmNames,
} from '../keys/keyring';
import { type KeyType, writeKeyPair } from '../keys/pem';
import {
  initOriginSecret,
  loadOriginSecretIds,
  ORIGIN_SECRET_FILE,
  originSecretParameter,
  originSecretValueFile,
} from './origin-secret';

/**
 * A stage's key lifecycle: `init` makes the first CloudFront and session key pairs, `rotate`
 * adds a second pair, makes it sign, and finally retires the old one. Public halves stay in
 * `keys/<stage>/` (committed, read by serverless.yml and the edge build); private halves are
 * written beside them as git-ignored `*.key.pem` until `keys push` stores them in SSM.
 */

export interface StageKeyOptions {
  stage: string;
  root: string;
  /** CloudFront key type; ECDSA P-256 signatures are ~96 characters against RSA's 344 per cookie. */
  type?: KeyType;
  now: Date;
  /** Four hex digits that tell apart two keys made on the same day (tests pass their own). */
  suffix?: () => string;
}

export interface KeyChange {
  dir: string;
  keyring: Keyring;
  /** Files written or removed, relative to the keyring folder. */
  written: string[];
  removed: string[];
}

const defaultSuffix = () => randomBytes(2).toString('hex');

/** `YYYYMMDD-xxxx`: sortable by date, unique enough for two keys a day, valid as a KEY_ID. */
export function newKeyId(now: Date, suffix: () => string = defaultSuffix): string {
  return `${now.toISOString().slice(0, 10).replaceAll('-', '')}-${suffix()}`;
}

function makePair(
  dir: string,
  kind: 'cloudfront' | 'session',
  id: string,
  type: KeyType,
  now: Date,
): KeyringEntry {
  writeKeyPair(dir, `${kind}-${id}`, type);
  return { id, publicKeyFile: publicKeyFile(kind, id), created: now.toISOString() };
}

function localKeyPairId(): string {
  // CloudFront key pair IDs look like K2JCJMDEHXQW5F: the local stage invents one per key.
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return `K${Array.from(randomBytes(13), (b) => alphabet[b % alphabet.length]).join('')}`;
}

/** Creates `keys/<stage>/` with one CloudFront and one session key pair; refuses if a keyring exists. */
export function initStageKeys(options: StageKeyOptions): KeyChange {
  const dir = keyringDir(options.stage, options.root);
  if (existsSync(join(dir, 'keyring.json'))) {
    throw new KeyringError(
      `${join(dir, 'keyring.json')} already exists: the stage has keys (use \`edge-auth keys rotate --stage ${options.stage}\` to replace them)`,
    );
  }
  const cfId = newKeyId(options.now, options.suffix);
  const sessionId = newKeyId(options.now, options.suffix);
  const cf = makePair(dir, 'cloudfront', cfId, options.type ?? 'ecdsa', options.now);
  // Session tokens are ES256: the edge verifies them per request, and P-256 verification is cheap.
  const session = makePair(dir, 'session', sessionId, 'ecdsa', options.now);
  const keyring: Keyring = {
    cloudFront: [cf],
    session: [session],
    signing: { cloudFront: cfId, session: sessionId },
  };
  if (options.stage === 'local') keyring.localKeyPairIds = { [cfId]: localKeyPairId() };
  saveKeyring(dir, keyring);
  // Deployed stages also get their /auth/* origin secret (the local edge keeps its own in .local/).
  const originSecret =
    options.stage === 'local'
      ? []
      : initOriginSecret({ dir, newId: () => newKeyId(options.now, options.suffix) }).written;
  return {
    dir,
    keyring,
    written: [
      'keyring.json',
      cf.publicKeyFile,
      privateKeyFile('cloudfront', cfId),
      session.publicKeyFile,
      privateKeyFile('session', sessionId),
      ...originSecret,
    ],
    removed: [],
  };
}

export type RotateStep = 'add' | 'activate' | 'retire';

/**
 * One step of a rotation without downtime. Each step is followed by `keys push` (after add) and a
 * deploy, because CloudFront must trust a key everywhere before anything signs with it, and old
 * cookies and sessions must expire before their key is dropped.
 * - add: a new CloudFront and session key pair join the keyring; the old ones still sign.
 * - activate: the new pair signs; the old pair stays trusted.
 * - retire: every key that does not sign is removed (files and keyring entries).
 */
export function rotateStageKeys(options: StageKeyOptions & { step: RotateStep }): KeyChange {
  const dir = keyringDir(options.stage, options.root);
  const keyring = loadKeyring(dir);
  const written: string[] = [];
  const removed: string[] = [];
  const inRotation = keyring.cloudFront.length > 1 || keyring.session.length > 1;
  if (options.step === 'add') {
    if (inRotation) {
      throw new KeyringError(
        `stage "${options.stage}" is already rotating (${keyring.cloudFront.length} CloudFront keys): finish with --activate and --retire first`,
      );
    }
    const cfId = newKeyId(options.now, options.suffix);
    const sessionId = newKeyId(options.now, options.suffix);
    keyring.cloudFront.push(makePair(dir, 'cloudfront', cfId, options.type ?? 'ecdsa', options.now));
    keyring.session.push(makePair(dir, 'session', sessionId, 'ecdsa', options.now));
    if (options.stage === 'local')
      keyring.localKeyPairIds = { ...keyring.localKeyPairIds, [cfId]: localKeyPairId() };
    written.push(
      publicKeyFile('cloudfront', cfId),
      privateKeyFile('cloudfront', cfId),
      publicKeyFile('session', sessionId),
      privateKeyFile('session', sessionId),
    );
  } else if (options.step === 'activate') {
    if (!inRotation)
      throw new KeyringError(`stage "${options.stage}" has no new key to activate: run the add step first`);
    // The newest key of each kind signs; keys are appended, so that is the last one.
    keyring.signing = { cloudFront: keyring.cloudFront.at(-1)!.id, session: keyring.session.at(-1)!.id };
  } else {
    const oldCf = keyring.cloudFront.filter((e) => e.id !== keyring.signing.cloudFront);
    const oldSession = keyring.session.filter((e) => e.id !== keyring.signing.session);
    if (oldCf.length === 0 && oldSession.length === 0)
      throw new KeyringError(`stage "${options.stage}" has no retired key to remove`);
    if (keyring.cloudFront.at(-1)!.id !== keyring.signing.cloudFront)
      throw new KeyringError(`stage "${options.stage}": activate the new key before retiring the old one`);
    for (const [kind, list] of [
      ['cloudfront', oldCf],
      ['session', oldSession],
    ] as const) {
      for (const entry of list) {
        for (const file of [entry.publicKeyFile, privateKeyFile(kind, entry.id)]) {
          if (existsSync(join(dir, file))) {
            rmSync(join(dir, file));
            removed.push(file);
          }
        }
        if (keyring.localKeyPairIds) delete keyring.localKeyPairIds[entry.id];
      }
    }
    keyring.cloudFront = keyring.cloudFront.filter((e) => e.id === keyring.signing.cloudFront);
    keyring.session = keyring.session.filter((e) => e.id === keyring.signing.session);
  }
  saveKeyring(dir, keyring);
  written.push('keyring.json');
  return { dir, keyring, written, removed };
}

export interface PrivateKeyParameter {
  kind: 'cloudfront' | 'session' | 'origin-secret';
  id: string;
  /** SSM parameter name, e.g. /edge-auth/prod/cloudfront/20261128-ab12. */
  name: string;
  /** Local private key file; absent when it was already pushed and removed. */
  file?: string;
}

/** The SSM parameters that hold the stage's private keys, with the local file when it is still there. */
export function privateKeyParameters(stage: string, root: string): PrivateKeyParameter[] {
  const dir = keyringDir(stage, root);
  const keyring = loadKeyring(dir);
  const out: PrivateKeyParameter[] = [];
  for (const [kind, list, name] of [
    ['cloudfront', keyring.cloudFront, ssmNames.cloudFront],
    ['session', keyring.session, ssmNames.session],
  ] as const) {
    for (const entry of list) {
      const file = join(dir, privateKeyFile(kind, entry.id));
      out.push({
        kind,
        id: entry.id,
        name: name(stage, entry.id),
        file: existsSync(file) ? file : undefined,
      });
    }
  }
  if (existsSync(join(dir, ORIGIN_SECRET_FILE))) {
    const ids = loadOriginSecretIds(dir, stage);
    for (const id of [ids.current, ...(ids.previous ? [ids.previous] : [])]) {
      const file = join(dir, originSecretValueFile(id));
      out.push({
        kind: 'origin-secret',
        id,
        name: originSecretParameter(stage, id),
        file: existsSync(file) ? file : undefined,
      });
    }
  }
  return out;
}

/** The subset of the SSM client that `keys push` needs (tests and the CLI pass the real SDK client). */
export interface ParameterStore {
  putParameter(input: {
    name: string;
    value: string;
    description: string;
    overwrite: boolean;
    /**
     * SecureString unless told otherwise. The origin secret is a String: CloudFormation resolves
     * `ssm-secure` references only in the properties AWS lists, and a CloudFront origin header is not one.
     */
    type?: 'SecureString' | 'String';
  }): Promise<'stored' | 'exists'>;
}

export interface PushResult {
  name: string;
  outcome: 'stored' | 'exists' | 'missing-local';
}

/**
 * Stores each private key that still has a local file as a SecureString (CloudFormation cannot
 * create SecureStrings, so this runs before the first deploy), and the origin secret(s) as String
 * parameters. A parameter that exists is left alone unless `overwrite`; values never appear in
 * results or errors.
 */
export async function pushStageKeys(options: {
  stage: string;
  root: string;
  store: ParameterStore;
  overwrite?: boolean;
  usersFile?: string;
  removeLocal?: boolean;
}): Promise<PushResult[]> {
  const results: PushResult[] = [];
  const params = privateKeyParameters(options.stage, options.root);
  for (const p of params) {
    if (!p.file) {
      results.push({ name: p.name, outcome: 'missing-local' });
      continue;
    }
    const secret = p.kind === 'origin-secret';
    const outcome = await options.store.putParameter({
      name: p.name,
      value: secret ? readFileSync(p.file, 'utf8').trim() : readFileSync(p.file, 'utf8'),
      description: secret
        ? `edge-auth ${options.stage} /auth/* origin secret ${p.id}`
        : `edge-auth ${options.stage} ${p.kind} private key ${p.id}`,
      overwrite: options.overwrite ?? false,
      type: secret ? 'String' : 'SecureString',
    });
    results.push({ name: p.name, outcome });
  }
  if (options.usersFile) {
    const name = ssmNames.users(options.stage);
    // The users list changes over time: it is always replaced.
    const outcome = await options.store.putParameter({
      name,
      value: readFileSync(options.usersFile, 'utf8'),
      description: `edge-auth ${options.stage} users`,
      overwrite: true,
    });
    results.push({ name, outcome });
  }
  if (options.removeLocal) {
    for (const p of params) if (p.file) rmSync(p.file);
  }
  return results;
}
