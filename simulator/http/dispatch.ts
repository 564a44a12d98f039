// The REST pipeline for one instance: size limits, body, token, limits, route (605/610), permission (603), handler, envelope.
import type { Request, Response } from 'express';
import getRawBody from 'raw-body';
import { ERR, MarketoError, type MarketoReason } from './errors.js';
import { Params, jsonParams, parseBody, type ParsedBody } from './body.js';
import { authenticate, type Caller } from './auth.js';
import { failureBody, newRequestId, sendJson, successBody, type Reply } from './envelope.js';
import type { HttpMethod, Operation, RestCall } from './operation.js';
import { accessiblePartitions, hasPermission, type InstanceState } from '../domain/instance.js';
import type { Runtime } from '../runtime.js';
import type { Admission } from './limits.js';
import { injectFault, nginxPage, peekClientId, withUpsertRace } from './fault-injection.js';

interface CompiledOperation {
  op: Operation;
  pattern: RegExp;
  keys: string[];
}

export interface Router {
  match(method: HttpMethod, path: string): { op: Operation; params: Record<string, string> } | MarketoReason;
}

/** Compiles operation paths (`/rest/v1/lead/:id.json`) into one matcher that knows 605 from 610. */
export function createRouter(operations: Operation[]): Router {
  const compiled: CompiledOperation[] = operations.map((op) => {
    const keys: string[] = [];
    const source = op.path
      .split('/')
      .map((segment) =>
        segment.replace(/:([A-Za-z]+)|([.+*?^${}()|[\]\\])/g, (_, key: string | undefined, special: string | undefined) => {
          if (key) {
            keys.push(key);
            return '([^/]+?)';
          }
          return `\\${special}`;
        }),
      )
      .join('/');
    return { op, pattern: new RegExp(`^${source}$`), keys };
  });
  return {
    match(method, path) {
      let pathMatched = false;
      for (const c of compiled) {
        const m = c.pattern.exec(path);
        if (!m) continue;
        pathMatched = true;
        if (c.op.method !== method) continue;
        const params: Record<string, string> = {};
        c.keys.forEach((k, i) => (params[k] = decodeSegment(m[i + 1])));
        return { op: c.op, params };
      }
      return pathMatched ? ERR.METHOD_NOT_SUPPORTED(method) : ERR.NOT_FOUND;
    },
  };
}

/** A path parameter as sent; malformed percent-encoding (`%zz`) is kept literally, for the operation to refuse. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Resolves `.` and `..` segments and repeated slashes (node-marketo-rest calls `/rest/../bulk/v1/...`). */
export function normalizePath(path: string): string {
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return `/${out.join('/')}`;
}

/** HTTP-level refusals come from the gateway as nginx pages, not as Marketo envelopes. */
export function sendGatewayError(res: Response, status: 413 | 414): void {
  const text = status === 413 ? 'Request Entity Too Large' : 'Request-URI Too Large';
  res.status(status).setHeader('Server', 'nginx');
  res.setHeader('Content-Type', 'text/html');
  res.setHeader('Connection', 'close');
  res.end(nginxPage(status, text));
}

/** Reads the body within the instance's size limit; `null` means it was too large (413 already sent). */
export async function readBody(req: Request, res: Response, limit: number): Promise<Buffer | null> {
  try {
    return await getRawBody(req, { limit });
  } catch (e) {
    if ((e as { type?: string }).type === 'entity.too.large') {
      sendGatewayError(res, 413);
      req.resume();
      return null;
    }
    throw e;
  }
}

/** The effective method: `POST ...?_method=GET|DELETE` (query or form body) counts as that method. */
function effectiveMethod(req: Request, query: URLSearchParams, body: ParsedBody | MarketoError): HttpMethod {
  const method = req.method.toUpperCase();
  if (method === 'POST') {
    const override = (query.get('_method') ?? (!(body instanceof MarketoError) && body.kind === 'form' ? body.value.get('_method') : null))?.toUpperCase();
    if (override === 'GET' || override === 'DELETE') return override;
  }
  return method as HttpMethod;
}

/** Parameters sent in the body: a form, or a JSON object when the call is `POST ...?_method=GET`. */
function bodyParams(body: ParsedBody | MarketoError, method: HttpMethod): URLSearchParams | undefined {
  if (body instanceof MarketoError) return undefined;
  if (body.kind === 'form') return body.value;
  return method === 'GET' && body.kind === 'json' ? jsonParams(body.value) : undefined;
}

