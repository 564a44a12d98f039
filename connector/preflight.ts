// connect()'s preflight: AEP permissions, org mapping and HIPAA, credentials, partition access, dedup fields, mapping.
import { EMAIL_IDENTITY_SOURCE, type AepPermission, type DestinationConfig } from './config.js';
import { checkMappingEntry } from './mapping.js';
import { MarketoCallError } from './marketo/errors.js';
import type { MarketoClient } from './marketo/client.js';
import type { Describe2, Describe2Field } from './marketo/types.js';
import type { PreflightProblem, PreflightReport } from './outcomes.js';

/** Settings Marketo keeps in its admin UI, which the REST API cannot read. */
export interface AdminSettings {
  /** Admin > Integration > Adobe Organization Mapping; null when not mapped. */
  imsOrgId: string | null;
  hipaaReady: boolean;
}

/** Where preflight reads AdminSettings from: null means "not verifiable here" (a real instance). */
export type AdminSettingsSource = (munchkinId: string) => Promise<AdminSettings | null>;

/** The dedupeFields Data Ingestion names (besides custom string/integer fields), per its documentation. */
const DATA_INGESTION_DEDUPE_FIELDS = ['id', 'email', 'sfdcAccountId', 'sfdcContactId', 'sfdcLeadId', 'sfdcLeadOwnerId'];

export const CONNECT_PERMISSIONS: readonly AepPermission[] = ['View Destinations', 'Manage Destinations'];
export const ACTIVATE_PERMISSIONS: readonly AepPermission[] = ['View Destinations', 'Activate Destinations', 'View Profiles', 'View Segments'];

export interface PreflightResult {
  report: PreflightReport;
  /** describe2 fields by name (empty when describe2 could not be read). */
  fields: Map<string, Describe2Field>;
}

/** The permissions in `needed` that the destination's AEP user lacks. */
export function missingPermissions(config: DestinationConfig, needed: readonly AepPermission[]): AepPermission[] {
  return needed.filter((p) => !config.aep.permissions.includes(p));
}

/**
 * Runs every check and collects one message per problem; checks that need Marketo stop early only when Marketo
 * cannot be asked at all (bad credentials, no access).
 */
