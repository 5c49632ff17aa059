import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  generateKeyPair,
  KeyError,
  loadPrivateKey,
  loadPublicKey,
  parsePrivateKeyPem,
  parsePublicKeyPem,
  writeKeyPair,
} from '../../src/keys/pem';
import { opensslKeys, PASSPHRASE } from './openssl-fixtures';

const keys = opensslKeys();

// PEM armour lines built from their label: this file holds no key material, and should not look
// like it does to a scanner for committed private keys.
const begin = (label: string) => `-----BEGIN ${label}-----`;
const end = (label: string) => `-----END ${label}-----`;
const armor = (label: string, body: string) => `${begin(label)}\n${body}\n${end(label)}`;
const PKCS8 = 'PRIVATE KEY';

/** The base64 body lines of a PEM: a message must never contain any of them. */
const bodyLines = (pem: string) => pem.split('\n').filter((l) => /^[A-Za-z0-9+/=]{20,}$/.test(l));

function expectKeyError(fn: () => unknown, pattern: RegExp, source?: string): KeyError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(KeyError);
  const error = caught as KeyError;
  expect(error.code).toBe('ERR_KEY');
  expect(error.message).toMatch(pattern);
  if (source) expect(error.message).toContain(source);
  return error;
}

describe('generateKeyPair', () => {
  it.each([
    ['rsa', 'rsa', { modulusLength: 2048 }],
    ['ecdsa', 'ec', { namedCurve: 'prime256v1' }],
  ] as const)('makes a %s pair CloudFront accepts, PKCS#8 + SPKI', (type, kind, details) => {
    const { privateKeyPem, publicKeyPem } = generateKeyPair(type);
    expect(privateKeyPem).toMatch(new RegExp(`^${begin(PKCS8)}\n`));
    expect(publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    const pub = createPublicKey(publicKeyPem);
    expect(pub.asymmetricKeyType).toBe(kind);
    expect(pub.asymmetricKeyDetails).toMatchObject(details);
    const sig = sign('sha256', Buffer.from('x'), privateKeyPem);
    expect(verify('sha256', Buffer.from('x'), pub, sig)).toBe(true);
  });

  it('refuses an unknown type', () => {
    expectKeyError(() => generateKeyPair('dsa' as never), /unknown key type "dsa"/);
  });
});

describe('writeKeyPair', () => {
  it('writes the private key with mode 0600 and never overwrites', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'edge-auth-w-')), 'nested');
    const files = writeKeyPair(dir, 'cf', 'ecdsa');
    expect(files.privateKeyFile).toBe(join(dir, 'cf.key.pem'));
    expect(files.publicKeyFile).toBe(join(dir, 'cf.pub.pem'));
    expect(statSync(files.privateKeyFile).mode & 0o777).toBe(0o600);
    const before = readFileSync(files.privateKeyFile, 'utf8');
    expectKeyError(
      () => writeKeyPair(dir, 'cf', 'ecdsa'),
      /already exists: not overwriting/,
      files.privateKeyFile,
    );
    expect(readFileSync(files.privateKeyFile, 'utf8')).toBe(before);
    expect(loadPrivateKey(files.privateKeyFile).type).toBe('ecdsa');
    expect(loadPublicKey(files.publicKeyFile).asymmetricKeyType).toBe('ec');
  });

  it('refuses names that would escape the folder', () => {
    expectKeyError(() => writeKeyPair(tmpdir(), '../x', 'rsa'), /must be letters/);
  });
});

describe('loadPrivateKey: the formats openssl writes', () => {
  it.each([
    ['rsa-2048.pkcs8.key.pem', 'rsa'],
    ['rsa-2048.pkcs1.key.pem', 'rsa'],
    ['ecdsa-p256.pkcs8.key.pem', 'ecdsa'],
    ['ecdsa-p256.sec1.key.pem', 'ecdsa'],
    ['ecdsa-p256.with-params.key.pem', 'ecdsa'],
  ])('%s → %s, re-exported as unencrypted PKCS#8', (name, type) => {
    const loaded = loadPrivateKey(keys.file(name));
    expect(loaded.type).toBe(type);
    expect(loaded.pem).toMatch(new RegExp(`^${begin(PKCS8)}\n`));
    // The same key: what it signs, openssl's public key verifies.
    const pubName = type === 'rsa' ? 'rsa-2048.pub.pem' : 'ecdsa-p256.pub.pem';
    if (name !== 'ecdsa-p256.with-params.key.pem') {
      const sig = sign('sha1', Buffer.from('policy'), loaded.key);
      expect(verify('sha1', Buffer.from('policy'), loadPublicKey(keys.file(pubName)), sig)).toBe(true);
    }
  });

  it.each(['rsa-2048.encrypted.key.pem', 'ecdsa-p256.sec1-encrypted.key.pem'])(
    'reads %s with its passphrase, names the problem without it or with a wrong one',
    (name) => {
      expect(loadPrivateKey(keys.file(name), { passphrase: PASSPHRASE }).pem).toMatch(/BEGIN PRIVATE KEY/);
      expectKeyError(
        () => loadPrivateKey(keys.file(name)),
        /encrypted: give its passphrase/,
        keys.file(name),
      );
      expectKeyError(
        () => loadPrivateKey(keys.file(name), { passphrase: 'wrong' }),
        /wrong passphrase/,
        keys.file(name),
      );
    },
  );
});

