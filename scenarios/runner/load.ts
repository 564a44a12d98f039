// Finds scenario files, parses their YAML and validates each scenario; every problem names the file, line and field.
import { readFileSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import fg from 'fast-glob';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { scenarioSchema, STEP_KEYS, suiteSchema, type Scenario } from './schema.js';
import { checkReferences } from './references.js';

/** One scenario ready to run, with where it came from. */
export interface LoadedScenario {
  /** Path relative to the working directory, with forward slashes. */
  file: string;
  /** Position within the file (0 for a single-scenario file). */
  index: number;
  suite?: string;
  line: number;
  scenario: Scenario;
  /** Lines of the keys under `given`, `destination`, `when`, `then` (`then.leads[1].values` -> 32): failures name their line. */
  lines?: Record<string, number>;
}

/** A file or scenario that could not be loaded: it is reported as an error and the others still run. */
export interface LoadError {
  file: string;
  line: number;
  column: number;
  /** The key path at fault, e.g. `when[2].advanceClock` (empty for a file-level problem). */
  field: string;
  message: string;
  /** The scenario's name when the problem is inside a suite's scenario that has one. */
  scenario?: string;
}

export interface LoadResult {
  scenarios: LoadedScenario[];
  errors: LoadError[];
}

export const DEFAULT_PATTERNS = ['scenarios/**/*.{yaml,yml}'];

/** Expands files, directories and globs into a sorted list of YAML files; a path that matches nothing is an error. */
export async function findScenarioFiles(patterns: string[], cwd = process.cwd()): Promise<{ files: string[]; unmatched: string[] }> {
  const files = new Set<string>();
  const unmatched: string[] = [];
  for (const pattern of patterns.length > 0 ? patterns : DEFAULT_PATTERNS) {
    const stat = statSync(resolve(cwd, pattern), { throwIfNoEntry: false });
    let found: string[];
    if (stat?.isFile()) found = [resolve(cwd, pattern)];
    else {
      const glob = stat?.isDirectory() ? `${fg.convertPathToPattern(pattern.replace(/[\\/]+$/, ''))}/**/*.{yaml,yml}` : pattern;
      found = await fg(glob, { cwd, onlyFiles: true, absolute: true, ignore: ['**/node_modules/**'] });
    }
    const yaml = found.filter((f) => /\.ya?ml$/.test(f));
    if (yaml.length === 0) unmatched.push(pattern);
    for (const f of yaml) files.add(f);
  }
  return { files: [...files].sort(), unmatched };
}

/** Loads every file; a malformed file or scenario yields errors and never stops the others. */
export function loadScenarioFiles(files: string[], cwd = process.cwd()): LoadResult {
  const result: LoadResult = { scenarios: [], errors: [] };
  for (const file of files) {
    const one = loadScenarioFile(file, cwd);
    result.scenarios.push(...one.scenarios);
    result.errors.push(...one.errors);
  }
  return result;
}

export function loadScenarioFile(file: string, cwd = process.cwd()): LoadResult {
  const shown = relative(cwd, resolve(cwd, file)).split('\\').join('/');
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch (e) {
    return { scenarios: [], errors: [{ file: shown, line: 0, column: 0, field: '', message: `cannot read the file: ${(e as Error).message}` }] };
  }
  return loadScenarioText(text, shown);
}

/** Parses and validates one file's text (exported for tests and editors). */
export function loadScenarioText(text: string, file: string): LoadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, merge: true, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      scenarios: [],
      errors: doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return { file, line: pos.line, column: pos.col, field: '', message: `not valid YAML: ${e.message.split('\n')[0]}` };
      }),
    };
  }
  const data: unknown = doc.toJS({ maxAliasCount: 1000 });
  const locate = (path: readonly PropertyKey[], extraKey?: string) => locatePath(doc, lineCounter, path, extraKey);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { scenarios: [], errors: [{ file, line: 1, column: 1, field: '', message: 'a scenario file holds a mapping: a scenario (name, given, when, then) or a suite (suite, scenarios)' }] };
  }
  const errors: LoadError[] = [];
  const scenarios: LoadedScenario[] = [];
  const record = data as Record<string, unknown>;

  if ('suite' in record || 'scenarios' in record) {
    const { scenarios: items, ...header } = record;
    const headerCheck = suiteSchema.omit({ scenarios: true }).safeParse(header);
    if (!headerCheck.success) errors.push(...issuesToErrors(headerCheck.error, file, [], locate));
    if (!Array.isArray(items) || items.length === 0) {
      errors.push({ file, ...locate(['scenarios']), field: 'scenarios', message: 'a suite needs a non-empty `scenarios` list' });
      return { scenarios, errors };
    }
    if (!headerCheck.success) return { scenarios, errors };
    const seen = new Set<string>();
    items.forEach((item, index) => {
      const parsed = scenarioSchema.safeParse(item);
      const name = typeof (item as { name?: unknown })?.name === 'string' ? (item as { name: string }).name : undefined;
      if (name !== undefined && seen.has(name)) {
        errors.push({ file, ...locate(['scenarios', index, 'name']), field: `scenarios[${index}].name`, message: `the name '${name}' is used twice in this suite`, scenario: name });
        return;
      }
      if (name !== undefined) seen.add(name);
      if (!parsed.success) {
        errors.push(...issuesToErrors(parsed.error, file, ['scenarios', index], locate, name));
        return;
      }
      const scenario = { ...parsed.data, tags: [...new Set([...(headerCheck.data.tags ?? []), ...(parsed.data.tags ?? [])])] };
      const refErrors = checkReferences(scenario).map((r) => ({ file, ...locate(['scenarios', index, ...r.path]), field: formatPath(['scenarios', index, ...r.path]), message: r.message, scenario: name }));
      if (refErrors.length > 0) errors.push(...refErrors);
      else scenarios.push({ file, index, suite: headerCheck.data.suite, line: locate(['scenarios', index]).line, scenario, lines: stepAndExpectationLines(doc, lineCounter, ['scenarios', index]) });
    });
  } else {
    const parsed = scenarioSchema.safeParse(record);
    if (!parsed.success) return { scenarios, errors: issuesToErrors(parsed.error, file, [], locate) };
    const refErrors = checkReferences(parsed.data).map((r) => ({ file, ...locate(r.path), field: formatPath(r.path), message: r.message }));
    if (refErrors.length > 0) return { scenarios, errors: refErrors };
    scenarios.push({ file, index: 0, line: 1, scenario: parsed.data, lines: stepAndExpectationLines(doc, lineCounter, []) });
  }
  return { scenarios, errors };
}

