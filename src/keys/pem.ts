import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The key types CloudFront accepts in a public key: RSA 2048 and ECDSA P-256. */
export type KeyType = 'rsa' | 'ecdsa';

/**
 * A key that cannot be generated, written or loaded. The message names the file (or source) and
 * the exact problem, and never contains key material.
 */
export class KeyError extends Error {
  readonly code = 'ERR_KEY';
  constructor(message: string) {
    super(message);
    this.name = 'KeyError';
  }
}

export interface LoadedPrivateKey {
  /** Unencrypted PKCS#8 PEM (what @aws-sdk/cloudfront-signer takes). */
  pem: string;
  key: KeyObject;
  type: KeyType;
}

export function generateKeyPair(type: KeyType): { privateKeyPem: string; publicKeyPem: string } {
  const publicKeyEncoding = { type: 'spki', format: 'pem' } as const;
  const privateKeyEncoding = { type: 'pkcs8', format: 'pem' } as const;
  let pair: { privateKey: string; publicKey: string };
  if (type === 'rsa')
    pair = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicExponent: 0x10001,
      publicKeyEncoding,
      privateKeyEncoding,
    });
  else if (type === 'ecdsa')
    pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1', publicKeyEncoding, privateKeyEncoding });
  else throw new KeyError(`unknown key type "${String(type)}": use rsa or ecdsa`);
  return { privateKeyPem: pair.privateKey, publicKeyPem: pair.publicKey };
}

/**
 * Generates a key pair and writes `<baseName>.key.pem` (mode 0600) and `<baseName>.pub.pem` in
 * `dir` (created when missing). Refuses to overwrite either file.
 */
