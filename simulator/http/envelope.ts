// The Marketo wire envelope: request ids, success and failure bodies, and the one function that writes a JSON answer.
import type { Response } from 'express';
import type { MarketoReason } from './errors.js';
import type { Random } from '../domain/random.js';

/** What a REST handler returns; only `writeEnvelope` turns it into `{requestId, result, success, ...}`. */
export interface Reply {
  result?: unknown[];
  moreResult?: boolean;
  nextPageToken?: string;
  warnings?: unknown[];
  /** Replaces the envelope (e.g. paging-token answers carry no `result`). */
  omitResult?: boolean;
}

/** `<1–5 hex digits>#<epoch ms in hex>`, e.g. `e42b#14272d07d78` (the suffix is the time, per recorded responses). */
export function newRequestId(random: Random, now: number): string {
  const prefixDigits = 1 + random.int(5);
  let prefix = random.hex(prefixDigits).replace(/^0+/, '');
  if (prefix === '') prefix = (1 + random.int(15)).toString(16);
  return `${prefix}#${now.toString(16)}`;
}

/** Success body with Marketo's key order: requestId, result, success, nextPageToken, moreResult. */
export function successBody(requestId: string, reply: Reply): Record<string, unknown> {
  const body: Record<string, unknown> = { requestId };
  if (!reply.omitResult) body.result = reply.result ?? [];
  body.success = true;
  if (reply.warnings && reply.warnings.length > 0) body.warnings = reply.warnings;
  if (reply.nextPageToken !== undefined) body.nextPageToken = reply.nextPageToken;
  if (reply.moreResult !== undefined) body.moreResult = reply.moreResult;
  return body;
}

/** Failure body: no `result`, `errors` with quoted codes (recorded Lead Database shape). */
export function failureBody(requestId: string, reasons: MarketoReason[]): Record<string, unknown> {
  return { requestId, success: false, errors: reasons.map((r) => ({ code: r.code, message: r.message })) };
}

/** Writes JSON the way Marketo's gateway does: `application/json;charset=UTF-8`, `Server: nginx`. */
export function sendJson(res: Response, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.status(status);
  res.setHeader('Server', 'nginx');
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('Content-Type', 'application/json;charset=UTF-8');
  res.end(JSON.stringify(body));
}
