// The shape of a Marketo REST operation and of the call it handles; resources export tables of these.
import type { ApiPermission, InstanceState } from '../domain/instance.js';
import type { Actor } from '../domain/leads.js';
import type { WriteContext } from '../domain/activities.js';
import type { Runtime } from '../runtime.js';
import type { Caller } from './auth.js';
import type { ParsedBody, Params } from './body.js';
import type { Reply } from './envelope.js';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface RestCall {
  runtime: Runtime;
  instance: InstanceState;
  caller: Caller;
  actor: Actor;
  /** Path parameters (`:id` in the operation path). */
  params: Record<string, string>;
  /** Query parameters, plus the form body when the call came as `POST ...?_method=GET`. */
  query: Params;
  body: ParsedBody;
  requestId: string;
  now: number;
  /** The write context for activities and blocks: the caller's input source and user, this request id. */
  context(apiMethod: string): WriteContext;
}

export interface Operation {
  /** Marketo's operation name (syncLeads, getLeadsByFilterType, describeLead2, ...). */
  name: string;
  method: HttpMethod;
  /** Path under the instance, e.g. `/rest/v1/lead/:id.json`. */
  path: string;
  /** The caller's user needs any one of these in some workspace, else 603. */
  permissions: readonly ApiPermission[];
  handle(call: RestCall): Reply | Promise<Reply>;
}

export const READ_PERSON: readonly ApiPermission[] = ['Read-Only Person', 'Read-Write Person'];
export const WRITE_PERSON: readonly ApiPermission[] = ['Read-Write Person'];
export const READ_ACTIVITY: readonly ApiPermission[] = ['Read-Only Activity', 'Read-Write Activity'];
export const SCHEMA_FIELDS: readonly ApiPermission[] = ['Read-Write Schema Standard Field', 'Read-Write Schema Custom Field'];
