// The scenario file format: a zod schema for one scenario or a suite of them; scenario.schema.json is generated from it.
import { z } from 'zod';
import { ruleSchema } from '../../connector/aep/audiences.js';
import { AEP_PERMISSIONS, EXPORTABLE_XDM_TYPES, REFUSED_XDM_TYPES } from '../../connector/config.js';
import {
  customFieldSchema,
  imsOrgIdSchema,
  limitsSchema,
  munchkinIdSchema,
  partitionSchema,
  serviceSchema,
  workspaceSchema,
} from '../../simulator/config.js';

export const DEFAULT_MUNCHKIN_ID = '123-ABC-456';
export const DEFAULT_START = '2026-11-02T15:00:00Z';

/** `90s`, `15m`, `2h`, `1d`, `1h30m`, `500ms`, or a number of milliseconds. */
export const DURATION_RE = /^(\d+(ms|s|m|h|d))+$/;

const text = z.string().min(1);
export const fieldValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const fieldValues = z.record(z.string(), fieldValueSchema);
const isoInstant = z.iso.datetime({ offset: true }).describe('an ISO 8601 instant, e.g. 2026-11-02T15:00:00Z');
const duration = z
  .union([z.number().int().nonnegative(), z.string().regex(DURATION_RE, 'a duration looks like 90s, 15m, 2h, 1d, 1h30m or 500ms')])
  .describe('a duration: 90s, 15m, 2h, 1d, 1h30m, 500ms, or milliseconds');

/** Exactly one of the listed keys must be present (steps, lead specs): the error names the keys present. */
function exactlyOne<T extends z.ZodObject>(schema: T, keys: readonly string[], what: string) {
  return schema.superRefine((value, ctx) => {
    const present = keys.filter((k) => (value as Record<string, unknown>)[k] !== undefined);
    if (present.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: present.length === 0 ? `${what} needs one of: ${keys.join(', ')}` : `${what} has ${present.join(' and ')}; give exactly one`,
      });
    }
  });
}

// ---------------------------------------------------------------- given

const leadSpecSchema = z
  .object({
    partition: text.optional().describe('partition name (default: Default)'),
    values: fieldValues.optional().describe('one lead with these field values'),
    generate: z.number().int().positive().max(10_000).optional().describe('this many faker leads (seeded); `values` then overrides fields of each'),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.values === undefined && v.generate === undefined) ctx.addIssue({ code: 'custom', message: 'a lead entry needs `values` or `generate`' });
  });

export const instanceSpecSchema = z
  .object({
    munchkinId: munchkinIdSchema.optional().describe(`Munchkin ID (default ${DEFAULT_MUNCHKIN_ID})`),
    name: z.string().optional(),
    hipaaReady: z.boolean().optional().describe('a HIPAA-ready instance cannot use the AEP integrations'),
    imsOnboarded: z.boolean().optional(),
    imsOrgId: imsOrgIdSchema.nullable().optional().describe(`Adobe Organization Mapping (default ${'${'}DEFAULT_IMS_ORG_ID}; null: not mapped)`),
    dedupe: z.object({ partitionScoped: z.boolean() }).strict().optional().describe('partitionScoped: the partition is part of the dedupe rule'),
    limits: limitsSchema.optional(),
    tokenTtlSeconds: z.number().int().positive().optional(),
    partitions: z.array(partitionSchema).optional(),
    workspaces: z.array(workspaceSchema).optional(),
    services: z
      .array(serviceSchema)
      .optional()
      .describe("LaunchPoint services with permissions, workspaces and input source (default: one with every permission, 'Adobe Experience Platform' when the destination syncs here)"),
    fields: z.array(customFieldSchema).optional().describe('custom lead fields'),
    blocks: z.record(z.string(), z.array(text)).optional().describe('Block Field Updates: field name -> blocked input sources'),
    searchable: z.record(z.string(), z.boolean()).optional().describe('fields made searchable (or not) beyond the default set'),
    leads: z.array(leadSpecSchema).optional().describe('existing leads, per partition'),
  })
  .strict()
  .meta({ id: 'Instance' });

