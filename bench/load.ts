import { createReadStream, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { startLocalEdge } from '../src/local/server';
import { contentTypeFor } from '../src/media/content-types';

/**
 * `npm run load [-- --seconds N --connections N]`: the local edge serving HLS segments to a
 * signed-in client (trusted-key-group check, the real edge bundle, the S3 origin stand-in),
 * side by side with plain static serving of the same files, over loopback with autocannon.
 * Both servers and the load generator share this process and its cores, the same for both.
 */
const ROOT = resolve(__dirname, '..');
const MEDIA = join(ROOT, 'media');

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

function staticServer(dir: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const file = join(dir, decodeURIComponent(path.replace(/^\/media\//, '')));
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': contentTypeFor(file), 'content-length': String(size) });
    createReadStream(file).pipe(res);
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

interface Row {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  mbps: number;
  requests: number;
  errors: number;
  rssBefore: number;
  rssAfter: number;
  heapBefore: number;
  heapAfter: number;
}

const mb = (bytes: number) => bytes / 1024 / 1024;

async function measure(
  name: string,
  url: string,
  paths: string[],
  headers: Record<string, string>,
  seconds: number,
  connections: number,
): Promise<Row> {
  // A short warm-up first, so neither side is measured while the JIT and the page cache are cold.
  await autocannon({
    url,
    connections,
    duration: 1,
    requests: paths.map((path) => ({ method: 'GET', path, headers })),
  });
  global.gc?.();
  const before = process.memoryUsage();
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: paths.map((path) => ({ method: 'GET', path, headers })),
  });
  const after = process.memoryUsage();
  return {
    name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    mbps: mb(result.throughput.average),
    requests: result.requests.total,
    errors: result.errors + result.timeouts + result.non2xx,
    rssBefore: mb(before.rss),
    rssAfter: mb(after.rss),
    heapBefore: mb(before.heapUsed),
    heapAfter: mb(after.heapUsed),
  };
}

async function main(): Promise<void> {
  const seconds = option('seconds', 10);
  const connections = option('connections', 10);
  const stateDir = mkdtempSync(join(tmpdir(), 'edge-auth-load-'));
  const edge = await startLocalEdge({ port: 0, root: ROOT, stateDir, log: () => undefined });
  const plain = await staticServer(MEDIA);
  const originalLog = console.log;
  try {
    const login = await fetch(`${edge.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: edge.url },
      body: JSON.stringify({ username: 'alice', password: 'wonderland' }),
    });
    if (login.status !== 200) throw new Error(`sign-in failed: ${login.status}`);
    // Every cookie the browser would send to /media/demo/ (all of them apply there).
    const cookie = login.headers
      .getSetCookie()
      .map((line) => line.split(';', 1)[0]!)
      .join('; ');
    const segments = readdirSync(join(MEDIA, 'demo'))
      .filter((f) => f.endsWith('.m4s') || f === 'init.mp4')
      .sort()
      .map((f) => `/media/demo/${f}`);
    const check = await fetch(`${edge.url}${segments[0]}`, { headers: { cookie } });
    if (check.status !== 200) throw new Error(`a signed-in segment request got ${check.status}`);
    // The edge function logs each denial; with a valid session there should be none, but keep the table clean.
    console.log = () => undefined;

    originalLog(
      `\n## load: ${segments.length} files of media/demo, ${connections} connections, ${seconds} s each, loopback\n`,
    );
    const plainUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
    const rows = [
      await measure('plain static (node:http + fs)', plainUrl, segments, {}, seconds, connections),
      await measure(
        'local edge, signed in (CloudFront check + edge function + origin)',
        edge.url,
        segments,
        { cookie },
        seconds,
        connections,
      ),
    ];
    console.log = originalLog;
    const [base, local] = rows as [Row, Row];
    const table = [
      '| server | req/s | p50 ms | p99 ms | MB/s | requests | errors | RSS MB before → after | heap MB before → after |',
      '|---|---:|---:|---:|---:|---:|---:|---|---|',
      ...rows.map(
        (r) =>
          `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.mbps.toFixed(1)} | ${r.requests} | ${r.errors} | ${r.rssBefore.toFixed(0)} → ${r.rssAfter.toFixed(0)} | ${r.heapBefore.toFixed(0)} → ${r.heapAfter.toFixed(0)} |`,
      ),
    ];
    console.log(table.join('\n'));
    console.log(
      `\nlocal edge / plain: ${((local.rps / base.rps) * 100).toFixed(0)}% of the requests per second, p99 ${local.p99} ms vs ${base.p99} ms`,
    );
    const errors = rows.reduce((n, r) => n + r.errors, 0);
    if (errors > 0) {
      console.error(`load: ${errors} errors (non-2xx, socket errors or timeouts): must be 0`);
      process.exitCode = 1;
    }
  } finally {
    console.log = originalLog;
    await edge.close();
    await new Promise<void>((done) => plain.close(() => done()));
    rmSync(stateDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
