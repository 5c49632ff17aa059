import type {
  CloudFrontHeaders,
  CloudFrontRequest,
  CloudFrontRequestEvent,
  CloudFrontResultResponse,
} from 'aws-lambda';
import type { EdgeConfig } from './config';
import { DENY_MESSAGES, type DenyCode, type EdgeDecision, type EdgeRequest } from './decide';

/** The viewer request of a CloudFront event as the plain shape the decision reads. */
export function fromCloudFront(request: CloudFrontRequest): EdgeRequest {
  const h = request.headers ?? {};
  const cookies = h.cookie;
  return {
    method: request.method,
    uri: request.uri,
    querystring: request.querystring ?? '',
    // CloudFront may pass several Cookie headers; browsers treat them as one list.
    cookie: cookies && cookies.length > 1 ? cookies.map((c) => c.value).join('; ') : cookies?.[0]?.value,
    accept: h.accept?.[0]?.value,
    origin: h.origin?.[0]?.value,
  };
}

export function requestOf(event: CloudFrontRequestEvent): CloudFrontRequest {
  return event.Records[0]!.cf.request;
}

const STATUS_TEXT: Record<number, string> = { 302: 'Found', 401: 'Unauthorized', 403: 'Forbidden' };

function header(key: string, value: string): [{ key: string; value: string }] {
  return [{ key, value }];
}

function corsHeaders(origin: string | undefined, config: EdgeConfig): CloudFrontHeaders {
  // CloudFront's own 403s carry no CORS headers and players then report a CORS error instead
  // of the real one; our denials name the allowed origin so the player can read the status.
  if (!origin || !config.allowedOrigins.includes(origin)) return {};
  return {
    'access-control-allow-origin': header('Access-Control-Allow-Origin', origin),
    'access-control-allow-credentials': header('Access-Control-Allow-Credentials', 'true'),
    vary: header('Vary', 'Origin'),
  };
}

/** A generated denial: small JSON body, never cached. */
export function denialResponse(
  status: 401 | 403,
  code: DenyCode,
  origin: string | undefined,
  config: EdgeConfig | undefined,
): CloudFrontResultResponse {
  return {
    status: String(status),
    statusDescription: STATUS_TEXT[status],
    headers: {
      'content-type': header('Content-Type', 'application/json'),
      'cache-control': header('Cache-Control', 'no-store'),
      ...(config ? corsHeaders(origin, config) : {}),
    },
    body: JSON.stringify({ error: { code, message: DENY_MESSAGES[code] } }),
  };
}

/** The decision as what a viewer-request function returns: the request (to go on) or a response. */
export function toCloudFrontResult(
  decision: EdgeDecision,
  request: CloudFrontRequest,
  edgeRequest: EdgeRequest,
  config: EdgeConfig,
): CloudFrontRequest | CloudFrontResultResponse {
  if (decision.kind === 'allow') {
    // The Cookie header stays. No AWS page says whether CloudFront checks the signed cookies before
    // or after a viewer-request function runs; were it after, deleting them here would turn every
    // allowed request into MissingKey. Cookies stay away from S3 (whose request headers may not pass
    // 8 KB) through the media cache policy instead: CookieBehavior none, no origin request policy
    // (template rule media/cookies-not-in-cache-key).
    return request;
  }
  if (decision.kind === 'redirect') {
    return {
      status: '302',
      statusDescription: STATUS_TEXT[302],
      headers: {
        location: header('Location', decision.location),
        'cache-control': header('Cache-Control', 'no-store'),
      },
    };
  }
  return denialResponse(decision.status, decision.code, edgeRequest.origin, config);
}
