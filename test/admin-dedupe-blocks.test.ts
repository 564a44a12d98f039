import { describe, expect, it } from 'vitest';
import { testSim, type TestSim } from './support/sim.js';

const ID = '123-ABC-456';

async function bearer(t: TestSim, clientId?: string): Promise<{ Authorization: string }> {
  const service = t.sim.runtime.instance(ID)!.services.find((s) => clientId === undefined || s.clientId === clientId)!;
  return { Authorization: `Bearer ${await t.token(service)}` };
}

describe('Custom dedupe rule', () => {
  it('instance-wide (default): a match in another partition is skipped with 1010 and no second lead is made', async () => {
    const t = testSim();
    t.sim.control.createPartition(ID, { name: 'North America' });
    t.sim.control.insertLeads(ID, { partition: 'Default', leads: [{ email: 'test@example.com', company: 'Example Inc.' }] });
    const res = await t.http
      .post('/rest/v1/leads.json')
      .set(await bearer(t))
      .send({ partitionName: 'North America', input: [{ email: 'TEST@example.com', company: 'Example Inc.' }] });
    expect(res.body.result).toEqual([{ status: 'skipped', reasons: [{ code: '1010', message: 'Partition update not allowed' }] }]);
    expect(t.sim.control.listLeads(ID).total).toBe(1);
  });

  it('partition-scoped (PATCH dedupe.partitionScoped): the same email gets a second lead in the other partition', async () => {
    const t = testSim();
    const c = t.sim.control;
    c.createPartition(ID, { name: 'North America' });
    c.insertLeads(ID, { partition: 'Default', leads: [{ email: 'test@example.com' }] });
    const patched = await t.http.patch(`/__sim/instances/${ID}`).send({ dedupe: { partitionScoped: true } });
    expect(patched.body.settings.dedupe).toEqual({ partitionScoped: true });
    const h = await bearer(t);
    const first = await t.http.post('/rest/v1/leads.json').set(h).send({ partitionName: 'North America', input: [{ email: 'test@example.com', title: 'NA' }] });
    expect(first.body.result).toEqual([{ id: 2, status: 'created' }]);
    const again = await t.http.post('/rest/v1/leads.json').set(h).send({ partitionName: 'North America', input: [{ email: 'test@example.com', title: 'NA 2' }] });
    expect(again.body.result).toEqual([{ id: 2, status: 'updated' }]);
    expect(c.listLeads(ID, { email: 'test@example.com' }).leads.map((l) => [l.id, l.partition, l.title])).toEqual([
      [1, 'Default', undefined],
      [2, 'North America', 'NA 2'],
    ]);
    // Without partitionName the Default partition is the key's partition.
    const dflt = await t.http.post('/rest/v1/leads.json').set(h).send({ input: [{ email: 'test@example.com', title: 'D' }] });
    expect(dflt.body.result).toEqual([{ id: 1, status: 'updated' }]);
  });

  it('1007 when the key matches several leads (in scope)', async () => {
    const t = testSim();
    t.sim.control.insertLeads(ID, { leads: [{ email: 'dup@x.com' }, { email: 'dup@x.com' }] });
    const res = await t.http.post('/rest/v1/leads.json').set(await bearer(t)).send({ input: [{ email: 'dup@x.com', title: 'x' }] });
    expect(res.body.result).toEqual([{ status: 'skipped', reasons: [{ code: '1007', message: 'Multiple lead match lookup criteria' }] }]);
  });
});

