import { mkdirSync, mkdtempSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { LocalBucket, type OriginResponse } from '../../src/local/origin';

// The S3 stand-in with objects a laptop can hold but memory cannot (issue 9, finding 7).
const GiB = 1024 ** 3;
const dir = mkdtempSync(join(tmpdir(), 'edge-auth-big-'));
mkdirSync(join(dir, 'big'));
const bigFile = join(dir, 'big', 'movie.mp4');
// A sparse 3 GiB file: no disk used, but larger than any Buffer Node can read whole.
writeFileSync(bigFile, '');
truncateSync(bigFile, 3 * GiB);
writeFileSync(join(dir, 'big', 'index.m3u8'), '#EXTM3U\n');
const bucket = new LocalBucket([{ prefix: 'media/', dir }]);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function bodyOf(r: OriginResponse): Promise<Buffer> {
  if (r.body === undefined || Buffer.isBuffer(r.body)) return r.body ?? Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of r.body as Readable) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('objects over 2 GiB', () => {
  it('HEAD answers 200 with the full length and an S3-like quoted ETag', async () => {
    const r = await bucket.get('media/big/movie.mp4', 'HEAD', {});
    const headers = Object.fromEntries(r.headers);
    expect(r.status).toBe(200);
    expect(headers['content-length']).toBe(String(3 * GiB));
    expect(headers.etag).toMatch(/^"[0-9a-f]{32}"$/);
  });

  it('a range past 2 GiB is served from a stream (206 and exactly those bytes)', async () => {
    const start = 2 * GiB + 5;
    const r = await bucket.get('media/big/movie.mp4', 'GET', { range: `bytes=${start}-${start + 9}` });
    expect(r.status).toBe(206);
    expect(Object.fromEntries(r.headers)['content-range']).toBe(`bytes ${start}-${start + 9}/${3 * GiB}`);
    expect(await bodyOf(r)).toEqual(Buffer.alloc(10));
  });

  it('a full GET is a stream, not a buffer', async () => {
    const r = await bucket.get('media/big/movie.mp4', 'GET', {});
    expect(r.status).toBe(200);
    expect(Buffer.isBuffer(r.body)).toBe(false);
    (r.body as Readable).destroy();
  });

  it('the ETag changes when the object changes and is stable otherwise', async () => {
    const etag = async () =>
      Object.fromEntries((await bucket.get('media/big/index.m3u8', 'HEAD', {})).headers).etag;
    const first = await etag();
    expect(await etag()).toBe(first);
    writeFileSync(join(dir, 'big', 'index.m3u8'), '#EXTM3U\n#EXT-X-VERSION:7\n');
    utimesSync(join(dir, 'big', 'index.m3u8'), new Date(), new Date(Date.now() + 5000));
    expect(await etag()).not.toBe(first);
  });
});

describe('keys S3 does not have', () => {
  it('a trailing slash, an empty segment or a dot segment names no object: 403 as through an OAI', async () => {
    for (const key of [
      'media/big/index.m3u8/',
      'media/big//index.m3u8',
      'media//big/index.m3u8',
      'media/big/./index.m3u8',
      'media/x/../big/index.m3u8',
    ]) {
      const r = await bucket.get(key, 'GET', {});
      expect([key, r.status]).toEqual([key, 403]);
      expect((await bodyOf(r)).toString()).toContain('<Code>AccessDenied</Code>');
    }
    const ok = await bucket.get('media/big/index.m3u8', 'GET', {});
    expect([ok.status, (await bodyOf(ok)).toString().startsWith('#EXTM3U')]).toEqual([200, true]);
  });
});
