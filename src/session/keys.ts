import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { type CryptoKey, importPKCS8, importSPKI } from 'jose';

/** Session tokens are signed asymmetrically so that the edge only ever holds public keys. */
export type SessionAlg = 'ES256' | 'EdDSA';
export const SESSION_ALGS: readonly SessionAlg[] = ['ES256', 'EdDSA'];

/** `HS256` only in the `function` edge mode, where the CloudFront Function verifies with HMAC. */
export type SessionTokenAlg = SessionAlg | 'HS256';

export interface SessionVerifyKey {
  kid: string;
  alg: SessionTokenAlg;
  /** A CryptoKey, or the raw HMAC secret for HS256. */
  key: CryptoKey | Uint8Array;
}

export interface SessionSigningKey {
  kid: string;
  alg: SessionTokenAlg;
  key: CryptoKey | Uint8Array;
}

/** An ES256 or EdDSA key: always a CryptoKey. */
export interface AsymmetricSessionKey {
  kid: string;
  alg: SessionAlg;
  key: CryptoKey;
}

/** An HS256 session key from its base64url secret (the `function` edge mode's keyring). */
export function importSessionHmacKey(
  kid: string,
  secretB64url: string,
): SessionSigningKey & SessionVerifyKey {
  return { kid, alg: 'HS256', key: new Uint8Array(Buffer.from(secretB64url, 'base64url')) };
}

export class SessionKeyError extends Error {
  readonly code = 'ERR_SESSION_KEY';
  constructor(message: string) {
    super(message);
    this.name = 'SessionKeyError';
  }
}

/** ES256 for an ECDSA P-256 key, EdDSA for Ed25519; anything else is refused. */
export function sessionAlgOf(key: KeyObject): SessionAlg {
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  const curve = key.asymmetricKeyDetails?.namedCurve;
  throw new SessionKeyError(
    `session keys must be ECDSA P-256 or Ed25519, got ${key.asymmetricKeyType}${curve ? ` (${curve})` : ''}`,
  );
}

/** Parses a session public key PEM (SPKI) and tells its algorithm; throws SessionKeyError without echoing the text. */
export function inspectSessionPublicKeyPem(pem: string, source: string): { alg: SessionAlg; spki: string } {
  if (/PRIVATE KEY/.test(pem))
    throw new SessionKeyError(`${source} holds a private key where a public key belongs`);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    throw new SessionKeyError(`${source} is not a PEM public key`);
  }
  const spki = key.export({ type: 'spki', format: 'pem' }).toString();
  return { alg: sessionAlgOf(key), spki };
}

export async function importSessionPublicKey(kid: string, pem: string): Promise<AsymmetricSessionKey> {
  const { alg, spki } = inspectSessionPublicKeyPem(pem, `session key "${kid}"`);
  return { kid, alg, key: await importSPKI(spki, alg) };
}

/** The signing half; `pem` may be PKCS#8 or SEC1 (`EC PRIVATE KEY`). Also returns the public half for verification. */
export async function importSessionPrivateKey(
  kid: string,
  pem: string,
): Promise<{ signing: AsymmetricSessionKey; verify: AsymmetricSessionKey }> {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new SessionKeyError(`session private key "${kid}" is not a readable PEM private key`);
  }
  const alg = sessionAlgOf(key);
  const pkcs8 = key.export({ type: 'pkcs8', format: 'pem' }).toString();
  const spki = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
  return {
    signing: { kid, alg, key: await importPKCS8(pkcs8, alg) },
    verify: { kid, alg, key: await importSPKI(spki, alg) },
  };
}
