import { encodeCloudFrontBase64 } from '../../src/cloudfront/base64';
import { PolicyError, parsePolicy, parsePolicyJson, tryParsePolicy } from '../../src/cloudfront/policy';
import { refusal } from './policy-refusal';

/**
 * What a policy read back from a `CloudFront-Policy` cookie or a `Policy` parameter may hold, and
 * the precise refusal for each rule it breaks. The shape is the one the CloudFront Developer Guide
 * prints on "Set signed cookies using a custom policy" and "Create a signed URL using a custom
 * policy": one `Statement` holding one statement of `Resource` (optional) and `Condition`, whose
 * conditions are `DateLessThan` (required), `DateGreaterThan` and `IpAddress`, with the keys
 * `AWS:EpochTime` (epoch seconds) and `AWS:SourceIp` (one CIDR range, a single address as /32).
 * Anything else is refused: the verifier stands in for CloudFront and must never honour a policy
 * CloudFront would not.
 */

const EXPIRES = 1767290400;
const DLT = `"DateLessThan":{"AWS:EpochTime":${EXPIRES}}`;
const statement = (body: string) => `{"Statement":[${body}]}`;
const withCondition = (condition: string) =>
  statement(`{"Resource":"https://d111111abcdef8.cloudfront.net/media/*","Condition":{${condition}}}`);

describe('the policy document: exactly {"Statement": [one statement]}', () => {
  it.each([
    ['null', 'null'],
    ['a string', '"Statement"'],
    ['a number', '42'],
    ['a list of statements without the wrapper', '[{"Condition":{}}]'],
    ['an object without Statement', '{}'],
    ['Statement as an object', `{"Statement":{"Resource":"https://h/a","Condition":{${DLT}}}}`],
    ['Statement as a string', '{"Statement":"all"}'],
    ['Statement as null', '{"Statement":null}'],
  ])('%s is refused as ERR_POLICY_SHAPE, asking for a "Statement" list', (_what, json) => {
    expect(refusal(() => parsePolicyJson(json))).toMatchObject({
      name: 'PolicyError',
      code: 'ERR_POLICY_SHAPE',
      message: 'policy must be an object with a "Statement" list',
    });
  });

  it('an IAM-style "Version" beside Statement is refused: CloudFront policies have Statement only', () => {
    const json = `{"Version":"2012-10-17","Statement":[{"Resource":"https://h/a","Condition":{${DLT}}}]}`;
    expect(refusal(() => parsePolicyJson(json))).toMatchObject({
      code: 'ERR_POLICY_SHAPE',
      message: 'policy has keys other than "Statement"',
    });
  });

  it.each([
    [0, statement('')],
    [2, statement(`{"Condition":{${DLT}}},{"Condition":{${DLT}}}`)],
    [3, statement(`{"Condition":{${DLT}}},{"Condition":{${DLT}}},{"Condition":{${DLT}}}`)],
  ])('a Statement list of %i statements is refused and the count is named', (count, json) => {
    expect(refusal(() => parsePolicyJson(json))).toMatchObject({
      code: 'ERR_POLICY_STATEMENT_COUNT',
      message: `policy must have exactly one statement, it has ${count}`,
    });
  });

  it('text that is not JSON is ERR_POLICY_JSON', () => {
    expect(refusal(() => parsePolicyJson(`{"Statement":[{"Condition":{${DLT}}}]`))).toMatchObject({
      code: 'ERR_POLICY_JSON',
      message: 'policy is not valid JSON',
    });
  });
});

