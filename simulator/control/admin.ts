// Control plane, what a Marketo admin sets in the UI: partitions, workspaces, services and tokens, field blocks, org mapping.
import type { z } from 'zod';
import { assignPartitions, createPartition, createWorkspace, setFieldBlocks, setFieldSearchable } from '../domain/admin.js';
import { serviceByClientId, workspaceByName, type InstanceState } from '../domain/instance.js';
import { revokeTokens } from '../domain/tokens.js';
import { OrgMappingError, removeOrgMapping, setOrgMapping } from '../domain/org-mapping.js';
import type { Control } from './api.js';
import { admin, notFound, type ControlContext } from './context.js';
import { ControlError, parseInput } from './errors.js';
import {
  blocksSchema,
  orgMappingSchema,
  partitionCreateSchema,
  searchableSchema,
  serviceSchema,
  workspaceSchema,
  workspaceUpdateSchema,
} from './schemas.js';
import { orgMappingView, partitionView, serviceView, workspaceView } from './views.js';

type AdminControl = Pick<
  Control,
  | 'listPartitions'
  | 'createPartition'
  | 'listWorkspaces'
  | 'createWorkspace'
  | 'updateWorkspace'
  | 'listServices'
  | 'createService'
  | 'revokeTokens'
  | 'getFieldBlocks'
  | 'setFieldBlocks'
  | 'setFieldSearchable'
  | 'getOrgMapping'
  | 'setOrgMapping'
  | 'removeOrgMapping'
>;

