// Long dashboard work (index builds at 1M leads) run in slices of a few milliseconds, so the emulator keeps answering other clients.

/** Work written as a generator that yields every few hundred steps; its return value is the result. */
export type Sliced<T> = Generator<void, T, void>;

/** How long one slice may hold the event loop. */
export const SLICE_MS = 8;

/** Runs the work to its end now (tests, the bench, and catch-ups small enough not to matter). */
export function runNow<T>(work: Sliced<T>): T {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
  }
}

/** Runs the work a slice at a time, letting pending I/O run between slices. */
export async function runSliced<T>(work: Sliced<T>, sliceMs = SLICE_MS): Promise<T> {
  for (;;) {
    const until = performance.now() + sliceMs;
    for (;;) {
      const step = work.next();
      if (step.done) return step.value;
      if (performance.now() >= until) break;
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
