// The emulator's whole state as plain JSON (snapshot API and the --data file): one versioned format, checked on the way in.
import type { FieldDef, FieldValue } from './fields.js';
import {
  createInstance,
  rebuildDerived,
  type Activity,
  type ApiUser,
  type InstanceCounters,
  type InstanceSettings,
  type InstanceState,
  type Lead,
  type Partition,
  type Role,
  type Service,
  type TokenRecord,
  type Workspace,
} from './instance.js';

export const STATE_FORMAT = 'marketo-engage-emulator-state';
export const STATE_VERSION = 1;

/** A lead as stored: `[id, partitionId, createdAt ms, updatedAt ms, values]` (tuples keep 1M-lead files small). */
export type LeadRow = [number, number, number, number, Record<string, FieldValue>];

export interface InstanceSnapshot {
  munchkinId: string;
  settings: InstanceSettings;
  partitions: Partition[];
  workspaces: Workspace[];
  roles: Role[];
  users: ApiUser[];
  services: Service[];
  fields: FieldDef[];
  counters: InstanceCounters;
  leads: LeadRow[];
  activities: Activity[];
  tokens: TokenRecord[];
}

export interface StateSnapshot {
  format: typeof STATE_FORMAT;
  version: typeof STATE_VERSION;
  /** On the emulator clock. */
  savedAt: string;
  seed: number | string;
  clock: { now: string; frozen: boolean };
  instances: InstanceSnapshot[];
}

export function snapshotInstance(state: InstanceState): InstanceSnapshot {
  const leads: LeadRow[] = [];
  for (const l of state.leads.values()) leads.push([l.id, l.partitionId, l.createdAt, l.updatedAt, l.values]);
  return {
    munchkinId: state.munchkinId,
    settings: state.settings,
    partitions: state.partitions,
    workspaces: state.workspaces,
    roles: state.roles,
    users: state.users,
    services: state.services,
    fields: state.fields,
    counters: state.counters,
    leads,
    activities: state.activities,
    tokens: [...state.tokens.values()],
  };
}

/** A snapshot refers to live objects; serialize it (JSON.stringify) before the state changes again, or clone it. */
export function snapshotState(instances: Iterable<InstanceState>, seed: number | string, clock: { now: number; frozen: boolean }): StateSnapshot {
  return {
    format: STATE_FORMAT,
    version: STATE_VERSION,
    savedAt: new Date(clock.now).toISOString(),
    seed,
    clock: { now: new Date(clock.now).toISOString(), frozen: clock.frozen },
    instances: [...instances].map(snapshotInstance),
  };
}

/** A snapshot that cannot be loaded: not this format, an unknown version, or a damaged part (named in the message). */
export class SnapshotError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'SnapshotError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function need(condition: unknown, field: string, what: string): asserts condition {
  if (!condition) throw new SnapshotError(`${field}: ${what}`, field);
}

/** Checks the envelope (format, version) and each instance's shape, and rebuilds live instances with their indexes. */
export function restoreState(data: unknown): { instances: InstanceState[]; clock: { now: number; frozen: boolean }; seed: number | string } {
  need(isObject(data), '(root)', 'a state snapshot is a JSON object');
  need(
    data.format === STATE_FORMAT,
    'format',
    `not an emulator state (expected format '${STATE_FORMAT}', found ${JSON.stringify(data.format ?? null)})`,
  );
  need(
    data.version === STATE_VERSION,
    'version',
    `unknown format version ${JSON.stringify(data.version ?? null)}; this emulator reads version ${STATE_VERSION}`,
  );
  need(isObject(data.clock) && typeof data.clock.now === 'string' && !Number.isNaN(Date.parse(data.clock.now)), 'clock.now', 'must be an ISO date');
  need(typeof data.clock.frozen === 'boolean', 'clock.frozen', 'must be true or false');
  need(Array.isArray(data.instances) && data.instances.length > 0, 'instances', 'must be a non-empty array');
  const seen = new Set<string>();
  const instances = data.instances.map((raw, i) => {
    const state = restoreInstance(raw, `instances[${i}]`);
    need(!seen.has(state.munchkinId), `instances[${i}].munchkinId`, `duplicate instance ${state.munchkinId}`);
    seen.add(state.munchkinId);
    return state;
  });
  const seed = typeof data.seed === 'number' || typeof data.seed === 'string' ? data.seed : 1;
  return { instances, clock: { now: Date.parse(data.clock.now), frozen: data.clock.frozen }, seed };
}

