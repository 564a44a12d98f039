// Wire tests: lead schema fields: Get Lead Fields (paged), Get Lead Field by Name, Create Lead Fields, Update Lead Field.
import { describe, expect, it } from 'vitest';
import { clientFor, partitionedSim, serviceNamed } from './support/wire.js';
import { testSim } from './support/sim.js';
import type { ConfigFile } from '../simulator/config.js';

const FIELDS = '/rest/v1/leads/schema/fields.json';
const field = (name: string) => `/rest/v1/leads/schema/fields/${name}.json`;
const skipped = (name: string | undefined, code: string, message: string) => ({ ...(name ? { name } : {}), status: 'skipped', reasons: [{ code, message }] });

const SCHEMA_ROLES: ConfigFile = {
  instances: [
    {
      munchkinId: '123-ABC-456',
      fields: [{ name: 'uiField', displayName: 'UI Field', dataType: 'string' }],
      services: [
        { name: 'Admin', clientId: 'admin', clientSecret: 'admin-secret' },
        { name: 'Standard only', clientId: 'std', clientSecret: 'std-secret', permissions: ['Read-Write Schema Standard Field'] },
        { name: 'Custom only', clientId: 'custom', clientSecret: 'custom-secret', permissions: ['Read-Write Schema Custom Field', 'Read-Only Person'] },
        { name: 'Person', clientId: 'person', clientSecret: 'person-secret', permissions: ['Read-Write Person'] },
      ],
    },
  ],
};

describe('Get Lead Field by Name', () => {
  it('returns the documented item for email', async () => {
    const t = testSim();
    const res = await (await clientFor(t)).get(field('email'));
    expect(res.body.result).toEqual([
      {
        displayName: 'Email Address',
        name: 'email',
        description: null,
        dataType: 'email',
        length: 255,
        isHidden: false,
        isHtmlEncodingInEmail: true,
        isSensitive: true,
        isCustom: false,
        isApiCreated: false,
      },
    ]);
  });

  it('has no length on date and boolean fields, which do not HTML-encode', async () => {
    const api = await clientFor(testSim());
    expect((await api.get(field('dateOfBirth'))).body.result[0]).toEqual({
      displayName: 'Date of Birth',
      name: 'dateOfBirth',
      description: null,
      dataType: 'date',
      isHidden: false,
      isHtmlEncodingInEmail: false,
      isSensitive: true,
      isCustom: false,
      isApiCreated: false,
    });
    expect((await api.get(field('unsubscribed'))).body.result[0].isHtmlEncodingInEmail).toBe(false);
  });

  it('1006 for a field that does not exist', async () => {
    const res = await (await clientFor(testSim())).get(field('favouriteColour'));
    expect(res.body.errors).toEqual([{ code: '1006', message: "Field 'favouriteColour' not found" }]);
  });
});

describe('Get Lead Fields (paged)', () => {
  it('lists every field of the default schema in id order, 300 at most per page', async () => {
    const api = await clientFor(testSim());
    const res = await api.get(FIELDS);
    expect(res.body.result).toHaveLength(100);
    expect(res.body.result[0].name).toBe('company');
    expect(res.body.result[99].name).toBe('ecids');
    expect(res.body.moreResult).toBe(false);
    expect(res.body.nextPageToken).toBeUndefined();
  });

  it('pages with batchSize and nextPageToken until moreResult is false', async () => {
    const api = await clientFor(testSim());
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const res = await api.get(FIELDS, { batchSize: 30, ...(token ? { nextPageToken: token } : {}) });
      expect(res.body.success).toBe(true);
      names.push(...res.body.result.map((f: { name: string }) => f.name));
      token = res.body.moreResult ? res.body.nextPageToken : undefined;
      pages++;
    } while (token);
    expect(pages).toBe(4);
    expect(names).toHaveLength(100);
    expect(new Set(names).size).toBe(100);
  });

  it('lists standard and custom fields according to the role', async () => {
    const t = testSim({ config: SCHEMA_ROLES });
    const std = await clientFor(t, serviceNamed(t, 'Standard only'));
    const custom = await clientFor(t, serviceNamed(t, 'Custom only'));
    const stdNames = (await std.get(FIELDS)).body.result.map((f: { name: string }) => f.name);
    const customNames = (await custom.get(FIELDS)).body.result.map((f: { name: string }) => f.name);
    expect(stdNames).toContain('email');
    expect(stdNames).not.toContain('uiField');
    expect(customNames).toContain('uiField');
    expect(customNames).not.toContain('email');
    expect(stdNames.length + customNames.length).toBe(101);
    expect((await custom.get(field('email'))).body.errors).toEqual([{ code: '603', message: 'Access denied' }]);
    const person = await clientFor(t, serviceNamed(t, 'Person'));
    expect((await person.get(FIELDS)).body.errors).toEqual([{ code: '603', message: 'Access denied' }]);
  });
});

