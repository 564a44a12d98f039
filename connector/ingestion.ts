// The Data Ingestion write path: partition + dedupeFields in one asynchronous call, outcomes read back from the instance.
import { keptFields as keptOf } from './mapping.js';
import type { Slot } from './marketo/pacer.js';
import type { LeadRecord } from './marketo/types.js';
import { findLeadsByFirstValue, firstValueKey, lookupProblem, matchingLeads } from './dedup.js';
import { REASON, connectorReason as connector } from './outcomes.js';
import type { Job, PipelineContext, StageHooks } from './job.js';

/**
 * Data Ingestion answers 202 and works later, and reports outcomes only on the Observability Data Stream. So the
 * connector looks before (which leads match, refusing ambiguous ones as the REST path does), sends, then polls Get Leads
 * until each person shows up: a new matching lead = created; the matching lead carrying the sent values = updated.
 * A matching lead that keeps other values is reported once the request visibly ran (another person of it changed, or
 * the lead's updatedAt moved) or the timeout passed, with the fields Marketo kept (Block Field Updates).
 */
export async function ingestBatch(ctx: PipelineContext, jobs: Job[], slot: Slot, hooks: Pick<StageHooks, 'finish'>): Promise<void> {
  const { config, client, clock, fields } = ctx;
  const [first, second] = config.dedupFields;

  const before = await findLeadsByFirstValue(ctx, jobs.map((j) => j.prep.dedup), [], slot);
  const existing = new Map<Job, number | null>();
  for (const job of jobs) {
    const key = firstValueKey(ctx, job.prep.dedup);
    const problem = lookupProblem(first, job.prep.dedup[first], key, before.tooMany, before.unsearchable);
    if (problem) {
      hooks.finish(job, 'skipped', { reasons: [problem] });
      continue;
    }
    const matches = matchingLeads(ctx, before.byValue.get(key) ?? [], job.prep.dedup);
    if (matches.length > 1) {
      hooks.finish(job, 'skipped', {
        reasons: [
          connector(
            REASON.AMBIGUOUS_MATCH,
            `${matches.length} leads in partition '${config.partition}' match (ids ${matches.map((m) => m.id).join(', ')}); Person Sync updates a single match only, so the person was not sent`,
          ),
        ],
      });
      continue;
    }
    existing.set(job, matches[0]?.id ?? null);
  }
  let open = [...existing.keys()];
  if (open.length === 0) return;

  const submittedAt = clock.now();
  ctx.counters.recordsSent += open.length;
  await client.syncPersons({
    partitionName: config.partition,
    dedupeFields: second ? { field1: first, field2: second } : { field1: first },
    persons: open.map((j) => j.prep.record),
  });

  const targets = [...new Set(open.flatMap((j) => Object.keys(j.prep.record)))];
  const deadline = submittedAt + config.ingestion.timeoutMs;
  const keptFields = (job: Job, lead: LeadRecord) => keptOf(job.prep.record, lead, fields);
  const changedSince = (lead: LeadRecord) => typeof lead.updatedAt === 'string' && Date.parse(lead.updatedAt) >= Math.floor(submittedAt / 1000) * 1000;

  while (open.length > 0) {
    await clock.sleep(config.ingestion.pollIntervalMs);
    const after = await findLeadsByFirstValue(ctx, open.map((j) => j.prep.dedup), [...targets, 'updatedAt'], undefined);
    let ran = false;
    const waiting: { job: Job; lead: LeadRecord | null }[] = [];
    for (const job of open) {
      const matches = matchingLeads(ctx, after.byValue.get(firstValueKey(ctx, job.prep.dedup)) ?? [], job.prep.dedup);
      const previous = existing.get(job) ?? null;
      const fresh = matches.filter((m) => m.id !== previous);
      if (previous === null && fresh.length > 0) {
        ran = true;
        if (fresh.length > 1) job.notes.push(`Data Ingestion left ${fresh.length} matching leads (ids ${fresh.map((m) => m.id).join(', ')})`);
        hooks.finish(job, 'created', { leadId: fresh[0].id, action: 'dataIngestion', kept: keptFields(job, fresh[0]) });
        continue;
      }
      const lead = matches.find((m) => m.id === previous) ?? null;
      if (lead && (keptFields(job, lead).length === 0 || changedSince(lead))) {
        if (changedSince(lead)) ran = true;
        hooks.finish(job, 'updated', { leadId: lead.id, action: 'dataIngestion', kept: keptFields(job, lead) });
        continue;
      }
      waiting.push({ job, lead });
    }
    const timedOut = clock.now() >= deadline;
    open = [];
    for (const { job, lead } of waiting) {
      if (lead && (ran || timedOut)) {
        job.notes.push(ran ? 'the request ran; Marketo kept some values of this lead' : 'no change visible before the ingestion timeout');
        hooks.finish(job, 'updated', { leadId: lead.id, action: 'dataIngestion', kept: keptFields(job, lead) });
      } else if (timedOut) {
        hooks.finish(job, 'failed', {
          reasons: [connector(REASON.NOT_APPLIED, `Data Ingestion accepted the person but no matching lead appeared in partition '${config.partition}' within ${config.ingestion.timeoutMs} ms`)],
        });
      } else open.push(job);
    }
  }
}
