// One Marketo instance: its settings, partitions, workspaces, API users and services, field schema, leads and activities.
import { LeadIndex } from './lead-index.js';
import { keyOf, standardFields, type FieldDef, type FieldValue } from './fields.js';
import type { Random } from './random.js';

export const DEFAULT_PARTITION_ID = 1;
export const DEFAULT_WORKSPACE_ID = 1;
export const WEB_SERVICE_API = 'Web service API';
export const ADOBE_EXPERIENCE_PLATFORM = 'Adobe Experience Platform';
export const MUNCHKIN_ID_RE = /^\d{3}-[A-Z]{3}-\d{3}$/i;

export interface Partition {
  id: number;
  name: string;
  description: string;
}

export interface Workspace {
  id: number;
  name: string;
  description: string;
  partitionIds: number[];
  primaryPartitionId: number;
}

/** Access API permissions, as Marketo's role editor names them. */
export const API_PERMISSIONS = [
  'Read-Only Person',
  'Read-Write Person',
  'Read-Only Activity',
  'Read-Write Activity',
  'Read-Write Schema Standard Field',
  'Read-Write Schema Custom Field',
  'Read-Only Assets',
  'Read-Write Assets',
  'Read-Only Campaigns',
  'Read-Write Campaigns',
  'Read-Only Company',
  'Read-Write Company',
  'Read-Only Custom Object',
  'Read-Write Custom Object',
  'Read-Only Opportunity',
  'Read-Write Opportunity',
  'Read-Only Named Account',
  'Read-Write Named Account',
  'Read-Only Sales Person',
  'Read-Write Sales Person',
  'Access Adobe Organization Mapping',
] as const;
export type ApiPermission = (typeof API_PERMISSIONS)[number];

/** Older names still used by clients and docs ("Lead" became "Person" in the role editor). */
export const PERMISSION_ALIASES: Record<string, ApiPermission> = {
  'Read-Only Lead': 'Read-Only Person',
  'Read-Write Lead': 'Read-Write Person',
};

export interface Role {
  name: string;
  permissions: ApiPermission[];
}

/** An API-only user: each role assignment applies in the listed workspaces. */
export interface ApiUser {
  email: string;
  apiOnly: boolean;
  roles: { role: string; workspaceIds: number[] }[];
}

/** A LaunchPoint custom service: the client id/secret a program authenticates with, owned by one API-only user. */
export interface Service {
  name: string;
  description: string;
  clientId: string;
  clientSecret: string;
  userEmail: string;
  /** Block Field Updates and activity Source/Reason use this label. */
  inputSource: string;
}

export interface LimitSettings {
  enabled: boolean;
  /** Calls per rolling window (606). */
  ratePer20s: number;
  rateWindowSeconds: number;
  /** Calls in flight at once (615). */
  concurrent: number;
  /** Calls per day, reset at 00:00 America/Chicago (607). */
  dailyQuota: number;
  maxBatchSize: number;
  maxBodyBytes: number;
  maxUriBytes: number;
}

export interface OrgMapping {
  imsOrgId: string;
  mappedBy: string;
  mappedAt: string;
}

export interface InstanceSettings {
  name: string;
  /** A HIPAA-ready deployment refuses Adobe Organization Mapping and so the AEP integrations. */
  hipaaReady: boolean;
  /** Onboarded to the Adobe identity system: the IMS Org ID is populated and read-only. */
  imsOnboarded: boolean;
  dedupe: { partitionScoped: boolean };
  limits: LimitSettings;
  orgMapping: OrgMapping | null;
  /** Suffix of access tokens (`<uuid>:<pod>`), e.g. `sj`, `ab`, `int`. */
  tokenPod: string;
  tokenTtlSeconds: number;
  /** Whether the Data Ingestion API (Performance Tier) is enabled. */
  dataIngestion: boolean;
}

export interface Lead {
  id: number;
  partitionId: number;
  createdAt: number;
  updatedAt: number;
  values: Record<string, FieldValue>;
}

export interface ActivityAttribute {
  name: string;
  value: FieldValue;
}

export interface ChangedField {
  id: number;
  name: string;
  newValue: FieldValue;
  oldValue: FieldValue;
}

export interface Activity {
  id: number;
  leadId: number;
  /** The lead's partition when the activity was written: who may read the activities of a lead deleted since. */
  partitionId?: number;
  activityDate: number;
  activityTypeId: number;
  primaryAttributeValueId?: number;
  primaryAttributeValue?: string;
  /** Read-only: New Lead activities of one write share one array. */
  attributes: readonly ActivityAttribute[];
  /** Lead-change detail (Change Data Value; `[]` for New Lead). */
  fields?: readonly ChangedField[];
}

