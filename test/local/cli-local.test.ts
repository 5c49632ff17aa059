import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CliIo } from '../../src/cli/io';
import { main } from '../../src/cli/main';

const ROOT = resolve(__dirname, '../..');

function recorder(env: NodeJS.ProcessEnv = {}): CliIo & { output: string[]; errors: string[] } {
  const output: string[] = [];
  const errors: string[] = [];
  return {
    output,
    errors,
    out: (t) => output.push(t),
    err: (t) => errors.push(t),
    readStdin: async () => undefined,
    env,
    cwd: ROOT,
  };
}

describe('edge-auth local', () => {
  it('refuses a bad port with the usage line (exit 2)', async () => {
    const io = recorder();
    expect(await main(['local', '--port', 'abc'], io)).toBe(2);
    expect(io.errors.join('\n')).toMatch(/--port must be a port number.*\n[\s\S]*usage: edge-auth local/);
    const env = recorder({ PORT: '70000' });
    expect(await main(['local'], env)).toBe(2);
    expect(env.errors.join('\n')).toContain('PORT must be a port number');
  });

  it('prints its options on --help', async () => {
    const io = recorder();
    expect(await main(['local', '--help'], io)).toBe(0);
    expect(io.output.join('\n')).toContain('--bucket-port N');
  });

  it('npm start: prints the URL and how to sign in, serves, and stops cleanly on Ctrl-C', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'edge-auth-start-'));
    const tsx = createRequire(join(ROOT, 'package.json')).resolve('tsx/cli');
    let child: ChildProcess | undefined;
    try {
      child = spawn(
        process.execPath,
        [tsx, 'src/local/main.ts', '--port', '0', '--state-dir', stateDir, '--quiet'],
        {
          cwd: ROOT,
          env: { ...process.env, PORT: '' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      child.stdout!.on('data', (d) => {
        out += d;
      });
      child.stderr!.on('data', (d) => {
        out += d;
      });
      const url = await new Promise<string>((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`no URL printed:\n${out}`)), 45000);
        child!.stdout!.on('data', () => {
          const m = /edge-auth local edge: (http:\/\/localhost:\d+)\//.exec(out);
          if (m) {
            clearTimeout(timer);
            done(m[1]!);
          }
        });
      });
      expect(out).toContain('as alice (password "wonderland"');
      expect(out).toContain('or bob   (password "builder"');
      const base = url.replace('localhost', '127.0.0.1');
      expect((await fetch(`${base}/`)).status).toBe(200);
      // Sign in and fetch a segment first: nothing the handlers leave behind may keep the process alive.
      const login = await fetch(`${base}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: base },
        body: JSON.stringify({ username: 'alice', password: 'wonderland' }),
      });
      expect(login.status).toBe(200);
      const cookie = login.headers
        .getSetCookie()
        .map((l) => l.split(';', 1)[0])
        .join('; ');
      expect((await fetch(`${base}/media/demo/seg-000.m4s`, { headers: { cookie } })).status).toBe(200);
      const exit = new Promise<number | null>((done) => child!.on('exit', (code) => done(code)));
      child.kill('SIGINT');
      expect(await exit).toBe(0);
      expect(out).toContain('edge-auth local edge stopped.');
    } finally {
      if (child && child.exitCode === null) child.kill('SIGKILL');
      rmSync(stateDir, { recursive: true, force: true });
    }
  }, 60000);
});
