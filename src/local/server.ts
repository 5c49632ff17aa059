import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseCookieHeader } from 'cookie';
import {
  FUNCTION_URL_MAX_PAYLOAD_BYTES,
  headerListed,
  ORIGIN_CUSTOM_HEADER_DENYLIST,
} from '../cloudfront/aws-rules';
import { securityHeaders, withSecurityHeaders } from '../cloudfront/security-headers';
import type { VerifyInput, VerifyResult } from '../cloudfront/types';
import { type EdgeMode, resolveSettings, type Settings } from '../config/settings';
import type { WafSettings } from '../config/waf';
import { ORIGIN_SECRET_HEADER } from '../login/headers';
import { pruneRevocations } from '../session/revocation';
import { applyViewerRequestResult, toViewerRequestEvent } from './cloudfront-event';
import {
  type CloudFrontFunction,
  fromFunctionResult,
  functionCloudFrontModule,
  functionCrypto,
  loadCloudFrontFunction,
  loadCloudFrontFunctionSource,
  toFunctionEvent,
} from './cloudfront-function';
import { fromHttpApiResult, toHttpApiEvent } from './http-api-event';
import { createKvsFileReader, fileKeyValueStore } from './kvs-file';
import { keyFromUri, LocalBucket, type OriginResponse, s3AccessDenied } from './origin';
import { behaviorsFromSettings, selectBehavior } from './path-pattern';
import { createRateLimiter } from './rate-limit';
import { ensureLocalStage, type LocalStage, loginEnvironment } from './setup';

/**
 * The local edge: CloudFront on a laptop. One HTTP server plays the distribution (behaviors,
 * trusted key group, viewer-request Lambda@Edge, S3 origin, login function URL origin), a second
 * one plays the private bucket's own endpoint (always 403, as S3 answers the public).
 */

export type Layer = 'cloudfront' | 'edge' | 'origin' | 'login' | 'web' | 'bucket';

export type LambdaHandler = (
  // biome-ignore lint/suspicious/noExplicitAny: Lambda handlers are untyped at this boundary.
  event: any,
  // biome-ignore lint/suspicious/noExplicitAny: as above.
  context: any,
  callback?: (err: unknown, result?: unknown) => void,
) => unknown;

export interface LocalEdgeOptions {
  /** 0 picks a free port. */
  port: number;
  /** The bucket stand-in's port: default port+1 (a free port when port is 0). */
  bucketPort?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Project root: where `.local/`, `web/`, `media/` and node_modules are (default: cwd). */
  root?: string;
  /** The folder standing for the bucket's `media/` prefix (default `<root>/media`). */
  mediaDir?: string;
  /** Where the local keys, users file and edge build live (default `<root>/.local`). */
  stateDir?: string;
  /** The folder standing for the bucket's `web/` prefix (default `<root>/web`). */
  webDir?: string;
  /** One line per request; default console.log. */
  log?: (line: string) => void;
  /**
   * The viewer-request check on the protected behavior: the Lambda@Edge bundle (`lambda`) or the
   * CloudFront Function (`function`). Default: the local stage's `edge.mode` setting.
   */
  edgeMode?: EdgeMode;
  /** Test seams: stand-ins for the viewer-request function and the login function. */
  handlers?: { viewerRequest?: LambdaHandler; login?: LambdaHandler; viewerHost?: CloudFrontFunction };
  /** Test seam: overrides of the stage's `waf` settings for the sign-in rate limit. */
  waf?: Partial<WafSettings>;
  /** Test seam: the CloudFront verifier (default src/cloudfront/verifier). */
  verify?: (input: VerifyInput) => VerifyResult;
  /**
   * The stage's settings (default: `resolveSettings('local')` from config/settings.json). Tests pass
   * a variant, e.g. `cloudFront.bindIp: true`; the login function gets the same settings.
   */
  settings?: Settings;
}

export interface LocalEdge {
  url: string;
  bucketUrl: string;
  port: number;
  bucketPort: number;
  stage: LocalStage;
  settings: Settings;
  edgeMode: EdgeMode;
  close(): Promise<void>;
}

