// Renders a failure's expected and actual values as two aligned YAML columns, marking the lines that differ.
import { stringify } from 'yaml';

export interface SideBySideOptions {
  /** Width of each column (characters). */
  width?: number;
  color?: boolean;
}

const RED = '\u001b[31m';
const GREEN = '\u001b[32m';
const DIM = '\u001b[2m';
const RESET = '\u001b[0m';

function toLines(value: unknown): string[] {
  if (value === undefined) return ['(nothing)'];
  const text = typeof value === 'string' && value.includes('\n') ? value : stringify(value, { lineWidth: 0 }).trimEnd();
  return text.split('\n');
}

/** Longest common subsequence alignment of two line lists: rows of [left, right] with null for a gap. */
function align(left: string[], right: string[]): [string | null, string | null][] {
  const n = left.length;
  const m = right.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) lcs[i][j] = left[i] === right[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const rows: [string | null, string | null][] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && left[i] === right[j]) {
      rows.push([left[i++], right[j++]]);
    } else if (i < n && j < m && lcs[i + 1][j] === lcs[i][j + 1]) {
      // Neither side continues the common run: show the two lines against each other.
      rows.push([left[i++], right[j++]]);
    } else if (j >= m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1])) {
      rows.push([left[i++], null]);
    } else {
      rows.push([null, right[j++]]);
    }
  }
  return rows;
}

function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

/**
 * `expected | actual` columns. Between them: `│` same line, `≠` lines that differ, `<` a line only expected has,
 * `>` a line only the actual value has (red/green with colour).
 */
export function sideBySide(expected: unknown, actual: unknown, options: SideBySideOptions = {}): string {
  const left = toLines(expected);
  const right = toLines(actual);
  const rows = align(left, right);
  const widest = Math.max('expected'.length, ...left.map((l) => l.length));
  const width = Math.min(options.width ?? 48, Math.max(widest, 8));
  const paint = (code: string, s: string) => (options.color ? `${code}${s}${RESET}` : s);
  const out = [`${paint(DIM, fit('expected', width))}   ${paint(DIM, 'actual')}`];
  for (const [l, r] of rows) {
    const same = l !== null && l === r;
    const lText = fit(l ?? '', width);
    const rText = r ?? '';
    const sign = same ? '│' : l === null ? '>' : r === null ? '<' : '≠';
    out.push(same ? `${lText} │ ${rText}` : `${paint(GREEN, lText)} ${sign} ${paint(RED, rText)}`);
  }
  return out.join('\n');
}
