// Runs a set of scenarios: find and load files, filter by tag and text, spread over worker threads, report in file order.
import { availableParallelism } from 'node:os';
import { findScenarioFiles, loadScenarioFiles, type LoadedScenario, type LoadError } from './load.js';
import { runScenario, type RunOptions } from './run.js';
import { totalsOf, type RunReport, type ScenarioReport } from './report.js';
import { WorkerPool } from './pool.js';

export interface SuiteOptions extends RunOptions {
  /** Files, directories or globs (default: every YAML file under scenarios/). */
  paths?: string[];
  /** Keep scenarios carrying any of these tags. */
  tags?: string[];
  /** Keep scenarios whose name, suite or file contains any of these texts (case-insensitive). */
  grep?: string[];
  /**
   * Threads that run scenarios, the calling thread included: 1 runs everything in the calling thread; the default
   * adds a worker per 64 scenarios, up to one thread per core (see SCENARIOS_PER_WORKER).
   */
  jobs?: number;
  cwd?: string;
  /** Called as each scenario finishes (in completion order; the final report is in file order). */
  onResult?: (report: ScenarioReport) => void;
}

/**
 * Scenarios per extra thread. A worker takes 1–1.5 s to boot (tsx loads ~150 modules through its loader thread) while
 * a scenario takes ~25 ms, so a worker pays off only with a few seconds of work for it (`npm run bench` measures both).
 */
const SCENARIOS_PER_WORKER = 64;

export function selectScenarios(scenarios: LoadedScenario[], tags: string[] = [], grep: string[] = []): LoadedScenario[] {
  const wanted = tags.map((t) => t.toLowerCase());
  const texts = grep.map((g) => g.toLowerCase());
  return scenarios.filter((s) => {
    if (wanted.length > 0 && !(s.scenario.tags ?? []).some((t) => wanted.includes(t.toLowerCase()))) return false;
    if (texts.length === 0) return true;
    const haystack = [s.scenario.name, s.suite ?? '', s.file].join('\n').toLowerCase();
    return texts.some((t) => haystack.includes(t));
  });
}

/** The calling thread, plus one worker per SCENARIOS_PER_WORKER scenarios beyond the first batch, up to one per core. */
export function defaultJobs(count: number): number {
  return Math.max(1, Math.min(availableParallelism(), 1 + Math.floor(count / SCENARIOS_PER_WORKER)));
}

export async function runSuite(options: SuiteOptions = {}): Promise<RunReport> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const cwd = options.cwd ?? process.cwd();
  const { files, unmatched } = await findScenarioFiles(options.paths ?? [], cwd);
  const loaded = loadScenarioFiles(files, cwd);
  const loadErrors: LoadError[] = [
    ...unmatched.map((p) => ({ file: p, line: 0, column: 0, field: '', message: 'no scenario files match this path' })),
    ...loaded.errors,
  ];
  const selected = selectScenarios(loaded.scenarios, options.tags, options.grep);
  const jobs = Math.max(1, Math.min(options.jobs ?? defaultJobs(selected.length), selected.length || 1));
  const reports = await runAll(selected, jobs, options);
  reports.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.index - b.index));
  return {
    startedAt,
    wallMs: performance.now() - started,
    workers: jobs - 1,
    filters: { paths: options.paths ?? [], tags: options.tags ?? [], grep: options.grep ?? [] },
    scenarios: reports,
    loadErrors,
    totals: totalsOf(reports, loadErrors),
  };
}

/** A shared queue: the calling thread and `jobs - 1` workers each take the next scenario until none is left. */
async function runAll(scenarios: LoadedScenario[], jobs: number, options: SuiteOptions): Promise<ScenarioReport[]> {
  const queue = [...scenarios];
  const out: ScenarioReport[] = [];
  const runOptions: RunOptions = { timeoutMs: options.timeoutMs };
  const take = () => queue.shift();
  const done = (r: ScenarioReport) => {
    out.push(r);
    options.onResult?.(r);
  };
  const pool = jobs > 1 ? new WorkerPool(jobs - 1) : null;
  try {
    const lanes: Promise<void>[] = [];
    // Workers take the scenarios at the front; the calling thread starts at once, while they boot.
    for (const worker of pool?.workers ?? []) {
      lanes.push(
        (async () => {
          for (let s = take(); s; s = take()) done(await worker.run(s, runOptions));
        })(),
      );
    }
    lanes.push(
      (async () => {
        for (let s = take(); s; s = take()) done(await runScenario(s, runOptions));
      })(),
    );
    await Promise.all(lanes);
  } finally {
    await pool?.close();
  }
  return out;
}
