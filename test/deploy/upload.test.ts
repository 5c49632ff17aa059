import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import S3rver from 's3rver';
import { main } from '../../src/cli/main';
import { DeployError } from '../../src/deploy/errors';
import { normalizePrefix } from '../../src/deploy/upload';
import { recordingIo } from '../infra/package-stack';

const BUCKET = 'edge-auth-test-media';
let server: S3rver;
let endpoint: string;
let work: string;
let s3: S3Client;
const savedEnv = { ...process.env };

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'edge-auth-upload-'));
  server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: join(work, 's3'),
    configureBuckets: [{ name: BUCKET, configs: [] }],
  });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
  // s3rver checks SigV4 signatures made with its fixed credentials.
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REGION: 'us-east-1',
  });
  delete process.env.AWS_PROFILE;
  s3 = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true });
  const title = join(work, 'hls', 'demo');
  mkdirSync(join(title, 'subs'), { recursive: true });
  writeFileSync(join(title, 'index.m3u8'), '#EXTM3U\n#EXT-X-VERSION:7\n');
  writeFileSync(join(title, 'init.mp4'), Buffer.from([0, 0, 0, 24, 102, 116, 121, 112]));
  writeFileSync(join(title, 'seg-000.m4s'), Buffer.alloc(50_000, 7));
  writeFileSync(join(title, 'seg-001.ts'), Buffer.alloc(30_000, 9));
  writeFileSync(join(title, 'subs', 'en.vtt'), 'WEBVTT\n');
  writeFileSync(join(title, '.DS_Store'), 'junk');
});

afterAll(async () => {
  await new Promise<void>((done) => server.close(() => done()));
  process.env = savedEnv;
  rmSync(work, { recursive: true, force: true });
});

const upload = async (...extra: string[]) => {
  const io = recordingIo(work);
  const code = await main(
    [
      'upload',
      join(work, 'hls', 'demo'),
      '--bucket',
      BUCKET,
      '--prefix',
      'media/demo',
      '--endpoint',
      endpoint,
      ...extra,
    ],
    io,
  );
  return { code, text: io.lines.join('\n') };
};

const head = (key: string) => s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));

describe('edge-auth upload (against s3rver on loopback)', () => {
  it('uploads every file with its content type and cache-control, reporting progress', async () => {
    const { code, text } = await upload('--concurrency', '3');
    expect(code).toBe(0);
    expect(text).toContain('upload: 5 files');
    for (let i = 1; i <= 5; i++) expect(text).toContain(`[${i}/5] uploaded `);
    expect(text).toContain('upload: 5 uploaded');
    expect(text).not.toContain('.DS_Store');

    const expected: [string, string, string][] = [
      ['media/demo/index.m3u8', 'application/vnd.apple.mpegurl', 'max-age=5'],
      ['media/demo/init.mp4', 'video/mp4', 'max-age=31536000, immutable'],
      ['media/demo/seg-000.m4s', 'video/iso.segment', 'max-age=31536000, immutable'],
      ['media/demo/seg-001.ts', 'video/mp2t', 'max-age=31536000, immutable'],
      ['media/demo/subs/en.vtt', 'text/vtt; charset=utf-8', 'max-age=31536000, immutable'],
    ];
    for (const [key, type, cache] of expected) {
      const h = await head(key);
      expect([key, h.ContentType, h.CacheControl]).toEqual([key, type, cache]);
    }
    const body = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'media/demo/seg-000.m4s' }));
    expect(Buffer.from(await body.Body!.transformToByteArray()).equals(Buffer.alloc(50_000, 7))).toBe(true);
  });

  it('skips unchanged files and uploads only what changed', async () => {
    const again = await upload();
    expect(again.text).toContain('upload: 0 uploaded (0.0 KB), 5 unchanged');

    writeFileSync(join(work, 'hls', 'demo', 'index.m3u8'), '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-ENDLIST\n');
    const changed = await upload();
    expect(changed.text).toContain('uploaded  media/demo/index.m3u8');
    expect(changed.text).toContain('upload: 1 uploaded');
    expect(changed.text).toContain('4 unchanged');

    const forced = await upload('--force');
    expect(forced.text).toContain('upload: 5 uploaded');
  });

  it('uploads a single file under the prefix', async () => {
    const io = recordingIo(work);
    const file = join(work, 'hls', 'demo', 'index.m3u8');
    expect(
      await main(['upload', file, '--bucket', BUCKET, '--prefix', '/web/', '--endpoint', endpoint], io),
    ).toBe(0);
    expect((await head('web/index.m3u8')).ContentType).toBe('application/vnd.apple.mpegurl');
  });

  it('refuses bad calls with a usage error', async () => {
    const io = recordingIo(work);
    expect(await main(['upload', work, '--bucket', BUCKET], io)).toBe(2);
    expect(await main(['upload', work, '--prefix', 'media/x'], io)).toBe(2);
    expect(
      await main(['upload', work, '--prefix', '../x', '--bucket', BUCKET, '--endpoint', endpoint], io),
    ).toBe(1);
    expect(io.lines.join('\n')).toContain('--prefix is required');
  });
});

