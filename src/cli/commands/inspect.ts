import type { KeyObject } from 'node:crypto';
import type { VerifyExplained } from '../../cloudfront/verifier';
import { escapeControls, terminalJson } from '../escape';
import { type CliIo, type Command, parseOptions, UsageError } from '../io';
import { parseTime } from '../time';

const USAGE = `usage: edge-auth inspect (--cookie 'COOKIE HEADER' | --signed-url URL) [--url REQUESTED_URL]
         --public-key ID=FILE [--public-key ID=FILE …] [--ip ADDR] [--now T] [--json]

Decodes CloudFront signed cookies or a signed URL, checks everything CloudFront checks, and says
what CloudFront would answer for the requested URL, and why.
  --cookie 'HEADER'     the request's Cookie header ("a=1; b=2"), or pasted Set-Cookie lines;
                        may be repeated
  --signed-url URL      a signed URL (its Policy/Expires, Signature, Key-Pair-Id, Hash-Algorithm)
  --url URL             the requested URL; required with --cookie. With --signed-url it defaults
                        to the signed URL itself, otherwise the signed URL's parameters are
                        applied to it
  --public-key ID=FILE  a public key in the trusted key group: its key pair ID and PEM file
  --ip ADDR             the viewer's IP address (checked against an IpAddress condition)
  --now T               judge at this time instead of now (epoch seconds, ISO 8601, or 90s/2h/7d ahead)
  --json                one JSON object instead of text
Exit status: 0 CloudFront would allow, 1 it would deny, 2 usage error.`;

/** Reads a Cookie header, or Set-Cookie lines pasted from `sign cookies`, into name → value (first wins). */
export function parseCookieText(text: string): Record<string, string> {
  const cookies: Record<string, string> = {};
  const add = (pair: string) => {
    const eq = pair.indexOf('=');
    if (eq <= 0) return;
    const name = pair.slice(0, eq).trim();
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (name && !(name in cookies)) cookies[name] = value;
  };
  const setCookieLines = text.split(/\r?\n/).filter((line) => /^\s*set-cookie:/i.test(line));
  if (setCookieLines.length > 0) {
    // Only the first pair of a Set-Cookie line is the cookie; the rest are attributes.
    for (const line of setCookieLines) add(line.replace(/^\s*set-cookie:\s*/i, '').split(';')[0]!);
    return cookies;
  }
  for (const pair of text.replace(/^\s*cookie:\s*/i, '').split(/;\s*/)) add(pair);
  return cookies;
}

const SIGNING = ['Expires', 'Policy', 'Signature', 'Key-Pair-Id', 'Hash-Algorithm'];

function signingParams(signedUrl: string): string[] {
  const q = signedUrl.indexOf('?');
  if (q === -1) return [];
  return signedUrl
    .slice(q + 1)
    .split('#')[0]!
    .split('&')
    .filter((part) => SIGNING.includes(part.split('=')[0]!));
}

function since(epoch: number, now: number): string {
  const d = epoch - now;
  const abs = Math.abs(d);
  const text =
    abs < 120
      ? `${abs}s`
      : abs < 7200
        ? `${Math.round(abs / 60)}m`
        : abs < 172800
          ? `${Math.round(abs / 3600)}h`
          : `${Math.round(abs / 86400)}d`;
  return d >= 0 ? `in ${text}` : `${text} ago`;
}

const isoOf = (epoch: number) => {
  const date = new Date(epoch * 1000);
  return Number.isNaN(date.getTime()) ? 'out of range' : date.toISOString().replace('.000Z', 'Z');
};

