// Comparisons used by expectations: partial (subset) matching of answers, field values, counts; each failure keeps both sides.
import type { Count } from './schema.js';

/** One failed expectation: where it is in the scenario, what went wrong, and both sides for the side-by-side view. */
export interface Failure {
  /** Key path in the scenario, e.g. `then.leads[0]` or `when[3].marketo.expect`. */
  at: string;
  /** The line of `at` in the scenario's file, when known. */
  line?: number;
  message: string;
  expected: unknown;
  actual: unknown;
}

export function isEmptyValue(v: unknown): boolean {
  return v === null || v === undefined || v === '';
}

/** Field values: null expects "no value"; numbers and numeric strings of the same number match (YAML `1` vs "1"). */
export function sameFieldValue(expected: unknown, actual: unknown): boolean {
  if (isEmptyValue(expected)) return isEmptyValue(actual);
  if (expected === actual) return true;
  if (typeof expected === 'number' && typeof actual === 'string') return actual.trim() !== '' && Number(actual) === expected;
  if (typeof expected === 'string' && typeof actual === 'number') return expected.trim() !== '' && Number(expected) === actual;
  return false;
}

/**
 * Whether `actual` contains `expected`: objects need every expected key (and may have more), arrays need the same
 * length and each item to match in order, scalars must be equal. Returns the paths that differ.
 */
export function subsetDiff(expected: unknown, actual: unknown, path = ''): string[] {
  if (expected === null || typeof expected !== 'object') {
    return Object.is(expected, actual) || (expected === null && actual === undefined) ? [] : [path || '(value)'];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [path || '(value)'];
    if (actual.length !== expected.length) return [`${path}.length`];
    return expected.flatMap((item, i) => subsetDiff(item, actual[i], `${path}[${i}]`));
  }
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return [path || '(value)'];
  return Object.entries(expected as Record<string, unknown>).flatMap(([key, value]) =>
    subsetDiff(value, (actual as Record<string, unknown>)[key], path ? `${path}.${key}` : key),
  );
}

/** Keeps only the keys of `actual` that `expected` names (recursively), so a side-by-side view shows like with like. */
export function projectLike(expected: unknown, actual: unknown): unknown {
  if (expected === null || typeof expected !== 'object' || actual === null || typeof actual !== 'object') return actual;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return actual;
    return actual.map((item, i) => (i < expected.length ? projectLike(expected[i], item) : item));
  }
  if (Array.isArray(actual)) return actual;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(expected as Record<string, unknown>)) {
    if (key in (actual as Record<string, unknown>)) out[key] = projectLike((expected as Record<string, unknown>)[key], (actual as Record<string, unknown>)[key]);
  }
  // None of the expected keys is there: the whole value says more than an empty {}.
  return Object.keys(out).length === 0 ? actual : out;
}

export function countMatches(count: Count, n: number): boolean {
  if (typeof count === 'number') return n === count;
  return (count.min === undefined || n >= count.min) && (count.max === undefined || n <= count.max);
}

export function describeCount(count: Count): string {
  if (typeof count === 'number') return String(count);
  if (count.min !== undefined && count.max !== undefined) return count.min === count.max ? String(count.min) : `${count.min} to ${count.max}`;
  if (count.min !== undefined) return `at least ${count.min}`;
  if (count.max !== undefined) return `at most ${count.max}`;
  return 'any number';
}

/** A count as the side-by-side view shows it: the number itself when exact. */
export function shownCount(count: Count): number | string {
  return typeof count === 'number' ? count : describeCount(count);
}

export const AT_LEAST_ONE: Count = { min: 1 };

/** The line a failure's key path (`then.leads[1].values`) points at: the deepest key on it the file has. */
export function lineOf(lines: Record<string, number> | undefined, at: string): number | undefined {
  if (!lines) return undefined;
  for (let path = at; ; ) {
    if (lines[path] !== undefined) return lines[path];
    const shorter = path.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
    if (shorter === path || shorter === '') return undefined;
    path = shorter;
  }
}
