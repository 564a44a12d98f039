// Dashboard lead table: page, sort and search latency at 1M leads against 10k, as ratios measured in the same run.
import { createSimulator, SimClock } from '../../simulator/index.js';
import { insertLead, updateLead } from '../../simulator/domain/leads.js';
import { createPartition } from '../../simulator/domain/admin.js';
import { LeadViews, type LeadTableQuery } from '../../simulator/ui/leads-view.js';
import type { InstanceState } from '../../simulator/domain/instance.js';
import type { Benchmark, BenchRow } from './run.js';

const FIRST = ['ann', 'bob', 'cid', 'dee', 'eve', 'fay', 'gus', 'hal', 'ivy', 'jon', 'kim', 'lou', 'max', 'ned', 'oli', 'pam'];
const LAST = ['Adams', 'Baker', 'Clark', 'Davis', 'Evans', 'Flynn', 'Green', 'Hayes', 'Irwin', 'Jones', 'Klein', 'Lewis'];

/** Page and search targets: at 1M leads within this factor of the same call at 10k. */
const MAX_RATIO = 3;

interface World {
  state: InstanceState;
  views: LeadViews;
  touch(i: number): void;
  buildMs: number;
  seedMs: number;
  sliced(): Promise<{ blockingMs: number; slicedMs: number; longestStallMs: number }>;
}

/**
 * The email index built in one go (what a request did before: every client waited), then built again in slices the
 * way the API builds it, with a probe measuring the longest time the event loop was held meanwhile.
 */
async function slicedBuild(state: InstanceState): Promise<{ blockingMs: number; slicedMs: number; longestStallMs: number }> {
  let started = performance.now();
  new LeadViews().index(state, 'email');
  const blockingMs = performance.now() - started;
  let longestStallMs = 0;
  let running = true;
  let last = performance.now();
  const probe = () => {
    const now = performance.now();
    longestStallMs = Math.max(longestStallMs, now - last);
    last = now;
    if (running) setImmediate(probe);
  };
  setImmediate(probe);
  started = performance.now();
  await new LeadViews().prepare(state, { sort: 'email', searchField: 'email' });
  const slicedMs = performance.now() - started;
  running = false;
  return { blockingMs, slicedMs, longestStallMs };
}

/** An instance with `n` leads across two partitions; values from a fixed arithmetic sequence (no faker, to keep seeding cheap). */
function world(n: number): World {
  const sim = createSimulator({ seed: 1, clock: new SimClock({ start: '2026-11-02T15:00:00Z', frozen: true }) });
  const state = sim.runtime.firstInstance();
  const na = createPartition(state, { name: 'North America' });
  const ctx = sim.runtime.systemContext('List Import');
  let started = performance.now();
  for (let i = 0; i < n; i++) {
    const k = (i * 7919) % 1_000_003;
    insertLead(
      state,
      i % 3 === 0 ? 1 : na.id,
      { email: `${FIRST[k % 16]}.${k}@x${i % 97}.example.com`, firstName: FIRST[(i * 5) % 16], lastName: `${LAST[k % 12]}${k % 1000}`, company: `Company ${k % 5000}` },
      ctx,
      { logActivity: i % 1000 === 0 },
    );
  }
  const seedMs = performance.now() - started;
  const views = new LeadViews();
  started = performance.now();
  for (const field of ['id', 'email', 'lastName'] as const) views.index(state, field);
  const buildMs = performance.now() - started;
  return {
    state,
    views,
    seedMs,
    buildMs,
    sliced: () => slicedBuild(state),
    touch: (i) => updateLead(state, state.leads.get(1 + (i % state.leads.size))!, { lastName: `Zed${i}` }, ctx),
  };
}

/** Median of `runs` timings of fn (ms). */
function median(runs: number, fn: (i: number) => void): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn(i);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const base: LeadTableQuery = { partitionId: null, sort: 'id', dir: 'asc', offset: 0, limit: 50, searchField: 'email' };

function measure(w: World): Record<string, number> {
  const total = w.state.leads.size;
  const q = (patch: Partial<LeadTableQuery>) => w.views.table(w.state, { ...base, ...patch });
  return {
    'first page, id order': median(200, () => q({})),
    'middle page, email order, one partition': median(200, (i) => q({ partitionId: 2, sort: 'email', offset: Math.floor(total / 3) + i })),
    'last page, last name descending': median(200, (i) => q({ sort: 'lastName', dir: 'desc', offset: total - 60 - i })),
    // Both sizes fill a whole page here, so the work compared is the same.
    'search email prefix "eve.", a full page': median(200, (i) => q({ q: 'eve.', sort: 'email', offset: i })),
    'search one lead by its whole email': median(200, (i) => q({ q: String(w.state.leads.get(1 + i)!.values.email), sort: 'email' })),
    'search last name prefix "Clark5"': median(200, () => q({ q: 'Clark5', searchField: 'lastName', sort: 'lastName' })),
    'page after one lead changed (index catch-up)': median(200, (i) => {
      w.touch(i);
      q({ sort: 'lastName', offset: 1000 });
    }),
    'lead detail with activities': median(200, (i) => w.views.detail(w.state, 1 + ((i * 997) % total))),
  };
}

export const bench: Benchmark = {
  name: 'Dashboard lead table at 1M leads vs 10k',
  async run(): Promise<BenchRow[]> {
    const small = world(10_000);
    const smallTimes = measure(small);
    const large = world(1_000_000);
    const largeTimes = measure(large);
    const build = await large.sliced();
    const stallShare = build.longestStallMs / build.blockingMs;
    const rows: BenchRow[] = [
      { metric: 'seeding 1M leads (not the dashboard)', value: large.seedMs / 1000, unit: 's' },
      { metric: 'building the id, email and last name indexes at 1M (once)', value: large.buildMs / 1000, unit: 's' },
      { metric: 'email index at 1M in one go (every client waits)', value: build.blockingMs / 1000, unit: 's' },
      { metric: 'email index at 1M in slices, as the API builds it', value: build.slicedMs / 1000, unit: 's' },
      { metric: 'longest event-loop stall meanwhile (GC included)', value: build.longestStallMs, unit: 'ms' },
      { metric: 'longest stall / build in one go', value: stallShare, target: '<= 0.1', ok: stallShare <= 0.1 },
    ];
    for (const [metric, smallMs] of Object.entries(smallTimes)) {
      const largeMs = largeTimes[metric];
      rows.push({ metric: `${metric}: 10k`, value: smallMs * 1000, unit: 'µs' });
      rows.push({ metric: `${metric}: 1M`, value: largeMs * 1000, unit: 'µs' });
      const ratio = largeMs / Math.max(smallMs, 0.001);
      rows.push({ metric: `${metric}: ratio 1M / 10k`, value: ratio, target: `<= ${MAX_RATIO}`, ok: ratio <= MAX_RATIO });
    }
    return rows;
  },
};
