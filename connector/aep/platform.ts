// A small Experience Platform sandbox: profiles, audience membership, activation with backfill, then streaming exports.
import type { ConnectorClock } from '../clock.js';
import type { ExportTrigger } from '../outcomes.js';
import { evaluateRule, readCsvUpload, ruleSchema, type Audience, type CsvAudience, type CsvUploadSpec, type Rule, type RuleAudience } from './audiences.js';
import type { Membership, MembershipStatus, ProfileExport } from './message.js';
import { getPath, ProfileStore, type Profile, type ProfileChange, type ProfileInput } from './profiles.js';

/** Where an activation delivers exports (the Person Sync connector's push). */
export interface ExportSink {
  push(message: ProfileExport, trigger: ExportTrigger): unknown;
}

export interface ActivationOptions {
  /** XDM source paths mapped to the destination: only they are exported, and only their writes trigger exports. */
  mappedAttributes: readonly string[];
  /** The audience schedule's start date (ms or ISO); default now. */
  startDate?: number | string;
  /** Time from the start to the backfill of existing members; Adobe says "up to 24 hours". Default 24 h. */
  backfillDelayMs?: number;
  onPhase?: (phase: 'activated' | 'backfill-started' | 'backfill-done' | 'streaming', profiles?: number) => void;
}

export type ActivationState = 'scheduled' | 'backfilling' | 'streaming' | 'stopped';

export interface Activation {
  id: string;
  audienceIds: string[];
  startsAt: number;
  backfillAt: number;
  readonly state: ActivationState;
  /** Resolves with the number of profiles exported by the backfill. */
  backfill: Promise<number>;
  /** Stops exporting (dataflow removed). */
  stop(): void;
}

export const DEFAULT_BACKFILL_DELAY_MS = 24 * 60 * 60 * 1000;
const DAY_MS = 86_400_000;

interface MembershipRecord {
  status: MembershipStatus;
  lastQualificationTime: number;
}

interface ActivationState_ {
  id: string;
  audienceIds: Set<string>;
  sink: ExportSink;
  mapped: readonly string[];
  state: ActivationState;
}

interface AudienceChange {
  audienceId: string;
  status: 'realized' | 'exited';
}

/**
 * The AEP side of the destination. Segmentation is streaming: every profile upsert re-evaluates the rule audiences.
 * Exports follow the profile-export rules for streaming destinations: a membership change in a mapped audience, a
 * write to a mapped attribute (even with the same value), or an identity change of a member.
 */
export class Platform {
  readonly profiles = new ProfileStore();
  private readonly audienceMap = new Map<string, Audience>();
  /** audienceId -> profileId -> membership. */
  private readonly memberships = new Map<string, Map<string, MembershipRecord>>();
  private readonly activations: ActivationState_[] = [];
  private nextAudience = 1;
  private nextActivation = 1;
  private closed = false;

  constructor(private readonly clock: ConnectorClock) {}

  /** Creates or updates a profile (merging on shared identities) and exports it where a trigger applies. */
  upsertProfile(input: ProfileInput): ProfileChange {
    const change = this.profiles.upsert(input);
    this.afterChange(change, this.segment(change.profile));
    return change;
  }

  /** Removes an identity from a profile: an identity-map change, exported to destinations mapping that namespace. */
  removeIdentity(profileId: string, namespace: string, id: string): ProfileChange {
    const change = this.profiles.removeIdentity(profileId, namespace, id);
    this.afterChange(change, []);
    return change;
  }

  /** A Segmentation Service audience (namespace `ups`) evaluated on every profile now and on every later change. */
  createRuleAudience(spec: { name: string; rule: Rule; id?: string }): RuleAudience {
    const rule = ruleSchema.parse(spec.rule);
    const audience: RuleAudience = { kind: 'rule', id: spec.id ?? this.audienceId(), name: spec.name, namespace: 'ups', rule };
    this.addAudience(audience);
    for (const profile of this.profiles.all()) if (evaluateRule(rule, profile)) this.setMembership(audience.id, profile.id, 'realized');
    return audience;
  }

