// Demo mode: on a virtual clock, every documented behaviour happens within the first minute and shows in the dashboard's API.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createSimulator, SimClock, type Simulator } from '../simulator/index.js';
import { demoConfig, startDemo, DEMO_MUNCHKIN_ID, type Demo } from '../simulator/demo/index.js';
import type { DemoStep } from '../simulator/ui/demo-timeline.js';
import { connectorRuns } from '../simulator/ui/index.js';

const T0 = Date.parse('2026-11-02T15:00:00Z');
const M = DEMO_MUNCHKIN_ID;
const connectorRunsTotal = (sim: Simulator) => connectorRuns(sim.runtime).list()[0].total;

describe('the demo script', () => {
  let sim: Simulator;
  let demo: Demo;
  let steps: DemoStep[];

  beforeAll(async () => {
    sim = createSimulator({ config: demoConfig(1), clock: new SimClock({ start: T0, frozen: true, autoAdvance: true }) });
    await sim.listen(0, '127.0.0.1');
    demo = await startDemo(sim, { seed: 1, ambient: false });
    steps = await demo.script;
  });

  afterAll(async () => {
    await demo.stop();
    await sim.close();
  });

  it('plays every step, the last one finished within a minute of instance time', () => {
    expect(steps.map((s) => [s.id, s.state])).toEqual([
      ['setup', 'done'],
      ['partition-move', 'done'],
      ['backfill', 'done'],
      ['create', 'done'],
      ['duplicate', 'done'],
      ['blocked', 'done'],
      ['ambiguous', 'done'],
      ['rejected', 'done'],
      ['rate-limit', 'done'],
      ['recovery', 'done'],
    ]);
    const last = Date.parse(steps[steps.length - 1].endedAt!);
    expect(last - T0).toBeLessThan(60_000);
    expect(last - T0).toBeGreaterThanOrEqual(41_000);
  });

  it('shows each documented behaviour in the step results, in plain words, with the leads to open', () => {
    const step = (id: string) => steps.find((s) => s.id === id)!;
    const result = (id: string) => step(id).result!;
    const { newcomer, returning, blocked, ambiguous } = demo.cast;
    const na = sim.runtime.instance(M)!;
    const leadOf = (email: string) => [...na.leads.values()].filter((l) => l.values.email === email).map((l) => l.id);
    expect(result('setup')).toBe("211 leads; audience 'Email subscribers' with 6 members; preflight passed");
    expect(step('partition-move')).toMatchObject({ result: 'leads 1 and 2 moved from Default to EMEA', leadIds: [1, 2] });
    expect(result('backfill')).toBe('6 exported: 3 updated, 3 created');
    expect(step('backfill').leadIds).toHaveLength(6);
    const [created] = leadOf(newcomer.email);
    expect(step('create')).toMatchObject({ result: `lead ${created} created in North America for ${newcomer.email}`, leadIds: [created] });
    // Both exports of the returning profile update the one lead that already held its email.
    const [returned] = leadOf(returning.email);
    expect(step('duplicate')).toMatchObject({ result: `${returning.email} was already lead ${returned}: both exports updated it, no duplicate created`, leadIds: [returned] });
    const [kept] = leadOf(blocked.email);
    const city = na.leads.get(kept)!.values.city;
    expect(step('blocked')).toMatchObject({
      result: `lead ${kept} updated: its title stays “VP Marketing” (blocked for Adobe Experience Platform; “Chief Marketing Officer” dropped), its city becomes “${city}”`,
      leadIds: [kept],
    });
    const twins = leadOf(ambiguous.email);
    expect(twins).toHaveLength(2);
    expect(step('ambiguous')).toMatchObject({ result: `leads ${twins[0]} and ${twins[1]} in North America share ${ambiguous.email}, so neither is updated`, leadIds: twins });
    expect(step('rejected')).toMatchObject({ result: 'profile exp-12 has an ECID but no Email identity: rejected before any call to Marketo', leadIds: [] });
    expect(result('rate-limit')).toMatch(/^another service made \d+ calls in the 20 s window; the connector gets 606 and waits \d+\.\d s before retrying$/);
    expect(result('recovery')).toMatch(/^the window rolled: 6 of 6 exports written after \d+ retries \(606 answered \d+ times\), 0 failed$/);
    expect(step('recovery').leadIds).toHaveLength(6);
  });

  it('reports the run, blocked writes, limit hits and partition moves where the dashboard reads them', async () => {
    const http = request(sim.app);
    const runs = await http.get('/__sim/ui/api/runs');
    expect(runs.body).toHaveLength(1);
    expect(runs.body[0]).toMatchObject({
      name: 'Person Sync demo',
      destination: { munchkinId: M, partition: 'North America', dedupFields: ['email'] },
      state: 'running',
      counts: { created: 4, updated: 12, skipped: 1, rejected: 1, failed: 0 },
      total: 18,
    });
    const skipped = await http.get(`/__sim/ui/api/runs/${runs.body[0].id}`).query({ status: 'skipped' });
    expect(skipped.body.page.outcomes).toEqual([
      expect.objectContaining({ status: 'skipped', email: demo.cast.ambiguous.email, reason: expect.stringMatching(/^AMBIGUOUS_MATCH 2 leads in partition 'North America'/) }),
    ]);

    const log = sim.runtime.log.query({ limit: 1000 }).entries;
    const blocked = log.filter((e) => e.kind === 'blocked-write');
    expect(blocked).toHaveLength(1);
    expect(blocked[0].message).toMatch(/^blocked update of title on lead \d+ from 'Adobe Experience Platform': kept "VP Marketing", dropped "Chief Marketing Officer"$/);
    expect(log.filter((e) => e.kind === 'limit').length).toBeGreaterThan(0);
    expect(log.filter((e) => e.kind === 'limit').every((e) => e.code === '606')).toBe(true);

    const search = await http.get(`/__sim/ui/api/instances/${M}/leads`).query({ q: demo.cast.blocked.email, field: 'email', partition: 2 });
    expect(search.body.total).toBe(1);
    const detail = await http.get(`/__sim/ui/api/instances/${M}/leads/${search.body.rows[0].id}`);
    expect(detail.body.fields.find((f: { name: string }) => f.name === 'title')).toMatchObject({ value: 'VP Marketing', blockedSources: ['Adobe Experience Platform'] });
    expect(detail.body.activities.filter((a: { typeId: number }) => a.typeId === 13).map((a: { field: string; source: string }) => [a.field, a.source])).toEqual([
      ['city', 'Adobe Experience Platform'],
    ]);
    const moved = await http.get(`/__sim/ui/api/instances/${M}/leads/1`);
    expect(moved.body.partition).toBe('EMEA');
    expect(moved.body.activities[0]).toMatchObject({ type: 'Change Lead Partition', fromPartition: 'Default', toPartition: 'EMEA' });

    const timeline = await http.get('/__sim/ui/api/demo');
    expect(timeline.body.active).toBe(true);
    expect(timeline.body.steps.every((s: DemoStep) => s.state === 'done')).toBe(true);
  });

  it('survives a reset: its leads are seeded again and the connector keeps writing with a fresh token', async () => {
    sim.control.reset();
    const na = sim.control.listPartitions(M).find((p) => p.name === 'North America')!;
    expect(na.leads).toBe(7);
    const person = demo.cast.backfillMatched[0];
    const outcome = new Promise<{ status: string; leadId?: number }>((resolve) => {
      const off = demo.sync.on('outcome', ({ result }) => {
        if (result.email === person.email) {
          off();
          resolve(result);
        }
      });
    });
    demo.platform.upsertProfile({ identityMap: { email: [{ id: person.email }] }, attributes: { workAddress: { city: 'Reset City' }, consents: { marketing: { email: { val: 'y' } } } } });
    const result = await outcome;
    expect(result.status).toBe('updated');
    expect(sim.runtime.instance(M)!.leads.get(result.leadId!)!.values.city).toBe('Reset City');
    expect(sim.runtime.log.query({ kind: 'control', limit: 1000 }).entries.map((e) => e.message)).toContain(
      'demo: reset: the demo re-seeded its North America and EMEA leads; the connector keeps streaming',
    );
  });

  it('gives the same outcomes for the same seed', async () => {
    const again = createSimulator({ config: demoConfig(1), clock: new SimClock({ start: T0, frozen: true, autoAdvance: true }) });
    await again.listen(0, '127.0.0.1');
    const second = await startDemo(again, { seed: 1, ambient: false });
    const replay = await second.script;
    await second.stop();
    await again.close();
    expect(replay.map((s) => s.result).slice(0, 8)).toEqual(steps.map((s) => s.result).slice(0, 8));
    expect(second.cast).toEqual(demo.cast);
  });
});

