// The streaming pipeline: per-key ordering, micro-batches of up to 300, match/write stages, one outcome per export.
import type { ConnectorClock } from './clock.js';
import type { DestinationConfig } from './config.js';
import { sameMarketoValue } from './mapping.js';
import { MarketoCallError } from './marketo/errors.js';
import type { MarketoClient } from './marketo/client.js';
import type { Slot } from './marketo/pacer.js';
import type { Describe2Field, FieldValue, LeadRecord, MarketoReason, SyncAction, SyncRecordResult } from './marketo/types.js';
import { readProfileExport } from './aep/message.js';
import { prepareRecord, type PreparedRecord } from './record.js';
import { decide, findLeadsByFirstValue, firstValueKey, lookupProblem, matchingLeads } from './dedup.js';
import {
  REASON,
  type DeadLetter,
  type ExportResult,
  type ExportTrigger,
  type KeptField,
  type OutcomeStatus,
  type Reason,
  type SyncCounters,
  type SyncEvent,
} from './outcomes.js';
import { ingestBatch } from './ingestion.js';

/** Where a job waits: the REST stages, the optional read-back, and the Data Ingestion write. */
export type Stage = 'upsert' | 'lookup' | 'update' | 'createOnly' | 'createDuplicate' | 'readBack' | 'ingest';

/** Later stages first, so work already under way finishes before new work starts. */
const STAGE_ORDER: readonly Stage[] = ['readBack', 'update', 'createOnly', 'createDuplicate', 'lookup', 'upsert', 'ingest'];
const WRITE_STAGES: ReadonlySet<Stage> = new Set(['upsert', 'update', 'createOnly', 'createDuplicate', 'ingest']);
/** Times a job may go back to matching (lead deleted meanwhile, createOnly refused, create unanswered). */
const MAX_RECHECKS = 3;
const MAX_FILTER_VALUES = 300;

export interface PushReceipt {
  id: string;
  /** Resolves with the export's outcome; never rejects (a failure is an outcome). */
  done: Promise<ExportResult>;
}

export interface Job {
  id: string;
  message: unknown;
  trigger: ExportTrigger;
  receivedAt: number;
  prep: PreparedRecord;
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

export class SyncPipeline {
  readonly results = new Map<string, ExportResult>();
  readonly deadLetters = new Map<string, DeadLetter>();
  private readonly queues = new Map<Stage, Job[]>(STAGE_ORDER.map((s) => [s, []]));
  private readonly lastByKey = new Map<string, Job>();
  private readonly waiters = new Map<string, ((r: ExportResult) => void)[]>();
  private drainWaiters: (() => void)[] = [];
  private nextId = 1;
  private pending = 0;
  private pumping = false;
  private closed = false;
  /** The body size a write batch may reach; halved whenever Marketo answers 413. */
  private bodyLimit: number;

  constructor(private readonly ctx: PipelineContext) {
    this.bodyLimit = ctx.config.batch.maxBytes;
  }

