// From one exported profile to one Marketo record: the Email identity, the mapped and converted values, the dedup key.
import { EMAIL_IDENTITY_SOURCE, type DestinationConfig } from './config.js';
import { convertValue } from './mapping.js';
import { memberships, type IdentityEntry, type ProfileExport } from './aep/message.js';
import { REASON, connectorReason, type Reason } from './outcomes.js';
import type { Describe2Field, FieldValue } from './marketo/types.js';

export interface PreparedRecord {
  kind: 'write';
  email: string;
  /** Every email identity of the profile (lower-cased): a profile's writes are ordered across all of them. */
  emails: string[];
  /** The Marketo record: mapped fields only (plus `email` from the identity unless a mapping targets it). */
  record: Record<string, FieldValue>;
  /** The dedup values, by Marketo field, in configured order. */
  dedup: Record<string, FieldValue>;
  /** The normalised dedup key (partition + values): writes with the same key never run at once. */
  dedupKey: string;
  notes: string[];
}

export type Prepared =
  | PreparedRecord
  | { kind: 'reject'; email: string | null; reason: Reason; notes: string[] }
  | { kind: 'exit'; email: string | null; reason: Reason; notes: string[] };

/** The Email namespace of an identity map: `email` in any letter case (`Email` is the namespace's display name). */
export function emailIdentities(message: ProfileExport): IdentityEntry[] {
  const out: IdentityEntry[] = [];
  for (const [namespace, entries] of Object.entries(message.identityMap)) {
    if (namespace.toLowerCase() !== 'email') continue;
    for (const entry of entries) if (entry.id.trim() !== '') out.push(entry);
  }
  return out;
}

/**
 * How a dedup value compares: emails case-insensitively after trimming, numbers and booleans by value, everything
 * else exactly (DESIGN.md). Used both for the per-key ordering and for matching leads read back from Marketo.
 */
export function normaliseDedupValue(dataType: string | undefined, value: FieldValue | undefined): string {
  if (value === null || value === undefined) return '';
  switch (dataType) {
    case 'email':
      return String(value).trim().toLowerCase();
    case 'integer':
    case 'float':
    case 'currency':
    case 'percent':
      return String(Number(value));
    case 'boolean':
      return String(value === true || value === 'true');
    default:
      return String(value);
  }
}

/**
 * Prepares one export. `fields` is describe2 by field name (from connect()). A profile without an Email identity,
 * with a bad attribute value or without a dedup value is rejected here and never sent.
 */
export function prepareRecord(message: ProfileExport, config: DestinationConfig, fields: ReadonlyMap<string, Describe2Field>): Prepared {
  const notes: string[] = [];
  const identities = emailIdentities(message);
  if (identities.length === 0) {
    return { kind: 'reject', email: null, notes, reason: connectorReason(REASON.NO_EMAIL_IDENTITY, 'no Email identity in identityMap; Person Sync matches profiles by their Email identity') };
  }
  let chosen = identities[0];
  if (identities.length > 1) {
    const listed = identities.map((i) => i.id).join(', ');
    if (config.multipleEmails === 'reject') {
      return { kind: 'reject', email: null, notes, reason: connectorReason(REASON.MULTIPLE_EMAILS, `several Email identities (${listed}) and multipleEmails is 'reject'`) };
    }
    if (config.multipleEmails === 'primary-or-first') chosen = identities.find((i) => i.primary === true) ?? identities[0];
    notes.push(`several Email identities (${listed}); used ${chosen.id} (${config.multipleEmails})`);
  }
  const email = chosen.id.trim();

  const member = memberships(message);
  const stillMember = member.some((m) => m.status !== 'exited');
  if (member.length > 0 && !stillMember && config.onExit === 'ignore') {
    return {
      kind: 'exit',
      email,
      notes,
      reason: connectorReason(REASON.EXIT_IGNORED, `the profile exited ${member.map((m) => m.audienceId).join(', ')}; onExit is 'ignore', so nothing is written to Marketo`),
    };
  }

  const record: Record<string, FieldValue> = {};
  const invalid: string[] = [];
  for (const entry of config.mapping) {
    let raw: unknown;
    if (entry.source === EMAIL_IDENTITY_SOURCE) raw = email;
    else {
      const attribute = message.attributes[entry.source];
      if (!attribute || !('value' in attribute) || attribute.value === undefined) continue;
      raw = attribute.value;
    }
    const converted = convertValue(entry, fields.get(entry.target)?.dataType ?? '', raw, { percent: config.percent });
    if (!converted.ok) {
      invalid.push(converted.reason);
      continue;
    }
    if (converted.note) notes.push(converted.note);
    record[entry.target] = converted.value;
  }
  if (invalid.length > 0) return { kind: 'reject', email, notes, reason: connectorReason(REASON.INVALID_ATTRIBUTE, invalid.join('; ')) };
  if (!config.mapping.some((m) => m.target === 'email')) record.email = email;

  const dedup: Record<string, FieldValue> = {};
  const parts: string[] = [config.partition];
  for (const field of config.dedupFields) {
    const value = record[field];
    if (value === undefined || value === null || value === '') {
      const source = config.mapping.find((m) => m.target === field)?.source;
      return {
        kind: 'reject',
        email,
        notes,
        reason: connectorReason(
          REASON.MISSING_DEDUP_VALUE,
          `no value for dedup field '${field}'${source ? ` (mapped from ${source})` : ''}; the field must be present in each lead record`,
        ),
      };
    }
    dedup[field] = value;
    parts.push(normaliseDedupValue(fields.get(field)?.dataType, value));
  }
  return {
    kind: 'write',
    email,
    emails: [...new Set(identities.map((i) => i.id.trim().toLowerCase()))],
    record,
    dedup,
    dedupKey: JSON.stringify(parts),
    notes,
  };
}
