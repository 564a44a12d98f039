// Cross-checks inside one scenario that a schema cannot express: names it refers to (instances, services, audiences, calls) exist.
import { ADOBE_EXPERIENCE_PLATFORM } from '../../simulator/domain/instance.js';
import { DEFAULT_MUNCHKIN_ID, type InstanceSpec, type ProfileSpec, type Scenario, type Step } from './schema.js';

export interface ReferenceProblem {
  path: (string | number)[];
  message: string;
}

const CONNECTOR_STEPS = ['connect', 'activate', 'upsertProfile', 'upsertProfiles', 'uploadCsv', 'drain'] as const;

export function munchkinOf(spec: InstanceSpec): string {
  return (spec.munchkinId ?? DEFAULT_MUNCHKIN_ID).toUpperCase();
}

/** An instance without `services` gets one with every permission: Adobe Experience Platform's where the destination syncs. */
export function defaultService(syncedHere: boolean): { name: string; inputSource?: string } {
  return syncedHere ? { name: ADOBE_EXPERIENCE_PLATFORM, inputSource: ADOBE_EXPERIENCE_PLATFORM } : { name: 'Default API service' };
}

/** Walks the steps depth-first (parallel groups included) with their key paths. */
export function walkSteps(steps: Step[] | undefined, base: (string | number)[] = ['when']): { step: Step; path: (string | number)[] }[] {
  const out: { step: Step; path: (string | number)[] }[] = [];
  (steps ?? []).forEach((step, i) => {
    const path = [...base, i];
    out.push({ step, path });
    if (step.parallel) out.push(...walkSteps(step.parallel, [...path, 'parallel']));
  });
  return out;
}

