import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Keyring } from '../../src/keys/keyring';

export interface TestKey {
  kid: string;
  privateKeyPem: string;
  publicKeyPem: string;
}

export function sessionKey(kid: string, type: 'ec' | 'ed25519' = 'ec'): TestKey {
  const pair =
    type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  return {
    kid,
    privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export function cloudFrontKey(): { privateKeyPem: string; publicKeyPem: string } {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** A keyring folder in a temp dir with the given session keys (the first signs). */
export function writeTestKeyring(keys: TestKey[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'edge-auth-keyring-'));
  const cf = cloudFrontKey();
  writeFileSync(join(dir, 'cloudfront-cf1.pub.pem'), cf.publicKeyPem);
  for (const k of keys) writeFileSync(join(dir, `session-${k.kid}.pub.pem`), k.publicKeyPem);
  const keyring: Keyring = {
    cloudFront: [{ id: 'cf1', publicKeyFile: 'cloudfront-cf1.pub.pem', created: '2026-01-01' }],
    session: keys.map((k) => ({
      id: k.kid,
      publicKeyFile: `session-${k.kid}.pub.pem`,
      created: '2026-01-01',
    })),
    signing: { cloudFront: 'cf1', session: keys[0]!.kid },
  };
  writeFileSync(join(dir, 'keyring.json'), JSON.stringify(keyring));
  return dir;
}

/** An independent oracle for CloudFront-style wildcards (`*` any run, `?` one char), by dynamic programming. */
export function globMatches(pattern: string, text: string): boolean {
  let prev: boolean[] = new Array(text.length + 1).fill(false);
  prev[0] = true;
  for (let i = 1; i <= pattern.length; i++) {
    const p = pattern[i - 1];
    const cur: boolean[] = new Array(text.length + 1).fill(false);
    cur[0] = p === '*' && prev[0]!;
    for (let j = 1; j <= text.length; j++) {
      if (p === '*') cur[j] = prev[j]! || cur[j - 1]!;
      else cur[j] = prev[j - 1]! && (p === '?' || p === text[j - 1]);
    }
    prev = cur;
  }
  return prev[text.length]!;
}

export function loadEvent<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'events', `${name}.json`), 'utf8')) as T;
}
