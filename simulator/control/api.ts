// The in-process control API: every /__sim route is a thin wrapper over one of these methods.
import type { z } from 'zod';
import { DefinitionError, type Runtime } from '../runtime.js';
import { inClockRange, type ClockState } from '../domain/clock.js';
import type { LogEntry, LogPage } from '../domain/inspection-log.js';
import { MarketoError } from '../http/errors.js';
import { AdminError, assignPartitions, createPartition, createWorkspace, setFieldBlocks, setFieldSearchable } from '../domain/admin.js';
import {
  addService,
  normalizePermission,
  partitionById,
  partitionByName,
  serviceByClientId,
  userByEmail,
  workspaceByName,
  type ApiPermission,
  type InstanceSettings,
  type InstanceState,
  type LimitSettings,
  type OrgMapping,
  type Service,
} from '../domain/instance.js';
import { insertLead, parseInsertRecord, readValue } from '../domain/leads.js';
import { keyOf, type FieldValue } from '../domain/fields.js';
import { revokeTokens } from '../domain/tokens.js';
import { OrgMappingError, removeOrgMapping, setOrgMapping } from '../domain/org-mapping.js';
import { KNOWN_REST_FAULT_CODES, isIngestionCode, unreachableFault, type Fault, type FaultEffect } from '../domain/faults.js';
import { restoreState, snapshotState, SnapshotError, type StateSnapshot } from '../domain/snapshot.js';
import { applyRestored } from '../store/apply-snapshot.js';
import type { LimitUsage } from '../http/limits.js';
import { ControlError, parseInput } from './errors.js';
import {
  blocksSchema,
  clockSchema,
  faultSchema,
  insertLeadsSchema,
  instanceDefinitionSchema,
  instancePatchSchema,
  listLeadsSchema,
  logQuerySchema,
  orgMappingSchema,
  partitionCreateSchema,
  searchableSchema,
  serviceSchema,
  workspaceSchema,
  workspaceUpdateSchema,
  type ClockChange,
  type FaultSpec,
  type InsertLeadsRequest,
  type InstancePatch,
  type ListLeadsQuery,
  type LogQuery,
  type OrgMappingBody,
  type PartitionCreate,
  type WorkspaceUpdate,
} from './schemas.js';

export { ControlError } from './errors.js';
export type { ClockChange, FaultSpec, InsertLeadsRequest, InstancePatch, ListLeadsQuery, LogQuery, OrgMappingBody, WorkspaceUpdate };
export type { StateSnapshot } from '../domain/snapshot.js';
export type InstanceDefinitionInput = z.input<typeof instanceDefinitionSchema>;
export type PartitionSpec = PartitionCreate;
export type WorkspaceSpec = z.input<typeof workspaceSchema>;
export type ServiceSpec = z.input<typeof serviceSchema>;

export interface PartitionView {
  id: number;
  name: string;
  description: string;
  /** Leads currently in the partition. */
  leads: number;
}

export interface WorkspaceView {
  id: number;
  name: string;
  description: string;
  partitions: string[];
  primaryPartition: string;
}

/** A LaunchPoint service with its credentials, its API-only user, the user's permissions and workspaces. */
export interface ServiceView {
  name: string;
  description: string;
  clientId: string;
  clientSecret: string;
  userEmail: string;
  inputSource: string;
  permissions: ApiPermission[];
  workspaces: string[];
}

export interface InstanceSummary {
  munchkinId: string;
  name: string;
  leads: number;
  partitions: number;
  services: number;
  hipaaReady: boolean;
  imsOrgId: string | null;
}

export interface InstanceDetail {
  munchkinId: string;
  name: string;
  settings: Omit<InstanceSettings, 'name'>;
  partitions: PartitionView[];
  workspaces: WorkspaceView[];
  services: ServiceView[];
  /** Fields with Block Field Updates set. */
  blockedFields: FieldBlocks[];
  counts: { leads: number; activities: number; tokens: number };
}