export const FAULT_KINDS = ['error', 'http', 'latency', 'drop', 'revokeToken', 'upsertRace'] as const;

export const faultSpecSchema = z
  .object({
    id: text.optional().describe('a name to clear this fault by'),
    kind: z
      .enum(FAULT_KINDS)
      .describe('error: a Marketo error code; http: an HTTP status; latency; drop: the connection is dropped; revokeToken: the caller\'s tokens are revoked; upsertRace: concurrent upserts with one key all create'),
    instance: munchkinIdSchema.optional(),
    code: z.string().regex(/^\d{3,7}$/).optional().describe('for kind error: the Marketo code, e.g. "604", "606", "611"'),
    message: z.string().optional().describe('for kind error: the message (needed for codes the emulator has no message for)'),
    status: z.number().int().min(500).max(599).optional().describe('for kind http: the HTTP status, e.g. 502, 503'),
    ms: z.number().int().nonnegative().optional().describe('for kind latency: virtual milliseconds before the call is served'),
    windowMs: z.number().int().positive().optional().describe('for kind upsertRace: virtual milliseconds between the lookup and the write'),
    method: z.enum(['GET', 'POST', 'DELETE']).optional(),
    path: text.optional().describe('only calls to this path (* matches anything), e.g. /rest/v1/leads.json'),
    service: text.optional().describe('only calls made with this service\'s credentials'),
    times: z.number().int().positive().optional().describe('fire on this many calls (default: once; probabilistic faults and upsertRace: until cleared)'),
    probability: z.number().gt(0).max(1).optional().describe('fire on each matching call with this probability (seeded)'),
  })
  .strict()
  .superRefine((f, ctx) => {
    const need: Record<(typeof FAULT_KINDS)[number], string | undefined> = { error: 'code', http: 'status', latency: 'ms', drop: undefined, revokeToken: undefined, upsertRace: 'windowMs' };
    const key = need[f.kind];
    if (key && (f as Record<string, unknown>)[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `a fault of kind ${f.kind} needs \`${key}\`` });
  })
  .meta({ id: 'Fault' });

export const DEFAULT_IMS_ORG_ID = '1231659F56A68A8B7F000101@AdobeOrg';

export const profileSpecSchema = z
  .object({
    id: text.optional().describe('a name for the profile in this scenario (default: its emails); in a step, an id alone changes the profile named so earlier'),
    email: z.union([text, z.array(text).min(1)]).optional().describe('its Email identities'),
    primaryEmail: text.optional().describe('which of its emails is marked primary'),
    identities: z.record(z.string(), z.array(text).min(1)).optional().describe('identities in other namespaces, e.g. crmId: [C-1]'),
    attributes: z.record(z.string(), z.unknown()).optional().describe('XDM attributes, nested or by dotted path, e.g. person.name.firstName: Ann'),
    generate: z
      .number()
      .int()
      .positive()
      .max(10_000)
      .optional()
      .describe('this many seeded faker profiles (email, person.name.firstName/lastName, organization.name) with `attributes` added to each'),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.generate !== undefined) {
      for (const key of ['id', 'email', 'primaryEmail', 'identities'] as const) {
        if (p[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `generated profiles get their own ${key}; remove it or drop generate` });
      }
      return;
    }
    if (p.email === undefined && p.id === undefined) {
      ctx.addIssue({ code: 'custom', message: p.identities === undefined ? 'a profile needs an email, another identity or the id of a profile named earlier' : 'a profile without an email needs an id' });
    }
    if (p.primaryEmail !== undefined && ![p.email ?? []].flat().includes(p.primaryEmail)) {
      ctx.addIssue({ code: 'custom', path: ['primaryEmail'], message: "primaryEmail must be one of the profile's emails" });
    }
  })
  .meta({ id: 'Profile' });

export const audienceSpecSchema = z
  .object({
    id: text,
    name: z.string().optional(),
    rule: ruleSchema.describe('Segmentation Service rule on profile attributes: {attribute, equals|notEquals|in|exists|contains|gt|gte|lt|lte} or {all: [...]} / {any: [...]}'),
  })
  .strict();

