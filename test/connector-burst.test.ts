import { afterEach, describe, expect, it } from 'vitest';
import { connectorSim, MUNCHKIN, profileExport, T0, type ConnectorSim } from './support/connector.js';

let t: ConnectorSim | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe("a burst of 10,000 profiles under Marketo's limits", () => {
  it('accounts for every profile and never provokes 606 or 615', async () => {
    // Marketo's numbers: 100 calls per 20 s, 10 in flight, 50,000 a day; virtual time throughout.
    t = await connectorSim({ limits: { enabled: true } });
    const control = t.sim.control;
    control.createPartition(MUNCHKIN, { name: 'EMEA' });
    const email = (i: number) => `p${i}@example.com`;
    const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);
    control.insertLeads(MUNCHKIN, { leads: range(0, 2_000).map((i) => ({ email: email(i), firstName: 'Old' })), activities: false });
    control.insertLeads(MUNCHKIN, { partition: 'EMEA', leads: range(2_000, 2_500).map((i) => ({ email: email(i), firstName: 'Emea' })), activities: false });
    control.insertLeads(MUNCHKIN, { leads: range(2_500, 2_600).flatMap((i) => [{ email: email(i) }, { email: email(i) }]), activities: false });
    // Half the writes take 3 s to answer, so calls overlap and the concurrency limit matters.
    control.faults.add({ match: { method: 'POST', path: '/rest/v1/leads.json' }, latencyMs: 3_000, probability: 0.5 });

    const sync = t.connector({ batch: { maxRecords: 100 }, mapping: [{ source: 'person.name.firstName', xdmType: 'string', target: 'firstName' }] });
    await sync.connect();
    const receipts = range(0, 10_000).map((i) =>
      sync.push(
        i >= 2_600 && i < 2_700
          ? { segmentMembership: {}, identityMap: {}, attributes: {} }
          : profileExport(email(i), { 'person.name.firstName': `New ${i}` }),
      ),
    );
    await sync.drain();

    const counters = sync.counters();
    expect(counters).toMatchObject({ received: 10_000, pending: 0, created: 7_800, updated: 2_000, skipped: 100, rejected: 100, failed: 0, deadLetters: 0 });
    expect(counters.created + counters.updated + counters.skipped + counters.rejected + counters.failed).toBe(10_000);
    expect(new Set(receipts.map((r) => r.id)).size).toBe(10_000);
    expect(sync.results.size).toBe(10_000);
    expect(counters.answers['606']).toBeUndefined();
    expect(counters.answers['615']).toBeUndefined();
    expect(control.log.query({ kind: 'limit' }).entries).toEqual([]);
    // 100 upserts of 100, plus the 1010/1007 follow-ups: more than 100 calls, so the rate window was waited out.
    expect(counters.calls).toBeGreaterThan(100);
    expect(t.clock.now() - T0).toBeGreaterThanOrEqual(20_000);
    const leads = control.listLeads(MUNCHKIN, { partition: 'Default', limit: 1000 });
    expect(leads.total).toBe(2_000 + 200 + 500 + 7_300);
    const skipped = [...sync.results.values()].filter((r) => r.status === 'skipped');
    expect(new Set(skipped.map((r) => r.reasons[0].code))).toEqual(new Set(['AMBIGUOUS_MATCH']));
  });
});
