// XDM -> Marketo: the documented type compatibility table, checked against describe2, and value conversion per type.
import type { MappingEntry, XdmType } from './config.js';
import type { Describe2Field, FieldValue } from './marketo/types.js';
import type { KeptField } from './outcomes.js';

/**
 * The Person Sync page's table, in describe2 `dataType` vocabulary: Text Area reports `text`, Score reports `integer`
 * (`textarea` and `score` are accepted too, as some instances and the create API spell them).
 */
export const COMPATIBLE_MARKETO_TYPES: Record<XdmType, readonly string[]> = {
  string: ['string', 'text', 'textarea', 'url', 'phone', 'email'],
  enum: ['string'],
  date: ['date'],
  'date-time': ['datetime'],
  integer: ['integer', 'score'],
  short: ['integer', 'score'],
  long: ['float'],
  double: ['currency', 'float', 'percent'],
  boolean: ['boolean'],
};

/** Human names of the XDM types, as Adobe's table writes them. */
export const XDM_TYPE_NAMES: Record<XdmType, string> = {
  string: 'String',
  enum: 'Enum',
  date: 'Date',
  'date-time': 'Date-time',
  integer: 'Integer',
  short: 'Short',
  long: 'Long',
  double: 'Double',
  boolean: 'Boolean',
};

/** One problem with one mapping entry against the instance's describe2, or null when it is fine. */
export function checkMappingEntry(entry: MappingEntry, index: number, fields: ReadonlyMap<string, Describe2Field>): string | null {
  const where = `mapping[${index}] (${entry.source} -> ${entry.target})`;
  const field = fields.get(entry.target);
  if (!field) return `${where}: Marketo field '${entry.target}' does not exist in this instance (describe2)`;
  if (!field.updateable) return `${where}: Marketo field '${entry.target}' is not updateable (describe2 updateable=false), so it cannot be written`;
  const allowed = COMPATIBLE_MARKETO_TYPES[entry.xdmType];
  if (!allowed.includes(field.dataType.toLowerCase())) {
    return `${where}: XDM ${XDM_TYPE_NAMES[entry.xdmType]} cannot be written to Marketo '${entry.target}' of type ${field.dataType}; ${XDM_TYPE_NAMES[entry.xdmType]} maps to ${allowed.filter((t) => t !== 'textarea' && t !== 'score').join(', ')}`;
  }
  return null;
}

export type Converted = { ok: true; value: FieldValue; note?: string } | { ok: false; reason: string };

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
// RFC 3339 date-time with an offset; the `+0000` form some AEP payloads use is accepted and normalised.
const DATETIME_RE = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/i;
const LIMITS: Partial<Record<XdmType, number>> = { integer: 2 ** 31, short: 2 ** 15, long: Number.MAX_SAFE_INTEGER + 1 };

export interface ConvertOptions {
  /** Double -> Percent: Marketo stores "a percentage expressed as an integer". */
  percent: 'round' | 'reject';
}

/**
 * Converts one XDM value for a Marketo field of `marketoType`. `null` clears the field. A value of the wrong XDM type
 * is refused with a reason (the profile is then rejected, never silently trimmed).
 */
export function convertValue(entry: MappingEntry, marketoType: string, value: unknown, options: ConvertOptions): Converted {
  if (value === null) return { ok: true, value: null };
  const expected = XDM_TYPE_NAMES[entry.xdmType];
  const bad = (why: string): Converted => ({ ok: false, reason: `${entry.source}: ${why} (XDM ${expected} -> Marketo ${entry.target})` });
  const shown = typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
  switch (entry.xdmType) {
    case 'string':
    case 'enum':
      if (typeof value !== 'string') return bad(`expected a string, got ${shown}`);
      return { ok: true, value };
    case 'date': {
      const m = typeof value === 'string' ? DATE_RE.exec(value) : null;
      if (!m || !isCalendarDate(+m[1], +m[2], +m[3])) return bad(`expected a date YYYY-MM-DD, got ${shown}`);
      return { ok: true, value: m[0] };
    }
    case 'date-time': {
      const m = typeof value === 'string' ? DATETIME_RE.exec(value) : null;
      if (!m) return bad(`expected an ISO 8601 date-time with an offset (2019-05-15T20:20:39+00:00), got ${shown}`);
      const offset = m[4].toUpperCase() === 'Z' ? 'Z' : m[4].length === 5 ? `${m[4].slice(0, 3)}:${m[4].slice(3)}` : m[4];
      const normalised = `${m[1]}T${m[2]}${offset}`;
      if (Number.isNaN(Date.parse(normalised))) return bad(`not a valid date-time: ${shown}`);
      return { ok: true, value: normalised };
    }
    case 'integer':
    case 'short':
    case 'long': {
      const limit = LIMITS[entry.xdmType]!;
      if (typeof value !== 'number' || !Number.isInteger(value)) return bad(`expected a whole number, got ${shown}`);
      if (value >= limit || value < -limit) return bad(`${value} is outside the ${expected} range`);
      return { ok: true, value };
    }
    case 'double': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return bad(`expected a number, got ${shown}`);
      if (marketoType === 'percent' && !Number.isInteger(value)) {
        if (options.percent === 'reject') return bad(`${value} is not a whole percentage (Marketo Percent holds integers)`);
        const rounded = Math.sign(value) * Math.round(Math.abs(value));
        return { ok: true, value: rounded, note: `${entry.source}: ${value} rounded to ${rounded} for Percent field '${entry.target}'` };
      }
      return { ok: true, value };
    }
    case 'boolean':
      if (typeof value !== 'boolean') return bad(`expected true or false, got ${shown}`);
      return { ok: true, value };
  }
}

function isCalendarDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Whether a value Marketo returns equals what was sent, in Marketo's read-back forms (datetimes as UTC `Z`). */
export function sameMarketoValue(marketoType: string, sent: FieldValue, kept: FieldValue): boolean {
  const empty = (v: FieldValue) => v === null || v === '';
  if (empty(sent) || empty(kept)) return empty(sent) && empty(kept);
  if (marketoType === 'datetime') return Date.parse(String(sent)) === Date.parse(String(kept));
  if (typeof sent === 'number' || typeof kept === 'number') return Number(sent) === Number(kept);
  if (marketoType === 'email') return String(sent).trim().toLowerCase() === String(kept).trim().toLowerCase();
  return String(sent) === String(kept);
}

/** The fields of a written record whose value on the lead read back differs from what was sent (Block Field Updates). */
export function keptFields(record: Record<string, FieldValue>, lead: Record<string, FieldValue | undefined>, fields: ReadonlyMap<string, Describe2Field>): KeptField[] {
  const kept: KeptField[] = [];
  for (const [field, sent] of Object.entries(record)) {
    const value = lead[field] ?? null;
    if (!sameMarketoValue(fields.get(field)?.dataType ?? 'string', sent, value)) kept.push({ field, sent, kept: value });
  }
  return kept;
}
