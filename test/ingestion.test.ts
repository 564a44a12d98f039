import { describe, expect, it } from 'vitest';
import { testSim, type TestSim } from './support/sim.js';
import { PROCESSING_DELAY_MS } from '../simulator/resources/ingestion.js';

const ID = '123-ABC-456';
const PATH = `/subscriptions/${ID}/persons`;

async function setup(): Promise<TestSim & { aep: { clientId: string; clientSecret: string }; aepToken: string }> {
  const t = testSim();
  const c = t.sim.control;
  c.createPartition(ID, { name: 'EMEA' });
  c.createWorkspace(ID, { name: 'Europe', partitions: ['EMEA'] });
  const aep = c.createService(ID, { name: 'AEP', inputSource: 'Adobe Experience Platform', permissions: ['Read-Write Person'] });
  const service = t.sim.runtime.instance(ID)!.services.find((s) => s.clientId === aep.clientId)!;
  return { ...t, aep, aepToken: await t.token(service) };
}

function ingestionLog(t: TestSim, requestId: string) {
  return t.sim.control.log
    .query({ kind: 'ingestion', requestId, limit: 1000 })
    .entries.filter((e) => e.message.startsWith('person '))
    .map((e) => e.data as { index: number; status: string; leadId?: number; reasons?: { code: string; message: string }[] });
}

