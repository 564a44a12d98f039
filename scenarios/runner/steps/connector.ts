// The connector side of a scenario: an AEP sandbox (profiles, audiences) and the Person Sync destination wired to the emulator.
import { ConfigError, createPersonSync, Platform, type ConnectorClock, type DestinationConfigInput } from '../../../connector/index.js';
import { PreflightError, type PersonSync, type PushReceipt } from '../../../connector/index.js';
import type { Activation, ActivationOptions, ExportSink } from '../../../connector/aep/platform.js';
import type { ExportResult, PreflightReport } from '../../../connector/outcomes.js';
import type { Profile } from '../../../connector/aep/profiles.js';
import { seededRandom } from '../../../connector/clock.js';
import type { IdentityEntry, ProfileExport } from '../../../connector/aep/message.js';
import type { XdmValue } from '../../../connector/aep/profiles.js';
import { DEFAULT_IMS_ORG_ID, type Destination, type ProfileSpec, type Scenario, type Step } from '../schema.js';
import { parseDuration } from '../scenario-clock.js';
import type { Failure } from '../match.js';
import { fakeProfiles } from './fake-profiles.js';
import type { World } from '../world.js';

/** Thrown by a step that cannot run because the connector refused to start; the step is reported as skipped. */
export class SkipStep extends Error {}

/**
 * The AEP sandbox of a scenario: the platform, plus which profile each export came from (read from the export's
 * identities as the activation hands it over), so outcomes are attributed exactly, backfill and email-less ones too.
 */
class ScenarioPlatform extends Platform {
  /** Export id -> platform profile id. */
  readonly exportProfile = new Map<string, string>();

  override activate(sink: ExportSink, audienceIds: readonly string[], options: ActivationOptions): Activation {
    const tap: ExportSink = {
      push: (message, trigger) => {
        const receipt = sink.push(message, trigger) as PushReceipt;
        const profile = this.profileOf(message);
        if (profile) this.exportProfile.set(receipt.id, profile.id);
        return receipt;
      },
    };
    return super.activate(tap, audienceIds, options);
  }

  private profileOf(message: ProfileExport): Profile | undefined {
    for (const [namespace, entries] of Object.entries(message.identityMap)) {
      for (const entry of entries) {
        const profile = this.profiles.findByIdentity(namespace, entry.id);
        if (profile) return profile;
      }
    }
    return undefined;
  }
}

/** Every AEP permission Person Sync needs to connect and activate (the default for a destination). */
export const PERSON_SYNC_PERMISSIONS = ['View Destinations', 'Manage Destinations', 'Activate Destinations', 'View Profiles', 'View Segments'];

export class ConnectorSteps {
  readonly platform: ScenarioPlatform;
  sync: PersonSync | undefined;
  /** connect() has been attempted. */
  started = false;
  /** What the connector refused before exporting anything: configuration, preflight and activation errors. */
  readonly refusals: string[] = [];
  preflightReport: PreflightReport | undefined;
  private readonly activations: Activation[] = [];
  /** Platform profile id -> the scenario ids given to it (lower-cased); its emails name it too. */
  private readonly scenarioIds = new Map<string, Set<string>>();
  private generated = 0;
  private generatedCount = 0;
  private readonly clock: ConnectorClock;

  constructor(
    private readonly world: World,
    private readonly scenario: Scenario,
  ) {
    const c = world.clock;
    this.clock = { now: () => c.now(), sleep: (ms) => c.sleep(ms), track: (p) => c.track(p) };
    this.platform = new ScenarioPlatform(this.clock);
  }

  /** Audiences and profiles that exist before the steps. */
  async given(): Promise<void> {
    for (const a of this.scenario.given?.audiences ?? []) this.platform.createRuleAudience({ id: a.id, name: a.name ?? a.id, rule: a.rule });
    for (const p of this.scenario.given?.profiles ?? []) this.upsert(p);
  }

