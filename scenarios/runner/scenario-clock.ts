// The virtual clock of one scenario: frozen, auto-advancing, and aware that the emulator's own waits belong to tracked calls.
import { SimClock } from '../../simulator/domain/clock.js';

/**
 * Every HTTP call a scenario makes (its own and the connector's) is tracked, so auto-advance never jumps while a call
 * is in transit; the emulator releases its own waits inside a call (latency faults, upsert race windows).
 */
export class ScenarioClock extends SimClock {
  constructor(start: string) {
    super({ start, frozen: true, autoAdvance: true });
  }

  /**
   * Moves exactly `ms` forward, firing the timers due on the way and letting their work run. Auto-advance is off
   * meanwhile: the idle turns between timers must not let it jump past the target to a later timer.
   */
  async advanceExactly(ms: number): Promise<void> {
    this.setAutoAdvance(false);
    try {
      await this.advanceAsync(ms);
    } finally {
      this.setAutoAdvance(true);
    }
  }
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `1h30m` -> 5400000; a number is already milliseconds. */
export function parseDuration(value: number | string): number {
  if (typeof value === 'number') return value;
  let total = 0;
  for (const m of value.matchAll(/(\d+)(ms|s|m|h|d)/g)) total += Number(m[1]) * UNIT_MS[m[2]];
  return total;
}

export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1_000], ['ms', 1]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('');
}
