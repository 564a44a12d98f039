// Describe Lead and Describe Lead2, generated from the instance's field schema.
import { READ_PERSON, type Operation, type RestCall } from '../http/operation.js';
import { describe2Item, describeItem } from '../domain/fields.js';

function describeLead(call: RestCall) {
  return { result: [...call.instance.fields].sort((a, b) => a.id - b.id).map(describeItem) };
}

/** `result[0]` = `{name: "API Lead", searchableFields: [[...]], fields: [...]}`. */
function describeLead2(call: RestCall) {
  const fields = [...call.instance.fields].sort((a, b) => a.id - b.id);
  return {
    result: [
      {
        name: 'API Lead',
        searchableFields: fields.filter((f) => f.searchable).map((f) => [f.name]),
        fields: fields.map(describe2Item),
      },
    ],
  };
}

export const describeOperations: Operation[] = [
  { name: 'describeLead', method: 'GET', path: '/rest/v1/leads/describe.json', permissions: READ_PERSON, handle: describeLead },
  { name: 'describeLead2', method: 'GET', path: '/rest/v1/leads/describe2.json', permissions: READ_PERSON, handle: describeLead2 },
];
