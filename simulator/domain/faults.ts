// Injected faults (an emulator feature): queued or probabilistic failures matched by instance, method, path and client.
import { ERR, type MarketoReason } from '../http/errors.js';
import type { LimitSettings } from './instance.js';
import type { Random } from './random.js';

/** What a fault does to the call it fires on. */
export type FaultEffect =
  /** A Marketo response-level error (`{"success":false,"errors":[...]}`), or a Data Ingestion `error_code` body. */
  | { kind: 'error'; code: string; message?: string }
  /** An HTTP status from the gateway (5xx), with nginx's HTML page. */
  | { kind: 'http'; status: number }
  /** The call waits this long on the instance clock before it is served (it holds a concurrency slot meanwhile). */
  | { kind: 'latency'; ms: number }
  /** The connection is destroyed without an answer. */
  | { kind: 'drop' }
  /** The caller's tokens are revoked before the call is authenticated, so it (and later calls) answer 601. */
  | { kind: 'revokeToken' }
  /**
   * Sync Leads reads at arrival and writes `windowMs` later: concurrent upserts with the same key in that window all
   * miss each other and each creates a lead (Marketo's documented duplicate creation).
   */
  | { kind: 'upsertRace'; windowMs: number };

export interface FaultMatch {
  munchkinId?: string;
  method?: string;
  /**
   * Path inside the instance (`/rest/v1/leads.json`, `/identity/oauth/token`) or the ingestion path; `*` matches any
   * run of characters. Identity calls are only hit by a fault whose path names them, and only by http/latency/drop.
   */
  path?: string;
  clientId?: string;
}

export interface NewFault {
  match?: FaultMatch;
  effect: FaultEffect;
  /** How many firings before the fault is spent; null = until cleared. */
  times?: number | null;
  /** Chance (0–1] that a matching call fires it, drawn from the seeded faults source. */
  probability?: number;
}

export interface Fault {
  id: number;
  match: FaultMatch;
  effect: FaultEffect;
  /** Firings left; null = until cleared. */
  remaining: number | null;
  probability: number;
  fired: number;
}

/** The call a fault is consulted for. `api` keeps REST error codes off ingestion calls and the other way round. */
export interface FaultTarget {
  api: 'rest' | 'ingestion' | 'identity';
  munchkinId: string;
  method: string;
  path: string;
  clientId?: string;
}

/** Data Ingestion error bodies a fault may send (DEV data-ingestion.md). */
export const INGESTION_ERRORS: Record<string, { status: number; message: string }> = {
  '401013': { status: 401, message: 'Oauth token is invalid' },
  '403010': { status: 403, message: 'Oauth token is missing' },
  '404040': { status: 404, message: 'Resource not found' },
  '429001': { status: 429, message: 'Service usage limit reached' },
  '4000801': { status: 400, message: 'Bad request' },
  '4000802': { status: 400, message: 'Invalid data' },
  '4030801': { status: 403, message: 'Unauthorized' },
  '4290801': { status: 429, message: 'Daily quota reached' },
  '5000801': { status: 500, message: 'Internal Server Error' },
};

/** Marketo response-level codes a fault may send without a custom message; the rest need `message`. */
export function restFaultReason(code: string, method: string, limits: LimitSettings, message?: string): MarketoReason | null {
  const known: Record<string, MarketoReason> = {
    '500': ERR.INTERNAL,
    '502': ERR.BAD_GATEWAY,
    '601': ERR.ACCESS_TOKEN_INVALID,
    '602': ERR.ACCESS_TOKEN_EXPIRED,
    '603': ERR.ACCESS_DENIED,
    '604': ERR.REQUEST_TIME_OUT,
    '605': ERR.METHOD_NOT_SUPPORTED(method),
    '606': ERR.RATE_LIMIT(limits.ratePer20s, limits.rateWindowSeconds),
    '607': ERR.DAILY_QUOTA,
    '608': ERR.TEMPORARILY_UNAVAILABLE,
    '609': ERR.INVALID_JSON,
    '610': ERR.NOT_FOUND,
    '611': ERR.SYSTEM_ERROR,
    '612': ERR.INVALID_CONTENT_TYPE,
    '613': ERR.INVALID_MULTIPART,
    '614': ERR.INVALID_SUBSCRIPTION,
    '615': ERR.CONCURRENT_LIMIT(limits.concurrent),
    '702': ERR.NO_DATA,
    '704': ERR.INVALID_DATE,
  };
  if (message !== undefined) return { code, message };
  return known[code] ?? null;
}

export const KNOWN_REST_FAULT_CODES = ['500', '502', '601', '602', '603', '604', '605', '606', '607', '608', '609', '610', '611', '612', '613', '614', '615', '702', '704'];

export function isIngestionCode(code: string): boolean {
  return code in INGESTION_ERRORS;
}

