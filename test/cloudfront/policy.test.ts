import fc from 'fast-check';
import { encodeCloudFrontBase64 } from '../../src/cloudfront/base64';
import {
  buildCannedPolicy,
  buildPolicy,
  PolicyError,
  parsePolicy,
  parsePolicyJson,
} from '../../src/cloudfront/policy';

const enc = (json: string) => encodeCloudFrontBase64(json);

function expectPolicyError(fn: () => unknown, code: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(PolicyError);
  expect((caught as PolicyError).code).toBe(code);
}

describe('buildPolicy', () => {
  it('writes one statement, DateLessThan only, without whitespace', () => {
    expect(
      buildPolicy({ resource: 'https://d111111abcdef8.cloudfront.net/media/*', expires: 1767290400 }),
    ).toBe(
      '{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/media/*","Condition":{"DateLessThan":{"AWS:EpochTime":1767290400}}}]}',
    );
  });

  it('adds DateGreaterThan and IpAddress; a bare address becomes /32 or /128', () => {
    expect(
      buildPolicy({ resource: 'https://h/*', expires: 200, notBefore: 100, sourceIp: '192.0.2.7' }),
    ).toBe(
      '{"Statement":[{"Resource":"https://h/*","Condition":{"DateLessThan":{"AWS:EpochTime":200},"DateGreaterThan":{"AWS:EpochTime":100},"IpAddress":{"AWS:SourceIp":"192.0.2.7/32"}}}]}',
    );
    expect(buildPolicy({ resource: 'https://h/*', expires: 200, sourceIp: '2001:db8::/32' })).toContain(
      '"IpAddress":{"AWS:SourceIp":"2001:db8::/32"}',
    );
    expect(buildPolicy({ resource: 'https://h/*', expires: 200, sourceIp: '2001:db8::1' })).toContain(
      '2001:db8::1/128',
    );
  });

  it.each([
    [{ resource: '', expires: 1 }],
    [{ resource: 'https://h/', expires: 1.5 }],
    [{ resource: 'https://h/', expires: -1 }],
    [{ resource: 'https://h/', expires: 10, notBefore: 10 }],
    [{ resource: 'https://h/', expires: 10, sourceIp: '300.1.1.1/8' }],
    [{ resource: 'https://h/', expires: 10, sourceIp: '10.0.0.0/33' }],
  ])('refuses %j with ERR_POLICY_INPUT', (input) => {
    expectPolicyError(() => buildPolicy(input), 'ERR_POLICY_INPUT');
  });

  it('the canned policy has the shape CloudFront rebuilds from Expires', () => {
    expect(buildCannedPolicy('https://h/a.jpg?x=1', 5)).toBe(
      '{"Statement":[{"Resource":"https://h/a.jpg?x=1","Condition":{"DateLessThan":{"AWS:EpochTime":5}}}]}',
    );
  });
});

