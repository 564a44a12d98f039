// What every part of the control plane shares: the runtime, instance lookup (404), its 'control' log entries, admin errors as 400.
import type { Runtime } from '../runtime.js';
import type { InstanceState } from '../domain/instance.js';
import type { LogEntry } from '../domain/inspection-log.js';
import { AdminError } from '../domain/admin.js';
import { ControlError } from './errors.js';

export interface ControlContext {
  runtime: Runtime;
  now(): number;
  /** The instance, or ControlError 404 naming the known ones. Munchkin IDs are case-insensitive. */
  instance(munchkinId: string): InstanceState;
  /** Appends a `control` entry to the inspection log (`*` for emulator-wide changes). */
  record(munchkinId: string, message: string, data?: Record<string, unknown>): LogEntry;
}

export const notFound = (what: string) => new ControlError(404, what);

export function controlContext(runtime: Runtime): ControlContext {
  const now = () => runtime.clock.now();
  return {
    runtime,
    now,
    instance(munchkinId) {
      const state = typeof munchkinId === 'string' ? runtime.instance(munchkinId) : undefined;
      if (!state) throw notFound(`instance '${String(munchkinId)}' not found (known: ${[...runtime.instances.keys()].join(', ')})`);
      return state;
    },
    record: (munchkinId, message, data) =>
      runtime.log.append({ at: new Date(now()).toISOString(), munchkinId, kind: 'control', message, ...(data ? { data } : {}) }),
  };
}

/** Domain admin errors name the field the caller sent (the domain's, else `field`): 409 for a taken name, else 400. */
export function admin<T>(field: string, work: () => T): T {
  try {
    return work();
  } catch (e) {
    if (e instanceof AdminError) throw new ControlError(e.taken ? 409 : 400, `${e.field ?? field}: ${e.message}`, e.field ?? field);
    throw e;
  }
}
