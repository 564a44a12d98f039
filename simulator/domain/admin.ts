// What a Marketo admin sets in the UI: partitions, workspaces and their assignment, Block Field Updates, searchable flags.
import type { FieldDef } from './fields.js';
import { partitionByName, reindexField, workspaceByName, type InstanceState, type Partition, type Workspace } from './instance.js';

export class AdminError extends Error {
  constructor(
    message: string,
    /** The input key at fault (`name`, `partitions[1]`, `primaryPartition`), when the domain knows it. */
    readonly field?: string,
    /** The name is taken (a conflict with the state, not a bad value). */
    readonly taken = false,
  ) {
    super(message);
    this.name = 'AdminError';
  }
}

function check(condition: unknown, message: string, field?: string, taken = false): asserts condition {
  if (!condition) throw new AdminError(message, field, taken);
}

/** Admin > Workspaces & Partitions > Person Partitions > Create New Person Partition. Names are unique. */
export function createPartition(state: InstanceState, spec: { name: string; description?: string }): Partition {
  const name = spec.name.trim();
  check(name !== '', 'partition name must not be empty', 'name');
  check(!partitionByName(state, name), `partition '${name}' already exists`, 'name', true);
  const partition: Partition = { id: state.counters.nextPartitionId++, name, description: spec.description ?? '' };
  state.partitions.push(partition);
  return partition;
}

export interface WorkspaceSpec {
  name: string;
  description?: string;
  /** Partition names; a partition may sit in several workspaces and a workspace may hold several partitions. */
  partitions: string[];
  primaryPartition?: string;
}

/** Admin > Workspaces & Partitions > Create Workspace, with its person partitions and primary partition. */
export function createWorkspace(state: InstanceState, spec: WorkspaceSpec): Workspace {
  const name = spec.name.trim();
  check(name !== '', 'workspace name must not be empty', 'name');
  check(!workspaceByName(state, name), `workspace '${name}' already exists`, 'name', true);
  const workspace: Workspace = { id: state.counters.nextWorkspaceId++, name, description: spec.description ?? '', partitionIds: [], primaryPartitionId: 0 };
  assignPartitions(state, workspace, spec.partitions, spec.primaryPartition);
  state.workspaces.push(workspace);
  return workspace;
}

/** Sets which partitions a workspace can see, and its primary partition (default: the first listed). */
export function assignPartitions(state: InstanceState, workspace: Workspace, partitionNames: string[], primary?: string): void {
  check(partitionNames.length > 0, `workspace '${workspace.name}' needs at least one partition`, 'partitions');
  const ids = partitionNames.map((n, i) => {
    const p = partitionByName(state, n);
    check(p, `partition '${n}' does not exist`, `partitions[${i}]`);
    return p.id;
  });
  const primaryName = primary ?? partitionNames[0];
  const primaryPartition = partitionByName(state, primaryName);
  check(primaryPartition, `partition '${primaryName}' does not exist`, 'primaryPartition');
  check(ids.includes(primaryPartition.id), `the primary partition '${primaryName}' must be one of the workspace's partitions`, 'primaryPartition');
  workspace.partitionIds = [...new Set(ids)];
  workspace.primaryPartitionId = primaryPartition.id;
}

export function fieldOrThrow(state: InstanceState, name: string): FieldDef {
  const field = state.fieldByName.get(name);
  check(field, `field '${name}' does not exist`, 'field');
  return field;
}

/** Field Management > Block Field Updates: the input sources whose updates to a non-empty value are dropped. */
export function setFieldBlocks(state: InstanceState, fieldName: string, sources: string[]): FieldDef {
  const field = fieldOrThrow(state, fieldName);
  check(!field.readOnly, `field '${fieldName}' is read-only; it cannot be written, so there is nothing to block`);
  field.blockedSources = [...new Set(sources.map((s) => s.trim()).filter((s) => s !== ''))];
  return field;
}

/** An emulator knob (not a Marketo setting): makes a field usable as lookupField/filterType, and indexes it. */
export function setFieldSearchable(state: InstanceState, fieldName: string, searchable: boolean): FieldDef {
  const field = fieldOrThrow(state, fieldName);
  check(!(field.name === 'id' && !searchable), `field 'id' is always searchable`);
  field.searchable = searchable;
  reindexField(state, field);
  return field;
}
