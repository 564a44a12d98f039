// The dashboard's lead indexes: the chunked sorted list and the per-column lead index agree with a naive sort after every kind of change.
import { describe, expect, it } from 'vitest';
import { compareEntries, SortedList, type SortKey } from '../simulator/ui/sorted-list.js';
import { LeadViews } from '../simulator/ui/leads-view.js';
import { createSimulator, SimClock } from '../simulator/index.js';
import { Random } from '../simulator/domain/random.js';
import { insertLead, moveLead, removeLead, updateLead } from '../simulator/domain/leads.js';
import { createPartition } from '../simulator/domain/admin.js';
import { rebuildDerived, type InstanceState } from '../simulator/domain/instance.js';

const T0 = Date.parse('2026-11-02T15:00:00Z');

function naive(entries: { key: SortKey; id: number }[]): number[] {
  return [...entries].sort((a, b) => compareEntries(a.key, a.id, b.key, b.id)).map((e) => e.id);
}

describe('SortedList', () => {
  it('keeps (key, id) entries in order through inserts and removes across chunk splits', () => {
    const random = new Random('sorted-list');
    const list = new SortedList();
    const live: { key: SortKey; id: number }[] = [];
    for (let id = 1; id <= 6000; id++) {
      const r = random.int(10);
      const key: SortKey = r === 0 ? null : r < 3 ? random.int(50) : `k${random.int(400)}`;
      list.insert(key, id);
      live.push({ key, id });
    }
    for (let n = 0; n < 2500; n++) {
      const victim = live.splice(random.int(live.length), 1)[0];
      expect(list.remove(victim.key, victim.id)).toBe(true);
    }
    expect(list.remove('absent', 1)).toBe(false);
    expect(list.length).toBe(live.length);
    expect(list.idsBetween(0, list.length)).toEqual(naive(live));
    expect(list.idsBetween(1000, 1010)).toEqual(naive(live).slice(1000, 1010));
  });

  it('ranks keys: numbers first, then strings, then null', () => {
    const list = SortedList.fromSorted([1, 5, 'apple', 'apricot', 'banana', null], [10, 11, 12, 13, 14, 15]);
    expect(list.rank('ap')).toBe(2);
    expect(list.rank('aq')).toBe(4);
    expect(list.rank(null)).toBe(5);
    expect(list.rank(3)).toBe(1);
    expect(list.idsBetween(2, 4)).toEqual([12, 13]);
  });
});

function freshInstance(leads: number): { state: InstanceState; views: LeadViews; ctx: ReturnType<ReturnType<typeof createSimulator>['runtime']['systemContext']> } {
  const sim = createSimulator({ seed: 3, leads, clock: new SimClock({ start: T0, frozen: true }) });
  const state = sim.runtime.firstInstance();
  return { state, views: new LeadViews(), ctx: sim.runtime.systemContext('Web service API') };
}

function expectedOrder(state: InstanceState, partitionId: number | null, key: (id: number) => SortKey): number[] {
  const entries = [...state.leads.values()]
    .filter((l) => partitionId === null || l.partitionId === partitionId)
    .map((l) => ({ key: key(l.id), id: l.id }));
  return naive(entries);
}