export const givenSchema = z
  .object({
    clock: z.object({ start: isoInstant.optional() }).strict().optional().describe(`virtual time start (default ${DEFAULT_START}); time only moves when advanced or when everything waits`),
    instances: z.array(instanceSpecSchema).min(1).optional().describe(`Marketo instances (default: one, ${DEFAULT_MUNCHKIN_ID})`),
    faults: z.array(faultSpecSchema).optional(),
    profiles: z.array(profileSpecSchema).optional().describe('AEP profiles that exist before the steps run'),
    audiences: z.array(audienceSpecSchema).optional().describe('AEP audiences (rule-based); CSV audiences come from uploadCsv steps'),
  })
  .strict()
  .meta({ id: 'Given' });

// ---------------------------------------------------------------- destination

/**
 * A connector setting with a fixed set of values: editors offer the values, and any text is accepted here because the
 * connector checks it itself (a refused value is a preflight error the scenario can expect).
 */
function choice(values: readonly [string, ...string[]], description: string) {
  return z.union([z.enum(values), z.string()]).describe(description);
}

/** The values editors offer for the connector's enumerated settings (test/scenario-schema.test.ts keeps them in step). */
export const SETTING_CHOICES = {
  xdmType: [...EXPORTABLE_XDM_TYPES, ...REFUSED_XDM_TYPES],
  writePath: ['rest', 'data-ingestion'],
  multipleEmails: ['primary-or-first', 'first', 'reject'],
  onExit: ['ignore', 'update'],
  matching: ['auto', 'lookup'],
  percent: ['round', 'reject'],
} as const;

export const mappingSchema = z
  .object({
    source: text.describe('XDM path, e.g. person.name.firstName (identityMap.email for the Email identity)'),
    xdmType: choice(SETTING_CHOICES.xdmType, 'XDM type of the source: string, enum, date, date-time, integer, short, long, double, boolean (array, object, map, byte are refused)'),
    target: text.describe('Marketo field (REST name), e.g. firstName'),
  })
  .strict();

const numbers = z.record(z.string(), z.number());

/**
 * The connector configuration, with the connector's own key names; the runner adds the Munchkin ID, endpoints and
 * credentials. Values are checked by the connector itself when the scenario runs, so a refused setting (an Array
 * mapping, a third dedup field) is a preflight error the scenario can expect.
 */
export const destinationSchema = z
  .object({
    instance: munchkinIdSchema.optional().describe('the instance to sync to (default: the first)'),
    service: text.optional().describe("the service whose credentials the connector uses (default: the instance's first service)"),
    name: z.string().optional(),
    description: z.string().optional(),
    partition: z.string().optional().describe('default: Default'),
    dedupFields: z.array(z.string()).optional().describe('one or two searchable fields (default [email])'),
    mapping: z.array(mappingSchema).optional(),
    aep: z
      .object({
        imsOrgId: z.string().optional().describe("the AEP IMS org (default: the org mapped to the instance, else a fixed one)"),
        permissions: z.array(choice(AEP_PERMISSIONS, 'an AEP permission')).optional().describe("the AEP user's permissions (default: all that Person Sync needs)"),
      })
      .strict()
      .optional(),
    writePath: choice(SETTING_CHOICES.writePath, 'rest (default) or data-ingestion').optional(),
    multipleEmails: choice(SETTING_CHOICES.multipleEmails, 'primary-or-first (default), first or reject').optional(),
    onExit: choice(SETTING_CHOICES.onExit, 'ignore (default) or update').optional(),
    matching: choice(SETTING_CHOICES.matching, 'auto (default) or lookup').optional(),
    readBack: z.boolean().optional(),
    percent: choice(SETTING_CHOICES.percent, 'round (default) or reject').optional(),
    pacing: numbers.optional(),
    retry: numbers.optional(),
    batch: numbers.optional(),
    ingestion: numbers.optional(),
    requestTimeoutMs: z.number().optional(),
    options: z.record(z.string(), z.unknown()).optional().describe('further connector settings, passed through as they are'),
    backfillDelay: duration.optional().describe('activation: time before existing audience members are backfilled (default 24h, as Adobe says "up to 24 hours")'),
  })
  .strict()
  .meta({ id: 'Destination' });

