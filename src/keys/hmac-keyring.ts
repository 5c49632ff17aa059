import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KvsEntry } from '../deploy/kvs-store';
import { type HmacKeyring, hmacKeyEntryName, parseHmacKeyring } from '../session/hmac-keys';

/**
 * The HMAC session keys of the `function` edge mode: `{"active":"<kid>","keys":{"<kid>":"<base64url
 * of 32 random bytes>"}}`. The file sits beside keyring.json (`.local/keys/session-hmac.json` for the
 * local stage, `keys/<stage>/session-hmac.json` otherwise; git-ignored: it is a secret). `keys push`
 * copies it to SSM (`/edge-auth/<stage>/session-hmac-keys`, read by the login function, which signs
 * with `active`) and each key to the stage's KeyValueStore as `key:<kid>` (read by the edge, which
 * accepts every listed kid: old and new during a rotation).
 */
export type { HmacKeyring } from '../session/hmac-keys';
export { hmacKeyEntryName, parseHmacKeyring };

export const HMAC_KEYRING_FILE = 'session-hmac.json';

export function generateHmacSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hmacKeyringFile(dir: string): string {
  return join(dir, HMAC_KEYRING_FILE);
}

export function loadHmacKeyring(dir: string): HmacKeyring | undefined {
  const file = hmacKeyringFile(dir);
  return existsSync(file) ? parseHmacKeyring(readFileSync(file, 'utf8'), file) : undefined;
}

export function saveHmacKeyring(dir: string, ring: HmacKeyring): void {
  mkdirSync(dir, { recursive: true });
  const file = hmacKeyringFile(dir);
  const text = `${JSON.stringify(parseHmacKeyring(JSON.stringify(ring), file), null, 2)}\n`;
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** The KeyValueStore entries of a keyring: one `key:<kid>` per key. */
export function hmacKeyEntries(ring: HmacKeyring): KvsEntry[] {
  return Object.entries(ring.keys).map(([kid, secret]) => ({ key: hmacKeyEntryName(kid), value: secret }));
}

/** `key:<kid>` entries of a store that the keyring no longer lists (retired keys). */
export function staleHmacKeyNames(ring: HmacKeyring, entries: { key: string }[]): string[] {
  return entries.map((e) => e.key).filter((key) => key.startsWith('key:') && !(key.slice(4) in ring.keys));
}
