// Who is calling: the access token from the Authorization header or the legacy access_token parameter, checked (600/601/602).
import type { Request } from 'express';
import { ERR, MarketoError } from './errors.js';
import type { Params } from './body.js';
import { checkToken } from '../domain/tokens.js';
import type { InstanceState, Service } from '../domain/instance.js';

export interface Caller {
  service: Service;
  token: string;
  /** The token came in the `access_token` parameter, which Marketo is removing (reported in the inspection log). */
  viaDeprecatedParam: boolean;
}

/** The header wins when both are sent; `access_token` is read from the query or a form body. */
export function authenticate(req: Request, params: Params, instance: InstanceState, now: number): Caller {
  const header = req.headers.authorization;
  let token: string | undefined;
  let viaDeprecatedParam = false;
  if (header !== undefined) {
    const m = /^Bearer\s+(.*)$/i.exec(header.trim());
    token = m ? m[1].trim() : '';
  }
  if (!token) {
    const param = params.get('access_token');
    if (param) {
      token = param;
      viaDeprecatedParam = true;
    }
  }
  if (!token) throw new MarketoError(ERR.EMPTY_ACCESS_TOKEN);
  const check = checkToken(instance, token, now);
  if (!check.ok) throw new MarketoError(check.reason);
  return { service: check.service, token, viaDeprecatedParam };
}
