// Rate-limit and quota usage of each instance, sampled once a second into a short history for the live charts.
import type { LimitSettings } from '../domain/instance.js';
import type { Runtime } from '../runtime.js';

export interface UsageSample {
  /** Instance clock time of the sample (ISO). */
  at: string;
  windowCalls: number;
  inFlight: number;
  dayCalls: number;
}

export interface InstanceUsage {
  munchkinId: string;
  limits: Pick<LimitSettings, 'enabled' | 'ratePer20s' | 'rateWindowSeconds' | 'concurrent' | 'dailyQuota'>;
  /** Oldest first; the last one is the current usage. */
  samples: UsageSample[];
}

/** Two minutes of history at one sample a second. */
export const USAGE_HISTORY = 120;

const SAMPLE_MS = 1000;

/** Samples on a one-second timer while someone holds it (a live viewer, a running demo), and on every explicit call. */
export class UsageSampler {
  private history = new Map<string, UsageSample[]>();
  private holders = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly listeners = new Set<(usage: InstanceUsage[]) => void>();

  constructor(private readonly runtime: Runtime) {
    runtime.onReset(() => this.history.clear());
  }

  /** Keeps the timer running until the returned release function is called. */
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

  /** The history so far, sampling once first when there is none yet. */
  snapshot(): InstanceUsage[] {
    if (this.history.size === 0) return this.sample();
    return this.view();
  }

  /** Takes one sample of every instance and returns the usage with its history. */
  sample(): InstanceUsage[] {
    const now = this.runtime.clock.now();
    const at = new Date(now).toISOString();
    for (const state of this.runtime.instances.values()) {
      const usage = this.runtime.limits(state.munchkinId).usage(now);
      let samples = this.history.get(state.munchkinId);
      if (!samples) this.history.set(state.munchkinId, (samples = []));
      samples.push({ at, windowCalls: usage.windowCalls, inFlight: usage.inFlight, dayCalls: usage.dayCalls });
      if (samples.length > USAGE_HISTORY) samples.splice(0, samples.length - USAGE_HISTORY);
    }
    for (const id of this.history.keys()) if (!this.runtime.instances.has(id)) this.history.delete(id);
    return this.view();
  }

  private view(): InstanceUsage[] {
    return [...this.runtime.instances.values()].map((state) => {
      const { enabled, ratePer20s, rateWindowSeconds, concurrent, dailyQuota } = state.settings.limits;
      return { munchkinId: state.munchkinId, limits: { enabled, ratePer20s, rateWindowSeconds, concurrent, dailyQuota }, samples: [...(this.history.get(state.munchkinId) ?? [])] };
    });
  }

  /** The latest sample of each instance only (what a live stream sends each tick). */
  latest(usage: InstanceUsage[]): InstanceUsage[] {
    return usage.map((u) => ({ ...u, samples: u.samples.slice(-1) }));
  }
}