export interface FieldBlocks {
  field: string;
  sources: string[];
}

export interface LeadView {
  id: number;
  partition: string;
  partitionId: number;
  createdAt: string;
  updatedAt: string;
  [field: string]: FieldValue;
}

export interface LeadList {
  /** Leads matching the query (all pages). */
  total: number;
  leads: LeadView[];
  /** Pass as `after` for the next page; null on the last page. */
  next: number | null;
}

export interface OrgMappingView {
  munchkinId: string;
  imsOrgId: string | null;
  mappedBy: string | null;
  mappedAt: string | null;
  /** Onboarded to the Adobe identity system: the mapping cannot be changed. */
  readOnly: boolean;
  hipaaReady: boolean;
}

export interface LimitsView {
  settings: LimitSettings;
  usage: LimitUsage;
}

/**
 * The emulator's control plane, in process. `createSimulator()` returns it as `sim.control`; every `/__sim` HTTP route
 * calls exactly one of these methods with the JSON body or query it received.
 *
 * - Inputs are validated here (zod); a bad one throws `ControlError` with `status` 400 and a message naming the field.
 * - An unknown Munchkin ID (or partition/workspace/field in the path) throws `ControlError` 404; a Marketo rule that
 *   refuses the change throws 403 or 409 with a `reason` (e.g. org mapping: `hipaa-ready`, `read-only`,
 *   `not-org-admin`, `email-mismatch`).
 * - Munchkin IDs are case-insensitive. Changes made here bypass the REST API, its permissions and its limits, and are
 *   recorded in the inspection log as kind `control`.
 * - Returned objects are copies: changing them does not change the emulator.
 */
export interface Control {
  /** Back to the seeded state (same instances, credentials, leads and random sequences); clears faults and the log. */
  reset(): { instances: string[] };
  /** The whole state (every instance, its leads, activities and tokens, the clock) in the --data file format. */
  snapshot(): StateSnapshot;
  /** Replaces every instance with a snapshot's; refuses another format or version (400) and changes nothing then. */
  restore(snapshot: StateSnapshot | unknown): { instances: string[] };

  listInstances(): InstanceSummary[];
  /** Adds an instance from a definition (the --config instance shape); 409 when the Munchkin ID is taken. */
  createInstance(definition: InstanceDefinitionInput): InstanceDetail;
  getInstance(munchkinId: string): InstanceDetail;
  /** Changes settings: name, limits (merged), dedupe rule, hipaaReady, imsOnboarded, tokenTtlSeconds, dataIngestion, imsOrgId. */
  patchInstance(munchkinId: string, patch: InstancePatch): InstanceDetail;
  /** Rate window, concurrency and daily quota settings and the current usage. */
  getLimits(munchkinId: string): LimitsView;

  listPartitions(munchkinId: string): PartitionView[];
  /** A partition; `workspaces` (default ["Default"]) lists the workspaces that see it, so default services can reach it. */
  createPartition(munchkinId: string, spec: PartitionSpec): PartitionView;
  listWorkspaces(munchkinId: string): WorkspaceView[];
  /** A workspace with its partitions (the first is primary unless `primaryPartition` says otherwise). */
  createWorkspace(munchkinId: string, spec: WorkspaceSpec): WorkspaceView;
  /** Re-assigns a workspace's partitions and primary partition. */
  updateWorkspace(munchkinId: string, workspace: string, update: WorkspaceUpdate): WorkspaceView;

  listServices(munchkinId: string): ServiceView[];
  /**
   * A LaunchPoint service, its API-only user and role. Defaults: every permission, every workspace,
   * input source `Web service API`, credentials drawn from the seeded source.
   */
  createService(munchkinId: string, spec: ServiceSpec): ServiceView;
  /** Revokes access tokens (one service's, or all of the instance); their next use answers 601. */
  revokeTokens(munchkinId: string, clientId?: string): { revoked: number };

