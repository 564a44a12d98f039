// The emulator's live state: its instances, clock, seeded random sources, limits and inspection log; reset re-seeds it.
import { SimClock } from './domain/clock.js';
import { Random } from './domain/random.js';
import { InspectionLog } from './domain/inspection-log.js';
import { FaultEngine } from './domain/faults.js';
import type { FileStoreOptions } from './store/file-store.js';
import { LimitTracker } from './http/limits.js';
import {
  addService,
  createInstance,
  normalizePermission,
  WEB_SERVICE_API,
  type ApiPermission,
  DEFAULT_WORKSPACE_ID,
  type InstanceState,
  type LimitSettings,
  type Service,
} from './domain/instance.js';
import { createPartition, createWorkspace, setFieldBlocks, setFieldSearchable } from './domain/admin.js';
import { createLeadField } from './domain/schema.js';
import { insertLead } from './domain/leads.js';
import { fakeLeads } from './seed/leads.js';
import type { WriteContext } from './domain/activities.js';
import type { ConfigFile, InstanceDefinition, ServiceDefinition } from './config.js';

export const DEFAULT_MUNCHKIN_ID = '123-ABC-456';

export interface SimulatorOptions {
  /** Seeds ids, tokens, credentials, request ids, faults and fake leads. Default 1. */
  seed?: number | string;
  /** The single instance when no `config` is given. */
  munchkinId?: string;
  clientId?: string;
  clientSecret?: string;
  /** Seeded fake leads in the first instance when no `config` is given. Default 0 in-process (100 from the CLI). */
  leads?: number;
  /** Instance definitions (the `--config` file); replaces munchkinId/leads. */
  config?: ConfigFile;
  /** The clock; default: a clock that follows real time. Tests pass a frozen one. */
  clock?: SimClock;
  /** Limit overrides applied to every instance (e.g. `{ enabled: false }`). */
  limits?: Partial<LimitSettings>;
  /** Inspection log capacity (entries kept). */
  logCapacity?: number;
  /** The token /__sim requires when listening on a non-loopback address (default: random per process). */
  adminToken?: string;
  /** Keep every instance in this lowdb JSON file (`--data`): loaded if it exists, written after changes and on close. */
  dataFile?: string;
  /** Write pacing of the data file (see store/file-store.ts). */
  persistence?: FileStoreOptions;
}

/** Independent seeded sources, so drawing request ids never shifts the tokens or faults a seed produces. */
export interface RandomSources {
  requestIds: Random;
  tokens: Random;
  credentials: Random;
  faults: Random;
}

export class Runtime {
  readonly clock: SimClock;
  readonly log: InspectionLog;
  readonly instances = new Map<string, InstanceState>();
  random!: RandomSources;
  /** Injected faults (control plane); cleared by reset. Probabilistic ones draw from `random.faults`. */
  readonly faults = new FaultEngine(() => this.random.faults);
  private readonly limitTrackers = new Map<string, LimitTracker>();
  private readonly resetListeners = new Set<() => void>();

  constructor(readonly options: SimulatorOptions = {}) {
    this.clock = options.clock ?? new SimClock();
    this.log = new InspectionLog(options.logCapacity);
    this.seedAll();
  }

  get seed(): number | string {
    return this.options.config?.seed ?? this.options.seed ?? 1;
  }

  /** Back to the seeded state: same instances, credentials, leads and random sequences as at start. */
  reset(): void {
    this.instances.clear();
    this.limitTrackers.clear();
    this.log.clear();
    this.faults.clear();
    this.seedAll();
    for (const listener of this.resetListeners) listener();
  }

  /** Replaces every instance (snapshot restore, --data load); limit counters start afresh. */
  replaceInstances(states: InstanceState[]): void {
    this.instances.clear();
    this.limitTrackers.clear();
    for (const state of states) this.instances.set(state.munchkinId, state);
  }

  onReset(listener: () => void): () => void {
    this.resetListeners.add(listener);
    return () => this.resetListeners.delete(listener);
  }

  instance(munchkinId: string): InstanceState | undefined {
    return this.instances.get(munchkinId.toUpperCase());
  }

  /** The instance also served at the root (`/rest`, `/identity`): the first one defined. */
  firstInstance(): InstanceState {
    return this.instances.values().next().value!;
  }

  limits(munchkinId: string): LimitTracker {
    const id = munchkinId.toUpperCase();
    let tracker = this.limitTrackers.get(id);
    if (!tracker) {
      tracker = new LimitTracker(() => this.instances.get(id)!.settings.limits);
      this.limitTrackers.set(id, tracker);
    }
    return tracker;
  }

