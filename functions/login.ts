import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type LoadContextOptions, loadLoginContext } from '../src/login/context';
import { type AuthRequest, type AuthResponse, errorResponse } from '../src/login/http';
import { handleAuthRequest, type LoginContext } from '../src/login/service';

/** Present when the bundle is built with the edge `define` too: its session keys verify older tokens. */
declare const __EDGE_AUTH_CONFIG__: unknown;

export function fromHttpApi(event: APIGatewayProxyEventV2): AuthRequest {
  // Prototype-free: header names come from the viewer (`__proto__`, `constructor`).
  const headers: Record<string, string | undefined> = Object.create(null);
  for (const [name, value] of Object.entries(event.headers ?? {})) headers[name.toLowerCase()] = value;
  const body =
    event.body === undefined || event.body === null
      ? undefined
      : event.isBase64Encoded
        ? Buffer.from(event.body, 'base64').toString('utf8')
        : event.body;
  return {
    method: event.requestContext?.http?.method ?? 'GET',
    path: event.rawPath ?? event.requestContext?.http?.path ?? '/',
    headers,
    cookies: event.cookies ?? [],
    body,
    sourceIp: event.requestContext?.http?.sourceIp,
  };
}

export function toHttpApi(response: AuthResponse): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: response.statusCode,
    headers: response.headers,
    ...(response.cookies.length ? { cookies: response.cookies } : {}),
    body: response.body,
    isBase64Encoded: false,
  };
}

/**
 * An HTTP API v2 / function URL handler. The context (keys from SSM or files, users) loads once
 * per container; a failed load is retried by the next request instead of poisoning the container.
 */
export function createLoginHandler(
  env: Record<string, string | undefined> = process.env,
  options: LoadContextOptions & { now?: () => number } = {},
) {
  let context: Promise<LoginContext> | undefined;
  const now = options.now ?? Date.now;
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    let ctx: LoginContext;
    try {
      context ??= loadLoginContext(env, options);
      ctx = await context;
    } catch (error) {
      context = undefined;
      const e = error as { code?: string; message?: string };
      console.error(
        JSON.stringify({
          loginError: e?.code ?? 'ERR_UNKNOWN',
          message: e?.code ? e.message : 'load failed',
        }),
      );
      return toHttpApi(
        errorResponse(503, 'ERR_LOGIN_UNAVAILABLE', 'Sign-in is unavailable. Try again later.'),
      );
    }
    try {
      return toHttpApi(await handleAuthRequest(fromHttpApi(event), ctx, now()));
    } catch (error) {
      const e = error as { code?: string };
      console.error(JSON.stringify({ loginError: e?.code ?? 'ERR_UNEXPECTED' }));
      return toHttpApi(
        errorResponse(503, 'ERR_LOGIN_UNAVAILABLE', 'Sign-in is unavailable. Try again later.'),
      );
    }
  };
}

export const handler = createLoginHandler(process.env, {
  edgeConfig: typeof __EDGE_AUTH_CONFIG__ === 'undefined' ? undefined : __EDGE_AUTH_CONFIG__,
});
