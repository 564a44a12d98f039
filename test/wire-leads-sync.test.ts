// Wire tests: Sync Leads (POST /rest/v1/leads.json): every action and outcome, lookup fields, partitions, reasons, limits.
import { describe, expect, it } from 'vitest';
import { clientFor, partitionedSim, serviceNamed, type Client } from './support/wire.js';
import { testSim } from './support/sim.js';

const LEADS = '/rest/v1/leads.json';
const skipped = (code: string, message: string) => ({ status: 'skipped', reasons: [{ code, message }] });

async function sync(api: Client, body: object) {
  const res = await api.post(LEADS, body);
  expect(res.status).toBe(200);
  return res.body;
}

/** Two leads share dup@example.com (createDuplicate), one has solo@example.com. */
async function withDuplicates() {
  const { t, api } = await partitionedSim();
  await sync(api, { action: 'createDuplicate', input: [{ email: 'dup@example.com' }, { email: 'dup@example.com' }, { email: 'solo@example.com' }] });
  return { t, api };
}

describe('Sync Leads: the action table (0 / 1 / more than 1 match)', () => {
  it('createOrUpdate: created, updated, skipped 1007 with the wire message', async () => {
    const { api } = await withDuplicates();
    const body = await sync(api, {
      action: 'createOrUpdate',
      input: [{ email: 'new@example.com' }, { email: 'solo@example.com', firstName: 'Solo' }, { email: 'dup@example.com', firstName: 'Dup' }],
    });
    expect(body.result).toEqual([
      { id: 4, status: 'created' },
      { id: 3, status: 'updated' },
      skipped('1007', 'Multiple lead match lookup criteria'),
    ]);
  });

  it('createOrUpdate is the default action, and email the default lookupField', async () => {
    const { api } = await withDuplicates();
    const body = await sync(api, { input: [{ email: 'SOLO@example.com ', title: 'CEO' }] });
    expect(body.result).toEqual([{ id: 3, status: 'updated' }]);
  });

  it('createOnly: created, skipped 1005, skipped 1005', async () => {
    const { api } = await withDuplicates();
    const body = await sync(api, { action: 'createOnly', input: [{ email: 'new@example.com' }, { email: 'solo@example.com' }, { email: 'dup@example.com' }] });
    expect(body.result).toEqual([{ id: 4, status: 'created' }, skipped('1005', 'Lead already exists'), skipped('1005', 'Lead already exists')]);
  });

  it('updateOnly: skipped 1004, updated, skipped 1007', async () => {
    const { api } = await withDuplicates();
    const body = await sync(api, { action: 'updateOnly', input: [{ email: 'new@example.com' }, { email: 'solo@example.com', city: 'Lyon' }, { email: 'dup@example.com', city: 'Oslo' }] });
    expect(body.result).toEqual([skipped('1004', 'Lead not found'), { id: 3, status: 'updated' }, skipped('1007', 'Multiple lead match lookup criteria')]);
  });

  it('createDuplicate: created whatever matches', async () => {
    const { t, api } = await withDuplicates();
    const body = await sync(api, { action: 'createDuplicate', input: [{ email: 'new@example.com' }, { email: 'solo@example.com' }, { email: 'dup@example.com' }] });
    expect(body.result).toEqual([{ id: 4, status: 'created' }, { id: 5, status: 'created' }, { id: 6, status: 'created' }]);
    expect(t.sim.runtime.firstInstance().leads.size).toBe(6);
  });

  it('refuses an unknown action (1003)', async () => {
    const { api } = await partitionedSim();
    const body = await sync(api, { action: 'upsert', input: [{ email: 'a@example.com' }] });
    expect(body.errors).toEqual([{ code: '1003', message: "Invalid action 'upsert'" }]);
  });
});