// ---------------------------------------------------------------- when

export const marketoCallSchema = z
  .object({
    id: text.optional().describe('name the answer for then.api'),
    instance: munchkinIdSchema.optional(),
    as: text.optional().describe('service name (default: the instance\'s first service)'),
    method: z.enum(['GET', 'POST', 'DELETE']),
    path: text.describe('e.g. /rest/v1/leads.json'),
    query: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    body: z.unknown().optional(),
    expect: z.lazy(() => apiAnswerSchema).optional(),
  })
  .strict();

export const orgMappingStepSchema = z
  .object({
    id: text.optional().describe('name the answer for then.api (200 with the mapping, or 403/409 with the refusal\'s reason)'),
    instance: munchkinIdSchema.optional(),
    imsOrgId: imsOrgIdSchema.nullable().describe('the IMS Org ID to map; null removes the mapping'),
    adobeUser: z
      .object({ email: text, orgAdmin: z.boolean() })
      .strict()
      .optional()
      .describe('the Adobe user confirming it (default: admin@example.com, an Org Admin)'),
    marketoUser: z.object({ email: text }).strict().optional().describe("the Marketo admin doing it (default: the Adobe user's email)"),
    expect: z.lazy(() => apiAnswerSchema).optional(),
  })
  .strict();

export const csvUploadSchema = z
  .object({
    audience: text.describe('audience id'),
    name: z.string().optional(),
    identityColumn: text.optional().describe('the column holding the primary identity (default: email)'),
    identityNamespace: text.optional().describe('its identity namespace (default: email)'),
    csv: text.describe('the file content; header row first'),
    ttlDays: z.number().int().min(1).max(90).optional().describe('data expiration (default 30)'),
  })
  .strict();

export const STEP_KEYS = [
  'connect',
  'activate',
  'upsertProfile',
  'upsertProfiles',
  'uploadCsv',
  'advanceClock',
  'injectFault',
  'clearFaults',
  'marketo',
  'mapOrg',
  'drain',
  'parallel',
] as const;

export type StepKey = (typeof STEP_KEYS)[number];

const stepObject = z
  .object({
    connect: z.literal(true).optional().describe('run the connector preflight now (otherwise it runs before the first connector step)'),
    activate: z.array(text).min(1).optional().describe('activate these audiences to the destination'),
    upsertProfile: profileSpecSchema.optional().describe('create or change one profile (attributes, identities, memberships)'),
    upsertProfiles: z.array(profileSpecSchema).min(1).optional(),
    uploadCsv: csvUploadSchema.optional(),
    advanceClock: z.union([duration, z.object({ to: isoInstant }).strict()]).optional(),
    injectFault: faultSpecSchema.optional(),
    clearFaults: z.union([z.literal(true), z.array(text).min(1)]).optional().describe('true: all faults; or fault ids'),
    marketo: marketoCallSchema.optional().describe('call the Marketo REST API directly'),
    mapOrg: orgMappingStepSchema.optional().describe('Admin > Adobe Organization Mapping: map (or with null unmap) an IMS org, with its refusals'),
    drain: z.literal(true).optional().describe('wait until the connector has nothing left to send'),
    get parallel() {
      return z.array(stepSchema).min(2).optional().describe('run these steps at the same time and wait for all');
    },
  })
  .strict();

export const stepSchema: z.ZodType<Step> = exactlyOne(stepObject, STEP_KEYS, 'a step').meta({ id: 'Step', minProperties: 1, maxProperties: 1 });

export interface Step {
  connect?: true;
  activate?: string[];
  upsertProfile?: ProfileSpec;
  upsertProfiles?: ProfileSpec[];
  uploadCsv?: CsvUpload;
  advanceClock?: number | string | { to: string };
  injectFault?: FaultSpec;
  clearFaults?: true | string[];
  marketo?: MarketoCall;
  mapOrg?: OrgMappingStep;
  drain?: true;
  parallel?: Step[];
}

// ---------------------------------------------------------------- then

