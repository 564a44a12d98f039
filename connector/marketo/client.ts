// A typed Marketo REST client: token cache and refresh (601/602), pacing, retries with jittered backoff, 607 pause, paging.
import { nextChicagoMidnight, tracked, type ConnectorClock, type RandomSource } from '../clock.js';
import { DAILY_QUOTA_CODE, MarketoCallError, TOKEN_CODES, fromEnvelope, throttleOf, type Throttle } from './errors.js';
import { Pacer, type PacingOptions, type Slot } from './pacer.js';
import type {
  Describe2,
  Envelope,
  LeadPartition,
  LeadRecord,
  SyncLeadsRequest,
  SyncPersonsRequest,
  SyncRecordResult,
} from './types.js';

export interface RetryOptions {
  /** Attempts per call, the first included; rate-limit refusals (606, 615, 429001) do not use them. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Rate-limit refusals one call may meet before it fails: each is waited out on the pacer, not backed off. */
  maxThrottled: number;
}

export interface MarketoClientOptions {
  munchkinId: string;
  /** `https://<munchkinId>.mktorest.com/rest` or the emulator's `<base>/<munchkinId>/rest`. */
  endpoint: string;
  /** `https://<munchkinId>.mktorest.com/identity`. */
  identity: string;
  /** Data Ingestion base (`https://mkto-ingestion-api.adobe.io`). */
  ingestionEndpoint: string;
  clientId: string;
  clientSecret: string;
  pacing: PacingOptions;
  retry: RetryOptions;
  requestTimeoutMs: number;
  clock: ConnectorClock;
  random: RandomSource;
  fetch: typeof fetch;
  onEvent?: (event: ClientEvent) => void;
}

/** What the client reports as it works (the connector forwards these on its event stream). */
export type ClientEvent =
  | { type: 'call'; operation: string; status: number; code: string | null; records: number; startedAt: number; durationMs: number }
  /** `throttled`: a 606/615/429001 waited out on the pacer (`attempt` counts those refusals, outside the retry budget). */
  | { type: 'retry'; operation: string; code: string; attempt: number; delayMs: number; throttled: boolean }
  | { type: 'token'; reason: 'initial' | 'expired' | 'refresh'; expiresInSeconds: number }
  | { type: 'paused'; code: string; until: number };

/** The largest GET URI Marketo takes is 8 KB; longer filter queries go as `POST ...?_method=GET` with a form body. */
const MAX_GET_URI_BYTES = 7_800;
const MAX_FILTER_VALUES = 300;
const MAX_TOKEN_RETRIES = 3;
const MAX_QUOTA_PAUSES = 2;

interface CallSpec {
  operation: string;
  method: 'GET' | 'POST';
  /** Full URL. */
  url: string;
  body?: string;
  contentType?: string;
  /** Records carried (for the event stream). */
  records?: number;
  /** Whether repeating the call after an unknown result is harmless. */
  idempotent: boolean;
  /** Data Ingestion takes the token in X-Mkto-User-Token, REST in the Authorization header. */
  tokenHeader?: 'authorization' | 'x-mkto-user-token';
}

interface RawAnswer {
  status: number;
  text: string;
  headers: Headers;
}

export class MarketoClient {
  readonly pacer: Pacer;
  private token: { value: string; expiresAt: number } | null = null;
  private tokenRequest: Promise<string> | null = null;

  constructor(private readonly options: MarketoClientOptions) {
    this.pacer = new Pacer(options.clock, options.pacing);
  }

  /** An access token from the cache, or a new one from Identity (not counted by Marketo's limits). */
  async getToken(): Promise<string> {
    const now = this.options.clock.now();
    if (this.token && now < this.token.expiresAt) return this.token.value;
    const reason = this.token ? 'expired' : 'initial';
    this.tokenRequest ??= this.fetchToken(reason).finally(() => (this.tokenRequest = null));
    return this.tokenRequest;
  }