export function adminControl({ runtime, now, instance, record }: ControlContext): AdminControl {
  const fieldOf = (state: InstanceState, name: string) => {
    const field = state.fieldByName.get(name);
    if (!field) throw notFound(`field '${name}' not found in instance ${state.munchkinId}`);
    return field;
  };

  return {
    listPartitions(munchkinId) {
      const state = instance(munchkinId);
      return state.partitions.map((p) => partitionView(state, p));
    },

    createPartition(munchkinId, spec) {
      const state = instance(munchkinId);
      const { workspaces: names, ...body } = parseInput(partitionCreateSchema, spec, 'partition');
      const workspaces = (names ?? (workspaceByName(state, 'Default') ? ['Default'] : [])).map((name, i) => {
        const w = workspaceByName(state, name);
        if (!w) throw new ControlError(400, `workspaces[${i}]: workspace '${name}' does not exist`, `workspaces[${i}]`);
        return w;
      });
      const partition = admin('name', () => createPartition(state, body));
      for (const w of workspaces) w.partitionIds.push(partition.id);
      record(state.munchkinId, `created partition '${partition.name}' in ${workspaces.map((w) => `'${w.name}'`).join(', ') || 'no workspace'}`);
      return partitionView(state, partition);
    },

    listWorkspaces(munchkinId) {
      const state = instance(munchkinId);
      return state.workspaces.map((w) => workspaceView(state, w));
    },

    createWorkspace(munchkinId, spec) {
      const state = instance(munchkinId);
      const body = parseInput(workspaceSchema, spec, 'workspace');
      const workspace = admin('partitions', () => createWorkspace(state, body));
      record(state.munchkinId, `created workspace '${workspace.name}'`);
      return workspaceView(state, workspace);
    },

    updateWorkspace(munchkinId, name, update) {
      const state = instance(munchkinId);
      const workspace = workspaceByName(state, name);
      if (!workspace) throw notFound(`workspace '${name}' not found in instance ${state.munchkinId}`);
      const body = parseInput(workspaceUpdateSchema, update, 'workspace');
      admin('partitions', () => assignPartitions(state, workspace, body.partitions, body.primaryPartition));
      if (body.description !== undefined) workspace.description = body.description;
      record(state.munchkinId, `workspace '${workspace.name}' now holds ${body.partitions.join(', ')}`);
      return workspaceView(state, workspace);
    },

    listServices(munchkinId) {
      const state = instance(munchkinId);
      return state.services.map((s) => serviceView(state, s));
    },

    createService(munchkinId, spec) {
      const state = instance(munchkinId);
      const body = parseInput(serviceSchema, spec, 'service');
      checkServiceSpec(state, body, '', state.workspaces.map((w) => w.name));
      const service = runtime.addServiceTo(state, body);
      record(state.munchkinId, `created service '${service.name}' (${service.inputSource})`, { clientId: service.clientId });
      return serviceView(state, service);
    },

    revokeTokens(munchkinId, clientId) {
      const state = instance(munchkinId);
      if (clientId !== undefined && !serviceByClientId(state, clientId)) throw notFound(`no service with client id '${clientId}' in instance ${state.munchkinId}`);
      const revoked = revokeTokens(state, clientId);
      record(state.munchkinId, `revoked ${revoked} token(s)${clientId ? ` of ${clientId}` : ''}`);
      return { revoked };
    },

    getFieldBlocks(munchkinId, name) {
      const field = fieldOf(instance(munchkinId), name);
      return { field: field.name, sources: [...field.blockedSources] };
    },

    setFieldBlocks(munchkinId, name, body) {
      const state = instance(munchkinId);
      fieldOf(state, name);
      const { sources } = parseInput(blocksSchema, body, 'field blocks');
      const field = admin('sources', () => setFieldBlocks(state, name, sources));
      record(state.munchkinId, `Block Field Updates on ${field.name}: ${field.blockedSources.join(', ') || '(none)'}`);
      return { field: field.name, sources: [...field.blockedSources] };
    },

    setFieldSearchable(munchkinId, name, body) {
      const state = instance(munchkinId);
      fieldOf(state, name);
      const { searchable } = parseInput(searchableSchema, body, 'searchable flag');
      const field = admin('searchable', () => setFieldSearchable(state, name, searchable));
      record(state.munchkinId, `${field.name} is ${searchable ? '' : 'not '}searchable`);
      return { field: field.name, searchable: field.searchable };
    },

    getOrgMapping(munchkinId) {
      return orgMappingView(instance(munchkinId));
    },

    setOrgMapping(munchkinId, request) {
      const state = instance(munchkinId);
      const body = parseInput(orgMappingSchema, request, 'org mapping');
      try {
        setOrgMapping(state, body, now());
      } catch (e) {
        if (e instanceof OrgMappingError) {
          const status = e.refusal === 'not-org-admin' || e.refusal === 'email-mismatch' ? 403 : 409;
          record(state.munchkinId, `org mapping refused (${e.refusal}): ${e.message}`);
          throw new ControlError(status, e.message, undefined, e.refusal);
        }
        throw e;
      }
      record(state.munchkinId, `mapped to IMS org ${body.imsOrgId} by ${body.marketoUser.email}`);
      return orgMappingView(state);
    },

    removeOrgMapping(munchkinId) {
      const state = instance(munchkinId);
      try {
        removeOrgMapping(state);
      } catch (e) {
        if (e instanceof OrgMappingError) throw new ControlError(409, e.message, undefined, e.refusal);
        throw e;
      }
      record(state.munchkinId, 'org mapping removed');
      return orgMappingView(state);
    },
  };
}

/** Checks a service spec before anything is created: known workspaces, and a name and client id not used in the instance. */
export function checkServiceSpec(state: InstanceState | null, spec: z.output<typeof serviceSchema>, at: string, workspaceNames: string[] = []): void {
  const prefix = at ? `${at}.` : '';
  const known = new Set(['Default', ...workspaceNames]);
  spec.workspaces?.forEach((name, i) => {
    if (!known.has(name)) {
      throw new ControlError(400, `${prefix}workspaces[${i}]: workspace '${name}' does not exist (known: ${[...known].join(', ')})`, `${prefix}workspaces[${i}]`);
    }
  });
  if (state?.services.some((s) => s.name === spec.name)) throw new ControlError(409, `${prefix}name: service '${spec.name}' already exists`, `${prefix}name`);
  if (state && spec.clientId !== undefined && serviceByClientId(state, spec.clientId)) {
    throw new ControlError(409, `${prefix}clientId: '${spec.clientId}' is already in use`, `${prefix}clientId`);
  }
}
