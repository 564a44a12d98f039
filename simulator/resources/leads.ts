// Lead endpoints: Get Lead by Id, Get Leads by Filter Type, Sync Leads, Delete Leads.
import { ERR, assert } from '../http/errors.js';
import { READ_PERSON, WRITE_PERSON, type Operation, type RestCall } from '../http/operation.js';
import {
  assertBatch,
  deleteLeads,
  getLeadById,
  getLeadsByFilterType,
  parseLeadId,
  resolveReadFields,
  syncLeads,
  type BlockedWrite,
} from '../domain/leads.js';
import { batchSize, decodePositionToken, encodePositionToken, fingerprint, jsonBody, requiredList } from './request.js';

const MAX_FILTER_VALUES = 300;

function getLeadByIdOp(call: RestCall) {
  const id = parseLeadId(call.params.id);
  assert(id !== null, ERR.INVALID_REQUEST(`Invalid lead id '${call.params.id}'`));
  const fields = resolveReadFields(call.instance, call.query.list('fields'));
  return { result: getLeadById(call.instance, id, fields, call.actor) };
}

function getLeadsByFilterTypeOp(call: RestCall) {
  const filterType = call.query.get('filterType');
  assert(filterType, ERR.CANNOT_BE_BLANK('filterType'));
  const filterValues = requiredList(call, 'filterValues');
  assert(filterValues.length <= MAX_FILTER_VALUES, ERR.INVALID_REQUEST(`Too many filterValues (${filterValues.length}); the maximum is ${MAX_FILTER_VALUES}`));
  const fields = resolveReadFields(call.instance, call.query.list('fields'));
  const size = batchSize(call);
  const print = fingerprint(filterType, filterValues, fields, size);
  const offset = decodePositionToken(call.query.get('nextPageToken'), print);
  const page = getLeadsByFilterType(call.instance, { filterType, filterValues, fields, batchSize: size, offset }, call.actor);
  if (page.nextOffset === null) return { result: page.result };
  return { result: page.result, moreResult: true, nextPageToken: encodePositionToken(page.nextOffset, print) };
}

function syncLeadsOp(call: RestCall) {
  const body = jsonBody(call);
  assert(body.partitionName === undefined || typeof body.partitionName === 'string', ERR.INVALID_REQUEST('partitionName must be a string'));
  assert(body.lookupField === undefined || typeof body.lookupField === 'string', ERR.INVALID_REQUEST('lookupField must be a string'));
  assert(body.action === undefined || typeof body.action === 'string', ERR.INVALID_REQUEST('action must be a string'));
  const outcome = syncLeads(
    call.instance,
    {
      action: body.action as string | undefined,
      lookupField: body.lookupField as string | undefined,
      partitionName: body.partitionName as string | undefined,
      input: body.input,
    },
    call.actor,
    call.context('syncLead'),
  );
  logBlocked(call, outcome.blocked);
  return { result: outcome.result };
}

/** Delete Leads: `{"input":[{"id":1}]}` in the body, or `id=1,2` in the query with an empty body. */
function deleteLeadsOp(call: RestCall) {
  const body = jsonBody(call);
  let ids: unknown[];
  if (body.input !== undefined) {
    ids = assertBatch(call.instance, body.input).map((item) => (typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined));
  } else {
    ids = assertBatch(call.instance, call.query.list('id'), 'id');
  }
  return { result: deleteLeads(call.instance, ids, call.actor, call.context('deleteLead')) };
}

/** Block Field Updates drops are silent in Marketo; the emulator records each in its inspection log. */
export function logBlocked(call: RestCall, blocked: BlockedWrite[]): void {
  for (const b of blocked) {
    call.runtime.log.append({
      at: new Date(call.now).toISOString(),
      munchkinId: call.instance.munchkinId,
      kind: 'blocked-write',
      message: `blocked update of ${b.field} on lead ${b.leadId} from '${b.inputSource}': kept ${JSON.stringify(b.keptValue)}, dropped ${JSON.stringify(b.droppedValue)}`,
      clientId: call.caller.service.clientId,
      requestId: call.requestId,
      data: { ...b },
    });
  }
}

export const leadOperations: Operation[] = [
  { name: 'getLeadById', method: 'GET', path: '/rest/v1/lead/:id.json', permissions: READ_PERSON, handle: getLeadByIdOp },
  { name: 'getLeadsByFilterType', method: 'GET', path: '/rest/v1/leads.json', permissions: READ_PERSON, handle: getLeadsByFilterTypeOp },
  { name: 'syncLeads', method: 'POST', path: '/rest/v1/leads.json', permissions: WRITE_PERSON, handle: syncLeadsOp },
  { name: 'deleteLeads', method: 'POST', path: '/rest/v1/leads/delete.json', permissions: WRITE_PERSON, handle: deleteLeadsOp },
  // `POST /rest/v1/leads.json?_method=DELETE` is honoured (recorded), so Delete Leads also answers as DELETE on leads.json.
  { name: 'deleteLeads', method: 'DELETE', path: '/rest/v1/leads.json', permissions: WRITE_PERSON, handle: deleteLeadsOp },
];