describe('Sync Leads: lookup fields', () => {
  it('matches on any searchable field: a custom string field', async () => {
    const { api } = await partitionedSim();
    expect((await sync(api, { lookupField: 'externalKey', input: [{ externalKey: 'K-1', firstName: 'One' }] })).result).toEqual([{ id: 1, status: 'created' }]);
    expect((await sync(api, { lookupField: 'externalKey', input: [{ externalKey: 'K-1', lastName: 'Uno' }] })).result).toEqual([{ id: 1, status: 'updated' }]);
    // Non-email keys compare exactly.
    expect((await sync(api, { lookupField: 'externalKey', input: [{ externalKey: 'k-1' }] })).result).toEqual([{ id: 2, status: 'created' }]);
  });

  it('matches on a custom integer field, whether the value comes as a number or a string', async () => {
    const { api } = await partitionedSim();
    await sync(api, { lookupField: 'loyaltyNumber', input: [{ loyaltyNumber: 42 }] });
    expect((await sync(api, { lookupField: 'loyaltyNumber', input: [{ loyaltyNumber: '42', city: 'Nice' }] })).result).toEqual([{ id: 1, status: 'updated' }]);
  });

  it('matches on a standard searchable field (cookies); CRM fields like sfdcLeadId do not exist without a CRM', async () => {
    const { api } = await partitionedSim();
    await sync(api, { lookupField: 'cookies', input: [{ cookies: 'id:123-ABC-456&token:_mch-1', email: 'x@example.com' }] });
    expect((await sync(api, { lookupField: 'cookies', input: [{ cookies: 'id:123-ABC-456&token:_mch-1', email: 'y@example.com' }] })).result).toEqual([
      { id: 1, status: 'updated' },
    ]);
    expect((await sync(api, { lookupField: 'sfdcLeadId', input: [{ email: 'z@example.com' }] })).errors).toEqual([
      { code: '1006', message: "Lookup field 'sfdcLeadId' not found" },
    ]);
  });

  it('updates by id with updateOnly', async () => {
    const { api } = await partitionedSim();
    await sync(api, { input: [{ email: 'a@example.com' }] });
    const body = await sync(api, { action: 'updateOnly', lookupField: 'id', input: [{ id: 1, email: 'changed@example.com' }, { id: 99, firstName: 'X' }] });
    expect(body.result).toEqual([{ id: 1, status: 'updated' }, skipped('1004', 'Lead not found')]);
    const read = await api.get('/rest/v1/lead/1.json', { fields: 'email' });
    expect(read.body.result).toEqual([{ id: 1, email: 'changed@example.com' }]);
  });

  it('1001 for an id of the wrong type with updateOnly by id; 1003 for a record without one', async () => {
    const { api } = await partitionedSim();
    await sync(api, { input: [{ email: 'a@example.com' }] });
    const body = await sync(api, { action: 'updateOnly', lookupField: 'id', input: [{ id: 'abc' }, { id: 1.5 }, { id: { n: 1 } }, { id: true }, { firstName: 'X' }, { id: '1', city: 'Nice' }] });
    expect(body.result).toEqual([
      skipped('1001', "Invalid value 'abc'. Required of type 'integer'"),
      skipped('1001', "Invalid value '1.5'. Required of type 'integer'"),
      skipped('1001', 'Invalid value \'{"n":1}\'. Required of type \'integer\''),
      skipped('1001', "Invalid value 'true'. Required of type 'integer'"),
      skipped('1003', 'Invalid data'),
      { id: 1, status: 'updated' },
    ]);
  });

  it('1011 (response-level) for a lookupField that exists but is not searchable', async () => {
    const { t, api } = await partitionedSim();
    const body = await sync(api, { lookupField: 'firstName', input: [{ firstName: 'Ann' }] });
    expect(body.errors).toEqual([{ code: '1011', message: "Lookup field 'firstName' not supported" }]);
    expect(t.sim.runtime.firstInstance().leads.size).toBe(0);
  });

  it('1006 (response-level) for a lookupField that does not exist', async () => {
    const { api } = await partitionedSim();
    const body = await sync(api, { lookupField: 'userId', input: [{ email: 'a@example.com' }] });
    expect(body.errors).toEqual([{ code: '1006', message: "Lookup field 'userId' not found" }]);
  });

  it('1003 for a record without a value for the lookupField', async () => {
    const { api } = await partitionedSim();
    const body = await sync(api, { input: [{ firstName: 'No email' }, { email: '', firstName: 'Blank' }, { email: 'ok@example.com' }] });
    expect(body.result).toEqual([skipped('1003', 'Invalid data'), skipped('1003', 'Invalid data'), { id: 1, status: 'created' }]);
  });

  it('1003 for an id in a record of any action but updateOnly by id', async () => {
    const { api } = await partitionedSim();
    await sync(api, { input: [{ email: 'a@example.com' }] });
    for (const action of ['createOnly', 'createOrUpdate', 'createDuplicate']) {
      expect((await sync(api, { action, input: [{ id: 1, email: 'a@example.com' }] })).result).toEqual([skipped('1003', 'Invalid data')]);
    }
  });
});

