// Which leads changed since the last look: read off the activity log and the lead id counter, so the dashboard's indexes catch up without hooks in the domain.
import type { InstanceState } from '../domain/instance.js';
import type { LeadIndex } from '../domain/lead-index.js';

/**
 * Every lead write in the domain leaves an activity (New Lead, Change Data Value, Delete Lead, Change Lead Partition)
 * or takes a new id, so the activities appended since the last poll and the ids handed out since then name every
 * touched lead. A replaced instance (reset), a rebuilt lead index (restore) or a shrunk log means: rebuild.
 */
export class LeadChangeCursor {
  private state: InstanceState | null = null;
  private index: LeadIndex | null = null;
  private activitiesSeen = 0;
  private nextLeadIdSeen = 0;

  poll(state: InstanceState): 'rebuild' | number[] {
    if (this.stale(state)) {
      this.mark(state);
      return 'rebuild';
    }
    const ids = new Set<number>();
    for (let i = this.activitiesSeen; i < state.activities.length; i++) ids.add(state.activities[i].leadId);
    for (let id = this.nextLeadIdSeen; id < state.counters.nextLeadId; id++) ids.add(id);
    this.mark(state);
    return [...ids];
  }

  /** Without moving the cursor: 'rebuild', or at most how many leads changed since the last poll. */
  behind(state: InstanceState): 'rebuild' | number {
    if (this.stale(state)) return 'rebuild';
    return state.activities.length - this.activitiesSeen + (state.counters.nextLeadId - this.nextLeadIdSeen);
  }

  /** From here on: a build reads the store after marking, and the next poll names what changed while it ran. */
  mark(state: InstanceState): void {
    this.state = state;
    this.index = state.index;
    this.activitiesSeen = state.activities.length;
    this.nextLeadIdSeen = state.counters.nextLeadId;
  }

  private stale(state: InstanceState): boolean {
    return (
      state !== this.state ||
      state.index !== this.index ||
      state.activities.length < this.activitiesSeen ||
      state.counters.nextLeadId < this.nextLeadIdSeen
    );
  }
}
