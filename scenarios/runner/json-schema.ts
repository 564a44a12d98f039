// Generates scenarios/scenario.schema.json (for editors) from the zod schema; a test keeps the committed file in step.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { scenarioFileSchema } from './schema.js';

export const SCHEMA_FILE = fileURLToPath(new URL('../scenario.schema.json', import.meta.url));

/** Draft-07, which YAML editors (yaml-language-server) support best; input types, so defaulted keys stay optional. */
export function buildJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(scenarioFileSchema, { target: 'draft-07', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    $id: 'https://example.invalid/marketo-engage-emulator/scenario.schema.json',
    title: 'Scenario file',
    description: 'One scenario (name, given, destination, when, then) or a suite (suite, scenarios). See README.md "Scenario suites".',
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
}

export function jsonSchemaText(): string {
  return `${JSON.stringify(buildJsonSchema(), null, 2)}\n`;
}

export function writeJsonSchema(file = SCHEMA_FILE): string {
  writeFileSync(file, jsonSchemaText());
  return file;
}
