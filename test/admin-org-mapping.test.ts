import { describe, expect, it } from 'vitest';
import { testSim } from './support/sim.js';

const ID = '123-ABC-456';
const ORG = '1231659F56A68A8B7F000101@AdobeOrg';
const request = (over: Record<string, unknown> = {}) => ({
  imsOrgId: ORG,
  adobeUser: { email: 'a@example.com', orgAdmin: true },
  marketoUser: { email: 'a@example.com' },
  ...over,
});

describe('Adobe Organization Mapping', () => {
  it('an Org Admin with the same email maps the instance', async () => {
    const t = testSim();
    const res = await t.http.post(`/__sim/instances/${ID}/org-mapping`).send(request({ marketoUser: { email: 'A@Example.com' } }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      munchkinId: ID,
      imsOrgId: ORG,
      mappedBy: 'A@Example.com',
      mappedAt: '2026-11-02T15:00:00.000Z',
      readOnly: false,
      hipaaReady: false,
    });
    expect((await t.http.get(`/__sim/instances/${ID}`)).body.settings.orgMapping).toEqual({ imsOrgId: ORG, mappedBy: 'A@Example.com', mappedAt: '2026-11-02T15:00:00.000Z' });
  });

  it('refuses each case with its own message and status', async () => {
    const t = testSim();
    const post = (body: unknown) => t.http.post(`/__sim/instances/${ID}/org-mapping`).send(body as object);

    const notAdmin = await post(request({ adobeUser: { email: 'a@example.com', orgAdmin: false } }));
    expect([notAdmin.status, notAdmin.body]).toEqual([
      403,
      { error: 'forbidden', reason: 'not-org-admin', message: `Adobe user a@example.com is not an Org Admin of ${ORG}; only an Org Admin of that organization can map it` },
    ]);

    const mismatch = await post(request({ marketoUser: { email: 'b@example.com' } }));
    expect([mismatch.status, mismatch.body]).toEqual([
      403,
      { error: 'forbidden', reason: 'email-mismatch', message: 'Adobe user a@example.com and Marketo user b@example.com differ; the mapping needs the same login email in both' },
    ]);

    t.sim.control.patchInstance(ID, { imsOnboarded: true, imsOrgId: 'AAAAAAAAAAAAAAAAAAAAAAAA@AdobeOrg' });
    const readOnly = await post(request());
    expect([readOnly.status, readOnly.body]).toEqual([
      409,
      {
        error: 'conflict',
        reason: 'read-only',
        message: 'Instance 123-ABC-456 is onboarded to the Adobe identity system: its IMS Org ID (AAAAAAAAAAAAAAAAAAAAAAAA@AdobeOrg) is populated by Adobe and read-only',
      },
    ]);
    expect((await t.http.delete(`/__sim/instances/${ID}/org-mapping`)).status).toBe(409);

    t.sim.control.patchInstance(ID, { imsOnboarded: false, hipaaReady: true, imsOrgId: null });
    const hipaa = await post(request());
    expect([hipaa.status, hipaa.body]).toEqual([
      409,
      {
        error: 'conflict',
        reason: 'hipaa-ready',
        message: 'Instance 123-ABC-456 is a HIPAA-ready deployment: it cannot use Adobe Organization Mapping or the Adobe integrations that need it',
      },
    ]);
    expect(t.sim.control.getOrgMapping(ID)).toMatchObject({ imsOrgId: null, hipaaReady: true });
    // Each refusal is in the inspection log.
    const refusals = t.sim.control.log.query({ kind: 'control' }).entries.filter((e) => e.message.startsWith('org mapping refused'));
    expect(refusals.map((e) => e.message.slice(0, e.message.indexOf(')') + 1))).toEqual([
      'org mapping refused (not-org-admin)',
      'org mapping refused (email-mismatch)',
      'org mapping refused (read-only)',
      'org mapping refused (hipaa-ready)',
    ]);
  });

  it('validates the IMS Org ID form and the users (400 naming the field)', async () => {
    const t = testSim();
    const bad = await t.http.post(`/__sim/instances/${ID}/org-mapping`).send(request({ imsOrgId: 'ABC@AdobeOrg' }));
    expect([bad.status, bad.body.field, bad.body.message]).toEqual([
      400,
      'imsOrgId',
      'invalid org mapping: imsOrgId: an IMS Org ID is 24 letters or digits followed by @AdobeOrg',
    ]);
    const noUser = await t.http.post(`/__sim/instances/${ID}/org-mapping`).send({ imsOrgId: ORG, adobeUser: { email: 'a@example.com', orgAdmin: true } });
    expect([noUser.status, noUser.body.field]).toEqual([400, 'marketoUser']);
  });

  it('can be removed when not onboarded', async () => {
    const t = testSim();
    t.sim.control.setOrgMapping(ID, request());
    const res = await t.http.delete(`/__sim/instances/${ID}/org-mapping`);
    expect(res.body).toMatchObject({ imsOrgId: null, readOnly: false });
  });
});
