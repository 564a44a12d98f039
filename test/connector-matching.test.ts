import { afterEach, describe, expect, it } from 'vitest';
import { connectorSim, MUNCHKIN, profileExport, type ConnectorSim } from './support/connector.js';

let t: ConnectorSim | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const NA = 'North America';
const companyMapping = [{ source: 'person.company', xdmType: 'string', target: 'company' }] as const;

/** Leads of the instance as {id, partition, email, company}. */
function leads(sim: ConnectorSim) {
  return sim.sim.control.listLeads(MUNCHKIN, { limit: 1000 }).leads.map((l) => ({ id: l.id, partition: l.partition, email: l.email, company: l.company ?? null }));
}

async function withPartitions(options: { partitionScoped?: boolean } = {}) {
  const sim = await connectorSim();
  sim.sim.control.createPartition(MUNCHKIN, { name: NA });
  sim.sim.control.createPartition(MUNCHKIN, { name: 'EMEA' });
  sim.sim.control.setFieldSearchable(MUNCHKIN, 'company', { searchable: true });
  if (options.partitionScoped) sim.sim.control.patchInstance(MUNCHKIN, { dedupe: { partitionScoped: true } });
  return sim;
}

describe('dedup on one field (email)', () => {
  it('updates the lead whose email matches case-insensitively after trimming, creates otherwise', async () => {
    t = await connectorSim();
    t.sim.control.insertLeads(MUNCHKIN, { leads: [{ email: 'Ann@Example.com', firstName: 'Ann' }] });
    const sync = t.connector({ mapping: [{ source: 'person.name.firstName', xdmType: 'string', target: 'firstName' }] });
    await sync.connect();
    const a = sync.push(profileExport(' ann@example.COM ', { 'person.name.firstName': 'Annie' }));
    const b = sync.push(profileExport('bob@example.com', { 'person.name.firstName': 'Bob' }));
    expect(await a.done).toMatchObject({ status: 'updated', leadId: 1, action: 'createOrUpdate' });
    expect(await b.done).toMatchObject({ status: 'created', leadId: 2, action: 'createOrUpdate' });
    expect(t.sim.control.listLeads(MUNCHKIN).leads.map((l) => [l.id, l.firstName])).toEqual([
      [1, 'Annie'],
      [2, 'Bob'],
    ]);
  });

  it('gives the same outcomes with matching: lookup (Get Leads by email, then update by id or create)', async () => {
    t = await connectorSim();
    t.sim.control.insertLeads(MUNCHKIN, { leads: [{ email: 'ann@example.com' }] });
    const sync = t.connector({ matching: 'lookup' });
    await sync.connect();
    const a = sync.push(profileExport('ANN@example.com'));
    const b = sync.push(profileExport('bob@example.com'));
    expect(await a.done).toMatchObject({ status: 'updated', leadId: 1, action: 'updateOnly' });
    expect(await b.done).toMatchObject({ status: 'created', leadId: 2, action: 'createOnly' });
    expect(sync.counters().callsByOperation).toMatchObject({ getLeadsByFilterType: 1, 'syncLeads:updateOnly': 1, 'syncLeads:createOnly': 2 });
  });
});

