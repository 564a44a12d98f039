// The dashboard served at /__sim/ui (every asset served locally; works offline).
import express from 'express';
import type { Runtime } from '../runtime.js';

export function createUiRouter(_runtime: Runtime): express.Router {
  return express.Router();
}
