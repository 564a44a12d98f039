// The built-in scenario library passes, covers what issue 5 lists, and every scenario asserts a real outcome.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runSuite } from '../scenarios/runner/suite.js';
import { findScenarioFiles, loadScenarioFiles } from '../scenarios/runner/load.js';
import { walkSteps } from '../scenarios/runner/references.js';
import { formatConsole } from '../scenarios/runner/reporters/console.js';
import { jsonSchemaText, SCHEMA_FILE } from '../scenarios/runner/json-schema.js';

describe('built-in scenario library', () => {
  it('loads without errors, and every scenario asserts what the connector did and what Marketo holds', async () => {
    const { files } = await findScenarioFiles([]);
    const { scenarios, errors } = loadScenarioFiles(files);
    expect(errors).toEqual([]);
    expect(scenarios.length).toBeGreaterThanOrEqual(39);
    const has = (then: object, keys: string[]) => keys.some((k) => (then as Record<string, unknown>)[k] !== undefined);
    for (const { scenario, file } of scenarios) {
      const where = `${file}: '${scenario.name}'`;
      const { then } = scenario;
      if (scenario.destination) expect(has(then, ['outcomes', 'outcomeCounts', 'preflight', 'counters', 'deadLetters']), `${where} expects nothing of the connector`).toBe(true);
      // An activation that was not refused exported something: the scenario says what Marketo holds after it.
      const activates = walkSteps(scenario.when).some(({ step }) => step.activate !== undefined);
      if (activates && then.preflight?.ok !== false) expect(has(then, ['leads', 'leadCounts', 'activities', 'blockedWrites']), `${where} expects nothing of Marketo's leads`).toBe(true);
    }
  });

  it('covers every case the issue asks for', async () => {
    const { files } = await findScenarioFiles([]);
    const names = loadScenarioFiles(files).scenarios.map((s) => s.scenario.name.toLowerCase());
    const wanted = [
      'dedup on email alone',
      'dedup on email and company in north america',
      'partition isolation under the instance-wide dedupe rule',
      'partition isolation under the partition dedupe rule',
      'a configuration only updates leads in its own partition',
      'ambiguous match',
      'missing dedup value',
      'every allowed type pairing',
      'array, object, map and byte sources are refused',
      'pairings outside the table are refused',
      'blocked fields are set when empty and kept when not',
      'backfill after the activation delay, then streaming',
      'csv custom-upload audience',
      'same value is still exported',
      'audience exit',
      'token expiry mid-stream',
      'pacing keeps 150 single-record calls',
      'answers 606 and the connector backs off',
      'transient faults and recovery',
      'daily quota exhaustion and resume',
      'organization mismatch',
      'hipaa-ready instance',
      'aep user without manage destinations',
      'without edit person in the destination',
      'dedup field that is not searchable',
      'an org admin maps the instance, then person sync syncs',
      'not an org admin cannot map the instance',
      'ims-onboarded instance\'s mapping is read-only',
      'marketo creates it twice',
      'person sync and another integration create the same person concurrently',
    ];
    for (const w of wanted) expect(names.some((n) => n.includes(w)), `no scenario named like '${w}'`).toBe(true);
  });

  it('passes, scenario by scenario', async () => {
    const report = await runSuite({ jobs: 1 });
    const failing = report.scenarios.filter((s) => s.status !== 'passed');
    expect(failing.length, formatConsole({ ...report, scenarios: failing })).toBe(0);
    expect(report.loadErrors).toEqual([]);
    expect(report.totals.passed).toBe(report.scenarios.length);
  });

  it('ships a JSON Schema generated from the current zod schema', () => {
    // Regenerate with: npm run scenarios -- --write-schema
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(jsonSchemaText());
  });
});
