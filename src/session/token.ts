import { type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { checkSessionClaims, MAX_TOKEN_LENGTH } from './claims';
import type { SessionSigningKey, SessionVerifyKey } from './keys';

/** The claims of a session token. Times are epoch seconds. */
export interface SessionClaims {
  sub: string;
  grants: string[];
  sid: string;
  iat: number;
  exp: number;
  iss: string;
  aud: string;
  /** When the user signed in; refresh never extends past `auth_time + absoluteLifetimeSeconds`. */
  auth_time: number;
  /** How the user signed in: a users-file password or an OIDC ID token. */
  amr: 'pwd' | 'oidc';
}

export interface IssueInput {
  sub: string;
  grants: string[];
  sid: string;
  authTime: number;
  method: 'pwd' | 'oidc';
  /** Epoch seconds. */
  now: number;
  ttlSeconds: number;
  absoluteLifetimeSeconds: number;
  issuer: string;
  audience: string;
}

/** Why a token was refused; a closed set so logs and metrics can count them. */
export type TokenFailure =
  | 'malformed'
  | 'unknown-key'
  | 'bad-algorithm'
  | 'bad-signature'
  | 'expired'
  | 'not-yet-valid'
  | 'wrong-issuer'
  | 'wrong-audience'
  | 'bad-claims';

export type VerifyOutcome = { ok: true; claims: SessionClaims } | { ok: false; reason: TokenFailure };

export interface VerifyOptions {
  issuer: string;
  audience: string;
  /** Epoch milliseconds. */
  now: number;
  clockSkewSeconds: number;
  protectedPrefix: string;
  /** Accept a token this many seconds past its `exp` (only `/auth/refresh`: the idle window). */
  expiredGraceSeconds?: number;
}

/** Signs a session token; `exp` is capped at the absolute session lifetime. */
export async function issueSessionToken(
  input: IssueInput,
  key: SessionSigningKey,
): Promise<{ token: string; claims: SessionClaims }> {
  const exp = Math.min(input.now + input.ttlSeconds, input.authTime + input.absoluteLifetimeSeconds);
  const claims: SessionClaims = {
    sub: input.sub,
    grants: input.grants,
    sid: input.sid,
    iat: input.now,
    exp,
    iss: input.issuer,
    aud: input.audience,
    auth_time: input.authTime,
    amr: input.method,
  };
  const token = await new SignJWT({ ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .sign(key.key);
  return { token, claims };
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export { MAX_TOKEN_LENGTH } from './claims';

function failureOf(error: unknown): TokenFailure {
  const e = error as { code?: string; claim?: string };
  switch (e?.code) {
    case 'ERR_JWT_EXPIRED':
      return 'expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (e.claim === 'nbf' || e.claim === 'iat') return 'not-yet-valid';
      if (e.claim === 'iss') return 'wrong-issuer';
      if (e.claim === 'aud') return 'wrong-audience';
      return 'bad-claims';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'bad-signature';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'bad-algorithm';
    case 'ERR_UNKNOWN_KID':
      return 'unknown-key';
    default:
      return 'malformed';
  }
}

/**
 * Verifies a session token against the known keys (several may be active during rotation).
 * Never throws: every failure is a reason. The algorithm comes from our key, never from the
 * token header, so `alg: none` and HS256-with-the-public-key tricks fail.
 */
export async function verifySessionToken(
  token: string,
  keys: ReadonlyMap<string, SessionVerifyKey>,
  options: VerifyOptions,
): Promise<VerifyOutcome> {
  if (token.length > MAX_TOKEN_LENGTH || !JWT_SHAPE.test(token)) return { ok: false, reason: 'malformed' };
  let payload: JWTPayload;
  try {
    const result = await jwtVerify(
      token,
      (header) => {
        const known = typeof header.kid === 'string' ? keys.get(header.kid) : undefined;
        if (!known) throw Object.assign(new Error('unknown kid'), { code: 'ERR_UNKNOWN_KID' });
        if (header.alg !== known.alg) {
          throw Object.assign(new Error('alg does not match the key'), { code: 'ERR_JOSE_ALG_NOT_ALLOWED' });
        }
        return known.key;
      },
      {
        issuer: options.issuer,
        audience: options.audience,
        // HS256 only ever matches an HMAC key of the `function` edge mode: the alg must be the key's.
        algorithms: ['ES256', 'EdDSA', 'HS256'],
        clockTolerance: options.clockSkewSeconds + (options.expiredGraceSeconds ?? 0),
        currentDate: new Date(options.now),
        requiredClaims: ['exp', 'iat', 'sub', 'sid'],
      },
    );
    payload = result.payload;
  } catch (error) {
    return { ok: false, reason: failureOf(error) };
  }
  return checkSessionClaims(payload, options);
}

export { checkSessionClaims } from './claims';
