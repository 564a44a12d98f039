// Plays one scenario in its own emulator: given, each `when` step in order (timed), an implicit final drain, then `then`.
import type { LoadedScenario } from './load.js';
import { lineOf, type Failure } from './match.js';
import { blankReport, type ScenarioReport, type StepReport } from './report.js';
import type { Step } from './schema.js';
import { buildWorld, clearFaults, injectFault, takeBaseline, type World } from './world.js';
import { formatDuration, parseDuration } from './scenario-clock.js';
import { callMarketo, tokenForCall } from './steps/marketo.js';
import { mapOrg } from './steps/org-mapping.js';
import { ConnectorSteps, SkipStep } from './steps/connector.js';
import { expectLeads } from './expect/leads.js';
import { expectActivities } from './expect/activities.js';
import { expectLog } from './expect/log.js';
import { expectApi } from './expect/api.js';
import { expectConnector } from './expect/connector.js';
import { expectClock } from './expect/clock.js';

export interface RunOptions {
  /** Wall-clock limit per scenario (a hung connector must not hang the suite). Default 30 s. */
  timeoutMs?: number;
}

const now = () => performance.now();

/** A short label for a step: its key and the gist of its value. */
export function stepLabel(step: Step, at: string): string {
  const key = Object.keys(step)[0] as keyof Step;
  const gist = (() => {
    switch (key) {
      case 'activate':
        return step.activate!.join(', ');
      case 'upsertProfile': {
        const p = step.upsertProfile!;
        return p.generate !== undefined ? `${p.generate} generated` : (p.id ?? [p.email ?? ''].flat()[0] ?? '');
      }
      case 'upsertProfiles':
        return `${step.upsertProfiles!.reduce((n, p) => n + (p.generate ?? 1), 0)} profiles`;
      case 'uploadCsv':
        return step.uploadCsv!.audience;
      case 'advanceClock': {
        const v = step.advanceClock!;
        return typeof v === 'object' ? `to ${v.to}` : formatDuration(parseDuration(v));
      }
      case 'injectFault':
        return [step.injectFault!.kind, step.injectFault!.code ?? step.injectFault!.status ?? ''].join(' ').trim();
      case 'clearFaults':
        return step.clearFaults === true ? 'all' : step.clearFaults!.join(', ');
      case 'marketo':
        return `${step.marketo!.method} ${step.marketo!.path}`;
      case 'mapOrg':
        return step.mapOrg!.imsOrgId ?? 'remove';
      case 'parallel':
        return `${step.parallel!.length} steps`;
      default:
        return '';
    }
  })();
  return `${at} ${key}${gist ? ` ${gist}` : ''}`;
}

class Timeout extends Error {}

export async function runScenario(loaded: LoadedScenario, options: RunOptions = {}): Promise<ScenarioReport> {
  const { scenario } = loaded;
  const started = now();
  const report = blankReport(loaded);
  let world: World | undefined;
  let connector: ConnectorSteps | undefined;
  let timer: NodeJS.Timeout | undefined;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Timeout(`timed out after ${timeoutMs / 1000} s of wall time`)), timeoutMs);
  });

  const play = async () => {
    // given: the emulator (its start-up timed on its own), instances, leads, faults, then the baseline.
    const givenStep = await timed('given', async () => {
      const t0 = now();
      try {
        world = await buildWorld(scenario);
      } finally {
        report.startupMs = now() - t0;
      }
      report.virtualStart = new Date(world.clock.now()).toISOString();
      if (scenario.destination) connector = new ConnectorSteps(world, scenario);
      await connector?.given();
      takeBaseline(world);
      return [];
    });
    report.steps.push(givenStep);
    if (givenStep.status === 'error') return;
    const w = world!;

    for (const [i, step] of (scenario.when ?? []).entries()) {
      const result = await runStep(w, connector, step, `when[${i}]`);
      report.steps.push(result);
      if (result.status === 'error') return;
    }
    // then.preflight about a connector no step started: run the preflight, so the expectation is never vacuous.
    if (connector && !connector.started && scenario.then.preflight) {
      const connect = await timed('connect (for then.preflight)', async () => connector!.run({ connect: true }, 'then.preflight'), w);
      report.steps.push(connect);
      if (connect.status === 'error') return;
    }
    if (connector?.started && connector.refusals.length === 0) {
      const drain = await timed(
        'drain (after the last step)',
        async () => {
          await connector!.drain();
          return [];
        },
        w,
      );
      report.steps.push(drain);
      if (drain.status === 'error') return;
    }
    report.steps.push(
      await timed(
        'then',
        async () => [
          // The connector first: when it refused to start, that is why the other expectations failed.
          ...(connector ? expectConnector(connector, scenario.then) : []),
          ...expectLeads(w, scenario.then),
          ...expectActivities(w, scenario.then),
          ...expectLog(w, scenario.then),
          ...expectApi(w, scenario.then.api),
          ...expectClock(w, scenario.then.clock),
        ],
        w,
      ),
    );
  };

  try {
    await Promise.race([play(), timeout]);
  } catch (e) {
    report.status = 'error';
    report.error = e instanceof Error ? e.message : String(e);
  } finally {
    clearTimeout(timer);
    if (world) report.virtualEnd = new Date(world.clock.now()).toISOString();
    await connector?.close().catch(() => undefined);
    await world?.sim.close().catch(() => undefined);
  }
  report.failures = report.steps.flatMap(function all(s): Failure[] {
    return [...s.failures, ...(s.children ?? []).flatMap(all)];
  });
  for (const f of report.failures) f.line ??= lineOf(loaded.lines, f.at);
  const erroredStep = report.steps.find((s) => s.status === 'error');
  if (report.status !== 'error' && erroredStep) {
    report.status = 'error';
    report.error = `${erroredStep.label}: ${erroredStep.error}`;
  } else if (report.status !== 'error' && report.failures.length > 0) {
    report.status = 'failed';
  }
  if (report.error !== undefined) {
    const paths = report.error.match(/\b(?:given|destination|when|then)(?:\.[A-Za-z]\w*|\[\d+\])*/g) ?? [];
    const deepest = paths.reduce((a, b) => (b.length > a.length ? b : a), '');
    const line = deepest ? lineOf(loaded.lines, deepest) : undefined;
    if (line !== undefined) report.errorLine = line;
  }
  report.wallMs = now() - started;
  return report;
}

