import { verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { parsePublicKeyPem } from '../keys/pem';
import {
  COOKIE_POLICY_IP_IPV4_ONLY,
  COOKIE_POLICY_RESOURCE_SCHEMES,
  SIGNED_URL_IP_IPV4_ONLY,
} from './aws-rules';
import { tryDecodeCloudFrontBase64 } from './base64';
import { ipInCidr, parseCidr, parseIp } from './ip';
import { buildCannedPolicy, type ParsedPolicy, type PolicyError, parsePolicyJson } from './policy';
import type { CloudFrontErrorCode, DenyReason, HashAlgorithm, VerifyInput, VerifyResult } from './types';
import { matchResource } from './wildcard';

/** CloudFront's messages for its signed-request error codes. */
export const CLOUDFRONT_MESSAGES: Record<CloudFrontErrorCode, string> = {
  MissingKey: 'Missing Key-Pair-Id query parameter or cookie value',
  InvalidKey: 'Unknown Key',
  AccessDenied: 'Access denied',
  MalformedSignature: 'Could not unencode Signature',
  MalformedPolicy: 'Malformed Policy',
};

/** The 403 body CloudFront sends (Content-Type: text/xml), byte for byte. */
export function cloudFrontErrorBody(code: CloudFrontErrorCode): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${CLOUDFRONT_MESSAGES[code]}</Message></Error>`;
}

/** Query parameters CloudFront reads from a signed URL (and removes before matching the resource). */
export const SIGNED_URL_PARAMS = ['Expires', 'Policy', 'Signature', 'Key-Pair-Id', 'Hash-Algorithm'] as const;

/** What was found and checked, for `inspect` and logs. Never holds a signature or key. */
export interface VerifyFacts {
  via?: 'signed-url' | 'cookies';
  keyPairId?: string;
  policyType?: 'canned' | 'custom';
  hashAlgorithm?: HashAlgorithm;
  /** The policy that was (or would have been) signed. */
  policy?: ParsedPolicy;
  /** The URL compared with the resource (signed-URL parameters removed). */
  matchedUrl?: string;
  checks: { name: string; ok: boolean; detail: string }[];
}

export interface VerifyExplained {
  result: VerifyResult;
  facts: VerifyFacts;
}

type Params = Record<string, string>;

/** Splits a raw query string; values are percent-decoded, first occurrence wins. Never throws. */
function parseQuery(query: string): { params: Params; parts: string[] } {
  // Prototype-free: `constructor in {}` is true, which would hide a real parameter of that name.
  const params: Params = Object.create(null);
  const parts = query.length ? query.split('&') : [];
  for (const part of parts) {
    const eq = part.indexOf('=');
    const rawName = eq === -1 ? part : part.slice(0, eq);
    const rawValue = eq === -1 ? '' : part.slice(eq + 1);
    const name = safeDecode(rawName);
    if (!(name in params)) params[name] = safeDecode(rawValue);
  }
  return { params, parts };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** The URL without CloudFront's signing parameters: the base URL a signed URL was made from. */
export function stripSigningParams(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash === -1 ? undefined : hash);
  const kept = query
    .split('&')
    .filter((part) => part.length > 0)
    .filter((part) => !(SIGNED_URL_PARAMS as readonly string[]).includes(safeDecode(part.split('=')[0]!)));
  return kept.length ? `${url.slice(0, q)}?${kept.join('&')}` : url.slice(0, q);
}

// Verified (key, hash, policy, signature) tuples, per trusted KeyObject. The local edge checks the
// same cookies for every segment of a stream; a hit skips the public-key operation, not the
// time, resource and IP checks, which depend on the request.
const verifiedCache = new WeakMap<KeyObject, Map<string, true>>();
const CACHE_LIMIT = 2048;
let cacheEnabled = true;

/** Turns the verified-signature cache on or off (benchmarks measure the public-key operation itself). */
export function setSignatureCache(enabled: boolean): void {
  cacheEnabled = enabled;
}

function verifySignature(
  key: KeyObject,
  hash: HashAlgorithm,
  signed: Buffer,
  signatureText: string,
  cacheKey: string,
): 'ok' | 'malformed' | 'bad' {
  let cache = cacheEnabled ? verifiedCache.get(key) : undefined;
  if (cache?.has(cacheKey)) return 'ok';
  // signatureText is not empty (the caller answers a missing one), and no non-empty CloudFront
  // base64 text decodes to zero bytes, so a decoded signature always has bytes to check.
  const signature = tryDecodeCloudFrontBase64(signatureText);
  if (!signature) return 'malformed';
  let ok: boolean;
  try {
    // RSA: PKCS#1 v1.5; EC: DER-encoded (r, s), which is what node:crypto, openssl and the SDK produce.
    ok = cryptoVerify(hash === 'SHA256' ? 'sha256' : 'sha1', signed, key, signature);
  } catch {
    ok = false;
  }
  if (ok && cacheEnabled) {
    if (!cache) {
      cache = new Map();
      verifiedCache.set(key, cache);
    }
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(cacheKey, true);
  }
  return ok ? 'ok' : 'bad';
}

// Parsed custom policies by their cookie/parameter text: every segment request of a stream carries
// the same CloudFront-Policy, so decode and JSON-parse it once.
type PolicyEntry = { bytes: Buffer; policy: ParsedPolicy } | { error: string };
const policyCache = new Map<string, PolicyEntry>();

function readPolicy(text: string): PolicyEntry {
  let entry = policyCache.get(text);
  if (entry) return entry;
  const bytes = tryDecodeCloudFrontBase64(text);
  if (!bytes) entry = { error: 'is not CloudFront base64' };
  else
    try {
      entry = { bytes, policy: parsePolicyJson(bytes.toString('utf8')) };
    } catch (error) {
      entry = { error: `is malformed: ${(error as PolicyError).message} (${(error as PolicyError).code})` };
    }
  if (policyCache.size >= CACHE_LIMIT) policyCache.clear();
  policyCache.set(text, entry);
  return entry;
}

/**
 * Decides a request exactly as CloudFront decides it for a cache behavior that restricts viewer
 * access with a trusted key group, and explains why. Signed-URL parameters take precedence over
 * cookies. Pure: time, keys and the client IP are inputs.
 */
export function explainRequest(input: VerifyInput): VerifyExplained {
  return evaluate(input, true);
}

function evaluate(input: VerifyInput, explain: boolean): VerifyExplained {
  const facts: VerifyFacts = { checks: [] };
  const check = (name: string, ok: boolean, detail: string) => {
    if (explain) facts.checks.push({ name, ok, detail });
  };
  // Success details are only formatted when someone reads them (inspect), not per segment request.
  const pass = (name: string, detail: () => string) => {
    if (explain) facts.checks.push({ name, ok: true, detail: detail() });
  };
  const deny = (code: CloudFrontErrorCode, reason: DenyReason, detail: string): VerifyExplained => ({
    result: {
      allow: false,
      status: 403,
      code,
      message: CLOUDFRONT_MESSAGES[code],
      body: cloudFrontErrorBody(code),
      reason,
      detail,
    },
    facts,
  });

  const q = input.url.indexOf('?');
  const hash = input.url.indexOf('#');
  const query = q === -1 ? '' : input.url.slice(q + 1, hash > q ? hash : undefined);
  const { params } = parseQuery(query);
  const urlSigned = SIGNED_URL_PARAMS.some((p) => p !== 'Hash-Algorithm' && p in params);
  const via = urlSigned ? 'signed-url' : 'cookies';
  facts.via = via;
  const get = (
    name: 'Expires' | 'Policy' | 'Signature' | 'Key-Pair-Id' | 'Hash-Algorithm',
  ): string | undefined => (urlSigned ? params[name] : input.cookies[`CloudFront-${name}`]);
  const label = (name: string) =>
    urlSigned ? `the ${name} query parameter` : `the CloudFront-${name} cookie`;

  const keyPairId = get('Key-Pair-Id');
  if (!keyPairId) {
    check('key-pair-id', false, `${label('Key-Pair-Id')} is missing or empty`);
    return deny('MissingKey', 'missing-key-pair-id', `${label('Key-Pair-Id')} is missing or empty`);
  }
  facts.keyPairId = keyPairId;
  const key = input.trustedKeys.get(keyPairId);
  if (!key) {
    const known = [...input.trustedKeys.keys()].join(', ') || 'none';
    const detail = `key pair ID "${keyPairId.slice(0, 64)}" is not in the trusted key group (trusted: ${known})`;
    check('key-pair-id', false, detail);
    return deny('InvalidKey', 'unknown-key-pair-id', detail);
  }
  pass('key-pair-id', () => `key pair ID ${keyPairId} is trusted`);

  const hashText = get('Hash-Algorithm');
  if (hashText !== undefined && hashText !== 'SHA1' && hashText !== 'SHA256') {
    const detail = `${label('Hash-Algorithm')} is "${hashText.slice(0, 20)}"; CloudFront accepts SHA1 or SHA256`;
    check('hash-algorithm', false, detail);
    return deny('AccessDenied', 'unsupported-hash-algorithm', detail);
  }
  const hashAlgorithm: HashAlgorithm = hashText === 'SHA256' ? 'SHA256' : 'SHA1';
  facts.hashAlgorithm = hashAlgorithm;

  const matchedUrl = urlSigned ? stripSigningParams(input.url) : input.url;
  facts.matchedUrl = matchedUrl;
  const policyText = get('Policy');
  const expiresText = get('Expires');
  let signedBytes: Buffer;
  let policy: ParsedPolicy;
  if (policyText !== undefined) {
    facts.policyType = 'custom';
    const entry = readPolicy(policyText);
    if ('error' in entry) {
      const detail = `${label('Policy')} ${entry.error}`;
      check('policy', false, detail);
      return deny('MalformedPolicy', 'malformed-policy', detail);
    }
    policy = entry.policy;
    signedBytes = entry.bytes;
  } else if (expiresText !== undefined) {
    facts.policyType = 'canned';
    if (!/^\d{1,15}$/.test(expiresText)) {
      check('policy', false, `${label('Expires')} is not whole epoch seconds`);
      return deny('AccessDenied', 'malformed-policy', `${label('Expires')} is not whole epoch seconds`);
    }
    const expires = Number(expiresText);
    const json = buildCannedPolicy(matchedUrl, expires);
    policy = { resource: matchedUrl, expires, json };
    signedBytes = Buffer.from(json, 'utf8');
  } else {
    const detail = urlSigned
      ? 'the URL has neither a Policy nor an Expires parameter'
      : 'neither a CloudFront-Policy nor a CloudFront-Expires cookie was sent';
    check('policy', false, detail);
    return deny('AccessDenied', 'missing-policy', detail);
  }
  facts.policy = policy;
  pass('policy', () => `${facts.policyType} policy read (${hashAlgorithm})`);

  // From here on the checks are independent. CloudFront answers with the first failure; inspect
  // (explain) goes on and lists every failing check, so one run shows everything that is wrong.
  let first: VerifyExplained | undefined;
  const fail = (name: string, reason: DenyReason, detail: string): boolean => {
    check(name, false, detail);
    first ??= deny(reason === 'malformed-signature' ? 'MalformedSignature' : 'AccessDenied', reason, detail);
    return !explain;
  };

  const signatureText = get('Signature');
  // The cache key must name the signed bytes: a custom policy's JSON text does not (bytes that are
  // not UTF-8 read as U+FFFD, like a real U+FFFD), its cookie/parameter text does. A canned policy's
  // bytes are its JSON; no CloudFront base64 text holds the "{" every JSON starts with.
  const signedText = policyText ?? policy.json;
  const verdict = signatureText
    ? verifySignature(
        key,
        hashAlgorithm,
        signedBytes,
        signatureText,
        `${hashAlgorithm}\n${signatureText}\n${signedText}`,
      )
    : 'missing';
  if (verdict === 'missing') {
    if (fail('signature', 'missing-signature', `${label('Signature')} is missing or empty`)) return first!;
  } else if (verdict === 'malformed') {
    if (fail('signature', 'malformed-signature', `${label('Signature')} is not CloudFront base64`))
      return first!;
  } else if (verdict === 'bad') {
    const kind = key.asymmetricKeyType === 'ec' ? 'ECDSA P-256' : 'RSA';
    const detail = `the signature does not verify with key ${keyPairId} (${kind}, ${hashAlgorithm}): the policy, signature, key pair ID or hash algorithm was changed, or another private key signed it`;
    if (fail('signature', 'bad-signature', detail)) return first!;
  } else pass('signature', () => `signature verifies with key ${keyPairId} (${hashAlgorithm})`);

  // After the signature, so a tampered policy is a bad signature first.
  const valueProblem = policyValueProblem(policy, urlSigned);
  if (valueProblem && fail('policy-values', 'malformed-policy', valueProblem)) return first!;

  if (!(input.now < policy.expires)) {
    const detail = `expired at ${iso(policy.expires)} (DateLessThan), now is ${iso(input.now)}`;
    if (fail('expiry', 'expired', detail)) return first!;
  } else pass('expiry', () => `valid until ${iso(policy.expires)}`);
  const notBefore = policy.notBefore;
  if (notBefore !== undefined) {
    if (!(input.now > notBefore)) {
      const detail = `not valid before ${iso(notBefore)} (DateGreaterThan), now is ${iso(input.now)}`;
      if (fail('start', 'not-yet-valid', detail)) return first!;
    } else pass('start', () => `valid since ${iso(notBefore)}`);
  }

  const resource = policy.resource;
  if (resource !== undefined) {
    if (!matchResource(resource, matchedUrl)) {
      const detail = `the resource "${resource}" does not cover ${displayUrl(matchedUrl)}`;
      if (fail('resource', 'resource-mismatch', detail)) return first!;
    } else pass('resource', () => `the resource "${resource}" covers ${displayUrl(matchedUrl)}`);
  } else pass('resource', () => 'the policy has no Resource: any URL');

  const sourceIp = policy.sourceIp;
  if (sourceIp !== undefined) {
    const ip = parseIp(input.clientIp);
    if (!ip || !ipInCidr(ip, parseCidr(sourceIp)!)) {
      const detail = ip
        ? `client IP ${input.clientIp} is outside ${sourceIp}`
        : `client IP "${input.clientIp.slice(0, 45)}" is not an IP address, so it is not inside ${sourceIp}`;
      if (fail('ip', 'ip-mismatch', detail)) return first!;
    } else pass('ip', () => `client IP ${input.clientIp} is inside ${sourceIp}`);
  }

  if (first) return first;
  return { result: { allow: true, via, keyPairId, policy: policy.json }, facts };
}

/**
 * What the custom-policy pages forbid (src/cloudfront/aws-rules.ts): an IPv6 IpAddress (signed URLs
 * and cookies), and for cookies a Resource that does not begin with http:// or https:// (signed URLs
 * may also use *://). Either may omit Resource and then covers every URL
 * (signed-policy/cookie-resource-optional). The pages do not say what CloudFront answers; the
 * verifier answers AccessDenied.
 */
function policyValueProblem(policy: ParsedPolicy, urlSigned: boolean): string | undefined {
  const resource = policy.resource;
  const schemes = COOKIE_POLICY_RESOURCE_SCHEMES.value;
  if (!urlSigned && resource !== undefined && !schemes.some((s) => resource.toLowerCase().startsWith(s)))
    return `the cookie policy's Resource must begin with ${schemes.join(' or ')} (${COOKIE_POLICY_RESOURCE_SCHEMES.id})`;
  const ipRule = urlSigned ? SIGNED_URL_IP_IPV4_ONLY : COOKIE_POLICY_IP_IPV4_ONLY;
  if (ipRule.value && policy.sourceIp !== undefined && parseCidr(policy.sourceIp)?.family === 6)
    return `the policy's IpAddress is IPv6, which CloudFront does not support there (${ipRule.id})`;
  return undefined;
}

