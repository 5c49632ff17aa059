import { verifyRequest } from '../../src/cloudfront/verifier';
import {
  cannedPolicy,
  cannedUrl,
  customCookies,
  customPolicy,
  customUrl,
  denial,
  EC_ID,
  HOST,
  NOW,
  RSA_ID,
  request,
  SEGMENT,
  signatureOf,
} from './verifier-fixtures';

/**
 * The refusal an operator reads (`detail`, in logs and `edge-auth inspect`): it names the cookie or
 * the query parameter that is wrong, the key, the times and the addresses, and stays short when an
 * attacker sends huge values. CloudFront's own answer (code, message, XML body) is fixed per code.
 */
const GOOD_POLICY = customPolicy({ resource: `${HOST}/media/course-42/*` });
const good = () => customCookies(GOOD_POLICY);

describe('which credential is missing or unknown', () => {
  it('no CloudFront-Key-Pair-Id cookie: MissingKey, naming the cookie', () => {
    const { 'CloudFront-Key-Pair-Id': _id, ...cookies } = good();
    const result = denial(verifyRequest(request({ cookies })));
    expect(result).toMatchObject({
      code: 'MissingKey',
      message: 'Missing Key-Pair-Id query parameter or cookie value',
      reason: 'missing-key-pair-id',
      detail: 'the CloudFront-Key-Pair-Id cookie is missing or empty',
    });
  });

  it('a signed URL with an empty Key-Pair-Id: MissingKey, naming the query parameter', () => {
    const result = denial(
      verifyRequest(request({ url: `${SEGMENT}?Expires=${NOW + 60}&Signature=AAAA&Key-Pair-Id=` })),
    );
    expect(result).toMatchObject({
      code: 'MissingKey',
      detail: 'the Key-Pair-Id query parameter is missing or empty',
    });
  });

  it('a bare "Key-Pair-Id" query parameter (no "=") is a signed URL whose key pair ID is empty', () => {
    const result = denial(verifyRequest(request({ url: `${SEGMENT}?Key-Pair-Id`, cookies: good() })));
    expect(result).toMatchObject({
      code: 'MissingKey',
      detail: 'the Key-Pair-Id query parameter is missing or empty',
    });
  });

  it('an unknown key pair ID: InvalidKey "Unknown Key", naming it and every trusted ID', () => {
    const result = denial(
      verifyRequest(request({ cookies: { ...good(), 'CloudFront-Key-Pair-Id': 'K2JCJMDEHXQW5F' } })),
    );
    expect(result).toMatchObject({
      code: 'InvalidKey',
      message: 'Unknown Key',
      reason: 'unknown-key-pair-id',
      detail:
        'key pair ID "K2JCJMDEHXQW5F" is not in the trusted key group (trusted: KRSA2048EXAMPLE, KECDSAP256EXAMPLE)',
    });
  });

  it('an empty key group says "trusted: none"', () => {
    const result = denial(verifyRequest(request({ cookies: good(), trustedKeys: new Map() })));
    expect(result.code).toBe('InvalidKey');
    expect(result.detail).toBe(`key pair ID "${RSA_ID}" is not in the trusted key group (trusted: none)`);
  });

  it('a huge key pair ID is quoted by its first 64 characters only', () => {
    const id = `${'K'.repeat(64)}${'Z'.repeat(200)}`;
    const result = denial(verifyRequest(request({ cookies: { ...good(), 'CloudFront-Key-Pair-Id': id } })));
    expect(result.detail).toBe(
      `key pair ID "${'K'.repeat(64)}" is not in the trusted key group (trusted: ${RSA_ID}, ${EC_ID})`,
    );
  });

  it('an unsupported hash algorithm is quoted by its first 20 characters, cookie or query parameter', () => {
    const cookie = denial(
      verifyRequest(request({ cookies: { ...good(), 'CloudFront-Hash-Algorithm': 'SHA512' } })),
    );
    expect(cookie).toMatchObject({
      code: 'AccessDenied',
      reason: 'unsupported-hash-algorithm',
      detail: 'the CloudFront-Hash-Algorithm cookie is "SHA512"; CloudFront accepts SHA1 or SHA256',
    });
    const url = `${cannedUrl(SEGMENT, NOW + 60)}&Hash-Algorithm=${'A'.repeat(20)}BBBB`;
    expect(denial(verifyRequest(request({ url }))).detail).toBe(
      `the Hash-Algorithm query parameter is "${'A'.repeat(20)}"; CloudFront accepts SHA1 or SHA256`,
    );
  });

  it('neither a policy nor an Expires: AccessDenied, said for cookies and for a signed URL', () => {
    const { 'CloudFront-Policy': _p, ...cookies } = good();
    expect(denial(verifyRequest(request({ cookies })))).toMatchObject({
      code: 'AccessDenied',
      reason: 'missing-policy',
      detail: 'neither a CloudFront-Policy nor a CloudFront-Expires cookie was sent',
    });
    const url = `${SEGMENT}?Signature=AAAA&Key-Pair-Id=${RSA_ID}`;
    expect(denial(verifyRequest(request({ url })))).toMatchObject({
      code: 'AccessDenied',
      reason: 'missing-policy',
      detail: 'the URL has neither a Policy nor an Expires parameter',
    });
  });

  it('no signature: AccessDenied, naming the cookie or the query parameter', () => {
    const { 'CloudFront-Signature': _s, ...cookies } = good();
    expect(denial(verifyRequest(request({ cookies })))).toMatchObject({
      code: 'AccessDenied',
      reason: 'missing-signature',
      detail: 'the CloudFront-Signature cookie is missing or empty',
    });
    const url = customUrl(SEGMENT, GOOD_POLICY).replace(/Signature=[^&]*/, 'Signature=');
    expect(denial(verifyRequest(request({ url })))).toMatchObject({
      reason: 'missing-signature',
      detail: 'the Signature query parameter is missing or empty',
    });
  });
});

