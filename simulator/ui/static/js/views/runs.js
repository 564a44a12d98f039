// Connector runs tab: per-profile outcomes (created, updated, skipped with reason, rejected, failed), counts and throughput over time.
import { api } from '../api.js';
import { dateTime, h, keepFocus, num, replace, throttle, time, value } from '../dom.js';
import { legend, OUTCOME_COLORS, stackedBars } from '../charts.js';

const OUTCOMES = ['created', 'updated', 'skipped', 'rejected', 'failed'];

/** Count tiles and the throughput chart of one run. */
export function runSummaryPanel(run, { compact = false } = {}) {
  return h(
    'div',
    { class: 'run-summary', dataset: { run: String(run.id) } },
    h('div', { class: 'row small muted', style: 'margin-bottom:6px' },
      h('strong', { style: 'color:var(--ink)' }, run.name),
      h('span', null, `→ ${run.destination.munchkinId}, partition ${run.destination.partition}, dedup on ${run.destination.dedupFields.join(' + ')}`),
      h('span', { class: `badge ${run.state === 'running' ? 'ok' : run.state === 'failed' ? 'failed' : ''}` }, run.state)),
    h('div', { class: 'tiles' }, OUTCOMES.map((o) => h('div', { class: `tile ${o}`, dataset: { outcome: o } }, h('div', { class: 'n' }, num(run.counts[o])), h('div', { class: 'l' }, o)))),
    h('div', { class: 'chart-title', style: 'margin-top:10px' }, h('span', null, `Profiles per ${run.bucketSeconds} s (instance clock)`), h('strong', null, `${num(run.total)} total`)),
    // Drawn wider (not taller) on the runs tab, so the chart keeps its text size across a laptop screen.
    stackedBars({ title: 'Connector throughput', buckets: run.throughput, keys: OUTCOMES, colors: OUTCOME_COLORS, width: compact ? 640 : 1100, height: compact ? 110 : 150 }),
    legend(OUTCOME_COLORS),
    run.error ? h('p', { class: 'error' }, run.error) : null,
  );
}

export function render(app, route) {
  let runId = route.path[0] ? Number(route.path[0]) : null;
  let status = route.params.get('status') ?? '';
  let offset = 0;
  const limit = 50;
  const runList = h('div');
  const summary = h('div');
  const filter = h('select', { id: 'outcome-filter', onChange: (e) => { status = e.target.value; offset = 0; void loadOutcomes(); } },
    h('option', { value: '' }, 'All outcomes'), OUTCOMES.map((o) => h('option', { value: o }, o)));
  const table = h('tbody');
  const pager = h('div', { class: 'pager' });
  const detail = h('section', { class: 'panel', 'aria-labelledby': 'run-outcomes-title' },
    h('h2', { id: 'run-outcomes-title' }, 'Per-profile outcomes'),
    summary,
    h('div', { class: 'row', style: 'margin:10px 0' }, h('label', { class: 'field' }, 'Show', filter)),
    h('div', { class: 'table-wrap' }, h('table', { id: 'outcome-table' },
      h('thead', null, h('tr', null, h('th', null, 'When'), h('th', null, 'Profile'), h('th', null, 'Outcome'), h('th', null, 'Reason'), h('th', { class: 'num' }, 'Lead'))),
      table)),
    pager);
  const el = h('div', { class: 'grid' },
    h('section', { class: 'panel', 'aria-labelledby': 'runs-title' }, h('h2', { id: 'runs-title' }, 'Connector runs'), runList),
    detail);

  function drawRuns(runs) {
    if (!runs.length) {
      replace(runList, h('p', { class: 'muted' }, 'No connector run has reported to this emulator. ', h('code', null, 'npm run sim -- --demo'), ' runs the Person Sync connector against it.'));
      replace(summary, null);
      return;
    }
    if (runId === null || !runs.some((r) => r.id === runId)) runId = runs[runs.length - 1].id;
    keepFocus(runList, () => replace(runList, h('div', { class: 'table-wrap' }, h('table', { 'aria-label': 'Runs' },
      h('thead', null, h('tr', null, h('th', null, 'Run'), h('th', null, 'Destination'), h('th', null, 'State'), h('th', null, 'Started (UTC)'), OUTCOMES.map((o) => h('th', { class: 'num' }, o)))),
      h('tbody', null, runs.map((r) => h('tr', { class: r.id === runId ? 'selected' : '' },
        h('td', null, h('a', { href: `#/runs/${r.id}`, 'aria-current': r.id === runId ? 'true' : null, 'data-key': `run-${r.id}` }, r.name)),
        h('td', null, `${r.destination.munchkinId} / ${r.destination.partition}`),
        h('td', null, r.state),
        h('td', { class: 'mono' }, dateTime(r.startedAt).replace(' UTC', '')),
        OUTCOMES.map((o) => h('td', { class: 'num' }, num(r.counts[o]))))))))));
    const run = runs.find((r) => r.id === runId);
    replace(summary, runSummaryPanel(run));
  }

  async function loadOutcomes() {
    if (runId === null) return;
    const q = new URLSearchParams({ offset: String(offset), limit: String(limit) });
    if (status) q.set('status', status);
    let data;
    try {
      data = await api(`${app.UI_API}/runs/${runId}?${q}`);
    } catch (e) {
      replace(table, h('tr', null, h('td', { colspan: 5, class: 'error' }, e.message)));
      return;
    }
    const page = data.page;
    keepFocus(table, () => replace(table, page.outcomes.length ? page.outcomes.map((o) => h('tr', { dataset: { outcome: o.status } },
      h('td', { class: 'mono' }, time(new Date(o.at).toISOString())),
      h('td', null, value(o.email ?? o.profile), o.email && o.profile !== o.email ? h('div', { class: 'muted small mono' }, o.profile) : null),
      h('td', null, h('span', { class: `badge ${o.status}` }, o.status)),
      h('td', null, o.reason ?? ''),
      h('td', { class: 'num' }, o.leadId ? h('a', { href: `#/leads/${o.leadId}`, 'data-key': `${o.profile}@${o.at}` }, o.leadId) : '—'))) : h('tr', null, h('td', { colspan: 5, class: 'empty' }, 'No outcomes yet.'))));
    keepFocus(pager, () => replace(pager,
      h('span', { class: 'muted' }, `${num(page.total === 0 ? 0 : page.offset + 1)}–${num(page.offset + page.outcomes.length)} of ${num(page.total)} (newest first)`),
      h('button', { disabled: offset === 0, 'data-key': 'newer', onClick: () => { offset = Math.max(0, offset - limit); void loadOutcomes(); } }, '‹ Newer'),
      h('button', { disabled: offset + limit >= page.total, 'data-key': 'older', onClick: () => { offset += limit; void loadOutcomes(); } }, 'Older ›')));
  }

  const reloadOutcomes = throttle(() => { if (offset === 0) void loadOutcomes(); }, 1000);
  const offs = [app.live.on('runs', (runs) => { drawRuns(runs); reloadOutcomes(); })];
  filter.value = status;
  drawRuns(app.live.runs);
  void loadOutcomes();
  return {
    el,
    update(next) {
      runId = next.path[0] ? Number(next.path[0]) : runId;
      offset = 0;
      drawRuns(app.live.runs);
      void loadOutcomes();
    },
    dispose: () => offs.forEach((off) => off()),
  };
}
