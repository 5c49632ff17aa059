import { generateKeyPairSync } from 'node:crypto';
import {
  importSessionPrivateKey,
  importSessionPublicKey,
  inspectSessionPublicKeyPem,
  SessionKeyError,
  sessionAlgOf,
} from '../../src/session/keys';
import { importEdgeVerifyKey } from '../../src/session/verify-sync';
import { sessionKey } from './fixtures';

/**
 * Session keys: only ECDSA P-256 (ES256) and Ed25519 (EdDSA), so the edge only ever holds public
 * keys; a wrong key is refused with a message that names the file and the key type, never its text.
 */
const pem = (
  key: { export(o: { type: 'spki' | 'pkcs8'; format: 'pem' }): string | Buffer },
  type: 'spki' | 'pkcs8',
) => key.export({ type, format: 'pem' }).toString();

function thrown(fn: () => unknown): SessionKeyError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SessionKeyError);
    expect(error).toMatchObject({ code: 'ERR_SESSION_KEY', name: 'SessionKeyError' });
    return error as SessionKeyError;
  }
  throw new Error('expected a SessionKeyError');
}

describe('session key types', () => {
  it('P-256 is ES256, Ed25519 is EdDSA', () => {
    expect(sessionAlgOf(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey)).toBe('ES256');
    expect(sessionAlgOf(generateKeyPairSync('ed25519').publicKey)).toBe('EdDSA');
  });

  it('another curve or key type is refused, naming it', () => {
    expect(
      thrown(() => sessionAlgOf(generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey)).message,
    ).toBe('session keys must be ECDSA P-256 or Ed25519, got ec (secp384r1)');
    expect(thrown(() => sessionAlgOf(generateKeyPairSync('ed448').publicKey)).message).toBe(
      'session keys must be ECDSA P-256 or Ed25519, got ed448',
    );
  });

  it('inspects a public key PEM: its algorithm and its SPKI text', () => {
    const k = sessionKey('k1');
    const inspected = inspectSessionPublicKeyPem(k.publicKeyPem, 'file a.pem');
    expect(inspected).toEqual({ alg: 'ES256', spki: k.publicKeyPem });
    const ed = sessionKey('k2', 'ed25519');
    expect(inspectSessionPublicKeyPem(ed.publicKeyPem, 'b').alg).toBe('EdDSA');
  });

  it('a private key where the public one belongs is refused without echoing it', () => {
    const k = sessionKey('k1');
    const error = thrown(() => inspectSessionPublicKeyPem(k.privateKeyPem, 'file a.pem'));
    expect(error.message).toBe('file a.pem holds a private key where a public key belongs');
    expect(error.message).not.toContain(k.privateKeyPem.split('\n')[1]);
  });

  it('text that is not a PEM public key is refused without echoing it', () => {
    expect(thrown(() => inspectSessionPublicKeyPem('hello secret', 'file a.pem')).message).toBe(
      'file a.pem is not a PEM public key',
    );
  });

  it('importSessionPublicKey names the kid in its refusals', async () => {
    await expect(importSessionPublicKey('k7', 'nope')).rejects.toThrow(
      'session key "k7" is not a PEM public key',
    );
    const key = await importSessionPublicKey('k1', sessionKey('k1').publicKeyPem);
    expect(key).toMatchObject({ kid: 'k1', alg: 'ES256' });
  });

  it('importSessionPrivateKey reads PKCS#8 and SEC1, and gives the matching public half', async () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const sec1 = pair.privateKey.export({ type: 'sec1', format: 'pem' }).toString();
    for (const text of [pem(pair.privateKey, 'pkcs8'), sec1]) {
      const { signing, verify } = await importSessionPrivateKey('k1', text);
      expect(signing).toMatchObject({ kid: 'k1', alg: 'ES256' });
      expect(verify).toMatchObject({ kid: 'k1', alg: 'ES256' });
      expect(signing.key.type).toBe('private');
      expect(verify.key.type).toBe('public');
    }
    const ed = await importSessionPrivateKey('k2', sessionKey('k2', 'ed25519').privateKeyPem);
    expect(ed.signing.alg).toBe('EdDSA');
  });

  it('importSessionPrivateKey refuses unreadable text and foreign key types, naming the kid', async () => {
    await expect(importSessionPrivateKey('k9', 'nope')).rejects.toThrow(
      new SessionKeyError('session private key "k9" is not a readable PEM private key'),
    );
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    await expect(importSessionPrivateKey('k9', pem(rsa, 'pkcs8'))).rejects.toThrow(
      'session keys must be ECDSA P-256 or Ed25519, got rsa',
    );
  });
});

describe('edge verify keys', () => {
  it('a key must be of the algorithm it is listed with', () => {
    const es = sessionKey('es');
    const ed = sessionKey('ed', 'ed25519');
    expect(importEdgeVerifyKey('es', 'ES256', es.publicKeyPem)).toMatchObject({ kid: 'es', alg: 'ES256' });
    expect(importEdgeVerifyKey('ed', 'EdDSA', ed.publicKeyPem)).toMatchObject({ kid: 'ed', alg: 'EdDSA' });
    expect(() => importEdgeVerifyKey('es', 'EdDSA', es.publicKeyPem)).toThrow('key es is not a EdDSA key');
    expect(() => importEdgeVerifyKey('ed', 'ES256', ed.publicKeyPem)).toThrow('key ed is not a ES256 key');
  });
});
