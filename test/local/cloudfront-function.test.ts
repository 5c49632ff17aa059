import { join, resolve } from 'node:path';
import fc from 'fast-check';
import {
  fromFunctionResult,
  loadCloudFrontFunction,
  toFunctionEvent,
} from '../../src/local/cloudfront-function';

const ROOT = resolve(__dirname, '../..');

function event(target: string, rawHeaders: string[]) {
  return toFunctionEvent({
    method: 'POST',
    target,
    rawHeaders,
    clientIp: '203.0.113.9',
    distributionDomainName: 'd111111abcdef8.cloudfront.net',
    distributionId: 'EDFDVBD6EXAMPLE',
    requestId: 'r',
  });
}

describe('CloudFront Functions (cloudfront-js-2.0) viewer-request events', () => {
  it('have the documented shape: headers without Cookie, cookies and query as { value } objects', () => {
    const e = event('/auth/login?next=%2Fplayer.html&a=1&a=2', [
      'Host',
      'example.com',
      'Accept',
      'text/html',
      'accept',
      'application/json',
      'Cookie',
      'x=1; y=2',
    ]);
    expect(e.version).toBe('1.0');
    expect(e.context.eventType).toBe('viewer-request');
    expect(e.viewer).toEqual({ ip: '203.0.113.9' });
    expect(e.request.uri).toBe('/auth/login');
    expect(e.request.headers.host).toEqual({ value: 'example.com' });
    expect(e.request.headers.accept).toEqual({
      value: 'text/html',
      multiValue: [{ value: 'text/html' }, { value: 'application/json' }],
    });
    expect(e.request.headers.cookie).toBeUndefined();
    expect(e.request.cookies).toEqual({ x: { value: '1' }, y: { value: '2' } });
    expect(e.request.querystring.next).toEqual({ value: '/player.html' });
    expect(e.request.querystring.a!.multiValue).toEqual([{ value: '1' }, { value: '2' }]);
  });

  it('an unchanged request keeps the query string exactly as the viewer sent it', () => {
    const e = event('/auth/login?next=%2Fplayer.html', ['Host', 'example.com', 'Cookie', 'x=1']);
    const original = structuredClone(e.request);
    expect(fromFunctionResult(e.request, original, '/auth/login?next=%2Fplayer.html')).toEqual({
      kind: 'request',
      target: '/auth/login?next=%2Fplayer.html',
      rawHeaders: ['host', 'example.com', 'cookie', 'x=1'],
    });
  });

  it('a response (numeric statusCode) goes to the viewer; garbage is invalid; nothing throws', () => {
    const e = event('/auth/x', []);
    expect(
      fromFunctionResult({ statusCode: 302, headers: { location: { value: '/' } } }, e.request, '/auth/x'),
    ).toMatchObject({
      kind: 'response',
      status: 302,
      headers: [['location', '/']],
    });
    for (const bad of [
      null,
      'x',
      { uri: 'nope' },
      { statusCode: '200' },
      { uri: '/a', headers: { h: { value: 1 } } },
    ]) {
      expect(fromFunctionResult(bad, e.request, '/auth/x').kind).toBe('invalid');
    }
    fc.assert(fc.property(fc.anything(), (value) => void fromFunctionResult(value, e.request, '/auth/x')));
    fc.assert(
      fc.property(
        fc.string(),
        fc.array(fc.string(), { maxLength: 6 }),
        (target, raw) => void event(target, raw),
      ),
    );
  });

  it("the deployed viewer-host function copies the viewer's Host and overwrites a forged copy", () => {
    const handler = loadCloudFrontFunction(join(ROOT, 'functions', 'cloudfront', 'viewer-host.js'));
    const e = event('/auth/login', ['Host', 'media.example.com', 'X-Auth-Viewer-Host', 'evil.example']);
    const out = fromFunctionResult(handler(e), structuredClone(e.request), '/auth/login');
    expect(out.kind).toBe('request');
    const raw = out.kind === 'request' ? out.rawHeaders : [];
    const values = raw.filter((_, i) => i % 2 === 1 && raw[i - 1] === 'x-auth-viewer-host');
    expect(values).toEqual(['media.example.com']);
  });

  it('the deployed viewer-host function copies event.viewer.ip into x-auth-viewer-ip, overwriting a forged copy', () => {
    const handler = loadCloudFrontFunction(join(ROOT, 'functions', 'cloudfront', 'viewer-host.js'));
    const e = event('/auth/login', ['Host', 'media.example.com', 'X-Auth-Viewer-Ip', '198.51.100.66']);
    const out = fromFunctionResult(handler(e), structuredClone(e.request), '/auth/login');
    const raw = out.kind === 'request' ? out.rawHeaders : [];
    expect(raw.filter((_, i) => i % 2 === 1 && raw[i - 1] === 'x-auth-viewer-ip')).toEqual(['203.0.113.9']);
  });

  it('hides the headers AWS does not expose to edge functions, and shows a viewer-sent CloudFront-Viewer-Country', () => {
    const e = event('/auth/x', [
      'Host',
      'example.com',
      'X-Edge-Foo',
      '1',
      'X-Amz-Cf-Id',
      '2',
      'Connection',
      'keep-alive',
      'CloudFront-Viewer-Country',
      'NZ',
    ]);
    expect(Object.keys(e.request.headers).sort()).toEqual(['cloudfront-viewer-country', 'host']);
  });

  it.each([
    [
      'adds a disallowed header (X-Edge- prefix)',
      { 'x-edge-foo': { value: '1' } },
      /disallowed header "x-edge-foo"/,
    ],
    ['adds X-Amz-Cf-Id', { 'x-amz-cf-id': { value: '1' } }, /disallowed header/],
    ['adds X-Forwarded-Proto', { 'x-forwarded-proto': { value: 'https' } }, /disallowed header/],
    ['writes the read-only Host', { host: { value: 'evil.example' } }, /read-only header "host"/],
    ['adds the read-only Via', { via: { value: '1.1 x' } }, /read-only header "via"/],
  ])('a CloudFront Function result that %s is invalid (CloudFront answers 502)', (_name, extra, reason) => {
    const e = event('/auth/x', ['Host', 'example.com']);
    const original = structuredClone(e.request);
    const result = { ...e.request, headers: { ...e.request.headers, ...extra } };
    const out = fromFunctionResult(result, original, '/auth/x');
    expect(out.kind).toBe('invalid');
    expect(out.kind === 'invalid' ? out.reason : '').toMatch(reason);
  });
});
