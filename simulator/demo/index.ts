// Demo mode: wires the emulator, a seeded AEP sandbox and the Person Sync connector, then plays each documented behaviour at a visible pace.
import { createPersonSync, createPlatform, seededRandom, type ExportResult, type PersonSync, type Platform } from '../../connector/index.js';
import type { Simulator } from '../index.js';
import { uiState } from '../ui/index.js';
import type { DemoStep } from '../ui/demo-timeline.js';
import type { ConnectorRun } from '../ui/runs.js';
import {
  AEP_SERVICE,
  DEMO_IMS_ORG,
  DEMO_MUNCHKIN_ID,
  DEMO_PARTITION,
  NEIGHBOUR_SERVICE,
  OTHER_PARTITION,
  demoLeads,
  type DemoPerson,
} from './demo-instance.js';
import { PeopleSource, type DemoCast } from './people.js';
import { trackRun } from './track-run.js';

export { demoConfig, DEMO_MUNCHKIN_ID, DEMO_PARTITION } from './demo-instance.js';

export interface DemoOptions {
  /** Seeds the AEP people and the connector's jitter. Default 1. */
  seed?: number | string;
  /** Multiplies every pause of the script; 1 is the visible pace (rate-limit recovery about 45 s in). */
  pace?: number;
  /** After the script, keep streaming a synthetic change every few seconds until stop(). Default true. */
  ambient?: boolean;
  /** Narration, one line per step (the CLI prints it). */
  log?: (line: string) => void;
}

export interface Demo {
  sync: PersonSync;
  platform: Platform;
  run: ConnectorRun;
  cast: DemoCast;
  /** Resolves with the steps once the scripted part has played. */
  script: Promise<DemoStep[]>;
  stop(): Promise<void>;
}

const AUDIENCE_RULE = { attribute: 'consents.marketing.email.val', equals: 'y' };
const MAPPING = [
  { source: 'identityMap.email', xdmType: 'string', target: 'email' },
  { source: 'person.name.firstName', xdmType: 'string', target: 'firstName' },
  { source: 'person.name.lastName', xdmType: 'string', target: 'lastName' },
  { source: 'extendedWorkDetails.jobTitle', xdmType: 'string', target: 'title' },
  { source: 'workAddress.city', xdmType: 'string', target: 'city' },
] as const;

const STEPS: Pick<DemoStep, 'id' | 'title' | 'detail' | 'dueSeconds'>[] = [
  { id: 'setup', title: 'Instance, AEP sandbox and connector ready', dueSeconds: 0, detail: 'Partitions North America and EMEA; title and leadSource blocked for Adobe Experience Platform; an audience of subscribers; the connector passed preflight (org mapping, not HIPAA-ready, partition access, email searchable).' },
  { id: 'partition-move', title: 'Partition move', dueSeconds: 1, detail: 'An admin moves two Default leads to EMEA: their history shows Change Lead Partition.' },
  { id: 'backfill', title: 'Backfill of existing audience members', dueSeconds: 3, detail: 'Members who qualified before activation are exported once: those already leads in North America are updated, the others created.' },
  { id: 'create', title: 'A new profile qualifies: lead created', dueSeconds: 6, detail: 'Unknown to Marketo, so a lead is created in North America.' },
  { id: 'duplicate', title: 'Duplicate match: updated, not duplicated', dueSeconds: 9, detail: 'The email already belongs to a North America lead: matched on partition + email and updated. A second export 100 ms later is serialized behind the first and updates the same lead.' },
  { id: 'blocked', title: 'Blocked write', dueSeconds: 12, detail: 'The job title changes, but title is blocked for Adobe Experience Platform and the lead has one: the update is dropped (live feed: blocked write), the other fields are written.' },
  { id: 'ambiguous', title: 'Ambiguous match: skipped', dueSeconds: 15, detail: 'Two North America leads share the email: the export is skipped as ambiguous, never an arbitrary update.' },
  { id: 'rejected', title: 'No Email identity: rejected', dueSeconds: 18, detail: 'A profile with only an ECID qualifies: the connector rejects it before calling Marketo.' },
  { id: 'rate-limit', title: 'Rate-limit episode', dueSeconds: 21, detail: 'Another API service spends the 100 calls of the 20 s window; the connector gets 606 and backs off (live feed: limit hits; chart: window at its limit).' },
  { id: 'recovery', title: 'Recovery', dueSeconds: 41, detail: 'The window rolls; the retried exports go through and no profile is lost.' },
];

/** What a step shows when it is done: one plain sentence for a viewer who does not know Marketo, and the leads to open. */
interface StepResult {
  text: string;
  leadIds?: number[];
}

