// The injectable instance clock: follows real time or stands frozen, can be set and advanced, and runs timers on its own time.

export interface Clock {
  /** Milliseconds since the epoch, on this clock. */
  now(): number;
}

export interface ClockOptions {
  /** Where the clock starts (ms or ISO string). Default: the real time. */
  start?: number | string | Date;
  /** A frozen clock only moves when set or advanced (tests). A running clock follows real time from `start`. */
  frozen?: boolean;
  /**
   * With a frozen clock: when nothing tracked is in flight and timers are pending, jump to the next timer.
   * This turns waits (backoff, pacing, backfill delays) into instant virtual time for tests and benchmarks.
   */
  autoAdvance?: boolean;
  /** Source of real time; injectable so even a running clock is testable. */
  realNow?: () => number;
}

interface Timer {
  at: number;
  seq: number;
  fire: () => void;
}

export interface ClockState {
  now: string;
  frozen: boolean;
  autoAdvance: boolean;
  pendingTimers: number;
}

/** Lets pending promise callbacks and I/O callbacks of the current turn run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

/** The instants the clock may show: 1970-01-01 to 9999-12-31 (beyond, ISO dates and Chicago quota days break). */
export const CLOCK_MIN_MS = 0;
export const CLOCK_MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export function inClockRange(ms: number): boolean {
  return ms >= CLOCK_MIN_MS && ms <= CLOCK_MAX_MS;
}

function toMs(value: number | string | Date): number {
  const ms = typeof value === 'number' ? value : value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError(`not a date: ${String(value)}`);
  if (!inClockRange(ms)) throw new RangeError(`${String(value)} is outside the clock's range (1970-01-01 to 9999-12-31)`);
  return ms;
}

/** A clock with its own timer queue. `sleep` and `schedule` resolve on this clock's time, not the wall's. */
export class SimClock implements Clock {
  private readonly realNow: () => number;
  private frozenAt: number | null;
  private offset: number;
  private timers: Timer[] = [];
  private seq = 0;
  private wake: ReturnType<typeof setTimeout> | null = null;
  private autoAdvance: boolean;
  private inFlight = 0;
  private autoCheck: ReturnType<typeof setImmediate> | null = null;
  private listeners = new Set<(now: number) => void>();

  constructor(options: ClockOptions = {}) {
    this.realNow = options.realNow ?? (() => Date.now());
    const start = options.start === undefined ? this.realNow() : toMs(options.start);
    this.frozenAt = options.frozen ? start : null;
    this.offset = start - this.realNow();
    this.autoAdvance = options.autoAdvance ?? false;
  }

  now(): number {
    return this.frozenAt ?? this.realNow() + this.offset;
  }

  get frozen(): boolean {
    return this.frozenAt !== null;
  }

  state(): ClockState {
    return {
      now: new Date(this.now()).toISOString(),
      frozen: this.frozen,
      autoAdvance: this.autoAdvance,
      pendingTimers: this.timers.length,
    };
  }

  /** Moves the clock forward by `ms` (never backwards) and fires every timer that falls due on the way, in order. */
  advance(ms: number): void {
    this.moveTo(this.advanceTarget(ms));
  }

  /**
   * Like advance, but lets the work each timer wakes up run (and schedule further timers) before moving on,
   * so a loop that sleeps 1 s at a time sees every second of a 60 s advance.
   */
  async advanceAsync(ms: number): Promise<void> {
    const target = this.advanceTarget(ms);
    for (;;) {
      await settle();
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.moveTo(Math.max(next.at, this.now()));
    }
    this.moveTo(target);
    await settle();
  }

  /** Sets the clock to an instant. Setting it into the past is allowed (timers already fired stay fired). */
  set(value: number | string | Date): void {
    this.moveTo(toMs(value));
  }

  freeze(): void {
    if (this.frozenAt === null) this.frozenAt = this.now();
    this.rearm();
  }

