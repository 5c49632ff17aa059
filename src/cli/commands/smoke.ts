import { runSmoke } from '../../deploy/smoke';
import { type Command, parseOptions, UsageError } from '../io';

export const command: Command = {
  usage: [
    'usage: edge-auth smoke --url URL --user NAME [--password PASSWORD] [--media PATH] [--segment PATH]',
    '                       [--outside PATH] [--bucket-url URL] [--auth-prefix PREFIX]',
    '',
    'Proves the lock after a deploy (or against the local edge): unsigned media → 403 MissingKey;',
    'the bucket directly → 403 (with --bucket-url); sign-in → cookies → the playlist and a segment',
    '200; a path outside the grants → 403 (with --outside); sign-out → 403 again. Prints PASS or FAIL',
    'per check and exits 1 when any check fails.',
    '',
    'options:',
    '  --url URL           the site, e.g. https://d111111abcdef8.cloudfront.net',
    '  --user NAME         a user whose grants include --media',
    '  --password PASSWORD the password (else read from standard input)',
    '  --media PATH        a playlist inside the grants (default /media/demo/index.m3u8)',
    '  --segment PATH      a segment to fetch (default: the first one the playlist names)',
    '  --outside PATH      a protected playlist outside the grants, e.g. /media/premium/index.m3u8',
    '  --bucket-url URL    the bucket endpoint, e.g. https://BUCKET.s3.us-east-1.amazonaws.com',
    '  --auth-prefix PATH  where the login function answers (default /auth/)',
  ].join('\n'),
  async run(args, io) {
    const { values } = parseOptions(args, {
      url: { type: 'string' },
      user: { type: 'string' },
      password: { type: 'string' },
      media: { type: 'string' },
      segment: { type: 'string' },
      outside: { type: 'string' },
      'bucket-url': { type: 'string' },
      'auth-prefix': { type: 'string' },
    });
    if (!values.url) throw new UsageError('--url is required');
    if (!/^https?:\/\/[^/]+/.test(values.url)) throw new UsageError('--url must be an http(s) URL');
    if (!values.user) throw new UsageError('--user is required');
    const password = values.password ?? (await io.readStdin())?.replace(/\r?\n$/, '');
    if (!password) throw new UsageError('give --password or pipe the password on standard input');
    for (const [name, value] of [
      ['--media', values.media],
      ['--segment', values.segment],
      ['--outside', values.outside],
    ] as const) {
      if (value !== undefined && !value.startsWith('/'))
        throw new UsageError(`${name} must be a path starting with /`);
    }
    const checks = await runSmoke({
      url: values.url,
      user: values.user,
      password,
      media: values.media ?? '/media/demo/index.m3u8',
      segment: values.segment,
      outside: values.outside,
      bucketUrl: values['bucket-url'],
      authPrefix: values['auth-prefix'],
    });
    for (const c of checks) io.out(`${c.ok ? 'PASS' : 'FAIL'}  ${c.name}  (${c.detail})`);
    const failed = checks.filter((c) => !c.ok).length;
    io.out(
      failed === 0
        ? `smoke: all ${checks.length} checks passed`
        : `smoke: ${failed} of ${checks.length} checks failed`,
    );
    return failed === 0 ? 0 : 1;
  },
};
