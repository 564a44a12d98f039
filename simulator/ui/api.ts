// The dashboard's JSON endpoints under /__sim/ui/api: lead table and detail, field schema, usage, connector runs, live stream.
// Errors are the control plane's: `{error, message, field?}` with 400 for a bad parameter, 404 for an unknown object.
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { DEFAULT_LIMITS, partitionById, type InstanceState } from '../domain/instance.js';
import { INGESTION_ERRORS, KNOWN_REST_FAULT_CODES, restFaultReason } from '../domain/faults.js';
import type { Runtime } from '../runtime.js';
import { ControlError, parseInput } from '../control/errors.js';
import { fieldSchemaView } from './fields-view.js';
import { SORT_FIELDS } from './lead-sort-index.js';
import { SEARCH_FIELDS, type LeadTableQuery } from './leads-view.js';
import { LiveHub } from './live-hub.js';
import { OUTCOMES } from './runs.js';
import { listScenarios, runBuiltInScenario } from './scenarios.js';
import type { UiState } from './ui-state.js';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const leadTableSchema = z
  .object({
    /** A partition id, or `all`. */
    partition: z.union([z.literal('all'), int(1, 1_000_000)]).default('all'),
    sort: z.enum(SORT_FIELDS).default('id'),
    dir: z.enum(['asc', 'desc']).default('asc'),
    offset: int(0, 100_000_000).default(0),
    limit: int(1, 500).default(50),
    q: z.string().max(200).optional(),
    /** The column `q` searches. */
    field: z.enum(SEARCH_FIELDS).default('email'),
  })
  .strict();

export const leadDetailSchema = z.object({ activities: int(1, 1000).default(200) }).strict();

export const outcomePageSchema = z
  .object({
    offset: int(0, 1_000_000).default(0),
    limit: int(1, 500).default(50),
    status: z.enum(OUTCOMES).optional(),
  })
  .strict();

export const scenarioRunSchema = z.object({ id: z.string().min(1, 'id names a scenario from GET /__sim/ui/api/scenarios') }).strict();

export const eventsSchema = z.object({ after: int(0, Number.MAX_SAFE_INTEGER).optional() }).strict();

/** The query without the control plane's admin token. */
function query(req: Request): Record<string, unknown> {
  const { admin_token: _token, ...rest } = req.query as Record<string, unknown>;
  return rest;
}

function instanceOf(runtime: Runtime, req: Request): InstanceState {
  const id = String(req.params.munchkinId);
  const state = runtime.instance(id);
  if (!state) throw new ControlError(404, `no instance '${id}'; the instances are ${[...runtime.instances.keys()].join(', ')}`, 'munchkinId');
  return state;
}

function positiveId(raw: string, what: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1) throw new ControlError(400, `${what} must be a positive whole number, got '${raw}'`, what);
  return n;
}

export function createUiApi(runtime: Runtime, ui: UiState): express.Router {
  const api = express.Router();
  const hub = new LiveHub(runtime, ui);

  api.get('/instances/:munchkinId/leads', async (req, res) => {
    const state = instanceOf(runtime, req);
    const q = parseInput(leadTableSchema, query(req), 'query');
    if (q.partition !== 'all' && !partitionById(state, q.partition)) {
      throw new ControlError(404, `no partition with id ${q.partition} in ${state.munchkinId}`, 'partition');
    }
    const tableQuery: LeadTableQuery = {
      partitionId: q.partition === 'all' ? null : q.partition,
      sort: q.sort,
      dir: q.dir,
      offset: q.offset,
      limit: q.limit,
      q: q.q,
      searchField: q.field,
    };
    await ui.leads.prepare(state, tableQuery);
    res.json(ui.leads.table(state, tableQuery));
  });

  api.get('/instances/:munchkinId/leads/:leadId', async (req, res) => {
    const state = instanceOf(runtime, req);
    const leadId = positiveId(String(req.params.leadId), 'leadId');
    const q = parseInput(leadDetailSchema, query(req), 'query');
    await ui.leads.prepareDetail(state);
    const detail = ui.leads.detail(state, leadId, q.activities);
    if (!detail) throw new ControlError(404, `no lead ${leadId} in ${state.munchkinId}`, 'leadId');
    res.json({ ...detail, blockedWrites: ui.blocked.forLead(state.munchkinId, leadId) });
  });

  api.get('/instances/:munchkinId/fields', (req, res) => void res.json(fieldSchemaView(instanceOf(runtime, req))));

  api.get('/usage', (_req, res) => void res.json({ clock: runtime.clock.state(), usage: ui.usage.sample() }));

  /** The codes a fault may inject without a custom message, with the message each sends (for the fault form). */
  api.get('/fault-catalog', (_req, res) => {
    res.json({
      rest: KNOWN_REST_FAULT_CODES.map((code) => ({ code, message: restFaultReason(code, 'POST', DEFAULT_LIMITS)!.message })),
      ingestion: Object.entries(INGESTION_ERRORS).map(([code, e]) => ({ code, status: e.status, message: e.message })),
    });
  });

  api.get('/scenarios', async (_req, res) => void res.json(await listScenarios()));

  api.post('/scenarios/run', express.json({ limit: '16kb' }), async (req, res) => {
    const { id } = parseInput(scenarioRunSchema, req.body, 'body');
    const result = await runBuiltInScenario(id);
    if (!result) throw new ControlError(404, `no built-in scenario '${id}'; GET /__sim/ui/api/scenarios lists them`, 'id');
    res.json(result);
  });

  api.get('/demo', (_req, res) => void res.json(ui.demo.view()));

  api.get('/runs', (_req, res) => void res.json(ui.runs.list()));

  api.get('/runs/:runId', (req, res) => {
    const id = positiveId(String(req.params.runId), 'runId');
    const run = ui.runs.get(id);
    if (!run) throw new ControlError(404, `no connector run ${id}`, 'runId');
    const q = parseInput(outcomePageSchema, query(req), 'query');
    res.json({ ...run.summary(), page: run.page(q.offset, q.limit, q.status) });
  });

  api.get('/events', (req, res) => {
    const q = parseInput(eventsSchema, query(req), 'query');
    const header = req.headers['last-event-id'];
    const resumeFrom = typeof header === 'string' && /^\d+$/.test(header) ? Number(header) : q.after;
    hub.serve(req, res, resumeFrom);
  });

  api.use((req: Request) => {
    throw new ControlError(404, `no dashboard endpoint ${req.method} /__sim/ui/api${req.path}`);
  });

  api.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof ControlError) return void res.status(err.status).json(err.toJSON());
    if ((err as { type?: string }).type === 'entity.parse.failed') {
      return void res.status(400).json({ error: 'bad_request', message: `the body is not valid JSON: ${(err as Error).message}` });
    }
    res.status(500).json({ error: 'internal_error', message: (err as Error).message });
  });
  return api;
}
