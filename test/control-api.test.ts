import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { testSim } from './support/sim.js';
import { createControlRouter } from '../simulator/control/index.js';
import { ControlError } from '../simulator/index.js';

const ID = '123-ABC-456';

describe('control plane: instances', () => {
  it('lists, creates, reads and patches instances; unknown ones are 404', async () => {
    const t = testSim();
    expect((await t.http.get('/__sim/instances')).body).toEqual([
      { munchkinId: ID, name: ID, leads: 0, partitions: 1, services: 1, hipaaReady: false, imsOrgId: null },
    ]);
    const created = await t.http.post('/__sim/instances').send({
      munchkinId: '555-xyz-777',
      name: 'Second',
      partitions: [{ name: 'EMEA' }],
      workspaces: [{ name: 'Europe', partitions: ['EMEA'] }],
      services: [{ name: 'AEP', inputSource: 'Adobe Experience Platform', workspaces: ['Europe'], permissions: ['Read-Write Person'] }],
      leads: 3,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      munchkinId: '555-XYZ-777',
      name: 'Second',
      partitions: [
        { id: 1, name: 'Default', leads: 3 },
        { id: 2, name: 'EMEA', leads: 0 },
      ],
      workspaces: [{ name: 'Default' }, { name: 'Europe', partitions: ['EMEA'], primaryPartition: 'EMEA' }],
      services: [{ name: 'AEP', inputSource: 'Adobe Experience Platform', workspaces: ['Europe'], permissions: ['Read-Write Person'] }],
      counts: { leads: 3, activities: 3, tokens: 0 },
    });
    // The new instance's credentials work on its own base path.
    const svc = created.body.services[0];
    const token = await t.http
      .get('/555-XYZ-777/identity/oauth/token')
      .query({ grant_type: 'client_credentials', client_id: svc.clientId, client_secret: svc.clientSecret });
    expect(token.status).toBe(200);
    expect((await t.http.post('/__sim/instances').send({ munchkinId: '555-XYZ-777' })).status).toBe(409);
    const huge = await t.http.post('/__sim/instances').send({ munchkinId: '111-AAA-111', leads: 20_000_000 });
    expect([huge.status, huge.body.field, huge.body.message]).toEqual([400, 'leads', 'invalid instance definition: leads: at most 10,000,000 seeded leads per instance']);
    const bad = await t.http.post('/__sim/instances').send({ munchkinId: 'ABC' });
    expect([bad.status, bad.body.field]).toEqual([400, 'munchkinId']);
    const badWs = await t.http.post('/__sim/instances').send({ munchkinId: '111-AAA-111', services: [{ name: 'S', workspaces: ['Nowhere'] }] });
    expect([badWs.status, badWs.body.field]).toEqual([400, 'services[0].workspaces[0]']);
    expect((await t.http.get('/__sim/instances/555-xyz-777')).body.name).toBe('Second');
    const missing = await t.http.get('/__sim/instances/999-ZZZ-999');
    expect([missing.status, missing.body]).toEqual([404, { error: 'not_found', message: "instance '999-ZZZ-999' not found (known: 123-ABC-456, 555-XYZ-777)" }]);
    expect((await t.http.patch('/__sim/instances/999-ZZZ-999').send({ hipaaReady: true })).status).toBe(404);
  });

  it('PATCH takes the documented body and refuses unknown settings', async () => {
    const t = testSim();
    const res = await t.http
      .patch(`/__sim/instances/${ID}`)
      .send({ dedupe: { partitionScoped: true }, hipaaReady: false, limits: { ratePer20s: 100, concurrent: 10, dailyQuota: 50000 } });
    expect(res.status).toBe(200);
    expect(res.body.settings).toMatchObject({
      dedupe: { partitionScoped: true },
      hipaaReady: false,
      limits: { enabled: false, ratePer20s: 100, concurrent: 10, dailyQuota: 50000, rateWindowSeconds: 20 },
    });
    const bad = await t.http.patch(`/__sim/instances/${ID}`).send({ dedupe: { partitionScoped: 'yes' } });
    expect([bad.status, bad.body.field, bad.body.message]).toEqual([400, 'dedupe.partitionScoped', 'invalid instance settings: dedupe.partitionScoped: Invalid input: expected boolean, received string']);
    const unknown = await t.http.patch(`/__sim/instances/${ID}`).send({ colour: 'blue' });
    expect([unknown.status, unknown.body.message]).toEqual([400, 'invalid instance settings: (root): Unrecognized key: "colour"']);
  });
});

