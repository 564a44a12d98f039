// Every export's one outcome: results, dead letters, counters and events, and the promises waiting for them.
import type { ConnectorClock } from './clock.js';
import type { FieldValue } from './marketo/types.js';
import type { DeadLetter, ExportResult, ExportTrigger, KeptField, OutcomeStatus, Reason, SyncCounters, SyncEvent } from './outcomes.js';

export interface OutcomeRecord {
  id: string;
  trigger: ExportTrigger;
  receivedAt: number;
  status: OutcomeStatus;
  email: string | null;
  dedup: Record<string, FieldValue> | null;
  reasons: Reason[];
  notes: string[];
  /** The export as pushed, kept with a dead letter so replay sends it again. */
  message: unknown;
  leadId?: number;
  action?: string;
  kept?: KeptField[];
  attempts?: number;
}

export class Ledger {
  readonly results = new Map<string, ExportResult>();
  readonly deadLetters = new Map<string, DeadLetter>();
  private readonly waiters = new Map<string, ((r: ExportResult) => void)[]>();
  private drainWaiters: (() => void)[] = [];
  private pending = 0;

  constructor(private readonly ctx: { counters: SyncCounters; clock: ConnectorClock; emit(event: SyncEvent): void }) {}

  /** Counts an export in as received and pending; the promise resolves with its outcome. */
  open(id: string): Promise<ExportResult> {
    const { counters } = this.ctx;
    counters.received++;
    counters.pending++;
    this.pending++;
    return new Promise((resolve) => this.waiters.set(id, [...(this.waiters.get(id) ?? []), resolve]));
  }

  /** Gives an open export its outcome: counted, emitted, dead-lettered when failed, and its waiters resolved. */
  record(outcome: OutcomeRecord): ExportResult {
    const { counters, clock } = this.ctx;
    const { id, status, message } = outcome;
    const result: ExportResult = {
      id,
      status,
      email: outcome.email,
      dedup: outcome.dedup,
      ...(outcome.leadId !== undefined ? { leadId: outcome.leadId } : {}),
      ...(outcome.action !== undefined ? { action: outcome.action } : {}),
      reasons: outcome.reasons,
      notes: outcome.notes,
      ...(outcome.kept !== undefined ? { kept: outcome.kept } : {}),
      trigger: outcome.trigger,
      ...(outcome.attempts !== undefined ? { attempts: outcome.attempts } : {}),
      receivedAt: outcome.receivedAt,
      finishedAt: clock.now(),
    };
    this.results.set(id, result);
    counters[status]++;
    counters.pending--;
    this.pending--;
    this.ctx.emit({ type: 'outcome', result });
    if (status === 'failed') {
      this.deadLetters.set(id, { id, result, message, at: result.finishedAt });
      counters.deadLetters++;
      this.ctx.emit({ type: 'dead-letter', id, result });
    }
    const waiters = this.waiters.get(id) ?? [];
    this.waiters.delete(id);
    for (const resolve of waiters) resolve(result);
    if (this.pending === 0) {
      const drained = this.drainWaiters;
      this.drainWaiters = [];
      this.ctx.emit({ type: 'drained', at: clock.now() });
      for (const resolve of drained) resolve();
    }
    return result;
  }

  /** Takes dead letters out for replay (all, or the listed ones), as if their exports had never been received. */
  takeDeadLetters(ids?: readonly string[]): DeadLetter[] {
    const { counters } = this.ctx;
    const letters = ids ? ids.map((id) => this.deadLetters.get(id)).filter((d): d is DeadLetter => d !== undefined) : [...this.deadLetters.values()];
    for (const letter of letters) {
      this.deadLetters.delete(letter.id);
      this.results.delete(letter.id);
      counters.deadLetters--;
      counters.failed--;
      counters.received--;
    }
    return letters;
  }

  /** Resolves once every open export has its outcome. */
  drain(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }
}
