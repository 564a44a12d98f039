// Connector runs shown on the dashboard: per-profile outcomes, their counts, and throughput per interval of instance time.

export const OUTCOMES = ['created', 'updated', 'skipped', 'rejected', 'failed'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface ProfileOutcome {
  /** Instance clock time (ms) of the outcome. */
  at: number;
  /** The AEP profile (its id or primary email). */
  profile: string;
  email: string | null;
  status: Outcome;
  /** Why it was skipped, rejected or failed (e.g. "ambiguous: 2 leads match", "no Email identity", "606 ..."). */
  reason: string | null;
  leadId: number | null;
}

export interface RunDestination {
  munchkinId: string;
  partition: string;
  dedupFields: string[];
}

export type Counts = Record<Outcome, number>;

export interface ThroughputBucket extends Counts {
  /** Start of the interval (ISO, instance clock). */
  at: string;
}

export interface RunSummary {
  id: number;
  name: string;
  destination: RunDestination;
  state: 'running' | 'finished' | 'failed';
  startedAt: string;
  endedAt: string | null;
  error: string | null;
  counts: Counts;
  total: number;
  bucketSeconds: number;
  throughput: ThroughputBucket[];
}

export interface OutcomePage {
  total: number;
  offset: number;
  limit: number;
  /** Newest first. */
  outcomes: ProfileOutcome[];
}

/** Outcomes kept per run for the table (counts and throughput cover every outcome). */
export const KEPT_OUTCOMES = 10_000;
export const BUCKET_SECONDS = 5;
export const KEPT_BUCKETS = 120;

const zeroCounts = (): Counts => ({ created: 0, updated: 0, skipped: 0, rejected: 0, failed: 0 });

export class ConnectorRun {
  readonly counts = zeroCounts();
  private outcomes: ProfileOutcome[] = [];
  private buckets: { start: number; counts: Counts }[] = [];
  state: RunSummary['state'] = 'running';
  endedAt: number | null = null;
  error: string | null = null;
  total = 0;

  constructor(
    readonly id: number,
    readonly name: string,
    readonly destination: RunDestination,
    readonly startedAt: number,
    private readonly changed: () => void,
  ) {}

  record(outcome: ProfileOutcome): void {
    this.counts[outcome.status]++;
    this.total++;
    this.outcomes.push(outcome);
    if (this.outcomes.length > KEPT_OUTCOMES * 1.5) this.outcomes = this.outcomes.slice(-KEPT_OUTCOMES);
    const start = Math.floor(outcome.at / (BUCKET_SECONDS * 1000)) * BUCKET_SECONDS * 1000;
    let bucket = this.buckets[this.buckets.length - 1];
    // Outcomes arrive in clock order; one recorded late lands in the latest bucket rather than reopening an old one.
    if (!bucket || start > bucket.start) {
      bucket = { start, counts: zeroCounts() };
      this.buckets.push(bucket);
      if (this.buckets.length > KEPT_BUCKETS) this.buckets.shift();
    }
    bucket.counts[outcome.status]++;
    this.changed();
  }

  finish(at: number, error?: string): void {
    if (this.state !== 'running') return;
    this.state = error ? 'failed' : 'finished';
    this.error = error ?? null;
    this.endedAt = at;
    this.changed();
  }

  summary(): RunSummary {
    return {
      id: this.id,
      name: this.name,
      destination: this.destination,
      state: this.state,
      startedAt: new Date(this.startedAt).toISOString(),
      endedAt: this.endedAt === null ? null : new Date(this.endedAt).toISOString(),
      error: this.error,
      counts: { ...this.counts },
      total: this.total,
      bucketSeconds: BUCKET_SECONDS,
      throughput: this.buckets.map((b) => ({ at: new Date(b.start).toISOString(), ...b.counts })),
    };
  }

  page(offset: number, limit: number, status?: Outcome): OutcomePage {
    const kept = this.outcomes.slice(-KEPT_OUTCOMES);
    const matching = status ? kept.filter((o) => o.status === status) : kept;
    const newestFirst = matching.slice().reverse();
    return { total: matching.length, offset, limit, outcomes: newestFirst.slice(offset, offset + limit) };
  }
}

/** Every run of this emulator; listeners hear about any change (the live feed throttles them). */
export class ConnectorRuns {
  private runs: ConnectorRun[] = [];
  private nextId = 1;
  private readonly listeners = new Set<() => void>();

  start(name: string, destination: RunDestination, at: number): ConnectorRun {
    const run = new ConnectorRun(this.nextId++, name, destination, at, () => this.notify());
    this.runs.push(run);
    this.notify();
    return run;
  }

  list(): RunSummary[] {
    return this.runs.map((r) => r.summary());
  }

  get(id: number): ConnectorRun | undefined {
    return this.runs.find((r) => r.id === id);
  }

  clear(): void {
    this.runs = [];
    this.notify();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
