import { createPrivateKey, createPublicKey, verify } from 'node:crypto';
import { PolicyError } from '../../src/cloudfront/policy';
import { SignError, type SignUrlInput, signUrl } from '../../src/cloudfront/signer';
import { opensslKeys, PASSPHRASE } from '../keys/openssl-fixtures';

/**
 * What a signed URL carries, read the way CloudFront reads it (Developer Guide, "Create a signed
 * URL using a canned policy" / "... using a custom policy"): canned URLs carry Expires, Signature
 * and Key-Pair-Id; custom URLs carry Policy instead of Expires; SHA256 adds Hash-Algorithm=SHA256.
 * Signatures are checked with node:crypto and the policy JSON is written out by hand.
 */
const keys = opensslKeys();
const RSA = keys.text('rsa-2048.pkcs8.key.pem');
const RSA_PUB = createPublicKey(keys.text('rsa-2048.pub.pem'));
const EC = keys.text('ecdsa-p256.pkcs8.key.pem');
const EC_PUB = createPublicKey(keys.text('ecdsa-p256.pub.pem'));
const ENCRYPTED = keys.text('rsa-2048.encrypted.key.pem');

// CloudFront's URL-safe base64: + → -, = → _, / → ~.
const fromCloudFrontBase64 = (s: string) =>
  Buffer.from(
    s.replace(/[-_~]/g, (c) => ({ '-': '+', _: '=', '~': '/' })[c]!),
    'base64',
  );
// CloudFront reads the parameters by name: their order does not matter.
const params = (url: string) => [...new URL(url).searchParams.keys()].sort();
const param = (url: string, name: string) => new URL(url).searchParams.get(name)!;
const signedBy = (url: string, signed: string, pub = RSA_PUB, hash = 'sha1') =>
  verify(hash, Buffer.from(signed), pub, fromCloudFrontBase64(param(url, 'Signature')));

/** The error a call throws (undefined when it returns), to check its class and message together. */
const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
};
const signError = (message: string) =>
  expect.objectContaining({ name: 'SignError', code: 'ERR_SIGN', message });

const URL_ = 'https://d111111abcdef8.cloudfront.net/media/course-42/index.m3u8';
const canned = (over: Partial<SignUrlInput> = {}): SignUrlInput => ({
  url: URL_,
  keyPairId: 'K2JCJMDEHXQW5F',
  privateKey: RSA,
  policy: 'canned',
  expires: 2_000_000_000,
  ...over,
});
const custom = (over: Partial<SignUrlInput> = {}) => canned({ policy: 'custom', ...over });
const CANNED_POLICY = `{"Statement":[{"Resource":"${URL_}","Condition":{"DateLessThan":{"AWS:EpochTime":2000000000}}}]}`;

describe('a canned signed URL', () => {
  it('carries Expires in epoch seconds, the Signature and the Key-Pair-Id, and no Policy', () => {
    const url = signUrl(canned());
    expect(url.startsWith(`${URL_}?`)).toBe(true);
    expect(params(url)).toEqual(['Expires', 'Key-Pair-Id', 'Signature']);
    expect(param(url, 'Expires')).toBe('2000000000');
    expect(param(url, 'Key-Pair-Id')).toBe('K2JCJMDEHXQW5F');
  });

  it('is signed with SHA1 over the canned policy CloudFront rebuilds from the URL and Expires', () => {
    const url = signUrl(canned());
    expect(signedBy(url, CANNED_POLICY)).toBe(true);
  });

  it('with SHA256 says Hash-Algorithm=SHA256 and is signed with SHA-256, not SHA-1', () => {
    const url = signUrl(canned({ hashAlgorithm: 'SHA256' }));
    expect(param(url, 'Hash-Algorithm')).toBe('SHA256');
    expect(signedBy(url, CANNED_POLICY, RSA_PUB, 'sha256')).toBe(true);
    expect(signedBy(url, CANNED_POLICY, RSA_PUB, 'sha1')).toBe(false);
  });

  it.each([
    ['a start time', { notBefore: 1_900_000_000 }],
    ['an IP address', { sourceIp: '192.0.2.1' }],
    ['a Resource other than the URL', { resource: 'https://d111111abcdef8.cloudfront.net/media/*' }],
  ])('refuses %s, which only a custom policy can hold', (_what, over) => {
    const error = thrown(() => signUrl(canned(over)));
    expect(error).toBeInstanceOf(SignError);
    expect(error).toEqual(
      signError('a canned policy holds only an expiry: use a custom policy for a start time, IP or resource'),
    );
  });
});

