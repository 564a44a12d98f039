// Wire tests of the dashboard's JSON endpoints under /__sim/ui/api and of the page and assets it serves.
import { afterEach, describe, expect, it } from 'vitest';
import { get, type IncomingMessage } from 'node:http';
import { testSim, type TestSim } from './support/sim.js';
import { connectorRuns } from '../simulator/ui/index.js';
import { setFieldBlocks } from '../simulator/domain/admin.js';
import { createSimulator, SimClock } from '../simulator/index.js';
import request from 'supertest';
import { createApp } from '../simulator/app.js';
import { Runtime } from '../simulator/runtime.js';
import { createControl } from '../simulator/control/api.js';
import { createControlRouter } from '../simulator/control/index.js';

const T0 = Date.parse('2026-11-02T15:00:00Z');
const M = '123-ABC-456';

function twoPartitionSim(): TestSim {
  return testSim({
    config: {
      seed: 5,
      instances: [
        {
          munchkinId: M,
          leads: 30,
          partitions: [{ name: 'North America', description: '' }, { name: 'EMEA', description: '' }],
          workspaces: [{ name: 'World', description: '', partitions: ['Default', 'North America', 'EMEA'] }],
          services: [{ name: 'Default API service' }, { name: 'AEP', inputSource: 'Adobe Experience Platform' }],
          blocks: { title: ['Adobe Experience Platform'] },
        },
      ],
    },
  });
}

async function sync(t: TestSim, body: object, service = t.sim.runtime.firstInstance().services[0]) {
  const token = await t.token(service);
  return t.http.post('/rest/v1/leads.json').set('Authorization', `Bearer ${token}`).send(body);
}

