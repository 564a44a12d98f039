import { afterEach, describe, expect, it } from 'vitest';
import { EXPORTABLE_XDM_TYPES, type XdmType } from '../connector/config.js';
import { COMPATIBLE_MARKETO_TYPES, convertValue } from '../connector/mapping.js';
import { connectorSim, MUNCHKIN, profileExport, type ConnectorSim } from './support/connector.js';

let t: ConnectorSim | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** One field of each describe2 type in the emulator's default schema. */
const FIELD_OF_TYPE: Record<string, string> = {
  string: 'company',
  text: 'textarea_field',
  url: 'website',
  phone: 'phone',
  email: 'email_field',
  integer: 'integer_field',
  score: 'score_field',
  float: 'float_field',
  currency: 'currency_field',
  percent: 'percent_field',
  boolean: 'boolean_field',
  date: 'dateOfBirth',
  datetime: 'datetime_field',
};

/** Adobe's table, in Marketo's UI names (Score fields report integer and take what Integer takes). */
const DOCUMENTED: Record<XdmType, string[]> = {
  string: ['string', 'text', 'url', 'phone', 'email'],
  enum: ['string'],
  date: ['date'],
  'date-time': ['datetime'],
  integer: ['integer', 'score'],
  short: ['integer', 'score'],
  long: ['float'],
  double: ['currency', 'float', 'percent'],
  boolean: ['boolean'],
};

describe('XDM -> Marketo type compatibility (the documented table, checked against describe2)', () => {
  it.each(EXPORTABLE_XDM_TYPES)('XDM %s is accepted exactly for its documented Marketo types', async (xdmType) => {
    t ??= await connectorSim();
    const mapping = Object.entries(FIELD_OF_TYPE).map(([type, target]) => ({ source: `person.as_${type}`, xdmType, target }));
    const report = await t.connector({ mapping }).preflight();
    const refused = new Set(report.problems.filter((p) => p.check === 'mapping').map((p) => /-> (\w+)\)/.exec(p.message)![1]));
    const accepted = Object.entries(FIELD_OF_TYPE)
      .filter(([, field]) => !refused.has(field))
      .map(([type]) => type);
    expect(accepted.sort()).toEqual([...DOCUMENTED[xdmType]].sort());
    expect(COMPATIBLE_MARKETO_TYPES[xdmType]).toEqual(expect.arrayContaining(DOCUMENTED[xdmType].map((d) => (d === 'score' ? 'integer' : d))));
  });
});

describe('value conversion', () => {
  const entry = (xdmType: XdmType, target = 'f') => ({ source: 'person.x', xdmType, target });

  it('passes dates as YYYY-MM-DD and date-times with their offset (+0000 normalised to +00:00)', () => {
    expect(convertValue(entry('date'), 'date', '2019-05-15', { percent: 'round' })).toEqual({ ok: true, value: '2019-05-15' });
    expect(convertValue(entry('date-time'), 'datetime', '2019-04-15T02:41:50.000+0000', { percent: 'round' })).toEqual({ ok: true, value: '2019-04-15T02:41:50+00:00' });
    expect(convertValue(entry('date-time'), 'datetime', '2019-05-15T20:20:39Z', { percent: 'round' })).toEqual({ ok: true, value: '2019-05-15T20:20:39Z' });
  });

  it('refuses values of the wrong XDM type with the path, the value and the mapping', () => {
    const refused = (xdmType: XdmType, marketoType: string, value: unknown) => {
      const r = convertValue({ source: 'person.x', xdmType, target: 'f' }, marketoType, value, { percent: 'reject' });
      return r.ok ? 'accepted' : r.reason;
    };
    expect(refused('string', 'string', 42)).toBe('person.x: expected a string, got 42 (XDM String -> Marketo f)');
    expect(refused('date', 'date', '2019-02-30')).toBe("person.x: expected a date YYYY-MM-DD, got '2019-02-30' (XDM Date -> Marketo f)");
    expect(refused('date', 'date', '2019-05-15T00:00:00Z')).toBe("person.x: expected a date YYYY-MM-DD, got '2019-05-15T00:00:00Z' (XDM Date -> Marketo f)");
    expect(refused('date-time', 'datetime', '2019-05-15T20:20:39')).toBe(
      "person.x: expected an ISO 8601 date-time with an offset (2019-05-15T20:20:39+00:00), got '2019-05-15T20:20:39' (XDM Date-time -> Marketo f)",
    );
    expect(refused('integer', 'integer', 1.5)).toBe('person.x: expected a whole number, got 1.5 (XDM Integer -> Marketo f)');
    expect(refused('integer', 'integer', 2 ** 31)).toBe('person.x: 2147483648 is outside the Integer range (XDM Integer -> Marketo f)');
    expect(refused('short', 'integer', 40_000)).toBe('person.x: 40000 is outside the Short range (XDM Short -> Marketo f)');
    expect(refused('long', 'float', '12')).toBe("person.x: expected a whole number, got '12' (XDM Long -> Marketo f)");
    expect(refused('double', 'currency', 'NaN')).toBe("person.x: expected a number, got 'NaN' (XDM Double -> Marketo f)");
    expect(refused('double', 'percent', 12.5)).toBe('person.x: 12.5 is not a whole percentage (Marketo Percent holds integers) (XDM Double -> Marketo f)');
    expect(refused('boolean', 'boolean', 'yes')).toBe("person.x: expected true or false, got 'yes' (XDM Boolean -> Marketo f)");
  });

  it('rounds Double -> Percent by default and says so', () => {
    expect(convertValue(entry('double', 'pct'), 'percent', 12.5, { percent: 'round' })).toEqual({
      ok: true,
      value: 13,
      note: "person.x: 12.5 rounded to 13 for Percent field 'pct'",
    });
    expect(convertValue(entry('double', 'pct'), 'percent', -2.5, { percent: 'round' })).toMatchObject({ value: -3 });
  });
});

