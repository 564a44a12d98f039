// Wire tests: activity types, paging tokens, Get Lead Activities, Get Lead Changes and Get Deleted Leads.
import { base32 } from 'rfc4648';
import { describe, expect, it } from 'vitest';
import { clientFor, partitionedConfig, partitionedSim, serviceNamed, type Client } from './support/wire.js';
import { testSim } from './support/sim.js';
import type { ConfigFile } from '../simulator/config.js';

const decode = (token: string) => Buffer.from(base32.parse(token, { loose: true })).toString('utf8');

async function pagingToken(api: Client, sinceDatetime = '2026-11-01T00:00:00Z'): Promise<string> {
  const res = await api.get('/rest/v1/activities/pagingtoken.json', { sinceDatetime });
  expect(res.body.success).toBe(true);
  return res.body.nextPageToken;
}

describe('Get Activity Types (GET /rest/v1/activities/types.json)', () => {
  it('lists the standard types with their attributes; New Lead has no primary attribute', async () => {
    const api = await clientFor(testSim());
    const res = await api.get('/rest/v1/activities/types.json');
    const byId = new Map(res.body.result.map((t: { id: number }) => [t.id, t]));
    expect([...byId.keys()]).toEqual([1, 2, 3, 6, 7, 8, 9, 10, 11, 12, 13, 19, 21, 22, 23, 24, 25, 32, 37, 46, 100, 101, 104, 145]);
    expect(byId.get(2)).toEqual({
      id: 2,
      name: 'Fill Out Form',
      description: 'User fills out and submits a form on web page',
      primaryAttribute: { name: 'Webform ID', dataType: 'integer' },
      attributes: [
        { name: 'Client IP Address', dataType: 'string' },
        { name: 'Form Fields', dataType: 'text' },
        { name: 'Query Parameters', dataType: 'string' },
        { name: 'Referrer URL', dataType: 'string' },
        { name: 'User Agent', dataType: 'string' },
        { name: 'Webpage ID', dataType: 'integer' },
      ],
    });
    const newLead = byId.get(12) as Record<string, unknown>;
    expect(Object.keys(newLead)).toEqual(['id', 'name', 'description', 'attributes']);
    expect((byId.get(13) as { name: string }).name).toBe('Change Data Value');
    expect((byId.get(37) as { name: string }).name).toBe('Delete Lead');
  });

  it('needs an activity permission (603 otherwise)', async () => {
    const t = testSim({ config: { instances: [{ munchkinId: '123-ABC-456', services: [{ name: 'P', permissions: ['Read-Write Person'] }] }] } });
    expect((await (await clientFor(t)).get('/rest/v1/activities/types.json')).body.errors).toEqual([{ code: '603', message: 'Access denied' }]);
  });
});

describe('Get Paging Token (GET /rest/v1/activities/pagingtoken.json)', () => {
  it('answers requestId, success and a base32 token of "<datetime>,0", with no result', async () => {
    const api = await clientFor(testSim());
    const res = await api.get('/rest/v1/activities/pagingtoken.json', { sinceDatetime: '2014-10-06T13:22:17-08:00' });
    expect(Object.keys(res.body)).toEqual(['requestId', 'success', 'nextPageToken']);
    expect(decode(res.body.nextPageToken)).toBe('2014-10-06T21:22:17.000+0000,0');
    expect(decode(await pagingToken(api, '2026-11-02'))).toBe('2026-11-02T00:00:00.000+0000,0');
    expect(decode(await pagingToken(api, '2026-11-02T10:00:00Z'))).toBe('2026-11-02T10:00:00.000+0000,0');
    // An unencoded '+' arrives as a space.
    expect(decode(await pagingToken(api, '2026-11-02T10:00:00 02:00'))).toBe('2026-11-02T08:00:00.000+0000,0');
  });

  it('701 without sinceDatetime, 704 for a value that is not ISO 8601', async () => {
    const api = await clientFor(testSim());
    expect((await api.get('/rest/v1/activities/pagingtoken.json')).body.errors).toEqual([{ code: '701', message: 'sinceDatetime cannot be blank' }]);
    for (const bad of ['yesterday', '2026-13-01T00:00:00Z', '11/02/2026', '2026-02-30']) {
      expect((await api.get('/rest/v1/activities/pagingtoken.json', { sinceDatetime: bad })).body.errors).toEqual([
        { code: '704', message: 'Invalid date format' },
      ]);
    }
  });

  it('accepts the documented token format from other sources', async () => {
    const api = await clientFor(testSim());
    const res = await api.get('/rest/v1/activities/deletedleads.json', { nextPageToken: 'GIYDAOBNGEYS2MBWKQYDAORQGA5DAMBOGAYDAKZQGAYDALBQ' });
    expect(res.body.success).toBe(true);
  });
});

