// Wire tests: Get Leads by Filter Type, Get Lead by Id, Delete Leads.
import { describe, expect, it } from 'vitest';
import { clientFor, partitionedSim, serviceNamed, type Client } from './support/wire.js';
import { insertLead } from '../simulator/domain/leads.js';

const LEADS = '/rest/v1/leads.json';

async function seed(api: Client) {
  const res = await api.post(LEADS, {
    input: [
      { email: 'ann@example.com', firstName: 'Ann', lastName: 'Lee', externalKey: 'K1', loyaltyNumber: 7 },
      { email: 'bob@example.com', firstName: 'Bob', externalKey: 'K2', loyaltyNumber: 7 },
      { email: 'cat@example.com', firstName: 'Cat', externalKey: 'K3' },
      { email: 'dan@example.com', firstName: 'Dan' },
      { email: 'eve@example.com', firstName: 'Eve' },
    ],
  });
  expect(res.body.result.map((r: { status: string }) => r.status)).toEqual(['created', 'created', 'created', 'created', 'created']);
}

describe('Get Leads by Filter Type (GET /rest/v1/leads.json)', () => {
  it('returns the default fields, id first, explicit null for empty ones, in id order', async () => {
    const { api } = await partitionedSim();
    await seed(api);
    const res = await api.get(LEADS, { filterType: 'email', filterValues: 'bob@example.com,ann@example.com' });
    expect(res.body.result).toEqual([
      { id: 1, updatedAt: '2026-11-02T15:00:00Z', lastName: 'Lee', email: 'ann@example.com', createdAt: '2026-11-02T15:00:00Z', firstName: 'Ann' },
      { id: 2, updatedAt: '2026-11-02T15:00:00Z', lastName: null, email: 'bob@example.com', createdAt: '2026-11-02T15:00:00Z', firstName: 'Bob' },
    ]);
    expect(Object.keys(res.body)).toEqual(['requestId', 'result', 'success']);
  });

  it('matches emails case-insensitively and returns only the requested fields', async () => {
    const { api } = await partitionedSim();
    await seed(api);
    const res = await api.get(LEADS, { filterType: 'email', filterValues: 'ANN@example.com', fields: 'firstName,title,leadPartitionId' });
    expect(res.body.result).toEqual([{ id: 1, firstName: 'Ann', title: null, leadPartitionId: 1 }]);
  });

  it('filters by id, by a custom string field and by a custom integer field', async () => {
    const { api } = await partitionedSim();
    await seed(api);
    expect((await api.get(LEADS, { filterType: 'id', filterValues: '5,3,99', fields: 'email' })).body.result).toEqual([
      { id: 3, email: 'cat@example.com' },
      { id: 5, email: 'eve@example.com' },
    ]);
    expect((await api.get(LEADS, { filterType: 'externalKey', filterValues: 'K2,K3', fields: 'firstName' })).body.result).toEqual([
      { id: 2, firstName: 'Bob' },
      { id: 3, firstName: 'Cat' },
    ]);
    expect((await api.get(LEADS, { filterType: 'loyaltyNumber', filterValues: '7', fields: 'firstName' })).body.result).toEqual([
      { id: 1, firstName: 'Ann' },
      { id: 2, firstName: 'Bob' },
    ]);
  });

  it('returns duplicates as separate records, and an empty result when nothing matches', async () => {
    const { api } = await partitionedSim();
    await api.post(LEADS, { action: 'createDuplicate', input: [{ email: 'd@example.com' }, { email: 'd@example.com' }] });
    expect((await api.get(LEADS, { filterType: 'email', filterValues: 'd@example.com', fields: 'email' })).body.result).toEqual([
      { id: 1, email: 'd@example.com' },
      { id: 2, email: 'd@example.com' },
    ]);
    const none = await api.get(LEADS, { filterType: 'email', filterValues: 'nobody@example.com' });
    expect(none.body).toEqual({ requestId: none.body.requestId, result: [], success: true });
  });

  it('pages with batchSize, moreResult and nextPageToken', async () => {
    const { api } = await partitionedSim();
    await seed(api);
    const query = { filterType: 'id', filterValues: '1,2,3,4,5', fields: 'firstName', batchSize: 2 };
    const first = await api.get(LEADS, query);
    expect(first.body.result).toEqual([{ id: 1, firstName: 'Ann' }, { id: 2, firstName: 'Bob' }]);
    expect(first.body.moreResult).toBe(true);
    expect(first.body.nextPageToken).toMatch(/^[A-Z2-7]+=*$/);
    expect(Object.keys(first.body)).toEqual(['requestId', 'result', 'success', 'nextPageToken', 'moreResult']);
    const second = await api.get(LEADS, { ...query, nextPageToken: first.body.nextPageToken });
    expect(second.body.result).toEqual([{ id: 3, firstName: 'Cat' }, { id: 4, firstName: 'Dan' }]);
    expect(second.body.moreResult).toBe(true);
    const third = await api.get(LEADS, { ...query, nextPageToken: second.body.nextPageToken });
    expect(third.body.result).toEqual([{ id: 5, firstName: 'Eve' }]);
    expect(third.body.moreResult).toBeUndefined();
    expect(third.body.nextPageToken).toBeUndefined();
  });

  it('refuses a paging token from another query, and a token that is not one (1003)', async () => {
    const { api } = await partitionedSim();
    await seed(api);
    const first = await api.get(LEADS, { filterType: 'id', filterValues: '1,2,3', batchSize: 1 });
    const other = await api.get(LEADS, { filterType: 'id', filterValues: '1,2', batchSize: 1, nextPageToken: first.body.nextPageToken });
    expect(other.body.errors).toEqual([{ code: '1003', message: 'Invalid nextPageToken' }]);
    const garbage = await api.get(LEADS, { filterType: 'id', filterValues: '1', nextPageToken: 'not-a-token!' });
    expect(garbage.body.errors).toEqual([{ code: '1003', message: 'Invalid nextPageToken' }]);
  });

  it('batchSize must be 1 to 300', async () => {
    const { api } = await partitionedSim();
    for (const batchSize of [0, 301]) {
      const res = await api.get(LEADS, { filterType: 'id', filterValues: '1', batchSize });
      expect(res.body.errors).toEqual([{ code: '1003', message: 'batchSize must be between 1 and 300' }]);
    }
    const notNumber = await api.get(LEADS, { filterType: 'id', filterValues: '1', batchSize: 'ten' });
    expect(notNumber.body.errors).toEqual([{ code: '1003', message: "Invalid value for 'batchSize': 'ten'" }]);
  });

  it('accepts 300 filterValues and refuses 301 (1003)', async () => {
    const { api } = await partitionedSim();
    await seed(api);
    const ids = (n: number) => Array.from({ length: n }, (_, i) => i + 1).join(',');
    const ok = await api.get(LEADS, { filterType: 'id', filterValues: ids(300), fields: 'email' });
    expect(ok.body.result).toHaveLength(5);
    const tooMany = await api.get(LEADS, { filterType: 'id', filterValues: ids(301) });
    expect(tooMany.body.errors).toEqual([{ code: '1003', message: 'Too many filterValues (301); the maximum is 300' }]);
  });

  it('1011 for a filterType that is not searchable, 1006 for one that does not exist', async () => {
    const { api } = await partitionedSim();
    expect((await api.get(LEADS, { filterType: 'createdAt', filterValues: '2026-11-02' })).body.errors).toEqual([
      { code: '1011', message: "Lookup field 'createdAt' not supported" },
    ]);
    expect((await api.get(LEADS, { filterType: 'firstName', filterValues: 'Ann' })).body.errors).toEqual([
      { code: '1011', message: "Lookup field 'firstName' not supported" },
    ]);
    expect((await api.get(LEADS, { filterType: 'userId', filterValues: '1' })).body.errors).toEqual([
      { code: '1006', message: "Lookup field 'userId' not found" },
    ]);
  });

  it('1006 for a requested field that does not exist', async () => {
    const { api } = await partitionedSim();
    const res = await api.get(LEADS, { filterType: 'id', filterValues: '1', fields: 'email,favouriteColour' });
    expect(res.body.errors).toEqual([{ code: '1006', message: "Field 'favouriteColour' not found" }]);
  });

  it('1003 Too many results match the filter when more than 1,000 leads match', async () => {
    const { t, api } = await partitionedSim();
    const state = t.sim.runtime.firstInstance();
    const ctx = t.sim.runtime.systemContext();
    for (let i = 0; i < 1000; i++) insertLead(state, 1, { email: `p${i}@example.com`, externalKey: 'SAME' }, ctx, { logActivity: false });
    const thousand = await api.get(LEADS, { filterType: 'externalKey', filterValues: 'SAME', fields: 'email', batchSize: 300 });
    expect(thousand.body.result).toHaveLength(300);
    expect(thousand.body.moreResult).toBe(true);
    insertLead(state, 1, { email: 'one-more@example.com', externalKey: 'SAME' }, ctx, { logActivity: false });
    const over = await api.get(LEADS, { filterType: 'externalKey', filterValues: 'SAME' });
    expect(over.body.errors).toEqual([{ code: '1003', message: 'Too many results match the filter' }]);
    const byPartition = await api.get(LEADS, { filterType: 'leadPartitionId', filterValues: '1' });
    expect(byPartition.body.errors).toEqual([{ code: '1003', message: 'Too many results match the filter' }]);
    // Only leads the caller can read count: two in Mexico are not too many for a Mexico-only service.
    insertLead(state, 2, { email: 'mx-a@example.com', externalKey: 'SAME' }, ctx, { logActivity: false });
    insertLead(state, 2, { email: 'mx-b@example.com', externalKey: 'SAME' }, ctx, { logActivity: false });
    const mexico = await clientFor(t, serviceNamed(t, 'Mexico team'));
    expect((await mexico.get(LEADS, { filterType: 'externalKey', filterValues: 'SAME,other', fields: 'email' })).body.result).toEqual([
      { id: 1002, email: 'mx-a@example.com' },
      { id: 1003, email: 'mx-b@example.com' },
    ]);
  });

  it('filters by leadPartitionId, and shows only leads the caller can read', async () => {
    const { t, api } = await partitionedSim();
    await api.post(LEADS, { partitionName: 'Mexico', input: [{ email: 'mx1@example.com' }, { email: 'mx2@example.com' }] });
    await api.post(LEADS, { input: [{ email: 'default@example.com' }] });
    expect((await api.get(LEADS, { filterType: 'leadPartitionId', filterValues: '2', fields: 'email,leadPartitionId' })).body.result).toEqual([
      { id: 1, email: 'mx1@example.com', leadPartitionId: 2 },
      { id: 2, email: 'mx2@example.com', leadPartitionId: 2 },
    ]);
    const mexico = await clientFor(t, serviceNamed(t, 'Mexico team'));
    expect((await mexico.get(LEADS, { filterType: 'id', filterValues: '1,2,3', fields: 'email' })).body.result).toEqual([
      { id: 1, email: 'mx1@example.com' },
      { id: 2, email: 'mx2@example.com' },
    ]);
    expect((await mexico.get('/rest/v1/lead/3.json')).body.result).toEqual([]);
  });
});

