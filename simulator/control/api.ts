// The in-process control API: every /__sim route is a thin wrapper over one of these methods (implemented per resource beside it).
import type { z } from 'zod';
import type { Runtime } from '../runtime.js';
import type { ClockState } from '../domain/clock.js';
import type { LogPage } from '../domain/inspection-log.js';
import type { Fault } from '../domain/faults.js';
import type { StateSnapshot } from '../domain/snapshot.js';
import type {
  ClockChange,
  FaultSpec,
  InsertLeadsRequest,
  InstancePatch,
  ListLeadsQuery,
  LogQuery,
  OrgMappingBody,
  PartitionCreate,
  WorkspaceUpdate,
  instanceDefinitionSchema,
  serviceSchema,
  workspaceSchema,
} from './schemas.js';
import { logQuerySchema } from './schemas.js';
import type { FieldBlocks, InstanceDetail, InstanceSummary, LeadList, LimitsView, OrgMappingView, PartitionView, ServiceView, WorkspaceView } from './views.js';
import { controlContext } from './context.js';
import { parseInput } from './errors.js';
import { instanceControl } from './instances.js';
import { adminControl } from './admin.js';
import { leadControl } from './leads.js';
import { clockControl } from './clock.js';
import { faultControl } from './faults.js';

export { ControlError } from './errors.js';
export type { ClockChange, FaultSpec, InsertLeadsRequest, InstancePatch, ListLeadsQuery, LogQuery, OrgMappingBody, WorkspaceUpdate };
export type { StateSnapshot } from '../domain/snapshot.js';
export type * from './views.js';
export type InstanceDefinitionInput = z.input<typeof instanceDefinitionSchema>;
export type PartitionSpec = PartitionCreate;
export type WorkspaceSpec = z.input<typeof workspaceSchema>;
export type ServiceSpec = z.input<typeof serviceSchema>;

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
  /** The same document as JSON text in chunks (what GET /__sim/snapshot sends): a state past V8's ~512 MB string limit still goes out. */
  snapshotText(): string[];
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

export function createControl(runtime: Runtime): Control {
  const ctx = controlContext(runtime);
  return {
    ...instanceControl(ctx),
    ...adminControl(ctx),
    ...leadControl(ctx),
    clock: clockControl(ctx),
    faults: faultControl(ctx),
    log: {
      query(filter = {}) {
        const q = parseInput(logQuerySchema, filter, 'log query');
        return structuredClone(runtime.log.query({ ...q, munchkinId: q.munchkinId ? ctx.instance(q.munchkinId).munchkinId : undefined }));
      },
    },
  };
}
