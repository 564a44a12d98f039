// Identity: `GET|POST /identity/oauth/token` (client credentials) -> the service's token, reused until it expires.
import type { Request, Response } from 'express';
import { Params, parseBody } from '../http/body.js';
import { readBody, sendGatewayError } from '../http/dispatch.js';
import { sendJson } from '../http/envelope.js';
import { injectFault } from '../http/fault-injection.js';
import { serviceByClientId, type InstanceState } from '../domain/instance.js';
import { issueToken } from '../domain/tokens.js';
import type { Runtime } from '../runtime.js';

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

/** OAuth-style errors (Spring Security OAuth bodies), never the REST envelope. */
function oauthError(res: Response, status: number, error: string, description: string): void {
  sendJson(res, status, { error, error_description: description }, NO_STORE);
}

export async function serveIdentity(runtime: Runtime, instance: InstanceState, req: Request, res: Response): Promise<void> {
  const url = new URL(req.url, 'http://localhost');
  const log = (status: number, message: string, clientId?: string) =>
    runtime.log.append({
      // When the answer is given (after any injected latency), like REST entries, so `at` follows `seq`.
      at: new Date(runtime.clock.now()).toISOString(),
      munchkinId: instance.munchkinId,
      kind: 'request',
      message: `${req.method} /identity${url.pathname} -> ${status}${message ? ` ${message}` : ''}`,
      clientId,
      method: req.method,
      path: `/identity${url.pathname}`,
      status,
    });
  if (url.pathname !== '/oauth/token') {
    req.resume();
    log(404, 'not found');
    return oauthError(res, 404, 'not_found', `No such identity resource: ${url.pathname}`);
  }
  if (req.method !== 'GET' && req.method !== 'POST') {
    req.resume();
    log(405, 'method not allowed');
    return oauthError(res, 405, 'method_not_allowed', `Request method '${req.method}' not supported`);
  }
  if (Buffer.byteLength(req.originalUrl) > instance.settings.limits.maxUriBytes) {
    req.resume();
    return sendGatewayError(res, 414);
  }
  const raw = await readBody(req, res, instance.settings.limits.maxBodyBytes);
  if (raw === null) return;
  let form: URLSearchParams | undefined;
  try {
    const body = parseBody(raw, req.headers['content-type']);
    if (body.kind === 'form') form = body.value;
    else if (body.kind === 'json' && typeof body.value === 'object' && body.value !== null) {
      form = new URLSearchParams(Object.entries(body.value as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
    }
  } catch {
    log(400, 'unreadable body');
    return oauthError(res, 400, 'invalid_request', 'The request body could not be read; send form-encoded or query parameters');
  }
  const params = new Params(url.searchParams, form);
  const target = { api: 'identity' as const, munchkinId: instance.munchkinId, method: req.method, path: `/identity${url.pathname}`, clientId: params.get('client_id') };
  const injected = injectFault(runtime, instance, req, res, target, '');
  if (injected.done) {
    log(injected.status, 'injected fault', target.clientId);
    return;
  }
  if (injected.latencyMs) await runtime.clock.release(runtime.clock.sleep(injected.latencyMs));
  const grantType = params.get('grant_type');
  if (!grantType) {
    log(400, 'missing grant type');
    return oauthError(res, 400, 'invalid_request', 'Missing grant type');
  }
  if (grantType !== 'client_credentials') {
    log(400, 'unsupported grant type');
    return oauthError(res, 400, 'unsupported_grant_type', `Unsupported grant type: ${grantType}`);
  }
  const clientId = params.get('client_id') ?? '';
  const service = serviceByClientId(instance, clientId);
  if (!service || service.clientSecret !== params.get('client_secret')) {
    log(401, 'invalid_client', clientId || undefined);
    return oauthError(res, 401, 'invalid_client', 'Bad client credentials');
  }
  const token = issueToken(instance, service, runtime.clock.now(), runtime.random.tokens);
  log(200, '', clientId);
  sendJson(res, 200, token, NO_STORE);
}
