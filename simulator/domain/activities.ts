// The activity log: the types Marketo lists, the activities the emulator writes (12, 13, 37, 100), and date paging tokens.
import { base32 } from 'rfc4648';
import type { FieldDef, FieldValue } from './fields.js';
import type { Activity, ActivityAttribute, ChangedField, InstanceState, Lead } from './instance.js';

export const NEW_LEAD = 12;
export const CHANGE_DATA_VALUE = 13;
export const DELETE_LEAD = 37;
export const CHANGE_LEAD_PARTITION = 100;

export interface ActivityType {
  id: number;
  name: string;
  description: string;
  primaryAttribute?: { name: string; dataType: string };
  attributes: { name: string; dataType: string }[];
}

const attr = (name: string, dataType = 'string') => ({ name, dataType });

/**
 * Standard activity types. Ids 1–12 (names, descriptions, attributes and their order) are those of a real
 * `GET /rest/v1/activities/types.json` recorded in 2019 (hull/hull-connectors fixtures); the others follow the
 * Marketo lead activity data stream docs. New Lead has no primary attribute, and the recorded answer omits the key.
 */
export const ACTIVITY_TYPES: ActivityType[] = [
  { id: 1, name: 'Visit Webpage', description: 'User visits a web page', primaryAttribute: attr('Webpage ID', 'integer'), attributes: [attr('Client IP Address'), attr('Personalized URL', 'boolean'), attr('Query Parameters'), attr('Referrer URL'), attr('Search Engine'), attr('Search Query'), attr('User Agent'), attr('Webpage URL')] },
  { id: 2, name: 'Fill Out Form', description: 'User fills out and submits a form on web page', primaryAttribute: attr('Webform ID', 'integer'), attributes: [attr('Client IP Address'), attr('Form Fields', 'text'), attr('Query Parameters'), attr('Referrer URL'), attr('User Agent'), attr('Webpage ID', 'integer')] },
  { id: 3, name: 'Click Link', description: 'User clicks link on a page', primaryAttribute: attr('Link ID', 'integer'), attributes: [attr('Client IP Address'), attr('Query Parameters'), attr('Referrer URL'), attr('User Agent'), attr('Webpage ID', 'integer')] },
  { id: 6, name: 'Send Email', description: 'Send Marketo Email to a person', primaryAttribute: attr('Mailing ID', 'integer'), attributes: [attr('Campaign Run ID', 'integer'), attr('Choice Number', 'integer'), attr('Has Predictive', 'boolean'), attr('Step ID', 'integer'), attr('Test Variant', 'integer')] },
  { id: 7, name: 'Email Delivered', description: 'Marketo Email is delivered to a lead/contact', primaryAttribute: attr('Mailing ID', 'integer'), attributes: [attr('Campaign Run ID', 'integer'), attr('Choice Number', 'integer'), attr('Has Predictive', 'boolean'), attr('Step ID', 'integer'), attr('Test Variant', 'integer')] },
  { id: 8, name: 'Email Bounced', description: 'Marketo Email is bounced for a lead', primaryAttribute: attr('Mailing ID', 'integer'), attributes: [attr('Campaign Run ID', 'integer'), attr('Category'), attr('Choice Number', 'integer'), attr('Details'), attr('Email'), attr('Has Predictive', 'boolean'), attr('Step ID', 'integer'), attr('Subcategory'), attr('Test Variant', 'integer')] },
  { id: 9, name: 'Unsubscribe Email', description: 'Person unsubscribed from Marketo Emails', primaryAttribute: attr('Mailing ID', 'integer'), attributes: [attr('Campaign Run ID', 'integer'), attr('Client IP Address'), attr('Form Fields', 'text'), attr('Has Predictive', 'boolean'), attr('Query Parameters'), attr('Referrer URL'), attr('Test Variant', 'integer'), attr('User Agent'), attr('Webform ID', 'integer'), attr('Webpage ID', 'integer')] },
  { id: 10, name: 'Open Email', description: 'User opens Marketo Email', primaryAttribute: attr('Mailing ID', 'integer'), attributes: [attr('Campaign Run ID', 'integer'), attr('Choice Number', 'integer'), attr('Device'), attr('Has Predictive', 'boolean'), attr('Is Mobile Device', 'boolean'), attr('Platform'), attr('Step ID', 'integer'), attr('Test Variant', 'integer'), attr('User Agent')] },
  { id: 11, name: 'Click Email', description: 'User clicks on a link in a Marketo Email', primaryAttribute: attr('Mailing ID', 'integer'), attributes: [attr('Campaign Run ID', 'integer'), attr('Choice Number', 'integer'), attr('Device'), attr('Is Mobile Device', 'boolean'), attr('Is Predictive', 'boolean'), attr('Link'), attr('Link ID'), attr('Platform'), attr('Step ID', 'integer'), attr('Test Variant', 'integer'), attr('User Agent')] },
  { id: NEW_LEAD, name: 'New Lead', description: 'New person/record is added to the lead database', attributes: [attr('Created Date', 'date'), attr('Form Name'), attr('Lead Source'), attr('List Name'), attr('SFDC Type'), attr('Source Type'), attr('API Method Name'), attr('Modifying User'), attr('Request Id')] },
  { id: CHANGE_DATA_VALUE, name: 'Change Data Value', description: 'Changed attribute value for a person/record', primaryAttribute: attr('Attribute Name', 'integer'), attributes: [attr('API Method Name'), attr('Modifying User'), attr('New Value'), attr('Old Value'), attr('Reason'), attr('Request Id'), attr('Source')] },
  { id: 19, name: 'Sync Lead to SFDC', description: 'Person is synchronized to Salesforce', attributes: [attr('Assign To'), attr('Reason')] },
  { id: 21, name: 'Convert Lead', description: 'Convert a person', attributes: [attr('Acquired By', 'boolean'), attr('Is Primary', 'boolean')] },
  { id: 22, name: 'Change Score', description: 'Changed score for a person', primaryAttribute: attr('Score Name', 'integer'), attributes: [attr('Change Value'), attr('New Value', 'integer'), attr('Old Value', 'integer'), attr('Reason')] },
  { id: 23, name: 'Change Owner', description: 'Changed owner for a person', attributes: [attr('New Owner'), attr('Old Owner'), attr('Reason')] },
  { id: 24, name: 'Add to List', description: 'Person is added to a list', primaryAttribute: attr('List ID', 'integer'), attributes: [attr('Source')] },
  { id: 25, name: 'Remove from List', description: 'Person is removed from a list', primaryAttribute: attr('List ID', 'integer'), attributes: [attr('Source')] },
  { id: 32, name: 'Merge Leads', description: 'Merge two or more person records', primaryAttribute: attr('Lead ID', 'integer'), attributes: [attr('Master Updated', 'boolean'), attr('Merge IDs'), attr('Merged in Sales', 'boolean'), attr('Merge Source')] },
  { id: DELETE_LEAD, name: 'Delete Lead', description: 'Delete a person', primaryAttribute: attr('Lead ID', 'integer'), attributes: [attr('API Method Name'), attr('Modifying User'), attr('Remove from CRM', 'boolean'), attr('Request Id')] },
  { id: 46, name: 'Interesting Moment', description: 'Interesting moment for a person', attributes: [attr('Description'), attr('Source'), attr('Type')] },
  { id: CHANGE_LEAD_PARTITION, name: 'Change Lead Partition', description: 'Changed partition for a person', attributes: [attr('New Partition ID', 'integer'), attr('Old Partition ID', 'integer'), attr('Reason')] },
  { id: 101, name: 'Change Revenue Stage', description: 'Changed revenue stage for a person', primaryAttribute: attr('Model ID', 'integer'), attributes: [attr('New Stage ID', 'integer'), attr('Old Stage ID', 'integer'), attr('Reason')] },
  { id: 104, name: 'Change Status in Progression', description: 'Changed program status for a person', primaryAttribute: attr('Program ID', 'integer'), attributes: [attr('New Status ID', 'integer'), attr('Old Status ID', 'integer'), attr('Reason')] },
  { id: 145, name: 'Push Lead to Marketo', description: 'Push a person to Marketo', primaryAttribute: attr('Program ID', 'integer'), attributes: [attr('Reason'), attr('Source')] },
];