  /**
   * A custom upload (namespace `CustomerAudienceUpload`): each row's identity joins the audience (a profile is
   * created for an unknown identity); payload columns stay with the upload; membership ends after `ttlDays`.
   */
  uploadCsvAudience(spec: CsvUploadSpec & { id?: string }): CsvAudience {
    const parsed = readCsvUpload(spec);
    const now = this.clock.now();
    const namespace = spec.identityNamespace ?? 'email';
    const audience: CsvAudience = {
      kind: 'csv',
      id: spec.id ?? spec.externalId ?? this.audienceId(),
      name: spec.name,
      namespace: 'CustomerAudienceUpload',
      identityColumn: spec.identityColumn,
      identityNamespace: namespace,
      payloadColumns: parsed.header.filter((_, i) => i !== parsed.identityIndex),
      ttlDays: parsed.ttlDays,
      uploadedAt: now,
      expiresAt: now + parsed.ttlDays * DAY_MS,
      payload: new Map(),
    };
    this.addAudience(audience);
    for (const row of parsed.rows) {
      const identity = row[parsed.identityIndex].trim();
      const change = this.profiles.upsert({ identityMap: { [namespace]: [{ id: identity }] } });
      audience.payload.set(change.profile.id, Object.fromEntries(parsed.header.map((h, i) => [h, row[i]]).filter(([h]) => h !== spec.identityColumn)));
      const joined = this.setMembership(audience.id, change.profile.id, 'realized');
      this.afterChange({ ...change, writtenPaths: [] }, joined ? [{ audienceId: audience.id, status: 'realized' }] : []);
    }
    void this.clock.sleep(audience.expiresAt - now).then(() => this.expire(audience));
    return audience;
  }

  audience(id: string): Audience | undefined {
    return this.audienceMap.get(id);
  }

  audiences(): Audience[] {
    return [...this.audienceMap.values()];
  }

  /** Current members (realized or existing) of an audience. */
  members(audienceId: string): Profile[] {
    const members = this.memberships.get(audienceId) ?? new Map();
    return [...members.entries()].filter(([, m]) => m.status !== 'exited').map(([id]) => this.profiles.get(id)!);
  }

  membership(profileId: string, audienceId: string): { status: MembershipStatus; lastQualificationTime: string } | undefined {
    const m = this.memberships.get(audienceId)?.get(profileId);
    return m ? { status: m.status, lastQualificationTime: new Date(m.lastQualificationTime).toISOString() } : undefined;
  }

  /**
   * Activates audiences to a destination. Existing members are backfilled once, `backfillDelayMs` after the start;
   * from then on changes stream. Changes before the backfill are carried by it (it exports the state at that time).
   */
  activate(sink: ExportSink, audienceIds: readonly string[], options: ActivationOptions): Activation {
    for (const id of audienceIds) if (!this.audienceMap.has(id)) throw new Error(`no audience '${id}' to activate`);
    if (audienceIds.length === 0) throw new Error('activate needs at least one audience');
    const now = this.clock.now();
    const startsAt = options.startDate === undefined ? now : typeof options.startDate === 'number' ? options.startDate : Date.parse(options.startDate);
    if (Number.isNaN(startsAt)) throw new Error(`startDate '${String(options.startDate)}' is not a date`);
    const delay = options.backfillDelayMs ?? DEFAULT_BACKFILL_DELAY_MS;
    if (!(delay >= 0)) throw new Error('backfillDelayMs must not be negative');
    const backfillAt = Math.max(startsAt, now) + delay;
    const state: ActivationState_ = { id: `activation-${this.nextActivation++}`, audienceIds: new Set(audienceIds), sink, mapped: options.mappedAttributes, state: 'scheduled' };
    this.activations.push(state);
    options.onPhase?.('activated');
    const backfill = this.clock.sleep(backfillAt - now).then(() => {
      if (state.state === 'stopped' || this.closed) return 0;
      state.state = 'backfilling';
      options.onPhase?.('backfill-started');
      const profiles = new Set<string>();
      for (const audienceId of state.audienceIds) for (const p of this.members(audienceId)) profiles.add(p.id);
      for (const id of profiles) sink.push(this.message(state, this.profiles.get(id)!, [], true), 'backfill');
      state.state = 'streaming';
      options.onPhase?.('backfill-done', profiles.size);
      options.onPhase?.('streaming');
      return profiles.size;
    });
    return {
      id: state.id,
      audienceIds: [...audienceIds],
      startsAt,
      backfillAt,
      get state() {
        return state.state;
      },
      backfill,
      stop: () => {
        state.state = 'stopped';
      },
    };
  }

  /** Stops scheduled work (backfills and expiries do nothing after this). */
  close(): void {
    this.closed = true;
  }

  private audienceId(): string {
    // AEP audience ids are UUIDs; a readable sequence keeps scenarios legible.
    return `audience-${this.nextAudience++}`;
  }

