import fc from 'fast-check';
import { cacheControlFor, contentTypeFor, extensionOf } from '../../src/media/content-types';

describe('contentTypeFor', () => {
  it.each([
    ['media/demo/index.m3u8', 'application/vnd.apple.mpegurl'],
    ['/media/demo/seg-001.ts', 'video/mp2t'],
    ['media/demo/seg-001.m4s', 'video/iso.segment'],
    ['media/demo/init.mp4', 'video/mp4'],
    ['a/audio.aac', 'audio/aac'],
    ['subs/en.vtt', 'text/vtt; charset=utf-8'],
    ['web/index.html', 'text/html; charset=utf-8'],
    ['web/vendor/hls.min.js', 'text/javascript; charset=utf-8'],
    ['web/style.css', 'text/css; charset=utf-8'],
    ['web/x.json', 'application/json; charset=utf-8'],
    ['web/logo.svg', 'image/svg+xml'],
    ['web/logo.PNG', 'image/png'],
    ['/media/demo/index.m3u8?x=1', 'application/vnd.apple.mpegurl'],
    ['README', 'application/octet-stream'],
    ['.m3u8', 'application/octet-stream'],
    ['dir.m3u8/file', 'application/octet-stream'],
    ['file.unknownext', 'application/octet-stream'],
  ])('%s → %s', (path, type) => {
    expect(contentTypeFor(path)).toBe(type);
  });

  it('never throws and always answers a type/subtype', () => {
    fc.assert(
      fc.property(fc.string(), (path) => {
        expect(contentTypeFor(path)).toMatch(/^[a-z]+\/[a-z0-9.+-]+(; charset=utf-8)?$/);
        expect(extensionOf(path)).not.toMatch(/[/?#]/);
      }),
    );
  });
});

describe('cacheControlFor', () => {
  it('keeps playlists and pages short and segments long and immutable', () => {
    expect(cacheControlFor('media/demo/index.m3u8')).toBe('max-age=5');
    expect(cacheControlFor('web/index.html')).toBe('max-age=60');
    for (const seg of ['a/seg-001.m4s', 'a/seg-001.ts', 'a/init.mp4', 'a/x.aac']) {
      expect(cacheControlFor(seg)).toBe('max-age=31536000, immutable');
    }
    expect(cacheControlFor('web/app.js')).toBe('max-age=3600');
  });
});
