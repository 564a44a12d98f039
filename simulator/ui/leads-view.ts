// The dashboard's lead table and lead detail: server-side paging, sorting and prefix search over the sort indexes.
import { ACTIVITY_TYPES, CHANGE_DATA_VALUE, CHANGE_LEAD_PARTITION, NEW_LEAD } from '../domain/activities.js';
import { formatDateTime, type FieldValue } from '../domain/fields.js';
import type { Activity, InstanceState, Lead } from '../domain/instance.js';
import { ActivityLookup } from './activity-lookup.js';
import { LeadSortIndex, normalizeKey, partitionName, sortKeyOf, type SortField } from './lead-sort-index.js';
import { compareEntries, type SortedList } from './sorted-list.js';

/** Search on one column: a case-insensitive prefix for text columns, the exact id for `id`. */
export const SEARCH_FIELDS = ['email', 'firstName', 'lastName', 'company', 'id'] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number];

/** A search matching more leads than this is shown in the searched column's order rather than re-sorted. */
export const MAX_RESORT = 20_000;

export interface LeadTableQuery {
  /** A partition id, or null for every partition. */
  partitionId: number | null;
  sort: SortField;
  dir: 'asc' | 'desc';
  offset: number;
  limit: number;
  q?: string;
  searchField: SearchField;
}

export interface LeadRow {
  id: number;
  partitionId: number;
  partition: string;
  email: FieldValue;
  firstName: FieldValue;
  lastName: FieldValue;
  company: FieldValue;
  createdAt: string;
  updatedAt: string;
}

export interface LeadTablePage {
  total: number;
  offset: number;
  limit: number;
  /** The order the rows are in (a large search keeps the searched column's order; see `note`). */
  sort: { field: SortField; dir: 'asc' | 'desc' };
  search: { field: SearchField; q: string } | null;
  rows: LeadRow[];
  note?: string;
}

export interface ActivityView {
  id: number;
  date: string;
  typeId: number;
  type: string;
  /** Change Data Value: the field and its values; Change Lead Partition: the partitions. */
  field?: string;
  oldValue?: FieldValue;
  newValue?: FieldValue;
  fromPartition?: string;
  toPartition?: string;
  source: FieldValue;
  requestId: FieldValue;
  user: FieldValue;
}

export interface LeadDetail {
  id: number;
  partitionId: number;
  partition: string;
  createdAt: string;
  updatedAt: string;
  fields: { name: string; displayName: string; dataType: string; value: FieldValue; blockedSources: string[] }[];
  activities: ActivityView[];
  activityCount: number;
}

const TYPE_NAMES = new Map(ACTIVITY_TYPES.map((t) => [t.id, t.name]));

/** Smallest string greater than every string starting with `prefix`. */
function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

export class LeadViews {
  private readonly indexes = new WeakMap<InstanceState, Map<SortField, LeadSortIndex>>();
  private readonly lookups = new WeakMap<InstanceState, ActivityLookup>();

  /** `sliceMs`: how long a slice of a build may hold the event loop (tests pass 0: one slice per yield). */
  constructor(private readonly options: { sliceMs?: number } = {}) {}

  /** The sort index of a column, caught up with the store (built on first use). */
  index(state: InstanceState, field: SortField): LeadSortIndex {
    const index = this.indexOf(state, field);
    index.sync(state);
    return index;
  }

  /**
   * Builds or catches up, in slices, the indexes a table query reads, so `table()` then answers at once; at 1M leads
   * the first sort by a column takes seconds and the emulator keeps serving other clients meanwhile.
   */
  async prepare(state: InstanceState, query: Pick<LeadTableQuery, 'sort' | 'q' | 'searchField'>): Promise<void> {
    const q = query.q?.trim() ?? '';
    if (q !== '' && query.searchField === 'id') return;
    // A search reads the searched column's index (and re-sorts its matches from the leads themselves).
    return this.indexOf(state, q === '' ? query.sort : query.searchField).prepare(state, this.options.sliceMs);
  }

  /** Links a large activity log in slices before the first `detail()`. */
  prepareDetail(state: InstanceState): Promise<void> {
    return this.lookupOf(state).prepare(state, this.options.sliceMs);
  }

  private indexOf(state: InstanceState, field: SortField): LeadSortIndex {
    let byField = this.indexes.get(state);
    if (!byField) this.indexes.set(state, (byField = new Map()));
    let index = byField.get(field);
    if (!index) byField.set(field, (index = new LeadSortIndex(field)));
    return index;
  }

  private lookupOf(state: InstanceState): ActivityLookup {
    let lookup = this.lookups.get(state);
    if (!lookup) this.lookups.set(state, (lookup = new ActivityLookup()));
    return lookup;
  }

