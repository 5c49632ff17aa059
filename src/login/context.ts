import { createPrivateKey } from 'node:crypto';
import { resolveSettings, type Settings } from '../config/settings';
import { type EdgeConfig, validateEdgeConfig } from '../edge/config';
import { importSessionPrivateKey, importSessionPublicKey, type SessionVerifyKey } from '../session/keys';
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

  const [cloudFrontPem, sessionPem, usersText] = await Promise.all([
    loadSecret('EDGE_AUTH_CLOUDFRONT_PRIVATE_KEY', env.EDGE_AUTH_CLOUDFRONT_PRIVATE_KEY, readSsm),
    loadSecret('EDGE_AUTH_SESSION_PRIVATE_KEY', env.EDGE_AUTH_SESSION_PRIVATE_KEY, readSsm),
    env.EDGE_AUTH_USERS
      ? loadSecret('EDGE_AUTH_USERS', env.EDGE_AUTH_USERS, readSsm)
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
  const originSecret = env.EDGE_AUTH_ORIGIN_SECRET || undefined;
  if (originSecret !== undefined && originSecret.length < 16) {
    throw new SecretError('EDGE_AUTH_ORIGIN_SECRET must be at least 16 characters');
  }
  return {
    settings,
    users,
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
    session: { signing: session.signing, verify },
    publicHost,
    originSecret,
    dummyHash:
      options.dummyHash ?? (await hashPassword('not a password: compared when the user does not exist')),
  };
}
