// The destination configuration: a zod schema whose every error names the field and says what is wrong.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

export const MUNCHKIN_ID_RE = /^\d{3}-[A-Za-z]{3}-\d{3}$/;
export const IMS_ORG_ID_RE = /^[A-Za-z0-9]{24}@AdobeOrg$/;

/** XDM types the destination can export (the documented table), and those Adobe refuses. */
export const EXPORTABLE_XDM_TYPES = ['string', 'enum', 'date', 'date-time', 'integer', 'short', 'long', 'double', 'boolean'] as const;
export const REFUSED_XDM_TYPES = ['array', 'object', 'map', 'byte'] as const;
export type XdmType = (typeof EXPORTABLE_XDM_TYPES)[number];

/** AEP permissions (Permissions in Adobe Experience Platform) the destination's user may hold. */
export const AEP_PERMISSIONS = [
  'View Destinations',
  'Manage Destinations',
  'Activate Destinations',
  'Activate Segment without Mapping',
  'View Profiles',
  'View Segments',
  'Manage Segments',
  'Import Audiences',
  'View Identity Graph',
] as const;
export type AepPermission = (typeof AEP_PERMISSIONS)[number];

/** The identity map source path for the Email namespace: a mapping may name it like any XDM attribute. */
export const EMAIL_IDENTITY_SOURCE = 'identityMap.email';

const XDM_PATH_RE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const FIELD_NAME_RE = /^[A-Za-z][A-Za-z0-9_]*$/;

const nonEmpty = (what: string) => z.string({ error: `${what} must be a string` }).trim().min(1, { error: `${what} must not be empty` });

const xdmType = z
  .string({ error: 'xdmType must be a string' })
  .transform((s) => s.trim().toLowerCase().replace(/^datetime$/, 'date-time'))
  .superRefine((value, ctx) => {
    if ((REFUSED_XDM_TYPES as readonly string[]).includes(value)) {
      ctx.addIssue({ code: 'custom', message: `XDM type '${value}' cannot be exported to Marketo (Array, Object, Map and Byte are not supported)` });
    } else if (!(EXPORTABLE_XDM_TYPES as readonly string[]).includes(value)) {
      ctx.addIssue({ code: 'custom', message: `unknown XDM type '${value}'; use one of ${EXPORTABLE_XDM_TYPES.join(', ')}` });
    }
  })
  .transform((value) => value as XdmType);

const mappingEntry = z.strictObject(
  {
    source: nonEmpty('source').refine((s) => s === EMAIL_IDENTITY_SOURCE || XDM_PATH_RE.test(s), {
      error: `source must be a dotted XDM path such as person.name.firstName (or ${EMAIL_IDENTITY_SOURCE})`,
    }),
    xdmType,
    target: nonEmpty('target').refine((s) => FIELD_NAME_RE.test(s), { error: 'target must be a Marketo REST field name such as firstName' }),
  },
  { error: 'each mapping entry must be an object {source, xdmType, target}' },
);

const positiveInt = (what: string) => z.number({ error: `${what} must be a number` }).int({ error: `${what} must be a whole number` }).positive({ error: `${what} must be positive` });
const nonNegativeInt = (what: string) => z.number({ error: `${what} must be a number` }).int({ error: `${what} must be a whole number` }).nonnegative({ error: `${what} must not be negative` });

const url = (what: string) =>
  z
    .string({ error: `${what} must be a URL string` })
    .trim()
    .refine((s) => /^https?:\/\/[^\s/]+/.test(s) && URL.canParse(s), { error: `${what} must be an http(s) URL` })
    .transform((s) => s.replace(/\/+$/, ''));

