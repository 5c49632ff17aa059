import {
  CloudFrontBase64Error,
  decodeCloudFrontBase64,
  encodeCloudFrontBase64,
  tryDecodeCloudFrontBase64,
} from '../../src/cloudfront/base64';

/** The refusal `decodeCloudFrontBase64(text)` throws, as code, name and message. */
function refusal(text: unknown): { code: string; name: string; message: string } {
  try {
    decodeCloudFrontBase64(text as string);
  } catch (error) {
    expect(error).toBeInstanceOf(CloudFrontBase64Error);
    const { code, name, message } = error as CloudFrontBase64Error;
    return { code, name, message };
  }
  throw new Error(`${JSON.stringify(text)} was decoded`);
}

describe('each refusal of CloudFront base64 names its problem (ERR_CF_BASE64)', () => {
  it.each([
    ['a+b/', 'standard base64 + and /'],
    ['ab=c', 'a standard = pad'],
    ['a_bc', 'a pad before data'],
    ['a_b_', 'a pad between data'],
    ['a___', 'three pads'],
    ['ab c', 'a space'],
    [' abc', 'a space before the data'],
    ['abc ', 'a space after the data'],
  ])('%j (%s): characters outside CloudFront base64', (text) => {
    expect(refusal(text)).toEqual({
      code: 'ERR_CF_BASE64',
      name: 'CloudFrontBase64Error',
      message: 'contains characters outside CloudFront base64',
    });
  });

  it.each([
    ['ab_', 'a 3-character group'],
    ['abcd_', 'a pad after a full group'],
    ['abc__', 'two pads after 3 characters'],
    ['abcd__', 'two pads after a full group'],
    ['__', 'pads alone'],
  ])('%j (%s): padding that does not complete a 4-character group', (text) => {
    expect(refusal(text).message).toBe('padding does not complete a 4-character group');
  });

  it.each([
    ['a', 'one character'],
    ['abcde', 'a full group and one character'],
    ['abcd-~-~a', 'two full groups and one character'],
  ])('%j (%s): no base64 encoder writes 4n+1 characters', (text) => {
    expect(refusal(text).message).toBe('length is not a valid base64 length');
  });

  it('a value that is not a string (a repeated query parameter, a JSON number) is refused as such', () => {
    expect(refusal(['abcd']).message).toBe('not a string');
    expect(refusal(1234).message).toBe('not a string');
    expect(refusal(undefined).message).toBe('not a string');
  });
});

describe('what CloudFront base64 accepts at its edges', () => {
  it('one or two pads that complete the last group, or none at all', () => {
    // "/w" + "==" is 0xff; "~~8" + "=" is 0xff 0xff.
    expect(decodeCloudFrontBase64('~w__')).toEqual(Buffer.from([0xff]));
    expect(decodeCloudFrontBase64('~w')).toEqual(Buffer.from([0xff]));
    expect(decodeCloudFrontBase64('~~8_')).toEqual(Buffer.from([0xff, 0xff]));
    expect(decodeCloudFrontBase64('~~8')).toEqual(Buffer.from([0xff, 0xff]));
    expect(decodeCloudFrontBase64('')).toEqual(Buffer.alloc(0));
  });

  it('- and ~ decode to the bytes that + and / stand for', () => {
    // "+" is 62 (111110), "/" is 63 (111111): "-~~~" is 111110 111111 111111 111111.
    expect(decodeCloudFrontBase64('-~~~')).toEqual(Buffer.from([0xfb, 0xff, 0xff]));
    expect(decodeCloudFrontBase64('~---')).toEqual(Buffer.from([0xff, 0xef, 0xbe]));
  });
});

describe('encoding text', () => {
  it('encodes a string as its UTF-8 bytes', () => {
    // "é" is C3 A9 in UTF-8: standard base64 "w6k=".
    expect(encodeCloudFrontBase64('é')).toBe('w6k_');
    expect(encodeCloudFrontBase64('{"Statement":[]}')).toBe('eyJTdGF0ZW1lbnQiOltdfQ__');
  });
});

describe('tryDecodeCloudFrontBase64 (how the verifier reads a Signature or Policy)', () => {
  it('gives the bytes of valid text', () => {
    expect(tryDecodeCloudFrontBase64('~w__')).toEqual(Buffer.from([0xff]));
  });

  it('gives undefined, not an exception, for text it refuses', () => {
    expect(tryDecodeCloudFrontBase64('a+b/')).toBeUndefined();
    expect(tryDecodeCloudFrontBase64('abcde')).toBeUndefined();
  });
});