describe.each([
  ['instance-wide dedupe (default)', false],
  ['partition-scoped dedupe rule', true],
])('the documented worked example under %s', (_name, partitionScoped) => {
  const config = { partition: NA, dedupFields: ['email', 'company'], mapping: [...companyMapping] };
  const profile = () => profileExport('test@example.com', { 'person.company': 'Example Inc.' });

  it('updates the NA lead when email and company both match', async () => {
    t = await withPartitions({ partitionScoped });
    t.sim.control.insertLeads(MUNCHKIN, { partition: NA, leads: [{ email: 'test@example.com', company: 'Example Inc.' }] });
    const sync = t.connector(config);
    await sync.connect();
    expect(await sync.push(profile()).done).toMatchObject({ status: 'updated', leadId: 1, action: 'updateOnly', dedup: { email: 'test@example.com', company: 'Example Inc.' } });
    expect(leads(t)).toEqual([{ id: 1, partition: NA, email: 'test@example.com', company: 'Example Inc.' }]);
  });

  it('creates a lead in NA when no lead has that email anywhere', async () => {
    t = await withPartitions({ partitionScoped });
    const sync = t.connector(config);
    await sync.connect();
    expect(await sync.push(profile()).done).toMatchObject({ status: 'created', leadId: 1, action: 'createOnly' });
    expect(leads(t)).toEqual([{ id: 1, partition: NA, email: 'test@example.com', company: 'Example Inc.' }]);
  });

  it('creates a second NA lead when the NA lead with that email has another company', async () => {
    t = await withPartitions({ partitionScoped });
    t.sim.control.insertLeads(MUNCHKIN, { partition: NA, leads: [{ email: 'test@example.com', company: 'Other Co' }] });
    const sync = t.connector(config);
    await sync.connect();
    expect(await sync.push(profile()).done).toMatchObject({ status: 'created', leadId: 2, action: 'createDuplicate' });
    // The next export of the same profile finds its own lead.
    expect(await sync.push(profile()).done).toMatchObject({ status: 'updated', leadId: 2 });
    expect(leads(t)).toEqual([
      { id: 1, partition: NA, email: 'test@example.com', company: 'Other Co' },
      { id: 2, partition: NA, email: 'test@example.com', company: 'Example Inc.' },
    ]);
  });

  it('creates a lead in NA and leaves the EMEA lead untouched when the only match lives in EMEA', async () => {
    t = await withPartitions({ partitionScoped });
    t.sim.control.insertLeads(MUNCHKIN, { partition: 'EMEA', leads: [{ email: 'test@example.com', company: 'Example Inc.', firstName: 'Emea' }] });
    const sync = t.connector({ ...config, mapping: [...companyMapping, { source: 'person.name.firstName', xdmType: 'string', target: 'firstName' }] });
    await sync.connect();
    const result = await sync.push(profileExport('test@example.com', { 'person.company': 'Example Inc.', 'person.name.firstName': 'Nora' })).done;
    expect(result).toMatchObject({ status: 'created', leadId: 2, action: 'createDuplicate' });
    const all = t.sim.control.listLeads(MUNCHKIN).leads;
    expect(all.map((l) => [l.id, l.partition, l.firstName])).toEqual([
      [1, 'EMEA', 'Emea'],
      [2, NA, 'Nora'],
    ]);
  });

  it('keeps partitions apart with one dedup field too (auto matching)', async () => {
    t = await withPartitions({ partitionScoped });
    t.sim.control.insertLeads(MUNCHKIN, { partition: 'EMEA', leads: [{ email: 'test@example.com', firstName: 'Emea' }] });
    const sync = t.connector({ partition: NA, mapping: [{ source: 'person.name.firstName', xdmType: 'string', target: 'firstName' }] });
    await sync.connect();
    const first = await sync.push(profileExport('test@example.com', { 'person.name.firstName': 'Nora' })).done;
    expect(first).toMatchObject({ status: 'created', leadId: 2, action: partitionScoped ? 'createOrUpdate' : 'createDuplicate' });
    // Under instance-wide dedupe the second export's upsert hits two leads (1007) and the lookup picks the NA one.
    const second = await sync.push(profileExport('test@example.com', { 'person.name.firstName': 'Norah' })).done;
    expect(second).toMatchObject({ status: 'updated', leadId: 2 });
    expect(t.sim.control.listLeads(MUNCHKIN).leads.map((l) => [l.id, l.partition, l.firstName])).toEqual([
      [1, 'EMEA', 'Emea'],
      [2, NA, 'Norah'],
    ]);
  });
});

