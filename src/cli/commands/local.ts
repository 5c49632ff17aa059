import { type CliIo, type Command, parseOptions, UsageError } from '../io';

const USAGE = `usage: edge-auth local [--port N] [--bucket-port N] [--host ADDR] [--media DIR] [--root DIR] [--state-dir DIR] [--edge lambda|function] [--quiet]

Runs the local edge: CloudFront on this machine, in front of the very handlers that deploy.
  --port N          the distribution's port (default: $PORT, else 3000)
  --bucket-port N   the private bucket's direct endpoint stand-in (default: port + 1)
  --host ADDR       the interface to listen on (default 127.0.0.1)
  --media DIR       the folder standing for the bucket's media/ prefix (default: media/)
  --root DIR        the project folder holding web/, media/ and node_modules (default: .)
  --state-dir DIR   where the local keys, users file and edge build live (default: <root>/.local)
  --edge MODE       the check on /media/*: lambda (Lambda@Edge) or function (CloudFront Function
                    with a KeyValueStore in .local/kvs.json); default: the local stage's edge.mode
  --quiet           no request log
On first run it creates .local/keys (local key pairs) and .local/users.json (alice, bob).
Ctrl-C stops it.`;

function portOf(value: string | undefined, what: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`${what} must be a port number (0-65535), got "${value}"`);
  return n;
}

/** Resolves when the process is asked to stop (Ctrl-C or SIGTERM). */
function untilStopped(): Promise<string> {
  return new Promise((resolvePromise) => {
    const stop = (signal: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolvePromise(signal);
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}

export const command: Command = {
  usage: USAGE,
  async run(args: string[], io: CliIo & { stopped?: Promise<unknown> }): Promise<number> {
    const { values } = parseOptions(args, {
      port: { type: 'string' },
      'bucket-port': { type: 'string' },
      host: { type: 'string' },
      media: { type: 'string' },
      root: { type: 'string' },
      'state-dir': { type: 'string' },
      edge: { type: 'string' },
      quiet: { type: 'boolean' },
    });
    const port = portOf(values.port, '--port') ?? portOf(io.env.PORT, 'PORT') ?? 3000;
    const bucketPort = portOf(values['bucket-port'], '--bucket-port');
    const edgeMode = values.edge;
    if (edgeMode !== undefined && edgeMode !== 'lambda' && edgeMode !== 'function')
      throw new UsageError(`--edge must be "lambda" or "function", got "${edgeMode}"`);
    const { resolve } = await import('node:path');
    const root = resolve(io.cwd, values.root ?? '.');
    const { startLocalEdge } = await import('../../local/server');
    let edge: Awaited<ReturnType<typeof startLocalEdge>>;
    try {
      edge = await startLocalEdge({
        port,
        bucketPort,
        host: values.host,
        root,
        mediaDir: values.media ? resolve(io.cwd, values.media) : undefined,
        stateDir: values['state-dir'] ? resolve(io.cwd, values['state-dir']) : undefined,
        edgeMode,
        log: values.quiet ? () => undefined : (line) => io.out(line),
      });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'EADDRINUSE') {
        io.err(
          `edge-auth local: port ${port} (or the bucket port) is in use: pick another with --port N or PORT=N`,
        );
        return 1;
      }
      throw error;
    }
    const { stage } = edge;
    if (stage.created.length > 0) io.out(`Created the local stage: ${stage.created.join(', ')}`);
    const base = edge.url.replace('127.0.0.1', 'localhost');
    io.out(
      [
        '',
        `edge-auth local edge: ${base}/`,
        `  Edge mode: ${edge.edgeMode === 'function' ? 'function (CloudFront Function, KeyValueStore .local/kvs.json)' : 'lambda (Lambda@Edge)'}`,
        '',
        `  Sign in at ${base}/ as alice (password "wonderland": demo only)`,
        '           or bob   (password "builder": demo and premium)',
        `  Player:    ${base}${edge.settings.playerPath}`,
        `  Media:     ${base}${edge.settings.protectedPrefix}demo/index.m3u8 (needs the sign-in cookies)`,
        `  Bucket:    ${edge.bucketUrl.replace('127.0.0.1', 'localhost')}/ (the private bucket's own endpoint: always 403)`,
        '',
        'Request log: method path status layer(cloudfront|edge|origin|login|web|bucket) time. Ctrl-C stops.',
        '',
      ].join('\n'),
    );
    await (io.stopped ?? untilStopped());
    await edge.close();
    io.out('edge-auth local edge stopped.');
    return 0;
  },
};
