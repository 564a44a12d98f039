// The connector's outcome, event and counter shapes: one outcome per exported profile, and what progress looks like.
import type { ClientEvent } from './marketo/client.js';
import type { FieldValue } from './marketo/types.js';

/** Why an export was skipped, rejected or failed. `source` tells Marketo's reasons from the connector's own. */
export interface Reason {
  code: string;
  message: string;
  source: 'marketo' | 'connector';
}

/** The connector's own reason codes (Marketo's are its 1xxx/6xx codes, passed through). */
export const REASON = {
  MALFORMED_EXPORT: 'MALFORMED_EXPORT',
  NO_EMAIL_IDENTITY: 'NO_EMAIL_IDENTITY',
  MULTIPLE_EMAILS: 'MULTIPLE_EMAILS',
  MISSING_DEDUP_VALUE: 'MISSING_DEDUP_VALUE',
  INVALID_ATTRIBUTE: 'INVALID_ATTRIBUTE',
  AMBIGUOUS_MATCH: 'AMBIGUOUS_MATCH',
  TOO_MANY_MATCHES: 'TOO_MANY_MATCHES',
  UNSEARCHABLE_VALUE: 'UNSEARCHABLE_VALUE',
  EXIT_IGNORED: 'EXIT_IGNORED',
  NOT_APPLIED: 'NOT_APPLIED',
  CLOSED: 'CLOSED',
} as const;

/** A reason of the connector's own (not one of Marketo's). */
export const connectorReason = (code: string, message: string): Reason => ({ code, message, source: 'connector' });

/** What caused AEP to export the profile (profile-export behaviour of streaming destinations). */
export type ExportTrigger = 'backfill' | 'membership' | 'attribute' | 'identity' | 'manual' | 'replay';

export type OutcomeStatus = 'created' | 'updated' | 'skipped' | 'rejected' | 'failed';

/** A field Marketo did not take as sent (Block Field Updates), seen by reading the lead back (`readBack: true`). */
export interface KeptField {
  field: string;
  sent: FieldValue;
  kept: FieldValue;
}

/** The one outcome of one exported profile. */
export interface ExportResult {
  /** The export's id (`exp-1`, `exp-2`, ...), returned by push(). */
  id: string;
  status: OutcomeStatus;
  /** The Email identity the export was matched with (null when it had none). */
  email: string | null;
  /** The dedup values sent, by Marketo field. */
  dedup: Record<string, FieldValue> | null;
  /** The Marketo lead written (created/updated). */
  leadId?: number;
  /** How the write was made: `createOrUpdate`, `updateOnly`, `createOnly`, `createDuplicate` or `dataIngestion`. */
  action?: string;
  /** skipped/rejected/failed: why. Marketo's record reasons are passed through unchanged. */
  reasons: Reason[];
  /** Conversions worth knowing about (a Percent rounded, ...). */
  notes: string[];
  /** With readBack: fields whose stored value differs from what was sent (a blocked update). */
  kept?: KeptField[];
  trigger: ExportTrigger;
  /** Marketo calls attempted for this export's failing call (failed only). */
  attempts?: number;
  receivedAt: number;
  finishedAt: number;
}

export interface DeadLetter {
  id: string;
  result: ExportResult;
  /** The export as it was pushed, kept so replay() sends exactly the same thing again. */
  message: unknown;
  at: number;
}

export interface SyncCounters {
  received: number;
  /** Pushed but without an outcome yet. */
  pending: number;
  created: number;
  updated: number;
  skipped: number;
  rejected: number;
  failed: number;
  deadLetters: number;
  /** Marketo REST/Data Ingestion calls made (Identity excluded), by operation. */
  calls: number;
  callsByOperation: Record<string, number>;
  /** Answers by code: `ok`, a Marketo code (`606`), `HTTP 503` or `network`. */
  answers: Record<string, number>;
  retries: number;
  tokens: number;
  /** Records carried by write calls. */
  recordsSent: number;
}

export type PreflightSeverity = 'error' | 'warning';

export interface PreflightProblem {
  /** `aep-permissions`, `org-mapping`, `hipaa`, `connection`, `credentials`, `api-permissions`, `partition`, `dedup-field`, `mapping` */
  check: string;
  severity: PreflightSeverity;
  message: string;
}

export interface PreflightReport {
  ok: boolean;
  problems: PreflightProblem[];
  /** The partition's id (for matching), when it was found. */
  partitionId: number | null;
  checkedAt: number;
}

/** Everything the connector reports on its event stream. */
export type SyncEvent =
  | { type: 'export'; id: string; email: string | null; trigger: ExportTrigger; at: number }
  | { type: 'outcome'; result: ExportResult }
  | { type: 'dead-letter'; id: string; result: ExportResult }
  | { type: 'preflight'; report: PreflightReport }
  | { type: 'drained'; at: number }
  | { type: 'activation'; audienceIds: string[]; phase: 'activated' | 'backfill-started' | 'backfill-done' | 'streaming'; profiles?: number; at: number }
  | ClientEvent;

export type SyncEventType = SyncEvent['type'];
export type SyncEventOf<T extends SyncEventType> = Extract<SyncEvent, { type: T }>;

export function emptyCounters(): SyncCounters {
  return {
    received: 0,
    pending: 0,
    created: 0,
    updated: 0,
    skipped: 0,
    rejected: 0,
    failed: 0,
    deadLetters: 0,
    calls: 0,
    callsByOperation: {},
    answers: {},
    retries: 0,
    tokens: 0,
    recordsSent: 0,
  };
}
