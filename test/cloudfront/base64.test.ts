import fc from 'fast-check';
import {
  CloudFrontBase64Error,
  decodeCloudFrontBase64,
  encodeCloudFrontBase64,
} from '../../src/cloudfront/base64';

describe('CloudFront URL-safe base64', () => {
  it('maps + = / to - _ ~ (the AWS guide table)', () => {
    // 0xfb 0xff 0xbf is "+/+/" in standard base64; one byte gives "==" padding.
    expect(encodeCloudFrontBase64(Buffer.from([0xfb, 0xff, 0xbf]))).toBe('-~-~');
    expect(encodeCloudFrontBase64(Buffer.from([0xff]))).toBe('~w__');
    expect(decodeCloudFrontBase64('-~-~')).toEqual(Buffer.from([0xfb, 0xff, 0xbf]));
  });

  it("decodes the AWS guide's example CloudFront-Policy cookie", () => {
    const fromGuide =
      'eyJTdGF0ZW1lbnQiOlt7IlJlc291cmNlIjoiaHR0cDovL2QxMTExMTFhYmNkZWY4LmNsb3VkZnJvbnQubmV0L2dhbWVfZG93bmxvYWQuemlwIiwiQ29uZGl0aW9uIjp7IklwQWRkcmVzcyI6eyJBV1M6U291cmNlSXAiOiIxOTIuMC4yLjAvMjQifSwiRGF0ZUxlc3NUaGFuIjp7IkFXUzpFcG9jaFRpbWUiOjE0MjY1MDAwMDB9fX1dfQ__';
    expect(decodeCloudFrontBase64(fromGuide).toString('utf8')).toBe(
      '{"Statement":[{"Resource":"http://d111111abcdef8.cloudfront.net/game_download.zip","Condition":{"IpAddress":{"AWS:SourceIp":"192.0.2.0/24"},"DateLessThan":{"AWS:EpochTime":1426500000}}}]}',
    );
  });

  it('round-trips any bytes, with or without padding', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const encoded = encodeCloudFrontBase64(Buffer.from(bytes));
        expect(encoded).toMatch(/^[A-Za-z0-9~-]*_{0,2}$/);
        expect(decodeCloudFrontBase64(encoded)).toEqual(Buffer.from(bytes));
        expect(decodeCloudFrontBase64(encoded.replace(/_+$/, ''))).toEqual(Buffer.from(bytes));
      }),
    );
  });

  it('agrees with Node base64 after the character swap', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const standard = Buffer.from(bytes).toString('base64');
        expect(encodeCloudFrontBase64(Buffer.from(bytes))).toBe(
          standard.replaceAll('+', '-').replaceAll('=', '_').replaceAll('/', '~'),
        );
      }),
    );
  });

  it.each([
    ['a+b/', 'standard base64 characters'],
    ['ab=c', 'padding inside'],
    ['a_bc', 'padding inside'],
    ['abcde', 'impossible length'],
    ['abc__', 'too much padding'],
    ['ab_', 'padding that does not complete a group'],
    ['abcd_', 'padding after a full group'],
    ['ab c', 'a space'],
  ])('refuses %j (%s)', (text) => {
    expect(() => decodeCloudFrontBase64(text)).toThrow(CloudFrontBase64Error);
  });

  it('returns bytes or CloudFrontBase64Error for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        try {
          expect(Buffer.isBuffer(decodeCloudFrontBase64(text))).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(CloudFrontBase64Error);
          expect((error as CloudFrontBase64Error).code).toBe('ERR_CF_BASE64');
        }
      }),
      { numRuns: 500 },
    );
  });
});
