// Controls tab: reset, the instance clock, fault injection and built-in scenarios, all through the control plane.
import { api, enc } from '../api.js';
import { dateTime, h, num, replace, toast } from '../dom.js';

const EFFECTS = [
  ['error', 'Marketo error code'],
  ['httpStatus', 'HTTP 5xx from the gateway'],
  ['latencyMs', 'Latency'],
  ['drop', 'Dropped connection'],
  ['revokeToken', 'Token revocation'],
  ['upsertRace', 'Upsert race window'],
];

function describeEffect(effect) {
  switch (effect.kind) {
    case 'error': return `error ${effect.code}${effect.message ? ` “${effect.message}”` : ''}`;
    case 'http': return `HTTP ${effect.status}`;
    case 'latency': return `${num(effect.ms)} ms latency`;
    case 'drop': return 'dropped connection';
    case 'revokeToken': return 'token revocation';
    case 'upsertRace': return `upsert race window ${num(effect.windowMs)} ms`;
    default: return JSON.stringify(effect);
  }
}

export function render(app, _route) {
  const el = h('div', { class: 'grid two' });
  const left = h('div', { class: 'grid' });
  const right = h('div', { class: 'grid' });
  el.append(left, right);

  // Reset: a second press within 4 s confirms.
  let armed = null;
  const resetBtn = h('button', { class: 'danger', id: 'reset', onClick: async () => {
    if (!armed) {
      resetBtn.classList.add('armed');
      resetBtn.textContent = 'Press again to reset';
      armed = setTimeout(() => { armed = null; resetBtn.classList.remove('armed'); resetBtn.textContent = 'Reset the emulator'; }, 4000);
      return;
    }
    clearTimeout(armed);
    armed = null;
    resetBtn.classList.remove('armed');
    resetBtn.textContent = 'Reset the emulator';
    try {
      const r = await api(`${app.SIM_BASE}/reset`, { method: 'POST' });
      toast(`Reset: ${r.instances.join(', ')} back to the seeded state`);
      await loadFaults();
    } catch (e) {
      toast(`Reset failed: ${e.message}`, true);
    }
  } }, 'Reset the emulator');
  left.append(h('section', { class: 'panel', 'aria-labelledby': 'ctl-reset' }, h('h2', { id: 'ctl-reset' }, 'Reset'),
    h('p', { class: 'muted small' }, 'Back to the seeded state: same instances, credentials and leads; faults and the log are cleared.'), resetBtn));

  // Clock.
  const clockState = h('p', { id: 'clock-state', role: 'status', 'aria-live': 'polite' });
  const freezeBtn = h('button', { id: 'clock-freeze', onClick: () => changeClock(app.live.clock?.frozen ? { unfreeze: true } : { freeze: true }) }, 'Freeze');
  const customSeconds = h('input', { type: 'number', min: 1, value: '90', style: 'width:100px', 'aria-label': 'Seconds to advance' });
  const advance = (ms, label) => h('button', { dataset: { advance: String(ms) }, onClick: () => changeClock({ advanceMs: ms }, label) }, label);
  async function changeClock(body, label) {
    try {
      const c = await api(`${app.SIM_BASE}/clock`, { method: 'POST', body });
      app.live.clock = c;
      app.live.emit('clock', c);
      showClock(c);
      toast(label ? `Clock advanced ${label.replace('+', '')}: now ${dateTime(c.now)}` : `Clock ${c.frozen ? 'frozen' : 'running'}`);
    } catch (e) {
      toast(`Clock: ${e.message}`, true);
    }
  }
  function showClock(c) {
    if (!c) return;
    clockState.textContent = `${dateTime(c.now)} — ${c.frozen ? 'frozen' : 'running'}${c.pendingTimers ? `, ${c.pendingTimers} timer${c.pendingTimers === 1 ? '' : 's'} pending` : ''}`;
    freezeBtn.textContent = c.frozen ? 'Unfreeze (follow real time)' : 'Freeze';
  }
  left.append(h('section', { class: 'panel', 'aria-labelledby': 'ctl-clock' }, h('h2', { id: 'ctl-clock' }, 'Instance clock'),
    clockState,
    h('div', { class: 'row' }, advance(20_000, '+20 s'), advance(60_000, '+1 min'), advance(3_600_000, '+1 h'), advance(86_400_000, '+1 day'), freezeBtn),
    h('div', { class: 'row', style: 'margin-top:8px' }, h('label', { class: 'row' }, 'Advance by', customSeconds, 's'),
      h('button', { onClick: () => changeClock({ advanceMs: Math.round(Number(customSeconds.value) * 1000) }, `+${customSeconds.value} s`) }, 'Advance')),
    h('p', { class: 'muted small' }, 'Advancing fires what falls due on the way: tokens expire, rate windows roll, the daily quota resets at 00:00 America/Chicago.')));

  // Scenarios.
  const scenarioBody = h('div', null, h('p', { class: 'muted' }, 'Loading…'));
  const scenarioResult = h('div', { id: 'scenario-result', role: 'status', 'aria-live': 'polite' });
  left.append(h('section', { class: 'panel', 'aria-labelledby': 'ctl-scen' }, h('h2', { id: 'ctl-scen' }, 'Built-in scenarios'),
    h('p', { class: 'muted small' }, 'Each runs in its own isolated emulator; this one is not touched.'), scenarioBody, scenarioResult));

  async function loadScenarios() {
    let list;
    try {
      list = await api(`${app.UI_API}/scenarios`);
    } catch (e) {
      replace(scenarioBody, h('p', { class: 'muted' }, `Scenarios are not available: ${e.message}`));
      return;
    }
    if (!list.scenarios.length) {
      replace(scenarioBody, h('p', { class: 'muted' }, 'No scenario files found.'));
      return;
    }
    const select = h('select', { id: 'scenario-select', 'aria-label': 'Scenario' }, list.scenarios.map((s) => h('option', { value: s.id }, `${s.name}${s.tags?.length ? `  [${s.tags.join(', ')}]` : ''}`)));
    const runBtn = h('button', { class: 'primary', id: 'scenario-run', onClick: async () => {
      runBtn.disabled = true;
      replace(scenarioResult, h('p', { class: 'muted' }, 'Running…'));
      try {
        const r = await api(`${app.UI_API}/scenarios/run`, { method: 'POST', body: { id: select.value } });
        showResult(r);
      } catch (e) {
        replace(scenarioResult, h('p', { class: 'error' }, e.message));
      } finally {
        runBtn.disabled = false;
      }
    } }, 'Run');
    replace(scenarioBody, h('div', { class: 'row' }, select, runBtn));
  }

  function showResult(r) {
    replace(scenarioResult,
      h('p', { dataset: { status: r.status } }, h('span', { class: r.passed ? 'result-pass' : 'result-fail' }, r.passed ? 'PASSED' : r.status.toUpperCase()), ` ${r.name}`,
        h('span', { class: 'muted' }, ` in ${num(r.durationMs)} ms (${num(Math.round(r.virtualMs / 1000))} s of scenario time)`)),
      h('ol', { class: 'small' }, r.steps.map((s) => h('li', null,
        h('span', { class: `badge ${s.status === 'passed' ? 'created' : s.status === 'skipped' ? '' : 'failed'}` }, s.status), ' ', h('code', null, s.label),
        s.failures.length ? h('ul', { class: 'error' }, s.failures.map((f) => h('li', null, f))) : null))),
      r.failures.length && !r.steps.some((s) => s.failures.length) ? h('ul', { class: 'error' }, r.failures.map((f) => h('li', null, f))) : null);
  }

  // Faults.
  const effect = h('select', { id: 'fault-effect', onChange: () => showEffectInputs() }, EFFECTS.map(([v, l]) => h('option', { value: v }, l)));
  const code = h('select', { id: 'fault-code' });
  const httpStatus = h('input', { id: 'fault-status', type: 'number', min: 500, max: 599, value: '503', style: 'width:90px' });
  const latency = h('input', { id: 'fault-latency', type: 'number', min: 1, value: '2000', style: 'width:100px' });
  const race = h('input', { id: 'fault-race', type: 'number', min: 1, value: '500', style: 'width:100px' });
  const method = h('select', { id: 'fault-method' }, h('option', { value: '' }, 'any'), ['GET', 'POST', 'DELETE'].map((m) => h('option', { value: m }, m)));
  const path = h('input', { id: 'fault-path', placeholder: 'any path', title: 'e.g. /rest/v1/leads.json; empty matches every path', style: 'min-width:230px' });
  const times = h('input', { id: 'fault-times', type: 'number', min: 1, value: '1', style: 'width:80px', 'aria-describedby': 'fault-times-help' });
  const everyCall = h('input', { type: 'checkbox', id: 'fault-until-cleared', onChange: () => (times.disabled = everyCall.checked) });
  const thisInstance = h('input', { type: 'checkbox', id: 'fault-this-instance', checked: true });
  const effectInputs = {
    error: h('label', { class: 'field' }, 'Code', code),
    httpStatus: h('label', { class: 'field' }, 'Status', httpStatus),
    latencyMs: h('label', { class: 'field' }, 'Milliseconds', latency),
    upsertRace: h('label', { class: 'field' }, 'Window (ms)', race),
  };
  const effectSlot = h('div', { class: 'row' });
  function showEffectInputs() {
    replace(effectSlot, effectInputs[effect.value] ?? null);
  }
  const faultList = h('div', { id: 'fault-list' });
  const form = h('form', { id: 'fault-form', onSubmit: (e) => { e.preventDefault(); void addFault(); } },
    h('div', { class: 'row' }, h('label', { class: 'field' }, 'Effect', effect), effectSlot),
    h('div', { class: 'row', style: 'margin-top:8px' },
      h('label', { class: 'field' }, 'Method', method),
      h('label', { class: 'field' }, 'Path', path),
      h('label', { class: 'field' }, 'Times', times),
      h('label', { class: 'chip', style: 'align-self:flex-end' }, everyCall, 'until cleared'),
      h('label', { class: 'chip', style: 'align-self:flex-end' }, thisInstance, 'this instance only')),
    h('p', { id: 'fault-times-help', class: 'muted small' }, 'The fault fires on the next matching calls (REST and Data Ingestion), then is spent.'),
    h('button', { class: 'primary', type: 'submit', id: 'fault-add' }, 'Inject fault'));
  right.append(h('section', { class: 'panel', 'aria-labelledby': 'ctl-faults' }, h('h2', { id: 'ctl-faults' }, 'Faults'), form,
    h('div', { class: 'row', style: 'margin-top:14px' }, h('h3', { style: 'margin:0' }, 'Active faults'), h('span', { class: 'spacer' }),
      h('button', { id: 'fault-clear-all', onClick: () => void clearFaults() }, 'Clear all')),
    faultList));

  async function loadCatalog() {
    try {
      const cat = await api(`${app.UI_API}/fault-catalog`);
      replace(code, cat.rest.map((c) => h('option', { value: c.code }, `${c.code} ${c.message}`)));
      code.value = '606';
    } catch (e) {
      replace(code, h('option', { value: '606' }, '606'));
    }
  }

  async function addFault() {
    const spec = { match: {} };
    if (thisInstance.checked) spec.match.munchkinId = app.munchkinId;
    if (method.value) spec.match.method = method.value;
    if (path.value.trim()) spec.match.path = path.value.trim();
    spec.times = everyCall.checked ? null : Number(times.value);
    switch (effect.value) {
      case 'error': spec.error = code.value; break;
      case 'httpStatus': spec.httpStatus = Number(httpStatus.value); break;
      case 'latencyMs': spec.latencyMs = Number(latency.value); break;
      case 'drop': spec.drop = true; break;
      case 'revokeToken': spec.revokeToken = true; break;
      case 'upsertRace': spec.upsertRace = { windowMs: Number(race.value) }; break;
    }
    try {
      const f = await api(`${app.SIM_BASE}/faults`, { method: 'POST', body: spec });
      toast(`Fault ${f.id} injected: ${describeEffect(f.effect)}`);
      await loadFaults();
    } catch (e) {
      toast(`Fault refused: ${e.message}`, true);
    }
  }

  async function loadFaults() {
    let faults;
    try {
      faults = await api(`${app.SIM_BASE}/faults`);
    } catch (e) {
      replace(faultList, h('p', { class: 'error' }, e.message));
      return;
    }
    replace(faultList, faults.length ? h('div', { class: 'table-wrap' }, h('table', { 'aria-label': 'Active faults' },
      h('thead', null, h('tr', null, h('th', null, '#'), h('th', null, 'Effect'), h('th', null, 'Matches'), h('th', { class: 'num' }, 'Left'), h('th', { class: 'num' }, 'Fired'), h('th', null, ''))),
      h('tbody', null, faults.map((f) => h('tr', { dataset: { fault: String(f.id) } },
        h('td', null, f.id),
        h('td', null, describeEffect(f.effect), f.probability < 1 ? h('span', { class: 'muted' }, ` (p=${f.probability})`) : null),
        h('td', { class: 'small' }, [f.match.munchkinId, f.match.method, f.match.path, f.match.clientId].filter(Boolean).join(' ') || 'every call'),
        h('td', { class: 'num' }, f.remaining === null ? '∞' : f.remaining),
        h('td', { class: 'num' }, f.fired),
        h('td', null, h('button', { 'aria-label': `Clear fault ${f.id}`, onClick: () => void removeFault(f.id) }, 'Clear'))))))) : h('p', { class: 'muted' }, 'No active faults.'));
  }

  async function removeFault(id) {
    try {
      await api(`${app.SIM_BASE}/faults/${enc(String(id))}`, { method: 'DELETE' });
      toast(`Fault ${id} cleared`);
    } catch (e) {
      toast(e.message, true);
    }
    await loadFaults();
  }

  async function clearFaults() {
    try {
      const r = await api(`${app.SIM_BASE}/faults`, { method: 'DELETE' });
      toast(`${r.removed} fault(s) cleared`);
    } catch (e) {
      toast(e.message, true);
    }
    await loadFaults();
  }

  const offs = [
    app.live.on('clock', showClock),
    app.live.on('log', ({ entries }) => { if (entries.some((e) => e.kind === 'fault')) void loadFaults(); }),
    app.live.on('reset', () => void loadFaults()),
  ];
  showEffectInputs();
  showClock(app.live.clock);
  void loadCatalog();
  void loadFaults();
  void loadScenarios();
  return { el, dispose: () => offs.forEach((off) => off()) };
}
