import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * A stage's keyring: which public keys exist, and which ones sign. Public halves are files
 * beside `keyring.json`; private halves live in SSM Parameter Store (deployed stages) or in
 * `.local/keys/` (the local stage), never in git.
 *
 * Layout: deployed stages use `keys/<stage>/` (committed); the local stage uses `.local/keys/`.
 *   keyring.json
 *   cloudfront-<id>.pub.pem     CloudFront public key (a `AWS::CloudFront::PublicKey` each)
 *   session-<kid>.pub.pem       session-token verification key (baked into the edge bundle)
 *   cloudfront-<id>.key.pem     private halves: local stage only (git-ignored)
 *   session-<kid>.key.pem
 */
export interface KeyringEntry {
  /** Our logical id: `[a-z0-9-]{1,32}`; names the CloudFormation resource, the file and the SSM parameter. */
  id: string;
  /** Public key file name, relative to the keyring folder. */
  publicKeyFile: string;
  /** ISO date the key was made. */
  created: string;
}

export interface Keyring {
  cloudFront: KeyringEntry[];
  session: KeyringEntry[];
  /** The ids that sign new cookies and sessions; the others stay trusted until removed. */
  signing: { cloudFront: string; session: string };
  /**
   * Key pair IDs CloudFront assigned, by logical id. Only the local stage records them
   * (a local stand-in); deployed stages get them from the `AWS::CloudFront::PublicKey` resources.
   */
  localKeyPairIds?: Record<string, string>;
}

export class KeyringError extends Error {
  readonly code = 'ERR_KEYRING';
  constructor(message: string) {
    super(message);
    this.name = 'KeyringError';
  }
}

export const KEY_ID = /^[a-z0-9-]{1,32}$/;

export function keyringDir(stage: string, root = process.cwd()): string {
  return stage === 'local' ? resolve(root, '.local', 'keys') : resolve(root, 'keys', stage);
}

/** SSM parameter names of a deployed stage's private keys and users file. */
export const ssmNames = {
  cloudFront: (stage: string, id: string) => `/edge-auth/${stage}/cloudfront/${id}`,
  session: (stage: string, kid: string) => `/edge-auth/${stage}/session/${kid}`,
  users: (stage: string) => `/edge-auth/${stage}/users`,
  /** The HMAC keyring of the `function` edge mode (a JSON SecureString). */
  sessionHmac: (stage: string) => `/edge-auth/${stage}/session-hmac-keys`,
};

export function privateKeyFile(kind: 'cloudfront' | 'session', id: string): string {
  return `${kind}-${id}.key.pem`;
}

export function publicKeyFile(kind: 'cloudfront' | 'session', id: string): string {
  return `${kind}-${id}.pub.pem`;
}

export function validateKeyring(value: unknown, where: string): Keyring {
  const fail = (why: string): never => {
    throw new KeyringError(`${where}: ${why}`);
  };
  if (typeof value !== 'object' || value === null) return fail('not a JSON object');
  const k = value as Partial<Keyring>;
  for (const kind of ['cloudFront', 'session'] as const) {
    const list = k[kind];
    if (!Array.isArray(list) || list.length === 0) fail(`"${kind}" must list at least one key`);
    for (const entry of list!) {
      if (!entry || typeof entry.id !== 'string' || !KEY_ID.test(entry.id))
        fail(`"${kind}" has a bad key id`);
      if (typeof entry.publicKeyFile !== 'string' || entry.publicKeyFile.includes('/'))
        fail(`"${kind}" key "${entry.id}" has a bad publicKeyFile`);
    }
  }
  if (k.cloudFront!.length > 5) fail('CloudFront allows at most 5 public keys in a key group');
  if (!k.signing || !k.cloudFront!.some((e) => e.id === k.signing!.cloudFront))
    fail('signing.cloudFront must name one of the "cloudFront" keys');
  if (!k.session!.some((e) => e.id === k.signing!.session))
    fail('signing.session must name one of the "session" keys');
  return k as Keyring;
}

export function loadKeyring(dir: string): Keyring {
  const file = join(dir, 'keyring.json');
  if (!existsSync(file)) {
    throw new KeyringError(`${file} does not exist: run \`edge-auth keys init --stage <stage>\` first`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new KeyringError(`${file} is not valid JSON`);
  }
  return validateKeyring(parsed, file);
}

export function saveKeyring(dir: string, keyring: Keyring): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'keyring.json'), `${JSON.stringify(validateKeyring(keyring, dir), null, 2)}\n`);
}

/** The PEM text of a public key named in the keyring. */
export function readPublicKeyPem(dir: string, entry: KeyringEntry): string {
  const file = join(dir, entry.publicKeyFile);
  if (!existsSync(file)) throw new KeyringError(`${file} is missing (named in ${join(dir, 'keyring.json')})`);
  return readFileSync(file, 'utf8');
}
