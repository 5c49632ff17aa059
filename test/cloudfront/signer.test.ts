import { createPublicKey } from 'node:crypto';
import fc from 'fast-check';
import { decodeCloudFrontBase64 } from '../../src/cloudfront/base64';
import {
  CLOUDFRONT_COOKIE_NAMES,
  renderExpiredCookie,
  renderSetCookie,
  renderSetCookies,
  SignError,
  signCookies,
  signUrl,
} from '../../src/cloudfront/signer';
import { verifyRequest } from '../../src/cloudfront/verifier';
import { opensslKeys } from '../keys/openssl-fixtures';

const keys = opensslKeys();
const EC = keys.text('ecdsa-p256.pkcs8.key.pem');

describe('renderSetCookie', () => {
  it('defaults to Path=/; Secure; HttpOnly; SameSite=Lax with no Domain, Expires or Max-Age', () => {
    expect(renderSetCookie('CloudFront-Key-Pair-Id', 'K2JCJMDEHXQW5F')).toBe(
      'CloudFront-Key-Pair-Id=K2JCJMDEHXQW5F; Path=/; Secure; HttpOnly; SameSite=Lax',
    );
  });

  it('adds Domain, Expires and Max-Age only when asked', () => {
    expect(
      renderSetCookie('a', 'b', {
        path: '/media/course-42/',
        domain: 'example.org',
        expires: new Date(Date.UTC(2026, 0, 1, 18)),
        maxAge: 3600,
        sameSite: 'Strict',
        secure: false,
        httpOnly: false,
      }),
    ).toBe(
      'a=b; Path=/media/course-42/; Domain=example.org; Expires=Thu, 01 Jan 2026 18:00:00 GMT; Max-Age=3600; SameSite=Strict',
    );
  });

  it('a deleting cookie for logout keeps Path and Domain and expires in 1970', () => {
    expect(renderExpiredCookie('CloudFront-Policy', { path: '/media/', domain: 'example.org' })).toBe(
      'CloudFront-Policy=; Path=/media/; Domain=example.org; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Secure; HttpOnly; SameSite=Lax',
    );
    expect(CLOUDFRONT_COOKIE_NAMES).toEqual([
      'CloudFront-Policy',
      'CloudFront-Signature',
      'CloudFront-Key-Pair-Id',
      'CloudFront-Expires',
      'CloudFront-Hash-Algorithm',
    ]);
  });

  it.each([
    ['bad name', () => renderSetCookie('a b', 'c')],
    ['value with ;', () => renderSetCookie('a', 'b;c')],
    ['path with ;', () => renderSetCookie('a', 'b', { path: '/x;Domain=evil' })],
    ['domain with space', () => renderSetCookie('a', 'b', { domain: 'a b' })],
    ['SameSite=None without Secure', () => renderSetCookie('a', 'b', { sameSite: 'None', secure: false })],
  ])('refuses %s with SignError', (_what, fn) => {
    expect(fn).toThrow(SignError);
  });

  it('renders every CloudFront cookie value as a valid cookie', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (bytes) => {
        const cookies = {
          'CloudFront-Signature': Buffer.from(bytes)
            .toString('base64')
            .replace(/[+=/]/g, (c) => ({ '+': '-', '=': '_', '/': '~' })[c]!),
        };
        expect(renderSetCookies(cookies)[0]).toMatch(
          /^CloudFront-Signature=[A-Za-z0-9_~-]+; Path=\/; Secure; HttpOnly; SameSite=Lax$/,
        );
      }),
    );
  });
});

describe('signCookies / signUrl', () => {
  it('always signs a custom policy, so wildcards survive (no canned fallback)', () => {
    const cookies = signCookies({
      resource: 'https://h.example/media/*',
      expires: 2_000_000_000,
      keyPairId: 'K1',
      privateKey: EC,
    });
    expect(cookies['CloudFront-Expires']).toBeUndefined();
    expect(decodeCloudFrontBase64(cookies['CloudFront-Policy']!).toString()).toBe(
      '{"Statement":[{"Resource":"https://h.example/media/*","Condition":{"DateLessThan":{"AWS:EpochTime":2000000000}}}]}',
    );
  });

  it('a custom signed URL covers the URL as the SDK encodes it (spaces become %20)', () => {
    const url = signUrl({
      url: 'https://h.example/my video.mp4?t=a b',
      keyPairId: 'K1',
      privateKey: EC,
      policy: 'custom',
      expires: 2_000_000_000,
    });
    expect(url.startsWith('https://h.example/my%20video.mp4?t=a%20b&Policy=')).toBe(true);
    const trustedKeys = new Map([['K1', createPublicKey(keys.text('ecdsa-p256.pub.pem'))]]);
    expect(
      verifyRequest({ url, clientIp: '192.0.2.1', cookies: {}, trustedKeys, now: 1_900_000_000 }).allow,
    ).toBe(true);
  });

  it('a canned URL refuses conditions it cannot hold', () => {
    expect(() =>
      signUrl({
        url: 'https://h.example/a',
        keyPairId: 'K1',
        privateKey: EC,
        policy: 'canned',
        expires: 5,
        sourceIp: '192.0.2.1',
      }),
    ).toThrow(/canned policy holds only an expiry/);
  });

  it('a key that cannot sign gives a SignError without key material', () => {
    const broken = EC.replace(/[A-Za-z]{10}/, 'AAAAAAAAAA');
    let caught: unknown;
    try {
      signCookies({ resource: 'https://h.example/*', expires: 5, keyPairId: 'K1', privateKey: broken });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SignError);
    expect((caught as SignError).code).toBe('ERR_SIGN');
    for (const line of EC.split('\n').filter((l) => l.length > 20))
      expect((caught as Error).message).not.toContain(line);
  });
});

describe('signed cookies and IPv6', () => {
  it('refuse an IPv6 address or range, naming the AWS rule (signed-policy/ip-address-ipv4)', () => {
    const key = opensslKeys().text('rsa-2048.pkcs8.key.pem');
    for (const sourceIp of ['2001:db8::1', '2001:db8::/32']) {
      expect(() =>
        signCookies({
          resource: 'https://h/media/*',
          expires: 2_000_000_000,
          keyPairId: 'K',
          privateKey: key,
          sourceIp,
        }),
      ).toThrow(/signed-policy\/ip-address-ipv4/);
    }
  });
});

describe('signed URLs and IPv6', () => {
  it('refuse an IPv6 address or range, naming the AWS rule (signed-policy/url-ip-address-ipv4)', () => {
    const key = opensslKeys().text('rsa-2048.pkcs8.key.pem');
    expect(() =>
      signUrl({
        url: 'https://h/media/a.ts',
        keyPairId: 'K',
        privateKey: key,
        policy: 'custom',
        expires: 2_000_000_000,
        sourceIp: '2001:db8::/32',
      }),
    ).toThrow(/signed-policy\/url-ip-address-ipv4/);
  });
});
