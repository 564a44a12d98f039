// Expectations on activities logged while the steps ran: New Lead, Change Data Value and others, by lead, field and source.
import { ACTIVITY_TYPES as TYPE_TABLE } from '../../../simulator/domain/activities.js';
import type { Activity, InstanceState } from '../../../simulator/domain/instance.js';
import { ACTIVITY_TYPES, type Then } from '../schema.js';
import { AT_LEAST_ONE, countMatches, describeCount, shownCount, sameFieldValue, type Failure } from '../match.js';
import { selectLeads } from './leads.js';
import type { World } from '../world.js';

type ActivityExpectation = NonNullable<Then['activities']>[number];

const typeName = (id: number) => TYPE_TABLE.find((t) => t.id === id)?.name ?? `type ${id}`;
const attribute = (a: Activity, name: string) => a.attributes.find((x) => x.name.toLowerCase() === name.toLowerCase())?.value;

/** The writer's input source: Source on Change Data Value, Source Type on New Lead, else Reason. */
function sourceOf(a: Activity): unknown {
  return attribute(a, 'Source') ?? attribute(a, 'Source Type') ?? attribute(a, 'Reason');
}

/** One line per activity, the way the reports list them. */
export function describeActivity(a: Activity): string {
  const change = a.fields?.[0];
  const detail = change ? ` ${change.name}: ${JSON.stringify(change.oldValue)} -> ${JSON.stringify(change.newValue)}` : '';
  return `#${a.id} ${typeName(a.activityTypeId)} lead ${a.leadId}${detail} (${String(sourceOf(a))})`;
}

function describeExpectation(e: ActivityExpectation): string {
  const parts = [typeof e.type === 'number' ? typeName(e.type) : e.type];
  if (e.lead !== undefined) parts.push(`lead ${typeof e.lead === 'number' ? e.lead : JSON.stringify(e.lead)}`);
  if (e.field !== undefined) parts.push(`field ${e.field}`);
  if (e.oldValue !== undefined) parts.push(`from ${JSON.stringify(e.oldValue)}`);
  if (e.newValue !== undefined) parts.push(`to ${JSON.stringify(e.newValue)}`);
  if (e.source !== undefined) parts.push(`source '${e.source}'`);
  return parts.join(', ');
}

export function activitiesSinceBaseline(world: World, state: InstanceState): Activity[] {
  const after = world.baseline.lastActivityId.get(state.munchkinId) ?? 0;
  return state.activities.filter((a) => a.id > after);
}

export function expectActivities(world: World, then: Then): Failure[] {
  const failures: Failure[] = [];
  then.activities?.forEach((e, i) => {
    const at = `then.activities[${i}]`;
    const state = world.instance(e.instance);
    const typeId = typeof e.type === 'number' ? e.type : ACTIVITY_TYPES[e.type];
    let leadIds: Set<number> | undefined;
    if (e.lead !== undefined) {
      const leads = typeof e.lead === 'number' ? [{ id: e.lead }] : selectLeads(state, { where: e.lead });
      if (typeof leads === 'string') {
        failures.push({ at: `${at}.lead`, message: leads, expected: e.lead, actual: null });
        return;
      }
      leadIds = new Set(leads.map((l) => l.id));
    }
    if (e.field !== undefined && !state.fieldByName.has(e.field)) {
      failures.push({ at: `${at}.field`, message: `instance ${state.munchkinId} has no field '${e.field}'`, expected: e.field, actual: null });
      return;
    }
    const logged = activitiesSinceBaseline(world, state);
    const matching = logged.filter((a) => {
      if (a.activityTypeId !== typeId) return false;
      if (leadIds && !leadIds.has(a.leadId)) return false;
      const change = a.fields?.[0];
      if (e.field !== undefined && change?.name !== e.field) return false;
      if (e.newValue !== undefined && !sameFieldValue(e.newValue, change?.newValue)) return false;
      if (e.oldValue !== undefined && !sameFieldValue(e.oldValue, change?.oldValue)) return false;
      if (e.source !== undefined && sourceOf(a) !== e.source) return false;
      return true;
    });
    const count = e.count ?? AT_LEAST_ONE;
    if (!countMatches(count, matching.length)) {
      const sameType = logged.filter((a) => a.activityTypeId === typeId && (!leadIds || leadIds.has(a.leadId)));
      failures.push({
        at,
        message: `${describeCount(count)} activit${count === 1 ? 'y' : 'ies'} (${describeExpectation(e)}) expected, found ${matching.length}`,
        expected: { count: shownCount(count), activity: describeExpectation(e) },
        actual: { count: matching.length, [`${typeName(typeId)} activities logged${leadIds ? ' for that lead' : ''}`]: sameType.slice(0, 12).map(describeActivity) },
      });
    }
  });
  return failures;
}
