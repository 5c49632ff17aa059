import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { verifyPassword } from '../../src/login/users';

function io(cwd: string, stdin: string | undefined, prompts: string[] = []) {
  const out: string[] = [];
  const err: string[] = [];
  const recorder: CliIo = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    readStdin: async () => stdin,
    env: {},
    cwd,
  };
  if (prompts.length) recorder.promptSecret = async () => prompts.shift()!;
  return { recorder, out, err };
}

describe('edge-auth users add', () => {
  it('adds a user from a piped password', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cli-users-'));
    const { recorder, out } = io(cwd, 'long-enough-pw\n');
    const code = await main(
      ['users', 'add', 'carol', '--grant', '/media/a/*', '--grant', '/media/b/*', '--file', 'u.json'],
      recorder,
    );
    expect(code).toBe(0);
    expect(out.join('\n')).toContain('carol');
    const file = JSON.parse(readFileSync(join(cwd, 'u.json'), 'utf8'));
    expect(file.users[0].grants).toEqual(['/media/a/*', '/media/b/*']);
    expect(await verifyPassword('long-enough-pw', file.users[0].passwordHash)).toBe(true);
  }, 20000);

  it('prompts twice without echo on a terminal and refuses a mismatch', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cli-users-'));
    const { recorder, err } = io(cwd, undefined, ['password-one', 'password-two']);
    expect(await main(['users', 'add', 'dave', '--grant', '/media/a/*'], recorder)).toBe(2);
    expect(err.join('\n')).toContain('do not match');
  });

  it('exits 2 on usage errors and 1 on bad grants', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cli-users-'));
    expect(await main(['users', 'add', 'erin'], io(cwd, 'long-enough-pw').recorder)).toBe(2);
    expect(await main(['users', 'add', '--grant', '/media/a/*'], io(cwd, 'long-enough-pw').recorder)).toBe(2);
    expect(await main(['users', 'add', 'erin', '--grant', '/media/a/*'], io(cwd, 'short').recorder)).toBe(2);
    const bad = io(cwd, 'long-enough-pw');
    expect(await main(['users', 'add', 'erin', '--grant', '/etc/*'], bad.recorder)).toBe(1);
    expect(bad.err.join('\n')).toContain('protected prefix');
  });
});
