// Sync Leads (createOrUpdate) throughput over HTTP with the --data file on versus off, up to 100k leads.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimulator } from '../../simulator/index.js';
import type { Benchmark, BenchRow } from './run.js';

const LEADS = 100_000;
const BATCH = 300;
const CONCURRENCY = 4;

interface Run {
  leadsPerSecond: number;
  seconds: number;
  writes: number;
  closeSeconds: number;
  fileBytes: number;
}

async function run(dataFile: string | undefined, total: number): Promise<Run> {
  const sim = createSimulator({ seed: 11, leads: 0, limits: { enabled: false }, dataFile });
  const url = await sim.listen(0, '127.0.0.1');
  const service = sim.runtime.firstInstance().services[0];
  const auth = (await (
    await fetch(`${url}/identity/oauth/token?grant_type=client_credentials&client_id=${service.clientId}&client_secret=${service.clientSecret}`)
  ).json()) as { access_token: string };
  const batches = Math.ceil(total / BATCH);
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (let b = next++; b < batches; b = next++) {
      const input = Array.from({ length: Math.min(BATCH, total - b * BATCH) }, (_, i) => ({
        email: `lead${b * BATCH + i}@bench.example.com`,
        firstName: `First${i}`,
        lastName: `Last${b}`,
        company: `Company ${b % 97}`,
        title: 'Engineer',
      }));
      const res = await fetch(`${url}/rest/v1/leads.json`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${auth.access_token}` },
        body: JSON.stringify({ action: 'createOrUpdate', input }),
      });
      const body = (await res.json()) as { success: boolean };
      if (!body.success) throw new Error(`batch ${b} failed: ${JSON.stringify(body)}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  const writes = sim.store?.getStats().writes ?? 0;
  const closing = performance.now();
  await sim.close();
  return {
    leadsPerSecond: total / seconds,
    seconds,
    writes,
    closeSeconds: (performance.now() - closing) / 1000,
    fileBytes: dataFile ? statSync(dataFile).size : 0,
  };
}

export const bench: Benchmark = {
  name: 'Persistence: createOrUpdate throughput with --data on vs off',
  async run(): Promise<BenchRow[]> {
    const dir = mkdtempSync(join(tmpdir(), 'sim-bench-'));
    try {
      await run(undefined, 6_000); // warm-up (JIT, sockets)
      const off = await run(undefined, LEADS);
      const on = await run(join(dir, 'state.json'), LEADS);
      const ratio = on.leadsPerSecond / off.leadsPerSecond;
      return [
        { metric: `createOrUpdate, ${LEADS.toLocaleString('en-US')} leads, memory only`, value: off.leadsPerSecond, unit: 'leads/s' },
        { metric: `createOrUpdate, ${LEADS.toLocaleString('en-US')} leads, --data file`, value: on.leadsPerSecond, unit: 'leads/s' },
        { metric: '--data throughput as a share of memory-only', value: `${(ratio * 100).toFixed(1)}%`, target: 'within 20% (>= 80%)', ok: ratio >= 0.8 },
        { metric: 'file writes during the --data run', value: on.writes },
        { metric: 'final flush on close', value: on.closeSeconds, unit: 's' },
        { metric: 'data file size at 100k leads', value: on.fileBytes / 1024 / 1024, unit: 'MB' },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
