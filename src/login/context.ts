import { createPrivateKey } from 'node:crypto';
import { isAbsolute } from 'node:path';
import { resolveSettings, type Settings } from '../config/settings';
import { type EdgeConfig, validateEdgeConfig } from '../edge/config';
import { parseHmacKeyring } from '../session/hmac-keys';
import {
  importSessionHmacKey,
  importSessionPrivateKey,
  importSessionPublicKey,
  type SessionSigningKey,
  type SessionVerifyKey,
} from '../session/keys';
import type { RevocationStore } from '../session/revocation';
import { createOidcVerifier } from './oidc';
import { awsSsmReader, loadSecret, SecretError, type SsmReader } from './secrets';
import type { LoginContext } from './service';
import { hashPassword, parseUsersFile } from './users';
import { createUsersSource } from './users-source';

export interface LoadContextOptions {
  readSsm?: SsmReader;
  /** The baked edge config (when the bundle has one): its session keys verify refresh/session too. */
  edgeConfig?: unknown;
  settings?: Settings;
  /** Precomputed dummy hash (tests); by default one is made with the default scrypt parameters. */
  dummyHash?: string;
  /** The clock (epoch ms) that stamps when the users list was loaded; default Date.now. */
  now?: () => number;
}

/**
 * Builds the login context from the environment: settings of EDGE_AUTH_STAGE, the CloudFront
 * and session private keys, the users file. Runs once per container.
 */
