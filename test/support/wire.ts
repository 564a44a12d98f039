// Wire-test helpers: a partitioned instance definition, and an authenticated client for one service of a testSim.
import type { ConfigFile } from '../../simulator/config.js';
import type { Service } from '../../simulator/domain/instance.js';
import { testSim, type TestSim } from './sim.js';

export const MUNCHKIN = '123-ABC-456';

/**
 * One instance with partitions Mexico and Canada in their own workspaces, custom fields, and four services:
 * everything (the first), Mexico only, read-only, and schema-only.
 */
export function partitionedConfig(overrides: Partial<ConfigFile['instances'][number]> = {}): ConfigFile {
  return {
    instances: [
      {
        munchkinId: MUNCHKIN,
        partitions: [
          { name: 'Mexico', description: 'Leads that live in Mexico' },
          { name: 'Canada', description: 'Leads that live in Canada' },
        ],
        workspaces: [
          { name: 'LatAm', description: '', partitions: ['Mexico'] },
          { name: 'North', description: '', partitions: ['Canada'] },
        ],
        fields: [
          { name: 'externalKey', displayName: 'External Key', dataType: 'string' },
          { name: 'loyaltyNumber', displayName: 'Loyalty Number', dataType: 'integer' },
          { name: 'loyaltyTier', displayName: 'Loyalty Tier', dataType: 'percent' },
        ],
        services: [
          { name: 'Integration', clientId: 'integration', clientSecret: 'integration-secret' },
          { name: 'Mexico team', clientId: 'mexico', clientSecret: 'mexico-secret', workspaces: ['LatAm'] },
          { name: 'Reader', clientId: 'reader', clientSecret: 'reader-secret', permissions: ['Read-Only Person', 'Read-Only Activity'] },
          { name: 'Schema', clientId: 'schema', clientSecret: 'schema-secret', permissions: ['Read-Write Schema Custom Field'] },
        ],
        ...overrides,
      },
    ],
  };
}

type Body = string | object | undefined;

export interface Client {
  get(path: string, query?: Record<string, string | number>): Promise<{ status: number; body: Record<string, any>; headers: Record<string, string> }>;
  post(path: string, body?: Body, query?: Record<string, string | number>): Promise<{ status: number; body: Record<string, any>; headers: Record<string, string> }>;
}

/** A client that sends the service's bearer token on every call. */
export async function clientFor(t: TestSim, service: Service = t.service): Promise<Client> {
  const token = await t.token(service);
  const auth = { Authorization: `Bearer ${token}` };
  return {
    async get(path, query = {}) {
      const res = await t.http.get(path).query(query).set(auth);
      return { status: res.status, body: res.body, headers: res.headers as Record<string, string> };
    },
    async post(path, body, query = {}) {
      const req = t.http.post(path).query(query).set(auth);
      const res = body === undefined ? await req : await req.send(body);
      return { status: res.status, body: res.body, headers: res.headers as Record<string, string> };
    },
  };
}

export function serviceNamed(t: TestSim, name: string): Service {
  const service = t.sim.runtime.firstInstance().services.find((s) => s.name === name);
  if (!service) throw new Error(`no service '${name}'`);
  return service;
}

/** A fresh partitioned emulator and a client of its all-access service. */
export async function partitionedSim(overrides: Partial<ConfigFile['instances'][number]> = {}): Promise<{ t: TestSim; api: Client }> {
  const t = testSim({ config: partitionedConfig(overrides) });
  return { t, api: await clientFor(t) };
}
