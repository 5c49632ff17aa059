import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { etagMatches, keyFromUri, LocalBucket, parseRange } from '../../src/local/origin';

async function bodyOf(response: { body?: unknown }): Promise<Buffer> {
  const body = response.body;
  if (body === undefined) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('parseRange (RFC 9110 byte ranges, single range as S3 serves)', () => {
  it.each([
    ['bytes=0-99', 1000, { kind: 'range', start: 0, end: 99 }],
    ['bytes=900-', 1000, { kind: 'range', start: 900, end: 999 }],
    ['bytes=-100', 1000, { kind: 'range', start: 900, end: 999 }],
    ['bytes=-5000', 1000, { kind: 'range', start: 0, end: 999 }],
    ['bytes=990-5000', 1000, { kind: 'range', start: 990, end: 999 }],
    ['bytes=1000-', 1000, { kind: 'unsatisfiable' }],
    ['bytes=-0', 1000, { kind: 'unsatisfiable' }],
    ['bytes=5-1', 1000, { kind: 'none' }],
    ['bytes=0-1,5-6', 1000, { kind: 'none' }],
    ['items=0-1', 1000, { kind: 'none' }],
    ['bytes=abc', 1000, { kind: 'none' }],
  ])('%s of %d bytes', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });

  it('never throws, and a range it returns lies inside the object', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.stringMatching(/^bytes=\d{0,4}-\d{0,4}$/)),
        fc.nat(5000),
        (header, size) => {
          const r = parseRange(header, size);
          if (r.kind === 'range') {
            expect(r.start).toBeGreaterThanOrEqual(0);
            expect(r.end).toBeLessThan(size);
            expect(r.start).toBeLessThanOrEqual(r.end);
          }
        },
      ),
    );
  });

  it('keyFromUri never throws', () => {
    fc.assert(fc.property(fc.string(), (uri) => void keyFromUri(uri)));
    expect(keyFromUri('/media/%E0%A4%A')).toBeUndefined();
    expect(keyFromUri('/media/a%20b.m4s')).toBe('media/a b.m4s');
  });

  it('etagMatches handles lists, weak tags and *', () => {
    expect(etagMatches('"a", "b"', '"b"')).toBe(true);
    expect(etagMatches('W/"b"', '"b"')).toBe(true);
    expect(etagMatches('*', '"b"')).toBe(true);
    expect(etagMatches('"a"', '"b"')).toBe(false);
  });
});

describe('LocalBucket (the S3 origin stand-in)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edge-auth-origin-'));
  mkdirSync(join(dir, 'demo'));
  const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  writeFileSync(join(dir, 'demo', 'seg-000.m4s'), bytes);
  writeFileSync(join(dir, 'demo', 'index.m3u8'), '#EXTM3U\n');
  const bucket = new LocalBucket([{ prefix: 'media/', dir }]);

  it('serves an object with its content type, a quoted ETag and length', async () => {
    const r = await bucket.get('media/demo/seg-000.m4s', 'GET', {});
    const headers = Object.fromEntries(r.headers);
    expect(r.status).toBe(200);
    expect(headers['content-type']).toBe('video/iso.segment');
    // Derived from size and mtime, not the bytes (test/local/origin-limits.test.ts says why).
    expect(headers.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(headers['content-length']).toBe('256');
    expect(await bodyOf(r)).toEqual(bytes);
    const playlist = await bucket.get('media/demo/index.m3u8', 'GET', {});
    expect(Object.fromEntries(playlist.headers)['content-type']).toBe('application/vnd.apple.mpegurl');
  });

  it('answers a range with 206 and exactly those bytes', async () => {
    const r = await bucket.get('media/demo/seg-000.m4s', 'GET', { range: 'bytes=10-19' });
    expect(r.status).toBe(206);
    expect(Object.fromEntries(r.headers)['content-range']).toBe('bytes 10-19/256');
    expect(await bodyOf(r)).toEqual(bytes.subarray(10, 20));
  });

  it('answers 304 to a matching If-None-Match and 416 to a range past the end', async () => {
    const head = await bucket.get('media/demo/seg-000.m4s', 'HEAD', {});
    const md5 = Object.fromEntries(head.headers).etag!;
    expect((await bucket.get('media/demo/seg-000.m4s', 'GET', { ifNoneMatch: md5 })).status).toBe(304);
    expect((await bucket.get('media/demo/seg-000.m4s', 'GET', { ifNoneMatch: '"other"' })).status).toBe(200);
    const r = await bucket.get('media/demo/seg-000.m4s', 'GET', { range: 'bytes=300-' });
    expect(r.status).toBe(416);
    expect(Object.fromEntries(r.headers)['content-range']).toBe('bytes */256');
  });

  it('HEAD has the headers and no body', async () => {
    const r = await bucket.get('media/demo/seg-000.m4s', 'HEAD', {});
    expect(r.status).toBe(200);
    expect(r.body).toBeUndefined();
  });

  it('a missing object, a folder or an escape is 403 AccessDenied (the OAI cannot list)', async () => {
    for (const key of [
      'media/demo/nope.m4s',
      'media/demo',
      'media/demo/',
      'media/../etc/passwd',
      'other/x',
    ]) {
      const r = await bucket.get(key, 'GET', {});
      expect(r.status).toBe(403);
      expect((await bodyOf(r)).toString()).toContain('<Code>AccessDenied</Code>');
    }
  });
});