  /** Accepts one exported profile; invalid exports get their outcome (rejected) at once. */
  push(message: unknown, trigger: ExportTrigger = 'manual', reuseId?: string): PushReceipt {
    const id = reuseId ?? `exp-${this.nextId++}`;
    const { clock, config, counters } = this.ctx;
    const receivedAt = clock.now();
    const done = new Promise<ExportResult>((resolve) => this.waiters.set(id, [...(this.waiters.get(id) ?? []), resolve]));
    counters.received++;
    counters.pending++;
    this.pending++;
    const base = { id, trigger, receivedAt };
    if (this.closed) {
      this.finishWith(base, null, null, 'rejected', [connector(REASON.CLOSED, 'the connector is closed; the export was not sent')], [], message);
      return { id, done };
    }
    const parsed = readProfileExport(message);
    if (!parsed.ok) {
      this.ctx.emit({ type: 'export', id, email: null, trigger, at: receivedAt });
      this.finishWith(base, null, null, 'rejected', [connector(REASON.MALFORMED_EXPORT, `malformed export: ${parsed.problem}`)], [], message);
      return { id, done };
    }
    const prep = prepareRecord(parsed.value, config, this.ctx.fields);
    this.ctx.emit({ type: 'export', id, email: prep.email, trigger, at: receivedAt });
    if (prep.kind !== 'write') {
      this.finishWith(base, prep.email, null, prep.kind === 'reject' ? 'rejected' : 'skipped', [prep.reason], prep.notes, message);
      return { id, done };
    }
    const job: Job = {
      id,
      message,
      trigger,
      receivedAt,
      prep,
      keys: [`dedup:${prep.dedupKey}`, ...prep.emails.map((e) => `email:${e}`)],
      blockers: 0,
      successors: [],
      done: false,
      existsElsewhere: false,
      createUnknown: false,
      rechecks: 0,
      notes: [...prep.notes],
      size: Buffer.byteLength(JSON.stringify(prep.record)) + 1,
    };
    // A profile's writes are ordered: the job waits for every earlier job sharing its dedup key or one of its emails.
    const before = new Set<Job>();
    for (const key of job.keys) {
      const last = this.lastByKey.get(key);
      if (last && !last.done) before.add(last);
      this.lastByKey.set(key, job);
    }
    for (const prior of before) prior.successors.push(job);
    job.blockers = before.size;
    if (job.blockers === 0) this.enqueue(this.firstStage(), job);
    return { id, done };
  }

  /** Resolves once every pushed export has its outcome. */
  drain(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Pushes dead-lettered exports again under their ids (all of them, or those listed). */
  replay(ids?: readonly string[]): PushReceipt[] {
    const letters = ids ? ids.map((id) => this.deadLetters.get(id)).filter((d): d is DeadLetter => d !== undefined) : [...this.deadLetters.values()];
    return letters.map((letter) => {
      this.deadLetters.delete(letter.id);
      this.ctx.counters.deadLetters--;
      this.ctx.counters.failed--;
      this.ctx.counters.received--;
      this.results.delete(letter.id);
      return this.push(letter.message, 'replay', letter.id);
    });
  }

  /** Refuses further pushes and waits for the exports already accepted. */
  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
  }

  get pendingCount(): number {
    return this.pending;
  }

  private firstStage(): Stage {
    const { config } = this.ctx;
    if (config.writePath === 'data-ingestion') return 'ingest';
    return config.matching === 'auto' && config.dedupFields.length === 1 ? 'upsert' : 'lookup';
  }

  private enqueue(stage: Stage, job: Job): void {
    this.queues.get(stage)!.push(job);
    void this.pump();
  }

  private hasWork(): boolean {
    for (const queue of this.queues.values()) if (queue.length > 0) return true;
    return false;
  }

