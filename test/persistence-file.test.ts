import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSimulator, SimClock } from '../simulator/index.js';
import { parseStateFile, stateChunks, StateTextError, writeAtomically } from '../simulator/store/state-file.js';

const T0 = Date.parse('2026-11-02T15:00:00Z');

/** Two instances: 2,500 seeded leads (three lines of leads and of activities) and an empty one. */
function twoInstances() {
  const sim = createSimulator({
    seed: 4,
    clock: new SimClock({ start: T0, frozen: true }),
    config: { instances: [{ munchkinId: '111-AAA-111', leads: 2500 }, { munchkinId: '222-BBB-222' }] },
  });
  return sim.control.snapshot();
}

describe('the --data file layout', () => {
  it('is one JSON document: the chunks parse to the snapshot, with leads and activities a thousand to a line', async () => {
    const snapshot = twoInstances();
    const chunks = stateChunks(snapshot);
    const text = chunks.join('');
    expect(JSON.parse(text)).toEqual(snapshot);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^\{"format":"marketo-engage-emulator-state","version":1,.*,"instances":\[$/);
    expect(lines.filter((l) => l.startsWith('[1001,') || l.startsWith('[2001,'))).toHaveLength(2);
    expect(lines.at(-2)).toBe(']}');
    // Files over the whole-parse limit are read line by line; forced here with a limit of 0 bytes.
    const file = join(mkdtempSync(join(tmpdir(), 'sim-file-')), 'state.json');
    await writeAtomically(file, chunks);
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(parseStateFile(file, 0)).toEqual(snapshot);
  });

  it('read line by line, a damaged file is refused naming the line', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sim-file-')), 'state.json');
    const text = stateChunks(twoInstances()).join('');
    const lines = text.split('\n');
    const cases: [string, string][] = [
      [text.slice(0, lines.slice(0, 2).join('\n').length + 1 + (lines[2].length >> 1)), 'line 3: '],
      [text.slice(0, text.lastIndexOf(']}')), 'the file ends early'],
      [[lines[0], '{"munchkinId":"111-AAA-111"}', ...lines.slice(2)].join('\n'), 'line 2: expected an instance head ending in ,"leads":['],
      [['{"hello":"world"}', ...lines.slice(1)].join('\n'), 'line 1: expected the document head ending in "instances":['],
    ];
    for (const [damaged, message] of cases) {
      writeFileSync(file, damaged);
      let error: unknown;
      try {
        parseStateFile(file, 0);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(StateTextError);
      expect((error as Error).message).toContain(message);
    }
  });
});