export async function runPreflight(
  config: DestinationConfig,
  client: MarketoClient,
  adminSettings: AdminSettingsSource,
  now: () => number,
): Promise<PreflightResult> {
  const problems: PreflightProblem[] = [];
  const error = (check: string, message: string) => problems.push({ check, severity: 'error', message });
  const warning = (check: string, message: string) => problems.push({ check, severity: 'warning', message });
  const fields = new Map<string, Describe2Field>();
  let partitionId: number | null = null;
  const finish = (): PreflightResult => ({
    report: { ok: !problems.some((p) => p.severity === 'error'), problems, partitionId, checkedAt: now() },
    fields,
  });

  for (const p of missingPermissions(config, CONNECT_PERMISSIONS)) {
    error('aep-permissions', `the AEP user lacks '${p}', which connecting a destination needs (View Destinations and Manage Destinations)`);
  }
  const forActivation = missingPermissions(config, ACTIVATE_PERMISSIONS).filter((p) => !CONNECT_PERMISSIONS.includes(p));
  if (forActivation.length > 0) {
    warning('aep-permissions', `activation will be refused: the AEP user lacks ${forActivation.map((p) => `'${p}'`).join(', ')} (activation needs View Destinations, Activate Destinations, View Profiles and View Segments)`);
  }

  let admin: AdminSettings | null;
  try {
    admin = await adminSettings(config.munchkinId);
  } catch (e) {
    admin = null;
    error('org-mapping', `cannot read the instance's admin settings: ${(e as Error).message}`);
  }
  if (admin === null) {
    if (!problems.some((p) => p.check === 'org-mapping')) {
      warning('org-mapping', `not verifiable through the REST API; verify Admin > Integration > Adobe Organization Mapping of ${config.munchkinId} shows ${config.aep.imsOrgId}`);
      warning('hipaa', `not verifiable through the REST API; verify ${config.munchkinId} is not a HIPAA-ready instance (a HIPAA-ready instance cannot use this integration)`);
    }
  } else {
    if (admin.imsOrgId === null) {
      error('org-mapping', `instance ${config.munchkinId} has no Adobe Organization Mapping; set Admin > Integration > Adobe Organization Mapping to ${config.aep.imsOrgId}`);
    } else if (admin.imsOrgId.toLowerCase() !== config.aep.imsOrgId.toLowerCase()) {
      error('org-mapping', `instance ${config.munchkinId} is mapped to IMS org ${admin.imsOrgId}, but the destination belongs to ${config.aep.imsOrgId}; Marketo and AEP must use the same org`);
    }
    if (admin.hipaaReady) error('hipaa', `instance ${config.munchkinId} is HIPAA-ready; a HIPAA-ready Marketo instance cannot use this integration`);
  }

  try {
    await client.getToken();
  } catch (e) {
    if (e instanceof MarketoCallError && e.kind === 'network') {
      error('connection', `${e.message}; check endpoint and identity in the destination (the CLI's --base fills them in)`);
    } else error('credentials', (e as Error).message);
    return finish();
  }

  let describe: Describe2;
  try {
    describe = await client.describeLead2();
  } catch (e) {
    error('api-permissions', accessMessage(e, 'read persons (describe2)'));
    return finish();
  }
  for (const f of describe.fields) fields.set(f.name, f);

  try {
    const partitions = await client.getLeadPartitions();
    const partition = partitions.find((p) => p.name === config.partition);
    if (!partition) {
      error('partition', `partition '${config.partition}' does not exist in ${config.munchkinId} (it has: ${partitions.map((p) => p.name).join(', ')})`);
    } else partitionId = partition.id;
  } catch (e) {
    error('api-permissions', accessMessage(e, 'list partitions'));
  }

  const searchable = new Set(describe.searchableFields.filter((key) => key.length === 1).map((key) => key[0]));
  if (partitionId !== null) await probePartition(config, client, searchable, error);

  config.dedupFields.forEach((name, i) => {
    const which = i === 0 ? 'first dedup field' : 'second dedup field';
    const field = fields.get(name);
    if (!field) return error('dedup-field', `${which} '${name}' does not exist in ${config.munchkinId} (describe2)`);
    if (!searchable.has(name)) {
      return error('dedup-field', `${which} '${name}' is not searchable (describe2 searchableFields); searchable fields: ${[...searchable].sort().join(', ')}`);
    }
    if (!field.updateable) return error('dedup-field', `${which} '${name}' is not updateable, so a created lead could not carry its value`);
    const mapped = config.mapping.some((m) => m.target === name) || name === 'email';
    if (!mapped) error('dedup-field', `${which} '${name}' is the target of no mapping, so no profile would have a value for it; map an XDM attribute to '${name}'`);
  });

  if (config.writePath === 'data-ingestion') {
    for (const name of config.dedupFields) {
      const field = fields.get(name);
      if (!field || DATA_INGESTION_DEDUPE_FIELDS.includes(name)) continue;
      const type = field.dataType === 'string' || field.dataType === 'integer' ? `a ${field.dataType} field` : `of type ${field.dataType}`;
      warning(
        'dedup-field',
        `Data Ingestion documents dedupeFields as ${DATA_INGESTION_DEDUPE_FIELDS.join(', ')} or custom string/integer fields; '${name}' is ${type}, which Marketo may refuse unless it is a custom field`,
      );
    }
  }

  config.mapping.forEach((entry, i) => {
    const problem = checkMappingEntry(entry, i, fields);
    if (problem) error('mapping', problem);
  });
  if (!config.mapping.some((m) => m.target === 'email')) {
    const email = fields.get('email');
    if (!email?.updateable) error('mapping', `the Email identity is written to Marketo 'email', which is missing or not updateable; map ${EMAIL_IDENTITY_SOURCE} to an email field`);
  }
  return finish();
}

/**
 * Partition access without writing anything: Sync Leads createOnly with an empty record into the partition.
 * 1008 = no access, 1013 = no such partition, 1003 = access (the empty record is skipped), 603 = no Read-Write Person.
 */
