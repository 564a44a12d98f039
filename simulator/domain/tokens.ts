// Access tokens: issued per service, reused with their remaining life until 3600 s pass, bound to their instance.
import { ERR, type MarketoReason } from '../http/errors.js';
import { serviceByClientId, type InstanceState, type Service, type TokenRecord } from './instance.js';
import type { Random } from './random.js';

export interface IssuedToken {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  scope: string;
}

/** Calling Identity before expiry "returns the same token and its remaining lifespan" (DEV authentication.md). */
export function issueToken(state: InstanceState, service: Service, now: number, random: Random): IssuedToken {
  let record = [...state.tokens.values()].find((t) => t.clientId === service.clientId && !t.revoked && t.expiresAt > now);
  if (!record) {
    pruneTokens(state, now);
    record = {
      token: `${random.uuid()}:${state.settings.tokenPod}`,
      clientId: service.clientId,
      issuedAt: now,
      expiresAt: now + state.settings.tokenTtlSeconds * 1000,
      revoked: false,
    };
    state.tokens.set(record.token, record);
  }
  return {
    access_token: record.token,
    token_type: 'bearer',
    // A fresh token reports 3599, and a still-valid token in its last second reports 0 (both recorded).
    expires_in: Math.max(0, Math.ceil((record.expiresAt - now) / 1000) - 1),
    scope: service.userEmail,
  };
}

export type TokenCheck = { ok: true; service: Service; record: TokenRecord } | { ok: false; reason: MarketoReason };

/** 601 for a token this instance never issued (or revoked, or whose service is gone); 602 once expired. */
export function checkToken(state: InstanceState, token: string, now: number): TokenCheck {
  const record = state.tokens.get(token);
  if (!record || record.revoked) return { ok: false, reason: ERR.ACCESS_TOKEN_INVALID };
  const service = serviceByClientId(state, record.clientId);
  if (!service) return { ok: false, reason: ERR.ACCESS_TOKEN_INVALID };
  if (record.expiresAt <= now) return { ok: false, reason: ERR.ACCESS_TOKEN_EXPIRED };
  return { ok: true, service, record };
}

/** Revokes tokens (all of the instance, or one service's); their next use answers 601. */
export function revokeTokens(state: InstanceState, clientId?: string): number {
  let count = 0;
  for (const record of state.tokens.values()) {
    if (record.revoked || (clientId !== undefined && record.clientId !== clientId)) continue;
    record.revoked = true;
    count++;
  }
  return count;
}

/** Forgets tokens expired for more than a day, so a long run does not grow without bound (602 turns into 601 then). */
function pruneTokens(state: InstanceState, now: number): void {
  for (const [token, record] of state.tokens) if (record.expiresAt < now - 86_400_000) state.tokens.delete(token);
}
