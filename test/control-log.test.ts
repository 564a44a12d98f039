import { describe, expect, it } from 'vitest';
import { testSim } from './support/sim.js';
import { InspectionLog, type LogEntry } from '../simulator/domain/inspection-log.js';

const ID = '123-ABC-456';

const entry = (i: number): Omit<LogEntry, 'seq'> => ({ at: '2026-11-02T15:00:00.000Z', munchkinId: i % 2 ? ID : '*', kind: 'control', message: `m${i}` });

describe('inspection log: paths', () => {
  it('every entry names the path inside its instance, however the instance was reached; the Munchkin ID is its own field', async () => {
    const t = testSim({ limits: { enabled: true, ratePer20s: 3 } });
    const token = await t.token();
    const h = { Authorization: `Bearer ${token}` };
    await t.http.get(`/${ID}/identity/oauth/token`).query({ grant_type: 'client_credentials', client_id: t.service.clientId, client_secret: t.service.clientSecret });
    await t.http.get(`/${ID}/rest/v1/leads/partitions.json`).set(h);
    await t.http.get('/rest/v1/leads/partitions.json').set(h);
    await t.http.get('/rest/v1//leads/./partitions.json').set('Host', '123-abc-456.mktorest.com').query({ access_token: token });
    await t.http.get(`/${ID}/rest/v1/leads/partitions.json`).set(h);
    await t.http.get('/999-ZZZ-999/rest/v1/leads.json');
    await t.http.post('/subscriptions/123-abc-456/persons').set('X-Mkto-User-Token', token).send({ persons: [{ email: 'a@x.com' }] });
    const entries = t.sim.control.log.query({ limit: 1000 }).entries.filter((e) => e.kind !== 'control');
    expect(entries.map((e) => [e.kind, e.munchkinId, e.path, e.message])).toEqual([
      ['request', ID, '/identity/oauth/token', 'GET /identity/oauth/token -> 200'],
      ['request', ID, '/identity/oauth/token', 'GET /identity/oauth/token -> 200'],
      ['request', ID, '/rest/v1/leads/partitions.json', 'GET /rest/v1/leads/partitions.json -> 200'],
      ['request', ID, '/rest/v1/leads/partitions.json', 'GET /rest/v1/leads/partitions.json -> 200'],
      ['deprecated', ID, '/rest/v1/leads/partitions.json', 'access_token sent as a parameter (deprecated; use the Authorization: Bearer header)'],
      ['request', ID, '/rest/v1/leads/partitions.json', 'GET /rest/v1/leads/partitions.json -> 200'],
      ['limit', ID, '/rest/v1/leads/partitions.json', "606 Max rate limit '3' exceeded with in '20' secs"],
      ['request', ID, '/rest/v1/leads/partitions.json', 'GET /rest/v1/leads/partitions.json -> 200 606'],
      ['request', '999-ZZZ-999', '/rest/v1/leads.json', "GET /rest/v1/leads.json -> 614 unknown Munchkin ID '999-ZZZ-999'"],
      ['limit', ID, `/subscriptions/${ID}/persons`, "606 Max rate limit '3' exceeded with in '20' secs"],
      ['request', ID, `/subscriptions/${ID}/persons`, `POST /subscriptions/${ID}/persons -> 429 429001`],
    ]);
  });
});

describe('inspection log: reading', () => {
  it('order=desc reads newest first and pages back with before; after and before bound a window', async () => {
    const t = testSim();
    for (let i = 1; i <= 7; i++) t.sim.runtime.log.append(entry(i));
    const seqs = (body: { entries: { seq: number }[] }) => body.entries.map((e) => e.seq);
    const newest = await t.http.get('/__sim/log').query({ order: 'desc', limit: 3 });
    expect([seqs(newest.body), newest.body.next]).toEqual([[7, 6, 5], 5]);
    const older = await t.http.get('/__sim/log').query({ order: 'desc', limit: 3, before: newest.body.next });
    expect([seqs(older.body), older.body.next]).toEqual([[4, 3, 2], 2]);
    const last = await t.http.get('/__sim/log').query({ order: 'desc', limit: 3, before: older.body.next });
    expect([seqs(last.body), last.body.next]).toEqual([[1], null]);
    const window = await t.http.get('/__sim/log').query({ after: 2, before: 6 });
    expect([seqs(window.body), window.body.next]).toEqual([[3, 4, 5], null]);
    const filtered = await t.http.get('/__sim/log').query({ munchkinId: ID, order: 'desc', limit: 2 });
    expect([seqs(filtered.body), filtered.body.next]).toEqual([[7, 5], 5]);
    const bad = await t.http.get('/__sim/log').query({ order: 'newest' });
    expect([bad.status, bad.body.field]).toEqual([400, 'order']);
  });

  it('keeps the last `capacity` entries (trimmed in chunks of a tenth) and counts the dropped ones', () => {
    const log = new InspectionLog(10);
    for (let i = 1; i <= 11; i++) log.append(entry(i));
    expect(log.query({ limit: 100 }).entries).toHaveLength(11);
    log.append(entry(12));
    const page = log.query({ limit: 100 });
    expect([page.entries.map((e) => e.seq), page.dropped]).toEqual([[3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 2]);
    expect(log.query({ after: 2, limit: 2 }).entries.map((e) => e.seq)).toEqual([3, 4]);
    expect(log.query({ after: 11 }).entries.map((e) => e.seq)).toEqual([12]);
    expect(log.query({ before: 4 }).entries.map((e) => e.seq)).toEqual([3]);
  });
});

describe('inspection log: copies', () => {
  it('entries read through the control plane are copies: changing one does not change the log', () => {
    const t = testSim();
    t.sim.runtime.log.append({ ...entry(1), data: { n: 1 } });
    const [first] = t.sim.control.log.query().entries;
    first.message = 'changed';
    (first.data as { n: number }).n = 2;
    expect(t.sim.control.log.query().entries[0]).toMatchObject({ message: 'm1', data: { n: 1 } });
  });
});
