import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KvsEntry } from '../deploy/kvs-store';
import { KEY_ID, KeyringError } from './keyring';

/**
 * The HMAC session keys of the `function` edge mode: `{"active":"<kid>","keys":{"<kid>":"<base64url
 * of 32 random bytes>"}}`. The file sits beside keyring.json (`.local/keys/session-hmac.json` for the
 * local stage, `keys/<stage>/session-hmac.json` otherwise; git-ignored: it is a secret). `keys push`
 * copies it to SSM (`/edge-auth/<stage>/session-hmac-keys`, read by the login function, which signs
 * with `active`) and each key to the stage's KeyValueStore as `key:<kid>` (read by the edge, which
 * accepts every listed kid: old and new during a rotation).
 */
export interface HmacKeyring {
  active: string;
  keys: Record<string, string>;
}

export const HMAC_KEYRING_FILE = 'session-hmac.json';
export const hmacKeyEntryName = (kid: string) => `key:${kid}`;
const SECRET = /^[A-Za-z0-9_-]{43}$/;

export function generateHmacSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Parses and checks a keyring; messages name the source and the kid, never a secret. */
export function parseHmacKeyring(text: string, source: string): HmacKeyring {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new KeyringError(`${source} is not JSON`);
  }
  const ring = value as Partial<HmacKeyring>;
  if (typeof ring !== 'object' || ring === null || typeof ring.keys !== 'object' || ring.keys === null)
    throw new KeyringError(`${source} must be {"active": "<kid>", "keys": {"<kid>": "<secret>"}}`);
  const kids = Object.keys(ring.keys);
  if (kids.length === 0) throw new KeyringError(`${source} lists no keys`);
  for (const kid of kids) {
    if (!KEY_ID.test(kid))
      throw new KeyringError(`${source}: key id "${kid.slice(0, 40)}" is not [a-z0-9-]{1,32}`);
    if (typeof ring.keys[kid] !== 'string' || !SECRET.test(ring.keys[kid]))
      throw new KeyringError(`${source}: key "${kid}" is not 32 bytes of base64url`);
  }
  if (typeof ring.active !== 'string' || !(ring.active in ring.keys))
    throw new KeyringError(`${source}: "active" must name one of its keys`);
  return { active: ring.active, keys: { ...ring.keys } };
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