describe('writing mapped attributes to Marketo', () => {
  const mapping = [
    { source: 'person.name.firstName', xdmType: 'string', target: 'firstName' },
    { source: 'person.tier', xdmType: 'enum', target: 'company' },
    { source: 'person.birthDate', xdmType: 'date', target: 'dateOfBirth' },
    { source: 'person.lastSeen', xdmType: 'date-time', target: 'datetime_field' },
    { source: 'person.visits', xdmType: 'integer', target: 'integer_field' },
    { source: 'person.rank', xdmType: 'short', target: 'score_field' },
    { source: 'person.bigNumber', xdmType: 'long', target: 'float_field' },
    { source: 'person.revenue', xdmType: 'double', target: 'currency_field' },
    { source: 'person.share', xdmType: 'double', target: 'percent_field' },
    { source: 'person.vip', xdmType: 'boolean', target: 'boolean_field' },
    { source: 'person.site', xdmType: 'string', target: 'website' },
  ] as const;

  it('converts each type to what Marketo stores, writes only mapped attributes, and notes roundings', async () => {
    t = await connectorSim();
    const sync = t.connector({ mapping: [...mapping] });
    await sync.connect();
    const receipt = sync.push(
      profileExport('ann@example.com', {
        'person.name.firstName': 'Ann',
        'person.tier': 'Platinum',
        'person.birthDate': '1990-05-15',
        'person.lastSeen': '2019-05-15T22:20:39+0200',
        'person.visits': 24906290,
        'person.rank': 15781,
        'person.bigNumber': 1478108935,
        'person.revenue': 12925.49,
        'person.share': 12.5,
        'person.vip': true,
        'person.site': 'https://example.com',
        'person.unmapped': 'never sent',
      }),
    );
    const result = await receipt.done;
    expect(result).toMatchObject({ status: 'created', leadId: 1, notes: ["person.share: 12.5 rounded to 13 for Percent field 'percent_field'"] });
    const [lead] = t.sim.control.listLeads(MUNCHKIN).leads;
    expect(lead).toEqual({
      id: 1,
      partition: 'Default',
      partitionId: 1,
      createdAt: '2026-11-02T15:00:00Z',
      updatedAt: '2026-11-02T15:00:00Z',
      email: 'ann@example.com',
      firstName: 'Ann',
      company: 'Platinum',
      dateOfBirth: '1990-05-15',
      datetime_field: '2019-05-15T20:20:39Z',
      integer_field: 24906290,
      score_field: 15781,
      float_field: 1478108935,
      currency_field: 12925.49,
      percent_field: 13,
      boolean_field: true,
      website: 'https://example.com',
    });
  });

  it('leaves a field alone when the attribute has no value, and clears it on an explicit null', async () => {
    t = await connectorSim();
    const sync = t.connector({ mapping: [mapping[0], mapping[1]] });
    await sync.connect();
    await sync.push(profileExport('ann@example.com', { 'person.name.firstName': 'Ann', 'person.tier': 'Gold' })).done;
    const absent = profileExport('ann@example.com', { 'person.name.firstName': 'Annie' });
    absent.attributes['person.tier'] = {};
    expect(await sync.push(absent).done).toMatchObject({ status: 'updated', leadId: 1 });
    expect(t.sim.control.listLeads(MUNCHKIN).leads[0]).toMatchObject({ firstName: 'Annie', company: 'Gold' });
    await sync.push(profileExport('ann@example.com', { 'person.name.firstName': null })).done;
    expect(t.sim.control.listLeads(MUNCHKIN).leads[0].firstName).toBeUndefined();
    expect(t.sim.control.listLeads(MUNCHKIN).leads[0].company).toBe('Gold');
  });

  it('rejects a profile with an attribute of the wrong type before sending anything', async () => {
    t = await connectorSim();
    const sync = t.connector({ mapping: [...mapping], percent: 'reject' });
    await sync.connect();
    const calls = sync.counters().calls;
    const bad = await sync.push(profileExport('ann@example.com', { 'person.visits': '12', 'person.name.firstName': 'Ann', 'person.vip': 'yes' })).done;
    const percent = await sync.push(profileExport('bob@example.com', { 'person.share': 0.5 })).done;
    // Every bad attribute is named, so one pass over the file fixes them all.
    expect(bad).toMatchObject({
      status: 'rejected',
      reasons: [
        {
          code: 'INVALID_ATTRIBUTE',
          source: 'connector',
          message: "person.visits: expected a whole number, got '12' (XDM Integer -> Marketo integer_field); person.vip: expected true or false, got 'yes' (XDM Boolean -> Marketo boolean_field)",
        },
      ],
    });
    expect(percent.reasons[0].message).toBe('person.share: 0.5 is not a whole percentage (Marketo Percent holds integers) (XDM Double -> Marketo percent_field)');
    expect(sync.counters().calls).toBe(calls);
    expect(t.sim.control.listLeads(MUNCHKIN).total).toBe(0);
  });

  it('writes the Email identity to email unless a mapping targets email', async () => {
    t = await connectorSim();
    const sync = t.connector({ mapping: [{ source: 'personalEmail.address', xdmType: 'string', target: 'email' }] });
    await sync.connect();
    const result = await sync.push(profileExport('identity@example.com', { 'personalEmail.address': 'mapped@example.com' })).done;
    expect(result).toMatchObject({ status: 'created', email: 'identity@example.com', dedup: { email: 'mapped@example.com' } });
    expect(t.sim.control.listLeads(MUNCHKIN).leads[0].email).toBe('mapped@example.com');
  });
});
