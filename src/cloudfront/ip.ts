import { isIPv4, isIPv6 } from 'node:net';

/** A parsed CIDR block: the network bytes (4 or 16) and the prefix length. */
export interface Cidr {
  family: 4 | 6;
  bytes: Uint8Array;
  prefix: number;
  /** Canonical text, e.g. `192.0.2.0/24`. */
  text: string;
}

function ipv4Bytes(ip: string): Uint8Array {
  return Uint8Array.from(ip.split('.').map(Number));
}

function ipv6Bytes(ip: string): Uint8Array {
  let text = ip;
  const out = new Uint8Array(16);
  // An embedded IPv4 tail (::ffff:192.0.2.1) becomes two hextets.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = ipv4Bytes(v4[1]!);
    text = `${text.slice(0, v4.index)}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...new Array(8 - h.length - t.length).fill('0'), ...t];
  groups.forEach((g, i) => {
    const n = Number.parseInt(g, 16);
    out[i * 2] = n >> 8;
    out[i * 2 + 1] = n & 0xff;
  });
  return out;
}

/** Parses an IPv4 or IPv6 address into its bytes; undefined when it is not one. */
export function parseIp(ip: string): { family: 4 | 6; bytes: Uint8Array } | undefined {
  if (isIPv4(ip)) return { family: 4, bytes: ipv4Bytes(ip) };
  if (isIPv6(ip) && !ip.includes('%')) return { family: 6, bytes: ipv6Bytes(ip) };
  return undefined;
}

/**
 * Parses `address/prefix`. With `allowBare`, a bare address means a single host (/32 or /128).
 * Returns undefined for anything else.
 */
export function parseCidr(text: string, { allowBare = false } = {}): Cidr | undefined {
  if (typeof text !== 'string') return undefined;
  const slash = text.indexOf('/');
  const addr = slash === -1 ? text : text.slice(0, slash);
  const ip = parseIp(addr);
  if (!ip) return undefined;
  const max = ip.family === 4 ? 32 : 128;
  let prefix = max;
  if (slash === -1) {
    if (!allowBare) return undefined;
  } else {
    const p = text.slice(slash + 1);
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return undefined;
    prefix = Number(p);
    if (prefix > max) return undefined;
  }
  return { family: ip.family, bytes: ip.bytes, prefix, text: `${addr}/${prefix}` };
}

/** True when `ip` (already parsed) falls inside `cidr`. IPv4 never matches an IPv6 block or the reverse. */
export function ipInCidr(ip: { family: 4 | 6; bytes: Uint8Array }, cidr: Cidr): boolean {
  if (ip.family !== cidr.family) return false;
  let bits = cidr.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((ip.bytes[i]! & mask) !== (cidr.bytes[i]! & mask)) return false;
  }
  return true;
}
