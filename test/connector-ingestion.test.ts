import { afterEach, describe, expect, it } from 'vitest';
import { connectorSim, MUNCHKIN, profileExport, type ConnectorSim } from './support/connector.js';

let t: ConnectorSim | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const NA = 'North America';
const mapping = [
  { source: 'person.company', xdmType: 'string', target: 'company' },
  { source: 'person.name.firstName', xdmType: 'string', target: 'firstName' },
  { source: 'person.name.lastName', xdmType: 'string', target: 'lastName' },
] as const;

async function ingestionSim() {
  const sim = await connectorSim();
  sim.sim.control.createPartition(MUNCHKIN, { name: NA });
  sim.sim.control.createPartition(MUNCHKIN, { name: 'EMEA' });
  sim.sim.control.setFieldSearchable(MUNCHKIN, 'company', { searchable: true });
  return sim;
}

const config = { writePath: 'data-ingestion' as const, partition: NA, dedupFields: ['email', 'company'], mapping: [...mapping] };

describe('the Data Ingestion write path (partition + dedupeFields in one asynchronous call)', () => {
  it('sends one call for the batch and reads each outcome back from the instance', async () => {
    t = await ingestionSim();
    t.sim.control.insertLeads(MUNCHKIN, { partition: NA, leads: [{ email: 'known@example.com', company: 'Acme', firstName: 'Old' }] });
    t.sim.control.insertLeads(MUNCHKIN, { partition: 'EMEA', leads: [{ email: 'emea@example.com', company: 'Acme', firstName: 'Emea' }] });
    const sync = t.connector({ ...config });
    const report = await sync.connect();
    // company is a standard field: the documentation's list leaves it open whether Marketo takes it.
    expect(report.problems).toEqual([
      {
        check: 'dedup-field',
        severity: 'warning',
        message:
          "Data Ingestion documents dedupeFields as id, email, sfdcAccountId, sfdcContactId, sfdcLeadId, sfdcLeadOwnerId or custom string/integer fields; 'company' is a string field, which Marketo may refuse unless it is a custom field",
      },
    ]);
    const receipts = [
      sync.push(profileExport('known@example.com', { 'person.company': 'Acme', 'person.name.firstName': 'New' })),
      sync.push(profileExport('fresh@example.com', { 'person.company': 'Acme', 'person.name.firstName': 'Fresh' })),
      sync.push(profileExport('emea@example.com', { 'person.company': 'Acme', 'person.name.firstName': 'Nora' })),
    ];
    const results = await Promise.all(receipts.map((r) => r.done));
    expect(results.map((r) => [r.status, r.leadId, r.action, r.kept])).toEqual([
      ['updated', 1, 'dataIngestion', []],
      ['created', 3, 'dataIngestion', []],
      ['created', 4, 'dataIngestion', []],
    ]);
    // The emulator processes a normal-priority request 5 s after accepting it; the first poll sees it.
    expect(results.every((r) => r.finishedAt - r.receivedAt === 5_000)).toBe(true);
    expect(sync.counters().callsByOperation).toMatchObject({ syncPersons: 1, getLeadsByFilterType: 2 });
    expect(t.sim.control.listLeads(MUNCHKIN).leads.map((l) => [l.id, l.partition, l.email, l.firstName])).toEqual([
      [1, NA, 'known@example.com', 'New'],
      [2, 'EMEA', 'emea@example.com', 'Emea'],
      [3, NA, 'fresh@example.com', 'Fresh'],
      [4, NA, 'emea@example.com', 'Nora'],
    ]);
    const accepted = t.sim.control.log.query({ kind: 'ingestion' }).entries.map((e) => e.message);
    expect(accepted[0]).toMatch(/^request \w+ accepted: 3 person\(s\) for partition 'North America', normal priority, dedupe on email AND company$/);
  });

  it('reports the fields Marketo kept on a blocked update', async () => {
    t = await ingestionSim();
    t.sim.control.setFieldBlocks(MUNCHKIN, 'firstName', { sources: ['Adobe Experience Platform'] });
    t.sim.control.insertLeads(MUNCHKIN, { partition: NA, leads: [{ email: 'kept@example.com', company: 'Acme', firstName: 'Original', lastName: 'Old' }] });
    const sync = t.connector({ ...config });
    await sync.connect();
    const result = await sync.push(profileExport('kept@example.com', { 'person.company': 'Acme', 'person.name.firstName': 'Changed', 'person.name.lastName': 'New' })).done;
    expect(result).toMatchObject({ status: 'updated', leadId: 1, kept: [{ field: 'firstName', sent: 'Changed', kept: 'Original' }] });
    expect(t.sim.control.listLeads(MUNCHKIN).leads[0]).toMatchObject({ firstName: 'Original', lastName: 'New' });
  });

  it('does not send a profile that matches several leads in the partition', async () => {
    t = await ingestionSim();
    t.sim.control.insertLeads(MUNCHKIN, { partition: NA, leads: [{ email: 'twin@example.com', company: 'Acme' }, { email: 'twin@example.com', company: 'Acme' }] });
    const sync = t.connector({ ...config });
    await sync.connect();
    const result = await sync.push(profileExport('twin@example.com', { 'person.company': 'Acme' })).done;
    expect(result).toMatchObject({ status: 'skipped', reasons: [{ code: 'AMBIGUOUS_MATCH', source: 'connector' }] });
    expect(sync.counters().callsByOperation.syncPersons).toBeUndefined();
  });

  it('fails (NOT_APPLIED, dead-lettered) a person the instance accepted but never applied, once the ingestion timeout has passed', async () => {
    t = await ingestionSim();
    const sync = t.connector({ ...config, ingestion: { pollIntervalMs: 5_000, timeoutMs: 60_000 } });
    await sync.connect();
    // Marketo skips the person asynchronously (firstName longer than the field's 255), which only the read-back shows.
    const [tooLong, fine] = await Promise.all([
      sync.push(profileExport('long@example.com', { 'person.company': 'Acme', 'person.name.firstName': 'x'.repeat(300) })).done,
      sync.push(profileExport('fine@example.com', { 'person.company': 'Acme' })).done,
    ]);
    expect(fine).toMatchObject({ status: 'created', leadId: 1 });
    expect(tooLong).toMatchObject({
      status: 'failed',
      reasons: [{ code: 'NOT_APPLIED', source: 'connector', message: "Data Ingestion accepted the person but no matching lead appeared in partition 'North America' within 60000 ms" }],
    });
    expect(tooLong.finishedAt - tooLong.receivedAt).toBe(60_000);
    expect(sync.deadLetters.has(tooLong.id)).toBe(true);
    expect(sync.counters().callsByOperation.syncPersons).toBe(1);
  });

  it("retries Data Ingestion's 429 and fails with its error body when the subscription lacks the Performance Tier", async () => {
    t = await ingestionSim();
    const sync = t.connector({ ...config });
    await sync.connect();
    t.sim.control.faults.add({ match: { path: `/subscriptions/${MUNCHKIN}/persons` }, error: '429001', times: 1 });
    expect(await sync.push(profileExport('a@example.com', { 'person.company': 'Acme' })).done).toMatchObject({ status: 'created' });
    expect(sync.counters().answers['429001']).toBe(1);
    t.sim.control.patchInstance(MUNCHKIN, { dataIngestion: false });
    const refused = await sync.push(profileExport('b@example.com', { 'person.company': 'Acme' })).done;
    expect(refused).toMatchObject({
      status: 'failed',
      attempts: 1,
      reasons: [
        {
          code: '4030801',
          message: 'Data Ingestion answered HTTP 403 4030801: Unauthorized: the Data Ingestion API needs the Performance Tier, which this subscription does not have',
        },
      ],
    });
    expect(sync.deadLetters.has(refused.id)).toBe(true);
  });
});
