import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadDestinationConfig, parseDestinationConfig } from '../connector/config.js';

const valid = {
  name: 'NA sync',
  munchkinId: '123-abc-456',
  clientId: 'id',
  clientSecret: 'secret',
  aep: { imsOrgId: '1231659F56A68A8B7F000101@AdobeOrg', permissions: ['View Destinations', 'Manage Destinations'] },
};

function issues(input: unknown): Record<string, string> {
  try {
    parseDestinationConfig(input);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return Object.fromEntries((e as ConfigError).issues.map((i) => [i.path, i.message]));
  }
  throw new Error('the configuration was accepted');
}

describe('destination configuration', () => {
  it('applies the documented defaults: Default partition, email dedup, endpoints from the Munchkin ID', () => {
    const config = parseDestinationConfig(valid);
    expect(config.munchkinId).toBe('123-ABC-456');
    expect(config.endpoint).toBe('https://123-ABC-456.mktorest.com/rest');
    expect(config.identity).toBe('https://123-ABC-456.mktorest.com/identity');
    expect(config.partition).toBe('Default');
    expect(config.dedupFields).toEqual(['email']);
    expect(config.writePath).toBe('rest');
    expect(config.onExit).toBe('ignore');
    expect(config.multipleEmails).toBe('primary-or-first');
    expect(config.pacing).toEqual({ callsPerWindow: 100, windowMs: 20_000, concurrent: 10, marginMs: 500 });
    expect(config.batch.maxRecords).toBe(300);
    expect(config.mapping).toEqual([]);
  });

  it('keeps given endpoints (trailing slash removed) and normalises XDM type spellings', () => {
    const config = parseDestinationConfig({
      ...valid,
      endpoint: 'http://127.0.0.1:8080/123-ABC-456/rest/',
      identity: 'http://127.0.0.1:8080/123-ABC-456/identity',
      mapping: [{ source: 'person.birthDate', xdmType: 'DateTime', target: 'dateOfBirth' }],
    });
    expect(config.endpoint).toBe('http://127.0.0.1:8080/123-ABC-456/rest');
    expect(config.mapping[0].xdmType).toBe('date-time');
  });

  it('names each missing or bad field and says what is wrong', () => {
    expect(issues({ ...valid, name: ' ', munchkinId: '123-ABCD-456', clientId: undefined, clientSecret: 7 })).toEqual({
      name: 'name must not be empty',
      munchkinId: 'munchkinId must look like 123-ABC-456 (Admin > Munchkin)',
      clientId: 'is required',
      clientSecret: 'clientSecret must be a string',
    });
  });

  it('refuses a bad IMS org and unknown AEP permissions', () => {
    expect(issues({ ...valid, aep: { imsOrgId: 'acme@AdobeOrg', permissions: ['View Destinations', 'Admin'] } })).toEqual({
      'aep.imsOrgId': 'aep.imsOrgId must be 24 letters or digits followed by @AdobeOrg',
      'aep.permissions[1]': expect.stringMatching(/^'Admin' is not an AEP permission; use one of: View Destinations, Manage Destinations/),
    });
  });

  it('takes one or two distinct dedup fields', () => {
    expect(issues({ ...valid, dedupFields: [] })).toEqual({ dedupFields: 'dedupFields needs at least one field (the first searchable field)' });
    expect(issues({ ...valid, dedupFields: ['email', 'company', 'title'] })).toEqual({ dedupFields: 'dedupFields takes at most two fields (first and second searchable field)' });
    expect(issues({ ...valid, dedupFields: ['email', 'email'] })).toEqual({ dedupFields: 'the second dedup field must differ from the first' });
    expect(issues({ ...valid, dedupFields: ['e-mail'] })).toEqual({ 'dedupFields[0]': 'a dedup field must be a Marketo REST field name' });
  });

  it('refuses Array, Object, Map and Byte, and unknown XDM types, per mapping entry', () => {
    const mapping = ['Array', 'object', 'map', 'byte', 'decimal'].map((xdmType, i) => ({ source: `person.f${i}`, xdmType, target: `f${i}` }));
    const found = issues({ ...valid, mapping });
    expect(found['mapping[0].xdmType']).toBe("XDM type 'array' cannot be exported to Marketo (Array, Object, Map and Byte are not supported)");
    expect(found['mapping[1].xdmType']).toBe("XDM type 'object' cannot be exported to Marketo (Array, Object, Map and Byte are not supported)");
    expect(found['mapping[2].xdmType']).toBe("XDM type 'map' cannot be exported to Marketo (Array, Object, Map and Byte are not supported)");
    expect(found['mapping[3].xdmType']).toBe("XDM type 'byte' cannot be exported to Marketo (Array, Object, Map and Byte are not supported)");
    expect(found['mapping[4].xdmType']).toBe("unknown XDM type 'decimal'; use one of string, enum, date, date-time, integer, short, long, double, boolean");
  });

  it('refuses bad paths, bad targets, two sources for one target and unknown settings', () => {
    const found = issues({
      ...valid,
      mapping: [
        { source: 'person..name', xdmType: 'string', target: 'firstName' },
        { source: 'person.name', xdmType: 'string', target: 'first name' },
        { source: 'a.b', xdmType: 'string', target: 'lastName' },
        { source: 'a.c', xdmType: 'string', target: 'LastName' },
        'firstName',
      ],
      batch: { maxRecords: 500 },
      colour: 'blue',
    });
    expect(found).toEqual({
      'mapping[0].source': 'source must be a dotted XDM path such as person.name.firstName (or identityMap.email)',
      'mapping[1].target': 'target must be a Marketo REST field name such as firstName',
      'mapping[4]': 'each mapping entry must be an object {source, xdmType, target}',
      'batch.maxRecords': 'batch.maxRecords must be at most 300 (Marketo batch limit)',
      '(root)': expect.stringMatching(/^unknown setting 'colour'; known settings: name, description, munchkinId, endpoint, identity, clientId, clientSecret, aep, partition, dedupFields, mapping, /),
    });
    expect(issues({ ...valid, mapping: [{ source: 'a.b', xdmType: 'string', target: 'lastName' }, { source: 'a.c', xdmType: 'string', target: 'LastName' }] })).toEqual({
      'mapping[1].target': "Marketo field 'LastName' is already the target of mapping[0]",
    });
  });

  it('suggests the setting a misspelt key was probably meant to be, at any depth', () => {
    expect(issues({ ...valid, partiton: 'EMEA', DedupFields: ['email'], retry: { maxAttempt: 3 }, aep: { ...valid.aep, imsOrgID: 'x' } })).toEqual({
      '(root)': "unknown setting 'DedupFields' (did you mean 'dedupFields'?)",
      retry: "unknown setting 'maxAttempt' (did you mean 'maxAttempts'?)",
      aep: "unknown setting 'imsOrgID' (did you mean 'imsOrgId'?)",
    });
    const both = (() => {
      try {
        parseDestinationConfig({ ...valid, partiton: 'EMEA', DedupFields: ['email'] });
      } catch (e) {
        return (e as ConfigError).issues.map((i) => i.message);
      }
    })();
    expect(both).toEqual(["unknown setting 'partiton' (did you mean 'partition'?)", "unknown setting 'DedupFields' (did you mean 'dedupFields'?)"]);
  });

  it('says once that a value has the wrong type (dedupFields: email is not a list)', () => {
    expect(issues({ ...valid, dedupFields: 'email' })).toEqual({ dedupFields: 'dedupFields must be a list of one or two Marketo field names' });
  });

  it('loads YAML files and reports unreadable ones with the file name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'connector-config-'));
    const file = join(dir, 'destination.yaml');
    writeFileSync(file, 'name: From YAML\nmunchkinId: 123-ABC-456\nclientId: a\nclientSecret: b\naep:\n  imsOrgId: 1231659F56A68A8B7F000101@AdobeOrg\npartition: EMEA\ndedupFields: [email, company]\n');
    const config = loadDestinationConfig(file);
    expect(config.partition).toBe('EMEA');
    expect(config.dedupFields).toEqual(['email', 'company']);
    expect(() => loadDestinationConfig(join(dir, 'missing.yaml'))).toThrow(/cannot read .*missing\.yaml/);
    writeFileSync(file, 'name: [unclosed');
    expect(() => loadDestinationConfig(file)).toThrow(/is not valid YAML or JSON/);
  });
});