const countSchema = z
  .union([z.number().int().nonnegative(), z.object({ min: z.number().int().nonnegative().optional(), max: z.number().int().nonnegative().optional() }).strict()])
  .describe('an exact count, or {min, max}');

export const leadExpectationSchema = z
  .object({
    instance: munchkinIdSchema.optional(),
    partition: text.optional().describe('only leads in this partition'),
    id: z.number().int().positive().optional(),
    where: fieldValues.optional().describe('selects leads whose fields equal these (emails compare case-insensitively)'),
    count: countSchema.optional().describe('how many leads the selection holds (default 1)'),
    values: fieldValues.optional().describe('every selected lead has these values (null = no value)'),
  })
  .strict();

export const OUTCOME_STATUSES = ['created', 'updated', 'skipped', 'rejected', 'failed'] as const;

export const outcomeExpectationSchema = z
  .object({
    profile: text.optional().describe('the profile: its scenario id or any of its emails (any case)'),
    email: text.optional().describe('the Email identity the export was matched with'),
    export: text.optional().describe('the export id (exp-1, exp-2, ... in the order AEP exported); the only way to name an export without an Email identity'),
    status: z.enum(OUTCOME_STATUSES).optional().describe("the last outcome's status"),
    reason: z.string().optional().describe("text (or code) one of the last outcome's reasons contains"),
    history: z.array(z.enum(OUTCOME_STATUSES)).optional().describe('the status of every export of the profile, in order'),
    lead: z.number().int().positive().optional().describe('the lead id of the last outcome'),
    action: z.string().optional().describe('how the last export was written: createOrUpdate, updateOnly, createOnly, createDuplicate or dataIngestion'),
    trigger: z.enum(['backfill', 'membership', 'attribute', 'identity', 'manual', 'replay']).optional().describe('what made AEP export the last time'),
  })
  .strict()
  .superRefine((o, ctx) => {
    const keys = (['profile', 'email', 'export'] as const).filter((k) => o[k] !== undefined);
    if (keys.length !== 1) ctx.addIssue({ code: 'custom', message: 'an outcome names exactly one of: profile, email, export' });
  });

export const ACTIVITY_TYPES = { 'New Lead': 12, 'Change Data Value': 13, 'Delete Lead': 37, 'Change Lead Partition': 100 } as const;

export const activityExpectationSchema = z
  .object({
    instance: munchkinIdSchema.optional(),
    lead: z.union([z.number().int().positive(), fieldValues]).optional().describe('lead id, or field values selecting the lead'),
    type: z.union([z.enum(Object.keys(ACTIVITY_TYPES) as [keyof typeof ACTIVITY_TYPES]), z.number().int().positive()]),
    field: z.string().optional().describe('Change Data Value: the field'),
    newValue: fieldValueSchema.optional(),
    oldValue: fieldValueSchema.optional(),
    source: z.string().optional().describe('the Source attribute (Change Data Value) or Source Type (New Lead)'),
    count: countSchema.optional().describe('default: at least one'),
  })
  .strict();

export const blockedWriteExpectationSchema = z
  .object({
    instance: munchkinIdSchema.optional(),
    lead: z.number().int().positive().optional(),
    field: text,
    source: z.string().optional(),
    kept: fieldValueSchema.optional(),
    dropped: fieldValueSchema.optional(),
  })
  .strict();

export const apiAnswerSchema = z
  .object({
    status: z.number().int().optional().describe('HTTP status (default 200)'),
    success: z.boolean().optional(),
    errors: z.array(z.object({ code: z.string(), message: z.string().optional() }).strict()).optional(),
    result: z.array(z.unknown()).optional().describe('each item is compared as a subset of the answer\'s item at that position'),
    body: z.unknown().optional().describe('compared as a subset of the answer body'),
  })
  .strict()
  .meta({ id: 'ApiAnswer' });

