import { resolveSettings, type Settings, sessionCookieName } from '../config/settings';
import { keyringDir, loadKeyring, readPublicKeyPem } from '../keys/keyring';
import { inspectSessionPublicKeyPem } from '../session/keys';
import { type EdgeConfig, EdgeConfigError, type EdgeKey, validateEdgeConfig } from './config';

// Build time only (never in the edge bundle): settings, the keyring on disk and AWS's rules are
// read here, and the result is baked into the bundle as __EDGE_AUTH_CONFIG__.

/**
 * The edge config of a stage, from its settings and the session public keys of its keyring.
 * Throws EdgeConfigError (build fails) rather than shipping an edge function that denies everyone.
 */
export function buildEdgeConfig(settings: Settings, keyringDir: string): EdgeConfig {
  let keys: EdgeKey[];
  try {
    const keyring = loadKeyring(keyringDir);
    keys = keyring.session.map((entry) => {
      const { alg, spki } = inspectSessionPublicKeyPem(
        readPublicKeyPem(keyringDir, entry),
        `session key "${entry.id}" (${entry.publicKeyFile})`,
      );
      return { kid: entry.id, alg, spki };
    });
    // The signing key first: it is the one nearly every token names.
    keys.sort(
      (a, b) => Number(b.kid === keyring.signing.session) - Number(a.kid === keyring.signing.session),
    );
  } catch (error) {
    if (error instanceof EdgeConfigError) throw error;
    throw new EdgeConfigError(
      `stage "${settings.stage}": ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return validateEdgeConfig({
    ...sharedEdgeConfig(settings),
    sessionCacheSize: settings.edge.sessionCacheSize,
    keys,
  });
}

/** What both edge modes bake in from the settings. */
export function sharedEdgeConfig(settings: Settings): Omit<EdgeConfig, 'sessionCacheSize' | 'keys'> {
  return {
    version: 1,
    stage: settings.stage,
    issuer: settings.session.issuer,
    audience: settings.session.audience,
    cookieName: sessionCookieName(settings),
    protectedPrefix: settings.protectedPrefix,
    signInPath: settings.signInPath,
    allowedOrigins: settings.allowedOrigins,
    clockSkewSeconds: settings.session.clockSkewSeconds,
  };
}

/** The esbuild `define` that bakes a stage's edge config into the bundle (deploy and local alike). */
export function edgeDefines(
  stage: string,
  root: string,
  keys = keyringDir(stage, root),
): Record<string, string> {
  const settings = resolveSettings(stage);
  // The value is JSON, which esbuild accepts as a `define` replacement expression.
  return { __EDGE_AUTH_CONFIG__: JSON.stringify(buildEdgeConfig(settings, keys)) };
}
