import { afterEach, describe, expect, it } from 'vitest';
import type { SyncEvent } from '../connector/outcomes.js';
import { connectorSim, MUNCHKIN, profileExport, T0, type ConnectorSim } from './support/connector.js';

let t: ConnectorSim | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const SYNC = { method: 'POST', path: '/rest/v1/leads.json' } as const;

async function connected(overrides: Parameters<ConnectorSim['connector']>[0] = {}) {
  t = await connectorSim();
  const sync = t.connector(overrides);
  const events: SyncEvent[] = [];
  sync.onEvent((e) => events.push(e));
  await sync.connect();
  return { sim: t, sync, events };
}

describe('retryable faults injected through the emulator', () => {
  it.each(['604', '608', '611'])('retries Marketo %s with backoff and jitter on virtual time, then writes', async (code) => {
    const { sim, sync, events } = await connected();
    sim.sim.control.faults.add({ match: SYNC, error: code, times: 2 });
    const result = await sync.push(profileExport('ann@example.com')).done;
    expect(result).toMatchObject({ status: 'created', leadId: 1 });
    const retries = events.filter((e) => e.type === 'retry');
    expect(retries.map((r) => [r.code, r.attempt])).toEqual([
      [code, 1],
      [code, 2],
    ]);
    // Equal jitter: attempt n waits between half and all of 1 s * 2^(n-1).
    const [first, second] = retries.map((r) => r.delayMs);
    expect(first).toBeGreaterThanOrEqual(500);
    expect(first).toBeLessThanOrEqual(1_000);
    expect(second).toBeGreaterThanOrEqual(1_000);
    expect(second).toBeLessThanOrEqual(2_000);
    expect(result.finishedAt - result.receivedAt).toBe(first + second);
    expect(sync.counters()).toMatchObject({ retries: 2, created: 1, failed: 0 });
    expect(sync.counters().answers[code]).toBe(2);
    expect(sim.sim.control.listLeads(MUNCHKIN).total).toBe(1);
  });

  it('waits out an injected 606 on the rate window, outside the retry budget', async () => {
    const { sim, sync, events } = await connected({ retry: { maxAttempts: 1 } });
    sim.sim.control.faults.add({ match: SYNC, error: '606', times: 2 });
    const result = await sync.push(profileExport('ann@example.com')).done;
    expect(result).toMatchObject({ status: 'created', leadId: 1 });
    const retries = events.filter((e) => e.type === 'retry');
    // First: the preflight's three calls (at T0) hold the window until T0 + 20 s + 0.5 s margin. Second: nothing of the
    // connector's is left in the window, so it holds for 1-2 s (a twentieth of the window doubled once, jittered).
    expect(retries.map((r) => [r.code, r.attempt, r.throttled])).toEqual([
      ['606', 1, true],
      ['606', 2, true],
    ]);
    expect(retries[0].delayMs).toBe(20_500);
    expect(retries[1].delayMs).toBeGreaterThanOrEqual(1_000);
    expect(retries[1].delayMs).toBeLessThanOrEqual(2_000);
    expect(result.finishedAt).toBe(T0 + 20_500 + retries[1].delayMs);
    expect(sync.counters()).toMatchObject({ retries: 2, created: 1, failed: 0 });
  });

  it('waits out an injected 615, outside the retry budget', async () => {
    const { sim, sync, events } = await connected({ retry: { maxAttempts: 1 } });
    sim.sim.control.faults.add({ match: SYNC, error: '615', times: 2 });
    const result = await sync.push(profileExport('ann@example.com')).done;
    expect(result).toMatchObject({ status: 'created', leadId: 1 });
    const retries = events.filter((e) => e.type === 'retry');
    expect(retries.map((r) => [r.code, r.attempt, r.throttled])).toEqual([
      ['615', 1, true],
      ['615', 2, true],
    ]);
    expect(result.finishedAt - result.receivedAt).toBe(retries[0].delayMs + retries[1].delayMs);
    expect(sync.counters().answers['615']).toBe(2);
  });

  it.each([500, 502, 503])('retries an HTTP %i from the gateway', async (status) => {
    const { sim, sync } = await connected();
    sim.sim.control.faults.add({ match: SYNC, httpStatus: status, times: 1 });
    expect(await sync.push(profileExport('ann@example.com')).done).toMatchObject({ status: 'created', leadId: 1 });
    expect(sync.counters().answers[`HTTP ${status}`]).toBe(1);
    expect(sync.counters().retries).toBe(1);
  });

  it('retries a dropped connection (network error) and lookups too', async () => {
    const { sim, sync } = await connected({ matching: 'lookup' });
    sim.sim.control.faults.add({ match: { method: 'GET', path: '/rest/v1/leads.json' }, drop: true, times: 1 });
    sim.sim.control.faults.add({ match: SYNC, drop: true, times: 1 });
    expect(await sync.push(profileExport('ann@example.com')).done).toMatchObject({ status: 'created', leadId: 1, action: 'createOnly' });
    expect(sync.counters().answers.network).toBe(2);
    expect(sim.sim.control.listLeads(MUNCHKIN).total).toBe(1);
  });

  it('never repeats an unanswered createDuplicate blindly: it looks first, then creates once', async () => {
    t = await connectorSim();
    t.sim.control.setFieldSearchable(MUNCHKIN, 'company', { searchable: true });
    t.sim.control.insertLeads(MUNCHKIN, { leads: [{ email: 'ann@example.com', company: 'Other Co' }] });
    const sync = t.connector({ dedupFields: ['email', 'company'], mapping: [{ source: 'person.company', xdmType: 'string', target: 'company' }] });
    await sync.connect();
    // Ann exists with another company, so the create is a createDuplicate; its first try is dropped unanswered.
    t.sim.control.faults.add({ match: SYNC, drop: true, times: 1 });
    const result = await sync.push(profileExport('ann@example.com', { 'person.company': 'Acme' })).done;
    expect(result).toMatchObject({ status: 'created', leadId: 2, action: 'createDuplicate' });
    expect(sync.counters().callsByOperation).toMatchObject({ getLeadsByFilterType: 2, 'syncLeads:createDuplicate': 2 });
    expect(sync.counters().retries).toBe(0);
    expect(t.sim.control.listLeads(MUNCHKIN).leads.map((l) => [l.id, l.company])).toEqual([
      [1, 'Other Co'],
      [2, 'Acme'],
    ]);
  });

  it('times a call out after requestTimeoutMs on the virtual clock and repeats it', async () => {
    const { sim, sync, events } = await connected({ requestTimeoutMs: 120_000 });
    sim.sim.control.faults.add({ match: SYNC, latencyMs: 130_000, times: 1 });
    const result = await sync.push(profileExport('ann@example.com')).done;
    expect(result).toMatchObject({ status: 'created', leadId: 1 });
    const [retry] = events.filter((e) => e.type === 'retry');
    expect(retry).toMatchObject({ code: 'network', attempt: 1, throttled: false });
    expect(result.finishedAt - result.receivedAt).toBe(120_000 + retry.delayMs);
    expect(events.find((e) => e.type === 'call' && e.code === 'network')).toMatchObject({ durationMs: 120_000 });
    expect(sim.sim.control.listLeads(MUNCHKIN).total).toBe(1);
  });

  it('waits out injected latency on the virtual clock', async () => {
    const { sim, sync } = await connected();
    sim.sim.control.faults.add({ match: SYNC, latencyMs: 45_000, times: 1 });
    const result = await sync.push(profileExport('ann@example.com')).done;
    expect(result).toMatchObject({ status: 'created' });
    expect(result.finishedAt - result.receivedAt).toBe(45_000);
  });
});

