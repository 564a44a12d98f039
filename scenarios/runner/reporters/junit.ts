// The JUnit XML reporter: a testsuite per file, a testcase per scenario (failures with both sides), load errors as errors.
// Elements and attributes are those of Jenkins' junit-10.xsd (a testcase has only name, classname and time: its file
// and line go in system-out, as pytest's xunit2 does).
import { formatLoadError, type RunReport, type ScenarioReport } from '../report.js';
import { sideBySide } from './side-by-side.js';

/** XML 1.0 text: escapes markup and drops characters XML cannot carry (terminal colour codes among them). */
export function xmlEscape(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);
const attrs = (pairs: Record<string, string | number | undefined>) =>
  Object.entries(pairs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join('');

/** `scenarios/library/dedup-email.yaml` -> `scenarios.library.dedup-email` (the class name CI tools group by); `../` dropped. */
function className(file: string): string {
  return file.replace(/^(\.\.?\/|\/)+/, '').replace(/\.ya?ml$/, '').split('/').join('.');
}

function testcase(s: ScenarioReport): string {
  const head = `    <testcase${attrs({ name: s.name, classname: className(s.file), time: seconds(s.wallMs) })}>`;
  const body: string[] = [];
  if (s.status === 'error') {
    const where = s.errorLine !== undefined ? `${s.file}:${s.errorLine}  ` : '';
    body.push(`      <error${attrs({ message: s.error ?? 'error', type: 'ScenarioError' })}>${xmlEscape(`${where}${s.error ?? ''}`)}</error>`);
  } else if (s.status === 'failed') {
    const first = s.failures[0];
    const detail = s.failures.map((f) => `${f.line !== undefined ? `${s.file}:${f.line}  ` : ''}${f.at}: ${f.message}\n${sideBySide(f.expected, f.actual)}`).join('\n\n');
    body.push(`      <failure${attrs({ message: `${first.at}: ${first.message}`, type: 'ExpectationFailed' })}>${xmlEscape(detail)}</failure>`);
  }
  const steps = s.steps.map((st) => `${st.status.padEnd(7)} ${st.label} ${Math.round(st.wallMs)} ms (virtual +${st.virtualMs} ms)`).join('\n');
  body.push(`      <system-out>${xmlEscape(`file: ${s.file}:${s.line}\ntags: ${s.tags.join(', ') || '-'}\nseed: ${s.seed}\nemulator start-up: ${s.startupMs.toFixed(1)} ms\n${steps}`)}</system-out>`);
  return `${head}\n${body.join('\n')}\n    </testcase>`;
}

export function formatJunit(report: RunReport): string {
  const byFile = new Map<string, ScenarioReport[]>();
  for (const s of report.scenarios) byFile.set(s.file, [...(byFile.get(s.file) ?? []), s]);
  const errorsByFile = new Map<string, RunReport['loadErrors']>();
  for (const e of report.loadErrors) errorsByFile.set(e.file, [...(errorsByFile.get(e.file) ?? []), e]);
  const files = [...new Set([...byFile.keys(), ...errorsByFile.keys()])].sort();
  const suites = files.map((file) => {
    const scenarios = byFile.get(file) ?? [];
    const loadErrors = errorsByFile.get(file) ?? [];
    const cases = scenarios.map(testcase);
    if (loadErrors.length > 0) {
      const text = loadErrors.map(formatLoadError).join('\n');
      cases.push(
        `    <testcase${attrs({ name: `${file} (could not be loaded)`, classname: className(file), time: '0.000' })}>\n` +
          `      <error${attrs({ message: text.split('\n')[0], type: 'InvalidScenarioFile' })}>${xmlEscape(text)}</error>\n    </testcase>`,
      );
    }
    const suiteName = scenarios[0]?.suite ?? file;
    const time = scenarios.reduce((t, s) => t + s.wallMs, 0);
    return (
      `  <testsuite${attrs({
        name: suiteName,
        file,
        tests: cases.length,
        failures: scenarios.filter((s) => s.status === 'failed').length,
        errors: scenarios.filter((s) => s.status === 'error').length + (loadErrors.length > 0 ? 1 : 0),
        skipped: 0,
        time: seconds(time),
        timestamp: report.startedAt.replace(/\.\d{3}Z$/, ''),
      })}>\n${cases.join('\n')}\n  </testsuite>`
    );
  });
  const t = report.totals;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites${attrs({ name: 'scenarios', tests: t.total + (report.loadErrors.length > 0 ? new Set(report.loadErrors.map((e) => e.file)).size : 0), failures: t.failed, errors: t.errors + new Set(report.loadErrors.map((e) => e.file)).size, time: seconds(report.wallMs) })}>\n` +
    `${suites.join('\n')}\n</testsuites>\n`
  );
}
