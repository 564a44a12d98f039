// A sorted multiset of (key, id) entries kept in chunks, so insert, remove, rank and position lookups stay cheap at 1M entries.

/** A sort key: numbers sort before strings, and null (no value) sorts after everything. */
export type SortKey = string | number | null;

export function compareEntries(ak: SortKey, aid: number, bk: SortKey, bid: number): number {
  if (ak !== bk) {
    if (ak === null) return 1;
    if (bk === null) return -1;
    if (typeof ak === typeof bk) return ak < bk ? -1 : 1;
    return typeof ak === 'number' ? -1 : 1;
  }
  return aid - bid;
}

/** Chunks split above 2 × LOAD entries; a lookup walks at most n / LOAD chunk lengths. */
const LOAD = 1024;

export class SortedList {
  private keys: SortKey[][] = [];
  private ids: number[][] = [];
  private count = 0;

  /** Builds a list from entries already in ascending order (no comparison made). */
  static fromSorted(keys: readonly SortKey[], ids: readonly number[]): SortedList {
    const list = new SortedList();
    for (let i = 0; i < keys.length; i += LOAD) {
      list.keys.push(keys.slice(i, i + LOAD));
      list.ids.push(ids.slice(i, i + LOAD));
    }
    list.count = keys.length;
    return list;
  }

  get length(): number {
    return this.count;
  }

  insert(key: SortKey, id: number): void {
    if (this.keys.length === 0) {
      this.keys.push([key]);
      this.ids.push([id]);
      this.count = 1;
      return;
    }
    let c = this.chunkFor(key, id);
    if (c === this.keys.length) c--;
    const keys = this.keys[c];
    const ids = this.ids[c];
    const i = lowerBoundIn(keys, ids, key, id);
    keys.splice(i, 0, key);
    ids.splice(i, 0, id);
    this.count++;
    if (keys.length > 2 * LOAD) {
      this.keys.splice(c + 1, 0, keys.splice(LOAD));
      this.ids.splice(c + 1, 0, ids.splice(LOAD));
    }
  }

  /** Removes one (key, id) entry; false when it is not there. */
  remove(key: SortKey, id: number): boolean {
    const c = this.chunkFor(key, id);
    if (c === this.keys.length) return false;
    const keys = this.keys[c];
    const ids = this.ids[c];
    const i = lowerBoundIn(keys, ids, key, id);
    if (i === keys.length || ids[i] !== id || keys[i] !== key) return false;
    keys.splice(i, 1);
    ids.splice(i, 1);
    this.count--;
    if (keys.length === 0) {
      this.keys.splice(c, 1);
      this.ids.splice(c, 1);
    }
    return true;
  }

  /** How many entries sort before (key, id); with id -Infinity, before every entry holding `key`. */
  rank(key: SortKey, id = -Infinity): number {
    const c = this.chunkFor(key, id);
    let before = 0;
    for (let i = 0; i < c; i++) before += this.keys[i].length;
    if (c === this.keys.length) return before;
    return before + lowerBoundIn(this.keys[c], this.ids[c], key, id);
  }

  /** The ids at positions [start, end) in ascending order. */
  idsBetween(start: number, end: number): number[] {
    const out: number[] = [];
    const from = Math.max(0, start);
    const to = Math.min(this.count, end);
    if (from >= to) return out;
    let c = 0;
    let base = 0;
    while (base + this.ids[c].length <= from) base += this.ids[c++].length;
    let i = from - base;
    for (let pos = from; pos < to; pos++) {
      if (i === this.ids[c].length) {
        c++;
        i = 0;
      }
      out.push(this.ids[c][i++]);
    }
    return out;
  }

  /** The first chunk whose last entry is >= (key, id), or the chunk count when every entry is smaller. */
  private chunkFor(key: SortKey, id: number): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const keys = this.keys[mid];
      const last = keys.length - 1;
      if (compareEntries(keys[last], this.ids[mid][last], key, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function lowerBoundIn(keys: SortKey[], ids: number[], key: SortKey, id: number): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareEntries(keys[mid], ids[mid], key, id) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
