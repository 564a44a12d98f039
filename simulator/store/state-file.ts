// The --data file's text: one JSON document written as many lines of leads and activities, so a state larger than V8's
// longest string (~512 MB: about a million leads with their activities) can still be written, and read back line by line.
import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import type { StateSnapshot } from '../domain/snapshot.js';

const CHUNK_CHARS = 1 << 20;
/** Leads or activities per line: large enough that stringifying costs what one JSON.stringify would, small enough per line. */
const ITEMS_PER_LINE = 1000;
/** Files up to this size are parsed as one JSON text (any layout); larger ones must have the line layout below. */
export const WHOLE_PARSE_LIMIT = 256 * 1024 * 1024;

const LEADS_OPEN = ',"leads":[';
const ACTIVITIES_OPEN = '],"activities":[';

/**
 * The document as text chunks, built synchronously (so it is one consistent state) and each far below the string limit:
 *
 *     {"format":…,"version":1,…,"instances":[
 *     {"munchkinId":…,"settings":…,…,"tokens":[…],"leads":[
 *     [1,1,1793718000000,1793718000000,{"email":"a@x.com"}],[2,…],…,        (ITEMS_PER_LINE leads a line)
 *     [1001,…],…
 *     ],"activities":[
 *     {"id":1,…},{"id":2,…},…
 *     ]}                       (",": another instance follows)
 *     ]}
 */
export function stateChunks(snapshot: StateSnapshot): string[] {
  const chunks: string[] = [];
  let chunk = '';
  const put = (text: string) => {
    chunk += text;
    if (chunk.length >= CHUNK_CHARS) {
      chunks.push(chunk);
      chunk = '';
    }
  };
  const list = (items: readonly unknown[]) => {
    for (let i = 0; i < items.length; i += ITEMS_PER_LINE) {
      const line = JSON.stringify(items.slice(i, i + ITEMS_PER_LINE)).slice(1, -1);
      put(`${line}${i + ITEMS_PER_LINE < items.length ? ',' : ''}\n`);
    }
  };
  const { instances, ...envelope } = snapshot;
  put(`${JSON.stringify(envelope).slice(0, -1)},"instances":[\n`);
  instances.forEach((instance, i) => {
    const { leads, activities, ...head } = instance;
    put(`${JSON.stringify(head).slice(0, -1)}${LEADS_OPEN}\n`);
    list(leads);
    put(`${ACTIVITIES_OPEN}\n`);
    list(activities);
    put(i < instances.length - 1 ? ']},\n' : ']}\n');
  });
  put(']}\n');
  chunks.push(chunk);
  return chunks;
}

/** Writes to `.FILE.tmp` beside the file and renames it over the file, so a crash leaves the old or the new file whole. */
export async function writeAtomically(file: string, chunks: Iterable<string>): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.tmp`);
  await writeFile(temp, chunks, 'utf8');
  await rename(temp, file);
}

/** A file that is not valid JSON (or, when large, not in the line layout); the message says where. */
export class StateTextError extends Error {}

/** The parsed document: JSON.parse for files up to `wholeParseLimit`, else line by line in the layout stateChunks writes. */
export function parseStateFile(file: string, wholeParseLimit = WHOLE_PARSE_LIMIT): unknown {
  const buffer = readFileSync(file);
  if (buffer.length <= wholeParseLimit) {
    try {
      return JSON.parse(buffer.toString('utf8'));
    } catch (e) {
      throw new StateTextError((e as Error).message);
    }
  }
  return parseLines(buffer);
}

function parseLines(buffer: Buffer): unknown {
  let start = 0;
  let lineNo = 0;
  const next = (): string => {
    if (start >= buffer.length) throw new StateTextError(`the file ends early (after line ${lineNo})`);
    let end = buffer.indexOf(0x0a, start);
    if (end < 0) end = buffer.length;
    const line = buffer.toString('utf8', start, end);
    start = end + 1;
    lineNo++;
    return line;
  };
  const json = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new StateTextError(`line ${lineNo}: ${(e as Error).message}`);
    }
  };
  const expect = (ok: boolean, what: string) => {
    if (!ok) throw new StateTextError(`line ${lineNo}: expected ${what} (a file over ${WHOLE_PARSE_LIMIT / 1024 / 1024} MB is read in the emulator's own line layout)`);
  };
  const items = (line: string) => json(`[${line.endsWith(',') ? line.slice(0, -1) : line}]`) as unknown[];

  const first = next();
  expect(first.endsWith(',"instances":['), 'the document head ending in "instances":[');
  const envelope = json(`${first}]}`) as Record<string, unknown>;
  const instances: unknown[] = [];
  for (;;) {
    const headLine = next();
    expect(headLine.endsWith(LEADS_OPEN), `an instance head ending in ${LEADS_OPEN}`);
    const head = json(`${headLine.slice(0, -LEADS_OPEN.length)}}`) as Record<string, unknown>;
    const leads: unknown[] = [];
    for (let line = next(); line !== ACTIVITIES_OPEN; line = next()) for (const lead of items(line)) leads.push(lead);
    const activities: unknown[] = [];
    let line = next();
    for (; line !== ']}' && line !== ']},'; line = next()) for (const activity of items(line)) activities.push(activity);
    instances.push({ ...head, leads, activities });
    if (line === ']}') break;
  }
  expect(next() === ']}', 'the end of the document');
  return { ...envelope, instances };
}

/** lowdb's adapter for the state file: reads any layout, writes the line layout atomically. */
export class StateFileAdapter implements Adapter<StateSnapshot | null> {
  constructor(readonly file: string) {}

  async read(): Promise<StateSnapshot | null> {
    return parseStateFile(this.file) as StateSnapshot;
  }

  write(data: StateSnapshot | null): Promise<void> {
    if (data === null) return Promise.resolve();
    // Serialized before the first await, so the file holds the state as it was when the write was asked for.
    return writeAtomically(this.file, stateChunks(data));
  }
}
