// `npm run sim`: process wiring only (flags, port, signals); the one file that reads argv and env.
import { parseArgs } from 'node:util';
import { createSimulator, StoreError, type Simulator } from './index.js';
import { ConfigError, loadConfigFile, type ConfigFile } from './config.js';
import { DEFAULT_MUNCHKIN_ID, DefinitionError } from './runtime.js';
import { MUNCHKIN_ID_RE } from './domain/instance.js';
import { demoConfig, startDemo, type Demo } from './demo/index.js';

const HELP = `Marketo Engage emulator

Usage: npm run sim -- [options]

  --port N             port to listen on (default 8080; 0 = any free port)
  --host HOST          address to bind (default 127.0.0.1)
  --seed S             seed for ids, tokens, credentials and fake data (default 1)
  --leads N            seeded fake leads in the instance (default 100; ignored with --config)
  --munchkin-id ID     Munchkin ID of the instance (default ${DEFAULT_MUNCHKIN_ID}; ignored with --config)
  --client-id ID       client id of the instance's API service (default: derived from the seed)
  --client-secret S    client secret of that service (default: derived from the seed)
  --config FILE        JSON or YAML instance definitions (several instances, partitions, workspaces,
                       services, custom fields, blocked fields); see README.md
  --data FILE          keep every instance in this JSON file: loaded at start if it exists, written
                       atomically shortly after each change and on shutdown (default: memory only)
  --admin-token T      token the control plane (/__sim) requires when --host is not a loopback address
                       (default: $MARKETO_SIM_ADMIN_TOKEN, else a random token printed at start)
  --print-config json  print one line of JSON with every instance's endpoints and credentials
  --demo               demo mode: two partitions, blocked fields and a seeded AEP side; the Person Sync
                       connector streams profile changes live (watch it on the dashboard, /__sim/ui/)
  --help               show this text
`;

interface Flags {
  port: number;
  host: string;
  seed: number | string;
  leads: number;
  munchkinId: string;
  clientId?: string;
  clientSecret?: string;
  config?: ConfigFile;
  configFile?: string;
  printJson: boolean;
  dataFile?: string;
  adminToken?: string;
  demo: boolean;
}

class UsageError extends Error {}