/** Outcomes as the connector reports them, for a step whose outcome was not the one the script expects. */
function summarize(results: ExportResult[]): string {
  return results
    .map((r) => `${r.email ?? r.id}: ${r.status}${r.leadId ? ` (lead ${r.leadId})` : ''}${r.reasons.length ? ` — ${r.reasons.map((x) => `${x.code} ${x.message}`).join('; ')}` : ''}${r.kept?.length ? ` — kept ${r.kept.map((k) => `${k.field}=${JSON.stringify(k.kept)}`).join(', ')}` : ''}`)
    .join('; ');
}

const quoted = (v: unknown) => `“${String(v)}”`;
const leadList = (ids: number[]) => (ids.length === 1 ? `lead ${ids[0]}` : `leads ${ids.slice(0, -1).join(', ')} and ${ids[ids.length - 1]}`);

/** The step fails with the connector's own words when the outcome is not what the step shows. */
function expectOutcome(results: ExportResult[], ok: boolean): void {
  if (!ok) throw new Error(`unexpected outcome: ${summarize(results)}`);
}

/**
 * Starts the demo against a listening emulator created with `demoConfig()`: seeds the extra leads, the AEP side and the
 * connector, then plays the script on the emulator's clock (a frozen, auto-advancing clock plays it instantly).
 */
