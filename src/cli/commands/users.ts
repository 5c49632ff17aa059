import { resolve } from 'node:path';
import { resolveSettings } from '../../config/settings';
import { addUser } from '../../login/users';
import { type CliIo, type Command, parseOptions, UsageError } from '../io';

const USAGE = `usage: edge-auth users add NAME --grant PATTERN [--grant PATTERN …] [--file FILE] [--stage STAGE]

Adds NAME to a users file (or replaces the entry), with an scrypt hash of the password and the
given grants (path patterns under the protected prefix, e.g. /media/course-42/*).
The password is read from standard input when it is piped, else prompted twice without echo.

options:
  --grant PATTERN   a grant; repeat for several (at least one)
  --file FILE       the users file to write (default: .local/users.json)
  --stage STAGE     the stage whose protected prefix the grants must use (default: local)`;

/** Reads a line from the terminal in raw mode so the password is never echoed. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolvePassword, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let value = '';
    const cleanup = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          cleanup();
          resolvePassword(value);
          return;
        }
        if (ch === '\u0003' || ch === '\u0004') {
          cleanup();
          reject(new UsageError('cancelled'));
          return;
        }
        value = ch === '\u007f' || ch === '\b' ? value.slice(0, -1) : value + ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function readPassword(io: CliIo): Promise<string> {
  const piped = await io.readStdin();
  if (piped !== undefined) return piped.replace(/\r?\n$/, '');
  const prompt = io.promptSecret?.bind(io) ?? (process.stdin.isTTY ? promptHidden : undefined);
  if (!prompt) throw new UsageError('no password: pipe it on standard input or run in a terminal');
  const first = await prompt('Password: ');
  const second = await prompt('Repeat password: ');
  if (first !== second) throw new UsageError('the passwords do not match');
  return first;
}

export const addCommand: Command = {
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseOptions(
      args,
      {
        grant: { type: 'string', multiple: true },
        file: { type: 'string' },
        stage: { type: 'string' },
      },
      true,
    );
    if (positionals.length !== 1) throw new UsageError('give exactly one user NAME');
    const grants = values.grant ?? [];
    if (grants.length === 0) throw new UsageError('give at least one --grant PATTERN');
    const settings = resolveSettings(values.stage ?? 'local');
    const password = await readPassword(io);
    if (password.length < 8) throw new UsageError('the password must have at least 8 characters');
    const file = resolve(io.cwd, values.file ?? '.local/users.json');
    const user = await addUser(file, positionals[0]!, password, grants, {
      protectedPrefix: settings.protectedPrefix,
      settings,
    });
    io.out(`${user.username}: ${user.grants.join(', ')} → ${file}`);
    return 0;
  },
};
