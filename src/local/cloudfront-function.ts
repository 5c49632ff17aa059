import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createContext, Script } from 'node:vm';
import {
  EDGE_DISALLOWED_HEADERS,
  EDGE_READ_ONLY_VIEWER_REQUEST,
  headerListed,
} from '../cloudfront/aws-rules';
import type { ViewerRequestInput } from './cloudfront-event';

/**
 * CloudFront Functions (cloudfront-js-2.0) on viewer request, run from the same source file the
 * stack deploys. Facts (CloudFront Developer Guide, "CloudFront Functions event structure"):
 * the event has `version: '1.0'`, `context` (distributionDomainName, distributionId, eventType,
 * requestId), `viewer.ip`, and a `request` whose `headers` (lower-case names), `cookies` and
 * `querystring` are objects of `{ value }` with `multiValue` lists for repeats; the Cookie header
 * is not among the headers. The function returns the request (possibly changed) or a response.
 * The runtime is not Node.js: no `require`, no `process`, no timers, no network.
 */

export interface FunctionValue {
  value: string;
  multiValue?: Array<{ value: string }>;
}
export type FunctionValues = Record<string, FunctionValue>;

export interface FunctionRequest {
  method: string;
  uri: string;
  querystring: FunctionValues;
  headers: FunctionValues;
  cookies: FunctionValues;
}

export interface FunctionEvent {
  version: '1.0';
  context: {
    distributionDomainName: string;
    distributionId: string;
    eventType: 'viewer-request';
    requestId: string;
  };
  viewer: { ip: string };
  request: FunctionRequest;
}

export type CloudFrontFunction = (event: FunctionEvent) => unknown;

export class CloudFrontFunctionError extends Error {
  readonly code = 'ERR_CLOUDFRONT_FUNCTION';
  constructor(message: string) {
    super(message);
    this.name = 'CloudFrontFunctionError';
  }
}

/** Loads a CloudFront Function's source in an isolated context and returns its top-level `handler`. */
export function loadCloudFrontFunction(file: string): CloudFrontFunction {
  return compileCloudFrontFunction(readFileSync(file, 'utf8'), file);
}

/** Compiles CloudFront Function source (as deployed, e.g. a template's FunctionCode) in an isolated context. */
export function compileCloudFrontFunction(source: string, file: string): CloudFrontFunction {
  const sandbox = createContext({ console: { log: () => undefined } });
  new Script(`${source}\n;this.__handler = typeof handler === 'function' ? handler : undefined;`, {
    filename: file,
  }).runInContext(sandbox, { timeout: 1000 });
  const handler = (sandbox as { __handler?: CloudFrontFunction }).__handler;
  if (!handler) throw new CloudFrontFunctionError(`${file} defines no top-level handler(event)`);
  return handler;
}

/** The modules a cloudfront-js-2.0 function may import, as the emulator provides them. */
export type FunctionModules = Record<string, unknown>;

const IMPORT_LINE = /^import\s+([A-Za-z_$][\w$]*)\s+from\s*["']([^"']+)["'];?[ \t]*$/gm;

/**
 * Loads a cloudfront-js-2.0 function that imports runtime modules (`import cf from 'cloudfront'`):
 * each import line becomes a variable bound to the emulator's module, and an import of anything
 * else fails to load, as CloudFront refuses the function. `Buffer` is a global in runtime 2.0
 * ("JavaScript runtime 2.0 features for CloudFront Functions"), so the sandbox has it.
 */
export function loadCloudFrontFunctionSource(
  source: string,
  filename: string,
  modules: FunctionModules,
  /** Test seam: the sandbox's Date.now (epoch ms). */
  clock?: () => number,
): CloudFrontFunction {
  let unknown: string | undefined;
  const script = source.replace(IMPORT_LINE, (_all, name: string, module: string) => {
    if (!Object.hasOwn(modules, module)) unknown ??= module;
    return `var ${name} = __cfModules[${JSON.stringify(module)}];`;
  });
  if (unknown)
    throw new CloudFrontFunctionError(`${filename} imports "${unknown}", which the runtime does not have`);
  const sandbox = createContext({ console: { log: () => undefined }, Buffer, __cfModules: modules });
  if (clock) {
    (sandbox as { __clock?: () => number }).__clock = clock;
    new Script('Date.now = __clock;').runInContext(sandbox);
  }
  new Script(`${script}\n;this.__handler = typeof handler === 'function' ? handler : undefined;`, {
    filename,
  }).runInContext(sandbox, { timeout: 1000 });
  const handler = (sandbox as { __handler?: CloudFrontFunction }).__handler;
  if (!handler) throw new CloudFrontFunctionError(`${filename} defines no top-level handler(event)`);
  return handler;
}

const DIGESTS = ['md5', 'sha1', 'sha256'];
const ENCODINGS = ['hex', 'base64', 'base64url'];

