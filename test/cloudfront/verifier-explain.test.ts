import { explainRequest, verifyRequest } from '../../src/cloudfront/verifier';
import {
  cannedPolicy,
  cannedUrl,
  customCookies,
  customPolicy,
  denial,
  HOST,
  NOW,
  RESOURCE,
  RSA_ID,
  request,
  SEGMENT,
  signatureOf,
} from './verifier-fixtures';

/**
 * `explainRequest` is what `edge-auth inspect` prints: the same decision as verifyRequest, plus
 * what was read (cookies or signed URL, key, policy type, hash, policy, the URL compared) and every
 * check with its outcome. Where CloudFront stops at the first failure, inspect goes on, so one run
 * shows everything that is wrong with a request.
 */

describe('an allowed request, explained', () => {
  it('custom-policy cookies: what was read and each check that passed, in order', () => {
    const json = customPolicy({ resource: RESOURCE });
    const { result, facts } = explainRequest(request({ cookies: customCookies(json) }));
    expect(result).toEqual({ allow: true, via: 'cookies', keyPairId: RSA_ID, policy: json });
    expect(facts).toEqual({
      via: 'cookies',
      keyPairId: RSA_ID,
      policyType: 'custom',
      hashAlgorithm: 'SHA1',
      policy: { resource: RESOURCE, expires: NOW + 600, json },
      matchedUrl: SEGMENT,
      checks: [
        { name: 'key-pair-id', ok: true, detail: 'key pair ID KRSA2048EXAMPLE is trusted' },
        { name: 'policy', ok: true, detail: 'custom policy read (SHA1)' },
        { name: 'signature', ok: true, detail: 'signature verifies with key KRSA2048EXAMPLE (SHA1)' },
        { name: 'expiry', ok: true, detail: 'valid until 2027-01-15T08:10:00Z' },
        { name: 'resource', ok: true, detail: `the resource "${RESOURCE}" covers ${SEGMENT}` },
      ],
    });
  });

  it('a start time and an IP range add their own passed checks', () => {
    const json = customPolicy({ resource: RESOURCE, notBefore: NOW - 60, sourceIp: '192.0.2.0/24' });
    const { result, facts } = explainRequest(request({ cookies: customCookies(json) }));
    expect(result.allow).toBe(true);
    expect(facts.policy).toEqual({
      resource: RESOURCE,
      expires: NOW + 600,
      notBefore: NOW - 60,
      sourceIp: '192.0.2.0/24',
      json,
    });
    expect(facts.checks.slice(3)).toEqual([
      { name: 'expiry', ok: true, detail: 'valid until 2027-01-15T08:10:00Z' },
      { name: 'start', ok: true, detail: 'valid since 2027-01-15T07:59:00Z' },
      { name: 'resource', ok: true, detail: `the resource "${RESOURCE}" covers ${SEGMENT}` },
      { name: 'ip', ok: true, detail: 'client IP 192.0.2.10 is inside 192.0.2.0/24' },
    ]);
  });

  it('a policy without Resource says it covers any URL', () => {
    const json = customPolicy({});
    const { result, facts } = explainRequest(request({ cookies: customCookies(json) }));
    expect(result.allow).toBe(true);
    expect(facts.checks.at(-1)).toEqual({
      name: 'resource',
      ok: true,
      detail: 'the policy has no Resource: any URL',
    });
  });

  it('a canned signed URL: the URL compared is the one without the signing parameters', () => {
    const base = `${HOST}/media/a.mp4?quality=hd`;
    const url = cannedUrl(base, NOW + 60, { hash: 'SHA256' });
    const { result, facts } = explainRequest(request({ url }));
    expect(result).toMatchObject({ allow: true, via: 'signed-url' });
    expect(facts).toMatchObject({
      via: 'signed-url',
      policyType: 'canned',
      hashAlgorithm: 'SHA256',
      matchedUrl: base,
      policy: { resource: base, expires: NOW + 60, json: cannedPolicy(base, NOW + 60) },
    });
    expect(facts.checks[1]).toEqual({ name: 'policy', ok: true, detail: 'canned policy read (SHA256)' });
  });

  it('a cookie request is compared with its whole URL, query included', () => {
    const url = `${SEGMENT}?Hash-Algorithm=SHA256`;
    const { result, facts } = explainRequest(
      request({ url, cookies: customCookies(customPolicy({ resource: RESOURCE })) }),
    );
    expect(result).toMatchObject({ allow: true, via: 'cookies' });
    expect(facts.matchedUrl).toBe(url);
  });
});

