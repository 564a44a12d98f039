import { describe, expect, it } from 'vitest';
import { testSim, type TestSim } from './support/sim.js';
import type { ServiceView } from '../simulator/control/api.js';

const ID = '123-ABC-456';

/** A bearer header for a service created through the control plane. */
async function auth(t: TestSim, view: ServiceView): Promise<{ Authorization: string }> {
  const service = t.sim.runtime.instance(ID)!.services.find((s) => s.clientId === view.clientId)!;
  return { Authorization: `Bearer ${await t.token(service)}` };
}

/** Default + North America partitions; workspace "NA" holds North America only (the Default workspace does not). */
function partitioned(): TestSim {
  const t = testSim();
  t.sim.control.createPartition(ID, { name: 'North America', description: 'Leads in NA', workspaces: [] });
  t.sim.control.createWorkspace(ID, { name: 'NA', partitions: ['North America'] });
  return t;
}

describe('API-only users, roles and workspaces on the REST API', () => {
  it('a call without the needed permission is 603 Access denied, and nothing is written', async () => {
    const t = testSim();
    const reader = t.sim.control.createService(ID, { name: 'Reader', permissions: ['Read-Only Person'] });
    const res = await t.http.post('/rest/v1/leads.json').set(await auth(t, reader)).send({ input: [{ email: 'a@x.com' }] });
    expect(res.body).toEqual({ requestId: res.body.requestId, success: false, errors: [{ code: '603', message: 'Access denied' }] });
    expect(t.sim.control.listLeads(ID).total).toBe(0);
    const read = await t.http.get('/rest/v1/leads.json').query({ filterType: 'email', filterValues: 'a@x.com' }).set(await auth(t, reader));
    expect(read.body).toMatchObject({ success: true, result: [] });
    const noActivity = t.sim.control.createService(ID, { name: 'Leads only', permissions: ['Read-Write Person'] });
    const types = await t.http.get('/rest/v1/activities/types.json').set(await auth(t, noActivity));
    expect(types.body.errors).toEqual([{ code: '603', message: 'Access denied' }]);
  });

  it('a record in a partition the user cannot reach is skipped with 1008; reads do not see it', async () => {
    const t = partitioned();
    t.sim.control.insertLeads(ID, { partition: 'Default', leads: [{ email: 'def@x.com' }] });
    const na = t.sim.control.createService(ID, { name: 'NA writer', permissions: ['Read-Write Person'], workspaces: ['NA'] });
    const h = await auth(t, na);
    const res = await t.http.post('/rest/v1/leads.json').set(h).send({ input: [{ email: 'def@x.com', title: 'CEO' }] });
    expect(res.body.result).toEqual([{ status: 'skipped', reasons: [{ code: '1008', message: "Access denied to partition 'Default'" }] }]);
    const named = await t.http.post('/rest/v1/leads.json').set(h).send({ partitionName: 'Default', input: [{ email: 'new@x.com' }] });
    expect(named.body.result).toEqual([{ status: 'skipped', reasons: [{ code: '1008', message: "Access denied to partition 'Default'" }] }]);
    const read = await t.http.get('/rest/v1/lead/1.json').set(h);
    expect(read.body.result).toEqual([]);
    expect(t.sim.control.listLeads(ID).leads.map((l) => [l.email, l.title])).toEqual([['def@x.com', undefined]]);
  });

  it('creating where the user has no access is refused (the Default partition is outside its workspace)', async () => {
    const t = partitioned();
    const na = t.sim.control.createService(ID, { name: 'NA writer', permissions: ['Read-Write Person'], workspaces: ['NA'] });
    const h = await auth(t, na);
    const res = await t.http.post('/rest/v1/leads.json').set(h).send({ input: [{ email: 'x@x.com' }] });
    expect(res.body.result).toEqual([{ status: 'skipped', reasons: [{ code: '1008', message: "Access denied to partition 'Default'" }] }]);
    const ok = await t.http.post('/rest/v1/leads.json').set(h).send({ partitionName: 'North America', input: [{ email: 'x@x.com' }] });
    expect(ok.body.result).toEqual([{ id: 1, status: 'created' }]);
    expect(t.sim.control.listLeads(ID).leads[0]).toMatchObject({ id: 1, partition: 'North America' });
  });

  it('partitionName naming an unknown partition is a clear skip', async () => {
    const t = testSim();
    const res = await t.http.post('/rest/v1/leads.json').set({ Authorization: `Bearer ${await t.token()}` }).send({ partitionName: 'Mars', input: [{ email: 'x@x.com' }] });
    expect(res.body.result).toEqual([{ status: 'skipped', reasons: [{ code: '1013', message: "Partition 'Mars' not found" }] }]);
  });

  it('workspaces may share partitions (n:1) and hold several (1:n); access follows the primary/assigned partitions', async () => {
    const t = partitioned();
    const c = t.sim.control;
    c.createPartition(ID, { name: 'Canada', workspaces: [] });
    c.createWorkspace(ID, { name: 'Americas', partitions: ['North America', 'Canada'], primaryPartition: 'Canada' });
    expect(c.listWorkspaces(ID).map((w) => [w.name, w.partitions, w.primaryPartition])).toEqual([
      ['Default', ['Default'], 'Default'],
      ['NA', ['North America'], 'North America'],
      ['Americas', ['North America', 'Canada'], 'Canada'],
    ]);
    const americas = c.createService(ID, { name: 'Americas', permissions: ['Read-Write Person'], workspaces: ['Americas'] });
    const h = await auth(t, americas);
    const res = await t.http.post('/rest/v1/leads.json').set(h).send({ partitionName: 'Canada', input: [{ email: 'ca@x.com' }] });
    expect(res.body.result).toEqual([{ id: 1, status: 'created' }]);
    c.updateWorkspace(ID, 'Americas', { partitions: ['North America'] });
    const after = await t.http.post('/rest/v1/leads.json').set(h).send({ partitionName: 'Canada', input: [{ email: 'ca@x.com', title: 'VP' }] });
    expect(after.body.result).toEqual([{ status: 'skipped', reasons: [{ code: '1008', message: "Access denied to partition 'Canada'" }] }]);
  });

  it('each service has an input source: Web service API by default, Adobe Experience Platform for the Adobe integration', async () => {
    const t = testSim();
    const c = t.sim.control;
    expect(c.listServices(ID)[0]).toMatchObject({ inputSource: 'Web service API', workspaces: ['Default'] });
    const aep = c.createService(ID, { name: 'AEP', inputSource: 'Adobe Experience Platform', permissions: ['Read-Write Person'], workspaces: ['Default'] });
    expect(aep).toMatchObject({ name: 'AEP', inputSource: 'Adobe Experience Platform', permissions: ['Read-Write Person'], workspaces: ['Default'], userEmail: 'aep@123-abc-456.api' });
    expect(aep.clientId).toMatch(/^[0-9a-f-]{36}$/);
    expect(aep.clientSecret).toMatch(/^[A-Za-z0-9]{32}$/);
    await t.http.post('/rest/v1/leads.json').set(await auth(t, aep)).send({ input: [{ email: 'a@x.com' }] });
    await t.http.post('/rest/v1/leads.json').set(await auth(t, aep)).send({ input: [{ email: 'a@x.com', title: 'CTO' }] });
    const activities = t.sim.runtime.instance(ID)!.activities;
    expect(activities.map((a) => a.activityTypeId)).toEqual([12, 13]);
    expect(activities[1].attributes).toContainEqual({ name: 'Source', value: 'Adobe Experience Platform' });
  });
});
