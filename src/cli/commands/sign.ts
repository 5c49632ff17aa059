import type { HashAlgorithm } from '../../cloudfront/types';
import type { LoadedPrivateKey } from '../../keys/pem';
import { type CliIo, type Command, parseOptions, UsageError } from '../io';
import { parseTime } from '../time';

const COMMON_OPTIONS = `  --key-pair-id ID     the CloudFront public key ID (e.g. K2JCJMDEHXQW5F)
  --private-key FILE   the matching RSA 2048 or ECDSA P-256 private key (PEM; encrypted keys read
                       their passphrase from $EDGE_AUTH_KEY_PASSPHRASE)
  --expires T          when access ends (default 1h from now)
  --not-before T       when access starts (custom policy)
  --ip CIDR            the only client addresses allowed, e.g. 192.0.2.0/24 (custom policy)
  --hash sha1|sha256   the signature's hash (default sha1, CloudFront's default)
T is epoch seconds, ISO 8601 with a zone (2026-01-01T18:00:00Z) or a duration from now (90s, 15m, 2h, 7d).`;

const COOKIES_USAGE = `usage: edge-auth sign cookies --key-pair-id ID --private-key FILE --resource URL [--expires T]
         [--not-before T] [--ip CIDR] [--hash sha1|sha256] [--domain D] [--path P] [--json]

Prints CloudFront signed cookies (custom policy) as Set-Cookie lines, or with --json one object
mapping cookie names to values.
  --resource URL       what the cookies open; * and ? are wildcards (https://host/media/*)
${COMMON_OPTIONS}
  --domain D           Set-Cookie Domain attribute (default: none, the host that sets them)
  --path P             Set-Cookie Path attribute (default /)`;

const URL_USAGE = `usage: edge-auth sign url --url URL --key-pair-id ID --private-key FILE [--policy canned|custom]
         [--resource URL] [--expires T] [--not-before T] [--ip CIDR] [--hash sha1|sha256]

Prints the signed URL.
  --url URL            the URL to sign (its own query string is kept)
  --policy P           canned (Expires only; the default when no condition needs more) or custom
  --resource URL       custom policy: the resource to sign, may hold * and ? (default: the URL)
${COMMON_OPTIONS}`;

const common = {
  'key-pair-id': { type: 'string' },
  'private-key': { type: 'string' },
  expires: { type: 'string' },
  'not-before': { type: 'string' },
  ip: { type: 'string' },
  hash: { type: 'string' },
} as const;

interface CommonValues {
  'key-pair-id'?: string;
  'private-key'?: string;
  expires?: string;
  'not-before'?: string;
  ip?: string;
  hash?: string;
}

/** CloudFront key pair IDs are upper-case letters and digits (K…, or APKA… for legacy key pairs). */
function checkKeyPairId(id: string | undefined): string {
  if (!id) throw new UsageError('--key-pair-id is required');
  if (!/^[A-Z0-9]{1,64}$/.test(id))
    throw new UsageError(`--key-pair-id "${id.slice(0, 40)}" is not a CloudFront key ID`);
  return id;
}

function checkResource(resource: string, option: string): void {
  if (resource !== '*' && !/^(https?|\*):\/\/[^/]/i.test(resource))
    throw new UsageError(`${option} must start with http://, https:// or *:// and a host`);
}

export async function loadSigningKey(file: string | undefined, io: CliIo): Promise<LoadedPrivateKey> {
  if (!file) throw new UsageError('--private-key FILE is required');
  const { resolve } = await import('node:path');
  const { KeyError, loadPrivateKey } = await import('../../keys/pem');
  const path = resolve(io.cwd, file);
  const passphrase = io.env.EDGE_AUTH_KEY_PASSPHRASE || undefined;
  try {
    return loadPrivateKey(path, { passphrase });
  } catch (error) {
    if (
      error instanceof KeyError &&
      !passphrase &&
      /give its passphrase/.test(error.message) &&
      io.promptSecret
    ) {
      const typed = await io.promptSecret(`passphrase for ${path}: `);
      return loadPrivateKey(path, { passphrase: typed });
    }
    throw error;
  }
}

