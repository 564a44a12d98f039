// Matching per Person Sync: candidates are leads in the configured partition whose every dedup field is equal.
import type { DestinationConfig } from './config.js';
import { MarketoCallError } from './marketo/errors.js';
import type { MarketoClient } from './marketo/client.js';
import type { Slot } from './marketo/pacer.js';
import type { Describe2Field, FieldValue, LeadRecord } from './marketo/types.js';
import { normaliseDedupValue } from './record.js';
import { REASON, connectorReason, type Reason } from './outcomes.js';

export interface MatchContext {
  config: DestinationConfig;
  client: MarketoClient;
  fields: ReadonlyMap<string, Describe2Field>;
  partitionId: number;
}

export interface LeadsByFirstValue {
  /** Leads by the normalised first dedup value (all partitions the API user can read). */
  byValue: Map<string, LeadRecord[]>;
  /** First values shared by more than 1,000 leads, which Marketo refuses to list. */
  tooMany: Set<string>;
  /** First values with a comma: `filterValues` is comma-separated, so Get Leads cannot look them up. */
  unsearchable: Set<string>;
}

/** The normalised first dedup value of a record's dedup values. */
export function firstValueKey(ctx: Pick<MatchContext, 'config' | 'fields'>, dedup: Record<string, FieldValue>): string {
  const field = ctx.config.dedupFields[0];
  return normaliseDedupValue(ctx.fields.get(field)?.dataType, dedup[field]);
}

/**
 * Get Leads by Filter Type on the first dedup field (≤ 300 values per call, every page), asking for the second dedup
 * field, `leadPartitionId` and `extraFields`. "Too many results" (> 1,000 matches) halves the values until the
 * offending value is found.
 */
export async function findLeadsByFirstValue(
  ctx: MatchContext,
  dedups: readonly Record<string, FieldValue>[],
  extraFields: readonly string[],
  slot: Slot | undefined,
): Promise<LeadsByFirstValue> {
  const { config, fields, client } = ctx;
  const [first, second] = config.dedupFields;
  const values = new Map<string, string>();
  const unsearchable = new Set<string>();
  for (const dedup of dedups) {
    const key = firstValueKey(ctx, dedup);
    if (String(dedup[first]).includes(',')) unsearchable.add(key);
    else values.set(key, String(dedup[first]));
  }
  const wanted = [...new Set([first, ...(second ? [second] : []), 'leadPartitionId', ...extraFields])];
  const tooMany = new Set<string>();
  const leads: LeadRecord[] = [];
  const query = async (entries: [string, string][], useSlot: Slot | undefined): Promise<void> => {
    try {
      leads.push(...(await client.getLeadsByFilterType(first, entries.map(([, raw]) => raw), wanted, useSlot)));
    } catch (e) {
      if (!(e instanceof MarketoCallError && e.code === '1003' && /too many results/i.test(e.message))) throw e;
      if (entries.length === 1) {
        tooMany.add(entries[0][0]);
        return;
      }
      const half = Math.ceil(entries.length / 2);
      await query(entries.slice(0, half), undefined);
      await query(entries.slice(half), undefined);
    }
  };
  if (values.size > 0) await query([...values.entries()], slot);
  const byValue = new Map<string, LeadRecord[]>();
  const seen = new Set<number>();
  for (const lead of leads) {
    if (seen.has(lead.id)) continue;
    seen.add(lead.id);
    const key = normaliseDedupValue(fields.get(first)?.dataType, lead[first]);
    byValue.set(key, [...(byValue.get(key) ?? []), lead]);
  }
  return { byValue, tooMany, unsearchable };
}

/** The leads among `sameFirst` that sit in the configured partition and whose second dedup field is equal too. */
export function matchingLeads(ctx: Pick<MatchContext, 'config' | 'fields' | 'partitionId'>, sameFirst: readonly LeadRecord[], dedup: Record<string, FieldValue>): LeadRecord[] {
  const second = ctx.config.dedupFields[1];
  const type = second ? ctx.fields.get(second)?.dataType : undefined;
  return sameFirst.filter(
    (lead) =>
      Number(lead.leadPartitionId) === ctx.partitionId &&
      (second === undefined || normaliseDedupValue(type, lead[second]) === normaliseDedupValue(type, dedup[second])),
  );
}

export type MatchDecision =
  | { kind: 'update'; leadId: number }
  | { kind: 'create'; action: 'createOnly' | 'createDuplicate' }
  | { kind: 'ambiguous'; leadIds: number[] };

/**
 * One match -> update it by id. None -> create in the partition: `createOnly` (keyed on the first dedup field, so a
 * lead that appeared meanwhile is refused, not duplicated) when no lead has the first value anywhere the API user can
 * read; `createDuplicate` when some do (other partition, or another second value): Person Sync documents a new lead
 * in the configured partition then, and createOrUpdate/createOnly would update or refuse on the other lead.
 * Several -> ambiguous, never an arbitrary update.
 */
export function decide(sameFirst: readonly LeadRecord[], matches: readonly LeadRecord[], existsElsewhere: boolean): MatchDecision {
  if (matches.length > 1) return { kind: 'ambiguous', leadIds: matches.map((m) => m.id) };
  if (matches.length === 1) return { kind: 'update', leadId: matches[0].id };
  return { kind: 'create', action: sameFirst.length > 0 || existsElsewhere ? 'createDuplicate' : 'createOnly' };
}

/** Why a first dedup value cannot be matched through Get Leads, if it cannot. */
export function lookupProblem(field: string, raw: FieldValue, key: string, tooMany: ReadonlySet<string>, unsearchable: ReadonlySet<string>): Reason | null {
  if (unsearchable.has(key)) {
    return connectorReason(REASON.UNSEARCHABLE_VALUE, `${field}=${String(raw)} contains a comma; Get Leads by filter type takes comma-separated values, so it cannot be matched safely`);
  }
  if (tooMany.has(key)) return connectorReason(REASON.TOO_MANY_MATCHES, `more than 1,000 leads have ${field}=${String(raw)}; Marketo cannot list them to match`);
  return null;
}