export interface TokenRecord {
  token: string;
  clientId: string;
  issuedAt: number;
  expiresAt: number;
  revoked: boolean;
}

export interface InstanceCounters {
  nextLeadId: number;
  nextActivityId: number;
  nextPartitionId: number;
  nextWorkspaceId: number;
  nextFieldId: number;
}

export interface InstanceState {
  munchkinId: string;
  settings: InstanceSettings;
  partitions: Partition[];
  workspaces: Workspace[];
  roles: Role[];
  users: ApiUser[];
  services: Service[];
  fields: FieldDef[];
  leads: Map<number, Lead>;
  activities: Activity[];
  tokens: Map<string, TokenRecord>;
  counters: InstanceCounters;
  /** Derived: rebuilt from `fields` and `leads`, never persisted. */
  fieldByName: Map<string, FieldDef>;
  index: LeadIndex;
}

export const DEFAULT_LIMITS: LimitSettings = {
  enabled: true,
  ratePer20s: 100,
  rateWindowSeconds: 20,
  concurrent: 10,
  dailyQuota: 50_000,
  maxBatchSize: 300,
  maxBodyBytes: 1024 * 1024,
  maxUriBytes: 8 * 1024,
};

export interface ServiceSpec {
  name: string;
  description?: string;
  clientId?: string;
  clientSecret?: string;
  userEmail?: string;
  inputSource?: string;
  permissions?: ApiPermission[];
  /** Workspace names; default: every workspace. */
  workspaces?: string[];
}

export interface InstanceSpec {
  munchkinId: string;
  name?: string;
  settings?: Partial<Omit<InstanceSettings, 'limits' | 'dedupe'>> & {
    limits?: Partial<LimitSettings>;
    dedupe?: Partial<InstanceSettings['dedupe']>;
  };
}

/** A new instance with Marketo's starting state: the Default partition and workspace and the standard schema; no services yet. */
export function createInstance(spec: InstanceSpec): InstanceState {
  const munchkinId = spec.munchkinId.toUpperCase();
  const s = spec.settings ?? {};
  const settings: InstanceSettings = {
    name: s.name ?? spec.name ?? munchkinId,
    hipaaReady: s.hipaaReady ?? false,
    imsOnboarded: s.imsOnboarded ?? false,
    dedupe: { partitionScoped: s.dedupe?.partitionScoped ?? false },
    limits: { ...DEFAULT_LIMITS, ...s.limits },
    orgMapping: s.orgMapping ?? null,
    tokenPod: s.tokenPod ?? 'sj',
    tokenTtlSeconds: s.tokenTtlSeconds ?? 3600,
    dataIngestion: s.dataIngestion ?? true,
  };
  const fields = standardFields();
  const state: InstanceState = {
    munchkinId,
    settings,
    partitions: [{ id: DEFAULT_PARTITION_ID, name: 'Default', description: 'Initial system lead partition' }],
    workspaces: [
      {
        id: DEFAULT_WORKSPACE_ID,
        name: 'Default',
        description: 'Initial system workspace',
        partitionIds: [DEFAULT_PARTITION_ID],
        primaryPartitionId: DEFAULT_PARTITION_ID,
      },
    ],
    roles: [],
    users: [],
    services: [],
    fields,
    leads: new Map(),
    activities: [],
    tokens: new Map(),
    counters: {
      nextLeadId: 1,
      nextActivityId: 1,
      nextPartitionId: DEFAULT_PARTITION_ID + 1,
      nextWorkspaceId: DEFAULT_WORKSPACE_ID + 1,
      nextFieldId: Math.max(...fields.map((f) => f.id)) + 1,
    },
    fieldByName: new Map(),
    index: new LeadIndex(),
  };
  rebuildDerived(state);
  return state;
}

/** Rebuilds the field lookup and every index from the stored fields and leads (after load or schema change). */
export function rebuildDerived(state: InstanceState): void {
  state.fieldByName = new Map(state.fields.map((f) => [f.name, f]));
  state.index = new LeadIndex();
  for (const field of state.fields) if (field.searchable) state.index.ensureField(field.name);
  for (const lead of state.leads.values()) indexLead(state, lead);
}

/** Starts or stops indexing a field after its `searchable` flag changed. */
export function reindexField(state: InstanceState, field: FieldDef): void {
  if (!field.searchable) {
    state.index.dropField(field.name);
    return;
  }
  if (!state.index.ensureField(field.name)) return;
  for (const lead of state.leads.values()) state.index.add(field.name, keyOf(field, lead.values[field.name]), lead.id);
}

