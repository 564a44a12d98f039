import { describe, expect, it, vi } from 'vitest';
import { testSim, type TestSim } from './support/sim.js';
import { SimClock } from '../simulator/index.js';

const ID = '123-ABC-456';
const T0 = Date.parse('2026-11-02T15:00:00Z');

async function bearer(t: TestSim) {
  return { Authorization: `Bearer ${await t.token()}` };
}

describe('faults', () => {
  it('a queued Marketo error fires once on the matching call, then the call works; the log records it', async () => {
    const t = testSim();
    const h = await bearer(t);
    const added = await t.http.post('/__sim/faults').send({ match: { method: 'POST', path: '/rest/v1/leads.json' }, error: '606', times: 1 });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ id: 1, match: { method: 'POST', path: '/rest/v1/leads.json' }, effect: { kind: 'error', code: '606' }, remaining: 1, probability: 1, fired: 0 });
    const read = await t.http.get('/rest/v1/leads.json').query({ filterType: 'email', filterValues: 'a@x.com' }).set(h);
    expect(read.body.success).toBe(true);
    const hit = await t.http.post('/rest/v1/leads.json').set(h).send({ input: [{ email: 'a@x.com' }] });
    expect(hit.body).toEqual({ requestId: hit.body.requestId, success: false, errors: [{ code: '606', message: "Max rate limit '100' exceeded with in '20' secs" }] });
    const next = await t.http.post('/rest/v1/leads.json').set(h).send({ input: [{ email: 'a@x.com' }] });
    expect(next.body.result).toEqual([{ id: 1, status: 'created' }]);
    expect((await t.http.get('/__sim/faults')).body).toEqual([]);
    const log = t.sim.control.log.query({ kind: 'fault' }).entries;
    expect(log.map((e) => [e.message, e.clientId])).toEqual([['fault 1 (error) fired on POST /rest/v1/leads.json', t.service.clientId]]);
  });

  it('every listed Marketo code can be injected, with its table message', async () => {
    const t = testSim();
    const h = await bearer(t);
    const codes: [string, string][] = [
      ['601', 'Access token invalid'],
      ['602', 'Access token expired'],
      ['604', 'Request time-out'],
      ['608', 'API Temporarily Unavailable'],
      ['611', 'System error'],
      ['615', "Concurrent access limit '10' reached"],
      ['607', 'Daily quota reached'],
    ];
    for (const [code, message] of codes) {
      t.sim.control.faults.add({ error: code });
      const res = await t.http.get('/rest/v1/leads/partitions.json').set(h);
      expect(res.body.errors).toEqual([{ code, message }]);
    }
    t.sim.control.faults.add({ error: '709', message: 'Business Rule Violation' });
    expect((await t.http.get('/rest/v1/leads/partitions.json').set(h)).body.errors).toEqual([{ code: '709', message: 'Business Rule Violation' }]);
  });

  it('matches by instance and client', async () => {
    const t = testSim();
    const other = t.sim.control.createService(ID, { name: 'Other' });
    const otherService = t.sim.runtime.instance(ID)!.services.find((s) => s.clientId === other.clientId)!;
    t.sim.control.faults.add({ match: { clientId: other.clientId, munchkinId: ID }, error: '611', times: null });
    const mine = await t.http.get('/rest/v1/leads/partitions.json').set(await bearer(t));
    const theirs = await t.http.get('/rest/v1/leads/partitions.json').set({ Authorization: `Bearer ${await t.token(otherService)}` });
    expect([mine.body.success, theirs.body.errors]).toEqual([true, [{ code: '611', message: 'System error' }]]);
    expect(t.sim.control.faults.list()[0]).toMatchObject({ remaining: null, fired: 1 });
  });

  it('HTTP 5xx comes as nginx pages', async () => {
    const t = testSim();
    t.sim.control.faults.add({ httpStatus: 503, times: 2 });
    const res = await t.http.get('/rest/v1/leads/partitions.json').set(await bearer(t));
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toBe('text/html');
    expect(res.text).toContain('<center><h1>503 Service Unavailable</h1></center>');
    const bad = await t.http.get('/rest/v1/leads/partitions.json').set(await bearer(t));
    expect(bad.status).toBe(503);
    expect((await t.http.get('/rest/v1/leads/partitions.json').set(await bearer(t))).status).toBe(200);
  });

  it('a dropped connection is seen by the client as a reset socket', async () => {
    const t = testSim();
    t.sim.control.faults.add({ drop: true, match: { path: '/rest/v1/leads.json' } });
    const h = await bearer(t);
    await expect(t.http.post('/rest/v1/leads.json').set(h).send({ input: [{ email: 'a@x.com' }] })).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(t.sim.control.listLeads(ID).total).toBe(0);
    expect(t.sim.control.log.query({ kind: 'request', limit: 1000 }).entries.at(-1)).toMatchObject({ status: 0, path: '/rest/v1/leads.json' });
  });

  it('token revocation: the call and later ones with that token answer 601; a new token works', async () => {
    const t = testSim();
    const token = await t.token();
    t.sim.control.faults.add({ revokeToken: true });
    const first = await t.http.get('/rest/v1/leads/partitions.json').set({ Authorization: `Bearer ${token}` });
    const second = await t.http.get('/rest/v1/leads/partitions.json').set({ Authorization: `Bearer ${token}` });
    expect([first.body.errors, second.body.errors]).toEqual([
      [{ code: '601', message: 'Access token invalid' }],
      [{ code: '601', message: 'Access token invalid' }],
    ]);
    const fresh = await t.http
      .get('/identity/oauth/token')
      .query({ grant_type: 'client_credentials', client_id: t.service.clientId, client_secret: t.service.clientSecret });
    expect(fresh.body.access_token).not.toBe(token);
    expect((await t.http.get('/rest/v1/leads/partitions.json').set({ Authorization: `Bearer ${fresh.body.access_token}` })).body.success).toBe(true);
  });

  it('latency waits on the instance clock: a frozen clock must be advanced', async () => {
    const t = testSim();
    const h = await bearer(t);
    t.sim.control.faults.add({ latencyMs: 30_000 });
    let done = false;
    const pending = t.http
      .get('/rest/v1/leads/partitions.json')
      .set(h)
      .then((r) => {
        done = true;
        return r;
      });
    await vi.waitFor(() => expect(t.sim.control.clock.get().pendingTimers).toBe(1));
    await t.sim.control.clock.advance(29_999);
    expect(done).toBe(false);
    await t.sim.control.clock.advance(1);
    const res = await pending;
    expect(res.body.success).toBe(true);
  });

  it('a write held by latency or a race window is dated when it is made, not when the call arrived', async () => {
    const t = testSim();
    const h = await bearer(t);
    t.sim.control.faults.add({ latencyMs: 30_000, match: { path: '/rest/v1/leads.json' } });
    const slow = t.http.post('/rest/v1/leads.json').set(h).send({ input: [{ email: 'slow@x.com' }] }).then((r) => r);
    await vi.waitFor(() => expect(t.sim.control.clock.get().pendingTimers).toBe(1));
    await t.sim.control.clock.advance(30_000);
    expect((await slow).body.result).toEqual([{ id: 1, status: 'created' }]);
    t.sim.control.faults.add({ upsertRace: { windowMs: 500 } });
    const raced = t.http.post('/rest/v1/leads.json').set(h).send({ input: [{ email: 'slow@x.com', title: 'CTO' }] }).then((r) => r);
    await vi.waitFor(() => expect(t.sim.control.clock.get().pendingTimers).toBe(1));
    await t.sim.control.clock.advance(500);
    expect((await raced).body.result).toEqual([{ id: 1, status: 'updated' }]);
    expect(t.sim.control.listLeads(ID).leads[0]).toMatchObject({ createdAt: '2026-11-02T15:00:30Z', updatedAt: '2026-11-02T15:00:30Z' });
    const dates = t.sim.runtime.instance(ID)!.activities.map((a) => [a.activityTypeId, new Date(a.activityDate).toISOString()]);
    expect(dates).toEqual([
      [12, '2026-11-02T15:00:30.000Z'],
      [13, '2026-11-02T15:00:30.500Z'],
    ]);
  });

  it('latency on an auto-advancing clock passes instantly in real time and moves the clock', async () => {
    const clock = new SimClock({ start: T0, frozen: true, autoAdvance: true });
    const t = testSim({ clock });
    const h = await bearer(t);
    t.sim.control.faults.add({ latencyMs: 60_000 });
    const res = await t.http.get('/rest/v1/leads/partitions.json').set(h);
    expect(res.body.success).toBe(true);
    expect(clock.now()).toBe(T0 + 60_000);
  });

  it('the upsert race window makes concurrent upserts with one key create duplicate leads', async () => {
    const t = testSim();
    const h = await bearer(t);
    const fault = t.sim.control.faults.add({ upsertRace: { windowMs: 500 } });
    expect(fault.match).toEqual({ method: 'POST', path: '/rest/v1/leads.json' });
    const a = t.http.post('/rest/v1/leads.json').set(h).send({ input: [{ email: 'race@x.com', firstName: 'A' }] });
    const b = t.http.post('/rest/v1/leads.json').set(h).send({ input: [{ email: 'Race@x.com', firstName: 'B' }] });
    const started = [a.then((r) => r), b.then((r) => r)];
    await vi.waitFor(() => expect(t.sim.control.clock.get().pendingTimers).toBe(2));
    await t.sim.control.clock.advance(500);
    const [ra, rb] = await Promise.all(started);
    expect([ra.body.result, rb.body.result]).toEqual([[{ id: 1, status: 'created' }], [{ id: 2, status: 'created' }]]);
    t.sim.control.faults.clear();
    const after = await t.http.post('/rest/v1/leads.json').set(h).send({ input: [{ email: 'race@x.com', firstName: 'C' }] });
    expect(after.body.result).toEqual([{ status: 'skipped', reasons: [{ code: '1007', message: 'Multiple lead match lookup criteria' }] }]);
    // Calls that do not overlap see each other: the second one updates.
    const u = t.sim.control.faults.add({ upsertRace: { windowMs: 500 } });
    const c1 = t.http.post('/rest/v1/leads.json').set(h).send({ input: [{ email: 'solo@x.com' }] }).then((r) => r);
    await vi.waitFor(() => expect(t.sim.control.clock.get().pendingTimers).toBe(1));
    await t.sim.control.clock.advance(500);
    expect((await c1).body.result).toEqual([{ id: 3, status: 'created' }]);
    const c2 = t.http.post('/rest/v1/leads.json').set(h).send({ input: [{ email: 'solo@x.com', title: 'T' }] }).then((r) => r);
    await vi.waitFor(() => expect(t.sim.control.clock.get().pendingTimers).toBe(1));
    await t.sim.control.clock.advance(500);
    expect((await c2).body.result).toEqual([{ id: 3, status: 'updated' }]);
    expect(t.sim.control.faults.list()[0]).toMatchObject({ id: u.id, fired: 2 });
  });

  it('Data Ingestion calls get ingestion error bodies; REST codes do not fire on them', async () => {
    const t = testSim();
    const token = await t.token();
    t.sim.control.faults.add({ error: '611', times: null });
    t.sim.control.faults.add({ error: '429001' });
    const res = await t.http.post(`/subscriptions/${ID}/persons`).set('X-Mkto-User-Token', token).send({ persons: [{ email: 'a@x.com' }] });
    expect([res.status, res.body]).toEqual([429, { error_code: '429001', message: 'Service usage limit reached' }]);
    const ok = await t.http.post(`/subscriptions/${ID}/persons`).set('X-Mkto-User-Token', token).send({ persons: [{ email: 'a@x.com' }] });
    expect(ok.status).toBe(202);
    // Munchkin IDs are case-insensitive in the ingestion path too, in the fault and in the call.
    const fault = t.sim.control.faults.add({ error: '4030801', match: { path: '/subscriptions/123-abc-456/persons' } });
    expect(fault.match.path).toBe(`/subscriptions/${ID}/persons`);
    const lower = await t.http.post('/subscriptions/123-abc-456/persons').set('X-Mkto-User-Token', token).send({ persons: [{ email: 'a@x.com' }] });
    expect([lower.status, lower.body.error_code]).toEqual([403, '4030801']);
  });

  it('probabilistic faults repeat exactly for the same seed', async () => {
    async function run(seed: number): Promise<string[]> {
      const t = testSim({ seed });
      const h = await bearer(t);
      t.sim.control.faults.add({ error: '608', probability: 0.3 });
      const codes: string[] = [];
      for (let i = 0; i < 30; i++) {
        const res = await t.http.get('/rest/v1/leads/partitions.json').set(h);
        codes.push(res.body.success ? 'ok' : res.body.errors[0].code);
      }
      return codes;
    }
    const first = await run(7);
    expect(await run(7)).toEqual(first);
    expect(first.filter((c) => c === '608').length).toBeGreaterThan(0);
    expect(first.filter((c) => c === 'ok').length).toBeGreaterThan(0);
    expect(await run(8)).not.toEqual(first);
  });

  it('bad fault requests are 400 naming the field; unknown instances 404; DELETE clears', async () => {
    const t = testSim();
    const two = await t.http.post('/__sim/faults').send({ error: '606', drop: true });
    expect([two.status, two.body.message]).toEqual([400, 'invalid fault: (root): give exactly one of error, httpStatus, latencyMs, drop, revokeToken, upsertRace']);
    const unknown = await t.http.post('/__sim/faults').send({ error: '799' });
    expect([unknown.status, unknown.body.field]).toEqual([400, 'error']);
    const status = await t.http.post('/__sim/faults').send({ httpStatus: 404 });
    expect([status.status, status.body.field]).toEqual([400, 'httpStatus']);
    const prob = await t.http.post('/__sim/faults').send({ error: '606', probability: 2 });
    expect([prob.status, prob.body.field]).toEqual([400, 'probability']);
    const inst = await t.http.post('/__sim/faults').send({ error: '606', match: { munchkinId: '999-XYZ-999' } });
    expect(inst.status).toBe(404);
    // Faults that could never fire are refused.
    const never: [object, string, string][] = [
      [{ error: '429001', match: { path: '/rest/v1/leads.json' } }, 'error', "error: '429001' is a Data Ingestion error_code (it fires on /subscriptions/{munchkinId}/persons only); /rest/v1/leads.json never answers it; this fault could never fire"],
      [{ error: '606', match: { path: `/subscriptions/${ID}/persons` } }, 'error', `error: '606' is a Marketo REST code (it fires on /rest paths only); /subscriptions/${ID}/persons never answers it; this fault could never fire`],
      [{ upsertRace: true, match: { path: '/rest/v1/lead/1.json' } }, 'match.path', 'match.path: the upsert race window only applies to POST /rest/v1/leads.json (Sync Leads); this fault could never fire'],
      [{ upsertRace: true, match: { method: 'GET' } }, 'match.method', 'match.method: the upsert race window only applies to POST /rest/v1/leads.json (Sync Leads); this fault could never fire'],
    ];
    for (const [body, field, message] of never) {
      const res = await t.http.post('/__sim/faults').send(body);
      expect([res.status, res.body.field, res.body.message]).toEqual([400, field, message]);
    }
    // A race window on a wildcard path is not spent by calls other than Sync Leads.
    const race = t.sim.control.faults.add({ upsertRace: true, match: { path: '/rest/*' }, times: 1 });
    const deleted = await t.http.post('/rest/v1/leads/delete.json').set(await bearer(t)).send({ input: [{ id: 1 }] });
    expect(deleted.body.success).toBe(true);
    expect(t.sim.control.faults.list()).toEqual([expect.objectContaining({ id: race.id, fired: 0, remaining: 1 })]);
    t.sim.control.faults.clear();
    t.sim.control.faults.add({ drop: true });
    t.sim.control.faults.add({ latencyMs: 5 });
    expect((await t.http.delete('/__sim/faults')).body).toEqual({ removed: 2 });
    expect((await t.http.delete('/__sim/faults/9')).status).toBe(404);
  });
});