export async function loadLoginContext(
  env: Record<string, string | undefined>,
  options: LoadContextOptions = {},
): Promise<LoginContext> {
  const readSsm = options.readSsm ?? awsSsmReader;
  const stage = env.EDGE_AUTH_STAGE;
  if (!stage) throw new SecretError('EDGE_AUTH_STAGE is not set');
  const settings = options.settings ?? resolveSettings(stage);
  const keyPairId = env.EDGE_AUTH_CLOUDFRONT_KEY_PAIR_ID;
  if (!keyPairId || !/^[A-Za-z0-9_-]{1,128}$/.test(keyPairId)) {
    throw new SecretError('EDGE_AUTH_CLOUDFRONT_KEY_PAIR_ID must be a CloudFront public key id');
  }
  const kid = env.EDGE_AUTH_SESSION_KID;
  if (!kid || !/^[a-z0-9-]{1,32}$/.test(kid)) throw new SecretError('EDGE_AUTH_SESSION_KID must be a key id');

  const [cloudFrontPem, sessionPem, usersText, originSecret, previousOriginSecret] = await Promise.all([
    loadSecret('EDGE_AUTH_CLOUDFRONT_PRIVATE_KEY', env.EDGE_AUTH_CLOUDFRONT_PRIVATE_KEY, readSsm),
    loadSecret('EDGE_AUTH_SESSION_PRIVATE_KEY', env.EDGE_AUTH_SESSION_PRIVATE_KEY, readSsm),
    env.EDGE_AUTH_USERS
      ? loadSecret('EDGE_AUTH_USERS', env.EDGE_AUTH_USERS, readSsm)
      : Promise.resolve(undefined),
    env.EDGE_AUTH_ORIGIN_SECRET
      ? loadSecret('EDGE_AUTH_ORIGIN_SECRET', env.EDGE_AUTH_ORIGIN_SECRET, readSsm)
      : Promise.resolve(undefined),
    env.EDGE_AUTH_ORIGIN_SECRET_PREVIOUS
      ? loadSecret('EDGE_AUTH_ORIGIN_SECRET_PREVIOUS', env.EDGE_AUTH_ORIGIN_SECRET_PREVIOUS, readSsm)
      : Promise.resolve(undefined),
  ]);

  let cloudFrontKey: ReturnType<typeof createPrivateKey>;
  try {
    // Parsed once: signing with a KeyObject skips a PEM parse per cookie set.
    cloudFrontKey = createPrivateKey({ key: cloudFrontPem, format: 'pem' });
  } catch {
    throw new SecretError('EDGE_AUTH_CLOUDFRONT_PRIVATE_KEY is not a readable PEM private key');
  }
  const session = await importSessionPrivateKey(kid, sessionPem);
  const verify = new Map<string, SessionVerifyKey>();
  if (options.edgeConfig !== undefined) {
    const baked: EdgeConfig = validateEdgeConfig(options.edgeConfig);
    for (const key of baked.keys) verify.set(key.kid, await importSessionPublicKey(key.kid, key.spki));
  }
  verify.set(kid, session.verify);
  let signing: SessionSigningKey = session.signing;
  // `function` edge mode: sessions are HS256, signed with the keyring's active key; every key of the
  // keyring verifies (rotation overlap). EDGE_AUTH_EDGE_MODE overrides the stage setting locally
  // (`npm start -- --edge function`); deployed stacks set it from the same setting.
  const edgeMode = env.EDGE_AUTH_EDGE_MODE || settings.edge.mode;
  if (edgeMode !== 'lambda' && edgeMode !== 'function')
    throw new SecretError('EDGE_AUTH_EDGE_MODE must be "lambda" or "function"');
  if (edgeMode === 'function') {
    const text = await loadSecret('EDGE_AUTH_SESSION_HMAC_KEYS', env.EDGE_AUTH_SESSION_HMAC_KEYS, readSsm);
    let ring: ReturnType<typeof parseHmacKeyring>;
    try {
      ring = parseHmacKeyring(text, 'EDGE_AUTH_SESSION_HMAC_KEYS');
    } catch (error) {
      throw new SecretError((error as Error).message);
    }
    for (const [hmacKid, secret] of Object.entries(ring.keys)) {
      const key = importSessionHmacKey(hmacKid, secret);
      verify.set(hmacKid, key);
      if (hmacKid === ring.active) signing = key;
    }
  }

  const loadedAt = (options.now ?? Date.now)();
  const toMap = (text: string) =>
    new Map(
      parseUsersFile(text, 'EDGE_AUTH_USERS', settings.protectedPrefix).users.map((u) => [u.username, u]),
    );
  const users = usersText ? toMap(usersText) : undefined;
  const usersSource = users
    ? createUsersSource(users, loadedAt, settings.login.usersTtlSeconds, async () =>
        toMap(await loadSecret('EDGE_AUTH_USERS', env.EDGE_AUTH_USERS, readSsm)),
      )
    : undefined;
  const publicHost = env.EDGE_AUTH_PUBLIC_HOST || undefined;
  const originSecrets = [originSecret, previousOriginSecret].map((value, i) => {
    const variable = i === 0 ? 'EDGE_AUTH_ORIGIN_SECRET' : 'EDGE_AUTH_ORIGIN_SECRET_PREVIOUS';
    if (value === undefined) return undefined;
    // Files and parameters may end in a newline; the header value never does.
    const trimmed = value.trim();
    // 22 base64url characters carry 128 bits: `keys init` makes 43 (256 bits).
    if (!/^[A-Za-z0-9_-]{22,}$/.test(trimmed))
      throw new SecretError(`${variable} must be at least 22 base64url characters (128 bits)`);
    return trimmed;
  });
  if (originSecrets[0] === undefined && originSecrets[1] !== undefined)
    throw new SecretError('EDGE_AUTH_ORIGIN_SECRET_PREVIOUS needs EDGE_AUTH_ORIGIN_SECRET');
  const revocations = await loadRevocationStore(env);
  return {
    settings,
    users,
    revocations,
    usersSource,
    oidc: settings.oidc
      ? createOidcVerifier(
          settings.oidc,
          settings.protectedPrefix,
          undefined,
          settings.session.clockSkewSeconds,
        )
      : undefined,
    cloudFront: { keyPairId, privateKey: cloudFrontKey },
    session: { signing, verify },
    publicHost,
    originSecrets:
      originSecrets[0] === undefined ? undefined : originSecrets.filter((v): v is string => v !== undefined),
    dummyHash:
      options.dummyHash ?? (await hashPassword('not a password: compared when the user does not exist')),
  };
}

/**
 * Where revocations live: `EDGE_AUTH_KVS_ARN` (deployed: the stage's KeyValueStore through the
 * SDK, loaded only then) or `EDGE_AUTH_KVS_FILE` (the local stage's `.local/kvs.json`, an absolute
 * path). Neither: no server-side revocation.
 */
export async function loadRevocationStore(
  env: Record<string, string | undefined>,
): Promise<RevocationStore | undefined> {
  const arn = env.EDGE_AUTH_KVS_ARN;
  const file = env.EDGE_AUTH_KVS_FILE;
  if (!arn && !file) return undefined;
  const { fileRevocationStore, keyValueRevocationStore } = await import('../session/revocation');
  if (arn) {
    const { kvsKeyValueStore } = await import('../deploy/kvs');
    try {
      return keyValueRevocationStore(kvsKeyValueStore({ arn, region: env.AWS_REGION }));
    } catch {
      throw new SecretError('EDGE_AUTH_KVS_ARN must be a CloudFront key value store ARN');
    }
  }
  if (!isAbsolute(file!)) throw new SecretError('EDGE_AUTH_KVS_FILE must be an absolute path');
  return fileRevocationStore(file!);
}
