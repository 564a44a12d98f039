// A scenario worker thread: plays each scenario the pool sends and answers with its report.
import { parentPort } from 'node:worker_threads';
import { runScenario } from './run.js';
import type { FromWorker, ToWorker } from './pool.js';

if (!parentPort) throw new Error('worker.ts runs inside a worker thread (see pool.ts)');
const port = parentPort;

port.on('message', (message: ToWorker) => {
  runScenario(message.scenario, message.options).then(
    (report) => port.postMessage({ type: 'result', report } satisfies FromWorker),
    (e: unknown) => port.postMessage({ type: 'failure', message: e instanceof Error ? e.message : String(e) } satisfies FromWorker),
  );
});