export function checkReferences(scenario: Scenario): ReferenceProblem[] {
  const problems: ReferenceProblem[] = [];
  const given = scenario.given ?? {};
  const instances = given.instances ?? [{}];
  const byId = new Map<string, InstanceSpec>();
  instances.forEach((spec, i) => {
    const id = munchkinOf(spec);
    if (byId.has(id)) problems.push({ path: ['given', 'instances', i, 'munchkinId'], message: `instance ${id} is defined twice` });
    byId.set(id, spec);
    const partitions = new Set(['Default', ...(spec.partitions ?? []).map((p) => p.name)]);
    const workspaces = new Set(['Default', ...(spec.workspaces ?? []).map((w) => w.name)]);
    (spec.workspaces ?? []).forEach((w, j) =>
      w.partitions.forEach((p, k) => {
        if (!partitions.has(p)) problems.push({ path: ['given', 'instances', i, 'workspaces', j, 'partitions', k], message: `partition '${p}' is not defined in this instance's partitions` });
      }),
    );
    (spec.services ?? []).forEach((s, j) =>
      (s.workspaces ?? []).forEach((w, k) => {
        if (!workspaces.has(w)) problems.push({ path: ['given', 'instances', i, 'services', j, 'workspaces', k], message: `workspace '${w}' is not defined in this instance's workspaces` });
      }),
    );
    (spec.leads ?? []).forEach((l, j) => {
      if (l.partition !== undefined && !partitions.has(l.partition)) {
        problems.push({ path: ['given', 'instances', i, 'leads', j, 'partition'], message: `partition '${l.partition}' is not defined in this instance's partitions` });
      }
    });
  });
  const firstId = munchkinOf(instances[0]);
  const instanceRef = (id: string | undefined, path: (string | number)[]): InstanceSpec | undefined => {
    const spec = byId.get((id ?? firstId).toUpperCase());
    if (!spec) problems.push({ path, message: `no instance ${id} in given.instances (defined: ${[...byId.keys()].join(', ')})` });
    return spec;
  };
  const syncedTo = (scenario.destination?.instance ?? firstId).toUpperCase();
  const serviceRef = (spec: InstanceSpec | undefined, name: string | undefined, path: (string | number)[]) => {
    if (!spec || name === undefined) return;
    const names = (spec.services ?? [defaultService(scenario.destination !== undefined && munchkinOf(spec) === syncedTo)]).map((s) => s.name);
    if (!names.includes(name)) problems.push({ path, message: `no service '${name}' on instance ${munchkinOf(spec)} (services: ${names.join(', ')})` });
  };

  const dest = scenario.destination;
  if (dest) serviceRef(instanceRef(dest.instance, ['destination', 'instance']), dest.service, ['destination', 'service']);
  (given.faults ?? []).forEach((f, i) => serviceRef(instanceRef(f.instance, ['given', 'faults', i, 'instance']), f.service, ['given', 'faults', i, 'service']));

  const audiences = new Set((given.audiences ?? []).map((a) => a.id));
  const steps = walkSteps(scenario.when);
  for (const { step } of steps) if (step.uploadCsv) audiences.add(step.uploadCsv.audience);
  const faultIds = new Set((given.faults ?? []).flatMap((f) => (f.id ? [f.id] : [])));
  for (const { step } of steps) if (step.injectFault?.id) faultIds.add(step.injectFault.id);
  const callIds = new Set<string>();
  // Profiles a step may name by id alone: ids and emails given before it, and the cells of CSV uploads.
  const profileNames = new Set<string>();
  const nameProfiles = (p: ProfileSpec) => [p.id, ...[p.email ?? []].flat()].forEach((n) => n !== undefined && profileNames.add(n.trim().toLowerCase()));
  (given.profiles ?? []).forEach((p, i) => {
    if (p.generate === undefined && p.email === undefined && p.identities === undefined) {
      problems.push({ path: ['given', 'profiles', i], message: 'a profile in given needs an email or another identity' });
    }
    nameProfiles(p);
  });

  for (const { step, path } of steps) {
    if (step.uploadCsv) step.uploadCsv.csv.split(/[,\r\n]/).forEach((cell) => profileNames.add(cell.trim().toLowerCase()));
    const upserts: [ProfileSpec, (string | number)[]][] = step.upsertProfile
      ? [[step.upsertProfile, [...path, 'upsertProfile']]]
      : (step.upsertProfiles ?? []).map((p, k) => [p, [...path, 'upsertProfiles', k]]);
    for (const [p, at] of upserts) {
      const byIdOnly = p.generate === undefined && p.email === undefined && p.identities === undefined && p.id !== undefined;
      if (byIdOnly && !profileNames.has(p.id!.trim().toLowerCase())) {
        problems.push({ path: [...at, 'id'], message: `no profile named '${p.id}' before this step (given.profiles or an earlier step; give an email to create one)` });
      }
      nameProfiles(p);
    }

    const key = Object.keys(step)[0];
    if ((CONNECTOR_STEPS as readonly string[]).includes(key) && !dest) {
      problems.push({ path: [...path, key], message: `'${key}' needs a destination (the connector configuration)` });
    }
    step.activate?.forEach((id, k) => {
      if (!audiences.has(id)) problems.push({ path: [...path, 'activate', k], message: `audience '${id}' is not defined (given.audiences or an uploadCsv step)` });
    });
    if (Array.isArray(step.clearFaults)) {
      step.clearFaults.forEach((id, k) => {
        if (!faultIds.has(id)) problems.push({ path: [...path, 'clearFaults', k], message: `no fault with id '${id}'` });
      });
    }
    if (step.injectFault) {
      const f = step.injectFault;
      serviceRef(instanceRef(f.instance, [...path, 'injectFault', 'instance']), f.service, [...path, 'injectFault', 'service']);
    }
    const callId = (id: string | undefined, at: (string | number)[]) => {
      if (id === undefined) return;
      if (callIds.has(id)) problems.push({ path: at, message: `call id '${id}' is used twice` });
      callIds.add(id);
    };
    if (step.marketo) {
      const call = step.marketo;
      serviceRef(instanceRef(call.instance, [...path, 'marketo', 'instance']), call.as, [...path, 'marketo', 'as']);
      callId(call.id, [...path, 'marketo', 'id']);
    }
    if (step.mapOrg) {
      instanceRef(step.mapOrg.instance, [...path, 'mapOrg', 'instance']);
      callId(step.mapOrg.id, [...path, 'mapOrg', 'id']);
    }
  }

  const then = scenario.then;
  // `blockedWrites: []` says "none"; other empty lists expect nothing.
  const expectsSomething =
    Object.entries(then).some(([key, value]) => value !== undefined && (key === 'blockedWrites' || !Array.isArray(value) || value.length > 0)) ||
    steps.some(({ step }) => (step.marketo ?? step.mapOrg)?.expect !== undefined);
  if (!expectsSomething) problems.push({ path: ['then'], message: 'expects nothing: a scenario must assert an outcome (leads, outcomes, activities, api, ...)' });
  then.api?.forEach((a, i) => {
    if (!callIds.has(a.call)) problems.push({ path: ['then', 'api', i, 'call'], message: `no marketo or mapOrg step with id '${a.call}'` });
  });
  if (!dest) {
    for (const key of ['outcomes', 'outcomeCounts', 'preflight', 'deadLetters'] as const) {
      if (then[key] !== undefined) problems.push({ path: ['then', key], message: `'${key}' needs a destination (the connector configuration)` });
    }
  }
  then.leads?.forEach((l, i) => instanceRef(l.instance, ['then', 'leads', i, 'instance']));
  then.activities?.forEach((a, i) => instanceRef(a.instance, ['then', 'activities', i, 'instance']));
  then.blockedWrites?.forEach((b, i) => instanceRef(b.instance, ['then', 'blockedWrites', i, 'instance']));
  if (then.leadCounts) instanceRef(then.leadCounts.instance, ['then', 'leadCounts', 'instance']);
  return problems;
}
