// Audiences: Segmentation Service rules on profile attributes, and custom CSV uploads with header rules and expiry.
import { z } from 'zod';
import { getPath, type Profile, type XdmValue } from './profiles.js';

/** One condition on an XDM attribute path. */
export type Condition =
  | { attribute: string; equals: XdmValue }
  | { attribute: string; notEquals: XdmValue }
  | { attribute: string; in: XdmValue[] }
  | { attribute: string; exists: boolean }
  | { attribute: string; contains: string }
  | { attribute: string; gt: number | string }
  | { attribute: string; gte: number | string }
  | { attribute: string; lt: number | string }
  | { attribute: string; lte: number | string };

/** A rule: one condition, or all/any of nested rules. */
export type Rule = Condition | { all: Rule[] } | { any: Rule[] };

const value: z.ZodType<XdmValue> = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(value), z.record(z.string(), value)]));
const comparable = z.union([z.number(), z.string()]);
const attribute = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/, { error: 'attribute must be a dotted XDM path' });
export const ruleSchema: z.ZodType<Rule> = z.lazy(() =>
  z.union(
    [
      z.strictObject({ all: z.array(ruleSchema).min(1) }),
      z.strictObject({ any: z.array(ruleSchema).min(1) }),
      z.strictObject({ attribute, equals: value }),
      z.strictObject({ attribute, notEquals: value }),
      z.strictObject({ attribute, in: z.array(value) }),
      z.strictObject({ attribute, exists: z.boolean() }),
      z.strictObject({ attribute, contains: z.string() }),
      z.strictObject({ attribute, gt: comparable }),
      z.strictObject({ attribute, gte: comparable }),
      z.strictObject({ attribute, lt: comparable }),
      z.strictObject({ attribute, lte: comparable }),
    ],
    { error: 'a rule is {all:[...]}, {any:[...]} or {attribute, equals|notEquals|in|exists|contains|gt|gte|lt|lte}' },
  ),
);

/** Whether a profile satisfies a rule. Comparisons need both sides of the same type. */
export function evaluateRule(rule: Rule, profile: Profile): boolean {
  if ('all' in rule) return rule.all.every((r) => evaluateRule(r, profile));
  if ('any' in rule) return rule.any.some((r) => evaluateRule(r, profile));
  const actual = getPath(profile.attributes, rule.attribute);
  const same = (a: XdmValue | undefined, b: XdmValue) => JSON.stringify(a) === JSON.stringify(b);
  const ordered = (bound: number | string, test: (a: number | string, b: number | string) => boolean) =>
    (typeof actual === 'number' || typeof actual === 'string') && typeof actual === typeof bound && test(actual, bound);
  if ('equals' in rule) return same(actual, rule.equals);
  if ('notEquals' in rule) return actual !== undefined && !same(actual, rule.notEquals);
  if ('in' in rule) return rule.in.some((v) => same(actual, v));
  if ('exists' in rule) return (actual !== undefined && actual !== null) === rule.exists;
  if ('contains' in rule) return typeof actual === 'string' && actual.includes(rule.contains);
  if ('gt' in rule) return ordered(rule.gt, (a, b) => a > b);
  if ('gte' in rule) return ordered(rule.gte, (a, b) => a >= b);
  if ('lt' in rule) return ordered(rule.lt, (a, b) => a < b);
  return ordered(rule.lte, (a, b) => a <= b);
}

export interface RuleAudience {
  kind: 'rule';
  id: string;
  name: string;
  namespace: 'ups';
  rule: Rule;
}

export interface CsvAudience {
  kind: 'csv';
  id: string;
  name: string;
  namespace: 'CustomerAudienceUpload';
  /** The identity column and its namespace (e.g. `email`). */
  identityColumn: string;
  identityNamespace: string;
  /** Payload columns: stored with the upload, "not connected to the profile", never exported. */
  payloadColumns: string[];
  ttlDays: number;
  uploadedAt: number;
  expiresAt: number;
  /** Payload rows by profile id. */
  payload: Map<string, Record<string, string>>;
}

export type Audience = RuleAudience | CsvAudience;

export const MAX_CSV_COLUMNS = 25;
export const MAX_CSV_BYTES = 1024 ** 3;

/** A CSV upload that breaks the audience portal's rules; one message per problem. */
export class CsvAudienceError extends Error {
  constructor(readonly problems: string[]) {
    super(`CSV audience refused:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'CsvAudienceError';
  }
}

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF line ends. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (quoted) throw new CsvAudienceError(['the file ends inside a quoted field']);
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

export interface CsvUploadSpec {
  name: string;
  csv: string;
  /** The column holding the primary identity. */
  identityColumn: string;
  /** Its identity namespace; default `email`. */
  identityNamespace?: string;
  /** Data expiration, 1–90 days; default 30. */
  ttlDays?: number;
  /** Optional external audience id: starts with a letter, `_` or `$`. */
  externalId?: string;
}

export interface ParsedCsvUpload {
  header: string[];
  identityIndex: number;
  rows: string[][];
  ttlDays: number;
}

/** Checks an upload against the audience portal's rules and returns its rows. */
export function readCsvUpload(spec: CsvUploadSpec): ParsedCsvUpload {
  const problems: string[] = [];
  if (Buffer.byteLength(spec.csv) >= MAX_CSV_BYTES) problems.push('the file must be under 1 GB');
  const ttlDays = spec.ttlDays ?? 30;
  if (!Number.isInteger(ttlDays) || ttlDays < 1 || ttlDays > 90) problems.push(`ttlDays must be a whole number of days from 1 to 90 (got ${String(spec.ttlDays)})`);
  if (spec.externalId !== undefined && !/^[A-Za-z_$]/.test(spec.externalId)) {
    problems.push(`externalId '${spec.externalId}' must start with a letter, '_' or '$'`);
  }
  const rows = parseCsv(spec.csv);
  const header = rows.shift() ?? [];
  if (header.length === 0) problems.push('the file has no header row');
  if (header.length > MAX_CSV_COLUMNS) problems.push(`the file has ${header.length} columns; at most ${MAX_CSV_COLUMNS} are allowed`);
  header.forEach((name, i) => {
    if (name.trim() === '') problems.push(`header column ${i + 1} is empty`);
    else if (/[\s-]/.test(name)) problems.push(`header '${name}' contains a space or a dash; write it as ${name.replace(/[\s-]+/g, '_')} (FirstName or First_Name, not First Name or First-Name)`);
  });
  const duplicates = header.filter((h, i) => header.indexOf(h) !== i);
  if (duplicates.length > 0) problems.push(`duplicate header(s): ${[...new Set(duplicates)].join(', ')}`);
  const identityIndex = header.indexOf(spec.identityColumn);
  if (header.length > 0 && identityIndex < 0) problems.push(`identity column '${spec.identityColumn}' is not in the header (${header.join(', ')})`);
  rows.forEach((row, i) => {
    if (row.length !== header.length) problems.push(`row ${i + 2} has ${row.length} values for ${header.length} columns`);
    else if (identityIndex >= 0 && row[identityIndex].trim() === '') problems.push(`row ${i + 2} has no value in identity column '${spec.identityColumn}'`);
  });
  if (problems.length > 0) throw new CsvAudienceError(problems);
  return { header, identityIndex, rows, ttlDays };
}
