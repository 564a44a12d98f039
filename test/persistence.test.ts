import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSimulator, SimClock, StoreError, type Simulator } from '../simulator/index.js';
import { readStateFile } from '../simulator/store/file-store.js';

const ID = '123-ABC-456';
const T0 = Date.parse('2026-11-02T15:00:00Z');
const tmp = () => mkdtempSync(join(tmpdir(), 'sim-data-'));
const open: Simulator[] = [];
const children: ChildProcess[] = [];

function sim(dataFile: string | undefined, start = T0): Simulator {
  const s = createSimulator({ seed: 3, limits: { enabled: false }, clock: new SimClock({ start, frozen: true }), dataFile });
  open.push(s);
  return s;
}

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const s of open.splice(0)) await s.close();
});

async function token(s: Simulator, clientId: string, secret: string): Promise<string> {
  const res = await request(s.app).get('/identity/oauth/token').query({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret });
  return res.body.access_token as string;
}

/** A well-formed state file whose first lead sits in a partition that does not exist. */
function damagedState(): string {
  const state = sim(undefined).control.snapshot();
  state.instances[0].leads = [[1, 99, T0, T0, { email: 'a@x.com' }]];
  state.instances[0].counters.nextLeadId = 2;
  return JSON.stringify(state);
}

describe('persistence (--data FILE)', () => {
  it('state survives a restart: leads, activities, partitions, services, blocks, settings and tokens', async () => {
    const file = join(tmp(), 'state.json');
    const first = sim(file);
    const c = first.control;
    c.createPartition(ID, { name: 'North America' });
    const aep = c.createService(ID, { name: 'AEP', inputSource: 'Adobe Experience Platform', permissions: ['Read-Write Person'] });
    c.setFieldBlocks(ID, 'title', { sources: ['Adobe Experience Platform'] });
    c.patchInstance(ID, { dedupe: { partitionScoped: true }, limits: { ratePer20s: 50 } });
    const t = await token(first, aep.clientId, aep.clientSecret);
    const res = await request(first.app)
      .post('/rest/v1/leads.json')
      .set('Authorization', `Bearer ${t}`)
      .send({ partitionName: 'North America', input: [{ email: 'p@x.com', title: 'CEO' }] });
    expect(res.body.result).toEqual([{ id: 1, status: 'created' }]);
    await first.close();
    open.splice(open.indexOf(first), 1);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved).toMatchObject({ format: 'marketo-engage-emulator-state', version: 1, seed: 3 });

    const second = sim(file, Date.parse('2026-01-01T00:00:00Z'));
    expect(second.store!.getStats().loaded).toBe(true);
    // The frozen clock comes back where it was, so the token is still valid.
    expect(second.control.clock.get().now).toBe('2026-11-02T15:00:00.000Z');
    const read = await request(second.app).get('/rest/v1/lead/1.json').query({ fields: 'email,title,leadPartitionId' }).set('Authorization', `Bearer ${t}`);
    expect(read.body.result).toEqual([{ id: 1, email: 'p@x.com', title: 'CEO', leadPartitionId: 2 }]);
    const detail = second.control.getInstance(ID);
    expect(detail.partitions.map((p) => p.name)).toEqual(['Default', 'North America']);
    expect(detail.blockedFields).toEqual([{ field: 'title', sources: ['Adobe Experience Platform'] }]);
    expect(detail.settings.dedupe).toEqual({ partitionScoped: true });
    expect(detail.settings.limits.ratePer20s).toBe(50);
    expect(detail.counts).toMatchObject({ leads: 1, activities: 1 });
    // Indexes are rebuilt: the lead is found by email and updated, not duplicated; ids continue.
    const again = await request(second.app)
      .post('/rest/v1/leads.json')
      .set('Authorization', `Bearer ${t}`)
      .send({ partitionName: 'North America', input: [{ email: 'P@x.com', firstName: 'Pat' }, { email: 'q@x.com' }] });
    expect(again.body.result).toEqual([
      { id: 1, status: 'updated' },
      { id: 2, status: 'created' },
    ]);
    // New credentials never repeat ones in the file.
    const other = second.control.createService(ID, { name: 'Other' });
    expect([aep.clientId, c.listServices(ID)[0].clientId]).not.toContain(other.clientId);
  });

  it('the in-memory default has no store, so nothing is ever written', async () => {
    const s = sim(undefined);
    s.control.insertLeads(ID, { leads: [{ email: 'a@x.com' }] });
    expect(s.store).toBeNull();
    await s.close();
  });

  it('a corrupt file, a foreign JSON file, an unknown version and a damaged state are refused and left untouched', () => {
    const dir = tmp();
    const cases: [string, string, string][] = [
      ['corrupt.json', '{"format":"marketo-engage-emulator-state","version":1,"instances":[', 'the data file is corrupt (not valid JSON'],
      ['foreign.json', '{"hello":"world"}', "the data file cannot be loaded (format: not an emulator state (expected format 'marketo-engage-emulator-state', found null))"],
      ['future.json', '{"format":"marketo-engage-emulator-state","version":2,"instances":[]}', 'the data file cannot be loaded (version: unknown format version 2; this emulator reads version 1)'],
      ['empty.json', '', 'the data file is corrupt (not valid JSON: Unexpected end of JSON input)'],
      ['dangling.json', damagedState(), 'the data file cannot be loaded (instances[0].leads[0][1]: no partition with id 99)'],
    ];
    for (const [name, text, why] of cases) {
      const file = join(dir, name);
      writeFileSync(file, text);
      let error: unknown;
      try {
        sim(file);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(StoreError);
      expect((error as Error).message).toContain(`${file}: ${why}`);
      expect((error as Error).message).toContain('The file was not changed');
      expect(readFileSync(file, 'utf8')).toBe(text);
    }
  });

  it('writes shortly after a change, atomically, and flush() waits for it', async () => {
    const file = join(tmp(), 'state.json');
    const s = sim(file);
    await s.store!.flush();
    expect(readStateFile(file).instances[0].leads.size).toBe(0);
    s.control.insertLeads(ID, { leads: [{ email: 'a@x.com' }, { email: 'b@x.com' }] });
    expect(s.store!.getStats().dirty).toBe(true);
    // Written by the store's own timer, without a flush.
    await vi.waitFor(() => expect(readStateFile(file).instances[0].leads.size).toBe(2), { timeout: 10_000, interval: 20 });
    expect(s.store!.getStats()).toMatchObject({ dirty: false, writes: 2 });
    expect(existsSync(join(file, '..', '.state.json.tmp'))).toBe(false);
    // Reads do not dirty the file.
    await request(s.app).get('/__sim/instances');
    expect(s.store!.getStats().dirty).toBe(false);
  });
});