  /** Takes a pacer slot first, then fills the batch with whatever is ready: batches grow while Marketo's limits bind. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.hasWork()) {
        const slot = await this.ctx.client.pacer.acquire();
        const linger = this.ctx.config.batch.lingerMs;
        if (linger > 0 && !this.fullBatchReady()) await this.ctx.clock.sleep(linger);
        const batch = this.takeBatch();
        if (!batch) {
          slot.release();
          break;
        }
        void this.run(batch.stage, batch.jobs, slot);
      }
    } finally {
      this.pumping = false;
    }
  }

  private fullBatchReady(): boolean {
    const max = this.ctx.config.batch.maxRecords;
    for (const queue of this.queues.values()) if (queue.length >= max) return true;
    return false;
  }

  private takeBatch(): { stage: Stage; jobs: Job[] } | null {
    const { batch } = this.ctx.config;
    for (const stage of STAGE_ORDER) {
      const queue = this.queues.get(stage)!;
      if (queue.length === 0) continue;
      let count = 0;
      if (stage === 'lookup' || stage === 'readBack') {
        // At most 300 filter values; jobs sharing a value share the lookup.
        const values = new Set<string>();
        while (count < queue.length) {
          const job = queue[count];
          const value = stage === 'lookup' ? firstValueKey(this.ctx, job.prep.dedup) : String(job.leadId);
          if (!values.has(value) && values.size === MAX_FILTER_VALUES) break;
          values.add(value);
          count++;
        }
      } else {
        let bytes = 64;
        while (count < queue.length && count < batch.maxRecords) {
          const size = queue[count].size;
          if (count > 0 && bytes + size > this.bodyLimit) break;
          bytes += size;
          count++;
        }
      }
      // One splice per batch: shifting job by job is quadratic on a queue of 100,000.
      return { stage, jobs: queue.splice(0, count) };
    }
    return null;
  }

  private async run(stage: Stage, jobs: Job[], slot: Slot): Promise<void> {
    try {
      switch (stage) {
        case 'upsert':
          return await this.upsert(jobs, slot);
        case 'lookup':
          return await this.lookup(jobs, slot);
        case 'update':
          return await this.write(jobs, 'updateOnly', slot);
        case 'createOnly':
          return await this.write(jobs, 'createOnly', slot);
        case 'createDuplicate':
          return await this.write(jobs, 'createDuplicate', slot);
        case 'readBack':
          return await this.readBack(jobs, slot);
        case 'ingest':
          return await ingestBatch(this.ctx, jobs, slot, {
            finish: (job, status, extra) => this.finish(job, status, extra),
          });
      }
    } catch (e) {
      this.callFailed(stage, jobs, e);
    } finally {
      slot.release();
    }
  }

  /** One dedup field, `matching: auto`: Marketo's own lookup in the partition does the match in one call. */
  private async upsert(jobs: Job[], slot: Slot): Promise<void> {
    const { config } = this.ctx;
    const results = await this.sync('createOrUpdate', jobs, slot);
    jobs.forEach((job, i) => {
      const r = results[i];
      if (r.status !== 'skipped') return this.written(job, r.id!, r.status, 'createOrUpdate');
      const code = r.reasons[0]?.code;
      const ownPartitionDenied = code === '1008' && r.reasons[0].message.includes(`'${config.partition}'`);
      // 1010/1008: the instance dedupes instance-wide and the match lives in another partition, which Person Sync
      // never touches: a new lead in the configured partition is what the destination documents.
      if ((code === '1010' || code === '1008') && !ownPartitionDenied) {
        job.existsElsewhere = true;
        return this.enqueue('lookup', job);
      }
      if (code === '1007') return this.enqueue('lookup', job);
      this.skipped(job, r.reasons);
    });
  }

  /** Get Leads by the first dedup field, then partition and second field client-side: update, create or skip. */
  private async lookup(jobs: Job[], slot: Slot): Promise<void> {
    const { config } = this.ctx;
    const first = config.dedupFields[0];
    const { byValue, tooMany, unsearchable } = await findLeadsByFirstValue(this.ctx, jobs.map((j) => j.prep.dedup), [], slot);
    for (const job of jobs) {
      const value = firstValueKey(this.ctx, job.prep.dedup);
      const problem = lookupProblem(first, job.prep.dedup[first], value, tooMany, unsearchable);
      if (problem) {
        this.skipped(job, [], [problem]);
        continue;
      }
      const sameFirst = byValue.get(value) ?? [];
      const matches = matchingLeads(this.ctx, sameFirst, job.prep.dedup);
      const decision = decide(sameFirst, matches, job.existsElsewhere);
      if (decision.kind === 'ambiguous') {
        const described = config.dedupFields.map((f) => `${f}=${String(job.prep.dedup[f])}`).join(', ');
        this.skipped(job, [], [
          connector(
            REASON.AMBIGUOUS_MATCH,
            `${decision.leadIds.length} leads in partition '${config.partition}' match ${described} (ids ${decision.leadIds.join(', ')}); Person Sync updates a single match only`,
          ),
        ]);
      } else if (decision.kind === 'update' && job.createUnknown) {
        job.notes.push('the create call went unanswered; the lead was found afterwards');
        this.written(job, decision.leadId, 'created', 'createDuplicate');
      } else if (decision.kind === 'update') {
        job.leadId = decision.leadId;
        this.enqueue('update', job);
      } else {
        job.createUnknown = false;
        this.enqueue(decision.action, job);
      }
    }
  }