/**
 * The runtime's `crypto` module, no more: createHash and createHmac with md5, sha1 or sha256, and
 * digest() to hex, base64, base64url or (runtime 2.0) a Buffer ("JavaScript runtime 2.0 features for
 * CloudFront Functions", Built-in modules: Crypto). Anything else throws, as it would at the edge.
 */
export const functionCrypto = {
  createHash(algorithm: string) {
    if (!DIGESTS.includes(algorithm)) throw new Error(`crypto: unsupported hash ${algorithm}`);
    return limitDigest(createHash(algorithm));
  },
  createHmac(algorithm: string, key: string | Uint8Array) {
    if (!DIGESTS.includes(algorithm)) throw new Error(`crypto: unsupported hmac ${algorithm}`);
    return limitDigest(createHmac(algorithm, key));
  },
};

function limitDigest(h: {
  update(data: string | Uint8Array): unknown;
  digest(): Buffer;
  digest(enc: 'hex'): string;
}) {
  const wrapper = {
    update(data: string | Uint8Array) {
      h.update(data);
      return wrapper;
    },
    digest(encoding?: string) {
      if (encoding === undefined) return h.digest();
      if (!ENCODINGS.includes(encoding)) throw new Error(`crypto: unsupported digest encoding ${encoding}`);
      return h.digest(encoding as 'hex');
    },
  };
  return wrapper;
}

/**
 * The runtime's `cloudfront` module with `kvs()` reading a local store ("Helper methods for key
 * value stores"): get() resolves to the value, or rejects when the key does not exist.
 */
export function functionCloudFrontModule(reader: { get(key: string): string | undefined }) {
  const handle = {
    async get(key: string, options?: { format?: string }) {
      const value = reader.get(key);
      if (value === undefined) throw new Error(`KeyValueStore: key not found`);
      if (options?.format === 'json') return JSON.parse(value);
      if (options?.format === 'bytes') return Buffer.from(value);
      return value;
    },
    async exists(key: string) {
      return reader.get(key) !== undefined;
    },
  };
  return { kvs: () => handle };
}

function add(values: FunctionValues, name: string, value: string): void {
  // Own properties only: a viewer's header, cookie or query parameter named `__proto__` must
  // become an entry, not reach Object.prototype (it did, and polluted every object of the process).
  const current = Object.hasOwn(values, name) ? values[name] : undefined;
  if (!current)
    Object.defineProperty(values, name, {
      value: { value },
      enumerable: true,
      writable: true,
      configurable: true,
    });
  else current.multiValue = [...(current.multiValue ?? [{ value: current.value }]), { value }];
}

function decodeQueryPart(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

export function toFunctionEvent(input: ViewerRequestInput): FunctionEvent {
  const noFragment = input.target.split('#', 1)[0]!;
  const q = noFragment.indexOf('?');
  const uri = (q < 0 ? noFragment : noFragment.slice(0, q)) || '/';
  // Prototype-free maps: names come from the request (`__proto__`, `constructor` are names too).
  const querystring: FunctionValues = Object.create(null);
  for (const part of (q < 0 ? '' : noFragment.slice(q + 1)).split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    add(
      querystring,
      decodeQueryPart(eq < 0 ? part : part.slice(0, eq)),
      decodeQueryPart(eq < 0 ? '' : part.slice(eq + 1)),
    );
  }
  const headers: FunctionValues = Object.create(null);
  const cookies: FunctionValues = Object.create(null);
  for (let i = 0; i + 1 < input.rawHeaders.length; i += 2) {
    const name = input.rawHeaders[i]!.toLowerCase();
    const value = input.rawHeaders[i + 1]!;
    if (name === 'cookie') {
      for (const pair of value.split(';')) {
        const trimmed = pair.trim();
        const eq = trimmed.indexOf('=');
        if (eq > 0) add(cookies, trimmed.slice(0, eq), trimmed.slice(eq + 1));
      }
    } else if (!headerListed(EDGE_DISALLOWED_HEADERS.value, name)) {
      // Disallowed headers are "not exposed to edge functions" (aws-rules: edge-functions/disallowed-headers).
      add(headers, name, value);
    }
  }
  return {
    version: '1.0',
    context: {
      distributionDomainName: input.distributionDomainName,
      distributionId: input.distributionId,
      eventType: 'viewer-request',
      requestId: input.requestId,
    },
    viewer: { ip: input.clientIp },
    request: { method: input.method, uri, querystring, headers, cookies },
  };
}

function valuesOf(entry: unknown): string[] | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const e = entry as { value?: unknown; multiValue?: unknown };
  if (Array.isArray(e.multiValue) && e.multiValue.length > 0) {
    const list = e.multiValue.map((m) => (m as { value?: unknown })?.value);
    return list.every((v) => typeof v === 'string') ? (list as string[]) : undefined;
  }
  return typeof e.value === 'string' ? [e.value] : undefined;
}

const joined = (values: FunctionValues, name: string) => JSON.stringify(valuesOf(values[name]) ?? []);

