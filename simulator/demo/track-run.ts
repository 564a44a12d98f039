// Reports a Person Sync connector's per-profile outcomes to the dashboard's connector runs.
import type { ExportResult, PersonSync } from '../../connector/index.js';
import type { ConnectorRun, ProfileOutcome } from '../ui/runs.js';

/** Why an outcome is what it is: the reasons, or for an update the fields Marketo kept (blocked writes seen by read-back). */
export function outcomeReason(result: ExportResult): string | null {
  if (result.reasons.length > 0) return result.reasons.map((r) => `${r.code} ${r.message}`).join('; ');
  if (result.kept && result.kept.length > 0) {
    return `blocked field kept: ${result.kept.map((k) => `${k.field} stays ${JSON.stringify(k.kept)} (sent ${JSON.stringify(k.sent)})`).join(', ')}`;
  }
  return null;
}

export function toProfileOutcome(result: ExportResult): ProfileOutcome {
  return {
    at: result.finishedAt,
    profile: result.id,
    email: result.email,
    status: result.status,
    reason: outcomeReason(result),
    leadId: result.leadId ?? null,
  };
}

/** Records every outcome of `sync` into `run` from now on; returns the unsubscribe function. */
export function trackRun(sync: PersonSync, run: ConnectorRun): () => void {
  return sync.on('outcome', (event) => run.record(toProfileOutcome(event.result)));
}
