// Scenario reports: a wrong expectation fails with a readable side-by-side diff; JUnit XML is valid; JSON has step
// timings; runs are deterministic whatever the thread layout.
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { runSuite } from '../scenarios/runner/suite.js';
import { formatConsole } from '../scenarios/runner/reporters/console.js';
import { formatJunit } from '../scenarios/runner/reporters/junit.js';
import { formatJson } from '../scenarios/runner/reporters/json.js';
import { sideBySide } from '../scenarios/runner/reporters/side-by-side.js';
import { projectLike } from '../scenarios/runner/match.js';
import { blankReport, type RunReport } from '../scenarios/runner/report.js';
import { loadScenarioText } from '../scenarios/runner/load.js';

const library = (name: string) => readFileSync(join('scenarios/library', name), 'utf8');

function tempDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'scenario-report-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** A copy of a library scenario with one expectation made wrong on purpose. */
function wrongCopy(): string {
  const text = library('blocked-fields.yaml');
  const wrong = text.replace('values: { id: 1, firstName: Kimberly, title: CTO, phone: "+1 555 0101" }', 'values: { id: 1, firstName: Kimberly, title: Intern, phone: "+1 555 0101" }');
  expect(wrong).not.toBe(text);
  return wrong.replace('name: Blocked fields are set when empty and kept when not', 'name: Blocked fields (wrong on purpose)');
}