describe('Sync Leads: records are independent, in input order, skips carry no id', () => {
  it('returns one result per record in input order, each decided on its own', async () => {
    const { api } = await partitionedSim();
    const body = await sync(api, {
      input: [
        { email: 'a@example.com' },
        { email: 'b@example.com', nope: 1 },
        { email: 'c@example.com' },
        { email: 'a@example.com', firstName: 'Again' },
        'not an object',
        { email: 'd@example.com', numberOfEmployees: 'many' },
      ],
    });
    expect(body.result).toEqual([
      { id: 1, status: 'created' },
      skipped('1006', "Field 'nope' not found"),
      { id: 2, status: 'created' },
      { id: 1, status: 'updated' },
      skipped('1003', 'Invalid data'),
      skipped('1001', "Invalid value 'many'. Required of type 'integer'"),
    ]);
    for (const item of body.result.filter((r: { status: string }) => r.status === 'skipped')) expect(Object.keys(item)).toEqual(['status', 'reasons']);
  });

  it('accepts 300 records and refuses 301 before writing anything', async () => {
    const { t, api } = await partitionedSim();
    const records = (n: number) => Array.from({ length: n }, (_, i) => ({ email: `p${i}@example.com` }));
    const ok = await sync(api, { input: records(300) });
    expect(ok.result).toHaveLength(300);
    expect(ok.result[299]).toEqual({ id: 300, status: 'created' });
    const tooMany = await sync(api, { input: records(301) });
    expect(tooMany.errors).toEqual([{ code: '1003', message: 'Too many records in input (301); the maximum is 300' }]);
    expect(t.sim.runtime.firstInstance().leads.size).toBe(300);
  });

  it('701 / 1003 for a missing, empty or non-array input', async () => {
    const { t, api } = await partitionedSim();
    expect((await sync(api, {})).errors).toEqual([{ code: '701', message: 'input cannot be blank' }]);
    expect((await sync(api, { input: [] })).errors).toEqual([{ code: '701', message: 'input cannot be blank' }]);
    expect((await sync(api, { input: { email: 'a@example.com' } })).errors).toEqual([{ code: '1003', message: 'input must be an array' }]);
    const array = await t.http.post(LEADS).set('Authorization', `Bearer ${await t.token()}`).set('Content-Type', 'application/json').send('[1,2]');
    expect(array.body.errors).toEqual([{ code: '1003', message: 'Request body must be a JSON object' }]);
  });
});

