import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';

/**
 * The local KeyValueStore: the file `.local/kvs.json`, a JSON object `{ "<key>": "<value>" }`,
 * written atomically (temp file, then rename) and re-read by readers when its mtime changes, so
 * `edge-auth sessions revoke --local` reaches the running local edge at once, as KeyValueStore
 * updates reach the edge locations within seconds.
 */
export class LocalKvsError extends Error {
  readonly code = 'ERR_LOCAL_KVS';
  constructor(message: string) {
    super(message);
    this.name = 'LocalKvsError';
  }
}

export function readKvsFile(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new LocalKvsError(`${file} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new LocalKvsError(`${file} must be a JSON object of string values`);
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) if (typeof v === 'string') out[key] = v;
  return out;
}

/** Sets (or, with `undefined`, removes) entries, atomically. */
export function updateKvsFile(file: string, changes: Record<string, string | undefined>): void {
  const entries = readKvsFile(file);
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete entries[key];
    else entries[key] = value;
  }
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temp, `${JSON.stringify(entries, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, file);
}

/** A reader that re-reads the file only when its mtime (or size) changed. */
export function createKvsFileReader(file: string): { get(key: string): string | undefined } {
  let stamp = '';
  let entries: Record<string, string> = {};
  return {
    get(key: string) {
      let now = 'missing';
      try {
        const st = statSync(file);
        now = `${st.mtimeMs}:${st.size}:${st.ino}`;
      } catch {
        // no file: an empty store
      }
      if (now !== stamp) {
        entries = now === 'missing' ? {} : readKvsFile(file);
        stamp = now;
      }
      return Object.hasOwn(entries, key) ? entries[key] : undefined;
    },
  };
}
