// Picks a reporter by name: console (default), json or junit.
import type { RunReport } from '../report.js';
import { formatConsole, type ConsoleOptions } from './console.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';

export const REPORTERS = ['console', 'json', 'junit'] as const;
export type ReporterName = (typeof REPORTERS)[number];

export function formatReport(name: ReporterName, report: RunReport, options: ConsoleOptions = {}): string {
  switch (name) {
    case 'console':
      return `${formatConsole(report, options)}\n`;
    case 'json':
      return formatJson(report);
    case 'junit':
      return formatJunit(report);
  }
}
