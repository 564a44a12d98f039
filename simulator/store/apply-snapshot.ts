// Puts a restored snapshot in place in a runtime: instances, clock, and random sources re-seeded from the snapshot.
import { Random } from '../domain/random.js';
import type { restoreState } from '../domain/snapshot.js';
import type { Runtime } from '../runtime.js';

/**
 * Puts restored instances in place. A frozen saved clock is restored exactly; a running one only moves the clock
 * forward (never back), so tokens and activity dates stay in order. Random sources are re-seeded from the
 * snapshot, so ids and tokens drawn after a restore never repeat ones already in the state.
 */
export function applyRestored(runtime: Runtime, restored: ReturnType<typeof restoreState>): void {
  runtime.replaceInstances(restored.instances);
  const clock = runtime.clock;
  if (restored.clock.frozen) {
    clock.freeze();
    clock.set(restored.clock.now);
  } else if (restored.clock.now > clock.now()) {
    clock.set(restored.clock.now);
  }
  const salt = restored.instances.map((s) => `${s.munchkinId}:${s.counters.nextLeadId}:${s.counters.nextActivityId}:${s.tokens.size}`).join('|');
  const root = new Random(`${String(runtime.seed)}/restored/${restored.clock.now}/${salt}`);
  runtime.random = {
    requestIds: root.fork('request-ids'),
    tokens: root.fork('tokens'),
    credentials: root.fork('credentials'),
    faults: root.fork('faults'),
  };
}
