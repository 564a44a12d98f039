// SimClock.release: a tracked call that waits on the clock (emulated latency) lets auto-advance reach its timer.
import { describe, expect, it } from 'vitest';
import { SimClock } from '../simulator/domain/clock.js';

describe('SimClock.release', () => {
  it('lets auto-advance jump while tracked work waits on the clock, and holds it otherwise', async () => {
    const clock = new SimClock({ start: 0, frozen: true, autoAdvance: true });
    const order: string[] = [];
    // Tracked work that sleeps 5 s without release never sees time move (it holds auto-advance)...
    let held = false;
    void clock.track(clock.sleep(5_000).then(() => (held = true)));
    await new Promise((r) => setTimeout(r, 20));
    expect(held).toBe(false);
    expect(clock.now()).toBe(0);
    clock.advance(5_000);
    await new Promise((r) => setImmediate(r));
    expect(held).toBe(true);
    // ...while tracked work whose wait is released lets the clock jump to the timer, then holds it again.
    const work = clock.track(
      (async () => {
        await null; // like a server, the waiting starts on a later turn than the caller's track()
        await clock.release(clock.sleep(1_000));
        order.push(`woke at ${clock.now()}`);
        clock.schedule(60_000, () => order.push('later timer fired'));
        await new Promise((r) => setTimeout(r, 10));
        order.push(`done at ${clock.now()}`);
      })(),
    );
    await work;
    expect(order).toEqual(['woke at 6000', 'done at 6000']);
    // Once the tracked work ends, auto-advance moves on to the next timer.
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual(['woke at 6000', 'done at 6000', 'later timer fired']);
    clock.dispose();
  });

  it('borrows nothing when no tracked work is in flight', async () => {
    const clock = new SimClock({ start: 0, frozen: true, autoAdvance: true });
    await clock.release(clock.sleep(250));
    expect(clock.now()).toBe(250);
    // Tracking still works afterwards (the in-flight count did not go negative).
    let fired = false;
    clock.schedule(100, () => (fired = true));
    await clock.track(new Promise((r) => setTimeout(r, 20)));
    await new Promise((r) => setTimeout(r, 20));
    expect(fired).toBe(true);
    clock.dispose();
  });
});
