// The REST write path: Marketo's own upsert, or a lookup then update by id / create in the partition; and read-back.
import { keptFields } from './mapping.js';
import { MarketoCallError } from './marketo/errors.js';
import type { Slot } from './marketo/pacer.js';
import type { LeadRecord, MarketoReason, SyncAction, SyncRecordResult } from './marketo/types.js';
import { decide, findLeadsByFirstValue, firstValueKey, lookupProblem, matchingLeads } from './dedup.js';
import { REASON, connectorReason, type Reason } from './outcomes.js';
import type { Job, PipelineContext, StageHooks } from './job.js';

/** Times a job may go back to matching (lead deleted meanwhile, createOnly refused, create unanswered). */
export const MAX_RECHECKS = 3;

/** One dedup field, `matching: auto`: Marketo's own lookup in the partition does the match in one call. */
export async function upsert(ctx: PipelineContext, jobs: Job[], slot: Slot, hooks: StageHooks): Promise<void> {
  const { partition } = ctx.config;
  const results = await syncLeads(ctx, 'createOrUpdate', jobs, slot);
  jobs.forEach((job, i) => {
    const r = results[i];
    if (r.status !== 'skipped') return written(ctx, job, r.id!, r.status, 'createOrUpdate', hooks);
    const code = r.reasons[0]?.code;
    const ownPartitionDenied = code === '1008' && r.reasons[0].message.includes(`'${partition}'`);
    // 1010/1008: the instance dedupes instance-wide and the match lives in another partition, which Person Sync
    // never touches: a new lead in the configured partition is what the destination documents.
    if ((code === '1010' || code === '1008') && !ownPartitionDenied) {
      job.existsElsewhere = true;
      return hooks.enqueue('lookup', job);
    }
    if (code === '1007') return hooks.enqueue('lookup', job);
    skipped(job, r.reasons, [], hooks);
  });
}

/** Get Leads by the first dedup field, then partition and second field client-side: update, create or skip. */
export async function lookup(ctx: PipelineContext, jobs: Job[], slot: Slot, hooks: StageHooks): Promise<void> {
  const { config } = ctx;
  const first = config.dedupFields[0];
  const { byValue, tooMany, unsearchable } = await findLeadsByFirstValue(ctx, jobs.map((j) => j.prep.dedup), [], slot);
  for (const job of jobs) {
    const value = firstValueKey(ctx, job.prep.dedup);
    const problem = lookupProblem(first, job.prep.dedup[first], value, tooMany, unsearchable);
    if (problem) {
      skipped(job, [], [problem], hooks);
      continue;
    }
    const sameFirst = byValue.get(value) ?? [];
    const decision = decide(sameFirst, matchingLeads(ctx, sameFirst, job.prep.dedup), job.existsElsewhere);
    if (decision.kind === 'ambiguous') {
      const described = config.dedupFields.map((f) => `${f}=${String(job.prep.dedup[f])}`).join(', ');
      const message = `${decision.leadIds.length} leads in partition '${config.partition}' match ${described} (ids ${decision.leadIds.join(', ')}); Person Sync updates a single match only`;
      skipped(job, [], [connectorReason(REASON.AMBIGUOUS_MATCH, message)], hooks);
    } else if (decision.kind === 'update' && job.createUnknown) {
      job.notes.push('the create call went unanswered; the lead was found afterwards');
      written(ctx, job, decision.leadId, 'created', 'createDuplicate', hooks);
    } else if (decision.kind === 'update') {
      job.leadId = decision.leadId;
      hooks.enqueue('update', job);
    } else {
      job.createUnknown = false;
      hooks.enqueue(decision.action, job);
    }
  }
}

/** updateOnly by id, createOnly or createDuplicate in the partition. */
export async function write(ctx: PipelineContext, jobs: Job[], action: 'updateOnly' | 'createOnly' | 'createDuplicate', slot: Slot, hooks: StageHooks): Promise<void> {
  const results = await syncLeads(ctx, action, jobs, slot);
  jobs.forEach((job, i) => {
    const r = results[i];
    if (r.status !== 'skipped') return written(ctx, job, r.id!, r.status, action, hooks);
    const code = r.reasons[0]?.code;
    // The lead went away (1004) or appeared (1005) since the lookup: match again.
    if ((action === 'updateOnly' && code === '1004') || (action === 'createOnly' && code === '1005')) {
      if (code === '1005') job.existsElsewhere = true;
      if (job.rechecks++ < MAX_RECHECKS) return hooks.enqueue('lookup', job);
    }
    skipped(job, r.reasons, [], hooks);
  });
}

/** Reads written leads back to report what Marketo kept (Block Field Updates drops a write silently). */
export async function readBack(ctx: PipelineContext, jobs: Job[], slot: Slot, hooks: StageHooks): Promise<void> {
  const { client, fields } = ctx;
  const names = [...new Set(jobs.flatMap((j) => Object.keys(j.prep.record)))];
  let leads: LeadRecord[];
  try {
    leads = await client.getLeadsByFilterType('id', [...new Set(jobs.map((j) => String(j.leadId)))], names, slot);
  } catch (e) {
    for (const job of jobs) {
      job.notes.push(`read-back failed: ${(e as Error).message}`);
      hooks.finish(job, job.written!.status, { leadId: job.leadId, action: job.written!.action });
    }
    return;
  }
  const byId = new Map(leads.map((l) => [l.id, l]));
  for (const job of jobs) {
    const lead = byId.get(job.leadId!);
    if (!lead) job.notes.push(`read-back: lead ${job.leadId} is no longer readable`);
    const kept = lead ? keptFields(job.prep.record, lead, fields) : [];
    hooks.finish(job, job.written!.status, { leadId: job.leadId, action: job.written!.action, kept });
  }
}

async function syncLeads(ctx: PipelineContext, action: SyncAction, jobs: Job[], slot: Slot): Promise<SyncRecordResult[]> {
  const { config, client, counters } = ctx;
  const first = config.dedupFields[0];
  const input = jobs.map((job) => (action === 'updateOnly' ? { id: job.leadId!, ...job.prep.record } : job.prep.record));
  const request =
    action === 'updateOnly'
      ? { action, lookupField: 'id', input }
      : action === 'createDuplicate'
        ? { action, partitionName: config.partition, input }
        : { action, lookupField: first, partitionName: config.partition, input };
  counters.recordsSent += input.length;
  const results = await client.syncLeads(request, slot);
  if (results.length !== jobs.length) {
    throw new MarketoCallError('marketo', `Sync Leads answered ${results.length} results for ${jobs.length} records`, { retryable: false, executed: 'maybe' });
  }
  return results;
}

function written(ctx: PipelineContext, job: Job, leadId: number, status: 'created' | 'updated', action: string, hooks: StageHooks): void {
  if (ctx.config.readBack) {
    job.leadId = leadId;
    job.written = { status, action };
    return hooks.enqueue('readBack', job);
  }
  hooks.finish(job, status, { leadId, action });
}

function skipped(job: Job, marketo: MarketoReason[], own: Reason[], hooks: StageHooks): void {
  hooks.finish(job, 'skipped', { reasons: [...marketo.map((r) => ({ code: String(r.code), message: r.message, source: 'marketo' as const })), ...own] });
}
