// Public API: createSimulator(options) -> an isolated emulator to listen() on a port or hand to supertest.
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import { createApp } from './app.js';
import { createControlRouter, type ControlAccess } from './control/index.js';
import { createControl, type Control } from './control/api.js';
import { createIngestionRouter, drainIngestion } from './resources/ingestion.js';
import { FileStore } from './store/file-store.js';
import { Runtime, type SimulatorOptions } from './runtime.js';

export { Runtime, type SimulatorOptions } from './runtime.js';
export { SimClock } from './domain/clock.js';
export { ControlError, type Control } from './control/api.js';
export { StoreError } from './store/file-store.js';

export interface Simulator {
  /** The express app (hand it to supertest). */
  app: express.Express;
  runtime: Runtime;
  /** The control plane in process: the same functions the `/__sim` routes call (see control/api.ts). */
  control: Control;
  /** The token `/__sim` asks for when listening on a non-loopback address (options.adminToken, else random). */
  readonly adminToken: string;
  /** The --data file store, or null when the state lives only in memory. */
  readonly store: FileStore | null;
  /** Starts an HTTP server; port 0 (the default) picks a free port. Resolves to the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** The base URL once listening (`http://127.0.0.1:PORT`). */
  readonly url: string;
  close(): Promise<void>;
}

export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const runtime = new Runtime(options);
  const control = createControl(runtime);
  const access: ControlAccess = { required: false, token: options.adminToken ?? randomBytes(18).toString('base64url') };
  const app = createApp(runtime, { control: createControlRouter(runtime, control, access), ingestion: createIngestionRouter(runtime) });
  // Throws StoreError (and changes nothing) when the file is corrupt or of an unknown format version.
  const store = options.dataFile ? FileStore.open(runtime, options.dataFile, options.persistence) : null;
  let server: Server | null = null;
  let url = '';
  return {
    app,
    runtime,
    control,
    adminToken: access.token,
    store,
    get url() {
      if (!url) throw new Error('the simulator is not listening; call listen() first');
      return url;
    },
    async listen(port = 0, host = '127.0.0.1') {
      access.required = !isLoopback(host);
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
      // Stop taking calls first: a call answered while the last write was under way was lost from the file.
      if (server) {
        const s = server;
        server = null;
        await new Promise<void>((resolve) => {
          s.close(() => resolve());
          s.closeAllConnections();
        });
      }
      if (store) {
        // Accepted Data Ingestion requests are processed before the last write, so a shutdown loses none.
        drainIngestion(runtime);
        await store.close();
      }
      runtime.clock.dispose();
    },
  };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);
}
