import type { KeyObject } from 'node:crypto';
import { randomBytes, randomInt } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  type Keyring,
  KeyringError,
  keyringDir,
  loadKeyring,
  privateKeyFile,
  publicKeyFile,
  saveKeyring,
} from '../keys/keyring';
import { generateKeyPair, loadPublicKey } from '../keys/pem';
import { type HmacKeyring, hmacKeyEntryName, parseHmacKeyring } from '../session/hmac-keys';
import { updateKvsFile } from './kvs-file';

/**
 * The local stage's keys and users: made on the first `npm start`, in git-ignored `.local/`.
 * The demo users exist only here; nothing in the deployed stack ships them.
 */
export const DEMO_USERS = [
  { username: 'alice', password: 'wonderland', grants: ['/media/demo/*'] },
  { username: 'bob', password: 'builder', grants: ['/media/demo/*', '/media/premium/*'] },
] as const;

export interface LocalStage {
  root: string;
  /** Where keys/, users.json and build/ live: `<root>/.local` unless told otherwise. */
  stateDir: string;
  keyDir: string;
  /** The CloudFront key pair ID the login function signs with (a local stand-in). */
  keyPairId: string;
  cloudFrontPrivateKeyFile: string;
  sessionKid: string;
  sessionPrivateKeyFile: string;
  usersFile: string;
  /** What the `/auth/*` origin adds as `x-auth-origin-secret` (in AWS: a random value in SSM); kept in `.local/origin-secret`. */
  originSecret: string;
  /** The file holding it, which the login function reads as `file:` (as it reads `ssm:` in AWS). */
  originSecretFile: string;
  /** Every CloudFront public key of the keyring, by key pair ID: the distribution's trusted key group. */
  trustedKeys: Map<string, KeyObject>;
  /** The HMAC session keyring of the `function` edge mode (`.local/keys/session-hmac.json`). */
  hmacKeysFile: string;
  /** The local KeyValueStore (`.local/kvs.json`): HMAC keys as `key:<kid>`, revocations. */
  kvsFile: string;
  /** What was made on this run (empty when everything already existed). */
  created: string[];
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A stand-in for a CloudFront-assigned public key ID: `K` and 13 upper-case letters or digits. */
export function makeLocalKeyPairId(): string {
  let id = 'K';
  for (let i = 0; i < 13; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

function writePair(dir: string, kind: 'cloudfront' | 'session', id: string): void {
  const { privateKeyPem, publicKeyPem } = generateKeyPair('ecdsa');
  const priv = join(dir, privateKeyFile(kind, id));
  writeFileSync(priv, privateKeyPem, { mode: 0o600 });
  chmodSync(priv, 0o600);
  writeFileSync(join(dir, publicKeyFile(kind, id)), publicKeyPem);
}

function createKeyring(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const created = new Date().toISOString().slice(0, 10);
  const cfId = 'local-cf-1';
  const sessionId = 'local-session-1';
  writePair(dir, 'cloudfront', cfId);
  writePair(dir, 'session', sessionId);
  const keyring: Keyring = {
    cloudFront: [{ id: cfId, publicKeyFile: publicKeyFile('cloudfront', cfId), created }],
    session: [{ id: sessionId, publicKeyFile: publicKeyFile('session', sessionId), created }],
    signing: { cloudFront: cfId, session: sessionId },
    localKeyPairIds: { [cfId]: makeLocalKeyPairId() },
  };
  saveKeyring(dir, keyring);
}

/**
 * The `function` mode's HMAC keyring, made once, and its keys copied into the local KeyValueStore
 * as `key:<kid>` on every start (what `edge-auth keys push` does for a deployed stage).
 */
function ensureHmacKeys(file: string, kvsFile: string, created: string[]): void {
  if (!existsSync(file)) {
    const ring: HmacKeyring = {
      active: 'local-hmac-1',
      keys: { 'local-hmac-1': randomBytes(32).toString('base64url') },
    };
    writeFileSync(file, `${JSON.stringify(ring, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    created.push(file);
  }
  const ring = parseHmacKeyring(readFileSync(file, 'utf8'), file);
  const entries: Record<string, string> = {};
  for (const [kid, secret] of Object.entries(ring.keys)) entries[hmacKeyEntryName(kid)] = secret;
  updateKvsFile(kvsFile, entries);
}

/** The local stand-in for the stack UUID the `/auth/*` origin header carries: made once, kept. */
function ensureOriginSecret(file: string, created: string[]): string {
  if (!existsSync(file)) {
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
    created.push(file);
  }
  return readFileSync(file, 'utf8').trim();
}

type AddUser = (
  file: string,
  username: string,
  password: string,
  grants: string[],
) => Promise<unknown> | unknown;

/**
 * Makes `.local/keys` (ECDSA P-256 CloudFront and session key pairs, keyring.json) and
 * `.local/users.json` (alice, bob) when they are missing, then loads what the local edge needs.
 */
export async function ensureLocalStage(
  root: string,
  options: { addUser?: AddUser; stateDir?: string } = {},
): Promise<LocalStage> {
  const absRoot = resolve(root);
  const stateDir = resolve(options.stateDir ?? join(absRoot, '.local'));
  const keyDir = options.stateDir ? join(stateDir, 'keys') : keyringDir('local', absRoot);
  const created: string[] = [];
  if (!existsSync(join(keyDir, 'keyring.json'))) {
    createKeyring(keyDir);
    created.push(keyDir);
  }
  const keyring = loadKeyring(keyDir);
  const cfId = keyring.signing.cloudFront;
  const ids = keyring.localKeyPairIds ?? {};
  const trustedKeys = new Map<string, KeyObject>();
  for (const entry of keyring.cloudFront) {
    const keyPairId = ids[entry.id];
    if (!keyPairId)
      throw new KeyringError(`${keyDir}/keyring.json: localKeyPairIds has no ID for key "${entry.id}"`);
    trustedKeys.set(keyPairId, loadPublicKey(join(keyDir, entry.publicKeyFile)));
  }
  const cloudFrontPrivateKeyFile = join(keyDir, privateKeyFile('cloudfront', cfId));
  const sessionPrivateKeyFile = join(keyDir, privateKeyFile('session', keyring.signing.session));
  for (const file of [cloudFrontPrivateKeyFile, sessionPrivateKeyFile]) {
    if (!existsSync(file))
      throw new KeyringError(`${file} is missing: delete ${keyDir} and start again to make new local keys`);
  }

  const usersFile = join(stateDir, 'users.json');
  if (!existsSync(usersFile)) {
    const addUser = options.addUser ?? (await import('../login/users')).addUser;
    for (const user of DEMO_USERS) await addUser(usersFile, user.username, user.password, [...user.grants]);
    created.push(usersFile);
  }

  const hmacKeysFile = join(keyDir, 'session-hmac.json');
  const kvsFile = join(stateDir, 'kvs.json');
  ensureHmacKeys(hmacKeysFile, kvsFile, created);

  return {
    root: absRoot,
    stateDir,
    hmacKeysFile,
    kvsFile,
    keyDir,
    keyPairId: ids[cfId]!,
    cloudFrontPrivateKeyFile,
    sessionKid: keyring.signing.session,
    sessionPrivateKeyFile,
    usersFile,
    originSecret: ensureOriginSecret(join(stateDir, 'origin-secret'), created),
    originSecretFile: join(stateDir, 'origin-secret'),
    trustedKeys,
    created,
  };
}

/** The login function's environment for the local stage (read once, at its cold start). */
export function loginEnvironment(stage: LocalStage): Record<string, string> {
  return {
    EDGE_AUTH_STAGE: 'local',
    EDGE_AUTH_CLOUDFRONT_KEY_PAIR_ID: stage.keyPairId,
    EDGE_AUTH_CLOUDFRONT_PRIVATE_KEY: `file:${stage.cloudFrontPrivateKeyFile}`,
    EDGE_AUTH_SESSION_KID: stage.sessionKid,
    EDGE_AUTH_SESSION_PRIVATE_KEY: `file:${stage.sessionPrivateKeyFile}`,
    EDGE_AUTH_USERS: `file:${stage.usersFile}`,
    EDGE_AUTH_ORIGIN_SECRET: `file:${stage.originSecretFile}`,
    EDGE_AUTH_KVS_FILE: stage.kvsFile,
    // Read only in the `function` edge mode (HS256 sessions).
    EDGE_AUTH_SESSION_HMAC_KEYS: `file:${stage.hmacKeysFile}`,
  };
}
