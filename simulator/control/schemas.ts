// zod schemas of control-plane bodies and queries; they reuse the --config instance schemas where the shapes agree.
import { z } from 'zod';
import { imsOrgIdSchema, limitsSchema, munchkinIdSchema, partitionSchema } from '../config.js';
import { inClockRange } from '../domain/clock.js';

export {
  instanceDefinitionSchema,
  partitionSchema,
  serviceSchema,
  workspaceSchema,
} from '../config.js';

const email = z.string().trim().email('must be an email address');

export const instancePatchSchema = z
  .object({
    name: z.string().min(1).optional(),
    hipaaReady: z.boolean().optional(),
    imsOnboarded: z.boolean().optional(),
    dedupe: z.object({ partitionScoped: z.boolean() }).strict().optional(),
    limits: limitsSchema.optional(),
    tokenTtlSeconds: z.number().int().positive().optional(),
    /** Performance Tier: whether the Data Ingestion API answers for this instance. */
    dataIngestion: z.boolean().optional(),
    /** Operator override of the IMS Org ID (no Org Admin checks; null clears it). The Marketo admin path is /org-mapping. */
    imsOrgId: imsOrgIdSchema.nullable().optional(),
  })
  .strict();

/** A partition, and the workspaces that see it (default: the Default workspace, so default services reach it; [] for none). */
export const partitionCreateSchema = partitionSchema.extend({ workspaces: z.array(z.string().min(1)).optional() }).strict();

export const workspaceUpdateSchema = z
  .object({
    description: z.string().optional(),
    partitions: z.array(z.string().min(1)).min(1),
    primaryPartition: z.string().min(1).optional(),
  })
  .strict();

export const blocksSchema = z.object({ sources: z.array(z.string().trim().min(1)) }).strict();

export const searchableSchema = z.object({ searchable: z.boolean() }).strict();

export const insertLeadsSchema = z
  .object({
    partition: z.string().min(1).default('Default'),
    leads: z.array(z.record(z.string(), z.unknown())).min(1),
    /** Source Type of the New Lead activities. */
    inputSource: z.string().min(1).default('List Import'),
    /** Log a New Lead activity per lead (default true). */
    activities: z.boolean().default(true),
  })
  .strict();

const intFromQuery = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const listLeadsSchema = z
  .object({
    partition: z.string().min(1).optional(),
    email: z.string().min(1).optional(),
    /** Leads with an id greater than this (the `next` of the previous page). */
    after: intFromQuery(0, Number.MAX_SAFE_INTEGER).optional(),
    limit: intFromQuery(1, 1000).default(100),
  })
  .strict();

export const orgMappingSchema = z
  .object({
    imsOrgId: imsOrgIdSchema,
    adobeUser: z.object({ email, orgAdmin: z.boolean() }).strict(),
    marketoUser: z.object({ email }).strict(),
  })
  .strict();

export const clockSchema = z
  .object({
    advanceMs: z.number().int().nonnegative().optional(),
    set: z
      .union([z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO date'), z.number().int()])
      .refine((v) => inClockRange(typeof v === 'number' ? v : Date.parse(v)), 'must be between 1970-01-01 and 9999-12-31')
      .optional(),
    frozen: z.boolean().optional(),
    freeze: z.literal(true).optional(),
    unfreeze: z.literal(true).optional(),
    autoAdvance: z.boolean().optional(),
  })
  .strict()
  .refine((c) => Object.keys(c).length > 0, 'give advanceMs, set, freeze, unfreeze, frozen or autoAdvance')
  .refine((c) => !((c.freeze || c.frozen === true) && (c.unfreeze || c.frozen === false)), 'freeze and unfreeze together');

const faultMatchSchema = z
  .object({
    munchkinId: munchkinIdSchema.optional(),
    method: z.enum(['GET', 'POST', 'DELETE', 'get', 'post', 'delete']).optional(),
    path: z.string().startsWith('/', 'must start with /').optional(),
    clientId: z.string().min(1).optional(),
  })
  .strict();

export const FAULT_EFFECT_KEYS = ['error', 'httpStatus', 'latencyMs', 'drop', 'revokeToken', 'upsertRace'] as const;

export const faultSchema = z
  .object({
    match: faultMatchSchema.default({}),
    /** A Marketo code (`"606"`) or a Data Ingestion `error_code` (`"429001"`). */
    error: z.union([z.string().regex(/^\d{3,7}$/, 'must be a numeric error code'), z.number().int()]).optional(),
    /** Custom message for `error` (required for codes outside the known table). */
    message: z.string().min(1).optional(),
    httpStatus: z.number().int().min(500).max(599).optional(),
    latencyMs: z.number().int().positive().optional(),
    drop: z.literal(true).optional(),
    revokeToken: z.literal(true).optional(),
    upsertRace: z.union([z.literal(true), z.object({ windowMs: z.number().int().positive() }).strict()]).optional(),
    times: z.number().int().positive().nullable().optional(),
    probability: z.number().gt(0).max(1).optional(),
  })
  .strict()
  .refine((f) => FAULT_EFFECT_KEYS.filter((k) => f[k] !== undefined).length === 1, {
    message: `give exactly one of ${FAULT_EFFECT_KEYS.join(', ')}`,
  })
  .refine((f) => f.message === undefined || f.error !== undefined, { message: 'message only goes with error', path: ['message'] });

export const LOG_KINDS = ['request', 'blocked-write', 'limit', 'fault', 'deprecated', 'ingestion', 'control'] as const;

export const logQuerySchema = z
  .object({
    munchkinId: munchkinIdSchema.optional(),
    kind: z.enum(LOG_KINDS).optional(),
    clientId: z.string().min(1).optional(),
    requestId: z.string().min(1).optional(),
    after: intFromQuery(0, Number.MAX_SAFE_INTEGER).optional(),
    before: intFromQuery(1, Number.MAX_SAFE_INTEGER).optional(),
    order: z.enum(['asc', 'desc']).default('asc'),
    limit: intFromQuery(1, 1000).default(100),
  })
  .strict();

export type PartitionCreate = z.input<typeof partitionCreateSchema>;
export type InstancePatch = z.input<typeof instancePatchSchema>;
export type WorkspaceUpdate = z.input<typeof workspaceUpdateSchema>;
export type InsertLeadsRequest = z.input<typeof insertLeadsSchema>;
export type ListLeadsQuery = z.input<typeof listLeadsSchema>;
export type OrgMappingBody = z.input<typeof orgMappingSchema>;
export type ClockChange = z.input<typeof clockSchema>;
export type FaultSpec = z.input<typeof faultSchema>;
export type LogQuery = z.input<typeof logQuerySchema>;
