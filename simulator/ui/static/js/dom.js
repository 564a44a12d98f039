// The dashboard's small component layer: element builders, formatters and a toast; no framework, no build step.

/** `h('button', { class: 'primary', onClick }, 'Save')` -> an element; null/false children and props are skipped. */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  applyProps(el, props);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The SVG counterpart of h(). */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs ?? {})) if (v !== null && v !== undefined && v !== false) el.setAttribute(k, String(v));
  append(el, children);
  return el;
}

function applyProps(el, props) {
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'value' || key === 'checked' || key === 'disabled' || key === 'selected') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replaces an element's children. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/**
 * Runs `render` (which rebuilds `container`) and gives focus back to the rebuilt element with the same `data-key`
 * as the one focused before, or to `wanted` when given; a live refresh or a pager click thus never drops a keyboard
 * user's focus. When that element is gone or disabled, the first enabled keyed element of the container gets it.
 */
export function keepFocus(container, render, wanted) {
  const active = document.activeElement;
  const key = wanted ?? (active && container.contains(active) ? active.dataset.key : undefined);
  render();
  if (!key) return;
  const target = container.querySelector(`[data-key="${CSS.escape(key)}"]:not([disabled])`) ?? container.querySelector('[data-key]:not([disabled])');
  target?.focus();
}

const nf = new Intl.NumberFormat('en-US');
export const num = (n) => (typeof n === 'number' ? nf.format(n) : '—');

/** Instance-clock times are shown in UTC, the same for every viewer. */
export function time(iso) {
  if (!iso) return '—';
  return String(iso).slice(11, 19);
}

export function dateTime(iso) {
  if (!iso) return '—';
  return String(iso).replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC');
}

/** A field value as text; null shows as an italic "empty". */
export function value(v) {
  if (v === null || v === undefined || v === '') return h('span', { class: 'value-null' }, 'empty');
  return String(v);
}

let toastTimer = null;
/** A short message in the corner (also read by screen readers through its live region). */
export function toast(message, bad = false) {
  const el = document.getElementById('toast');
  el.textContent = message;
  el.className = `toast show${bad ? ' bad' : ''}`;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (el.className = 'toast'), 3500);
}

/** Calls fn at most once per `ms`, trailing call included. */
export function throttle(fn, ms) {
  let last = 0;
  let timer = null;
  return (...args) => {
    const wait = last + ms - Date.now();
    if (wait <= 0) {
      last = Date.now();
      fn(...args);
    } else if (!timer) {
      timer = setTimeout(() => {
        timer = null;
        last = Date.now();
        fn(...args);
      }, wait);
    }
  };
}

export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