  getFieldBlocks(munchkinId: string, field: string): FieldBlocks;
  /** Field Management "Block Field Updates": the input sources that may fill the field but not change it. */
  setFieldBlocks(munchkinId: string, field: string, body: { sources: string[] }): FieldBlocks;
  /** Emulator knob: makes a field usable (or not) as lookupField/filterType. */
  setFieldSearchable(munchkinId: string, field: string, body: { searchable: boolean }): { field: string; searchable: boolean };

  /** Inserts leads straight into a partition (same field and type rules as Sync Leads; all or nothing). */
  insertLeads(munchkinId: string, request: InsertLeadsRequest): { ids: number[]; partition: string };
  /** Leads in id order, optionally one partition's or one email's, paged with `after`/`limit`. */
  listLeads(munchkinId: string, query?: ListLeadsQuery): LeadList;

  getOrgMapping(munchkinId: string): OrgMappingView;
  /** Admin > Adobe Organization Mapping, with Marketo's refusals (403 not-org-admin/email-mismatch, 409 hipaa-ready/read-only). */
  setOrgMapping(munchkinId: string, request: OrgMappingBody): OrgMappingView;
  removeOrgMapping(munchkinId: string): OrgMappingView;

  clock: {
    get(): ClockState;
    /** Moves the clock forward, firing due timers (token expiry, ingestion jobs, latency) and letting their work run. */
    advance(ms: number): Promise<ClockState>;
    set(instant: string | number): Promise<ClockState>;
    freeze(): ClockState;
    unfreeze(): ClockState;
    /** With a frozen clock: jump to the next timer whenever nothing is in flight. */
    setAutoAdvance(on: boolean): ClockState;
    /** The HTTP body form: `{advanceMs}`, `{set}`, `{freeze:true}`, `{unfreeze:true}`, `{frozen}`, `{autoAdvance}` (applied in that order: frozen, set, advance). */
    update(change: ClockChange): Promise<ClockState>;
  };

  faults: {
    /** Adds a fault: exactly one of error, httpStatus, latencyMs, drop, revokeToken, upsertRace; see FaultSpec. */
    add(spec: FaultSpec): Fault;
    list(): Fault[];
    remove(id: number): { removed: number };
    clear(): { removed: number };
  };

  log: {
    /**
     * Inspection log entries, filtered (munchkinId, kind, clientId, requestId) and paged: oldest first by default
     * (`after` = the previous page's `next`), or `order: 'desc'` for the newest first (`before` = the previous `next`).
     */
    query(filter?: LogQuery): LogPage;
  };
}

const notFound = (what: string) => new ControlError(404, what);