  private addAudience(audience: Audience): void {
    if (this.audienceMap.has(audience.id)) throw new Error(`audience '${audience.id}' already exists`);
    this.audienceMap.set(audience.id, audience);
    this.memberships.set(audience.id, new Map());
  }

  /** Returns whether the status changed. */
  private setMembership(audienceId: string, profileId: string, status: 'realized' | 'exited'): boolean {
    const members = this.memberships.get(audienceId)!;
    const current = members.get(profileId);
    const isMember = current !== undefined && current.status !== 'exited';
    if ((status === 'realized') === isMember) return false;
    members.set(profileId, { status, lastQualificationTime: status === 'realized' ? this.clock.now() : (current?.lastQualificationTime ?? this.clock.now()) });
    return true;
  }

  /** Streaming segmentation of one profile against every rule audience. */
  private segment(profile: Profile): AudienceChange[] {
    const changes: AudienceChange[] = [];
    for (const audience of this.audienceMap.values()) {
      if (audience.kind !== 'rule') continue;
      const status = evaluateRule(audience.rule, profile) ? 'realized' : 'exited';
      const known = this.memberships.get(audience.id)!.has(profile.id);
      if (status === 'exited' && !known) continue;
      if (this.setMembership(audience.id, profile.id, status)) changes.push({ audienceId: audience.id, status });
    }
    return changes;
  }

  private expire(audience: CsvAudience): void {
    if (this.closed) return;
    for (const [profileId, m] of this.memberships.get(audience.id)!) {
      if (m.status === 'exited') continue;
      this.setMembership(audience.id, profileId, 'exited');
      this.afterChange({ profile: this.profiles.get(profileId)!, created: false, writtenPaths: [], identityNamespaces: [] }, [{ audienceId: audience.id, status: 'exited' }]);
    }
  }

  private afterChange(change: ProfileChange, audienceChanges: AudienceChange[]): void {
    if (this.closed) return;
    for (const activation of this.activations) {
      if (activation.state !== 'streaming') continue;
      const relevant = audienceChanges.filter((c) => activation.audienceIds.has(c.audienceId));
      const member = [...activation.audienceIds].some((id) => this.isMember(id, change.profile.id));
      let trigger: ExportTrigger | null = null;
      if (relevant.length > 0) trigger = 'membership';
      else if (member && change.writtenPaths.some((p) => activation.mapped.some((m) => p === m || p.startsWith(`${m}.`) || m.startsWith(`${p}.`)))) trigger = 'attribute';
      else if (member && change.identityNamespaces.some((ns) => ns.toLowerCase() === 'email')) trigger = 'identity';
      if (trigger) activation.sink.push(this.message(activation, change.profile, relevant, false), trigger);
    }
  }

  private isMember(audienceId: string, profileId: string): boolean {
    const m = this.memberships.get(audienceId)?.get(profileId);
    return m !== undefined && m.status !== 'exited';
  }

  /** The DSDK message: mapped audiences (changed ones with their new status, other current ones `existing`), Email identities, mapped attributes. */
  private message(activation: ActivationState_, profile: Profile, changed: AudienceChange[], backfill: boolean): ProfileExport {
    const segmentMembership: Record<string, Record<string, Membership>> = {};
    for (const audienceId of activation.audienceIds) {
      const m = this.memberships.get(audienceId)?.get(profile.id);
      if (!m) continue;
      const change = changed.find((c) => c.audienceId === audienceId);
      if (!change && m.status === 'exited') continue;
      const status: MembershipStatus = change ? change.status : backfill ? 'realized' : 'existing';
      const namespace = this.audienceMap.get(audienceId)!.namespace;
      (segmentMembership[namespace] ??= {})[audienceId] = { lastQualificationTime: new Date(m.lastQualificationTime).toISOString(), status };
    }
    const emails = Object.entries(profile.identityMap)
      .filter(([ns]) => ns.toLowerCase() === 'email')
      .flatMap(([, list]) => list.map((e) => ({ ...e })));
    const attributes: Record<string, { value?: unknown }> = {};
    for (const path of activation.mapped) {
      const value = getPath(profile.attributes, path);
      attributes[path] = value === undefined ? {} : { value };
    }
    return { segmentMembership, identityMap: { email: emails }, attributes };
  }
}

/** A new, empty sandbox on the given clock. */
export function createPlatform(options: { clock: ConnectorClock }): Platform {
  return new Platform(options.clock);
}
