import { describe, expect, it, vi } from 'vitest';
import { testSim, type TestSim } from './support/sim.js';

const ID = '123-ABC-456';

/** A sim with Marketo's default limits on (testSim turns them off). */
async function limited(limits: Record<string, unknown> = {}): Promise<TestSim & { call: () => Promise<{ code: string }> }> {
  const t = testSim();
  // Tokens that outlive the clock jumps below.
  const res = await t.http.patch(`/__sim/instances/${ID}`).send({ limits: { enabled: true, ...limits }, tokenTtlSeconds: 7 * 86400 });
  expect(res.status).toBe(200);
  const token = await t.token();
  const call = async () => {
    const r = await t.http.get('/rest/v1/leads/partitions.json').set({ Authorization: `Bearer ${token}` });
    return { code: r.body.success ? 'ok' : (r.body.errors[0].code as string), message: r.body.errors?.[0].message };
  };
  return { ...t, call };
}

describe('limits', () => {
  it('100 calls per 20 s by default: the 101st is 606 with the wire message; the window rolls', async () => {
    const t = await limited();
    for (let i = 0; i < 100; i++) expect((await t.call()).code).toBe('ok');
    expect(await t.call()).toEqual({ code: '606', message: "Max rate limit '100' exceeded with in '20' secs" });
    await t.sim.control.clock.advance(19_999);
    expect((await t.call()).code).toBe('606');
    await t.sim.control.clock.advance(1);
    expect((await t.call()).code).toBe('ok');
    const hits = t.sim.control.log.query({ kind: 'limit' }).entries;
    expect(hits.map((e) => [e.code, e.message])).toEqual([
      ['606', "606 Max rate limit '100' exceeded with in '20' secs"],
      ['606', "606 Max rate limit '100' exceeded with in '20' secs"],
    ]);
    expect(t.sim.control.getLimits(ID).usage).toMatchObject({ windowCalls: 1, dayCalls: 101, inFlight: 0, day: '2026-11-02' });
  });

  it('the daily quota answers 607 and resets at midnight America/Chicago', async () => {
    const t = await limited({ dailyQuota: 3 });
    for (let i = 0; i < 3; i++) expect((await t.call()).code).toBe('ok');
    expect(await t.call()).toEqual({ code: '607', message: 'Daily quota reached' });
    // 2026-11-02 15:00Z; Chicago is on CST (UTC-6) then, so its midnight is 06:00Z on the 3rd.
    await t.sim.control.clock.set('2026-11-03T05:59:59.999Z');
    expect((await t.call()).code).toBe('607');
    await t.sim.control.clock.set('2026-11-03T06:00:00Z');
    expect((await t.call()).code).toBe('ok');
    expect(t.sim.control.getLimits(ID).usage).toMatchObject({ day: '2026-11-03', dayCalls: 1 });
  });

  it('an uncounted answer given after midnight Chicago is taken off the day it was counted on, not the new one', async () => {
    const t = await limited();
    await t.sim.control.clock.set('2026-11-03T05:59:59Z');
    t.sim.control.faults.add({ latencyMs: 2000, match: { method: 'GET', path: '/rest/v1/leads/delete.json' } });
    const held = t.http.get('/rest/v1/leads/delete.json').set({ Authorization: `Bearer ${await t.token()}` }).then((r) => r);
    await vi.waitFor(() => expect(t.sim.control.getLimits(ID).usage.inFlight).toBe(1));
    await t.sim.control.clock.advance(1500);
    expect((await t.call()).code).toBe('ok');
    await t.sim.control.clock.advance(500);
    expect((await held).body.errors[0].code).toBe('605');
    expect(t.sim.control.getLimits(ID).usage).toMatchObject({ day: '2026-11-03', dayCalls: 1, inFlight: 0 });
  });

  it('identity calls and uncounted codes (601, 605, ...) do not count', async () => {
    const t = await limited({ ratePer20s: 3 });
    for (let i = 0; i < 5; i++) {
      const res = await t.http
        .get('/identity/oauth/token')
        .query({ grant_type: 'client_credentials', client_id: t.service.clientId, client_secret: t.service.clientSecret });
      expect(res.status).toBe(200);
    }
    const h = { Authorization: `Bearer ${await t.token()}` };
    for (let i = 0; i < 4; i++) {
      expect((await t.http.get('/rest/v1/leads/partitions.json').set({ Authorization: 'Bearer nope:sj' })).body.errors[0].code).toBe('601');
      expect((await t.http.get('/rest/v1/leads/delete.json').set(h)).body.errors[0].code).toBe('605');
    }
    // 603 and 610 are counted like Marketo's table says (no asterisk).
    expect((await t.http.get('/rest/v1/nothing.json').set(h)).body.errors[0].code).toBe('610');
    expect((await t.call()).code).toBe('ok');
    expect((await t.call()).code).toBe('ok');
    expect((await t.call()).code).toBe('606');
  });

  it('10 calls in flight at once by default; the 11th is 615 with the wire message', async () => {
    const t = await limited();
    t.sim.control.faults.add({ latencyMs: 1000, times: 10 });
    const slow = Array.from({ length: 10 }, () => t.call());
    await vi.waitFor(() => expect(t.sim.control.getLimits(ID).usage.inFlight).toBe(10));
    expect(await t.call()).toEqual({ code: '615', message: "Concurrent access limit '10' reached" });
    await t.sim.control.clock.advance(1000);
    expect((await Promise.all(slow)).map((r) => r.code)).toEqual(Array(10).fill('ok'));
    expect((await t.call()).code).toBe('ok');
    expect(t.sim.control.log.query({ kind: 'limit' }).entries.map((e) => e.code)).toEqual(['615']);
    // The number is a setting: with 2, the third call in flight is refused.
    t.sim.control.patchInstance(ID, { limits: { concurrent: 2 } });
    t.sim.control.faults.add({ latencyMs: 1000, times: 2 });
    const two = [t.call(), t.call()];
    await vi.waitFor(() => expect(t.sim.control.getLimits(ID).usage.inFlight).toBe(2));
    expect(await t.call()).toEqual({ code: '615', message: "Concurrent access limit '2' reached" });
    await t.sim.control.clock.advance(1000);
    expect((await Promise.all(two)).map((r) => r.code)).toEqual(['ok', 'ok']);
  });

  it('limits can be changed or turned off per instance; bad settings are 400 naming the field', async () => {
    const t = await limited({ ratePer20s: 1 });
    expect((await t.call()).code).toBe('ok');
    expect((await t.call()).code).toBe('606');
    const off = await t.http.patch(`/__sim/instances/${ID}`).send({ limits: { enabled: false } });
    expect(off.body.settings.limits).toMatchObject({ enabled: false, ratePer20s: 1, concurrent: 10, dailyQuota: 50000 });
    expect((await t.call()).code).toBe('ok');
    const bad = await t.http.patch(`/__sim/instances/${ID}`).send({ limits: { ratePer20s: 0 } });
    expect([bad.status, bad.body.field]).toEqual([400, 'limits.ratePer20s']);
    const unknown = await t.http.patch(`/__sim/instances/${ID}`).send({ limits: { perHour: 5 } });
    expect([unknown.status, unknown.body.field]).toEqual([400, 'limits.perHour']);
    expect(unknown.body.message).toContain('perHour');
  });
});
