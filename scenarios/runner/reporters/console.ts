// The console reporter: one line per scenario, each failure with its expected and actual side by side, then a summary.
import type { RunReport, ScenarioReport, StepReport } from '../report.js';
import { formatLoadError, runSucceeded } from '../report.js';
import { sideBySide } from './side-by-side.js';
import { formatDuration } from '../scenario-clock.js';

export interface ConsoleOptions {
  color?: boolean;
  /** Print every step's timings, not only for failed scenarios. */
  verbose?: boolean;
}

const ms = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${Math.round(n)} ms`);
const indent = (text: string, by: string) => text.split('\n').map((l) => `${by}${l}`).join('\n');

function mark(status: ScenarioReport['status'], color: boolean): string {
  const symbol = status === 'passed' ? '✓' : status === 'failed' ? '✗' : '!';
  if (!color) return symbol;
  const code = status === 'passed' ? '\u001b[32m' : '\u001b[31m';
  return `${code}${symbol}\u001b[0m`;
}

function stepLines(step: StepReport, depth = 0): string[] {
  const pad = '      ' + '  '.repeat(depth);
  const virtual = step.virtualMs > 0 ? `, +${formatDuration(step.virtualMs)} virtual` : '';
  const lines = [`${pad}${step.status.padEnd(7)} ${step.label} (${ms(step.wallMs)}${virtual})${step.error ? `: ${step.error}` : ''}`];
  for (const child of step.children ?? []) lines.push(...stepLines(child, depth + 1));
  return lines;
}

export function formatScenario(s: ScenarioReport, options: ConsoleOptions = {}): string {
  const color = options.color ?? false;
  const where = s.suite ? `${s.file} [${s.suite}]` : s.file;
  const lines = [`${mark(s.status, color)} ${s.name}  ${where}:${s.line}  (${ms(s.wallMs)})`];
  if (s.status === 'error') lines.push(`    error: ${s.errorLine !== undefined ? `${s.file}:${s.errorLine}  ` : ''}${s.error}`);
  for (const f of s.failures) {
    lines.push(`    ${f.line !== undefined ? `${s.file}:${f.line}  ` : ''}${f.at}: ${f.message}`);
    lines.push(indent(sideBySide(f.expected, f.actual, { color }), '      '));
  }
  if (options.verbose || s.status !== 'passed') {
    lines.push('    steps:');
    for (const step of s.steps) lines.push(...stepLines(step));
  }
  return lines.join('\n');
}

export function formatConsole(report: RunReport, options: ConsoleOptions = {}): string {
  const out: string[] = [];
  for (const s of report.scenarios) out.push(formatScenario(s, options));
  if (report.loadErrors.length > 0) {
    out.push('', 'Files that could not be loaded (the other files ran):');
    for (const e of report.loadErrors) {
      out.push(`  ${formatLoadError(e)}${e.scenario ? `  (scenario '${e.scenario}')` : ''}`);
    }
  }
  const t = report.totals;
  const parts = [`${t.passed} passed`, `${t.failed} failed`, `${t.errors} error${t.errors === 1 ? '' : 's'}`];
  if (t.invalid > 0) parts.push(`${t.invalid} invalid`);
  const verdict = runSucceeded(report) ? 'OK' : t.total === 0 && t.invalid === 0 ? 'NO SCENARIOS' : 'FAILED';
  out.push(
    '',
    `${verdict}: ${t.total} scenario${t.total === 1 ? '' : 's'}: ${parts.join(', ')} in ${ms(report.wallMs)} (${report.workers === 0 ? 'in process' : `${report.workers} worker${report.workers === 1 ? '' : 's'} + main thread`})`,
  );
  return out.join('\n');
}
