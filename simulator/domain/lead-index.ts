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
    } else if (!current.includes(leadId)) {
      current.push(leadId);
      current.sort((a, b) => a - b);
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
    const rest = current.filter((id) => id !== leadId);
    if (rest.length === 0) postings.delete(key);
    else postings.set(key, rest.length === 1 ? rest[0] : rest);
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

  clear(): void {
    for (const postings of this.byField.values()) postings.clear();
    this.byPartition.clear();
  }
}
