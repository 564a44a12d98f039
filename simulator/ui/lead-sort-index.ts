// A sorted view of an instance's leads by one column, overall and per partition, kept in step with the lead store.
import { partitionById, type InstanceState, type Lead } from '../domain/instance.js';
import type { FieldValue } from '../domain/fields.js';
import { LeadChangeCursor } from './lead-changes.js';
import { runNow, runSliced, type Sliced } from './sliced.js';
import { compareEntries, SortedList, type SortKey } from './sorted-list.js';

/** Columns the lead table sorts and searches by. */
export const SORT_FIELDS = ['id', 'email', 'firstName', 'lastName', 'company', 'createdAt', 'updatedAt'] as const;
export type SortField = (typeof SORT_FIELDS)[number];

/** Past this many changed leads a full rebuild is cheaper than applying them one by one. */
const REBUILD_AFTER = 50_000;

/** Strings compare case-insensitively after trimming (like Marketo's email keys); empty means no value. */
export function normalizeKey(value: FieldValue | undefined): SortKey {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isNaN(value) ? null : value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  const s = value.trim().toLowerCase();
  return s === '' ? null : s;
}

export function sortKeyOf(field: SortField, lead: Lead): SortKey {
  switch (field) {
    case 'id':
      return lead.id;
    case 'createdAt':
      return lead.createdAt;
    case 'updatedAt':
      return lead.updatedAt;
    default:
      return normalizeKey(lead.values[field]);
  }
}

/** Steps between yields of a sliced build (each step is one lead or one comparison). */
const STEP = 2048;
/** Runs sorted by the engine's sort before they are merged. */
const RUN = 4096;

/** The positions 0..n-1 ordered by (keys[i], ids[i]): runs sorted whole, then merged pass by pass, yielding as it goes. */
function* sortedOrder(keys: readonly SortKey[], ids: readonly number[]): Sliced<Uint32Array> {
  const n = keys.length;
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const cmp = (a: number, b: number) => compareEntries(keys[a], ids[a], keys[b], ids[b]);
  for (let start = 0; start < n; start += RUN) {
    order.subarray(start, Math.min(n, start + RUN)).sort(cmp);
    yield;
  }
  let into = new Uint32Array(n);
  let steps = 0;
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(n, lo + width);
      const hi = Math.min(n, lo + 2 * width);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        into[k++] = cmp(order[i], order[j]) <= 0 ? order[i++] : order[j++];
        if (++steps === STEP) {
          steps = 0;
          yield;
        }
      }
      while (i < mid) into[k++] = order[i++];
      while (j < hi) into[k++] = order[j++];
    }
    [order, into] = [into, order];
  }
  return order;
}

export class LeadSortIndex {
  private all = new SortedList();
  private byPartition = new Map<number, SortedList>();
  /** The key and partition each lead was indexed under (dense arrays by lead id; undefined = not indexed). */
  private keyById: (SortKey | undefined)[] = [];
  private partitionById: number[] = [];
  private readonly cursor = new LeadChangeCursor();
  private building: Promise<void> | null = null;
  /** How many full builds ran (for tests and the bench). */
  builds = 0;

  constructor(readonly field: SortField) {}

  /** Catches up with the lead store now: applies changed leads, or rebuilds after a reset or a large change. */
  sync(state: InstanceState): void {
    // A sliced build under way owns the cursor; what it misses is applied once it is done.
    if (this.building) return;
    const changed = this.mustBuild(state) ? 'rebuild' : this.cursor.poll(state);
    if (changed === 'rebuild') runNow(this.build(state));
    else for (const id of changed) this.apply(state, id);
    if (this.all.length !== state.leads.size) runNow(this.build(state));
  }

  /**
   * Catches up without holding the event loop: a build runs in slices (a few seconds at 1M leads, during which the
   * emulator keeps serving), then what changed meanwhile is applied. Concurrent callers share one build.
   */
  async prepare(state: InstanceState, sliceMs?: number): Promise<void> {
    while (this.building) await this.building;
    if (this.mustBuild(state)) {
      this.building = runSliced(this.build(state), sliceMs).finally(() => (this.building = null));
      await this.building;
    }
    this.sync(state);
  }

  /** The sorted list of a partition, or of every lead with `null`. */
  list(partitionId: number | null): SortedList {
    if (partitionId === null) return this.all;
    return this.byPartition.get(partitionId) ?? new SortedList();
  }

  private mustBuild(state: InstanceState): boolean {
    const behind = this.cursor.behind(state);
    return behind === 'rebuild' || behind > REBUILD_AFTER;
  }

  private apply(state: InstanceState, id: number): void {
    const lead = state.leads.get(id);
    const oldKey = this.keyById[id];
    const newKey = lead ? sortKeyOf(this.field, lead) : undefined;
    if (oldKey !== undefined && lead && oldKey === newKey && this.partitionById[id] === lead.partitionId) return;
    if (oldKey !== undefined) {
      this.all.remove(oldKey, id);
      this.byPartition.get(this.partitionById[id])?.remove(oldKey, id);
      this.keyById[id] = undefined;
    }
    if (!lead || newKey === undefined) return;
    this.all.insert(newKey, id);
    let list = this.byPartition.get(lead.partitionId);
    if (!list) this.byPartition.set(lead.partitionId, (list = new SortedList()));
    list.insert(newKey, id);
    this.keyById[id] = newKey;
    this.partitionById[id] = lead.partitionId;
  }

  /** Reads every lead, sorts and splits by partition, then swaps the result in; the cursor is marked first. */
  private *build(state: InstanceState): Sliced<void> {
    this.cursor.mark(state);
    const keys: SortKey[] = [];
    const ids: number[] = [];
    const parts: number[] = [];
    const keyById: (SortKey | undefined)[] = [];
    const partitionById: number[] = [];
    let sorted = true;
    // Leads added, changed or removed while this runs are named by the next poll and applied then.
    for (const lead of state.leads.values()) {
      const key = sortKeyOf(this.field, lead);
      const i = keys.length;
      keys.push(key);
      ids.push(lead.id);
      parts.push(lead.partitionId);
      if (sorted && i > 0 && compareEntries(keys[i - 1], ids[i - 1], key, lead.id) > 0) sorted = false;
      keyById[lead.id] = key;
      partitionById[lead.id] = lead.partitionId;
      if (i % STEP === 0) yield;
    }
    const n = keys.length;
    const order = sorted ? null : yield* sortedOrder(keys, ids);
    const sortedKeys: SortKey[] = new Array(n);
    const sortedIds: number[] = new Array(n);
    const partKeys = new Map<number, { keys: SortKey[]; ids: number[] }>();
    for (const p of state.partitions) partKeys.set(p.id, { keys: [], ids: [] });
    for (let j = 0; j < n; j++) {
      const at = order ? order[j] : j;
      sortedKeys[j] = keys[at];
      sortedIds[j] = ids[at];
      let bucket = partKeys.get(parts[at]);
      if (!bucket) partKeys.set(parts[at], (bucket = { keys: [], ids: [] }));
      bucket.keys.push(keys[at]);
      bucket.ids.push(ids[at]);
      if (j % STEP === 0) yield;
    }
    this.all = SortedList.fromSorted(sortedKeys, sortedIds);
    this.byPartition = new Map([...partKeys].map(([p, b]) => [p, SortedList.fromSorted(b.keys, b.ids)]));
    this.keyById = keyById;
    this.partitionById = partitionById;
    this.builds++;
  }
}

/** The partition name of a lead, for rows and details. */
export function partitionName(state: InstanceState, partitionId: number): string {
  return partitionById(state, partitionId)?.name ?? `#${partitionId}`;
}
