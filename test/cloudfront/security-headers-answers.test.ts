import {
  checkResponseHeaders,
  directive,
  type ResponseHeadersSettings,
  securityHeaders,
  securityHeadersConfig,
} from '../../src/cloudfront/security-headers';

/**
 * Exact answers of the response-headers settings: each refusal's field and message, the boundary
 * of CloudFront's CSP quota (1,783 characters, "Quotas on response headers policies"), the
 * Strict-Transport-Security value as browsers read it, and the CloudFormation policy in full.
 */
const CSP = "default-src 'self'; frame-ancestors 'none'";
const settings = (over: Partial<ResponseHeadersSettings> = {}): ResponseHeadersSettings => ({
  contentSecurityPolicy: CSP,
  strictTransportSecurity: { maxAgeSeconds: 31_536_000, includeSubdomains: false, preload: false },
  frameOptions: 'DENY',
  referrerPolicy: 'no-referrer',
  ...over,
});

describe('checkResponseHeaders', () => {
  it('accepts usable settings', () => {
    expect(checkResponseHeaders(settings())).toEqual([]);
  });

  it.each([
    ['an empty policy', ''],
    ['a blank policy', ' \t '],
    ['no policy at all', undefined as unknown as string],
  ])('requires a Content-Security-Policy: %s', (_name, csp) => {
    expect(checkResponseHeaders(settings({ contentSecurityPolicy: csp }))).toEqual([
      ['contentSecurityPolicy', 'is required'],
    ]);
  });

  it('takes a policy of exactly 1,783 characters and refuses one more, saying both lengths', () => {
    const exact = `${CSP}; img-src ${'x'.repeat(1783 - CSP.length - 10)}`;
    expect(exact.length).toBe(1783);
    expect(checkResponseHeaders(settings({ contentSecurityPolicy: exact }))).toEqual([]);
    expect(checkResponseHeaders(settings({ contentSecurityPolicy: `${exact}x` }))).toEqual([
      ['contentSecurityPolicy', 'is 1784 characters; CloudFront takes at most 1783'],
    ]);
  });

  it.each([
    ['a newline', `${CSP};\nimg-src 'self'`],
    ['a NUL', `${CSP};\u0000`],
    ['a DEL', `${CSP};\u007f`],
    ['a unit separator', `${CSP};\u001f`],
  ])('refuses a policy with %s', (_name, csp) => {
    expect(checkResponseHeaders(settings({ contentSecurityPolicy: csp }))).toEqual([
      ['contentSecurityPolicy', 'must be one line'],
    ]);
  });

  it('refuses a policy without frame-ancestors (the pages must not be framed)', () => {
    expect(checkResponseHeaders(settings({ contentSecurityPolicy: "default-src 'self'" }))).toEqual([
      ['contentSecurityPolicy', 'must set frame-ancestors'],
    ]);
  });

  it.each([
    ['negative', { maxAgeSeconds: -1, includeSubdomains: false, preload: false }],
    ['not an integer', { maxAgeSeconds: 1.5, includeSubdomains: false, preload: false }],
    ['missing', undefined],
  ])('refuses a Strict-Transport-Security max age that is %s', (_name, hsts) => {
    expect(
      checkResponseHeaders(
        settings({ strictTransportSecurity: hsts as ResponseHeadersSettings['strictTransportSecurity'] }),
      ),
    ).toEqual([['strictTransportSecurity.maxAgeSeconds', 'must be a non-negative integer']]);
  });

  it('takes a max age of 0 (turns HSTS off in browsers)', () => {
    expect(
      checkResponseHeaders(
        settings({ strictTransportSecurity: { maxAgeSeconds: 0, includeSubdomains: false, preload: false } }),
      ),
    ).toEqual([]);
  });

  it('names the values CloudFront takes when a frame option or referrer policy is not one', () => {
    const bad = settings({ frameOptions: 'deny' as 'DENY', referrerPolicy: 'No-Referrer' });
    expect(checkResponseHeaders(bad)).toEqual([
      ['frameOptions', 'must be one of DENY, SAMEORIGIN'],
      [
        'referrerPolicy',
        'must be one of no-referrer, no-referrer-when-downgrade, origin, origin-when-cross-origin, same-origin, strict-origin, strict-origin-when-cross-origin, unsafe-url',
      ],
    ]);
  });

  it('takes SAMEORIGIN and every referrer policy CloudFront lists', () => {
    for (const referrerPolicy of ['strict-origin-when-cross-origin', 'unsafe-url', 'same-origin'])
      expect(checkResponseHeaders(settings({ frameOptions: 'SAMEORIGIN', referrerPolicy }))).toEqual([]);
  });
});

describe('directive', () => {
  it('finds a directive in any case, after spaces, among empty parts', () => {
    expect(directive(";;  Frame-Ancestors   'self'  https://a.example ; x", 'frame-ancestors')).toEqual([
      "'self'",
      'https://a.example',
    ]);
  });

  it('gives an empty list for a directive without sources, and the first of two', () => {
    expect(directive('upgrade-insecure-requests', 'upgrade-insecure-requests')).toEqual([]);
    expect(directive('img-src a; img-src b', 'img-src')).toEqual(['a']);
  });

  it('does not take a directive for another that starts like it', () => {
    expect(directive("frame-ancestors-x 'self'", 'frame-ancestors')).toBeUndefined();
  });
});

describe('the headers and the CloudFormation policy', () => {
  it('writes Strict-Transport-Security with includeSubDomains and preload as browsers read them', () => {
    const hsts = (includeSubdomains: boolean, preload: boolean) =>
      new Map(
        securityHeaders(
          settings({ strictTransportSecurity: { maxAgeSeconds: 63, includeSubdomains, preload } }),
        ),
      ).get('strict-transport-security');
    expect(hsts(false, false)).toBe('max-age=63');
    expect(hsts(true, false)).toBe('max-age=63; includeSubDomains');
    expect(hsts(false, true)).toBe('max-age=63; preload');
    expect(hsts(true, true)).toBe('max-age=63; includeSubDomains; preload');
  });

  it('sends the five headers, in the policy order', () => {
    expect(securityHeaders(settings())).toEqual([
      ['strict-transport-security', 'max-age=31536000'],
      ['x-content-type-options', 'nosniff'],
      ['x-frame-options', 'DENY'],
      ['referrer-policy', 'no-referrer'],
      ['content-security-policy', CSP],
    ]);
  });

  it('writes the SecurityHeadersConfig, every header overriding the origin', () => {
    const rh = settings({
      strictTransportSecurity: { maxAgeSeconds: 600, includeSubdomains: true, preload: false },
      frameOptions: 'SAMEORIGIN',
      referrerPolicy: 'same-origin',
    });
    expect(securityHeadersConfig(rh)).toEqual({
      StrictTransportSecurity: {
        AccessControlMaxAgeSec: 600,
        IncludeSubdomains: true,
        Preload: false,
        Override: true,
      },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'SAMEORIGIN', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'same-origin', Override: true },
      ContentSecurityPolicy: { ContentSecurityPolicy: CSP, Override: true },
    });
  });
});