  /** Drops the cached token (after 601/602) so the next call asks Identity again. */
  invalidateToken(token: string): void {
    if (this.token?.value === token) this.token = null;
  }

  private async fetchToken(reason: 'initial' | 'expired' | 'refresh'): Promise<string> {
    const { identity, clientId, clientSecret, retry } = this.options;
    const url = `${identity}/oauth/token?${new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret })}`;
    for (let attempt = 1; ; attempt++) {
      let answer: RawAnswer;
      try {
        answer = await this.send('GET', url, undefined, undefined, {});
      } catch (e) {
        const error = networkError(e, `Identity at ${identity}`);
        if (attempt >= retry.maxAttempts) throw error.withAttempts(attempt);
        await this.backoff('identity', error.label, attempt);
        continue;
      }
      if (answer.status === 200) {
        const body = parseJson(answer.text) as { access_token?: unknown; expires_in?: unknown } | undefined;
        if (typeof body?.access_token !== 'string') {
          throw new MarketoCallError('identity', `Identity answered 200 without an access_token: ${excerpt(answer.text)}`, { status: 200, retryable: false, executed: 'no' });
        }
        const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : 3600;
        // A token reported with 0 s left is still usable for this call; a later 602 fetches the next one.
        this.token = { value: body.access_token, expiresAt: this.options.clock.now() + Math.max(expiresIn, 1) * 1000 };
        this.options.onEvent?.({ type: 'token', reason, expiresInSeconds: expiresIn });
        return body.access_token;
      }
      if (answer.status >= 500 && attempt < retry.maxAttempts) {
        await this.backoff('identity', `HTTP ${answer.status}`, attempt);
        continue;
      }
      const body = parseJson(answer.text) as { error?: string; error_description?: string } | undefined;
      const detail = body?.error ? `${body.error}: ${body.error_description ?? ''}`.trim() : excerpt(answer.text);
      throw new MarketoCallError(
        'identity',
        answer.status === 401
          ? `Marketo Identity refused the client id/secret (${detail}); check clientId and clientSecret (Admin > LaunchPoint > View Details)`
          : `Marketo Identity answered HTTP ${answer.status}: ${detail}`,
        { status: answer.status, retryable: false, executed: 'no', attempts: attempt },
      );
    }
  }

  /** Describe Lead2: the searchable fields and every field with its type and `updateable` flag. */
  async describeLead2(): Promise<Describe2> {
    const result = await this.rest<Describe2>({ operation: 'describeLead2', method: 'GET', url: this.restUrl('/v1/leads/describe2.json'), idempotent: true });
    if (!result[0]) throw new MarketoCallError('marketo', 'describe2 returned no result', { retryable: false, executed: 'no' });
    return result[0];
  }

  async getLeadPartitions(): Promise<LeadPartition[]> {
    return this.rest<LeadPartition>({ operation: 'getLeadPartitions', method: 'GET', url: this.restUrl('/v1/leads/partitions.json'), idempotent: true });
  }

  /** Get Leads by Filter Type, every page (`nextPageToken`), at most 300 values per call. */
  async getLeadsByFilterType(filterType: string, values: readonly string[], fields: readonly string[], slot?: Slot): Promise<LeadRecord[]> {
    if (values.length === 0) return [];
    if (values.length > MAX_FILTER_VALUES) throw new RangeError(`at most ${MAX_FILTER_VALUES} filter values per call (got ${values.length})`);
    const out: LeadRecord[] = [];
    let nextPageToken: string | undefined;
    do {
      const params = new URLSearchParams({ filterType, filterValues: values.join(','), fields: fields.join(','), batchSize: '300' });
      if (nextPageToken) params.set('nextPageToken', nextPageToken);
      const getUrl = `${this.restUrl('/v1/leads.json')}?${params}`;
      const spec: CallSpec =
        Buffer.byteLength(getUrl) <= MAX_GET_URI_BYTES
          ? { operation: 'getLeadsByFilterType', method: 'GET', url: getUrl, idempotent: true }
          : {
              operation: 'getLeadsByFilterType',
              method: 'POST',
              url: `${this.restUrl('/v1/leads.json')}?_method=GET`,
              body: params.toString(),
              contentType: 'application/x-www-form-urlencoded',
              idempotent: true,
            };
      const page = await this.call<LeadRecord>(spec, slot);
      slot = undefined;
      const rows = page.result ?? [];
      out.push(...rows);
      // Get Leads may send nextPageToken without moreResult; a repeated token would loop forever.
      const more = page.moreResult ?? rows.length > 0;
      nextPageToken = more && page.nextPageToken && page.nextPageToken !== nextPageToken ? page.nextPageToken : undefined;
    } while (nextPageToken);
    return out;
  }