describe('values that do not decode', () => {
  it('a policy outside CloudFront base64: MalformedPolicy "Malformed Policy", naming the cookie or parameter', () => {
    const cookie = denial(verifyRequest(request({ cookies: { ...good(), 'CloudFront-Policy': 'e30.' } })));
    expect(cookie).toMatchObject({
      code: 'MalformedPolicy',
      message: 'Malformed Policy',
      reason: 'malformed-policy',
      detail: 'the CloudFront-Policy cookie is not CloudFront base64',
    });
    const url = `${SEGMENT}?Policy=e30.&Signature=AAAA&Key-Pair-Id=${RSA_ID}`;
    expect(denial(verifyRequest(request({ url }))).detail).toBe(
      'the Policy query parameter is not CloudFront base64',
    );
  });

  it('a policy that decodes but breaks a policy rule: MalformedPolicy with the rule and its code', () => {
    // "e30_" is CloudFront base64 for "{}".
    const empty = denial(verifyRequest(request({ cookies: { ...good(), 'CloudFront-Policy': 'e30_' } })));
    expect(empty).toMatchObject({ code: 'MalformedPolicy', reason: 'malformed-policy' });
    expect(empty.detail).toBe(
      'the CloudFront-Policy cookie is malformed: policy must be an object with a "Statement" list (ERR_POLICY_SHAPE)',
    );
    const statement = `{"Condition":{"DateLessThan":{"AWS:EpochTime":${NOW + 60}}}}`;
    const two = customCookies(`{"Statement":[${statement},${statement}]}`);
    expect(denial(verifyRequest(request({ cookies: two }))).detail).toBe(
      'the CloudFront-Policy cookie is malformed: policy must have exactly one statement, it has 2 (ERR_POLICY_STATEMENT_COUNT)',
    );
  });

  it('a signature outside CloudFront base64: MalformedSignature "Could not unencode Signature"', () => {
    const url = customUrl(SEGMENT, GOOD_POLICY).replace(/Signature=[^&]*/, 'Signature=a.b');
    expect(denial(verifyRequest(request({ url })))).toMatchObject({
      code: 'MalformedSignature',
      message: 'Could not unencode Signature',
      reason: 'malformed-signature',
      detail: 'the Signature query parameter is not CloudFront base64',
    });
    const cookies = { ...good(), 'CloudFront-Signature': 'a.b' };
    expect(denial(verifyRequest(request({ cookies }))).detail).toBe(
      'the CloudFront-Signature cookie is not CloudFront base64',
    );
  });

  it.each(['_', '__', 'A', 'A_', 'AAAAA'])(
    'a signature of %j (padding only, or a length base64 never produces) is MalformedSignature',
    (signature) => {
      const cookies = { ...good(), 'CloudFront-Signature': signature };
      expect(denial(verifyRequest(request({ cookies })))).toMatchObject({
        code: 'MalformedSignature',
        reason: 'malformed-signature',
      });
    },
  );

  it('a signature that verifies with no key names the key, its type and the hash algorithm', () => {
    const rsa = { ...good(), 'CloudFront-Signature': signatureOf('another policy') };
    expect(denial(verifyRequest(request({ cookies: rsa })))).toMatchObject({
      code: 'AccessDenied',
      reason: 'bad-signature',
    });
    expect(denial(verifyRequest(request({ cookies: rsa }))).detail).toMatch(
      /^the signature does not verify with key KRSA2048EXAMPLE \(RSA, SHA1\): the policy, signature, key pair ID or hash algorithm was changed, or another private key signed it$/,
    );
    const ec = {
      ...customCookies(GOOD_POLICY, { keyId: EC_ID, hash: 'SHA256' }),
      'CloudFront-Signature': signatureOf('another policy', { keyId: EC_ID, hash: 'SHA256' }),
    };
    expect(denial(verifyRequest(request({ cookies: ec }))).detail).toContain(
      'does not verify with key KECDSAP256EXAMPLE (ECDSA P-256, SHA256)',
    );
  });
});

