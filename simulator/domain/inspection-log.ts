// The emulator's own inspection log (not a Marketo feature): requests, blocked writes, limit hits, faults, deprecations.

export type LogKind =
  | 'request'
  | 'blocked-write'
  | 'limit'
  | 'fault'
  | 'deprecated'
  | 'ingestion'
  | 'control';

export interface LogEntry {
  seq: number;
  at: string;
  munchkinId: string;
  kind: LogKind;
  /** Short human summary, e.g. `POST /rest/v1/leads.json -> 606`. */
  message: string;
  clientId?: string;
  requestId?: string;
  method?: string;
  path?: string;
  status?: number;
  code?: string;
  data?: Record<string, unknown>;
}

export interface LogFilter {
  munchkinId?: string;
  kind?: LogKind;
  clientId?: string;
  requestId?: string;
  /** Entries with seq greater than this. */
  after?: number;
  /** Entries with seq smaller than this. */
  before?: number;
  /** `asc` (default): oldest first; `desc`: newest first (the latest `limit` entries, then older pages). */
  order?: 'asc' | 'desc';
  limit?: number;
}

export interface LogPage {
  entries: LogEntry[];
  /** Pass as `after` (asc) or `before` (desc) to read the next page; null when nothing more matches. */
  next: number | null;
  dropped: number;
}

/** A bounded log: it keeps the last `capacity` entries (up to a tenth more between trims); `dropped` says how many went. */
export class InspectionLog {
  private entries: LogEntry[] = [];
  private seq = 0;
  private droppedCount = 0;
  private readonly listeners = new Set<(entry: LogEntry) => void>();

  constructor(private readonly capacity = 100_000) {}

  append(entry: Omit<LogEntry, 'seq'>): LogEntry {
    const full: LogEntry = { seq: ++this.seq, ...entry };
    this.entries.push(full);
    // Trimmed in chunks of a tenth of the capacity: shifting a full array on every append costs O(capacity) each time.
    if (this.entries.length > this.capacity + Math.floor(this.capacity / 10)) {
      const excess = this.entries.length - this.capacity;
      this.entries.splice(0, excess);
      this.droppedCount += excess;
    }
    for (const listener of this.listeners) listener(full);
    return full;
  }

  query(filter: LogFilter = {}): LogPage {
    const limit = Math.min(Math.max(filter.limit ?? 100, 1), 1000);
    const matches = (e: LogEntry) =>
      (!filter.munchkinId || e.munchkinId === filter.munchkinId) &&
      (!filter.kind || e.kind === filter.kind) &&
      (!filter.clientId || e.clientId === filter.clientId) &&
      (!filter.requestId || e.requestId === filter.requestId);
    // Entries are in seq order, so the after/before bounds are found by binary search rather than a scan.
    const from = this.firstAbove(filter.after ?? 0);
    const to = filter.before === undefined ? this.entries.length : this.firstAbove(filter.before - 1);
    const desc = filter.order === 'desc';
    const out: LogEntry[] = [];
    let next: number | null = null;
    for (let i = desc ? to - 1 : from; desc ? i >= from : i < to; i += desc ? -1 : 1) {
      const e = this.entries[i];
      if (!matches(e)) continue;
      if (out.length === limit) {
        next = out[out.length - 1].seq;
        break;
      }
      out.push(e);
    }
    return { entries: out, next, dropped: this.droppedCount };
  }

  /** Index of the first entry whose seq is greater than `seq`. */
  private firstAbove(seq: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid].seq > seq) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  subscribe(listener: (entry: LogEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  clear(): void {
    this.entries = [];
    this.droppedCount = 0;
  }
}