function readCommon(values: CommonValues, now: number) {
  const keyPairId = checkKeyPairId(values['key-pair-id']);
  const expires = parseTime(values.expires ?? '1h', now, '--expires');
  const notBefore =
    values['not-before'] === undefined ? undefined : parseTime(values['not-before'], now, '--not-before');
  if (expires <= now) throw new UsageError('--expires is in the past: the result would be denied at once');
  if (notBefore !== undefined && notBefore >= expires)
    throw new UsageError('--not-before must be earlier than --expires');
  const hash = values.hash ?? 'sha1';
  if (hash !== 'sha1' && hash !== 'sha256')
    throw new UsageError(`--hash must be sha1 or sha256, got "${hash}"`);
  const hashAlgorithm: HashAlgorithm = hash === 'sha256' ? 'SHA256' : 'SHA1';
  return { keyPairId, expires, notBefore, hashAlgorithm, sourceIp: values.ip };
}

async function checkIp(ip: string | undefined): Promise<void> {
  if (ip === undefined) return;
  const { parseCidr } = await import('../../cloudfront/ip');
  if (!parseCidr(ip, { allowBare: true }))
    throw new UsageError(`--ip "${ip.slice(0, 60)}" is not an IPv4/IPv6 address or CIDR (e.g. 192.0.2.0/24)`);
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

export const cookiesCommand: Command = {
  usage: COOKIES_USAGE,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values } = parseOptions(args, {
      ...common,
      resource: { type: 'string' },
      domain: { type: 'string' },
      path: { type: 'string' },
      json: { type: 'boolean' },
    });
    const now = nowSeconds();
    const opts = readCommon(values, now);
    if (!values.resource) throw new UsageError('--resource URL is required');
    checkResource(values.resource, '--resource');
    await checkIp(opts.sourceIp);
    const key = await loadSigningKey(values['private-key'], io);
    const { renderSetCookies, signCookies } = await import('../../cloudfront/signer');
    const cookies = signCookies({ ...opts, resource: values.resource, privateKey: key.key });
    if (values.json) {
      io.out(JSON.stringify(cookies));
      return 0;
    }
    const lines = renderSetCookies(cookies, { path: values.path ?? '/', domain: values.domain });
    io.out(lines.map((line) => `Set-Cookie: ${line}`).join('\n'));
    return 0;
  },
};

export const urlCommand: Command = {
  usage: URL_USAGE,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values } = parseOptions(args, {
      ...common,
      url: { type: 'string' },
      policy: { type: 'string' },
      resource: { type: 'string' },
    });
    const now = nowSeconds();
    const opts = readCommon(values, now);
    if (!values.url) throw new UsageError('--url URL is required');
    if (!/^https?:\/\/[^/?#]+/i.test(values.url))
      throw new UsageError('--url must be an http:// or https:// URL');
    if (/[?&](Expires|Policy|Signature|Key-Pair-Id|Hash-Algorithm)=/.test(values.url))
      throw new UsageError('--url already carries CloudFront signing parameters');
    if (values.resource !== undefined) checkResource(values.resource, '--resource');
    await checkIp(opts.sourceIp);
    const needsCustom =
      opts.notBefore !== undefined || opts.sourceIp !== undefined || values.resource !== undefined;
    const policy = values.policy ?? (needsCustom ? 'custom' : 'canned');
    if (policy !== 'canned' && policy !== 'custom')
      throw new UsageError(`--policy must be canned or custom, got "${policy}"`);
    if (policy === 'canned' && needsCustom)
      throw new UsageError(
        'a canned policy holds only --expires: use --policy custom for --not-before, --ip or --resource',
      );
    const key = await loadSigningKey(values['private-key'], io);
    const { signUrl } = await import('../../cloudfront/signer');
    io.out(signUrl({ ...opts, url: values.url, policy, resource: values.resource, privateKey: key.key }));
    return 0;
  },
};
