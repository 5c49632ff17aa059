import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type Audience,
  DEFAULT_AUDIENCE,
  estimate,
  renderAudienceTable,
  renderScaleDoc,
  replaceGenerated,
} from './scale-model';

/**
 * `npm run scale -- --viewers N --hours H [--segment S] [--renditions R] [--live] [--tracks T]
 * [--lambda-ms MS]`: the edge cost and headroom of one audience in both modes.
 * `npm run scale -- --write` regenerates the tables of docs/scale.md; `--check` fails when they differ.
 */
const DOC = join(__dirname, '..', 'docs', 'scale.md');

function number(name: string, value: string | undefined, fallback?: number): number {
  if (value === undefined) {
    if (fallback === undefined) throw new Error(`--${name} is required`);
    return fallback;
  }
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
  return n;
}

function main(): number {
  const { values } = parseArgs({
    options: {
      viewers: { type: 'string' },
      hours: { type: 'string' },
      segment: { type: 'string' },
      renditions: { type: 'string' },
      tracks: { type: 'string' },
      'lambda-ms': { type: 'string' },
      live: { type: 'boolean' },
      write: { type: 'boolean' },
      check: { type: 'boolean' },
    },
  });
  if (values.write || values.check) {
    const doc = readFileSync(DOC, 'utf8');
    const next = replaceGenerated(doc, renderScaleDoc());
    if (values.check) {
      if (next !== doc) {
        console.error('docs/scale.md is out of date: run `npm run scale -- --write`');
        return 1;
      }
      console.log('docs/scale.md agrees with bench/scale-model.ts');
      return 0;
    }
    writeFileSync(DOC, next);
    console.log('wrote the tables of docs/scale.md');
    return 0;
  }
  const audience: Audience = {
    viewers: number('viewers', values.viewers),
    hours: number('hours', values.hours),
    segmentSeconds: number('segment', values.segment, DEFAULT_AUDIENCE.segmentSeconds),
    renditions: number('renditions', values.renditions, DEFAULT_AUDIENCE.renditions),
    tracks: number('tracks', values.tracks, DEFAULT_AUDIENCE.tracks),
    lambdaMs: number('lambda-ms', values['lambda-ms'], DEFAULT_AUDIENCE.lambdaMs),
    live: values.live ?? false,
    kvsReads: DEFAULT_AUDIENCE.kvsReads,
  };
  console.log(renderAudienceTable([{ name: 'this audience', audience }]));
  const e = estimate(audience);
  console.log(
    `\nlambda: ${e.lambda.viewersAtQuota.toLocaleString('en-US')} viewers fill ${e.lambda.quota}; function: ${e.function.viewersAtQuota.toLocaleString('en-US')} viewers fill ${e.function.quota}.`,
  );
  console.log(
    `(${audience.renditions} renditions: a player fetches one at a time, so they do not change the steady request rate.)`,
  );
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(`scale: ${(error as Error).message}`);
  process.exitCode = 2;
}
