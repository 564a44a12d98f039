// Lead operations, named after Marketo's: syncLeads, getLeadsByFilterType, getLeadById, deleteLeads, updateLeadPartitions.
import { ERR, MarketoError, assert, type MarketoReason } from '../http/errors.js';
import {
  logChangeDataValue,
  logDeleteLead,
  logNewLead,
  logPartitionChange,
  type WriteContext,
} from './activities.js';
import { coerceValue, formatDateTime, isEmpty, isUpdateable, keyOf, type FieldDef, type FieldValue } from './fields.js';
import {
  DEFAULT_PARTITION_ID,
  indexLead,
  partitionById,
  partitionByName,
  unindexLead,
  type InstanceState,
  type Lead,
  type Partition,
} from './instance.js';

export const SYNC_ACTIONS = ['createOrUpdate', 'createOnly', 'updateOnly', 'createDuplicate'] as const;
export type SyncAction = (typeof SYNC_ACTIONS)[number];

/** Fields returned by Get Lead(s) when `fields` is not given (DEV leads.md), in the key order of every recorded answer. */
export const DEFAULT_READ_FIELDS = ['updatedAt', 'lastName', 'email', 'createdAt', 'firstName'];
export const MAX_FILTER_MATCHES = 1000;

/** Who is calling: the partitions the service's API user can read and write persons in. */
export interface Actor {
  readPartitions: ReadonlySet<number>;
  writePartitions: ReadonlySet<number>;
}

export type RecordResult =
  | { id: number; status: 'created' | 'updated' | 'deleted' }
  | { id?: number; status: 'skipped'; reasons: MarketoReason[] };

/** A field write dropped by Block Field Updates (reported in the emulator's inspection log, not by Marketo). */
export interface BlockedWrite {
  leadId: number;
  field: string;
  inputSource: string;
  keptValue: FieldValue;
  droppedValue: FieldValue;
}

export interface SyncLeadsInput {
  action?: string;
  lookupField?: string;
  partitionName?: string;
  input: unknown;
}

export interface WriteOutcome {
  result: RecordResult[];
  blocked: BlockedWrite[];
}

const skip = (reason: MarketoReason): RecordResult => ({ status: 'skipped', reasons: [reason] });

