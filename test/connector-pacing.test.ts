import { afterEach, describe, expect, it } from 'vitest';
import { SimClock } from '../simulator/index.js';
import { Pacer, type Slot } from '../connector/marketo/pacer.js';
import type { SyncEvent } from '../connector/outcomes.js';
import { connectorSim, MUNCHKIN, profileExport, T0, type ConnectorSim } from './support/connector.js';

let t: ConnectorSim | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** Grants in order, as [time since T0, slot]; slots are released at once unless `hold`. */
function recorder(pacer: Pacer, clock: SimClock, hold = false) {
  const granted: number[] = [];
  const slots: Slot[] = [];
  const take = (n: number, options?: { first?: boolean }) =>
    Array.from({ length: n }, () =>
      pacer.acquire(options).then((slot) => {
        granted.push(clock.now() - T0);
        if (hold) slots.push(slot);
        else slot.release();
        return slot;
      }),
    );
  return { granted, slots, take };
}

describe('the pacer', () => {
  it('counts a rolling window, not fixed buckets: a call waits until the one it replaces is a full window old', async () => {
    const clock = new SimClock({ start: T0, frozen: true });
    const pacer = new Pacer(clock, { callsPerWindow: 4, windowMs: 1_000, concurrent: 10, marginMs: 0 });
    const { granted, take } = recorder(pacer, clock);
    await Promise.all(take(2));
    await clock.advanceAsync(500);
    await Promise.all(take(2));
    const later = take(4);
    await clock.advanceAsync(2_000);
    await Promise.all(later);
    // Fixed 1 s buckets would let all four go at 1,000.
    expect(granted).toEqual([0, 0, 500, 500, 1_000, 1_000, 1_500, 1_500]);
  });

  it('keeps the margin on top of the window', async () => {
    const clock = new SimClock({ start: T0, frozen: true });
    const pacer = new Pacer(clock, { callsPerWindow: 1, windowMs: 1_000, concurrent: 10, marginMs: 250 });
    const { granted, take } = recorder(pacer, clock);
    const calls = take(3);
    await clock.advanceAsync(5_000);
    await Promise.all(calls);
    expect(granted).toEqual([0, 1_250, 2_500]);
  });

  it('never has more calls in flight than allowed, and lets a repeated call go first', async () => {
    const clock = new SimClock({ start: T0, frozen: true });
    const pacer = new Pacer(clock, { callsPerWindow: 100, windowMs: 1_000, concurrent: 2, marginMs: 0 });
    const { slots, take } = recorder(pacer, clock, true);
    const order: string[] = [];
    take(2);
    const queued = [...take(2).map((p, i) => p.then(() => order.push(`queued ${i}`))), ...take(1, { first: true }).map((p) => p.then(() => order.push('repeat')))];
    await clock.advanceAsync(0);
    expect(pacer.usage()).toMatchObject({ inFlight: 2, waiting: 3 });
    slots[0].release();
    slots[0].release(); // releasing twice frees one slot only
    await clock.advanceAsync(0);
    expect(order).toEqual(['repeat']);
    expect(pacer.usage()).toMatchObject({ inFlight: 2, waiting: 2 });
    slots[1].release();
    slots[2].release();
    await Promise.all(queued);
    expect(order).toEqual(['repeat', 'queued 0', 'queued 1']);
  });

  it('on a refusal for the rate (606) takes the limit Marketo names and holds every call until its oldest own call leaves the window', async () => {
    const clock = new SimClock({ start: T0, frozen: true });
    const pacer = new Pacer(clock, { callsPerWindow: 100, windowMs: 1_000, concurrent: 10, marginMs: 0 });
    const { granted, take } = recorder(pacer, clock);
    await Promise.all(take(3));
    await clock.advanceAsync(400);
    const [refused] = await Promise.all(take(1));
    // Three of its own calls were counted besides the refused one, which Marketo does not count.
    expect(pacer.throttled('rate', refused.grantedAt, { count: 10, windowMs: 1_000 })).toBe(3);
    expect(pacer.usage()).toMatchObject({ callsPerWindow: 10, inWindow: 3, pausedUntil: T0 + 1_000 });
    expect(pacer.nextStartAt()).toBe(T0 + 1_000);
    const next = take(1);
    await clock.advanceAsync(1_000);
    await Promise.all(next);
    expect(granted.at(-1)).toBe(1_000);
    // With nothing of its own counted it returns 0: the caller decides how long to hold.
    const [alone] = await Promise.all(take(1));
    clock.advance(2_000);
    expect(pacer.throttled('rate', alone.grantedAt)).toBe(0);
  });

  it('on a refusal for concurrency (615) takes the limit named and starts nothing until one of its own calls has finished', async () => {
    const clock = new SimClock({ start: T0, frozen: true });
    const pacer = new Pacer(clock, { callsPerWindow: 100, windowMs: 1_000, concurrent: 10, marginMs: 0 });
    const { slots, take } = recorder(pacer, clock, true);
    await Promise.all(take(4));
    slots[3].release();
    expect(pacer.throttled('concurrency', slots[3].grantedAt, { count: 8 })).toBe(3);
    const waiting = take(2);
    await clock.advanceAsync(0);
    expect(pacer.usage()).toMatchObject({ concurrent: 8, inFlight: 3, waiting: 2 });
    slots[0].release();
    await Promise.all(waiting);
    expect(pacer.usage()).toMatchObject({ inFlight: 4, waiting: 0 });
  });
});

