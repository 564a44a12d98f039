// Public API: createPersonSync(config, deps) -> the Marketo Engage Person Sync destination (connect, activate, push, drain).
import { EMAIL_IDENTITY_SOURCE, parseDestinationConfig, type DestinationConfig, type DestinationConfigInput } from './config.js';
import { realClock, tracked, type ConnectorClock, type RandomSource } from './clock.js';
import { MarketoClient, type ClientEvent } from './marketo/client.js';
import { ACTIVATE_PERMISSIONS, defaultAdminSettingsSource, missingPermissions, runPreflight, type AdminSettingsSource } from './preflight.js';
import { SyncPipeline, type PushReceipt } from './sync.js';
import { emptyCounters, type DeadLetter, type ExportResult, type ExportTrigger, type PreflightReport, type SyncCounters, type SyncEvent, type SyncEventOf, type SyncEventType } from './outcomes.js';
import type { Activation, Platform } from './aep/platform.js';
import type { Audience } from './aep/audiences.js';
import type { Describe2Field } from './marketo/types.js';

export { parseDestinationConfig, loadDestinationConfig, ConfigError, type DestinationConfig, type DestinationConfigInput } from './config.js';
export { createPlatform, Platform, type Activation } from './aep/platform.js';
export { seededRandom, realClock, type ConnectorClock } from './clock.js';
export type * from './outcomes.js';
export type { ProfileExport } from './aep/message.js';
export type { PushReceipt } from './sync.js';

export interface PersonSyncDeps {
  /** Time and timers; the emulator's SimClock fits (virtual time). Default: real time. */
  clock?: ConnectorClock;
  fetch?: typeof fetch;
  /** Jitter source; default Math.random. Pass seededRandom(seed) for reproducible runs. */
  random?: RandomSource;
  /** The AEP sandbox whose audiences activate() sends (required for activate). */
  platform?: Platform;
  /** Where Adobe Organization Mapping and HIPAA-ready are read; default: the emulator's control plane, or "not verifiable". */
  adminSettings?: AdminSettingsSource;
}

export interface ActivateOptions {
  /** The audience schedule's start date (ms or ISO); default now. */
  startDate?: number | string;
  /** Delay before the backfill of existing members ("up to 24 hours"); default 24 h. */
  backfillDelayMs?: number;
}

/** Thrown by connect() when preflight finds an error; `report` lists every problem. */
export class PreflightError extends Error {
  constructor(readonly report: PreflightReport) {
    super(`preflight failed:\n${report.problems.filter((p) => p.severity === 'error').map((p) => `  - [${p.check}] ${p.message}`).join('\n')}`);
    this.name = 'PreflightError';
  }
}

/** The destination as other code drives it. */
export interface PersonSync {
  readonly config: DestinationConfig;
  /** Runs every preflight check and returns the report without throwing. */
  preflight(): Promise<PreflightReport>;
  /** Preflight; throws PreflightError on any error. Required before push/activate. Warnings stay in the report. */
  connect(): Promise<PreflightReport>;
  /** Activates audiences of deps.platform: backfill after the delay, then streaming exports into push(). */
  activate(audiences: readonly (Audience | string)[], options?: ActivateOptions): Activation;
  /** Accepts one DSDK profile export; its outcome arrives on `done`, the `outcome` event and `results`. */
  push(message: unknown, trigger?: ExportTrigger): PushReceipt;
  /** Resolves once every pushed export has its outcome. */
  drain(): Promise<void>;
  /** Every export's outcome by export id. */
  readonly results: ReadonlyMap<string, ExportResult>;
  /** Exports that failed after retries, by export id. */
  readonly deadLetters: ReadonlyMap<string, DeadLetter>;
  /** Pushes dead-lettered exports again under their own ids (all, or the listed ones). */
  replay(ids?: readonly string[]): PushReceipt[];
  /** A snapshot of the counters. */
  counters(): SyncCounters;
  /** Subscribes to one event type; returns the unsubscribe function. */
  on<T extends SyncEventType>(type: T, listener: (event: SyncEventOf<T>) => void): () => void;
  /** Subscribes to every event. */
  onEvent(listener: (event: SyncEvent) => void): () => void;
  /** Every event from now on, as an async iterator (ends on close()). */
  events(): AsyncIterableIterator<SyncEvent>;
  /** Refuses further pushes, waits for accepted exports, stops activations. */
  close(): Promise<void>;
}

/**
 * Creates the Marketo Engage Person Sync destination. `config` is validated (ConfigError names each bad field).
 *
 * ```ts
 * const sync = createPersonSync(config, { clock: sim.runtime.clock, platform });
 * await sync.connect();
 * sync.push({ segmentMembership: {}, identityMap: { email: [{ id: 'ann@example.com' }] }, attributes: {} });
 * await sync.drain();
 * sync.results.get('exp-1'); // { status: 'created', leadId: 1, ... }
 * ```
 */
