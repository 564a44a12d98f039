// The emulator's whole state as plain JSON (snapshot API and the --data file): one versioned format, checked on the way in.
import { z } from 'zod';
import { inClockRange } from './clock.js';
import { limitsShape } from '../config.js';
import type { FieldValue } from './fields.js';
import {
  API_PERMISSIONS,
  createInstance,
  DEFAULT_PARTITION_ID,
  MUNCHKIN_ID_RE,
  rebuildDerived,
  type Activity,
  type InstanceState,
  type Lead,
  type TokenRecord,
} from './instance.js';

export const STATE_FORMAT = 'marketo-engage-emulator-state';
export const STATE_VERSION = 1;

/** A lead as stored: `[id, partitionId, createdAt ms, updatedAt ms, values]` (tuples keep 1M-lead files small). */
export type LeadRow = [number, number, number, number, Record<string, FieldValue>];

/** An instance as stored: its state without the derived lookups, leads as rows and tokens as a list. */
export type InstanceSnapshot = Omit<InstanceState, 'leads' | 'tokens' | 'fieldByName' | 'index'> & {
  leads: LeadRow[];
  tokens: TokenRecord[];
};

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
  const { leads: live, tokens, fieldByName: _fields, index: _index, ...rest } = state;
  const leads: LeadRow[] = [];
  for (const l of live.values()) leads.push([l.id, l.partitionId, l.createdAt, l.updatedAt, l.values]);
  return { ...rest, leads, tokens: [...tokens.values()] };
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

const id = z.number().int().positive();
const ms = z.number().refine(inClockRange, 'must be a time between 1970 and 9999 (ms)');
const fieldValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

// Entity schemas check the keys the emulator reads and keep any others (looseObject), so a property added to a
// type later is not lost on a round trip; `satisfies` makes a required property missing here a compile error.
const partitionSchema = z.looseObject({ id, name: z.string().min(1), description: z.string() });
const workspaceSchema = z.looseObject({ id, name: z.string().min(1), description: z.string(), partitionIds: z.array(id), primaryPartitionId: id });
const roleSchema = z.looseObject({ name: z.string().min(1), permissions: z.array(z.enum(API_PERMISSIONS)) });
const userSchema = z.looseObject({
  email: z.string().min(1),
  apiOnly: z.boolean(),
  roles: z.array(z.looseObject({ role: z.string(), workspaceIds: z.array(id) })),
});
const serviceSchema = z.looseObject({
  name: z.string().min(1),
  description: z.string(),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  userEmail: z.string().min(1),
  inputSource: z.string().min(1),
});
const fieldSchema = z.looseObject({
  id,
  name: z.string().min(1),
  displayName: z.string(),
  dataType: z.enum(['string', 'text', 'email', 'url', 'phone', 'integer', 'float', 'currency', 'percent', 'boolean', 'date', 'datetime', 'reference', 'lead_function']),
  length: z.number().int().nonnegative().optional(),
  description: z.string().nullable(),
  readOnly: z.boolean(),
  searchable: z.boolean(),
  crmManaged: z.boolean(),
  isCustom: z.boolean(),
  isApiCreated: z.boolean(),
  isHidden: z.boolean(),
  isHtmlEncodingInEmail: z.boolean(),
  isSensitive: z.boolean(),
  blockedSources: z.array(z.string()),
});
const tokenSchema = z.looseObject({ token: z.string().min(1), clientId: z.string(), issuedAt: z.number(), expiresAt: z.number(), revoked: z.boolean() });
const countersSchema = z.object({ nextLeadId: id, nextActivityId: id, nextPartitionId: id, nextWorkspaceId: id, nextFieldId: id });
const limitsSchema = z.object(limitsShape).partial();
/** Settings missing from an older file take their defaults. */
const settingsSchema = z
  .object({
    name: z.string(),
    hipaaReady: z.boolean(),
    imsOnboarded: z.boolean(),
    dedupe: z.object({ partitionScoped: z.boolean() }),
    limits: limitsSchema,
    orgMapping: z.object({ imsOrgId: z.string().min(1), mappedBy: z.string(), mappedAt: z.string() }).nullable(),
    tokenPod: z.string().min(1),
    tokenTtlSeconds: z.number().int().positive(),
    dataIngestion: z.boolean(),
  })
  .partial();

