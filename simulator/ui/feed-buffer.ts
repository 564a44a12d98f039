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

  /** The kept tail (at most FEED_TAIL entries), only the entries after `seq` when one is given. */
  since(seq: number | undefined): LogEntry[] {
    const tail = this.entries.slice(-FEED_TAIL);
    return seq === undefined ? tail : tail.filter((e) => e.seq > seq);
  }
}
