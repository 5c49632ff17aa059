import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * `npm run mutate [-- <area>...]`: StrykerJS on the security core, one area at a time (CPU is
 * scarce: one run of at most two test processes). Each area keeps its own incremental file under
 * reports/mutation/<area>/ (git-ignored), so a re-run tests only the mutants whose code or covering
 * tests changed, plus every earlier survivor: Stryker 9 reuses the result of a *static* mutant
 * (module-level code, no per-test coverage) when only tests changed, so before each run the
 * survivors are dropped from the incremental file (see forgetSurvivors) and tested again.
 * `--force` re-tests everything. Prints the score per area at the end.
 */
const AREAS = {
  cloudfront: ['src/cloudfront/**/*.ts'],
  edge: ['src/edge/**/*.ts'],
  session: ['src/session/**/*.ts'],
  login: ['src/login/**/*.ts'],
} as const;
type Area = keyof typeof AREAS;

const CONFIG = 'test/mutation/stryker.config.mjs';
// The package exports only its API; its CLI sits next to package.json.
const STRYKER_BIN = join(dirname(require.resolve('@stryker-mutator/core/package.json')), 'bin', 'stryker.js');

interface Score {
  area: Area;
  seconds: number;
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  score: number;
}

/** killed + timed out over valid mutants (compile and runtime errors are not valid mutants). */
function readScore(area: Area, seconds: number): Score | undefined {
  const file = join('reports', 'mutation', area, 'mutation.json');
  if (!existsSync(file)) return undefined;
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    files: Record<string, { mutants: { status: string }[] }>;
  };
  const count: Record<string, number> = {};
  for (const f of Object.values(report.files))
    for (const m of f.mutants) count[m.status] = (count[m.status] ?? 0) + 1;
  const n = (s: string) => count[s] ?? 0;
  const valid = n('Killed') + n('Timeout') + n('Survived') + n('NoCoverage');
  return {
    area,
    seconds,
    killed: n('Killed'),
    timeout: n('Timeout'),
    survived: n('Survived'),
    noCoverage: n('NoCoverage'),
    score: valid === 0 ? 100 : (100 * (n('Killed') + n('Timeout'))) / valid,
  };
}

/**
 * Drops the survivors (and mutants without coverage) from an area's incremental file so the next
 * run tests them again: they are the mutants a new test may now kill, and Stryker would otherwise
 * reuse a static survivor's old result. Killed and timed-out results are kept (Stryker re-tests a
 * killed mutant itself when its killing test changed).
 */
function forgetSurvivors(file: string): number {
  if (!existsSync(file)) return 0;
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    files: Record<string, { mutants: { status: string }[] }>;
  };
  let dropped = 0;
  for (const f of Object.values(report.files)) {
    const kept = f.mutants.filter((m) => m.status !== 'Survived' && m.status !== 'NoCoverage');
    dropped += f.mutants.length - kept.length;
    f.mutants = kept;
  }
  writeFileSync(file, JSON.stringify(report));
  return dropped;
}

function main(): number {
  const force = process.argv.includes('--force');
  const args = process.argv.slice(2).filter((a) => a !== '--force');
  const unknown = args.filter((a) => !(a in AREAS));
  if (unknown.length > 0) {
    console.error(`mutate: unknown area ${unknown.join(', ')}; areas: ${Object.keys(AREAS).join(', ')}`);
    return 2;
  }
  const areas = (args.length > 0 ? args : Object.keys(AREAS)) as Area[];
  const scores: Score[] = [];
  for (const area of areas) {
    const dir = join('reports', 'mutation', area);
    const incrementalFile = join(dir, 'stryker-incremental.json');
    if (!force) {
      const dropped = forgetSurvivors(incrementalFile);
      if (dropped > 0) console.log(`mutate: ${area}: testing the ${dropped} earlier survivors again`);
    }
    const started = Date.now();
    const run = spawnSync(
      process.execPath,
      [
        STRYKER_BIN,
        'run',
        CONFIG,
        '--mutate',
        AREAS[area].join(','),
        '--incrementalFile',
        incrementalFile,
        ...(force ? ['--force'] : []),
      ],
      {
        stdio: 'inherit',
        env: { ...process.env, EDGE_AUTH_MUTATE_AREA: area, EDGE_AUTH_MUTATE_REPORT_DIR: dir },
      },
    );
    if (run.status !== 0) {
      console.error(`mutate: Stryker failed on area "${area}" (exit ${run.status ?? run.signal})`);
      return 1;
    }
    const score = readScore(area, Math.round((Date.now() - started) / 1000));
    if (score) scores.push(score);
  }
  console.log('\narea        score   killed timeout survived no-cov  time');
  for (const s of scores) {
    console.log(
      `${s.area.padEnd(10)} ${s.score.toFixed(2).padStart(6)}% ${String(s.killed).padStart(7)} ${String(s.timeout).padStart(7)} ${String(s.survived).padStart(8)} ${String(s.noCoverage).padStart(6)} ${String(s.seconds).padStart(5)}s`,
    );
  }
  return 0;
}

process.exitCode = main();
