// The reporter names the CLI accepts (kept apart so flag parsing loads no reporter code).
export const REPORTERS = ['console', 'json', 'junit'] as const;
export type ReporterName = (typeof REPORTERS)[number];