function restoreInstance(raw: unknown, at: string): InstanceState {
  need(isObject(raw), at, 'an instance is a JSON object');
  need(typeof raw.munchkinId === 'string' && /^\d{3}-[A-Z]{3}-\d{3}$/i.test(raw.munchkinId), `${at}.munchkinId`, 'must look like 123-ABC-456');
  for (const key of ['partitions', 'workspaces', 'roles', 'users', 'services', 'fields', 'leads', 'activities', 'tokens'] as const) {
    need(Array.isArray(raw[key]), `${at}.${key}`, 'must be an array');
  }
  need(isObject(raw.settings), `${at}.settings`, 'must be an object');
  need(isObject(raw.counters), `${at}.counters`, 'must be an object');
  for (const key of ['nextLeadId', 'nextActivityId', 'nextPartitionId', 'nextWorkspaceId', 'nextFieldId'] as const) {
    need(Number.isInteger(raw.counters[key]), `${at}.counters.${key}`, 'must be an integer');
  }
  const settings = raw.settings as Partial<InstanceSettings>;
  need(isObject(settings.limits), `${at}.settings.limits`, 'must be an object');
  const state = createInstance({ munchkinId: raw.munchkinId, settings: { ...settings, limits: settings.limits, dedupe: settings.dedupe } });
  state.partitions = checkedList<Partition>(raw.partitions, `${at}.partitions`, ['id', 'name']);
  state.workspaces = checkedList<Workspace>(raw.workspaces, `${at}.workspaces`, ['id', 'name', 'partitionIds', 'primaryPartitionId']);
  state.roles = checkedList<Role>(raw.roles, `${at}.roles`, ['name', 'permissions']);
  state.users = checkedList<ApiUser>(raw.users, `${at}.users`, ['email', 'roles']);
  state.services = checkedList<Service>(raw.services, `${at}.services`, ['name', 'clientId', 'clientSecret', 'userEmail', 'inputSource']);
  state.fields = checkedList<FieldDef>(raw.fields, `${at}.fields`, ['id', 'name', 'dataType', 'blockedSources']);
  state.activities = checkedList<Activity>(raw.activities, `${at}.activities`, ['id', 'leadId', 'activityDate', 'activityTypeId']);
  state.counters = { ...(raw.counters as unknown as InstanceCounters) };
  state.tokens = new Map(checkedList<TokenRecord>(raw.tokens, `${at}.tokens`, ['token', 'clientId', 'expiresAt']).map((t) => [t.token, t]));
  state.leads = new Map();
  (raw.leads as unknown[]).forEach((row, i) => {
    const ok =
      Array.isArray(row) &&
      row.length === 5 &&
      Number.isInteger(row[0]) &&
      Number.isInteger(row[1]) &&
      typeof row[2] === 'number' &&
      typeof row[3] === 'number' &&
      isObject(row[4]);
    need(ok, `${at}.leads[${i}]`, 'a lead is [id, partitionId, createdAt, updatedAt, {values}]');
    const [id, partitionId, createdAt, updatedAt, values] = row as LeadRow;
    need(!state.leads.has(id), `${at}.leads[${i}]`, `duplicate lead id ${id}`);
    const lead: Lead = { id, partitionId, createdAt, updatedAt, values };
    state.leads.set(id, lead);
  });
  rebuildDerived(state);
  return state;
}

function checkedList<T>(list: unknown, at: string, keys: string[]): T[] {
  (list as unknown[]).forEach((item, i) => {
    need(isObject(item), `${at}[${i}]`, 'must be an object');
    for (const key of keys) need(item[key] !== undefined, `${at}[${i}].${key}`, 'is missing');
  });
  return list as T[];
}
