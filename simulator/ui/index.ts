// The dashboard served at /__sim/ui: static assets from simulator/ui/static (no CDN, works offline) and the JSON API under /api.
import { fileURLToPath } from 'node:url';
import express, { type Request, type Response } from 'express';
import type { Runtime } from '../runtime.js';
import { createUiApi } from './api.js';
import { uiState } from './ui-state.js';

export { connectorRuns, uiState } from './ui-state.js';

const STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));

export function createUiRouter(runtime: Runtime): express.Router {
  const ui = uiState(runtime);
  const router = express.Router();
  router.use('/api', createUiApi(runtime, ui));
  // `/__sim/ui` -> `/__sim/ui/` so the page's relative asset URLs resolve (the query, e.g. admin_token, is kept).
  router.get('/', (req: Request, res: Response, next) => {
    const url = new URL(req.originalUrl, 'http://localhost');
    if (url.pathname.endsWith('/')) return next();
    res.redirect(302, `${url.pathname}/${url.search}`);
  });
  router.use(express.static(STATIC_DIR, { index: 'index.html', etag: false, lastModified: false, cacheControl: true, maxAge: 0 }));
  router.use((req: Request, res: Response) => {
    res.status(404).json({ error: 'not_found', message: `no dashboard asset ${req.path}; the dashboard is at /__sim/ui/` });
  });
  return router;
}
