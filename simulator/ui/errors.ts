// The dashboard API's one error: a status and a message naming the parameter at fault, written as `{error, message, field?}`.
import type { z } from 'zod';
import { describeIssues } from '../config.js';

export class UiApiError extends Error {
  constructor(
    readonly status: 400 | 404,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'UiApiError';
  }

  toJSON(): { error: string; message: string; field?: string } {
    return { error: this.status === 400 ? 'bad_request' : 'not_found', message: this.message, ...(this.field ? { field: this.field } : {}) };
  }
}

/** Validates a query (or body) with zod; every problem is listed, the first one's parameter is named in `field`. */
export function parseQuery<S extends z.ZodType>(schema: S, input: unknown, what: 'query' | 'body' = 'query'): z.output<S> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const problems = describeIssues(parsed.error);
  const first = parsed.error.issues[0];
  throw new UiApiError(400, `invalid ${what}: ${problems.join('; ')}`, first.path.length ? String(first.path[0]) : undefined);
}