const limitEvents = (events: SyncEvent[]) => events.filter((e): e is Extract<SyncEvent, { type: 'call' }> => e.type === 'call' && (e.code === '606' || e.code === '615'));

describe('rate limits slow the connector down; they do not dead-letter profiles', () => {
  it('an instance allowing 10 calls per 20 s: the default retry budget delivers every export, with 606s only until the pacer learns the limit', async () => {
    t = await connectorSim({ limits: { enabled: true } });
    t.sim.control.patchInstance(MUNCHKIN, { limits: { ratePer20s: 10 } });
    const sync = t.connector({ batch: { maxRecords: 1 } });
    const events: SyncEvent[] = [];
    sync.onEvent((e) => events.push(e));
    await sync.connect();
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => sync.push(profileExport(`p${i}@example.com`)).done));
    expect(results.every((r) => r.status === 'created')).toBe(true);
    expect(sync.counters()).toMatchObject({ created: 30, failed: 0, deadLetters: 0 });
    // 3 preflight calls + 30 writes at 10 per window: four windows; refusals only in the first, before the pacer knew.
    const refusals = limitEvents(events);
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.every((e) => e.code === '606' && e.startedAt === T0)).toBe(true);
    expect(sync.counters().answers['606']).toBe(refusals.length);
    expect(t.clock.now()).toBe(T0 + 3 * 20_500);
    expect(events.filter((e) => e.type === 'retry').every((e) => e.type === 'retry' && e.throttled)).toBe(true);
  });

  it('another service spending the window: the connector waits for it to roll, one 606, no retry budget used', async () => {
    t = await connectorSim({ limits: { enabled: true } });
    const sync = t.connector({ retry: { maxAttempts: 1 } });
    const events: SyncEvent[] = [];
    sync.onEvent((e) => events.push(e));
    await sync.connect();
    const other = t.sim.control.createService(MUNCHKIN, { name: 'Neighbour' });
    const token = await tokenFor(t, other.clientId, other.clientSecret);
    for (let i = 0; i < 97; i++) await fetch(`${t.base}/${MUNCHKIN}/rest/v1/leads.json?filterType=id&filterValues=${i + 1}`, { headers: { Authorization: `Bearer ${token}` } });
    const result = await sync.push(profileExport('ann@example.com')).done;
    expect(result).toMatchObject({ status: 'created', leadId: 1 });
    // The preflight's three calls were the connector's share of the window: it waited until they left it.
    expect(result.finishedAt).toBe(T0 + 20_500);
    expect(limitEvents(events).map((e) => e.code)).toEqual(['606']);
    expect(events.filter((e) => e.type === 'retry')).toEqual([{ type: 'retry', operation: 'syncLeads:createOrUpdate', code: '606', attempt: 1, delayMs: 20_500, throttled: true }]);
  });

  it('with nothing of its own in the window it holds calls for a growing part of the window until Marketo takes them again', async () => {
    t = await connectorSim({ limits: { enabled: true } });
    const sync = t.connector({ retry: { maxAttempts: 1 } });
    const events: SyncEvent[] = [];
    sync.onEvent((e) => events.push(e));
    await sync.connect();
    await t.clock.advanceAsync(30_000);
    const other = t.sim.control.createService(MUNCHKIN, { name: 'Neighbour' });
    const token = await tokenFor(t, other.clientId, other.clientSecret);
    const spentAt = t.clock.now();
    for (let i = 0; i < 100; i++) await fetch(`${t.base}/${MUNCHKIN}/rest/v1/leads.json?filterType=id&filterValues=${i + 1}`, { headers: { Authorization: `Bearer ${token}` } });
    const result = await sync.push(profileExport('ann@example.com')).done;
    expect(result.status).toBe('created');
    const holds = events.filter((e): e is Extract<SyncEvent, { type: 'retry' }> => e.type === 'retry');
    // Equal jitter on 1 s doubling (a twentieth of the window), each at most one window.
    expect(holds.map((h) => h.attempt)).toEqual(holds.map((_, i) => i + 1));
    holds.forEach((h) => {
      const ceiling = Math.min(20_000, 1_000 * 2 ** (h.attempt - 1));
      expect(h.delayMs).toBeGreaterThanOrEqual(ceiling / 2);
      expect(h.delayMs).toBeLessThanOrEqual(ceiling);
    });
    const held = holds.reduce((sum, h) => sum + h.delayMs, 0);
    expect(result.finishedAt).toBe(spentAt + held);
    expect(held).toBeGreaterThanOrEqual(20_000);
    expect(sync.counters()).toMatchObject({ failed: 0, retries: holds.length });
    expect(sync.counters().answers['606']).toBe(holds.length);
  });

  it('fails a call only after retry.maxThrottled refusals, saying why', async () => {
    t = await connectorSim();
    const sync = t.connector({ retry: { maxThrottled: 3 } });
    await sync.connect();
    t.sim.control.faults.add({ match: { method: 'POST', path: '/rest/v1/leads.json' }, error: '606', times: null });
    const result = await sync.push(profileExport('ann@example.com')).done;
    expect(result).toMatchObject({
      status: 'failed',
      attempts: 4,
      reasons: [{ code: '606', message: "606 Max rate limit '100' exceeded with in '20' secs (refused 4 times for the instance's rate limit, which other services may be using up)" }],
    });
    expect(sync.deadLetters.has(result.id)).toBe(true);
  });

  it('an instance allowing 2 calls at once: 615s only in the first wave, then the pacer keeps to 2 in flight', async () => {
    t = await connectorSim({ limits: { enabled: true } });
    t.sim.control.patchInstance(MUNCHKIN, { limits: { concurrent: 2 } });
    t.sim.control.faults.add({ match: { method: 'POST', path: '/rest/v1/leads.json' }, latencyMs: 3_000, times: null });
    const sync = t.connector({ batch: { maxRecords: 1 }, retry: { maxAttempts: 1 } });
    const events: SyncEvent[] = [];
    sync.onEvent((e) => events.push(e));
    await sync.connect();
    const start = t.clock.now();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => sync.push(profileExport(`p${i}@example.com`)).done));
    expect(results.every((r) => r.status === 'created')).toBe(true);
    const refusals = limitEvents(events);
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.every((e) => e.code === '615' && e.startedAt === start)).toBe(true);
    // Five waves of two 3 s calls.
    expect(t.clock.now()).toBe(start + 5 * 3_000);
  });
});

describe('micro-batches', () => {
  it('with batch.lingerMs, waits that long for more exports before sending a batch that is not full', async () => {
    t = await connectorSim();
    const sync = t.connector({ batch: { lingerMs: 1_000 } });
    await sync.connect();
    const first = sync.push(profileExport('a@example.com'));
    let second: Promise<unknown> = Promise.resolve();
    t.clock.schedule(500, () => (second = sync.push(profileExport('b@example.com')).done));
    const a = await first.done;
    await second;
    expect(a).toMatchObject({ status: 'created', finishedAt: T0 + 1_000 });
    expect(sync.results.get('exp-2')).toMatchObject({ status: 'created', finishedAt: T0 + 1_000 });
    expect(sync.counters().callsByOperation['syncLeads:createOrUpdate']).toBe(1);
    expect(sync.counters().recordsSent).toBe(2);
  });
});

async function tokenFor(sim: ConnectorSim, clientId: string, clientSecret: string): Promise<string> {
  const res = await fetch(`${sim.base}/${MUNCHKIN}/identity/oauth/token?grant_type=client_credentials&client_id=${clientId}&client_secret=${clientSecret}`);
  return ((await res.json()) as { access_token: string }).access_token;
}
