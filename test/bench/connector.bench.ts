// Person Sync connector: end-to-end profiles/s with limits off, and the share of Marketo's ceiling reached with limits on.
import { createSimulator, SimClock } from '../../simulator/index.js';
import { createPersonSync, seededRandom, type PersonSync } from '../../connector/index.js';
import type { ProfileExport } from '../../connector/aep/message.js';
import type { Benchmark, BenchRow } from './run.js';

const MUNCHKIN = '123-ABC-456';
const ORG = '1231659F56A68A8B7F000101@AdobeOrg';
/** 300 records per call x 100 calls per 20 s. */
const CEILING_PER_SECOND = (300 * 100) / 20;

const profile = (i: number, round: number): ProfileExport => ({
  segmentMembership: { ups: { 'bench-audience': { status: 'realized', lastQualificationTime: '2026-11-01T10:00:00Z' } } },
  identityMap: { email: [{ id: `p${i}@bench.example.com` }] },
  attributes: {
    'person.name.firstName': { value: `First ${i}` },
    'person.name.lastName': { value: `Last ${round}` },
    'person.company': { value: `Company ${i % 97}` },
  },
});

async function setup(limits: boolean, dedupFields: string[] = ['email'], ratePer20s?: number) {
  const clock = new SimClock({ start: '2026-11-02T15:00:00Z', frozen: true, autoAdvance: true });
  const sim = createSimulator({ seed: 3, clock, limits: { enabled: limits } });
  const base = await sim.listen();
  const service = sim.control.createService(MUNCHKIN, { name: 'AEP', inputSource: 'Adobe Experience Platform' });
  sim.control.patchInstance(MUNCHKIN, { imsOrgId: ORG });
  sim.control.setFieldSearchable(MUNCHKIN, 'company', { searchable: true });
  if (ratePer20s !== undefined) sim.control.patchInstance(MUNCHKIN, { limits: { ratePer20s } });
  const sync = createPersonSync(
    {
      name: 'bench',
      munchkinId: MUNCHKIN,
      endpoint: `${base}/${MUNCHKIN}/rest`,
      identity: `${base}/${MUNCHKIN}/identity`,
      clientId: service.clientId,
      clientSecret: service.clientSecret,
      aep: { imsOrgId: ORG, permissions: ['View Destinations', 'Manage Destinations'] },
      dedupFields,
      mapping: [
        { source: 'person.name.firstName', xdmType: 'string', target: 'firstName' },
        { source: 'person.name.lastName', xdmType: 'string', target: 'lastName' },
        { source: 'person.company', xdmType: 'string', target: 'company' },
      ],
    },
    { clock, random: seededRandom(5) },
  );
  await sync.connect();
  return { sim, clock, sync };
}

async function pushAll(sync: PersonSync, count: number, round: number): Promise<void> {
  for (let i = 0; i < count; i++) sync.push(profile(i, round));
  await sync.drain();
}

/** Wall-clock profiles per second, creates then updates, with the emulator's limits off. */
async function unlimited(count: number, dedupFields: string[]): Promise<{ creates: number; updates: number }> {
  const { sim, sync } = await setup(false, dedupFields);
  try {
    let started = performance.now();
    await pushAll(sync, count, 1);
    const creates = count / ((performance.now() - started) / 1000);
    started = performance.now();
    await pushAll(sync, count, 2);
    const updates = count / ((performance.now() - started) / 1000);
    const c = sync.counters();
    if (c.created !== count || c.updated !== count) throw new Error(`unexpected outcomes: ${JSON.stringify(c)}`);
    return { creates, updates };
  } finally {
    await sim.close();
  }
}

/**
 * With Marketo's limits on, on virtual time: records written per second of the rate windows used. A run of C calls
 * that each carry 300 records uses ceil(C / 100) windows of 20 s at best, so the elapsed time is measured from the
 * first write call's start to the last one's start plus one window.
 */
async function limited(count: number, ratePer20s?: number) {
  const { sim, clock, sync } = await setup(true, ['email'], ratePer20s);
  try {
    await clock.advanceAsync(21_000); // let the preflight calls leave the rate window
    const starts: number[] = [];
    sync.on('call', (e) => {
      if (e.operation.startsWith('syncLeads')) starts.push(e.startedAt);
    });
    const wall = performance.now();
    await pushAll(sync, count, 1);
    const c = sync.counters();
    const virtualSeconds = (Math.max(...starts) - Math.min(...starts) + 20_000) / 1000;
    return {
      rate: count / virtualSeconds,
      virtualSeconds,
      calls: starts.length,
      wallSeconds: (performance.now() - wall) / 1000,
      limitAnswers: (c.answers['606'] ?? 0) + (c.answers['615'] ?? 0),
      created: c.created,
      failed: c.failed,
    };
  } finally {
    await sim.close();
  }
}

export const bench: Benchmark = {
  name: 'Person Sync connector: end-to-end throughput and share of the Marketo ceiling',
  async run(): Promise<BenchRow[]> {
    await unlimited(3_000, ['email']); // warm-up (JIT, sockets)
    const one = await unlimited(30_000, ['email']);
    const two = await unlimited(30_000, ['email', 'company']);
    const PROFILES = 90_000;
    const lim = await limited(PROFILES);
    const share = lim.rate / CEILING_PER_SECOND;
    // An instance allowing 10 calls per 20 s (ceiling 150 records/s): the connector learns it from the first 606.
    const STRICT = 9_000;
    const strict = await limited(STRICT, 10);
    const strictShare = strict.rate / ((300 * 10) / 20);
    return [
      { metric: 'limits off, dedup on email: creates (30,000 profiles)', value: one.creates, unit: 'profiles/s' },
      { metric: 'limits off, dedup on email: updates (30,000 profiles)', value: one.updates, unit: 'profiles/s' },
      { metric: 'limits off, dedup on email + company: creates', value: two.creates, unit: 'profiles/s' },
      { metric: 'limits off, dedup on email + company: updates', value: two.updates, unit: 'profiles/s' },
      { metric: `limits on, ${PROFILES.toLocaleString('en-US')} profiles: Sync Leads calls`, value: lim.calls },
      { metric: 'limits on: virtual time used (first to last call + one window)', value: lim.virtualSeconds, unit: 's' },
      { metric: 'limits on: records per second of virtual time', value: lim.rate, unit: 'records/s' },
      {
        metric: 'limits on: share of the ceiling (300 x 100 calls / 20 s = 1,500/s)',
        value: `${(share * 100).toFixed(1)}%`,
        target: '>= 90%',
        ok: share >= 0.9 && lim.created === PROFILES,
      },
      { metric: 'limits on: 606/615 answers', value: lim.limitAnswers, target: '0', ok: lim.limitAnswers === 0 },
      { metric: 'limits on: wall time', value: lim.wallSeconds, unit: 's' },
      {
        metric: `instance at 10 calls / 20 s, ${STRICT.toLocaleString('en-US')} profiles: share of its 150/s ceiling`,
        value: `${(strictShare * 100).toFixed(1)}%`,
        target: '>= 90%, none failed',
        ok: strictShare >= 0.9 && strict.created === STRICT && strict.failed === 0,
      },
      { metric: 'instance at 10 calls / 20 s: 606 answers (before the limit is learnt)', value: strict.limitAnswers },
    ];
  },
};