function globToRegExp(glob: string): RegExp {
  const source = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${source}$`);
}

/** The one call Sync Leads answers: the upsert race window applies to it alone. */
const SYNC_LEADS = { method: 'POST', path: '/rest/v1/leads.json' };

function appliesTo(effect: FaultEffect, match: FaultMatch, target: FaultTarget): boolean {
  // Identity is only hit by faults that name its path, and only by gateway-level effects (it has no envelope).
  if (target.api === 'identity') return match.path !== undefined && (effect.kind === 'http' || effect.kind === 'latency' || effect.kind === 'drop');
  if (effect.kind === 'error') return isIngestionCode(effect.code) === (target.api === 'ingestion');
  if (effect.kind === 'upsertRace') return target.api === 'rest' && target.method.toUpperCase() === SYNC_LEADS.method && target.path === SYNC_LEADS.path;
  return true;
}

function apiOf(path: string): FaultTarget['api'] {
  if (path === '/identity' || path.startsWith('/identity/')) return 'identity';
  return path.startsWith('/subscriptions/') ? 'ingestion' : 'rest';
}

/**
 * Why a fault could never fire, naming the key to change, or null: its effect does not apply to the calls its
 * literal path (no `*`) and method can name (a Data Ingestion code on a REST path, an envelope error on Identity, a
 * race window off Sync Leads). Wildcard paths are not judged: they may match calls of several APIs.
 */
export function unreachableFault(effect: FaultEffect, match: FaultMatch): { field: string; message: string } | null {
  const method = match.method?.toUpperCase();
  if (effect.kind === 'upsertRace') {
    if (method !== undefined && method !== SYNC_LEADS.method) return { field: 'match.method', message: `the upsert race window only applies to ${SYNC_LEADS.method} ${SYNC_LEADS.path} (Sync Leads)` };
    if (match.path !== undefined && !match.path.includes('*') && canonicalPath(match.path) !== SYNC_LEADS.path) {
      return { field: 'match.path', message: `the upsert race window only applies to ${SYNC_LEADS.method} ${SYNC_LEADS.path} (Sync Leads)` };
    }
    return null;
  }
  if (match.path === undefined || match.path.includes('*')) return null;
  const path = canonicalPath(match.path);
  const api = apiOf(path);
  const probe: FaultTarget = { api, munchkinId: '', method: method ?? 'POST', path };
  if (appliesTo(effect, { ...match, path }, probe)) return null;
  if (effect.kind === 'error') {
    const what = isIngestionCode(effect.code) ? 'a Data Ingestion error_code (it fires on /subscriptions/{munchkinId}/persons only)' : 'a Marketo REST code (it fires on /rest paths only)';
    return { field: 'error', message: `'${effect.code}' is ${what}; ${path} never answers it` };
  }
  return { field: 'match.path', message: `${path} is an Identity path: only httpStatus, latencyMs and drop apply there (use revokeToken or error 601 on a REST path to exercise re-authentication)` };
}

/** A path as calls are matched: without an instance prefix, and with the ingestion path's Munchkin ID in upper case. */
const canonicalPath = (path: string) =>
  path.replace(/^\/\d{3}-[A-Za-z]{3}-\d{3}(?=\/)/, '').replace(/^\/subscriptions\/(\d{3}-[A-Za-z]{3}-\d{3})(?=\/|$)/, (_, id: string) => `/subscriptions/${id.toUpperCase()}`);

/** The live faults of one emulator. Consulting draws from the seeded source only for probabilistic faults that match. */
export class FaultEngine {
  private faults: (Fault & { pathRe?: RegExp })[] = [];
  private nextId = 1;

  constructor(private readonly random: () => Random) {}

  add(spec: NewFault): Fault {
    const match: FaultMatch = { ...spec.match };
    if (match.munchkinId) match.munchkinId = match.munchkinId.toUpperCase();
    if (match.method) match.method = match.method.toUpperCase();
    if (match.path) match.path = canonicalPath(match.path);
    if (spec.effect.kind === 'upsertRace') {
      match.method ??= SYNC_LEADS.method;
      match.path ??= SYNC_LEADS.path;
    }
    const probability = spec.probability ?? 1;
    // One-shot by default; a probabilistic fault or a race window stays until cleared unless `times` is given.
    const defaultTimes = probability < 1 || spec.effect.kind === 'upsertRace' ? null : 1;
    const fault = {
      id: this.nextId++,
      match,
      effect: { ...spec.effect },
      remaining: spec.times === undefined ? defaultTimes : spec.times,
      probability,
      fired: 0,
      pathRe: match.path?.includes('*') ? globToRegExp(match.path) : undefined,
    };
    this.faults.push(fault);
    return view(fault);
  }

  list(): Fault[] {
    return this.faults.map(view);
  }

  remove(id: number): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length < before;
  }

  clear(): number {
    const count = this.faults.length;
    this.faults = [];
    return count;
  }

  /** The first live fault that matches and fires for this call (in the order they were added), or null. */
  consult(target: FaultTarget): Fault | null {
    for (const fault of this.faults) {
      const m = fault.match;
      if (m.munchkinId && m.munchkinId !== target.munchkinId) continue;
      if (m.method && m.method !== target.method.toUpperCase()) continue;
      if (m.clientId && m.clientId !== target.clientId) continue;
      if (m.path && !(fault.pathRe ? fault.pathRe.test(target.path) : m.path === target.path)) continue;
      if (!appliesTo(fault.effect, m, target)) continue;
      if (fault.probability < 1 && this.random().next() >= fault.probability) continue;
      fault.fired++;
      if (fault.remaining !== null) fault.remaining--;
      if (fault.remaining === 0) this.faults = this.faults.filter((f) => f !== fault);
      return view(fault);
    }
    return null;
  }
}

function view(fault: Fault): Fault {
  return {
    id: fault.id,
    match: { ...fault.match },
    effect: { ...fault.effect },
    remaining: fault.remaining,
    probability: fault.probability,
    fired: fault.fired,
  };
}