describe('tokens', () => {
  it('fetches a new token after a revoked one answers 601, and goes on', async () => {
    const { sim, sync } = await connected();
    await sync.push(profileExport('a@example.com')).done;
    sim.sim.control.faults.add({ match: SYNC, revokeToken: true, times: 1 });
    expect(await sync.push(profileExport('b@example.com')).done).toMatchObject({ status: 'created', leadId: 2 });
    expect(sync.counters()).toMatchObject({ tokens: 2, retries: 0 });
    expect(sync.counters().answers['601']).toBe(1);
  });

  it('refreshes on 602 (expired) without counting a retry', async () => {
    const { sim, sync } = await connected();
    sim.sim.control.faults.add({ match: SYNC, error: '602', times: 1 });
    expect(await sync.push(profileExport('a@example.com')).done).toMatchObject({ status: 'created' });
    expect(sync.counters().answers['602']).toBe(1);
    expect(sync.counters().retries).toBe(0);
  });

  it('keeps streaming across token expiry: 30 s tokens, exports every 10 s for 2 minutes', async () => {
    t = await connectorSim();
    t.sim.control.patchInstance(MUNCHKIN, { tokenTtlSeconds: 30 });
    const sync = t.connector();
    await sync.connect();
    for (let i = 0; i < 12; i++) {
      expect(await sync.push(profileExport(`p${i}@example.com`)).done).toMatchObject({ status: 'created', leadId: i + 1 });
      await t.clock.advanceAsync(10_000);
    }
    expect(t.clock.now()).toBe(T0 + 120_000);
    expect(sync.counters().tokens).toBe(4);
    expect(sync.counters().answers['602'] ?? 0).toBe(0);
    expect(sync.counters().failed).toBe(0);
  });
});

