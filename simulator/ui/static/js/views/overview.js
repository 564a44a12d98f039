// Overview tab: the instance (partitions, workspaces, services, dedupe rule, limits, org mapping, HIPAA), live usage, the latest run, recent events.
import { api, enc } from '../api.js';
import { h, keepFocus, num, replace, throttle, dateTime, time } from '../dom.js';
import { usageChart } from '../charts.js';
import { feedItem } from './feed.js';
import { runSummaryPanel } from './runs.js';

export function render(app, _route) {
  const instancePanel = h('section', { class: 'panel', 'aria-labelledby': 'ov-instance' }, h('h2', { id: 'ov-instance' }, 'Instance'), h('p', { class: 'muted' }, 'Loading…'));
  const structurePanel = h('section', { class: 'panel', 'aria-labelledby': 'ov-structure' }, h('h2', { id: 'ov-structure' }, 'Partitions and workspaces'));
  const servicesPanel = h('section', { class: 'panel', 'aria-labelledby': 'ov-services' }, h('h2', { id: 'ov-services' }, 'API services'));
  const usageBody = h('div', { class: 'charts' });
  const usageRange = h('span', { class: 'muted small', id: 'usage-range' });
  const usagePanel = h('section', { class: 'panel', 'aria-labelledby': 'ov-usage' }, h('h2', { id: 'ov-usage' }, 'Rate limit and quota', usageRange), usageBody);
  const runBody = h('div', null, h('p', { class: 'muted' }, 'No connector run yet. Start the demo with ', h('code', null, 'npm run sim -- --demo'), '.'));
  const runPanel = h('section', { class: 'panel', 'aria-labelledby': 'ov-run' }, h('h2', { id: 'ov-run' }, 'Connector run'), runBody);
  const demoList = h('ol', { class: 'timeline', id: 'demo-timeline' });
  const demoPanel = h('section', { class: 'panel', 'aria-labelledby': 'ov-demo', hidden: true }, h('h2', { id: 'ov-demo' }, 'Demo timeline', h('span', { class: 'muted small' }, 'each documented behaviour, as it happens')), demoList);
  const feedList = h('ul', { class: 'feed', 'aria-label': 'Recent events' });
  const feedPanel = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'ov-feed' },
    h('h2', { id: 'ov-feed' }, 'Recent events', h('a', { href: '#/feed', class: 'small' }, 'open the live feed')),
    h('div', { class: 'feed-scroll short' }, feedList),
  );
  const leftColumn = h('div', { class: 'grid' });
  const rightColumn = h('div', { class: 'grid' });
  const el = h('div', { class: 'grid main-side' }, leftColumn, rightColumn);
  // While a connector run reports (the demo), its counts and the usage charts lead, so a laptop screen shows them
  // beside the demo timeline; otherwise the instance itself comes first.
  let runFirst = null;
  function arrange(hasRun) {
    if (runFirst === hasRun) return;
    runFirst = hasRun;
    if (hasRun) {
      leftColumn.replaceChildren(runPanel, usagePanel, instancePanel, structurePanel, servicesPanel);
      rightColumn.replaceChildren(demoPanel, feedPanel);
    } else {
      leftColumn.replaceChildren(instancePanel, runPanel, structurePanel, servicesPanel);
      rightColumn.replaceChildren(demoPanel, usagePanel, feedPanel);
    }
  }

  const load = async () => {
    try {
      const inst = await api(`${app.SIM_BASE}/instances/${enc(app.munchkinId)}`);
      renderInstance(inst);
    } catch (e) {
      replace(instancePanel, h('h2', null, 'Instance'), h('p', { class: 'error' }, `Could not load the instance: ${e.message}`));
    }
  };

  function renderInstance(inst) {
    const st = inst.settings;
    const limits = st.limits;
    const org = st.orgMapping;
    replace(
      instancePanel,
      h('h2', { id: 'ov-instance' }, inst.name !== inst.munchkinId ? `${inst.name}` : 'Instance', h('code', null, inst.munchkinId)),
      h(
        'dl',
        { class: 'facts' },
        h('dt', null, 'HIPAA-ready'),
        h('dd', { 'data-fact': 'hipaa' }, st.hipaaReady ? h('span', { class: 'badge on' }, 'yes — AEP integrations refused') : h('span', { class: 'badge ok' }, 'no')),
        h('dt', null, 'Adobe Org mapping'),
        h('dd', { 'data-fact': 'org-mapping' }, org ? h('span', null, h('code', null, org.imsOrgId), h('span', { class: 'muted small' }, ` mapped by ${org.mappedBy}${st.imsOnboarded ? ' (IMS-onboarded, read-only)' : ''}`)) : h('span', { class: 'badge warn' }, 'not mapped')),
        h('dt', null, 'Dedupe rule'),
        h('dd', { 'data-fact': 'dedupe' }, st.dedupe.partitionScoped ? 'Partition is part of the dedupe rule (same email may live in several partitions)' : 'Instance-wide on the lookup field (one lead per email across partitions)'),
        h('dt', null, 'Limits'),
        h('dd', { 'data-fact': 'limits' }, limits.enabled ? `${num(limits.ratePer20s)} calls / ${limits.rateWindowSeconds} s · ${num(limits.concurrent)} concurrent · ${num(limits.dailyQuota)} / day · ${num(limits.maxBatchSize)} records per call` : h('span', { class: 'badge warn' }, 'off')),
        h('dt', null, 'Data Ingestion API'),
        h('dd', null, st.dataIngestion ? 'enabled' : 'off'),
        h('dt', null, 'Contents'),
        h('dd', null, `${num(inst.counts.leads)} leads · ${num(inst.counts.activities)} activities · ${num(inst.counts.tokens)} tokens`),
        h('dt', null, 'Blocked fields'),
        h('dd', { 'data-fact': 'blocked' }, inst.blockedFields.length ? inst.blockedFields.map((b) => h('div', null, h('code', null, b.field), h('span', { class: 'muted' }, ` ← ${b.sources.join(', ')}`))) : h('span', { class: 'muted' }, 'none'), ' ', h('a', { href: '#/fields', class: 'small' }, 'edit')),
      ),
    );
    replace(
      structurePanel,
      h('h2', { id: 'ov-structure' }, 'Partitions and workspaces'),
      h('div', { class: 'grid two' },
        h('div', { class: 'table-wrap' }, h('table', { 'aria-label': 'Partitions' },
          h('thead', null, h('tr', null, h('th', null, 'Partition'), h('th', { class: 'num' }, 'Id'), h('th', { class: 'num' }, 'Leads'))),
          h('tbody', null, inst.partitions.map((p) => h('tr', null,
            h('td', null, h('a', { href: `#/leads?partition=${p.id}` }, p.name), p.description ? h('div', { class: 'muted small' }, p.description) : null),
            h('td', { class: 'num' }, p.id),
            h('td', { class: 'num' }, num(p.leads))))))),
        h('div', { class: 'table-wrap' }, h('table', { 'aria-label': 'Workspaces' },
          h('thead', null, h('tr', null, h('th', null, 'Workspace'), h('th', null, 'Partitions (primary first)'))),
          h('tbody', null, inst.workspaces.map((w) => h('tr', null,
            h('td', null, w.name),
            h('td', null, [w.primaryPartition, ...w.partitions.filter((p) => p !== w.primaryPartition)].join(', '))))))),
      ),
    );
    replace(
      servicesPanel,
      h('h2', { id: 'ov-services' }, 'API services', h('span', { class: 'muted small' }, 'LaunchPoint services and their API-only users')),
      h('div', { class: 'table-wrap' }, h('table', { 'aria-label': 'Services' },
        h('thead', null, h('tr', null, h('th', null, 'Service'), h('th', null, 'Input source'), h('th', null, 'Workspaces'), h('th', null, 'Permissions'))),
        h('tbody', null, inst.services.map((s) => h('tr', null,
          h('td', null, h('strong', null, s.name), h('div', { class: 'muted small mono' }, s.userEmail), h('div', { class: 'muted small mono', title: 'client id' }, s.clientId)),
          h('td', null, h('span', { class: `badge ${s.inputSource === 'Adobe Experience Platform' ? 'info' : ''}` }, s.inputSource)),
          h('td', null, s.workspaces.join(', ')),
          h('td', null, h('details', null, h('summary', null, `${s.permissions.length} permissions`, s.permissions.includes('Read-Write Person') ? ' · read-write person' : s.permissions.includes('Read-Only Person') ? ' · read-only person' : ' · no person access'), h('ul', { class: 'perm-list' }, s.permissions.map((p) => h('li', null, p)))))))))),
    );
  }

  function renderUsage(usage) {
    const u = usage.find((x) => x.munchkinId === app.munchkinId);
    if (!u) return;
    const pick = (k) => u.samples.map((s) => s[k]);
    // Sampled on every call, so the history goes back to the last busy two minutes even if nobody was watching.
    const first = u.samples[0];
    const last = u.samples[u.samples.length - 1];
    usageRange.textContent = first ? `${time(first.at)}–${time(last.at)} UTC` : 'no calls yet';
    replace(
      usageBody,
      usageChart({ title: `Calls in the ${u.limits.rateWindowSeconds} s window`, values: pick('windowCalls'), limit: u.limits.ratePer20s, enabled: u.limits.enabled }),
      usageChart({ title: 'Calls in flight', values: pick('inFlight'), limit: u.limits.concurrent, enabled: u.limits.enabled, color: '#0f8b8d' }),
      usageChart({ title: 'Calls today (quota)', values: pick('dayCalls'), limit: u.limits.dailyQuota, enabled: u.limits.enabled, color: '#1a67d2' }),
      // The other instances of this emulator, one small window chart each.
      usage.filter((o) => o.munchkinId !== app.munchkinId).map((o) =>
        h('div', { class: 'other-instance', dataset: { instance: o.munchkinId } },
          usageChart({ title: `${o.munchkinId}: calls in the ${o.limits.rateWindowSeconds} s window`, values: o.samples.map((x) => x.windowCalls), limit: o.limits.ratePer20s, enabled: o.limits.enabled, height: 36, color: '#8a84c9' }))),
    );
  }

  function renderRuns(runs) {
    const latest = runs[runs.length - 1];
    arrange(Boolean(latest));
    if (!latest) return;
    replace(runBody, runSummaryPanel(latest, { compact: true }), h('p', { class: 'small' }, h('a', { href: `#/runs/${latest.id}` }, 'per-profile outcomes'), h('span', { class: 'muted' }, ` · started ${dateTime(latest.startedAt)}`)));
  }

  const MARK = { pending: '○', running: '◔', done: '✓', failed: '✗' };
  const STATE = { pending: 'to come', running: 'now', done: 'done', failed: 'failed' };
  function renderDemo(demo) {
    if (!demo || demo.steps.length === 0) {
      demoPanel.hidden = true;
      return;
    }
    demoPanel.hidden = false;
    // What happened, in full, once a step is done; until then what to look for (in full while it runs).
    keepFocus(demoList, () => replace(demoList, demo.steps.map((st) => h('li', { class: `step ${st.state}`, dataset: { step: st.id, state: st.state } },
      h('span', { class: 'mark', 'aria-hidden': 'true' }, MARK[st.state]),
      h('div', null,
        h('div', null, h('strong', null, st.title), h('span', { class: `muted small${st.state === 'running' ? ' now' : ''}` }, `  +${st.dueSeconds} s · ${STATE[st.state]}`)),
        st.result
          ? h('div', { class: 'small result' }, st.result, st.leadIds.length ? h('span', { class: 'lead-links' }, ' — open ', st.leadIds.slice(0, 3).map((id, i) => [i ? ', ' : '', h('a', { href: `#/leads/${id}`, 'data-key': `${st.id}-${id}` }, `lead ${id}`)]), st.leadIds.length > 3 ? ` and ${st.leadIds.length - 3} more` : '') : null)
          : h('div', { class: `small muted ${st.state === 'running' ? 'result' : 'preview'}`, title: st.detail }, st.detail))))));
  }

  const recent = [];
  function addEntries({ entries }) {
    for (const e of entries) if (e.munchkinId === app.munchkinId) recent.unshift(e);
    recent.splice(15);
    replace(feedList, recent.length ? recent.map(feedItem) : h('li', { class: 'empty' }, 'Nothing yet.'));
  }

  const reload = throttle(load, 2000);
  const offs = [
    app.live.on('usage', renderUsage),
    app.live.on('runs', renderRuns),
    app.live.on('demo', renderDemo),
    app.live.on('log', (batch) => {
      addEntries(batch);
      if (batch.entries.some((e) => e.kind !== 'request' || /POST/.test(e.message))) reload();
    }),
    app.live.on('reset', () => {
      recent.length = 0;
      void load();
    }),
  ];
  renderUsage(app.live.usage);
  renderRuns(app.live.runs);
  renderDemo(app.live.demo);
  addEntries({ entries: app.live.entries });
  void load();
  return { el, dispose: () => offs.forEach((off) => off()) };
}
