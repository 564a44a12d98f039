// The express app: finds the instance a call is for (path prefix, Host header or root), then Identity, REST or the control plane.
import express, { type NextFunction, type Request, type Response } from 'express';
import compression from 'compression';
import { createRouter, normalizePath, serveRest } from './http/dispatch.js';
import { ERR } from './http/errors.js';
import { failureBody, newRequestId, sendJson } from './http/envelope.js';
import { restOperations } from './resources/index.js';
import { serveIdentity } from './resources/identity.js';
import type { InstanceState } from './domain/instance.js';
import type { Runtime } from './runtime.js';

const PREFIX_RE = /^\/(\d{3}-[A-Za-z]{3}-\d{3})(\/.*)?$/;
const HOST_RE = /^(\d{3}-[A-Za-z]{3}-\d{3})\.mktorest\.com(:\d+)?$/i;

export type Resolved = { instance: InstanceState; path: string } | { unknown: string; path: string } | null;

/** `/123-ABC-456/rest/...`, `Host: 123-abc-456.mktorest.com`, or the root (first instance). */
export function resolveInstance(runtime: Runtime, host: string | undefined, path: string): Resolved {
  const prefixed = PREFIX_RE.exec(path);
  if (prefixed) {
    const instance = runtime.instance(prefixed[1]);
    return instance ? { instance, path: prefixed[2] ?? '/' } : { unknown: prefixed[1], path: prefixed[2] ?? '/' };
  }
  const byHost = host ? HOST_RE.exec(host) : null;
  if (byHost) {
    const instance = runtime.instance(byHost[1]);
    return instance ? { instance, path } : { unknown: byHost[1], path };
  }
  return { instance: runtime.firstInstance(), path };
}

/** Whether an Accept-Encoding header accepts gzip (by name or `*`, with a q-value above 0). */
function acceptsGzip(header: string): boolean {
  return header.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding.trim() !== 'gzip' && coding.trim() !== '*') return false;
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    return q === undefined || Number(q) > 0;
  });
}

const isUnder = (path: string, root: string) => path === root || path.startsWith(`${root}/`);

export interface AppParts {
  /** Mounted at `/__sim` (control plane and dashboard). */
  control?: express.Router;
  /** Mounted at `/subscriptions` (Data Ingestion API). */
  ingestion?: express.Router;
}

export function createApp(runtime: Runtime, parts: AppParts = {}): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Marketo gzips bodies of 1 KB and more when asked (DEV performance.md), with Vary: Accept-Encoding; its gateway
  // offers gzip only, so a client that also accepts br or deflate still gets gzip (or nothing).
  app.use((req: Request, _res: Response, next: NextFunction) => {
    const accepted = req.headers['accept-encoding'];
    if (accepted !== undefined) req.headers['accept-encoding'] = acceptsGzip(accepted) ? 'gzip' : 'identity';
    next();
  });
  app.use(compression({ threshold: 1024 }));
  const router = createRouter(restOperations);

  app.use((req: Request, res: Response, next: NextFunction) => {
    // Split by hand: `new URL('//rest/...', base)` would read `rest` as a host name.
    const queryAt = req.url.indexOf('?');
    const search = queryAt < 0 ? '' : req.url.slice(queryAt);
    const path = normalizePath(queryAt < 0 ? req.url : req.url.slice(0, queryAt));
    if (isUnder(path, '/__sim') || isUnder(path, '/subscriptions')) return next();
    const resolved = resolveInstance(runtime, req.headers.host, path);
    if (!resolved) return next();
    if ('unknown' in resolved) {
      req.resume();
      const requestId = newRequestId(runtime.random.requestIds, runtime.clock.now());
      // The documented message; which Munchkin ID was unknown is in the inspection log, not on the wire.
      runtime.log.append({
        at: new Date(runtime.clock.now()).toISOString(),
        munchkinId: resolved.unknown.toUpperCase(),
        kind: 'request',
        message: `${req.method} ${resolved.path} -> 614 unknown Munchkin ID '${resolved.unknown}'`,
        requestId,
        method: req.method,
        path: resolved.path,
        status: 200,
        code: '614',
      });
      return sendJson(res, 200, failureBody(requestId, [ERR.INVALID_SUBSCRIPTION]));
    }
    const { instance } = resolved;
    if (isUnder(resolved.path, '/identity')) {
      req.url = resolved.path.slice('/identity'.length) + search;
      return serveIdentity(runtime, instance, req, res).catch(next);
    }
    if (isUnder(resolved.path, '/rest') || isUnder(resolved.path, '/bulk')) {
      req.url = resolved.path + search;
      return serveRest(runtime, instance, router, req, res).catch(next);
    }
    next();
  });

  if (parts.ingestion) app.use('/subscriptions', parts.ingestion);
  if (parts.control) app.use('/__sim', parts.control);

  app.use((req: Request, res: Response) => {
    req.resume();
    sendJson(res, 404, { error: 'not_found', message: `Nothing is served at ${req.method} ${req.path}. Marketo REST lives under /rest, Identity under /identity, the emulator's control plane under /__sim.` });
  });

  // The one error writer: never a stack trace on the wire.
  app.use((err: Error, req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: number }).status ?? 500;
    if (res.headersSent) return res.end();
    if (req.originalUrl.includes('/rest/')) {
      return sendJson(res, 200, failureBody(newRequestId(runtime.random.requestIds, runtime.clock.now()), [ERR.SYSTEM_ERROR]));
    }
    sendJson(res, status >= 400 && status < 600 ? status : 500, { error: status === 400 ? 'bad_request' : 'internal_error', message: err.message });
  });
  return app;
}