describe('Sync Leads: 1001 per data type', () => {
  const cases: [string, unknown, string, string][] = [
    ['numberOfEmployees', '12a', 'integer', '12a'],
    ['numberOfEmployees', 1.5, 'integer', '1.5'],
    ['numberOfEmployees', 2 ** 31, 'integer', String(2 ** 31)],
    ['urgency', 'fast', 'float', 'fast'],
    ['annualRevenue', '$5', 'currency', '$5'],
    ['annualRevenue', 'Infinity', 'currency', 'Infinity'],
    ['annualRevenue', '1e999', 'currency', '1e999'],
    ['urgency', '0x10', 'float', '0x10'],
    ['numberOfEmployees', '0b11', 'integer', '0b11'],
    ['loyaltyTier', 12.5, 'percent', '12.5'],
    ['doNotCall', 'maybe', 'boolean', 'maybe'],
    ['dateOfBirth', '2020-02-30', 'date', '2020-02-30'],
    ['dateOfBirth', '03/04/2020', 'date', '03/04/2020'],
    ['emailSuspendedAt', 'yesterday', 'datetime', 'yesterday'],
    ['firstName', { first: 'Ann' }, 'string', '{"first":"Ann"}'],
    ['mktoPersonNotes', ['a'], 'text', '["a"]'],
    ['website', { url: 'x' }, 'url', '{"url":"x"}'],
    ['phone', [1], 'phone', '[1]'],
  ];
  it.each(cases)('%s = %j -> Invalid value for type %s', async (field, value, type, shown) => {
    const { api } = await partitionedSim();
    const body = await sync(api, { input: [{ email: 'a@example.com', [field]: value }] });
    expect(body.result).toEqual([skipped('1001', `Invalid value '${shown}'. Required of type '${type}'`)]);
  });

  it('an email with non-ASCII characters is 1001 of type email', async () => {
    const { api } = await partitionedSim();
    const body = await sync(api, { input: [{ email: 'josé@example.com' }] });
    expect(body.result).toEqual([skipped('1001', "Invalid value 'josé@example.com'. Required of type 'email'")]);
  });

  it('accepts well-formed values of every type and reads them back normalised', async () => {
    const { api } = await partitionedSim();
    const values = {
      email: 'typed@example.com',
      numberOfEmployees: '250',
      urgency: 2.5,
      annualRevenue: '1000.50',
      loyaltyTier: 30,
      doNotCall: 'true',
      dateOfBirth: '1990-07-14',
      emailSuspendedAt: '2016-05-17T15:11:45-07:00',
      website: 'https://example.com',
      phone: '+1 555 0100',
      mktoPersonNotes: 'long text',
    };
    expect((await sync(api, { input: [values] })).result).toEqual([{ id: 1, status: 'created' }]);
    const read = await api.get('/rest/v1/lead/1.json', { fields: Object.keys(values).join(',') });
    expect(read.body.result).toEqual([
      {
        id: 1,
        email: 'typed@example.com',
        numberOfEmployees: 250,
        urgency: 2.5,
        annualRevenue: 1000.5,
        loyaltyTier: 30,
        doNotCall: true,
        dateOfBirth: '1990-07-14',
        emailSuspendedAt: '2016-05-17T22:11:45Z',
        website: 'https://example.com',
        phone: '+1 555 0100',
        mktoPersonNotes: 'long text',
      },
    ]);
  });
});

describe('Sync Leads: fields that cannot be written', () => {
  it('1011 for read-only and system-managed fields', async () => {
    const { api } = await partitionedSim();
    for (const field of ['createdAt', 'updatedAt', 'mktoName', 'inferredCompany', 'leadPartitionId', 'ecids']) {
      const body = await sync(api, { input: [{ email: 'a@example.com', [field]: field === 'leadPartitionId' ? 2 : 'x' }] });
      expect(body.result).toEqual([skipped('1011', `Field '${field}' not supported`)]);
    }
  });

  it('1006 for a field that does not exist, whatever its value', async () => {
    const { api } = await partitionedSim();
    const body = await sync(api, { input: [{ email: 'a@example.com', favouriteColour: null }] });
    expect(body.result).toEqual([skipped('1006', "Field 'favouriteColour' not found")]);
  });
});

