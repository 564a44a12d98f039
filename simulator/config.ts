// Instance definitions (the `--config` file, scenario `given` blocks): a zod schema whose errors name the bad key.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { API_PERMISSIONS, MUNCHKIN_ID_RE, PERMISSION_ALIASES } from './domain/instance.js';
import { CREATABLE_TYPES } from './domain/fields.js';

const permission = z
  .string()
  .refine((p) => (API_PERMISSIONS as readonly string[]).includes(p) || p in PERMISSION_ALIASES, {
    message: `unknown permission; use one of: ${API_PERMISSIONS.join(', ')}`,
  });

export const munchkinIdSchema = z
  .string()
  .regex(MUNCHKIN_ID_RE, 'a Munchkin ID looks like 123-ABC-456 (3 digits, 3 letters, 3 digits)');

export const imsOrgIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9]{24}@AdobeOrg$/, 'an IMS Org ID is 24 letters or digits followed by @AdobeOrg');

/** The limit settings' fields (shared with the snapshot format, which also accepts keys it does not know). */
export const limitsShape = {
  enabled: z.boolean(),
  ratePer20s: z.number().int().positive(),
  rateWindowSeconds: z.number().int().positive(),
  concurrent: z.number().int().positive(),
  dailyQuota: z.number().int().nonnegative(),
  maxBatchSize: z.number().int().positive(),
  maxBodyBytes: z.number().int().positive(),
  maxUriBytes: z.number().int().positive(),
};

export const limitsSchema = z.object(limitsShape).partial().strict();

export const partitionSchema = z.object({ name: z.string().min(1), description: z.string().default('') }).strict();

export const workspaceSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().default(''),
    /** Partition names; the first is the primary partition unless `primaryPartition` says otherwise. */
    partitions: z.array(z.string().min(1)).min(1),
    primaryPartition: z.string().optional(),
  })
  .strict();

export const serviceSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    clientId: z.string().min(1).optional(),
    clientSecret: z.string().min(1).optional(),
    userEmail: z.string().email().optional(),
    inputSource: z.string().min(1).optional(),
    permissions: z.array(permission).optional(),
    workspaces: z.array(z.string().min(1)).optional(),
  })
  .strict();

export const customFieldSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a field name starts with a letter and has only letters, digits and _'),
    displayName: z.string().min(1).optional(),
    dataType: z.enum(CREATABLE_TYPES),
    length: z.number().int().positive().optional(),
    description: z.string().optional(),
    searchable: z.boolean().optional(),
  })
  .strict();

export const instanceDefinitionSchema = z
  .object({
    munchkinId: munchkinIdSchema,
    name: z.string().optional(),
    /** Seeded faker leads put in the Default partition (bounded like --leads, so one request cannot exhaust memory). */
    leads: z.number().int().nonnegative().max(10_000_000, "at most 10,000,000 seeded leads per instance").optional(),
    hipaaReady: z.boolean().optional(),
    imsOnboarded: z.boolean().optional(),
    imsOrgId: imsOrgIdSchema.optional(),
    dedupe: z.object({ partitionScoped: z.boolean() }).strict().optional(),
    limits: limitsSchema.optional(),
    tokenTtlSeconds: z.number().int().positive().optional(),
    partitions: z.array(partitionSchema).optional(),
    workspaces: z.array(workspaceSchema).optional(),
    services: z.array(serviceSchema).optional(),
    fields: z.array(customFieldSchema).optional(),
    /** Field name -> input sources whose updates are blocked (Field Management "Block Field Updates"). */
    blocks: z.record(z.string(), z.array(z.string().min(1))).optional(),
    /** Fields made searchable (or not) beyond Marketo's default set: an emulator knob for lookups on e.g. `company`. */
    searchable: z.record(z.string(), z.boolean()).optional(),
  })
  .strict();

export const configFileSchema = z
  .object({
    seed: z.union([z.number().int(), z.string()]).optional(),
    instances: z.array(instanceDefinitionSchema).min(1),
  })
  .strict();

export type InstanceDefinition = z.infer<typeof instanceDefinitionSchema>;
export type ServiceDefinition = z.infer<typeof serviceSchema>;
export type ConfigFile = z.infer<typeof configFileSchema>;

/** Turns zod issues into one line per problem, each naming the key path (`instances[0].services[1].permissions[0]`). */
export function describeIssues(error: z.ZodError, prefix = ''): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.reduce<string>(
      (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
      prefix,
    );
    return `${path || '(root)'}: ${issue.message}`;
  });
}

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: invalid configuration\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Reads a JSON or YAML config file and validates it; every problem is listed with the key at fault. */
export function loadConfigFile(file: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, [`cannot read the file: ${(e as Error).message}`]);
  }
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ConfigError(file, [`not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message}`]);
  }
  const parsed = configFileSchema.safeParse(data);
  if (!parsed.success) throw new ConfigError(file, describeIssues(parsed.error));
  return parsed.data;
}
