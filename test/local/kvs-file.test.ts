import { mkdtempSync, readdirSync, readFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  functionCloudFrontModule,
  functionCrypto,
  toFunctionEvent,
} from '../../src/local/cloudfront-function';
import { createKvsFileReader, readKvsFile, updateKvsFile } from '../../src/local/kvs-file';

describe('the local KeyValueStore file', () => {
  it('is written atomically and re-read by a reader when it changes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-auth-kvs-'));
    const file = join(dir, 'kvs.json');
    const reader = createKvsFileReader(file);
    expect(reader.get('key:a')).toBeUndefined();
    updateKvsFile(file, { 'key:a': 'one', 'rs:s1': '2000' });
    expect(reader.get('key:a')).toBe('one');
    updateKvsFile(file, { 'key:a': 'two', 'rs:s1': undefined });
    // Same second, same size: the inode changes with the rename, so the reader still sees it.
    utimesSync(file, new Date(1000), new Date(1000));
    expect(reader.get('key:a')).toBe('two');
    expect(reader.get('rs:s1')).toBeUndefined();
    expect(readKvsFile(file)).toEqual({ 'key:a': 'two' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ 'key:a': 'two' });
    expect(readdirSync(dir)).toEqual(['kvs.json']);
  });
});

describe('the emulated runtime modules', () => {
  it('kvs().get rejects for a missing key and resolves a present one', async () => {
    const kvs = functionCloudFrontModule({ get: (k) => (k === 'a' ? '{"x":1}' : undefined) }).kvs();
    await expect(kvs.get('a')).resolves.toBe('{"x":1}');
    await expect(kvs.get('a', { format: 'json' })).resolves.toEqual({ x: 1 });
    await expect(kvs.get('b')).rejects.toThrow(/not found/);
    await expect(kvs.exists('b')).resolves.toBe(false);
  });

  it('crypto offers only the runtime digests and encodings', () => {
    expect(functionCrypto.createHmac('sha256', 'k').update('x').digest('hex')).toHaveLength(64);
    expect(Buffer.isBuffer(functionCrypto.createHash('sha1').update('x').digest())).toBe(true);
    expect(() => functionCrypto.createHmac('sha512', 'k')).toThrow(/unsupported hmac sha512/);
    expect(() => functionCrypto.createHash('sha256').update('x').digest('latin1')).toThrow(
      /unsupported digest encoding/,
    );
  });
});

describe('function events from hostile names', () => {
  it('a header, cookie or query parameter named __proto__ stays an entry of its own', () => {
    const e = toFunctionEvent({
      method: 'GET',
      target: '/media/a?__proto__=1',
      rawHeaders: ['__proto__', 'x', '__proto__', 'y', 'Cookie', '__proto__=z'],
      clientIp: '203.0.113.1',
      distributionDomainName: 'd.cloudfront.net',
      distributionId: 'E1',
      requestId: 'r',
    });
    expect(Object.hasOwn(e.request.headers, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(e.request.headers, '__proto__')?.value).toEqual({
      value: 'x',
      multiValue: [{ value: 'x' }, { value: 'y' }],
    });
    expect(Object.hasOwn(e.request.cookies, '__proto__')).toBe(true);
    expect(Object.hasOwn(e.request.querystring, '__proto__')).toBe(true);
    expect(({} as { multiValue?: unknown }).multiValue).toBeUndefined();
  });
});
