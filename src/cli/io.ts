import { type ParseArgsConfig, parseArgs } from 'node:util';

/** Where a command writes; tests pass a recorder instead of the process streams. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Reads all of standard input (for passwords piped in); undefined when stdin is a TTY. */
  readStdin(): Promise<string | undefined>;
  /** Asks for a secret on the terminal without echoing it. */
  promptSecret?(question: string): Promise<string>;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface Command {
  usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/** A mistake in how a command was called: printed with the usage line, exit code 2. */
export class UsageError extends Error {
  readonly code = 'ERR_USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function defaultIo(): CliIo {
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    readStdin: async () => {
      if (process.stdin.isTTY) return undefined;
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    env: process.env,
    cwd: process.cwd(),
  };
}

/** node:util parseArgs with its errors turned into UsageErrors. */
export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError(
      error instanceof Error ? error.message.replace(/^TypeError \[[A-Z_]+\]: /, '') : String(error),
    );
  }
}
