// The recent tail of the inspection log, kept from the moment the dashboard is mounted, so a new viewer sees what just happened.
import type { LogEntry } from '../domain/inspection-log.js';
import type { Runtime } from '../runtime.js';

export const FEED_TAIL = 500;

export class FeedBuffer {
  private entries: LogEntry[] = [];

  constructor(runtime: Runtime) {
    runtime.log.subscribe((entry) => {
      this.entries.push(entry);
      if (this.entries.length > FEED_TAIL * 2) this.entries = this.entries.slice(-FEED_TAIL);
    });
    runtime.onReset(() => (this.entries = []));
  }

  /** Entries after `seq` (at most the last FEED_TAIL), or the last `count` when no seq is given. */
  since(seq: number | undefined, count = FEED_TAIL): LogEntry[] {
    const tail = this.entries.slice(-FEED_TAIL);
    if (seq === undefined) return tail.slice(-count);
    return tail.filter((e) => e.seq > seq);
  }
}
