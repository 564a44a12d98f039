// Every Marketo REST operation the emulator implements, in one table (see simulator/COVERAGE.md).
import type { Operation } from '../http/operation.js';
import { activityOperations } from './activities.js';
import { describeOperations } from './describe.js';
import { fieldOperations } from './fields.js';
import { leadOperations } from './leads.js';
import { partitionOperations } from './partitions.js';

export const restOperations: Operation[] = [
  ...leadOperations,
  ...describeOperations,
  ...partitionOperations,
  ...fieldOperations,
  ...activityOperations,
];
