import { escapeControls } from './escape';
import { type CliIo, type Command, defaultIo, UsageError } from './io';

/**
 * Every command, by its words. Modules load lazily so `edge-auth sign url` does not pay
 * for the AWS SDK that `keys push` needs.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  'keys generate': () => import('./commands/keys-generate').then((m) => m.command),
  'keys init': () => import('./commands/stage-keys').then((m) => m.initCommand),
  'keys push': () => import('./commands/stage-keys').then((m) => m.pushCommand),
  'keys rotate': () => import('./commands/stage-keys').then((m) => m.rotateCommand),
  'keys rotate-origin-secret': () => import('./commands/stage-keys').then((m) => m.rotateOriginSecretCommand),
  'sign cookies': () => import('./commands/sign').then((m) => m.cookiesCommand),
  'sign url': () => import('./commands/sign').then((m) => m.urlCommand),
  inspect: () => import('./commands/inspect').then((m) => m.command),
  'users add': () => import('./commands/users').then((m) => m.addCommand),
  upload: () => import('./commands/upload').then((m) => m.command),
  smoke: () => import('./commands/smoke').then((m) => m.command),
  local: () => import('./commands/local').then((m) => m.command),
};

export function usage(): string {
  return [
    'usage: edge-auth <command> [options]',
    '',
    'commands:',
    ...Object.keys(COMMANDS).map((name) => `  ${name}`),
    '',
    'Run `edge-auth <command> --help` for the options of one command.',
  ].join('\n');
}

/** Runs the CLI; resolves to the process exit code (0 ok, 1 failure/deny, 2 usage error). */
export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(usage());
    return argv.length === 0 ? 2 : 0;
  }
  const two = argv.slice(0, 2).join(' ');
  const key = COMMANDS[two] ? two : COMMANDS[argv[0]!] ? argv[0]! : undefined;
  if (!key) {
    io.err(`edge-auth: unknown command "${escapeControls(argv.slice(0, 2).join(' '))}"\n\n${usage()}`);
    return 2;
  }
  const rest = argv.slice(key.split(' ').length);
  const command = await COMMANDS[key]!();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`edge-auth ${key}: ${escapeControls(error.message)}\n\n${command.usage}`);
      return 2;
    }
    const coded = error as { code?: unknown; message?: unknown };
    if (error instanceof Error && typeof coded.code === 'string' && coded.code.startsWith('ERR_')) {
      // Our own errors carry a code and a message written for people; no stack trace.
      io.err(`edge-auth ${key}: ${escapeControls(error.message)}`);
      return 1;
    }
    io.err(
      `edge-auth ${key}: unexpected error: ${escapeControls(error instanceof Error ? error.message : String(error))}`,
    );
    return 1;
  }
}
