// Fields tab: the lead schema with types and searchable flags, and Block Field Updates per input source as toggles.
import { api, enc } from '../api.js';
import { h, replace, toast } from '../dom.js';

export function render(app, _route) {
  let schema = null;
  const filter = h('input', { type: 'search', id: 'field-filter', placeholder: 'name or display name', autocomplete: 'off', onInput: () => draw() });
  const onlyBlocked = h('input', { type: 'checkbox', id: 'field-only-blocked', onChange: () => draw() });
  const onlyWritable = h('input', { type: 'checkbox', id: 'field-only-writable', checked: true, onChange: () => draw() });
  const table = h('table', { id: 'field-table', 'aria-describedby': 'fields-help' });
  const status = h('p', { class: 'muted small', role: 'status', 'aria-live': 'polite' });
  const el = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'fields-title' },
    h('h2', { id: 'fields-title' }, 'Field schema and Block Field Updates'),
    h('p', { id: 'fields-help', class: 'muted small' },
      'A ticked box blocks updates from that input source: a write from it may fill the field while it is empty, but never change a value that is there (Admin > Field Management > Block Field Updates). Dropped writes appear in the live feed as blocked writes.'),
    h('div', { class: 'row' },
      h('label', { class: 'field', style: 'min-width:240px' }, 'Filter fields', filter),
      h('label', { class: 'chip', style: 'align-self:flex-end' }, onlyWritable, 'writable only'),
      h('label', { class: 'chip', style: 'align-self:flex-end' }, onlyBlocked, 'blocked only')),
    status,
    h('div', { class: 'table-wrap tall' }, table),
  );

  async function load() {
    try {
      schema = await api(`${app.UI_API}/instances/${enc(app.munchkinId)}/fields`);
      draw();
    } catch (e) {
      replace(table, h('tbody', null, h('tr', null, h('td', { class: 'error' }, e.message))));
    }
  }

  function draw() {
    if (!schema) return;
    const text = filter.value.trim().toLowerCase();
    const rows = schema.fields.filter(
      (f) =>
        (!text || f.name.toLowerCase().includes(text) || f.displayName.toLowerCase().includes(text)) &&
        (!onlyBlocked.checked || f.blockedSources.length > 0) &&
        (!onlyWritable.checked || f.updateable),
    );
    status.textContent = `${rows.length} of ${schema.fields.length} fields; ${schema.fields.filter((f) => f.blockedSources.length).length} with blocked sources.`;
    replace(
      table,
      h('thead', null, h('tr', null,
        h('th', { scope: 'col' }, 'Field'),
        h('th', { scope: 'col' }, 'Type'),
        h('th', { scope: 'col' }, 'Searchable'),
        h('th', { scope: 'col' }, 'Writable'),
        schema.inputSources.map((s) => h('th', { scope: 'col', class: 'center' }, h('span', { title: `Block updates from ${s}` }, `Block: ${s}`))))),
      h('tbody', null, rows.map((f) => h('tr', { dataset: { field: f.name } },
        h('td', null, h('code', null, f.name), h('div', { class: 'muted small' }, f.displayName, f.isCustom ? ' · custom' : '')),
        h('td', null, f.dataType, f.length ? h('span', { class: 'muted small' }, ` (${f.length})`) : null),
        h('td', null, f.searchable ? h('span', { class: 'badge ok' }, 'searchable') : h('span', { class: 'muted' }, 'no')),
        h('td', null, f.updateable ? 'yes' : h('span', { class: 'muted' }, 'read-only')),
        schema.inputSources.map((source) => h('td', { class: 'center' },
          h('input', {
            type: 'checkbox',
            checked: f.blockedSources.includes(source),
            disabled: !f.updateable,
            'aria-label': `Block ${source} updates to ${f.name}`,
            dataset: { source },
            onChange: (e) => toggle(f, source, e.target),
          }))),
      ))),
    );
  }

  async function toggle(field, source, box) {
    const next = box.checked ? [...new Set([...field.blockedSources, source])] : field.blockedSources.filter((s) => s !== source);
    box.disabled = true;
    try {
      const saved = await api(`${app.SIM_BASE}/instances/${enc(app.munchkinId)}/fields/${enc(field.name)}/blocks`, { method: 'PUT', body: { sources: next } });
      field.blockedSources = saved.sources;
      toast(box.checked ? `${field.name}: updates from ${source} are now blocked` : `${field.name}: updates from ${source} are allowed again`);
    } catch (e) {
      box.checked = !box.checked;
      toast(`Could not change the block on ${field.name}: ${e.message}`, true);
    } finally {
      box.disabled = false;
      status.textContent = `${field.name}: blocked for ${field.blockedSources.length ? field.blockedSources.join(', ') : 'no source'}.`;
    }
  }

  const offs = [app.live.on('reset', () => void load())];
  void load();
  return { el, dispose: () => offs.forEach((off) => off()) };
}
