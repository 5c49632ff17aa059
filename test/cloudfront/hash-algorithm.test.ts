import { generateKeyPairSync } from 'node:crypto';
import { signCookies, signUrl } from '../../src/cloudfront/signer';
import type { VerifyInput, VerifyResult } from '../../src/cloudfront/types';
import { trustedKeysFromPem, verifyRequest } from '../../src/cloudfront/verifier';

/**
 * `CloudFront-Hash-Algorithm` / `Hash-Algorithm` (issue 11: compared case-insensitively was a bug).
 * Amazon CloudFront Developer Guide, "Code examples for creating a signature for a signed URL":
 * "When you use SHA-256, include the Hash-Algorithm=SHA256 query parameter"; "Set signed cookies
 * using a custom policy" names the optional fourth cookie `CloudFront-Hash-Algorithm`. The guide
 * spells the values SHA1 and SHA256 and is silent on other spellings, so the local verifier (which
 * stands in for CloudFront) accepts exactly those and refuses the rest: it must never allow what
 * CloudFront might refuse.
 */
const NOW = 1_800_000_000;
const HOST = 'https://d111111abcdef8.cloudfront.net';
const KEY_ID = 'KEC256EXAMPLE';
const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const privateKey = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const trustedKeys = trustedKeysFromPem({
  [KEY_ID]: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
});

const request = (over: Partial<VerifyInput>): VerifyInput => ({
  url: `${HOST}/media/course-42/seg001.m4s`,
  clientIp: '192.0.2.10',
  cookies: {},
  trustedKeys,
  now: NOW,
  ...over,
});

const sha256Cookies = () =>
  signCookies({
    resource: `${HOST}/media/course-42/*`,
    expires: NOW + 600,
    keyPairId: KEY_ID,
    privateKey,
    hashAlgorithm: 'SHA256',
  });

function expectUnsupported(result: VerifyResult): void {
  expect(result).toMatchObject({
    allow: false,
    status: 403,
    code: 'AccessDenied',
    reason: 'unsupported-hash-algorithm',
  });
}

const OTHER_SPELLINGS = ['sha256', 'Sha256', 'sHA256', 'sha1', 'Sha1', 'SHA-256', 'SHA256 ', ' SHA1', ''];

describe('hash algorithm: exactly SHA1 or SHA256', () => {
  it('SHA256 cookies signed with SHA-256 are allowed, and say so', () => {
    const cookies = sha256Cookies();
    expect(cookies['CloudFront-Hash-Algorithm']).toBe('SHA256');
    expect(verifyRequest(request({ cookies }))).toMatchObject({
      allow: true,
      via: 'cookies',
      keyPairId: KEY_ID,
    });
  });

  it.each(OTHER_SPELLINGS)('a CloudFront-Hash-Algorithm cookie of %j is refused as unsupported', (value) => {
    expectUnsupported(
      verifyRequest(request({ cookies: { ...sha256Cookies(), 'CloudFront-Hash-Algorithm': value } })),
    );
  });

  it('an explicit SHA1 cookie on SHA-1 cookies is allowed; SHA1 on a SHA-256 signature is not', () => {
    const sha1 = signCookies({
      resource: `${HOST}/media/course-42/*`,
      expires: NOW + 600,
      keyPairId: KEY_ID,
      privateKey,
    });
    expect(sha1['CloudFront-Hash-Algorithm']).toBeUndefined();
    expect(verifyRequest(request({ cookies: { ...sha1, 'CloudFront-Hash-Algorithm': 'SHA1' } })).allow).toBe(
      true,
    );
    expect(
      verifyRequest(request({ cookies: { ...sha256Cookies(), 'CloudFront-Hash-Algorithm': 'SHA1' } })),
    ).toMatchObject({
      allow: false,
      reason: 'bad-signature',
    });
  });

  it.each(OTHER_SPELLINGS.filter((v) => v.trim() === v && v !== ''))(
    'a signed URL with Hash-Algorithm=%s is refused as unsupported',
    (value) => {
      const url = signUrl({
        url: `${HOST}/media/course-42/seg001.m4s`,
        keyPairId: KEY_ID,
        privateKey,
        policy: 'canned',
        expires: NOW + 600,
        hashAlgorithm: 'SHA256',
      });
      expect(url).toContain('Hash-Algorithm=SHA256');
      expect(verifyRequest(request({ url })).allow).toBe(true);
      expectUnsupported(
        verifyRequest(request({ url: url.replace('Hash-Algorithm=SHA256', `Hash-Algorithm=${value}`) })),
      );
    },
  );
});