describe('the page and its assets', () => {
  it('serves the dashboard at /__sim/ui/ and its modules from the emulator, nothing from elsewhere', async () => {
    const t = testSim();
    const redirect = await t.http.get('/__sim/ui?admin_token=x');
    expect(redirect.status).toBe(302);
    expect(redirect.headers.location).toBe('/__sim/ui/?admin_token=x');
    const page = await t.http.get('/__sim/ui/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<script type="module" src="js/app.js"></script>');
    expect(page.text).not.toMatch(/https?:\/\//);
    const js = await t.http.get('/__sim/ui/js/views/leads.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    const css = await t.http.get('/__sim/ui/styles.css');
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect(css.text).not.toMatch(/@import|url\(\s*['"]?https?:/);
    const missing = await t.http.get('/__sim/ui/js/nope.js');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: 'not_found', message: 'no dashboard asset /js/nope.js; the dashboard is at /__sim/ui/' });
  });
});

describe('behind the admin token (a non-loopback address)', () => {
  it('serves the page and its modules without the token, and the data only with it', async () => {
    const runtime = new Runtime({ seed: 1, leads: 2, clock: new SimClock({ start: T0, frozen: true }) });
    const app = createApp(runtime, { control: createControlRouter(runtime, createControl(runtime), { required: true, token: 's3cret' }) });
    const http = request(app);
    expect((await http.get('/__sim/ui/')).status).toBe(200);
    expect((await http.get('/__sim/ui/js/api.js')).status).toBe(200);
    const refused = await http.get('/__sim/ui/api/usage');
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('unauthorized');
    expect((await http.get('/__sim/ui/api/usage').set('x-sim-admin-token', 's3cret')).status).toBe(200);
    const byQuery = await http.get(`/__sim/ui/api/instances/${M}/leads`).query({ admin_token: 's3cret', limit: 1 });
    expect(byQuery.status).toBe(200);
    expect(byQuery.body.total).toBe(2);
    expect((await http.get('/__sim/instances').query({ admin_token: 'wrong' })).status).toBe(401);
  });
});

describe('GET /__sim/ui/api/instances/:munchkinId/leads', () => {
  it('pages by id by default and sorts by any table column, per partition', async () => {
    const t = twoPartitionSim();
    const first = await t.http.get(`/__sim/ui/api/instances/${M}/leads`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ total: 30, offset: 0, limit: 50, sort: { field: 'id', dir: 'asc' }, search: null });
    expect(first.body.rows.map((r: { id: number }) => r.id)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(first.body.rows[0]).toEqual({
      id: 1,
      partitionId: 1,
      partition: 'Default',
      email: expect.stringMatching(/\.1@/),
      firstName: expect.any(String),
      lastName: expect.any(String),
      company: expect.any(String),
      createdAt: '2026-11-02T15:00:00Z',
      updatedAt: '2026-11-02T15:00:00Z',
    });

    const byName = await t.http.get(`/__sim/ui/api/instances/${M}/leads`).query({ sort: 'lastName', dir: 'desc', limit: 5, offset: 2 });
    const names = first.body.rows.map((r: { lastName: string; id: number }) => ({ k: r.lastName.toLowerCase(), id: r.id }));
    names.sort((a: { k: string; id: number }, b: { k: string; id: number }) => (a.k < b.k ? 1 : a.k > b.k ? -1 : b.id - a.id));
    expect(byName.body.rows.map((r: { id: number }) => r.id)).toEqual(names.slice(2, 7).map((n: { id: number }) => n.id));

    await sync(t, { partitionName: 'EMEA', input: [{ email: 'zed@emea.example' }, { email: 'amy@emea.example' }] });
    const emea = await t.http.get(`/__sim/ui/api/instances/${M}/leads`).query({ partition: 3, sort: 'email' });
    expect(emea.body.total).toBe(2);
    expect(emea.body.rows.map((r: { email: string; partition: string }) => [r.email, r.partition])).toEqual([
      ['amy@emea.example', 'EMEA'],
      ['zed@emea.example', 'EMEA'],
    ]);
  });

  it('searches a column by prefix and reports the search', async () => {
    const t = twoPartitionSim();
    await sync(t, { input: [{ email: 'Searchme.one@x.com', lastName: 'Beta' }, { email: 'searchme.two@x.com', lastName: 'Alpha' }] });
    const res = await t.http.get(`/__sim/ui/api/instances/${M}/leads`).query({ q: 'SEARCHME', field: 'email', sort: 'lastName' });
    expect(res.body.total).toBe(2);
    expect(res.body.search).toEqual({ field: 'email', q: 'SEARCHME' });
    expect(res.body.rows.map((r: { lastName: string }) => r.lastName)).toEqual(['Alpha', 'Beta']);
    const byId = await t.http.get(`/__sim/ui/api/instances/${M}/leads`).query({ q: '31', field: 'id' });
    expect(byId.body.rows.map((r: { email: string }) => r.email)).toEqual(['Searchme.one@x.com']);
  });

  it('refuses bad parameters with a message naming the parameter, and unknown instances and partitions with 404', async () => {
    const t = twoPartitionSim();
    const cases: [Record<string, string>, string, string][] = [
      [{ limit: '501' }, 'limit', 'invalid query: limit: Too big: expected number to be <=500'],
      [{ sort: 'title' }, 'sort', 'invalid query: sort: Invalid option: expected one of "id"|"email"|"firstName"|"lastName"|"company"|"createdAt"|"updatedAt"'],
      [{ dir: 'up' }, 'dir', 'invalid query: dir: Invalid option: expected one of "asc"|"desc"'],
      [{ offset: '-1' }, 'offset', 'invalid query: offset: Too small: expected number to be >=0'],
      [{ colour: 'red' }, 'colour', 'invalid query: (root): Unrecognized key: "colour"'],
    ];
    for (const [query, field, message] of cases) {
      const res = await t.http.get(`/__sim/ui/api/instances/${M}/leads`).query(query);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'bad_request', message, field });
    }
    const unknown = await t.http.get('/__sim/ui/api/instances/999-XXX-999/leads');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: 'not_found', message: `no instance '999-XXX-999'; the instances are ${M}`, field: 'munchkinId' });
    const partition = await t.http.get(`/__sim/ui/api/instances/${M}/leads`).query({ partition: 9 });
    expect(partition.status).toBe(404);
    expect(partition.body.message).toBe(`no partition with id 9 in ${M}`);
    const route = await t.http.get('/__sim/ui/api/nothing');
    expect(route.status).toBe(404);
    expect(route.body.message).toBe('no dashboard endpoint GET /__sim/ui/api/nothing');
  });
});

