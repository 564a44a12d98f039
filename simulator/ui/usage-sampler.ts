// Rate-limit and quota usage of each instance over time for the live charts, kept whether or not anyone is watching.
import type { LimitSettings } from '../domain/instance.js';
import type { Runtime } from '../runtime.js';

export interface UsageSample {
  /** Instance clock time of the sample's second (ISO). */
  at: string;
  windowCalls: number;
  inFlight: number;
  dayCalls: number;
}

export interface InstanceUsage {
  munchkinId: string;
  limits: Pick<LimitSettings, 'enabled' | 'ratePer20s' | 'rateWindowSeconds' | 'concurrent' | 'dailyQuota'>;
  /** Oldest first, at most one per second of instance time; the last one is the current usage. */
  samples: UsageSample[];
}

/** Samples kept per instance: two minutes of activity at one a second. */
export const USAGE_HISTORY = 120;

const SAMPLE_MS = 1000;

interface History {
  samples: UsageSample[];
  /** The instance-clock second of the last sample. */
  second: number;
}

/**
 * Samples an instance whenever an API call to it ends and every instance whenever the clock is set or advanced, so a
 * developer who opens the dashboard after an incident still sees it; while someone holds it (a live viewer, a running
 * demo) also once a second of real time, so a window that empties shows as it empties. Samples within one second of
 * instance time merge into one (the highest counts win), so a frozen clock never fills the history with copies.
 */
export class UsageSampler {
  private history = new Map<string, History>();
  private holders = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly listeners = new Set<(usage: InstanceUsage[]) => void>();

  constructor(private readonly runtime: Runtime) {
    runtime.onReset(() => this.history.clear());
    runtime.log.subscribe((entry) => {
      if (entry.kind === 'request' || entry.kind === 'limit') this.record(entry.munchkinId, runtime.clock.now());
    });
    runtime.clock.onChange((now) => {
      for (const id of runtime.instances.keys()) this.record(id, now);
    });
  }

  /** Keeps the one-second timer running until the returned release function is called. */
  retain(): () => void {
    this.holders++;
    if (!this.timer) {
      this.timer = setInterval(() => {
        const usage = this.sample();
        for (const listener of this.listeners) listener(usage);
      }, SAMPLE_MS);
      this.timer.unref();
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holders === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
  }

  /** Hears every timed sample. */
  onSample(listener: (usage: InstanceUsage[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Samples every instance now and returns the usage with its history. */
  sample(): InstanceUsage[] {
    const now = this.runtime.clock.now();
    for (const id of this.runtime.instances.keys()) this.record(id, now);
    for (const id of this.history.keys()) if (!this.runtime.instances.has(id)) this.history.delete(id);
    return [...this.runtime.instances.values()].map((state) => {
      const { enabled, ratePer20s, rateWindowSeconds, concurrent, dailyQuota } = state.settings.limits;
      const samples = (this.history.get(state.munchkinId)?.samples ?? []).map((s) => ({ ...s }));
      return { munchkinId: state.munchkinId, limits: { enabled, ratePer20s, rateWindowSeconds, concurrent, dailyQuota }, samples };
    });
  }

  /** The latest sample of each instance only (what a live stream sends each tick). */
  latest(usage: InstanceUsage[]): InstanceUsage[] {
    return usage.map((u) => ({ ...u, samples: u.samples.slice(-1) }));
  }

  private record(munchkinId: string, now: number): void {
    const state = this.runtime.instance(munchkinId);
    if (!state) return;
    const usage = this.runtime.limits(state.munchkinId).usage(now);
    const second = Math.floor(now / 1000);
    let history = this.history.get(state.munchkinId);
    if (!history) this.history.set(state.munchkinId, (history = { samples: [], second: Number.NaN }));
    const last = history.samples[history.samples.length - 1];
    if (last && history.second === second) {
      last.windowCalls = Math.max(last.windowCalls, usage.windowCalls);
      last.inFlight = Math.max(last.inFlight, usage.inFlight);
      last.dayCalls = usage.dayCalls;
      return;
    }
    history.second = second;
    history.samples.push({ at: new Date(second * 1000).toISOString(), windowCalls: usage.windowCalls, inFlight: usage.inFlight, dayCalls: usage.dayCalls });
    if (history.samples.length > USAGE_HISTORY) history.samples.splice(0, history.samples.length - USAGE_HISTORY);
  }
}
