// Injected time and randomness: the connector never reads the wall clock or Math.random behind its caller's back.

/** What the connector needs from a clock. The emulator's SimClock satisfies it (virtual time in tests and benches). */
export interface ConnectorClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Marks work in flight, so an auto-advancing virtual clock does not jump while an HTTP call runs. */
  track?<T>(work: Promise<T>): Promise<T>;
  /** Runs `fire` after `ms` unless cancelled; request timeouts use it (without it they run on real time). */
  schedule?(ms: number, fire: () => void): () => void;
}

/** Real time: Date.now and setTimeout. */
export const realClock: ConnectorClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
  schedule: (ms, fire) => {
    const timer = setTimeout(fire, Math.max(0, ms));
    return () => clearTimeout(timer);
  },
};

/** A float in [0, 1). */
export type RandomSource = () => number;

/** mulberry32: a small seeded PRNG, identical on every platform, for jitter that tests can reproduce. */
export function seededRandom(seed: number | string): RandomSource {
  let state = typeof seed === 'number' ? seed >>> 0 : hashString(seed);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hashString(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Runs `work` as tracked work on the clock when it supports tracking. */
export function tracked<T>(clock: ConnectorClock, work: Promise<T>): Promise<T> {
  return clock.track ? clock.track(work) : work;
}

const chicagoDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Chicago' });

/** The next 00:00 in America/Chicago after `now`: when Marketo's daily quota (607) resets. */
export function nextChicagoMidnight(now: number): number {
  // Chicago's offset is a whole number of hours, so its midnight falls on a whole UTC hour (DST-safe).
  const today = chicagoDate.format(new Date(now));
  let candidate = Math.floor(now / 3_600_000) * 3_600_000 + 3_600_000;
  while (chicagoDate.format(new Date(candidate)) === today) candidate += 3_600_000;
  return candidate;
}