describe('normalizePrefix', () => {
  it('returns a clean prefix or a named error, never anything else', () => {
    fc.assert(
      fc.property(fc.string(), (prefix) => {
        try {
          const p = normalizePrefix(prefix);
          expect(p.startsWith('/') || p.endsWith('/') || p.split('/').includes('..')).toBe(false);
        } catch (error) {
          expect(error).toBeInstanceOf(DeployError);
          expect((error as DeployError).code).toBe('ERR_UPLOAD_PREFIX');
        }
      }),
    );
  });
});

describe('the stage bucket from the stack outputs (CloudFormation stand-in on loopback)', () => {
  it('reads MediaBucketName of stack edge-auth-<stage>, and names a missing stack', async () => {
    const { createServer } = await import('node:http');
    const { stackOutput } = await import('../../src/deploy/aws');
    const requests: string[] = [];
    const cfn = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        const form = new URLSearchParams(body);
        requests.push(`${form.get('Action')} ${form.get('StackName')}`);
        if (form.get('StackName') !== 'edge-auth-dev') {
          res.writeHead(400, { 'content-type': 'text/xml' });
          res.end(
            '<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack does not exist</Message></Error><RequestId>r</RequestId></ErrorResponse>',
          );
          return;
        }
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(
          '<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member>' +
            '<StackName>edge-auth-dev</StackName><StackId>arn:aws:cloudformation:us-east-1:1:stack/edge-auth-dev/x</StackId>' +
            '<CreationTime>2026-01-01T00:00:00Z</CreationTime><StackStatus>UPDATE_COMPLETE</StackStatus><Outputs>' +
            '<member><OutputKey>SignInUrl</OutputKey><OutputValue>https://d1.cloudfront.net/</OutputValue></member>' +
            '<member><OutputKey>MediaBucketName</OutputKey><OutputValue>edge-auth-dev-mediabucket-abc</OutputValue></member>' +
            '</Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeStacksResponse>',
        );
      });
    });
    await new Promise<void>((done) => cfn.listen(0, '127.0.0.1', done));
    const cfnEndpoint = `http://127.0.0.1:${(cfn.address() as { port: number }).port}`;
    try {
      expect(await stackOutput('dev', 'MediaBucketName', { endpoint: cfnEndpoint })).toBe(
        'edge-auth-dev-mediabucket-abc',
      );
      await expect(stackOutput('dev', 'Nope', { endpoint: cfnEndpoint })).rejects.toThrow(
        'stack edge-auth-dev has no output Nope',
      );
      await expect(stackOutput('prod', 'MediaBucketName', { endpoint: cfnEndpoint })).rejects.toThrow(
        /cannot read stack edge-auth-prod .*ValidationError/,
      );
      expect(requests[0]).toBe('DescribeStacks edge-auth-dev');
    } finally {
      cfn.close();
    }
  });
});
