/**
 * The contract of the CloudFront core (issue 2). Other parts (login, local edge, CLI) code
 * against these types; the implementations live in policy.ts, wildcard.ts, signer.ts,
 * verifier.ts and base64.ts beside this file.
 */
import type { KeyObject } from 'node:crypto';

export type HashAlgorithm = 'SHA1' | 'SHA256';

/** The conditions of CloudFront's single policy statement. Times are epoch seconds. */
export interface PolicyInput {
  resource: string;
  /** AWS:EpochTime for DateLessThan (required by CloudFront). */
  expires: number;
  /** AWS:EpochTime for DateGreaterThan. */
  notBefore?: number;
  /** AWS:SourceIp, an IPv4 or IPv6 CIDR (a bare address means /32 or /128). */
  sourceIp?: string;
}

/** What signCookies needs: always a custom policy, built by us. */
export interface SignCookiesInput extends PolicyInput {
  keyPairId: string;
  /**
   * PEM text of an RSA-2048 or ECDSA P-256 private key (what @aws-sdk/cloudfront-signer takes), or
   * a KeyObject parsed once (from loadPrivateKey / parsePrivateKeyPem): no PEM parse per signature.
   */
  privateKey: string | KeyObject;
  passphrase?: string;
  hashAlgorithm?: HashAlgorithm;
}

/** Cookie name → value, e.g. { 'CloudFront-Policy': …, 'CloudFront-Signature': …, 'CloudFront-Key-Pair-Id': … }. */
export type CloudFrontCookies = Record<string, string>;

export interface CookieAttributes {
  path?: string;
  domain?: string;
  secure?: boolean;
  httpOnly?: boolean;
  sameSite?: 'Strict' | 'Lax' | 'None';
  /** Seconds; omitted means a session cookie. */
  maxAge?: number;
  expires?: Date;
}

/** The reasons we record for a denial; CloudFront itself only says MissingKey, InvalidKey or AccessDenied. */
export type DenyReason =
  | 'missing-key-pair-id'
  | 'unknown-key-pair-id'
  | 'missing-policy'
  | 'missing-signature'
  | 'malformed-policy'
  | 'malformed-signature'
  | 'bad-signature'
  | 'expired'
  | 'not-yet-valid'
  | 'resource-mismatch'
  | 'ip-mismatch'
  | 'unsupported-hash-algorithm';

/**
 * CloudFront's 403 codes for signed requests. MissingKey, InvalidKey and AccessDenied are the
 * documented three; CloudFront also answers MalformedSignature ("Could not unencode Signature")
 * and MalformedPolicy ("Malformed Policy") when those values cannot be decoded, as observed on
 * live distributions.
 */
export type CloudFrontErrorCode =
  | 'MissingKey'
  | 'InvalidKey'
  | 'AccessDenied'
  | 'MalformedSignature'
  | 'MalformedPolicy';

export interface VerifyInput {
  /** The full requested URL as CloudFront sees it: https://host/path?query */
  url: string;
  clientIp: string;
  /** Parsed request cookies (name → value; first occurrence wins, as browsers send the most specific path first). */
  cookies: Record<string, string>;
  /** Trusted public keys: key pair ID → public key. */
  trustedKeys: ReadonlyMap<string, KeyObject>;
  /** Epoch seconds. */
  now: number;
}

export type VerifyResult =
  | { allow: true; via: 'signed-url' | 'cookies'; keyPairId: string; policy: string }
  | {
      allow: false;
      status: 403;
      code: CloudFrontErrorCode;
      /** CloudFront's message for the code, e.g. "Access denied". */
      message: string;
      /** The XML body CloudFront returns. */
      body: string;
      reason: DenyReason;
      /** Plain-words detail for operators (never contains key material or full signatures). */
      detail: string;
    };