describe('partitions the API user cannot see', () => {
  it('creates in the configured partition when the same email lives in a partition outside its workspaces (1008)', async () => {
    t = await connectorSim();
    t.sim.control.createPartition(MUNCHKIN, { name: 'Hidden', workspaces: [] });
    t.sim.control.createWorkspace(MUNCHKIN, { name: 'Private', partitions: ['Hidden'] });
    t.sim.control.insertLeads(MUNCHKIN, { partition: 'Hidden', leads: [{ email: 'test@example.com', firstName: 'Secret' }] });
    const sync = t.connector();
    await sync.connect();
    expect(await sync.push(profileExport('test@example.com')).done).toMatchObject({ status: 'created', leadId: 2, action: 'createDuplicate' });
    expect(t.sim.control.listLeads(MUNCHKIN).leads.map((l) => [l.id, l.partition, l.firstName ?? null])).toEqual([
      [1, 'Hidden', 'Secret'],
      [2, 'Default', null],
    ]);
  });
});

describe('ambiguity', () => {
  it.each(['auto', 'lookup'] as const)('skips a profile matching several leads in the partition, never updating one (matching: %s)', async (matching) => {
    t = await connectorSim();
    t.sim.control.insertLeads(MUNCHKIN, { leads: [{ email: 'twin@example.com', firstName: 'One' }, { email: 'TWIN@example.com', firstName: 'Two' }] });
    const sync = t.connector({ matching, mapping: [{ source: 'person.name.firstName', xdmType: 'string', target: 'firstName' }] });
    await sync.connect();
    const result = await sync.push(profileExport('twin@example.com', { 'person.name.firstName': 'Three' })).done;
    expect(result).toMatchObject({
      status: 'skipped',
      reasons: [
        {
          code: 'AMBIGUOUS_MATCH',
          source: 'connector',
          message: "2 leads in partition 'Default' match email=twin@example.com (ids 1, 2); Person Sync updates a single match only",
        },
      ],
    });
    expect(result.leadId).toBeUndefined();
    expect(t.sim.control.listLeads(MUNCHKIN).leads.map((l) => l.firstName)).toEqual(['One', 'Two']);
  });

  it('is ambiguous only on every dedup field: two leads share the email but one company matches', async () => {
    t = await withPartitions();
    t.sim.control.insertLeads(MUNCHKIN, {
      partition: NA,
      leads: [
        { email: 'a@example.com', company: 'Acme' },
        { email: 'a@example.com', company: 'Acme' },
        { email: 'b@example.com', company: 'Acme' },
        { email: 'b@example.com', company: 'Globex' },
      ],
    });
    const sync = t.connector({ partition: NA, dedupFields: ['email', 'company'], mapping: [...companyMapping] });
    await sync.connect();
    const a = sync.push(profileExport('a@example.com', { 'person.company': 'Acme' }));
    const b = sync.push(profileExport('b@example.com', { 'person.company': 'Globex' }));
    expect((await a.done).reasons[0]).toMatchObject({ code: 'AMBIGUOUS_MATCH', message: "2 leads in partition 'North America' match email=a@example.com, company=Acme (ids 1, 2); Person Sync updates a single match only" });
    expect(await b.done).toMatchObject({ status: 'updated', leadId: 4 });
  });
});

