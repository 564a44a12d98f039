// Writes Block Field Updates dropped, per lead, for the lead detail: Marketo leaves no activity for them, the emulator's log does.
import type { BlockedWrite } from '../domain/leads.js';
import type { Runtime } from '../runtime.js';

export interface LeadBlockedWrite extends Omit<BlockedWrite, 'leadId'> {
  /** Instance clock time (ISO). */
  at: string;
  requestId: string | null;
}

/** Kept per lead (newest) and per instance (leads whose last drop is oldest go first). */
const PER_LEAD = 20;
const LEADS_PER_INSTANCE = 10_000;

export class LeadBlockedWrites {
  private readonly byInstance = new Map<string, Map<number, LeadBlockedWrite[]>>();

  constructor(runtime: Runtime) {
    runtime.log.subscribe((entry) => {
      const data = entry.data as Partial<BlockedWrite> | undefined;
      if (entry.kind !== 'blocked-write' || typeof data?.leadId !== 'number' || typeof data.field !== 'string') return;
      let leads = this.byInstance.get(entry.munchkinId);
      if (!leads) this.byInstance.set(entry.munchkinId, (leads = new Map()));
      const list = leads.get(data.leadId) ?? [];
      // Re-inserted, so the Map's order is by each lead's latest drop.
      leads.delete(data.leadId);
      leads.set(data.leadId, list);
      list.push({ at: entry.at, field: data.field, inputSource: String(data.inputSource), keptValue: data.keptValue ?? null, droppedValue: data.droppedValue ?? null, requestId: entry.requestId ?? null });
      if (list.length > PER_LEAD) list.shift();
      if (leads.size > LEADS_PER_INSTANCE) leads.delete(leads.keys().next().value!);
    });
    runtime.onReset(() => this.byInstance.clear());
  }

  /** The lead's dropped writes, newest first. */
  forLead(munchkinId: string, leadId: number): LeadBlockedWrite[] {
    return [...(this.byInstance.get(munchkinId)?.get(leadId) ?? [])].reverse();
  }
}
