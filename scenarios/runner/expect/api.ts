// Expectations on an answer a marketo or mapOrg step kept: status, success, errors, result items, body (as subsets).
import type { ApiAnswer as ExpectedAnswer, Then } from '../schema.js';
import type { ApiAnswer, World } from '../world.js';
import { projectLike, subsetDiff, type Failure } from '../match.js';

export function expectAnswer(expected: ExpectedAnswer, actual: ApiAnswer, at: string): Failure[] {
  const failures: Failure[] = [];
  const body = actual.body as Record<string, unknown> | string;
  const field = (key: string): unknown => (typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined);
  const status = expected.status ?? 200;
  if (actual.status !== status) {
    failures.push({ at: `${at}.status`, message: `HTTP status ${status} expected, got ${actual.status}`, expected: { status }, actual: { status: actual.status, body } });
  }
  if (expected.success !== undefined && field('success') !== expected.success) {
    failures.push({ at: `${at}.success`, message: `success: ${expected.success} expected`, expected: { success: expected.success }, actual: body });
  }
  if (expected.errors !== undefined) {
    const errors = field('errors') ?? [];
    if (subsetDiff(expected.errors, errors).length > 0) {
      failures.push({ at: `${at}.errors`, message: 'errors differ', expected: expected.errors, actual: projectLike(expected.errors, errors) });
    }
  }
  if (expected.result !== undefined) {
    const result = field('result');
    const diff = subsetDiff(expected.result, result);
    if (diff.length > 0) {
      failures.push({ at: `${at}.result`, message: `result differs at ${diff.slice(0, 3).join(', ')}`, expected: expected.result, actual: projectLike(expected.result, result) ?? null });
    }
  }
  if (expected.body !== undefined) {
    const diff = subsetDiff(expected.body, body);
    if (diff.length > 0) {
      failures.push({ at: `${at}.body`, message: `body differs at ${diff.slice(0, 3).join(', ')}`, expected: expected.body, actual: projectLike(expected.body, body) });
    }
  }
  return failures;
}

/** then.api: the kept answer of each named call, compared like a step's `expect`. */
export function expectApi(world: World, expectations: Then['api']): Failure[] {
  return (expectations ?? []).flatMap((e, i) => {
    const answer = world.answers.get(e.call);
    if (!answer) return [{ at: `then.api[${i}]`, message: `the call '${e.call}' did not run`, expected: e, actual: null }];
    const { call: _call, ...expected } = e;
    return expectAnswer(expected, answer, `then.api[${i}]`);
  });
}