describe('a refused request, explained', () => {
  it("every failing check is listed, while the answer is CloudFront's first failure", () => {
    // Signed by another policy, expired, not yet valid, for another path, with an IPv6 range.
    const json = customPolicy({
      resource: `${HOST}/other/*`,
      expires: NOW - 100,
      notBefore: NOW + 100,
      sourceIp: '2001:db8::/32',
    });
    const cookies = { ...customCookies(json), 'CloudFront-Signature': signatureOf('something else') };
    const { result, facts } = explainRequest(request({ cookies }));
    expect(denial(result)).toMatchObject({ code: 'AccessDenied', reason: 'bad-signature' });
    expect(verifyRequest(request({ cookies }))).toEqual(result);
    expect(facts.checks.map((c) => [c.name, c.ok])).toEqual([
      ['key-pair-id', true],
      ['policy', true],
      ['signature', false],
      ['policy-values', false],
      ['expiry', false],
      ['start', false],
      ['resource', false],
      ['ip', false],
    ]);
    expect(facts.checks.slice(3).map((c) => c.detail)).toEqual([
      "the policy's IpAddress is IPv6, which CloudFront does not support there (signed-policy/ip-address-ipv4)",
      'expired at 2027-01-15T07:58:20Z (DateLessThan), now is 2027-01-15T08:00:00Z',
      'not valid before 2027-01-15T08:01:40Z (DateGreaterThan), now is 2027-01-15T08:00:00Z',
      `the resource "${HOST}/other/*" does not cover ${SEGMENT}`,
      'client IP 192.0.2.10 is outside 2001:db8::/32',
    ]);
  });

  it('a missing signature and a malformed one are listed with the cookie they come from', () => {
    const json = customPolicy({ resource: RESOURCE });
    const { 'CloudFront-Signature': _s, ...unsigned } = customCookies(json);
    const missing = explainRequest(request({ cookies: unsigned, now: NOW + 600 }));
    expect(missing.result).toMatchObject({ reason: 'missing-signature' });
    expect(missing.facts.checks.slice(2)).toEqual([
      { name: 'signature', ok: false, detail: 'the CloudFront-Signature cookie is missing or empty' },
      {
        name: 'expiry',
        ok: false,
        detail: 'expired at 2027-01-15T08:10:00Z (DateLessThan), now is 2027-01-15T08:10:00Z',
      },
      { name: 'resource', ok: true, detail: `the resource "${RESOURCE}" covers ${SEGMENT}` },
    ]);
    const malformed = explainRequest(request({ cookies: { ...unsigned, 'CloudFront-Signature': 'a.b' } }));
    expect(malformed.result).toMatchObject({ code: 'MalformedSignature' });
    expect(malformed.facts.checks[2]).toEqual({
      name: 'signature',
      ok: false,
      detail: 'the CloudFront-Signature cookie is not CloudFront base64',
    });
  });

  it('a client address that is not an IP is listed as such', () => {
    const json = customPolicy({ resource: RESOURCE, sourceIp: '192.0.2.0/24' });
    const { facts } = explainRequest(request({ cookies: customCookies(json), clientIp: 'unknown' }));
    expect(facts.checks.at(-1)).toEqual({
      name: 'ip',
      ok: false,
      detail: 'client IP "unknown" is not an IP address, so it is not inside 192.0.2.0/24',
    });
  });
});

describe('refusals that stop at once, explained', () => {
  const good = () => customCookies(customPolicy({ resource: RESOURCE }));

  it('no key pair ID: one failed check, and nothing else was read', () => {
    const { result, facts } = explainRequest(request({ cookies: {} }));
    expect(denial(result).code).toBe('MissingKey');
    expect(facts).toEqual({
      via: 'cookies',
      checks: [
        { name: 'key-pair-id', ok: false, detail: 'the CloudFront-Key-Pair-Id cookie is missing or empty' },
      ],
    });
  });

  it('an unknown key pair ID is kept in the facts and named in its failed check', () => {
    const { facts } = explainRequest(request({ cookies: { ...good(), 'CloudFront-Key-Pair-Id': 'KOTHER' } }));
    expect(facts).toEqual({
      via: 'cookies',
      keyPairId: 'KOTHER',
      checks: [
        {
          name: 'key-pair-id',
          ok: false,
          detail:
            'key pair ID "KOTHER" is not in the trusted key group (trusted: KRSA2048EXAMPLE, KECDSAP256EXAMPLE)',
        },
      ],
    });
  });

  it('an unsupported hash algorithm is a failed hash-algorithm check', () => {
    const { facts } = explainRequest(request({ cookies: { ...good(), 'CloudFront-Hash-Algorithm': 'MD5' } }));
    expect(facts.hashAlgorithm).toBeUndefined();
    expect(facts.checks).toEqual([
      { name: 'key-pair-id', ok: true, detail: 'key pair ID KRSA2048EXAMPLE is trusted' },
      {
        name: 'hash-algorithm',
        ok: false,
        detail: 'the CloudFront-Hash-Algorithm cookie is "MD5"; CloudFront accepts SHA1 or SHA256',
      },
    ]);
  });

  it('a policy that does not decode: a failed policy check, the policy type custom', () => {
    const { facts } = explainRequest(request({ cookies: { ...good(), 'CloudFront-Policy': 'e30.' } }));
    expect(facts).toMatchObject({ policyType: 'custom', hashAlgorithm: 'SHA1', matchedUrl: SEGMENT });
    expect(facts.policy).toBeUndefined();
    expect(facts.checks[1]).toEqual({
      name: 'policy',
      ok: false,
      detail: 'the CloudFront-Policy cookie is not CloudFront base64',
    });
  });

  it('an Expires that is not epoch seconds: a failed policy check, the policy type canned', () => {
    const cookies = {
      'CloudFront-Expires': 'soon',
      'CloudFront-Signature': 'AAAA',
      'CloudFront-Key-Pair-Id': RSA_ID,
    };
    const { facts } = explainRequest(request({ cookies }));
    expect(facts.policyType).toBe('canned');
    expect(facts.checks[1]).toEqual({
      name: 'policy',
      ok: false,
      detail: 'the CloudFront-Expires cookie is not whole epoch seconds',
    });
  });

  it('neither policy nor Expires: a failed policy check', () => {
    const { facts } = explainRequest(request({ url: `${SEGMENT}?Signature=AAAA&Key-Pair-Id=${RSA_ID}` }));
    expect(facts.via).toBe('signed-url');
    expect(facts.policyType).toBeUndefined();
    expect(facts.checks[1]).toEqual({
      name: 'policy',
      ok: false,
      detail: 'the URL has neither a Policy nor an Expires parameter',
    });
    const { 'CloudFront-Policy': _p, ...cookies } = good();
    expect(explainRequest(request({ cookies })).facts.checks[1]).toEqual({
      name: 'policy',
      ok: false,
      detail: 'neither a CloudFront-Policy nor a CloudFront-Expires cookie was sent',
    });
  });
});
