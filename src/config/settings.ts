import raw from '../../config/settings.json';
import { OAI_TO_OAC_MIGRATION } from '../cloudfront/aws-rules';
import { checkResponseHeaders, type ResponseHeadersSettings } from '../cloudfront/security-headers';
import { assertSessionCookieFits } from '../session/cookie-size';
import { validateGrant } from '../session/grants';
import { type WafSettings, wafProblem } from './waf';

/**
 * The one source of truth for the product's settings. `config/settings.json` is read by
 * serverless.yml (through `scripts/settings.cjs`), baked into the edge bundle at build time,
 * bundled into the login function, and read by the local edge.
 */
export interface Settings {
  stage: string;
  /** Path prefix CloudFront protects with signed cookies and the edge function, e.g. `/media/`. */
  protectedPrefix: string;
  /** Path prefix routed to the login function, e.g. `/auth/`. */
  authPrefix: string;
  /** Where page navigations without a valid session are sent (with `?next=`). */
  signInPath: string;
  playerPath: string;
  /** Cookies get `Secure` and the session cookie the `__Host-` prefix (false only on plain-HTTP localhost). */
  secure: boolean;
  session: {
    /** Base name; the cookie is `__Host-<cookieName>` when `secure`. */
    cookieName: string;
    issuer: string;
    audience: string;
    /**
     * Idle lifetime: `/auth/refresh` renews a session whose token expired less than this long after
     * it was issued; also the session cookie's Max-Age.
     */
    ttlSeconds: number;
    /**
     * Lifetime of one session token and of the CloudFront cookies issued with it (policy
     * `DateLessThan`). The player refreshes before it ends. In `lambda` edge mode it is also how
     * long a revoked session can keep playing: the edge cannot see revocations, `/auth/refresh` can.
     */
    tokenTtlSeconds: number;
    absoluteLifetimeSeconds: number;
    clockSkewSeconds: number;
  };
  cloudFront: {
    hashAlgorithm: 'SHA1' | 'SHA256';
    /** Past this many cookie sets, collapse to one set for the whole protected prefix. */
    maxCookieSets: number;
    /** Bind signed cookies to the viewer's IP (opt-in: IPv6 viewers and IpAddress conditions do not mix). */
    bindIp: boolean;
  };
  edge: {
    sessionCacheSize: number;
    /**
     * The viewer-request check on the protected behavior: `lambda` (Lambda@Edge, ES256 sessions,
     * the default) or `function` (a CloudFront Function with HS256 sessions whose keys and
     * revocations live in a KeyValueStore).
     */
    mode: EdgeMode;
  };
  /** AWS WAF on the distribution (rate limit on sign-in and refresh, managed rule groups). */
  waf: WafSettings;
  login: {
    /**
     * How long a login container may use the users list it read (file or SSM) before reading it
     * again: a removed user is refused at sign-in and refresh at most this long after removal.
     */
    usersTtlSeconds: number;
  };
  /** Origins allowed to call /auth/* with cookies and to read edge denials (CORS). */
  allowedOrigins: string[];
  /** CloudFront PriceClass for the distribution (deployed stages only). */
  priceClass?: string;
  /**
   * How CloudFront reads the private bucket (deployed stages only): `oai` (origin access identity,
   * the default) or `oac` (origin access control, which AWS recommends and which SSE-KMS needs).
   * `oai+oac` is the step between them when switching an existing stack (docs/deploy.md): the
   * origins still use the OAI while the bucket policy already admits the OAC.
   */
  originAccess: OriginAccess;
  /**
   * The security headers of the pages and `/auth/*` (HSTS, nosniff, X-Frame-Options, referrer
   * policy, Content-Security-Policy): a CloudFront response headers policy in AWS, the same
   * headers from the local edge.
   */
  responseHeaders: ResponseHeadersSettings;
  /** Optional alias domain and its ACM certificate (us-east-1) for the distribution. */
  aliasDomain?: string;
  certificateArn?: string;
  /** Optional OIDC sign-in with ID tokens from an identity provider (Cognito, Auth0, Okta, …). */
  oidc?: OidcSettings;
}

