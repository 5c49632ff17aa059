import { type CliIo, type Command, parseOptions, UsageError } from '../io';

const USAGE = `usage: edge-auth keys generate --type rsa|ecdsa --out DIR [--name NAME] [--json]

Generates a CloudFront key pair as PEM files:
  DIR/NAME.key.pem   the private key (PKCS#8, mode 0600): keep it secret, sign with it
  DIR/NAME.pub.pem   the public key (SPKI): upload it to CloudFront (a public key in a key group)
  --type rsa|ecdsa   RSA 2048 or ECDSA P-256 (smaller signatures, faster signing)
  --out DIR          the folder to write to (created when missing)
  --name NAME        file base name (default: cloudfront-<type>)
  --json             print {"type","privateKeyFile","publicKeyFile"} instead of text
Existing files are never overwritten.`;

export const command: Command = {
  usage: USAGE,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values } = parseOptions(args, {
      type: { type: 'string' },
      out: { type: 'string' },
      name: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (values.type !== 'rsa' && values.type !== 'ecdsa')
      throw new UsageError(
        values.type === undefined
          ? '--type is required'
          : `--type must be rsa or ecdsa, got "${values.type}"`,
      );
    if (!values.out) throw new UsageError('--out DIR is required');
    const { resolve } = await import('node:path');
    const { writeKeyPair } = await import('../../keys/pem');
    const type = values.type;
    const files = writeKeyPair(resolve(io.cwd, values.out), values.name ?? `cloudfront-${type}`, type);
    if (values.json) {
      io.out(JSON.stringify({ type, ...files }));
      return 0;
    }
    io.out(
      [
        `${type === 'rsa' ? 'RSA 2048' : 'ECDSA P-256'} key pair written:`,
        `  private key  ${files.privateKeyFile}  (mode 0600; never commit or share it)`,
        `  public key   ${files.publicKeyFile}`,
        '',
        'Next: add the public key to CloudFront (a public key in the key group trusted by the cache',
        'behavior); CloudFront assigns its key pair ID. Then sign with:',
        `  edge-auth sign cookies --key-pair-id <ID> --private-key ${files.privateKeyFile} --resource 'https://<host>/media/*'`,
      ].join('\n'),
    );
    return 0;
  },
};
