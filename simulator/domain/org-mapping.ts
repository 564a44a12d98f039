// Admin > Integration > Adobe Organization Mapping: who may set the IMS Org ID, and when it is read-only or refused.
import type { InstanceState, OrgMapping } from './instance.js';

export const IMS_ORG_ID_RE = /^[A-Za-z0-9]{24}@AdobeOrg$/;

export interface OrgMappingRequest {
  imsOrgId: string;
  /** The Adobe user confirming the mapping: must be an Org Admin of `imsOrgId`. */
  adobeUser: { email: string; orgAdmin: boolean };
  /** The Marketo user doing it in Admin: must log in with the same email as the Adobe user. */
  marketoUser: { email: string };
}

/** Why a mapping was refused; each has its own message (MKTO set-up-adobe-organization-mapping.md). */
export type OrgMappingRefusal = 'hipaa-ready' | 'read-only' | 'not-org-admin' | 'email-mismatch';

export class OrgMappingError extends Error {
  constructor(
    readonly refusal: OrgMappingRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'OrgMappingError';
  }
}

const sameEmail = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Sets the instance's IMS Org ID, or throws the first refusal that applies (HIPAA, read-only, org admin, email). */
export function setOrgMapping(state: InstanceState, request: OrgMappingRequest, now: number): OrgMapping {
  if (state.settings.hipaaReady) {
    throw new OrgMappingError(
      'hipaa-ready',
      `Instance ${state.munchkinId} is a HIPAA-ready deployment: it cannot use Adobe Organization Mapping or the Adobe integrations that need it`,
    );
  }
  if (state.settings.imsOnboarded) {
    const current = state.settings.orgMapping?.imsOrgId;
    throw new OrgMappingError(
      'read-only',
      `Instance ${state.munchkinId} is onboarded to the Adobe identity system: its IMS Org ID${current ? ` (${current})` : ''} is populated by Adobe and read-only`,
    );
  }
  if (!request.adobeUser.orgAdmin) {
    throw new OrgMappingError(
      'not-org-admin',
      `Adobe user ${request.adobeUser.email} is not an Org Admin of ${request.imsOrgId}; only an Org Admin of that organization can map it`,
    );
  }
  if (!sameEmail(request.adobeUser.email, request.marketoUser.email)) {
    throw new OrgMappingError(
      'email-mismatch',
      `Adobe user ${request.adobeUser.email} and Marketo user ${request.marketoUser.email} differ; the mapping needs the same login email in both`,
    );
  }
  const mapping: OrgMapping = { imsOrgId: request.imsOrgId, mappedBy: request.marketoUser.email, mappedAt: new Date(now).toISOString() };
  state.settings.orgMapping = mapping;
  return mapping;
}

/** Removes the mapping (Edit > clear); refused while the instance is IMS-onboarded. */
export function removeOrgMapping(state: InstanceState): void {
  if (state.settings.imsOnboarded) {
    throw new OrgMappingError('read-only', `Instance ${state.munchkinId} is onboarded to the Adobe identity system: its IMS Org ID is read-only`);
  }
  state.settings.orgMapping = null;
}
