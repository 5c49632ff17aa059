import type { KeyObject } from 'node:crypto';
import { getSignedCookies, getSignedUrl } from '@aws-sdk/cloudfront-signer';
import { type AwsRule, COOKIE_POLICY_IP_IPV4_ONLY, citeRule, SIGNED_URL_IP_IPV4_ONLY } from './aws-rules';
import { parseIp } from './ip';
import { buildPolicy } from './policy';
import type { CloudFrontCookies, CookieAttributes, HashAlgorithm, SignCookiesInput } from './types';
import { stripSigningParams } from './verifier';

/** A signing request the SDK or our own checks refuse (bad time, bad CIDR, canned + conditions). */
export class SignError extends Error {
  readonly code = 'ERR_SIGN';
  constructor(message: string) {
    super(message);
    this.name = 'SignError';
  }
}

/** PEM text, or a KeyObject parsed once (much faster when signing many cookies: no PEM parse per call). */
export type SigningKey = string | KeyObject;

// The SDK types say string | Buffer, but it hands the key straight to node:crypto's sign(),
// which also takes a KeyObject; that skips a PEM parse per signature.
const sdkKey = (key: SigningKey) => key as unknown as string;

/** CloudFront's custom-policy pages: IPv6 in IpAddress "is not supported" (aws-rules). */
function refuseIpv6(sourceIp: string | undefined, rule: AwsRule<boolean>, what: string): void {
  if (rule.value && sourceIp !== undefined && parseIp(sourceIp.split('/')[0]!)?.family === 6)
    throw new SignError(`${what} take an IPv4 address or range only (${citeRule(rule)})`);
}

/**
 * Signs CloudFront cookies with a custom policy that we build (the SDK silently falls back to a
 * canned policy, which cannot hold wildcards, unless it is handed one). With hashAlgorithm SHA256
 * a fourth cookie `CloudFront-Hash-Algorithm=SHA256` tells CloudFront which digest was signed.
 *
 * @example signCookies({ resource: 'https://d111.cloudfront.net/media/*', expires, keyPairId: 'K2JCJMDEHXQW5F', privateKey: pem })
 */
export function signCookies(input: SignCookiesInput): CloudFrontCookies {
  // The verifier refuses these too (cookiePolicyProblem); refusing here keeps a signer from
  // handing out cookies CloudFront will not honour.
  refuseIpv6(input.sourceIp, COOKIE_POLICY_IP_IPV4_ONLY, 'signed cookies');
  const policy = buildPolicy(input);
  let signed: ReturnType<typeof getSignedCookies>;
  try {
    signed = getSignedCookies({
      policy,
      keyPairId: input.keyPairId,
      privateKey: sdkKey(input.privateKey),
      passphrase: input.passphrase,
      algorithm: input.hashAlgorithm ?? 'SHA1',
    });
  } catch (error) {
    throw new SignError(`signing failed: ${describeCryptoError(error)}`);
  }
  const cookies: CloudFrontCookies = {
    'CloudFront-Policy': signed['CloudFront-Policy']!,
    'CloudFront-Signature': signed['CloudFront-Signature'],
    'CloudFront-Key-Pair-Id': signed['CloudFront-Key-Pair-Id'],
  };
  if (input.hashAlgorithm === 'SHA256') cookies['CloudFront-Hash-Algorithm'] = 'SHA256';
  return cookies;
}

export interface SignUrlInput {
  url: string;
  keyPairId: string;
  privateKey: SigningKey;
  passphrase?: string;
  /** canned: Expires only, the URL itself is the resource. custom: our policy (wildcards, IP, start time). */
  policy: 'canned' | 'custom';
  /** Epoch seconds. */
  expires: number;
  notBefore?: number;
  sourceIp?: string;
  /** Custom policies only: the Resource to sign (may hold wildcards); defaults to the URL. */
  resource?: string;
  hashAlgorithm?: HashAlgorithm;
}

/**
 * Signs a URL. Canned: `Expires`, `Signature`, `Key-Pair-Id`; custom: `Policy` instead of `Expires`.
 * SHA256 adds `Hash-Algorithm=SHA256`. The SDK percent-encodes the URL's path and query first.
 */