describe('Sync Leads: partitions and the instance-wide dedupe rule', () => {
  it('creates in the named partition, and in Default without partitionName', async () => {
    const { api } = await partitionedSim();
    await sync(api, { partitionName: 'Mexico', input: [{ email: 'enrique@gob.mx' }] });
    await sync(api, { input: [{ email: 'plain@example.com' }] });
    const read = await api.get(LEADS, { filterType: 'id', filterValues: '1,2', fields: 'email,leadPartitionId' });
    expect(read.body.result).toEqual([
      { id: 1, email: 'enrique@gob.mx', leadPartitionId: 2 },
      { id: 2, email: 'plain@example.com', leadPartitionId: 1 },
    ]);
  });

  it('updates a match in the named partition', async () => {
    const { api } = await partitionedSim();
    await sync(api, { partitionName: 'Mexico', input: [{ email: 'enrique@gob.mx' }] });
    const body = await sync(api, { partitionName: 'Mexico', input: [{ email: 'enrique@gob.mx', title: 'El Presidente' }] });
    expect(body.result).toEqual([{ id: 1, status: 'updated' }]);
  });

  it('1010 when the match lives in another partition than partitionName (dedupe is instance-wide)', async () => {
    const { t, api } = await partitionedSim();
    await sync(api, { input: [{ email: 'shared@example.com' }] });
    const body = await sync(api, { partitionName: 'Mexico', input: [{ email: 'shared@example.com', firstName: 'X' }] });
    expect(body.result).toEqual([skipped('1010', 'Partition update not allowed')]);
    expect(t.sim.runtime.firstInstance().leads.size).toBe(1);
    // createOnly still sees the match in the other partition.
    expect((await sync(api, { action: 'createOnly', partitionName: 'Mexico', input: [{ email: 'shared@example.com' }] })).result).toEqual([
      skipped('1005', 'Lead already exists'),
    ]);
  });

  it('with the partition-aware dedupe setting, the same email lives once per partition', async () => {
    const { t, api } = await partitionedSim({ dedupe: { partitionScoped: true } });
    await sync(api, { input: [{ email: 'shared@example.com' }] });
    const body = await sync(api, { partitionName: 'Mexico', input: [{ email: 'shared@example.com', firstName: 'MX' }] });
    expect(body.result).toEqual([{ id: 2, status: 'created' }]);
    expect((await sync(api, { partitionName: 'Mexico', input: [{ email: 'shared@example.com', lastName: 'Again' }] })).result).toEqual([{ id: 2, status: 'updated' }]);
    expect(t.sim.runtime.firstInstance().leads.size).toBe(2);
  });

  it('partitionName is ignored with updateOnly (it works only with createOnly and createOrUpdate)', async () => {
    const { api } = await partitionedSim();
    await sync(api, { input: [{ email: 'a@example.com' }] });
    const body = await sync(api, { action: 'updateOnly', partitionName: 'Mexico', input: [{ email: 'a@example.com', city: 'Puebla' }] });
    expect(body.result).toEqual([{ id: 1, status: 'updated' }]);
  });

  it('1008 when the caller cannot write the named partition or the matched lead', async () => {
    const { t, api } = await partitionedSim();
    await sync(api, { input: [{ email: 'in-default@example.com' }] });
    const mexico = await clientFor(t, serviceNamed(t, 'Mexico team'));
    expect((await sync(mexico, { partitionName: 'Canada', input: [{ email: 'new@example.com' }] })).result).toEqual([
      skipped('1008', "Access denied to partition 'Canada'"),
    ]);
    expect((await sync(mexico, { input: [{ email: 'in-default@example.com', firstName: 'X' }] })).result).toEqual([
      skipped('1008', "Access denied to partition 'Default'"),
    ]);
    expect((await sync(mexico, { partitionName: 'Mexico', input: [{ email: 'mx@example.com' }] })).result).toEqual([{ id: 2, status: 'created' }]);
  });

  it('skips every record when partitionName names no partition (emulator decision: 1013)', async () => {
    const { api } = await partitionedSim();
    const body = await sync(api, { partitionName: 'Atlantis', input: [{ email: 'a@example.com' }, { email: 'b@example.com' }] });
    expect(body.result).toEqual([skipped('1013', "Partition 'Atlantis' not found"), skipped('1013', "Partition 'Atlantis' not found")]);
  });
});

