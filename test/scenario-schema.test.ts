// The scenario JSON Schema offers editors the values of the connector's enumerated settings, and those are exactly
// the values the connector accepts.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseDestinationConfig } from '../connector/config.js';
import { buildJsonSchema } from '../scenarios/runner/json-schema.js';
import { SETTING_CHOICES } from '../scenarios/runner/schema.js';

const BASE = { name: 'd', munchkinId: '123-ABC-456', clientId: 'id', clientSecret: 'secret', aep: { imsOrgId: '1231659F56A68A8B7F000101@AdobeOrg' } };

function accepted(setting: Record<string, unknown>): boolean {
  try {
    parseDestinationConfig({ ...BASE, ...setting });
    return true;
  } catch (e) {
    if (e instanceof ConfigError) return false;
    throw e;
  }
}

describe('scenario JSON Schema', () => {
  it('offers every value of the enumerated connector settings, each one the connector accepts', () => {
    const destination = (buildJsonSchema().definitions as Record<string, { properties: Record<string, { anyOf?: { enum?: string[] }[] }> }>).Destination;
    for (const key of ['writePath', 'multipleEmails', 'onExit', 'matching', 'percent'] as const) {
      expect(destination.properties[key].anyOf?.[0].enum, key).toEqual([...SETTING_CHOICES[key]]);
      for (const value of SETTING_CHOICES[key]) expect(accepted({ [key]: value }), `${key}: ${value}`).toBe(true);
      expect(accepted({ [key]: 'bogus' }), `${key}: bogus`).toBe(false);
    }
  });

  it('offers the XDM types: the exportable ones are accepted, array, object, map and byte refused', () => {
    const mapping = (xdmType: string) => ({ mapping: [{ source: 'person.name.firstName', xdmType, target: 'firstName' }] });
    const accepts = SETTING_CHOICES.xdmType.filter((t) => accepted(mapping(t)));
    expect(accepts).toEqual(['string', 'enum', 'date', 'date-time', 'integer', 'short', 'long', 'double', 'boolean']);
  });
});