export const destinationSchema = z
  .strictObject(
    {
      name: nonEmpty('name'),
      description: z.string({ error: 'description must be a string' }).default(''),
      munchkinId: z
        .string({ error: 'munchkinId must be a string' })
        .trim()
        .refine((s) => MUNCHKIN_ID_RE.test(s), { error: 'munchkinId must look like 123-ABC-456 (Admin > Munchkin)' })
        .transform((s) => s.toUpperCase()),
      endpoint: url('endpoint').optional(),
      identity: url('identity').optional(),
      clientId: nonEmpty('clientId'),
      clientSecret: nonEmpty('clientSecret'),
      aep: z.strictObject(
        {
          imsOrgId: z
            .string({ error: 'aep.imsOrgId must be a string' })
            .trim()
            .refine((s) => IMS_ORG_ID_RE.test(s), { error: 'aep.imsOrgId must be 24 letters or digits followed by @AdobeOrg' }),
          permissions: z
            .array(
              z
                .string({ error: 'a permission must be a string' })
                .refine((p) => (AEP_PERMISSIONS as readonly string[]).includes(p), {
                  error: (issue) => `'${String(issue.input)}' is not an AEP permission; use one of: ${AEP_PERMISSIONS.join(', ')}`,
                })
                .transform((p) => p as AepPermission),
              {
              error: 'aep.permissions must be a list of AEP permission names',
            })
            .default([]),
        },
        { error: 'aep must be an object {imsOrgId, permissions}' },
      ),
      partition: nonEmpty('partition').default('Default'),
      dedupFields: z
        .array(nonEmpty('dedup field').refine((s) => FIELD_NAME_RE.test(s), { error: 'a dedup field must be a Marketo REST field name' }), {
          error: 'dedupFields must be a list of one or two Marketo field names',
        })
        .min(1, { error: 'dedupFields needs at least one field (the first searchable field)' })
        .max(2, { error: 'dedupFields takes at most two fields (first and second searchable field)' })
        .refine((a) => a.length < 2 || a[0] !== a[1], { error: 'the second dedup field must differ from the first' })
        .default(['email']),
      mapping: z.array(mappingEntry, { error: 'mapping must be a list of {source, xdmType, target}' }).default([]),
      writePath: z.enum(['rest', 'data-ingestion'], { error: "writePath must be 'rest' or 'data-ingestion'" }).default('rest'),
      ingestionEndpoint: url('ingestionEndpoint').default('https://mkto-ingestion-api.adobe.io'),
      multipleEmails: z
        .enum(['primary-or-first', 'first', 'reject'], { error: "multipleEmails must be 'primary-or-first', 'first' or 'reject'" })
        .default('primary-or-first'),
      onExit: z.enum(['ignore', 'update'], { error: "onExit must be 'ignore' or 'update'" }).default('ignore'),
      matching: z.enum(['auto', 'lookup'], { error: "matching must be 'auto' or 'lookup'" }).default('auto'),
      readBack: z.boolean({ error: 'readBack must be true or false' }).default(false),
      percent: z.enum(['round', 'reject'], { error: "percent must be 'round' or 'reject'" }).default('round'),
      adminSettings: z
        .enum(['auto', 'emulator', 'unverifiable'], { error: "adminSettings must be 'auto', 'emulator' or 'unverifiable'" })
        .default('auto'),
      controlPlane: url('controlPlane').optional(),
      pacing: z
        .strictObject({
          callsPerWindow: positiveInt('pacing.callsPerWindow').default(100),
          windowMs: positiveInt('pacing.windowMs').default(20_000),
          concurrent: positiveInt('pacing.concurrent').default(10),
          marginMs: nonNegativeInt('pacing.marginMs').default(500),
        })
        .prefault({}),
      retry: z
        .strictObject({
          maxAttempts: positiveInt('retry.maxAttempts').default(6),
          baseDelayMs: nonNegativeInt('retry.baseDelayMs').default(1_000),
          maxDelayMs: nonNegativeInt('retry.maxDelayMs').default(60_000),
          maxThrottled: positiveInt('retry.maxThrottled').default(20),
        })
        .prefault({}),
      batch: z
        .strictObject({
          maxRecords: positiveInt('batch.maxRecords').max(300, { error: 'batch.maxRecords must be at most 300 (Marketo batch limit)' }).default(300),
          maxBytes: positiveInt('batch.maxBytes').max(1_048_576, { error: 'batch.maxBytes must be at most 1 MB (Marketo body limit)' }).default(1_000_000),
          lingerMs: nonNegativeInt('batch.lingerMs').default(0),
        })
        .prefault({}),
      ingestion: z
        .strictObject({
          pollIntervalMs: positiveInt('ingestion.pollIntervalMs').default(5_000),
          timeoutMs: positiveInt('ingestion.timeoutMs').default(15 * 60_000),
        })
        .prefault({}),
      requestTimeoutMs: positiveInt('requestTimeoutMs').default(120_000),
    },
    { error: 'the destination configuration must be an object' },
  )
  .superRefine((config, ctx) => {
    const targets = new Map<string, number>();
    config.mapping.forEach((m, i) => {
      const first = targets.get(m.target.toLowerCase());
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['mapping', i, 'target'], message: `Marketo field '${m.target}' is already the target of mapping[${first}]` });
      } else targets.set(m.target.toLowerCase(), i);
      if (m.source === EMAIL_IDENTITY_SOURCE && m.xdmType !== 'string') {
        ctx.addIssue({ code: 'custom', path: ['mapping', i, 'xdmType'], message: `${EMAIL_IDENTITY_SOURCE} holds strings; use xdmType 'string'` });
      }
    });
  })
  .transform((config) => ({
    ...config,
    endpoint: config.endpoint ?? `https://${config.munchkinId}.mktorest.com/rest`,
    identity: config.identity ?? `https://${config.munchkinId}.mktorest.com/identity`,
  }));