  /** Sync Leads: per-record results in input order. createDuplicate is not idempotent and is never blindly repeated. */
  async syncLeads(request: SyncLeadsRequest, slot?: Slot): Promise<SyncRecordResult[]> {
    return this.rest<SyncRecordResult>(
      {
      operation: `syncLeads:${request.action}`,
      method: 'POST',
      url: this.restUrl('/v1/leads.json'),
      body: JSON.stringify(request),
      contentType: 'application/json',
        records: request.input.length,
        idempotent: request.action !== 'createDuplicate',
      },
      slot,
    );
  }

  /** Data Ingestion Sync Persons: HTTP 202 and an `X-Request-Id`; the work happens later on the instance. */
  async syncPersons(request: SyncPersonsRequest, slot?: Slot): Promise<{ requestId: string }> {
    const url = `${this.options.ingestionEndpoint}/subscriptions/${encodeURIComponent(this.options.munchkinId)}/persons`;
    const spec: CallSpec = {
      operation: 'syncPersons',
      method: 'POST',
      url,
      body: JSON.stringify(request),
      contentType: 'application/json',
      records: request.persons.length,
      idempotent: true,
      tokenHeader: 'x-mkto-user-token',
    };
    const answer = await this.attempts(spec, (raw) => this.readIngestion(raw), slot);
    return { requestId: answer };
  }

  /** A REST call whose `result` array is returned. */
  private async rest<T>(spec: CallSpec, slot?: Slot): Promise<T[]> {
    return (await this.call<T>(spec, slot)).result ?? [];
  }

  private call<T>(spec: CallSpec, slot?: Slot): Promise<Envelope<T>> {
    return this.attempts(spec, (raw) => this.readEnvelope<T>(raw), slot);
  }

  private restUrl(path: string): string {
    return `${this.options.endpoint}${path}`;
  }

