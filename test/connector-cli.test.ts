import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { main, withBase } from '../connector/cli.js';
import { seededRandom } from '../connector/clock.js';
import { connectorSim, MUNCHKIN, ORG, type ConnectorSim } from './support/connector.js';

let t: ConnectorSim | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const dir = mkdtempSync(join(tmpdir(), 'connector-cli-'));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

let destinations = 0;
function destination(sim: ConnectorSim, overrides: Record<string, unknown> = {}): string {
  return write(
    `destination-${++destinations}.yaml`,
    stringify({
      name: 'CLI test',
      munchkinId: MUNCHKIN,
      clientId: sim.clientId,
      clientSecret: sim.clientSecret,
      aep: { imsOrgId: ORG, permissions: ['View Destinations', 'Manage Destinations'] },
      mapping: [
        { source: 'person.name.firstName', xdmType: 'string', target: 'firstName' },
        { source: 'person.employees', xdmType: 'integer', target: 'numberOfEmployees' },
        { source: 'person.partner', xdmType: 'boolean', target: 'mktoIsPartner' },
      ],
      ...overrides,
    }),
  );
}

async function run(sim: ConnectorSim, argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    deps: { clock: sim.clock, random: seededRandom(1) },
    now: () => sim.clock.now(),
  });
  return { code, stdout, stderr };
}

