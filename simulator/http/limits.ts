// Per-instance call limits: calls in a rolling window (606), calls in flight (615) and the daily quota (607).
import { ERR, UNCOUNTED_CODES, type MarketoReason } from './errors.js';
import type { LimitSettings } from '../domain/instance.js';

const chicagoDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Chicago', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The quota day a moment belongs to: Marketo resets the daily quota at 00:00 America/Chicago. */
export function quotaDay(now: number): string {
  return chicagoDay.format(new Date(now));
}

export interface LimitUsage {
  inFlight: number;
  windowCalls: number;
  dayCalls: number;
  day: string;
}

/** A ticket for one admitted call: `finish` releases its concurrency slot and un-counts it if the code is uncounted. */
export interface Admission {
  finish(code: string | null): void;
}

export class LimitTracker {
  private inFlight = 0;
  private window: number[] = [];
  private day = '';
  private dayCalls = 0;

  constructor(private readonly settings: () => LimitSettings) {}

  /** Admits a call or names the limit it hits. Refused calls are not counted. */
  admit(now: number): Admission | MarketoReason {
    const limits = this.settings();
    this.roll(now, limits);
    if (limits.enabled) {
      if (this.inFlight >= limits.concurrent) return ERR.CONCURRENT_LIMIT(limits.concurrent);
      if (this.window.length >= limits.ratePer20s) return ERR.RATE_LIMIT(limits.ratePer20s, limits.rateWindowSeconds);
      if (this.dayCalls >= limits.dailyQuota) return ERR.DAILY_QUOTA;
    }
    this.inFlight++;
    this.window.push(now);
    this.dayCalls++;
    const countedAt = now;
    const countedDay = this.day;
    let done = false;
    return {
      finish: (code) => {
        if (done) return;
        done = true;
        this.inFlight--;
        if (code !== null && UNCOUNTED_CODES.has(code)) {
          const i = this.window.lastIndexOf(countedAt);
          if (i >= 0) this.window.splice(i, 1);
          // A call that ends after the quota day rolled was counted on the day before, not on this one.
          if (this.day === countedDay && this.dayCalls > 0) this.dayCalls--;
        }
      },
    };
  }

  usage(now: number): LimitUsage {
    this.roll(now, this.settings());
    return { inFlight: this.inFlight, windowCalls: this.window.length, dayCalls: this.dayCalls, day: this.day };
  }

  private roll(now: number, limits: LimitSettings): void {
    const since = now - limits.rateWindowSeconds * 1000;
    let drop = 0;
    while (drop < this.window.length && this.window[drop] <= since) drop++;
    if (drop > 0) this.window.splice(0, drop);
    const day = quotaDay(now);
    if (day !== this.day) {
      this.day = day;
      this.dayCalls = 0;
    }
  }
}
