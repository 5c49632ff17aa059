import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { decodeCloudFrontBase64 } from '../../src/cloudfront/base64';
import { opensslKeys, PASSPHRASE } from '../keys/openssl-fixtures';

const keys = opensslKeys();

function recorder(env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    readStdin: async () => undefined,
    env,
    cwd: keys.dir,
  };
  return { io, out, err, text: () => out.join('\n'), errText: () => err.join('\n') };
}

async function run(args: string[], env?: NodeJS.ProcessEnv) {
  const r = recorder(env);
  const code = await main(args, r.io);
  return { code, out: r.text(), err: r.errText() };
}

const HOST = 'https://d111111abcdef8.cloudfront.net';
const RESOURCE = `${HOST}/media/course-42/*`;

describe('edge-auth keys generate', () => {
  it('writes a key pair and prints where', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-auth-cli-'));
    const r = await run(['keys', 'generate', '--type', 'ecdsa', '--out', dir, '--json']);
    expect(r.code).toBe(0);
    const files = JSON.parse(r.out);
    expect(files).toEqual({
      type: 'ecdsa',
      privateKeyFile: join(dir, 'cloudfront-ecdsa.key.pem'),
      publicKeyFile: join(dir, 'cloudfront-ecdsa.pub.pem'),
    });
    expect(statSync(files.privateKeyFile).mode & 0o777).toBe(0o600);
    const again = await run(['keys', 'generate', '--type', 'ecdsa', '--out', dir]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already exists: not overwriting/);
  });

  it.each([
    [['keys', 'generate', '--out', '/tmp/x'], /--type is required/],
    [['keys', 'generate', '--type', 'dsa', '--out', '/tmp/x'], /--type must be rsa or ecdsa/],
    [['keys', 'generate', '--type', 'rsa'], /--out DIR is required/],
    [['keys', 'generate', '--type', 'rsa', '--out', 'x', '--bogus'], /Unknown option '--bogus'/],
  ])('%j is a usage error (exit 2, the message and the usage line)', async (args, pattern) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(pattern);
    expect(r.err).toContain('usage: edge-auth keys generate');
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});

