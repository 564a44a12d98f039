// `npm run sync`: pushes a profiles file through the Person Sync connector to a Marketo base URL (the emulator by default).
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import cliProgress from 'cli-progress';
import { parseDestinationConfig, readDestinationFile } from './config.js';
import { createPersonSync, PreflightError, type PersonSyncDeps } from './index.js';
import { readProfilesFile } from './cli/profiles-file.js';
import { formatSummary } from './cli/summary.js';

export const USAGE = `npm run sync -- --config destination.yaml --profiles profiles.ndjson|profiles.csv [options]

  --config FILE      destination configuration (YAML or JSON): name, munchkinId, clientId, clientSecret, aep,
                     partition, dedupFields, mapping, ... (see README "Person Sync connector")
  --profiles FILE    .ndjson/.jsonl (one DSDK export, profile {identityMap, attributes} or {email, attributes} per
                     line) or .csv (an 'email' column, other columns named by mapped XDM paths)
  --base URL         Marketo base URL when the config has no endpoint/identity (default http://127.0.0.1:8080,
                     the emulator; https://<munchkin>.mktorest.com for a real instance)
  --results FILE     write every outcome as NDJSON
  --no-progress      no progress bar
  --help             show this text

Exit code: 0 when every profile was created, updated, skipped or rejected; 1 when any failed or could not be read;
2 for a bad configuration, file or preflight.`;

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  deps?: PersonSyncDeps;
  /** Wall clock for the elapsed time in the summary. */
  now?: () => number;
}

const DEFAULT_BASE = 'http://127.0.0.1:8080';

/** Fills endpoint, identity and ingestionEndpoint from --base when the configuration leaves them out. */
export function withBase(raw: Record<string, unknown>, base: string): Record<string, unknown> {
  const trimmed = base.replace(/\/+$/, '');
  const real = /\.mktorest\.com$/i.test(new URL(trimmed).hostname);
  const munchkin = typeof raw.munchkinId === 'string' ? raw.munchkinId.trim().toUpperCase() : '';
  const prefix = real ? trimmed : `${trimmed}/${munchkin}`;
  return {
    ...raw,
    endpoint: raw.endpoint ?? `${prefix}/rest`,
    identity: raw.identity ?? `${prefix}/identity`,
    ...(real ? {} : { ingestionEndpoint: raw.ingestionEndpoint ?? trimmed }),
  };
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let args: ReturnType<typeof parse>;
  const parse = (a: string[]) =>
    parseArgs({
      args: a,
      options: {
        config: { type: 'string' },
        profiles: { type: 'string' },
        base: { type: 'string' },
        results: { type: 'string' },
        'no-progress': { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
    });
  try {
    args = parse(argv);
  } catch (e) {
    io.stderr.write(`${(e as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const opts = args.values;
  if (opts.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!opts.config || !opts.profiles) {
    io.stderr.write(`both --config and --profiles are required\n\n${USAGE}\n`);
    return 2;
  }

  let config;
  try {
    const raw = readDestinationFile(opts.config);
    const withEndpoints = typeof raw === 'object' && raw !== null ? withBase(raw as Record<string, unknown>, opts.base ?? DEFAULT_BASE) : raw;
    config = parseDestinationConfig(withEndpoints);
  } catch (e) {
    io.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }

  let file;
  try {
    file = readProfilesFile(opts.profiles, config);
  } catch (e) {
    io.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  for (const warning of file.warnings) io.stderr.write(`warning: ${warning}\n`);

  const now = io.now ?? (() => Date.now());
  const started = now();
  const sync = createPersonSync(config, io.deps);
  io.stderr.write(`Person Sync "${config.name}" -> ${config.endpoint} (partition '${config.partition}', dedup on ${config.dedupFields.join(' + ')})\n`);
  // Preflight retries (an unreachable host) and quota pauses would otherwise be silent waits.
  const offRetry = sync.on('retry', (e) => io.stderr.write(`retrying ${e.operation} after ${e.code} in ${(e.delayMs / 1000).toFixed(1)} s (attempt ${e.attempt})\n`));
  sync.on('paused', (e) => io.stderr.write(`paused: ${e.code} (daily quota); calls resume at ${new Date(e.until).toISOString()}\n`));
  try {
    const report = await sync.connect();
    for (const p of report.problems) io.stderr.write(`warning: [${p.check}] ${p.message}\n`);
  } catch (e) {
    if (e instanceof PreflightError) {
      const ordered = [...e.report.problems].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
      io.stderr.write(`preflight failed:\n${ordered.map((p) => `  ${p.severity}: [${p.check}] ${p.message}`).join('\n')}\n`);
    } else io.stderr.write(`cannot connect: ${(e as Error).message}\n`);
    return 2;
  } finally {
    offRetry();
  }

  const showBar = !opts['no-progress'] && io.stderr.isTTY === true;
  const bar = showBar
    ? new cliProgress.SingleBar(
        { stream: io.stderr as NodeJS.WritableStream, format: 'sync [{bar}] {percentage}% | {value}/{total} profiles | created {created} updated {updated} skipped {skipped} rejected {rejected} failed {failed}', hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : null;
  const counts = () => {
    const c = sync.counters();
    return { created: c.created, updated: c.updated, skipped: c.skipped, rejected: c.rejected, failed: c.failed };
  };
  bar?.start(file.entries.length, 0, counts());
  sync.on('outcome', () => bar?.update(sync.counters().received - sync.counters().pending, counts()));

  const origin = new Map<string, string>();
  for (const entry of file.entries) origin.set(sync.push(entry.message).id, entry.where);
  await sync.drain();
  bar?.stop();
  await sync.close();

  const results = [...sync.results.values()].sort((a, b) => Number(a.id.slice(4)) - Number(b.id.slice(4)));
  if (opts.results) writeFileSync(opts.results, results.map((r) => JSON.stringify({ where: origin.get(r.id), ...r })).join('\n') + (results.length ? '\n' : ''));
  const counters = sync.counters();
  io.stdout.write(formatSummary({ counters, results, unreadable: file.unreadable, origin, elapsedMs: now() - started }));
  return counters.failed > 0 || file.unreadable.length > 0 ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