export function signUrl(input: SignUrlInput): string {
  const algorithm = input.hashAlgorithm ?? 'SHA1';
  if (!Number.isSafeInteger(input.expires) || input.expires < 0)
    throw new SignError('expires must be whole epoch seconds');
  refuseIpv6(input.sourceIp, SIGNED_URL_IP_IPV4_ONLY, 'signed URLs');
  try {
    if (input.policy === 'canned') {
      if (input.notBefore !== undefined || input.sourceIp !== undefined || input.resource !== undefined)
        throw new SignError(
          'a canned policy holds only an expiry: use a custom policy for a start time, IP or resource',
        );
      return getSignedUrl({
        url: input.url,
        keyPairId: input.keyPairId,
        privateKey: sdkKey(input.privateKey),
        passphrase: input.passphrase,
        algorithm,
        // The SDK reads a number as milliseconds (new Date(n)): hand it a Date.
        dateLessThan: new Date(input.expires * 1000),
      });
    }
    const sign = (resource: string) =>
      getSignedUrl({
        url: input.url,
        policy: buildPolicy({
          resource,
          expires: input.expires,
          notBefore: input.notBefore,
          sourceIp: input.sourceIp,
        }),
        keyPairId: input.keyPairId,
        privateKey: sdkKey(input.privateKey),
        passphrase: input.passphrase,
        algorithm,
      });
    if (input.resource !== undefined) return sign(input.resource);
    // The SDK percent-encodes the URL it returns (a space becomes %20); the default resource must be
    // that URL, the one CloudFront will see, or the policy would not cover it.
    const first = sign(input.url);
    const base = stripSigningParams(first);
    return base === input.url ? first : sign(base);
  } catch (error) {
    if (error instanceof SignError || (error as { code?: string }).code?.startsWith('ERR_POLICY'))
      throw error;
    throw new SignError(`signing failed: ${describeCryptoError(error)}`);
  }
}

function describeCryptoError(error: unknown): string {
  const e = error as { code?: string; message?: string };
  // Node raises ERR_MISSING_PASSPHRASE for an encrypted DER key; for encrypted PEM text (what we pass)
  // OpenSSL 3 reports the passphrase callback's refusal as "interrupted or cancelled".
  if (e.code === 'ERR_MISSING_PASSPHRASE' || e.code === 'ERR_OSSL_CRYPTO_INTERRUPTED_OR_CANCELLED')
    return 'the private key is encrypted and no passphrase was given';
  if (e.message && /bad decrypt/i.test(e.message)) return 'wrong passphrase for the private key';
  if (e.message && /unsupported|DECODER|PEM|asn1/i.test(e.message))
    return 'the private key could not be read';
  return e.code ?? (e.message ? e.message.slice(0, 120) : 'unknown error');
}

// RFC 6265 cookie-name token and cookie-octet sets.
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const COOKIE_VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;
const ATTR_VALUE = /^[\x20-\x3A\x3C-\x7E]+$/;

function renderAttributes(attrs: CookieAttributes): string {
  const parts: string[] = [];
  const path = attrs.path ?? '/';
  if (!ATTR_VALUE.test(path)) throw new SignError('cookie Path has a forbidden character');
  parts.push(`Path=${path}`);
  if (attrs.domain !== undefined) {
    if (!/^\.?[A-Za-z0-9.-]+$/.test(attrs.domain)) throw new SignError('cookie Domain is not a host name');
    parts.push(`Domain=${attrs.domain}`);
  }
  if (attrs.expires !== undefined) parts.push(`Expires=${attrs.expires.toUTCString()}`);
  if (attrs.maxAge !== undefined) {
    if (!Number.isInteger(attrs.maxAge)) throw new SignError('cookie Max-Age must be whole seconds');
    parts.push(`Max-Age=${attrs.maxAge}`);
  }
  if (attrs.secure ?? true) parts.push('Secure');
  if (attrs.httpOnly ?? true) parts.push('HttpOnly');
  const sameSite = attrs.sameSite ?? 'Lax';
  // Browsers drop SameSite=None cookies that are not Secure.
  if (sameSite === 'None' && !(attrs.secure ?? true)) throw new SignError('SameSite=None requires Secure');
  parts.push(`SameSite=${sameSite}`);
  return parts.join('; ');
}

/**
 * Renders one `Set-Cookie` header value. Defaults: Path=/, Secure, HttpOnly, SameSite=Lax; Domain,
 * Expires and Max-Age only when given (AWS recommends session cookies for signed cookies).
 */
export function renderSetCookie(name: string, value: string, attrs: CookieAttributes = {}): string {
  if (!COOKIE_NAME.test(name)) throw new SignError('cookie name has a forbidden character');
  if (!COOKIE_VALUE.test(value)) throw new SignError(`cookie ${name} has a forbidden character in its value`);
  return `${name}=${value}; ${renderAttributes(attrs)}`;
}

/** One `Set-Cookie` value per cookie, in the order given. */
export function renderSetCookies(cookies: CloudFrontCookies, attrs: CookieAttributes = {}): string[] {
  return Object.entries(cookies).map(([name, value]) => renderSetCookie(name, value, attrs));
}

/**
 * A `Set-Cookie` that deletes a cookie (logout). Path and Domain must equal the ones it was set
 * with, or the browser keeps the original.
 */
export function renderExpiredCookie(name: string, attrs: CookieAttributes = {}): string {
  return renderSetCookie(name, '', { ...attrs, expires: new Date(0), maxAge: 0 });
}

/** The names of all CloudFront signed-cookie variants, for logout. */
export const CLOUDFRONT_COOKIE_NAMES = [
  'CloudFront-Policy',
  'CloudFront-Signature',
  'CloudFront-Key-Pair-Id',
  'CloudFront-Expires',
  'CloudFront-Hash-Algorithm',
] as const;
