import { ipInCidr, parseCidr, parseIp } from '../../src/cloudfront/ip';

/**
 * The `IpAddress` condition of a custom policy, as the verifier (standing in for CloudFront)
 * applies it. CloudFront Developer Guide, "Set signed cookies using a custom policy" and "Create a
 * signed URL using a custom policy": one address or one range, a single address written as
 * `address/32`, ranges "in standard IPv4 CIDR format (for example, 192.0.2.0/24)". The policy
 * checks of the verifier and signer refuse IPv6 ranges (src/cloudfront/aws-rules.ts); the parser
 * still reads IPv6 so that a viewer's IPv6 address is never mistaken for an IPv4 one.
 *
 * Expected bytes are written by hand from the address notation (RFC 4291 section 2.2: `::` stands
 * for as many zero groups as are missing; an IPv4 tail fills the last two groups).
 */

const inside = (ip: string, cidr: string) => ipInCidr(parseIp(ip)!, parseCidr(cidr)!);
const bytes = (ip: string) => [...(parseIp(ip)?.bytes ?? [])];
const zeros = (n: number) => new Array<number>(n).fill(0);

describe('an IPv4 range holds exactly its addresses, at every prefix length', () => {
  it.each([
    // [range, last address inside, first address outside above, last address outside below]
    ['192.0.2.0/25', '192.0.2.127', '192.0.2.128', '192.0.1.255'],
    ['192.0.2.128/25', '192.0.2.255', '192.0.3.0', '192.0.2.127'],
    ['192.0.2.6/31', '192.0.2.7', '192.0.2.8', '192.0.2.5'],
    ['192.0.2.0/23', '192.0.3.255', '192.0.4.0', '192.0.1.255'],
    ['10.128.0.0/9', '10.255.255.255', '11.0.0.0', '10.127.255.255'],
    ['128.0.0.0/1', '255.255.255.255', '255.255.255.255', '127.255.255.255'],
    ['198.51.100.64/26', '198.51.100.127', '198.51.100.128', '198.51.100.63'],
    ['198.51.100.96/27', '198.51.100.127', '198.51.100.128', '198.51.100.95'],
    ['203.0.113.8/29', '203.0.113.15', '203.0.113.16', '203.0.113.7'],
    ['203.0.113.12/30', '203.0.113.15', '203.0.113.16', '203.0.113.11'],
    ['203.0.113.0/28', '203.0.113.15', '203.0.113.16', '203.0.112.255'],
    ['172.16.0.0/12', '172.31.255.255', '172.32.0.0', '172.15.255.255'],
  ])('%s holds %s and not the neighbours %s / %s', (cidr, last, above, below) => {
    const first = cidr.split('/')[0]!;
    expect(inside(first, cidr)).toBe(true);
    expect(inside(last, cidr)).toBe(true);
    if (above !== last) expect(inside(above, cidr)).toBe(false);
    expect(inside(below, cidr)).toBe(false);
  });

  it('a /32 holds that one address only', () => {
    expect(inside('192.0.2.7', '192.0.2.7/32')).toBe(true);
    expect(inside('192.0.2.6', '192.0.2.7/32')).toBe(false);
    expect(inside('192.0.2.8', '192.0.2.7/32')).toBe(false);
    expect(inside('193.0.2.7', '192.0.2.7/32')).toBe(false);
  });

  // As node:net's BlockList and CIDR notation read it: the prefix alone decides which bits count.
  it('host bits set in the range do not matter: 192.0.2.77/24 is the whole 192.0.2.x network', () => {
    expect(inside('192.0.2.1', '192.0.2.77/24')).toBe(true);
    expect(inside('192.0.3.77', '192.0.2.77/24')).toBe(false);
  });

  it('0.0.0.0/0 holds every IPv4 address', () => {
    expect(inside('0.0.0.0', '0.0.0.0/0')).toBe(true);
    expect(inside('255.255.255.255', '0.0.0.0/0')).toBe(true);
  });
});

describe('an IPv6 viewer never matches an IPv4 range, nor the reverse', () => {
  it.each([
    ['::', '0.0.0.0/0'],
    ['::1', '0.0.0.0/8'],
    ['::ffff:192.0.2.1', '0.0.0.0/0'],
    ['c000:200::', '192.0.2.0/24'],
  ])('IPv6 %s is outside IPv4 %s', (ip, cidr) => {
    expect(inside(ip, cidr)).toBe(false);
  });

  it.each([
    ['0.0.0.0', '::/0'],
    ['192.0.2.1', '::/0'],
  ])('IPv4 %s is outside IPv6 %s', (ip, cidr) => {
    expect(inside(ip, cidr)).toBe(false);
  });
});