describe('parsePolicy', () => {
  it('reads back every condition', () => {
    const json =
      '{"Statement":[{"Resource":"https://h/*","Condition":{"IpAddress":{"AWS:SourceIp":"192.0.2.0/24"},"DateGreaterThan":{"AWS:EpochTime":100},"DateLessThan":{"AWS:EpochTime":200}}}]}';
    expect(parsePolicy(enc(json))).toEqual({
      resource: 'https://h/*',
      expires: 200,
      notBefore: 100,
      sourceIp: '192.0.2.0/24',
      json,
    });
  });

  it('round-trips buildPolicy for any valid input', () => {
    fc.assert(
      fc.property(
        fc.webUrl(),
        fc.integer({ min: 1, max: 2 ** 40 }),
        fc.option(fc.integer({ min: 1, max: 2 ** 39 }), { nil: undefined }),
        fc.option(fc.ipV4(), { nil: undefined }),
        (resource, expires, before, ip) => {
          const notBefore = before === undefined ? undefined : Math.max(0, expires - before);
          const input = { resource, expires, notBefore, sourceIp: ip && `${ip}/32` };
          const parsed = parsePolicy(enc(buildPolicy(input)));
          expect(parsed.resource).toBe(resource);
          expect(parsed.expires).toBe(expires);
          expect(parsed.notBefore).toBe(notBefore);
          expect(parsed.sourceIp).toBe(input.sourceIp);
        },
      ),
      { numRuns: 200 },
    );
  });

  const cases: [string, string, string][] = [
    ['invalid base64', 'ERR_POLICY_BASE64', '***'],
    ['invalid JSON', 'ERR_POLICY_JSON', enc('{"Statement":[')],
    [
      'more than one statement',
      'ERR_POLICY_STATEMENT_COUNT',
      enc(
        '{"Statement":[{"Resource":"https://h/a","Condition":{"DateLessThan":{"AWS:EpochTime":1}}},{"Resource":"https://h/b","Condition":{"DateLessThan":{"AWS:EpochTime":1}}}]}',
      ),
    ],
    ['no statement', 'ERR_POLICY_STATEMENT_COUNT', enc('{"Statement":[]}')],
    [
      'missing DateLessThan',
      'ERR_POLICY_MISSING_DATE_LESS_THAN',
      enc('{"Statement":[{"Resource":"https://h/a","Condition":{"DateGreaterThan":{"AWS:EpochTime":1}}}]}'),
    ],
    [
      'missing Condition',
      'ERR_POLICY_MISSING_DATE_LESS_THAN',
      enc('{"Statement":[{"Resource":"https://h/a"}]}'),
    ],
    [
      'non-integer epoch',
      'ERR_POLICY_EPOCH',
      enc('{"Statement":[{"Resource":"https://h/a","Condition":{"DateLessThan":{"AWS:EpochTime":1.5}}}]}'),
    ],
    [
      'quoted epoch',
      'ERR_POLICY_EPOCH',
      enc('{"Statement":[{"Resource":"https://h/a","Condition":{"DateLessThan":{"AWS:EpochTime":"100"}}}]}'),
    ],
    [
      'negative epoch',
      'ERR_POLICY_EPOCH',
      enc('{"Statement":[{"Resource":"https://h/a","Condition":{"DateLessThan":{"AWS:EpochTime":-5}}}]}'),
    ],
    [
      'unknown condition',
      'ERR_POLICY_UNKNOWN_CONDITION',
      enc(
        '{"Statement":[{"Resource":"https://h/a","Condition":{"DateLessThan":{"AWS:EpochTime":1},"StringLike":{"x":"y"}}}]}',
      ),
    ],
    [
      'bad CIDR',
      'ERR_POLICY_IP',
      enc(
        '{"Statement":[{"Resource":"https://h/a","Condition":{"DateLessThan":{"AWS:EpochTime":1},"IpAddress":{"AWS:SourceIp":"1.2.3.4/40"}}}]}',
      ),
    ],
    [
      'abbreviated key',
      'ERR_POLICY_SHAPE',
      enc('{"Statement":[{"Resource":"https://h/a","Condition":{"DateLessThan":{"EpochTime":1}}}]}'),
    ],
    [
      'extra statement key',
      'ERR_POLICY_SHAPE',
      enc(
        '{"Statement":[{"Effect":"Allow","Resource":"https://h/a","Condition":{"DateLessThan":{"AWS:EpochTime":1}}}]}',
      ),
    ],
    ['not an object', 'ERR_POLICY_SHAPE', enc('[1,2]')],
    [
      'empty Resource',
      'ERR_POLICY_RESOURCE',
      enc('{"Statement":[{"Resource":"","Condition":{"DateLessThan":{"AWS:EpochTime":1}}}]}'),
    ],
  ];
  it.each(cases)('%s → %s', (_what, code, encoded) => {
    expectPolicyError(() => parsePolicy(encoded), code);
  });

  it('tolerates whitespace and condition order (the signature covers the bytes, not a canonical form)', () => {
    const parsed = parsePolicyJson(
      '{ "Statement": [ { "Condition": { "DateLessThan": { "AWS:EpochTime": 9 } }, "Resource": "https://h/a" } ] }',
    );
    expect(parsed.expires).toBe(9);
    expect(parsed.resource).toBe('https://h/a');
  });

  it('returns a policy or a PolicyError for random input, never a raw exception', () => {
    const jsonish = fc.oneof(
      fc.json(),
      fc.string(),
      fc.constantFrom('{"Statement":[{"Resource":"x","Condition":{"DateLessThan":{"AWS:EpochTime":1}}}]}'),
      fc.record({ Statement: fc.array(fc.anything(), { maxLength: 2 }) }).map((v) => JSON.stringify(v)),
      fc
        .record({
          Resource: fc.anything(),
          Condition: fc.dictionary(
            fc.constantFrom('DateLessThan', 'DateGreaterThan', 'IpAddress', 'Other'),
            fc.dictionary(fc.constantFrom('AWS:EpochTime', 'AWS:SourceIp'), fc.anything()),
          ),
        })
        .map((s) => JSON.stringify({ Statement: [s] })),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          jsonish.map(enc),
          fc.string(),
          fc.uint8Array().map((b) => encodeCloudFrontBase64(Buffer.from(b))),
        ),
        (text) => {
          try {
            const p = parsePolicy(text);
            expect(Number.isSafeInteger(p.expires)).toBe(true);
          } catch (error) {
            expect(error).toBeInstanceOf(PolicyError);
            expect((error as PolicyError).code).toMatch(/^ERR_POLICY_/);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