/** A lead id as a client sends it: a positive whole number, or its decimal digits as a string; anything else is null. */
export function parseLeadId(raw: unknown): number | null {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/** Checks a batch of input records against the instance's limits (response-level, before anything is written). */
export function assertBatch(state: InstanceState, input: unknown, what = 'input'): unknown[] {
  assert(input !== undefined && input !== null, ERR.CANNOT_BE_BLANK(what));
  assert(Array.isArray(input), ERR.INVALID_REQUEST(`${what} must be an array`));
  assert(input.length > 0, ERR.CANNOT_BE_BLANK(what));
  const max = state.settings.limits.maxBatchSize;
  assert(input.length <= max, ERR.INVALID_REQUEST(`Too many records in ${what} (${input.length}); the maximum is ${max}`));
  return input;
}

/** The lookup/filter field must exist (1006) and be searchable (1011). */
export function searchableField(state: InstanceState, name: string): FieldDef {
  const field = state.fieldByName.get(name);
  assert(field, ERR.LOOKUP_FIELD_NOT_FOUND(name));
  assert(field.searchable, ERR.LOOKUP_FIELD_NOT_SUPPORTED(name));
  return field;
}

/** Sync Leads (`POST /rest/v1/leads.json`): create, update or skip each record independently, in input order. */
export function syncLeads(state: InstanceState, request: SyncLeadsInput, actor: Actor, ctx: WriteContext): WriteOutcome {
  const action = (request.action ?? 'createOrUpdate') as SyncAction;
  assert(SYNC_ACTIONS.includes(action), ERR.INVALID_REQUEST(`Invalid action '${String(request.action)}'`));
  const lookupName = request.lookupField ?? 'email';
  const lookup = searchableField(state, lookupName);
  const input = assertBatch(state, request.input);

  // partitionName applies to createOnly/createOrUpdate only; creates go to Default otherwise.
  let target: Partition | MarketoReason = partitionById(state, DEFAULT_PARTITION_ID)!;
  const partitionNamed = request.partitionName !== undefined && action !== 'updateOnly';
  if (partitionNamed) target = partitionByName(state, request.partitionName!) ?? ERR.PARTITION_NOT_FOUND(request.partitionName!);

  const blocked: BlockedWrite[] = [];
  const result = input.map((raw): RecordResult => {
    if ('code' in target) return skip(target);
    // "the API errors ... if the API-only user cannot access that partition": refused before anything else.
    if (partitionNamed && !actor.writePartitions.has(target.id)) return skip(ERR.PARTITION_ACCESS_DENIED(target.name));
    const parsed = parseRecord(state, raw, action, lookupName);
    if ('reason' in parsed) return skip(parsed.reason);
    const { values } = parsed;

    if (action === 'createDuplicate') return createLead(state, target, values, actor, ctx);

    const key = keyOf(lookup, lookupName === 'id' ? parsed.id : values[lookupName]);
    if (key === null) return skip(ERR.INVALID_DATA);
    const matches = firstMatches(state, lookupName, key, state.settings.dedupe.partitionScoped && action !== 'updateOnly' ? target.id : undefined);

    if (action === 'createOnly') return matches.length > 0 ? skip(ERR.LEAD_EXISTS) : createLead(state, target, values, actor, ctx);
    if (matches.length > 1) return skip(ERR.MULTIPLE_MATCH);
    if (matches.length === 0) {
      return action === 'updateOnly' ? skip(ERR.LEAD_NOT_FOUND) : createLead(state, target, values, actor, ctx);
    }
    const lead = matches[0];
    if (!actor.writePartitions.has(lead.partitionId)) {
      return skip(ERR.PARTITION_ACCESS_DENIED(partitionById(state, lead.partitionId)?.name ?? String(lead.partitionId)));
    }
    // Instance-wide dedupe: the match lives in another partition than the one asked for.
    if (partitionNamed && lead.partitionId !== target.id) return skip(ERR.PARTITION_UPDATE_NOT_ALLOWED);
    blocked.push(...updateLead(state, lead, values, ctx));
    return { id: lead.id, status: 'updated' };
  });
  return { result, blocked };
}

/** A valid record: the values to write, and its `id` when it is the updateOnly key. */
type Parsed = { values: Record<string, FieldValue>; id?: FieldValue } | { reason: MarketoReason };

/** Validates one input record: known fields (1006), writable fields (1011), `id` only as an updateOnly key (1003), types (1001). */
function parseRecord(state: InstanceState, raw: unknown, action: SyncAction, lookupName: string): Parsed {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { reason: ERR.INVALID_DATA };
  const values: Record<string, FieldValue> = {};
  let id: FieldValue | undefined;
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    const field = state.fieldByName.get(name);
    if (!field) return { reason: ERR.FIELD_NOT_FOUND(name) };
    if (name === 'id' && (action !== 'updateOnly' || lookupName !== 'id')) return { reason: ERR.INVALID_DATA };
    if (name !== 'id' && !isUpdateable(field)) return { reason: ERR.FIELD_NOT_SUPPORTED(name) };
    const coerced = coerceValue(field, value);
    if (!coerced.ok) return { reason: coerced.reason };
    if (name === 'id') id = coerced.value;
    else values[name] = coerced.value;
  }
  return { values, id };
}

/** Validates records for a direct insert (control plane): same field and type rules as Sync Leads, errors thrown. */
export function parseInsertRecord(state: InstanceState, raw: unknown): Record<string, FieldValue> {
  const parsed = parseRecord(state, raw, 'createDuplicate', 'email');
  if ('reason' in parsed) throw new MarketoError(parsed.reason);
  return parsed.values;
}

/**
 * Up to two leads holding `key` (in `partitionId` when given): all Sync Leads needs to tell none, one and several
 * apart, so a key shared by many leads costs two lookups, not one per lead.
 */
function firstMatches(state: InstanceState, fieldName: string, key: string, partitionId: number | undefined): Lead[] {
  const ids = fieldName === 'id' ? findByKey(state, 'id', key).map((l) => l.id) : state.index.find(fieldName, key);
  const out: Lead[] = [];
  for (const id of ids) {
    const lead = state.leads.get(id)!;
    if (partitionId !== undefined && lead.partitionId !== partitionId) continue;
    out.push(lead);
    if (out.length === 2) break;
  }
  return out;
}

export function findByKey(state: InstanceState, fieldName: string, key: string): Lead[] {
  if (fieldName === 'id') {
    const id = parseLeadId(key);
    const lead = id === null ? undefined : state.leads.get(id);
    return lead ? [lead] : [];
  }
  return state.index.find(fieldName, key).map((id) => state.leads.get(id)!);
}

function createLead(
  state: InstanceState,
  partition: Partition,
  values: Record<string, FieldValue>,
  actor: Actor,
  ctx: WriteContext,
): RecordResult {
  if (!actor.writePartitions.has(partition.id)) return skip(ERR.PARTITION_ACCESS_DENIED(partition.name));
  const lead = insertLead(state, partition.id, values, ctx);
  return { id: lead.id, status: 'created' };
}

