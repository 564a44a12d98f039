// The control plane's one error: an HTTP status, a message naming the field at fault, and an optional reason code.
import type { z } from 'zod';
import { describeIssues } from '../config.js';

export type ControlStatus = 400 | 401 | 403 | 404 | 409;

export class ControlError extends Error {
  constructor(
    /** 400 bad body or query (names the field), 401 admin token, 403/409 refused by a Marketo rule, 404 unknown instance or object. */
    readonly status: ControlStatus,
    message: string,
    /** The body/query field at fault (`leads[2]`, `limits.ratePer20s`), when there is one. */
    readonly field?: string,
    /** A stable reason code for refusals (`hipaa-ready`, `not-org-admin`, ...). */
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }

  toJSON(): { error: string; message: string; field?: string; reason?: string } {
    const error = { 400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 409: 'conflict' }[this.status];
    return { error, message: this.message, ...(this.field ? { field: this.field } : {}), ...(this.reason ? { reason: this.reason } : {}) };
  }
}

/** Validates control input with a zod schema; every problem is listed, each naming its field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input === undefined ? {} : input);
  if (parsed.success) return parsed.data;
  const problems = describeIssues(parsed.error);
  const first = parsed.error.issues[0];
  // An unknown key is named by the key itself (`limits.perHour`), not by the object holding it.
  const path = first.code === 'unrecognized_keys' ? [...first.path, first.keys[0]] : first.path;
  throw new ControlError(400, `invalid ${what}: ${problems.join('; ')}`, path.length ? fieldPath(path) : undefined);
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');
}
