// Expectations on the emulator's inspection log: writes dropped by Block Field Updates, limit hits, faults, requests.
import type { LogEntry } from '../../../simulator/domain/inspection-log.js';
import type { Then } from '../schema.js';
import { AT_LEAST_ONE, countMatches, describeCount, shownCount, sameFieldValue, type Failure } from '../match.js';
import type { World } from '../world.js';

/** Every log entry appended after `given` (paged through to the end). */
export function logSinceBaseline(world: World): LogEntry[] {
  const out: LogEntry[] = [];
  let after = world.baseline.logSeq;
  for (;;) {
    const page = world.sim.control.log.query({ after, limit: 1000 });
    out.push(...page.entries);
    if (page.entries.length < 1000) break;
    after = page.entries.at(-1)!.seq;
  }
  return out;
}

interface BlockedView {
  lead: number;
  field: string;
  source: string;
  kept: unknown;
  dropped: unknown;
}

function blockedView(entry: LogEntry): BlockedView {
  const d = entry.data ?? {};
  return { lead: d.leadId as number, field: d.field as string, source: d.inputSource as string, kept: d.keptValue, dropped: d.droppedValue };
}

export function expectLog(world: World, then: Then): Failure[] {
  const failures: Failure[] = [];
  if (!then.blockedWrites && !then.log) return failures;
  const entries = logSinceBaseline(world);
  if (then.blockedWrites) {
    const logged = entries.filter((e) => e.kind === 'blocked-write');
    const actual = logged.map(blockedView);
    const remaining = logged.map((entry, i) => ({ munchkinId: entry.munchkinId, view: actual[i] }));
    const unmatched = then.blockedWrites.filter((e) => {
      const munchkinId = world.instance(e.instance).munchkinId;
      const i = remaining.findIndex(
        ({ munchkinId: m, view: b }) =>
          m === munchkinId &&
          b.field === e.field &&
          (e.lead === undefined || b.lead === e.lead) &&
          (e.source === undefined || b.source === e.source) &&
          (e.kept === undefined || sameFieldValue(e.kept, b.kept)) &&
          (e.dropped === undefined || sameFieldValue(e.dropped, b.dropped)),
      );
      if (i < 0) return true;
      remaining.splice(i, 1);
      return false;
    });
    if (unmatched.length > 0 || remaining.length > 0) {
      failures.push({
        at: 'then.blockedWrites',
        message: `exactly ${then.blockedWrites.length} blocked write(s) expected, ${actual.length} logged${unmatched.length ? `; ${unmatched.length} expected not found` : ''}${remaining.length ? `; ${remaining.length} not expected` : ''}`,
        expected: then.blockedWrites,
        actual,
      });
    }
  }
  then.log?.forEach((e, i) => {
    const munchkinId = e.instance ? world.instance(e.instance).munchkinId : undefined;
    const matching = entries.filter(
      (x) =>
        x.kind === e.kind &&
        (munchkinId === undefined || x.munchkinId === munchkinId) &&
        (e.code === undefined || x.code === e.code || x.message.includes(` ${e.code}`) || x.message.startsWith(`${e.code} `)) &&
        (e.contains === undefined || x.message.includes(e.contains)),
    );
    const count = e.count ?? AT_LEAST_ONE;
    if (!countMatches(count, matching.length)) {
      const sameKind = entries.filter((x) => x.kind === e.kind);
      failures.push({
        at: `then.log[${i}]`,
        message: `${describeCount(count)} '${e.kind}' log entr${count === 1 ? 'y' : 'ies'}${e.code ? ` with code ${e.code}` : ''}${e.contains ? ` containing '${e.contains}'` : ''} expected, found ${matching.length}`,
        expected: { count: shownCount(count), kind: e.kind, ...(e.code ? { code: e.code } : {}), ...(e.contains ? { contains: e.contains } : {}) },
        actual: { count: matching.length, [`'${e.kind}' entries`]: sameKind.slice(-12).map((x) => x.message) },
      });
    }
  });
  return failures;
}
