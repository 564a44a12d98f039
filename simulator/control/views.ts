// What the control plane returns: copies of the state shaped for JSON (names instead of ids, counts, credentials).
import type { ApiPermission, InstanceSettings, InstanceState, LimitSettings, Partition, Service, Workspace } from '../domain/instance.js';
import { partitionById, userByEmail } from '../domain/instance.js';
import { readValue } from '../domain/leads.js';
import type { FieldValue } from '../domain/fields.js';
import type { LimitUsage } from '../http/limits.js';

export interface PartitionView extends Partition {
  /** Leads currently in the partition. */
  leads: number;
}

export interface WorkspaceView extends Omit<Workspace, 'partitionIds' | 'primaryPartitionId'> {
  partitions: string[];
  primaryPartition: string;
}

/** A LaunchPoint service with its credentials, and its API-only user's permissions and workspaces. */
export interface ServiceView extends Service {
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

export interface FieldBlocks {
  field: string;
  sources: string[];
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

const partitionName = (state: InstanceState, id: number) => partitionById(state, id)?.name ?? String(id);

export function partitionView(state: InstanceState, p: Partition): PartitionView {
  return { ...p, leads: state.index.partitionSize(p.id) };
}

export function workspaceView(state: InstanceState, w: Workspace): WorkspaceView {
  const { partitionIds, primaryPartitionId, ...rest } = w;
  return { ...rest, partitions: partitionIds.map((id) => partitionName(state, id)), primaryPartition: partitionName(state, primaryPartitionId) };
}

export function serviceView(state: InstanceState, service: Service): ServiceView {
  const permissions = new Set<ApiPermission>();
  const workspaceIds = new Set<number>();
  for (const assignment of userByEmail(state, service.userEmail)?.roles ?? []) {
    state.roles.find((r) => r.name === assignment.role)?.permissions.forEach((p) => permissions.add(p));
    assignment.workspaceIds.forEach((id) => workspaceIds.add(id));
  }
  return { ...service, permissions: [...permissions], workspaces: state.workspaces.filter((w) => workspaceIds.has(w.id)).map((w) => w.name) };
}

export function instanceDetail(state: InstanceState): InstanceDetail {
  const { name, ...settings } = structuredClone(state.settings);
  return {
    munchkinId: state.munchkinId,
    name,
    settings,
    partitions: state.partitions.map((p) => partitionView(state, p)),
    workspaces: state.workspaces.map((w) => workspaceView(state, w)),
    services: state.services.map((s) => serviceView(state, s)),
    blockedFields: state.fields.filter((f) => f.blockedSources.length > 0).map((f) => ({ field: f.name, sources: [...f.blockedSources] })),
    counts: { leads: state.leads.size, activities: state.activities.length, tokens: state.tokens.size },
  };
}

export function orgMappingView(state: InstanceState): OrgMappingView {
  const m = state.settings.orgMapping;
  return {
    munchkinId: state.munchkinId,
    imsOrgId: m?.imsOrgId ?? null,
    mappedBy: m?.mappedBy ?? null,
    mappedAt: m?.mappedAt ?? null,
    readOnly: state.settings.imsOnboarded,
    hipaaReady: state.settings.hipaaReady,
  };
}

export function leadView(state: InstanceState, id: number): LeadView {
  const lead = state.leads.get(id)!;
  return {
    id: lead.id,
    partition: partitionName(state, lead.partitionId),
    partitionId: lead.partitionId,
    createdAt: readValue(state, lead, 'createdAt') as string,
    updatedAt: readValue(state, lead, 'updatedAt') as string,
    ...lead.values,
  };
}