/** Adds a lead with its New Lead activity (used by Sync Leads and by direct inserts). */
export function insertLead(
  state: InstanceState,
  partitionId: number,
  values: Record<string, FieldValue>,
  ctx: WriteContext,
  options: { logActivity?: boolean } = {},
): Lead {
  const stored: Record<string, FieldValue> = {};
  for (const [name, value] of Object.entries(values)) if (!isEmpty(value)) stored[name] = value;
  const lead: Lead = { id: state.counters.nextLeadId++, partitionId, createdAt: ctx.now, updatedAt: ctx.now, values: stored };
  state.leads.set(lead.id, lead);
  indexLead(state, lead);
  if (options.logActivity !== false) logNewLead(state, lead, ctx);
  return lead;
}

/** Applies values to an existing lead: Block Field Updates first, then one Change Data Value per changed field. */
export function updateLead(state: InstanceState, lead: Lead, values: Record<string, FieldValue>, ctx: WriteContext): BlockedWrite[] {
  const blocked: BlockedWrite[] = [];
  let changed = false;
  for (const [name, newValue] of Object.entries(values)) {
    const field = state.fieldByName.get(name)!;
    const oldValue = lead.values[name] ?? null;
    if (sameValue(oldValue, newValue)) continue;
    if (field.blockedSources.includes(ctx.inputSource) && !isEmpty(oldValue)) {
      blocked.push({ leadId: lead.id, field: name, inputSource: ctx.inputSource, keptValue: oldValue, droppedValue: newValue });
      continue;
    }
    setValue(state, lead, field, newValue);
    logChangeDataValue(state, lead, field, oldValue, newValue, ctx);
    changed = true;
  }
  if (changed) lead.updatedAt = ctx.now;
  return blocked;
}

function sameValue(a: FieldValue, b: FieldValue): boolean {
  return (isEmpty(a) && isEmpty(b)) || a === b;
}

function setValue(state: InstanceState, lead: Lead, field: FieldDef, value: FieldValue): void {
  if (field.searchable) state.index.remove(field.name, keyOf(field, lead.values[field.name]), lead.id);
  if (isEmpty(value)) delete lead.values[field.name];
  else lead.values[field.name] = value;
  if (field.searchable) state.index.add(field.name, keyOf(field, value), lead.id);
}

/** The read form of a lead: `id` first, then each requested field, `null` where it has no value. */
export function readLead(state: InstanceState, lead: Lead, fields: readonly string[]): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = { id: lead.id };
  for (const name of fields) {
    if (name === 'id') continue;
    out[name] = readValue(state, lead, name);
  }
  return out;
}

export function readValue(state: InstanceState, lead: Lead, name: string): FieldValue {
  switch (name) {
    case 'id':
      return lead.id;
    case 'createdAt':
      return formatDateTime(lead.createdAt);
    case 'updatedAt':
      return formatDateTime(lead.updatedAt);
    case 'leadPartitionId':
      return lead.partitionId;
    case 'mktoName':
      return fullName(lead) || null;
    default:
      return lead.values[name] ?? null;
  }
}

export function fullName(lead: Lead): string {
  return [lead.values.firstName, lead.values.lastName].filter((v) => !isEmpty(v)).join(' ');
}

/** `fields=` must name existing fields (1006); default set when empty. */
export function resolveReadFields(state: InstanceState, fields: string[] | undefined): string[] {
  if (!fields || fields.length === 0) return DEFAULT_READ_FIELDS;
  for (const name of fields) assert(state.fieldByName.has(name), ERR.FIELD_NOT_FOUND(name));
  return fields;
}

export interface FilterQuery {
  filterType: string;
  filterValues: string[];
  fields: string[];
  batchSize: number;
  offset: number;
}

export interface LeadPage {
  result: Record<string, FieldValue>[];
  nextOffset: number | null;
}

/** Get Leads by Filter Type: exact match on any value, in id order, only leads the caller can read. */
export function getLeadsByFilterType(state: InstanceState, query: FilterQuery, actor: Actor): LeadPage {
  const field = searchableField(state, query.filterType);
  const ids = field.name === 'leadPartitionId' ? partitionMatches(state, query.filterValues, actor) : keyMatches(state, field, query.filterValues, actor);
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  const page = sorted.slice(query.offset, query.offset + query.batchSize);
  const nextOffset = query.offset + query.batchSize < sorted.length ? query.offset + query.batchSize : null;
  return { result: page.map((id) => readLead(state, state.leads.get(id)!, query.fields)), nextOffset };
}

