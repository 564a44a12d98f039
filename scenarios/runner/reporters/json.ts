// The JSON reporter: the whole run report (per-scenario status, per-step wall and virtual timings, failures, load errors).
import type { RunReport } from '../report.js';

export function formatJson(report: RunReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
