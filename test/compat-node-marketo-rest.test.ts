// Compatibility: the published npm client node-marketo-rest@0.7.8 (CommonJS, restler), unchanged, against the emulator over HTTP.
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator, SimClock, type Simulator } from '../simulator/index.js';
import { T0 } from './support/sim.js';

interface MarketoPage {
  requestId: string;
  success: boolean;
  result: Record<string, unknown>[];
}

interface MarketoClient {
  lead: {
    createOrUpdate(input: object[], options?: object): Promise<MarketoPage>;
    find(filterType: string, values: (string | number)[], options?: object): Promise<MarketoPage>;
    describe(): Promise<MarketoPage>;
    partitions(): Promise<MarketoPage>;
  };
}

const require = createRequire(import.meta.url);
const Marketo = require('node-marketo-rest') as new (options: object) => MarketoClient;

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(config?: Parameters<typeof createSimulator>[0]) {
  const clock = new SimClock({ start: T0, frozen: true });
  sim = createSimulator({ seed: 1, limits: { enabled: false }, clock, ...config });
  const base = await sim.listen(0, '127.0.0.1');
  const service = sim.runtime.firstInstance().services[0];
  const client = (prefix = '') =>
    new Marketo({
      endpoint: `${base}${prefix}/rest`,
      identity: `${base}${prefix}/identity`,
      clientId: service.clientId,
      clientSecret: service.clientSecret,
      // Its retry backoff sleeps on the wall clock (1 s by default); keep the re-authentication retry short.
      retry: { initialDelay: 10, maxDelay: 50 },
    });
  return { sim, clock, base, client };
}

describe('node-marketo-rest@0.7.8 against the emulator', () => {
  it('authenticates, creates or updates, finds, describes and lists partitions', async () => {
    const { client } = await start();
    const marketo = client();
    const created = await marketo.lead.createOrUpdate([{ email: 'ann@example.com', firstName: 'Ann' }, { email: 'bob@example.com' }], { lookupField: 'email' });
    expect(created.success).toBe(true);
    expect(created.result).toEqual([
      { id: 1, status: 'created' },
      { id: 2, status: 'created' },
    ]);
    const updated = await marketo.lead.createOrUpdate([{ email: 'ann@example.com', lastName: 'Lee' }], { lookupField: 'email', action: 'updateOnly' });
    expect(updated.result).toEqual([{ id: 1, status: 'updated' }]);

    const found = await marketo.lead.find('email', ['ann@example.com', 'bob@example.com'], { fields: ['email', 'firstName', 'lastName'] });
    expect(found.result).toEqual([
      { id: 1, email: 'ann@example.com', firstName: 'Ann', lastName: 'Lee' },
      { id: 2, email: 'bob@example.com', firstName: null, lastName: null },
    ]);
    const byId = await marketo.lead.find('id', [2]);
    expect(byId.result).toEqual([
      { id: 2, updatedAt: '2026-11-02T15:00:00Z', lastName: null, email: 'bob@example.com', createdAt: '2026-11-02T15:00:00Z', firstName: null },
    ]);

    const described = await marketo.lead.describe();
    expect(described.result).toHaveLength(100);
    expect(described.result.find((f) => (f.rest as { name: string }).name === 'email')).toEqual({
      id: 56,
      displayName: 'Email Address',
      dataType: 'email',
      length: 255,
      rest: { name: 'email', readOnly: false },
      soap: { name: 'Email', readOnly: false },
    });

    const partitions = await marketo.lead.partitions();
    expect(partitions.result).toEqual([{ id: 1, name: 'Default', description: 'Initial system lead partition' }]);
  });

  it('re-authenticates by itself after a 602 once the emulator clock passes 3600 s', async () => {
    const { sim, clock, client } = await start();
    const marketo = client();
    await marketo.lead.createOrUpdate([{ email: 'ann@example.com' }]);
    const firstToken = [...sim.runtime.firstInstance().tokens.keys()];
    expect(firstToken).toHaveLength(1);
    clock.advance(3601 * 1000);
    const found = await marketo.lead.find('email', ['ann@example.com'], { fields: ['email'] });
    expect(found.result).toEqual([{ id: 1, email: 'ann@example.com' }]);
    const messages = sim.runtime.log.query({ kind: 'request', limit: 1000 }).entries.map((e) => e.message);
    expect(messages).toEqual([
      'GET /identity/oauth/token -> 200',
      'POST /rest/v1/leads.json -> 200',
      'GET /rest/v1/leads.json -> 200 602',
      'GET /identity/oauth/token -> 200',
      'GET /rest/v1/leads.json -> 200',
    ]);
    const tokens = [...sim.runtime.firstInstance().tokens.keys()];
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).toBe(firstToken[0]);
  });

  it('works against a second instance by its path prefix', async () => {
    const { sim } = await start({
      config: { instances: [{ munchkinId: '111-AAA-111' }, { munchkinId: '222-BBB-222', services: [{ name: 'B', clientId: 'b', clientSecret: 'b-secret' }] }] },
    });
    const base = sim.url;
    const marketo = new Marketo({ endpoint: `${base}/222-BBB-222/rest`, identity: `${base}/222-BBB-222/identity`, clientId: 'b', clientSecret: 'b-secret' });
    expect((await marketo.lead.createOrUpdate([{ email: 'b@example.com' }])).result).toEqual([{ id: 1, status: 'created' }]);
    expect(sim.runtime.instance('222-BBB-222')!.leads.size).toBe(1);
    expect(sim.runtime.instance('111-AAA-111')!.leads.size).toBe(0);
  });

  it('rejects with the Marketo error for a refused call', async () => {
    const { client } = await start();
    await expect(client().lead.find('firstName', ['Ann'])).rejects.toMatchObject({
      name: 'HttpError',
      message: "Lookup field 'firstName' not supported",
      errors: [{ code: '1011', message: "Lookup field 'firstName' not supported" }],
    });
  });
});