const execFileAsync = promisify(execFile);

export class LocalEdgeError extends Error {
  readonly code = 'ERR_LOCAL_EDGE';
  constructor(message: string) {
    super(message);
    this.name = 'LocalEdgeError';
  }
}

/** Lambda@Edge viewer-request functions get 5 seconds. */
const VIEWER_REQUEST_TIMEOUT_MS = 5000;
const LOGIN_TIMEOUT_MS = 10000;
// A function URL in BUFFERED mode takes at most 6 MB (aws-rules: lambda/function-url-buffered-payload).
const MAX_FUNCTION_URL_PAYLOAD = FUNCTION_URL_MAX_PAYLOAD_BYTES.value;
const MAX_AUTH_BODY = MAX_FUNCTION_URL_PAYLOAD;
/**
 * The address the login function sees as `requestContext.http.sourceIp`. Behind CloudFront a
 * function URL's source IP is the TCP peer: a CloudFront edge server, never the viewer. The local
 * edge uses a fixed address from CloudFront's origin-facing range (130.176.0.0/16 appears in
 * AWS's ip-ranges.json as CLOUDFRONT_ORIGIN_FACING) rather than a loopback address, so it can never
 * equal a local viewer's address and a login function that trusts it shows the bug.
 */
export const CLOUDFRONT_ORIGIN_FACING_IP = '130.176.0.1';

/** Origin custom header names CloudFront would refuse (aws-rules: origin-custom-headers/denylist). */
export function refusedOriginHeaders(names: readonly string[]): string[] {
  return names.filter((name) => headerListed(ORIGIN_CUSTOM_HEADER_DENYLIST.value, name));
}
const FUNCTION_URL_DOMAIN = 'localloginfunctionurl0000000000.lambda-url.us-east-1.on.aws';
const DISTRIBUTION_ID = 'ELOCALEDGE00001';