/** Readable leads in the named partitions, counted before they are materialised (a partition may hold millions). */
function partitionMatches(state: InstanceState, values: string[], actor: Actor): number[] {
  const partitionIds = [...new Set(values.map(Number))].filter((id) => actor.readPartitions.has(id));
  const total = partitionIds.reduce((n, id) => n + state.index.partitionSize(id), 0);
  assert(total <= MAX_FILTER_MATCHES, ERR.TOO_MANY_RESULTS);
  return partitionIds.flatMap((id) => [...state.index.partitionMembers(id)]);
}

/**
 * Readable leads holding any of the values, read straight from the index postings. Counting stops at the first
 * match past the limit, so a value shared by a million leads answers 1003 at the cost of 1,001 (it took ~150 ms).
 */
function keyMatches(state: InstanceState, field: FieldDef, values: string[], actor: Actor): number[] {
  const ids: number[] = [];
  for (const key of new Set(values.map((v) => keyOf(field, v)))) {
    if (key === null) continue;
    const found = field.name === 'id' ? findByKey(state, 'id', key).map((l) => l.id) : state.index.find(field.name, key);
    for (const id of found) {
      if (!actor.readPartitions.has(state.leads.get(id)!.partitionId)) continue;
      assert(ids.length < MAX_FILTER_MATCHES, ERR.TOO_MANY_RESULTS);
      ids.push(id);
    }
  }
  return ids;
}

/** Get Lead by Id: one record, or an empty result when there is no such lead (or the caller cannot read it). */
export function getLeadById(state: InstanceState, id: number, fields: string[], actor: Actor): Record<string, FieldValue>[] {
  const lead = state.leads.get(id);
  if (!lead || !actor.readPartitions.has(lead.partitionId)) return [];
  return [readLead(state, lead, fields)];
}

/** Delete Leads: each id is deleted (Delete Lead activity), or skipped with its id kept. */
export function deleteLeads(state: InstanceState, ids: unknown[], actor: Actor, ctx: WriteContext): RecordResult[] {
  return ids.map((raw): RecordResult => {
    const id = parseLeadId(raw);
    if (id === null) return skip(ERR.INVALID_DATA);
    const lead = state.leads.get(id);
    if (!lead) return { id, status: 'skipped', reasons: [ERR.LEAD_NOT_FOUND] };
    if (!actor.writePartitions.has(lead.partitionId)) {
      return { id, status: 'skipped', reasons: [ERR.PARTITION_ACCESS_DENIED(partitionById(state, lead.partitionId)!.name)] };
    }
    removeLead(state, lead, ctx);
    return { id, status: 'deleted' };
  });
}

export function removeLead(state: InstanceState, lead: Lead, ctx: WriteContext): void {
  unindexLead(state, lead);
  state.leads.delete(lead.id);
  logDeleteLead(state, lead, fullName(lead), ctx);
}

/** Update Lead Partition: moves each lead to the named partition (Change Lead Partition activity). */
export function updateLeadPartitions(state: InstanceState, input: unknown[], actor: Actor, ctx: WriteContext): RecordResult[] {
  return input.map((raw): RecordResult => {
    if (typeof raw !== 'object' || raw === null) return skip(ERR.INVALID_DATA);
    const { id: rawId, partitionName } = raw as { id?: unknown; partitionName?: unknown };
    const id = parseLeadId(rawId);
    if (id === null) return skip(ERR.INVALID_DATA);
    if (typeof partitionName !== 'string' || partitionName === '') return { id, status: 'skipped', reasons: [ERR.PARTITION_NAME_REQUIRED] };
    const partition = partitionByName(state, partitionName);
    if (!partition) return { id, status: 'skipped', reasons: [ERR.PARTITION_NOT_FOUND(partitionName)] };
    const lead = state.leads.get(id);
    if (!lead) return { id, status: 'skipped', reasons: [ERR.LEAD_NOT_FOUND] };
    for (const pid of [lead.partitionId, partition.id]) {
      if (!actor.writePartitions.has(pid)) {
        return { id, status: 'skipped', reasons: [ERR.PARTITION_ACCESS_DENIED(partitionById(state, pid)!.name)] };
      }
    }
    if (lead.partitionId !== partition.id) moveLead(state, lead, partition, ctx);
    return { id, status: 'updated' };
  });
}

export function moveLead(state: InstanceState, lead: Lead, partition: Partition, ctx: WriteContext): void {
  const oldPartitionId = lead.partitionId;
  state.index.removeFromPartition(oldPartitionId, lead.id);
  lead.partitionId = partition.id;
  lead.updatedAt = ctx.now;
  state.index.addToPartition(partition.id, lead.id);
  logPartitionChange(state, lead, oldPartitionId, partition.id, ctx);
}
