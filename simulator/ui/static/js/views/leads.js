// Leads tab: a server-side paged, sorted and searched table per partition, and a lead's fields and activity history.
import { api, enc } from '../api.js';
import { dateTime, debounce, h, keepFocus, num, replace, throttle, toast, value } from '../dom.js';

// `optional` columns give way to the lead detail when one is open (laptop width).
const COLUMNS = [
  { key: 'id', label: 'Id', num: true },
  { key: 'email', label: 'Email' },
  { key: 'firstName', label: 'First name', optional: true },
  { key: 'lastName', label: 'Last name' },
  { key: 'company', label: 'Company', optional: true },
  { key: 'partition', label: 'Partition', sortable: false },
  { key: 'updatedAt', label: 'Updated (UTC)', optional: true },
];
/** How long a table request may take before the page says why (the first sort by a column at 1M leads builds its index). */
const SLOW_MS = 400;
const SEARCH_FIELDS = [
  ['email', 'Email'],
  ['lastName', 'Last name'],
  ['firstName', 'First name'],
  ['company', 'Company'],
  ['id', 'Lead id'],
];
const DEFAULTS = { partition: 'all', sort: 'id', dir: 'asc', offset: '0', limit: '50', q: '', field: 'email' };

function paramsOf(route) {
  const p = {};
  for (const [k, v] of Object.entries(DEFAULTS)) p[k] = route.params.get(k) ?? v;
  return p;
}

function hashFor(p, leadId) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) if (v !== DEFAULTS[k] && v !== undefined) q.set(k, v);
  const qs = q.toString();
  return `#/leads${leadId ? `/${leadId}` : ''}${qs ? `?${qs}` : ''}`;
}

