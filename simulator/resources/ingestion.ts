// Data Ingestion API: POST /subscriptions/{munchkinId}/persons (HTTP 202, processed asynchronously on the instance clock).
import express, { type Request, type Response } from 'express';
import getRawBody from 'raw-body';
import contentType from 'content-type';
import type { Runtime } from '../runtime.js';
import { sendJson } from '../http/envelope.js';
import { injectFault, peekClientId } from '../http/fault-injection.js';
import { checkToken } from '../domain/tokens.js';
import { accessiblePartitions, hasPermission, partitionByName, type InstanceState, type Service } from '../domain/instance.js';
import { dedupeFieldProblem, MAX_PERSONS, syncPersons, type PersonsJob } from '../domain/ingestion.js';
import { INGESTION_ERRORS } from '../domain/faults.js';
import type { WriteContext } from '../domain/activities.js';

const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** How long an accepted request waits on the instance clock before it is processed (an emulator choice). */
export const PROCESSING_DELAY_MS = { high: 1_000, normal: 5_000 } as const;
const TOP_LEVEL_KEYS = new Set(['priority', 'partitionName', 'dedupeFields', 'persons']);

/** A refusal in Data Ingestion's own shape: `{"error_code":"4000801","message":"Bad request: ..."}`. */
class IngestionError extends Error {
  constructor(
    readonly code: keyof typeof INGESTION_ERRORS,
    readonly detail?: string,
  ) {
    super(detail ? `${INGESTION_ERRORS[code].message}: ${detail}` : INGESTION_ERRORS[code].message);
  }
}

interface PendingJob {
  cancel: () => void;
  run: () => void;
}

/** Accepted requests not yet processed, per emulator; drained on shutdown so an accepted request is never lost. */
const pendingByRuntime = new WeakMap<Runtime, Set<PendingJob>>();

/** Processes every accepted, not yet processed request now (used on shutdown before the last write). */
export function drainIngestion(runtime: Runtime): number {
  const pending = pendingByRuntime.get(runtime);
  if (!pending) return 0;
  const jobs = [...pending];
  for (const job of jobs) {
    job.cancel();
    job.run();
  }
  return jobs.length;
}

function validate(instance: InstanceState, body: unknown): PersonsJob & { priority: 'normal' | 'high' } {
  const bad = (detail: string) => new IngestionError('4000801', detail);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('the body must be a JSON object');
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) if (!TOP_LEVEL_KEYS.has(key)) throw bad(`unknown key '${key}' (known: ${[...TOP_LEVEL_KEYS].join(', ')})`);
  if (b.priority !== undefined && b.priority !== 'normal' && b.priority !== 'high') throw bad(`priority must be 'normal' or 'high'`);
  if (b.partitionName !== undefined && (typeof b.partitionName !== 'string' || b.partitionName === '')) throw bad('partitionName must be a non-empty string');
  if (!Array.isArray(b.persons) || b.persons.length === 0) throw bad('persons must be a non-empty array');
  if (b.persons.length > MAX_PERSONS) throw bad(`persons has ${b.persons.length} items; the maximum is ${MAX_PERSONS}`);
  let dedupeFields = ['email'];
  if (b.dedupeFields !== undefined) {
    const d = b.dedupeFields as Record<string, unknown>;
    if (typeof d !== 'object' || d === null || Array.isArray(d)) throw bad('dedupeFields must be an object {field1, field2?}');
    for (const key of Object.keys(d)) if (key !== 'field1' && key !== 'field2') throw bad(`dedupeFields: unknown key '${key}' (field1, field2)`);
    if (typeof d.field1 !== 'string' || d.field1 === '') throw bad('dedupeFields.field1 must be a field name');
    if (d.field2 !== undefined && (typeof d.field2 !== 'string' || d.field2 === '')) throw bad('dedupeFields.field2 must be a field name');
    dedupeFields = d.field2 === undefined || d.field2 === d.field1 ? [d.field1] : [d.field1, d.field2 as string];
  }
  dedupeFields.forEach((name, i) => {
    const problem = dedupeFieldProblem(instance, name);
    if (problem) throw new IngestionError('4000802', `dedupeFields.field${i + 1}: ${problem}`);
  });
  const partitionName = (b.partitionName as string | undefined) ?? 'Default';
  if (!partitionByName(instance, partitionName)) {
    throw new IngestionError('4000802', `partitionName: partition '${partitionName}' does not exist (known: ${instance.partitions.map((p) => p.name).join(', ')})`);
  }
  return { requestId: '', priority: (b.priority as 'normal' | 'high' | undefined) ?? 'normal', partitionName, dedupeFields, persons: b.persons };
}

