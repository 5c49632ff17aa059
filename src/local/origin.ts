import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { cacheControlFor, contentTypeFor } from '../media/content-types';

/**
 * A local folder standing for the private S3 bucket behind the distribution. It answers the
 * way S3 answers CloudFront through the Origin Access Identity: objects with their uploaded
 * Content-Type and Cache-Control, a quoted 32-hex ETag, single byte ranges
 * (206; several ranges are ignored and the whole object sent, as S3 does), conditional GETs
 * (304), HEAD; and a missing object is 403 AccessDenied, not 404, because the OAI is granted
 * s3:GetObject but not s3:ListBucket.
 *
 * The ETag is derived from the file's size, mtime and inode, not from its bytes: reading a whole
 * file to hash it costs memory and time, and Node cannot read a file over 2 GiB into one buffer at
 * all. S3's own ETag is the content MD5 only for single-part uploads without SSE-KMS; clients may
 * treat it as opaque, and that is all this stand-in promises (it changes when the file changes).
 */

export type ByteRange =
  | { kind: 'none' }
  | { kind: 'range'; start: number; end: number }
  | { kind: 'unsatisfiable' };

/** Parses a `Range` header against an object size. Never throws: unknown forms mean "no range". */
export function parseRange(header: string | undefined, size: number): ByteRange {
  if (header === undefined) return { kind: 'none' };
  const m = /^\s*bytes\s*=\s*(.*)$/i.exec(header);
  if (!m) return { kind: 'none' };
  const specs = m[1]!.split(',').map((s) => s.trim());
  if (specs.length !== 1) return { kind: 'none' };
  const spec = /^(\d*)\s*-\s*(\d*)$/.exec(specs[0]!);
  if (!spec || (spec[1] === '' && spec[2] === '')) return { kind: 'none' };
  if (spec[1] === '') {
    const suffix = Number(spec[2]);
    if (!Number.isSafeInteger(suffix)) return { kind: 'none' };
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'range', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(spec[1]);
  const last = spec[2] === '' ? size - 1 : Number(spec[2]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(last)) return { kind: 'none' };
  if (spec[2] !== '' && last < start) return { kind: 'none' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'range', start, end: Math.min(last, size - 1) };
}

/** Whether an `If-None-Match` list matches the ETag (weak comparison, `*` matches anything). */
export function etagMatches(ifNoneMatch: string, etag: string): boolean {
  const bare = (t: string) => t.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((t) => t.trim() === '*' || bare(t) === bare(etag));
}

export function s3ErrorXml(code: string, message: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId><HostId>${randomBytes(48).toString('base64')}</HostId></Error>`;
}

export interface OriginResponse {
  status: number;
  headers: Array<[string, string]>;
  /** A stream for object bytes, a buffer for errors, undefined for HEAD/304. */
  body?: ReadStream | Buffer;
}

export interface OriginMount {
  /** Key prefix in the bucket, e.g. `media/`. */
  prefix: string;
  /** The local folder holding the objects under that prefix. */
  dir: string;
}

interface FileInfo {
  size: number;
  mtimeMs: number;
  etag: string;
}

export function s3AccessDenied(): OriginResponse {
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  return {
    status: 403,
    headers: [
      ['content-type', 'application/xml'],
      ['server', 'AmazonS3'],
      ['x-amz-request-id', requestId],
    ],
    body: Buffer.from(s3ErrorXml('AccessDenied', 'Access Denied', requestId)),
  };
}

/**
 * Decodes a URI path into an S3 key (no leading slash); undefined when it cannot be decoded. As S3
 * does, a raw `+` is a space and `%2B` is `+` (see the `s3/plus-in-path` rule in aws-rules.ts).
 */
export function keyFromUri(uri: string): string | undefined {
  try {
    return decodeURIComponent(uri.replace(/\+/g, ' ')).replace(/^\/+/, '');
  } catch {
    return undefined;
  }
}

export class LocalBucket {
  private readonly infos = new Map<string, FileInfo>();

  constructor(private readonly mounts: readonly OriginMount[]) {}

  /**
   * The local file for a key, or undefined when no mount holds it or it would leave its folder.
   * A key with a trailing slash, an empty segment or a `.`/`..` segment is another S3 key than the
   * file's (S3 keys are plain strings, not paths), and no folder can hold it: no object.
   */
  fileFor(key: string): string | undefined {
    if (key.includes('\0')) return undefined;
    if (key.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
      return undefined;
    }
    for (const mount of this.mounts) {
      if (!key.startsWith(mount.prefix)) continue;
      const root = resolve(mount.dir);
      const file = resolve(root, key.slice(mount.prefix.length));
      if (file.startsWith(root + sep)) return file;
    }
    return undefined;
  }

  private async info(file: string): Promise<FileInfo | undefined> {
    let s: Awaited<ReturnType<typeof stat>>;
    try {
      s = await stat(file);
    } catch {
      return undefined;
    }
    if (!s.isFile()) return undefined;
    const cached = this.infos.get(file);
    if (cached && cached.size === s.size && cached.mtimeMs === s.mtimeMs) return cached;
    const etag = `"${createHash('md5').update(`${s.size}:${s.mtimeMs}:${s.ino}`).digest('hex')}"`;
    const fresh = { size: s.size, mtimeMs: s.mtimeMs, etag };
    this.infos.set(file, fresh);
    return fresh;
  }

  /** GET or HEAD of one object, with the request's conditional and range headers. */
  async get(
    key: string,
    method: string,
    headers: { range?: string; ifNoneMatch?: string; ifModifiedSince?: string },
  ): Promise<OriginResponse> {
    if (method !== 'GET' && method !== 'HEAD') return s3AccessDenied();
    const file = this.fileFor(key);
    const info = file ? await this.info(file) : undefined;
    if (!file || !info) return s3AccessDenied();
    const lastModified = new Date(Math.floor(info.mtimeMs / 1000) * 1000);
    const common: Array<[string, string]> = [
      ['etag', info.etag],
      ['last-modified', lastModified.toUTCString()],
      ['cache-control', cacheControlFor(key)],
      ['server', 'AmazonS3'],
    ];
    const notModified =
      headers.ifNoneMatch !== undefined
        ? etagMatches(headers.ifNoneMatch, info.etag)
        : headers.ifModifiedSince !== undefined &&
          !Number.isNaN(Date.parse(headers.ifModifiedSince)) &&
          lastModified.getTime() <= Date.parse(headers.ifModifiedSince);
    if (notModified) return { status: 304, headers: common };

    const type: Array<[string, string]> = [
      ['content-type', contentTypeFor(key)],
      ['accept-ranges', 'bytes'],
    ];
    const range = parseRange(headers.range, info.size);
    if (range.kind === 'unsatisfiable') {
      const requestId = randomBytes(8).toString('hex').toUpperCase();
      return {
        status: 416,
        headers: [
          ['content-type', 'application/xml'],
          ['content-range', `bytes */${info.size}`],
          ['server', 'AmazonS3'],
        ],
        body: Buffer.from(s3ErrorXml('InvalidRange', 'The requested range is not satisfiable', requestId)),
      };
    }
    if (range.kind === 'range') {
      const length = range.end - range.start + 1;
      return {
        status: 206,
        headers: [
          ...type,
          ...common,
          ['content-range', `bytes ${range.start}-${range.end}/${info.size}`],
          ['content-length', String(length)],
        ],
        body: method === 'HEAD' ? undefined : createReadStream(file, { start: range.start, end: range.end }),
      };
    }
    return {
      status: 200,
      headers: [...type, ...common, ['content-length', String(info.size)]],
      body: method === 'HEAD' ? undefined : createReadStream(file),
    };
  }
}
