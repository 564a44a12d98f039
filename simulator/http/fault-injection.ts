// Applies injected faults to a call on the wire: error bodies, 5xx pages, dropped sockets, token revocation, latency, upsert races.
import { STATUS_CODES } from 'node:http';
import type { Request, Response } from 'express';
import { failureBody, sendJson } from './envelope.js';
import type { Params } from './body.js';
import { indexLead, unindexLead, type InstanceState, type Lead } from '../domain/instance.js';
import { INGESTION_ERRORS, restFaultReason, type Fault, type FaultTarget } from '../domain/faults.js';
import { revokeTokens } from '../domain/tokens.js';
import type { Runtime } from '../runtime.js';

/** What is left to do after the pre-authentication step: nothing (answered), or a delay and/or a race window. */
export type Injected =
  | { done: true; status: number; code: string | null; clientId?: string }
  | { done: false; latencyMs?: number; raceWindowMs?: number };

const NOTHING: Injected = { done: false };

/** The client a call claims to be, from its token (valid or not), so faults can match on client id before auth. */
export function peekClientId(instance: InstanceState, req: Request, params?: Params): string | undefined {
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1].trim();
  const header = req.headers['x-mkto-user-token'];
  const token = bearer ?? (typeof header === 'string' ? header : undefined) ?? params?.get('access_token');
  return token ? instance.tokens.get(token)?.clientId : undefined;
}

function logFault(runtime: Runtime, instance: InstanceState, fault: Fault, target: FaultTarget, requestId: string): void {
  runtime.log.append({
    at: new Date(runtime.clock.now()).toISOString(),
    munchkinId: instance.munchkinId,
    kind: 'fault',
    message: `fault ${fault.id} (${fault.effect.kind}) fired on ${target.method} ${target.path}`,
    clientId: target.clientId,
    ...(requestId ? { requestId } : {}),
    method: target.method,
    path: target.path,
    data: { faultId: fault.id, effect: fault.effect },
  });
}

/** The HTML error page Marketo's nginx gateway sends (5xx, and 413/414 with nginx's own wording). */
export const nginxPage = (status: number, text = STATUS_CODES[status] ?? 'Error') =>
  `<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body>\r\n<center><h1>${status} ${text}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;

function sendGatewayStatus(res: Response, status: number): void {
  res.status(status).setHeader('Server', 'nginx');
  res.setHeader('Content-Type', 'text/html');
  res.end(nginxPage(status));
}

/**
 * Consults the fault engine before a call is authenticated. Errors, 5xx and drops are answered here (not counted
 * against the limits: the call never reached them); a revocation takes effect and the call goes on to answer 601.
 */
export function injectFault(
  runtime: Runtime,
  instance: InstanceState,
  req: Request,
  res: Response,
  target: FaultTarget,
  requestId: string,
): Injected {
  const fault = runtime.faults.consult(target);
  if (!fault) return NOTHING;
  logFault(runtime, instance, fault, target, requestId);
  const effect = fault.effect;
  const clientId = target.clientId;
  switch (effect.kind) {
    case 'error': {
      if (target.api === 'ingestion') {
        const known = INGESTION_ERRORS[effect.code];
        sendJson(res, known.status, { error_code: effect.code, message: effect.message ?? known.message }, { 'X-Request-Id': requestId });
        return { done: true, status: known.status, code: effect.code, clientId };
      }
      const reason = restFaultReason(effect.code, target.method, instance.settings.limits, effect.message)!;
      sendJson(res, 200, failureBody(requestId, [reason]));
      return { done: true, status: 200, code: reason.code, clientId };
    }
    case 'http':
      sendGatewayStatus(res, effect.status);
      return { done: true, status: effect.status, code: null, clientId };
    case 'drop':
      req.socket.destroy();
      return { done: true, status: 0, code: null, clientId };
    case 'revokeToken':
      revokeTokens(instance, fault.match.clientId ?? clientId);
      return NOTHING;
    case 'latency':
      return { done: false, latencyMs: effect.ms };
    case 'upsertRace':
      return { done: false, raceWindowMs: effect.windowMs };
  }
}

/**
 * Runs a Sync Leads call as if it read the lead database when it arrived and wrote `windowMs` later: leads created by
 * anyone in between are hidden from its lookups, so concurrent upserts with one key each create a lead — the
 * duplicate creation Marketo documents for "concurrent or closely timed upsert requests" (DEV leads.md).
 */
export async function withUpsertRace<T>(runtime: Runtime, instance: InstanceState, windowMs: number, work: () => T | Promise<T>): Promise<T> {
  const firstUnseen = instance.counters.nextLeadId;
  await runtime.clock.release(runtime.clock.sleep(windowMs));
  const hidden: Lead[] = [];
  for (let id = firstUnseen; id < instance.counters.nextLeadId; id++) {
    const lead = instance.leads.get(id);
    if (lead) hidden.push(lead);
  }
  for (const lead of hidden) unindexLead(instance, lead);
  try {
    // Only the handler's synchronous part runs with the leads hidden (Sync Leads is synchronous), so no other call sees it.
    return work();
  } finally {
    for (const lead of hidden) if (instance.leads.has(lead.id)) indexLead(instance, lead);
  }
}