export function writeKeyPair(
  dir: string,
  baseName: string,
  type: KeyType,
): { privateKeyFile: string; publicKeyFile: string } {
  if (!/^[A-Za-z0-9._-]+$/.test(baseName) || baseName.startsWith('.'))
    throw new KeyError(`key name "${baseName}" must be letters, digits, ".", "_" or "-"`);
  const privateKeyFile = resolve(dir, `${baseName}.key.pem`);
  const publicKeyFile = resolve(dir, `${baseName}.pub.pem`);
  for (const file of [privateKeyFile, publicKeyFile])
    if (existsSync(file))
      throw new KeyError(`${file} already exists: not overwriting it (move it away first)`);
  const { privateKeyPem, publicKeyPem } = generateKeyPair(type);
  mkdirSync(dir, { recursive: true });
  try {
    // 'wx' fails if the file appeared meanwhile; mode applies at creation, chmod covers odd umasks.
    writeFileSync(privateKeyFile, privateKeyPem, { mode: 0o600, flag: 'wx' });
    chmodSync(privateKeyFile, 0o600);
    writeFileSync(publicKeyFile, publicKeyPem, { mode: 0o644, flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new KeyError(`cannot write the key pair in ${dir}: ${code ?? 'write failed'}`);
  }
  return { privateKeyFile, publicKeyFile };
}

interface PemBlock {
  label: string;
  text: string;
  headers: string;
}

const BEGIN = /-----BEGIN ([A-Z0-9 ]+)-----/g;

/** Finds the PEM blocks of a text, or says precisely which line is missing. */
function pemBlocks(text: string, source: string): PemBlock[] {
  if (text.trim().length === 0) throw new KeyError(`${source}: the file is empty`);
  const blocks: PemBlock[] = [];
  BEGIN.lastIndex = 0;
  for (let m = BEGIN.exec(text); m; m = BEGIN.exec(text)) {
    const label = m[1]!;
    const endLine = `-----END ${label}-----`;
    const end = text.indexOf(endLine, m.index);
    if (end === -1)
      throw new KeyError(`${source}: "-----BEGIN ${label}-----" has no matching "${endLine}" line`);
    const body = text.slice(m.index + m[0].length, end);
    blocks.push({ label, text: text.slice(m.index, end + endLine.length), headers: body });
    BEGIN.lastIndex = end + endLine.length;
  }
  if (blocks.length === 0) {
    if (/-----END [A-Z0-9 ]+-----/.test(text))
      throw new KeyError(`${source}: missing the "-----BEGIN …-----" line`);
    throw new KeyError(`${source}: not a PEM file (no "-----BEGIN …-----" line)`);
  }
  return blocks;
}

const PRIVATE_LABELS = new Set(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY']);
const PUBLIC_LABELS = new Set(['PUBLIC KEY', 'RSA PUBLIC KEY']);

/** Checks what CloudFront accepts: RSA with a 2048-bit modulus, or EC on P-256 (prime256v1). */
function keyTypeOf(key: KeyObject, source: string): KeyType {
  const kind = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (kind === 'rsa') {
    if (details.modulusLength !== 2048)
      throw new KeyError(
        `${source}: RSA key is ${details.modulusLength} bits; CloudFront needs exactly 2048`,
      );
    return 'rsa';
  }
  if (kind === 'ec') {
    if (details.namedCurve !== 'prime256v1')
      throw new KeyError(
        `${source}: EC key is on curve ${details.namedCurve}; CloudFront needs P-256 (prime256v1)`,
      );
    return 'ecdsa';
  }
  throw new KeyError(`${source}: ${kind ?? 'unknown'} key; CloudFront accepts only RSA 2048 or ECDSA P-256`);
}

function cryptoProblem(error: unknown): string {
  const e = error as { code?: string; message?: string };
  if (e.code === 'ERR_MISSING_PASSPHRASE') return 'the key is encrypted: give its passphrase';
  if (/bad decrypt|wrong password|decrypt/i.test(e.message ?? '')) return 'wrong passphrase';
  return 'the key data is damaged or not a key (base64 body or DER structure invalid)';
}

/** Parses a private key held in memory (a file's text, an SSM parameter). `source` names it in errors. */
export function parsePrivateKeyPem(
  text: string,
  { source, passphrase }: { source: string; passphrase?: string },
): LoadedPrivateKey {
  const blocks = pemBlocks(text, source);
  const block = blocks.find((b) => PRIVATE_LABELS.has(b.label));
  if (!block) {
    const labels = blocks.map((b) => b.label);
    if (labels.some((l) => PUBLIC_LABELS.has(l)))
      throw new KeyError(`${source}: this is a public key; a private key is needed here`);
    if (labels.includes('CERTIFICATE'))
      throw new KeyError(`${source}: this is a certificate; a private key is needed here`);
    throw new KeyError(`${source}: no private key block (found ${labels.map((l) => `"${l}"`).join(', ')})`);
  }
  const encrypted = block.label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(block.headers);
  if (encrypted && !passphrase) throw new KeyError(`${source}: the key is encrypted: give its passphrase`);
  let key: KeyObject;
  try {
    key = createPrivateKey(
      encrypted ? { key: block.text, format: 'pem', passphrase } : { key: block.text, format: 'pem' },
    );
  } catch (error) {
    throw new KeyError(`${source}: ${cryptoProblem(error)}`);
  }
  const type = keyTypeOf(key, source);
  const pem = key.export({ type: 'pkcs8', format: 'pem' }) as string;
  return { pem, key, type };
}

/** Parses a public key (SPKI `PUBLIC KEY` or PKCS#1 `RSA PUBLIC KEY`) held in memory. */
export function parsePublicKeyPem(text: string, { source }: { source: string }): KeyObject {
  const blocks = pemBlocks(text, source);
  const block = blocks.find((b) => PUBLIC_LABELS.has(b.label));
  if (!block) {
    if (blocks.some((b) => PRIVATE_LABELS.has(b.label)))
      throw new KeyError(
        `${source}: this is a private key; give the public key here (never share the private one)`,
      );
    throw new KeyError(
      `${source}: no public key block (found ${blocks.map((b) => `"${b.label}"`).join(', ')})`,
    );
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: block.text, format: 'pem' });
  } catch (error) {
    throw new KeyError(`${source}: ${cryptoProblem(error)}`);
  }
  keyTypeOf(key, source);
  return key;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'is a directory'
            : (code ?? 'unreadable');
    throw new KeyError(`${file}: cannot read the key file (${why})`);
  }
}

/** Loads an RSA-2048 or ECDSA P-256 private key from PEM (PKCS#1, SEC1 or PKCS#8; optionally encrypted). */
export function loadPrivateKey(file: string, { passphrase }: { passphrase?: string } = {}): LoadedPrivateKey {
  return parsePrivateKeyPem(readText(file), { source: file, passphrase });
}

/** Loads an RSA-2048 or ECDSA P-256 public key from PEM (SPKI or PKCS#1). */
export function loadPublicKey(file: string): KeyObject {
  return parsePublicKeyPem(readText(file), { source: file });
}

/** The type of a loaded key, checked against CloudFront's rules. */
export function keyTypeOfKey(key: KeyObject, source = 'key'): KeyType {
  return keyTypeOf(key, source);
}
