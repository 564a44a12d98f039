import { describe, expect, it } from 'vitest';
import { testSim, T0 } from './support/sim.js';

describe('the instance clock and /__sim/clock', () => {
  it('a token expires after advancing 3600 s (602), and is valid one second before', async () => {
    const t = testSim();
    const token = await t.token();
    const call = () => t.http.get('/rest/v1/leads/partitions.json').set({ Authorization: `Bearer ${token}` });
    const advanced = await t.http.post('/__sim/clock').send({ advanceMs: 3_599_000 });
    expect(advanced.body).toEqual({ now: '2026-11-02T15:59:59.000Z', frozen: true, autoAdvance: false, pendingTimers: 0 });
    expect((await call()).body.success).toBe(true);
    await t.http.post('/__sim/clock').send({ advanceMs: 1000 });
    expect((await call()).body.errors).toEqual([{ code: '602', message: 'Access token expired' }]);
    const renewed = await t.http
      .get('/identity/oauth/token')
      .query({ grant_type: 'client_credentials', client_id: t.service.clientId, client_secret: t.service.clientSecret });
    expect(renewed.body.access_token).not.toBe(token);
    expect(renewed.body.expires_in).toBe(3599);
  });

  it('createdAt, updatedAt and activity dates come from the instance clock', async () => {
    const t = testSim();
    const h = { Authorization: `Bearer ${await t.token()}` };
    await t.http.post('/rest/v1/leads.json').set(h).send({ input: [{ email: 'a@x.com' }] });
    await t.http.post('/__sim/clock').send({ set: '2027-01-15T08:30:00Z' });
    const fresh = await t.http
      .get('/identity/oauth/token')
      .query({ grant_type: 'client_credentials', client_id: t.service.clientId, client_secret: t.service.clientSecret });
    h.Authorization = `Bearer ${fresh.body.access_token}`;
    await t.http.post('/rest/v1/leads.json').set(h).send({ input: [{ email: 'a@x.com', title: 'CTO' }] });
    const read = await t.http.get('/rest/v1/lead/1.json').query({ fields: 'createdAt,updatedAt' }).set(h);
    expect(read.body.result).toEqual([{ id: 1, createdAt: '2026-11-02T15:00:00Z', updatedAt: '2027-01-15T08:30:00Z' }]);
    const dates = t.sim.runtime.instance('123-ABC-456')!.activities.map((a) => new Date(a.activityDate).toISOString());
    expect(dates).toEqual(['2026-11-02T15:00:00.000Z', '2027-01-15T08:30:00.000Z']);
  });

  it('freeze, unfreeze and auto-advance', async () => {
    const t = testSim();
    expect((await t.http.get('/__sim/clock')).body).toEqual({ now: new Date(T0).toISOString(), frozen: true, autoAdvance: false, pendingTimers: 0 });
    expect((await t.http.post('/__sim/clock').send({ unfreeze: true })).body.frozen).toBe(false);
    expect((await t.http.post('/__sim/clock').send({ freeze: true, set: '2026-12-01T00:00:00Z' })).body).toMatchObject({ now: '2026-12-01T00:00:00.000Z', frozen: true });
    expect((await t.http.post('/__sim/clock').send({ autoAdvance: true })).body.autoAdvance).toBe(true);
    expect(t.sim.control.clock.setAutoAdvance(false).autoAdvance).toBe(false);
    expect((await t.sim.control.clock.advance(1500)).now).toBe('2026-12-01T00:00:01.500Z');
    expect(t.sim.control.log.query({ kind: 'control' }).entries.at(-1)?.message).toBe('clock 2026-12-01T00:00:00.000Z -> 2026-12-01T00:00:01.500Z (frozen)');
  });

  it('bad clock bodies are 400 naming the field', async () => {
    const t = testSim();
    const cases: [unknown, string][] = [
      [{ advanceMs: -5 }, 'advanceMs'],
      [{ advanceMs: 'soon' }, 'advanceMs'],
      [{ set: 'yesterday' }, 'set'],
      [{ speed: 2 }, 'speed'],
      [{ frozen: true, unfreeze: true }, 'freeze and unfreeze together'],
    ];
    for (const [body, field] of cases) {
      const res = await t.http.post('/__sim/clock').send(body as object);
      expect(res.status).toBe(400);
      expect(res.body.message).toContain(field);
    }
    const empty = await t.http.post('/__sim/clock').send({});
    expect([empty.status, empty.body.message]).toEqual([400, 'invalid clock change: (root): give advanceMs, set, freeze, unfreeze, frozen or autoAdvance']);
  });

  it('refuses instants outside 1970..9999, so the clock never breaks (it answered 500 on every call after)', async () => {
    const t = testSim();
    const cases: [unknown, string, string][] = [
      [{ set: 9_000_000_000_000_000 }, 'set', 'invalid clock change: set: must be between 1970-01-01 and 9999-12-31'],
      [{ set: -1 }, 'set', 'invalid clock change: set: must be between 1970-01-01 and 9999-12-31'],
      [{ set: '+275760-09-13T00:00:00.000Z' }, 'set', 'invalid clock change: set: must be between 1970-01-01 and 9999-12-31'],
      [{ advanceMs: 9_000_000_000_000_000 }, 'advanceMs', "advanceMs: 9000000000000000 ms from 2026-11-02T15:00:00.000Z passes the clock's range (to 9999-12-31)"],
      [{ set: '9999-12-31T23:59:59Z', advanceMs: 1000 }, 'advanceMs', "advanceMs: 1000 ms from 9999-12-31T23:59:59.000Z passes the clock's range (to 9999-12-31)"],
    ];
    for (const [body, field, message] of cases) {
      const res = await t.http.post('/__sim/clock').send(body as object);
      expect([res.status, res.body]).toEqual([400, { error: 'bad_request', field, message }]);
    }
    expect((await t.http.get('/__sim/clock')).body.now).toBe(new Date(T0).toISOString());
    expect((await t.http.post('/__sim/clock').send({ set: '9999-12-31T23:59:59.999Z' })).body.now).toBe('9999-12-31T23:59:59.999Z');
    expect(() => t.clock.advance(1)).toThrow(RangeError);
    expect(() => t.clock.set(Number.MAX_SAFE_INTEGER)).toThrow(RangeError);
    expect((await t.http.get('/rest/v1/leads/partitions.json').set({ Authorization: `Bearer ${await t.token()}` })).body.success).toBe(true);
  });
});
