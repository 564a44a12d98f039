// Secondary indexes over leads: per searchable field and per partition, so every lookup is O(1) per key, never a scan.

/** key -> one lead id, or several (kept sorted ascending). Single ids stay unboxed to save memory at 1M leads. */
type Postings = Map<string, number | number[]>;

export class LeadIndex {
  private readonly byField = new Map<string, Postings>();
  private readonly byPartition = new Map<number, Set<number>>();

  /** Starts indexing a field (existing entries are added by the caller through `add`). */
  ensureField(field: string): boolean {
    if (this.byField.has(field)) return false;
    this.byField.set(field, new Map());
    return true;
  }

  dropField(field: string): void {
    this.byField.delete(field);
  }

  hasField(field: string): boolean {
    return this.byField.has(field);
  }

  add(field: string, key: string | null, leadId: number): void {
    if (key === null) return;
    const postings = this.byField.get(field);
    if (!postings) return;
    const current = postings.get(key);
    if (current === undefined) postings.set(key, leadId);
    else if (typeof current === 'number') {
      if (current !== leadId) postings.set(key, current < leadId ? [current, leadId] : [leadId, current]);
    } else {
      // Ids usually arrive in ascending order (new leads): append; otherwise insert in place. Never a scan or a sort,
      // so a key shared by many leads (a segment, a country) stays cheap.
      const last = current[current.length - 1];
      if (leadId > last) current.push(leadId);
      else {
        const at = lowerBound(current, leadId);
        if (current[at] !== leadId) current.splice(at, 0, leadId);
      }
    }
  }

  remove(field: string, key: string | null, leadId: number): void {
    if (key === null) return;
    const postings = this.byField.get(field);
    const current = postings?.get(key);
    if (!postings || current === undefined) return;
    if (typeof current === 'number') {
      if (current === leadId) postings.delete(key);
      return;
    }
    const at = lowerBound(current, leadId);
    if (current[at] !== leadId) return;
    current.splice(at, 1);
    if (current.length === 1) postings.set(key, current[0]);
  }

  /** Lead ids holding `key` in `field`, ascending. */
  find(field: string, key: string): number[] {
    const current = this.byField.get(field)?.get(key);
    if (current === undefined) return [];
    return typeof current === 'number' ? [current] : current;
  }

  addToPartition(partitionId: number, leadId: number): void {
    let set = this.byPartition.get(partitionId);
    if (!set) this.byPartition.set(partitionId, (set = new Set()));
    set.add(leadId);
  }

  removeFromPartition(partitionId: number, leadId: number): void {
    this.byPartition.get(partitionId)?.delete(leadId);
  }

  partitionMembers(partitionId: number): ReadonlySet<number> {
    return this.byPartition.get(partitionId) ?? new Set();
  }

  partitionSize(partitionId: number): number {
    return this.byPartition.get(partitionId)?.size ?? 0;
  }
}

/** The first index in an ascending array whose value is >= `value`. */
function lowerBound(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