/** Everything of an instance but its leads and activities, which are checked by hand (there may be millions). */
const instanceSchema = z.object({
  munchkinId: z.string().regex(MUNCHKIN_ID_RE, 'must look like 123-ABC-456'),
  settings: settingsSchema,
  partitions: z.array(partitionSchema).min(1),
  workspaces: z.array(workspaceSchema),
  roles: z.array(roleSchema),
  users: z.array(userSchema),
  services: z.array(serviceSchema),
  fields: z.array(fieldSchema).min(1),
  counters: countersSchema,
  leads: z.array(z.unknown()),
  activities: z.array(z.unknown()),
  tokens: z.array(tokenSchema),
}) satisfies z.ZodType<Omit<InstanceSnapshot, 'settings' | 'leads' | 'activities'> & { leads: unknown[]; activities: unknown[] }>;

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
  const now = isObject(data.clock) && typeof data.clock.now === 'string' ? Date.parse(data.clock.now) : NaN;
  need(inClockRange(now), 'clock.now', 'must be an ISO date between 1970 and 9999');
  need(isObject(data.clock) && typeof data.clock.frozen === 'boolean', 'clock.frozen', 'must be true or false');
  need(Array.isArray(data.instances) && data.instances.length > 0, 'instances', 'must be a non-empty array');
  const seen = new Set<string>();
  const instances = data.instances.map((raw, i) => {
    const state = restoreInstance(raw, `instances[${i}]`);
    need(!seen.has(state.munchkinId), `instances[${i}].munchkinId`, `duplicate instance ${state.munchkinId}`);
    seen.add(state.munchkinId);
    return state;
  });
  const seed = typeof data.seed === 'number' || typeof data.seed === 'string' ? data.seed : 1;
  return { instances, clock: { now, frozen: data.clock.frozen as boolean }, seed };
}

function restoreInstance(raw: unknown, at: string): InstanceState {
  const parsed = instanceSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : `${acc}.${String(key)}`), at);
    throw new SnapshotError(`${field}: ${issue.message}`, field);
  }
  const s = parsed.data;
  const state = createInstance({ munchkinId: s.munchkinId, settings: s.settings });
  Object.assign(state, {
    partitions: s.partitions,
    workspaces: s.workspaces,
    roles: s.roles,
    users: s.users,
    services: s.services,
    fields: s.fields,
    counters: s.counters,
    tokens: new Map(s.tokens.map((t) => [t.token, t])),
  });
  checkReferences(state, at);
  state.leads = restoreLeads(state, s.leads, at);
  state.activities = restoreActivities(state, s.activities, at);
  rebuildDerived(state);
  return state;
}