/** Jenkins' junit-10.xsd (xunit-plugin), element by element: allowed attributes, required ones, allowed children. */
const JUNIT_10: Record<string, { attrs: string[]; required?: string[]; children: string[] }> = {
  testsuites: { attrs: ['name', 'time', 'tests', 'failures', 'errors'], children: ['testsuite'] },
  testsuite: {
    attrs: ['name', 'tests', 'failures', 'errors', 'group', 'time', 'skipped', 'timestamp', 'hostname', 'id', 'package', 'file', 'log', 'url'],
    required: ['name', 'tests', 'failures', 'errors'],
    children: ['testsuite', 'properties', 'testcase', 'system-out', 'system-err'],
  },
  testcase: {
    attrs: ['name', 'time', 'classname', 'group'],
    required: ['name'],
    children: ['skipped', 'error', 'failure', 'rerunFailure', 'rerunError', 'flakyFailure', 'flakyError', 'system-out', 'system-err'],
  },
  failure: { attrs: ['type', 'message'], children: ['#text'] },
  error: { attrs: ['type', 'message'], children: ['#text'] },
  skipped: { attrs: ['type', 'message'], children: ['#text'] },
  'system-out': { attrs: [], children: ['#text'] },
  'system-err': { attrs: [], children: ['#text'] },
};
const SUREFIRE_TIME = /^(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?$/;

/** What in `xml` junit-10.xsd would refuse (an empty list when it validates). */
function junit10Problems(xml: string): string[] {
  type Node = Record<string, unknown> & { ':@'?: Record<string, string> };
  const tree = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', ignoreDeclaration: true }).parse(xml) as Node[];
  const problems: string[] = [];
  const walk = (nodes: Node[], parent: string) => {
    for (const node of nodes) {
      const name = Object.keys(node).find((k) => k !== ':@')!;
      const allowed = parent === '' ? ['testsuites', 'testsuite'] : JUNIT_10[parent].children;
      if (!allowed.includes(name)) problems.push(`<${name}> inside <${parent || 'document'}>`);
      if (name === '#text') continue;
      const rule = JUNIT_10[name];
      if (!rule) continue;
      const attrs = node[':@'] ?? {};
      for (const a of Object.keys(attrs)) if (!rule.attrs.includes(a)) problems.push(`<${name}> has attribute '${a}'`);
      for (const a of rule.required ?? []) if (attrs[a] === undefined) problems.push(`<${name}> lacks attribute '${a}'`);
      if ((name === 'testsuite' || name === 'testsuites') && attrs.time !== undefined && !SUREFIRE_TIME.test(attrs.time)) problems.push(`<${name}> time '${attrs.time}'`);
      walk(node[name] as Node[], name);
    }
  };
  walk(tree, '');
  return problems;
}

describe('scenario reports', () => {
  it('a deliberately wrong expectation fails with the expected and actual side by side', async () => {
    const dir = tempDir({ 'copy/blocked-fields-wrong.yaml': wrongCopy() });
    const report = await runSuite({ cwd: dir, paths: ['copy'], jobs: 1 });
    const [s] = report.scenarios;
    expect(s.status).toBe('failed');
    expect(s.failures).toHaveLength(1);
    expect(s.failures[0]).toMatchObject({
      at: 'then.leads[0].values',
      line: 34,
      message: 'lead #1 (email "kim@example.com") differs in title',
      expected: { id: 1, firstName: 'Kimberly', title: 'Intern', phone: '+1 555 0101' },
      actual: { id: 1, firstName: 'Kimberly', title: 'CTO', phone: '+1 555 0101' },
    });
    const text = formatConsole(report);
    expect(text).toContain('✗ Blocked fields (wrong on purpose)  copy/blocked-fields-wrong.yaml:1');
    expect(text).toContain('    copy/blocked-fields-wrong.yaml:34  then.leads[0].values: lead #1 (email "kim@example.com") differs in title');
    const lines = text.split('\n');
    const header = lines.findIndex((l) => /^\s+expected\s+actual$/.test(l));
    expect(lines.slice(header + 1, header + 5).map((l) => l.trim())).toEqual([
      'id: 1               │ id: 1',
      'firstName: Kimberly │ firstName: Kimberly',
      'title: Intern       ≠ title: CTO',
      'phone: +1 555 0101  │ phone: +1 555 0101',
    ]);
    expect(text).toMatch(/FAILED: 1 scenario: 0 passed, 1 failed, 0 errors/);
  });

  it('a field name that does not exist fails with a clear message, not a silent null', async () => {
    const dir = tempDir({
      'typo/typo.yaml': `name: Typo
given:
  instances:
    - leads: [{ values: { email: t@example.com, firstName: Tom } }]
then:
  leads:
    - { where: { email: t@example.com }, values: { firstname: Tom } }
  activities:
    - { type: Change Data Value, field: fristName, count: 0 }
`,
    });
    const [s] = (await runSuite({ cwd: dir, paths: ['typo'], jobs: 1 })).scenarios;
    expect(s.failures.map((f) => [f.at, f.message])).toEqual([
      ['then.leads[0].values', "instance 123-ABC-456 has no field 'firstname' (field names are the REST names, e.g. firstName)"],
      ['then.activities[0].field', "instance 123-ABC-456 has no field 'fristName'"],
    ]);
  });

  it('a connector that refuses to start is the first failure, at the line of the destination setting it names', async () => {
    const text = library('blocked-fields.yaml').replace('{ source: person.jobTitle, xdmType: string, target: title }', '{ source: person.jobTitle, xdmType: strnig, target: title }');
    const dir = tempDir({ 'cfg/typo.yaml': text });
    const [s] = (await runSuite({ cwd: dir, paths: ['cfg'], jobs: 1 })).scenarios;
    expect(s.status).toBe('failed');
    expect(s.failures[0]).toMatchObject({ at: 'destination.mapping[1].xdmType', line: 25, message: 'the connector refused to start (add then.preflight to expect this)' });
    expect((s.failures[0].actual as { errors: string[] }).errors).toEqual([
      "[config] mapping[1].xdmType: unknown XDM type 'strnig'; use one of string, enum, date, date-time, integer, short, long, double, boolean",
    ]);
    expect(s.failures.slice(1).map((f) => f.at)).toContain('then.leads[0].values');
  });

  it('a scenario that errors names the line of the key its error is about', async () => {
    const dir = tempDir({
      'err/given.yaml': 'name: Given typo\ngiven:\n  instances:\n    - leads:\n        - values: { email: a@example.com }\n        - values: { emial: b@example.com }\nthen:\n  leadCounts: { total: 2 }\n',
      'err/when.yaml': 'name: Back in time\nwhen:\n  - advanceClock: 1h\n  - advanceClock: { to: "2026-11-02T15:30:00Z" }\nthen:\n  leadCounts: { total: 0 }\n',
    });
    const report = await runSuite({ cwd: dir, paths: ['err'], jobs: 1 });
    expect(report.scenarios.map((s) => [s.status, s.errorLine, s.error])).toEqual([
      ['error', 6, "given: given.instances[0].leads[1]: leads[0]: Field 'emial' not found (1006)"],
      ['error', 4, 'when[1] advanceClock to 2026-11-02T15:30:00Z: when[1].advanceClock: 2026-11-02T15:30:00Z is before the clock\'s time (2026-11-02T16:00:00.000Z)'],
    ]);
    expect(formatConsole(report)).toContain("    error: err/given.yaml:6  given: given.instances[0].leads[1]: leads[0]: Field 'emial' not found (1006)");
  });

  it('then.clock bounds the virtual time the steps took on both sides', async () => {
    const dir = tempDir({
      'clock/late.yaml': 'name: Too late\nwhen:\n  - advanceClock: 2h\nthen:\n  clock: { notBefore: "2026-11-02T16:00:00Z", notAfter: "2026-11-02T16:30:00Z" }\n',
    });
    const [s] = (await runSuite({ cwd: dir, paths: ['clock'], jobs: 1 })).scenarios;
    expect(s.failures).toEqual([
      { at: 'then.clock.notAfter', line: 5, message: 'the clock should not have passed 2026-11-02T16:30:00Z', expected: { notAfter: '2026-11-02T16:30:00Z' }, actual: { at: '2026-11-02T17:00:00.000Z' } },
    ]);
  });

  it('then.preflight runs the preflight itself when no step started the connector', async () => {
    const dir = tempDir({
      'pf/hipaa.yaml': 'name: Preflight only\ngiven: { instances: [{ hipaaReady: true }] }\ndestination: {}\nthen:\n  preflight: { ok: true }\n',
    });
    const [s] = (await runSuite({ cwd: dir, paths: ['pf'], jobs: 1 })).scenarios;
    expect(s.steps.map((st) => [st.label, st.status])).toEqual([
      ['given', 'passed'],
      ['connect (for then.preflight)', 'passed'],
      ['then', 'failed'],
    ]);
    expect(s.failures[0]).toMatchObject({ at: 'then.preflight', message: 'the connector should have started', expected: { ok: true } });
    expect((s.failures[0].actual as { errors: string[] }).errors[0]).toMatch(/^\[hipaa\] instance 123-ABC-456 is HIPAA-ready/);
  });

  it('the side-by-side view aligns lines and marks missing, extra and differing ones', () => {
    const text = sideBySide({ a: 1, b: [1, 2], c: 'x' }, { a: 1, b: [1, 3], d: 'y' });
    expect(text.split('\n')).toEqual(['expected   actual', 'a: 1     │ a: 1', 'b:       │ b:', '  - 1    │   - 1', '  - 2    ≠   - 3', 'c: x     ≠ d: y']);
    expect(sideBySide({ a: 1 }, { a: 1, z: 2 }).split('\n').at(-1)).toBe('         > z: 2');
    // An answer body shown beside an expectation keeps only the expected keys, unless it has none of them.
    expect(projectLike({ a: 1, b: { c: 1 } }, { a: 2, b: { c: 3, d: 4 }, e: 5 })).toEqual({ a: 2, b: { c: 3 } });
    expect(projectLike({ imsOrgId: 'x' }, { error: 'forbidden', reason: 'not-org-admin' })).toEqual({ error: 'forbidden', reason: 'not-org-admin' });
  });

  it('writes JUnit XML that validates and names each scenario, file and load error', async () => {
    const dir = tempDir({
      'mix/wrong.yaml': wrongCopy(),
      'mix/right.yaml': library('audience-exit.yaml'),
      'mix/broken.yaml': 'name: Broken & <odd>\nthen: { leads: [ { colour: red } ] }\n',
    });
    const report = await runSuite({ cwd: dir, paths: ['mix'], jobs: 1 });
    const xml = formatJunit(report);
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(junit10Problems(xml)).toEqual([]);
    expect(junit10Problems('<testsuites><testsuite name="s" tests="1" failures="0" errors="0"><testcase name="c" file="x.yaml" line="3"/></testsuite></testsuites>')).toEqual([
      "<testcase> has attribute 'file'",
      "<testcase> has attribute 'line'",
    ]);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase'].includes(name) }).parse(xml);
    const root = doc.testsuites;
    expect(root).toMatchObject({ name: 'scenarios', tests: '3', failures: '1', errors: '1' });
    expect(Number(root.time)).toBeGreaterThan(0);
    const suites = root.testsuite as Record<string, unknown>[];
    expect(suites.map((s) => s.name)).toEqual(['mix/broken.yaml', 'mix/right.yaml', 'mix/wrong.yaml']);
    for (const suite of suites) {
      const cases = suite.testcase as Record<string, unknown>[];
      expect(Number(suite.tests)).toBe(cases.length);
      expect(Number(suite.failures)).toBe(cases.filter((c) => c.failure).length);
      expect(Number(suite.errors)).toBe(cases.filter((c) => c.error).length);
      expect(suite.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
      for (const c of cases) {
        expect(c.name).toBeTypeOf('string');
        expect(c.classname).toBeTypeOf('string');
        expect(Number.isFinite(Number(c.time))).toBe(true);
      }
    }
    const byName = Object.fromEntries(suites.flatMap((s) => (s.testcase as Record<string, unknown>[]).map((c) => [c.name, c])));
    expect(Object.keys(byName).sort()).toEqual(['Audience exit changes nothing in Marketo', 'Blocked fields (wrong on purpose)', 'mix/broken.yaml (could not be loaded)']);
    expect(byName['Blocked fields (wrong on purpose)']).toMatchObject({
      classname: 'mix.wrong',
      'system-out': expect.stringMatching(/^file: mix\/wrong\.yaml:1\ntags: blocks\n/),
      failure: { message: 'then.leads[0].values: lead #1 (email "kim@example.com") differs in title', type: 'ExpectationFailed' },
    });
    expect((byName['Blocked fields (wrong on purpose)'] as { failure: { '#text': string } }).failure['#text']).toContain('title: Intern       ≠ title: CTO');
    expect(byName['mix/broken.yaml (could not be loaded)']).toMatchObject({ error: { type: 'InvalidScenarioFile', message: "mix/broken.yaml:2:20  then.leads[0].colour: unknown key 'colour'" } });
    expect(byName['Audience exit changes nothing in Marketo']).not.toHaveProperty('failure');
  });

  it('JUnit class names of files outside the working directory do not start with dots', () => {
    const scenario = loadScenarioText('name: Outside\nthen: { leadCounts: { total: 0 } }\n', '../../tmp/qa/outside.yaml').scenarios[0];
    const report: RunReport = {
      startedAt: '2026-11-02T15:00:00.000Z',
      wallMs: 1,
      workers: 0,
      filters: { paths: [], tags: [], grep: [] },
      scenarios: [blankReport(scenario)],
      loadErrors: [],
      totals: { total: 1, passed: 1, failed: 0, errors: 0, invalid: 0 },
    };
    expect(formatJunit(report)).toContain('<testcase name="Outside" classname="tmp.qa.outside" time="0.000">');
    const absolute = formatJunit({ ...report, scenarios: [{ ...blankReport(scenario), file: '/tmp/qa/outside.yaml' }] });
    expect(absolute).toContain('classname="tmp.qa.outside"');
  });

  it('the JSON report carries every step with its wall and virtual timings', async () => {
    const dir = tempDir({ 'one/backfill.yaml': library('backfill-then-streaming.yaml') });
    const report = JSON.parse(formatJson(await runSuite({ cwd: dir, paths: ['one'], jobs: 1 }))) as RunReport;
    const [s] = report.scenarios;
    expect(s).toMatchObject({ name: 'Backfill after the activation delay, then streaming', status: 'passed', virtualStart: '2026-11-02T15:00:00.000Z', virtualEnd: '2026-11-03T15:00:00.000Z' });
    expect(s.startupMs).toBeGreaterThan(0);
    expect(s.steps.map((st) => st.label)).toEqual([
      'given',
      'when[0] activate subscribers',
      'when[1] advanceClock 2h',
      'when[2] upsertProfile early@example.com',
      'when[3] drain',
      'when[4] upsertProfile late@example.com',
      'when[5] drain',
      'drain (after the last step)',
      'then',
    ]);
    for (const st of s.steps) {
      expect(st.wallMs).toBeGreaterThanOrEqual(0);
      expect(st.status).toBe('passed');
    }
    expect(s.steps.map((st) => st.virtualMs)).toEqual([0, 0, 7_200_000, 0, 79_200_000, 0, 0, 0, 0]);
  });

  it('gives the same results on every run, in process or spread over worker threads', async () => {
    const paths = [
      'scenarios/library/concurrent-creation-race.yaml',
      'scenarios/library/transient-faults.yaml',
      'scenarios/library/daily-quota.yaml',
      'scenarios/library/csv-upload-audience.yaml',
      'scenarios/library/rate-limit-pressure.yaml',
    ];
    const strip = (r: RunReport) =>
      r.scenarios.map((s) => ({
        id: s.id,
        status: s.status,
        virtualEnd: s.virtualEnd,
        failures: s.failures,
        steps: s.steps.map(function clean(st): unknown {
          return { label: st.label, status: st.status, virtualMs: st.virtualMs, children: st.children?.map(clean) };
        }),
      }));
    const first = await runSuite({ paths, jobs: 1 });
    const second = await runSuite({ paths, jobs: 1 });
    const threaded = await runSuite({ paths, jobs: 2 });
    expect(first.totals).toMatchObject({ total: 8, passed: 8 });
    expect(threaded.workers).toBe(1);
    expect(strip(second)).toEqual(strip(first));
    expect(strip(threaded)).toEqual(strip(first));
  });
});
