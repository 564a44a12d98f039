// How the connector classifies a failed Marketo call: retryable or not, and whether the call may have been executed.
import type { MarketoReason } from './types.js';
import type { ThrottleKind } from './pacer.js';

/** Response-level codes worth retrying after a pause: time-out, rate, unavailable, system error, concurrency. */
export const RETRYABLE_CODES: ReadonlySet<string> = new Set(['604', '606', '608', '611', '615', '500', '502', '713']);
/** Token problems: fetch a new token and repeat the call at once. */
export const TOKEN_CODES: ReadonlySet<string> = new Set(['600', '601', '602']);
export const DAILY_QUOTA_CODE = '607';

export type FailureKind = 'marketo' | 'http' | 'network' | 'identity' | 'ingestion';

/**
 * A Marketo call that did not succeed. `executed` tells whether Marketo may have carried it out:
 * "A 6xx code indicates that the entire request failed and was not executed", but a lost connection or an HTTP 5xx
 * from the gateway leaves it unknown — a retry of a non-idempotent write could then duplicate it.
 */
export class MarketoCallError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly details: {
      code?: string;
      status?: number;
      retryable: boolean;
      executed: 'no' | 'maybe';
      attempts?: number;
      requestId?: string;
    },
  ) {
    super(message);
    this.name = 'MarketoCallError';
  }

  get code(): string | undefined {
    return this.details.code;
  }

  /** The code counters and outcomes use: the Marketo code, `HTTP <status>`, or `network`. */
  get label(): string {
    if (this.details.code) return this.details.code;
    if (this.details.status) return `HTTP ${this.details.status}`;
    return this.kind;
  }

  withAttempts(attempts: number): MarketoCallError {
    return new MarketoCallError(this.kind, this.message, { ...this.details, attempts });
  }
}

export function fromEnvelope(errors: MarketoReason[] | undefined, requestId?: string): MarketoCallError {
  const first = errors?.[0] ?? { code: '611', message: 'failure without errors[]' };
  const code = String(first.code);
  return new MarketoCallError('marketo', `${code} ${first.message}`, {
    code,
    retryable: RETRYABLE_CODES.has(code),
    // 500/502 in the envelope come from behind the gateway: the work may have been done.
    executed: code === '500' || code === '502' ? 'maybe' : 'no',
    requestId,
  });
}

/** A refusal for the instance's rate or concurrency limit, with the limit when Marketo's message names it. */
export interface Throttle {
  kind: ThrottleKind;
  limit?: { count: number; windowMs?: number };
}

/**
 * 606 `Max rate limit '100' exceeded with in '20' secs`, 615 `Concurrent access limit '10' reached`, and Data
 * Ingestion's 429 `429001` (service usage limit, counted with the REST calls) are throttles, not failures.
 */
export function throttleOf(error: MarketoCallError): Throttle | null {
  const code = error.details.code;
  if (code === '606') {
    const m = /limit '(\d+)' exceeded with ?in '(\d+)' sec/i.exec(error.message);
    return { kind: 'rate', ...(m ? { limit: { count: Number(m[1]), windowMs: Number(m[2]) * 1000 } } : {}) };
  }
  if (code === '615') {
    const m = /limit '(\d+)' reached/i.exec(error.message);
    return { kind: 'concurrency', ...(m ? { limit: { count: Number(m[1]) } } : {}) };
  }
  if (code === '429001') return { kind: 'rate' };
  return null;
}
