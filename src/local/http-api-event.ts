import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';

/**
 * The Lambda function URL side of `/auth/*`: the HTTP API v2 payload (format 2.0) a function URL
 * hands the login function, and how its result becomes an HTTP response. Facts (AWS Lambda
 * Developer Guide, "Invoking Lambda function URLs", request and response payloads): header names
 * are lower-case and repeated headers are joined with commas; the `Cookie` header is removed and
 * its pairs arrive in `cookies`; `rawQueryString` has no `?`; bodies that are not text arrive
 * base64-encoded with `isBase64Encoded: true`; a result without `statusCode` is treated as a
 * JSON body with status 200; each entry of the result's `cookies` becomes a `Set-Cookie` header.
 */

export interface HttpApiInput {
  method: string;
  target: string;
  rawHeaders: readonly string[];
  body: Buffer;
  sourceIp: string;
  /** The function URL's own host (`<url-id>.lambda-url.<region>.on.aws`). */
  domainName: string;
  requestId: string;
  /** Epoch milliseconds. */
  now: number;
}

const TEXT_TYPE = /^(text\/[^;]+|application\/([a-z0-9.+-]*\+)?(json|xml)|application\/javascript)\s*(;|$)/i;

/** Whether a function URL passes a body with this content type as text (otherwise base64). */
export function isTextBody(contentType: string | undefined): boolean {
  return contentType !== undefined && TEXT_TYPE.test(contentType.trim());
}

function formatTime(ms: number): string {
  // API Gateway's `time` looks like "12/Mar/2020:19:03:58 +0000".
  const d = new Date(ms);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

export function toHttpApiEvent(input: HttpApiInput): APIGatewayProxyEventV2 {
  const noFragment = input.target.split('#', 1)[0]!;
  const q = noFragment.indexOf('?');
  const rawPath = (q < 0 ? noFragment : noFragment.slice(0, q)) || '/';
  const rawQueryString = q < 0 ? '' : noFragment.slice(q + 1);

  // Prototype-free maps: names come from the request (`__proto__`, `constructor` are names too).
  const headers: Record<string, string> = Object.create(null);
  const cookies: string[] = [];
  for (let i = 0; i + 1 < input.rawHeaders.length; i += 2) {
    const name = input.rawHeaders[i]!.toLowerCase();
    const value = input.rawHeaders[i + 1]!;
    if (name === 'cookie') {
      for (const part of value.split(';')) {
        const pair = part.trim();
        if (pair) cookies.push(pair);
      }
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }

  const query: Record<string, string> = Object.create(null);
  for (const part of rawQueryString.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = safeDecode(eq < 0 ? part : part.slice(0, eq));
    const value = safeDecode(eq < 0 ? '' : part.slice(eq + 1));
    query[key] = query[key] === undefined ? value : `${query[key]},${value}`;
  }

  const hasBody = input.body.length > 0;
  const text = isTextBody(headers['content-type']);
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers,
    requestContext: {
      accountId: 'anonymous',
      apiId: input.domainName.split('.', 1)[0]!,
      domainName: input.domainName,
      domainPrefix: input.domainName.split('.', 1)[0]!,
      http: {
        method: input.method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: input.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: input.requestId,
      routeKey: '$default',
      stage: '$default',
      time: formatTime(input.now),
      timeEpoch: input.now,
    },
    isBase64Encoded: hasBody && !text,
  };
  if (cookies.length > 0) event.cookies = cookies;
  if (Object.keys(query).length > 0) event.queryStringParameters = query;
  if (hasBody) event.body = text ? input.body.toString('utf8') : input.body.toString('base64');
  return event;
}

export interface HttpResponse {
  status: number;
  headers: Array<[string, string]>;
  body: Buffer;
}

/** Turns a function URL result into the HTTP response Lambda sends back (a bad result → 502). */
export function fromHttpApiResult(result: APIGatewayProxyResultV2 | unknown): HttpResponse {
  const bad = (why: string): HttpResponse => ({
    status: 502,
    headers: [['content-type', 'application/json']],
    body: Buffer.from(JSON.stringify({ Message: `Internal server error (${why})` })),
  });
  if (result === undefined || result === null) return { status: 200, headers: [], body: Buffer.alloc(0) };
  if (typeof result !== 'object' || !('statusCode' in (result as object))) {
    const json = typeof result === 'string' ? result : JSON.stringify(result);
    return { status: 200, headers: [['content-type', 'application/json']], body: Buffer.from(json) };
  }
  const r = result as {
    statusCode: unknown;
    headers?: Record<string, unknown>;
    cookies?: unknown;
    body?: unknown;
    isBase64Encoded?: unknown;
  };
  if (
    typeof r.statusCode !== 'number' ||
    !Number.isInteger(r.statusCode) ||
    r.statusCode < 100 ||
    r.statusCode > 599
  )
    return bad('statusCode is not an HTTP status');
  const headers: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(r.headers ?? Object.create(null))) {
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
      return bad(`header "${name}" is not a string`);
    headers.push([name.toLowerCase(), String(value)]);
  }
  if (r.cookies !== undefined) {
    if (!Array.isArray(r.cookies) || r.cookies.some((c) => typeof c !== 'string'))
      return bad('cookies is not a list of strings');
    for (const c of r.cookies as string[]) headers.push(['set-cookie', c]);
  }
  if (r.body !== undefined && r.body !== null && typeof r.body !== 'string')
    return bad('body is not a string');
  const bodyText = (r.body as string | undefined) ?? '';
  const body = r.isBase64Encoded === true ? Buffer.from(bodyText, 'base64') : Buffer.from(bodyText);
  return { status: r.statusCode, headers, body };
}
