// Client-side pacing under Marketo's limits: at most N calls per rolling window and M in flight, on the injected clock.
import type { ConnectorClock } from '../clock.js';

export interface PacingOptions {
  callsPerWindow: number;
  windowMs: number;
  concurrent: number;
  /** Extra time a call stays counted, to absorb clock skew and network delay against a real instance. */
  marginMs: number;
}

export interface PacerUsage {
  inFlight: number;
  inWindow: number;
  waiting: number;
  pausedUntil: number | null;
  /** The limits in force: the configured ones, or the instance's lower ones named in a 606/615. */
  callsPerWindow: number;
  concurrent: number;
}

/** A granted call: `release()` frees its concurrency slot once answered; its rate slot frees itself as the window rolls. */
export interface Slot {
  readonly grantedAt: number;
  release(): void;
}

/** Which limit Marketo said was hit: the rate (606, Data Ingestion 429001) or concurrency (615). */
export type ThrottleKind = 'rate' | 'concurrency';

/**
 * A FIFO gate: `acquire()` resolves when a call may start without provoking 606 (rate) or 615 (concurrency).
 * Marketo's limits are per instance and shared by every service using it, so a 606/615 can still come: `throttled()`
 * takes the instance's limit from the message when it names a lower one, and holds every call until one of this
 * client's own calls has left the window (606) or finished (615), which is when the instance has room again.
 */
export class Pacer {
  private readonly starts: number[] = [];
  private readonly waiters: (() => void)[] = [];
  private inFlight = 0;
  private wakeAt: number | null = null;
  private pausedUntil: number | null = null;
  /** A 615 with calls of this client in flight: nothing starts until one of them has finished. */
  private holdForRelease = false;
  private windowMs: number;
  private rate: number;
  private concurrency: number;

  constructor(
    private readonly clock: ConnectorClock,
    private readonly options: PacingOptions,
  ) {
    this.windowMs = options.windowMs;
    this.rate = options.callsPerWindow;
    this.concurrency = options.concurrent;
  }

  /** Waits for a slot; `first` puts the caller ahead of the queue (a call being repeated has waited its turn already). */
  acquire(options: { first?: boolean } = {}): Promise<Slot> {
    return new Promise((resolve) => {
      const grant = () => {
        let released = false;
        resolve({
          grantedAt: this.clock.now(),
          release: () => {
            if (released) return;
            released = true;
            this.inFlight--;
            this.holdForRelease = false;
            this.pump();
          },
        });
      };
      if (options.first) this.waiters.unshift(grant);
      else this.waiters.push(grant);
      this.pump();
    });
  }

  /** Holds every call until `until` (the daily quota reset after a 607, or a rate-limit hold). */
  pauseUntil(until: number): void {
    if (this.pausedUntil === null || until > this.pausedUntil) this.pausedUntil = until;
    this.pump();
  }

  /**
   * Marketo refused a call granted at `grantedAt` for its rate or concurrency limit (`limit` when the message names
   * it). Returns how many calls of this client were counted against that limit besides the refused one: with none,
   * other services used it up and the caller decides how long to hold (pauseUntil).
   */
  throttled(kind: ThrottleKind, grantedAt: number, limit?: { count: number; windowMs?: number }): number {
    const now = this.clock.now();
    if (kind === 'rate') {
      // A refused call is not counted by Marketo.
      const refused = this.starts.lastIndexOf(grantedAt);
      if (refused >= 0) this.starts.splice(refused, 1);
      if (limit?.windowMs !== undefined && limit.windowMs > this.windowMs) this.windowMs = limit.windowMs;
      if (limit) this.rate = Math.max(1, Math.min(this.rate, limit.count));
      this.prune(now);
      if (this.starts.length > 0) this.pauseUntil(this.starts[0] + this.span());
      return this.starts.length;
    }
    if (limit) this.concurrency = Math.max(1, Math.min(this.concurrency, limit.count));
    if (this.inFlight > 0) this.holdForRelease = true;
    return this.inFlight;
  }

  /** When the next call could start as far as this client's own counts go (now when a slot is free). */
  nextStartAt(): number {
    const now = this.clock.now();
    this.prune(now);
    const rateAt = this.starts.length >= this.rate ? this.starts[this.starts.length - this.rate] + this.span() : now;
    return Math.max(rateAt, this.pausedUntil ?? now);
  }

  usage(): PacerUsage {
    this.prune(this.clock.now());
    return {
      inFlight: this.inFlight,
      inWindow: this.starts.length,
      waiting: this.waiters.length,
      pausedUntil: this.pausedUntil,
      callsPerWindow: this.rate,
      concurrent: this.concurrency,
    };
  }

  private span(): number {
    return this.windowMs + this.options.marginMs;
  }

  private prune(now: number): void {
    const span = this.span();
    let drop = 0;
    while (drop < this.starts.length && this.starts[drop] + span <= now) drop++;
    if (drop > 0) this.starts.splice(0, drop);
  }

  private pump(): void {
    const now = this.clock.now();
    if (this.pausedUntil !== null) {
      if (now < this.pausedUntil) return this.wake(this.pausedUntil);
      this.pausedUntil = null;
    }
    this.prune(now);
    while (this.waiters.length > 0 && !this.holdForRelease && this.inFlight < this.concurrency) {
      if (this.starts.length >= this.rate) {
        // The start that has to leave the window before the count is under the limit again.
        return this.wake(this.starts[this.starts.length - this.rate] + this.span());
      }
      this.inFlight++;
      this.starts.push(now);
      this.waiters.shift()!();
    }
  }

  private wake(at: number): void {
    if (this.wakeAt !== null && this.wakeAt <= at) return;
    this.wakeAt = at;
    void this.clock.sleep(Math.max(0, at - this.clock.now())).then(() => {
      if (this.wakeAt === at) this.wakeAt = null;
      this.pump();
    });
  }
}
