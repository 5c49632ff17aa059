import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback stand-in for the CloudFront KeyValueStore data-plane API (restJson1), with the paths,
 * JSON shapes, ETag/If-Match behaviour and error shapes of the API reference (DescribeKeyValueStore,
 * GetKey, PutKey, DeleteKey, ListKeys, UpdateKeys). It records each request's method, path and
 * headers so tests can check the SDK signed it with SigV4A.
 */
export interface KvsStandIn {
  endpoint: string;
  arn: string;
  entries: Map<string, string>;
  requests: { method: string; path: string; headers: IncomingMessage['headers'] }[];
  /** Makes the next n writes fail with ConflictException, as if another writer got in first. */
  conflictNext(n: number): void;
  close(): Promise<void>;
}

export const STAND_IN_ARN =
  'arn:aws:cloudfront::123456789012:key-value-store/a1b2c3d4-5678-90ab-cdef-000000000001';

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function error(res: ServerResponse, status: number, type: string, message: string) {
  // restJson1 errors: the type in x-amzn-errortype, the member "Message" in the body.
  send(res, status, { Message: message }, { 'x-amzn-errortype': type });
}

export async function startKvsStandIn(options: { pageSize?: number } = {}): Promise<KvsStandIn> {
  const entries = new Map<string, string>();
  const requests: KvsStandIn['requests'] = [];
  let version = 1;
  let conflicts = 0;
  const etag = () => `ETAG${version}`;
  const size = () => [...entries].reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  const counts = () => ({ ItemCount: entries.size, TotalSizeInBytes: size() });

  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      requests.push({ method: req.method ?? '', path: url.pathname, headers: req.headers });
      const parts = url.pathname.split('/').slice(1).map(decodeURIComponent);
      if (parts[0] !== 'key-value-stores' || parts[1] !== STAND_IN_ARN) {
        return error(res, 404, 'ResourceNotFoundException', 'no such key value store');
      }
      const isWrite = req.method !== 'GET';
      if (isWrite) {
        if (req.headers['if-match'] === undefined)
          return error(res, 400, 'ValidationException', 'If-Match is required');
        if (conflicts > 0 || req.headers['if-match'] !== etag()) {
          if (conflicts > 0) {
            conflicts--;
            version++;
          }
          return error(res, 409, 'ConflictException', 'the key value store has changed');
        }
      }
      const json = body ? JSON.parse(body) : {};
      const check = (key: string, value?: string) =>
        key.length > 512 || (value !== undefined && Buffer.byteLength(value) > 1024);
      if (parts.length === 2 && req.method === 'GET') {
        return send(
          res,
          200,
          {
            ...counts(),
            KvsARN: STAND_IN_ARN,
            Created: 1_700_000_000,
            LastModified: 1_700_000_000,
            Status: 'READY',
          },
          { etag: etag() },
        );
      }
      if (parts.length === 3 && parts[2] === 'keys') {
        if (req.method === 'GET') {
          const keys = [...entries.keys()].sort();
          const start = Number(url.searchParams.get('NextToken') ?? 0);
          const max = Number(url.searchParams.get('MaxResults') ?? options.pageSize ?? 50);
          const page = keys.slice(start, start + max);
          const next = start + max < keys.length ? String(start + max) : undefined;
          return send(res, 200, {
            Items: page.map((k) => ({ Key: k, Value: entries.get(k) })),
            ...(next ? { NextToken: next } : {}),
          });
        }
        if (req.method === 'POST') {
          const puts: { Key: string; Value: string }[] = json.Puts ?? [];
          const deletes: { Key: string }[] = json.Deletes ?? [];
          if (puts.some((p) => check(p.Key, p.Value)))
            return error(res, 400, 'ValidationException', 'too long');
          for (const d of deletes) entries.delete(d.Key);
          for (const p of puts) entries.set(p.Key, p.Value);
          version++;
          return send(res, 200, counts(), { etag: etag() });
        }
      }
      if (parts.length === 4 && parts[2] === 'keys') {
        const key = parts[3]!;
        if (req.method === 'GET') {
          const value = entries.get(key);
          if (value === undefined) return error(res, 404, 'ResourceNotFoundException', 'no such key');
          return send(res, 200, { Key: key, Value: value, ...counts() });
        }
        if (req.method === 'PUT') {
          if (check(key, json.Value)) return error(res, 400, 'ValidationException', 'too long');
          entries.set(key, json.Value);
          version++;
          return send(res, 200, counts(), { etag: etag() });
        }
        if (req.method === 'DELETE') {
          if (!entries.has(key)) return error(res, 404, 'ResourceNotFoundException', 'no such key');
          entries.delete(key);
          version++;
          return send(res, 200, counts(), { etag: etag() });
        }
      }
      return error(res, 400, 'ValidationException', 'unknown operation');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, 'localhost', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    // The SDK connects to "<account>.localhost": src/deploy/kvs.ts maps that name back to localhost.
    endpoint: `http://localhost:${port}`,
    arn: STAND_IN_ARN,
    entries,
    requests,
    conflictNext(n) {
      conflicts = n;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