describe('after the script', () => {
  it('keeps streaming a synthetic change through the connector every 4 s of instance time, each written', async () => {
    const sim = createSimulator({ config: demoConfig(1), clock: new SimClock({ start: T0, frozen: true, autoAdvance: true }) });
    await sim.listen(0, '127.0.0.1');
    const demo = await startDemo(sim, { seed: 1 });
    try {
      const steps = await demo.script;
      const scriptEnd = Date.parse(steps[steps.length - 1].endedAt!);
      const seen: { at: number; status: string; email: string | null }[] = [];
      await new Promise<void>((resolve) => {
        const off = demo.sync.on('outcome', ({ result }) => {
          seen.push({ at: result.receivedAt, status: result.status, email: result.email });
          if (seen.length === 3) {
            off();
            resolve();
          }
        });
      });
      expect(seen.map((o) => o.status).every((st) => st === 'created' || st === 'updated')).toBe(true);
      expect(seen.every((o) => o.email !== null)).toBe(true);
      const gaps = seen.map((o, i) => o.at - (i === 0 ? scriptEnd : seen[i - 1].at));
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(4_000);
      expect(connectorRunsTotal(sim)).toBe(18 + 3);
    } finally {
      await demo.stop();
      await sim.close();
    }
  });
});

describe('startDemo', () => {
  it('refuses an emulator that was not created with demoConfig()', async () => {
    const sim = createSimulator({ clock: new SimClock({ start: T0, frozen: true }) });
    await sim.listen(0, '127.0.0.1');
    await expect(startDemo(sim)).rejects.toThrow("the demo needs the emulator created with demoConfig() (instance 123-ABC-456 with partition 'North America')");
    await sim.close();
  });
});

describe('npm run sim -- --demo', () => {
  it('prints the dashboard URL and starts streaming through the connector', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'simulator/main.ts', '--demo', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (out += chunk));
    try {
      const until = async (re: RegExp) => {
        while (!re.test(out)) {
          if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${out}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        return re.exec(out)!;
      };
      const [, dashboard] = await until(/^Dashboard: (http:\/\/127\.0\.0\.1:\d+\/__sim\/ui\/) {3}\(demo mode/m);
      await until(/^\[demo\] Backfill of existing audience members: 6 exported: 3 updated, 3 created$/m);
      const page = await fetch(dashboard);
      expect(page.status).toBe(200);
      const runs = (await (await fetch(`${dashboard}api/runs`)).json()) as { counts: { created: number } }[];
      expect(runs[0].counts.created).toBeGreaterThanOrEqual(3);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }, 30_000);

  it('refuses --demo with --config', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'simulator/main.ts', '--demo', '--config', 'x.yaml'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (err += chunk));
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(2);
    expect(err).toContain('--demo sets up its own instance; it does not combine with --config or --data');
  });
});