describe('the statement: an object of Resource and Condition only', () => {
  it.each([
    ['null', 'null'],
    ['a list', `[{"Condition":{${DLT}}}]`],
    ['an empty list', '[]'],
    ['a string', '"https://h/*"'],
    ['a number', '7'],
  ])('a statement that is %s is ERR_POLICY_SHAPE', (_what, body) => {
    expect(refusal(() => parsePolicyJson(statement(body)))).toMatchObject({
      code: 'ERR_POLICY_SHAPE',
      message: 'the statement must be an object',
    });
  });

  it('an IAM "Effect" key is refused, naming it', () => {
    const json = statement(`{"Effect":"Allow","Resource":"https://h/a","Condition":{${DLT}}}`);
    expect(refusal(() => parsePolicyJson(json))).toMatchObject({
      code: 'ERR_POLICY_SHAPE',
      message: 'the statement has an unknown key "Effect"',
    });
  });

  it('an unknown key is named by its first 40 characters only (a hostile policy cannot flood the log)', () => {
    const key = `${'K'.repeat(40)}${'X'.repeat(200)}`;
    const json = statement(`{"Resource":"https://h/a","Condition":{${DLT}},"${key}":1}`);
    expect(refusal(() => parsePolicyJson(json)).message).toBe(
      `the statement has an unknown key "${'K'.repeat(40)}"`,
    );
  });

  it('"resource" in lower case is not Resource: unknown key', () => {
    const json = statement(`{"resource":"https://h/a","Condition":{${DLT}}}`);
    expect(refusal(() => parsePolicyJson(json)).message).toBe('the statement has an unknown key "resource"');
  });

  it.each([
    ['a number', '5'],
    ['null', 'null'],
    ['a list of URLs', '["https://h/a","https://h/b"]'],
    ['an object', '{"url":"https://h/a"}'],
    ['empty', '""'],
  ])('a Resource that is %s is ERR_POLICY_RESOURCE', (_what, resource) => {
    const json = statement(`{"Resource":${resource},"Condition":{${DLT}}}`);
    expect(refusal(() => parsePolicyJson(json))).toMatchObject({
      code: 'ERR_POLICY_RESOURCE',
      message: 'Resource must be a non-empty string',
    });
  });

  it('without Resource the policy is read with no resource at all (the guide: it then covers every URL)', () => {
    const json = statement(`{"Condition":{${DLT}}}`);
    const policy = parsePolicyJson(json);
    expect(policy).toStrictEqual({ expires: EXPIRES, json });
    expect('resource' in policy).toBe(false);
  });
});

describe('the Condition: DateLessThan required, DateGreaterThan and IpAddress optional, nothing else', () => {
  it.each([
    ['missing', '{"Resource":"https://h/a"}'],
    ['null', '{"Resource":"https://h/a","Condition":null}'],
    ['a list holding the conditions', `{"Resource":"https://h/a","Condition":[{${DLT}}]}`],
    ['the string "DateLessThan"', '{"Resource":"https://h/a","Condition":"DateLessThan"}'],
    ['a number', '{"Resource":"https://h/a","Condition":1767290400}'],
  ])('a Condition that is %s: ERR_POLICY_MISSING_DATE_LESS_THAN, "no Condition"', (_what, body) => {
    expect(refusal(() => parsePolicyJson(statement(body)))).toMatchObject({
      code: 'ERR_POLICY_MISSING_DATE_LESS_THAN',
      message: 'the statement has no Condition',
    });
  });

  it.each([
    ['empty', ''],
    ['only DateGreaterThan', '"DateGreaterThan":{"AWS:EpochTime":100}'],
    ['only IpAddress', '"IpAddress":{"AWS:SourceIp":"192.0.2.0/24"}'],
  ])('a Condition %s has no expiry: ERR_POLICY_MISSING_DATE_LESS_THAN', (_what, condition) => {
    expect(refusal(() => parsePolicyJson(withCondition(condition)))).toMatchObject({
      code: 'ERR_POLICY_MISSING_DATE_LESS_THAN',
      message: 'Condition has no DateLessThan',
    });
  });

  it.each([
    ['DateLessThanEquals', `${DLT},"DateLessThanEquals":{"AWS:EpochTime":1}`],
    ['datelessthan', '"datelessthan":{"AWS:EpochTime":1767290400}'],
    ['IPAddress', `${DLT},"IPAddress":{"AWS:SourceIp":"192.0.2.0/24"}`],
    ['NotIpAddress', `${DLT},"NotIpAddress":{"AWS:SourceIp":"192.0.2.0/24"}`],
  ])(
    'the condition %s is not one CloudFront knows: ERR_POLICY_UNKNOWN_CONDITION naming it',
    (name, condition) => {
      expect(refusal(() => parsePolicyJson(withCondition(condition)))).toMatchObject({
        code: 'ERR_POLICY_UNKNOWN_CONDITION',
        message: `unknown condition "${name}"`,
      });
    },
  );

  it('an unknown condition is named by its first 40 characters only', () => {
    const name = `${'C'.repeat(40)}${'Z'.repeat(100)}`;
    expect(refusal(() => parsePolicyJson(withCondition(`${DLT},"${name}":{}`))).message).toBe(
      `unknown condition "${'C'.repeat(40)}"`,
    );
  });
});