describe('profiles the connector refuses before sending', () => {
  it('rejects a profile without a value for a dedup field, and one without an Email identity', async () => {
    t = await withPartitions();
    const sync = t.connector({ partition: NA, dedupFields: ['email', 'company'], mapping: [...companyMapping] });
    await sync.connect();
    const calls = sync.counters().calls;
    const noCompany = profileExport('a@example.com', {});
    noCompany.attributes['person.company'] = {};
    const emptyCompany = profileExport('b@example.com', { 'person.company': '' });
    const noEmail = { segmentMembership: {}, identityMap: { ecid: [{ id: '123' }] }, attributes: { 'person.company': { value: 'Acme' } } };
    const results = await Promise.all([sync.push(noCompany).done, sync.push(emptyCompany).done, sync.push(noEmail).done]);
    expect(results.map((r) => [r.status, r.reasons[0].code, r.reasons[0].message])).toEqual([
      ['rejected', 'MISSING_DEDUP_VALUE', "no value for dedup field 'company' (mapped from person.company); the field must be present in each lead record"],
      ['rejected', 'MISSING_DEDUP_VALUE', "no value for dedup field 'company' (mapped from person.company); the field must be present in each lead record"],
      ['rejected', 'NO_EMAIL_IDENTITY', 'no Email identity in identityMap; Person Sync matches profiles by their Email identity'],
    ]);
    expect(sync.counters()).toMatchObject({ calls, rejected: 3, received: 3, pending: 0 });
    expect(t.sim.control.listLeads(MUNCHKIN).total).toBe(0);
  });

  it('rejects malformed exports with the offending path', async () => {
    t = await connectorSim();
    const sync = t.connector();
    await sync.connect();
    const results = await Promise.all([
      sync.push({ identityMap: { email: [{ id: 'a@example.com' }] }, attributes: {} }).done,
      sync.push({ segmentMembership: { ups: { x: { status: 'qualified' } } }, identityMap: { email: [{ id: 'a@example.com' }] }, attributes: {} }).done,
      sync.push('not an object').done,
    ]);
    expect(results.map((r) => r.reasons[0].message)).toEqual([
      'malformed export: segmentMembership: segmentMembership must map namespaces to audiences',
      "malformed export: segmentMembership.ups.x.status: status must be 'realized', 'existing' or 'exited'",
      'malformed export: (root): Invalid input: expected object, received string',
    ]);
    expect(results.every((r) => r.status === 'rejected' && r.reasons[0].code === 'MALFORMED_EXPORT')).toBe(true);
  });

  it('picks the primary Email identity, else the first, or rejects several emails when configured to', async () => {
    t = await connectorSim();
    const several = profileExport(['first@example.com', 'second@example.com']);
    several.identityMap.email[1].primary = true;
    const primary = await (async () => {
      const sync = t!.connector();
      await sync.connect();
      return sync.push(several).done;
    })();
    expect(primary).toMatchObject({ status: 'created', email: 'second@example.com', notes: ['several Email identities (first@example.com, second@example.com); used second@example.com (primary-or-first)'] });
    const first = t.connector({ multipleEmails: 'first' });
    await first.connect();
    expect(await first.push(several).done).toMatchObject({ status: 'created', email: 'first@example.com' });
    const strict = t.connector({ multipleEmails: 'reject' });
    await strict.connect();
    expect(await strict.push(several).done).toMatchObject({
      status: 'rejected',
      reasons: [{ code: 'MULTIPLE_EMAILS', message: "several Email identities (first@example.com, second@example.com) and multipleEmails is 'reject'" }],
    });
    expect(t.sim.control.listLeads(MUNCHKIN).leads.map((l) => l.email)).toEqual(['second@example.com', 'first@example.com']);
  });
});

describe('audience exits', () => {
  it("writes nothing by default (onExit: 'ignore') and updates with onExit: 'update'", async () => {
    t = await connectorSim();
    t.sim.control.insertLeads(MUNCHKIN, { leads: [{ email: 'gone@example.com', firstName: 'Before' }] });
    const mapping = [{ source: 'person.name.firstName', xdmType: 'string', target: 'firstName' }] as const;
    const ignore = t.connector({ mapping: [...mapping] });
    await ignore.connect();
    const calls = ignore.counters().calls;
    const skipped = await ignore.push(profileExport('gone@example.com', { 'person.name.firstName': 'After' }, 'exited')).done;
    expect(skipped).toMatchObject({
      status: 'skipped',
      reasons: [{ code: 'EXIT_IGNORED', source: 'connector', message: "the profile exited aud-1; onExit is 'ignore', so nothing is written to Marketo" }],
    });
    expect(ignore.counters().calls).toBe(calls);
    const update = t.connector({ mapping: [...mapping], onExit: 'update' });
    await update.connect();
    expect(await update.push(profileExport('gone@example.com', { 'person.name.firstName': 'After' }, 'exited')).done).toMatchObject({ status: 'updated', leadId: 1 });
    expect(t.sim.control.listLeads(MUNCHKIN).leads[0].firstName).toBe('After');
  });
});