  /**
   * The retry loop shared by every call: token, pace, send, classify, then repeat, wait or give up. Token refreshes,
   * quota pauses and rate-limit refusals do not use the retry budget; `attempts` on a failure counts every call sent.
   */
  private async attempts<R>(spec: CallSpec, read: (raw: RawAnswer) => R, slot?: Slot): Promise<R> {
    const { clock, retry } = this.options;
    let attempt = 0;
    let sent = 0;
    let tokenRetries = 0;
    let quotaPauses = 0;
    let throttles = 0;
    for (;;) {
      attempt++;
      let token: string;
      try {
        token = await this.getToken();
      } catch (e) {
        slot?.release();
        throw e;
      }
      // A slot the caller already holds (it formed its batch once the pacer let it go) serves the first attempt;
      // a repeated call goes ahead of the queue.
      const granted = slot ?? (await this.pacer.acquire({ first: sent > 0 }));
      slot = undefined;
      sent++;
      const startedAt = clock.now();
      let error: MarketoCallError;
      try {
        const headers: Record<string, string> =
          spec.tokenHeader === 'x-mkto-user-token' ? { 'X-Mkto-User-Token': token } : { Authorization: `Bearer ${token}` };
        const raw = await this.send(spec.method, spec.url, spec.body, spec.contentType, headers);
        try {
          const value = read(raw);
          this.report(spec, raw.status, null, startedAt);
          return value;
        } catch (e) {
          if (!(e instanceof MarketoCallError)) throw e;
          error = e;
          this.report(spec, raw.status, e.label, startedAt);
        }
      } catch (e) {
        if (e instanceof MarketoCallError) error = e;
        else {
          error = networkError(e, spec.url);
          this.report(spec, 0, 'network', startedAt);
        }
      } finally {
        granted.release();
      }

      const code = error.details.code;
      if (code !== undefined && TOKEN_CODES.has(code) && tokenRetries < MAX_TOKEN_RETRIES) {
        tokenRetries++;
        attempt--;
        this.invalidateToken(token);
        continue;
      }
      if (code === DAILY_QUOTA_CODE || code === '4290801') {
        if (quotaPauses >= MAX_QUOTA_PAUSES) throw error.withAttempts(sent);
        quotaPauses++;
        attempt--;
        const until = nextChicagoMidnight(clock.now());
        this.options.onEvent?.({ type: 'paused', code, until });
        this.pacer.pauseUntil(until);
        continue;
      }
      const throttle = throttleOf(error);
      if (throttle) {
        if (++throttles > retry.maxThrottled) {
          const which = throttle.kind === 'rate' ? 'rate' : 'concurrency';
          throw new MarketoCallError(error.kind, `${error.message} (refused ${throttles} times for the instance's ${which} limit, which other services may be using up)`, {
            ...error.details,
            attempts: sent,
          });
        }
        attempt--;
        this.waitOutThrottle(spec.operation, error.label, throttle, granted.grantedAt, throttles);
        continue;
      }
      if (!error.details.retryable) throw error.withAttempts(sent);
      // The server may have done the work: only idempotent calls are repeated; the caller re-checks the others.
      if (error.details.executed === 'maybe' && !spec.idempotent) throw error.withAttempts(sent);
      if (attempt >= retry.maxAttempts) throw error.withAttempts(sent);
      await this.backoff(spec.operation, error.label, attempt);
    }
  }

  /**
   * A 606/615/429001 is waited out, not backed off: the pacer holds every call until one of this client's own calls
   * has left the rate window (or finished, for 615). When it had none counted, other services used the limit up, and
   * every call is held for a growing, jittered part of the window before trying again.
   */
  private waitOutThrottle(operation: string, code: string, throttle: Throttle, grantedAt: number, count: number): void {
    const { clock, pacing } = this.options;
    const own = this.pacer.throttled(throttle.kind, grantedAt, throttle.limit);
    let delayMs: number;
    if (own === 0) {
      delayMs = this.jitter(Math.min(pacing.windowMs, (pacing.windowMs / 20) * 2 ** (count - 1)));
      this.pacer.pauseUntil(clock.now() + delayMs);
    } else delayMs = Math.max(0, this.pacer.nextStartAt() - clock.now());
    this.options.onEvent?.({ type: 'retry', operation, code, attempt: count, delayMs, throttled: true });
  }

