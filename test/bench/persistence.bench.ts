// Sync Leads (createOrUpdate) throughput over HTTP at 100k leads with the --data file on versus off.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimulator, type Simulator } from '../../simulator/index.js';
import type { Benchmark, BenchRow } from './run.js';

const LEADS = 100_000;
const BATCH = 300;
const CONCURRENCY = 4;
/** The --data run updates until the store has written the 100k-lead file this many times while being measured. */
const MIN_WRITES = 3;

interface Run {
  leadsPerSecond: number;
  passes: number;
  writes: number;
  lastWriteMs: number;
  closeSeconds: number;
  fileBytes: number;
}

/**
 * One createOrUpdate pass over the same 100k emails: creates them on the first pass; later passes match every lead
 * and change nothing, so the state (and the file) stays at 100k leads while every call still dirties the store.
 */
async function pass(url: string, token: string): Promise<void> {
  const batches = Math.ceil(LEADS / BATCH);
  let next = 0;
  const worker = async () => {
    for (let b = next++; b < batches; b = next++) {
      const input = Array.from({ length: Math.min(BATCH, LEADS - b * BATCH) }, (_, i) => ({
        email: `lead${b * BATCH + i}@bench.example.com`,
        firstName: `First${i}`,
        lastName: `Last${b}`,
        company: `Company ${b % 97}`,
        title: 'Engineer',
      }));
      const res = await fetch(`${url}/rest/v1/leads.json`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ action: 'createOrUpdate', input }),
      });
      const body = (await res.json()) as { success: boolean };
      if (!body.success) throw new Error(`batch ${b} failed: ${JSON.stringify(body)}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

/** Creates 100k leads (not measured), then times update passes: `passes` of them, or until MIN_WRITES file writes. */
async function run(dataFile: string | undefined, passes?: number): Promise<Run> {
  const sim: Simulator = createSimulator({ seed: 11, leads: 0, limits: { enabled: false }, dataFile });
  const url = await sim.listen(0, '127.0.0.1');
  const service = sim.runtime.firstInstance().services[0];
  const auth = (await (
    await fetch(`${url}/identity/oauth/token?grant_type=client_credentials&client_id=${service.clientId}&client_secret=${service.clientSecret}`)
  ).json()) as { access_token: string };
  await pass(url, auth.access_token);
  await sim.store?.flush();
  const writesBefore = sim.store?.getStats().writes ?? 0;
  const writes = () => (sim.store?.getStats().writes ?? 0) - writesBefore;
  const started = performance.now();
  let done = 0;
  for (; passes !== undefined ? done < passes : done < 2 || writes() < MIN_WRITES; done++) await pass(url, auth.access_token);
  const seconds = (performance.now() - started) / 1000;
  const stats = sim.store?.getStats();
  const closing = performance.now();
  await sim.close();
  return {
    leadsPerSecond: (done * LEADS) / seconds,
    passes: done,
    writes: writes(),
    lastWriteMs: stats?.lastWriteMs ?? 0,
    closeSeconds: (performance.now() - closing) / 1000,
    fileBytes: dataFile ? statSync(dataFile).size : 0,
  };
}

export const bench: Benchmark = {
  name: 'Persistence: createOrUpdate throughput at 100k leads with --data on vs off',
  async run(): Promise<BenchRow[]> {
    const dir = mkdtempSync(join(tmpdir(), 'sim-bench-'));
    try {
      await run(undefined, 1); // warm-up (JIT, sockets)
      const on = await run(join(dir, 'state.json'));
      const off = await run(undefined, on.passes);
      const ratio = on.leadsPerSecond / off.leadsPerSecond;
      return [
        { metric: `createOrUpdate of ${LEADS.toLocaleString('en-US')} existing leads, memory only`, value: off.leadsPerSecond, unit: 'leads/s' },
        { metric: `createOrUpdate of ${LEADS.toLocaleString('en-US')} existing leads, --data file`, value: on.leadsPerSecond, unit: 'leads/s' },
        { metric: '--data throughput as a share of memory-only', value: `${(ratio * 100).toFixed(1)}%`, target: 'within 20% (>= 80%)', ok: ratio >= 0.8 },
        { metric: `passes of ${LEADS.toLocaleString('en-US')} updates timed (each run)`, value: on.passes },
        { metric: 'file writes while timed', value: on.writes, target: `>= ${MIN_WRITES}`, ok: on.writes >= MIN_WRITES },
        { metric: 'one write of the 100k-lead file', value: on.lastWriteMs, unit: 'ms' },
        { metric: 'final flush on close', value: on.closeSeconds, unit: 's' },
        { metric: 'data file size at 100k leads', value: on.fileBytes / 1024 / 1024, unit: 'MB' },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
