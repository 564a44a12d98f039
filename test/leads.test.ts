import { describe, expect, it } from 'vitest';
import { testSim } from './support/sim.js';

describe('Sync Leads (POST /rest/v1/leads.json)', () => {
  it('creates, updates and skips records independently, in input order', async () => {
    const t = testSim();
    const token = await t.token();
    const res = await t.http
      .post('/rest/v1/leads.json')
      .set('Authorization', `Bearer ${token}`)
      .send({
        input: [
          { email: 'Ann@Example.com', firstName: 'Ann' },
          { email: ' ann@EXAMPLE.com', title: 'CEO' },
          { email: 'x@example.com', foo: 1 },
          { email: 'y@example.com', leadScore: 'high' },
          { firstName: 'No email' },
        ],
      });
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    expect(res.body.requestId).toMatch(/^[0-9a-f]{1,5}#[0-9a-f]+$/);
    expect(res.body.result).toEqual([
      { id: 1, status: 'created' },
      { id: 1, status: 'updated' },
      { status: 'skipped', reasons: [{ code: '1006', message: "Field 'foo' not found" }] },
      { status: 'skipped', reasons: [{ code: '1001', message: "Invalid value 'high'. Required of type 'integer'" }] },
      { status: 'skipped', reasons: [{ code: '1003', message: 'Invalid data' }] },
    ]);
    const read = await t.http
      .get('/rest/v1/lead/1.json')
      .query({ fields: 'email,firstName,title,lastName' })
      .set('Authorization', `Bearer ${token}`);
    expect(read.body.result).toEqual([{ id: 1, email: ' ann@EXAMPLE.com', firstName: 'Ann', title: 'CEO', lastName: null }]);
  });

  it('skips the second lead matching a key with the wire 1007 message', async () => {
    const t = testSim();
    const token = await t.token();
    const auth = { Authorization: `Bearer ${token}` };
    await t.http.post('/rest/v1/leads.json').set(auth).send({ action: 'createDuplicate', input: [{ email: 'd@x.com' }, { email: 'd@x.com' }] });
    const res = await t.http.post('/rest/v1/leads.json').set(auth).send({ input: [{ email: 'D@x.com', firstName: 'Dup' }] });
    expect(res.body.result).toEqual([{ status: 'skipped', reasons: [{ code: '1007', message: 'Multiple lead match lookup criteria' }] }]);
  });
});