  /** Exponential backoff with "equal jitter" from the injected random source. */
  private async backoff(operation: string, code: string, attempt: number): Promise<void> {
    const { retry, clock } = this.options;
    const delayMs = this.jitter(Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1)));
    this.options.onEvent?.({ type: 'retry', operation, code, attempt, delayMs, throttled: false });
    await clock.sleep(delayMs);
  }

  /** "Equal jitter": between half and all of `ceiling`. */
  private jitter(ceiling: number): number {
    return Math.round(ceiling / 2 + this.options.random() * (ceiling / 2));
  }

  private report(spec: CallSpec, status: number, code: string | null, startedAt: number): void {
    this.options.onEvent?.({
      type: 'call',
      operation: spec.operation,
      status,
      code,
      records: spec.records ?? 0,
      startedAt,
      durationMs: this.options.clock.now() - startedAt,
    });
  }

  /** One HTTP exchange, timed out after requestTimeoutMs on the injected clock (virtual time in tests). */
  private async send(method: string, url: string, body: string | undefined, contentType: string | undefined, headers: Record<string, string>): Promise<RawAnswer> {
    const { clock, requestTimeoutMs } = this.options;
    const controller = new AbortController();
    const cancel = clock.schedule?.(requestTimeoutMs, () => controller.abort(new DOMException('no answer within the request timeout', 'TimeoutError')));
    const signal = cancel ? controller.signal : AbortSignal.timeout(requestTimeoutMs);
    const work = (async () => {
      const res = await this.options.fetch(url, {
        method,
        headers: { Accept: 'application/json', ...(contentType ? { 'Content-Type': contentType } : {}), ...headers },
        body,
        signal,
      });
      return { status: res.status, text: await res.text(), headers: res.headers };
    })();
    try {
      return await tracked(clock, work);
    } finally {
      cancel?.();
    }
  }

  private readEnvelope<T>(raw: RawAnswer): Envelope<T> {
    if (raw.status !== 200) throw httpError(raw);
    const body = parseJson(raw.text) as Envelope<T> | undefined;
    if (!body || typeof body !== 'object' || typeof body.success !== 'boolean') {
      throw new MarketoCallError('http', `Marketo answered HTTP 200 without an envelope: ${excerpt(raw.text)}`, { status: 200, retryable: true, executed: 'maybe' });
    }
    if (!body.success) throw fromEnvelope(body.errors, body.requestId);
    return body;
  }

  /** Data Ingestion answers 202 with X-Request-Id, or `{error_code, message}` with an HTTP status. */
  private readIngestion(raw: RawAnswer): string {
    if (raw.status === 202) return raw.headers.get('x-request-id') ?? '';
    const body = parseJson(raw.text) as { error_code?: string; message?: string } | undefined;
    const errorCode = body?.error_code ? String(body.error_code) : undefined;
    const message = `Data Ingestion answered HTTP ${raw.status}${errorCode ? ` ${errorCode}` : ''}: ${body?.message ?? excerpt(raw.text)}`;
    if (raw.status === 401 || errorCode === '401013' || errorCode === '403010') {
      // Token invalid or missing: handled like REST 601.
      return throwError(new MarketoCallError('ingestion', message, { code: '601', status: raw.status, retryable: false, executed: 'no' }));
    }
    if (errorCode === '4290801') {
      return throwError(new MarketoCallError('ingestion', message, { code: '4290801', status: raw.status, retryable: false, executed: 'no' }));
    }
    const retryable = raw.status === 429 || raw.status >= 500;
    return throwError(
      new MarketoCallError('ingestion', message, { code: errorCode, status: raw.status, retryable, executed: raw.status >= 500 ? 'maybe' : 'no' }),
    );
  }
}

function throwError(error: MarketoCallError): never {
  throw error;
}

function httpError(raw: RawAnswer): MarketoCallError {
  const retryable = raw.status >= 500;
  return new MarketoCallError('http', `Marketo answered HTTP ${raw.status}: ${excerpt(raw.text)}`, {
    status: raw.status,
    retryable,
    executed: retryable ? 'maybe' : 'no',
  });
}

/** What the usual socket error codes mean, for messages a user can act on. */
const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused (nothing is listening there)',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed',
};

function networkError(e: unknown, target: string): MarketoCallError {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  const code = err.cause?.code;
  const detail =
    err.name === 'TimeoutError'
      ? 'no answer within the request timeout'
      : code && NETWORK_CODES[code]
        ? `${NETWORK_CODES[code]} (${code})`
        : (code ?? err.cause?.message ?? err.message);
  return new MarketoCallError('network', `cannot reach ${target.split('?')[0]}: ${detail}`, { retryable: true, executed: 'maybe' });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat || '(empty body)';
}
