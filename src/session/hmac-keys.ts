/**
 * HMAC session keys for the `function` edge mode: a keyring JSON
 * `{"active":"<kid>","keys":{"<kid>":"<base64url of 32 random bytes>"}}` — locally
 * `.local/keys/session-hmac.json`, deployed in SSM SecureString `/edge-auth/<stage>/session-hmac-keys`
 * (read by the login function), and each key in the stage's KeyValueStore as `key:<kid>` (read by
 * the CloudFront Function). The HMAC key is the 32 decoded bytes, not the text.
 */
export interface HmacKeyring {
  active: string;
  keys: Record<string, string>;
}

export class HmacKeyringError extends Error {
  readonly code = 'ERR_HMAC_KEYRING';
  constructor(message: string) {
    super(message);
    this.name = 'HmacKeyringError';
  }
}

export const HMAC_KID = /^[a-z0-9-]{1,32}$/;
/** 32 bytes in unpadded base64url. */
const SECRET = /^[A-Za-z0-9_-]{43}$/;

/** The KeyValueStore entry that holds the key `kid` (contract shared with `edge-auth keys push`). */
export function hmacKeyEntryName(kid: string): string {
  return `key:${kid}`;
}

/** Parses and checks a keyring; messages name the source and the kid, never a secret. */
export function parseHmacKeyring(text: string, source: string): HmacKeyring {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HmacKeyringError(`${source} is not JSON`);
  }
  const ring = value as Partial<HmacKeyring> | null;
  // JSON.parse gives null, a primitive (whose `.keys` is undefined), an array (whose `.keys` is a
  // function) or an object: only the last can carry a `keys` object.
  if (ring === null || typeof ring.keys !== 'object' || ring.keys === null)
    throw new HmacKeyringError(`${source} must be {"active": "<kid>", "keys": {"<kid>": "<secret>"}}`);
  const kids = Object.keys(ring.keys);
  if (kids.length === 0) throw new HmacKeyringError(`${source} lists no keys`);
  for (const kid of kids) {
    if (!HMAC_KID.test(kid))
      throw new HmacKeyringError(`${source}: key id "${kid.slice(0, 40)}" is not [a-z0-9-]{1,32}`);
    const secret = ring.keys[kid];
    if (typeof secret !== 'string' || !SECRET.test(secret))
      throw new HmacKeyringError(`${source}: key "${kid}" is not 32 bytes of base64url`);
  }
  // One of the listed kids (so a string): `in` would also find Object.prototype members such as
  // "constructor", and the login function would then find no HMAC key to sign with.
  const active = ring.active as string;
  if (!kids.includes(active)) throw new HmacKeyringError(`${source}: "active" must name one of its keys`);
  return { active, keys: { ...ring.keys } };
}