function cloudFrontRequestId(): string {
  return randomBytes(42).toString('base64').replace(/\+/g, '_').replace(/\//g, '-');
}

function clientIpOf(req: IncomingMessage): string {
  const ip = req.socket.remoteAddress ?? '127.0.0.1';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

function invokeLambda(
  handler: LambdaHandler,
  event: unknown,
  name: string,
  timeoutMs: number,
): Promise<unknown> {
  const started = Date.now();
  const awsRequestId = randomBytes(16)
    .toString('hex')
    .replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: '1',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}:1`,
    memoryLimitInMB: name.includes('viewer') ? '128' : '256',
    awsRequestId,
    logGroupName: `/aws/lambda/us-east-1.${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - started)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  return new Promise((resolvePromise, reject) => {
    let settled = false;
    const timer = setTimeout(() => settle(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    function settle(error: unknown, value?: unknown) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolvePromise(value);
    }
    try {
      const returned = handler(event, context, (err, result) => settle(err ?? undefined, result));
      if (returned && typeof (returned as Promise<unknown>).then === 'function') {
        (returned as Promise<unknown>).then(
          (value) => settle(undefined, value),
          (error) => settle(error ?? new Error('rejected')),
        );
      }
    } catch (error) {
      settle(error ?? new Error('threw'));
    }
  });
}

function errorPage(status: number, title: string, detail: string, requestId: string): string {
  return [
    '<!DOCTYPE html>',
    `<html><head><meta charset="utf-8"><title>ERROR: The request could not be satisfied</title></head><body>`,
    `<h1>${status} ERROR</h1>`,
    '<h2>The request could not be satisfied.</h2>',
    `<hr><p>${title}</p>`,
    `<p>${detail.replace(/[<>&]/g, (c) => `&#${c.charCodeAt(0)};`)}</p>`,
    `<hr><address>Generated by the local edge (CloudFront stand-in)<br>Request ID: ${requestId}</address>`,
    '</body></html>',
  ].join('\n');
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Builds the deployable viewer-request bundle for the local stage and loads it like Lambda would. */
async function loadEdgeHandler(stage: LocalStage): Promise<LambdaHandler> {
  const { root } = stage;
  const buildDir = join(stage.stateDir, 'build');
  mkdirSync(buildDir, { recursive: true });
  const nodeRequire = createRequire(join(root, 'package.json'));
  const args = JSON.stringify({
    root,
    outfile: join(buildDir, 'viewer-request.js'),
    keyringDir: stage.keyDir,
  });
  const { stdout } = await execFileAsync(
    process.execPath,
    [nodeRequire.resolve('tsx/cli'), join(root, 'src', 'local', 'build-edge-child.ts'), args],
    { cwd: root },
  ).catch((error: { stderr?: string }) => {
    throw new LocalEdgeError(
      `building the edge bundle failed: ${(error.stderr ?? '').trim() || 'unknown error'}`,
    );
  });
  const { outfile } = JSON.parse(stdout.trim().split('\n').pop()!) as { outfile: string };
  // Node's own require, not the test runner's: the bundle runs as Lambda runs it.
  delete nodeRequire.cache[nodeRequire.resolve(outfile)];
  const mod = nodeRequire(outfile) as { handler?: LambdaHandler };
  if (typeof mod.handler !== 'function') throw new LocalEdgeError(`${outfile} exports no handler`);
  return mod.handler;
}

/**
 * The login function as functions/login.ts deploys it (`createLoginHandler`, which its `handler`
 * export is), with the local stage's environment and settings.
 */
async function loadLoginHandler(
  stage: LocalStage,
  settings: Settings,
  edgeMode: EdgeMode,
): Promise<LambdaHandler> {
  const mod = (await import('../../functions/login')) as {
    createLoginHandler?: (env: Record<string, string>, options: { settings: Settings }) => LambdaHandler;
  };
  if (typeof mod.createLoginHandler !== 'function')
    throw new LocalEdgeError('functions/login.ts exports no createLoginHandler');
  // EDGE_AUTH_EDGE_MODE: `npm start -- --edge function` overrides the stage's edge.mode.
  return mod.createLoginHandler({ ...loginEnvironment(stage), EDGE_AUTH_EDGE_MODE: edgeMode }, { settings });
}

/**
 * Builds the `function` mode's CloudFront Function for the local stage (the same build as deploy,
 * checked against the runtime's rules) and loads it with the runtime's `crypto` and a `cloudfront`
 * module whose KeyValueStore is `.local/kvs.json`.
 */
async function loadMediaFunction(stage: LocalStage, settings: Settings): Promise<CloudFrontFunction> {
  const { buildFunctionCode } = await import('../../scripts/build-function');
  const { code } = buildFunctionCode({ stage: 'local', root: stage.root, settings });
  const buildDir = join(stage.stateDir, 'build');
  mkdirSync(buildDir, { recursive: true });
  const file = join(buildDir, 'media-session.js');
  writeFileSync(file, code);
  return loadCloudFrontFunctionSource(code, file, {
    crypto: functionCrypto,
    cloudfront: functionCloudFrontModule(createKvsFileReader(stage.kvsFile)),
  });
}

const HOST_NOT_ALLOWED_BODY = JSON.stringify({
  error: {
    code: 'ERR_HOST_NOT_ALLOWED',
    message: 'The local edge answers only localhost, 127.0.0.1, [::1] and its --host name.',
  },
});

/** The Host names the local edge answers: loopback names and the interface it was told to use. */
export function allowedHostNames(listenHost: string): Set<string> {
  const names = new Set(['localhost', '127.0.0.1', '[::1]']);
  const own = listenHost.toLowerCase();
  // 0.0.0.0 and :: are "every interface", not a name a browser would send.
  if (own !== '0.0.0.0' && own !== '::' && own !== '') names.add(own.includes(':') ? `[${own}]` : own);
  return names;
}

/** Whether a Host header names one of `allowed`, with or without a port. */
export function isAllowedHost(header: string | undefined, allowed: ReadonlySet<string>): boolean {
  if (!header) return false;
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(header.trim());
  return m !== null && allowed.has(m[1]!.toLowerCase());
}

/** Revocation entries past their end leave `.local/kvs.json` at start and every hour after. */
async function pruneLocalRevocations(file: string, log: (line: string) => void): Promise<void> {
  try {
    const { removed } = await pruneRevocations(fileKeyValueStore(file), Math.floor(Date.now() / 1000));
    if (removed > 0) log(`pruned ${removed} expired revocation entries from ${file}`);
  } catch (error) {
    log(`could not prune ${file}: ${(error as Error).message}`);
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolvePromise((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolvePromise) => {
    server.close(() => resolvePromise());
    server.closeAllConnections();
  });
}

export async function startLocalEdge(options: LocalEdgeOptions): Promise<LocalEdge> {
  const root = resolve(options.root ?? process.cwd());
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((line: string) => console.log(line));
  const settings = options.settings ?? resolveSettings('local');
  const behaviors = behaviorsFromSettings(settings);
  // The response headers policy of the pages and /auth/* (serverless.yml PagesResponseHeadersPolicy),
  // from the same settings: the browser test runs the pages under production's CSP.
  const pageHeaders = securityHeaders(settings.responseHeaders);
  const stage = await ensureLocalStage(root, { stateDir: options.stateDir });
  const verify = options.verify ?? (await import('../cloudfront/verifier')).verifyRequest;
  const edgeMode = options.edgeMode ?? settings.edge.mode;
  const viewerRequest =
    edgeMode === 'lambda' ? (options.handlers?.viewerRequest ?? (await loadEdgeHandler(stage))) : undefined;
  const mediaFunction = edgeMode === 'function' ? await loadMediaFunction(stage, settings) : undefined;
  const login = options.handlers?.login ?? (await loadLoginHandler(stage, settings, edgeMode));
  await pruneLocalRevocations(stage.kvsFile, log);
  const pruneTimer = setInterval(() => void pruneLocalRevocations(stage.kvsFile, log), 3600_000);
  pruneTimer.unref();
  // The CloudFront Function serverless.yml deploys on /auth/* (viewer request), from the same file.
  const viewerHostFunction =
    options.handlers?.viewerHost ??
    loadCloudFrontFunction(join(root, 'functions', 'cloudfront', 'viewer-host.js'));
  const allowedHosts = allowedHostNames(host);
  // The web ACL's sign-in rate rule, from the same `waf` settings as the deployed one.
  const rateLimiter = createRateLimiter({ ...settings.waf, ...options.waf }, settings.authPrefix);
  // The origin custom headers the /auth/* origin adds must be ones CloudFront accepts.
  const refused = refusedOriginHeaders([ORIGIN_SECRET_HEADER]);
  if (refused.length > 0)
    throw new LocalEdgeError(
      `CloudFront refuses origin custom headers ${refused.join(', ')} (${ORIGIN_CUSTOM_HEADER_DENYLIST.id})`,
    );
  const protectedKeyPrefix = settings.protectedPrefix.replace(/^\//, '');
  const bucket = new LocalBucket([
    { prefix: protectedKeyPrefix, dir: resolve(options.mediaDir ?? join(root, 'media')) },
    { prefix: 'web/', dir: resolve(options.webDir ?? join(root, 'web')) },
  ]);
  const hlsJs = join(root, 'node_modules', 'hls.js', 'dist');
  const vendor = new LocalBucket([{ prefix: 'vendor/', dir: hlsJs }]);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const requestId = cloudFrontRequestId();
    const method = req.method ?? 'GET';
    const target = req.url ?? '/';
    const path = target.split(/[?#]/, 1)[0] || '/';
    let layer: Layer = 'cloudfront';
    let note = '';
    const cfHeaders = (cache: string): Array<[string, string]> => [
      ['x-cache', cache],
      ['via', '1.1 local-edge.cloudfront.net (CloudFront)'],
      ['x-amz-cf-pop', 'LOCAL1-C1'],
      ['x-amz-cf-id', requestId],
    ];
    const send = (status: number, headers: Array<[string, string]>, body?: OriginResponse['body']) => {
      const outHeaders: Record<string, string | string[]> = Object.create(null);
      for (const [name, value] of headers) {
        const key = name.toLowerCase();
        const prev = outHeaders[key];
        if (prev === undefined) outHeaders[key] = value;
        else outHeaders[key] = Array.isArray(prev) ? [...prev, value] : [prev, value];
      }
      if (Buffer.isBuffer(body) && outHeaders['content-length'] === undefined)
        outHeaders['content-length'] = String(body.length);
      try {
        // The reason phrase is always the status's own: a failed first writeHead leaves its
        // statusMessage behind, and Node would reuse it for the 502 below.
        res.writeHead(status, STATUS_CODES[status] ?? '', outHeaders);
      } catch {
        // A header value Node refuses (a control character): CloudFront would refuse it too.
        layer = 'cloudfront';
        note = 'response header failed validation';
        const page = Buffer.from(errorPage(502, 'Bad gateway.', 'A response header was invalid.', requestId));
        res.writeHead(502, STATUS_CODES[502], {
          'content-type': 'text/html',
          'content-length': String(page.length),
        });
        res.end(method === 'HEAD' ? undefined : page);
        return finish(502);
      }
      if (method === 'HEAD' || body === undefined) res.end();
      else if (Buffer.isBuffer(body)) res.end(body);
      else {
        body.on('error', () => res.destroy());
        body.pipe(res);
      }
      finish(status);
    };
    const finish = (status: number) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log(`${method} ${path} ${status} ${layer} ${ms.toFixed(1)}ms${note ? ` (${note})` : ''}`);
    };
    const failPage = (status: 502 | 503, title: string, detail: string) => {
      const page = Buffer.from(errorPage(status, title, detail, requestId));
      send(
        status,
        [['content-type', 'text/html'], ['server', 'CloudFront'], ...cfHeaders('Error from cloudfront')],
        page,
      );
    };

    // CloudFront's own 403 page for a method the cache behavior does not allow.
    const methodNotAllowed = () => {
      note = 'method not allowed on this behavior';
      const page = Buffer.from(
        errorPage(
          403,
          'Bad request.',
          'This distribution is not configured to allow the HTTP request method that was used for this request.',
          requestId,
        ),
      );
      return send(
        403,
        [['content-type', 'text/html'], ['server', 'CloudFront'], ...cfHeaders('Error from cloudfront')],
        page,
      );
    };

    // DNS rebinding: a page on another site can point its own name at 127.0.0.1 and then talk to
    // this server as same-origin. Only loopback names and the --host name are answered.
    if (!isAllowedHost(req.headers.host, allowedHosts)) {
      note = 'Host not allowed';
      return send(
        421,
        [
          ['content-type', 'application/json'],
          ['cache-control', 'no-store'],
        ],
        Buffer.from(HOST_NOT_ALLOWED_BODY),
      );
    }

    // The `function` edge mode: the CloudFront Function (cloudfront-js-2.0) on the protected behavior.
    const runMediaFunction = async (
      fn: CloudFrontFunction,
      input: { method: string; target: string; clientIp: string; viewerHost: string },
    ): Promise<void> => {
      const fnEvent = toFunctionEvent({
        method: input.method,
        target: input.target,
        rawHeaders: req.rawHeaders,
        clientIp: input.clientIp,
        distributionDomainName: 'local-edge.cloudfront.net',
        distributionId: DISTRIBUTION_ID,
        requestId,
      });
      const fnOriginal = structuredClone(fnEvent.request);
      let fnResult: unknown;
      try {
        fnResult = await fn(fnEvent);
      } catch (error) {
        note = `CloudFront Function failed: ${error instanceof Error ? error.message : 'error'}`;
        return failPage(
          503,
          'The CloudFront function associated with the CloudFront distribution failed.',
          'FunctionExecutionError',
        );
      }
      const fnOutcome = fromFunctionResult(fnResult, fnOriginal, input.target);
      if (fnOutcome.kind === 'invalid') {
        note = `CloudFront Function result failed validation: ${fnOutcome.reason}`;
        return failPage(502, 'The CloudFront function returned an invalid value.', fnOutcome.reason);
      }
      if (fnOutcome.kind === 'response') {
        layer = 'edge';
        return send(
          fnOutcome.status,
          [...fnOutcome.headers, ...cfHeaders('FunctionGeneratedResponse from cloudfront')],
          fnOutcome.body,
        );
      }
      layer = 'origin';
      const headerOf = (name: string): string | undefined => {
        for (let i = 0; i + 1 < fnOutcome.rawHeaders.length; i += 2)
          if (fnOutcome.rawHeaders[i]!.toLowerCase() === name) return fnOutcome.rawHeaders[i + 1];
        return undefined;
      };
      const key = keyFromUri(fnOutcome.target.split('?', 1)[0]!);
      const response = key
        ? await bucket.get(key, input.method, {
            range: headerOf('range'),
            ifNoneMatch: headerOf('if-none-match'),
            ifModifiedSince: headerOf('if-modified-since'),
          })
        : s3AccessDenied();
      return send(
        response.status,
        [
          ...response.headers,
          ...cfHeaders(response.status < 400 ? 'Miss from cloudfront' : 'Error from cloudfront'),
        ],
        response.body,
      );
    };

    const behavior = selectBehavior(behaviors, path);
    const viewerHost = req.headers.host ?? `${host}:${(server.address() as AddressInfo).port}`;
    const clientIp = clientIpOf(req);

    if (behavior.kind === 'media') {
      if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') return methodNotAllowed();
      // 1. The trusted key group: CloudFront checks the signed cookies (or URL) before anything runs.
      const cookies = parseCookieHeader(req.headers.cookie ?? '', { decode: (v) => v }) as Record<
        string,
        string
      >;
      const verdict = verify({
        url: `http://${viewerHost}${target}`,
        clientIp,
        cookies,
        trustedKeys: stage.trustedKeys,
        now: Math.floor(Date.now() / 1000),
      });
      if (!verdict.allow) {
        note = `${verdict.code}: ${verdict.reason}`;
        return send(
          403,
          [['content-type', 'text/xml'], ['server', 'CloudFront'], ...cfHeaders('Error from cloudfront')],
          Buffer.from(verdict.body),
        );
      }
      // 2. The viewer-request check of the edge mode, with CloudFront's event and its rules for the result.
      if (mediaFunction) return runMediaFunction(mediaFunction, { method, target, clientIp, viewerHost });
      const event = toViewerRequestEvent({
        method,
        target,
        rawHeaders: req.rawHeaders,
        clientIp,
        distributionDomainName: 'local-edge.cloudfront.net',
        distributionId: DISTRIBUTION_ID,
        requestId,
      });
      const original = structuredClone(event.Records[0]!.cf.request);
      let result: unknown;
      try {
        result = await invokeLambda(
          viewerRequest!,
          event,
          'edge-auth-local-viewer-request',
          VIEWER_REQUEST_TIMEOUT_MS,
        );
      } catch (error) {
        note = `viewer-request function failed: ${error instanceof Error ? error.message : 'error'}`;
        // An unhandled error or a timeout is a Lambda execution error: 503 (CloudFront Developer Guide).
        return failPage(
          503,
          'The Lambda function associated with the CloudFront distribution failed.',
          'LambdaExecutionError',
        );
      }
      const outcome = applyViewerRequestResult(result, original);
      if (outcome.kind === 'invalid') {
        note = `edge result failed validation: ${outcome.reason}`;
        return failPage(502, 'The Lambda function result failed validation.', outcome.reason);
      }
      if (outcome.kind === 'respond') {
        layer = 'edge';
        return send(
          outcome.status,
          [...outcome.headers, ...cfHeaders('LambdaGeneratedResponse from cloudfront')],
          outcome.body,
        );
      }
      // 3. The S3 origin, through the OAI, with the (possibly modified) request. Cookies never reach it.
      layer = 'origin';
      const request = outcome.request;
      const first = (name: string) => request.headers[name]?.[0]?.value;
      const key = keyFromUri(request.uri);
      const response = key
        ? await bucket.get(key, method, {
            range: first('range'),
            ifNoneMatch: first('if-none-match'),
            ifModifiedSince: first('if-modified-since'),
          })
        : s3AccessDenied();
      return send(
        response.status,
        [
          ...response.headers,
          ...cfHeaders(response.status < 400 ? 'Miss from cloudfront' : 'Error from cloudfront'),
        ],
        response.body,
      );
    }

    if (behavior.kind === 'auth') {
      // AWS WAF runs before CloudFront's behaviors and functions: a limited request goes no further.
      const limited = rateLimiter.check(method, path, clientIp, Date.now());
      if (limited) {
        note = 'AWS WAF sign-in rate limit';
        return send(
          limited.status,
          [...limited.headers, ...cfHeaders('Error from cloudfront')],
          limited.body,
        );
      }
      layer = 'login';
      const body = await readBody(req, MAX_AUTH_BODY);
      if (!body) {
        note = 'request body too large';
        return send(
          413,
          [['content-type', 'application/json']],
          Buffer.from('{"Message":"Request Entity Too Large"}'),
        );
      }
      // 1. The CloudFront Function on /auth/* (it copies the viewer's Host into x-auth-viewer-host).
      const fnEvent = toFunctionEvent({
        method,
        target,
        rawHeaders: req.rawHeaders,
        clientIp,
        distributionDomainName: 'local-edge.cloudfront.net',
        distributionId: DISTRIBUTION_ID,
        requestId,
      });
      const fnOriginal = structuredClone(fnEvent.request);
      let fnResult: unknown;
      try {
        fnResult = viewerHostFunction(fnEvent);
      } catch (error) {
        layer = 'cloudfront';
        note = `CloudFront Function failed: ${error instanceof Error ? error.message : 'error'}`;
        return failPage(
          503,
          'The CloudFront function associated with the CloudFront distribution failed.',
          'FunctionExecutionError',
        );
      }
      const fnOutcome = fromFunctionResult(fnResult, fnOriginal, target);
      if (fnOutcome.kind === 'invalid') {
        layer = 'cloudfront';
        note = `CloudFront Function result failed validation: ${fnOutcome.reason}`;
        return failPage(502, 'The CloudFront function returned an invalid value.', fnOutcome.reason);
      }
      if (fnOutcome.kind === 'response') {
        layer = 'edge';
        return send(
          fnOutcome.status,
          [...fnOutcome.headers, ...cfHeaders('FunctionGeneratedResponse from cloudfront')],
          fnOutcome.body,
        );
      }
      // 2. The origin request: every viewer header but Host (Managed-AllViewerExceptHostHeader),
      // so the function URL sees its own host; CloudFront adds its forwarding headers.
      const rawHeaders: string[] = [];
      for (let i = 0; i + 1 < fnOutcome.rawHeaders.length; i += 2) {
        const lower = fnOutcome.rawHeaders[i]!.toLowerCase();
        if (lower === 'host' || lower === 'connection' || lower === 'keep-alive') continue;
        if (lower === ORIGIN_SECRET_HEADER) continue;
        rawHeaders.push(fnOutcome.rawHeaders[i]!, fnOutcome.rawHeaders[i + 1]!);
      }
      rawHeaders.push(
        'host',
        FUNCTION_URL_DOMAIN,
        // The origin custom header of the /auth/* origin (serverless.yml); CloudFront replaces a
        // viewer-sent header of the same name, which the loop above already dropped.
        ORIGIN_SECRET_HEADER,
        stage.originSecret,
        'x-forwarded-for',
        clientIp,
        'via',
        '2.0 local-edge.cloudfront.net (CloudFront)',
        'x-amz-cf-id',
        requestId,
      );
      const event = toHttpApiEvent({
        method,
        target: fnOutcome.target,
        rawHeaders,
        body,
        sourceIp: CLOUDFRONT_ORIGIN_FACING_IP,
        domainName: FUNCTION_URL_DOMAIN,
        requestId: randomBytes(16).toString('hex'),
        now: Date.now(),
      });
      if (Buffer.byteLength(JSON.stringify(event)) > MAX_FUNCTION_URL_PAYLOAD) {
        note = 'request payload over the function URL limit';
        return send(
          413,
          [['content-type', 'application/json']],
          Buffer.from('{"Message":"Request Entity Too Large"}'),
        );
      }
      let response: ReturnType<typeof fromHttpApiResult>;
      try {
        response = fromHttpApiResult(
          await invokeLambda(login, event, 'edge-auth-local-login', LOGIN_TIMEOUT_MS),
        );
      } catch (error) {
        note = `login function failed: ${error instanceof Error ? error.message : 'error'}`;
        response = {
          status: 502,
          headers: [['content-type', 'application/json']],
          body: Buffer.from('{"Message":"Internal Server Error"}'),
        };
      }
      if (Buffer.isBuffer(response.body) && response.body.length > MAX_FUNCTION_URL_PAYLOAD) {
        note = 'login response over the function URL payload limit';
        response = {
          status: 502,
          headers: [['content-type', 'application/json']],
          body: Buffer.from('{"Message":"Internal Server Error"}'),
        };
      }
      return send(
        response.status,
        withSecurityHeaders([...response.headers, ...cfHeaders('Miss from cloudfront')], pageHeaders),
        response.body,
      );
    }

    // Default behavior: the public web pages from the bucket's web/ prefix, no signing.
    layer = 'web';
    if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed();
    const conditional = {
      range: req.headers.range,
      ifNoneMatch: req.headers['if-none-match'],
      ifModifiedSince: req.headers['if-modified-since'],
    };
    const key = keyFromUri(path);
    let response: OriginResponse;
    if (key?.startsWith('vendor/')) response = await vendor.get(key, method, conditional);
    else if (key === undefined) response = s3AccessDenied();
    // DefaultRootObject: `/` is served as index.html (only the root, as CloudFront does).
    else response = await bucket.get(key === '' ? 'web/index.html' : `web/${key}`, method, conditional);
    return send(
      response.status,
      withSecurityHeaders(
        [
          ...response.headers,
          ...cfHeaders(response.status < 400 ? 'Miss from cloudfront' : 'Error from cloudfront'),
        ],
        pageHeaders,
      ),
      response.body,
    );
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      log(
        `${req.method} ${req.url?.split('?')[0]} 500 cloudfront (local edge bug: ${error instanceof Error ? error.message : error})`,
      );
      if (!res.headersSent) res.writeHead(500, STATUS_CODES[500], { 'content-type': 'text/plain' });
      res.end('local edge error');
    });
  });
  const bucketServer = createServer((req, res) => {
    const started = process.hrtime.bigint();
    // Block Public Access is on and no policy grants the public anything: every request is 403.
    const response = s3AccessDenied();
    const body = response.body as Buffer;
    res.writeHead(403, Object.fromEntries([...response.headers, ['content-length', String(body.length)]]));
    res.end(req.method === 'HEAD' ? undefined : body);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    log(`${req.method} ${(req.url ?? '/').split('?')[0]} 403 bucket ${ms.toFixed(1)}ms`);
  });

  const port = await listen(server, options.port, host);
  let bucketPort: number;
  try {
    bucketPort = await listen(bucketServer, options.bucketPort ?? (options.port === 0 ? 0 : port + 1), host);
  } catch (error) {
    await closeServer(server);
    throw error;
  }
  const shownHost =
    host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    bucketUrl: `http://${shownHost}:${bucketPort}`,
    port,
    bucketPort,
    stage,
    settings,
    edgeMode,
    close: async () => {
      clearInterval(pruneTimer);
      await Promise.all([closeServer(server), closeServer(bucketServer)]);
    },
  };
}
