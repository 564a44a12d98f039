// The emulator's control plane under /__sim: thin HTTP wrappers over the functions tests call in-process.
import express from 'express';
import type { Runtime } from '../runtime.js';
import { createUiRouter } from '../ui/index.js';

export function createControlRouter(runtime: Runtime): express.Router {
  const router = express.Router();
  router.use('/ui', createUiRouter(runtime));
  return router;
}
