// The lead field schema: standard fields from a real describe, custom fields, the searchable set, and value rules per type.
import recordedDescribe from '../seed/recorded/describe-real-2021.json' with { type: 'json' };
import { ERR, type MarketoReason } from '../http/errors.js';

/** Types as describe reports them; `score` and `textarea` are accepted on create and stored as integer and text. */
export type DataType =
  | 'string'
  | 'text'
  | 'email'
  | 'url'
  | 'phone'
  | 'integer'
  | 'float'
  | 'currency'
  | 'percent'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'reference'
  | 'lead_function';

export const CREATABLE_TYPES = [
  'boolean',
  'currency',
  'date',
  'datetime',
  'email',
  'float',
  'integer',
  'percent',
  'phone',
  'score',
  'string',
  'text',
  'textarea',
  'url',
] as const;
export type CreatableType = (typeof CREATABLE_TYPES)[number];

export type FieldValue = string | number | boolean | null;

export interface FieldDef {
  id: number;
  name: string;
  displayName: string;
  dataType: DataType;
  length?: number;
  description: string | null;
  /** describe's `rest.readOnly`: the REST API cannot write it. */
  readOnly: boolean;
  soapName?: string;
  soapReadOnly?: boolean;
  searchable: boolean;
  crmManaged: boolean;
  isCustom: boolean;
  isApiCreated: boolean;
  isHidden: boolean;
  isHtmlEncodingInEmail: boolean;
  isSensitive: boolean;
  /** Field Management "Block Field Updates": input sources whose writes may fill the field but not change it. */
  blockedSources: string[];
}

/** Standard fields that Marketo documents as searchable (SPEC getLeadsByFilterUsingGET), where the schema has them. */
const STANDARD_SEARCHABLE = new Set([
  'cookies',
  'email',
  'facebookId',
  'id',
  'leadPartitionId',
  'linkedInId',
  'sfdcAccountId',
  'sfdcContactId',
  'sfdcLeadId',
  'sfdcLeadOwnerId',
  'sfdcOpptyId',
  'twitterId',
]);

/** Custom fields of these types are searchable ("Any custom field (string, email, or integer types only)"). */
const SEARCHABLE_CUSTOM_TYPES = new Set<DataType>(['string', 'email', 'integer']);

/** Fields that exist but are written only through their own endpoints, never through Sync Leads. */
const NOT_SYNCABLE = new Set(['id', 'leadPartitionId']);

/** Ids of fields in the recorded instance that were that instance's own custom fields (see PROVENANCE.md). */
const RECORDED_CUSTOM_FROM_ID = 795;
const ECIDS_FIELD_ID = 830;

interface RecordedAttribute {
  id: number;
  displayName: string;
  dataType: string;
  length?: number;
  rest?: { name: string; readOnly: boolean };
  soap?: { name: string; readOnly: boolean };
}

/** The default schema: the 100 fields of the real 2021 describe, flagged the way describe2 and the fields API report them. */
export function standardFields(): FieldDef[] {
  const result = (recordedDescribe as { result: RecordedAttribute[] }).result;
  return result
    .filter((a) => a.rest)
    .map((a) => {
      const name = a.rest!.name;
      const dataType = a.dataType as DataType;
      const isCustom = a.id >= RECORDED_CUSTOM_FROM_ID && a.id !== ECIDS_FIELD_ID;
      const field: FieldDef = {
        id: a.id,
        name,
        displayName: a.displayName,
        dataType,
        description: null,
        readOnly: a.rest!.readOnly,
        searchable: isCustom ? SEARCHABLE_CUSTOM_TYPES.has(dataType) : STANDARD_SEARCHABLE.has(name),
        crmManaged: false,
        isCustom,
        isApiCreated: false,
        isHidden: false,
        // Documented Get Lead Fields answers: date and boolean fields do not HTML-encode; every standard field shown is sensitive.
        isHtmlEncodingInEmail: dataType !== 'date' && dataType !== 'boolean',
        isSensitive: !isCustom,
        blockedSources: [],
      };
      if (a.length !== undefined) field.length = a.length;
      if (a.soap) {
        field.soapName = a.soap.name;
        field.soapReadOnly = a.soap.readOnly;
      }
      return field;
    });
}

/** Whether Sync Leads may write the field (describe2 `updateable`). */
export function isUpdateable(field: FieldDef): boolean {
  return !field.readOnly && !NOT_SYNCABLE.has(field.name) && field.dataType !== 'lead_function';
}

export function isSearchableType(dataType: DataType): boolean {
  return SEARCHABLE_CUSTOM_TYPES.has(dataType);
}

/** Maps a creatable type name to the type describe reports (Score reports integer; Text Area reports text). */
export function describeTypeOf(type: CreatableType): DataType {
  if (type === 'score') return 'integer';
  if (type === 'textarea') return 'text';
  return type;
}

/** The index key of a value: emails compare case-insensitively after trimming; everything else exactly. */
export function keyOf(field: Pick<FieldDef, 'dataType'>, value: FieldValue | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (field.dataType === 'email') return String(value).trim().toLowerCase();
  return String(value);
}

export function isEmpty(value: FieldValue | undefined): boolean {
  return value === null || value === undefined || value === '';
}

export type Coerced = { ok: true; value: FieldValue } | { ok: false; reason: MarketoReason };

