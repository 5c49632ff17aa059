import { createPublicKey } from 'node:crypto';
import { encodeCloudFrontBase64 } from '../../src/cloudfront/base64';
import {
  setSignatureCache,
  stripSigningParams,
  trustedKeysFromPem,
  verifyRequest,
} from '../../src/cloudfront/verifier';
import {
  cannedUrl,
  customCookies,
  customPolicy,
  customUrl,
  denial,
  EC_ID,
  HOST,
  keys,
  NOW,
  RESOURCE,
  RSA_ID,
  request,
  SEGMENT,
  signatureOf,
} from './verifier-fixtures';

/**
 * How the verifier reads a request: signed-URL query parameters (decoded like a form, the first of
 * a repeated name counts), the base URL a canned policy was made from, the trusted key group, and
 * the verified-signature cache, which must never change an answer.
 */
const good = () => customCookies(customPolicy({ resource: RESOURCE }));

describe('signed-URL query parameters', () => {
  it('a repeated parameter: the first one counts', () => {
    const url = cannedUrl(SEGMENT, NOW + 60);
    expect(verifyRequest(request({ url: `${url}&Key-Pair-Id=KOTHER` })).allow).toBe(true);
    const swapped = url.replace(`Key-Pair-Id=${RSA_ID}`, `Key-Pair-Id=KOTHER&Key-Pair-Id=${RSA_ID}`);
    expect(denial(verifyRequest(request({ url: swapped })))).toMatchObject({
      code: 'InvalidKey',
      detail: expect.stringContaining('key pair ID "KOTHER"'),
    });
  });

  it('values are percent-decoded, "+" read as a space', () => {
    const encoded = cannedUrl(SEGMENT, NOW + 60).replace(
      `Key-Pair-Id=${RSA_ID}`,
      'Key-Pair-Id=%4BRSA2048EXAMPLE',
    );
    expect(verifyRequest(request({ url: encoded })).allow).toBe(true);
    const url = `${SEGMENT}?Expires=${NOW + 60}&Signature=AAAA&Key-Pair-Id=A+B+C`;
    expect(denial(verifyRequest(request({ url }))).detail).toMatch(/^key pair ID "A B C" is not in/);
  });

  it('a value whose percent-escapes do not decode is taken as written', () => {
    const url = `${SEGMENT}?Expires=${NOW + 60}&Signature=AAAA&Key-Pair-Id=%E0%A4%A`;
    expect(denial(verifyRequest(request({ url })))).toMatchObject({
      code: 'InvalidKey',
      detail: expect.stringMatching(/^key pair ID "%E0%A4%A" is not in/),
    });
  });

  it('a path that holds "&Key-Pair-Id=" but no "?" has no query: the cookies are read', () => {
    const url = `${HOST}/media/course-42/a&Key-Pair-Id=${RSA_ID}&Expires=${NOW + 60}`;
    expect(verifyRequest(request({ url, cookies: good() }))).toMatchObject({ allow: true, via: 'cookies' });
    expect(denial(verifyRequest(request({ url }))).detail).toBe(
      'the CloudFront-Key-Pair-Id cookie is missing or empty',
    );
  });

  it('a Hash-Algorithm parameter alone does not make a signed URL: the cookies decide', () => {
    const url = `${SEGMENT}?Hash-Algorithm=SHA256`;
    expect(verifyRequest(request({ url, cookies: good() }))).toMatchObject({ allow: true, via: 'cookies' });
  });

  it('a URL pasted with a #fragment is judged without it', () => {
    const url = cannedUrl(`${HOST}/media/a.mp4`, NOW + 60);
    expect(verifyRequest(request({ url: `${url}#t=30` }))).toMatchObject({ allow: true, via: 'signed-url' });
    const custom = customUrl(`${HOST}/media/course-42/a.mp4`, customPolicy({ resource: RESOURCE }));
    expect(verifyRequest(request({ url: `${custom}#Key-Pair-Id=KOTHER` })).allow).toBe(true);
  });
});

