// Loading scenario files: malformed ones fail with the file, line and field at fault, and the other files still run.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findScenarioFiles, loadScenarioText } from '../scenarios/runner/load.js';
import { runSuite, selectScenarios } from '../scenarios/runner/suite.js';
import { formatConsole } from '../scenarios/runner/reporters/console.js';

const GOOD = `name: Direct call answers
tags: [smoke]
given:
  instances:
    - leads:
        - values: { email: a@example.com, firstName: Ann }
when:
  - marketo:
      id: read
      method: GET
      path: /rest/v1/leads.json
      query: { filterType: email, filterValues: a@example.com }
then:
  api:
    - { call: read, success: true, result: [{ id: 1, email: a@example.com, firstName: Ann }] }
  leadCounts: { total: 1 }
`;

function tempDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'scenario-load-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('scenario loader', () => {
  it('accepts a valid scenario', () => {
    const { scenarios, errors } = loadScenarioText(GOOD, 'good.yaml');
    expect(errors).toEqual([]);
    expect(scenarios).toHaveLength(1);
    expect(scenarios[0]).toMatchObject({ file: 'good.yaml', index: 0, line: 1, scenario: { name: 'Direct call answers', tags: ['smoke'] } });
  });

  it('names the line, column and field of each schema problem', () => {
    const text = [
      'name: Broken', //                       1
      'given:', //                             2
      '  instances:', //                       3
      '    - munchkinId: 12-ABC-456', //       4
      'when:', //                              5
      '  - advanceClock: two hours', //        6
      '  - marketo: { method: PUT, path: /rest/v1/leads.json }', // 7
      '  - drain: true', //                    8
      '    activate: [x]', //                  9
      'then:', //                              10
      '  leads:', //                           11
      '    - where: { email: a@b.c }', //      12
      '      colour: red', //                  13
    ].join('\n');
    const { scenarios, errors } = loadScenarioText(text, 'broken.yaml');
    expect(scenarios).toEqual([]);
    expect(errors).toEqual([
      { file: 'broken.yaml', line: 4, column: 19, field: 'given.instances[0].munchkinId', message: 'a Munchkin ID looks like 123-ABC-456 (3 digits, 3 letters, 3 digits)' },
      { file: 'broken.yaml', line: 6, column: 19, field: 'when[0].advanceClock', message: 'a duration looks like 90s, 15m, 2h, 1d, 1h30m or 500ms' },
      { file: 'broken.yaml', line: 7, column: 24, field: 'when[1].marketo.method', message: 'must be one of: "GET", "POST", "DELETE"' },
      { file: 'broken.yaml', line: 8, column: 5, field: 'when[2]', message: 'a step has activate and drain; give exactly one' },
      { file: 'broken.yaml', line: 13, column: 7, field: 'then.leads[0].colour', message: "unknown key 'colour'" },
    ]);
  });

  it('reports a missing required key at its parent and YAML syntax errors at their position', () => {
    const missing = loadScenarioText('name: No then\nwhen: []\n', 'missing.yaml');
    expect(missing.errors).toEqual([{ file: 'missing.yaml', line: 1, column: 1, field: 'then', message: 'missing (expected object)' }]);
    const syntax = loadScenarioText('name: Bad\nthen:\n  leads: [\n', 'syntax.yaml');
    expect(syntax.errors).toHaveLength(1);
    expect(syntax.errors[0]).toMatchObject({ file: 'syntax.yaml', line: 4, field: '' });
    expect(syntax.errors[0].message).toMatch(/^not valid YAML: /);
    const notMapping = loadScenarioText('- just\n- a list\n', 'list.yaml');
    expect(notMapping.errors[0].message).toMatch(/a scenario file holds a mapping/);
  });

  it('checks names a scenario refers to: audiences, services, calls, partitions, the destination', () => {
    const text = `name: Dangling references
given:
  instances:
    - partitions: [{ name: EMEA }]
      leads:
        - partition: APAC
          values: { email: x@example.com }
when:
  - activate: [nobody]
  - marketo: { as: Ghost, method: GET, path: /rest/v1/leads/describe.json }
  - clearFaults: [never-injected]
then:
  api:
    - { call: missing-call, status: 200 }
`;
    const { errors } = loadScenarioText(text, 'refs.yaml');
    expect(errors.map((e) => [e.line, e.field, e.message])).toEqual([
      [6, 'given.instances[0].leads[0].partition', "partition 'APAC' is not defined in this instance's partitions"],
      [9, 'when[0].activate', "'activate' needs a destination (the connector configuration)"],
      [9, 'when[0].activate[0]', "audience 'nobody' is not defined (given.audiences or an uploadCsv step)"],
      [10, 'when[1].marketo.as', "no service 'Ghost' on instance 123-ABC-456 (services: Default API service)"],
      [11, 'when[2].clearFaults[0]', "no fault with id 'never-injected'"],
      [14, 'then.api[0].call', "no marketo or mapOrg step with id 'missing-call'"],
    ]);
  });

  it('refuses a scenario that asserts nothing, and a step that is only a typo gets one error naming the step keys', () => {
    const empty = loadScenarioText('name: Vacuous\nwhen:\n  - marketo: { method: GET, path: /rest/v1/leads.json }\nthen:\n  leads: []\n', 'vacuous.yaml');
    expect(empty.errors).toEqual([
      { file: 'vacuous.yaml', line: 4, column: 1, field: 'then', message: 'expects nothing: a scenario must assert an outcome (leads, outcomes, activities, api, ...)' },
    ]);
    const none = loadScenarioText('name: None blocked\nthen:\n  blockedWrites: []\n', 'none.yaml');
    expect(none.errors).toEqual([]);
    const checkedInStep = loadScenarioText('name: Step check\nwhen:\n  - marketo: { method: GET, path: /rest/v1/leads.json, expect: { status: 200 } }\nthen: {}\n', 'step.yaml');
    expect(checkedInStep.errors).toEqual([]);
    const typo = loadScenarioText('name: Typo\nwhen:\n  - advanceClock: 1m\n  - parallel:\n      - drian: true\n      - advanceClock: 1m\nthen: { leadCounts: { total: 0 } }\n', 'typo.yaml');
    expect(typo.errors).toEqual([
      {
        file: 'typo.yaml',
        line: 5,
        column: 9,
        field: 'when[1].parallel[0].drian',
        message: "unknown key 'drian'; a step is one of: connect, activate, upsertProfile, upsertProfiles, uploadCsv, advanceClock, injectFault, clearFaults, marketo, mapOrg, drain, parallel",
      },
    ]);
  });

  it('a step may change a profile by id alone only when a profile of that name exists before it', () => {
    const text = `name: Profile references
given:
  audiences: [{ id: all, rule: { attribute: person.active, equals: true } }]
  profiles:
    - { id: ann, email: ann@example.com }
    - { id: ghost }
destination: {}
when:
  - upsertProfile: { id: ann, attributes: { person.active: true } }
  - upsertProfile: { id: ANN@example.com, attributes: { person.active: true } }
  - uploadCsv: { audience: list, csv: "email\\ncsv@example.com" }
  - upsertProfiles: [{ id: csv@example.com, attributes: { x: 1 } }, { id: later }]
  - upsertProfile: { id: bob, email: bob@example.com }
  - upsertProfile: { id: bob, attributes: { x: 2 } }
then:
  leadCounts: { total: 0 }
`;
    const { errors } = loadScenarioText(text, 'profiles.yaml');
    expect(errors.map((e) => [e.line, e.field, e.message])).toEqual([
      [6, 'given.profiles[1]', 'a profile in given needs an email or another identity'],
      [12, 'when[3].upsertProfiles[1].id', "no profile named 'later' before this step (given.profiles or an earlier step; give an email to create one)"],
    ]);
    const nameless = loadScenarioText('name: x\nwhen: [{ upsertProfile: { attributes: { a: 1 } } }]\nthen: { leadCounts: { total: 0 } }\n', 'nameless.yaml');
    expect(nameless.errors.map((e) => [e.field, e.message])).toEqual([['when[0].upsertProfile', 'a profile needs an email, another identity or the id of a profile named earlier']]);
  });

  it('loads the valid scenarios of a suite and reports the invalid one with its name', () => {
    const text = `suite: Mixed
tags: [mixed]
scenarios:
  - name: Fine
    then: { leadCounts: { total: 0 } }
  - name: Not fine
    then: { leadCounts: { total: -1 } }
  - name: Fine
    then: { leadCounts: { total: 0 } }
`;
    const { scenarios, errors } = loadScenarioText(text, 'suite.yaml');
    expect(scenarios.map((s) => [s.index, s.line, s.suite, s.scenario.name, s.scenario.tags])).toEqual([[0, 4, 'Mixed', 'Fine', ['mixed']]]);
    expect(errors).toEqual([
      { file: 'suite.yaml', line: 7, column: 34, field: 'scenarios[1].then.leadCounts.total', message: 'Too small: expected number to be >=0', scenario: 'Not fine' },
      { file: 'suite.yaml', line: 8, column: 11, field: 'scenarios[2].name', message: "the name 'Fine' is used twice in this suite", scenario: 'Fine' },
    ]);
  });

  it('runs the other files when one is malformed, and reports the bad one', async () => {
    const dir = tempDir({ 'suite/good.yaml': GOOD, 'suite/bad.yml': 'name: Bad\nthen:\n  leadCounts: { total: many }\n', 'suite/notes.txt': 'ignored' });
    const report = await runSuite({ cwd: dir, paths: ['suite'], jobs: 1 });
    expect(report.scenarios.map((s) => [s.file, s.status])).toEqual([['suite/good.yaml', 'passed']]);
    expect(report.loadErrors).toEqual([{ file: 'suite/bad.yml', line: 3, column: 24, field: 'then.leadCounts.total', message: 'expected number, received string' }]);
    expect(report.totals).toEqual({ total: 1, passed: 1, failed: 0, errors: 0, invalid: 1 });
    expect(formatConsole(report)).toContain('suite/bad.yml:3:24  then.leadCounts.total: expected number, received string');
  });

  it('expands directories and globs, reports paths matching nothing, and filters by tag and text', async () => {
    const dir = tempDir({
      'a/one.yaml': GOOD,
      'a/two.yaml': GOOD.replace('name: Direct call answers', 'name: Second case').replace('tags: [smoke]', 'tags: [slow]'),
    });
    const found = await findScenarioFiles(['a', 'a/*.yaml', 'nowhere/*.yaml'], dir);
    expect(found.files.map((f) => f.slice(dir.length + 1))).toEqual(['a/one.yaml', 'a/two.yaml']);
    expect(found.unmatched).toEqual(['nowhere/*.yaml']);
    const report = await runSuite({ cwd: dir, paths: ['a'], tags: ['SLOW'], jobs: 1 });
    expect(report.scenarios.map((s) => s.name)).toEqual(['Second case']);
    const { scenarios } = loadScenarioText(GOOD, 'x.yaml');
    expect(selectScenarios(scenarios, [], ['call ANSWERS'])).toHaveLength(1);
    expect(selectScenarios(scenarios, [], ['nothing like it'])).toHaveLength(0);
    // As --help says: name, suite or file; a description's prose does not select.
    const described = loadScenarioText(GOOD.replace('tags: [smoke]', 'description: mentions a duplicate\ntags: [smoke]'), 'x.yaml').scenarios;
    expect(selectScenarios(described, [], ['duplicate'])).toHaveLength(0);
    expect(selectScenarios(described, [], ['X.YAML'])).toHaveLength(1);
  });
});
