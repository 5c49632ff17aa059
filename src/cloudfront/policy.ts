import { decodeCloudFrontBase64, encodeCloudFrontBase64 } from './base64';
import { parseCidr } from './ip';
import type { PolicyInput } from './types';

export type PolicyErrorCode =
  | 'ERR_POLICY_INPUT'
  | 'ERR_POLICY_BASE64'
  | 'ERR_POLICY_JSON'
  | 'ERR_POLICY_SHAPE'
  | 'ERR_POLICY_STATEMENT_COUNT'
  | 'ERR_POLICY_RESOURCE'
  | 'ERR_POLICY_MISSING_DATE_LESS_THAN'
  | 'ERR_POLICY_EPOCH'
  | 'ERR_POLICY_UNKNOWN_CONDITION'
  | 'ERR_POLICY_IP';

/** A policy that cannot be built or parsed; `code` says which rule failed. */
export class PolicyError extends Error {
  constructor(
    readonly code: PolicyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PolicyError';
  }
}

/** A custom policy's single statement, as read back from a cookie or URL. Times are epoch seconds. */
export interface ParsedPolicy {
  /** Absent only in signed-URL policies, where CloudFront then allows any URL. */
  resource?: string;
  expires: number;
  notBefore?: number;
  /** Canonical `address/prefix`. */
  sourceIp?: string;
  /** The decoded JSON text, exactly the bytes that were signed. */
  json: string;
}

// CloudFront documents epoch seconds; anything past 2^53 cannot be an exact JSON number anyway.
const isEpoch = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

/**
 * Builds a CloudFront custom policy: one statement, DateLessThan always, DateGreaterThan and
 * IpAddress when given, serialized without whitespace (the exact bytes that get signed).
 * A bare IP address becomes a single-host CIDR. Throws PolicyError (ERR_POLICY_INPUT) on bad input.
 *
 * @example buildPolicy({ resource: 'https://d111111abcdef8.cloudfront.net/media/*', expires: 1767290400 })
 */
export function buildPolicy(input: PolicyInput): string {
  const { resource, expires, notBefore, sourceIp } = input;
  if (typeof resource !== 'string' || resource.length === 0)
    throw new PolicyError('ERR_POLICY_INPUT', 'resource must be a non-empty URL');
  if (!isEpoch(expires)) throw new PolicyError('ERR_POLICY_INPUT', 'expires must be whole epoch seconds');
  if (notBefore !== undefined && !isEpoch(notBefore))
    throw new PolicyError('ERR_POLICY_INPUT', 'notBefore must be whole epoch seconds');
  if (notBefore !== undefined && notBefore >= expires)
    throw new PolicyError('ERR_POLICY_INPUT', 'notBefore must be earlier than expires');
  const condition: Record<string, unknown> = { DateLessThan: { 'AWS:EpochTime': expires } };
  if (notBefore !== undefined) condition.DateGreaterThan = { 'AWS:EpochTime': notBefore };
  if (sourceIp !== undefined) {
    const cidr = parseCidr(sourceIp, { allowBare: true });
    if (!cidr)
      throw new PolicyError('ERR_POLICY_INPUT', `sourceIp "${sourceIp}" is not an IPv4/IPv6 address or CIDR`);
    condition.IpAddress = { 'AWS:SourceIp': cidr.text };
  }
  return JSON.stringify({ Statement: [{ Resource: resource, Condition: condition }] });
}

/** The canned policy CloudFront rebuilds from a URL and its Expires value (what a canned signature signs). */
export function buildCannedPolicy(resource: string, expires: number): string {
  return JSON.stringify({
    Statement: [{ Resource: resource, Condition: { DateLessThan: { 'AWS:EpochTime': expires } } }],
  });
}

