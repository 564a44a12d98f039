// The Destination SDK profile message the connector receives: segmentMembership, identityMap and attributes.
import { z } from 'zod';

export type MembershipStatus = 'realized' | 'existing' | 'exited';

export interface Membership {
  status: MembershipStatus;
  /** ISO 8601; `…T02:41:50.000+0000`, `…T02:41:50+0000` and `…Z` all occur in Adobe's docs. */
  lastQualificationTime?: string;
  [extra: string]: unknown;
}

export interface IdentityEntry {
  id: string;
  primary?: boolean;
  authenticatedState?: string;
}

/**
 * One exported profile. Attribute keys are the XDM source paths of the mapping (`person.name.firstName`); an
 * attribute in the mapping but without a value on the profile comes as `{}` or is left out.
 */
export interface ProfileExport {
  /** Audiences by namespace: `ups` for Segmentation Service audiences, `CustomerAudienceUpload` for CSV uploads. */
  segmentMembership: Partial<Record<string, Record<string, Membership>>>;
  identityMap: Record<string, IdentityEntry[]>;
  attributes: Record<string, { value?: unknown }>;
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

const membership = z.looseObject({
  status: z.enum(['realized', 'existing', 'exited'], { error: "status must be 'realized', 'existing' or 'exited'" }),
  lastQualificationTime: z
    .string()
    .refine((s) => ISO_8601.test(s) && !Number.isNaN(Date.parse(normaliseOffset(s))), { error: 'lastQualificationTime must be an ISO 8601 date-time' })
    .optional(),
});

export const profileExportSchema = z.strictObject({
  segmentMembership: z.record(z.string(), z.record(z.string(), membership), { error: 'segmentMembership must map namespaces to audiences' }),
  identityMap: z.record(
    z.string(),
    z.array(
      z.looseObject({
        id: z.string({ error: 'an identity id must be a string' }),
        primary: z.boolean().optional(),
        authenticatedState: z.string().optional(),
      }),
      { error: 'each identityMap namespace must hold a list of {id}' },
    ),
    { error: 'identityMap must be an object' },
  ),
  attributes: z.record(z.string(), z.looseObject({ value: z.unknown().optional() }), { error: 'attributes must map XDM paths to {value}' }).default({}),
});

/** `+0000` -> `+00:00` so Date.parse reads every form Adobe's docs show. */
export function normaliseOffset(iso: string): string {
  return iso.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
}

/** Validates a pushed export; returns the problem in one line when it is malformed. */
export function readProfileExport(input: unknown): { ok: true; value: ProfileExport } | { ok: false; problem: string } {
  const parsed = profileExportSchema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data as ProfileExport };
  const issue = parsed.error.issues[0];
  const path = issue.path.map(String).join('.') || '(root)';
  return { ok: false, problem: `${path}: ${issue.message}` };
}

/** The audiences of a message with their status, across namespaces. */
export function memberships(message: ProfileExport): { namespace: string; audienceId: string; status: MembershipStatus }[] {
  const out: { namespace: string; audienceId: string; status: MembershipStatus }[] = [];
  for (const [namespace, audiences] of Object.entries(message.segmentMembership)) {
    for (const [audienceId, m] of Object.entries(audiences ?? {})) out.push({ namespace, audienceId, status: m.status });
  }
  return out;
}