export type EdgeMode = 'lambda' | 'function';
export const EDGE_MODES: readonly EdgeMode[] = ['lambda', 'function'];

/** The stages of AWS's OAI → OAC migration are the values `originAccess` takes. */
export type OriginAccess = (typeof OAI_TO_OAC_MIGRATION.value)[number];

export const ORIGIN_ACCESS_VALUES: readonly OriginAccess[] = OAI_TO_OAC_MIGRATION.value;

export interface OidcSettings {
  /** The `iss` of the provider's ID tokens, e.g. `https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc`. */
  issuer: string;
  /** The `aud` expected in ID tokens (the app's client id). */
  audience: string;
  /** The provider's JWKS, e.g. `<issuer>/.well-known/jwks.json`. */
  jwksUrl: string;
  /** The claim whose value(s) map to grants, e.g. `groups` or `cognito:groups`. */
  grantsClaim: string;
  /** Claim value → grants, e.g. `{ "premium": ["/media/premium/*"] }`. Unknown values grant nothing. */
  grantMap: Record<string, string[]>;
  /** The claim shown as the user; default `sub`. */
  usernameClaim?: string;
}

export class SettingsError extends Error {
  readonly code = 'ERR_SETTINGS';
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function merge(base: Json, override: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(override)) {
    out[key] = isObject(value) && isObject(out[key]) ? merge(out[key] as Json, value) : value;
  }
  return out;
}

const PREFIX = /^\/[A-Za-z0-9._~-]+\/$/;