  async run(step: Step, at: string): Promise<Failure[]> {
    if (step.connect) {
      await this.connect();
      return [];
    }
    if (step.upsertProfile) {
      this.upsert(step.upsertProfile);
      return [];
    }
    if (step.upsertProfiles) {
      for (const p of step.upsertProfiles) this.upsert(p);
      return [];
    }
    if (step.uploadCsv) {
      const u = step.uploadCsv;
      this.platform.uploadCsvAudience({
        id: u.audience,
        name: u.name ?? u.audience,
        csv: u.csv,
        identityColumn: u.identityColumn ?? 'email',
        ...(u.identityNamespace !== undefined ? { identityNamespace: u.identityNamespace } : {}),
        ...(u.ttlDays !== undefined ? { ttlDays: u.ttlDays } : {}),
      });
      return [];
    }
    if (step.activate) {
      const sync = await this.ready();
      try {
        const delay = this.scenario.destination?.backfillDelay;
        this.activations.push(sync.activate(step.activate, delay !== undefined ? { backfillDelayMs: parseDuration(delay) } : {}));
      } catch (e) {
        this.refusals.push(`[activation] ${(e as Error).message}`);
        throw new SkipStep(`the activation was refused: ${(e as Error).message}`);
      }
      return [];
    }
    if (step.drain) {
      await this.drain();
      return [];
    }
    throw new Error(`${at}: not a connector step`);
  }

  /** Waits for scheduled backfills, then for every export to have its outcome. */
  async drain(): Promise<void> {
    if (!this.started) return;
    if (this.refusals.length > 0 || !this.sync) throw new SkipStep('the connector refused to start');
    await Promise.all(this.activations.filter((a) => a.state !== 'stopped').map((a) => a.backfill));
    await this.sync.drain();
  }

  /** Exports pushed that have no outcome yet. */
  hasPending(): boolean {
    return (this.sync?.counters().pending ?? 0) > 0;
  }

  results(): ExportResult[] {
    const all = [...(this.sync?.results.values() ?? [])];
    return all.sort((a, b) => exportNumber(a.id) - exportNumber(b.id));
  }

  deadLetterCount(): number {
    return this.sync?.deadLetters.size ?? 0;
  }

  counters(): Record<string, number> {
    if (!this.sync) return {};
    const c = this.sync.counters();
    const flat: Record<string, number> = {};
    for (const [k, v] of Object.entries(c)) if (typeof v === 'number') flat[k] = v;
    for (const [k, v] of Object.entries(c.answers)) flat[`answers.${k}`] = v;
    for (const [k, v] of Object.entries(c.callsByOperation)) flat[`calls.${k}`] = v;
    return flat;
  }

  /** Whether an export came from the scenario profile named `name` (its scenario id or any of its emails, any case). */
  belongsTo(result: ExportResult, name: string): boolean {
    const profileId = this.platform.exportProfile.get(result.id);
    const profile = profileId === undefined ? undefined : this.platform.profiles.get(profileId);
    return profile !== undefined && this.namesOf(profile).has(name.trim().toLowerCase());
  }

  private namesOf(profile: Profile): Set<string> {
    const emails = (profile.identityMap.email ?? []).map((e) => e.id.trim().toLowerCase());
    return new Set([...(this.scenarioIds.get(profile.id) ?? []), ...emails]);
  }

  /** The profile a scenario name stands for: a scenario id given earlier, else an email identity. */
  private profileNamed(name: string): Profile | undefined {
    const key = name.trim().toLowerCase();
    for (const [profileId, ids] of this.scenarioIds) if (ids.has(key)) return this.platform.profiles.get(profileId);
    return this.platform.profiles.findByIdentity('email', name);
  }

  async close(): Promise<void> {
    for (const a of this.activations) a.stop();
    this.platform.close();
    await this.sync?.close();
  }

  private async ready(): Promise<PersonSync> {
    if (!this.started) await this.connect();
    if (this.refusals.length > 0 || !this.sync) throw new SkipStep('the connector refused to start');
    return this.sync;
  }