  /**
   * Adds an instance from a definition (partitions, workspaces, services, fields, blocks, seeded leads). A definition
   * that cannot be applied throws a DefinitionError naming the key at fault (`workspaces[0].partitions`).
   */
  addInstance(def: InstanceDefinition, firstServiceDefaults: { clientId?: string; clientSecret?: string } = {}, path = ''): InstanceState {
    const at = <T>(key: string, apply: () => T): T => {
      try {
        return apply();
      } catch (e) {
        if (e instanceof DefinitionError) throw e;
        throw new DefinitionError(`${path}${path && key ? '.' : ''}${key}`, (e as Error).message);
      }
    };
    const munchkinId = def.munchkinId.toUpperCase();
    at('munchkinId', () => {
      if (this.instances.has(munchkinId)) throw new Error(`instance ${munchkinId} already exists`);
    });
    const [first, ...more] = def.services?.length ? def.services : [{ name: 'Default API service' }];
    const state = createInstance({
      munchkinId,
      name: def.name,
      settings: {
        hipaaReady: def.hipaaReady,
        imsOnboarded: def.imsOnboarded,
        dedupe: def.dedupe,
        limits: { ...this.options.limits, ...def.limits },
        tokenTtlSeconds: def.tokenTtlSeconds,
        orgMapping: def.imsOrgId ? { imsOrgId: def.imsOrgId, mappedBy: 'config', mappedAt: new Date(this.clock.now()).toISOString() } : null,
      },
    });
    def.partitions?.forEach((p, i) => at(`partitions[${i}]`, () => createPartition(state, p)));
    def.workspaces?.forEach((w, i) => at(`workspaces[${i}]`, () => createWorkspace(state, w)));
    // As with the control plane, a partition that no workspace lists joins the Default workspace, so it is reachable.
    const defaultWorkspace = state.workspaces.find((w) => w.id === DEFAULT_WORKSPACE_ID)!;
    for (const partition of state.partitions) {
      if (!state.workspaces.some((w) => w.partitionIds.includes(partition.id))) defaultWorkspace.partitionIds.push(partition.id);
    }
    def.fields?.forEach((f, i) =>
      at(`fields[${i}]`, () => {
        const r = createLeadField(state, f, { apiCreated: false, searchable: f.searchable });
        if (r.status === 'skipped') throw new Error(r.reasons[0].message);
      }),
    );
    for (const [name, searchable] of Object.entries(def.searchable ?? {})) at(`searchable.${name}`, () => setFieldSearchable(state, name, searchable));
    for (const [name, sources] of Object.entries(def.blocks ?? {})) at(`blocks.${name}`, () => setFieldBlocks(state, name, sources));
    at(def.services?.length ? 'services[0]' : '', () => this.addServiceTo(state, { ...firstServiceDefaults, ...stripUndefined(first) }));
    more.forEach((s, i) => at(`services[${i + 1}]`, () => this.addServiceTo(state, s)));
    this.instances.set(munchkinId, state);
    if (def.leads) this.seedLeads(state, def.leads);
    return state;
  }

  addServiceTo(state: InstanceState, spec: ServiceDefinition): Service {
    // Services own their API user's role by name, so a second service of that name would rewrite the first's permissions.
    if (state.services.some((s) => s.name === spec.name)) throw new Error(`service '${spec.name}' already exists`);
    const permissions = spec.permissions?.map((p) => normalizePermission(p)).filter((p): p is ApiPermission => p !== undefined);
    return addService(state, { ...spec, permissions }, this.random.credentials);
  }

  /** Adds `count` faker leads to the Default partition (with New Lead activities), numbered after existing ones. */
  seedLeads(state: InstanceState, count: number, partitionId = 1): void {
    const ctx = this.systemContext('List Import');
    const offset = state.leads.size;
    for (const values of fakeLeads(`${this.seed}/${state.munchkinId}/${offset}`, count, offset)) {
      insertLead(state, partitionId, values, ctx);
    }
  }

  /** The write context of changes made by the emulator itself (seeding, control plane), not by an API service. */
  systemContext(inputSource: string = WEB_SERVICE_API, requestId = 'emulator'): WriteContext {
    return { now: this.clock.now(), inputSource, userEmail: 'emulator@localhost', requestId, apiMethod: 'emulator' };
  }

  private seedAll(): void {
    const root = new Random(this.seed);
    this.random = {
      requestIds: root.fork('request-ids'),
      tokens: root.fork('tokens'),
      credentials: root.fork('credentials'),
      faults: root.fork('faults'),
    };
    const definitions: InstanceDefinition[] = this.options.config?.instances ?? [
      { munchkinId: this.options.munchkinId ?? DEFAULT_MUNCHKIN_ID, leads: this.options.leads ?? 0 },
    ];
    definitions.forEach((def, i) =>
      this.addInstance(def, i === 0 ? { clientId: this.options.clientId, clientSecret: this.options.clientSecret } : {}, `instances[${i}]`),
    );
  }
}

/** An instance definition that validates but cannot be applied (a workspace naming a missing partition, ...). */
export class DefinitionError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(path ? `${path}: ${problem}` : problem);
    this.name = 'DefinitionError';
  }
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