/**
 * CloudFront's decision for one request: allow, or 403 with its XML body and code, plus our reason.
 *
 * @example verifyRequest({ url, clientIp: '192.0.2.1', cookies, trustedKeys: new Map([['K1', publicKey]]), now: Math.floor(Date.now() / 1000) })
 */
export function verifyRequest(input: VerifyInput): VerifyResult {
  return evaluate(input, false).result;
}

function iso(epoch: number): string {
  const d = new Date(epoch * 1000);
  return Number.isNaN(d.getTime()) ? `${epoch}` : d.toISOString().replace('.000Z', 'Z');
}

function displayUrl(url: string): string {
  return url.length > 300 ? `${url.slice(0, 300)}…` : url;
}

/**
 * The trusted key group as verifyRequest wants it, from key pair ID → public key PEM. Parse once at
 * start-up and reuse the map: the KeyObjects also carry the verified-signature cache.
 */
export function trustedKeysFromPem(
  pems: Record<string, string> | Iterable<[string, string]>,
): Map<string, KeyObject> {
  const entries =
    Symbol.iterator in Object(pems) ? [...(pems as Iterable<[string, string]>)] : Object.entries(pems);
  return new Map(entries.map(([id, pem]) => [id, parsePublicKeyPem(pem, { source: `public key ${id}` })]));
}
