import fc from 'fast-check';
import {
  applyViewerRequestResult,
  type CloudFrontRequest,
  MAX_GENERATED_RESPONSE_BYTES,
  splitTarget,
  toViewerRequestEvent,
} from '../../src/local/cloudfront-event';
import sample from './fixtures/viewer-request.json';

// The documented sample viewer-request event (CloudFront Developer Guide, "Lambda@Edge event structure").
const SAMPLE = sample as unknown as { Records: [{ cf: { request: CloudFrontRequest } }] };

function event(target = '/media/demo/index.m3u8?x=1', extra: string[] = []) {
  return toViewerRequestEvent({
    method: 'GET',
    target,
    rawHeaders: [
      'Host',
      'd111111abcdef8.cloudfront.net',
      'User-Agent',
      'curl/7.66.0',
      'accept',
      '*/*',
      ...extra,
    ],
    clientIp: '203.0.113.178',
    distributionDomainName: 'd111111abcdef8.cloudfront.net',
    distributionId: 'EDFDVBD6EXAMPLE',
    requestId: 'req',
  });
}

describe('the viewer-request event', () => {
  it('has the documented shape', () => {
    const e = event('/');
    const { config, request } = e.Records[0]!.cf;
    expect(config.eventType).toBe('viewer-request');
    expect(Object.keys(config).sort()).toEqual([
      'distributionDomainName',
      'distributionId',
      'eventType',
      'requestId',
    ]);
    expect(request).toEqual(SAMPLE.Records[0].cf.request);
  });

  it('splits the query string without its "?" and keeps repeated headers as a list in order', () => {
    const { request } = event('/media/a.m3u8?b=2&a=1#frag', ['Cookie', 'a=1', 'cookie', 'b=2']).Records[0]!
      .cf;
    expect(request.uri).toBe('/media/a.m3u8');
    expect(request.querystring).toBe('b=2&a=1');
    expect(request.headers.cookie).toEqual([
      { key: 'Cookie', value: 'a=1' },
      { key: 'cookie', value: 'b=2' },
    ]);
  });

  it('hides disallowed headers from the function', () => {
    const { request } = event('/', [
      'Connection',
      'keep-alive',
      'X-Amz-Cf-Id',
      'x',
      'X-Forwarded-Proto',
      'https',
    ]).Records[0]!.cf;
    expect(request.headers.connection).toBeUndefined();
    expect(request.headers['x-amz-cf-id']).toBeUndefined();
    expect(request.headers['x-forwarded-proto']).toBeUndefined();
  });

  it('splitTarget never throws, keeps "?" out of the uri and the first "?" out of the query', () => {
    fc.assert(
      fc.property(fc.string(), (target) => {
        const { uri, querystring } = splitTarget(target);
        expect(uri.includes('?')).toBe(false);
        const noFragment = target.split('#')[0]!;
        // Everything after the first "?" is the query string, without that "?".
        if (noFragment.includes('?')) expect(querystring).toBe(noFragment.slice(noFragment.indexOf('?') + 1));
        else expect(querystring).toBe('');
      }),
    );
  });
});