describe('daily quota', () => {
  it('pauses until the quota resets at 00:00 America/Chicago after a 607, then writes', async () => {
    const { sim, sync, events } = await connected();
    sim.sim.control.faults.add({ match: SYNC, error: '607', times: 1 });
    const result = await sync.push(profileExport('ann@example.com')).done;
    const midnight = Date.parse('2026-11-03T06:00:00Z'); // 00:00 CST, the day after T0 (09:00 CST)
    expect(events.filter((e) => e.type === 'paused')).toEqual([{ type: 'paused', code: '607', until: midnight }]);
    expect(result).toMatchObject({ status: 'created', finishedAt: midnight });
  });
});

describe('failures after retries: dead letters and replay', () => {
  it('fails an export after the last attempt, keeps it in the dead-letter list, and replays it under its id', async () => {
    const { sim, sync, events } = await connected({ retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 } });
    sim.sim.control.faults.add({ match: SYNC, error: '608', times: 3 });
    const receipt = sync.push(profileExport('ann@example.com'));
    const failed = await receipt.done;
    expect(failed).toMatchObject({
      id: 'exp-1',
      status: 'failed',
      attempts: 3,
      reasons: [{ code: '608', message: '608 API Temporarily Unavailable', source: 'marketo' }],
    });
    expect([...sync.deadLetters.keys()]).toEqual(['exp-1']);
    expect(events.filter((e) => e.type === 'dead-letter').map((e) => e.type === 'dead-letter' && e.id)).toEqual(['exp-1']);
    expect(sync.counters()).toMatchObject({ failed: 1, deadLetters: 1, received: 1, pending: 0 });
    const [replayed] = sync.replay();
    expect(replayed.id).toBe('exp-1');
    expect(await replayed.done).toMatchObject({ id: 'exp-1', status: 'created', trigger: 'replay', leadId: 1 });
    expect(sync.deadLetters.size).toBe(0);
    expect(sync.results.get('exp-1')!.status).toBe('created');
    expect(sync.counters()).toMatchObject({ received: 1, created: 1, failed: 0, deadLetters: 0 });
  });

  it('keeps dead letters after close(): replay refuses instead of turning them into CLOSED rejections', async () => {
    const { sim, sync } = await connected({ retry: { maxAttempts: 1 } });
    sim.sim.control.faults.add({ match: SYNC, error: '611', times: 1 });
    expect(await sync.push(profileExport('ann@example.com')).done).toMatchObject({ status: 'failed' });
    await sync.close();
    expect(() => sync.replay()).toThrow('the connector is closed; its dead letters stay where they are');
    expect([...sync.deadLetters.keys()]).toEqual(['exp-1']);
    expect(sync.counters()).toMatchObject({ received: 1, failed: 1, deadLetters: 1 });
  });

  it('fails at once on an error that retrying cannot fix', async () => {
    const { sim, sync } = await connected();
    sim.sim.control.faults.add({ match: SYNC, error: '603', times: 1 });
    const result = await sync.push(profileExport('ann@example.com')).done;
    expect(result).toMatchObject({ status: 'failed', attempts: 1, reasons: [{ code: '603', message: '603 Access denied' }] });
    expect(sync.counters().retries).toBe(0);
  });

  it('splits a batch Marketo refuses as too large (HTTP 413) until every record goes through', async () => {
    const { sim, sync } = await connected({ mapping: [{ source: 'person.bio', xdmType: 'string', target: 'textarea_field' }] });
    sim.sim.control.patchInstance(MUNCHKIN, { limits: { maxBodyBytes: 4_000 } });
    const receipts = Array.from({ length: 20 }, (_, i) => sync.push(profileExport(`p${i}@example.com`, { 'person.bio': 'x'.repeat(300) })));
    const results = await Promise.all(receipts.map((r) => r.done));
    expect(results.every((r) => r.status === 'created')).toBe(true);
    expect(sync.counters().answers['HTTP 413']).toBeGreaterThanOrEqual(1);
    expect(sim.sim.control.listLeads(MUNCHKIN).total).toBe(20);
  });
});