describe('Create Lead Fields', () => {
  it('creates the documented example and the fields appear in describe, describe2 and Sync Leads at once', async () => {
    const t = testSim();
    const api = await clientFor(t);
    const res = await api.post(FIELDS, {
      input: [
        { displayName: 'Acme Access Code', name: 'acmeAccessCode', description: 'Acme Direct Mail Integration', dataType: 'string' },
        { displayName: 'Acme Mail Date', name: 'acmeMailDate', description: 'Acme Direct Mail Integration', dataType: 'string' },
      ],
    });
    expect(res.body).toEqual({
      requestId: res.body.requestId,
      result: [
        { name: 'acmeAccessCode', status: 'created' },
        { name: 'acmeMailDate', status: 'created' },
      ],
      success: true,
    });
    expect((await api.get(field('acmeAccessCode'))).body.result).toEqual([
      {
        displayName: 'Acme Access Code',
        name: 'acmeAccessCode',
        description: 'Acme Direct Mail Integration',
        dataType: 'string',
        length: 255,
        isHidden: false,
        isHtmlEncodingInEmail: true,
        isSensitive: false,
        isCustom: true,
        isApiCreated: true,
      },
    ]);
    const describe = (await api.get('/rest/v1/leads/describe.json')).body.result;
    expect(describe).toHaveLength(102);
    expect(describe[100]).toEqual({
      id: 831,
      displayName: 'Acme Access Code',
      dataType: 'string',
      length: 255,
      rest: { name: 'acmeAccessCode', readOnly: false },
      soap: { name: 'acmeAccessCode', readOnly: false },
    });
    const describe2 = (await api.get('/rest/v1/leads/describe2.json')).body.result[0];
    expect(describe2.fields.find((f: { name: string }) => f.name === 'acmeMailDate')).toEqual({
      name: 'acmeMailDate',
      displayName: 'Acme Mail Date',
      dataType: 'string',
      length: 255,
      updateable: true,
      crmManaged: false,
    });
    expect(describe2.searchableFields).toContainEqual(['acmeAccessCode']);
    expect((await api.post('/rest/v1/leads.json', { lookupField: 'acmeAccessCode', input: [{ acmeAccessCode: 'X1', acmeMailDate: 'soon' }] })).body.result).toEqual([
      { id: 1, status: 'created' },
    ]);
    expect((await api.get('/rest/v1/leads.json', { filterType: 'acmeAccessCode', filterValues: 'X1', fields: 'acmeMailDate' })).body.result).toEqual([
      { id: 1, acmeMailDate: 'soon' },
    ]);
  });

  it('maps creatable types to what describe reports (score -> integer) and keeps lengths only on text-like types', async () => {
    const api = await clientFor(testSim());
    const types = ['boolean', 'currency', 'date', 'datetime', 'email', 'float', 'integer', 'percent', 'phone', 'score', 'string', 'url'];
    const input = types.map((dataType) => ({ name: `f_${dataType}`, displayName: `F ${dataType}`, dataType }));
    const res = await api.post(FIELDS, { input });
    expect(res.body.result).toEqual(types.map((dataType) => ({ name: `f_${dataType}`, status: 'created' })));
    const listed = (await api.get(FIELDS)).body.result.filter((f: { name: string }) => f.name.startsWith('f_'));
    expect(listed.map((f: { name: string; dataType: string; length?: number }) => [f.name, f.dataType, f.length ?? null])).toEqual([
      ['f_boolean', 'boolean', null],
      ['f_currency', 'currency', null],
      ['f_date', 'date', null],
      ['f_datetime', 'datetime', null],
      ['f_email', 'email', 255],
      ['f_float', 'float', null],
      ['f_integer', 'integer', null],
      ['f_percent', 'percent', null],
      ['f_phone', 'phone', 255],
      ['f_score', 'integer', null],
      ['f_string', 'string', 255],
      ['f_url', 'url', 255],
    ]);
  });

  it('applies the defaults and the optional flags', async () => {
    const api = await clientFor(testSim());
    await api.post(FIELDS, { input: [{ name: 'secretCode', displayName: 'Secret Code', dataType: 'string', isHidden: true, isHtmlEncodingInEmail: false, isSensitive: true }] });
    const item = (await api.get(field('secretCode'))).body.result[0];
    expect([item.isHidden, item.isHtmlEncodingInEmail, item.isSensitive, item.description]).toEqual([true, false, true, null]);
  });

  it('skips bad items one by one with their reasons', async () => {
    const api = await clientFor(testSim());
    const res = await api.post(FIELDS, {
      input: [
        { displayName: 'Good One', name: 'goodOne', dataType: 'string' },
        { displayName: 'No Type', name: 'noType' },
        { displayName: 'No Name', dataType: 'string' },
        { name: 'noDisplayName', dataType: 'string' },
        { displayName: 'Bad Name', name: '1stField', dataType: 'string' },
        { displayName: 'Spaces', name: 'has space', dataType: 'string' },
        { displayName: 'Weird Type', name: 'weirdType', dataType: 'textarea' },
        { displayName: 'Special!', name: 'special', dataType: 'string' },
        { displayName: 'Email Again', name: 'email', dataType: 'email' },
        { displayName: 'Case Clash', name: 'GOODONE', dataType: 'string' },
        { displayName: 'email address', name: 'emailAddress2', dataType: 'email' },
        { displayName: 'Has Length', name: 'hasLength', dataType: 'string', length: 80 },
        { displayName: 'Bad Flag', name: 'badFlag', dataType: 'string', isHidden: 'yes' },
        42,
      ],
    });
    expect(res.body.result).toEqual([
      { name: 'goodOne', status: 'created' },
      skipped('noType', '1002', "Missing value for the required parameter 'dataType'"),
      skipped(undefined, '1002', "Missing value for the required parameter 'name'"),
      skipped('noDisplayName', '1002', "Missing value for the required parameter 'displayName'"),
      skipped('1stField', '1003', "Invalid field name '1stField'"),
      skipped('has space', '1003', "Invalid field name 'has space'"),
      skipped('weirdType', '1003', "Invalid dataType 'textarea'"),
      skipped('special', '1003', "Invalid display name 'Special!'"),
      skipped('email', '1017', "Field 'email' already exists"),
      skipped('GOODONE', '1017', "Field 'GOODONE' already exists"),
      skipped('emailAddress2', '1017', "Field with display name 'email address' already exists"),
      skipped('hasLength', '1003', "Invalid attribute 'length'"),
      skipped('badFlag', '1001', "Invalid value 'yes'. Required of type 'boolean'"),
      skipped(undefined, '1003', 'Invalid data'),
    ]);
  });

  it('accepts 100 fields per call and refuses 101; needs Read-Write Schema Custom Field', async () => {
    const t = testSim({ config: SCHEMA_ROLES });
    const admin = await clientFor(t);
    const many = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ name: `${prefix}${i}`, displayName: `${prefix} ${i}`, dataType: 'integer' }));
    expect((await admin.post(FIELDS, { input: many(101, 'over') })).body.errors).toEqual([
      { code: '1003', message: 'Too many fields in input (101); the maximum is 100' },
    ]);
    const ok = await admin.post(FIELDS, { input: many(100, 'bulk') });
    expect(ok.body.result).toHaveLength(100);
    expect(ok.body.result.every((r: { status: string }) => r.status === 'created')).toBe(true);
    expect((await admin.post(FIELDS, {})).body.errors).toEqual([{ code: '701', message: 'input cannot be blank' }]);
    expect((await admin.post(FIELDS, { input: [] })).body.errors).toEqual([{ code: '701', message: 'input cannot be blank' }]);
    expect((await admin.post(FIELDS, { input: { name: 'x' } })).body.errors).toEqual([{ code: '1003', message: 'input must be an array' }]);
    const std = await clientFor(t, serviceNamed(t, 'Standard only'));
    expect((await std.post(FIELDS, { input: many(1, 'std') })).body.errors).toEqual([{ code: '603', message: 'Access denied' }]);
  });
});

