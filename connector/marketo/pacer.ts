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
}

/**
 * A FIFO gate: `acquire()` resolves when a call may start without provoking 606 (rate) or 615 (concurrency),
 * and returns the function that releases the concurrency slot. The rate slot frees itself when the window rolls.
 */
export class Pacer {
  private readonly starts: number[] = [];
  private readonly waiters: (() => void)[] = [];
  private inFlight = 0;
  private wakeAt: number | null = null;
  private pausedUntil: number | null = null;

  constructor(
    private readonly clock: ConnectorClock,
    private readonly options: PacingOptions,
  ) {}

  acquire(): Promise<() => void> {
    return new Promise((resolve) => {
      this.waiters.push(() => {
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.inFlight--;
          this.pump();
        });
      });
      this.pump();
    });
  }

  /** Holds every call until `until` (the daily quota reset after a 607). */
  pauseUntil(until: number): void {
    if (this.pausedUntil === null || until > this.pausedUntil) this.pausedUntil = until;
    this.pump();
  }

  usage(): PacerUsage {
    this.prune(this.clock.now());
    return { inFlight: this.inFlight, inWindow: this.starts.length, waiting: this.waiters.length, pausedUntil: this.pausedUntil };
  }

  private prune(now: number): void {
    const span = this.options.windowMs + this.options.marginMs;
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
    while (this.waiters.length > 0 && this.inFlight < this.options.concurrent) {
      if (this.starts.length >= this.options.callsPerWindow) {
        return this.wake(this.starts[0] + this.options.windowMs + this.options.marginMs);
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