describe('closing with --data', () => {
  it('a change made while the last write is under way gets a write of its own before close() resolves', async () => {
    const file = join(tmp(), 'state.json');
    const s = sim(file);
    await s.store!.flush();
    s.control.insertLeads(ID, { leads: [{ email: 'a@x.com' }] });
    const closing = s.close();
    // close() has taken its snapshot synchronously and is writing it now.
    s.control.insertLeads(ID, { leads: [{ email: 'b@x.com' }] });
    await closing;
    open.splice(open.indexOf(s), 1);
    expect([...readStateFile(file).instances[0].leads.values()].map((l) => l.values.email)).toEqual(['a@x.com', 'b@x.com']);
  });

  it('stops taking calls before the last write: every call answered once close() began is in the file', async () => {
    const file = join(tmp(), 'state.json');
    const s = sim(file);
    const url = await s.listen();
    const post = (email: string) =>
      fetch(`${url}/__sim/instances/${ID}/leads`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ leads: [{ email }] }) }).then(
        (r) => r.status,
        () => 0,
      );
    expect(await post('before@x.com')).toBe(201);
    const closing = s.close();
    const late = await Promise.all([post('late1@x.com'), post('late2@x.com'), post('late3@x.com')]);
    await closing;
    open.splice(open.indexOf(s), 1);
    const stored = [...readStateFile(file).instances[0].leads.values()].map((l) => l.values.email);
    // It answered these and then lost them from the file (the server kept serving while the store wrote its last state).
    const answered = ['late1@x.com', 'late2@x.com', 'late3@x.com'].filter((_, i) => late[i] === 201);
    expect(stored).toEqual(['before@x.com', ...answered]);
  });
});

