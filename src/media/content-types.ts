/**
 * Content-Type and Cache-Control per file extension, shared by `edge-auth upload` (S3 object
 * metadata) and the local edge's origin. Players are picky: hls.js and Safari look at the
 * playlist's type, and some CDNs/browsers refuse to sniff `application/octet-stream` segments.
 */

const TYPES: Record<string, string> = {
  // HLS / DASH
  m3u8: 'application/vnd.apple.mpegurl',
  m3u: 'application/vnd.apple.mpegurl',
  ts: 'video/mp2t',
  m4s: 'video/iso.segment',
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  m4a: 'audio/mp4',
  mpd: 'application/dash+xml',
  aac: 'audio/aac',
  mp3: 'audio/mpeg',
  ac3: 'audio/ac3',
  ec3: 'audio/eac3',
  webm: 'video/webm',
  vtt: 'text/vtt; charset=utf-8',
  webvtt: 'text/vtt; charset=utf-8',
  srt: 'application/x-subrip',
  key: 'application/octet-stream',
  // web pages and their assets
  html: 'text/html; charset=utf-8',
  htm: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json; charset=utf-8',
  map: 'application/json; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  xml: 'application/xml',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  ico: 'image/x-icon',
  woff: 'font/woff',
  woff2: 'font/woff2',
  wasm: 'application/wasm',
};

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** Lower-case extension without the dot ('' when there is none); ignores a query string or fragment. */
export function extensionOf(path: string): string {
  const clean = path.split(/[?#]/, 1)[0]!;
  const base = clean.slice(clean.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

/**
 * The Content-Type for a file path or URL path.
 * @example contentTypeFor('media/demo/index.m3u8') // 'application/vnd.apple.mpegurl'
 */
export function contentTypeFor(path: string): string {
  return TYPES[extensionOf(path)] ?? DEFAULT_CONTENT_TYPE;
}

/** Seconds a playlist may be cached: live playlists change every target duration, so keep it short. */
export const PLAYLIST_MAX_AGE = 5;
/** Seconds a web page may be cached, so a redeploy shows up quickly. */
export const PAGE_MAX_AGE = 60;
/** Segments never change once written (new content gets new names): one year, immutable. */
export const SEGMENT_MAX_AGE = 31536000;

const SHORT_PLAYLIST = new Set(['m3u8', 'm3u', 'mpd']);
const SHORT_PAGE = new Set(['html', 'htm', '']);
const LONG = new Set([
  'ts',
  'm4s',
  'mp4',
  'm4v',
  'm4a',
  'aac',
  'mp3',
  'ac3',
  'ec3',
  'webm',
  'vtt',
  'webvtt',
  'key',
]);

/**
 * The Cache-Control for a file path: short for playlists and pages, long and immutable for
 * media segments, a medium hour for other assets (scripts, styles, images) whose names are not hashed.
 * @example cacheControlFor('media/demo/seg-001.m4s') // 'max-age=31536000, immutable'
 */
export function cacheControlFor(path: string): string {
  const ext = extensionOf(path);
  if (SHORT_PLAYLIST.has(ext)) return `max-age=${PLAYLIST_MAX_AGE}`;
  if (SHORT_PAGE.has(ext)) return `max-age=${PAGE_MAX_AGE}`;
  if (LONG.has(ext)) return `max-age=${SEGMENT_MAX_AGE}, immutable`;
  return 'max-age=3600';
}