describe('Get Lead Changes (GET /rest/v1/activities/leadchanges.json)', () => {
  it('returns New Lead with fields [] and Change Data Value with old and new values, Source and Reason', async () => {
    const t = testSim();
    const api = await clientFor(t);
    const created = await api.post('/rest/v1/leads.json', { input: [{ email: 'ann@example.com', firstName: 'Ann' }] });
    t.clock.advance(61_000);
    const updated = await api.post('/rest/v1/leads.json', { input: [{ email: 'ann@example.com', firstName: 'Anna', lastName: 'Lee' }] });
    const res = await api.get('/rest/v1/activities/leadchanges.json', { nextPageToken: await pagingToken(api), fields: 'firstName,lastName' });
    expect(res.body.result).toEqual([
      {
        id: 1,
        marketoGUID: '1',
        leadId: 1,
        activityDate: '2026-11-02T15:00:00Z',
        activityTypeId: 12,
        fields: [],
        attributes: [
          { name: 'Created Date', value: '2026-11-02' },
          { name: 'Source Type', value: 'Web service API' },
          { name: 'api method name', value: 'syncLead' },
          { name: 'modifying user', value: t.service.userEmail },
          { name: 'request id', value: created.body.requestId },
        ],
      },
      {
        id: 2,
        marketoGUID: '2',
        leadId: 1,
        activityDate: '2026-11-02T15:01:01Z',
        activityTypeId: 13,
        fields: [{ id: 53, name: 'firstName', newValue: 'Anna', oldValue: 'Ann' }],
        attributes: [
          { name: 'Reason', value: 'Web service API' },
          { name: 'Source', value: 'Web service API' },
          { name: 'Lead ID', value: 1 },
          { name: 'API Method Name', value: 'syncLead' },
          { name: 'Modifying User', value: t.service.userEmail },
          { name: 'Request Id', value: updated.body.requestId },
        ],
      },
      {
        id: 3,
        marketoGUID: '3',
        leadId: 1,
        activityDate: '2026-11-02T15:01:01Z',
        activityTypeId: 13,
        fields: [{ id: 55, name: 'lastName', newValue: 'Lee', oldValue: null }],
        attributes: expect.arrayContaining([{ name: 'Lead ID', value: 1 }]),
      },
    ]);
    expect(res.body.moreResult).toBe(false);
    expect(decode(res.body.nextPageToken)).toBe('2026-11-01T00:00:00.000+0000,3');
    expect(Object.keys(res.body)).toEqual(['requestId', 'result', 'success', 'nextPageToken', 'moreResult']);
  });

  it('returns only changes to the requested fields (and every New Lead)', async () => {
    const api = await clientFor(testSim());
    await api.post('/rest/v1/leads.json', { input: [{ email: 'a@example.com' }] });
    await api.post('/rest/v1/leads.json', { input: [{ email: 'a@example.com', city: 'Paris', title: 'CEO' }] });
    const res = await api.get('/rest/v1/activities/leadchanges.json', { nextPageToken: await pagingToken(api), fields: 'title' });
    expect(res.body.result.map((a: { activityTypeId: number; fields: { name: string }[] }) => [a.activityTypeId, a.fields.map((f) => f.name)])).toEqual([
      [12, []],
      [13, ['title']],
    ]);
  });

  it('reports clearing a field with newValue null and no Change Data Value for an unchanged value', async () => {
    const api = await clientFor(testSim());
    await api.post('/rest/v1/leads.json', { input: [{ email: 'a@example.com', city: 'Paris' }] });
    await api.post('/rest/v1/leads.json', { input: [{ email: 'a@example.com', city: 'Paris' }] });
    await api.post('/rest/v1/leads.json', { input: [{ email: 'a@example.com', city: null }] });
    const res = await api.get('/rest/v1/activities/leadchanges.json', { nextPageToken: await pagingToken(api), fields: 'city' });
    expect(res.body.result.map((a: { fields: unknown[] }) => a.fields)).toEqual([[], [{ id: 64, name: 'city', newValue: null, oldValue: 'Paris' }]]);
  });

  it('carries changed values as strings (numbers and booleans included), as the SPEC types them', async () => {
    const api = await clientFor(testSim());
    await api.post('/rest/v1/leads.json', { input: [{ email: 'a@example.com', leadScore: 10 }] });
    await api.post('/rest/v1/leads.json', { input: [{ email: 'a@example.com', leadScore: 45, doNotCall: true }] });
    const token = await pagingToken(api);
    const changes = await api.get('/rest/v1/activities/leadchanges.json', { nextPageToken: token, fields: 'leadScore,doNotCall' });
    expect(changes.body.result.slice(1).map((a: { fields: unknown[] }) => a.fields[0])).toEqual([
      { id: 146, name: 'leadScore', newValue: '45', oldValue: '10' },
      { id: 82, name: 'doNotCall', newValue: 'true', oldValue: null },
    ]);
    const activities = await api.get('/rest/v1/activities.json', { nextPageToken: token, activityTypeIds: '13' });
    expect(activities.body.result[0].attributes.slice(0, 2)).toEqual([
      { name: 'New Value', value: '45' },
      { name: 'Old Value', value: '10' },
    ]);
    // The lead itself keeps typed values.
    expect((await api.get('/rest/v1/lead/1.json', { fields: 'leadScore,doNotCall' })).body.result).toEqual([{ id: 1, leadScore: 45, doNotCall: true }]);
  });

  it('says Adobe Experience Platform in Source and Reason when the AEP service writes', async () => {
    const config: ConfigFile = {
      instances: [{ munchkinId: '123-ABC-456', services: [{ name: 'AEP', inputSource: 'Adobe Experience Platform' }] }],
    };
    const api = await clientFor(testSim({ config }));
    await api.post('/rest/v1/leads.json', { input: [{ email: 'a@example.com' }] });
    await api.post('/rest/v1/leads.json', { input: [{ email: 'a@example.com', firstName: 'A' }] });
    const res = await api.get('/rest/v1/activities/leadchanges.json', { nextPageToken: await pagingToken(api), fields: 'firstName' });
    expect(res.body.result[0].attributes[1]).toEqual({ name: 'Source Type', value: 'Adobe Experience Platform' });
    expect(res.body.result[1].attributes.slice(0, 2)).toEqual([
      { name: 'Reason', value: 'Adobe Experience Platform' },
      { name: 'Source', value: 'Adobe Experience Platform' },
    ]);
  });

  it('starts at sinceDatetime and pages with batchSize until moreResult is false', async () => {
    const t = testSim();
    const api = await clientFor(t);
    await api.post('/rest/v1/leads.json', { input: [{ email: 'early@example.com' }] });
    t.clock.advance(1800_000);
    const since = new Date(t.clock.now()).toISOString();
    await api.post('/rest/v1/leads.json', { input: Array.from({ length: 5 }, (_, i) => ({ email: `late${i}@example.com` })) });
    const leadIds: number[] = [];
    let token = await pagingToken(api, since);
    let calls = 0;
    for (;;) {
      const res = await api.get('/rest/v1/activities/leadchanges.json', { nextPageToken: token, fields: 'email', batchSize: 2 });
      calls++;
      leadIds.push(...res.body.result.map((a: { leadId: number }) => a.leadId));
      token = res.body.nextPageToken;
      if (!res.body.moreResult) break;
    }
    expect(leadIds).toEqual([2, 3, 4, 5, 6]);
    expect(calls).toBe(3);
    // Nothing new: the last token yields an empty page, still with a token.
    const again = await api.get('/rest/v1/activities/leadchanges.json', { nextPageToken: token, fields: 'email' });
    expect(again.body.result).toEqual([]);
    expect(again.body.moreResult).toBe(false);
    expect(again.body.nextPageToken).toBe(token);
  });

  it('filters by leadIds (up to 30)', async () => {
    const api = await clientFor(testSim());
    await api.post('/rest/v1/leads.json', { input: [{ email: 'a@example.com' }, { email: 'b@example.com' }, { email: 'c@example.com' }] });
    const token = await pagingToken(api);
    const res = await api.get('/rest/v1/activities/leadchanges.json', { nextPageToken: token, fields: 'email', leadIds: '1,3' });
    expect(res.body.result.map((a: { leadId: number }) => a.leadId)).toEqual([1, 3]);
    const ids31 = Array.from({ length: 31 }, (_, i) => i + 1).join(',');
    expect((await api.get('/rest/v1/activities/leadchanges.json', { nextPageToken: token, fields: 'email', leadIds: ids31 })).body.errors).toEqual([
      { code: '1003', message: 'Too many leadIds (31); the maximum is 30' },
    ]);
  });

  it('refuses a missing fields (701), an unknown field (1006), a missing or bad token (701 / 1003), a listId (1013)', async () => {
    const api = await clientFor(testSim());
    const token = await pagingToken(api);
    const get = (q: Record<string, string>) => api.get('/rest/v1/activities/leadchanges.json', q);
    expect((await get({ nextPageToken: token })).body.errors).toEqual([{ code: '701', message: 'fields cannot be blank' }]);
    expect((await get({ nextPageToken: token, fields: 'email,nope' })).body.errors).toEqual([{ code: '1006', message: "Field 'nope' not found" }]);
    expect((await get({ fields: 'email' })).body.errors).toEqual([{ code: '701', message: 'nextPageToken cannot be blank' }]);
    expect((await get({ nextPageToken: 'XYZ', fields: 'email' })).body.errors).toEqual([{ code: '1003', message: 'Invalid nextPageToken' }]);
    expect((await get({ nextPageToken: token, fields: 'email', listId: '1001' })).body.errors).toEqual([{ code: '1013', message: 'Object not found' }]);
  });
});

