// Small SVG charts drawn by hand: a usage line against its limit, and stacked bars for throughput.
import { h, num, s } from './dom.js';

/**
 * A filled line of `values` (oldest first) on a 0..max scale, with the limit as a dashed line.
 * `title` names it, for screen readers too, with the latest value and the peak of the history.
 */
export function usageChart({ title, values, limit, enabled = true, width = 520, height = 64, color = '#5c4ee5' }) {
  const latest = values.length ? values[values.length - 1] : 0;
  const highest = values.length ? Math.max(...values) : 0;
  const max = enabled && limit > 0 ? Math.max(limit, highest, 1) : Math.max(highest, 1);
  const pad = { l: 4, r: 4, t: 8, b: 4 };
  const w = width - pad.l - pad.r;
  const hgt = height - pad.t - pad.b;
  const n = Math.max(values.length, 2);
  const x = (i) => pad.l + (w * i) / (n - 1);
  const y = (v) => pad.t + hgt - (hgt * v) / max;
  const points = values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`);
  const hot = enabled && limit > 0 && latest >= limit;
  const stroke = hot ? '#d93025' : color;
  const svg = s(
    'svg',
    { class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `${title}: ${num(latest)}${enabled ? ` of ${num(limit)}` : ''}, peak ${num(highest)}` },
    s('rect', { x: pad.l, y: pad.t, width: w, height: hgt, fill: '#fafbfc', stroke: '#eef0f4' }),
    enabled && limit > 0 ? s('line', { x1: pad.l, x2: pad.l + w, y1: y(limit), y2: y(limit), stroke: '#d93025', 'stroke-dasharray': '4 3', 'stroke-width': 1 }) : null,
    points.length > 1 ? s('polygon', { points: `${x(0)},${y(0)} ${points.join(' ')} ${x(values.length - 1)},${y(0)}`, fill: stroke, opacity: 0.14 }) : null,
    points.length > 1 ? s('polyline', { points: points.join(' '), fill: 'none', stroke, 'stroke-width': 1.8 }) : null,
    // Moments at the limit (calls there are refused: 606, 615, 607) as red marks.
    ...(enabled && limit > 0 ? values.map((v, i) => (v >= limit ? s('circle', { cx: x(i), cy: y(v), r: 2.2, fill: '#d93025' }) : null)) : []),
  );
  return h(
    'div',
    { class: 'usage-chart', dataset: { chart: title, latest: String(latest), peak: String(highest) } },
    h('div', { class: 'chart-title' }, h('span', null, title),
      h('span', null,
        highest > latest ? h('span', { class: highest >= limit && enabled ? 'error' : 'muted' }, `peak ${num(highest)} · now `) : null,
        h('strong', { class: hot ? 'error' : '' }, `${num(latest)}${enabled ? ` / ${num(limit)}` : ' (limits off)'}`))),
    svg,
  );
}

/** Stacked bars: one bar per bucket, one colour per key. */
export function stackedBars({ title, buckets, keys, colors, width = 640, height = 150 }) {
  const pad = { l: 34, r: 6, t: 8, b: 18 };
  const w = width - pad.l - pad.r;
  const hgt = height - pad.t - pad.b;
  const totals = buckets.map((b) => keys.reduce((sum, k) => sum + (b[k] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const slots = Math.max(buckets.length, 24);
  const bw = w / slots;
  const bars = [];
  buckets.forEach((b, i) => {
    let y0 = pad.t + hgt;
    for (const k of keys) {
      const v = b[k] ?? 0;
      if (!v) continue;
      const bh = (hgt * v) / max;
      y0 -= bh;
      bars.push(s('rect', { x: pad.l + i * bw + 1, y: y0, width: Math.max(1, bw - 2), height: bh, fill: colors[k] }, s('title', null, `${b.at.slice(11, 19)} ${k}: ${v}`)));
    }
  });
  const first = buckets[0];
  const last = buckets[buckets.length - 1];
  return s(
    'svg',
    { class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `${title}: ${buckets.length} intervals, peak ${max} per interval` },
    s('line', { x1: pad.l, x2: pad.l + w, y1: pad.t + hgt, y2: pad.t + hgt, stroke: '#c7ceda' }),
    s('text', { x: pad.l - 4, y: pad.t + 8, 'text-anchor': 'end' }, String(max)),
    s('text', { x: pad.l - 4, y: pad.t + hgt, 'text-anchor': 'end' }, '0'),
    first ? s('text', { x: pad.l, y: height - 4 }, first.at.slice(11, 19)) : null,
    // The last bucket's time only once the bars are wide enough that it cannot run into the first one's.
    last && buckets.length * bw >= 110 ? s('text', { x: pad.l + buckets.length * bw, y: height - 4, 'text-anchor': 'end' }, last.at.slice(11, 19)) : null,
    ...bars,
  );
}

export const OUTCOME_COLORS = { created: '#1e8e3e', updated: '#1a67d2', skipped: '#c27c0e', rejected: '#8e44ad', failed: '#d93025' };

export function legend(colors) {
  return h('div', { class: 'legend' }, Object.entries(colors).map(([k, c]) => h('span', { style: `--c:${c}` }, k)));
}
