// Wire tests: Get Lead Partitions and Update Lead Partition, leadPartitionId on leads, the Change Lead Partition activity.
import { describe, expect, it } from 'vitest';
import { clientFor, partitionedSim, serviceNamed } from './support/wire.js';
import { testSim } from './support/sim.js';

const PARTITIONS = '/rest/v1/leads/partitions.json';

describe('Get Lead Partitions (GET /rest/v1/leads/partitions.json)', () => {
  it('lists Default and the configured partitions with id, name, description', async () => {
    const { api } = await partitionedSim();
    const res = await api.get(PARTITIONS);
    expect(res.body.result).toEqual([
      { id: 1, name: 'Default', description: 'Initial system lead partition' },
      { id: 2, name: 'Mexico', description: 'Leads that live in Mexico' },
      { id: 3, name: 'Canada', description: 'Leads that live in Canada' },
    ]);
  });

  it('an instance without workspaces and partitions has only Default', async () => {
    const t = testSim();
    const res = await (await clientFor(t)).get(PARTITIONS);
    expect(res.body.result).toEqual([{ id: 1, name: 'Default', description: 'Initial system lead partition' }]);
  });
});

describe('Update Lead Partition (POST /rest/v1/leads/partitions.json)', () => {
  it('moves leads per record and reports each outcome', async () => {
    const { t, api } = await partitionedSim();
    await api.post('/rest/v1/leads.json', { input: [{ email: 'a@example.com' }, { email: 'b@example.com' }] });
    t.clock.advance(5_000);
    const res = await api.post(PARTITIONS, {
      input: [
        { id: 1, partitionName: 'Mexico' },
        { id: 2, partitionName: 'Default' },
        { id: 404, partitionName: 'Mexico' },
        { id: 2, partitionName: 'Atlantis' },
        { id: 2 },
        { partitionName: 'Mexico' },
      ],
    });
    expect(res.body.result).toEqual([
      { id: 1, status: 'updated' },
      { id: 2, status: 'updated' },
      { id: 404, status: 'skipped', reasons: [{ code: '1004', message: 'Lead not found' }] },
      { id: 2, status: 'skipped', reasons: [{ code: '1013', message: "Partition 'Atlantis' not found" }] },
      { id: 2, status: 'skipped', reasons: [{ code: '1009', message: 'Partition name must be specified' }] },
      { status: 'skipped', reasons: [{ code: '1003', message: 'Invalid data' }] },
    ]);
    const read = await api.get('/rest/v1/leads.json', { filterType: 'id', filterValues: '1,2', fields: 'leadPartitionId,updatedAt' });
    expect(read.body.result).toEqual([
      { id: 1, leadPartitionId: 2, updatedAt: '2026-11-02T15:00:05Z' },
      { id: 2, leadPartitionId: 1, updatedAt: '2026-11-02T15:00:00Z' },
    ]);
    expect((await api.get('/rest/v1/leads.json', { filterType: 'leadPartitionId', filterValues: '2', fields: 'email' })).body.result).toEqual([
      { id: 1, email: 'a@example.com' },
    ]);
  });

  it('skips an item whose id is not a whole number (1003), moving nothing', async () => {
    const { t, api } = await partitionedSim();
    await api.post('/rest/v1/leads.json', { input: [{ email: 'a@example.com' }] });
    const res = await api.post(PARTITIONS, { input: [{ id: true, partitionName: 'Mexico' }, { id: [1], partitionName: 'Mexico' }, null] });
    const invalid = { status: 'skipped', reasons: [{ code: '1003', message: 'Invalid data' }] };
    expect(res.body.result).toEqual([invalid, invalid, invalid]);
    expect(t.sim.runtime.firstInstance().leads.get(1)!.partitionId).toBe(1);
  });

  it('logs Change Lead Partition (100) with the new and old partition ids and no primary attribute (the type has none)', async () => {
    const { api } = await partitionedSim();
    await api.post('/rest/v1/leads.json', { input: [{ email: 'a@example.com' }] });
    await api.post(PARTITIONS, { input: [{ id: 1, partitionName: 'Canada' }] });
    const token = (await api.get('/rest/v1/activities/pagingtoken.json', { sinceDatetime: '2026-11-01T00:00:00Z' })).body.nextPageToken;
    const res = await api.get('/rest/v1/activities.json', { nextPageToken: token, activityTypeIds: '100' });
    expect(res.body.result).toEqual([
      {
        id: 2,
        marketoGUID: '2',
        leadId: 1,
        activityDate: '2026-11-02T15:00:00Z',
        activityTypeId: 100,
        attributes: [
          { name: 'New Partition ID', value: 3 },
          { name: 'Old Partition ID', value: 1 },
          { name: 'Reason', value: 'Web service API' },
        ],
      },
    ]);
  });

  it('after a move, an upsert naming the old partition is 1010 and one naming the new partition updates', async () => {
    const { api } = await partitionedSim();
    await api.post('/rest/v1/leads.json', { input: [{ email: 'mover@example.com' }] });
    await api.post(PARTITIONS, { input: [{ id: 1, partitionName: 'Mexico' }] });
    expect((await api.post('/rest/v1/leads.json', { partitionName: 'Default', input: [{ email: 'mover@example.com' }] })).body.result).toEqual([
      { status: 'skipped', reasons: [{ code: '1010', message: 'Partition update not allowed' }] },
    ]);
    expect((await api.post('/rest/v1/leads.json', { partitionName: 'Mexico', input: [{ email: 'mover@example.com', city: 'Puebla' }] })).body.result).toEqual([
      { id: 1, status: 'updated' },
    ]);
  });

  it('1008 when the caller cannot write the lead\'s current or target partition; 603 for a read-only role', async () => {
    const { t, api } = await partitionedSim();
    await api.post('/rest/v1/leads.json', { input: [{ email: 'a@example.com' }] });
    await api.post('/rest/v1/leads.json', { partitionName: 'Mexico', input: [{ email: 'b@example.com' }] });
    const mexico = await clientFor(t, serviceNamed(t, 'Mexico team'));
    const res = await mexico.post(PARTITIONS, { input: [{ id: 1, partitionName: 'Mexico' }, { id: 2, partitionName: 'Canada' }] });
    expect(res.body.result).toEqual([
      { id: 1, status: 'skipped', reasons: [{ code: '1008', message: "Access denied to partition 'Default'" }] },
      { id: 2, status: 'skipped', reasons: [{ code: '1008', message: "Access denied to partition 'Canada'" }] },
    ]);
    const reader = await clientFor(t, serviceNamed(t, 'Reader'));
    expect((await reader.post(PARTITIONS, { input: [{ id: 1, partitionName: 'Mexico' }] })).body.errors).toEqual([{ code: '603', message: 'Access denied' }]);
    expect((await reader.get(PARTITIONS)).body.success).toBe(true);
  });

  it('refuses a missing input (701) and more than 300 records (1003)', async () => {
    const { api } = await partitionedSim();
    expect((await api.post(PARTITIONS, {})).body.errors).toEqual([{ code: '701', message: 'input cannot be blank' }]);
    const many = Array.from({ length: 301 }, (_, i) => ({ id: i + 1, partitionName: 'Mexico' }));
    expect((await api.post(PARTITIONS, { input: many })).body.errors).toEqual([{ code: '1003', message: 'Too many records in input (301); the maximum is 300' }]);
  });
});
