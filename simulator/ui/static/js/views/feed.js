// Live feed tab: API calls, blocked writes, limit hits, faults and other inspection log entries as they happen (server-sent events).
import { h, num, replace, time } from '../dom.js';

const KINDS = [
  ['request', 'API calls'],
  ['blocked-write', 'Blocked writes'],
  ['limit', 'Limit hits'],
  ['fault', 'Faults'],
  ['deprecated', 'Deprecated use'],
  ['ingestion', 'Data Ingestion'],
  ['control', 'Control plane'],
];
const LIMIT_CODES = new Set(['606', '607', '615']);
const SHOWN = 1000;

/** One log entry as a list item (used here and on the overview). */
export function feedItem(e) {
  const limitHit = e.kind === 'limit' || (e.code && LIMIT_CODES.has(e.code));
  const cls = e.kind === 'blocked-write' ? 'hl-blocked-write' : e.kind === 'fault' ? 'hl-fault' : limitHit ? 'hl-limit' : '';
  return h(
    'li',
    { class: cls, dataset: { kind: e.kind, seq: String(e.seq) } },
    h('time', { datetime: e.at }, time(e.at)),
    h('span', { class: `kind kind-${e.kind}` }, e.kind.replace('-', ' ')),
    h('span', { class: 'msg' }, e.message, e.service ? h('span', { class: 'who', title: 'the API service that made the call' }, e.service) : null, e.requestId ? h('span', { class: 'muted small mono' }, `  ${e.requestId}`) : null),
  );
}

export function render(app, _route) {
  const shown = new Set(KINDS.map(([k]) => k));
  let paused = false;
  let buffered = 0;
  const list = h('ul', { class: 'feed', id: 'feed-list', 'aria-label': 'Inspection log, newest first' });
  const counts = h('span', { class: 'muted small', id: 'feed-counts' });
  const text = h('input', { type: 'search', placeholder: 'path, code, field…', 'aria-label': 'Filter the feed by text', autocomplete: 'off', onInput: () => redraw() });
  const pauseBtn = h('button', { id: 'feed-pause', 'aria-pressed': 'false', onClick: () => {
    paused = !paused;
    pauseBtn.setAttribute('aria-pressed', String(paused));
    pauseBtn.textContent = paused ? 'Resume' : 'Pause';
    if (!paused) redraw();
  } }, 'Pause');
  const onlyThis = h('input', { type: 'checkbox', checked: true, onChange: () => redraw() });
  const el = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'feed-title' },
    h('h2', { id: 'feed-title' }, 'Live feed', counts),
    h('div', { class: 'row', style: 'margin-bottom:8px' },
      h('div', { class: 'chips', role: 'group', 'aria-label': 'Show kinds' }, KINDS.map(([k, label]) => h('label', { class: 'chip' },
        h('input', { type: 'checkbox', checked: true, dataset: { kind: k }, onChange: (e) => {
          if (e.target.checked) shown.add(k);
          else shown.delete(k);
          redraw();
        } }), h('span', { class: `kind-${k}` }, label)))),
      h('span', { class: 'spacer' }),
      h('div', { class: 'row' }, h('label', { class: 'chip' }, onlyThis, 'this instance only'), text, pauseBtn)),
    h('div', { class: 'feed-scroll' }, list),
  );

  const visible = (e) => shown.has(e.kind) && (!onlyThis.checked || e.munchkinId === app.munchkinId) && (!text.value || JSON.stringify(e).toLowerCase().includes(text.value.toLowerCase()));

  function tally() {
    const c = { blocked: 0, limit: 0, fault: 0, request: 0 };
    for (const e of app.live.entries) {
      if (e.kind === 'blocked-write') c.blocked++;
      else if (e.kind === 'limit') c.limit++;
      else if (e.kind === 'fault') c.fault++;
      else if (e.kind === 'request') c.request++;
    }
    counts.textContent = `last ${num(app.live.entries.length)} entries: ${num(c.request)} calls · ${num(c.blocked)} blocked writes · ${num(c.limit)} limit hits · ${num(c.fault)} faults${paused && buffered ? ` · ${buffered} new while paused` : ''}`;
  }

  function redraw() {
    buffered = 0;
    const entries = app.live.entries.filter(visible).slice(-SHOWN).reverse();
    replace(list, entries.length ? entries.map(feedItem) : h('li', { class: 'empty' }, 'Nothing to show yet.'));
    tally();
  }

  const offs = [
    app.live.on('log', ({ entries, skipped }) => {
      if (paused) {
        buffered += entries.length;
        tally();
        return;
      }
      const fresh = entries.filter(visible);
      if (list.firstChild?.classList?.contains('empty') && fresh.length) list.replaceChildren();
      for (const e of fresh) list.prepend(feedItem(e));
      if (skipped) list.prepend(h('li', { class: 'muted' }, h('span'), h('span'), h('span', null, `${num(skipped)} entries skipped (too many at once; see /__sim/log)`)));
      while (list.childElementCount > SHOWN) list.lastElementChild.remove();
      tally();
    }),
    app.live.on('reset', () => redraw()),
  ];
  redraw();
  return { el, dispose: () => offs.forEach((off) => off()) };
}
