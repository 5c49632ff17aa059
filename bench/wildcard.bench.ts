import { Bench } from 'tinybench';
import { matchResource } from '../src/cloudfront/wildcard';

/**
 * The policy Resource matcher (`edge-auth inspect`, the local edge's verifier): the common grant
 * shape against hostile resources and URLs (issue 9, finding 8), side by side in one run. Before
 * the bit-parallel matcher, "60 stars vs 8 KB URL" took about 15 s per match.
 */
const HOST = 'https://d111111abcdef8.cloudfront.net';
const SEGMENT = `${HOST}/media/course-42/seg-00042.m4s`;
const LONG = `${HOST}/media/${'a'.repeat(8000)}`;

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export async function run(): Promise<void> {
  const tasks: [string, () => boolean][] = [
    ['prefix/* vs a segment URL', () => matchResource(`${HOST}/media/course-42/*`, SEGMENT)],
    ['two stars vs a segment URL', () => matchResource(`${HOST}/media/*/seg-*.m4s`, SEGMENT)],
    ['60 stars vs an 8 KB URL', () => matchResource(`${HOST}/${'*a'.repeat(60)}*b?`, LONG)],
    ['8 KB literal with ? vs an 8 KB URL', () => matchResource(`${LONG.slice(0, -1)}?`, LONG)],
  ];
  const bench = new Bench({ time: 400, warmupTime: 100 });
  for (const [name, fn] of tasks) bench.add(name, fn);
  await bench.run();
  const rows = bench.tasks.map((task) => {
    const r = task.result as { period?: number; latency?: { rme?: number } };
    return { name: task.name, period: r.period ?? Number.NaN, rme: r.latency?.rme ?? Number.NaN };
  });
  const base = rows[0]!;
  console.log('### matchResource, common and hostile\n');
  console.log('| candidate | ops/s | µs/op | ± | vs baseline |');
  console.log('|---|---:|---:|---:|---:|');
  for (const row of rows)
    console.log(
      `| ${row.name}${row === base ? ' (baseline)' : ''} | ${fmt(1000 / row.period)} | ${fmt(row.period * 1000, 1)} | ${fmt(row.rme, 1)}% | ${fmt(base.period / row.period, 4)}× |`,
    );
  console.log('');
}
