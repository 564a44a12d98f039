// Wire tests: the envelope, HTTP-level refusals (413/414), 605/609/610/612, _method overrides, gzip, instance routing, 614.
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { testSim } from './support/sim.js';
import type { ConfigFile } from '../simulator/config.js';

const REQUEST_ID = /^[0-9a-f]{1,5}#[0-9a-f]+$/;

const TWO_INSTANCES: ConfigFile = {
  instances: [
    { munchkinId: '111-AAA-111', services: [{ name: 'A', clientId: 'client-a', clientSecret: 'secret-a' }] },
    { munchkinId: '222-BBB-222', services: [{ name: 'B', clientId: 'client-b', clientSecret: 'secret-b' }] },
  ],
};

async function auth(t: ReturnType<typeof testSim>) {
  return { Authorization: `Bearer ${await t.token()}` };
}

describe('The envelope', () => {
  it('success: requestId <hex>#<epoch ms hex>, result, success, no errors or warnings', async () => {
    const t = testSim();
    const res = await t.http.get('/rest/v1/leads/partitions.json').set(await auth(t));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json;charset=UTF-8');
    expect(res.headers.server).toBe('nginx');
    expect(Object.keys(res.body)).toEqual(['requestId', 'result', 'success']);
    expect(res.body.requestId).toMatch(REQUEST_ID);
    expect(res.body.requestId.split('#')[1]).toBe(t.clock.now().toString(16));
    expect(res.body.success).toBe(true);
  });

  it('failure: HTTP 200, requestId, success false, errors with string codes, no result', async () => {
    const t = testSim();
    const res = await t.http.get('/rest/v1/leads/partitions.json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['requestId', 'success', 'errors']);
    expect(res.body.requestId).toMatch(REQUEST_ID);
    expect(res.body.success).toBe(false);
    expect(res.body.errors).toEqual([{ code: '600', message: 'Empty access token' }]);
    expect(typeof res.body.errors[0].code).toBe('string');
  });

  it('record-level reason codes are strings too', async () => {
    const t = testSim();
    const res = await t.http.post('/rest/v1/leads.json').set(await auth(t)).send({ action: 'updateOnly', input: [{ email: 'nobody@example.com' }] });
    expect(res.body.result).toEqual([{ status: 'skipped', reasons: [{ code: '1004', message: 'Lead not found' }] }]);
  });

  it('request ids differ between calls and follow the seed', async () => {
    const a = testSim();
    const b = testSim();
    const idsA: string[] = [];
    const idsB: string[] = [];
    for (let i = 0; i < 3; i++) {
      idsA.push((await a.http.get('/rest/v1/leads/partitions.json')).body.requestId);
      idsB.push((await b.http.get('/rest/v1/leads/partitions.json')).body.requestId);
    }
    expect(new Set(idsA).size).toBe(3);
    expect(idsB).toEqual(idsA);
  });
});

describe('HTTP-level refusals', () => {
  it('413 for a body over 1 MB, as the gateway nginx page', async () => {
    const t = testSim();
    const big = JSON.stringify({ input: [{ email: 'a@example.com', mktoPersonNotes: 'x'.repeat(1024 * 1024) }] });
    const res = await t.http.post('/rest/v1/leads.json').set(await auth(t)).set('Content-Type', 'application/json').send(big);
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toBe('text/html');
    expect(res.text).toContain('<title>413 Request Entity Too Large</title>');
    expect(res.text).toContain('<center>nginx</center>');
    expect(t.sim.runtime.firstInstance().leads.size).toBe(0);
  });

  it('accepts a body of exactly 1 MB', async () => {
    const t = testSim();
    const prefix = '{"input":[{"email":"a@example.com"}],"pad":"';
    const body = prefix + 'x'.repeat(1024 * 1024 - prefix.length - 2) + '"}';
    expect(Buffer.byteLength(body)).toBe(1024 * 1024);
    const res = await t.http.post('/rest/v1/leads.json').set(await auth(t)).set('Content-Type', 'application/json').send(body);
    expect(res.status).toBe(200);
  });

  it('414 for a URI over 8 KB', async () => {
    const t = testSim();
    const values = Array.from({ length: 600 }, (_, i) => `person${i}@example.com`).join(',');
    const res = await t.http.get('/rest/v1/leads.json').query({ filterType: 'email', filterValues: values }).set(await auth(t));
    expect(res.status).toBe(414);
    expect(res.text).toContain('<title>414 Request-URI Too Large</title>');
  });
});

describe('Response-level request errors', () => {
  it('605 for a method the resource does not support', async () => {
    const t = testSim();
    const res = await t.http.get('/rest/v1/leads/delete.json').set(await auth(t));
    expect(res.body.errors).toEqual([{ code: '605', message: "Request method 'GET' not supported" }]);
    const post = await t.http.post('/rest/v1/leads/describe.json').set(await auth(t)).send({});
    expect(post.body.errors).toEqual([{ code: '605', message: "Request method 'POST' not supported" }]);
    const put = await t.http.put('/rest/v1/leads.json').set(await auth(t)).send({});
    expect(put.body.errors).toEqual([{ code: '605', message: "Request method 'PUT' not supported" }]);
  });

  it('609 for a JSON body that does not parse', async () => {
    const t = testSim();
    const res = await t.http.post('/rest/v1/leads.json').set(await auth(t)).set('Content-Type', 'application/json').send('{"input":[');
    expect(res.body.errors).toEqual([{ code: '609', message: 'Invalid JSON' }]);
  });

  it('610 for a path that names no resource', async () => {
    const t = testSim();
    for (const path of ['/rest/v1/nothing.json', '/rest/v1/leads.json/test3', '/rest/v2/leads.json']) {
      const res = await t.http.get(path).set(await auth(t));
      expect(res.body.errors).toEqual([{ code: '610', message: 'Requested resource not found' }]);
    }
  });

  it('612 for a body without a JSON content type', async () => {
    const t = testSim();
    const text = await t.http.post('/rest/v1/leads.json').set(await auth(t)).set('Content-Type', 'text/plain').send('{"input":[]}');
    expect(text.body.errors).toEqual([{ code: '612', message: 'Invalid Content Type' }]);
    const form = await t.http.post('/rest/v1/leads.json').set(await auth(t)).type('form').send({ input: 'x' });
    expect(form.body.errors).toEqual([{ code: '612', message: 'Invalid Content Type' }]);
  });

  it('613 for a multipart body', async () => {
    const t = testSim();
    const res = await t.http.post('/rest/v1/leads.json').set(await auth(t)).field('input', '[]');
    expect(res.body.errors).toEqual([{ code: '613', message: 'Invalid Multipart Request' }]);
  });

  it('701 when a required parameter is missing', async () => {
    const t = testSim();
    const res = await t.http.get('/rest/v1/leads.json').query({ filterValues: 'a@example.com' }).set(await auth(t));
    expect(res.body.errors).toEqual([{ code: '701', message: 'filterType cannot be blank' }]);
    const values = await t.http.get('/rest/v1/leads.json').query({ filterType: 'email' }).set(await auth(t));
    expect(values.body.errors).toEqual([{ code: '701', message: 'filterValues cannot be blank' }]);
  });

  it('normalises dot segments (node-marketo-rest calls /rest/../bulk/v1/...)', async () => {
    const t = testSim();
    const res = await t.http.get('/rest/v1/leads/../leads/partitions.json').set(await auth(t));
    expect(res.body.success).toBe(true);
  });

  it('normalises repeated slashes, leading ones too (a base URL ending in /)', async () => {
    const t = testSim();
    for (const path of ['//rest/v1/leads/partitions.json', '/rest//v1/leads/partitions.json', '//123-ABC-456//rest/v1/leads/partitions.json']) {
      const res = await t.http.get(path).set(await auth(t));
      expect(res.body.result).toEqual([{ id: 1, name: 'Default', description: 'Initial system lead partition' }]);
    }
    const token = await t.http.get('//identity/oauth/token').query({ grant_type: 'client_credentials', client_id: t.service.clientId, client_secret: t.service.clientSecret });
    expect(token.status).toBe(200);
  });

  it('a malformed escape in a path parameter is refused as a bad value, not a system error', async () => {
    const t = testSim();
    const field = await t.http.get('/rest/v1/leads/schema/fields/%E0%A4%A.json').set(await auth(t));
    expect(field.body.errors).toEqual([{ code: '1006', message: "Field '%E0%A4%A' not found" }]);
  });
});

describe('_method overrides', () => {
  async function seeded() {
    const t = testSim();
    const a = await auth(t);
    await t.http.post('/rest/v1/leads.json').set(a).send({ input: [{ email: 'ann@example.com', firstName: 'Ann' }, { email: 'bob@example.com', firstName: 'Bob' }] });
    return { t, a };
  }

  it('POST ?_method=GET with the query in a form body reads like GET', async () => {
    const { t, a } = await seeded();
    const res = await t.http
      .post('/rest/v1/leads.json?_method=GET')
      .set(a)
      .type('form')
      .send({ filterType: 'email', filterValues: 'ann@example.com,bob@example.com', fields: 'email,firstName' });
    expect(res.body.result).toEqual([
      { id: 1, email: 'ann@example.com', firstName: 'Ann' },
      { id: 2, email: 'bob@example.com', firstName: 'Bob' },
    ]);
  });

  it('POST ?_method=GET with the parameters in a JSON body reads like GET (arrays or comma lists)', async () => {
    const { t, a } = await seeded();
    const res = await t.http
      .post('/rest/v1/leads.json?_method=GET')
      .set(a)
      .send({ filterType: 'email', filterValues: ['ann@example.com', 'bob@example.com'], fields: 'email,firstName', batchSize: 1 });
    expect(res.body.result).toEqual([{ id: 1, email: 'ann@example.com', firstName: 'Ann' }]);
    expect(res.body.moreResult).toBe(true);
    const next = await t.http
      .post('/rest/v1/leads.json?_method=GET')
      .set(a)
      .send({ filterType: 'email', filterValues: ['ann@example.com', 'bob@example.com'], fields: ['email', 'firstName'], batchSize: 1, nextPageToken: res.body.nextPageToken });
    expect(next.body.result).toEqual([{ id: 2, email: 'bob@example.com', firstName: 'Bob' }]);
    const bad = await t.http.post('/rest/v1/leads.json?_method=GET').set(a).send({ filterType: { name: 'email' }, filterValues: ['ann@example.com'] });
    expect(bad.body.errors).toEqual([{ code: '1006', message: 'Lookup field \'{"name":"email"}\' not found' }]);
    const notObject = await t.http.post('/rest/v1/leads.json?_method=GET').set(a).set('Content-Type', 'application/json').send('["email"]');
    expect(notObject.body.errors).toEqual([{ code: '701', message: 'filterType cannot be blank' }]);
  });

  it('honours _method=GET inside the form body (recorded)', async () => {
    const { t, a } = await seeded();
    const res = await t.http
      .post('/rest/v1/leads.json')
      .set(a)
      .type('form')
      .send({ _method: 'GET', filterType: 'email', filterValues: 'bob@example.com', fields: 'firstName' });
    expect(res.body.result).toEqual([{ id: 2, firstName: 'Bob' }]);
  });

  it('lets a long filter that would be 414 as GET pass as POST ?_method=GET', async () => {
    const { t, a } = await seeded();
    const values = ['bob@example.com', ...Array.from({ length: 299 }, (_, i) => `some.longer.person${i}@example-company.com`)].join(',');
    expect(values.length).toBeGreaterThan(8192);
    const res = await t.http.post('/rest/v1/leads.json?_method=GET').set(a).type('form').send({ filterType: 'email', filterValues: values });
    expect(res.body.success).toBe(true);
    expect(res.body.result.map((r: { id: number }) => r.id)).toEqual([2]);
  });

  it('POST leads.json ?_method=DELETE deletes (recorded)', async () => {
    const { t, a } = await seeded();
    const res = await t.http.post('/rest/v1/leads.json?_method=DELETE').set(a).send({ input: [{ id: 1 }] });
    expect(res.body.result).toEqual([{ id: 1, status: 'deleted' }]);
    expect(t.sim.runtime.firstInstance().leads.has(1)).toBe(false);
  });

  it('ignores _method on GET and unknown override values', async () => {
    const { t, a } = await seeded();
    const res = await t.http.post('/rest/v1/leads.json?_method=PATCH').set(a).send({ input: [{ email: 'carl@example.com' }] });
    expect(res.body.result).toEqual([{ id: 3, status: 'created' }]);
  });
});

describe('gzip', () => {
  it('compresses bodies of 1 KB and more when asked, with Vary: Accept-Encoding', async () => {
    const t = testSim();
    const res = await t.http
      .get('/rest/v1/leads/describe.json')
      .set(await auth(t))
      .set('Accept-Encoding', 'gzip')
      .buffer(true)
      .parse((response, callback) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => callback(null, Buffer.concat(chunks)));
      });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers.vary).toContain('Accept-Encoding');
    const raw = res.body as Buffer;
    // superagent may already have inflated it; either way the JSON is the 100-field describe.
    const text = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
    expect(JSON.parse(text).result).toHaveLength(100);
  });

  it('answers gzip (the only coding Marketo sends) to clients that also accept br or deflate, and nothing to those that do not take gzip', async () => {
    const t = testSim();
    const a = await auth(t);
    const encodingFor = async (accept: string) =>
      (await t.http.get('/rest/v1/leads/describe.json').set(a).set('Accept-Encoding', accept).buffer(true).parse((r, cb) => r.on('data', () => {}).on('end', () => cb(null, null)))).headers['content-encoding'];
    expect(await encodingFor('br, gzip, deflate')).toBe('gzip');
    expect(await encodingFor('deflate, gzip, br, zstd')).toBe('gzip');
    expect(await encodingFor('*')).toBe('gzip');
    expect(await encodingFor('br')).toBeUndefined();
    expect(await encodingFor('deflate')).toBeUndefined();
    expect(await encodingFor('gzip;q=0, br')).toBeUndefined();
  });

  it('does not compress bodies under 1 KB', async () => {
    const t = testSim();
    const res = await t.http.get('/rest/v1/leads/partitions.json').set(await auth(t)).set('Accept-Encoding', 'gzip');
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body.success).toBe(true);
  });

  it('does not compress when not asked', async () => {
    const t = testSim();
    const res = await t.http.get('/rest/v1/leads/describe.json').set(await auth(t)).set('Accept-Encoding', 'identity');
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body.result).toHaveLength(100);
  });
});

