import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Runs every `bench/*.bench.ts` in turn. Each exports `run(): Promise<void>` that measures its
 * candidates side by side in one run and prints a table with ratios.
 * `npm run bench -- signing` runs only the files whose names contain "signing".
 */
async function main(): Promise<void> {
  const filter = process.argv[2];
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => !filter || f.includes(filter))
    .sort();
  for (const file of files) {
    console.log(`\n## ${file.replace(/\.bench\.ts$/, '')}\n`);
    const mod = (await import(join(__dirname, file))) as { run: () => Promise<void> };
    await mod.run();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
