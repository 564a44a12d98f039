// Scenario suites: wall time of the whole built-in library (default threads, and all in one thread), each scenario's
// emulator start-up, and what a worker thread costs to boot.
import { availableParallelism } from 'node:os';
import { runSuite } from '../../scenarios/runner/suite.js';
import { findScenarioFiles, loadScenarioFiles } from '../../scenarios/runner/load.js';
import { ScenarioWorker } from '../../scenarios/runner/pool.js';
import type { RunReport } from '../../scenarios/runner/report.js';
import type { Benchmark, BenchRow } from './run.js';

const TARGET_SECONDS = 10;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function allPassed(report: RunReport): boolean {
  return report.totals.passed === report.totals.total && report.loadErrors.length === 0;
}

export const bench: Benchmark = {
  name: 'Scenario suites',
  async run(): Promise<BenchRow[]> {
    const rows: BenchRow[] = [];
    // What `npm run scenarios` does by default, then the same suite spread over a worker per core.
    const byDefault = await runSuite({});
    const seconds = byDefault.wallMs / 1000;
    rows.push({ metric: `built-in library: ${byDefault.totals.total} scenarios, all passed`, value: allPassed(byDefault) ? 'yes' : 'NO', ok: allPassed(byDefault) });
    rows.push({
      metric: `whole built-in suite, default layout (${byDefault.workers === 0 ? 'one thread' : `${byDefault.workers} worker(s) + main`})`,
      value: seconds,
      unit: 's',
      target: `< ${TARGET_SECONDS} s`,
      ok: seconds < TARGET_SECONDS,
    });
    const cores = availableParallelism();
    const spread = await runSuite({ jobs: cores });
    rows.push({
      metric: `whole built-in suite, --jobs ${cores} (${spread.workers} worker(s) + main, ${cores} cores)`,
      value: spread.wallMs / 1000,
      unit: 's',
      target: `< ${TARGET_SECONDS} s`,
      ok: spread.wallMs / 1000 < TARGET_SECONDS && allPassed(spread),
    });
    const inProcess = byDefault.workers === 0 ? byDefault : await runSuite({ jobs: 1 });
    const startups = inProcess.scenarios.map((s) => s.startupMs);
    rows.push({ metric: 'emulator start-up per scenario (create + listen), median', value: percentile(startups, 50), unit: 'ms' });
    rows.push({ metric: 'emulator start-up per scenario, p95', value: percentile(startups, 95), unit: 'ms' });
    rows.push({ metric: 'emulator start-up per scenario, max', value: Math.max(...startups), unit: 'ms' });
    const walls = inProcess.scenarios.map((s) => s.wallMs);
    rows.push({ metric: 'scenario wall time, median (one thread)', value: percentile(walls, 50), unit: 'ms' });
    const slowest = inProcess.scenarios.reduce((a, b) => (b.wallMs > a.wallMs ? b : a));
    rows.push({ metric: `slowest scenario: ${slowest.name}`, value: slowest.wallMs, unit: 'ms' });

    // A worker's boot: from creation to its first answer, less the time that scenario took inside it.
    const { files } = await findScenarioFiles(['scenarios/library/dedup-email.yaml']);
    const [scenario] = loadScenarioFiles(files).scenarios;
    const t0 = performance.now();
    const worker = new ScenarioWorker();
    const first = await worker.run(scenario, {});
    const boot = performance.now() - t0 - first.wallMs;
    await worker.close();
    rows.push({ metric: 'worker thread boot (tsx + runner + emulator + connector modules)', value: boot, unit: 'ms' });
    return rows;
  },
};