describe('Block Field Updates', () => {
  async function blocked() {
    const t = testSim();
    const c = t.sim.control;
    const aep = c.createService(ID, { name: 'AEP', inputSource: 'Adobe Experience Platform', permissions: ['Read-Write Person'] });
    const res = await t.http.put(`/__sim/instances/${ID}/fields/title/blocks`).send({ sources: ['Adobe Experience Platform'] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ field: 'title', sources: ['Adobe Experience Platform'] });
    c.insertLeads(ID, { leads: [{ email: 'kept@x.com', title: 'Founder' }, { email: 'empty@x.com' }], activities: false });
    return { t, h: await bearer(t, aep.clientId) };
  }

  it('a blocked source sets an empty field once, keeps a non-empty value, still writes other fields, logs no activity for the drop', async () => {
    const { t, h } = await blocked();
    const res = await t.http.post('/rest/v1/leads.json').set(h).send({
      input: [
        { email: 'kept@x.com', title: 'Intern', firstName: 'Kay' },
        { email: 'empty@x.com', title: 'Engineer' },
      ],
    });
    expect(res.body.result).toEqual([
      { id: 1, status: 'updated' },
      { id: 2, status: 'updated' },
    ]);
    const again = await t.http.post('/rest/v1/leads.json').set(h).send({ input: [{ email: 'empty@x.com', title: 'Manager' }] });
    expect(again.body.result).toEqual([{ id: 2, status: 'updated' }]);
    expect(t.sim.control.listLeads(ID).leads.map((l) => [l.email, l.title, l.firstName])).toEqual([
      ['kept@x.com', 'Founder', 'Kay'],
      ['empty@x.com', 'Engineer', undefined],
    ]);
    const changes = t.sim.runtime.instance(ID)!.activities.map((a) => [a.leadId, a.fields![0].name, a.fields![0].newValue]);
    expect(changes).toEqual([
      [1, 'firstName', 'Kay'],
      [2, 'title', 'Engineer'],
    ]);
    const log = t.sim.control.log.query({ kind: 'blocked-write' }).entries.map((e) => e.data);
    expect(log).toEqual([
      { leadId: 1, field: 'title', inputSource: 'Adobe Experience Platform', keptValue: 'Founder', droppedValue: 'Intern' },
      { leadId: 2, field: 'title', inputSource: 'Adobe Experience Platform', keptValue: 'Engineer', droppedValue: 'Manager' },
    ]);
  });

  it('clearing a blocked non-empty field is dropped too; other sources are not blocked', async () => {
    const { t, h } = await blocked();
    const clear = await t.http.post('/rest/v1/leads.json').set(h).send({ input: [{ email: 'kept@x.com', title: null }] });
    expect(clear.body.result).toEqual([{ id: 1, status: 'updated' }]);
    expect(t.sim.control.listLeads(ID).leads[0].title).toBe('Founder');
    const web = await t.http.post('/rest/v1/leads.json').set(await bearer(t)).send({ input: [{ email: 'kept@x.com', title: 'CEO' }] });
    expect(web.body.result).toEqual([{ id: 1, status: 'updated' }]);
    expect(t.sim.control.listLeads(ID).leads[0].title).toBe('CEO');
    expect(t.sim.control.getFieldBlocks(ID, 'title')).toEqual({ field: 'title', sources: ['Adobe Experience Platform'] });
    const removed = await t.http.delete(`/__sim/instances/${ID}/fields/title/blocks`);
    expect(removed.body).toEqual({ field: 'title', sources: [] });
  });

  it('bad block requests: unknown field 404, read-only field 400, sources not a list 400', async () => {
    const t = testSim();
    const unknown = await t.http.put(`/__sim/instances/${ID}/fields/nope/blocks`).send({ sources: ['Adobe Experience Platform'] });
    expect([unknown.status, unknown.body.message]).toEqual([404, "field 'nope' not found in instance 123-ABC-456"]);
    const readOnly = await t.http.put(`/__sim/instances/${ID}/fields/createdAt/blocks`).send({ sources: ['Web service API'] });
    expect([readOnly.status, readOnly.body.field]).toEqual([400, 'sources']);
    expect(readOnly.body.message).toBe("sources: field 'createdAt' is read-only; it cannot be written, so there is nothing to block");
    const bad = await t.http.put(`/__sim/instances/${ID}/fields/title/blocks`).send({ sources: 'Adobe Experience Platform' });
    expect([bad.status, bad.body.field]).toEqual([400, 'sources']);
  });
});
