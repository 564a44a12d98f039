// The scenarios CLI's flags: parsed and checked here (a bad flag is a UsageError naming it), with the help text.
import { parseArgs } from 'node:util';
import { REPORTERS, type ReporterName } from './reporters/names.js';

export const HELP = `Scenario suites: plays YAML end-to-end cases against in-process Marketo emulators and the Person Sync connector.

Usage: npm run scenarios -- [paths or globs...] [options]

  paths or globs       scenario files, directories or globs (default: every .yaml/.yml under scenarios/)
  --tag T              only scenarios tagged T (repeat for any of several tags)
  --grep TEXT          only scenarios whose name, suite or file contains TEXT (case-insensitive; repeatable)
  --reporter R         console (default), json or junit
  --out FILE           write the report to FILE (the console summary still goes to stdout)
  --jobs N             threads running scenarios (default: 1 plus a worker per 64 scenarios, at most one per core)
  --timeout SECONDS    wall-clock limit per scenario (default 30)
  --verbose            console: list every scenario's steps with wall and virtual timings
  --list               list the selected scenarios without running them
  --write-schema       regenerate scenarios/scenario.schema.json from the zod schema, then exit
  --no-color           plain console output
  --help               show this text

Exit code: 0 when every selected scenario passed; 1 when one failed, errored or a file could not be loaded,
or nothing was selected; 2 for bad usage.
`;

export class UsageError extends Error {}

export interface CliFlags {
  paths: string[];
  tags: string[];
  grep: string[];
  reporter: ReporterName;
  out: string | undefined;
  jobs: number | undefined;
  timeoutMs: number | undefined;
  verbose: boolean;
  list: boolean;
  writeSchema: boolean;
  color: boolean;
  help: boolean;
}

/** Parses argv (without node and the script); throws UsageError for unknown flags and bad values. */
export function parseCliArgs(argv: string[], stdoutIsTty = false, env: NodeJS.ProcessEnv = {}): CliFlags {
  let parsed: ReturnType<typeof parseFlags>;
  try {
    parsed = parseFlags(argv);
  } catch (e) {
    // node:util's own messages name the flag (`Unknown option '--colour'`).
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
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
    color: !values['no-color'] && stdoutIsTty && !env.NO_COLOR,
    help: values.help ?? false,
  };
}

function parseFlags(argv: string[]) {
  return parseArgs({
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
}