  /** updateOnly by id, createOnly or createDuplicate in the partition. */
  private async write(jobs: Job[], action: 'updateOnly' | 'createOnly' | 'createDuplicate', slot: Slot): Promise<void> {
    const results = await this.sync(action, jobs, slot);
    jobs.forEach((job, i) => {
      const r = results[i];
      if (r.status !== 'skipped') return this.written(job, r.id!, r.status, action);
      const code = r.reasons[0]?.code;
      // The lead went away (1004) or appeared (1005) since the lookup: match again.
      if ((action === 'updateOnly' && code === '1004') || (action === 'createOnly' && code === '1005')) {
        if (code === '1005') job.existsElsewhere = true;
        if (job.rechecks++ < MAX_RECHECKS) return this.enqueue('lookup', job);
      }
      this.skipped(job, r.reasons);
    });
  }

  private async sync(action: SyncAction, jobs: Job[], slot: Slot): Promise<SyncRecordResult[]> {
    const { config, client, counters } = this.ctx;
    const first = config.dedupFields[0];
    const input = jobs.map((job) => (action === 'updateOnly' ? { id: job.leadId!, ...job.prep.record } : job.prep.record));
    const request =
      action === 'updateOnly'
        ? { action, lookupField: 'id', input }
        : action === 'createDuplicate'
          ? { action, partitionName: config.partition, input }
          : { action, lookupField: first, partitionName: config.partition, input };
    counters.recordsSent += input.length;
    const results = await client.syncLeads(request, slot);
    if (results.length !== jobs.length) {
      throw new MarketoCallError('marketo', `Sync Leads answered ${results.length} results for ${jobs.length} records`, { retryable: false, executed: 'maybe' });
    }
    return results;
  }

  /** Reads written leads back to report what Marketo kept (Block Field Updates drops a write silently). */
  private async readBack(jobs: Job[], slot: Slot): Promise<void> {
    const { client, fields } = this.ctx;
    const names = [...new Set(jobs.flatMap((j) => Object.keys(j.prep.record)))];
    let leads: LeadRecord[];
    try {
      leads = await client.getLeadsByFilterType('id', [...new Set(jobs.map((j) => String(j.leadId)))], names, slot);
    } catch (e) {
      for (const job of jobs) {
        job.notes.push(`read-back failed: ${(e as Error).message}`);
        this.finish(job, job.written!.status, { leadId: job.leadId, action: job.written!.action });
      }
      return;
    }
    const byId = new Map(leads.map((l) => [l.id, l]));
    for (const job of jobs) {
      const lead = byId.get(job.leadId!);
      const kept: KeptField[] = [];
      if (!lead) job.notes.push(`read-back: lead ${job.leadId} is no longer readable`);
      else {
        for (const [field, sent] of Object.entries(job.prep.record)) {
          const value = (lead[field] ?? null) as FieldValue;
          if (!sameMarketoValue(fields.get(field)?.dataType ?? 'string', sent, value)) kept.push({ field, sent, kept: value });
        }
      }
      this.finish(job, job.written!.status, { leadId: job.leadId, action: job.written!.action, kept });
    }
  }

  private written(job: Job, leadId: number, status: 'created' | 'updated', action: string): void {
    if (this.ctx.config.readBack) {
      job.leadId = leadId;
      job.written = { status, action };
      return this.enqueue('readBack', job);
    }
    this.finish(job, status, { leadId, action });
  }

  private skipped(job: Job, marketo: MarketoReason[], own: Reason[] = []): void {
    this.finish(job, 'skipped', { reasons: [...marketo.map((r) => ({ code: String(r.code), message: r.message, source: 'marketo' as const })), ...own] });
  }

