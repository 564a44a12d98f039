// `npm run scenarios`: process wiring only (flags, output files, exit code); the work is in scenarios/runner/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { HELP, parseCliArgs, UsageError, type CliFlags } from './runner/cli-args.js';

async function main(argv: string[]): Promise<number> {
  let flags: CliFlags;
  try {
    flags = parseCliArgs(argv, process.stdout.isTTY === true, process.env);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`${e.message}\n\n${HELP}`);
    return 2;
  }
  if (flags.help) {
    process.stdout.write(HELP);
    return 0;
  }
  // The runner (emulator, connector, reporters) loads only once the flags are known to be good.
  if (flags.writeSchema) {
    const { writeJsonSchema } = await import('./runner/json-schema.js');
    process.stdout.write(`wrote ${writeJsonSchema()}\n`);
    return 0;
  }
  if (flags.list) return list(flags);
  const { runSuite } = await import('./runner/suite.js');
  const { formatReport } = await import('./runner/reporters/index.js');
  const { runSucceeded } = await import('./runner/report.js');
  const progress = process.stderr.isTTY === true;
  const report = await runSuite({
    paths: flags.paths,
    tags: flags.tags,
    grep: flags.grep,
    jobs: flags.jobs,
    timeoutMs: flags.timeoutMs,
    // A dot per finished scenario on a terminal; the report (in file order) follows at the end.
    onResult: progress ? (r) => process.stderr.write(r.status === 'passed' ? '.' : r.status === 'failed' ? 'F' : 'E') : undefined,
  });
  if (progress) process.stderr.write('\n');
  const consoleText = formatReport('console', report, { color: flags.color, verbose: flags.verbose });
  if (flags.out !== undefined) {
    mkdirSync(dirname(flags.out), { recursive: true });
    writeFileSync(flags.out, formatReport(flags.reporter, report, { verbose: flags.verbose }));
    process.stdout.write(`${consoleText}report written to ${flags.out}\n`);
  } else {
    process.stdout.write(flags.reporter === 'console' ? consoleText : formatReport(flags.reporter, report));
  }
  return runSucceeded(report) ? 0 : 1;
}

async function list(flags: CliFlags): Promise<number> {
  const { findScenarioFiles, loadScenarioFiles } = await import('./runner/load.js');
  const { formatLoadError } = await import('./runner/report.js');
  const { selectScenarios } = await import('./runner/suite.js');
  const { files, unmatched } = await findScenarioFiles(flags.paths);
  const loaded = loadScenarioFiles(files);
  for (const s of selectScenarios(loaded.scenarios, flags.tags, flags.grep)) {
    process.stdout.write(`${s.file}:${s.line}  ${s.scenario.name}${s.scenario.tags?.length ? `  [${s.scenario.tags.join(', ')}]` : ''}\n`);
  }
  for (const p of unmatched) process.stderr.write(`${p}: no scenario files match this path\n`);
  for (const e of loaded.errors) process.stderr.write(`${formatLoadError(e)}\n`);
  return unmatched.length + loaded.errors.length > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