export function render(app, route) {
  let params = paramsOf(route);
  let leadId = route.path[0] ? Number(route.path[0]) : null;
  let partitions = [];

  const partitionSelect = h('select', { id: 'lead-partition', onChange: (e) => set({ partition: e.target.value, offset: '0' }) });
  const fieldSelect = h('select', { id: 'lead-search-field', 'aria-label': 'Search in', onChange: (e) => set({ field: e.target.value, offset: '0' }) }, SEARCH_FIELDS.map(([v, l]) => h('option', { value: v }, l)));
  const searchInput = h('input', { id: 'lead-search', type: 'search', placeholder: 'starts with…', autocomplete: 'off', 'aria-describedby': 'lead-search-help', onInput: debounce((e) => set({ q: e.target.value, offset: '0' }, true), 250) });
  const limitSelect = h('select', { id: 'lead-limit', onChange: (e) => set({ limit: e.target.value, offset: '0' }) }, ['25', '50', '100', '200'].map((n) => h('option', { value: n }, n)));
  const autoRefresh = h('input', { type: 'checkbox', id: 'lead-auto', checked: true });
  const summary = h('span', { id: 'lead-summary', class: 'muted', role: 'status', 'aria-live': 'polite' });
  const note = h('div');
  const thead = h('thead');
  const tbody = h('tbody');
  const pager = h('div', { class: 'pager' });
  const detail = h('section', { class: 'panel detail', id: 'lead-detail', tabindex: '-1', 'aria-label': 'Lead detail', hidden: true });
  const tableWrap = h('div', { class: 'table-wrap tall' }, h('table', { id: 'lead-table', 'aria-describedby': 'lead-summary' }, thead, tbody));

  const el = h(
    'div',
    { class: 'grid main-side leads-layout' },
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'leads-title' },
      h('h2', { id: 'leads-title' }, 'Leads'),
      h(
        'div',
        { class: 'row', role: 'search' },
        h('label', { class: 'field' }, 'Partition', partitionSelect),
        h('label', { class: 'field' }, 'Search in', fieldSelect),
        h('label', { class: 'field', style: 'flex:1;min-width:200px' }, 'Search', searchInput),
        h('label', { class: 'field' }, 'Rows', limitSelect),
        h('label', { class: 'chip', style: 'align-self:flex-end' }, autoRefresh, 'live refresh'),
      ),
      h('p', { id: 'lead-search-help', class: 'muted small' }, 'Search matches the beginning of the value, ignoring case (lead id: exact). Paging, sorting and search run in the emulator, so they stay fast with a million leads.'),
      note,
      h('div', { class: 'row' }, summary),
      tableWrap,
      pager,
    ),
    detail,
  );

  // Navigation changes the hash and update() follows it; typing in the search box replaces the entry instead.
  function set(patch, replaceHistory = false) {
    const next = { ...params, ...patch };
    const hash = hashFor(next, leadId);
    if (replaceHistory) {
      params = next;
      history.replaceState(null, '', hash);
      void loadTable();
    } else app.navigate(hash);
  }

  async function loadPartitions() {
    try {
      const inst = await api(`${app.SIM_BASE}/instances/${enc(app.munchkinId)}`);
      partitions = inst.partitions;
    } catch {
      partitions = [];
    }
    replace(partitionSelect, h('option', { value: 'all' }, 'All partitions'), partitions.map((p) => h('option', { value: String(p.id) }, `${p.name} (${num(p.leads)})`)));
    partitionSelect.value = params.partition;
  }

  function renderHead() {
    keepFocus(thead, () => replace(
      thead,
      h('tr', null, COLUMNS.map((c) => {
        const sorted = params.sort === c.key;
        const aria = sorted ? (params.dir === 'asc' ? 'ascending' : 'descending') : 'none';
        if (c.sortable === false) return h('th', { scope: 'col', class: c.optional ? 'opt' : '' }, c.label);
        return h('th', { scope: 'col', class: `${c.num ? 'num' : ''}${c.optional ? ' opt' : ''}`, 'aria-sort': aria },
          h('button', { class: 'sort', 'data-sort': c.key, 'data-key': `sort-${c.key}`, onClick: () => set({ sort: c.key, dir: sorted && params.dir === 'asc' ? 'desc' : 'asc', offset: '0' }) },
            c.label, h('span', { class: 'sort-ind', 'aria-hidden': 'true' }, sorted ? (params.dir === 'asc' ? '▲' : '▼') : '↕')));
      })),
    ));
  }

  // Only the answer to the latest request is shown: a slow first sort must not overwrite the page asked for after it.
  let tableRequest = 0;
  /** The `data-key` of the row link to focus when the table is next drawn (after Escape closed that lead). */
  let focusLeadAfterLoad;
  async function loadTable() {
    const q = new URLSearchParams({ partition: params.partition, sort: params.sort, dir: params.dir, offset: params.offset, limit: params.limit, field: params.field });
    if (params.q.trim()) q.set('q', params.q.trim());
    const mine = ++tableRequest;
    const slow = setTimeout(() => {
      if (mine !== tableRequest) return;
      tableWrap.setAttribute('aria-busy', 'true');
      summary.textContent = `Loading… the first sort or search by ${COLUMNS.find((c) => c.key === (params.q.trim() ? params.field : params.sort))?.label.toLowerCase() ?? 'a column'} builds its index once (a few seconds at a million leads).`;
    }, SLOW_MS);
    let page;
    try {
      page = await api(`${app.UI_API}/instances/${enc(app.munchkinId)}/leads?${q}`);
    } catch (e) {
      if (mine !== tableRequest) return;
      replace(tbody, h('tr', null, h('td', { colspan: COLUMNS.length, class: 'error' }, e.message)));
      return;
    } finally {
      clearTimeout(slow);
      if (mine === tableRequest) tableWrap.removeAttribute('aria-busy');
    }
    if (mine !== tableRequest) return;
    if (page.sort.field !== params.sort) params = { ...params, sort: page.sort.field };
    renderHead();
    replace(note, page.note ? h('p', { class: 'note' }, page.note) : null);
    const from = page.total === 0 ? 0 : page.offset + 1;
    const to = page.offset + page.rows.length;
    summary.textContent = `${num(from)}–${num(to)} of ${num(page.total)} leads${page.search ? ` whose ${SEARCH_FIELDS.find(([v]) => v === page.search.field)[1].toLowerCase()} starts with “${page.search.q}”` : ''}`;
    const wanted = focusLeadAfterLoad;
    focusLeadAfterLoad = undefined;
    keepFocus(tbody, () => replace(
      tbody,
      page.rows.length
        ? page.rows.map((r) =>
            h('tr', { class: r.id === leadId ? 'selected' : '', dataset: { leadId: String(r.id) } },
              h('td', { class: 'num' }, h('a', { href: hashFor(params, r.id), 'aria-label': `Lead ${r.id}: open detail`, 'data-key': `lead-${r.id}` }, r.id)),
              h('td', null, value(r.email)),
              h('td', { class: 'opt' }, value(r.firstName)),
              h('td', null, value(r.lastName)),
              h('td', { class: 'opt' }, value(r.company)),
              h('td', null, r.partition),
              h('td', { class: 'mono nowrap opt', title: dateTime(r.updatedAt) }, r.updatedAt.slice(5, 19).replace('T', ' ')),
            ))
        : h('tr', null, h('td', { colspan: COLUMNS.length, class: 'empty' }, 'No leads match.')),
    ), wanted);
    renderPager(page);
  }

  function renderPager(page) {
    const limit = Number(params.limit);
    const offset = page.offset;
    const lastOffset = Math.max(0, Math.floor((page.total - 1) / limit) * limit);
    const go = (o) => set({ offset: String(Math.max(0, o)) });
    const pages = Math.max(1, Math.ceil(page.total / limit));
    const pageInput = h('input', { type: 'number', min: 1, max: pages, value: String(Math.floor(offset / limit) + 1), style: 'width:90px', 'aria-label': 'Page number', 'data-key': 'page', onChange: (e) => go((Math.min(pages, Math.max(1, Number(e.target.value))) - 1) * limit) });
    keepFocus(pager, () => replace(
      pager,
      h('button', { onClick: () => go(0), disabled: offset === 0, 'data-key': 'first' }, '« First'),
      h('button', { onClick: () => go(offset - limit), disabled: offset === 0, id: 'lead-prev', 'data-key': 'prev' }, '‹ Previous'),
      h('label', { class: 'row' }, 'Page', pageInput, h('span', { class: 'muted' }, `of ${num(pages)}`)),
      h('button', { onClick: () => go(offset + limit), disabled: offset + limit >= page.total, id: 'lead-next', 'data-key': 'next' }, 'Next ›'),
      h('button', { onClick: () => go(lastOffset), disabled: offset >= lastOffset, 'data-key': 'last' }, 'Last »'),
    ));
  }

  function showDetail(open) {
    detail.hidden = !open;
    el.classList.toggle('with-detail', open);
  }

  let detailRequest = 0;
  async function loadDetail(focus) {
    const mine = ++detailRequest;
    if (!leadId) {
      showDetail(false);
      return;
    }
    let d;
    try {
      d = await api(`${app.UI_API}/instances/${enc(app.munchkinId)}/leads/${leadId}`);
    } catch (e) {
      if (mine !== detailRequest) return;
      showDetail(true);
      replace(detail, h('h2', null, `Lead ${leadId}`), h('p', { class: 'error' }, e.message));
      return;
    }
    if (mine !== detailRequest) return;
    const hadFocus = detail.contains(document.activeElement);
    showDetail(true);
    replace(
      detail,
      h('div', { class: 'row' }, h('h2', { id: 'detail-title' }, `Lead ${d.id}`), h('span', { class: 'badge info' }, d.partition), h('span', { class: 'spacer' }),
        h('button', { onClick: close, 'aria-label': 'Close lead detail' }, 'Close')),
      h('p', { class: 'muted small' }, `Created ${dateTime(d.createdAt)} · updated ${dateTime(d.updatedAt)}`),
      h('h3', null, 'Fields'),
      h('div', { class: 'table-wrap' }, h('table', { 'aria-label': 'Lead fields' },
        h('thead', null, h('tr', null, h('th', null, 'Field'), h('th', null, 'Value'))),
        h('tbody', null, d.fields.map((f) => h('tr', null,
          h('td', { class: 'field-name', title: f.displayName }, h('code', null, f.name), h('span', { class: 'muted small' }, ` ${f.dataType}`)),
          h('td', null,
            h('div', { dataset: { field: f.name } }, value(f.value)),
            f.blockedSources.length ? h('div', { class: 'small' }, h('span', { class: 'muted' }, 'updates blocked for '), f.blockedSources.map((s) => h('span', { class: 'badge warn' }, s))) : null)))))),
      h('h3', { style: 'margin-top:14px' }, `Activity history (${num(d.activityCount)})`),
      h('div', { class: 'table-wrap' }, h('table', { id: 'lead-activities', 'aria-label': 'Activity history, newest first' },
        h('thead', null, h('tr', null, h('th', null, 'When (UTC)'), h('th', null, 'Activity'), h('th', null, 'Change'), h('th', null, 'Source'))),
        h('tbody', null, d.activities.map((a) => h('tr', { dataset: { type: String(a.typeId) } },
          h('td', { class: 'mono' }, dateTime(a.date).replace(' UTC', '')),
          h('td', null, a.type),
          h('td', null, a.typeId === 13 ? [h('code', null, a.field), ': ', value(a.oldValue), h('span', { class: 'arrow' }, '→'), value(a.newValue)]
            : a.typeId === 100 ? [value(a.fromPartition), h('span', { class: 'arrow' }, '→'), value(a.toPartition)] : ''),
          h('td', null, value(a.source), a.requestId ? h('div', { class: 'muted small mono' }, a.requestId) : null)))))),
      d.blockedWrites.length
        ? [
            h('h3', { style: 'margin-top:14px' }, `Writes dropped by Block Field Updates (${num(d.blockedWrites.length)})`),
            h('p', { class: 'muted small' }, 'Marketo drops these without an activity; the emulator’s log keeps them.'),
            h('div', { class: 'table-wrap' }, h('table', { id: 'lead-blocked', 'aria-label': 'Writes dropped by Block Field Updates, newest first' },
              h('thead', null, h('tr', null, h('th', null, 'When (UTC)'), h('th', null, 'Field'), h('th', null, 'Kept'), h('th', null, 'Dropped'), h('th', null, 'Source'))),
              h('tbody', null, d.blockedWrites.map((b) => h('tr', null,
                h('td', { class: 'mono' }, dateTime(b.at).replace(' UTC', '')),
                h('td', null, h('code', null, b.field)),
                h('td', null, value(b.keptValue)),
                h('td', null, value(b.droppedValue)),
                h('td', null, b.inputSource, b.requestId ? h('div', { class: 'muted small mono' }, b.requestId) : null)))))),
          ]
        : null,
    );
    if (focus || hadFocus) detail.focus();
  }

  function close() {
    app.navigate(hashFor(params, null));
  }

  detail.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      // Focus returns to the lead's row once the table has been drawn again, however long that takes.
      focusLeadAfterLoad = `lead-${leadId}`;
      close();
    }
  });

  const refresh = throttle(() => {
    if (!autoRefresh.checked) return;
    void loadTable();
    if (leadId) void loadDetail(false);
  }, 1000);
  const offs = [
    app.live.on('log', ({ entries }) => {
      if (entries.some((e) => e.munchkinId === app.munchkinId && (e.kind !== 'request' || !/^GET /.test(e.message)))) refresh();
    }),
    app.live.on('reset', () => {
      void loadPartitions().then(loadTable);
      toast('The emulator was reset');
    }),
  ];

  function sync() {
    searchInput.value = params.q;
    fieldSelect.value = params.field;
    limitSelect.value = params.limit;
    partitionSelect.value = params.partition;
  }

  sync();
  renderHead();
  void loadPartitions().then(loadTable);
  // Arriving with a lead in the address (a link from the timeline or an outcome) puts focus on it, so Escape closes it.
  void loadDetail(leadId !== null);

  return {
    el,
    update(next) {
      const before = JSON.stringify(params);
      const prevLead = leadId;
      params = paramsOf(next);
      leadId = next.path[0] ? Number(next.path[0]) : null;
      if (document.activeElement !== searchInput) sync();
      if (JSON.stringify(params) !== before || prevLead !== leadId) void loadTable();
      if (prevLead !== leadId) void loadDetail(true);
      else if (leadId === null) showDetail(false);
    },
    dispose: () => offs.forEach((off) => off()),
  };
}