/**
 * Why CloudFront would refuse a viewer-request function's request headers (502), or undefined:
 * it added a disallowed header, or added, changed or removed a read-only one (Developer Guide,
 * "Restrictions on all edge functions", HTTP headers; see src/cloudfront/aws-rules.ts).
 */
export function functionHeaderViolation(
  original: FunctionValues,
  result: FunctionValues,
): string | undefined {
  for (const name of Object.keys(result)) {
    if (headerListed(EDGE_DISALLOWED_HEADERS.value, name) && !original[name.toLowerCase()])
      return `the function added the disallowed header "${name}" (${EDGE_DISALLOWED_HEADERS.id})`;
  }
  for (const name of EDGE_READ_ONLY_VIEWER_REQUEST.value) {
    if (joined(result, name) !== joined(original, name))
      return `the function added, changed or removed the read-only header "${name}" (${EDGE_READ_ONLY_VIEWER_REQUEST.id})`;
  }
  return undefined;
}

export type FunctionOutcome =
  | { kind: 'request'; target: string; rawHeaders: string[] }
  | { kind: 'response'; status: number; headers: Array<[string, string]>; body: Buffer }
  | { kind: 'invalid'; reason: string };

/**
 * What CloudFront does with a CloudFront Function's result: a response (it has `statusCode`) goes
 * to the viewer; a request goes on, as a request target and raw headers (the cookies joined into
 * one Cookie header; the URI and query string as the viewer sent them unless the function changed
 * them); anything else is a validation error (CloudFront answers 502).
 */
export function fromFunctionResult(
  result: unknown,
  original: FunctionRequest,
  originalTarget: string,
): FunctionOutcome {
  if (typeof result !== 'object' || result === null)
    return { kind: 'invalid', reason: 'the function returned no object' };
  if ('statusCode' in result) {
    const r = result as { statusCode: unknown; headers?: unknown; body?: unknown };
    // "This value is an integer, not a string" (CloudFront Functions event structure); the range
    // is HTTP's own (RFC 9110, three digits 100-599): AWS states none for CloudFront Functions.
    if (
      typeof r.statusCode !== 'number' ||
      !Number.isInteger(r.statusCode) ||
      r.statusCode < 100 ||
      r.statusCode > 599
    )
      return { kind: 'invalid', reason: 'statusCode must be an HTTP status number' };
    const headers: Array<[string, string]> = [];
    for (const [name, entry] of Object.entries((r.headers ?? {}) as Record<string, unknown>)) {
      const values = valuesOf(entry);
      if (!values) return { kind: 'invalid', reason: `response header "${name}" has no string value` };
      for (const value of values) headers.push([name, value]);
    }
    const body = r.body as { data?: unknown; encoding?: unknown } | string | undefined;
    const data =
      typeof body === 'string'
        ? Buffer.from(body)
        : typeof body?.data === 'string'
          ? Buffer.from(body.data, body.encoding === 'base64' ? 'base64' : 'utf8')
          : Buffer.alloc(0);
    return { kind: 'response', status: r.statusCode, headers, body: data };
  }
  const r = result as Partial<FunctionRequest>;
  if (typeof r.uri !== 'string' || !r.uri.startsWith('/'))
    return { kind: 'invalid', reason: 'uri must start with "/"' };
  if (typeof r.headers !== 'object' || r.headers === null)
    return { kind: 'invalid', reason: 'headers must be an object' };
  const headerProblem = functionHeaderViolation(original.headers, r.headers);
  if (headerProblem) return { kind: 'invalid', reason: headerProblem };
  const rawHeaders: string[] = [];
  for (const [name, entry] of Object.entries(r.headers ?? {})) {
    const values = valuesOf(entry);
    if (!values) return { kind: 'invalid', reason: `header "${name}" has no string value` };
    for (const value of values) rawHeaders.push(name, value);
  }
  const cookiePairs: string[] = [];
  for (const [name, entry] of Object.entries(r.cookies ?? {})) {
    const values = valuesOf(entry);
    if (!values) return { kind: 'invalid', reason: `cookie "${name}" has no string value` };
    for (const value of values) cookiePairs.push(`${name}=${value}`);
  }
  if (cookiePairs.length > 0) rawHeaders.push('cookie', cookiePairs.join('; '));
  const noFragment = originalTarget.split('#', 1)[0]!;
  const q = noFragment.indexOf('?');
  const rawQuery = q < 0 ? '' : noFragment.slice(q + 1);
  let query = rawQuery;
  if (JSON.stringify(r.querystring ?? {}) !== JSON.stringify(original.querystring)) {
    const parts: string[] = [];
    for (const [name, entry] of Object.entries(r.querystring ?? {})) {
      const values = valuesOf(entry);
      if (!values) return { kind: 'invalid', reason: `query parameter "${name}" has no string value` };
      for (const value of values) parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
    }
    query = parts.join('&');
  }
  return { kind: 'request', target: query ? `${r.uri}?${query}` : r.uri, rawHeaders };
}