/** The destination configuration as written by a user (defaults not yet applied). */
export type DestinationConfigInput = z.input<typeof destinationSchema>;
/** The validated configuration with every default applied. */
export type DestinationConfig = z.output<typeof destinationSchema>;
export type MappingEntry = DestinationConfig['mapping'][number];

export interface ConfigIssue {
  /** `mapping[2].xdmType`, `aep.imsOrgId`, or `(root)`. */
  path: string;
  message: string;
}

/** A configuration that does not validate; `issues` has one entry per problem. */
export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(`invalid destination configuration:\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** The settings the object at `path` takes (for "did you mean"), found by walking the schema. */
function settingsAt(path: readonly PropertyKey[]): string[] {
  let schema: z.ZodType | undefined = destinationSchema;
  for (let i = 0; ; i++) {
    for (;;) {
      if (schema instanceof z.ZodPipe) schema = schema.in as z.ZodType;
      else if (schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault || schema instanceof z.ZodOptional) schema = schema.unwrap() as z.ZodType;
      else break;
    }
    if (i === path.length) return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
    const key = path[i];
    if (typeof key === 'number' && schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
    else if (typeof key === 'string' && schema instanceof z.ZodObject) schema = (schema.shape as Record<string, z.ZodType>)[key];
    else return [];
  }
}

/** The known setting closest to a misspelt one (a letter case or up to two edits away). */
function closest(key: string, known: readonly string[]): string | undefined {
  const distance = (a: string, b: string) => {
    let row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const next = [i];
      for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      row = next;
    }
    return row[b.length];
  };
  let best: { name: string; d: number } | undefined;
  for (const name of known) {
    const d = name.toLowerCase() === key.toLowerCase() ? 0 : distance(key, name);
    if (d <= 2 && (!best || d < best.d)) best = { name, d };
  }
  return best?.name;
}

/** Validates a destination configuration; throws ConfigError naming each bad field. */
export function parseDestinationConfig(input: unknown): DestinationConfig {
  const parsed = destinationSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const wrongType = new Set(parsed.error.issues.filter((i) => i.code === 'invalid_type').map((i) => formatPath(i.path)));
  const issues: ConfigIssue[] = [];
  for (const issue of parsed.error.issues) {
    const path = formatPath(issue.path);
    // zod's own wording for unknown keys and missing fields, rephrased to name the field.
    if (issue.code === 'unrecognized_keys') {
      const known = settingsAt(issue.path);
      for (const key of issue.keys) {
        const hint = closest(key, known);
        issues.push({ path, message: `unknown setting '${key}'${hint ? ` (did you mean '${hint}'?)` : `; known settings: ${known.join(', ')}`}` });
      }
    } else if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) issues.push({ path, message: 'is required' });
    // A value of the wrong type gets one message, not also zod's length checks meant for the right type.
    else if (issue.code !== 'invalid_type' && wrongType.has(path)) continue;
    else issues.push({ path, message: issue.message });
  }
  throw new ConfigError(issues);
}

/** Reads a YAML or JSON destination file without validating it; ConfigError when it cannot be read or parsed. */
export function readDestinationFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError([{ path: '(file)', message: `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}` }]);
  }
  try {
    return parseYaml(text);
  } catch (e) {
    throw new ConfigError([{ path: '(file)', message: `${file} is not valid YAML or JSON: ${(e as Error).message}` }]);
  }
}

/** Reads a YAML or JSON destination file and validates it. */
export function loadDestinationConfig(file: string): DestinationConfig {
  return parseDestinationConfig(readDestinationFile(file));
}