describe('Get Lead by Id (GET /rest/v1/lead/{id}.json)', () => {
  it('returns one record with the default fields', async () => {
    const { api } = await partitionedSim();
    await seed(api);
    const res = await api.get('/rest/v1/lead/1.json');
    expect(res.body.result).toEqual([
      { id: 1, updatedAt: '2026-11-02T15:00:00Z', lastName: 'Lee', email: 'ann@example.com', createdAt: '2026-11-02T15:00:00Z', firstName: 'Ann' },
    ]);
  });

  it('returns id plus the requested fields (recorded: fields=email)', async () => {
    const { api } = await partitionedSim();
    await seed(api);
    expect((await api.get('/rest/v1/lead/1.json', { fields: 'email' })).body.result).toEqual([{ id: 1, email: 'ann@example.com' }]);
    expect((await api.get('/rest/v1/lead/2.json', { fields: 'email,mktoName,leadPartitionId,title' })).body.result).toEqual([
      { id: 2, email: 'bob@example.com', mktoName: 'Bob', leadPartitionId: 1, title: null },
    ]);
  });

  it('answers an unknown id with an empty result, and a malformed id with 1003', async () => {
    const { api } = await partitionedSim();
    const none = await api.get('/rest/v1/lead/404.json');
    expect(none.body).toEqual({ requestId: none.body.requestId, result: [], success: true });
    const bad = await api.get('/rest/v1/lead/abc.json');
    expect(bad.body.errors).toEqual([{ code: '1003', message: "Invalid lead id 'abc'" }]);
  });

  it('reads an id only as decimal digits: hex, exponents, signs and bad escapes are 1003, never another lead', async () => {
    const { api } = await partitionedSim();
    await seed(api);
    for (const [path, shown] of [['0x1', '0x1'], ['1e0', '1e0'], ['-1', '-1'], ['%2B1', '+1'], ['%zz', '%zz']]) {
      const res = await api.get(`/rest/v1/lead/${path}.json`);
      expect(res.status).toBe(200);
      expect(res.body.errors).toEqual([{ code: '1003', message: `Invalid lead id '${shown}'` }]);
    }
    expect((await api.get(LEADS, { filterType: 'id', filterValues: '0x1,1e0,2', fields: 'email' })).body.result).toEqual([{ id: 2, email: 'bob@example.com' }]);
  });
});

