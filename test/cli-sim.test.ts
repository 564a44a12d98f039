// CLI tests for `npm run sim` (simulator/main.ts): endpoints and credentials, --print-config json, --help, bad input, signals.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator } from '../simulator/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// What `npm run sim` runs (package.json), without npm: signals reach the emulator itself. One test goes through npm.
const SIM_COMMAND = [process.execPath, '--import', 'tsx', 'simulator/main.ts'];

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves once stdout satisfies the predicate (rejects if the process exits first). */
  waitFor(predicate: (stdout: string) => boolean): Promise<string>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();
afterEach(() => {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  running.clear();
});

function sim(args: string[], command = SIM_COMMAND): Run {
  const env = { ...process.env };
  delete env.MARKETO_SIM_ADMIN_TOKEN;
  delete env.npm_lifecycle_event;
  const child = spawn(command[0], [...command.slice(1), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env });
  running.add(child);
  let out = '';
  let err = '';
  const waiters: (() => void)[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString('utf8');
    for (const w of waiters) w();
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      resolve({ code, signal });
      for (const w of waiters) w();
    }),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exit,
    waitFor(predicate) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (predicate(out)) resolve(out);
          else if (child.exitCode !== null || child.signalCode !== null) reject(new Error(`exited (${child.exitCode}) before the expected output; stderr: ${err}`));
        };
        waiters.push(check);
        check();
      });
    },
  };
}