describe('npm run sync', () => {
  it('reads NDJSON exports, profiles and shorthand lines, prints a summary table, and fails on an unreadable line', async () => {
    t = await connectorSim();
    t.sim.control.insertLeads(MUNCHKIN, { leads: [{ email: 'ann@example.com', firstName: 'Old' }] });
    const profiles = write(
      'profiles.ndjson',
      [
        JSON.stringify({ segmentMembership: {}, identityMap: { email: [{ id: 'ann@example.com' }] }, attributes: { 'person.name.firstName': { value: 'Ann' } } }),
        JSON.stringify({ identityMap: { email: [{ id: 'bob@example.com' }] }, attributes: { person: { name: { firstName: 'Bob' }, employees: 12 } } }),
        JSON.stringify({ email: 'cy@example.com', attributes: { 'person.partner': true } }),
        '{not json',
        JSON.stringify({ identityMap: { ecid: [{ id: '1' }] } }),
        '',
      ].join('\n'),
    );
    const results = join(dir, 'results.ndjson');
    const out = await run(t, ['--config', destination(t), '--profiles', profiles, '--base', t.base, '--results', results]);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain(['outcome     profiles', 'created            2', 'updated            1', 'skipped            0', 'rejected           1', 'failed             0', 'unreadable         1', 'total              5'].join('\n'));
    expect(out.stdout).toContain('rejected  NO_EMAIL_IDENTITY      1  no Email identity in identityMap; Person Sync matches profiles by their Email identity');
    expect(out.stdout).toMatch(/unreadable entries:\n {2}profiles\.ndjson:4 {2}not valid JSON/);
    expect(out.stderr).toContain(`Person Sync "CLI test" -> ${t.base}/${MUNCHKIN}/rest (partition 'Default', dedup on email)`);
    expect(t.sim.control.listLeads(MUNCHKIN).leads.map((l) => [l.email, l.firstName ?? null, l.numberOfEmployees ?? null, l.mktoIsPartner ?? null])).toEqual([
      ['ann@example.com', 'Ann', null, null],
      ['bob@example.com', 'Bob', 12, null],
      ['cy@example.com', null, null, true],
    ]);
    const lines = readFileSync(results, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { where: string; id: string; status: string });
    expect(lines.map((l) => [l.where, l.id, l.status])).toEqual([
      ['profiles.ndjson:1', 'exp-1', 'updated'],
      ['profiles.ndjson:2', 'exp-2', 'created'],
      ['profiles.ndjson:3', 'exp-3', 'created'],
      ['profiles.ndjson:5', 'exp-4', 'rejected'],
    ]);
  });

  it('reads CSV with typed columns, warns about unmapped columns, and exits 0 when nothing failed', async () => {
    t = await connectorSim();
    const profiles = write('profiles.csv', 'email,person.name.firstName,person.employees,person.partner,Notes\ndee@example.com,Dee,45,false,vip\neve@example.com,Eve,,TRUE,\n');
    const out = await run(t, ['--config', destination(t), '--profiles', profiles, '--base', t.base]);
    expect(out.code).toBe(0);
    expect(out.stderr).toContain('warning: profiles.csv: column(s) Notes are the source of no mapping; their values are not sent');
    expect(t.sim.control.listLeads(MUNCHKIN).leads.map((l) => [l.email, l.firstName, l.numberOfEmployees ?? null, l.mktoIsPartner])).toEqual([
      ['dee@example.com', 'Dee', 45, false],
      ['eve@example.com', 'Eve', null, true],
    ]);
  });

  it('exits 2 when preflight fails, and 1 with the dead letters listed when writes fail after retries', async () => {
    t = await connectorSim();
    const profiles = write('fail.ndjson', `${JSON.stringify({ email: 'y@example.com' })}\n`);
    const config = destination(t, { matching: 'lookup', retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10 } });
    t.sim.control.faults.add({ match: { method: 'POST', path: '/rest/v1/leads.json' }, error: '611', times: 2 });
    const refused = await run(t, ['--config', config, '--profiles', profiles, '--base', t.base]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("preflight failed:\n  error: [partition] cannot probe partition 'Default': 611 System error");
    // Lookups fail on every attempt: the export fails and is listed.
    t.sim.control.faults.add({ match: { method: 'GET', path: '/rest/v1/leads.json' }, error: '611', times: null });
    const failed = await run(t, ['--config', config, '--profiles', profiles, '--base', t.base, '--no-progress']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('failed (dead letters):\n  fail.ndjson:1  y@example.com  611 System error');
    expect(failed.stdout).toContain('answers: 611: 2, ok: 3; retries: 1; tokens: 1');
  });

  it('exits 2 with the field named for a bad configuration, and prints usage for bad arguments', async () => {
    t = await connectorSim();
    const bad = await run(t, ['--config', destination(t, { munchkinId: 'nope', dedupFields: [] }), '--profiles', write('p.ndjson', '')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('munchkinId: munchkinId must look like 123-ABC-456 (Admin > Munchkin)');
    expect(bad.stderr).toContain('dedupFields: dedupFields needs at least one field (the first searchable field)');
    const broken = await run(t, ['--config', write('broken.yaml', 'name: [unclosed\n'), '--profiles', write('p.ndjson', '')]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/\(file\): .*broken\.yaml is not valid YAML or JSON: /);
    const missing = await run(t, ['--config', join(dir, 'none.yaml'), '--profiles', write('p.ndjson', '')]);
    expect(missing.stderr).toContain(`(file): cannot read ${join(dir, 'none.yaml')}: no such file`);
    const noProfiles = await run(t, ['--config', destination(t), '--profiles', join(dir, 'none.ndjson')]);
    expect(noProfiles.code).toBe(2);
    expect(noProfiles.stderr).toBe(`--profiles: cannot read ${join(dir, 'none.ndjson')}: no such file\n`);
    const wrongKind = await run(t, ['--config', destination(t), '--profiles', join(dir, 'profiles.txt')]);
    expect(wrongKind.stderr).toBe(`--profiles ${join(dir, 'profiles.txt')}: use a .ndjson, .jsonl or .csv file\n`);
    const usage = await run(t, ['--config', 'x.yaml']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('both --config and --profiles are required');
    const unknown = await run(t, ['--colour']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--colour'");
  });

  it('says which URL cannot be reached and why, showing each retry while it tries', async () => {
    t = await connectorSim();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const config = destination(t, { retry: { maxAttempts: 2 } });
    const out = await run(t, ['--config', config, '--profiles', write('unreachable.ndjson', `${JSON.stringify({ email: 'a@example.com' })}\n`), '--base', `http://127.0.0.1:${port}`]);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^retrying identity after network in \d\.\d s \(attempt 1\)$/m);
    expect(out.stderr).toContain(
      `error: [connection] cannot reach Identity at http://127.0.0.1:${port}/${MUNCHKIN}/identity: connection refused (nothing is listening there) (ECONNREFUSED); check endpoint and identity in the destination (the CLI's --base fills them in)`,
    );
  });

  it('fills endpoints from --base: emulator paths by Munchkin ID, or a real instance host', () => {
    expect(withBase({ munchkinId: '123-abc-456' }, 'http://127.0.0.1:8080/')).toEqual({
      munchkinId: '123-abc-456',
      endpoint: 'http://127.0.0.1:8080/123-ABC-456/rest',
      identity: 'http://127.0.0.1:8080/123-ABC-456/identity',
      ingestionEndpoint: 'http://127.0.0.1:8080',
    });
    expect(withBase({ munchkinId: '123-ABC-456' }, 'https://123-abc-456.mktorest.com')).toEqual({
      munchkinId: '123-ABC-456',
      endpoint: 'https://123-abc-456.mktorest.com/rest',
      identity: 'https://123-abc-456.mktorest.com/identity',
    });
    expect(withBase({ munchkinId: '123-ABC-456', endpoint: 'https://e/rest' }, 'http://127.0.0.1:8080').endpoint).toBe('https://e/rest');
  });

  it('runs as `tsx connector/cli.ts` against a listening emulator', async () => {
    t = await connectorSim();
    const profiles = write('spawn.ndjson', `${JSON.stringify({ email: 'spawn@example.com' })}\n`);
    // Asynchronously: the emulator answering the child lives in this process.
    const child = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'connector/cli.ts', '--config', destination(t), '--profiles', profiles, '--base', t.base], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(child.stdout).toContain('created            1');
    expect(child.stderr).toContain(`Person Sync "CLI test" -> ${t.base}/${MUNCHKIN}/rest`);
  });
});
