import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildEdgeBundle, findBuildTimeInput } from '../../scripts/build-edge';
import { importSessionPrivateKey } from '../../src/session/keys';
import { issueSessionToken } from '../../src/session/token';
import { sessionKey, writeTestKeyring } from '../session/fixtures';

const ROOT = resolve(__dirname, '../..');

describe('edge bundle', () => {
  const key = sessionKey('k1');
  const out = join(mkdtempSync(join(tmpdir(), 'edge-bundle-')), 'viewer-request.js');
  let bytes = 0;

  beforeAll(async () => {
    ({ bytes } = await buildEdgeBundle({
      stage: 'dev',
      root: ROOT,
      outfile: out,
      keyringDir: writeTestKeyring([key]),
    }));
  });

  it('is small, and carries the public key but no private key and no AWS SDK', () => {
    const text = readFileSync(out, 'utf8');
    expect(bytes).toBe(Buffer.byteLength(text));
    expect(bytes).toBeLessThan(1024 * 1024);
    expect(text).not.toMatch(/PRIVATE KEY/);
    expect(text).not.toMatch(/@aws-sdk|S3Client|SSMClient/);
    expect(text).toContain(key.publicKeyPem.split('\n')[1]);
  });

  it("carries none of the build's knowledge: no settings file, no AWS rule texts, no keyring code", () => {
    const text = readFileSync(out, 'utf8');
    // Phrases only the cited AWS rules and the settings validator contain.
    expect(text).not.toContain('Amazon CloudFront Developer Guide');
    expect(text).not.toContain('docs.aws.amazon.com');
    expect(text).not.toContain('PriceClass_');
  });

  it('refuses build-time modules among the bundle inputs', () => {
    expect(findBuildTimeInput(['src/edge/decide.ts', 'src/session/verify-sync.ts'])).toBeUndefined();
    for (const file of [
      'src/config/settings.ts',
      'config/settings.json',
      'src/cloudfront/aws-rules.ts',
      'src/keys/keyring.ts',
      'src/deploy/stack.ts',
      'src/login/service.ts',
    ])
      expect(findBuildTimeInput(['src/edge/decide.ts', file])).toBe(file);
  });

  it('exports a handler that decides with the baked config in a fresh process', async () => {
    const signing = (await importSessionPrivateKey('k1', key.privateKeyPem)).signing;
    const now = Math.floor(Date.now() / 1000);
    const { token } = await issueSessionToken(
      {
        sub: 'alice',
        grants: ['/media/course-42/*'],
        sid: 's',
        authTime: now,
        method: 'pwd',
        now,
        ttlSeconds: 600,
        absoluteLifetimeSeconds: 600,
        issuer: 'edge-auth',
        audience: 'edge-auth-media',
      },
      signing,
    );
    const script = `
      const { handler } = require(${JSON.stringify(out)});
      const ev = (uri) => ({ Records: [{ cf: { config: {}, request: { clientIp: '203.0.113.1', method: 'GET', uri, querystring: '',
        headers: { cookie: [{ key: 'Cookie', value: '__Host-edge_session=' + process.env.TOKEN }] } } } }] });
      Promise.all([handler(ev('/media/course-42/a.ts')), handler(ev('/media/course-7/a.ts'))])
        .then(([a, b]) => console.log(JSON.stringify([a.uri, !!a.headers.cookie, b.status])));`;
    const output = execFileSync(process.execPath, ['-e', script], {
      env: { TOKEN: token },
      encoding: 'utf8',
    });
    expect(JSON.parse(output.trim().split('\n').pop()!)).toEqual(['/media/course-42/a.ts', true, '403']);
  });

  it('fails the build with ERR_EDGE_CONFIG when the stage has no keyring', async () => {
    await expect(
      buildEdgeBundle({ stage: 'dev', root: ROOT, outfile: out, keyringDir: '/nonexistent/keyring' }),
    ).rejects.toMatchObject({ code: 'ERR_EDGE_CONFIG' });
  });
});