export function createControl(runtime: Runtime): Control {
  const now = () => runtime.clock.now();

  const record = (munchkinId: string, message: string, data?: Record<string, unknown>): LogEntry =>
    runtime.log.append({ at: new Date(now()).toISOString(), munchkinId, kind: 'control', message, ...(data ? { data } : {}) });

  function instance(munchkinId: string): InstanceState {
    const state = typeof munchkinId === 'string' ? runtime.instance(munchkinId) : undefined;
    if (!state) {
      const known = [...runtime.instances.keys()].join(', ');
      throw notFound(`instance '${String(munchkinId)}' not found (known: ${known})`);
    }
    return state;
  }

  /** Domain admin errors are bad input (400) naming the field the caller sent (the domain's, else `field`). */
  function admin<T>(field: string, work: () => T): T {
    try {
      return work();
    } catch (e) {
      if (e instanceof AdminError) throw new ControlError(400, `${e.field ?? field}: ${e.message}`, e.field ?? field);
      throw e;
    }
  }

  const partitionView = (state: InstanceState, id: number): PartitionView => {
    const p = partitionById(state, id)!;
    return { id: p.id, name: p.name, description: p.description, leads: state.index.partitionSize(p.id) };
  };

  const workspaceView = (state: InstanceState, name: string): WorkspaceView => {
    const w = workspaceByName(state, name)!;
    return {
      id: w.id,
      name: w.name,
      description: w.description,
      partitions: w.partitionIds.map((id) => partitionById(state, id)?.name ?? String(id)),
      primaryPartition: partitionById(state, w.primaryPartitionId)?.name ?? String(w.primaryPartitionId),
    };
  };

  const serviceView = (state: InstanceState, service: Service): ServiceView => {
    const user = userByEmail(state, service.userEmail);
    const permissions = new Set<ApiPermission>();
    const workspaceIds = new Set<number>();
    for (const assignment of user?.roles ?? []) {
      const role = state.roles.find((r) => r.name === assignment.role);
      role?.permissions.forEach((p) => permissions.add(p));
      assignment.workspaceIds.forEach((id) => workspaceIds.add(id));
    }
    return {
      name: service.name,
      description: service.description,
      clientId: service.clientId,
      clientSecret: service.clientSecret,
      userEmail: service.userEmail,
      inputSource: service.inputSource,
      permissions: [...permissions],
      workspaces: state.workspaces.filter((w) => workspaceIds.has(w.id)).map((w) => w.name),
    };
  };

  const detail = (state: InstanceState): InstanceDetail => {
    const { name, ...settings } = structuredClone(state.settings);
    return {
      munchkinId: state.munchkinId,
      name,
      settings,
      partitions: state.partitions.map((p) => partitionView(state, p.id)),
      workspaces: state.workspaces.map((w) => workspaceView(state, w.name)),
      services: state.services.map((s) => serviceView(state, s)),
      blockedFields: state.fields.filter((f) => f.blockedSources.length > 0).map((f) => ({ field: f.name, sources: [...f.blockedSources] })),
      counts: { leads: state.leads.size, activities: state.activities.length, tokens: state.tokens.size },
    };
  };

  const orgMappingView = (state: InstanceState): OrgMappingView => {
    const m: OrgMapping | null = state.settings.orgMapping;
    return {
      munchkinId: state.munchkinId,
      imsOrgId: m?.imsOrgId ?? null,
      mappedBy: m?.mappedBy ?? null,
      mappedAt: m?.mappedAt ?? null,
      readOnly: state.settings.imsOnboarded,
      hipaaReady: state.settings.hipaaReady,
    };
  };

  const fieldOf = (state: InstanceState, name: string) => {
    const field = state.fieldByName.get(name);
    if (!field) throw notFound(`field '${name}' not found in instance ${state.munchkinId}`);
    return field;
  };

  const leadView = (state: InstanceState, id: number): LeadView => {
    const lead = state.leads.get(id)!;
    return {
      id: lead.id,
      partition: partitionById(state, lead.partitionId)?.name ?? String(lead.partitionId),
      partitionId: lead.partitionId,
      createdAt: readValue(state, lead, 'createdAt') as string,
      updatedAt: readValue(state, lead, 'updatedAt') as string,
      ...lead.values,
    };
  };

  const clockState = () => runtime.clock.state();

  const control: Control = {
    reset() {
      runtime.reset();
      record('*', 'reset to the seeded state');
      return { instances: [...runtime.instances.keys()] };
    },

    snapshot() {
      return structuredClone(snapshotState(runtime.instances.values(), runtime.seed, { now: now(), frozen: runtime.clock.frozen }));
    },

    restore(snapshot) {
      let restored: ReturnType<typeof restoreState>;
      try {
        restored = restoreState(typeof snapshot === 'object' && snapshot !== null ? structuredClone(snapshot) : snapshot);
      } catch (e) {
        if (e instanceof SnapshotError) throw new ControlError(400, `invalid snapshot: ${e.message}`, e.field);
        throw e;
      }
      applyRestored(runtime, restored);
      record('*', `restored a snapshot of ${restored.instances.length} instance(s)`);
      return { instances: restored.instances.map((s) => s.munchkinId) };
    },

    listInstances() {
      return [...runtime.instances.values()].map((s) => ({
        munchkinId: s.munchkinId,
        name: s.settings.name,
        leads: s.leads.size,
        partitions: s.partitions.length,
        services: s.services.length,
        hipaaReady: s.settings.hipaaReady,
        imsOrgId: s.settings.orgMapping?.imsOrgId ?? null,
      }));
    },

    createInstance(definition) {
      const def = parseInput(instanceDefinitionSchema, definition, 'instance definition');
      if (runtime.instance(def.munchkinId)) throw new ControlError(409, `instance ${def.munchkinId.toUpperCase()} already exists`, 'munchkinId');
      for (const [i, s] of (def.services ?? []).entries()) checkServiceSpec(null, s, `services[${i}]`, def.workspaces?.map((w) => w.name));
      let state: InstanceState;
      try {
        state = runtime.addInstance(def);
      } catch (e) {
        // Definitions are checked as they are applied; the error names the key at fault.
        if (e instanceof DefinitionError) throw new ControlError(400, `invalid instance definition: ${e.message}`, e.path || undefined);
        throw e;
      }
      record(state.munchkinId, `created instance ${state.munchkinId}`);
      return detail(state);
    },

    getInstance(munchkinId) {
      return detail(instance(munchkinId));
    },

    patchInstance(munchkinId, patch) {
      const state = instance(munchkinId);
      const p = parseInput(instancePatchSchema, patch, 'instance settings');
      const s = state.settings;
      if (p.name !== undefined) s.name = p.name;
      if (p.hipaaReady !== undefined) s.hipaaReady = p.hipaaReady;
      if (p.imsOnboarded !== undefined) s.imsOnboarded = p.imsOnboarded;
      if (p.dedupe !== undefined) s.dedupe = { partitionScoped: p.dedupe.partitionScoped };
      if (p.limits !== undefined) s.limits = { ...s.limits, ...p.limits };
      if (p.tokenTtlSeconds !== undefined) s.tokenTtlSeconds = p.tokenTtlSeconds;
      if (p.dataIngestion !== undefined) s.dataIngestion = p.dataIngestion;
      if (p.imsOrgId !== undefined) {
        s.orgMapping = p.imsOrgId === null ? null : { imsOrgId: p.imsOrgId, mappedBy: 'control plane', mappedAt: new Date(now()).toISOString() };
      }
      record(state.munchkinId, `settings changed: ${Object.keys(p).join(', ')}`, { patch: p });
      return detail(state);
    },

    getLimits(munchkinId) {
      const state = instance(munchkinId);
      return { settings: { ...state.settings.limits }, usage: runtime.limits(state.munchkinId).usage(now()) };
    },

    listPartitions(munchkinId) {
      const state = instance(munchkinId);
      return state.partitions.map((p) => partitionView(state, p.id));
    },

    createPartition(munchkinId, spec) {
      const state = instance(munchkinId);
      const { workspaces: names, ...body } = parseInput(partitionCreateSchema, spec, 'partition');
      const workspaces = (names ?? (workspaceByName(state, 'Default') ? ['Default'] : [])).map((name, i) => {
        const w = workspaceByName(state, name);
        if (!w) throw new ControlError(400, `workspaces[${i}]: workspace '${name}' does not exist`, `workspaces[${i}]`);
        return w;
      });
      const partition = admin('name', () => createPartition(state, body));
      for (const w of workspaces) w.partitionIds.push(partition.id);
      record(state.munchkinId, `created partition '${partition.name}' in ${workspaces.map((w) => `'${w.name}'`).join(', ') || 'no workspace'}`);
      return partitionView(state, partition.id);
    },

    listWorkspaces(munchkinId) {
      const state = instance(munchkinId);
      return state.workspaces.map((w) => workspaceView(state, w.name));
    },

    createWorkspace(munchkinId, spec) {
      const state = instance(munchkinId);
      const body = parseInput(workspaceSchema, spec, 'workspace');
      const workspace = admin('partitions', () => createWorkspace(state, body));
      record(state.munchkinId, `created workspace '${workspace.name}'`);
      return workspaceView(state, workspace.name);
    },

    updateWorkspace(munchkinId, name, update) {
      const state = instance(munchkinId);
      const workspace = workspaceByName(state, name);
      if (!workspace) throw notFound(`workspace '${name}' not found in instance ${state.munchkinId}`);
      const body = parseInput(workspaceUpdateSchema, update, 'workspace');
      admin('partitions', () => assignPartitions(state, workspace, body.partitions, body.primaryPartition));
      if (body.description !== undefined) workspace.description = body.description;
      record(state.munchkinId, `workspace '${workspace.name}' now holds ${body.partitions.join(', ')}`);
      return workspaceView(state, workspace.name);
    },

    listServices(munchkinId) {
      const state = instance(munchkinId);
      return state.services.map((s) => serviceView(state, s));
    },

    createService(munchkinId, spec) {
      const state = instance(munchkinId);
      const body = parseInput(serviceSchema, spec, 'service');
      checkServiceSpec(state, body, '', state.workspaces.map((w) => w.name));
      const service = runtime.addServiceTo(state, body);
      record(state.munchkinId, `created service '${service.name}' (${service.inputSource})`, { clientId: service.clientId });
      return serviceView(state, service);
    },

    revokeTokens(munchkinId, clientId) {
      const state = instance(munchkinId);
      if (clientId !== undefined && !serviceByClientId(state, clientId)) throw notFound(`no service with client id '${clientId}' in instance ${state.munchkinId}`);
      const revoked = revokeTokens(state, clientId);
      record(state.munchkinId, `revoked ${revoked} token(s)${clientId ? ` of ${clientId}` : ''}`);
      return { revoked };
    },

    getFieldBlocks(munchkinId, name) {
      const field = fieldOf(instance(munchkinId), name);
      return { field: field.name, sources: [...field.blockedSources] };
    },

    setFieldBlocks(munchkinId, name, body) {
      const state = instance(munchkinId);
      fieldOf(state, name);
      const { sources } = parseInput(blocksSchema, body, 'field blocks');
      const field = admin('sources', () => setFieldBlocks(state, name, sources));
      record(state.munchkinId, `Block Field Updates on ${field.name}: ${field.blockedSources.join(', ') || '(none)'}`);
      return { field: field.name, sources: [...field.blockedSources] };
    },

    setFieldSearchable(munchkinId, name, body) {
      const state = instance(munchkinId);
      fieldOf(state, name);
      const { searchable } = parseInput(searchableSchema, body, 'searchable flag');
      const field = admin('searchable', () => setFieldSearchable(state, name, searchable));
      record(state.munchkinId, `${field.name} is ${searchable ? '' : 'not '}searchable`);
      return { field: field.name, searchable: field.searchable };
    },

    insertLeads(munchkinId, request) {
      const state = instance(munchkinId);
      const body = parseInput(insertLeadsSchema, request, 'leads');
      const partition = partitionByName(state, body.partition);
      if (!partition) {
        throw new ControlError(400, `partition: '${body.partition}' does not exist (known: ${state.partitions.map((p) => p.name).join(', ')})`, 'partition');
      }
      // Validate every record first, so a bad one leaves nothing half inserted.
      const records = body.leads.map((raw, i) => {
        try {
          return parseInsertRecord(state, raw);
        } catch (e) {
          if (e instanceof MarketoError) throw new ControlError(400, `leads[${i}]: ${e.reasons[0].message} (${e.reasons[0].code})`, `leads[${i}]`);
          throw e;
        }
      });
      const ctx = runtime.systemContext(body.inputSource);
      const ids = records.map((values) => insertLead(state, partition.id, values, ctx, { logActivity: body.activities }).id);
      record(state.munchkinId, `inserted ${ids.length} lead(s) into '${partition.name}'`, { firstId: ids[0], lastId: ids[ids.length - 1] });
      return { ids, partition: partition.name };
    },

    listLeads(munchkinId, query = {}) {
      const state = instance(munchkinId);
      const q = parseInput(listLeadsSchema, query, 'lead query');
      let partitionId: number | undefined;
      if (q.partition !== undefined) {
        const p = partitionByName(state, q.partition);
        if (!p) throw notFound(`partition '${q.partition}' not found in instance ${state.munchkinId}`);
        partitionId = p.id;
      }
      const emailKey = q.email === undefined ? undefined : keyOf({ dataType: 'email' }, q.email);
      const after = q.after ?? 0;
      const out: LeadView[] = [];
      let total = 0;
      let next: number | null = null;
      for (const lead of state.leads.values()) {
        if (partitionId !== undefined && lead.partitionId !== partitionId) continue;
        if (emailKey !== undefined && keyOf({ dataType: 'email' }, lead.values.email ?? null) !== emailKey) continue;
        total++;
        if (lead.id <= after) continue;
        if (out.length < q.limit) out.push(leadView(state, lead.id));
        else if (next === null) next = out[out.length - 1].id;
      }
      return { total, leads: out, next };
    },

    getOrgMapping(munchkinId) {
      return orgMappingView(instance(munchkinId));
    },

    setOrgMapping(munchkinId, request) {
      const state = instance(munchkinId);
      const body = parseInput(orgMappingSchema, request, 'org mapping');
      try {
        setOrgMapping(state, body, now());
      } catch (e) {
        if (e instanceof OrgMappingError) {
          const status = e.refusal === 'not-org-admin' || e.refusal === 'email-mismatch' ? 403 : 409;
          record(state.munchkinId, `org mapping refused (${e.refusal}): ${e.message}`);
          throw new ControlError(status, e.message, undefined, e.refusal);
        }
        throw e;
      }
      record(state.munchkinId, `mapped to IMS org ${body.imsOrgId} by ${body.marketoUser.email}`);
      return orgMappingView(state);
    },

    removeOrgMapping(munchkinId) {
      const state = instance(munchkinId);
      try {
        removeOrgMapping(state);
      } catch (e) {
        if (e instanceof OrgMappingError) throw new ControlError(409, e.message, undefined, e.refusal);
        throw e;
      }
      record(state.munchkinId, 'org mapping removed');
      return orgMappingView(state);
    },

    clock: {
      get: clockState,
      async advance(ms) {
        return control.clock.update({ advanceMs: ms });
      },
      async set(instant) {
        return control.clock.update({ set: instant });
      },
      freeze() {
        runtime.clock.freeze();
        record('*', `clock frozen at ${clockState().now}`);
        return clockState();
      },
      unfreeze() {
        runtime.clock.unfreeze();
        record('*', `clock running from ${clockState().now}`);
        return clockState();
      },
      setAutoAdvance(on) {
        if (typeof on !== 'boolean') throw new ControlError(400, 'autoAdvance: must be true or false', 'autoAdvance');
        runtime.clock.setAutoAdvance(on);
        record('*', `clock auto-advance ${on ? 'on' : 'off'}`);
        return clockState();
      },
      async update(change) {
        const c = parseInput(clockSchema, change, 'clock change');
        const clock = runtime.clock;
        const from = c.set === undefined ? clock.now() : typeof c.set === 'number' ? c.set : Date.parse(c.set);
        if (c.advanceMs !== undefined && !inClockRange(from + c.advanceMs)) {
          throw new ControlError(400, `advanceMs: ${c.advanceMs} ms from ${new Date(from).toISOString()} passes the clock's range (to 9999-12-31)`, 'advanceMs');
        }
        const before = clockState().now;
        if (c.freeze || c.frozen === true) clock.freeze();
        if (c.unfreeze || c.frozen === false) clock.unfreeze();
        if (c.set !== undefined) clock.set(c.set);
        if (c.advanceMs !== undefined) await clock.advanceAsync(c.advanceMs);
        if (c.autoAdvance !== undefined) clock.setAutoAdvance(c.autoAdvance);
        const after = clockState();
        record('*', `clock ${before} -> ${after.now}${after.frozen ? ' (frozen)' : ''}`, { change: c });
        return after;
      },
    },

    faults: {
      add(spec) {
        const body = parseInput(faultSchema, spec, 'fault');
        if (body.match.munchkinId) instance(body.match.munchkinId);
        const effect = faultEffect(body);
        const unreachable = unreachableFault(effect, body.match);
        if (unreachable) throw new ControlError(400, `${unreachable.field}: ${unreachable.message}; this fault could never fire`, unreachable.field);
        const fault = runtime.faults.add({ match: body.match, effect, times: body.times, probability: body.probability });
        record(body.match.munchkinId?.toUpperCase() ?? '*', `fault ${fault.id} added: ${effect.kind}`, { fault });
        return fault;
      },
      list() {
        return runtime.faults.list();
      },
      remove(id) {
        if (!runtime.faults.remove(id)) throw notFound(`fault ${id} not found`);
        record('*', `fault ${id} removed`);
        return { removed: 1 };
      },
      clear() {
        const removed = runtime.faults.clear();
        record('*', `${removed} fault(s) cleared`);
        return { removed };
      },
    },

    log: {
      query(filter = {}) {
        const q = parseInput(logQuerySchema, filter, 'log query');
        return runtime.log.query({ ...q, munchkinId: q.munchkinId ? instance(q.munchkinId).munchkinId : undefined });
      },
    },
  };
  return control;
}

