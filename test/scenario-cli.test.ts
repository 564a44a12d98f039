// `npm run scenarios`: flags, report files, narrowing by path, tag and text, and the exit code.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { parseCliArgs, UsageError } from '../scenarios/runner/cli-args.js';
import { findScenarioFiles, loadScenarioFiles, loadScenarioText } from '../scenarios/runner/load.js';
import { selectScenarios } from '../scenarios/runner/suite.js';
import { runScenario } from '../scenarios/runner/run.js';

const TSX = join('node_modules', '.bin', 'tsx');

function cli(...args: string[]) {
  const run = spawnSync(TSX, ['scenarios/cli.ts', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const passing = (name: string, tags: string) => `name: ${name}
tags: [${tags}]
given:
  instances:
    - leads: [{ values: { email: p@example.com } }]
then:
  leadCounts: { total: 1 }
`;

function fixtures(): string {
  const dir = mkdtempSync(join(tmpdir(), 'scenario-cli-'));
  writeFileSync(join(dir, 'alpha.yaml'), passing('Alpha passes', 'fast, smoke'));
  writeFileSync(join(dir, 'beta.yaml'), passing('Beta passes', 'slow'));
  writeFileSync(join(dir, 'gamma.yaml'), passing('Gamma fails', 'broken').replace('total: 1', 'total: 2'));
  return dir;
}

describe('scenarios CLI', () => {
  const dir = fixtures();

  it('exits 0 when every selected scenario passes, and writes the JUnit report to --out', () => {
    // As README shows it (`--out reports/scenarios.xml`): the report's folder need not exist yet.
    const out = join(dir, 'reports', 'ci', 'report.xml');
    const run = cli(join(dir, '*.yaml'), '--tag', 'smoke', '--tag', 'slow', '--reporter', 'junit', '--out', out);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('OK: 2 scenarios: 2 passed, 0 failed, 0 errors');
    expect(run.stdout).toContain(`report written to ${out}`);
    const xml = readFileSync(out, 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('<testcase name="Alpha passes"');
    expect(xml).toContain('<testcase name="Beta passes"');
    expect(xml).not.toContain('Gamma');
  });

  it('exits 1 on a failing scenario and prints the expected and actual side by side', () => {
    const run = cli(dir, '--grep', 'gamma', '--jobs', '1');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('✗ Gamma fails');
    expect(run.stdout).toContain('then.leadCounts.total: 2 leads expected on 123-ABC-456, found 1');
    expect(run.stdout).toMatch(/total: 2 ≠ total: 1/);
    expect(run.stdout).toContain('FAILED: 1 scenario: 0 passed, 1 failed, 0 errors');
  });

  it('prints the JSON report to stdout, lists selections, and refuses bad usage with exit code 2', () => {
    const json = cli(join(dir, 'alpha.yaml'), '--reporter', 'json');
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as { scenarios: { name: string; steps: { label: string; wallMs: number }[] }[] };
    expect(report.scenarios.map((s) => s.name)).toEqual(['Alpha passes']);
    expect(report.scenarios[0].steps.map((s) => s.label)).toEqual(['given', 'then']);

    const list = cli(dir, '--list', '--tag', 'fast');
    expect(list.code).toBe(0);
    expect(list.stdout.trim().split('\n')).toHaveLength(1);
    expect(list.stdout).toMatch(/alpha\.yaml:1 {2}Alpha passes {2}\[fast, smoke\]/);

    const bad = cli('--reporter', 'xml');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--reporter must be one of console, json, junit (got 'xml')");
    expect(bad.stderr).toContain('Usage: npm run scenarios -- [paths or globs...] [options]');
    const nothing = cli(join(dir, 'missing-*.yaml'));
    expect(nothing.code).toBe(1);
    expect(nothing.stdout).toContain(`${join(dir, 'missing-*.yaml')}  no scenario files match this path`);
  });

  it("README's complete scenario file passes, and each command it shows parses and finds its files", async () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('## Scenario suites'), readme.indexOf('### The runner'));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)![1];
    const { scenarios, errors } = loadScenarioText(yaml, 'README.md');
    expect(errors).toEqual([]);
    const report = await runScenario(scenarios[0]);
    expect(report.failures).toEqual([]);
    expect(report.status).toBe('passed');

    const commands = [...section.matchAll(/^npm run scenarios(?: -- (.*?))?\s*(?:#.*)?$/gm)].map((m) => m[1] ?? '');
    expect(commands.length).toBeGreaterThanOrEqual(5);
    for (const command of commands) {
      const args = [...command.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]);
      const flags = parseCliArgs(args);
      const found = await findScenarioFiles(flags.paths);
      expect(found.unmatched, command).toEqual([]);
      expect(selectScenarios(loadScenarioFiles(found.files).scenarios, flags.tags, flags.grep).length, command).toBeGreaterThan(0);
    }
  });

  it('parses flags, and names the flag at fault', () => {
    expect(parseCliArgs(['a.yaml', 'dir', '--tag', 't1', '--tag', 't2', '--grep', 'x', '--reporter', 'junit', '--out', 'r.xml', '--jobs', '2', '--timeout', '1.5'])).toEqual({
      paths: ['a.yaml', 'dir'],
      tags: ['t1', 't2'],
      grep: ['x'],
      reporter: 'junit',
      out: 'r.xml',
      jobs: 2,
      timeoutMs: 1500,
      verbose: false,
      list: false,
      writeSchema: false,
      color: false,
      help: false,
    });
    expect(parseCliArgs([], true, {}).color).toBe(true);
    expect(parseCliArgs([], true, { NO_COLOR: '1' }).color).toBe(false);
    expect(parseCliArgs(['--no-color'], true, {}).color).toBe(false);
    expect(() => parseCliArgs(['--jobs', 'zero'])).toThrow(new UsageError("--jobs takes a whole number of at least 1 (got 'zero')"));
    expect(() => parseCliArgs(['--timeout', '0'])).toThrow(new UsageError("--timeout takes a positive number of seconds (got '0')"));
    expect(() => parseCliArgs(['--colour'])).toThrow(UsageError);
    expect(() => parseCliArgs(['--colour'])).toThrow(/'--colour'/);
  });
});
