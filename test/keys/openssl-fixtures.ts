import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Key files made by the openssl command line (not by our code), in a temp folder. Private keys
 * never enter git (.gitignore: *.key.pem), so the tests make their throwaway keys at run time, once
 * per machine user: Jest loads this module afresh in every test file and Stryker runs the test
 * files once per mutant, and making the keys (RSA-2048 generation, a dozen openssl processes)
 * took about 1.5 s each time. The folder is complete before it gets its shared name (rename).
 */
export interface OpensslKeys {
  dir: string;
  file(name: string): string;
  text(name: string): string;
}

export const PASSPHRASE = 'correct-horse';

let cached: OpensslKeys | undefined;

const SHARED = join(tmpdir(), `edge-auth-openssl-keys-v1-${process.getuid?.() ?? 'user'}`);
const COMPLETE = 'complete';

export function opensslKeys(): OpensslKeys {
  if (cached) return cached;
  if (!existsSync(join(SHARED, COMPLETE))) {
    const made = makeKeys();
    try {
      renameSync(made, SHARED);
    } catch {
      // Another process got there first with its own complete set.
      rmSync(made, { recursive: true, force: true });
    }
  }
  const file = (name: string) => join(SHARED, name);
  cached = { dir: SHARED, file, text: (name) => readFileSync(file(name), 'utf8') };
  return cached;
}

function makeKeys(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edge-auth-keys-'));
  const file = (name: string) => join(dir, name);
  const ssl = (...args: string[]) =>
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  ssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'rsa-2048.pkcs8.key.pem');
  ssl('pkey', '-in', 'rsa-2048.pkcs8.key.pem', '-traditional', '-out', 'rsa-2048.pkcs1.key.pem');
  ssl('pkey', '-in', 'rsa-2048.pkcs8.key.pem', '-pubout', '-out', 'rsa-2048.pub.pem');
  ssl('rsa', '-in', 'rsa-2048.pkcs8.key.pem', '-RSAPublicKey_out', '-out', 'rsa-2048.pkcs1.pub.pem');
  ssl(
    'pkcs8',
    '-topk8',
    '-in',
    'rsa-2048.pkcs8.key.pem',
    '-v2',
    'aes-256-cbc',
    '-passout',
    `pass:${PASSPHRASE}`,
    '-out',
    'rsa-2048.encrypted.key.pem',
  );
  ssl(
    'genpkey',
    '-algorithm',
    'EC',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-out',
    'ecdsa-p256.pkcs8.key.pem',
  );
  ssl('ec', '-in', 'ecdsa-p256.pkcs8.key.pem', '-out', 'ecdsa-p256.sec1.key.pem');
  ssl('ec', '-in', 'ecdsa-p256.pkcs8.key.pem', '-pubout', '-out', 'ecdsa-p256.pub.pem');
  ssl(
    'ec',
    '-in',
    'ecdsa-p256.pkcs8.key.pem',
    '-aes256',
    '-passout',
    `pass:${PASSPHRASE}`,
    '-out',
    'ecdsa-p256.sec1-encrypted.key.pem',
  );
  ssl('ecparam', '-name', 'prime256v1', '-genkey', '-out', 'ecdsa-p256.with-params.key.pem');
  ssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024', '-out', 'rsa-1024.key.pem');
  ssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-out', 'ecdsa-p384.key.pem');
  ssl('genpkey', '-algorithm', 'ED25519', '-out', 'ed25519.key.pem');
  ssl('pkey', '-in', 'ed25519.key.pem', '-pubout', '-out', 'ed25519.pub.pem');
  ssl(
    'req',
    '-x509',
    '-key',
    'ecdsa-p256.pkcs8.key.pem',
    '-subj',
    '/CN=test',
    '-days',
    '1',
    '-out',
    'certificate.pem',
  );
  const rsa = readFileSync(file('rsa-2048.pkcs8.key.pem'), 'utf8');
  writeFileSync(file('truncated-no-end.key.pem'), rsa.slice(0, rsa.length - 40));
  writeFileSync(file('no-begin.key.pem'), rsa.split('\n').slice(1).join('\n'));
  const lines = rsa.trim().split('\n');
  // Damage the base64 body (keep BEGIN/END): the DER inside no longer parses.
  lines[5] = lines[5]!.replace(/[A-Za-z]/g, 'A');
  lines[6] = '!!!!';
  writeFileSync(file('damaged-body.key.pem'), `${lines.join('\n')}\n`);
  writeFileSync(file('empty.key.pem'), '');
  writeFileSync(file(COMPLETE), '');
  return dir;
}
