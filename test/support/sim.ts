// Test helpers: a fresh emulator on a frozen clock, a supertest agent, and tokens for its services.
import request from 'supertest';
import { createSimulator, SimClock, type Simulator, type SimulatorOptions } from '../../simulator/index.js';
import type { Service } from '../../simulator/domain/instance.js';

export const T0 = Date.parse('2026-11-02T15:00:00Z');

export interface TestSim {
  sim: Simulator;
  clock: SimClock;
  http: ReturnType<typeof request>;
  /** The first instance's first service. */
  service: Service;
  /** A token for a service (default: the first); cached per client id like a real client would. */
  token(service?: Service, munchkinId?: string): Promise<string>;
}

/** A fresh emulator with its own state on a frozen clock at T0, limits off unless the test turns them on. */
export function testSim(options: SimulatorOptions = {}): TestSim {
  const clock = options.clock ?? new SimClock({ start: T0, frozen: true });
  const sim = createSimulator({ seed: 1, limits: { enabled: false }, ...options, clock });
  const http = request(sim.app);
  const tokens = new Map<string, string>();
  const first = sim.runtime.firstInstance();
  return {
    sim,
    clock,
    http,
    service: first.services[0],
    async token(service = first.services[0], munchkinId = first.munchkinId) {
      const cached = tokens.get(service.clientId);
      if (cached) return cached;
      const res = await http
        .get(`/${munchkinId}/identity/oauth/token`)
        .query({ grant_type: 'client_credentials', client_id: service.clientId, client_secret: service.clientSecret });
      if (res.status !== 200) throw new Error(`identity answered ${res.status}: ${res.text}`);
      tokens.set(service.clientId, res.body.access_token);
      return res.body.access_token as string;
    },
  };
}