export const ACTIVITY_TYPE_IDS: ReadonlySet<number> = new Set(ACTIVITY_TYPES.map((t) => t.id));

/** Who made a write: the service's input source and user, the call and its request id, on the instance clock. */
export interface WriteContext {
  now: number;
  inputSource: string;
  userEmail: string;
  requestId: string;
  apiMethod: string;
}

function append(state: InstanceState, lead: Lead, activity: Omit<Activity, 'id' | 'leadId' | 'partitionId'>): Activity {
  const full: Activity = { id: state.counters.nextActivityId++, leadId: lead.id, partitionId: lead.partitionId, ...activity };
  state.activities.push(full);
  return full;
}

/**
 * New Lead attributes depend on the write context only, so the leads of one call (or one seeding) share one
 * read-only array: a million seeded leads would otherwise hold a million copies (about 370 bytes each).
 */
const newLeadAttributes = new WeakMap<WriteContext, readonly ActivityAttribute[]>();
const NO_FIELDS: readonly ChangedField[] = Object.freeze([]);

/** New Lead (12): attribute names are lowercase on instances, as recorded (hull/hull-connectors fixtures). */
export function logNewLead(state: InstanceState, lead: Lead, ctx: WriteContext): Activity {
  let attributes = newLeadAttributes.get(ctx);
  if (!attributes) {
    attributes = Object.freeze(
      [
        { name: 'Created Date', value: new Date(ctx.now).toISOString().slice(0, 10) },
        { name: 'Source Type', value: ctx.inputSource },
        { name: 'api method name', value: ctx.apiMethod },
        { name: 'modifying user', value: ctx.userEmail },
        { name: 'request id', value: ctx.requestId },
      ].map((a) => Object.freeze(a)),
    );
    newLeadAttributes.set(ctx, attributes);
  }
  return append(state, lead, { activityDate: ctx.now, activityTypeId: NEW_LEAD, attributes, fields: NO_FIELDS });
}

