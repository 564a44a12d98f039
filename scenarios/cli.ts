// `npm run scenarios`: process wiring only (flags, output files, exit code); the work is in scenarios/runner/.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runSuite } from './runner/suite.js';
import { formatReport, REPORTERS, type ReporterName } from './runner/reporters/index.js';
import { runSucceeded } from './runner/report.js';
import { findScenarioFiles, loadScenarioFiles } from './runner/load.js';
import { selectScenarios } from './runner/suite.js';
import { writeJsonSchema } from './runner/json-schema.js';

const HELP = `Scenario suites: plays YAML end-to-end cases against in-process Marketo emulators and the Person Sync connector.

Usage: npm run scenarios -- [paths or globs...] [options]

  paths or globs       scenario files, directories or globs (default: every .yaml/.yml under scenarios/)
  --tag T              only scenarios tagged T (repeat for any of several tags)
  --grep TEXT          only scenarios whose name, suite or file contains TEXT (case-insensitive; repeatable)
  --reporter R         console (default), json or junit
  --out FILE           write the report to FILE (the console summary still goes to stdout)
  --jobs N             threads running scenarios (default: one per core, fewer for small runs; 1 = no workers)
  --timeout SECONDS    wall-clock limit per scenario (default 30)
  --verbose            console: list every scenario's steps with wall and virtual timings
  --list               list the selected scenarios without running them
  --write-schema       regenerate scenarios/scenario.schema.json from the zod schema, then exit
  --no-color           plain console output
  --help               show this text

Exit code: 0 when every selected scenario passed; 1 when one failed, errored or a file could not be loaded,
or nothing was selected; 2 for bad usage.
`;

class UsageError extends Error {}

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      tag: { type: 'string', multiple: true },
      grep: { type: 'string', multiple: true },
      reporter: { type: 'string' },
      out: { type: 'string' },
      jobs: { type: 'string' },
      timeout: { type: 'string' },
      verbose: { type: 'boolean' },
      list: { type: 'boolean' },
      'write-schema': { type: 'boolean' },
      'no-color': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  const reporter = (values.reporter ?? 'console') as ReporterName;
  if (!REPORTERS.includes(reporter)) throw new UsageError(`--reporter must be one of ${REPORTERS.join(', ')} (got '${values.reporter}')`);
  const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1)) throw new UsageError(`--jobs takes a whole number of at least 1 (got '${values.jobs}')`);
  const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeout !== undefined && !(timeout > 0)) throw new UsageError(`--timeout takes a positive number of seconds (got '${values.timeout}')`);
  return {
    paths: positionals,
    tags: values.tag ?? [],
    grep: values.grep ?? [],
    reporter,
    out: values.out,
    jobs,
    timeoutMs: timeout === undefined ? undefined : timeout * 1000,
    verbose: values.verbose ?? false,
    list: values.list ?? false,
    writeSchema: values['write-schema'] ?? false,
    color: !values['no-color'] && process.stdout.isTTY === true && !process.env.NO_COLOR,
    help: values.help ?? false,
  };
}

async function main(argv: string[]): Promise<number> {
  let flags: ReturnType<typeof parse>;
  try {
    flags = parse(argv);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (flags.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (flags.writeSchema) {
    process.stdout.write(`wrote ${writeJsonSchema()}\n`);
    return 0;
  }
  if (flags.list) {
    const { files, unmatched } = await findScenarioFiles(flags.paths);
    const loaded = loadScenarioFiles(files);
    for (const s of selectScenarios(loaded.scenarios, flags.tags, flags.grep)) {
      process.stdout.write(`${s.file}:${s.line}  ${s.scenario.name}${s.scenario.tags?.length ? `  [${s.scenario.tags.join(', ')}]` : ''}\n`);
    }
    for (const p of unmatched) process.stderr.write(`${p}: no scenario files match this path\n`);
    for (const e of loaded.errors) process.stderr.write(`${e.file}:${e.line}:${e.column}  ${e.field ? `${e.field}: ` : ''}${e.message}\n`);
    return unmatched.length + loaded.errors.length > 0 ? 1 : 0;
  }
  const streamConsole = flags.reporter === 'console' || flags.out !== undefined;
  const report = await runSuite({
    paths: flags.paths,
    tags: flags.tags,
    grep: flags.grep,
    jobs: flags.jobs,
    timeoutMs: flags.timeoutMs,
    // Progress as results arrive; the full console report (in file order) follows at the end.
    onResult: streamConsole && process.stderr.isTTY ? (r) => process.stderr.write(`${r.status === 'passed' ? '.' : r.status === 'failed' ? 'F' : 'E'}`) : undefined,
  });
  if (streamConsole && process.stderr.isTTY) process.stderr.write('\n');
  const text = formatReport(flags.reporter, report, { color: flags.color && flags.out === undefined, verbose: flags.verbose });
  if (flags.out !== undefined) {
    writeFileSync(flags.out, flags.reporter === 'console' ? formatReport('console', report, { verbose: flags.verbose }) : text);
    if (flags.reporter !== 'console') {
      process.stdout.write(formatReport('console', report, { color: flags.color, verbose: flags.verbose }));
    } else process.stdout.write(text);
    process.stdout.write(`report written to ${flags.out}\n`);
  } else {
    process.stdout.write(text);
  }
  return runSucceeded(report) ? 0 : 1;
}


process.exitCode = await main(process.argv.slice(2));
