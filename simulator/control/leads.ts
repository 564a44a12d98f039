// Control plane, leads: insert into a partition and list, bypassing the REST API, its permissions and its limits.
import { MarketoError } from '../http/errors.js';
import { partitionByName, type InstanceState, type Lead } from '../domain/instance.js';
import { insertLead, parseInsertRecord } from '../domain/leads.js';
import { keyOf } from '../domain/fields.js';
import type { Control } from './api.js';
import { notFound, type ControlContext } from './context.js';
import { ControlError, parseInput } from './errors.js';
import { insertLeadsSchema, listLeadsSchema } from './schemas.js';
import { leadView, type LeadView } from './views.js';

export function leadControl({ runtime, instance, record }: ControlContext): Pick<Control, 'insertLeads' | 'listLeads'> {
  return {
    insertLeads(munchkinId, request) {
      const state = instance(munchkinId);
      const body = parseInput(insertLeadsSchema, request, 'leads');
      const partition = partitionByName(state, body.partition);
      if (!partition) {
        throw new ControlError(400, `partition: '${body.partition}' does not exist (known: ${state.partitions.map((p) => p.name).join(', ')})`, 'partition');
      }
      // Validate every record first, so a bad one leaves nothing half inserted.
      const records = body.leads.map((raw, i) => {
        try {
          return parseInsertRecord(state, raw);
        } catch (e) {
          if (e instanceof MarketoError) throw new ControlError(400, `leads[${i}]: ${e.reasons[0].message} (${e.reasons[0].code})`, `leads[${i}]`);
          throw e;
        }
      });
      const ctx = runtime.systemContext(body.inputSource);
      const ids = records.map((values) => insertLead(state, partition.id, values, ctx, { logActivity: body.activities }).id);
      record(state.munchkinId, `inserted ${ids.length} lead(s) into '${partition.name}'`, { firstId: ids[0], lastId: ids[ids.length - 1] });
      return { ids, partition: partition.name };
    },

    listLeads(munchkinId, query = {}) {
      const state = instance(munchkinId);
      const q = parseInput(listLeadsSchema, query, 'lead query');
      let partitionId: number | undefined;
      if (q.partition !== undefined) {
        const p = partitionByName(state, q.partition);
        if (!p) throw notFound(`partition '${q.partition}' not found in instance ${state.munchkinId}`);
        partitionId = p.id;
      }
      const inPartition = (lead: Lead) => partitionId === undefined || lead.partitionId === partitionId;
      const emailKey = q.email === undefined ? undefined : keyOf({ dataType: 'email' }, q.email);
      const after = q.after ?? 0;
      const out: LeadView[] = [];
      let next: number | null = null;
      const take = (lead: Lead) => {
        if (out.length < q.limit) out.push(leadView(state, lead.id));
        else next ??= out[out.length - 1].id;
      };
      if (emailKey !== undefined) {
        const matching = emailMatches(state, emailKey).filter(inPartition);
        for (const lead of matching) if (lead.id > after && next === null) take(lead);
        return { total: matching.length, leads: out, next };
      }
      // Ids are handed out in order, so a page starts right after `after` instead of scanning every lead before it.
      for (let id = after + 1; id < state.counters.nextLeadId && next === null; id++) {
        const lead = state.leads.get(id);
        if (lead && inPartition(lead)) take(lead);
      }
      return { total: partitionId === undefined ? state.leads.size : state.index.partitionSize(partitionId), leads: out, next };
    },
  };
}

/** Leads whose email equals the key, in id order: from the email index when email is searchable, else by a scan. */
function emailMatches(state: InstanceState, key: string | null): Lead[] {
  if (key === null) return [];
  const ids = state.index.hasField('email')
    ? [...state.index.find('email', key)].sort((a, b) => a - b)
    : [...state.leads.values()].filter((l) => keyOf({ dataType: 'email' }, l.values.email ?? null) === key).map((l) => l.id);
  return ids.map((id) => state.leads.get(id)!);
}
