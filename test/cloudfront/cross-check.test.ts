import { execFileSync, spawnSync } from 'node:child_process';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeCloudFrontBase64, encodeCloudFrontBase64 } from '../../src/cloudfront/base64';
import { buildPolicy } from '../../src/cloudfront/policy';
import { signCookies, signUrl } from '../../src/cloudfront/signer';
import type { HashAlgorithm } from '../../src/cloudfront/types';
import { verifyRequest } from '../../src/cloudfront/verifier';
import { opensslKeys } from '../keys/openssl-fixtures';

/**
 * Our signer and verifier against implementations that are not ours: the openssl command line
 * and botocore's CloudFrontSigner (Python). If both agree with us, our reading of CloudFront's
 * signature format (PKCS#1 v1.5 / DER ECDSA over the policy bytes, CloudFront base64) is shared.
 */
const keys = opensslKeys();
const work = mkdtempSync(join(tmpdir(), 'edge-auth-x-'));
const NOW = 1_800_000_000;
const HOST = 'https://d111111abcdef8.cloudfront.net';
const trustedKeys = new Map<string, KeyObject>([
  ['KRSA', createPublicKey(keys.text('rsa-2048.pub.pem'))],
  ['KEC', createPublicKey(keys.text('ecdsa-p256.pub.pem'))],
]);
const COMBOS = [
  ['KRSA', 'rsa-2048.pkcs8.key.pem', 'rsa-2048.pub.pem'],
  ['KEC', 'ecdsa-p256.pkcs8.key.pem', 'ecdsa-p256.pub.pem'],
].flatMap(([id, priv, pub]) =>
  (['SHA1', 'SHA256'] as HashAlgorithm[]).map((hash) => ({ id: id!, priv: priv!, pub: pub!, hash })),
);

const opensslDigest = (hash: HashAlgorithm) => (hash === 'SHA256' ? '-sha256' : '-sha1');

describe.each(COMBOS.map((c) => [`${c.id} ${c.hash}`, c] as const))('openssl, %s', (name, c) => {
  const policyFile = join(work, `${name.replace(' ', '-')}.policy.json`);
  const sigFile = join(work, `${name.replace(' ', '-')}.sig`);

  it('a policy signed by `openssl dgst -sign` is allowed by our verifier', () => {
    const json = buildPolicy({ resource: `${HOST}/media/*`, expires: NOW + 60 });
    writeFileSync(policyFile, json);
    execFileSync('openssl', [
      'dgst',
      opensslDigest(c.hash),
      '-sign',
      keys.file(c.priv),
      '-out',
      sigFile,
      policyFile,
    ]);
    const signature = encodeCloudFrontBase64(readFileSync(sigFile));
    const cookies: Record<string, string> = {
      'CloudFront-Policy': encodeCloudFrontBase64(json),
      'CloudFront-Signature': signature,
      'CloudFront-Key-Pair-Id': c.id,
    };
    if (c.hash === 'SHA256') cookies['CloudFront-Hash-Algorithm'] = 'SHA256';
    const result = verifyRequest({
      url: `${HOST}/media/x.ts`,
      clientIp: '192.0.2.1',
      cookies,
      trustedKeys,
      now: NOW,
    });
    expect(result.allow).toBe(true);
  });

  it('our signed cookies verify with `openssl dgst -verify`', () => {
    const cookies = signCookies({
      resource: `${HOST}/media/*`,
      expires: NOW + 60,
      keyPairId: c.id,
      privateKey: keys.text(c.priv),
      hashAlgorithm: c.hash,
    });
    writeFileSync(policyFile, decodeCloudFrontBase64(cookies['CloudFront-Policy']!));
    writeFileSync(sigFile, decodeCloudFrontBase64(cookies['CloudFront-Signature']!));
    const out = execFileSync('openssl', [
      'dgst',
      opensslDigest(c.hash),
      '-verify',
      keys.file(c.pub),
      '-signature',
      sigFile,
      policyFile,
    ]).toString();
    expect(out.trim()).toBe('Verified OK');
  });
});

// botocore comes from Debian's python3-botocore (.ci/run installs it). A fresh machine may lack it:
// outside CI its suite is skipped with a loud notice (as the browser test does without Chromium);
// under CI=true a missing botocore fails. The first Python that imports it wins: PYTHON3_PATH, the
// `python3` on PATH (a pyenv shim on some machines), then Debian's /usr/bin/python3, where apt puts it.
const PYTHONS = [process.env.PYTHON3_PATH, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p);
const importsBotocore = (python: string) =>
  spawnSync(python, ['-c', 'import botocore'], { stdio: 'ignore' }).status === 0;