describe('Instances: path prefix, Host header, root', () => {
  async function tokenAt(t: ReturnType<typeof testSim>, munchkin: string, id: string, secret: string) {
    const res = await t.http.get(`/${munchkin}/identity/oauth/token`).query({ grant_type: 'client_credentials', client_id: id, client_secret: secret });
    return res.body.access_token as string;
  }

  it('routes by path prefix, keeping each instance apart', async () => {
    const t = testSim({ config: TWO_INSTANCES });
    const a = await tokenAt(t, '111-AAA-111', 'client-a', 'secret-a');
    const b = await tokenAt(t, '222-BBB-222', 'client-b', 'secret-b');
    const created = await t.http.post('/111-AAA-111/rest/v1/leads.json').set('Authorization', `Bearer ${a}`).send({ input: [{ email: 'only-in-a@example.com' }] });
    expect(created.body.result).toEqual([{ id: 1, status: 'created' }]);
    const inA = await t.http.get('/111-AAA-111/rest/v1/leads.json').query({ filterType: 'email', filterValues: 'only-in-a@example.com', fields: 'email' }).set('Authorization', `Bearer ${a}`);
    expect(inA.body.result).toEqual([{ id: 1, email: 'only-in-a@example.com' }]);
    const inB = await t.http.get('/222-BBB-222/rest/v1/leads.json').query({ filterType: 'email', filterValues: 'only-in-a@example.com' }).set('Authorization', `Bearer ${b}`);
    expect(inB.body.result).toEqual([]);
    // The prefix is case-insensitive.
    const lower = await t.http.get('/222-bbb-222/rest/v1/leads/partitions.json').set('Authorization', `Bearer ${b}`);
    expect(lower.body.success).toBe(true);
  });

  it('routes by Host header <munchkin>.mktorest.com', async () => {
    const t = testSim({ config: TWO_INSTANCES });
    const res = await t.http
      .get('/identity/oauth/token')
      .set('Host', '222-bbb-222.mktorest.com')
      .query({ grant_type: 'client_credentials', client_id: 'client-b', client_secret: 'secret-b' });
    expect(res.status).toBe(200);
    const call = await t.http.get('/rest/v1/leads/partitions.json').set('Host', '222-BBB-222.mktorest.com:443').set('Authorization', `Bearer ${res.body.access_token}`);
    expect(call.body.success).toBe(true);
    const atFirst = await t.http.get('/rest/v1/leads/partitions.json').set('Authorization', `Bearer ${res.body.access_token}`);
    expect(atFirst.body.errors).toEqual([{ code: '601', message: 'Access token invalid' }]);
  });

  it('serves the first instance at the root', async () => {
    const t = testSim({ config: TWO_INSTANCES });
    const res = await t.http.get('/identity/oauth/token').query({ grant_type: 'client_credentials', client_id: 'client-a', client_secret: 'secret-a' });
    expect(res.status).toBe(200);
    const call = await t.http.get('/111-AAA-111/rest/v1/leads/partitions.json').set('Authorization', `Bearer ${res.body.access_token}`);
    expect(call.body.success).toBe(true);
  });

  it('614 Invalid Subscription for an unknown Munchkin ID, by prefix or Host', async () => {
    const t = testSim({ config: TWO_INSTANCES });
    const byPrefix = await t.http.get('/999-ZZZ-999/rest/v1/leads/partitions.json');
    expect(byPrefix.status).toBe(200);
    expect(byPrefix.body).toEqual({ requestId: byPrefix.body.requestId, success: false, errors: [{ code: '614', message: 'Invalid Subscription' }] });
    const byHost = await t.http.get('/rest/v1/leads/partitions.json').set('Host', '999-zzz-999.mktorest.com');
    expect(byHost.body.errors).toEqual([{ code: '614', message: 'Invalid Subscription' }]);
    const logged = t.sim.runtime.log.query({ requestId: byPrefix.body.requestId }).entries;
    expect(logged[0]).toMatchObject({ munchkinId: '999-ZZZ-999', path: '/rest/v1/leads/partitions.json', message: "GET /rest/v1/leads/partitions.json -> 614 unknown Munchkin ID '999-ZZZ-999'" });
  });

  it('answers paths outside REST, Identity and the control plane with a JSON 404', async () => {
    const t = testSim();
    const res = await t.http.get('/favicon.ico');
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('not_found');
  });
});
