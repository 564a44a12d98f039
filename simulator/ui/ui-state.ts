// What the dashboard keeps per emulator: lead indexes, the feed tail, blocked writes per lead, usage history and connector runs.
import type { Runtime } from '../runtime.js';
import { FeedBuffer } from './feed-buffer.js';
import { LeadBlockedWrites } from './lead-blocked-writes.js';
import { LeadViews } from './leads-view.js';
import { ConnectorRuns } from './runs.js';
import { DemoTimeline } from './demo-timeline.js';
import { UsageSampler } from './usage-sampler.js';

export interface UiState {
  leads: LeadViews;
  feed: FeedBuffer;
  blocked: LeadBlockedWrites;
  usage: UsageSampler;
  runs: ConnectorRuns;
  demo: DemoTimeline;
}

const states = new WeakMap<Runtime, UiState>();

/** The dashboard state of an emulator, created on first use (the ui router creates it when it is mounted). */
export function uiState(runtime: Runtime): UiState {
  let state = states.get(runtime);
  if (!state) {
    state = { leads: new LeadViews(), feed: new FeedBuffer(runtime), blocked: new LeadBlockedWrites(runtime), usage: new UsageSampler(runtime), runs: new ConnectorRuns(), demo: new DemoTimeline() };
    states.set(runtime, state);
  }
  return state;
}

/** Where a demo, a scenario run or a test reports connector outcomes so the dashboard shows them. */
export function connectorRuns(runtime: Runtime): ConnectorRuns {
  return uiState(runtime).runs;
}