describe('DateLessThan / DateGreaterThan: {"AWS:EpochTime": whole epoch seconds}', () => {
  it.each([
    ['null', 'null'],
    ['a bare number', '1767290400'],
    ['a list', '[{"AWS:EpochTime":1767290400}]'],
    ['a string', '"1767290400"'],
  ])('DateLessThan as %s is ERR_POLICY_SHAPE, "must be an object"', (_what, value) => {
    expect(refusal(() => parsePolicyJson(withCondition(`"DateLessThan":${value}`)))).toMatchObject({
      code: 'ERR_POLICY_SHAPE',
      message: 'DateLessThan must be an object',
    });
  });

  it('DateGreaterThan as a bare number is named in its refusal', () => {
    expect(
      refusal(() => parsePolicyJson(withCondition(`${DLT},"DateGreaterThan":1767200000`))),
    ).toMatchObject({ code: 'ERR_POLICY_SHAPE', message: 'DateGreaterThan must be an object' });
  });

  it.each([
    ['empty', '{}'],
    ['a second key after AWS:EpochTime', '{"AWS:EpochTime":1767290400,"AWS:SourceIp":"192.0.2.0/24"}'],
    ['a second key before AWS:EpochTime', '{"Note":"x","AWS:EpochTime":1767290400}'],
    ['the key in another case', '{"aws:epochtime":1767290400}'],
  ])('DateLessThan %s is ERR_POLICY_SHAPE, exactly "AWS:EpochTime"', (_what, value) => {
    expect(refusal(() => parsePolicyJson(withCondition(`"DateLessThan":${value}`)))).toMatchObject({
      code: 'ERR_POLICY_SHAPE',
      message: 'DateLessThan must hold exactly "AWS:EpochTime"',
    });
  });

  it('DateGreaterThan with a second key is refused under its own name', () => {
    const condition = `${DLT},"DateGreaterThan":{"AWS:EpochTime":100,"AWS:EpochTime2":200}`;
    expect(refusal(() => parsePolicyJson(withCondition(condition))).message).toBe(
      'DateGreaterThan must hold exactly "AWS:EpochTime"',
    );
  });

  it.each([
    ['-1', '-1'],
    ['a fraction', '1767290400.5'],
    ['true', 'true'],
    ['null', 'null'],
    ['2^53, past exact JSON integers', '9007199254740992'],
  ])('DateLessThan of %s is ERR_POLICY_EPOCH', (_what, value) => {
    expect(
      refusal(() => parsePolicyJson(withCondition(`"DateLessThan":{"AWS:EpochTime":${value}}`))),
    ).toMatchObject({
      code: 'ERR_POLICY_EPOCH',
      message: 'DateLessThan AWS:EpochTime must be a non-negative integer',
    });
  });

  it('a DateGreaterThan of -1 is refused under its own name', () => {
    const condition = `${DLT},"DateGreaterThan":{"AWS:EpochTime":-1}`;
    expect(refusal(() => parsePolicyJson(withCondition(condition)))).toMatchObject({
      code: 'ERR_POLICY_EPOCH',
      message: 'DateGreaterThan AWS:EpochTime must be a non-negative integer',
    });
  });

  it('the edges that are accepted: DateGreaterThan 0 (the epoch itself) and DateLessThan 2^53 - 1', () => {
    const json = withCondition(
      '"DateLessThan":{"AWS:EpochTime":9007199254740991},"DateGreaterThan":{"AWS:EpochTime":0}',
    );
    expect(parsePolicyJson(json)).toStrictEqual({
      resource: 'https://d111111abcdef8.cloudfront.net/media/*',
      expires: 9007199254740991,
      notBefore: 0,
      json,
    });
  });

  it('a policy without DateGreaterThan has no notBefore; one without IpAddress has no sourceIp', () => {
    const policy = parsePolicyJson(withCondition(DLT));
    expect('notBefore' in policy).toBe(false);
    expect('sourceIp' in policy).toBe(false);
  });
});

describe('IpAddress: {"AWS:SourceIp": one CIDR range as a string}', () => {
  it.each([
    ['a bare string', '"192.0.2.0/24"'],
    ['null', 'null'],
    ['a list', '["192.0.2.0/24"]'],
    ['empty', '{}'],
    ['a second key', '{"AWS:SourceIp":"192.0.2.0/24","AWS:EpochTime":1}'],
    ['the key in another case', '{"aws:sourceip":"192.0.2.0/24"}'],
    [
      'two ranges (the guide: one address or one range only)',
      '{"AWS:SourceIp":["192.0.2.0/24","198.51.100.0/24"]}',
    ],
    ['a number', '{"AWS:SourceIp":3221225984}'],
  ])('IpAddress as %s is ERR_POLICY_IP, exactly "AWS:SourceIp" as a string', (_what, value) => {
    expect(refusal(() => parsePolicyJson(withCondition(`${DLT},"IpAddress":${value}`)))).toMatchObject({
      code: 'ERR_POLICY_IP',
      message: 'IpAddress must hold exactly "AWS:SourceIp" as a string',
    });
  });

  it.each([
    ['a bare address (the guide writes a single address as /32)', '192.0.2.7'],
    ['a prefix past 32', '192.0.2.0/33'],
    ['a host name', 'example.com/32'],
    ['a trailing space', '192.0.2.0/24 '],
    ['an empty string', ''],
  ])('AWS:SourceIp that is %s is ERR_POLICY_IP, not a CIDR', (_what, value) => {
    const condition = `${DLT},"IpAddress":{"AWS:SourceIp":${JSON.stringify(value)}}`;
    expect(refusal(() => parsePolicyJson(withCondition(condition)))).toMatchObject({
      code: 'ERR_POLICY_IP',
      message: 'AWS:SourceIp is not an IPv4 or IPv6 CIDR',
    });
  });

  it('a single host written as /32 is read back as that range', () => {
    const condition = `${DLT},"IpAddress":{"AWS:SourceIp":"192.0.2.7/32"}`;
    expect(parsePolicyJson(withCondition(condition)).sourceIp).toBe('192.0.2.7/32');
  });
});