/** buildPolicy, then CloudFront base64: the `CloudFront-Policy` cookie / `Policy` parameter value. */
export function encodePolicy(input: PolicyInput): string {
  return encodeCloudFrontBase64(buildPolicy(input));
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function epochOf(condition: Record<string, unknown>, name: string): number {
  const block = condition[name];
  if (!isObject(block)) throw new PolicyError('ERR_POLICY_SHAPE', `${name} must be an object`);
  const keys = Object.keys(block);
  if (keys.length !== 1 || keys[0] !== 'AWS:EpochTime')
    throw new PolicyError('ERR_POLICY_SHAPE', `${name} must hold exactly "AWS:EpochTime"`);
  const value = block['AWS:EpochTime'];
  if (!isEpoch(value))
    throw new PolicyError('ERR_POLICY_EPOCH', `${name} AWS:EpochTime must be a non-negative integer`);
  return value;
}

/**
 * Parses a policy's JSON text strictly (the rules CloudFront documents for custom policies).
 * Throws PolicyError with a distinct code for each broken rule.
 */
export function parsePolicyJson(json: string): ParsedPolicy {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    throw new PolicyError('ERR_POLICY_JSON', 'policy is not valid JSON');
  }
  if (!isObject(doc) || !Array.isArray(doc.Statement))
    throw new PolicyError('ERR_POLICY_SHAPE', 'policy must be an object with a "Statement" list');
  if (Object.keys(doc).length !== 1)
    throw new PolicyError('ERR_POLICY_SHAPE', 'policy has keys other than "Statement"');
  if (doc.Statement.length !== 1)
    throw new PolicyError(
      'ERR_POLICY_STATEMENT_COUNT',
      `policy must have exactly one statement, it has ${doc.Statement.length}`,
    );
  const statement = doc.Statement[0];
  if (!isObject(statement)) throw new PolicyError('ERR_POLICY_SHAPE', 'the statement must be an object');
  for (const key of Object.keys(statement))
    if (key !== 'Resource' && key !== 'Condition')
      throw new PolicyError('ERR_POLICY_SHAPE', `the statement has an unknown key "${key.slice(0, 40)}"`);
  const resource = statement.Resource;
  if (resource !== undefined && (typeof resource !== 'string' || resource.length === 0))
    throw new PolicyError('ERR_POLICY_RESOURCE', 'Resource must be a non-empty string');
  const condition = statement.Condition;
  if (!isObject(condition))
    throw new PolicyError('ERR_POLICY_MISSING_DATE_LESS_THAN', 'the statement has no Condition');
  for (const key of Object.keys(condition))
    if (key !== 'DateLessThan' && key !== 'DateGreaterThan' && key !== 'IpAddress')
      throw new PolicyError('ERR_POLICY_UNKNOWN_CONDITION', `unknown condition "${key.slice(0, 40)}"`);
  if (!('DateLessThan' in condition))
    throw new PolicyError('ERR_POLICY_MISSING_DATE_LESS_THAN', 'Condition has no DateLessThan');
  const policy: ParsedPolicy = { expires: epochOf(condition, 'DateLessThan'), json };
  if (resource !== undefined) policy.resource = resource;
  if ('DateGreaterThan' in condition) policy.notBefore = epochOf(condition, 'DateGreaterThan');
  if ('IpAddress' in condition) {
    const block = condition.IpAddress;
    if (!isObject(block) || Object.keys(block).length !== 1 || typeof block['AWS:SourceIp'] !== 'string')
      throw new PolicyError('ERR_POLICY_IP', 'IpAddress must hold exactly "AWS:SourceIp" as a string');
    const cidr = parseCidr(block['AWS:SourceIp']);
    if (!cidr) throw new PolicyError('ERR_POLICY_IP', 'AWS:SourceIp is not an IPv4 or IPv6 CIDR');
    policy.sourceIp = cidr.text;
  }
  return policy;
}

/**
 * Parses a `CloudFront-Policy` cookie or `Policy` query value: CloudFront base64, then strict JSON.
 * Throws PolicyError (ERR_POLICY_BASE64, ERR_POLICY_JSON, ERR_POLICY_STATEMENT_COUNT, …).
 */
export function parsePolicy(encoded: string): ParsedPolicy {
  let bytes: Buffer;
  try {
    bytes = decodeCloudFrontBase64(encoded);
  } catch (error) {
    throw new PolicyError(
      'ERR_POLICY_BASE64',
      `policy is not CloudFront base64: ${(error as Error).message}`,
    );
  }
  const json = bytes.toString('utf8');
  // A replacement character means the bytes were not UTF-8: the JSON CloudFront reads is not what was signed.
  if (json.includes('\uFFFD') && !bytes.equals(Buffer.from(json, 'utf8')))
    throw new PolicyError('ERR_POLICY_JSON', 'policy is not UTF-8 text');
  return parsePolicyJson(json);
}

/** parsePolicy as a value: `{ ok: true, policy }` or `{ ok: false, error }`. */
export function tryParsePolicy(
  encoded: string,
): { ok: true; policy: ParsedPolicy } | { ok: false; error: PolicyError } {
  try {
    return { ok: true, policy: parsePolicy(encoded) };
  } catch (error) {
    if (error instanceof PolicyError) return { ok: false, error };
    throw error;
  }
}