/** Serves one REST call against `instance` with the operation table behind `router`. */
export async function serveRest(runtime: Runtime, instance: InstanceState, router: Router, req: Request, res: Response): Promise<void> {
  const now = runtime.clock.now();
  const requestId = newRequestId(runtime.random.requestIds, now);
  const limits = instance.settings.limits;
  // The path inside the instance, however it was reached (prefix, Host header, root); the log keeps the Munchkin ID apart.
  const url = new URL(req.url, 'http://localhost');
  const path = normalizePath(url.pathname);
  if (Buffer.byteLength(req.originalUrl, 'utf8') > limits.maxUriBytes) {
    req.resume();
    sendGatewayError(res, 414);
    logRequest(runtime, instance, req, path, 414, null, requestId, undefined);
    return;
  }
  const raw = await readBody(req, res, limits.maxBodyBytes);
  if (raw === null) {
    logRequest(runtime, instance, req, path, 413, null, requestId, undefined);
    return;
  }
  let body: ParsedBody | MarketoError;
  try {
    body = parseBody(raw, req.headers['content-type']);
  } catch (e) {
    body = e as MarketoError;
  }
  const method = effectiveMethod(req, url.searchParams, body);
  const params = new Params(url.searchParams, bodyParams(body, method));
  const target = { api: 'rest' as const, munchkinId: instance.munchkinId, method, path, clientId: peekClientId(instance, req, params) };
  const injected = injectFault(runtime, instance, req, res, target, requestId);
  if (injected.done) {
    logRequest(runtime, instance, req, path, injected.status, injected.code, requestId, injected.clientId);
    return;
  }

  let caller: Caller | undefined;
  let admission: Admission | undefined;
  let code: string | null = null;
  try {
    caller = authenticate(req, params, instance, now);
    if (caller.viaDeprecatedParam) {
      runtime.log.append({
        at: new Date(now).toISOString(),
        munchkinId: instance.munchkinId,
        kind: 'deprecated',
        message: `access_token sent as a parameter (deprecated; use the Authorization: Bearer header)`,
        clientId: caller.service.clientId,
        requestId,
        method: req.method,
        path,
      });
    }
    const admitted = runtime.limits(instance.munchkinId).admit(now);
    if (!('finish' in admitted)) {
      runtime.log.append({
        at: new Date(now).toISOString(),
        munchkinId: instance.munchkinId,
        kind: 'limit',
        message: `${admitted.code} ${admitted.message}`,
        clientId: caller.service.clientId,
        requestId,
        method: req.method,
        path,
        code: admitted.code,
      });
      throw new MarketoError(admitted);
    }
    admission = admitted;
    // Injected latency waits on the instance clock while holding its concurrency slot (a frozen clock must be advanced).
    if (injected.latencyMs) await runtime.clock.release(runtime.clock.sleep(injected.latencyMs));
    const route = router.match(method, path);
    if ('code' in route) throw new MarketoError(route);
    if (!hasPermission(instance, caller.service, route.op.permissions)) throw new MarketoError(ERR.ACCESS_DENIED);
    if (body instanceof MarketoError) throw body;
    const authenticated = caller;
    const service = caller.service;
    // Read when the handler runs: a write held by injected latency or a race window is dated when it is made.
    const call = (served: number): RestCall => ({
      runtime,
      instance,
      caller: authenticated,
      actor: {
        readPartitions: accessiblePartitions(instance, service, 'read'),
        writePartitions: accessiblePartitions(instance, service, 'write'),
      },
      params: route.params,
      query: method === 'GET' ? params.without('_method', 'access_token') : new Params(url.searchParams).without('_method', 'access_token'),
      body,
      requestId,
      now: served,
      context: (apiMethod) => ({ now: served, inputSource: service.inputSource, userEmail: service.userEmail, requestId, apiMethod }),
    });
    const reply: Reply =
      injected.raceWindowMs !== undefined && route.op.name === 'syncLeads'
        ? await withUpsertRace(runtime, instance, injected.raceWindowMs, () => route.op.handle(call(runtime.clock.now())))
        : await route.op.handle(call(runtime.clock.now()));
    sendJson(res, 200, successBody(requestId, reply));
  } catch (e) {
    const reasons = e instanceof MarketoError ? e.reasons : [ERR.SYSTEM_ERROR];
    if (!(e instanceof MarketoError)) {
      runtime.log.append({
        at: new Date(now).toISOString(),
        munchkinId: instance.munchkinId,
        kind: 'request',
        message: `unexpected error: ${(e as Error).message}`,
        requestId,
        method: req.method,
        path,
        data: { stack: (e as Error).stack },
      });
    }
    code = reasons[0].code;
    sendJson(res, 200, failureBody(requestId, reasons));
  } finally {
    admission?.finish(code);
    logRequest(runtime, instance, req, path, 200, code, requestId, caller?.service.clientId);
  }
}

function logRequest(
  runtime: Runtime,
  instance: InstanceState,
  req: Request,
  path: string,
  status: number,
  code: string | null,
  requestId: string,
  clientId: string | undefined,
): void {
  runtime.log.append({
    at: new Date(runtime.clock.now()).toISOString(),
    munchkinId: instance.munchkinId,
    kind: 'request',
    message: `${req.method} ${path} -> ${status}${code ? ` ${code}` : ''}`,
    clientId,
    requestId,
    method: req.method,
    path,
    status,
    ...(code ? { code } : {}),
  });
}