  unfreeze(): void {
    if (this.frozenAt === null) return;
    this.offset = this.frozenAt - this.realNow();
    this.frozenAt = null;
    this.rearm();
  }

  setAutoAdvance(on: boolean): void {
    this.autoAdvance = on;
    this.rearm();
  }

  /** Runs `fire` once the clock reaches now + delayMs. Returns a cancel function. */
  schedule(delayMs: number, fire: () => void): () => void {
    const timer: Timer = { at: this.now() + Math.max(0, delayMs), seq: this.seq++, fire };
    this.timers.push(timer);
    this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    this.rearm();
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
      this.rearm();
    };
  }

  /** A promise that resolves when this clock has moved `ms` forward. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.schedule(ms, resolve);
    });
  }

  /** Counts `work` as in flight, so auto-advance does not jump the clock while it runs. */
  async track<T>(work: Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await work;
    } finally {
      this.inFlight--;
      this.rearm();
    }
  }

  /**
   * For work done on behalf of a tracked call that then waits on this clock (an emulated latency or race window):
   * while `waiting` is pending it no longer holds auto-advance, so the clock can jump to the timer it waits for.
   */
  async release<T>(waiting: Promise<T>): Promise<T> {
    const held = this.inFlight > 0;
    if (held) {
      this.inFlight--;
      this.rearm();
    }
    try {
      return await waiting;
    } finally {
      if (held) this.inFlight++;
    }
  }

  /** Called with the new time whenever the clock is set or advanced (rate windows, quota days). */
  onChange(listener: (now: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops the real-time wake-up so a process can exit; pending timers stay queued. */
  dispose(): void {
    if (this.wake) clearTimeout(this.wake);
    if (this.autoCheck) clearImmediate(this.autoCheck);
    this.wake = null;
    this.autoCheck = null;
  }

  private advanceTarget(ms: number): number {
    if (!(ms >= 0)) throw new RangeError('advance needs a non-negative number of milliseconds');
    const target = this.now() + ms;
    if (!inClockRange(target)) throw new RangeError(`advancing ${ms} ms would pass the clock's range (to 9999-12-31)`);
    return target;
  }

  private moveTo(target: number): void {
    while (this.timers.length > 0 && this.timers[0].at <= target) {
      const timer = this.timers.shift()!;
      this.place(Math.max(timer.at, this.now()));
      timer.fire();
    }
    this.place(target);
    for (const listener of this.listeners) listener(this.now());
    this.rearm();
  }

  private place(instant: number): void {
    if (this.frozenAt !== null) this.frozenAt = instant;
    else this.offset = instant - this.realNow();
  }

  private fireDue(): void {
    const now = this.now();
    while (this.timers.length > 0 && this.timers[0].at <= now) this.timers.shift()!.fire();
  }

  private rearm(): void {
    if (this.wake) clearTimeout(this.wake);
    this.wake = null;
    if (this.timers.length === 0) return;
    if (this.frozenAt === null) {
      const delay = Math.max(0, this.timers[0].at - this.now());
      this.wake = setTimeout(() => {
        this.wake = null;
        this.fireDue();
        this.rearm();
      }, Math.min(delay, 2 ** 31 - 1));
      this.wake.unref?.();
    } else if (this.autoAdvance && this.autoCheck === null) {
      this.autoCheck = setImmediate(() => this.autoStep(0));
    }
  }

  /** Jumps to the next timer only after a few quiet turns of the event loop with nothing tracked in flight. */
  private autoStep(quietTurns: number): void {
    this.autoCheck = null;
    if (!this.autoAdvance || this.frozenAt === null || this.timers.length === 0) return;
    if (this.inFlight > 0) return; // track() re-arms when the work ends
    if (quietTurns < 3) {
      this.autoCheck = setImmediate(() => this.autoStep(quietTurns + 1));
      return;
    }
    this.moveTo(this.timers[0].at);
  }
}
