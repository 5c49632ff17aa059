import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { cacheControlFor, contentTypeFor } from '../media/content-types';
import { DeployError } from './errors';

/**
 * Uploading a folder of HLS output (or web pages) to the private bucket: one object per file,
 * with the Content-Type players need and a Cache-Control that keeps playlists fresh and segments
 * cached for good. Unchanged objects (same MD5, type and cache-control) are skipped.
 */

export interface LocalFile {
  path: string;
  /** Object key: prefix + path relative to the uploaded folder, with `/` separators. */
  key: string;
  size: number;
}

/** What the uploader needs from S3 (the CLI passes an @aws-sdk/client-s3 adapter). */
export interface ObjectStore {
  /** The stored object's metadata, or undefined when there is none. */
  head(
    key: string,
  ): Promise<{ md5?: string; etag?: string; contentType?: string; cacheControl?: string } | undefined>;
  put(object: {
    key: string;
    body: Buffer;
    md5: string;
    contentType: string;
    cacheControl: string;
  }): Promise<void>;
}

export interface UploadProgress {
  done: number;
  total: number;
  bytes: number;
  file: LocalFile;
  outcome: 'uploaded' | 'unchanged';
}

export interface UploadSummary {
  uploaded: number;
  unchanged: number;
  bytes: number;
}

/** `media/demo/` or `/media/demo` → `media/demo`; refuses empty segments, `.` and `..`. */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return '';
  const parts = trimmed.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..' || /[\u0000-\u001f\\]/.test(p)))
    throw new DeployError(
      'ERR_UPLOAD_PREFIX',
      `prefix "${prefix}" must be plain folder names separated by "/"`,
    );
  return trimmed;
}

/** The files to upload: one file, or every file below a folder (dot files skipped), in key order. */
export function listLocalFiles(path: string, prefix: string): LocalFile[] {
  const base = normalizePrefix(prefix);
  const keyOf = (rel: string) => (base ? `${base}/${rel}` : rel);
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(path);
  } catch {
    throw new DeployError('ERR_UPLOAD_SOURCE', `${path} does not exist`);
  }
  if (stat.isFile()) return [{ path, key: keyOf(basename(path)), size: stat.size }];
  const out: LocalFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile())
        out.push({
          path: full,
          key: keyOf(relative(path, full).split(sep).join('/')),
          size: statSync(full).size,
        });
    }
  };
  walk(path);
  if (out.length === 0) throw new DeployError('ERR_UPLOAD_SOURCE', `${path} has no files to upload`);
  return out.sort((a, b) => (a.key < b.key ? -1 : 1));
}

export async function uploadFiles(
  files: LocalFile[],
  store: ObjectStore,
  options: { concurrency?: number; force?: boolean; onProgress?: (p: UploadProgress) => void } = {},
): Promise<UploadSummary> {
  const summary: UploadSummary = { uploaded: 0, unchanged: 0, bytes: 0 };
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < files.length) {
      const file = files[next++]!;
      const body = readFileSync(file.path);
      const md5 = createHash('md5').update(body).digest('hex');
      const contentType = contentTypeFor(file.key);
      const cacheControl = cacheControlFor(file.key);
      const current = options.force ? undefined : await store.head(file.key);
      // A single-part PUT's ETag is the MD5 under SSE-S3; our own md5 metadata covers the rest.
      const same =
        current !== undefined &&
        (current.md5 === md5 || current.etag?.replaceAll('"', '') === md5) &&
        current.contentType === contentType &&
        current.cacheControl === cacheControl;
      if (same) summary.unchanged++;
      else {
        await store.put({ key: file.key, body, md5, contentType, cacheControl });
        summary.uploaded++;
        summary.bytes += body.length;
      }
      done++;
      options.onProgress?.({
        done,
        total: files.length,
        bytes: summary.bytes,
        file,
        outcome: same ? 'unchanged' : 'uploaded',
      });
    }
  };
  const n = Math.max(1, Math.min(options.concurrency ?? 8, files.length));
  await Promise.all(Array.from({ length: n }, worker));
  return summary;
}