describe('canned policies: Expires is whole epoch seconds, 1 to 15 digits', () => {
  const cannedCookies = (url: string, expires: string, signed = expires) => ({
    'CloudFront-Expires': expires,
    'CloudFront-Signature': signatureOf(cannedPolicy(url, Number(signed))),
    'CloudFront-Key-Pair-Id': RSA_ID,
  });

  it('15 digits are read (a signature over them is allowed); 16 digits are not epoch seconds', () => {
    const fifteen = '999999999999999';
    expect(verifyRequest(request({ cookies: cannedCookies(SEGMENT, fifteen) }))).toMatchObject({
      allow: true,
      via: 'cookies',
    });
    const result = denial(verifyRequest(request({ cookies: cannedCookies(SEGMENT, '1000000000000000') })));
    expect(result).toMatchObject({
      code: 'AccessDenied',
      reason: 'malformed-policy',
      detail: 'the CloudFront-Expires cookie is not whole epoch seconds',
    });
  });

  it.each([
    ['empty', ''],
    ['a word', 'soon'],
    ['a sign', '-1800000600'],
    ['a fraction', '1800000600.5'],
    ['an exponent', '18e8'],
    ['text before the digits', 'x1800000600'],
    ['text after the digits', '1800000600x'],
    ['a space', ' 1800000600'],
  ])('%s is refused as not whole epoch seconds (AccessDenied, not MalformedPolicy)', (_name, value) => {
    const url = `${SEGMENT}?Expires=${encodeURIComponent(value)}&Signature=AAAA&Key-Pair-Id=${RSA_ID}`;
    expect(denial(verifyRequest(request({ url })))).toMatchObject({
      code: 'AccessDenied',
      reason: 'malformed-policy',
      detail: 'the Expires query parameter is not whole epoch seconds',
    });
  });

  it('1 digit is read: Expires=9 is a canned policy that expired in 1970', () => {
    const cookies = cannedCookies(SEGMENT, '9');
    expect(denial(verifyRequest(request({ cookies })))).toMatchObject({
      reason: 'expired',
      detail: 'expired at 1970-01-01T00:00:09Z (DateLessThan), now is 2027-01-15T08:00:00Z',
    });
  });
});

describe('times, resource and address in the detail', () => {
  it('an expired policy gives both times in ISO 8601 UTC, to the second', () => {
    const cookies = customCookies(customPolicy({ resource: `${HOST}/media/*`, expires: NOW + 600 }));
    expect(denial(verifyRequest(request({ cookies, now: NOW + 600 })))).toMatchObject({
      reason: 'expired',
      detail: 'expired at 2027-01-15T08:10:00Z (DateLessThan), now is 2027-01-15T08:10:00Z',
    });
  });

  it('a policy not yet valid gives its start and now', () => {
    const cookies = customCookies(customPolicy({ resource: `${HOST}/media/*`, notBefore: NOW + 10 }));
    expect(denial(verifyRequest(request({ cookies })))).toMatchObject({
      code: 'AccessDenied',
      reason: 'not-yet-valid',
      detail: 'not valid before 2027-01-15T08:00:10Z (DateGreaterThan), now is 2027-01-15T08:00:00Z',
    });
  });

  it('a time no Date can show (past year 275760) is given as its epoch seconds', () => {
    const json = customPolicy({
      resource: `${HOST}/media/*`,
      notBefore: 1_000_000_000_000_000,
      expires: 1_000_000_000_000_001,
    });
    expect(denial(verifyRequest(request({ cookies: customCookies(json) }))).detail).toBe(
      'not valid before 1000000000000000 (DateGreaterThan), now is 2027-01-15T08:00:00Z',
    );
  });

  it('a URL outside the resource is named with the resource', () => {
    const result = denial(
      verifyRequest(request({ cookies: good(), url: `${HOST}/media/course-7/seg001.m4s` })),
    );
    expect(result).toMatchObject({
      code: 'AccessDenied',
      reason: 'resource-mismatch',
      detail: `the resource "${HOST}/media/course-42/*" does not cover ${HOST}/media/course-7/seg001.m4s`,
    });
  });

  it('a URL of 300 characters is shown whole; from 301 on, its first 300 and "…"', () => {
    const at300 = `${HOST}/other/`.padEnd(300, 'a');
    expect(at300).toHaveLength(300);
    expect(denial(verifyRequest(request({ cookies: good(), url: at300 }))).detail).toBe(
      `the resource "${HOST}/media/course-42/*" does not cover ${at300}`,
    );
    const at301 = `${at300}b`;
    expect(denial(verifyRequest(request({ cookies: good(), url: at301 }))).detail).toBe(
      `the resource "${HOST}/media/course-42/*" does not cover ${at300}…`,
    );
  });

  it('a client outside the IpAddress range is named with the range', () => {
    const cookies = customCookies(customPolicy({ resource: `${HOST}/media/*`, sourceIp: '192.0.2.0/24' }));
    expect(denial(verifyRequest(request({ cookies, clientIp: '192.0.3.1' })))).toMatchObject({
      code: 'AccessDenied',
      reason: 'ip-mismatch',
      detail: 'client IP 192.0.3.1 is outside 192.0.2.0/24',
    });
  });

  it('a client address that is not an IP never matches a range, and is quoted by its first 45 characters', () => {
    const cookies = customCookies(customPolicy({ resource: `${HOST}/media/*`, sourceIp: '192.0.2.0/24' }));
    expect(denial(verifyRequest(request({ cookies, clientIp: 'unknown' })))).toMatchObject({
      reason: 'ip-mismatch',
      detail: 'client IP "unknown" is not an IP address, so it is not inside 192.0.2.0/24',
    });
    const long = `${'1'.repeat(45)}${'9'.repeat(40)}`;
    expect(denial(verifyRequest(request({ cookies, clientIp: long }))).detail).toBe(
      `client IP "${'1'.repeat(45)}" is not an IP address, so it is not inside 192.0.2.0/24`,
    );
  });
});