describe('a custom signed URL', () => {
  it('carries the policy it signed: wildcard Resource, start time and IPv4 range', () => {
    const url = signUrl(
      custom({
        resource: 'https://d111111abcdef8.cloudfront.net/media/course-42/*',
        notBefore: 1_900_000_000,
        sourceIp: '192.0.2.0/24',
      }),
    );
    const policy =
      '{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/media/course-42/*","Condition":{"DateLessThan":{"AWS:EpochTime":2000000000},"DateGreaterThan":{"AWS:EpochTime":1900000000},"IpAddress":{"AWS:SourceIp":"192.0.2.0/24"}}}]}';
    expect(params(url)).toEqual(['Key-Pair-Id', 'Policy', 'Signature']);
    expect(fromCloudFrontBase64(param(url, 'Policy')).toString()).toBe(policy);
    expect(param(url, 'Key-Pair-Id')).toBe('K2JCJMDEHXQW5F');
    expect(signedBy(url, policy)).toBe(true);
  });

  it('without a resource covers exactly the URL, query string included', () => {
    const url = signUrl(custom({ url: `${URL_}?lang=en` }));
    expect(url.startsWith(`${URL_}?lang=en&Policy=`)).toBe(true);
    const policy = `{"Statement":[{"Resource":"${URL_}?lang=en","Condition":{"DateLessThan":{"AWS:EpochTime":2000000000}}}]}`;
    expect(fromCloudFrontBase64(param(url, 'Policy')).toString()).toBe(policy);
    expect(signedBy(url, policy)).toBe(true);
  });

  it('with SHA256 and an ECDSA key says Hash-Algorithm=SHA256 and is signed with SHA-256', () => {
    const url = signUrl(custom({ privateKey: EC, hashAlgorithm: 'SHA256' }));
    const policy = fromCloudFrontBase64(param(url, 'Policy')).toString();
    expect(params(url)).toEqual(['Hash-Algorithm', 'Key-Pair-Id', 'Policy', 'Signature']);
    expect(param(url, 'Hash-Algorithm')).toBe('SHA256');
    expect(signedBy(url, policy, EC_PUB, 'sha256')).toBe(true);
  });

  it('takes expiry 0, the first whole epoch second', () => {
    const url = signUrl(custom({ expires: 0 }));
    expect(fromCloudFrontBase64(param(url, 'Policy')).toString()).toContain(
      '"DateLessThan":{"AWS:EpochTime":0}',
    );
  });

  it('takes an IPv4 address or range', () => {
    const url = signUrl(custom({ sourceIp: '198.51.100.7' }));
    expect(fromCloudFrontBase64(param(url, 'Policy')).toString()).toContain(
      '"IpAddress":{"AWS:SourceIp":"198.51.100.7/32"}',
    );
  });
});

describe('signUrl refusals', () => {
  it.each([
    ['negative', -1],
    ['a fraction', 1.5],
    ['not a number', Number.NaN],
    ['past 2^53', 2 ** 53],
  ])('refuses an expiry that is %s, canned or custom', (_what, expires) => {
    for (const input of [canned({ expires }), custom({ expires })])
      expect(thrown(() => signUrl(input))).toEqual(signError('expires must be whole epoch seconds'));
  });

  it('refuses an IPv6 address or range, citing the AWS page that says IPv6 is not supported', () => {
    for (const sourceIp of ['2001:db8::1', '2001:db8::/32']) {
      const error = thrown(() => signUrl(custom({ sourceIp })));
      expect(error).toBeInstanceOf(SignError);
      expect((error as Error).message).toBe(
        'signed URLs take an IPv4 address or range only (signed-policy/url-ip-address-ipv4 (Amazon CloudFront Developer Guide, "Create a signed URL using a custom policy", section "Values that you specify in the policy statement for a signed URL that uses a custom policy (IpAddress)"))',
      );
    }
  });

  it('passes on the policy error for a source IP that is no address at all', () => {
    const caught = thrown(() => signUrl(custom({ sourceIp: 'not-an-ip' })));
    expect(caught).toBeInstanceOf(PolicyError);
    expect(caught).toMatchObject({
      code: 'ERR_POLICY_INPUT',
      message: 'sourceIp "not-an-ip" is not an IPv4/IPv6 address or CIDR',
    });
  });

  it('passes on the policy error for a start time not before the expiry', () => {
    const caught = thrown(() => signUrl(custom({ notBefore: 2_000_000_000 })));
    expect(caught).toBeInstanceOf(PolicyError);
    expect(caught).toMatchObject({
      code: 'ERR_POLICY_INPUT',
      message: 'notBefore must be earlier than expires',
    });
  });

  it('refuses a URL that is not http(s) with a SignError that names the scheme rule', () => {
    for (const input of [canned({ url: 'ftp://h.example/a.ts' }), custom({ url: 'ftp://h.example/a.ts' })])
      expect(thrown(() => signUrl(input))).toEqual(
        signError('signing failed: Invalid URI scheme. Scheme must be one of http, https, or rtmp'),
      );
  });
});

describe('signUrl and its key', () => {
  it('signs with a KeyObject as with PEM text', () => {
    const url = signUrl(canned({ privateKey: createPrivateKey(RSA) }));
    expect(signedBy(url, CANNED_POLICY)).toBe(true);
  });

  it('signs with an encrypted key and its passphrase', () => {
    const withPassphrase = { privateKey: ENCRYPTED, passphrase: PASSPHRASE };
    expect(signedBy(signUrl(canned(withPassphrase)), CANNED_POLICY)).toBe(true);
    const url = signUrl(custom(withPassphrase));
    expect(signedBy(url, fromCloudFrontBase64(param(url, 'Policy')).toString())).toBe(true);
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
      'PEM text that is no key',
      { privateKey: keys.text('damaged-body.key.pem') },
      'the private key could not be read',
    ],
    ['a public KeyObject', { privateKey: RSA_PUB }, 'ERR_CRYPTO_INVALID_KEY_OBJECT_TYPE'],
  ])('names the problem with %s, canned or custom', (_what, over, problem) => {
    for (const input of [canned(over), custom(over)])
      expect(thrown(() => signUrl(input))).toEqual(signError(`signing failed: ${problem}`));
  });
});