describe('Custom fields from an instance definition', () => {
  it('are custom, not API-created, and take their name as display name when none is given', async () => {
    const t = testSim({ config: { instances: [{ munchkinId: '123-ABC-456', fields: [{ name: 'crmScore', dataType: 'score' }, { name: 'notes2', dataType: 'textarea' }] }] } });
    const api = await clientFor(t);
    expect((await api.get(field('crmScore'))).body.result).toEqual([
      {
        displayName: 'crmScore',
        name: 'crmScore',
        description: null,
        dataType: 'integer',
        isHidden: false,
        isHtmlEncodingInEmail: true,
        isSensitive: false,
        isCustom: true,
        isApiCreated: false,
      },
    ]);
    // Text Area can be made in the UI (and in a definition), not through the API; it reports as text.
    expect((await api.get(field('notes2'))).body.result[0].dataType).toBe('text');
  });
});

describe('Update Lead Field', () => {
  it('updates the documented example', async () => {
    const api = await clientFor(testSim());
    await api.post(FIELDS, { input: [{ displayName: 'Acme Code', name: 'acmeAccessCode', dataType: 'string' }] });
    const res = await api.post(field('acmeAccessCode'), {
      input: [{ displayName: 'Acme Access Code', description: 'Acme Direct Mail Integration', isHtmlEncodingInEmail: true }],
    });
    expect(res.body).toEqual({ requestId: res.body.requestId, result: [{ name: 'acmeAccessCode', status: 'updated' }], success: true });
    const item = (await api.get(field('acmeAccessCode'))).body.result[0];
    expect([item.displayName, item.description]).toEqual(['Acme Access Code', 'Acme Direct Mail Integration']);
    expect((await api.get('/rest/v1/leads/describe.json')).body.result.find((f: { id: number }) => f.id === 831).displayName).toBe('Acme Access Code');
  });

  it('on a standard field: description, isHtmlEncodingInEmail and isSensitive only', async () => {
    const api = await clientFor(testSim());
    expect((await api.post(field('title'), { input: [{ description: 'Job title', isSensitive: false, isHtmlEncodingInEmail: false }] })).body.result).toEqual([
      { name: 'title', status: 'updated' },
    ]);
    const item = (await api.get(field('title'))).body.result[0];
    expect([item.description, item.isSensitive, item.isHtmlEncodingInEmail]).toEqual(['Job title', false, false]);
    expect((await api.post(field('title'), { input: [{ displayName: 'Position' }] })).body.result).toEqual([
      skipped('title', '1003', "The display name of standard field 'title' cannot be updated"),
    ]);
    expect((await api.post(field('title'), { input: [{ isHidden: true }] })).body.result).toEqual([
      skipped('title', '1003', "Standard field 'title' cannot be hidden or shown through the API"),
    ]);
    // Sending the current value is not a change.
    expect((await api.post(field('title'), { input: [{ displayName: 'Job Title', isHidden: false }] })).body.result).toEqual([
      { name: 'title', status: 'updated' },
    ]);
  });

  it('isHidden only on custom fields created by the API', async () => {
    const { api } = await partitionedSim();
    await api.post(FIELDS, { input: [{ displayName: 'Api Made', name: 'apiMade', dataType: 'string' }] });
    expect((await api.post(field('apiMade'), { input: [{ isHidden: true }] })).body.result).toEqual([{ name: 'apiMade', status: 'updated' }]);
    expect((await api.get(field('apiMade'))).body.result[0].isHidden).toBe(true);
    expect((await api.post(field('externalKey'), { input: [{ isHidden: true }] })).body.result).toEqual([
      skipped('externalKey', '1003', "Field 'externalKey' was not created through the API; hide or show it in the Marketo UI"),
    ]);
    expect((await api.post(field('externalKey'), { input: [{ displayName: 'Partner Key' }] })).body.result).toEqual([{ name: 'externalKey', status: 'updated' }]);
  });

  it('never changes dataType, length, name or isCustom, and applies nothing from a refused update', async () => {
    const api = await clientFor(testSim());
    await api.post(FIELDS, { input: [{ displayName: 'Code', name: 'code', dataType: 'string' }] });
    for (const [key, value] of [['dataType', 'integer'], ['length', 80], ['name', 'code2'], ['isCustom', false]] as const) {
      expect((await api.post(field('code'), { input: [{ description: 'changed', [key]: value }] })).body.result).toEqual([
        skipped('code', '1003', `Attribute '${key}' cannot be updated`),
      ]);
    }
    expect((await api.get(field('code'))).body.result[0].description).toBeNull();
  });

  it('refuses a display name that another field has, and bad values', async () => {
    const api = await clientFor(testSim());
    await api.post(FIELDS, { input: [{ displayName: 'Code', name: 'code', dataType: 'string' }] });
    expect((await api.post(field('code'), { input: [{ displayName: 'Email Address' }] })).body.result).toEqual([
      skipped('code', '1017', "Field with display name 'Email Address' already exists"),
    ]);
    expect((await api.post(field('code'), { input: [{ isSensitive: 'no' }] })).body.result).toEqual([
      skipped('code', '1001', "Invalid value 'no'. Required of type 'boolean'"),
    ]);
    expect((await api.post(field('code'), { input: [{ colour: 'red' }] })).body.result).toEqual([skipped('code', '1003', "Invalid attribute 'colour'")]);
  });

  it('needs exactly one input object; unknown fields are 1006; permissions follow the field kind', async () => {
    const t = testSim({ config: SCHEMA_ROLES });
    const admin = await clientFor(t);
    expect((await admin.post(field('uiField'), {})).body.errors).toEqual([{ code: '701', message: 'input cannot be blank' }]);
    expect((await admin.post(field('uiField'), { input: [] })).body.errors).toEqual([{ code: '701', message: 'input cannot be blank' }]);
    expect((await admin.post(field('uiField'), { input: { description: 'x' } })).body.errors).toEqual([{ code: '1003', message: 'input must be an array' }]);
    expect((await admin.post(field('uiField'), { input: [{}, {}] })).body.errors).toEqual([{ code: '1003', message: 'input must hold exactly one field' }]);
    expect((await admin.post(field('nope'), { input: [{ description: 'x' }] })).body.errors).toEqual([{ code: '1006', message: "Field 'nope' not found" }]);
    const std = await clientFor(t, serviceNamed(t, 'Standard only'));
    expect((await std.post(field('uiField'), { input: [{ description: 'x' }] })).body.errors).toEqual([{ code: '603', message: 'Access denied' }]);
    expect((await std.post(field('email'), { input: [{ description: 'x' }] })).body.result).toEqual([{ name: 'email', status: 'updated' }]);
    const custom = await clientFor(t, serviceNamed(t, 'Custom only'));
    expect((await custom.post(field('email'), { input: [{ description: 'x' }] })).body.errors).toEqual([{ code: '603', message: 'Access denied' }]);
    expect((await custom.post(field('uiField'), { input: [{ description: 'y' }] })).body.result).toEqual([{ name: 'uiField', status: 'updated' }]);
  });
});