const TEXT_MAX_BYTES = 30_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_RE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;
const INT32 = 2 ** 31;

/** Checks and normalises one input value for a field. `null` and `""` clear the field (written as null). */
export function coerceValue(field: FieldDef, raw: unknown): Coerced {
  if (raw === null || raw === '') return { ok: true, value: null };
  const shown = typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
  const invalid = (type: string): Coerced => ({ ok: false, reason: ERR.INVALID_VALUE(shown, type) });
  switch (field.dataType) {
    case 'string':
    case 'text':
    case 'email':
    case 'url':
    case 'phone': {
      if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') return invalid(field.dataType);
      // Emails are stored trimmed, as they are matched (keyOf), so a lead never reads back with the spaces it was sent.
      const value = field.dataType === 'email' ? String(raw).trim() : String(raw);
      if (value === '') return { ok: true, value: null };
      if (field.dataType === 'email' && !/^[\x20-\x7e]*$/.test(value)) return invalid('email');
      if (field.dataType === 'text' && Buffer.byteLength(value, 'utf8') > TEXT_MAX_BYTES) {
        return { ok: false, reason: ERR.INVALID_REQUEST(`Value for field '${field.name}' exceeds ${TEXT_MAX_BYTES} bytes`) };
      }
      if (field.length !== undefined && value.length > field.length) {
        return { ok: false, reason: ERR.INVALID_REQUEST(`Value for field '${field.name}' exceeds its length of ${field.length}`) };
      }
      return { ok: true, value };
    }
    case 'integer':
    case 'reference': {
      const n = toNumber(raw);
      if (n === null || !Number.isInteger(n) || n >= INT32 || n < -INT32) return invalid('integer');
      return { ok: true, value: n };
    }
    case 'percent': {
      const n = toNumber(raw);
      if (n === null || !Number.isInteger(n)) return invalid('percent');
      return { ok: true, value: n };
    }
    case 'float':
    case 'currency': {
      const n = toNumber(raw);
      if (n === null) return invalid(field.dataType);
      return { ok: true, value: n };
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      const s = String(raw).toLowerCase();
      if (s === 'true' || s === '1') return { ok: true, value: true };
      if (s === 'false' || s === '0') return { ok: true, value: false };
      return invalid('boolean');
    }
    case 'date': {
      if (typeof raw !== 'string') return invalid('date');
      const m = DATE_RE.exec(raw);
      if (!m || !validCalendarDate(+m[1], +m[2], +m[3])) return invalid('date');
      return { ok: true, value: raw };
    }
    case 'datetime': {
      if (typeof raw !== 'string' || !(DATETIME_RE.test(raw) || DATE_RE.test(raw))) return invalid('datetime');
      const withZone = /(Z|[+-]\d{2}:?\d{2})$/.test(raw) || DATE_RE.test(raw) ? raw : `${raw}Z`;
      const ms = Date.parse(withZone.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
      if (Number.isNaN(ms)) return invalid('datetime');
      return { ok: true, value: formatDateTime(ms) };
    }
    case 'lead_function':
      return { ok: false, reason: ERR.FIELD_NOT_SUPPORTED(field.name) };
  }
}

/** A decimal number, as a JSON number or a string; `Number()` alone would also take `Infinity`, `0x10` and `0b1`. */
const DECIMAL_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function toNumber(raw: unknown): number | null {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && DECIMAL_RE.test(raw.trim()) ? Number(raw) : NaN;
  return Number.isFinite(n) ? n : null;
}

function validCalendarDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Marketo's read-back form of lead datetimes: `2016-05-17T22:11:45Z` (UTC, whole seconds). */
export function formatDateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Describe item: `{id, displayName, dataType, length?, rest{name, readOnly}, soap?}`. */
export function describeItem(field: FieldDef): Record<string, unknown> {
  const item: Record<string, unknown> = { id: field.id, displayName: field.displayName, dataType: field.dataType };
  if (field.length !== undefined) item.length = field.length;
  item.rest = { name: field.name, readOnly: field.readOnly };
  if (field.soapName !== undefined) item.soap = { name: field.soapName, readOnly: field.soapReadOnly ?? false };
  return item;
}

/** Describe2 item: `{name, displayName, dataType, length?, updateable, crmManaged}`. */
export function describe2Item(field: FieldDef): Record<string, unknown> {
  const item: Record<string, unknown> = { name: field.name, displayName: field.displayName, dataType: field.dataType };
  if (field.length !== undefined) item.length = field.length;
  item.updateable = isUpdateable(field);
  item.crmManaged = field.crmManaged;
  return item;
}

/** Lead schema fields item (`GET /rest/v1/leads/schema/fields.json`). */
export function schemaFieldItem(field: FieldDef): Record<string, unknown> {
  const item: Record<string, unknown> = {
    displayName: field.displayName,
    name: field.name,
    description: field.description,
    dataType: field.dataType,
  };
  if (field.length !== undefined) item.length = field.length;
  item.isHidden = field.isHidden;
  item.isHtmlEncodingInEmail = field.isHtmlEncodingInEmail;
  item.isSensitive = field.isSensitive;
  item.isCustom = field.isCustom;
  item.isApiCreated = field.isApiCreated;
  return item;
}
