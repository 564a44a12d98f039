// The streaming pipeline: per-key ordering, micro-batches of up to 300 taken as pacer slots free up, one outcome per export.
import { MarketoCallError } from './marketo/errors.js';
import type { Slot } from './marketo/pacer.js';
import { readProfileExport } from './aep/message.js';
import { prepareRecord } from './record.js';
import { firstValueKey } from './dedup.js';
import { REASON, connectorReason, type DeadLetter, type ExportResult, type ExportTrigger, type OutcomeStatus, type Reason } from './outcomes.js';
import { ingestBatch } from './ingestion.js';
import { lookup, MAX_RECHECKS, readBack, upsert, write } from './rest-write.js';
import { Ledger } from './ledger.js';
import type { FinishExtra, Job, PipelineContext, Stage, StageHooks } from './job.js';

export type { Job, PipelineContext, Stage } from './job.js';

/** Later stages first, so work already under way finishes before new work starts. */
const STAGE_ORDER: readonly Stage[] = ['readBack', 'update', 'createOnly', 'createDuplicate', 'lookup', 'upsert', 'ingest'];
const WRITE_STAGES: ReadonlySet<Stage> = new Set(['upsert', 'update', 'createOnly', 'createDuplicate', 'ingest']);
const MAX_FILTER_VALUES = 300;

export interface PushReceipt {
  id: string;
  /** Resolves with the export's outcome; never rejects (a failure is an outcome). */
  done: Promise<ExportResult>;
}

export class SyncPipeline {
  private readonly ledger: Ledger;
  private readonly queues = new Map<Stage, Job[]>(STAGE_ORDER.map((s) => [s, []]));
  private readonly lastByKey = new Map<string, Job>();
  private readonly hooks: StageHooks = {
    finish: (job, status, extra) => this.finish(job, status, extra),
    enqueue: (stage, job) => this.enqueue(stage, job),
  };
  private nextId = 1;
  private pumping = false;
  private closed = false;
  /** The body size a write batch may reach; halved whenever Marketo answers 413. */
  private bodyLimit: number;

  constructor(private readonly ctx: PipelineContext) {
    this.ledger = new Ledger(ctx);
    this.bodyLimit = ctx.config.batch.maxBytes;
  }

  get results(): ReadonlyMap<string, ExportResult> {
    return this.ledger.results;
  }

  get deadLetters(): ReadonlyMap<string, DeadLetter> {
    return this.ledger.deadLetters;
  }

  /** Accepts one exported profile; invalid exports get their outcome (rejected) at once. */
  push(message: unknown, trigger: ExportTrigger = 'manual', reuseId?: string): PushReceipt {
    const id = reuseId ?? `exp-${this.nextId++}`;
    const { clock, config, fields } = this.ctx;
    const receivedAt = clock.now();
    const done = this.ledger.open(id);
    const refuse = (email: string | null, status: OutcomeStatus, reason: Reason, notes: string[] = []) => {
      this.ctx.emit({ type: 'export', id, email, trigger, at: receivedAt });
      this.ledger.record({ id, trigger, receivedAt, status, email, dedup: null, reasons: [reason], notes, message });
      return { id, done };
    };
    if (this.closed) return refuse(null, 'rejected', connectorReason(REASON.CLOSED, 'the connector is closed; the export was not sent'));
    const parsed = readProfileExport(message);
    if (!parsed.ok) return refuse(null, 'rejected', connectorReason(REASON.MALFORMED_EXPORT, `malformed export: ${parsed.problem}`));
    const prep = prepareRecord(parsed.value, config, fields);
    if (prep.kind !== 'write') return refuse(prep.email, prep.kind === 'reject' ? 'rejected' : 'skipped', prep.reason, prep.notes);
    this.ctx.emit({ type: 'export', id, email: prep.email, trigger, at: receivedAt });
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
    return this.ledger.drain();
  }

  /** Pushes dead-lettered exports again under their ids (all of them, or those listed). */
  replay(ids?: readonly string[]): PushReceipt[] {
    // After close() a replayed export could only be refused, and would leave the dead-letter list for nothing.
    if (this.closed) throw new Error('the connector is closed; its dead letters stay where they are');
    return this.ledger.takeDeadLetters(ids).map((letter) => this.push(letter.message, 'replay', letter.id));
  }

  /** Refuses further pushes and waits for the exports already accepted. */
  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
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
    const { ctx, hooks } = this;
    try {
      switch (stage) {
        case 'upsert':
          return await upsert(ctx, jobs, slot, hooks);
        case 'lookup':
          return await lookup(ctx, jobs, slot, hooks);
        case 'update':
          return await write(ctx, jobs, 'updateOnly', slot, hooks);
        case 'createOnly':
        case 'createDuplicate':
          return await write(ctx, jobs, stage, slot, hooks);
        case 'readBack':
          return await readBack(ctx, jobs, slot, hooks);
        case 'ingest':
          return await ingestBatch(ctx, jobs, slot, hooks);
      }
    } catch (e) {
      this.callFailed(stage, jobs, e);
    } finally {
      slot.release();
    }
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

  /** A job's outcome; the jobs that waited for it may start. */
  private finish(job: Job, status: OutcomeStatus, extra: FinishExtra = {}): void {
    if (job.done) return;
    job.done = true;
    const { id, trigger, receivedAt, prep, notes, message } = job;
    this.ledger.record({ ...extra, id, trigger, receivedAt, status, email: prep.email, dedup: prep.dedup, reasons: extra.reasons ?? [], notes, message });
    for (const key of job.keys) if (this.lastByKey.get(key) === job) this.lastByKey.delete(key);
    for (const next of job.successors) {
      if (--next.blockers === 0) this.enqueue(this.firstStage(), next);
    }
  }
}
