// The result shapes every reporter reads: per scenario, per step (with wall and virtual timings), and for a whole run.
import type { LoadedScenario, LoadError } from './load.js';
import type { Failure } from './match.js';

export type StepStatus = 'passed' | 'failed' | 'error' | 'skipped';
export type ScenarioStatus = 'passed' | 'failed' | 'error';

export interface StepReport {
  /** `given`, `when[2] activate [vip]`, `then`, ... */
  label: string;
  status: StepStatus;
  /** Wall time the step took. */
  wallMs: number;
  /** Virtual time that passed on the scenario's clock during the step. */
  virtualMs: number;
  failures: Failure[];
  error?: string;
  /** The steps of a `parallel` group. */
  children?: StepReport[];
}

export interface ScenarioReport {
  /** `file#index`: unique and stable across runs. */
  id: string;
  file: string;
  index: number;
  line: number;
  suite?: string;
  name: string;
  tags: string[];
  seed: number | string;
  status: ScenarioStatus;
  wallMs: number;
  /** Wall time to create the scenario's emulator and start listening. */
  startupMs: number;
  /** The scenario's virtual clock at the start and at the end. */
  virtualStart: string;
  virtualEnd: string;
  steps: StepReport[];
  /** Every failure of every step, in order. */
  failures: Failure[];
  error?: string;
  /** The line of the key the error names (`given.instances[0].leads[1]: ...`), when it names one. */
  errorLine?: number;
}

export interface RunTotals {
  total: number;
  passed: number;
  failed: number;
  errors: number;
  /** Files or scenarios that could not be loaded. */
  invalid: number;
}

export interface RunReport {
  startedAt: string;
  wallMs: number;
  /** Worker threads used (0: everything ran in the calling thread). */
  workers: number;
  filters: { paths: string[]; tags: string[]; grep: string[] };
  scenarios: ScenarioReport[];
  loadErrors: LoadError[];
  totals: RunTotals;
}

/** A scenario's report before it runs: passed, no steps, no timings (the runner and a crashed worker fill it in). */
export function blankReport(loaded: LoadedScenario): ScenarioReport {
  return {
    id: `${loaded.file}#${loaded.index}`,
    file: loaded.file,
    index: loaded.index,
    line: loaded.line,
    ...(loaded.suite !== undefined ? { suite: loaded.suite } : {}),
    name: loaded.scenario.name,
    tags: loaded.scenario.tags ?? [],
    seed: loaded.scenario.seed ?? 1,
    status: 'passed',
    wallMs: 0,
    startupMs: 0,
    virtualStart: '',
    virtualEnd: '',
    steps: [],
    failures: [],
  };
}

export function totalsOf(scenarios: ScenarioReport[], loadErrors: LoadError[]): RunTotals {
  const invalidFiles = new Set(loadErrors.map((e) => `${e.file}|${e.scenario ?? ''}`));
  return {
    total: scenarios.length,
    passed: scenarios.filter((s) => s.status === 'passed').length,
    failed: scenarios.filter((s) => s.status === 'failed').length,
    errors: scenarios.filter((s) => s.status === 'error').length,
    invalid: invalidFiles.size,
  };
}

export function runSucceeded(report: RunReport): boolean {
  return report.totals.failed === 0 && report.totals.errors === 0 && report.totals.invalid === 0 && report.totals.total > 0;
}

/** `file:line:column  field: message` (no position for a file-level problem such as a path matching nothing). */
export function formatLoadError(e: LoadError): string {
  return `${e.file}${e.line > 0 ? `:${e.line}:${e.column}` : ''}  ${e.field ? `${e.field}: ` : ''}${e.message}`;
}