describe("CloudFront's rules for the function's result", () => {
  const original = () => structuredClone(event().Records[0]!.cf.request);

  it('passes a request on, with the changes the function may make', () => {
    const request = original();
    delete request.headers.accept;
    request.uri = '/media/demo/other.m3u8';
    const outcome = applyViewerRequestResult(request, original());
    expect(outcome).toMatchObject({ kind: 'forward', request: { uri: '/media/demo/other.m3u8' } });
  });

  it('sends a generated response with a string status', () => {
    const outcome = applyViewerRequestResult(
      {
        status: '403',
        statusDescription: 'Forbidden',
        headers: { 'cache-control': [{ key: 'Cache-Control', value: 'no-store' }] },
        body: '{}',
      },
      original(),
    );
    expect(outcome).toEqual({
      kind: 'respond',
      status: 403,
      headers: [['Cache-Control', 'no-store']],
      body: Buffer.from('{}'),
    });
  });

  it('decodes a base64 body', () => {
    const outcome = applyViewerRequestResult(
      { status: '200', body: Buffer.from('hi').toString('base64'), bodyEncoding: 'base64' },
      original(),
    );
    expect(outcome).toMatchObject({ kind: 'respond', body: Buffer.from('hi') });
  });

  it.each([
    ['a status that is not HTTP', { status: '42' }],
    ['a status below 200', { status: '199' }],
    ['a status above 599', { status: 600 }],
    ['a 204 with a body', { status: '204', body: 'x' }],
    ['a generated body over 40 KB', { status: '200', body: 'x'.repeat(MAX_GENERATED_RESPONSE_BYTES + 1) }],
    [
      'a disallowed response header',
      { status: '200', headers: { 'x-cache': [{ key: 'X-Cache', value: 'hit' }] } },
    ],
    [
      'an upper-case header key',
      { status: '200', headers: { 'Cache-Control': [{ key: 'Cache-Control', value: 'x' }] } },
    ],
    ['an unknown body encoding', { status: '200', body: 'x', bodyEncoding: 'gzip' }],
  ])('refuses %s with a 502', (_name, result) => {
    expect(applyViewerRequestResult(result, original())).toMatchObject({ kind: 'invalid', status: 502 });
  });

  it.each([
    [
      'changes Host',
      (r: CloudFrontRequest) => {
        r.headers.host = [{ key: 'Host', value: 'evil.example' }];
      },
    ],
    [
      'removes Host',
      (r: CloudFrontRequest) => {
        delete r.headers.host;
      },
    ],
    [
      'adds Via',
      (r: CloudFrontRequest) => {
        r.headers.via = [{ key: 'Via', value: '1.1 x' }];
      },
    ],
    [
      'adds Content-Length',
      (r: CloudFrontRequest) => {
        r.headers['content-length'] = [{ key: 'Content-Length', value: '1' }];
      },
    ],
    [
      'adds X-Amz-Cf-Id',
      (r: CloudFrontRequest) => {
        r.headers['x-amz-cf-id'] = [{ key: 'X-Amz-Cf-Id', value: '1' }];
      },
    ],
    [
      'adds Connection',
      (r: CloudFrontRequest) => {
        r.headers.connection = [{ key: 'Connection', value: 'close' }];
      },
    ],
    [
      'puts "?" in the uri',
      (r: CloudFrontRequest) => {
        r.uri = '/media/a?b';
      },
    ],
    [
      'puts a space in the query',
      (r: CloudFrontRequest) => {
        r.querystring = 'a=b c';
      },
    ],
    [
      'changes the method',
      (r: CloudFrontRequest) => {
        (r as { method: string }).method = 'POST';
      },
    ],
    [
      'makes the uri 8 KB long',
      (r: CloudFrontRequest) => {
        r.uri = `/${'a'.repeat(8192)}`;
      },
    ],
  ])('a request that %s is a 502', (_name, change) => {
    const request = original();
    change(request);
    expect(applyViewerRequestResult(request, original())).toMatchObject({ kind: 'invalid', status: 502 });
  });

  it('refuses null, strings and arrays, and never throws on anything', () => {
    for (const value of [null, undefined, 'x', [], 42]) {
      expect(applyViewerRequestResult(value, original())).toMatchObject({ kind: 'invalid' });
    }
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const outcome = applyViewerRequestResult(value, original());
        expect(['forward', 'respond', 'invalid']).toContain(outcome.kind);
      }),
    );
  });
});

describe('generated responses: claims no AWS page makes are not enforced', () => {
  it('a Via header in a generated response passes (AWS lists read-only headers only for request and viewer-response events)', () => {
    const out = applyViewerRequestResult(
      { status: '200', headers: { via: [{ key: 'Via', value: 'x' }] }, body: 'ok' },
      structuredClone(event().Records[0]!.cf.request),
    );
    expect(out).toMatchObject({ kind: 'respond', status: 200 });
  });
});
