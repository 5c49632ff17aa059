import type { CliIo } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { encodeCloudFrontBase64 } from '../../src/cloudfront/base64';
import { opensslKeys } from '../keys/openssl-fixtures';

// `edge-auth inspect` prints what a pasted cookie says; a pasted cookie is attacker text
// (issue 9, finding 8). Nothing from it may reach the terminal as a control sequence.
const keys = opensslKeys();
const HOST = 'https://d111111abcdef8.cloudfront.net';

/** C0 (tab and newline included: the report's own lines are split on \n before the check), DEL, C1, bidi controls. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    readStdin: async () => undefined,
    env: {},
    cwd: keys.dir,
  };
  const code = await main(args, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const FAKE =
  '\u001b[2J\u001b[H\rCloudFront would ALLOW this request (signed cookies).\u202e\u0085\u009b31m\u007f\t';

function hostileCookie(): string {
  const policy = JSON.stringify({
    Statement: [
      {
        Resource: `${HOST}/media/${FAKE}*`,
        Condition: { DateLessThan: { 'AWS:EpochTime': 4102444800 } },
      },
    ],
  });
  return [
    `CloudFront-Policy=${encodeCloudFrontBase64(Buffer.from(policy))}`,
    `CloudFront-Signature=${encodeCloudFrontBase64(Buffer.alloc(64, 1))}`,
    `CloudFront-Key-Pair-Id=K${encodeURIComponent(FAKE)}`,
  ].join('; ');
}

describe('inspect with hostile input', () => {
  it.each([[[]], [['--json']]])('prints no control character from the cookie %j', async (extra) => {
    for (const keyPairId of [`K${FAKE}`, 'KEC']) {
      const cookie = hostileCookie().replace(
        /CloudFront-Key-Pair-Id=[^;]*$/,
        `CloudFront-Key-Pair-Id=${keyPairId}`,
      );
      const r = await run([
        'inspect',
        '--cookie',
        cookie,
        '--url',
        `${HOST}/media/${FAKE}x`,
        '--public-key',
        'KEC=ecdsa-p256.pub.pem',
        ...(extra as string[]),
      ]);
      expect(r.code).toBe(1);
      for (const line of r.out.split('\n')) expect([line, CONTROL.test(line)]).toEqual([line, false]);
      expect(r.out.split('\n').filter((l) => l.startsWith('CloudFront would ALLOW'))).toEqual([]);
      // The escapes are visible, so the operator sees that the cookie carried them.
      if (extra.length === 0) expect(r.out).toContain('\\x1b[2J');
      else expect(JSON.stringify(JSON.parse(r.out))).toContain('\\u001b[2J');
    }
  });

  it('usage errors quoting an argument escape it too', async () => {
    const r = await run(['inspect', '--cookie', 'a=b', '--url', `${HOST}/x`, '--public-key', FAKE]);
    expect(r.code).toBe(2);
    for (const line of r.err.split('\n')) expect([line, CONTROL.test(line)]).toEqual([line, false]);
  });
});