const PYTHON = PYTHONS.find(importsBotocore) ?? PYTHONS[0]!;
const hasBotocore = importsBotocore(PYTHON);
if (!hasBotocore) {
  const message = `\n*** BOTOCORE CROSS-CHECK NOT RUN: no Python imports botocore (tried ${PYTHONS.join(', ')}). Install it: apt-get install python3-botocore, or set PYTHON3_PATH. ***\n`;
  console.warn(message);
  if (process.env.CI === 'true') {
    test('botocore is installed (required in CI)', () => {
      throw new Error(message);
    });
  }
}

(hasBotocore ? describe : describe.skip)(
  "botocore's CloudFrontSigner (Python), signing through openssl",
  () => {
    const script = `
import json, subprocess, sys, datetime
from botocore.signers import CloudFrontSigner
args = json.load(sys.stdin)
def signer(message):
    return subprocess.run(['openssl', 'dgst', '-sha1', '-sign', args['key']], input=message, capture_output=True, check=True).stdout
s = CloudFrontSigner(args['id'], signer)
expires = datetime.datetime.fromtimestamp(args['expires'], tz=datetime.timezone.utc)
custom = s.build_policy(args['resource'], expires, ip_address=args['ip'])
print(json.dumps({
  'canned': s.generate_presigned_url(args['url'], date_less_than=expires),
  'custom': s.generate_presigned_url(args['url'], policy=custom),
  'customPolicy': custom,
}))
`;
    const run = (id: string, key: string) =>
      JSON.parse(
        execFileSync(PYTHON, ['-c', script], {
          input: JSON.stringify({
            id,
            key: keys.file(key),
            url: `${HOST}/media/course-42/index.m3u8?lang=en`,
            resource: `${HOST}/media/course-42/*`,
            expires: NOW + 300,
            ip: '192.0.2.0/24',
          }),
        }).toString(),
      ) as { canned: string; custom: string; customPolicy: string };

    // Run in beforeAll, not while collecting: a skipped suite must not call Python at all.
    const rsa = { canned: '', custom: '', customPolicy: '' };
    const ec = { ...rsa };
    beforeAll(() => {
      Object.assign(rsa, run('KRSA', 'rsa-2048.pkcs8.key.pem'));
      Object.assign(ec, run('KEC', 'ecdsa-p256.pkcs8.key.pem'));
    });
    const verify = (url: string, clientIp = '192.0.2.7', now = NOW) =>
      verifyRequest({ url, clientIp, cookies: {}, trustedKeys, now });

    it.each([
      ['RSA', rsa],
      ['ECDSA', ec],
    ])(
      '%s: botocore canned and custom URLs are allowed, and denied when CloudFront would deny them',
      (_n, urls) => {
        expect(verify(urls.canned)).toMatchObject({ allow: true, via: 'signed-url' });
        expect(verify(urls.custom)).toMatchObject({ allow: true, via: 'signed-url' });
        expect(verify(urls.canned, '192.0.2.7', NOW + 300)).toMatchObject({
          allow: false,
          reason: 'expired',
        });
        expect(verify(urls.custom, '198.51.100.1')).toMatchObject({ allow: false, reason: 'ip-mismatch' });
        expect(verify(urls.canned.replace('lang=en', 'lang=fr'))).toMatchObject({
          allow: false,
          reason: 'bad-signature',
        });
      },
    );

    it("botocore's custom policy parses as the same policy we build", () => {
      expect(JSON.parse(rsa.customPolicy)).toEqual(
        JSON.parse(
          buildPolicy({
            resource: `${HOST}/media/course-42/*`,
            expires: NOW + 300,
            sourceIp: '192.0.2.0/24',
          }),
        ),
      );
    });

    it('RSA PKCS#1 v1.5 is deterministic: our canned URL carries the very signature botocore made', () => {
      const ours = signUrl({
        url: `${HOST}/media/course-42/index.m3u8?lang=en`,
        keyPairId: 'KRSA',
        privateKey: keys.text('rsa-2048.pkcs8.key.pem'),
        policy: 'canned',
        expires: NOW + 300,
      });
      const sig = (url: string) => new URL(url).searchParams.get('Signature');
      expect(sig(ours)).toBe(sig(rsa.canned));
      expect(sig(ours)).toHaveLength(344);
    });
  },
);