describe('loadPrivateKey: precise messages for broken files', () => {
  it.each([
    ['truncated-no-end.key.pem', new RegExp(`"${begin(PKCS8)}" has no matching "${end(PKCS8)}" line`)],
    ['no-begin.key.pem', /missing the "-----BEGIN …-----" line/],
    ['empty.key.pem', /the file is empty/],
    ['damaged-body.key.pem', /damaged or not a key/],
    ['rsa-2048.pub.pem', /this is a public key; a private key is needed/],
    ['rsa-2048.pkcs1.pub.pem', /this is a public key; a private key is needed/],
    ['certificate.pem', /this is a certificate; a private key is needed/],
    ['rsa-1024.key.pem', /RSA key is 1024 bits; CloudFront needs exactly 2048/],
    ['ecdsa-p384.key.pem', /EC key is on curve secp384r1; CloudFront needs P-256/],
    ['ed25519.key.pem', /ed25519 key; CloudFront accepts only RSA 2048 or ECDSA P-256/],
  ])('%s → %s', (name, pattern) => {
    const error = expectKeyError(() => loadPrivateKey(keys.file(name)), pattern, keys.file(name));
    for (const line of bodyLines(keys.text(name))) expect(error.message).not.toContain(line);
  });

  it('names a missing file', () => {
    expectKeyError(
      () => loadPrivateKey(join(keys.dir, 'nope.pem')),
      /cannot read the key file \(no such file\)/,
    );
  });

  it('says "not a PEM file" for random text', () => {
    expectKeyError(() => parsePrivateKeyPem('hello', { source: 'SSM /x' }), /SSM \/x: not a PEM file/);
  });
});

describe('loadPublicKey', () => {
  it.each(['rsa-2048.pub.pem', 'rsa-2048.pkcs1.pub.pem', 'ecdsa-p256.pub.pem'])('reads %s', (name) => {
    expect(loadPublicKey(keys.file(name)).type).toBe('public');
  });

  it.each([
    ['rsa-2048.pkcs8.key.pem', /this is a private key; give the public key/],
    ['ed25519.pub.pem', /ed25519 key; CloudFront accepts only/],
    ['certificate.pem', /no public key block \(found "CERTIFICATE"\)/],
  ])('%s → %s', (name, pattern) => {
    const error = expectKeyError(() => loadPublicKey(keys.file(name)), pattern, keys.file(name));
    for (const line of bodyLines(keys.text(name))) expect(error.message).not.toContain(line);
  });

  it('refuses an RSA public key that is not 2048 bits', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1536 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
    expectKeyError(() => parsePublicKeyPem(pem, { source: 'mem' }), /RSA key is 1536 bits/);
  });
});

describe('PEM parsers fed anything', () => {
  const pemish = fc.oneof(
    fc.string(),
    fc.string().map((s) => `${armor(PKCS8, s)}\n`),
    fc.string().map((s) => `-----BEGIN PUBLIC KEY-----\n${s}`),
    fc.base64String().map((s) => armor(`RSA ${PKCS8}`, s)),
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
  );

  it('return a key or throw KeyError, never anything else', () => {
    fc.assert(
      fc.property(pemish, fc.option(fc.string(), { nil: undefined }), (text, passphrase) => {
        for (const parse of [
          () => parsePrivateKeyPem(text, { source: 'fuzz', passphrase }),
          () => parsePublicKeyPem(text, { source: 'fuzz' }),
        ]) {
          try {
            parse();
          } catch (error) {
            expect(error).toBeInstanceOf(KeyError);
            expect((error as KeyError).message.startsWith('fuzz: ')).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a private-key file given where a public key is expected is refused from disk too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-auth-p-'));
    writeFileSync(join(dir, 'k.pem'), generateKeyPair('ecdsa').privateKeyPem);
    expectKeyError(() => loadPublicKey(join(dir, 'k.pem')), /this is a private key/);
  });
});