type Locate = (path: readonly PropertyKey[], extraKey?: string) => { line: number; column: number };

function issuesToErrors(error: z.ZodError, file: string, prefix: PropertyKey[], locate: Locate, scenario?: string): LoadError[] {
  // A step whose only key is a typo: the unknown key (with the keys it could be) says it all, not also "needs one of".
  const unknownAt = new Set(error.issues.filter((i) => i.code === 'unrecognized_keys').map((i) => formatPath(i.path)));
  const issues = error.issues.filter((i) => !(i.code === 'custom' && i.message.startsWith('a step needs one of') && unknownAt.has(formatPath(i.path))));
  return issues.map((issue) => {
    const path = [...prefix, ...issue.path];
    const unknownKey = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
    const where = locate(path, unknownKey);
    const field = formatPath(unknownKey ? [...path, unknownKey] : path);
    return { file, ...where, field, message: explain(issue), ...(scenario ? { scenario } : {}) };
  });
}

/** zod's messages, made specific where they are vague for a YAML author. */
function explain(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys': {
      const keys = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
      const inStep = typeof issue.path.at(-1) === 'number' && ['when', 'parallel'].includes(String(issue.path.at(-2)));
      return inStep ? `${keys}; a step is one of: ${STEP_KEYS.join(', ')}` : keys;
    }
    case 'invalid_type':
      return issue.message.includes('received undefined') ? `missing (expected ${issue.expected})` : issue.message.replace('Invalid input: ', '');
    case 'invalid_value':
      return `must be one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union': {
      const first = issue.errors.flat()[0];
      return first ? `${first.message.replace('Invalid input: ', '')} (or another accepted form)` : issue.message;
    }
    default:
      return issue.message;
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');
}

/** The line of every key path under the scenario's sections (a few levels deep), keyed like failures' `at`. */
function stepAndExpectationLines(doc: Document, lines: LineCounter, scenarioPath: readonly PropertyKey[]): Record<string, number> {
  const out: Record<string, number> = {};
  const visit = (node: unknown, path: PropertyKey[], line: number, depth: number) => {
    out[formatPath(path)] = line;
    if (depth === 0) return;
    if (isSeq(node)) {
      node.items.forEach((item, i) => visit(item, [...path, i], lines.linePos((item as Node).range?.[0] ?? 0).line, depth - 1));
    } else if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (typeof key !== 'string') continue;
        visit(pair.value, [...path, key], lines.linePos((pair.key as Node).range?.[0] ?? 0).line, depth - 1);
      }
    }
  };
  const scenario = doc.getIn(scenarioPath, true);
  if (!isMap(scenario)) return out;
  for (const section of ['given', 'destination', 'when', 'then']) {
    const pair = scenario.items.find((p) => isScalar(p.key) && p.key.value === section);
    if (pair) visit(pair.value, [section], lines.linePos((pair.key as Node).range?.[0] ?? 0).line, 6);
  }
  return out;
}

/** The line and column of the deepest node on `path` that exists (the key itself for an unknown key). */
function locatePath(doc: Document, lines: LineCounter, path: readonly PropertyKey[], extraKey?: string): { line: number; column: number } {
  let node: Node | null = (doc.contents as Node | null) ?? null;
  let offset = node?.range?.[0] ?? 0;
  const keys = extraKey === undefined ? path : [...path, extraKey];
  for (let i = 0; i < keys.length && node; i++) {
    const key = keys[i];
    if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key] as Node | undefined;
      if (!item) break;
      node = item;
      offset = item.range?.[0] ?? offset;
    } else if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
      if (!pair) break;
      const isLast = i === keys.length - 1 && extraKey !== undefined;
      const keyNode = pair.key as Node | null;
      if (isLast || !pair.value) {
        offset = keyNode?.range?.[0] ?? offset;
        break;
      }
      node = pair.value as Node;
      // Point at the key line for collections (their range starts at the first item), at the value for scalars.
      offset = isScalar(node) ? (node.range?.[0] ?? offset) : (keyNode?.range?.[0] ?? offset);
    } else {
      break;
    }
  }
  const pos = lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}
