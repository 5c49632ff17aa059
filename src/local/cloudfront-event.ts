import type {
  CloudFrontHeaders,
  CloudFrontRequest,
  CloudFrontRequestEvent,
  CloudFrontResultResponse,
} from 'aws-lambda';
import {
  EDGE_DISALLOWED_HEADERS,
  EDGE_READ_ONLY_VIEWER_REQUEST,
  GENERATED_RESPONSE_204_BODY,
  GENERATED_RESPONSE_STATUS,
  headerListed,
  LAMBDA_EDGE_URI_MAX,
  LAMBDA_EDGE_VIEWER_COUNTRY,
  LAMBDA_EDGE_VIEWER_LIMITS,
} from '../cloudfront/aws-rules';

/**
 * The viewer-request side of Lambda@Edge, as CloudFront runs it: the event it builds from a
 * viewer's request, and the validation it applies to what the function returns. Facts from the
 * CloudFront Developer Guide ("Lambda@Edge event structure", "Restrictions on all edge functions",
 * "Quotas on Lambda@Edge", "HTTP 502 (Lambda validation error)", "HTTP 503 (function execution error)").
 */

/**
 * A header CloudFront never shows a function and never lets it add (a function adding one → 502).
 * The list is AWS's (src/cloudfront/aws-rules.ts, edge-functions/disallowed-headers).
 */
export function isDisallowedHeader(lowerName: string): boolean {
  return headerListed(EDGE_DISALLOWED_HEADERS.value, lowerName);
}

/** Headers a viewer-request function may read but not add, change or remove. */
export const READ_ONLY_VIEWER_REQUEST: readonly string[] = EDGE_READ_ONLY_VIEWER_REQUEST.value;

/** A generated response (headers and body) from a viewer-request function may be at most 40 KB. */
export const MAX_GENERATED_RESPONSE_BYTES = LAMBDA_EDGE_VIEWER_LIMITS.value.generatedResponseBytes;
/** The URI plus query string a function returns must stay under 8,192 characters. */
export const MAX_URI_AND_QUERY = LAMBDA_EDGE_URI_MAX.value;

export interface ViewerRequestInput {
  method: string;
  /** The request target as the viewer sent it: path, optionally `?query`. */
  target: string;
  /** Node's `rawHeaders`: name, value, name, value… in the order received, original case. */
  rawHeaders: readonly string[];
  clientIp: string;
  distributionDomainName: string;
  distributionId: string;
  requestId: string;
}

/** Splits a request target into CloudFront's `uri` and `querystring` (no leading `?`, no fragment). */
export function splitTarget(target: string): { uri: string; querystring: string } {
  const noFragment = target.split('#', 1)[0]!;
  const q = noFragment.indexOf('?');
  const uri = q < 0 ? noFragment : noFragment.slice(0, q);
  return { uri: uri || '/', querystring: q < 0 ? '' : noFragment.slice(q + 1) };
}

/** Lower-case keys, each a list of `{ key, value }` in arrival order; disallowed headers left out. */
export function toCloudFrontHeaders(rawHeaders: readonly string[]): CloudFrontHeaders {
  // Prototype-free: header names come from the viewer (`__proto__` is a valid token).
  const headers: CloudFrontHeaders = Object.create(null);
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const key = rawHeaders[i]!;
    const lower = key.toLowerCase();
    if (isDisallowedHeader(lower)) continue;
    const list = headers[lower] ?? [];
    list.push({ key, value: rawHeaders[i + 1]! });
    headers[lower] = list;
  }
  return headers;
}

export function toViewerRequestEvent(input: ViewerRequestInput): CloudFrontRequestEvent {
  const { uri, querystring } = splitTarget(input.target);
  return {
    Records: [
      {
        cf: {
          config: {
            distributionDomainName: input.distributionDomainName,
            distributionId: input.distributionId,
            eventType: 'viewer-request',
            requestId: input.requestId,
          },
          request: {
            clientIp: input.clientIp,
            headers: toCloudFrontHeaders(input.rawHeaders),
            method: input.method,
            querystring,
            uri,
          },
        },
      },
    ],
  };
}

/** What CloudFront does next with a viewer-request function's result. */
export type ViewerRequestOutcome =
  | { kind: 'forward'; request: CloudFrontRequest }
  | {
      kind: 'respond';
      status: number;
      headers: Array<[string, string]>;
      body: Buffer;
    }
  | { kind: 'invalid'; status: 502; reason: string };

const invalid = (reason: string): ViewerRequestOutcome => ({ kind: 'invalid', status: 502, reason });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks a headers object's shape; returns a reason when CloudFront would refuse it. */
function checkHeaderShape(headers: unknown): string | undefined {
  if (!isRecord(headers)) return 'headers is not an object';
  for (const [name, list] of Object.entries(headers)) {
    if (name !== name.toLowerCase()) return `header key "${name}" is not lower-case`;
    if (!Array.isArray(list)) return `header "${name}" is not a list of { key, value }`;
    for (const entry of list) {
      if (!isRecord(entry) || typeof entry.value !== 'string')
        return `header "${name}" has an entry without a string value`;
      if (entry.key !== undefined && (typeof entry.key !== 'string' || entry.key.toLowerCase() !== name))
        return `header "${name}" has an entry whose key does not match`;
      if (/[\r\n\0]/.test(entry.value)) return `header "${name}" has a control character in its value`;
    }
  }
  return undefined;
}

