import { compileGrants } from '../session/grant-match';
import type { SessionClaims } from '../session/token';
import { type HmacSha256, verifyHs256SessionToken } from '../session/verify-hs256';
import type { FunctionEdgeConfig } from './function-config';
import {
  DENY_MESSAGES,
  type DenyCode,
  type EdgeDecision,
  type EdgeRequest,
  sessionCode,
  unauthenticated,
} from './outcome';
import { normalizePath } from './uri';

/**
 * The `function` edge mode's decision, for the CloudFront Function (cloudfront-js-2.0) on the
 * protected behavior: the same path rules, grant matching, denial codes, bodies, CORS and sign-in
 * redirects as the Lambda@Edge path (src/edge/decide.ts), with an HS256 session whose key and
 * revocations come from the associated KeyValueStore. Pure apart from the injected store and HMAC.
 */

/** The KeyValueStore as the function reads it: a value, or undefined when the key is absent. */
export interface KeyValueReader {
  get(key: string): Promise<string | undefined>;
}

/** `ru:<sub>` values as src/session/revocation.ts writes them; anything else fails closed. */
const USER_REVOCATION = /^(\d{1,12}):\d{1,12}$/;

/**
 * Revocation entries (contract with src/session/revocation.ts `isRevokedBy`): `rs:<sid>` →
 * `"<expiresAt>"` revokes one session; `ru:<sub>` → `"<revokedBefore>:<expiresAt>"` revokes every
 * session of the user signed in before `revokedBefore`. A value that does not parse counts as a
 * revocation: an entry exists only because someone revoked something.
 */
export function isRevokedByEntries(
  entries: { session?: string; user?: string },
  claims: Pick<SessionClaims, 'auth_time'>,
): boolean {
  if (entries.session !== undefined) return true;
  if (entries.user === undefined) return false;
  const m = USER_REVOCATION.exec(entries.user);
  return !m || claims.auth_time < Number(m[1]);
}

export async function decideFunctionMode(
  req: EdgeRequest,
  config: FunctionEdgeConfig,
  now: number,
  store: KeyValueReader,
  hmac: HmacSha256,
): Promise<EdgeDecision> {
  const path = normalizePath(req.uri);
  if (!path.ok) return { kind: 'deny', status: 403, code: 'ERR_PATH_REJECTED', reason: path.why };
  const token = readSessionCookie(req.cookie, config.cookieName);
  if (!token) return unauthenticated(req, config, 'ERR_NO_SESSION', 'no-session');
  const outcome = await verifyHs256SessionToken(token, (kid) => store.get(`key:${kid}`), hmac, {
    issuer: config.issuer,
    audience: config.audience,
    now,
    clockSkewSeconds: config.clockSkewSeconds,
    protectedPrefix: config.protectedPrefix,
  });
  if (!outcome.ok) return unauthenticated(req, config, sessionCode(outcome.reason), outcome.reason);
  const claims = outcome.claims;
  // Sequential awaits: the KeyValueStore page warns that promise combinators cost function memory.
  const session = await store.get(`rs:${claims.sid}`);
  const user = session === undefined ? await store.get(`ru:${claims.sub}`) : undefined;
  if (isRevokedByEntries({ session, user }, claims))
    return unauthenticated(req, config, 'ERR_SESSION_REVOKED', 'revoked');
  if (!path.path.startsWith(config.protectedPrefix) || !compileGrants(claims.grants).test(path.path)) {
    return { kind: 'deny', status: 403, code: 'ERR_NOT_GRANTED', reason: 'outside-grants' };
  }
  return { kind: 'allow', sub: claims.sub };
}

/** The session cookie from the function event's `cookies` (passed in as one header string). */
function readSessionCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  const pairs = header.split(';');
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i]!;
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) {
      const value = pair.slice(eq + 1).trim();
      return value.length >= 2 && value[0] === '"' && value[value.length - 1] === '"'
        ? value.slice(1, -1)
        : value;
    }
  }
  return undefined;
}

