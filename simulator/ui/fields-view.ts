// The field schema as the dashboard shows it: types, searchable flags and Block Field Updates per input source.
import { ADOBE_EXPERIENCE_PLATFORM, WEB_SERVICE_API, type InstanceState } from '../domain/instance.js';
import { isUpdateable, type DataType } from '../domain/fields.js';

export interface FieldRow {
  name: string;
  displayName: string;
  dataType: DataType;
  length: number | null;
  searchable: boolean;
  updateable: boolean;
  isCustom: boolean;
  blockedSources: string[];
}

export interface FieldSchemaView {
  /** The columns of the block grid: the two sources the product writes with, every service's, every source in a block. */
  inputSources: string[];
  fields: FieldRow[];
}

export function fieldSchemaView(state: InstanceState): FieldSchemaView {
  const sources = new Set<string>([WEB_SERVICE_API, ADOBE_EXPERIENCE_PLATFORM]);
  for (const service of state.services) sources.add(service.inputSource);
  for (const field of state.fields) for (const source of field.blockedSources) sources.add(source);
  return {
    inputSources: [...sources],
    fields: state.fields.map((f) => ({
      name: f.name,
      displayName: f.displayName,
      dataType: f.dataType,
      length: f.length ?? null,
      searchable: f.searchable,
      updateable: isUpdateable(f),
      isCustom: f.isCustom,
      blockedSources: [...f.blockedSources],
    })),
  };
}
