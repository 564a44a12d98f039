// Lead schema fields: Get Lead Fields, Get Lead Field by Name, Create Lead Fields, Update Lead Field.
import { ERR, MarketoError, assert } from '../http/errors.js';
import { SCHEMA_FIELDS, type Operation, type RestCall } from '../http/operation.js';
import { schemaFieldItem } from '../domain/fields.js';
import { hasPermission } from '../domain/instance.js';
import {
  MAX_FIELDS_PER_CREATE,
  createLeadFields,
  getLeadFieldByName,
  getLeadFields,
  updateLeadField,
  type SchemaAccess,
} from '../domain/schema.js';
import { batchSize, decodePositionToken, encodePositionToken, fingerprint, jsonBody } from './request.js';

const CUSTOM_FIELDS = ['Read-Write Schema Custom Field'] as const;

/** "Both standard fields and custom fields can be retrieved, depending on the role permissions being used." */
function schemaAccess(call: RestCall): SchemaAccess {
  return {
    standard: hasPermission(call.instance, call.caller.service, ['Read-Write Schema Standard Field']),
    custom: hasPermission(call.instance, call.caller.service, CUSTOM_FIELDS),
  };
}

function getLeadFieldsOp(call: RestCall) {
  const size = batchSize(call);
  const print = fingerprint('leadFields', size);
  const offset = decodePositionToken(call.query.get('nextPageToken'), print);
  const page = getLeadFields(call.instance, schemaAccess(call), offset, size);
  const result = page.fields.map(schemaFieldItem);
  if (page.nextOffset === null) return { result, moreResult: false };
  return { result, moreResult: true, nextPageToken: encodePositionToken(page.nextOffset, print) };
}

function getLeadFieldByNameOp(call: RestCall) {
  const found = getLeadFieldByName(call.instance, call.params.name, schemaAccess(call));
  if ('reason' in found) throw new MarketoError(found.reason);
  return { result: [schemaFieldItem(found.field)] };
}

/** The body's `input`: a non-empty array (701 when missing or empty, 1003 when not an array). */
function inputList(call: RestCall): unknown[] {
  const input = jsonBody(call).input;
  assert(input !== undefined && input !== null, ERR.CANNOT_BE_BLANK('input'));
  assert(Array.isArray(input), ERR.INVALID_REQUEST('input must be an array'));
  assert(input.length > 0, ERR.CANNOT_BE_BLANK('input'));
  return input;
}

function createLeadFieldsOp(call: RestCall) {
  const input = inputList(call);
  assert(
    input.length <= MAX_FIELDS_PER_CREATE,
    ERR.INVALID_REQUEST(`Too many fields in input (${input.length}); the maximum is ${MAX_FIELDS_PER_CREATE}`),
  );
  return { result: createLeadFields(call.instance, input) };
}

/** The body is `{"input":[{...}]}` with exactly one object (SPEC `UpdateLeadFieldRequest`). */
function updateLeadFieldOp(call: RestCall) {
  const access = schemaAccess(call);
  const found = getLeadFieldByName(call.instance, call.params.name, access);
  if ('reason' in found) throw new MarketoError(found.reason);
  const input = inputList(call);
  assert(input.length === 1, ERR.INVALID_REQUEST('input must hold exactly one field'));
  return { result: [updateLeadField(call.instance, found.field, input[0])] };
}

export const fieldOperations: Operation[] = [
  { name: 'getLeadFields', method: 'GET', path: '/rest/v1/leads/schema/fields.json', permissions: SCHEMA_FIELDS, handle: getLeadFieldsOp },
  { name: 'createLeadFields', method: 'POST', path: '/rest/v1/leads/schema/fields.json', permissions: CUSTOM_FIELDS, handle: createLeadFieldsOp },
  { name: 'getLeadFieldByName', method: 'GET', path: '/rest/v1/leads/schema/fields/:name.json', permissions: SCHEMA_FIELDS, handle: getLeadFieldByNameOp },
  { name: 'updateLeadField', method: 'POST', path: '/rest/v1/leads/schema/fields/:name.json', permissions: SCHEMA_FIELDS, handle: updateLeadFieldOp },
];
