// Lead partitions: Get Lead Partitions and Update Lead Partition.
import { READ_PERSON, WRITE_PERSON, type Operation, type RestCall } from '../http/operation.js';
import { assertBatch, updateLeadPartitions } from '../domain/leads.js';
import { jsonBody } from './request.js';

function getLeadPartitions(call: RestCall) {
  return { result: call.instance.partitions.map((p) => ({ id: p.id, name: p.name, description: p.description })) };
}

function updateLeadPartitionsOp(call: RestCall) {
  const input = assertBatch(call.instance, jsonBody(call).input);
  return { result: updateLeadPartitions(call.instance, input, call.actor, call.context('updateLeadPartition')) };
}

export const partitionOperations: Operation[] = [
  { name: 'getLeadPartitions', method: 'GET', path: '/rest/v1/leads/partitions.json', permissions: READ_PERSON, handle: getLeadPartitions },
  { name: 'updateLeadPartitions', method: 'POST', path: '/rest/v1/leads/partitions.json', permissions: WRITE_PERSON, handle: updateLeadPartitionsOp },
];
