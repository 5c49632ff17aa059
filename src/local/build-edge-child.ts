import { buildEdgeBundle } from '../../scripts/build-edge';

// Run by the local edge in a child process (`tsx src/local/build-edge-child.ts '<json>'`): the
// edge build loads TypeScript through tsx, which cannot run inside a test runner's module system.
// Prints the build result as one JSON line.
async function run(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as { root: string; outfile: string; keyringDir: string };
  const result = await buildEdgeBundle({ stage: 'local', ...args });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

run().catch((error) => {
  const e = error as { code?: string; message?: string };
  process.stderr.write(`${e.code ?? 'ERR_EDGE_BUILD'}: ${e.message ?? String(error)}\n`);
  process.exitCode = 1;
});
