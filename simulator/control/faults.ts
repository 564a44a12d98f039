// Control plane, injected faults: add (checked: exactly one effect, a known code, a fault that can fire), list, remove, clear.
import type { z } from 'zod';
import { KNOWN_REST_FAULT_CODES, isIngestionCode, unreachableFault, type FaultEffect } from '../domain/faults.js';
import type { Control } from './api.js';
import { notFound, type ControlContext } from './context.js';
import { ControlError, parseInput } from './errors.js';
import { faultSchema } from './schemas.js';

export function faultControl({ runtime, instance, record }: ControlContext): Control['faults'] {
  return {
    add(spec) {
      const body = parseInput(faultSchema, spec, 'fault');
      if (body.match.munchkinId) instance(body.match.munchkinId);
      const effect = faultEffect(body);
      const unreachable = unreachableFault(effect, body.match);
      if (unreachable) throw new ControlError(400, `${unreachable.field}: ${unreachable.message}; this fault could never fire`, unreachable.field);
      const fault = runtime.faults.add({ match: body.match, effect, times: body.times, probability: body.probability });
      record(body.match.munchkinId?.toUpperCase() ?? '*', `fault ${fault.id} added: ${effect.kind}`, { fault });
      return fault;
    },
    list() {
      return runtime.faults.list();
    },
    remove(id) {
      if (!runtime.faults.remove(id)) throw notFound(`fault ${id} not found`);
      record('*', `fault ${id} removed`);
      return { removed: 1 };
    },
    clear() {
      const removed = runtime.faults.clear();
      record('*', `${removed} fault(s) cleared`);
      return { removed };
    },
  };
}

function faultEffect(body: z.output<typeof faultSchema>): FaultEffect {
  if (body.error !== undefined) {
    const code = String(body.error);
    if (body.message === undefined && !KNOWN_REST_FAULT_CODES.includes(code) && !isIngestionCode(code)) {
      throw new ControlError(
        400,
        `error: code '${code}' has no known message; give "message" too, or use one of ${KNOWN_REST_FAULT_CODES.join(', ')} or a Data Ingestion error_code`,
        'error',
      );
    }
    return { kind: 'error', code, ...(body.message ? { message: body.message } : {}) };
  }
  if (body.httpStatus !== undefined) return { kind: 'http', status: body.httpStatus };
  if (body.latencyMs !== undefined) return { kind: 'latency', ms: body.latencyMs };
  if (body.drop) return { kind: 'drop' };
  if (body.revokeToken) return { kind: 'revokeToken' };
  const race = body.upsertRace;
  return { kind: 'upsertRace', windowMs: typeof race === 'object' && race ? race.windowMs : 1000 };
}
