// Picks a reporter by name: console (default), json or junit.
import type { RunReport } from '../report.js';
import { formatConsole, type ConsoleOptions } from './console.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';

import type { ReporterName } from './names.js';

export { REPORTERS, type ReporterName } from './names.js';

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
