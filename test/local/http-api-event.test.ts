import fc from 'fast-check';
import { fromHttpApiResult, isTextBody, toHttpApiEvent } from '../../src/local/http-api-event';

const base = {
  method: 'POST',
  target: '/auth/login?next=%2Fplayer.html&a=1&a=2',
  rawHeaders: [
    'Host',
    'abc.lambda-url.us-east-1.on.aws',
    'Content-Type',
    'application/x-www-form-urlencoded',
    'Cookie',
    'a=1; b=2',
    'Accept',
    'text/html',
    'accept',
    'application/json',
  ],
  body: Buffer.from('username=alice&password=x'),
  sourceIp: '127.0.0.1',
  domainName: 'abc.lambda-url.us-east-1.on.aws',
  requestId: 'r1',
  now: Date.UTC(2026, 0, 2, 3, 4, 5),
};

describe('the function URL payload (format 2.0)', () => {
  it('has the documented fields', () => {
    const e = toHttpApiEvent(base);
    expect(e.version).toBe('2.0');
    expect(e.routeKey).toBe('$default');
    expect(e.rawPath).toBe('/auth/login');
    expect(e.rawQueryString).toBe('next=%2Fplayer.html&a=1&a=2');
    expect(e.queryStringParameters).toEqual({ next: '/player.html', a: '1,2' });
    expect(e.cookies).toEqual(['a=1', 'b=2']);
    expect(e.headers.cookie).toBeUndefined();
    expect(e.headers.accept).toBe('text/html,application/json');
    expect(e.requestContext.http).toEqual({
      method: 'POST',
      path: '/auth/login',
      protocol: 'HTTP/1.1',
      sourceIp: '127.0.0.1',
      userAgent: '',
    });
    expect(e.requestContext.time).toBe('02/Jan/2026:03:04:05 +0000');
    expect(e.requestContext.timeEpoch).toBe(base.now);
  });

  it('base64-encodes a form body and passes JSON as text', () => {
    const form = toHttpApiEvent(base);
    expect(form.isBase64Encoded).toBe(true);
    expect(Buffer.from(form.body!, 'base64').toString()).toBe('username=alice&password=x');
    const json = toHttpApiEvent({
      ...base,
      rawHeaders: ['Content-Type', 'application/json; charset=utf-8'],
      body: Buffer.from('{"a":1}'),
    });
    expect(json.isBase64Encoded).toBe(false);
    expect(json.body).toBe('{"a":1}');
    const none = toHttpApiEvent({
      ...base,
      method: 'GET',
      rawHeaders: [],
      body: Buffer.alloc(0),
      target: '/auth/session',
    });
    expect(none.body).toBeUndefined();
    expect(none.cookies).toBeUndefined();
    expect(none.queryStringParameters).toBeUndefined();
    expect(none.isBase64Encoded).toBe(false);
  });

  it('knows the text content types', () => {
    expect(isTextBody('text/plain')).toBe(true);
    expect(isTextBody('application/vnd.api+json')).toBe(true);
    expect(isTextBody('application/x-www-form-urlencoded')).toBe(false);
    expect(isTextBody('application/octet-stream')).toBe(false);
    expect(isTextBody(undefined)).toBe(false);
  });

  it('never throws on any target or headers', () => {
    fc.assert(
      fc.property(fc.string(), fc.array(fc.string(), { maxLength: 8 }), (target, raw) => {
        void toHttpApiEvent({ ...base, target, rawHeaders: raw });
      }),
    );
  });
});

describe('the function URL result', () => {
  it('applies status, headers, cookies and a base64 body', () => {
    const r = fromHttpApiResult({
      statusCode: 200,
      headers: { 'Content-Type': 'application/json' },
      cookies: ['a=1; Path=/', 'b=2; Path=/media/demo/'],
      body: Buffer.from('{"ok":true}').toString('base64'),
      isBase64Encoded: true,
    });
    expect(r.status).toBe(200);
    expect(r.headers).toEqual([
      ['content-type', 'application/json'],
      ['set-cookie', 'a=1; Path=/'],
      ['set-cookie', 'b=2; Path=/media/demo/'],
    ]);
    expect(r.body.toString()).toBe('{"ok":true}');
  });

  it('treats a result without statusCode as a JSON body with 200', () => {
    expect(fromHttpApiResult({ hello: 'world' })).toEqual({
      status: 200,
      headers: [['content-type', 'application/json']],
      body: Buffer.from('{"hello":"world"}'),
    });
  });

  it('a malformed result is a 502, never a throw', () => {
    expect(fromHttpApiResult({ statusCode: 'x' }).status).toBe(502);
    expect(fromHttpApiResult({ statusCode: 200, cookies: 'a=1' }).status).toBe(502);
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const r = fromHttpApiResult(value);
        expect(r.status).toBeGreaterThanOrEqual(100);
      }),
    );
  });
});