describe('Sync Leads: values and timestamps', () => {
  it('maintains createdAt and updatedAt on the instance clock', async () => {
    const t = testSim();
    const api = await clientFor(t);
    await sync(api, { input: [{ email: 'a@example.com', firstName: 'Ann' }] });
    const created = (await api.get('/rest/v1/lead/1.json')).body.result[0];
    expect(created.createdAt).toBe('2026-11-02T15:00:00Z');
    expect(created.updatedAt).toBe('2026-11-02T15:00:00Z');
    t.clock.advance(90_000);
    await sync(api, { input: [{ email: 'a@example.com', firstName: 'Anna' }] });
    const updated = (await api.get('/rest/v1/lead/1.json')).body.result[0];
    expect(updated).toEqual({
      id: 1,
      updatedAt: '2026-11-02T15:01:30Z',
      lastName: null,
      email: 'a@example.com',
      createdAt: '2026-11-02T15:00:00Z',
      firstName: 'Anna',
    });
    expect(Object.keys(updated)).toEqual(['id', 'updatedAt', 'lastName', 'email', 'createdAt', 'firstName']);
  });

  it('writes null and "" as null (the field reads back as explicit null)', async () => {
    const t = testSim();
    const api = await clientFor(t);
    await sync(api, { input: [{ email: 'a@example.com', firstName: 'Ann', lastName: 'Lee', city: 'Paris' }] });
    await sync(api, { input: [{ email: 'a@example.com', firstName: null, lastName: '' }] });
    const read = await api.get('/rest/v1/lead/1.json', { fields: 'firstName,lastName,city' });
    expect(read.body.result).toEqual([{ id: 1, firstName: null, lastName: null, city: 'Paris' }]);
  });

  it('stores emails trimmed, as they are matched; an email of spaces is no lookup value (1003)', async () => {
    const t = testSim();
    const api = await clientFor(t);
    expect((await sync(api, { input: [{ email: '  Ann@Example.com \t' }] })).result).toEqual([{ id: 1, status: 'created' }]);
    expect((await api.get(LEADS, { filterType: 'email', filterValues: 'ann@example.com', fields: 'email' })).body.result).toEqual([{ id: 1, email: 'Ann@Example.com' }]);
    expect((await sync(api, { input: [{ email: 'Ann@Example.com ', firstName: 'Ann' }] })).result).toEqual([{ id: 1, status: 'updated' }]);
    // Same email once trimmed: no Change Data Value for it.
    expect(t.sim.runtime.firstInstance().activities.map((a) => a.fields?.map((f) => f.name))).toEqual([[], ['firstName']]);
    expect((await sync(api, { input: [{ email: '   ' }] })).result).toEqual([skipped('1003', 'Invalid data')]);
  });

  it('writing the same values again changes nothing and keeps updatedAt', async () => {
    const t = testSim();
    const api = await clientFor(t);
    await sync(api, { input: [{ email: 'a@example.com', firstName: 'Ann' }] });
    t.clock.advance(60_000);
    expect((await sync(api, { input: [{ email: 'a@example.com', firstName: 'Ann' }] })).result).toEqual([{ id: 1, status: 'updated' }]);
    expect((await api.get('/rest/v1/lead/1.json', { fields: 'updatedAt' })).body.result).toEqual([{ id: 1, updatedAt: '2026-11-02T15:00:00Z' }]);
  });
});
