// Worker threads that run scenarios: each boots TypeScript support once, then plays scenarios sent to it one at a time.
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { LoadedScenario } from './load.js';
import type { RunOptions } from './run.js';
import { blankReport, type ScenarioReport } from './report.js';

/** Messages between the pool and a worker (worker.ts answers each `run` with one `result` or `failure`). */
export type ToWorker = { type: 'run'; scenario: LoadedScenario; options: RunOptions };
export type FromWorker = { type: 'result'; report: ScenarioReport } | { type: 'failure'; message: string };

const ENTRY = fileURLToPath(new URL('./worker-entry.mjs', import.meta.url));

export class ScenarioWorker {
  private readonly worker: Worker;
  private pending: { resolve: (r: ScenarioReport) => void; reject: (e: Error) => void } | null = null;
  private dead: Error | null = null;

  constructor() {
    // Plain Node options: the entry registers tsx itself, whatever launched the parent (tsx, vitest, node).
    this.worker = new Worker(ENTRY, { execArgv: [] });
    this.worker.on('message', (message: FromWorker) => {
      const p = this.pending;
      this.pending = null;
      if (!p) return;
      if (message.type === 'result') p.resolve(message.report);
      else p.reject(new Error(message.message));
    });
    const die = (error: Error) => {
      this.dead = error;
      this.pending?.reject(error);
      this.pending = null;
    };
    this.worker.on('error', die);
    this.worker.on('exit', (code) => die(new Error(`the scenario worker exited (code ${code})`)));
  }

  /** Plays one scenario in the worker; a worker that crashed answers with the crash as an error report. */
  async run(scenario: LoadedScenario, options: RunOptions): Promise<ScenarioReport> {
    try {
      if (this.dead) throw this.dead;
      return await new Promise<ScenarioReport>((resolve, reject) => {
        this.pending = { resolve, reject };
        this.worker.postMessage({ type: 'run', scenario, options } satisfies ToWorker);
      });
    } catch (e) {
      return crashReport(scenario, (e as Error).message);
    }
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}

export class WorkerPool {
  readonly workers: ScenarioWorker[];

  constructor(size: number) {
    this.workers = Array.from({ length: size }, () => new ScenarioWorker());
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}

function crashReport(loaded: LoadedScenario, message: string): ScenarioReport {
  return { ...blankReport(loaded), status: 'error', error: `worker: ${message}` };
}
