import { createPrivateKey, createPublicKey, verify } from 'node:crypto';
import { PolicyError } from '../../src/cloudfront/policy';
import { SignError, signCookies } from '../../src/cloudfront/signer';
import type { SignCookiesInput } from '../../src/cloudfront/types';
import { opensslKeys, PASSPHRASE } from '../keys/openssl-fixtures';

/**
 * The signed cookies CloudFront reads (Developer Guide, "Set signed cookies using a custom
 * policy"): CloudFront-Policy, CloudFront-Signature, CloudFront-Key-Pair-Id, and with SHA256 a
 * fourth, CloudFront-Hash-Algorithm=SHA256. Signatures are checked with node:crypto; the policy
 * JSON is written out by hand.
 */
const keys = opensslKeys();
const RSA = keys.text('rsa-2048.pkcs8.key.pem');
const RSA_PUB = createPublicKey(keys.text('rsa-2048.pub.pem'));
const EC = keys.text('ecdsa-p256.pkcs8.key.pem');
const EC_PUB = createPublicKey(keys.text('ecdsa-p256.pub.pem'));
const ENCRYPTED = keys.text('ecdsa-p256.sec1-encrypted.key.pem');

// CloudFront's URL-safe base64: + → -, = → _, / → ~.
const fromCloudFrontBase64 = (s: string) =>
  Buffer.from(
    s.replace(/[-_~]/g, (c) => ({ '-': '+', _: '=', '~': '/' })[c]!),
    'base64',
  );
const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
};

const input = (over: Partial<SignCookiesInput> = {}): SignCookiesInput => ({
  resource: 'https://d111111abcdef8.cloudfront.net/media/course-42/*',
  expires: 2_000_000_000,
  keyPairId: 'K2JCJMDEHXQW5F',
  privateKey: RSA,
  ...over,
});
const POLICY =
  '{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/media/course-42/*","Condition":{"DateLessThan":{"AWS:EpochTime":2000000000}}}]}';
const signs = (cookies: Record<string, string>, policy: string, pub = RSA_PUB, hash = 'sha1') =>
  verify(hash, Buffer.from(policy), pub, fromCloudFrontBase64(cookies['CloudFront-Signature']!));

describe('signCookies', () => {
  it('by default gives exactly the three SHA1 cookies, signed over the policy they carry', () => {
    const cookies = signCookies(input());
    expect(Object.keys(cookies).sort()).toEqual([
      'CloudFront-Key-Pair-Id',
      'CloudFront-Policy',
      'CloudFront-Signature',
    ]);
    expect(cookies['CloudFront-Key-Pair-Id']).toBe('K2JCJMDEHXQW5F');
    expect(fromCloudFrontBase64(cookies['CloudFront-Policy']!).toString()).toBe(POLICY);
    expect(signs(cookies, POLICY)).toBe(true);
  });

  it('with SHA256 adds CloudFront-Hash-Algorithm=SHA256 and signs with SHA-256, not SHA-1', () => {
    for (const [privateKey, pub] of [
      [RSA, RSA_PUB],
      [EC, EC_PUB],
    ] as const) {
      const cookies = signCookies(input({ privateKey, hashAlgorithm: 'SHA256' }));
      expect(cookies['CloudFront-Hash-Algorithm']).toBe('SHA256');
      expect(Object.keys(cookies)).toHaveLength(4);
      expect(signs(cookies, POLICY, pub, 'sha256')).toBe(true);
      expect(signs(cookies, POLICY, pub, 'sha1')).toBe(false);
    }
  });

  it('with SHA1 named explicitly sends no CloudFront-Hash-Algorithm cookie', () => {
    const cookies = signCookies(input({ privateKey: EC, hashAlgorithm: 'SHA1' }));
    expect(cookies['CloudFront-Hash-Algorithm']).toBeUndefined();
    expect(signs(cookies, POLICY, EC_PUB, 'sha1')).toBe(true);
  });

  it('binds the cookies to an IPv4 address or range and a start time', () => {
    const cookies = signCookies(input({ sourceIp: '192.0.2.0/24', notBefore: 1_900_000_000 }));
    const policy =
      '{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/media/course-42/*","Condition":{"DateLessThan":{"AWS:EpochTime":2000000000},"DateGreaterThan":{"AWS:EpochTime":1900000000},"IpAddress":{"AWS:SourceIp":"192.0.2.0/24"}}}]}';
    expect(fromCloudFrontBase64(cookies['CloudFront-Policy']!).toString()).toBe(policy);
    expect(signs(cookies, policy)).toBe(true);
  });

  it('refuses an IPv6 address, citing the AWS cookie page that says IPv6 is not supported', () => {
    const error = thrown(() => signCookies(input({ sourceIp: '2001:db8::1' })));
    expect(error).toBeInstanceOf(SignError);
    expect((error as Error).message).toBe(
      'signed cookies take an IPv4 address or range only (signed-policy/ip-address-ipv4 (Amazon CloudFront Developer Guide, "Set signed cookies using a custom policy", section "Values that you specify in the policy statement for a custom policy for signed cookies (IpAddress)"))',
    );
  });

  it('passes on the policy error for a source IP that is no address at all', () => {
    const error = thrown(() => signCookies(input({ sourceIp: 'not-an-ip' })));
    expect(error).toBeInstanceOf(PolicyError);
    expect(error).toMatchObject({
      code: 'ERR_POLICY_INPUT',
      message: 'sourceIp "not-an-ip" is not an IPv4/IPv6 address or CIDR',
    });
  });

  it('signs with a KeyObject, and with an encrypted key given its passphrase', () => {
    expect(signs(signCookies(input({ privateKey: createPrivateKey(EC) })), POLICY, EC_PUB)).toBe(true);
    expect(signs(signCookies(input({ privateKey: ENCRYPTED, passphrase: PASSPHRASE })), POLICY, EC_PUB)).toBe(
      true,
    );
  });

  it.each([
    [
      'an encrypted key without its passphrase',
      { privateKey: ENCRYPTED },
      'the private key is encrypted and no passphrase was given',
    ],
    [
      'an encrypted key with a wrong passphrase',
      { privateKey: ENCRYPTED, passphrase: 'wrong' },
      'wrong passphrase for the private key',
    ],
    [
      'a file that holds a certificate',
      { privateKey: keys.text('certificate.pem') },
      'the private key could not be read',
    ],
    ['a public KeyObject', { privateKey: EC_PUB }, 'ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE'],
  ])('names the problem with %s in a SignError (ERR_SIGN)', (_what, over, problem) => {
    const error = thrown(() => signCookies(input(over)));
    expect(error).toBeInstanceOf(SignError);
    expect(error).toMatchObject({
      name: 'SignError',
      code: 'ERR_SIGN',
      message: `signing failed: ${problem}`,
    });
  });
});