/** Validates a resolved settings object; throws a SettingsError naming the first bad field. */
export function validateSettings(s: Settings): Settings {
  const fail = (field: string, why: string): never => {
    throw new SettingsError(`settings for stage "${s.stage}": ${field} ${why}`);
  };
  if (!PREFIX.test(s.protectedPrefix)) fail('protectedPrefix', 'must look like "/media/"');
  if (!PREFIX.test(s.authPrefix)) fail('authPrefix', 'must look like "/auth/"');
  if (s.protectedPrefix === s.authPrefix) fail('authPrefix', 'must differ from protectedPrefix');
  if (!s.signInPath.startsWith('/') || s.signInPath.startsWith('//'))
    fail('signInPath', 'must be a local path');
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(s.session.cookieName))
    fail('session.cookieName', 'must be a plain token');
  if (!s.session.issuer) fail('session.issuer', 'is required');
  if (!s.session.audience) fail('session.audience', 'is required');
  for (const key of [
    'ttlSeconds',
    'tokenTtlSeconds',
    'absoluteLifetimeSeconds',
    'clockSkewSeconds',
  ] as const) {
    const v = s.session[key];
    if (!Number.isInteger(v) || v < 0) fail(`session.${key}`, 'must be a non-negative integer');
  }
  if (s.session.ttlSeconds < 60) fail('session.ttlSeconds', 'must be at least 60');
  if (s.session.tokenTtlSeconds < 10) fail('session.tokenTtlSeconds', 'must be at least 10');
  if (s.session.tokenTtlSeconds > s.session.ttlSeconds)
    fail('session.tokenTtlSeconds', 'must be at most session.ttlSeconds');
  if (s.session.absoluteLifetimeSeconds < s.session.ttlSeconds)
    fail('session.absoluteLifetimeSeconds', 'must be at least session.ttlSeconds');
  if (s.cloudFront.hashAlgorithm !== 'SHA1' && s.cloudFront.hashAlgorithm !== 'SHA256')
    fail('cloudFront.hashAlgorithm', 'must be SHA1 or SHA256');
  if (!Number.isInteger(s.cloudFront.maxCookieSets) || s.cloudFront.maxCookieSets < 1)
    fail('cloudFront.maxCookieSets', 'must be a positive integer');
  if (!Number.isInteger(s.edge.sessionCacheSize) || s.edge.sessionCacheSize < 1)
    fail('edge.sessionCacheSize', 'must be a positive integer');
  if (!EDGE_MODES.includes(s.edge.mode)) fail('edge.mode', 'must be "lambda" or "function"');
  if (
    !isObject(s.login) ||
    !Number.isInteger(s.login.usersTtlSeconds) ||
    s.login.usersTtlSeconds < 0 ||
    s.login.usersTtlSeconds > 3600
  )
    fail('login.usersTtlSeconds', 'must be a whole number of seconds from 0 to 3600');
  const waf = wafProblem(s.waf);
  if (waf) fail(waf[0], waf[1]);
  for (const origin of s.allowedOrigins) {
    if (!/^https?:\/\/[A-Za-z0-9.-]+(:\d+)?$/.test(origin))
      fail('allowedOrigins', `has a bad origin "${origin}"`);
  }
  if (s.aliasDomain && !s.certificateArn) fail('certificateArn', 'is required when aliasDomain is set');
  if (!isObject(s.responseHeaders)) fail('responseHeaders', 'must be an object');
  for (const [field, why] of checkResponseHeaders(s.responseHeaders)) fail(`responseHeaders.${field}`, why);
  if (!ORIGIN_ACCESS_VALUES.includes(s.originAccess))
    fail('originAccess', `must be one of ${ORIGIN_ACCESS_VALUES.map((v) => `"${v}"`).join(', ')}`);
  if (s.oidc !== undefined) {
    const o = s.oidc;
    const url = /^(https:\/\/|http:\/\/(localhost|127\.0\.0\.1)(:\d+)?(\/|$))\S+$/;
    if (!isObject(o)) fail('oidc', 'must be an object');
    if (typeof o.issuer !== 'string' || !o.issuer) fail('oidc.issuer', 'is required');
    if (typeof o.audience !== 'string' || !o.audience) fail('oidc.audience', 'is required');
    if (typeof o.jwksUrl !== 'string' || !url.test(o.jwksUrl)) fail('oidc.jwksUrl', 'must be an https URL');
    if (typeof o.grantsClaim !== 'string' || !o.grantsClaim) fail('oidc.grantsClaim', 'is required');
    if (!isObject(o.grantMap)) fail('oidc.grantMap', 'must map claim values to lists of grants');
    for (const [value, grants] of Object.entries(o.grantMap)) {
      if (
        !Array.isArray(grants) ||
        grants.some((g) => typeof g !== 'string' || !g.startsWith(s.protectedPrefix))
      )
        fail(`oidc.grantMap.${value}`, `must be a list of grants under ${s.protectedPrefix}`);
      for (const grant of grants as string[]) {
        try {
          validateGrant(grant, s.protectedPrefix);
        } catch (error) {
          fail(`oidc.grantMap.${value}`, (error as Error).message);
        }
      }
    }
    // A user in every mapped group gets every grant, with a username of up to 256 characters
    // (src/login/oidc.ts): that session cookie must still be one a browser keeps.
    const all = [...new Set(Object.values(o.grantMap).flat())];
    try {
      assertSessionCookieFits(s, { sub: 'u'.repeat(256), grants: all, amr: 'oidc' }, 'a user in every group');
    } catch (error) {
      fail('oidc.grantMap', (error as Error).message);
    }
  }
  return s;
}

/** The settings of one stage: the top-level defaults with `stages.<stage>` merged over them. */
export function resolveSettings(stage: string, source: Json = raw as Json): Settings {
  const { stages, ...defaults } = source as Json & { stages?: Record<string, Json> };
  const override = stages?.[stage];
  if (!override) {
    throw new SettingsError(
      `unknown stage "${stage}": add it under "stages" in config/settings.json (known: ${Object.keys(stages ?? {}).join(', ')})`,
    );
  }
  const merged = merge({ secure: true, originAccess: 'oai', ...defaults }, override) as unknown as Omit<
    Settings,
    'stage'
  >;
  return validateSettings({ ...merged, stage });
}

/** The session cookie's full name: `__Host-` needs `Secure`, `Path=/` and no `Domain`. */
export function sessionCookieName(s: Pick<Settings, 'secure' | 'session'>): string {
  return s.secure ? `__Host-${s.session.cookieName}` : s.session.cookieName;
}
