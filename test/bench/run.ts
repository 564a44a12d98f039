// `npm run bench`: runs every benchmark module under test/bench in one process and prints one table per benchmark.
// Each module exports `bench: Benchmark`. Targets are ratios measured in the same run, never absolute times.
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

export interface BenchRow {
  metric: string;
  value: number | string;
  unit?: string;
  /** What the issue asks for, e.g. "1M within 25% of 10k". */
  target?: string;
  /** Whether the target was met (undefined when there is no target). */
  ok?: boolean;
}

export interface Benchmark {
  name: string;
  run(): Promise<BenchRow[]>;
}

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort()
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)));

let failed = 0;
for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { bench: Benchmark };
  process.stdout.write(`\n## ${mod.bench.name} (${file})\n`);
  const started = Date.now();
  const rows = await mod.bench.run();
  for (const row of rows) {
    const value = typeof row.value === 'number' ? row.value.toLocaleString('en-US', { maximumFractionDigits: 2 }) : row.value;
    const verdict = row.ok === undefined ? '' : row.ok ? '  [target met]' : '  [TARGET MISSED]';
    process.stdout.write(`  ${row.metric.padEnd(60)} ${value}${row.unit ? ` ${row.unit}` : ''}${row.target ? `   (target: ${row.target})` : ''}${verdict}\n`);
    if (row.ok === false) failed++;
  }
  process.stdout.write(`  (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}
process.stdout.write(`\n${failed === 0 ? 'All targets met.' : `${failed} target(s) missed.`}\n`);