async function probePartition(
  config: DestinationConfig,
  client: MarketoClient,
  searchable: Set<string>,
  error: (check: string, message: string) => void,
): Promise<void> {
  const lookupField = searchable.has(config.dedupFields[0]) ? config.dedupFields[0] : 'email';
  const fix = `give the API user's role Read-Write Person in a workspace that holds partition '${config.partition}' (Edit Person in the instance and partition)`;
  try {
    const [result] = await client.syncLeads({ action: 'createOnly', partitionName: config.partition, lookupField, input: [{}] });
    if (result?.status !== 'skipped') {
      error('partition', `the partition probe unexpectedly wrote a lead (${JSON.stringify(result)}); check the instance`);
      return;
    }
    const code = result.reasons[0]?.code;
    if (code === '1008') error('partition', `the API user cannot write persons in partition '${config.partition}' (1008 ${result.reasons[0].message}); ${fix}`);
    else if (code === '1013') error('partition', `partition '${config.partition}' does not exist (1013 ${result.reasons[0].message})`);
    else if (code !== '1003') error('partition', `the partition probe answered ${code} ${result.reasons[0]?.message ?? ''}; expected 1003 for an empty record`);
  } catch (e) {
    if (e instanceof MarketoCallError && e.code === '603') error('api-permissions', `the API user lacks Read-Write Person (603 Access denied on Sync Leads); ${fix}`);
    else error('partition', `cannot probe partition '${config.partition}': ${(e as Error).message}`);
  }
}

function accessMessage(e: unknown, what: string): string {
  if (e instanceof MarketoCallError && e.code === '603') {
    return `the API user cannot ${what} (603 Access denied); its role needs Read-Write Person (Access API)`;
  }
  return `cannot ${what}: ${(e as Error).message}`;
}

/**
 * The default AdminSettings source. Against the emulator (`adminSettings: 'emulator'`, or 'auto' with an endpoint
 * that is not `*.mktorest.com`) it reads the control plane's `GET /__sim/instances/{munchkinId}`; a real instance
 * gives null (reported as "not verifiable").
 */
export function defaultAdminSettingsSource(config: DestinationConfig, fetchFn: typeof fetch, track: <T>(p: Promise<T>) => Promise<T>): AdminSettingsSource {
  const real = /\.mktorest\.com$/i.test(new URL(config.endpoint).hostname);
  if (config.adminSettings === 'unverifiable' || (config.adminSettings === 'auto' && real && !config.controlPlane)) return async () => null;
  const controlPlane = config.controlPlane ?? `${emulatorBase(config.endpoint, config.munchkinId)}/__sim`;
  return async (munchkinId) => {
    const url = `${controlPlane}/instances/${encodeURIComponent(munchkinId)}`;
    let res: Response;
    try {
      res = await track(fetchFn(url, { headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(config.requestTimeoutMs) }));
    } catch (e) {
      if (config.adminSettings === 'auto') return null;
      throw new Error(`the emulator's control plane at ${url} did not answer (${(e as Error).message})`);
    }
    if (res.status === 401) {
      // Bound to a non-loopback address, the emulator's control plane wants its admin token: not "unverifiable".
      throw new Error(`the emulator's control plane at ${url} asks for its admin token (HTTP 401); reach the emulator on a loopback address, or set adminSettings: unverifiable and verify the settings by hand`);
    }
    const body = (await track(res.text().then(parseJsonObject))) ?? {};
    const settings = readAdminSettings(body);
    if (res.status !== 200 || settings === null) {
      if (config.adminSettings === 'auto') return null;
      throw new Error(`the emulator's control plane answered HTTP ${res.status} at ${url} without instance settings`);
    }
    return settings;
  };
}

/** `http://host:port/123-ABC-456/rest` -> `http://host:port`; `http://host:port/rest` -> `http://host:port`. */
export function emulatorBase(endpoint: string, munchkinId: string): string {
  const suffixes = [`/${munchkinId}/rest`, `/${munchkinId.toLowerCase()}/rest`, '/rest'];
  for (const suffix of suffixes) if (endpoint.endsWith(suffix)) return endpoint.slice(0, -suffix.length);
  return new URL(endpoint).origin;
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Reads `{settings: {orgMapping: {imsOrgId}, hipaaReady}}` (or the same keys at the top level). */
export function readAdminSettings(body: Record<string, unknown>): AdminSettings | null {
  const holder = (typeof body.settings === 'object' && body.settings !== null ? body.settings : body) as Record<string, unknown>;
  if (typeof holder.hipaaReady !== 'boolean') return null;
  const mapping = holder.orgMapping as { imsOrgId?: unknown } | null | undefined;
  const imsOrgId = typeof mapping?.imsOrgId === 'string' ? mapping.imsOrgId : typeof holder.imsOrgId === 'string' ? holder.imsOrgId : null;
  return { imsOrgId, hipaaReady: holder.hipaaReady };
}
