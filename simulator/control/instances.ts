// Control plane, whole state and instances: reset, snapshot and restore, instance definitions, settings and limits.
import { DefinitionError } from '../runtime.js';
import type { InstanceState } from '../domain/instance.js';
import { restoreState, snapshotState, SnapshotError } from '../domain/snapshot.js';
import { applyRestored } from '../store/apply-snapshot.js';
import { stateChunks } from '../store/state-file.js';
import type { Control } from './api.js';
import { checkServiceSpec } from './admin.js';
import type { ControlContext } from './context.js';
import { ControlError, parseInput } from './errors.js';
import { instanceDefinitionSchema, instancePatchSchema } from './schemas.js';
import { instanceDetail } from './views.js';

type InstanceControl = Pick<Control, 'reset' | 'snapshot' | 'snapshotText' | 'restore' | 'listInstances' | 'createInstance' | 'getInstance' | 'patchInstance' | 'getLimits'>;

export function instanceControl({ runtime, now, instance, record }: ControlContext): InstanceControl {
  return {
    reset() {
      runtime.reset();
      record('*', 'reset to the seeded state');
      return { instances: [...runtime.instances.keys()] };
    },

    snapshot() {
      return structuredClone(snapshotState(runtime.instances.values(), runtime.seed, { now: now(), frozen: runtime.clock.frozen }));
    },

    snapshotText() {
      return stateChunks(snapshotState(runtime.instances.values(), runtime.seed, { now: now(), frozen: runtime.clock.frozen }));
    },

    restore(snapshot) {
      let restored: ReturnType<typeof restoreState>;
      try {
        restored = restoreState(typeof snapshot === 'object' && snapshot !== null ? structuredClone(snapshot) : snapshot);
      } catch (e) {
        if (e instanceof SnapshotError) throw new ControlError(400, `invalid snapshot: ${e.message}`, e.field);
        throw e;
      }
      applyRestored(runtime, restored);
      record('*', `restored a snapshot of ${restored.instances.length} instance(s)`);
      return { instances: restored.instances.map((s) => s.munchkinId) };
    },

    listInstances() {
      return [...runtime.instances.values()].map((s) => ({
        munchkinId: s.munchkinId,
        name: s.settings.name,
        leads: s.leads.size,
        partitions: s.partitions.length,
        services: s.services.length,
        hipaaReady: s.settings.hipaaReady,
        imsOrgId: s.settings.orgMapping?.imsOrgId ?? null,
      }));
    },

    createInstance(definition) {
      const def = parseInput(instanceDefinitionSchema, definition, 'instance definition');
      if (runtime.instance(def.munchkinId)) throw new ControlError(409, `instance ${def.munchkinId.toUpperCase()} already exists`, 'munchkinId');
      for (const [i, s] of (def.services ?? []).entries()) checkServiceSpec(null, s, `services[${i}]`, def.workspaces?.map((w) => w.name));
      let state: InstanceState;
      try {
        state = runtime.addInstance(def);
      } catch (e) {
        // Definitions are checked as they are applied; the error names the key at fault.
        if (e instanceof DefinitionError) throw new ControlError(400, `invalid instance definition: ${e.message}`, e.path || undefined);
        throw e;
      }
      record(state.munchkinId, `created instance ${state.munchkinId}`);
      return instanceDetail(state);
    },

    getInstance(munchkinId) {
      return instanceDetail(instance(munchkinId));
    },

    patchInstance(munchkinId, patch) {
      const state = instance(munchkinId);
      const p = parseInput(instancePatchSchema, patch, 'instance settings');
      const s = state.settings;
      if (p.name !== undefined) s.name = p.name;
      if (p.hipaaReady !== undefined) s.hipaaReady = p.hipaaReady;
      if (p.imsOnboarded !== undefined) s.imsOnboarded = p.imsOnboarded;
      if (p.dedupe !== undefined) s.dedupe = { partitionScoped: p.dedupe.partitionScoped };
      if (p.limits !== undefined) s.limits = { ...s.limits, ...p.limits };
      if (p.tokenTtlSeconds !== undefined) s.tokenTtlSeconds = p.tokenTtlSeconds;
      if (p.dataIngestion !== undefined) s.dataIngestion = p.dataIngestion;
      if (p.imsOrgId !== undefined) {
        s.orgMapping = p.imsOrgId === null ? null : { imsOrgId: p.imsOrgId, mappedBy: 'control plane', mappedAt: new Date(now()).toISOString() };
      }
      record(state.munchkinId, `settings changed: ${Object.keys(p).join(', ')}`, { patch: p });
      return instanceDetail(state);
    },

    getLimits(munchkinId) {
      const state = instance(munchkinId);
      return { settings: { ...state.settings.limits }, usage: runtime.limits(state.munchkinId).usage(now()) };
    },
  };
}
