// Built-in scenarios for the dashboard: list the repository's scenario files and play one in its own isolated emulator.
import { fileURLToPath } from 'node:url';
import type { LoadedScenario } from '../../scenarios/runner/load.js';
import type { ScenarioReport } from '../../scenarios/runner/report.js';

/** The repository root, where `scenarios/**` lives (found from this module, not from the working directory). */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ScenarioEntry {
  /** `file#index`, as the scenario runner and its reports name it. */
  id: string;
  file: string;
  name: string;
  tags: string[];
  description: string | null;
}

export interface ScenarioList {
  scenarios: ScenarioEntry[];
  /** Files or scenarios that do not load, with file, line and field. */
  errors: { file: string; line: number; field: string; message: string }[];
}

export interface ScenarioRunResult {
  id: string;
  name: string;
  status: ScenarioReport['status'];
  passed: boolean;
  durationMs: number;
  /** Time that passed on the scenario's own virtual clock. */
  virtualMs: number;
  steps: { label: string; status: string; failures: string[] }[];
  failures: string[];
}

// Loaded on first use: the runner pulls in the connector and a whole emulator, which the dashboard needs only here.
async function loadAll(): Promise<{ loaded: LoadedScenario[]; list: ScenarioList }> {
  const { findScenarioFiles, loadScenarioFiles } = await import('../../scenarios/runner/load.js');
  const { files } = await findScenarioFiles([], REPO_ROOT);
  const { scenarios, errors } = loadScenarioFiles(files, REPO_ROOT);
  return {
    loaded: scenarios,
    list: {
      scenarios: scenarios.map((s) => ({
        id: `${s.file}#${s.index}`,
        file: s.file,
        name: s.scenario.name,
        tags: s.scenario.tags ?? [],
        description: s.scenario.description?.trim() ?? null,
      })),
      errors: errors.map((e) => ({ file: e.file, line: e.line, field: e.field, message: e.message })),
    },
  };
}

export async function listScenarios(): Promise<ScenarioList> {
  return (await loadAll()).list;
}

/** Plays one scenario; null when no scenario has that id. */
export async function runBuiltInScenario(id: string): Promise<ScenarioRunResult | null> {
  const { loaded } = await loadAll();
  const scenario = loaded.find((s) => `${s.file}#${s.index}` === id);
  if (!scenario) return null;
  const { runScenario } = await import('../../scenarios/runner/run.js');
  const report = await runScenario(scenario);
  const failureText = (f: { at: string; message: string }) => `${f.at}: ${f.message}`;
  return {
    id,
    name: report.name,
    status: report.status,
    passed: report.status === 'passed',
    durationMs: Math.round(report.wallMs),
    virtualMs: Date.parse(report.virtualEnd) - Date.parse(report.virtualStart),
    steps: report.steps.map((s) => ({ label: s.label, status: s.status, failures: [...s.failures.map(failureText), ...(s.error ? [s.error] : [])] })),
    failures: [...report.failures.map(failureText), ...(report.error ? [report.error] : [])],
  };
}
