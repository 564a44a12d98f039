// One scenario's isolated world: an in-process emulator on a virtual clock, built from `given`, and what steps leave behind.
import { createSimulator, type Simulator } from '../../simulator/index.js';
import { ScenarioClock } from './scenario-clock.js';
import type { ConfigFile, InstanceDefinition } from '../../simulator/config.js';
import type { FaultSpec as ControlFaultSpec } from '../../simulator/control/api.js';
import type { InstanceState, Service } from '../../simulator/domain/instance.js';
import type { FieldValue } from '../../simulator/domain/fields.js';
import { fakeLeads } from '../../simulator/seed/leads.js';
import { DEFAULT_IMS_ORG_ID, DEFAULT_MUNCHKIN_ID, DEFAULT_START, type FaultSpec, type Given, type InstanceSpec, type Scenario } from './schema.js';
import { defaultService, munchkinOf } from './references.js';

/** How a lead looked before the steps ran (for "no other lead changed"). */
export interface LeadSnapshot {
  partitionId: number;
  values: Record<string, FieldValue>;
}

/** An answer to a direct Marketo call, kept for `then.api`. */
export interface ApiAnswer {
  status: number;
  body: unknown;
}

export interface World {
  sim: Simulator;
  clock: ScenarioClock;
  baseUrl: string;
  seed: number | string;
  /** The first instance's Munchkin ID (the default everywhere an instance is optional). */
  defaultInstance: string;
  instance(munchkinId?: string): InstanceState;
  service(name: string | undefined, munchkinId?: string): Service;
  /** Scenario fault ids -> emulator fault ids. */
  faultIds: Map<string, number[]>;
  answers: Map<string, ApiAnswer>;
  /** State right after `given`: leads per instance, the last activity id, the last inspection-log entry. */
  baseline: { leads: Map<string, Map<number, string>>; lastActivityId: Map<string, number>; logSeq: number };
  tokens: Map<string, string>;
}

export class GivenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GivenError';
  }
}

/** The Source Type of the New Lead activities of `given` leads (they stand for leads imported earlier). */
const GIVEN_SOURCE = 'List Import';

export async function buildWorld(scenario: Scenario): Promise<World> {
  const given: Given = scenario.given ?? {};
  const seed = scenario.seed ?? 1;
  const clock = new ScenarioClock(given.clock?.start ?? DEFAULT_START);
  const specs = given.instances ?? [{ munchkinId: DEFAULT_MUNCHKIN_ID }];
  const syncedTo = (scenario.destination?.instance ?? munchkinOf(specs[0])).toUpperCase();
  const config: ConfigFile = { seed, instances: specs.map((spec) => toDefinition(spec, scenario.destination !== undefined && munchkinOf(spec) === syncedTo)) };
  let sim: Simulator;
  try {
    sim = createSimulator({ seed, config, clock });
  } catch (e) {
    throw new GivenError(`given.instances: ${(e as Error).message}`);
  }
  const baseUrl = await sim.listen(0, '127.0.0.1');
  const defaultInstance = munchkinOf(specs[0]);
  const world: World = {
    sim,
    clock,
    baseUrl,
    seed,
    defaultInstance,
    instance(munchkinId = defaultInstance) {
      const state = sim.runtime.instance(munchkinId);
      if (!state) throw new GivenError(`no instance ${munchkinId}`);
      return state;
    },
    service(name, munchkinId) {
      const state = this.instance(munchkinId);
      const service = name === undefined ? state.services[0] : state.services.find((s) => s.name === name);
      if (!service) throw new GivenError(`no service '${name}' on instance ${state.munchkinId}`);
      return service;
    },
    faultIds: new Map(),
    answers: new Map(),
    baseline: { leads: new Map(), lastActivityId: new Map(), logSeq: 0 },
    tokens: new Map(),
  };
  try {
    specs.forEach((spec, i) => addLeads(world, spec, i));
    (given.faults ?? []).forEach((f) => injectFault(world, f));
  } catch (e) {
    await sim.close();
    throw e instanceof GivenError ? e : new GivenError((e as Error).message);
  }
  return world;
}

