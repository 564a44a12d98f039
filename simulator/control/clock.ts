// Control plane, the instance clock: read, advance (firing due timers), set, freeze, unfreeze, auto-advance.
import { inClockRange } from '../domain/clock.js';
import type { Control } from './api.js';
import type { ControlContext } from './context.js';
import { ControlError, parseInput } from './errors.js';
import { clockSchema } from './schemas.js';

export function clockControl({ runtime, record }: ControlContext): Control['clock'] {
  const clock = runtime.clock;
  const clockState = () => clock.state();
  const control: Control['clock'] = {
    get: clockState,
    advance: (ms) => control.update({ advanceMs: ms }),
    set: (instant) => control.update({ set: instant }),
    freeze() {
      clock.freeze();
      record('*', `clock frozen at ${clockState().now}`);
      return clockState();
    },
    unfreeze() {
      clock.unfreeze();
      record('*', `clock running from ${clockState().now}`);
      return clockState();
    },
    setAutoAdvance(on) {
      if (typeof on !== 'boolean') throw new ControlError(400, 'autoAdvance: must be true or false', 'autoAdvance');
      clock.setAutoAdvance(on);
      record('*', `clock auto-advance ${on ? 'on' : 'off'}`);
      return clockState();
    },
    async update(change) {
      const c = parseInput(clockSchema, change, 'clock change');
      const from = c.set === undefined ? clock.now() : typeof c.set === 'number' ? c.set : Date.parse(c.set);
      if (c.advanceMs !== undefined && !inClockRange(from + c.advanceMs)) {
        throw new ControlError(400, `advanceMs: ${c.advanceMs} ms from ${new Date(from).toISOString()} passes the clock's range (to 9999-12-31)`, 'advanceMs');
      }
      const before = clockState().now;
      if (c.freeze || c.frozen === true) clock.freeze();
      if (c.unfreeze || c.frozen === false) clock.unfreeze();
      if (c.set !== undefined) clock.set(c.set);
      if (c.advanceMs !== undefined) await clock.advanceAsync(c.advanceMs);
      if (c.autoAdvance !== undefined) clock.setAutoAdvance(c.autoAdvance);
      const after = clockState();
      record('*', `clock ${before} -> ${after.now}${after.frozen ? ' (frozen)' : ''}`, { change: c });
      return after;
    },
  };
  return control;
}
