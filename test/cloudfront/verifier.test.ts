import { createPublicKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import {
  COOKIE_POLICY_IP_IPV4_ONLY,
  COOKIE_POLICY_RESOURCE_OPTIONAL,
  COOKIE_POLICY_RESOURCE_SCHEMES,
} from '../../src/cloudfront/aws-rules';
import { decodeCloudFrontBase64, encodeCloudFrontBase64 } from '../../src/cloudfront/base64';
import { signCookies, signUrl } from '../../src/cloudfront/signer';
import type { HashAlgorithm, VerifyInput, VerifyResult } from '../../src/cloudfront/types';
import { stripSigningParams, trustedKeysFromPem, verifyRequest } from '../../src/cloudfront/verifier';
import { loadPrivateKey } from '../../src/keys/pem';
import { opensslKeys } from '../keys/openssl-fixtures';

const keys = opensslKeys();
const NOW = 1_800_000_000;
const HOST = 'https://d111111abcdef8.cloudfront.net';

// Trusted keys come from openssl's public-key files, parsed by node directly (not by our loader).
const trustedKeys = new Map<string, KeyObject>([
  ['KRSA2048EXAMPLE', createPublicKey(keys.text('rsa-2048.pub.pem'))],
  ['KECDSAP256EXAMPLE', createPublicKey(keys.text('ecdsa-p256.pub.pem'))],
]);
const KEYS = [
  {
    type: 'rsa',
    id: 'KRSA2048EXAMPLE',
    file: 'rsa-2048.pkcs8.key.pem',
    pub: 'rsa-2048.pub.pem',
    sigLength: 344,
  },
  {
    type: 'ecdsa',
    id: 'KECDSAP256EXAMPLE',
    file: 'ecdsa-p256.pkcs8.key.pem',
    pub: 'ecdsa-p256.pub.pem',
    sigLength: 96,
  },
] as const;
const HASHES: HashAlgorithm[] = ['SHA1', 'SHA256'];
const COMBOS = KEYS.flatMap((key) => HASHES.map((hash) => ({ key, hash })));

// The bodies CloudFront sends, as observed from real distributions (curl output quoted in many
// public write-ups): XML declaration and Error element on one line, no trailing newline.
const BODY = {
  MissingKey:
    '<?xml version="1.0" encoding="UTF-8"?><Error><Code>MissingKey</Code><Message>Missing Key-Pair-Id query parameter or cookie value</Message></Error>',
  InvalidKey:
    '<?xml version="1.0" encoding="UTF-8"?><Error><Code>InvalidKey</Code><Message>Unknown Key</Message></Error>',
  AccessDenied:
    '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access denied</Message></Error>',
  // Seen on live distributions for values that do not decode (not in the developer guide).
  MalformedSignature:
    '<?xml version="1.0" encoding="UTF-8"?><Error><Code>MalformedSignature</Code><Message>Could not unencode Signature</Message></Error>',
  MalformedPolicy:
    '<?xml version="1.0" encoding="UTF-8"?><Error><Code>MalformedPolicy</Code><Message>Malformed Policy</Message></Error>',
};

const request = (over: Partial<VerifyInput>): VerifyInput => ({
  url: `${HOST}/media/course-42/seg001.m4s`,
  clientIp: '192.0.2.10',
  cookies: {},
  trustedKeys,
  now: NOW,
  ...over,
});

function cookiesFor(combo: (typeof COMBOS)[number], over: Partial<Parameters<typeof signCookies>[0]> = {}) {
  return signCookies({
    resource: `${HOST}/media/course-42/*`,
    expires: NOW + 600,
    keyPairId: combo.key.id,
    privateKey: keys.text(combo.key.file),
    hashAlgorithm: combo.hash,
    ...over,
  });
}

function expectDeny(result: VerifyResult, code: keyof typeof BODY, reason?: string): void {
  expect(result.allow).toBe(false);
  if (result.allow) return;
  expect(result.status).toBe(403);
  expect(result.code).toBe(code);
  expect(result.body).toBe(BODY[code]);
  if (reason) expect(result.reason).toBe(reason);
}

describe.each(COMBOS.map((c) => [`${c.key.type} ${c.hash}`, c] as const))(
  'round trip: %s',
  (_name, combo) => {
    it('signed cookies: 3 cookies (4 with SHA256) that CloudFront allows', () => {
      const cookies = cookiesFor(combo);
      const names = ['CloudFront-Policy', 'CloudFront-Signature', 'CloudFront-Key-Pair-Id'];
      expect(Object.keys(cookies)).toEqual(
        combo.hash === 'SHA256' ? [...names, 'CloudFront-Hash-Algorithm'] : names,
      );
      if (combo.hash === 'SHA256') expect(cookies['CloudFront-Hash-Algorithm']).toBe('SHA256');
      expect(cookies['CloudFront-Key-Pair-Id']).toBe(combo.key.id);
      if (combo.key.type === 'rsa') expect(cookies['CloudFront-Signature']).toHaveLength(combo.key.sigLength);
      else expect(cookies['CloudFront-Signature']!.length).toBeLessThanOrEqual(combo.key.sigLength);
      expect(verifyRequest(request({ cookies }))).toEqual({
        allow: true,
        via: 'cookies',
        keyPairId: combo.key.id,
        policy: decodeCloudFrontBase64(cookies['CloudFront-Policy']!).toString('utf8'),
      });
    });

    it('signed URL, canned policy', () => {
      const url = signUrl({
        url: `${HOST}/media/a.mp4?quality=hd`,
        keyPairId: combo.key.id,
        privateKey: keys.text(combo.key.file),
        policy: 'canned',
        expires: NOW + 60,
        hashAlgorithm: combo.hash,
      });
      expect(url).toContain(`${HOST}/media/a.mp4?quality=hd&Expires=${NOW + 60}&`);
      expect(url.includes('Hash-Algorithm=SHA256')).toBe(combo.hash === 'SHA256');
      expect(url).not.toContain('Policy=');
      expect(verifyRequest(request({ url }))).toMatchObject({ allow: true, via: 'signed-url' });
      // Canned: the URL itself is the resource; any change to it breaks the signature.
      expectDeny(
        verifyRequest(request({ url: url.replace('a.mp4', 'b.mp4') })),
        'AccessDenied',
        'bad-signature',
      );
      expectDeny(
        verifyRequest(request({ url: url.replace('quality=hd', 'quality=sd') })),
        'AccessDenied',
        'bad-signature',
      );
    });

    it('signed URL, custom policy with a wildcard resource and an IP range', () => {
      const url = signUrl({
        url: `${HOST}/media/course-42/index.m3u8`,
        resource: `${HOST}/media/course-42/*`,
        keyPairId: combo.key.id,
        privateKey: keys.text(combo.key.file),
        policy: 'custom',
        expires: NOW + 60,
        sourceIp: '192.0.2.0/24',
        hashAlgorithm: combo.hash,
      });
      expect(url).toContain('Policy=');
      expect(verifyRequest(request({ url }))).toMatchObject({ allow: true, via: 'signed-url' });
      const params = url.slice(url.indexOf('?') + 1);
      // The same signature parameters open any URL the wildcard covers.
      expect(verifyRequest(request({ url: `${HOST}/media/course-42/seg9.m4s?${params}` }))).toMatchObject({
        allow: true,
      });
      expectDeny(
        verifyRequest(request({ url: `${HOST}/media/course-7/seg9.m4s?${params}` })),
        'AccessDenied',
        'resource-mismatch',
      );
      expectDeny(verifyRequest(request({ url, clientIp: '198.51.100.1' })), 'AccessDenied', 'ip-mismatch');
    });
  },
);

describe('CloudFront answers', () => {
  const combo = COMBOS[0]!;

  it('no key pair ID → MissingKey', () => {
    expectDeny(verifyRequest(request({})), 'MissingKey', 'missing-key-pair-id');
    const { 'CloudFront-Key-Pair-Id': _dropped, ...rest } = cookiesFor(combo);
    expectDeny(verifyRequest(request({ cookies: rest })), 'MissingKey');
    expectDeny(verifyRequest(request({ cookies: { ...rest, 'CloudFront-Key-Pair-Id': '' } })), 'MissingKey');
  });

  it('a key pair ID outside the key group → InvalidKey "Unknown Key"', () => {
    const cookies = { ...cookiesFor(combo), 'CloudFront-Key-Pair-Id': 'K2JCJMDEHXQW5F' };
    expectDeny(verifyRequest(request({ cookies })), 'InvalidKey', 'unknown-key-pair-id');
  });

  it('another trusted key pair ID → AccessDenied (bad signature)', () => {
    const cookies = { ...cookiesFor(combo), 'CloudFront-Key-Pair-Id': 'KECDSAP256EXAMPLE' };
    expectDeny(verifyRequest(request({ cookies })), 'AccessDenied', 'bad-signature');
  });

  it('DateLessThan is exclusive: at the expiry second it is denied', () => {
    const cookies = cookiesFor(combo, { expires: NOW + 10 });
    expect(verifyRequest(request({ cookies, now: NOW + 9 })).allow).toBe(true);
    expectDeny(verifyRequest(request({ cookies, now: NOW + 10 })), 'AccessDenied', 'expired');
  });

  it('DateGreaterThan is exclusive: at the start second it is denied', () => {
    const cookies = cookiesFor(combo, { notBefore: NOW, expires: NOW + 100 });
    expectDeny(verifyRequest(request({ cookies, now: NOW })), 'AccessDenied', 'not-yet-valid');
    expect(verifyRequest(request({ cookies, now: NOW + 1 })).allow).toBe(true);
  });

  it('IpAddress: an IPv4 range; an IPv6 viewer never matches it', () => {
    const v4 = cookiesFor(combo, { sourceIp: '192.0.2.0/24' });
    expect(verifyRequest(request({ cookies: v4, clientIp: '192.0.2.255' })).allow).toBe(true);
    expectDeny(verifyRequest(request({ cookies: v4, clientIp: '192.0.3.0' })), 'AccessDenied', 'ip-mismatch');
    expectDeny(
      verifyRequest(request({ cookies: v4, clientIp: '2001:db8::1' })),
      'AccessDenied',
      'ip-mismatch',
    );
  });

  it('an IPv6 IpAddress in a cookie policy is refused (signed-policy/ip-address-ipv4: "IPv6 ... not supported")', () => {
    // Built by hand: signCookies refuses an IPv6 sourceIp for the same reason.
    const json = `{"Statement":[{"Resource":"${HOST}/media/*","Condition":{"IpAddress":{"AWS:SourceIp":"2001:db8::/32"},"DateLessThan":{"AWS:EpochTime":${NOW + 60}}}}]}`;
    const v6 = {
      'CloudFront-Policy': encodeCloudFrontBase64(json),
      'CloudFront-Signature': encodeCloudFrontBase64(
        cryptoSign('sha1', Buffer.from(json), keys.text('rsa-2048.pkcs8.key.pem')),
      ),
      'CloudFront-Key-Pair-Id': 'KRSA2048EXAMPLE',
    };
    const result = verifyRequest(request({ cookies: v6, clientIp: '2001:db8:ffff::1' }));
    expectDeny(result, 'AccessDenied', 'malformed-policy');
    expect(result.allow ? '' : result.detail).toContain(COOKIE_POLICY_IP_IPV4_ONLY.id);
  });

  it('an IPv6 IpAddress in a signed-URL policy is refused too (signed-policy/url-ip-address-ipv4)', () => {
    const json = `{"Statement":[{"Resource":"${HOST}/media/*","Condition":{"IpAddress":{"AWS:SourceIp":"2001:db8::/32"},"DateLessThan":{"AWS:EpochTime":${NOW + 60}}}}]}`;
    const policy = encodeCloudFrontBase64(json);
    const signature = encodeCloudFrontBase64(
      cryptoSign('sha1', Buffer.from(json), keys.text('rsa-2048.pkcs8.key.pem')),
    );
    const url = `${HOST}/media/a.ts?Policy=${policy}&Signature=${signature}&Key-Pair-Id=KRSA2048EXAMPLE`;
    const result = verifyRequest(request({ url, clientIp: '2001:db8:ffff::1' }));
    expectDeny(result, 'AccessDenied', 'malformed-policy');
    expect(result.allow ? '' : result.detail).toContain('signed-policy/url-ip-address-ipv4');
  });

  it('a URL outside the resource → AccessDenied', () => {
    expectDeny(
      verifyRequest(request({ cookies: cookiesFor(combo), url: `${HOST}/media/course-7/seg001.m4s` })),
      'AccessDenied',
      'resource-mismatch',
    );
  });

  it('the hash algorithm cookie is part of what was signed', () => {
    const sha256 = cookiesFor(COMBOS[1]!);
    const { 'CloudFront-Hash-Algorithm': _dropped, ...withoutHash } = sha256;
    expectDeny(verifyRequest(request({ cookies: withoutHash })), 'AccessDenied', 'bad-signature');
    expectDeny(
      verifyRequest(request({ cookies: { ...sha256, 'CloudFront-Hash-Algorithm': 'MD5' } })),
      'AccessDenied',
      'unsupported-hash-algorithm',
    );
  });

  it('missing policy, missing or malformed signature', () => {
    const cookies = cookiesFor(combo);
    const { 'CloudFront-Policy': _p, ...noPolicy } = cookies;
    expectDeny(verifyRequest(request({ cookies: noPolicy })), 'AccessDenied', 'missing-policy');
    const { 'CloudFront-Signature': _s, ...noSignature } = cookies;
    expectDeny(verifyRequest(request({ cookies: noSignature })), 'AccessDenied', 'missing-signature');
    expectDeny(
      verifyRequest(request({ cookies: { ...cookies, 'CloudFront-Signature': 'a+b/' } })),
      'MalformedSignature',
      'malformed-signature',
    );
    expectDeny(
      verifyRequest(request({ cookies: { ...cookies, 'CloudFront-Policy': 'e30_' } })),
      'MalformedPolicy',
      'malformed-policy',
    );
  });

  it('a cookie or signed-URL policy may omit its Resource, and then covers any URL (signed-policy/cookie-resource-optional)', () => {
    const json = `{"Statement":[{"Condition":{"DateLessThan":{"AWS:EpochTime":${NOW + 60}}}}]}`;
    const signature = encodeCloudFrontBase64(
      cryptoSign('sha1', Buffer.from(json), keys.text('rsa-2048.pkcs8.key.pem')),
    );
    const policy = encodeCloudFrontBase64(json);
    const cookies = {
      'CloudFront-Policy': policy,
      'CloudFront-Signature': signature,
      'CloudFront-Key-Pair-Id': 'KRSA2048EXAMPLE',
    };
    expect(COOKIE_POLICY_RESOURCE_OPTIONAL.value).toBe(true);
    expect(verifyRequest(request({ cookies, url: `${HOST}/anything/at/all.mp4` })).allow).toBe(true);
    const url = `${HOST}/anything/at/all.mp4?Policy=${policy}&Signature=${signature}&Key-Pair-Id=KRSA2048EXAMPLE`;
    expect(verifyRequest(request({ url })).allow).toBe(true);
  });

  it('a cookie policy whose Resource does not begin with http:// or https:// is refused (signed-policy/cookie-resource-scheme)', () => {
    const json = `{"Statement":[{"Resource":"*://d111111abcdef8.cloudfront.net/media/*","Condition":{"DateLessThan":{"AWS:EpochTime":${NOW + 60}}}}]}`;
    const cookies = {
      'CloudFront-Policy': encodeCloudFrontBase64(json),
      'CloudFront-Signature': encodeCloudFrontBase64(
        cryptoSign('sha1', Buffer.from(json), keys.text('rsa-2048.pkcs8.key.pem')),
      ),
      'CloudFront-Key-Pair-Id': 'KRSA2048EXAMPLE',
    };
    const result = verifyRequest(request({ cookies }));
    expectDeny(result, 'AccessDenied', 'malformed-policy');
    expect(result.allow ? '' : result.detail).toContain(COOKIE_POLICY_RESOURCE_SCHEMES.id);
  });

  it('canned-policy cookies (CloudFront-Expires) open exactly the URL they were signed for', () => {
    const url = `${HOST}/media/a.mp4?v=2`;
    const json = `{"Statement":[{"Resource":"${url}","Condition":{"DateLessThan":{"AWS:EpochTime":${NOW + 60}}}}]}`;
    const cookies = {
      'CloudFront-Expires': String(NOW + 60),
      'CloudFront-Signature': encodeCloudFrontBase64(
        cryptoSign('sha1', Buffer.from(json), keys.text('rsa-2048.pkcs8.key.pem')),
      ),
      'CloudFront-Key-Pair-Id': 'KRSA2048EXAMPLE',
    };
    expect(verifyRequest(request({ url, cookies }))).toMatchObject({ allow: true, via: 'cookies' });
    expectDeny(
      verifyRequest(request({ url: `${HOST}/media/a.mp4`, cookies })),
      'AccessDenied',
      'bad-signature',
    );
    expectDeny(
      verifyRequest(request({ url, cookies: { ...cookies, 'CloudFront-Expires': String(NOW + 61) } })),
      'AccessDenied',
      'bad-signature',
    );
    expectDeny(verifyRequest(request({ url, cookies, now: NOW + 60 })), 'AccessDenied', 'expired');
  });

  it('signed-URL parameters take precedence over cookies', () => {
    const goodCookies = cookiesFor(combo);
    const badUrl = `${HOST}/media/course-42/seg001.m4s?Expires=${NOW + 60}&Signature=AAAA&Key-Pair-Id=KRSA2048EXAMPLE`;
    expectDeny(
      verifyRequest(request({ url: badUrl, cookies: goodCookies })),
      'AccessDenied',
      'bad-signature',
    );
    const goodUrl = signUrl({
      url: `${HOST}/media/course-42/seg001.m4s`,
      keyPairId: combo.key.id,
      privateKey: keys.text(combo.key.file),
      policy: 'canned',
      expires: NOW + 60,
    });
    expect(
      verifyRequest(request({ url: goodUrl, cookies: { 'CloudFront-Key-Pair-Id': 'nope' } })),
    ).toMatchObject({
      allow: true,
      via: 'signed-url',
    });
  });

  it('stripSigningParams keeps the viewer query and drops only CloudFront parameters', () => {
    expect(
      stripSigningParams(`${HOST}/a?x=1&Expires=5&y=2&Signature=s&Key-Pair-Id=K&Hash-Algorithm=SHA256`),
    ).toBe(`${HOST}/a?x=1&y=2`);
    expect(stripSigningParams(`${HOST}/a?Policy=p&Signature=s&Key-Pair-Id=K`)).toBe(`${HOST}/a`);
  });
});

describe('tampering any byte is denied with the right code', () => {
  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-~';
  const swap = (ch: string) => ALPHABET[(ALPHABET.indexOf(ch) + 17) % 64] ?? 'A';
  const mutate = (text: string, i: number) => `${text.slice(0, i)}${swap(text[i]!)}${text.slice(i + 1)}`;

  it.each(COMBOS.map((c) => [`${c.key.type} ${c.hash}`, c] as const))('%s', (_name, combo) => {
    const cookies = cookiesFor(combo);
    const policy = cookies['CloudFront-Policy']!;
    for (let i = 0; i < policy.length; i++) {
      if (policy[i] === '_') continue;
      const tampered = mutate(policy, i);
      if (decodeCloudFrontBase64(tampered).equals(decodeCloudFrontBase64(policy))) continue;
      const result = verifyRequest(request({ cookies: { ...cookies, 'CloudFront-Policy': tampered } }));
      // Bytes that still parse as a policy fail the signature; bytes that do not are MalformedPolicy.
      if (result.allow || result.reason !== 'malformed-policy')
        expectDeny(result, 'AccessDenied', 'bad-signature');
      else expectDeny(result, 'MalformedPolicy', 'malformed-policy');
    }
    const signature = cookies['CloudFront-Signature']!;
    let checked = 0;
    for (let i = 0; i < signature.length; i++) {
      if (signature[i] === '_') continue;
      const tampered = mutate(signature, i);
      // The last character may carry unused bits: a change there can leave the bytes as they were.
      if (decodeCloudFrontBase64(tampered).equals(decodeCloudFrontBase64(signature))) continue;
      checked++;
      expectDeny(
        verifyRequest(request({ cookies: { ...cookies, 'CloudFront-Signature': tampered } })),
        'AccessDenied',
        'bad-signature',
      );
    }
    expect(checked).toBeGreaterThan(signature.length - 4);
    const id = cookies['CloudFront-Key-Pair-Id']!;
    for (let i = 0; i < id.length; i++) {
      const tampered = `${id.slice(0, i)}${id[i] === 'Q' ? 'R' : 'Q'}${id.slice(i + 1)}`;
      expectDeny(
        verifyRequest(request({ cookies: { ...cookies, 'CloudFront-Key-Pair-Id': tampered } })),
        'InvalidKey',
      );
    }
  });
});

describe('verifyRequest fed anything', () => {
  it('returns allow or a 403 with a reason, never throws', () => {
    const good = cookiesFor(COMBOS[0]!);
    const cookieValue = fc.oneof(fc.string(), fc.constantFrom(...Object.values(good)), fc.base64String());
    const cookies = fc.dictionary(
      fc.constantFrom(
        'CloudFront-Policy',
        'CloudFront-Signature',
        'CloudFront-Key-Pair-Id',
        'CloudFront-Expires',
        'CloudFront-Hash-Algorithm',
        'x',
      ),
      cookieValue,
    );
    const url = fc.oneof(
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc.string(),
      fc
        .tuple(fc.webUrl(), fc.string())
        .map(([u, q]) => `${u}?Expires=${q}&Signature=${q}&Key-Pair-Id=KRSA2048EXAMPLE`),
    );
    fc.assert(
      fc.property(
        url,
        cookies,
        fc.oneof(fc.ipV4(), fc.ipV6(), fc.string()),
        fc.integer(),
        (u, c, ip, now) => {
          const result = verifyRequest({ url: u, cookies: c, clientIp: ip, trustedKeys, now });
          if (!result.allow) {
            expect(result.status).toBe(403);
            expect(result.body).toBe(BODY[result.code]);
            expect(result.detail).not.toContain(good['CloudFront-Signature']);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('trustedKeysFromPem builds the key group from PEM text', () => {
    const map = trustedKeysFromPem({ K1: keys.text('ecdsa-p256.pub.pem') });
    const cookies = signCookies({
      resource: `${HOST}/*`,
      expires: NOW + 5,
      keyPairId: 'K1',
      privateKey: loadPrivateKey(keys.file('ecdsa-p256.sec1.key.pem')).key,
    });
    expect(verifyRequest(request({ cookies, trustedKeys: map })).allow).toBe(true);
  });
});
