// A sorted view of an instance's leads by one column, overall and per partition, kept in step with the lead store.
import { partitionById, type InstanceState, type Lead } from '../domain/instance.js';
import type { FieldValue } from '../domain/fields.js';
import { LeadChangeCursor } from './lead-changes.js';
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

export class LeadSortIndex {
  private all = new SortedList();
  private byPartition = new Map<number, SortedList>();
  /** The key and partition each lead was indexed under (dense arrays by lead id; undefined = not indexed). */
  private keyById: (SortKey | undefined)[] = [];
  private partitionById: number[] = [];
  private readonly cursor = new LeadChangeCursor();
  /** How many full builds ran (for tests and the bench). */
  builds = 0;

  constructor(readonly field: SortField) {}

  /** Catches up with the lead store: applies changed leads, or rebuilds after a reset or a large change. */
  sync(state: InstanceState): void {
    const changed = this.cursor.poll(state);
    if (changed === 'rebuild' || changed.length > REBUILD_AFTER) this.build(state);
    else for (const id of changed) this.apply(state, id);
    if (this.all.length !== state.leads.size) this.build(state);
  }

  /** The sorted list of a partition, or of every lead with `null`. */
  list(partitionId: number | null): SortedList {
    if (partitionId === null) return this.all;
    return this.byPartition.get(partitionId) ?? new SortedList();
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

  private build(state: InstanceState): void {
    this.builds++;
    const n = state.leads.size;
    const keys: SortKey[] = new Array(n);
    const ids: number[] = new Array(n);
    const parts: number[] = new Array(n);
    this.keyById = [];
    this.partitionById = [];
    let i = 0;
    let sorted = true;
    for (const lead of state.leads.values()) {
      const key = sortKeyOf(this.field, lead);
      keys[i] = key;
      ids[i] = lead.id;
      parts[i] = lead.partitionId;
      if (sorted && i > 0 && compareEntries(keys[i - 1], ids[i - 1], key, lead.id) > 0) sorted = false;
      this.keyById[lead.id] = key;
      this.partitionById[lead.id] = lead.partitionId;
      i++;
    }
    let order: number[] | null = null;
    if (!sorted) {
      order = new Array<number>(n);
      for (let j = 0; j < n; j++) order[j] = j;
      order.sort((a, b) => compareEntries(keys[a], ids[a], keys[b], ids[b]));
    }
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
    }
    this.all = SortedList.fromSorted(sortedKeys, sortedIds);
    this.byPartition = new Map([...partKeys].map(([p, b]) => [p, SortedList.fromSorted(b.keys, b.ids)]));
  }
}

/** The partition name of a lead, for rows and details. */
export function partitionName(state: InstanceState, partitionId: number): string {
  return partitionById(state, partitionId)?.name ?? `#${partitionId}`;
}
