// The --data file: every instance in one lowdb JSON file, loaded at start, written atomically after changes and on close.
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Low } from 'lowdb';
import type { Runtime } from '../runtime.js';
import { restoreState, snapshotState, SnapshotError, type StateSnapshot } from '../domain/snapshot.js';
import type { LogEntry } from '../domain/inspection-log.js';
import { applyRestored } from './apply-snapshot.js';
import { parseStateFile, StateFileAdapter, StateTextError } from './state-file.js';

/** The data file cannot be used; the message says why and that the file was left as it is. */
export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreError';
  }
}

export interface FileStoreOptions {
  /** Wait at least this long after a change before writing, so a burst of calls becomes one write. Default 250 ms. */
  minDelayMs?: number;
  /**
   * Share of the time the process may spend writing: after a write that took W ms the next waits at least
   * W × (1 / share − 1). Keeps large instances (100k+ leads) responsive under heavy writes. Default 0.1.
   */
  writeShare?: number;
}

export interface FileStoreStats {
  file: string;
  /** Whether the state was loaded from an existing file (false: the file was created). */
  loaded: boolean;
  writes: number;
  lastWriteMs: number;
  dirty: boolean;
}

/** Reads and checks a data file without changing anything; throws StoreError with the reason. */
export function readStateFile(file: string): ReturnType<typeof restoreState> {
  const refuse = (why: string) => new StoreError(`${file}: ${why}. The file was not changed; fix or move it, or start with another --data file.`);
  let data: unknown;
  try {
    data = parseStateFile(file);
  } catch (e) {
    if (e instanceof StateTextError) throw refuse(`the data file is corrupt (not valid JSON: ${e.message})`);
    throw new StoreError(`${file}: cannot read the data file: ${(e as Error).message}`);
  }
  try {
    return restoreState(data);
  } catch (e) {
    if (e instanceof SnapshotError) throw refuse(`the data file cannot be loaded (${e.message})`);
    throw e;
  }
}

/** Keeps a runtime's state in a JSON file. Open it right after creating the runtime, before serving calls. */
export class FileStore {
  readonly file: string;
  private readonly db: Low<StateSnapshot | null>;
  private readonly minDelayMs: number;
  private readonly writeShare: number;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private writing: Promise<void> | null = null;
  private dirty = false;
  private closed = false;
  private lastWriteEnd = 0;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly stats: FileStoreStats;

  private constructor(
    private readonly runtime: Runtime,
    file: string,
    loaded: boolean,
    options: FileStoreOptions,
  ) {
    this.file = file;
    this.minDelayMs = options.minDelayMs ?? 250;
    this.writeShare = options.writeShare ?? 0.1;
    this.db = new Low<StateSnapshot | null>(new StateFileAdapter(file), null);
    this.stats = { file, loaded, writes: 0, lastWriteMs: 0, dirty: false };
    this.unsubscribe.push(
      runtime.log.subscribe((entry) => this.onLog(entry)),
      runtime.clock.onChange(() => this.markDirty()),
      runtime.onReset(() => this.markDirty()),
    );
  }

  /** Loads the file into the runtime if it exists (refusing a corrupt or unknown one), else creates it on the first write. */
  static open(runtime: Runtime, file: string, options: FileStoreOptions = {}): FileStore {
    const path = resolve(file);
    const dir = dirname(path);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new StoreError(`${file}: the directory ${dir} does not exist`);
    const exists = existsSync(path);
    if (exists) applyRestored(runtime, readStateFile(path));
    const store = new FileStore(runtime, path, exists, options);
    if (!exists) store.markDirty();
    return store;
  }

  getStats(): FileStoreStats {
    return { ...this.stats, dirty: this.dirty };
  }

  /** Reads (GET) do not change state; everything else that reaches the log may. */
  private onLog(entry: LogEntry): void {
    if (entry.kind === 'request' && entry.method === 'GET' && !entry.path?.startsWith('/identity')) return;
    this.markDirty();
  }

  markDirty(): void {
    if (this.closed) return;
    this.dirty = true;
    if (this.timer || this.writing) return;
    this.schedule();
  }

  private schedule(): void {
    const lastMs = this.stats.lastWriteMs;
    const spacing = Math.max(this.minDelayMs, lastMs * (1 / this.writeShare - 1));
    const delay = Math.max(this.minDelayMs, this.lastWriteEnd + spacing - performance.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.writeNow().catch((e: Error) => process.emitWarning(`data file ${this.file} not written: ${e.message}`));
    }, delay);
    this.timer.unref();
  }

  /** Serializes the state now (synchronously, so it is consistent) and writes it atomically (temp file + rename). */
  private async writeNow(): Promise<void> {
    if (this.writing) await this.writing;
    if (!this.dirty) return;
    this.dirty = false;
    const started = performance.now();
    const clock = this.runtime.clock;
    this.db.data = snapshotState(this.runtime.instances.values(), this.runtime.seed, { now: clock.now(), frozen: clock.frozen });
    this.writing = this.db.write().finally(() => {
      this.db.data = null;
      this.writing = null;
      this.lastWriteEnd = performance.now();
      this.stats.writes++;
      this.stats.lastWriteMs = this.lastWriteEnd - started;
      if (this.dirty && !this.closed && !this.timer) this.schedule();
    });
    await this.writing;
  }

  /** Writes pending changes now and waits until they are on disk. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.writing) await this.writing;
    if (this.dirty) await this.writeNow();
  }

  /** Flushes until nothing is pending (a change made during the last write gets its own), then stops watching. */
  async close(): Promise<void> {
    while (this.dirty || this.writing || this.timer) await this.flush();
    this.closed = true;
    for (const off of this.unsubscribe) off();
  }
}
