import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { CliIo } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import type { Template } from '../../src/deploy/template-rules';

const ROOT = resolve(__dirname, '..', '..');
const SKIP = new Set([
  'node_modules',
  '.git',
  '.serverless',
  '.esbuild',
  '.build',
  '.local',
  'keys',
  'coverage',
  'test-output',
  'dist',
]);

export interface PackagedStack {
  dir: string;
  template: Template;
  artifact(name: string): Buffer;
  /** Files that were missing in the checkout and replaced by minimal stand-ins in the copy. */
  standIns: string[];
}

export function recordingIo(cwd: string): CliIo & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    out: (t) => lines.push(t),
    err: (t) => lines.push(t),
    readStdin: async () => undefined,
    env: {},
    cwd,
  };
}

/**
 * Copies the project to a temp folder, runs `edge-auth keys init --stage <stage>` there and
 * `serverless package --stage <stage>` with no AWS credentials at all.
 */
export async function packageStack(
  stage: string,
  options: { editSettings?: (settings: { stages: Record<string, unknown> }) => void } = {},
): Promise<PackagedStack> {
  const dir = mkdtempSync(join(tmpdir(), 'edge-auth-infra-'));
  cpSync(ROOT, dir, {
    recursive: true,
    filter: (src) => !SKIP.has(relative(ROOT, src).split('/')[0]!),
  });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const standIns: string[] = [];
  const standIn = (file: string, text: string) => {
    if (existsSync(join(dir, file))) return;
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), text);
    standIns.push(file);
  };
  standIn(
    'functions/login.ts',
    'export const handler = async () => ({ statusCode: 503, body: "stand-in" });\n',
  );
  standIn(
    'functions/viewer-request.ts',
    'export const handler = async (event: any) => event.Records[0].cf.request;\n',
  );

  if (options.editSettings) {
    // Only the temp copy's settings change: a stage variant for this packaging run alone.
    const file = join(dir, 'config', 'settings.json');
    const settings = JSON.parse(readFileSync(file, 'utf8'));
    options.editSettings(settings);
    writeFileSync(file, JSON.stringify(settings, null, 2));
  }

  const io = recordingIo(dir);
  const code = await main(['keys', 'init', '--stage', stage], io);
  if (code !== 0) throw new Error(`keys init failed: ${io.lines.join('\n')}`);

  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: join(dir, '.home'),
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    CI: '1',
    // serverless-esbuild runs npm (version probe); keep npm from asking the registry for updates.
    NPM_CONFIG_UPDATE_NOTIFIER: 'false',
  };
  mkdirSync(env.HOME!, { recursive: true });
  const bin = join(ROOT, 'node_modules', 'osls', 'bin', 'serverless.js');
  try {
    await promisify(execFile)(process.execPath, [bin, 'package', '--stage', stage], {
      cwd: dir,
      env,
      maxBuffer: 16 * 1024 * 1024,
      timeout: 180_000,
    });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    throw new Error(`serverless package failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
  const out = join(dir, '.serverless');
  return {
    dir,
    template: JSON.parse(
      readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8'),
    ) as Template,
    artifact: (name) => readFileSync(join(out, name)),
    standIns,
  };
}
