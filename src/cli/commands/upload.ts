import { resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import { s3ObjectStore, stackOutput } from '../../deploy/aws';
import { listLocalFiles, uploadFiles } from '../../deploy/upload';
import { type Command, parseOptions, UsageError } from '../io';

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

export const command: Command = {
  usage: [
    'usage: edge-auth upload PATH --prefix PREFIX (--stage STAGE | --bucket NAME)',
    '                        [--concurrency N] [--force] [--region REGION] [--endpoint URL]',
    '',
    'Uploads a file or a folder (e.g. HLS output) to the private bucket under PREFIX, with the',
    'Content-Type and Cache-Control of each extension (.m3u8 application/vnd.apple.mpegurl, max-age=5;',
    '.m4s/.ts/.mp4 long and immutable; pages max-age=60). Objects whose MD5, type and cache-control',
    'are unchanged are skipped. Protected media goes under media/…, public pages under web/….',
    '',
    'options:',
    "  --stage STAGE     find the bucket in the stack's MediaBucketName output (stack edge-auth-STAGE)",
    '  --bucket NAME     upload to this bucket instead',
    '  --concurrency N   parallel uploads (default 8)',
    '  --force           upload every file, even unchanged ones',
    '  --region REGION   default us-east-1',
    '  --endpoint URL    an S3-compatible endpoint (path-style), e.g. http://127.0.0.1:4569',
  ].join('\n'),
  async run(args, io) {
    const { values, positionals } = parseOptions(
      args,
      {
        prefix: { type: 'string' },
        stage: { type: 'string' },
        bucket: { type: 'string' },
        concurrency: { type: 'string' },
        force: { type: 'boolean' },
        region: { type: 'string' },
        endpoint: { type: 'string' },
      },
      true,
    );
    if (positionals.length !== 1) throw new UsageError('give exactly one PATH to upload');
    if (values.prefix === undefined) throw new UsageError('--prefix is required (e.g. media/demo or web)');
    if (!values.stage === !values.bucket) throw new UsageError('pass --stage or --bucket (one of them)');
    const concurrency = values.concurrency === undefined ? 8 : Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
      throw new UsageError('--concurrency must be an integer from 1 to 64');
    const aws = { region: values.region, endpoint: values.endpoint };
    const files = listLocalFiles(resolve(io.cwd, positionals[0]!), values.prefix);
    // --endpoint is the S3 endpoint; the stack lookup always asks CloudFormation itself.
    const bucket =
      values.bucket ?? (await stackOutput(values.stage!, 'MediaBucketName', { region: values.region }));
    const total = files.reduce((n, f) => n + f.size, 0);
    io.out(
      `upload: ${files.length} files (${kb(total)}) → s3://${bucket}/${files[0]!.key.split('/').slice(0, -1).join('/')}`,
    );

    // A bar on a terminal; one line per file in logs and pipes.
    const interactive = io.env === process.env && process.stderr.isTTY && !io.env.CI;
    const bar = !interactive
      ? undefined
      : new SingleBar({
          format: '  {bar} {value}/{total} files | {file}',
          stream: process.stderr,
          hideCursor: true,
        });
    bar?.start(files.length, 0, { file: '' });
    const summary = await uploadFiles(files, s3ObjectStore(bucket, aws), {
      concurrency,
      force: values.force ?? false,
      onProgress: (p) => {
        if (bar) bar.update(p.done, { file: p.file.key });
        else
          io.out(
            `  [${p.done}/${p.total}] ${p.outcome === 'uploaded' ? 'uploaded ' : 'unchanged'} ${p.file.key}`,
          );
      },
    }).finally(() => bar?.stop());
    io.out(`upload: ${summary.uploaded} uploaded (${kb(summary.bytes)}), ${summary.unchanged} unchanged`);
    return 0;
  },
};