export const thenSchema = z
  .object({
    leads: z.array(leadExpectationSchema).optional(),
    leadCounts: z
      .object({ instance: munchkinIdSchema.optional(), total: z.number().int().nonnegative().optional(), partitions: z.record(z.string(), z.number().int().nonnegative()).optional() })
      .strict()
      .optional(),
    noOtherLeadChanged: z.literal(true).optional().describe('every lead no `leads` expectation selects is as it was before the steps, and no other lead was created'),
    outcomes: z.array(outcomeExpectationSchema).optional(),
    outcomeCounts: z.partialRecord(z.enum(OUTCOME_STATUSES), z.number().int().nonnegative()).optional().describe("exports per status (statuses not listed are not checked)"),
    activities: z.array(activityExpectationSchema).optional().describe('activities logged while the steps ran'),
    blockedWrites: z.array(blockedWriteExpectationSchema).optional().describe('exactly these writes were dropped by Block Field Updates'),
    preflight: z
      .object({ ok: z.boolean(), errors: z.array(z.string()).optional().describe('texts the errors contain, one per error, in order') })
      .strict()
      .optional(),
    api: z.array(apiAnswerSchema.extend({ call: text.describe('the `id` of a marketo or mapOrg step') }).strict()).optional(),
    log: z
      .array(
        z
          .object({
            instance: munchkinIdSchema.optional(),
            kind: z.enum(['request', 'blocked-write', 'limit', 'fault', 'deprecated', 'ingestion', 'control']),
            code: z.string().optional(),
            contains: z.string().optional(),
            count: countSchema.optional().describe('default: at least one'),
          })
          .strict(),
      )
      .optional()
      .describe('entries of the emulator\'s inspection log (limit hits, faults, requests)'),
    deadLetters: countSchema.optional().describe('exports that failed after retries'),
    counters: z
      .record(z.string(), countSchema)
      .optional()
      .describe('connector counters: received, created, updated, skipped, rejected, failed, calls, retries, tokens, recordsSent, or answers.<code> (e.g. answers.606)'),
    clock: z
      .object({ at: isoInstant.optional(), notBefore: isoInstant.optional(), notAfter: isoInstant.optional() })
      .strict()
      .optional()
      .describe('the virtual clock after the steps: exactly `at`, or between `notBefore` and `notAfter`'),
  })
  .strict()
  .meta({ id: 'Then' });

// ---------------------------------------------------------------- scenario and suite

export const scenarioSchema = z
  .object({
    name: text,
    description: z.string().optional(),
    tags: z.array(text).optional(),
    seed: z.union([z.number().int(), z.string()]).optional().describe('seeds ids, tokens, faker leads and faults (default 1)'),
    given: givenSchema.optional(),
    destination: destinationSchema.optional().describe('the Person Sync connector configuration; without it the scenario exercises Marketo alone'),
    when: z.array(stepSchema).optional(),
    then: thenSchema,
  })
  .strict()
  .meta({ id: 'Scenario' });

export const suiteSchema = z
  .object({
    suite: text.describe('the suite name'),
    description: z.string().optional(),
    tags: z.array(text).optional().describe('added to every scenario of the suite'),
    scenarios: z.array(scenarioSchema).min(1),
  })
  .strict();

/** A file holds one scenario, or a suite (`suite:` and `scenarios:`). */
export const scenarioFileSchema = z.union([suiteSchema, scenarioSchema]);

export type LeadSpec = z.infer<typeof leadSpecSchema>;
export type InstanceSpec = z.infer<typeof instanceSpecSchema>;
export type FaultSpec = z.infer<typeof faultSpecSchema>;
export type ProfileSpec = z.infer<typeof profileSpecSchema>;
export type AudienceSpec = z.infer<typeof audienceSpecSchema>;
export type Given = z.infer<typeof givenSchema>;
export type Destination = z.infer<typeof destinationSchema>;
export type MappingSpec = z.infer<typeof mappingSchema>;
export type MarketoCall = z.infer<typeof marketoCallSchema>;
export type CsvUpload = z.infer<typeof csvUploadSchema>;
export type OrgMappingStep = z.infer<typeof orgMappingStepSchema>;
export type Then = z.infer<typeof thenSchema>;
export type ApiAnswer = z.infer<typeof apiAnswerSchema>;
export type Count = z.infer<typeof countSchema>;
export type Scenario = z.infer<typeof scenarioSchema>;
export type Suite = z.infer<typeof suiteSchema>;