describe('control plane: partitions, workspaces, services, leads', () => {
  it('creates partitions and workspaces with the documented bodies', async () => {
    const t = testSim();
    const p = await t.http.post(`/__sim/instances/${ID}/partitions`).send({ name: 'North America', description: 'NA leads' });
    expect([p.status, p.body]).toEqual([201, { id: 2, name: 'North America', description: 'NA leads', leads: 0 }]);
    const dup = await t.http.post(`/__sim/instances/${ID}/partitions`).send({ name: 'North America' });
    expect([dup.status, dup.body.message]).toEqual([409, "name: partition 'North America' already exists"]);
    const w = await t.http.post(`/__sim/instances/${ID}/workspaces`).send({ name: 'NA', partitions: ['North America', 'Default'], primaryPartition: 'North America' });
    expect([w.status, w.body]).toEqual([201, { id: 2, name: 'NA', description: '', partitions: ['North America', 'Default'], primaryPartition: 'North America' }]);
    const badWs = await t.http.post(`/__sim/instances/${ID}/workspaces`).send({ name: 'X', partitions: ['Nope'] });
    expect([badWs.status, badWs.body.field, badWs.body.message]).toEqual([400, 'partitions[0]', "partitions[0]: partition 'Nope' does not exist"]);
    const dupWs = await t.http.post(`/__sim/instances/${ID}/workspaces`).send({ name: 'NA', partitions: ['Default'] });
    expect([dupWs.status, dupWs.body.field, dupWs.body.message]).toEqual([409, 'name', "name: workspace 'NA' already exists"]);
    const badPrimary = await t.http.post(`/__sim/instances/${ID}/workspaces`).send({ name: 'Y', partitions: ['Default'], primaryPartition: 'North America' });
    expect([badPrimary.status, badPrimary.body.field]).toEqual([400, 'primaryPartition']);
    const unknownKey = await t.http.post(`/__sim/instances/${ID}/partitions`).send({ name: 'Z', colour: 'red' });
    expect([unknownKey.status, unknownKey.body.field, unknownKey.body.message]).toEqual([400, 'colour', 'invalid partition: (root): Unrecognized key: "colour"']);
    const moved = await t.http.patch(`/__sim/instances/${ID}/workspaces/NA`).send({ partitions: ['Default'] });
    expect(moved.body).toMatchObject({ partitions: ['Default'], primaryPartition: 'Default' });
    expect((await t.http.patch(`/__sim/instances/${ID}/workspaces/Nope`).send({ partitions: ['Default'] })).status).toBe(404);
    expect((await t.http.get(`/__sim/instances/${ID}/partitions`)).body.map((x: { name: string }) => x.name)).toEqual(['Default', 'North America']);
  });

  it('creates a service with the documented body and returns working credentials', async () => {
    const t = testSim();
    const res = await t.http
      .post(`/__sim/instances/${ID}/services`)
      .send({ name: 'AEP', inputSource: 'Adobe Experience Platform', permissions: ['Read-Write Person'], workspaces: ['Default'] });
    expect(res.status).toBe(201);
    const { clientId, clientSecret } = res.body;
    const token = await t.http.get('/identity/oauth/token').query({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret });
    expect(token.body).toMatchObject({ token_type: 'bearer', expires_in: 3599, scope: 'aep@123-abc-456.api' });
    const bad = await t.http.post(`/__sim/instances/${ID}/services`).send({ name: 'X', permissions: ['Read-Write Everything'] });
    expect([bad.status, bad.body.field]).toEqual([400, 'permissions[0]']);
    const taken = await t.http.post(`/__sim/instances/${ID}/services`).send({ name: 'Y', clientId });
    expect(taken.status).toBe(409);
    // A second service of the same name would share (and rewrite) the first one's role: refused, the first one unchanged.
    const twin = await t.http.post(`/__sim/instances/${ID}/services`).send({ name: 'AEP', permissions: ['Read-Only Person'] });
    expect([twin.status, twin.body]).toEqual([409, { error: 'conflict', field: 'name', message: "name: service 'AEP' already exists" }]);
    expect(t.sim.control.listServices(ID).find((s) => s.name === 'AEP')?.permissions).toEqual(['Read-Write Person']);
    const twins = await t.http.post('/__sim/instances').send({ munchkinId: '111-AAA-111', services: [{ name: 'A' }, { name: 'A' }] });
    expect([twins.status, twins.body.field, twins.body.message]).toEqual([400, 'services[1]', "invalid instance definition: services[1]: service 'A' already exists"]);
    expect((await t.http.get(`/__sim/instances/${ID}/services`)).body).toHaveLength(2);
    const revoked = await t.http.delete(`/__sim/instances/${ID}/tokens`).query({ clientId });
    expect(revoked.body).toEqual({ revoked: 1 });
  });

  it('inserts leads into a partition (bypassing API limits) and lists them paged', async () => {
    const t = testSim();
    await t.http.patch(`/__sim/instances/${ID}`).send({ limits: { enabled: true, ratePer20s: 1 } });
    await t.http.post(`/__sim/instances/${ID}/partitions`).send({ name: 'North America' });
    const res = await t.http
      .post(`/__sim/instances/${ID}/leads`)
      .send({ partition: 'North America', leads: [{ email: 'test@example.com', company: 'Example Inc.' }, { email: 'b@example.com' }, { email: 'c@example.com' }] });
    expect([res.status, res.body]).toEqual([201, { ids: [1, 2, 3], partition: 'North America' }]);
    const page1 = await t.http.get(`/__sim/instances/${ID}/leads`).query({ limit: 2 });
    expect(page1.body).toEqual({
      total: 3,
      next: 2,
      leads: [
        { id: 1, partition: 'North America', partitionId: 2, createdAt: '2026-11-02T15:00:00Z', updatedAt: '2026-11-02T15:00:00Z', email: 'test@example.com', company: 'Example Inc.' },
        { id: 2, partition: 'North America', partitionId: 2, createdAt: '2026-11-02T15:00:00Z', updatedAt: '2026-11-02T15:00:00Z', email: 'b@example.com' },
      ],
    });
    const page2 = await t.http.get(`/__sim/instances/${ID}/leads`).query({ limit: 2, after: 2 });
    expect([page2.body.next, page2.body.leads.map((l: { id: number }) => l.id)]).toEqual([null, [3]]);
    expect((await t.http.get(`/__sim/instances/${ID}/leads`).query({ partition: 'Default' })).body.total).toBe(0);
    expect((await t.http.get(`/__sim/instances/${ID}/leads`).query({ email: 'TEST@example.com' })).body.leads[0].id).toBe(1);
    // Nothing half-inserted when one record is bad; the message names the record.
    const bad = await t.http.post(`/__sim/instances/${ID}/leads`).send({ leads: [{ email: 'ok@x.com' }, { email: 'x@x.com', leadScore: 'high' }] });
    expect([bad.status, bad.body]).toEqual([400, { error: 'bad_request', field: 'leads[1]', message: "leads[1]: Invalid value 'high'. Required of type 'integer' (1001)" }]);
    const noPartition = await t.http.post(`/__sim/instances/${ID}/leads`).send({ partition: 'Mars', leads: [{ email: 'm@x.com' }] });
    expect([noPartition.status, noPartition.body.field]).toEqual([400, 'partition']);
    expect((await t.http.get(`/__sim/instances/${ID}/leads`)).body.total).toBe(3);
    expect(t.sim.control.getLimits(ID).usage.dayCalls).toBe(0);
    const badQuery = await t.http.get(`/__sim/instances/${ID}/leads`).query({ limit: 0 });
    expect([badQuery.status, badQuery.body.field]).toEqual([400, 'limit']);
  });
});

