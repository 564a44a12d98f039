// Lead schema operations: getLeadFields, getLeadFieldByName, createLeadFields and updateLeadField, with Marketo's rules.
import { ERR, type MarketoReason } from '../http/errors.js';
import { CREATABLE_TYPES, describeTypeOf, isSearchableType, type CreatableType, type FieldDef } from './fields.js';
import { reindexField, type InstanceState } from './instance.js';

export const FIELD_NAME_RE = /^[A-Za-z][A-Za-z0-9_]*$/;
/** "The displayName must be unique, and cannot contain special characters": letters, digits, spaces, `_` and `-`. */
export const DISPLAY_NAME_RE = /^[\p{L}\p{N}][\p{L}\p{N} _-]*$/u;
/** The `dataType` enum of the Create Lead Fields request (SPEC `CreateLeadField`). */
export const API_CREATABLE_TYPES = ['boolean', 'currency', 'date', 'datetime', 'email', 'float', 'integer', 'percent', 'phone', 'score', 'string', 'url'] as const;
/** "You can create a maximum of up to 100 custom fields using this endpoint." */
export const MAX_FIELDS_PER_CREATE = 100;
const DEFAULT_LENGTH: Partial<Record<CreatableType, number>> = { string: 255, email: 255, url: 255, phone: 255 };
const CREATE_ATTRIBUTES = new Set(['displayName', 'name', 'description', 'dataType', 'isHidden', 'isHtmlEncodingInEmail', 'isSensitive']);
const UPDATE_ATTRIBUTES = new Set(['displayName', 'description', 'isHidden', 'isHtmlEncodingInEmail', 'isSensitive']);
const FIXED_ATTRIBUTES = new Set(['dataType', 'length', 'name', 'isCustom', 'isApiCreated']);
const BOOLEAN_ATTRIBUTES = ['isHidden', 'isHtmlEncodingInEmail', 'isSensitive'] as const;

export interface NewFieldSpec {
  name?: unknown;
  displayName?: unknown;
  dataType?: unknown;
  description?: unknown;
  length?: unknown;
  isHidden?: unknown;
  isHtmlEncodingInEmail?: unknown;
  isSensitive?: unknown;
}

export type FieldResult = { name: string; status: 'created' | 'updated' } | { name?: string; status: 'skipped'; reasons: MarketoReason[] };

/** Which kinds of field the caller's role may see and change (Read-Write Schema Standard / Custom Field). */
export interface SchemaAccess {
  standard: boolean;
  custom: boolean;
}

export const canAccess = (access: SchemaAccess, field: FieldDef): boolean => (field.isCustom ? access.custom : access.standard);

/**
 * Creates one custom field; returns its result item (created, or skipped with the reason).
 * Admin-created fields (config, control plane) may use any creatable type and default their display name to the name.
 */
export function createLeadField(state: InstanceState, spec: NewFieldSpec, options: { apiCreated: boolean; searchable?: boolean }): FieldResult {
  const name = typeof spec.name === 'string' && spec.name !== '' ? spec.name : undefined;
  const skip = (reason: MarketoReason): FieldResult => ({ ...(name ? { name } : {}), status: 'skipped', reasons: [reason] });
  if (!name) return skip(ERR.MISSING_VALUE('name'));
  if (!FIELD_NAME_RE.test(name)) return skip(ERR.INVALID_REQUEST(`Invalid field name '${name}'`));
  if (spec.dataType === undefined || spec.dataType === null || spec.dataType === '') return skip(ERR.MISSING_VALUE('dataType'));
  const allowedTypes: readonly string[] = options.apiCreated ? API_CREATABLE_TYPES : CREATABLE_TYPES;
  if (typeof spec.dataType !== 'string' || !allowedTypes.includes(spec.dataType)) {
    return skip(ERR.INVALID_REQUEST(`Invalid dataType '${String(spec.dataType)}'`));
  }
  const givenDisplayName = typeof spec.displayName === 'string' && spec.displayName.trim() !== '' ? spec.displayName.trim() : undefined;
  const displayName = givenDisplayName ?? (options.apiCreated ? undefined : name);
  if (!displayName) return skip(ERR.MISSING_VALUE('displayName'));
  if (options.apiCreated && !DISPLAY_NAME_RE.test(displayName)) return skip(ERR.INVALID_REQUEST(`Invalid display name '${displayName}'`));
  if (state.fieldByName.has(name) || state.fields.some((f) => f.name.toLowerCase() === name.toLowerCase())) {
    return skip(ERR.OBJECT_EXISTS(`Field '${name}'`));
  }
  if (displayNameTaken(state, displayName)) return skip(ERR.OBJECT_EXISTS(`Field with display name '${displayName}'`));
  if (spec.description !== undefined && spec.description !== null && typeof spec.description !== 'string') {
    return skip(ERR.INVALID_VALUE(String(spec.description), 'string'));
  }
  for (const key of BOOLEAN_ATTRIBUTES) {
    if (spec[key] !== undefined && typeof spec[key] !== 'boolean') return skip(ERR.INVALID_VALUE(String(spec[key]), 'boolean'));
  }
  const creatable = spec.dataType as CreatableType;
  const dataType = describeTypeOf(creatable);
  const field: FieldDef = {
    id: state.counters.nextFieldId++,
    name,
    displayName,
    dataType,
    description: typeof spec.description === 'string' ? spec.description : null,
    readOnly: false,
    soapName: name,
    soapReadOnly: false,
    searchable: options.searchable ?? isSearchableType(dataType),
    crmManaged: false,
    isCustom: true,
    isApiCreated: options.apiCreated,
    // Documented defaults: isHidden false, isHtmlEncodingInEmail true, isSensitive false.
    isHidden: spec.isHidden === true,
    isHtmlEncodingInEmail: spec.isHtmlEncodingInEmail !== false,
    isSensitive: spec.isSensitive === true,
    blockedSources: [],
  };
  const length = typeof spec.length === 'number' ? spec.length : DEFAULT_LENGTH[creatable];
  if (length !== undefined) field.length = length;
  state.fields.push(field);
  state.fieldByName.set(name, field);
  reindexField(state, field);
  return { name, status: 'created' };
}