// --- the CloudFront Functions event and result (CloudFront Developer Guide, "CloudFront Functions event structure") ---

export interface FnValue {
  value: string;
  multiValue?: Array<{ value: string }>;
}
export interface FnRequest {
  method: string;
  uri: string;
  querystring: Record<string, FnValue>;
  headers: Record<string, FnValue>;
  cookies: Record<string, FnValue>;
}
export interface FnResponse {
  statusCode: number;
  statusDescription: string;
  headers: Record<string, { value: string }>;
  body?: { encoding: 'text'; data: string };
}

function valuesOf(entry: FnValue): string[] {
  return entry.multiValue && entry.multiValue.length > 0
    ? entry.multiValue.map((m) => m.value)
    : [entry.value];
}

/** The function event's request as the plain shape both decisions read. */
export function fromFunctionRequest(request: FnRequest): EdgeRequest {
  const query: string[] = [];
  const q = request.querystring || {};
  Object.keys(q).forEach((name) => {
    valuesOf(q[name]!).forEach((value) => {
      query.push(
        value === '' ? encodeURIComponent(name) : `${encodeURIComponent(name)}=${encodeURIComponent(value)}`,
      );
    });
  });
  const cookies: string[] = [];
  const c = request.cookies || {};
  Object.keys(c).forEach((name) => {
    valuesOf(c[name]!).forEach((value) => {
      cookies.push(`${name}=${value}`);
    });
  });
  const h = request.headers || {};
  return {
    method: request.method,
    uri: request.uri,
    querystring: query.join('&'),
    cookie: cookies.length > 0 ? cookies.join('; ') : undefined,
    accept: h.accept ? h.accept.value : undefined,
    origin: h.origin ? h.origin.value : undefined,
  };
}

const STATUS_TEXT: Record<number, string> = { 302: 'Found', 401: 'Unauthorized', 403: 'Forbidden' };

/** A generated denial, as the Lambda@Edge path writes it (src/edge/cloudfront.ts `denialResponse`). */
export function functionDenial(
  status: 401 | 403,
  code: DenyCode,
  origin: string | undefined,
  config: Pick<FunctionEdgeConfig, 'allowedOrigins'> | undefined,
): FnResponse {
  const headers: FnResponse['headers'] = {
    'content-type': { value: 'application/json' },
    'cache-control': { value: 'no-store' },
  };
  if (origin && config && config.allowedOrigins.indexOf(origin) !== -1) {
    headers['access-control-allow-origin'] = { value: origin };
    headers['access-control-allow-credentials'] = { value: 'true' };
    headers.vary = { value: 'Origin' };
  }
  return {
    statusCode: status,
    statusDescription: STATUS_TEXT[status]!,
    headers,
    body: { encoding: 'text', data: JSON.stringify({ error: { code, message: DENY_MESSAGES[code] } }) },
  };
}

/**
 * The decision as a CloudFront Function result. On allow the request goes on untouched: unlike
 * the Lambda@Edge path it keeps its cookies, because no AWS page says whether CloudFront checks the
 * signed cookies before or after the viewer-request function (DESIGN.md: nothing may depend on
 * the order), and the media cache policy keeps cookies out of the origin request anyway.
 */
export function toFunctionResult(
  decision: EdgeDecision,
  request: FnRequest,
  edgeRequest: EdgeRequest,
  config: FunctionEdgeConfig,
): FnRequest | FnResponse {
  if (decision.kind === 'allow') return request;
  if (decision.kind === 'redirect') {
    return {
      statusCode: 302,
      statusDescription: STATUS_TEXT[302]!,
      headers: { location: { value: decision.location }, 'cache-control': { value: 'no-store' } },
    };
  }
  return functionDenial(decision.status, decision.code, edgeRequest.origin, config);
}
