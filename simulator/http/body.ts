// Request bodies as Marketo's gateway reads them: JSON (609 when malformed), form-encoded, or nothing; anything else is 612.
import contentType from 'content-type';
import { ERR, MarketoError } from './errors.js';

export type ParsedBody =
  | { kind: 'empty' }
  | { kind: 'json'; value: unknown }
  | { kind: 'form'; value: URLSearchParams };

/** Parses a raw body by its Content-Type. A body with no or an unsupported Content-Type is refused with 612. */
export function parseBody(raw: Buffer, header: string | undefined): ParsedBody {
  const text = raw.toString('utf8');
  if (text.trim() === '') return { kind: 'empty' };
  let type: string;
  try {
    type = header ? contentType.parse(header).type : '';
  } catch {
    throw new MarketoError(ERR.INVALID_CONTENT_TYPE);
  }
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      return { kind: 'json', value: JSON.parse(text) };
    } catch {
      throw new MarketoError(ERR.INVALID_JSON);
    }
  }
  if (type === 'application/x-www-form-urlencoded') return { kind: 'form', value: new URLSearchParams(text) };
  if (type === 'multipart/form-data') throw new MarketoError(ERR.INVALID_MULTIPART);
  throw new MarketoError(ERR.INVALID_CONTENT_TYPE);
}

/** A JSON object body read as parameters (`POST ...?_method=GET`): each key one parameter, an array one value per item. */
export function jsonParams(value: unknown): URLSearchParams | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const params = new URLSearchParams();
  const text = (v: unknown) => (typeof v === 'object' ? JSON.stringify(v) : String(v));
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === null || v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) params.append(key, text(item));
  }
  return params;
}

/** Query or form parameters: repeated keys and comma lists both read as lists (`id=1&id=2`, `id=1,2`). */
export class Params {
  private readonly map = new Map<string, string[]>();

  constructor(...sources: (URLSearchParams | undefined)[]) {
    for (const source of sources) {
      if (!source) continue;
      for (const [key, value] of source) {
        const list = this.map.get(key) ?? [];
        list.push(value);
        this.map.set(key, list);
      }
    }
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  /** The last value given for the key. */
  get(key: string): string | undefined {
    const values = this.map.get(key);
    return values ? values[values.length - 1] : undefined;
  }

  /** Every value, comma lists split, blanks dropped. */
  list(key: string): string[] | undefined {
    const values = this.map.get(key);
    if (!values) return undefined;
    return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  }

  int(key: string): number | undefined {
    const value = this.get(key);
    if (value === undefined || value === '') return undefined;
    if (!/^-?\d{1,15}$/.test(value)) throw new MarketoError(ERR.INVALID_REQUEST(`Invalid value for '${key}': '${value}'`));
    return Number(value);
  }

  entries(): [string, string[]][] {
    return [...this.map.entries()];
  }

  without(...keys: string[]): Params {
    const copy = new Params();
    for (const [k, v] of this.map) if (!keys.includes(k)) copy.map.set(k, [...v]);
    return copy;
  }
}