  /** A whole call failed after the client's retries: split a too-large body, re-check an unanswered create, else fail. */
  private callFailed(stage: Stage, jobs: Job[], e: unknown): void {
    const error = e instanceof MarketoCallError ? e : new MarketoCallError('marketo', `connector error: ${(e as Error).message}`, { retryable: false, executed: 'no' });
    if (error.details.status === 413 && jobs.length > 1 && WRITE_STAGES.has(stage)) {
      // Marketo's body limit is lower than assumed: halve the batch body and send these jobs again, in order.
      this.bodyLimit = Math.max(1, Math.floor(jobs.reduce((sum, j) => sum + j.size, 64) / 2));
      this.queues.get(stage)!.unshift(...jobs);
      void this.pump();
      return;
    }
    if (stage === 'createDuplicate' && error.details.executed === 'maybe') {
      const retry = jobs.filter((job) => job.rechecks++ < MAX_RECHECKS);
      for (const job of retry) {
        job.createUnknown = true;
        this.enqueue('lookup', job);
      }
      jobs = jobs.filter((job) => !retry.includes(job));
    }
    for (const job of jobs) {
      this.finish(job, 'failed', {
        reasons: [{ code: error.label, message: error.message, source: error.kind === 'network' ? 'connector' : 'marketo' }],
        attempts: error.details.attempts,
      });
    }
  }

  private finish(
    job: Job,
    status: OutcomeStatus,
    extra: { leadId?: number; action?: string; reasons?: Reason[]; kept?: KeptField[]; attempts?: number } = {},
  ): void {
    if (job.done) return;
    job.done = true;
    this.finishWith(job, job.prep.email, job.prep.dedup, status, extra.reasons ?? [], job.notes, job.message, extra);
    for (const key of job.keys) if (this.lastByKey.get(key) === job) this.lastByKey.delete(key);
    for (const next of job.successors) {
      if (--next.blockers === 0) this.enqueue(this.firstStage(), next);
    }
  }

  private finishWith(
    base: { id: string; trigger: ExportTrigger; receivedAt: number },
    email: string | null,
    dedup: Record<string, FieldValue> | null,
    status: OutcomeStatus,
    reasons: Reason[],
    notes: string[],
    message: unknown,
    extra: { leadId?: number; action?: string; kept?: KeptField[]; attempts?: number } = {},
  ): ExportResult {
    const { counters, clock } = this.ctx;
    const result: ExportResult = {
      id: base.id,
      status,
      email,
      dedup,
      ...(extra.leadId !== undefined ? { leadId: extra.leadId } : {}),
      ...(extra.action !== undefined ? { action: extra.action } : {}),
      reasons,
      notes,
      ...(extra.kept !== undefined ? { kept: extra.kept } : {}),
      trigger: base.trigger,
      ...(extra.attempts !== undefined ? { attempts: extra.attempts } : {}),
      receivedAt: base.receivedAt,
      finishedAt: clock.now(),
    };
    this.results.set(base.id, result);
    counters[status]++;
    counters.pending--;
    this.pending--;
    this.ctx.emit({ type: 'outcome', result });
    if (status === 'failed') {
      this.deadLetters.set(base.id, { id: base.id, result, message, at: result.finishedAt });
      counters.deadLetters++;
      this.ctx.emit({ type: 'dead-letter', id: base.id, result });
    }
    const waiters = this.waiters.get(base.id) ?? [];
    this.waiters.delete(base.id);
    for (const resolve of waiters) resolve(result);
    if (this.pending === 0) {
      const drained = this.drainWaiters;
      this.drainWaiters = [];
      this.ctx.emit({ type: 'drained', at: clock.now() });
      for (const resolve of drained) resolve();
    }
    return result;
  }
}

function connector(code: string, message: string): Reason {
  return { code, message, source: 'connector' };
}
