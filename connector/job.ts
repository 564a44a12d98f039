// What the pipeline's stages share: one export in flight (a job), the stages it moves through, and their context.
import type { ConnectorClock } from './clock.js';
import type { DestinationConfig } from './config.js';
import type { MarketoClient } from './marketo/client.js';
import type { Describe2Field } from './marketo/types.js';
import type { PreparedRecord } from './record.js';
import type { ExportTrigger, KeptField, OutcomeStatus, Reason, SyncCounters, SyncEvent } from './outcomes.js';

/** Where a job waits: the REST stages, the optional read-back, and the Data Ingestion write. */
export type Stage = 'upsert' | 'lookup' | 'update' | 'createOnly' | 'createDuplicate' | 'readBack' | 'ingest';

export interface Job {
  id: string;
  message: unknown;
  trigger: ExportTrigger;
  receivedAt: number;
  prep: PreparedRecord;
  /** The dedup key and every email of the profile: a job waits for earlier jobs sharing any of them. */
  keys: string[];
  blockers: number;
  successors: Job[];
  done: boolean;
  leadId?: number;
  written?: { status: 'created' | 'updated'; action: string };
  /** A lead with the first dedup value exists outside the match: a create must be createDuplicate. */
  existsElsewhere: boolean;
  /** A createDuplicate went unanswered: look before creating again. */
  createUnknown: boolean;
  rechecks: number;
  notes: string[];
  /** Bytes the record adds to a Sync Leads body. */
  size: number;
}

export interface PipelineContext {
  config: DestinationConfig;
  client: MarketoClient;
  clock: ConnectorClock;
  fields: ReadonlyMap<string, Describe2Field>;
  partitionId: number;
  counters: SyncCounters;
  emit(event: SyncEvent): void;
}

export interface FinishExtra {
  leadId?: number;
  action?: string;
  reasons?: Reason[];
  kept?: KeptField[];
  attempts?: number;
}

/** What a stage does with a job it has handled: give it its outcome, or pass it on to another stage. */
export interface StageHooks {
  finish(job: Job, status: OutcomeStatus, extra?: FinishExtra): void;
  enqueue(stage: Stage, job: Job): void;
}
