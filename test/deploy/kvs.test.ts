import { KVS_KEY_MAX_CHARACTERS, KVS_VALUE_MAX_BYTES } from '../../src/cloudfront/aws-rules';
import { KvsError, kvsKeyValueStore, type SdkKeyValueStore } from '../../src/deploy/kvs';
import { type KvsStandIn, startKvsStandIn } from './kvs-stand-in';

const credentials = { accessKeyId: 'AKIDSTANDIN', secretAccessKey: 'stand-in-secret' };
let standIn: KvsStandIn;
let kvs: SdkKeyValueStore;

beforeEach(async () => {
  standIn = await startKvsStandIn();
  kvs = kvsKeyValueStore({ arn: standIn.arn, endpoint: standIn.endpoint, credentials, pageSize: 3 });
});
afterEach(() => standIn.close());

test('requests are signed with SigV4A for every Region, on the KeyValueStore service', async () => {
  await kvs.describe();
  const { headers } = standIn.requests[0]!;
  expect(headers['x-amz-region-set']).toBe('*');
  expect(headers.authorization).toMatch(
    /^AWS4-ECDSA-P256-SHA256 Credential=AKIDSTANDIN\/\d{8}\/cloudfront-keyvaluestore\/aws4_request, SignedHeaders=[^ ]*host[^ ]*, Signature=[0-9a-f]+$/,
  );
  // The endpoint rules put the account ID of the ARN in front of the host name.
  expect(headers.host).toMatch(/^123456789012\.localhost:\d+$/);
});

test('describe returns the ETag and counts; get reads a value or undefined', async () => {
  standIn.entries.set('rs:abc', '1800000000');
  const d = await kvs.describe();
  expect(d).toEqual({ etag: expect.stringMatching(/^ETAG\d+$/), itemCount: 1, totalSizeInBytes: 16 });
  expect(await kvs.get('rs:abc')).toBe('1800000000');
  expect(await kvs.get('rs:nope')).toBeUndefined();
});

test('put sends the current ETag as If-Match, and the path carries the ARN and key URL-encoded', async () => {
  await kvs.put('ru:alice/x', '1:2');
  const put = standIn.requests.find((r) => r.method === 'PUT')!;
  expect(put.headers['if-match']).toBe('ETAG1');
  expect(put.path).toBe(`/key-value-stores/${encodeURIComponent(standIn.arn)}/keys/ru%3Aalice%2Fx`);
  expect(standIn.entries.get('ru:alice/x')).toBe('1:2');
});

test('a write that meets a concurrent change is retried with a fresh ETag', async () => {
  standIn.conflictNext(2);
  await kvs.put('rs:s1', '99');
  expect(standIn.entries.get('rs:s1')).toBe('99');
  const describes = standIn.requests.filter((r) => r.method === 'GET' && !r.path.includes('/keys'));
  expect(describes).toHaveLength(3);
});

test('a store that keeps changing fails with ERR_KVS_CONFLICT after the configured attempts', async () => {
  const few = kvsKeyValueStore({
    arn: standIn.arn,
    endpoint: standIn.endpoint,
    credentials,
    maxConflictRetries: 2,
  });
  standIn.conflictNext(5);
  await expect(few.put('rs:s1', '1')).rejects.toMatchObject({ code: 'ERR_KVS_CONFLICT' });
  expect(standIn.entries.has('rs:s1')).toBe(false);
});

test('delete removes a key and ignores a missing one', async () => {
  standIn.entries.set('rs:a', '1');
  await kvs.delete('rs:a');
  await kvs.delete('rs:a');
  expect(standIn.entries.size).toBe(0);
});

test('update puts and deletes in one call; list follows NextToken across pages', async () => {
  for (let i = 0; i < 7; i++) standIn.entries.set(`rs:${i}`, String(i));
  await kvs.update({ puts: [{ key: 'key:k1', value: 'secret' }], deletes: ['rs:0', 'rs:1'] });
  expect(standIn.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  const all = await kvs.list();
  expect(all.map((e) => e.key).sort()).toEqual(['key:k1', 'rs:2', 'rs:3', 'rs:4', 'rs:5', 'rs:6']);
  // 6 keys in pages of 3: two ListKeys calls.
  expect(standIn.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/keys'))).toHaveLength(2);
});

test('entries past the documented limits are refused before any call, naming the rule', async () => {
  const longKey = 'k'.repeat(KVS_KEY_MAX_CHARACTERS.value + 1);
  await expect(kvs.put(longKey, 'v')).rejects.toThrow(/kvs\/key-max-characters/);
  await expect(kvs.put('k', 'é'.repeat(KVS_VALUE_MAX_BYTES.value / 2 + 1))).rejects.toThrow(
    /kvs\/value-max-bytes/,
  );
  expect(standIn.requests).toHaveLength(0);
});

test('errors name the AWS error, never the value', async () => {
  const other = kvsKeyValueStore({
    arn: 'arn:aws:cloudfront::123456789012:key-value-store/00000000-0000-0000-0000-000000000000',
    endpoint: standIn.endpoint,
    credentials,
  });
  const failure = other.put('key:k1', 'very-secret-value').catch((e: unknown) => e);
  const error = (await failure) as KvsError;
  expect(error).toBeInstanceOf(KvsError);
  expect(error.message).toMatch(/ResourceNotFoundException \(HTTP 404\)/);
  expect(error.message).not.toContain('very-secret-value');
});

test('a malformed ARN is refused up front', () => {
  expect(() => kvsKeyValueStore({ arn: 'arn:aws:s3:::bucket' })).toThrow(
    /not a CloudFront key value store ARN/,
  );
});
