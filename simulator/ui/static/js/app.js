// The dashboard shell: instance picker, clock, live stream connection and hash routing between the tabs.
import { api, eventsUrl, SIM_BASE, UI_API } from './api.js';
import { dateTime, h, replace } from './dom.js';
import * as overview from './views/overview.js';
import * as leads from './views/leads.js';
import * as fields from './views/fields.js';
import * as feed from './views/feed.js';
import * as runs from './views/runs.js';
import * as controls from './views/controls.js';

const VIEWS = { overview, leads, fields, feed, runs, controls };

/** Pub-sub over the live stream: 'hello', 'log' (an array of entries), 'usage', 'runs', 'reset', 'status'. */
class Live {
  constructor() {
    this.listeners = new Map();
    this.usage = [];
    this.runs = [];
    /** The last 1,000 inspection log entries seen (oldest first), so a tab opened later starts with history. */
    this.entries = [];
    this.clock = null;
    this.demo = null;
  }
  on(event, fn) {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event).add(fn);
    return () => this.listeners.get(event).delete(fn);
  }
  emit(event, data) {
    for (const fn of this.listeners.get(event) ?? []) {
      try {
        fn(data);
      } catch (e) {
        console.error(e);
      }
    }
  }
  connect() {
    const source = new EventSource(eventsUrl());
    const json = (fn) => (e) => fn(JSON.parse(e.data));
    source.addEventListener('hello', json((d) => {
      this.usage = d.usage;
      this.runs = d.runs;
      this.clock = d.clock;
      this.demo = d.demo;
      this.emit('status', 'live');
      this.emit('hello', d);
      this.emit('usage', d.usage);
      this.emit('clock', d.clock);
      this.emit('runs', d.runs);
      this.emit('demo', d.demo);
    }));
    source.addEventListener('demo', json((d) => {
      this.demo = d;
      this.emit('demo', d);
    }));
    source.addEventListener('log', json((d) => {
      const seen = this.entries.length ? this.entries[this.entries.length - 1].seq : 0;
      d.entries = d.entries.filter((e) => e.seq > seen);
      this.entries.push(...d.entries);
      if (this.entries.length > 1500) this.entries = this.entries.slice(-1000);
      this.emit('log', d);
    }));
    source.addEventListener('usage', json((d) => {
      for (const u of d.usage) {
        const known = this.usage.find((x) => x.munchkinId === u.munchkinId);
        if (known) {
          known.limits = u.limits;
          // The server merges the samples of one instance-clock second: a repeated second replaces the last one.
          const fresh = u.samples.filter((x) => x.at > (known.samples[known.samples.length - 1]?.at ?? ''));
          const same = u.samples.find((x) => x.at === known.samples[known.samples.length - 1]?.at);
          if (same) known.samples[known.samples.length - 1] = same;
          known.samples = [...known.samples, ...fresh].slice(-120);
        } else this.usage.push(u);
      }
      this.usage = this.usage.filter((x) => d.usage.some((u) => u.munchkinId === x.munchkinId));
      this.clock = d.clock;
      this.emit('usage', this.usage);
      this.emit('clock', d.clock);
    }));
    source.addEventListener('runs', json((d) => {
      this.runs = d;
      this.emit('runs', d);
    }));
    source.addEventListener('reset', () => {
      this.entries = [];
      this.emit('reset', {});
    });
    source.addEventListener('error', () => this.emit('status', source.readyState === EventSource.CLOSED ? 'down' : 'reconnecting'));
    source.addEventListener('open', () => this.emit('status', 'live'));
  }
}

const live = new Live();
const state = {
  munchkinId: sessionStorage.getItem('sim.instance') || null,
  instances: [],
};

export const app = {
  live,
  get munchkinId() {
    return state.munchkinId;
  },
  get instances() {
    return state.instances;
  },
  SIM_BASE,
  UI_API,
  /** Reloads the instance list (after a reset or a new instance) and re-renders the current tab. */
  async refreshInstances() {
    await loadInstances();
    render();
  },
  navigate(hash) {
    if (location.hash === hash) render();
    else location.hash = hash;
  },
};

async function loadInstances() {
  let list;
  try {
    list = await api(`${SIM_BASE}/instances`);
  } catch {
    // The control plane is missing: fall back to what the dashboard API knows.
    const usage = await api(`${UI_API}/usage`);
    list = usage.usage.map((u) => ({ munchkinId: u.munchkinId, name: u.munchkinId }));
  }
  state.instances = list;
  if (!list.some((i) => i.munchkinId === state.munchkinId)) state.munchkinId = list[0]?.munchkinId ?? null;
  const select = document.getElementById('instance-select');
  replace(select, list.map((i) => h('option', { value: i.munchkinId, selected: i.munchkinId === state.munchkinId }, i.name && i.name !== i.munchkinId ? `${i.munchkinId} — ${i.name}` : i.munchkinId)));
}

/** `#/leads/12?partition=2` -> { tab: 'leads', path: ['12'], params }. */
export function parseRoute() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [pathPart, queryPart = ''] = raw.split('?');
  const [tab, ...path] = pathPart.split('/').filter(Boolean);
  return { tab: VIEWS[tab] ? tab : 'overview', path, params: new URLSearchParams(queryPart) };
}

let current = null;
function render() {
  const route = parseRoute();
  for (const a of document.querySelectorAll('.tabs a')) {
    if (a.dataset.tab === route.tab) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (current && current.tab === route.tab && current.view.update && current.munchkinId === state.munchkinId) {
    current.view.update(route);
    return;
  }
  current?.view.dispose?.();
  const main = document.getElementById('main');
  if (!state.munchkinId) {
    replace(main, h('p', { class: 'empty' }, 'No instance.'));
    current = null;
    return;
  }
  const view = VIEWS[route.tab].render(app, route);
  replace(main, view.el);
  document.title = `${document.querySelector(`.tabs a[data-tab="${route.tab}"]`).textContent} — Marketo Engage emulator`;
  current = { tab: route.tab, view, munchkinId: state.munchkinId };
}

function showClock(clock) {
  if (!clock) return;
  document.getElementById('clock-time').textContent = dateTime(clock.now);
  document.getElementById('clock-time').setAttribute('datetime', clock.now);
  const mode = document.getElementById('clock-mode');
  mode.textContent = clock.frozen ? 'frozen' : 'running';
  mode.className = `badge ${clock.frozen ? 'frozen' : 'ok'}`;
}

function showStatus(status) {
  const conn = document.getElementById('conn');
  conn.className = `conn ${status === 'live' ? 'live' : status === 'down' ? 'down' : ''}`;
  document.getElementById('conn-text').textContent = status === 'live' ? 'live' : status === 'down' ? 'disconnected' : 'reconnecting…';
}

async function main() {
  document.getElementById('instance-select').addEventListener('change', (e) => {
    state.munchkinId = e.target.value;
    sessionStorage.setItem('sim.instance', state.munchkinId);
    render();
  });
  live.on('clock', showClock);
  live.on('status', showStatus);
  live.on('reset', () => void app.refreshInstances());
  await loadInstances();
  window.addEventListener('hashchange', render);
  render();
  live.connect();
  document.body.dataset.ready = 'true';
}

void main();