describe('npm run sim', () => {
  it('--print-config json prints one line of JSON with endpoints and credentials that work; SIGTERM stops it with exit 0', async () => {
    const run = sim(['--port', '0', '--print-config', 'json', '--leads', '3', '--seed', '7']);
    const line = (await run.waitFor((s) => s.includes('\n'))).split('\n')[0];
    const printed = JSON.parse(line);
    expect(printed.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const base = printed.url as string;
    expect(printed.controlPlane).toBe(`${base}/__sim`);
    expect(printed.adminToken).toBeUndefined();
    expect(printed.instances).toHaveLength(1);
    const [instance] = printed.instances;
    // The same seed gives the same credentials in-process.
    const twin = createSimulator({ seed: 7, leads: 0 }).runtime.firstInstance().services[0];
    expect(instance).toEqual({
      munchkinId: '123-ABC-456',
      name: '123-ABC-456',
      restEndpoint: `${base}/123-ABC-456/rest`,
      identityEndpoint: `${base}/123-ABC-456/identity`,
      rootRestEndpoint: `${base}/rest`,
      rootIdentityEndpoint: `${base}/identity`,
      leads: 3,
      services: [{ name: 'Default API service', clientId: twin.clientId, clientSecret: twin.clientSecret, inputSource: 'Web service API' }],
    });

    const [service] = instance.services;
    const identity = new URL(`${instance.identityEndpoint}/oauth/token`);
    identity.search = new URLSearchParams({ grant_type: 'client_credentials', client_id: service.clientId, client_secret: service.clientSecret }).toString();
    const token = (await (await fetch(identity)).json()) as { access_token: string; expires_in: number };
    expect(token.expires_in).toBe(3599);
    const leads = await fetch(`${instance.restEndpoint}/v1/leads.json?filterType=id&filterValues=1,2,3,4&fields=email`, {
      headers: { Authorization: `Bearer ${token.access_token}` },
    });
    const body = (await leads.json()) as { result: { id: number; email: string }[] };
    expect(body.result.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(body.result.every((r) => /@/.test(r.email))).toBe(true);

    run.child.kill('SIGTERM');
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(run.stdout()).toBe(`${line}\n`);
    expect(run.stderr()).toContain('SIGTERM received, stopping');
  });

  it('prints each instance\'s endpoints and credentials for people; SIGINT stops it with exit 0', async () => {
    const run = sim(['--port', '0', '--leads', '2', '--munchkin-id', '555-xyz-555', '--client-id', 'my-client', '--client-secret', 'my-secret']);
    const out = await run.waitFor((s) => s.includes('Stop with Ctrl+C.'));
    const base = /listening on (http:\/\/127\.0\.0\.1:\d+) \(seed 1\)/.exec(out)?.[1];
    expect(base).toBeDefined();
    expect(out).toContain('Instance 555-XYZ-555 (2 leads)');
    expect(out).toContain(`  REST endpoint:     ${base}/555-XYZ-555/rest`);
    expect(out).toContain(`  Identity endpoint: ${base}/555-XYZ-555/identity`);
    expect(out).toContain(`  (also at ${base}/rest and ${base}/identity)`);
    expect(out).toContain('  Service "Default API service" (input source: Web service API)');
    expect(out).toContain('    MARKETO_CLIENT_ID=my-client');
    expect(out).toContain('    MARKETO_CLIENT_SECRET=my-secret');
    expect(out).toContain(`Control plane: ${base}/__sim`);
    const token = await fetch(`${base}/identity/oauth/token?grant_type=client_credentials&client_id=my-client&client_secret=my-secret`);
    expect(token.status).toBe(200);
    run.child.kill('SIGINT');
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(run.stderr()).toContain('SIGINT received, stopping');
  });

  it('behind npm, stops cleanly when only npm gets SIGTERM (npm\'s shell dies without passing it on)', async () => {
    const run = sim(['run', '--silent', 'sim', '--', '--port', '0', '--print-config', 'json', '--leads', '0'], ['npm']);
    const printed = JSON.parse((await run.waitFor((s) => s.includes('\n'))).split('\n')[0]) as { url: string };
    expect((await fetch(`${printed.url}/rest/v1/leads/partitions.json`)).status).toBe(200);
    // Both pipes close only once every process holding them, the emulator included, has exited.
    const closed = Promise.all([new Promise((r) => run.child.stdout!.on('close', r)), new Promise((r) => run.child.stderr!.on('close', r))]);
    run.child.kill('SIGTERM');
    await closed;
    expect(run.stderr()).toMatch(/parent process \d+ exited, stopping/);
    await expect(fetch(`${printed.url}/rest/v1/leads/partitions.json`)).rejects.toThrow();
  });

  it('SIGHUP (its terminal closed) stops it cleanly too, with exit 0', async () => {
    const run = sim(['--port', '0', '--print-config', 'json', '--leads', '0']);
    await run.waitFor((s) => s.includes('\n'));
    run.child.kill('SIGHUP');
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(run.stderr()).toContain('SIGHUP received, stopping');
  });

  it('--help lists every flag main.ts accepts, and exits 0', async () => {
    const run = sim(['--help']);
    expect(await run.exit).toEqual({ code: 0, signal: null });
    const source = readFileSync(join(ROOT, 'simulator', 'main.ts'), 'utf8');
    const optionsBlock = /options:\s*\{([\s\S]*?)\n\s{4}\},/.exec(source)?.[1] ?? '';
    const flags = [...optionsBlock.matchAll(/^\s*'?([a-z][a-z-]*)'?\s*:\s*\{\s*type:/gm)].map((m) => m[1]);
    expect(flags).toEqual(expect.arrayContaining(['port', 'host', 'seed', 'leads', 'munchkin-id', 'client-id', 'client-secret', 'config', 'print-config', 'help']));
    for (const flag of flags) expect(run.stdout()).toMatch(new RegExp(`^\\s+--${flag}\\b`, 'm'));
    expect(run.stdout()).toContain('Usage: npm run sim -- [options]');
  });

  it('a bad --config file fails with exit 2 and a message naming each bad key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'));
    const file = join(dir, 'instances.yaml');
    writeFileSync(
      file,
      ['instances:', '  - munchkinId: 12-AB-3', '    colour: blue', '    services:', '      - name: Sync', '        permissions: [Read-Write Everything]', ''].join('\n'),
    );
    const run = sim(['--port', '0', '--config', file]);
    expect(await run.exit).toEqual({ code: 2, signal: null });
    const err = run.stderr();
    expect(err).toContain(`${file}: invalid configuration`);
    expect(err).toContain('instances[0].munchkinId: a Munchkin ID looks like 123-ABC-456 (3 digits, 3 letters, 3 digits)');
    expect(err).toMatch(/instances\[0\]: Unrecognized key:? "colour"/);
    expect(err).toMatch(/instances\[0\]\.services\[0\]\.permissions\[0\]: unknown permission; use one of: Read-Only Person, /);
    expect(err).toContain("Run 'npm run sim -- --help' for the options.");
    expect(run.stdout()).toBe('');
  });

  it('bad flags fail with exit 2 and say what is wrong', async () => {
    const port = sim(['--port', '99999']);
    const unknown = sim(['--nope']);
    expect(await port.exit).toEqual({ code: 2, signal: null });
    expect(port.stderr()).toContain("--port must be a whole number from 0 to 65535, got '99999'");
    expect(await unknown.exit).toEqual({ code: 2, signal: null });
    expect(unknown.stderr()).toContain("Unknown option '--nope'");
  });

  it('a port already in use fails with exit 1', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const run = sim(['--port', String(port)]);
      expect(await run.exit).toEqual({ code: 1, signal: null });
      expect(run.stderr()).toContain(`cannot listen on 127.0.0.1:${port}`);
    } finally {
      server.close();
    }
  });
});
