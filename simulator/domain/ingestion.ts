// Data Ingestion "Sync Persons": upsert each person in one partition, matched on one or two dedupe fields (AND).
import { ERR, MarketoError, type MarketoReason } from '../http/errors.js';
import type { WriteContext } from './activities.js';
import { keyOf, type FieldValue } from './fields.js';
import { partitionByName, type InstanceState, type Lead } from './instance.js';
import { findByKey, insertLead, parseInsertRecord, updateLead, type BlockedWrite } from './leads.js';

/** Not documented for persons; 1,000 is the documented maximum of the other Data Ingestion endpoints (companies, program members). */
export const MAX_PERSONS = 1000;

/** "Supported attributes are: id, email, sfdcAccountId, sfdcContactId, sfdcLeadId, sfdcLeadOwnerId, Custom attributes (string and integer type only)". */
export const STANDARD_DEDUPE_FIELDS = ['id', 'email', 'sfdcAccountId', 'sfdcContactId', 'sfdcLeadId', 'sfdcLeadOwnerId'];

export interface PersonsJob {
  requestId: string;
  partitionName: string;
  /** field1, then the optional field2. */
  dedupeFields: string[];
  persons: unknown[];
}

export interface PersonOutcome {
  index: number;
  status: 'created' | 'updated' | 'skipped';
  leadId?: number;
  reasons?: MarketoReason[];
}

/** Null when `name` may be a dedupe field, else why not. Beyond the documented list, fields made searchable are accepted. */
export function dedupeFieldProblem(state: InstanceState, name: string): string | null {
  const field = state.fieldByName.get(name);
  if (!field) return `field '${name}' not found`;
  if (STANDARD_DEDUPE_FIELDS.includes(name)) return null;
  if (field.isCustom && (field.dataType === 'string' || field.dataType === 'integer')) return null;
  if (field.searchable && name !== 'leadPartitionId') return null;
  return `field '${name}' cannot be a dedupe field (supported: ${STANDARD_DEDUPE_FIELDS.join(', ')}, custom string or integer fields)`;
}

/** Leads in the partition whose every dedupe field equals the person's value; the index serves field1 when it can. */
function candidates(state: InstanceState, partitionId: number, keys: [string, string][]): Lead[] {
  const [first, ...rest] = keys;
  let leads: Lead[];
  if (first[0] === 'id' || state.index.hasField(first[0])) leads = findByKey(state, first[0], first[1]);
  else {
    const field = state.fieldByName.get(first[0])!;
    leads = [...state.index.partitionMembers(partitionId)].map((id) => state.leads.get(id)!).filter((l) => keyOf(field, l.values[first[0]]) === first[1]);
  }
  return leads.filter(
    (lead) =>
      lead.partitionId === partitionId &&
      rest.every(([name, key]) => (name === 'id' ? String(lead.id) === key : keyOf(state.fieldByName.get(name)!, lead.values[name]) === key)),
  );
}

/** Processes one accepted request: each person is created, updated, or skipped with its reason, independently. */
export function syncPersons(state: InstanceState, job: PersonsJob, ctx: WriteContext): { outcomes: PersonOutcome[]; blocked: BlockedWrite[] } {
  const partition = partitionByName(state, job.partitionName);
  const blocked: BlockedWrite[] = [];
  const outcomes = job.persons.map((raw, index): PersonOutcome => {
    const skip = (reason: MarketoReason): PersonOutcome => ({ index, status: 'skipped', reasons: [reason] });
    if (!partition) return skip(ERR.PARTITION_NOT_FOUND(job.partitionName));
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return skip(ERR.INVALID_DATA);
    const person = raw as Record<string, unknown>;
    const keys: [string, string][] = [];
    for (const name of job.dedupeFields) {
      const key = keyOf(state.fieldByName.get(name)!, person[name] as FieldValue | undefined);
      if (key === null) return skip(ERR.MISSING_VALUE(name));
      keys.push([name, key]);
    }
    const { id: _id, ...fields } = person;
    if (_id !== undefined && !job.dedupeFields.includes('id')) return skip(ERR.INVALID_DATA);
    let values: Record<string, FieldValue>;
    try {
      values = parseInsertRecord(state, fields);
    } catch (e) {
      if (e instanceof MarketoError) return skip(e.reasons[0]);
      throw e;
    }
    const matches = candidates(state, partition.id, keys);
    if (matches.length > 1) return skip(ERR.MULTIPLE_MATCH);
    if (matches.length === 1) {
      blocked.push(...updateLead(state, matches[0], values, ctx));
      return { index, status: 'updated', leadId: matches[0].id };
    }
    if (_id !== undefined) return skip(ERR.LEAD_NOT_FOUND);
    return { index, status: 'created', leadId: insertLead(state, partition.id, values, ctx).id };
  });
  return { outcomes, blocked };
}