/** Starts `npm run sim` as a real child process and resolves with its base URL. */
async function startChild(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'simulator/main.ts', '--port', '0', '--print-config', 'json', ...args], {
    cwd: join(import.meta.dirname, '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    lines.once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
    child.once('exit', (code) => reject(new Error(`the emulator exited (${code}): ${stderr}`)));
  });
  return { child, url };
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

describe('persistence in a real process', () => {
  it('SIGTERM right after a change loses nothing', { timeout: 60_000 }, async () => {
    const file = join(tmp(), 'state.json');
    const { child, url } = await startChild(['--leads', '0', '--data', file]);
    const res = await fetch(`${url}/__sim/instances/${ID}/leads`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ leads: [{ email: 'last@x.com' }] }),
    });
    expect(res.status).toBe(201);
    child.kill('SIGTERM');
    await exited(child);
    expect(child.exitCode).toBe(0);
    const state = readStateFile(file);
    expect([...state.instances[0].leads.values()].map((l) => l.values.email)).toEqual(['last@x.com']);
  });

  // Generous timeouts: a child process boots through tsx, which takes many seconds on a loaded 2-core CI machine.
  it('kill -9 during heavy writes leaves a file that loads', { timeout: 120_000 }, async () => {
    const file = join(tmp(), 'state.json');
    const { child, url } = await startChild(['--leads', '0', '--data', file, '--seed', '5']);
    const config = await (await fetch(`${url}/__sim/instances/${ID}/services`)).json() as { clientId: string; clientSecret: string }[];
    const auth = await (
      await fetch(`${url}/identity/oauth/token?grant_type=client_credentials&client_id=${config[0].clientId}&client_secret=${config[0].clientSecret}`)
    ).json() as { access_token: string };
    await fetch(`${url}/__sim/instances/${ID}`, { method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ limits: { enabled: false } }) });
    let batch = 0;
    let stop = false;
    const writer = async () => {
      while (!stop) {
        const n = batch++;
        const input = Array.from({ length: 300 }, (_, i) => ({ email: `w${n}-${i}@x.com`, firstName: `F${i}`, company: `C${n}` }));
        await fetch(`${url}/rest/v1/leads.json`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${auth.access_token}` },
          body: JSON.stringify({ input }),
        }).catch(() => undefined);
      }
    };
    const writers = [writer(), writer()];
    // Each atomic write renames a new file over the old one. Kill while a later write is in flight (its temp file
    // exists) once a version with leads is on disk, or else after the third version with leads.
    const temp = join(file, '..', '.state.json.tmp');
    const emptySize = statSync(file).size;
    const versions = new Set<string>();
    let withLeads = 0;
    const deadline = Date.now() + 90_000;
    while (!(withLeads >= 1 && existsSync(temp)) && withLeads < 3) {
      if (Date.now() > deadline) throw new Error(`${withLeads} version(s) of the data file with leads in 90 s`);
      await new Promise((r) => setTimeout(r, 5));
      const now = statSync(file);
      const version = `${now.ino}:${now.mtimeMs}:${now.size}`;
      if (versions.has(version)) continue;
      versions.add(version);
      if (now.size > emptySize + 10_000) withLeads++;
    }
    child.kill('SIGKILL');
    await exited(child);
    stop = true;
    await Promise.all(writers);
    expect(child.signalCode).toBe('SIGKILL');
    const state = readStateFile(file);
    const leads = state.instances[0].leads;
    expect(leads.size).toBeGreaterThan(0);
    expect(leads.size % 300).toBe(0);
    // Every stored lead is whole and indexed: ids are 1..n and emails unique.
    expect([...leads.keys()]).toEqual(Array.from({ length: leads.size }, (_, i) => i + 1));
    expect(state.instances[0].index.find('email', 'w0-0@x.com')).toEqual([1]);
  });
});
