// Wire tests: Identity (OAuth client credentials), token reuse and expiry, how tokens are passed, 600/601/602/603.
import { describe, expect, it } from 'vitest';
import { testSim } from './support/sim.js';
import type { ConfigFile } from '../simulator/config.js';

const TWO_INSTANCES: ConfigFile = {
  instances: [
    { munchkinId: '111-AAA-111', services: [{ name: 'A', clientId: 'client-a', clientSecret: 'secret-a' }] },
    {
      munchkinId: '222-BBB-222',
      services: [
        { name: 'B', clientId: 'client-b', clientSecret: 'secret-b' },
        { name: 'Reader', clientId: 'reader', clientSecret: 'reader-secret', permissions: ['Read-Only Person'] },
        { name: 'No access', clientId: 'none', clientSecret: 'none-secret', permissions: ['Read-Only Assets'] },
      ],
    },
  ],
};

const tokenQuery = (id: string, secret: string) => ({ grant_type: 'client_credentials', client_id: id, client_secret: secret });

describe('Identity: GET|POST /identity/oauth/token', () => {
  it('issues a bearer token by GET with the query string, with no-store headers', async () => {
    const t = testSim();
    const res = await t.http.get('/identity/oauth/token').query(tokenQuery(t.service.clientId, t.service.clientSecret));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json;charset=UTF-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.pragma).toBe('no-cache');
    expect(Object.keys(res.body)).toEqual(['access_token', 'token_type', 'expires_in', 'scope']);
    expect(res.body.access_token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}:sj$/);
    expect(res.body.token_type).toBe('bearer');
    expect(res.body.expires_in).toBe(3599);
    expect(res.body.scope).toBe(t.service.userEmail);
  });

  it('issues the same token by POST with a form-encoded body', async () => {
    const t = testSim();
    const byGet = await t.http.get('/identity/oauth/token').query(tokenQuery(t.service.clientId, t.service.clientSecret));
    const byPost = await t.http
      .post('/identity/oauth/token')
      .type('form')
      .send(tokenQuery(t.service.clientId, t.service.clientSecret));
    expect(byPost.status).toBe(200);
    expect(byPost.body.access_token).toBe(byGet.body.access_token);
  });

  it('accepts POST with the parameters in the query string and an empty body', async () => {
    const t = testSim();
    const res = await t.http.post('/identity/oauth/token').query(tokenQuery(t.service.clientId, t.service.clientSecret));
    expect(res.status).toBe(200);
    expect(res.body.token_type).toBe('bearer');
  });

  it('returns the same token with its remaining life until 3600 s have passed, then a new one', async () => {
    const t = testSim();
    const q = tokenQuery(t.service.clientId, t.service.clientSecret);
    const first = await t.http.get('/identity/oauth/token').query(q);
    t.clock.advance(1000 * 1000);
    const second = await t.http.get('/identity/oauth/token').query(q);
    expect(second.body.access_token).toBe(first.body.access_token);
    expect(second.body.expires_in).toBe(2599);
    t.clock.advance(2599 * 1000);
    const lastSecond = await t.http.get('/identity/oauth/token').query(q);
    expect(lastSecond.body.access_token).toBe(first.body.access_token);
    expect(lastSecond.body.expires_in).toBe(0);
    t.clock.advance(1000);
    const renewed = await t.http.get('/identity/oauth/token').query(q);
    expect(renewed.body.access_token).not.toBe(first.body.access_token);
    expect(renewed.body.expires_in).toBe(3599);
  });

  it('answers bad credentials with HTTP 401 and the OAuth invalid_client body', async () => {
    const t = testSim();
    for (const q of [tokenQuery(t.service.clientId, 'wrong'), tokenQuery('nobody', t.service.clientSecret), tokenQuery('', '')]) {
      const res = await t.http.get('/identity/oauth/token').query(q);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'invalid_client', error_description: 'Bad client credentials' });
    }
  });

  it('refuses a missing or unknown grant type with HTTP 400', async () => {
    const t = testSim();
    const missing = await t.http.get('/identity/oauth/token').query({ client_id: t.service.clientId, client_secret: t.service.clientSecret });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ error: 'invalid_request', error_description: 'Missing grant type' });
    const other = await t.http.get('/identity/oauth/token').query({ ...tokenQuery(t.service.clientId, t.service.clientSecret), grant_type: 'password' });
    expect(other.status).toBe(400);
    expect(other.body).toEqual({ error: 'unsupported_grant_type', error_description: 'Unsupported grant type: password' });
  });

  it('answers unknown identity paths and methods without a stack trace', async () => {
    const t = testSim();
    const path = await t.http.get('/identity/oauth/authorize');
    expect(path.status).toBe(404);
    expect(path.body).toEqual({ error: 'not_found', error_description: 'No such identity resource: /oauth/authorize' });
    const method = await t.http.delete('/identity/oauth/token');
    expect(method.status).toBe(405);
    expect(method.body.error).toBe('method_not_allowed');
  });
});