/** Checks a service spec before anything is created: known workspaces, and a client id not used in the instance. */
function checkServiceSpec(state: InstanceState | null, spec: z.output<typeof serviceSchema>, at: string, workspaceNames: string[] = []): void {
  const prefix = at ? `${at}.` : '';
  const known = new Set(['Default', ...workspaceNames]);
  spec.workspaces?.forEach((name, i) => {
    if (!known.has(name)) {
      throw new ControlError(400, `${prefix}workspaces[${i}]: workspace '${name}' does not exist (known: ${[...known].join(', ')})`, `${prefix}workspaces[${i}]`);
    }
  });
  if (state?.services.some((s) => s.name === spec.name)) throw new ControlError(409, `${prefix}name: service '${spec.name}' already exists`, `${prefix}name`);
  if (state && spec.clientId !== undefined && serviceByClientId(state, spec.clientId)) {
    throw new ControlError(409, `${prefix}clientId: '${spec.clientId}' is already in use`, `${prefix}clientId`);
  }
}

function faultEffect(body: z.output<typeof faultSchema>): FaultEffect {
  if (body.error !== undefined) {
    const code = String(body.error);
    if (body.message === undefined && !KNOWN_REST_FAULT_CODES.includes(code) && !isIngestionCode(code)) {
      throw new ControlError(
        400,
        `error: code '${code}' has no known message; give "message" too, or use one of ${KNOWN_REST_FAULT_CODES.join(', ')} or a Data Ingestion error_code`,
        'error',
      );
    }
    return { kind: 'error', code, ...(body.message ? { message: body.message } : {}) };
  }
  if (body.httpStatus !== undefined) return { kind: 'http', status: body.httpStatus };
  if (body.latencyMs !== undefined) return { kind: 'latency', ms: body.latencyMs };
  if (body.drop) return { kind: 'drop' };
  if (body.revokeToken) return { kind: 'revokeToken' };
  const race = body.upsertRace;
  return { kind: 'upsertRace', windowMs: typeof race === 'object' && race ? race.windowMs : 1000 };
}
