import { KVS_KEY_MAX_CHARACTERS, KVS_STORE_MAX_BYTES, KVS_VALUE_MAX_BYTES } from '../cloudfront/aws-rules';

/*
 * What every key value store of the project shares, without the SDK (the login function's file
 * store and the local edge import this, not the client).
 */

/** One entry of a key value store. */
export interface KvsEntry {
  key: string;
  value: string;
}

/**
 * The subset of a CloudFront KeyValueStore the project uses: the deployed store through the SDK
 * (`kvsKeyValueStore`) and the local `.local/kvs.json` (`fileKeyValueStore`) implement it alike.
 */
export interface KeyValueStore {
  get(key: string): Promise<string | undefined>;
  /** Puts and deletes in one all-or-nothing change; a delete of a missing key is not an error. */
  update(change: { puts?: KvsEntry[]; deletes?: string[] }): Promise<void>;
  list(): Promise<KvsEntry[]>;
}

export class KvsError extends Error {
  constructor(
    readonly code: 'ERR_KVS' | 'ERR_KVS_LIMIT' | 'ERR_KVS_CONFLICT',
    message: string,
  ) {
    super(message);
    this.name = 'KvsError';
  }
}

/** Bytes an entry adds to the store's size, as this project counts it (see KVS_STORE_MAX_BYTES). */
export function entryBytes(entry: KvsEntry): number {
  return Buffer.byteLength(entry.key, 'utf8') + Buffer.byteLength(entry.value, 'utf8');
}

/** Refuses an entry CloudFront would refuse, before any call; the message names the key, never the value. */
export function checkKvsEntry(entry: KvsEntry): void {
  if (entry.key.length === 0 || entry.key.length > KVS_KEY_MAX_CHARACTERS.value) {
    throw new KvsError(
      'ERR_KVS_LIMIT',
      `key "${entry.key.slice(0, 40)}…" has ${entry.key.length} characters: 1 to ${KVS_KEY_MAX_CHARACTERS.value} allowed (${KVS_KEY_MAX_CHARACTERS.id})`,
    );
  }
  const bytes = Buffer.byteLength(entry.value, 'utf8');
  if (bytes > KVS_VALUE_MAX_BYTES.value) {
    throw new KvsError(
      'ERR_KVS_LIMIT',
      `the value of "${entry.key}" has ${bytes} bytes: at most ${KVS_VALUE_MAX_BYTES.value} allowed (${KVS_VALUE_MAX_BYTES.id})`,
    );
  }
}

/** Refuses a store size past the quota. */
export function checkStoreBytes(total: number): void {
  if (total > KVS_STORE_MAX_BYTES.value) {
    throw new KvsError(
      'ERR_KVS_LIMIT',
      `the key value store would hold ${total} bytes: at most ${KVS_STORE_MAX_BYTES.value} allowed (${KVS_STORE_MAX_BYTES.id})`,
    );
  }
}