function headerValues(headers: CloudFrontHeaders, name: string): string {
  return JSON.stringify((Object.hasOwn(headers, name) ? headers[name]! : []).map((h) => h.value));
}

function applyResponse(result: Record<string, unknown>): ViewerRequestOutcome {
  // AWS documents the status as a string ("403") and refuses a value outside 200-599; it does not
  // say a number is refused, so a number passes (aws-rules: lambda-edge/generated-response-status).
  const raw = result.status;
  const status =
    typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{3}$/.test(raw) ? Number(raw) : Number.NaN;
  const { min, max } = GENERATED_RESPONSE_STATUS.value;
  if (!Number.isInteger(status) || status < min || status > max)
    return invalid(`status must be between ${min} and ${max} (${GENERATED_RESPONSE_STATUS.id})`);
  if (result.statusDescription !== undefined && typeof result.statusDescription !== 'string')
    return invalid('statusDescription must be a string');
  const headers = (result.headers ?? {}) as unknown;
  const shape = checkHeaderShape(headers);
  if (shape) return invalid(shape);
  for (const name of Object.keys(headers as CloudFrontHeaders)) {
    // No AWS page makes a header read-only in a generated response (the read-only lists are for
    // request events and viewer response events), so only the disallowed list applies here.
    if (isDisallowedHeader(name)) return invalid(`the function set the disallowed header "${name}"`);
  }
  const encoding = result.bodyEncoding ?? 'text';
  if (encoding !== 'text' && encoding !== 'base64') return invalid('bodyEncoding must be "text" or "base64"');
  if (result.body !== undefined && typeof result.body !== 'string') return invalid('body must be a string');
  const bodyText = (result.body as string | undefined) ?? '';
  if (status === GENERATED_RESPONSE_204_BODY.value && result.body !== undefined)
    return invalid(`a 204 response cannot have a body (${GENERATED_RESPONSE_204_BODY.id})`);
  let size = Buffer.byteLength(bodyText);
  const pairs: Array<[string, string]> = [];
  for (const [name, list] of Object.entries(headers as CloudFrontHeaders)) {
    for (const { key, value } of list) {
      pairs.push([key ?? name, value]);
      size += Buffer.byteLength(key ?? name) + Buffer.byteLength(value);
    }
  }
  if (size > MAX_GENERATED_RESPONSE_BYTES)
    return invalid(`the generated response is ${size} bytes, over the 40 KB viewer-request limit`);
  const body = encoding === 'base64' ? Buffer.from(bodyText, 'base64') : Buffer.from(bodyText);
  return {
    kind: 'respond',
    status,
    // The local edge frames the body itself (as CloudFront does): its own length, no chunking.
    headers: pairs.filter(([n]) => !['content-length', 'transfer-encoding'].includes(n.toLowerCase())),
    body,
  };
}

function applyRequest(result: Record<string, unknown>, original: CloudFrontRequest): ViewerRequestOutcome {
  if (typeof result.uri !== 'string' || !result.uri.startsWith('/'))
    return invalid('uri must be a string starting with "/"');
  const querystring = result.querystring ?? '';
  if (typeof querystring !== 'string') return invalid('querystring must be a string');
  if (/[\s#\u0000-\u001f\u007f]/.test(querystring))
    return invalid('querystring has a space, a control character or "#"');
  if (/[\s#?\u0000-\u001f\u007f]/.test(result.uri))
    return invalid('uri has a space, a control character, "?" or "#"');
  if (result.uri.length + querystring.length >= MAX_URI_AND_QUERY)
    return invalid('uri and querystring reach 8,192 characters');
  if (result.method !== undefined && result.method !== original.method)
    return invalid('a viewer-request function cannot change the method');
  const shape = checkHeaderShape(result.headers);
  if (shape) return invalid(shape);
  const headers = result.headers as CloudFrontHeaders;
  for (const name of Object.keys(headers)) {
    if (isDisallowedHeader(name) && !Object.hasOwn(original.headers, name))
      return invalid(`the function added the disallowed header "${name}"`);
    // Lambda@Edge only: a viewer-request function may read a viewer-sent CloudFront-Viewer-Country
    // but adding one fails validation (aws-rules: lambda-edge/viewer-request-cloudfront-viewer-country).
    if (name === LAMBDA_EDGE_VIEWER_COUNTRY.value && !original.headers[name])
      return invalid(`the function added "${name}" (${LAMBDA_EDGE_VIEWER_COUNTRY.id})`);
  }
  for (const name of READ_ONLY_VIEWER_REQUEST) {
    if (headerValues(headers, name) !== headerValues(original.headers, name))
      return invalid(`the function added, changed or removed the read-only header "${name}"`);
  }
  return {
    kind: 'forward',
    request: {
      ...original,
      ...(result as Partial<CloudFrontRequest>),
      querystring,
      headers,
      method: original.method,
    },
  };
}

/**
 * Applies CloudFront's rules to what a viewer-request function returned: a response object
 * (it has `status`) is sent to the viewer; a request object goes on to the origin; anything
 * malformed, a disallowed or read-only header change, or a generated response over 40 KB is a 502.
 */
export function applyViewerRequestResult(result: unknown, original: CloudFrontRequest): ViewerRequestOutcome {
  if (!isRecord(result)) return invalid('the function returned neither a request nor a response object');
  if ('status' in result) return applyResponse(result as Record<string, unknown>);
  return applyRequest(result, original);
}

export type { CloudFrontRequest, CloudFrontRequestEvent, CloudFrontResultResponse };