/** Change Data Value (13): one activity per changed field, with old and new values and the writer's source. */
export function logChangeDataValue(
  state: InstanceState,
  lead: Lead,
  field: FieldDef,
  oldValue: FieldValue,
  newValue: FieldValue,
  ctx: WriteContext,
): Activity {
  return append(state, lead, {
    activityDate: ctx.now,
    activityTypeId: CHANGE_DATA_VALUE,
    primaryAttributeValueId: field.id,
    primaryAttributeValue: field.displayName,
    attributes: [
      { name: 'New Value', value: newValue },
      { name: 'Old Value', value: oldValue },
      { name: 'Reason', value: ctx.inputSource },
      { name: 'Source', value: ctx.inputSource },
      { name: 'API Method Name', value: ctx.apiMethod },
      { name: 'Modifying User', value: ctx.userEmail },
      { name: 'Request Id', value: ctx.requestId },
    ],
    fields: [{ id: field.id, name: field.name, newValue, oldValue }],
  });
}

export function logDeleteLead(state: InstanceState, lead: Lead, fullName: string, ctx: WriteContext): Activity {
  return append(state, lead, {
    activityDate: ctx.now,
    activityTypeId: DELETE_LEAD,
    primaryAttributeValueId: lead.id,
    primaryAttributeValue: fullName,
    attributes: [
      { name: 'API Method Name', value: ctx.apiMethod },
      { name: 'Modifying User', value: ctx.userEmail },
      { name: 'Request Id', value: ctx.requestId },
    ],
  });
}

/** Change Lead Partition (100): the type has no primary attribute, so the activity carries none. */
export function logPartitionChange(state: InstanceState, lead: Lead, oldPartitionId: number, newPartitionId: number, ctx: WriteContext): Activity {
  return append(state, lead, {
    activityDate: ctx.now,
    activityTypeId: CHANGE_LEAD_PARTITION,
    attributes: [
      { name: 'New Partition ID', value: newPartitionId },
      { name: 'Old Partition ID', value: oldPartitionId },
      { name: 'Reason', value: ctx.inputSource },
    ],
  });
}