describe('lead table over the sort indexes', () => {
  it('pages by email ascending and descending, per partition, after creates, updates, moves and deletes', () => {
    const { state, views, ctx } = freshInstance(300);
    const emea = createPartition(state, { name: 'EMEA' });
    const emailKey = (id: number) => {
      const v = state.leads.get(id)!.values.email;
      return typeof v === 'string' ? v.trim().toLowerCase() : null;
    };
    const first = views.table(state, { partitionId: null, sort: 'email', dir: 'asc', offset: 0, limit: 25, searchField: 'email' });
    expect(first.total).toBe(300);
    expect(first.rows.map((r) => r.id)).toEqual(expectedOrder(state, null, emailKey).slice(0, 25));

    insertLead(state, emea.id, { email: 'AAA@first.example', lastName: 'Zed' }, ctx);
    updateLead(state, state.leads.get(7)!, { email: 'aaa@second.example' }, ctx);
    moveLead(state, state.leads.get(8)!, emea, ctx);
    removeLead(state, state.leads.get(9)!, ctx);
    insertLead(state, 1, { firstName: 'No email' }, ctx);

    const all = views.table(state, { partitionId: null, sort: 'email', dir: 'asc', offset: 0, limit: 3, searchField: 'email' });
    expect(all.total).toBe(301);
    expect(all.rows.map((r) => r.email)).toEqual(['AAA@first.example', 'aaa@second.example', expect.any(String)]);
    const inEmea = views.table(state, { partitionId: emea.id, sort: 'email', dir: 'desc', offset: 0, limit: 10, searchField: 'email' });
    expect(inEmea.rows.map((r) => r.id)).toEqual(expectedOrder(state, emea.id, emailKey).reverse());
    expect(inEmea.rows.map((r) => r.partition)).toEqual(['EMEA', 'EMEA']);
    const lastPage = views.table(state, { partitionId: 1, sort: 'email', dir: 'desc', offset: 290, limit: 25, searchField: 'email' });
    expect(lastPage.rows.map((r) => r.id)).toEqual(expectedOrder(state, 1, emailKey).reverse().slice(290));
    // Leads without an email sort last ascending, so first descending.
    const desc = views.table(state, { partitionId: 1, sort: 'email', dir: 'desc', offset: 0, limit: 1, searchField: 'email' });
    expect(desc.rows[0].firstName).toBe('No email');
  });

  it('searches a prefix case-insensitively and re-sorts the matches by another column', () => {
    const { state, views, ctx } = freshInstance(0);
    for (const [email, lastName] of [
      ['ann.b@x.com', 'Zimmer'],
      ['Ann.a@x.com', 'Young'],
      ['anna@x.com', 'Adams'],
      ['bob@x.com', 'Brown'],
    ]) insertLead(state, 1, { email, lastName }, ctx);
    const byEmail = views.table(state, { partitionId: null, sort: 'email', dir: 'asc', offset: 0, limit: 10, q: 'ANN', searchField: 'email' });
    expect(byEmail.total).toBe(3);
    expect(byEmail.rows.map((r) => r.email)).toEqual(['Ann.a@x.com', 'ann.b@x.com', 'anna@x.com']);
    const byName = views.table(state, { partitionId: null, sort: 'lastName', dir: 'asc', offset: 0, limit: 10, q: 'ann', searchField: 'email' });
    expect(byName.rows.map((r) => r.lastName)).toEqual(['Adams', 'Young', 'Zimmer']);
    expect(byName.sort).toEqual({ field: 'lastName', dir: 'asc' });
    const byId = views.table(state, { partitionId: null, sort: 'email', dir: 'asc', offset: 0, limit: 10, q: '4', searchField: 'id' });
    expect(byId.rows.map((r) => r.email)).toEqual(['bob@x.com']);
    const none = views.table(state, { partitionId: null, sort: 'email', dir: 'asc', offset: 0, limit: 10, q: 'zz', searchField: 'email' });
    expect(none).toMatchObject({ total: 0, rows: [] });
  });

  it('rebuilds after a reset or a restored index instead of serving stale rows', () => {
    const sim = createSimulator({ seed: 3, leads: 20, clock: new SimClock({ start: T0, frozen: true }) });
    const views = new LeadViews();
    const before = sim.runtime.firstInstance();
    views.table(before, { partitionId: null, sort: 'lastName', dir: 'asc', offset: 0, limit: 5, searchField: 'email' });
    insertLead(before, 1, { email: 'extra@x.com' }, sim.runtime.systemContext());
    sim.runtime.reset();
    const after = sim.runtime.firstInstance();
    expect(views.table(after, { partitionId: null, sort: 'lastName', dir: 'asc', offset: 0, limit: 5, searchField: 'email' }).total).toBe(20);
    after.leads.get(1)!.values.lastName = 'Aaaaa';
    rebuildDerived(after);
    const index = views.index(after, 'lastName');
    expect(index.builds).toBe(2);
    expect(views.table(after, { partitionId: null, sort: 'lastName', dir: 'asc', offset: 0, limit: 1, searchField: 'email' }).rows[0].id).toBe(1);
  });

  it('shows a lead with its fields and activities newest first, sources and partition moves included', () => {
    const { state, views, ctx } = freshInstance(2);
    const emea = createPartition(state, { name: 'EMEA' });
    updateLead(state, state.leads.get(1)!, { title: 'CTO' }, { ...ctx, inputSource: 'Adobe Experience Platform', now: T0 + 1000 });
    moveLead(state, state.leads.get(1)!, emea, { ...ctx, now: T0 + 2000 });
    const detail = views.detail(state, 1)!;
    expect(detail.partition).toBe('EMEA');
    expect(detail.fields.find((f) => f.name === 'title')?.value).toBe('CTO');
    expect(detail.activityCount).toBe(3);
    expect(detail.activities.map((a) => a.type)).toEqual(['Change Lead Partition', 'Change Data Value', 'New Lead']);
    expect(detail.activities[0]).toMatchObject({ fromPartition: 'Default', toPartition: 'EMEA' });
    expect(detail.activities[1]).toMatchObject({ field: 'title', newValue: 'CTO', source: 'Adobe Experience Platform' });
    expect(detail.activities[2]).toMatchObject({ source: 'List Import' });
    expect(views.detail(state, 999)).toBeNull();
  });
});