describe('control plane: reset, snapshot, log, errors, admin token', () => {
  it('reset returns to the seeded state with the same credentials and leads', async () => {
    const t = testSim({ leads: 4 });
    const before = (await t.http.get(`/__sim/instances/${ID}`)).body;
    await t.http.post(`/__sim/instances/${ID}/partitions`).send({ name: 'Extra' });
    await t.http.post(`/__sim/instances/${ID}/leads`).send({ leads: [{ email: 'z@x.com' }] });
    t.sim.control.faults.add({ drop: true });
    const res = await t.http.post('/__sim/reset');
    expect(res.body).toEqual({ instances: [ID] });
    expect((await t.http.get(`/__sim/instances/${ID}`)).body).toEqual(before);
    expect(t.sim.control.faults.list()).toEqual([]);
  });

  it('GET /snapshot then PUT /snapshot restores the whole state; other formats are refused', async () => {
    const t = testSim();
    await t.http.post(`/__sim/instances/${ID}/partitions`).send({ name: 'North America' });
    await t.http.post(`/__sim/instances/${ID}/leads`).send({ partition: 'North America', leads: [{ email: 'keep@x.com' }] });
    const token = await t.token();
    const snap = (await t.http.get('/__sim/snapshot')).body;
    expect(snap).toMatchObject({ format: 'marketo-engage-emulator-state', version: 1, clock: { now: '2026-11-02T15:00:00.000Z', frozen: true } });
    await t.http.post('/__sim/reset');
    expect((await t.http.get(`/__sim/instances/${ID}/leads`)).body.total).toBe(0);
    const restored = await t.http.put('/__sim/snapshot').send(snap);
    expect(restored.body).toEqual({ instances: [ID] });
    expect((await t.http.get(`/__sim/instances/${ID}/leads`)).body.leads.map((l: { email: string; partition: string }) => [l.email, l.partition])).toEqual([['keep@x.com', 'North America']]);
    // Tokens survive a restore.
    expect((await t.http.get('/rest/v1/lead/1.json').set('Authorization', `Bearer ${token}`)).body.result[0].email).toBe('keep@x.com');
    const wrong = await t.http.put('/__sim/snapshot').send({ ...snap, version: 2 });
    expect([wrong.status, wrong.body]).toEqual([400, { error: 'bad_request', field: 'version', message: 'invalid snapshot: version: unknown format version 2; this emulator reads version 1' }]);
    const damaged = await t.http.put('/__sim/snapshot').send({ ...snap, instances: [{ ...snap.instances[0], leads: [[1, 2]] }] });
    expect([damaged.status, damaged.body.field]).toEqual([400, 'instances[0].leads[0]']);
    expect((await t.http.get(`/__sim/instances/${ID}/leads`)).body.total).toBe(1);
  });

  it('PUT /snapshot checks every part: a damaged snapshot is 400 naming the part and nothing changes (it used to load and answer 500 later)', async () => {
    const t = testSim({ leads: 2 });
    const h = { Authorization: `Bearer ${await t.token()}` };
    const snap = (await t.http.get('/__sim/snapshot')).body;
    type Snap = typeof snap;
    const cases: [string, (s: Snap) => void, string, string][] = [
      ['lead in a missing partition', (s) => (s.instances[0].leads[0][1] = 99), 'instances[0].leads[0][1]', 'no partition with id 99'],
      ['lead value not a scalar', (s) => (s.instances[0].leads[0][4].email = { a: 1 }), 'instances[0].leads[0][4].email', 'must be a string, number, boolean or null'],
      ['lead value of an unknown field', (s) => (s.instances[0].leads[0][4].colour = 'red'), 'instances[0].leads[0][4].colour', 'no such field'],
      ['lead id counter behind', (s) => (s.instances[0].counters.nextLeadId = 1), 'instances[0].counters.nextLeadId', 'must be greater than 2, the highest lead id in use'],
      ['activity id counter behind', (s) => (s.instances[0].counters.nextActivityId = 2), 'instances[0].counters.nextActivityId', 'must be greater than 2, the highest activity id in use'],
      ['limits of the wrong type', (s) => (s.instances[0].settings.limits = { enabled: 'yes' }), 'instances[0].settings.limits.enabled', 'Invalid input: expected boolean, received string'],
      ['dedupe rule null', (s) => (s.instances[0].settings.dedupe = null), 'instances[0].settings.dedupe', 'Invalid input: expected object, received null'],
      ['unknown permission', (s) => (s.instances[0].roles[0].permissions = ['Everything']), 'instances[0].roles[0].permissions[0]', 'Invalid option: expected one of'],
      ['workspace on a missing partition', (s) => (s.instances[0].workspaces[0].partitionIds = [7]), 'instances[0].workspaces[0].partitionIds[0]', 'no partition with id 7'],
      ['service of a missing user', (s) => (s.instances[0].services[0].userEmail = 'nobody@x'), 'instances[0].services[0].userEmail', "no user 'nobody@x'"],
      ['duplicate field', (s) => s.instances[0].fields.push(s.instances[0].fields[0]), `instances[0].fields[${snap.instances[0].fields.length}]`, 'duplicate field name'],
      ['clock beyond 9999', (s) => (s.clock.now = '+275760-09-13T00:00:00.000Z'), 'clock.now', 'must be an ISO date between 1970 and 9999'],
    ];
    for (const [what, damage, field, message] of cases) {
      const copy = structuredClone(snap);
      damage(copy);
      const res = await t.http.put('/__sim/snapshot').send(copy);
      expect([what, res.status, res.body.field, res.body.message]).toEqual([what, 400, field, expect.stringContaining(`invalid snapshot: ${field}: ${message}`)]);
    }
    // Nothing changed: the same snapshot, a working clock and API.
    expect({ ...(await t.http.get('/__sim/snapshot')).body, savedAt: snap.savedAt }).toEqual(snap);
    expect((await t.http.get('/rest/v1/lead/1.json').set(h)).body.result).toHaveLength(1);
  });

  it('GET /log filters by instance, kind and client, and pages with after/limit', async () => {
    const t = testSim();
    const h = { Authorization: `Bearer ${await t.token()}` };
    for (let i = 0; i < 3; i++) await t.http.get('/rest/v1/leads/partitions.json').set(h);
    await t.http.get('/rest/v1/leads/partitions.json?access_token=' + (await t.token()));
    const page = await t.http.get('/__sim/log').query({ munchkinId: ID, kind: 'request', clientId: t.service.clientId, limit: 2 });
    expect(page.body.entries.map((e: { message: string; status: number }) => [e.message, e.status])).toEqual([
      ['GET /identity/oauth/token -> 200', 200],
      ['GET /rest/v1/leads/partitions.json -> 200', 200],
    ]);
    const rest = await t.http.get('/__sim/log').query({ kind: 'request', after: page.body.next });
    expect(rest.body.entries).toHaveLength(3);
    expect(rest.body.next).toBeNull();
    const deprecated = await t.http.get('/__sim/log').query({ kind: 'deprecated' });
    expect(deprecated.body.entries[0].message).toBe('access_token sent as a parameter (deprecated; use the Authorization: Bearer header)');
    const bad = await t.http.get('/__sim/log').query({ kind: 'everything' });
    expect([bad.status, bad.body.field]).toEqual([400, 'kind']);
    expect((await t.http.get('/__sim/log').query({ munchkinId: '999-ZZZ-999' })).status).toBe(404);
  });

  it('malformed JSON is 400; unknown control routes are 404; in-process errors are ControlError', async () => {
    const t = testSim();
    const res = await t.http.post(`/__sim/instances/${ID}/partitions`).set('Content-Type', 'application/json').send('{"name":');
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^the body is not valid JSON/);
    // A JSON body sent with another Content-Type (curl -d sends a form type) is read as JSON, not ignored.
    const curlish = await t.http.post(`/__sim/instances/${ID}/partitions`).set('Content-Type', 'application/x-www-form-urlencoded').send('{"name":"EMEA"}');
    expect([curlish.status, curlish.body.name]).toEqual([201, 'EMEA']);
    const form = await t.http.post(`/__sim/instances/${ID}/partitions`).set('Content-Type', 'application/x-www-form-urlencoded').send('name=APAC');
    expect([form.status, form.body.message]).toEqual([400, expect.stringMatching(/^the body is not valid JSON/)]);
    expect((await t.http.get('/__sim/nothing')).status).toBe(404);
    let caught: unknown;
    try {
      t.sim.control.createPartition('999-ZZZ-999', { name: 'X' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ControlError);
    expect((caught as ControlError).status).toBe(404);
  });

  it('on a non-loopback address the control plane needs the admin token', async () => {
    const t = testSim();
    const app = express();
    app.use('/__sim', createControlRouter(t.sim.runtime, t.sim.control, { required: true, token: 'secret-token' }));
    const http = request(app);
    const denied = await http.get('/__sim/instances');
    expect([denied.status, denied.body]).toEqual([
      401,
      {
        error: 'unauthorized',
        message: "the control plane needs the admin token on a non-loopback address: send 'Authorization: Bearer <token>', 'x-sim-admin-token: <token>' or ?admin_token=<token>",
      },
    ]);
    expect((await http.get('/__sim/instances').set('Authorization', 'Bearer wrong')).status).toBe(401);
    expect((await http.get('/__sim/instances').set('Authorization', 'Bearer secret-token')).status).toBe(200);
    expect((await http.get('/__sim/instances').set('X-Sim-Admin-Token', 'secret-token')).status).toBe(200);
    expect((await http.get('/__sim/log').query({ admin_token: 'secret-token', limit: 1 })).status).toBe(200);
    // Listening on loopback does not ask for it.
    const url = await t.sim.listen(0, '127.0.0.1');
    try {
      const res = await fetch(`${url}/__sim/instances`);
      expect(res.status).toBe(200);
    } finally {
      await t.sim.close();
    }
  });
});