describe('Data Ingestion: POST /subscriptions/{munchkinId}/persons', () => {
  it('answers 202 with X-Request-Id and no body, then upserts on the instance clock', async () => {
    const t = await setup();
    const res = await t.http
      .post(PATH)
      .set('X-Mkto-User-Token', t.aepToken)
      .send({ partitionName: 'EMEA', persons: [{ email: 'brooklyn.parker@karnv.com', firstName: 'Brooklyn', company: 'Karnv' }] });
    expect(res.status).toBe(202);
    expect(res.headers['x-request-id']).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(res.text).toBe('');
    expect(t.sim.control.listLeads(ID).total).toBe(0);

    await t.sim.control.clock.advance(PROCESSING_DELAY_MS.normal);
    const { leads } = t.sim.control.listLeads(ID, { partition: 'EMEA' });
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({ partition: 'EMEA', email: 'brooklyn.parker@karnv.com', firstName: 'Brooklyn', company: 'Karnv' });
    expect(ingestionLog(t, res.headers['x-request-id'])).toEqual([{ index: 0, status: 'created', leadId: leads[0].id, partition: 'EMEA' }]);
    // New Lead activity written with the service's input source.
    const activity = t.sim.runtime.instance(ID)!.activities.find((a) => a.leadId === leads[0].id)!;
    expect(activity.activityTypeId).toBe(12);
    expect(activity.attributes).toContainEqual({ name: 'Source Type', value: 'Adobe Experience Platform' });
  });

  it('high priority is processed before normal priority sent earlier', async () => {
    const t = await setup();
    const normal = await t.http.post(PATH).set('X-Mkto-User-Token', t.aepToken).send({ persons: [{ email: 'n@x.com' }] });
    const high = await t.http.post(PATH).set('X-Mkto-User-Token', t.aepToken).send({ priority: 'high', persons: [{ email: 'h@x.com' }] });
    expect([normal.status, high.status]).toEqual([202, 202]);
    await t.sim.control.clock.advance(PROCESSING_DELAY_MS.high);
    expect(t.sim.control.listLeads(ID).leads.map((l) => l.email)).toEqual(['h@x.com']);
    await t.sim.control.clock.advance(PROCESSING_DELAY_MS.normal - PROCESSING_DELAY_MS.high);
    expect(t.sim.control.listLeads(ID).leads.map((l) => l.email)).toEqual(['h@x.com', 'n@x.com']);
  });

  it('matches field1 AND field2 inside the partition only; several matches skip with 1007', async () => {
    const t = await setup();
    const c = t.sim.control;
    c.insertLeads(ID, { partition: 'EMEA', leads: [{ email: 'a@x.com', company: 'Acme' }, { email: 'b@x.com', company: 'B1' }, { email: 'b@x.com', company: 'B1' }] });
    c.insertLeads(ID, { partition: 'Default', leads: [{ email: 'a@x.com', company: 'Acme' }] });
    c.setFieldSearchable(ID, 'company', { searchable: true });
    const res = await t.http
      .post(PATH)
      .set('X-Mkto-User-Token', t.aepToken)
      .send({
        partitionName: 'EMEA',
        dedupeFields: { field1: 'email', field2: 'company' },
        persons: [
          { email: 'A@x.com', company: 'Acme', title: 'CTO' },
          { email: 'a@x.com', company: 'Other', title: 'CEO' },
          { email: 'b@x.com', company: 'B1', title: 'VP' },
          { company: 'NoEmail' },
          { email: 'c@x.com', company: 'C', foo: 1 },
        ],
      });
    expect(res.status).toBe(202);
    await c.clock.advance(PROCESSING_DELAY_MS.normal);
    expect(ingestionLog(t, res.headers['x-request-id']).map(({ index, status, leadId, reasons }) => ({ index, status, leadId, reasons }))).toEqual([
      { index: 0, status: 'updated', leadId: 1, reasons: undefined },
      { index: 1, status: 'created', leadId: 5, reasons: undefined },
      { index: 2, status: 'skipped', leadId: undefined, reasons: [{ code: '1007', message: 'Multiple lead match lookup criteria' }] },
      { index: 3, status: 'skipped', leadId: undefined, reasons: [{ code: '1002', message: "Missing value for the required parameter 'email'" }] },
      { index: 4, status: 'skipped', leadId: undefined, reasons: [{ code: '1006', message: "Field 'foo' not found" }] },
    ]);
    // The Default partition's a@x.com is untouched; the new lead lives in EMEA.
    expect(c.listLeads(ID, { partition: 'Default' }).leads[0]).not.toHaveProperty('title');
    expect(c.listLeads(ID, { email: 'a@x.com' }).leads.map((l) => [l.id, l.partition, l.company, l.title])).toEqual([
      [1, 'EMEA', 'Acme', 'CTO'],
      [4, 'Default', 'Acme', undefined],
      [5, 'EMEA', 'Other', 'CEO'],
    ]);
  });

  it('applies Block Field Updates: empty fields set once, non-empty kept, no activity, drop in the log', async () => {
    const t = await setup();
    const c = t.sim.control;
    c.insertLeads(ID, { leads: [{ email: 'k@x.com', title: 'Founder' }] });
    c.setFieldBlocks(ID, 'title', { sources: ['Adobe Experience Platform'] });
    c.setFieldBlocks(ID, 'city', { sources: ['Adobe Experience Platform'] });
    const res = await t.http.post(PATH).set('X-Mkto-User-Token', t.aepToken).send({ persons: [{ email: 'k@x.com', title: 'Intern', city: 'Paris', firstName: 'Kim' }] });
    await c.clock.advance(PROCESSING_DELAY_MS.normal);
    expect(c.listLeads(ID).leads[0]).toMatchObject({ title: 'Founder', city: 'Paris', firstName: 'Kim' });
    const changes = t.sim.runtime.instance(ID)!.activities.filter((a) => a.activityTypeId === 13).map((a) => a.fields![0].name);
    expect(changes.sort()).toEqual(['city', 'firstName']);
    const blocked = c.log.query({ kind: 'blocked-write', requestId: res.headers['x-request-id'] }).entries;
    expect(blocked.map((e) => e.data)).toEqual([{ leadId: 1, field: 'title', inputSource: 'Adobe Experience Platform', keptValue: 'Founder', droppedValue: 'Intern' }]);
  });

  it('has its own error bodies: 403010, 401013, 404040, 4000801, 4000802, 4030801', async () => {
    const t = await setup();
    const send = (path: string, headers: Record<string, string>, body: unknown) => t.http.post(path).set(headers).send(body as object);
    const token = { 'X-Mkto-User-Token': t.aepToken };
    const cases: [string, Record<string, string>, unknown, number, string, string][] = [
      [PATH, {}, { persons: [{ email: 'a@x.com' }] }, 403, '403010', 'Oauth token is missing'],
      [PATH, { Authorization: `Bearer ${t.aepToken}` }, { persons: [{ email: 'a@x.com' }] }, 403, '403010', 'Oauth token is missing'],
      [PATH, { 'X-Mkto-User-Token': 'nope:sj' }, { persons: [{ email: 'a@x.com' }] }, 401, '401013', 'Oauth token is invalid'],
      ['/subscriptions/999-ZZZ-999/persons', token, { persons: [] }, 404, '404040', 'Resource not found'],
      [PATH, token, { persons: [] }, 400, '4000801', 'Bad request: persons must be a non-empty array'],
      [PATH, token, { persons: [{}], priority: 'urgent' }, 400, '4000801', "Bad request: priority must be 'normal' or 'high'"],
      [PATH, token, { persons: [{}], partition: 'EMEA' }, 400, '4000801', "Bad request: unknown key 'partition' (known: priority, partitionName, dedupeFields, persons)"],
      [PATH, token, { persons: [{}], partitionName: 'Mars' }, 400, '4000802', "Invalid data: partitionName: partition 'Mars' does not exist (known: Default, EMEA)"],
      [PATH, token, { persons: [{}], dedupeFields: { field1: 'email', field2: 'firstName' } }, 400, '4000802', "Invalid data: dedupeFields.field2: field 'firstName' cannot be a dedupe field (supported: id, email, sfdcAccountId, sfdcContactId, sfdcLeadId, sfdcLeadOwnerId, custom string or integer fields)"],
      [PATH, token, { persons: Array.from({ length: 1001 }, () => ({})) }, 400, '4000801', 'Bad request: persons has 1001 items; the maximum is 1000'],
    ];
    for (const [path, headers, body, status, code, message] of cases) {
      const res = await send(path, headers, body);
      expect({ status: res.status, body: res.body }).toEqual({ status, body: { error_code: code, message } });
      expect(res.headers['x-request-id']).toMatch(/^[A-Za-z0-9]{32}$/);
    }
    const c = t.sim.control;
    const readOnly = c.createService(ID, { name: 'Reader', permissions: ['Read-Only Person'] });
    const readerToken = await t.token(t.sim.runtime.instance(ID)!.services.find((s) => s.clientId === readOnly.clientId)!);
    const denied = await send(PATH, { 'X-Mkto-User-Token': readerToken }, { persons: [{ email: 'a@x.com' }] });
    expect([denied.status, denied.body.error_code]).toEqual([403, '4030801']);
    const europe = c.createService(ID, { name: 'Europe only', permissions: ['Read-Write Person'], workspaces: ['Europe'] });
    const europeToken = await t.token(t.sim.runtime.instance(ID)!.services.find((s) => s.clientId === europe.clientId)!);
    const noPartition = await send(PATH, { 'X-Mkto-User-Token': europeToken }, { persons: [{ email: 'a@x.com' }] });
    expect(noPartition.body).toEqual({ error_code: '4030801', message: "Unauthorized: the API user europe-only@123-abc-456.api has no access to partition 'Default'" });
    await c.clock.advance(PROCESSING_DELAY_MS.normal);
    expect(c.listLeads(ID).total).toBe(0);
  });

  it('counts against the instance limits: 429001 on the rate limit, 4290801 on the daily quota', async () => {
    const t = await setup();
    t.sim.control.patchInstance(ID, { limits: { enabled: true, ratePer20s: 2, dailyQuota: 3 } });
    const post = () => t.http.post(PATH).set('X-Mkto-User-Token', t.aepToken).send({ persons: [{ email: 'r@x.com' }] });
    expect((await post()).status).toBe(202);
    expect((await post()).status).toBe(202);
    expect((await post()).body).toEqual({ error_code: '429001', message: 'Service usage limit reached' });
    await t.sim.control.clock.advance(20_000);
    expect((await post()).status).toBe(202);
    expect((await post()).body).toEqual({ error_code: '4290801', message: 'Daily quota reached' });
  });

  it('a request accepted before a reset or a snapshot restore is not applied to the new state', async () => {
    const t = await setup();
    const snapshot = t.sim.control.snapshot();
    const before = await t.http.post(PATH).set('X-Mkto-User-Token', t.aepToken).send({ persons: [{ email: 'old@x.com' }] });
    expect(before.status).toBe(202);
    t.sim.control.restore(snapshot);
    await t.sim.control.clock.advance(PROCESSING_DELAY_MS.normal);
    expect(t.sim.control.listLeads(ID).total).toBe(0);
    const requestId = before.headers['x-request-id'];
    expect(t.sim.control.log.query({ kind: 'ingestion', requestId }).entries.at(-1)?.message).toBe(
      `request ${requestId} dropped: instance ${ID} was replaced by a snapshot restore before it was processed`,
    );
    // The restored state takes new requests (its tokens came back with it).
    const after = await t.http.post(PATH).set('X-Mkto-User-Token', t.aepToken).send({ persons: [{ email: 'new@x.com' }] });
    expect(after.status).toBe(202);
    t.sim.control.reset();
    await t.sim.control.clock.advance(PROCESSING_DELAY_MS.normal);
    expect([t.sim.control.listLeads(ID).total, t.sim.control.clock.get().pendingTimers]).toEqual([0, 0]);
  });
});
