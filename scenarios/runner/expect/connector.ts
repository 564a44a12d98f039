// Expectations on the connector: per-profile outcomes and reasons, counts by status, preflight refusals, dead letters, counters.
import type { ExportResult } from '../../../connector/outcomes.js';
import type { Then } from '../schema.js';
import { countMatches, describeCount, shownCount, type Failure } from '../match.js';
import type { ConnectorSteps } from '../steps/connector.js';

type OutcomeExpectation = NonNullable<Then['outcomes']>[number];

/** An outcome as the reports show it. */
function view(r: ExportResult): Record<string, unknown> {
  return {
    export: r.id,
    status: r.status,
    ...(r.leadId !== undefined ? { lead: r.leadId } : {}),
    ...(r.action !== undefined ? { action: r.action } : {}),
    ...(r.reasons.length > 0 ? { reasons: r.reasons.map((x) => `${x.code} ${x.message}`) } : {}),
    trigger: r.trigger,
    email: r.email,
  };
}

/** The actual outcome with the expected keys first, in the same order (reasons where a reason is expected), so the side-by-side view pairs them. */
function likeExpected(expected: Record<string, unknown>, actual: Record<string, unknown>): Record<string, unknown> {
  const first = Object.keys(expected).map((k) => (k === 'reason' ? 'reasons' : k)).filter((k) => k in actual);
  const rest = Object.keys(actual).filter((k) => !first.includes(k));
  return Object.fromEntries([...first, ...rest].map((k) => [k, actual[k]]));
}

function selectOutcomes(connector: ConnectorSteps, e: OutcomeExpectation): ExportResult[] {
  const all = connector.results();
  if (e.export !== undefined) return all.filter((r) => r.id === e.export);
  if (e.email !== undefined) return all.filter((r) => r.email !== null && r.email.toLowerCase() === e.email!.toLowerCase());
  return all.filter((r) => connector.belongsTo(r, e.profile!));
}

function expectOutcome(connector: ConnectorSteps, e: OutcomeExpectation, at: string): Failure[] {
  const who = e.export !== undefined ? `export ${e.export}` : e.email !== undefined ? `email ${e.email}` : `profile ${e.profile}`;
  const outcomes = selectOutcomes(connector, e);
  const last = outcomes.at(-1);
  const expected = Object.fromEntries(Object.entries(e).filter(([k]) => !['profile', 'email', 'export'].includes(k)));
  if (!last) return [{ at, message: `${who} was never exported`, expected, actual: { exports: connector.results().map(view).slice(0, 12) } }];
  const wrong: string[] = [];
  if (e.status !== undefined && last.status !== e.status) wrong.push(`status ${last.status}`);
  if (e.reason !== undefined && !last.reasons.some((r) => r.code === e.reason || r.message.includes(e.reason!) || `${r.code} ${r.message}`.includes(e.reason!))) {
    wrong.push(last.reasons.length ? 'another reason' : 'no reason');
  }
  if (e.lead !== undefined && last.leadId !== e.lead) wrong.push(`lead ${last.leadId ?? 'none'}`);
  if (e.trigger !== undefined && last.trigger !== e.trigger) wrong.push(`trigger ${last.trigger}`);
  if (e.action !== undefined && last.action !== e.action) wrong.push(`action ${last.action ?? 'none'}`);
  if (e.history !== undefined && JSON.stringify(outcomes.map((o) => o.status)) !== JSON.stringify(e.history)) wrong.push('another history');
  if (wrong.length === 0) return [];
  const shown: Record<string, unknown> = { ...(e.history !== undefined ? { history: outcomes.map((o) => o.status) } : {}), ...view(last) };
  const which = outcomes.length > 1 ? ` (its last of ${outcomes.length} exports; \`history\` checks them all)` : '';
  return [{ at, message: `${who}${which}: ${wrong.join(', ')}`, expected, actual: likeExpected(expected, shown) }];
}

export function expectConnector(connector: ConnectorSteps, then: Then): Failure[] {
  const failures: Failure[] = [];
  const refusals = connector.refusals;
  if (then.preflight) {
    const e = then.preflight;
    const wanted = e.errors ?? [];
    const mismatch =
      e.ok !== (refusals.length === 0) ||
      (e.errors !== undefined && (wanted.length !== refusals.length || wanted.some((text, i) => !refusals[i].includes(text))));
    if (mismatch) {
      failures.push({
        at: 'then.preflight',
        message: e.ok ? 'the connector should have started' : `the connector should have refused to start with ${wanted.length || 'some'} error(s)`,
        expected: { ok: e.ok, ...(e.errors !== undefined ? { errors: wanted } : {}) },
        actual: { ok: refusals.length === 0, errors: refusals, ...(connector.started ? {} : { note: 'the connector was never started (no connector step ran)' }) },
      });
    }
  } else if (refusals.length > 0) {
    // Points at the destination setting at fault when the connector named one (`[config] mapping[0].xdmType: ...`).
    const setting = /^\[config\] ([^:\s]+):/.exec(refusals[0])?.[1];
    failures.push({
      at: setting ? `destination.${setting}` : 'destination',
      message: 'the connector refused to start (add then.preflight to expect this)',
      expected: { ok: true },
      actual: { ok: false, errors: refusals },
    });
  }
  then.outcomes?.forEach((e, i) => failures.push(...expectOutcome(connector, e, `then.outcomes[${i}]`)));
  if (then.outcomeCounts) {
    const actual: Record<string, number> = {};
    for (const r of connector.results()) actual[r.status] = (actual[r.status] ?? 0) + 1;
    const wrong = Object.entries(then.outcomeCounts).filter(([status, n]) => (actual[status] ?? 0) !== n);
    if (wrong.length > 0) {
      failures.push({
        at: 'then.outcomeCounts',
        message: `outcome counts differ for ${wrong.map(([s]) => s).join(', ')}`,
        expected: then.outcomeCounts,
        actual: Object.fromEntries(Object.keys({ ...then.outcomeCounts, ...actual }).map((k) => [k, actual[k] ?? 0])),
      });
    }
  }
  if (then.deadLetters !== undefined && !countMatches(then.deadLetters, connector.deadLetterCount())) {
    failures.push({ at: 'then.deadLetters', message: `${describeCount(then.deadLetters)} dead letter(s) expected`, expected: shownCount(then.deadLetters), actual: connector.deadLetterCount() });
  }
  if (then.counters) {
    const counters = connector.counters();
    const wrong = Object.entries(then.counters).filter(([name, count]) => !countMatches(count, counters[name] ?? 0));
    if (wrong.length > 0) {
      failures.push({
        at: 'then.counters',
        message: `connector counters differ: ${wrong.map(([n]) => n).join(', ')}`,
        expected: Object.fromEntries(wrong.map(([n, c]) => [n, shownCount(c)])),
        actual: Object.fromEntries(wrong.map(([n]) => [n, counters[n] ?? 0])),
      });
    }
  }
  return failures;
}
