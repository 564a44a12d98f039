// Sync Leads end to end (independent records, 1007), and the lead index's postings for keys shared by many leads.
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
    // The second record matched (case and spaces ignored) and wrote its email, stored trimmed.
    expect(read.body.result).toEqual([{ id: 1, email: 'ann@EXAMPLE.com', firstName: 'Ann', title: 'CEO', lastName: null }]);
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

describe('Lead index postings (a key shared by many leads)', () => {
  it('keeps ids ascending and unique through out-of-order adds and removals, collapsing to one id', async () => {
    const { LeadIndex } = await import('../simulator/domain/lead-index.js');
    const index = new LeadIndex();
    index.ensureField('segment');
    for (const id of [5, 1, 9, 3, 9, 7, 1]) index.add('segment', 'gold', id);
    expect(index.find('segment', 'gold')).toEqual([1, 3, 5, 7, 9]);
    index.remove('segment', 'gold', 4);
    index.remove('segment', 'gold', 5);
    index.remove('segment', 'gold', 1);
    expect(index.find('segment', 'gold')).toEqual([3, 7, 9]);
    index.remove('segment', 'gold', 9);
    index.remove('segment', 'gold', 3);
    expect(index.find('segment', 'gold')).toEqual([7]);
    index.remove('segment', 'gold', 7);
    expect(index.find('segment', 'gold')).toEqual([]);
  });

  it('finds leads by a shared custom value after updates move them between keys', async () => {
    const t = testSim({ config: { instances: [{ munchkinId: '123-ABC-456', fields: [{ name: 'segment', displayName: 'Segment', dataType: 'string' }] }] } });
    const token = await t.token();
    const auth = { Authorization: `Bearer ${token}` };
    const input = Array.from({ length: 12 }, (_, i) => ({ email: `p${i}@example.com`, segment: i % 2 === 0 ? 'even' : 'odd' }));
    await t.http.post('/rest/v1/leads.json').set(auth).send({ input });
    await t.http.post('/rest/v1/leads.json').set(auth).send({ input: [{ email: 'p4@example.com', segment: 'odd' }, { email: 'p7@example.com', segment: null }] });
    const odd = await t.http.get('/rest/v1/leads.json').query({ filterType: 'segment', filterValues: 'odd', fields: 'email' }).set(auth);
    expect(odd.body.result.map((r: { id: number }) => r.id)).toEqual([2, 4, 5, 6, 10, 12]);
    const even = await t.http.get('/rest/v1/leads.json').query({ filterType: 'segment', filterValues: 'even', fields: 'email' }).set(auth);
    expect(even.body.result.map((r: { id: number }) => r.id)).toEqual([1, 3, 7, 9, 11]);
  });
});
