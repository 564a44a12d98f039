import { describe, expect, it, vi } from 'vitest';
import { testSim } from './support/sim.js';

const tokenQuery = (t: ReturnType<typeof testSim>) => ({
  grant_type: 'client_credentials',
  client_id: t.service.clientId,
  client_secret: t.service.clientSecret,
});

describe('faults on Identity', () => {
  it('a fault naming the identity path answers with the gateway status once, then tokens are issued again', async () => {
    const t = testSim();
    t.sim.control.faults.add({ httpStatus: 503, match: { path: '/identity/oauth/token' } });
    const failed = await t.http.get('/identity/oauth/token').query(tokenQuery(t));
    expect(failed.status).toBe(503);
    expect(failed.text).toContain('<center><h1>503 Service Unavailable</h1></center>');
    const ok = await t.http.get('/identity/oauth/token').query(tokenQuery(t));
    expect(ok.status).toBe(200);
    expect(ok.body.token_type).toBe('bearer');
    const entries = t.sim.control.log.query({ kind: 'fault' }).entries;
    expect(entries.map((e) => [e.message, e.clientId])).toEqual([['fault 1 (http) fired on GET /identity/oauth/token', t.service.clientId]]);
  });

  it('a fault without a path never fires on Identity; it waits for the next REST call', async () => {
    const t = testSim();
    t.sim.control.faults.add({ httpStatus: 502 });
    const token = await t.http.get('/identity/oauth/token').query(tokenQuery(t));
    expect(token.status).toBe(200);
    const rest = await t.http.get('/rest/v1/leads/partitions.json').set('Authorization', `Bearer ${token.body.access_token}`);
    expect(rest.status).toBe(502);
  });

  it('a dropped identity connection is a reset socket; Marketo error codes never fire on Identity', async () => {
    const t = testSim();
    t.sim.control.faults.add({ drop: true, match: { path: '/identity/*' } });
    await expect(t.http.get('/identity/oauth/token').query(tokenQuery(t))).rejects.toThrow(/socket hang up|ECONNRESET/);
    // A fault that could never fire is refused, naming what to change (it used to be accepted and sit there unfired).
    const envelope = await t.http.post('/__sim/faults').send({ error: '611', match: { path: '/identity/oauth/token' } });
    expect([envelope.status, envelope.body.field, envelope.body.message]).toEqual([
      400,
      'error',
      "error: '611' is a Marketo REST code (it fires on /rest paths only); /identity/oauth/token never answers it; this fault could never fire",
    ]);
    const revoke = await t.http.post('/__sim/faults').send({ revokeToken: true, match: { path: '/identity/oauth/token' } });
    expect([revoke.status, revoke.body.field]).toEqual([400, 'match.path']);
    t.sim.control.faults.add({ error: '611', match: { path: '/*' }, times: 1 });
    const res = await t.http.get('/identity/oauth/token').query(tokenQuery(t));
    expect(res.status).toBe(200);
    expect(t.sim.control.faults.list()).toEqual([expect.objectContaining({ effect: { kind: 'error', code: '611' }, fired: 0 })]);
  });

  it('latency on Identity waits on the instance clock and the token lives 3600 s from when it is issued', async () => {
    const t = testSim();
    t.sim.control.faults.add({ latencyMs: 5_000, match: { path: '/identity/oauth/token' } });
    const pending = t.http.get('/identity/oauth/token').query(tokenQuery(t)).then((r) => r);
    await vi.waitFor(() => expect(t.sim.control.clock.get().pendingTimers).toBe(1));
    await t.sim.control.clock.advance(4_999);
    expect(t.sim.runtime.firstInstance().tokens.size).toBe(0);
    await t.sim.control.clock.advance(1);
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.body.expires_in).toBe(3599);
    const record = t.sim.runtime.firstInstance().tokens.get(res.body.access_token)!;
    expect(record.issuedAt - t.clock.now()).toBe(0);
    // Its log entry is dated when it answered, after the entries written while it waited.
    const entries = t.sim.control.log.query({ kind: 'request' }).entries;
    expect(entries.at(-1)).toMatchObject({ path: '/identity/oauth/token', status: 200, at: new Date(t.clock.now()).toISOString() });
  });
});