/** Runs `work`, timing it on the wall and on the scenario's clock; a thrown error makes the step an error. */
async function timed(label: string, work: () => Promise<Failure[]>, world?: World): Promise<StepReport> {
  const t0 = now();
  const v0 = world?.clock.now() ?? 0;
  try {
    const failures = await work();
    return { label, status: failures.length > 0 ? 'failed' : 'passed', wallMs: now() - t0, virtualMs: (world?.clock.now() ?? v0) - v0, failures };
  } catch (e) {
    if (e instanceof Timeout) throw e;
    if (e instanceof SkipStep) return { label, status: 'skipped', wallMs: now() - t0, virtualMs: (world?.clock.now() ?? v0) - v0, failures: [], error: e.message };
    const message = e instanceof Error ? e.message : String(e);
    return { label, status: 'error', wallMs: now() - t0, virtualMs: (world?.clock.now() ?? v0) - v0, failures: [], error: message };
  }
}

/** Resolves when the emulator next logs anything (a call served, a fault fired as a call arrived). */
function nextLogEntry(world: World): { reached: Promise<void>; cancel: () => void } {
  let cancel = () => {};
  const reached = new Promise<void>((resolve) => {
    cancel = world.sim.runtime.log.subscribe(() => {
      cancel();
      resolve();
    });
  });
  return { reached, cancel };
}

/**
 * A `parallel` group, deterministically: its direct calls get their tokens first; then the steps start in the order
 * listed, each once the one before has reached Marketo (the emulator logged its first call) or finished. Concurrency
 * is in virtual time: calls held in a race window or by latency overlap, whatever the wall clock does.
 */
async function runParallel(world: World, connector: ConnectorSteps | undefined, steps: Step[], at: string): Promise<StepReport[]> {
  const tokens = await Promise.all(steps.map((s) => (s.marketo ? tokenForCall(world, s.marketo) : Promise.resolve(undefined))));
  const running: Promise<StepReport>[] = [];
  for (const [i, step] of steps.entries()) {
    const arrival = nextLogEntry(world);
    const run = runStep(world, connector, step, `${at}.parallel[${i}]`, tokens[i]);
    running.push(run);
    if (i < steps.length - 1) {
      await Promise.race([run.then(() => undefined), arrival.reached]);
      // A profile change returns at once; the exports it triggered reach Marketo a little later.
      if (connector?.hasPending()) await arrival.reached;
    }
    arrival.cancel();
  }
  return Promise.all(running);
}

async function runStep(world: World, connector: ConnectorSteps | undefined, step: Step, at: string, token?: string): Promise<StepReport> {
  const label = stepLabel(step, at);
  if (step.parallel) {
    const t0 = now();
    const v0 = world.clock.now();
    const children = await runParallel(world, connector, step.parallel, at);
    const error = children.find((c) => c.status === 'error');
    return {
      label,
      status: error ? 'error' : children.some((c) => c.status === 'failed') ? 'failed' : 'passed',
      wallMs: now() - t0,
      virtualMs: world.clock.now() - v0,
      failures: [],
      ...(error ? { error: `${error.label}: ${error.error}` } : {}),
      children,
    };
  }
  return timed(
    label,
    async () => {
      if (step.marketo) return (await callMarketo(world, step.marketo, `${at}.marketo`, token)).failures;
      if (step.mapOrg) return mapOrg(world, step.mapOrg, `${at}.mapOrg`);
      if (step.advanceClock !== undefined) {
        const v = step.advanceClock;
        const ms = typeof v === 'object' ? Date.parse(v.to) - world.clock.now() : parseDuration(v);
        if (ms < 0) throw new Error(`${at}.advanceClock: ${v && typeof v === 'object' ? v.to : ''} is before the clock's time (${new Date(world.clock.now()).toISOString()})`);
        await world.clock.advanceExactly(ms);
        return [];
      }
      if (step.injectFault) {
        injectFault(world, step.injectFault);
        return [];
      }
      if (step.clearFaults) {
        clearFaults(world, step.clearFaults);
        return [];
      }
      if (!connector) throw new Error(`${at}: this step needs a destination`);
      return connector.run(step, at);
    },
    world,
  );
}