  private async connect(): Promise<void> {
    if (this.started) return;
    this.started = true;
    let sync: PersonSync;
    try {
      sync = createPersonSync(this.config(), {
        clock: this.clock,
        platform: this.platform,
        random: seededRandom(`${this.world.seed}/connector`),
        fetch: globalThis.fetch,
      });
    } catch (e) {
      if (e instanceof ConfigError) {
        this.refusals.push(...e.issues.map((i) => `[config] ${i.path}: ${i.message}`));
        return;
      }
      throw e;
    }
    try {
      this.preflightReport = await sync.connect();
      this.sync = sync;
    } catch (e) {
      if (!(e instanceof PreflightError)) throw e;
      this.preflightReport = e.report;
      this.refusals.push(...e.report.problems.filter((p) => p.severity === 'error').map((p) => `[${p.check}] ${p.message}`));
      await sync.close();
    }
  }

  /** The destination as the connector reads it: the scenario's settings plus the emulator's URLs and credentials. */
  private config(): DestinationConfigInput {
    const d: Destination = this.scenario.destination ?? {};
    const munchkinId = (d.instance ?? this.world.defaultInstance).toUpperCase();
    const service = this.world.service(d.service, munchkinId);
    const mapped = this.world.instance(munchkinId).settings.orgMapping?.imsOrgId;
    const { instance: _i, service: _s, aep, options, backfillDelay: _b, ...settings } = d;
    const config: Record<string, unknown> = {
      name: d.name ?? this.scenario.name,
      munchkinId,
      endpoint: `${this.world.baseUrl}/${munchkinId}/rest`,
      identity: `${this.world.baseUrl}/${munchkinId}/identity`,
      ingestionEndpoint: this.world.baseUrl,
      clientId: service.clientId,
      clientSecret: service.clientSecret,
      adminSettings: 'emulator',
      aep: { imsOrgId: aep?.imsOrgId ?? mapped ?? DEFAULT_IMS_ORG_ID, permissions: aep?.permissions ?? PERSON_SYNC_PERMISSIONS },
      ...settings,
      ...options,
    };
    return config as DestinationConfigInput;
  }

  /** Creates or changes a profile (or `generate` seeded ones) on the platform. */
  private upsert(spec: ProfileSpec): void {
    if (spec.generate !== undefined) {
      const batch = this.generated++;
      fakeProfiles(`${this.world.seed}/profiles/${batch}`, spec.generate, this.generatedCount).forEach((p) =>
        this.upsertOne({ email: p.email, attributes: { ...p.attributes, ...spec.attributes } }),
      );
      this.generatedCount += spec.generate;
      return;
    }
    this.upsertOne(spec);
  }

  /**
   * Creates or changes one profile. A spec with only an `id` (no email, no identities) changes the profile an earlier
   * spec named so; its attributes are written through one of that profile's identities.
   */
  private upsertOne(spec: ProfileSpec): void {
    const emails = [spec.email ?? []].flat();
    const identityMap: Record<string, IdentityEntry[]> = {};
    if (emails.length > 0) {
      identityMap.email = emails.map((e) => ({ id: e, ...(spec.primaryEmail !== undefined ? { primary: e === spec.primaryEmail } : {}) }));
    }
    for (const [namespace, ids] of Object.entries(spec.identities ?? {})) identityMap[namespace] = ids.map((i) => ({ id: i }));
    if (Object.keys(identityMap).length === 0 && spec.id !== undefined) {
      const known = this.profileNamed(spec.id);
      const first = known && Object.entries(known.identityMap).find(([, list]) => list.length > 0);
      if (!first) throw new Error(`no profile named '${spec.id}' exists yet (name it by id or email in given.profiles or an earlier step)`);
      identityMap[first[0]] = [{ id: first[1][0].id }];
    }
    const change = this.platform.upsertProfile({ identityMap, attributes: (spec.attributes ?? {}) as Record<string, XdmValue> });
    if (spec.id !== undefined) {
      const ids = this.scenarioIds.get(change.profile.id) ?? new Set<string>();
      ids.add(spec.id.trim().toLowerCase());
      this.scenarioIds.set(change.profile.id, ids);
    }
  }
}

function exportNumber(id: string): number {
  return Number(/(\d+)$/.exec(id)?.[1] ?? 0);
}
