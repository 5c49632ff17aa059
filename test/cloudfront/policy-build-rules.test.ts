import { buildPolicy, encodePolicy, parsePolicy } from '../../src/cloudfront/policy';
import type { PolicyInput } from '../../src/cloudfront/types';
import { refusal } from './policy-refusal';

/**
 * What buildPolicy refuses before anything is signed, with the message an operator reads, and the
 * edges it accepts. CloudFront Developer Guide, "Set signed cookies using a custom policy": the
 * times are `AWS:EpochTime` values in epoch seconds, DateLessThan is required, DateGreaterThan
 * optional; a single IP address is written `address/32`.
 */

const RESOURCE = 'https://d111111abcdef8.cloudfront.net/media/*';

/** Input as a JavaScript caller (the CLI, a config file) might hand it over, types unchecked. */
const loose = (input: Record<string, unknown>) => input as unknown as PolicyInput;

describe('buildPolicy refuses what it cannot sign, naming the field', () => {
  it.each([
    ['empty', ''],
    ['missing', undefined],
    ['a number', 42],
    ['a list', [RESOURCE]],
  ])('a resource that is %s: "resource must be a non-empty URL"', (_what, resource) => {
    expect(refusal(() => buildPolicy(loose({ resource, expires: 1767290400 })))).toMatchObject({
      name: 'PolicyError',
      code: 'ERR_POLICY_INPUT',
      message: 'resource must be a non-empty URL',
    });
  });

  it.each([
    ['a fraction', 1767290400.5],
    ['negative', -1],
    ['NaN', Number.NaN],
    ['2^53, past exact JSON integers', 2 ** 53],
    ['a numeric string', '1767290400'],
    ['milliseconds as a Date', new Date(1767290400000)],
    ['missing', undefined],
  ])('expires that is %s: "expires must be whole epoch seconds"', (_what, expires) => {
    expect(refusal(() => buildPolicy(loose({ resource: RESOURCE, expires })))).toMatchObject({
      code: 'ERR_POLICY_INPUT',
      message: 'expires must be whole epoch seconds',
    });
  });

  it.each([
    ['a fraction', 1767200000.5],
    ['negative', -1],
    ['NaN', Number.NaN],
    ['a numeric string', '1767200000'],
  ])('notBefore that is %s: "notBefore must be whole epoch seconds"', (_what, notBefore) => {
    expect(
      refusal(() => buildPolicy(loose({ resource: RESOURCE, expires: 1767290400, notBefore }))),
    ).toMatchObject({ code: 'ERR_POLICY_INPUT', message: 'notBefore must be whole epoch seconds' });
  });

  it.each([
    ['equal to expires (a window of no second at all)', 1767290400],
    ['after expires', 1767290401],
  ])('notBefore %s: "notBefore must be earlier than expires"', (_what, notBefore) => {
    expect(refusal(() => buildPolicy({ resource: RESOURCE, expires: 1767290400, notBefore }))).toMatchObject({
      code: 'ERR_POLICY_INPUT',
      message: 'notBefore must be earlier than expires',
    });
  });

  it.each([
    ['an octet past 255', '300.1.1.1/8'],
    ['a prefix past 32', '10.0.0.0/33'],
    ['a host name', 'viewer.example.com'],
    ['empty', ''],
  ])('a sourceIp that is %s is refused and quoted', (_what, sourceIp) => {
    expect(refusal(() => buildPolicy({ resource: RESOURCE, expires: 1767290400, sourceIp }))).toMatchObject({
      code: 'ERR_POLICY_INPUT',
      message: `sourceIp "${sourceIp}" is not an IPv4/IPv6 address or CIDR`,
    });
  });

  it('a sourceIp that is not a string (a number from a config file) is a PolicyError, not a crash', () => {
    expect(
      refusal(() => buildPolicy(loose({ resource: RESOURCE, expires: 1767290400, sourceIp: 3221225985 }))),
    ).toMatchObject({
      code: 'ERR_POLICY_INPUT',
      message: 'sourceIp "3221225985" is not an IPv4/IPv6 address or CIDR',
    });
  });
});

describe('buildPolicy accepts the edges', () => {
  it('a window of exactly one second: notBefore = expires - 1', () => {
    expect(buildPolicy({ resource: RESOURCE, expires: 1767290400, notBefore: 1767290399 })).toBe(
      '{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/media/*","Condition":{"DateLessThan":{"AWS:EpochTime":1767290400},"DateGreaterThan":{"AWS:EpochTime":1767290399}}}]}',
    );
  });

  it('notBefore 0 (the epoch itself) is a time like any other and is written', () => {
    expect(buildPolicy({ resource: RESOURCE, expires: 1, notBefore: 0 })).toBe(
      '{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/media/*","Condition":{"DateLessThan":{"AWS:EpochTime":1},"DateGreaterThan":{"AWS:EpochTime":0}}}]}',
    );
  });

  it('the largest exact integer, 2^53 - 1, is still whole epoch seconds', () => {
    expect(buildPolicy({ resource: RESOURCE, expires: 9007199254740991 })).toContain(
      '"DateLessThan":{"AWS:EpochTime":9007199254740991}',
    );
  });

  it('notBefore and sourceIp given as undefined write no DateGreaterThan and no IpAddress', () => {
    expect(
      buildPolicy({ resource: RESOURCE, expires: 1767290400, notBefore: undefined, sourceIp: undefined }),
    ).toBe(
      '{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/media/*","Condition":{"DateLessThan":{"AWS:EpochTime":1767290400}}}]}',
    );
  });

  it('a range is written as given; IpAddress comes after the dates', () => {
    expect(buildPolicy({ resource: RESOURCE, expires: 1767290400, sourceIp: '192.0.2.0/24' })).toBe(
      '{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/media/*","Condition":{"DateLessThan":{"AWS:EpochTime":1767290400},"IpAddress":{"AWS:SourceIp":"192.0.2.0/24"}}}]}',
    );
  });
});

describe('encodePolicy: the CloudFront-Policy cookie value', () => {
  it('is the policy JSON in CloudFront base64, "=" padding written as "_"', () => {
    // base64 of {"Statement":[{"Resource":"https://h/*","Condition":{"DateLessThan":{"AWS:EpochTime":1767290400}}}]}
    // ends in "fQ==", which CloudFront's alphabet writes "fQ__" (the guide's table: = becomes _).
    expect(encodePolicy({ resource: 'https://h/*', expires: 1767290400 })).toBe(
      'eyJTdGF0ZW1lbnQiOlt7IlJlc291cmNlIjoiaHR0cHM6Ly9oLyoiLCJDb25kaXRpb24iOnsiRGF0ZUxlc3NUaGFuIjp7IkFXUzpFcG9jaFRpbWUiOjE3NjcyOTA0MDB9fX1dfQ__',
    );
  });

  it('refuses what buildPolicy refuses, before encoding anything', () => {
    expect(refusal(() => encodePolicy({ resource: RESOURCE, expires: 10, notBefore: 10 })).message).toBe(
      'notBefore must be earlier than expires',
    );
  });

  it('reads back through parsePolicy with every condition', () => {
    const encoded = encodePolicy({
      resource: RESOURCE,
      expires: 1767290400,
      notBefore: 1767200000,
      sourceIp: '198.51.100.0/24',
    });
    expect(parsePolicy(encoded)).toMatchObject({
      resource: RESOURCE,
      expires: 1767290400,
      notBefore: 1767200000,
      sourceIp: '198.51.100.0/24',
    });
  });
});