describe('Get Deleted Leads (GET /rest/v1/activities/deletedleads.json)', () => {
  it('returns Delete Lead (37) items with the lead name and attributes []', async () => {
    const t = testSim();
    const api = await clientFor(t);
    await api.post('/rest/v1/leads.json', { input: [{ email: 'a@example.com', firstName: 'Owyliphys', lastName: 'Iledil' }, { email: 'b@example.com' }] });
    t.clock.advance(10_000);
    await api.post('/rest/v1/leads/delete.json', { input: [{ id: 1 }, { id: 2 }] });
    const res = await api.get('/rest/v1/activities/deletedleads.json', { nextPageToken: await pagingToken(api) });
    expect(res.body.result).toEqual([
      {
        id: 3,
        marketoGUID: '3',
        leadId: 1,
        activityDate: '2026-11-02T15:00:10Z',
        activityTypeId: 37,
        primaryAttributeValueId: 1,
        primaryAttributeValue: 'Owyliphys Iledil',
        attributes: [],
      },
      {
        id: 4,
        marketoGUID: '4',
        leadId: 2,
        activityDate: '2026-11-02T15:00:10Z',
        activityTypeId: 37,
        primaryAttributeValueId: 2,
        primaryAttributeValue: '',
        attributes: [],
      },
    ]);
    expect(res.body.moreResult).toBe(false);
  });

  it('pages by batchSize', async () => {
    const api = await clientFor(testSim());
    await api.post('/rest/v1/leads.json', { input: [{ email: 'a@example.com' }, { email: 'b@example.com' }, { email: 'c@example.com' }] });
    await api.post('/rest/v1/leads/delete.json', undefined, { id: '1,2,3' });
    const first = await api.get('/rest/v1/activities/deletedleads.json', { nextPageToken: await pagingToken(api), batchSize: 2 });
    expect(first.body.result.map((a: { leadId: number }) => a.leadId)).toEqual([1, 2]);
    expect(first.body.moreResult).toBe(true);
    const second = await api.get('/rest/v1/activities/deletedleads.json', { nextPageToken: first.body.nextPageToken, batchSize: 2 });
    expect(second.body.result.map((a: { leadId: number }) => a.leadId)).toEqual([3]);
    expect(second.body.moreResult).toBe(false);
  });
});

