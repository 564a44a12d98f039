// A lead's activities without scanning the whole log: per-lead chains over the append-only activity array.
import type { Activity, InstanceState } from '../domain/instance.js';

function grow(array: Int32Array<ArrayBuffer>, size: number): Int32Array<ArrayBuffer> {
  if (array.length >= size) return array;
  const next = new Int32Array(Math.max(size, array.length * 2, 1024));
  next.set(array);
  return next;
}

/** head[leadId] and prev[i] hold activity positions + 1 (0 = none), linking each lead's activities newest first. */
export class ActivityLookup {
  private state: InstanceState | null = null;
  private seen = 0;
  private head: Int32Array<ArrayBuffer> = new Int32Array(0);
  private prev: Int32Array<ArrayBuffer> = new Int32Array(0);

  sync(state: InstanceState): void {
    if (state !== this.state || state.activities.length < this.seen) {
      this.state = state;
      this.seen = 0;
      this.head = new Int32Array(0);
      this.prev = new Int32Array(0);
    }
    const activities = state.activities;
    this.prev = grow(this.prev, activities.length);
    for (let i = this.seen; i < activities.length; i++) {
      const leadId = activities[i].leadId;
      this.head = grow(this.head, leadId + 1);
      this.prev[i] = this.head[leadId];
      this.head[leadId] = i + 1;
    }
    this.seen = activities.length;
  }

  /** The lead's activities, newest first, at most `limit`; `total` counts them all. */
  forLead(state: InstanceState, leadId: number, limit: number): { activities: Activity[]; total: number } {
    this.sync(state);
    const out: Activity[] = [];
    let total = 0;
    let at = leadId < this.head.length ? this.head[leadId] : 0;
    while (at !== 0) {
      if (out.length < limit) out.push(state.activities[at - 1]);
      total++;
      at = this.prev[at - 1];
    }
    return { activities: out, total };
  }
}