describe('IPv6 ranges', () => {
  it.each([
    ['2001:db8::/33', '2001:db8:7fff:ffff:ffff:ffff:ffff:ffff', '2001:db8:8000::'],
    ['2001:db8::/127', '2001:db8::1', '2001:db8::2'],
    ['2001:db8::1/128', '2001:db8::1', '2001:db8::2'],
    ['::ffff:192.0.2.0/120', '::ffff:192.0.2.255', '::ffff:192.0.3.0'],
    ['fe80::/10', 'febf:ffff::1', 'fec0::'],
  ])('%s holds %s and not %s', (cidr, last, next) => {
    expect(inside(last, cidr)).toBe(true);
    expect(inside(next, cidr)).toBe(false);
  });

  it('::/0 holds every IPv6 address', () => {
    expect(inside('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '::/0')).toBe(true);
  });
});

describe('parseIp: the address bytes', () => {
  it.each([
    ['192.0.2.1', [192, 0, 2, 1]],
    ['255.255.255.255', [255, 255, 255, 255]],
    ['0.0.0.0', [0, 0, 0, 0]],
  ])('IPv4 %s is %j', (ip, expected) => {
    expect(parseIp(ip)).toEqual({ family: 4, bytes: Uint8Array.from(expected) });
  });

  it.each([
    ['::', zeros(16)],
    ['::1', [...zeros(15), 1]],
    ['2001:db8::', [0x20, 0x01, 0x0d, 0xb8, ...zeros(12)]],
    ['2001:db8::1', [0x20, 0x01, 0x0d, 0xb8, ...zeros(11), 1]],
    ['2001:db8:0:0:0:0:0:1', [0x20, 0x01, 0x0d, 0xb8, ...zeros(11), 1]],
    ['1:2:3:4:5:6:7:8', [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8]],
    ['FE80::ABCD:EF01', [0xfe, 0x80, ...zeros(10), 0xab, 0xcd, 0xef, 0x01]],
    ['2001:db8:1::ff00:42:8329', [0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0xff, 0x00, 0, 0x42, 0x83, 0x29]],
    ['::ffff:192.0.2.1', [...zeros(10), 0xff, 0xff, 192, 0, 2, 1]],
    ['64:ff9b::198.51.100.7', [0, 0x64, 0xff, 0x9b, ...zeros(8), 198, 51, 100, 7]],
    ['2001:db8:1:2:3:4:192.0.2.1', [0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2, 0, 3, 0, 4, 192, 0, 2, 1]],
  ])('IPv6 %s has the bytes of its notation', (ip, expected) => {
    expect(parseIp(ip)?.family).toBe(6);
    expect(bytes(ip)).toEqual(expected);
  });

  it.each([
    ['a zone index (fe80::1%eth0): link-local to one host, never a viewer address', 'fe80::1%eth0'],
    ['three octets', '192.0.2'],
    ['an octet past 255', '192.0.2.256'],
    ['empty', ''],
    ['a host name', 'localhost'],
    ['an address with a prefix', '192.0.2.0/24'],
  ])('refuses %s', (_what, ip) => {
    expect(parseIp(ip)).toBeUndefined();
  });
});

describe('parseCidr: address/prefix, the prefix in plain decimal', () => {
  it('gives the family, prefix and text of the range', () => {
    expect(parseCidr('192.0.2.0/24')).toEqual({
      family: 4,
      bytes: Uint8Array.from([192, 0, 2, 0]),
      prefix: 24,
      text: '192.0.2.0/24',
    });
    expect(parseCidr('2001:db8::/32')).toMatchObject({ family: 6, prefix: 32, text: '2001:db8::/32' });
  });

  it.each([
    ['192.0.2.0/0', 0],
    ['192.0.2.0/9', 9],
    ['192.0.2.0/32', 32],
    ['2001:db8::/100', 100],
    ['2001:db8::1/128', 128],
  ])('accepts %s (prefix %i)', (text, prefix) => {
    expect(parseCidr(text)?.prefix).toBe(prefix);
  });

  it.each([
    ['a prefix past 32 for IPv4', '192.0.2.0/33'],
    ['an IPv6-sized prefix on IPv4', '192.0.2.0/128'],
    ['a prefix past 128 for IPv6', '2001:db8::/129'],
    ['four digits', '2001:db8::/0128'],
    ['a leading zero', '192.0.2.0/024'],
    ['two zeros', '192.0.2.0/00'],
    ['a sign', '192.0.2.0/+24'],
    ['a negative prefix', '192.0.2.0/-0'],
    ['a leading space', '192.0.2.0/ 24'],
    ['a trailing space', '192.0.2.0/24 '],
    ['hexadecimal', '192.0.2.0/0x18'],
    ['exponent notation (Number("2e1") is 20)', '192.0.2.0/2e1'],
    ['a decimal point', '192.0.2.0/24.0'],
    ['no prefix after the slash', '192.0.2.0/'],
    ['two slashes', '192.0.2.0/24/8'],
    ['a prefix only', '/24'],
  ])('refuses %s: %j', (_what, text) => {
    expect(parseCidr(text)).toBeUndefined();
    expect(parseCidr(text, { allowBare: true })).toBeUndefined();
  });

  it('a bare address is refused unless allowBare, and then is a single host (/32, /128)', () => {
    expect(parseCidr('192.0.2.7')).toBeUndefined();
    expect(parseCidr('192.0.2.7', { allowBare: false })).toBeUndefined();
    expect(parseCidr('192.0.2.7', { allowBare: true })).toEqual({
      family: 4,
      bytes: Uint8Array.from([192, 0, 2, 7]),
      prefix: 32,
      text: '192.0.2.7/32',
    });
    expect(parseCidr('2001:db8::7', { allowBare: true })).toMatchObject({
      prefix: 128,
      text: '2001:db8::7/128',
    });
  });

  it('a value that is not a string (from JavaScript callers or JSON) is not a range', () => {
    expect(parseCidr(undefined as unknown as string)).toBeUndefined();
    expect(parseCidr(3221225984 as unknown as string, { allowBare: true })).toBeUndefined();
    expect(parseCidr(['192.0.2.0/24'] as unknown as string)).toBeUndefined();
  });
});