/** A date paging token: RFC 4648 base32 of `<datetime>,<last activity id>`, the shape Marketo's tokens decode to. */
export interface PagePosition {
  since: number;
  afterId: number;
}

export function encodePagingToken(position: PagePosition): string {
  const date = new Date(position.since).toISOString().replace('Z', '+0000');
  return base32.stringify(Buffer.from(`${date},${position.afterId}`, 'utf8'));
}

export function decodePagingToken(token: string): PagePosition | null {
  try {
    const text = Buffer.from(base32.parse(token, { loose: true })).toString('utf8');
    const m = /^(.+),(\d+)$/.exec(text);
    if (!m) return null;
    const since = Date.parse(m[1].replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    if (Number.isNaN(since)) return null;
    return { since, afterId: Number(m[2]) };
  } catch {
    return null;
  }
}

export interface ActivityQuery {
  position: PagePosition;
  batchSize: number;
  typeIds?: ReadonlySet<number>;
  leadIds?: ReadonlySet<number>;
  /** `assetIds`: keep activities whose primary attribute value id is one of these. */
  primaryIds?: ReadonlySet<number>;
  /** Lead changes: keep a Change Data Value only if it touched one of these fields. */
  changedFields?: ReadonlySet<string>;
  /** The caller's readable partitions: an activity is shown if its lead's partition is one of them. */
  readablePartitions?: ReadonlySet<number>;
}

export interface ActivityPage {
  activities: Activity[];
  nextPageToken: string;
  moreResult: boolean;
}

/** How many log entries one page may scan; like Marketo, a page can come back short with `moreResult: true`. */
const SCAN_LIMIT = 50_000;

/** Activities after the token's position, oldest first (activity ids grow with time on the instance). */
export function queryActivities(state: InstanceState, query: ActivityQuery): ActivityPage {
  const log = state.activities;
  let i = firstIndexAfter(log, query.position.afterId);
  const out: Activity[] = [];
  let scanned = 0;
  let lastId = query.position.afterId;
  while (i < log.length && out.length < query.batchSize && scanned < SCAN_LIMIT) {
    const a = log[i++];
    scanned++;
    lastId = a.id;
    if (a.activityDate < query.position.since) continue;
    if (query.typeIds && !query.typeIds.has(a.activityTypeId)) continue;
    if (query.leadIds && !query.leadIds.has(a.leadId)) continue;
    if (query.primaryIds && (a.primaryAttributeValueId === undefined || !query.primaryIds.has(a.primaryAttributeValueId))) continue;
    if (query.changedFields && a.activityTypeId === CHANGE_DATA_VALUE) {
      if (!a.fields?.some((f) => query.changedFields!.has(f.name))) continue;
    }
    if (query.readablePartitions && !readable(state, a, query.readablePartitions)) continue;
    out.push(a);
  }
  return {
    activities: out,
    moreResult: i < log.length,
    nextPageToken: encodePagingToken({ since: query.position.since, afterId: lastId }),
  };
}

/**
 * API users "can access all records in the partitions available to" their workspaces: a lead's activities follow the
 * lead's current partition, those of a deleted lead the partition it was in when they were written.
 */
function readable(state: InstanceState, a: Activity, partitions: ReadonlySet<number>): boolean {
  const partitionId = state.leads.get(a.leadId)?.partitionId ?? a.partitionId;
  return partitionId === undefined || partitions.has(partitionId);
}

function firstIndexAfter(log: Activity[], afterId: number): number {
  let lo = 0;
  let hi = log.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (log[mid].id <= afterId) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const ISO_DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * `sinceDatetime` of Get Paging Token: ISO 8601 with `Z` or `±hh:mm`, or a plain date. A value without an offset
 * reads as UTC. A `+` sent unencoded arrives as a space, so a space before the offset is read back as `+`.
 */
export function parseSinceDatetime(raw: string): number | null {
  const text = raw.trim().replace(/ (\d{2}:?\d{2})$/, '+$1');
  const m = ISO_DATETIME_RE.exec(text);
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', zone = 'Z'] = m;
  const offset = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${offset}`);
  if (Number.isNaN(ms)) return null;
  const check = new Date(Date.UTC(+y, +mo - 1, +d));
  if (check.getUTCMonth() !== +mo - 1 || check.getUTCDate() !== +d || +h > 23 || +mi > 59 || +s > 59) return null;
  return ms;
}

/** Activity dates on the wire: `2019-08-22T18:20:08Z` (UTC, whole seconds), as current recordings show. */
export function formatActivityDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const isEmptyValue = (v: FieldValue | undefined) => v === null || v === undefined || v === '';

function head(a: Activity): Record<string, unknown> {
  return { id: a.id, marketoGUID: String(a.id), leadId: a.leadId, activityDate: formatActivityDate(a.activityDate), activityTypeId: a.activityTypeId };
}

/**
 * Get Lead Activities item: `{id, marketoGUID, leadId, activityDate, activityTypeId, primaryAttributeValueId?,
 * primaryAttributeValue?, attributes}`; "if the field is empty, then that particular attribute is omitted".
 */
export function activityItem(a: Activity): Record<string, unknown> {
  const item = head(a);
  if (a.primaryAttributeValueId !== undefined) item.primaryAttributeValueId = a.primaryAttributeValueId;
  if (a.primaryAttributeValue !== undefined) item.primaryAttributeValue = a.primaryAttributeValue;
  const changed = a.activityTypeId === CHANGE_DATA_VALUE;
  item.attributes = a.attributes
    .filter((at) => !isEmptyValue(at.value))
    .map((at) => ({ name: at.name, value: changed && IN_FIELDS.has(at.name) ? asText(at.value) : at.value }));
  return item;
}

/** Changed values travel as strings: the type lists New Value/Old Value as string, the SPEC's LeadChangeField too. */
function asText(value: FieldValue): string | null {
  return value === null ? null : String(value);
}

/** Change Data Value attributes that lead changes carry in `fields[]` rather than in `attributes[]`. */
const IN_FIELDS = new Set(['New Value', 'Old Value']);

/**
 * Get Lead Changes item: `{id, marketoGUID, leadId, activityDate, activityTypeId, fields, attributes}`. New Lead
 * carries `fields: []` and its own attributes; Change Data Value carries `{id, name, newValue, oldValue}` (oldValue
 * null for a previously empty field) and Reason, Source and Lead ID first, as in the documented example.
 */
export function leadChangeItem(a: Activity, fieldNames?: ReadonlySet<string>): Record<string, unknown> {
  const item = head(a);
  const fields = (a.fields ?? []).filter((f) => !fieldNames || fieldNames.has(f.name));
  item.fields = fields.map((f) => ({ id: f.id, name: f.name, newValue: asText(f.newValue), oldValue: asText(f.oldValue) }));
  if (a.activityTypeId !== CHANGE_DATA_VALUE) {
    item.attributes = a.attributes.filter((at) => !isEmptyValue(at.value)).map((at) => ({ name: at.name, value: at.value }));
    return item;
  }
  const byName = new Map(a.attributes.map((at) => [at.name, at.value]));
  const first = [
    { name: 'Reason', value: byName.get('Reason') ?? null },
    { name: 'Source', value: byName.get('Source') ?? null },
    { name: 'Lead ID', value: a.leadId },
  ];
  const rest = a.attributes.filter((at) => !IN_FIELDS.has(at.name) && at.name !== 'Reason' && at.name !== 'Source');
  item.attributes = [...first, ...rest].filter((at) => !isEmptyValue(at.value));
  return item;
}

/** Get Deleted Leads item: the lead's name as primary attribute and `attributes: []`, as documented. */
export function deletedLeadItem(a: Activity): Record<string, unknown> {
  const item = head(a);
  item.primaryAttributeValueId = a.primaryAttributeValueId ?? a.leadId;
  item.primaryAttributeValue = a.primaryAttributeValue ?? '';
  item.attributes = [];
  return item;
}
