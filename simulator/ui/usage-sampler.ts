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

export class UsageSampler {
  private history = new Map<string, UsageSample[]>();

  constructor(private readonly runtime: Runtime) {
    runtime.onReset(() => this.history.clear());
  }

  /** Takes one sample of every instance and returns the usage with its history. */
  sample(): InstanceUsage[] {
    const now = this.runtime.clock.now();
    const at = new Date(now).toISOString();
    const out: InstanceUsage[] = [];
    for (const state of this.runtime.instances.values()) {
      const usage = this.runtime.limits(state.munchkinId).usage(now);
      let samples = this.history.get(state.munchkinId);
      if (!samples) this.history.set(state.munchkinId, (samples = []));
      samples.push({ at, windowCalls: usage.windowCalls, inFlight: usage.inFlight, dayCalls: usage.dayCalls });
      if (samples.length > USAGE_HISTORY) samples.splice(0, samples.length - USAGE_HISTORY);
      const { enabled, ratePer20s, rateWindowSeconds, concurrent, dailyQuota } = state.settings.limits;
      out.push({ munchkinId: state.munchkinId, limits: { enabled, ratePer20s, rateWindowSeconds, concurrent, dailyQuota }, samples: [...samples] });
    }
    for (const id of this.history.keys()) if (!this.runtime.instances.has(id)) this.history.delete(id);
    return out;
  }

  /** The latest sample of each instance only (what a live stream sends each tick). */
  latest(usage: InstanceUsage[]): InstanceUsage[] {
    return usage.map((u) => ({ ...u, samples: u.samples.slice(-1) }));
  }
}