describe('edge-auth sign cookies → inspect', () => {
  const sign = (extra: string[] = []) =>
    run([
      'sign',
      'cookies',
      '--key-pair-id',
      'KEC',
      '--private-key',
      'ecdsa-p256.pkcs8.key.pem',
      '--resource',
      RESOURCE,
      '--expires',
      '2h',
      ...extra,
    ]);

  it('--json prints one object of cookie name → value', async () => {
    const r = await sign(['--json', '--hash', 'sha256']);
    expect(r.code).toBe(0);
    const cookies = JSON.parse(r.out);
    expect(Object.keys(cookies)).toEqual([
      'CloudFront-Policy',
      'CloudFront-Signature',
      'CloudFront-Key-Pair-Id',
      'CloudFront-Hash-Algorithm',
    ]);
    expect(
      JSON.parse(decodeCloudFrontBase64(cookies['CloudFront-Policy']).toString()).Statement[0].Resource,
    ).toBe(RESOURCE);
  });

  it('prints Set-Cookie lines with Path=/; Secure; HttpOnly; SameSite=Lax and no Expires/Max-Age', async () => {
    const r = await sign(['--domain', 'example.org']);
    const lines = r.out.split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line).toMatch(
        /^Set-Cookie: CloudFront-[A-Za-z-]+=[A-Za-z0-9_~-]+; Path=\/; Domain=example\.org; Secure; HttpOnly; SameSite=Lax$/,
      );
    }
  });

  it('inspect allows the pasted Set-Cookie lines for a covered URL (exit 0) and explains', async () => {
    const signed = await sign();
    const r = await run([
      'inspect',
      '--cookie',
      signed.out,
      '--url',
      `${HOST}/media/course-42/seg001.m4s`,
      '--public-key',
      'KEC=ecdsa-p256.pub.pem',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^CloudFront would ALLOW this request \(signed cookies\)\./);
    expect(r.out).toContain('Key pair ID:      KEC');
    expect(r.out).toContain(`Resource:       ${RESOURCE}`);
    expect(r.out).toMatch(/ok {3}signature/);
  });

  it("inspect denies another course, a late time and a foreign key, with CloudFront's answer (exit 1)", async () => {
    const { out: json } = await sign(['--json']);
    const c = JSON.parse(json);
    const header = Object.entries(c)
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
    const wrongUrl = await run([
      'inspect',
      '--cookie',
      header,
      '--url',
      `${HOST}/media/course-7/a.ts`,
      '--public-key',
      'KEC=ecdsa-p256.pub.pem',
    ]);
    expect(wrongUrl.code).toBe(1);
    expect(wrongUrl.out).toContain('CloudFront would DENY this request: 403 AccessDenied ("Access denied")');
    expect(wrongUrl.out).toContain('FAIL resource');
    expect(wrongUrl.out).toContain('<Code>AccessDenied</Code>');

    const late = await run([
      'inspect',
      '--cookie',
      header,
      '--url',
      `${HOST}/media/course-42/a.ts`,
      '--public-key',
      'KEC=ecdsa-p256.pub.pem',
      '--now',
      '3h',
      '--json',
    ]);
    expect(late.code).toBe(1);
    expect(JSON.parse(late.out)).toMatchObject({
      allow: false,
      code: 'AccessDenied',
      reason: 'expired',
      keyPairId: 'KEC',
    });

    const foreign = await run([
      'inspect',
      '--cookie',
      header,
      '--url',
      `${HOST}/media/course-42/a.ts`,
      '--public-key',
      'KRSA=rsa-2048.pub.pem',
      '--json',
    ]);
    expect(JSON.parse(foreign.out)).toMatchObject({
      allow: false,
      code: 'InvalidKey',
      message: 'Unknown Key',
    });
  });

  it('an IP-bound cookie: allowed from inside the range, denied without --ip', async () => {
    const { out } = await sign(['--json', '--ip', '192.0.2.0/24']);
    const header = Object.entries(JSON.parse(out))
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
    const base = [
      'inspect',
      '--cookie',
      header,
      '--url',
      `${HOST}/media/course-42/a.ts`,
      '--public-key',
      'KEC=ecdsa-p256.pub.pem',
    ];
    expect((await run([...base, '--ip', '192.0.2.77'])).code).toBe(0);
    const noIp = await run(base);
    expect(noIp.code).toBe(1);
    expect(noIp.out).toContain('(give --ip to check it)');
  });

  it('reads an encrypted key with $EDGE_AUTH_KEY_PASSPHRASE; names the problem without it', async () => {
    const args = [
      'sign',
      'cookies',
      '--key-pair-id',
      'KRSA',
      '--private-key',
      'rsa-2048.encrypted.key.pem',
      '--resource',
      RESOURCE,
      '--json',
    ];
    expect((await run(args, { EDGE_AUTH_KEY_PASSPHRASE: PASSPHRASE })).code).toBe(0);
    const without = await run(args);
    expect(without.code).toBe(1);
    expect(without.err).toMatch(/rsa-2048\.encrypted\.key\.pem: the key is encrypted: give its passphrase/);
  });

  it.each([
    [['--expires', 'tomorrow'], /--expires "tomorrow" is not a time/],
    [['--expires', '1000'], /--expires is in the past/],
    [['--hash', 'md5'], /--hash must be sha1 or sha256/],
    [['--ip', '10.0.0.0/99'], /--ip "10.0.0.0\/99" is not an IPv4\/IPv6 address or CIDR/],
    [['--not-before', '3h'], /--not-before must be earlier than --expires/],
  ])('%j is a usage error', async (extra, pattern) => {
    const r = await sign(extra);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(pattern);
    expect(r.err).toContain('usage: edge-auth sign cookies');
  });

  it('a public key given as --private-key is a clear error, not a stack trace', async () => {
    const r = await run([
      'sign',
      'cookies',
      '--key-pair-id',
      'KEC',
      '--private-key',
      'ecdsa-p256.pub.pem',
      '--resource',
      RESOURCE,
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/ecdsa-p256\.pub\.pem: this is a public key; a private key is needed here/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});

describe('edge-auth sign url → inspect --signed-url', () => {
  const signUrl = (extra: string[]) =>
    run([
      'sign',
      'url',
      '--key-pair-id',
      'KRSA',
      '--private-key',
      'rsa-2048.pkcs1.key.pem',
      '--url',
      `${HOST}/media/course-42/index.m3u8`,
      ...extra,
    ]);

  it('canned by default, custom when a condition needs it', async () => {
    const canned = await signUrl([]);
    expect(canned.code).toBe(0);
    expect(canned.out).toMatch(/\?Expires=\d+&Key-Pair-Id=KRSA&Signature=[A-Za-z0-9_~-]+$/);
    const custom = await signUrl(['--resource', RESOURCE, '--hash', 'sha256']);
    expect(custom.out).toMatch(
      /\?Policy=[A-Za-z0-9_~-]+&Key-Pair-Id=KRSA&Signature=[A-Za-z0-9_~-]+&Hash-Algorithm=SHA256$/,
    );

    const ok = await run(['inspect', '--signed-url', canned.out, '--public-key', 'KRSA=rsa-2048.pub.pem']);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('Policy:           canned');
    // The custom URL's wildcard policy also opens a segment of the same course.
    const other = await run([
      'inspect',
      '--signed-url',
      custom.out,
      '--url',
      `${HOST}/media/course-42/seg7.ts`,
      '--public-key',
      'KRSA=rsa-2048.pub.pem',
      '--json',
    ]);
    expect(JSON.parse(other.out)).toMatchObject({
      allow: true,
      via: 'signed-url',
      hashAlgorithm: 'SHA256',
      policyType: 'custom',
    });
    const cannedElsewhere = await run([
      'inspect',
      '--signed-url',
      canned.out,
      '--url',
      `${HOST}/media/course-42/seg7.ts`,
      '--public-key',
      'KRSA=rsa-2048.pub.pem',
      '--json',
    ]);
    expect(JSON.parse(cannedElsewhere.out)).toMatchObject({ allow: false, reason: 'bad-signature' });
  });

  it.each([
    [['--policy', 'canned', '--ip', '192.0.2.1'], /a canned policy holds only --expires/],
    [['--policy', 'open'], /--policy must be canned or custom/],
  ])('%j is a usage error', async (extra, pattern) => {
    const r = await signUrl(extra);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(pattern);
  });
});

describe('edge-auth inspect usage errors', () => {
  it.each([
    [['inspect', '--url', `${HOST}/a`, '--public-key', 'K=x'], /give --cookie or --signed-url/],
    [['inspect', '--cookie', 'a=b', '--public-key', 'K=x'], /--url REQUESTED_URL is required/],
    [['inspect', '--cookie', 'a=b', '--url', `${HOST}/a`], /give at least one --public-key/],
    [['inspect', '--cookie', 'a=b', '--url', `${HOST}/a`, '--public-key', 'nofile'], /must be ID=FILE/],
    [['inspect', '--cookie', 'a=b', '--url', 'ftp://x/a', '--public-key', 'K=f'], /--url must be an http/],
  ])('%j → exit 2', async (args, pattern) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(pattern);
    expect(r.err).toContain('usage: edge-auth inspect');
  });
});