describe('GET /__sim/ui/api/instances/:munchkinId/leads/:leadId', () => {
  it('shows fields, blocked sources, the activity history with sources and partition moves, and the writes blocks dropped', async () => {
    const t = twoPartitionSim();
    const aep = t.sim.runtime.firstInstance().services[1];
    const created = await sync(t, { partitionName: 'North America', input: [{ email: 'ann@x.com', title: 'CEO' }] }, aep);
    const id = created.body.result[0].id;
    await sync(t, { partitionName: 'North America', input: [{ email: 'ann@x.com', title: 'CTO', firstName: 'Ann' }] }, aep);
    const token = await t.token();
    await t.http.post('/rest/v1/leads/partitions.json').set('Authorization', `Bearer ${token}`).send({ input: [{ id, partitionName: 'EMEA' }] });

    const res = await t.http.get(`/__sim/ui/api/instances/${M}/leads/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, partition: 'EMEA', activityCount: 3 });
    expect(res.body.fields.find((f: { name: string }) => f.name === 'title')).toEqual({
      name: 'title',
      displayName: 'Job Title',
      dataType: 'string',
      value: 'CEO',
      blockedSources: ['Adobe Experience Platform'],
    });
    expect(res.body.activities.map((a: { type: string }) => a.type)).toEqual(['Change Lead Partition', 'Change Data Value', 'New Lead']);
    expect(res.body.activities[0]).toMatchObject({ typeId: 100, fromPartition: 'North America', toPartition: 'EMEA', source: 'Web service API' });
    expect(res.body.activities[1]).toMatchObject({ typeId: 13, field: 'firstName', oldValue: null, newValue: 'Ann', source: 'Adobe Experience Platform' });
    expect(res.body.activities[2]).toMatchObject({ typeId: 12, source: 'Adobe Experience Platform' });

    // The second write's title was dropped (blocked for AEP): Marketo logs no activity, the detail lists it.
    expect(res.body.blockedWrites).toEqual([
      { at: '2026-11-02T15:00:00.000Z', field: 'title', inputSource: 'Adobe Experience Platform', keptValue: 'CEO', droppedValue: 'CTO', requestId: expect.stringMatching(/^[0-9a-f]+#/) },
    ]);
    expect((await t.http.get(`/__sim/ui/api/instances/${M}/leads/1`)).body.blockedWrites).toEqual([]);

    const limited = await t.http.get(`/__sim/ui/api/instances/${M}/leads/${id}`).query({ activities: 1 });
    expect(limited.body.activities).toHaveLength(1);
    expect(limited.body.activityCount).toBe(3);
    expect((await t.http.get(`/__sim/ui/api/instances/${M}/leads/9999`)).body).toEqual({ error: 'not_found', message: `no lead 9999 in ${M}`, field: 'leadId' });
    const bad = await t.http.get(`/__sim/ui/api/instances/${M}/leads/x1`);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe("leadId must be a positive whole number, got 'x1'");
  });
});

describe('GET /__sim/ui/api/instances/:munchkinId/fields', () => {
  it('lists types, searchable flags and blocks per input source, and follows block changes made through the control plane', async () => {
    const t = twoPartitionSim();
    const res = await t.http.get(`/__sim/ui/api/instances/${M}/fields`);
    expect(res.body.inputSources).toEqual(['Web service API', 'Adobe Experience Platform']);
    const byName = (body: { fields: { name: string }[] }, name: string) => body.fields.find((f) => f.name === name);
    expect(byName(res.body, 'email')).toEqual({ name: 'email', displayName: 'Email Address', dataType: 'email', length: 255, searchable: true, updateable: true, isCustom: false, blockedSources: [] });
    expect(byName(res.body, 'title')).toMatchObject({ blockedSources: ['Adobe Experience Platform'] });
    expect(byName(res.body, 'createdAt')).toMatchObject({ updateable: false });
    const put = await t.http.put(`/__sim/instances/${M}/fields/company/blocks`).send({ sources: ['Web service API', 'List Import'] });
    expect(put.status).toBe(200);
    const after = await t.http.get(`/__sim/ui/api/instances/${M}/fields`);
    expect(after.body.inputSources).toEqual(['Web service API', 'Adobe Experience Platform', 'List Import']);
    expect(byName(after.body, 'company')).toMatchObject({ blockedSources: ['Web service API', 'List Import'] });
  });
});

describe('usage, fault catalog and connector runs', () => {
  it('samples each instance’s rate window, concurrency and daily quota against its limits', async () => {
    const t = twoPartitionSim();
    t.sim.runtime.firstInstance().settings.limits.enabled = true;
    const token = await t.token();
    for (let i = 0; i < 3; i++) await t.http.get('/rest/v1/leads.json').query({ filterType: 'id', filterValues: '1' }).set('Authorization', `Bearer ${token}`);
    const res = await t.http.get('/__sim/ui/api/usage');
    expect(res.body.clock).toMatchObject({ now: '2026-11-02T15:00:00.000Z', frozen: true });
    expect(res.body.usage).toEqual([
      {
        munchkinId: M,
        limits: { enabled: true, ratePer20s: 100, rateWindowSeconds: 20, concurrent: 10, dailyQuota: 50_000 },
        samples: [{ at: '2026-11-02T15:00:00.000Z', windowCalls: 3, inFlight: 0, dayCalls: 3 }],
      },
    ]);
    t.clock.advance(21_000);
    const later = await t.http.get('/__sim/ui/api/usage');
    expect(later.body.usage[0].samples.map((s: { windowCalls: number }) => s.windowCalls)).toEqual([3, 0]);
  });

  it('keeps the usage history while nobody watches: a rate-limit episode before the dashboard opens is in its first look', async () => {
    const t = twoPartitionSim();
    Object.assign(t.sim.runtime.firstInstance().settings.limits, { enabled: true, ratePer20s: 5 });
    const token = await t.token();
    const call = () => t.http.get('/rest/v1/leads.json').query({ filterType: 'id', filterValues: '1' }).set('Authorization', `Bearer ${token}`);
    for (let i = 0; i < 6; i++) await call();
    t.clock.advance(5_000);
    expect((await call()).body.errors).toEqual([{ code: '606', message: "Max rate limit '5' exceeded with in '20' secs" }]);
    t.clock.advance(16_000);
    await call();
    await call();
    const res = await t.http.get('/__sim/ui/api/usage');
    expect(res.body.usage[0].samples).toEqual([
      { at: '2026-11-02T15:00:00.000Z', windowCalls: 5, inFlight: 0, dayCalls: 5 },
      { at: '2026-11-02T15:00:05.000Z', windowCalls: 5, inFlight: 0, dayCalls: 5 },
      { at: '2026-11-02T15:00:21.000Z', windowCalls: 2, inFlight: 0, dayCalls: 7 },
    ]);
  });

  it('merges the samples of one second of instance time, so a frozen clock does not fill the history with copies', async () => {
    const t = twoPartitionSim();
    t.sim.runtime.firstInstance().settings.limits.enabled = true;
    const token = await t.token();
    for (let i = 0; i < 4; i++) {
      await t.http.get('/rest/v1/leads.json').query({ filterType: 'id', filterValues: '1' }).set('Authorization', `Bearer ${token}`);
      await t.http.get('/__sim/ui/api/usage');
    }
    const res = await t.http.get('/__sim/ui/api/usage');
    expect(res.body.usage[0].samples).toEqual([{ at: '2026-11-02T15:00:00.000Z', windowCalls: 4, inFlight: 0, dayCalls: 4 }]);
  });

  it('lists the codes a fault can inject with the messages they send', async () => {
    const t = testSim();
    const res = await t.http.get('/__sim/ui/api/fault-catalog');
    expect(res.body.rest).toContainEqual({ code: '606', message: "Max rate limit '100' exceeded with in '20' secs" });
    expect(res.body.rest).toContainEqual({ code: '615', message: "Concurrent access limit '10' reached" });
    expect(res.body.ingestion).toContainEqual({ code: '429001', status: 429, message: 'Service usage limit reached' });
  });

  it('shows runs with counts, throughput per 5 s and per-profile outcomes newest first', async () => {
    const t = testSim();
    const runs = connectorRuns(t.sim.runtime);
    const run = runs.start('Demo', { munchkinId: M, partition: 'North America', dedupFields: ['email'] }, T0);
    run.record({ at: T0 + 1000, profile: 'p1', email: 'a@x.com', status: 'created', reason: null, leadId: 1 });
    run.record({ at: T0 + 2000, profile: 'p2', email: 'b@x.com', status: 'skipped', reason: 'ambiguous: 2 leads match', leadId: null });
    run.record({ at: T0 + 6000, profile: 'p3', email: null, status: 'rejected', reason: 'no Email identity', leadId: null });
    const list = await t.http.get('/__sim/ui/api/runs');
    expect(list.body).toEqual([
      {
        id: 1,
        name: 'Demo',
        destination: { munchkinId: M, partition: 'North America', dedupFields: ['email'] },
        state: 'running',
        startedAt: '2026-11-02T15:00:00.000Z',
        endedAt: null,
        error: null,
        counts: { created: 1, updated: 0, skipped: 1, rejected: 1, failed: 0 },
        total: 3,
        bucketSeconds: 5,
        throughput: [
          { at: '2026-11-02T15:00:00.000Z', created: 1, updated: 0, skipped: 1, rejected: 0, failed: 0 },
          { at: '2026-11-02T15:00:05.000Z', created: 0, updated: 0, skipped: 0, rejected: 1, failed: 0 },
        ],
      },
    ]);
    const page = await t.http.get('/__sim/ui/api/runs/1').query({ limit: 2 });
    expect(page.body.page.total).toBe(3);
    expect(page.body.page.outcomes.map((o: { profile: string }) => o.profile)).toEqual(['p3', 'p2']);
    const skipped = await t.http.get('/__sim/ui/api/runs/1').query({ status: 'skipped' });
    expect(skipped.body.page.outcomes).toEqual([{ at: T0 + 2000, profile: 'p2', email: 'b@x.com', status: 'skipped', reason: 'ambiguous: 2 leads match', leadId: null }]);
    run.finish(T0 + 9000);
    expect((await t.http.get('/__sim/ui/api/runs/1')).body).toMatchObject({ state: 'finished', endedAt: '2026-11-02T15:00:09.000Z' });
    expect((await t.http.get('/__sim/ui/api/runs/7')).status).toBe(404);
    const bad = await t.http.get('/__sim/ui/api/runs/1').query({ status: 'lost' });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('status');
  });
});

describe('built-in scenarios', () => {
  it('lists the repository scenarios and plays one in its own emulator, leaving this one untouched', async () => {
    const t = testSim();
    const list = await t.http.get('/__sim/ui/api/scenarios');
    expect(list.status).toBe(200);
    expect(list.body.scenarios.length).toBeGreaterThan(0);
    for (const s of list.body.scenarios) expect(s.id).toMatch(/^scenarios\/.+\.ya?ml#\d+$/);
    const dedup = list.body.scenarios.find((s: { file: string }) => s.file === 'scenarios/library/dedup-email.yaml');
    expect(dedup).toMatchObject({ id: 'scenarios/library/dedup-email.yaml#0', name: 'Dedup on email alone', tags: ['dedup', 'smoke'] });
    const leadsBefore = t.sim.runtime.firstInstance().leads.size;
    const run = await t.http.post('/__sim/ui/api/scenarios/run').send({ id: dedup.id });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ id: dedup.id, name: 'Dedup on email alone', status: 'passed', passed: true, failures: [] });
    expect(run.body.steps.map((s: { label: string }) => s.label)).toContain('then');
    expect(run.body.steps.every((s: { status: string }) => s.status === 'passed')).toBe(true);
    expect(t.sim.runtime.firstInstance().leads.size).toBe(leadsBefore);
  });

  it('refuses an unknown scenario with 404 and a body without an id with 400', async () => {
    const t = testSim();
    const unknown = await t.http.post('/__sim/ui/api/scenarios/run').send({ id: 'scenarios/nope.yaml#0' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: 'not_found', message: "no built-in scenario 'scenarios/nope.yaml#0'; GET /__sim/ui/api/scenarios lists them", field: 'id' });
    const missing = await t.http.post('/__sim/ui/api/scenarios/run').send({});
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: 'bad_request', field: 'id' });
    const broken = await t.http.post('/__sim/ui/api/scenarios/run').set('Content-Type', 'application/json').send('{"id":');
    expect(broken.status).toBe(400);
    expect(broken.body.message).toMatch(/^the body is not valid JSON/);
  });
});

/** A minimal server-sent events reader: collects `{event, id, data}` frames from a live response. */
class EventReader {
  frames: { event: string; id?: string; data: unknown }[] = [];
  private buffer = '';
  private waiters: (() => void)[] = [];
  constructor(readonly res: IncomingMessage) {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      this.buffer += chunk;
      let cut: number;
      while ((cut = this.buffer.indexOf('\n\n')) >= 0) {
        const raw = this.buffer.slice(0, cut);
        this.buffer = this.buffer.slice(cut + 2);
        const frame: { event: string; id?: string; data: unknown } = { event: 'message', data: null };
        for (const line of raw.split('\n')) {
          if (line.startsWith('event: ')) frame.event = line.slice(7);
          else if (line.startsWith('id: ')) frame.id = line.slice(4);
          else if (line.startsWith('data: ')) frame.data = JSON.parse(line.slice(6));
        }
        if (frame.data !== null) this.frames.push(frame);
        this.waiters.splice(0).forEach((w) => w());
      }
    });
  }
  async until<T>(find: () => T | undefined): Promise<T> {
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }
}

function openStream(url: string, headers: Record<string, string> = {}): Promise<EventReader> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => resolve(new EventReader(res))).on('error', reject);
  });
}

describe('GET /__sim/ui/api/events (server-sent events)', () => {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });

  it('says hello with clock, usage and runs, streams log entries as they happen, resumes after Last-Event-ID, and announces resets', async () => {
    const sim = createSimulator({ seed: 2, leads: 3, limits: { enabled: false }, clock: new SimClock({ start: T0, frozen: true }) });
    open.push(sim);
    const base = await sim.listen(0, '127.0.0.1');
    const stream = await openStream(`${base}/__sim/ui/api/events`);
    expect(stream.res.statusCode).toBe(200);
    expect(stream.res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const hello = await stream.until(() => stream.frames.find((f) => f.event === 'hello'));
    expect(hello.data).toMatchObject({ clock: { now: '2026-11-02T15:00:00.000Z', frozen: true }, runs: [], usage: [{ munchkinId: '123-ABC-456' }] });

    await fetch(`${base}/rest/v1/leads.json?filterType=id&filterValues=1`);
    const log = await stream.until(() => stream.frames.find((f) => f.event === 'log'));
    const entries = (log.data as { entries: { kind: string; message: string; seq: number }[] }).entries;
    expect(entries.map((e) => [e.kind, e.message])).toEqual([['request', 'GET /rest/v1/leads.json -> 200 600']]);
    expect(log.id).toBe(String(entries[0].seq));
    stream.res.destroy();

    await fetch(`${base}/rest/v1/leads.json?filterType=id&filterValues=2`);
    const resumed = await openStream(`${base}/__sim/ui/api/events`, { 'Last-Event-ID': String(entries[0].seq) });
    const replay = await resumed.until(() => resumed.frames.find((f) => f.event === 'log'));
    expect((replay.data as { entries: { seq: number; message: string }[] }).entries.map((e) => e.seq)).toEqual([entries[0].seq + 1]);

    await fetch(`${base}/__sim/reset`, { method: 'POST' });
    await resumed.until(() => resumed.frames.find((f) => f.event === 'reset'));
    resumed.res.destroy();
  });

  it('names the API service that made each call, so a viewer tells one integration from another', async () => {
    const sim = createSimulator({ seed: 2, leads: 3, limits: { enabled: false }, clock: new SimClock({ start: T0, frozen: true }) });
    open.push(sim);
    const base = await sim.listen(0, '127.0.0.1');
    const stream = await openStream(`${base}/__sim/ui/api/events`);
    await stream.until(() => stream.frames.find((f) => f.event === 'hello'));
    const service = sim.runtime.firstInstance().services[0];
    const token = (await (await fetch(`${base}/identity/oauth/token?grant_type=client_credentials&client_id=${service.clientId}&client_secret=${service.clientSecret}`)).json()) as { access_token: string };
    await fetch(`${base}/rest/v1/leads.json?filterType=id&filterValues=1`, { headers: { Authorization: `Bearer ${token.access_token}` } });
    const entries = await stream.until(() => {
      const all = stream.frames.filter((f) => f.event === 'log').flatMap((f) => (f.data as { entries: { message: string; service?: string; clientId?: string }[] }).entries);
      return all.some((e) => e.message.startsWith('GET /rest/v1/leads.json')) ? all : undefined;
    });
    expect(entries.find((e) => e.message.startsWith('GET /rest/v1/leads.json'))).toMatchObject({ clientId: service.clientId, service: 'Default API service' });
    stream.res.destroy();
  });

  it('refuses a bad resume position', async () => {
    const t = testSim();
    const res = await t.http.get('/__sim/ui/api/events').query({ after: 'soon' });
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('after');
  });
});