/** Records the state the `then` section compares against. */
export function takeBaseline(world: World): void {
  for (const state of world.sim.runtime.instances.values()) {
    const leads = new Map<number, string>();
    for (const lead of state.leads.values()) leads.set(lead.id, snapshotOf(lead.partitionId, lead.values));
    world.baseline.leads.set(state.munchkinId, leads);
    world.baseline.lastActivityId.set(state.munchkinId, state.activities.at(-1)?.id ?? 0);
  }
  world.baseline.logSeq = 0;
  for (;;) {
    const page = world.sim.runtime.log.query({ after: world.baseline.logSeq, limit: 1000 });
    if (page.entries.length === 0) break;
    world.baseline.logSeq = page.entries.at(-1)!.seq;
  }
}

export function snapshotOf(partitionId: number, values: Record<string, FieldValue>): string {
  const sorted = Object.fromEntries(Object.entries(values).sort(([a], [b]) => a.localeCompare(b)));
  return JSON.stringify({ partitionId, values: sorted });
}

/** The emulator's instance definition: mapped to the documented example org unless `imsOrgId: null`; default services. */
function toDefinition(spec: InstanceSpec, syncedHere: boolean): InstanceDefinition {
  const { leads: _leads, munchkinId, imsOrgId, services, ...rest } = spec;
  return {
    ...rest,
    munchkinId: munchkinId ?? DEFAULT_MUNCHKIN_ID,
    ...(imsOrgId === null ? {} : { imsOrgId: imsOrgId ?? DEFAULT_IMS_ORG_ID }),
    services: services ?? [defaultService(syncedHere)],
  };
}

function addLeads(world: World, spec: InstanceSpec, index: number): void {
  const munchkinId = munchkinOf(spec);
  (spec.leads ?? []).forEach((entry, j) => {
    const state = world.instance(munchkinId);
    const records: Record<string, FieldValue>[] =
      entry.generate !== undefined
        ? fakeLeads(`${world.seed}/${munchkinId}/given/${j}`, entry.generate, state.leads.size).map((r) => ({ ...r, ...entry.values }))
        : [entry.values ?? {}];
    try {
      world.sim.control.insertLeads(munchkinId, { partition: entry.partition ?? 'Default', leads: records, inputSource: GIVEN_SOURCE });
    } catch (e) {
      throw new GivenError(`given.instances[${index}].leads[${j}]: ${(e as Error).message}`);
    }
  });
}

/** Adds a fault through the control plane; its scenario id (if any) can clear it later. */
export function injectFault(world: World, spec: FaultSpec): void {
  const munchkinId = (spec.instance ?? world.defaultInstance).toUpperCase();
  const clientId = spec.service !== undefined ? world.service(spec.service, munchkinId).clientId : undefined;
  const effect: Partial<ControlFaultSpec> = (() => {
    switch (spec.kind) {
      case 'error':
        return { error: spec.code!, ...(spec.message !== undefined ? { message: spec.message } : {}) };
      case 'http':
        return { httpStatus: spec.status! };
      case 'latency':
        return { latencyMs: spec.ms! };
      case 'drop':
        return { drop: true as const };
      case 'revokeToken':
        return { revokeToken: true as const };
      case 'upsertRace':
        return { upsertRace: { windowMs: spec.windowMs! } };
    }
  })();
  const fault = world.sim.control.faults.add({
    match: { munchkinId, ...(spec.method ? { method: spec.method } : {}), ...(spec.path ? { path: spec.path } : {}), ...(clientId ? { clientId } : {}) },
    ...effect,
    ...(spec.times !== undefined ? { times: spec.times } : {}),
    ...(spec.probability !== undefined ? { probability: spec.probability } : {}),
  });
  if (spec.id !== undefined) world.faultIds.set(spec.id, [...(world.faultIds.get(spec.id) ?? []), fault.id]);
}

/** Clears every fault, or those injected under the given scenario ids (one-shot faults already spent are skipped). */
export function clearFaults(world: World, ids: true | string[]): void {
  if (ids === true) {
    world.sim.control.faults.clear();
    return;
  }
  const live = new Set(world.sim.control.faults.list().map((f) => f.id));
  for (const id of ids) for (const faultId of world.faultIds.get(id) ?? []) if (live.has(faultId)) world.sim.control.faults.remove(faultId);
}