describe('policy values the custom-policy pages forbid', () => {
  it("a cookie policy's Resource must begin with http:// or https:// (signed-policy/cookie-resource-scheme)", () => {
    const cookies = customCookies(customPolicy({ resource: '*' }));
    expect(denial(verifyRequest(request({ cookies })))).toMatchObject({
      code: 'AccessDenied',
      reason: 'malformed-policy',
      detail:
        "the cookie policy's Resource must begin with http:// or https:// (signed-policy/cookie-resource-scheme)",
    });
  });

  it('http:// and https:// in capitals are those schemes (URL schemes are case-insensitive, RFC 3986 §3.1)', () => {
    const cookies = customCookies(
      customPolicy({ resource: 'HTTPS://D111111ABCDEF8.CLOUDFRONT.NET/media/*' }),
    );
    expect(verifyRequest(request({ cookies }))).toMatchObject({ allow: true, via: 'cookies' });
    const http = customCookies(customPolicy({ resource: 'Http://d111111abcdef8.cloudfront.net/media/*' }));
    expect(
      verifyRequest(request({ cookies: http, url: 'http://d111111abcdef8.cloudfront.net/media/a.ts' })).allow,
    ).toBe(true);
  });

  it('a signed-URL policy may use *:// (either scheme): the cookie-only scheme rule does not apply', () => {
    const url = customUrl(SEGMENT, customPolicy({ resource: '*://d111111abcdef8.cloudfront.net/media/*' }));
    expect(verifyRequest(request({ url }))).toMatchObject({ allow: true, via: 'signed-url' });
  });

  it('an IPv6 IpAddress is refused even for a viewer inside it, with the rule it breaks', () => {
    const cookies = customCookies(customPolicy({ resource: `${HOST}/media/*`, sourceIp: '2001:db8::/32' }));
    expect(denial(verifyRequest(request({ cookies, clientIp: '2001:db8::1' })))).toMatchObject({
      code: 'AccessDenied',
      reason: 'malformed-policy',
      detail:
        "the policy's IpAddress is IPv6, which CloudFront does not support there (signed-policy/ip-address-ipv4)",
    });
  });

  it('an IPv4 IpAddress is no policy-value problem: a viewer inside it is allowed', () => {
    const cookies = customCookies(customPolicy({ resource: `${HOST}/media/*`, sourceIp: '192.0.2.10/32' }));
    expect(verifyRequest(request({ cookies, clientIp: '192.0.2.10' })).allow).toBe(true);
  });
});

describe('the key named by the key pair ID is the one that must verify', () => {
  it('ECDSA P-256 cookies signed with SHA-256 are allowed; the same cookies naming the RSA key are not', () => {
    const cookies = customCookies(GOOD_POLICY, { keyId: EC_ID, hash: 'SHA256' });
    expect(verifyRequest(request({ cookies }))).toEqual({
      allow: true,
      via: 'cookies',
      keyPairId: EC_ID,
      policy: GOOD_POLICY,
    });
    expect(
      denial(verifyRequest(request({ cookies: { ...cookies, 'CloudFront-Key-Pair-Id': RSA_ID } }))).reason,
    ).toBe('bad-signature');
  });
});