function render(
  explained: VerifyExplained,
  keys: Map<string, { file: string; kind: string }>,
  now: number,
  ipGiven: boolean,
): string {
  const { result, facts } = explained;
  const lines: string[] = [];
  if (result.allow)
    lines.push(
      `CloudFront would ALLOW this request (signed ${facts.via === 'signed-url' ? 'URL' : 'cookies'}).`,
    );
  else {
    lines.push(`CloudFront would DENY this request: ${result.status} ${result.code} ("${result.message}")`);
    lines.push(`Why: ${result.detail}`);
  }
  lines.push('');
  lines.push(
    `Read from:        ${facts.via === 'signed-url' ? 'the signed URL (its parameters take precedence over cookies)' : 'the cookies'}`,
  );
  if (facts.keyPairId !== undefined) {
    const key = keys.get(facts.keyPairId);
    lines.push(
      `Key pair ID:      ${facts.keyPairId}${key ? ` → ${key.file} (${key.kind})` : ' (not among the --public-key IDs)'}`,
    );
  }
  if (facts.hashAlgorithm)
    lines.push(
      `Hash algorithm:   ${facts.hashAlgorithm}${facts.hashAlgorithm === 'SHA1' ? ' (the default)' : ''}`,
    );
  if (facts.policyType) lines.push(`Policy:           ${facts.policyType}`);
  const p = facts.policy;
  if (p) {
    lines.push(`  Resource:       ${p.resource ?? '(none: any URL)'}`);
    lines.push(`  DateLessThan:   ${p.expires} (${isoOf(p.expires)}, ${since(p.expires, now)})`);
    if (p.notBefore !== undefined)
      lines.push(`  DateGreaterThan: ${p.notBefore} (${isoOf(p.notBefore)}, ${since(p.notBefore, now)})`);
    if (p.sourceIp !== undefined)
      lines.push(`  IpAddress:      ${p.sourceIp}${ipGiven ? '' : ' (give --ip to check it)'}`);
  }
  if (facts.matchedUrl) lines.push(`Requested URL:    ${facts.matchedUrl}`);
  lines.push(`Judged at:        ${now} (${isoOf(now)})`);
  lines.push('');
  lines.push('Checks:');
  for (const c of facts.checks) lines.push(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name.padEnd(12)} ${c.detail}`);
  if (!result.allow) {
    lines.push('');
    lines.push('CloudFront answers (Content-Type: text/xml):');
    lines.push(`  ${result.body}`);
  }
  // Every line may hold text from the cookie or the URL: escape it as a whole.
  return lines.map(escapeControls).join('\n');
}

export const command: Command = {
  usage: USAGE,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values } = parseOptions(args, {
      cookie: { type: 'string', multiple: true },
      'signed-url': { type: 'string' },
      url: { type: 'string' },
      'public-key': { type: 'string', multiple: true },
      ip: { type: 'string' },
      now: { type: 'string' },
      json: { type: 'boolean' },
    });
    const cookieTexts = values.cookie ?? [];
    const signedUrl = values['signed-url'];
    if (cookieTexts.length === 0 && signedUrl === undefined)
      throw new UsageError('give --cookie or --signed-url');
    if (cookieTexts.length > 0 && signedUrl !== undefined)
      throw new UsageError(
        'give --cookie or --signed-url, not both (signed-URL parameters would win anyway)',
      );
    let url: string;
    if (signedUrl !== undefined) {
      if (!/^https?:\/\//i.test(signedUrl))
        throw new UsageError('--signed-url must be an http:// or https:// URL');
      if (values.url === undefined) url = signedUrl;
      else {
        const params = signingParams(signedUrl);
        url = params.length
          ? `${values.url}${values.url.includes('?') ? '&' : '?'}${params.join('&')}`
          : values.url;
      }
    } else {
      if (values.url === undefined) throw new UsageError('--url REQUESTED_URL is required with --cookie');
      url = values.url;
    }
    if (!/^https?:\/\/[^/?#]+/i.test(values.url ?? url))
      throw new UsageError('--url must be an http:// or https:// URL');
    const specs = values['public-key'] ?? [];
    if (specs.length === 0)
      throw new UsageError('give at least one --public-key ID=FILE (the trusted key group)');

    const realNow = Math.floor(Date.now() / 1000);
    const now = values.now === undefined ? realNow : parseTime(values.now, realNow, '--now');
    const { resolve } = await import('node:path');
    const { loadPublicKey } = await import('../../keys/pem');
    const trustedKeys = new Map<string, KeyObject>();
    const keyInfo = new Map<string, { file: string; kind: string }>();
    for (const spec of specs) {
      const eq = spec.indexOf('=');
      if (eq <= 0 || eq === spec.length - 1)
        throw new UsageError(`--public-key "${spec.slice(0, 80)}" must be ID=FILE`);
      const id = spec.slice(0, eq);
      const file = resolve(io.cwd, spec.slice(eq + 1));
      const key = loadPublicKey(file);
      trustedKeys.set(id, key);
      keyInfo.set(id, { file, kind: key.asymmetricKeyType === 'ec' ? 'ECDSA P-256' : 'RSA 2048' });
    }

    const cookies: Record<string, string> = {};
    for (const text of cookieTexts)
      for (const [name, value] of Object.entries(parseCookieText(text)))
        if (!(name in cookies)) cookies[name] = value;

    const { explainRequest } = await import('../../cloudfront/verifier');
    const explained = explainRequest({ url, clientIp: values.ip ?? '', cookies, trustedKeys, now });
    if (values.json) {
      const { result, facts } = explained;
      io.out(
        terminalJson({
          ...result,
          via: facts.via,
          keyPairId: facts.keyPairId,
          hashAlgorithm: facts.hashAlgorithm,
          policyType: facts.policyType,
          policy: facts.policy && {
            resource: facts.policy.resource,
            expires: facts.policy.expires,
            notBefore: facts.policy.notBefore,
            sourceIp: facts.policy.sourceIp,
            json: facts.policy.json,
          },
          requestedUrl: facts.matchedUrl,
          now,
          checks: facts.checks,
        }),
      );
    } else io.out(render(explained, keyInfo, now, values.ip !== undefined));
    return explained.result.allow ? 0 : 1;
  },
};