describe('parsePolicy: CloudFront base64 of UTF-8 JSON', () => {
  it('a value outside the CloudFront base64 alphabet is ERR_POLICY_BASE64 and says why', () => {
    // Standard base64 uses + and /, which CloudFront's alphabet replaces with - and ~.
    expect(refusal(() => parsePolicy('eyJT+/=='))).toMatchObject({
      code: 'ERR_POLICY_BASE64',
      message: 'policy is not CloudFront base64: contains characters outside CloudFront base64',
    });
  });

  it('bytes that are not UTF-8 are refused: the JSON read would not be the bytes that were signed', () => {
    const bytes = Buffer.concat([
      Buffer.from('{"Statement":[{"Resource":"https://h/'),
      Buffer.from([0xff]),
      Buffer.from(`*","Condition":{${DLT}}}]}`),
    ]);
    expect(refusal(() => parsePolicy(encodeCloudFrontBase64(bytes)))).toMatchObject({
      code: 'ERR_POLICY_JSON',
      message: 'policy is not UTF-8 text',
    });
  });

  it('a real U+FFFD character, properly encoded as UTF-8, is just text and is accepted', () => {
    const json = statement(`{"Resource":"https://h/\uFFFD/*","Condition":{${DLT}}}`);
    expect(parsePolicy(encodeCloudFrontBase64(json))).toStrictEqual({
      resource: 'https://h/\uFFFD/*',
      expires: EXPIRES,
      json,
    });
  });
});

describe('tryParsePolicy: the same rules as a value, never an exception', () => {
  it('a good policy comes back as { ok: true, policy }', () => {
    // The AWS guide's example CloudFront-Policy cookie ("Set signed cookies using a custom policy").
    const fromGuide =
      'eyJTdGF0ZW1lbnQiOlt7IlJlc291cmNlIjoiaHR0cDovL2QxMTExMTFhYmNkZWY4LmNsb3VkZnJvbnQubmV0L2dhbWVfZG93bmxvYWQuemlwIiwiQ29uZGl0aW9uIjp7IklwQWRkcmVzcyI6eyJBV1M6U291cmNlSXAiOiIxOTIuMC4yLjAvMjQifSwiRGF0ZUxlc3NUaGFuIjp7IkFXUzpFcG9jaFRpbWUiOjE0MjY1MDAwMDB9fX1dfQ__';
    expect(tryParsePolicy(fromGuide)).toStrictEqual({
      ok: true,
      policy: {
        resource: 'http://d111111abcdef8.cloudfront.net/game_download.zip',
        expires: 1426500000,
        sourceIp: '192.0.2.0/24',
        json: '{"Statement":[{"Resource":"http://d111111abcdef8.cloudfront.net/game_download.zip","Condition":{"IpAddress":{"AWS:SourceIp":"192.0.2.0/24"},"DateLessThan":{"AWS:EpochTime":1426500000}}}]}',
      },
    });
  });

  it.each([
    ['ERR_POLICY_BASE64', '***'],
    ['ERR_POLICY_JSON', encodeCloudFrontBase64('{"Statement":')],
    ['ERR_POLICY_SHAPE', encodeCloudFrontBase64('{"Statement":[null]}')],
    ['ERR_POLICY_STATEMENT_COUNT', encodeCloudFrontBase64('{"Statement":[]}')],
    ['ERR_POLICY_MISSING_DATE_LESS_THAN', encodeCloudFrontBase64('{"Statement":[{"Condition":{}}]}')],
    ['ERR_POLICY_IP', encodeCloudFrontBase64(withCondition(`${DLT},"IpAddress":{"AWS:SourceIp":"x"}`))],
  ])('a policy broken as %s comes back as { ok: false, error } with that code', (code, encoded) => {
    const result = tryParsePolicy(encoded);
    expect(result.ok).toBe(false);
    const { error } = result as { ok: false; error: PolicyError };
    expect(error).toBeInstanceOf(PolicyError);
    expect(error.code).toBe(code);
  });
});
