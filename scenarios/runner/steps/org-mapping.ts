// The `mapOrg` step: Admin > Integration > Adobe Organization Mapping through the control plane, refusals included.
import { ControlError } from '../../../simulator/control/errors.js';
import type { OrgMappingStep } from '../schema.js';
import type { ApiAnswer, World } from '../world.js';
import { expectAnswer } from '../expect/api.js';
import type { Failure } from '../match.js';

const DEFAULT_ADMIN = { email: 'admin@example.com', orgAdmin: true };

/** Maps (or unmaps) the org; the answer is kept like an HTTP one: 200 and the mapping, or the refusal's status and body. */
export function mapOrg(world: World, step: OrgMappingStep, at: string): Failure[] {
  const munchkinId = (step.instance ?? world.defaultInstance).toUpperCase();
  const control = world.sim.control;
  let answer: ApiAnswer;
  try {
    if (step.imsOrgId === null) {
      answer = { status: 200, body: control.removeOrgMapping(munchkinId) };
    } else {
      const adobeUser = step.adobeUser ?? DEFAULT_ADMIN;
      answer = { status: 200, body: control.setOrgMapping(munchkinId, { imsOrgId: step.imsOrgId, adobeUser, marketoUser: step.marketoUser ?? { email: adobeUser.email } }) };
    }
  } catch (e) {
    if (!(e instanceof ControlError)) throw e;
    answer = { status: e.status, body: e.toJSON() };
  }
  if (step.id !== undefined) world.answers.set(step.id, answer);
  return step.expect ? expectAnswer(step.expect, answer, `${at}.expect`) : [];
}