describe('Delete Leads (POST /rest/v1/leads/delete.json)', () => {
  it('deletes by input in the body, per record, keeping ids on skips', async () => {
    const { t, api } = await partitionedSim();
    await seed(api);
    const res = await api.post('/rest/v1/leads/delete.json', { input: [{ id: 1 }, { id: 404 }, { id: 3 }, { nope: true }] });
    expect(res.body.result).toEqual([
      { id: 1, status: 'deleted' },
      { id: 404, status: 'skipped', reasons: [{ code: '1004', message: 'Lead not found' }] },
      { id: 3, status: 'deleted' },
      { status: 'skipped', reasons: [{ code: '1003', message: 'Invalid data' }] },
    ]);
    expect([...t.sim.runtime.firstInstance().leads.keys()]).toEqual([2, 4, 5]);
    expect((await api.get(LEADS, { filterType: 'email', filterValues: 'ann@example.com' })).body.result).toEqual([]);
    // A deleted email can be created again.
    expect((await api.post(LEADS, { input: [{ email: 'ann@example.com' }] })).body.result).toEqual([{ id: 6, status: 'created' }]);
  });

  it('skips ids that are not whole numbers (a boolean, an array, hex) with 1003 and deletes nothing for them', async () => {
    const { t, api } = await partitionedSim();
    await seed(api);
    const res = await api.post('/rest/v1/leads/delete.json', { input: [{ id: true }, { id: [2] }, { id: '0x3' }, { id: 4.5 }, { id: '5' }] });
    const invalid = { status: 'skipped', reasons: [{ code: '1003', message: 'Invalid data' }] };
    expect(res.body.result).toEqual([invalid, invalid, invalid, invalid, { id: 5, status: 'deleted' }]);
    expect([...t.sim.runtime.firstInstance().leads.keys()]).toEqual([1, 2, 3, 4]);
  });

  it('deletes by the id query parameter with an empty body', async () => {
    const { api } = await partitionedSim();
    await seed(api);
    const res = await api.post('/rest/v1/leads/delete.json', undefined, { id: '2,4' });
    expect(res.body.result).toEqual([
      { id: 2, status: 'deleted' },
      { id: 4, status: 'deleted' },
    ]);
  });

  it('refuses an empty call (701) and more than 300 ids (1003)', async () => {
    const { api } = await partitionedSim();
    expect((await api.post('/rest/v1/leads/delete.json')).body.errors).toEqual([{ code: '701', message: 'id cannot be blank' }]);
    const many = Array.from({ length: 301 }, (_, i) => ({ id: i + 1 }));
    expect((await api.post('/rest/v1/leads/delete.json', { input: many })).body.errors).toEqual([
      { code: '1003', message: 'Too many records in input (301); the maximum is 300' },
    ]);
  });

  it('1008 for a lead in a partition the caller cannot write; 603 for a read-only role', async () => {
    const { t, api } = await partitionedSim();
    await seed(api);
    const mexico = await clientFor(t, serviceNamed(t, 'Mexico team'));
    expect((await mexico.post('/rest/v1/leads/delete.json', { input: [{ id: 1 }] })).body.result).toEqual([
      { id: 1, status: 'skipped', reasons: [{ code: '1008', message: "Access denied to partition 'Default'" }] },
    ]);
    const reader = await clientFor(t, serviceNamed(t, 'Reader'));
    expect((await reader.post('/rest/v1/leads/delete.json', { input: [{ id: 1 }] })).body.errors).toEqual([{ code: '603', message: 'Access denied' }]);
  });
});