describe('Block Field Updates (Marketo decides; the connector reports what was kept)', () => {
  it('writes through the Adobe Experience Platform input source; a blocked non-empty field keeps its value', async () => {
    t = await connectorSim();
    t.sim.control.setFieldBlocks(MUNCHKIN, 'firstName', { sources: ['Adobe Experience Platform'] });
    t.sim.control.insertLeads(MUNCHKIN, { leads: [{ email: 'kept@example.com', firstName: 'Original' }, { email: 'empty@example.com' }] });
    const sync = t.connector({
      readBack: true,
      mapping: [
        { source: 'person.name.firstName', xdmType: 'string', target: 'firstName' },
        { source: 'person.name.lastName', xdmType: 'string', target: 'lastName' },
      ],
    });
    await sync.connect();
    const kept = sync.push(profileExport('kept@example.com', { 'person.name.firstName': 'Changed', 'person.name.lastName': 'Smith' }));
    const filled = sync.push(profileExport('empty@example.com', { 'person.name.firstName': 'First', 'person.name.lastName': 'Jones' }));
    expect(await kept.done).toMatchObject({ status: 'updated', leadId: 1, kept: [{ field: 'firstName', sent: 'Changed', kept: 'Original' }] });
    expect(await filled.done).toMatchObject({ status: 'updated', leadId: 2, kept: [] });
    expect(t.sim.control.listLeads(MUNCHKIN).leads.map((l) => [l.firstName, l.lastName])).toEqual([
      ['Original', 'Smith'],
      ['First', 'Jones'],
    ]);
    const blocked = t.sim.control.log.query({ kind: 'blocked-write' }).entries;
    expect(blocked.map((e) => e.message)).toEqual(["blocked update of firstName on lead 1 from 'Adobe Experience Platform': kept \"Original\", dropped \"Changed\""]);
    expect(sync.counters().callsByOperation.getLeadsByFilterType).toBe(1);
  });
});

describe("a profile's writes never race", () => {
  it('serialises exports of one profile, so Marketo\'s upsert race window cannot duplicate it', async () => {
    t = await connectorSim();
    t.sim.control.faults.add({ upsertRace: { windowMs: 2_000 } });
    const sync = t.connector();
    await sync.connect();
    const receipts = [1, 2, 3].map(() => sync.push(profileExport('race@example.com')));
    const other = sync.push(profileExport(['other@example.com', 'RACE@example.com']));
    const results = await Promise.all([...receipts, other].map((r) => r.done));
    expect(results.map((r) => [r.status, r.leadId])).toEqual([
      ['created', 1],
      ['updated', 1],
      ['updated', 1],
      ['created', 2],
    ]);
    expect(t.sim.control.listLeads(MUNCHKIN).leads.map((l) => l.email)).toEqual(['race@example.com', 'other@example.com']);
  });

  it('a profile whose second dedup field changes while its create is in flight gets a lead of its own for the new value, never an update of the old one', async () => {
    t = await withPartitions();
    // The first create takes 1 s to answer; one record per call, so an unordered second export would create first.
    const sync = t.connector({ partition: NA, dedupFields: ['email', 'company'], mapping: [...companyMapping], batch: { maxRecords: 1 } });
    await sync.connect();
    t.sim.control.faults.add({ match: { method: 'POST', path: '/rest/v1/leads.json' }, latencyMs: 1_000, times: 1 });
    const first = sync.push(profileExport('mover@example.com', { 'person.company': 'Acme' }));
    const moved = sync.push(profileExport('mover@example.com', { 'person.company': 'Globex' }));
    const again = sync.push(profileExport('mover@example.com', { 'person.company': 'Acme' }));
    const results = await Promise.all([first, moved, again].map((r) => r.done));
    expect(results.map((r) => [r.status, r.leadId, r.action])).toEqual([
      ['created', 1, 'createOnly'],
      ['created', 2, 'createDuplicate'],
      ['updated', 1, 'updateOnly'],
    ]);
    expect(leads(t)).toEqual([
      { id: 1, partition: NA, email: 'mover@example.com', company: 'Acme' },
      { id: 2, partition: NA, email: 'mover@example.com', company: 'Globex' },
    ]);
  });

  it('without serialisation the same race window does duplicate (the emulator reproduces Marketo)', async () => {
    t = await connectorSim();
    t.sim.control.faults.add({ upsertRace: { windowMs: 2_000 } });
    const one = t.connector();
    const two = t.connector();
    await one.connect();
    await two.connect();
    const results = await Promise.all([one.push(profileExport('race@example.com')).done, two.push(profileExport('race@example.com')).done]);
    expect(results.map((r) => r.status)).toEqual(['created', 'created']);
    expect(t.sim.control.listLeads(MUNCHKIN).total).toBe(2);
  });
});