export function createIngestionRouter(runtime: Runtime): express.Router {
  const router = express.Router();
  const pending = new Set<PendingJob>();
  pendingByRuntime.set(runtime, pending);
  // Reset goes back to the seeded state: requests accepted before it are forgotten.
  runtime.onReset(() => {
    for (const job of pending) job.cancel();
    pending.clear();
  });

  const log = (instance: InstanceState | undefined, munchkinId: string, message: string, extra: Record<string, unknown> = {}) =>
    runtime.log.append({ at: new Date(runtime.clock.now()).toISOString(), munchkinId: instance?.munchkinId ?? munchkinId.toUpperCase(), message, kind: 'request', ...extra });

  function process(instance: InstanceState, job: PersonsJob, service: Service): void {
    const at = () => new Date(runtime.clock.now()).toISOString();
    // A snapshot restore replaced the state the request was accepted against (reset cancels pending requests outright).
    if (runtime.instance(instance.munchkinId) !== instance) {
      const message = `request ${job.requestId} dropped: instance ${instance.munchkinId} was replaced by a snapshot restore before it was processed`;
      runtime.log.append({ at: at(), munchkinId: instance.munchkinId, kind: 'ingestion', message, clientId: service.clientId, requestId: job.requestId });
      return;
    }
    const ctx: WriteContext = { now: runtime.clock.now(), inputSource: service.inputSource, userEmail: service.userEmail, requestId: job.requestId, apiMethod: 'syncPersons' };
    const { outcomes, blocked } = syncPersons(instance, job, ctx);
    for (const o of outcomes) {
      const what = o.status === 'skipped' ? `skipped: ${o.reasons![0].code} ${o.reasons![0].message}` : `${o.status} lead ${o.leadId}`;
      runtime.log.append({
        at: at(),
        munchkinId: instance.munchkinId,
        kind: 'ingestion',
        message: `person ${o.index} of request ${job.requestId}: ${what}`,
        clientId: service.clientId,
        requestId: job.requestId,
        data: { ...o, partition: job.partitionName },
      });
    }
    for (const b of blocked) {
      runtime.log.append({
        at: at(),
        munchkinId: instance.munchkinId,
        kind: 'blocked-write',
        message: `blocked update of ${b.field} on lead ${b.leadId} from '${b.inputSource}': kept ${JSON.stringify(b.keptValue)}, dropped ${JSON.stringify(b.droppedValue)}`,
        clientId: service.clientId,
        requestId: job.requestId,
        data: { ...b },
      });
    }
  }

  router.post('/:munchkinId/persons', async (req: Request, res: Response) => {
    const munchkinId = String(req.params.munchkinId);
    const requestId = runtime.random.requestIds.alphanumeric(32);
    const instance = runtime.instance(munchkinId);
    // The documented path names the Munchkin ID; logged (and matched by faults) with it in canonical upper case.
    const path = `/subscriptions/${instance?.munchkinId ?? munchkinId.toUpperCase()}/persons`;
    let clientId: string | undefined;
    const answer = (status: number, code: string | null, body?: unknown) => {
      if (body === undefined) {
        res.status(status).setHeader('X-Request-Id', requestId);
        res.end();
      } else sendJson(res, status, body, { 'X-Request-Id': requestId });
      log(instance, munchkinId, `POST ${path} -> ${status}${code ? ` ${code}` : ''}`, { clientId, requestId, method: 'POST', path, status, ...(code ? { code } : {}) });
    };
    const refuse = (e: IngestionError) => answer(INGESTION_ERRORS[e.code].status, e.code, { error_code: e.code, message: e.message });

    if (!instance) {
      req.resume();
      return refuse(new IngestionError('404040'));
    }
    const injected = injectFault(runtime, instance, req, res, { api: 'ingestion', munchkinId: instance.munchkinId, method: 'POST', path, clientId: peekClientId(instance, req) }, requestId);
    if (injected.done) {
      req.resume();
      const { status, code, clientId: claimed } = injected;
      return log(instance, munchkinId, `POST ${path} -> ${status}${code ? ` ${code}` : ''}`, { clientId: claimed, requestId, method: 'POST', path, status, ...(code ? { code } : {}) });
    }
    let raw: Buffer;
    try {
      raw = await getRawBody(req, { limit: MAX_BODY_BYTES });
    } catch {
      req.resume();
      return refuse(new IngestionError('4000801', `the body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB`));
    }
    if (injected.latencyMs) await runtime.clock.release(runtime.clock.sleep(injected.latencyMs));
    const now = runtime.clock.now();
    const header = req.headers['x-mkto-user-token'];
    // The token only travels in X-Mkto-User-Token; Authorization or ?access_token do not count (DEV data-ingestion.md).
    if (typeof header !== 'string' || header.trim() === '') return refuse(new IngestionError('403010'));
    const check = checkToken(instance, header.trim(), now);
    if (!check.ok) return refuse(new IngestionError('401013'));
    const service = check.service;
    clientId = service.clientId;
    if (!instance.settings.dataIngestion) {
      return refuse(new IngestionError('4030801', 'the Data Ingestion API needs the Performance Tier, which this subscription does not have'));
    }
    if (!hasPermission(instance, service, ['Read-Write Person'])) {
      return refuse(new IngestionError('4030801', `the API user ${service.userEmail} lacks the Read-Write Lead (Person) permission`));
    }
    const admitted = runtime.limits(instance.munchkinId).admit(now);
    if (!('finish' in admitted)) {
      runtime.log.append({ at: new Date(now).toISOString(), munchkinId: instance.munchkinId, kind: 'limit', message: `${admitted.code} ${admitted.message}`, clientId, requestId, method: 'POST', path, code: admitted.code });
      return refuse(new IngestionError(admitted.code === '607' ? '4290801' : '429001'));
    }
    try {
      let type = '';
      try {
        type = contentType.parse(req.headers['content-type'] ?? '').type;
      } catch {
        // reported below
      }
      if (type !== 'application/json') throw new IngestionError('4000801', 'Content-Type must be application/json');
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch (e) {
        throw new IngestionError('4000801', `the body is not valid JSON (${(e as Error).message})`);
      }
      const job = { ...validate(instance, body), requestId };
      const partition = partitionByName(instance, job.partitionName)!;
      if (!accessiblePartitions(instance, service, 'write').has(partition.id)) {
        throw new IngestionError('4030801', `the API user ${service.userEmail} has no access to partition '${partition.name}'`);
      }
      const entry: PendingJob = {
        cancel: () => undefined,
        run: () => {
          pending.delete(entry);
          process(instance, job, service);
        },
      };
      entry.cancel = runtime.clock.schedule(PROCESSING_DELAY_MS[job.priority], entry.run);
      pending.add(entry);
      admitted.finish(null);
      answer(202, null);
      runtime.log.append({
        at: new Date(now).toISOString(),
        munchkinId: instance.munchkinId,
        kind: 'ingestion',
        message: `request ${requestId} accepted: ${job.persons.length} person(s) for partition '${job.partitionName}', ${job.priority} priority, dedupe on ${job.dedupeFields.join(' AND ')}`,
        clientId,
        requestId,
        data: { persons: job.persons.length, partition: job.partitionName, priority: job.priority, dedupeFields: job.dedupeFields, correlationId: req.headers['x-correlation-id'], requestSource: req.headers['x-request-source'] },
      });
    } catch (e) {
      admitted.finish(null);
      if (e instanceof IngestionError) return refuse(e);
      throw e;
    }
  });

  router.use((req: Request, res: Response) => {
    req.resume();
    sendJson(res, 404, { error_code: '404040', message: 'Resource not found' }, { 'X-Request-Id': runtime.random.requestIds.alphanumeric(32) });
  });
  return router;
}
