// Expectations on Marketo's lead database: selected leads and their values, counts per partition, "no other lead changed".
import { partitionById, partitionByName, type InstanceState, type Lead } from '../../../simulator/domain/instance.js';
import { readValue } from '../../../simulator/domain/leads.js';
import { keyOf } from '../../../simulator/domain/fields.js';
import type { Then } from '../schema.js';
import { countMatches, describeCount, shownCount, sameFieldValue, type Failure } from '../match.js';
import { snapshotOf, type World } from '../world.js';

type LeadExpectation = NonNullable<Then['leads']>[number];
type FieldValues = Record<string, string | number | boolean | null>;

/** A lead as the reports show it: id, partition, then the fields asked about (or all of its values). */
function view(state: InstanceState, lead: Lead, fields?: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { id: lead.id, partition: partitionById(state, lead.partitionId)?.name ?? lead.partitionId };
  for (const name of fields ?? Object.keys(lead.values).sort()) out[name] = readValue(state, lead, name);
  return out;
}

/** Equality as Marketo's lookups see it: emails case-insensitive after trimming; other fields exactly. */
function fieldEquals(state: InstanceState, lead: Lead, name: string, expected: FieldValues[string]): boolean {
  const actual = readValue(state, lead, name);
  const field = state.fieldByName.get(name);
  if (field?.dataType === 'email' && expected !== null && actual !== null) return keyOf(field, expected) === keyOf(field, actual);
  return sameFieldValue(expected, actual);
}

export function selectLeads(state: InstanceState, e: { partition?: string; id?: number; where?: FieldValues }): Lead[] | string {
  let partitionId: number | undefined;
  if (e.partition !== undefined) {
    const p = partitionByName(state, e.partition);
    if (!p) return `instance ${state.munchkinId} has no partition '${e.partition}' (partitions: ${state.partitions.map((x) => x.name).join(', ')})`;
    partitionId = p.id;
  }
  for (const name of Object.keys(e.where ?? {})) {
    if (!state.fieldByName.has(name)) return `instance ${state.munchkinId} has no field '${name}'`;
  }
  const out: Lead[] = [];
  for (const lead of state.leads.values()) {
    if (partitionId !== undefined && lead.partitionId !== partitionId) continue;
    if (e.id !== undefined && lead.id !== e.id) continue;
    if (!Object.entries(e.where ?? {}).every(([name, value]) => fieldEquals(state, lead, name, value))) continue;
    out.push(lead);
  }
  return out.sort((a, b) => a.id - b.id);
}

function describeSelection(e: LeadExpectation): string {
  const parts: string[] = [];
  if (e.id !== undefined) parts.push(`id ${e.id}`);
  for (const [k, v] of Object.entries(e.where ?? {})) parts.push(`${k} ${JSON.stringify(v)}`);
  if (e.partition !== undefined) parts.push(`in partition '${e.partition}'`);
  return parts.length ? parts.join(', ') : 'every lead';
}

function expectLead(world: World, e: LeadExpectation, at: string): { failures: Failure[]; selected: Lead[] } {
  const state = world.instance(e.instance);
  const selected = selectLeads(state, e);
  if (typeof selected === 'string') return { failures: [{ at, message: selected, expected: e, actual: null }], selected: [] };
  const shownFields = [...new Set([...Object.keys(e.where ?? {}), ...Object.keys(e.values ?? {})])];
  const unknown = Object.keys(e.values ?? {}).filter((name) => !state.fieldByName.has(name));
  if (unknown.length > 0) {
    const message = `instance ${state.munchkinId} has no field ${unknown.map((n) => `'${n}'`).join(', ')} (field names are the REST names, e.g. firstName)`;
    return { failures: [{ at: `${at}.values`, message, expected: e.values, actual: null }], selected };
  }
  const failures: Failure[] = [];
  const count = e.count ?? 1;
  if (!countMatches(count, selected.length)) {
    let hint = '';
    const firstKey = Object.entries(e.where ?? {})[0];
    if (firstKey && (e.partition !== undefined || Object.keys(e.where ?? {}).length > 1)) {
      const near = selectLeads(state, { where: { [firstKey[0]]: firstKey[1] } });
      if (typeof near !== 'string' && near.length > 0) {
        hint = `; leads with ${firstKey[0]} ${JSON.stringify(firstKey[1])} anywhere: ${near.map((l) => `#${l.id} in '${partitionById(state, l.partitionId)?.name}'`).join(', ')}`;
      }
    }
    failures.push({
      at,
      message: `${describeCount(count)} lead(s) with ${describeSelection(e)} expected, found ${selected.length}${hint}`,
      expected: { count: shownCount(count), ...(e.values ? { values: e.values } : {}) },
      actual: { count: selected.length, leads: selected.slice(0, 10).map((l) => view(state, l, shownFields.length ? shownFields : undefined)) },
    });
    return { failures, selected };
  }
  for (const lead of selected) {
    const wrong = Object.entries(e.values ?? {}).filter(([name, value]) => !sameFieldValue(value, readValue(state, lead, name)));
    if (wrong.length === 0) continue;
    failures.push({
      at: `${at}.values`,
      message: `lead #${lead.id} (${describeSelection(e)}) differs in ${wrong.map(([n]) => n).join(', ')}`,
      expected: { id: lead.id, ...e.values },
      actual: { id: lead.id, ...Object.fromEntries(Object.keys(e.values ?? {}).map((n) => [n, readValue(state, lead, n)])) },
    });
  }
  return { failures, selected };
}

