// Helpers that read a REST call's input the way Marketo does: JSON bodies, list parameters, batch sizes, position tokens.
import { base32 } from 'rfc4648';
import { ERR, MarketoError, assert } from '../http/errors.js';
import type { RestCall } from '../http/operation.js';

/** The JSON object body of a write call; an empty body reads as `{}` (so required keys report as blank), a form body is 612. */
export function jsonBody(call: RestCall): Record<string, unknown> {
  const body = call.body;
  if (body.kind === 'empty') return {};
  if (body.kind === 'form') throw new MarketoError(ERR.INVALID_CONTENT_TYPE);
  assert(typeof body.value === 'object' && body.value !== null && !Array.isArray(body.value), ERR.INVALID_REQUEST('Request body must be a JSON object'));
  return body.value as Record<string, unknown>;
}

/** `batchSize`: 1–300, default 300. */
export function batchSize(call: RestCall, max = 300): number {
  const size = call.query.int('batchSize') ?? max;
  assert(size >= 1 && size <= max, ERR.INVALID_REQUEST(`batchSize must be between 1 and ${max}`));
  return size;
}

/** A required list parameter (`filterValues=a,b`), 701 when missing or blank. */
export function requiredList(call: RestCall, key: string): string[] {
  const list = call.query.list(key);
  assert(list && list.length > 0, ERR.CANNOT_BE_BLANK(key));
  return list;
}

/** Position paging tokens are opaque base32, bound to the query they page through. */
export function encodePositionToken(offset: number, fingerprint: string): string {
  return base32.stringify(Buffer.from(`${offset};${fingerprint}`, 'utf8'));
}

export function decodePositionToken(token: string | undefined, fingerprint: string): number {
  if (token === undefined || token === '') return 0;
  try {
    const text = Buffer.from(base32.parse(token, { loose: true })).toString('utf8');
    const [offset, print] = text.split(';');
    const n = Number(offset);
    if (print === fingerprint && Number.isInteger(n) && n >= 0) return n;
  } catch {
    // fall through to the error below
  }
  throw new MarketoError(ERR.INVALID_REQUEST('Invalid nextPageToken'));
}

/** A short stable digest of a query, so a token from one query is refused by another. */
export function fingerprint(...parts: unknown[]): string {
  const text = JSON.stringify(parts);
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0).toString(36);
}
