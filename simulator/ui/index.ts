// The dashboard served at /__sim/ui: static assets from simulator/ui/static (no CDN, works offline) and the JSON API under /api.
import { fileURLToPath } from 'node:url';
import express, { type Request, type Response } from 'express';
import type { Runtime } from '../runtime.js';
import { createUiApi } from './api.js';
import { uiState } from './ui-state.js';

export { connectorRuns, uiState } from './ui-state.js';

const STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));

/** `/__sim/ui` -> `/__sim/ui/` (so the page's relative asset URLs resolve), then the static page and its modules. */
function assets(router: express.Router): void {
  router.get('/', (req: Request, res: Response, next) => {
    const url = new URL(req.originalUrl, 'http://localhost');
    if (url.pathname.endsWith('/')) return next();
    // The query (e.g. admin_token) is kept.
    res.redirect(302, `${url.pathname}/${url.search}`);
  });
  router.use(express.static(STATIC_DIR, { index: 'index.html', etag: false, lastModified: false, cacheControl: true, maxAge: 0 }));
}

/**
 * The page and its assets only, passing everything else on. They hold no emulator data, so the control plane mounts
 * this before its admin-token check: a browser loads the page, then sends the token (from `?admin_token=`) on API calls.
 */
export function createUiAssetsRouter(): express.Router {
  const router = express.Router();
  assets(router);
  return router;
}

/** The dashboard API under /api, the assets, and a JSON 404 for anything else under /__sim/ui. */
export function createUiRouter(runtime: Runtime): express.Router {
  const ui = uiState(runtime);
  const router = express.Router();
  router.use('/api', createUiApi(runtime, ui));
  assets(router);
  router.use((req: Request, res: Response) => {
    res.status(404).json({ error: 'not_found', message: `no dashboard asset ${req.path}; the dashboard is at /__sim/ui/` });
  });
  return router;
}
