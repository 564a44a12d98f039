// Expectations on the scenario's virtual clock after the steps (a quota pause resumed the next day, a backfill delay).
import type { Then } from '../schema.js';
import type { Failure } from '../match.js';
import type { World } from '../world.js';

export function expectClock(world: World, e: Then['clock']): Failure[] {
  if (!e) return [];
  const now = world.clock.now();
  const shown = new Date(now).toISOString();
  const failures: Failure[] = [];
  if (e.at !== undefined && Date.parse(e.at) !== now) {
    failures.push({ at: 'then.clock.at', message: `the clock should read ${e.at}`, expected: { at: e.at }, actual: { at: shown } });
  }
  if (e.notBefore !== undefined && now < Date.parse(e.notBefore)) {
    failures.push({ at: 'then.clock.notBefore', message: `the clock should have reached ${e.notBefore}`, expected: { notBefore: e.notBefore }, actual: { at: shown } });
  }
  if (e.notAfter !== undefined && now > Date.parse(e.notAfter)) {
    failures.push({ at: 'then.clock.notAfter', message: `the clock should not have passed ${e.notAfter}`, expected: { notAfter: e.notAfter }, actual: { at: shown } });
  }
  return failures;
}
