/** The login service's view of an HTTP request and response (adapters convert AWS payloads). */
export interface AuthRequest {
  method: string;
  /** The full path as CloudFront forwards it, e.g. `/auth/login`. */
  path: string;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  /** Request cookies as `name=value` strings (the HTTP API v2 `cookies` array). */
  cookies: string[];
  /** The decoded body, if any. */
  body?: string;
  /** The viewer's IP (for `bindIp`), when known. */
  sourceIp?: string;
}

export interface AuthResponse {
  statusCode: number;
  headers: Record<string, string>;
  /** `Set-Cookie` values. */
  cookies: string[];
  body: string;
}

/** Errors the login service answers with; the message goes to the client, so it names no secret. */
export type AuthErrorCode =
  | 'ERR_BAD_REQUEST'
  | 'ERR_BAD_HOST'
  | 'ERR_LOGIN_FAILED'
  | 'ERR_TOKEN_INVALID'
  | 'ERR_OIDC_DISABLED'
  | 'ERR_NO_GRANTS'
  | 'ERR_NO_SESSION'
  | 'ERR_SESSION_INVALID'
  | 'ERR_SESSION_EXPIRED'
  | 'ERR_SESSION_ENDED'
  | 'ERR_ORIGIN'
  | 'ERR_DIRECT_ACCESS'
  | 'ERR_NOT_FOUND'
  | 'ERR_METHOD_NOT_ALLOWED'
  | 'ERR_BODY_TOO_LARGE'
  | 'ERR_UNSUPPORTED_MEDIA_TYPE'
  | 'ERR_LOGIN_UNAVAILABLE'
  | 'ERR_SESSION_TOO_LARGE';

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };

export function jsonResponse(
  statusCode: number,
  body: unknown,
  extra: { headers?: Record<string, string>; cookies?: string[] } = {},
): AuthResponse {
  return {
    statusCode,
    headers: { ...JSON_HEADERS, ...extra.headers },
    cookies: extra.cookies ?? [],
    body: JSON.stringify(body),
  };
}

export function errorResponse(
  statusCode: number,
  code: AuthErrorCode,
  message: string,
  headers?: Record<string, string>,
): AuthResponse {
  return jsonResponse(statusCode, { error: { code, message } }, { headers });
}