describe('Passing the token and its checks (600, 601, 602, 603)', () => {
  it('accepts the token in the Authorization: Bearer header', async () => {
    const t = testSim();
    const res = await t.http.get('/rest/v1/leads/partitions.json').set('Authorization', `Bearer ${await t.token()}`);
    expect(res.body.success).toBe(true);
  });

  it('accepts the legacy access_token query parameter and logs it as deprecated', async () => {
    const t = testSim();
    const res = await t.http.get('/rest/v1/leads/partitions.json').query({ access_token: await t.token() });
    expect(res.body.success).toBe(true);
    const logged = t.sim.runtime.log.query({ kind: 'deprecated' }).entries;
    expect(logged).toHaveLength(1);
    expect(logged[0].message).toBe('access_token sent as a parameter (deprecated; use the Authorization: Bearer header)');
    expect(logged[0].requestId).toBe(res.body.requestId);
  });

  it('accepts access_token inside a form body sent as POST ?_method=GET', async () => {
    const t = testSim();
    const res = await t.http
      .post('/rest/v1/leads/partitions.json?_method=GET')
      .type('form')
      .send({ access_token: await t.token() });
    expect(res.body.success).toBe(true);
    expect(res.body.result).toEqual([{ id: 1, name: 'Default', description: 'Initial system lead partition' }]);
  });

  it('prefers the header when both header and parameter are sent', async () => {
    const t = testSim();
    const res = await t.http
      .get('/rest/v1/leads/partitions.json')
      .query({ access_token: 'not-a-token' })
      .set('Authorization', `Bearer ${await t.token()}`);
    expect(res.body.success).toBe(true);
  });

  it('600 Empty access token when no token is sent, or the header is empty', async () => {
    const t = testSim();
    for (const req of [t.http.get('/rest/v1/leads/partitions.json'), t.http.get('/rest/v1/leads/partitions.json').set('Authorization', 'Bearer ')]) {
      const res = await req;
      expect(res.status).toBe(200);
      expect(res.body.success).toBe(false);
      expect(res.body.errors).toEqual([{ code: '600', message: 'Empty access token' }]);
    }
  });

  it('601 Access token invalid for a token the instance never issued', async () => {
    const t = testSim();
    const res = await t.http.get('/rest/v1/leads/partitions.json').set('Authorization', 'Bearer 00000000-0000-4000-8000-000000000000:sj');
    expect(res.body).toEqual({ requestId: res.body.requestId, success: false, errors: [{ code: '601', message: 'Access token invalid' }] });
  });

  it('602 Access token expired once 3600 s have passed on the instance clock', async () => {
    const t = testSim();
    const token = await t.token();
    t.clock.advance(3599 * 1000);
    const stillValid = await t.http.get('/rest/v1/leads/partitions.json').set('Authorization', `Bearer ${token}`);
    expect(stillValid.body.success).toBe(true);
    t.clock.advance(1000);
    const expired = await t.http.get('/rest/v1/leads/partitions.json').set('Authorization', `Bearer ${token}`);
    expect(expired.body.errors).toEqual([{ code: '602', message: 'Access token expired' }]);
  });

  it('binds tokens to their instance: a token from one instance is 601 at another', async () => {
    const t = testSim({ config: TWO_INSTANCES });
    const a = await t.http.get('/111-AAA-111/identity/oauth/token').query(tokenQuery('client-a', 'secret-a'));
    expect(a.status).toBe(200);
    const atA = await t.http.get('/111-AAA-111/rest/v1/leads/partitions.json').set('Authorization', `Bearer ${a.body.access_token}`);
    expect(atA.body.success).toBe(true);
    const atB = await t.http.get('/222-BBB-222/rest/v1/leads/partitions.json').set('Authorization', `Bearer ${a.body.access_token}`);
    expect(atB.body.errors).toEqual([{ code: '601', message: 'Access token invalid' }]);
    // Credentials are per instance too.
    const wrongInstance = await t.http.get('/222-BBB-222/identity/oauth/token').query(tokenQuery('client-a', 'secret-a'));
    expect(wrongInstance.status).toBe(401);
  });

  it('603 Access denied when the role lacks the operation permission', async () => {
    const t = testSim({ config: TWO_INSTANCES });
    const reader = await t.http.get('/222-BBB-222/identity/oauth/token').query(tokenQuery('reader', 'reader-secret'));
    const auth = { Authorization: `Bearer ${reader.body.access_token}` };
    const read = await t.http.get('/222-BBB-222/rest/v1/leads.json').query({ filterType: 'id', filterValues: '1' }).set(auth);
    expect(read.body).toEqual({ requestId: read.body.requestId, result: [], success: true });
    const write = await t.http.post('/222-BBB-222/rest/v1/leads.json').set(auth).send({ input: [{ email: 'a@example.com' }] });
    expect(write.body.errors).toEqual([{ code: '603', message: 'Access denied' }]);
    const activities = await t.http.get('/222-BBB-222/rest/v1/activities/types.json').set(auth);
    expect(activities.body.errors).toEqual([{ code: '603', message: 'Access denied' }]);
    const none = await t.http.get('/222-BBB-222/identity/oauth/token').query(tokenQuery('none', 'none-secret'));
    const describe = await t.http.get('/222-BBB-222/rest/v1/leads/describe.json').set('Authorization', `Bearer ${none.body.access_token}`);
    expect(describe.body.errors).toEqual([{ code: '603', message: 'Access denied' }]);
  });

  it('601 once a token is revoked', async () => {
    const t = testSim();
    const token = await t.token();
    const { revokeTokens } = await import('../simulator/domain/tokens.js');
    expect(revokeTokens(t.sim.runtime.firstInstance())).toBe(1);
    const res = await t.http.get('/rest/v1/leads/partitions.json').set('Authorization', `Bearer ${token}`);
    expect(res.body.errors).toEqual([{ code: '601', message: 'Access token invalid' }]);
  });
});