describe('leads that change between the lookup and the write', () => {
  const SYNC = { method: 'POST', path: '/rest/v1/leads.json' } as const;

  it('a lead deleted after the lookup (1004 on the update by id) is matched again, and the profile created', async () => {
    t = await connectorSim();
    t.sim.control.insertLeads(MUNCHKIN, { leads: [{ email: 'gone@example.com' }] });
    const sync = t.connector({ matching: 'lookup' });
    await sync.connect();
    // The update takes 1 s to arrive; half-way through, another service deletes the lead it was aimed at.
    t.sim.control.faults.add({ match: SYNC, latencyMs: 1_000, times: 1 });
    const sim = t;
    sim.clock.schedule(500, () => {
      void sim.clock.track(
        fetch(`${sim.base}/${MUNCHKIN}/identity/oauth/token?grant_type=client_credentials&client_id=${sim.clientId}&client_secret=${sim.clientSecret}`)
          .then((r) => r.json() as Promise<{ access_token: string }>)
          .then(({ access_token }) =>
            fetch(`${sim.base}/${MUNCHKIN}/rest/v1/leads/delete.json`, { method: 'POST', headers: { Authorization: `Bearer ${access_token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ input: [{ id: 1 }] }) }),
          ),
      );
    });
    const result = await sync.push(profileExport('gone@example.com')).done;
    expect(result).toMatchObject({ status: 'created', leadId: 2, action: 'createOnly' });
    expect(sync.counters().callsByOperation).toMatchObject({ getLeadsByFilterType: 2, 'syncLeads:updateOnly': 1 });
    expect(t.sim.control.listLeads(MUNCHKIN).leads.map((l) => l.id)).toEqual([2]);
  });

  it('a lead created after the lookup (1005 on createOnly) is matched again and updated, not duplicated', async () => {
    t = await withPartitions();
    const sync = t.connector({ partition: NA, dedupFields: ['email', 'company'], mapping: [...companyMapping, { source: 'person.name.firstName', xdmType: 'string', target: 'firstName' }] });
    await sync.connect();
    t.sim.control.faults.add({ match: SYNC, latencyMs: 1_000, times: 1 });
    const sim = t;
    sim.clock.schedule(500, () => sim.sim.control.insertLeads(MUNCHKIN, { partition: NA, leads: [{ email: 'late@example.com', company: 'Acme', firstName: 'Other' }] }));
    const result = await sync.push(profileExport('late@example.com', { 'person.company': 'Acme', 'person.name.firstName': 'Mine' })).done;
    expect(result).toMatchObject({ status: 'updated', leadId: 1, action: 'updateOnly' });
    expect(sync.counters().callsByOperation).toMatchObject({ getLeadsByFilterType: 2, 'syncLeads:createOnly': 2 });
    expect(leads(t)).toEqual([{ id: 1, partition: NA, email: 'late@example.com', company: 'Acme' }]);
    expect(t.sim.control.listLeads(MUNCHKIN).leads[0].firstName).toBe('Mine');
  });
});

describe('first dedup values Get Leads cannot serve', () => {
  it('skips a value shared by more than 1,000 leads, halving the lookup so the other values still match', async () => {
    t = await connectorSim();
    t.sim.control.setFieldSearchable(MUNCHKIN, 'company', { searchable: true });
    t.sim.control.insertLeads(MUNCHKIN, { leads: Array.from({ length: 1_001 }, (_, i) => ({ email: `e${i}@crowd.example.com`, company: 'Crowd' })), activities: false });
    t.sim.control.insertLeads(MUNCHKIN, { leads: [{ email: 'solo@example.com', company: 'Solo' }] });
    const sync = t.connector({ dedupFields: ['company', 'email'], mapping: [...companyMapping] });
    await sync.connect();
    const crowd = sync.push(profileExport('new@crowd.example.com', { 'person.company': 'Crowd' }));
    const solo = sync.push(profileExport('solo@example.com', { 'person.company': 'Solo' }));
    expect(await crowd.done).toMatchObject({
      status: 'skipped',
      reasons: [{ code: 'TOO_MANY_MATCHES', source: 'connector', message: 'more than 1,000 leads have company=Crowd; Marketo cannot list them to match' }],
    });
    expect(await solo.done).toMatchObject({ status: 'updated', leadId: 1_002 });
    expect(sync.counters().answers['1003']).toBe(2);
  });

  it('skips a first value with a comma instead of risking a duplicate', async () => {
    t = await connectorSim();
    t.sim.control.setFieldSearchable(MUNCHKIN, 'company', { searchable: true });
    t.sim.control.insertLeads(MUNCHKIN, { leads: [{ email: 'a@example.com', company: 'Acme, Inc.' }] });
    const sync = t.connector({ dedupFields: ['company', 'email'], mapping: [...companyMapping] });
    await sync.connect();
    expect(await sync.push(profileExport('a@example.com', { 'person.company': 'Acme, Inc.' })).done).toMatchObject({
      status: 'skipped',
      reasons: [{ code: 'UNSEARCHABLE_VALUE', message: 'company=Acme, Inc. contains a comma; Get Leads by filter type takes comma-separated values, so it cannot be matched safely' }],
    });
    expect(t.sim.control.listLeads(MUNCHKIN).total).toBe(1);
  });
});

describe('progress', () => {
  it("isolates a listener that throws: the export still gets its outcome and drain resolves; the error is thrown again on its own", async () => {
    t = await connectorSim();
    const sync = t.connector();
    await sync.connect();
    sync.on('outcome', () => {
      throw new Error('listener bug');
    });
    const rethrown: unknown[] = [];
    const original = globalThis.queueMicrotask;
    globalThis.queueMicrotask = (task) => {
      try {
        task();
      } catch (e) {
        rethrown.push(e);
      }
    };
    try {
      expect(await sync.push(profileExport('a@example.com')).done).toMatchObject({ status: 'created' });
      await sync.drain();
    } finally {
      globalThis.queueMicrotask = original;
    }
    expect(rethrown).toEqual([new Error('listener bug')]);
    expect(sync.counters()).toMatchObject({ created: 1, pending: 0 });
  });

  it('streams events through an async iterator until close, and counts calls and answers', async () => {
    t = await connectorSim();
    const sync = t.connector();
    await sync.connect();
    const seen: string[] = [];
    const reading = (async () => {
      for await (const event of sync.events()) seen.push(event.type === 'call' ? `call ${event.operation} ${event.code ?? 'ok'}` : event.type);
    })();
    sync.push(profileExport('a@example.com'));
    await sync.drain();
    await sync.close();
    await reading;
    expect(seen).toEqual(['export', 'call syncLeads:createOrUpdate ok', 'outcome', 'drained']);
    expect(sync.counters()).toMatchObject({ received: 1, created: 1, calls: 4, recordsSent: 1, answers: { ok: 4 }, callsByOperation: { 'syncLeads:createOrUpdate': 1 } });
    expect(sync.push(profileExport('late@example.com')).id).toBe('exp-2');
    expect(sync.results.get('exp-2')).toMatchObject({ status: 'rejected', reasons: [{ code: 'CLOSED' }] });
  });
});
