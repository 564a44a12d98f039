import { afterEach, describe, expect, it } from 'vitest';
import { createPlatform } from '../connector/index.js';
import { PreflightError } from '../connector/index.js';
import { parseDestinationConfig } from '../connector/config.js';
import { defaultAdminSettingsSource } from '../connector/preflight.js';
import type { PreflightReport } from '../connector/outcomes.js';
import { connectorSim, MUNCHKIN, ORG, type ConnectorSim } from './support/connector.js';

let t: ConnectorSim | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const messages = (report: PreflightReport, severity: 'error' | 'warning' = 'error') =>
  report.problems.filter((p) => p.severity === severity).map((p) => `[${p.check}] ${p.message}`);

describe('connect(): preflight against the emulator', () => {
  it('passes with the org mapped, access to the partition, searchable dedup fields and compatible mappings', async () => {
    t = await connectorSim();
    const sync = t.connector({ mapping: [{ source: 'person.name.firstName', xdmType: 'string', target: 'firstName' }] });
    const report = await sync.connect();
    expect(report).toMatchObject({ ok: true, problems: [], partitionId: 1 });
    // describe2, partitions and the no-op partition probe; nothing was written.
    expect(sync.counters().callsByOperation).toEqual({ describeLead2: 1, getLeadPartitions: 1, 'syncLeads:createOnly': 1 });
    expect(t.sim.control.listLeads(MUNCHKIN).total).toBe(0);
  });

  it('requires View Destinations and Manage Destinations, and warns about what activation will need', async () => {
    t = await connectorSim();
    const sync = t.connector({ aep: { imsOrgId: ORG, permissions: ['View Destinations', 'View Profiles'] } });
    const error = await sync.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreflightError);
    const report = (error as PreflightError).report;
    expect(messages(report)).toEqual(["[aep-permissions] the AEP user lacks 'Manage Destinations', which connecting a destination needs (View Destinations and Manage Destinations)"]);
    expect(messages(report, 'warning')).toEqual([
      "[aep-permissions] activation will be refused: the AEP user lacks 'Activate Destinations', 'View Segments' (activation needs View Destinations, Activate Destinations, View Profiles and View Segments)",
    ]);
  });

  it('refuses activation without Activate Destinations, View Profiles and View Segments', async () => {
    t = await connectorSim();
    const platform = createPlatform({ clock: t.clock });
    const audience = platform.createRuleAudience({ name: 'All', rule: { attribute: 'person.country', exists: true } });
    const sync = t.connector({ aep: { imsOrgId: ORG, permissions: ['View Destinations', 'Manage Destinations'] } }, { platform });
    const report = await sync.connect();
    expect(report.ok).toBe(true);
    expect(messages(report, 'warning')).toHaveLength(1);
    expect(() => sync.activate([audience])).toThrow(
      "activation refused: the AEP user lacks 'Activate Destinations', 'View Profiles', 'View Segments' (activation needs View Destinations, Activate Destinations, View Profiles and View Segments)",
    );
  });

  it('reports a missing Adobe Organization Mapping', async () => {
    t = await connectorSim({ imsOrgId: null });
    const report = await t.connector().preflight();
    expect(messages(report)).toEqual([
      `[org-mapping] instance ${MUNCHKIN} has no Adobe Organization Mapping; set Admin > Integration > Adobe Organization Mapping to ${ORG}`,
    ]);
  });

  it('reports an instance mapped to another org', async () => {
    t = await connectorSim({ imsOrgId: 'AAAAAAAAAAAAAAAAAAAAAAAA@AdobeOrg' });
    const report = await t.connector().preflight();
    expect(messages(report)).toEqual([
      `[org-mapping] instance ${MUNCHKIN} is mapped to IMS org AAAAAAAAAAAAAAAAAAAAAAAA@AdobeOrg, but the destination belongs to ${ORG}; Marketo and AEP must use the same org`,
    ]);
  });

  it('reports a HIPAA-ready instance', async () => {
    t = await connectorSim();
    t.sim.control.patchInstance(MUNCHKIN, { hipaaReady: true });
    const report = await t.connector().preflight();
    expect(messages(report)).toEqual([`[hipaa] instance ${MUNCHKIN} is HIPAA-ready; a HIPAA-ready Marketo instance cannot use this integration`]);
  });

  it('warns, never passes silently, when the admin settings cannot be read through the REST API', async () => {
    t = await connectorSim({ imsOrgId: null });
    const report = await t.connector({ adminSettings: 'unverifiable' }).connect();
    expect(report.ok).toBe(true);
    expect(messages(report, 'warning')).toEqual([
      `[org-mapping] not verifiable through the REST API; verify Admin > Integration > Adobe Organization Mapping of ${MUNCHKIN} shows ${ORG}`,
      `[hipaa] not verifiable through the REST API; verify ${MUNCHKIN} is not a HIPAA-ready instance (a HIPAA-ready instance cannot use this integration)`,
    ]);
  });

  it("says so when the emulator's control plane was asked for and does not answer", async () => {
    t = await connectorSim();
    const report = await t.connector({ adminSettings: 'emulator', controlPlane: `${t.base}/nowhere` }).preflight();
    expect(messages(report)).toEqual([
      `[org-mapping] cannot read the instance's admin settings: the emulator's control plane answered HTTP 404 at ${t.base}/nowhere/instances/${MUNCHKIN} without instance settings`,
    ]);
  });

  it('says the control plane wants its admin token instead of calling the settings unverifiable', async () => {
    const config = parseDestinationConfig({ name: 'x', munchkinId: MUNCHKIN, endpoint: 'http://10.0.0.5:8080/123-ABC-456/rest', clientId: 'a', clientSecret: 'b', aep: { imsOrgId: ORG } });
    const refused = (async () => Response.json({ error: 'the control plane needs the admin token' }, { status: 401 })) as typeof fetch;
    const source = defaultAdminSettingsSource(config, refused, (p) => p);
    await expect(source(MUNCHKIN)).rejects.toThrow(
      "the emulator's control plane at http://10.0.0.5:8080/__sim/instances/123-ABC-456 asks for its admin token (HTTP 401); reach the emulator on a loopback address, or set adminSettings: unverifiable and verify the settings by hand",
    );
  });

  it('stops at bad credentials with the fix named', async () => {
    t = await connectorSim();
    const report = await t.connector({ clientSecret: 'wrong' }).preflight();
    expect(messages(report)).toEqual([
      '[credentials] Marketo Identity refused the client id/secret (invalid_client: Bad client credentials); check clientId and clientSecret (Admin > LaunchPoint > View Details)',
    ]);
  });

  it('reports an API user without person access (603 on describe2)', async () => {
    t = await connectorSim({ permissions: ['Read-Only Activity'] });
    const report = await t.connector().preflight();
    expect(messages(report)).toEqual(['[api-permissions] the API user cannot read persons (describe2) (603 Access denied); its role needs Read-Write Person (Access API)']);
  });

  it('reports an API user that can read but not write persons (603 on the partition probe)', async () => {
    t = await connectorSim({ permissions: ['Read-Only Person'] });
    const report = await t.connector().preflight();
    expect(messages(report)).toEqual([
      "[api-permissions] the API user lacks Read-Write Person (603 Access denied on Sync Leads); give the API user's role Read-Write Person in a workspace that holds partition 'Default' (Edit Person in the instance and partition)",
    ]);
  });

  it('reports a partition that does not exist, listing the ones that do', async () => {
    t = await connectorSim();
    t.sim.control.createPartition(MUNCHKIN, { name: 'EMEA' });
    const report = await t.connector({ partition: 'North America' }).preflight();
    expect(messages(report)).toEqual([`[partition] partition 'North America' does not exist in ${MUNCHKIN} (it has: Default, EMEA)`]);
    expect(report.partitionId).toBeNull();
  });

  it('reports a partition the API user cannot write (1008 from the no-op probe)', async () => {
    t = await connectorSim();
    t.sim.control.createPartition(MUNCHKIN, { name: 'North America', workspaces: [] });
    const report = await t.connector({ partition: 'North America' }).preflight();
    expect(messages(report)).toEqual([
      "[partition] the API user cannot write persons in partition 'North America' (1008 Access denied to partition 'North America'); give the API user's role Read-Write Person in a workspace that holds partition 'North America' (Edit Person in the instance and partition)",
    ]);
    expect(t.sim.control.listLeads(MUNCHKIN).total).toBe(0);
  });

  it('reports dedup fields that do not exist, are not searchable, not updateable or have no mapping', async () => {
    t = await connectorSim();
    const cases: [string[], string][] = [
      [['emailAddress'], `[dedup-field] first dedup field 'emailAddress' does not exist in ${MUNCHKIN} (describe2)`],
      [['email', 'firstName'], "[dedup-field] second dedup field 'firstName' is not searchable (describe2 searchableFields); searchable fields: "],
      [['id'], "[dedup-field] first dedup field 'id' is not updateable, so a created lead could not carry its value"],
      [['email', 'company'], "[dedup-field] second dedup field 'company' is the target of no mapping, so no profile would have a value for it; map an XDM attribute to 'company'"],
    ];
    t.sim.control.setFieldSearchable(MUNCHKIN, 'company', { searchable: true });
    for (const [dedupFields, expected] of cases) {
      const report = await t.connector({ dedupFields }).preflight();
      const found = messages(report);
      expect(found).toHaveLength(1);
      expect(found[0].startsWith(expected)).toBe(true);
    }
    const notSearchable = messages(await t.connector({ dedupFields: ['email', 'firstName'] }).preflight())[0];
    expect(notSearchable).toMatch(/searchable fields: company, cookies, email, email_field, id, integer_field, leadPartitionId, score_field/);
  });

  it('reports mapping targets that do not exist, are not updateable, or have an incompatible type', async () => {
    t = await connectorSim();
    const report = await t
      .connector({
        mapping: [
          { source: 'person.loyalty', xdmType: 'string', target: 'loyaltyTier' },
          { source: 'person.created', xdmType: 'date-time', target: 'createdAt' },
          { source: 'person.partition', xdmType: 'integer', target: 'leadPartitionId' },
          { source: 'person.birthDate', xdmType: 'date', target: 'firstName' },
          { source: 'person.score', xdmType: 'long', target: 'leadScore' },
        ],
      })
      .preflight();
    expect(messages(report)).toEqual([
      `[mapping] mapping[0] (person.loyalty -> loyaltyTier): Marketo field 'loyaltyTier' does not exist in this instance (describe2)`,
      "[mapping] mapping[1] (person.created -> createdAt): Marketo field 'createdAt' is not updateable (describe2 updateable=false), so it cannot be written",
      "[mapping] mapping[2] (person.partition -> leadPartitionId): Marketo field 'leadPartitionId' is not updateable (describe2 updateable=false), so it cannot be written",
      "[mapping] mapping[3] (person.birthDate -> firstName): XDM Date cannot be written to Marketo 'firstName' of type string; Date maps to date",
      "[mapping] mapping[4] (person.score -> leadScore): XDM Long cannot be written to Marketo 'leadScore' of type integer; Long maps to float",
    ]);
  });

  it('lists every problem at once, one message each', async () => {
    t = await connectorSim({ imsOrgId: null });
    t.sim.control.patchInstance(MUNCHKIN, { hipaaReady: true });
    const report = await t
      .connector({
        aep: { imsOrgId: ORG, permissions: [] },
        partition: 'Nowhere',
        dedupFields: ['email', 'lastName'],
        mapping: [{ source: 'person.flag', xdmType: 'boolean', target: 'city' }],
      })
      .preflight();
    expect(report.problems.filter((p) => p.severity === 'error').map((p) => p.check)).toEqual([
      'aep-permissions',
      'aep-permissions',
      'org-mapping',
      'hipaa',
      'partition',
      'dedup-field',
      'mapping',
    ]);
  });
});