export async function startDemo(sim: Simulator, options: DemoOptions = {}): Promise<Demo> {
  const { runtime, control } = sim;
  const clock = runtime.clock;
  const pace = options.pace ?? 1;
  const say = options.log ?? (() => {});
  const instance = runtime.instance(DEMO_MUNCHKIN_ID);
  if (!instance || !instance.partitions.some((p) => p.name === DEMO_PARTITION)) {
    throw new Error(`the demo needs the emulator created with demoConfig() (instance ${DEMO_MUNCHKIN_ID} with partition '${DEMO_PARTITION}')`);
  }
  const base = sim.url;
  const people = new PeopleSource(options.seed ?? 1);
  const cast = people.cast();
  const ui = uiState(runtime);

  const narrate = (message: string) =>
    runtime.log.append({ at: new Date(clock.now()).toISOString(), munchkinId: DEMO_MUNCHKIN_ID, kind: 'control', message: `demo: ${message}` });

  const seedLeads = () => {
    for (const batch of demoLeads({ matched: [...cast.backfillMatched, cast.returning], blocked: cast.blocked, ambiguous: cast.ambiguous, europe: cast.europe })) {
      control.insertLeads(DEMO_MUNCHKIN_ID, { partition: batch.partition, leads: batch.leads, inputSource: 'List Import' });
    }
  };
  seedLeads();
  const offReset = runtime.onReset(() => {
    seedLeads();
    narrate('reset: the demo re-seeded its North America and EMEA leads; the connector keeps streaming');
  });

  const service = (name: string) => runtime.instance(DEMO_MUNCHKIN_ID)!.services.find((s) => s.name === name)!;
  const aep = service(AEP_SERVICE);
  const platform = createPlatform({ clock });
  const sync = createPersonSync(
    {
      name: 'Person Sync demo',
      description: 'AEP audience "Email subscribers" to North America',
      munchkinId: DEMO_MUNCHKIN_ID,
      endpoint: `${base}/${DEMO_MUNCHKIN_ID}/rest`,
      identity: `${base}/${DEMO_MUNCHKIN_ID}/identity`,
      clientId: aep.clientId,
      clientSecret: aep.clientSecret,
      aep: { imsOrgId: DEMO_IMS_ORG, permissions: ['View Destinations', 'Manage Destinations', 'Activate Destinations', 'View Profiles', 'View Segments'] },
      partition: DEMO_PARTITION,
      dedupFields: ['email'],
      mapping: MAPPING.map((m) => ({ ...m })),
      readBack: true,
      adminSettings: 'emulator',
      controlPlane: `${base}/__sim`,
      // Patient enough to outlast one 20 s rate window.
      retry: { maxAttempts: 8, baseDelayMs: 1_000, maxDelayMs: 10_000 },
    },
    { clock, platform, random: seededRandom(`${String(options.seed ?? 1)}/connector`) },
  );
  await sync.connect();
  const run = ui.runs.start('Person Sync demo', { munchkinId: DEMO_MUNCHKIN_ID, partition: DEMO_PARTITION, dedupFields: ['email'] }, clock.now());
  const offTrack = trackRun(sync, run);
  // Usage history for the charts is kept while the demo runs, so a viewer who arrives late still sees the episode.
  const releaseUsage = ui.usage.retain();

  const upsert = (p: DemoPerson, consent: 'y' | 'n', extra: { title?: string; city?: string; firstName?: string } = {}) =>
    platform.upsertProfile({
      identityMap: { email: [{ id: p.email }] },
      attributes: {
        person: { name: { firstName: extra.firstName ?? p.firstName, lastName: p.lastName } },
        extendedWorkDetails: { jobTitle: extra.title ?? p.title },
        workAddress: { city: extra.city ?? p.city },
        consents: { marketing: { email: { val: consent } } },
      },
    });
  for (const p of [...cast.backfillMatched, ...cast.backfillNew]) upsert(p, 'y');
  for (const p of [cast.newcomer, cast.returning, cast.ambiguous]) upsert(p, 'n');
  upsert(cast.blocked, 'n', { title: 'VP Marketing' });
  const audience = platform.createRuleAudience({ name: 'Email subscribers', rule: AUDIENCE_RULE });

  /** The next outcome for an email (register before triggering the export). */
  const outcomeFor = (email: string) =>
    new Promise<ExportResult>((resolve) => {
      const off = sync.on('outcome', ({ result }) => {
        if (result.email?.toLowerCase() === email.toLowerCase()) {
          off();
          resolve(result);
        }
      });
    });

  let stopped = false;
  const started = clock.now();
  const timeline = ui.demo;
  timeline.begin(started, STEPS);
  const dueAt = async (id: string) => {
    const step = STEPS.find((s) => s.id === id)!;
    const wait = started + step.dueSeconds * 1000 * pace - clock.now();
    if (wait > 0) await clock.sleep(wait);
  };
  const play = async (id: string, work: () => Promise<StepResult>) => {
    await dueAt(id);
    if (stopped) return;
    const step = STEPS.find((s) => s.id === id)!;
    timeline.start(id, clock.now());
    narrate(`${step.title}: ${step.detail}`);
    try {
      const result = await work();
      timeline.finish(id, clock.now(), result.text, false, result.leadIds);
      say(`[demo] ${step.title}: ${result.text}`);
    } catch (e) {
      timeline.finish(id, clock.now(), (e as Error).message, true);
      say(`[demo] ${step.title} FAILED: ${(e as Error).message}`);
    }
  };

  const tokenFor = async (name: string) => {
    const s = service(name);
    const res = await clock.track(fetch(`${base}/${DEMO_MUNCHKIN_ID}/identity/oauth/token?grant_type=client_credentials&client_id=${s.clientId}&client_secret=${s.clientSecret}`));
    return ((await res.json()) as { access_token: string }).access_token;
  };

  const script = (async (): Promise<DemoStep[]> => {
    await play('setup', async () => ({
      text: `${runtime.instance(DEMO_MUNCHKIN_ID)!.leads.size} leads; audience '${audience.name}' with ${platform.members(audience.id).length} members; preflight passed`,
    }));

    await play('partition-move', async () => {
      const token = await tokenFor(NEIGHBOUR_SERVICE);
      const res = await clock.track(
        fetch(`${base}/${DEMO_MUNCHKIN_ID}/rest/v1/leads/partitions.json`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ input: [{ id: 1, partitionName: OTHER_PARTITION }, { id: 2, partitionName: OTHER_PARTITION }] }),
        }),
      );
      const body = (await res.json()) as { result?: { id: number; status: string }[] };
      const results = body.result ?? [];
      if (results.length !== 2 || results.some((r) => r.status !== 'updated')) throw new Error(`unexpected answer: ${JSON.stringify(body)}`);
      return { text: `${leadList([1, 2])} moved from Default to ${OTHER_PARTITION}`, leadIds: [1, 2] };
    });

    let backfilled: ExportResult[] = [];
    await play('backfill', async () => {
      const members = [...cast.backfillMatched, ...cast.backfillNew];
      const waits = members.map((p) => outcomeFor(p.email));
      const activation = sync.activate([audience.id], { backfillDelayMs: 0 });
      await activation.backfill;
      backfilled = await Promise.all(waits);
      const count = (s: string) => backfilled.filter((r) => r.status === s).length;
      return { text: `${backfilled.length} exported: ${count('updated')} updated, ${count('created')} created`, leadIds: backfilled.flatMap((r) => (r.leadId ? [r.leadId] : [])) };
    });

    await play('create', async () => {
      const done = outcomeFor(cast.newcomer.email);
      upsert(cast.newcomer, 'y');
      const r = await done;
      expectOutcome([r], r.status === 'created');
      return { text: `lead ${r.leadId} created in ${DEMO_PARTITION} for ${r.email}`, leadIds: [r.leadId!] };
    });

    await play('duplicate', async () => {
      const first = outcomeFor(cast.returning.email);
      upsert(cast.returning, 'y');
      const r1 = await first;
      const second = outcomeFor(cast.returning.email);
      await clock.sleep(100);
      upsert(cast.returning, 'y', { city: people.city() });
      const r2 = await second;
      expectOutcome([r1, r2], r1.status === 'updated' && r2.status === 'updated' && r1.leadId === r2.leadId);
      return { text: `${r1.email} was already lead ${r1.leadId}: both exports updated it, no duplicate created`, leadIds: [r1.leadId!] };
    });

    await play('blocked', async () => {
      const done = outcomeFor(cast.blocked.email);
      const city = people.city();
      upsert(cast.blocked, 'y', { title: 'Chief Marketing Officer', city });
      const r = await done;
      const kept = r.kept?.find((k) => k.field === 'title');
      expectOutcome([r], r.status === 'updated' && kept !== undefined);
      return {
        text: `lead ${r.leadId} updated: its title stays ${quoted(kept!.kept)} (blocked for Adobe Experience Platform; ${quoted(kept!.sent)} dropped), its city becomes ${quoted(city)}`,
        leadIds: [r.leadId!],
      };
    });

    await play('ambiguous', async () => {
      const done = outcomeFor(cast.ambiguous.email);
      upsert(cast.ambiguous, 'y');
      const r = await done;
      expectOutcome([r], r.status === 'skipped');
      const ids = control.listLeads(DEMO_MUNCHKIN_ID, { email: cast.ambiguous.email }).leads.map((l) => l.id);
      return { text: `${leadList(ids)} in ${DEMO_PARTITION} share ${r.email}, so neither is updated`, leadIds: ids };
    });

    await play('rejected', async () => {
      const done = new Promise<ExportResult>((resolve) => {
        const off = sync.on('outcome', ({ result }) => {
          if (result.status === 'rejected') {
            off();
            resolve(result);
          }
        });
      });
      platform.upsertProfile({ identityMap: { ecid: [{ id: '40736285417362854173628541736285' }] }, attributes: { consents: { marketing: { email: { val: 'y' } } } } });
      const r = await done;
      return { text: `profile ${r.id} has an ECID but no Email identity: rejected before any call to Marketo` };
    });

    let pending: Promise<ExportResult[]> = Promise.resolve([]);
    const retriesBefore = sync.counters().retries;
    await play('rate-limit', async () => {
      const now = clock.now();
      const limits = runtime.instance(DEMO_MUNCHKIN_ID)!.settings.limits;
      const used = runtime.limits(DEMO_MUNCHKIN_ID).usage(now).windowCalls;
      const neighbourCalls = Math.max(0, limits.ratePer20s - used);
      const token = await tokenFor(NEIGHBOUR_SERVICE);
      for (let i = 0; i < neighbourCalls; i++) {
        await clock.track(fetch(`${base}/${DEMO_MUNCHKIN_ID}/rest/v1/leads.json?filterType=id&filterValues=${i + 1}`, { headers: { Authorization: `Bearer ${token}` } }).then((r) => r.text()));
      }
      const firstRetry = new Promise<string>((resolve) => {
        const off = sync.on('retry', (e) => {
          off();
          resolve(`${e.code} and waits ${(e.delayMs / 1000).toFixed(1)} s before retrying`);
        });
      });
      const movers = [...cast.backfillMatched, ...cast.backfillNew];
      const waits: Promise<ExportResult>[] = [];
      for (const p of movers) {
        waits.push(outcomeFor(p.email));
        upsert(p, 'y', { city: people.city() });
        await clock.sleep(200);
      }
      pending = Promise.all(waits);
      return { text: `another service made ${neighbourCalls} calls in the 20 s window; the connector gets ${await firstRetry}` };
    });

    await play('recovery', async () => {
      const results = await pending;
      const c = sync.counters();
      const failed = results.filter((r) => r.status === 'failed').length;
      const text = `the window rolled: ${results.length - failed} of ${results.length} exports written after ${c.retries - retriesBefore} retries (606 answered ${c.answers['606'] ?? 0} times), ${failed} failed`;
      if (failed > 0) throw new Error(text);
      return { text, leadIds: results.flatMap((r) => (r.leadId ? [r.leadId] : [])) };
    });
    return timeline.view().steps;
  })();

  void (async () => {
    await script;
    if (options.ambient === false) return;
    const members = [...cast.backfillMatched, ...cast.backfillNew, cast.newcomer, cast.returning];
    while (!stopped) {
      await clock.sleep(4_000 * pace);
      if (stopped) break;
      if (people.chance() < 0.3) {
        const p = people.next();
        members.push(p);
        upsert(p, 'y');
      } else {
        const p = members[Math.floor(people.chance() * members.length)];
        upsert(p, 'y', people.chance() < 0.5 ? { city: people.city() } : { firstName: people.firstName() });
      }
    }
  })();

  return {
    sync,
    platform,
    run,
    cast,
    script,
    async stop() {
      if (stopped) return;
      stopped = true;
      offReset();
      platform.close();
      await sync.close();
      offTrack();
      releaseUsage();
      run.finish(clock.now());
      timeline.end();
    },
  };
}
