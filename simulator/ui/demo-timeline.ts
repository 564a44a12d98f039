// The demo's timeline as the dashboard shows it: each documented behaviour, when it is due, and what was seen when it happened.

export type StepState = 'pending' | 'running' | 'done' | 'failed';

export interface DemoStep {
  id: string;
  title: string;
  /** What to look for in the dashboard. */
  detail: string;
  /** Seconds after the demo started (instance clock) when the step is due. */
  dueSeconds: number;
  state: StepState;
  /** What actually happened (outcomes seen, codes), once done. */
  result: string | null;
  /** The leads the step wrote or skipped, for the viewer to open. */
  leadIds: number[];
  startedAt: string | null;
  endedAt: string | null;
}

export interface DemoView {
  active: boolean;
  startedAt: string | null;
  steps: DemoStep[];
}

export class DemoTimeline {
  private steps: DemoStep[] = [];
  private startedAt: number | null = null;
  private active = false;
  private readonly listeners = new Set<() => void>();

  begin(at: number, steps: Pick<DemoStep, 'id' | 'title' | 'detail' | 'dueSeconds'>[]): void {
    this.startedAt = at;
    this.active = true;
    this.steps = steps.map((s) => ({ ...s, state: 'pending', result: null, leadIds: [], startedAt: null, endedAt: null }));
    this.notify();
  }

  start(id: string, at: number): void {
    this.update(id, { state: 'running', startedAt: new Date(at).toISOString() });
  }

  finish(id: string, at: number, result: string, failed = false, leadIds: number[] = []): void {
    this.update(id, { state: failed ? 'failed' : 'done', result, leadIds, endedAt: new Date(at).toISOString() });
  }

  end(): void {
    this.active = false;
    this.notify();
  }

  view(): DemoView {
    return {
      active: this.active,
      startedAt: this.startedAt === null ? null : new Date(this.startedAt).toISOString(),
      steps: this.steps.map((s) => ({ ...s, leadIds: [...s.leadIds] })),
    };
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private update(id: string, patch: Partial<DemoStep>): void {
    const step = this.steps.find((s) => s.id === id);
    if (!step) throw new Error(`no demo step '${id}'`);
    Object.assign(step, patch);
    this.notify();
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