/** Create Lead Fields: each input item is created or skipped independently, in input order. */
export function createLeadFields(state: InstanceState, input: unknown[]): FieldResult[] {
  return input.map((raw): FieldResult => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { status: 'skipped', reasons: [ERR.INVALID_DATA] };
    const spec = raw as Record<string, unknown>;
    const unknown = Object.keys(spec).find((k) => !CREATE_ATTRIBUTES.has(k));
    if (unknown !== undefined) {
      const name = typeof spec.name === 'string' && spec.name !== '' ? { name: spec.name } : {};
      return { ...name, status: 'skipped', reasons: [ERR.INVALID_REQUEST(`Invalid attribute '${unknown}'`)] };
    }
    return createLeadField(state, spec, { apiCreated: true });
  });
}

export interface FieldPage {
  fields: FieldDef[];
  nextOffset: number | null;
}

/** Get Lead Fields: every field the caller's schema permissions cover (hidden ones too), in id order, paged. */
export function getLeadFields(state: InstanceState, access: SchemaAccess, offset: number, batchSize: number): FieldPage {
  const all = [...state.fields].filter((f) => canAccess(access, f)).sort((a, b) => a.id - b.id);
  const end = offset + batchSize;
  return { fields: all.slice(offset, end), nextOffset: end < all.length ? end : null };
}

export type FieldLookup = { field: FieldDef } | { reason: MarketoReason };

/** Get Lead Field by Name: unknown names are 1006; fields outside the caller's schema permissions are 603. */
export function getLeadFieldByName(state: InstanceState, name: string, access: SchemaAccess): FieldLookup {
  const field = state.fieldByName.get(name);
  if (!field) return { reason: ERR.FIELD_NOT_FOUND(name) };
  if (!canAccess(access, field)) return { reason: ERR.ACCESS_DENIED };
  return { field };
}

/**
 * Update Lead Field, with the documented API rules: description, isHtmlEncodingInEmail and isSensitive on any field;
 * displayName on custom fields only; isHidden on custom fields created by the API only; never dataType, length, name, isCustom.
 * A change the rules refuse skips the whole update (nothing is applied).
 */
export function updateLeadField(state: InstanceState, field: FieldDef, raw: unknown): FieldResult {
  const skip = (reason: MarketoReason): FieldResult => ({ name: field.name, status: 'skipped', reasons: [reason] });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return skip(ERR.INVALID_DATA);
  const changes = raw as Record<string, unknown>;
  for (const key of Object.keys(changes)) {
    if (FIXED_ATTRIBUTES.has(key)) return skip(ERR.INVALID_REQUEST(`Attribute '${key}' cannot be updated`));
    if (!UPDATE_ATTRIBUTES.has(key)) return skip(ERR.INVALID_REQUEST(`Invalid attribute '${key}'`));
  }
  for (const key of BOOLEAN_ATTRIBUTES) {
    if (changes[key] !== undefined && typeof changes[key] !== 'boolean') return skip(ERR.INVALID_VALUE(String(changes[key]), 'boolean'));
  }
  if (changes.description !== undefined && changes.description !== null && typeof changes.description !== 'string') {
    return skip(ERR.INVALID_VALUE(String(changes.description), 'string'));
  }
  let displayName: string | undefined;
  if (changes.displayName !== undefined) {
    if (typeof changes.displayName !== 'string' || changes.displayName.trim() === '') return skip(ERR.MISSING_VALUE('displayName'));
    displayName = changes.displayName.trim();
    if (displayName !== field.displayName) {
      if (!field.isCustom) return skip(ERR.INVALID_REQUEST(`The display name of standard field '${field.name}' cannot be updated`));
      if (!DISPLAY_NAME_RE.test(displayName)) return skip(ERR.INVALID_REQUEST(`Invalid display name '${displayName}'`));
      if (displayNameTaken(state, displayName, field)) return skip(ERR.OBJECT_EXISTS(`Field with display name '${displayName}'`));
    }
  }
  if (changes.isHidden !== undefined && changes.isHidden !== field.isHidden) {
    if (!field.isCustom) return skip(ERR.INVALID_REQUEST(`Standard field '${field.name}' cannot be hidden or shown through the API`));
    if (!field.isApiCreated) return skip(ERR.INVALID_REQUEST(`Field '${field.name}' was not created through the API; hide or show it in the Marketo UI`));
  }
  if (displayName !== undefined) field.displayName = displayName;
  if (changes.description !== undefined) field.description = (changes.description as string | null) || null;
  if (changes.isHidden !== undefined) field.isHidden = changes.isHidden as boolean;
  if (changes.isHtmlEncodingInEmail !== undefined) field.isHtmlEncodingInEmail = changes.isHtmlEncodingInEmail as boolean;
  if (changes.isSensitive !== undefined) field.isSensitive = changes.isSensitive as boolean;
  return { name: field.name, status: 'updated' };
}

function displayNameTaken(state: InstanceState, displayName: string, except?: FieldDef): boolean {
  const wanted = displayName.toLowerCase();
  return state.fields.some((f) => f !== except && f.displayName.toLowerCase() === wanted);
}
