// Public API: createSimulator(options) -> an isolated emulator to listen() on a port or hand to supertest.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import { createApp } from './app.js';
import { createControlRouter } from './control/index.js';
import { createIngestionRouter } from './resources/ingestion.js';
import { Runtime, type SimulatorOptions } from './runtime.js';

export { Runtime, type SimulatorOptions } from './runtime.js';
export { SimClock } from './domain/clock.js';

export interface Simulator {
  /** The express app (hand it to supertest). */
  app: express.Express;
  runtime: Runtime;
  /** Starts an HTTP server; port 0 (the default) picks a free port. Resolves to the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** The base URL once listening (`http://127.0.0.1:PORT`). */
  readonly url: string;
  close(): Promise<void>;
}

export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const runtime = new Runtime(options);
  const app = createApp(runtime, { control: createControlRouter(runtime), ingestion: createIngestionRouter(runtime) });
  let server: Server | null = null;
  let url = '';
  return {
    app,
    runtime,
    get url() {
      if (!url) throw new Error('the simulator is not listening; call listen() first');
      return url;
    },
    async listen(port = 0, host = '127.0.0.1') {
      server = createServer(app);
      server.keepAliveTimeout = 5_000;
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, host, () => resolve());
      });
      const address = server.address() as AddressInfo;
      const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
      url = `http://${shownHost}:${address.port}`;
      return url;
    },
    async close() {
      runtime.clock.dispose();
      if (!server) return;
      const s = server;
      server = null;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    },
  };
}
