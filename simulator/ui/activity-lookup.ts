// A lead's activities without scanning the whole log: per-lead chains over the append-only activity array.
import type { Activity, InstanceState } from '../domain/instance.js';
import { runNow, runSliced, type Sliced } from './sliced.js';

/** Activities linked between yields of a sliced catch-up. */
const STEP = 4096;

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

  /** Links the activities appended since the last look (all of them at first: about a million for a 1M-lead instance). */
  sync(state: InstanceState): void {
    runNow(this.catchUp(state));
  }

  /** The same in slices, so the emulator keeps serving while a large log is linked. */
  prepare(state: InstanceState, sliceMs?: number): Promise<void> {
    return runSliced(this.catchUp(state), sliceMs);
  }

  // Reads this.seen on every step, so two catch-ups interleaved by the slicer never link an activity twice.
  private *catchUp(state: InstanceState): Sliced<void> {
    if (state !== this.state || state.activities.length < this.seen) {
      this.state = state;
      this.seen = 0;
      this.head = new Int32Array(0);
      this.prev = new Int32Array(0);
    }
    const activities = state.activities;
    while (this.state === state && this.seen < activities.length) {
      const i = this.seen;
      this.prev = grow(this.prev, i + 1);
      const leadId = activities[i].leadId;
      this.head = grow(this.head, leadId + 1);
      this.prev[i] = this.head[leadId];
      this.head[leadId] = i + 1;
      this.seen = i + 1;
      if (i % STEP === 0) yield;
    }
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