describe('Get Lead Activities (GET /rest/v1/activities.json)', () => {
  async function withHistory() {
    const { t, api } = await partitionedSim();
    await api.post('/rest/v1/leads.json', { input: [{ email: 'a@example.com' }, { email: 'b@example.com' }] });
    t.clock.advance(1000);
    await api.post('/rest/v1/leads.json', { input: [{ email: 'a@example.com', firstName: 'Ann' }] });
    await api.post('/rest/v1/leads/partitions.json', { input: [{ id: 2, partitionName: 'Mexico' }] });
    await api.post('/rest/v1/leads/delete.json', { input: [{ id: 2 }] });
    return { t, api, token: await pagingToken(api) };
  }

  it('returns activities of the asked types, oldest first, empty attributes omitted', async () => {
    const { t, api, token } = await withHistory();
    const res = await api.get('/rest/v1/activities.json', { nextPageToken: token, activityTypeIds: '13,37' });
    expect(res.body.result).toEqual([
      {
        id: 3,
        marketoGUID: '3',
        leadId: 1,
        activityDate: '2026-11-02T15:00:01Z',
        activityTypeId: 13,
        primaryAttributeValueId: 53,
        primaryAttributeValue: 'First Name',
        attributes: [
          { name: 'New Value', value: 'Ann' },
          { name: 'Reason', value: 'Web service API' },
          { name: 'Source', value: 'Web service API' },
          { name: 'API Method Name', value: 'syncLead' },
          { name: 'Modifying User', value: t.service.userEmail },
          { name: 'Request Id', value: expect.stringMatching(/^[0-9a-f]+#[0-9a-f]+$/) },
        ],
      },
      expect.objectContaining({ id: 5, leadId: 2, activityTypeId: 37, primaryAttributeValueId: 2 }),
    ]);
    expect(res.body.moreResult).toBe(false);
    expect(decode(res.body.nextPageToken)).toBe('2026-11-01T00:00:00.000+0000,5');
  });

  it('filters by leadIds and by assetIds (primary attribute value ids) of a single type', async () => {
    const { api, token } = await withHistory();
    const a = await api.get('/rest/v1/activities.json', { nextPageToken: token, activityTypeIds: '12,13,37,100', leadIds: '2' });
    expect(a.body.result.map((x: { activityTypeId: number }) => x.activityTypeId)).toEqual([12, 100, 37]);
    const byAsset = await api.get('/rest/v1/activities.json', { nextPageToken: token, activityTypeIds: '13', assetIds: '53' });
    expect(byAsset.body.result.map((x: { id: number }) => x.id)).toEqual([3]);
    expect((await api.get('/rest/v1/activities.json', { nextPageToken: token, activityTypeIds: '13', assetIds: '54' })).body.result).toEqual([]);
    expect((await api.get('/rest/v1/activities.json', { nextPageToken: token, activityTypeIds: '12,13', assetIds: '53' })).body.errors).toEqual([
      { code: '1003', message: 'assetIds can only be used with a single activity type' },
    ]);
  });

  it('checks activityTypeIds (required, at most 10, known), leadIds (at most 30, integers), listId and the token', async () => {
    const { api, token } = await withHistory();
    const get = (q: Record<string, string>) => api.get('/rest/v1/activities.json', { nextPageToken: token, ...q });
    expect((await get({})).body.errors).toEqual([{ code: '701', message: 'activityTypeIds cannot be blank' }]);
    expect((await get({ activityTypeIds: '1,2,3,6,7,8,9,10,11,12,13' })).body.errors).toEqual([
      { code: '1003', message: 'Too many activityTypeIds (11); the maximum is 10' },
    ]);
    expect((await get({ activityTypeIds: '12,999' })).body.errors).toEqual([{ code: '1003', message: "Invalid activity type id '999'" }]);
    expect((await get({ activityTypeIds: '12', leadIds: Array.from({ length: 31 }, (_, i) => i + 1).join(',') })).body.errors).toEqual([
      { code: '1003', message: 'Too many leadIds (31); the maximum is 30' },
    ]);
    expect((await get({ activityTypeIds: '12', leadIds: '1,x' })).body.errors).toEqual([{ code: '1001', message: "Invalid value 'x'. Required of type 'integer'" }]);
    // Whole numbers in decimal only: JavaScript's Number() would read these as 2, 16 and 12.
    expect((await get({ activityTypeIds: '12', leadIds: '2e0' })).body.errors).toEqual([{ code: '1001', message: "Invalid value '2e0'. Required of type 'integer'" }]);
    expect((await get({ activityTypeIds: '12', leadIds: '0x10' })).body.errors).toEqual([{ code: '1001', message: "Invalid value '0x10'. Required of type 'integer'" }]);
    expect((await get({ activityTypeIds: '0xc' })).body.errors).toEqual([{ code: '1003', message: "Invalid activity type id '0xc'" }]);
    expect((await get({ activityTypeIds: '12', batchSize: '1e2' })).body.errors).toEqual([{ code: '1003', message: "Invalid value for 'batchSize': '1e2'" }]);
    expect((await get({ activityTypeIds: '12', listId: '7' })).body.errors).toEqual([{ code: '1013', message: 'Object not found' }]);
    expect((await api.get('/rest/v1/activities.json', { activityTypeIds: '12' })).body.errors).toEqual([{ code: '701', message: 'nextPageToken cannot be blank' }]);
    expect((await get({ activityTypeIds: '12', batchSize: '301' })).body.errors).toEqual([{ code: '1003', message: 'batchSize must be between 1 and 300' }]);
  });

  it('every activity the emulator writes carries a primary attribute exactly when its type defines one', async () => {
    const { api, token } = await withHistory();
    const types = (await api.get('/rest/v1/activities/types.json')).body.result as { id: number; primaryAttribute?: unknown }[];
    const res = await api.get('/rest/v1/activities.json', { nextPageToken: token, activityTypeIds: '12,13,37,100' });
    expect(res.body.result.map((a: { activityTypeId: number }) => a.activityTypeId)).toEqual([12, 12, 13, 100, 37]);
    for (const a of res.body.result as { activityTypeId: number; primaryAttributeValueId?: number }[]) {
      const type = types.find((ty) => ty.id === a.activityTypeId)!;
      expect({ type: a.activityTypeId, hasPrimary: a.primaryAttributeValueId !== undefined }).toEqual({ type: a.activityTypeId, hasPrimary: type.primaryAttribute !== undefined });
    }
  });

  it('is readable with Read-Only Activity', async () => {
    const { t, token } = await withHistory();
    const reader = await clientFor(t, serviceNamed(t, 'Reader'));
    const res = await reader.get('/rest/v1/activities.json', { nextPageToken: token, activityTypeIds: '12' });
    expect(res.body.result.map((x: { leadId: number }) => x.leadId)).toEqual([1, 2]);
  });
});

describe('Activities and workspaces', () => {
  /** Leads 1 (Default), 2 (Mexico), 3 (Mexico, deleted), 4 (Default, deleted), 5 (created in Default, moved to Mexico). */
  async function spread() {
    const config = partitionedConfig();
    config.instances[0].services!.push({ name: 'LatAm activity', clientId: 'latam', clientSecret: 'latam-secret', permissions: ['Read-Only Activity'], workspaces: ['LatAm'] });
    const t = testSim({ config });
    const api = await clientFor(t);
    await api.post('/rest/v1/leads.json', { input: [{ email: 'd@example.com' }] });
    await api.post('/rest/v1/leads.json', { partitionName: 'Mexico', input: [{ email: 'm@example.com' }, { email: 'gone-mx@example.com' }] });
    await api.post('/rest/v1/leads.json', { input: [{ email: 'gone-default@example.com' }, { email: 'mover@example.com' }] });
    await api.post('/rest/v1/leads/delete.json', { input: [{ id: 3 }, { id: 4 }] });
    await api.post('/rest/v1/leads/partitions.json', { input: [{ id: 5, partitionName: 'Mexico' }] });
    const latam = await clientFor(t, serviceNamed(t, 'LatAm activity'));
    return { api, latam, token: await pagingToken(api) };
  }

  const leadIds = (res: { body: Record<string, any> }) => res.body.result.map((a: { leadId: number; activityTypeId: number }) => [a.leadId, a.activityTypeId]);

  it('a caller sees the activities of leads in the partitions of its activity workspaces, deleted ones by their last partition', async () => {
    const { api, latam, token } = await spread();
    const all = await api.get('/rest/v1/activities.json', { nextPageToken: token, activityTypeIds: '12,37,100' });
    expect(leadIds(all)).toEqual([[1, 12], [2, 12], [3, 12], [4, 12], [5, 12], [3, 37], [4, 37], [5, 100]]);
    const mine = await latam.get('/rest/v1/activities.json', { nextPageToken: token, activityTypeIds: '12,37,100' });
    // Lead 5's New Lead was written in Default; it follows the lead, which lives in Mexico now.
    expect(leadIds(mine)).toEqual([[2, 12], [3, 12], [5, 12], [3, 37], [5, 100]]);
    expect(mine.body.moreResult).toBe(false);
  });

  it('the same rule holds for lead changes and deleted leads', async () => {
    const { latam, token } = await spread();
    expect(leadIds(await latam.get('/rest/v1/activities/leadchanges.json', { nextPageToken: token, fields: 'email' }))).toEqual([[2, 12], [3, 12], [5, 12]]);
    expect(leadIds(await latam.get('/rest/v1/activities/deletedleads.json', { nextPageToken: token }))).toEqual([[3, 37]]);
  });
});