export function expectLeads(world: World, then: Then): Failure[] {
  const failures: Failure[] = [];
  const covered = new Map<string, Set<number>>();
  then.leads?.forEach((e, i) => {
    const result = expectLead(world, e, `then.leads[${i}]`);
    failures.push(...result.failures);
    const id = world.instance(e.instance).munchkinId;
    const set = covered.get(id) ?? new Set<number>();
    result.selected.forEach((l) => set.add(l.id));
    covered.set(id, set);
  });
  if (then.leadCounts) failures.push(...expectCounts(world, then.leadCounts));
  if (then.noOtherLeadChanged) failures.push(...expectNoOtherChange(world, covered));
  return failures;
}

function expectCounts(world: World, e: NonNullable<Then['leadCounts']>): Failure[] {
  const state = world.instance(e.instance);
  const failures: Failure[] = [];
  if (e.total !== undefined && state.leads.size !== e.total) {
    failures.push({ at: 'then.leadCounts.total', message: `${e.total} leads expected on ${state.munchkinId}, found ${state.leads.size}`, expected: { total: e.total }, actual: { total: state.leads.size } });
  }
  if (e.partitions) {
    const actual: Record<string, number | string> = {};
    let wrong = false;
    for (const [name, expected] of Object.entries(e.partitions)) {
      const p = partitionByName(state, name);
      actual[name] = p ? state.index.partitionSize(p.id) : 'no such partition';
      if (actual[name] !== expected) wrong = true;
    }
    if (wrong) failures.push({ at: 'then.leadCounts.partitions', message: 'lead counts per partition differ', expected: e.partitions, actual });
  }
  return failures;
}

/** Every lead no `then.leads` entry selected is as it was after `given`; none was added or removed. */
function expectNoOtherChange(world: World, covered: Map<string, Set<number>>): Failure[] {
  const failures: Failure[] = [];
  for (const state of world.sim.runtime.instances.values()) {
    const before = world.baseline.leads.get(state.munchkinId) ?? new Map<number, string>();
    const skip = covered.get(state.munchkinId) ?? new Set<number>();
    const changed: { before: unknown; after: unknown }[] = [];
    for (const lead of state.leads.values()) {
      if (skip.has(lead.id)) continue;
      const was = before.get(lead.id);
      const now = snapshotOf(lead.partitionId, lead.values);
      if (was === now) continue;
      changed.push({ before: was === undefined ? '(did not exist)' : { id: lead.id, ...(JSON.parse(was) as object) }, after: { id: lead.id, ...(JSON.parse(now) as object) } });
    }
    for (const [id, was] of before) {
      if (!skip.has(id) && !state.leads.has(id)) changed.push({ before: { id, ...(JSON.parse(was) as object) }, after: '(deleted)' });
    }
    if (changed.length > 0) {
      failures.push({
        at: 'then.noOtherLeadChanged',
        message: `${changed.length} lead(s) on ${state.munchkinId} changed that no then.leads entry covers`,
        expected: changed.slice(0, 5).map((c) => c.before),
        actual: changed.slice(0, 5).map((c) => c.after),
      });
    }
  }
  return failures;
}
