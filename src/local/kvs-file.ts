import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  checkKvsEntry,
  checkStoreBytes,
  entryBytes,
  type KeyValueStore,
  KvsError,
} from '../deploy/kvs-store';

/**
 * The local stand-in for the stage's KeyValueStore: `.local/kvs.json`, one JSON object
 * `{ "<key>": "<value>" }`. Writes go to a temporary file that is then renamed over the old one, so
 * a reader (the local edge, another `edge-auth` process) never sees half a file; readers re-read
 * the file when its modification time changes. The same entry and size limits as CloudFront apply.
 */
export function readKvsFile(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new KvsError('ERR_KVS', `${file} is not JSON: delete it to start with an empty store`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new KvsError('ERR_KVS', `${file} must hold one JSON object of string values`);
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string')
      throw new KvsError('ERR_KVS', `${file}: the value of "${key}" is not a string`);
    out[key] = value;
  }
  return out;
}

let sequence = 0;

/** Writes the whole store atomically (temporary file, then rename). */
export function writeKvsFile(file: string, entries: Record<string, string>): void {
  let total = 0;
  for (const [key, value] of Object.entries(entries)) {
    checkKvsEntry({ key, value });
    total += entryBytes({ key, value });
  }
  checkStoreBytes(total);
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${++sequence}.tmp`;
  writeFileSync(temp, `${JSON.stringify(entries, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, file);
}

/** Sets (or, with `undefined`, removes) entries, atomically. */
export function updateKvsFile(file: string, changes: Record<string, string | undefined>): void {
  const entries = readKvsFile(file);
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete entries[key];
    else entries[key] = value;
  }
  writeKvsFile(file, entries);
}

/** A reader that parses the file again only when it changed (mtime, size or inode: a rename). */
export function cachedKvsReader(file: string): () => Record<string, string> {
  let stamp = '';
  let entries: Record<string, string> = {};
  return () => {
    const now = existsSync(file) ? statSync(file) : undefined;
    const next = now ? `${now.mtimeMs}:${now.size}:${now.ino}` : 'missing';
    if (next !== stamp) {
      entries = now ? readKvsFile(file) : {};
      stamp = next;
    }
    return entries;
  };
}

/** `get` on the cached reader (what the local edge's KeyValueStore emulation needs). */
export function createKvsFileReader(file: string): { get(key: string): string | undefined } {
  const read = cachedKvsReader(file);
  return {
    get(key) {
      const entries = read();
      return Object.hasOwn(entries, key) ? entries[key] : undefined;
    },
  };
}

/** `.local/kvs.json` as a KeyValueStore (read-modify-write of the whole file; one writer at a time locally). */
export function fileKeyValueStore(file: string): KeyValueStore {
  const read = cachedKvsReader(file);
  return {
    async get(key) {
      return read()[key];
    },
    async update({ puts = [], deletes = [] }) {
      const entries = { ...readKvsFile(file) };
      for (const key of deletes) delete entries[key];
      for (const { key, value } of puts) entries[key] = value;
      writeKvsFile(file, entries);
    },
    async list() {
      return Object.entries(read()).map(([key, value]) => ({ key, value }));
    },
  };
}