export function createPersonSync(config: DestinationConfigInput | DestinationConfig, deps: PersonSyncDeps = {}): PersonSync {
  const cfg = parseDestinationConfig(config);
  const clock = deps.clock ?? realClock;
  const fetchFn = deps.fetch ?? globalThis.fetch;
  const counters = emptyCounters();
  const listeners = new Set<(event: SyncEvent) => void>();
  const iterators = new Set<{ push(e: SyncEvent): void; end(): void }>();
  const emit = (event: SyncEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (e) {
        // A listener's bug must not cost an export its outcome: it is thrown again outside the pipeline.
        queueMicrotask(() => {
          throw e;
        });
      }
    }
    for (const it of iterators) it.push(event);
  };
  const onClientEvent = (event: ClientEvent) => {
    if (event.type === 'call') {
      counters.calls++;
      counters.callsByOperation[event.operation] = (counters.callsByOperation[event.operation] ?? 0) + 1;
      const answer = event.code ?? 'ok';
      counters.answers[answer] = (counters.answers[answer] ?? 0) + 1;
    } else if (event.type === 'retry') counters.retries++;
    else if (event.type === 'token') counters.tokens++;
    emit(event);
  };
  const client = new MarketoClient({
    munchkinId: cfg.munchkinId,
    endpoint: cfg.endpoint,
    identity: cfg.identity,
    ingestionEndpoint: cfg.ingestionEndpoint,
    clientId: cfg.clientId,
    clientSecret: cfg.clientSecret,
    pacing: cfg.pacing,
    retry: cfg.retry,
    requestTimeoutMs: cfg.requestTimeoutMs,
    clock,
    random: deps.random ?? Math.random,
    fetch: fetchFn,
    onEvent: onClientEvent,
  });
  const adminSettings = deps.adminSettings ?? defaultAdminSettingsSource(cfg, fetchFn, (p) => tracked(clock, p));
  const fields = new Map<string, Describe2Field>();
  let pipeline: SyncPipeline | null = null;
  const activations: Activation[] = [];
  let closed = false;

  const needPipeline = (what: string): SyncPipeline => {
    if (!pipeline) throw new Error(`call connect() before ${what}: the connector needs the instance's fields and partition`);
    return pipeline;
  };

  const preflight = async (): Promise<PreflightReport> => {
    const result = await runPreflight(cfg, client, adminSettings, () => clock.now());
    fields.clear();
    for (const [name, field] of result.fields) fields.set(name, field);
    emit({ type: 'preflight', report: result.report });
    if (result.report.ok && result.report.partitionId !== null && !pipeline) {
      pipeline = new SyncPipeline({ config: cfg, client, clock, fields, partitionId: result.report.partitionId, counters, emit });
    }
    return result.report;
  };

  return {
    config: cfg,
    preflight,
    async connect() {
      const report = await preflight();
      if (!report.ok) throw new PreflightError(report);
      return report;
    },
    activate(audiences, options = {}) {
      const target = needPipeline('activate()');
      const missing = missingPermissions(cfg, ACTIVATE_PERMISSIONS);
      if (missing.length > 0) {
        throw new Error(`activation refused: the AEP user lacks ${missing.map((p) => `'${p}'`).join(', ')} (activation needs View Destinations, Activate Destinations, View Profiles and View Segments)`);
      }
      if (!deps.platform) throw new Error('activate() needs deps.platform (the AEP sandbox holding the audiences)');
      if (closed) throw new Error('activate() after close(): the connector no longer sends exports');
      const ids = audiences.map((a) => (typeof a === 'string' ? a : a.id));
      // A dataflow holds an audience once; activating it again would export each of its changes twice.
      const active = new Set(activations.filter((a) => a.state !== 'stopped').flatMap((a) => a.audienceIds));
      const again = ids.filter((id) => active.has(id));
      if (again.length > 0) throw new Error(`audience(s) ${again.join(', ')} already activated on this destination`);
      const activation = deps.platform.activate({ push: (message, trigger) => target.push(message, trigger) }, ids, {
        mappedAttributes: cfg.mapping.map((m) => m.source).filter((s) => s !== EMAIL_IDENTITY_SOURCE),
        startDate: options.startDate,
        backfillDelayMs: options.backfillDelayMs,
        onPhase: (phase, profiles) => emit({ type: 'activation', audienceIds: ids, phase, profiles, at: clock.now() }),
      });
      activations.push(activation);
      return activation;
    },
    push(message, trigger = 'manual') {
      return needPipeline('push()').push(message, trigger);
    },
    drain() {
      return pipeline ? pipeline.drain() : Promise.resolve();
    },
    get results() {
      return pipeline?.results ?? new Map<string, ExportResult>();
    },
    get deadLetters() {
      return pipeline?.deadLetters ?? new Map<string, DeadLetter>();
    },
    replay(ids) {
      return needPipeline('replay()').replay(ids);
    },
    counters() {
      return { ...counters, callsByOperation: { ...counters.callsByOperation }, answers: { ...counters.answers } };
    },
    on(type, listener) {
      const wrapped = (event: SyncEvent) => {
        if (event.type === type) listener(event as SyncEventOf<typeof type>);
      };
      listeners.add(wrapped);
      return () => listeners.delete(wrapped);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    events() {
      const buffer: SyncEvent[] = [];
      let wake: (() => void) | null = null;
      let ended = false;
      const handle = {
        push(e: SyncEvent) {
          buffer.push(e);
          wake?.();
        },
        end() {
          ended = true;
          wake?.();
        },
      };
      iterators.add(handle);
      const iterator: AsyncIterableIterator<SyncEvent> = {
        async next() {
          while (buffer.length === 0 && !ended) await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
          if (buffer.length > 0) return { value: buffer.shift()!, done: false };
          return { value: undefined, done: true };
        },
        async return() {
          iterators.delete(handle);
          return { value: undefined, done: true };
        },
        [Symbol.asyncIterator]() {
          return iterator;
        },
      };
      return iterator;
    },
    async close() {
      closed = true;
      for (const activation of activations) activation.stop();
      if (pipeline) await pipeline.close();
      for (const it of iterators) it.end();
      iterators.clear();
    },
  };
}
