// The CLI's end-of-run summary: outcomes, reasons, Marketo calls and the first failures, as plain-text tables.
import type { ExportResult, SyncCounters } from '../outcomes.js';

function table(rows: (string | number)[][], align: ('left' | 'right')[]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows
    .map((r) => r.map((cell, c) => (align[c] === 'right' ? String(cell).padStart(widths[c]) : String(cell).padEnd(widths[c]))).join('  ').trimEnd())
    .join('\n');
}

export interface SummaryInput {
  counters: SyncCounters;
  results: Iterable<ExportResult>;
  unreadable: { where: string; problem: string }[];
  /** Where each export came from (`profiles.csv:3`), by export id. */
  origin: ReadonlyMap<string, string>;
  elapsedMs: number;
}

export function formatSummary(input: SummaryInput): string {
  const { counters } = input;
  const lines: string[] = [];
  const total = counters.received + input.unreadable.length;
  lines.push(
    table(
      [
        ['outcome', 'profiles'],
        ['created', counters.created],
        ['updated', counters.updated],
        ['skipped', counters.skipped],
        ['rejected', counters.rejected],
        ['failed', counters.failed],
        ['unreadable', input.unreadable.length],
        ['total', total],
      ],
      ['left', 'right'],
    ),
  );

  const reasons = new Map<string, { count: number; example: string }>();
  const failures: string[] = [];
  for (const r of input.results) {
    for (const reason of r.reasons.slice(0, 1)) {
      const key = `${r.status} ${reason.code}`;
      const seen = reasons.get(key);
      if (seen) seen.count++;
      else reasons.set(key, { count: 1, example: reason.message });
    }
    if (r.status === 'failed' && failures.length < 10) failures.push(`${input.origin.get(r.id) ?? r.id}  ${r.email ?? '(no email)'}  ${r.reasons[0]?.message ?? ''}`);
  }
  if (reasons.size > 0) {
    lines.push('', table([['status', 'reason', 'count', 'example'], ...[...reasons].map(([k, v]) => [...k.split(' '), v.count, v.example])], ['left', 'left', 'right', 'left']));
  }
  const ops = Object.entries(counters.callsByOperation).sort(([a], [b]) => a.localeCompare(b));
  if (ops.length > 0) {
    lines.push('', table([['Marketo call', 'count'], ...ops, ['total', counters.calls]], ['left', 'right']));
  }
  const answers = Object.entries(counters.answers)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, count]) => `${code}: ${count}`)
    .join(', ');
  lines.push('', `answers: ${answers || 'none'}; retries: ${counters.retries}; tokens: ${counters.tokens}; ${(input.elapsedMs / 1000).toFixed(1)} s`);
  if (input.unreadable.length > 0) {
    lines.push('', 'unreadable entries:', ...input.unreadable.slice(0, 10).map((u) => `  ${u.where}  ${u.problem}`));
    if (input.unreadable.length > 10) lines.push(`  ... and ${input.unreadable.length - 10} more`);
  }
  if (failures.length > 0) {
    lines.push('', 'failed (dead letters):', ...failures.map((f) => `  ${f}`));
    if (counters.failed > failures.length) lines.push(`  ... and ${counters.failed - failures.length} more (see --results)`);
  }
  return `${lines.join('\n')}\n`;
}
