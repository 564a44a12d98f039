// Instance definitions (--config): the README example, JSON files, and errors that name the key at fault.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadConfigFile, ConfigError } from '../simulator/config.js';
import { createSimulator, SimClock } from '../simulator/index.js';
import { DefinitionError } from '../simulator/runtime.js';
import { accessiblePartitions } from '../simulator/domain/instance.js';

/** The problems a ConfigError lists for the file (none if it loads). */
function problems(file: string): string[] {
  try {
    loadConfigFile(file);
    return [];
  } catch (e) {
    return (e as ConfigError).problems;
  }
}

const example = fileURLToPath(new URL('../simulator/examples/instances.yaml', import.meta.url));
const clock = () => new SimClock({ start: '2026-11-02T15:00:00Z', frozen: true });

describe('instance definitions (--config)', () => {
  it('the README example builds both instances as written', () => {
    const sim = createSimulator({ config: loadConfigFile(example), clock: clock() });
    const [acme, sandbox] = [...sim.runtime.instances.values()];
    expect(acme.munchkinId).toBe('123-ABC-456');
    expect(acme.leads.size).toBe(50);
    expect(acme.settings.orgMapping?.imsOrgId).toBe('1231659F56A68A8B7F000101@AdobeOrg');
    expect(acme.partitions.map((p) => p.name)).toEqual(['Default', 'North America', 'EMEA']);
    expect(acme.workspaces.map((w) => [w.name, w.partitionIds])).toEqual([
      ['Default', [1, 3]],
      ['Americas', [2]],
    ]);
    expect(acme.fieldByName.get('loyaltyTier')).toMatchObject({ dataType: 'string', length: 255, searchable: true, isCustom: true });
    expect(acme.fieldByName.get('lifetimeValue')).toMatchObject({ displayName: 'lifetimeValue', dataType: 'currency', searchable: false });
    expect(acme.fieldByName.get('company')?.searchable).toBe(true);
    expect(acme.fieldByName.get('title')?.blockedSources).toEqual(['Adobe Experience Platform']);
    const [integration, aep] = acme.services;
    expect([integration.clientId, integration.inputSource]).toEqual(['acme-client', 'Web service API']);
    expect([aep.clientId, aep.inputSource]).toEqual(['aep-client', 'Adobe Experience Platform']);
    expect([...accessiblePartitions(acme, aep, 'write')]).toEqual([2]);
    expect([...accessiblePartitions(acme, integration, 'write')].sort()).toEqual([1, 2, 3]);
    expect(sandbox.settings.hipaaReady).toBe(true);
    expect(sandbox.settings.limits.enabled).toBe(false);
  });

  it('a JSON file is read as JSON, with the same checks; a file that does not parse or cannot be read says so', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-config-'));
    const good = join(dir, 'instances.json');
    writeFileSync(good, JSON.stringify({ seed: 3, instances: [{ munchkinId: '321-xyz-654', leads: 2, partitions: [{ name: 'EMEA' }] }] }));
    const sim = createSimulator({ config: loadConfigFile(good), clock: clock() });
    const only = sim.runtime.firstInstance();
    expect([only.munchkinId, only.leads.size, only.partitions.map((p) => p.name)]).toEqual(['321-XYZ-654', 2, ['Default', 'EMEA']]);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"instances": [{"munchkinId": "321-XYZ-654", "leadz": 1}]}');
    expect(() => loadConfigFile(bad)).toThrow(ConfigError);
    expect(problems(bad)).toEqual(['instances[0]: Unrecognized key: "leadz"']);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"instances": [');
    expect(problems(broken)[0]).toMatch(/^not valid JSON: /);
    expect(problems(join(dir, 'missing.yaml'))[0]).toMatch(/^cannot read the file: ENOENT/);
  });

  it('a definition that validates but cannot be applied names the key at fault', () => {
    const config = {
      instances: [
        { munchkinId: '111-AAA-111' },
        { munchkinId: '222-BBB-222', partitions: [{ name: 'A', description: '' }], workspaces: [{ name: 'W', description: '', partitions: ['A', 'Nowhere'] }] },
      ],
    };
    expect(() => createSimulator({ config, clock: clock() })).toThrow(
      new DefinitionError('instances[1].workspaces[0]', "partition 'Nowhere' does not exist"),
    );
    expect(() => createSimulator({ config: { instances: [{ munchkinId: '111-AAA-111', blocks: { nothing: ['X'] } }] }, clock: clock() })).toThrow(
      "instances[0].blocks.nothing: field 'nothing' does not exist",
    );
  });

  it('schema problems are listed one per line with their key path', () => {
    const file = fileURLToPath(new URL('./fixtures/bad-instances.yaml', import.meta.url));
    expect(() => loadConfigFile(file)).toThrow(ConfigError);
    expect(problems(file)).toEqual([
      'instances[0].munchkinId: a Munchkin ID looks like 123-ABC-456 (3 digits, 3 letters, 3 digits)',
      'instances[0].services[0].permissions[0]: unknown permission; use one of: Read-Only Person, Read-Write Person, Read-Only Activity, Read-Write Activity, Read-Write Schema Standard Field, Read-Write Schema Custom Field, Read-Only Assets, Read-Write Assets, Read-Only Campaigns, Read-Write Campaigns, Read-Only Company, Read-Write Company, Read-Only Custom Object, Read-Write Custom Object, Read-Only Opportunity, Read-Write Opportunity, Read-Only Named Account, Read-Write Named Account, Read-Only Sales Person, Read-Write Sales Person, Access Adobe Organization Mapping',
      'instances[0]: Unrecognized key: "leadz"',
    ]);
  });
});
