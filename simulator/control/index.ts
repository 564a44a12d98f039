// The emulator's control plane under /__sim: thin HTTP wrappers over the functions tests call in-process (control/api.ts).
import { timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Runtime } from '../runtime.js';
import { createUiAssetsRouter, createUiRouter } from '../ui/index.js';
import { createControl, type Control } from './api.js';
import { ControlError } from './errors.js';

/** Whether the control plane asks for the admin token: set when the server binds a non-loopback address. */
export interface ControlAccess {
  required: boolean;
  token: string;
}

const ADMIN_HEADER = 'x-sim-admin-token';

function tokenOf(req: Request): string | undefined {
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  const header = req.headers[ADMIN_HEADER];
  const query = typeof req.query.admin_token === 'string' ? req.query.admin_token : undefined;
  return bearer?.[1].trim() ?? (typeof header === 'string' ? header : undefined) ?? query;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The query without the admin token (so strict query schemas do not trip over it). */
function query(req: Request): Record<string, unknown> {
  const { admin_token: _ignored, ...rest } = req.query as Record<string, unknown>;
  return rest;
}

export function createControlRouter(
  runtime: Runtime,
  control: Control = createControl(runtime),
  access: ControlAccess = { required: false, token: '' },
): express.Router {
  const router = express.Router();

  // The dashboard's page and scripts hold no data: served before the token check, so a browser can load them.
  router.use('/ui', createUiAssetsRouter());
  router.use((req: Request, res: Response, next: NextFunction) => {
    if (!access.required) return next();
    const given = tokenOf(req);
    if (given !== undefined && access.token !== '' && sameSecret(given, access.token)) return next();
    req.resume();
    const err = new ControlError(
      401,
      `the control plane needs the admin token on a non-loopback address: send 'Authorization: Bearer <token>', '${ADMIN_HEADER}: <token>' or ?admin_token=<token>`,
    );
    res.status(401).json(err.toJSON());
  });

  router.use('/ui', createUiRouter(runtime));
  // Every body is read as JSON, whatever its Content-Type: `curl -d '{...}'` sends a form type, and ignoring its body
  // answered with a misleading "name: expected string, received undefined". Snapshots of large instances are large.
  router.use(express.json({ limit: '1gb', type: () => true }));

  const id = (req: Request) => String(req.params.munchkinId);

  router.post('/reset', (_req, res) => void res.json(control.reset()));
  router.get('/snapshot', (_req, res) => {
    res.type('application/json');
    for (const chunk of control.snapshotText()) res.write(chunk);
    res.end();
  });
  router.put('/snapshot', (req, res) => void res.json(control.restore(req.body)));

  router.get('/instances', (_req, res) => void res.json(control.listInstances()));
  router.post('/instances', (req, res) => void res.status(201).json(control.createInstance(req.body)));
  router.get('/instances/:munchkinId', (req, res) => void res.json(control.getInstance(id(req))));
  router.patch('/instances/:munchkinId', (req, res) => void res.json(control.patchInstance(id(req), req.body)));
  router.get('/instances/:munchkinId/limits', (req, res) => void res.json(control.getLimits(id(req))));

  router.get('/instances/:munchkinId/partitions', (req, res) => void res.json(control.listPartitions(id(req))));
  router.post('/instances/:munchkinId/partitions', (req, res) => void res.status(201).json(control.createPartition(id(req), req.body)));
  router.get('/instances/:munchkinId/workspaces', (req, res) => void res.json(control.listWorkspaces(id(req))));
  router.post('/instances/:munchkinId/workspaces', (req, res) => void res.status(201).json(control.createWorkspace(id(req), req.body)));
  router.patch('/instances/:munchkinId/workspaces/:workspace', (req, res) =>
    void res.json(control.updateWorkspace(id(req), String(req.params.workspace), req.body)),
  );

  router.get('/instances/:munchkinId/services', (req, res) => void res.json(control.listServices(id(req))));
  router.post('/instances/:munchkinId/services', (req, res) => void res.status(201).json(control.createService(id(req), req.body)));
  router.delete('/instances/:munchkinId/tokens', (req, res) => {
    const clientId = query(req).clientId;
    res.json(control.revokeTokens(id(req), typeof clientId === 'string' ? clientId : undefined));
  });

  router.get('/instances/:munchkinId/fields/:field/blocks', (req, res) => void res.json(control.getFieldBlocks(id(req), String(req.params.field))));
  router.put('/instances/:munchkinId/fields/:field/blocks', (req, res) =>
    void res.json(control.setFieldBlocks(id(req), String(req.params.field), req.body)),
  );
  router.delete('/instances/:munchkinId/fields/:field/blocks', (req, res) =>
    void res.json(control.setFieldBlocks(id(req), String(req.params.field), { sources: [] })),
  );
  router.put('/instances/:munchkinId/fields/:field/searchable', (req, res) =>
    void res.json(control.setFieldSearchable(id(req), String(req.params.field), req.body)),
  );

  router.get('/instances/:munchkinId/leads', (req, res) => void res.json(control.listLeads(id(req), query(req))));
  router.post('/instances/:munchkinId/leads', (req, res) => void res.status(201).json(control.insertLeads(id(req), req.body)));

  router.get('/instances/:munchkinId/org-mapping', (req, res) => void res.json(control.getOrgMapping(id(req))));
  router.post('/instances/:munchkinId/org-mapping', (req, res) => void res.json(control.setOrgMapping(id(req), req.body)));
  router.delete('/instances/:munchkinId/org-mapping', (req, res) => void res.json(control.removeOrgMapping(id(req))));

  router.get('/clock', (_req, res) => void res.json(control.clock.get()));
  router.post('/clock', async (req, res) => void res.json(await control.clock.update(req.body)));

  router.get('/faults', (_req, res) => void res.json(control.faults.list()));
  router.post('/faults', (req, res) => void res.status(201).json(control.faults.add(req.body)));
  router.delete('/faults', (_req, res) => void res.json(control.faults.clear()));
  router.delete('/faults/:id', (req, res) => {
    const faultId = Number(req.params.id);
    if (!Number.isInteger(faultId)) throw new ControlError(400, `id: '${String(req.params.id)}' is not a fault id`, 'id');
    res.json(control.faults.remove(faultId));
  });

  router.get('/log', (req, res) => void res.json(control.log.query(query(req))));

  router.use((req: Request, res: Response) => {
    res.status(404).json({ error: 'not_found', message: `no control route ${req.method} /__sim${req.path}; see README.md "Control plane"` });
  });

  // The control plane's one error writer.
  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof ControlError) return void res.status(err.status).json(err.toJSON());
    const type = (err as { type?: string }).type;
    if (type === 'entity.parse.failed') {
      return void res.status(400).json({ error: 'bad_request', message: `the body is not valid JSON: ${(err as Error).message}` });
    }
    if (type === 'entity.too.large') return void res.status(413).json({ error: 'too_large', message: 'the body is larger than 1 GB' });
    res.status(500).json({ error: 'internal_error', message: (err as Error).message });
  });
  return router;
}
