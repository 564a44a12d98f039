// Shapes of the Marketo REST answers the connector reads (envelope, sync results, describe2, partitions, leads).

/** A `{code, message}` item of `errors[]` or `reasons[]`; codes are quoted integers on the wire. */
export interface MarketoReason {
  code: string;
  message: string;
}

export interface Envelope<T> {
  requestId: string;
  success: boolean;
  result?: T[];
  errors?: MarketoReason[];
  warnings?: unknown[];
  moreResult?: boolean;
  nextPageToken?: string;
}

export type FieldValue = string | number | boolean | null;

/** One Sync Leads result, in input order: created/updated carry the id; skipped carry reasons and no id. */
export type SyncRecordResult =
  | { id: number; status: 'created' | 'updated' }
  | { id?: number; status: 'skipped'; reasons: MarketoReason[] };

export type SyncAction = 'createOrUpdate' | 'createOnly' | 'updateOnly' | 'createDuplicate';

export interface SyncLeadsRequest {
  action: SyncAction;
  lookupField?: string;
  partitionName?: string;
  input: Record<string, FieldValue>[];
}

export interface Describe2Field {
  name: string;
  displayName: string;
  dataType: string;
  length?: number;
  updateable: boolean;
  crmManaged?: boolean;
}

export interface Describe2 {
  name: string;
  searchableFields: string[][];
  fields: Describe2Field[];
}

export interface LeadPartition {
  id: number;
  name: string;
  description?: string;
}

export type LeadRecord = { id: number } & Record<string, FieldValue>;

/** Data Ingestion `POST /subscriptions/{munchkinId}/persons` body. */
export interface SyncPersonsRequest {
  priority?: 'normal' | 'high';
  partitionName?: string;
  dedupeFields?: { field1: string; field2?: string };
  persons: Record<string, FieldValue>[];
}