describe('stripSigningParams: the base URL a signed URL was made from', () => {
  it('a URL without a query is its own base URL', () => {
    expect(stripSigningParams(`${HOST}/media/a.mp4`)).toBe(`${HOST}/media/a.mp4`);
  });

  it('keeps the viewer query in its order, drops a fragment and empty pieces', () => {
    expect(stripSigningParams(`${HOST}/a?x=1&&Expires=5&y=2&#t=30`)).toBe(`${HOST}/a?x=1&y=2`);
    expect(stripSigningParams(`${HOST}/a?&Policy=p&x=1`)).toBe(`${HOST}/a?x=1`);
  });

  it('drops signing parameters written without a value or percent-encoded, and nothing else', () => {
    expect(stripSigningParams(`${HOST}/a?Expires&Signature=&Key%2DPair%2DId=K&Expiresx=1&x=Policy`)).toBe(
      `${HOST}/a?Expiresx=1&x=Policy`,
    );
  });
});

describe('the trusted key group from PEM text', () => {
  const ecPem = keys.text('ecdsa-p256.pub.pem');
  const ecCookies = () => customCookies(customPolicy({ resource: RESOURCE }), { keyId: EC_ID });

  it('from a Map or a list of [key pair ID, PEM] pairs, as from a record', () => {
    for (const pems of [
      new Map([[EC_ID, ecPem]]),
      [[EC_ID, ecPem]] as [string, string][],
      { [EC_ID]: ecPem },
    ]) {
      const trustedKeys = trustedKeysFromPem(pems);
      expect([...trustedKeys.keys()]).toEqual([EC_ID]);
      expect(verifyRequest(request({ cookies: ecCookies(), trustedKeys })).allow).toBe(true);
    }
  });

  it('a key CloudFront cannot hold (Ed25519), handed over as a KeyObject, verifies nothing', () => {
    // trustedKeysFromPem refuses such a key; a caller that builds the Map itself is not stopped, and
    // node:crypto throws for Ed25519 with a digest: the answer must still be a refusal.
    const trustedKeys = new Map([[RSA_ID, createPublicKey(keys.text('ed25519.pub.pem'))]]);
    expect(denial(verifyRequest(request({ cookies: good(), trustedKeys })))).toMatchObject({
      code: 'AccessDenied',
      reason: 'bad-signature',
    });
  });

  it('a PEM that is not a public key names its key pair ID', () => {
    expect(() => trustedKeysFromPem({ K1: 'not a key' })).toThrow(/^public key K1: /);
  });
});

describe('the verified-signature cache never changes an answer', () => {
  afterEach(() => setSignatureCache(true));

  it('a refused signature is refused again, also after the genuine one was allowed', () => {
    const genuine = good();
    const forged = { ...genuine, 'CloudFront-Signature': signatureOf('another policy') };
    for (let i = 0; i < 2; i++)
      expect(denial(verifyRequest(request({ cookies: forged }))).reason).toBe('bad-signature');
    expect(verifyRequest(request({ cookies: genuine })).allow).toBe(true);
    expect(denial(verifyRequest(request({ cookies: forged }))).reason).toBe('bad-signature');
  });

  it('policy bytes that read as the same text as signed ones (U+FFFD) are still checked as bytes', () => {
    // A policy whose Resource holds U+FFFD (EF BF BD), and the same policy with an invalid byte (FF)
    // in its place: both decode to the same JavaScript string, but only the first was signed.
    const json = customPolicy({ resource: `${HOST}/media/\uFFFD*` });
    const signed = Buffer.from(json, 'utf8');
    const at = signed.indexOf(Buffer.from([0xef, 0xbf, 0xbd]));
    const other = Buffer.concat([signed.subarray(0, at), Buffer.from([0xff]), signed.subarray(at + 3)]);
    const cookies = (bytes: Buffer) => ({
      'CloudFront-Policy': encodeCloudFrontBase64(bytes),
      'CloudFront-Signature': signatureOf(signed),
      'CloudFront-Key-Pair-Id': RSA_ID,
    });
    const url = `${HOST}/media/\uFFFDa.ts`;
    expect(denial(verifyRequest(request({ url, cookies: cookies(other) }))).reason).toBe('bad-signature');
    expect(verifyRequest(request({ url, cookies: cookies(signed) })).allow).toBe(true);
    expect(denial(verifyRequest(request({ url, cookies: cookies(other) }))).reason).toBe('bad-signature');
  });

  it('with the cache off, the same cookies get the same answers', () => {
    setSignatureCache(false);
    const genuine = good();
    const forged = { ...genuine, 'CloudFront-Signature': signatureOf('another policy') };
    for (let i = 0; i < 2; i++) {
      expect(verifyRequest(request({ cookies: genuine })).allow).toBe(true);
      expect(denial(verifyRequest(request({ cookies: forged }))).reason).toBe('bad-signature');
    }
  });
});
