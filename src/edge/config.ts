import { SESSION_ALGS, type SessionAlg } from '../session/keys';

/**
 * Everything the viewer-request function knows. Lambda@Edge has no environment variables, so
 * this object is baked into the bundle at build time (esbuild `define` of `__EDGE_AUTH_CONFIG__`)
 * from config/settings.json and the stage keyring: public keys only (src/edge/config-build.ts).
 * This module is in the edge bundle: it imports nothing that reads settings or files.
 */
export interface EdgeConfig {
  version: 1;
  stage: string;
  issuer: string;
  audience: string;
  /** The session cookie's full name (`__Host-…` when secure). */
  cookieName: string;
  protectedPrefix: string;
  signInPath: string;
  /** Origins that get CORS headers on denials (players on another origin). */
  allowedOrigins: string[];
  clockSkewSeconds: number;
  sessionCacheSize: number;
  /** Session verification keys: every trusted kid, so rotation needs no redeploy of old tokens. */
  keys: EdgeKey[];
}

export interface EdgeKey {
  kid: string;
  alg: SessionAlg;
  /** SPKI PEM. */
  spki: string;
}

export class EdgeConfigError extends Error {
  readonly code = 'ERR_EDGE_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'EdgeConfigError';
  }
}

const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d+)?$/;
const PREFIX = /^\/[A-Za-z0-9._~-]+\/$/;
const KID = /^[a-z0-9-]{1,32}$/;

/** Checks a (baked or built) config; throws EdgeConfigError naming the first problem. */
export function validateEdgeConfig(value: unknown): EdgeConfig {
  const fail = (why: string): never => {
    throw new EdgeConfigError(`edge config: ${why}`);
  };
  if (typeof value !== 'object' || value === null) return fail('not an object');
  const c = value as Partial<EdgeConfig>;
  if (c.version !== 1) fail('version must be 1');
  if (typeof c.stage !== 'string' || !c.stage) fail('stage is missing');
  if (typeof c.issuer !== 'string' || !c.issuer) fail('issuer is missing');
  if (typeof c.audience !== 'string' || !c.audience) fail('audience is missing');
  if (typeof c.cookieName !== 'string' || !/^(__Host-)?[A-Za-z0-9_-]{1,64}$/.test(c.cookieName))
    fail('cookieName must be a plain cookie token');
  if (typeof c.protectedPrefix !== 'string' || !PREFIX.test(c.protectedPrefix))
    fail('protectedPrefix must look like "/media/"');
  if (typeof c.signInPath !== 'string' || !c.signInPath.startsWith('/') || c.signInPath.startsWith('//'))
    fail('signInPath must be a local path');
  if (
    !Array.isArray(c.allowedOrigins) ||
    c.allowedOrigins.some((o) => typeof o !== 'string' || !ORIGIN.test(o))
  )
    fail('allowedOrigins must be a list of origins like "https://player.example.com"');
  if (!Number.isInteger(c.clockSkewSeconds) || c.clockSkewSeconds! < 0 || c.clockSkewSeconds! > 300)
    fail('clockSkewSeconds must be an integer from 0 to 300');
  if (!Number.isInteger(c.sessionCacheSize) || c.sessionCacheSize! < 1 || c.sessionCacheSize! > 100_000)
    fail('sessionCacheSize must be an integer from 1 to 100000');
  if (!Array.isArray(c.keys) || c.keys.length === 0) fail('keys must list at least one session public key');
  const seen = new Set<string>();
  for (const key of c.keys!) {
    if (!key || typeof key.kid !== 'string' || !KID.test(key.kid)) fail('a key has a bad kid');
    if (seen.has(key.kid)) fail(`key "${key.kid}" is listed twice`);
    seen.add(key.kid);
    if (!SESSION_ALGS.includes(key.alg)) fail(`key "${key.kid}" has an unsupported alg`);
    if (typeof key.spki !== 'string' || !key.spki.includes('-----BEGIN PUBLIC KEY-----'))
      fail(`key "${key.kid}" is not an SPKI PEM public key`);
    if (key.spki.includes('PRIVATE')) fail(`key "${key.kid}" holds private key material`);
  }
  return c as EdgeConfig;
}
