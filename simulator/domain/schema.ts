// Lead schema operations: createLeadField with Marketo's naming rules and defaults (custom fields only).
import { ERR, type MarketoReason } from '../http/errors.js';
import { CREATABLE_TYPES, describeTypeOf, isSearchableType, type CreatableType, type FieldDef } from './fields.js';
import { reindexField, type InstanceState } from './instance.js';

export const FIELD_NAME_RE = /^[A-Za-z][A-Za-z0-9_]*$/;
const DEFAULT_LENGTH: Partial<Record<CreatableType, number>> = { string: 255, email: 255, url: 255, phone: 255 };

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

/** Creates one custom field; returns its result item (created, or skipped with the reason). */
export function createLeadField(state: InstanceState, spec: NewFieldSpec, options: { apiCreated: boolean; searchable?: boolean }): FieldResult {
  const name = typeof spec.name === 'string' ? spec.name : undefined;
  const skip = (reason: MarketoReason): FieldResult => ({ ...(name ? { name } : {}), status: 'skipped', reasons: [reason] });
  if (!name) return skip(ERR.MISSING_VALUE('name'));
  if (!FIELD_NAME_RE.test(name)) return skip(ERR.INVALID_REQUEST(`Invalid field name '${name}'`));
  if (typeof spec.dataType !== 'string') return skip(ERR.MISSING_VALUE('dataType'));
  if (!(CREATABLE_TYPES as readonly string[]).includes(spec.dataType)) {
    return skip(ERR.INVALID_REQUEST(`Invalid dataType '${spec.dataType}'`));
  }
  const displayName = typeof spec.displayName === 'string' && spec.displayName.trim() !== '' ? spec.displayName.trim() : undefined;
  if (!displayName) return skip(ERR.MISSING_VALUE('displayName'));
  if (state.fieldByName.has(name) || [...state.fieldByName.keys()].some((n) => n.toLowerCase() === name.toLowerCase())) {
    return skip(ERR.OBJECT_EXISTS(`Field '${name}'`));
  }
  if (state.fields.some((f) => f.displayName.toLowerCase() === displayName.toLowerCase())) {
    return skip(ERR.OBJECT_EXISTS(`Field with display name '${displayName}'`));
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