/** Names are unique, ids point at things that exist, and counters are past every id in use (or new ids would collide). */
function checkReferences(state: InstanceState, at: string): void {
  const unique = <T>(list: T[], key: (item: T) => string | number, where: string, what: string) => {
    const seen = new Set<string | number>();
    list.forEach((item, i) => {
      const k = key(item);
      need(!seen.has(k), `${at}.${where}[${i}]`, `duplicate ${what} ${JSON.stringify(k)}`);
      seen.add(k);
    });
  };
  unique(state.partitions, (p) => p.id, 'partitions', 'partition id');
  unique(state.partitions, (p) => p.name, 'partitions', 'partition name');
  unique(state.workspaces, (w) => w.id, 'workspaces', 'workspace id');
  unique(state.workspaces, (w) => w.name, 'workspaces', 'workspace name');
  unique(state.roles, (r) => r.name, 'roles', 'role');
  unique(state.users, (u) => u.email, 'users', 'user');
  unique(state.services, (s) => s.clientId, 'services', 'client id');
  unique(state.fields, (f) => f.name, 'fields', 'field name');
  unique(state.fields, (f) => f.id, 'fields', 'field id');
  const partitions = new Set(state.partitions.map((p) => p.id));
  const workspaces = new Set(state.workspaces.map((w) => w.id));
  const roles = new Set(state.roles.map((r) => r.name));
  const users = new Set(state.users.map((u) => u.email));
  need(partitions.has(DEFAULT_PARTITION_ID), `${at}.partitions`, `the Default partition (id ${DEFAULT_PARTITION_ID}) is missing`);
  state.workspaces.forEach((w, i) => {
    w.partitionIds.forEach((p, j) => need(partitions.has(p), `${at}.workspaces[${i}].partitionIds[${j}]`, `no partition with id ${p}`));
    need(w.partitionIds.includes(w.primaryPartitionId), `${at}.workspaces[${i}].primaryPartitionId`, 'must be one of the workspace\'s partitionIds');
  });
  state.users.forEach((u, i) =>
    u.roles.forEach((r, j) => {
      need(roles.has(r.role), `${at}.users[${i}].roles[${j}].role`, `no role named '${r.role}'`);
      r.workspaceIds.forEach((w, k) => need(workspaces.has(w), `${at}.users[${i}].roles[${j}].workspaceIds[${k}]`, `no workspace with id ${w}`));
    }),
  );
  state.services.forEach((s, i) => need(users.has(s.userEmail), `${at}.services[${i}].userEmail`, `no user '${s.userEmail}'`));
  const past = (key: keyof InstanceState['counters'], ids: number[]) => {
    const max = ids.reduce((m, x) => Math.max(m, x), 0);
    need(state.counters[key] > max, `${at}.counters.${key}`, `must be greater than ${max}, the highest id in use`);
  };
  past('nextPartitionId', [...partitions]);
  past('nextWorkspaceId', [...workspaces]);
  past('nextFieldId', state.fields.map((f) => f.id));
}

function restoreLeads(state: InstanceState, rows: unknown[], at: string): Map<number, Lead> {
  const partitions = new Set(state.partitions.map((p) => p.id));
  const fields = new Set(state.fields.map((f) => f.name));
  const leads = new Map<number, Lead>();
  let maxId = 0;
  rows.forEach((row, i) => {
    const where = `${at}.leads[${i}]`;
    const ok =
      Array.isArray(row) &&
      row.length === 5 &&
      Number.isInteger(row[0]) &&
      row[0] > 0 &&
      Number.isInteger(row[1]) &&
      inClockRange(row[2]) &&
      inClockRange(row[3]) &&
      isObject(row[4]);
    need(ok, where, 'a lead is [id, partitionId, createdAt ms, updatedAt ms, {values}]');
    const [leadId, partitionId, createdAt, updatedAt, values] = row as LeadRow;
    need(!leads.has(leadId), where, `duplicate lead id ${leadId}`);
    need(partitions.has(partitionId), `${where}[1]`, `no partition with id ${partitionId}`);
    for (const [name, value] of Object.entries(values)) {
      need(fields.has(name), `${where}[4].${name}`, 'no such field');
      need(value === null || ['string', 'number', 'boolean'].includes(typeof value), `${where}[4].${name}`, 'must be a string, number, boolean or null');
    }
    leads.set(leadId, { id: leadId, partitionId, createdAt, updatedAt, values });
    maxId = Math.max(maxId, leadId);
  });
  need(state.counters.nextLeadId > maxId, `${at}.counters.nextLeadId`, `must be greater than ${maxId}, the highest lead id in use`);
  return leads;
}

function restoreActivities(state: InstanceState, list: unknown[], at: string): Activity[] {
  let maxId = 0;
  list.forEach((a, i) => {
    const ok =
      isObject(a) &&
      Number.isInteger(a.id) &&
      Number.isInteger(a.leadId) &&
      Number.isInteger(a.activityTypeId) &&
      inClockRange(a.activityDate as number) &&
      Array.isArray(a.attributes);
    need(ok, `${at}.activities[${i}]`, 'an activity has integer id, leadId and activityTypeId, an activityDate (ms) and attributes');
    maxId = Math.max(maxId, a.id as number);
  });
  need(state.counters.nextActivityId > maxId, `${at}.counters.nextActivityId`, `must be greater than ${maxId}, the highest activity id in use`);
  return list as Activity[];
}
