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
  limit?: number;
}

export interface LogPage {
  entries: LogEntry[];
  /** Pass as `after` to read on; null when nothing more is stored. */
  next: number | null;
  dropped: number;
}

/** A bounded log: the oldest entries go first once `capacity` is reached, and `dropped` says how many went. */
export class InspectionLog {
  private entries: LogEntry[] = [];
  private seq = 0;
  private droppedCount = 0;
  private readonly listeners = new Set<(entry: LogEntry) => void>();

  constructor(private readonly capacity = 100_000) {}

  append(entry: Omit<LogEntry, 'seq'>): LogEntry {
    const full: LogEntry = { seq: ++this.seq, ...entry };
    this.entries.push(full);
    if (this.entries.length > this.capacity) {
      const excess = this.entries.length - this.capacity;
      this.entries.splice(0, excess);
      this.droppedCount += excess;
    }
    for (const listener of this.listeners) listener(full);
    return full;
  }

  query(filter: LogFilter = {}): LogPage {
    const limit = Math.min(Math.max(filter.limit ?? 100, 1), 1000);
    const out: LogEntry[] = [];
    let next: number | null = null;
    for (const e of this.entries) {
      if (filter.after !== undefined && e.seq <= filter.after) continue;
      if (filter.munchkinId && e.munchkinId !== filter.munchkinId) continue;
      if (filter.kind && e.kind !== filter.kind) continue;
      if (filter.clientId && e.clientId !== filter.clientId) continue;
      if (filter.requestId && e.requestId !== filter.requestId) continue;
      if (out.length === limit) {
        next = out[out.length - 1].seq;
        break;
      }
      out.push(e);
    }
    return { entries: out, next, dropped: this.droppedCount };
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
