import { createPublicKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { encodeCloudFrontBase64 } from '../../src/cloudfront/base64';
import type { HashAlgorithm, VerifyInput, VerifyResult } from '../../src/cloudfront/types';
import { opensslKeys } from '../keys/openssl-fixtures';

/**
 * Requests for the verifier tests (verifier-*.test.ts), signed by hand: the policy JSON is written
 * out as the guide shows it and signed with node:crypto over openssl's keys, so what the verifier
 * is asked about never comes from our own signer.
 */
export const keys = opensslKeys();
/** 2027-01-15T08:00:00Z (date -u -d @1800000000). */
export const NOW = 1_800_000_000;
export const HOST = 'https://d111111abcdef8.cloudfront.net';
export const RSA_ID = 'KRSA2048EXAMPLE';
export const EC_ID = 'KECDSAP256EXAMPLE';
export const trustedKeys = new Map<string, KeyObject>([
  [RSA_ID, createPublicKey(keys.text('rsa-2048.pub.pem'))],
  [EC_ID, createPublicKey(keys.text('ecdsa-p256.pub.pem'))],
]);
const PRIVATE_KEY_FILE: Record<string, string> = {
  [RSA_ID]: 'rsa-2048.pkcs8.key.pem',
  [EC_ID]: 'ecdsa-p256.pkcs8.key.pem',
};

/** The wildcard Resource most tests sign, and a segment under it. */
export const RESOURCE = `${HOST}/media/course-42/*`;
export const SEGMENT = `${HOST}/media/course-42/seg001.m4s`;

export const request = (over: Partial<VerifyInput>): VerifyInput => ({
  url: SEGMENT,
  clientIp: '192.0.2.10',
  cookies: {},
  trustedKeys,
  now: NOW,
  ...over,
});

export interface Signing {
  keyId?: string;
  hash?: HashAlgorithm;
}

/** The CloudFront-base64 signature of `bytes` with the private key of `keyId` (RSA by default). */
export function signatureOf(bytes: string | Buffer, { keyId = RSA_ID, hash = 'SHA1' }: Signing = {}): string {
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const digest = hash === 'SHA256' ? 'sha256' : 'sha1';
  return encodeCloudFrontBase64(cryptoSign(digest, data, keys.text(PRIVATE_KEY_FILE[keyId]!)));
}

/** A custom policy statement as the guide writes it, without whitespace. */
export function customPolicy(p: {
  resource?: string;
  expires?: number;
  notBefore?: number;
  sourceIp?: string;
}): string {
  const condition = [
    `"DateLessThan":{"AWS:EpochTime":${p.expires ?? NOW + 600}}`,
    ...(p.notBefore === undefined ? [] : [`"DateGreaterThan":{"AWS:EpochTime":${p.notBefore}}`]),
    ...(p.sourceIp === undefined ? [] : [`"IpAddress":{"AWS:SourceIp":"${p.sourceIp}"}`]),
  ].join(',');
  const resource = p.resource === undefined ? '' : `"Resource":"${p.resource}",`;
  return `{"Statement":[{${resource}"Condition":{${condition}}}]}`;
}

/** The canned policy CloudFront rebuilds from a URL and its Expires value (guide's canned-policy page). */
export const cannedPolicy = (url: string, expires: number) =>
  `{"Statement":[{"Resource":"${url}","Condition":{"DateLessThan":{"AWS:EpochTime":${expires}}}}]}`;

/** Signed cookies for a custom policy JSON. */
export function customCookies(json: string, signing: Signing = {}): Record<string, string> {
  const cookies: Record<string, string> = {
    'CloudFront-Policy': encodeCloudFrontBase64(json),
    'CloudFront-Signature': signatureOf(json, signing),
    'CloudFront-Key-Pair-Id': signing.keyId ?? RSA_ID,
  };
  if (signing.hash === 'SHA256') cookies['CloudFront-Hash-Algorithm'] = 'SHA256';
  return cookies;
}

/** `url` signed with a custom policy: Policy, Signature, Key-Pair-Id appended to its query. */
export function customUrl(url: string, json: string, signing: Signing = {}): string {
  const hash = signing.hash === 'SHA256' ? '&Hash-Algorithm=SHA256' : '';
  return `${url}${url.includes('?') ? '&' : '?'}Policy=${encodeCloudFrontBase64(json)}&Signature=${signatureOf(json, signing)}&Key-Pair-Id=${signing.keyId ?? RSA_ID}${hash}`;
}

/** `url` signed with a canned policy: Expires, Signature, Key-Pair-Id appended to its query. */
export function cannedUrl(url: string, expires: number, signing: Signing = {}): string {
  const hash = signing.hash === 'SHA256' ? '&Hash-Algorithm=SHA256' : '';
  return `${url}${url.includes('?') ? '&' : '?'}Expires=${expires}&Signature=${signatureOf(cannedPolicy(url, expires), signing)}&Key-Pair-Id=${signing.keyId ?? RSA_ID}${hash}`;
}

export type Denial = Extract<VerifyResult, { allow: false }>;

/** The refusal, after checking it is one (403). */
export function denial(result: VerifyResult): Denial {
  expect(result.allow).toBe(false);
  if (result.allow) throw new Error('allowed');
  expect(result.status).toBe(403);
  return result;
}
