import { Bench } from 'tinybench';
import { signCookies } from '../src/cloudfront/signer';
import type { HashAlgorithm, VerifyInput } from '../src/cloudfront/types';
import { setSignatureCache, verifyRequest } from '../src/cloudfront/verifier';
import { generateKeyPair, parsePrivateKeyPem, parsePublicKeyPem } from '../src/keys/pem';

/**
 * Signed-cookie issuance (what the login function does once per sign-in) and CloudFront-style
 * verification (what the local edge does for every segment), RSA-2048 against ECDSA P-256,
 * SHA-1 against SHA-256, side by side in one run.
 */
const HOST = 'https://d111111abcdef8.cloudfront.net';
const NOW = Math.floor(Date.now() / 1000);

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

async function measure(title: string, tasks: [string, () => void][], baseline: string): Promise<void> {
  const bench = new Bench({ time: 400, warmupTime: 100 });
  for (const [name, fn] of tasks) bench.add(name, fn);
  await bench.run();
  const rows = bench.tasks.map((task) => {
    const r = task.result as { state?: string; period?: number; latency?: { rme?: number } };
    const period = r.period ?? Number.NaN;
    return {
      name: task.name,
      opsPerSec: 1000 / period,
      micros: period * 1000,
      rme: r.latency?.rme ?? Number.NaN,
    };
  });
  const base = rows.find((row) => row.name === baseline)!;
  console.log(`### ${title}\n`);
  console.log('| candidate | ops/s | µs/op | ± | vs baseline |');
  console.log('|---|---:|---:|---:|---:|');
  for (const row of rows)
    console.log(
      `| ${row.name}${row.name === baseline ? ' (baseline)' : ''} | ${fmt(row.opsPerSec)} | ${fmt(row.micros, 1)} | ${fmt(row.rme, 1)}% | ${fmt(row.opsPerSec / base.opsPerSec, 2)}× |`,
    );
  console.log('');
}

export async function run(): Promise<void> {
  const keys = (['rsa', 'ecdsa'] as const).map((type) => {
    const pair = generateKeyPair(type);
    return {
      type,
      label: type === 'rsa' ? 'RSA-2048' : 'ECDSA P-256',
      id: type === 'rsa' ? 'KRSABENCH' : 'KECBENCH',
      pem: pair.privateKeyPem,
      key: parsePrivateKeyPem(pair.privateKeyPem, { source: 'bench' }).key,
      pub: parsePublicKeyPem(pair.publicKeyPem, { source: 'bench' }),
    };
  });
  const hashes: HashAlgorithm[] = ['SHA1', 'SHA256'];
  const trustedKeys = new Map(keys.map((k) => [k.id, k.pub]));
  const issue = (k: (typeof keys)[number], hash: HashAlgorithm, privateKey: string | typeof k.key) => () => {
    signCookies({
      resource: `${HOST}/media/course-42/*`,
      expires: NOW + 3600,
      keyPairId: k.id,
      privateKey,
      hashAlgorithm: hash,
    });
  };

  const issuance: [string, () => void][] = [];
  for (const k of keys)
    for (const hash of hashes) issuance.push([`issue cookies ${k.label} ${hash}`, issue(k, hash, k.key)]);
  issuance.push([
    `issue cookies ${keys[0]!.label} SHA1, PEM parsed per call`,
    issue(keys[0]!, 'SHA1', keys[0]!.pem),
  ]);
  await measure('Signed-cookie issuance (signCookies)', issuance, 'issue cookies RSA-2048 SHA1');

  const requests = new Map<string, VerifyInput>();
  for (const k of keys)
    for (const hash of hashes) {
      const cookies = signCookies({
        resource: `${HOST}/media/course-42/*`,
        expires: NOW + 3600,
        keyPairId: k.id,
        privateKey: k.key,
        hashAlgorithm: hash,
      });
      requests.set(`${k.label} ${hash}`, {
        url: `${HOST}/media/course-42/seg001.m4s`,
        clientIp: '192.0.2.1',
        cookies,
        trustedKeys,
        now: NOW,
      });
    }
  const verifyTask = (input: VerifyInput) => () => {
    if (!verifyRequest(input).allow) throw new Error('bench request was denied');
  };
  const verification: [string, () => void][] = [];
  for (const [name, input] of requests)
    verification.push([`verify ${name}, public-key check`, verifyTask(input)]);
  setSignatureCache(false);
  await measure(
    'CloudFront-style verification per request (verifyRequest), signature checked every time',
    verification,
    'verify RSA-2048 SHA1, public-key check',
  );
  setSignatureCache(true);
  const cached: [string, () => void][] = [];
  for (const [name, input] of requests) cached.push([`verify ${name}, signature cached`, verifyTask(input)]);
  cached.push([
    'verify RSA-2048 SHA1, public-key check',
    (() => {
      const input = requests.get('RSA-2048 SHA1')!;
      return () => {
        setSignatureCache(false);
        verifyRequest(input);
        setSignatureCache(true);
      };
    })(),
  ]);
  await measure(
    'Verification with the verified-signature cache (same cookies, every segment of a stream)',
    cached,
    'verify RSA-2048 SHA1, public-key check',
  );
}
