// Activities: Get Activity Types, Get Paging Token, Get Lead Activities, Get Lead Changes, Get Deleted Leads.
import { ERR, MarketoError, assert } from '../http/errors.js';
import { READ_ACTIVITY, type Operation, type RestCall } from '../http/operation.js';
import {
  ACTIVITY_TYPES,
  ACTIVITY_TYPE_IDS,
  CHANGE_DATA_VALUE,
  DELETE_LEAD,
  NEW_LEAD,
  activityItem,
  decodePagingToken,
  deletedLeadItem,
  encodePagingToken,
  leadChangeItem,
  parseSinceDatetime,
  queryActivities,
  type ActivityQuery,
  type PagePosition,
} from '../domain/activities.js';
import { partitionsWith, type Activity } from '../domain/instance.js';
import { parseLeadId } from '../domain/leads.js';
import { batchSize, requiredList } from './request.js';

const MAX_ACTIVITY_TYPE_IDS = 10;
const MAX_LEAD_IDS = 30;

function getActivityTypes() {
  return { result: ACTIVITY_TYPES.map((t) => ({ ...t, attributes: t.attributes.map((a) => ({ ...a })) })) };
}

/** `sinceDatetime` (required, ISO 8601) -> a date paging token; the answer carries no `result`. */
function getPagingToken(call: RestCall) {
  const raw = call.query.get('sinceDatetime');
  assert(raw !== undefined && raw.trim() !== '', ERR.CANNOT_BE_BLANK('sinceDatetime'));
  const since = parseSinceDatetime(raw);
  assert(since !== null, ERR.INVALID_DATE);
  return { omitResult: true, nextPageToken: encodePagingToken({ since, afterId: 0 }) };
}

/** The required date token every activity read starts from. */
function pagePosition(call: RestCall): PagePosition {
  const token = call.query.get('nextPageToken');
  assert(token !== undefined && token !== '', ERR.CANNOT_BE_BLANK('nextPageToken'));
  const position = decodePagingToken(token);
  assert(position !== null, ERR.INVALID_REQUEST('Invalid nextPageToken'));
  return position;
}

function intList(call: RestCall, key: string, max: number): Set<number> | undefined {
  const list = call.query.list(key);
  if (list === undefined || list.length === 0) return undefined;
  assert(list.length <= max, ERR.INVALID_REQUEST(`Too many ${key} (${list.length}); the maximum is ${max}`));
  const bad = list.find((v) => parseLeadId(v) === null);
  assert(bad === undefined, ERR.INVALID_VALUE(bad ?? '', 'integer'));
  return new Set(list.map(Number));
}

/** `listId` narrows to a static list's members; the emulator has no static lists, so every list id is unknown. */
function refuseListId(call: RestCall): void {
  const listId = call.query.get('listId');
  if (listId !== undefined && listId !== '') throw new MarketoError(ERR.OBJECT_NOT_FOUND);
}

function page(call: RestCall, query: ActivityQuery, item: (a: Activity) => Record<string, unknown>) {
  // Activity permissions are granted per workspace, like person permissions: only those workspaces' partitions count.
  const readablePartitions = partitionsWith(call.instance, call.caller.service, READ_ACTIVITY);
  const found = queryActivities(call.instance, { ...query, readablePartitions });
  // Activity reads "always return nextPageToken", with moreResult telling whether to call again.
  return { result: found.activities.map(item), nextPageToken: found.nextPageToken, moreResult: found.moreResult };
}

function getLeadActivities(call: RestCall) {
  const position = pagePosition(call);
  const typeList = requiredList(call, 'activityTypeIds');
  assert(
    typeList.length <= MAX_ACTIVITY_TYPE_IDS,
    ERR.INVALID_REQUEST(`Too many activityTypeIds (${typeList.length}); the maximum is ${MAX_ACTIVITY_TYPE_IDS}`),
  );
  for (const raw of typeList) assert(/^\d+$/.test(raw) && ACTIVITY_TYPE_IDS.has(Number(raw)), ERR.INVALID_REQUEST(`Invalid activity type id '${raw}'`));
  const typeIds = new Set(typeList.map(Number));
  const assetIds = intList(call, 'assetIds', Number.MAX_SAFE_INTEGER);
  assert(assetIds === undefined || typeIds.size === 1, ERR.INVALID_REQUEST('assetIds can only be used with a single activity type'));
  refuseListId(call);
  const leadIds = intList(call, 'leadIds', MAX_LEAD_IDS);
  return page(call, { position, batchSize: batchSize(call), typeIds, leadIds, primaryIds: assetIds }, activityItem);
}

/** Only New Lead (12) and Change Data Value (13) on the named `fields` (required, each an existing field). */
function getLeadChanges(call: RestCall) {
  const position = pagePosition(call);
  const fields = requiredList(call, 'fields');
  for (const name of fields) assert(call.instance.fieldByName.has(name), ERR.FIELD_NOT_FOUND(name));
  refuseListId(call);
  const leadIds = intList(call, 'leadIds', MAX_LEAD_IDS);
  const changedFields = new Set(fields);
  const query: ActivityQuery = {
    position,
    batchSize: batchSize(call),
    typeIds: new Set([NEW_LEAD, CHANGE_DATA_VALUE]),
    leadIds,
    changedFields,
  };
  return page(call, query, (a) => leadChangeItem(a, changedFields));
}

function getDeletedLeads(call: RestCall) {
  const position = pagePosition(call);
  return page(call, { position, batchSize: batchSize(call), typeIds: new Set([DELETE_LEAD]) }, deletedLeadItem);
}

export const activityOperations: Operation[] = [
  { name: 'getAllActivityTypes', method: 'GET', path: '/rest/v1/activities/types.json', permissions: READ_ACTIVITY, handle: getActivityTypes },
  { name: 'getActivitiesPagingToken', method: 'GET', path: '/rest/v1/activities/pagingtoken.json', permissions: READ_ACTIVITY, handle: getPagingToken },
  { name: 'getLeadActivities', method: 'GET', path: '/rest/v1/activities.json', permissions: READ_ACTIVITY, handle: getLeadActivities },
  { name: 'getLeadChanges', method: 'GET', path: '/rest/v1/activities/leadchanges.json', permissions: READ_ACTIVITY, handle: getLeadChanges },
  { name: 'getDeletedLeads', method: 'GET', path: '/rest/v1/activities/deletedleads.json', permissions: READ_ACTIVITY, handle: getDeletedLeads },
];
