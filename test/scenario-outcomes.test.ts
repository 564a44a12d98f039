// Scenario outcomes: exports are attributed to the profile they came from, by scenario id or any email, and a wrong
// outcome expectation pairs each expected key with its actual value.
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../scenarios/runner/load.js';
import { runScenario } from '../scenarios/runner/run.js';
import { formatScenario } from '../scenarios/runner/reporters/console.js';

const SCENARIO = `name: A profile named by id, changed by id and by email
given:
  audiences:
    - { id: vip, rule: { attribute: person.tier, equals: gold } }
  profiles:
    - id: dee
      email: Dee@Example.com
      attributes: { person.tier: gold, person.name.firstName: Dee }
destination:
  mapping:
    - { source: person.name.firstName, xdmType: string, target: firstName }
  backfillDelay: 1h
when:
  - activate: [vip]
  - advanceClock: 2h
  - upsertProfile: { id: dee, attributes: { person.name.firstName: Deirdre } }
  - upsertProfile: { email: dee@example.com, attributes: { person.name.firstName: Didi } }
then:
  leads:
    - { where: { email: dee@example.com }, values: { id: 1, firstName: Didi } }
  outcomes:
    - { profile: dee, history: [created, updated, updated], lead: 1 }
    - { profile: DEE@example.com, history: [created, updated, updated], trigger: attribute }
    - { profile: Dee@Example.com, status: updated }
  activities:
    - { type: Change Data Value, lead: 1, field: firstName, oldValue: Dee, newValue: Deirdre, count: 1 }
`;

async function run(text: string) {
  const { scenarios, errors } = loadScenarioText(text, 'outcomes.yaml');
  expect(errors).toEqual([]);
  return runScenario(scenarios[0]);
}

describe('scenario outcomes', () => {
  it('a step changes a profile by its id alone, and every name of the profile finds all of its exports', async () => {
    const report = await run(SCENARIO);
    expect(report.failures).toEqual([]);
    expect(report.status).toBe('passed');
  });

  it('a wrong outcome shows each expected key beside its actual value, and says it is about the last export', async () => {
    const report = await run(SCENARIO.replace('{ profile: Dee@Example.com, status: updated }', '{ profile: Dee@Example.com, status: created, lead: 1 }'));
    expect(report.failures.map((f) => [f.at, f.message])).toEqual([
      ['then.outcomes[2]', 'profile Dee@Example.com (its last of 3 exports; `history` checks them all): status updated'],
    ]);
    const lines = formatScenario(report).split('\n').map((l) => l.trim());
    const header = lines.findIndex((l) => /^expected\s+actual$/.test(l));
    expect(lines.slice(header + 1, header + 4)).toEqual(['status: created ≠ status: updated', 'lead: 1         │ lead: 1', '> export: exp-3']);
  });
});