  table(state: InstanceState, query: LeadTableQuery): LeadTablePage {
    const { offset, limit, dir } = query;
    const q = query.q?.trim() ?? '';
    const page = (ids: number[], total: number, field: SortField, note?: string): LeadTablePage => ({
      total,
      offset,
      limit,
      sort: { field, dir },
      search: q === '' ? null : { field: query.searchField, q },
      rows: ids.map((id) => leadRow(state, state.leads.get(id)!)),
      ...(note ? { note } : {}),
    });

    if (q === '') {
      const list = this.index(state, query.sort).list(query.partitionId);
      return page(slice(list, 0, list.length, offset, limit, dir), list.length, query.sort);
    }
    if (query.searchField === 'id') {
      const lead = /^\d+$/.test(q) ? state.leads.get(Number(q)) : undefined;
      const hit = lead && (query.partitionId === null || lead.partitionId === query.partitionId);
      return page(hit && offset === 0 ? [lead.id] : [], hit ? 1 : 0, query.sort);
    }
    const prefix = normalizeKey(q) as string;
    const list = this.index(state, query.searchField).list(query.partitionId);
    const from = list.rank(prefix);
    const to = list.rank(prefixEnd(prefix));
    const total = to - from;
    if (query.sort === query.searchField) return page(slice(list, from, to, offset, limit, dir), total, query.sort);
    if (total > MAX_RESORT) {
      const note = `${total} leads match; shown in ${query.searchField} order. Narrow the search (at most ${MAX_RESORT}) to sort by ${query.sort}.`;
      return page(slice(list, from, to, offset, limit, dir), total, query.searchField, note);
    }
    const matches = list.idsBetween(from, to).map((id) => ({ id, key: sortKeyOf(query.sort, state.leads.get(id)!) }));
    matches.sort((a, b) => compareEntries(a.key, a.id, b.key, b.id));
    if (dir === 'desc') matches.reverse();
    return page(matches.slice(offset, offset + limit).map((m) => m.id), total, query.sort);
  }

  detail(state: InstanceState, leadId: number, activityLimit = 200): LeadDetail | null {
    const lead = state.leads.get(leadId);
    if (!lead) return null;
    const { activities, total } = this.lookupOf(state).forLead(state, leadId, activityLimit);
    const fields = state.fields
      .filter((f) => lead.values[f.name] !== undefined || f.blockedSources.length > 0)
      .map((f) => ({ name: f.name, displayName: f.displayName, dataType: f.dataType, value: lead.values[f.name] ?? null, blockedSources: f.blockedSources }));
    return {
      id: lead.id,
      partitionId: lead.partitionId,
      partition: partitionName(state, lead.partitionId),
      createdAt: formatDateTime(lead.createdAt),
      updatedAt: formatDateTime(lead.updatedAt),
      fields,
      activities: activities.map((a) => activityView(state, a)),
      activityCount: total,
    };
  }
}

/** Positions [offset, offset + limit) of the range [from, to), counted from the end when descending. */
function slice(list: SortedList, from: number, to: number, offset: number, limit: number, dir: 'asc' | 'desc'): number[] {
  if (dir === 'asc') return list.idsBetween(from + offset, Math.min(to, from + offset + limit));
  const end = to - offset;
  return list.idsBetween(Math.max(from, end - limit), end).reverse();
}

function leadRow(state: InstanceState, lead: Lead): LeadRow {
  return {
    id: lead.id,
    partitionId: lead.partitionId,
    partition: partitionName(state, lead.partitionId),
    email: lead.values.email ?? null,
    firstName: lead.values.firstName ?? null,
    lastName: lead.values.lastName ?? null,
    company: lead.values.company ?? null,
    createdAt: formatDateTime(lead.createdAt),
    updatedAt: formatDateTime(lead.updatedAt),
  };
}

function attribute(activity: Activity, name: string): FieldValue {
  const lower = name.toLowerCase();
  return activity.attributes.find((a) => a.name.toLowerCase() === lower)?.value ?? null;
}

function activityView(state: InstanceState, a: Activity): ActivityView {
  const view: ActivityView = {
    id: a.id,
    date: formatDateTime(a.activityDate),
    typeId: a.activityTypeId,
    type: TYPE_NAMES.get(a.activityTypeId) ?? `Activity type ${a.activityTypeId}`,
    source: attribute(a, a.activityTypeId === NEW_LEAD ? 'Source Type' : 'Source') ?? attribute(a, 'Reason'),
    requestId: attribute(a, 'Request Id'),
    user: attribute(a, 'Modifying User'),
  };
  if (a.activityTypeId === CHANGE_DATA_VALUE && a.fields?.[0]) {
    view.field = a.fields[0].name;
    view.oldValue = a.fields[0].oldValue;
    view.newValue = a.fields[0].newValue;
  }
  if (a.activityTypeId === CHANGE_LEAD_PARTITION) {
    view.fromPartition = partitionName(state, Number(attribute(a, 'Old Partition ID')));
    view.toPartition = partitionName(state, Number(attribute(a, 'New Partition ID')));
  }
  return view;
}
