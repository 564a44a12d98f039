// Reads the CLI's profiles file (NDJSON or CSV) into DSDK exports; unreadable entries are reported, never dropped.
import { readFileSync } from 'node:fs';
import { EMAIL_IDENTITY_SOURCE, type DestinationConfig, type MappingEntry } from '../config.js';
import { parseCsv } from '../aep/audiences.js';
import { getPath, type XdmObject, type XdmValue } from '../aep/profiles.js';
import type { IdentityEntry, ProfileExport } from '../aep/message.js';

export interface ProfileEntry {
  /** `profiles.ndjson:12` or `profiles.csv:3`. */
  where: string;
  /** The export to push (validated by the connector, which rejects what is malformed). */
  message: unknown;
}

export interface ProfilesFile {
  entries: ProfileEntry[];
  /** Entries that could not be read at all, with the reason (counted as failures by the CLI). */
  unreadable: { where: string; problem: string }[];
  /** Notes about the file as a whole (e.g. columns that no mapping uses). */
  warnings: string[];
}

/** Reads `.ndjson`/`.jsonl` (one export or profile per line) or `.csv` (an `email` column and XDM-path columns). */
export function readProfilesFile(file: string, config: DestinationConfig): ProfilesFile {
  const csv = /\.csv$/i.test(file);
  if (!csv && !/\.(nd)?jsonl?$/i.test(file)) throw new Error(`--profiles ${file}: use a .ndjson, .jsonl or .csv file`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`--profiles: cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const name = file.split(/[\\/]/).pop() ?? file;
  return csv ? readCsv(text, name, config) : readNdjson(text, name, config);
}

/**
 * Each line is one of: a DSDK export (`{segmentMembership, identityMap, attributes: {path: {value}}}`), a profile
 * (`{identityMap, attributes}` with nested or dotted XDM attributes), or the shorthand `{email, attributes}`.
 */
function readNdjson(text: string, name: string, config: DestinationConfig): ProfilesFile {
  const out: ProfilesFile = { entries: [], unreadable: [], warnings: [] };
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${name}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      out.unreadable.push({ where, problem: `not valid JSON (${(e as Error).message})` });
      return;
    }
    out.entries.push({ where, message: toExport(value, config) });
  });
  return out;
}

function toExport(value: unknown, config: DestinationConfig): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const v = value as Record<string, unknown>;
  if ('segmentMembership' in v) return v;
  let identityMap = v.identityMap as Record<string, IdentityEntry[]> | undefined;
  if (identityMap === undefined && typeof v.email === 'string') identityMap = { email: [{ id: v.email }] };
  if (identityMap === undefined) return v;
  const attributes = (v.attributes ?? {}) as XdmObject;
  return exportOf(identityMap, (path) => (path in attributes ? attributes[path] : getPath(attributes, path)), config);
}

function exportOf(identityMap: Record<string, IdentityEntry[]>, read: (path: string) => XdmValue | undefined, config: DestinationConfig): ProfileExport {
  const attributes: ProfileExport['attributes'] = {};
  for (const m of config.mapping) {
    if (m.source === EMAIL_IDENTITY_SOURCE) continue;
    const value = read(m.source);
    attributes[m.source] = value === undefined ? {} : { value };
  }
  return { segmentMembership: {}, identityMap, attributes };
}

/** CSV: an `email` (or `identityMap.email`) column, other columns named by mapped XDM paths; empty cells are absent. */
function readCsv(text: string, name: string, config: DestinationConfig): ProfilesFile {
  const out: ProfilesFile = { entries: [], unreadable: [], warnings: [] };
  const rows = parseCsv(text);
  const header = (rows.shift() ?? []).map((h) => h.trim());
  const emailColumn = header.findIndex((h) => h.toLowerCase() === 'email' || h === EMAIL_IDENTITY_SOURCE);
  if (emailColumn < 0) throw new Error(`${name}: the header needs an 'email' column (the Email identity); it has ${header.join(', ') || 'nothing'}`);
  const bySource = new Map(config.mapping.map((m) => [m.source, m]));
  const unmapped = header.filter((h, i) => i !== emailColumn && !bySource.has(h));
  if (unmapped.length > 0) out.warnings.push(`${name}: column(s) ${unmapped.join(', ')} are the source of no mapping; their values are not sent`);
  rows.forEach((row, r) => {
    const where = `${name}:${r + 2}`;
    if (row.length !== header.length) {
      out.unreadable.push({ where, problem: `${row.length} values for ${header.length} columns` });
      return;
    }
    const values = new Map<string, XdmValue>();
    header.forEach((h, i) => {
      const entry = bySource.get(h);
      if (i === emailColumn || !entry || row[i] === '') return;
      values.set(h, fromCell(row[i], entry));
    });
    const email = row[emailColumn].trim();
    out.entries.push({ where, message: exportOf(email ? { email: [{ id: email }] } : {}, (path) => values.get(path), config) });
  });
  return out;
}

/** A CSV cell in the XDM type the mapping declares; a cell that does not parse stays a string (the connector refuses it). */
function fromCell(cell: string, entry: MappingEntry): XdmValue {
  switch (entry.xdmType) {
    case 'integer':
    case 'short':
    case 'long':
      return /^-?\d+$/.test(cell.trim()) ? Number(cell) : cell;
    case 'double':
      return cell.trim() !== '' && Number.isFinite(Number(cell)) ? Number(cell) : cell;
    case 'boolean':
      return cell.trim().toLowerCase() === 'true' ? true : cell.trim().toLowerCase() === 'false' ? false : cell;
    default:
      return cell;
  }
}
