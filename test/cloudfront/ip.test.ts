import { BlockList } from 'node:net';
import fc from 'fast-check';
import { ipInCidr, parseCidr, parseIp } from '../../src/cloudfront/ip';

/** node:net's BlockList is an independent CIDR implementation to compare with. */
function blockListSays(
  ip: string,
  family: 4 | 6,
  cidr: { text: string; family: 4 | 6; prefix: number },
): boolean {
  const list = new BlockList();
  const [addr] = cidr.text.split('/');
  list.addSubnet(addr!, cidr.prefix, cidr.family === 4 ? 'ipv4' : 'ipv6');
  return list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

describe('parseCidr / ipInCidr', () => {
  it.each([
    ['192.0.2.0/24', '192.0.2.255', true],
    ['192.0.2.0/24', '192.0.3.0', false],
    ['192.0.2.7/32', '192.0.2.7', true],
    ['0.0.0.0/0', '203.0.113.9', true],
    ['2001:db8::/32', '2001:db8:ffff::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['::ffff:192.0.2.0/120', '::ffff:192.0.2.9', true],
    ['192.0.2.0/24', '2001:db8::1', false],
  ])('%s contains %s: %s', (cidr, ip, expected) => {
    expect(ipInCidr(parseIp(ip)!, parseCidr(cidr)!)).toBe(expected);
  });

  it.each([
    '192.0.2.0',
    '192.0.2.0/33',
    '192.0.2.0/-1',
    '192.0.2/24',
    '2001:db8::/129',
    '10.0.0.0/08',
    'x/8',
    '',
    '/8',
    'fe80::1%eth0/64',
  ])('refuses %j', (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  it('a bare address is a single host only when allowed', () => {
    expect(parseCidr('192.0.2.1', { allowBare: true })?.text).toBe('192.0.2.1/32');
    expect(parseCidr('2001:db8::1', { allowBare: true })?.text).toBe('2001:db8::1/128');
  });

  it('agrees with node:net BlockList for IPv4', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.ipV4(), fc.integer({ min: 0, max: 32 }), (ip, net, prefix) => {
        const cidr = parseCidr(`${net}/${prefix}`)!;
        expect(ipInCidr(parseIp(ip)!, cidr)).toBe(blockListSays(ip, 4, cidr));
        expect(ipInCidr(parseIp(net)!, cidr)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with node:net BlockList for IPv6', () => {
    fc.assert(
      fc.property(fc.ipV6(), fc.ipV6(), fc.integer({ min: 0, max: 128 }), (ip, net, prefix) => {
        const cidr = parseCidr(`${net}/${prefix}`)!;
        expect(ipInCidr(parseIp(ip)!, cidr)).toBe(blockListSays(ip, 6, cidr));
        expect(ipInCidr(parseIp(net)!, cidr)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('returns a value or undefined for any string, never throws', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        parseIp(text);
        parseCidr(text);
        parseCidr(text, { allowBare: true });
      }),
      { numRuns: 300 },
    );
  });
});