function parseFlags(argv: string[]): Flags | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      leads: { type: 'string' },
      'munchkin-id': { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      config: { type: 'string' },
      'print-config': { type: 'string' },
      data: { type: 'string' },
      'admin-token': { type: 'string' },
      help: { type: 'boolean' },
      demo: { type: 'boolean' },
    },
  });
  if (values.help) return 'help';
  const int = (name: string, raw: string | undefined, fallback: number, min: number, max: number) => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got '${raw}'`);
    return n;
  };
  const munchkinId = values['munchkin-id'] ?? DEFAULT_MUNCHKIN_ID;
  if (!MUNCHKIN_ID_RE.test(munchkinId)) throw new UsageError(`--munchkin-id must look like 123-ABC-456, got '${munchkinId}'`);
  if (values['print-config'] !== undefined && values['print-config'] !== 'json') {
    throw new UsageError(`--print-config only knows 'json', got '${values['print-config']}'`);
  }
  if (values.demo && (values.config !== undefined || values.data !== undefined)) {
    throw new UsageError('--demo sets up its own instance; it does not combine with --config or --data');
  }
  const seedRaw = values.seed ?? '1';
  return {
    port: int('port', values.port, 8080, 0, 65535),
    host: values.host ?? '127.0.0.1',
    seed: /^-?\d+$/.test(seedRaw) ? Number(seedRaw) : seedRaw,
    leads: int('leads', values.leads, 100, 0, 10_000_000),
    munchkinId: munchkinId.toUpperCase(),
    clientId: values['client-id'],
    clientSecret: values['client-secret'],
    config: values.config ? loadConfigFile(values.config) : undefined,
    configFile: values.config,
    printJson: values['print-config'] === 'json',
    dataFile: values.data,
    adminToken: values['admin-token'] ?? process.env.MARKETO_SIM_ADMIN_TOKEN,
    demo: values.demo ?? false,
  };
}

async function main(): Promise<void> {
  let flags: Flags | 'help';
  try {
    flags = parseFlags(process.argv.slice(2));
  } catch (e) {
    const message = e instanceof ConfigError ? e.message : (e as Error).message;
    process.stderr.write(`${message}\n\nRun 'npm run sim -- --help' for the options.\n`);
    process.exit(2);
  }
  if (flags === 'help') {
    process.stdout.write(HELP);
    return;
  }
  let sim: Simulator;
  try {
    sim = createSimulator({
      seed: flags.seed,
      munchkinId: flags.munchkinId,
      leads: flags.leads,
      clientId: flags.clientId,
      clientSecret: flags.clientSecret,
      config: flags.demo ? demoConfig(flags.seed) : flags.config,
      dataFile: flags.dataFile,
      adminToken: flags.adminToken,
    });
  } catch (e) {
    if (e instanceof DefinitionError) {
      process.stderr.write(`${flags.configFile ?? 'instance definition'}: invalid configuration\n  ${e.message}\n`);
      process.exit(2);
    }
    if (!(e instanceof StoreError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  // Stopping works from here on: a signal sent as soon as the endpoints are printed (or before) stops cleanly.
  let demo: Demo | undefined;
  let stopping = false;
  const stop = (why: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${why}, stopping\n`);
    Promise.resolve(demo?.stop()).then(() => sim.close()).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(`${signal} received`));
  // `npm run sim` runs us under npm's shell, which dies of a SIGTERM sent to npm without passing it on: we would be
  // left running, reparented. That shell outlives us otherwise, so a new parent means npm was stopped.
  if (process.env.npm_lifecycle_event !== undefined) {
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) stop(`parent process ${parent} exited`);
    }, PARENT_CHECK_MS).unref();
  }
  // A new data file exists (with the seeded state) before the first call is served.
  await sim.store?.flush();
  let base: string;
  try {
    base = await sim.listen(flags.port, flags.host);
  } catch (e) {
    process.stderr.write(`cannot listen on ${flags.host}:${flags.port}: ${(e as Error).message}\n`);
    process.exit(1);
  }
  const instances = [...sim.runtime.instances.values()].map((state, i) => ({
    munchkinId: state.munchkinId,
    name: state.settings.name,
    restEndpoint: `${base}/${state.munchkinId}/rest`,
    identityEndpoint: `${base}/${state.munchkinId}/identity`,
    ...(i === 0 ? { rootRestEndpoint: `${base}/rest`, rootIdentityEndpoint: `${base}/identity` } : {}),
    leads: state.leads.size,
    services: state.services.map((s) => ({ name: s.name, clientId: s.clientId, clientSecret: s.clientSecret, inputSource: s.inputSource })),
  }));
  const loopback = /^(127\.|localhost$|::1$)/.test(flags.host);
  const persistence = sim.store ? { dataFile: sim.store.file, loaded: sim.store.getStats().loaded } : undefined;
  const dashboard = `${base}/__sim/ui/${loopback ? '' : `?admin_token=${encodeURIComponent(sim.adminToken)}`}`;
  if (flags.printJson) {
    process.stdout.write(
      `${JSON.stringify({ url: base, controlPlane: `${base}/__sim`, dashboard, ...(loopback ? {} : { adminToken: sim.adminToken }), ...persistence, instances })}\n`,
    );
  } else {
    const lines = [`Marketo Engage emulator listening on ${base} (seed ${String(flags.seed)})`, ''];
    for (const inst of instances) {
      lines.push(`Instance ${inst.munchkinId} (${inst.leads} leads)`);
      lines.push(`  REST endpoint:     ${inst.restEndpoint}`);
      lines.push(`  Identity endpoint: ${inst.identityEndpoint}`);
      if (inst.rootRestEndpoint) lines.push(`  (also at ${inst.rootRestEndpoint} and ${inst.rootIdentityEndpoint})`);
      for (const s of inst.services) {
        lines.push(`  Service "${s.name}" (input source: ${s.inputSource})`);
        lines.push(`    MARKETO_CLIENT_ID=${s.clientId}`);
        lines.push(`    MARKETO_CLIENT_SECRET=${s.clientSecret}`);
      }
      lines.push('');
    }
    if (persistence) lines.push(`Data file: ${persistence.dataFile} (${persistence.loaded ? 'loaded' : 'created'})`);
    if (!loopback) lines.push(`Control plane admin token (send as 'Authorization: Bearer <token>'): ${sim.adminToken}`);
    lines.push(`Dashboard: ${dashboard}${flags.demo ? '   (demo mode: watch the Person Sync connector work)' : ''}`);
    lines.push(`Control plane: ${base}/__sim   Stop with Ctrl+C.`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  if (flags.demo) {
    const say = (line: string) => (flags.printJson ? process.stderr : process.stdout).write(`${line}\n`);
    try {
      demo = await startDemo(sim, { seed: flags.seed, log: say });
    } catch (e) {
      process.stderr.write(`the demo could not start: ${(e as Error).message}\n`);
      await sim.close();
      process.exit(1);
    }
  }
}

const PARENT_CHECK_MS = 500;

void main();
