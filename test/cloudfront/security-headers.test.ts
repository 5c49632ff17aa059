import { CSP_MAX_LENGTH } from '../../src/cloudfront/aws-rules';
import {
  checkResponseHeaders,
  directive,
  type ResponseHeadersSettings,
  securityHeaders,
  securityHeadersConfig,
  withSecurityHeaders,
} from '../../src/cloudfront/security-headers';
import { resolveSettings } from '../../src/config/settings';

const base = (): ResponseHeadersSettings => structuredClone(resolveSettings('prod').responseHeaders);

describe('security headers from the settings', () => {
  it('gives the local edge and the CloudFormation policy the same values', () => {
    const rh = base();
    const headers = Object.fromEntries(securityHeaders(rh));
    const config = securityHeadersConfig(rh) as Record<string, Record<string, unknown>>;
    expect(headers['content-security-policy']).toBe(config.ContentSecurityPolicy!.ContentSecurityPolicy);
    expect(headers['x-frame-options']).toBe(config.FrameOptions!.FrameOption);
    expect(headers['referrer-policy']).toBe(config.ReferrerPolicy!.ReferrerPolicy);
    expect(headers['strict-transport-security']).toBe(
      `max-age=${config.StrictTransportSecurity!.AccessControlMaxAgeSec}`,
    );
    expect(headers['x-content-type-options']).toBe('nosniff');
  });

  it('overrides what the origin sends, keeps everything else', () => {
    const out = withSecurityHeaders(
      [
        ['Content-Security-Policy', "script-src 'unsafe-inline'"],
        ['content-type', 'text/html'],
      ],
      [['content-security-policy', "default-src 'none'"]],
    );
    expect(out).toEqual([
      ['content-type', 'text/html'],
      ['content-security-policy', "default-src 'none'"],
    ]);
  });

  it('reads CSP directives', () => {
    expect(directive("default-src 'none'; worker-src blob:", 'worker-src')).toEqual(['blob:']);
    expect(directive("default-src 'none'", 'media-src')).toBeUndefined();
  });

  it('refuses settings CloudFront would refuse, naming the field', () => {
    const long = base();
    long.contentSecurityPolicy = `${long.contentSecurityPolicy}; img-src ${'x'.repeat(CSP_MAX_LENGTH.value)}`;
    expect(checkResponseHeaders(long).map(([f]) => f)).toEqual(['contentSecurityPolicy']);
    const framed = base();
    framed.contentSecurityPolicy = "default-src 'self'";
    expect(checkResponseHeaders(framed)).toEqual([['contentSecurityPolicy', 'must set frame-ancestors']]);
    const bad = {
      ...base(),
      frameOptions: 'ALLOW-FROM x',
      referrerPolicy: 'never',
    } as unknown as ResponseHeadersSettings;
    expect(checkResponseHeaders(bad).map(([f]) => f)).toEqual(['frameOptions', 'referrerPolicy']);
    const raw = jest.requireActual('../../config/settings.json') as { stages: Record<string, object> };
    const source = {
      ...raw,
      stages: { ...raw.stages, x: { responseHeaders: { frameOptions: 'ALLOWALL' } } },
    };
    expect(() => resolveSettings('x', source)).toThrow(
      /responseHeaders.frameOptions must be one of DENY, SAMEORIGIN/,
    );
  });

  it('names a bad originAccess', () => {
    const raw = jest.requireActual('../../config/settings.json') as { stages: Record<string, object> };
    const source = { ...raw, stages: { ...raw.stages, x: { originAccess: 'public' } } };
    expect(() => resolveSettings('x', source)).toThrow(
      /originAccess must be one of "oai", "oai\+oac", "oac"/,
    );
  });
});
