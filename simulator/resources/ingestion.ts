// Data Ingestion API: POST /subscriptions/{munchkinId}/persons (HTTP 202, processed asynchronously on the instance clock).
import express from 'express';
import type { Runtime } from '../runtime.js';

export function createIngestionRouter(_runtime: Runtime): express.Router {
  return express.Router();
}
