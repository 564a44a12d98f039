// The dashboard's live stream (server-sent events): inspection log batches, usage samples, connector runs, clock and resets.
import type { Request, Response } from 'express';
import type { LogEntry } from '../domain/inspection-log.js';
import type { Runtime } from '../runtime.js';
import type { UiState } from './ui-state.js';

/** Log entries go out in batches; past this many in one batch the oldest are counted as skipped, not sent. */
export const MAX_BATCH = 200;
const FLUSH_MS = 250;
const HEARTBEAT_MS = 15_000;

interface Client {
  res: Response;
  pending: LogEntry[];
  skipped: number;
}

/** A log entry as the feed shows it: with the name of the API service whose client id made the call. */
export type FeedEntry = LogEntry & { service?: string };

function frame(event: string, data: unknown, id?: number): string {
  return `${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * One hub per emulator: its timers run only while a viewer is connected. Events:
 * `hello` {clock, usage (with history), runs, demo}; `log` {entries (each with its `service` name when a service made
 * the call), skipped} (SSE id = last seq, so a reconnect resumes);
 * `usage` {clock, usage}; `runs` [summaries]; `demo` {active, steps}; `reset` {}.
 */
export class LiveHub {
  private readonly clients = new Set<Client>();
  private timers: ReturnType<typeof setInterval>[] = [];
  private unsubscribe: (() => void)[] = [];
  private runsChanged = false;
  private demoChanged = false;

  constructor(
    private readonly runtime: Runtime,
    private readonly ui: UiState,
  ) {}

  serve(req: Request, res: Response, after: number | undefined): void {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    // no-transform keeps the compression middleware from buffering the stream.
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write('retry: 2000\n\n');
    const client: Client = { res, pending: [], skipped: 0 };
    res.write(
      frame('hello', {
        clock: this.runtime.clock.state(),
        usage: this.ui.usage.sample(),
        runs: this.ui.runs.list(),
        demo: this.ui.demo.view(),
      }),
    );
    const replay = this.ui.feed.since(after);
    if (replay.length > 0) res.write(frame('log', { entries: replay.map((e) => this.named(e)), skipped: 0 }, replay[replay.length - 1].seq));
    this.clients.add(client);
    if (this.clients.size === 1) this.start();
    req.on('close', () => {
      this.clients.delete(client);
      if (this.clients.size === 0) this.stop();
    });
  }

  private start(): void {
    this.unsubscribe.push(
      this.runtime.log.subscribe((entry) => {
        for (const c of this.clients) {
          c.pending.push(entry);
          if (c.pending.length > MAX_BATCH) {
            c.skipped += c.pending.length - MAX_BATCH;
            c.pending.splice(0, c.pending.length - MAX_BATCH);
          }
        }
      }),
      this.ui.runs.subscribe(() => (this.runsChanged = true)),
      this.ui.demo.subscribe(() => (this.demoChanged = true)),
      this.runtime.onReset(() => this.broadcast(frame('reset', {}))),
      this.ui.usage.retain(),
      this.ui.usage.onSample((usage) => this.broadcast(frame('usage', { clock: this.runtime.clock.state(), usage: this.ui.usage.latest(usage) }))),
    );
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(fn, ms);
      t.unref();
      this.timers.push(t);
    };
    every(FLUSH_MS, () => this.flush());
    every(HEARTBEAT_MS, () => this.broadcast(': keep-alive\n\n'));
  }

  private stop(): void {
    for (const t of this.timers) clearInterval(t);
    for (const u of this.unsubscribe) u();
    this.timers = [];
    this.unsubscribe = [];
  }

  /** Sends what is pending now (the timer calls it; tests may too). */
  flush(): void {
    for (const c of this.clients) {
      if (c.pending.length === 0 && c.skipped === 0) continue;
      const entries = c.pending;
      c.res.write(frame('log', { entries: entries.map((e) => this.named(e)), skipped: c.skipped }, entries.length ? entries[entries.length - 1].seq : undefined));
      c.pending = [];
      c.skipped = 0;
    }
    if (this.runsChanged) {
      this.runsChanged = false;
      this.broadcast(frame('runs', this.ui.runs.list()));
    }
    if (this.demoChanged) {
      this.demoChanged = false;
      this.broadcast(frame('demo', this.ui.demo.view()));
    }
  }

  private named(entry: LogEntry): FeedEntry {
    if (!entry.clientId) return entry;
    const service = this.runtime.instance(entry.munchkinId)?.services.find((s) => s.clientId === entry.clientId);
    return service ? { ...entry, service: service.name } : entry;
  }

  private broadcast(text: string): void {
    for (const c of this.clients) c.res.write(text);
  }
}