export function indexLead(state: InstanceState, lead: Lead): void {
  state.index.addToPartition(lead.partitionId, lead.id);
  for (const [name, value] of Object.entries(lead.values)) {
    const field = state.fieldByName.get(name);
    if (field?.searchable) state.index.add(name, keyOf(field, value), lead.id);
  }
}

export function unindexLead(state: InstanceState, lead: Lead): void {
  state.index.removeFromPartition(lead.partitionId, lead.id);
  for (const [name, value] of Object.entries(lead.values)) {
    const field = state.fieldByName.get(name);
    if (field?.searchable) state.index.remove(name, keyOf(field, value), lead.id);
  }
}

export function partitionById(state: InstanceState, id: number): Partition | undefined {
  return state.partitions.find((p) => p.id === id);
}

export function partitionByName(state: InstanceState, name: string): Partition | undefined {
  return state.partitions.find((p) => p.name === name);
}

export function workspaceByName(state: InstanceState, name: string): Workspace | undefined {
  return state.workspaces.find((w) => w.name === name);
}

export function serviceByClientId(state: InstanceState, clientId: string): Service | undefined {
  return state.services.find((s) => s.clientId === clientId);
}

export function userByEmail(state: InstanceState, email: string): ApiUser | undefined {
  return state.users.find((u) => u.email === email);
}

export function normalizePermission(name: string): ApiPermission | undefined {
  if ((API_PERMISSIONS as readonly string[]).includes(name)) return name as ApiPermission;
  return PERMISSION_ALIASES[name];
}

/** Creates a LaunchPoint service, its API-only user and that user's role; returns the service with its credentials. */
export function addService(state: InstanceState, spec: ServiceSpec, random: Random): Service {
  const slug = spec.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'service';
  const userEmail = spec.userEmail ?? `${slug}@${state.munchkinId.toLowerCase()}.api`;
  const permissions = spec.permissions ?? [...API_PERMISSIONS];
  const workspaceIds = (spec.workspaces ?? state.workspaces.map((w) => w.name)).map((name) => {
    const ws = workspaceByName(state, name);
    if (!ws) throw new Error(`workspace '${name}' does not exist`);
    return ws.id;
  });
  const roleName = `${spec.name} role`;
  state.roles = state.roles.filter((r) => r.name !== roleName);
  state.roles.push({ name: roleName, permissions: [...new Set(permissions)] });
  let user = userByEmail(state, userEmail);
  if (!user) {
    user = { email: userEmail, apiOnly: true, roles: [] };
    state.users.push(user);
  }
  user.roles = user.roles.filter((r) => r.role !== roleName);
  user.roles.push({ role: roleName, workspaceIds });
  const service: Service = {
    name: spec.name,
    description: spec.description ?? '',
    clientId: spec.clientId ?? random.uuid(),
    clientSecret: spec.clientSecret ?? random.alphanumeric(32),
    userEmail,
    inputSource: spec.inputSource ?? WEB_SERVICE_API,
  };
  if (serviceByClientId(state, service.clientId)) throw new Error(`client id '${service.clientId}' is already in use`);
  state.services.push(service);
  return service;
}

/** The workspaces in which the service's user holds `permission` (any of them, if several are given). */
export function workspacesWith(state: InstanceState, service: Service, permissions: readonly ApiPermission[]): Workspace[] {
  const user = userByEmail(state, service.userEmail);
  if (!user) return [];
  const ids = new Set<number>();
  for (const assignment of user.roles) {
    const role = state.roles.find((r) => r.name === assignment.role);
    if (!role || !role.permissions.some((p) => permissions.includes(p))) continue;
    for (const id of assignment.workspaceIds) ids.add(id);
  }
  return state.workspaces.filter((w) => ids.has(w.id));
}

export function hasPermission(state: InstanceState, service: Service, permissions: readonly ApiPermission[]): boolean {
  return workspacesWith(state, service, permissions).length > 0;
}

/** Partition ids reachable by the service's user for reading (`read`) or writing (`write`) persons. */
export function accessiblePartitions(state: InstanceState, service: Service, mode: 'read' | 'write'): Set<number> {
  return partitionsWith(state, service, mode === 'write' ? ['Read-Write Person'] : ['Read-Only Person', 'Read-Write Person']);
}

/** Partition ids of the workspaces in which the service's user holds any of `permissions`. */
export function partitionsWith(state: InstanceState, service: Service, permissions: readonly ApiPermission[]): Set<number> {
  const ids = new Set<number>();
  for (const ws of workspacesWith(state, service, permissions)) for (const id of ws.partitionIds) ids.add(id);
  return ids;
}