describe('sliced builds (the emulator keeps serving while a large index is built)', () => {
  /** An instance with `n` leads whose emails collide, miss and differ in case, plus an EMEA partition. */
  function busyInstance(n: number) {
    const { state, ctx } = freshInstance(0);
    const emea = createPartition(state, { name: 'EMEA' });
    const random = new Random('sliced');
    for (let i = 0; i < n; i++) {
      const r = random.int(20);
      const email = r === 0 ? null : `${r < 3 ? 'Same' : `u${random.int(n)}`}@x${random.int(7)}.example`;
      insertLead(state, i % 4 === 0 ? emea.id : 1, email === null ? { firstName: 'No email' } : { email }, ctx);
    }
    return { state, ctx, emea, random };
  }

  const emailKey = (state: InstanceState) => (id: number) => {
    const v = state.leads.get(id)!.values.email;
    return typeof v === 'string' ? v.trim().toLowerCase() : null;
  };

  it('gives the event loop a turn between slices, and what is written meanwhile is in the table when it is done', async () => {
    const { state, ctx, emea, random } = busyInstance(12_000);
    const views = new LeadViews({ sliceMs: 0 });
    let done = false;
    const prepared = views.prepare(state, { sort: 'email', searchField: 'email' }).then(() => (done = true));
    let turns = 0;
    while (!done) {
      await new Promise((resolve) => setImmediate(resolve));
      if (done) break;
      turns++;
      const lead = state.leads.get(1 + random.int(12_000));
      const pick = turns % 4;
      if (pick === 0) insertLead(state, 1, { email: `new${turns}@a.example` }, ctx);
      else if (lead && pick === 1) updateLead(state, lead, { email: `AAA${turns}@changed.example` }, ctx);
      else if (lead && pick === 2) moveLead(state, lead, emea, ctx);
      else if (lead) removeLead(state, lead, ctx);
    }
    await prepared;
    // Collecting, sorting runs, merging and splitting 12k leads yield dozens of times.
    expect(turns).toBeGreaterThan(20);
    const all = views.table(state, { partitionId: null, sort: 'email', dir: 'asc', offset: 0, limit: 500, searchField: 'email' });
    expect(all.total).toBe(state.leads.size);
    expect(all.rows.map((r) => r.id)).toEqual(expectedOrder(state, null, emailKey(state)).slice(0, 500));
    const inEmea = views.table(state, { partitionId: emea.id, sort: 'email', dir: 'desc', offset: 100, limit: 500, searchField: 'email' });
    expect(inEmea.rows.map((r) => r.id)).toEqual(expectedOrder(state, emea.id, emailKey(state)).reverse().slice(100, 600));
    expect(views.index(state, 'email').builds).toBe(1);
  });

  it('shares one build between concurrent requests for the same column and builds nothing for a search by id', async () => {
    const { state } = busyInstance(5_000);
    const views = new LeadViews({ sliceMs: 0 });
    await Promise.all([
      views.prepare(state, { sort: 'lastName', searchField: 'email' }),
      views.prepare(state, { sort: 'lastName', searchField: 'email' }),
      views.prepare(state, { sort: 'email', q: '42', searchField: 'id' }),
    ]);
    expect(views.index(state, 'lastName').builds).toBe(1);
    // The id search needs no index: email is built only now, on first use.
    expect(views.index(state, 'email').builds).toBe(1);
    await views.prepare(state, { sort: 'company', q: 'same', searchField: 'email' });
    expect(views.index(state, 'email').builds).toBe(1);
  });

  it('links a large activity log in slices without linking an activity twice when two catch-ups interleave', async () => {
    const { state, ctx } = busyInstance(20_000);
    const views = new LeadViews({ sliceMs: 0 });
    let done = 0;
    const both = [views.prepareDetail(state), views.prepareDetail(state)].map((p) => p.then(() => done++));
    let turns = 0;
    while (done < 2) {
      await new Promise((resolve) => setImmediate(resolve));
      turns++;
      updateLead(state, state.leads.get(3)!, { city: `City ${turns}` }, ctx);
    }
    await Promise.all(both);
    expect(turns).toBeGreaterThan(2);
    const detail = views.detail(state, 3, 1000)!;
    const expected = state.activities.filter((a) => a.leadId === 3).reverse();
    expect(detail.activityCount).toBe(expected.length);
    expect(detail.activities.map((a) => a.id)).toEqual(expected.map((a) => a.id));
  });
});
